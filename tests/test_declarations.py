"""What a designer declares of a rule must hold, and `wargame check --deep` proves it or shows the
board where it fails.

A declaration that cannot be checked (a name out of scope, a parameter, an input the rule never
reads, an unknown rule, a bad bound) is refused when the rulebook loads, in one line, exit 3. A
rulebook bent against its declarations (a sign flipped, an implication broken, an invariant
broken) is caught, with the rule and its ¶ named and the smallest board found shown as its changes
from the scenario's start. The mutation check reports which reversals the declarations catch.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bounded import appended, in_process, one_line
from wargame.engine.rulebook import load_rulebook
from wargame.record.conformance import conform

RULEBOOK = load_rulebook()


def check(rules: Path, decks: Path, *extra: str, capsys=None):
    return in_process(["--rules", rules, "--decks", decks, "check", *extra], capsys)


def rule(extra: str, rule_id: str = "t.declared", scope: str = "theatre", chance: str = "clamp(pressure / 20, 0, 0.5)") -> str:
    return (f'[[rule]]\nid = "{rule_id}"\ntitle = "Test"\ncites = [4]\nclaim = "x"\nphase = "dynamics"\n'
            f'scope = "{scope}"\nwhen = "pressure >= 1"\nchance = "{chance}"\neffects = ["grievance += 1"]\n'
            f'explain = ""\n{extra}\n')


def replaced(path: Path, old: str, new: str):
    """``path`` with ``old`` replaced by ``new`` for the block (``old`` must be there)."""
    text = path.read_text()
    assert old in text, old
    return _Swap(path, text, text.replace(old, new, 1))


class _Swap:
    def __init__(self, path: Path, before: str, after: str):
        self.path, self.before, self.after = path, before, after

    def __enter__(self) -> Path:
        self.path.write_text(self.after)
        return self.path

    def __exit__(self, *exc) -> None:
        self.path.write_text(self.before)


# --- the repository's rulebook ----------------------------------------------------------------


def test_the_rulebook_declares_properties_of_rules_orders_formulas_and_decks():
    subjects = {d.subject for d in RULEBOOK.declarations}
    assert subjects == {"rule", "order", "formula", "deck"}
    keys = {d.key for d in RULEBOOK.declarations}
    assert {"rises_with", "falls_with", "never_above", "never_below", "never_less_likely_than", "excludes", "implies",
            "never_raises", "never_lowers"} <= keys
    assert len(RULEBOOK.invariants) >= 5
    for d in RULEBOOK.declarations:
        assert d.cites, f"{d.id} cites no paragraph"


def test_every_scenario_passes_the_conformance_harness():
    assert conform(RULEBOOK, games=2, seed=5) == []


# --- declarations refused at load ---------------------------------------------------------------


@pytest.mark.parametrize("declared, words", [
    ('rises_with = ["nonsense"]', "'nonsense' is not a name of a theatre or the board"),
    ('rises_with = ["theatre"]', "'theatre' is a name, not a number"),
    ('rises_with = ["max_orders"]', "'max_orders' is a parameter, fixed in play"),
    ('falls_with = ["governance"]', "never reads 'governance', so the declaration could never fail"),
    ('rises_with = "pressure"', None),  # one name in quotes is read as a list of one
    ('rises_with = [1]', "should list names in quotes"),
    ('rises_with = ["pressure", "pressure"]', "lists a name twice"),
    ('excludes = ["no.such-rule"]', "there is no rule 'no.such-rule'"),
    ('implies = ["t.declared"]', "not itself"),
    ('never_above = "pressure +"', "never_above:"),
    ('never_above = true', "should be an expression in quotes"),
    ('never_raises = ["lost_here"]', "computed from the board, not a track"),
])
def test_a_declaration_that_cannot_be_checked_is_refused_in_one_line(book, declared, words):
    base, rules, decks = book
    with appended(rules / "adjudication.toml", rule(declared)):
        done = check(rules, decks)
    if words is None:
        assert done.code == 0, done.err
    else:
        line = one_line(done, 3, "adjudication.toml", "rule t.declared")
        assert words in line


def test_a_key_a_kind_of_entry_cannot_declare_is_refused(book):
    base, rules, decks = book
    path = rules / "orders.toml"
    with replaced(path, 'id = "is.defend"\n', 'id = "is.defend"\nexcludes = ["c3.pressure-falls-on-is"]\n'):
        line = one_line(check(rules, decks), 3, "orders.toml", "order is.defend")
    assert "'excludes' cannot be declared of an order" in line


def test_a_property_of_a_formula_that_is_not_there_is_refused(book):
    base, rules, decks = book
    with replaced(rules / "parameters.toml", "[formula_properties]\n", "[formula_properties]\nno_such = { rises_with = [\"is_funds\"] }\n"):
        one_line(check(rules, decks), 3, "parameters.toml", "no formula 'no_such'")


def test_a_broken_invariant_declaration_is_refused(book):
    base, rules, decks = book
    bad = '[[invariant]]\nid = "t.bad"\ntitle = "Bad"\ncites = [5]\nscope = "theatre"\nholds = "no_such_name > 0"\n'
    with appended(rules / "invariants.toml", bad):
        one_line(check(rules, decks), 3, "invariants.toml", "invariant t.bad", "no_such_name")


# --- a rulebook bent against its declarations is caught -----------------------------------------


def test_a_flipped_sign_is_caught_with_the_rule_its_paragraph_and_a_small_board(book, capsys):
    base, rules, decks = book
    with replaced(rules / "adjudication.toml", 'chance = "clamp(pressure / 20, 0, 0.5)"',
                  'chance = "clamp((10 - pressure) / 20, 0, 0.5)"'):
        done = check(rules, decks, "--deep", "--only", "c3.pressure-falls-on-is rises_with", "--examples", "60", "--boards",
                     capsys=capsys)
    assert done.code == 1, done.out
    fail = [line for line in done.out.splitlines() if line.startswith("FAIL ")]
    assert len(fail) == 1
    assert "rule c3.pressure-falls-on-is" in fail[0] and "¶3" in fail[0] and "C3" in fail[0]
    assert "never falls when pressure alone rises" in fail[0]
    changes = int(re.search(r"\[(\d+) changes? from the start\]", fail[0]).group(1))
    assert changes <= 2, done.out  # shrunk towards the start: the start itself breaks it


def test_an_implication_that_does_not_hold_is_caught(book, capsys):
    base, rules, decks = book
    with replaced(rules / "adjudication.toml", 'excludes = ["c13.paper-reform-sours", "c13.reform-stalls"]',
                  'implies = ["c13.paper-reform-sours"]'):
        done = check(rules, decks, "--deep", "--only", "c13.faithful-reform-heals implies", "--examples", "80",
                     capsys=capsys)
    assert done.code == 1, done.out
    assert "rule c13.faithful-reform-heals" in done.out and "c13.paper-reform-sours can fire too" in done.out


def test_a_broken_invariant_is_caught_after_a_phase(book, capsys):
    base, rules, decks = book
    early = '[[invariant]]\nid = "t.early"\ntitle = "The game never passes turn 3"\ncites = [1]\nscope = "global"\nholds = "turn <= 3"\n'
    with appended(rules / "invariants.toml", early):
        done = check(rules, decks, "--deep", "--only", "t.early", "--examples", "40", capsys=capsys)
    assert done.code == 1, done.out
    assert "invariant t.early" in done.out and "no longer holds" in done.out


def test_the_deep_check_is_the_same_for_the_same_seed(book, capsys):
    base, rules, decks = book
    with replaced(rules / "adjudication.toml", 'chance = "clamp(pressure / 20, 0, 0.5)"',
                  'chance = "clamp((10 - pressure) / 20, 0, 0.5)"'):
        runs = [check(rules, decks, "--deep", "--only", "c3.pressure", "--examples", "30", "--seed", "7", "--boards",
                      capsys=capsys).out for _ in range(2)]
    assert runs[0] == runs[1] and "FAIL" in runs[0]


# --- the mutation check ---------------------------------------------------------------------------------


def test_the_mutation_check_reports_the_reversals_the_declarations_catch(capsys):
    done = in_process(["check", "--mutate", "--only", "c3.pressure-falls-on-is", "--only", "c2.standing-fades",
                       "--examples", "40"], capsys)
    assert done.code == 0, done.err
    assert re.search(r"rule c3.pressure-falls-on-is: pressure reversed — caught by .*rises_with pressure", done.out)
    assert re.search(r"(\d+) of (\d+) reversals caught", done.out)


def test_the_mutation_check_of_an_offshoots_rule_runs_to_its_end(capsys):
    """A board simplified down to no offshoot has nothing for an offshoot's rule to break."""
    done = in_process(["check", "--mutate", "--only", "c7.aq-welcomes-defectors", "--examples", "60"], capsys)
    assert done.code == 0, done.err
    assert "reversals caught" in done.out and "Traceback" not in done.err


def test_a_rule_with_no_declarations_is_reported_unguarded(book, capsys):
    base, rules, decks = book
    with appended(rules / "adjudication.toml", rule("", rule_id="t.bare")):
        done = check(rules, decks, "--mutate", "--only", "t.bare", "--examples", "20", capsys=capsys)
    assert done.code == 0, done.err
    assert "rule t.bare: pressure reversed — unguarded: nothing is declared of it" in done.out


def test_a_rule_may_not_share_its_id_with_an_order(book):
    """Each roll is keyed by its rule's or order's id: a rule named like an order would roll the
    order's dice."""
    base, rules, decks = book
    with appended(rules / "adjudication.toml", rule("", rule_id="is.attack")):
        one_line(check(rules, decks), 3, "adjudication.toml", "rule is.attack", "same id")
