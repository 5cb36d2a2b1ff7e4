"""The doctrine (``rules/doctrine.toml``, :mod:`wargame.bots.doctrine_data`) compiled over a batch:
every candidate order of a cell judged on each game's picture (:class:`wargame.batch.view.Picture`)
as :class:`wargame.bots.doctrine_bot.Judge` judges one order on one picture; no reasons.

Each expression is compiled from its source by :mod:`wargame.batch.compile`, in the scope the
doctrine checked it in: the board's names, and the doctrine's own (``chance``, ``cost``, the
posture and knobs, the cell's posture tables and ``let``s) read as the third mapping, here
:class:`_Judging`, which works ``chance`` and the ``let``s out when first read, per order kind.
A theatre kind is judged in every theatre at once, ``(m, J)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from wargame.batch.context import ALL, Ctx
from wargame.bots.doctrine import POSTURES, Doctrine
from wargame.bots.doctrine_data import DOCTRINE_NAMES, doctrine_book
from wargame.engine.board import GLOBAL_TRACKS
from wargame.engine.expressions import Name, Scope
from wargame.engine.rulebook import Rulebook

_QUIET = {"divide": "ignore", "invalid": "ignore", "over": "ignore"}  # lanes whose value is thrown away


class _Judging(Ctx):
    """A picture's lanes, with the doctrine's names for one order kind: ``names`` (per lane,
    ``(m,)``, or ``(m, 1)`` when ``wide``), the cell's ``lets`` and ``chance`` worked out when read."""

    __slots__ = ("names", "lets", "chance")

    def o(self, name: str) -> Any:
        v = self.names.get(name)
        if v is None:
            v = self.chance() if name == "chance" else self.lets[name](self)
            self.names[name] = v
        return v


def _truth(x: Any, shape: tuple[int, ...]) -> np.ndarray:
    t = np.asarray(x) != 0
    return t if t.shape == shape else np.broadcast_to(t, shape)


class DoctrineCode:
    """``rulebook``'s doctrine compiled once for a batch (``book``: its :class:`~wargame.batch.book.Book`):
    per order kind its ``when`` and cases, per cell its lets, posture tables and reserve, and the
    driver's numbers (``threshold`` per posture, ``noise``, the penalties)."""

    def __init__(self, rulebook: Rulebook, book):
        d = self.data = doctrine_book(rulebook)
        compiler = book.compiler
        self.threshold = np.array(d.threshold, dtype=np.float64)
        self.noise, self.repeat_penalty, self.reserve_penalty = d.noise, d.repeat_penalty, d.reserve_penalty
        self.reserve = {c: np.array(cd.reserve, dtype=np.float64) for c, cd in d.cells.items()}
        self._bases: dict[str, dict[str, np.ndarray]] = {}
        scope = rulebook.scope("theatre")
        self.lets: dict[str, dict[str, Any]] = {}
        for cell, cd in d.cells.items():
            names = self._names(rulebook, cell, 0)
            self.lets[cell] = {n: compiler.expression(e.source, Scope(scope.globals, scope.theatre, names))
                               for n, e in cd.lets.items()}
        self.entries: dict[str, tuple[Any, tuple[tuple[Any, Any], ...]]] = {}
        for kind_id, entry in d.entries.items():
            kind = rulebook.order_kinds[kind_id]
            full = rulebook.scope("theatre" if kind.target == "theatre" else "global")
            s = Scope(full.globals, full.theatre, self._names(rulebook, kind.cell, kind.cost))

            def fn(e, s=s):
                return None if e is None else compiler.expression(e.source, s)
            self.entries[kind_id] = (fn(entry.when), tuple((fn(c.when), fn(c.score)) for c in entry.cases))

    def _names(self, rulebook: Rulebook, cell: str, cost: int) -> dict[str, Name]:
        """The doctrine's names, with the bounds the doctrine checked them with (the compiled
        tree does not depend on them; the check only refuses what could run out of bounds)."""
        names = {n: Name("value", lo, hi, True) for n, (lo, hi, _) in DOCTRINE_NAMES.items()}
        names["chance"] = Name("value", 0, 1, False)
        track = rulebook.budgets.get(cell)
        names["budget"] = Name("value", *(GLOBAL_TRACKS.get(track, (0, 0)) if track else (0, 0)), True)
        names["cost"] = Name("value", cost, cost, True)
        cd = self.data.cells.get(cell)
        if cd is not None:
            names.update({n: Name("value", min(v), max(v), all(isinstance(x, int) for x in v)) for n, v in cd.posture.items()})
            names.update({n: Name("value", *e.bounds, False) for n, e in cd.lets.items()})
        return names

    def base(self, cell: str, boldness: np.ndarray, budget: np.ndarray,
             doctrine: Doctrine | None = None) -> dict[str, np.ndarray]:
        """The names of :meth:`~wargame.bots.doctrine_data.DoctrineBook.base` per lane (``(m,)``)
        for a default :class:`~wargame.bots.doctrine.Doctrine` in each lane's posture (``boldness``
        ``(m,)`` int: 0 cautious, 1 standard, 2 aggressive), or for ``doctrine`` (its posture and
        knobs) in every lane, with each lane's ``budget``."""
        if doctrine is not None:
            if not (boldness == doctrine.boldness).all():
                raise ValueError(f"lanes not in the posture of {doctrine}")
            one = self.data.base(cell, doctrine, 0)
            out = {n: np.full(len(boldness), float(v)) for n, v in one.items()}
            out["budget"] = budget.astype(np.float64)
            return out
        table = self._bases.get(cell)
        if table is None:  # the doctrine's own base per posture, a column per posture
            per = [self.data.base(cell, Doctrine(posture=p), 0) for p in POSTURES]
            table = self._bases[cell] = {n: np.array([float(b[n]) for b in per]) for n in per[0]}
        out = {n: v[boldness] for n, v in table.items()}
        out["budget"] = budget.astype(np.float64)
        return out

    def judge(self, picture, cands, boldness: np.ndarray, doctrine: Doctrine | None = None,
              allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Every candidate of a cell (:class:`~wargame.batch.legality.Candidates`) judged on the
        picture's lanes: ``(valid, score)``, each ``(m, K)``; ``valid`` where the doctrine would
        give the order (an entry, its ``when`` holds and a case holds), ``score`` that case's.
        ``doctrine``, if given, is every lane's (its knobs; ``boldness`` its posture's). With
        ``allowed`` (``(m, K)`` bool, what the lanes may give), a kind no lane may give is not
        judged (not valid: a bot never gives it whatever its score)."""
        m, K = len(boldness), len(cands)
        valid = np.zeros((m, K), dtype=bool)
        score = np.zeros((m, K))
        base = self.base(cands.cell, boldness, picture.budget, doctrine)
        wide_base = {n: v[:, None] for n, v in base.items()}
        lets = self.lets.get(cands.cell, {})
        with np.errstate(**_QUIET):
            for kind, first, count, wide in cands.spans:
                found = self.entries.get(kind)
                if found is None or (allowed is not None and not allowed[:, first:first + count].any()):
                    continue
                when, cases = found
                ctx = _Judging(picture.board, picture.lanes, ALL if wide else None, wide=wide)
                ctx.names = dict(wide_base if wide else base)
                ctx.names["cost"] = float(cands.costs[first])
                ctx.lets = lets
                ctx.chance = lambda kind=kind, wide=wide: picture.chance(kind, wide)
                shape = (m, count) if wide else (m,)
                ok = np.ones(shape, dtype=bool) if when is None else _truth(when(ctx), shape).copy()
                got = np.zeros(shape)
                decided = np.zeros(shape, dtype=bool)
                for case_when, case_score in cases:  # the first case that holds wins
                    if decided.all() or not ok.any():  # the cases left decide nothing that counts
                        break
                    take = ~decided if case_when is None else ~decided & _truth(case_when(ctx), shape)
                    got = np.where(take, case_score(ctx), got)
                    decided |= take
                ok &= decided
                cols = slice(first, first + count)
                valid[:, cols] = ok if wide else ok[:, None]
                score[:, cols] = got if wide else got[:, None]
        return valid, score
