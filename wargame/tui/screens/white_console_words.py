"""The White Cell console's words: the seats' short names, the channels in the order it lists
them, a result as one entry of its log, a seat's row and the notices (see
:mod:`wargame.tui.white_console`). A cell's screen names channels and results the same way."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from textual.markup import escape

from wargame.engine.adjudication import Adjudication
from wargame.engine.titles import placed
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


def record_sentence(r: dict[str, Any]) -> str:
    """A record's sentence with the orders a cell gave and a track the facilitator set named by
    their titles, as the table says it (the server sends the engine's sentence, which names them by
    their ids: "gave 2 orders: is.defend in iraq")."""
    said = SimpleNamespace(text=str(r.get("text", "")).strip(), kind=r.get("kind"))
    return Adjudication.sentence(said, titled(None))  # type: ignore[arg-type]  # the sentence reads only these two


def result_markup(r: dict[str, Any], odds: bool = False) -> str:
    """A record of a ``results`` message in one entry (Rich markup, for a RichLog): ✔ or ✘, its
    title and where (the theatre's title), its sentence; with ``odds``, its chance ("70%"). Titles,
    never the rulebook's ids: a record without a title is titled from its ``ref``."""
    rb = titled(None)
    mark = "[green]✔[/]" if r.get("happened") else "[red]✘[/]"
    where = r.get("offshoot") or r.get("theatre")
    where_title = rb.where_title(where) if where else ""
    ref = str(r.get("ref") or "")
    title = str(r.get("title") or "")
    if ref and title in ("", ref):
        title = rb.title(ref)
    full = placed(title, where_title if where else "")
    text = record_sentence(r)
    # a sentence that opens with the title ("Coalition orders: Coalition gave its orders.", "Recruits and attrition
    # leave IS with 15 fighters.") is the entry itself, its title in bold: never the title said twice
    opening = next((t for t in (full, title) if t and text.casefold().startswith(t.casefold())), None)
    if opening is not None:
        line = f"{mark} [b]{escape(text[:len(opening)])}[/]{escape(text[len(opening):])}"
        if opening != full and where_title not in text:
            line += f" [dim]({escape(where_title)})[/]"
    else:
        line = f"{mark} [b]{escape(full)}[/]" + (f": {escape(text)}" if text else "")
    if r.get("justification"):
        line += f"\n   [yellow]White Cell:[/] {escape(str(r['justification']))}"
    if odds and r.get("chance") is not None:
        line += f"  [dim](odds {round(100 * float(r['chance']))}%)[/]"
    return line


def seat_row(seat: str, client: Any, takeovers: list[str], codes: dict[str, str],
             coded: list[str] | None = None) -> tuple[str, str, str, str]:
    """The Seats tab's row of ``seat``: its name, connected (``?`` while the console's own connection
    is down), its orders this turn, its join code ("new: CODE" after a revoke, "none: a bot" for a
    seat not in ``coded``, else "—": the server shows each code once, when it starts)."""
    up = client.ws is not None
    connected = ("yes" if seat in client.joined else "no") if up else "?"
    if seat in takeovers:
        connected += ", another wants it (a)"
    orders_phase = (client.view or {}).get("phase") == "orders"
    orders = "" if seat == WHITE or not orders_phase else "awaited" if seat in client.awaiting else "given"
    code = f"new: {codes[seat]}" if seat in codes else "none: a bot" if coded is not None and seat not in coded else "—"
    return SHORT[seat], connected, orders, code


def notice_of(m: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The notification a server message brings to the console: (its text, notify's options), or None."""
    kind = m.get("type")
    seat = SHORT.get(str(m.get("seat")), str(m.get("seat")))
    if kind == "code":
        return (f"New join code for {seat}: {m.get('code')} (also in the Seats tab, 2). The old one no longer works.",
                {"title": "Code revoked", "timeout": 30})
    if kind == "takeover_requested":
        return (f"Another connection wants the {seat} seat, which is connected. Press a to approve "
                "(the present connection is closed), or ignore it.",
                {"title": "Takeover asked for", "severity": "warning", "timeout": 30})
    if kind == "takeover_withdrawn":
        return f"The connection waiting for the {seat} seat gave up: no takeover to approve.", {"timeout": 8}
    if kind == "connection" and m.get("up"):
        return "Joined again: the console is as it was.", {"timeout": 3}
    return None
