"""The facilitator's (White Cell's) controls, behind a key and a warning.

Everything here is a command of the game's log (an inject, a track or result override, a note),
so it is autosaved and shows in the replay with its justification; rolling back is a fork into
a new save, the game as it stands left untouched. A command the game refuses shows as a
one-line notification and changes nothing.

Each kind of command has its pane (:mod:`wargame.tui.widgets.white_pane` and its neighbours);
this screen holds the gate, the menu and the full view.

Injects, set tracks and overridden results are announced to the room in its next walkthrough;
one marked secret is told only to the cells it concerns (see :mod:`wargame.record.fog`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, ContentSwitcher, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.model import CELL_TITLES, CELLS, STAGES
from wargame.engine.view import INNER, view
from wargame.table.session import Session
from wargame.tui.widgets.board import CELL_TRACKS, leader_now, pretty
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.white_fork import ForkPane
from wargame.tui.widgets.white_inject import InjectPane
from wargame.tui.widgets.white_note import NotePane
from wargame.tui.widgets.white_pane import WhitePane
from wargame.tui.widgets.white_result import ResultPane
from wargame.tui.widgets.white_track import TrackPane

WARNING = "White Cell only: this shows everything, including the cells' secrets. Continue?"

# (pane id, key, menu text); the pause entry's text depends on the game.
MENU = (
    ("overview", "v", "Full view"),
    ("inject", "i", "Inject a card"),
    ("track", "t", "Override a track"),
    ("result", "d", "Override a result"),
    ("note", "m", "Note / bookmark"),
    ("pause", "p", "Pause the game"),
    ("fork", "f", "Roll back (fork)"),
    ("close", "esc", "Close"),
)
MAIN_ACTIONS = {"pane", "pause", "resume"}
NARROW_KEYS = " · ".join(f"[b]{key}[/] {text.lower()}" for pane, key, text in MENU if pane != "overview")


def phase_words(session: Session) -> str:
    """Where the turn stands, in words (never the engine's phase names)."""
    state = session.state
    if state.over:
        return "the game is over"
    if state.phase == "events":
        return "between turns: its events are not drawn yet"
    given = len(session.submitted())
    return f"orders being given ({given} of {len(CELLS)} cells)"


class WhiteCellScreen(ModalScreen[str | None]):
    """The facilitator's controls. Dismisses with "pause" (toggle the pause), "forked" (the app is
    switched to the forked game at once) or None (carry on)."""

    # on a small terminal the box takes the whole screen
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (96, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    # w opens the White Cell everywhere: here, w again shows everything, and once open closes it
    BINDINGS = [
        Binding("w", "confirm", "Yes, show everything"),
        Binding("escape", "back", "Back"),
        Binding("v", "pane('overview')", "Full view", show=False),  # Esc comes back to it too
        Binding("i", "pane('inject')", "Inject"),
        Binding("t", "pane('track')", "Track"),
        Binding("d", "pane('result')", "Result"),
        Binding("m", "pane('note')", "Note"),
        Binding("p", "pause", "Pause"),
        Binding("p", "resume", "Resume"),
        Binding("f", "pane('fork')", "Roll back"),
        Binding("w", "close", "Close the White Cell", show=False),
    ]
    ABOUT = ("The facilitator's controls. Everything here is a command of the game's log: saved at once, shown "
             "in the replay with its justification, and announced to the room at its next walkthrough (or, "
             "marked secret, told only to the cells it concerns). Rolling back is a fork into a new save: this "
             "game stays as it is. Pausing stops the game (and auto-play) until the White Cell resumes it.")
    HELP_TITLE = "the White Cell"

    def __init__(self, session: Session, paused: bool):
        super().__init__()
        self.session = session
        self.paused = paused
        self.unlocked = False

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="white-gate", id="white-box"):
            with Vertical(id="white-gate"):
                yield Label("White Cell", classes="screen-title")
                yield Label(WARNING, id="white-warning")
                yield Label("Make sure only the facilitator can see the screen, then press w again.",
                            classes="white-hint")
                with Horizontal(id="white-gate-buttons"):
                    yield Button("Show everything (w)", id="white-yes", variant="warning")
                    yield Button("Cancel (Esc)", id="white-no")
            with Vertical(id="white-main"):
                yield Label("", id="white-title", classes="screen-title")
                # on a narrow terminal the menu is hidden: its keys, in one line that wraps
                yield Label(NARROW_KEYS, id="white-keys", classes="white-hint")
                with Horizontal(id="white-body"):
                    yield OptionList(id="white-menu")
                    with ContentSwitcher(initial="pane-overview", id="white-panes"):
                        yield from self._panes()
        yield KeysFooter()

    def _panes(self) -> ComposeResult:
        s = self.session
        with VerticalScroll(id="pane-overview", classes="white-pane"):
            yield Static("", id="white-full")
        yield InjectPane(s, self.refresh_all, id="pane-inject")
        yield TrackPane(s, self.refresh_all, id="pane-track")
        yield ResultPane(s, self.refresh_all, id="pane-result")
        yield NotePane(s, id="pane-note")
        yield ForkPane(s, self.forked, id="pane-fork")

    def on_mount(self) -> None:
        self.query_one("#white-no", Button).focus()

    # --- the gate --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return not self.unlocked
        if action == "close":
            return self.unlocked
        if action == "pause":
            return self.unlocked and not self.paused
        if action == "resume":
            return self.unlocked and self.paused
        if action in MAIN_ACTIONS:
            return self.unlocked
        return True

    def action_confirm(self) -> None:
        if self.unlocked:
            return
        self.unlocked = True
        self.query_one("#white-box", ContentSwitcher).current = "white-main"
        self.refresh_all()
        self.show_pane("overview")
        self.refresh_bindings()

    @on(Button.Pressed, "#white-yes")
    def _yes(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#white-no")
    def _no(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_back(self) -> None:
        panes = self.query_one("#white-panes", ContentSwitcher)
        if self.unlocked and panes.current != "pane-overview":
            self.show_pane("overview")
        else:
            self.dismiss(None)

    # --- the menu and panes ----------------------------------------------------------------------

    def refresh_all(self) -> None:
        s = self.session
        state = s.state
        paused = "  [b $warning]PAUSED[/]" if self.paused else ""
        self.query_one("#white-title", Label).update(
            f"White Cell · turn {state.turn} of {state.last_turn} ({s.quarter()}) · {phase_words(s)}{paused}")
        menu = self.query_one("#white-menu", OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        for pane, key, text in MENU:
            if pane == "pause":
                text = "Resume the game" if self.paused else text
            menu.add_option(Option(f"[b]{key:<4}[/]{text}", id=pane))
        menu.highlighted = highlighted if highlighted is not None else 0
        self.query_one("#white-full", Static).update(self.full_view())

    def show_pane(self, pane: str) -> None:
        self.query_one("#white-panes", ContentSwitcher).current = f"pane-{pane}"
        if pane == "overview":
            self.open_overview()
        else:
            self.query_one(f"#pane-{pane}", WhitePane).open()

    def action_pane(self, pane: str) -> None:
        if self.unlocked:
            self.show_pane(pane)

    def action_pause(self) -> None:
        """Pause, or resume a paused game: the game screen toggles it."""
        if self.unlocked:
            self.dismiss("pause")

    def action_resume(self) -> None:
        self.action_pause()

    @on(OptionList.OptionSelected, "#white-menu")
    def _menu(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id
        if choice == "pause":
            self.action_pause()
        elif choice == "close":
            self.dismiss(None)
        elif choice:
            self.show_pane(choice)

    def forked(self, session: Session) -> None:
        """The game was rolled back into ``session``: the app plays it at once."""
        self.dismiss("forked")
        self.app.play(session)

    # --- the full view ---------------------------------------------------------------------------

    def full_view(self) -> str:
        s = self.session
        state = s.state
        v = view(state, "white")
        t = v.tracks
        secret = {name for names in INNER.values() for name in names}
        lines = ["[b]Everything, as the White Cell sees it[/]  [$text-muted](bold: hidden from the other cells)[/]"]
        for cell in CELLS:
            parts = []
            for name in CELL_TRACKS[cell]:
                value = str(t[name])
                parts.append(f"{pretty(name)} [b]{value}[/]" if name in secret else f"{pretty(name)} {value}")
            lines.append(f"[b $accent]{escape(CELL_TITLES[cell])}[/]: " + " · ".join(parts))
        lines.append(f"[b]Leaders[/]: IS {escape(leader_now(state.islamic_state.leader))} · "
                     f"AQ {escape(leader_now(state.al_qaeda.leader))}")
        r = state.relation
        talks = " [b $warning](secret talks: the coalition does not know)[/]" if r.stage == 1 and not r.known else ""
        lines.append(f"[b]AQ–IS relation[/]: {STAGES[r.stage]} ({r.turns} turns at this stage) · autonomy {r.autonomy} · "
                     f"strain {r.strain} · terms offered {'yes' if r.offered else 'no'}{talks}")
        if state.offshoots:
            lines.append("[b]Offshoots[/]: " + " · ".join(
                f"{escape(s.rulebook.title(o.id))} in {escape(s.rulebook.where_title(o.theatre))} "
                f"({escape(s.rulebook.title(o.origin).lower())}) strength {o.strength}, brutality {o.brutality}"
                for o in state.offshoots))
        given = [CELL_TITLES[c] for c in CELLS if c in s.submitted()]
        if state.phase == "orders":
            lines.append(f"[b]Orders given this turn[/]: {', '.join(given) or 'none yet'} ({len(given)} of {len(CELLS)})")
        rb = s.rulebook
        for p in state.decks:
            deck = rb.decks.get(p.deck)
            nxt = ", ".join(escape(rb.cards[c].title) if c in rb.cards else escape(c) for c in p.draw[:3])
            lines.append(f"[b]{escape(deck.title if deck else p.deck)}[/]: {len(p.draw)} to draw"
                         + (f" (next: {nxt})" if nxt else "") + f", {len(p.discard)} played"
                         + (f", {len(p.aside)} set aside" if p.aside else ""))
        return "\n".join(lines)

    # --- overview --------------------------------------------------------------------------------

    def open_overview(self) -> None:
        self.query_one("#white-full", Static).update(self.full_view())
        self.query_one("#white-menu", OptionList).focus()
