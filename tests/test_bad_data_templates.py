"""Bad data, kind 4: templates are a second language, and it is checked. A field of ``explain``,
``explain_fail`` (rules and orders) or a card's ``text`` is a plain name with no format or one of a
short list: an attribute, an index, a conversion, a field nested in a format, a width (the
2,000,000,000 that exhausted memory at play, the 70,000,000 that made a 66 MiB autosave) or any other
format is refused at load in one line, exit 3. Texts shown as written may hold no braces at all.
And the renderer itself fills in nothing else, whatever template reaches it.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.bounded import appended, bounded, copy_rulebook, fewer, files, in_process, one_line
from wargame.engine.adjudication import Adjudication
from wargame.engine.rulebook import load_rulebook
from wargame.engine.shown import render_records
from wargame.engine.templates import MAX_TEMPLATE, NUMBER_SPECS, TemplateError, render_template, template_parts
from wargame.engine.turn import new_game


def toml_text(value: str) -> str:
    """A TOML literal string if it can be one, else a basic string with escapes."""
    if "'" not in value and "\n" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def rule(**fields: str) -> str:
    base = {"id": "t.rule", "title": "A test rule", "claim": "For the tests.", "phase": "dynamics",
            "explain": "Funds {is_funds}."}
    body = "".join(f"{k} = {toml_text(v)}\n" for k, v in {**base, **fields}.items())
    return f"[[rule]]\n{body}cites = [4]\neffects = ['is_funds += 0']\n"


def order(**fields: str) -> str:
    base = {"id": "is.t_order", "cell": "is", "title": "A test order", "text": "For the tests.",
            "explain": "Funds {is_funds}.", "chance": "0.5"}
    body = "".join(f"{k} = {toml_text(v)}\n" for k, v in {**base, **fields}.items())
    return f"[[order]]\n{body}cites = [4]\ncost = 0\nsuccess = ['is_funds += 0']\n"


def card(**fields: str) -> str:
    base = {"id": "t-card", "title": "A test card", "text": "Funds {is_funds}."}
    body = "".join(f"{k} = {toml_text(v)}\n" for k, v in {**base, **fields}.items())
    return f"[[card]]\n{body}cites = [9]\neffects = ['is_funds += 0']\n"


def objective(**fields: str) -> str:
    base = {"id": "t.objective", "cell": "is", "title": "A test objective", "text": "For the tests."}
    body = "".join(f"{k} = {toml_text(v)}\n" for k, v in {**base, **fields}.items())
    return f"[[objective]]\n{body}cites = [3]\npoints = 1\nscore = '1 if total_territory > 0 else 0'\n"


TEMPLATES = {  # where a template is: (file, entry maker, key)
    "rule explain": ("rules/adjudication.toml", rule, "explain"),
    "rule explain_fail": ("rules/adjudication.toml", rule, "explain_fail"),
    "order explain": ("rules/orders.toml", order, "explain"),
    "order explain_fail": ("rules/orders.toml", order, "explain_fail"),
    "card text": ("decks/reform.toml", card, "text"),
}
PLAIN = {  # texts shown as written: no braces at all
    "rule title": ("rules/adjudication.toml", rule, "title"),
    "rule claim": ("rules/adjudication.toml", rule, "claim"),
    "order title": ("rules/orders.toml", order, "title"),
    "order text": ("rules/orders.toml", order, "text"),
    "card title": ("decks/reform.toml", card, "title"),
    "objective title": ("rules/objectives.toml", objective, "title"),
    "objective text": ("rules/objectives.toml", objective, "text"),
}

NUMBERS = ["is_funds", "is_revenue", "relation_turns", "total_territory", "max_orders"]
TEXTS = ["title", "theatre_title", "chance", "roll", "cell"]
ATTRIBUTES = ["__class__", "__format__", "__globals__", "real", "__init__", "__dict__", "mro", "__builtins__"]


@st.composite
def bad_fields(draw, syntax: bool = False) -> str:
    """A template field the checker must refuse (``syntax``: refused whatever the field's name
    stands for; else also a number's format on a text field)."""
    name = draw(st.sampled_from(NUMBERS + TEXTS))
    kinds = ["attribute", "index", "conversion", "nested", "width", "format", "positional"]
    kind = draw(st.sampled_from(kinds if syntax else kinds + ["text-format"]))
    if kind == "attribute":
        chain = draw(st.lists(st.sampled_from(ATTRIBUTES), min_size=1, max_size=4))
        return "{" + ".".join([name, *chain]) + "}"
    if kind == "index":
        return "{" + name + "[" + draw(st.sampled_from(["0", "os", "__builtins__", "-1"])) + "]}"
    if kind == "conversion":
        return "{" + name + "!" + draw(st.sampled_from("rsa")) + "}"
    if kind == "nested":
        inner = draw(st.sampled_from(NUMBERS + TEXTS))
        chain = draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3))
        return "{" + name + ":{" + ".".join([inner, *chain]) + "}}"
    if kind == "width":
        width = draw(st.integers(1, 2_000_000_000))
        tail = draw(st.sampled_from(["", ".1f", "d", ",", ".0%"]))
        fill = draw(st.sampled_from(["", "<", ">", "^", "0", "x>", "+"]))
        return "{" + name + ":" + fill + str(width) + tail + "}"
    if kind == "format":
        spec = draw(st.sampled_from(["e", "x", "b", "o", "g", ",", "_", "n", ".10f", ".4f", ".100f", "c", "s", "r",
                                     "%", ".2%", "#x", " d", "=+10d"]))
        return "{" + name + ":" + spec + "}"
    if kind == "text-format":
        return "{" + draw(st.sampled_from(TEXTS)) + ":" + draw(st.sampled_from(NUMBER_SPECS)) + "}"
    return draw(st.sampled_from(["{}", "{0}", "{1}", "{ }", "{-}"]))


@fewer(4)
@given(where=st.sampled_from(sorted(TEMPLATES)), field=bad_fields(), before=st.sampled_from(["", "IS: "]))
@example(where="rule explain", field="{is_funds:2000000000}", before="")
@example(where="order explain", field="{is_funds:70000000}", before="")
@example(where="card text", field="{title:{is_funds.__format__.__globals__[os]}}", before="")
@example(where="rule explain_fail", field="{chance.__format__.__globals__}", before="")
def test_a_template_field_outside_the_language_is_refused_at_load(book, where, field, before):
    base, rules, decks = book
    name, make, key = TEMPLATES[where]
    path = base / name
    with appended(path, make(**{key: before + field + " (¶4)"})):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        one_line(done, 3, str(path), repr(key))


@fewer(4)
@given(where=st.sampled_from(sorted(TEMPLATES)), name=st.sampled_from(NUMBERS), spec=st.sampled_from(("",) + NUMBER_SPECS),
       text=st.sampled_from(TEXTS))
def test_the_allowed_fields_load(book, where, name, spec, text):
    base, rules, decks = book
    path, make, key = TEMPLATES[where]
    template = f"{{{name}{':' + spec if spec else ''}}} and {{{text}}}, {{{{braces}}}} (¶4)."
    with appended(base / path, make(**{key: template})):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        assert done.code == 0, done.err


@fewer(4)
@given(where=st.sampled_from(sorted(PLAIN)), text=st.sampled_from(["{is_funds}", "a {", "} b", "{{x}}", "{x.y}"]))
def test_a_text_shown_as_written_may_hold_no_braces(book, where, text):
    base, rules, decks = book
    name, make, key = PLAIN[where]
    with appended(base / name, make(**{key: "Text " + text})):
        one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, str(base / name), "braces")


@pytest.mark.parametrize("key", ["title", "text"])
def test_a_decks_title_and_text_may_hold_no_braces(book, key):
    base, rules, decks = book
    path = decks / "extra.toml"
    path.write_text(f"[deck]\ncites = [3]\n{key} = '{{deck.__class__}}'\n\n" + card(id="extra-card"), encoding="utf-8")
    try:
        one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, str(path), "braces")
    finally:
        path.unlink()


def test_a_template_longer_than_the_limit_is_refused(book):
    base, rules, decks = book
    path = rules / "adjudication.toml"
    with appended(path, rule(explain="x" * (MAX_TEMPLATE + 1))):
        one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, str(path), "longer than")


@pytest.mark.parametrize("field", ["{is_funds:2000000000}", "{is_funds:70000000}", "{title:{is_funds.__class__}}"])
def test_a_huge_width_is_refused_before_anything_is_played_or_written(tmp_path, field):
    """The issue's examples, end to end, in a process whose memory is bounded: `check` refuses the
    rulebook, and so does `play`, before it writes a save."""
    rules, decks = copy_rulebook(tmp_path)
    with (rules / "adjudication.toml").open("a", encoding="utf-8") as f:
        f.write("\n" + rule(explain=f"Funds {field}.") + "\n")
    before = files(tmp_path)
    for argv in (["check"], ["play", "--headless", "--seats", "all=bot", "--seed", "1", "--turns", "2",
                             "--save", tmp_path / "game.json"]):
        done = bounded(["--rules", rules, "--decks", decks, *argv], tmp_path, timeout=60, memory=512 * 2**20)
        one_line(done, 3, str(rules / "adjudication.toml"), "explain")
    assert files(tmp_path) == before and not (tmp_path / "game.json").exists()


# --- the renderer fills in nothing else, whatever reaches it ------------------------------------------


class Spy:
    """A value that records any use beyond being written out as a number."""

    touched: list[str] = []

    def __getattribute__(self, name: str):
        Spy.touched.append(name)
        return object.__getattribute__(self, name)

    def __format__(self, spec: str) -> str:
        Spy.touched.append(f"format:{spec}")
        return "spy"


@given(field=bad_fields(), literal=st.text(alphabet="ab {}:!.[]", max_size=20))
@example(field="{x:2000000000}", literal="")
@example(field="{x:{x.__format__.__globals__}}", literal="")
def test_the_renderer_fills_in_no_field_outside_the_language(field, literal):
    template = literal.replace("{", "{{").replace("}", "}}") + field
    values = tuple({**dict.fromkeys(NUMBERS + ["x"], 3), **dict.fromkeys(TEXTS, "T")}.items())
    record = Adjudication(1, "dynamics", "rule", "t.rule", "T", (4,), template=template, values=values)
    text = record.text  # never raises, never looks up more than a plain name
    assert "?" in text and len(text) <= len(template) + 8


@given(template=st.text(alphabet=st.sampled_from(list("ab{}:!.[]0123456789rsd%f+<>^x_")), max_size=60))
def test_any_template_renders_in_bounded_length_without_touching_its_values(template):
    """Whatever the template: numbers come out a few characters each, and a value is never asked
    for an attribute, an index or a format of the template's choosing."""
    out = render_template(template, lambda name, spec: 7)
    assert len(out) <= len(template) + 8 * (template.count("{") + 1)
    Spy.touched = []
    render_template(template, lambda name, spec: Spy())
    assert set(Spy.touched) <= {"__class__", "format:"}, Spy.touched


@given(field=bad_fields(syntax=True))
def test_the_checker_and_the_renderer_agree(field):
    """What template_parts refuses, the renderer shows as '?'; what it accepts is filled in."""
    with pytest.raises(TemplateError):
        template_parts(field)
    assert render_template(field, lambda name, spec: "T" if name in TEXTS else 5) == "?"


def test_a_seats_rendering_of_a_record_with_a_bad_template_shows_a_question_mark():
    rb = load_rulebook()
    state = new_game(rb, "exercise", 3)
    bad = Adjudication(1, "events", "rule", rb.rules[0].id, "T", (4,),
                       template="Funds {is_funds:99999999}, {is_funds.__class__}, {title!r}, {title:{x}}.",
                       values=(("is_funds", 4), ("title", "T")))
    for seat in ("is", "aq", "coalition", "governments", "white"):
        [shown] = render_records(rb, [bad], state, seat) or [bad]
        assert shown.text.count("?") >= 3 and len(shown.text) < 120, shown.text
