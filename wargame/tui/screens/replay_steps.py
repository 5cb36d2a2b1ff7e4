"""What each step of a replayed game shows: its line in the timeline, what happened, what changed on the board.

Nothing here draws on the screen: :class:`~wargame.tui.screens.replay.ReplayScreen` shows what
:class:`StepViews` works out, in Textual markup.
"""

from __future__ import annotations

import attrs
from textual.markup import escape

from wargame.engine.adjudication import Adjudication
from wargame.engine.board import OFFSHOOT_TRACKS, THEATRE_TRACKS, flat_tracks
from wargame.engine.model import CELL_TITLES, CELLS, Order, State
from wargame.engine.rulebook import Rulebook
from wargame.engine.titles import placed
from wargame.engine.turn import new_game
from wargame.record import fog
from wargame.record.commands import GiveOrders, InjectCard, Note, OverrideResult, ResolveTurn, RunEvents, Say, SetSeats, SetTrack
from wargame.record.game import Game, StepRecord
from wargame.table.reasons import Reason, order_reasons
from wargame.tui.forks import seat_text
from wargame.tui.screens.modals import reason_markup
from wargame.tui.screens.replay_messages import say_label, say_markup
from wargame.tui.widgets.board import leader_now, record_markup

# Global tracks grouped for the "what changed" pane: one line a part of the board.
_GROUPS = (("is_", "IS"), ("aq_", "AQ"), ("coalition_", "Coalition"), ("gov_", "Governments"),
           ("relation_", "Relation"), ("tally_", "Tally"))


_SHORT_CELLS = {"is": "IS", "aq": "AQ", "coalition": "Coalition", "governments": "Govts"}


def rule_title(rulebook: Rulebook, ref: str) -> str:
    try:
        return rulebook.rule(ref).title
    except KeyError:
        kind = rulebook.order_kinds.get(ref)
        return kind.title if kind is not None else ref


def card_title(rulebook: Rulebook, card: str) -> str:
    c = rulebook.cards.get(card)
    return c.title if c is not None else card


def shorten(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def step_label(rulebook: Rulebook, step: StepRecord) -> str:
    """One line for the timeline (plain text): "T3 orders: Coalition", "T3 resolved"…"""
    c = step.command
    t = f"T{c.turn}"
    if isinstance(c, RunEvents):
        return f"{t} events"
    if isinstance(c, GiveOrders):
        return f"{t} orders: {_SHORT_CELLS.get(c.cell, c.cell)}"
    if isinstance(c, ResolveTurn):
        return f"{t} resolved"
    secret = " (secret)" if isinstance(c, (InjectCard, SetTrack, OverrideResult)) and c.secret else ""
    if isinstance(c, InjectCard):
        return f"{t} White Cell: inject {card_title(rulebook, c.card)}{secret}"
    if isinstance(c, SetTrack):
        return (f"{t} White Cell: set {rulebook.title(c.target)} {rulebook.value_text(c.target, c.original)}→"
                f"{rulebook.value_text(c.target, c.value)}{secret}")
    if isinstance(c, OverrideResult):
        where = f" ({rulebook.where_title(c.where)})" if c.where else ""
        ruled = "happened" if c.happened else "did not happen"
        return f"{t} override: {rule_title(rulebook, c.ref)}{where} → {ruled}{secret}"
    if isinstance(c, Note):
        if c.bookmark:
            return f"{t} ★ {c.bookmark}: {shorten(c.text)}"
        return f"{t} note: {shorten(c.text)}"
    if isinstance(c, SetSeats):
        return f"{t} seats: {shorten(seat_text(c.seats))}"
    if isinstance(c, Say):
        return say_label(c, shorten(c.text, 40))
    return f"{t} {type(c).__name__}"


def timeline_markup(rulebook: Rulebook, step: StepRecord) -> str:
    label = escape(step_label(rulebook, step))
    c = step.command
    if isinstance(c, ResolveTurn):
        return f"[b]{label}[/]"
    if isinstance(c, RunEvents):
        return f"[b $text-primary]{label}[/]"
    if isinstance(c, (InjectCard, SetTrack, OverrideResult)):
        return f"[$text-warning]{label}[/]"
    if isinstance(c, Note):
        return f"[$text-accent]{label}[/]"
    if isinstance(c, Say):
        return f"[$text-secondary]{label}[/]"
    return f"[$text-muted]{label}[/]"


def board_changes(rulebook: Rulebook, before: State, after: State) -> list[str]:
    """What changed on the board between two states, in markup: one line a part of the board,
    each track by its title (e.g. "IS-held territory in Iraq 5 → 4 · Pressure in Iraq 5 → 4"),
    offshoots formed and gone, cards drawn."""

    title = rulebook.title

    def item(name: str, a: int, b: int) -> str:
        value = rulebook.value_text
        return f"{escape(title(name))} {escape(value(name, a))} → [b]{escape(value(name, b))}[/]"

    def where(theatre: str) -> str:
        return escape(rulebook.where_title(theatre))

    lines: list[str] = []
    fb, fa = flat_tracks(before), flat_tracks(after)
    groups: dict[str, list[str]] = {}
    for name, value in fa.items():
        if fb.get(name) != value:
            prefix = next((p for p, _ in _GROUPS if name.startswith(p)), "")
            groups.setdefault(prefix, []).append(item(name, fb.get(name), value))
    for prefix, _ in _GROUPS + (("", ""),):
        if prefix in groups:
            lines.append(" · ".join(groups[prefix]))
    for attr, who in (("islamic_state", "IS"), ("al_qaeda", "AQ")):
        # who leads now, not the opening leader's name, which stays on the board after his death
        old, new = leader_now(getattr(before, attr).leader), leader_now(getattr(after, attr).leader)
        if old != new:
            lines.append(f"{who} leader: {escape(old)} → [b]{escape(new)}[/]")
    old_theatres = {t.name: t for t in before.theatres}
    for t in after.theatres:
        o = old_theatres.get(t.name)
        if o is None:
            continue
        items = [item(f"{t.name}.{n}", getattr(o, n), getattr(t, n)) for n in THEATRE_TRACKS
                 if getattr(o, n) != getattr(t, n)]
        if items:
            lines.append(" · ".join(items))
    old_off = {o.id: o for o in before.offshoots}
    new_off = {o.id: o for o in after.offshoots}
    for oid, o in new_off.items():
        was = old_off.get(oid)
        if was is None:
            lines.append(f"[b]Offshoot formed:[/] {escape(title(oid))} in {where(o.theatre)} "
                         f"({escape(title(o.origin).lower())}), strength {o.strength}, brutality {o.brutality}")
            continue
        items = [item(f"{oid}.{n}", getattr(was, n), getattr(o, n)) for n in OFFSHOOT_TRACKS
                 if getattr(was, n) != getattr(o, n)]
        if items:
            lines.append(" · ".join(items))
    for oid, o in old_off.items():
        if oid not in new_off:
            lines.append(f"[b]Offshoot gone:[/] {escape(title(oid))} (was in {where(o.theatre)}, strength {o.strength})")
    old_piles = {p.deck: p for p in before.decks}
    for p in after.decks:
        was = old_piles.get(p.deck)
        if was is None:
            continue
        deck = rulebook.decks[p.deck].title if p.deck in rulebook.decks else p.deck
        drawn = [c for c in p.discard if c not in was.discard]
        aside = [c for c in p.aside if c not in was.aside]
        for what, cards in (("played", drawn), ("set aside", aside)):
            if cards:
                titles = ", ".join(escape(card_title(rulebook, c)) for c in cards)
                lines.append(f"{escape(deck)} card {what}: {titles}")
        if len(p.draw) > len(was.draw):
            lines.append(f"{escape(deck)} deck reshuffled ({len(p.draw)} cards to draw)")
    return lines


@attrs.frozen
class StepView:
    """Everything the right-hand panes show for one step, worked out once."""

    heading: str
    what: str
    changes: str
    records: tuple[Adjudication, ...]
    prompts: tuple[str, ...]


class StepViews:
    """What each step of ``game`` shows in the replay viewer, worked out when asked (the screen keeps them)."""

    def __init__(self, rulebook: Rulebook, game: Game):
        self.rulebook = rulebook
        self.game = game
        self.steps = game.steps
        self.scenario = rulebook.scenarios[game.header.scenario]
        self.theatre_titles = {t.name: t.title for t in game.state.theatres}
        self._initial: State | None = None

    def before(self, i: int) -> State:
        if i > 0:
            return self.steps[i - 1].state
        if self._initial is None:
            self._initial = new_game(self.rulebook, self.game.header.scenario, self.game.header.seed)
        return self._initial

    def make(self, i: int) -> StepView:
        rb = self.rulebook
        step = self.steps[i]
        c, state = step.command, step.state
        label = escape(step_label(rb, step))
        quarter = self.scenario.label(c.turn)
        marks = f"  [b $accent]★ {escape(c.bookmark)}[/]" if isinstance(c, Note) and c.bookmark else ""
        if state.phase == "over":
            after = "the game is over"
        elif state.phase == "events":
            after = f"turn {state.turn} ({self.scenario.label(state.turn)}) is about to begin"
        else:
            after = f"turn {state.turn}, orders being given"
        heading = (f"[b]Turn {c.turn}[/] of {state.last_turn} ({quarter})  ·  step {i + 1} of {len(self.steps)}"
                   f"{marks}\n[b]{label}[/]  [$text-muted]· after it: {after}[/]")
        what = self._what(i)
        changes = board_changes(rb, self.before(i), state)
        if changes:
            changes_text = "[b]What changed since the previous step[/]\n" + "\n".join(changes)
        elif isinstance(c, GiveOrders):
            changes_text = "[$text-muted]Nothing changed on the board: orders take effect when the turn is resolved.[/]"
        else:
            changes_text = "[$text-muted]Nothing changed on the board at this step.[/]"
        records = step.records
        prompts = [record_markup(r) for r in records]
        if isinstance(c, (ResolveTurn, OverrideResult)) and any(r.kind == "order" for r in records):
            why = self.turn_reasons(c.turn, i)
            prompts = [p + (reason_markup(why.get((r.cell, r.ref, r.where)), "white") if r.kind == "order" else "")
                       for p, r in zip(prompts, records)]
        if isinstance(c, OverrideResult):  # the overridden result first; those the ruling changed marked
            ruled = fog.ruled_records(self.game, i)
            mark = "\n   [b $warning]◆ changed by the White Cell's ruling[/]"
            prompts = [p + (mark if k in ruled else "") for k, p in enumerate(prompts)]
            order = sorted(range(len(records)), key=lambda k: records[k].original is None)
            records = tuple(records[k] for k in order)
            prompts = [prompts[k] for k in order]
        return StepView(heading, what, changes_text, tuple(records), tuple(prompts))

    def given_before(self, i: int) -> int | None:
        """The step at which the cell of the orders at step ``i`` gave orders earlier this turn."""
        c = self.steps[i].command
        for j in range(i - 1, -1, -1):
            d = self.steps[j].command
            if isinstance(d, (RunEvents, ResolveTurn)):
                return None
            if isinstance(d, GiveOrders) and d.cell == c.cell and d.turn == c.turn:
                return j
        return None

    def reasons(self, i: int, seat: str = "white") -> list[Reason | None]:
        """Why a bot gave each of the orders at step ``i``, as ``seat`` may be told it (the White
        Cell and the bot's own cell: the bot's own sentences, worked out on its cell's view of the
        board it chose on; another cell: the doctrine's sentence on its own view)."""
        c = self.steps[i].command
        if not isinstance(c, GiveOrders):
            return []
        orders = [Order(c.cell, kind, where) for kind, where in c.orders]
        try:
            return order_reasons(self.rulebook, self.before(i), self.seats_at(i), self.game.header.seed, c.cell,
                                 orders, seat)
        except (KeyError, ValueError):  # an order kind these rules no longer have
            return [None] * len(orders)

    def turn_reasons(self, turn: int, until: int, seat: str = "white") -> dict[tuple[str, str, str | None], Reason]:
        """Why the bots gave the orders that ``turn`` resolved (their last given before step
        ``until``), as ``seat`` may be told it."""
        out: dict[tuple[str, str, str | None], Reason] = {}
        for j in range(until):
            c = self.steps[j].command
            if isinstance(c, GiveOrders) and c.turn == turn:
                out = {k: v for k, v in out.items() if k[0] != c.cell}  # given again: these replace them
                for (kind, where), reason in zip(c.orders, self.reasons(j, seat)):
                    if reason is not None:
                        out.setdefault((c.cell, kind, where), reason)
        return out

    def _superseded_by(self, i: int) -> int | None:
        turn = self.steps[i].command.turn
        for j in range(i + 1, len(self.steps)):
            c = self.steps[j].command
            if isinstance(c, OverrideResult) and c.turn == turn:
                return j
            if isinstance(c, (RunEvents, ResolveTurn)) and c.turn > turn:
                return None
        return None

    def _what(self, i: int) -> str:
        text = self._what_happened(i)
        if isinstance(self.steps[i].command, (InjectCard, SetTrack, OverrideResult)):
            text += "\n" + self._told(i)
        return text

    def _told(self, i: int) -> str:
        """Who was told of the White Cell's action at step ``i``, and what the room read."""
        game = self.game
        who = fog.told(game, i)
        room = fog.announcement(game, i, fog.ROOM)
        lines = []
        if room is not None:
            lines.append("[b]Announced to the room:[/] " + escape(room.text))
            lines += [f"  {escape(line)}" for line in room.lines()[1:]]
        else:
            cells = [CELL_TITLES[c] for c in CELLS if c in who]
            lines.append("[b $warning]Secret:[/] " + (f"told only to {escape(', '.join(cells))}" if cells
                                                      else "told to no cell"))
        for cell in CELLS:
            mine = fog.announcement(game, i, cell)
            if mine is not None and (room is None or mine.lines() != room.lines()):
                lines.append(f"[b]Told the {escape(CELL_TITLES[cell])}:[/] " + escape("; ".join(mine.lines())))
        return "\n".join(lines)

    def seats_at(self, i: int) -> dict[str, str]:
        """Who sat where at step ``i`` (a logged change of seats counts from its step on)."""
        for j in range(i, -1, -1):
            c = self.steps[j].command
            if isinstance(c, SetSeats):
                return c.seats
        first = next((s.command for s in self.steps if isinstance(s.command, SetSeats)), None)
        return first.was if first is not None else self.game.header.seats

    def _what_happened(self, i: int) -> str:
        rb = self.rulebook
        step = self.steps[i]
        c = step.command
        n = len(step.records)
        results = f"{n} result{'s' if n != 1 else ''} below" if n else "no results"
        if isinstance(c, RunEvents):
            if not n:
                return f"Turn {c.turn} began: no events this quarter."
            return f"The events of turn {c.turn} were drawn from the decks: {results}."
        if isinstance(c, GiveOrders):
            title = CELL_TITLES.get(c.cell, c.cell)
            seat = self.seats_at(i).get(c.cell, "human")
            who = f"{title} ({seat if seat == 'human' else seat + ' bot'})"
            again = self.given_before(i)
            changed = (f" [b $warning](again: it took back the orders it gave at step {again + 1} and changed "
                       "them; these replace them)[/]" if again is not None else "")
            if not c.orders:
                return f"{escape(who)} gave no orders.{changed}"
            lines = [f"{escape(who)} gave {len(c.orders)} order{'s' if len(c.orders) != 1 else ''} "
                     f"(secret from the other cells until the turn was resolved):{changed}"]
            reasons = self.reasons(i)
            for (kind, where), reason in zip(c.orders, reasons):
                k = rb.order_kinds.get(kind)
                name = k.title if k is not None else kind
                cost = f"  [$text-muted]cost {k.cost}[/]" if k is not None else ""
                place = self.theatre_titles.get(where, where) if where else ""
                lines.append(f"  • [b]{escape(name)}[/]{escape(f' in {place}' if place else '')}{cost}")
                if reason is not None:
                    lines.append(f"    [b $accent]why:[/] {escape(reason.text)}")
            return "\n".join(lines)
        if isinstance(c, ResolveTurn):
            text = f"Turn {c.turn} was adjudicated (orders, rules, dynamics, assessment): {results}."
            later = self._superseded_by(i)
            if later is not None:
                text += (f"\n[b $warning]A White Cell override at step {later + 1} replaced these results[/] "
                         "(the turn was resolved again).")
            return text
        if isinstance(c, OverrideResult):
            text = (f"[b $warning]The White Cell overrode a result of turn {c.turn}:[/] "
                    f"{escape(placed(rule_title(rb, c.ref), rb.where_title(c.where)))}. The engine said it "
                    f"{'happened' if c.original else 'did not happen'}; the White Cell ruled it "
                    f"{'happened' if c.happened else 'did not happen'}.\n"
                    f"[b]Justification:[/] {escape(c.justification)}\n"
                    f"[$text-muted]The turn was resolved again with the same dice and this result forced: "
                    f"{results}, the overridden one first; the changes compare with the resolution before.[/]")
            later = self._superseded_by(i)
            if later is not None:
                text += f"\n[b $warning]A later override at step {later + 1} replaced these results.[/]"
            return text
        if isinstance(c, InjectCard):
            note = f"\n[b]Note:[/] {escape(c.note)}" if c.note else ""
            return (f"[b $warning]The White Cell injected the card[/] {escape(card_title(rb, c.card))}: "
                    f"{results}.{note}")
        if isinstance(c, SetTrack):
            return (f"[b $warning]The White Cell set[/] {escape(rb.title(c.target))} from "
                    f"{escape(rb.value_text(c.target, c.original))} to {escape(rb.value_text(c.target, c.value))}.\n"
                    f"[b]Justification:[/] {escape(c.justification)}")
        if isinstance(c, Note):
            mark = f" and bookmark [b $accent]★ {escape(c.bookmark)}[/]" if c.bookmark else ""
            written = step.state.turn
            when = f" (written at turn {written})" if written != c.turn else ""
            return f"[b $accent]The White Cell's note[/]{mark} on turn {c.turn}{when}:\n{escape(c.text)}"
        if isinstance(c, SetSeats):
            note = f"\n[b]Note:[/] {escape(c.note)}" if c.note else ""
            return (f"[b]The seats changed[/] from turn {c.turn} on: {escape(seat_text(c.seats))} "
                    f"(were: {escape(seat_text(c.was))}).{note}")
        if isinstance(c, Say):
            return say_markup(c)
        return escape(repr(c))

    # showing a step
