"""Kind 3 (the save side of deep structures): a number too long to read, JSON nested too deep.
Python's integer-length error and RecursionError never escape: one line, exit 3, nothing written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.filecases import CLI_CASES, GOLDEN, golden_dict, leftovers, make_cli, one_line, run_cases, state_of
from wargame.record.document import SaveError
from wargame.record.load import load, read_document
from wargame.tui.screens.start import describe_save

DIGITS = 5_000
DEEP = 100_000


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    return make_cli(capsys, monkeypatch, rulebook)


def golden_text() -> str:
    return GOLDEN.read_text(encoding="utf-8")


def replace_value(text: str, key: str, raw: str, nth: int = 0) -> str:
    """The save's text with the ``nth`` value of ``"key": <number or string>`` replaced by ``raw``
    (JSON text that json.dumps could not even make: a 5,000-digit number, 100,000 brackets)."""
    matches = list(re.finditer(rf'"{re.escape(key)}": (-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|"[^"]*"|null|true|false)', text))
    m = matches[nth]
    return text[: m.start(1)] + raw + text[m.end(1):]


NUMBERS = {  # where a number (or anything) can be put in a save, and the JSON text to put there
    "seed": ("seed", 0), "schema": ("schema", 0), "a command's turn": ("turn", 0), "a track's value": ("value", 0),
    "a record's chance": ("chance", 1), "a record's roll": ("roll", 1), "a turn number": ("turn", 30),
    "the exercise": ("exercise", 0),
}
BIG = {
    "5,000-digit integer": "9" * DIGITS,
    "5,000-digit negative integer": "-" + "7" * DIGITS,
    "5,000-digit decimal": "1" * DIGITS + ".5",
    "huge exponent": "1e999999999",
    "100,000 nested lists": "[" * DEEP + "]" * DEEP,
    "100,000 nested objects": '{"a":' * DEEP + "1" + "}" * DEEP,
    "nested lists and objects": '[{"a":' * (DEEP // 2) + "0" + "}]" * (DEEP // 2),
}


def big_saves(folder: Path) -> dict[str, Path]:
    out = {}
    for where, (key, nth) in NUMBERS.items():
        for what, raw in BIG.items():
            name = re.sub(r"\W+", "-", f"{where}-{what}") + ".json"
            path = folder / name
            path.write_text(replace_value(golden_text(), key, raw, nth), encoding="utf-8")
            out[f"{what} as {where}"] = path
    (folder / "whole-file.json").write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    out["a whole file of brackets"] = folder / "whole-file.json"
    return out


def test_every_command_refuses_long_numbers_and_deep_nesting_in_one_line_within_bounds(tmp_path) -> None:
    """In one limited subprocess: each case must end in one line, exit 3 (or a verdict), quickly."""
    folder = tmp_path / "table"
    folder.mkdir()
    saves = big_saves(folder)
    commands = [["replay", "{save}", "--verify"], ["replay", "{save}", "--log", "--facilitator"],
                ["report", "{save}", "--facilitator", "--out", "-"],
                ["play", "--headless", "--load", "{save}", "--turns", "1"]]
    before = state_of(folder)
    cases = [[a.format(save=p) for a in c] for p in saves.values() for c in commands]
    results = run_cases(CLI_CASES, cases, tmp_path, timeout=120)
    assert len(results) == len(cases), "the cases' process stopped early"
    for r in results:
        argv = " ".join(r["argv"])[-120:]
        assert r["code"] in (1, 3) or r["code"] == 0 and "exercise" in argv, f"{argv}: {r['code']} {r['err'][:300]}"
        if r["code"] == 3:
            one_line(r["err"], Path(r["argv"][1] if r["argv"][0] != "play" else r["argv"][3]).name)
        else:  # a long exercise name is a name: the save is then only not verified (its checksum)
            assert "NOT verified" in r["out"] + r["err"] and "Traceback" not in r["err"]
        assert r["seconds"] < 20, f"{argv} took {r['seconds']:.1f}s"
    assert state_of(folder) == before and not leftovers(folder)


def test_read_document_says_what_is_wrong_with_each_big_or_deep_value(tmp_path) -> None:
    for what, path in big_saves(tmp_path).items():
        try:
            read_document(path)
        except SaveError as e:
            line = one_line(str(e), path.name)
            assert len(line) < 700, f"{what}: a message of {len(line)} characters"
        else:
            assert "exercise" in what, f"{what} was read as a save"
        assert describe_save(path).startswith(path.name)


@st.composite
def deep_values(draw) -> str:
    depth = draw(st.integers(1, 3000) | st.integers(3000, 60_000))
    kind = draw(st.sampled_from(["[", '{"k":', '[{"k":']))
    close = {"[": "]", '{"k":': "}", '[{"k":': "}]"}[kind]
    inner = draw(st.sampled_from(["0", "null", '"x"', "[]", "9" * draw(st.integers(1, 6000))]))
    return kind * depth + inner + close * depth


PLACES = ["seats", "parent", "commands", "turns", "final", "white_lock", "exercise", "rulebook_files", "checksum"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@given(place=st.sampled_from(PLACES), value=deep_values())
def test_a_deep_or_long_value_anywhere_is_refused_in_one_line(rulebook, tmp_path_factory, place, value) -> None:
    raw = golden_dict()
    raw[place] = "@@HERE@@"
    path = tmp_path_factory.mktemp("deep") / "save.json"
    path.write_text(json.dumps(raw).replace('"@@HERE@@"', value), encoding="utf-8")
    data = path.read_bytes()
    try:
        load(path, rulebook)
    except SaveError as e:
        one_line(str(e), str(path))
    else:
        pytest.fail(f"a save with {value[:30]}… as its {place} loaded")
    assert path.read_bytes() == data


def test_the_cli_in_its_own_process_with_a_memory_limit_refuses_the_deepest(tmp_path, wargame) -> None:
    save = tmp_path / "deep.json"
    save.write_text('{"format": "wargame-save", "schema": 1, "seed": ' + "9" * DIGITS + ', "seats": '
                    + "[" * DEEP + "]" * DEEP + "}", encoding="utf-8")
    before = state_of(tmp_path)
    code, out, err = wargame("replay", save, "--verify")
    assert code == 3
    one_line(err, "deep.json")
    assert state_of(tmp_path) == before
