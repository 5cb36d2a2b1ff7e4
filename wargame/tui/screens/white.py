"""The facilitator's (White Cell's) controls, behind a key and a warning.

Everything here is a command of the game's log (an inject, a track or result override, a note),
so it is autosaved and shows in the replay with its justification; rolling back is a fork into
a new save, the game as it stands left untouched. A command the game refuses shows as a
one-line notification and changes nothing.

Injects, set tracks and overridden results are announced to the room in its next walkthrough;
one marked secret is told only to the cells it concerns (see :mod:`wargame.record.fog`).
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.validation import Integer
from textual.widgets import Button, Checkbox, ContentSwitcher, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.adjudication import Adjudication
from wargame.engine.board import GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_TRACKS, Board, flat_tracks
from wargame.engine.model import CELL_TITLES, CELLS, STAGES
from wargame.engine.rulebook import ROOT, Card
from wargame.engine.view import INNER, view
from wargame.record import fog
from wargame.record.game import (
    RESOLUTION_PHASES,
    CommandError,
    InjectCard,
    Note,
    OverrideResult,
    ResolveTurn,
    SetTrack,
)
from wargame.record.save import SaveError, document, load, new_game_id, write_save
from wargame.record.save import fork_path as save_fork_path
from wargame.table.session import Session
from wargame.tui.widgets.board import CELL_TRACKS, pretty, record_markup

WARNING = "White Cell only: this shows everything, including the cells' secrets. Continue?"

# (pane id, key, menu text); the pause entry's text depends on the game.
MENU = (
    ("overview", "v", "Full view"),
    ("inject", "i", "Inject a card"),
    ("track", "t", "Override a track"),
    ("result", "r", "Override a result"),
    ("note", "a", "Note / bookmark"),
    ("pause", "p", "Pause the game"),
    ("fork", "f", "Roll back (fork)"),
    ("close", "esc", "Close"),
)
MAIN_ACTIONS = {"pane", "pause", "resume"}


def track_targets(session: Session) -> dict[str, tuple[int, int, int]]:
    """Every track the facilitator may set: target -> (current value, lowest, highest)."""
    state = session.state
    flat = flat_tracks(state)
    out = {name: (flat[name], lo, hi) for name, (lo, hi) in GLOBAL_TRACKS.items()}
    for t in state.theatres:
        for name, (lo, hi) in THEATRE_TRACKS.items():
            out[f"{t.name}.{name}"] = (getattr(t, name), lo, hi)
    for o in state.offshoots:
        for name, (lo, hi) in OFFSHOOT_TRACKS.items():
            out[f"{o.id}.{name}"] = (getattr(o, name), lo, hi)
    return out


def fork_path(session: Session, turn: int) -> Path:
    """``<stem>-fork-t<turn>.json`` beside the save (or in saves/ under the project), never an
    existing file: ``-2``, ``-3``... are added until the name is free."""
    return save_fork_path(session.save, session.game.header.game, turn, ROOT / "saves")


def resolved_turn(session: Session) -> int | None:
    """The last turn resolved, if its results may still be overridden (nothing but notes since)."""
    game = session.game
    if not game.digests:
        return None
    last = next((c for c in reversed(game.commands) if not isinstance(c, Note)), None)
    if not isinstance(last, (ResolveTurn, OverrideResult)):
        return None
    return max(game.digests)


def overridable(session: Session, turn: int) -> list[Adjudication]:
    """The rolled results of ``turn`` that an override can flip, one per (rule or order, where)."""
    found: dict[tuple[str, str | None], Adjudication] = {}
    for r in session.game.records(turn):
        if r.chance is not None and r.phase in RESOLUTION_PHASES:
            found[(r.ref, r.where)] = r
    return list(found.values())


def markup(records) -> str:
    """Records as the board shows them, with the facilitator's reason for an inject or a track
    override (the board shows it only for an overridden result)."""
    out = []
    for r in records:
        text = record_markup(r)
        if r.justification and r.original is None:
            text += f"\n   [b $warning]White Cell:[/] {escape(r.justification)}"
        out.append(text)
    return "\n".join(out)


SECRET = "secret: tell only the cells it concerns"


def told_markup(session: Session, step: int) -> str:
    """Who will be told of the White Cell's action at ``step``, and what the room will read."""
    game = session.game
    who = fog.told(game, step)
    room = fog.announcement(game, step, fog.ROOM)
    if room is not None:
        said = "\n".join(escape(line) for line in room.lines())
        return f"[$text-muted]The room is told at its next walkthrough:[/]\n{said}"
    cells = [CELL_TITLES[c] for c in CELLS if c in who]
    if not cells:
        return "[b $warning]Secret:[/] no cell would notice it; only the White Cell knows."
    return f"[b $warning]Secret:[/] told only to {escape(', '.join(cells))}, each when next at the keyboard."


def short(r: Adjudication) -> str:
    """A record on one line: ✔/✘, the title, where, the odds, and whether it was overridden."""
    mark = "[b $success]✔[/]" if r.happened else "[b $error]✘[/]"
    where = escape(f" [{r.where}]") if r.where else ""
    odds = f" [$text-muted]{r.chance:.0%}, rolled {r.roll:.2f}[/]" if r.chance is not None else ""
    over = " [b $warning](overridden)[/]" if r.original is not None else ""
    return f"{mark} {escape(r.title)}{where}{odds}{over}"


class WhiteCellScreen(ModalScreen[str | None]):
    """The facilitator's controls. Dismisses with "pause" (toggle the pause), "forked" (the app is
    switched to the forked game at once) or None (carry on)."""

    # on a small terminal the box takes the whole screen
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (96, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    BINDINGS = [
        Binding("y", "confirm", "Yes, show everything"),
        Binding("escape", "back", "Back"),
        Binding("v", "pane('overview')", "Full view", show=False),  # Esc comes back to it too
        Binding("i", "pane('inject')", "Inject"),
        Binding("t", "pane('track')", "Track"),
        Binding("r", "pane('result')", "Result"),
        Binding("a", "pane('note')", "Note"),
        Binding("p", "pause", "Pause"),
        Binding("p", "resume", "Resume"),
        Binding("f", "pane('fork')", "Roll back"),
    ]

    def __init__(self, session: Session, paused: bool):
        super().__init__()
        self.session = session
        self.paused = paused
        self.unlocked = False
        self.deck: str | None = None
        self.card: str | None = None
        self.record: Adjudication | None = None  # the result chosen to flip
        self.targets: dict[str, tuple[int, int, int]] = {}
        self.eligible: dict[str, str] = {}

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="white-gate", id="white-box"):
            with Vertical(id="white-gate"):
                yield Label("White Cell", classes="screen-title")
                yield Label(WARNING, id="white-warning")
                yield Label("Make sure only the facilitator can see the screen.", classes="white-hint")
                with Horizontal(id="white-gate-buttons"):
                    yield Button("Continue (y)", id="white-yes", variant="warning")
                    yield Button("Cancel (Esc)", id="white-no")
            with Vertical(id="white-main"):
                yield Label("", id="white-title", classes="screen-title")
                with Horizontal(id="white-body"):
                    yield OptionList(id="white-menu")
                    with ContentSwitcher(initial="pane-overview", id="white-panes"):
                        yield from self._panes()
        yield Footer()

    def _panes(self) -> ComposeResult:
        with VerticalScroll(id="pane-overview", classes="white-pane"):
            yield Static("", id="white-full")
        with VerticalScroll(id="pane-inject", classes="white-pane"):
            yield Label("Inject a card: pick a deck, then a card (Enter), then a note (optional), Enter to play it.",
                        classes="white-hint")
            yield Static("", id="inject-warn")
            with Horizontal(id="inject-lists"):
                with Vertical(id="inject-decks-box"):
                    yield Label("Deck", classes="list-title")
                    yield OptionList(id="inject-decks")
                with Vertical(id="inject-cards-box"):
                    yield Label("Cards", classes="list-title", id="inject-cards-title")
                    yield OptionList(id="inject-cards")
            yield Static("", id="inject-card")
            with Horizontal(classes="white-row"):
                yield Label("Note:", classes="white-label")
                yield Input(placeholder="why, for the record (optional)", id="inject-note", compact=True)
            yield Checkbox(SECRET + " (a card is played in the open: a card that changes the public board is "
                           "told to all)", id="inject-secret", compact=True)
            yield Static("", id="inject-out", classes="white-out")
        with VerticalScroll(id="pane-track", classes="white-pane"):
            yield Label("Override a track: type or pick the track, a new value and why (required), Enter to set.",
                        classes="white-hint")
            yield Static("", id="track-warn")
            with Horizontal(classes="white-row"):
                yield Label("Track:", classes="white-label")
                yield Input(placeholder="is_funds, iraq.territory, offshoot-2.strength", id="track-target",
                            compact=True)
            yield OptionList(id="track-list")
            yield Static("", id="track-info")
            with Horizontal(classes="white-row"):
                yield Label("New value:", classes="white-label")
                yield Input(placeholder="a whole number", id="track-value", type="integer", compact=True,
                            valid_empty=True)
            with Horizontal(classes="white-row"):
                yield Label("Why:", classes="white-label")
                yield Input(placeholder="the justification (required; stays in the record)", id="track-why",
                            compact=True)
            yield Checkbox(SECRET + " (a cell's own secret track: that cell; a public one: everyone)",
                           id="track-secret", compact=True)
            yield Static("", id="track-out", classes="white-out")
        with VerticalScroll(id="pane-result", classes="white-pane"):
            yield Static("", id="result-head", classes="white-hint")
            yield OptionList(id="result-list")
            yield Static("", id="result-chosen")
            with Horizontal(classes="white-row", id="result-why-row"):
                yield Label("Why:", classes="white-label")
                yield Input(placeholder="the justification (required; stays in the record)", id="result-why",
                            compact=True)
            yield Checkbox(SECRET + " (the cells whose picture of the turn it changes)", id="result-secret",
                           compact=True)
            yield Static("", id="result-out", classes="white-out")
        with VerticalScroll(id="pane-note", classes="white-pane"):
            yield Label("Annotate the current turn; give a bookmark name to make it a place the replay can jump to.",
                        classes="white-hint")
            with Horizontal(classes="white-row"):
                yield Label("Note:", classes="white-label")
                yield Input(placeholder="what to remember at the debrief", id="note-text", compact=True)
            with Horizontal(classes="white-row"):
                yield Label("Bookmark:", classes="white-label")
                yield Input(placeholder="a name (optional)", id="note-bookmark", compact=True)
            yield Static("", id="note-out", classes="white-out")
            yield Static("", id="note-list")
        with VerticalScroll(id="pane-fork", classes="white-pane"):
            yield Label("Roll back: a new game, forked from the start of an earlier turn, in a new save. "
                        "This game stays saved as it is.", classes="white-hint")
            with Horizontal(classes="white-row"):
                yield Label("Turn:", classes="white-label")
                yield Input(placeholder="", id="fork-turn", type="integer", compact=True,
                            valid_empty=True)
            yield Static("", id="fork-preview")

    def on_mount(self) -> None:
        self.query_one("#white-no", Button).focus()

    # --- the gate --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return not self.unlocked
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
            f"White Cell · turn {state.turn} of {state.last_turn} ({s.quarter()}) · {state.phase}{paused}")
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
        getattr(self, f"open_{pane}")()

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

    def say(self, message: str, title: str = "White Cell", severity: str = "information") -> None:
        """A one-line notification, shown as written (no markup)."""
        line = message.splitlines()[0] if message else title
        self.notify(line, title=title, severity=severity, markup=False)  # type: ignore[arg-type]

    def refused(self, error: Exception) -> None:
        """One line, never a traceback: the game is as it was."""
        self.say(str(error) or type(error).__name__, "Not saved" if isinstance(error, SaveError) else "Refused",
                 "error")

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
        lines.append(f"[b]Leaders[/]: IS {escape(state.islamic_state.leader.name)} (hardline "
                     f"{state.islamic_state.leader.hardline}, vacuum {state.islamic_state.leader.vacuum}) · AQ "
                     f"{escape(state.al_qaeda.leader.name)} (hardline {state.al_qaeda.leader.hardline}, vacuum "
                     f"{state.al_qaeda.leader.vacuum})")
        r = state.relation
        talks = " [b $warning](secret talks: the coalition does not know)[/]" if r.stage == 1 and not r.known else ""
        lines.append(f"[b]AQ–IS relation[/]: {STAGES[r.stage]} ({r.turns} turns at this stage) · autonomy {r.autonomy} · "
                     f"strain {r.strain} · terms offered {'yes' if r.offered else 'no'}{talks}")
        if state.offshoots:
            lines.append("[b]Offshoots[/]: " + " · ".join(
                f"{escape(o.id)} in {escape(o.theatre)} ({o.origin}) strength {o.strength}, brutality {o.brutality}"
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

    # --- inject a card ---------------------------------------------------------------------------

    def open_inject(self) -> None:
        rb = self.session.rulebook
        decks = self.query_one("#inject-decks", OptionList)
        decks.clear_options()
        for d in rb.decks.values():
            decks.add_option(Option(escape(d.title), id=d.id))
        self.query_one("#inject-cards", OptionList).clear_options()
        self.query_one("#inject-card", Static).update("")
        self.deck = self.card = None
        self.warn("#inject-warn")
        decks.highlighted = 0
        decks.focus()

    def eligibility(self) -> dict[str, str]:
        """Whether each card's condition holds now, as the engine would judge it for a draw."""
        s = self.session
        rb, state = s.rulebook, s.state
        board = Board(state, rb.parameters, rb.formulas)
        board.g["year"] = s.scenario.year(state.turn)
        board.refresh()
        theatres = {t["name"]: t for t in board.theatres}
        out = {}
        for card in rb.cards.values():
            if card.theatre is not None and card.theatre not in theatres:
                out[card.id] = f"not in this scenario ({card.theatre})"
                continue
            try:
                ok = card.when is None or bool(card.when.fn(board.g, theatres.get(card.theatre, {}), {}))
            except Exception:  # noqa: BLE001 - a condition that cannot be judged here
                out[card.id] = "eligibility unknown"
                continue
            out[card.id] = "eligible now" if ok else "not eligible now"
        return out

    def pile_of(self, card: Card) -> str:
        for p in self.session.state.decks:
            if p.deck == card.deck:
                if card.id in p.draw:
                    return "in the draw pile"
                if card.id in p.discard:
                    return "played already"
                if card.id in p.aside:
                    return "set aside"
        return "in no pile"

    @on(OptionList.OptionSelected, "#inject-decks")
    def _deck(self, event: OptionList.OptionSelected) -> None:
        rb = self.session.rulebook
        self.deck = event.option.id
        deck = rb.decks[self.deck]
        self.eligible = eligible = self.eligibility()
        cards = self.query_one("#inject-cards", OptionList)
        cards.clear_options()
        for c in deck.cards:
            status = eligible.get(c.id, "")
            mark = "[$success]eligible now[/]" if status == "eligible now" else f"[$text-muted]{escape(status)}[/]"
            cards.add_option(Option(f"{escape(c.title)}  {mark}", id=c.id,
                                    disabled=status.startswith("not in this scenario")))
        self.query_one("#inject-cards-title", Label).update(
            f"Cards of the {escape(deck.title)} deck ({len(deck.cards)})")
        cards.highlighted = 0
        cards.focus()

    @on(OptionList.OptionHighlighted, "#inject-cards")
    def _card_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.describe_card(event.option.id)

    @on(OptionList.OptionSelected, "#inject-cards")
    def _card(self, event: OptionList.OptionSelected) -> None:
        self.card = event.option.id
        self.describe_card(self.card)
        self.query_one("#inject-note", Input).focus()

    def describe_card(self, card_id: str | None) -> None:
        rb = self.session.rulebook
        card = rb.cards.get(card_id or "")
        if card is None:
            return
        deck = rb.decks[card.deck]
        where = f" in {card.theatre}" if card.theatre else ""
        chosen = ("[b $accent]Chosen[/] (Enter in the note to play it): " if card_id == self.card
                  else "[$text-muted]Enter to choose:[/] ")
        status = self.eligible.get(card.id, "")
        self.query_one("#inject-card", Static).update(
            f"{chosen}[b]{escape(card.title)}[/]{escape(where)}\n[$text-muted]{escape(deck.title)} deck · "
            f"{escape(status)} · {self.pile_of(card)}[/]\n{escape(card.text)}")

    @on(Input.Submitted, "#inject-note")
    def _inject(self) -> None:
        if self.card is None:
            self.say("Pick a card first (a deck, then a card, with Enter).", "No card", "warning")
            self.query_one("#inject-decks", OptionList).focus()
            return
        note = self.query_one("#inject-note", Input).value.strip()
        secret = self.query_one("#inject-secret", Checkbox).value
        try:
            step = self.session.game.inject(self.card, note, secret)
        except (CommandError, SaveError) as e:
            self.refused(e)
            return
        index = len(self.session.game.steps) - 1
        # the room sees the injected card on the board (cards are played in the open), unless secret
        if fog.ROOM in fog.told(self.session.game, index):
            self.session.last_turn_records = self.session.last_turn_records + tuple(step.records)
        self.query_one("#inject-out", Static).update(markup(step.records) + "\n" + told_markup(self.session, index))
        self.query_one("#inject-secret", Checkbox).value = False
        self.query_one("#inject-card", Static).update("")
        self.warn("#inject-warn")
        self.query_one("#inject-note", Input).value = ""
        self.say(f"Injected: {self.session.rulebook.cards[self.card].title}", "White Cell")
        self.card = None
        self.refresh_all()
        self.query_one("#inject-out", Static).scroll_visible()

    # --- override a track ------------------------------------------------------------------------

    def open_track(self) -> None:
        self.targets = track_targets(self.session)
        self.warn("#track-warn")
        target = self.query_one("#track-target", Input)
        self.filter_tracks(target.value)
        self.describe_track(target.value)
        target.focus()

    def filter_tracks(self, text: str) -> None:
        words = text.strip().lower().split()
        options = self.query_one("#track-list", OptionList)
        options.clear_options()
        for name, (value, lo, hi) in self.targets.items():
            if all(w in name.lower() for w in words):
                options.add_option(Option(f"{escape(name)}  [b]{value}[/] [$text-muted]({lo}..{hi})[/]", id=name))
        if not options.option_count:
            options.add_option(Option("no track matches", disabled=True))

    def describe_track(self, text: str) -> None:
        name = text.strip()
        info = self.query_one("#track-info", Static)
        value_input = self.query_one("#track-value", Input)
        if name in self.targets:
            value, lo, hi = self.targets[name]
            info.update(f"[b]{escape(name)}[/] is now [b]{value}[/]; it runs from {lo} to {hi}.")
            value_input.validators = [Integer(lo, hi, f"a whole number from {lo} to {hi}")]
        else:
            options = self.query_one("#track-list", OptionList)
            first = options.get_option_at_index(0) if options.option_count else None
            if not name:
                info.update("[$text-muted]Type part of a track's name to filter the list; Enter picks the first, "
                            "Tab goes to the list.[/]")
            elif first is None or first.disabled:
                info.update(f"[$error]No track matches {escape(name)!r}.[/]")
            else:
                n = options.option_count
                info.update(f"[$text-muted]{n} track{'s' if n > 1 else ''} match{'' if n > 1 else 'es'}; Enter picks "
                            f"[b]{escape(first.id or '')}[/b].[/]")
            value_input.validators = []

    @on(Input.Changed, "#track-target")
    def _target_changed(self, event: Input.Changed) -> None:
        self.filter_tracks(event.value)
        self.describe_track(event.value)

    @on(Input.Submitted, "#track-target")
    def _target_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name not in self.targets:
            options = self.query_one("#track-list", OptionList)
            first = options.get_option_at_index(0) if options.option_count else None
            if first is None or first.disabled or first.id is None:
                self.say(f"There is no track {name!r}.", "Refused", "error")
                return
            name = first.id
        self.pick_track(name)

    @on(OptionList.OptionSelected, "#track-list")
    def _track_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.pick_track(event.option.id)

    def pick_track(self, name: str) -> None:
        target = self.query_one("#track-target", Input)
        with target.prevent(Input.Changed):
            target.value = name
        self.filter_tracks(name)
        self.describe_track(name)
        self.query_one("#track-value", Input).focus()

    @on(Input.Submitted, "#track-value")
    def _value_submitted(self) -> None:
        self.query_one("#track-why", Input).focus()

    @on(Input.Submitted, "#track-why")
    def _set_track(self) -> None:
        name = self.query_one("#track-target", Input).value.strip()
        raw = self.query_one("#track-value", Input).value.strip()
        why = self.query_one("#track-why", Input).value.strip()
        out = self.query_one("#track-out", Static)
        if name not in self.targets:
            self.say(f"There is no track {name!r}: pick one from the list.", "Refused", "error")
            self.query_one("#track-target", Input).focus()
            return
        _, lo, hi = self.targets[name]
        try:
            value = int(raw)
        except ValueError:
            self.say(f"The new value of {name} must be a whole number from {lo} to {hi}.", "Refused", "error")
            self.query_one("#track-value", Input).focus()
            return
        if not why:
            message = "A justification is required: say why you set the track (it stays in the record)."
            out.update(f"[b $error]{message}[/]")
            self.say(message, "Refused", "error")
            self.query_one("#track-why", Input).focus()
            return
        secret = self.query_one("#track-secret", Checkbox).value
        try:
            step = self.session.game.set_track(name, value, why, secret)
        except (CommandError, SaveError) as e:
            self.refused(e)
            return
        out.update(markup(step.records) + "\n" + told_markup(self.session, len(self.session.game.steps) - 1))
        self.query_one("#track-secret", Checkbox).value = False
        self.warn("#track-warn")
        self.query_one("#track-why", Input).value = ""
        self.query_one("#track-value", Input).value = ""
        self.say(f"{name} set to {value}", "White Cell")
        self.targets = track_targets(self.session)
        self.filter_tracks(name)
        self.describe_track(name)
        self.refresh_all()
        out.scroll_visible()

    # --- override a result -----------------------------------------------------------------------

    def open_result(self) -> None:
        s = self.session
        head = self.query_one("#result-head", Static)
        options = self.query_one("#result-list", OptionList)
        options.clear_options()
        self.record = None
        self.query_one("#result-chosen", Static).update("")
        turn = resolved_turn(s)
        why_row = self.query_one("#result-why-row")
        why_row.display = turn is not None
        if turn is None:
            head.update(self.why_fixed())
            options.add_option(Option("nothing to override", disabled=True))
            options.focus()
            return
        head.update(f"Override a result of turn {turn} ({s.quarter(turn)}): pick one (Enter); it is flipped, "
                    "with your justification, and the turn resolved again with the same dice.")
        for r in overridable(s, turn):
            options.add_option(Option(short(r), id=f"{r.ref}@{r.where or ''}"))
        if not options.option_count:
            options.add_option(Option("no rolled result in this turn", disabled=True))
        options.highlighted = 0
        options.focus()

    def why_fixed(self) -> str:
        """Why no result can be overridden now."""
        game = self.session.game
        if not game.digests:
            return "No turn has been resolved yet: there is no result to override."
        last = max(game.digests)
        since = next((c for c in reversed(game.commands) if not isinstance(c, Note)), None)
        if isinstance(since, (InjectCard, SetTrack)):
            cause = "an inject or a track override has been made since it was resolved"
        else:
            cause = f"turn {self.session.state.turn} has begun since"
        return (f"The results of turn {last} are fixed: {cause}. Only the results of the turn just resolved can be "
                "overridden, before anything else happens. Roll back (f) to play a turn again.")

    def fixes_results(self) -> str:
        """A warning for the panes whose command fixes the last turn's results."""
        turn = resolved_turn(self.session)
        if turn is None or not overridable(self.session, turn):
            return ""
        return (f"[b $warning]Once you do this, the results of turn {turn} can no longer be overridden[/] "
                "(override them first with r).")

    def warn(self, selector: str) -> None:
        text = self.fixes_results()
        warning = self.query_one(selector, Static)
        warning.update(text)
        warning.display = bool(text)

    def _record_of(self, option_id: str | None) -> Adjudication | None:
        turn = resolved_turn(self.session)
        if turn is None or not option_id:
            return None
        for r in overridable(self.session, turn):
            if f"{r.ref}@{r.where or ''}" == option_id:
                return r
        return None

    @on(OptionList.OptionSelected, "#result-list")
    def _result_picked(self, event: OptionList.OptionSelected) -> None:
        r = self._record_of(event.option.id)
        if r is None:
            return
        self.record = r
        flip = "did NOT happen" if r.happened else "DID happen"
        self.query_one("#result-chosen", Static).update(
            record_markup(r) + f"\n[b $warning]Override: make it so it {flip}.[/] Why? (Enter to apply)")
        self.query_one("#result-why", Input).focus()

    @on(Input.Submitted, "#result-why")
    def _override(self) -> None:
        r = self.record
        if r is None:
            self.say("Pick a result first (Enter on it).", "No result", "warning")
            self.query_one("#result-list", OptionList).focus()
            return
        why = self.query_one("#result-why", Input).value.strip()
        out = self.query_one("#result-out", Static)
        if not why:
            message = "A justification is required: say why you override the result (it stays in the record)."
            out.update(f"[b $error]{message}[/]")
            self.say(message, "Refused", "error")
            return
        s = self.session
        turn = r.turn
        secret = self.query_one("#result-secret", Checkbox).value
        try:
            s.game.override(r.ref, r.where, not r.happened, why, secret)
        except (CommandError, SaveError) as e:
            self.refused(e)
            return
        self.query_one("#result-secret", Checkbox).value = False
        # the board and the summary read the last turn's records: now the turn as resolved again
        mine = tuple(x for x in s.last_turn_records if x.kind == "inject" and x.phase not in RESOLUTION_PHASES)
        s.last_turn_records = tuple(x for x in s.game.records(turn) if x.phase in RESOLUTION_PHASES) + mine
        new = next((x for x in overridable(s, turn) if (x.ref, x.where) == (r.ref, r.where)), None)
        out.update((record_markup(new) + "\n" if new is not None else "")
                   + told_markup(s, len(s.game.steps) - 1))
        self.query_one("#result-why", Input).value = ""
        self.say(f"Overridden: {r.title}", "White Cell")
        self.refresh_all()
        self.open_result()
        out.scroll_visible()

    # --- annotate / bookmark ---------------------------------------------------------------------

    def open_note(self) -> None:
        self.list_notes()
        self.query_one("#note-text", Input).focus()

    def list_notes(self) -> None:
        notes = self.session.game.notes()
        lines = ["[b]Notes so far[/]"] + [
            f"turn {n.turn}: {escape(n.text)}" + (f"  [b $accent]⚑ {escape(n.bookmark)}[/]" if n.bookmark else "")
            for n in notes[-8:]]
        self.query_one("#note-list", Static).update("\n".join(lines) if notes else "[$text-muted]No notes yet.[/]")

    @on(Input.Submitted, "#note-text")
    def _note_text(self) -> None:
        self.query_one("#note-bookmark", Input).focus()

    @on(Input.Submitted, "#note-bookmark")
    def _note(self) -> None:
        text = self.query_one("#note-text", Input).value.strip()
        bookmark = self.query_one("#note-bookmark", Input).value.strip() or None
        if not text:
            self.say("A note needs some text.", "Refused", "error")
            self.query_one("#note-text", Input).focus()
            return
        if bookmark is not None and bookmark in self.session.game.bookmarks():
            self.say(f"There is a bookmark {bookmark!r} already (turn {self.session.game.bookmarks()[bookmark]}): "
                     "choose another name.", "Refused", "error")
            return
        try:
            self.session.game.note(text, bookmark)
        except (CommandError, SaveError) as e:
            self.refused(e)
            return
        turn = self.session.state.turn
        self.query_one("#note-out", Static).update(
            f"[$success]Noted for turn {turn}[/]" + (f", bookmarked as [b]{escape(bookmark)}[/]." if bookmark else "."))
        self.query_one("#note-text", Input).value = ""
        self.query_one("#note-bookmark", Input).value = ""
        self.list_notes()
        self.query_one("#note-text", Input).focus()

    # --- roll back (fork) ------------------------------------------------------------------------

    def latest_fork_turn(self) -> int:
        state = self.session.state
        return max(1, min(state.turn, state.last_turn))

    def open_fork(self) -> None:
        last = self.latest_fork_turn()
        turn = self.query_one("#fork-turn", Input)
        turn.placeholder = f"1 to {last}"
        turn.validators = [Integer(1, last, f"a turn from 1 to {last}")]
        self.preview_fork(turn.value)
        turn.focus()

    def preview_fork(self, raw: str) -> None:
        preview = self.query_one("#fork-preview", Static)
        last = self.latest_fork_turn()
        try:
            turn = int(raw)
        except ValueError:
            preview.update(f"[$text-muted]Which turn to start again from: 1 to {last}.[/]")
            return
        if not 1 <= turn <= last:
            preview.update(f"[$error]Turn {turn} cannot be forked: choose from 1 to {last}.[/]")
            return
        s = self.session
        path = fork_path(s, turn)
        preview.update(f"Fork at the start of turn [b]{turn}[/] ({s.quarter(turn)}), before its events; the new game "
                       f"is saved to [b]{escape(str(path))}[/] and replaces this one on screen.\n"
                       "[b]Enter[/] to roll back, Esc to cancel.")

    @on(Input.Changed, "#fork-turn")
    def _fork_changed(self, event: Input.Changed) -> None:
        self.preview_fork(event.value)

    @on(Input.Submitted, "#fork-turn")
    def _fork(self, event: Input.Submitted) -> None:
        last = self.latest_fork_turn()
        try:
            turn = int(event.value)
        except ValueError:
            self.say(f"Give the turn to roll back to: 1 to {last}.", "Refused", "error")
            return
        s = self.session
        path = fork_path(s, turn)
        try:
            child = s.game.fork(turn, new_game_id(), str(s.save) if s.save is not None else "")
            write_save(path, document(child), new=True)
            _, _, verification = load(path, s.rulebook)
            session = Session(child.rulebook, child, save=path)
        except (CommandError, SaveError) as e:
            self.refused(e)
            return
        if not verification.verified:
            self.say(f"The fork in {path} {verification.message}", "Fork not verified", "warning")
        self.say(f"Rolled back to turn {turn}: the new game is saved to {path}.", "White Cell")
        self.dismiss("forked")
        self.app.play(session)
