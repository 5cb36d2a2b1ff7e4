"""Changes as people read them, "AQ standing: 6 → 9", with the values in a column of their own so
that a narrow screen wraps the name and never breaks inside "6 → 9" (Rich and Textual wrap at any
whitespace, a non-breaking space included, so the values are laid out, not glued)."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.widgets import Static


@frozen
class Change:
    label: str  # plain text: "▲ AQ standing"
    before: str
    after: str

    @property
    def values(self) -> str:
        return f"{self.before} → {self.after}"

    def __str__(self) -> str:
        return f"{self.label}: {self.values}"


class Changes:
    """Rows of changes as a Rich renderable: the labels wrap in the left column, the values sit
    whole in the right one (``values_width`` wide, to line up rows rendered apart, as the options
    of a list; ``expand``: as wide as the room, else as wide as they need). ``str()`` is the plain text, one "label: a → b" a line."""

    def __init__(self, rows: Sequence[Change], values_width: int | None = None, expand: bool = True):
        self.rows = list(rows)
        self.expand = expand
        self.values_width = values_width or max((len(r.values) for r in self.rows), default=1)

    def __str__(self) -> str:
        return "\n".join(str(r) for r in self.rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table.grid(padding=(0, 0, 0, 1), expand=self.expand)
        table.add_column(ratio=1, overflow="fold")
        table.add_column(no_wrap=True, justify="right", min_width=self.values_width)
        for r in self.rows:
            table.add_row(Text(f"{r.label}:"), Text(r.values))
        yield table

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((len(r.label) + 2 for r in self.rows), default=1) + self.values_width
        return Measurement(min(self.values_width + 2, options.max_width), min(longest, options.max_width))


def values_width(rows: Sequence[Change]) -> int:
    return max((len(r.values) for r in rows), default=1)


class ChangesStatic(Static):
    """A Static that hands Textual what it was given (its ``str()`` is then the plain text)."""

    def render(self):  # type: ignore[override]
        return self.content
