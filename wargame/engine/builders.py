"""Quick constructors for the model's frozen classes, for :meth:`wargame.engine.board.Board.freeze`.

A phase ends by building a new Theatre, Leader or part of the state for whatever changed, and
attrs' ``__init__`` calls one validator function per field to do it. :func:`builder` gives a
function of the field values in order that checks every value in one written-out expression
(``type(v) is int and lo <= v <= hi`` for a track, ``type(v) is str`` for a text) and sets the
fields as attrs would; any value that fails a check goes to the class's own constructor, which
refuses it with the very error it always gave (or takes it, e.g. a subclass of str). So a value
is refused exactly as before, and what is taken is the same object.
"""

from __future__ import annotations

from typing import Any

import attrs


def _check(a: attrs.Attribute, v: str) -> str | None:
    """The check of one field's value, written out, or None if it cannot be (then there is no builder)."""
    bounds = a.metadata.get("track")
    validator = a.validator
    if validator is None:
        return "True"
    if bounds is None and getattr(validator, "__qualname__", "") == "_in_bounds.<locals>.check":
        # a bounded field that is not a track rules may set (a theatre's turn_start_territory)
        cells = dict(zip(validator.__code__.co_freevars, (c.cell_contents for c in validator.__closure__ or ())))
        bounds = (cells["lo"], cells["hi"])
    if bounds is not None:
        return f"type({v}) is int and {int(bounds[0])} <= {v} <= {int(bounds[1])}"
    if isinstance(validator, type(attrs.validators.instance_of(str))) and validator.type is str:
        return f"type({v}) is str"
    return None


def builder(cls: type) -> Any:
    """``cls`` built from its field values in order, as ``cls(**dict(zip(fields, values)))`` builds it
    (see the module's docstring); the class's own constructor if a field's check cannot be written out."""
    fields = attrs.fields(cls)
    names = [f"v{i}" for i in range(len(fields))]
    checks = [_check(a, v) for a, v in zip(fields, names)]
    plain = ", ".join(f"{a.name}={v}" for a, v in zip(fields, names))
    if any(c is None for c in checks) or attrs.has(cls) is False or hasattr(cls, "__attrs_post_init__"):
        lines = [f"def build({', '.join(names)}):", f"    return cls({plain})"]
        return _compiled(lines, cls)
    lines = [f"def build({', '.join(names)}):",
             f"    if {' and '.join(f'({c})' for c in checks if c != 'True') or 'True'}:",
             "        self = new(cls)"]
    # A slot's own setter where the field is a slot (what object.__setattr__ ends by calling,
    # without looking the name up: half the cost of a record), else object.__setattr__.
    slots = {a.name: d.__set__ for a in fields
             if type(d := getattr(cls, a.name, None)) is _MEMBER and d.__objclass__ in cls.__mro__}
    lines += [f"        set_{a.name}(self, {v})" if a.name in slots else f"        put(self, {a.name!r}, {v})"
              for a, v in zip(fields, names)]
    lines += ["        return self", f"    return cls({plain})"]
    return _compiled(lines, cls, {f"set_{n}": fn for n, fn in slots.items()})


_MEMBER = type(type("_Slotted", (), {"__slots__": ("x",)}).x)  # the type of a slot's descriptor


def _compiled(lines: list[str], cls: type, setters: dict[str, Any] | None = None) -> Any:
    # (source written here from the model's own field names and bounds, nothing read from outside)
    space: dict[str, Any] = {"__builtins__": {}, "cls": cls, "new": object.__new__, "put": object.__setattr__,
                             "type": type, "int": int, "str": str, **(setters or {})}
    exec(compile("\n".join(lines), f"<builder of {cls.__name__}>", "exec"), space)
    return space["build"]
