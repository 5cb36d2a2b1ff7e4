"""When a track or an outcome sits at a bound of its range: the tracks watched for it (the
``at_bound:``, ``at_lo:`` and ``at_hi:`` metrics) and, for each outcome the claims read off a
bounded quantity, what "at a bound" means and how a turn's end is checked for it (the
``bound:<metric>`` metrics; see :func:`bound_meaning`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import frozen

from wargame.engine.board import GLOBAL_TRACKS, MAX_OFFSHOOTS, THEATRE_TRACKS
from wargame.engine.model import State
from wargame.engine.rulebook import Rulebook

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


def groups_in(state: State, name: str) -> list[Part]:
    """The groups of theatre ``name``: IS's province, AQ's affiliate and the offshoots' strength
    together, each as (value, lowest, highest)."""
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
                     lambda x: _all_at(groups_in(x.state, "syria"))),
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

