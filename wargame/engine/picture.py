"""A seat's picture of the board: every name as the seat knows it, exactly or as a range.

Worked out from a :class:`~wargame.engine.view.View` alone (what the seat may see), so that nothing
computed on it can depend on what the seat may not see: its estimates of secret tracks are ranges,
what it knows are single values, and the rulebook's formulas are ranges over those, by the interval
analysis of the expressions (:func:`wargame.engine.expressions.interval`). :mod:`wargame.engine.shown`
works out from it everything a seat is shown: odds, points, records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrs import frozen

from wargame.engine.adjudication import format_value
from wargame.engine.board import COMPUTED, CONSTANTS, GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_COMPUTED, THEATRE_TRACKS, Board
from wargame.engine.expressions import Expression, Name, Scope, interval
from wargame.engine.numbers import percent, percent_band
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import View


@frozen
class Odds:
    """A chance as a seat knows it: exact (lo == hi) or a band."""

    lo: float
    hi: float

    @property
    def exact(self) -> bool:
        return percent(self.lo) == percent(self.hi)

    def __str__(self) -> str:
        return percent_band(self.lo, self.hi)


def _num(x: float, spec: str = "") -> str:
    if spec:
        try:
            return format_value(x, spec)
        except (ValueError, TypeError):
            pass
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def _range(lo: float, hi: float, spec: str = "") -> str:
    a, b = _num(lo, spec), _num(hi, spec)
    return a if a == b else f"{a}–{b}"


class Picture:
    """One seat's picture of a board, for working out what it is shown: every global name as a
    range (its estimate, or a single value where it knows it), the public totals and theatres
    exactly, and the rulebook's formulas as ranges over those."""

    __slots__ = ("view", "rulebook", "g", "bounds", "secret", "theatres", "offshoots", "_scope", "_local")

    def __init__(self, rulebook: Rulebook, v: View):
        self.view = v
        self.rulebook = rulebook
        tracks = {n: (est.mid if (est := v.tracks.get(n)) is not None else lo) for n, (lo, _) in GLOBAL_TRACKS.items()}
        board = Board.seen(tracks, v.theatres, v.offshoots, v.turn, v.last_turn, rulebook.parameters, ())
        scenario = rulebook.scenarios.get(v.scenario)
        if scenario is not None:
            board.g["year"] = scenario.year(v.turn)
        board.update()  # it has no formulas: Board.seen worked out the totals
        g = board.g
        bounds: dict[str, tuple[float, float]] = {}
        secret: set[str] = set()
        names: dict[str, Name] = {}
        for n, (lo, hi) in GLOBAL_TRACKS.items():
            est = v.tracks.get(n)
            b = (float(est.lo), float(est.hi)) if est is not None else (float(lo), float(hi))
            bounds[n] = b
            if est is None or not est.exact:
                secret.add(n)
            names[n] = Name("track", *b)
        for n, (lo, hi, _) in COMPUTED.items():
            if n in g:
                bounds[n] = (float(g[n]), float(g[n]))
                names[n] = Name("value", *bounds[n], not n.startswith("avg_"))
            else:  # not known at this point of the turn
                bounds[n] = (float(lo), float(hi))
                names[n] = Name("value", *bounds[n], True)
        for n, c in CONSTANTS.items():
            bounds[n] = (float(c), float(c))
            names[n] = Name("value", c, c, True)
        for n, p in rulebook.parameters.items():
            bounds[n] = (float(p), float(p))
            names[n] = Name("value", p, p, isinstance(p, int))
        scope = Scope(globals=names)
        for n, expr in rulebook.formulas:
            if rulebook.formula_reads[n] & secret:
                secret.add(n)
                b = interval(expr.source, scope)
            else:
                x = float(expr.fn(g, {}, {}))
                b = (x, x)
            g[n] = (b[0] + b[1]) / 2
            bounds[n] = b
            names[n] = Name("value", *b, False)
        self.g = g
        self.bounds = bounds
        self.secret = frozenset(secret)
        self.theatres = {t["name"]: t for t in board.theatres}
        self.offshoots = {o["id"]: o for o in board.offshoots}
        self._scope = names
        self._local: dict[tuple[str | None, str | None], Scope] = {}

    # what the seat knows

    def reads_secret(self, names: Iterable[str]) -> frozenset[str]:
        """The names among ``names`` (expressions' names, template fields; local names are
        public) whose value the seat does not know exactly."""
        return frozenset(n for n in names if n in self.secret)

    def hidden_inputs(self, expr: Expression) -> list[str]:
        """The tracks behind ``expr`` (through its formulas) the seat knows only as estimates."""
        return sorted(n for n in self.rulebook.reads(expr.names) if n in self.secret and n in GLOBAL_TRACKS)

    def estimate(self, name: str, spec: str = "") -> str:
        """The seat's estimate of a global track or formula, e.g. ``1–3``."""
        return _range(*self.bounds[name], spec)

    # working out expressions

    def scope(self, theatre: str | None = None, offshoot: str | None = None) -> Scope:
        key = (theatre, offshoot)
        scope = self._local.get(key)
        if scope is None:
            T = _local_names(self.theatres.get(theatre or ""), THEATRE_TRACKS, THEATRE_COMPUTED, "theatre")
            O = _local_names(self.offshoots.get(offshoot or ""), OFFSHOOT_TRACKS, {}, "origin")
            scope = self._local[key] = Scope(globals=self._scope, theatre=T, offshoot=O,
                                             kind="offshoot" if offshoot else "theatre" if theatre else "global")
        return scope

    def odds(self, expr: Expression | None, theatre: str | None = None, offshoot: str | None = None) -> Odds:
        """The chance ``expr`` gives on this picture: exact if the seat knows all it reads."""
        if expr is None:
            return Odds(1.0, 1.0)
        if not self.reads_secret(expr.names):
            T = self.theatres.get(theatre or "", {})
            O = self.offshoots.get(offshoot or "", {})
            x = float(expr.fn(self.g, T, O))
            return Odds(x, x)
        lo, hi = interval(expr.source, self.scope(theatre, offshoot))
        return Odds(max(0.0, min(1.0, lo)), max(0.0, min(1.0, hi)))

    def range(self, expr: Expression) -> tuple[float, float]:
        """The least and greatest value of a global expression on this picture."""
        if not self.reads_secret(expr.names):
            x = float(expr.fn(self.g, {}, {}))
            return x, x
        return interval(expr.source, self.scope())


def _local_names(d: dict | None, tracks: dict, computed: dict, text: str) -> dict[str, Name]:
    """A theatre's or an offshoot's names: public, so known exactly when the seat sees it; an
    offshoot that formed since the picture was taken is known only by the tracks' bounds."""
    out: dict[str, Name] = {}
    for n, (lo, hi) in tracks.items():
        v = d.get(n) if d else None
        out[n] = Name("track", v, v) if v is not None else Name("track", lo, hi)
    for n, (lo, hi, _) in computed.items():
        v = d.get(n) if d else None
        out[n] = Name("value", v, v, True) if v is not None else Name("value", lo, hi, True)
    out[text] = Name("text", 0, 0)
    return out


_pictures: list[Any] = [None, None, None]  # [rulebook, view, Picture]: the last one worked out


def picture(rulebook: Rulebook, v: View) -> Picture:
    """The seat's picture of the board ``v`` shows (the last one asked for is kept)."""
    rb, last, pic = _pictures
    if rb is rulebook and last is v:
        return pic
    pic = Picture(rulebook, v)
    _pictures[:] = [rulebook, v, pic]
    return pic
