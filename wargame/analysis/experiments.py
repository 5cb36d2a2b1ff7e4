"""The article's claims C1..C16 (``docs/claims.md``) as paired experiments: each
:class:`Experiment` plays the same seeds with one factor changed and without; a claim about what
usually happens is an :class:`Observation` of the baseline games, and one no experiment can test
says why (:class:`Untestable`). :data:`EXPERIMENTS` lists every claim so;
:func:`factor_tracks` works out what a factor sets, which the tests compare with what each
experiment declares. The games are judged by :mod:`wargame.analysis.claims`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from attrs import frozen

from wargame.analysis.arms import BASELINE, SETUPS, Arm
from wargame.bots.doctrine import Doctrine
from wargame.engine.board import flat_tracks
from wargame.engine.model import State, Theatre
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import new_game

# What makes an experiment fair. The factor must change an input from which the model does not set
# the measured outcome directly: the tracks the factor sets (those its setup changes on the opening
# board, and those written by the orders it gives or withholds: ``Experiment.reads``) never include
# the tracks the outcome is read from (``Experiment.measures``); tests/test_analysis.py works out
# the first from the boards and the rulebook and checks both. The factor may feed the claim's
# mechanism (a rule's chance, a bot's judgement): that is what is tested, against everything else
# the game does at the same time. What it may not do is write the answer: an outcome that only one
# rule writes, and that rule fires whenever the factor is there (the Shura Council raising the
# successor's hardline whenever a leader dies; the Assad cap holding Syria's governance whenever
# he stays), is the rule read back, not a claim tested. Each experiment says below why it is fair.
#
# Bounds: an outcome read off a quantity pinned at the end of its range in most games shows little
# of any effect (brutality stuck at 10 in both arms shows no escalation). Each result reports, per
# arm, the share of games with the quantity at a bound (``wargame.analysis.bounds.BOUNDED``) and is flagged
# when either arm has it there in most games; no experiment below is.


def _doc(cell: str, **knobs: Any) -> tuple[tuple[str, Doctrine], ...]:
    return ((cell, Doctrine(**knobs)),)


KNOB_ORDERS: dict[str, tuple[str, ...] | None] = {
    "posture": None,  # every order of the cell
    "autonomy": ("aq.offer_strict", "aq.offer_limited", "aq.offer_wide", "aq.offer_free_hand"),
    "welcome": ("aq.welcome_defectors",),
    "reform": ("gov.reform_faithful", "gov.reform_cosmetic", "gov.crackdown"),
    "press_is": ("coalition.air_campaign", "coalition.counter_finance", "coalition.leadership_targeting",
                 "coalition.intelligence"),
    "hunt": ("coalition.leadership_targeting", "coalition.intelligence"),
    "press_reform": ("coalition.press_reform",),
}
"""For each knob of :class:`~wargame.bots.doctrine.Doctrine`, the order kinds whose use it changes (the
doctrine's scorers that read it): what an arm that turns the knob gives or withholds."""


@frozen
class Experiment:
    """A claim as a paired experiment: the same seeds with the factor (``treatment``) and without
    (``control``); the effect is treatment minus control on ``metric``, and the article expects
    its sign to be ``expected`` (+1 or -1).

    ``reads``: the tracks the factor sets (see :func:`factor_tracks`, which the tests compare it
    with); ``measures``: the tracks the outcome is read from. The two never overlap, but for a
    relative outcome (``per``): then ``metric`` counts what was lost of what ``per`` counts at the
    start, and the effect is the share of the treatment's extra ``per`` lost, game by game, minus
    the share the control loses of its own: a share of the factor's own addition, which the
    setup cannot set."""

    id: str
    claim: str
    statement: str  # what the article says, in our words
    factor: str
    treatment: Arm
    control: Arm
    metric: str
    metric_label: str
    expected: int
    reads: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    per: str | None = None


@frozen
class Untestable:
    """A claim (or a part of one) that no experiment can test, with the ``reason``."""

    claim: str
    statement: str
    reason: str


@frozen
class Observation:
    """A claim about what usually happens, not about the effect of one factor: measured on the
    baseline games, matched when the interval lies on the article's side of ``threshold``."""

    id: str
    claim: str
    statement: str
    metric: str
    metric_label: str
    threshold: float
    expected: int  # +1: above the threshold; -1: below
    measures: tuple[str, ...] = ()


_POWER = ("territory", "is_province", "is_funds", "is_fighters", "is_cohesion", "is_standing", "aq_affiliate",
          "aq_funds", "aq_discipline", "aq_standing", "aq_recruitment")  # the formulas is_power and aq_power
_KEPT_APART = ("is.accept_terms",)  # the only way into an alliance or a merger (orders.toml)

EXPERIMENTS: tuple[Experiment | Observation | Untestable, ...] = (
    # C1. Fair: ego is IS's own track; the outcome is when the relation opens talks, which the
    # talks rule and both groups' orders decide from the weaker group's ego among much else.
    Experiment("C1a", "C1", "Ego is the main barrier to talks (¶2)", "IS's ego low (3) vs as written (9)",
               Arm("ego_low"), BASELINE, "talks_turn", "turn talks first open (never: last + 1)", -1,
               reads=("is_ego",), measures=("relation_stage",)),
    # Fair: the factor takes IS's ground, oil and reserves; when talks open is the relation's.
    Experiment("C1b", "C1", "Talks open when one group is much weaker and desperate (¶2)",
               "IS much weaker at the start vs as written", Arm("is_weakened"), BASELINE, "talks_turn",
               "turn talks first open (never: last + 1)", -1,
               reads=("is_cohesion", "is_fighters", "is_funds", "is_standing", "oil", "territory"),
               measures=("relation_stage",)),
    Observation("C2a", "C2", "IS, not AQ, is the one that becomes the weaker (¶3)", "is_weaker",
                "IS ends the weaker group", 0.5, +1, measures=_POWER),
    # C2's counterfactual. Fair: the factor moves only where the pressure falls on the opening
    # board (the coalition plays as it does); the groups' strength follows from the rules that
    # wear provinces and franchises down under pressure and from everything else in the game.
    Experiment("C2b", "C2", "... because the pressure falls on IS, not on AQ's franchises (¶3)",
               "pressure on IS (as written) vs the same pressure on AQ's franchises", BASELINE, Arm("pressure_on_aq"),
               "power_gap", "power gap (AQ - IS) at the end", +1, reads=("pressure",), measures=_POWER),
    # C3. Fair: the factor is pressure only; provinces and franchises are worn down by rules whose
    # chance grows with it, and grow back by the groups' own orders and grievance. Read after two
    # years, before IS's provinces run out in the games with more pressure.
    Experiment("C3a", "C3", "Coalition pressure wears IS's provinces down (¶3)",
               "3 more pressure in every theatre vs as written", Arm("pressure_up"), BASELINE, "total_provinces_y2",
               "IS province strength after two years", -1, reads=("pressure",), measures=("is_province",)),
    Experiment("C3b", "C3", "... and AQ's franchises much less (¶3)", "3 more pressure in every theatre vs as written",
               Arm("pressure_up"), BASELINE, "provinces_minus_affiliates_y2",
               "IS province minus AQ affiliate strength after two years", -1, reads=("pressure",),
               measures=("is_province", "aq_affiliate")),
    # C4. The setup adds distant ground, so an absolute loss would grow with it by construction;
    # the outcome is relative: the share of the added ground lost in the first year (the
    # treatment's extra loss over the control's, game by game, over the 21 steps added), minus the
    # share of its own distant ground the control loses. The rules decide what is lost.
    Experiment("C4", "C4", "IS gains outside Iraq and Syria are followed by setbacks (¶3)",
               "3 more territory in each distant theatre vs as written", Arm("periphery_gains"), BASELINE,
               "periphery_lost_y1", "share of distant ground lost in the first year (with: of the ground added)", +1,
               reads=("territory",), measures=("territory",), per="periphery_start"),
    # C5. Fair: oil sites are set; wages, services and recruiting are IS's own tracks, cut by rules
    # that read revenue and funds, and raised by IS's orders.
    Experiment("C5a", "C5", "Lost oil means lower wages and services (¶4)", "oil lost at the start vs not",
               Arm("oil_lost"), BASELINE, "mean_wages_services", "IS wages + services, game average", -1,
               reads=("oil",), measures=("is_wages", "is_services")),
    Experiment("C5b", "C5", "... and less recruiting (¶4)", "oil lost at the start vs not",
               Arm("oil_lost"), BASELINE, "mean_is_recruitment_early", "IS recruitment, average over two years", -1,
               reads=("oil",), measures=("is_recruitment",)),
    # C6. Fair: pay is set; groups form by the defection rule, whose chance reads pay among the
    # ground lost and cohesion, and by cards.
    Experiment("C6", "C6", "Unpaid members defect and form offshoots (¶4)", "IS starts unable to pay vs as written",
               Arm("unpaid"), BASELINE, "defectors_early", "defectors' groups formed in the first two years", +1,
               reads=("is_funds", "is_services", "is_wages"), measures=("offshoots",)),
    # C7. Fair: the knob only opens AQ's doors (outreach); whether a group comes in is the
    # absorption rule's roll on the group's brutality, AQ's standing and more.
    Experiment("C7a", "C7", "AQ welcomes defectors back (¶4)", "AQ welcomes defectors vs never does", BASELINE,
               Arm(doctrines=_doc("aq", welcome=False)), "offshoots_absorbed", "offshoots absorbed by AQ", +1,
               reads=("outreach",), measures=("offshoots",)),
    # Fair: the factor is AQ's affiliate in Iraq; absorption is read in the first year, while AQ
    # still lacks an affiliate there as written (it builds one within a year or two, after which
    # the two arms no longer differ in what the claim is about).
    Experiment("C7b", "C7", "... most of all in Iraq, where it has no affiliate (¶4)",
               "no AQ affiliate in Iraq (as written) vs an affiliate of 3", BASELINE, Arm("iraq_affiliate"),
               "absorbed_iraq_y1", "groups absorbed by AQ in Iraq in the first year", +1,
               reads=("aq_affiliate",), measures=("offshoots",)),
    # C8. Both arms start merged; the factor is the autonomy granted. The split chance reads it:
    # that is the claim's mechanism; the split itself is rolled each quarter, and IS's choice to
    # break away weighs desperation, ego and strain too. Neither arm's setup sets the outcome.
    Experiment("C8a", "C8", "The more autonomy AQ grants, the likelier a second split (¶5)",
               "start merged at autonomy 3 vs 0", Arm("merged_3"), Arm("merged_0"), "second_split",
               "a second split", +1, reads=("relation_autonomy",), measures=("tally_second_splits",)),
    Experiment("C8b", "C8", "... and the weaker the alliance (¶5)", "start merged at autonomy 3 vs 0",
               Arm("merged_3"), Arm("merged_0"), "allied_turns", "quarters allied or merged", -1,
               reads=("relation_autonomy",), measures=("relation_stage",)),
    # C9. The control keeps IS and AQ apart for the whole game: no bot ever accepts terms, the only
    # way into an alliance or a merger (tests check it never merges). Fair: groups form by the
    # holdouts rule on the merger and by the cards and rules that spawn groups anyway.
    Experiment("C9", "C9", "On a merger, holdouts form their own offshoots (¶6)",
               "merger on turn 1 vs IS and AQ kept apart all game", Arm("merger_now"), Arm(without=_KEPT_APART),
               "holdouts_formed", "holdouts' groups formed", +1,
               reads=("aq_standing", "is_standing", "relation_offered", "relation_stage", "relation_turns"),
               measures=("offshoots",)),
    # C10. Both arms start at brutality 3 (as written it is 7 and reaches 10 in most quarters of
    # both arms); the factor is the defeat: lost ground and setbacks. Escalation is the rule's roll
    # on setbacks and the leaders' choice; harshness eases in quiet quarters.
    Experiment("C10", "C10", "After a major defeat, brutality escalates (¶6)",
               "a major defeat at the start vs none (both at brutality 3)", Arm("calm_major_defeat"), Arm("calm"),
               "mean_is_brutality_early", "IS brutality, average over two years", +1,
               reads=("is_setbacks", "oil", "territory"), measures=("is_brutality",)),
    # C11. The factor is the loss of the heartland; the collapse follows by the rules, and so do
    # the groups: inspired ones where grievance runs high, defectors, holdouts, AQ taking some in,
    # others withering. The outcome is every offshoot's strength, over the game.
    Experiment("C11a", "C11", "An IS collapse inspires violent offshoots (¶7)",
               "the heartland lost at the start (collapse on turn 1) vs as written", Arm("heartland_lost"), BASELINE,
               "mean_offshoot_strength", "offshoot strength, game average", +1,
               reads=("oil", "territory"), measures=("offshoots",)),
    # Both arms start with the same young groups after a collapse; the factor is the climate. The
    # outcome is how those groups fare (their strength after two years), not how many new ones
    # form, which the climate also changes.
    Experiment("C11b", "C11", "Their success depends on the political climate (¶7)",
               "the same groups after a collapse: the climate as written vs grievance -3, governance +3",
               Arm("groups_after_collapse"), Arm("groups_after_collapse_good_climate"), "opening_offshoots_y2",
               "strength of those groups after two years", +1, reads=("governance", "grievance"),
               measures=("offshoots",)),
    # C12. Fair: the factor opens the vacuum; AQ's and IS's standing move by the vacuum rule, which
    # needs lost ground and dry revenue too, by cards and by both groups' propaganda.
    Experiment("C12a", "C12", "A vacuum, lost ground and dry revenue: only AQ can fill it (¶8)",
               "oil already lost: IS's leader killed on turn 1 vs not", Arm("oil_lost_leader_killed"), Arm("oil_lost"),
               "standing_gap_y1", "AQ minus IS standing after a year", +1,
               reads=("is_leader_successions", "is_leader_vacuum"), measures=("aq_standing", "is_standing")),
    # What a death does to a deal: the successor's hardline is not measured (the succession rule
    # raises it whenever a leader dies, and nothing lowers it), but whether IS comes to AQ's terms,
    # which the Shura Council decides on desperation, ego and its leader's hardline.
    Experiment("C12b", "C12", "The successor is no more diplomatic: a death brings IS no closer to AQ's terms (¶8)",
               "IS's leader killed on turn 1 vs not", Arm("leader_killed"), BASELINE, "rapprochement",
               "alliance or merger by the end", -1, reads=("is_leader_successions", "is_leader_vacuum"),
               measures=("relation_stage",)),
    # C13. Fair: the factor is whether reform is carried out; grievance moves by rules that read
    # it, and by cards, crackdowns and reconstruction.
    Experiment("C13a", "C13", "Marginalisation feeds anger until reform is faithful (¶9)",
               "reform 5 everywhere, faithful vs on paper", Arm("reform_faithful"), Arm("reform_paper"),
               "avg_grievance", "average grievance at the end", -1, reads=("faithful",), measures=("grievance",)),
    # What was C13b (the governments' policy, faithful vs on paper, on grievance) let the factor
    # write the outcome: faithful reform orders lower grievance themselves. The other half of the
    # claim, that reform is slow, is what the games show.
    Observation("C13b", "C13", "Reform is slow: in most games no theatre has faithful reform 5+ by 2021 (¶9)",
                "reform_achieved", "a theatre with faithful reform 5+ at the end", 0.5, -1,
                measures=("reform", "faithful")),
    # C14. Assad's staying is a fact of the board; what the article draws from it is that Syria
    # stays a root cause feeding the groups (¶9, ¶10). Fair: the groups' strength in Syria is not
    # what the rules keyed to Assad write (Syria's governance cap, grievance and peace on cards).
    Experiment("C14", "C14", "With Assad staying, Syria keeps feeding the groups (¶9, ¶10)",
               "Assad stays (as written) vs gone", BASELINE, Arm("assad_gone"), "syria_groups",
               "strength of the groups in Syria at the end", +1, reads=("assad",),
               measures=("is_province", "aq_affiliate", "offshoots")),
    # C15. Both arms settle, with the groups present in both (the rule that lets them trouble the
    # new government is live in both); the factor is how much influence they keep. Governance is
    # read over the two years after the settlement (later it sits at 0 in most games).
    Experiment("C15", "C15", "After a settlement, groups with influence trouble the new government (¶9)",
               "settled Afghanistan-Pakistan, the groups as written vs with little left", Arm("afpak_settled"),
               Arm("afpak_settled_weak_groups"), "mean_afpak_governance_early",
               "Afghanistan-Pakistan governance, average over two years", -1, reads=("aq_affiliate", "is_province"),
               measures=("governance",)),
    # C16. Root causes alone (faithful reform), governance as written. Provinces and franchises
    # lose ground by a rule that also needs governance 4+, and grow by grievance, orders, absorption.
    # For the other groups, how many form: the rule that starves them acts on faithful reform
    # alone, so their strength would read it back.
    Experiment("C16a", "C16", "Addressing root causes weakens IS (¶10)", "root causes addressed vs as written",
               Arm("root_causes"), BASELINE, "total_provinces", "IS province strength at the end", -1,
               reads=("faithful", "reform"), measures=("is_province",)),
    Experiment("C16b", "C16", "... and AQ (¶10)", "root causes addressed vs as written", Arm("root_causes"), BASELINE,
               "total_affiliates", "AQ affiliate strength at the end", -1, reads=("faithful", "reform"),
               measures=("aq_affiliate",)),
    Experiment("C16c", "C16", "... and the other groups: fewer form (¶10)", "root causes addressed vs as written",
               Arm("root_causes"), BASELINE, "offshoots_formed", "offshoot groups formed", -1,
               reads=("faithful", "reform"), measures=("offshoots",)),
    Untestable("C14", "Afghan talks start in their infancy (¶9)",
               "a fact about the opening board, not the effect of a factor: the scenario sets the Afghan talks at "
               "peace 1 (checked by test_c14_afghan_talks_start_in_their_infancy)"),
    Untestable("C12", "The Shura Council chooses a successor no more diplomatic (¶8)",
               "the successor is modelled only by his hardline, which the succession rule and the Leader Death cards "
               "raise whenever a leader dies and nothing lowers: an experiment on it would read that rule back. It is "
               "declared of the rules and checked by `wargame check --deep` (c12.shura-succession and c12.aq-succession "
               "never lower a leader's hardline, nor does any Leader Death card); C12b measures what follows, whether "
               "IS comes to terms"),
)
"""Every claim, as an experiment, an observation, or with the reason it cannot be tested."""


# --- what the factor sets -----------------------------------------------------------------------------


def _writes(effects: Iterable[Any], rulebook: Rulebook, seen: frozenset[str] = frozenset()) -> set[str]:
    """The tracks a list of effects writes ("offshoots" for spawning or absorbing a group); a card
    drawn writes what its deck's cards write."""
    out: set[str] = set()
    for e in effects:
        if e.op in ("spawn_offshoot", "absorb_offshoot"):
            out.add("offshoots")
        elif e.op == "draw":
            deck = e.args[0]
            if deck not in seen:
                for card in rulebook.cards.values():
                    if card.deck == deck:
                        out |= _writes(card.effects, rulebook, seen | {deck})
        else:
            out.add("offshoots" if e.where == "O" else e.target)
    return out


def _arm_orders(rulebook: Rulebook, arm: Arm) -> set[str]:
    """The order kinds whose use the arm changes: those it withholds and those its doctrines'
    knobs weigh differently (:data:`KNOB_ORDERS`)."""
    kinds = set(arm.without)
    for cell, d in arm.doctrines:
        base = Doctrine()
        for field in attrs.fields(Doctrine):
            if getattr(d, field.name) == getattr(base, field.name):
                continue
            orders = KNOB_ORDERS[field.name]
            kinds |= {k.id for k in rulebook.orders if k.cell == cell} if orders is None else set(orders)
    return kinds


def _opening(rulebook: Rulebook, scenario: str, arm: Arm, seed: int) -> State:
    state = new_game(rulebook, scenario, seed)
    return SETUPS[arm.setup][1](state, rulebook) if arm.setup else state


def factor_tracks(rulebook: Rulebook, exp: Experiment, scenario: str = "spring-2016", seed: int = 1) -> frozenset[str]:
    """What an experiment's factor sets: every track whose opening value differs between the two
    arms' boards (global tracks by their rulebook name, theatre tracks by theirs, "offshoots" for
    the groups in play), and every track written by the orders one arm gives or withholds and the
    other does not."""
    a, b = _opening(rulebook, scenario, exp.treatment, seed), _opening(rulebook, scenario, exp.control, seed)
    out = {name for name, v in flat_tracks(a).items() if flat_tracks(b)[name] != v}
    for ta, tb in zip(a.theatres, b.theatres):
        out |= {f.name for f in attrs.fields(Theatre) if getattr(ta, f.name) != getattr(tb, f.name)}
    if a.offshoots != b.offshoots:
        out.add("offshoots")
    kinds = _arm_orders(rulebook, exp.treatment) | _arm_orders(rulebook, exp.control)
    for kind in rulebook.orders:
        if kind.id in kinds:
            out |= _writes(kind.success + kind.failure, rulebook)
    return frozenset(out)

