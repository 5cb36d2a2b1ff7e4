"""Quick constructors for the model's frozen classes, for :meth:`wargame.engine.board.Board.freeze`.

A phase ends by building a new Theatre, Leader or part of the state for whatever changed, and
attrs' ``__init__`` calls one validator function per field to do it. :func:`builder` gives a
function of the field values in order that checks every value in one written-out expression
(``type(v) is int and lo <= v <= hi`` for a track, ``type(v) is str`` for a text, ``type(v) is
str and v in options`` for a text from a list) and sets the fields as attrs would; any value
that fails a check goes to the class's own constructor, which refuses it with the very error it
always gave (or takes it, e.g. a subclass of str). So a value is refused exactly as before, and
what is taken is the same object.

A class whose fields are all its slots is built as a draft (see :func:`_draft`): one plain
attribute store a field, then the object is made of the class itself.
"""

from __future__ import annotations

import keyword
from typing import Any

import attrs


def _check(a: attrs.Attribute, v: str, options: dict[str, tuple]) -> str | None:
    """The check of one field's value, written out, or None if it cannot be (then there is no builder).
    A list of texts it names is put in ``options``."""
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
    if (isinstance(validator, type(attrs.validators.in_(("",)))) and type(validator.options) is tuple
            and all(type(o) is str for o in validator.options)):
        # (a str exactly: ``in`` over texts then only compares texts, as the validator's own ``in`` does)
        options[f"options_{v}"] = validator.options
        return f"type({v}) is str and {v} in options_{v}"
    return None


def builder(cls: type) -> Any:
    """``cls`` built from its field values in order, as ``cls(**dict(zip(fields, values)))`` builds it
    (see the module's docstring); the class's own constructor if a field's check cannot be written out.
    Its parameters are named as the fields (where a field's name is a plain one), so it may be
    called with the values by name too."""
    fields = attrs.fields(cls)
    plain_names = all(a.name.isidentifier() and not keyword.iskeyword(a.name) and not a.name.startswith("_")
                      and a.name not in _SPACE and not a.name.startswith(("set_", "options_")) for a in fields)
    names = [a.name if plain_names else f"v{i}" for i, a in enumerate(fields)]
    options: dict[str, tuple] = {}
    checks = [_check(a, v, options) for a, v in zip(fields, names)]
    plain = ", ".join(f"{a.name}={v}" for a, v in zip(fields, names))
    if any(c is None for c in checks) or attrs.has(cls) is False or hasattr(cls, "__attrs_post_init__"):
        lines = [f"def build({', '.join(names)}):", f"    return cls({plain})"]
        return _compiled(lines, cls)
    lines = [f"def build({', '.join(names)}):",
             f"    if {' and '.join(f'({c})' for c in checks if c != 'True') or 'True'}:"]
    draft = _draft(cls)
    if draft is not None:
        lines += ["        self = new(draft)"]
        lines += [f"        self.{a.name} = {v}" for a, v in zip(fields, names)]
        lines += ["        self.__class__ = cls", "        return self", f"    return cls({plain})"]
        return _compiled(lines, cls, {"draft": draft, **options})
    # A slot's own setter where the field is a slot (what object.__setattr__ ends by calling,
    # without looking the name up: half the cost of a record), else object.__setattr__.
    slots = {a.name: d.__set__ for a in fields
             if type(d := getattr(cls, a.name, None)) is _MEMBER and d.__objclass__ in cls.__mro__}
    lines += ["        self = new(cls)"]
    lines += [f"        set_{a.name}(self, {v})" if a.name in slots else f"        put(self, {a.name!r}, {v})"
              for a, v in zip(fields, names)]
    lines += ["        return self", f"    return cls({plain})"]
    return _compiled(lines, cls, {**{f"set_{n}": fn for n, fn in slots.items()}, **options})


def _draft(cls: type) -> type | None:
    """A class to write ``cls`` out as (a record, a theatre, a view), or None if it cannot be one.
    It adds no field and no slot, so its layout is ``cls``'s own and Python lets an object change
    from one to the other: the object is then of the very class, and holds the very values, the
    constructor gives. It keeps object's own setters, both (with only one Python would look the
    other up on each store), so a field is set by a plain store where the frozen class takes a call."""
    fields = attrs.fields(cls)
    if "__slots__" not in vars(cls) or any(a.name.startswith("__") for a in fields):
        return None
    if not all(type(d := getattr(cls, a.name, None)) is _MEMBER and d.__objclass__ in cls.__mro__ for a in fields):
        return None
    return type(f"_Draft{cls.__name__}", (cls,), {
        "__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__,
        "__module__": __name__, "__doc__": f"A {cls.__name__} being written (see builders._draft)."})


_MEMBER = type(type("_Slotted", (), {"__slots__": ("x",)}).x)  # the type of a slot's descriptor
# the names the built functions read (a field named so is given as v0, v1, ...)
_SPACE = frozenset({"cls", "new", "put", "type", "int", "str", "draft", "self", "build"})


def _compiled(lines: list[str], cls: type, extra: dict[str, Any] | None = None) -> Any:
    # (source written here from the model's own field names and bounds, nothing read from outside)
    space: dict[str, Any] = {"__builtins__": {}, "cls": cls, "new": object.__new__, "put": object.__setattr__,
                             "type": type, "int": int, "str": str, **(extra or {})}
    exec(compile("\n".join(lines), f"<builder of {cls.__name__}>", "exec"), space)
    return space["build"]
