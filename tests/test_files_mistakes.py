"""Kind 8: tracebacks from plain mistakes. Each ends in one line naming the file or the argument,
a non-zero exit, and nothing written: a scenario that does not exist, an output path that is a
folder or empty, a read-only file system, a save seating a bot that does not exist, the terminal
UI asked to save over another game, and the start screen's lists facing damaged files.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wargame.cli.terminal as terminal
import wargame.files as files
from tests.filecases import GOLDEN, copy_golden, golden_dict, leftovers, make_cli, one_line, state_of
from wargame.record.document import SaveError
from wargame.record.load import load, read_document
from wargame.tui.screens import start as start_screen
from wargame.tui.screens.start import describe_save

NESTED = 100_000


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    return make_cli(capsys, monkeypatch, rulebook)


def expect(wargame, folder: Path, argv: list, codes: tuple[int, ...], *names: str) -> str:
    before = state_of(folder)
    code, out, err = wargame(*argv)
    assert code in codes, f"wargame {' '.join(map(str, argv))}: exit {code}: {err.strip()}"
    line = one_line(err, *names)
    assert state_of(folder) == before and not leftovers(folder)
    return line


def test_bench_of_saves_with_an_unknown_scenario_is_refused(wargame, tmp_path) -> None:
    expect(wargame, tmp_path, ["bench", "--saves", "--scenario", "nope"], (2,), "nope")


@pytest.mark.parametrize("out, name", [("/", "/"), ("", "empty"), (".", "."), ("   ", "empty"),
                                       ("{folder}", "{folder}"), ("{folder}/", "{folder}")])
@pytest.mark.parametrize("fmt", ["markdown", "json", "csv"])
def test_report_out_a_folder_or_an_empty_name_is_one_line(wargame, tmp_path, out, name, fmt) -> None:
    save = copy_golden(tmp_path)
    folder = tmp_path / "sub"
    folder.mkdir()
    argv = ["report", save, "--facilitator", "--format", fmt, "--out", out.format(folder=folder)]
    expect(wargame, tmp_path, argv, (2, 3), name.format(folder=folder))


@pytest.mark.parametrize("failing", [errno.EROFS, errno.EACCES, errno.ENOSPC, errno.EDQUOT])
@pytest.mark.parametrize("writer", ["report", "csv", "fork", "play", "key"])
def test_a_read_only_or_full_file_system_is_one_line_and_leaves_nothing(wargame, tmp_path, monkeypatch, failing,
                                                                        writer) -> None:
    save = copy_golden(tmp_path)
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):  # the file system refuses every new file
        if flags & os.O_CREAT:
            raise OSError(failing, os.strerror(failing), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", refusing_open)
    target = tmp_path / "out"
    argv = {"report": ["report", save, "--facilitator", "--out", target / "r.md"],
            "csv": ["report", save, "--facilitator", "--format", "csv", "--out", target / "r.csv"],
            "fork": ["fork", save, "--turn", 2, "--out", target / "f.json"],
            "play": ["play", "--headless", "--seed", 1, "--turns", 1, "--save", target / "p.json"],
            "key": ["key", "--key-file", target / "key"]}[writer]
    line = expect(wargame, tmp_path, argv, (3,), "out")
    assert os.strerror(failing) in line


def test_a_real_unwritable_place_is_one_line(wargame, tmp_path) -> None:
    save = copy_golden(tmp_path)
    for place in ("/proc/wargame-report.md", "/proc/self/wargame/report.md", "/dev/null/report.md"):
        if not Path(place).parent.exists() and not Path(place).parent.parent.exists():
            continue
        expect(wargame, tmp_path, ["report", save, "--facilitator", "--out", place], (3,), place.split("/")[1])


BAD_SEATS = [{"is": "terminator"}, {"is": "doctrine:reckless"}, {"is": "random:cautious"}, {"nobody": "random"},
             {"is": 7}, {"is": None}, {"is": ""}, {"is": "HUMAN"}]


@pytest.mark.parametrize("seats", BAD_SEATS, ids=[json.dumps(s) for s in BAD_SEATS])
def test_a_save_seating_a_bot_that_does_not_exist_is_refused_before_anything_runs(wargame, rulebook, tmp_path,
                                                                                  seats) -> None:
    raw = golden_dict()
    raw["seats"] = {**raw["seats"], **seats}
    save = tmp_path / "g.json"
    save.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(SaveError) as e:
        read_document(save)
    one_line(str(e.value), "g.json", "seat")
    for argv in (["replay", save, "--verify"], ["play", "--headless", "--load", save],
                 ["replay", save, "--log", "--facilitator"], ["report", save, "--facilitator"]):
        expect(wargame, tmp_path, argv, (3,), "g.json")
    # nor can the terminal UI be started on it
    expect(wargame, tmp_path, ["play", "--load", save], (2, 3), "")


def test_the_terminal_ui_refuses_to_save_over_another_games_save_before_it_starts(wargame, tmp_path,
                                                                                 monkeypatch) -> None:
    other = copy_golden(tmp_path, "other.json")
    mine = tmp_path / "mine.json"
    assert wargame("play", "--headless", "--seed", 2, "--turns", 1, "--save", mine)[0] == 0
    monkeypatch.setattr(terminal, "at_terminal", lambda: True)

    def never(*args, **kwargs):
        pytest.fail("the terminal UI was started")

    monkeypatch.setattr("wargame.tui.app.WargameApp.run", never)
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n", encoding="utf-8")
    for argv in (["play", "--save", other], ["play", "--load", mine, "--save", other], ["play", "--save", notes],
                 ["play", "--load", mine, "--save", notes], ["play", "--save", tmp_path]):
        expect(wargame, tmp_path, argv, (3,), Path(argv[-1]).name)


# --- the start screen's Load and Replay lists -----------------------------------------------------


def _bad_saves(folder: Path) -> None:
    raw = golden_dict()
    cases = {
        "commands-null": {**raw, "commands": None},
        "commands-string": {**raw, "commands": "resolve"},
        "commands-of-numbers": {**raw, "commands": [1, 2, None]},
        "not-an-object": [1, 2, 3],
        "exercise-a-list": {**raw, "exercise": ["a"]},
        "no-format": {k: v for k, v in raw.items() if k != "format"},
    }
    for name, value in cases.items():
        (folder / f"{name}.json").write_text(json.dumps(value), encoding="utf-8")
    (folder / "nested.json").write_text("[" * NESTED + "]" * NESTED, encoding="utf-8")
    (folder / "nested-commands.json").write_text(
        json.dumps({**raw, "commands": "@"}).replace('"@"', "[" * NESTED + "]" * NESTED), encoding="utf-8")
    (folder / "big-number.json").write_text('{"format": "wargame-save", "commands": ' + "9" * 5000 + "}",
                                            encoding="utf-8")
    (folder / "not-utf8.json").write_bytes(b"\xff\xfe\x00garbage")
    (folder / "empty.json").write_bytes(b"")
    (folder / "a-folder.json").mkdir()
    os.mkfifo(folder / "a-pipe.json")
    copy_golden(folder, "good.json")


def test_describe_save_lists_every_damaged_file_as_unreadable(tmp_path) -> None:
    _bad_saves(tmp_path)
    for path in sorted(tmp_path.iterdir()):
        line = describe_save(path)
        if path.name == "good.json":
            assert line == "good.json: Golden save, schema 2, 3 turns played"
        else:
            assert line == f"{path.name}: (cannot read it as a save)", line


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                      max_size=3), max_leaves=10),
       key=st.sampled_from(["commands", "exercise", "scenario", "format", "game", None]))
def test_describe_save_never_fails_whatever_the_json(tmp_path_factory, value, key) -> None:
    raw = golden_dict() if key else value
    if key:
        raw[key] = value
    path = tmp_path_factory.mktemp("list") / "x.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    line = describe_save(path)
    assert line.startswith("x.json: ") and "\n" not in line


def test_the_load_and_replay_lists_open_on_a_folder_of_damaged_saves(rulebook, tmp_path, monkeypatch) -> None:
    from wargame.tui.app import WargameApp

    _bad_saves(tmp_path)
    monkeypatch.setattr(start_screen, "SAVES", tmp_path)

    async def scenario() -> None:
        app = WargameApp(rulebook, seed=1)
        async with app.run_test(size=(100, 32)) as pilot:
            for key in ("ctrl+l", "ctrl+r"):
                await pilot.pause()
                await pilot.press(key)
                for _ in range(100):
                    await pilot.pause(0.02)
                    if type(app.screen).__name__ == "SavePicker":
                        break
                options = app.screen.query_one("#saves")
                labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
                assert len(labels) == len(list(tmp_path.iterdir()))
                assert sum("cannot read it" in label for label in labels) == len(labels) - 1
                # picking a damaged one says why, in a notification; the app goes on
                options.highlighted = labels.index(next(lb for lb in labels if lb.startswith("commands-null")))
                await pilot.press("enter")
                await pilot.pause(0.1)
                assert type(app.screen).__name__ == "StartScreen"

    asyncio.run(scenario())
    assert load(GOLDEN, rulebook)[2].verified
