"""A game's secret is too large to search: every roll a seat is shown is a function of it, so a
cell that could try every secret would know every die. A fresh secret has 63 bits."""

from __future__ import annotations

import re

from tests.bounded import in_process
from wargame.engine.dice import fresh_seed


def test_a_fresh_secret_is_a_63_bit_number_a_save_can_keep() -> None:
    seeds = [fresh_seed() for _ in range(64)]
    assert all(0 <= s < 2**63 for s in seeds) and len(set(seeds)) == 64
    assert max(seeds) >= 2**56  # (all 64 below 2**56 would happen once in 2**448 tries)


def test_a_game_started_without_a_seed_gets_a_fresh_63_bit_one() -> None:
    done = in_process(["play", "--headless", "--seats", "all=bot", "--turns", "1"])
    seed = int(re.search(r"; seed (\d+);", done.out).group(1))
    assert done.code == 0 and 0 <= seed < 2**63
    assert seed.bit_length() > 32  # (a 63-bit draw is this small once in 2**30; the old 24-bit seeds always were)
