"""Every metric a game gives, with its meaning: what a balance target (``rules/targets.toml``) may
name, and what ``wargame calibrate --metrics`` lists. The values are worked out by
:class:`wargame.analysis.metrics.GameMeter`; this is their catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable

from wargame.analysis.bounds import BOUNDED, TRACKS, TURN_BOUNDS
from wargame.analysis.metrics import EARLY_TURNS, IDLE_KINDS, MARK_TURN, OFFSHOOT_WINDOW, SPLIT_WINDOW
from wargame.engine.model import CELLS
from wargame.engine.rulebook import Rulebook

NEVER = -1.0
"""A turn metric's value in a game where what it dates never came ("-1: never" in :data:`METRICS`)."""

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
TURN_METRICS = frozenset(name for name, meaning in METRICS if "(-1: " in meaning)
"""The metrics that date something (a turn), :data:`NEVER` where it never came: a game where it did
not is one where the metric does not apply, not one where it came at turn -1."""
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
                        "(wargame.analysis.bounds.BOUNDED)"),
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
