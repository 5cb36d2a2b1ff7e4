"""Monte Carlo analysis: sound intervals, results that do not depend on the number of workers,
and the article's claims run as paired experiments whose every reported match is checked here."""

from __future__ import annotations

import io
import json
import math
import statistics

import attrs
import pytest
from rich.console import Console

from wargame.analysis.arms import BASELINE, SETUPS, Arm, Withholding
from wargame.analysis.bounds import bound_meaning
from wargame.analysis.charts import band_chart, bar, print_claims, print_simulation, sparkline
from wargame.analysis.claims import judge, paired, play_claims, verdict
from wargame.analysis.experiments import EXPERIMENTS, KNOB_ORDERS, Experiment, Observation, Untestable, factor_tracks
from wargame.analysis.metrics import EARLY_TURNS, GameMeter
from wargame.analysis.pool import Batch, game_seed, run_batches
from wargame.analysis.statistics import mean_ci, t975, wilson
from wargame.analysis.studies import summarise
from wargame.bots.doctrine import Doctrine
from wargame.bots.play import PlayedTurn, parse_seats
from wargame.cli.main import main
from wargame.engine.board import GLOBAL_TRACKS, THEATRE_TRACKS
from wargame.engine.model import CELLS, Order, digest
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import new_game

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
    # the printed tables give three decimals
    assert (t975(1), t975(10), t975(30)) == (pytest.approx(12.706, abs=5e-4), pytest.approx(2.228, abs=5e-4),
                                             pytest.approx(2.042, abs=5e-4))
    assert t975(60) == pytest.approx(2.000, abs=2e-3)
    assert t975(120) == pytest.approx(1.980, abs=2e-3)
    assert t975(10_000) == pytest.approx(1.960, abs=1e-3)


def test_a_mean_interval_is_centred_and_narrows_with_more_games() -> None:
    xs = [1.0, 2.0, 3.0, 4.0]
    m, lo, hi = mean_ci(xs)
    assert m == 2.5 and m - lo == pytest.approx(hi - m)
    assert hi - lo == pytest.approx(2 * 3.182 * statistics.stdev(xs) / 2, abs=1e-3)
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
    ids = [e.id for e in EXPERIMENTS if not isinstance(e, Untestable)]
    assert len(ids) == len(set(ids))
    for e in EXPERIMENTS:
        if isinstance(e, Untestable):
            assert e.reason
        elif isinstance(e, Experiment):
            assert e.expected in (1, -1) and e.treatment != e.control
            assert e.reads and e.measures, f"{e.id} must say what its factor sets and what its outcome reads"
        else:
            assert e.measures


@pytest.mark.parametrize("name", sorted(SETUPS))
def test_a_factor_changes_only_the_opening_board(name: str) -> None:
    state = new_game(RULEBOOK, "spring-2016", 5)
    changed = SETUPS[name][1](state, RULEBOOK)
    assert digest(changed) != digest(state)
    assert (changed.seed, changed.turn, changed.phase, changed.decks) == (state.seed, state.turn, state.phase, state.decks)


KNOWN = set(GLOBAL_TRACKS) | set(THEATRE_TRACKS) | {"offshoots"}


@pytest.mark.parametrize("exp", [e for e in EXPERIMENTS if isinstance(e, Experiment)], ids=lambda e: e.id)
def test_no_factor_sets_what_its_experiment_measures(exp: Experiment) -> None:
    """What the factor sets is worked out from the two arms' opening boards and the orders one arm
    gives or withholds (not trusted from the declaration, which must match it), and it never
    includes a track the outcome is read from. The one exception is a relative outcome: the share
    lost of what the factor added, which the factor cannot set."""
    assert set(exp.reads) == factor_tracks(RULEBOOK, exp), f"{exp.id}: declare reads={sorted(factor_tracks(RULEBOOK, exp))}"
    assert set(exp.reads) | set(exp.measures) <= KNOWN
    overlap = set(exp.reads) & set(exp.measures)
    if exp.per is None:
        assert not overlap, f"{exp.id}: the factor sets {sorted(overlap)}, which the outcome reads"
    else:
        assert exp.metric != exp.per and overlap <= set(exp.measures)


def test_every_doctrine_knob_says_which_orders_it_changes() -> None:
    assert set(KNOB_ORDERS) == {a.name for a in attrs.fields(Doctrine)}
    kinds = {k.id for k in RULEBOOK.orders}
    for orders in KNOB_ORDERS.values():
        assert orders is None or set(orders) <= kinds
    assert set(Arm(without=("is.accept_terms",)).without) <= kinds


def test_a_withheld_order_is_never_offered_to_the_bot() -> None:
    offered = []

    class Spy:
        name = "spy"

        def choose(self, view, legal, max_orders):
            offered.extend(legal(()))
            return legal(())[:max_orders]

    orders = [Order("is", "is.accept_terms"), Order("is", "is.propaganda")]
    chosen = Withholding(Spy(), ["is.accept_terms"]).choose(None, lambda pending: orders, 3)
    assert offered == [Order("is", "is.propaganda")] and chosen == offered


def test_the_same_arm_twice_shows_no_effect_common_random_numbers() -> None:
    a, b = run_batches(RULEBOOK, [Batch("exercise", SEATS, BASELINE, 5, 2), Batch("exercise", SEATS, Arm(), 5, 2)])
    exp = Experiment("X", "C0", "nothing", "nothing", BASELINE, Arm(), "power_gap", "power gap", 1)
    result = paired(exp, a, b)
    assert result.differences == (0.0,) * 5 and result.verdict == "inconclusive"


def test_a_brutality_pinned_at_10_is_at_a_bound() -> None:
    opening = new_game(RULEBOOK, "spring-2016", 3)
    meter = GameMeter(RULEBOOK, opening)
    for t in range(1, EARLY_TURNS + 1):
        brutality = 10 if t > 3 else 6  # at 10 in five of the first eight quarters
        state = attrs.evolve(opening, turn=t, islamic_state=attrs.evolve(opening.islamic_state, brutality=brutality))
        meter.add(PlayedTurn(t, (), {c: () for c in CELLS}, {}, (), state))
    m = meter.metrics()
    assert m["mean_is_brutality_early"] == (3 * 6 + 5 * 10) / EARLY_TURNS
    assert m["bound:mean_is_brutality_early"] == 1.0 and m["bound:power_gap"] == 0.0
    assert bound_meaning("second_split") is None and bound_meaning("mean_is_brutality_early")


CLAIM_RUNS = 16


@pytest.fixture(scope="module")
def claims():
    by_arm = play_claims(RULEBOOK, CLAIM_RUNS, master_seed=11, workers=2)
    return by_arm, judge(by_arm)


def _recomputed(spec: Experiment, by_arm) -> list[float]:
    """The paired differences of an experiment, worked out here from each game's own metrics."""
    out = []
    for t, c in zip(by_arm[spec.treatment], by_arm[spec.control]):
        assert t.seed == c.seed
        a, b = t.metrics[spec.metric], c.metrics[spec.metric]
        if a is None or b is None:
            continue
        if spec.per:
            added = t.metrics[spec.per] - c.metrics[spec.per]
            if added <= 0 or c.metrics[spec.per] <= 0:
                continue
            a, b = (a - b) / added, b / c.metrics[spec.per]
        out.append(a - b)
    return out


def test_every_claim_reported_as_matching_does_match(claims) -> None:
    """Each result is recomputed from the games of its arms, game by game, not from what it reports."""
    by_arm, results = claims
    by_id = {e.id: e for e in EXPERIMENTS if not isinstance(e, Untestable)}
    assert [r.id for r in results] == list(by_id)
    for r in results:
        spec = by_id[r.id]
        if isinstance(spec, Observation):
            values = [g.metrics[spec.metric] for g in by_arm[BASELINE]]
            k = sum(1 for v in values if v)
            assert r.n == len(values) == CLAIM_RUNS and r.treatment == pytest.approx(k / r.n)
            _, lo, hi = wilson(k, r.n)
            matches = (lo > spec.threshold) if spec.expected > 0 else (hi < spec.threshold)
            assert (r.verdict == "matches") == matches, r.id
            continue
        d = _recomputed(spec, by_arm)
        assert r.n == len(d) > 0 and list(r.differences) == pytest.approx(d)
        mean = math.fsum(d) / len(d)
        assert r.effect == pytest.approx(mean) and r.treatment - r.control == pytest.approx(mean)
        xs = d if len(set(d)) > 1 else d + [0.0]  # as paired(): an interval with some width
        half = t975(len(xs) - 1) * statistics.stdev(xs) / math.sqrt(len(xs))
        centre = math.fsum(xs) / len(xs)
        lo, hi = centre - half, centre + half
        matches = lo > 0 if spec.expected > 0 else hi < 0
        assert (r.verdict == "matches") == matches, f"{r.id}: reported {r.verdict}, the games give {lo:.3f} .. {hi:.3f}"


def test_the_control_without_a_merger_never_merges(claims) -> None:
    by_arm, _ = claims
    c9 = next(e for e in EXPERIMENTS if getattr(e, "id", "") == "C9")
    control, treatment = by_arm[c9.control], by_arm[c9.treatment]
    assert [g.metrics["merger"] for g in control] == [0.0] * CLAIM_RUNS
    assert [g.metrics["rapprochement"] for g in control] == [0.0] * CLAIM_RUNS
    assert len(treatment) == CLAIM_RUNS  # merged from turn 1 (SETUPS["merger_now"])


def test_the_bound_share_is_reported_per_arm(claims) -> None:
    by_arm, results = claims
    by_id = {e.id: e for e in EXPERIMENTS if not isinstance(e, Untestable)}
    for r in results:
        spec = by_id[r.id]
        assert r.bound == bound_meaning(spec.metric)

        def share(games, spec=spec):
            flags = [g.metrics[f"bound:{spec.metric}"] for g in games]
            flags = [f for f in flags if f is not None]
            return sum(flags) / len(flags)

        if r.bound is None:
            assert r.bound_control is None and r.bound_treatment is None and not r.flagged
        elif isinstance(spec, Observation):
            assert r.bound_control is None and r.bound_treatment == pytest.approx(share(by_arm[BASELINE]))
        else:
            assert r.bound_control == pytest.approx(share(by_arm[spec.control]))
            assert r.bound_treatment == pytest.approx(share(by_arm[spec.treatment]))
        shares = [s for s in (r.bound_control, r.bound_treatment) if s is not None]
        assert r.flagged == any(s > 0.5 for s in shares)


def test_the_claims_print_as_a_table(claims) -> None:
    _, results = claims
    console = Console(file=io.StringIO(), width=170)
    print_claims(console, {"runs": CLAIM_RUNS, "scenario": "spring-2016", "seed": 11}, results, [])
    text = console.file.getvalue()
    assert "C8a" in text and "at a bound" in text and "At a bound:" in text


def test_claims_command_prints_markdown_and_json(capsys) -> None:
    assert main(["claims", "--runs", "3", "--only", "C8", "--workers", "1", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "| C8a |" in out and "| C8b |" in out and "| C3a |" not in out and "at a bound |" in out
    assert main(["claims", "--runs", "3", "--only", "C8b", "--workers", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [c8b] = data["claims"]
    assert c8b["id"] == "C8b" and c8b["verdict"] in ("matches", "inconclusive", "contradicts")
    assert c8b["reads"] == ["relation_autonomy"] and c8b["measures"] == ["relation_stage"]
    assert c8b["bound"] and 0 <= c8b["bound_control"] <= 1 and 0 <= c8b["bound_treatment"] <= 1
    assert isinstance(c8b["flagged"], bool) and isinstance(data["flagged"], list)


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


def test_a_mean_that_cannot_be_negative_never_gets_an_interval_below_zero(capsys) -> None:
    """With a few games a t interval reaches below 0 for a skewed count (offshoots formed): no count
    has a negative mean, so that part is cut; the power gap, which may be negative, keeps its own."""
    from wargame.analysis.studies import OUTCOMES, SIGNED

    assert main(["simulate", "--runs", "3", "--workers", "1", "--json"]) == 0
    outcomes = {o["name"]: o for o in json.loads(capsys.readouterr().out)["outcomes"]}
    assert set(outcomes) == {k for k, _, _ in OUTCOMES}
    for name, o in outcomes.items():
        if o["kind"] == "mean" and name not in SIGNED and o["lo"] is not None:
            assert o["lo"] >= 0, name
    assert {"power_gap"} == SIGNED
