"""Kind 9: saying what did not happen. "Saved to" only when a save was written; a turn that is not
in the log is said so, with a non-zero exit; a log whose scenario is unknown is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.filecases import GOLDEN_V1, copy_golden, golden_dict, leftovers, make_cli, one_line, state_of


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    return make_cli(capsys, monkeypatch, rulebook)


@pytest.fixture
def finished(wargame, tmp_path) -> Path:
    path = tmp_path / "finished.json"
    code, out, err = wargame("play", "--headless", "--seed", 9, "--save", path)
    assert code == 0 and "Saved to" in out, err
    return path


def test_continuing_a_finished_game_says_nothing_was_played_or_written(wargame, finished, tmp_path) -> None:
    before = state_of(tmp_path)
    new = tmp_path / "new.json"
    code, out, err = wargame("play", "--headless", "--load", finished, "--save", new)
    assert code == 0, err
    assert "Saved to" not in out and "nothing was written to" in out and str(new) in out
    assert "game is over" in out
    assert not new.exists() and state_of(tmp_path) == before and not leftovers(tmp_path)
    code, out, err = wargame("play", "--headless", "--load", finished)
    assert code == 0 and "Saved to" not in out and "unchanged" in out
    assert state_of(tmp_path) == before


def test_saved_to_is_said_only_after_a_write(wargame, tmp_path) -> None:
    path = tmp_path / "g.json"
    code, out, err = wargame("play", "--headless", "--seed", 1, "--turns", 1, "--save", path)
    assert code == 0 and f"Saved to {path}." in out and path.exists()
    code, out, err = wargame("play", "--headless", "--load", path, "--turns", 1)
    assert code == 0 and f"Saved to {path}." in out


@pytest.mark.parametrize("who", [("--facilitator",), ("--seat", "coalition")])
def test_a_turn_not_in_the_log_is_refused_with_the_turns_there_are(wargame, finished, tmp_path, who) -> None:
    before = state_of(tmp_path)
    for turn in (9, 99, 10**6):
        code, out, err = wargame("replay", finished, "--log", *who, "--turn", turn)
        assert code == 2 and out == "", (turn, out, err)
        assert "1 to 8" in one_line(err, f"--turn {turn}")
    code, out, err = wargame("replay", finished, "--log", *who, "--turn", 8)
    assert code == 0 and "== Turn 8 ==" in out and "== Turn 7 ==" not in out
    assert state_of(tmp_path) == before


def test_a_turn_not_yet_played_is_refused_too(wargame, tmp_path) -> None:
    save = copy_golden(tmp_path)  # three turns played of eight
    code, out, err = wargame("replay", save, "--log", "--facilitator", "--turn", 6)
    assert code == 2 and "turns 1 to 3" in one_line(err, "--turn 6")


@pytest.mark.parametrize("source", ["v1", "v2"])
def test_a_log_of_a_save_whose_scenario_is_unknown_is_refused(wargame, tmp_path, source) -> None:
    raw = golden_dict(GOLDEN_V1) if source == "v1" else golden_dict()
    raw["scenario"] = "atlantis"
    save = tmp_path / "g.json"
    save.write_text(json.dumps(raw), encoding="utf-8")
    before = state_of(tmp_path)
    for argv in (["replay", save, "--log", "--facilitator"], ["replay", save, "--verify"],
                 ["report", save, "--facilitator", "--out", "-"]):
        code, out, err = wargame(*argv)
        assert code == 3 and "== Turn" not in out
        one_line(err, "g.json")
    assert state_of(tmp_path) == before
