"""The coalition's doctrine: IS first, from the air and through its money; its leaders; then reform and stabilisation.

Each scoring function cites the ¶ of the article it implements (see :mod:`wargame.bots.doctrine`).
"""

from __future__ import annotations

from wargame.bots.doctrine import Doctrine
from wargame.bots.picture import Picture, Scored, Scorer
from wargame.engine.model import Order


def _co_air(p: Picture, o: Order, d: Doctrine) -> Scored:
    # IS is the primary military target, above all where it holds ground (¶3).
    if not d.press_is:
        return None
    T = p.T(o)
    c = p.chance(o)
    if T["territory"] > 0:
        value = (3 + T["territory"] * 0.6 + T["is_province"] * 0.2 + T["core"] * 1.5 + T["oil"] * 0.5) * (0.5 + c)
        value += 0.5 * d.boldness
        return value, (f"Air campaign in {p.title(o)}: IS holds {T['territory']} there"
                       + (f" and {T['oil']} oil site{'s' if T['oil'] > 1 else ''}" if T["oil"] else "")
                       + "; IS is the coalition's primary military target (¶3).")
    if d.boldness == 0:
        return None
    return (1 + T["is_province"] * 0.3) * (0.5 + c), (
        f"Air campaign in {p.title(o)}: IS holds no ground there, but its province ({T['is_province']}) "
        "is still a target (¶3).")


def _co_counter_finance(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Revenue pays wages and services; go after it while the oil lasts (¶4).
    g = p.g
    if not d.press_is or g["total_oil"] <= 0:
        return None
    return 3 + g["total_oil"] * 0.8 + g["is_funds"] * 0.15, (
        f"Counter-finance: IS still sells oil from {g['total_oil']:.0f} site(s) and has funds of "
        f"{p.track_text('is_funds')}; less revenue means lower wages and fewer recruits (¶4).")


_HUNT_INTEL = (8, 6, 5)


def _co_hunt(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Hunt the leadership when intelligence is good: a death brings no softer successor, but a
    # vacuum on top of lost ground leaves room only AQ can fill (¶8).
    if not (d.press_is and d.hunt):
        return None
    intel = p.g["coalition_intel"]
    threshold = _HUNT_INTEL[d.boldness]
    if intel < threshold:
        return None
    c = p.chance(o)
    return 3 + (intel - threshold) * 0.7 + c * 3, (
        f"Hunt IS's leadership: intelligence is good ({p.track_text('coalition_intel')}); {p.chance_text(c)}; his successor will be no "
        "softer, but a vacuum on top of lost ground weakens IS (¶8).")


def _co_intel(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Better intelligence sharpens every estimate, makes the hunt possible and may expose talks (¶2, ¶8).
    intel = p.g["coalition_intel"]
    wanted = _HUNT_INTEL[d.boldness] if (d.press_is and d.hunt) else 6
    if intel >= wanted:
        return None
    return 3 + (wanted - intel) * 1.0, (
        f"Invest in intelligence (now {p.track_text('coalition_intel')}): a sharper picture of both groups, a chance to learn of their "
        "talks, and the means to hunt their leaders (¶2, ¶8).")


def _co_press_reform(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Root causes: until Sunni inclusion is real, anger feeds both groups (¶9, ¶10). Pressed
    # harder once IS's ground is mostly gone (IS first, ¶3).
    if not d.press_reform:
        return None
    T = p.T(o)
    c = p.chance(o)
    later = p.g["total_territory"] < 8
    value = (1.5 + T["grievance"] * 0.3 + (2 if later else 0) + (1 if T["faithful"] == 0 and T["reform"] > 0 else 0)) * (0.4 + c)
    return value, (
        f"Press for faithful reform in {p.title(o)}: grievance is {T['grievance']}, and until Sunni inclusion is "
        f"real the anger feeds both groups ({p.chance_text(c)}) (¶9, ¶10).")


def _co_strike_franchise(p: Picture, o: Order, d: Doctrine) -> Scored:
    # IS first (¶3); once the caliphate's ground is mostly gone, or where a franchise grows
    # strong, the coalition opens a second front, at a cost in will if it fails.
    T = p.T(o)
    c = p.chance(o)
    if T["aq_affiliate"] < 4 or p.g["coalition_will"] < 4:
        return None
    later = p.g["core_territory"] <= 4
    value = (1 + T["aq_affiliate"] * 0.35 + (2 if later else 0) + 0.4 * d.boldness) * (0.4 + c)
    return value, (
        f"Strike AQ's franchise in {p.title(o)} (strength {T['aq_affiliate']}): "
        + ("with the caliphate's ground mostly retaken, " if later else "")
        + f"AQ's franchises face far less pressure than IS did ({p.chance_text(c)}; a miss costs will) (¶3).")


def _co_train(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Partners who can take and hold ground (¶3).
    T = p.T(o)
    if T["territory"] == 0 and T["is_province"] < 3:
        return None
    return 1.5 + (1.5 if T["territory"] > 0 else 0) + (5 - T["governance"]) * 0.2, (
        f"Train and equip partners in {p.title(o)}: governance is {T['governance']}, and local forces must take "
        "and hold the ground IS loses (¶3).")


def _co_stabilise(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Where IS has been pushed out, aid keeps grievance from refilling the gap (¶10).
    T = p.T(o)
    if T["territory"] > 0 or T["grievance"] < 5:
        return None
    return 1.5 + T["grievance"] * 0.25 + T["core"], (
        f"Stabilisation aid in {p.title(o)}: IS holds no ground there now, and aid keeps grievance "
        f"({T['grievance']}) from filling the gap (¶10).")


def _co_mediate(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Back the long road to a settlement (¶9).
    T = p.T(o)
    c = p.chance(o)
    if T["peace"] == 0:
        return None
    return 2 + c * 4 + T["peace"] * 0.7, (
        f"Mediate the talks in {p.title(o)} (peace {T['peace']}): fragile, with a long road ahead, and they "
        f"move only with an outside mediator ({p.chance_text(c)}) (¶9).")


COALITION_SCORERS: dict[str, Scorer] = {
    "coalition.air_campaign": _co_air,
    "coalition.strike_franchise": _co_strike_franchise,
    "coalition.train_equip": _co_train,
    "coalition.leadership_targeting": _co_hunt,
    "coalition.counter_finance": _co_counter_finance,
    "coalition.press_reform": _co_press_reform,
    "coalition.mediate": _co_mediate,
    "coalition.stabilise": _co_stabilise,
    "coalition.intelligence": _co_intel,
}
