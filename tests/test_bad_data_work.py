"""Bad data, kind 6: the work a rulebook can cause in a turn is bounded, and checked at load. A deck
of thousands of never-eligible cards, a rule with hundreds of ``draw(...)`` effects, too many
rules, effects or requirements, or a rulebook within every one of those limits whose worst turn
would still take too many evaluations, is refused in one line naming the limit, exit 3. And the
count the loader makes is a true bound: no turn the engine plays takes more.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.bounded import bounded, copy_rulebook, fewer, files, in_process, one_line, written
from wargame.engine import board as board_module
from wargame.engine import resolver as resolver_module
from wargame.engine.legality import legal_orders
from wargame.engine.limits import (
    MAX_CARDS,
    MAX_DRAWS,
    MAX_EFFECTS,
    MAX_FORMULAS,
    MAX_OBJECTIVES,
    MAX_ORDERS,
    MAX_PARAMETERS,
    MAX_REQUIRES,
    MAX_RULES,
    MAX_SCENARIOS,
    MAX_WORK,
)
from wargame.engine.model import CELLS
from wargame.engine.position import scores
from wargame.engine.reading import RulebookError
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import begin_turn, new_game, resolve_turn
from wargame.engine.work import work_per_turn


def deck(n: int, when: str = "is_funds > 20", deck_id: str = "never") -> str:
    """A deck of ``n`` cards; by default none is ever eligible (is_funds is at most 20)."""
    cards = "".join(f'[[card]]\nid = "{deck_id}-{i}"\ntitle = "Card {i}"\ntext = "Nothing (¶3)."\ncites = [3]\n'
                    f'when = "{when}"\neffects = ["is_funds += 1"]\n' for i in range(n))
    return f'[deck]\nid = "{deck_id}"\ncites = [3]\n\n' + cards


def rule(rule_id: str = "t.draws", scope: str = "global", effects: list[str] | None = None, phase: str = "events",
         when: str | None = None) -> str:
    effects = effects if effects is not None else ['draw("never")']
    quoted = ", ".join("'" + e + "'" for e in effects)
    extra = f'when = "{when}"\n' if when else ""
    return (f'[[rule]]\nid = "{rule_id}"\ntitle = "Test"\ncites = [4]\nclaim = "x"\nphase = "{phase}"\n'
            f'scope = "{scope}"\n{extra}effects = [{quoted}]\nexplain = ""\n')


def check(rules: Path, decks: Path):
    return in_process(["--rules", rules, "--decks", decks, "check"])


# --- the limits ---------------------------------------------------------------------------------------


@fewer(4)
@given(n=st.integers(MAX_CARDS + 1, 3000))
@example(n=MAX_CARDS + 1)
def test_a_deck_of_too_many_cards_is_refused_before_they_are_read(book, n):
    base, rules, decks = book
    with written(decks / "never.toml", deck(n), append=False) as path:
        line = one_line(check(rules, decks), 3, str(path), f"limit of {MAX_CARDS}")
        assert f"{n} [[card]]" in line


def test_a_deck_of_thousands_of_cards_is_refused_in_bounded_time_and_memory(tmp_path):
    rules, decks = copy_rulebook(tmp_path)
    (decks / "never.toml").write_text(deck(14_000), encoding="utf-8")  # just under the 2,000,000 bytes of a file
    with (rules / "adjudication.toml").open("a", encoding="utf-8") as f:
        f.write("\n" + rule(effects=['draw("never")'] * 300) + "\n")
    before = files(tmp_path)
    done = bounded(["--rules", rules, "--decks", decks, "check"], tmp_path, timeout=60, memory=1024 * 2**20)
    # refused as a file of too many values (the first stage) or a deck of too many cards
    one_line(done, 3, str(decks / "never.toml"), "limit")
    assert files(tmp_path) == before


@fewer(4)
@given(draws=st.integers(MAX_DRAWS + 1, 600), scope=st.sampled_from(["global", "theatre", "offshoot"]))
@example(draws=MAX_DRAWS + 1, scope="global")
@example(draws=300, scope="theatre")
def test_a_rule_with_too_many_draws_is_refused(book, draws, scope):
    base, rules, decks = book
    with (written(decks / "never.toml", deck(3), append=False),
          written(rules / "adjudication.toml", rule(scope=scope, effects=['draw("never")'] * draws)) as path):
        limit = f"limit of {MAX_EFFECTS}" if draws > MAX_EFFECTS else f"limit of {MAX_DRAWS}"
        one_line(check(rules, decks), 3, str(path), "rule t.draws", limit)


@fewer(4)
@given(n=st.integers(MAX_EFFECTS + 1, 2000))
def test_an_entry_with_too_many_effects_is_refused(book, n):
    base, rules, decks = book
    with written(rules / "adjudication.toml", rule(effects=["is_funds += 1"] * n)) as path:
        one_line(check(rules, decks), 3, str(path), f"{n} effects", f"limit of {MAX_EFFECTS}")


def test_an_order_with_too_many_draws_or_requirements_is_refused(book):
    base, rules, decks = book
    head = ('[[order]]\nid = "is.t_many"\ncell = "is"\ntitle = "T"\ntext = "T"\ncites = [4]\ncost = 0\n'
            'explain = "Done."\n')
    draws = head + "success = [" + ", ".join(["'draw(\"reform\")'"] * (MAX_DRAWS + 1)) + "]\n"
    requires = head + 'success = ["is_funds += 0"]\nrequires = [' + ", ".join(
        ['{ when = "is_funds >= 0", reason = "r" }'] * (MAX_REQUIRES + 1)) + "]\n"
    for text, limit in ((draws, f"limit of {MAX_DRAWS}"), (requires, f"limit of {MAX_REQUIRES}")):
        with written(rules / "orders.toml", text) as path:
            one_line(check(rules, decks), 3, str(path), "order is.t_many", limit)


def _many(what: str, n: int) -> tuple[str, str, bool]:
    """(file, text, whether it replaces the file) with ``n`` entries of a kind."""
    if what == "rule":
        return "rules/adjudication.toml", "".join(rule(rule_id=f"t.r{i}", effects=["is_funds += 0"]) for i in range(n)), True
    if what == "order":
        return "rules/orders.toml", "".join(
            f'[[order]]\nid = "is.t{i}"\ncell = "is"\ntitle = "T"\ntext = "T"\ncites = [4]\ncost = 0\n'
            f'success = ["is_funds += 0"]\nexplain = ""\n' for i in range(n)), True
    if what == "objective":
        return "rules/objectives.toml", "".join(
            f'[[objective]]\nid = "t.o{i}"\ncell = "is"\ntitle = "T"\ntext = "T"\ncites = [3]\npoints = 1\n'
            f'score = "1"\n' for i in range(n)), True
    if what == "scenario":
        return "rules/scenarios.toml", "".join(f'[scenario.s{i}]\nbased_on = "spring-2016"\n' for i in range(n)), False
    if what == "parameter":
        return "rules/parameters.toml", "", False
    raise ValueError(what)


@pytest.mark.parametrize("what, limit", [("rule", MAX_RULES), ("order", MAX_ORDERS), ("objective", MAX_OBJECTIVES),
                                         ("scenario", MAX_SCENARIOS), ("parameter", MAX_PARAMETERS),
                                         ("formula", MAX_FORMULAS)])
def test_too_many_entries_are_refused_at_once_in_one_line(book, what, limit):
    base, rules, decks = book
    if what in ("parameter", "formula"):
        path = rules / "parameters.toml"
        text = path.read_text(encoding="utf-8")
        table = "[parameters]\n" if what == "parameter" else "[formulas]\n"
        extra = "".join(f'zz_{what}_{i} = {"1" if what == "parameter" else chr(34) + "1" + chr(34)}\n'
                        for i in range(limit + 1))
        with written(path, text.replace(table, table + extra, 1), append=False):
            one_line(check(rules, decks), 3, str(path), f"more than the limit of {limit}")
        return
    name, text, append = _many(what, limit + 1 - (len(load_rulebook(rules, decks).scenarios) if what == "scenario" else 0))
    with written(base / name, text, append=not append):
        one_line(check(rules, decks), 3, str(base / name), f"more than the limit of {limit}")


@fewer(5)
@given(cards=st.integers(20, MAX_CARDS), draws=st.integers(1, MAX_DRAWS), scope=st.sampled_from(["theatre", "offshoot"]),
       rules_n=st.integers(1, 4))
@example(cards=MAX_CARDS, draws=MAX_DRAWS, scope="theatre", rules_n=1)
def test_a_rulebook_within_every_limit_but_too_slow_a_turn_is_refused(book, cards, draws, scope, rules_n):
    base, rules, decks = book
    extra = "".join(rule(rule_id=f"t.d{i}", scope=scope, effects=['draw("never")'] * draws) for i in range(rules_n))
    with written(decks / "never.toml", deck(cards), append=False), written(rules / "adjudication.toml", extra):
        done = check(rules, decks)
        try:
            work, _ = work_per_turn(load_rulebook(rules, decks))
        except RulebookError:
            work = None
        if done.code == 0:
            assert work is not None and work <= MAX_WORK
        else:
            line = one_line(done, 3, str(rules), f"limit of {MAX_WORK:,}", "evaluations")
            assert "(the most: rule t.d" in line


# --- the count is a true bound ------------------------------------------------------------------------


class Counter:
    """Counts the engine's work as work_per_turn does: each expression of a rule, order, card or
    objective worked out, each record written, and for each time the totals are brought up to
    date one a formula, a theatre and an offshoot."""

    def __init__(self, rulebook, monkeypatch):
        self.n = 0
        real_refresh = board_module.Board.refresh
        real_record = resolver_module.Resolver.record

        def refresh(board) -> None:
            self.n += len(board.formulas) + len(board.theatres) + len(board.offshoots)
            real_refresh(board)

        def record(resolver, *args, **kwargs) -> None:
            self.n += 1
            real_record(resolver, *args, **kwargs)

        monkeypatch.setattr(board_module.Board, "refresh", refresh)
        monkeypatch.setattr(resolver_module.Resolver, "record", record)
        exprs = []
        for r in rulebook.rules:
            exprs += [r.when, r.chance, *(a for e in r.effects for a in e.args if hasattr(a, "fn"))]
        for o in rulebook.orders:
            exprs += [o.chance, *(q.when for q in o.requires)]
            exprs += [a for e in o.success + o.failure for a in e.args if hasattr(a, "fn")]
        for c in rulebook.cards.values():
            exprs += [c.when, *(a for e in c.effects for a in e.args if hasattr(a, "fn"))]
        exprs += [o.score for o in rulebook.objectives]
        for expr in {id(e): e for e in exprs if e is not None}.values():
            expr.fn = self.counted(expr.fn)

    def counted(self, fn):
        def run(G, T, O):
            self.n += 1
            return fn(G, T, O)

        return run


def play_counted(rulebook, seed: int, turns: int, monkeypatch) -> list[int]:
    """The work of each turn, as counted: the events, the legal orders, the resolution and the scores."""
    counter = Counter(rulebook, monkeypatch)
    rng = random.Random(seed)
    state = new_game(rulebook, "spring-2016", seed)
    out = []
    for _ in range(turns):
        if state.over:
            break
        counter.n = 0
        state = begin_turn(rulebook, state).state
        orders = {}
        for cell in CELLS:
            mine = []
            for _ in range(rulebook.max_orders):
                legal = legal_orders(rulebook, state, cell, mine)
                if not legal:
                    break
                mine.append(rng.choice(legal))
            orders[cell] = mine
        state = resolve_turn(rulebook, state, orders).state
        scores(rulebook, state)
        out.append(counter.n)
    return out


def test_the_shipped_rulebooks_turns_stay_within_its_count(rulebook, monkeypatch):
    bound, _ = work_per_turn(rulebook)
    assert bound <= MAX_WORK
    fresh = load_rulebook()  # its expressions are wrapped to count them: not the shared one
    work = play_counted(fresh, 5, 6, monkeypatch)
    assert work and max(work) <= bound, (work, bound)


@fewer(4)
@given(cards=st.integers(1, MAX_CARDS), eligible=st.sampled_from(["is_funds > 20", "is_funds >= 0", "grievance > 4"]),
       draws=st.integers(0, MAX_DRAWS), scope=st.sampled_from(["global", "theatre"]),
       phase=st.sampled_from(["events", "dynamics"]), seed=st.integers(0, 2**16))
def test_no_turn_takes_more_work_than_the_loader_counted(book, cards, eligible, draws, scope, phase, seed):
    base, rules, decks = book
    theatre_card = eligible == "grievance > 4"
    text = deck(cards, eligible)
    if theatre_card:
        text = text.replace('cites = [3]\nwhen', 'cites = [3]\ntheatre = "iraq"\nwhen')
    extra = rule(scope=scope, phase=phase, effects=['draw("never")'] * draws + ["is_funds += 1"])
    with written(decks / "never.toml", text, append=False), written(rules / "adjudication.toml", extra):
        try:
            rb = load_rulebook(rules, decks)
        except RulebookError as e:
            assert len(e.problems) == 1 and f"limit of {MAX_WORK:,}" in e.problems[0]
            return
    bound, _ = work_per_turn(rb)
    with pytest.MonkeyPatch.context() as mp:
        work = play_counted(rb, seed, 2, mp)
    assert max(work) <= bound, (work, bound)


def test_a_rulebook_at_the_limit_plays_within_bounded_time_and_memory(tmp_path):
    """The most a rulebook may ask, played: a few turns in a process bounded in memory and time."""
    rules, decks = copy_rulebook(tmp_path)
    (decks / "never.toml").write_text(deck(MAX_CARDS), encoding="utf-8")
    with (rules / "adjudication.toml").open("a", encoding="utf-8") as f:
        f.write("\n" + rule(effects=['draw("never")'] * MAX_DRAWS) + "\n")
        f.write("\n" + rule(rule_id="t.draws2", phase="dynamics", effects=['draw("never")'] * MAX_DRAWS) + "\n")
    rb = load_rulebook(rules, decks)
    assert MAX_WORK // 2 < work_per_turn(rb)[0] <= MAX_WORK
    done = bounded(["--rules", rules, "--decks", decks, "play", "--headless", "--seats", "all=bot", "--seed", "2",
                    "--scenario", "exercise", "--turns", "3"], tmp_path, timeout=120, memory=1024 * 2**20)
    assert done.code == 0 and "Traceback" not in done.err, done.err[-2000:]
