"""The replay viewer's small screens: jump to a turn, jump to a bookmark, and its help (a fork: screens.fork)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from wargame.tui.screens.replay_steps import shorten
from wargame.tui.widgets.footer import KeysFooter


class TurnPrompt(ModalScreen[int | None]):
    """Asks for a turn to jump to."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    ABOUT = "Type a turn's number and press Enter to jump to its first step; Esc cancels."

    def __init__(self, last: int, current: int):
        super().__init__(classes="replay-modal")
        self.last = last
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="replay-modal-box"):
            yield Label(f"[b]Jump to turn[/] (1–{self.last}), then Enter; Escape to cancel")
            yield Input(placeholder=f"turn, now {self.current}", type="integer", id="replay-turn-input")
            yield Label("", id="replay-turn-error", classes="replay-error")
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

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
    ABOUT = "↑↓ and Enter jump to a bookmark the White Cell set during play; Esc cancels."

    def __init__(self, marks: list[tuple[str, int, int, str]]):
        super().__init__(classes="replay-modal")
        self.marks = marks  # (name, turn, step index, text)

    def compose(self) -> ComposeResult:
        with Vertical(classes="replay-modal-box"):
            yield Label("[b]Jump to a bookmark[/] (↑↓, Enter; Escape to cancel)")
            yield OptionList(*[
                Option(f"[b $accent]★ {escape(name)}[/]  turn {turn}\n  [$text-muted]{escape(shorten(text, 70))}[/]")
                for name, turn, _, text in self.marks
            ], id="replay-bookmark-list")
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if options.option_count else None  # Enter works at once
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.marks[event.option_index][2])

    def action_cancel(self) -> None:
        self.dismiss(None)


REPLAY_ABOUT = """\
The **timeline** on the left lists every step of the game as it was played: each turn's
events, each cell's orders (a bot's with why it gave each), the adjudication, and the White
Cell's injects, overrides, notes and bookmarks (★), and each message said on a channel in a
networked exercise, where it was said. The right shows the step under the cursor:
what happened, **what changed on the board** since the step before, and each result with its
explanation. Everything is shown, as the White Cell sees it, including each cell's secret
tracks and orders. **Tab** moves between the timeline and the results; **y** or Enter on a
result asks *why?*

**As each cell saw it** (for the debrief: what did you believe, and why?): **1** to **4** show
beside the truth the same step as the Islamic State, al-Qaeda, the Coalition or the Local
Governments saw it: what it was shown (its own tracks exact, the others' as its estimates),
what the White Cell told it, the messages on its own channels (nothing of any other), its
orders and why, its estimates of every cell after the step and its objectives as it could
reckon them. **0** goes back to the truth only. Below 120 columns there is room for one pane:
**e** swaps the truth and the cell's view.

**What next** (**n**): bot games played on from this step to the end (200 unless you ask for
another number), from the true board, and how they ended, the game as it was played marked.

A fork (**f**) makes a new game from this step (right after it, or from the start of its
turn), in a new save beside this one (`<game>-branch-1.json`, then `-2`...); this save is never
changed. Choose who sits in each seat: a bot's seat can be taken over by people.
"""
