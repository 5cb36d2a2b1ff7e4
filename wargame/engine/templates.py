"""Templates: the sentences of the log.

``explain`` and ``explain_fail`` of rules and orders, and a card's ``text``, are sentences with
fields in braces. They are a second small language, checked like the expressions: a field is a plain
name, with no attribute, index or conversion (``{a.b}``, ``{a[0]}``, ``{a!r}``), no field nested in
its format spec, and a spec only from :data:`NUMBER_SPECS` (no width, so no sentence can grow
beyond its template's length and a few digits a field). The rulebook refuses anything else at
load (:func:`template_parts`), and the renderer (:func:`render_template`) will not fill in
anything else whatever reaches it: such a field shows as ``?``.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from wargame.engine.numbers import number, ordinal

MAX_TEMPLATE = 600  # characters in one template
TEMPLATE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")
NUMBER_SPECS: tuple[str, ...] = ("d", "+d", ".0f", ".1f", ".2f", ".3f", "+.0f", "+.1f", "+.2f", "+.3f",
                                 ".0%", ".1%", "ordinal")
"""Every format spec a template field may take, for a number: whole (``d``), a fixed number of
decimals (``.1f``), with a sign (``+d``, ``+.1f``), a percentage (``.0%``) or ``ordinal`` (1st,
2nd...). A text field (a title, ``{chance}``, ``{theatre}``...) takes none."""
_SPECS = frozenset(NUMBER_SPECS)


class TemplateError(ValueError):
    """A template the rulebook refuses, with the reason."""


def format_number(value: Any, spec: str) -> str:
    """A template value written out with one of :data:`NUMBER_SPECS` (or none: a number as people
    read it, :func:`wargame.engine.numbers.number`, ``6.33`` and never ``6.33333``); raises
    ValueError for any other spec, or a spec on a value that is not a number."""
    if not spec:
        return number(value) if isinstance(value, float) else str(value)
    if spec not in _SPECS:
        raise ValueError(f"format {spec!r} is not one of {', '.join(NUMBER_SPECS)}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"format {spec!r} is for a number, not {type(value).__name__}")
    if spec == "ordinal":
        return ordinal(value)
    if spec in ("d", "+d"):
        return format(math.floor(value + 0.5), spec)
    return format(float(value), spec)


def _bad_field(field: str, spec: str | None, conversion: str | None) -> str | None:
    """Why a parsed template field is refused, or None if it is a plain name with an allowed spec."""
    shown = "{" + field[:40] + (f"!{conversion}" if conversion else "") + (f":{spec[:20]}" if spec else "") + "}"
    if not TEMPLATE_NAME.fullmatch(field):
        return f"a template field is a plain name in braces, not {shown}"
    if conversion:
        return f"{shown}: a field takes no conversion (!r, !s, !a)"
    if spec and ("{" in spec or "}" in spec):
        return f"{shown}: no field may be nested in a format"
    if spec and spec not in _SPECS:
        return f"{shown}: a number's format is one of {', '.join(NUMBER_SPECS)}"
    return None


def template_parts(text: Any) -> list[tuple[str, str]]:
    """The (name, spec) of every field of a template, in order; raises :class:`TemplateError`
    with the reason if it is not a text of at most :data:`MAX_TEMPLATE` characters whose every
    field is a plain name with no spec or one of :data:`NUMBER_SPECS`."""
    if not isinstance(text, str):
        raise TemplateError(f"a template is a text in quotes, not {type(text).__name__}")
    if len(text) > MAX_TEMPLATE:
        raise TemplateError(f"longer than {MAX_TEMPLATE} characters")
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as e:
        raise TemplateError(f"cannot read the template: {e}") from None
    out = []
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        why = _bad_field(field, spec, conversion)
        if why:
            raise TemplateError(why)
        out.append((field, spec or ""))
    return out


@lru_cache(maxsize=4096)
def template_fields(template: str) -> tuple[str, ...]:
    """The plain names a template fills in, each once, in order (fields the renderer would
    refuse are left out; so is everything of a template that cannot be read)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return ()
    return tuple(dict.fromkeys(f for _, f, s, c in parsed if f is not None and _bad_field(f, s, c) is None))


MISSING = object()
"""What a template's ``lookup`` returns for a value the reader is not given: shown as ``?``."""


class Written(str):
    """A field's text already written out (an estimate, a band): shown as it is, whatever the spec."""


@lru_cache(maxsize=2048)
def _read(template: str) -> tuple[tuple[str, str | None, str, bool], ...] | None:
    """A template read once (the same sentences are written thousands of times in a study):
    (literal, field, spec, refused) for each part; None for one that cannot be read."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    return tuple((literal, field, spec or "", field is not None and _bad_field(field, spec or "", conversion) is not None)
                 for literal, field, spec, conversion in parsed)


def render_template(template: str, lookup: Callable[[str, str], Any]) -> str:
    """A template written out. ``lookup(name, spec)`` gives each field's text (or a value, formatted
    here with :func:`format_number`), or :data:`MISSING`. Only plain names with an allowed spec are
    ever looked up: any other field (an attribute, an index, a conversion, a nested or a wide
    format), like a missing value, shows as ``?``. A template that cannot be read is shown as it
    is written."""
    parsed = _read(template)
    if parsed is None:
        return template
    out = []
    for literal, field, spec, refused in parsed:
        out.append(literal)
        if field is None:
            continue
        if refused:
            out.append("?")
            continue
        value = lookup(field, spec)
        if value is MISSING:
            out.append("?")
        elif isinstance(value, Written) or isinstance(value, str) and not spec:
            out.append(value)
        else:
            try:
                out.append(format_number(value, spec))
            except ValueError:
                out.append("?")
    return "".join(out)
