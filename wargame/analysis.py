"""Monte Carlo analysis: many bot-only games, their outcomes with confidence intervals, and the
article's claims run as paired experiments.

- :func:`run_batches` plays N games (seed of game i derived from the master seed and i, so the
  results are the same whatever the number of worker processes), each measured by
  :mod:`wargame.metrics`, and :func:`summarise` turns their outcomes into proportions (Wilson
  intervals) and means (t intervals).
- :func:`run_claims` runs, for each claim C1..C16 of DESIGN.md that an experiment can test, the
  same seeds twice with one factor changed (common random numbers: the game's dice and the bots'
  own dice are the same in both arms), and measures the paired difference on an outcome.

Factors are changed on the opening State (``attrs.evolve``) or in the bots' doctrine, never in
the rules. The ``wargame simulate`` and ``wargame claims`` commands are at the end.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from statistics import NormalDist
from typing import Any, Callable, Iterable, Mapping, Sequence

import attrs
from attrs import frozen

from wargame import metrics
from wargame.doctrine import Doctrine
from wargame.metrics import (  # noqa: F401  (kept importable from here)
    EARLY_TURNS,
    MARK_TURN,
    SERIES,
    SERIES_TITLES,
    GameResult,
    _at,
    _periphery_territory,
    _spawn_origins,
    game_seed,
)
from wargame.model import CELL_TITLES, CELLS, MERGER, State
from wargame.rulebook import Rulebook

DEFAULT_SEATS = "all=doctrine"

# --- statistics ---------------------------------------------------------------------------------

Z95 = NormalDist().inv_cdf(0.975)
# Student's t, 97.5th percentile, for 1..30 degrees of freedom; beyond, a Cornish-Fisher expansion.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042)


def t975(df: int) -> float:
    """The two-sided 95% quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        return math.inf
    if df <= len(_T975):
        return _T975[df - 1]
    z = Z95
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def wilson(successes: int, n: int) -> tuple[float, float, float]:
    """A proportion and its 95% Wilson score interval."""
    if n == 0:
        return math.nan, 0.0, 1.0
    p = successes / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return p, lo, hi


def mean_ci(values: Sequence[float]) -> tuple[float, float, float]:
    """A mean and its 95% t interval (a single value, or none: an interval as wide as it gets)."""
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan
    m = math.fsum(values) / n
    if n == 1:
        return m, -math.inf, math.inf
    sd = statistics.stdev(values)
    half = t975(n - 1) * sd / math.sqrt(n)
    return m, m - half, m + half


@frozen
class Estimate:
    """One outcome over many games: a proportion or a mean, with its 95% interval."""

    name: str
    label: str
    kind: str  # "proportion" or "mean"
    n: int
    value: float
    lo: float
    hi: float

    def as_dict(self) -> dict[str, Any]:
        return {k: _num(v) for k, v in attrs.asdict(self).items()}


def _num(v: Any) -> Any:
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return None
        return round(v, 6)
    return v


def _quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile of ``values`` (linear between order statistics)."""
    xs = sorted(values)
    if not xs:
        return math.nan
    pos = q * (len(xs) - 1)
    i = int(pos)
    frac = pos - i
    return xs[i] if i + 1 >= len(xs) else xs[i] + (xs[i + 1] - xs[i]) * frac


def estimate(name: str, label: str, values: Sequence[float | None], proportion: bool) -> Estimate:
    """A proportion (truthy values) or a mean over the games where the metric applies: values
    that are None (:data:`wargame.metrics.NA`) are left out, and ``n`` counts the rest."""
    values = [v for v in values if v is not None]
    if proportion:
        p, lo, hi = wilson(sum(1 for v in values if v), len(values))
        return Estimate(name, label, "proportion", len(values), p, lo, hi)
    m, lo, hi = mean_ci(values)
    return Estimate(name, label, "mean", len(values), m, lo, hi)


# --- one game ------------------------------------------------------------------------------------


@frozen
class Arm:
    """One arm of an experiment: a change to the opening board and/or to some cells' doctrine.

    ``setup`` names a function of :data:`SETUPS`; ``doctrines`` replaces the bot of a cell with a
    doctrine bot configured so. The plain arm (no setup, no doctrines) is the baseline."""

    setup: str | None = None
    doctrines: tuple[tuple[str, Doctrine], ...] = ()

    def describe(self) -> str:
        parts = [SETUPS[self.setup][0]] if self.setup else []
        parts += [f"{CELL_TITLES[c]} doctrine: {_describe_doctrine(d)}" for c, d in self.doctrines]
        return "; ".join(parts) or "the scenario as written, doctrine bots"


def _describe_doctrine(d: Doctrine) -> str:
    base = Doctrine(posture=d.posture)
    changed = [f"{a.name}={getattr(d, a.name)}" for a in attrs.fields(Doctrine) if getattr(d, a.name) != getattr(base, a.name)]
    return ", ".join([d.posture] + changed)


BASELINE = Arm()


def play_game(rulebook: Rulebook, scenario: str, seed: int, seats: Mapping[str, str], arm: Arm = BASELINE,
              index: int = 0) -> GameResult:
    """Play one bot-only game of an experiment's arm to the end and measure it (see
    :func:`wargame.metrics.play_game`)."""
    setup = SETUPS[arm.setup][1] if arm.setup else None
    return metrics.play_game(rulebook, scenario, seed, seats, setup=setup, doctrines=arm.doctrines, index=index)


# --- many games, in parallel ---------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(rules: str, decks: str) -> None:
    from wargame.rulebook import load_rulebook

    _WORKER["rulebook"] = load_rulebook(Path(rules), Path(decks))  # once per worker process


def _run_chunk(job: tuple[str, Mapping[str, str], Arm, tuple[tuple[int, int], ...]]) -> list[GameResult]:
    scenario, seats, arm, games = job
    rulebook = _WORKER["rulebook"]
    return [play_game(rulebook, scenario, seed, seats, arm, i) for i, seed in games]


@frozen
class Batch:
    """Games to play: one arm of one scenario, game indices ``0..runs-1``."""

    scenario: str
    seats: Mapping[str, str]
    arm: Arm
    runs: int
    master_seed: int


def _chunks(runs: int, workers: int) -> list[range]:
    size = max(1, min(8, runs // max(1, workers * 16)))
    return [range(i, min(runs, i + size)) for i in range(0, runs, size)]


def run_batches(rulebook: Rulebook, batches: Sequence[Batch], workers: int = 1,
                rules_dir: Path | None = None, decks_dir: Path | None = None,
                progress: Callable[[int], None] | None = None) -> list[list[GameResult]]:
    """Play every batch; results come back in game order within each batch, whatever ``workers``.

    With more than one worker the games run in separate processes (the "spawn" context, each
    loading the rulebook once from ``rules_dir`` and ``decks_dir``); ``progress`` is told how many
    games each finished chunk held."""
    jobs = []
    owners = []
    for b, batch in enumerate(batches):
        for chunk in _chunks(batch.runs, workers):
            games = tuple((i, game_seed(batch.master_seed, i)) for i in chunk)
            jobs.append((batch.scenario, dict(batch.seats), batch.arm, games))
            owners.append(b)
    out: list[list[GameResult]] = [[] for _ in batches]
    if workers <= 1:
        for owner, (scenario, seats, arm, games) in zip(owners, jobs):
            out[owner].extend(play_game(rulebook, scenario, seed, seats, arm, i) for i, seed in games)
            if progress:
                progress(len(games))
        return out
    from wargame.rulebook import DECKS_DIR, RULES_DIR

    ctx = multiprocessing.get_context("spawn")
    init = (str(rules_dir or RULES_DIR), str(decks_dir or DECKS_DIR))
    with ctx.Pool(workers, initializer=_init_worker, initargs=init) as pool:
        for owner, results in zip(owners, pool.imap(_run_chunk, jobs)):
            out[owner].extend(results)
            if progress:
                progress(len(results))
    return out


# --- summaries -------------------------------------------------------------------------------------

OUTCOMES: tuple[tuple[str, str, bool], ...] = (
    ("rapprochement", "Rapprochement (alliance or merger) by the end", True),
    ("talks", "AQ-IS talks at some point", True),
    ("is_weaker", "IS ends the weaker group (power gap > 0)", True),
    ("power_gap", "Power gap at the end (AQ - IS)", False),
    ("is_collapse", "The caliphate collapses", True),
    ("offshoots_formed", "Offshoot groups formed", False),
    ("offshoots_absorbed", "Offshoots absorbed by AQ", False),
    ("defectors_formed", "... of them defectors' groups formed", False),
    ("holdouts_formed", "... holdouts' groups formed", False),
    ("inspired_formed", "... inspired groups formed", False),
    ("second_split", "A second split", True),
    ("second_splits", "Second splits (count)", False),
    ("allied_turns", "Quarters allied or merged", False),
    ("peak_brutality", "Peak brutality (IS or offshoots)", False),
    ("reform_achieved", "Reform achieved (a theatre with faithful reform 5+)", True),
    ("faithful_reforms", "Theatres with faithful reform 5+ at the end", False),
    ("territory", "IS territory at the end", False),
    ("avg_grievance", "Average grievance at the end", False),
)


def summarise(rulebook: Rulebook, scenario: str, results: Sequence[GameResult]) -> dict[str, Any]:
    """Every outcome of a run with its 95% interval, by-year rapprochement, objectives, tracks."""
    sc = rulebook.scenarios[scenario]
    m = [r.metrics for r in results]
    outcomes = [estimate(k, label, [x[k] for x in m], prop) for k, label, prop in OUTCOMES]
    turns = [int(x["rapprochement_turn"]) for x in m]
    years = sorted({sc.year(t) for t in range(1, sc.turns + 1)})
    by_year = []
    for y in years:
        last = max(t for t in range(1, sc.turns + 1) if sc.year(t) == y)
        p, lo, hi = wilson(sum(1 for t in turns if 0 <= t <= last), len(turns))
        by_year.append({"year": y, "value": _num(p), "lo": _num(lo), "hi": _num(hi)})
    reached = [t for t in turns if t >= 0]
    histogram = {t: reached.count(t) for t in range(1, sc.turns + 1)}
    objectives = {}
    for cell in CELLS:
        objs = [o for o in rulebook.objectives if o.cell == cell]
        total = estimate(f"cell:{cell}", CELL_TITLES[cell], [x.get(f"cell:{cell}", 0.0) for x in m], False)
        objectives[cell] = {
            "title": CELL_TITLES[cell],
            "of": sum(o.points for o in objs),
            "total": total.as_dict(),
            "objectives": [
                {"id": o.id, "title": o.title, "of": o.points,
                 **estimate(o.id, o.title, [x.get(f"objective:{o.id}", 0.0) for x in m], False).as_dict()}
                for o in objs
            ],
        }
    series = {}
    bands = {}
    for k in SERIES:
        per_turn = list(zip(*(r.series[k] for r in results))) if results else []
        series[k] = [_num(math.fsum(col) / len(col)) for col in per_turn]
        bands[k] = {q: [_num(_quantile(col, q / 100)) for col in per_turn] for q in (10, 50, 90)}
    return {
        "scenario": scenario,
        "runs": len(results),
        "outcomes": [e.as_dict() for e in outcomes],
        "rapprochement_by_year": by_year,
        "rapprochement_turns": {"histogram": histogram, "never": len(turns) - len(reached),
                                "labels": {t: sc.label(t) for t in range(1, sc.turns + 1)},
                                "mean_turn": _num(mean_ci(reached)[0]) if reached else None},
        "objectives": objectives,
        "series": series,
        "series_bands": {k: {f"p{q}": v for q, v in b.items()} for k, b in bands.items()},
    }


# --- the claims as experiments ---------------------------------------------------------------------


def _evolve_theatres(state: State, change: Callable[[Any], dict[str, int]]) -> State:
    return attrs.evolve(state, theatres=tuple(attrs.evolve(t, **change(t)) for t in state.theatres))


def _part(state: State, part: str, **changes: Any) -> State:
    return attrs.evolve(state, **{part: attrs.evolve(getattr(state, part), **changes)})


def _ego_low(state: State, rb: Rulebook) -> State:
    return _part(state, "islamic_state", ego=3)


def _is_weakened(state: State, rb: Rulebook) -> State:
    state = _evolve_theatres(state, lambda t: {"territory": t.territory // 3, "oil": 0, "is_province": t.is_province // 2})
    return _part(state, "islamic_state", funds=2, standing=2, fighters=5, cohesion=4)


def _periphery_gains(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {} if t.core else {"territory": min(10, t.territory + 3),
                                                                 "turn_start_territory": min(10, t.territory + 3)})


def _oil_lost(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"oil": 0})


def _unpaid(state: State, rb: Rulebook) -> State:
    return _part(state, "islamic_state", wages=0, services=0, funds=0)


def _iraq_affiliate(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"aq_affiliate": 3} if t.name == "iraq" else {})


def _merged(autonomy: int, turns: int) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        return _part(state, "relation", stage=MERGER, autonomy=autonomy, turns=turns, offered=1)

    return setup


def _major_defeat(state: State, rb: Rulebook) -> State:
    state = _evolve_theatres(state, lambda t: {"territory": max(0, t.territory - 3), "oil": min(t.oil, 1)} if t.core else {})
    return _part(state, "islamic_state", setbacks=8)


def _collapsed(state: State, rb: Rulebook) -> State:
    state = _evolve_theatres(state, lambda t: {"territory": 0, "oil": 0, "turn_start_territory": 0,
                                               "is_province": min(t.is_province, 1)})
    return _part(state, "islamic_state", collapsed=1, funds=2, standing=2)


def _collapsed_good_climate(state: State, rb: Rulebook) -> State:
    state = _collapsed(state, rb)
    return _evolve_theatres(state, lambda t: {"grievance": max(0, t.grievance - 3), "governance": min(10, t.governance + 3)})


def _leader_killed(state: State, rb: Rulebook) -> State:
    leader = attrs.evolve(state.islamic_state.leader, vacuum=2, successions=1)
    return _part(state, "islamic_state", leader=leader)


def _reform_board(faithful: int) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        return _evolve_theatres(state, lambda t: {"reform": 5, "faithful": faithful})

    return setup


def _assad_gone(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"assad": 0} if t.name == "syria" else {})


def _afpak_settled(groups: bool) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        def change(t: Any) -> dict[str, int]:
            if t.name != "afpak":
                return {}
            out = {"peace": 5, "settled": 1}
            if not groups:
                out.update(is_province=0, aq_affiliate=0, territory=0, turn_start_territory=0)
            return out

        return _evolve_theatres(state, change)

    return setup


def _root_causes(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"reform": 6, "faithful": 1, "governance": max(t.governance, 5)})


SETUPS: dict[str, tuple[str, Callable[[State, Rulebook], State]]] = {
    "ego_low": ("IS's ego 3 instead of 9", _ego_low),
    "is_weakened": ("IS starts much weaker (a third of its ground, no oil, half its provinces, funds 2)", _is_weakened),
    "periphery_gains": ("IS starts with 3 more territory in every theatre outside Iraq and Syria", _periphery_gains),
    "oil_lost": ("IS has lost every oil site at the start", _oil_lost),
    "unpaid": ("IS starts unable to pay: wages 0, services 0, funds 0", _unpaid),
    "iraq_affiliate": ("AQ starts with an affiliate of 3 in Iraq", _iraq_affiliate),
    "merged_0": ("IS and AQ start merged, autonomy 0", _merged(0, 1)),
    "merged_3": ("IS and AQ start merged, autonomy 3", _merged(3, 1)),
    "merger_now": ("IS merges into AQ on turn 1 (autonomy 0)", _merged(0, 0)),
    "major_defeat": ("IS has just suffered a major defeat (3 ground lost in Iraq and Syria, setbacks 8)", _major_defeat),
    "collapsed": ("the caliphate has collapsed at the start", _collapsed),
    "collapsed_good_climate": ("the caliphate has collapsed, grievance 3 lower and governance 3 higher everywhere",
                               _collapsed_good_climate),
    "leader_killed": ("IS's leader is killed on turn 1 (vacuum 2)", _leader_killed),
    "oil_lost_leader_killed": ("IS has lost its oil and its leader is killed on turn 1",
                               lambda state, rb: _leader_killed(_oil_lost(state, rb), rb)),
    "reform_faithful": ("reform 5 in every theatre, carried out faithfully", _reform_board(1)),
    "reform_paper": ("reform 5 in every theatre, on paper only", _reform_board(0)),
    "assad_gone": ("Assad no longer holds on in Syria", _assad_gone),
    "afpak_settled_groups": ("a settlement in Afghanistan-Pakistan, with IS and AQ still there", _afpak_settled(True)),
    "afpak_settled_clear": ("a settlement in Afghanistan-Pakistan, with IS and AQ gone from it", _afpak_settled(False)),
    "root_causes": ("root causes addressed: faithful reform 6 and governance 5+ everywhere", _root_causes),
}
"""Changes to the opening board, by name: (what it means, the function)."""


def _doc(cell: str, **knobs: Any) -> tuple[tuple[str, Doctrine], ...]:
    return ((cell, Doctrine(**knobs)),)


@frozen
class Experiment:
    """A claim as a paired experiment: the same seeds with the factor (``treatment``) and without
    (``control``); the effect is treatment minus control on ``metric``, and the article expects
    its sign to be ``expected`` (+1 or -1)."""

    id: str
    claim: str
    statement: str  # what the article says, in our words
    factor: str
    treatment: Arm
    control: Arm
    metric: str
    metric_label: str
    expected: int


@frozen
class Untestable:
    claim: str
    statement: str
    reason: str


@frozen
class Observation:
    """A claim about what usually happens, not about the effect of one factor: measured on the
    baseline games, matched when the interval lies on the article's side of ``threshold``."""

    id: str
    claim: str
    statement: str
    metric: str
    metric_label: str
    threshold: float
    expected: int  # +1: above the threshold; -1: below


EXPERIMENTS: tuple[Experiment | Observation | Untestable, ...] = (
    Experiment("C1a", "C1", "Ego is the main barrier to talks (¶2)", "IS's ego low (3) vs as written (9)",
               Arm("ego_low"), BASELINE, "talks_turn", "turn talks first open (never: last + 1)", -1),
    Experiment("C1b", "C1", "Talks open when one group is much weaker and desperate (¶2)",
               "IS much weaker at the start vs as written", Arm("is_weakened"), BASELINE, "talks_turn",
               "turn talks first open (never: last + 1)", -1),
    Observation("C2", "C2", "IS, not AQ, is the one that becomes the weaker (¶3)", "is_weaker",
                "IS ends the weaker group", 0.5, +1),
    Experiment("C3a", "C3", "Coalition pressure falls mostly on IS (¶3)",
               "coalition presses IS (air, counter-finance, hunt) vs does not", BASELINE,
               Arm(doctrines=_doc("coalition", press_is=False)), "power_gap", "power gap (AQ - IS) at the end", +1),
    Experiment("C3b", "C3", "AQ's franchises face less pressure than IS (¶3)",
               "coalition presses IS vs does not", BASELINE, Arm(doctrines=_doc("coalition", press_is=False)),
               "provinces_minus_affiliates", "IS province minus AQ affiliate strength at the end", -1),
    Experiment("C4", "C4", "IS gains outside Iraq and Syria are followed by setbacks (¶3)",
               "3 more territory in each distant theatre vs as written", Arm("periphery_gains"), BASELINE,
               "periphery_change_y1", "change in distant territory over the first year", -1),
    Experiment("C5a", "C5", "Lost oil means lower wages and services (¶4)", "oil lost at the start vs not",
               Arm("oil_lost"), BASELINE, "mean_wages_services", "IS wages + services, game average", -1),
    Experiment("C5b", "C5", "... and less recruiting (¶4)", "oil lost at the start vs not",
               Arm("oil_lost"), BASELINE, "mean_is_recruitment", "IS recruitment, game average", -1),
    Experiment("C6", "C6", "Unpaid members defect and form offshoots (¶4)", "IS starts unable to pay vs as written",
               Arm("unpaid"), BASELINE, "defectors_early", "defectors' groups formed in the first two years", +1),
    Experiment("C7a", "C7", "AQ welcomes defectors back (¶4)", "AQ welcomes defectors vs never does", BASELINE,
               Arm(doctrines=_doc("aq", welcome=False)), "offshoots_absorbed", "offshoots absorbed by AQ", +1),
    Experiment("C7b", "C7", "... most of all in Iraq, where it has no affiliate (¶4)",
               "no AQ affiliate in Iraq (as written) vs an affiliate of 3", BASELINE, Arm("iraq_affiliate"),
               "absorbed_iraq", "groups absorbed by AQ in Iraq", +1),
    Experiment("C8a", "C8", "The more autonomy AQ grants, the likelier a second split (¶5)",
               "start merged at autonomy 3 vs 0", Arm("merged_3"), Arm("merged_0"), "second_split",
               "a second split", +1),
    Experiment("C8b", "C8", "... and the weaker the alliance (¶5)", "start merged at autonomy 3 vs 0",
               Arm("merged_3"), Arm("merged_0"), "allied_turns", "quarters allied or merged", -1),
    Experiment("C9", "C9", "On a merger, holdouts form their own offshoots (¶6)", "merger on turn 1 vs none",
               Arm("merger_now"), BASELINE, "holdouts_formed", "holdouts' groups formed", +1),
    Experiment("C10", "C10", "After a major defeat, brutality escalates (¶6)", "a major defeat at the start vs none",
               Arm("major_defeat"), BASELINE, "mean_is_brutality", "IS brutality, game average", +1),
    Experiment("C11a", "C11", "An IS collapse inspires violent offshoots (¶7)", "caliphate collapsed at the start vs not",
               Arm("collapsed"), BASELINE, "inspired_formed", "inspired groups formed", +1),
    Experiment("C11b", "C11", "Their success depends on the political climate (¶7)",
               "after a collapse: the climate as written vs grievance -3 and governance +3", Arm("collapsed"),
               Arm("collapsed_good_climate"), "offshoot_strength", "offshoot strength at the end", +1),
    Experiment("C12a", "C12", "A vacuum, lost ground and dry revenue: only AQ can fill it (¶8)",
               "oil already lost: IS's leader killed on turn 1 vs not", Arm("oil_lost_leader_killed"), Arm("oil_lost"),
               "standing_gap_y1", "AQ minus IS standing after a year", +1),
    Experiment("C12b", "C12", "The successor is not more diplomatic (¶8)", "IS's leader killed on turn 1 vs not",
               Arm("leader_killed"), BASELINE, "is_leader_hardline", "IS leader's hardline at the end", +1),
    Experiment("C13a", "C13", "Marginalisation feeds the groups until reform is faithful (¶9)",
               "reform 5 everywhere, faithful vs on paper", Arm("reform_faithful"), Arm("reform_paper"),
               "avg_grievance", "average grievance at the end", -1),
    Experiment("C13b", "C13", "... faithfully carried out, not on paper (¶9)",
               "governments reform faithfully vs on paper", Arm(doctrines=_doc("governments", reform="faithful")),
               Arm(doctrines=_doc("governments", reform="cosmetic")), "avg_grievance",
               "average grievance at the end", -1),
    Experiment("C14", "C14", "With Assad staying, Syria's governance cannot rise far (¶9)",
               "Assad stays (as written) vs gone", BASELINE, Arm("assad_gone"), "mean_syria_governance",
               "Syria's governance, game average", -1),
    Experiment("C15", "C15", "After a settlement, groups with influence trouble the new government (¶9)",
               "settled Afghanistan-Pakistan with IS and AQ present vs gone", Arm("afpak_settled_groups"),
               Arm("afpak_settled_clear"), "afpak_governance", "Afghanistan-Pakistan governance at the end", -1),
    Experiment("C16a", "C16", "Addressing root causes weakens IS (¶10)", "root causes addressed vs as written",
               Arm("root_causes"), BASELINE, "total_provinces", "IS province strength at the end", -1),
    Experiment("C16b", "C16", "... and AQ (¶10)", "root causes addressed vs as written", Arm("root_causes"), BASELINE,
               "total_affiliates", "AQ affiliate strength at the end", -1),
    Experiment("C16c", "C16", "... and the other groups (¶10)", "root causes addressed vs as written",
               Arm("root_causes"), BASELINE, "offshoot_strength", "offshoot strength at the end", -1),
    Untestable("C14", "Afghan talks start in their infancy (¶9)",
               "a fact about the opening board, not the effect of a factor: the scenario sets the Afghan talks at "
               "peace 1 (checked by test_c14_afghan_talks_start_in_their_infancy); only the Assad half is an experiment"),
    Untestable("C12", "The Shura Council chooses the successor (¶8)",
               "who is chosen is not modelled beyond his hardline-ness, which C12b measures; no factor can be varied"),
)
"""Every claim, as an experiment, an observation, or with the reason it cannot be tested."""


@frozen
class ClaimResult:
    id: str
    claim: str
    statement: str
    kind: str  # "experiment" or "observation"
    factor: str
    metric: str
    metric_label: str
    expected: int
    n: int
    control: float | None
    treatment: float | None
    effect: float
    lo: float
    hi: float
    verdict: str  # "matches", "contradicts", "inconclusive"
    differences: tuple[float, ...] = ()  # paired, treatment - control, game by game

    def as_dict(self, with_data: bool = False) -> dict[str, Any]:
        d = {k: _num(v) for k, v in attrs.asdict(self).items() if k != "differences"}
        if with_data:
            d["differences"] = list(self.differences)
        return d


def verdict(expected: int, lo: float, hi: float) -> str:
    """Whether a 95% interval agrees with the direction the article expects.

    ``expected`` +1 or -1: "matches" when the whole interval lies on that side of zero,
    "contradicts" when it lies wholly on the other, else "inconclusive"."""
    if math.isnan(lo) or math.isnan(hi):
        return "inconclusive"
    if expected > 0:
        return "matches" if lo > 0 else "contradicts" if hi < 0 else "inconclusive"
    return "matches" if hi < 0 else "contradicts" if lo > 0 else "inconclusive"


def paired(exp: Experiment, treated: Sequence[GameResult], control: Sequence[GameResult]) -> ClaimResult:
    assert [r.seed for r in treated] == [r.seed for r in control], "paired arms must share their seeds"
    t = [r.metrics[exp.metric] for r in treated]
    c = [r.metrics[exp.metric] for r in control]
    diffs = tuple(a - b for a, b in zip(t, c))
    m, lo, hi = mean_ci(diffs)
    if diffs and diffs[0] != 0 and all(d == diffs[0] for d in diffs):
        # Every game moved by the same amount: a t interval would have no width at all. Be
        # conservative and add one game in which the factor changed nothing: the interval then
        # has a width that shrinks with the number of games, as it should.
        _, lo, hi = mean_ci(diffs + (0.0,))
    return ClaimResult(exp.id, exp.claim, exp.statement, "experiment", exp.factor, exp.metric, exp.metric_label,
                       exp.expected, len(diffs), _mean(c), _mean(t), m, lo, hi,
                       verdict(exp.expected, lo, hi), diffs)


def _mean(xs: Sequence[float]) -> float | None:
    return math.fsum(xs) / len(xs) if xs else None


def observed(obs: Observation, baseline: Sequence[GameResult]) -> ClaimResult:
    values = [r.metrics[obs.metric] for r in baseline]
    p, lo, hi = wilson(sum(1 for v in values if v), len(values))
    v = verdict(obs.expected, lo - obs.threshold, hi - obs.threshold)
    return ClaimResult(obs.id, obs.claim, obs.statement, "observation", f"baseline games (threshold {obs.threshold:g})",
                       obs.metric, obs.metric_label, obs.expected, len(values), None, p, p, lo, hi, v)


def run_claims(rulebook: Rulebook, runs: int, master_seed: int = 1, scenario: str = "spring-2016",
               seats: Mapping[str, str] | None = None, workers: int = 1, rules_dir: Path | None = None,
               decks_dir: Path | None = None, progress: Callable[[int], None] | None = None,
               only: Iterable[str] | None = None) -> list[ClaimResult]:
    """Every testable claim, each arm played on the same ``runs`` seeds (common random numbers)."""
    from wargame.headless import parse_seats

    seats = dict(seats or parse_seats(DEFAULT_SEATS))
    wanted = set(only) if only is not None else None
    chosen = [e for e in EXPERIMENTS if not isinstance(e, Untestable) and (wanted is None or e.id in wanted or e.claim in wanted)]
    arms: list[Arm] = []
    for e in chosen:
        for arm in ((e.treatment, e.control) if isinstance(e, Experiment) else (BASELINE,)):
            if arm not in arms:
                arms.append(arm)
    batches = [Batch(scenario, seats, arm, runs, master_seed) for arm in arms]
    played = run_batches(rulebook, batches, workers, rules_dir, decks_dir, progress)
    by_arm = dict(zip(arms, played))
    out = []
    for e in chosen:
        if isinstance(e, Experiment):
            out.append(paired(e, by_arm[e.treatment], by_arm[e.control]))
        else:
            out.append(observed(e, by_arm[BASELINE]))
    return out


def untestable(only: Iterable[str] | None = None) -> list[Untestable]:
    """The claims (or parts of claims) that no experiment can test, with the reason."""
    wanted = set(only) if only is not None else None
    return [e for e in EXPERIMENTS if isinstance(e, Untestable) and (wanted is None or e.claim in wanted)]


def claims_games(runs: int, only: Iterable[str] | None = None) -> int:
    """How many games ``run_claims`` plays (for a progress bar)."""
    wanted = set(only) if only is not None else None
    arms: list[Arm] = []
    for e in EXPERIMENTS:
        if isinstance(e, Untestable) or (wanted is not None and e.id not in wanted and e.claim not in wanted):
            continue
        for arm in ((e.treatment, e.control) if isinstance(e, Experiment) else (BASELINE,)):
            if arm not in arms:
                arms.append(arm)
    return runs * len(arms)


# --- the commands ---------------------------------------------------------------------------------


def _progress_bar(total: int, what: str):
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        return _NoProgress()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    return _RichProgress(progress, total)


class _NoProgress:
    def __enter__(self) -> Callable[[int], None]:
        return lambda n: None

    def __exit__(self, *exc: Any) -> None:
        return None


class _RichProgress:
    def __init__(self, progress: Any, total: int):
        self.progress = progress
        self.total = total

    def __enter__(self) -> Callable[[int], None]:
        self.progress.__enter__()
        task = self.progress.add_task("games", total=self.total)
        return lambda n: self.progress.advance(task, n)

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)


def _console(width: int = 110):
    from rich.console import Console

    return Console(file=sys.stdout, width=None if sys.stdout.isatty() else width, highlight=False)


def _rate(games: int, elapsed: float, workers: int) -> None:
    """Games per second, on stderr (never mixed into --json)."""
    sys.stdout.flush()
    print(f"{games} games in {elapsed:.1f} s: {games / max(elapsed, 1e-9):.1f} games/s "
          f"({workers} worker{'s' if workers > 1 else ''})", file=sys.stderr)


def _fmt(v: float | None, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.{digits}f}"


def _ci(e: Mapping[str, Any], pct: bool) -> tuple[str, str]:
    scale = 100 if pct else 1
    unit = "%" if pct else ""
    v, lo, hi = e["value"], e["lo"], e["hi"]
    if v is None:
        return "-", "-"
    digits = 1 if pct else 2
    return (f"{v * scale:.{digits}f}{unit}",
            f"{'-' if lo is None else f'{lo * scale:.{digits}f}'} .. {'-' if hi is None else f'{hi * scale:.{digits}f}'}{unit}")


def _seats_or_complain(rulebook: Rulebook, args: Any) -> dict[str, str] | None:
    """The scenario and seats of a command line, or None after a one-line complaint."""
    from wargame.headless import parse_seats

    if args.scenario not in rulebook.scenarios:
        print(f"wargame: no scenario {args.scenario!r} (scenarios: {', '.join(rulebook.scenarios)})", file=sys.stderr)
        return None
    try:
        return parse_seats(args.seats)
    except ValueError as e:
        print(f"wargame: {e}", file=sys.stderr)
        return None


def simulate_command(rulebook: Rulebook, args: Any) -> int:
    """``wargame simulate``: bot-only games, outcomes with 95% intervals, charts; games/s on stderr."""
    seats = _seats_or_complain(rulebook, args)
    if seats is None:
        return 2
    workers = args.workers or os.cpu_count() or 1
    start = time.perf_counter()
    with _progress_bar(args.runs, f"simulate {args.scenario}") as advance:
        results = run_batches(rulebook, [Batch(args.scenario, seats, BASELINE, args.runs, args.seed)], workers,
                              args.rules, args.decks, advance)[0]
    elapsed = time.perf_counter() - start
    summary = summarise(rulebook, args.scenario, results)
    summary = {"seed": args.seed, "seats": seats, **summary}
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        from wargame.charts import print_simulation

        print_simulation(_console(), summary)
    _rate(args.runs, elapsed, workers)
    return 0


def claims_command(rulebook: Rulebook, args: Any) -> int:
    """``wargame claims``: the article's claims as paired experiments."""
    seats = _seats_or_complain(rulebook, args)
    if seats is None:
        return 2
    only = [x.strip() for x in args.only.split(",") if x.strip()] if args.only else None
    known = {getattr(e, "id", e.claim) for e in EXPERIMENTS} | {e.claim for e in EXPERIMENTS}
    unknown = [x for x in only or () if x not in known]
    if unknown:
        print(f"wargame: no claim or experiment {', '.join(unknown)} (see wargame claims --help)", file=sys.stderr)
        return 2
    workers = args.workers or os.cpu_count() or 1
    start = time.perf_counter()
    total = claims_games(args.runs, only)
    with _progress_bar(total, "claims") as advance:
        results = run_claims(rulebook, args.runs, args.seed, args.scenario, seats, workers, args.rules, args.decks,
                             advance, only)
    elapsed = time.perf_counter() - start
    header = {"scenario": args.scenario, "runs": args.runs, "seed": args.seed, "seats": seats}
    if args.json:
        print(json.dumps({**header, "claims": [r.as_dict() for r in results],
                          "untestable": [attrs.asdict(u) for u in untestable(only)]}, indent=2, ensure_ascii=False))
    elif args.markdown:
        print(claims_markdown(header, results, untestable(only)))
    else:
        from wargame.charts import print_claims

        print_claims(_console(150), header, results, untestable(only))
    _rate(total, elapsed, workers)
    return 0


_SIGN = {1: "+", -1: "-"}


def claims_markdown(header: Mapping[str, Any], results: Sequence[ClaimResult],
                    gone: Sequence[Untestable] = ()) -> str:
    lines = [
        f"# The article's claims as experiments ({header['scenario']}, {header['runs']} paired games, seed {header['seed']})",
        "",
        "Each experiment plays the same seeds twice, with and without one factor (common random numbers); the "
        "effect is the mean paired difference (with the factor minus without) with its 95% t interval. "
        "Observations are proportions over the baseline games with their 95% Wilson interval. A claim *matches* "
        "when the whole interval lies on the side the article expects.",
        "",
        "| id | claim | factor | outcome | expected | without | with | effect | 95% CI | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.id} | {r.statement} | {r.factor} | {r.metric_label} | {_SIGN[r.expected]} | "
            f"{_fmt(r.control)} | {_fmt(r.treatment)} | {_fmt(r.effect)} | {_fmt(r.lo)} .. {_fmt(r.hi)} | {r.verdict} |")
    if gone:
        lines += ["", "Not testable by experiment:", ""]
        lines += [f"- {u.claim} ({u.statement}): {u.reason}" for u in gone]
    return "\n".join(lines)
