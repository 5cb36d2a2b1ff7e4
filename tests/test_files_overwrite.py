"""Kind 1: an output path never replaces what it must not.

Every writer (a save, a fork, a report, the CSV export, the end screen's report, a key) goes
through one writer, wargame.files.write_file: it never replaces a save of another game, never a
save by anything but its own game's continuation, never a folder, a device, a pipe or a link,
and a file it did not make only with --force (which still never replaces a save). The write is
atomic, and its temporary file is gone after any failure, KeyboardInterrupt included.
"""

from __future__ import annotations

import ast
import errno
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wargame.files as files
from tests.filecases import GOLDEN, ROOT, copy_golden, golden_dict, leftovers, make_cli, one_line, state_of
from wargame.files import FileProblem, Kind, WriteRefused, refusal, write_file
from wargame.record import report
from wargame.record.document import SaveError
from wargame.record.load import load
from wargame.record.save import document, write_save

OTHER_GAME = "golden-v2"


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    return make_cli(capsys, monkeypatch, rulebook)


@pytest.fixture
def table(tmp_path: Path, wargame) -> Path:
    """A folder with a game's save (g.json, its own game) and another game's save (other.json)."""
    code, _, err = wargame("play", "--headless", "--seed", 3, "--turns", 2, "--save", tmp_path / "g.json")
    assert code == 0, err
    copy_golden(tmp_path, "other.json")
    return tmp_path


def refused(wargame, folder: Path, argv: list, code: int, *names: str) -> str:
    before = state_of(folder)
    got, out, err = wargame(*argv)
    assert got == code, f"wargame {' '.join(map(str, argv))}: exit {got} ({err.strip()})"
    line = one_line(err, *names)
    assert "wrote" not in out and "Saved to" not in out
    assert state_of(folder) == before, f"wargame {' '.join(map(str, argv))} changed a file"
    assert not leftovers(folder)
    return line


# --- saves are never replaced by what is not their own game ---------------------------------------


WRITERS = {
    "markdown report": ["report", "{g}", "--facilitator", "--out", "{target}"],
    "json report": ["report", "{g}", "--facilitator", "--format", "json", "--out", "{target}"],
    "a cell's report": ["report", "{g}", "--seat", "aq", "--out", "{target}"],
    "fork": ["fork", "{g}", "--turn", "1", "--out", "{target}"],
    "new game's autosave": ["play", "--headless", "--seed", "4", "--turns", "1", "--save", "{target}"],
    "continued game saved elsewhere": ["play", "--headless", "--load", "{g}", "--turns", "1", "--save", "{target}"],
}


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("writer, target", [(w, t) for w in WRITERS for t in ("other.json", "g.json")
                                            if (w, t) != ("continued game saved elsewhere", "g.json")])
def test_no_writer_replaces_a_save_of_another_game_nor_its_own_save_even_with_force(wargame, table, writer, target,
                                                                                   force) -> None:
    argv = [a.format(g=table / "g.json", target=table / target) for a in WRITERS[writer]]
    if force:
        argv.append("--force")
    line = refused(wargame, table, argv, 3, target)
    assert "save" in line or "exists" in line


@pytest.mark.parametrize("force", [False, True])
def test_the_csv_export_never_replaces_a_save_named_like_its_files(wargame, table, force) -> None:
    shutil.copyfile(GOLDEN, table / "x.tracks.csv")  # someone saved a game under that name
    argv = ["report", table / "g.json", "--facilitator", "--format", "csv", "--out", table / "x.csv"]
    refused(wargame, table, argv + (["--force"] if force else []), 3, "x.tracks.csv")


# --- files it did not make: only with --force ------------------------------------------------------


FOREIGN = {
    "markdown": (["--out", "{f}"], "notes.md"),
    "json": (["--format", "json", "--out", "{f}"], "data.json"),
    "csv": (["--format", "csv"], "g.tracks.csv"),
    "csv events": (["--format", "csv"], "g.events.csv"),
    "csv notes": (["--format", "csv"], "g.notes.csv"),
}


@pytest.mark.parametrize("case", list(FOREIGN))
def test_a_file_wargame_did_not_make_is_replaced_only_with_force(wargame, table, case) -> None:
    extra, name = FOREIGN[case]
    foreign = table / name
    foreign.write_text("turn,what we wrote by hand\n1,do not lose this\n", encoding="utf-8")
    argv = ["report", table / "g.json", "--facilitator"] + [a.format(f=foreign) for a in extra]
    line = refused(wargame, table, argv, 3, name)
    assert "--force" in line
    # nothing at all was written: not even the other files of the CSV export
    assert not any(p.name.endswith(".csv") and p != foreign for p in table.iterdir())
    code, out, err = wargame(*argv, "--force")
    assert code == 0, err
    assert "do not lose this" not in foreign.read_text(encoding="utf-8")
    assert not leftovers(table)


@pytest.mark.parametrize("fmt", ["markdown", "json", "csv"])
def test_a_report_replaces_its_own_earlier_report_without_force(wargame, table, fmt) -> None:
    argv = ["report", table / "g.json", "--facilitator", "--format", fmt]
    assert wargame(*argv)[0] == 0
    first = state_of(table)
    code, out, err = wargame(*argv)
    assert code == 0, err
    assert state_of(table) == first, "the same report again: the same bytes"
    assert not leftovers(table)


def test_a_cells_handout_and_the_facilitators_report_never_replace_each_other(wargame, table) -> None:
    assert wargame("report", table / "g.json", "--facilitator")[0] == 0
    assert wargame("report", table / "g.json", "--seat", "is")[0] == 0
    assert {p.name for p in table.glob("g.report*")} == {"g.report.md", "g.report.is.md"}


# --- what is not a regular file is never replaced ------------------------------------------------


def _specials(folder: Path) -> dict[str, Path]:
    out = {"folder": folder / "folder.md", "fifo": folder / "fifo.md", "link to a file": folder / "link.md",
           "link to /dev/null": folder / "null.md", "dangling link": folder / "dangling.md"}
    out["folder"].mkdir()
    os.mkfifo(out["fifo"])
    (folder / "real.md").write_text("the real file\n", encoding="utf-8")
    os.symlink(folder / "real.md", out["link to a file"])
    os.symlink("/dev/null", out["link to /dev/null"])
    os.symlink(folder / "nowhere", out["dangling link"])
    if os.geteuid() == 0:  # as root, a device node like /dev/null's
        out["device"] = folder / "device.md"
        os.mknod(out["device"], 0o644 | stat.S_IFCHR, os.makedev(1, 3))
    return out


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_a_pipe_a_device_or_a_link_is_never_replaced(wargame, table, force) -> None:
    for what, path in _specials(table).items():
        for argv in (["report", table / "g.json", "--facilitator", "--out", path],
                     ["fork", table / "g.json", "--turn", "1", "--out", path],
                     ["play", "--headless", "--seed", "1", "--turns", "1", "--save", path]):
            refused(wargame, table, argv + (["--force"] if force else []), 3, path.name)
        assert stat.S_IFMT(os.lstat(path).st_mode) != stat.S_IFREG or what == "folder" and path.is_dir()


# --- the writer itself -----------------------------------------------------------------------------


MD = Kind("a report", report.is_markdown_report)


def test_a_write_interrupted_at_any_step_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "r.md"
    write_file(path, "old\n" + report.MARK + "\n", MD)
    old = path.read_bytes()

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    for step in ("write", "fsync", "replace"):
        with monkeypatch.context() as m:
            m.setattr(files.os, step, interrupt)
            with pytest.raises(KeyboardInterrupt):
                write_file(path, "new\n" + report.MARK + "\n", MD)
        assert path.read_bytes() == old, step
        assert os.listdir(tmp_path) == ["r.md"], f"a temporary file is left after an interrupted {step}"


def test_a_failed_write_into_folders_it_made_removes_them(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(files.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    with pytest.raises(FileProblem) as e:
        write_file(tmp_path / "a" / "b" / "r.md", "x", MD)
    one_line(str(e.value), "r.md")
    assert os.listdir(tmp_path) == []


def test_temporary_files_of_dead_processes_are_cleaned_and_a_live_ones_kept(tmp_path) -> None:
    path = tmp_path / "g.json"
    dead = tmp_path / ".g.json.999999999.tmp"  # no such process (as earlier versions named them)
    dead2 = tmp_path / ".g.json.999999998.3.tmp"  # no such process (as they are named now)
    alive = tmp_path / f".g.json.{os.getppid()}.7.tmp"  # our parent: alive, writing
    other = tmp_path / ".h.json.999999999.tmp"  # another file's: not ours to judge here
    for p in (dead, dead2, alive, other):
        p.write_text("half a save", encoding="utf-8")
    write_file(path, "{}", Kind("a save", game="x"), force=True)
    assert not dead.exists() and not dead2.exists() and alive.exists() and other.exists()


def test_a_new_file_is_never_written_over_one_that_appears_meanwhile(tmp_path, monkeypatch) -> None:
    path = tmp_path / "fork.json"
    real_fsync = os.fsync

    def someone_writes_meanwhile(fd):
        real_fsync(fd)
        path.write_text("someone else's\n", encoding="utf-8")

    monkeypatch.setattr(files.os, "fsync", someone_writes_meanwhile)
    with pytest.raises(WriteRefused):
        write_file(path, "ours", Kind("a save", game="x"), new=True)
    assert path.read_text(encoding="utf-8") == "someone else's\n"
    assert os.listdir(tmp_path) == ["fork.json"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=st.binary(max_size=300) | st.text(max_size=200).map(str.encode), marked=st.booleans(),
       force=st.booleans(), save_of=st.none() | st.sampled_from(["mine", "theirs", ""]))
def test_any_existing_file_is_replaced_only_when_the_rule_allows(tmp_path_factory, content: bytes, marked: bool,
                                                                  force: bool, save_of) -> None:
    folder = tmp_path_factory.mktemp("any")
    path = folder / "target"
    if save_of is not None:
        content = json.dumps({"format": "wargame-save", "game": save_of, "commands": []}, separators=(", ", ": ")).encode()
    elif marked:
        content += b"\n" + report.MARK.encode()
    path.write_bytes(content)
    for kind in (MD, Kind("a save", game="mine")):
        why = refusal(path, kind, force=force)
        try:
            write_file(path, b"new " + report.MARK.encode(), kind, force=force)
        except WriteRefused as e:
            one_line(str(e), str(path))
            assert path.read_bytes() == content and why
        else:
            assert why is None
            is_save = save_of is not None
            if is_save:  # a save: replaced only by a save of the same game
                assert kind.game == "mine" == save_of
            else:
                assert force or (kind is MD and marked)
            path.write_bytes(content)
        assert os.listdir(folder) == ["target"]


# --- one writer for everything ----------------------------------------------------------------------


WRITING = {"write_text", "write_bytes", "rename", "unlink", "mkdir", "makedirs", "symlink", "link", "shutil",
           "os.replace", "os.open for writing", "open for writing"}


def _writes(node: ast.Call) -> str | None:
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
    if name == "replace":  # str.replace is everywhere: only os.replace writes
        return "os.replace" if owner == "os" else None
    if owner == "shutil":
        return "shutil"
    if name == "open" and owner == "os":
        if any(isinstance(a, ast.Attribute) and a.attr == "devnull" for a in node.args[:1]):
            return None
        flags = {n.attr for a in node.args[1:2] for n in ast.walk(a) if isinstance(n, ast.Attribute)}
        return "os.open for writing" if flags & {"O_WRONLY", "O_RDWR", "O_CREAT"} else None
    if name == "open":
        mode = next((a.value for a in node.args[1:2] if isinstance(a, ast.Constant)), None)
        mode = next((k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)),
                    mode)
        return "open for writing" if isinstance(mode, str) and any(c in mode for c in "wax+") else None
    return name if name in WRITING else None


def test_every_file_the_product_writes_goes_through_the_one_writer() -> None:
    """No module but wargame/files.py writes a file (wargame/record/bundle.py unpacks a save's
    rules into a private temporary folder of its own)."""
    allowed = {"wargame/files.py": WRITING, "wargame/record/bundle.py": {"write_bytes", "mkdir"}}
    found = []
    for path in sorted((ROOT / "wargame").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            what = _writes(node) if isinstance(node, ast.Call) else None
            if what and what not in allowed.get(rel, set()):
                found.append(f"{rel}:{node.lineno} {what}")
    assert not found, "files written outside wargame.files: " + ", ".join(found)


def test_a_save_replaced_by_its_own_game_must_continue_its_log(rulebook, tmp_path) -> None:
    path = copy_golden(tmp_path)
    doc, game, _ = load(path, rulebook)
    shorter = game.fork(2, doc.game)  # the same game id, a log that does not continue the file's
    before = path.read_bytes()
    with pytest.raises(SaveError) as e:
        write_save(path, document(shorter))
    one_line(str(e.value), str(path))
    assert "changed" in str(e.value) and path.read_bytes() == before
    assert golden_dict()["game"] == OTHER_GAME


def test_a_save_reached_through_a_link_is_read_but_never_written_through(wargame, table) -> None:
    link = table / "link.json"
    os.symlink(table / "g.json", link)
    assert wargame("replay", link, "--verify")[0] == 0
    line = refused(wargame, table, ["play", "--headless", "--load", link, "--turns", 1], 3, "link.json")
    assert "link" in line


def test_a_file_that_only_quotes_the_reports_mark_is_not_taken_for_a_report(tmp_path) -> None:
    """The mark ends every markdown report wargame writes: notes that quote it, or a report with
    notes added after it, are someone's own and are not replaced without --force."""
    for text in (f"My notes.\n{report.MARK}\nMore of my notes.\n", f"# Report\n{report.MARK}\n\nmy comments\n"):
        assert not report.is_markdown_report(text.encode())
    assert report.is_markdown_report(f"# Report\n\n{report.MARK}\n".encode())
