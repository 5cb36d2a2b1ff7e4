"""Fog of war that holds in the exports, and a White Cell the room can trust.

A report or a log is written for one seat: a cell's debrief handout holds only what that cell may
see (the others' secret tracks as its estimates, never the seed), the facilitator's holds
everything. The White Cell's injects, set tracks and overridden results are announced, a secret
one only to the cells it concerns; its passphrase is kept only as a salted hash.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.filecases import make_cli
from wargame.engine.model import CELLS
from wargame.engine.view import OWNER, view
from wargame.record import debrief, fog, report
from wargame.record.commands import InjectCard, OverrideResult, SetTrack
from wargame.record.document import SaveError, parse_document
from wargame.record.game import Game, Header, play_bots
from wargame.record.load import load, read_document
from wargame.record.lock import check_lock, make_lock
from wargame.record.save import document, dumps, write_save
from wargame.table.examples import random_choosers, shipped
from wargame.table.session import Session

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "save-v1.json"
SEED = 8071926354  # ten digits: they appear nowhere by chance
SECRET_FUNDS_WHY = "a donor network seized, told to IS alone"
STAMP = "2026-01-01T00:00:00Z"


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    """The ``wargame`` command in this process, as at a terminal: (exit code, stdout, stderr)."""
    return make_cli(capsys, monkeypatch, rulebook)


def facilitated(rulebook, turns_after: int = 1) -> Game:
    """Two turns of random bots; a result of turn 2 overridden; IS's funds set in secret; the
    coalition's will set in the open; a card injected; then ``turns_after`` more turns."""
    game = Game(rulebook, Header("exercise", SEED, {c: "random" for c in CELLS}, "Fog", "fog"))
    choose = random_choosers(rulebook, SEED)
    play_bots(game, choose, 2)
    flip = next(r for r in game.records(2) if r.kind == "order" and r.chance is not None)
    game.override(flip.ref, flip.where, not flip.happened, "the umpire's ruling")
    funds = game.state.islamic_state.funds
    game.set_track("is_funds", 2 if funds != 2 else 3, SECRET_FUNDS_WHY, secret=True)
    will = game.state.coalition.will
    game.set_track("coalition_will", will + 1 if will < 10 else will - 1, "a new administration recommits")
    game.inject(next(iter(rulebook.cards)), "the exercise plan")
    play_bots(game, choose, turns_after)
    return game


@pytest.fixture
def saved(rulebook, tmp_path) -> tuple[Path, Game]:
    game = facilitated(rulebook)
    path = tmp_path / "fog.json"
    write_save(path, document(game, STAMP, STAMP))
    return path, game


def one_line(text: str) -> str:
    text = text.strip()
    assert text and "\n" not in text and "Traceback" not in text, text
    return text


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


# --- whose export --------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [("report", "{save}"), ("report", "{save}", "--format", "json"),
                                  ("report", "{save}", "--format", "csv", "--out", "-"),
                                  ("replay", "{save}", "--log"), ("replay", "{save}")])
def test_a_report_or_a_log_must_say_whose_it_is_or_is_refused(wargame, saved, argv) -> None:
    path, _ = saved
    before = files(path.parent)
    code, out, err = wargame(*[a.format(save=path) for a in argv])
    line = one_line(err)
    assert code == 2 and "--seat CELL" in line and "--facilitator" in line
    assert out == "" and files(path.parent) == before


def test_a_seat_and_the_facilitator_together_are_refused(wargame, saved) -> None:
    path, _ = saved
    code, out, err = wargame("report", path, "--seat", "is", "--facilitator")
    assert code == 2 and one_line(err)
    code, out, err = wargame("report", path, "--seat", "white")
    assert code == 2 and one_line(err)


# --- a cell's handout ----------------------------------------------------------------------------


def exports(wargame, path: Path, who: tuple[str, ...]) -> dict[str, str]:
    """Every export of the save for ``who`` (--seat CELL or --facilitator), as text (the HTML page
    as it is written: what it escapes, none of the texts looked for here holds)."""
    out: dict[str, str] = {}
    for fmt in ("markdown", "json", "html"):  # no odds: they are tested in tests/test_report_html.py
        code, text, err = wargame("report", path, *who, "--format", fmt, "--odds", "0", "--out", "-")
        assert code == 0, err
        out[fmt] = text
    code, _, err = wargame("report", path, *who, "--format", "csv", "--out", path.parent / "csv.csv")
    assert code == 0, err
    for part in ("tracks", "events"):
        out[part] = (path.parent / f"csv{'.' + who[1] if who[0] == '--seat' else ''}.{part}.csv").read_text(
            encoding="utf-8")
    code, text, err = wargame("replay", path, "--log", *who)
    assert code == 0, err
    out["log"] = text
    return out


@pytest.mark.parametrize("seat", CELLS)
def test_no_cell_export_holds_the_seed(wargame, saved, seat: str) -> None:
    path, _ = saved
    for kind, text in exports(wargame, path, ("--seat", seat)).items():
        assert str(SEED) not in text, f"the seed is in the {seat}'s {kind} export"
    assert "seed" not in json.loads(exports(wargame, path, ("--seat", seat))["json"])
    facilitator = exports(wargame, path, ("--facilitator",))
    assert f"seed {SEED}" in facilitator["markdown"] and json.loads(facilitator["json"])["seed"] == SEED


@pytest.mark.parametrize("seat", CELLS)
def test_a_cell_sees_the_others_secret_tracks_only_as_its_estimates(wargame, saved, rulebook, seat: str) -> None:
    path, game = saved
    got = exports(wargame, path, ("--seat", seat))
    rows = json.loads(got["json"])["tracks"]
    csv_rows = list(csv.DictReader(io.StringIO(got["tracks"])))
    states = dict(debrief.turn_states(game))
    others = [n for n in report.MAIN_TRACKS if OWNER.get(n) not in (None, seat)]
    assert others and rows and len(rows) == len(csv_rows) == len(states)
    hidden = 0
    for row, csv_row in zip(rows, csv_rows):
        state = states[row["turn"]]
        exact = {**{n: v for n, v in view(state, "white").tracks.items()}}
        seen = view(state, seat).tracks
        for name in others:
            assert str(row[name]) == str(seen[name]) == csv_row[name], (row["turn"], name)
            if not seen[name].exact:
                hidden += 1
                assert row[name] != exact[name].lo and re.fullmatch(r"\d+-\d+", row[name])
        assert "is_power" not in row and "aq_power" not in row  # made of secret tracks
    assert hidden, "no secret track of another cell was a range: the test proves nothing"
    # no result carries the numbers of another cell's secret track, in any format
    for event in json.loads(got["json"])["events"] + list(csv.DictReader(io.StringIO(got["events"]))):
        for change in filter(None, event["changes"].split("; ")):
            name = change.split(" ")[0]
            if OWNER.get(name) not in (None, seat):
                assert change == f"{name} changed", change
    for line in got["log"].splitlines() + got["markdown"].splitlines():
        for name in (n for n in OWNER if OWNER[n] != seat):
            # by its name, or by its title (rules/titles.toml), as the log and the report write it
            for said in (name, re.escape(rulebook.title(name))):
                assert not re.search(rf"\b{said} -?\d+ ?(→|->) ?-?\d+", line), line


def test_a_secret_set_track_reaches_only_its_owner(wargame, saved, rulebook) -> None:
    path, game = saved
    step = next(i for i, s in enumerate(game.steps) if isinstance(s.command, SetTrack) and s.command.secret)
    value = game.steps[step].command.value
    mine = f"White Cell: your {rulebook.title('is_funds')} were set to {value} — {SECRET_FUNDS_WHY}"
    assert fog.announcement(game, step, "is").text == mine
    assert all(fog.announcement(game, step, s) is None for s in ("aq", "coalition", "governments", fog.ROOM))
    assert "told only to the Islamic State" in fog.announcement(game, step, "white").text
    for seat in CELLS:
        got = exports(wargame, path, ("--seat", seat))
        for kind in ("markdown", "json", "html", "log"):
            if seat == "is":
                assert mine in got[kind], kind
            else:
                assert SECRET_FUNDS_WHY not in got[kind], f"{seat}'s {kind} knows of the secret set"
        if seat != "is":  # not even its record: "The facilitator changed is_funds"
            assert not any(e["kind"] == "override" and e["ref"] == "is_funds"
                           for e in json.loads(got["json"])["events"])
    assert SECRET_FUNDS_WHY in exports(wargame, path, ("--facilitator",))["markdown"]


def test_a_public_set_track_and_an_inject_are_announced_to_everyone(saved) -> None:
    _, game = saved
    steps = {type(s.command): i for i, s in enumerate(game.steps) if isinstance(s.command, (SetTrack, InjectCard))
             and not s.command.secret}
    c = game.steps[steps[SetTrack]].command
    card = game.rulebook.cards[game.steps[steps[InjectCard]].command.card]
    for seat in CELLS + (fog.ROOM,):
        assert fog.announcement(game, steps[SetTrack], seat).text == (
            f"White Cell: set {game.rulebook.title('coalition_will')} {c.original} → {c.value} — a new administration recommits")
        assert fog.announcement(game, steps[InjectCard], seat).text == (
            f"White Cell: injected {card.title} — the exercise plan")


def test_an_override_tells_the_room_what_its_ruling_changed(saved) -> None:
    _, game = saved
    i = next(k for k, s in enumerate(game.steps) if isinstance(s.command, OverrideResult))
    c = game.steps[i].command
    room = fog.announcement(game, i, fog.ROOM)
    flipped = next(r for r in game.steps[i].records if r.original is not None)
    title = next((t.title for t in game.steps[i].state.theatres if t.name == c.where), c.where)
    where = f" in {title}" if c.where else ""
    outcome = "it happened after all" if c.happened else "it did not happen after all"
    assert room.text == f"White Cell: overrode {flipped.title}{where}: {outcome} — the umpire's ruling"
    assert room.lines()[1].startswith("Changed by the White Cell's ruling: ")
    assert f"{flipped.title}{where}: {outcome}" in room.changed
    # the records the ruling changed, compared with the resolution it replaced, are marked
    before = fog.previous_resolution(game, i)
    assert before is not None and game.steps[before].command.turn == c.turn
    marked = [game.steps[i].records[k] for k in fog.ruled_records(game, i)]
    assert any(r.original is not None for r in marked)
    unmarked = [r for k, r in enumerate(game.steps[i].records) if k not in fog.ruled_records(game, i)]
    old = {(r.phase, r.ref, r.where, r.happened, r.changes) for r in game.steps[before].records}
    assert all((r.phase, r.ref, r.where, r.happened, r.changes) in old for r in unmarked)


def test_a_secret_override_reaches_only_the_cells_whose_picture_it_changed(rulebook) -> None:
    game = Game(rulebook, Header("exercise", SEED, {c: "random" for c in CELLS}, "Fog", "fog2"))
    play_bots(game, random_choosers(rulebook, SEED), 2)
    flip = next(r for r in game.records(2) if r.kind == "order" and r.chance is not None)
    game.override(flip.ref, flip.where, not flip.happened, "quietly", secret=True)
    i = len(game.steps) - 1
    told = fog.told(game, i)
    for seat in CELLS + (fog.ROOM,):
        if fog.ROOM not in told:  # the room noticed nothing: each cell is told if it noticed
            assert (seat in told) == bool(fog.ruling_changes(game, i, seat))
        assert (fog.announcement(game, i, seat) is None) == (seat not in told)


TALKS = ("c1.talks-revealed", "c1.talks-collapse", "aq.offer_strict", "aq.offer_limited", "aq.offer_wide",
         "aq.offer_free_hand", "is.accept_terms")


def test_secret_talks_stay_out_of_the_outsiders_handouts_until_they_come_to_light(rulebook) -> None:
    # the White Cell opens secret talks, in secret: only the two groups see the stage change
    # (a seed whose random bots go on to talk: found by playing, as the bots roll keyed dice)
    seed = SEED + 1
    game = Game(rulebook, Header("exercise", seed, {c: "random" for c in CELLS}, "Fog", "talks"))
    choose = random_choosers(rulebook, seed)
    play_bots(game, choose, 1)
    game.set_track("relation_stage", 1, "a back channel opens", secret=True)
    opened = len(game.steps) - 1
    assert fog.told(game, opened) == {"is", "aq"}
    play_bots(game, choose, 3)
    hidden = fog.talks_hidden(game)
    # records are rendered anew for each seat: find a record's step by what it is, not by identity
    def key(r):
        return (r.turn, r.phase, r.kind, r.ref, r.theatre, r.offshoot)

    in_force = game.in_force()
    step_of = {key(r): k for k, s in enumerate(game.steps) if in_force[k] for r in s.records}
    insiders = [r for rs in fog.seat_records(game, "is").values() for r in rs if r.ref in TALKS]
    assert insiders, "no talk was recorded: the test proves nothing"
    for seat in ("coalition", "governments"):
        seen = [r for rs in fog.seat_records(game, seat).values() for r in rs if r.ref in TALKS]
        # a talk record an outsider sees comes from talks that were, or later came, to light
        assert all(not hidden[step_of[key(r)]] for r in seen)
        if any(hidden[step_of[key(r)]] for r in insiders):
            assert len(seen) < len(insiders)
        assert fog.announcement(game, opened, seat) is None
        assert "a back channel opens" not in report.markdown(game, seat=seat)
        assert "a back channel opens" not in report.as_json(game, seat)
    assert fog.announcement(game, opened, fog.ROOM) is None
    assert "a back channel opens" in report.markdown(game, seat="is")


# --- unfinished games ----------------------------------------------------------------------------


def test_an_unfinished_games_report_and_log_say_so_at_the_top(wargame, saved) -> None:
    path, game = saved
    assert not game.state.over
    line = f"Unfinished game: turn {game.state.turn} of {game.state.last_turn}"
    for who in (("--seat", "coalition"), ("--facilitator",)):
        got = exports(wargame, path, who)
        assert line in "\n".join(got["markdown"].splitlines()[:3])
        assert next(iter(json.loads(got["json"]))) == "unfinished"
        assert json.loads(got["json"])["unfinished"].startswith(line)
        assert got["log"].splitlines()[0].startswith(line)
    code, out, err = wargame("report", path, "--seat", "aq", "--format", "csv")
    assert code == 0 and line in out


def test_a_finished_games_report_does_not_say_unfinished(wargame, rulebook, tmp_path) -> None:
    game = Game(rulebook, Header("exercise", SEED, {c: "random" for c in CELLS}, "Done", "done"))
    play_bots(game, random_choosers(rulebook, SEED))
    assert game.state.over
    path = tmp_path / "done.json"
    write_save(path, document(game, STAMP, STAMP))
    for who in (("--seat", "is"), ("--facilitator",)):
        got = exports(wargame, path, who)
        assert all("Unfinished game" not in text for text in got.values())


# --- the White Cell's lock -----------------------------------------------------------------------


def test_the_passphrase_is_kept_only_as_a_salted_hash(rulebook, tmp_path) -> None:
    passphrase = "correct horse battery staple"
    lock = make_lock(passphrase)
    assert passphrase not in lock and lock != make_lock(passphrase)  # salted: never the same twice
    assert check_lock(lock, passphrase) and not check_lock(lock, "correct horse") and not check_lock(lock, "")
    session = Session.new(rulebook, "exercise", 5, {c: "human" for c in CELLS}, save=tmp_path / "g.json",
                          white_lock=lock)
    session.run_events()
    data = (tmp_path / "g.json").read_bytes()
    assert passphrase.encode() not in data and passphrase.encode().hex().encode() not in data
    doc, game, check = load(tmp_path / "g.json", rulebook)
    assert check.verified and doc.white_lock == lock and game.header.white_lock == lock
    # it survives a round trip byte for byte, and a fork keeps it
    assert dumps(document(game, doc.created, doc.updated)) == data.decode("utf-8")
    assert game.fork(1, "child").header.white_lock == lock


def test_a_damaged_lock_is_refused_in_one_line(rulebook, tmp_path) -> None:
    raw = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for bad in ("plain text passphrase", "scrypt$1$8$1$" + "0" * 32 + "$" + "0" * 64, 7):
        with pytest.raises(SaveError) as e:
            parse_document({**raw, "white_lock": bad})
        one_line(str(e.value))


def test_old_saves_load_with_no_lock_and_no_secret_action(rulebook) -> None:
    for path in shipped() + [GOLDEN]:
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert "white_lock" not in raw and not any("secret" in c for c in raw["commands"])
        doc = read_document(path)
        assert doc.white_lock is None and doc.header.white_lock is None
        actions = [c for c in doc.commands if isinstance(c, (InjectCard, SetTrack, OverrideResult))]
        assert all(c.secret is False for c in actions)
        if path == GOLDEN:
            assert actions


def test_a_secret_action_is_saved_as_such_and_an_open_one_as_before(saved, rulebook) -> None:
    path, game = saved
    raw = json.loads(path.read_text(encoding="utf-8"))
    actions = [c for c in raw["commands"] if c["type"] in ("inject", "set", "override")]
    assert [c.get("secret", False) for c in actions] == [c.secret for c in game.commands
                                                       if isinstance(c, (InjectCard, SetTrack, OverrideResult))]
    assert [c["justification"] for c in actions if c.get("secret")] == [SECRET_FUNDS_WHY]
    assert all(c.get("secret", True) is True for c in actions), "an open action has no secret key in the save"
    doc, loaded, check = load(path, rulebook)
    assert check.verified and loaded.commands == game.commands
