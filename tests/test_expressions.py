"""The rulebook's expression language: what a designer may write, what it means, and what it refuses.

These tests read as the language's promises. Expressions are checked against a small hand-made
scope, and evaluated against plain dicts standing for the board: G (global names), T (the theatre
a rule is applied to) and O (the offshoot).
"""

from __future__ import annotations

import math
import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wargame.engine.effects import Effect, compile_effect
from wargame.engine.expressions import MAX_CONSTANT, MAX_DEPTH, MAX_LENGTH, Expression, ExpressionError, Name, Scope, compile_expression

# --- a small board ---------------------------------------------------------------------------

GLOBALS = {
    "funds": Name("track", 0, 20),
    "intel": Name("track", 0, 10),
    "stage": Name("track", 0, 4),
    "debt": Name("track", -5, 5),
    "total_territory": Name("value", 0, 120),  # computed: read-only
    "rate": Name("value", 0.5, 0.5),  # a parameter: read-only
}
THEATRE = {
    "territory": Name("track", 0, 10),
    "grievance": Name("track", 0, 10),
    "theatre": Name("text", 0, 0),
}
OFFSHOOT = {
    "strength": Name("track", 0, 10),
    "origin": Name("text", 0, 0),
}
GLOBAL_SCOPE = Scope(globals=GLOBALS, kind="global")
THEATRE_SCOPE = Scope(globals=GLOBALS, theatre=THEATRE, kind="theatre")
OFFSHOOT_SCOPE = Scope(globals=GLOBALS, theatre=THEATRE, offshoot=OFFSHOOT, kind="offshoot")
DECKS = frozenset({"reform", "leader_death"})

G = {"funds": 9, "intel": 4, "stage": 2, "debt": -3, "total_territory": 30, "rate": 0.5}
T = {"territory": 5, "grievance": 8, "theatre": "iraq"}
O = {"strength": 3, "origin": "defectors"}


def evaluate(source: str, G=G, T=T, O=O, scope: Scope = OFFSHOOT_SCOPE):
    return compile_expression(source, scope)(G, T, O)


# --- 1. good expressions compile and mean what they say --------------------------------------


@pytest.mark.parametrize(
    "source, expected",
    [
        # arithmetic
        ("funds + intel", 13),
        ("funds - intel * 2", 1),
        ("(funds - intel) * 2", 10),
        ("funds / 2", 4.5),
        ("funds // 2", 4),
        ("funds % 4", 1),
        ("-debt", 3),
        ("+debt", -3),
        ("intel ** 2", 16),
        ("2 ** 4", 16),
        ("1.5 * intel", 6.0),
        ("territory + strength", 8),
        ("funds * rate", 4.5),
        # comparisons
        ("funds > intel", True),
        ("funds < intel", False),
        ("funds >= 9", True),
        ("funds <= 8", False),
        ("stage == 2", True),
        ("stage != 2", False),
        # and / or / not
        ("funds > 5 and intel > 5", False),
        ("funds > 5 or intel > 5", True),
        ("not intel > 5", True),
        ("not (funds > 5 and intel > 5)", True),
        # x if c else y
        ("1 if funds > 5 else 0", 1),
        ("intel if stage == 3 else debt", -3),
        ("0.5 if stage == 2 else (0.25 if stage == 1 else 0)", 0.5),
        # functions
        ("min(funds, intel)", 4),
        ("min(funds, intel, debt, 7)", -3),
        ("max(funds, intel)", 9),
        ("max(1, 2, 3, 4, 5, 6, 7, 8)", 8),
        ("abs(debt)", 3),
        ("clamp(funds, 0, 5)", 5),
        ("clamp(debt, 0, 5)", 0),
        ("clamp(intel, 0, 5)", 4),
        ("floor(funds / 2)", 4),
        ("ceil(funds / 2)", 5),
        ("floor(-1.5)", -2),
        ("ceil(-1.5)", -1),
        # text comparisons
        ('theatre == "iraq"', True),
        ('theatre != "iraq"', False),
        ('"iraq" == theatre', True),
        ('theatre == "syria"', False),
        ('origin == "defectors" and strength > 2', True),
        ("1 if theatre == 'iraq' else 0", 1),
        # constants at the limits
        (str(MAX_CONSTANT), MAX_CONSTANT),
        ("True + 1", 2),
    ],
)
def test_a_good_expression_evaluates_to_what_it_says(source, expected):
    value = evaluate(source)
    assert value == expected
    assert isinstance(value, (bool, int, float))


@pytest.mark.parametrize(
    "source",
    ["funds / 0", "funds / (intel - 4)", "funds / (stage - stage)", "1 / debt"],
)
def test_division_by_zero_gives_zero(source):
    G0 = {**G, "debt": 0}
    assert evaluate(source, G=G0) == 0


@pytest.mark.parametrize("source", ["funds // 0", "funds % 0", "funds // (intel - 4)", "funds % (intel - 4)"])
def test_floor_division_and_remainder_by_zero_give_zero(source):
    assert evaluate(source) == 0


def test_an_expression_remembers_its_source_and_the_names_it_reads():
    e = compile_expression("min(funds, 5) / 2 + territory", THEATRE_SCOPE)
    assert isinstance(e, Expression)
    assert e.source == "min(funds, 5) / 2 + territory"
    assert e.names == frozenset({"funds", "territory"})
    assert "min(funds, 5)" in repr(e)


def test_the_innermost_scope_wins_a_name_clash():
    scope = Scope(globals={"x": Name("track", 0, 1)}, theatre={"x": Name("track", 5, 9)}, kind="theatre")
    e = compile_expression("x", scope)
    assert e({"x": 0}, {"x": 7}, {}) == 7
    assert e.bounds == (5, 9)


def test_an_expression_reads_the_board_it_is_given_not_the_one_it_was_compiled_with():
    e = compile_expression("funds * 2", GLOBAL_SCOPE)
    assert e({"funds": 1}, {}, {}) == 2
    assert e({"funds": 10}, {}, {}) == 20


@pytest.mark.parametrize(
    "source, bounds",
    [
        ("min(funds, 5) / 2", (0.0, 2.5)),
        ("funds + intel", (0.0, 30.0)),
        ("funds - intel", (-10.0, 20.0)),
        ("debt * debt", (-25.0, 25.0)),
        ("debt ** 2", (0.0, 25.0)),
        ("abs(debt)", (0.0, 5.0)),
        ("clamp(funds / 10, 0, 1)", (0.0, 1.0)),
        ("funds > 3", (0.0, 1.0)),
        ("1 if funds > 3 else 0.5", (0.5, 1.0)),
        ("funds / intel", (0.0, 20.0)),
    ],
)
def test_bounds_are_the_least_and_greatest_values_an_expression_can_take(source, bounds):
    assert compile_expression(source, GLOBAL_SCOPE).bounds == bounds


# --- 2. bounds are sound ---------------------------------------------------------------------

# Whole-number tracks, as the board's tracks are.
BOUNDED = {"a": (0, 3), "b": (-2, 2), "c": (1, 5), "d": (0, 10)}
BOUNDED_SCOPE = Scope(globals={n: Name("track", lo, hi) for n, (lo, hi) in BOUNDED.items()})

_leaves = st.one_of(
    st.sampled_from(sorted(BOUNDED)),
    st.integers(-3, 6).map(str),
    st.sampled_from(["0.5", "0.25", "1.5", "10"]),
)
_CMP = ["<", "<=", ">", ">=", "==", "!="]


def _extend(children):
    binop = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "//", "%"]), children)
    return st.one_of(
        binop.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(children, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(children, children, children).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(st.sampled_from(["abs", "floor", "ceil"]), children).map(lambda t: f"{t[0]}({t[1]})"),
        children.map(lambda c: f"(-{c})"),
        st.tuples(children, st.sampled_from(["2", "3"])).map(lambda t: f"({t[0]}) ** {t[1]}"),
        st.tuples(children, st.sampled_from(_CMP), children, children, children).map(
            lambda t: f"({t[3]} if {t[0]} {t[1]} {t[2]} else {t[4]})"
        ),
        st.tuples(children, st.sampled_from(_CMP), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, st.sampled_from(["and", "or"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"(not {c})"),
    )


expressions = st.recursive(_leaves, _extend, max_leaves=10)
bounded_values = st.fixed_dictionaries({n: st.integers(lo, hi) for n, (lo, hi) in BOUNDED.items()})


def _within(value: float, bounds: tuple[float, float]) -> bool:
    lo, hi = bounds
    tol = 1e-9 * max(1.0, abs(value))
    return lo - tol <= value <= hi + tol


@given(source=expressions, values=bounded_values)
@example(source="(-clamp(a, (c) ** 2, a))", values={"a": 0, "b": 0, "c": 2, "d": 0})
def test_every_value_an_expression_takes_lies_within_its_bounds(source, values):
    try:
        e = compile_expression(source, BOUNDED_SCOPE)
    except ExpressionError as err:
        # The grammar can only break the size limits, or divide by something that can come near
        # 0 (which the language refuses rather than give an unbounded value).
        assert any(why in str(err) for why in ("nested too deeply", "longer than", "can reach values beyond")), (
            source, err)
        return
    value = e(values, {}, {})
    assert isinstance(value, (int, float))
    assert _within(value, e.bounds), f"{source} = {value} with {values}, outside {e.bounds}"


# The loader proves a chance lies in 0..1 from these bounds. Each of these lets a value escape them.


@pytest.mark.parametrize("source, scope", [
    ("1 / (d / 10)", BOUNDED_SCOPE),  # d / 10 lies in 0..1 and can be 0.1: 1 / 0.1 is 10
    ("1 // (d / 10)", BOUNDED_SCOPE),
    ("0.5 / avg", Scope(globals={"avg": Name("value", 0, 10)})),  # an average can be 0.25
])
def test_dividing_by_what_can_come_near_zero_is_refused(source, scope):
    with pytest.raises(ExpressionError, match="can reach values beyond"):
        compile_expression(source, scope)


def test_dividing_by_a_whole_number_track_is_bounded():
    e = compile_expression("1 / d", BOUNDED_SCOPE)
    assert e.bounds == (0.0, 1.0)
    assert e({"a": 0, "b": 0, "c": 1, "d": 0}, {}, {}) == 0.0


def test_clamp_whose_floor_can_exceed_its_ceiling_stays_within_bounds():
    # clamp(x, lo, hi) gives lo when x < lo, even when lo > hi
    e = compile_expression("clamp(0.5, d, 1)", BOUNDED_SCOPE)
    value = e({"a": 0, "b": 0, "c": 1, "d": 10}, {}, {})
    assert _within(value, e.bounds), f"clamp(0.5, d, 1) = {value} with d = 10, outside {e.bounds}"


def test_floor_division_by_an_inexact_constant_stays_within_bounds():
    # 1 // 0.1 is 9.0 in floating point, though 1 / 0.1 is 10.0
    e = compile_expression("1 // 0.1", BOUNDED_SCOPE)
    value = e({}, {}, {})
    assert _within(value, e.bounds), f"1 // 0.1 = {value}, outside {e.bounds}"


# --- 3. hostile and malformed input is refused -----------------------------------------------

HOSTILE = [
    # dunders, attributes, subscripts
    "().__class__",
    "funds.__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "funds.real",
    "(1).bit_length()",
    "funds[0]",
    "funds[0:1]",
    "__builtins__",
    "__import__",
    "G",  # the compiled function's own parameters are not names of the board
    "G['funds']",
    "_div(1, 0)",
    # calls that run code or touch files
    "__import__('os')",
    "__import__('os').system('x')",
    "eval('1')",
    "exec('1')",
    "open('/etc/passwd')",
    "compile('1', '', 'eval')",
    "getattr(funds, 'real')",
    "globals()",
    "print(1)",
    "breakpoint()",
    "round(funds)",
    "pow(2, 3)",
    "int(funds)",
    "sum(1, 2)",
    "min.__call__(1, 2)",
    "(lambda: 1)()",
    # lambdas, comprehensions, generators, containers
    "lambda: 1",
    "lambda x: x",
    "[x for x in (1, 2)]",
    "{x for x in (1, 2)}",
    "{x: 1 for x in (1, 2)}",
    "(x for x in (1, 2))",
    "max(x for x in (1, 2))",
    "[1, 2]",
    "(1, 2)",
    "{1: 2}",
    "{1}",
    # assignment, f-strings, statements
    "(y := 1)",
    "(funds := 1)",
    "funds := 1",
    'f"{funds}"',
    'f"{funds}" == theatre',
    "import os",
    "x = 1",
    "funds = 1",
    "funds += 1",
    "pass",
    "def f(): pass",
    "yield 1",
    "await funds",
    # powers
    "9**999999",
    "9 ** 99",
    "2**5",
    "2**x",
    "2**funds",
    "funds ** funds",
    "2 ** -1",
    "2 ** 0.5",
    "2 ** True",
    "2 ** (1 + 1)",
    "((1000000**4)**4)**4",
    # big constants
    "10000000",
    str(MAX_CONSTANT + 1),
    "1e7",
    "-10000000",
    "1e999",
    "9" * 300,
    # constants that are not numbers
    "None",
    "...",
    "1j",
    "b'x'",
    "b'x' == theatre",
    "funds + b'x'",
    # deep nesting and size
    "(" * 200 + "1" + ")" * 200,
    "-" * 200 + "1",
    "not " * 60 + "funds",
    "abs(" * (MAX_DEPTH + 2) + "funds" + ")" * (MAX_DEPTH + 2),
    "(" * 30 + "funds" + " + 1)" * 30,
    "1 if " * 30 + "1" + " else 1" * 30,
    "funds + " * 200 + "1",
    "1" + " " * MAX_LENGTH,
    # empty
    "",
    "   ",
    "\n\t",
    # unknown names and functions
    "nope",
    "Funds",
    "nope + 1",
    "frobnicate(1)",
    "sin(1)",
    # wrong calls
    "min(funds, 1, key=abs)",
    "clamp(x=1, lo=0, hi=1)",
    "max(*(1, 2), 3)",
    "min(*funds)",
    "min(funds)",
    "max(1, 2, 3, 4, 5, 6, 7, 8, 9)",
    "abs(1, 2)",
    "clamp(1, 2)",
    "floor()",
    # comparisons
    "0 < funds < 5",
    "funds == intel == 1",
    "funds in (1, 2)",
    "funds not in (1, 2)",
    "funds is 1",
    "funds is not None",
    # bitwise
    "funds | 1",
    "funds & 1",
    "funds ^ 1",
    "~funds",
    "funds << 2",
    "funds >> 2",
    "funds @ funds",
    # texts
    '"a" + 1',
    "'iraq'",
    "theatre + 1",
    "-theatre",
    "theatre",
    "min(theatre, 1)",
    "theatre * 2 == 'iraqiraq'",
    "theatre < 'iraq'",
    "theatre == 1",
    "theatre == funds",
    "'iraq' == 'iraq'",
    "theatre == origin",
    "not 'iraq'",
    "funds if 'iraq' else 0",
    # characters Python cannot read
    "\x00",
    "funds\x00",
    "'\ud800' == theatre",
    "funds +",
    "funds)",
    "if funds: 1",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_or_malformed_expressions_are_refused_with_a_reason(source):
    with pytest.raises(ExpressionError) as info:
        compile_expression(source, OFFSHOOT_SCOPE)
    assert str(info.value).strip()


@pytest.mark.parametrize("source", [1, 0.5, True, None, [], ["funds"], {"funds": 1}, b"funds", ("funds",)])
def test_an_expression_that_is_not_text_is_refused(source):
    with pytest.raises(ExpressionError, match="in quotes"):
        compile_expression(source, OFFSHOOT_SCOPE)


def test_an_expression_longer_than_the_limit_is_refused_and_one_at_it_is_not():
    flat = "max(" + ", ".join(["funds"] * 8) + ")"
    at_limit = flat + " " * (MAX_LENGTH - len(flat))
    assert len(at_limit) == MAX_LENGTH
    assert compile_expression(at_limit, GLOBAL_SCOPE)(G, T, O) == 9
    with pytest.raises(ExpressionError, match="longer than"):
        compile_expression(at_limit + " ", GLOBAL_SCOPE)


def test_nesting_at_the_limit_is_allowed_and_beyond_it_refused():
    def nested(n: int) -> str:
        return "-" * n + "funds"

    assert compile_expression(nested(MAX_DEPTH), GLOBAL_SCOPE)({"funds": 2}, {}, {}) == 2
    with pytest.raises(ExpressionError, match="nested too deeply"):
        compile_expression(nested(MAX_DEPTH + 1), GLOBAL_SCOPE)


def test_a_hostile_expression_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    attempts = [
        f"__import__('os').mkdir({str(marker)!r})",
        f"open({str(marker)!r}, 'w')",
        f"().__class__.__base__.__subclasses__() and open({str(marker)!r}, 'w')",
        f"[open({str(marker)!r}, 'w') for _ in (1,)]",
        f"(lambda: open({str(marker)!r}, 'w'))()",
    ]
    for source in attempts:
        with pytest.raises(ExpressionError):
            compile_expression(source, OFFSHOOT_SCOPE)
        with pytest.raises(ExpressionError):
            compile_effect(source, OFFSHOOT_SCOPE, DECKS)
        with pytest.raises(ExpressionError):
            compile_effect(f"funds = {source}", OFFSHOOT_SCOPE, DECKS)
    assert not marker.exists()


# A product too large for a float is still accepted: its bounds overflow to infinity, so they
# prove nothing, and the engine hits the overflow (or a hang) when it evaluates it.
_HUGE_INT = "*".join(["1000000**4"] * 13)  # 10**312 as a whole number; its bounds are (inf, inf)
_HUGE_FLOAT = "*".join(["1e6**4"] * 13)  # inf as a float


def test_an_expression_whose_bounds_overflow_is_refused():
    with pytest.raises(ExpressionError):
        compile_expression(_HUGE_INT, GLOBAL_SCOPE)


def test_repeated_small_powers_of_a_huge_number_are_refused_before_they_can_hang_the_engine():
    # (10**312) ** (4**9): some 80 million digits, minutes of work at every evaluation.
    # Only compiled here, never evaluated.
    source = "(" * 9 + _HUGE_INT + ")**4" * 9
    assert len(source) <= MAX_LENGTH
    with pytest.raises(ExpressionError):
        compile_expression(source, GLOBAL_SCOPE)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f"floor({_HUGE_FLOAT})", id="floor(inf)"),
        pytest.param(f"ceil({_HUGE_FLOAT})", id="ceil(inf)"),
        pytest.param(f"({_HUGE_INT}) / 1", id="10**312 / 1"),
        pytest.param(f"floor(({_HUGE_FLOAT}) - ({_HUGE_FLOAT}))", id="floor(inf - inf)"),
    ],
)
def test_an_expression_that_compiles_evaluates_without_raising(source):
    try:
        e = compile_expression(source, GLOBAL_SCOPE)
    except ExpressionError:
        return  # refusing it is as good
    value = e(G, T, O)
    assert isinstance(value, (int, float)) and math.isfinite(value)


# Any text at all: compiled or refused with ExpressionError, never another exception; and what
# compiles evaluates on any in-bounds board.

_TOKENS = [
    "funds", "intel", "stage", "debt", "territory", "strength", "theatre", "origin", "rate",
    "total_territory", "nope", "x", "_", "__", "__class__", "__import__", "os", "eval", "open",
    "min", "max", "abs", "clamp", "floor", "ceil", "lambda", "for", "in", "is", "not", "and", "or",
    "if", "else", "import", "True", "None", "0", "1", "2", "4", "9", "0.5", "1e6", "1000000",
    "'iraq'", '"x"', "b'x'", "f'{x}'", ".", ",", ":", ":=", "(", ")", "[", "]", "{", "}", "'", '"',
    "+", "-", "*", "**", "/", "//", "%", "<", "<=", ">", ">=", "==", "!=", "=", "+=", "&", "|",
    "^", "~", "<<", "@", " ", "\n", "\\", ";", "#",
]
pythonish = st.one_of(
    st.lists(st.sampled_from(_TOKENS), max_size=30).map("".join),
    st.lists(st.sampled_from(_TOKENS), max_size=30).map(" ".join),
    st.text(alphabet=string.ascii_letters[:12] + string.digits + "_.()[]{}'\"+-*/%<>=!&|^~ ,:", max_size=60),
)
board_values = st.fixed_dictionaries(
    {n: st.integers(int(v.lo), int(v.hi)) for n, v in GLOBALS.items() if v.kind != "text" and n != "rate"}
).map(lambda d: {**d, "rate": 0.5})
theatre_values = st.fixed_dictionaries(
    {"territory": st.integers(0, 10), "grievance": st.integers(0, 10), "theatre": st.sampled_from(["iraq", "syria"])}
)
offshoot_values = st.fixed_dictionaries(
    {"strength": st.integers(0, 10), "origin": st.sampled_from(["defectors", "holdouts", "inspired"])}
)


def _compiles_or_refuses(source, g, t, o):
    try:
        e = compile_expression(source, OFFSHOOT_SCOPE)
    except ExpressionError as err:
        assert str(err)
        return
    value = e(g, t, o)
    assert isinstance(value, (bool, int, float))


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # Python's own, e.g. for "1and x"
@given(source=st.text(max_size=80), g=board_values, t=theatre_values, o=offshoot_values)
def test_any_text_compiles_or_is_refused_with_expression_error(source, g, t, o):
    _compiles_or_refuses(source, g, t, o)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # Python's own, e.g. for "1and x"
@given(source=pythonish, g=board_values, t=theatre_values, o=offshoot_values)
def test_any_python_like_text_compiles_or_is_refused_with_expression_error(source, g, t, o):
    _compiles_or_refuses(source, g, t, o)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # Python's own, e.g. for "1and x"
@given(source=st.one_of(st.text(max_size=60), pythonish))
def test_any_text_as_an_effect_compiles_or_is_refused_with_expression_error(source):
    try:
        effect = compile_effect(source, OFFSHOOT_SCOPE, DECKS)
    except ExpressionError as err:
        assert str(err)
        return
    assert isinstance(effect, Effect)
    assert effect.op in ("=", "+=", "-=", "spawn_offshoot", "absorb_offshoot", "draw")


# --- 4. effects ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, op, target, where, value",
    [
        ("funds = 3", "=", "funds", "G", 3),
        ("funds += intel / 2", "+=", "funds", "G", 2.0),
        ("funds -= 1 if stage == 2 else 0", "-=", "funds", "G", 1),
        ("territory -= 1", "-=", "territory", "T", 1),
        ("grievance += max(1, funds // 3)", "+=", "grievance", "T", 3),
        ("strength += 1", "+=", "strength", "O", 1),
        ("debt = -debt", "=", "debt", "G", 3),
        ("(funds) = 1", "=", "funds", "G", 1),
    ],
)
def test_an_effect_on_a_track_sets_adds_or_subtracts(source, op, target, where, value):
    effect = compile_effect(source, OFFSHOOT_SCOPE, DECKS)
    assert (effect.op, effect.target, effect.where) == (op, target, where)
    assert effect.source == source
    (expr,) = effect.args
    assert expr(G, T, O) == value


def test_an_effect_on_a_theatre_track_needs_a_theatre_scope():
    with pytest.raises(ExpressionError, match="unknown track 'territory'"):
        compile_effect("territory -= 1", GLOBAL_SCOPE, DECKS)


def test_actions_compile_with_their_arguments():
    spawn = compile_effect('spawn_offshoot("defectors", 1 + funds // 3, 2)', THEATRE_SCOPE, DECKS)
    assert spawn.op == "spawn_offshoot" and spawn.where == ""
    origin, strength, brutality = spawn.args
    assert origin == "defectors"
    assert strength(G, T, O) == 4 and brutality(G, T, O) == 2
    assert compile_effect("absorb_offshoot()", OFFSHOOT_SCOPE, DECKS).args == ()
    assert compile_effect('draw("reform")', GLOBAL_SCOPE, DECKS).args == ("reform",)


@pytest.mark.parametrize("origin", ["defectors", "holdouts", "inspired"])
def test_every_offshoot_origin_can_be_spawned(origin):
    assert compile_effect(f'spawn_offshoot("{origin}", 1, 1)', THEATRE_SCOPE, DECKS).args[0] == origin


@pytest.mark.parametrize(
    "source, scope, reason",
    [
        ("total_territory -= 1", GLOBAL_SCOPE, "not a track"),
        ("rate = 1", GLOBAL_SCOPE, "not a track"),
        ("theatre = 'syria'", THEATRE_SCOPE, "not a track"),
        ("origin = 'holdouts'", OFFSHOOT_SCOPE, "not a track"),
        ("nope = 1", GLOBAL_SCOPE, "unknown track"),
        ("funds *= 2", GLOBAL_SCOPE, "=, \\+= and -="),
        ("funds /= 2", GLOBAL_SCOPE, "=, \\+= and -="),
        ("funds //= 2", GLOBAL_SCOPE, "=, \\+= and -="),
        ("funds **= 2", GLOBAL_SCOPE, "=, \\+= and -="),
        ("funds |= 2", GLOBAL_SCOPE, "=, \\+= and -="),
        ("funds = 1; intel = 2", GLOBAL_SCOPE, "one effect"),
        ("funds = 1\nintel = 2", GLOBAL_SCOPE, "one effect"),
        ("funds = intel = 1", GLOBAL_SCOPE, "one track at a time"),
        ("funds, intel = 1, 2", GLOBAL_SCOPE, "track's name"),
        ("[funds] = [1]", GLOBAL_SCOPE, "track's name"),
        ("funds.real = 1", GLOBAL_SCOPE, "track's name"),
        ("funds[0] = 1", GLOBAL_SCOPE, "track's name"),
        ("funds: int = 1", GLOBAL_SCOPE, "an effect is"),
        ("frobnicate()", GLOBAL_SCOPE, "unknown action"),
        ("print(funds)", GLOBAL_SCOPE, "unknown action"),
        ("__import__('os')", GLOBAL_SCOPE, "unknown action"),
        ("os.system('x')", GLOBAL_SCOPE, "an effect is"),
        ('spawn_offshoot("defectors", 1, 1)', GLOBAL_SCOPE, "needs a theatre"),
        ("absorb_offshoot()", GLOBAL_SCOPE, "needs an offshoot"),
        ("absorb_offshoot()", THEATRE_SCOPE, "needs an offshoot"),
        ('draw("nope")', GLOBAL_SCOPE, "no deck 'nope'"),
        ("draw(reform)", GLOBAL_SCOPE, "quoted text"),
        ("draw(1)", GLOBAL_SCOPE, "quoted text"),
        ('draw(deck="reform")', GLOBAL_SCOPE, "takes 1 arguments"),
        ('draw("reform", "reform")', GLOBAL_SCOPE, "takes 1 arguments"),
        ("absorb_offshoot(1)", OFFSHOOT_SCOPE, "takes 0 arguments"),
        ('spawn_offshoot("pirates", 1, 1)', THEATRE_SCOPE, "origin"),
        ('spawn_offshoot("Defectors", 1, 1)', THEATRE_SCOPE, "origin"),
        ("spawn_offshoot(defectors, 1, 1)", THEATRE_SCOPE, "quoted text"),
        ('spawn_offshoot("defectors", 1)', THEATRE_SCOPE, "takes 3 arguments"),
        ('spawn_offshoot("defectors", nope, 1)', THEATRE_SCOPE, "unknown name"),
        ('spawn_offshoot("defectors", theatre, 1)', THEATRE_SCOPE, "not a number"),
        ('spawn_offshoot("defectors", *(1, 1))', THEATRE_SCOPE, "takes 3 arguments"),
        ("funds", GLOBAL_SCOPE, "an effect is"),
        ("funds > 1", GLOBAL_SCOPE, "an effect is"),
        ("import os", GLOBAL_SCOPE, "an effect is"),
        ("del funds", GLOBAL_SCOPE, "an effect is"),
        ("pass", GLOBAL_SCOPE, "an effect is"),
        ("if funds: funds = 1", GLOBAL_SCOPE, "an effect is"),
        ("lambda: 1", GLOBAL_SCOPE, "an effect is"),
        ("", GLOBAL_SCOPE, "empty"),
        ("  ", GLOBAL_SCOPE, "empty"),
    ],
)
def test_an_effect_that_is_not_allowed_is_refused_with_the_reason(source, scope, reason):
    with pytest.raises(ExpressionError, match=reason):
        compile_effect(source, scope, DECKS)


def test_draw_with_no_decks_given_is_refused():
    with pytest.raises(ExpressionError, match="no deck 'reform'"):
        compile_effect('draw("reform")', GLOBAL_SCOPE)


@pytest.mark.parametrize(
    "value",
    [
        "().__class__",
        "funds.__class__",
        "__import__('os').system('x')",
        "eval('1')",
        "open('x')",
        "lambda: 1",
        "[x for x in (1,)]",
        "(y := 1)",
        'f"{funds}"',
        "9**999999",
        "2**funds",
        "10000000",
        "-" * 200 + "1",
        "funds + 'x'",
        "theatre + 1",
        "0 < funds < 5",
        "funds | 1",
        "nope",
        "min(funds, 1, key=abs)",
        "b'x'",
    ],
)
def test_hostile_input_in_an_effect_is_refused(value):
    for source in (f"funds = {value}", f"funds += {value}", f"territory -= {value}", f'spawn_offshoot("defectors", {value}, 1)'):
        with pytest.raises(ExpressionError):
            compile_effect(source, THEATRE_SCOPE, DECKS)


@pytest.mark.parametrize("source", [None, 1, ["funds = 1"], b"funds = 1"])
def test_an_effect_that_is_not_text_is_refused(source):
    with pytest.raises(ExpressionError, match="in quotes"):
        compile_effect(source, GLOBAL_SCOPE, DECKS)


def test_an_effect_longer_than_the_limit_is_refused():
    with pytest.raises(ExpressionError, match="longer than"):
        compile_effect("funds = " + "1" * MAX_LENGTH, GLOBAL_SCOPE, DECKS)
