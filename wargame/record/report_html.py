"""The after-action report as one printable HTML page, for a projector or a browser.

The page says what the Markdown report says (:mod:`wargame.record.report`, whose functions it
uses), for the same seat and nothing more, laid out for a debrief: the turning points, the
timeline turn by turn (the White Cell's announcements, the events, each cell's orders with their
results and, where the reader may see them, the reasons, then the dynamics, the most important
first in each group), the charts as text (:func:`wargame.record.plots.text_chart`), the White
Cell's actions, the facilitator's notes and bookmarks, the rules that fired and the tracks.

One self-contained file: the style inline (large type for a projector, a print stylesheet), no
script, nothing fetched from elsewhere (no ``src``, no link but to the page's own sections), and
every text escaped with :func:`html.escape`, a note's ``<`` included.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from wargame.engine.adjudication import Adjudication
from wargame.engine.model import CELLS
from wargame.record import fog
from wargame.record.debrief import (
    FACILITATOR,
    GivenOrder,
    TurnAccount,
    orders_given,
    record_line,
    seat_words,
    turn_accounts,
    turning_points,
    weight,
)
from wargame.record.game import Game
from wargame.record.messages import MESSAGES_HEAD, message_turns
from wargame.record.report import (
    MARK,
    ODDS_HEAD,
    chart_texts,
    charts_note,
    more_lines,
    objective_rows,
    outcome_lines,
    report_title,
    rules_fired,
    scenario_line,
    track_table,
    unfinished,
    whose,
)
from wargame.record.seating import initial_seats

DOCTYPE = "<!DOCTYPE html>"

STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #111;
  font: 22px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 64em; margin: 0 auto; padding: 1em 1.5em 4em; }
h1 { font-size: 2em; line-height: 1.15; margin: .4em 0; }
h2 { font-size: 1.5em; border-bottom: 3px solid #234; padding-bottom: .1em; margin: 2em 0 .6em; }
h3 { font-size: 1.25em; margin: 1.6em 0 .3em; color: #123; }
h4 { font-size: .8em; text-transform: uppercase; letter-spacing: .08em; color: #345; margin: 1em 0 .2em; }
p, li { max-width: 48em; }
.banner { background: #fff3cd; border-left: 10px solid #b8860b; padding: .5em 1em; font-weight: 700; }
.whose { font-size: 1.1em; font-weight: 600; }
.meta { color: #333; }
nav ol { columns: 2; font-size: .85em; }
a { color: #134; }
table { border-collapse: collapse; font-size: .8em; margin: .5em 0; }
th, td { border: 1px solid #888; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #e6ecf2; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
ul.recs { list-style: none; padding-left: 0; margin: .2em 0; }
ul.recs > li { margin: .3em 0; padding-left: .6em; border-left: 6px solid #5a8; }
ul.recs > li.not { border-left-color: #c55; }
ul.recs > li.minor { font-size: .78em; color: #333; border-left-width: 3px; }
ul.told > li { border-left-color: #35a; background: #eef3fb; }
.cell { font-weight: 700; margin: .6em 0 0; }
.t { font-weight: 700; }
.odds { color: #333; white-space: nowrap; }
.ch { color: #235; }
.ref { color: #666; font-size: .8em; }
.ruling { font-style: italic; color: #7a3b00; }
.why { display: block; font-style: italic; color: #222; }
figure { margin: 1em 0; }
pre.chart { font: 15px/1.2 "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace; overflow-x: auto;
  background: #fafafa; border: 1px solid #ccc; padding: .5em; margin: 0; }
footer { margin-top: 3em; color: #555; font-size: .8em; }
@page { margin: 14mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  h3, h4 { break-after: avoid; }
  figure, tr, ul.recs > li { break-inside: avoid; }
  pre.chart { font-size: 7pt; border: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _list(items: Sequence[str], tag: str = "ul", cls: str = "") -> str:
    """Items already made HTML, as a list."""
    attr = f' class="{cls}"' if cls else ""
    return f"<{tag}{attr}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"


def _recs(items: Sequence[str]) -> str:
    """List items already made (``<li>``), as a list of records."""
    return '<ul class="recs">' + "".join(items) + "</ul>"


def _table(heads: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(v: object) -> str:
        text = str(v)
        numeric = text.replace(".", "", 1).replace("-", "", 1).replace("/", "", 1).isdigit()
        return f'<td class="n">{_e(text)}</td>' if numeric else f"<td>{_e(text)}</td>"

    head = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in heads) + "</tr>"
    return ("<table><thead>" + head + "</thead><tbody>"
            + "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows) + "</tbody></table>")


def _record(game: Game, r: Adjudication, white: bool, announced: str, why: str = "") -> str:
    """One record as a list item: its title, the odds and the roll, its sentence, the changes the
    reader is shown, its ¶ (and id), the White Cell's ruling, and the reason for an order."""
    line = record_line(game.rulebook, r, white, announced)
    classes = [c for c in ("" if r.happened else "not", "minor" if weight(r) >= 2 and r.kind != "order" else "") if c]
    parts = [f'<span class="t">{_e(line.title)}</span>']
    if line.odds:
        parts.append(f' <span class="odds">({_e(line.odds)})</span>')
    parts.append(f": {_e(line.sentence)}")
    if line.changes:
        parts.append(f' <span class="ch">({_e(line.changes)})</span>')
    if line.ref:
        parts.append(f' <span class="ref">[{_e(line.ref)}]</span>')
    if line.ruling:
        parts.append(f' <span class="ruling">{_e(line.ruling)}</span>')
    if why:
        parts.append(f'<span class="why">Why: {_e(why)}</span>')
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<li{attr}>{''.join(parts)}</li>"


def _why(g: GivenOrder) -> str:
    if g.reason:
        return g.reason + ("" if g.reason.endswith((".", ")")) else ".")
    if g.seat != "human":
        return "not known: the bot in this seat would not give these orders (people, or another program, gave them)."
    return ""


def _orders(game: Game, account: TurnAccount, given: list[GivenOrder], seats: dict[str, str], white: bool,
            announced: str) -> list[str]:
    """The orders group of a turn: cell by cell, each order with its result and, where the reader
    may see it, its reason; then what else the adjudication did."""
    rb = game.rulebook
    left = list(account.orders)
    out = []
    for cell in CELLS:
        mine = [g for g in given if g.cell == cell]
        records = [r for r in left if r.cell == cell and r.kind == "order"]
        if not mine and not records:
            continue
        items = []
        for g in mine:
            if g.record is not None and g.record in left:
                left.remove(g.record)
                items.append(_record(game, g.record, white, announced, _why(g)))
            else:
                why = _why(g)
                items.append(f"<li><span class=\"t\">{_e(rb.order_title(g.kind, g.theatre))}</span>: not resolved yet"
                             + (f'<span class="why">Why: {_e(why)}</span>' if why else "") + "</li>")
        for r in records:
            if r in left:
                left.remove(r)
                items.append(_record(game, r, white, announced))
        for r in [r for r in left if r.cell == cell and r.kind == "budget"]:
            left.remove(r)  # what the orders cost, if the reader is shown it
            if r.changes and any(a >= 0 or b >= 0 for _, a, b in r.changes):
                items.append(_record(game, r, white, announced))
        who = seat_words(mine[0].seat) if mine else seat_words(seats.get(cell, "human"))
        out.append(f'<p class="cell">{_e(rb.title(cell))} ({_e(who)})</p>' + _recs(items))
    if left:
        out.append('<p class="cell">What the orders set off</p>' + _recs([_record(game, r, white, announced) for r in left]))
    return out


def _turn(game: Game, account: TurnAccount, given: list[GivenOrder], seats: dict[str, str], white: bool) -> str:
    scenario = game.rulebook.scenarios[game.header.scenario]
    out = [f'<article class="turn" id="turn-{account.turn}"><h3>Turn {account.turn} · {_e(scenario.label(account.turn))}</h3>']
    announced = " ".join(a.text for a in account.told)
    if account.told:
        out.append("<h4>White Cell</h4>" + _list(
            [_e(a.lines()[0]) + (_list([_e(m) for m in a.lines()[1:]]) if len(a.lines()) > 1 else "") for a in account.told],
            cls="recs told"))
    if account.events:
        out.append("<h4>Events</h4>" + _recs([_record(game, r, white, announced) for r in account.events]))
    orders = _orders(game, account, [g for g in given if g.turn == account.turn], seats, white, announced)
    if orders:
        out.append("<h4>Orders, results and why</h4>" + "".join(orders))
    if account.dynamics:
        out.append("<h4>Dynamics</h4>" + _recs([_record(game, r, white, announced) for r in account.dynamics]))
    return "".join(out) + "</article>"


def _section(ident: str, title: str, body: str) -> str:
    return f'<section id="{ident}"><h2>{_e(title)}</h2>{body}</section>'


def html(game: Game, title: str = "", seat: str = FACILITATOR, odds: Sequence[str] = (),
         dates: tuple[str, str] | None = None) -> str:
    """The report as one self-contained HTML page: the facilitator's (``white``) or a cell's
    debrief handout, as :func:`wargame.record.report.markdown` (same arguments) says it."""
    rb = game.rulebook
    white = seat == FACILITATOR
    heading = report_title(game, title)
    head = [f"<h1>{_e(heading)}</h1>"]
    stop = unfinished(game)
    if stop:
        head.append(f'<p class="banner">{_e(stop)}</p>')
    head.append(f'<p class="whose">{_e(whose(game, seat))}</p>')
    name, rest = scenario_line(game, seat)
    head.append(f'<p class="meta">Scenario <strong>{_e(name)}</strong>{_e(rest)}</p>')
    head += [f'<p class="meta">{_e(line)}</p>' for line in more_lines(game, dates)]

    sections: list[tuple[str, str, str]] = [("outcome", "Outcome", _list([_e(x) for x in outcome_lines(game, seat)]))]
    if odds:
        sections.append(("odds", ODDS_HEAD, f"<p>{_e(odds[0])}</p>" + _list([_e(x) for x in odds[1:]])))
    points = turning_points(game, seat)
    sections.append(("turning-points", "Turning points", _list([_e(p) for p in points], "ol") if points else "<p>None.</p>"))
    note, rows = objective_rows(game, seat)
    sections.append(("objectives", "Objectives", (f"<p>{_e(note)}</p>" if note else "")
                     + _table(("Cell", "Objective", "Points"), rows)))
    given = orders_given(game, seat)
    seats = initial_seats(game.header, game.commands)
    turns = "".join(_turn(game, a, given, seats, white) for a in turn_accounts(game, seat))
    sections.append(("timeline", "Timeline, turn by turn", turns or "<p>No turn has been played.</p>"))
    said = message_turns(game, seat)
    if said:
        sections.append(("messages", MESSAGES_HEAD, "".join(
            f"<h3>Turn {turn} · {_e(quarter)}</h3>" + _list([f"{_e(phase)}, {_e(channel)}: <strong>{_e(who)}</strong>: {_e(text)}"
                                                             for phase, channel, who, text in items])
            for turn, quarter, items in said)))
    drawn = chart_texts(game, seat)
    if drawn:
        sections.append(("charts", "Charts", f"<p>{_e(charts_note(game, seat))}</p>" + "".join(
            f'<figure><pre class="chart" role="img" aria-label="{_e(t)}">{_e(text)}</pre></figure>' for t, text in drawn)))
    told = fog.announcements(game, seat)
    acts = [f"Turn {a.turn}: " + _e(a.lines()[0]) + (_list([_e(m) for m in a.lines()[1:]]) if len(a.lines()) > 1 else "")
            for a in told]
    sections.append(("white-cell", "The White Cell's actions" if white else "What the White Cell told you",
                     _list(acts) if acts else "<p>None.</p>"))
    if white:  # the notes may speak of any cell's secrets
        notes = [f"Turn {n.turn}" + (f" · bookmark <strong>{_e(n.bookmark)}</strong>" if n.bookmark else "") + f": {_e(n.text)}"
                 for n in game.notes()]
        sections.append(("notes", "Notes and bookmarks", _list(notes) if notes else "<p>None.</p>"))
    fired = rules_fired(game, seat)
    sections.append(("rules", "Rules that fired", _table(
        ("Rule", "Id", "Cites", "Times", "Claim") if white else ("Rule", "Cites", "Times", "Claim"),
        [row if white else (row[0],) + row[2:] for row in fired]) if fired else "<p>None.</p>"))
    heads, table = track_table(game, seat)
    if table:
        sections.append(("tracks", "Tracks per turn", _table(heads, table)))

    contents = _list([f'<a href="#{ident}">{_e(t)}</a>' for ident, t, _ in sections], "ol")
    body = "".join(_section(*s) for s in sections)
    whom = "the facilitator" if white else fog.seat_title(seat, rb)
    return (f'{DOCTYPE}\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="wargame after-action report">\n'
            f"<title>{_e(heading)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"<header>{''.join(head)}</header>\n<nav aria-label=\"Contents\">{contents}</nav>\n{body}\n"
            f"<footer><p>Written by wargame for {_e(whom)}.</p></footer>\n</main>\n</body>\n</html>\n{MARK}\n")


def is_html_report(data: bytes) -> bool:
    """Is ``data`` an HTML report this module wrote (so the next one may replace it)?"""
    return data.lstrip().startswith(DOCTYPE.encode()) and MARK.encode("utf-8") in data[-200:]
