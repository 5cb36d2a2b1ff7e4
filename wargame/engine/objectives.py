"""``rules/objectives.toml``: what each cell plays for, scored on the board, checked."""

from __future__ import annotations

from typing import Any

from attrs import frozen

from wargame.engine.checks import read_expression, scope_of
from wargame.engine.expressions import Expression, Name
from wargame.engine.limits import MAX_OBJECTIVES, MAX_TITLE
from wargame.engine.model import CELLS
from wargame.engine.reading import Problems, Table, entries, show


@frozen
class Objective:
    id: str
    cell: str
    title: str
    text: str
    cites: tuple[int, ...]
    points: int  # the most it can score
    score: Expression


def load_objectives(data: dict[str, Any], path: str, names: dict[str, Name], problems: Problems):
    """The ``[[objective]]`` entries of ``data`` (read from ``path``) that pass every check, in order; a
    score must stay within 0..points on every board, and every cell needs one. What is wrong goes to
    ``problems``."""
    objectives = []
    top = Table(data, path, problems)
    for t, ident in entries(top, "objective", set(), MAX_OBJECTIVES):
        cell = t.get("cell", str)
        if cell is not None and cell not in CELLS:
            t.fail(f"cell {show(cell)} should be one of {', '.join(CELLS)}")
        points = t.get("points", int)
        score = read_expression(t, "score", scope_of("global", names), required=True)
        if score is not None and points is not None and not (score.bounds[0] >= 0 and score.bounds[1] <= points):
            t.fail(f"score {show(score.source, 440)} can reach {score.bounds[0]:g}..{score.bounds[1]:g}, outside 0..{points}")
        obj = Objective(
            id=ident,
            cell=cell or "is",
            title=t.text("title", most=MAX_TITLE) or "",
            text=t.text("text") or "",
            cites=t.cites(),
            points=points or 0,
            score=score,  # type: ignore[arg-type]
        )
        t.unknown_keys()
        if t.ok:
            objectives.append(obj)
    top.unknown_keys()
    for cell in CELLS:
        if not any(o.cell == cell for o in objectives):
            problems.add(path, f"{cell} has no objective")
    return objectives
