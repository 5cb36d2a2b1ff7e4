"""What every list and field of the UI shares: the first item highlighted at once (so Enter works
on first show), and a tick box whose state reads without colour."""

from __future__ import annotations

from textual.widgets import Checkbox, OptionList


def highlight_first(options: OptionList, keep: int | None = None) -> None:
    """Highlight option ``keep`` if it is still there, else the first that can be picked, so that
    Enter does something at once."""
    if keep is not None and 0 <= keep < options.option_count and not options.get_option_at_index(keep).disabled:
        options.highlighted = keep
        return
    first = next((i for i in range(options.option_count) if not options.get_option_at_index(i).disabled), None)
    if first is not None:
        options.highlighted = first


class Tick(Checkbox):
    """A checkbox whose state reads without colour: an X ticked, empty not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "X" if self.value else " "
