"""A save edited by hand or by an attacker, or a name typed at the command line, is refused in one
line, never a traceback, never "verified", never more memory than a save's size warrants, and a
damaged save is never replaced, even with --force."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.bounded import ROOT, in_process
from wargame.record.seal import checksum_of, content_of

EXAMPLE = ROOT / "saves" / "example-exercise.json"


def _resealed(doc: dict, path: Path) -> Path:
    """``doc`` written to ``path`` with its checksum worked out again, as anyone can (it needs no key)."""
    doc = dict(doc)
    doc.pop("signature", None)
    doc["checksum"] = checksum_of(content_of(doc))
    path.write_text(json.dumps(doc, indent=1))
    return path


def _doc() -> dict:
    return json.loads(EXAMPLE.read_text())


def _one_line(done) -> str:
    assert done.code != 0, done.out
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.err, done.err
    return lines[0]


def test_a_save_whose_checksum_was_taken_out_is_not_verified(tmp_path) -> None:
    doc = _doc()
    doc["exercise"] = "TAMPERED"
    del doc["checksum"]
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc, indent=1))
    done = in_process(["replay", path, "--verify"])
    assert done.code != 0 and "NOT verified" in done.out + done.err and "taken out" in done.out + done.err
    assert in_process(["replay", EXAMPLE, "--verify"]).code == 0  # the save as written verifies


@pytest.mark.parametrize("exercise", ["A\ud800B", "\x1b[31mRED\x1b[0m", "two\nlines"])
def test_header_text_a_terminal_or_a_file_cannot_hold_is_refused(tmp_path, exercise) -> None:
    doc = _doc()
    doc["exercise"] = exercise
    path = _resealed(doc, tmp_path / "odd.json")
    for argv in (["replay", path, "--verify"], ["report", path, "--facilitator", "--out", "-"]):
        line = _one_line(in_process(argv))
        assert "not Unicode" in line or "control characters" in line


@pytest.mark.parametrize("field, value, says", [("commands", {"a": 1}, "should be a list"),
                                                ("turns", "x", "should be a list"),
                                                ("seats", [], "should be a table")])
def test_a_field_of_the_wrong_kind_is_named_in_the_saves_own_words(tmp_path, field, value, says) -> None:
    doc = _doc()
    doc[field] = value
    line = _one_line(in_process(["replay", _resealed(doc, tmp_path / "kind.json"), "--verify"]))
    assert says in line and repr(field) in line and "attribute" not in line


def test_millions_of_entries_are_refused_before_they_are_read(tmp_path) -> None:
    doc = _doc()
    path = tmp_path / "many.json"
    text = json.dumps(doc)
    path.write_text(text[:-1] + ', "padding": [' + "{}," * 1_000_000 + "{}]}")
    line = _one_line(in_process(["replay", path, "--verify"]))
    assert "entries" in line


@pytest.mark.parametrize("damage", ["cut short", "a byte not UTF-8", "UTF-16"])
def test_a_damaged_save_is_never_replaced_even_with_force(tmp_path, damage) -> None:
    data = EXAMPLE.read_bytes()
    damaged = {"cut short": data[: len(data) // 2],
               "a byte not UTF-8": data.replace(b'"exercise": "', b'"exercise": "\xe9', 1),
               "UTF-16": data.decode().encode("utf-16")}[damage]
    target = tmp_path / "t.json"
    target.write_bytes(damaged)
    done = in_process(["play", "--headless", "--seed", "1", "--turns", "1", "--save", target, "--force"])
    assert "never replaces it" in _one_line(done)
    assert target.read_bytes() == damaged
    shutil.copy(EXAMPLE, tmp_path / "source.json")
    done = in_process(["fork", tmp_path / "source.json", "--turn", "1", "--out", target, "--force"])
    assert "never replaces it" in _one_line(done) and target.read_bytes() == damaged


@pytest.mark.parametrize("name", ["bad\udcffname", "a\x1b[31mred", "tab\there"])
def test_an_exercise_name_a_save_could_not_hold_is_refused_at_the_command_line(tmp_path, name) -> None:
    done = in_process(["play", "--headless", "--seed", "2", "--turns", "1", "--exercise", name,
                       "--save", tmp_path / "x.json"])
    assert done.code == 2 and "--exercise" in _one_line(done) and not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("edit", ["a turn recorded twice", "a turn never played", "a note on a turn to come"])
def test_a_story_edited_in_is_not_verified(tmp_path, edit) -> None:
    doc = _doc()
    if edit == "a turn recorded twice":
        doc["turns"] = doc["turns"] + doc["turns"][-1:]
    elif edit == "a turn never played":
        doc["turns"] = doc["turns"] + [dict(doc["turns"][-1], turn=doc["turns"][-1]["turn"] + 1, digest="")]
    else:
        doc["commands"] = doc["commands"] + [{"type": "note", "turn": 99, "text": "written later"}]
    done = in_process(["replay", _resealed(doc, tmp_path / "story.json"), "--verify"])
    assert done.code != 0 and ("NOT verified" in done.out + done.err or "damaged or edited" in done.err)


@pytest.mark.parametrize("text", ["Ground\x1b]0;PWNED\x07 slips", "clear\x1b[2J", "bell\x07", "c1\x9bm"])
@pytest.mark.parametrize("place", ["record", "note"])
def test_a_text_that_would_command_a_terminal_is_refused_wherever_it_sits_in_a_save(tmp_path, text, place) -> None:
    """Escape sequences in a record's title or a note's text (from rules edited to hold them, or
    put in by hand) never reach a terminal: the save is refused in one line by every command."""
    doc = _doc()
    if place == "record":
        doc["turns"][0]["records"][0]["title"] = text
    else:
        doc["commands"].append({"type": "note", "turn": 1, "text": text, "bookmark": None})
    path = _resealed(doc, tmp_path / "escapes.json")
    for argv in (["replay", path, "--verify"], ["replay", path, "--log", "--facilitator"],
                 ["report", path, "--facilitator", "--out", "-"]):
        done = in_process(argv)
        line = _one_line(done)
        assert "control character" in line and "\x1b" not in done.out + done.err and "\x07" not in done.out + done.err


def test_a_rulebook_text_that_would_command_a_terminal_is_refused_when_loaded(tmp_path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "adjudication.toml"
    text = path.read_text(encoding="utf-8")
    first_title = text.index('\ntitle = "') + len('\ntitle = "')
    path.write_text(text[:first_title] + "\\u001b[2J" + text[first_title:], encoding="utf-8")
    for argv in (["check", rules, ROOT / "decks"], ["--rules", rules, "play", "--headless", "--seats", "all=bot", "--turns", "1"]):
        line = _one_line(in_process(argv))
        assert "adjudication.toml" in line and "control character (U+001B)" in line
    # a new line or a tab in a text is fine (a long explanation written over several lines)
    path.write_text(text[:first_title] + "\\t" + text[first_title:], encoding="utf-8")
    assert in_process(["check", rules, ROOT / "decks"]).code == 0


def test_a_save_is_replayed_and_reported_with_its_own_rules_while_todays_do_not_load(tmp_path) -> None:
    """A designer's edit half done (today's rules broken) stops no debrief: a save carries its
    rules, and replay and report read it with them, saying so; what needs today's rules (a fork,
    --rules current) is refused in one line naming the problem."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    with (rules / "parameters.toml").open("a", encoding="utf-8") as f:
        f.write("\nx = = 1\n")
    for argv in (["replay", EXAMPLE, "--verify"], ["replay", EXAMPLE, "--log", "--facilitator"],
                 ["report", EXAMPLE, "--facilitator", "--odds", "0", "--out", "-"]):
        done = in_process(["--rules", rules, *argv])
        assert done.code == 0 and done.out, done.err
        assert "today's rules do not load" in done.err and "parameters.toml" in done.err
    assert "verified" in in_process(["--rules", rules, "replay", EXAMPLE, "--verify"]).out
    for argv in (["fork", EXAMPLE, "--turn", "1", "--out", tmp_path / "f.json"],
                 ["replay", EXAMPLE, "--verify", "--rules", "current"]):
        assert "parameters.toml" in _one_line(in_process(["--rules", rules, *argv]))
    assert not (tmp_path / "f.json").exists()


@pytest.mark.parametrize("text", ["pasted \x1b[31mred", "bell\x07", "\ud800"])
def test_a_text_the_save_could_not_keep_never_enters_the_game(tmp_path, text) -> None:
    """A note, a justification or a message with an escape or a lone surrogate in it (pasted at
    the table, say) is refused as a command is, and the game and its save are as they were."""
    from wargame.engine.model import CELLS
    from wargame.engine.rulebook import load_rulebook
    from wargame.record.commands import CommandError
    from wargame.record.game import Game, Header
    from wargame.record.load import load
    from wargame.record.save import Autosave

    rulebook = load_rulebook()
    save = tmp_path / "g.json"
    game = Game(rulebook, Header("exercise", 3, dict.fromkeys(CELLS, "human"), "t", "g-text"))
    game.on_change = Autosave(save, "2026-01-01T00:00:00Z")
    game.note("a plain note, two\nlines")
    for attempt in (lambda: game.note(text), lambda: game.set_track("coalition_will", 8, text),
                    lambda: game.inject("tl-mosul", note=text), lambda: game.say("is-white", "is", text)):
        with pytest.raises(CommandError, match="control character|not Unicode"):
            attempt()
    assert len(game.commands) == 1
    _, again, check = load(save, rulebook)
    assert check.verified and len(again.commands) == 1


@pytest.mark.parametrize("text", ["raw c1 \x9b31m", "raw del \x7f"])
def test_a_control_character_written_raw_rather_than_escaped_is_refused_too(tmp_path, text) -> None:
    doc = _doc()
    doc["turns"][0]["records"][0]["title"] = text
    doc.pop("signature", None)
    doc["checksum"] = checksum_of(content_of(doc))
    path = tmp_path / "raw.json"
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
    assert "control character" in _one_line(in_process(["replay", path, "--verify"]))
