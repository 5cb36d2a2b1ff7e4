"""Why? The rule, order or card behind one result, its odds and roll, and the article's reasoning,
written for people: names by their titles, parameters by their values
(:meth:`~wargame.engine.rulebook.Rulebook.readable`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown

from wargame.engine.adjudication import Adjudication
from wargame.engine.rulebook import Rulebook
from wargame.engine.titles import placed
from wargame.tui.widgets.footer import KeysFooter


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


def _formulas(rulebook: Rulebook, expr) -> list[str]:
    """The formulas a chance reads, written out (never their values)."""
    return [f"- {rulebook.title(n)} = {rulebook.readable(rulebook.formula_text[n])}" for n in sorted(expr.names)
            if n in rulebook.formula_text]


def _chance(rulebook: Rulebook, expr) -> list[str]:
    """The chance as the rules compute it and the formulas it reads, a paragraph of its own (the
    Markdown would run lines with no blank line between them into one)."""
    formulas = _formulas(rulebook, expr)
    return [f"**Chance, as the rules compute it:** {rulebook.readable(expr.source)}", "", *formulas,
            *([""] if formulas else [])]


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
        lines = [f"# {placed(r.title, rb.where_title(r.where))}", "", r.sentence(rb), ""]
        if r.rolled and r.roll is not None:  # a d100 against the odds: "needed 37 or less, rolled 52"
            odds = r.chance_text + (" by your estimates (you cannot know the exact chance)" if r.band is not None else "")
            lines += [f"**Odds:** {odds}: {r.d100}, so {r.verdict} (it happens when the roll is at most the "
                      "number needed).", ""]
        if r.estimates:
            lines += ["**Your estimates** of what it reads: " + "; ".join(f"{rb.title(n)} {e}" for n, e in r.estimates), ""]
        if r.kind == "rule":
            rule = rb.rule(r.ref)
            claims = ", ".join(rule.claims)
            models = (f": it models the article's claim{'s' if len(rule.claims) > 1 else ''} {claims} "
                      "(listed in docs/claims.md)") if rule.claims else ""
            lines += [f"**Rule** *{rule.title}* ({cites}), in the {rule.phase} phase{models}.", "",
                      f"**The reasoning:** {rule.claim}", ""]
            if rule.when is not None:
                lines += [f"**When:** {rb.readable(rule.when.source)}", ""]
            if rule.chance is not None:
                lines += _chance(rb, rule.chance)
            lines.append("**Effects:** " + "; ".join(rb.readable(e.source) for e in rule.effects))
        elif r.kind == "order":
            kind = rb.order_kinds[r.ref]
            lines += [f"**Order** of the {rb.title(r.cell or '')}, *{kind.title}* ({cites}): {kind.text}", ""]
            if kind.chance is not None:
                lines += _chance(rb, kind.chance)
            lines.append("**On success:** " + ("; ".join(rb.readable(e.source) for e in kind.success) or "nothing"))
            if kind.failure:
                lines += ["", "**On failure:** " + "; ".join(rb.readable(e.source) for e in kind.failure)]
        elif r.kind in ("card", "inject") and r.ref in rb.cards:
            card = rb.cards[r.ref]
            deck = rb.decks[card.deck]
            lines += [f"**Card** *{card.title}* of the {deck.title} deck ({cites}).", "", deck.text, ""]
            if card.when is not None:
                lines += [f"**In play when:** {rb.readable(card.when.source)}", ""]
            lines.append("**Effects:** " + "; ".join(rb.readable(e.source) for e in card.effects))
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
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
