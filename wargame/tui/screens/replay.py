"""The facilitator's replay viewer: a game step by step, as the White Cell saw it.

The timeline on the left lists every step of the log: each command as it was applied (a turn's
events, each cell's orders, the adjudication, and the White Cell's injects, overrides and notes).
The right shows the step under the cursor: what it was, what changed on the board since the step
before, and every record it produced with its explanation; or (s) the whole board as it stood
after the step. ``f`` forks a new game from the beginning of the step's turn and plays it on.

Stepping only redraws the panes on the right; the timeline is built once. What a step shows is
worked out the first time it is shown and kept.
"""

from __future__ import annotations

from pathlib import Path

import attrs
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.adjudication import Adjudication
from wargame.engine.board import OFFSHOOT_TRACKS, THEATRE_TRACKS, flat_tracks
from wargame.engine.model import CELL_TITLES, CELLS, State
from wargame.engine.rulebook import ROOT, Rulebook
from wargame.engine.turn import new_game
from wargame.engine.view import view
from wargame.record import fog
from wargame.record.game import (
    Game,
    GiveOrders,
    InjectCard,
    Note,
    OverrideResult,
    ResolveTurn,
    RunEvents,
    SetSeats,
    SetTrack,
    StepRecord,
    seat_words,
)
from wargame.record.save import SaveError, document, fork_path, new_game_id, write_save
from wargame.tui.screens.modals import HelpScreen, WhyScreen
from wargame.tui.widgets.board import CellPanel, DecksPanel, RelationPanel, TheatreTable, record_markup

# Global tracks grouped for the "what changed" pane: one line a part of the board.
_GROUPS = (("is_", "IS"), ("aq_", "AQ"), ("coalition_", "Coalition"), ("gov_", "Governments"),
           ("relation_", "Relation"), ("tally_", "Tally"))


_SHORT_CELLS = {"is": "IS", "aq": "AQ", "coalition": "Coalition", "governments": "Govts"}


# --- what a step shows ---------------------------------------------------------------------------


def _rule_title(rulebook: Rulebook, ref: str) -> str:
    try:
        return rulebook.rule(ref).title
    except KeyError:
        kind = rulebook.order_kinds.get(ref)
        return kind.title if kind is not None else ref


def _card_title(rulebook: Rulebook, card: str) -> str:
    c = rulebook.cards.get(card)
    return c.title if c is not None else card


def _shorten(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def step_label(rulebook: Rulebook, step: StepRecord) -> str:
    """One line for the timeline (plain text): "T3 orders: Coalition", "T3 resolved"…"""
    c = step.command
    t = f"T{c.turn}"
    if isinstance(c, RunEvents):
        return f"{t} events"
    if isinstance(c, GiveOrders):
        return f"{t} orders: {_SHORT_CELLS.get(c.cell, c.cell)}"
    if isinstance(c, ResolveTurn):
        return f"{t} resolved"
    secret = " (secret)" if isinstance(c, (InjectCard, SetTrack, OverrideResult)) and c.secret else ""
    if isinstance(c, InjectCard):
        return f"{t} White Cell: inject {_card_title(rulebook, c.card)}{secret}"
    if isinstance(c, SetTrack):
        return f"{t} White Cell: set {c.target} {c.original}→{c.value}{secret}"
    if isinstance(c, OverrideResult):
        where = f" ({c.where})" if c.where else ""
        ruled = "happened" if c.happened else "did not happen"
        return f"{t} override: {_rule_title(rulebook, c.ref)}{where} → {ruled}{secret}"
    if isinstance(c, Note):
        if c.bookmark:
            return f"{t} ★ {c.bookmark}: {_shorten(c.text)}"
        return f"{t} note: {_shorten(c.text)}"
    if isinstance(c, SetSeats):
        return f"{t} seats: {_shorten(seat_words(c.seats))}"
    return f"{t} {type(c).__name__}"


def _timeline_markup(rulebook: Rulebook, step: StepRecord) -> str:
    label = escape(step_label(rulebook, step))
    c = step.command
    if isinstance(c, ResolveTurn):
        return f"[b]{label}[/]"
    if isinstance(c, RunEvents):
        return f"[b $text-primary]{label}[/]"
    if isinstance(c, (InjectCard, SetTrack, OverrideResult)):
        return f"[$text-warning]{label}[/]"
    if isinstance(c, Note):
        return f"[$text-accent]{label}[/]"
    return f"[$text-muted]{label}[/]"


def board_changes(rulebook: Rulebook, before: State, after: State) -> list[str]:
    """What changed on the board between two states, in markup: one line a part of the board
    (e.g. "iraq.territory 5 → 4 · iraq.pressure 5 → 4"), offshoots formed and gone, cards drawn."""

    def item(name: str, a: object, b: object) -> str:
        return f"{escape(name)} {a} → [b]{b}[/]"

    lines: list[str] = []
    fb, fa = flat_tracks(before), flat_tracks(after)
    groups: dict[str, list[str]] = {}
    for name, value in fa.items():
        if fb.get(name) != value:
            prefix = next((p for p, _ in _GROUPS if name.startswith(p)), "")
            groups.setdefault(prefix, []).append(item(name, fb.get(name), value))
    for prefix, _ in _GROUPS + (("", ""),):
        if prefix in groups:
            lines.append(" · ".join(groups[prefix]))
    for attr, who in (("islamic_state", "IS"), ("al_qaeda", "AQ")):
        old, new = getattr(before, attr).leader.name, getattr(after, attr).leader.name
        if old != new:
            lines.append(f"{who} leader: {escape(old)} → [b]{escape(new)}[/]")
    old_theatres = {t.name: t for t in before.theatres}
    for t in after.theatres:
        o = old_theatres.get(t.name)
        if o is None:
            continue
        items = [item(f"{t.name}.{n}", getattr(o, n), getattr(t, n)) for n in THEATRE_TRACKS
                 if getattr(o, n) != getattr(t, n)]
        if items:
            lines.append(" · ".join(items))
    old_off = {o.id: o for o in before.offshoots}
    new_off = {o.id: o for o in after.offshoots}
    for oid, o in new_off.items():
        was = old_off.get(oid)
        if was is None:
            lines.append(f"[b]offshoot formed:[/] {escape(oid)} in {escape(o.theatre)} ({o.origin}), "
                         f"strength {o.strength}, brutality {o.brutality}")
            continue
        items = [item(f"{oid}.{n}", getattr(was, n), getattr(o, n)) for n in OFFSHOOT_TRACKS
                 if getattr(was, n) != getattr(o, n)]
        if items:
            lines.append(" · ".join(items))
    for oid, o in old_off.items():
        if oid not in new_off:
            lines.append(f"[b]offshoot gone:[/] {escape(oid)} (was in {escape(o.theatre)}, strength {o.strength})")
    old_piles = {p.deck: p for p in before.decks}
    for p in after.decks:
        was = old_piles.get(p.deck)
        if was is None:
            continue
        deck = rulebook.decks[p.deck].title if p.deck in rulebook.decks else p.deck
        drawn = [c for c in p.discard if c not in was.discard]
        aside = [c for c in p.aside if c not in was.aside]
        for what, cards in (("played", drawn), ("set aside", aside)):
            if cards:
                titles = ", ".join(escape(_card_title(rulebook, c)) for c in cards)
                lines.append(f"{escape(deck)} card {what}: {titles}")
        if len(p.draw) > len(was.draw):
            lines.append(f"{escape(deck)} deck reshuffled ({len(p.draw)} cards to draw)")
    return lines


@attrs.frozen
class StepView:
    """Everything the right-hand panes show for one step, worked out once."""

    heading: str
    what: str
    changes: str
    records: tuple[Adjudication, ...]
    prompts: tuple[str, ...]


# --- small modal screens -------------------------------------------------------------------------


class TurnPrompt(ModalScreen[int | None]):
    """Asks for a turn to jump to."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, last: int, current: int):
        super().__init__(classes="replay-modal")
        self.last = last
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="replay-modal-box"):
            yield Label(f"[b]Jump to turn[/] (1–{self.last}), then Enter; Escape to cancel")
            yield Input(placeholder=f"turn, now {self.current}", type="integer", id="replay-turn-input")
            yield Label("", id="replay-turn-error", classes="replay-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            turn = int(event.value)
        except ValueError:
            turn = 0
        if not 1 <= turn <= self.last:
            self.query_one("#replay-turn-error", Label).update(f"A turn from 1 to {self.last}, please.")
            return
        self.dismiss(turn)

    def action_cancel(self) -> None:
        self.dismiss(None)


class BookmarkPicker(ModalScreen[int | None]):
    """The facilitator's bookmarks; returns the index of the step to jump to."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, marks: list[tuple[str, int, int, str]]):
        super().__init__(classes="replay-modal")
        self.marks = marks  # (name, turn, step index, text)

    def compose(self) -> ComposeResult:
        with Vertical(classes="replay-modal-box"):
            yield Label("[b]Jump to a bookmark[/] (↑↓, Enter; Escape to cancel)")
            yield OptionList(*[
                Option(f"[b $accent]★ {escape(name)}[/]  turn {turn}\n  [$text-muted]{escape(_shorten(text, 70))}[/]")
                for name, turn, _, text in self.marks
            ], id="replay-bookmark-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.marks[event.option_index][2])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ForkPrompt(ModalScreen[bool]):
    """Confirms a fork: where the new game starts and where it will be saved."""

    BINDINGS = [Binding("escape,n", "cancel", "Cancel")]

    def __init__(self, text: str):
        super().__init__(classes="replay-modal")
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="replay-modal-box"):
            yield Static(self.text, id="replay-fork-text")
            with Horizontal(classes="replay-buttons"):
                yield Button("Fork and play", id="fork", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#fork", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "fork")

    def action_cancel(self) -> None:
        self.dismiss(False)


REPLAY_HELP = """\
# The replay viewer

The **timeline** on the left lists every step of the game as it was played: each turn's
events, each cell's orders, the adjudication, and the White Cell's injects, overrides, notes
and bookmarks (★). The right shows the step under the cursor: what happened, **what changed on
the board** since the step before, and each result with its explanation. Everything is shown,
as the White Cell sees it, including each cell's secret tracks and orders.

| Key | What it does |
|---|---|
| **→**, **l** | next step |
| **←**, **h** | previous step |
| **↑** **↓** | move in the timeline (or in the results, when they have the focus) |
| **Home**, **End** | first step, last step |
| **n**, **p** | the start of the next turn, of the previous turn |
| **t** | jump to a turn (type its number, Enter) |
| **b** | jump to a bookmark |
| **Tab** | move between the timeline and the results |
| **y**, **Enter** on a result | why? the rule and the article's reasoning |
| **s** | the board after this step (theatres, relation, decks, every cell's tracks), or back |
| **f** | fork from here: a new game from the start of this step's turn, saved beside this one and played on |
| **ctrl+p** | command palette |
| **F1** | this help |
| **q** | quit |

A fork replays this game's log up to the start of the turn, then the cells play on from there;
this save is never changed.
"""


class ReplayHelpScreen(HelpScreen):
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(REPLAY_HELP)
            yield Button("Close", id="close")


# --- the viewer ----------------------------------------------------------------------------------


class ReplayScreen(Screen[None]):
    """A saved game, step by step: the timeline, each step's changes and records, the board."""

    BINDINGS = [
        Binding("left,h", "step(-1)", "Step", key_display="←→", priority=True),
        Binding("right,l", "step(1)", "Next step", show=False, priority=True),
        Binding("home", "first", "First step", show=False, priority=True),
        Binding("end", "last", "Last step", show=False, priority=True),
        Binding("n", "turn_step(1)", "Next turn", show=False),
        Binding("p", "turn_step(-1)", "Previous turn", show=False),
        Binding("t", "jump_turn", "Turn"),
        Binding("b", "bookmarks", "Bookmark"),
        Binding("y", "why", "Why?"),
        Binding("s", "toggle_board", "Board"),
        Binding("f", "fork", "Fork"),
        Binding("f1", "help", "Help"),
        Binding("escape", "back", "Back to the start screen", show=False),
    ]
    # Below 120 columns the board takes the whole width when shown; from 180 it sits beside the step.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-normal"), (180, "-wide")]

    def __init__(self, rulebook: Rulebook, game: Game, path: Path | None):
        super().__init__()
        self.rulebook = rulebook
        self.game = game
        self.path = Path(path) if path is not None else None
        self.steps = game.steps
        self.index = 0
        self.records: tuple[Adjudication, ...] = ()
        self._views: dict[int, StepView] = {}
        self._record_options: dict[int, list[Option | None]] = {}
        self._initial: State | None = None
        self._board_shown_for: int | None = None
        self.scenario = rulebook.scenarios[game.header.scenario]
        self.deck_titles = {d.id: d.title for d in rulebook.decks.values()}
        self.theatre_titles = {t.name: t.title for t in game.state.theatres}
        # the first step of each turn, for jumping (a note written later about an earlier turn
        # is not where that turn starts)
        self.turn_starts: dict[int, int] = {}
        for i, s in enumerate(self.steps):
            c = s.command
            if c.turn in self.turn_starts or (isinstance(c, Note) and s.state.turn != c.turn):
                continue
            self.turn_starts[c.turn] = i

    # layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="replay-body"):
            with Vertical(id="replay-left"):
                yield Label("", id="replay-timeline-title")
                yield OptionList(id="replay-timeline")
            with Vertical(id="replay-right"):
                yield Static("", id="replay-heading")
                with Horizontal(id="replay-panes"):
                    with Vertical(id="replay-step"):
                        with VerticalScroll(id="replay-top"):
                            yield Static("", id="replay-what")
                            yield Static("", id="replay-changes")
                        yield Label("", id="replay-records-title")
                        yield OptionList(id="replay-records")
                    with VerticalScroll(id="replay-board"):
                        yield TheatreTable(id="replay-theatres")
                        yield Static("", id="replay-offshoots")
                        with Horizontal(id="replay-rel-decks"):
                            yield RelationPanel(id="replay-relation")
                            yield DecksPanel(id="replay-decks")
                        with Grid(id="replay-cells"):
                            for cell in CELLS:
                                yield CellPanel(id=f"replay-cell-{cell}", classes="replay-cell")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        h = self.game.header
        self.title = h.exercise or self.scenario.title
        where = self.path.name if self.path is not None else "an unsaved game"
        fork = f", a fork of {h.parent.game} at turn {h.parent.turn}" if h.parent else ""
        self.sub_title = f"Replay of {where}{fork}"
        timeline = self.query_one("#replay-timeline", OptionList)
        options: list[Option | None] = []
        starts = set(self.turn_starts.values())
        for i, s in enumerate(self.steps):
            options.append(Option(_timeline_markup(self.rulebook, s)))
            if i + 1 in starts:
                options.append(None)  # a rule between two turns
        timeline.add_options(options)
        self.query_one("#replay-timeline-title", Label).update(
            f"[b]Timeline[/] ({len(self.steps)} steps)")
        timeline.focus()
        if self.steps:
            self.show_step(0)
        else:
            self.query_one("#replay-heading", Static).update("This game has no steps yet: nothing to replay.")

    # what a step shows

    def before(self, i: int) -> State:
        if i > 0:
            return self.steps[i - 1].state
        if self._initial is None:
            self._initial = new_game(self.rulebook, self.game.header.scenario, self.game.header.seed)
        return self._initial

    def step_view(self, i: int) -> StepView:
        sv = self._views.get(i)
        if sv is None:
            sv = self._views[i] = self._make_view(i)
        return sv

    def _make_view(self, i: int) -> StepView:
        rb = self.rulebook
        step = self.steps[i]
        c, state = step.command, step.state
        label = escape(step_label(rb, step))
        quarter = self.scenario.label(c.turn)
        marks = f"  [b $accent]★ {escape(c.bookmark)}[/]" if isinstance(c, Note) and c.bookmark else ""
        if state.phase == "over":
            after = "the game is over"
        elif state.phase == "events":
            after = f"turn {state.turn} ({self.scenario.label(state.turn)}) is about to begin"
        else:
            after = f"turn {state.turn}, orders being given"
        heading = (f"[b]Turn {c.turn}[/] of {state.last_turn} ({quarter})  ·  step {i + 1} of {len(self.steps)}"
                   f"{marks}\n[b]{label}[/]  [$text-muted]· after it: {after}[/]")
        what = self._what(i)
        changes = board_changes(rb, self.before(i), state)
        if changes:
            changes_text = "[b]What changed since the previous step[/]\n" + "\n".join(changes)
        elif isinstance(c, GiveOrders):
            changes_text = "[$text-muted]Nothing changed on the board: orders take effect when the turn is resolved.[/]"
        else:
            changes_text = "[$text-muted]Nothing changed on the board at this step.[/]"
        records = step.records
        prompts = [record_markup(r) for r in records]
        if isinstance(c, OverrideResult):  # the overridden result first; those the ruling changed marked
            ruled = fog.ruled_records(self.game, i)
            mark = "\n   [b $warning]◆ changed by the White Cell's ruling[/]"
            prompts = [p + (mark if k in ruled else "") for k, p in enumerate(prompts)]
            order = sorted(range(len(records)), key=lambda k: records[k].original is None)
            records = tuple(records[k] for k in order)
            prompts = [prompts[k] for k in order]
        return StepView(heading, what, changes_text, tuple(records), tuple(prompts))

    def _superseded_by(self, i: int) -> int | None:
        turn = self.steps[i].command.turn
        for j in range(i + 1, len(self.steps)):
            c = self.steps[j].command
            if isinstance(c, OverrideResult) and c.turn == turn:
                return j
            if isinstance(c, (RunEvents, ResolveTurn)) and c.turn > turn:
                return None
        return None

    def _what(self, i: int) -> str:
        text = self._what_happened(i)
        if isinstance(self.steps[i].command, (InjectCard, SetTrack, OverrideResult)):
            text += "\n" + self._told(i)
        return text

    def _told(self, i: int) -> str:
        """Who was told of the White Cell's action at step ``i``, and what the room read."""
        game = self.game
        who = fog.told(game, i)
        room = fog.announcement(game, i, fog.ROOM)
        lines = []
        if room is not None:
            lines.append("[b]Announced to the room:[/] " + escape(room.text))
            lines += [f"  {escape(line)}" for line in room.lines()[1:]]
        else:
            cells = [CELL_TITLES[c] for c in CELLS if c in who]
            lines.append("[b $warning]Secret:[/] " + (f"told only to {escape(', '.join(cells))}" if cells
                                                      else "told to no cell"))
        for cell in CELLS:
            mine = fog.announcement(game, i, cell)
            if mine is not None and (room is None or mine.lines() != room.lines()):
                lines.append(f"[b]Told the {escape(CELL_TITLES[cell])}:[/] " + escape("; ".join(mine.lines())))
        return "\n".join(lines)

    def _seats_at(self, i: int) -> dict[str, str]:
        """Who sat where at step ``i`` (a logged change of seats counts from its step on)."""
        for j in range(i, -1, -1):
            c = self.steps[j].command
            if isinstance(c, SetSeats):
                return c.seats
        first = next((s.command for s in self.steps if isinstance(s.command, SetSeats)), None)
        return first.was if first is not None else self.game.header.seats

    def _what_happened(self, i: int) -> str:
        rb = self.rulebook
        step = self.steps[i]
        c = step.command
        n = len(step.records)
        results = f"{n} result{'s' if n != 1 else ''} below" if n else "no results"
        if isinstance(c, RunEvents):
            if not n:
                return f"Turn {c.turn} began: no events this quarter."
            return f"The events of turn {c.turn} were drawn from the decks: {results}."
        if isinstance(c, GiveOrders):
            title = CELL_TITLES.get(c.cell, c.cell)
            seat = self._seats_at(i).get(c.cell, "human")
            who = f"{title} ({seat if seat == 'human' else seat + ' bot'})"
            if not c.orders:
                return f"{escape(who)} gave no orders."
            lines = [f"{escape(who)} gave {len(c.orders)} order{'s' if len(c.orders) != 1 else ''} "
                     "(secret from the other cells until the turn was resolved):"]
            for kind, where in c.orders:
                k = rb.order_kinds.get(kind)
                name = k.title if k is not None else kind
                cost = f", cost {k.cost}" if k is not None else ""
                place = self.theatre_titles.get(where, where) if where else ""
                lines.append(f"  • [b]{escape(name)}[/]{escape(f' in {place}' if place else '')}"
                             f"  [$text-muted]{escape(kind)}{cost}[/]")
            return "\n".join(lines)
        if isinstance(c, ResolveTurn):
            text = f"Turn {c.turn} was adjudicated (orders, rules, dynamics, assessment): {results}."
            later = self._superseded_by(i)
            if later is not None:
                text += (f"\n[b $warning]A White Cell override at step {later + 1} replaced these results[/] "
                         "(the turn was resolved again).")
            return text
        if isinstance(c, OverrideResult):
            where = f" in {c.where}" if c.where else ""
            text = (f"[b $warning]The White Cell overrode a result of turn {c.turn}:[/] "
                    f"{escape(_rule_title(rb, c.ref))}{escape(where)}. The engine said it "
                    f"{'happened' if c.original else 'did not happen'}; the White Cell ruled it "
                    f"{'happened' if c.happened else 'did not happen'}.\n"
                    f"[b]Justification:[/] {escape(c.justification)}\n"
                    f"[$text-muted]The turn was resolved again with the same dice and this result forced: "
                    f"{results}, the overridden one first; the changes compare with the resolution before.[/]")
            later = self._superseded_by(i)
            if later is not None:
                text += f"\n[b $warning]A later override at step {later + 1} replaced these results.[/]"
            return text
        if isinstance(c, InjectCard):
            note = f"\n[b]Note:[/] {escape(c.note)}" if c.note else ""
            return (f"[b $warning]The White Cell injected the card[/] {escape(_card_title(rb, c.card))} "
                    f"[$text-muted]({escape(c.card)})[/]: {results}.{note}")
        if isinstance(c, SetTrack):
            return (f"[b $warning]The White Cell set[/] {escape(c.target)} from {c.original} to {c.value}.\n"
                    f"[b]Justification:[/] {escape(c.justification)}")
        if isinstance(c, Note):
            mark = f" and bookmark [b $accent]★ {escape(c.bookmark)}[/]" if c.bookmark else ""
            written = step.state.turn
            when = f" (written at turn {written})" if written != c.turn else ""
            return f"[b $accent]The White Cell's note[/]{mark} on turn {c.turn}{when}:\n{escape(c.text)}"
        if isinstance(c, SetSeats):
            note = f"\n[b]Note:[/] {escape(c.note)}" if c.note else ""
            return (f"[b]The seats changed[/] from turn {c.turn} on: {escape(seat_words(c.seats))} "
                    f"(were {escape(seat_words(c.was))}).{note}")
        return escape(repr(c))

    # showing a step

    def show_step(self, i: int) -> None:
        """Show step ``i``: the timeline's cursor, and the panes on the right (only those)."""
        if not self.steps:
            return
        i = max(0, min(i, len(self.steps) - 1))
        self.index = i
        timeline = self.query_one("#replay-timeline", OptionList)
        if timeline.highlighted != i:
            timeline.highlighted = i
        sv = self.step_view(i)
        self.query_one("#replay-heading", Static).update(sv.heading)
        self.query_one("#replay-what", Static).update(sv.what)
        self.query_one("#replay-changes", Static).update(sv.changes)
        self.query_one("#replay-top", VerticalScroll).scroll_home(animate=False)
        self.records = sv.records
        n = len(sv.records)
        self.query_one("#replay-records-title", Label).update(
            f"[b]Results[/] ({n}): y or Enter on one for why?" if n else "[$text-muted]No results at this step.[/]")
        records = self.query_one("#replay-records", OptionList)
        records.clear_options()
        options = self._record_options.get(i)
        if options is None:  # kept: an option keeps its rendering for the next visit
            options = []
            for p in sv.prompts:
                options += [Option(p), None]
            options = self._record_options[i] = options[:-1]
        records.add_options(options)
        self.query_one("#replay-step").set_class(not n, "-no-records")
        if n:
            records.highlighted = 0
        if self.board_visible():
            self.show_board()

    def board_visible(self) -> bool:
        return self.has_class("-show-board") or self.has_class("-wide")

    def show_board(self) -> None:
        if self._board_shown_for == self.index or not self.steps:
            return
        self._board_shown_for = self.index
        v = view(self.steps[self.index].state, "white")
        self.query_one("#replay-theatres", TheatreTable).show(v)
        if v.offshoots:
            offshoots = "[b]Offshoots:[/] " + " · ".join(
                f"{escape(o.id)} in {escape(o.theatre)} ({o.origin}), strength {o.strength}, brutality {o.brutality}"
                for o in v.offshoots)
        else:
            offshoots = "[b]Offshoots:[/] none in play"
        self.query_one("#replay-offshoots", Static).update(offshoots)
        self.query_one("#replay-relation", RelationPanel).show(v)
        self.query_one("#replay-decks", DecksPanel).show(v, self.deck_titles)
        for cell in CELLS:
            self.query_one(f"#replay-cell-{cell}", CellPanel).show(v, cell)

    @on(OptionList.OptionHighlighted, "#replay-timeline")
    def _timeline_moved(self, event: OptionList.OptionHighlighted) -> None:
        # the cursor as it is now: a message from a step already left behind is ignored
        now = event.option_list.highlighted
        if now is not None and now != self.index:
            self.show_step(now)

    @on(OptionList.OptionSelected, "#replay-timeline")
    def _timeline_selected(self, event: OptionList.OptionSelected) -> None:
        if self.records:
            self.query_one("#replay-records", OptionList).focus()

    @on(OptionList.OptionSelected, "#replay-records")
    def _record_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_why()

    # actions

    def action_step(self, delta: int) -> None:
        self.show_step(self.index + delta)

    def action_first(self) -> None:
        self.show_step(0)

    def action_last(self) -> None:
        self.show_step(len(self.steps) - 1)

    def action_turn_step(self, delta: int) -> None:
        if not self.steps:
            return
        turn = self.steps[self.index].command.turn
        starts = sorted(self.turn_starts.items())
        if delta > 0:
            later = [i for t, i in starts if t > turn]
            if later:
                self.show_step(later[0])
        else:
            start = self.turn_starts.get(turn, self.index)
            if self.index > start:
                self.show_step(start)  # first back to the start of this turn
            else:
                earlier = [i for t, i in starts if t < turn]
                if earlier:
                    self.show_step(earlier[-1])

    def jump_to_turn(self, turn: int) -> bool:
        i = self.turn_starts.get(turn)
        if i is None:
            reached = max(self.turn_starts, default=0)
            self.notify(f"Turn {turn} was not played in this game (it reached turn {reached}).", severity="warning")
            return False
        self.show_step(i)
        return True

    def action_jump_turn(self) -> None:
        if not self.steps:
            return
        current = self.steps[self.index].command.turn
        last = self.steps[-1].state.last_turn

        def chosen(turn: int | None) -> None:
            if turn is not None:
                self.jump_to_turn(turn)

        self.app.push_screen(TurnPrompt(last, current), chosen)

    def bookmark_steps(self) -> list[tuple[str, int, int, str]]:
        """(name, turn, step index, text) of each bookmark in ``game.bookmarks()``."""
        out = []
        for name, turn in self.game.bookmarks().items():
            note_step = None
            for i, s in enumerate(self.steps):
                c = s.command
                if isinstance(c, Note) and c.bookmark == name and c.turn == turn:
                    note_step = (i, s)  # the last one with the name wins, as in bookmarks()
            text = note_step[1].command.text if note_step else ""
            if note_step is not None and note_step[1].state.turn == turn:
                index = note_step[0]  # written at that turn: the note's own step
            else:
                index = self.turn_starts.get(turn, note_step[0] if note_step else 0)
            out.append((name, turn, index, text))
        return sorted(out, key=lambda m: (m[2], m[0]))

    def jump_to_bookmark(self, name: str) -> bool:
        for mark, _, index, _ in self.bookmark_steps():
            if mark == name:
                self.show_step(index)
                return True
        return False

    def action_bookmarks(self) -> None:
        marks = self.bookmark_steps()
        if not marks:
            self.notify("This game has no bookmarks (the White Cell adds them with a note during play).")
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.show_step(index)

        self.app.push_screen(BookmarkPicker(marks), chosen)

    def action_why(self) -> None:
        records = self.query_one("#replay-records", OptionList)
        k = records.highlighted
        if not self.records:
            self.notify("This step has no results to explain.")
            return
        record = self.records[k if k is not None and k < len(self.records) else 0]
        self.app.push_screen(WhyScreen(self.rulebook, record))

    def action_toggle_board(self) -> None:
        if self.has_class("-wide"):
            self.query_one("#replay-theatres", TheatreTable).focus()
            return
        self.toggle_class("-show-board")
        if self.has_class("-show-board"):
            self.show_board()
        elif self.has_class("-narrow"):
            self.query_one("#replay-timeline", OptionList).focus()

    def on_resize(self) -> None:
        if self.board_visible():
            self.call_after_refresh(self.show_board)

    def fork_path(self, turn: int) -> Path:
        """A new file beside the save, never one that exists: <stem>-fork-t<turn>[-2, -3…].json."""
        return fork_path(self.path, self.game.header.game, turn, ROOT / "saves")

    def action_fork(self) -> None:
        if not self.steps:
            return
        turn = self.steps[self.index].command.turn
        target = self.fork_path(turn)
        if turn > 1:
            kept = (f"It keeps this game up to the end of turn {turn - 1}, White Cell changes included; "
                    f"then turn {turn} is played again from its events, with the same seats and dice. "
                    f"What the White Cell did during turn {turn} is not carried over.")
        else:
            kept = "It starts this game again from the first turn, with the same seats and dice."
        text = (f"[b]Fork a new game from the start of turn {turn}[/] ({self.scenario.label(turn)})?\n\n{kept}\n\n"
                f"This save is not changed. The new game is saved to:\n[b]{escape(str(target))}[/]\n\n"
                "[$text-muted]Enter: fork and play it · Escape: cancel[/]")

        def chosen(ok: bool | None) -> None:
            if ok:
                self.fork(turn)

        self.app.push_screen(ForkPrompt(text), chosen)

    def fork(self, turn: int) -> Path | None:
        """Fork at the start of ``turn``, save the new game beside this one and play it."""
        from wargame.record.game import CommandError
        from wargame.table.session import Session

        target = self.fork_path(turn)
        try:
            child = self.game.fork(turn, new_game_id(), str(self.path) if self.path is not None else "")
            doc = document(child)
            write_save(target, doc, new=True)
            session = Session(child.rulebook, child, save=target, created=doc.created)
        except (CommandError, SaveError) as e:
            self.notify(f"Could not fork: {e}", severity="error", timeout=10, markup=False)
            return None
        app = self.app
        app.play(session)
        app.notify(f"Forked at turn {turn}: the new game is saved to {target}", title="Fork", timeout=10)
        return target

    def action_help(self) -> None:
        self.app.push_screen(ReplayHelpScreen())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss()
