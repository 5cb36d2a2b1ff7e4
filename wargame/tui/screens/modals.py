"""Small screens over the board: the handover, the adjudication walkthrough, "why?", help."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.adjudication import Adjudication
from wargame.engine.rulebook import Rulebook
from wargame.record.fog import Announcement
from wargame.table.reasons import Reason
from wargame.tui.keys import key_rows
from wargame.tui.widgets.board import record_markup


class HandoverScreen(Screen[str | None]):
    """Hides everything between two cells: nothing of the last cell's choices is on screen.
    Dismisses with None (the next cell is at the keyboard) or the id of a cell that takes its
    orders back to change them (``take_back``: the cells that may, with their titles)."""

    BINDINGS = [
        Binding("enter", "ready", "I am this cell: show my screen", priority=True),
        Binding("u", "take_back", "Take back orders"),
    ]
    ABOUT = ("Everything of the last cell's orders is hidden here. The cell named on screen takes the "
             "keyboard and presses Enter. Until the last cell has given its orders, a cell that has given "
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
            yield Label("Everyone else, look away. Then press Enter.")
            if self.take_back:
                names = ", ".join(title for _, title in self.take_back)
                yield Label(f"[$text-muted]Given their orders: {escape(names)}. "
                            "u: a cell takes its orders back to change them.[/]", id="handover-undo")
            yield Button("I am ready", id="ready", variant="primary")
        yield Footer()

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
        after = ("[b $warning]You are the last cell: the turn is adjudicated as soon as you give them.[/]"
                 if self.last else
                 "Until the last cell has given its orders, you can take them back to change them: "
                 "press [b]u[/] on the handover screen.")
        with Vertical(classes="replay-modal-box", id="confirm-box"):
            yield Label(f"[b]{escape(self.cell_title)}: give {what}?[/]")
            yield Static("\n".join(self.lines) or "[$text-muted]Giving no orders is allowed.[/]", id="confirm-orders")
            yield Static(after, id="confirm-after")
            with Horizontal(classes="replay-buttons"):
                yield Button("Give them (Enter)", id="give", variant="primary")
                yield Button("Keep choosing (Esc)", id="back")

    def on_mount(self) -> None:
        self.query_one("#give", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "give")

    def action_cancel(self) -> None:
        self.dismiss(False)


def _formulas(rulebook: Rulebook, expr) -> list[str]:
    """The formulas a chance reads, written out (never their values)."""
    return [f"- `{n}` = `{rulebook.formula_text[n]}`" for n in sorted(expr.names) if n in rulebook.formula_text]


class WhyScreen(ModalScreen[None]):
    """The rule or card behind a record, and the article's reasoning. Give it the record as the
    seat is shown it (:func:`wargame.engine.shown.render_records`): the formulas are written out, the
    values it reads that the seat may not know only as the seat's estimates."""

    BINDINGS = [Binding("escape,enter", "close", "Close")]

    ABOUT = "The rule, order or card behind one result, its odds and roll, and the article's reasoning."

    def __init__(self, rulebook: Rulebook, record: Adjudication, seat: str = "white"):
        super().__init__()
        self.rulebook = rulebook
        self.record = record
        self.seat = seat

    def explanation(self) -> str:
        r = self.record
        rb = self.rulebook
        cites = ", ".join(f"¶{c}" for c in r.cites)
        where = f" in {rb.where_title(r.where)}" if r.where else ""
        lines = [f"# {r.title}{where}", "", r.sentence(rb), ""]
        if r.rolled and r.roll is not None:  # a d100 against the odds: "needed 37 or less, rolled 52"
            odds = r.chance_text + (" by your estimates (you cannot know the exact chance)" if r.band is not None else "")
            lines += [f"**Odds:** {odds}: {r.d100}, so {r.verdict} (it happens when the roll is at most the "
                      "number needed).", ""]
        if r.estimates:
            lines += ["**Your estimates** of what it reads: " + "; ".join(f"{rb.title(n)} {e}" for n, e in r.estimates), ""]
        if r.kind == "rule":
            rule = rb.rule(r.ref)
            lines += [f"**Rule** *{rule.title}* ({cites}), in the {rule.phase} phase, claims {', '.join(rule.claims)}.", "",
                      f"**The reasoning:** {rule.claim}", ""]
            if rule.when is not None:
                lines.append(f"**When:** `{rule.when.source}`")
            if rule.chance is not None:
                lines.append(f"**Chance:** `{rule.chance.source}`")
                lines += _formulas(rb, rule.chance)
            lines.append("**Effects:** " + "; ".join(f"`{e.source}`" for e in rule.effects))
        elif r.kind == "order":
            kind = rb.order_kinds[r.ref]
            lines += [f"**Order** of the {rb.title(r.cell or '')}, *{kind.title}* ({cites}): {kind.text}", ""]
            if kind.chance is not None:
                lines.append(f"**Chance:** `{kind.chance.source}`")
                lines += _formulas(rb, kind.chance)
            lines.append("**On success:** " + ("; ".join(f"`{e.source}`" for e in kind.success) or "nothing"))
            if kind.failure:
                lines.append("**On failure:** " + "; ".join(f"`{e.source}`" for e in kind.failure))
        elif r.kind in ("card", "inject") and r.ref in rb.cards:
            card = rb.cards[r.ref]
            deck = rb.decks[card.deck]
            lines += [f"**Card** *{card.title}* of the {deck.title} deck ({cites}).", "", deck.text, ""]
            if card.when is not None:
                lines.append(f"**In play when:** `{card.when.source}`")
            lines.append("**Effects:** " + "; ".join(f"`{e.source}`" for e in card.effects))
        if r.changes:
            lines += ["", "**What changed:** " + "; ".join(
                f"{rb.title(n)} {rb.value_text(n, a)}→{rb.value_text(n, b)}" if a >= 0 or b >= 0
                else f"{rb.title(n)} (hidden from you)" for n, a, b in r.changes)]
        if r.original is not None:
            lines += ["", f"**Overridden by the White Cell** (the engine said: "
                          f"{'it happened' if r.original else 'it did not happen'}): {r.justification}"]
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why-box"):
            yield Markdown(seat_words(self.explanation(), self.seat))
            yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()


def announcement_markup(announcements: Sequence[Announcement]) -> str:
    """The White Cell's announcements, above the results of a walkthrough."""
    lines = ["[b $warning]From the White Cell[/]"]
    for a in announcements:
        first, *more = a.lines()
        lines.append(f"[b]{escape(first)}[/]")
        lines += [f"   {escape(m)}" for m in more]
    return "\n".join(lines)


def seat_words(text: str, seat: str) -> str:
    """The engine writes a seat's estimates as "your estimates"; on the room's screen (the whole
    room reads it) they are the room's."""
    if seat not in ("room", "public"):
        return text
    for mine, room in (("by your estimates", "by the room's estimates"),
                       ("by your last estimate", "by the room's last estimate"),
                       ("Your estimates", "The room's estimates"),
                       ("(you cannot know the exact chance)", "(the room cannot know the exact chance)")):
        text = text.replace(mine, room)
    return text


def reason_markup(reason: Reason | None, seat: str) -> str:
    """A bot's reason for an order, under the order (see :mod:`wargame.table.reasons`)."""
    if reason is None:
        return ""
    room = seat in ("room", "public")
    label = "Why the bot gave it" if reason.own else "Why, as the room can see it" if room else "Why, as you can see it"
    return f"\n   [b $accent]{label}:[/] {escape(reason.text)}"


class WalkthroughScreen(Screen[None]):
    """The results of a phase, one at a time: what happened, the odds, the roll, the rule, the ¶,
    and why. Enter, space or → shows the next (and goes on after the last); ← the previous;
    y asks why; a shows all at once; Esc skips the rest. The White Cell's actions since the last
    walkthrough (``announcements``) are shown above the results, all the way through. Under a
    bot's order, why it gave it (``reasons``, by cell, order kind and theatre), as ``seat`` may
    be told it."""

    BINDINGS = [
        Binding("enter,right,space", "next", "Next", priority=True),
        Binding("left", "previous", "Previous"),
        Binding("y", "why", "Why?"),
        Binding("a", "all", "Show all"),
        Binding("escape", "done", "Skip the rest"),
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
        yield Footer()

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
        self.show_all = not self.show_all
        self.refresh_record()

    def action_why(self) -> None:
        if self.records:
            self.app.push_screen(WhyScreen(self.rulebook, self.records[self.index], self.seat))

    def action_done(self) -> None:
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

    def on_mount(self) -> None:
        self.query_one("#help-box", VerticalScroll).focus()  # ↑↓ scroll it; it opens at its top

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _title_of(screen: Screen | None) -> str:
    """A screen's name for its help: ``OrdersScreen`` -> "the orders screen"."""
    if screen is None:
        return "this screen"
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(screen).__name__.removesuffix("Screen")).lower()
    return f"the {words} screen"
