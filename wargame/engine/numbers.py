"""Numbers as people read them, and a roll shown on the scale of its odds.

:func:`number` is the one function that writes a number for a reader: a whole number as such
(``7``, never ``7.0``), any other to at most two decimals (``6.33``, never ``6.33333``), a
percentage (``37%``, ``37.5%``) or an ordinal (``1st``, ``2nd``, ``11th``, ``21st``).

:func:`d100` shows a roll as a d100 against the odds: "needed 37 or less, rolled 52". The engine's
rule is ``roll < chance`` with ``roll`` in [0, 1) (:mod:`wargame.engine.dice`); on a scale of
``S`` faces (100, then 1000, ... for one decimal more), the roll falls on face
``floor(roll * S) + 1`` (1 to ``S``) and the chance is ``chance * S`` faces, rounded to the
nearest. Shown so, "rolled <= needed" says whether the roll beat the odds: the scale is the
coarsest that expresses the chance as it was designed (``0.37``: whole numbers; ``0.375``: one
decimal) and, should the roll fall so close to the chance that the rounding would hide the tie,
as fine as it takes to tell them apart (worked out exactly, on the floats' own rational values).
The face needed and the face rolled are written to the same number of decimals (none where the
odds are whole: "needed 37, rolled 52"; "needed 33.33, rolled 76.80"), so a roll that failed
never reads as equal to the face it needed.
tests/test_rolls.py proves the equivalence over every chance and roll.
"""

from __future__ import annotations

import math
from fractions import Fraction

from attrs import frozen

MOST_DECIMALS = 2  # of a number shown to people (one, from 10 up; a percentage, two)
_DESIGNED = 1e-9  # how close to a round number a chance must be to count as designed so


def ordinal(n: float) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 101st, 111th..."""
    n = int(n)
    suffix = "th" if 10 <= abs(n) % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(abs(n) % 10, "th")
    return f"{n}{suffix}"


def _decimals(x: float, most: int) -> str:
    text = f"{x:.{most}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(x: float, style: str = "") -> str:
    """``x`` for a reader. ``style``: ``""`` a number (``7``, ``6.33``, ``12.5``: a whole number
    as such, others to two decimals, one from 10 up, trailing zeros dropped); ``"+"`` the same
    with its sign (``+2``, ``-0.5``); ``"%"`` a chance as a percentage (``37%``, ``37.5%``, to one
    decimal; ``<0.1%`` and ``>99.9%`` for what would round to 0 or 100 without being it);
    ``"ordinal"`` (``1st``, ``22nd``). Anything not a finite number is shown as it is."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return str(x)
    if style == "ordinal":
        return ordinal(x)
    if style == "%":
        d = _designed_decimals(x)
        n = math.floor(Fraction(x) * 100 * 10**d + Fraction(1, 2))  # as d100() rounds the face needed
        text = _at(n, d)
        if n == 0 and x > 0:
            return "<0.01%"
        if n == 100 * 10**d and x < 1:
            return ">99.99%"
        return f"{text}%"
    text = str(int(x)) if float(x).is_integer() else _decimals(float(x), 1 if abs(x) >= 10 else MOST_DECIMALS)
    if style == "+" and not text.startswith("-") and text != "0":
        text = "+" + text
    return text


def percent(p: float) -> str:
    """A chance as a percentage for a reader: ``number(p, "%")``."""
    return number(p, "%")


def percent_band(lo: float, hi: float) -> str:
    """A chance known as a band, in whole percents rounded outwards so that the band still holds
    every chance it held: ``20%–40%`` (0.2 to 0.4), ``39%–43%`` (0.3917 to 0.4292); one value,
    as :func:`percent` writes it, if both ends read alike."""
    a, b = percent(lo), percent(hi)
    if a == b:
        return a
    return f"{_outward(lo, 100, math.floor)}%–{_outward(hi, 100, math.ceil)}%"


def _outward(x: float, scale: int, rounding) -> int:
    """``x * scale`` rounded down (``math.floor``) or up (``math.ceil``), exactly, but to the
    nearest integer if it lies within float noise of one (0.4 is 40%, not 41%)."""
    exact = Fraction(x) * scale
    near = math.floor(exact + Fraction(1, 2))
    return near if abs(exact - near) <= Fraction(_DESIGNED) * scale else rounding(exact)


# --- rolls ---------------------------------------------------------------------------------------


def _designed_decimals(chance: float) -> int:
    """The fewest decimals (0 to 2) that write ``chance`` as a percentage as it was designed
    (0.37: 0; 0.375: 1), whatever the float's last bits; 2 for a chance none of them writes (1/3)."""
    pct = chance * 100
    for d in range(3):
        scaled = pct * 10**d
        if abs(scaled - round(scaled)) <= _DESIGNED * 10**d:
            return d
    return 2


def _at(n: int, d: int) -> str:
    """The integer ``n`` on a scale of ``d`` decimals, written out with all ``d`` of them, so
    that numbers on one scale read with one precision (a roll as the face it needed):
    ``_at(375, 1) == "37.5"``, ``_at(3690, 2) == "36.90"``, ``_at(84, 2) == "0.84"``."""
    if d == 0:
        return str(n)
    sign = "-" if n < 0 else ""
    digits = str(abs(n)).rjust(d + 1, "0")
    return f"{sign}{digits[:-d]}.{digits[-d:]}"


@frozen
class D100:
    """A roll as it is shown: the faces needed (``"37"``, ``"37.5"``, or a band ``"20–40"``),
    the face rolled (``"52"``) and whether the roll beat the odds."""

    needed: str
    rolled: str
    beat: bool

    def __str__(self) -> str:
        return f"needed {self.needed} or less, rolled {self.rolled}"


MAX_DECIMALS = 400  # enough for any two floats in [0, 1] to be told apart


def d100(lo: float, hi: float, roll: float, beat: bool | None = None) -> D100:
    """The roll ``roll`` shown against a chance known to lie in ``lo``..``hi`` (``lo == hi``: known
    exactly; a band is shown in whole faces, rounded outwards, as :func:`percent_band` shows the
    odds), on the coarsest scale whose shown numbers agree with ``beat``, the engine's verdict
    (by default ``roll < lo``, which is the engine's rule for an exact chance): the roll's face
    is at most the (highest) face needed exactly when the roll beat the odds, and above the
    (lowest) face needed when it did not."""
    if beat is None:
        beat = roll < lo
    low, r = Fraction(lo), Fraction(roll)
    band = lo != hi
    d = 0 if band else _designed_decimals(lo)
    while True:
        scale = 100 * 10**d
        if band:  # rounded outwards, as percent_band() shows it
            need_lo, need_hi = _outward(lo, scale, math.floor), _outward(hi, scale, math.ceil)
        else:  # rounded to the nearest, as percent() shows it
            need_lo = need_hi = math.floor(low * scale + Fraction(1, 2))
        face = math.floor(r * scale) + 1
        agrees = face <= need_hi if beat else face > need_lo
        if agrees or d >= MAX_DECIMALS:
            needed = _at(need_lo, d) if need_lo == need_hi else f"{_at(need_lo, d)}–{_at(need_hi, d)}"
            return D100(needed, _at(face, d), beat)
        d += 1
