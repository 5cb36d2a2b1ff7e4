"""Al-Qaeda's doctrine: resilient franchises, a home for defectors, talks from strength, little autonomy.

Each scoring function cites the ¶ of the article it implements (see :mod:`wargame.bots.doctrine`).
"""

from __future__ import annotations

from wargame.bots.doctrine import Doctrine
from wargame.bots.picture import Picture, Scored, Scorer
from wargame.engine.model import ALLIANCE, MERGER, TALKS, Order


def _aq_strengthen(p: Picture, o: Order, d: Doctrine) -> Scored:
    # AQ's strength is its vast network of resilient franchises, under little pressure (¶3).
    T = p.T(o)
    c = p.chance(o)
    if T["aq_affiliate"] >= 9:
        return None
    return 2 + c * 3 + (1 if T["aq_affiliate"] < 5 else 0) - T["pressure"] * 0.2, (
        f"Strengthen the {p.title(o)} franchise (strength {T['aq_affiliate']}): it faces little military "
        f"pressure ({T['pressure']}) and is part of AQ's resilient network (¶3).")


def _aq_embed(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Working through local grievance builds franchises that last (¶3, ¶9).
    T = p.T(o)
    c = p.chance(o)
    return 2.5 + c * 4 + T["grievance"] * 0.2, (
        f"Embed with local communities in {p.title(o)}: grievance there is {T['grievance']}, and a franchise "
        "rooted in local anger is slow to build and hard to uproot (¶3, ¶9).")


def _aq_found(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Where AQ has no affiliate, as in Iraq, defectors need a home to come back to (¶4).
    T = p.T(o)
    c = p.chance(o)
    lure = T["is_province"] > 0 or T["offshoots_here"] > 0
    if not lure and c < 0.3:
        return None
    return c * 8 + (2 if lure else 0) + T["outreach"], (
        f"Found an affiliate in {p.title(o)}: AQ has none there"
        + (", and IS members and defectors there need somewhere to go" if lure else "")
        + f" ({p.chance_text(c)}) (¶4).")


def _aq_welcome(p: Picture, o: Order, d: Doctrine) -> Scored:
    # AQ welcomes defectors back, above all where it lacks an affiliate, as in Iraq (¶4).
    if not d.welcome:
        return None
    T = p.T(o)
    g = p.g
    none_here = T["aq_affiliate"] == 0
    value = 2 + T["offshoots_here"] * 0.8 + (3 if none_here else 0) + T["is_province"] / 3 + max(0, 3 - g["is_wages"]) * 0.5
    return value, (
        f"Welcome defectors in {p.title(o)}: "
        + (f"breakaway groups of strength {T['offshoots_here']} and " if T["offshoots_here"] else "")
        + f"an IS province of {T['is_province']} paying wages of {p.track_text('is_wages')}"
        + (", and AQ has no affiliate there to take them in otherwise" if none_here else "")
        + " (¶4).")


def _aq_propaganda(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Present AQ as the movement's patient, legitimate leadership (¶2).
    c = p.chance(o)
    lead = p.g["aq_standing"] - p.g["is_standing"]
    urgent = 2.5 if lead < 2 else 0.0
    return 1.5 + c * 2 + urgent, (
        f"Propaganda: {p.chance_text(c)} to present AQ as the movement's legitimate leadership"
        + (f", while its standing leads IS's by only {lead:.0f}" if urgent else "") + " (¶2).")


def _aq_fund(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Discipline over partners is what would keep a merger from splitting again (¶5).
    g = p.g
    allied = g["relation_stage"] in (ALLIANCE, MERGER)
    if g["aq_discipline"] >= 8 and not allied:
        return None
    # A deal in prospect makes discipline urgent: it is what holds a merger together (¶5).
    prospect = 1.5 if g["relation_stage"] == TALKS else 0.0
    return 2 + (7 - g["aq_discipline"]) * 0.6 + (2 if allied else 0) + prospect, (
        f"Fund the affiliates: discipline stands at {p.track_text('aq_discipline')}, and AQ's hold over its partners is what "
        "would keep any merger from splitting again (¶5).")


def _aq_open_talks(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Talk only when IS is much the weaker: it would come to AQ from weakness (¶2, ¶5).
    gap = p.g["power_gap"]
    threshold = p.g["gap_threshold"] + (2, 1, 0)[d.boldness]
    # ... and desperate by AQ's reading of it: a proud IS would not answer (¶2).
    if gap < threshold or p.g["is_desperation"] < (9, 8, 7)[d.boldness]:
        return None
    return 6 + gap - threshold, (
        f"Reach out to the Islamic State: IS is much the weaker (gap {gap:.1f}, {p.estimated}), so it would come to AQ from "
        "weakness and on AQ's terms (¶2, ¶5).")


_OFFERS = {"aq.offer_strict": 0, "aq.offer_limited": 1, "aq.offer_wide": 2, "aq.offer_free_hand": 3}


def _aq_offer(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Offer little autonomy: the freedom granted Zarqawi in 2004 is what led to the split (¶5).
    g = p.g
    if g["relation_stage"] != TALKS:
        return None
    refused = g["relation_offered"] >= 1 and g["relation_turns"] >= 2
    if g["relation_offered"] >= 1 and not refused:
        return None  # give the Shura Council time to answer
    if d.autonomy is not None:
        wanted = d.autonomy
        if refused:
            return None  # an experiment's AQ holds to its terms
    else:
        wanted = (0, 0, 1)[d.boldness] if g["is_desperation"] >= 6 else (0, 1, 1)[d.boldness]
        if refused:
            # Terms refused while the talks drag on: AQ sweetens them, knowing the 2004 risk;
            # a free hand only when AQ itself is the weaker and needs the deal (¶5).
            # A standard AQ goes to wide autonomy only when IS is not much the weaker, so that
            # it has reason to hold out; a cautious one never; an aggressive one wants the deal.
            near = g["power_gap"] < g["gap_threshold"] + 1
            # A free hand only when AQ is itself the weaker, or after years of fruitless talks.
            ceiling = 3 if g["power_gap"] < 0 or g["relation_turns"] >= 10 else (1, 2 if near else 1, 2)[d.boldness]
            wanted = min(ceiling, int(g["relation_autonomy"]) + 1)
            if wanted >= 2 and g["relation_turns"] < 4:
                return None  # wide autonomy only once the talks have dragged on for a year
            if wanted == int(g["relation_autonomy"]):
                return None
    if _OFFERS[o.kind] != wanted:
        return None
    why = {
        0: "no freedom to defy orders: the lesson of the 2004 merger with Zarqawi's group (¶5).",
        1: "a little local freedom to close the deal, with AQ's orders binding (¶5).",
        2: "wide autonomy, a risk AQ takes knowingly: it is how the 2004 merger came apart (¶5).",
        3: "a free hand, the mistake AQ made with Zarqawi in 2004 (¶5).",
    }[wanted]
    if refused:
        why = f"IS refused autonomy {p.track_text('relation_autonomy', spec='d', value=int(g['relation_autonomy']))} and the talks drag on; " + why
    return 9, f"Offer terms at autonomy {wanted}: {why}"


def _aq_enforce(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Inside an alliance, AQ must keep IS from pursuing its own strategy (¶5).
    g = p.g
    return 4 + g["relation_autonomy"] + g["relation_strain"] * 0.5, (
        f"Enforce discipline on IS: strain in the alliance is {p.track_text('relation_strain')} at autonomy "
        f"{p.track_text('relation_autonomy')}; left alone IS would follow its own course, as in 2004 (¶5).")


AQ_SCORERS: dict[str, Scorer] = {
    "aq.strengthen_franchise": _aq_strengthen,
    "aq.embed": _aq_embed,
    "aq.found_affiliate": _aq_found,
    "aq.welcome_defectors": _aq_welcome,
    "aq.propaganda": _aq_propaganda,
    "aq.fund_affiliates": _aq_fund,
    "aq.open_talks": _aq_open_talks,
    **{k: _aq_offer for k in _OFFERS},
    "aq.enforce_discipline": _aq_enforce,
}
