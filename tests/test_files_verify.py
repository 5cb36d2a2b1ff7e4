"""Kind 11: verification says no more than it proves.

Every field of a save is covered: the replay checks the state and the records, a checksum covers
everything else (seats, exercise, times, parent, notes...), and with a facilitator's key an
HMAC signature says who wrote it. `replay --verify` says what each check found; `replay --log`
prints nothing a replay did not check.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.filecases import GOLDEN, ROOT, copy_golden, golden_dict, make_cli, one_line, state_of
from wargame.record import signing
from wargame.record.document import SaveError
from wargame.record.load import load
from wargame.record.seal import checksum_of, content_of

EDITS: dict[str, Any] = {  # a field, and a plausible value someone might put there instead
    ("exercise",): "Another exercise",
    ("seats", "aq"): "doctrine",
    ("created",): "2020-01-01T00:00:00Z",
    ("updated",): "2030-01-01T00:00:00Z",
    ("parent",): {"game": "someone", "save": "x.json", "turn": 1},
    ("engine",): "9.9.9",
    ("game",): "another-id",
    ("rulebook_files",): None,
}


def _note_index(raw: dict) -> int:
    return next(i for i, c in enumerate(raw["commands"]) if c["type"] == "note")


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    return make_cli(capsys, monkeypatch, rulebook)


def edited(folder: Path, change) -> Path:
    raw = golden_dict()
    change(raw)
    path = folder / "edited.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def _set(path: tuple, value: Any):
    def change(raw: dict) -> None:
        node = raw
        for key in path[:-1]:
            node = node[key]
        if value is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value

    return change


CHANGES = {"/".join(k): _set(k, v) for k, v in EDITS.items()}
CHANGES["a note's text"] = lambda raw: raw["commands"][_note_index(raw)].__setitem__("text", "Nothing to report.")
CHANGES["a bookmark"] = lambda raw: raw["commands"][_note_index(raw)].__setitem__("bookmark", "elsewhere")
CHANGES["a justification"] = lambda raw: next(c for c in raw["commands"] if c["type"] == "override").__setitem__(
    "justification", "Because.")
CHANGES["a seat change's note"] = lambda raw: next(c for c in raw["commands"] if c["type"] == "seats").__setitem__(
    "note", "someone else's words")
CHANGES["the checksum"] = lambda raw: raw.__setitem__("checksum", "sha256:" + "0" * 64)


@pytest.mark.parametrize("what", list(CHANGES))
def test_editing_any_field_is_never_verified_and_its_log_is_not_printed(wargame, tmp_path, what) -> None:
    save = edited(tmp_path, CHANGES[what])
    before = state_of(tmp_path)
    code, out, err = wargame("replay", save, "--verify")
    assert code in (1, 3), f"{what}: edited, yet exit {code}: {out}"
    assert "\nverified" not in "\n" + out
    if code == 1:
        assert "NOT verified" in out.splitlines()[-1]
    code, out, err = wargame("replay", save, "--log", "--facilitator")
    assert code == 3 and "== Turn" not in out
    one_line(err, "edited.json")
    for argv in (["play", "--headless", "--load", save], ["report", save, "--facilitator", "--out", "-"]):
        assert wargame(*argv)[0] == 3
    assert state_of(tmp_path) == before


def test_an_edit_that_recomputes_the_checksum_is_caught_by_the_signature_only(wargame, tmp_path) -> None:
    key = tmp_path / "keys" / "facilitator.key"
    assert wargame("key", "--key-file", key)[0] == 0
    save = tmp_path / "signed.json"
    assert wargame("--key-file", key, "play", "--headless", "--seed", 5, "--turns", 2, "--save", save)[0] == 0
    raw = json.loads(save.read_text(encoding="utf-8"))
    raw["exercise"] = "Edited, checksum recomputed"
    raw["checksum"] = checksum_of(content_of(raw))
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(raw), encoding="utf-8")
    code, out, err = wargame("replay", forged, "--verify", "--key-file", key)
    assert code == 1 and "checksum: matches" in out and "does not match" in out and "NOT verified" in out
    # without the key, nothing can tell: it says exactly that much
    code, out, err = wargame("replay", forged, "--verify")
    assert code == 0 and "signed by another key" in out and "a checksum shows a change, not who made it" in out


def test_the_key_is_made_outside_the_repository_readable_only_by_its_owner(wargame, tmp_path) -> None:
    key = tmp_path / "config" / "wargame" / "key"
    code, out, err = wargame("key", "--key-file", key)
    assert code == 0 and str(key) in out, err
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    first = key.read_bytes()
    code, out, err = wargame("key", "--key-file", key)  # never replaced
    assert code == 0 and "kept" in out and key.read_bytes() == first
    inside = ROOT / "tests" / "a-key-in-the-repository"
    code, out, err = wargame("key", "--key-file", inside)
    assert code == 2 and not inside.exists()
    one_line(err, "repository")
    # the default place is the user's configuration folder ($XDG_CONFIG_HOME here: a temporary one)
    assert signing.default_key_path() == Path(os.environ["XDG_CONFIG_HOME"]) / "wargame" / "key"
    assert not str(signing.default_key_path()).startswith(str(Path.home() / ".config")) or \
        os.environ["XDG_CONFIG_HOME"].startswith(str(Path.home()))
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("hello\n", encoding="utf-8")
    code, out, err = wargame("key", "--key-file", not_a_key)
    assert code == 3 and not_a_key.read_text() == "hello\n"
    code, out, err = wargame("--key-file", not_a_key, "replay", GOLDEN, "--verify")
    assert code == 2 and "not a wargame key" in one_line(err, "notes.txt")


def test_verify_says_whether_this_installations_key_signed_it(wargame, tmp_path) -> None:
    mine, theirs = tmp_path / "mine.key", tmp_path / "theirs.key"
    for key in (mine, theirs):
        assert wargame("key", "--key-file", key)[0] == 0
    save = tmp_path / "g.json"
    assert wargame("play", "--headless", "--seed", 2, "--turns", 1, "--save", save, "--key-file", mine)[0] == 0
    said = {}
    for name, extra in (("mine", ["--key-file", mine]), ("theirs", ["--key-file", theirs]), ("none", [])):
        code, out, err = wargame("replay", save, "--verify", *extra)
        assert code == 0, out + err
        said[name] = next(line for line in out.splitlines() if line.startswith("signature:"))
    assert "signed by this installation's key" in said["mine"]
    assert "signed by another key" in said["theirs"] and "signed by another key" in said["none"]
    unsigned = copy_golden(tmp_path, "unsigned.json")
    code, out, err = wargame("replay", unsigned, "--verify", "--key-file", mine)
    assert code == 0 and "signature: not signed" in out
    # continuing a signed game with the key signs it again; without it, the save is written unsigned
    assert wargame("play", "--headless", "--load", save, "--turns", 1, "--key-file", mine)[0] == 0
    assert "signature" in json.loads(save.read_text())
    assert wargame("play", "--headless", "--load", save, "--turns", 1)[0] == 0
    assert "signature" not in json.loads(save.read_text())


def test_verify_names_each_check_and_what_it_covers(wargame, tmp_path) -> None:
    save = copy_golden(tmp_path)
    code, out, err = wargame("replay", save, "--verify")
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("replay: 3 turns replayed with the rules and decks saved in it") for line in lines)
    assert any(line.startswith("checksum: matches: every field (header, seats") for line in lines)
    assert "signature: not signed" in lines
    assert lines[-1].startswith("verified: 3 turns replayed") and "checksum matches over every field" in lines[-1]


def test_the_log_says_it_was_checked(wargame, tmp_path) -> None:
    save = copy_golden(tmp_path)
    code, out, err = wargame("replay", save, "--log", "--facilitator")
    assert code == 0
    assert out.splitlines()[1].startswith("checked: verified: 3 turns replayed")


JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=6)


def _places(raw: dict) -> list[tuple]:
    out: list[tuple] = [(k,) for k in raw if k not in ("checksum", "signature")]
    out += [("commands", i, k) for i, c in enumerate(raw["commands"]) for k in c]
    out += [("turns", i, "records", j, k) for i, t in enumerate(raw["turns"]) for j, r in enumerate(t["records"][:2])
            for k in r]
    out += [("seats", k) for k in raw["seats"]]
    return out


PLACES = _places(golden_dict())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
def _like(old: Any) -> st.SearchStrategy:
    """Values of the same type as ``old``: the edits a person would make."""
    if isinstance(old, bool):
        return st.just(not old)
    if isinstance(old, int):
        return st.integers(-3, 40)
    if isinstance(old, float):
        return st.floats(0, 1)
    if isinstance(old, str):
        return st.sampled_from([old + " ", old.upper(), old[:-1], "random", "doctrine", "note"]) | st.text(max_size=8)
    return JSON


@given(place=st.sampled_from(PLACES), data=st.data())
def test_no_edit_of_any_field_is_ever_verified(rulebook, tmp_path_factory, place, data) -> None:
    raw = golden_dict()
    node = raw
    for key in place[:-1]:
        node = node[key]
    old = node.get(place[-1])
    value = data.draw(_like(old) | JSON)
    if old == value and type(old) is type(value):
        return  # not an edit
    node[place[-1]] = value
    path = tmp_path_factory.mktemp("edit") / "save.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    try:
        _, _, check = load(path, rulebook)
    except SaveError as e:
        one_line(str(e))
    else:
        assert not check.verified, f"{place} = {value!r} was verified"
        assert check.message.startswith("NOT verified") and "\n" not in check.message


def test_a_value_quoted_from_a_save_is_one_line_whatever_it_holds():
    # every character Python splits lines at, not only \n and \r (found by the edit search above:
    # an override's rule id edited to hold \u2028 gave a two-line message)
    from wargame.record.document import shown

    breaks = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    for ch in breaks:
        assert len(shown(f"no roll of {ch} in somalia", 160).splitlines()) == 1
    assert len(shown(breaks * 10, 160).splitlines()) <= 1
