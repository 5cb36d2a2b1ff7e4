"""The rulebook's checks and `wargame check`: the shipped files load, and broken files are refused.

Broken rulebooks are made by copying rules/ and decks/ into a temporary folder and making one
edit. Most edits append a new rule, card, objective or scenario rather than change a shipped one,
so the tests keep working while the shipped rules are being tuned; a test first checks that the
same addition, well formed, loads.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from wargame.cli.exits import EXIT_BAD_DATA
from wargame.cli.main import main
from wargame.engine.model import CELLS
from wargame.engine.reading import RulebookError
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, Rulebook, load_rulebook
from wargame.engine.rules import CLAIMS

# --- 1. the shipped rulebook -----------------------------------------------------------------


def test_every_claim_of_the_article_has_a_rule(rulebook: Rulebook):
    covered = {c for r in rulebook.rules for c in r.claims}
    assert set(CLAIMS) == {f"C{i}" for i in range(1, 17)}
    assert covered >= set(CLAIMS), f"no rule for {sorted(set(CLAIMS) - covered)}"


@pytest.mark.parametrize("cell", CELLS)
def test_every_cell_has_orders_and_objectives(rulebook: Rulebook, cell):
    assert any(o.cell == cell for o in rulebook.orders), f"{cell} has no orders"
    assert any(o.cell == cell for o in rulebook.objectives), f"{cell} has no objectives"


@pytest.mark.parametrize("deck, fewest", [("leader_death", 8), ("territorial_loss", 12), ("reform", 12)])
def test_each_deck_has_enough_cards(rulebook: Rulebook, deck, fewest):
    assert deck in rulebook.decks
    assert len(rulebook.decks[deck].cards) >= fewest
    assert all(c.deck == deck for c in rulebook.decks[deck].cards)


def test_deck_titles_are_the_articles_names(rulebook: Rulebook):
    titles = {d.id: d.title for d in rulebook.decks.values()}
    assert titles == {"leader_death": "Leader Death", "territorial_loss": "Territorial Loss", "reform": "Reform"}


def test_spring_2016_runs_23_quarters_from_2016_q2_to_2021_q4(rulebook: Rulebook):
    s = rulebook.scenarios["spring-2016"]
    assert s.turns == 23
    assert s.initial.last_turn == 23
    assert s.label(1) == "2016 Q2"
    assert s.label(3) == "2016 Q4"
    assert s.label(4) == "2017 Q1"
    assert s.label(23) == "2021 Q4"
    assert s.year(23) == 2021


def test_the_exercise_scenario_is_a_short_game_on_the_spring_2016_board(rulebook: Rulebook):
    ex, spring = rulebook.scenarios["exercise"], rulebook.scenarios["spring-2016"]
    assert 1 <= ex.turns < spring.turns
    assert ex.label(1) == "2016 Q2"
    assert ex.initial.theatres == spring.initial.theatres


def _cited(rulebook: Rulebook):
    for r in rulebook.rules:
        yield f"rule {r.id}", r.cites
    for o in rulebook.orders:
        yield f"order {o.id}", o.cites
    for d in rulebook.decks.values():
        yield f"deck {d.id}", d.cites
        for c in d.cards:
            yield f"card {c.id}", c.cites
    for o in rulebook.objectives:
        yield f"objective {o.id}", o.cites


def test_every_rule_card_order_and_objective_cites_paragraphs_of_the_article(rulebook: Rulebook):
    cited = dict(_cited(rulebook))
    assert len(cited) > 100
    bad = {what: cites for what, cites in cited.items() if not cites or not all(1 <= c <= 10 for c in cites)}
    assert not bad


def test_every_chance_lies_within_0_and_1(rulebook: Rulebook):
    chances = [(r.id, r.chance) for r in rulebook.rules if r.chance] + [
        (o.id, o.chance) for o in rulebook.orders if o.chance
    ]
    assert chances
    bad = {ident: c.bounds for ident, c in chances if not (0 <= c.bounds[0] <= c.bounds[1] <= 1)}
    assert not bad


def test_every_objective_scores_within_its_points(rulebook: Rulebook):
    bad = {o.id: o.score.bounds for o in rulebook.objectives if not (0 <= o.score.bounds[0] <= o.score.bounds[1] <= o.points)}
    assert not bad


def test_card_ids_are_unique_across_decks(rulebook: Rulebook):
    ids = [c.id for d in rulebook.decks.values() for c in d.cards]
    assert len(ids) == len(set(ids))
    assert set(rulebook.cards) == set(ids)


def test_rule_ids_and_order_ids_are_unique(rulebook: Rulebook):
    rule_ids = [r.id for r in rulebook.rules]
    order_ids = [o.id for o in rulebook.orders]
    assert len(rule_ids) == len(set(rule_ids))
    assert len(order_ids) == len(set(order_ids))


# --- 2. `wargame check` on the shipped files -------------------------------------------------


def test_check_accepts_the_shipped_files_and_prints_what_it_loaded(rulebook: Rulebook, capsys):
    assert main(["check"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("ok: ")
    assert f"{len(rulebook.rules)} rules covering 16 claims" in out
    assert f"{len(rulebook.orders)} orders" in out
    assert f"{len(rulebook.objectives)} objectives" in out
    for deck in rulebook.decks.values():
        assert f"{deck.title} {len(deck.cards)}" in out
    assert "spring-2016" in out and "exercise" in out


def test_check_accepts_folders_given_as_arguments(tmp_path, capsys):
    rules, decks = tmp_path / "r", tmp_path / "d"
    shutil.copytree(RULES_DIR, rules)
    shutil.copytree(DECKS_DIR, decks)
    assert main(["check", str(rules), str(decks)]) == 0
    out, _ = capsys.readouterr()
    assert f"ok: {rules} and {decks}" in out


def test_wargame_check_exits_0_as_a_command(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "wargame", "check"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "rules covering 16 claims" in done.stdout
    assert "Traceback" not in done.stderr


def test_wargame_check_exits_3_on_bad_data_as_a_command(tmp_path):
    rules, decks = tmp_path / "rules", tmp_path / "decks"
    shutil.copytree(RULES_DIR, rules)
    shutil.copytree(DECKS_DIR, decks)
    (rules / "orders.toml").unlink()
    done = subprocess.run(
        [sys.executable, "-m", "wargame", "--rules", str(rules), "--decks", str(decks), "check"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == EXIT_BAD_DATA == 3
    assert done.stderr.strip() == f"wargame: {rules / 'orders.toml'}: missing"
    assert done.stdout == ""


# --- 3. broken files are refused -------------------------------------------------------------


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(value)


def _entry(kind: str, fields: dict) -> str:
    return f"\n[[{kind}]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in fields.items() if v is not None)


RULE = {
    "id": "test.rule",
    "title": "A test rule",
    "claims": ["C5"],
    "cites": [4],
    "claim": "For the tests.",
    "phase": "dynamics",
    "effects": ["is_funds += 1"],
    "explain": "IS's funds rose to {is_funds} (¶4).",
}
CARD = {
    "id": "test-card",
    "title": "A test card",
    "text": "For the tests.",
    "cites": [9],
    "effects": ["is_funds += 1"],
}
OBJECTIVE = {
    "id": "test.objective",
    "cell": "is",
    "title": "A test objective",
    "text": "For the tests.",
    "cites": [3],
    "points": 1,
    "score": "1 if total_territory > 0 else 0",
}


class Copy:
    """The shipped rules/ and decks/, copied to a temporary folder to be broken."""

    def __init__(self, base: Path):
        self.rules = base / "rules"
        self.decks = base / "decks"
        shutil.copytree(RULES_DIR, self.rules)
        shutil.copytree(DECKS_DIR, self.decks)

    def append(self, path: Path, text: str) -> None:
        with path.open("a", encoding="utf-8") as f:
            f.write(text)

    def add_rule(self, **changes) -> None:
        self.append(self.rules / "adjudication.toml", _entry("rule", {**RULE, **changes}))

    def add_card(self, deck: str = "reform", **changes) -> None:
        self.append(self.decks / f"{deck}.toml", _entry("card", {**CARD, **changes}))

    def add_objective(self, **changes) -> None:
        self.append(self.rules / "objectives.toml", _entry("objective", {**OBJECTIVE, **changes}))

    def add_scenario(self, text: str) -> None:
        self.append(self.rules / "scenarios.toml", "\n" + text)

    def replace(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} should occur once in {path.name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def argv(self) -> list[str]:
        return ["--rules", str(self.rules), "--decks", str(self.decks), "check"]


@pytest.fixture
def copy(tmp_path) -> Copy:
    return Copy(tmp_path)


def refused(copy: Copy, capsys, argv: list[str] | None = None) -> list[str]:
    """Run `wargame check` on the copy: it must exit 3 with one 'wargame: ...' line a problem."""
    code = main(argv or copy.argv())
    out, err = capsys.readouterr()
    assert code == EXIT_BAD_DATA, f"exit {code}; stdout: {out!r}"
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines, "no problem reported"
    assert all(line.startswith("wargame: ") and line[len("wargame: "):].strip() for line in lines), lines
    return [line[len("wargame: "):] for line in lines]


def one_problem(copy: Copy, capsys, *parts: str) -> str:
    """The one line reported, which names every part (the file, the id, what is wrong)."""
    lines = refused(copy, capsys)
    assert len(lines) == 1, "\n".join(lines)
    for part in parts:
        assert part in lines[0], f"{part!r} not in {lines[0]!r}"
    return lines[0]


def reported(copy: Copy, capsys, where: str, *parts: str) -> list[str]:
    """Every line reported is about `where` (a file and an id), and one names every part."""
    lines = refused(copy, capsys)
    assert all(where in line for line in lines), "\n".join(lines)
    assert any(all(part in line for part in parts) for line in lines), "\n".join(lines)
    return lines


def test_well_formed_additions_load(copy: Copy, capsys):
    # The additions the tests below break, well formed: so each refusal is the edit's doing.
    copy.add_rule(chance="clamp(0.1 + is_funds / 100, 0, 0.5)", when="is_funds < 20")
    copy.add_card(when="reform < 6", theatre="iraq")
    copy.add_card(deck="leader_death", id="test-card-2")
    copy.add_objective()
    copy.add_scenario('[scenario.test]\nbased_on = "spring-2016"\nturns = 4\n\n[scenario.test.theatres.iraq]\nterritory = 10\n')
    assert main(copy.argv()) == 0
    out, err = capsys.readouterr()
    assert err == ""
    rb = load_rulebook(copy.rules, copy.decks)
    assert rb.rule("test.rule").chance.bounds[1] <= 0.5
    assert {"test-card", "test-card-2"} <= set(rb.cards)
    assert rb.scenarios["test"].turns == 4
    assert rb.scenarios["test"].initial.theatre("iraq").territory == 10


def test_invalid_toml_is_refused(copy: Copy, capsys):
    copy.append(copy.rules / "adjudication.toml", "\n[[rule]\nid = 'x'\n")
    one_problem(copy, capsys, str(copy.rules / "adjudication.toml"), "not valid TOML")


def test_a_file_that_is_not_utf8_is_refused(copy: Copy, capsys):
    path = copy.decks / "reform.toml"
    path.write_bytes(path.read_bytes() + "\n# caf\u00e9\n".encode("latin-1"))
    one_problem(copy, capsys, str(path), "not UTF-8")


def test_an_unknown_key_in_a_rule_is_refused(copy: Copy, capsys):
    copy.add_rule(colour="red")
    one_problem(copy, capsys, "adjudication.toml", "rule test.rule", "unknown key 'colour'")


def test_a_misspelt_key_in_a_rule_is_refused(copy: Copy, capsys):
    copy.add_rule(effect=["is_funds += 1"], effects=None)
    lines = refused(copy, capsys)
    assert any("test.rule" in line and "unknown key 'effect'" in line for line in lines), lines


def test_a_rule_missing_cites_is_refused(copy: Copy, capsys):
    copy.add_rule(cites=None)
    one_problem(copy, capsys, "adjudication.toml", "rule test.rule", "missing 'cites'")


@pytest.mark.parametrize("cites", [[11], [0], [], [4, 12], [-1]])
def test_cites_outside_the_articles_paragraphs_are_refused(copy: Copy, capsys, cites):
    copy.add_rule(cites=cites)
    one_problem(copy, capsys, "adjudication.toml", "rule test.rule", "'cites'", "1 to 10")


def test_cites_outside_the_articles_paragraphs_are_refused_in_a_card(copy: Copy, capsys):
    copy.add_card(cites=[11])
    one_problem(copy, capsys, "reform.toml", "card test-card", "'cites'")


@pytest.mark.parametrize(
    "chance",
    ["0.5 + is_funds / 10", "is_funds", "1.5", "0.5 - is_funds / 10", "clamp(is_funds / 10, 0, 1.2)", "0.2 * is_setbacks"],
)
def test_a_chance_that_can_leave_0_to_1_is_refused_at_load(copy: Copy, capsys, chance):
    copy.add_rule(chance=chance)
    one_problem(copy, capsys, "adjudication.toml", "rule test.rule", "chance", "outside 0..1")


def test_a_chance_that_can_leave_0_to_1_is_refused_in_an_order(copy: Copy, capsys):
    copy.append(copy.rules / "orders.toml", _entry("order", {
        "id": "is.test", "cell": "is", "title": "Test", "text": "For the tests.", "cites": [4], "cost": 1,
        "chance": "0.5 + is_funds / 10", "success": ["is_funds += 1"], "explain": "Done.",
    }))
    one_problem(copy, capsys, "orders.toml", "order is.test", "outside 0..1")


def test_a_chance_divided_by_an_average_is_refused_at_load(copy: Copy, capsys):
    # avg_grievance lies in 0..10 but is an average, so it can be 0.25: 0.5 / 0.25 is 2
    copy.add_rule(chance="0.5 / avg_grievance")
    one_problem(copy, capsys, "rule test.rule", "can reach values beyond")


def test_a_chance_clamped_below_a_track_is_refused_at_load(copy: Copy, capsys):
    # clamp(x, lo, hi) gives lo when x < lo: with coalition_intel at 10 this chance is 10
    copy.add_rule(chance="clamp(0.5, coalition_intel, 1)")
    one_problem(copy, capsys, "rule test.rule", "outside 0..1")


def test_a_chance_using_an_unknown_name_is_refused(copy: Copy, capsys):
    copy.add_rule(chance="clamp(nope / 10, 0, 1)")
    one_problem(copy, capsys, "adjudication.toml", "rule test.rule", "unknown name 'nope'")


def test_a_hostile_expression_in_a_cards_condition_is_refused(copy: Copy, capsys, tmp_path):
    marker = tmp_path / "pwned"
    copy.add_card(when=f"__import__('os').mkdir({str(marker)!r})")
    one_problem(copy, capsys, "reform.toml", "card test-card", "when")
    assert not marker.exists()


@pytest.mark.parametrize(
    "when",
    ["().__class__", "is_funds.__class__", "open('x')", "lambda: 1", "[x for x in (1,)]", "9**999999", "2**is_funds"],
)
def test_hostile_expressions_in_a_rule_are_refused(copy: Copy, capsys, when):
    copy.add_rule(when=when)
    one_problem(copy, capsys, "adjudication.toml", "rule test.rule", "when")


def test_an_expression_too_large_for_the_checker_is_refused_without_a_traceback(copy: Copy, capsys):
    copy.add_card(when="((1000000**4)**4)**4 > 0")
    one_problem(copy, capsys, "reform.toml", "card test-card", "when")


def test_an_effect_on_a_computed_name_is_refused(copy: Copy, capsys):
    copy.add_rule(effects=["total_territory -= 1"])
    reported(copy, capsys, "adjudication.toml: rule test.rule", "total_territory", "not a track")


def test_an_effect_on_a_parameter_is_refused(copy: Copy, capsys):
    copy.add_rule(effects=["upkeep_rate = 2"])
    reported(copy, capsys, "adjudication.toml: rule test.rule", "upkeep_rate", "not a track")


def test_an_effect_on_an_unknown_track_is_refused(copy: Copy, capsys):
    copy.add_rule(effects=["is_gold += 1"])
    reported(copy, capsys, "adjudication.toml: rule test.rule", "unknown track 'is_gold'")


def test_an_effect_on_a_theatre_track_in_a_global_rule_is_refused(copy: Copy, capsys):
    copy.add_rule(effects=["territory -= 1"])
    reported(copy, capsys, "adjudication.toml: rule test.rule", "unknown track 'territory'")


def test_a_rule_with_no_effect_is_refused(copy: Copy, capsys):
    copy.add_rule(effects=[])
    one_problem(copy, capsys, "rule test.rule", "at least one effect")


def test_a_duplicate_rule_id_is_refused(copy: Copy, capsys, rulebook: Rulebook):
    taken = rulebook.rules[0].id
    copy.add_rule(id=taken)
    one_problem(copy, capsys, "adjudication.toml: rule", f"{taken!r}", "used twice")


def test_a_card_id_used_in_two_decks_is_refused(copy: Copy, capsys, rulebook: Rulebook):
    taken = rulebook.decks["leader_death"].cards[0].id
    copy.add_card(deck="reform", id=taken)
    one_problem(copy, capsys, "reform.toml: card", f"{taken!r}", "used twice")


def test_a_card_naming_an_unknown_theatre_is_refused(copy: Copy, capsys):
    copy.add_card(theatre="atlantis")
    one_problem(copy, capsys, "reform.toml", "card test-card", "theatre 'atlantis'")


def test_a_card_that_draws_a_card_is_refused(copy: Copy, capsys):
    copy.add_card(effects=['draw("reform")'])
    reported(copy, capsys, "reform.toml: card test-card", "draw(\"reform\")", "no deck")


def test_a_deck_with_no_cards_is_refused(copy: Copy, capsys):
    path = copy.decks / "empty.toml"
    path.write_text('[deck]\nid = "empty"\ntitle = "Empty"\ncites = [1]\n', encoding="utf-8")
    one_problem(copy, capsys, str(path), "at least one card")


def test_a_deck_whose_cards_are_all_removed_is_refused(copy: Copy, capsys):
    path = copy.decks / "leader_death.toml"
    head = path.read_text(encoding="utf-8").split("[[card]]")[0]
    path.write_text(head, encoding="utf-8")
    lines = refused(copy, capsys)
    assert any(str(path) in line and "at least one card" in line for line in lines), lines


_SCENARIO = '[scenario.broken]\nbased_on = "spring-2016"\n'


@pytest.mark.parametrize(
    "part, key, value",
    [
        ("theatres.iraq", "territory", 11),
        ("theatres.iraq", "oil", 4),
        ("theatres.syria", "grievance", -1),
        ("islamic_state", "funds", 21),
        ("al_qaeda.leader", "hardline", 11),
        ("relation", "stage", 5),
        ("coalition", "will", "high"),
    ],
)
def test_a_scenario_track_out_of_bounds_is_refused(copy: Copy, capsys, part, key, value):
    copy.add_scenario(f"{_SCENARIO}\n[scenario.broken.{part}]\n{key} = {_toml(value)}\n")
    one_problem(copy, capsys, "scenarios.toml", "scenario broken", key)


def test_a_track_out_of_bounds_in_the_main_scenario_is_refused(copy: Copy, capsys):
    path = copy.rules / "scenarios.toml"
    text = path.read_text(encoding="utf-8")
    head = "[scenario.spring-2016.theatres.iraq]\n"
    assert text.count(head) == 1
    before, after = text.split(head)
    after = re.sub(r"(?m)^territory = \d+$", "territory = 11", after, count=1)
    path.write_text(before + head + after, encoding="utf-8")
    lines = refused(copy, capsys)
    assert any(
        str(path) in line and "scenario spring-2016 theatre iraq" in line and "territory" in line and "11" in line
        for line in lines
    ), lines


@pytest.mark.parametrize(
    "text, key",
    [
        (f"{_SCENARIO}weather = 'fine'\n", "weather"),
        (f"{_SCENARIO}\n[scenario.broken.theatres.iraq]\ncolour = 1\n", "colour"),
        (f"{_SCENARIO}\n[scenario.broken.islamic_state]\ngold = 1\n", "gold"),
    ],
)
def test_a_scenario_with_an_unknown_key_is_refused(copy: Copy, capsys, text, key):
    copy.add_scenario(text)
    one_problem(copy, capsys, "scenarios.toml", "scenario broken", f"unknown key '{key}'")


@pytest.mark.parametrize("turns", [0, 61, -1])
def test_a_scenario_of_too_few_or_too_many_turns_is_refused(copy: Copy, capsys, turns):
    copy.add_scenario(f"{_SCENARIO}turns = {turns}\n")
    one_problem(copy, capsys, "scenarios.toml", "scenario broken", "turns")


@pytest.mark.parametrize("part, key", [("theatres.iraq", "title"), ("islamic_state.leader", "name"), ("al_qaeda.leader", "name")])
def test_a_scenario_title_or_name_that_is_not_text_is_refused(copy: Copy, capsys, part, key):
    copy.add_scenario(f"{_SCENARIO}\n[scenario.broken.{part}]\n{key} = 5\n")
    one_problem(copy, capsys, "scenarios.toml", "scenario broken", key)


def test_a_scenario_based_on_an_unknown_scenario_is_refused(copy: Copy, capsys):
    copy.add_scenario('[scenario.broken]\nbased_on = "autumn-2016"\n')
    one_problem(copy, capsys, "scenarios.toml", "scenario broken", "autumn-2016")


@pytest.mark.parametrize("based_on", ['["spring-2016"]', '{ id = "spring-2016" }'])
def test_a_scenario_based_on_something_other_than_a_name_is_refused(copy: Copy, capsys, based_on):
    copy.add_scenario(f"[scenario.broken]\nbased_on = {based_on}\n")
    one_problem(copy, capsys, "scenarios.toml", "scenario broken", "based_on")


def test_a_budget_that_is_not_a_tracks_name_is_refused(copy: Copy, capsys):
    copy.replace(copy.rules / "parameters.toml", 'is = "is_funds"', 'is = ["is_funds"]')
    reported(copy, capsys, "parameters.toml: budgets", "is_funds")


def test_a_budget_paid_from_an_unknown_track_is_refused(copy: Copy, capsys):
    copy.replace(copy.rules / "parameters.toml", 'is = "is_funds"', 'is = "is_gold"')
    reported(copy, capsys, "parameters.toml: budgets", "is_gold", "not a track")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e7", "true", '"three"', "[1]"])
def test_a_parameter_that_is_not_a_finite_number_is_refused(copy: Copy, capsys, value):
    copy.replace(copy.rules / "parameters.toml", "[parameters]\n", f"[parameters]\ntest_param = {value}\n")
    one_problem(copy, capsys, "parameters.toml", "parameter 'test_param'")


def test_a_missing_rules_file_is_refused(copy: Copy, capsys):
    path = copy.rules / "orders.toml"
    path.unlink()
    assert one_problem(copy, capsys, str(path)) == f"{path}: missing"


@pytest.mark.parametrize("which", ["rules", "decks"])
def test_a_folder_that_does_not_exist_is_refused(copy: Copy, capsys, tmp_path, which):
    gone = tmp_path / "nowhere"
    argv = copy.argv()
    argv[argv.index(f"--{which}") + 1] = str(gone)
    lines = refused(copy, capsys, argv)
    assert lines == [f"{gone}: no such folder"]
    with pytest.raises(RulebookError):
        load_rulebook(*(gone, copy.decks) if which == "rules" else (copy.rules, gone))


def test_removing_every_rule_for_a_claim_is_reported(copy: Copy, capsys):
    path = copy.rules / "adjudication.toml"
    head, *blocks = re.split(r"(?m)^\[\[rule\]\][ \t]*\n", path.read_text(encoding="utf-8"))
    kept = [b for b in blocks if tomllib.loads(b).get("claims") != ["C14"]]
    assert len(kept) < len(blocks)
    assert not any("C14" in tomllib.loads(b).get("claims", []) for b in kept), "a rule with C14 among others remains"
    path.write_text(head + "".join("[[rule]]\n" + b for b in kept), encoding="utf-8")
    assert one_problem(copy, capsys, str(path)) == f"{path}: no rule for claim C14"


def test_an_objective_whose_score_can_exceed_its_points_is_refused(copy: Copy, capsys):
    copy.add_objective(points=1, score="total_territory // 4")
    one_problem(copy, capsys, "objectives.toml", "objective test.objective", "outside 0..1")


def test_an_objective_whose_score_can_go_below_zero_is_refused(copy: Copy, capsys):
    copy.add_objective(points=3, score="3 - total_territory")
    one_problem(copy, capsys, "objective test.objective", "outside 0..3")


@pytest.mark.parametrize("template", ["{nope} happened", "funds {is_fund}", "{grievance} in a global rule"])
def test_a_template_naming_an_unknown_field_is_refused(copy: Copy, capsys, template):
    copy.add_rule(explain=template)
    one_problem(copy, capsys, "adjudication.toml", "rule test.rule", "explain", "unknown name")


@pytest.mark.parametrize("template", ["{0}", "{is_funds.real}", "{is_funds[0]}", "{}", "{", "}"])
def test_a_template_field_that_is_not_a_plain_name_is_refused(copy: Copy, capsys, template):
    copy.add_rule(explain_fail=template)
    one_problem(copy, capsys, "rule test.rule", "explain_fail")


def test_every_problem_is_reported_at_once(copy: Copy, capsys):
    copy.add_rule(id="test.first", chance="0.5 + is_funds / 10")
    copy.add_rule(id="test.second", when="is_funds.__class__")
    lines = refused(copy, capsys)
    assert len(lines) == 2, lines
    assert "rule test.first" in lines[0] and "outside 0..1" in lines[0]
    assert "rule test.second" in lines[1] and "attribute" in lines[1]


def test_problems_in_different_files_are_reported_at_once(copy: Copy, capsys):
    copy.add_rule(when="is_gold > 1")
    copy.add_card(theatre="atlantis")
    copy.add_objective(points=1, score="total_territory")
    lines = refused(copy, capsys)
    assert len(lines) == 3, lines
    assert {Path(line.split(":")[0]).name for line in lines} == {"adjudication.toml", "reform.toml", "objectives.toml"}


def test_load_rulebook_raises_rulebook_error_listing_the_problems(copy: Copy):
    copy.add_rule(id="test.first", cites=[11])
    copy.add_rule(id="test.second", colour="red")
    with pytest.raises(RulebookError) as info:
        load_rulebook(copy.rules, copy.decks)
    problems = info.value.problems
    assert len(problems) == 2
    assert str(info.value) == "\n".join(problems)
    assert "test.first" in problems[0] and "test.second" in problems[1]


@pytest.mark.parametrize("which", ["rules", "decks"])
def test_a_file_given_as_a_folder_is_refused_as_not_a_folder(copy: Copy, capsys, which):
    argv = copy.argv()
    argv[argv.index(f"--{which}") + 1] = "/dev/null"
    assert refused(copy, capsys, argv) == ["/dev/null: not a folder"]
