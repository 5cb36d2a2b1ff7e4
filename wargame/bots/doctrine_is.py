"""The Islamic State's doctrine: hold territory, pay wages, escalate after defeats, come to AQ only when desperate.

Each scoring function cites the ¶ of the article it implements (see :mod:`wargame.bots.doctrine`).
"""

from __future__ import annotations

from wargame.bots.doctrine import Doctrine
from wargame.bots.picture import Picture, Scored, Scorer
from wargame.engine.model import Order

# How desperate IS must be (formula is_desperation, 0..15) before it seeks or accepts AQ's terms:
# a cautious Shura Council gives in sooner, an aggressive one later (¶2).
_IS_DESPERATE = (7.0, 9.0, 11.0)


def _is_desperate(p: Picture, d: Doctrine) -> bool:
    return p.g["is_desperation"] >= _IS_DESPERATE[d.boldness]


def _is_affordable_wages(p: Picture, extra: int) -> bool:
    """Can IS keep paying one more level of upkeep out of revenue and what is left? (¶4)"""
    g = p.g
    upkeep = g["upkeep_rate"] * (g["is_wages"] + g["is_services"] + 1)
    return p.budget - extra >= max(0.0, upkeep - g["is_revenue"]) * 2


def _is_defend(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Hold territory, above all the heartland and its oil: it is what pays the wages (¶3, ¶4).
    T = p.T(o)
    if T["pressure"] < 2:
        return None
    value = (1 + T["territory"] / 2 + 2 * T["core"] + T["oil"]) * T["pressure"] / 5 * (0.6 + p.chance(o))
    return value, (f"Defend held ground in {p.title(o)}: IS governs {T['territory']} there"
                   + (f" with {T['oil']} oil site{'s' if T['oil'] > 1 else ''}" if T["oil"] else "")
                   + f" under pressure {T['pressure']}, and held ground is what pays the wages (¶3, ¶4).")


def _is_attack(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Taking ground back lifts standing and recruiting, but draws pressure (¶3): a bold cell's bet.
    T = p.T(o)
    c = p.chance(o)
    value = c * (7 if T["core"] else 4) * (0.5 + 0.35 * d.boldness) - (1.5 if d.boldness == 0 else 0)
    return value, (f"Go on the offensive in {p.title(o)}: {p.chance_text(c)} to take ground back, "
                   "which lifts standing and recruiting even as it draws the coalition's fire (¶3).")


def _is_pay_wages(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Pay wages while it can: unpaid members defect and recruiting dries up (¶4).
    wages = p.g["is_wages"]
    target = (3, 4, 4)[d.boldness]
    if wages >= target or not _is_affordable_wages(p, p.cost(o)):
        return None
    return 5 + (target - wages) * 1.5, (
        f"Raise wages to {p.track_text('is_wages', int(wages) + 1, 'd')}: unpaid fighters defect and recruits stay away (¶4), "
        "and the money still covers it.")


def _is_fund_services(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Services buy local acceptance where IS governs, while revenue lasts (¶4).
    services = p.g["is_services"]
    if services >= 3 or not _is_affordable_wages(p, p.cost(o)):
        return None
    return 3.5 + (3 - services), (
        f"Fund public services (now {p.track_text('is_services', int(services), 'd')}): they buy the acceptance of the locals IS governs (¶4).")


def _is_propaganda(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Advertise successes to keep recruits and standing (¶7).
    c = p.chance(o)
    standing = p.g["is_standing"]
    return 1 + c * 2 + (1.0 if standing < 5 else 0), (
        f"Propaganda: {p.chance_text(c)} to lift recruiting and a standing of {int(standing)} in the movement (¶7).")


def _is_insurgency(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Where the land is gone, the group fights on as an insurgency from its provinces (¶7).
    T = p.T(o)
    c = p.chance(o)
    heartland_lost = p.g["core_territory"] == 0
    return 2 + c * 4 + T["grievance"] * 0.15 + (1.5 if heartland_lost else 0) + 0.3 * d.boldness, (
        f"Wage an insurgency in {p.title(o)}: IS holds no ground there, but its province ({T['is_province']}) "
        f"lives among aggrieved locals (grievance {T['grievance']}); {p.chance_text(c)} to wear down the "
        "government's hold (¶7).")


def _is_expand(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Distant provinces: opportunistic, where grievance is high and AQ and the coalition are
    # thin; such gains rarely last (¶3), so only when the odds are good.
    T = p.T(o)
    c = p.chance(o)
    if c < (0.45, 0.3, 0.2)[d.boldness]:
        return None
    return c * 8 - 1 + 0.5 * d.boldness, (
        f"Build up the {p.title(o)} province: grievance there is {T['grievance']} and AQ's affiliate only "
        f"{T['aq_affiliate']}; {p.chance_text(c)}; distant gains rarely last, so take them while they come (¶3).")


def _is_escalate(p: Picture, o: Order, d: Doctrine) -> Scored:
    # After defeats the group has concluded it was not brutal enough, and turned harsher (¶6).
    setbacks = p.g["is_setbacks"]
    if setbacks < (7, 5, 3)[d.boldness] or p.g["is_brutality"] >= (7, 9, 10)[d.boldness]:
        return None
    return 2 + setbacks * 0.8 + d.boldness, (
        f"Escalate brutality: after {int(setbacks)} recent defeats IS's leaders conclude, as they did in Iraq "
        "a decade ago, that the group had not been harsh enough (¶6).")


def _is_purge(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Hold the ranks together when disgruntled members start to drift (¶4).
    cohesion = p.g["is_cohesion"]
    if cohesion > 4:
        return None
    return 6 - cohesion, (f"Purge dissent: cohesion is down to {p.track_text('is_cohesion', int(cohesion), 'd')} and disgruntled "
                          "members are drifting away (¶4).")


def _is_open_talks(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Only from weakness: when IS is much the weaker and desperation outweighs its ego (¶2, ¶5).
    gap, desperation = p.g["power_gap"], p.g["is_desperation"]
    if not _is_desperate(p, d) or gap < p.g["gap_threshold"]:
        return None
    return 6 + desperation - _IS_DESPERATE[d.boldness], (
        f"Put out feelers to al-Qaeda: IS is much the weaker (gap {gap:.1f}) and desperate ({desperation:.0f} of 15), {p.estimated}; "
        "keeping the movement alive now outweighs pride (¶2, ¶5).")


def _is_accept(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Accept terms only when desperate, or when the autonomy on offer lets IS keep its own way (¶2, ¶5).
    autonomy, desperation = p.g["relation_autonomy"], p.g["is_desperation"]
    if _is_desperate(p, d):
        return 8, (f"Accept al-Qaeda's terms (autonomy {p.track_text('relation_autonomy', int(autonomy), 'd')}): desperate "
                   f"({desperation:.0f} of 15, {p.estimated}), "
                   "the Shura Council takes the deal to keep the movement alive (¶2, ¶5).")
    if autonomy >= 2 and desperation >= _IS_DESPERATE[d.boldness] - 3:
        return 6, (f"Accept al-Qaeda's terms: autonomy {p.track_text('relation_autonomy', int(autonomy), 'd')} leaves IS free to follow its own "
                   "strategy, as Zarqawi's group was in 2004 (¶5).")
    return None


def _is_break_away(p: Picture, o: Order, d: Doctrine) -> Scored:
    # A merger from weakness lasts only while IS is weak or AQ holds it tight (¶5).
    g = p.g
    desperation, line = g["is_desperation"], _IS_DESPERATE[d.boldness]
    recovered = desperation < line - 1
    # Pride back at the leader's level and an alliance under strain: the Shura Council walks out
    # unless IS is truly desperate (¶2, ¶5).
    proud = g["is_ego"] >= 8 and g["relation_strain"] >= 6 and desperation < line + 2
    if not (recovered or proud):
        return None
    if not proud and g["relation_autonomy"] < 2 and g["relation_strain"] < 4 and g["is_ego"] < 8:
        return None
    return 5 + g["relation_autonomy"], (
        f"Break away from al-Qaeda: no longer desperate, and with autonomy {p.track_text('relation_autonomy', int(g['relation_autonomy']), 'd')} and "
        f"strain {p.track_text('relation_strain', int(g['relation_strain']), 'd')} IS goes its own way again, as Zarqawi's group did (¶5).")


IS_SCORERS: dict[str, Scorer] = {
    "is.defend": _is_defend,
    "is.attack": _is_attack,
    "is.pay_wages": _is_pay_wages,
    "is.fund_services": _is_fund_services,
    "is.propaganda": _is_propaganda,
    "is.insurgency": _is_insurgency,
    "is.expand_province": _is_expand,
    "is.escalate": _is_escalate,
    "is.purge": _is_purge,
    "is.open_talks": _is_open_talks,
    "is.accept_terms": _is_accept,
    "is.break_away": _is_break_away,
}
