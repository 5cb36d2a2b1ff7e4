"""Saved games: the log is the record, saves survive crashes and hostile files, and explain themselves.

The golden save of each schema version lives in tests/golden/ (made once by make_golden.py there);
the example saves shipped in saves/ are checked too. Bad files get one line and a non-zero exit,
never a traceback, and nothing on disk changes.
"""

from __future__ import annotations

import csv
import errno
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import wargame.files as files_module
import wargame.record.document as document_module
from tests.filecases import make_cli
from wargame.bots.play import bots_for
from wargame.engine.board import flat_tracks
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, digest
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR
from wargame.engine.turn import new_game
from wargame.engine.view import view
from wargame.record import report
from wargame.record.commands import COMMAND_TYPES, CommandError, InjectCard, Note, OverrideResult, ResolveTurn, SetTrack
from wargame.record.document import FORMAT, SaveError, parse_document
from wargame.record.game import Game, Header, Parent, play_bots, replay
from wargame.record.load import MAX_BYTES, load, read_document, recorded_records
from wargame.record.save import Autosave, document, dumps, write_save
from wargame.table.examples import EXAMPLES, SAVES, shipped

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
GOLDEN = GOLDEN_DIR / "save-v2.json"
GOLDEN_V1 = GOLDEN_DIR / "save-v1.json"  # the golden save of schema 1: old saves still load
STAMP = "2026-01-01T00:00:00Z"
RANDOM_SEATS = {cell: "random" for cell in CELLS}
REGENERATE = (
    "the golden save tests/golden/save-v2.json no longer verifies with the current rules and decks. If they "
    "changed on purpose, rerun `.venv/bin/python tests/golden/make_golden.py` and commit the new golden save; "
    "if not, the change broke old saves"
)


def _golden_maker():
    spec = importlib.util.spec_from_file_location("make_golden", GOLDEN_DIR / "make_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_golden = _golden_maker()


# --- helpers -------------------------------------------------------------------------------------


def choosers(rulebook, seed: int, seats: dict[str, str] = RANDOM_SEATS) -> dict[str, Callable]:
    bots = bots_for(seats, seed, rulebook)

    def chooser(cell: str) -> Callable:
        return lambda state: bots[cell].choose(
            view(state, cell), lambda pending: legal_orders(rulebook, state, cell, pending), rulebook.max_orders
        ).orders

    return {cell: chooser(cell) for cell in CELLS}


def bot_game(rulebook, seed: int, turns: int | None, scenario: str = "exercise", game_id: str = "live",
             on_change=None) -> Game:
    game = Game(rulebook, Header(scenario, seed, dict(RANDOM_SEATS), "test", game_id), on_change)
    play_bots(game, choosers(rulebook, seed), turns)
    return game


def golden_live(rulebook, on_change=None) -> Game:
    """The golden game played live, command by command, as make_golden.py plays it."""
    return make_golden.facilitate(Game(rulebook, make_golden.header(), on_change))


def record_key(r) -> tuple:
    return (r.turn, r.phase, r.kind, r.ref, r.where, r.chance, r.roll, r.happened, r.changes, r.text)


def snapshot(folder: Path) -> dict[str, Any]:
    """Every file and folder under ``folder`` with its mtime and contents: to prove nothing changed."""
    out: dict[str, Any] = {}
    for p in sorted(folder.rglob("*")):
        st_ = p.stat()
        out[str(p.relative_to(folder))] = (st_.st_mtime_ns, st_.st_size, p.read_bytes() if p.is_file() else "dir")
    return out


def golden_dict() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def one_line(text: str) -> str:
    text = text.strip()
    assert text, "expected a message, got nothing"
    assert "\n" not in text, f"expected one line, got:\n{text}"
    assert "Traceback" not in text
    return text


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    """Run the ``wargame`` command in this process, as at a terminal: (exit code, stdout, stderr)."""
    return make_cli(capsys, monkeypatch, rulebook)


# --- 1. the log is the record --------------------------------------------------------------------


def test_the_golden_save_of_the_current_schema_verifies_and_holds_every_kind_of_command(rulebook) -> None:
    doc, game, check = load(GOLDEN, rulebook, "current")
    assert check.verified, f"{check.message}: {REGENERATE}"
    assert doc.format == FORMAT and doc.schema == document_module.SCHEMA == 2
    assert doc.rulebook_files and doc.checksum and doc.signature is None
    assert {type(c) for c in doc.commands} == set(COMMAND_TYPES.values()), "the golden save lacks a command kind"
    assert digest(game.state) == doc.final
    assert check.turns == 3 and game.turn == 4


def test_replaying_the_log_gives_the_live_game_state_by_state_and_record_by_record(rulebook, tmp_path) -> None:
    live = golden_live(rulebook)
    again = replay(rulebook, live.header, live.commands)
    assert [digest(s.state) for s in again.steps] == [digest(s.state) for s in live.steps]
    assert again.digests == live.digests
    assert [r.text for r in again.records()] == [r.text for r in live.records()]
    assert [record_key(r) for r in again.records()] == [record_key(r) for r in live.records()]
    # and through a file: what is loaded is what was played, and what was shown is kept
    path = tmp_path / "live.json"
    write_save(path, document(live, STAMP, STAMP))
    doc, loaded, check = load(path, rulebook)
    assert check.verified, check.message
    assert loaded.digests == live.digests
    assert [r.text for r in loaded.records()] == [r.text for r in live.records()]
    assert [r.text for r in recorded_records(doc)] == [r.text for r in live.records()]
    # the committed golden save is this same game
    golden_doc = read_document(GOLDEN)
    assert golden_doc.commands == tuple(live.commands), REGENERATE
    assert {t.turn: t.digest for t in golden_doc.turns} == live.digests, REGENERATE


def test_any_prefix_of_the_log_gives_the_state_at_the_start_of_that_turn(rulebook) -> None:
    live = golden_live(rulebook)
    starts = {1: digest(new_game(rulebook, live.header.scenario, live.header.seed))}
    for step in live.steps:
        if isinstance(step.command, (ResolveTurn, OverrideResult)):
            starts[step.command.turn + 1] = digest(step.state)  # an override replaces the turn's result
    assert sorted(starts) == [1, 2, 3, 4]
    for turn in range(1, live.turn + 1):
        commands = live.prefix(turn)
        game = replay(rulebook, live.header, commands)
        assert (game.turn, game.state.phase) == (turn, "events")
        assert digest(game.state) == starts[turn], f"prefix({turn}) is not the start of turn {turn}"
        assert all(c in live.commands for c in commands)


def test_save_load_save_is_byte_identical_for_the_golden_and_a_full_spring_2016_game(rulebook, tmp_path) -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    doc, game, _ = load(GOLDEN, rulebook)
    assert dumps(document(game, doc.created, doc.updated)) == text, \
        f"the golden save does not come back byte for byte; if the engine's wording changed on purpose: {REGENERATE}"
    full = bot_game(rulebook, 2016, None, "spring-2016", "full")
    assert full.state.over and len(full.digests) == full.state.last_turn
    path = tmp_path / "spring.json"
    write_save(path, document(full, STAMP, "2026-01-02T00:00:00Z"))
    doc, again, check = load(path, rulebook)
    assert check.verified, check.message
    assert dumps(document(again, doc.created, doc.updated)).encode("utf-8") == path.read_bytes()


@given(seed=st.integers(0, 2**63 - 1), turns=st.integers(0, 8), partial=st.integers(0, 2))
def test_save_load_save_is_byte_identical_at_any_point_of_a_game(rulebook, seed: int, turns: int,
                                                                  partial: int) -> None:
    game = bot_game(rulebook, seed, turns)
    if partial and not game.state.over:  # a turn under way: events run, maybe some orders given
        game.run_events()
        if partial == 2:
            game.give_orders("is", choosers(rulebook, seed)["is"](game.state))
    text = dumps(document(game, STAMP, STAMP))
    doc = parse_document(json.loads(text))
    again = replay(rulebook, doc.header, doc.commands)
    assert digest(again.state) == doc.final == digest(game.state)
    assert dumps(document(again, doc.created, doc.updated)) == text


def test_digests_are_the_same_in_other_processes_and_hash_seeds(rulebook) -> None:
    doc, game, check = load(GOLDEN, rulebook)
    assert check.verified, f"{check.message}: {REGENERATE}"
    here = [digest(game.state), {str(t): d for t, d in sorted(game.digests.items())}]
    code = (
        "import json, sys; from wargame.engine.rulebook import load_rulebook; from wargame.record.load import load;"
        "from wargame.engine.model import digest; doc, g, v = load(sys.argv[1], load_rulebook());"
        "print(json.dumps([digest(g.state), {str(t): d for t, d in sorted(g.digests.items())}, v.verified]))"
    )
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code, str(GOLDEN)], capture_output=True, text=True,
                             check=True, env=env, cwd=ROOT)
        final, digests, verified = json.loads(out.stdout)
        assert [final, digests] == here and verified, f"PYTHONHASHSEED={hash_seed} gives another game"
    assert here[0] == doc.final


def test_a_fork_keeps_its_parents_prefix_and_diverges_only_after_the_fork_turn(rulebook) -> None:
    parent = bot_game(rulebook, 3, 4, game_id="parent")
    child = parent.fork(3, "child", "parent.json")
    assert child.commands == parent.prefix(3)
    assert child.header.parent == Parent("parent", "parent.json", 3)
    assert (child.header.game, child.header.seed, child.header.scenario) == ("child", 3, "exercise")
    assert child.digests == {1: parent.digests[1], 2: parent.digests[2]}
    assert (child.turn, child.state.phase) == (3, "events")
    # played the same way, the fork is the same game; played differently, it differs from turn 3 on
    same = parent.fork(3, "same")
    play_bots(same, choosers(rulebook, 3), 2)
    assert same.digests == parent.digests
    other = parent.fork(3, "other")
    play_bots(other, choosers(rulebook, 99), 2)
    assert [other.digests[t] for t in (1, 2)] == [parent.digests[t] for t in (1, 2)]
    assert other.digests[3] != parent.digests[3]
    assert parent.digests == same.digests and len(parent.commands) > len(child.commands), "the parent is untouched"


def test_a_fork_cannot_start_at_a_turn_not_yet_reached(rulebook) -> None:
    game = bot_game(rulebook, 3, 2)
    with pytest.raises(CommandError, match="not been reached"):
        game.fork(5, "too-far")
    with pytest.raises(CommandError, match="not a turn of this game"):
        game.fork(0, "too-early")


def test_wargame_fork_writes_a_new_save_that_names_its_parent_and_continues(wargame, tmp_path, rulebook) -> None:
    parent = tmp_path / "parent.json"
    shutil.copyfile(GOLDEN, parent)
    child = tmp_path / "child.json"
    code, out, err = wargame("fork", parent, "--turn", 3, "--out", child)
    assert code == 0, err
    assert parent.read_bytes() == GOLDEN.read_bytes()
    doc, game, check = load(child, rulebook)
    assert check.verified, check.message
    assert doc.parent == Parent("golden-v2", str(parent), 3)
    assert doc.game not in ("", "golden-v2")
    assert list(doc.commands) == golden_live(rulebook).prefix(3)
    # a fork is a new game: it never replaces an existing file
    before = snapshot(tmp_path)
    code, out, err = wargame("fork", parent, "--turn", 2, "--out", child)
    assert code == 3 and "exists" in one_line(err)
    assert snapshot(tmp_path) == before
    # and it can be played on
    code, out, err = wargame("play", "--headless", "--load", child, "--turns", 1)
    assert code == 0, err
    doc2, game2, check2 = load(child, rulebook)
    assert check2.verified and check2.turns == 3 and doc2.parent == doc.parent
    assert doc2.commands[: len(doc.commands)] == doc.commands


def test_an_override_changes_only_the_result_it_names(rulebook) -> None:
    game = bot_game(rulebook, 2016, 2)
    before = game.records(2)
    turn1 = game.digests[1]
    commands = list(game.commands)
    i = next(i for i, r in enumerate(before)
             if r.phase == "adjudication" and r.kind == "order" and r.chance is not None)
    target = before[i]
    game.override(target.ref, target.where, not target.happened, "The cell's plan was briefed better.")
    after = game.records(2)
    overridden = [r for r in after if r.original is not None]
    assert len(overridden) == 1 and after[i] is overridden[0]
    r = after[i]
    assert (r.ref, r.where, r.chance, r.roll) == (target.ref, target.where, target.chance, target.roll)
    assert r.happened is (not target.happened)
    assert r.original is target.happened, "the engine's own result is kept beside the override"
    assert r.justification == "The cell's plan was briefed better."
    assert [record_key(x) for x in after[:i]] == [record_key(x) for x in before[:i]], \
        "records before the overridden one (events, costs, earlier rolls) must not change"
    assert game.digests[1] == turn1
    assert game.commands[:-1] == commands
    c = game.commands[-1]
    assert isinstance(c, OverrideResult)
    assert (c.turn, c.ref, c.where, c.happened, c.original) == (2, target.ref, target.where, not target.happened,
                                                                target.happened)


def test_an_override_is_visible_after_loading_in_the_replay_and_in_the_report(wargame, rulebook, tmp_path) -> None:
    doc, game, check = load(GOLDEN, rulebook)
    assert check.verified, f"{check.message}: {REGENERATE}"
    override = next(c for c in doc.commands if isinstance(c, OverrideResult))
    shown = [r for r in recorded_records(doc) if r.original is not None]
    replayed = [r for r in game.records() if r.original is not None]
    assert len(shown) == len(replayed) == 1
    for r in (shown[0], replayed[0]):
        assert (r.ref, r.where, r.happened, r.original) == (override.ref, override.where, override.happened,
                                                            override.original)
        assert r.justification == override.justification != ""
    save = tmp_path / "golden.json"
    shutil.copyfile(GOLDEN, save)
    code, out, err = wargame("replay", save, "--log", "--facilitator")
    assert code == 0, err
    assert "OVERRIDDEN by the facilitator" in out and override.justification in out
    code, out, err = wargame("report", save, "--facilitator", "--out", "-")
    assert code == 0, err
    assert "overrode" in out and override.justification in out


def test_an_override_or_a_track_change_without_a_justification_is_refused(rulebook, tmp_path) -> None:
    game = bot_game(rulebook, 2016, 2)
    target = next(r for r in game.records(2) if r.kind == "order" and r.chance is not None)
    commands, state = list(game.commands), digest(game.state)
    for blank in ("", "   "):
        with pytest.raises(CommandError, match="justification"):
            game.override(target.ref, target.where, not target.happened, blank)
        with pytest.raises(CommandError, match="justification"):
            game.set_track("is_funds", 1, blank)
    assert game.commands == commands and digest(game.state) == state
    # nor is it accepted from a save
    raw = golden_dict()
    next(c for c in raw["commands"] if c["type"] == "override")["justification"] = " "
    with pytest.raises(SaveError, match="justification") as e:
        load(write_json(tmp_path / "blank.json", raw), rulebook)
    one_line(str(e.value))


@pytest.mark.parametrize("target, value", [("is_funds", 3), ("aq_standing", 1), ("iraq.territory", 1)])
def test_a_track_change_changes_only_that_track_and_is_logged_with_its_reason(rulebook, tmp_path, target: str,
                                                                              value: int) -> None:
    game = bot_game(rulebook, 2016, 1)
    state = game.state
    was = flat_tracks(state).get(target)
    theatre = target.partition(".")[0] if "." in target else None
    if theatre:
        was = getattr(next(t for t in state.theatres if t.name == theatre), target.partition(".")[2])
    step = game.set_track(target, value, "A donor network seized.")
    after = game.state
    changed_flat = {k for k, v in flat_tracks(after).items() if flat_tracks(state)[k] != v}
    changed_parts = {k for k, v in attrs.asdict(after, recurse=False).items() if getattr(state, k) != v}
    if theatre:
        assert changed_flat == set() and changed_parts == {"theatres"}
        diff = [(a.name, n) for a, b in zip(state.theatres, after.theatres)
                for n, v in attrs.asdict(a).items() if getattr(b, n) != v]
        assert diff == [(theatre, target.partition(".")[2])]
    else:
        assert changed_flat == {target} and len(changed_parts) == 1
    assert [r.kind for r in step.records] == ["override"]
    assert step.records[0].changes == ((target, was, value),)
    assert step.records[0].justification == "A donor network seized."
    assert game.commands[-1] == SetTrack(2, target, value, was, "A donor network seized.")
    # the save keeps the command with its original value and reason, and the record as shown
    path = tmp_path / "set.json"
    write_save(path, document(game, STAMP, STAMP))
    doc, loaded, check = load(path, rulebook)
    assert check.verified, check.message
    assert doc.commands[-1] == SetTrack(2, target, value, was, "A donor network seized.")
    assert [(r.changes, r.justification) for r in recorded_records(doc) if r.kind == "override"] == [
        (((target, was, value),), "A donor network seized.")]


def test_a_track_change_is_refused_when_the_log_says_another_original_value(rulebook) -> None:
    game = bot_game(rulebook, 2016, 1)
    real = flat_tracks(game.state)["is_funds"]
    with pytest.raises(CommandError, match="is_funds was"):
        game.apply(SetTrack(2, "is_funds", 1, real + 1, "edited"))
    with pytest.raises(CommandError, match="no track"):
        game.set_track("no_such_track", 1, "why")


def test_the_markdown_report_says_why_the_facilitator_changed_a_track_or_injected_a_card(wargame, tmp_path) -> None:
    save = tmp_path / "golden.json"
    shutil.copyfile(GOLDEN, save)
    doc = read_document(save)
    set_track = next(c for c in doc.commands if isinstance(c, SetTrack))
    inject = next(c for c in doc.commands if isinstance(c, InjectCard))
    code, out, err = wargame("report", save, "--facilitator", "--out", "-")
    assert code == 0, err
    assert set_track.justification in out, "a track override's justification is missing from the report"
    assert inject.note in out, "an inject's note is missing from the report"


def test_notes_and_bookmarks_survive_the_save_and_show_in_the_replay(wargame, rulebook, tmp_path) -> None:
    doc, game, _ = load(GOLDEN, rulebook)
    note = next(c for c in doc.commands if isinstance(c, Note))
    assert game.notes() == [note] and game.bookmarks() == {note.bookmark: note.turn}
    save = tmp_path / "golden.json"
    shutil.copyfile(GOLDEN, save)
    code, out, err = wargame("replay", save, "--log", "--facilitator", "--turn", note.turn)
    assert code == 0 and note.text in out and f"bookmark: {note.bookmark}" in out


def test_the_examples_are_the_saves_git_keeps_and_a_players_save_beside_them_is_not_one(tmp_path) -> None:
    """saves/ is where the table saves games by default: git keeps only the examples there, and
    the tests check only those, so a game a facilitator played there is neither an example nor a failure."""
    ignore = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "saves/*" in ignore and "!saves/example-*.json" in ignore
    assert all(n.startswith("example-") and n.endswith(".json") for n in EXAMPLES)
    assert sorted(p.name for p in SAVES.glob("example-*.json")) == sorted(EXAMPLES)


def test_every_shipped_save_verifies(rulebook) -> None:
    saves = shipped() + [GOLDEN]
    assert all(p.is_file() for p in shipped()), "saves/ holds the example saves"
    ids = {}
    for path in saves:
        doc, game, check = load(path, rulebook)
        assert check.verified, f"{path.name}: {check.message}" + (f": {REGENERATE}" if path == GOLDEN else "")
        # made with today's rules (they verify with their own anyway): `make saves` after a rules change
        assert not check.today_differs, (f"{path.name} was made with other rules than today's: run `make saves`"
                                         + (f" and {REGENERATE}" if path == GOLDEN else ""))
        assert digest(game.state) == doc.final and check.turns == len(game.digests) > 0
        ids[path] = doc.game
    assert len(set(ids.values())) == len(ids), f"two shipped saves share a game id: {ids}"
    for path in saves:  # a shipped fork names a shipped parent, and shares its log up to the fork
        doc = read_document(path)
        if doc.parent is not None:
            parent_path = ROOT / doc.parent.save
            assert parent_path.is_file(), f"{path.name}: its parent {doc.parent.save} is not shipped"
            _, parent, _ = load(parent_path, rulebook)
            assert parent.header.game == doc.parent.game
            assert list(doc.commands[: len(parent.prefix(doc.parent.turn))]) == parent.prefix(doc.parent.turn)


# --- 2. autosave ---------------------------------------------------------------------------------


def test_after_every_command_the_autosave_loads_verifies_and_is_the_game(rulebook, tmp_path) -> None:
    path = tmp_path / "game.json"
    autosave = Autosave(path, STAMP)
    checked: list[int] = []

    def save_and_check(game: Game) -> None:
        autosave(game)
        doc, again, check = load(path, rulebook)
        assert check.verified, check.message
        assert doc.commands == tuple(game.commands)
        assert doc.final == digest(game.state)
        assert dumps(document(again, doc.created, doc.updated)) == path.read_text(encoding="utf-8")
        checked.append(len(game.commands))

    game = golden_live(rulebook, save_and_check)
    assert checked == list(range(1, len(game.commands) + 1))
    assert os.listdir(tmp_path) == ["game.json"], "no temporary file is left behind"
    assert read_document(path).commands == read_document(GOLDEN).commands


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _half_written(real_write):
    """os.write() that writes half of what it is given to a temporary file, then reports a full
    disk (other files, pytest's own included, are written as usual)."""

    def fake_write(fd, data):
        try:
            name = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            name = ""
        if not name.endswith(".tmp"):
            return real_write(fd, data)
        real_write(fd, bytes(data[: len(data) // 2]))
        _full_disk()

    return fake_write


@pytest.mark.parametrize("failure", ["write", "fsync", "replace"])
def test_a_full_disk_mid_write_leaves_the_previous_save_intact_and_no_temp_file(rulebook, tmp_path, monkeypatch,
                                                                                 failure: str) -> None:
    path = tmp_path / "game.json"
    game = bot_game(rulebook, 5, 1, on_change=Autosave(path, STAMP))
    good = path.read_bytes()
    if failure == "write":
        monkeypatch.setattr(files_module.os, "write", _half_written(os.write))
    elif failure == "fsync":
        monkeypatch.setattr(files_module.os, "fsync", _full_disk)
    else:
        monkeypatch.setattr(files_module.os, "replace", _full_disk)
    with pytest.raises(SaveError) as e:
        game.run_events()
    message = one_line(str(e.value))
    assert str(path) in message and os.strerror(errno.ENOSPC) in message
    assert path.read_bytes() == good, "the previous save must survive byte for byte"
    assert os.listdir(tmp_path) == ["game.json"], "no temporary file is left behind"
    monkeypatch.undo()
    _, _, check = load(path, rulebook)
    assert check.verified and check.turns == 1
    # once the disk has room again, the next autosave writes the whole game, nothing lost
    game.give_orders("is", ())
    doc, again, check = load(path, rulebook)
    assert check.verified and doc.commands == tuple(game.commands)


def test_a_save_never_overwrites_a_file_of_another_game_or_a_foreign_file(wargame, rulebook, tmp_path) -> None:
    other = tmp_path / "other-game.json"
    shutil.copyfile(GOLDEN, other)
    notes = tmp_path / "notes.txt"
    notes.write_text("Debrief notes: do not lose these.\n", encoding="utf-8")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    before = snapshot(tmp_path)
    for target, says in ((other, "another game (golden-v2)"), (notes, "not a save"), (folder, "not a save")):
        game = Game(rulebook, Header("exercise", 1, dict(RANDOM_SEATS), "", "new-game"), Autosave(target, STAMP))
        with pytest.raises(SaveError, match=re.escape(says)) as e:
            game.run_events()
        one_line(str(e.value))
        with pytest.raises(SaveError):
            write_save(target, document(game, STAMP, STAMP))
        code, out, err = wargame("play", "--headless", "--seed", 1, "--turns", 1, "--save", target)
        assert code == 3 and "not overwritten" in one_line(err)
        assert snapshot(tmp_path) == before
    # the same game's own save is, of course, written over
    doc, game, _ = load(other, rulebook)
    game.on_change = Autosave(other, doc.created)
    game.run_events()
    doc2, _, check = load(other, rulebook)
    assert check.verified and len(doc2.commands) == len(doc.commands) + 1 and doc2.game == "golden-v2"


# --- 3. bad input --------------------------------------------------------------------------------


def _golden_text() -> str:
    return GOLDEN.read_text(encoding="utf-8")


def _edit(change: Callable[[dict], Any]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        raw = golden_dict()
        change(raw)
        write_json(path, raw)

    return make


def _bytes(data: Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data())


def _cut(fraction: float) -> Callable[[Path], None]:
    return _bytes(lambda: _golden_text()[: max(1, int(len(_golden_text()) * fraction))].encode("utf-8"))


def _insert_command(index: int, command: dict) -> Callable[[dict], None]:
    return lambda raw: raw["commands"].insert(index, command)


def _set(path: tuple, value: Any) -> Callable[[dict], None]:
    def change(raw: dict) -> None:
        node = raw
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _corrupt() -> bytes:
    data = _golden_text().encode("utf-8")
    middle = len(data) // 2
    return data[:middle] + b"\x00\xff\xfe\x13garbage\x00" + data[middle + 40:]


def _not_utf8() -> bytes:
    text = _golden_text()
    assert "¶" in text
    return text.encode("latin-1", "replace")


NESTED = 100_000

# name -> (how to make it, a word the one-line reason must contain)
UNREADABLE: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated to one byte": (_cut(0.0), "cut short"),
    "truncated at a tenth": (_cut(0.1), "cut short"),
    "truncated at half": (_cut(0.5), "cut short"),
    "truncated near the end": (_cut(0.99), "cut short"),
    "last brace missing": (_bytes(lambda: _golden_text().rstrip()[:-1].encode("utf-8")), "cut short"),
    "corrupt bytes": (_bytes(_corrupt), "not"),
    "not UTF-8 (Latin-1)": (_bytes(_not_utf8), "UTF-8"),
    "UTF-16": (_bytes(lambda: _golden_text().encode("utf-16")), "UTF-8"),
    "NUL bytes": (_bytes(lambda: b"\x00" * 64), "not a save"),
    "empty": (_bytes(lambda: b""), "empty"),
    "whitespace only": (_bytes(lambda: b"  \n\t\r\n  "), "empty"),
    "a JSON list": (_bytes(lambda: b"[1, 2, 3]"), "not a wargame save"),
    "a JSON string": (_bytes(lambda: b'"wargame-save"'), "not a wargame save"),
    "another program's JSON": (_bytes(lambda: b'{"format": "other", "schema": 1}'), "not a wargame save"),
    "no format key": (_edit(lambda raw: raw.pop("format")), "not a wargame save"),
    "future schema 99": (_edit(_set(("schema",), 99)), "newer"),
    "schema 0": (_edit(_set(("schema",), 0)), "schema"),
    "schema -1": (_edit(_set(("schema",), -1)), "schema"),
    "schema as a string": (_edit(_set(("schema",), "1")), "schema"),
    "schema as a float": (_edit(_set(("schema",), 1.0)), "schema"),
    "schema true": (_edit(_set(("schema",), True)), "schema"),
    "no schema": (_edit(lambda raw: raw.pop("schema")), "schema"),
    "a command of an unknown type": (_edit(_set(("commands", 0, "type"), "teleport")), "command 1 has no known type (teleport"),
    "an unknown key at the top": (_edit(_set(("colour",), "blue")), "colour"),
    "an unknown key in a command": (_edit(_set(("commands", 1, "priority"), 1)), "priority"),
    "a string seed": (_edit(_set(("seed",), "2016")), "seed"),
    "a float turn": (_edit(_set(("commands", 0, "turn"), 1.5)), "turn"),
    "a boolean value for a track": (_edit(lambda raw: next(c for c in raw["commands"] if c["type"] == "set")
                                          .__setitem__("value", True)), "value"),
    "no final digest": (_edit(lambda raw: raw.pop("final")), "final"),
    "commands not a list": (_edit(_set(("commands",), {"0": {}})), "commands"),
    "deeply nested": (_bytes(lambda: b'{"format": "wargame-save", "schema": 1, "seats": ' + b"[" * NESTED
                             + b"]" * NESTED + b"}"), "nested"),
    "deeply nested list": (_bytes(lambda: b"[" * NESTED + b"]" * NESTED), "not"),
    "a missing file": (lambda path: None, "no such file"),
    "a folder": (lambda path: path.mkdir(), "folder"),
}

UNREPLAYABLE: dict[str, tuple[Callable[[Path], None], str]] = {
    "orders of an unknown cell": (_edit(_set(("commands", 1, "cell"), "nobody")), "nobody"),
    "an order of an unknown kind": (_edit(_set(("commands", 1, "orders"), [["nope.order", None]])), "nope.order"),
    "another cell's order inserted": (_edit(_insert_command(1, {"type": "orders", "turn": 1, "cell": "is", "orders": [
        ["coalition.air_campaign", "iraq"]]})), "Coalition"),
    "orders before the turn's events": (_edit(_insert_command(0, {"type": "orders", "turn": 1, "cell": "is",
                                                                  "orders": [["is.defend", "iraq"]]})), "phase"),
    "a command for a later turn": (_edit(_insert_command(2, {"type": "resolve", "turn": 5})), "turn 5"),
    "an inject of an unknown card": (_edit(_insert_command(0, {"type": "inject", "turn": 1, "card": "no-card",
                                                               "note": ""})), "no-card"),
    "an override with no justification": (_edit(lambda raw: next(c for c in raw["commands"] if c["type"] == "override")
                                                .__setitem__("justification", "")), "justification"),
    "a track set from a wrong original": (_edit(lambda raw: next(c for c in raw["commands"] if c["type"] == "set")
                                                .__setitem__("original", 99)), "is_funds"),
    "an unknown scenario": (_edit(_set(("scenario",), "atlantis")), "atlantis"),
    "a negative seed": (_edit(_set(("seed",), -1)), "seed"),
}


def _bad_file(folder: Path, make: Callable[[Path], None]) -> Path:
    path = folder / "bad.json"
    make(path)
    return path


READ_COMMANDS = (("replay", "{save}", "--log", "--facilitator"), ("replay", "{save}", "--log", "--seat", "coalition"),
                 ("replay", "{save}", "--verify"), ("report", "{save}", "--facilitator"),
                 ("report", "{save}", "--seat", "is"), ("report", "{save}", "--format", "csv", "--facilitator"),
                 ("play", "--headless", "--load", "{save}"),
                 ("fork", "{save}", "--turn", "1", "--out", "{folder}/child.json"))


def _refused_everywhere(wargame, folder: Path, save: Path, commands, word: str) -> None:
    before = snapshot(folder)
    for command in commands:
        argv = [a.format(save=save, folder=folder) for a in command]
        code, out, err = wargame(*argv)
        line = one_line(err)
        assert code == 3, f"wargame {' '.join(argv)}: exit {code}, {line}"
        assert line.startswith("wargame: ") and word.lower() in line.lower(), f"unclear: {line}"
        assert "wrote" not in out and "Saved to" not in out
        assert snapshot(folder) == before, f"wargame {' '.join(argv)} changed the folder"


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_a_file_that_is_not_a_readable_save_gets_one_line_exit_3_and_nothing_changes(wargame, tmp_path,
                                                                                       case: str) -> None:
    make, word = UNREADABLE[case]
    save = _bad_file(tmp_path, make)
    with pytest.raises(SaveError) as e:
        read_document(save)
    assert word.lower() in one_line(str(e.value)).lower()
    _refused_everywhere(wargame, tmp_path, save, READ_COMMANDS, word)


@pytest.mark.parametrize("case", list(UNREPLAYABLE))
def test_a_save_whose_log_does_not_replay_gets_one_line_exit_3_and_nothing_changes(wargame, rulebook, tmp_path,
                                                                                    case: str) -> None:
    make, word = UNREPLAYABLE[case]
    save = _bad_file(tmp_path, make)
    with pytest.raises(SaveError) as e:
        load(save, rulebook)
    assert word.lower() in one_line(str(e.value)).lower()
    # the facilitator's log shows the recorded log as it was played; everything else refuses (a
    # cell's log replays the game to know what was secret when)
    _refused_everywhere(wargame, tmp_path, save, [c for c in READ_COMMANDS if "--facilitator" not in c or c[0] != "replay"],
                        word)


def test_a_file_too_large_to_be_a_save_is_refused_without_reading_it(wargame, tmp_path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir()}
    code, out, err = wargame("replay", big, "--verify")
    assert code == 3 and "larger than" in one_line(err)
    assert {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize("turn_index", [0, 1])
def test_a_save_whose_digests_were_edited_is_not_verified_and_not_continued(wargame, tmp_path,
                                                                            turn_index: int) -> None:
    raw = golden_dict()
    raw["turns"][turn_index]["digest"] = "0" * 16
    save = write_json(tmp_path / "edited.json", raw)
    turn = raw["turns"][turn_index]["turn"]
    before = snapshot(tmp_path)
    code, out, err = wargame("replay", save, "--verify")
    assert code == 1
    assert "NOT verified" in out and f"turn {turn}:" in out and "edited or damaged" in out
    for argv in (("play", "--headless", "--load", save), ("fork", save, "--turn", 1, "--out", tmp_path / "c.json")):
        code, out, err = wargame(*argv)
        assert code == 3 and "NOT verified" in one_line(err)
    assert snapshot(tmp_path) == before


def test_a_save_whose_final_digest_was_edited_is_not_verified(wargame, tmp_path) -> None:
    raw = golden_dict()
    raw["final"] = "f" * 16
    save = write_json(tmp_path / "edited.json", raw)
    code, out, err = wargame("replay", save, "--verify")
    assert code == 1 and "NOT verified" in out and "end of the log" in out


def test_a_report_of_a_save_whose_digests_were_edited_fails_and_writes_nothing(wargame, tmp_path) -> None:
    raw = golden_dict()
    raw["turns"][0]["digest"] = "0" * 16
    save = write_json(tmp_path / "edited.json", raw)
    before = snapshot(tmp_path)
    code, out, err = wargame("report", save, "--facilitator")
    assert code != 0, "a report of a save whose digests do not match must fail (issue 3: non-zero exit)"
    assert snapshot(tmp_path) == before, "and must write nothing"


def test_a_save_whose_shown_records_were_edited_is_not_verified(rulebook, tmp_path) -> None:
    raw = golden_dict()
    record = next(r for t in raw["turns"] for r in t["records"] if r["kind"] == "order" and r["chance"] is not None)
    record["happened"] = not record["happened"]
    record["text"] = "The facilitator's favourite cell won."
    save = write_json(tmp_path / "edited.json", raw)
    doc, game, check = load(save, rulebook)
    assert [r.text for r in recorded_records(doc)] != [r.text for r in game.records()]
    assert not check.verified, "`replay` would show records the replay never produced, yet --verify says verified"


def test_a_record_with_a_chance_but_no_roll_is_refused_or_shown_without_a_traceback(wargame, tmp_path) -> None:
    raw = golden_dict()
    next(r for t in raw["turns"] for r in t["records"] if r["chance"] is not None)["roll"] = None
    save = write_json(tmp_path / "edited.json", raw)
    before = snapshot(tmp_path)
    code, out, err = wargame("replay", save, "--log", "--facilitator")
    if code != 0:
        assert code == 3 and one_line(err)
    assert snapshot(tmp_path) == before


def test_a_save_with_its_seats_edited_away_continues_or_refuses_in_one_line(wargame, tmp_path) -> None:
    raw = golden_dict()
    raw["seats"] = {}
    save = write_json(tmp_path / "edited.json", raw)
    before = snapshot(tmp_path)
    code, out, err = wargame("play", "--headless", "--load", save, "--turns", 1)
    if code == 0:
        assert read_document(save).turns[-1].turn == 4
    else:
        assert code in (2, 3) and one_line(err)
        assert snapshot(tmp_path) == before


def test_the_cli_in_its_own_process_refuses_bad_saves_with_an_exit_code_and_no_traceback(tmp_path) -> None:
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(GOLDEN.read_bytes()[:5000])
    raw = golden_dict()
    raw["turns"][1]["digest"] = "0" * 16
    edited = write_json(tmp_path / "edited.json", raw)
    before = snapshot(tmp_path)
    for save, code, where in ((truncated, 3, "stderr"), (edited, 1, "stdout")):
        run = subprocess.run([sys.executable, "-m", "wargame", "replay", str(save), "--verify"],
                             capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "7"})
        assert run.returncode == code, run.stderr
        assert "Traceback" not in run.stderr
        if where == "stderr":
            assert "cut short" in one_line(run.stderr)
        else:
            assert "NOT verified" in run.stdout and "turn 2" in run.stdout
    assert snapshot(tmp_path) == before


def _changed_rules(tmp_path: Path, edit: Callable[[str], str]) -> tuple[Path, Path]:
    rules, decks = tmp_path / "rules", tmp_path / "decks"
    shutil.copytree(RULES_DIR, rules)
    shutil.copytree(DECKS_DIR, decks)
    params = rules / "parameters.toml"
    text = params.read_text(encoding="utf-8")
    params.write_text(edit(text), encoding="utf-8")
    assert params.read_text(encoding="utf-8") != text
    return rules, decks


def _richer_land(text: str) -> str:
    return re.sub(r"(?m)^land_income = [0-9.]+", "land_income = 0.9", text)


def test_when_the_rules_change_a_save_verifies_with_its_own_and_current_names_the_first_turn_that_diverges(
        wargame, rulebook, tmp_path) -> None:
    rules, decks = _changed_rules(tmp_path / "rulebook", _richer_land)
    save = tmp_path / "bots.json"
    write_save(save, document(bot_game(rulebook, 5, 3), STAMP, STAMP))
    # the save carries the rules it was played with: it replays and verifies with them
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--verify")
    assert code == 0, out + err
    assert "rules or decks have changed" in out and "saved in it" in out and "\nverified: 3 turns" in out
    # under today's rules, it names the first turn that differs
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--verify", "--rules", "current")
    assert code == 1
    assert "rules or decks have changed" in out and "NOT verified" in out and "turn 1:" in out
    # the log as it was played, to the facilitator and to a cell, checked by a replay with its own rules
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--facilitator")
    assert code == 0 and "== Turn 3 ==" in out and "verified" in out
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--log", "--seat", "aq")
    assert code == 0 and "== Turn 3 ==" in out
    # a cell's log under today's rules needs the game replayed to know what was secret when: refused
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--log", "--seat", "aq",
                             "--rules", "current")
    assert code == 3 and "NOT verified" in one_line(err) and "== Turn" not in out


def test_a_change_of_rules_that_does_not_change_the_game_still_verifies_and_says_so(wargame, tmp_path) -> None:
    rules, decks = _changed_rules(tmp_path / "rulebook", lambda text: text + "\n# a comment\n")
    save = tmp_path / "golden.json"
    shutil.copyfile(GOLDEN, save)
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--verify", "--rules", "current")
    assert code == 0 and "rules or decks have changed" in out and "verified: 3 turns" in out


def test_when_the_rules_change_under_a_facilitated_save_verify_still_names_the_first_turn_that_diverges(
        wargame, tmp_path) -> None:
    # The golden save sets is_funds in turn 3 from the value it had then; with richer land that
    # value differs, so the replay stops there. The state already differed after turn 1.
    rules, decks = _changed_rules(tmp_path / "rulebook", _richer_land)
    save = tmp_path / "golden.json"
    shutil.copyfile(GOLDEN, save)
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--verify", "--rules", "current")
    assert code != 0
    said = out + err
    assert "rules or decks have changed" in said
    assert re.search(r"\bturn 1\b", said), f"the first turn that diverges is turn 1; said: {said.strip()}"
    # with the rules saved in it, it still verifies
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--verify")
    assert code == 0, out + err


# --- 4. Hypothesis: mutated and truncated saves --------------------------------------------------


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


@st.composite
def mutated_saves(draw) -> bytes:
    text = _golden_text()
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "replace", "flip", "delete line", "duplicate line", "number"]))
        if not text:
            break
        if kind == "truncate":
            text = text[: draw(st.integers(0, len(text) - 1))]
        elif kind == "replace":
            i = draw(st.integers(0, len(text)))
            j = draw(st.integers(i, min(len(text), i + 60)))
            text = text[:i] + draw(st.text(st.characters(codec="utf-8"), max_size=30)) + text[j:]
        elif kind == "flip":
            chars = list(text)
            for _ in range(draw(st.integers(1, 5))):
                chars[draw(st.integers(0, len(chars) - 1))] = draw(st.characters(codec="utf-8"))
            text = "".join(chars)
        elif kind in ("delete line", "duplicate line"):
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i:i + 1] = [] if kind == "delete line" else [lines[i], lines[i]]
            text = "\n".join(lines)
        else:
            numbers = list(NUMBER.finditer(text))
            if numbers:
                m = draw(st.sampled_from(numbers))
                new = draw(st.integers(-3, 30) | st.sampled_from([2**63, 10**30, -(10**9)]) | st.floats(-5, 5))
                text = text[: m.start()] + str(new) + text[m.end():]
    data = text.encode("utf-8")
    if data and draw(st.booleans()) and draw(st.booleans()):  # now and then a raw byte is damaged too
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
    return data


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=mutated_saves())
def test_a_mutated_save_is_either_refused_in_one_line_or_loads_consistently(rulebook, tmp_path_factory,
                                                                           data: bytes) -> None:
    path = tmp_path_factory.mktemp("mutated") / "save.json"
    path.write_bytes(data)
    try:
        doc, game, check = load(path, rulebook)
    except SaveError as e:
        message = str(e)
        assert message and "\n" not in message, repr(message)
        event("refused")
    else:
        event("verified" if check.verified else "loaded, not verified")
        if check.verified:
            assert digest(game.state) == doc.final
            assert game.digests == {t.turn: t.digest for t in doc.turns if t.digest}
        else:
            assert check.message.startswith("NOT verified") and "\n" not in check.message
    assert path.read_bytes() == data, "reading a save never changes it"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(st.characters(codec="utf-8"), max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _places(raw: dict) -> list[tuple]:
    out: list[tuple] = [(k,) for k in raw]
    out += [("commands", i, k) for i, c in enumerate(raw["commands"]) for k in c]
    out += [("turns", i, k) for i, t in enumerate(raw["turns"]) for k in t]
    out += [("turns", i, "records", j, k) for i, t in enumerate(raw["turns"]) for j, r in enumerate(t["records"])
            for k in r]
    return out


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), value=JSON)
def test_any_value_in_any_field_is_either_a_save_or_refused_in_one_line(rulebook, tmp_path_factory, data,
                                                                       value: Any) -> None:
    raw = golden_dict()
    place = data.draw(st.sampled_from(_places(raw)))
    _set(place, value)(raw)
    path = write_json(tmp_path_factory.mktemp("field") / "save.json", raw)
    try:
        doc, game, check = load(path, rulebook)
    except SaveError as e:
        assert "\n" not in str(e)
    else:
        assert not check.verified or digest(game.state) == doc.final


# --- 5. the schema and its migrations ------------------------------------------------------------


def v1_dict() -> dict[str, Any]:
    return json.loads(GOLDEN_V1.read_text(encoding="utf-8"))


def test_a_save_of_schema_1_loads_as_schema_2_and_schemas_below_1_are_refused(rulebook) -> None:
    raw = v1_dict()
    assert raw["schema"] == 1 and "checksum" not in raw and "rulebook_files" not in raw
    doc = parse_document(raw)
    assert doc.schema == 2 and doc.checksum is None and doc.rulebook_files is None
    assert raw["schema"] == 1, "the migration works on a copy"
    for bad in (0, -5, "1", 1.0, None, True):
        with pytest.raises(SaveError, match="schema") as e:
            parse_document({**raw, "schema": bad})
        one_line(str(e.value))


def _rename_title(doc: dict) -> dict:
    doc["exercise"] = doc.pop("title")
    return doc


def test_an_old_schema_is_migrated_step_by_step_then_read(monkeypatch) -> None:
    monkeypatch.setattr(document_module, "SCHEMA", 3)
    monkeypatch.setattr(document_module, "MIGRATIONS", {**document_module.MIGRATIONS, 2: _rename_title})
    raw = golden_dict()
    raw["title"] = raw.pop("exercise")  # schema 2 (as imagined here) called it "title"
    doc = parse_document(raw)
    assert doc.schema == 3 and doc.exercise == "Golden save, schema 2"
    assert "title" in raw and "exercise" not in raw, "the migration works on a copy"
    # a save already at the new schema needs no migration, and a newer one is refused
    assert parse_document({**golden_dict(), "schema": 3}).schema == 3
    with pytest.raises(SaveError, match="newer"):
        parse_document({**golden_dict(), "schema": 4})


def test_a_missing_migration_is_refused_naming_the_schema(monkeypatch) -> None:
    monkeypatch.setattr(document_module, "SCHEMA", 4)
    monkeypatch.setattr(document_module, "MIGRATIONS", {**document_module.MIGRATIONS, 2: _rename_title})
    raw = golden_dict()
    raw["title"] = raw.pop("exercise")
    with pytest.raises(SaveError, match="schema 3") as e:
        parse_document(raw)
    one_line(str(e.value))
    monkeypatch.setattr(document_module, "MIGRATIONS", {})
    with pytest.raises(SaveError, match="schema 2"):
        parse_document(golden_dict())
    with pytest.raises(SaveError, match="schema 1"):
        parse_document(v1_dict())


def test_a_damaged_old_save_that_its_migration_cannot_handle_is_refused_in_one_line(monkeypatch) -> None:
    monkeypatch.setattr(document_module, "SCHEMA", 3)
    monkeypatch.setattr(document_module, "MIGRATIONS", {**document_module.MIGRATIONS, 2: _rename_title})
    raw = golden_dict()  # lacks the "title" the migration expects: a damaged schema-2 save
    try:
        parse_document(raw)
    except SaveError as e:
        one_line(str(e))
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"a migration's {type(e).__name__} ({e}) escaped parse_document: a traceback for the user")
    else:
        pytest.fail("a save the migration could not read was accepted")


# --- 6. after-action reports ---------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path) -> Path:
    path = tmp_path / "exercise.json"
    shutil.copyfile(GOLDEN, path)
    return path


def test_report_writes_markdown_beside_the_save(wargame, saved, rulebook) -> None:
    before = snapshot(saved.parent)
    code, out, err = wargame("report", saved, "--facilitator")
    assert code == 0, err
    md = saved.with_name("exercise.report.md")
    assert set(snapshot(saved.parent)) - set(before) == {md.name}
    assert saved.read_bytes() == GOLDEN.read_bytes()
    text = md.read_text(encoding="utf-8")
    for section in ("# After-action report", "## Outcome", "## Objectives", "## Turning points",
                    "## Timeline of key events", "## Rules that fired", "## Tracks per turn"):
        assert section in text, section
    rules = text.split("## Rules that fired")[1].split("##")[0]
    assert re.search(r"\| [a-z0-9.-]+ \| ¶\d+", rules), "each rule that fired with its ¶ cites"
    tracks = [row for row in text.split("## Tracks per turn")[1].strip().splitlines() if row.startswith("|")]
    assert [row.split("|")[1].strip() for row in tracks[2:]] == ["1", "2", "3"]
    for cell in ("Islamic State", "al-Qaeda", "Coalition", "Local Governments"):
        assert f"| {cell} |" in text
    assert "**Turn 3" in text


def test_report_as_json_has_the_tracks_per_turn_and_the_full_event_log(wargame, saved, rulebook) -> None:
    code, out, err = wargame("report", saved, "--format", "json", "--facilitator")
    assert code == 0, err
    doc = json.loads(saved.with_name("exercise.report.json").read_text(encoding="utf-8"))
    _, game, _ = load(saved, rulebook)
    assert [row["turn"] for row in doc["tracks"]] == [1, 2, 3]
    assert len(doc["events"]) == len(game.records())
    assert [e["text"] for e in doc["events"]] == [r.text for r in game.records()]
    assert sum(1 for e in doc["events"] if e["overridden"]) == 1
    assert doc["notes"] == [{"turn": n.turn, "text": n.text, "bookmark": n.bookmark} for n in game.notes()]


def test_report_as_csv_writes_a_tracks_file_and_an_events_file(wargame, saved, rulebook) -> None:
    code, out, err = wargame("report", saved, "--format", "csv", "--facilitator")
    assert code == 0, err
    _, game, _ = load(saved, rulebook)
    tracks = list(csv.DictReader(io.StringIO(saved.with_name("exercise.tracks.csv").read_text(encoding="utf-8"))))
    events = list(csv.DictReader(io.StringIO(saved.with_name("exercise.events.csv").read_text(encoding="utf-8"))))
    assert [row["turn"] for row in tracks] == ["1", "2", "3"]
    assert {"turn", "quarter", "is_funds", "relation_stage"} <= set(tracks[0])
    assert len(events) == len(game.records())
    assert {"turn", "phase", "ref", "cites", "happened", "text", "justification"} <= set(events[0])
    assert [row["text"] for row in events] == [r.text for r in game.records()]
    assert tracks == [{k: str(v) for k, v in row.items()} for row in report.tracks_per_turn(game)]


@pytest.mark.parametrize("fmt, start", [("markdown", "# After-action report"), ("json", "{"), ("csv", "turn,")])
def test_report_to_dash_prints_and_writes_nothing(wargame, saved, fmt: str, start: str) -> None:
    before = snapshot(saved.parent)
    code, out, err = wargame("report", saved, "--format", fmt, "--out", "-", "--facilitator")
    assert code == 0, err
    assert out.startswith(start)
    assert snapshot(saved.parent) == before


@pytest.mark.parametrize("fmt, start", [("markdown", "# After-action report"), ("html", "<!DOCTYPE html>"), ("json", "{"),
                                        ("csv", "turn,")])
def test_report_without_out_into_a_pipe_prints_the_report_and_writes_nothing(capsys, monkeypatch, rulebook, saved,
                                                                              fmt: str, start: str) -> None:
    """``wargame report SAVE | head`` shows the report: standard output is not a terminal, so the
    report goes there, as with ``--out -``, and no file is written."""
    piped = make_cli(capsys, monkeypatch, rulebook, at_terminal=False)
    before = snapshot(saved.parent)
    odds = ("--odds", "0") if fmt in ("markdown", "html") else ()
    code, out, err = piped("report", saved, "--format", fmt, "--facilitator", *odds)
    assert code == 0, err
    assert out.lstrip().startswith(start) and "wrote" not in out, out[:200]
    assert out == piped("report", saved, "--format", fmt, "--facilitator", *odds, "--out", "-")[1]
    assert snapshot(saved.parent) == before


def _report_command(save: Path, stdout: Any) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wargame", "report", str(save), "--facilitator", "--odds", "0"],
                          stdout=stdout, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120, cwd=save.parent,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_report_into_a_real_pipe_prints_the_report_and_at_a_terminal_writes_the_file(saved) -> None:
    """The command in its own process: with its output into a pipe (as ``| head``), the report on
    standard output and no file; at a terminal (a pseudo-terminal), the file beside the save and
    where it was written."""
    import pty

    before = snapshot(saved.parent)
    run = _report_command(saved, subprocess.PIPE)
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().startswith("# After-action report") and "wrote" not in run.stdout.decode()
    assert snapshot(saved.parent) == before

    leader, follower = pty.openpty()
    try:
        run = _report_command(saved, follower)
        os.close(follower)
        said = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(leader)
    assert run.returncode == 0, run.stderr
    written = saved.with_name("exercise.report.md")
    assert said.decode().strip() == f"wrote {written}"
    assert written.read_text(encoding="utf-8").startswith("# After-action report")


# --- 7. load and continue ------------------------------------------------------------------------


@pytest.mark.parametrize("seats", ["all=bot", "all=doctrine"])
def test_play_load_continues_exactly_where_the_save_stopped(wargame, tmp_path, seats: str) -> None:
    stopped, straight = tmp_path / "stopped.json", tmp_path / "straight.json"
    assert wargame("play", "--headless", "--seats", seats, "--seed", 5, "--turns", 3, "--save", stopped)[0] == 0
    assert len(read_document(stopped).turns) == 3
    code, out, err = wargame("play", "--headless", "--load", stopped, "--turns", 2)
    assert code == 0, err
    assert "continuing at turn 4" in out
    assert wargame("play", "--headless", "--seats", seats, "--seed", 5, "--turns", 5, "--save", straight)[0] == 0
    a, b = read_document(stopped), read_document(straight)
    assert [(t.turn, t.digest) for t in a.turns] == [(t.turn, t.digest) for t in b.turns], \
        f"after --load the game went another way than the uninterrupted one (seats {seats})"
    assert a.commands == b.commands and a.final == b.final and a.seats == b.seats


def test_continuing_a_facilitated_game_keeps_its_log_id_and_notes(wargame, saved, rulebook) -> None:
    before = read_document(saved)
    code, out, err = wargame("play", "--headless", "--load", saved, "--turns", 1)
    assert code == 0, err
    doc, game, check = load(saved, rulebook)
    assert check.verified and check.turns == 4
    assert doc.commands[: len(before.commands)] == before.commands
    assert (doc.game, doc.created, doc.exercise) == (before.game, before.created, before.exercise)
    assert [t.digest for t in doc.turns[:3]] == [t.digest for t in before.turns]
