"""The doctrine as data (rules/doctrine.toml, wargame.bots.doctrine_data): the promises a designer relies on.

- The doctrine games are the games they were: a few seeds' orders, reasons and final digests
  match ``tests/golden/doctrine_games.json``, recorded when the doctrine moved from Python into
  the data (every seat set: standard, cautious, aggressive, mixed, and the experiments' knobs). A
  deliberate change of the doctrine (or of the rules) changes them: regenerate the file with
  ``.venv/bin/python -m tests.test_doctrine_data`` and say in the commit why the games changed.
- An order whose ``when`` fails is never chosen; every reason cites the ¶ it rests on; every order
  kind of the rulebook has a doctrine entry or is listed as not played.
- A bad doctrine file is refused in one line naming it, exit 3, like every other data file.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.bounded import in_process, one_line
from tests.strategies import states
from wargame.bots.doctrine import POSTURES, Doctrine
from wargame.bots.doctrine_bot import DoctrineBot, judge
from wargame.bots.doctrine_data import DOCTRINE_NAMES, doctrine_book, load_doctrine
from wargame.bots.picture import Picture
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, digest
from wargame.engine.reading import RulebookError, read_toml
from wargame.engine.rulebook import DOCTRINE_FILE, RULES_DIR, load_rulebook
from wargame.engine.turn import new_game
from wargame.engine.view import view

RULEBOOK = load_rulebook()
GOLDEN = Path(__file__).parent / "golden" / "doctrine_games.json"
SEAT_SETS = ("all=doctrine", "all=doctrine:cautious", "all=doctrine:aggressive", "all=doctrine:mixed", "knobs")
KNOBS = Doctrine(autonomy=3, reform="crackdown", press_is=False, hunt=False, press_reform=False, welcome=False)
SEEDS = range(3)


def game_record(rulebook, scenario: str, seats: str, seed: int) -> dict[str, str]:
    """One game's orders and reasons, turn by turn, as a digest, and its final state's digest."""
    if seats == "knobs":
        bots = {c: DoctrineBot(seed=seed, rulebook=rulebook, doctrine=KNOBS) for c in CELLS}
    else:
        bots = bots_for(parse_seats(seats), seed, rulebook)
    turns, last = [], None
    for t in play(rulebook, new_game(rulebook, scenario, seed), bots):
        turns.append({c: [[[o.kind, o.theatre] for o in t.orders[c]], list(t.reasons[c])] for c in CELLS})
        last = t.state
    text = json.dumps(turns, sort_keys=True, ensure_ascii=False).encode()
    return {"orders_and_reasons": hashlib.sha256(text).hexdigest()[:16], "digest": digest(last)}


def all_records(rulebook) -> dict[str, dict[str, str]]:
    return {f"{scenario}|{seats}|{seed}": game_record(rulebook, scenario, seats, seed)
            for scenario in rulebook.scenarios for seats in SEAT_SETS for seed in SEEDS}


def test_the_doctrine_games_are_the_games_recorded() -> None:
    assert all_records(RULEBOOK) == json.loads(GOLDEN.read_text(encoding="utf-8")), (
        "the doctrine games changed: if the change is meant, regenerate with "
        "`.venv/bin/python -m tests.test_doctrine_data` (see this module's docstring)")


# --- what a designer relies on ----------------------------------------------------------------------


def with_doctrine(change) -> object:
    """The shipped rulebook with its doctrine table changed by ``change(table)`` (compiled afresh)."""
    data = copy.deepcopy(RULEBOOK.doctrine[1])
    change(data)
    tag = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
    return attrs.evolve(RULEBOOK, doctrine=(RULEBOOK.doctrine[0], data), digest=f"{RULEBOOK.digest}-{tag}")


def entry_of(data: dict, kind: str) -> dict:
    return next(e for e in data["order"] if e["kind"] == kind)


KINDS = sorted(RULEBOOK.order_kinds)


@given(state=states(RULEBOOK), kind=st.sampled_from(KINDS), posture=st.sampled_from(POSTURES))
def test_an_order_whose_when_fails_is_never_chosen(state, kind, posture) -> None:
    """Whatever else the entry says (its cases, a score however high), ``when = "0"`` keeps it out."""
    def never(data):
        entry = entry_of(data, kind)
        entry["when"] = "0"
        for case in entry.get("case", [entry]):
            case["score"] = "99"
    rulebook = with_doctrine(never)
    cell = RULEBOOK.order_kinds[kind].cell
    bot = DoctrineBot(1, posture, rulebook=rulebook)
    choice = bot.choose(view(state, cell), lambda pending: legal_orders(RULEBOOK, state, cell, pending), RULEBOOK.max_orders)
    assert all(o.kind != kind for o in choice.orders)
    for order in legal_orders(RULEBOOK, state, cell):
        assert order.kind != kind or judge(rulebook, Picture(view(state, cell), rulebook), order, Doctrine(posture)) is None


def test_an_order_listed_as_not_played_is_never_chosen() -> None:
    def drop(data):
        data["order"] = [e for e in data["order"] if e["kind"] != "gov.ground_offensive"]
        data["not_played"] = ["gov.ground_offensive"]
    rulebook = with_doctrine(drop)
    for seed in range(2):
        for turn in play(rulebook, new_game(rulebook, "exercise", seed), bots_for(parse_seats("all=doctrine"), seed, rulebook)):
            assert all(o.kind != "gov.ground_offensive" for o in turn.orders["governments"])


@given(state=states(RULEBOOK), cell=st.sampled_from(CELLS), posture=st.sampled_from(POSTURES),
       knobs=st.fixed_dictionaries({"welcome": st.booleans(), "press_is": st.booleans(), "hunt": st.booleans(),
                                    "reform": st.sampled_from([None, "faithful", "cosmetic", "crackdown", "none"]),
                                    "autonomy": st.sampled_from([None, 0, 1, 2, 3])}))
def test_every_reason_cites_its_paragraph(state, cell, posture, knobs) -> None:
    """Every order the doctrine would give on a board (not only those it gives) has a sentence:
    a whole one, every field filled in, citing the ¶ of the article it follows."""
    picture, doctrine = Picture(view(state, cell), RULEBOOK), Doctrine(posture, **knobs)
    for order in legal_orders(RULEBOOK, state, cell):
        judged = judge(RULEBOOK, picture, order, doctrine)
        if judged is not None:
            reason = judged.reason()
            assert "(¶" in reason and reason[0].isupper() and reason.endswith("."), reason
            assert "?" not in reason and "{" not in reason, reason


def test_every_order_kind_has_a_doctrine_entry_or_is_not_played() -> None:
    book = doctrine_book(RULEBOOK)
    assert set(book.entries) | book.not_played == set(RULEBOOK.order_kinds)
    assert not set(book.entries) & book.not_played


def test_every_knob_of_the_doctrine_has_a_name() -> None:
    """What an experiment turns (Doctrine's knobs) reaches the data as a name an expression reads."""
    base = doctrine_book(RULEBOOK).base("aq", KNOBS, 3)
    assert set(DOCTRINE_NAMES) - {"chance", "cost"} <= set(base)
    assert base["autonomy"] == 3 and base["welcome"] == 0 and base["policy_crackdown"] == 1 and base["policy_fixed"] == 1


def test_a_rulebook_without_a_doctrine_file_takes_the_shipped_one(tmp_path) -> None:
    rulebook = attrs.evolve(RULEBOOK, doctrine=None, digest=RULEBOOK.digest + "-none")
    assert set(doctrine_book(rulebook).entries) == set(doctrine_book(RULEBOOK).entries)


# --- bad data: one line naming the file, exit 3 ----------------------------------------------------------

SHIPPED = (RULES_DIR / DOCTRINE_FILE).read_text(encoding="utf-8")
BAD = [
    # (what is replaced, by what, what the line says)
    ('score = "2.5 + chance * 4 + grievance * 0.2"', 'score = "2.5 + chanse"', "unknown name 'chanse'"),
    ('kind = "aq.embed"', 'kind = "aq.embedd"', "no order kind 'aq.embedd'"),
    ('kind = "aq.embed"', 'kind = "aq.strengthen_franchise"', "twice"),
    ("hard to uproot (¶3, ¶9).", "hard to uproot.", "cites no ¶"),
    ("grievance there is {grievance}, and a franchise", "grievance there is {grievence}, and a franchise", "{grievence}"),
    ("Embed with local communities in {title}:", "Embed with local communities in {title:d}:", "give it no format"),
    ('when = "is_cohesion <= 4"', 'when = "grievance <= 4"', "unknown name 'grievance'"),
    ('when = "groups != 0"', 'when = "__import__(0)"', "unknown function"),
    ("desperate = [7.0, 9.0, 11.0]", "desperate = [7.0, 9.0]", "one number per posture"),
    ("threshold = [2.0, 1.0, 0.5]", 'threshold = "high"', "'threshold' should be list"),
    ('upkeep = "upkeep_rate', 'is_funds = "1"\nupkeep = "upkeep_rate', "already taken"),
    ('fields = { standing = "floor(is_standing)" }', 'fields = { standing = "floor(is_standing)", about_standing = "1" }',
     "about_ names a global track"),
    ("not_played = []", "not_played = [\"is.fly\"]", "no order kind 'is.fly'"),
    ('kind = "is.purge"', 'kind = "is.purge"\nscore_bonus = "1"', "unknown key 'score_bonus'"),
]


@pytest.mark.parametrize("old,new,says", BAD, ids=[b[2] for b in BAD])
def test_a_bad_doctrine_is_refused_in_one_line(book, old, new, says) -> None:
    base, rules, decks = book
    path = rules / DOCTRINE_FILE
    assert old in SHIPPED
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    try:
        line = one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, str(path))
        assert says in line, line
    finally:
        path.write_text(SHIPPED, encoding="utf-8")


def test_a_theatres_name_on_an_order_with_no_theatre_is_refused() -> None:
    data = read_toml(RULES_DIR / DOCTRINE_FILE)
    entry_of(data, "is.purge")["when"] = "lure_is"
    data["cell"]["is"]["let"]["lure_is"] = "grievance > 3"
    with pytest.raises(RulebookError) as info:
        load_doctrine(data, "doctrine.toml", RULEBOOK)
    assert "order is.purge" in info.value.problems[0] and "no theatre" in info.value.problems[0]


if __name__ == "__main__":  # regenerate the golden games: .venv/bin/python -m tests.test_doctrine_data
    GOLDEN.write_text(json.dumps(all_records(RULEBOOK), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}", file=sys.stderr)
