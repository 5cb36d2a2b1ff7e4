"""The batch engine: thousands of games of the scalar engine (:mod:`wargame.engine`) played in
lockstep as NumPy arrays, bit for bit the same games (``tests/test_batch_equal.py``).

:class:`~wargame.batch.game.BatchGame` is the entry point; :mod:`wargame.batch.dice` the keyed dice
over ``uint64`` lanes; :mod:`wargame.batch.compile` the rulebook's expressions as array operations.
"""

from wargame.batch.game import BatchGame

__all__ = ["BatchGame"]
