"""After-action reports: what happened, why, and how the board moved, turn by turn.

Markdown for the debrief (a timeline of key events, the rules that fired with their ¶ cites,
turning points, the orders each cell gave and, for a bot, why, objectives per cell, tracks per
turn), JSON and CSV for analysts (the tracks per turn and the full event log). Markdown names
everything by its title (rules/titles.toml); JSON and CSV keep the rulebook's ids, for analysis.

The turning points and the orders with the bots' reasons are read from the log by
:mod:`wargame.record.debrief`: each turning point derived from a record that says it happened.

Every report is written for one seat: ``white``, the facilitator's full report (the seed, every
cell's secret tracks, the notes), or a cell's debrief handout: only the records that cell may see
(:mod:`wargame.record.fog`), the other cells' secret tracks as its estimates (``view(state,
seat)``), the White Cell's actions as they were announced to it, and never the game's seed.
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
    GivenOrder,
    orders_given,
    seat_words,
    stage_seen,
    turn_states,
    turning_points,
)
from wargame.record.game import Game

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
            "odds": _outcome(r) if r.rolled else "",
            "happened": r.happened, "changes": "; ".join(f"{n} {a}->{b}" if a >= 0 or b >= 0 else f"{n} changed"
                                 for n, a, b in r.changes),
            "text": r.text,
            "overridden": r.original is not None, "justification": r.justification,
        })
    return out


def _records(game: Game, seat: str) -> list[Adjudication]:
    return [r for records in fog.seat_records(game, seat).values() for r in records]


def _key_event(r: Adjudication) -> bool:
    if r.kind in ("card", "inject", "override"):
        return True
    if r.kind == "order":
        return False
    return r.happened and r.ref.split(".")[0] in ("c1", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c15") or (
        r.ref == "assess.is-collapse"
    )


def _cell_value(rb: Rulebook, name: str, value: Any) -> str:
    """A value of the tracks-per-turn table for a reader: a stage by its title, a number as
    people read it (a range, a seat's estimate, as it is)."""
    if name == "relation_stage" and isinstance(value, int):
        return rb.stage_title(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value)
    return str(value)


def _outcome(r: Adjudication) -> str:
    """The odds, the roll and what came of it: "37%: needed 37 or less, rolled 52, so it did not happen"."""
    if r.roll is not None and r.rolled:
        return f"{r.odds}, so {r.outcome}"
    return r.odds if r.rolled else ("it happened" if r.happened else "it did not happen")


def markdown(game: Game, title: str = "", seat: str = FACILITATOR) -> str:
    """The report in Markdown: the facilitator's (``white``) or a cell's debrief handout."""
    rb = game.rulebook
    h = game.header
    scenario = rb.scenarios[h.scenario]
    state = game.state
    white = seat == FACILITATOR
    lines = [f"# After-action report: {title or h.exercise or scenario.title}", ""]
    stop = unfinished(game)
    if stop:
        lines += [f"**{stop}**", ""]
    if white:
        lines += ["The facilitator's report: everything, every cell's secrets included. Not for the cells.", ""]
    else:
        lines += [f"Debrief handout for the {rb.title(seat)}: what it may see. The other cells' secret tracks "
                  "are its estimates, shown as ranges.", ""]
    played = len(turn_states(game))
    seed = f", seed {h.seed}" if white else ""
    lines.append(f"Scenario **{scenario.title}**{seed}; {played} of {scenario.turns} turns "
                 f"played ({scenario.label(1)} to {scenario.label(max(1, played))}). Seats: "
                 + ", ".join(f"{rb.title(c)}: {seat_words(h.seats.get(c, HUMAN))}" for c in CELLS) + ".")
    if h.parent:
        lines.append(f"Forked from game {h.parent.game} at turn {h.parent.turn} ({h.parent.save or 'unsaved'}).")
    t = state.tally
    lines += ["", "## Outcome", ""]
    stage, autonomy = stage_seen(state, seat)
    lines.append(f"- {rb.title('relation_stage')} at the end: {rb.stage_title(stage)}"
                 + (f", {rb.title('relation_autonomy').lower()} {autonomy}" if stage in (2, 3) else ""))
    lines.append("- Rapprochement: " + (f"turn {t.rapprochement_turn} ({scenario.label(t.rapprochement_turn)})"
                                        if t.rapprochement_turn >= 0 else "none"))
    if white:
        gap = formula_values(rb, state).get("power_gap", 0.0)
        lines.append(f"- Weaker group at the end: {'IS' if gap > 0 else 'AQ'} ({rb.title('power_gap')}: {number(gap, '+')})")
    lines.append(f"- IS collapse: {'turn ' + str(t.collapse_turn) if t.collapse_turn >= 0 else 'no'}; "
                 f"{rb.title('tally_offshoots_formed').lower()} {t.offshoots_formed}, absorbed by AQ {t.offshoots_absorbed}; "
                 f"{rb.title('tally_second_splits').lower()} {t.second_splits}; "
                 f"{rb.title('tally_peak_brutality').lower()} {t.peak_brutality}")
    lines += ["", "## Objectives", ""]
    # a cell's handout scores the others only once the game is over (as the end screen shows the room)
    scored = CELLS if white or state.over else (seat,)
    if not white and not state.over:
        lines += ["Your objectives; the other cells' are scored at the end of the game.", ""]
    lines += ["| Cell | Objective | Points |", "|---|---|---|"]
    for cell in scored:
        for sc in scores(rb, state, cell):
            lines.append(f"| {rb.title(cell)} | {sc.title} | {sc.points}/{sc.of} |")
    lines += ["", "## Turning points", ""]
    lines += [f"- {p}" for p in turning_points(game, seat)] or ["- none"]
    lines += ["", "## Timeline of key events", ""]
    by_turn = fog.seat_records(game, seat)
    told: dict[int, list[fog.Announcement]] = {}
    for a in fog.announcements(game, seat):
        told.setdefault(a.turn, []).append(a)
    for turn in sorted({turn for turn, _ in turn_states(game)} | set(told)):
        key = [r for r in by_turn.get(turn, ()) if _key_event(r)]
        if key or told.get(turn):
            lines.append(f"**Turn {turn} ({scenario.label(turn)})**")
            for a in told.get(turn, ()):
                lines.append(f"- {a.lines()[0]}" + "".join(f"\n  - {more}" for more in a.lines()[1:]))
            for r in key:
                cites = ", ".join(f"¶{c}" for c in r.cites)
                odds = f" ({_outcome(r)})" if r.rolled else ""
                if r.original is not None:
                    override = f" *Overridden by the facilitator: {r.justification}*"
                elif r.justification:
                    override = f" *White Cell: {r.justification}*"
                else:
                    override = ""
                ref = "; ".join(filter(None, (r.ref if white else "", cites)))
                where = f" in {rb.where_title(r.where)}" if r.where else ""
                changes = r.changes_text(rb)
                lines.append(f"- {r.title}{where}{odds}: {r.sentence(rb)}" + (f" ({changes})" if changes else "")
                             + (f" [{ref}]" if ref else "") + override)
            lines.append("")
    lines += _orders_section(game, seat)
    head = "| Rule | Id | Cites | Times | Claim |" if white else "| Rule | Cites | Times | Claim |"
    lines += ["## Rules that fired", "", head, "|---|---|---|---|---|" if white else "|---|---|---|---|"]
    fired = Counter(r.ref for records in by_turn.values() for r in records if r.kind == "rule" and r.happened)
    for ref, n in fired.most_common():
        rule = rb.rule(ref)
        cites = ", ".join(f"¶{c}" for c in rule.cites)
        lines.append(f"| {rule.title} | {ref} | {cites} | {n} | {rule.claim} |" if white
                     else f"| {rule.title} | {cites} | {n} | {rule.claim} |")
    rows = tracks_per_turn(game, seat)
    if rows:
        cols = ["turn", "quarter", "total_territory", "total_oil", "is_funds", "is_recruitment", "is_brutality",
                "aq_standing", "relation_stage", "offshoot_count", "avg_grievance", "faithful_reforms", "is_power", "aq_power"]
        cols = [c for c in cols if c in rows[0]]
        heads = ["Turn", "Quarter"] + [rb.title(c) for c in cols[2:]]
        lines += ["", "## Tracks per turn", "", "| " + " | ".join(heads) + " |", "|" + "---|" * len(cols)]
        for row in rows:
            lines.append("| " + " | ".join(_cell_value(rb, c, row[c]) for c in cols) + " |")
    lines += ["", MARK]
    return "\n".join(lines) + "\n"


def _orders_section(game: Game, seat: str) -> list[str]:
    """The orders given, turn by turn: every cell's for the facilitator, a cell's own in its
    handout; each with its result and, for a bot's, its reason and the ¶ it rests on."""
    given = orders_given(game, seat)
    if seat != FACILITATOR and seat not in CELLS:
        return []
    rb = game.rulebook
    scenario = rb.scenarios[game.header.scenario]
    lines = ["## Orders and why" if seat == FACILITATOR else "## Your orders and why", ""]
    if not given:
        return lines + ["No orders were given.", ""]
    by_turn: dict[int, list[GivenOrder]] = {}
    for g in given:
        by_turn.setdefault(g.turn, []).append(g)
    for turn, orders in by_turn.items():
        lines.append(f"**Turn {turn} ({scenario.label(turn)})**")
        cell = None
        for g in orders:
            if g.cell != cell:
                cell = g.cell
                lines.append(f"- {rb.title(cell)} ({seat_words(g.seat)}):")
            result = f": {_outcome(g.record)}" if g.record is not None else ""
            if g.reason:
                why = f" *Why:* {g.reason}" + ("" if g.reason.endswith((".", ")")) else ".")
            elif g.seat != HUMAN:
                why = " *Why:* not known: the bot in this seat would not give these orders (people, or another program, gave them)."
            else:
                why = ""
            lines.append(f"  - {rb.order_title(g.kind, g.theatre)}{result}.{why}")
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
    return MARK.encode("utf-8") in data


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
