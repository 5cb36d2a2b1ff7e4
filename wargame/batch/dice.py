"""The game's keyed dice (:mod:`wargame.engine.dice`) over NumPy ``uint64`` arrays, one lane a game.

The scalar engine's mix is SplitMix64's finaliser on Python integers masked to 64 bits; here the
same steps run on ``np.uint64`` arrays, whose addition and multiplication wrap modulo 2**64 just as
the mask does. Array arithmetic wraps silently; :data:`_QUIET` also silences the warning a 0-d
operand would raise, so every function here runs under it. Names enter the key chain exactly as
the scalar dice take them: :func:`wargame.engine.dice.name` (BLAKE2b), worked out once per name.

Shapes: a *key* array is ``(m,)`` or ``(m, k)`` of ``uint64``; every function broadcasts.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

from wargame.engine.board import GLOBAL_TRACKS, MAX_OFFSHOOTS
from wargame.engine.dice import game_key, name

U64 = np.uint64
_GAMMA = U64(0x9E3779B97F4A7C15)
_M1 = U64(0xBF58476D1CE4E5B9)
_M2 = U64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = U64(30), U64(27), U64(31), U64(11)
_UNIT = 2.0**-53
_QUIET = {"over": "ignore"}  # uint64 wrap-around is the algorithm, not an error


def mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 over a ``uint64`` array: bit for bit :func:`wargame.engine.dice.mix` per lane."""
    with np.errstate(**_QUIET):
        z = np.asarray(x, dtype=U64) + _GAMMA
        if not isinstance(z, np.ndarray) or not z.ndim:
            z = (z ^ (z >> _S30)) * _M1
            z = (z ^ (z >> _S27)) * _M2
            return z ^ (z >> _S31)
        return _mix_owned(z, np.empty_like(z), add=False)


def _mix_owned(z: np.ndarray, t: np.ndarray, add: bool = True) -> np.ndarray:
    """:func:`mix` in place on ``z`` (an array of ours), with ``t`` as scratch: no temporaries."""
    with np.errstate(**_QUIET):
        if add:
            z += _GAMMA
        np.right_shift(z, _S30, out=t)
        z ^= t
        z *= _M1
        np.right_shift(z, _S27, out=t)
        z ^= t
        z *= _M2
        np.right_shift(z, _S31, out=t)
        z ^= t
        return z


def unit(h: np.ndarray) -> np.ndarray:
    """The top 53 bits of each lane as a float64 in [0, 1) (exact: 53 bits fit a double)."""
    return (h >> _S11).astype(np.float64) * _UNIT


@functools.lru_cache(maxsize=65536)
def nm(text: str) -> np.uint64:
    """A name (rule id, theatre, phase, ...) as the scalar dice key it: a ``uint64`` (worked out
    once per name: a BLAKE2b hash is dear next to a lookup)."""
    return U64(name(text))


def game_keys(seeds) -> np.ndarray:
    """``(n,)`` uint64: each game's key, ``blake2b("game:<secret>")``."""
    return np.array([game_key(int(s)) for s in seeds], dtype=U64)


def phase_keys(games: np.ndarray, turns: np.ndarray, phase: str) -> np.ndarray:
    """``(n,)`` uint64: ``mix(mix(game ^ turn) ^ name(phase))`` per game (turns: ``(n,)`` ints >= 0)."""
    t = np.asarray(turns).astype(np.int64).astype(U64)
    return mix(mix(games ^ t) ^ nm(phase))


def source_keys(phase: np.ndarray, source: str) -> np.ndarray:
    """The first link of a roll's chain: ``mix(phase ^ name(source))``."""
    return mix(phase ^ nm(source))


def rolls(src: np.ndarray, scope, index=0) -> np.ndarray:
    """Rolls in [0, 1): ``unit(mix(mix(src ^ scope) ^ index))``, where ``src`` comes from
    :func:`source_keys` and ``scope`` is a name (``uint64``, scalar or array) that broadcasts."""
    idx = U64(index) if np.isscalar(index) else np.asarray(index).astype(U64)
    z = src ^ scope
    if isinstance(z, np.ndarray) and z.ndim and (np.isscalar(index) or np.broadcast(z, idx).shape == z.shape):
        t = np.empty_like(z)  # the chain in place on one array
        z = _mix_owned(z, t)
        z ^= idx
        z = _mix_owned(z, t)
        np.right_shift(z, _S11, out=z)  # unit(), in place: the top 53 bits as a float in [0, 1)
        u = z.astype(np.float64)
        u *= _UNIT
        return u
    return unit(mix(mix(z) ^ idx))


class Names:
    """Names of a family worked out once and looked up by number, e.g. ``reshuffle-N``; the table
    grows if a larger number turns up. A negative number ``-1 - k`` is the ``k``-th name of a tail
    kept behind the family (:class:`OffshootNames`): NumPy's own indexing from the end, so a
    lookup costs the same whichever it takes."""

    def __init__(self, pattern: str, size: int):
        self.pattern = pattern
        self.size = size  # numbers 0..size-1 of the family; the tail follows them
        self.table = np.array([name(pattern.format(i)) for i in range(size)], dtype=U64)

    def __getitem__(self, numbers) -> np.ndarray:
        numbers = np.asarray(numbers, dtype=np.int64)
        top = int(numbers.max(initial=-1))
        if top >= self.size:
            self._grow(top + 1)
        return self.table[numbers]

    def _grow(self, size: int) -> None:
        table = self.table  # one read: the tail stays behind the family, so negative numbers keep their names
        extra = np.array([name(self.pattern.format(i)) for i in range(self.size, size)], dtype=U64)
        self.table = np.concatenate([table[:self.size], extra, table[self.size:]])
        self.size = size


# Every id the tally of offshoots formed can give a new group: up to the tally's cap, and past it
# the next id no group in play holds (one step for each other group at most).
_SPAWNED = GLOBAL_TRACKS["tally_offshoots_formed"][1] + MAX_OFFSHOOTS + 1


class OffshootNames(Names):
    """The dice name of every offshoot, by its code in the batch (``Boards.o_id``): ``offshoot-N``
    by ``N`` for ``0 <= N < limit`` (every id a group formed in play can take), any other id (an
    opening board's ``opening-iraq``, ``offshoot-007``) by a negative code that :meth:`code` hands
    out once per process and :meth:`text` reads back. A negative code never equals a formed
    group's id, just as the other ids never equal ``offshoot-N``.

    >>> OFFSHOOT_NAMES.code("offshoot-4", "iraq"), OFFSHOOT_NAMES.text(OFFSHOOT_NAMES.code("opening-iraq", "iraq"))
    (4, 'opening-iraq')
    """

    def __init__(self, size: int):
        super().__init__("offshoot-{}", size)
        self.limit = size  # fixed, unlike ``size``: an id's code never changes in a process
        self._codes: dict[tuple[str, str], int] = {}
        self._texts: list[str] = []
        self._lock = threading.Lock()

    def code(self, oid: str, theatre: str) -> int:
        """The code of the offshoot ``oid`` based in ``theatre`` (a name of the scenario): its dice
        are keyed by its id, or by its theatre if the id is empty, as the scalar resolver does."""
        number = oid[9:] if oid.startswith("offshoot-") else ""
        if number.isascii() and number.isdigit() and len(number) < 10 and str(int(number)) == number and int(number) < self.limit:
            return int(number)
        key = (oid, oid or theatre)
        found = self._codes.get(key)
        if found is not None:
            return found
        with self._lock:
            if key not in self._codes:
                tail = self.table[self.size:]
                self.table = np.concatenate([self.table[:self.size], np.array([name(key[1])], dtype=U64), tail])
                self._texts.append(oid)
                self._codes[key] = -len(self._texts)
            return self._codes[key]

    def text(self, code: int) -> str:
        """The id of the offshoot of ``code``."""
        return f"offshoot-{code}" if code >= 0 else self._texts[-1 - code]

    def _grow(self, size: int) -> None:
        with self._lock:
            super()._grow(size)


OFFSHOOT_NAMES = OffshootNames(_SPAWNED + 1)
"""Every offshoot's dice name, by its code (one table a process: the codes of other ids are its own)."""


def shuffle(piles: np.ndarray, lengths: np.ndarray, src: np.ndarray, scope) -> None:
    """Fisher-Yates in place on each row of ``piles`` (``(m, C)``, the first ``lengths[r]`` cells
    of row ``r`` being its list), as :meth:`wargame.engine.dice.Dice.shuffle` does a list: from the
    last position down, position ``i`` swapped with ``floor(roll(source, scope, i) * (i + 1))``.
    ``src`` is ``(m,)`` from :func:`source_keys`; ``scope`` a name per row or one for all."""
    m, width = piles.shape
    if m == 0:
        return
    lengths = np.asarray(lengths)
    base = mix(src ^ scope)
    rows = np.arange(m)
    for i in range(width - 1, 0, -1):
        live = lengths > i  # rows whose list reaches position i
        if not live.any():
            continue
        u = unit(mix(base ^ U64(i)))
        j = (u * float(i + 1)).astype(np.int64)  # int() of a non-negative float truncates: floor
        r = rows[live]
        jr = j[live]
        a = piles[r, i].copy()
        piles[r, i] = piles[r, jr]
        piles[r, jr] = a
