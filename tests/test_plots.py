"""The charts of a game: a cell sees only the series it may always see exactly, each drawn on
its own range with axes, the scale and the quarters, as plain text in a report."""

from __future__ import annotations

from wargame.engine.board import GLOBAL_TRACKS
from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.engine.shown import series_visible
from wargame.record.game import Game, Header, play_bots
from wargame.record.plots import SERIES, charts, text_chart
from wargame.table.examples import random_choosers

RULEBOOK = load_rulebook()


def game(turns: int | None) -> Game:
    g = Game(RULEBOOK, Header("spring-2016", 5, {c: "random" for c in CELLS}, "charts", "charts-5"))
    play_bots(g, random_choosers(RULEBOOK, 5), turns=turns)
    return g


def test_a_cell_mid_game_sees_no_chart_of_anothers_secret_track():
    g = game(3)
    for seat in CELLS:
        titles = {c.series.title for c in charts(RULEBOOK, g, seat)}
        for s in SERIES:
            reads = [r for r in s.reads if r in RULEBOOK.formula_reads or r in GLOBAL_TRACKS]
            assert (s.title in titles) == series_visible(RULEBOOK, seat, reads), (seat, s.title)
    assert {c.series.title for c in charts(RULEBOOK, g, "white")} == {s.title for s in SERIES}
    assert "IS funds" not in {c.series.title for c in charts(RULEBOOK, g, "aq")}


def test_once_the_game_is_over_everyone_sees_every_chart():
    g = game(None)
    assert g.state.over
    for seat in CELLS:
        assert len(charts(RULEBOOK, g, seat)) == len(SERIES)


def test_a_chart_has_its_title_scale_and_quarters_as_plain_text():
    g = game(4)
    chart = charts(RULEBOOK, g, "white")[0]
    assert chart.quarters[0] == "start" and len(chart.quarters) == len(chart.values) == 5
    text = text_chart(chart, 72, 14)
    assert "\x1b" not in text
    lines = text.splitlines()
    assert chart.series.title in lines[0]
    assert any("┤" in line for line in lines), "a y axis with ticks"
    assert "start" in text and chart.quarters[-1] in text and "quarter" in text
    assert len(lines) <= 14 and max(len(line) for line in lines) <= 72


def test_a_flat_series_is_drawn_on_its_range_not_stretched_to_the_floor():
    g = game(3)
    flat = next(c for c in charts(RULEBOOK, g, "white") if len(set(c.values)) == 1)
    text = text_chart(flat, 72, 14)
    lo, hi = flat.series.lo, flat.series.hi
    assert f"{hi:g}┤" in text.replace(" ", "") and f"{lo:g}┤" in text.replace(" ", "")
