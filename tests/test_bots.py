"""The bots' promises: they see only their seat's view, choose only legal orders, explain every
order in a sentence, never touch the game's dice, and play their cell's doctrine."""

from __future__ import annotations

import random as global_random
import re

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from wargame.bots.bot import Choice
from wargame.bots.doctrine import POSTURES, Doctrine, mixed_posture
from wargame.bots.doctrine_bot import DoctrineBot, judge
from wargame.bots.doctrine_data import doctrine_book
from wargame.bots.picture import Picture
from wargame.bots.play import bots_for, parse_seats, play
from wargame.bots.random_bot import RandomBot
from wargame.bots.seats import make_bot, parse_bot
from wargame.engine.dice import dice
from wargame.engine.legality import check_orders, legal_orders, why_illegal
from wargame.engine.model import CELLS, MERGER, TALKS, DeckPiles, Order, State, digest
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import begin_turn, new_game, resolve_turn
from wargame.engine.view import view

from .strategies import states, with_part, with_theatre

RULEBOOK = load_rulebook()
SPECS = ("random", "doctrine:cautious", "doctrine", "doctrine:aggressive")


def a_bot(spec: str, seed: int = 0):
    return make_bot(spec, seed, rulebook=RULEBOOK) if spec.startswith("doctrine") else make_bot(spec, seed)


def choose(bot, state: State, cell: str) -> Choice:
    return bot.choose(view(state, cell), lambda pending: legal_orders(RULEBOOK, state, cell, pending),
                      RULEBOOK.max_orders)


def opening(seed: int = 1, **parts) -> State:
    """The spring-2016 board at its first orders phase."""
    return begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", seed)).state


# --- legality and explanations ------------------------------------------------------------------


@given(state=states(RULEBOOK), cell=st.sampled_from(CELLS), spec=st.sampled_from(SPECS), seed=st.integers(0, 2**16))
def test_bots_only_give_legal_orders(state: State, cell: str, spec: str, seed: int) -> None:
    choice = choose(a_bot(spec, seed), state, cell)
    pending: list[Order] = []
    for order in choice.orders:
        assert order.cell == cell
        assert why_illegal(RULEBOOK, state, order, pending) is None, order
        pending.append(order)
    check_orders(RULEBOOK, state, {cell: choice.orders})  # the set as a whole is accepted too
    assert len(choice.orders) <= RULEBOOK.max_orders


@given(state=states(RULEBOOK), cell=st.sampled_from(CELLS), spec=st.sampled_from(SPECS), data=st.data())
def test_bots_choose_only_from_what_the_engine_offers(state: State, cell: str, spec: str, data) -> None:
    """Offered a narrower menu than the rules allow, a bot keeps to the menu."""
    everything = legal_orders(RULEBOOK, state, cell)
    assume(everything)
    menu = set(data.draw(st.lists(st.sampled_from(everything), min_size=1, unique=True)))

    def legal(pending):
        return [o for o in legal_orders(RULEBOOK, state, cell, pending) if o in menu]

    choice = a_bot(spec, 3).choose(view(state, cell), legal, RULEBOOK.max_orders)
    assert set(choice.orders) <= menu


@given(state=states(RULEBOOK), cell=st.sampled_from(CELLS), posture=st.sampled_from(POSTURES))
def test_doctrine_bots_give_a_sentence_for_every_order(state: State, cell: str, posture: str) -> None:
    choice = choose(DoctrineBot(1, posture, rulebook=RULEBOOK), state, cell)
    assert len(choice.reasons) == len(choice.orders)
    for order, reason in zip(choice.orders, choice.reasons):
        assert reason[0].isupper() and reason.endswith("."), reason
        assert "¶" in reason, f"{order}: the reason cites no paragraph of the article: {reason}"
        assert "{" not in reason and "}" not in reason


PERCENT = re.compile(r"\d+%")


def percentages_say_whose(text: str, whose: str = "its") -> bool:
    """Every percentage in ``text`` reads "by WHOSE estimate, a N% chance": never bare, where a
    reader could take it for the true odds shown beside it."""
    return all(text[:m.start()].endswith(f"by {whose} estimate, a ") and text[m.end():].startswith(" chance")
               for m in PERCENT.finditer(text))


@given(state=states(RULEBOOK), cell=st.sampled_from(CELLS), posture=st.sampled_from(POSTURES))
def test_a_chance_in_a_reason_says_it_is_the_bots_estimate(state: State, cell: str, posture: str) -> None:
    """A doctrine's sentence for every order it would give (not only those it gives): a chance it
    quotes is its own estimate, worked out on its view, and says so."""
    picture, doctrine = Picture(view(state, cell), RULEBOOK), Doctrine(posture)
    for order in legal_orders(RULEBOOK, state, cell):
        judged = judge(RULEBOOK, picture, order, doctrine)
        if judged is not None:
            reason = judged.reason()
            assert percentages_say_whose(reason), reason
            assert "(gap " not in reason or "by its estimate" in reason, reason  # the power gap: worked out


def test_the_reasons_of_a_played_game_quote_chances_as_the_bots_estimates() -> None:
    """In games of doctrine bots, reasons do quote chances (so the property above is not vacuous),
    each as the bot's estimate; another cell's secret track it quotes is "about N, by its estimate"."""
    with_chance = 0
    for seed in range(2):
        state = new_game(RULEBOOK, "exercise", seed)
        for turn in play(RULEBOOK, state, bots_for(parse_seats("all=doctrine:aggressive"), seed, RULEBOOK)):
            for reasons in turn.reasons.values():
                for reason in reasons:
                    assert percentages_say_whose(reason), reason
                    with_chance += bool(PERCENT.search(reason))
    assert with_chance >= 10


def test_a_track_a_reason_quotes_is_plain_where_the_bot_sees_it_and_an_estimate_where_it_does_not() -> None:
    state = opening()
    own, other = Picture(view(state, "is"), RULEBOOK), Picture(view(state, "aq"), RULEBOOK)
    assert own.track_text("is_funds") == f"{state.islamic_state.funds:.0f}"  # its own: exact, as it is
    assert view(state, "aq").tracks["is_funds"].exact is False
    assert other.track_text("is_funds").startswith("about ") and other.track_text("is_funds").endswith(", by its estimate")
    assert other.chance_text(0.19) == "by its estimate, a 19% chance"
    room = Picture(view(state, "public"), RULEBOOK, whose="the room's")
    assert room.track_text("coalition_intel").endswith("by the room's estimate")


def test_the_room_is_told_a_chance_as_its_own_estimate_not_the_bots() -> None:
    """The table tells the room the doctrine's sentence worked out on the room's view: its numbers
    are the room's estimates, and say so; the bot's own sentence (the White Cell's) says "its"."""
    from wargame.table.reasons import order_reasons

    seats = {c: "doctrine:aggressive" for c in CELLS}
    told = 0
    for seed in range(3):
        state = opening(seed)
        for cell in CELLS:
            orders = choose(DoctrineBot(seed, "aggressive", rulebook=RULEBOOK), state, cell).orders
            for seat, whose in (("room", "the room's"), ("white", "its")):
                for reason in order_reasons(RULEBOOK, state, seats, seed, cell, orders, seat):
                    assert reason is not None and percentages_say_whose(reason.text, whose), reason
                    told += seat == "room" and bool(PERCENT.search(reason.text))
    assert told


def test_every_order_kind_has_a_doctrine() -> None:
    """A doctrine bot never chooses an order its doctrine does not understand; so every order of
    the rulebook has an entry in rules/doctrine.toml (a new order kind needs one), and none is
    listed as not played today."""
    book = doctrine_book(RULEBOOK)
    assert {k.id for k in RULEBOOK.orders} == set(book.entries) and not book.not_played


# --- the game's dice and the view -----------------------------------------------------------------


def test_bots_never_draw_from_the_global_random(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args, **kwargs):
        raise AssertionError("a bot used the global random generator")

    for name in ("random", "randint", "randrange", "choice", "shuffle", "uniform", "sample", "seed", "getrandbits"):
        monkeypatch.setattr(global_random, name, forbidden)
    state = new_game(RULEBOOK, "exercise", 4)
    for _ in play(RULEBOOK, state, bots_for(parse_seats("all=doctrine,aq=doctrine:cautious,is=random"), 4, RULEBOOK)):
        pass
    for _ in play(RULEBOOK, state, bots_for(parse_seats("all=doctrine:mixed"), 4, RULEBOOK)):
        pass


@pytest.mark.parametrize("seats", ["all=doctrine", "all=doctrine:aggressive,coalition=doctrine:cautious", "all=random",
                                   "all=doctrine:mixed"])
def test_a_bot_game_is_the_same_game_as_replaying_its_orders(seats: str) -> None:
    seed = 17
    played = list(play(RULEBOOK, new_game(RULEBOOK, "spring-2016", seed), bots_for(parse_seats(seats), seed, RULEBOOK)))
    state = new_game(RULEBOOK, "spring-2016", seed)
    for turn in played:
        state = begin_turn(RULEBOOK, state).state
        state = resolve_turn(RULEBOOK, state, turn.orders).state
        assert digest(state) == digest(turn.state)
    assert state.over


class Nosy:
    """Asks another bot for its choice first, and throws it away: asking must change nothing."""

    def __init__(self, bot, other):
        self.bot, self.other, self.name = bot, other, bot.name

    def choose(self, view, legal, max_orders):
        self.other.choose(view, legal, max_orders)
        return self.bot.choose(view, legal, max_orders)


def test_asking_a_bot_does_not_move_the_games_dice() -> None:
    seed = 23
    seats = parse_seats("all=doctrine")
    plain = [digest(t.state) for t in play(RULEBOOK, new_game(RULEBOOK, "exercise", seed), bots_for(seats, seed, RULEBOOK))]
    nosy = {c: Nosy(b, DoctrineBot(99, "aggressive", rulebook=RULEBOOK)) for c, b in bots_for(seats, seed, RULEBOOK).items()}
    assert [digest(t.state) for t in play(RULEBOOK, new_game(RULEBOOK, "exercise", seed), nosy)] == plain


@given(state=states(RULEBOOK), cell=st.sampled_from(CELLS), spec=st.sampled_from(SPECS))
def test_a_bot_leaves_the_dice_of_every_phase_as_they_were(state: State, cell: str, spec: str) -> None:
    phases = ("events", "adjudication", "dynamics", "assessment")
    before = [dice(state.seed, state.turn, p).roll("probe") for p in phases]
    global_state = global_random.getstate()
    choose(a_bot(spec), state, cell)
    assert [dice(state.seed, state.turn, p).roll("probe") for p in phases] == before
    assert global_random.getstate() == global_state


@given(state=states(RULEBOOK), cell=st.sampled_from(CELLS), spec=st.sampled_from(SPECS), data=st.data())
def test_a_bot_cannot_see_the_order_of_the_draw_piles(state: State, cell: str, spec: str, data) -> None:
    """What the view hides cannot change a bot's choice: here, the order of every draw pile."""
    shuffled = attrs.evolve(state, decks=tuple(
        DeckPiles(p.deck, tuple(data.draw(st.permutations(p.draw))), p.discard, p.aside) for p in state.decks))
    assert view(shuffled, cell) == view(state, cell)
    assert choose(a_bot(spec, 5), shuffled, cell) == choose(a_bot(spec, 5), state, cell)


def test_the_same_seat_and_turn_give_the_same_choice() -> None:
    state = opening(3)
    for cell in CELLS:
        assert choose(a_bot("doctrine", 1), state, cell) == choose(a_bot("doctrine", 1), state, cell)


def test_random_bots_of_different_games_differ() -> None:
    """The bot's seed and the game's both count (they once cancelled out)."""
    s1 = attrs.evolve(opening(1), seed=1)
    s2 = attrs.evolve(s1, seed=2)
    picks = {choose(RandomBot(seed), s, "aq").orders for seed, s in ((1, s1), (2, s2), (3, s1), (4, s2))}
    assert len(picks) > 1


# --- seats and postures ---------------------------------------------------------------------------


def test_bot_in_a_seat_list_still_means_the_random_bot() -> None:
    assert parse_seats("all=bot") == {c: "random" for c in CELLS}


def test_a_seat_list_names_doctrine_bots_and_their_postures() -> None:
    seats = parse_seats("all=doctrine,aq=doctrine:cautious,is=random")
    assert seats == {"is": "random", "aq": "doctrine:cautious", "coalition": "doctrine", "governments": "doctrine"}
    bots = bots_for(seats, 1, RULEBOOK)
    assert isinstance(bots["aq"], DoctrineBot) and bots["aq"].doctrine.posture == "cautious"
    assert bots["coalition"].doctrine.posture == "standard"
    assert isinstance(bots["is"], RandomBot)


@pytest.mark.parametrize("text, reason", [
    ("all=doctrine:reckless", "no posture 'reckless'"),
    ("all=random:cautious", "has no posture"),
    ("all=genius", "no bot 'genius'"),
    ("is=doctrine", "none for aq"),
])
def test_a_wrong_seat_list_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_seats(text)


def test_a_mixed_table_draws_each_seats_posture_from_the_games_seed_and_the_seat() -> None:
    seats = parse_seats("all=doctrine:mixed")
    assert seats == dict.fromkeys(CELLS, "doctrine:mixed")
    for seed in range(3):
        bots = bots_for(seats, seed, RULEBOOK)
        assert {c: b.doctrine.posture for c, b in bots.items()} == {c: mixed_posture(seed, c) for c in CELLS}
        assert {c: b.doctrine.posture for c, b in bots_for(seats, seed, RULEBOOK).items()} == \
            {c: b.doctrine.posture for c, b in bots.items()}  # the same game, the same table
    tables = {tuple(mixed_posture(seed, c) for c in CELLS) for seed in range(40)}
    assert len(tables) > 10 and {p for t in tables for p in t} == set(POSTURES)  # postures vary by game and seat


def test_a_mixed_seat_needs_to_know_which_seat_it_is() -> None:
    with pytest.raises(ValueError, match="needs the seat"):
        make_bot("doctrine:mixed", 1)
    assert make_bot("doctrine:mixed", 1, "aq", rulebook=RULEBOOK).doctrine.posture == mixed_posture(1, "aq")


def test_parse_bot_reads_kind_and_posture() -> None:
    assert parse_bot("doctrine:aggressive") == ("doctrine", "aggressive")
    assert parse_bot("bot") == ("random", None)


# --- the doctrines: the article's strategies --------------------------------------------------------


def orders_of(state: State, cell: str, spec: str = "doctrine", seed: int = 1, **knobs) -> tuple[Order, ...]:
    bot = DoctrineBot(seed, parse_bot(spec)[1] or "standard", rulebook=RULEBOOK, **knobs)
    return choose(bot, state, cell).orders


@pytest.mark.parametrize("seed", range(5))
def test_the_coalition_presses_is_first_where_it_holds_ground(seed: int) -> None:
    state = opening(seed)
    air = [o for o in orders_of(state, "coalition", seed=seed) if o.kind == "coalition.air_campaign"]
    assert air and all(state.theatre(o.theatre).territory > 0 for o in air)


def test_a_coalition_that_does_not_press_is_sends_no_air_campaign() -> None:
    kinds = {o.kind for o in orders_of(opening(2), "coalition", press_is=False)}
    assert not kinds & {"coalition.air_campaign", "coalition.counter_finance", "coalition.leadership_targeting"}


@given(state=states(RULEBOOK), posture=st.sampled_from(POSTURES))
def test_aq_offers_little_autonomy(state: State, posture: str) -> None:
    state = with_part(state, "relation", stage=TALKS, offered=0)
    offers = [o for o in orders_of(state, "aq", f"doctrine:{posture}") if o.kind.startswith("aq.offer_")]
    assert all(o.kind in ("aq.offer_strict", "aq.offer_limited") for o in offers)


def test_aq_offers_the_autonomy_an_experiment_sets() -> None:
    state = with_part(opening(1), "relation", stage=TALKS, offered=0)
    assert Order("aq", "aq.offer_free_hand") in orders_of(state, "aq", autonomy=3)
    assert Order("aq", "aq.offer_strict") in orders_of(state, "aq", autonomy=0)


def test_aq_welcomes_defectors_most_where_it_has_no_affiliate() -> None:
    state = with_theatre(opening(1), "iraq", is_province=5)
    d = Doctrine()
    order = Order("aq", "aq.welcome_defectors", "iraq")
    none_there = judge(RULEBOOK, Picture(view(with_theatre(state, "iraq", aq_affiliate=0), "aq"), RULEBOOK), order, d)
    one_there = judge(RULEBOOK, Picture(view(with_theatre(state, "iraq", aq_affiliate=3), "aq"), RULEBOOK), order, d)
    assert none_there and one_there and none_there.score > one_there.score
    assert "no affiliate" in none_there.reason()
    assert judge(RULEBOOK, Picture(view(state, "aq"), RULEBOOK), order, Doctrine(welcome=False)) is None


def desperate(state: State) -> State:
    leader = attrs.evolve(state.islamic_state.leader, vacuum=2)
    return with_part(state, "islamic_state", funds=0, standing=0, setbacks=10, leader=leader)


def test_is_accepts_terms_when_desperate() -> None:
    state = with_part(desperate(opening(1)), "relation", stage=TALKS, offered=1, autonomy=0)
    assert Order("is", "is.accept_terms") in orders_of(state, "is")


@given(state=states(RULEBOOK), posture=st.sampled_from(POSTURES))
def test_is_accepts_terms_only_when_desperate_or_free(state: State, posture: str) -> None:
    state = with_part(state, "relation", stage=TALKS, offered=1)
    if Order("is", "is.accept_terms") in orders_of(state, "is", f"doctrine:{posture}"):
        g = Picture(view(state, "is"), RULEBOOK).g
        threshold = (7, 9, 11)[POSTURES.index(posture)]
        assert g["is_desperation"] >= threshold or (g["relation_autonomy"] >= 2 and g["is_desperation"] >= threshold - 3)


def test_is_escalates_after_defeats() -> None:
    beaten = with_part(opening(1), "islamic_state", setbacks=8, brutality=6)
    assert Order("is", "is.escalate") in orders_of(beaten, "is")
    assert Order("is", "is.escalate") not in orders_of(with_part(beaten, "islamic_state", setbacks=0), "is")


def test_a_merged_is_breaks_away_once_it_is_free_and_no_longer_desperate() -> None:
    state = with_part(opening(1), "relation", stage=MERGER, autonomy=3, strain=6, turns=3)
    assert Order("is", "is.break_away") in orders_of(state, "is")
    assert Order("is", "is.break_away") not in orders_of(desperate(state), "is")


@given(state=states(RULEBOOK), policy=st.sampled_from(["faithful", "cosmetic", "crackdown", "none"]))
def test_the_governments_keep_to_their_reform_policy(state: State, policy: str) -> None:
    kinds = {o.kind for o in orders_of(state, "governments", reform=policy)}
    if policy != "faithful":
        assert "gov.reform_faithful" not in kinds
    if policy != "cosmetic":
        assert "gov.reform_cosmetic" not in kinds


def test_a_reform_on_paper_never_undoes_faithful_work() -> None:
    state = opening(1)
    for t in state.theatres:
        state = with_theatre(state, t.name, faithful=1, reform=3)
    kinds = {o.kind for o in orders_of(state, "governments", reform="cosmetic")}
    assert "gov.reform_cosmetic" not in kinds


def test_postures_change_how_the_cells_play() -> None:
    """Over a few games, the postures do not all play alike."""
    def play_out(spec: str) -> list[tuple]:
        out = []
        for seed in range(3):
            for t in play(RULEBOOK, new_game(RULEBOOK, "exercise", seed), bots_for(parse_seats(f"all={spec}"), seed, RULEBOOK)):
                out.append(tuple(sorted(map(str, t.orders["is"] + t.orders["aq"]))))
        return out

    assert len({tuple(play_out(f"doctrine:{p}")) for p in POSTURES}) == 3
