"""A load test of ``wargame serve`` (``make load``, outside CI): many exercises at once on localhost.

One server process runs EXERCISES exercises (one :class:`~wargame.net.server.ExerciseServer`, an
asyncio websocket server, per exercise, all in one event loop); this process connects five clients
to each (the four cells, each giving one random legal order or none each turn, and the White Cell)
and plays TURNS turns. It prints the time from the last order of a turn (the last cell's
``give_orders`` sent) to each client's receipt of that turn's ``results`` (median and 95th
percentile, ms; and to the last of the exercise's five clients), and the server process's peak
memory (``resource.getrusage`` ``ru_maxrss``). The clients share one event loop, so the times
include their own reading of the messages.

    .venv/bin/python scripts/load.py [--exercises 20] [--turns 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict

from websockets.asyncio.client import connect

from wargame.engine.model import CELLS
from wargame.net.server import WHITE

TIMEOUT = 60.0


def _message(kind: str, **fields) -> str:
    return json.dumps({"v": 1, "type": kind, **fields})


# --- the server process ------------------------------------------------------------------------


async def serve(exercises: int, seed: int) -> None:
    """Start the exercises, print their ports and codes (one JSON line), serve until stdin closes
    or says stop, then print the peak memory (one JSON line)."""
    from wargame.engine.rulebook import load_rulebook
    from wargame.net.server import ExerciseServer
    from wargame.table.session import Session

    rulebook = load_rulebook()
    servers = [ExerciseServer(Session.new(rulebook, "exercise", seed + i, dict.fromkeys(CELLS, "human")))
               for i in range(exercises)]
    for server in servers:
        await server.start()
    print(json.dumps([{"port": s.port, "codes": s.codes} for s in servers]), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for server in servers:
        await server.close()
    print(json.dumps({"maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True)


# --- the clients -------------------------------------------------------------------------------


class Timings:
    def __init__(self) -> None:
        self.last_order: dict[tuple[int, int], float] = {}  # (exercise, turn) -> the last give_orders sent
        self.received: dict[tuple[int, int], list[float]] = defaultdict(list)  # -> each client's receipt of its results


async def seat(ex: int, port: int, code: str, name: str, turns: int, rng: random.Random, t: Timings) -> None:
    """One client: join, and for TURNS turns give orders (a cell) and note when the results come."""
    async with connect(f"ws://127.0.0.1:{port}", max_size=None) as ws:
        await ws.send(_message("join", code=code))
        first_turn: int | None = None
        turn: int | None = None
        given: int | None = None
        welcomed = False  # between the welcome and its awaiting: the results there are the turn so far
        while True:
            m = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
            now = time.perf_counter()
            kind = m["type"]
            if kind == "results" and not welcomed and turn is not None:
                t.received[(ex, turn)].append(now)  # the resolution of the turn under way (no rulings here)
            elif kind == "awaiting":
                welcomed = False
            if kind in ("welcome", "view"):
                welcomed = kind == "welcome"
                turn = m["view"]["turn"]
                if first_turn is None:
                    first_turn = turn
                if m["view"]["phase"] == "over" or turn >= first_turn + turns:
                    return
                if m["view"]["phase"] != "orders":  # the turn's results, while the White Cell reviews them
                    continue
                if name != WHITE and given != turn:
                    menu = m.get("orders", [])
                    picked = [] if not menu or rng.random() < 0.2 else [rng.choice(menu)]
                    await ws.send(_message("give_orders", orders=[{"kind": o["kind"], "theatre": o["theatre"]} for o in picked]))
                    key = (ex, turn)
                    t.last_order[key] = max(t.last_order.get(key, 0.0), time.perf_counter())
                    given = turn
            elif kind == "review" and name == WHITE:  # the White Cell starts the next turn at once
                await ws.send(_message("next_turn"))
            elif kind == "error":
                raise RuntimeError(f"exercise {ex}, {name}: {m['reason']}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def drive(exercises: list[dict], turns: int, seed: int) -> Timings:
    t = Timings()
    rng = random.Random(seed)
    tasks = []
    for ex, e in enumerate(exercises):
        for name in CELLS + (WHITE,):
            tasks.append(seat(ex, e["port"], e["codes"][name], name, turns, random.Random(rng.random()), t))
    await asyncio.gather(*tasks)
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", type=int, default=20)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the server process
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(serve(args.exercises, args.seed))
        return 0
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--exercises", str(args.exercises), "--seed", str(args.seed)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdin is not None and server.stdout is not None
    try:
        exercises = json.loads(server.stdout.readline())
        started = time.perf_counter()
        t = asyncio.run(drive(exercises, args.turns, args.seed))
        took = time.perf_counter() - started
        server.stdin.write("stop\n")
        server.stdin.flush()
        peak = json.loads(server.stdout.readline())["maxrss_kib"]
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    each = [(r - t.last_order[key]) * 1000 for key, times in t.received.items() for r in times]
    every = [(max(times) - t.last_order[key]) * 1000 for key, times in t.received.items()]
    print(f"{args.exercises} exercises x 5 clients, {args.turns} turns each, in {took:.2f} s on localhost")
    print(f"last order -> a client's results:  median {statistics.median(each):.1f} ms, "
          f"95th percentile {percentile(each, 0.95):.1f} ms ({len(each)} receipts)")
    print(f"last order -> all 5 clients' results: median {statistics.median(every):.1f} ms, "
          f"95th percentile {percentile(every, 0.95):.1f} ms ({len(every)} turns)")
    print(f"server peak memory (ru_maxrss): {peak / 1024:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
