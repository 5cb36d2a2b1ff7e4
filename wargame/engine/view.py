"""What each cell may see: the one place that decides it.

- Everyone sees the public board: the theatres, the offshoot groups, the announced cards (the
  discard piles) and how many cards are left, the outcomes so far, and every public track.
- A cell sees its own tracks exactly.
- The other cells' inner tracks (funds, fighters, cohesion, ego, discipline, budgets...) are
  seen only as a range that contains the true value; the coalition's ranges narrow with its
  intelligence. A range keeps its width at the ends of a track (it is shifted, not clipped, so
  a track at its bound is not given away), and where it sits around the truth comes from dice of
  its own, keyed one-way from the game's secret (:func:`wargame.engine.dice.derive`), per turn, seat
  and track,
  never from the game's dice (see ``view``).
- Secret AQ-IS talks are seen only by the two groups, until the coalition learns of them.
- Nobody but the facilitator ("white") sees the order of the draw piles or the exact inner
  tracks of others. Pending orders are never in the state, so never in a view.
"""

from __future__ import annotations

import operator
import sys
from array import array
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
from attrs import frozen

from wargame.engine.adjudication import Adjudication
from wargame.engine.board import GLOBAL_TRACKS, INNER, OWNER, PARTIES, PARTIES_ONLY, TALK_FIELDS, _flat, flat_tracks, hidden_from  # noqa: F401 (read from here)
from wargame.engine.builders import builder
from wargame.engine.dice import _GAMMA, _M1, _M2, _UNIT, MASK, derive, game_key, mix, name
from wargame.engine.model import CELL_TITLES, CELLS, DeckPiles, Offshoot, State, Theatre

SEATS = CELLS + ("white", "public")
"""The four cells, the facilitator (``white``, who sees everything) and ``public``: what the whole
room may see, as on a projector between two cells' turns."""

# Who may see what is declared with the board's names (see wargame.engine.board): INNER, OWNER, PARTIES_ONLY.


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


def _width(seat: str, owner: str, intel: int) -> int:
    """How wide a range ``seat`` sees of a track of ``owner``'s (the coalition's ``intel`` aside, fixed)."""
    if seat == "coalition":
        return max(0, 4 - intel // 3)  # intelligence sharpens the picture
    if seat == "governments":
        return 3
    if {seat, owner} == {"is", "aq"}:
        return 2  # the two groups watch each other closely
    return 4 if seat == "public" else 3


_EXACT = {v: Estimate(v, v) for v in range(-1, 10000)}
_new_view = builder(View)  # View(...) of its fields in order, built as attrs would (four views a turn)


def _estimate(value: int, width: int, lo_bound: int, hi_bound: int, roll: float) -> Estimate:
    """The range a seat sees for a track it may not see exactly: the track's scale is cut into
    ranges of ``width + 1`` values starting at an offset only the game's secret decides (``roll``
    in [0, 1)), and the seat sees the range the true value falls in. So every value of one range
    gives the seat the very same picture, and nothing finer can be read from it. A range that
    runs past an end of the track is shifted back inside, keeping its width: a track at its
    bound is not given away."""
    if width <= 0:
        return _EXACT[value]
    step = width + 1
    offset = int(roll * step)
    lo = (value - offset) // step * step + offset
    lo = max(lo_bound, min(lo, hi_bound - width))
    return _range(lo, lo + width)


def view(state: State, seat: str) -> View:
    """What ``seat`` (a cell, or ``white`` for the facilitator) may see of ``state``."""
    if seat not in _PLANS:
        raise ValueError(f"no seat {seat!r} (seats: {', '.join(SEATS)})")
    return _new_view(seat, state.scenario, state.turn, state.last_turn, state.phase, state.theatres, state.offshoots,
                     Tracks(state, seat), _deck_summaries(state.decks))  # (View's fields in order, set as attrs would)


class Tracks(Mapping[str, Estimate]):
    """A view's tracks (every global track the seat may know of, exact or a range, in the board's
    order), placed the first time any is read: a random bot reads none. Reads, compares and prints
    as the dict of them."""

    __slots__ = ("_state", "_seat", "_seen", "_bounds")

    def __init__(self, state: State, seat: str):
        self._state, self._seat = state, seat
        self._seen: dict[str, Estimate] | None = None
        self._bounds: tuple[dict[str, int], dict[str, int]] | None = None

    def _tracks(self) -> dict[str, Estimate]:
        seen = self._seen
        if seen is None:
            seen = self._seen = _estimates(*self._bounds_of())
        return seen

    def _bounds_of(self) -> tuple[dict[str, int], dict[str, int]]:
        bounds = self._bounds
        if bounds is None:
            bounds = self._bounds = _seen_bounds(self._state, self._seat)
        return bounds

    def mids(self, hidden: float | None = None) -> dict[str, float]:
        """Each track's :attr:`Estimate.mid` by name, in the same order, worked out without
        making the Estimates (a doctrine bot reads sixty of them four times a turn). A new dict.
        With ``hidden``, every global track, one the seat may not see at all as ``hidden``."""
        state, seat = self._state, self._seat
        flat = _flat(state)
        last, mids = _floats  # every track as if seen exactly ((v + v) / 2 is float(v), exactly) ...
        if last is not flat:
            mids = dict(zip(flat, map(float, flat.values())))
            _floats[:] = [flat, mids]  # (... made once for the four views of a state)
        mids = mids.copy()
        for n in _UNSEEN[seat]:
            mids[n] = hidden  # (in its place)
            if hidden is None:
                del mids[n]
        table, los = _placed(state, seat, flat)  # ... then its ranges in place (lo + width / 2 is (lo + hi) / 2)
        mids.update(zip(table[0], map(operator.add, los, table[4])))
        if seat in _OUTSIDERS and state.relation.stage == 1 and not state.relation.known:
            mids.update(zip(TALK_FIELDS, (4.0 if state.tally.second_splits else 0.0, 0.0, 0.0)))
        return mids

    def low(self, name: str) -> int:
        """:attr:`Estimate.lo` of track ``name`` (KeyError where the seat may not see it)."""
        return self._bounds_of()[0][name]

    def __getitem__(self, name: str) -> Estimate:
        return self._tracks()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tracks())

    def __len__(self) -> int:
        return len(self._tracks())

    def __contains__(self, name: object) -> bool:
        return name in self._tracks()

    def get(self, name: str, default: Any = None) -> Any:
        return self._tracks().get(name, default)

    def items(self):  # type: ignore[override]
        return self._tracks().items()

    def keys(self):  # type: ignore[override]
        return self._tracks().keys()

    def values(self):  # type: ignore[override]
        return self._tracks().values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Tracks):
            return self._tracks() == other._tracks()
        return self._tracks() == dict(other) if isinstance(other, Mapping) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a dict's

    def __repr__(self) -> str:
        return repr(self._tracks())


def _seen_tracks(state: State, seat: str) -> dict[str, Estimate]:
    """Every global track ``seat`` may know of in ``state``, exact or as a range (see :func:`view`)."""
    return _estimates(*_seen_bounds(state, seat))


def _estimates(lows: dict[str, int], highs: dict[str, int]) -> dict[str, Estimate]:
    """:func:`_seen_bounds`' numbers as Estimates, in the same order (each one object per range)."""
    tracks: dict[str, Estimate] = dict(zip(lows, map(_EXACT.__getitem__, lows.values())))
    for n, hi in highs.items():
        tracks[n] = _range(lows[n], hi)
    return tracks


def _seen_bounds(state: State, seat: str) -> tuple[dict[str, int], dict[str, int]]:
    """What ``seat`` may know of the global tracks in ``state``, as numbers: each track's low end,
    in the board's order (the value itself where it is seen exactly), and the high end of those
    seen only as a range. :func:`_seen_tracks` makes them Estimates; a doctrine bot's picture
    reads the middles (:meth:`Tracks.mids`) without making any."""
    flat = _flat(state)
    # every track it may see, in the board's order, first as if exactly; then its ranges in place
    # (read with one itemgetter and zipped: C loops, not a comprehension's, for sixty tracks)
    lows: dict[str, int] = dict(zip(_PLANS[seat][0], _READ[seat](flat)))
    table, los = _placed(state, seat, flat)
    lows.update(zip(table[0], los))
    highs: dict[str, int] = dict(zip(table[0], map(operator.add, los, table[3])))
    if seat in _OUTSIDERS and state.relation.stage == 1 and not state.relation.known:
        # Secret talks look, from outside, like whatever came before them (public tracks: never ranges)
        lows.update(zip(TALK_FIELDS, (4 if state.tally.second_splits else 0, 0, 0)))
    return lows, highs


def _placed(state: State, seat: str, flat: Mapping[str, int]) -> tuple[tuple, list[int]]:
    """``seat``'s ranges in ``state``: its table (see ``_table``) and each range's low end, in order."""
    widest = _width(seat, "", state.coalition.intel) if seat == "coalition" else 0  # (its intelligence)
    table = _TABLES[seat].get(widest) or _table(_PLANS[seat][1], widest)
    if not table[0]:
        return table, []
    # Where each range sits around the truth: dice of the view's own, keyed one-way from the secret, never
    # the game's dice: Dice(derive(secret, "view"), turn, seat).roll(name), its key chain worked out here
    # (see wargame.engine.dice), its first step once for the four views of a turn.
    secret, turn, first = _turn_key
    if turn != state.turn or secret != state.seed:
        first = mix(game_key(derive(state.seed, "view")) ^ (state.turn & MASK))
        _turn_key[:] = [state.seed, state.turn, first]
    rolls = _rolls(mix(first ^ _SEAT_NAMES[seat]), table[2], len(table[0]), 11)
    # _estimate, looked up: unit(roll) * step is roll's top 53 bits * (step * 2**-53), the same product rounded alike
    return table, [lows[int(rolled * scaled)][v] for (scaled, lows), rolled, v in zip(table[1], rolls, map(flat.__getitem__, table[0]))]


_NO_SCOPE = name("")


def _plan(seat: str) -> tuple[tuple[str, ...], tuple[tuple[str, int, int, int, int], ...]]:
    """What ``seat`` sees of the global tracks, worked out once per seat: every track it may
    see, in the board's order (a track it may not see at all is left out), and those it sees
    only as a range, each with (name, the range's width or -1 where it follows the coalition's
    intelligence, the track's bounds, the name as the dice read it)."""
    names, ranged = [], []
    for n, (lo_bound, hi_bound) in GLOBAL_TRACKS.items():
        owner = OWNER.get(n)
        if n in PARTIES_ONLY and seat not in ("is", "aq", "white"):
            continue
        names.append(n)
        if not (seat == "white" or owner is None or owner == seat):
            width = -1 if seat == "coalition" else min(_width(seat, owner, 0), hi_bound - lo_bound)
            ranged.append((n, width, lo_bound, hi_bound, name(n)))
    return tuple(names), tuple(ranged)


_PLANS = {seat: _plan(seat) for seat in SEATS}


# A view's rolls, every range's at once. Each is Dice(...).roll(track), i.e. the last 64 bits of
# mix(mix(mix(key ^ name(track)) ^ name("")) ^ 0) (wargame.engine.dice), and the dozen of one view
# used to cost two microseconds each in Python's integer arithmetic. Here the dozen are worked
# out side by side in one big integer, each in a lane of 128 bits of which the low 64 hold its
# value: adding a 64-bit constant or multiplying by one never carries out of a lane (a product of
# two 64-bit numbers fits in 128 bits), and a right shift's bits from the lane above are masked
# off before they could, so every lane goes through exactly SplitMix64's steps, five times
# faster for a dozen. This is the one written-out copy of the chain for views; a test holds it
# to Dice.roll (and unit3, which a test holds to mix).
def _lanes(codes: tuple[int, ...]) -> tuple[int, int, int, int, int]:
    """(one in each lane, the low-64 mask of each lane, the gamma in each, name("") in each, the
    tracks' names in their lanes) for rolls of these tracks' names."""
    rep = sum(1 << (128 * i) for i in range(len(codes)))
    return rep, MASK * rep, _GAMMA * rep, _NO_SCOPE * rep, sum(c << (128 * i) for i, c in enumerate(codes))


def _rolls(key: int, lanes: tuple[int, int, int, int, int], n: int, drop: int = 0) -> list[int]:
    """The 64-bit results of the ``n`` rolls of a view keyed by ``key`` (see above), in the order
    of its ranges, each shifted right by ``drop`` bits (11: the 53 a unit reads)."""
    rep, lm, g, scope, codes = lanes
    z = key * rep ^ codes  # mix(key ^ name(track)), then ^ name("") and mixed, then ^ 0 (the index) and mixed
    for then in (scope, 0, None):
        z = z + g & lm
        z = (z ^ z >> 30) & lm
        z = z * _M1 & lm
        z = (z ^ z >> 27) & lm
        z = z * _M2 & lm
        z = z ^ z >> 31  # (the lane above's bits land above each lane's low 64: masked off before a next step)
        if then is not None:
            z = z & lm ^ then if then else z & lm
    z >>= drop  # (a lane's bits 64 to 96 are clear: a drop of up to 33 brings in no other lane's)
    if _LITTLE:
        return memoryview(z.to_bytes(16 * n, "little")).cast("Q")[::2].tolist()
    return [z >> (128 * i) & MASK for i in range(n)]


_LITTLE = sys.byteorder == "little" and array("Q").itemsize == 8  # the lanes read as machine words
_LANES = {seat: _lanes(tuple(code for *_, code in ranged)) for seat, (_, ranged) in _PLANS.items()}
_READ = {seat: operator.itemgetter(*names) for seat, (names, _) in _PLANS.items()}  # every track a seat may see, in order
_RANGES: dict[tuple[int, int], Estimate] = {}


def _table(ranged: tuple[tuple[str, int, int, int, int], ...], widest: int) -> tuple:
    """A plan's ranges for :func:`_placed`, as wide as ``widest`` where they follow the coalition's intelligence: (names; each
    (step * 2**-53, for each offset its low end for each value: _estimate's); lanes; widths; half widths). Width 0 is no range."""
    kept = [(n, w, lo, hi, code) for n, width, lo, hi, code in ranged if (w := min(widest, hi - lo) if width < 0 else width) > 0]
    return (tuple(r[0] for r in kept), tuple(((w + 1) * _UNIT, tuple({v: max(lo, min((v - off) // (w + 1) * (w + 1) + off, hi - w))
            for v in range(lo, hi + 1)} for off in range(w + 2))) for _, w, lo, hi, _ in kept),  # (an offset may round up to the step)
            _lanes(tuple(r[4] for r in kept)), tuple(r[1] for r in kept), tuple(r[1] / 2 for r in kept))


_TABLES = {seat: {w: _table(ranged, w) for w in range(_width("coalition", "", 0) + 1)} for seat, (_, ranged) in _PLANS.items()}
_SEAT_NAMES = {seat: name(seat) for seat in SEATS}
_turn_key: list[Any] = [None, None, 0]  # [secret, turn, the first step of the key chain of that turn's views]
_floats: list[Any] = [None, {}]  # [a state's tracks, them as floats]
_OUTSIDERS = frozenset(SEATS) - {"is", "aq", "white"}  # who secret talks are hidden from
_UNSEEN = {seat: tuple(n for n in GLOBAL_TRACKS if n not in names) for seat, (names, _) in _PLANS.items()}


def _range(lo: int, hi: int) -> Estimate:
    """Estimate(lo, hi), one object for each range (they are frozen, so can be shared)."""
    est = _RANGES.get((lo, hi))
    if est is None:
        est = _RANGES[(lo, hi)] = Estimate(lo, hi)
    return est


_decks_seen: list[Any] = [None, ()]  # [a state's decks, their summaries]: four views of a state share them


def _deck_summaries(decks: tuple[DeckPiles, ...]) -> tuple[DeckSummary, ...]:
    last, summaries = _decks_seen
    if last is not decks:
        summaries = tuple(DeckSummary(p.deck, len(p.draw), p.discard, len(p.aside)) for p in decks)
        _decks_seen[:] = [decks, summaries]
    return summaries


# Orders and rules whose results give away secret talks while the coalition does not know.
TALK_REFS = _TALK_REFS = ("is.open_talks", "aq.open_talks", "is.accept_terms", "aq.offer_strict", "aq.offer_limited",
              "aq.offer_wide", "aq.offer_free_hand", "c1.talks-open", "c1.talks-collapse", "c1.talks-revealed")


def orders_hidden(record: Adjudication) -> Adjudication:
    """Another cell's orders record (kind ``budget``) as a seat sees it: that the cell gave its
    orders, not which, how many nor what they cost. (The sentence does not repeat the record's
    title, "Coalition orders", which a line shows before it.)"""
    who = CELL_TITLES.get(record.cell or "", "The cell").replace("{", "{{").replace("}", "}}")
    return attrs.evolve(record, changes=(), template=f"{who} gave its orders.", values=())


def visible_record(record: Adjudication, seat: str, talks_secret: bool) -> Adjudication | None:
    """A record as ``seat`` may see it (``room`` for everyone at the table): None if it must stay
    hidden; changes to another cell's inner tracks keep their name but lose their numbers.

    A coarse filter that needs no view: what a seat is *shown* (its estimates in the sentence,
    its odds, the talks' trace) is :func:`wargame.engine.shown.render_records`."""
    if seat == "white":
        return record
    if talks_secret and seat not in ("is", "aq") and record.ref in _TALK_REFS:
        return None
    if record.kind == "budget" and record.cell != seat:
        return orders_hidden(record)
    if record.kind == "override" and OWNER.get(record.ref) not in (None, seat):
        # the facilitator set another cell's secret track: that it happened is public, not the values
        return attrs.evolve(record, changes=((record.ref, -1, -1),), template="The facilitator changed "
                            f"{record.ref}.", values=())
    hidden = [c for c in record.changes if OWNER.get(c[0]) not in (None, seat)]
    if not hidden:
        return record
    changes = tuple((n, a, b) if OWNER.get(n) in (None, seat) else (n, -1, -1) for n, a, b in record.changes)
    values = tuple((k, v) for k, v in record.values if OWNER.get(k) in (None, seat))
    return attrs.evolve(record, changes=changes, values=values)


def talks_secret(state: State) -> bool:
    return state.relation.stage == 1 and not state.relation.known
