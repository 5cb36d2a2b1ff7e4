"""What each cell may see: the one place that decides it.

- Everyone sees the public board: the theatres, the offshoot groups, the announced cards (the
  discard piles) and how many cards are left, the outcomes so far, and every public track.
- A cell sees its own tracks exactly.
- The other cells' inner tracks (funds, fighters, cohesion, ego, discipline, budgets...) are
  seen only as a range that contains the true value; the coalition's ranges narrow with its
  intelligence. The range's placement comes from a generator of its own, derived from (seed, turn, seat),
  never from the game's dice (see ``view``).
- Secret AQ-IS talks are seen only by the two groups, until the coalition learns of them.
- Nobody but the facilitator ("white") sees the order of the draw piles or the exact inner
  tracks of others. Pending orders are never in the state, so never in a view.
"""

from __future__ import annotations

import hashlib
from random import Random
from typing import Mapping

from attrs import frozen

from wargame.board import GLOBAL_TRACKS, flat_tracks
from wargame.model import CELLS, Offshoot, State, Theatre

SEATS = CELLS + ("white",)

# Tracks a cell keeps to itself: others see them only as estimates.
INNER: dict[str, tuple[str, ...]] = {
    "is": ("is_funds", "is_fighters", "is_wages", "is_services", "is_recruitment", "is_cohesion",
           "is_ego", "is_leader_hardline", "is_acceptance"),
    "aq": ("aq_funds", "aq_ego", "aq_discipline", "aq_recruitment", "aq_leader_hardline"),
    "coalition": ("coalition_budget", "coalition_intel"),
    "governments": ("gov_capacity",),
}
OWNER = {name: cell for cell, names in INNER.items() for name in names}
# How long the current stage of the relation has lasted is known to the two groups only.
PARTIES_ONLY = ("relation_turns",)


@frozen
class Estimate:
    lo: int
    hi: int

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2

    def __str__(self) -> str:
        return str(self.lo) if self.exact else f"{self.lo}-{self.hi}"


@frozen
class DeckSummary:
    deck: str
    left: int  # cards in the draw pile
    played: tuple[str, ...]  # the discard pile: cards drawn and announced
    aside: int


@frozen
class View:
    seat: str
    scenario: str
    seed: int
    turn: int
    last_turn: int
    phase: str
    theatres: tuple[Theatre, ...]
    offshoots: tuple[Offshoot, ...]
    tracks: Mapping[str, Estimate]  # every global track the seat may know of, exact or a range
    decks: tuple[DeckSummary, ...]

    def value(self, name: str) -> float:
        """The seat's best guess of a track: exact, or the middle of its range."""
        return self.tracks[name].mid


def _width(state: State, seat: str, owner: str) -> int:
    if seat == "coalition":
        return max(0, 4 - state.coalition.intel // 3)  # intelligence sharpens the picture
    if seat == "governments":
        return 3
    if {seat, owner} == {"is", "aq"}:
        return 2  # the two groups watch each other closely
    return 3


_EXACT = {v: Estimate(v, v) for v in range(-1, 10000)}


def view(state: State, seat: str) -> View:
    """What ``seat`` (a cell, or ``white`` for the facilitator) may see of ``state``."""
    if seat not in SEATS:
        raise ValueError(f"no seat {seat!r} (seats: {', '.join(SEATS)})")
    flat = flat_tracks(state)
    # Where each range sits around the truth: the view's own generator, not the game's dice.
    h = hashlib.blake2b(f"view:{state.seed}:{state.turn}:{seat}".encode(), digest_size=8).digest()
    placement = Random(int.from_bytes(h, "big"))
    tracks: dict[str, Estimate] = {}
    talks_hidden = (
        seat not in ("is", "aq", "white") and state.relation.stage == 1 and not state.relation.known
    )
    for name in GLOBAL_TRACKS:
        value = flat[name]
        owner = OWNER.get(name)
        if name in PARTIES_ONLY and seat not in ("is", "aq", "white"):
            continue
        if seat == "white" or owner is None or owner == seat:
            tracks[name] = _EXACT[value]
            continue
        width = _width(state, seat, owner)
        lo_bound, hi_bound = GLOBAL_TRACKS[name]
        lo = max(lo_bound, value - placement.randint(0, width))
        tracks[name] = Estimate(lo, min(hi_bound, lo + width))
    if talks_hidden:
        # Secret talks look, from outside, like whatever came before them.
        public = 4 if state.tally.second_splits else 0
        tracks["relation_stage"] = _EXACT[public]
        tracks["relation_autonomy"] = _EXACT[0]
        tracks["relation_offered"] = _EXACT[0]
    decks = tuple(DeckSummary(p.deck, len(p.draw), p.discard, len(p.aside)) for p in state.decks)
    return View(
        seat=seat, scenario=state.scenario, seed=state.seed, turn=state.turn, last_turn=state.last_turn,
        phase=state.phase, theatres=state.theatres, offshoots=state.offshoots, tracks=tracks, decks=decks,
    )
