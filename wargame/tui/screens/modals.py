"""Small screens over the board: the handover, the adjudication walkthrough, "why?", help."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.adjudication import Adjudication
from wargame.engine.rulebook import Rulebook
from wargame.record.fog import Announcement
from wargame.table.reasons import Reason
from wargame.tui.keys import key_rows
from wargame.tui.screens.why import WhyScreen, seat_words
from wargame.tui.widgets.board import record_markup
from wargame.tui.widgets.footer import KeysFooter


class HandoverScreen(Screen[str | None]):
    """Hides everything between two cells: nothing of the last cell's choices is on screen.
    Dismisses with None (the next cell is at the keyboard) or the id of a cell that takes its
    orders back to change them (``take_back``: the cells that may, with their titles)."""

    BINDINGS = [
        # not Enter: a habitual double Enter (the confirmation's, then one more) must not show the
        # next cell's private screen to the cell that has just given its orders
        Binding("space", "ready", "I am this cell: show my screen", priority=True),
        Binding("u", "take_back", "Take back orders"),
    ]
    ABOUT = ("Everything of the last cell's orders is hidden here. The cell named on screen takes the "
             "keyboard and presses Space (not Enter, so that a double Enter cannot skip this screen). "
             "Until the last cell has given its orders, a cell that has given "
             "them may take them back to change them (u): the keyboard goes back to it first.")

    def __init__(self, cell_title: str, turn_label: str, take_back: Sequence[tuple[str, str]] = (),
                 again: bool = False):
        super().__init__(classes="handover")
        self.cell_title = cell_title
        self.turn_label = turn_label
        self.take_back = list(take_back)
        self.again = again

    def compose(self) -> ComposeResult:
        with Vertical(id="handover-box"):
            yield Label(f"{self.turn_label}", id="handover-turn")
            verb = "Pass the keyboard back to" if self.again else "Pass the keyboard to"
            why = " (to change its orders)" if self.again else ""
            yield Label(f"{verb}: [b]{escape(self.cell_title)}[/]{why}", id="handover-cell")
            yield Label("Everyone else, look away. Then press [b]Space[/] (not Enter).")
            if self.take_back:
                names = ", ".join(title for _, title in self.take_back)
                yield Label(f"[$text-muted]Given their orders: {escape(names)}. "
                            "u: a cell takes its orders back to change them.[/]", id="handover-undo")
            ready = Button("I am ready (Space)", id="ready", variant="primary")
            ready.can_focus = False  # Enter on a focused button would skip the handover
            yield ready
        yield KeysFooter()

    def on_mount(self) -> None:
        # the keyboard passes to another cell: nothing said to the last one stays on screen (it
        # would mislead the next, or leak what the last was told, and hide this screen's words)
        self.app.clear_notifications()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_back":
            return bool(self.take_back)
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_ready(self) -> None:
        self.dismiss(None)

    def action_take_back(self) -> None:
        if len(self.take_back) == 1:
            self.dismiss(self.take_back[0][0])
            return

        def chosen(cell: str | None) -> None:
            if cell:
                self.dismiss(cell)

        self.app.push_screen(TakeBackPicker(self.take_back), chosen)


class TakeBackPicker(ModalScreen[str | None]):
    """Which cell takes its orders back (Enter), or none (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    ABOUT = "The cell picked takes the keyboard back, with the orders it gave, to change them."

    def __init__(self, cells: Sequence[tuple[str, str]]):
        super().__init__(classes="replay-modal")
        self.cells = list(cells)

    def compose(self) -> ComposeResult:
        with Vertical(classes="replay-modal-box"):
            yield Label("[b]Which cell takes its orders back?[/] (↑↓, Enter; Esc: none)")
            yield OptionList(*[Option(escape(title), id=cell) for cell, title in self.cells], id="take-back-list")
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmOrdersScreen(ModalScreen[bool]):
    """Asks a cell to confirm its orders: what they are, and that they can be taken back until
    the last cell has given its orders (or that the turn is adjudicated at once, for the last)."""

    BINDINGS = [Binding("escape", "cancel", "Keep choosing")]
    ABOUT = "Enter gives the orders listed (the focused button); Esc goes back to choosing them."

    def __init__(self, cell_title: str, lines: Sequence[str], last: bool):
        super().__init__(classes="replay-modal")
        self.cell_title = cell_title
        self.lines = list(lines)
        self.last = last

    def compose(self) -> ComposeResult:
        n = len(self.lines)
        what = f"these {n} orders" if n > 1 else "this order" if n == 1 else "no orders this turn"
        them = "it" if n == 1 else "them"  # the order, or the orders
        after = (f"[b $warning]You are the last cell: the turn is adjudicated as soon as you give {them}.[/]"
                 if self.last else
                 f"Until the last cell has given its orders, you can take {them} back to change {them}: "
                 "press [b]u[/] on the handover screen.")
        with Vertical(classes="replay-modal-box", id="confirm-box"):
            yield Label(f"[b]{escape(self.cell_title)}: give {what}?[/]")
            yield Static("\n".join(self.lines) or "[$text-muted]Giving no orders is allowed.[/]", id="confirm-orders")
            yield Static(after, id="confirm-after")
            with Horizontal(classes="replay-buttons"):
                give = "Give them" if n > 1 else "Give it" if n == 1 else "Give no orders"
                yield Button(f"{give} (Enter)", id="give", variant="primary")
                yield Button("Keep choosing (Esc)", id="back")
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_mount(self) -> None:
        self.query_one("#give", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "give")

    def action_cancel(self) -> None:
        self.dismiss(False)


def announcement_markup(announcements: Sequence[Announcement]) -> str:
    """The White Cell's announcements, above the results of a walkthrough."""
    lines = ["[b $warning]From the White Cell[/]"]
    for a in announcements:
        first, *more = a.lines()
        lines.append(f"[b]{escape(first)}[/]")
        lines += [f"   {escape(m)}" for m in more]
    return "\n".join(lines)


def reason_markup(reason: Reason | None, seat: str) -> str:
    """A bot's reason for an order, under the order (see :mod:`wargame.table.reasons`)."""
    if reason is None:
        return ""
    room = seat in ("room", "public")
    # (the reason reads the board as it was when the orders were given, before this turn's results)
    label = ("Why the bot gave it, when it chose" if reason.own else
             "Why, on the board when it chose, as the room can see it" if room else
             "Why, on the board when it chose, as you can see it")
    return f"\n   [b $accent]{label}:[/] {escape(reason.text)}"


class WalkthroughScreen(Screen[None]):
    """The results of a phase, one at a time: what happened, the odds, the roll, the rule, the ¶,
    and why. Enter, space or → shows the next (and goes on after the last); ← the previous;
    y asks why; a shows all at once; Esc skips the rest (closes, when all are shown). The White Cell's actions since the last
    walkthrough (``announcements``) are shown above the results, all the way through. Under a
    bot's order, why it gave it (``reasons``, by cell, order kind and theatre), as ``seat`` may
    be told it."""

    # the footer's keys follow the mode (see check_action): one result at a time, or all at once
    BINDINGS = [
        Binding("enter,right,space", "next", "Next", priority=True),
        Binding("enter,right,space", "go_on", "Go on", priority=True),
        Binding("left", "previous", "Previous"),
        Binding("y", "why", "Why?"),
        Binding("a", "all", "Show all"),
        Binding("a", "one", "One at a time"),
        Binding("escape", "done", "Skip the rest"),
        Binding("escape", "close", "Close"),  # when all are shown, nothing is left to skip
    ]
    ABOUT = ("The results of a phase, one at a time: what happened, the odds and the roll, what changed, "
             "the rule and the paragraph (¶) of the article behind it. Under a bot's order, why it gave it. "
             "**y** on a result asks *why?*: the rule written out and the article's reasoning.")

    def __init__(self, rulebook: Rulebook, title: str, records: Sequence[Adjudication],
                 announcements: Sequence[Announcement] = (), seat: str = "room",
                 reasons: Mapping[tuple[str, str, str | None], Reason] | None = None, show_all: bool = False):
        super().__init__()
        self.rulebook = rulebook
        self.heading = title
        self.records = list(records)
        self.announcements = list(announcements)
        self.seat = seat
        self.reasons = dict(reasons or {})
        self.index = 0
        self.show_all = show_all
        self.auto_note = ""  # auto-play: when it goes on by itself

    def compose(self) -> ComposeResult:
        yield Label(self.heading, id="walk-title")
        yield Label("", id="walk-count")
        with VerticalScroll(id="walk-body"):
            news = Static(announcement_markup(self.announcements) if self.announcements else "", id="walk-news")
            news.display = bool(self.announcements)
            yield news
            yield Static("", id="walk-record")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresh_record()

    def markup(self, r: Adjudication) -> str:
        """A result as this seat is shown it, and under a bot's order why it gave it."""
        text = seat_words(record_markup(r), self.seat)
        if r.kind == "order" and r.cell:
            text += reason_markup(self.reasons.get((r.cell, r.ref, r.where)), self.seat)
        return text

    def refresh_record(self) -> None:
        body = self.query_one("#walk-record", Static)
        count = self.query_one("#walk-count", Label)
        auto = f"   [b $accent]{escape(self.auto_note)}[/]" if self.auto_note else ""
        if not self.records:
            count.update(("Enter: go on" if self.announcements else "Nothing happened that this seat may see.") + auto)
            body.update("")
            return
        if self.show_all:
            count.update(f"All {len(self.records)} results   Enter: go on   a: one at a time{auto}")
            body.update("\n\n".join(self.markup(r) for r in self.records))
        else:
            count.update(f"Result {self.index + 1} of {len(self.records)}   Enter: next   ←: back   y: why?   "
                         f"a: all   Esc: skip the rest{auto}")
            body.update(self.markup(self.records[self.index]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        one_by_one = bool(self.records) and not self.show_all
        if action in ("next", "previous", "why", "all"):
            return one_by_one
        if action in ("go_on", "one"):
            return not one_by_one and (action == "go_on" or bool(self.records))
        if action in ("done", "close"):
            return one_by_one == (action == "done")
        return True

    def action_go_on(self) -> None:
        self.dismiss()

    def action_next(self) -> None:
        if self.show_all:
            self.dismiss()
        elif self.index < len(self.records) - 1:
            self.index += 1
            self.refresh_record()
        else:
            self.dismiss()

    def action_previous(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.refresh_record()

    def action_all(self) -> None:
        self.show_all = True
        self.refresh_record()
        self.refresh_bindings()

    def action_one(self) -> None:
        self.show_all = False
        self.refresh_record()
        self.refresh_bindings()

    def action_why(self) -> None:
        if self.records:
            self.app.push_screen(WhyScreen(self.rulebook, self.records[self.index], self.seat))

    def action_done(self) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it is opened on, read off that screen's bindings (so the help
    cannot say a key does what it does not), then what that screen is for (its ``ABOUT``)."""

    BINDINGS = [Binding("escape,enter", "close", "Close")]
    ABOUT = "F1 or ? opens this help on any screen: the keys of that screen, then what the screen is for."

    def __init__(self, screen: Screen | None = None):
        super().__init__()
        self.for_screen = screen
        self.rows = key_rows(screen) if screen is not None else []
        self.about = getattr(screen, "ABOUT", "") if screen is not None else ""
        self.name_of = getattr(screen, "HELP_TITLE", "") or _title_of(screen)

    def text(self) -> str:
        lines = [f"# Keys: {self.name_of}", "", "| Key | What it does |", "|---|---|"]
        lines += [f"| **{_cell(keys)}** | {_cell(what)} |" for keys, what in self.rows]
        if self.about:
            lines += ["", self.about]
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(self.text())
            yield Button("Close (Esc)", id="close")
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_mount(self) -> None:
        self.query_one("#help-box", VerticalScroll).focus()  # ↑↓ scroll it; it opens at its top

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()


def toggle_help(app: App) -> None:
    """F1 (and ?) on any screen: open the help of the screen on top, or close the help if it is
    the one on top. The same for the table's app and a networked seat's."""
    if isinstance(app.screen, HelpScreen):
        app.screen.dismiss()
        return
    app.push_screen(HelpScreen(app.screen))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _title_of(screen: Screen | None) -> str:
    """A screen's name for its help: ``OrdersScreen`` -> "the orders screen"."""
    if screen is None:
        return "this screen"
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(screen).__name__.removesuffix("Screen")).lower()
    return f"the {words} screen"
