"""Tables of games for analysts: ``simulate --games-out FILE`` (one row a game) and
``--series-out FILE`` (one row a game and turn), in Parquet, CSV or JSON Lines, chosen by the
file's suffix (:func:`table_format`). Every column is documented in ``docs/analysts-guide.md``.

The columns are known before the first game (:func:`game_columns`, :func:`series_columns`), and
rows are written as the games come back (:class:`TableWriter`: a CSV or JSON line a row, a
Parquet row group every few thousand rows): memory does not grow with the number of games. The bytes go to a
:class:`wargame.files.StreamedFile`, so a run that fails or is interrupted leaves no file.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from wargame.analysis.arms import BASELINE, Arm
from wargame.analysis.catalogue import metric_catalogue
from wargame.analysis.metrics import GameResult
from wargame.bots.doctrine import mixed_posture
from wargame.bots.seats import MIXED, parse_bot
from wargame.engine.board import GLOBAL_TRACKS, THEATRE_TRACKS
from wargame.engine.model import CELLS
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import new_game
from wargame.files import Kind, loads_json

FORMATS = {".parquet": "Parquet", ".csv": "CSV", ".jsonl": "JSON Lines"}
"""The formats a table is written in, by the file's suffix."""
INTEGER, NUMBER, TEXT = "integer", "number", "text"
"""Column types: a whole number (int64), a number (float64, empty where it does not apply), text."""
BATCH_ROWS = 256
"""Rows a Parquet table holds as Python values before it turns them into Arrow columns."""
GROUP_CELLS = 4_000_000
"""Values a Parquet table holds (as Arrow columns, 8 bytes each) before it writes them as a row
group: large groups read fast and keep the footer (which grows with the groups) small."""


def table_format(path: Path | str) -> str:
    """The suffix of a table's file (``.parquet``, ``.csv`` or ``.jsonl``), or ValueError in one line."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        shown = str(path) if len(str(path)) <= 60 else "…" + str(path)[-59:]
        raise ValueError(f"{shown}: a table is written as .parquet, .csv or .jsonl (JSON Lines), "
                         f"not {suffix or 'a file without a suffix'}")
    return suffix


# --- the columns -------------------------------------------------------------------------------


def game_columns(rulebook: Rulebook) -> list[tuple[str, str]]:
    """(name, type) of each column of ``--games-out``: the game, its seed and scenario, each seat's
    bot and posture, then every metric of the game (:func:`wargame.analysis.catalogue.metric_catalogue`,
    the objectives' points among them)."""
    cols = [("game", INTEGER), ("seed", INTEGER), ("scenario", TEXT)]
    cols += [(f"seat:{cell}", TEXT) for cell in CELLS] + [(f"posture:{cell}", TEXT) for cell in CELLS]
    return cols + [(name, NUMBER) for name, _ in metric_catalogue(rulebook)]


def series_columns(rulebook: Rulebook, scenario: str) -> list[tuple[str, str]]:
    """(name, type) of each column of ``--series-out``: the game, its seed, the turn, then every
    track at the end of that turn under its rulebook name (global tracks, ``THEATRE.TRACK`` for each
    theatre of ``scenario``, the offshoots' count and strength) and every formula of the rulebook."""
    theatres = [t.name for t in new_game(rulebook, scenario, 0).theatres]
    cols = [("game", INTEGER), ("seed", INTEGER), ("turn", INTEGER)]
    cols += [(name, INTEGER) for name in GLOBAL_TRACKS]
    cols += [(f"{theatre}.{name}", INTEGER) for theatre in theatres for name in THEATRE_TRACKS]
    cols += [("offshoot_count", INTEGER), ("offshoot_strength", INTEGER)]
    return cols + [(name, NUMBER) for name in rulebook.formula_text]


# --- the rows ----------------------------------------------------------------------------------


def seat_values(seats: Mapping[str, str], seed: int, arm: Arm = BASELINE) -> dict[str, str | None]:
    """``seat:CELL`` (the bot's kind) and ``posture:CELL`` (a doctrine bot's posture in this game:
    ``doctrine:mixed`` draws one from the seed; none for a random bot) for every cell."""
    out: dict[str, str | None] = {}
    postures: dict[str, str | None] = {}
    forced = dict(arm.doctrines)
    for cell in CELLS:
        kind, posture = parse_bot(seats[cell])
        if cell in forced:
            kind, posture = "doctrine", forced[cell].posture
        elif kind == "doctrine":
            posture = mixed_posture(seed, cell) if posture == MIXED else posture or "standard"
        out[f"seat:{cell}"] = kind
        postures[f"posture:{cell}"] = posture
    return {**out, **postures}


def game_row(result: GameResult, scenario: str, seats: Mapping[str, str], arm: Arm = BASELINE) -> dict[str, Any]:
    """One game as a row of ``--games-out``."""
    return {"game": result.index, "seed": result.seed, "scenario": scenario,
            **seat_values(seats, result.seed, arm), **result.metrics}


def series_rows(result: GameResult) -> Iterator[dict[str, Any]]:
    """One game as rows of ``--series-out``, a row a turn (the game must have been played with
    ``keep_tracks``)."""
    tracks = result.tracks
    if not tracks:
        raise ValueError("the game was played without its tracks (Batch(tracks=True) keeps them)")
    names = list(tracks)
    for values in zip(*(tracks[n] for n in names)):
        yield {"game": result.index, "seed": result.seed, **dict(zip(names, values))}


# --- writing -----------------------------------------------------------------------------------


def _ours(what: str):
    """Does a file hold a table of ``what`` as wargame writes it, every line of it? Its header (or
    each row's names) begins game, seed, then scenario or turn, and every row after it is one of
    ours (as many fields, a whole game number and seed): a file of one's own notes under such a
    header is not replaced without --force."""
    third = "scenario" if what == "games" else "turn"

    def ours(data: bytes) -> bool:
        if data.startswith(b"PAR1"):
            return f"wargame.{what}".encode() in data[-1_000_000:]
        try:
            lines = data.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            return False
        if not lines:
            return False
        if lines[0].startswith("game,seed,"):
            rows = list(csv.reader(lines))
            header = rows[0]
            return header[:3] == ["game", "seed", third] and all(
                len(r) == len(header) and r[0].isdigit() and r[1].isdigit() for r in rows[1:])
        for line in lines:
            try:
                row = loads_json(line)
            except ValueError:
                return False
            if not (isinstance(row, dict) and list(row)[:3] == ["game", "seed", third]
                    and type(row["game"]) is int and type(row["seed"]) is int):
                return False
        return True

    return ours


GAMES = Kind("a table of games", ours=_ours("games"))
SERIES = Kind("a table of turns", ours=_ours("series"))
"""What ``--games-out`` and ``--series-out`` write (:mod:`wargame.files`): a table wargame wrote
is replaced by the next one; any other file only with ``--force``, and a save never."""


class TableWriter:
    """Rows written to ``out`` (a binary file) in ``fmt`` (a suffix of :data:`FORMATS`) with
    ``columns`` ((name, type), as :func:`game_columns` gives) as they come: a CSV or JSON line a
    row; for Parquet, :data:`BATCH_ROWS` rows at a time are turned into Arrow's compact columns, and
    a row group is written every ``rows_per_group`` rows (by default as many as make
    :data:`GROUP_CELLS` values). :meth:`finish` writes what is left (and Parquet's footer);
    :meth:`close` lets go of the format without it (a run that failed). A row's missing columns
    are empty; so is a number that is not finite."""

    def __init__(self, out: Any, fmt: str, columns: Sequence[tuple[str, str]], what: str,
                 rows_per_group: int | None = None):
        if fmt not in FORMATS:
            raise ValueError(f"no table format {fmt!r} ({', '.join(FORMATS)})")
        self.out = out
        self.fmt = fmt
        self.columns = list(columns)
        self.rows_per_group = max(1, rows_per_group or GROUP_CELLS // max(1, len(self.columns)))
        self.rows = 0  # rows written or held
        self.groups = 0  # Parquet row groups written
        self._held: dict[str, list[Any]] = {n: [] for n, _ in self.columns}
        self._batches: list[Any] = []  # Arrow record batches of the row group to come
        self._pending = 0  # the rows in them
        self._parquet: Any = None
        self._text: Any = None
        if fmt == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            from wargame import __version__

            types = {INTEGER: pa.int64(), NUMBER: pa.float64(), TEXT: pa.string()}
            self._schema = pa.schema([(n, types[t]) for n, t in self.columns],
                                     metadata={"wargame.table": what, f"wargame.{what}": "1", "wargame.version": __version__})
            self._parquet = pq.ParquetWriter(out, self._schema, compression="zstd")
        elif fmt == ".csv":
            self._text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
            self._csv = csv.writer(self._text, lineterminator="\n")
            self._csv.writerow([n for n, _ in self.columns])

    def write(self, row: Mapping[str, Any]) -> None:
        """One row ({column: value}); columns it does not name are empty."""
        self.rows += 1
        cells = [(n, _cell(row.get(n), t)) for n, t in self.columns]
        if self.fmt == ".parquet":
            for n, v in cells:
                self._held[n].append(v)
            if len(self._held[self.columns[0][0]]) >= min(BATCH_ROWS, self.rows_per_group):
                self._batch()
            if self._pending >= self.rows_per_group:
                self.flush()
        elif self.fmt == ".csv":
            self._csv.writerow(["" if v is None else v for _, v in cells])
        else:
            self.out.write(json.dumps(dict(cells), ensure_ascii=False, allow_nan=False).encode("utf-8") + b"\n")

    def _batch(self) -> None:
        import pyarrow as pa

        if self._held[self.columns[0][0]]:
            held, self._held = self._held, {n: [] for n, _ in self.columns}
            self._batches.append(pa.RecordBatch.from_pydict(held, schema=self._schema))
            self._pending += self._batches[-1].num_rows

    def flush(self) -> None:
        """Write the rows held (as one Parquet row group)."""
        if self.fmt == ".parquet":
            import pyarrow as pa

            self._batch()
            if self._batches:
                batches, self._batches, self._pending = self._batches, [], 0
                table = pa.Table.from_batches(batches, schema=self._schema)
                self._parquet.write_table(table, row_group_size=max(1, table.num_rows))
                self.groups += 1
        elif self._text is not None:
            self._text.flush()

    def finish(self) -> None:
        """Write the rows left, and end the format (Parquet's footer); ``out`` stays open."""
        self.flush()
        self.close()

    def close(self) -> None:
        """End the format without writing the rows held (``out`` stays open); again is nothing."""
        parquet, self._parquet = self._parquet, None
        if parquet is not None:
            parquet.close()
        text, self._text = self._text, None
        if text is not None:
            text.flush()
            text.detach()


def _cell(v: Any, kind: str) -> Any:
    if v is None:
        return None
    if kind == NUMBER:
        v = float(v)
        return v if math.isfinite(v) else None
    return int(v) if kind == INTEGER else str(v)
