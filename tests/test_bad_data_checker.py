"""Bad data, kind 12: the checker refuses what the docs say it refuses, and accepts what they say is
optional. An empty adjudication.toml or orders.toml is refused (every claim needs a rule, every cell
an order); a deck's ``id`` and ``title`` are optional, as both READMEs say; the limits and the
template formats the docs list are the code's; and what the rules README's "known gaps" once listed
now works.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.bounded import copy_rulebook, fewer, in_process, one_line, replaced
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine import limits
from wargame.engine.rulebook import RULES_DIR, load_rulebook
from wargame.engine.templates import NUMBER_SPECS
from wargame.engine.turn import new_game

README = (RULES_DIR / "README.md").read_text(encoding="utf-8")
DECKS_README = (RULES_DIR.parent / "decks" / "README.md").read_text(encoding="utf-8")


EMPTY = ["", "\n", "# nothing here\n", "rule = []\n", "order = []\n"]


@fewer(2)
@given(text=st.sampled_from(EMPTY), comments=st.lists(st.sampled_from(["# a", "", "   "]), max_size=5))
def test_an_empty_adjudication_file_is_refused(book, text, comments):
    base, rules, decks = book
    body = "\n".join(comments) + "\n" + (text if "order" not in text else "")
    with replaced(rules / "adjudication.toml", body) as path:
        line = one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, str(path))
        assert "no [[rule]]" in line and "C1..C16" in line


@fewer(2)
@given(text=st.sampled_from(EMPTY), comments=st.lists(st.sampled_from(["# a", "", "   "]), max_size=5))
def test_an_empty_orders_file_is_refused(book, text, comments):
    base, rules, decks = book
    body = "\n".join(comments) + "\n" + (text if "rule" not in text else "")
    with replaced(rules / "orders.toml", body) as path:
        line = one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, str(path))
        assert "no [[order]]" in line and "every cell" in line


def test_an_empty_objectives_file_is_refused_for_every_cell(book):
    base, rules, decks = book
    with replaced(rules / "objectives.toml", "") as path:
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        assert done.code == 3 and "Traceback" not in done.err
        lines = done.err.splitlines()
        assert len(lines) == 4 and all(str(path) in line and "has no objective" in line for line in lines)


def test_a_missing_rules_file_is_still_one_line(book):
    base, rules, decks = book
    path = rules / "orders.toml"
    text = path.read_bytes()
    path.unlink()
    try:
        one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, f"{path}: missing")
    finally:
        path.write_bytes(text)


# --- a deck's header: what the docs say is optional is ------------------------------------------------


def _header_rows(readme: str) -> dict[str, str]:
    """The rules README's table of the [deck] header: key -> required ("yes"/"no")."""
    section = readme[readme.index("The `[deck]` header:"):readme.index("Each `[[card]]`:")]
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| (yes|no) \|", section, re.M)}


def test_the_readmes_agree_that_a_decks_id_and_title_are_optional():
    rows = _header_rows(README)
    assert rows == {"id": "no", "title": "no", "text": "no", "cites": "yes"}
    assert "# optional" in DECKS_README and "optional" in DECKS_README.split("## Drawing")[0]


@pytest.mark.parametrize("key", [k for k, required in _header_rows(README).items() if required == "no"])
def test_every_header_key_the_docs_call_optional_may_be_left_out(book, key):
    base, rules, decks = book
    path = decks / "reform.toml"
    text = path.read_text(encoding="utf-8")
    head, cards = text.split("[[card]]", 1)
    kept = "\n".join(line for line in head.splitlines() if not re.match(rf"\s*{key}\s*=", line))
    with replaced(path, kept + "\n[[card]]" + cards):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        assert done.code == 0, done.err
        deck = load_rulebook(rules, decks).decks["reform"]
        if key == "title":
            assert deck.title == "reform"  # the id stands for it


def test_a_deck_with_neither_id_nor_title_takes_its_files_name(book):
    base, rules, decks = book
    card = ('[[card]]\nid = "plain-1"\ntitle = "Plain"\ntext = "Nothing happens (¶3)."\ncites = [3]\n'
            'effects = ["is_funds += 0"]\n')
    with replaced(decks / "plain.toml", "[deck]\ncites = [3]\n\n" + card):
        rb = load_rulebook(rules, decks)
        assert rb.decks["plain"].title == "plain" and rb.cards["plain-1"].deck == "plain"


def test_a_decks_cites_are_required_as_the_docs_say(book):
    base, rules, decks = book
    assert _header_rows(README)["cites"] == "yes"
    card = '[[card]]\nid = "plain-1"\ntitle = "Plain"\ntext = "x"\ncites = [3]\neffects = ["is_funds += 0"]\n'
    with replaced(decks / "plain.toml", card) as path:
        one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, str(path), "missing 'cites'")


# --- the docs list what the code does ----------------------------------------------------------------


def test_the_template_section_lists_exactly_the_formats_allowed():
    section = README[README.index("## 7. Templates"):README.index("## 8. The names")]
    table = section.split("| format | shows | example |")[1].split("\n\n")[0]
    first_column = "".join(row.split("|")[1] for row in table.splitlines()[1:] if row.startswith("|"))
    assert set(re.findall(r"`([^`]+)`", first_column)) == set(NUMBER_SPECS)
    assert "keep braces out of it (they are not checked)" not in README + DECKS_README


LIMITS = ["MAX_FILE_BYTES", "MAX_FILES", "MAX_TOTAL_BYTES", "MAX_NESTING", "MAX_VALUES", "MAX_RULES", "MAX_ORDERS",
          "MAX_OBJECTIVES", "MAX_SCENARIOS", "MAX_PARAMETERS", "MAX_FORMULAS", "MAX_DECKS", "MAX_CARDS",
          "MAX_EFFECTS", "MAX_DRAWS", "MAX_REQUIRES", "MAX_CITES", "MAX_TITLE", "MAX_TEXT", "MAX_TURNS", "MAX_WORK"]


@pytest.mark.parametrize("name", LIMITS)
def test_every_limit_is_in_the_limits_section(name):
    section = README[README.index("## 13. Limits"):]
    value = getattr(limits, name)
    assert f"{value:,}" in section or str(value) in section, f"{name} = {value} is not in rules/README.md, section 13"


# --- the known gaps the README once listed are closed ------------------------------------------------


def test_the_known_gaps_section_lists_no_fault():
    section = README[README.index("## 11. Known gaps in the engine"):README.index("## 12. Balance targets")]
    assert "None is known" in section
    for stale in ("stops the game with an error", "accepted but not filled in", "raises an error when"):
        assert stale not in section


def test_year_and_theatre_work_everywhere_the_old_gaps_said_they_did_not(tmp_path):
    rules, decks = copy_rulebook(tmp_path)
    with (rules / "parameters.toml").open("r+", encoding="utf-8") as f:
        text = f.read().replace("[formulas]\n", '[formulas]\nlateness = "clamp((year - 2016) / 10, 0, 1)"\n', 1)
        f.seek(0)
        f.write(text)
    with (rules / "titles.toml").open("a", encoding="utf-8") as f:  # every formula has a title
        f.write('\n[formulas.lateness]\ntitle = "Lateness"\ntext = "How late in the war it is."\n')
    with (rules / "adjudication.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[rule]]\nid = "t.iraq"\ntitle = "Iraq only"\nclaims = ["C5"]\ncites = [4]\nclaim = "x"\n'
                'phase = "dynamics"\nscope = "theatre"\nwhen = \'theatre == "iraq" and year >= 2016\'\n'
                'effects = ["grievance += 0"]\nexplain = "In {theatre} ({theatre_title}) in {year}: {lateness:.2f}."\n')
    with (rules / "orders.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[order]]\nid = "is.t_late"\ncell = "is"\ntitle = "Late"\ntext = "x"\ncites = [4]\ncost = 0\n'
                'requires = [{ when = "year >= 2016 and lateness >= 0", reason = "too early" }]\n'
                'chance = "clamp(lateness + (year - 2016) / 100, 0, 1)"\nsuccess = ["is_funds += 0"]\n'
                'explain = "Late, in {year}."\n')
    with (rules / "objectives.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[objective]]\nid = "is.t-late"\ncell = "is"\ntitle = "t"\ntext = "t"\ncites = [3]\npoints = 1\n'
                'score = "1 if year > 2017 else 0"\n')
    rb = load_rulebook(rules, decks)
    seen = []
    for seats in ("all=doctrine", "all=random"):
        for turn in play(rb, new_game(rb, "exercise", 4), bots_for(parse_seats(seats), 4)):
            seen += [r.text for r in turn.results if r.ref == "t.iraq"]
    assert seen and all(t.startswith("In iraq (Iraq) in 20") for t in seen), seen[:3]
    done = in_process(["--rules", rules, "--decks", decks, "play", "--headless", "--seats", "all=doctrine",
                       "--scenario", "exercise", "--seed", "5", "--turns", "2"])
    assert done.code == 0 and "Traceback" not in done.err, done.err[-2000:]
