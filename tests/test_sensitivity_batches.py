"""``wargame sensitivity`` plays the games of many points together: one batch whose games each
carry their own point's parameter values (``wargame.batch.parameters``). The study's outputs and
indices are those of playing each point by itself on the scalar engine, however the games are
chunked; and points whose rulebooks cannot share a batch are played apart, never wrongly.
"""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from wargame.analysis import sensitivity as sa
from wargame.analysis.sensitivity_runs import local_runner
from wargame.bots.play import parse_seats
from wargame.engine.parameters import declared_ranges
from wargame.engine.rulebook import RULES_DIR

NAMES = ("holdout_brutality", "gap_threshold", "upkeep_rate")  # a whole number, the formulas', the doctrine's


def _study(rulebook, **kw) -> tuple[dict, sa.GameStudy]:
    ranges = declared_ranges(RULES_DIR, rulebook.parameters)
    prob = sa.problem(ranges, NAMES, [n for n in NAMES if sa.whole(rulebook, n)])
    study = sa.GameStudy(rulebook, NAMES, ranges, "exercise", parse_seats("all=doctrine:mixed"), "power_gap", 3, 9, **kw)
    return prob, study


def _run(rulebook, study, prob):
    stats: dict = {}
    points, ys, indices = sa.run_study(prob, 2, 9, sa.evaluate_games(study, local_runner(rulebook, 1), stats))
    return ys, indices, stats


def test_one_batch_of_every_point_gives_the_indices_of_the_points_played_one_by_one(rulebook):
    prob, scalar = _study(rulebook, engine="scalar", shared=False, chunk=1)
    want_ys, want, want_stats = _run(rulebook, scalar, prob)
    games = 2 * (len(NAMES) + 2) * 3
    for chunk in (games, 16, 7):  # all in one batch; batches of several points; points split between chunks
        study = attrs.evolve(scalar, engine="batch", shared=True, chunk=chunk)
        if chunk == games:
            assert len(list(study.chunks(sa.sample(prob, 2, 9)))) == 1
        ys, got, stats = _run(rulebook, study, prob)
        assert np.array_equal(ys, want_ys), chunk
        assert got == want and stats == want_stats, chunk
    assert len(set(want_ys.tolist())) > 1  # the points do differ


def test_a_points_games_span_chunks_in_order(rulebook):
    prob, study = _study(rulebook, chunk=5)
    chunks = list(study.chunks(sa.sample(prob, 2, 9)))
    assert all(sum(len(j.seeds) for j in c) <= 5 for c in chunks)
    parts: dict[int, list] = {}
    for c in chunks:
        for j in c:
            parts.setdefault(j.point, []).append((j.first, j.seeds))
    whole = tuple(sa.point_seed(9, g) for g in range(3))
    for p, ps in parts.items():
        assert tuple(s for _, part in ps for s in part) == whole, p
        assert [f for f, _ in ps] == sorted(f for f, _ in ps)


def test_points_that_cannot_share_a_batch_are_played_apart_with_the_same_results(rulebook):
    # max_orders shapes the turn: a study varying it (a rules folder may give it a range) cannot
    # read it per game; the chunk is played point by point, and the command says so
    ranges = {"max_orders": (2, 3), "oil_income": (0.5, 1.5)}
    assert "max_orders" in sa.shares_batches(rulebook, ("max_orders", "oil_income"), ranges)
    assert sa.shares_batches(rulebook, NAMES, declared_ranges(RULES_DIR, rulebook.parameters)) is None
    seats = tuple(sorted(parse_seats("all=random").items()))
    seeds = tuple(sa.point_seed(1, g) for g in range(9))
    chunk = tuple(sa.Job(p, (("max_orders", m), ("oil_income", 1.2)), "exercise", seats, "power_gap", seeds)
                  for p, m in enumerate((2, 3)))
    got = sa.play_chunk(rulebook, chunk)
    assert got == [sa.play_point(rulebook, job) for job in chunk]
    assert got[0][1] != got[1][1]


@pytest.mark.parametrize("games, workers", [(640, 1), (640, 2), (10_240, 2), (20, 2)])
def test_chunks_are_batches_that_pay_and_share_out(games, workers):
    size = sa.chunk_games(games, workers)
    assert min(games, sa.BATCH_MIN) <= size <= sa.MAX_CHUNK
    if workers > 1 and games >= 2 * workers * sa.BATCH_MIN:
        assert -(-games // size) >= workers  # every worker has a chunk
