"""An option a command would pass over in silence is refused in one line: an empty name that
would quietly mean the default, what a loaded game keeps of its own, options that belong to
another option, a --only that chooses nothing, and a certificate that is not a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bounded import ROOT, in_process, one_line

EXAMPLE = ROOT / "saves" / "example-exercise.json"


@pytest.mark.parametrize("argv, says", [
    (["play", "--headless", "--scenario", "", "--turns", "1"], "--scenario: an empty value"),
    (["play", "--headless", "--seats", " ", "--turns", "1"], "--seats: an empty value"),
    (["simulate", "--seats", "", "--runs", "2"], "--seats: an empty value"),
    (["claims", "--scenario", ""], "--scenario: an empty value"),
    (["brief", "--seat", "is", "--scenario", ""], "--scenario: an empty value"),
    (["serve", "--scenario", "", "--port", "0"], "--scenario: an empty value"),
    (["--rules", "", "check"], "--rules: an empty file name"),
    (["check", ""], "an empty file name"),
    (["calibrate", "--targets", ""], "--targets: an empty file name"),
])
def test_an_empty_name_is_refused_not_taken_for_the_default(argv: list[str], says: str) -> None:
    assert says in one_line(in_process(argv), 2)


@pytest.mark.parametrize("extra", [["--seed", "5"], ["--scenario", "spring-2016"], ["--exercise", "renamed"]])
def test_a_served_game_continued_keeps_its_own_seed_scenario_and_name(extra: list[str], tmp_path: Path) -> None:
    save = tmp_path / "game.json"
    assert in_process(["play", "--headless", "--seats", "all=bot", "--seed", "6", "--turns", "1", "--save", save]).code == 0
    line = one_line(in_process(["serve", "--load", save, "--port", "0", *extra]), 2)
    assert extra[0] in line and "keeps its own" in line


@pytest.mark.parametrize("argv, says", [
    (["check", "--boards"], "--boards goes with --deep or --mutate"),
    (["check", "--examples", "5"], "--examples goes with --deep or --mutate"),
    (["check", "--played", "0", "--seed", "3"], "--played and --seed go with --deep or --mutate"),
    (["replay", str(EXAMPLE), "--verify", "--turn", "3"], "--turn goes with the log, not with --verify"),
    (["replay", str(EXAMPLE), "--verify", "--log"], "--verify checks the save and --log prints it"),
    (["replay", str(EXAMPLE), "--verify", "--seat", "is"], "--seat goes with the log"),
])
def test_an_option_that_would_be_passed_over_is_refused(argv: list[str], says: str) -> None:
    assert says in one_line(in_process(argv), 2)


def test_a_mutation_run_that_reverses_nothing_is_refused_not_reported_as_all_caught() -> None:
    done = in_process(["check", "--mutate", "--only", "no-such-entry-anywhere"])
    assert done.code == 2 and done.out.startswith("ok: ")  # the rules loaded; then nothing was chosen
    assert done.err.strip() == "wargame: no entry's id contains 'no-such-entry-anywhere' (see wargame names)"
    assert "reversals caught" not in done.out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_certificate_or_key_that_is_not_a_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    pipe = tmp_path / "cert.pem"
    os.mkfifo(pipe)  # reading it would wait for ever
    real = tmp_path / "real.pem"
    real.write_text("not a certificate")
    for cert, key, says in ((pipe, real, "a named pipe (FIFO), not a certificate"),
                            (real, pipe, "a named pipe (FIFO), not a private key"),
                            ("/dev/zero", real, "a character device, not a certificate")):
        done = in_process(["serve", "--cert", cert, "--key", key, "--port", "0"])
        assert says in one_line(done, 2) and done.seconds < 30


def test_a_data_file_too_large_is_said_to_be_too_large(tmp_path: Path) -> None:
    big = tmp_path / "targets.toml"
    with big.open("wb") as f:
        f.truncate(3 * 1024**3)  # sparse: no disk is used
    line = one_line(in_process(["calibrate", "--targets", big]), 3)
    assert "larger than 2000000 bytes" in line and "regular file" not in line
