# Over 400 lines, kept whole: Markdown, JSON and CSV are one report in three formats sharing its sections.
"""After-action reports: what happened, why, and how the board moved, turn by turn.

Markdown for the debrief (a timeline of key events, the rules that fired with their ¶ cites,
turning points, the orders each cell gave and, for a bot, why, objectives per cell, tracks per
turn, the charts as text), one printable HTML page made of the same parts
(:mod:`wargame.record.report_html`), JSON and CSV for analysts (the tracks per turn and the full
event log). Markdown and HTML name everything by its title (rules/titles.toml); JSON and CSV keep
the rulebook's ids, for analysis. The game against the odds (where it falls among bot games from
the same start) is handed in by the caller, already in sentences: the record layer plays no game.

The turning points and the orders with the bots' reasons are read from the log by
:mod:`wargame.record.debrief`: each turning point derived from a record that says it happened.

Every report is written for one seat: ``white``, the facilitator's full report (the seed, every
cell's secret tracks, the notes), or a cell's debrief handout: only the records that cell may see
(:mod:`wargame.record.fog`), the other cells' secret tracks as its estimates (``view(state,
seat)``), the White Cell's actions as they were announced to it, the channel messages of its
own channels (:func:`wargame.record.messages.messages`; the facilitator's report: every one), and
never the game's seed.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from wargame.bots.seats import HUMAN
from wargame.engine.adjudication import Adjudication
from wargame.engine.board import flat_tracks
from wargame.engine.model import CELLS, State
from wargame.engine.numbers import number
from wargame.engine.position import formula_values, scores
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import view
from wargame.record import fog
from wargame.record.debrief import (
    FACILITATOR,
    key_event,
    orders_by_turn,
    orders_given,
    outcome_text,
    record_line,
    seat_words,
    stage_seen,
    turn_accounts,
    turn_states,
    turning_points,
)
from wargame.record.game import Game
from wargame.record.messages import messages, messages_section
from wargame.record.plots import charts, text_chart

# The last line of a Markdown report, and the "format" of a JSON one: how the writer knows a file
# it may replace with the next report (wargame.files), and no other.
MARK = "<!-- wargame after-action report -->"
JSON_FORMAT = "wargame-report"
# Tracks only the facilitator sees in a report: the groups' strengths are made of secret tracks.
WHITE_ONLY = ("is_power", "aq_power")

# The tracks shown per turn: the story of the game in a few columns.
MAIN_TRACKS = ("total_territory", "total_oil", "is_funds", "is_fighters", "is_recruitment", "is_brutality",
               "is_cohesion", "aq_standing", "aq_funds", "total_affiliates", "relation_stage",
               "relation_autonomy", "offshoot_count", "coalition_will", "avg_grievance", "faithful_reforms",
               "is_power", "aq_power")


def track_row(rulebook: Rulebook, turn: int, state: State, seat: str = FACILITATOR) -> dict[str, Any]:
    """The main tracks after ``turn`` as ``seat`` sees them: exact, or a range ("5-8") for another
    cell's secret track; the groups' strengths for the facilitator only."""
    theatres = state.theatres
    computed: dict[str, Any] = {
        "total_territory": sum(t.territory for t in theatres),
        "total_oil": sum(t.oil for t in theatres),
        "total_affiliates": sum(t.aq_affiliate for t in theatres),
        "offshoot_count": len(state.offshoots),
        "avg_grievance": round(sum(t.grievance for t in theatres) / len(theatres), 2),
        "faithful_reforms": sum(1 for t in theatres if t.faithful and t.reform >= 5),
    }
    if seat == FACILITATOR:
        flat: dict[str, Any] = flat_tracks(state)
        formulas = formula_values(rulebook, state)
        computed["is_power"] = round(formulas.get("is_power", 0.0), 2)
        computed["aq_power"] = round(formulas.get("aq_power", 0.0), 2)
    else:
        flat = {name: est.lo if est.exact else str(est) for name, est in view(state, seat).tracks.items()}
    row: dict[str, Any] = {"turn": turn, "quarter": rulebook.scenarios[state.scenario].label(turn)}
    for name in MAIN_TRACKS:
        if name in computed:
            row[name] = computed[name]
        elif name in flat:
            row[name] = flat[name]
        elif name not in WHITE_ONLY:
            row[name] = "?"
    return row


def tracks_per_turn(game: Game, seat: str = FACILITATOR) -> list[dict[str, Any]]:
    return [track_row(game.rulebook, turn, state, seat) for turn, state in turn_states(game)]


def unfinished(game: Game) -> str | None:
    """The line a report or log of an unfinished game starts with (None once it is over)."""
    state = game.state
    if state.over:
        return None
    return unfinished_line(state.turn, state.last_turn, len(game.digests))


def unfinished_line(turn: int, last_turn: int, played: int) -> str:
    return (f"Unfinished game: turn {turn} of {last_turn}; {played} of {last_turn} turns played, "
            "so this is not how the game ended.")


def event_log(game: Game, seat: str = FACILITATOR) -> list[dict[str, Any]]:
    out = []
    for r in _records(game, seat):
        out.append({
            "turn": r.turn, "phase": r.phase, "kind": r.kind, "ref": r.ref, "title": r.title,
            "cites": " ".join(f"¶{c}" for c in r.cites), "cell": r.cell or "", "where": r.where or "",
            "chance": "" if r.chance is None else round(r.chance, 4), "roll": "" if r.roll is None else round(r.roll, 4),
            "odds": outcome_text(r) if r.rolled else "",
            "happened": r.happened, "changes": "; ".join(f"{n} {a}->{b}" if a >= 0 or b >= 0 else f"{n} changed"
                                 for n, a, b in r.changes),
            "text": r.text,
            "overridden": r.original is not None, "justification": r.justification,
        })
    return out


def _records(game: Game, seat: str) -> list[Adjudication]:
    return [r for records in fog.seat_records(game, seat).values() for r in records]


def _cell_value(rb: Rulebook, name: str, value: Any) -> str:
    """A value of the tracks-per-turn table for a reader: a stage by its title, a number as
    people read it (a range, a seat's estimate, as it is)."""
    if name == "relation_stage" and isinstance(value, int):
        return rb.stage_title(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value)
    return str(value)


# --- what a report says, for the Markdown and the HTML renderers (wargame.record.report_html) ------


def report_title(game: Game, title: str = "") -> str:
    return f"After-action report: {title or game.header.exercise or game.rulebook.scenarios[game.header.scenario].title}"


def whose(game: Game, seat: str) -> str:
    if seat == FACILITATOR:
        return "The facilitator's report: everything, every cell's secrets included. Not for the cells."
    return (f"Debrief handout for the {game.rulebook.title(seat)}: what it may see. The other cells' secret tracks "
            "are its estimates, shown as ranges.")


def scenario_line(game: Game, seat: str) -> tuple[str, str]:
    """The scenario's title, and the rest of the sentence after it: the seed (the facilitator's
    only), the turns played and their quarters, who sat in each seat."""
    rb, h = game.rulebook, game.header
    scenario = rb.scenarios[h.scenario]
    played = len(turn_states(game))
    seed = f", seed {h.seed}" if seat == FACILITATOR else ""
    return scenario.title, (f"{seed}; {played} of {scenario.turns} turns played ({scenario.label(1)} to "
                            f"{scenario.label(max(1, played))}). Seats: "
                            + ", ".join(f"{rb.title(c)}: {seat_words(h.seats.get(c, HUMAN))}" for c in CELLS) + ".")


def more_lines(game: Game, dates: tuple[str, str] | None = None) -> list[str]:
    """Where the game was forked from, and when it was played (the save's dates)."""
    h = game.header
    out = []
    if h.parent:
        out.append(f"Forked from game {h.parent.game} at turn {h.parent.turn} ({h.parent.save or 'unsaved'}).")
    if dates:
        first, last = (d[:16].replace("T", " ") + (" UTC" if d.endswith("Z") else "") for d in dates)
        out.append(f"Saved {first}" if first == last else f"Played from {first} to {last} (the save's dates).")
    return out


def outcome_lines(game: Game, seat: str) -> list[str]:
    rb, state = game.rulebook, game.state
    scenario = rb.scenarios[game.header.scenario]
    t = state.tally
    stage, autonomy = stage_seen(state, seat)
    out = [f"{rb.title('relation_stage')} at the end: {rb.stage_title(stage)}"
           + (f", {rb.title('relation_autonomy').lower()} {autonomy}" if stage in (2, 3) else ""),
           "Rapprochement: " + (f"turn {t.rapprochement_turn} ({scenario.label(t.rapprochement_turn)})"
                                if t.rapprochement_turn >= 0 else "none")]
    if seat == FACILITATOR:
        gap = formula_values(rb, state).get("power_gap", 0.0)
        out.append(f"Weaker group at the end: {'IS' if gap > 0 else 'AQ'} ({rb.title('power_gap')}: {number(gap, '+')})")
    out.append(f"IS collapse: {'turn ' + str(t.collapse_turn) if t.collapse_turn >= 0 else 'no'}; "
               f"{rb.title('tally_offshoots_formed').lower()} {t.offshoots_formed}, absorbed by AQ {t.offshoots_absorbed}; "
               f"{rb.title('tally_second_splits').lower()} {t.second_splits}; "
               f"{rb.title('tally_peak_brutality').lower()} {t.peak_brutality}")
    return out


def objective_rows(game: Game, seat: str) -> tuple[str, list[tuple[str, str, str]]]:
    """A note ("" or why only the seat's own are scored) and the rows (cell, objective, points):
    a cell's handout scores the others only once the game is over (as the end screen shows the room)."""
    rb, state = game.rulebook, game.state
    white = seat == FACILITATOR
    scored = CELLS if white or state.over else (seat,)
    note = "" if white or state.over else "Your objectives; the other cells' are scored at the end of the game."
    return note, [(rb.title(cell), sc.title, f"{sc.points}/{sc.of}") for cell in scored for sc in scores(rb, state, cell)]


def rules_fired(game: Game, seat: str) -> list[tuple[str, str, str, int, str]]:
    """The rules that fired, most often first: (title, id, cites, times, claim)."""
    rb = game.rulebook
    fired = Counter(r.ref for r in _records(game, seat) if r.kind == "rule" and r.happened)
    return [(rb.rule(ref).title, ref, ", ".join(f"¶{c}" for c in rb.rule(ref).cites), n, rb.rule(ref).claim)
            for ref, n in fired.most_common()]


TABLE_COLUMNS = ("turn", "quarter", "total_territory", "total_oil", "is_funds", "is_recruitment", "is_brutality",
                 "aq_standing", "relation_stage", "offshoot_count", "avg_grievance", "faithful_reforms", "is_power",
                 "aq_power")


def track_table(game: Game, seat: str) -> tuple[list[str], list[list[str]]]:
    """The tracks per turn as ``seat`` sees them: the headings and the rows, each value for a reader."""
    rb = game.rulebook
    rows = tracks_per_turn(game, seat)
    if not rows:
        return [], []
    cols = [c for c in TABLE_COLUMNS if c in rows[0]]
    return (["Turn", "Quarter"] + [rb.title(c) for c in cols[2:]],
            [[_cell_value(rb, c, row[c]) for c in cols] for row in rows])


def chart_texts(game: Game, seat: str, width: int = 72, height: int = 14) -> list[tuple[str, str]]:
    """The charts ``seat`` may see (:func:`wargame.record.plots.charts`), each (title, plain text)."""
    return [(c.series.title, text_chart(c, width, height)) for c in charts(game.rulebook, game, seat)]


def charts_note(game: Game, seat: str) -> str:
    """What the charts show the seat: the true board (the facilitator's, or every cell's once the
    game is over), or only the tracks it sees exactly."""
    if seat == FACILITATOR:
        return "The main tracks turn by turn, from the opening board."
    if game.state.over:
        return "The game is over: the charts show the true board, every cell's secret tracks included."
    return "The tracks you see exactly, turn by turn; another cell's secret tracks are not charted until the game is over."


ODDS_HEAD = "Against the odds"


def markdown(game: Game, title: str = "", seat: str = FACILITATOR, odds: Sequence[str] = (),
             dates: tuple[str, str] | None = None) -> str:
    """The report in Markdown: the facilitator's (``white``) or a cell's debrief handout. ``odds``:
    where the game falls among bot games from the same start, an opening sentence and then the
    findings (worked out from the true board by the caller, for a finished game only: the record
    layer does not play games); ``dates``: the save's (created, updated)."""
    rb = game.rulebook
    white = seat == FACILITATOR
    lines = [f"# {report_title(game, title)}", ""]
    stop = unfinished(game)
    if stop:
        lines += [f"**{stop}**", ""]
    lines += [whose(game, seat), ""]
    name, rest = scenario_line(game, seat)
    lines.append(f"Scenario **{name}**{rest}")
    lines += more_lines(game, dates)
    lines += ["", "## Outcome", ""] + [f"- {line}" for line in outcome_lines(game, seat)]
    if odds:
        lines += ["", f"## {ODDS_HEAD}", "", odds[0], ""] + [f"- {line}" for line in odds[1:]]
    note, rows = objective_rows(game, seat)
    lines += ["", "## Objectives", ""] + ([note, ""] if note else [])
    lines += ["| Cell | Objective | Points |", "|---|---|---|"] + [f"| {c} | {o} | {p} |" for c, o, p in rows]
    lines += ["", "## Turning points", ""]
    lines += [f"- {p}" for p in turning_points(game, seat)] or ["- none"]
    lines += ["", "## Timeline of key events", ""]
    scenario = rb.scenarios[game.header.scenario]
    for account in turn_accounts(game, seat):
        key = [r for r in account.events + account.orders + account.dynamics if key_event(r)]
        if not key and not account.told:
            continue
        lines.append(f"**Turn {account.turn} ({scenario.label(account.turn)})**")
        announced = " ".join(a.text for a in account.told)
        for a in account.told:
            lines.append(f"- {a.lines()[0]}" + "".join(f"\n  - {more}" for more in a.lines()[1:]))
        lines += [f"- {record_line(rb, r, white, announced).markdown()}" for r in key]
        lines.append("")
    lines += _orders_section(game, seat)
    lines += messages_section(game, seat)
    head = "| Rule | Id | Cites | Times | Claim |" if white else "| Rule | Cites | Times | Claim |"
    lines += ["## Rules that fired", "", head, "|---|---|---|---|---|" if white else "|---|---|---|---|"]
    for rule, ref, cites, n, claim in rules_fired(game, seat):
        lines.append(f"| {rule} | {ref} | {cites} | {n} | {claim} |" if white else f"| {rule} | {cites} | {n} | {claim} |")
    heads, table = track_table(game, seat)
    if table:
        lines += ["", "## Tracks per turn", "", "| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        lines += ["| " + " | ".join(row) + " |" for row in table]
    drawn = chart_texts(game, seat)
    if drawn:
        lines += ["", "## Charts", "", charts_note(game, seat)]
        for _, text in drawn:
            lines += ["", "```text", text, "```"]
    lines += ["", MARK]
    return "\n".join(lines) + "\n"


def _orders_section(game: Game, seat: str) -> list[str]:
    """The orders given, turn by turn: every cell's for the facilitator, a cell's own in its
    handout; each with its result and, for a bot's, its reason and the ¶ it rests on."""
    if seat != FACILITATOR and seat not in CELLS:
        return []
    lines = ["## Orders and why" if seat == FACILITATOR else "## Your orders and why", ""]
    given = orders_by_turn(game, seat)
    if not given:
        return lines + ["No orders were given.", ""]
    for turn, quarter, cells in given:
        lines.append(f"**Turn {turn} ({quarter})**")
        for cell, who, orders in cells:
            lines.append(f"- {cell} ({who}):")
            lines += [f"  - {what}" + (f" *Why:* {why}" if why else "") for what, why in orders]
        lines.append("")
    return lines


def as_json(game: Game, seat: str = FACILITATOR) -> str:
    h = game.header
    doc: dict[str, Any] = {}
    stop = unfinished(game)
    if stop:
        doc["unfinished"] = stop
    doc["seat"] = "facilitator" if seat == FACILITATOR else seat
    doc |= {"game": h.game, "scenario": h.scenario}
    if seat == FACILITATOR:
        doc["seed"] = h.seed
    rb = game.rulebook
    doc |= {"titles": {name: rb.title(name) for name in MAIN_TRACKS},
            "tracks": tracks_per_turn(game, seat), "events": event_log(game, seat),
            "orders": [{"turn": g.turn, "cell": g.cell, "kind": g.kind, "theatre": g.theatre,
                        "title": rb.order_title(g.kind, g.theatre), "seat": g.seat, "reason": g.reason,
                        "happened": None if g.record is None else g.record.happened}
                       for g in orders_given(game, seat)],
            "announcements": [{"turn": a.turn, "kind": a.kind, "text": a.text, "changed": list(a.changed)}
                              for a in fog.announcements(game, seat)]}
    said = messages(game, seat)
    if said:  # a report of a game without messages is as it was before there were any
        doc["messages"] = [{"turn": m.turn, "phase": m.phase, "channel": m.channel, "from": m.sender, "text": m.text}
                           for m in said]
    if seat == FACILITATOR:  # the facilitator's notes may speak of any cell's secrets
        doc["notes"] = [{"turn": n.turn, "text": n.text, "bookmark": n.bookmark} for n in game.notes()]
    doc["format"] = JSON_FORMAT
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def notes_rows(game: Game) -> list[dict[str, Any]]:
    """The facilitator's notes and bookmarks, with their turn, for the CSV export (the
    facilitator's only: a note may speak of any cell's secrets)."""
    return [{"turn": n.turn, "bookmark": n.bookmark or "", "note": n.text} for n in game.notes()]


NOTES_COLUMNS = ("turn", "bookmark", "note")


def as_csv(rows: list[dict[str, Any]], columns: Sequence[str] = ()) -> str:
    if not rows and not columns:
        return ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()




# --- what the writer may replace -----------------------------------------------------------------


def is_markdown_report(data: bytes) -> bool:
    """Is ``data`` a markdown report as wargame writes it, ending with its mark? (A file that only
    quotes the mark, or one with notes added after it, is someone's own: not replaced without --force.)"""
    return data.rstrip().endswith(MARK.encode("utf-8"))


def is_json_report(data: bytes) -> bool:
    from wargame.files import loads_json

    try:
        raw = loads_json(data)
    except ValueError:
        return False
    return isinstance(raw, dict) and raw.get("format") == JSON_FORMAT


def same_header(text: str):
    """Recognises a CSV file this export wrote: its first line is the header about to be written."""
    first = text.split("\n", 1)[0].encode("utf-8")

    def ours(data: bytes) -> bool:
        return bool(first) and data.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf") == first

    return ours
