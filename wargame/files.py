# Over 400 lines, kept whole: the one module that may write a file (tests/test_files_overwrite.py holds every other to that).
"""Every file the program reads or writes goes through here: one reader, one writer, one lock.

**Reading** (:func:`read_capped`): only a regular file is read (a folder, a named pipe, a device
or a socket is refused before a byte is read: a pipe may never end, ``/dev/zero`` never does), and
at most ``cap + 1`` bytes are read whatever the file claims its size is, so a file that grows
while it is read cannot take all the memory either.

**Writing** (:func:`write_file`): a temporary file beside the target (``.NAME.PID.N.tmp``), written,
flushed and fsynced, then renamed over the target, so a crash or a full disk leaves the previous
file as it was; the temporary file is removed on any failure, ``KeyboardInterrupt`` included, and
temporary files left by a process that died are cleaned up by the next write (:class:`StreamedFile`
does the same for a file written piece by piece while a long run plays). Before anything is
written, :func:`refusal` decides whether the target may be replaced:

- a folder, a device, a named pipe, a socket or a symbolic link is never replaced;
- a save is replaced only by the save of its own game, and only by a log that continues it;
  nothing else (a report, a CSV file, a fork, ``--force``) ever replaces a save;
- any other existing file is replaced only if it is one this kind of writer makes (a report
  replaces an earlier report), or with ``force`` (the command line's ``--force``).

**Locking** (:class:`SaveLock`): a process that plays a save holds ``.NAME.lock`` beside it,
created atomically (``O_EXCL``) and holding its pid; another process refuses the save in one line
while that pid lives, and takes the lock over once it has died.

Every problem is a :class:`FileProblem` whose message is one line naming the file.
"""

from __future__ import annotations

import atexit
import errno
import itertools
import json
import os
import re
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from attrs import frozen

SAVE_FORMAT = "wargame-save"
SAVE_CAP = 64 * 1024 * 1024  # a save, and anything the writer reads to see what it would replace
MiB = 1024 * 1024


class FileProblem(Exception):
    """A file that cannot be read or written (or may not be replaced); the message is one line."""


class WriteRefused(FileProblem):
    """The writer will not replace what is at the target: nothing was written."""


class WriteFailed(FileProblem):
    """Writing failed (a full disk, a read-only file system...): the previous file is intact."""


def reason(e: OSError) -> str:
    """The operating system's words for an error, without the errno and path clutter."""
    return e.strerror or (os.strerror(e.errno) if e.errno else str(e)) or type(e).__name__


def _size(n: int) -> str:
    return f"{n // MiB} MiB" if n >= MiB and n % MiB == 0 else f"{n} bytes"


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


# --- reading -------------------------------------------------------------------------------------


def read_capped(path: Path | str, cap: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes. Raises :class:`FileProblem`
    (``path: what is wrong``): no such file, a folder / pipe / device, larger than the cap, or
    the system's reason it cannot be read. Never blocks on a pipe, never reads more than
    ``cap + 1`` bytes."""
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileProblem(f"{name}: no such file") from None
    except IsADirectoryError:
        raise FileProblem(f"{name}: a folder, not a {what}") from None
    except (OSError, ValueError) as e:  # ValueError: a NUL byte in the name
        raise FileProblem(f"{name}: cannot read: {reason(e) if isinstance(e, OSError) else 'not a file name'}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(f"{name}: {kind_of(info.st_mode)}, not a {what}")
        if info.st_size > cap:
            raise FileProblem(f"{name}: larger than {_size(cap)}, not a {what}")
        chunks: list[bytes] = []
        got = 0
        while got <= cap:
            chunk = os.read(fd, min(MiB, cap + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > cap:
            raise FileProblem(f"{name}: larger than {_size(cap)}, not a {what}")
        return b"".join(chunks)
    except OSError as e:
        raise FileProblem(f"{name}: cannot read: {reason(e)}") from None
    finally:
        os.close(fd)


def loads_json(data: bytes | str) -> object:
    """JSON from bytes or text, or :class:`ValueError` for anything that is not (bad UTF-8,
    bad JSON, numbers too long to convert, nesting too deep)."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def looks_like_save(data: bytes) -> bool:
    """Does ``data`` read like a wargame save, even one that no longer parses (cut short, a byte
    damaged, re-encoded as UTF-16): its format's name near the start, in any of those encodings?"""
    head = data[:65536]
    marker = f'"format": "{SAVE_FORMAT}"'
    for encoding in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        text = head.decode(encoding, errors="replace")
        if marker in text or marker.replace(": ", ":") in text:
            return True
    return False


def peek_save(data: bytes) -> tuple[str, list] | None:
    """(game id, raw commands) if ``data`` is a wargame save (of any schema), else None."""
    try:
        raw = loads_json(data)
    except ValueError:
        return None
    if isinstance(raw, dict) and raw.get("format") == SAVE_FORMAT:
        game = raw.get("game")
        commands = raw.get("commands")
        return (game if isinstance(game, str) else "", commands if isinstance(commands, list) else [])
    return None


# --- what may be replaced ------------------------------------------------------------------------


@frozen
class Kind:
    """What a writer writes: ``noun`` for messages ("a report"), ``ours`` recognises an existing
    file of this kind that wargame wrote (so it may be replaced without ``force``), and for a save
    ``game`` is its game's id and ``continues`` says whether an existing save of that game may be
    replaced by this one (its log continues the one on disk)."""

    noun: str
    ours: Callable[[bytes], bool] = lambda data: False
    game: str | None = None
    continues: Callable[[list], bool] | None = None


def same_file(a: os.stat_result | None, b: os.stat_result) -> bool:
    """Is ``b`` the file ``a`` described, unchanged (the one this process wrote last)?"""
    return a is not None and (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size,
                                                                                 b.st_mtime_ns)


def refusal(path: Path | str, kind: Kind, *, force: bool = False, new: bool = False,
            known: os.stat_result | None = None) -> str | None:
    """Why ``path`` may not be written as ``kind`` (one line), or None if it may. ``known``: what
    :func:`write_file` returned when this writer last wrote it; unchanged since, it is ours."""
    path = Path(path)
    name = str(path)
    if name in ("", "."):
        return f"{name!r} is not a file name"
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        parent = path.parent
        try:
            pinfo = os.stat(parent)
        except FileNotFoundError:
            return None  # the writer makes the folders
        except OSError as e:
            return f"{name}: cannot write there: {reason(e)}"
        if not stat.S_ISDIR(pinfo.st_mode):
            return f"{name}: {parent} is {kind_of(pinfo.st_mode)}, not a folder"
        return None
    except OSError as e:
        return f"{name}: cannot write there: {reason(e)}"
    if not stat.S_ISREG(info.st_mode):
        return f"{name} is {kind_of(info.st_mode)}, not {kind.noun}: not overwritten; choose another name"
    if new:
        return f"{name} exists already: not overwritten; choose another name"
    if same_file(known, info):
        return None  # as this writer left it: nobody else wrote it since
    try:
        data = read_capped(path, SAVE_CAP, kind.noun)
    except FileProblem as e:
        if "larger than" in str(e) and force:
            return None  # too large to be a save: --force may replace it
        return f"{name} exists and cannot be checked ({str(e).split(': ', 1)[-1]}): not overwritten"
    save = peek_save(data)
    if save is None and looks_like_save(data):
        return (f"{name} looks like a wargame save that cannot be read as one (damaged, cut short or re-encoded): "
                f"{kind.noun} never replaces it, even with --force; choose another name")
    if save is not None:
        game, commands = save
        if kind.game is None:
            return (f"{name} is a wargame save (game {game or '?'}): {kind.noun} never replaces a save; "
                    "choose another name")
        if game != kind.game:
            what = f"a save of another game ({game})" if game else "a save of another game"
            return f"{name} is {what}: not overwritten; choose another name"
        if kind.continues is not None and not kind.continues(commands):
            return (f"{name} was changed by someone else since this game was loaded (its log is not the start "
                    "of this one): not overwritten; load it again")
        return None
    if kind.game is not None:
        if force:
            return None
        return f"{name} exists and is not a save of this game: not overwritten; choose another name (or --force)"
    if kind.ours(data) or force:
        return None
    return f"{name} exists and is not {kind.noun} wargame wrote: not overwritten; choose another name, or --force"


# --- writing -------------------------------------------------------------------------------------


_counter = itertools.count()


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{next(_counter)}.tmp")


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # alive, another user's
    except OSError:
        return True
    return True


def clean_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files a dead process left while writing ``path``."""
    removed: list[Path] = []
    # .NAME.PID.N.tmp, as temp_path makes them (and .NAME.PID.tmp, as earlier versions did)
    ours = re.compile(rf"\.{re.escape(path.name)}\.(\d{{1,10}})(?:\.\d+)?\.tmp")
    try:
        entries = list(os.scandir(path.parent if str(path.parent) else "."))
    except OSError:
        return removed
    for entry in entries:
        m = ours.fullmatch(entry.name)
        if m is None:
            continue
        pid = int(m[1])
        if pid == os.getpid() or pid_alive(pid):
            continue  # being written right now, by this process or another
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def _make_parents(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; the folders made, outermost first."""
    missing = []
    f = folder
    while str(f) not in ("", ".") and not os.path.lexists(f):
        missing.append(f)
        if f.parent == f:
            break
        f = f.parent
    made = []
    for d in reversed(missing):
        os.mkdir(d)
        made.append(d)
    return made


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_file(path: Path | str, data: bytes | str, kind: Kind, *, force: bool = False, new: bool = False,
               mode: int = 0o666, known: os.stat_result | None = None) -> os.stat_result | None:
    """Write ``data`` to ``path`` atomically, if :func:`refusal` allows it. ``new``: the target
    must not exist (it is created without ever replacing a file that appeared meanwhile).
    ``mode`` is that of a new file (before the umask); ``known``: what this call returned the
    last time the same writer wrote ``path`` (so an unchanged file is not read again). Raises
    :class:`WriteRefused` (nothing written) or :class:`WriteFailed` (the previous file intact);
    no temporary file is left. Returns the written file's status."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    why = refusal(path, kind, force=force, new=new, known=known)
    if why:
        raise WriteRefused(why)
    made: list[Path] = []
    tmp: Path | None = None
    fd: int | None = None
    done = False
    try:
        made = _make_parents(path.parent)
        clean_stale_temps(path)
        tmp = temp_path(path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                     | getattr(os, "O_NOFOLLOW", 0), mode)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = None
        # again, just before the rename: the target may have appeared or changed meanwhile
        why = refusal(path, kind, force=force, new=new, known=known)
        if why:
            raise WriteRefused(why)
        if new:
            _link_new(tmp, path)
        else:
            os.replace(tmp, path)
            tmp = None
        done = True
    except OSError as e:
        previous = "nothing was written" if new or not os.path.lexists(path) else "the previous file is intact"
        raise WriteFailed(f"could not write {path}: {reason(e)}; {previous}") from None
    finally:
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if not done:
            for d in reversed(made):
                try:
                    os.rmdir(d)
                except OSError:
                    pass
    _fsync_folder(path.parent)
    try:
        return os.lstat(path)
    except OSError:
        return None


def _link_new(tmp: Path, path: Path) -> None:
    """Give ``tmp``'s file the name ``path``, which must not exist (atomic where links work)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise WriteRefused(f"{path} exists already: not overwritten; choose another name") from None
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise
        if os.path.lexists(path):  # no hard links here: check, then rename
            raise WriteRefused(f"{path} exists already: not overwritten; choose another name") from None
        os.replace(tmp, path)


class StreamedFile:
    """A file written piece by piece while a long run plays (a table of games, one row a game),
    as atomically as :func:`write_file`: the pieces go to a temporary file beside the target, and
    only when the ``with`` block ends normally is it flushed, fsynced and renamed over the target
    (:func:`refusal` is asked before the first byte and again just before the rename). An
    exception, ``KeyboardInterrupt`` or a SIGTERM turned into one leaves the previous file as it
    was and no temporary file; a write that fails (a full disk) is a :class:`WriteFailed`.

    ``with StreamedFile(path, kind) as out: out.write(...)``: ``out`` is a binary file object."""

    def __init__(self, path: Path | str, kind: Kind, *, force: bool = False, mode: int = 0o666):
        self.path = Path(path)
        self.kind = kind
        self.force = force
        self.mode = mode
        self.file: Any = None
        self._tmp: Path | None = None
        self._made: list[Path] = []

    def __enter__(self) -> Any:
        why = refusal(self.path, self.kind, force=self.force)
        if why:
            raise WriteRefused(why)
        try:
            self._made = _make_parents(self.path.parent)
            clean_stale_temps(self.path)
            self._tmp = temp_path(self.path)
            fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                         | getattr(os, "O_NOFOLLOW", 0), self.mode)
            self.file = os.fdopen(fd, "wb")
        except OSError as e:
            self._discard()
            raise WriteFailed(f"could not write {self.path}: {reason(e)}; nothing was written") from None
        return self.file

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        if kind is not None:
            self._discard()
            if isinstance(error, OSError) and not isinstance(error, FileProblem):
                raise WriteFailed(f"could not write {self.path}: {reason(error)}; {self._previous()}") from None
            return
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            why = refusal(self.path, self.kind, force=self.force)  # again, just before the rename
            if why:
                raise WriteRefused(why)
            os.replace(self._tmp, self.path)
            self._tmp = None
        except OSError as e:
            self._discard()
            raise WriteFailed(f"could not write {self.path}: {reason(e)}; {self._previous()}") from None
        except BaseException:
            self._discard()
            raise
        _fsync_folder(self.path.parent)

    def _previous(self) -> str:
        return "the previous file is intact" if os.path.lexists(self.path) else "nothing was written"

    def _discard(self) -> None:
        """Close and remove the temporary file, and the folders made for it."""
        if self.file is not None:
            try:
                self.file.close()
            except OSError:
                pass
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            self._tmp = None
        for d in reversed(self._made):
            try:
                os.rmdir(d)
            except OSError:
                pass
        self._made = []


# --- the lock on a save in play ------------------------------------------------------------------


def lock_path(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(f".{path.name}.lock")


class LockHeld(FileProblem):
    """Another live process is playing the save."""


_held: dict[str, int] = {}  # lock file -> how many holders in this process
_held_guard = threading.Lock()


def _key(path: Path) -> str:
    return os.path.abspath(path)


def _read_pid(lock: Path) -> int | None:
    try:
        text = read_capped(lock, 64, "lock").decode("ascii", "replace").strip()
    except FileProblem:
        return None
    return int(text) if text.isdigit() and len(text) < 12 else None


class SaveLock:
    """``.NAME.lock`` beside a save while this process plays it (re-entrant within a process).

    Use as a context manager, or :meth:`acquire` and :meth:`release`; every lock still held is
    released when the process exits normally."""

    def __init__(self, path: Path | str):
        self.save = Path(path)
        self.path = lock_path(self.save)
        self.held = False

    def acquire(self) -> SaveLock:
        if self.held:
            return self
        key = _key(self.path)
        with _held_guard:
            if _held.get(key):
                _held[key] += 1
                self.held = True
                return self
            self._take()
            _held[key] = 1
            self.held = True
        return self

    def _take(self) -> None:
        folder = self.path.parent
        if not folder.is_dir():
            return  # no folder yet: nothing to lock (the writer will make it; nobody else has it)
        for _ in range(50):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
            except FileExistsError:
                pid = _read_pid(self.path)
                if pid is not None and pid_alive(pid) and pid != os.getpid():
                    raise LockHeld(f"{self.save}: in use by another wargame (process {pid}); wait for it to end, "
                                   f"or remove {self.path} if that process is not a wargame") from None
                if pid is None and _young(self.path):
                    time.sleep(0.02)  # being written by its creator this instant
                    continue
                self._break_stale(pid)
                continue
            except OSError as e:
                if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                    return  # a folder we cannot write to: the save cannot be written either; said then
                raise FileProblem(f"{self.save}: cannot lock it: {reason(e)}") from None
            try:
                os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            finally:
                os.close(fd)
            return
        raise LockHeld(f"{self.save}: cannot take its lock {self.path}; is another wargame starting on it?")

    def _break_stale(self, pid: int | None) -> None:
        """Remove the lock of a dead process, unless it changed hands meanwhile."""
        aside = self.path.with_name(f"{self.path.name}.{os.getpid()}.stale")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return
        except OSError:
            return
        now = _read_pid(aside)
        if now is not None and now != pid and pid_alive(now):
            try:  # it was taken meanwhile by a live process: put it back
                os.link(aside, self.path)
            except OSError:
                pass
        try:
            os.unlink(aside)
        except OSError:
            pass

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        key = _key(self.path)
        with _held_guard:
            count = _held.get(key, 0) - 1
            if count > 0:
                _held[key] = count
                return
            _held.pop(key, None)
        if _read_pid(self.path) == os.getpid():
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def __enter__(self) -> SaveLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _young(path: Path) -> bool:
    try:
        return time.time() - os.lstat(path).st_mtime < 2
    except OSError:
        return False


@atexit.register
def _release_all() -> None:
    with _held_guard:
        keys = list(_held)
        _held.clear()
    for key in keys:
        p = Path(key)
        if _read_pid(p) == os.getpid():
            try:
                os.unlink(p)
            except OSError:
                pass
