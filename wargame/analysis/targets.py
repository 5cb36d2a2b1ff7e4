"""Balance targets: reading and checking ``rules/targets.toml`` (see rules/README.md, "Balance
targets").

A target names a per-game metric (:mod:`wargame.analysis.catalogue`), a statistic over the games (a
share, a mean, ...: :data:`STATS`) and a band the statistic must lie in, with the seat sets (which
bots play) and the ¶ of the article or the rationale behind the band. One target may cover a
family of metrics (every cell, objective, rule, card, track or order kind) with ``each``
(:func:`expand`). :func:`load_targets` refuses a bad file with one line (:class:`TargetsError`);
:mod:`wargame.analysis.calibrate` judges the targets on games.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from wargame.analysis.catalogue import family_items, metric_catalogue, metric_maximum
from wargame.bots.play import parse_seats
from wargame.engine.model import CELLS
from wargame.engine.reading import RulebookError, read_toml
from wargame.engine.rulebook import Rulebook

STATS: dict[str, str] = {
    "share": "share of games where the metric is true (not 0); Wilson 95% interval",
    "mean": "mean over the games; t 95% interval",
    "sd": "standard deviation over the games; interval sd*(1 ± 1.96/sqrt(2(n-1)))",
    "share_of_max": "mean divided by the metric's maximum (cell:… or objective:… points)",
    "sd_of_max": "standard deviation divided by the metric's maximum",
    "share_at_most": "share of games where the metric is <= value",
    "share_at_least": "share of games where the metric is >= value",
    "by": "share of games where the metric (a turn; -1 never) is 0 <= turn <= the turn of quarter `at`",
    "distinct": "number of distinct values over the games (no interval)",
    "difference": "share (metric true) among games with split_by >= at_least, minus the share among the others; "
                  "Newcombe 95% interval; n is the smaller group",
}
"""Every statistic a target may ask for, with what it computes."""
PERCENT_STATS = frozenset({"share", "share_of_max", "sd_of_max", "share_at_most", "share_at_least", "by",
                           "difference"})
"""The stats whose value is a share (0..1 of the games, or of the metric's maximum): shown as percentages."""
FAMILIES = ("cell", "objective", "rule", "card", "track", "order")
"""What ``each`` may name: the metric's ``{cell}``, ``{objective}``, ... stands for each of them.
``order`` stands for each order kind (``{order}``) of each cell (``{cell}``) whose seat in the
seat set is a doctrine bot."""
COMBINES = ("each", "any")
"""How a target on several seat sets is judged: on each of them, or met if met on any."""
DEFAULT_MIN_N = 20
"""Fewer games than this counting towards a statistic: "too few games", neither met nor missed."""

_TOP_KEYS = {"seats", "defaults", "target"}
_DEFAULT_KEYS = {"scenario", "seats", "min_n"}
_TARGET_KEYS = {"id", "title", "metric", "stat", "band", "seats", "scenario", "cites", "rationale", "at", "value",
                "each", "exempt", "combine", "split_by", "at_least", "min_n"}
_STAT_KEYS = {"at": ("by",), "value": ("share_at_most", "share_at_least"), "split_by": ("difference",),
              "at_least": ("difference",)}
_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class TargetsError(ValueError):
    """A targets file that cannot be used, with the one-line reason (``path: what is wrong``)."""


@frozen
class Target:
    """One balance target, as read from the targets file."""

    id: str
    title: str
    metric: str
    stat: str
    band: tuple[float, float]
    seats: tuple[str, ...]
    scenario: str
    cites: tuple[int, ...] = ()
    rationale: str = ""
    at: str | None = None
    at_turn: int | None = None
    value: float | None = None
    each: str | None = None
    exempt: tuple[tuple[str, str], ...] = ()
    combine: str = "each"
    split_by: str | None = None
    at_least: float | None = None
    min_n: int = DEFAULT_MIN_N

    @property
    def source(self) -> str:
        """The ¶ of the article and/or the rationale behind the band."""
        parts = [", ".join(f"¶{c}" for c in self.cites)] if self.cites else []
        if self.rationale:
            parts.append(self.rationale)
        return "; ".join(parts)


@frozen
class Targets:
    """A targets file as read: its path, its seat sets and its targets, in the file's order."""

    path: str
    seat_sets: Mapping[str, Mapping[str, str]]  # name -> cell -> bot spec
    targets: tuple[Target, ...]


# --- reading a targets file ------------------------------------------------------------------------


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)


def load_targets(path: Path | str, rulebook: Rulebook) -> Targets:
    """Read and check a targets file against ``rulebook`` (its scenarios, metrics and families);
    raise :class:`TargetsError` with the first problem, in one line."""
    where = str(path)
    try:
        data = read_toml(path)
    except RulebookError as e:
        raise TargetsError(e.problems[0]) from None

    def fail(what: str) -> TargetsError:
        return TargetsError(f"{where}: {what}")

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (keys: seats, defaults, target)")
    raw_seats = data.get("seats", {})
    if not isinstance(raw_seats, dict) or not raw_seats:
        raise fail("[seats] should name at least one seat set, e.g. doctrine = \"all=doctrine\"")
    seat_sets: dict[str, dict[str, str]] = {}
    for name, text in raw_seats.items():
        if not isinstance(text, str):
            raise fail(f"seat set {name!r} should be a seat list like \"all=doctrine\"")
        try:
            seat_sets[name] = parse_seats(text)
        except ValueError as e:
            raise fail(f"seat set {name!r}: {e}") from None
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise fail("[defaults] should be a table")
    unknown = sorted(set(defaults) - _DEFAULT_KEYS)
    if unknown:
        raise fail(f"[defaults]: unknown key {unknown[0]!r} (keys: {', '.join(sorted(_DEFAULT_KEYS))})")
    raw_targets = data.get("target", [])
    if not isinstance(raw_targets, list) or not all(isinstance(t, dict) for t in raw_targets):
        raise fail("targets are [[target]] tables")
    if not raw_targets:
        raise fail("no [[target]] in the file")
    names = {name for name, _ in metric_catalogue(rulebook)}
    targets: list[Target] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_targets):
        tid = raw.get("id")
        label = f"target {tid}" if isinstance(tid, str) and tid else f"target #{i + 1}"
        try:
            target = _target(raw, defaults, seat_sets, rulebook, names)
        except ValueError as e:
            raise fail(f"{label}: {e}") from None
        if target.id in seen:
            raise fail(f"{label}: id used twice")
        seen.add(target.id)
        targets.append(target)
    return Targets(where, seat_sets, tuple(targets))


def _target(raw: dict[str, Any], defaults: Mapping[str, Any], seat_sets: Mapping[str, Mapping[str, str]],
            rulebook: Rulebook, names: set[str]) -> Target:
    unknown = sorted(set(raw) - _TARGET_KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (keys: {', '.join(sorted(_TARGET_KEYS))})")
    merged = {**{k: v for k, v in defaults.items()}, **raw}

    def text(key: str, required: bool = True) -> str | None:
        v = merged.get(key)
        if v is None:
            if required:
                raise ValueError(f"{key} is missing")
            return None
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"{key} should be a text, not {v!r}")
        return v

    tid = text("id")
    if not _ID.match(tid):
        raise ValueError("an id is lower-case letters, digits, '-', '_' or '.', at most 64 characters")
    title = text("title")
    metric = text("metric")
    stat = text("stat")
    if stat not in STATS:
        raise ValueError(f"no stat {stat!r} (stats: {', '.join(STATS)})")
    for key, stats in _STAT_KEYS.items():
        if key in raw and stat not in stats:
            raise ValueError(f"{key} goes only with stat = {' or '.join(repr(s) for s in stats)}")
        if key not in raw and stat in stats:
            raise ValueError(f"stat = {stat!r} needs {key}")
    band = merged.get("band")
    if not (isinstance(band, list) and len(band) == 2 and all(_number(b) for b in band)):
        raise ValueError(f"band should be two numbers [lo, hi], not {band!r}")
    if band[0] > band[1]:
        raise ValueError(f"band [{band[0]}, {band[1]}]: lo is above hi")
    seats = merged.get("seats")
    if seats is None:
        raise ValueError("seats is missing (a seat set of [seats], or a list of them)")
    seats = [seats] if isinstance(seats, str) else seats
    if not isinstance(seats, list) or not seats or not all(isinstance(s, str) for s in seats):
        raise ValueError("seats should be a seat set's name or a list of them")
    for s in seats:
        if s not in seat_sets:
            raise ValueError(f"no seat set {s!r} (seat sets: {', '.join(seat_sets)})")
    if len(set(seats)) != len(seats):
        raise ValueError("seats names a seat set twice")
    scenario = text("scenario")
    if scenario not in rulebook.scenarios:
        raise ValueError(f"no scenario {scenario!r} (scenarios: {', '.join(rulebook.scenarios)})")
    cites = raw.get("cites", [])
    if not isinstance(cites, list) or not all(type(c) is int and 1 <= c <= 10 for c in cites):
        raise ValueError(f"cites should be a list of paragraph numbers 1..10, not {cites!r}")
    rationale = text("rationale", required=False) or ""
    if not cites and not rationale:
        raise ValueError("give cites (the article's ¶) or a rationale for the band, or both")
    at = at_turn = None
    if stat == "by":
        at = raw["at"]
        if not isinstance(at, str):
            raise ValueError(f"at should be a quarter like \"2017Q4\", not {at!r}")
        at_turn = rulebook.scenarios[scenario].turn_of(at)  # ValueError with the reason
    value = None
    if "value" in raw:
        value = raw["value"]
        if not _number(value):
            raise ValueError(f"value should be a number, not {value!r}")
    at_least = None
    split_by = None
    if stat == "difference":
        split_by = text("split_by")
        at_least = raw["at_least"]
        if not _number(at_least):
            raise ValueError(f"at_least should be a number, not {at_least!r}")
    combine = raw.get("combine", "each")
    if combine not in COMBINES:
        raise ValueError(f"combine should be \"each\" or \"any\", not {combine!r}")
    min_n = merged.get("min_n", DEFAULT_MIN_N)
    if type(min_n) is not int or min_n < 1:
        raise ValueError(f"min_n should be a whole number 1 or more, not {min_n!r}")
    each = raw.get("each")
    if each is not None and each not in FAMILIES:
        raise ValueError(f"no family {each!r} for each (families: {', '.join(FAMILIES)})")
    allowed = set() if each is None else {"cell", "order"} if each == "order" else {each}
    for metric_name in (metric, split_by):
        if metric_name is None:
            continue
        used = set(_PLACEHOLDER.findall(metric_name))
        strange = sorted(used - allowed)
        if strange:
            hint = (f"give each = \"{strange[0]}\"" if strange[0] in FAMILIES and each is None
                    else f"placeholders: {', '.join('{' + a + '}' for a in sorted(allowed)) or 'none without each'}")
            raise ValueError(f"metric {metric_name!r} has {{{strange[0]}}} ({hint})")
    if each is not None and "{" + each + "}" not in metric:
        raise ValueError(f"each = {each!r} but metric {metric!r} has no {{{each}}} to stand for each of them")
    exempt_raw = raw.get("exempt", [])
    if exempt_raw and each is None:
        raise ValueError("exempt goes only with each (it leaves items of a family out)")
    if not isinstance(exempt_raw, list):
        raise ValueError("exempt should be a list of { item = \"...\", reason = \"...\" }")
    items = family_items(rulebook, each) if each else []
    exempt: list[tuple[str, str]] = []
    for e in exempt_raw:
        if not (isinstance(e, dict) and set(e) == {"item", "reason"} and isinstance(e["item"], str)
                and isinstance(e["reason"], str) and e["reason"].strip()):
            raise ValueError("each exempt entry is { item = \"...\", reason = \"why\" }, with a reason")
        if e["item"] not in items:
            raise ValueError(f"exempt item {e['item']!r} is not a {each} (see wargame calibrate --metrics)")
        exempt.append((e["item"], e["reason"]))
    target = Target(tid, title, metric, stat, (float(band[0]), float(band[1])), tuple(seats), scenario,
                    tuple(cites), rationale, at, at_turn, None if value is None else float(value), each,
                    tuple(exempt), combine, split_by, None if at_least is None else float(at_least), min_n)
    for _, name, split in expand(target, rulebook, None):
        for n in (name, split):
            if n is not None and n not in names:
                raise ValueError(f"unknown metric {n!r} (see wargame calibrate --metrics)")
        if stat in ("share_of_max", "sd_of_max") and metric_maximum(rulebook, name) is None:
            raise ValueError(f"metric {name!r} has no maximum: {stat} takes cell:... or objective:... metrics")
    return target


def expand(target: Target, rulebook: Rulebook, seats: Mapping[str, str] | None
           ) -> list[tuple[str | None, str, str | None]]:
    """(item, metric, split_by metric) for each item of the target (one, with item None, if it
    is not a family). For ``each = "order"``, only the cells whose seat in ``seats`` is a
    doctrine bot (every cell if ``seats`` is None)."""
    if target.each is None:
        return [(None, target.metric, target.split_by)]
    out = []

    def fill(text: str | None, item: str, cell: str | None) -> str | None:
        if text is None:
            return None
        text = text.replace("{" + target.each + "}", item)
        return text.replace("{cell}", cell) if cell is not None else text

    if target.each == "order":
        cells = [c for c in CELLS if seats is None or seats.get(c, "").startswith("doctrine")]
        for kind in rulebook.orders:
            if kind.cell in cells:
                out.append((kind.id, fill(target.metric, kind.id, kind.cell), fill(target.split_by, kind.id, kind.cell)))
        return out
    for item in family_items(rulebook, target.each):
        out.append((item, fill(target.metric, item, None), fill(target.split_by, item, None)))
    return out
