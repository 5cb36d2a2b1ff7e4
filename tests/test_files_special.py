"""Kind 2: special files. A named pipe as a save must not hang, a link to /dev/zero must not eat
the memory: only regular files are read, and never more than the cap plus one byte.

The risky cases run in one subprocess with a memory limit and a timeout (tests/filecases.py):
if a reader regressed, the test fails instead of the machine.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from tests.filecases import CLI_CASES, copy_golden, leftovers, one_line, run_cases, state_of
from wargame.files import FileProblem, read_capped
from wargame.record.document import SaveError
from wargame.record.load import read_document
from wargame.record.signing import KeyProblem, read_key
from wargame.tui.screens.start import describe_save


def specials(folder: Path) -> dict[str, Path]:
    """Every kind of file that is not a regular one, named like a save."""
    out = {"fifo": folder / "fifo.json", "zero": folder / "zero.json", "null": folder / "null.json",
           "urandom": folder / "urandom.json", "folder": folder / "folder.json", "socket": folder / "socket.json",
           "link to a fifo": folder / "via-link.json", "dangling link": folder / "dangling.json"}
    os.mkfifo(out["fifo"])
    os.symlink("/dev/zero", out["zero"])
    os.symlink("/dev/null", out["null"])
    os.symlink("/dev/urandom", out["urandom"])
    out["folder"].mkdir()
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(out["socket"]))
    sock.close()
    os.symlink(out["fifo"], out["link to a fifo"])
    os.symlink(folder / "nowhere.json", out["dangling link"])
    if os.geteuid() == 0:
        out["device"] = folder / "device.json"
        os.mknod(out["device"], 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # like /dev/zero
    return out


READERS = [
    ["replay", "{save}", "--verify"],
    ["replay", "{save}", "--log", "--facilitator"],
    ["replay", "{save}", "--log", "--seat", "aq"],
    ["report", "{save}", "--facilitator", "--out", "-"],
    ["report", "{save}", "--seat", "is", "--format", "csv"],
    ["play", "--headless", "--load", "{save}"],
    ["fork", "{save}", "--turn", "1", "--out", "{folder}/child.json"],
]


def test_no_command_reads_a_pipe_a_device_a_folder_or_a_socket_as_a_save(tmp_path) -> None:
    folder = tmp_path / "table"
    folder.mkdir()
    files = specials(folder)
    copy_golden(folder)
    before = state_of(folder)
    cases = [([a.format(save=path, folder=folder) for a in argv], path.name)
             for path in files.values() for argv in READERS]
    cases += [(["--key-file", str(files[k]), "replay", str(folder / "g.json"), "--verify"], files[k].name)
              for k in ("fifo", "zero")]
    results = run_cases(CLI_CASES, [argv for argv, _ in cases], tmp_path)
    assert len(results) == len(cases), "the cases' process stopped early"
    for r, (_, named) in zip(results, cases):
        argv = " ".join(r["argv"])
        assert r["code"] in (2, 3), f"wargame {argv}: {r['code']} {r['err']}"
        one_line(r["err"], named)
        assert r["seconds"] < 20, f"wargame {argv} took {r['seconds']:.1f}s"
    assert state_of(folder) == before and not leftovers(folder)


def test_the_start_screens_lists_say_a_special_file_is_unreadable_without_opening_it(tmp_path) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    paths = specials(folder)
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from wargame.tui.screens.start import describe_save\n"
        "for p in json.load(open(sys.argv[1])):\n"
        "    print(json.dumps({'path': p, 'line': describe_save(Path(p))}))\n"
    )
    results = run_cases(script, [str(p) for p in paths.values()], tmp_path, timeout=30)
    assert len(results) == len(paths)
    for r in results:
        assert r["line"] == f"{Path(r['path']).name}: (cannot read it as a save)", r


def test_read_capped_refuses_what_is_not_a_regular_file_and_names_what_it_is(tmp_path) -> None:
    paths = specials(tmp_path)
    words = {"fifo": "pipe", "zero": "device", "null": "device", "urandom": "device", "folder": "folder",
             "socket": "socket", "link to a fifo": "pipe", "dangling link": "no such file", "device": "device"}
    for what, path in paths.items():
        with pytest.raises(FileProblem) as e:
            read_capped(path, 1024, "save")
        assert words[what] in one_line(str(e.value), str(path)), what
        with pytest.raises(SaveError):
            read_document(path)
        with pytest.raises(KeyProblem):
            read_key(path)


def test_read_capped_reads_at_most_the_cap_plus_one_byte_whatever_the_size_says(tmp_path) -> None:
    # /proc files say they are empty and are not: the cap holds while reading, not only by stat
    status = Path("/proc/self/status")
    if status.exists():
        assert len(read_capped(status, 1 << 20)) > 0
        with pytest.raises(FileProblem, match="larger than 16 bytes"):
            read_capped(status, 16)
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(10 * 1024 * 1024)  # sparse
    with pytest.raises(FileProblem, match="larger than"):
        read_capped(big, 1024 * 1024)
    exact = tmp_path / "exact"
    exact.write_bytes(b"x" * 100)
    assert read_capped(exact, 100) == b"x" * 100
    with pytest.raises(FileProblem):
        read_capped(exact, 99)


def test_a_describe_of_a_readable_save_still_says_its_turns(tmp_path) -> None:
    save = copy_golden(tmp_path)
    assert describe_save(save) == "g.json: Golden save, schema 2, 3 turns played"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="this system has no /dev/full to write to")
@pytest.mark.parametrize("argv", [["simulate", "--runs", "2", "--json", "--workers", "1"], ["calibrate", "--metrics"],
                                  ["names"], ["replay", "saves/example-spring-2016.json", "--log", "--facilitator"]])
def test_output_sent_to_a_full_disk_is_one_line_not_a_traceback(argv) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "wargame", *argv], cwd=root, stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "Traceback" not in done.stderr
    assert "No space left on device" in done.stderr
