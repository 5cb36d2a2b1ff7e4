"""Reading the rulebook's TOML files: capped, parsed and walked safely, every problem one line.

A file is read as :func:`wargame.files.read_capped` reads any (a regular file, at most
:data:`~wargame.engine.limits.MAX_FILE_BYTES`), then checked for a shape the parser or the loader
could choke on before anything else reads it. A :class:`Table` then gives typed access to one
table of it, recording what is wrong instead of raising, so that a designer gets every problem
of a rulebook at once.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wargame.engine.limits import MAX_CITES, MAX_FILE_BYTES, MAX_NESTING, MAX_TEXT, MAX_VALUES
from wargame.files import FileProblem, read_capped


class RulebookError(Exception):
    """Everything wrong with a rulebook, one problem a line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Problems:
    """Collects problems as 'file: id: what is wrong' lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.lines.append(one_line(f"{where}: {what}"))


MAX_LINE = 1_000  # characters of one problem line


def one_line(text: str) -> str:
    """A problem as one line of bounded length: control characters (a newline in a quoted TOML
    key) written as escapes, and the end cut off past :data:`MAX_LINE` characters."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


def cut(text: str, most: int) -> str:
    """``text`` cut to at most ``most`` characters, an ellipsis marking the cut."""
    return text if len(text) <= most else text[: most - 1] + "…"


def show(value: Any, most: int = 60) -> str:
    """A value from a data file as a problem shows it: its repr, cut short."""
    if isinstance(value, str):
        return repr(cut(value, most))
    text = repr(value) if not isinstance(value, (list, dict)) or len(value) <= 20 else \
        f"<{type(value).__name__} of {len(value)} items>"
    return cut(text, most)


MAX_KEY_PARTS = 64
_KEY_PART = r"""(?:[A-Za-z0-9_-]++|"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+')"""
_LONG_KEY = re.compile(rf"""(?<![A-Za-z0-9_.\-"'])(?>{_KEY_PART}(?:[ \t]*+\.[ \t]*+{_KEY_PART}){{{MAX_KEY_PARTS},}})""")
"""A dotted key (``a.b.c = 1``, ``[a.b.c]``, ``{a.b.c = 1}``) of more than :data:`MAX_KEY_PARTS`
parts, found in linear time before the file is parsed."""


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""A control character a text of the rulebook may not hold (a tab, a new line and a carriage
return it may): ESC and the like would reach a terminal as commands (a title that sets the
window's name or clears the screen), from a rules folder or from the rules a save carries."""


def text_problem(text: str) -> str | None:
    """What makes ``text`` one a save could not keep, as the end of a sentence ("holds a control
    character", "is not Unicode text (a lone surrogate)"), or None. The one rule for texts that
    come from outside (a seat's message, a note typed at the table)."""
    if CONTROL.search(text):
        return "holds a control character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not Unicode text (a lone surrogate)"
    return None


def _shape_problem(data: Any) -> str | None:
    """What is wrong with the shape of a parsed file: tables and arrays nested more than
    :data:`MAX_NESTING` deep, more than :data:`MAX_VALUES` values, or a text or key holding a
    :data:`CONTROL` character. Walked without recursion, so no depth can overflow the stack here
    (nothing else is read before this has passed)."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    count = 0
    while stack:
        value, depth, where = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return f"more than {MAX_VALUES} values in one file (the limit)"
        if isinstance(value, str):
            found = CONTROL.search(value)
            if found:
                return (f"{where or 'a text'} holds a control character (U+{ord(found.group()):04X}): "
                        "write the text without it")
        elif isinstance(value, (dict, list)):
            if depth > MAX_NESTING:
                return f"nested too deeply: more than {MAX_NESTING} levels of tables and arrays (the limit)"
            if isinstance(value, dict):
                count += len(value)  # the keys
                for key, item in value.items():
                    here = cut(f"{where}.{key}" if where else str(key), 80)
                    if CONTROL.search(key):
                        return f"the key {key!r} holds a control character: write it without"
                    stack.append((item, depth + 1, here))
            else:
                stack.extend((item, depth + 1, f"{where}[{i}]") for i, item in enumerate(value))
    return None


def read_toml_into(path: Path, problems: Problems) -> dict[str, Any] | None:
    """``path`` read as :func:`read_toml` reads it; None, with the problem added to ``problems``, if it cannot be."""
    # Only a regular file, and never more than the cap read, whatever its size claims: a pipe,
    # a device or a file that grows while read cannot hang or flood the loader.
    try:
        data = read_capped(path, MAX_FILE_BYTES, "data file")
    except FileProblem as e:
        text = str(e)
        problems.add(str(path), text[len(str(path)) + 2:] if text.startswith(f"{path}: ") else text)
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.add(str(path), f"larger than {MAX_FILE_BYTES} bytes")
        return None
    try:
        text = data.decode("utf-8-sig")  # an editor's byte-order mark is fine
        if _LONG_KEY.search(text):  # tomllib takes time quadratic in a dotted key's length
            problems.add(str(path), f"nested too deeply: a dotted key of more than {MAX_KEY_PARTS} parts "
                                    f"(tables nest at most {MAX_NESTING} levels, the limit)")
            return None
        parsed = tomllib.loads(text)
    except UnicodeDecodeError:
        problems.add(str(path), "not UTF-8 text")
    except tomllib.TOMLDecodeError as e:
        problems.add(str(path), f"not valid TOML: {e}")
    except RecursionError:
        problems.add(str(path), f"nested too deeply: more than {MAX_NESTING} levels of tables and arrays (the limit)")
    except (ValueError, MemoryError) as e:  # e.g. an integer of more than 4300 digits
        problems.add(str(path), f"not valid TOML: {cut(str(e), 120)}")
    else:
        shape = _shape_problem(parsed)
        if shape is None:
            return parsed
        problems.add(str(path), shape)
    return None


def read_toml(path: Path | str) -> dict[str, Any]:
    """One TOML data file read as the rulebook's are: a regular file, at most
    :data:`~wargame.engine.limits.MAX_FILE_BYTES`, UTF-8, valid TOML. Raises :class:`RulebookError` with one line,
    ``path: what is wrong``."""
    problems = Problems()
    data = read_toml_into(Path(path), problems)
    if data is None:
        raise RulebookError(problems.lines)
    return data


ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
"""An id (of an entry, a deck, a scenario, a theatre): lower case letters, digits, '-', '_' or '.'."""


class Table:
    """Typed access to one TOML table that records what was wrong instead of raising."""

    def __init__(self, data: Any, where: str, problems: Problems):
        self.ok = isinstance(data, dict)
        self.data = data if self.ok else {}
        self.where = where
        self.problems = problems
        self.used: set[str] = set()
        if not self.ok:
            problems.add(where, f"expected a table, not {type(data).__name__}")

    def fail(self, what: str) -> None:
        self.ok = False
        self.problems.add(self.where, what)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., *, what: str = "") -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                self.fail(f"missing {key!r}{' (' + what + ')' if what else ''}")
                return None
            return default
        value = self.data[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.fail(f"{key!r} should be {names}, not {type(value).__name__} {show(value)}")
            return None if default is ... else default
        return value

    def text(self, key: str, default: Any = ..., *, most: int = MAX_TEXT, what: str = "") -> str | None:
        """A text shown as it is written (a title, an order's text, a claim): at most ``most``
        characters, and no braces, which would read as a template's fields."""
        value = self.get(key, str, default, what=what)
        if not isinstance(value, str):
            return value
        if len(value) > most:
            self.fail(f"{key!r} is {len(value)} characters long, more than the limit of {most}")
            return value[:most]
        if "{" in value or "}" in value:
            self.fail(f"{key!r} is shown as it is written: keep braces {{ }} out of it")
        return value

    def text_list(self, key: str, most: int | None = None, what: str = "entries") -> list[str]:
        items = self.get(key, list, [])
        if items is None:
            return []
        if most is not None and len(items) > most:
            self.fail(f"{key!r} has {len(items)} {what}, more than the limit of {most}")
            return []
        if not all(isinstance(x, str) for x in items):
            self.fail(f"{key!r} should be a list of quoted texts")
            return []
        return items

    def cites(self) -> tuple[int, ...]:
        cites = self.get("cites", list, what="the article's paragraphs, e.g. [4, 6]")
        if cites is None:
            return ()
        if not cites or len(cites) > MAX_CITES or not all(type(c) is int and 1 <= c <= 10 for c in cites):
            self.fail(f"'cites' should list paragraphs of the article, 1 to 10, not {show(cites)}")
            return ()
        return tuple(cites)

    def unknown_keys(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            shown = ", ".join(show(k, 40) for k in extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
            self.fail(f"unknown key{'s' if len(extra) > 1 else ''} {shown}")


def too_many(where: str, what: str) -> None:
    """Refuse the rulebook at once, in one line: a file with more entries than a limit allows is
    not read further (reading it is the work the limit bounds), and nothing else is reported."""
    raise RulebookError([one_line(f"{where}: {what}")])


def entries(top: Table, key: str, seen: set[str], most: int) -> Iterator[tuple[Table, str]]:
    """Each table of an array such as ``[[rule]]`` with its id; one that is not a table is
    reported and skipped. ``seen`` collects the ids, to report one used twice. More than
    ``most`` entries are refused at once, before any is read."""
    raw_all = top.get(key, list, []) or []
    if len(raw_all) > most:
        too_many(top.where, f"{len(raw_all)} [[{key}]] entries, more than the limit of {most}")
    for raw in raw_all:
        t = Table(raw, f"{top.where}: {key}", top.problems)
        if t.ok:
            yield t, _id(t, seen)


def _id(table: Table, seen: set[str]) -> str:
    ident = table.get("id", str) or "?"
    if ident != "?" and not ID.match(ident):
        table.fail(f"id {show(ident)} should be lower case letters, digits, '-', '_' or '.', at most 64 characters")
        ident = cut(ident, 64)
    table.where = f"{table.where} {ident}"
    if ident in seen:
        table.fail(f"id {ident!r} is used twice")
    seen.add(ident)
    return ident
