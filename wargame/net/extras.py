"""What a networked seat is shown beyond its board: the charts of the main tracks, and its records
turned back into the engine's objects for the table's screens (docs/protocol.md, ``charts``).

The server builds a seat's ``charts`` message with :func:`charts_message`: exactly the charts
:func:`wargame.record.plots.charts` gives that seat (only the series whose every input it may
always see exactly; all of them for the White Cell, and for everyone once the game is over). A
client rebuilds them (:func:`charts_from_payload`) and its records (:func:`record_from_payload`,
the inverse of :func:`wargame.net.protocol.record_payload`) so that the table's own widgets and
screens draw them: no second renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wargame.engine.adjudication import Adjudication
from wargame.engine.model import State
from wargame.net.protocol import chart_payload, server_message
from wargame.record.plots import Chart, Series, charts
from wargame.table.session import Session


def seat_charts(session: Session, seat: str, every: Sequence[Chart] | None = None) -> list[dict[str, Any]]:
    """The charts ``seat`` may see of the session's game, as payloads (:func:`chart_payload`);
    ``every``: the game's :func:`~wargame.record.plots.every_chart`, if worked out for all seats."""
    return [chart_payload(c) for c in charts(session.rulebook, session.game, seat, every)]


def charts_message(session: Session, seat: str, every: Sequence[Chart] | None = None) -> str:
    """The ``charts`` message for ``seat``: ``{"v": 1, "type": "charts", "charts": [payload, ...]}``."""
    return server_message("charts", charts=seat_charts(session, seat, every))


def _not_read(state: State, names: dict[str, float]) -> float:
    raise ValueError("a chart rebuilt from the wire has its values already: it reads no state")


def charts_from_payload(payloads: Sequence[dict[str, Any]]) -> list[Chart]:
    """A ``charts`` message's charts as :class:`~wargame.record.plots.Chart` objects (what the
    table's ChartPlot draws): each series' title and range, the quarters and the values as sent."""
    out = []
    for p in payloads:
        series = Series(str(p["title"]), _not_read, (), float(p["lo"]), float(p["hi"]))
        out.append(Chart(series, tuple(str(q) for q in p["quarters"]), tuple(float(x) for x in p["values"])))
    return out


def record_from_payload(p: dict[str, Any]) -> Adjudication:
    """A record of a ``results`` message as the engine's :class:`Adjudication` (its sentence
    already written for the seat: ``text``), the inverse of
    :func:`~wargame.net.protocol.record_payload`: ``record_payload(record_from_payload(p)) == p``."""
    band = p.get("band")
    return Adjudication.shown(
        str(p.get("text", "")),
        turn=int(p["turn"]), phase=str(p["phase"]), kind=str(p["kind"]), ref=str(p["ref"]), title=str(p["title"]),
        cites=tuple(int(c) for c in p.get("cites", ())), cell=p.get("cell"), theatre=p.get("theatre"),
        offshoot=p.get("offshoot"), chance=p.get("chance"), roll=p.get("roll"), happened=bool(p.get("happened", True)),
        changes=tuple((str(n), int(b), int(a)) for n, b, a in p.get("changes", ())),
        original=p.get("original"), justification=str(p.get("justification", "")),
        band=(float(band[0]), float(band[1])) if band is not None else None,
        estimates=tuple((str(n), str(e)) for n, e in p.get("estimates", ())),
    )
