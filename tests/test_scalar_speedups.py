"""The scalar engine's shortcuts give what the plain way gives: the dice's key chain written out,
the expressions' helpers written out in place, a view's tracks placed when first read, a bot's
sentences written when first read, and a turn's board taken from the position legality worked out."""

from __future__ import annotations

import ast
import math
import operator

from hypothesis import given
from hypothesis import strategies as st

from wargame.bots.bot import Reasons
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.dice import Dice, mix, name, unit, unit2, unit3
from wargame.engine.expressions import _RUNTIME, Checker, Name, Scope, compile_expression, parse
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import new_game
from wargame.engine.view import SEATS, Tracks, _seen_tracks, view

RULEBOOK = load_rulebook()
WORD = st.integers(0, 2**64 - 1)


@given(WORD, WORD, WORD, WORD)
def test_the_key_chain_written_out_is_mix_three_times(key: int, a: int, b: int, c: int) -> None:
    assert unit3(key, a, b, c) == unit(mix(mix(mix(key ^ a) ^ b) ^ c)) == unit2(mix(key ^ a), b, c)


@given(st.integers(0, 2**40), st.integers(1, 99), st.sampled_from(["a", "c6.defection", "doctrine.noise"]),
       st.sampled_from(["", "iraq", "offshoot-3"]), st.integers(0, 40))
def test_a_roll_is_the_key_chain_of_its_source_scope_and_index(seed: int, turn: int, source: str, scope: str, index: int) -> None:
    d = Dice(seed, turn, "dynamics")
    d.roll(source, "other")  # the source's step is kept from an earlier roll
    assert d.roll(source, scope, index) == unit(mix(mix(mix(d.key ^ name(source)) ^ name(scope)) ^ index))


def _plain(source: str, scope: Scope):
    """The expression compiled with its helpers called, as before they were written out."""
    body, _ = Checker(scope).check(parse(source, "eval").body)  # type: ignore[attr-defined]
    tree = ast.Expression(ast.Lambda(ast.arguments(posonlyargs=[], args=[ast.arg("G"), ast.arg("T"), ast.arg("O")],
                                                   kwonlyargs=[], kw_defaults=[], defaults=[]), body))
    ast.fix_missing_locations(tree)
    return eval(compile(tree, "<plain>", "eval"), dict(_RUNTIME))


SCOPE = Scope(globals={"a": Name("track", -5, 20), "b": Name("track", -5, 20), "c": Name("value", -3.5, 9.5, False)})
SOURCES = ["clamp(a / 3 + max(a, b) - min(b, c), 0.05, 0.8)", "a // 4 + b % 3 + c / 2.5 - a // 2.0",
           "clamp(a, -1, 1) + max(a, 2) * min(c, a)", "max(min(a, b), min(b, c)) / 4", "clamp(c * 2, 0, 15) // 3",
           "a / (b - b) + a % (b - b) + max(a, b, c)", "min(a > 1, b) + max(a == b, 0.5)"]
NUMBERS = st.one_of(st.integers(-5, 20), st.floats(-5, 20, allow_nan=False), st.booleans())


@given(st.sampled_from(SOURCES), NUMBERS, NUMBERS, NUMBERS)
def test_the_helpers_written_out_give_the_same_value_and_type(source: str, a, b, c) -> None:
    board = {"a": a, "b": b, "c": c}
    got = compile_expression(source, SCOPE).fn(board, {}, {})
    want = _plain(source, SCOPE)(board, {}, {})
    assert type(got) is type(want) and (got == want or math.isnan(want) and math.isnan(got)), (got, want)


def test_a_rulebook_expression_gives_what_its_plain_compilation_gives() -> None:
    state = new_game(RULEBOOK, "spring-2016", 5)
    for turn in play(RULEBOOK, state, bots_for(parse_seats("all=random"), 5, RULEBOOK), turns=4):
        state = turn.state
    from wargame.engine.position import position

    board = position(RULEBOOK, state).board if state.phase == "orders" else None
    if board is None:
        from wargame.engine.board import Board

        board = Board(state, RULEBOOK.parameters, RULEBOOK.formulas)
        board.refresh()
    scope = RULEBOOK.scope("theatre")
    checked = 0
    for kind in RULEBOOK.orders:
        if kind.chance is None or kind.target != "theatre":
            continue
        for T in board.theatres:
            assert kind.chance.fn(board.g, T, {}) == _plain(kind.chance.source, scope)(board.g, T, {})
            checked += 1
    assert checked > 20


@given(st.integers(0, 2**32), st.sampled_from(SEATS), st.integers(0, 6))
def test_a_views_tracks_read_as_the_dict_of_them(seed: int, seat: str, turns: int) -> None:
    state = new_game(RULEBOOK, "spring-2016", seed)
    for turn in play(RULEBOOK, state, bots_for(parse_seats("all=random"), seed, RULEBOOK), turns=turns):
        state = turn.state
    tracks = view(state, seat).tracks
    assert isinstance(tracks, Tracks)
    want = _seen_tracks(state, seat)
    assert tracks == want and want == tracks and list(tracks) == list(want) and len(tracks) == len(want)
    assert dict(tracks.items()) == want and repr(tracks) == repr(want)
    assert all(tracks[n] == want[n] and tracks.get(n) == want[n] and n in tracks for n in want)
    assert tracks.get("no such track") is None and "no such track" not in tracks
    assert view(state, seat) == view(state, seat)


def test_a_bots_sentences_are_written_once_when_first_read() -> None:
    written: list[str] = []

    def sentence(text: str):
        return lambda: written.append(text) or text

    reasons = Reasons([sentence("one"), sentence("two")])
    assert len(reasons) == 2 and written == []
    assert reasons == ("one", "two") and operator.eq(("one", "two"), reasons) and written == ["one", "two"]
    assert list(reasons) == ["one", "two"] and reasons[1] == "two" and tuple(reasons) == ("one", "two")
    assert hash(reasons) == hash(("one", "two")) and repr(reasons) == repr(("one", "two"))
    assert reasons == Reasons([lambda: "one", lambda: "two"]) and reasons != ("one",)
    assert written == ["one", "two"]  # each written once


def _positions(seed: int):
    for seats in ("all=doctrine:mixed", "all=random"):
        for t in play(RULEBOOK, new_game(RULEBOOK, "spring-2016", seed), bots_for(parse_seats(seats), seed, RULEBOOK)):
            yield t.orders_state


def test_the_requirements_written_out_allow_what_the_loop_allows(monkeypatch) -> None:
    import wargame.engine.position as position_module
    from wargame.engine.model import CELLS

    compared = 0
    for state in _positions(11):
        for cell in CELLS:
            written = position_module.Position(RULEBOOK, state).allowed(RULEBOOK, cell)
            with monkeypatch.context() as m:
                m.setattr(position_module, "_allowed_code", lambda *_: None)
                assert position_module.Position(RULEBOOK, state).allowed(RULEBOOK, cell) == written
            compared += 1
    assert compared > 100 and all(code is not None for _, code in position_module._code_cache.values())


def test_the_doctrine_written_out_judges_as_its_expressions_one_by_one(monkeypatch) -> None:
    import wargame.bots.doctrine_bot as doctrine_bot
    import wargame.bots.doctrine_plan as doctrine_plan
    from wargame.bots.doctrine import POSTURES, Doctrine
    from wargame.bots.doctrine_data import doctrine_book
    from wargame.bots.picture import Picture
    from wargame.engine.legality import legal_orders
    from wargame.engine.model import CELLS

    book = doctrine_book(RULEBOOK)
    written = doctrine_plan.Plan(book)
    with monkeypatch.context() as m:
        m.setattr(doctrine_plan.Plan, "_code", lambda *_: None)
        plain = doctrine_plan.Plan(book)
        plain.kinds(RULEBOOK)
    assert all(r[2][-1] is not None for r in written.kinds(RULEBOOK)[2].values())
    compared = 0
    for state in _positions(12):
        for cell in CELLS:
            picture = Picture(view(state, cell), RULEBOOK)
            for doctrine in [Doctrine(posture=p) for p in POSTURES] + [Doctrine(reform="crackdown", welcome=False)]:
                judges = []
                for plan in (written, plain):
                    monkeypatch.setattr(doctrine_plan, "plan", lambda _, plan=plan: plan)
                    judges.append(doctrine_bot.Judge(book, picture, doctrine))
                for order in legal_orders(RULEBOOK, state, cell):
                    a, b = (j.scored(order) for j in judges)
                    assert (a is None) == (b is None), order
                    if a is not None:
                        assert (a[0], a[1]) == (b[0], b[1]) and type(a[0]) is type(b[0]) and a[2] == b[2], order
                        compared += 1
    assert compared > 1000


def test_a_pictures_board_shares_the_public_theatres_and_reads_as_a_copied_one() -> None:
    from wargame.bots.picture import Picture
    from wargame.engine.board import GLOBAL_TRACKS, Board, _seen_totals
    from wargame.engine.model import CELLS

    for state in list(_positions(13))[:6]:
        for cell in CELLS:
            v = view(state, cell)
            shared = Picture(v, RULEBOOK)
            tracks = {n: shared.g[n] for n in GLOBAL_TRACKS}
            copied = Board.seen(tracks, v.theatres, v.offshoots, v.turn, v.last_turn, RULEBOOK.parameters, RULEBOOK.formulas)
            copied.g["year"] = shared.g["year"]
            copied.update()
            assert copied.g == shared.g and list(shared.theatres.values()) == copied.theatres
            again = Picture(v, RULEBOOK)  # the state's public totals are worked out by now: shared, not copied
            assert all(a is b for a, b in zip(again.theatres.values(), _seen_totals[2], strict=True))
            assert shared.titles == {t.name: t.title for t in state.theatres}


def _fresh_board(state):
    from wargame.engine.board import Board
    from wargame.engine.resolver import set_calendar

    board = Board(state, RULEBOOK.parameters, RULEBOOK.formulas)
    set_calendar(RULEBOOK, board, state)
    board.refresh()
    return board


def _same_dict(a: dict, b: dict) -> bool:
    """Equal key by key, in the same order, each value of the same type."""
    return list(a) == list(b) and all(a[k] == b[k] and type(a[k]) is type(b[k]) for k in a)


def test_the_board_begin_turn_hands_over_is_the_one_a_fresh_position_builds() -> None:
    from wargame.engine import position as position_module
    from wargame.engine.turn import begin_turn

    compared = 0
    for seed in (21, 22):
        for seats in ("all=doctrine:mixed", "all=random"):
            for t in play(RULEBOOK, new_game(RULEBOOK, "spring-2016", seed), bots_for(parse_seats(seats), seed, RULEBOOK)):
                state = begin_turn(RULEBOOK, t.start_state).state
                handed = position_module._handed[id(state)][2]
                fresh = _fresh_board(state)
                assert _same_dict(handed.g, fresh.g)
                assert len(handed.theatres) == len(fresh.theatres) and all(map(_same_dict, handed.theatres, fresh.theatres))
                assert len(handed.offshoots) == len(fresh.offshoots) and all(map(_same_dict, handed.offshoots, fresh.offshoots))
                assert handed.piles == fresh.piles and list(handed.piles) == list(fresh.piles)
                assert handed.formulas == fresh.formulas
                assert (handed.dirty, handed.moved, handed.changed) == (fresh.dirty, fresh.moved, fresh.changed) == (False, False, set())
                assert position_module.Position(RULEBOOK, state).board is handed  # taken once ...
                assert position_module.Position(RULEBOOK, state).board is not handed  # ... then built afresh
                assert id(state) not in position_module._handed
                compared += 1
    assert compared > 60


def _values(draw, cls):
    import attrs

    out = []
    for a in attrs.fields(cls):
        if a.name in ("name", "title"):
            out.append(draw(st.one_of(st.just("iraq"), st.integers(0, 3), st.none())))
        elif a.name == "leader":
            out.append(None)
        else:
            out.append(draw(st.one_of(st.integers(-2, 12), st.integers(-2, 130), st.booleans(), st.floats(-1, 11), st.just("3"))))
    return out


@given(st.data())
def test_a_builder_takes_and_refuses_what_the_constructor_does(data) -> None:
    import attrs

    from wargame.engine.builders import builder
    from wargame.engine.model import AlQaeda, Coalition, Governments, IslamicState, Leader, Relation, Tally, Theatre

    for cls in (Theatre, Leader, IslamicState, AlQaeda, Coalition, Governments, Relation, Tally):
        values = _values(data.draw, cls)
        names = [a.name for a in attrs.fields(cls)]
        if "leader" in names:
            values[0] = Leader(name="x")
        if data.draw(st.booleans()):  # mostly valid: the fast way's own path
            values = [v if n in ("name", "title", "leader") else 1 for n, v in zip(names, values)]
            values = ["iraq" if n in ("name", "title") else v for n, v in zip(names, values)]
        try:
            want = cls(**dict(zip(names, values)))
        except Exception as e:  # noqa: BLE001 (whatever it raises, the builder raises alike)
            try:
                builder(cls)(*values)
            except Exception as got:  # noqa: BLE001
                assert type(got) is type(e) and str(got) == str(e)
            else:
                raise AssertionError(f"{cls.__name__}{values}: built, though the constructor refuses it") from None
            continue
        got = builder(cls)(*values)
        assert type(got) is cls and got == want and all(getattr(got, n) is getattr(want, n) for n in names)


@given(WORD, st.sampled_from(SEATS))
def test_a_views_rolls_side_by_side_are_the_dice_rolls_one_by_one(key: int, seat: str) -> None:
    from wargame.engine.view import _LANES, _PLANS, _rolls

    ranged = _PLANS[seat][1]
    if ranged:
        got = _rolls(key, _LANES[seat], len(ranged))
        assert [unit(v) for v in got] == [unit(mix(mix(mix(key ^ code) ^ name("")) ^ 0)) for *_, code in ranged]


def test_a_views_ranges_are_placed_by_the_views_own_dice() -> None:
    from wargame.engine.board import _flat
    from wargame.engine.dice import derive
    from wargame.engine.view import _EXACT, _PLANS, _estimate, _width

    compared = 0
    for state in _positions(23):
        for seat in SEATS:
            flat, dice = _flat(state), Dice(derive(state.seed, "view"), state.turn, seat)
            names, ranged = _PLANS[seat]
            want = {n: _EXACT[flat[n]] for n in names}
            for n, width, lo, hi, _ in ranged:
                width = min(_width(seat, "", state.coalition.intel), hi - lo) if width < 0 else width
                want[n] = _estimate(flat[n], width, lo, hi, dice.roll(n))
            if seat not in ("is", "aq", "white") and state.relation.stage == 1 and not state.relation.known:
                want.update(relation_stage=_EXACT[4 if state.tally.second_splits else 0], relation_autonomy=_EXACT[0],
                            relation_offered=_EXACT[0])
            assert list(_seen_tracks(state, seat).items()) == list(want.items())
            compared += 1
    assert compared > 100


@given(st.one_of(st.integers(0, 2**40), st.booleans()), st.one_of(st.integers(0, 40), st.booleans()), st.sampled_from(["events", "x"]))
def test_a_phases_kept_key_is_the_key_chain(secret, turn, phase) -> None:
    from wargame.engine.dice import MASK, game_key

    for _ in range(2):  # worked out, then kept
        assert Dice(secret, turn, phase).key == mix(mix(game_key(secret) ^ (turn & MASK)) ^ name(phase))


def test_the_records_built_quickly_are_the_records_attrs_builds() -> None:
    import attrs

    from wargame.engine.adjudication import Adjudication

    compared = 0
    for t in play(RULEBOOK, new_game(RULEBOOK, "spring-2016", 24), bots_for(parse_seats("all=doctrine:mixed"), 24, RULEBOOK)):
        for r in t.events + t.results:
            again = Adjudication(**{a.name: getattr(r, a.name) for a in attrs.fields(Adjudication)})
            assert type(r) is Adjudication and r == again and repr(r) == repr(again)
            compared += 1
    assert compared > 300


def test_the_allowed_costs_are_the_allowed_orders_costs() -> None:
    from wargame.engine.model import CELLS
    from wargame.engine.position import Position

    for state in list(_positions(25))[:10]:
        for cell in CELLS:
            pos = Position(RULEBOOK, state)
            assert pos.allowed_costs(RULEBOOK, cell) == {key: cost for _, cost, key in pos.allowed(RULEBOOK, cell)}


def test_a_pictures_middles_are_the_views_estimates_middles() -> None:
    """A doctrine bot's picture reads each track's middle straight off the view's numbers
    (Tracks.mids, without an Estimate each): the same middles, the same type, in the same order,
    as the view's Estimates give, and its own budget's low end, for every seat on many boards."""
    compared = 0
    for state in _positions(23):
        for seat in SEATS:
            tracks = view(state, seat).tracks
            mids = Tracks(state, seat).mids()  # before the Estimates are made, as the picture reads them
            want = {n: est.mid for n, est in tracks.items()}
            assert list(mids.items()) == list(want.items())
            assert all(type(mids[n]) is float for n in want)
            assert all(tracks.low(n) == est.lo for n, est in tracks.items())
            compared += 1
    assert compared > 100


def test_a_record_and_a_class_of_plain_attributes_are_built_as_their_constructors_build_them() -> None:
    """A record (built as a draft, every field a slot) and a class of plain attributes (set as attrs
    sets them) are built with the values given, each field the very object, as their constructors build them."""
    import attrs

    from wargame.engine.adjudication import Adjudication, build_record
    from wargame.engine.builders import builder

    values = (3, "adjudication", "rule", "c6.x", "A rule", (2, 5), "is", "iraq", None, 0.25, 0.5, False,
              (("will", 1, 2),), "{title}", (("title", "A rule"),), True, "forced", (0.1, 0.4), (("x", "1-2"),))
    names = [a.name for a in attrs.fields(Adjudication)]
    got, want = build_record(*values), Adjudication(*values)
    assert got == want and all(getattr(got, n) is v for n, v in zip(names, values))
    with __import__("pytest").raises(attrs.exceptions.FrozenInstanceError):
        got.turn = 4  # type: ignore[misc]

    @attrs.frozen(slots=False)
    class Plain:
        a: int
        b: str = "x"

    built = builder(Plain)(1, "y")
    assert built == Plain(1, "y") and vars(built) == {"a": 1, "b": "y"}
