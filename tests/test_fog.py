"""Fog of war that holds: everything a seat is shown is computed from what that seat may see.

The property (non-interference): take any board, any seat, and a second board that differs from
it only in what that seat may not see (each of the other cells' secret tracks moved to another
value the seat's estimate cannot tell apart from the first, and, while AQ-IS talks are secret
to the seat, the talks' hidden terms and clock). Then everything the seat is shown is the same
on both: its view, the board, its orders with their availability, reasons and odds, the
objectives, and the records of a turn resolved on both, for as long as the results themselves
agree (a result may differ when the dice fall on a hidden value: that is the game, not a leak).
Every check goes through the functions the terminal UI draws from; a few examples drive the
screens themselves with Textual's Pilot.
"""

from __future__ import annotations

import asyncio
import html
import random
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.bots.play import account, bots_for, play
from wargame.engine.adjudication import Adjudication
from wargame.engine.board import GLOBAL_TRACKS, LEADERS, OWNER, PARTIES, PARTIES_ONLY, PARTS
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, Order, State, tracks_of
from wargame.engine.picture import picture
from wargame.engine.reading import RulebookError
from wargame.engine.rulebook import load_rulebook
from wargame.engine.shown import TALK_REFS, TALK_TRACKS, objective_points, order_menu, order_odds, render_record, render_records, talks_hidden_flags
from wargame.engine.turn import begin_turn, new_game, resolve_turn
from wargame.engine.view import talks_secret, view
from wargame.table.session import HUMAN, Session
from wargame.tui.widgets.board import board_text

from .strategies import states

RULEBOOK = load_rulebook()
SEATS = CELLS + ("public",)
TITLES = {d.id: d.title for d in RULEBOOK.decks.values()}


# --- a board the seat cannot tell apart ----------------------------------------------------------


def set_global(state: State, name: str, value: int) -> State:
    """``state`` with one global track (rulebook name, e.g. ``is_funds``) set to ``value``."""
    for prefix, attr in LEADERS:
        if name.startswith(prefix):
            part = getattr(state, attr)
            leader = attrs.evolve(part.leader, **{name[len(prefix):]: value})
            return attrs.evolve(state, **{attr: attrs.evolve(part, leader=leader)})
    for prefix, attr, cls in PARTS:
        field = name[len(prefix):]
        if name.startswith(prefix) and field in {n for n, _, _ in tracks_of(cls)}:
            return attrs.evolve(state, **{attr: attrs.evolve(getattr(state, attr), **{field: value})})
    raise KeyError(name)


def secret_tracks(seat: str) -> list[str]:
    """The other cells' inner tracks: what ``seat`` sees only as estimates."""
    return sorted(n for n, owner in OWNER.items() if owner != seat)


def bucket_mates(state: State, seat: str, name: str) -> list[int]:
    """Every value of a hidden track that gives ``seat`` the same estimate as its value now."""
    seen = view(state, seat).tracks[name]
    lo, hi = GLOBAL_TRACKS[name]
    return [v for v in range(lo, hi + 1) if view(set_global(state, name, v), seat).tracks[name] == seen]


def twin(state: State, seat: str, rng: random.Random) -> State:
    """A board that differs from ``state`` only in what ``seat`` may not see."""
    out = state
    for name in secret_tracks(seat):
        out = set_global(out, name, rng.choice(bucket_mates(state, seat, name)))
    if seat not in PARTIES:
        for name in PARTIES_ONLY:
            lo, hi = GLOBAL_TRACKS[name]
            out = set_global(out, name, rng.randint(lo, hi))
        if talks_secret(state):  # the talks' terms are hidden from outsiders while they are secret
            out = set_global(out, "relation_autonomy", rng.randint(0, 3))
            out = set_global(out, "relation_offered", rng.randint(0, 1))
    return out


# --- what a seat is shown, through the functions the screens draw from ---------------------------


def shown_now(state: State, seat: str) -> dict[str, Any]:
    """What ``seat`` is shown of a board between two phases."""
    v = view(state, seat)
    out: dict[str, Any] = {
        "view": v,
        "board": board_text(v, TITLES),
        "objectives": [(p.objective.id, str(p)) for p in objective_points(RULEBOOK, v)],
    }
    if seat in CELLS and state.phase == "orders":
        menu = order_menu(RULEBOOK, state, seat)
        out["orders"] = menu
        first = [m.order for m in menu if m.available][:1]
        out["orders after one"] = order_menu(RULEBOOK, state, seat, first)
    return out


def _speaks_of_the_relation(r: Adjudication) -> bool:
    if r.ref in TALK_REFS or any(n in TALK_TRACKS for n, _, _ in r.changes):
        return True
    source = ""
    if r.kind == "rule":
        rule = RULEBOOK.rule(r.ref)
        source = rule.explain + rule.explain_fail
    elif r.kind == "order":
        source = RULEBOOK.order_kinds[r.ref].explain + RULEBOOK.order_kinds[r.ref].explain_fail
    return "relation_" in source


def key(r: Adjudication) -> tuple:
    """What happened, as the seat is shown it: which rule, order or card, where, whether it
    happened, and the changes it may see; and for a record about the AQ-IS relation, its
    sentence: talks that come to light make public the terms that were hidden until then."""
    return (r.kind, r.ref, r.where, r.happened, r.changes) + ((r.text,) if _speaks_of_the_relation(r) else ())


def assert_same_records(a: list[Adjudication], b: list[Adjudication]) -> int:
    """The records shown agree, one by one, until the first result that differs (after it, a
    hidden value may legitimately have made the game go another way). Returns how many agree."""
    n = 0
    for x, y in zip(a, b):
        if key(x) != key(y):
            break
        assert x == y, f"the same result is shown differently:\n{x}\n{y}"
        n += 1
    return n


def common_orders(s1: State, s2: State, seed: int) -> dict[str, list[Order]]:
    """Orders legal on both boards (another cell's budget may differ on them)."""
    rng = random.Random(seed)
    out: dict[str, list[Order]] = {}
    for cell in CELLS:
        chosen: list[Order] = []
        for _ in range(RULEBOOK.max_orders):
            options = sorted(set(legal_orders(RULEBOOK, s1, cell, chosen)) & set(legal_orders(RULEBOOK, s2, cell, chosen)))
            if not options:
                break
            chosen.append(rng.choice(options))
        out[cell] = chosen
    return out


def hidden_names(seat: str) -> frozenset[str]:
    names = set(secret_tracks(seat))
    if seat not in PARTIES:
        names |= set(PARTIES_ONLY)
    return frozenset(names)


def blur(record: Adjudication, seat: str, rng: random.Random) -> Adjudication:
    """The record with every value ``seat`` may not know changed: the sentence's fields that are
    (or are formulas reading) hidden tracks, a chance that reads one, hidden changes."""
    hidden = hidden_names(seat)
    values = tuple((f, (v + rng.randint(1, 5) if isinstance(v, (int, float)) else v)
                    if RULEBOOK.reads([f]) & hidden else v) for f, v in record.values)
    chance = record.chance
    expr = None
    if record.kind == "rule":
        expr = RULEBOOK.rule(record.ref).chance
    elif record.kind == "order":
        expr = RULEBOOK.order_kinds[record.ref].chance
    if chance is not None and expr is not None and RULEBOOK.reads(expr.names) & hidden:
        chance = (chance + 0.37) % 1
        values = tuple((f, f"{chance:.0%}") if f == "chance" else (f, v) for f, v in values)
    # a hidden track may not have moved at all (at its bound): its change is then not recorded
    changes = tuple((n, a + 1, b + 2) if n in hidden else (n, a, b) for n, a, b in record.changes
                    if n not in hidden or rng.random() < 0.5)
    return attrs.evolve(record, values=values, chance=chance, changes=changes)


def check_phase(before1: State, before2: State, records1, records2, seat: str, seed: int) -> None:
    """Records of a phase run on two twin boards: shown alike until the results part; and
    whatever the hidden values in a record, the seat is shown the same."""
    shown1 = render_records(RULEBOOK, records1, before1, seat)
    shown2 = render_records(RULEBOOK, records2, before2, seat)
    assert_same_records(shown1, shown2)
    pic = picture(RULEBOOK, view(before1, seat))
    rng = random.Random(seed)
    for r, flag in zip(records1, talks_hidden_flags(before1, records1)):
        assert render_record(RULEBOOK, r, seat, pic, flag) == render_record(RULEBOOK, blur(r, seat, rng), seat, pic, flag)
    for r in shown1:
        assert "?" not in r.text, r.text


def check_twins(state: State, seat: str, seed: int) -> None:
    rng = random.Random(seed)
    other = twin(state, seat, rng)
    assert shown_now(state, seat) == shown_now(other, seat)
    if state.phase == "events":
        step1, step2 = begin_turn(RULEBOOK, state), begin_turn(RULEBOOK, other)
        check_phase(state, other, step1.records, step2.records, seat, seed)
        state = step1.state
        other = twin(state, seat, rng)
        assert shown_now(state, seat) == shown_now(other, seat)
    if state.phase == "orders":
        orders = common_orders(state, other, seed)
        step1, step2 = resolve_turn(RULEBOOK, state, orders), resolve_turn(RULEBOOK, other, orders)
        check_phase(state, other, step1.records, step2.records, seat, seed)


# --- the property ---------------------------------------------------------------------------------


@given(states(RULEBOOK), st.sampled_from(SEATS), st.integers(0, 2**32))
def test_a_seat_is_shown_the_same_whatever_it_may_not_see(state: State, seat: str, seed: int) -> None:
    check_twins(state, seat, seed)


@given(states(RULEBOOK, phase="orders"), st.integers(0, 2**32))
def test_secret_talks_leave_no_trace_for_outsiders(state: State, seed: int) -> None:
    talks = set_global(set_global(state, "relation_stage", 1), "relation_known", 0)
    for seat in ("coalition", "governments", "public"):
        check_twins(talks, seat, seed)


@settings(max_examples=25)
@given(st.integers(0, 2**32), st.integers(0, 12), st.sampled_from(SEATS), st.sampled_from(("doctrine", "random")))
def test_the_same_holds_on_boards_reached_by_play(seed: int, turns: int, seat: str, bots: str) -> None:
    state = new_game(RULEBOOK, "spring-2016", seed)
    for played in play(RULEBOOK, state, bots_for({c: bots for c in CELLS}, seed, RULEBOOK), turns=turns):
        state = played.state
    if not state.over:
        check_twins(state, seat, seed)


def test_bucket_mates_are_values_the_seat_cannot_tell_apart() -> None:
    from wargame.engine.board import flat_tracks

    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 5)).state
    true = flat_tracks(state)
    wide = 0
    for seat in SEATS:
        for name in secret_tracks(seat):
            mates = bucket_mates(state, seat, name)
            est = view(state, seat).tracks[name]
            # the truth and its mates lie in the range the seat sees (a range shifted inside a
            # track's bounds shows values that belong to the next range down)
            assert true[name] in mates and set(mates) <= set(range(est.lo, est.hi + 1)), (seat, name, est, mates)
            wide += len(mates) > 1
    assert wide > 10, "most hidden tracks have a value to move to"


# --- the interval analysis on one seat's picture ----------------------------------------------------


@st.composite
def narrowed(draw):
    """Each name's range narrowed (as a seat's estimate narrows a track), and a value in it."""
    from .test_expressions import BOUNDED

    ranges, values = {}, {}
    for n, (lo, hi) in BOUNDED.items():
        a = draw(st.integers(lo, hi))
        b = draw(st.integers(a, hi))
        ranges[n] = (a, b)
        values[n] = draw(st.integers(a, b))
    return ranges, values


@given(source=__import__("tests.test_expressions", fromlist=["expressions"]).expressions, picked=narrowed())
def test_the_precise_interval_holds_every_value_and_is_exact_on_single_values(source, picked) -> None:
    from wargame.engine.expressions import ExpressionError, compile_expression, interval
    from wargame.engine.expressions import Name as N
    from wargame.engine.expressions import Scope as S

    from .test_expressions import BOUNDED_SCOPE

    ranges, values = picked
    try:
        e = compile_expression(source, BOUNDED_SCOPE)
    except ExpressionError:
        return  # refused at load: never evaluated
    value = e(values, {}, {})
    lo, hi = interval(source, S(globals={n: N("track", a, b) for n, (a, b) in ranges.items()}))
    tol = 1e-9 * max(1.0, abs(value))
    assert lo - tol <= value <= hi + tol, (source, ranges, values, value, (lo, hi))
    assert e.bounds[0] - tol <= lo and hi <= e.bounds[1] + tol, "never wider than the loader's bounds"
    point = interval(source, S(globals={n: N("track", v, v) for n, v in values.items()}))
    assert point[0] - tol <= value <= point[1] + tol and point[1] - point[0] <= tol, (source, values, value, point)


# --- odds, objectives, records: examples -----------------------------------------------------------


def test_odds_are_exact_when_the_cell_knows_every_input_and_a_band_otherwise() -> None:
    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 5)).state
    from wargame.engine.position import order_chance

    # the coalition's air campaign reads its own intelligence and public pressure: exact
    air = Order("coalition", "coalition.air_campaign", "iraq")
    odds = order_odds(RULEBOOK, view(state, "coalition"), air)
    assert odds.exact and odds.lo == pytest.approx(order_chance(RULEBOOK, state, air))
    # a ground offensive reads IS's fighters, which the governments only estimate: a band that
    # holds the true chance
    ground = Order("governments", "gov.ground_offensive", "iraq")
    odds = order_odds(RULEBOOK, view(state, "governments"), ground)
    assert not odds.exact and odds.lo <= order_chance(RULEBOOK, state, ground) <= odds.hi
    assert "–" in str(odds)


@given(states(RULEBOOK), st.sampled_from(CELLS))
def test_a_band_holds_the_true_chance(state: State, cell: str) -> None:
    from wargame.engine.position import order_chance

    v = view(state, cell)
    for m in order_menu(RULEBOOK, state, cell):
        if RULEBOOK.order_kinds[m.order.kind].chance is not None:
            odds = order_odds(RULEBOOK, v, m.order)
            true = order_chance(RULEBOOK, state, m.order)
            assert odds.lo - 1e-9 <= true <= odds.hi + 1e-9, (m.order, odds, true)


@given(states(RULEBOOK), st.sampled_from(SEATS))
def test_objective_points_hold_the_true_points(state: State, seat: str) -> None:
    from wargame.engine.position import scores

    true = {s.objective: s.points for s in scores(RULEBOOK, state)}
    if seat not in PARTIES and talks_secret(state):
        return  # the picture of the relation is what came before the talks, by design
    for p in objective_points(RULEBOOK, view(state, seat)):
        assert p.lo <= true[p.objective.id] <= p.hi, (seat, p.objective.id, str(p), true[p.objective.id])


def test_a_secret_track_in_a_sentence_is_shown_as_the_seats_estimate() -> None:
    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 9)).state
    orders = {"is": [Order("is", "is.pay_wages")]} if Order("is", "is.pay_wages") in legal_orders(RULEBOOK, state, "is") else {}
    step = resolve_turn(RULEBOOK, state, {"coalition": [Order("coalition", "coalition.counter_finance")], **orders})
    cf = next(r for r in step.records if r.ref == "coalition.counter_finance")
    mine = next(r for r in render_records(RULEBOOK, step.records, state, "coalition") if r.ref == cf.ref)
    theirs = next(r for r in render_records(RULEBOOK, step.records, state, "is") if r.ref == cf.ref)
    est = view(state, "coalition").tracks["is_funds"]
    if cf.happened:
        assert f"{est.lo}–{est.hi} (by your last estimate)" in mine.text
        assert f"IS's funds now {state.islamic_state.funds - 3 if state.islamic_state.funds >= 3 else 0}" in theirs.text
        assert ("is_funds", -1, -1) in mine.changes
    assert "?" not in mine.text
    # the facilitator sees it as it is
    assert render_records(RULEBOOK, step.records, state, "white") == list(step.records)


def test_a_formula_that_reads_a_secret_is_shown_as_a_range() -> None:
    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 9)).state
    pic = picture(RULEBOOK, view(state, "coalition"))
    assert "power_gap" in pic.secret and "is_revenue" not in pic.secret  # is_revenue reads only public names
    lo, hi = pic.bounds["power_gap"]
    assert lo < hi
    record = Adjudication(turn=1, phase="dynamics", kind="rule", ref="c2.franchises-recover", title="t", cites=(3,),
                          template="The gap is {power_gap:.1f}, revenue {is_revenue:.1f}.",
                          values=(("power_gap", 17.77), ("is_revenue", 2.5)))
    text = render_record(RULEBOOK, record, "coalition", pic).text
    assert f"{lo:.1f}–{hi:.1f} (by your last estimate)" in text and "17.8" not in text and "revenue 2.5" in text


def test_the_relation_clock_says_1st_and_is_hidden_from_outsiders() -> None:
    from wargame.engine.templates import ordinal

    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 4)).state
    state = set_global(set_global(set_global(state, "relation_stage", 2), "relation_turns", 0), "relation_known", 0)
    step = resolve_turn(RULEBOOK, state, {})
    clock = next(r for r in step.records if r.ref == "assess.relation-clock")
    assert "The 1st quarter" in clock.text
    for seat in ("is", "aq"):
        assert any(r.ref == clock.ref for r in render_records(RULEBOOK, step.records, state, seat))
    for seat in ("coalition", "governments", "public"):
        assert not any(r.ref == clock.ref for r in render_records(RULEBOOK, step.records, state, seat))


def test_talks_that_open_and_end_in_secret_leave_no_record_for_outsiders() -> None:
    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 4)).state
    secret = set_global(set_global(set_global(state, "relation_stage", 1), "relation_known", 0), "relation_turns", 5)
    collapse = Adjudication(turn=1, phase="dynamics", kind="rule", ref="c1.talks-collapse", title="Talks collapse",
                            cites=(2,), changes=(("relation_stage", 1, 0), ("relation_turns", 5, 0)))
    revealed = Adjudication(turn=1, phase="dynamics", kind="rule", ref="c1.talks-revealed", title="Talks revealed",
                            cites=(2,), changes=(("relation_known", 0, 1),))
    assert talks_hidden_flags(secret, [collapse]) == [True]
    assert render_records(RULEBOOK, [collapse], secret, "coalition") == []
    assert render_records(RULEBOOK, [collapse], secret, "aq") != []
    assert talks_hidden_flags(secret, [revealed]) == [False]
    assert [r.ref for r in render_records(RULEBOOK, [revealed], secret, "coalition")] == ["c1.talks-revealed"]


def test_charts_leave_out_what_reads_another_cells_secrets() -> None:
    from wargame.tui.screens.charts import seat_charts

    session = Session.new(RULEBOOK, "spring-2016", 3, {c: HUMAN for c in CELLS})
    labels = {seat: {c.series.title for c in seat_charts(session, seat)} for seat in SEATS + ("white",)}
    assert "IS funds" in labels["is"] and "Strength of IS" in labels["is"]
    assert "Strength of AQ" in labels["aq"] and "Strength of IS" not in labels["aq"]
    for seat in ("coalition", "governments", "public"):
        assert not labels[seat] & {"IS funds", "IS recruiting", "Strength of IS", "Strength of AQ"}, seat
        assert "IS-held territory" in labels[seat]
    assert labels["white"] >= set().union(*labels.values())


def test_talks_that_collapse_in_secret_leave_outsiders_where_they_were() -> None:
    from wargame.engine.facilitator import fire_rule

    state = begin_turn(RULEBOOK, new_game(RULEBOOK, "spring-2016", 4)).state
    for splits, apart in ((0, 0), (1, 4)):
        before = set_global(set_global(state, "relation_stage", apart), "tally_second_splits", splits)
        talks = set_global(set_global(set_global(before, "relation_stage", 1), "relation_known", 0),
                           "relation_turns", 3)
        after = fire_rule(RULEBOOK, talks, "c1.talks-collapse", 0.0).state
        assert after.relation.stage == apart
        for seat in ("coalition", "governments", "public"):
            assert view(talks, seat).tracks["relation_stage"] == view(before, seat).tracks["relation_stage"]
            assert view(after, seat).tracks["relation_stage"] == view(before, seat).tracks["relation_stage"]


# --- the rulebook's requirement check -------------------------------------------------------------


def test_a_requirement_that_reads_another_cells_secret_is_refused(tmp_path: Path) -> None:
    import shutil

    from wargame.engine.rulebook import DECKS_DIR, RULES_DIR

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    text = (rules / "orders.toml").read_text(encoding="utf-8")
    text = text.replace('id = "coalition.intelligence"', 'id = "coalition.intelligence"\n'
                        'requires = [{ when = "coalition_intel < 10 and is_desperation > 3", reason = "x" }]', 1)
    text = text.replace('requires = [{ when = "coalition_intel < 10", reason = "intelligence is already at its best" }]\n',
                        "", 1)
    (rules / "orders.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as e:
        load_rulebook(rules, DECKS_DIR)
    (line,) = e.value.problems
    assert "coalition.intelligence" in line and "is_" in line and "may not see" in line
    # an outsider may not read the talks either; the groups may
    assert "relation_stage" not in line


def test_every_requirement_reads_only_public_names_and_the_cells_own_tracks() -> None:
    from wargame.engine.board import hidden_from

    for kind in RULEBOOK.orders:
        for req in kind.requires:
            reads = RULEBOOK.reads(n for n in req.when.names if n in GLOBAL_TRACKS or n in RULEBOOK.formula_reads)
            assert not reads & hidden_from(kind.cell), (kind.id, req.when.source)
    assert not RULEBOOK.order_kinds["coalition.counter_finance"].requires


# --- the game's seed ------------------------------------------------------------------------------

SEED = 918273645501928374


def test_the_seed_appears_in_nothing_a_seat_is_shown() -> None:
    digits = str(SEED)
    state = new_game(RULEBOOK, "spring-2016", SEED)
    bots = bots_for({c: "doctrine" for c in CELLS}, SEED, RULEBOOK)
    texts: list[str] = []
    for played in play(RULEBOOK, state, bots, turns=4):
        for seat in SEATS:
            texts += account(RULEBOOK, played, verbose=True, seat=seat)
            v = view(played.state, seat)
            texts += [repr(v), board_text(v, TITLES), repr(objective_points(RULEBOOK, v))]
    orders_state = begin_turn(RULEBOOK, played.state).state
    for cell in CELLS:
        texts.append(repr(order_menu(RULEBOOK, orders_state, cell)))
    blob = "\n".join(texts)
    assert digits not in blob and digits[:9] not in blob and digits[-9:] not in blob


# --- the screens ------------------------------------------------------------------------------------

SIZE = (110, 40)


def screen_text(app) -> str:
    """The words on the screen (the screenshot's text, without its stylesheet and ids)."""
    svg = re.sub(r"<style.*?</style>", "", app.export_screenshot(), flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


class Host:
    """Runs one screen in the game's app (its stylesheet) and reads the words on it."""

    @staticmethod
    def read(screen_factory, size=SIZE) -> str:
        from textual.app import App

        import wargame.tui as tui

        class ScreenApp(App[None]):
            CSS_PATH = str(Path(tui.__file__).parent / "wargame.tcss")

            def on_mount(self) -> None:
                self.push_screen(screen_factory())

        async def run() -> str:
            app = ScreenApp()
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                await pilot.pause()
                return screen_text(app)

        return asyncio.run(run())


def twin_sessions(seed: int, seat: str) -> tuple[Session, Session]:
    """Two games at the orders of turn 1 whose boards differ only in what ``seat`` may not see."""
    one = Session.new(RULEBOOK, "spring-2016", seed, {c: HUMAN for c in CELLS})
    two = Session.new(RULEBOOK, "spring-2016", seed, {c: HUMAN for c in CELLS})
    one.run_events()
    two.run_events()
    two.game.state = twin(one.state, seat, random.Random(seed))
    assert one.state != two.state
    return one, two


def test_the_orders_screen_shows_bands_and_the_same_to_twins() -> None:
    from wargame.tui.screens.orders import OrdersScreen

    one, two = twin_sessions(21, "governments")
    a = Host.read(lambda: OrdersScreen(one, "governments"))
    b = Host.read(lambda: OrdersScreen(two, "governments"))
    assert a == b
    assert "Ground offensive" in a and re.search(r"\d+%–\d+%", a), "odds that read IS's fighters are a band"


def test_the_walkthrough_and_why_show_the_room_the_same_on_twins() -> None:
    from wargame.tui.screens.modals import WalkthroughScreen
    from wargame.tui.screens.why import WhyScreen

    one, two = twin_sessions(23, "public")
    orders = {c: [m.order for m in one.menu(c) if m.available and m.order in set(legal_orders(RULEBOOK, two.state, c))][:1]
              for c in CELLS}
    for s in (one, two):
        for cell in CELLS:
            s.submit(cell, orders[cell])
    r1 = [r for r in one.records_for("room", one.resolve()) if r.kind != "budget"]
    r2 = [r for r in two.records_for("room", two.resolve()) if r.kind != "budget"]
    n = assert_same_records(r1, r2)
    assert n > 0
    i = next((k for k in range(n) if r1[k].band is not None), 0)

    def walk(records):
        screen = WalkthroughScreen(RULEBOOK, "Turn 1: adjudication", records)
        screen.index = i
        return screen

    # the results up to the first that went another way (after it, the count may differ too)
    assert Host.read(lambda: walk(r1[:n])) == Host.read(lambda: walk(r2[:n]))
    why1 = Host.read(lambda: WhyScreen(RULEBOOK, r1[i]))
    assert why1 == Host.read(lambda: WhyScreen(RULEBOOK, r2[i]))
    if r1[i].band is not None:
        assert "by your estimates" in why1 and "Your estimates" in why1


def test_the_objectives_screen_and_the_board_show_the_room_the_same_on_twins() -> None:
    from wargame.tui.screens.end import ObjectivesScreen
    from wargame.tui.widgets.board import CellPanel

    one, two = twin_sessions(25, "public")
    assert Host.read(lambda: ObjectivesScreen(one)) == Host.read(lambda: ObjectivesScreen(two))
    assert board_text(one.view("public"), TITLES) == board_text(two.view("public"), TITLES)

    from textual.app import ComposeResult
    from textual.screen import Screen

    class Board(Screen[None]):
        def __init__(self, session: Session):
            super().__init__()
            self.session = session

        def compose(self) -> ComposeResult:
            from wargame.tui.widgets.board import DecksPanel, RelationPanel, TheatreTable

            yield TheatreTable()
            for cell in CELLS:
                yield CellPanel(id=f"cell-{cell}")
            yield RelationPanel()
            yield DecksPanel()

        def on_mount(self) -> None:
            from wargame.tui.widgets.board import DecksPanel, RelationPanel, TheatreTable

            v = self.session.view("public")
            self.query_one(TheatreTable).show(v)
            for cell in CELLS:
                self.query_one(f"#cell-{cell}", CellPanel).show(v, cell)
            self.query_one(RelationPanel).show(v)
            self.query_one(DecksPanel).show(v, TITLES)

    assert Host.read(lambda: Board(one), (120, 60)) == Host.read(lambda: Board(two), (120, 60))


def test_the_seed_is_on_no_screen_of_a_game_at_the_table(tmp_path: Path) -> None:
    from wargame.tui.app import WargameApp

    digits = str(SEED)
    session = Session.new(RULEBOOK, "exercise", SEED, {c: HUMAN for c in CELLS}, save=tmp_path / "g.json")
    app = WargameApp(RULEBOOK, session=session)
    seen: list[str] = []

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(300):
                name = type(app.screen).__name__
                seen.append(screen_text(app))
                if name == "SummaryScreen":
                    await pilot.press("c")  # the charts
                    await pilot.pause()
                    seen.append(screen_text(app))
                    break
                if name == "OrdersScreen":
                    await pilot.press("enter")
                    await pilot.pause()
                    seen.append(screen_text(app))
                    await pilot.press("g")  # give the orders: the confirmation shows them first
                    await pilot.pause()
                    seen.append(screen_text(app))
                    await pilot.press("enter")
                elif name in ("HandoverScreen", "WalkthroughScreen"):
                    if name == "WalkthroughScreen":
                        await pilot.press("y")
                        await pilot.pause()
                        seen.append(screen_text(app))
                        if type(app.screen).__name__ == "WhyScreen":
                            await pilot.press("escape")
                    await pilot.press("space" if name == "HandoverScreen" else "enter")  # the handover's key
                await pilot.pause(0.02)

    asyncio.run(run())
    assert any("summary" in t for t in seen)
    for text in seen:
        assert digits not in text and digits[:9] not in text and digits[-9:] not in text
