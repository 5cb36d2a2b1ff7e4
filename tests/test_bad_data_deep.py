"""Bad data, kind 3: deep or huge structures. A TOML array, inline table or table nested any
number of levels deep, in any file the game reads (the rules, the decks, another *.toml of the
rules folder, a targets file) and inside a ``based_on`` scenario merge, is refused in one line
naming the file, exit 3: never a RecursionError. So are a number too long to read, too many values,
and a key with a newline in it, and a problem line never grows with the size of what it shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.bounded import appended, bounded, copy_rulebook, fewer, files, in_process, one_line
from wargame.engine.limits import MAX_NESTING, MAX_VALUES
from wargame.engine.reading import MAX_LINE, RulebookError, read_toml

# --- what a deep structure looks like, in each TOML form ----------------------------------------------


def nested(form: str, depth: int, key: str = "deep") -> str:
    """A TOML fragment nesting ``depth`` levels in one of TOML's forms."""
    if form == "array":
        return f"{key} = " + "[" * depth + "1" + "]" * depth
    if form == "inline":
        return f"{key} = " + "{ a = " * depth + "1" + " }" * depth
    if form == "mixed":
        half = depth // 2
        return f"{key} = " + "[{ a = " * half + "1" + " }]" * half
    if form == "dotted-key":
        return ".".join([key] + ["x"] * depth) + " = 1"
    if form == "quoted-key":
        return ".".join([key] + ['"x"'] * depth) + " = 1"
    if form == "table":
        return "[" + ".".join([key] + ["x"] * depth) + "]\ny = 1"
    raise ValueError(form)


FORMS = ("array", "inline", "mixed", "dotted-key", "quoted-key", "table")
PLACES = {
    # file, and a prefix that puts the fragment inside an entry of that file
    "parameters": ("rules/parameters.toml", ""),
    "scenarios": ("rules/scenarios.toml", '[scenario.deep]\nbased_on = "spring-2016"\n'),
    "rule": ("rules/adjudication.toml", '[[rule]]\nid = "deep.rule"\n'),
    "order": ("rules/orders.toml", '[[order]]\nid = "is.deep"\n'),
    "objective": ("rules/objectives.toml", '[[objective]]\nid = "deep.objective"\n'),
    "card": ("decks/reform.toml", '[[card]]\nid = "deep-card"\n'),
    "doctrine": ("rules/doctrine.toml", '[[order]]\nkind = "is.deep"\n'),
    "other-toml": ("rules/notes.toml", ""),
    "new-deck": ("decks/deep.toml", "[deck]\ncites = [3]\n"),
}


def refused_in_one_line(done, path: Path) -> str:
    return one_line(done, 3, str(path))


@fewer(2)
@given(form=st.sampled_from(FORMS), place=st.sampled_from(sorted(PLACES)),
       depth=st.integers(MAX_NESTING + 1, 4000))
@example(form="array", place="rule", depth=5000)
@example(form="inline", place="card", depth=3000)
@example(form="dotted-key", place="scenarios", depth=5000)
@example(form="table", place="parameters", depth=MAX_NESTING + 1)
def test_a_deep_structure_anywhere_is_refused_in_one_line(book, form, place, depth):
    base, rules, decks = book
    name, prefix = PLACES[place]
    path = base / name
    before = files(base)
    with appended(path, prefix + nested(form, depth)):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        line = refused_in_one_line(done, path)
        assert "nested too deeply" in line and f"{MAX_NESTING}" in line, line
    assert files(base) == before  # nothing written (the file put back as it was)


@given(depth=st.integers(1, MAX_NESTING - 4))
def test_nesting_within_the_limit_is_read(book, depth):
    base, rules, decks = book
    path = base / "rules" / "notes.toml"  # another *.toml: read, checked as TOML, otherwise ignored
    with appended(path, nested("array", depth)):
        assert read_toml(path)["deep"]


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 900, 5000])
def test_a_deep_table_in_a_based_on_merge_is_refused(book, depth):
    """Two scenarios with the same deep table: merging them used to recurse without end."""
    base, rules, decks = book
    deep = ".".join(["x"] * depth)
    text = (f'[scenario.a]\ntitle = "a"\nstart = "2016Q2"\nturns = 2\n[scenario.a.{deep}]\nv = 1\n'
            f'[scenario.b]\nbased_on = "a"\n[scenario.b.{deep}]\nw = 2\n')
    with appended(rules / "scenarios.toml", text):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        refused_in_one_line(done, rules / "scenarios.toml")


@pytest.mark.parametrize("form", FORMS)
def test_a_deep_targets_file_is_refused_in_one_line(book, tmp_path, form):
    base, rules, decks = book
    path = tmp_path / "targets.toml"
    path.write_text(nested(form, 3000, "target") + "\n", encoding="utf-8")
    done = in_process(["--rules", rules, "--decks", decks, "calibrate", "--targets", path, "--runs", "1"])
    assert "nested too deeply" in refused_in_one_line(done, path)
    with pytest.raises(RulebookError) as info:
        read_toml(path)
    assert len(info.value.problems) == 1


@pytest.mark.parametrize("form", ["array", "dotted-key", "quoted-key", "inline", "table"])
def test_a_very_deep_file_is_refused_within_bounded_memory_and_time(tmp_path, form):
    """A whole file of nesting, up to the size limit, in a process whose memory and time are bounded."""
    rules, decks = copy_rulebook(tmp_path)
    depth = 300_000 if form != "inline" else 100_000
    (rules / "adjudication.toml").write_text(nested(form, depth) + "\n", encoding="utf-8")
    before = files(tmp_path)
    done = bounded(["--rules", rules, "--decks", decks, "check"], tmp_path, timeout=60)
    assert "nested too deeply" in one_line(done, 3, str(rules / "adjudication.toml"))
    assert files(tmp_path) == before


# --- huge values, many values, strange keys ------------------------------------------------------------


@fewer()
@given(digits=st.integers(4_400, 200_000))
@example(digits=1_900_000)
def test_a_number_too_long_to_read_is_refused_in_one_line(book, digits):
    base, rules, decks = book
    path = rules / "notes.toml"
    with appended(path, "n = " + "7" * digits):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        assert "not valid TOML" in refused_in_one_line(done, path)


def test_too_many_values_in_one_file_are_refused(book):
    base, rules, decks = book
    path = rules / "notes.toml"
    with appended(path, "many = [" + ",".join(["0"] * (MAX_VALUES + 10)) + "]"):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        assert f"more than {MAX_VALUES} values" in refused_in_one_line(done, path)


def _rule(**fields: str) -> str:
    """A [[rule]] entry, each value already written as TOML."""
    base = {"id": '"huge.rule"', "title": '"Huge"', "cites": "[4]", "claim": '"x"', "phase": '"dynamics"',
            "effects": '["is_funds += 1"]', "explain": '""'}
    return "[[rule]]\n" + "".join(f"{k} = {v}\n" for k, v in {**base, **fields}.items())


HUGE = {
    "cites": lambda n: "[" + ", ".join(["11"] * n) + "]",
    "claims": lambda n: "[" + ", ".join(['"C99"'] * n) + "]",
    "effects": lambda n: "[" + ", ".join(['"is_funds += 1"'] * n) + "]",
    "title": lambda n: '"' + "T" * n + '"',
    "when": lambda n: '"' + "1 + " * n + '1"',
    "explain": lambda n: '"' + "{is_funds}" * n + '"',
    "id": lambda n: '"' + "x" * n + '"',
}


@fewer()
@given(n=st.integers(200, 50_000), key=st.sampled_from(sorted(HUGE)))
def test_a_huge_value_in_a_problem_is_shown_cut_short(book, n, key):
    base, rules, decks = book
    with appended(rules / "adjudication.toml", _rule(**{key: HUGE[key](n)})):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
    assert done.code == 3 and "Traceback" not in done.err, done.err[-500:]
    for line in done.err.splitlines():
        assert line.startswith("wargame: ") and len(line) <= MAX_LINE + len("wargame: "), len(line)


@pytest.mark.parametrize("key", ['"a\\nb"', '"tab\\there"', '"\\u0007bell"', '"' + "k" * 5000 + '"'])
def test_a_strange_key_gives_one_short_line(book, key):
    base, rules, decks = book
    path = rules / "scenarios.toml"
    with appended(path, f"[scenario.{key}]\nbased_on = 3\n"):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        refused_in_one_line(done, path)
