"""``simulate --games-out FILE`` and ``--series-out FILE``: a row a game, and a row a game and turn,
in Parquet, CSV or JSON Lines by the file's suffix (wargame/analysis/tables.py).

Each format reads back (pyarrow, the csv module, json) to exactly the games the same run plays; every
column is documented in docs/analysts-guide.md; a file name without a known suffix is one line, exit
2, before any game; the rows are written as the games come (memory does not grow with --runs); and a
run that fails or is interrupted leaves no file, whole or half.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tracemalloc
from pathlib import Path

import attrs
import pyarrow.parquet as pq
import pytest

from tests.bounded import in_process, one_line
from wargame.analysis import pool
from wargame.analysis.arms import BASELINE
from wargame.analysis.pool import Batch, run_batches
from wargame.analysis.tables import (
    INTEGER,
    NUMBER,
    TEXT,
    TableWriter,
    game_columns,
    game_row,
    series_columns,
    series_rows,
)
from wargame.bots.play import parse_seats
from wargame.engine.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "analysts-guide.md"
RULEBOOK = load_rulebook()
SEATS_TEXT = "all=doctrine:mixed,coalition=random"
SEATS = parse_seats(SEATS_TEXT)
RUN = ["simulate", "--scenario", "exercise", "--runs", "5", "--seed", "3", "--seats", SEATS_TEXT, "--workers", "1", "--json"]


@pytest.fixture(scope="module")
def games():
    """The games of RUN, played here with every track kept."""
    return run_batches(RULEBOOK, [Batch("exercise", SEATS, BASELINE, 5, 3, tracks=True)], 1)[0]


def expected(games):
    rows = [game_row(g, "exercise", SEATS) for g in games]
    turns = [row for g in games for row in series_rows(g)]
    return rows, turns


def read_back(path: Path, columns) -> list[dict]:
    """A table's rows as Python values, whatever its format (CSV: '' is empty, numbers by type)."""
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    types = dict(columns)
    convert = {INTEGER: int, NUMBER: float, TEXT: str}
    with path.open(newline="", encoding="utf-8") as f:
        return [{k: None if v == "" else convert[types[k]](v) for k, v in row.items()} for row in csv.DictReader(f)]


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_each_format_reads_back_to_the_games_of_the_run(tmp_path, games, suffix):
    g, s = tmp_path / f"games{suffix}", tmp_path / f"turns{suffix}"
    done = in_process([*RUN, "--games-out", g, "--series-out", s])
    assert done.code == 0, done.err
    rows, turns = expected(games)
    gcols, scols = game_columns(RULEBOOK), series_columns(RULEBOOK, "exercise")
    got = read_back(g, gcols)
    assert [list(r) for r in got] == [[n for n, _ in gcols]] * len(games)  # every column, in order
    assert got == [{n: r.get(n) for n, _ in gcols} for r in rows]
    for row, game in zip(got, games):
        assert {k: row[k] for k in game.metrics} == dict(game.metrics)  # every metric, objectives' points too
        assert all(row[f"objective:{o.id}"] is not None for o in RULEBOOK.objectives)
        assert row["seed"] == game.seed and row["scenario"] == "exercise" and row["seat:coalition"] == "random"
        assert row["posture:coalition"] is None and row["posture:is"] in ("cautious", "standard", "aggressive")
    got = read_back(s, scols)
    assert got == [{n: r.get(n) for n, _ in scols} for r in turns]
    assert len(got) == sum(len(game.series["territory"]) for game in games)
    assert {"iraq.territory", "is_funds", "relation_stage", "power_gap"} <= set(got[0])
    theatres = {n.split(".")[0] for n, _ in scols if "." in n}
    assert [sum(r[f"{t}.territory"] for t in theatres) for r in got if r["game"] == 0] == list(games[0].series["territory"])
    assert sorted(os.listdir(tmp_path)) == sorted([g.name, s.name])  # no temporary file left


def test_the_tables_change_nothing_of_the_summary(tmp_path):
    plain = in_process(RUN)
    tabled = in_process([*RUN, "--games-out", tmp_path / "g.csv", "--series-out", tmp_path / "s.parquet"])
    assert plain.code == tabled.code == 0
    assert json.loads(plain.out) == json.loads(tabled.out)


def test_a_table_wargame_wrote_is_replaced_and_another_file_only_with_force(tmp_path):
    for suffix in (".parquet", ".csv", ".jsonl"):
        path = tmp_path / f"g{suffix}"
        assert in_process([*RUN, "--runs", "1", "--games-out", path]).code == 0
        assert in_process([*RUN, "--runs", "2", "--games-out", path]).code == 0  # ours: replaced
        # one's own notes, even under the very header of a table of games, are not a table wargame wrote
        for mine in ("game,seed,mine\n", "game,seed,scenario\nMY NOTES ON THE EXERCISE\n",
                     '{"game": 0, "seed": 1, "scenario": "x"}\nmy notes\n'):
            notes = tmp_path / f"notes{suffix}"
            notes.write_text(mine)
            done = in_process([*RUN, "--runs", "1", "--games-out", notes])
            assert "--force" in one_line(done, 3, str(notes)) and notes.read_text() == mine
            assert in_process([*RUN, "--runs", "1", "--games-out", notes, "--force"]).code == 0


# --- every column documented ---------------------------------------------------------------------

FAMILIES = {  # a column whose name holds a rulebook id: the guide documents the family
    "fired": "fired:<rule>", "drawn": "drawn:<card>", "ordered": "ordered:<cell>:<order>",
    "objective": "objective:<objective>", "bound": "bound:<metric>", "at_bound": "at_bound:<track>",
    "at_lo": "at_lo:<track>", "at_hi": "at_hi:<track>",
}


def documented(name: str, guide: str) -> bool:
    if f"`{name}`" in guide:
        return True
    family, sep, _ = name.partition(":")
    if sep and family in FAMILIES:
        return f"`{FAMILIES[family]}`" in guide
    cell = re.fullmatch(r"([a-z_]+):(is|aq|coalition|governments)", name)
    if cell:
        return f"`{cell[1]}:<cell>`" in guide
    theatre, dot, track = name.partition(".")
    return bool(dot) and f"`<theatre>.{track}`" in guide and f"`{theatre}`" in guide


@pytest.mark.parametrize("scenario", list(RULEBOOK.scenarios))
def test_every_column_is_in_the_analysts_guide(scenario):
    guide = GUIDE.read_text(encoding="utf-8")
    columns = game_columns(RULEBOOK) + series_columns(RULEBOOK, scenario)
    missing = sorted({n for n, _ in columns if not documented(n, guide)})
    assert not missing, f"columns not in docs/analysts-guide.md: {', '.join(missing)}"
    for snippet in ("pd.read_parquet", "read_parquet(", "```r"):
        assert snippet in guide


def test_the_documentation_check_catches_a_column_left_out():
    assert not documented("fired:c99.new-rule", "`fired:<rul>`")
    assert not documented("iraq.territory", "`<theatre>.territory`")  # the theatre not named
    assert documented("iraq.territory", "`<theatre>.territory` ... `iraq`")


# --- refused before any game ---------------------------------------------------------------------


def no_game(*args, **kwargs):
    raise AssertionError("a game was played")


@pytest.mark.parametrize("option", ["--games-out", "--series-out"])
@pytest.mark.parametrize("name", ["g.txt", "g", "g.parquet.bak", "g.json", "g.xlsx"])
def test_a_file_without_a_known_suffix_is_one_line_exit_2_before_any_game(tmp_path, monkeypatch, option, name):
    monkeypatch.setattr(pool, "play_game", no_game)
    done = in_process([*RUN, option, tmp_path / name])
    assert ".parquet, .csv or .jsonl" in one_line(done, 2, name)
    assert os.listdir(tmp_path) == []


def test_the_same_file_for_both_tables_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "play_game", no_game)
    done = in_process([*RUN, "--games-out", tmp_path / "x.csv", "--series-out", tmp_path / "x.csv"])
    one_line(done, 2, "same file")
    assert os.listdir(tmp_path) == []


# --- streamed, bounded, atomic -------------------------------------------------------------------


def test_rows_are_written_as_they_come_not_at_the_end(games):
    columns = game_columns(RULEBOOK)
    for suffix in (".parquet", ".csv", ".jsonl"):
        out = io.BytesIO()
        writer = TableWriter(out, suffix, columns, "games", rows_per_group=2)
        sizes = []
        for g in games:
            writer.write(game_row(g, "exercise", SEATS))
            sizes.append(out.tell())
        assert sizes[1] > sizes[0] or suffix != ".parquet"
        assert sizes[-1] > sizes[1] > 0  # written while the games come
        if suffix == ".parquet":
            assert writer.groups == 2  # two row groups of two rows; the fifth row waits for finish()
        writer.finish()
        if suffix == ".parquet":
            assert pq.ParquetFile(io.BytesIO(out.getvalue())).num_row_groups == 3


def fake_games(game, n: int):
    for i in range(n):
        yield attrs.evolve(game, index=i, seed=i, metrics={k: (v if v is None else v + i % 3) for k, v in game.metrics.items()})


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_the_memory_of_a_run_with_a_table_does_not_grow_with_runs(tmp_path, monkeypatch, games, suffix):
    stream = fake_games(games[0], 10**9)
    monkeypatch.setattr(pool, "play_game", lambda *a, **k: next(stream))

    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            # the scalar path, whose play_game is faked (the batch engine's chunks: test_batch_studies)
            done = in_process([*RUN, "--runs", str(n), "--games-out", tmp_path / f"g{n}{suffix}", "--engine", "scalar"])
            assert done.code == 0, done.err
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(300), peak(1500)  # past BATCH_ROWS rows held, both
    assert large < small + 1_000_000, (small, large)
    assert len(read_back(tmp_path / f"g1500{suffix}", game_columns(RULEBOOK))) == 1500


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_a_run_stopped_midway_leaves_no_file(tmp_path, monkeypatch, games, stop):
    stream = fake_games(games[0], 10**9)
    played = []

    def play(*args, **kwargs):
        if len(played) == 1500:  # past the first lines written
            raise stop("stopped")
        played.append(1)
        return next(stream)

    monkeypatch.setattr(pool, "play_game", play)
    (tmp_path / "old.csv").write_text("")  # an earlier table stays as it was
    argv = [*RUN, "--runs", "3000", "--games-out", tmp_path / "g.parquet", "--series-out", tmp_path / "old.csv",
            "--force", "--engine", "scalar"]  # the scalar path, whose play_game is faked
    if stop is KeyboardInterrupt:
        assert in_process(argv).code == 130
    else:
        with pytest.raises(RuntimeError):
            in_process(argv)
    assert sorted(os.listdir(tmp_path)) == ["old.csv"] and (tmp_path / "old.csv").read_text() == ""


def _interrupt_disposition(_: int) -> str:
    import signal

    return "ignored" if signal.getsignal(signal.SIGINT) == signal.SIG_IGN else "answered"


def test_ctrl_c_reaches_the_command_not_its_worker_processes() -> None:
    """A terminal sends Ctrl+C to every process of the command: the worker processes ignore it
    (from their start, before they could print a traceback of their own), and the command answers
    it, ending them; its own handler is as it was."""
    import multiprocessing
    import signal

    from wargame.analysis.pool import worker_pool

    before = signal.getsignal(signal.SIGINT)
    with worker_pool(multiprocessing.get_context("spawn"), 2, int, ()) as pool:
        seen = pool.map(_interrupt_disposition, range(4))
    assert set(seen) == {"ignored"}
    assert signal.getsignal(signal.SIGINT) is before
