"""An adjudication record: one thing that happened (or was rolled for and did not), and why.

Every outcome of the engine is one of these: what rule, order or card it came from, the
article's paragraphs behind it, the chance and the roll if dice were involved, which tracks
changed, and a sentence a player understands. The sentence is filled in from a template the
first time it is read, from values captured when the record was made.
"""

from __future__ import annotations

from typing import Any

from attrs import frozen

from wargame.engine.templates import MISSING, format_number, render_template

KINDS = ("rule", "order", "card", "deck", "budget", "inject", "override")


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
        """'35%', or a band '20–40%' for a seat that cannot know the exact chance; 'certain'."""
        if self.band is not None:
            lo, hi = self.band
            return f"{lo:.0%}" if f"{lo:.0%}" == f"{hi:.0%}" else f"{lo:.0%}–{hi:.0%}"
        if self.chance is None:
            return "certain"
        return f"{self.chance:.0%}"

    @property
    def odds(self) -> str:
        """'35% (rolled 0.21)', '20–40% (rolled 0.21)' or 'certain'."""
        if not self.rolled:
            return "certain"
        if self.roll is None:
            return self.chance_text
        return f"{self.chance_text} (rolled {self.roll:.2f})"

    def changes_text(self) -> str:
        """'is_wages 2→3; is_funds changed': a change hidden from the reader has no numbers."""
        return "; ".join(f"{n} {a}→{b}" if a >= 0 or b >= 0 else f"{n} changed" for n, a, b in self.changes)

    def line(self) -> str:
        """One line for the turn's account."""
        where = f" [{self.theatre}]" if self.theatre else ""
        cites = ",".join(f"¶{c}" for c in self.cites)
        mark = "" if self.happened else "not: "
        odds = f" {self.odds};" if self.rolled else ""
        changes = self.changes_text()
        tail = f" ({changes})" if changes else ""
        override = ""
        if self.original is not None:
            was = "happened" if self.original else "did not happen"
            override = f" OVERRIDDEN by the facilitator (the engine's result: {was}): {self.justification}"
        return f"{mark}{self.title}{where}:{odds} {self.text}{tail} [{self.ref} {cites}]{override}"
