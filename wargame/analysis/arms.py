"""One arm of an experiment, and one game of it: the forced opening boards (:data:`SETUPS`), the
doctrine a cell's bot is given, and the orders withheld from every bot (:class:`Withholding`).

Factors are changed on the opening State (``attrs.evolve``), in the bots' doctrine, or by
withholding orders from the bots, never in the rules. :func:`play_game` plays a game of an arm and
measures it (:mod:`wargame.analysis.metrics`); the plain arm, :data:`BASELINE`, is the scenario as
written with doctrine bots.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from wargame.analysis import metrics
from wargame.analysis.metrics import GameResult
from wargame.bots.doctrine import Doctrine
from wargame.engine.model import CELL_TITLES, MERGER, Offshoot, State
from wargame.engine.rulebook import Rulebook


@frozen
class Arm:
    """One arm of an experiment: a change to the opening board, to some cells' doctrine, and/or
    orders no bot may give.

    ``setup`` names a function of :data:`SETUPS`; ``doctrines`` replaces the bot of a cell with a
    doctrine bot configured so; ``without`` names order kinds withheld from every bot (see
    :class:`Withholding`). The plain arm (none of these) is the baseline."""

    setup: str | None = None
    doctrines: tuple[tuple[str, Doctrine], ...] = ()
    without: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [SETUPS[self.setup][0]] if self.setup else []
        parts += [f"{CELL_TITLES[c]} doctrine: {_describe_doctrine(d)}" for c, d in self.doctrines]
        if self.without:
            parts.append(f"no bot ever gives {', '.join(self.without)}")
        return "; ".join(parts) or "the scenario as written, doctrine bots"


def _describe_doctrine(d: Doctrine) -> str:
    base = Doctrine(posture=d.posture)
    changed = [f"{a.name}={getattr(d, a.name)}" for a in attrs.fields(Doctrine) if getattr(d, a.name) != getattr(base, a.name)]
    return ", ".join([d.posture] + changed)


BASELINE = Arm()


class Withholding:
    """A bot that plays as ``inner`` does, except that orders of the ``withheld`` kinds are taken
    out of the legal orders it is offered: it chooses among the rest exactly as it would if the
    rules did not allow those. The smallest change that keeps an order out of a game (C9's control
    keeps IS and AQ apart by withholding IS's acceptance of terms, the only way into an alliance or
    a merger), without touching the rules or the doctrine."""

    def __init__(self, inner: Any, withheld: Iterable[str]):
        self.inner = inner
        self.withheld = frozenset(withheld)
        self.name = getattr(inner, "name", "bot")

    def choose(self, view: Any, legal: Callable[[Sequence[Any]], list[Any]], max_orders: int) -> Any:
        allowed = lambda pending: [o for o in legal(pending) if o.kind not in self.withheld]  # noqa: E731
        return self.inner.choose(view, allowed, max_orders)


def play_game(rulebook: Rulebook, scenario: str, seed: int, seats: Mapping[str, str], arm: Arm = BASELINE,
              index: int = 0, keep_tracks: bool = False) -> GameResult:
    """Play one bot-only game of an experiment's arm to the end and measure it (see
    :func:`wargame.analysis.metrics.play_game`; ``keep_tracks`` keeps every track turn by turn)."""
    setup = SETUPS[arm.setup][1] if arm.setup else None
    adapt = None
    if arm.without:
        adapt = lambda bots: {cell: Withholding(bot, arm.without) for cell, bot in bots.items()}  # noqa: E731
    return metrics.play_game(rulebook, scenario, seed, seats, setup=setup, doctrines=arm.doctrines, index=index,
                             adapt_bots=adapt, keep_tracks=keep_tracks)


# --- the forced boards ----------------------------------------------------------------------------


def _evolve_theatres(state: State, change: Callable[[Any], dict[str, int]]) -> State:
    return attrs.evolve(state, theatres=tuple(attrs.evolve(t, **change(t)) for t in state.theatres))


def _part(state: State, part: str, **changes: Any) -> State:
    return attrs.evolve(state, **{part: attrs.evolve(getattr(state, part), **changes)})


def _ego_low(state: State, rb: Rulebook) -> State:
    return _part(state, "islamic_state", ego=3)


def _is_weakened(state: State, rb: Rulebook) -> State:
    # Much weaker, not yet broken: half its ground and no oil, its reserves thin. (Weaker still,
    # talks open on turn 1 in most games, and the outcome, the turn they open, sits at its bound.)
    state = _evolve_theatres(state, lambda t: {"territory": t.territory // 2, "oil": 0})
    return _part(state, "islamic_state", funds=4, standing=3, fighters=8, cohesion=5)


def _pressure_on_aq(state: State, rb: Rulebook) -> State:
    # The same pressure values, moved from where IS is strongest to where AQ is: the theatre with
    # the k-th strongest AQ affiliate gets the pressure of the theatre with the k-th largest IS
    # presence (territory and province).
    by_is = sorted(state.theatres, key=lambda t: (-(t.territory + t.is_province), t.name))
    by_aq = sorted(state.theatres, key=lambda t: (-t.aq_affiliate, t.name))
    moved = {a.name: i.pressure for i, a in zip(by_is, by_aq)}
    return _evolve_theatres(state, lambda t: {"pressure": moved[t.name]})


def _pressure_up(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"pressure": min(10, t.pressure + 3)})


def _periphery_gains(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {} if t.core else {"territory": min(10, t.territory + 3)})


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


def _calm(state: State, rb: Rulebook) -> State:
    # IS at brutality 3, where harshness no longer eases by itself: room to escalate in both arms.
    return _part(state, "islamic_state", brutality=3)


def _calm_major_defeat(state: State, rb: Rulebook) -> State:
    state = _evolve_theatres(_calm(state, rb), lambda t: {"territory": max(0, t.territory - 3), "oil": min(t.oil, 1)}
                             if t.core else {})
    return _part(state, "islamic_state", setbacks=8)


def _heartland_lost(state: State, rb: Rulebook) -> State:
    # The ground and oil of Iraq and Syria gone; the rules declare the collapse at the end of turn 1.
    return _evolve_theatres(state, lambda t: {"territory": 0, "oil": 0} if t.core else {})


def _groups_after_collapse(state: State, rb: Rulebook) -> State:
    # The heartland lost and, in every theatre, a young inspired group (strength 2): whether they
    # thrive is what C11b watches.
    state = _heartland_lost(state, rb)
    brutality = min(10, state.islamic_state.brutality + 1)
    groups = tuple(Offshoot(id=f"opening-{t.name}", theatre=t.name, origin="inspired", strength=2, brutality=brutality)
                   for t in state.theatres)
    return attrs.evolve(state, offshoots=groups)


def _good_climate(base: Callable[[State, Rulebook], State]) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        return _evolve_theatres(base(state, rb), lambda t: {"grievance": max(0, t.grievance - 3),
                                                            "governance": min(10, t.governance + 3)})

    return setup


def _leader_killed(state: State, rb: Rulebook) -> State:
    leader = attrs.evolve(state.islamic_state.leader, vacuum=2, successions=1)
    return _part(state, "islamic_state", leader=leader)


def _reform_board(faithful: int) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        return _evolve_theatres(state, lambda t: {"reform": 5, "faithful": faithful})

    return setup


def _assad_gone(state: State, rb: Rulebook) -> State:
    return _evolve_theatres(state, lambda t: {"assad": 0} if t.name == "syria" else {})


def _afpak_settled(province: int | None = None, affiliate: int | None = None) -> Callable[[State, Rulebook], State]:
    def setup(state: State, rb: Rulebook) -> State:
        def change(t: Any) -> dict[str, int]:
            if t.name != "afpak":
                return {}
            out = {"peace": 5, "settled": 1}
            if province is not None:
                out.update(is_province=province, aq_affiliate=affiliate)
            return out

        return _evolve_theatres(state, change)

    return setup


def _root_causes(state: State, rb: Rulebook) -> State:
    # Root causes alone: Sunni inclusion carried out faithfully everywhere (reform 6). Governance
    # is left as it is: lifting it too would weaken the groups through every rule that reads it.
    return _evolve_theatres(state, lambda t: {"reform": 6, "faithful": 1})


SETUPS: dict[str, tuple[str, Callable[[State, Rulebook], State]]] = {
    "ego_low": ("IS's ego 3 instead of 9", _ego_low),
    "is_weakened": ("IS starts much weaker (half its ground, no oil, funds 4, standing 3, fighters 8, cohesion 5)",
                    _is_weakened),
    "pressure_on_aq": ("the opening pressure moved onto AQ's franchises (the heaviest where AQ is strongest, not "
                       "where IS is)", _pressure_on_aq),
    "pressure_up": ("3 more coalition pressure in every theatre", _pressure_up),
    "periphery_gains": ("IS starts with 3 more territory in every theatre outside Iraq and Syria", _periphery_gains),
    "oil_lost": ("IS has lost every oil site at the start", _oil_lost),
    "unpaid": ("IS starts unable to pay: wages 0, services 0, funds 0", _unpaid),
    "iraq_affiliate": ("AQ starts with an affiliate of 3 in Iraq", _iraq_affiliate),
    "merged_0": ("IS and AQ start merged, autonomy 0", _merged(0, 1)),
    "merged_3": ("IS and AQ start merged, autonomy 3", _merged(3, 1)),
    "merger_now": ("IS merges into AQ on turn 1 (autonomy 0)", _merged(0, 0)),
    "calm": ("IS starts at brutality 3", _calm),
    "calm_major_defeat": ("IS starts at brutality 3, just after a major defeat (3 ground lost in Iraq and Syria, "
                          "setbacks 8)", _calm_major_defeat),
    "heartland_lost": ("IS has lost its ground and oil in Iraq and Syria: the caliphate collapses on turn 1",
                       _heartland_lost),
    "groups_after_collapse": ("the caliphate collapses on turn 1; a young inspired group (strength 2) in every "
                              "theatre", _groups_after_collapse),
    "groups_after_collapse_good_climate": ("the same, with grievance 3 lower and governance 3 higher everywhere",
                                           _good_climate(_groups_after_collapse)),
    "leader_killed": ("IS's leader is killed on turn 1 (vacuum 2)", _leader_killed),
    "oil_lost_leader_killed": ("IS has lost its oil and its leader is killed on turn 1",
                               lambda state, rb: _leader_killed(_oil_lost(state, rb), rb)),
    "reform_faithful": ("reform 5 in every theatre, carried out faithfully", _reform_board(1)),
    "reform_paper": ("reform 5 in every theatre, on paper only", _reform_board(0)),
    "assad_gone": ("Assad no longer holds on in Syria", _assad_gone),
    "afpak_settled": ("a settlement in Afghanistan-Pakistan, IS and AQ there as written (province 3, affiliate 4)",
                      _afpak_settled()),
    "afpak_settled_weak_groups": ("a settlement in Afghanistan-Pakistan, IS and AQ there with little left "
                                  "(province 1, affiliate 1)", _afpak_settled(1, 1)),
    "root_causes": ("root causes addressed: faithful reform 6 in every theatre (governance as written)", _root_causes),
}
"""Changes to the opening board, by name: (what it means, the function)."""
