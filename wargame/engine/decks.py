"""``decks/*.toml``: the decks of event cards, one a file, checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from attrs import frozen

from wargame.engine.checks import check_template, read_effects, read_expression, scope_of
from wargame.engine.declarations import DECLARATION_KEYS
from wargame.engine.effects import Effect
from wargame.engine.expressions import Expression, Name
from wargame.engine.limits import MAX_CARDS, MAX_TITLE
from wargame.engine.reading import ID, Problems, Table, cut, entries, show


@frozen
class Card:
    id: str
    deck: str
    title: str
    text: str
    cites: tuple[int, ...]
    theatre: str | None
    when: Expression | None
    effects: tuple[Effect, ...]


@frozen
class Deck:
    id: str
    title: str
    text: str
    cites: tuple[int, ...]
    cards: tuple[Card, ...]


def load_deck(data: dict[str, Any], path: str, names: dict[str, Name], theatres: set[str], seen: set[str], problems: Problems):
    """The deck of ``data`` (read from ``path``, whose name is its id unless it gives one), with the cards
    that pass every check. A card may name one of ``theatres``; ``seen`` collects the card ids of every
    deck, to report one used twice. What is wrong goes to ``problems``."""
    top = Table(data, path, problems)
    head = Table(top.get("deck", dict, {}), path + ": [deck]", problems)
    deck_id = head.get("id", str, None) or Path(path).stem  # optional: the file's name
    if not ID.match(deck_id):
        head.fail(f"id {show(deck_id)} should be lower case letters, digits, '-', '_' or '.'")
    title = head.text("title", None, most=MAX_TITLE) or deck_id  # optional: the id
    text = head.text("text", "")
    cites = head.cites()
    head.used.update(DECLARATION_KEYS)  # read in a second pass (wargame.engine.declarations)
    head.unknown_keys()
    cards = []
    for t, ident in entries(top, "card", seen, MAX_CARDS):
        theatre = t.get("theatre", str, None)
        if theatre is not None and theatre not in theatres:
            t.fail(f"theatre {show(theatre)} is not a theatre of any scenario ({cut(', '.join(sorted(theatres)), 200)})")
        scope = scope_of("theatre" if theatre else "global", names)
        check_template(t.get("text", str) or "", scope, t, "text")
        card = Card(
            id=ident,
            deck=deck_id,
            title=t.text("title", most=MAX_TITLE) or "",
            text=t.get("text", str) or "",
            cites=t.cites(),
            theatre=theatre,
            when=read_expression(t, "when", scope),
            effects=read_effects(t, "effects", scope, frozenset()),
        )
        if not t.data.get("effects"):
            t.fail("a card needs at least one effect")
        t.used.update(DECLARATION_KEYS)  # read in a second pass (wargame.engine.declarations)
        t.unknown_keys()
        if t.ok:
            cards.append(card)
    top.unknown_keys()
    if not cards:
        problems.add(path, "a deck needs at least one card")
    return Deck(id=deck_id, title=title, text=text, cites=cites, cards=tuple(cards))
