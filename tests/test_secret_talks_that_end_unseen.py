"""Secret AQ-IS talks that end without ever coming to light leave no trace in an outsider's debrief.

A tester found the coalition's log and report telling of talks that had opened in secret and
collapsed, still secret, four turns later: the step that ended them was no longer secret
afterwards, so the debrief lifted the secrecy of all its records, the collapse and the terms
refused among them ("Ego breaks the talks ... AQ-IS relation talks→rivalry", and a turning point
"the AQ-IS relation moved from talks to rivalry"). These tests play doctrine games until one has
both kinds of talks: some that end unseen, whose every record stays out of the coalition's and
the governments' outputs (the log, the report in each format) while the facilitator and the two
groups still see them; and some that come to light, which the outsiders are still told of.
"""

from __future__ import annotations

import csv
import html
import io
import json

import attrs
import pytest
from attrs import frozen

from tests.filecases import make_cli
from wargame.bots.play import bots_for
from wargame.engine.adjudication import Adjudication
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, State
from wargame.engine.shown import TALK_TRACKS, talks_hidden_flags
from wargame.engine.turn import new_game
from wargame.engine.view import TALK_REFS, talks_secret, view
from wargame.record import debrief, fog
from wargame.record.game import Game, Header, play_bots
from wargame.record.save import document, write_save

OUTSIDERS = ("coalition", "governments")
INSIDERS = ("is", "aq", "white")
STAMP = "2026-01-01T00:00:00Z"
SEEDS = range(40)  # doctrine bots roll keyed dice: which seeds talk is found by playing them


@frozen
class Talks:
    """One spell of secret talks: the steps from the one that opened them to the one after which
    they were no longer secret, the records (as the engine made them) that fell while they were
    secret and spoke of them, and whether they came to light (else they ended unseen)."""

    steps: tuple[int, ...]
    records: tuple[Adjudication, ...]
    came_to_light: bool

    @property
    def turns(self) -> tuple[int, ...]:
        return tuple(sorted({r.turn for r in self.records}))


def key(r: Adjudication) -> tuple:
    """A record's identity: records are rendered anew for each seat, so not compared as objects."""
    return (r.turn, r.phase, r.kind, r.ref, r.theatre, r.offshoot, r.cell)


def of_the_talks(r: Adjudication) -> bool:
    """Does the record speak of the talks: one of their rules or orders, or a change to them?"""
    return r.ref in TALK_REFS or any(n in TALK_TRACKS for n, _, _ in r.changes)


def secret_records(before: State, records: tuple[Adjudication, ...]) -> list[Adjudication]:
    """The records of one step, begun on ``before``, that fall while the talks are secret (before
    or after the record) and speak of them: stated here, record by record, apart from the code."""
    stage, known = before.relation.stage, before.relation.known
    out = []
    for r in records:
        secret_before = stage == 1 and not known
        changes = {n: b for n, _, b in r.changes}
        stage, known = changes.get("relation_stage", stage), changes.get("relation_known", known)
        if (secret_before or (stage == 1 and not known)) and of_the_talks(r):
            out.append(r)
    return out


def spells(game: Game) -> list[Talks]:
    """Every spell of secret talks in the game that ended, one way or the other."""
    out: list[Talks] = []
    steps: list[int] = []
    for i, step in enumerate(game.steps):
        secret = talks_secret(step.state)
        if secret or steps:
            steps.append(i)
        if steps and not secret:
            records = [r for j in steps for r in secret_records(fog.state_before(game, j), game.steps[j].records)]
            out.append(Talks(tuple(steps), tuple(records), step.state.relation.stage in (1, 2, 3)))
            steps = []
    return out


def doctrine_game(rulebook, seed: int) -> Game:
    """A whole spring-2016 game of doctrine bots, as the log of commands it makes (as ``wargame
    play --headless --seats all=doctrine`` plays it)."""
    game = Game(rulebook, Header("spring-2016", seed, {c: "doctrine" for c in CELLS}, "Unseen talks", f"talks-{seed}"))
    bots = bots_for({c: "doctrine" for c in CELLS}, seed, rulebook)

    def chooser(cell):
        return lambda s: bots[cell].choose(view(s, cell), lambda p: legal_orders(rulebook, s, cell, p),
                                           rulebook.max_orders).orders

    play_bots(game, {c: chooser(c) for c in CELLS})
    return game


@pytest.fixture(scope="module")
def talked(rulebook) -> tuple[Game, Talks, Talks]:
    """The first game over ``SEEDS`` with talks that ended unseen and talks that came to light:
    (the game, the talks that ended unseen, the talks that came to light)."""
    for seed in SEEDS:
        game = doctrine_game(rulebook, seed)
        found = spells(game)
        unseen = [t for t in found if not t.came_to_light and t.records]
        lit = [t for t in found if t.came_to_light and t.records]
        if unseen and lit:
            return game, unseen[0], lit[0]
    raise AssertionError(f"no game over seeds {SEEDS} has both kinds of talks: the tests would prove nothing")


@pytest.fixture(scope="module")
def made() -> dict[str, dict[str, str]]:
    """The outputs, once made (``outputs`` needs the function-scoped capsys to make them)."""
    return {}


@pytest.fixture
def outputs(talked, made, capsys, monkeypatch, rulebook, tmp_path):
    """Every per-seat output of the game's save, by the ``wargame`` command in this process:
    {seat: {format: text}} for the outsiders and the facilitator."""
    if made:
        return made
    game = talked[0]
    path = tmp_path / "talks.json"
    write_save(path, document(game, STAMP, STAMP))
    wargame = make_cli(capsys, monkeypatch, rulebook)
    out: dict[str, dict[str, str]] = {}
    for seat in OUTSIDERS + ("white",):
        who = ("--facilitator",) if seat == "white" else ("--seat", seat)
        got: dict[str, str] = {}
        for fmt in ("markdown", "json", "html"):
            odds = ("--odds", "0") if fmt != "json" else ()  # no bot games to compare with: not what is tested
            code, text, err = wargame("report", path, *who, "--format", fmt, *odds, "--out", "-")
            assert code == 0, err
            got[fmt] = text
        code, _, err = wargame("report", path, *who, "--format", "csv", "--out", tmp_path / f"{seat}.csv")
        assert code == 0, err
        stem = f"{seat}.{seat}" if seat != "white" else seat
        got["events"] = (tmp_path / f"{stem}.events.csv").read_text(encoding="utf-8")
        code, got["log"], err = wargame("replay", path, "--log", *who)
        assert code == 0, err
        out[seat] = got
    made.update(out)  # only once all are made: a failure here must not leave half of them
    return made


def log_turns(log: str) -> dict[int, str]:
    """A replayed log's lines, turn by turn."""
    out: dict[int, list[str]] = {}
    turn = 0
    for line in log.splitlines():
        if line.startswith("== Turn "):
            turn = int(line.split()[2])
        else:
            out.setdefault(turn, []).append(line)
    return {t: "\n".join(lines) for t, lines in out.items()}


def event_rows(got: dict[str, str]) -> list[dict]:
    """The event log of the JSON report and of the CSV export, as rows."""
    return json.loads(got["json"])["events"] + list(csv.DictReader(io.StringIO(got["events"])))


def relation_points(game: Game, seat: str, talks: Talks) -> list[debrief.TurningPoint]:
    """``seat``'s turning points that stand on a record of ``talks``."""
    keys = {key(r) for r in talks.records}
    return [p for p in debrief.turning_point_list(game, seat) if p.record is not None and key(p.record) in keys]


# --- talks that end unseen -----------------------------------------------------------------------


def test_talks_that_end_unseen_leave_no_record_for_the_outsiders_and_every_record_for_the_insiders(talked):
    game, unseen, _ = talked
    keys = {key(r) for r in unseen.records}
    ending = [r for r in unseen.records if any(c[:2] == ("relation_stage", 1) and c[2] != 1 for c in r.changes)]
    assert ending, "the talks did not end by a change of the relation: the test proves nothing"
    for seat in OUTSIDERS + (fog.ROOM,):
        shown = [r for rs in fog.seat_records(game, seat).values() for r in rs]
        assert not [r.title for r in shown if key(r) in keys], seat
        assert not [r for r in shown if r.turn in unseen.turns and ("relation_stage", 1, 0) in r.changes], seat
    for seat in INSIDERS:
        shown = {key(r) for rs in fog.seat_records(game, seat).values() for r in rs}
        assert keys <= shown, seat


def test_talks_that_end_unseen_are_in_no_outsiders_log_or_report(talked, outputs):
    game, unseen, _ = talked
    titles = {r.title for r in unseen.records}
    refs = {r.ref for r in unseen.records}
    stage = game.rulebook.title("relation_stage")
    points = relation_points(game, "white", unseen)
    assert points, "the facilitator has no turning point of the talks: the test proves nothing"
    for seat in OUTSIDERS:
        got = outputs[seat]
        turns = log_turns(got["log"])
        for t in unseen.turns:
            said = turns.get(t, "")
            assert not [title for title in titles if title in said], (seat, t, said)
            assert f"{stage} talks→rivalry" not in said, (seat, t)
        for row in event_rows(got):
            if int(row["turn"]) in unseen.turns:
                assert row["ref"] not in refs, (seat, row)
                assert "relation_stage 1->0" not in row["changes"], (seat, row)
        assert not relation_points(game, seat, unseen)
        for p in points:
            assert p.text not in got["markdown"] and p.text not in got["json"], seat
            assert html.escape(p.text, quote=False) not in got["html"], seat
    # the facilitator's outputs tell all of it
    white = outputs["white"]
    turns = log_turns(white["log"])
    assert all(any(title in turns.get(t, "") for t in unseen.turns) for title in titles)
    assert any(int(row["turn"]) in unseen.turns and "relation_stage 1->0" in row["changes"]
               for row in event_rows(white))
    assert all(p.text in white["markdown"] for p in points)


# --- talks that came to light (the control) ------------------------------------------------------


def test_talks_that_came_to_light_are_told_to_the_outsiders(talked, outputs):
    game, _, lit = talked
    # the talks' own rules and orders (the relation's clock is never told to an outsider: it
    # prints how long the stage has lasted, which an outsider has no picture of)
    keys = {key(r) for r in lit.records if r.ref in TALK_REFS}
    opened = next(r for r in lit.records if ("relation_stage", 0, 1) in r.changes)
    for seat in OUTSIDERS:
        shown = {key(r) for rs in fog.seat_records(game, seat).values() for r in rs}
        # in a debrief, the talks' records come to light with them, from the one that opened them
        assert keys <= shown, seat
        said = log_turns(outputs[seat]["log"]).get(opened.turn, "")
        assert opened.title in said, seat
        points = relation_points(game, seat, lit)
        assert points and all(p.text in outputs[seat]["markdown"] for p in points), seat



# --- the rule itself -----------------------------------------------------------------------------


def test_a_later_revelation_lifts_only_the_talks_still_open_at_the_end_of_the_step(rulebook):
    # Within one step, talks end in secret, reopen, and the coalition learns of the new ones: in
    # a debrief the new talks come to light, the ones that ended unseen stay hidden.
    state = new_game(rulebook, "spring-2016", 4)
    secret = attrs.evolve(state, relation=attrs.evolve(state.relation, stage=1, known=0))

    def rule(ref: str, *changes: tuple[str, int, int]) -> Adjudication:
        return Adjudication(turn=1, phase="dynamics", kind="rule", ref=ref, title=ref, cites=(2,), changes=changes)

    records = [rule("is.accept_terms"), rule("c1.talks-collapse", ("relation_stage", 1, 0)),
               rule("c1.talks-open", ("relation_stage", 0, 1)), rule("c1.talks-revealed", ("relation_known", 0, 1))]
    assert talks_hidden_flags(secret, records) == [True, True, True, False]
    assert talks_hidden_flags(secret, records, came_to_light=True) == [True, True, False, False]
    # talks that stay secret to the end of the step and came to light later: none of it hidden
    assert talks_hidden_flags(secret, records[:1], came_to_light=True) == [False]
