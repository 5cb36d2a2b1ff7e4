"""A step of a replayed game as one cell saw it: the replay viewer's cell pane, for a debrief
("what did you believe, and why?").

Everything here is worked out from what that cell could see at the time, never from the truth
(tests/test_tui_debrief.py checks it on twin games that differ only in what the cell may not see):

- what it was shown of the step: the results as it saw them (its own tracks exactly, the other
  cells' as its estimates: :func:`wargame.record.fog.step_records`), and what the White Cell told it
  (the room's announcement, or a secret told to it alone: :func:`wargame.record.fog.announcement`);
- its own orders and, for a bot, why it gave each (its own sentence); another cell's orders stay
  secret until the turn is resolved, and then each bot's reason is the one this cell could work
  out on its own picture (:mod:`wargame.table.reasons`);
- what it believed after the step: every cell's tracks on its view (its own exact, the others'
  as ranges), the two groups' strength as ranges over those (:mod:`wargame.engine.picture`), the
  relation as it saw it, and its objectives as it could reckon them.

Nothing here draws on the screen: :class:`~wargame.tui.screens.replay.ReplayScreen` shows it.
"""

from __future__ import annotations

from textual.markup import escape

from wargame.engine.model import CELL_TITLES, CELLS
from wargame.engine.picture import picture
from wargame.engine.shown import objective_points
from wargame.engine.view import view
from wargame.record import fog
from wargame.record.commands import GiveOrders, InjectCard, Note, OverrideResult, ResolveTurn, RunEvents, Say, SetSeats, SetTrack
from wargame.tui.forks import seat_text
from wargame.tui.screens.modals import reason_markup
from wargame.tui.screens.replay_messages import NOTHING_SEEN, say_told
from wargame.tui.screens.replay_steps import StepViews
from wargame.tui.widgets.board import cell_rows, record_markup, relation_lines

# the formulas a cell's picture gives as ranges, under its estimates (strength of each group)
STRENGTHS = ("is_power", "aq_power")


def the(seat: str) -> str:
    """``coalition`` → "the Coalition" (a cell as a sentence names it)."""
    return fog.TOLD_TO[seat]


def seat_heading(seat: str) -> str:
    return f"As {the(seat)} saw it"


def seat_pane(views: StepViews, i: int, seat: str) -> str:
    """Step ``i`` of ``views.game`` as the cell ``seat`` saw it, in Textual markup."""
    rb = views.rulebook
    game = views.game
    step = game.steps[i]
    lines = [f"[b $accent]{escape(seat_heading(seat))}[/] [$text-muted](its own tracks exact, the others' as its "
             "estimates; no one else's orders before the turn was resolved)[/]", "",
             "[b]At this step[/]"]
    lines += step_told(views, i, seat)
    v = view(step.state, seat)
    state = step.state
    when = "the game over" if state.over else (
        f"turn {state.turn}, before its events" if state.phase == "events" else f"turn {state.turn}, orders being given")
    lines += ["", f"[b]What it knew after this step[/] [$text-muted]({escape(when)}; 3-6: its estimate, a range)[/]"]
    for cell in CELLS:
        rows = cell_rows(v, cell, rb)
        own = " [$text-muted](its own: exact)[/]" if cell == seat else ""
        lines.append(f"[b]{escape(CELL_TITLES[cell])}[/]{own}: "
                     + escape(" · ".join(f"{n} {value.removesuffix(' (est.)')}" for n, value in rows)))
    pic = picture(rb, v)
    strengths = " · ".join(f"{rb.title(n)} {pic.estimate(n)}" for n in STRENGTHS if n in pic.bounds)
    if strengths:
        lines.append(escape(strengths))
    lines += relation_lines(v, rb)
    points = objective_points(rb, v, seat)
    if points:
        lines += ["", "[b]Its objectives[/] [$text-muted](points if the game ended here, as it could reckon them)[/]"]
        lines += [f"  {escape(p.objective.title)}: [b]{escape(str(p))}[/]" for p in points]
    return "\n".join(lines)


def step_told(views: StepViews, i: int, seat: str) -> list[str]:
    """What ``seat`` was shown of step ``i`` (markup lines)."""
    rb = views.rulebook
    game = views.game
    c = game.steps[i].command
    if isinstance(c, Note):
        return ["[$text-muted]Nothing: a White Cell note, kept for the debrief (the cells were not shown it).[/]"]
    if isinstance(c, SetSeats):
        return [f"The seats changed from turn {c.turn} on: {escape(seat_text(c.seats))}."]
    if isinstance(c, GiveOrders):
        return _orders(views, i, seat)
    if isinstance(c, Say):  # its own channel's message, or nothing: no trace of another channel
        return say_told(c, seat)
    lines: list[str] = []
    if isinstance(c, (InjectCard, SetTrack, OverrideResult)):
        told = fog.announcement(game, i, seat)
        if told is None:
            return [f"[$text-muted]Nothing: the White Cell's action here was secret, not told to {escape(the(seat))}.[/]"]
        first, *more = told.lines()
        lines.append(f"[b $warning]White Cell:[/] {escape(first.removeprefix('White Cell: '))}")
        lines += [f"   {escape(m)}" for m in more]
    records = [r for r in fog.step_records(game, i, seat) if not (r.kind == "budget" and r.cell != seat)]
    if not records:
        if isinstance(c, RunEvents):
            lines.append("No events this quarter.")
        elif not lines:
            lines.append(NOTHING_SEEN)
        return lines
    if isinstance(c, RunEvents):
        lines.append(f"The events of turn {c.turn}, as it saw them:")
    elif isinstance(c, (ResolveTurn, OverrideResult)):
        lines.append(f"The results of turn {c.turn}, as it saw them ({len(records)}):")
    why = views.turn_reasons(c.turn, i, seat) if isinstance(c, (ResolveTurn, OverrideResult)) else {}
    for r in records:
        text = record_markup(r, rb)
        if r.kind == "order" and r.cell:
            text += reason_markup(why.get((r.cell, r.ref, r.where)), seat)
        lines.append(text)
    return lines


def _orders(views: StepViews, i: int, seat: str) -> list[str]:
    rb = views.rulebook
    c = views.steps[i].command
    assert isinstance(c, GiveOrders)
    if c.cell != seat:
        return [f"{escape(CELL_TITLES.get(c.cell, c.cell))} gave its orders: secret from {escape(the(seat))} until the "
                "turn was resolved."]
    kind = views.seats_at(i).get(seat, "human")
    who = "its people" if kind == "human" else f"its {kind} bot"
    again = views.given_before(i)
    changed = (f" [b $warning](again: it took back the orders it gave at step {again + 1} and changed them)[/]"
               if again is not None else "")
    if not c.orders:
        return [f"It gave no orders ({escape(who)}).{changed}"]
    n = len(c.orders)
    lines = [f"It gave {n} order{'s' if n != 1 else ''} ({escape(who)}):{changed}"]
    for (order, where), reason in zip(c.orders, views.reasons(i, seat)):
        k = rb.order_kinds.get(order)
        place = f" in {rb.where_title(where)}" if where else ""
        cost = f"  [$text-muted]cost {k.cost}[/]" if k is not None else ""
        lines.append(f"  • [b]{escape(rb.title(order))}[/]{escape(place)}{cost}")
        if reason is not None:
            lines.append(f"    [b $accent]why:[/] {escape(reason.text)}")
    return lines
