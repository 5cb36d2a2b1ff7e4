"""Old games stay readable. A save carries the rules and decks it was played with (zlib and base64
of their text), so it replays and verifies after they change; `--rules current` replays it under
today's and names the first turn that differs. A save from before (schema 1, the golden
save-v1.json) still loads and shows its log. And the CSV export carries the facilitator's notes.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import shutil
import zlib
from pathlib import Path

import pytest

from tests.filecases import GOLDEN, GOLDEN_V1, copy_golden, golden_dict, make_cli, one_line, state_of
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, TARGETS_FILE
from wargame.record import bundle
from wargame.record.document import SaveError
from wargame.record.load import load, read_document


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    return make_cli(capsys, monkeypatch, rulebook)


def changed_rules(folder: Path) -> tuple[Path, Path]:
    """A copy of today's rules where land pays more: every game goes another way from turn 1."""
    rules, decks = folder / "rules", folder / "decks"
    shutil.copytree(RULES_DIR, rules)
    shutil.copytree(DECKS_DIR, decks)
    params = rules / "parameters.toml"
    text = params.read_text(encoding="utf-8")
    params.write_text(re.sub(r"(?m)^land_income = [0-9.]+", "land_income = 0.9", text), encoding="utf-8")
    return rules, decks


def test_a_save_carries_exactly_the_rules_and_decks_it_was_played_with(rulebook) -> None:
    doc = read_document(GOLDEN)
    files = bundle.unpack(doc.rulebook_files)
    names = sorted(rel for _, rel, _ in files)
    on_disk = sorted(f"rules/{p.name}" for p in RULES_DIR.glob("*.toml") if p.name != TARGETS_FILE)
    on_disk += sorted(f"decks/{p.name}" for p in DECKS_DIR.glob("*.toml"))
    assert names == sorted(on_disk)
    raw = json.loads(zlib.decompress(base64.b64decode(doc.rulebook_files)))
    assert all(isinstance(text, str) for _, _, text in raw["files"]), "the files' text, readable once unpacked"
    again = bundle.rulebook_from(doc.rulebook_files, doc.rulebook)
    assert again.digest == doc.rulebook
    assert bundle.bundle_of(rulebook) is not None, "today's rulebook can be bundled (its digest is found again)"


def test_after_the_rules_change_a_save_verifies_with_its_own_and_current_names_the_first_turn(wargame,
                                                                                             tmp_path) -> None:
    rules, decks = changed_rules(tmp_path / "changed")
    save = copy_golden(tmp_path)
    before = state_of(tmp_path)
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--verify")
    assert code == 0 and "rules or decks have changed" in out and out.splitlines()[-1].startswith("verified")
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--verify", "--rules", "current")
    assert code == 1 and "NOT verified: the replay first differs at turn 1" in out
    # the log under today's rules: what the file holds, said to be unchecked
    code, out, err = wargame("--rules", rules, "--decks", decks, "replay", save, "--log", "--facilitator",
                             "--rules", "current")
    assert code == 0 and "not checked by the replay" in out and "== Turn 3 ==" in out
    # it can be continued, forked and reported with its own rules
    for argv in (["report", save, "--facilitator", "--out", "-"],):
        assert wargame("--rules", rules, "--decks", decks, *argv)[0] == 0
    assert state_of(tmp_path) == before
    assert wargame("--rules", rules, "--decks", decks, "play", "--headless", "--load", save, "--turns", 1)[0] == 0
    doc = read_document(save)
    assert doc.rulebook == read_document(GOLDEN).rulebook, "continued with the rules it was played with"


def test_a_save_from_before_schema_2_still_loads_and_shows_its_log(wargame, rulebook, tmp_path) -> None:
    save = copy_golden(tmp_path, "old.json", GOLDEN_V1)
    doc = read_document(save)
    assert doc.schema == 2 and doc.rulebook_files is None and doc.checksum is None
    code, out, err = wargame("replay", save, "--log", "--facilitator")
    assert code == 0, err
    assert "== Turn 3 ==" in out and "Turn 2 reviewed with the cells." in out
    _, _, check = load(save, rulebook)
    if check.verified:  # today's rules are still those it was played with
        assert "no checksum" in check.message
    else:  # the rules changed since: the log is shown as the file holds it, and says so
        assert check.rules_changed and "not checked by the replay" in out
    code, out, err = wargame("replay", save, "--verify")
    assert "checksum: none (a save from before schema 2)" in out


BOMBS = {
    "not base64": "!!!not base64!!!",
    "not zlib": base64.b64encode(b"plain bytes").decode(),
    "a zip bomb": base64.b64encode(zlib.compress(b"[" + b" " * (64 * 1024 * 1024) + b"]", 9)).decode(),
    "no files": base64.b64encode(zlib.compress(b'{"files": []}')).decode(),
    "a path outside": base64.b64encode(zlib.compress(json.dumps(
        {"files": [["rules", "../../etc/passwd.toml", "x = 1"]]}).encode())).decode(),
    "other rules": base64.b64encode(zlib.compress(json.dumps(
        {"files": [["rules", "rules/parameters.toml", "x = 1"]]}).encode())).decode(),
}


@pytest.mark.parametrize("what", list(BOMBS))
def test_damaged_or_hostile_saved_rules_are_refused_in_one_line(wargame, rulebook, tmp_path, what) -> None:
    raw = golden_dict()
    raw["rulebook"] = "0" * 64  # not today's: the saved rules are needed
    raw["rulebook_files"] = BOMBS[what]
    save = tmp_path / "g.json"
    save.write_text(json.dumps(raw), encoding="utf-8")
    before = state_of(tmp_path)
    with pytest.raises(SaveError) as e:
        load(save, rulebook)
    one_line(str(e.value), "g.json")
    code, out, err = wargame("replay", save, "--verify")
    assert code == 3 and one_line(err, "g.json")
    assert state_of(tmp_path) == before


def test_the_csv_export_carries_the_facilitators_notes_and_bookmarks_with_their_turn(wargame, rulebook,
                                                                                      tmp_path) -> None:
    save = copy_golden(tmp_path)
    code, out, err = wargame("report", save, "--facilitator", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "g.notes.csv").read_text(encoding="utf-8"))))
    _, game, _ = load(save, rulebook)
    assert rows == [{"turn": str(n.turn), "bookmark": n.bookmark or "", "note": n.text} for n in game.notes()]
    assert rows and rows[0]["bookmark"] == "after-override"
    # a cell's handout has no notes: they may speak of any cell's secrets
    code, out, err = wargame("report", save, "--seat", "aq", "--format", "csv")
    assert code == 0 and not (tmp_path / "g.aq.notes.csv").exists()
