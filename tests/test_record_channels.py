"""Channel messages are part of the game's record (issue 14): a :class:`Say` in the log, in the
save, and shown to its channel's two seats and the White Cell only (fog, reports)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wargame.engine.model import CELLS, digest
from wargame.record import fog, messages, report, report_html
from wargame.record.commands import CommandError, Say
from wargame.record.document import SCHEMA
from wargame.record.game import Game, Header, play_bots, replay
from wargame.record.load import load
from wargame.record.save import document, write_save

GOLDEN = Path(__file__).resolve().parent / "golden"
STAMP = "2026-01-01T00:00:00Z"
SEATS = {cell: "random" for cell in CELLS}

# (channel as said, sender, text): each text unique, to look for in what a seat is shown
SAID = [
    ("aq-is", "is", "IS to AQ: shall we talk? zebra-1"),
    ("is-aq", "aq", "AQ to IS: not yet. zebra-2"),
    ("coalition-governments", "governments", "Governments to the Coalition: hold Mosul. zebra-3"),
    ("coalition-white", "white", "White Cell to the Coalition: a reminder. zebra-4"),
    ("is-white", "is", "IS to the White Cell: a question <b>&amp; zebra-5"),
]
CHANNEL = {"aq-is": "is-aq", "is-aq": "is-aq", "coalition-governments": "coalition-governments",
           "coalition-white": "coalition-white", "is-white": "is-white"}


def _choosers(rulebook):
    from wargame.bots.play import bots_for
    from wargame.engine.legality import legal_orders
    from wargame.engine.view import view

    bots = bots_for(SEATS, 7, rulebook)
    return {cell: (lambda c: lambda state: bots[c].choose(view(state, c), lambda pending: legal_orders(rulebook, state, c, pending),
                                                          rulebook.max_orders).orders)(cell) for cell in CELLS}


def _game(rulebook) -> Game:
    """Two turns of bots, with messages said in the events phase, the orders phase and after a turn."""
    game = Game(rulebook, Header("exercise", 7, dict(SEATS), "channels", "chan"))
    choose = _choosers(rulebook)
    game.say(*SAID[0])  # turn 1, events
    game.run_events()
    game.say(*SAID[1])  # turn 1, orders
    game.say(*SAID[2])
    play_bots(game, choose, 1)
    game.say(*SAID[3])  # turn 2, events
    play_bots(game, choose, 1)
    game.say(*SAID[4])  # turn 3
    return game


def _seen(game: Game, seat: str) -> set[str]:
    return {m.text for m in messages.messages(game, seat)}


def _hearers(channel: str) -> set[str]:
    return set(channel.split("-")) | {"white"}


def test_a_message_is_a_command_with_its_turn_and_phase_that_changes_nothing(rulebook) -> None:
    game = _game(rulebook)
    says = game.messages()
    assert [(s.channel, s.sender, s.text) for s in says] == [(CHANNEL[c], who, t) for c, who, t in SAID]
    assert [(s.turn, s.phase) for s in says] == [(1, "events"), (1, "orders"), (1, "orders"), (2, "events"), (3, "events")]
    without = replay(rulebook, game.header, [c for c in game.commands if not isinstance(c, Say)])
    assert digest(without.state) == digest(game.state) and without.digests == game.digests
    assert all(not step.records for step in game.steps if isinstance(step.command, Say))
    # a message does not get in the way of an override of the turn just resolved
    rolled = next(r for r in game.records(2) if r.chance is not None and r.phase in ("adjudication", "dynamics"))
    game.override(rolled.ref, rolled.where, not rolled.happened, "ruled after a message")


@pytest.mark.parametrize("channel, sender, text", [
    ("is-is", "is", "x"), ("is-room", "is", "x"), ("aq-is-white", "is", "x"), ("is-aq", "coalition", "x"),
    ("is-aq", "white", "x"), ("is-aq", "is", ""), ("is-aq", "is", "   "), ("is-aq", "is", "x" * 2001),
])
def test_a_message_that_cannot_be_said_is_refused_and_nothing_is_recorded(rulebook, channel, sender, text) -> None:
    game = Game(rulebook, Header("exercise", 7, dict(SEATS), "channels", "chan"))
    with pytest.raises(CommandError):
        game.say(channel, sender, text)
    assert game.commands == []
    game.say("is-aq", "is", "x" * 2000)  # the longest there may be
    with pytest.raises(CommandError):  # said in another phase or turn than the game's: a damaged log
        game.apply(Say(1, "orders", "is-aq", "is", "x"))
    with pytest.raises(CommandError):
        game.apply(Say(2, "events", "is-aq", "is", "x"))
    with pytest.raises(CommandError):  # the log keeps one name per channel
        game.apply(Say(1, "events", "aq-is", "is", "x"))


def test_messages_are_kept_in_the_save_and_load_back(rulebook, tmp_path) -> None:
    game = _game(rulebook)
    path = tmp_path / "chan.json"
    write_save(path, document(game, STAMP, STAMP))
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["schema"] == SCHEMA
    said = [c for c in raw["commands"] if c["type"] == "say"]
    assert said[0] == {"type": "say", "turn": 1, "phase": "events", "channel": "is-aq", "sender": "is", "text": SAID[0][2]}
    doc, loaded, check = load(path, rulebook)
    assert check.verified, check.message
    assert loaded.messages() == game.messages()
    assert list(doc.commands) == game.commands
    for seat in CELLS + ("public", "white"):
        assert messages.messages(loaded, seat) == messages.messages(game, seat)
    # a fork at turn 2 keeps the messages of turn 1 only
    child = game.fork(2, "child")
    assert [m.text for m in child.messages()] == [t for _, _, t in SAID[:3]]


def test_each_seat_sees_exactly_its_channels_messages_and_the_white_cell_all(rulebook) -> None:
    game = _game(rulebook)
    for seat in CELLS + ("public", "white"):
        expected = {t for c, _, t in SAID if seat in _hearers(CHANNEL[c])}
        assert _seen(game, seat) == expected, seat
    assert _seen(game, "white") == {t for _, _, t in SAID}
    assert _seen(game, "public") == set()
    first = messages.messages(game, "aq")[0]
    assert (first.turn, first.phase, first.channel, first.sender, first.text) == (1, "events", "is-aq", "is", SAID[0][2])
    # a Say never shows through the records of the log either
    for i, step in enumerate(game.steps):
        if isinstance(step.command, Say):
            assert all(fog.step_records(game, i, seat) == () for seat in CELLS + ("public", "white"))


def test_a_report_shows_a_seat_its_messages_and_never_another_channels(rulebook) -> None:
    game = _game(rulebook)
    for seat in CELLS + ("public", "white"):
        md = report.markdown(game, seat=seat)
        page = report_html.html(game, seat=seat)
        js = report.as_json(game, seat)
        in_json = [m["text"] for m in json.loads(js).get("messages", [])]
        for channel, _, text in SAID:
            words = text.split("<")[0]  # the HTML page escapes the rest
            if seat in _hearers(CHANNEL[channel]):
                assert " ".join(text.split()) in md, (seat, text)
                assert words in page and text in in_json, (seat, text)
            else:
                assert "zebra-" + text[-1] not in md and text not in md, (seat, text)
                assert "zebra-" + text[-1] not in page and words not in page, (seat, text)
                assert "zebra-" + text[-1] not in js, (seat, text)
    white = report.markdown(game, seat="white")
    assert "## Messages" in white and "**Turn 1 (" in white.split("## Messages")[1]
    assert "<b>&amp;" not in report_html.html(game, seat="white")  # escaped
    assert "## Messages" not in report.markdown(game, seat="public")


def test_a_report_of_a_game_without_messages_is_as_before(rulebook) -> None:
    game = Game(rulebook, Header("exercise", 7, dict(SEATS), "channels", "chan"))
    play_bots(game, _choosers(rulebook), 1)
    assert "## Messages" not in report.markdown(game) and "messages" not in json.loads(report.as_json(game))
    assert 'id="messages"' not in report_html.html(game)


@pytest.mark.parametrize("name", ["save-v1.json", "save-v2.json"])
def test_an_old_save_loads_as_before(rulebook, name) -> None:
    doc, game, check = load(GOLDEN / name, rulebook)
    if name == "save-v2.json":  # the current schema verifies (the v1 save, of another engine, replays as before)
        assert check.verified, check.message
    assert game.digests
    assert game.messages() == [c for c in doc.commands if isinstance(c, Say)]
    if name == "save-v1.json":  # from before there were messages
        assert game.messages() == [] and all(messages.messages(game, seat) == [] for seat in CELLS + ("public", "white"))
