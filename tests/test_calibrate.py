"""Balance targets and ``wargame calibrate``: the statistics are right on hand-made lists, a bad
targets file is refused in one line, and the command plays and reports every target.

Verdicts on the real rules are measured, never asserted here: the rules change with balance."""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
from pathlib import Path
from typing import Any

import pytest

from wargame.analysis.calibrate import (
    MET,
    MISSED,
    TOO_FEW,
    Estimate,
    by,
    difference,
    distinct,
    judge,
    mean,
    sd,
    share,
    share_at_least,
    share_at_most,
)
from wargame.analysis.statistics import mean_ci, wilson
from wargame.analysis.targets import load_targets
from wargame.cli import main as cli
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, TARGETS_FILE, load_rulebook

RULEBOOK = load_rulebook()
TARGETS = RULES_DIR / TARGETS_FILE


@pytest.fixture
def wargame(capsys, monkeypatch):
    """Run ``wargame`` in this process: (exit code, stdout, stderr), the rulebook loaded once."""
    real_load = cli._load

    def cached(rules: Path, decks: Path):
        if Path(rules).resolve() == RULES_DIR.resolve() and Path(decks).resolve() == DECKS_DIR.resolve():
            return RULEBOOK
        return real_load(rules, decks)

    monkeypatch.setattr(cli, "_load", cached)

    def run(*argv: Any) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = cli.main([str(a) for a in argv])
        except SystemExit as e:
            code = e.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --- statistics on hand-made lists -------------------------------------------------------------------


def test_a_share_counts_true_values_and_leaves_out_games_where_the_metric_does_not_apply() -> None:
    e = share([1.0, 0.0, None, 1.0, 2.0, None])
    assert (e.value, e.n) == (0.75, 4)
    assert (e.lo, e.hi) == wilson(3, 4)[1:]


def test_a_mean_and_a_standard_deviation_skip_games_where_the_metric_does_not_apply() -> None:
    xs = [1.0, 2.0, 3.0, 6.0]
    m = mean(xs + [None])
    assert (m.value, m.lo, m.hi, m.n) == (*mean_ci(xs), 4)
    s = sd([None] + xs)
    assert s.value == pytest.approx(statistics.stdev(xs)) and s.n == 4
    half = 1.959964 / math.sqrt(2 * 3)
    assert s.lo == pytest.approx(s.value * (1 - half), rel=1e-5) and s.hi == pytest.approx(s.value * (1 + half), rel=1e-5)
    assert math.isnan(sd([5.0]).value)


def test_share_at_most_and_at_least_compare_with_the_value() -> None:
    xs = [0.0, 1.0, 2.0, 3.0, None]
    assert share_at_most(xs, 2).value == 0.75 and share_at_least(xs, 2).value == 0.5


def test_by_a_quarter_counts_turns_from_0_up_to_that_quarters_turn_and_never_is_minus_1() -> None:
    turns = [-1.0, 3.0, 8.0, 9.0, 12.0]
    e = by(turns, 8)
    assert (e.value, e.n) == (0.4, 5)
    assert by([-1.0, -1.0], 23).value == 0.0


def test_a_quarter_is_a_turn_of_the_scenario() -> None:
    sc = RULEBOOK.scenarios["spring-2016"]
    first = sc.label(1).replace(" ", "")
    assert sc.turn_of(first) == 1 and sc.turn_of(sc.label(1)) == 1
    assert sc.label(sc.turn_of(sc.label(5).replace(" ", ""))) == sc.label(5)
    for wrong in ("2015Q1", "2099Q4", "2017Q5", "2017", "Q4"):
        with pytest.raises(ValueError):
            sc.turn_of(wrong)


def test_distinct_counts_the_different_values() -> None:
    assert distinct([1.0, 1.0, 2.0, None]).value == 2 and distinct([3.0] * 5).value == 1


def test_a_difference_is_the_share_above_the_split_minus_the_share_below() -> None:
    values = [1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, None, 1.0]
    split = [2.0, 3.0, 2.0, 0.0, 1.0, 1.0, 0.0, 3.0, None]
    e = difference(values, split, 2)
    assert e.value == pytest.approx(2 / 3 - 1 / 4) and e.n == 3  # the smaller group
    assert e.lo < e.value < e.hi and e.lo >= -1 and e.hi <= 1
    assert math.isnan(difference([1.0, 0.0], [3.0, 2.0], 2).value)  # nobody below the split


def test_a_verdict_is_met_in_the_band_missed_outside_and_too_few_below_min_n() -> None:
    e = Estimate(0.3, 0.2, 0.4, 100)
    assert judge(e, (0.1, 0.5), 20) == (MET, True)
    assert judge(e, (0.25, 0.5), 20) == (MET, False)  # the interval pokes out
    assert judge(e, (0.5, 0.9), 20) == (MISSED, False)
    assert judge(Estimate(0.3, 0.2, 0.4, 19), (0.1, 0.5), 20) == (TOO_FEW, False)
    assert judge(Estimate(math.nan, math.nan, math.nan, 50), (0.1, 0.5), 20)[0] == TOO_FEW


# --- the targets file -------------------------------------------------------------------------------------


def test_the_targets_file_reads_and_every_target_cites_or_says_why() -> None:
    targets = load_targets(TARGETS, RULEBOOK)
    assert {"doctrine", "random", "mixed"} <= set(targets.seat_sets)
    assert len({t.id for t in targets.targets}) == len(targets.targets) >= 10
    for t in targets.targets:
        assert t.cites or t.rationale, t.id


def test_the_targets_are_no_part_of_the_rulebook(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / TARGETS_FILE).write_text("this is = = not TOML")
    assert load_rulebook(rules, DECKS_DIR).digest == RULEBOOK.digest  # a broken targets file breaks no game
    (rules / TARGETS_FILE).unlink()
    assert load_rulebook(rules, DECKS_DIR).digest == RULEBOOK.digest


GOOD = """
[seats]
doctrine = "all=doctrine"

[defaults]
scenario = "exercise"
seats = "doctrine"

[[target]]
id = "talks"
title = "Talks"
metric = "talks_opened"
stat = "share"
band = [0.0, 1.0]
cites = [2]
"""

BAD = {
    "TOML syntax": (GOOD + "\nband = [", "not valid TOML"),
    "unknown top-level key": ("colour = 1\n" + GOOD, "unknown key 'colour'"),
    "unknown target key": (GOOD + 'colour = "red"\n', "unknown key 'colour'"),
    "unknown metric": (GOOD.replace('"talks_opened"', '"talks_opnd"'), "unknown metric 'talks_opnd'"),
    "unknown stat": (GOOD.replace('"share"', '"median"'), "no stat 'median'"),
    "unknown seat set": (GOOD + 'seats = "robots"\n', "no seat set 'robots'"),
    "bad seat list": (GOOD.replace('"all=doctrine"', '"all=genius"'), "no bot 'genius'"),
    "band of one number": (GOOD.replace("[0.0, 1.0]", "[0.5]"), "band should be two numbers"),
    "band of text": (GOOD.replace("[0.0, 1.0]", '["low", "high"]'), "band should be two numbers"),
    "band upside down": (GOOD.replace("[0.0, 1.0]", "[0.8, 0.2]"), "lo is above hi"),
    "unknown quarter": (GOOD.replace('"share"', '"by"').replace('"talks_opened"', '"talks_opened_turn"')
                        + 'at = "2031Q1"\n', "no quarter '2031Q1'"),
    "by without at": (GOOD.replace('"share"', '"by"'), "needs at"),
    "at without by": (GOOD + 'at = "2017Q1"\n', "at goes only with stat = 'by'"),
    "no cites nor rationale": (GOOD.replace("cites = [2]\n", ""), "give cites"),
    "cites out of range": (GOOD.replace("cites = [2]", "cites = [11]"), "cites should be"),
    "duplicate id": (GOOD + GOOD[GOOD.index("[[target]]"):], "id used twice"),
    "placeholder without each": (GOOD.replace('"talks_opened"', '"fired:{rule}"'), 'give each = "rule"'),
    "each without placeholder": (GOOD + 'each = "rule"\n', "has no {rule}"),
    "exempt without a reason": (GOOD.replace('"talks_opened"', '"fired:{rule}"')
                                + 'each = "rule"\nexempt = [{ item = "x" }]\n', "with a reason"),
    "share of a metric with no maximum": (GOOD.replace('"share"', '"share_of_max"'), "has no maximum"),
    "unknown scenario": (GOOD.replace('"exercise"', '"atlantis"'), "no scenario 'atlantis'"),
    "no targets": (GOOD[:GOOD.index("[[target]]")], "no [[target]]"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_targets_file_is_refused_in_one_line_with_exit_3(case: str, tmp_path: Path, wargame) -> None:
    text, reason = BAD[case]
    path = tmp_path / "targets.toml"
    path.write_text(text)
    code, out, err = wargame("calibrate", "--targets", path, "--runs", "2", "--workers", "1")
    assert code == 3, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(f"wargame: {path}: "), err
    assert reason in err, err


def test_a_targets_file_that_is_not_a_readable_regular_utf8_file_is_refused_too(tmp_path: Path, wargame) -> None:
    cases = {
        tmp_path / "folder.toml": "a folder, not a data file",
        tmp_path / "missing.toml": "no such file",
        tmp_path / "latin1.toml": "not UTF-8",
        tmp_path / "huge.toml": "larger than",
    }
    (tmp_path / "folder.toml").mkdir()
    (tmp_path / "latin1.toml").write_bytes(GOOD.encode() + "# café\n".encode("latin-1"))
    (tmp_path / "huge.toml").write_bytes(b"#" * 2_000_001)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.toml")  # never opened: reading it would wait for ever
        cases[tmp_path / "pipe.toml"] = "a named pipe (FIFO), not a data file"
    for path, reason in cases.items():
        code, out, err = wargame("calibrate", "--targets", path)
        assert (code, out) == (3, ""), (path, err)
        assert err.count("\n") == 1 and err.startswith(f"wargame: {path}: ") and reason in err, err


@pytest.mark.parametrize("argv", [["--runs", "0"], ["--workers", "x"], ["--bogus"], ["--seed", "-1"]])
def test_a_bad_command_line_exits_2(argv: list[str], wargame) -> None:
    code, out, err = wargame("calibrate", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1


def test_an_unknown_target_in_only_is_a_bad_command_line(wargame) -> None:
    code, out, err = wargame("calibrate", "--only", "no-such-target", "--runs", "2")
    assert code == 2 and out == "" and "no-such-target" in err


def test_metrics_lists_every_metric_a_target_may_name(wargame) -> None:
    code, out, _ = wargame("calibrate", "--metrics")
    assert code == 0
    for name in ("split_within_8", "collapse_then_offshoot", "idle_run:is", f"fired:{RULEBOOK.rules[0].id}",
                 "at_bound:is_brutality", "difference"):
        assert name in out


# --- the command ----------------------------------------------------------------------------------------


def test_the_exit_code_says_whether_any_target_was_missed(tmp_path: Path, wargame) -> None:
    met = GOOD + "min_n = 1\n"
    missed = met.replace("[0.0, 1.0]", "[2.0, 3.0]")  # no share can reach it: a verdict by construction
    for text, code in ((met, 0), (missed, 1)):
        path = tmp_path / "t.toml"
        path.write_text(text)
        got, out, err = wargame("calibrate", "--targets", path, "--runs", "2", "--workers", "1")
        assert got == code, err
        assert "talks" in out and "games/s" in err and "games/s" not in out


def test_a_family_reports_each_item_and_gives_the_same_results_whatever_the_workers(tmp_path: Path, wargame) -> None:
    text = GOOD + """min_n = 1

[[target]]
id = "every-rule"
title = "Every rule fires"
metric = "fired:{rule}"
each = "rule"
stat = "share"
band = [0.0, 1.0]
rationale = "a test"
exempt = [{ item = "FIRST_RULE", reason = "left out on purpose" }]
min_n = 1
""".replace("FIRST_RULE", RULEBOOK.rules[0].id)
    path = tmp_path / "t.toml"
    path.write_text(text)
    runs = []
    for workers in ("1", "2"):
        code, out, _ = wargame("calibrate", "--targets", path, "--runs", "4", "--workers", workers, "--json")
        assert code == 0
        runs.append(json.loads(out))
    assert runs[0] == runs[1]
    family = next(r for r in runs[0]["results"] if r["id"] == "every-rule")
    assert len(family["items"]) == len(RULEBOOK.rules) and family["missed"] == 0
    exempt = [i for i in family["items"] if i["verdict"] == "exempt"]
    assert [(i["item"], i["reason"]) for i in exempt] == [(RULEBOOK.rules[0].id, "left out on purpose")]


def test_calibrate_plays_the_targets_and_prints_every_target_id(wargame) -> None:
    """A short run of the real targets: it runs and names every target; its verdicts are
    whatever the rules make them today, so they are not asserted."""
    code, out, err = wargame("calibrate", "--runs", "20", "--workers", "1")
    assert code in (0, 1), err
    for t in load_targets(TARGETS, RULEBOOK).targets:
        assert t.id in out
    assert "games/s" in err
