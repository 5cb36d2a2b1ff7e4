"""The terminal UI: an exercise at one terminal, and the facilitator's replay viewer.

The engine knows nothing of Textual; everything here reads the game through a
:class:`~wargame.table.session.Session` (play) or a :class:`~wargame.record.game.Game` (replay).
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path

import attrs
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from wargame.engine.model import CELL_TITLES, CELLS
from wargame.engine.rulebook import Rulebook
from wargame.record.game import Game
from wargame.table.session import Session
from wargame.tui.hangup import watch_terminal


class WargameApp(App[None]):
    """``mode`` is where it opens: the start screen, a game under way, or a save's replay."""

    CSS_PATH = "wargame.tcss"
    TITLE = "wargame"
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True),  # on every screen, modal or not
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("w", "white_cell", "White Cell", show=False),
        # an all-bot game plays on by itself at a pace (see GameScreen); shown where it applies
        Binding("p", "autoplay", "Auto-play"),
        Binding("plus,equals_sign", "pace(-1)", "Faster", show=False),
        Binding("minus", "pace(1)", "Slower", show=False),
    ]

    def __init__(self, rulebook: Rulebook, *, session: Session | None = None,
                 replay: tuple[Game, Path | None] | None = None, seed: int | None = None, ask_lock: bool = False):
        super().__init__()
        self.rulebook = rulebook
        self.start_session = session
        self.start_replay = replay
        self.start_seed = seed  # the seed the start screen proposes (tests fix it)
        # a new game from the command line: with people at the table, the facilitator first sets
        # the White Cell's passphrase (or plays solo), as on the start screen
        self.ask_lock = ask_lock
        self.sessions: list[Session] = [session] if session is not None else []
        self.goodbye = ""  # printed once the terminal is back: where the game is saved, how to go on

    def run(self, *args, **kwargs):  # type: ignore[override]
        result = super().run(*args, **kwargs)
        if self.goodbye:
            print(self.goodbye)
        return result

    def on_unmount(self) -> None:
        for session in self.sessions:  # let other processes play these saves again
            session.close()

    def on_mount(self) -> None:
        watch_terminal(self)
        if self.start_session is not None:
            from wargame.tui.screens.game import GameScreen

            session = self.start_session
            if self.ask_lock and session.has_humans() and not session.game.header.white_lock:
                from wargame.tui.screens.lock import LockSetupScreen

                def locked(lock: str | None) -> None:
                    session.game.header = attrs.evolve(session.game.header, white_lock=lock)
                    self.push_screen(GameScreen(session))

                self.push_screen(LockSetupScreen(), locked)
            else:
                self.push_screen(GameScreen(session))
        elif self.start_replay is not None:
            from wargame.tui.screens.lock import unlock_then
            from wargame.tui.screens.replay import ReplayScreen

            game, path = self.start_replay
            unlock_then(self, game.header.white_lock, lambda: self.push_screen(ReplayScreen(self.rulebook, game, path)),
                        "the replay (every cell's secrets)", otherwise=self.exit)
        else:
            from wargame.tui.screens.start import StartScreen

            self.push_screen(StartScreen(self.rulebook, self.start_seed))

    def play(self, session: Session) -> None:
        """Leave whatever is on screen for a game under way."""
        from wargame.tui.screens.game import GameScreen

        if session not in self.sessions:
            self.sessions.append(session)
        self.switch_to(GameScreen(session))

    def switch_to(self, screen: Screen) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)

    def game_screen(self):
        """The game under way (the screen that runs it), if any."""
        from wargame.tui.screens.game import GameScreen

        return next((s for s in reversed(self.screen_stack) if isinstance(s, GameScreen)), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "white_cell":
            return self.game_screen() is not None
        if action in ("autoplay", "pace"):
            game = self.game_screen()
            return game is not None and game.can_autoplay() and game.autoplay_here(self.screen)
        return True

    def action_white_cell(self) -> None:
        """The facilitator's controls, from any screen of a game under way (behind a confirmation)."""
        screen = self.game_screen()
        if screen is None:
            return
        if self.screen is not screen and type(self.screen).__name__ in ("WhiteCellScreen", "PassphraseScreen"):
            return
        screen.action_white_cell()

    def action_autoplay(self) -> None:
        screen = self.game_screen()
        if screen is not None:
            screen.toggle_autoplay()

    def action_pace(self, step: int) -> None:
        screen = self.game_screen()
        if screen is not None:
            screen.change_pace(step)

    def action_help(self) -> None:
        from wargame.tui.screens.modals import toggle_help

        toggle_help(self)

    async def action_quit(self) -> None:
        """Quit, and say where the game is saved and the command that continues it: during a game
        under way once it is confirmed (:class:`~wargame.tui.screens.quit.QuitScreen`: ctrl+q
        again, or Quit); on the start screen, in a replay or once the game is over, at once."""
        from wargame.tui.screens.quit import QuitScreen

        asking = any(isinstance(s, QuitScreen) for s in self.screen_stack)
        if asking or not self.game_under_way():
            self.leave()
            return

        def chosen(leave: bool | None) -> None:
            if leave:
                self.leave()

        self.push_screen(QuitScreen(self.quit_message()), chosen)

    def game_under_way(self) -> bool:
        """Is a game being played that is not over (what quitting would interrupt)?"""
        screen = self.game_screen()
        return screen is not None and not screen.session.state.over

    def leave(self) -> None:
        """Quit now; the goodbye (where the game is saved, how to go on) is printed afterwards."""
        self.goodbye = self.quit_message()
        self.exit()

    def quit_message(self) -> str:
        """Where the game under way is saved, what it keeps, and the exact command to go on."""
        screen = self.game_screen()
        if screen is None or screen.session.save is None:
            return ""
        s = screen.session
        path = shlex.quote(str(Path(s.save).absolute()))  # a command that works from any folder
        if s.state.over:
            from wargame.tui.screens.end import report_path

            report = report_path(s)
            where = f" and its report in {report}" if report.exists() else ""
            return (f"The game is over: it is saved in {s.save}{where}.\n"
                    f"To replay it: {command()} replay {path}")
        kept = ""
        drafts = [CELL_TITLES[c] for c in CELLS if s.draft(c)]
        if drafts:
            kept = f"; the orders being chosen by {', '.join(drafts)} are kept"
        given = [CELL_TITLES[c] for c in CELLS if c in s.submitted()]
        if s.state.phase == "orders":
            where = f"turn {s.state.turn} of {s.state.last_turn} ({s.quarter()}), orders given: {', '.join(given) or 'none'}"
        else:
            where = f"before turn {s.state.turn} of {s.state.last_turn} ({s.quarter()})"
        return (f"The game is saved in {s.save}: {where}{kept}.\n"
                f"To continue it: {command()} play --load {path}")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette: each command once, and only those that mean something here (none of
        Textual's keys panel, maximize or screenshot)."""
        seen = {"Help", "Quit"}
        yield SystemCommand("Help", "The keys of this screen, and what it is for", self.action_help)
        yield SystemCommand("Quit", "Quit: the game is saved; how to continue it is printed", self.action_quit)
        yield SystemCommand("Colours", "Change the colour theme (a light one may read better on a projector)",
                            self.action_change_theme)
        from wargame.tui.keys import bindings_of

        for node, b in bindings_of(screen):
            if not b.description or b.action in ("help", "quit", "command_palette") or b.description in seen:
                continue
            if self._check_action_state(b.action, node) is not True:  # type: ignore[arg-type]
                continue
            seen.add(b.description)
            yield SystemCommand(b.description, f"key: {self.get_key_display(b)}",
                                lambda action=b.action, node=node: self.run_action(action, node))


def command() -> str:
    """The command that starts this program again from any folder: ``wargame`` when that is the
    one on the PATH, else the full path of the script that was run, or this Python with
    ``-m wargame`` (a checkout's ``.venv/bin/wargame`` is not on the PATH)."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "wargame":
        # the first `wargame` on the PATH (looked up by hand: this module writes nothing, so it uses no shutil)
        found = next((Path(d) / "wargame" for d in os.get_exec_path() if (Path(d) / "wargame").is_file()), None)
        if found is not None and found.resolve() == argv0.resolve():
            return "wargame"
        return shlex.quote(str(argv0.absolute()))
    return f"{shlex.quote(sys.executable)} -m wargame"
