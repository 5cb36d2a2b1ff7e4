"""The White Cell console's words: the seats' short names, the channels in the order it lists
them, and a result as one entry of its log (see :mod:`wargame.tui.white_console`)."""

from __future__ import annotations

from typing import Any

from textual.markup import escape

from wargame.net.server import CHANNEL_SEATS, WHITE, channel_name
from wargame.tui.widgets.board import titled

SHORT = {"is": "IS", "aq": "AQ", "coalition": "Coalition", "governments": "Governments", "white": "White Cell"}


def all_channels() -> list[str]:
    """Every channel: the White Cell's own first (it speaks on them), then the cells' pairs."""
    pairs = {channel_name(f"{a}-{b}")[0] for a in CHANNEL_SEATS for b in CHANNEL_SEATS if a != b}
    return sorted(pairs, key=lambda c: (not c.endswith(f"-{WHITE}"), [CHANNEL_SEATS.index(s) for s in c.split("-")]))


def channel_title(channel: str) -> str:
    """``is-white`` -> "IS – White Cell"."""
    return " – ".join(SHORT.get(s, s) for s in channel.split("-"))


def result_markup(r: dict[str, Any], ref: bool = False) -> str:
    """A record of a ``results`` message in one entry (Rich markup, for a RichLog): ✔ or ✘, its
    title, its sentence; with ``ref``, the rule or order it applies (what an override names)."""
    mark = "[green]✔[/]" if r.get("happened") else "[red]✘[/]"
    where = r.get("offshoot") or r.get("theatre")
    title = str(r.get("title", "")) + (f" in {titled(None).where_title(where)}" if where else "")
    text = str(r.get("text", "")).strip()
    line = f"{mark} [b]{escape(title)}[/]" + (f": {escape(text)}" if text else "")
    if r.get("justification"):
        line += f"\n   [yellow]White Cell:[/] {escape(str(r['justification']))}"
    if ref and r.get("chance") is not None:
        line += f"  [dim]({escape(str(r.get('ref')))}, {round(100 * float(r['chance']))}%)[/]"
    return line
