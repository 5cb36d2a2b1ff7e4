"""What each seat sees, over a batch (``wargame.batch.view``), is the scalar engine's view and the
doctrine bots' picture: the same ranges, the same numbers worked out on them, the same chances,
bit for bit, on boards reached in games and on arbitrary boards."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.test_batch_legality import FEW, batch_of, reached
from wargame.batch.legality import Legality
from wargame.batch.view import Picture, estimates, view_keys
from wargame.bots.picture import Picture as ScalarPicture
from wargame.engine.board import COMPUTED
from wargame.engine.model import CELLS
from wargame.engine.view import SEATS, view


@FEW
@given(data=st.data())
def test_the_ranges_and_pictures_are_the_scalar_ones(rulebook, data):
    scenario = data.draw(st.sampled_from(sorted(rulebook.scenarios)))
    games = data.draw(st.lists(reached(rulebook, scenario), min_size=1, max_size=4))
    batch, rows = batch_of(rulebook, games)
    keys = view_keys(batch.boards.seed)
    legality = Legality(rulebook, batch.book, batch.boards.theatre_names)
    for seat in SEATS:
        seen = estimates(batch.boards, rows, seat, keys[rows])
        for i, state in enumerate(games):
            tracks = view(state, seat).tracks
            assert set(seen) == set(tracks), seat
            for n, est in tracks.items():
                assert (seen[n][0][i], seen[n][1][i]) == (est.lo, est.hi), f"game {i}, {seat} sees {n}"
    formulas = [n for n, _ in rulebook.formulas]
    for cell in CELLS:
        picture = Picture(batch.boards, batch.book, rows, cell, keys[rows], rulebook.budgets[cell])
        cands = legality.cands[cell]
        m, J = len(rows), len(batch.boards.theatre_names)
        chances = {kind: np.broadcast_to(picture.chance(kind, wide), (m, J) if wide else (m,))
                   for kind, _, _, wide in cands.spans}
        for i, state in enumerate(games):
            scalar = ScalarPicture(view(state, cell), rulebook)
            for n in (*scalar.view.tracks, *COMPUTED, *formulas):
                assert picture.g[n][i] == scalar.g[n], f"game {i}, {cell}'s picture of {n}"
            assert picture.budget[i] == scalar.budget
            for k, order in enumerate(cands.orders):
                got = chances[order.kind]
                got = got[i, cands.columns[k]] if order.theatre else got[i]
                assert got == scalar.chance(order), f"game {i}: {order}"


def test_every_seat_sees_with_the_views_widths():
    """The widths the batch view gives each seat are the scalar view's (a private rule there)."""
    from wargame.batch.view import _width
    from wargame.engine import view as scalar_view

    for seat in SEATS:
        for owner in CELLS:
            if seat not in ("coalition", "white"):
                assert _width(seat, owner) == scalar_view._width(seat, owner, 0)
