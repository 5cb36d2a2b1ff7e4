"""An adjudication record: one thing that happened (or was rolled for and did not), and why.

Every outcome of the engine is one of these: what rule, order or card it came from, the
article's paragraphs behind it, the chance and the roll if dice were involved, which tracks
changed, and a sentence a player understands. The sentence is filled in from a template the
first time it is read, from values captured when the record was made.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import attrs
from attrs import frozen

from wargame.engine.builders import builder
from wargame.engine.numbers import D100, d100, percent, percent_band
from wargame.engine.templates import MISSING, format_number, render_template
from wargame.engine.titles import placed

KINDS = ("rule", "order", "card", "deck", "budget", "inject", "override")


class Names(Protocol):
    """What names things for a reader: the rulebook (:class:`~wargame.engine.rulebook.Rulebook`)."""

    def title(self, name: str) -> str: ...

    def value_text(self, name: str, value: int) -> str: ...


# The sentence of a cell's orders, as the engine writes it (wargame.engine.turn) and saves keep it:
# "Islamic State gave 2 orders: is.defend in iraq, is.propaganda; cost 5."
_GAVE = re.compile(r"(?P<head>.*? gave \d+ orders?: )(?P<orders>.*)(?P<tail>; cost -?\d+\.)", re.S)
# The sentence of a track the facilitator set (wargame.engine.facilitator), as saves keep it:
# "The facilitator set coalition_will from 7 to 8."
_SET = re.compile(r"The facilitator set (?P<target>\S+) from (?P<before>-?\d+) to (?P<after>-?\d+)\.")


def format_value(value: Any, spec: str) -> str:
    """A template value written out: ``{n:ordinal}`` gives 1st, 2nd...; ``{x:.1f}`` one decimal.
    Only the specs of :data:`wargame.engine.templates.NUMBER_SPECS` are used: any other raises
    ValueError (never a width, a nested field or an attribute)."""
    return format_number(value, spec)


@frozen
class Adjudication:
    turn: int
    phase: str
    kind: str  # one of KINDS
    ref: str  # the rule, order kind or card id
    title: str
    cites: tuple[int, ...]
    cell: str | None = None  # the cell whose order it was
    theatre: str | None = None
    offshoot: str | None = None  # the offshoot group a rule was applied to
    chance: float | None = None  # None: no dice were rolled
    roll: float | None = None
    happened: bool = True
    changes: tuple[tuple[str, int, int], ...] = ()  # (track, before, after)
    template: str = ""
    values: tuple[tuple[str, Any], ...] = ()
    # Set when the facilitator overrode the engine's result: what the engine had decided, and why
    # the facilitator changed it. Both stay in the record for the debrief.
    original: bool | None = None
    justification: str = ""
    # Set only on a record as rendered for a seat that cannot know the exact chance (see
    # wargame.engine.shown): the least and greatest chance on its picture of the board, and its
    # estimates of the secret names the chance reads, e.g. (("is_wages", "1–3"),).
    band: tuple[float, float] | None = None
    estimates: tuple[tuple[str, str], ...] = ()

    @classmethod
    def shown(cls, text: str, **fields: Any) -> Adjudication:
        """A record rebuilt from a save, whose sentence is already written out."""
        return cls(template=text.replace("{", "{{").replace("}", "}}"), values=(), **fields)

    @property
    def text(self) -> str:
        """The sentence that explains it (a value hidden from the reader shows as '?')."""
        values = dict(self.values)
        return render_template(self.template, lambda name, spec: values.get(name, MISSING))

    def sentence(self, names: Names | None = None) -> str:
        """The sentence for a reader: :attr:`text`, with, given ``names`` (the rulebook), the
        orders a cell gave and a track the facilitator set named by their titles ("Defend held
        ground in Iraq", "Coalition will"), where the engine's sentence (kept as it is in saves)
        names them by their ids."""
        text = self.text
        if names is not None and self.kind == "override":  # the track the facilitator set, by its title
            m = _SET.fullmatch(text)
            if m is None:
                return text
            t = m["target"]
            return (f"The facilitator set {names.title(t)} from {names.value_text(t, int(m['before']))} to "
                    f"{names.value_text(t, int(m['after']))}.")
        if names is None or self.kind != "budget":
            return text
        title = names.title
        m = _GAVE.fullmatch(text)
        if m is None:
            return text

        def order(given: str) -> str:
            kind, sep, where = given.partition(" in ")
            return title(kind) + (f" in {title(where)}" if sep else "")

        return m["head"] + ", ".join(order(o) for o in m["orders"].split(", ")) + m["tail"]

    @property
    def where(self) -> str | None:
        """What the rule or order was applied to: an offshoot's id, a theatre, or None."""
        return self.offshoot or self.theatre

    @property
    def rolled(self) -> bool:
        """Were dice rolled for it (its odds are known exactly, or as a band)?"""
        return self.chance is not None or self.band is not None

    @property
    def chance_text(self) -> str:
        """'35%', '37.5%', or a band '20–40%' for a seat that cannot know the exact chance; 'certain'."""
        if self.band is not None:
            return percent_band(*self.band)
        if self.chance is None:
            return "certain"
        return percent(self.chance)

    @property
    def engine_said(self) -> bool:
        """The engine's own result: whether the roll beat the odds (a facilitator's override aside)."""
        return self.happened if self.original is None else self.original

    @property
    def d100(self) -> D100 | None:
        """The roll on the scale of the odds, as a d100 (:func:`wargame.engine.numbers.d100`):
        "needed 37 or less, rolled 52", the rolled face at most the face needed exactly when the
        roll beat the odds; None if no dice were rolled."""
        if self.roll is None or not self.rolled:
            return None
        if self.band is not None:
            return d100(self.band[0], self.band[1], self.roll, self.engine_said)
        assert self.chance is not None
        return d100(self.chance, self.chance, self.roll)

    @property
    def odds(self) -> str:
        """'35%: needed 35 or less, rolled 21', '20–40% by your estimates: needed 20–40 or less,
        rolled 21', or 'certain'."""
        if not self.rolled:
            return "certain"
        chance = self.chance_text + (" by your estimates" if self.band is not None else "")
        roll = self.d100
        return chance if roll is None else f"{chance}: {roll}"

    @property
    def verdict(self) -> str:
        """What the roll said: 'it happened' or 'it did not happen' (a facilitator's override aside)."""
        return "it happened" if self.engine_said else "it did not happen"

    @property
    def outcome(self) -> str:
        """'it happened', 'it did not happen', or with the White Cell's ruling: 'it did not happen,
        but the White Cell ruled that it did'."""
        if self.original is None or self.original == self.happened:
            return self.verdict
        return f"{self.verdict}, but the White Cell ruled that it {'did' if self.happened else 'did not'}"

    def changes_text(self, names: Names | None = None) -> str:
        """'is_wages 2→3; is_funds changed': a change hidden from the reader has no numbers. With
        ``names`` (the rulebook), each track by its title and each value as a reader reads it:
        'IS wages 2→3', 'AQ-IS relation rivalry→talks', 'Talks known no→yes'."""
        if names is None:
            return "; ".join(f"{n} {a}→{b}" if a >= 0 or b >= 0 else f"{n} changed" for n, a, b in self.changes)
        return "; ".join(f"{names.title(n)} {names.value_text(n, a)}→{names.value_text(n, b)}" if a >= 0 or b >= 0
                         else f"{names.title(n)} changed" for n, a, b in self.changes)

    def line(self, names: Names | None = None, ref: bool = True) -> str:
        """One line for the turn's account. With ``names`` (the rulebook), where it happened, the
        orders given and the tracks it changed are given by their titles; ``ref``: the rule, order
        or card id beside the ¶ cites, for a facilitator looking it up."""
        head = (self.title if not self.where else placed(self.title, names.title(self.where)) if names is not None
                else f"{self.title} [{self.where}]")
        cites = ",".join(f"¶{c}" for c in self.cites)
        mark = "" if self.happened else "not: "
        odds = f"{self.odds}, so {self.verdict}" if self.roll is not None and self.rolled else (
            self.odds if self.rolled else "")
        # (a rule may say nothing more than its odds and changes: no empty clause after them)
        body = "; ".join(filter(None, (odds, self.sentence(names))))
        changes = self.changes_text(names)
        tail = f" ({changes})" if changes else ""
        override = ""
        if self.original is not None:
            was = "happened" if self.original else "did not happen"
            override = f" OVERRIDDEN by the facilitator (the engine's result: {was}): {self.justification}"
        label = " ".join(filter(None, (self.ref if ref else "", cites)))
        return f"{mark}{head}:{' ' if body else ''}{body}{tail}{f' [{label}]' if label else ''}{override}"


# Adjudication(turn=..., ..., estimates=()) from its fields in order: a turn writes some thirty
# records (Resolver.record), and the model's quick constructor builds the same record (as a draft,
# one plain store a field: wargame.engine.builders) four times quicker than attrs' __init__.
build_record = builder(Adjudication)
if tuple(a.name for a in attrs.fields(Adjudication)) != (
        "turn", "phase", "kind", "ref", "title", "cites", "cell", "theatre", "offshoot", "chance", "roll", "happened",
        "changes", "template", "values", "original", "justification", "band", "estimates"):
    raise RuntimeError("Resolver.record gives an Adjudication's fields in the order they are declared")
