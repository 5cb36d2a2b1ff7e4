"""Every name has a title, in the rulebook's data, and nothing a person reads shows the names (issue 12, finding 3).

``iraq.grievance 8→9``, ``[lake_chad]``, ``offshoot-1.strength``, ``tally_cards_drawn``, ``Order
is.defend of is``, ``relation_stage 0/1``, a Reform column reading ``2f``, "6.33333 → 6.33333":
the screens, logs and reports showed the rulebook's names. Every name of the board now has a
title and a one-line text in rules/titles.toml, checked at load (a name without one is refused,
exit 3, one line), and every text the product renders names things by their titles.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.bounded import appended, copy_rulebook, in_process, one_line
from wargame.bots.play import account, bots_for, parse_seats, play
from wargame.engine.board import COMPUTED, GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_COMPUTED, THEATRE_TRACKS
from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.engine.shown import render_records
from wargame.engine.titles import ORIGINS, STAGE_IDS, TITLES_FILE
from wargame.engine.turn import new_game
from wargame.engine.view import SEATS, view
from wargame.record.bundle import remember_folders
from wargame.record.game import Game, Header, play_bots
from wargame.record.load import load
from wargame.record.save import document, write_save
from wargame.record.signing import unsigned
from wargame.table.brief import brief
from wargame.table.brief_render import render_markdown
from wargame.table.examples import random_choosers
from wargame.tui.widgets.board import board_text, record_markup

# A name as the rulebook writes it: snake_case, or a dotted id (is.defend, iraq.grievance).
RAW = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+\b|\boffshoot-\d+\b")


def raw_names(text: str) -> list[str]:
    """The rulebook's names in a text a person reads (the ¶ references in brackets aside)."""
    text = re.sub(r"\[(?:/|\$|b |i\b|[^\]]*¶)[^\]]*\]", "", text)  # markup, and [ref ¶n] for a facilitator
    return sorted(set(RAW.findall(text)))


# --- the data ------------------------------------------------------------------------------------


def test_every_name_of_the_board_has_a_title_and_a_line_on_what_it_means(rulebook):
    names = [*GLOBAL_TRACKS, *THEATRE_TRACKS, *OFFSHOOT_TRACKS, *COMPUTED, *THEATRE_COMPUTED,
             *(n for n, _ in rulebook.formulas), *CELLS, *ORIGINS]
    for name in names:
        title, text = rulebook.title(name), rulebook.describe(name)
        assert title and title != name and not RAW.search(title), name
        assert text and "\n" not in text and not RAW.search(text), name
    for stage, ident in enumerate(STAGE_IDS):
        assert rulebook.stage_title(stage) and rulebook.titles.stage(stage).text, ident
    for scenario in rulebook.scenarios.values():
        for t in scenario.initial.theatres:
            assert rulebook.title(t.name) == t.title and rulebook.describe(t.name), t.name
    for ref in [*rulebook.order_kinds, *(r.id for r in rulebook.rules), *rulebook.cards, *rulebook.decks]:
        assert rulebook.title(ref) != ref and rulebook.describe(ref), ref


def test_titles_tell_the_names_apart(rulebook):
    for names in (GLOBAL_TRACKS, THEATRE_TRACKS, COMPUTED):
        titles = [rulebook.title(n) for n in names]
        assert len(set(titles)) == len(titles), sorted(t for t in titles if titles.count(t) > 1)


@pytest.mark.parametrize("name, title", [("is_funds", "IS funds"), ("iraq.grievance", "Grievance in Iraq"),
                                         ("lake_chad", "Lake Chad"), ("offshoot-1.strength", "Strength of offshoot 1"),
                                         ("is.defend", "Defend held ground"), ("tally_cards_drawn", "Cards played"),
                                         ("relation_stage", "AQ-IS relation"), ("is", "Islamic State"),
                                         ("not_a_name", "not a name")])
def test_a_name_and_its_title(rulebook, name, title):
    assert rulebook.title(name) == title
    assert rulebook.order_title("coalition.air_campaign", "iraq") == "Air campaign in Iraq"


def check(rules: Path, decks: Path):
    return in_process(["--rules", rules, "--decks", decks, "check"])


def test_a_name_without_a_title_is_refused_in_one_line(book):
    base, rules, decks = book
    path = rules / TITLES_FILE
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("is_funds = "))
    try:
        path.write_text(text.replace(line + "\n", ""), encoding="utf-8")
        one_line(check(rules, decks), 3, str(path), "[tracks]", "is_funds")
    finally:
        path.write_text(text, encoding="utf-8")


def test_a_new_formula_needs_a_title(book):
    base, rules, decks = book
    params = rules / "parameters.toml"
    text = params.read_text(encoding="utf-8")
    try:
        params.write_text(text.replace("[formulas]\n", '[formulas]\nlateness = "clamp((year - 2016) / 10, 0, 1)"\n', 1),
                          encoding="utf-8")
        one_line(check(rules, decks), 3, TITLES_FILE, "[formulas]", "lateness")
        with appended(rules / TITLES_FILE, '[formulas.lateness]\ntitle = "Lateness"\ntext = "How late in the war it is."'):
            done = check(rules, decks)
            assert done.code == 0, done.err
            assert load_rulebook(rules, decks).title("lateness") == "Lateness"
    finally:
        params.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("entry, words", [
    ('[tracks.is_fundz]\ntitle = "x"\ntext = "y"', ("is_fundz", "no global track")),
    ('[theatres.atlantis]\ntext = "y"', ("atlantis", "no scenario has a theatre")),
    ('[cells.white]\ntitle = "x"\ntext = "y"', ("white", "no cell")),
])
def test_a_title_for_a_name_the_board_does_not_have_is_refused(book, entry, words):
    base, rules, decks = book
    with appended(rules / TITLES_FILE, entry):
        one_line(check(rules, decks), 3, TITLES_FILE, *words)


@pytest.mark.parametrize("old, new, words", [
    ('is_funds = { title = "IS funds", ', 'is_funds = { title = "IS {funds}", ', ("is_funds", "braces")),
    ('is_funds = { title = "IS funds", ', 'is_funds = { title = "", ', ("is_funds", "not empty")),
    ('is_funds = { title = "IS funds", ', 'is_funds = { colour = 1, title = "IS funds", ', ("is_funds", "colour")),
])
def test_a_malformed_title_is_refused(book, old, new, words):
    base, rules, decks = book
    path = rules / TITLES_FILE
    text = path.read_text(encoding="utf-8")
    try:
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        one_line(check(rules, decks), 3, TITLES_FILE, *words)
    finally:
        path.write_text(text, encoding="utf-8")


def test_a_rulebook_without_titles_is_refused(tmp_path):
    rules, decks = copy_rulebook(tmp_path)
    (rules / TITLES_FILE).unlink()
    one_line(check(rules, decks), 3, f"{rules / TITLES_FILE}: missing")


def test_a_game_saved_before_titles_existed_loads_verified_and_shows_todays_titles(rulebook, tmp_path):
    rules, decks = copy_rulebook(tmp_path / "old")
    (rules / TITLES_FILE).unlink()
    old = load_rulebook(rules, decks, titles_required=False)  # the rules as they were, saved in the game
    assert old.digest != rulebook.digest and old.title("is_funds") == rulebook.title("is_funds")
    remember_folders(rules, decks)
    game = Game(old, Header("exercise", 4, {c: "random" for c in CELLS}, "Old", "old-titles"))
    play_bots(game, random_choosers(old, 4), 2)
    path = tmp_path / "old.json"
    with unsigned():
        write_save(path, document(game))
    shutil.rmtree(tmp_path / "old")  # nothing left of those rules but the copy in the save
    doc, loaded, verification = load(path, rulebook)
    assert doc.rulebook_files is not None and verification.verified, verification.message
    assert loaded.rulebook.digest == old.digest != rulebook.digest
    assert loaded.rulebook.title("iraq.grievance") == "Grievance in Iraq"


# --- what is rendered --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def played():
    rb = load_rulebook()
    state = new_game(rb, "spring-2016", 11)
    return rb, list(play(rb, state, bots_for(parse_seats("all=doctrine:mixed"), 11, rb), turns=8))


def test_the_headless_log_names_nothing_by_its_id(played):
    rb, turns = played
    for seat in ("white", "is", "coalition", "public"):
        for turn in turns:
            lines = account(rb, turn, verbose=True, seat=seat)
            for line in lines:
                assert not raw_names(line), (seat, raw_names(line), line)
                if seat != "white":
                    assert not re.search(r"\[[^\]]*[a-z]\.[a-z]", line), line  # no rule id, even in brackets


def test_the_board_and_the_records_on_screen_name_nothing_by_its_id(played):
    rb, turns = played
    for turn in turns:
        for seat in SEATS:
            v = view(turn.state, seat)
            text = board_text(v, {d.id: d.title for d in rb.decks.values()}, rb)
            assert not raw_names(text), (seat, raw_names(text))
            assert not re.search(r"\d+f\b", text), "the Reform column says 'faithful', not 'f'"
            base = turn.orders_state or turn.state
            for r in render_records(rb, turn.results, base, seat):
                markup = record_markup(r, rb)
                assert not raw_names(markup), (seat, raw_names(markup), markup)


def test_numbers_are_written_for_people(played):
    rb, turns = played
    for turn in turns:
        for line in account(rb, turn, verbose=True):
            assert not re.search(r"\d\.\d{3,}", line), line  # never 6.33333
            assert not re.search(r"\b(\d*[02-9])?1th\b|\b(\d*[02-9])?2th\b|\b(\d*[02-9])?3th\b", line), line


@pytest.mark.parametrize("seat", CELLS + ("white",))
def test_a_brief_names_nothing_by_its_id(rulebook, seat):
    text = render_markdown(brief(rulebook, "spring-2016", seat, seed=3))
    assert not raw_names(text.replace("<!-- wargame brief -->", "")), raw_names(text)


def test_every_expression_of_the_rulebook_reads_without_internal_names():
    """The why? screen writes each rule's and order's condition and chance for people: every name
    by its title, every parameter by its value; only the language's own words and quoted ids stay."""
    import re

    rb = load_rulebook()
    sources = [e.source for r in rb.rules for e in (r.when, r.chance) if e is not None]
    sources += [k.chance.source for k in rb.orders if k.chance is not None]
    sources += [e.source for _, e in rb.formulas]
    words = {"and", "or", "not", "if", "else", "abs", "ceil", "clamp", "floor", "max", "min"}
    for source in sources:
        text = re.sub(r'"[^"]*"', "", rb.readable(source))
        left = {w for w in re.findall(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b", text)} - words
        assert not left, (source, left)


def test_a_record_says_where_it_happened_once() -> None:
    """A card whose title names its place already is not placed twice: "Cessation of hostilities
    in Syria", not "... in Syria in Syria"; an adjective is not the place ("Syrian ceasefire breaks
    down in Syria"); every line of a played game says each place at most as its title does."""
    import re

    from wargame.bots.play import bots_for, parse_seats, play
    from wargame.engine.rulebook import load_rulebook
    from wargame.engine.titles import placed
    from wargame.engine.turn import new_game

    assert placed("Cessation of hostilities in Syria", "Syria") == "Cessation of hostilities in Syria"
    assert placed("Pushed back from Libya's oil crescent", "Libya") == "Pushed back from Libya's oil crescent"
    assert placed("Syrian ceasefire breaks down", "Syria") == "Syrian ceasefire breaks down in Syria"
    assert placed("Air campaign", "Iraq") == "Air campaign in Iraq" and placed("Air campaign", "") == "Air campaign"
    rb = load_rulebook()
    lines = [r.line(rb) for seed in range(12)
             for t in play(rb, new_game(rb, "spring-2016", seed), bots_for(parse_seats("all=doctrine:mixed"), seed, rb))
             for r in t.events + t.results if r.where in rb.titles.theatres]
    places = [rb.where_title(w) for w in rb.titles.theatres]
    assert lines and not [line for line in lines for p in places if f"{p} in {p}:" in line
                          or re.search(rf"\b{re.escape(p)}\b.* in {re.escape(p)}:", line.split(":")[0] + ":")]
