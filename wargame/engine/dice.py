"""The game's dice: counter-based and keyed per roll.

Every random outcome of a game is a pure function of the game's secret and of *what the roll
decides*: (turn, phase, source, scope, index), where the source is the rule, order or deck that
rolls and the scope the theatre, offshoot group or draw it rolls for. No roll depends on how many
rolls came before it, so

- a facilitator's override of one result changes only what depends on that result, never the
  dice of unrelated theatres further down the phase;
- any turn replays without stored generator state, on any machine and in any process;
- a vectorised engine can reproduce every roll bit for bit: the mix is SplitMix64's finaliser
  over unsigned 64-bit integers (``uint64`` arithmetic wraps the same way), and names enter it
  as 64-bit BLAKE2b digests worked out once.

The key chain, each step ``k = mix(k ^ part)``::

    game  = blake2b("game:<secret>")
    phase = mix(mix(game ^ turn) ^ name("<phase>"))
    roll  = mix(mix(mix(phase ^ name(source)) ^ name(scope)) ^ index)

and a roll is the top 53 bits of the result as a float in [0, 1). A shuffle is Fisher-Yates
from the last position down, position ``i`` swapped with ``floor(roll(source, scope, i) * (i+1))``.

Keys for anything outside the game's own dice (bots' tie-breaks, the placement of a seat's
estimate ranges) come from :func:`derive`, a one-way hash of the secret and a purpose: knowing
such a key tells nothing about the game's dice.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import MutableSequence
from functools import lru_cache

MASK = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_UNIT = 2.0**-53


def mix(x: int) -> int:
    """SplitMix64: one step of the generator's state and its output finaliser (Steele, Lea and
    Flood 2014). Input and output are unsigned 64-bit integers."""
    z = (x + _GAMMA) & MASK
    z = ((z ^ (z >> 30)) * _M1) & MASK
    z = ((z ^ (z >> 27)) * _M2) & MASK
    return z ^ (z >> 31)


def unit3(key: int, a: int, b: int, c: int) -> float:
    """``unit(mix(mix(mix(key ^ a) ^ b) ^ c))``, the three steps of a roll's key chain written out
    in one function: a roll is the engine's most frequent call, and three calls cost more than the
    arithmetic. (:func:`mix` is the reference; a test holds the two to the same values.)"""
    z = (key ^ a) + _GAMMA & MASK
    z = (z ^ z >> 30) * _M1 & MASK
    z = (z ^ z >> 27) * _M2 & MASK
    return unit2(z ^ z >> 31, b, c)


def unit2(key: int, b: int, c: int) -> float:
    """``unit(mix(mix(key ^ b) ^ c))``: the last two steps of a roll, written out as :func:`unit3`'s."""
    z = (key ^ b) + _GAMMA & MASK
    z = (z ^ z >> 30) * _M1 & MASK
    z = (z ^ z >> 27) * _M2 & MASK
    z = (z ^ z >> 31 ^ c) + _GAMMA & MASK
    z = (z ^ z >> 30) * _M1 & MASK
    z = (z ^ z >> 27) * _M2 & MASK
    return ((z ^ z >> 31) >> 11) * _UNIT


@lru_cache(maxsize=4096)
def name(text: str) -> int:
    """A name (a phase, rule id, order kind, theatre, offshoot id) as a 64-bit integer."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


# Scopes' names as Dice.roll reads them: a plain dict is quicker to ask than name's cache. (Its few
# hundred scopes, theatres, offshoot ids and a bot's order kinds, stay; emptied past 4096.)
_scopes: dict[str, int] = {}
_turns: dict[tuple[type, int, int], int] = {}  # (its type, secret, turn): mix(game_key(secret) ^ turn), for Dice


def fresh_seed() -> int:
    """A new game's secret, from the system's randomness: 63 bits (a save keeps 0..2**63-1), far
    too many to search. Every roll a seat is shown is a function of the secret, so a small one
    (24 bits took a minute to find from one roll) would give every die away."""
    return int.from_bytes(os.urandom(8), "big") >> 1


@lru_cache(maxsize=1024)
def derive(secret: int, purpose: str) -> int:
    """A 64-bit key for ``purpose`` (e.g. ``"bot"``, ``"view"``) derived one-way from the game's
    secret: it keys generators of their own and cannot be used to predict the game's dice."""
    return name(f"{purpose}:{secret}")


@lru_cache(maxsize=1024)  # (a game's dice, its views' and its bots' ask it a dozen times a turn)
def game_key(secret: int) -> int:
    return name(f"game:{secret}")


def unit(h: int) -> float:
    """The top 53 bits of a 64-bit integer as a float in [0, 1)."""
    return (h >> 11) * _UNIT


class Dice:
    """The dice of one phase of one turn of one game.

    >>> d = Dice(7, 3, "dynamics")
    >>> d.roll("c6.defection", "iraq") == Dice(7, 3, "dynamics").roll("c6.defection", "iraq")
    True
    >>> 0.0 <= d.roll("c6.defection", "syria") < 1.0
    True
    """

    __slots__ = ("secret", "turn", "phase", "key", "_sources")

    def __init__(self, secret: int, turn: int, phase: str):
        self.secret = secret
        self.turn = turn
        self.phase = phase
        # the chain's turn step, mix(game ^ turn), is the same for every phase and seat of a turn
        # (four of each a turn), so kept for the last turns asked about (by the secret's type too:
        # True == 1, but their games' keys differ, as game_key's cache tells them apart)
        kept = (type(secret), secret, turn)
        step = _turns.get(kept)
        if step is None:
            if len(_turns) >= 256:
                _turns.clear()
            step = _turns[kept] = mix(game_key(secret) ^ (turn & MASK))
        self.key = mix(step ^ name(phase))
        # each source's step of the key chain, mix(key ^ name(source)), kept: a rule rolls for
        # every theatre, a bot for every order, each time from the same source
        self._sources: dict[str, int] = {}

    def roll(self, source: str, scope: str = "", index: int = 0) -> float:
        """The roll in [0, 1) for ``source`` (a rule, order or deck id) in ``scope`` (a theatre,
        an offshoot id or "" for the whole board); ``index`` tells apart several rolls of one
        source in one scope (the positions of a shuffle)."""
        z = self._sources.get(source)
        if z is None:
            z = self._sources[source] = mix(self.key ^ name(source))
        b = _scopes.get(scope)
        if b is None:
            if len(_scopes) >= 4096:
                _scopes.clear()
            b = _scopes[scope] = name(scope)
        # unit2(z, b, index & MASK) written out here, the engine's most frequent call (a test holds
        # the two to the same values); the constants are _GAMMA, MASK, _M1, _M2 and _UNIT as
        # literals, which Python loads quicker than module names.
        z = (z ^ b) + 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF
        z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        z = (z ^ z >> 27) * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF
        z ^= z >> 31
        if index:  # (almost every roll has index 0, and z ^ 0 is z)
            z ^= index & 0xFFFFFFFFFFFFFFFF
        z = z + 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF
        z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        z = (z ^ z >> 27) * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF
        return ((z ^ z >> 31) >> 11) * 1.1102230246251565e-16

    def shuffle(self, items: MutableSequence, source: str, scope: str = "") -> None:
        """Shuffle ``items`` in place, keyed by ``source`` and ``scope`` (e.g. a deck and which
        reshuffle of the phase this is)."""
        for i in range(len(items) - 1, 0, -1):
            j = int(self.roll(source, scope, i) * (i + 1))
            items[i], items[j] = items[j], items[i]


def dice(seed: int, turn: int, phase: str) -> Dice:
    """The dice of one phase of one turn of one game (``seed`` is the game's secret)."""
    return Dice(seed, turn, phase)
