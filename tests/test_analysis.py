"""Monte Carlo analysis: sound intervals, results that do not depend on the number of workers,
and the article's claims run as paired experiments whose every reported match is checked here."""

from __future__ import annotations

import io
import json
import math
import statistics

import pytest
from rich.console import Console

from wargame.analysis import (
    BASELINE,
    EXPERIMENTS,
    SETUPS,
    Arm,
    Batch,
    Experiment,
    Observation,
    Untestable,
    game_seed,
    mean_ci,
    paired,
    run_batches,
    run_claims,
    summarise,
    t975,
    verdict,
    wilson,
)
from wargame.charts import band_chart, bar, print_claims, print_simulation, sparkline
from wargame.cli import main
from wargame.engine import new_game
from wargame.headless import parse_seats
from wargame.model import digest
from wargame.rulebook import load_rulebook

RULEBOOK = load_rulebook()
SEATS = parse_seats("all=doctrine")


# --- statistics -----------------------------------------------------------------------------------


def test_wilson_intervals_match_the_textbook() -> None:
    p, lo, hi = wilson(0, 10)
    assert p == 0 and lo == 0 and hi == pytest.approx(0.2775, abs=1e-4)
    p, lo, hi = wilson(5, 10)
    assert (lo, hi) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert wilson(10, 10)[2] == 1.0


def test_t_quantiles_match_the_tables() -> None:
    assert t975(1) == 12.706 and t975(10) == 2.228 and t975(30) == 2.042
    assert t975(60) == pytest.approx(2.000, abs=2e-3)
    assert t975(120) == pytest.approx(1.980, abs=2e-3)
    assert t975(10_000) == pytest.approx(1.960, abs=1e-3)


def test_a_mean_interval_is_centred_and_narrows_with_more_games() -> None:
    xs = [1.0, 2.0, 3.0, 4.0]
    m, lo, hi = mean_ci(xs)
    assert m == 2.5 and m - lo == pytest.approx(hi - m)
    assert hi - lo == pytest.approx(2 * 3.182 * statistics.stdev(xs) / 2)
    assert mean_ci(xs * 10)[2] - mean_ci(xs * 10)[1] < hi - lo


def test_a_verdict_needs_the_whole_interval_on_the_expected_side() -> None:
    assert verdict(+1, 0.1, 2.0) == "matches"
    assert verdict(+1, -0.1, 2.0) == "inconclusive"
    assert verdict(+1, -2.0, -0.1) == "contradicts"
    assert verdict(-1, -2.0, -0.1) == "matches"


# --- many games -----------------------------------------------------------------------------------


def test_game_seeds_are_fixed_by_the_master_seed_and_the_game_number() -> None:
    assert game_seed(1, 0) == game_seed(1, 0)
    assert len({game_seed(1, i) for i in range(100)} | {game_seed(2, i) for i in range(100)}) == 200
    assert game_seed(1, 0) == 5293379824759031073  # a change here changes every published run


def simulate_json(*extra: str, capsys) -> dict:
    assert main(["simulate", "--scenario", "exercise", "--runs", "6", "--seed", "3", "--json", *extra]) == 0
    out = capsys.readouterr()
    assert "games/s" in out.err and "games/s" not in out.out  # the rate goes to stderr only
    return json.loads(out.out)


def test_simulate_gives_the_same_results_whatever_the_number_of_workers(capsys) -> None:
    one = simulate_json("--workers", "1", capsys=capsys)
    assert simulate_json("--workers", "1", capsys=capsys) == one
    assert simulate_json("--workers", "2", capsys=capsys) == one
    assert one["runs"] == 6 and one["seed"] == 3
    names = {o["name"] for o in one["outcomes"]}
    assert {"rapprochement", "is_weaker", "offshoots_formed", "offshoots_absorbed", "second_split",
            "peak_brutality", "reform_achieved", "is_collapse"} <= names
    assert set(one["objectives"]) == {"is", "aq", "coalition", "governments"}
    assert [y["year"] for y in one["rapprochement_by_year"]] == [2016, 2017, 2018]  # 2016 Q2 to 2018 Q1


def test_simulate_seeds_its_games_from_the_master_seed(capsys) -> None:
    other = simulate_json("--workers", "1", "--seed", "4", capsys=capsys)
    assert other != simulate_json("--workers", "1", capsys=capsys)


def test_a_batch_plays_its_games_in_order_and_each_game_from_its_own_seed() -> None:
    results = run_batches(RULEBOOK, [Batch("exercise", SEATS, BASELINE, 4, 9)])[0]
    assert [r.index for r in results] == [0, 1, 2, 3]
    assert [r.seed for r in results] == [game_seed(9, i) for i in range(4)]
    for r in results:
        assert 0 <= r.metrics["rapprochement"] <= 1
        assert all(len(v) == 8 for v in r.series.values())  # a value per turn of the exercise


def test_the_simulation_table_and_charts_print(capsys) -> None:
    assert main(["simulate", "--scenario", "exercise", "--runs", "4", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    for text in ("Rapprochement (alliance or merger) by the end", "When the rapprochement came", "Objectives per cell",
                 "Tracks over time", "median (█)"):
        assert text in out


def test_simulate_refuses_a_wrong_scenario(capsys) -> None:
    assert main(["simulate", "--scenario", "atlantis", "--runs", "2"]) == 2
    assert "no scenario 'atlantis'" in capsys.readouterr().err


# --- claims ---------------------------------------------------------------------------------------


def test_every_claim_is_an_experiment_an_observation_or_says_why_not() -> None:
    covered = {e.claim for e in EXPERIMENTS}
    assert covered == {f"C{i}" for i in range(1, 17)}
    for e in EXPERIMENTS:
        if isinstance(e, Untestable):
            assert e.reason
        elif isinstance(e, Experiment):
            assert e.expected in (1, -1) and e.treatment != e.control


@pytest.mark.parametrize("name", sorted(SETUPS))
def test_a_factor_changes_only_the_opening_board(name: str) -> None:
    state = new_game(RULEBOOK, "spring-2016", 5)
    changed = SETUPS[name][1](state, RULEBOOK)
    assert digest(changed) != digest(state)
    assert (changed.seed, changed.turn, changed.phase, changed.decks) == (state.seed, state.turn, state.phase, state.decks)


def test_the_same_arm_twice_shows_no_effect_common_random_numbers() -> None:
    a, b = run_batches(RULEBOOK, [Batch("exercise", SEATS, BASELINE, 5, 2), Batch("exercise", SEATS, Arm(), 5, 2)])
    exp = Experiment("X", "C0", "nothing", "nothing", BASELINE, Arm(), "power_gap", "power gap", 1)
    result = paired(exp, a, b)
    assert result.differences == (0.0,) * 5 and result.verdict == "inconclusive"


CLAIM_RUNS = 16


@pytest.fixture(scope="module")
def claims():
    return run_claims(RULEBOOK, CLAIM_RUNS, master_seed=11, workers=2)


def test_every_claim_reported_as_matching_does_match(claims) -> None:
    """Each "matches" is recomputed from the paired differences (or the baseline share), not trusted."""
    by_id = {e.id: e for e in EXPERIMENTS if not isinstance(e, Untestable)}
    assert [r.id for r in claims] == list(by_id)
    for r in claims:
        spec = by_id[r.id]
        assert r.n == CLAIM_RUNS
        if r.verdict != "matches":
            continue
        if isinstance(spec, Observation):
            k = round(r.treatment * r.n)
            _, lo, hi = wilson(k, r.n)
            assert (lo > spec.threshold) if spec.expected > 0 else (hi < spec.threshold), r.id
            continue
        d = r.differences
        assert len(d) == CLAIM_RUNS
        mean = math.fsum(d) / len(d)
        assert mean == pytest.approx(r.effect)
        sd = statistics.stdev(d) if len(set(d)) > 1 else statistics.stdev(d + (0.0,))
        n = len(d) if len(set(d)) > 1 else len(d) + 1
        centre = mean if len(set(d)) > 1 else math.fsum(d) / n
        half = t975(n - 1) * sd / math.sqrt(n)
        if spec.expected > 0:
            assert centre - half > 0, f"{r.id}: reported as matching, but its interval reaches {centre - half:.3f}"
        else:
            assert centre + half < 0, f"{r.id}: reported as matching, but its interval reaches {centre + half:.3f}"
        assert r.treatment - r.control == pytest.approx(r.effect)


def test_the_strongest_claims_match_even_on_a_few_games(claims) -> None:
    verdicts = {r.id: r.verdict for r in claims}
    strong = ("C1b", "C3a", "C7a", "C11a", "C13a", "C15", "C16a", "C16b")
    assert {i: verdicts[i] for i in strong} == {i: "matches" for i in strong}


def test_the_claims_print_as_a_table(claims) -> None:
    console = Console(file=io.StringIO(), width=150)
    print_claims(console, {"runs": CLAIM_RUNS, "scenario": "spring-2016", "seed": 11}, claims, [])
    text = console.file.getvalue()
    assert "C8a" in text and "matches" in text


def test_claims_command_prints_markdown_and_json(capsys) -> None:
    assert main(["claims", "--runs", "3", "--only", "C8", "--workers", "1", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "| C8a |" in out and "| C8b |" in out and "| C3a |" not in out
    assert main(["claims", "--runs", "3", "--only", "C8a", "--workers", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in data["claims"]] == ["C8a"]
    assert data["claims"][0]["verdict"] in ("matches", "inconclusive", "contradicts")


def test_claims_refuses_an_unknown_claim(capsys) -> None:
    assert main(["claims", "--runs", "2", "--only", "C99"]) == 2
    assert "C99" in capsys.readouterr().err


# --- charts ---------------------------------------------------------------------------------------


def test_bars_and_sparklines_scale() -> None:
    assert bar(1, 1, 10) == "█" * 10
    assert bar(0, 1, 10) == ""
    assert bar(0.55, 1, 10).startswith("█████") and len(bar(0.55, 1, 10)) == 6
    assert sparkline([0, 5, 10]) == "▁▅█"
    assert sparkline([3, 3]) == "██"


def test_a_band_chart_marks_the_median_inside_the_band() -> None:
    rows = band_chart([0, 1, 2], [1, 2, 3], [2, 3, 4], height=5)
    assert len(rows) == 6 and all("│" in r for r in rows[:5])
    assert sum(r.count("█") for r in rows) == 3 * 2  # one median mark a turn, two characters wide


def test_the_summary_prints_on_any_console() -> None:
    results = run_batches(RULEBOOK, [Batch("exercise", SEATS, BASELINE, 3, 1)])[0]
    summary = {"seed": 1, "seats": SEATS, **summarise(RULEBOOK, "exercise", results)}
    console = Console(file=io.StringIO(), width=100)
    print_simulation(console, summary)
    assert "IS territory" in console.file.getvalue()
