# Over 400 lines, kept whole: the Game is the log and its one place of applying commands (_apply).
"""A game as its log: commands in order, and the state rebuilt by replaying them.

Every change to a game is a command (:mod:`wargame.record.commands`): a cell's orders, running a
turn's events, resolving a turn, and the facilitator's injects, track overrides, result overrides,
notes and bookmarks. A :class:`Game` applies commands one by one and keeps the log, the records
as they were shown, and a digest of the state after every turn. Loading a save is replaying its
commands; the digests say whether the replay came out as the game was played.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs
from attrs import field, frozen

from wargame.engine.adjudication import Adjudication
from wargame.engine.facilitator import FacilitatorError, inject_card, set_track
from wargame.engine.legality import check_orders
from wargame.engine.model import CELLS, Order, State, digest
from wargame.engine.reading import text_problem
from wargame.engine.resolver import Forced
from wargame.engine.turn import Step, begin_turn, new_game, resolve_turn
from wargame.record.commands import (
    ANNOTATIONS,
    COMMAND_NAMES,
    MAX_SAY,
    RESOLUTION_PHASES,
    Command,
    CommandError,
    GiveOrders,
    InjectCard,
    Note,
    OverrideResult,
    ResolveTurn,
    RunEvents,
    Say,
    SetSeats,
    SetTrack,
    channel_of,
    channel_seats,
)
from wargame.record.seating import initial_seats, seat_words, seats_in_full, seats_problem


@frozen
class StepRecord:
    """One command as it was applied: the state after it and what it produced."""

    command: Command
    state: State
    records: tuple[Adjudication, ...]


@frozen
class Header:
    scenario: str
    seed: int
    seats: dict[str, str] = field(factory=dict)  # cell -> "human" or a bot kind
    exercise: str = ""
    game: str = ""  # this game's id; a save never overwrites a file of another game
    parent: Parent | None = None
    # the salted hash of the White Cell's passphrase (wargame.record.lock); None: no lock
    white_lock: str | None = None


@frozen
class Parent:
    game: str
    save: str
    turn: int  # the child starts at the beginning of this turn


class Game:
    """A game being played or replayed: the log, the current state, the records shown."""

    def __init__(self, rulebook, header: Header, on_change: Callable[[Game], None] | None = None):
        self.rulebook = rulebook
        self.header = header
        self.state: State = new_game(rulebook, header.scenario, header.seed)
        self.commands: list[Command] = []
        self.steps: list[StepRecord] = []
        self.pending: dict[str, tuple[Order, ...]] = {}
        self.digests: dict[int, str] = {}  # turn -> digest of the state after it
        self._before_resolve: State | None = None  # for overriding the last resolved turn
        self._resolved_orders: dict[str, tuple[Order, ...]] = {}
        self._forced: dict[tuple[str, str | None], Forced] = {}
        # Orders a cell has picked but not yet given (the orders screen keeps them as they are
        # picked): saved with the game, so that a game quit mid-turn comes back with them. A
        # draft of a cell that has given its orders is that cell taking them back to change them.
        self.drafts: dict[str, tuple[Order, ...]] = {}
        self.on_change = on_change

    # reading

    @property
    def turn(self) -> int:
        return self.state.turn

    def records(self, turn: int | None = None) -> list[Adjudication]:
        """The records in force, of one turn or of all: a turn resolved again after an override
        replaces the records of its earlier resolution (the timeline in :attr:`steps` keeps both)."""
        if turn is not None:
            return list(self.records_by_turn().get(turn, ()))
        return [r for records in self.records_by_turn().values() for r in records]

    def records_by_turn(self) -> dict[int, list[Adjudication]]:
        """The records in force, turn by turn (one pass over the log)."""
        out: dict[int, list[Adjudication]] = {}
        for step, kept in zip(self.steps, self.in_force()):
            if kept:
                for r in step.records:
                    out.setdefault(r.turn, []).append(r)
        return dict(sorted(out.items()))

    def in_force(self) -> list[bool]:
        """For each step, whether its records are in force (False for a resolution that a later
        override of the same turn replaced)."""
        overridden: set[int] = set()  # turns with an override later in the log
        keep: list[bool] = [True] * len(self.steps)
        for i in range(len(self.steps) - 1, -1, -1):
            c = self.steps[i].command
            if isinstance(c, (ResolveTurn, OverrideResult)) and c.turn in overridden:
                keep[i] = False
            if isinstance(c, OverrideResult):
                overridden.add(c.turn)
        return keep

    def notes(self) -> list[Note]:
        return [c for c in self.commands if isinstance(c, Note)]

    def messages(self) -> list[Say]:
        """Every message said on a channel, in order (all of them: what a seat may see of them is
        :func:`wargame.record.messages.messages`)."""
        return [c for c in self.commands if isinstance(c, Say)]

    def bookmarks(self) -> dict[str, int]:
        return {n.bookmark: n.turn for n in self.notes() if n.bookmark}

    # commands

    def apply(self, command: Command) -> StepRecord:
        """Apply one command; raise :class:`CommandError` (the game unchanged) if it cannot be."""
        bad = _unkeepable(command)
        if bad:  # (a note pasted with an escape in it would make the save one the loader refuses)
            raise CommandError(bad)
        try:
            step = self._apply(command)
        except FacilitatorError as e:
            raise CommandError(str(e)) from None
        except ValueError as e:  # IllegalOrder, PhaseError
            raise CommandError(str(e)) from None
        self.commands.append(command)
        record = StepRecord(command, step.state, step.records)
        self.steps.append(record)
        self.state = step.state
        if self.on_change is not None:
            self.on_change(self)
        return record

    def _apply(self, c: Command) -> Step:
        state = self.state
        if not isinstance(c, Note) and c.turn != state.turn and not isinstance(c, OverrideResult):
            raise CommandError(f"a command for turn {c.turn}, but the game is at turn {state.turn}")
        if isinstance(c, RunEvents):
            return begin_turn(self.rulebook, state)
        if isinstance(c, GiveOrders):
            if c.cell not in CELLS:
                raise CommandError(f"there is no cell {c.cell!r}")
            if state.phase != "orders":
                raise CommandError(f"orders are given in the orders phase, and the game is in {state.phase}")
            orders = tuple(Order(c.cell, kind, where) for kind, where in c.orders)
            check_orders(self.rulebook, state, {c.cell: orders})
            self.pending[c.cell] = orders  # given again (taken back and changed): these replace them
            self.drafts.pop(c.cell, None)
            return Step(state, ())
        if isinstance(c, ResolveTurn):
            step = resolve_turn(self.rulebook, state, self.pending)
            self._before_resolve, self._resolved_orders, self._forced = state, dict(self.pending), {}
            self.pending = {}
            self.drafts = {}
            self.digests[c.turn] = digest(step.state)
            return step
        if isinstance(c, OverrideResult):
            return self._override(c)
        if isinstance(c, InjectCard):
            return inject_card(self.rulebook, state, c.card, c.note)
        if isinstance(c, SetTrack):
            current = _read_track(state, c.target)
            if current is not None and current != c.original:
                raise CommandError(f"{c.target} was {current}, not {c.original} as the command says")
            return set_track(self.rulebook, state, c.target, c.value, c.justification)
        if isinstance(c, Note):
            if not c.text.strip():
                raise CommandError("a note needs some text")
            if not 0 <= c.turn <= state.turn:  # a note annotates a turn played or being played
                raise CommandError(f"a note on turn {c.turn}, but the game is at turn {state.turn}")
            return Step(state, ())
        if isinstance(c, Say):
            if c.phase != state.phase:
                raise CommandError(f"a message said in {c.phase}, but the game is in {state.phase}")
            try:
                seats = channel_seats(c.channel)
            except ValueError as e:
                raise CommandError(str(e)) from None
            if c.channel != "-".join(seats):
                raise CommandError(f"the channel {c.channel!r} is named {'-'.join(seats)!r}")
            if c.sender not in seats:
                raise CommandError(f"{str(c.sender)[:40]!r} may not speak on {c.channel}")
            if not c.text.strip():
                raise CommandError("a message needs some text")
            if len(c.text) > MAX_SAY:
                raise CommandError(f"a message is at most {MAX_SAY} characters, not {len(c.text)}")
            return Step(state, ())
        if isinstance(c, SetSeats):
            now = seats_in_full(self.header.seats)
            if seats_in_full(c.was) != now:
                raise CommandError(f"the seats were {seat_words(now)}, not {seat_words(c.was)} as the command says")
            problem = seats_problem(c.seats)
            if problem:
                raise CommandError(problem)
            if seats_in_full(c.seats) == now:
                raise CommandError("the seats are already those")
            self.header = attrs.evolve(self.header, seats=dict(c.seats))
            return Step(state, ())
        raise CommandError(f"unknown command {c!r}")

    def _override(self, c: OverrideResult) -> Step:
        before = self._before_resolve
        if before is None or c.turn != before.turn or not self.steps or not isinstance(
            self._last_state_changer(), (ResolveTurn, OverrideResult)
        ):
            raise CommandError("only a result of the turn just resolved can be overridden (fork to go further back)")
        if not c.justification.strip():
            raise CommandError("an override needs a justification")
        shown = [r for r in self.records(c.turn) if r.ref == c.ref and r.chance is not None and r.where == c.where
                 and r.phase in RESOLUTION_PHASES]
        if not shown:
            raise CommandError(f"no roll of {c.ref} in {c.where or 'the turn'} to override in turn {c.turn}")
        forced = dict(self._forced)
        forced[(c.ref, c.where)] = Forced(c.happened, c.justification)
        step = resolve_turn(self.rulebook, before, self._resolved_orders, forced)
        self._forced = forced
        self.digests[c.turn] = digest(step.state)
        return step

    def _last_state_changer(self) -> Command:
        for command in reversed(self.commands):
            if not isinstance(command, ANNOTATIONS):
                return command
        raise CommandError("nothing has happened yet")

    def set_draft(self, cell: str, orders: Sequence[Order] | None) -> None:
        """Keep (or, with None, drop) the orders ``cell`` has picked but not given yet; saved
        with the game (not a command: a draft changes nothing until it is given)."""
        if cell not in CELLS:
            raise CommandError(f"there is no cell {cell!r}")
        if orders is None:
            if self.drafts.pop(cell, None) is None:
                return
        else:
            if self.state.phase != "orders":
                raise CommandError(f"orders are picked in the orders phase, and the game is in {self.state.phase}")
            if self.drafts.get(cell) == tuple(orders):
                return
            self.drafts[cell] = tuple(orders)
        if self.on_change is not None:
            self.on_change(self)

    def restore_drafts(self, drafts: Mapping[str, Sequence[tuple[str, str | None]]] | None) -> None:
        """The drafts a save kept, for the turn under way: a cell's draft is kept only if it
        could still be given as it stands (else it is dropped, and the cell picks again)."""
        self.drafts = {}
        if not drafts or self.state.phase != "orders":
            return
        for cell, picked in drafts.items():
            orders = tuple(Order(cell, kind, where) for kind, where in picked)
            try:
                check_orders(self.rulebook, self.state, {cell: orders})
            except (ValueError, KeyError):  # IllegalOrder, or a hand-edited save's unknown kind
                continue
            self.drafts[cell] = orders

    # conveniences that build the commands

    def run_events(self) -> StepRecord:
        return self.apply(RunEvents(self.turn))

    def give_orders(self, cell: str, orders: Sequence[Order]) -> StepRecord:
        return self.apply(GiveOrders(self.turn, cell, tuple((o.kind, o.theatre) for o in orders)))

    def resolve(self) -> StepRecord:
        return self.apply(ResolveTurn(self.turn))

    def inject(self, card: str, note: str = "", secret: bool = False) -> StepRecord:
        return self.apply(InjectCard(self.turn, card, note, secret))

    def set_track(self, target: str, value: int, justification: str, secret: bool = False) -> StepRecord:
        original = _read_track(self.state, target)
        if original is None:
            raise CommandError(f"there is no track {target!r}")
        return self.apply(SetTrack(self.turn, target, value, original, justification, secret))

    def override(self, ref: str, where: str | None, happened: bool, justification: str,
                 secret: bool = False) -> StepRecord:
        if self._before_resolve is None:
            raise CommandError("no turn has been resolved yet")
        turn = self._before_resolve.turn
        shown = [r for r in self.records(turn) if r.ref == ref and r.chance is not None and r.where == where
                 and r.phase in RESOLUTION_PHASES]
        if not shown:
            raise CommandError(f"no roll of {ref} in {where or 'the turn'} to override in turn {turn} "
                               "(events are changed with an inject or a track override instead)")
        last = shown[-1]
        engine_said = last.happened if last.original is None else last.original
        return self.apply(OverrideResult(turn, ref, where, happened, engine_said, justification, secret))

    def note(self, text: str, bookmark: str | None = None, turn: int | None = None) -> StepRecord:
        return self.apply(Note(self.turn if turn is None else turn, text, bookmark))

    def say(self, channel: str, sender: str, text: str) -> StepRecord:
        """Record a message ``sender`` said on ``channel`` ("aq-is" or "is-aq", "coalition-white"),
        with the turn and phase it was said in; it changes nothing in the game. Raises
        :class:`CommandError` (nothing recorded) if the channel is none, the sender is not one of
        its seats, or the text is blank or longer than :data:`~wargame.record.commands.MAX_SAY`."""
        try:
            name = channel_of(channel)
        except ValueError as e:
            raise CommandError(str(e)) from None
        return self.apply(Say(self.turn, self.state.phase, name, sender, text))

    def set_seats(self, seats: Mapping[str, str], note: str = "") -> StepRecord:
        """Change who plays each cell from now on (logged: a replay and the header know it)."""
        return self.apply(SetSeats(self.turn, seats_in_full(seats), seats_in_full(self.header.seats), note))

    # forks and replays

    def prefix(self, turn: int) -> list[Command]:
        """The commands that bring the game to the start of ``turn`` (before its events)."""
        if not 1 <= turn <= self.state.last_turn:
            raise CommandError(f"turn {turn} is not a turn of this game (1..{self.state.last_turn})")
        out = []
        for c in self.commands:
            if isinstance(c, (RunEvents, GiveOrders, ResolveTurn, InjectCard, SetTrack, SetSeats)) and c.turn >= turn:
                break
            if isinstance(c, OverrideResult) and c.turn >= turn:
                break
            if isinstance(c, ANNOTATIONS) and c.turn >= turn:
                continue
            out.append(c)
        return out

    def fork(self, turn: int, game_id: str, save: str = "") -> Game:
        """A new game that shares this one's log up to the start of ``turn``, and records it."""
        commands = self.prefix(turn)
        if turn > self.turn:
            raise CommandError(f"turn {turn} has not been reached yet (the game is at turn {self.turn})")
        header = attrs.evolve(self.header, game=game_id, parent=Parent(self.header.game, save, turn),
                              seats=initial_seats(self.header, self.commands))
        child = Game(self.rulebook, header)
        for c in commands:
            child.apply(c)
        return child


class ReplayError(CommandError):
    """A command of a log that cannot be replayed; ``game`` holds the game as far as it got."""

    def __init__(self, message: str, game: Game):
        super().__init__(message)
        self.game = game


def replay(rulebook, header: Header, commands: Sequence[Command]) -> Game:
    """Rebuild a game from its commands (raises :class:`ReplayError` at the first that fails)."""
    try:
        game = Game(rulebook, attrs.evolve(header, seats=initial_seats(header, commands)))
    except ValueError as e:  # e.g. a negative seed
        raise CommandError(str(e)) from None
    for i, c in enumerate(commands):
        try:
            game.apply(c)
        except CommandError as e:
            raise ReplayError(f"command {i + 1} ({COMMAND_NAMES[type(c)]}, turn {c.turn}): {e}", game) from None
    return game


def _read_track(state: State, target: str) -> int | None:
    from wargame.engine.board import flat_tracks

    where, _, name = target.rpartition(".")
    if not where:
        return flat_tracks(state).get(name)
    for t in state.theatres:
        if t.name == where and hasattr(t, name):
            return getattr(t, name)
    for o in state.offshoots:
        if o.id == where and hasattr(o, name):
            return getattr(o, name)
    return None


def play_bots(game: Game, choose: Mapping[str, Callable[[State], Sequence[Order]]], turns: int | None = None) -> None:
    """Play on with a chooser per cell (bots), as commands, for ``turns`` turns or to the end."""
    played = 0
    while not game.state.over and (turns is None or played < turns):
        if game.state.phase == "events":
            game.run_events()
        for cell in CELLS:
            game.give_orders(cell, choose[cell](game.state))
        game.resolve()
        played += 1


def _unkeepable(command: Command) -> str | None:
    """Why a command's text could not be kept in a save (a control character, a lone surrogate),
    or None: the save's loader refuses both (:mod:`wargame.record.document`)."""
    for a in attrs.fields(type(command)):
        value = getattr(command, a.name)
        problem = text_problem(value) if isinstance(value, str) else None
        if problem:
            return f"the {a.name} {problem}: write it without"
    return None
