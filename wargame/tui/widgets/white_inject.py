"""The White Cell's inject pane: play a card from a deck, in the open or secretly, with a note."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.board import Board
from wargame.engine.decks import Card
from wargame.record.commands import CommandError
from wargame.record.document import SaveError
from wargame.table.session import Session
from wargame.tui.widgets.lists import Tick
from wargame.tui.widgets.white_pane import SECRET, WhitePane, markup, told_markup


class InjectPane(WhitePane):
    """Inject a card: a deck, then a card (Enter), then a note (optional), Enter to play it;
    ``changed`` is called once it is played."""

    def __init__(self, session: Session, changed: Callable[[], None], *, id: str):
        super().__init__(session, id=id)
        self.changed = changed
        self.deck: str | None = None
        self.card: str | None = None
        self.eligible: dict[str, str] = {}

    def compose(self) -> ComposeResult:
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
        yield Tick(SECRET + " A card is played in the open: one that changes the public board is "
                       "told to all.", id="inject-secret", compact=True)
        yield Static("", id="inject-out", classes="white-out")

    def open(self) -> None:
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
                out[card.id] = f"not in this scenario ({rb.where_title(card.theatre)})"
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
        self.deck = event.option.id
        self.fill_cards()
        cards = self.query_one("#inject-cards", OptionList)
        cards.highlighted = 0
        cards.focus()

    def status(self, card: Card) -> str:
        """Where a card stands now: played already (or set aside), else whether it is eligible."""
        pile = self.pile_of(card)
        if pile in ("played already", "set aside"):
            return pile
        return self.eligible.get(card.id, "")

    def fill_cards(self) -> None:
        """The deck's cards, each with where it stands now (worked out again after an inject)."""
        if self.deck is None:
            return
        rb = self.session.rulebook
        deck = rb.decks[self.deck]
        self.eligible = self.eligibility()
        cards = self.query_one("#inject-cards", OptionList)
        highlighted = cards.highlighted
        cards.clear_options()
        for c in deck.cards:
            status = self.status(c)
            mark = "[$success]eligible now[/]" if status == "eligible now" else f"[$text-muted]{escape(status)}[/]"
            cards.add_option(Option(f"{escape(c.title)}  {mark}", id=c.id,
                                    disabled=status.startswith("not in this scenario")))
        if highlighted is not None and highlighted < cards.option_count:
            cards.highlighted = highlighted
        self.query_one("#inject-cards-title", Label).update(
            f"Cards of the {escape(deck.title)} deck ({len(deck.cards)})")

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
        where = f" in {rb.where_title(card.theatre)}" if card.theatre else ""
        chosen = ("[b $accent]Chosen[/] (Enter in the note to play it): " if card_id == self.card
                  else "[$text-muted]Enter to choose:[/] ")
        status = self.eligible.get(card.id, "")
        pile = self.pile_of(card)
        self.query_one("#inject-card", Static).update(
            f"{chosen}[b]{escape(card.title)}[/]{escape(where)}\n[$text-muted]{escape(deck.title)} deck · "
            + (f"{escape(status)} · " if pile not in ("played already", "set aside") else "")
            + f"{pile}[/]\n{escape(card.text)}")

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
        # the board's last turn (Session.last_turn_for, read from the log) shows the card to the
        # room by itself, unless it is secret
        index = len(self.session.game.steps) - 1
        self.query_one("#inject-out", Static).update(markup(step.records) + "\n" + told_markup(self.session, index))
        self.query_one("#inject-secret", Checkbox).value = False
        self.query_one("#inject-card", Static).update("")
        self.warn("#inject-warn")
        self.query_one("#inject-note", Input).value = ""
        self.say(f"Injected: {self.session.rulebook.cards[self.card].title}", "White Cell")
        self.card = None
        self.changed()
        self.fill_cards()  # the card just played is no longer "eligible now"
        self.query_one("#inject-out", Static).scroll_visible()

