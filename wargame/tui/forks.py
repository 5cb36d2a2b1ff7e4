"""Forks that let people take over: a new game from any step of a game, with new seats.

A branch replays the game's log up to a point (right after any step, e.g. after a turn's events
and before its orders; or the start of a turn, before its events) into a new save beside the
game's own, ``<game>-branch-1.json`` (then ``-2``...), and plays on from there; the game it comes
from is never changed. Who sits in each seat is chosen afresh: a bot's seat may be taken over by
people, or the other way round (a logged change of seats, :class:`~wargame.record.commands.SetSeats`).
The branch's log begins with a White Cell note saying where it came from.

Nothing here draws on the screen: :class:`~wargame.tui.screens.fork.ForkScreen` asks, the replay
(:func:`fork_game`) and the White Cell's roll-back pane fork.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import attrs
from attrs import frozen

from wargame.engine.model import CELL_TITLES, CELLS
from wargame.engine.rulebook import ROOT
from wargame.record.commands import Command, SetSeats
from wargame.record.game import Game, Parent
from wargame.record.save import document, new_game_id, write_save
from wargame.record.seating import initial_seats, seats_in_full
from wargame.table.session import HUMAN, Session

_BRANCH = re.compile(r"(?P<stem>.+?)-branch-\d+")
_BRANCH_NAME = re.compile(r", branch \d+$")


def branch_path(save: Path | None, game_id: str, folder: Path) -> Path:
    """Where a branch of a game goes: ``<stem>-branch-N.json`` beside the game's save (in
    ``folder`` if it has none), N the first number from 1 that no file has taken; a branch of a
    branch is numbered among the branches of the game it came from (``g-branch-1`` → ``g-branch-2``)."""
    if save is not None:
        folder, stem = Path(save).parent, Path(save).stem
    else:
        stem = game_id or "game"
    m = _BRANCH.fullmatch(stem)
    root = m.group("stem") if m else stem
    n = 1
    while True:
        path = folder / f"{root}-branch-{n}.json"
        if not (path.exists() or path.is_symlink()):
            return path
        n += 1


def branch_number(path: Path) -> str:
    m = re.search(r"-branch-(\d+)$", path.stem)
    return m.group(1) if m else ""


@frozen
class ForkPoint:
    """Where a branch starts: right after step ``index`` of the log, or (``index`` None) at the
    start of ``turn``, before its events."""

    turn: int
    index: int | None = None

    def commands(self, game: Game) -> list[Command]:
        if self.index is None:
            return game.prefix(self.turn)
        return list(game.commands[: self.index + 1])

    def words(self, game: Game, label: str = "") -> str:
        """Where it is, in words; ``label``: what the step was ("T3 events")."""
        if self.index is None:
            return f"the start of turn {self.turn}, before its events"
        return f"step {self.index + 1} of {len(game.steps)}" + (f" ({label})" if label else "")


@frozen
class ForkChoice:
    point: ForkPoint
    seats: dict[str, str]


def seat_text(seats: Mapping[str, str]) -> str:
    """Who sits where, for a reader: "Islamic State: people · al-Qaeda: doctrine bot · …"."""
    full = seats_in_full(seats)
    return " · ".join(f"{CELL_TITLES.get(c, c)}: {'people' if k == HUMAN else k.replace(':', ', ') + ' bot'}"
                      for c, k in full.items())


def branch_game(game: Game, point: ForkPoint, seats: Mapping[str, str], game_id: str, save: str = "",
                name: str = "", white_lock: str | None = None, where: str = "") -> Game:
    """A new game that replays ``game``'s log up to ``point``, then seats ``seats`` (a logged
    change of seats if they differ), with a note saying where it came from (``where``: the point
    in words, else :meth:`ForkPoint.words`); raises CommandError if the log cannot be replayed so far.
    ``name``: the branch's number, added to the exercise's name ("Staff course, branch 1")."""
    commands = point.commands(game)
    h = game.header
    scenario = game.rulebook.scenarios.get(h.scenario)
    base = _BRANCH_NAME.sub("", h.exercise or (scenario.title if scenario is not None else h.scenario))
    exercise = f"{base}, branch {name}" if name else h.exercise
    header = attrs.evolve(h, game=game_id, parent=Parent(h.game, save, point.turn), exercise=exercise,
                          seats=initial_seats(h, game.commands), white_lock=white_lock or h.white_lock)
    child = Game(game.rulebook, header)
    for c in commands:
        child.apply(c)
    child.header = attrs.evolve(child.header, parent=Parent(h.game, save, child.state.turn))
    where = where or point.words(game)
    before = seats_in_full(child.header.seats)
    wanted = seats_in_full(seats)
    text = (f"Branch {name + ' ' if name else ''}of {Path(save).name if save else base}, forked at {where}; "
            f"this game is unchanged from there.")
    if wanted != before:
        child.set_seats(wanted, "taken over at the fork")
        text += f" Seats now: {seat_text(wanted)} (were: {seat_text(before)})."
    child.note(text)
    return child


def seats_at(game: Game, point: ForkPoint) -> dict[str, str]:
    """Who sat in each seat at ``point`` (the branch proposes the same)."""
    seats = initial_seats(game.header, game.commands)
    for c in point.commands(game):
        if isinstance(c, SetSeats):
            seats = dict(c.seats)
    return seats_in_full(seats)


def has_people(seats: Mapping[str, str]) -> bool:
    return any(seats.get(c, HUMAN) == HUMAN for c in CELLS)


def game_branch_path(game: Game, save: Path | None) -> Path:
    """Where a branch of ``game`` (saved in ``save``, if it is) goes: :func:`branch_path`, in the
    project's saves/ folder for a game never saved."""
    return branch_path(save, game.header.game, ROOT / "saves")


def fork_game(game: Game, save: Path | None, choice: ForkChoice, where: str,
              white_lock: str | None = None) -> tuple[Path, Session] | None:
    """Branch ``game`` as ``choice`` says (``where``: its point in words), save the new game beside
    ``game``'s own save and give it a session to play: (the new save, the session); None, with
    nothing saved, if the game is over at that point. Raises CommandError or SaveError."""
    target = game_branch_path(game, save)
    child = branch_game(game, choice.point, choice.seats, new_game_id(), str(save) if save is not None else "",
                        branch_number(target), white_lock, where)
    if child.state.over:
        return None
    doc = document(child)
    write_save(target, doc, new=True)
    return target, Session(child.rulebook, child, save=target, created=doc.created)


def people_playing(session: Session) -> str:
    """The cells people play in ``session``, for a notice ("; people play Islamic State, al-Qaeda")."""
    taken = [CELL_TITLES[c] for c in CELLS if session.is_human(c)]
    return f"; people play {', '.join(taken)}" if taken else ""
