"""``rules/scenarios.toml``: the scenarios, each a calendar and an opening board, checked."""

from __future__ import annotations

import re
from typing import Any

import attrs
from attrs import frozen

from wargame.engine.board import COMPUTED, N_THEATRES_MAX
from wargame.engine.limits import MAX_SCENARIOS, MAX_TITLE, MAX_TURNS
from wargame.engine.model import AlQaeda, Coalition, Governments, IslamicState, Leader, Relation, State, Theatre, opening_tally
from wargame.engine.reading import ID, Problems, Table, cut, show, too_many


@frozen
class Scenario:
    id: str
    title: str
    text: str
    start_year: int
    start_quarter: int
    turns: int
    initial: State  # decks not yet shuffled: the engine does that with the game's seed

    def label(self, turn: int) -> str:
        """The quarter a turn stands for, e.g. ``2016 Q2`` for turn 1 of spring-2016."""
        q = self.start_quarter - 1 + turn - 1
        return f"{self.start_year + q // 4} Q{q % 4 + 1}"

    def year(self, turn: int) -> int:
        return self.start_year + (self.start_quarter - 1 + turn - 1) // 4

    def turn_of(self, quarter: str) -> int:
        """The turn that stands for a quarter written ``2017Q4`` (or ``2017 Q4``); raises
        ValueError with the reason if it is not a quarter of this scenario."""
        m = re.fullmatch(r"(\d{4}) ?Q([1-4])", quarter.strip()) if isinstance(quarter, str) else None
        if m is None:
            raise ValueError(f"{quarter!r} is not a quarter like 2017Q4")
        turn = (int(m.group(1)) - self.start_year) * 4 + int(m.group(2)) - self.start_quarter + 1
        if not 1 <= turn <= self.turns:
            first, last = self.label(1).replace(" ", ""), self.label(self.turns).replace(" ", "")
            raise ValueError(f"no quarter {quarter!r} in scenario {self.id} (it runs {first}..{last})")
        return turn


def _build(cls: type, table: Table, extra: dict[str, Any] | None = None) -> Any:
    """An attrs value from a TOML table, with out-of-bounds and unknown keys reported."""
    fields = {a.name for a in attrs.fields(cls)}
    kwargs = dict(extra or {})
    for key, value in table.data.items():
        if key in kwargs:
            continue
        table.used.add(key)
        if key not in fields:
            table.fail(f"unknown key {key!r} (known: {', '.join(sorted(fields - set(kwargs)))})")
            continue
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as e:
        table.fail(str(e))
        return None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_scenarios(data: dict[str, Any], path: str, problems: Problems) -> dict[str, Scenario]:
    """The scenarios of ``data`` (read from ``path``) that pass every check, by id, each with its opening
    state (one ``based_on`` another is that one with its own values over it). What is wrong goes to
    ``problems``; more scenarios than the limit raise :class:`~wargame.engine.reading.RulebookError`."""
    top = Table(data, path, problems)
    raw_all = top.get("scenario", dict, {}) or {}
    top.unknown_keys()
    scenarios: dict[str, Scenario] = {}
    if len(raw_all) > MAX_SCENARIOS:
        too_many(path, f"{len(raw_all)} scenarios, more than the limit of {MAX_SCENARIOS}")
    for sid, raw in raw_all.items():
        if not ID.match(sid):
            problems.add(f"{path}: scenario {show(sid)}", "a scenario's id should be lower case letters, digits, '-', '_' or '.'")
            continue
        if isinstance(raw, dict) and "based_on" in raw:
            if not isinstance(raw["based_on"], str):
                problems.add(f"{path}: scenario {sid}", f"based_on should name a scenario in quotes, not {show(raw['based_on'])}")
                continue
            base = raw_all.get(raw["based_on"])
            if not isinstance(base, dict) or "based_on" in base:
                problems.add(f"{path}: scenario {sid}", f"based_on {show(raw['based_on'])} is not a scenario of its own")
                continue
            # Both are at most MAX_NESTING deep (checked when the file was read): so is the merge.
            raw = _merge(base, {k: v for k, v in raw.items() if k != "based_on"})
        where = f"{path}: scenario {sid}"
        t = Table(raw, where, problems)
        if not t.ok:
            continue
        title = t.text("title", most=MAX_TITLE) or sid
        text = t.text("text", "")
        start = t.get("start", str) or "2016Q2"
        m = re.fullmatch(r"(\d{4})Q([1-4])", start)
        if not m:
            t.fail(f"start {show(start)} should look like 2016Q2")
            m = re.fullmatch(r"(\d{4})Q([1-4])", "2016Q2")
        turns = t.get("turns", int)
        if turns is None:
            turns = 1
        elif not 1 <= turns <= MAX_TURNS:
            t.fail(f"turns {turns} should lie in 1..{MAX_TURNS}")
            turns = 1
        calendar = Scenario(sid, "", "", int(m.group(1)), int(m.group(2)), turns, None)  # type: ignore[arg-type]
        first, last = calendar.year(1), calendar.year(turns)
        lo, hi = int(COMPUTED["year"][0]), int(COMPUTED["year"][1])
        if not (lo <= first and last <= hi):
            t.fail(f"its years {first}..{last} (from {start}, {turns} turns) leave {lo}..{hi}, the range of 'year' "
                   "that every chance and score is proved against: start it and end it within those years")
        parts = {}
        for key, cls in (("islamic_state", IslamicState), ("al_qaeda", AlQaeda)):
            pt = Table(t.get(key, dict, {}), f"{where} {key}", problems)
            lt = Table(pt.get("leader", dict, {}), f"{where} {key}.leader", problems)
            if isinstance(lt.data.get("name"), str):
                lt.text("name", most=MAX_TITLE)
            leader = _build(Leader, lt) if lt.ok else None
            parts[key] = _build(cls, pt, {"leader": leader}) if leader else None
        for key, cls in (("coalition", Coalition), ("governments", Governments), ("relation", Relation)):
            parts[key] = _build(cls, Table(t.get(key, dict, {}), f"{where} {key}", problems))
        theatres = []
        raw_theatres = t.get("theatres", dict, {}) or {}
        n_theatres = len(raw_theatres)
        if n_theatres > N_THEATRES_MAX:
            raw_theatres = {}  # refused below, before any is read
        for name, traw in raw_theatres.items():
            tt = Table(traw, f"{where} theatre {cut(name, 64)}", problems)
            if not ID.match(name):
                tt.fail("a theatre's id should be lower case letters, digits, '-', '_' or '.'")
            if tt.ok and "turn_start_territory" in tt.data:
                tt.fail("turn_start_territory is kept by the engine: a scenario does not set it")
            if tt.ok:
                tt.text("title", most=MAX_TITLE)
            if tt.ok:
                theatres.append(_build(Theatre, tt, {"name": name}))
        if not 1 <= n_theatres <= N_THEATRES_MAX:
            t.fail(f"a scenario needs 1..{N_THEATRES_MAX} theatres, not {n_theatres}")
        t.used.update({"islamic_state", "al_qaeda", "coalition", "governments", "relation", "theatres"})
        t.unknown_keys()
        if not t.ok or any(p is None for p in parts.values()) or any(th is None for th in theatres):
            continue
        initial = State(
            scenario=sid,
            seed=0,
            turn=1,
            last_turn=turns,
            phase="events",
            theatres=tuple(theatres),
            tally=opening_tally(tuple(theatres)),
            **parts,
        )
        scenarios[sid] = Scenario(sid, title, text, int(m.group(1)), int(m.group(2)), turns, initial)
    if not scenarios:
        problems.add(path, "no scenario")
    return scenarios


def raw_theatres(data: dict[str, Any]) -> set[str]:
    """Theatre names as written in the scenarios file, whether or not the scenarios loaded."""
    out: set[str] = set()
    scen = data.get("scenario")
    if isinstance(scen, dict):
        for raw in scen.values():
            if isinstance(raw, dict) and isinstance(raw.get("theatres"), dict):
                out.update(raw["theatres"])
    return out
