"""The terminal UI: an exercise at one terminal, and the facilitator's replay viewer.

The engine knows nothing of Textual; everything here reads the game through a
:class:`~wargame.table.session.Session` (play) or a :class:`~wargame.record.game.Game` (replay).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from wargame.engine.rulebook import Rulebook
from wargame.record.game import Game
from wargame.table.session import Session


class WargameApp(App[None]):
    """``mode`` is where it opens: the start screen, a game under way, or a save's replay."""

    CSS_PATH = "wargame.tcss"
    TITLE = "wargame"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit"),
        Binding("w", "white_cell", "White Cell", show=False),
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

    def on_unmount(self) -> None:
        for session in self.sessions:  # let other processes play these saves again
            session.close()

    def on_mount(self) -> None:
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

    def action_white_cell(self) -> None:
        """The facilitator's controls, from any screen of a game under way (behind a confirmation)."""
        from wargame.tui.screens.game import GameScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, GameScreen):
                if self.screen is not screen and type(self.screen).__name__ in ("WhiteCellScreen", "PassphraseScreen"):
                    return
                screen.action_white_cell()
                return

    def action_help(self) -> None:
        from wargame.tui.screens.modals import HelpScreen

        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "How to play, and the keys", self.action_help)
        for binding in screen.active_bindings.values():
            b = binding.binding
            if b.show and b.description and b.action not in ("help", "quit", "command_palette"):
                yield SystemCommand(b.description, f"key: {b.key_display or b.key}",
                                    lambda action=b.action, node=binding.node: self.run_action(action, node))
