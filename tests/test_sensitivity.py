"""``wargame sensitivity``: the parameters' declared ranges, and the Sobol study over them.

The ranges are data (``[parameter_ranges]`` of rules/parameters.toml): they load, and a bad one is
refused in one line (exit 3). A wrong parameter or metric is refused in one line (exit 2). The
study samples only the declared ranges, plays each point on a rulebook that carries its values,
gives the same indices for the same command, and, on a test function with known indices (Ishigami)
run through the same code path, ranks the inputs as they are known to rank. The game's indices
themselves are estimates, reported by the command, never asserted here.
"""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest

from wargame.analysis import sensitivity as sa
from wargame.cli.exits import EXIT_BAD_DATA, EXIT_USAGE
from wargame.cli.main import main
from wargame.engine.parameters import declared_ranges
from wargame.engine.position import formula_values
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, Rulebook
from wargame.engine.turn import new_game

# --- the ranges as data ----------------------------------------------------------------------------


def test_the_shipped_ranges_load_and_hold_each_parameters_value(rulebook: Rulebook):
    ranges = declared_ranges(RULES_DIR, rulebook.parameters)
    assert len(ranges) >= 3
    for name, (lo, hi) in ranges.items():
        value = rulebook.parameters[name]
        assert lo < hi and lo <= value <= hi, name
        if isinstance(value, int):
            assert isinstance(lo, int) and isinstance(hi, int), name
    assert "max_orders" not in ranges  # the shape of a turn: held at its value


GOOD = "talks_per_gap = [0.02, 0.06]"


@pytest.mark.parametrize("bad", [
    "talks_per_gap = [0.05, 0.06]",        # leaves the value 0.04 out
    "talks_per_gap = [0.06, 0.02]",        # lo above hi
    "talks_per_gap = [0.04, 0.04]",        # no width
    "talks_per_gap = [0.02]",              # one number
    "talks_per_gap = [0.02, 0.04, 0.06]",  # three
    'talks_per_gap = ["low", 0.06]',       # not numbers
    "talks_per_gap = [true, 0.06]",
    "talks_per_gap = 0.05",
    "talks_per_gap = [0.02, inf]",
    "no_such_parameter = [0, 1]",
])
def test_a_bad_range_is_refused_in_one_line(tmp_path, capsys, bad):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    path = rules / "parameters.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(GOOD) == 1
    path.write_text(text.replace(GOOD, bad), encoding="utf-8")
    code = main(["--rules", str(rules), "--decks", str(DECKS_DIR), "check"])
    _out, err = capsys.readouterr()
    assert code == EXIT_BAD_DATA
    lines = err.splitlines()
    assert len(lines) == 1 and "parameter_ranges" in lines[0] and "parameters.toml" in lines[0], err
    assert "Traceback" not in err


def test_a_whole_number_parameters_range_has_whole_ends(tmp_path, capsys):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    path = rules / "parameters.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("holdout_brutality = [1, 3]", "holdout_brutality = [1.5, 3]"), encoding="utf-8")
    assert main(["--rules", str(rules), "--decks", str(DECKS_DIR), "check"]) == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "whole number" in err


def test_ranges_that_are_not_a_table_are_refused(tmp_path, capsys):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    path = rules / "parameters.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[parameter_ranges]")
    # a key at the end would belong to the table above it: put it at the top
    path.write_text("parameter_ranges = 3\n" + text[:start], encoding="utf-8")
    assert main(["--rules", str(rules), "--decks", str(DECKS_DIR), "check"]) == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "parameter_ranges" in err


# --- the command's refusals ------------------------------------------------------------------------


@pytest.mark.parametrize("argv, says", [
    (["--params", "talks_per_gap,no_such_parameter"], "no parameter 'no_such_parameter'"),
    (["--params", "talks_per_gap,max_orders"], "max_orders has no declared range"),
    (["--params", "talks_per_gap,ego_weight", "--metric", "rapprochment"], "did you mean rapprochement"),
    (["--params", "talks_per_gap"], "two parameters or more"),
    (["--params", "talks_per_gap,talks_per_gap"], "named twice"),
    (["--params", "talks_per_gap,ego_weight", "--scenario", "nowhere"], "no scenario"),
    (["--params", "talks_per_gap,ego_weight", "--samples", "6"], "power of two"),
    (["--params", "talks_per_gap,ego_weight", "--json", "--chart"], "not allowed with"),
])
def test_a_wrong_argument_is_refused_in_one_line_listing_the_choices(capsys, argv, says):
    try:
        code = main(["sensitivity", *argv])
    except SystemExit as e:  # argparse's refusal
        code = e.code
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE and out == ""
    assert len(err.splitlines()) == 1 and says in err, err
    if "parameter" in says or "range" in says:
        assert "ego_weight" in err and "gap_threshold" in err  # the choices
    if "metric" in says:
        assert "did you mean" in err and "rapprochement" in err


# --- sampling and the rulebook at a point ----------------------------------------------------------


def test_the_sampler_covers_only_the_declared_ranges(rulebook: Rulebook):
    ranges = declared_ranges(RULES_DIR, rulebook.parameters)
    names = tuple(ranges)
    wholes = [n for n in names if sa.whole(rulebook, n)]
    prob = sa.problem(ranges, names, wholes)
    points = sa.sample(prob, 64, seed=3)
    assert points.shape == (64 * (len(names) + 2), len(names))
    study = sa.GameStudy(rulebook, names, ranges, "spring-2016", {"is": "doctrine"}, "rapprochement", 2, 3)
    seen: dict[str, set] = {n: set() for n in names}
    for job in study.jobs(points):
        assert len(job.seeds) == 2
        for name, value in job.values:
            lo, hi = ranges[name]
            assert lo <= value <= hi, (name, value)
            seen[name].add(value)
    for name in wholes:  # every whole value of the range is played
        lo, hi = ranges[name]
        assert seen[name] == set(range(lo, hi + 1)), name
    for name in names:  # and the draws spread over the range, not bunched at one end
        lo, hi = ranges[name]
        assert min(seen[name]) < lo + (hi - lo) / 4 and max(seen[name]) > hi - (hi - lo) / 4, name


def test_a_points_rulebook_carries_its_values_into_the_formulas(rulebook: Rulebook):
    state = new_game(rulebook, "spring-2016", 1)
    richer = sa.with_parameters(rulebook, {"oil_income": 1.5, "holdout_brutality": 2.6})
    assert richer.parameters["oil_income"] == 1.5 and richer.parameters["holdout_brutality"] == 3
    assert rulebook.parameters["oil_income"] == 1.0  # the rulebook itself is left as it was
    before, after = formula_values(rulebook, state), formula_values(richer, state)
    oil = sum(t.oil for t in state.theatres)
    assert math.isclose(after["is_revenue"] - before["is_revenue"], 0.5 * oil)


def test_every_point_plays_the_same_seeds_derived_from_the_master_seed():
    # common random numbers: game g of every point has the same seed, and the games differ
    assert sa.point_seed(1, 0) == sa.point_seed(1, 0)
    assert len({sa.point_seed(1, g) for g in range(100)}) == 100
    assert sa.point_seed(1, 3) != sa.point_seed(2, 3)


# --- the analysis ------------------------------------------------------------------------------------


def _ishigami(x, a: float = 7.0, b: float = 0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_the_analysis_ranks_a_function_with_known_indices_as_they_are_known():
    # Ishigami: S1 = (0.31, 0.44, 0), ST = (0.56, 0.44, 0.24). The same path as a study of the
    # game, with the games swapped for the function.
    prob = sa.problem({"x1": (-math.pi, math.pi), "x2": (-math.pi, math.pi), "x3": (-math.pi, math.pi)},
                      ("x1", "x2", "x3"))
    _points, _ys, indices = sa.run_study(prob, 1024, 7, _ishigami)
    assert [i.name for i in indices] == ["x1", "x2", "x3"]  # by ST
    by_s1 = sorted(indices, key=lambda i: -i.s1)
    assert [i.name for i in by_s1] == ["x2", "x1", "x3"]
    assert all(i.s1_conf > 0 and i.st_conf > 0 for i in indices)


def test_a_metric_that_never_varies_is_reported_not_analysed():
    prob = sa.problem({"a": (0.0, 1.0), "b": (0.0, 1.0)}, ("a", "b"))
    with pytest.raises(sa.SensitivityError, match="does not vary"):
        sa.run_study(prob, 8, 1, lambda x: np.zeros(len(x)))


def test_the_same_command_gives_the_same_indices_whatever_the_workers(capsys):
    argv = ["sensitivity", "--params", "oil_income,upkeep_rate", "--metric", "power_gap", "--samples", "2",
            "--runs-per-point", "1", "--seed", "5", "--json"]
    assert main([*argv, "--workers", "1"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main([*argv, "--workers", "2"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["games"] == 8 and first["points"] == 8
    assert first["indices"] == second["indices"]
    assert {i["parameter"] for i in first["indices"]} == {"oil_income", "upkeep_rate"}


def test_the_chart_draws_both_indices_of_each_parameter():
    from wargame.cli.sensitivity import bar_chart

    text = bar_chart([sa.Index("ego_weight", 0.5, 0.1, 0.8, 0.1), sa.Index("gap_threshold", -0.1, 0.2, 0.3, 0.1)])
    assert "ego_weight" in text and "gap_threshold" in text
    assert "S1 (alone)" in text and "ST (with interactions)" in text
    assert "░" in text and "█" in text and "\x1b" not in text


def test_rapprochement_by_the_end_is_the_rapprochement_metric():
    from wargame.analysis.catalogue import metric_catalogue
    from wargame.engine.rulebook import load_rulebook

    rulebook = load_rulebook()
    assert sa.METRIC_ALIASES["rapprochement_by_end"] in {n for n, _ in metric_catalogue(rulebook)}


def test_a_turn_metric_does_not_apply_in_a_game_where_it_never_came(capsys):
    """rapprochement_turn is -1 in a game with no rapprochement: such a game is left out of its
    point's average (counted among those where the metric does not apply), never read as turn -1."""
    from wargame.analysis.catalogue import NEVER, TURN_METRICS

    argv = ["sensitivity", "--params", "talks_per_gap,ego_weight", "--samples", "2", "--runs-per-point", "6",
            "--metric", "rapprochement_turn", "--workers", "1", "--json"]
    assert "rapprochement_turn" in TURN_METRICS and "rapprochement" not in TURN_METRICS
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0 < out["games_not_applying"] < out["games"]  # some games came to terms, some never did
    assert out["mean"] >= 1 > NEVER  # an average of turns that came
