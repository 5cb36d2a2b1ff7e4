"""Doctrine bots: each cell played the way the article says the actor it stands for would play.

A doctrine bot reads its seat's :class:`~wargame.engine.view.View` (never the State), works out the
public formulas of the rulebook on what it sees (each group's strength, IS's desperation: the
rules are public, ¶2), weighs every legal order by its cell's doctrine, and gives the best ones
it can afford, each with a sentence a player understands. Its own small random tie-breaks come
from :func:`~wargame.bots.seats.bot_dice`, never from the game's dice.

The doctrines, in brief (each scoring function cites the ¶ it implements):

- **Islamic State**: hold territory, above all the heartland (¶3, ¶4); pay wages and services
  while the money lasts (¶4); escalate after defeats (¶6); build up distant provinces when the
  odds are good (¶3); seek or accept AQ's terms only when desperate (¶2, ¶5); break away again
  when autonomy and strain allow (¶5).
- **al-Qaeda**: grow resilient franchises and embed with aggrieved locals (¶3, ¶9); welcome
  defectors, above all where it has no affiliate, as in Iraq (¶4); open talks when IS is much
  the weaker (¶2); offer little autonomy and enforce discipline (¶5).
- **Coalition**: press IS first, with air power where IS holds ground and counter-finance while
  the oil lasts (¶3, ¶4); hunt the leadership when intelligence is good (¶8); press for faithful
  reform and stabilise what was retaken (¶9, ¶10).
- **Local Governments**: retake ground (¶3, ¶4), then choose between crackdown and reform,
  faithful or on paper (¶9), and reconstruct (¶10).

A *posture* (cautious, standard, aggressive) shifts the thresholds: a cautious cell keeps money
in reserve and takes fewer risks, an aggressive one spends everything and goes for the bold
orders. The :class:`Doctrine` also holds knobs the claims experiments turn one at a time (the
autonomy AQ offers, the governments' reform policy, whether the coalition presses IS...).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import attrs
from attrs import frozen

from wargame.bots.seats import POSTURES, Choice, Legal, bot_dice
from wargame.engine.board import GLOBAL_TRACKS, Board
from wargame.engine.model import ALLIANCE, MERGER, TALKS, Order
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import View

REFORM_POLICIES = ("faithful", "cosmetic", "crackdown", "none")


@frozen
class Doctrine:
    """How a doctrine bot plays: a posture, and the knobs an experiment or a facilitator may set.

    ``None`` means "as the doctrine and posture decide"."""

    posture: str = attrs.field(default="standard", validator=attrs.validators.in_(POSTURES))
    # AQ: the autonomy it offers IS in talks (0..3); by default little (¶5).
    autonomy: int | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.in_(range(4))))
    # AQ: whether it opens its doors to defectors (¶4).
    welcome: bool = True
    # Governments: "faithful", "cosmetic", "crackdown" or "none" (¶9); by default by posture.
    reform: str | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.in_(REFORM_POLICIES)))
    # Coalition: whether it brings military and financial pressure to bear on IS (¶3, ¶4).
    press_is: bool = True
    # Coalition: whether it hunts IS's leadership when intelligence allows (¶8).
    hunt: bool = True
    # Coalition: whether it presses governments for faithful reform (¶9, ¶10).
    press_reform: bool = True

    @property
    def boldness(self) -> int:
        """0 cautious, 1 standard, 2 aggressive."""
        return POSTURES.index(self.posture)

    def reform_policy(self) -> str:
        if self.reform is not None:
            return self.reform
        # A cautious government announces reform it need not carry out; a standard one carries
        # it out; an aggressive one reaches for security first (¶9).
        return ("cosmetic", "faithful", "crackdown")[self.boldness]


# --- what a bot makes of its view -----------------------------------------------------------


@lru_cache(maxsize=1)
def _default_rulebook() -> Rulebook:
    from wargame.engine.rulebook import load_rulebook

    return load_rulebook()


class Picture:
    """The board as one seat sees it: its estimates (the middle of each range), the public
    totals, and the rulebook's public formulas worked out on them."""

    __slots__ = ("view", "rulebook", "g", "theatres", "budget", "titles")

    def __init__(self, view: View, rulebook: Rulebook):
        self.view = view
        self.rulebook = rulebook
        # the seat's estimates: the middle of each range (0 for what it cannot see at all, e.g.
        # how long secret talks have lasted)
        tracks = {name: (est.mid if (est := view.tracks.get(name)) is not None else 0) for name in GLOBAL_TRACKS}
        board = Board.seen(tracks, view.theatres, view.offshoots, view.turn, view.last_turn, rulebook.parameters,
                           rulebook.formulas)
        scenario = rulebook.scenarios.get(view.scenario)
        if scenario is not None:
            board.g["year"] = scenario.year(view.turn)  # a formula may read it
        board.refresh()
        self.g = board.g
        self.theatres = {t["name"]: t for t in board.theatres}
        self.titles = {t.name: t.title for t in view.theatres}
        budget = rulebook.budgets.get(view.seat)
        self.budget = int(view.tracks[budget].lo) if budget else 0  # a cell knows its own exactly

    def chance(self, order: Order) -> float:
        """The chance the public rules give an order, on this seat's picture of the board."""
        kind = self.rulebook.order_kinds[order.kind]
        if kind.chance is None:
            return 1.0
        T = self.theatres[order.theatre] if order.theatre else {}
        return float(kind.chance.fn(self.g, T, {}))

    def cost(self, order: Order) -> int:
        return self.rulebook.order_kinds[order.kind].cost

    def T(self, order: Order) -> dict[str, Any]:
        return self.theatres[order.theatre]  # type: ignore[index]

    def title(self, order: Order) -> str:
        return self.titles.get(order.theatre or "", "")


Scored = tuple[float, str] | None
"""A score (higher is better; 0 or less: not worth it) and the sentence that explains it."""
Scorer = Callable[[Picture, Order, Doctrine], Scored]


def _pct(x: float) -> str:
    return f"{x:.0%}"


# --- Islamic State ----------------------------------------------------------------------------

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
    return value, (f"Go on the offensive in {p.title(o)}: a {_pct(c)} chance to take ground back, "
                   "which lifts standing and recruiting even as it draws the coalition's fire (¶3).")


def _is_pay_wages(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Pay wages while it can: unpaid members defect and recruiting dries up (¶4).
    wages = p.g["is_wages"]
    target = (3, 4, 4)[d.boldness]
    if wages >= target or not _is_affordable_wages(p, p.cost(o)):
        return None
    return 5 + (target - wages) * 1.5, (
        f"Raise wages to {int(wages) + 1}: unpaid fighters defect and recruits stay away (¶4), "
        "and the money still covers it.")


def _is_fund_services(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Services buy local acceptance where IS governs, while revenue lasts (¶4).
    services = p.g["is_services"]
    if services >= 3 or not _is_affordable_wages(p, p.cost(o)):
        return None
    return 3.5 + (3 - services), (
        f"Fund public services (now {int(services)}): they buy the acceptance of the locals IS governs (¶4).")


def _is_propaganda(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Advertise successes to keep recruits and standing (¶7).
    c = p.chance(o)
    standing = p.g["is_standing"]
    return 1 + c * 2 + (1.0 if standing < 5 else 0), (
        f"Propaganda: a {_pct(c)} chance to lift recruiting and a standing of {int(standing)} in the movement (¶7).")


def _is_insurgency(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Where the land is gone, the group fights on as an insurgency from its provinces (¶7).
    T = p.T(o)
    c = p.chance(o)
    heartland_lost = p.g["core_territory"] == 0
    return 2 + c * 4 + T["grievance"] * 0.15 + (1.5 if heartland_lost else 0) + 0.3 * d.boldness, (
        f"Wage an insurgency in {p.title(o)}: IS holds no ground there, but its province ({T['is_province']}) "
        f"lives among aggrieved locals (grievance {T['grievance']}); a {_pct(c)} chance to wear down the "
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
        f"{T['aq_affiliate']}, a {_pct(c)} chance; distant gains rarely last, so take them while they come (¶3).")


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
    return 6 - cohesion, f"Purge dissent: cohesion is down to {int(cohesion)} and disgruntled members are drifting away (¶4)."


def _is_open_talks(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Only from weakness: when IS is much the weaker and desperation outweighs its ego (¶2, ¶5).
    gap, desperation = p.g["power_gap"], p.g["is_desperation"]
    if not _is_desperate(p, d) or gap < p.g["gap_threshold"]:
        return None
    return 6 + desperation - _IS_DESPERATE[d.boldness], (
        f"Put out feelers to al-Qaeda: IS is much the weaker (gap {gap:.1f}) and desperate ({desperation:.0f} of 15); "
        "keeping the movement alive now outweighs pride (¶2, ¶5).")


def _is_accept(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Accept terms only when desperate, or when the autonomy on offer lets IS keep its own way (¶2, ¶5).
    autonomy, desperation = p.g["relation_autonomy"], p.g["is_desperation"]
    if _is_desperate(p, d):
        return 8, (f"Accept al-Qaeda's terms (autonomy {int(autonomy)}): desperate ({desperation:.0f} of 15), "
                   "the Shura Council takes the deal to keep the movement alive (¶2, ¶5).")
    if autonomy >= 2 and desperation >= _IS_DESPERATE[d.boldness] - 3:
        return 6, (f"Accept al-Qaeda's terms: autonomy {int(autonomy)} leaves IS free to follow its own "
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
        f"Break away from al-Qaeda: no longer desperate, and with autonomy {int(g['relation_autonomy'])} and "
        f"strain {int(g['relation_strain'])} IS goes its own way again, as Zarqawi's group did (¶5).")


# --- al-Qaeda ----------------------------------------------------------------------------------


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
        + f" ({_pct(c)} chance) (¶4).")


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
        + f"an IS province of {T['is_province']} paying wages of about {g['is_wages']:.0f}"
        + (", and AQ has no affiliate there to take them in otherwise" if none_here else "")
        + " (¶4).")


def _aq_propaganda(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Present AQ as the movement's patient, legitimate leadership (¶2).
    c = p.chance(o)
    lead = p.g["aq_standing"] - p.g["is_standing"]
    urgent = 2.5 if lead < 2 else 0.0
    return 1.5 + c * 2 + urgent, (
        f"Propaganda: a {_pct(c)} chance to present AQ as the movement's legitimate leadership"
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
        f"Fund the affiliates: discipline stands at {g['aq_discipline']:.0f}, and AQ's hold over its partners is what "
        "would keep any merger from splitting again (¶5).")


def _aq_open_talks(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Talk only when IS is much the weaker: it would come to AQ from weakness (¶2, ¶5).
    gap = p.g["power_gap"]
    threshold = p.g["gap_threshold"] + (2, 1, 0)[d.boldness]
    # ... and desperate by AQ's reading of it: a proud IS would not answer (¶2).
    if gap < threshold or p.g["is_desperation"] < (9, 8, 7)[d.boldness]:
        return None
    return 6 + gap - threshold, (
        f"Reach out to the Islamic State: IS is much the weaker (gap {gap:.1f}), so it would come to AQ from "
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
        why = f"IS refused autonomy {int(g['relation_autonomy'])} and the talks drag on; " + why
    return 9, f"Offer terms at autonomy {wanted}: {why}"


def _aq_enforce(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Inside an alliance, AQ must keep IS from pursuing its own strategy (¶5).
    g = p.g
    return 4 + g["relation_autonomy"] + g["relation_strain"] * 0.5, (
        f"Enforce discipline on IS: strain in the alliance is {g['relation_strain']:.0f} at autonomy "
        f"{g['relation_autonomy']:.0f}; left alone IS would follow its own course, as in 2004 (¶5).")


# --- Coalition ---------------------------------------------------------------------------------


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
        f"Counter-finance: IS still sells oil from {g['total_oil']:.0f} site(s) and has funds of about "
        f"{g['is_funds']:.0f}; less revenue means lower wages and fewer recruits (¶4).")


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
        f"Hunt IS's leadership: intelligence is good ({intel:.0f}), a {_pct(c)} chance; his successor will be no "
        "softer, but a vacuum on top of lost ground weakens IS (¶8).")


def _co_intel(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Better intelligence sharpens every estimate, makes the hunt possible and may expose talks (¶2, ¶8).
    intel = p.g["coalition_intel"]
    wanted = _HUNT_INTEL[d.boldness] if (d.press_is and d.hunt) else 6
    if intel >= wanted:
        return None
    return 3 + (wanted - intel) * 1.0, (
        f"Invest in intelligence (now {intel:.0f}): a sharper picture of both groups, a chance to learn of their "
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
        f"real the anger feeds both groups ({_pct(c)} chance) (¶9, ¶10).")


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
        + f"AQ's franchises face far less pressure than IS did ({_pct(c)} chance; a miss costs will) (¶3).")


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
        f"move only with an outside mediator ({_pct(c)} chance) (¶9).")


# --- Local Governments ------------------------------------------------------------------------


def _gov_offensive(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Retake ground: it cuts IS's revenue, services and recruiting (¶3, ¶4).
    T = p.T(o)
    c = p.chance(o)
    return 2.5 + T["territory"] * 0.6 + 2 * T["core"] + c * 3 + 0.5 * d.boldness, (
        f"Ground offensive in {p.title(o)}: IS holds {T['territory']} there ({_pct(c)} chance); retaking it cuts "
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
        f"done in earnest eases it, slowly (reform {T['reform']}, {_pct(c)} chance) (¶9).")


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
        f"Amnesty in {p.title(o)}: a {_pct(c)} chance that fighters take a way home before AQ offers them "
        "another (¶4).")


def _gov_peace(p: Picture, o: Order, d: Doctrine) -> Scored:
    # Talks start in their infancy and have a long road (¶9).
    T = p.T(o)
    if T["peace"] == 0 and T["grievance"] >= 7:
        return None
    c = p.chance(o)
    return 1.5 + c * 4 + T["peace"] * 0.8, f"Peace talks in {p.title(o)} (peace {T['peace']}): a long road, but a settlement is the best case (¶9)."


SCORERS: dict[str, Scorer] = {
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
    "aq.strengthen_franchise": _aq_strengthen,
    "aq.embed": _aq_embed,
    "aq.found_affiliate": _aq_found,
    "aq.welcome_defectors": _aq_welcome,
    "aq.propaganda": _aq_propaganda,
    "aq.fund_affiliates": _aq_fund,
    "aq.open_talks": _aq_open_talks,
    **{k: _aq_offer for k in _OFFERS},
    "aq.enforce_discipline": _aq_enforce,
    "coalition.air_campaign": _co_air,
    "coalition.strike_franchise": _co_strike_franchise,
    "coalition.train_equip": _co_train,
    "coalition.leadership_targeting": _co_hunt,
    "coalition.counter_finance": _co_counter_finance,
    "coalition.press_reform": _co_press_reform,
    "coalition.mediate": _co_mediate,
    "coalition.stabilise": _co_stabilise,
    "coalition.intelligence": _co_intel,
    "gov.ground_offensive": _gov_offensive,
    "gov.reform_faithful": _gov_faithful,
    "gov.reform_cosmetic": _gov_cosmetic,
    "gov.peace_talks": _gov_peace,
    "gov.crackdown": _gov_crackdown,
    "gov.reconstruction": _gov_reconstruct,
    "gov.amnesty": _gov_amnesty,
}
"""The doctrine's judgement of each order kind. A kind the rulebook adds later and this table
does not know is never chosen (a doctrine bot only plays what its doctrine understands)."""

# Per posture: budget kept in reserve (in the cell's own currency), the least score worth an
# order, and the spread of the bot's own tie-breaking noise.
_RESERVE = {"is": (2, 1, 0), "aq": (3, 1, 0), "coalition": (1, 0, 0), "governments": (0, 0, 0)}
_THRESHOLD = (2.0, 1.0, 0.5)
_NOISE = 0.6
_REPEAT_PENALTY = 1.5  # a second order of the same kind in the same turn must be worth it


class DoctrineBot:
    """Plays whichever cell it is seated in, by that cell's doctrine (see the module's text)."""

    name = "doctrine"

    def __init__(self, seed: int = 0, posture: str = "standard", rulebook: Rulebook | None = None,
                 doctrine: Doctrine | None = None, **knobs: Any):
        self.seed = seed
        self.doctrine = doctrine if doctrine is not None else Doctrine(posture=posture, **knobs)
        self._rulebook = rulebook

    @property
    def rulebook(self) -> Rulebook:
        if self._rulebook is None:
            self._rulebook = _default_rulebook()
        return self._rulebook

    def choose(self, view: View, legal: Legal, max_orders: int) -> Choice:
        d = self.doctrine
        rulebook = self.rulebook
        picture = Picture(view, rulebook)
        rng = bot_dice(self.seed, view.turn, view.seat, salt="doctrine")
        reserve = _RESERVE.get(view.seat, (0, 0, 0))[d.boldness]
        threshold = _THRESHOLD[d.boldness]
        kinds = rulebook.order_kinds
        judged: dict[tuple[str, str | None], Scored] = {}
        chosen_kinds: dict[str, int] = {}
        orders: list[Order] = []
        reasons: list[str] = []
        left = picture.budget
        while len(orders) < max_orders:
            best: tuple[float, Order, str] | None = None
            for order in legal(orders):
                key = (order.kind, order.theatre)
                if key in judged:
                    scored = judged[key]
                else:
                    scorer = SCORERS.get(order.kind)
                    scored = scorer(picture, order, d) if scorer else None
                    # the bot's own noise breaks ties and varies play between games
                    if scored is not None:
                        scored = (scored[0] + rng.random() * _NOISE, scored[1])
                    judged[key] = scored
                if scored is None:
                    continue
                score = scored[0]
                repeats = chosen_kinds.get(order.kind)
                if repeats:
                    score -= _REPEAT_PENALTY * repeats
                if left - kinds[order.kind].cost < reserve:
                    score -= 3  # a cautious cell keeps money back for what must be paid next turn
                if score > threshold and (best is None or score > best[0]):
                    best = (score, order, scored[1])
            if best is None:
                break
            order = best[1]
            orders.append(order)
            reasons.append(best[2])
            chosen_kinds[order.kind] = chosen_kinds.get(order.kind, 0) + 1
            left -= kinds[order.kind].cost
        return Choice(tuple(orders), tuple(reasons))
