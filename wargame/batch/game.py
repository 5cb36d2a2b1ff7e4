"""A batch of games played in lockstep: :class:`BatchGame`, the scalar engine's turn over arrays.

Each call advances the games that are in the phase it plays (``begin_turn``: the events phase;
``resolve_turn``: the orders phase); the others, and every game that is over, stay as they are.
No facilitator override (``Forced``) and no records: what the metrics need is kept as arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from wargame.batch import dice
from wargame.batch.book import book_for
from wargame.batch.compile import ORIGINS
from wargame.batch.compute import refresh
from wargame.batch.decks import shuffle_new
from wargame.batch.legality import pay_chosen
from wargame.batch.parameters import per_game
from wargame.batch.rules import Runner
from wargame.batch.state import Boards
from wargame.engine.board import GLOBAL_TRACKS, THEATRE_TRACKS
from wargame.engine.model import DeckPiles, Order, State
from wargame.engine.resolver import RESOLUTION_ORDER
from wargame.engine.rulebook import Rulebook

EVENTS, ORDERS, OVER = range(3)


class BatchGame:
    """``n`` games of one scenario as arrays (:class:`~wargame.batch.state.Boards`), with what
    the metrics read:

    - ``fired``: ``(n, rules)`` int, how often each rule (in rulebook order) fired in each game;
    - ``drawn``: ``(n, cards)`` int, how often each card (``card_ids``) was played;
    - ``series``: after every turn one ``(turn, g, t)``: ``g`` ``(n, len(global_names))`` and ``t``
      ``(n, theatres, len(theatre_names))`` int16 snapshots of the tracks (kept if ``keep_series``);
    - ``formed``: ``(n, origins)`` int, offshoots formed by rules and cards (not orders), by the
      origin's code (``wargame.batch.state.ORIGINS``), as the records' changes show them;
    - what :meth:`watch` asks for: how often a rule fired in each theatre of each game.

    ``parameters`` (name to one value a game) plays each game with its own values of those
    parameters, as the scalar engine plays it with a rulebook that carries them
    (:mod:`wargame.batch.parameters`; a ValueError for one that cannot vary per game).
    """

    def __init__(self, rulebook: Rulebook, states: Sequence[State], keep_series: bool = True,
                 parameters: Mapping[str, Sequence[float]] | None = None):
        self.rulebook = rulebook
        varying = per_game(rulebook, parameters, len(states))
        self.boards = Boards(rulebook, states, varying)
        b = self.boards
        # compiled once a process (for each set of parameters read per game)
        self.book = book_for(rulebook, b.theatre_names, [p.deck for p in b.decks], frozenset(varying))
        self.card_ids = tuple(self.book.card_ids)
        self.fired = np.zeros((b.n, len(rulebook.rules)), dtype=np.int64)
        self.drawn = np.zeros((b.n, len(self.card_ids)), dtype=np.int64)
        self.game_keys = dice.game_keys(b.seed)
        self.runner = Runner(b, self.book, self.fired, self.drawn, self.game_keys)
        self.formed = np.zeros((b.n, len(ORIGINS)), dtype=np.int64)
        self.runner.formed = self.formed
        scenario = rulebook.scenarios[b.scenario]
        self._calendar = (scenario.start_year, scenario.start_quarter)
        self.global_names = tuple(GLOBAL_TRACKS)
        self.theatre_names = tuple(THEATRE_TRACKS)
        self.keep_series = keep_series
        self.series: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    @classmethod
    def new(cls, rulebook: Rulebook, scenario: str, seeds: Sequence[int], keep_series: bool = True,
            parameters: Mapping[str, Sequence[float]] | None = None) -> BatchGame:
        """New games of ``scenario``, one per seed, as ``wargame.engine.turn.new_game`` makes them
        (their decks shuffled here, in one pass for all); ``parameters`` as for the class."""
        if scenario not in rulebook.scenarios:
            raise KeyError(f"no scenario {scenario!r} (scenarios: {', '.join(rulebook.scenarios)})")
        for s in seeds:
            if not isinstance(s, int) or isinstance(s, bool) or s < 0:
                raise ValueError(f"a seed is a whole number 0 or more, not {s!r}")
        initial = rulebook.scenarios[scenario].initial
        blank = attrs.evolve(initial, decks=tuple(DeckPiles(deck=d.id, draw=tuple(c.id for c in d.cards))
                                                  for d in rulebook.decks.values()))
        game = cls(rulebook, [attrs.evolve(blank, seed=s) for s in seeds], keep_series, parameters)
        shuffle_new(game.boards, rulebook, game.game_keys)
        return game

    @classmethod
    def from_states(cls, rulebook: Rulebook, states: Sequence[State], keep_series: bool = True,
                    parameters: Mapping[str, Sequence[float]] | None = None) -> BatchGame:
        """Games that go on from these states (e.g. a facilitator's: a track set, a card played)."""
        return cls(rulebook, states, keep_series, parameters)

    # --- what a caller reads ---------------------------------------------------------------------

    @property
    def n(self) -> int:
        return self.boards.n

    @property
    def over(self) -> np.ndarray:
        """``(n,)`` bool: the games that are over."""
        return self.boards.phase == OVER

    def state(self, i: int) -> State:
        """Game ``i`` as the scalar engine's State (``wargame.engine.model.digest`` compares them)."""
        return self.boards.state(i)

    def watch(self, rule_id: str) -> np.ndarray:
        """``(n, theatres)`` int, from now on how often the rule ``rule_id`` (of theatre or offshoot
        scope: an offshoot's is its home theatre) fired in each theatre of each game."""
        index = next(i for i, r in enumerate(self.rulebook.rules) if r.id == rule_id)
        return self.runner.at.setdefault(index, np.zeros((self.n, self.boards.n_theatres), dtype=np.int64))

    def track(self, name: str) -> np.ndarray:
        """A global track of every game, ``(n,)`` int64."""
        return self.boards.G[name].astype(np.int64)

    # --- the turn --------------------------------------------------------------------------------

    def _start(self, rows: np.ndarray, phase: str) -> None:
        """A phase begins as the scalar engine's new Board does: turn, turns left, year, dirty."""
        b = self.boards
        turn = b.turn[rows]
        b.G["turn"][rows] = turn
        b.G["turns_left"][rows] = b.last_turn[rows] - turn
        year, quarter = self._calendar
        b.G["year"][rows] = year + (quarter - 1 + turn - 1) // 4
        b.dirty[rows] = True
        self.runner.set_phase(phase)

    def begin_turn(self) -> None:
        """The events phase of every game waiting for it: the event rules, which draw cards."""
        b = self.boards
        rows = np.flatnonzero(b.phase == EVENTS)
        if not len(rows):
            return
        self._start(rows, "events")
        b.T["turn_start_territory"][rows] = b.T["territory"][rows]
        self.runner.run_rules(self.book.by_phase["events"], rows)
        b.phase[rows] = ORDERS

    def resolve_turn(self, orders: Sequence[Mapping[str, Sequence[Order]]] | None = None) -> None:
        """Adjudicate the orders (one mapping of cell to orders per game, ``None`` or ``{}`` for
        none; entries of games not in the orders phase are ignored) and run the rest of the turn.
        The orders must be legal: they are not checked here (the scalar engine checks them)."""
        b = self.boards
        rows = np.flatnonzero(b.phase == ORDERS)
        if not len(rows):
            return
        self._start(rows, "adjudication")
        given = self._sorted_orders(orders, rows)
        self._resolve(rows, given)

    def resolve_chosen(self, chosen_rows: np.ndarray, chosen: Mapping[str, np.ndarray], legality) -> None:
        """:meth:`resolve_turn` for orders given as candidate indices (``Players.choose``), paid
        and grouped over arrays (:func:`wargame.batch.legality.pay_chosen`): no Order per game."""
        b = self.boards
        rows = np.flatnonzero(b.phase == ORDERS)
        if not len(rows):
            return
        self._start(rows, "adjudication")
        self._resolve(rows, pay_chosen(b, self.book, legality, chosen_rows, chosen))

    def _resolve(self, rows: np.ndarray, given) -> None:
        b, book, runner = self.boards, self.book, self.runner
        for (kind, column), lanes in given:
            runner.resolve_order(kind, column, lanes)
        runner.run_rules(book.by_phase["adjudication"], rows)
        for phase in ("dynamics", "assessment"):
            runner.set_phase(phase)
            runner.run_rules(book.by_phase[phase], rows)
        self._tally(rows)
        last = b.turn[rows] >= b.last_turn[rows]
        b.turn[rows[~last]] += 1
        b.phase[rows] = np.where(last, OVER, EVENTS)
        if self.keep_series:
            g = np.stack([b.G[k] for k in self.global_names], axis=1).astype(np.int16)
            t = np.stack([b.T[k] for k in self.theatre_names], axis=2).astype(np.int16)
            self.series.append((rows, g[rows], t[rows]))

    def _sorted_orders(self, orders, rows: np.ndarray) -> list[tuple[tuple[str, int | None], np.ndarray]]:
        """Pay every cell's orders, then list each (kind, theatre column) given, in the order the
        scalar engine resolves them (``order_key``), with the games that gave it."""
        b, book = self.boards, self.book
        if orders is None:
            return []
        if len(orders) != b.n:
            raise ValueError(f"orders for {len(orders)} games, and the batch has {b.n}")
        column = {t: j for j, t in enumerate(b.theatre_names)}
        lanes: dict[tuple[str, int | None], list[int]] = {}
        for i in rows.tolist():
            given = [o for os in (orders[i] or {}).values() for o in os]
            for cell in RESOLUTION_ORDER:  # costs are paid before anything resolves
                mine = [o for o in given if o.cell == cell]
                if mine:
                    b.G[self.rulebook.budgets[cell]][i] -= sum(book.orders[o.kind].cost for o in mine)
                    b.dirty[i] = True
            for o in given:
                lanes.setdefault((o.kind, column[o.theatre] if o.theatre else None), []).append(i)
        keys = sorted(lanes, key=lambda k: book.order_key(*k))
        return [(k, np.array(sorted(lanes[k]), dtype=np.int64)) for k in keys]

    def _tally(self, rows: np.ndarray) -> None:
        """What the analysts keep, read off the board after every turn (``turn._tally``)."""
        b = self.boards
        refresh(b, self.book, rows)
        G = b.G
        turn = b.turn[rows].astype(np.float64)
        stage = G["relation_stage"][rows]
        r = G["tally_rapprochement_turn"]
        r[rows] = np.where(((stage == 2) | (stage == 3)) & (r[rows] < 0), turn, r[rows])
        c = G["tally_collapse_turn"]
        c[rows] = np.where((G["is_collapsed"][rows] != 0) & (c[rows] < 0), turn, c[rows])
        p = G["tally_peak_brutality"]
        p[rows] = np.maximum(np.maximum(p[rows], G["is_brutality"][rows]), G["offshoot_brutality"][rows])
