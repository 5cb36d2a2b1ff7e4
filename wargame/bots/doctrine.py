"""Doctrine bots: each cell played the way the article says the actor it stands for would play.

A doctrine bot reads its seat's :class:`~wargame.engine.view.View` (never the State), works out the
public formulas of the rulebook on what it sees (each group's strength, IS's desperation: the
rules are public, ¶2; :mod:`wargame.bots.picture`), weighs every legal order by its cell's doctrine,
and gives the best ones it can afford, each with a sentence a player understands
(:mod:`wargame.bots.doctrine_bot`). Its own small random tie-breaks come from
:func:`~wargame.bots.bot.bot_roll`, never from the game's dice.

The doctrines are data: ``rules/doctrine.toml`` gives each order kind's score, the condition it is
worth considering under and the sentence that explains it, citing the ¶ it implements (checked and
compiled with the rulebook, :mod:`wargame.bots.doctrine_data`; docs/designers-guide.md, "Doctrine").
In brief:

- **Islamic State**: hold territory, above all the heartland (¶3, ¶4); pay wages and services
  while the money lasts (¶4); escalate after defeats (¶6); build up distant provinces when the
  odds are good (¶3); seek or accept AQ's terms only when desperate (¶2, ¶5); break away again
  when autonomy and strain allow (¶5).
- **al-Qaeda**: grow resilient franchises and embed with aggrieved locals (¶3, ¶9); welcome
  defectors, above all where it has no affiliate, as in Iraq (¶4); open talks when IS is much
  the weaker (¶2); offer little autonomy and enforce discipline (¶5).
- **Coalition**: press IS first, with air power where IS holds ground and counter-finance while
  the oil lasts (¶3, ¶4); hunt the leadership when intelligence is good (¶8); press for faithful
  reform and stabilise what was retaken (¶9, ¶10).
- **Local Governments**: retake ground (¶3, ¶4), then choose between crackdown and reform,
  faithful or on paper (¶9), and reconstruct (¶10).

A *posture* (cautious, standard, aggressive) shifts the thresholds: a cautious cell keeps money
in reserve and takes fewer risks, an aggressive one spends everything and goes for the bold
orders. The :class:`Doctrine` also holds knobs the claims experiments turn one at a time (the
autonomy AQ offers, the governments' reform policy, whether the coalition presses IS...).

In a seat list, ``doctrine:mixed`` draws a posture for each game and each seat from the game's
seed (:func:`mixed_posture`), so a table of mixed postures is the same table whenever the same
seed is played.
"""

from __future__ import annotations

import math

import attrs
from attrs import frozen

from wargame.bots.bot import bot_roll

POSTURES = ("cautious", "standard", "aggressive")
"""How hard a doctrine bot plays its cell's strategy; a facilitator picks one per seat."""

REFORM_POLICIES = ("faithful", "cosmetic", "crackdown", "none")


def mixed_posture(seed: int, seat: str) -> str:
    """The posture ``doctrine:mixed`` plays in ``seat`` of the game with ``seed``: drawn from a
    generator of its own keyed by (seed, seat), never the game's dice nor ``random``'s."""
    return POSTURES[math.floor(bot_roll(seed, 0, seat, "posture") * len(POSTURES))]


@frozen
class Doctrine:
    """How a doctrine bot plays: a posture, and the knobs an experiment or a facilitator may set.

    ``None`` means "as the doctrine and posture decide"."""

    posture: str = attrs.field(default="standard", validator=attrs.validators.in_(POSTURES))
    # AQ: the autonomy it offers IS in talks (0..3); by default little (¶5).
    autonomy: int | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.in_(range(4))))
    # AQ: whether it opens its doors to defectors (¶4).
    welcome: bool = True
    # Governments: "faithful", "cosmetic", "crackdown" or "none" (¶9); by default by posture.
    reform: str | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.in_(REFORM_POLICIES)))
    # Coalition: whether it brings military and financial pressure to bear on IS (¶3, ¶4).
    press_is: bool = True
    # Coalition: whether it hunts IS's leadership when intelligence allows (¶8).
    hunt: bool = True
    # Coalition: whether it presses governments for faithful reform (¶9, ¶10).
    press_reform: bool = True

    @property
    def boldness(self) -> int:
        """0 cautious, 1 standard, 2 aggressive."""
        return POSTURES.index(self.posture)

    def reform_policy(self) -> str:
        if self.reform is not None:
            return self.reform
        # A cautious government announces reform it need not carry out; a standard one carries
        # it out; an aggressive one reaches for security first (¶9).
        return ("cosmetic", "faithful", "crackdown")[self.boldness]
