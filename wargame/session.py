"""A hot-seat exercise at one terminal: whose turn it is, and what comes next.

The terminal UI asks a :class:`Session` what to show; the session knows nothing of Textual. It
keeps the game (the log, autosaved after every command), who sits in each seat (a human or a
bot kind), and the order in which cells give their orders in a turn: each human cell after a
handover screen, each bot on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from wargame.adjudication import Adjudication
from wargame.bots import HUMAN, Bot, Choice, make_bot, parse_bot, parse_seat_list
from wargame.engine import legal_orders, order_chance, scores, unavailable_orders
from wargame.model import CELL_TITLES, CELLS, Order, State
from wargame.record.game import Game, Header
from wargame.record.save import Autosave, new_game_id, now
from wargame.rulebook import Rulebook
from wargame.view import View, talks_secret, view, visible_record



def parse_seats(text: str, default: Mapping[str, str]) -> dict[str, str]:
    """Seats at the table: humans or bots (see :func:`wargame.bots.parse_seat_list`)."""
    return parse_seat_list(text, default)


class Session:
    """One game at the table."""

    def __init__(self, rulebook: Rulebook, game: Game, save: Path | None = None, created: str = ""):
        self.rulebook = rulebook
        self.game = game
        self.save = save
        if save is not None:
            game.on_change = Autosave(save, created or now())
        self.bots: dict[str, Bot] = {
            cell: make_bot(kind, game.header.seed, cell) for cell, kind in game.header.seats.items() if kind != HUMAN
        }
        self.last_turn_records: tuple[Adjudication, ...] = ()
        self.reasons: dict[str, tuple[str, ...]] = {}

    @classmethod
    def new(cls, rulebook: Rulebook, scenario: str, seed: int, seats: Mapping[str, str], exercise: str = "",
            save: Path | None = None) -> "Session":
        for cell in CELLS:
            kind = seats.get(cell, HUMAN)
            if kind != HUMAN:
                parse_bot(kind)  # raises with the reason
        header = Header(scenario, seed, {c: seats.get(c, HUMAN) for c in CELLS}, exercise, new_game_id())
        return cls(rulebook, Game(rulebook, header), save)

    # reading

    @property
    def state(self) -> State:
        return self.game.state

    @property
    def scenario(self):
        return self.rulebook.scenarios[self.state.scenario]

    def quarter(self, turn: int | None = None) -> str:
        return self.scenario.label(self.state.turn if turn is None else turn)

    def is_human(self, cell: str) -> bool:
        return self.game.header.seats.get(cell, HUMAN) == HUMAN

    def seat_label(self, cell: str) -> str:
        kind = self.game.header.seats.get(cell, HUMAN)
        return CELL_TITLES[cell] + ("" if kind == HUMAN else f" ({kind} bot)")

    def view(self, seat: str) -> View:
        return view(self.state, seat)

    def submitted(self) -> set[str]:
        return set(self.game.pending)

    def next_cell(self) -> str | None:
        """The next cell to give orders this turn, or None once all have."""
        if self.state.phase != "orders":
            return None
        for cell in CELLS:
            if cell not in self.game.pending:
                return cell
        return None

    def records_for(self, seat: str, records: Sequence[Adjudication]) -> list[Adjudication]:
        """What ``seat`` may see of these records (``white`` sees all; ``room`` is everyone)."""
        secret = talks_secret(self.state)
        out = []
        for r in records:
            shown = visible_record(r, seat if seat != "room" else "public", secret)
            if shown is not None:
                out.append(shown)
        return out

    def legal(self, cell: str, pending: Sequence[Order] = ()) -> list[Order]:
        return legal_orders(self.rulebook, self.state, cell, pending)

    def unavailable(self, cell: str, pending: Sequence[Order] = ()) -> list[tuple[Order, str]]:
        return unavailable_orders(self.rulebook, self.state, cell, pending)

    def chance(self, order: Order) -> float:
        return order_chance(self.rulebook, self.state, order)

    def cost(self, order: Order) -> int:
        return self.rulebook.order_kinds[order.kind].cost

    def budget(self, cell: str) -> tuple[str, int]:
        track = self.rulebook.budgets[cell]
        return track, self.view(cell).tracks[track].lo

    def scores(self, cell: str):
        return scores(self.rulebook, self.state, cell)

    # acting

    def run_events(self) -> list[Adjudication]:
        return list(self.game.run_events().records) if self.state.phase == "events" else []

    def bot_choice(self, cell: str) -> Choice:
        """A bot's orders: it sees only its cell's view and never the game's dice. Safe to run in
        a worker thread: it reads the state and changes nothing."""
        state = self.state
        return self.bots[cell].choose(view(state, cell), lambda p: legal_orders(self.rulebook, state, cell, p),
                                      self.rulebook.max_orders)

    def submit(self, cell: str, orders: Sequence[Order], reasons: Sequence[str] = ()) -> None:
        self.game.give_orders(cell, orders)
        self.reasons[cell] = tuple(reasons)

    def resolve(self) -> list[Adjudication]:
        records = list(self.game.resolve().records)
        self.last_turn_records = tuple(records)
        self.reasons = {}
        return records
