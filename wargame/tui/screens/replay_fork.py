"""The replay viewer's f: fork a new game from the step under the cursor (or the start of its
turn) and play it.

:class:`~wargame.tui.screens.fork.ForkScreen` asks where and who sits in each seat; if people will
sit at the table and the game has no White Cell lock, the facilitator sets one (or plays solo:
:class:`~wargame.tui.screens.lock.LockSetupScreen`); :func:`wargame.tui.forks.fork_game` makes and
saves the branch, and the app plays it.
"""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

from wargame.engine.rulebook import Rulebook
from wargame.record.commands import CommandError
from wargame.record.document import SaveError
from wargame.record.game import Game
from wargame.tui.forks import ForkChoice, fork_game, game_branch_path, has_people, people_playing
from wargame.tui.screens.fork import ForkScreen
from wargame.tui.screens.replay_steps import step_label


def ask_fork(screen: Screen, rulebook: Rulebook, game: Game, save: Path | None, index: int) -> None:
    """Ask where to fork around step ``index`` of ``game`` (saved in ``save``) and with whom, then fork."""

    def chosen(choice: ForkChoice | None) -> None:
        if choice is None:
            return
        if has_people(choice.seats) and not game.header.white_lock:
            from wargame.tui.screens.lock import LockSetupScreen

            # people will sit at the table: the facilitator locks the White Cell (or plays solo)
            screen.app.push_screen(LockSetupScreen(), lambda lock: fork_and_play(screen, rulebook, game, save, index, choice, lock))
        else:
            fork_and_play(screen, rulebook, game, save, index, choice)

    screen.app.push_screen(ForkScreen(rulebook, game, index, game_branch_path(game, save)), chosen)


def fork_and_play(screen: Screen, rulebook: Rulebook, game: Game, save: Path | None, index: int,
                  choice: ForkChoice, lock: str | None = None) -> Path | None:
    """Branch the game as ``choice`` says, save the new game beside ``save`` and play it: the new
    save, or None (said on ``screen``) if it could not be forked or the game is over there."""
    where = choice.point.words(game, step_label(rulebook, game.steps[index]))
    try:
        forked = fork_game(game, save, choice, where, lock)
    except (CommandError, SaveError) as e:
        screen.notify(f"Could not fork: {e}", severity="error", timeout=10, markup=False)
        return None
    if forked is None:
        screen.notify("The game is over there: nothing is left to play.", severity="warning")
        return None
    target, session = forked
    app = screen.app
    app.play(session)
    app.notify(f"Forked at {where}{people_playing(session)}: the new game is saved to {target}",
               title="Fork", timeout=10, markup=False)
    return target
