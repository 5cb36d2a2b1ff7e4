"""Headless play: a whole game with bots in the seats, turn by turn, and its account in words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from attrs import frozen

from wargame.bots.bot import Bot
from wargame.bots.seats import make_bot, parse_seat_list
from wargame.engine.adjudication import Adjudication
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, Order, State
from wargame.engine.position import scores
from wargame.engine.rulebook import Rulebook
from wargame.engine.shown import render_records
from wargame.engine.turn import begin_turn, resolve_turn
from wargame.engine.view import view


@frozen
class PlayedTurn:
    """One turn as it was played: the orders given, what happened, the state it ended in, and
    the state the orders were given in (after the events; None where it was not kept)."""

    turn: int
    events: tuple[Adjudication, ...]
    orders: Mapping[str, tuple[Order, ...]]
    reasons: Mapping[str, tuple[str, ...]]
    results: tuple[Adjudication, ...]
    state: State  # after the turn
    orders_state: State | None = None  # after the events, when the cells chose their orders
    start_state: State | None = None  # before the events (None where it was not kept)


def parse_seats(text: str) -> dict[str, str]:
    """Who plays each seat: ``all=bot``, ``all=random``, ``is=doctrine,aq=doctrine:cautious,...``.

    A seat is ``cell=kind`` or ``cell=doctrine:POSTURE`` (cautious, standard, aggressive); ``all``
    names every cell, and later entries win (``all=doctrine,is=random``). ``bot`` means the random
    bot, as it always has (see ``bots.DEFAULT_KIND``). Raises ValueError with the reason."""
    seats = parse_seat_list(text, humans=False)
    missing = [c for c in CELLS if c not in seats]
    if missing:
        raise ValueError(f"headless play needs a bot in every seat; none for {', '.join(missing)}")
    return seats


def bots_for(seats: Mapping[str, str], seed: int, rulebook: Rulebook | None = None) -> dict[str, Bot]:
    """A bot for each seat, seeded with the game's seed; doctrine bots read ``rulebook``'s public
    formulas (the default rulebook if none is given), and ``doctrine:mixed`` draws its posture
    from (seed, seat)."""
    return {cell: make_bot(spec, seed, cell, rulebook=rulebook) if spec.startswith("doctrine")
            else make_bot(spec, seed, cell)
            for cell, spec in seats.items()}


def play(rulebook: Rulebook, state: State, bots: Mapping[str, Bot], turns: int | None = None) -> Iterator[PlayedTurn]:
    """Play on from ``state`` with a bot in every seat, yielding each turn as it ends; stop at
    the end of the game or after ``turns`` turns."""
    played = 0
    while not state.over and (turns is None or played < turns):
        events: tuple[Adjudication, ...] = ()
        start = state
        if state.phase == "events":
            step = begin_turn(rulebook, state)
            state, events = step.state, step.records
        orders: dict[str, tuple[Order, ...]] = {}
        reasons: dict[str, tuple[str, ...]] = {}
        for cell in CELLS:
            def legal(pending, c=cell, s=state):
                return legal_orders(rulebook, s, c, pending)
            choice = bots[cell].choose(view(state, cell), legal, rulebook.max_orders)
            orders[cell] = choice.orders
            reasons[cell] = choice.reasons
        step = resolve_turn(rulebook, state, orders)
        yield PlayedTurn(state.turn, events, orders, reasons, step.records, step.state, state, start)
        state = step.state
        played += 1


def account(rulebook: Rulebook, turn: PlayedTurn, verbose: bool = False, seat: str = "white") -> list[str]:
    """The turn in words, for a terminal or a log file: all of it for the facilitator
    (``white``), or what ``seat`` (a cell, or ``public`` for the room) is shown of it, every
    record rendered from the seat's view (:func:`wargame.engine.shown.render_records`)."""
    scenario = rulebook.scenarios[turn.state.scenario]
    s = turn.state
    events, results = list(turn.events), list(turn.results)
    if seat != "white":
        orders_state = turn.orders_state or s
        events = render_records(rulebook, events, turn.start_state or orders_state, seat)
        results = render_records(rulebook, results, orders_state, seat)
    title = rulebook.title
    white = seat == "white"  # the facilitator's log names each rule, order or card by its id too
    lines = [f"== Turn {turn.turn}: {scenario.label(turn.turn)} =="]
    for r in events:
        if r.happened or verbose:
            lines.append(f"  event  {r.line(rulebook, ref=white)}")
    for cell in CELLS:
        given = ", ".join(rulebook.order_title(o.kind, o.theatre) for o in turn.orders.get(cell, ())) or "no orders"
        if not white and cell != seat:
            shown = [r for r in results if r.kind == "order" and r.cell == cell]
            given = ", ".join(rulebook.order_title(r.ref, r.theatre) for r in shown) or "no orders seen"
        lines.append(f"  orders {title(cell)}: {given}")
        if verbose and seat in ("white", cell):  # the bots' own sentences on why they chose what they chose
            lines.extend(f"         why: {reason}" for reason in turn.reasons.get(cell, ()))
    for r in results:
        if r.kind == "budget":
            continue
        if r.happened or verbose or r.kind == "order":
            lines.append(f"  {r.phase[:6]:6} {r.line(rulebook, ref=white)}")
    territory = sum(t.territory for t in s.theatres)
    if seat == "white":
        funds, stage, autonomy = str(s.islamic_state.funds), s.relation.stage, str(s.relation.autonomy)
    else:
        v = view(s, seat)
        funds, stage, autonomy = str(v.tracks["is_funds"]), int(v.tracks["relation_stage"].lo), str(v.tracks["relation_autonomy"])
    lines.append(
        f"  -- {title('total_territory')} {territory}, {title('is_funds')} {funds}, {title('is_brutality')} "
        f"{s.islamic_state.brutality}; {title('aq_standing')} {s.al_qaeda.standing}; "
        f"{title('relation_stage')}: {rulebook.stage_title(stage)}"
        + (f" ({title('relation_autonomy')} {autonomy})" if stage in (2, 3) else "")
        + f"; {title('offshoot_count')} {len(s.offshoots)}; {title('coalition_will')} {s.coalition.will}"
    )
    return lines


def final_account(rulebook: Rulebook, state: State) -> list[str]:
    t = state.tally
    lines = ["== Outcome =="]
    lines.append(
        "  rapprochement: " + (f"turn {t.rapprochement_turn}" if t.rapprochement_turn >= 0 else "none")
        + f"; relation at the end: {rulebook.stage_title(state.relation.stage)}"
    )
    lines.append(
        f"  IS collapse: {'turn ' + str(t.collapse_turn) if t.collapse_turn >= 0 else 'no'}; "
        f"offshoots formed {t.offshoots_formed}, absorbed by AQ {t.offshoots_absorbed}; "
        f"second splits {t.second_splits}; peak brutality {t.peak_brutality}"
    )
    for cell in CELLS:
        sc = scores(rulebook, state, cell)
        total = sum(x.points for x in sc)
        most = sum(x.of for x in sc)
        detail = "; ".join(f"{x.title} {x.points}/{x.of}" for x in sc)
        lines.append(f"  {rulebook.title(cell)}: {total}/{most} ({detail})")
    return lines
