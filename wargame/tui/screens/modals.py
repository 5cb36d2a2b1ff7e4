"""Small screens over the board: the handover, the adjudication walkthrough, "why?", help."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Label, Markdown, Static

from wargame.engine.adjudication import Adjudication
from wargame.engine.rulebook import Rulebook
from wargame.record.fog import Announcement
from wargame.tui.widgets.board import record_markup


class HandoverScreen(Screen[None]):
    """Hides everything between two cells: nothing of the last cell's choices is on screen."""

    BINDINGS = [Binding("enter", "ready", "I am the next cell: show my screen", priority=True)]

    def __init__(self, cell_title: str, turn_label: str):
        super().__init__(classes="handover")
        self.cell_title = cell_title
        self.turn_label = turn_label

    def compose(self) -> ComposeResult:
        with Vertical(id="handover-box"):
            yield Label(f"{self.turn_label}", id="handover-turn")
            yield Label(f"Pass the keyboard to: [b]{escape(self.cell_title)}[/]", id="handover-cell")
            yield Label("Everyone else, look away. Then press Enter.")
            yield Button("I am ready", id="ready", variant="primary")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()

    def action_ready(self) -> None:
        self.dismiss()


def _formulas(rulebook: Rulebook, expr) -> list[str]:
    """The formulas a chance reads, written out (never their values)."""
    return [f"- `{n}` = `{rulebook.formula_text[n]}`" for n in sorted(expr.names) if n in rulebook.formula_text]


class WhyScreen(ModalScreen[None]):
    """The rule or card behind a record, and the article's reasoning. Give it the record as the
    seat is shown it (:func:`wargame.engine.shown.render_records`): the formulas are written out, the
    values it reads that the seat may not know only as the seat's estimates."""

    BINDINGS = [Binding("escape,enter,y", "close", "Close")]

    def __init__(self, rulebook: Rulebook, record: Adjudication):
        super().__init__()
        self.rulebook = rulebook
        self.record = record

    def explanation(self) -> str:
        r = self.record
        rb = self.rulebook
        cites = ", ".join(f"¶{c}" for c in r.cites)
        lines = [f"# {r.title}", "", r.text, ""]
        if r.rolled and r.roll is not None:
            odds = r.chance_text + (" by your estimates (you cannot know the exact chance)" if r.band is not None else "")
            lines.append(f"**Odds:** {odds}; the roll was {r.roll:.2f}, so it "
                         f"{'happened' if r.happened else 'did not happen'} (it happens when the roll is below the chance).")
        if r.estimates:
            lines.append("**Your estimates** of what it reads: " + "; ".join(f"{n} {e}" for n, e in r.estimates))
        if r.kind == "rule":
            rule = rb.rule(r.ref)
            lines += [f"**Rule** `{rule.id}` ({cites}), in the {rule.phase} phase, claims {', '.join(rule.claims)}.", "",
                      f"**The reasoning:** {rule.claim}", ""]
            if rule.when is not None:
                lines.append(f"**When:** `{rule.when.source}`")
            if rule.chance is not None:
                lines.append(f"**Chance:** `{rule.chance.source}`")
                lines += _formulas(rb, rule.chance)
            lines.append("**Effects:** " + "; ".join(f"`{e.source}`" for e in rule.effects))
        elif r.kind == "order":
            kind = rb.order_kinds[r.ref]
            lines += [f"**Order** `{kind.id}` of {r.cell} ({cites}): {kind.text}", ""]
            if kind.chance is not None:
                lines.append(f"**Chance:** `{kind.chance.source}`")
                lines += _formulas(rb, kind.chance)
            lines.append("**On success:** " + ("; ".join(f"`{e.source}`" for e in kind.success) or "nothing"))
            if kind.failure:
                lines.append("**On failure:** " + "; ".join(f"`{e.source}`" for e in kind.failure))
        elif r.kind in ("card", "inject") and r.ref in rb.cards:
            card = rb.cards[r.ref]
            deck = rb.decks[card.deck]
            lines += [f"**Card** `{card.id}` of the {deck.title} deck ({cites}).", "", deck.text, ""]
            if card.when is not None:
                lines.append(f"**In play when:** `{card.when.source}`")
            lines.append("**Effects:** " + "; ".join(f"`{e.source}`" for e in card.effects))
        if r.changes:
            lines += ["", "**What changed:** " + "; ".join(
                f"{n} {a}→{b}" if a >= 0 or b >= 0 else f"{n} (hidden from you)" for n, a, b in r.changes)]
        if r.original is not None:
            lines += ["", f"**Overridden by the White Cell** (the engine said: "
                          f"{'it happened' if r.original else 'it did not happen'}): {r.justification}"]
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why-box"):
            yield Markdown(self.explanation())
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


class WalkthroughScreen(Screen[None]):
    """The results of a phase, one at a time: what happened, the odds, the roll, the rule, the ¶,
    and why. Enter, space or → shows the next (and goes on after the last); ← the previous;
    y asks why; a shows all at once; Esc skips the rest. The White Cell's actions since the last
    walkthrough (``announcements``) are shown above the results, all the way through."""

    BINDINGS = [
        Binding("enter,right,space", "next", "Next", priority=True),
        Binding("left", "previous", "Previous"),
        Binding("y", "why", "Why?"),
        Binding("a", "all", "Show all"),
        Binding("escape", "done", "Skip the rest"),
    ]

    def __init__(self, rulebook: Rulebook, title: str, records: Sequence[Adjudication],
                 announcements: Sequence[Announcement] = ()):
        super().__init__()
        self.rulebook = rulebook
        self.heading = title
        self.records = list(records)
        self.announcements = list(announcements)
        self.index = 0
        self.show_all = False

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

    def refresh_record(self) -> None:
        body = self.query_one("#walk-record", Static)
        count = self.query_one("#walk-count", Label)
        if not self.records:
            count.update("Enter: go on" if self.announcements else "Nothing happened that this seat may see.")
            body.update("")
            return
        if self.show_all:
            count.update(f"All {len(self.records)} results   Enter: go on   a: one at a time")
            body.update("\n\n".join(record_markup(r) for r in self.records))
        else:
            count.update(f"Result {self.index + 1} of {len(self.records)}   Enter: next   ←: back   y: why?   "
                         "a: all   Esc: skip the rest")
            body.update(record_markup(self.records[self.index]))

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
            self.app.push_screen(WhyScreen(self.rulebook, self.records[self.index]))

    def action_done(self) -> None:
        self.dismiss()


HELP = """\
# How to play

A turn is a quarter. Each turn:

1. **Events** are drawn from the decks (Leader Death, Territorial Loss, Reform).
2. **Orders**: each cell in turn gets the keyboard after a handover screen, and picks up to
   three legal orders within its budget. An order that is not available says why.
3. **Adjudication**: the results are shown one by one, with the odds, the roll, the rule and
   the paragraph of the article behind it. Press **y** on any result to ask *why?*
4. The **turn summary** shows what changed and why; then the room pauses on the board (a moment for
   discussion, and for the White Cell) until someone presses **space**.

## Keys

| Key | What it does |
|---|---|
| **Enter**, **space**, **→** | next result / continue |
| **←** | previous result |
| **Esc** | skip the rest of the results |
| **y** | why? (the rule and the article's reasoning) |
| **w** | White Cell (facilitator) controls |
| **c** | charts of the main tracks |
| **o** | objectives |
| **ctrl+p** | command palette |
| **F1** | this help |
| **space** | on the board after a turn: start the next turn |
| **ctrl+q** | quit (the game is saved after every step; `wargame play --load SAVE` continues it) |

The board shows what the cell at the keyboard may see: its own tracks exactly, the others'
secret tracks as ranges (`6-9`), and nothing of anyone's pending orders. Odds that read what a
cell cannot know exactly are shown as a band over its estimates (`20%–40%`), and so are the
objectives' points (`0–1/2`).
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(HELP)
            yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
