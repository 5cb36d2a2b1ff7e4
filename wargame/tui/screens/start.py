"""The start screen: a new game, or a saved one to continue or replay."""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Header, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from wargame.engine.dice import fresh_seed
from wargame.engine.model import CELL_TITLES, CELLS
from wargame.engine.rulebook import ROOT, Rulebook
from wargame.files import SAVE_CAP, SAVE_FORMAT, FileProblem, loads_json, read_capped
from wargame.record.document import SaveError
from wargame.record.load import load
from wargame.record.save import free_path, lock_save, save_refusal
from wargame.table.defaults import default_scenario
from wargame.table.session import HUMAN, Session
from wargame.tui.screens.lock import SOLO, lock_choice, unlock_then
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.lists import Tick, highlight_first, seat_choices

SAVES = ROOT / "saves"
# The training audience usually plays the coalition and the governments; the groups are doctrine
# bots (playing the strategy the article describes) until the facilitator seats people there.
DEFAULT_SEATS = {"is": "doctrine", "aq": "doctrine", "coalition": HUMAN, "governments": HUMAN}


def describe_save(path: Path) -> str:
    """One line for the Load and Replay lists: the exercise and the turns played, or that the
    file cannot be read as a save (a pipe, a device, a damaged or hostile file: never opened
    further, never a crash)."""
    unreadable = f"{path.name}: (cannot read it as a save)"
    try:
        raw = loads_json(read_capped(path, SAVE_CAP, "save"))
    except (FileProblem, ValueError):
        return unreadable
    if not isinstance(raw, dict) or raw.get("format") != SAVE_FORMAT:
        return unreadable
    commands = raw.get("commands")
    if not isinstance(commands, list) or not all(isinstance(c, dict) and isinstance(c.get("type"), str)
                                                 for c in commands):
        return unreadable
    turns = sum(1 for c in commands if c["type"] == "resolve")
    name = raw.get("exercise") or raw.get("scenario") or "?"
    if not isinstance(name, str):
        return unreadable
    return f"{path.name}: {name[:60]}, {turns} turns played"


class SavePicker(ModalScreen[Path | None]):
    """Pick a save from saves/ or type a path."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    ABOUT = ("↑↓ and Enter pick a save from saves/; Tab goes to the path field, where any save's path can be "
             "typed (then Enter).")

    def __init__(self, purpose: str):
        super().__init__()
        self.purpose = purpose

    def compose(self) -> ComposeResult:
        with Vertical(id="why-box"):
            yield Label(f"{self.purpose}: pick a save, or type its path and press Enter", classes="screen-title")
            options = OptionList(id="saves")
            yield options
            yield Input(placeholder="path/to/save.json", id="path")
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_mount(self) -> None:
        options = self.query_one("#saves", OptionList)
        for path in sorted(SAVES.glob("*.json")):
            options.add_option(Option(escape(describe_save(path)), id=str(path)))
        if not options.option_count:
            options.add_option(Option("no saves in saves/ yet", disabled=True))
            self.query_one("#path", Input).focus()
            return
        highlight_first(options)  # Enter opens the first save at once
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Path(event.option.id))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(Path(event.value.strip()).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)


class SeedInput(Input):
    """The game's secret: a whole number. A character it refuses is said, not dropped in silence."""

    def restricted(self) -> None:
        self.screen.query_one("#seed-hint", Label).update(SEED_REFUSED)
        self.screen.query_one("#seed-hint", Label).add_class("-refused")


SEED_HINT = "digits only (0-9): the same secret and orders give the same game"
SEED_REFUSED = "Only digits 0-9 go in the game secret: that key was not typed"


def scenario_line(scenario) -> str:
    """A scenario in one line for the start screen: its years, its turns, and its first sentence."""
    first = scenario.text.split(". ")[0].rstrip(".") + "."
    return (f"{scenario.label(1)} to {scenario.label(scenario.turns)}, {scenario.turns} turns. "
            f"[$text-muted]{escape(first)}[/]")


class StartScreen(Screen[None]):
    # ctrl keys: they work in every field (a letter is typed into the field it is in, never taken
    # for a shortcut) and the footer always shows them
    BINDINGS = [
        Binding("ctrl+n", "new_game", "New game"),
        Binding("ctrl+l", "load", "Load a save"),
        Binding("ctrl+r", "replay", "Replay a save"),
    ]
    ABOUT = ("Choose a scenario and who plays each cell (people, or a bot), then start a new game (ctrl+n). "
             "With people at the table, the facilitator sets the White Cell's passphrase (twice), or ticks "
             "solo. Tab moves between the fields; Enter opens a list. The game saves itself after every step; "
             "ctrl+l continues a save, ctrl+r replays one.\n\n"
             "**The article**: the game is built from Iakovos Balassi, *What An al-Qaeda-Islamic State "
             "Rapprochement Could Look Like* (2016). A doctrine bot plays the strategy it describes for its "
             "cell; **¶3** and the like cite its paragraphs (summarised in docs/article.md).")
    HELP_TITLE = "the start screen"
    # the width its four buttons take in one row (see the stylesheet's StartScreen.-narrow)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (96, "-wide")]

    def __init__(self, rulebook: Rulebook, seed: int | None = None):
        super().__init__()
        self.rulebook = rulebook
        self.seed = fresh_seed() if seed is None else seed

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="start-box"):
            yield Label("A seminar wargame: could al-Qaeda and the Islamic State come back together?",
                        classes="screen-title")
            yield Label("Scenario")
            first = default_scenario(self.rulebook)  # the one `wargame brief` reads too
            yield Select([(s.title, sid) for sid, s in self.rulebook.scenarios.items()], value=first,
                         allow_blank=False, id="scenario", compact=True)
            yield Label(scenario_line(self.rulebook.scenarios[first]), id="scenario-text", classes="start-note")
            choices = seat_choices()
            yield Label("Who plays each cell")
            for cell in CELLS:
                with Horizontal(classes="seat-row"):
                    yield Label(CELL_TITLES[cell])
                    default = DEFAULT_SEATS.get(cell, HUMAN)
                    yield Select(choices, value=default if default in dict((v, v) for _, v in choices) else HUMAN,
                                 allow_blank=False,
                                 id=f"seat-{cell}", compact=True)
            # The game's secret keys every die: the room must not see it (the White Cell can).
            yield Label("Game secret (hidden from the room)")
            yield SeedInput(str(self.seed), type="integer", id="seed", compact=True, password=True)
            yield Label(SEED_HINT, id="seed-hint", classes="start-note")
            yield Label("Exercise name (kept in the save and the report)")
            yield Input("", placeholder="e.g. Staff course, syndicate 2", id="exercise", compact=True)
            # with people at the table, the facilitator locks the White Cell (not for bots only)
            with Horizontal(id="start-lock-row"):
                yield Label("White Cell passphrase")
                yield Input(password=True, placeholder="facilitator only", id="lock-pass", compact=True)
                yield Input(password=True, placeholder="the same again", id="lock-again", compact=True)
            yield Tick(SOLO, id="lock-solo", compact=True)
            with Horizontal(id="start-buttons"):
                yield Button("New game (ctrl+n)", id="new", variant="primary")
                yield Button("Load a save (ctrl+l)", id="load")
                yield Button("Replay a save (ctrl+r)", id="replay")
                yield Button("Quit (ctrl+q)", id="quit", variant="error")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "wargame"
        self.sub_title = "start"
        # the first field has the keyboard (Enter opens it, Down goes on to the next), and the
        # screen opens at its top: its title and the scenario, not scrolled down to the buttons
        self.query_one("#scenario", Select).focus(scroll_visible=False)
        self.query_one("#start-box", VerticalScroll).scroll_home(animate=False)
        if self.app.is_headless:  # tests and snapshots: a cursor that does not blink
            for field in self.query(Input):
                field.cursor_blink = False
        self.show_lock()

    def humans(self) -> bool:
        return any(self.query_one(f"#seat-{cell}", Select).value == HUMAN for cell in CELLS)

    def show_lock(self) -> None:
        """The passphrase fields, for a game with at least one person at the table."""
        people = self.humans()
        self.query_one("#start-lock-row").display = people
        self.query_one("#lock-solo").display = people

    def on_select_changed(self, event: Select.Changed) -> None:
        if (event.select.id or "").startswith("seat-"):
            self.show_lock()
        elif event.select.id == "scenario" and event.value in self.rulebook.scenarios:
            self.query_one("#scenario-text", Label).update(scenario_line(self.rulebook.scenarios[str(event.value)]))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "seed":
            hint = self.query_one("#seed-hint", Label)
            hint.update(SEED_HINT)
            hint.remove_class("-refused")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "lock-pass":  # Enter: the passphrase again, then start the game
            self.query_one("#lock-again", Input).focus()
        elif event.input.id == "lock-again":
            self.action_new_game()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = {"new": self.action_new_game, "load": self.action_load, "replay": self.action_replay,
                  "quit": self.app.exit}.get(event.button.id or "")
        if action:
            action()

    def action_new_game(self) -> None:
        scenario = self.query_one("#scenario", Select).value
        seats = {cell: self.query_one(f"#seat-{cell}", Select).value for cell in CELLS}
        seed_text = self.query_one("#seed", Input).value.strip()
        if not seed_text.isdigit():
            self.notify("The game secret is a whole number, 0 or more (digits only).", severity="error")
            self.query_one("#seed", Input).focus()
            return
        seed = int(seed_text)
        exercise = self.query_one("#exercise", Input).value.strip()
        lock = None
        if self.humans():
            lock, refusal = lock_choice(self.query_one("#lock-pass", Input).value,
                                        self.query_one("#lock-again", Input).value,
                                        self.query_one("#lock-solo", Checkbox).value)
            if refusal:
                self.notify(refusal, title="White Cell", severity="error", markup=False)
                self.query_one("#lock-pass", Input).focus()
                return
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (exercise or str(scenario)))[:40]
        # Named by the time it began, never by the secret (the file name is on screen).
        save = free_path(SAVES / f"{stem}-{time.strftime('%Y%m%d-%H%M')}.json")
        try:
            session = Session.new(self.rulebook, str(scenario), seed, seats, exercise, save=save, white_lock=lock)
        except SaveError as e:
            self.notify(str(e), title="Cannot start the game", severity="error", timeout=10, markup=False)
            return
        self.notify(f"The game saves itself after every step to {save}.")
        self.app.play(session)  # type: ignore[attr-defined]

    def action_load(self) -> None:
        self.app.push_screen(SavePicker("Continue a saved game"), self._continue)

    def action_replay(self) -> None:
        self.app.push_screen(SavePicker("Replay a saved game"), self._replay)

    def _open(self, path: Path | None):
        if path is None:
            return None
        try:
            doc, game, check = load(path, self.rulebook)
        except SaveError as e:
            self.notify(str(e), title="Cannot open the save", severity="error", timeout=10, markup=False)
            return None
        return doc, game, check

    def _continue(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            held = lock_save(path)  # before reading it: no other process continues it meanwhile
        except SaveError as e:
            self.notify(str(e), title="Cannot open the save", severity="error", timeout=10, markup=False)
            return
        try:
            opened = self._open(path)
            if opened is None:
                return
            doc, game, check = opened
            if not check.verified:
                self.notify(f"{check.message}: replay it to see the game as it was played.", severity="error",
                            timeout=10, markup=False)
                return
            try:
                why = save_refusal(path, doc.game)  # it must be writable before the game is on screen
                if why:
                    raise SaveError(why)
                session = Session(game.rulebook, game, save=path, created=doc.created)
                session.resumed = True
            except SaveError as e:
                self.notify(str(e), title="Cannot open the save", severity="error", timeout=10, markup=False)
                return
        finally:
            held.release()  # the session holds its own
        self.app.play(session)  # type: ignore[attr-defined]

    def _replay(self, path: Path | None) -> None:
        opened = self._open(path)
        if opened is None:
            return
        doc, game, check = opened
        from wargame.tui.screens.replay import ReplayScreen

        def show() -> None:
            if not check.verified:
                self.notify(check.message, severity="warning", timeout=10)
            self.app.push_screen(ReplayScreen(game.rulebook, game, path))

        # the replay shows every cell's secrets: a locked game's asks for the passphrase first
        unlock_then(self.app, game.header.white_lock, show, "the replay (every cell's secrets)")
