"""The local governments' doctrine: retake ground, then crackdown or reform (faithful or on paper), and rebuild.

Each scoring function cites the ¶ of the article it implements (see :mod:`wargame.bots.doctrine`).
"""

from __future__ import annotations

from wargame.bots.doctrine import Doctrine
from wargame.bots.picture import Picture, Scored, Scorer
from wargame.engine.model import Order


def _gov_offensive(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Retake ground: it cuts IS's revenue, services and recruiting (¶3, ¶4).
    T = p.T(o)
    c = p.chance(o)
    return 2.5 + T["territory"] * 0.6 + 2 * T["core"] + c * 3 + 0.5 * d.boldness, (
        f"Ground offensive in {p.title(o)}: IS holds {T['territory']} there ({p.chance_text(c)}); retaking it cuts "
        "its revenue and its recruiting (¶3, ¶4).")


def _gov_faithful(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Only reform carried out in earnest eases Sunni anger, and slowly; Iraq first (¶9).
    if d.reform_policy() != "faithful":
        return None
    T = p.T(o)
    c = p.chance(o)
    value = 3 + T["grievance"] * 0.3 + c * 3 + (2 if T["faithful"] and T["reform"] > 0 else 0)
    value += 0.5 if o.theatre == "iraq" else 0
    value -= 4 * T["assad"]
    return value, (
        f"Sunni inclusion in {p.title(o)}, carried out faithfully: grievance is {T['grievance']}, and only reform "
        f"done in earnest eases it, slowly (reform {T['reform']}; {p.chance_text(c)}) (¶9).")


def _gov_cosmetic(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Reform on paper: cheap to announce, changes little (¶9). Never over faithful work.
    T = p.T(o)
    if T["faithful"] and T["reform"] > 0:
        return None
    if d.reform_policy() != "cosmetic":
        # A government whose posture (not an experiment's fixed policy) leans to real reform still
        # announces a law for show where it cannot afford the real thing and anger runs high (¶9).
        if d.reform is not None or d.reform_policy() != "faithful" or p.budget > 4 or T["grievance"] < 6 or T["reform"] >= 3 or T["core"]:
            return None
        return 3.0, (f"Announce Sunni inclusion in {p.title(o)}, on paper: real reform is beyond this quarter's "
                     f"means, and a grievance of {T['grievance']} cannot wait for it; a law for show buys time (¶9).")
    return 2 + T["grievance"] * 0.2 + (1 if o.theatre == "iraq" else 0), (
        f"Announce Sunni inclusion in {p.title(o)}, on paper: it costs little now, though it will not ease a "
        f"grievance of {T['grievance']} (¶9).")


def _gov_crackdown(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Security now, grievance later (¶9).
    T = p.T(o)
    c = p.chance(o)
    groups = T["is_province"] + T["aq_affiliate"]
    if groups == 0:
        return None
    policy = d.reform_policy()
    value = 1.5 + groups * 0.25 + c * 2 - T["grievance"] * 0.2 + (2.5 if policy == "crackdown" else 0)
    if policy == "faithful" and T["faithful"] and T["reform"] > 0:
        value -= 2
    return value, (
        f"Security crackdown in {p.title(o)}: the groups there are strong ({T['is_province']} IS, "
        f"{T['aq_affiliate']} AQ); security now, at the price of more grievance later (¶9).")


def _gov_reconstruct(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Rebuild where IS has been driven out, before grievance returns (¶9, ¶10).
    T = p.T(o)
    if T["governance"] >= 6:
        return None
    c = p.chance(o)
    retaken = T["territory"] == 0 and (T["core"] or T["grievance"] >= 6)
    return 1.5 + T["grievance"] * 0.2 + T["core"] + c * 2 + (2.5 if retaken else 0), (
        f"Reconstruction in {p.title(o)}: IS holds little there now, and rebuilding (governance {T['governance']}) "
        "keeps grievance from returning (¶9, ¶10).")


def _gov_amnesty(p: Picture, o: Order, d: Doctrine) -> Scored:
    # A way home for those who leave, before AQ offers them another (¶4).
    T = p.T(o)
    c = p.chance(o)
    return 1 + c * 4 + (1 if T["offshoots_here"] else 0), (
        f"Amnesty in {p.title(o)}: {p.chance_text(c)} that fighters take a way home before AQ offers them "
        "another (¶4).")


def _gov_peace(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Talks start in their infancy and have a long road (¶9).
    T = p.T(o)
    if T["peace"] == 0 and T["grievance"] >= 7:
        return None
    c = p.chance(o)
    return 1.5 + c * 4 + T["peace"] * 0.8, f"Peace talks in {p.title(o)} (peace {T['peace']}): a long road, but a settlement is the best case (¶9)."


GOVERNMENTS_SCORERS: dict[str, Scorer] = {
    "gov.ground_offensive": _gov_offensive,
    "gov.reform_faithful": _gov_faithful,
    "gov.reform_cosmetic": _gov_cosmetic,
    "gov.peace_talks": _gov_peace,
    "gov.crackdown": _gov_crackdown,
    "gov.reconstruction": _gov_reconstruct,
    "gov.amnesty": _gov_amnesty,
}
