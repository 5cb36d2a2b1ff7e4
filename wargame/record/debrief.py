"""What a debrief reads in a game's log: its turning points, and the orders each cell gave and why.

**Turning points** are derived from the records, from what actually happened: a record whose
outcome changed the relation's stage, collapsed the caliphate, cost a group its leader or ended
a leadership vacuum (:func:`turning_point_list`), each kept with the record and the change that
back it; never from a guess at what a change of the board means. (The report once said "the
Shura Council chose a successor" when its roll had failed.) For the facilitator, also who
became the weaker group, the White Cell's overrides and the notes.

**The bots' reasons** are not in the save: they are worked out again by seating the same bot on
the same view with the game's seed (:func:`bot_reasons`), which is all its choice depends on, so
it gives the same orders and the same reasons (seating it, and the sentences, as the table's
reasons for each seat do: :mod:`wargame.bots.reasons`); where the orders in the log are not what the bot
gives (people gave them, or another program), no reason is claimed. A cell's reasons are told to
that cell and to the facilitator only (:func:`orders_given`).

**A turn's account** (:func:`turn_accounts`): what the White Cell told the seat, the events, the
orders and their results, the dynamics, each group the most important first (:func:`weight`);
and each record for a reader (:func:`record_line`): by its title and place, the roll on the odds'
scale, the changes the seat is shown, the White Cell's ruling said once.

Every list here is for one seat, from what that seat may see (:mod:`wargame.record.fog`).
"""

from __future__ import annotations

from attrs import frozen

from wargame.bots.reasons import RANDOM_REASON, seated_bot, with_cites
from wargame.bots.seats import HUMAN
from wargame.engine.adjudication import Adjudication
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, State
from wargame.engine.numbers import number
from wargame.engine.position import formula_values
from wargame.engine.rulebook import Rulebook
from wargame.engine.titles import placed
from wargame.engine.view import view
from wargame.record import fog
from wargame.record.commands import GiveOrders, OverrideResult, ResolveTurn, SetSeats
from wargame.record.game import Game
from wargame.record.seating import initial_seats

FACILITATOR = "white"


def turn_states(game: Game) -> list[tuple[int, State]]:
    """The state after each turn (after its resolution and any override of it)."""
    out: dict[int, State] = {}
    for step in game.steps:
        if isinstance(step.command, (ResolveTurn, OverrideResult)):
            out[step.command.turn] = step.state
    return sorted(out.items())


def stage_seen(state: State, seat: str) -> tuple[int, int]:
    """The relation's stage and autonomy as ``seat`` sees them (secret talks look like before)."""
    if seat == FACILITATOR:
        return state.relation.stage, state.relation.autonomy
    tracks = view(state, seat).tracks
    return tracks["relation_stage"].lo, tracks["relation_autonomy"].lo


# --- a record for a reader -----------------------------------------------------------------------


def titled(rb: Rulebook, r: Adjudication) -> str:
    """A record's title and where it happened: "Air campaign in Iraq"; the place once, for a card
    whose title names it already ("Cessation of hostilities in Syria", not "... in Syria in Syria")."""
    return placed(r.title, rb.where_title(r.where))


def said(rb: Rulebook, r: Adjudication) -> str:
    """A record's sentence for a reader (:meth:`Adjudication.sentence`), the White Cell's set track
    by its title: the engine's sentence, kept as it is in saves, names it by its id ("The
    facilitator set coalition_will from 7 to 8")."""
    if r.kind == "override" and r.changes:
        name, a, b = r.changes[0]
        values = f" from {rb.value_text(name, a)} to {rb.value_text(name, b)}" if a >= 0 or b >= 0 else ""
        return f"The White Cell set {rb.title(name)}{values}."
    return r.sentence(rb)


# The rules whose firing a debrief stops at (the claims of the article they model): the
# relation, defections, offshoots, leaders, brutality; and the caliphate's collapse.
KEY_RULES = ("c1", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c15")


def key_event(r: Adjudication) -> bool:
    """A record a debrief's timeline of key events holds: a card, the White Cell's action, or a
    key rule that fired (never an order: they have a section of their own)."""
    if r.kind in ("card", "inject", "override"):
        return True
    if r.kind == "order":
        return False
    return r.happened and r.ref.split(".")[0] in KEY_RULES or r.ref == "assess.is-collapse"


def weight(r: Adjudication) -> int:
    """How much a record matters to a debrief, 0 the most: a key event or an overridden result;
    an order, or a roll that came off; any other change; what changed nothing the reader sees."""
    if key_event(r) or r.original is not None:
        return 0
    if r.kind == "order" or r.rolled and r.happened:
        return 1
    return 2 if r.happened and r.changes else 3


@frozen
class TurnAccount:
    """What happened in a turn, as one seat may know it, grouped as it was played and the most
    important first in each group: what the White Cell told the seat, the events (cards drawn or
    injected), the orders and their results (cell by cell), the dynamics (and the assessment)."""

    turn: int
    told: tuple[fog.Announcement, ...]
    events: tuple[Adjudication, ...]
    orders: tuple[Adjudication, ...]
    dynamics: tuple[Adjudication, ...]


def turn_accounts(game: Game, seat: str = FACILITATOR) -> list[TurnAccount]:
    """Every turn's account (:class:`TurnAccount`) for ``seat``: each record it is shown that did
    something, was rolled for, or is an order; a track the White Cell set is told once, by its
    announcement."""
    records = fog.seat_records(game, seat)
    told: dict[int, list[fog.Announcement]] = {}
    for a in fog.announcements(game, seat):
        told.setdefault(a.turn, []).append(a)
    out = []
    for turn in sorted({turn for turn, _ in turn_states(game)} | set(told) | set(records)):
        said_set = any(a.kind == "set" for a in told.get(turn, ()))
        kept = [r for r in records.get(turn, ()) if (r.happened or r.rolled or r.kind == "order" or r.original is not None)
                and not (r.kind == "override" and said_set)]
        events = sorted((r for r in kept if r.phase == "events"), key=weight)
        orders = sorted((r for r in kept if r.phase == "adjudication"),
                        key=lambda r: (r.kind != "order", CELLS.index(r.cell) if r.cell in CELLS else len(CELLS), weight(r)))
        dynamics = sorted((r for r in kept if r.phase not in ("events", "adjudication")), key=weight)
        out.append(TurnAccount(turn, tuple(told.get(turn, ())), tuple(events), tuple(orders), tuple(dynamics)))
    return out


def outcome_text(r: Adjudication) -> str:
    """The odds, the roll and what came of it: "37%: needed 37 or less, rolled 52, so it did not happen"."""
    if r.roll is not None and r.rolled:
        return f"{r.odds}, so {r.outcome}"
    return r.odds if r.rolled else ("it happened" if r.happened else "it did not happen")


@frozen
class Line:
    """One record for a reader, in parts a renderer lays out (Markdown on one line, HTML in spans):
    its title and place, the odds and the roll, its sentence, the changes the reader is shown,
    the ¶ it rests on (and, for the facilitator, its id), the White Cell's ruling."""

    title: str
    odds: str
    sentence: str
    changes: str
    ref: str
    ruling: str
    happened: bool

    def markdown(self) -> str:
        odds = f" ({self.odds})" if self.odds else ""
        return (f"{self.title}{odds}: {self.sentence}" + (f" ({self.changes})" if self.changes else "")
                + (f" [{self.ref}]" if self.ref else "") + (f" *{self.ruling}*" if self.ruling else ""))


def record_line(rb: Rulebook, r: Adjudication, white: bool, announced: str = "") -> Line:
    """``r`` for a reader; a justification already in ``announced`` (the White Cell's
    announcements of the turn) is not said twice."""
    cites = ", ".join(f"¶{c}" for c in r.cites)
    told = bool(r.justification) and r.justification in announced
    if r.original is not None:
        ruling = "Overridden by the facilitator" + ("" if told else f": {r.justification}")
    else:
        ruling = f"White Cell: {r.justification}" if r.justification and not told else ""
    return Line(titled(rb, r), outcome_text(r) if r.rolled else "", said(rb, r), r.changes_text(rb),
                "; ".join(filter(None, (r.ref if white else "", cites))), ruling, r.happened)


# --- turning points ------------------------------------------------------------------------------

GROUPS = {"is": "IS", "aq": "AQ"}


@frozen
class TurningPoint:
    """A moment a debrief should stop at, and what backs it: the record whose outcome made it
    happen and the change of that record it stands on (``record`` None: a facilitator's note, or
    the groups' strengths read off the board)."""

    turn: int
    text: str
    record: Adjudication | None = None
    change: tuple[str, int, int] | None = None
    kind: str = ""  # "relation", "collapse", "leader-lost", "leader-settled", "weaker", "override", "note"


def _points_of(rb: Rulebook, r: Adjudication, q: str) -> list[TurningPoint]:
    """The turning points one record stands for: each a change it made, as the seat was shown it
    (a change with its numbers hidden stands for nothing). A record that did not happen changed
    nothing, so stands for nothing either."""
    if not r.happened:
        return []
    cause = titled(rb, r)
    cites = ", ".join(f"¶{c}" for c in r.cites)
    why = f" ({cause}{'; ' + cites if cites else ''})"
    out = []
    for change in r.changes:
        name, a, b = change
        if a < 0 and b < 0 or a == b:
            continue
        text = None
        if name == "relation_stage":
            kind, text = "relation", (f"the {rb.title('relation_stage')} moved from {rb.stage_title(a)} to "
                                      f"{rb.stage_title(b)}")
        elif name == "is_collapsed" and b > a:
            kind, text = "collapse", "the caliphate collapsed as a territorial project"
        elif name.endswith("_leader_successions") and b > a:
            kind, text = "leader-lost", f"{GROUPS.get(name.split('_')[0], name)} lost its leader"
        elif name.endswith("_leader_vacuum") and a > 0 and b == 0:
            kind, text = "leader-settled", (f"{GROUPS.get(name.split('_')[0], name)}'s leadership vacuum ended: "
                                            "its new leader took charge")
        if text is not None:
            out.append(TurningPoint(r.turn, f"Turn {r.turn} ({q}): {text}{why}.", r, change, kind))
    return out


def turning_point_list(game: Game, seat: str = FACILITATOR) -> list[TurningPoint]:
    """The moments a debrief should stop at, as ``seat`` may know of them, each derived from a
    record ``seat`` is shown and the change it made (see :class:`TurningPoint`); for the
    facilitator also who became the weaker group (the strengths are made of secret tracks), the
    White Cell's overrides and the notes."""
    rb = game.rulebook
    scenario = rb.scenarios[game.header.scenario]
    points: list[TurningPoint] = []
    for turn, records in fog.seat_records(game, seat).items():
        for r in records:
            points += _points_of(rb, r, scenario.label(turn))
    if seat != FACILITATOR:
        return points  # the White Cell's rulings are in the timeline, as the seat was told them
    previous: State | None = None
    for turn, state in turn_states(game):
        if previous is not None:
            gap_now = formula_values(rb, state).get("power_gap", 0.0)
            gap_before = formula_values(rb, previous).get("power_gap", 0.0)
            if (gap_now > 0) != (gap_before > 0):
                weaker = "IS" if gap_now > 0 else "AQ"
                points.append(TurningPoint(turn, f"Turn {turn} ({scenario.label(turn)}): {weaker} became the weaker "
                                                 f"group ({rb.title('power_gap')} {number(gap_before, '+')} → "
                                                 f"{number(gap_now, '+')}).", kind="weaker"))
        previous = state
    points.sort(key=lambda p: p.turn)  # stable: within a turn, in the order things happened
    for r in game.records():
        if r.original is not None:
            points.append(TurningPoint(r.turn, f"Turn {r.turn}: the facilitator overrode {titled(rb, r)} ({r.outcome}): "
                                               f"{r.justification}", r, kind="override"))
    for n in game.notes():
        mark = f" [bookmark: {n.bookmark}]" if n.bookmark else ""
        points.append(TurningPoint(n.turn, f"Turn {n.turn}: facilitator's note{mark}: {n.text}", kind="note"))
    return points


def turning_points(game: Game, seat: str = FACILITATOR) -> list[str]:
    """The turning points' sentences (see :func:`turning_point_list`)."""
    return [p.text for p in turning_point_list(game, seat)]


# --- the orders given, and the bots' reasons -------------------------------------------------------


@frozen
class GivenOrder:
    """One order a cell gave, what came of it as the reader was shown it, and, for a bot's, why."""

    turn: int
    cell: str
    kind: str
    theatre: str | None
    seat: str  # who sat in the cell: "human" or a bot ("doctrine:cautious")
    reason: str = ""  # the bot's own sentence ("" for people, or a bot whose orders these are not)
    record: Adjudication | None = None  # its result, as the reader was shown it (None: not resolved yet)


def bot_reasons(game: Game) -> dict[int, tuple[str, ...]]:
    """For each step that gave a bot's orders, the bot's reason for each (by the step's index):
    the bot seated again on the same view with the game's seed, which is all its choice depends
    on. A step whose orders are not what the bot gives (people chose them) has none."""
    rb = game.rulebook
    seats = initial_seats(game.header, game.commands)
    out: dict[int, tuple[str, ...]] = {}
    for i, step in enumerate(game.steps):
        c = step.command
        if isinstance(c, SetSeats):
            seats = dict(c.seats)
            continue
        if not isinstance(c, GiveOrders):
            continue
        seated = seated_bot(seats.get(c.cell, HUMAN), game.header.seed, c.cell, rb) if c.orders else None
        if seated is None:
            continue
        state = fog.state_before(game, i)
        choice = seated.bot.choose(view(state, c.cell), lambda pending, s=state, cell=c.cell: legal_orders(rb, s, cell, pending),
                            rb.max_orders)
        if tuple((o.kind, o.theatre) for o in choice.orders) != tuple(c.orders):
            continue
        if seated.kind == "random":
            out[i] = tuple(RANDOM_REASON for _ in choice.orders)
        else:
            out[i] = tuple(with_cites(rb, o.kind, why) for o, why in zip(choice.orders, choice.reasons))
    return out


def orders_given(game: Game, seat: str = FACILITATOR) -> list[GivenOrder]:
    """The orders in force of every turn, as ``seat`` may see them: the facilitator every cell's,
    a cell its own (the others' are in the timeline as far as their results were shown to it),
    each with its result as the reader was shown it and, for a bot's, its reason."""
    if seat != FACILITATOR and seat not in CELLS:
        return []
    reasons = bot_reasons(game)
    seats = initial_seats(game.header, game.commands)
    given: dict[tuple[int, str], tuple[GiveOrders, str, tuple[str, ...]]] = {}
    for i, step in enumerate(game.steps):
        c = step.command
        if isinstance(c, SetSeats):
            seats = dict(c.seats)
        elif isinstance(c, GiveOrders) and seat in (FACILITATOR, c.cell):
            given[(c.turn, c.cell)] = (c, seats.get(c.cell, HUMAN), reasons.get(i, ()))  # the last given counts
    shown = fog.seat_records(game, seat)
    out = []
    for (turn, cell), (c, who, why) in sorted(given.items(), key=lambda kv: (kv[0][0], CELLS.index(kv[0][1]))):
        results = [r for r in shown.get(turn, ()) if r.kind == "order" and r.cell == cell]
        for k, (kind, theatre) in enumerate(c.orders):
            record = next((r for r in results if (r.ref, r.theatre) == (kind, theatre)), None)
            if record is not None:
                results.remove(record)
            out.append(GivenOrder(turn, cell, kind, theatre, who, why[k] if k < len(why) else "", record))
    return out


def orders_by_turn(game: Game, seat: str) -> list[tuple[int, str, list[tuple[str, str, list[tuple[str, str]]]]]]:
    """The orders given as :func:`orders_given` lets ``seat`` see them, turn by turn: (turn, its
    quarter, [(cell, who sat in it, [(the order and its result, why)])])."""
    rb = game.rulebook
    scenario = rb.scenarios[game.header.scenario]
    out: list[tuple[int, str, list[tuple[str, str, list[tuple[str, str]]]]]] = []
    for g in orders_given(game, seat):
        if not out or out[-1][0] != g.turn:
            out.append((g.turn, scenario.label(g.turn), []))
        cells = out[-1][2]
        if not cells or cells[-1][0] != rb.title(g.cell):
            cells.append((rb.title(g.cell), seat_words(g.seat), []))
        result = f": {outcome_text(g.record)}" if g.record is not None else ""
        if g.reason:
            why = g.reason + ("" if g.reason.endswith((".", ")")) else ".")
        elif g.seat != HUMAN:
            why = "not known: the bot in this seat would not give these orders (people, or another program, gave them)."
        else:
            why = ""
        cells[-1][2].append((f"{rb.order_title(g.kind, g.theatre)}{result}.", why))
    return out


def seat_words(spec: str) -> str:
    """Who sits in a seat, for a reader: "people", or "doctrine:cautious bot"."""
    return "people" if spec == HUMAN else f"{spec} bot"
