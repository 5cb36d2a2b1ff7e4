"""A hot-seat exercise at one terminal: whose turn it is, and what comes next.

The terminal UI asks a :class:`Session` what to show; the session knows nothing of Textual. It
keeps the game (the log, autosaved after every command), who sits in each seat (a human or a
bot kind), and the order in which cells give their orders in a turn: each human cell after a
handover screen, each bot on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from wargame.bots.bot import Bot, Choice
from wargame.bots.seats import HUMAN, make_bot, parse_bot, parse_seat_list
from wargame.engine.adjudication import Adjudication
from wargame.engine.legality import legal_orders, unavailable_orders
from wargame.engine.model import CELL_TITLES, CELLS, Order, State
from wargame.engine.picture import Odds
from wargame.engine.position import order_chance, scores
from wargame.engine.rulebook import Rulebook
from wargame.engine.shown import MenuItem, Points, objective_points, order_menu, order_odds, render_records, seat_of
from wargame.engine.view import View, view
from wargame.record import fog
from wargame.record.commands import OverrideResult, ResolveTurn, RunEvents
from wargame.record.game import Game, Header
from wargame.record.save import Autosave, lock_save, new_game_id, now
from wargame.table.reasons import Reason, order_reasons


def parse_seats(text: str, default: Mapping[str, str]) -> dict[str, str]:
    """Seats at the table: humans or bots (see :func:`wargame.bots.seats.parse_seat_list`)."""
    return parse_seat_list(text, default)


class Session:
    """One game at the table."""

    def __init__(self, rulebook: Rulebook, game: Game, save: Path | None = None, created: str = "",
                 force: bool = False):
        self.rulebook = rulebook
        self.game = game
        self.save = save
        self.lock = None
        if save is not None:
            # while this session plays it, no other process may (a SaveError, one line, if one does)
            self.lock = lock_save(save)
            game.on_change = Autosave(save, created or now(), force=force)
        self.bots: dict[str, Bot] = {
            cell: make_bot(kind, game.header.seed, cell) for cell, kind in game.header.seats.items() if kind != HUMAN
        }
        # The states the last phase run and the last turn's resolution began on: what a seat is
        # shown of their records is worked out from its view of these (wargame.engine.shown).
        self.phase_base: State | None = None
        self.last_turn_base: State | None = None
        self.reasons: dict[str, tuple[str, ...]] = {}
        self._views: dict[str, tuple[State, View]] = {}  # the last view of each seat, and its state
        # read back from a save to go on (not a fork): a game saved between its events and its
        # orders shows the room this turn's events again first (events_of_this_turn)
        self.resumed = False

    @classmethod
    def new(cls, rulebook: Rulebook, scenario: str, seed: int, seats: Mapping[str, str], exercise: str = "",
            save: Path | None = None, white_lock: str | None = None, game_id: str | None = None,
            force: bool = False) -> Session:
        for cell in CELLS:
            kind = seats.get(cell, HUMAN)
            if kind != HUMAN:
                parse_bot(kind)  # raises with the reason
        header = Header(scenario, seed, {c: seats.get(c, HUMAN) for c in CELLS}, exercise, game_id or new_game_id(),
                        white_lock=white_lock)
        return cls(rulebook, Game(rulebook, header), save, force=force)

    def close(self) -> None:
        """Let other processes play the save again (done at exit anyway)."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    # reading

    @property
    def state(self) -> State:
        return self.game.state

    @property
    def scenario(self):
        return self.rulebook.scenarios[self.state.scenario]

    def quarter(self, turn: int | None = None) -> str:
        return self.scenario.label(self.state.turn if turn is None else turn)

    def has_humans(self) -> bool:
        return any(self.is_human(cell) for cell in CELLS)

    def is_human(self, cell: str) -> bool:
        return self.game.header.seats.get(cell, HUMAN) == HUMAN

    def seat_label(self, cell: str) -> str:
        kind = self.game.header.seats.get(cell, HUMAN)
        return CELL_TITLES[cell] + ("" if kind == HUMAN else f" ({kind} bot)")

    def view(self, seat: str) -> View:
        state = self.state
        kept = self._views.get(seat)
        if kept is not None and kept[0] is state:
            return kept[1]
        v = view(state, seat)
        self._views[seat] = (state, v)
        return v

    def submitted(self) -> set[str]:
        return set(self.game.pending)

    def next_cell(self) -> str | None:
        """The next cell to give orders this turn, or None once all have: first a cell that took
        its orders back to change them, then the first that has not given any."""
        if self.state.phase != "orders":
            return None
        for cell in CELLS:
            if cell in self.game.pending and cell in self.game.drafts:
                return cell
        for cell in CELLS:
            if cell not in self.game.pending:
                return cell
        return None

    def is_last(self, cell: str) -> bool:
        """Is ``cell`` the last to give its orders this turn (the turn is adjudicated after it)?"""
        return all(c == cell or (c in self.game.pending and c not in self.game.drafts) for c in CELLS)

    # orders in progress, and orders taken back

    def draft(self, cell: str) -> list[Order]:
        """The orders ``cell`` had picked and not yet given (kept in the save), or those it took back."""
        return list(self.game.drafts.get(cell, ()))

    def keep_draft(self, cell: str, orders: Sequence[Order]) -> None:
        """Keep what ``cell`` has picked so far (saved at once: a game quit now comes back with it)."""
        if self.state.phase == "orders":
            self.game.set_draft(cell, orders)

    def drop_draft(self, cell: str) -> None:
        self.game.set_draft(cell, None)

    def reopened(self, cell: str) -> bool:
        """Has ``cell`` taken its orders back to change them (its given orders stand until it gives again)?"""
        return cell in self.game.pending and cell in self.game.drafts

    def can_take_back(self) -> list[str]:
        """The cells played by people that have given their orders this turn and may still take
        them back: until the last cell has given its orders, the turn is not adjudicated."""
        if self.state.phase != "orders":
            return []
        return [c for c in CELLS if c in self.game.pending and c not in self.game.drafts and self.is_human(c)]

    def take_back(self, cell: str) -> list[Order]:
        """``cell`` takes its orders back to change them: they stand until it gives its orders again."""
        if cell not in self.can_take_back():
            raise ValueError(f"{CELL_TITLES.get(cell, cell)} cannot take its orders back now")
        orders = list(self.game.pending[cell])
        self.game.set_draft(cell, orders)
        return orders

    def records_for(self, seat: str, records: Sequence[Adjudication], before: State | None = None) -> list[Adjudication]:
        """These records as ``seat`` is shown them (``white`` sees all; ``room`` is everyone),
        worked out from its view of ``before``, the state their phase began on (by default that
        of the last phase run): see :func:`wargame.engine.shown.render_records`."""
        base = before or self.phase_base or self.state
        return render_records(self.rulebook, records, base, seat)

    def last_turn_for(self, seat: str) -> list[Adjudication]:
        """Every record of the last turn resolved that ``seat`` may see, in the order of the log:
        its events, the White Cell's injects and rulings, the orders' results, the dynamics, and
        what the White Cell did since; read from the log, so a loaded game has it too. (One
        source for "what happened this turn": the board, the summary, a change's "why?".)"""
        game = self.game
        steps = game.steps
        resolutions = [i for i, st in enumerate(steps) if isinstance(st.command, (ResolveTurn, OverrideResult))]
        if not resolutions:
            return []
        turn = steps[resolutions[-1]].command.turn
        # from just after the resolution of the turn before (its last ruling) to the end of the log
        start = max((i + 1 for i in resolutions if steps[i].command.turn < turn), default=0)
        kept = game.in_force()
        out: list[Adjudication] = []
        for i in range(start, len(steps)):
            c = steps[i].command
            if kept[i] and not (isinstance(c, RunEvents) and c.turn != turn):  # the next turn's cards: not yet
                out.extend(fog.step_records(game, i, seat_of(seat)))
        return out

    def legal(self, cell: str, pending: Sequence[Order] = ()) -> list[Order]:
        return legal_orders(self.rulebook, self.state, cell, pending)

    def unavailable(self, cell: str, pending: Sequence[Order] = ()) -> list[tuple[Order, str]]:
        return unavailable_orders(self.rulebook, self.state, cell, pending)

    def chance(self, order: Order) -> float:
        """The true chance of an order: for the facilitator. A cell is shown :meth:`odds`."""
        return order_chance(self.rulebook, self.state, order)

    def odds(self, cell: str, order: Order) -> Odds:
        """The chance of an order as ``cell`` can work it out from its view: exact, or a band."""
        return order_odds(self.rulebook, self.view(cell), order)

    def menu(self, cell: str, pending: Sequence[Order] = ()) -> list[MenuItem]:
        """Every order of ``cell``: available or why not, and its odds as the cell sees them."""
        return order_menu(self.rulebook, self.state, cell, pending)

    def objective_points(self, seat: str, cell: str | None = None) -> list[Points]:
        """Objectives' points as ``seat`` can work them out from its view (ranges where it
        cannot know); the facilitator's, and everyone's once the game is over, are exact."""
        v = self.view("white" if self.state.over else ("public" if seat == "room" else seat))
        return objective_points(self.rulebook, v, cell)

    def cost(self, order: Order) -> int:
        return self.rulebook.order_kinds[order.kind].cost

    def budget(self, cell: str) -> tuple[str, int]:
        track = self.rulebook.budgets[cell]
        return track, self.view(cell).tracks[track].lo

    def scores(self, cell: str):
        return scores(self.rulebook, self.state, cell)

    # acting

    def events_of_this_turn(self, seat: str = "room") -> list[Adjudication]:
        """This turn's events as ``seat`` is shown them, where the game stands in its orders phase
        (a game saved, then loaded, between its events and its orders: the room sees them again
        before the orders); [] otherwise. Worked out on the state the events began on."""
        if self.state.phase != "orders":
            return []
        steps = self.game.steps
        for i in range(len(steps) - 1, -1, -1):
            c = steps[i].command
            if isinstance(c, RunEvents):
                if c.turn != self.state.turn:
                    return []
                return render_records(self.rulebook, steps[i].records, fog.state_before(self.game, i), seat)
        return []

    def run_events(self) -> list[Adjudication]:
        if self.state.phase != "events":
            return []
        self.phase_base = self.state
        return list(self.game.run_events().records)

    def bot_choice(self, cell: str) -> Choice:
        """A bot's orders: it sees only its cell's view and never the game's dice. Safe to run in
        a worker thread: it reads the state and changes nothing."""
        state = self.state
        return self.bots[cell].choose(view(state, cell), lambda p: legal_orders(self.rulebook, state, cell, p),
                                      self.rulebook.max_orders)

    def submit(self, cell: str, orders: Sequence[Order], reasons: Sequence[str] = ()) -> None:
        self.game.give_orders(cell, orders)
        self.reasons[cell] = tuple(reasons)

    def order_reasons(self, seat: str) -> dict[tuple[str, str, str | None], Reason]:
        """Why each bot gave each of its pending orders, as ``seat`` may be told it, by (cell,
        order kind, theatre): see :mod:`wargame.table.reasons`."""
        out: dict[tuple[str, str, str | None], Reason] = {}
        h = self.game.header
        for cell, orders in self.game.pending.items():
            for order, reason in zip(orders, order_reasons(self.rulebook, self.state, h.seats, h.seed, cell, orders,
                                                           seat)):
                if reason is not None:
                    out.setdefault((cell, order.kind, order.theatre), reason)
        return out

    def resolve(self) -> list[Adjudication]:
        before = self.state
        records = list(self.game.resolve().records)
        self.phase_base = self.last_turn_base = before
        self.reasons = {}
        return records
