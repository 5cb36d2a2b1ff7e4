"""What one game came to: every per-game metric, in one place, for ``simulate``, ``claims`` and
``calibrate``.

:func:`play_game` plays one bot-only game and feeds each turn to a :class:`GameMeter`, which
accumulates the metrics turn by turn and works them out at the end. The meter reads only what a
:class:`~wargame.bots.play.PlayedTurn` holds (the turn number, the records, the orders, the state
after the turn) and, for each cell, how many kinds of order were legal when it chose; so a test
can feed it turns built by hand.

A metric is a number, or ``None`` where it does not apply to the game (:data:`NA`): for example
``split_within_8`` in a game with no rapprochement. Summaries leave such games out and say how
many games they counted. Turn numbers of things that never happened are ``-1``.

:func:`metric_catalogue` lists every metric a game gives, with its meaning: what a balance target
(``rules/targets.toml``) may name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from attrs import frozen

from wargame.bots.play import PlayedTurn, bots_for, play
from wargame.engine.board import GLOBAL_TRACKS, MAX_OFFSHOOTS, THEATRE_TRACKS, flat_tracks
from wargame.engine.model import ALLIANCE, CELLS, MERGER, TALKS, State
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import formula_values, legal_orders, new_game, scores

NA = None
"""The value of a metric that does not apply to a game (e.g. what followed a collapse, in a game
without one). Never averaged or counted: summaries skip it."""

Metrics = Mapping[str, "float | None"]


def game_seed(master: int, index: int) -> int:
    """The seed of game ``index`` of a run with master seed ``master``: the same in any process."""
    digest = hashlib.blake2b(f"simulate:{master}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


SERIES = ("territory", "power_gap", "is_brutality", "offshoots", "stage", "faithful_reforms", "avg_grievance",
          "is_funds", "aq_affiliates", "standing_gap", "periphery")
"""Tracks kept turn by turn for the charts."""
SERIES_TITLES = {
    "territory": "IS territory (all theatres)",
    "power_gap": "Power gap (AQ - IS; >0: IS weaker)",
    "is_brutality": "IS brutality",
    "offshoots": "Offshoot groups in play",
    "stage": "AQ-IS relation (0 rivalry .. 4 split)",
    "faithful_reforms": "Theatres with faithful reform 5+",
    "avg_grievance": "Average grievance",
    "is_funds": "IS funds",
    "aq_affiliates": "AQ affiliate strength (all theatres)",
    "standing_gap": "Standing in the movement, AQ minus IS",
    "periphery": "IS territory outside Iraq and Syria",
}
EARLY_TURNS = 8
"""The first two years: some outcomes are measured there, before the war has run its course."""
MARK_TURN = 4
"""The end of the first year, where some outcomes are read off the tracks."""
SPLIT_WINDOW = 8
"""``split_within_8``: quarters after the first rapprochement in which a second split counts."""
OFFSHOOT_WINDOW = 4
"""``collapse_then_offshoot``: quarters after an IS collapse in which a new offshoot counts."""
IDLE_KINDS = 2
"""A cell with fewer distinct kinds of legal order than this at the start of its orders phase
has no real choice that turn: an idle turn."""

# --- the tracks whose bounds are watched ------------------------------------------------------

_COUNTERS = ("relation_turns", "is_leader_successions", "aq_leader_successions", "is_leader_vacuum",
             "aq_leader_vacuum")
BOUND_TRACKS: dict[str, tuple[int, int]] = {
    name: (lo, hi) for name, (lo, hi) in GLOBAL_TRACKS.items()
    if not name.startswith("tally_") and name not in _COUNTERS and hi - lo > 1
}
"""The global tracks of the four cells, the two leaders and the relation that are watched for
sitting at a bound: every one whose range is wider than 0..1, except the tallies and the counters
(turns in a stage, successions, vacuum), which are not positions on a board."""
AVERAGED_TRACKS = ("grievance", "governance", "reform")
"""Theatre tracks watched as their average over the theatres, named ``avg_<track>``: at a bound
only when every theatre is (all at 0, or all at 10)."""
TRACKS: tuple[str, ...] = tuple(BOUND_TRACKS) + tuple(f"avg_{t}" for t in AVERAGED_TRACKS)
"""Every track of the ``at_bound:``, ``at_lo:`` and ``at_hi:`` metrics."""


def track_bounds(track: str) -> tuple[int, int]:
    """The bounds of a track of :data:`TRACKS`."""
    if track.startswith("avg_") and track[4:] in AVERAGED_TRACKS:
        return THEATRE_TRACKS[track[4:]]
    return BOUND_TRACKS[track]


# --- the quantities the claims measure, and when they sit at a bound ---------------------------
#
# An experiment's effect is cut short when what it measures is pinned at the end of its range
# (brutality stuck at 10 in both arms shows no escalation, however strong the factor). So each
# outcome read off a bounded quantity has a companion ``bound:<metric>``: 1 if, in that game, the
# quantity sat at a bound when (or for as long as) the metric reads it. A sum of tracks sits at a
# bound when every part sits at the same end (all at their lowest, or all at their highest); a
# difference of two, when either part does (the comparison is cut short either way). Tallies of
# events (groups formed, absorbed, a second split) and yes/no outcomes are not positions on a
# track and have no companion.

Part = tuple[int, int, int]  # a track's value, its lowest, its highest


def _all_at(parts: Sequence[Part]) -> bool:
    return bool(parts) and (all(v == lo for v, lo, _ in parts) or all(v == hi for v, _, hi in parts))


def _any_at(parts: Sequence[Part]) -> bool:
    return any(v in (lo, hi) for v, lo, hi in parts)


def _theatre_parts(state: State, track: str, which: Callable[[Any], bool] = lambda t: True) -> list[Part]:
    lo, hi = THEATRE_TRACKS[track]
    return [(getattr(t, track), lo, hi) for t in state.theatres if which(t)]


def _global_part(flat: Mapping[str, int], track: str) -> Part:
    lo, hi = GLOBAL_TRACKS[track]
    return (flat[track], lo, hi)


def _groups_in(state: State, name: str) -> list[Part]:
    parts: list[Part] = []
    for t in state.theatres:
        if t.name == name:
            parts += [(t.is_province, *THEATRE_TRACKS["is_province"]), (t.aq_affiliate, *THEATRE_TRACKS["aq_affiliate"])]
            parts.append((sum(o.strength for o in state.offshoots if o.theatre == name), 0, 10 * MAX_OFFSHOOTS))
    return parts


def _opening_groups(state: State, opening: State) -> bool | None:
    ids = {o.id for o in opening.offshoots}
    if not ids:
        return None
    now = {o.id: o.strength for o in state.offshoots}
    return _all_at([(now.get(i, 0), 0, 10) for i in sorted(ids)])


@frozen
class Seen:
    """One turn's end as the bound checks read it: the state, the game's opening state, the global
    tracks by name and the formulas' values (worked out once a turn by the meter)."""

    rulebook: Rulebook
    state: State
    opening: State
    flat: Mapping[str, int]
    formulas: Mapping[str, float]


def _formula_at_bound(seen: Seen, name: str) -> bool:
    lo, hi = next(expr.bounds for n, expr in seen.rulebook.formulas if n == name)
    value = seen.formulas[name]
    return value <= lo or value >= hi


QUANTITIES: dict[str, tuple[str, Callable[[Seen], bool | None]]] = {
    "is_brutality": ("IS brutality at 0 or 10", lambda x: _any_at([_global_part(x.flat, "is_brutality")])),
    "is_recruitment": ("IS recruitment at 0 or 10", lambda x: _any_at([_global_part(x.flat, "is_recruitment")])),
    "wages_services": ("IS wages and services both at 0, or both at 5",
                       lambda x: _all_at([_global_part(x.flat, "is_wages"), _global_part(x.flat, "is_services")])),
    "provinces": ("every IS province at 0 (or every one at 10)", lambda x: _all_at(_theatre_parts(x.state, "is_province"))),
    "affiliates": ("every AQ affiliate at 0 (or every one at 10)",
                   lambda x: _all_at(_theatre_parts(x.state, "aq_affiliate"))),
    "provinces_affiliates": ("IS's provinces or AQ's affiliates all at 0 (or all at 10)",
                             lambda x: _all_at(_theatre_parts(x.state, "is_province"))
                             or _all_at(_theatre_parts(x.state, "aq_affiliate"))),
    "periphery": ("IS territory outside Iraq and Syria all lost (or all at 10)",
                  lambda x: _all_at(_theatre_parts(x.state, "territory", lambda t: not t.core))),
    "offshoot_strength": ("no offshoot group in play",
                          lambda x: sum(g.strength for g in x.state.offshoots) in (0, 10 * MAX_OFFSHOOTS)),
    "opening_offshoots": ("the groups in play at the start all gone (or all at 10)",
                          lambda x: _opening_groups(x.state, x.opening)),
    "standings": ("AQ's or IS's standing at 0 or 10",
                  lambda x: _any_at([_global_part(x.flat, "aq_standing"), _global_part(x.flat, "is_standing")])),
    "grievance": ("grievance at 0 in every theatre (or at 10 in every one)",
                  lambda x: _all_at(_theatre_parts(x.state, "grievance"))),
    "syria_groups": ("no IS province, AQ affiliate or offshoot left in Syria",
                     lambda x: _all_at(_groups_in(x.state, "syria"))),
    "afpak_governance": ("Afghanistan-Pakistan governance at 0 or 10",
                         lambda x: _any_at(_theatre_parts(x.state, "governance", lambda t: t.name == "afpak"))),
    "power_gap": ("the power gap at either end of the range its formula allows",
                  lambda x: _formula_at_bound(x, "power_gap")),
}
"""Bounded quantities the claims' outcomes are read from: what "at a bound" means, in words, and
whether a turn's end (:class:`Seen`) sits at one (None where the quantity does not apply: no group
was in play at the start)."""

BOUNDED: dict[str, tuple[str, str]] = {
    "power_gap": ("power_gap", "end"),
    "total_provinces": ("provinces", "end"),
    "total_affiliates": ("affiliates", "end"),
    "total_provinces_y2": ("provinces", "y2"),
    "provinces_minus_affiliates_y2": ("provinces_affiliates", "y2"),
    "periphery_lost_y1": ("periphery", "y1"),
    "mean_wages_services": ("wages_services", "most"),
    "mean_is_recruitment": ("is_recruitment", "most"),
    "mean_is_recruitment_early": ("is_recruitment", "most_early"),
    "mean_is_brutality": ("is_brutality", "most"),
    "mean_is_brutality_early": ("is_brutality", "most_early"),
    "offshoot_strength": ("offshoot_strength", "end"),
    "mean_offshoot_strength": ("offshoot_strength", "most"),
    "opening_offshoots_y2": ("opening_offshoots", "y2"),
    "standing_gap_y1": ("standings", "y1"),
    "avg_grievance": ("grievance", "end"),
    "syria_groups": ("syria_groups", "end"),
    "mean_afpak_governance_early": ("afpak_governance", "most_early"),
}
"""Outcomes read off a quantity of :data:`QUANTITIES`, and when: at the end of the game
(``end``), of the first year (``y1``) or of the first two years (``y2``), or over most of the game
(``most``: more than half of its turns) or of its first two years (``most_early``)."""
_WHEN = {"end": "at the end", "y1": "at the end of the first year", "y2": "at the end of the second year",
         "most": "in most quarters", "most_early": "in most quarters of the first two years"}
TURN_BOUNDS = {"talks_turn": "talks opened on turn 1 or never", "allied_turns": "allied or merged in no quarter or in every one"}
"""Outcomes that are themselves counted in turns, at a bound at either end of the game."""


def bound_meaning(metric: str) -> str | None:
    """What ``bound:<metric>`` means, in words; None for an outcome that has no bound (a tally of
    events or a yes/no outcome)."""
    if metric in TURN_BOUNDS:
        return TURN_BOUNDS[metric]
    if metric in BOUNDED:
        quantity, when = BOUNDED[metric]
        return f"{QUANTITIES[quantity][0]} {_WHEN[when]}"
    return None


# --- helpers of the older outcomes ------------------------------------------------------------

_ORIGINS: dict[int, dict[str, str]] = {}


def _spawn_origins(rulebook: Rulebook) -> dict[str, str]:
    """Which rule or card spawns offshoots of which origin (for counting them by origin)."""
    key = id(rulebook)
    if key not in _ORIGINS:
        out: dict[str, str] = {}
        sources = [(r.id, r.effects) for r in rulebook.rules] + [(c.id, c.effects) for c in rulebook.cards.values()]
        for ref, effects in sources:
            for e in effects:
                if e.op == "spawn_offshoot":
                    out[ref] = str(e.args[0])
        _ORIGINS.clear()
        _ORIGINS[key] = out
    return _ORIGINS[key]


def _periphery_territory(state: State) -> int:
    return sum(t.territory for t in state.theatres if not t.core)


def _at(values: Sequence[float], turn: int) -> float:
    """A track's value at the end of ``turn`` (or at the game's last turn, if it was shorter)."""
    return values[min(turn, len(values)) - 1] if values else 0.0


def option_counts(rulebook: Rulebook, state: State) -> dict[str, int]:
    """For each cell, how many distinct kinds of order it may give on this board (in the orders
    phase; 0 in any other)."""
    return {cell: len({o.kind for o in legal_orders(rulebook, state, cell)}) for cell in CELLS}


def _first_in(turns: Iterable[int], lo: int, hi: int) -> bool:
    return any(lo <= t <= hi for t in turns)


def _window(happened: Sequence[int], start: int, width: int, last_played: int) -> float | None:
    """1 if something happened in turns ``start..start+width``, 0 if not; :data:`NA` if there was
    no ``start`` (-1) or the game ended before the window closed. A window cut short counts for
    nothing even when the thing happened in it: counting those games only when it happened would
    bias the share upwards (the games where it did not happen yet would be left out)."""
    if start < 0 or last_played < start + width:
        return NA
    return 1.0 if _first_in(happened, start, start + width) else 0.0


# --- the meter ---------------------------------------------------------------------------------


@frozen
class GameResult:
    """What one game came to: the outcomes analysts keep, and the main tracks turn by turn."""

    index: int
    seed: int
    metrics: Metrics
    series: Mapping[str, tuple[float, ...]]


class GameMeter:
    """Accumulates one game's metrics turn by turn.

    Feed it each turn in order with :meth:`add` (anything with the fields of a
    :class:`~wargame.bots.play.PlayedTurn`), then read :meth:`metrics` and :attr:`series`. The
    opening state is the game's before its first turn (after any experimental setup)."""

    def __init__(self, rulebook: Rulebook, opening: State):
        self.rulebook = rulebook
        self.opening = opening
        self.state = opening
        self.origins = _spawn_origins(rulebook)
        self.formed = {"defectors": 0, "holdouts": 0, "inspired": 0}
        self.formed_early = dict(self.formed)  # in the first two years
        self.absorbed_iraq = 0
        self.absorbed_iraq_y1 = 0  # in the first year
        self.talks = False
        self.talks_turn = -1
        self.allied_turns = 0
        self.rapprochement_turn = -1
        self.rapprochement_autonomy: int | None = None
        self.split_turns: list[int] = []
        self.offshoot_turns: list[int] = []
        self.aq_weaker_after_mark = False
        self.leader_death_turn = {"is": -1, "aq": -1}
        self.iraq_faithful_turn = -1
        self.series: dict[str, list[float]] = {k: [] for k in SERIES}
        self.sums = {"wages_services": 0.0, "is_recruitment": 0.0, "is_brutality": 0.0, "syria_governance": 0.0}
        self.periphery_start = _periphery_territory(opening)
        self.n_turns = 0
        self.last_turn = 0
        self.fired: set[str] = set()
        self.drawn: set[str] = set()
        self.ordered: set[tuple[str, str]] = set()
        self.orders_given = dict.fromkeys(CELLS, 0)
        self.no_order_turns = dict.fromkeys(CELLS, 0)
        self.option_turns = 0
        self.options = dict.fromkeys(CELLS, 0)
        self.idle_turns = dict.fromkeys(CELLS, 0)
        self.idle_now = dict.fromkeys(CELLS, 0)
        self.idle_run = dict.fromkeys(CELLS, 0)
        self.at_lo = dict.fromkeys(TRACKS, 0)
        self.at_hi = dict.fromkeys(TRACKS, 0)
        # what the claims read at a given turn, turn by turn; and whether each quantity they read
        # sat at a bound at the end of each turn (see QUANTITIES)
        self.by_turn: dict[str, list[float]] = {k: [] for k in ("provinces", "affiliates", "opening_offshoots")}
        self.early = {"is_brutality": 0.0, "is_recruitment": 0.0, "afpak_governance": 0.0}  # first two years
        self.offshoot_strength_sum = 0.0
        self.bound_flags: dict[str, list[bool | None]] = {q: [] for q in QUANTITIES}
        self._opening_ids = frozenset(o.id for o in opening.offshoots)
        self._previous = opening

    def add(self, turn: PlayedTurn, options: Mapping[str, int] | None = None) -> None:
        """One more turn. ``options`` gives, per cell, the distinct kinds of order it could give
        that turn; if None they are worked out from ``turn.orders_state`` when the turn has it
        (a turn without either does not count towards the ``options:``/``idle`` metrics)."""
        if options is None:
            opened = getattr(turn, "orders_state", None)
            if opened is not None:
                options = option_counts(self.rulebook, opened)
        t = turn.turn
        origins = self.origins
        for r in turn.events + turn.results:
            if not r.happened:
                continue
            ref = r.ref
            if r.kind == "rule":
                self.fired.add(ref)
            elif r.kind == "card":
                self.drawn.add(ref)
            if ref == "c7.aq-welcomes-defectors" and r.theatre == "iraq":
                self.absorbed_iraq += 1
                self.absorbed_iraq_y1 += t <= MARK_TURN
            origin = origins.get(ref)
            if origin is not None:
                for label, before, after in r.changes:
                    if before == 0 and after > 0 and label.startswith("offshoot-") and label.endswith(".strength"):
                        self.formed[origin] = self.formed.get(origin, 0) + 1
                        if t <= EARLY_TURNS:
                            self.formed_early[origin] = self.formed_early.get(origin, 0) + 1
        for cell in CELLS:
            given = turn.orders.get(cell, ())
            self.orders_given[cell] += len(given)
            if not given:
                self.no_order_turns[cell] += 1
            for o in given:
                self.ordered.add((cell, o.kind))
        if options is not None:
            self.option_turns += 1
            for cell in CELLS:
                n = options.get(cell, 0)
                self.options[cell] += n
                if n < IDLE_KINDS:
                    self.idle_turns[cell] += 1
                    self.idle_now[cell] += 1
                    self.idle_run[cell] = max(self.idle_run[cell], self.idle_now[cell])
                else:
                    self.idle_now[cell] = 0
        self._track(t, turn.state)

    def _track(self, t: int, s: State) -> None:
        rulebook = self.rulebook
        before = self._previous
        self.n_turns += 1
        self.last_turn = t
        stage = s.relation.stage
        if self.talks_turn < 0 and stage in (TALKS, ALLIANCE, MERGER):
            self.talks_turn = t
        self.talks |= stage == TALKS
        allied = stage in (ALLIANCE, MERGER)
        self.allied_turns += allied
        if allied and self.rapprochement_turn < 0:
            self.rapprochement_turn = t
            self.rapprochement_autonomy = s.relation.autonomy
        tally, was = s.tally, before.tally
        if tally.second_splits > was.second_splits:
            self.split_turns.append(t)
        if tally.offshoots_formed > was.offshoots_formed:
            self.offshoot_turns.append(t)
        isl, aq = s.islamic_state, s.al_qaeda
        for cell, now, then in (("is", isl.leader, before.islamic_state.leader), ("aq", aq.leader, before.al_qaeda.leader)):
            if now.successions > then.successions and self.leader_death_turn[cell] < 0:
                self.leader_death_turn[cell] = t
        f = formula_values(rulebook, s)
        gap = f["power_gap"]
        if gap < 0 and t > MARK_TURN:
            self.aq_weaker_after_mark = True
        theatres = s.theatres
        n_theatres = len(theatres)
        territory = grievance = governance = reform = faithful = 0
        for th in theatres:
            territory += th.territory
            grievance += th.grievance
            governance += th.governance
            reform += th.reform
            good = th.faithful and th.reform >= 5
            faithful += good
            if good and th.name == "iraq" and self.iraq_faithful_turn < 0:
                self.iraq_faithful_turn = t
            if th.name == "syria":
                self.sums["syria_governance"] += th.governance
        self.sums["wages_services"] += isl.wages + isl.services
        self.sums["is_recruitment"] += isl.recruitment
        self.sums["is_brutality"] += isl.brutality
        series = self.series
        series["territory"].append(territory)
        series["power_gap"].append(round(gap, 4))
        series["is_brutality"].append(isl.brutality)
        series["offshoots"].append(len(s.offshoots))
        series["stage"].append(stage)
        series["faithful_reforms"].append(faithful)
        series["avg_grievance"].append(round(grievance / n_theatres, 4))
        series["is_funds"].append(isl.funds)
        series["aq_affiliates"].append(sum(th.aq_affiliate for th in theatres))
        series["standing_gap"].append(aq.standing - isl.standing)
        series["periphery"].append(_periphery_territory(s))
        flat = flat_tracks(s)
        provinces = sum(th.is_province for th in theatres)
        affiliates = sum(th.aq_affiliate for th in theatres)
        offshoot_strength = sum(o.strength for o in s.offshoots)
        by_turn = self.by_turn
        by_turn["provinces"].append(provinces)
        by_turn["affiliates"].append(affiliates)
        by_turn["opening_offshoots"].append(sum(o.strength for o in s.offshoots if o.id in self._opening_ids))
        self.offshoot_strength_sum += offshoot_strength
        if t <= EARLY_TURNS:
            early = self.early
            early["is_brutality"] += isl.brutality
            early["is_recruitment"] += isl.recruitment
            early["afpak_governance"] += sum(th.governance for th in theatres if th.name == "afpak")
        seen = Seen(rulebook, s, self.opening, flat, f)
        for name, (_, at_bound) in QUANTITIES.items():
            self.bound_flags[name].append(at_bound(seen))
        at_lo, at_hi = self.at_lo, self.at_hi
        for name, (lo, hi) in BOUND_TRACKS.items():
            v = flat[name]
            if v == lo:
                at_lo[name] += 1
            elif v == hi:
                at_hi[name] += 1
        for name, total in (("avg_grievance", grievance), ("avg_governance", governance), ("avg_reform", reform)):
            lo, hi = track_bounds(name)
            if total == lo * n_theatres:
                at_lo[name] += 1
            elif total == hi * n_theatres:
                at_hi[name] += 1
        self.state = s
        self._previous = s

    def metrics(self) -> dict[str, float | None]:
        """Every metric of the game so far (see :func:`metric_catalogue`)."""
        rulebook = self.rulebook
        state, opening = self.state, self.opening
        t = state.tally
        f = formula_values(rulebook, state)
        n = max(1, self.n_turns)
        theatre = {th.name: th for th in state.theatres}
        series = self.series
        formed, formed_early = self.formed, self.formed_early
        sums = self.sums
        m: dict[str, float | None] = {
            "rapprochement": float(t.rapprochement_turn >= 0),
            "rapprochement_turn": float(t.rapprochement_turn),
            "talks": float(self.talks),
            "talks_turn": float(self.talks_turn if self.talks_turn >= 0 else state.last_turn + 1),
            "talks_opened": float(self.talks_turn >= 0),
            "talks_opened_turn": float(self.talks_turn),
            "is_weaker": float(f["power_gap"] > 0),
            "power_gap": round(f["power_gap"], 6),
            "offshoots_formed": float(t.offshoots_formed),
            "offshoots_absorbed": float(t.offshoots_absorbed),
            "defectors_formed": float(formed["defectors"]),
            "holdouts_formed": float(formed["holdouts"]),
            "inspired_formed": float(formed["inspired"]),
            "defectors_early": float(formed_early["defectors"]),
            "absorbed_iraq": float(self.absorbed_iraq),
            "second_split": float(t.second_splits > 0),
            "second_splits": float(t.second_splits),
            "allied_turns": float(self.allied_turns),
            "peak_brutality": float(t.peak_brutality),
            "mean_is_brutality": sums["is_brutality"] / n,
            "faithful_reforms": float(sum(1 for th in state.theatres if th.faithful and th.reform >= 5)),
            "reform_achieved": float(any(th.faithful and th.reform >= 5 for th in state.theatres)),
            "is_collapse": float(t.collapse_turn >= 0),
            "collapse_turn": float(t.collapse_turn),
            "final_stage": float(state.relation.stage),
            "territory": float(sum(th.territory for th in state.theatres)),
            "periphery_change": float(_periphery_territory(state) - self.periphery_start),
            "periphery_change_y1": float(_at(series["periphery"], MARK_TURN) - self.periphery_start),
            "standing_gap_y1": float(_at(series["standing_gap"], MARK_TURN)),
            "mean_wages_services": sums["wages_services"] / n,
            "mean_is_recruitment": sums["is_recruitment"] / n,
            "avg_grievance": sum(th.grievance for th in state.theatres) / len(state.theatres),
            "total_provinces": float(sum(th.is_province for th in state.theatres)),
            "total_affiliates": float(sum(th.aq_affiliate for th in state.theatres)),
            "provinces_minus_affiliates": float(sum(th.is_province - th.aq_affiliate for th in state.theatres)),
            "offshoot_strength": float(sum(o.strength for o in state.offshoots)),
            "is_leader_hardline": float(state.islamic_state.leader.hardline),
            "aq_minus_is_standing": float(state.al_qaeda.standing - state.islamic_state.standing),
            "syria_governance": float(theatre["syria"].governance) if "syria" in theatre else 0.0,
            "mean_syria_governance": sums["syria_governance"] / n,
            "afpak_governance": float(theatre["afpak"].governance) if "afpak" in theatre else 0.0,
            # the relation
            "merger": float(self.rapprochement_turn >= 0),
            "merger_autonomy": NA if self.rapprochement_autonomy is None else float(self.rapprochement_autonomy),
            "split_turn": float(self.split_turns[0] if self.split_turns else -1),
            "split_within_8": _window(self.split_turns, self.rapprochement_turn, SPLIT_WINDOW, self.last_turn),
            # the balance of the two groups, collapse and offshoots
            "aq_weaker_after_4": float(self.aq_weaker_after_mark),
            "collapse_then_offshoot": _window(self.offshoot_turns, t.collapse_turn, OFFSHOOT_WINDOW, self.last_turn),
            # leaders and reform
            "is_leader_died": float(self.leader_death_turn["is"] >= 0),
            "is_leader_death_turn": float(self.leader_death_turn["is"]),
            "aq_leader_died": float(self.leader_death_turn["aq"] >= 0),
            "aq_leader_death_turn": float(self.leader_death_turn["aq"]),
            "leader_deaths": float(
                state.islamic_state.leader.successions - opening.islamic_state.leader.successions
                + state.al_qaeda.leader.successions - opening.al_qaeda.leader.successions),
            "iraq_faithful_reform": float(self.iraq_faithful_turn >= 0),
            "iraq_faithful_turn": float(self.iraq_faithful_turn),
            "turns": float(self.n_turns),
            # what the claims' experiments measure (see wargame.analysis.studies.EXPERIMENTS)
            **self._claims_metrics(),
        }
        cell_points: dict[str, float] = dict.fromkeys(CELLS, 0.0)
        for sc in scores(rulebook, state):
            m[f"objective:{sc.objective}"] = float(sc.points)
            cell_points[sc.cell] = cell_points.get(sc.cell, 0.0) + sc.points
        measured = self.option_turns
        for cell in CELLS:
            m[f"cell:{cell}"] = cell_points[cell]
            m[f"orders:{cell}"] = self.orders_given[cell] / n
            m[f"no_order_turns:{cell}"] = float(self.no_order_turns[cell])
            m[f"no_order_share:{cell}"] = self.no_order_turns[cell] / n
            m[f"options:{cell}"] = self.options[cell] / measured if measured else NA
            m[f"idle_turns:{cell}"] = float(self.idle_turns[cell]) if measured else NA
            m[f"idle_share:{cell}"] = self.idle_turns[cell] / measured if measured else NA
            m[f"idle_run:{cell}"] = float(self.idle_run[cell]) if measured else NA
        for metric in (*TURN_BOUNDS, *BOUNDED):
            m[f"bound:{metric}"] = self._bound(metric, m)
        for name in TRACKS:
            lo, hi = self.at_lo[name], self.at_hi[name]
            m[f"at_bound:{name}"] = (lo + hi) / self.n_turns if self.n_turns else NA
            m[f"at_lo:{name}"] = lo / self.n_turns if self.n_turns else NA
            m[f"at_hi:{name}"] = hi / self.n_turns if self.n_turns else NA
        fired, drawn, ordered = self.fired, self.drawn, self.ordered
        for rule in rulebook.rules:
            m[f"fired:{rule.id}"] = float(rule.id in fired)
        for card in rulebook.cards:
            m[f"drawn:{card}"] = float(card in drawn)
        for kind in rulebook.orders:
            m[f"ordered:{kind.cell}:{kind.id}"] = float((kind.cell, kind.id) in ordered)
        return m

    def _claims_metrics(self) -> dict[str, float | None]:
        """The outcomes the claims read at a given turn or over the first two years: :data:`NA`
        in a game that has not (yet) lasted that long."""
        played = self.n_turns
        by_turn = self.by_turn
        year, two = played >= MARK_TURN, played >= EARLY_TURNS

        def at(values: Sequence[float], turn: int, whole: bool) -> float | None:
            return float(_at(values, turn)) if whole else NA

        provinces, affiliates = by_turn["provinces"], by_turn["affiliates"]
        start = float(self.periphery_start)
        return {
            "total_provinces_y2": at(provinces, EARLY_TURNS, two),
            "provinces_minus_affiliates_y2": (float(_at(provinces, EARLY_TURNS) - _at(affiliates, EARLY_TURNS))
                                              if two else NA),
            "periphery_start": start,
            "periphery_lost_y1": start - _at(self.series["periphery"], MARK_TURN) if year else NA,
            "mean_is_brutality_early": self.early["is_brutality"] / EARLY_TURNS if two else NA,
            "mean_is_recruitment_early": self.early["is_recruitment"] / EARLY_TURNS if two else NA,
            "mean_afpak_governance_early": self.early["afpak_governance"] / EARLY_TURNS if two else NA,
            "mean_offshoot_strength": self.offshoot_strength_sum / played if played else NA,
            "opening_offshoots_y2": at(by_turn["opening_offshoots"], EARLY_TURNS, two and bool(self._opening_ids)),
            "absorbed_iraq_y1": float(self.absorbed_iraq_y1) if year else NA,
            "syria_groups": float(sum(part for part, _, _ in _groups_in(self.state, "syria"))),
        }

    def _bound(self, metric: str, m: Mapping[str, float | None]) -> float | None:
        """``bound:<metric>``: 1 if the quantity the metric is read from sat at a bound when the
        metric reads it (see :data:`BOUNDED`, :data:`TURN_BOUNDS`); :data:`NA` where the metric is."""
        value = m.get(metric)
        if value is NA or not self.n_turns:
            return NA
        if metric == "talks_turn":
            return float(value in (1.0, float(self.state.last_turn + 1)))
        if metric == "allied_turns":
            return float(value in (0.0, float(self.n_turns)))
        quantity, when = BOUNDED[metric]
        flags = self.bound_flags[quantity]
        if when in ("end", "y1", "y2"):
            turn = {"end": len(flags), "y1": MARK_TURN, "y2": EARLY_TURNS}[when]
            flag = flags[min(turn, len(flags)) - 1]  # as _at reads the metric in a shorter game
            return NA if flag is None else float(flag)
        window = [x for x in (flags if when == "most" else flags[:EARLY_TURNS]) if x is not None]
        return float(sum(window) > len(window) / 2) if window else NA

    def result(self, index: int, seed: int) -> GameResult:
        return GameResult(index, seed, self.metrics(), {k: tuple(v) for k, v in self.series.items()})


def play_game(rulebook: Rulebook, scenario: str, seed: int, seats: Mapping[str, str],
              setup: Callable[[State, Rulebook], State] | None = None,
              doctrines: Iterable[tuple[str, Any]] = (), index: int = 0,
              adapt_bots: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> GameResult:
    """Play one bot-only game to the end and measure it.

    ``setup`` changes the opening board (an experiment's factor); ``doctrines`` seats a doctrine
    bot configured by a :class:`~wargame.bots.doctrine.Doctrine` in some cells, ``(cell, doctrine)``;
    ``adapt_bots``, if given, receives the seated bots and returns those that play (an experiment
    may wrap one, e.g. to withhold an order from it)."""
    state = new_game(rulebook, scenario, seed)
    if setup is not None:
        state = setup(state, rulebook)
    bots = bots_for(seats, seed, rulebook)
    doctrines = tuple(doctrines)
    if doctrines:
        from wargame.bots.doctrine import DoctrineBot

        for cell, doctrine in doctrines:
            bots[cell] = DoctrineBot(seed, rulebook=rulebook, doctrine=doctrine)
    if adapt_bots is not None:
        bots = adapt_bots(bots)
    meter = GameMeter(rulebook, state)
    for turn in play(rulebook, state, bots):
        meter.add(turn)
    return meter.result(index, seed)


# --- the catalogue ---------------------------------------------------------------------------------

METRICS: tuple[tuple[str, str], ...] = (
    ("rapprochement", "1 if the relation reached alliance or merger (the engine's tally)"),
    ("rapprochement_turn", "turn of the first alliance or merger (-1: never)"),
    ("talks", "1 if a turn ended with the two groups in talks"),
    ("talks_turn", "turn talks first opened, or alliance/merger came (never: the last turn + 1)"),
    ("talks_opened", "1 if talks opened at some point (or alliance/merger came)"),
    ("talks_opened_turn", "turn talks first opened (-1: never)"),
    ("is_weaker", "1 if IS ends the weaker group (power gap > 0)"),
    ("power_gap", "power gap at the end (AQ - IS)"),
    ("offshoots_formed", "offshoot groups formed"),
    ("offshoots_absorbed", "offshoots absorbed by AQ"),
    ("defectors_formed", "defectors' groups formed"),
    ("holdouts_formed", "holdouts' groups formed"),
    ("inspired_formed", "inspired groups formed"),
    ("defectors_early", "defectors' groups formed in the first two years"),
    ("absorbed_iraq", "groups absorbed by AQ in Iraq"),
    ("second_split", "1 if there was a second split"),
    ("second_splits", "second splits (count)"),
    ("allied_turns", "quarters ending allied or merged"),
    ("peak_brutality", "peak brutality (IS or offshoots)"),
    ("mean_is_brutality", "IS brutality, game average"),
    ("faithful_reforms", "theatres with faithful reform 5+ at the end"),
    ("reform_achieved", "1 if a theatre has faithful reform 5+ at the end"),
    ("is_collapse", "1 if the caliphate collapsed"),
    ("collapse_turn", "turn of the collapse (-1: none)"),
    ("final_stage", "relation stage at the end (0 rivalry .. 4 split)"),
    ("territory", "IS territory at the end"),
    ("periphery_change", "change in IS territory outside Iraq and Syria"),
    ("periphery_change_y1", "... over the first year"),
    ("standing_gap_y1", "AQ minus IS standing after a year"),
    ("mean_wages_services", "IS wages + services, game average"),
    ("mean_is_recruitment", "IS recruitment, game average"),
    ("avg_grievance", "average grievance at the end"),
    ("total_provinces", "IS province strength at the end"),
    ("total_affiliates", "AQ affiliate strength at the end"),
    ("provinces_minus_affiliates", "IS province minus AQ affiliate strength at the end"),
    ("offshoot_strength", "offshoot strength at the end"),
    ("is_leader_hardline", "IS leader's hardline at the end"),
    ("aq_minus_is_standing", "AQ minus IS standing at the end"),
    ("syria_governance", "Syria's governance at the end"),
    ("mean_syria_governance", "Syria's governance, game average"),
    ("afpak_governance", "Afghanistan-Pakistan governance at the end"),
    ("merger", "1 if the relation ever ended a turn in alliance or merger"),
    ("merger_autonomy", "autonomy at the first alliance or merger (n/a without one)"),
    ("split_turn", "turn of the first second split (-1: none)"),
    ("split_within_8", f"1 if a second split came within {SPLIT_WINDOW} quarters of the first alliance or merger "
                       "(n/a without one, or if the game ended sooner with none)"),
    ("aq_weaker_after_4", f"1 if AQ was the weaker (power gap < 0) at the end of a turn after turn {MARK_TURN}"),
    ("collapse_then_offshoot", f"1 if a new offshoot formed within {OFFSHOOT_WINDOW} quarters of the IS collapse "
                               "(n/a without one, or if the game ended sooner with none)"),
    ("is_leader_died", "1 if IS's leader died (a succession) during the game"),
    ("is_leader_death_turn", "turn of the IS leader's first death (-1: none)"),
    ("aq_leader_died", "1 if AQ's leader died during the game"),
    ("aq_leader_death_turn", "turn of the AQ leader's first death (-1: none)"),
    ("leader_deaths", "successions of both leaders during the game"),
    ("iraq_faithful_reform", "1 if Iraq reached reform 5+ carried out faithfully at a turn's end"),
    ("iraq_faithful_turn", "first turn ending with faithful reform 5+ in Iraq (-1: never)"),
    ("turns", "turns played"),
    ("total_provinces_y2", "IS province strength at the end of the second year"),
    ("provinces_minus_affiliates_y2", "IS province minus AQ affiliate strength at the end of the second year"),
    ("periphery_start", "IS territory outside Iraq and Syria at the start"),
    ("periphery_lost_y1", "IS territory outside Iraq and Syria lost over the first year (start minus the end of turn "
                          f"{MARK_TURN}; negative if it grew)"),
    ("mean_is_brutality_early", f"IS brutality, average over the first two years (turns 1-{EARLY_TURNS})"),
    ("mean_is_recruitment_early", f"IS recruitment, average over the first two years (turns 1-{EARLY_TURNS})"),
    ("mean_afpak_governance_early", f"Afghanistan-Pakistan governance, average over turns 1-{EARLY_TURNS}"),
    ("mean_offshoot_strength", "offshoot strength, game average"),
    ("opening_offshoots_y2", f"strength at the end of turn {EARLY_TURNS} of the offshoot groups in play at the start "
                             "(0 once gone; n/a without any)"),
    ("absorbed_iraq_y1", f"groups absorbed by AQ in Iraq in the first year (turns 1-{MARK_TURN})"),
    ("syria_groups", "strength of the groups in Syria at the end: IS province, AQ affiliate and offshoots"),
)
"""The metrics of every game that are not a family, with their meaning."""

FAMILIES: tuple[tuple[str, str], ...] = (
    ("objective:{objective}", "the objective's points at the end"),
    ("cell:{cell}", "the cell's points at the end (all its objectives)"),
    ("orders:{cell}", "orders given per turn, game average"),
    ("no_order_turns:{cell}", "turns the cell gave no order"),
    ("no_order_share:{cell}", "... as a share of the turns"),
    ("options:{cell}", "distinct kinds of legal order at the start of its orders phase, game average"),
    ("idle_turns:{cell}", f"turns with fewer than {IDLE_KINDS} kinds of legal order"),
    ("idle_share:{cell}", "... as a share of the turns"),
    ("idle_run:{cell}", "the longest run of such turns in a row"),
    ("at_bound:{track}", "share of turns ending with the track at its lowest or highest"),
    ("at_lo:{track}", "share of turns ending with the track at its lowest"),
    ("at_hi:{track}", "share of turns ending with the track at its highest"),
    ("bound:{bounded}", "1 if the quantity the metric is read from sat at a bound when the metric reads it "
                        "(wargame.analysis.metrics.BOUNDED)"),
    ("fired:{rule}", "1 if the rule fired at least once"),
    ("drawn:{card}", "1 if the card was played at least once"),
    ("ordered:{cell}:{order}", "1 if the cell gave that kind of order at least once"),
)
"""Metrics per cell, objective, track, rule, card or order kind: ``{cell}`` and so on stand for
each of them."""


def family_items(rulebook: Rulebook, family: str, cells: Iterable[str] | None = None) -> list[str]:
    """The items a ``{family}`` placeholder stands for: cells, objective ids, rule ids, card ids,
    tracks, the metrics read off a bounded quantity (``bounded``), or order kind ids (of ``cells``
    only, when given)."""
    if family == "cell":
        return list(CELLS)
    if family == "objective":
        return [o.id for o in rulebook.objectives]
    if family == "rule":
        return [r.id for r in rulebook.rules]
    if family == "card":
        return list(rulebook.cards)
    if family == "track":
        return list(TRACKS)
    if family == "bounded":
        return [*TURN_BOUNDS, *BOUNDED]
    if family == "order":
        wanted = set(CELLS if cells is None else cells)
        return [k.id for k in rulebook.orders if k.cell in wanted]
    raise KeyError(family)


def metric_catalogue(rulebook: Rulebook) -> list[tuple[str, str]]:
    """Every metric a game gives, with its meaning, in a stable order."""
    out = list(METRICS)
    for pattern, meaning in FAMILIES:
        if "{order}" in pattern:
            out += [(f"ordered:{k.cell}:{k.id}", meaning) for k in rulebook.orders]
            continue
        family = pattern[pattern.index("{") + 1:pattern.index("}")]
        out += [(pattern.replace("{" + family + "}", item), meaning) for item in family_items(rulebook, family)]
    return out


def metric_maximum(rulebook: Rulebook, name: str) -> float | None:
    """The most a metric can be, where the rulebook says so (an objective's points, the sum of a
    cell's), else None."""
    kind, _, item = name.partition(":")
    if kind == "objective":
        return next((float(o.points) for o in rulebook.objectives if o.id == item), None)
    if kind == "cell" and item in CELLS:
        return float(sum(o.points for o in rulebook.objectives if o.cell == item))
    return None
