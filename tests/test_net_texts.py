"""What a seat sends that the game could not keep is refused at the door: a text with a control
character (an escape sequence for a terminal) or a lone surrogate (valid JSON, not Unicode) gets
an error in words, never reaches the game, and the exercise and its save go on unharmed. A
protocol version is the whole number 1, not true or 1.0."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect

from tests.netcases import joined, message, recv, recv_type, run
from wargame.engine.model import CELLS
from wargame.net.protocol import ProtocolError, decode
from wargame.net.server import WHITE, ExerciseServer
from wargame.record.commands import Say
from wargame.record.load import load
from wargame.table.session import Session

UNKEEPABLE = ["\ud800 hi", "\x00\x1b[2J", "bell \x07", "c1 \x9b"]


@pytest.mark.parametrize("text", UNKEEPABLE)
@pytest.mark.parametrize("kind, fields", [
    ("say", {"channel": "is-aq"}), ("join", {}),
    ("set_track", {"target": "is_funds", "value": 3}), ("inject", {"card": "tl-mosul"}),
])
def test_a_text_the_game_could_not_keep_is_refused_in_words(text: str, kind: str, fields: dict) -> None:
    field = {"say": "text", "join": "code", "set_track": "justification", "inject": "note"}[kind]
    with pytest.raises(ProtocolError) as e:
        decode(json.dumps({"v": 1, "type": kind, **fields, field: text}))
    assert field in str(e.value) and ("control character" in str(e.value) or "not Unicode" in str(e.value))


def test_a_new_line_and_a_tab_are_text_like_any_other() -> None:
    said = decode(json.dumps({"v": 1, "type": "say", "channel": "is-aq", "text": "two\nlines\tand a tab"}))
    assert said.text == "two\nlines\tand a tab"


@pytest.mark.parametrize("version", [True, 1.0, "1", None])
def test_the_protocol_version_is_the_whole_number_one(version) -> None:
    with pytest.raises(ProtocolError, match="unsupported protocol version"):
        decode(json.dumps({"v": version, "type": "join", "code": "x"}))


def test_an_unkeepable_message_leaves_the_exercise_and_its_save_whole(rulebook, tmp_path) -> None:
    save = tmp_path / "net.json"
    session = Session.new(rulebook, "exercise", 5, dict.fromkeys(CELLS, "human"), save=save)
    server = ExerciseServer(session)

    async def main() -> None:
        await server.start()
        try:
            async with connect(f"ws://127.0.0.1:{server.port}") as stranger:  # a join code that is not Unicode
                await stranger.send(json.dumps({"v": 1, "type": "join", "code": "\ud800"}))
                assert "not Unicode" in (await recv(stranger))["reason"]
            ws, _ = await joined(server.port, server.codes["is"])
            white, _ = await joined(server.port, server.codes[WHITE])
            for text in UNKEEPABLE:
                await ws.send(json.dumps({"v": 1, "type": "say", "channel": "is-white", "text": text}))
                assert (await recv_type(ws, "error"))["reason"]
            await white.send(json.dumps({"v": 1, "type": "set_track", "target": "is_funds", "value": 3,
                                         "justification": "ctl \x07"}))
            assert "control character" in (await recv_type(white, "error"))["reason"]
            await ws.send(message("say", channel="is-white", text="hello"))  # and the exercise goes on
            said = await recv_type(ws, "said")
            assert said["text"] == "hello"
            await ws.close()
            await white.close()
        finally:
            await server.close()

    run(main())
    doc, _, check = load(save, rulebook)
    assert check.verified, check.message
    assert [c.text for c in doc.commands if isinstance(c, Say)] == ["hello"]  # only what could be kept
