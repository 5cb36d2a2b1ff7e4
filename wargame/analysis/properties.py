"""Checking what a designer declared of the rulebook (``wargame check --deep``).

Each declaration (:mod:`wargame.engine.declarations`) and each invariant becomes a search for a
board that breaks it (:mod:`wargame.analysis.searches`): Hypothesis draws boards the model allows
(then boards reached in play) and, when one breaks the declaration, shrinks it towards the
scenario's start, so the designer sees the smallest change from the start that still breaks it.
The search is deterministic for a given ``seed``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from random import Random
from typing import Any

import attrs
from attrs import frozen
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample

from wargame.analysis.boards import changes_from_start, simpler
from wargame.analysis.searches import search
from wargame.engine.declarations import Declaration, Invariant
from wargame.engine.model import State
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import new_game


@frozen
class Failure:
    """A declaration (or invariant) and the smallest board found that breaks it.

    ``what`` is the property in words, ``entry`` the rule, order, card or formula it is declared
    of (with its ¶), ``detail`` what was measured on the board, ``where`` the theatre or offshoot,
    ``changes`` the board as (name, at the start, on this board)."""

    what: str
    entry: str
    cites: tuple[int, ...]
    claims: tuple[str, ...]
    scenario: str
    detail: str
    where: str | None
    board: State = attrs.field(repr=False, eq=False)
    changes: tuple[tuple[str, Any, Any], ...] = ()

    def line(self) -> str:
        """The failure in one line, for the summary."""
        cite = ", ".join([*self.claims, *(f"¶{c}" for c in self.cites)])
        where = f" in {self.where}" if self.where else ""
        return (f"{self.entry} ({cite}): {self.what} — broken{where} on {self.scenario}: {self.detail} "
                f"[{len(self.changes)} change{'s' if len(self.changes) != 1 else ''} from the start]")


# --- the whole check ------------------------------------------------------------------------------


def describe(d: Declaration | Invariant) -> tuple[str, str]:
    """(the property in words, the entry it is declared of)."""
    if isinstance(d, Invariant):
        return f"{d.title} ({d.holds.source})", f"invariant {d.id}"
    return d.sentence(), f"{d.subject} {d.of}"


def check_one(rulebook: Rulebook, d: Declaration | Invariant, scenario: str, examples: int, seed: int,
              reached: Sequence[State] = ()) -> Failure | None:
    """Search for the smallest board of ``scenario`` that breaks ``d``; None if none was found in
    ``examples`` tries of boards the model allows, then as many of the boards ``reached`` in play.
    The model's boards come first: they shrink towards the start, boards of play do not.
    Deterministic for a seed."""
    example = None
    for pool in ((), reached) if reached else ((),):
        strategy, check = search(rulebook, d, scenario, pool)
        rng = Random(seed * 2_654_435_761 + zlib.crc32(f"{scenario}:{d.id}:{len(pool)}".encode()))
        chosen = settings(max_examples=examples, database=None, deadline=None, derandomize=False,
                          phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck))
        try:
            example = find(strategy, lambda x, check=check: check(x) is not None, settings=chosen, random=rng)
            break
        except NoSuchExample:
            continue
    if example is None:
        return None
    board = simpler(rulebook, example[0], lambda s: check((s, *example[1:])) is not None)
    example = (board, *example[1:])
    detail, where = check(example)  # type: ignore[misc]
    what, entry = describe(d)
    state = example[0]
    return Failure(what, entry, d.cites, d.claims, scenario, detail, where, state,
                   tuple(changes_from_start(rulebook, state)))


def everything(rulebook: Rulebook) -> list[Declaration | Invariant]:
    """Every declaration of the rulebook, then every invariant."""
    return [*rulebook.declarations, *rulebook.invariants]


def check_all(rulebook: Rulebook, examples: int = 100, seed: int = 0, reached: Sequence[State] = (),
              only: Iterable[str] | None = None, progress: Callable[[], None] | None = None) -> list[Failure]:
    """Every declaration and invariant on ``examples`` boards, shared out among the scenarios; one
    Failure per property broken (on the first scenario that breaks it). ``only`` keeps the
    properties whose id contains one of its words."""
    wanted = [w for w in only or ()]
    out = []
    each = -(-examples // len(rulebook.scenarios))  # the boards are shared out among the scenarios
    for d in everything(rulebook):
        if wanted and not any(w in d.id for w in wanted):
            continue
        for scenario in rulebook.scenarios:
            states = [s for s in reached if s.scenario == scenario]
            try:
                failure = check_one(rulebook, d, scenario, each, seed, states)
            except Exception as e:  # noqa: BLE001 - a designer's rulebook may fail in ways no check foresaw: say so, go on
                what, entry = describe(d)
                failure = Failure(what, entry, d.cites, d.claims, scenario, f"checking it failed: {type(e).__name__}: {e}",
                                  None, new_game(rulebook, scenario, seed))
            if failure is not None:
                out.append(failure)
                break  # one scenario's board is enough to show the designer
        if progress is not None:
            progress()
    return out
