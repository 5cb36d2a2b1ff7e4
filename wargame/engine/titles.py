"""``rules/titles.toml``: what a reader sees instead of the rulebook's names, checked.

Expressions name the board ``is_funds``, ``iraq.grievance``, ``relation_stage``; a player reads
"IS funds", "Grievance in Iraq", "AQ-IS relation". Every name of the board (the global, theatre
and offshoot tracks, the names the engine computes, the rulebook's formulas), every stage of the
AQ-IS relation, every cell and every offshoot origin has a title and a one-line text in
``titles.toml``; a theatre has its title in ``scenarios.toml`` and may have a text here. The
rulebook refuses a name without a title, and a title for a name the board does not have.

A rulebook saved in a game from before titles existed has no ``titles.toml``: it takes those of
this installation, and any name they do not cover is shown as its name, spaced
(:func:`fallback`). Every title is looked up through :class:`Titles`, which
:class:`~wargame.engine.rulebook.Rulebook` exposes as ``rulebook.title(name)`` and
``rulebook.describe(name)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from attrs import frozen

from wargame.engine.board import COMPUTED, CONSTANTS, GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_COMPUTED, THEATRE_TRACKS
from wargame.engine.limits import MAX_TITLE
from wargame.engine.model import CELLS, STAGES
from wargame.engine.reading import Problems, Table, show

TITLES_FILE = "titles.toml"
MAX_LINE_TEXT = 300  # characters of a title's one-line text
ORIGINS = ("defectors", "holdouts", "inspired")
STAGE_KEYS: tuple[str, ...] = tuple(sorted(CONSTANTS, key=CONSTANTS.__getitem__))  # RIVALRY, TALKS, ...
STAGE_IDS = tuple(k.lower() for k in STAGE_KEYS)
"""The stages of the relation by their ids in ``[stages]``: ``rivalry``, ``talks``, ``alliance``,
``merger``, ``split`` (as the constants RIVALRY... name them), in the order of their numbers."""
_OFFSHOOT_ID = re.compile(r"offshoot-(\d+)")


def placed(title: str, place: str | None) -> str:
    """``title`` and where it happened, for a reader: "Air campaign in Iraq". The place is said
    once: a title that names it already as a word is left as it is ("Cessation of hostilities in
    Syria", "Libya splits again"), while "Syrian ceasefire breaks down in Syria" keeps it."""
    if not place or re.search(rf"(?<!\w){re.escape(place)}(?!\w)", title):
        return title
    return f"{title} in {place}"


@frozen
class Entry:
    title: str
    text: str = ""


def fallback(name: str) -> str:
    """A title for a name that has none: the name, spaced (``lake_chad`` → ``lake chad``)."""
    m = _OFFSHOOT_ID.fullmatch(name)
    if m:
        return f"offshoot {m.group(1)}"
    return name.replace("_", " ")


# (section, what one entry titles, the names it must cover: None for the rulebook's formulas)
SECTIONS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("tracks", "global track", tuple(GLOBAL_TRACKS)),
    ("theatre_tracks", "theatre track", tuple(THEATRE_TRACKS)),
    ("offshoot_tracks", "offshoot track", tuple(OFFSHOOT_TRACKS)),
    ("computed", "computed name", tuple(COMPUTED)),
    ("theatre_computed", "theatre's computed name", tuple(THEATRE_COMPUTED)),
    ("formulas", "formula", None),
    ("stages", "stage of the AQ-IS relation", STAGE_IDS),
    ("cells", "cell", CELLS),
    ("origins", "offshoot origin", ORIGINS),
)
NAME_SECTIONS = ("tracks", "theatre_tracks", "offshoot_tracks", "computed", "theatre_computed", "formulas")
"""The sections whose entries title names of the board (one namespace: an expression's names)."""


@frozen
class Titles:
    """Every title and text of a rulebook, by section (see :data:`SECTIONS`), with the theatres'
    titles (from the scenarios) and texts."""

    sections: Mapping[str, Mapping[str, Entry]] = attrs.field(factory=dict)
    theatres: Mapping[str, Entry] = attrs.field(factory=dict)
    names: Mapping[str, Entry] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        names: dict[str, Entry] = {}
        for section in NAME_SECTIONS:
            for n, e in self.sections.get(section, {}).items():
                names.setdefault(n, e)
        object.__setattr__(self, "names", names)

    def entry(self, name: str) -> Entry | None:
        """The entry of a name of the board, a cell, a theatre or an offshoot origin (in that
        order of precedence), or None."""
        for table in (self.names, self.sections.get("cells", {}), self.theatres, self.sections.get("origins", {})):
            e = table.get(name)
            if e is not None:
                return e
        return None

    def stage(self, stage: int) -> Entry:
        """The entry of a stage of the relation by its number (0: rivalry...)."""
        ident = STAGE_IDS[stage] if 0 <= stage < len(STAGE_IDS) else ""
        e = self.sections.get("stages", {}).get(ident)
        return e if e is not None else Entry(STAGES[stage] if 0 <= stage < len(STAGES) else str(stage))

    def theatre(self, name: str) -> str:
        e = self.theatres.get(name)
        return e.title if e is not None else fallback(name)

    def local(self, name: str) -> Entry | None:
        """The entry of a theatre's or an offshoot's track written ``where.track``, as the records
        write it ("Grievance in Iraq", "Strength of offshoot 3"), or None if ``name`` is not one."""
        where, dot, local = name.rpartition(".")
        if not dot or not where or "." in where:
            return None
        if _OFFSHOOT_ID.fullmatch(where) and where not in self.theatres:
            e = self.sections.get("offshoot_tracks", {}).get(local)
            return Entry(f"{e.title if e else fallback(local)} of {fallback(where)}", e.text if e else "") \
                if e is not None or local in OFFSHOOT_TRACKS else None
        e = self.sections.get("theatre_tracks", {}).get(local) or self.sections.get("theatre_computed", {}).get(local)
        if e is None and local not in THEATRE_TRACKS and local not in THEATRE_COMPUTED:
            return None
        return Entry(f"{e.title if e else fallback(local)} in {self.theatre(where)}", e.text if e else "")

    def track(self, name: str) -> str:
        """The title of a track, or of a theatre's or an offshoot's track written ``where.track``."""
        local = self.local(name)
        if local is not None:
            return local.title
        e = self.names.get(name)
        return e.title if e is not None else fallback(name)

def load_titles(data: dict[str, Any] | None, path: str, problems: Problems, formulas: Iterable[str],
                theatres: Mapping[str, str], strict: bool = True) -> Titles:
    """The titles of ``data`` (read from ``path``; None: there is no such file), checked against
    the board's names, the rulebook's ``formulas`` and the ``theatres`` (id -> title, from the
    scenarios). With ``strict``, a name without a title is a problem; without (a rulebook saved
    before titles existed), it is shown as its name."""
    formulas = tuple(formulas)
    if data is None:
        if strict:
            problems.add(path, "missing")  # one line: not a line for each name it would have titled
        strict, data = False, {}
    top = Table(data, path, problems)
    sections: dict[str, dict[str, Entry]] = {}
    for section, what, required in SECTIONS:
        names = formulas if required is None else required
        raw = top.get(section, dict, {}) or {}
        out: dict[str, Entry] = {}
        for name, value in raw.items():
            where = f"{path}: [{section}] {name}"
            if name not in names:
                problems.add(where, f"no {what} is called {show(name)}" + (f" (the {what}s: {', '.join(names)})"
                                                                            if len(names) <= 20 else ""))
                continue
            entry = _entry(value, where, problems)
            if entry is not None:
                out[name] = entry
        for name in names:
            if name not in out and name not in raw:
                if strict:
                    problems.add(f"{path}: [{section}]", f"no title for the {what} {name!r}: add "
                                 f"{name} = {{ title = \"...\", text = \"...\" }}")
                out[name] = Entry(fallback(name))
        sections[section] = out
    theatre_entries: dict[str, Entry] = {t: Entry(title) for t, title in theatres.items()}
    raw = top.get("theatres", dict, {}) or {}
    for name, value in raw.items():
        where = f"{path}: [theatres] {name}"
        if name not in theatres:
            problems.add(where, f"no scenario has a theatre {show(name)}")
            continue
        t = Table(value, where, problems)
        text = t.text("text", most=MAX_LINE_TEXT) or ""
        if "\n" in text:
            t.fail("'text' is one line")
        t.unknown_keys()
        theatre_entries[name] = Entry(theatres[name], text)
    top.unknown_keys()
    return Titles(sections, theatre_entries)


def _entry(value: Any, where: str, problems: Problems) -> Entry | None:
    t = Table(value, where, problems)
    if not t.ok:
        return None
    title = t.text("title", most=MAX_TITLE, what="a few words a reader sees instead of the name")
    text = t.text("text", most=MAX_LINE_TEXT, what="one line on what it means")
    for key, value in (("title", title), ("text", text)):
        if isinstance(value, str) and ("\n" in value or not value.strip()):
            t.fail(f"{key!r} is one line of text, not empty")
    t.unknown_keys()
    return Entry(title, text or "") if t.ok and title else None
