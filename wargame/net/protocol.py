"""The wire protocol of a networked exercise: typed, versioned JSON messages (docs/protocol.md).

Every message is one JSON object in one websocket text frame, with ``"v": 1`` and a ``"type"``.
A client sends :class:`Join`, :class:`GiveOrders` and :class:`Say`, and the White Cell
also the messages of :data:`WHITE_MESSAGES`; :func:`decode` structures
them with cattrs and raises :class:`ProtocolError` (with the reason the server sends back in an
``error`` message) for anything oversized, malformed, of another version, of an unknown type or
with fields it does not know. The server's messages are built from what a seat may see only:
:func:`view_payload` (a seat's :class:`~wargame.engine.view.View`, never the state) and
:func:`record_payload` (a record as the seat is shown it).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import cattrs
from attrs import field, frozen
from cattrs.gen import make_dict_structure_fn

from wargame.engine.adjudication import Adjudication
from wargame.engine.reading import text_problem
from wargame.engine.view import View

if TYPE_CHECKING:
    from wargame.record.plots import Chart

VERSION = 1
MAX_MESSAGE = 64 * 1024  # characters of one client message; a longer one is refused with an error
MAX_TEXT = 2000  # characters of one channel message
MAX_ORDERS = 16  # entries of one give_orders (the rulebook's own limit is checked by the game)


class ProtocolError(ValueError):
    """A message the server refuses: the reason is sent back in an ``error`` message."""


# --- client -> server ----------------------------------------------------------------------------


@frozen
class Join:
    code: str


@frozen
class OrderEntry:
    kind: str
    theatre: str | None = None


@frozen
class GiveOrders:
    orders: list[OrderEntry] = field(factory=list)


@frozen
class Say:
    channel: str
    text: str


# The White Cell's messages (refused from any other seat): see docs/protocol.md.


@frozen
class Pause:
    pass


@frozen
class Resume:
    pass


@frozen
class NextTurn:
    pass


CLOSE_REVOKED = 4001  # websocket close codes: the seat's code was revoked,
CLOSE_TAKEN_OVER = 4002  # another connection took the seat over (approved by the White Cell)
MIN_TIME_LIMIT = 30.0  # seconds: a shorter limit lets the stand-in bots play every phase before anyone can read it
MAX_TIME_LIMIT = 86400.0  # a day


@frozen
class SetTimeLimit:
    seconds: float | None = None  # per orders phase; None (or 0): no limit


@frozen
class EndOrders:
    cell: str


@frozen
class Revoke:
    seat: str


@frozen
class ApproveTakeover:
    seat: str


@frozen
class Inject:
    card: str
    note: str = ""
    secret: bool = False


@frozen
class SetTrack:
    target: str
    value: int
    justification: str
    secret: bool = False


@frozen
class Override:
    ref: str
    happened: bool
    justification: str
    where: str | None = None
    secret: bool = False


WHITE_MESSAGES = (Pause, Resume, NextTurn, SetTimeLimit, EndOrders, Revoke, ApproveTakeover, Inject, SetTrack, Override)
ClientMessage = (Join | GiveOrders | Say | Pause | Resume | SetTimeLimit | EndOrders | Revoke | ApproveTakeover
                 | Inject | SetTrack | Override)
CLIENT_TYPES: dict[str, type] = {
    "join": Join, "give_orders": GiveOrders, "say": Say,
    "pause": Pause, "resume": Resume, "next_turn": NextTurn, "set_time_limit": SetTimeLimit, "end_orders": EndOrders, "revoke": Revoke,
    "approve_takeover": ApproveTakeover, "inject": Inject, "set_track": SetTrack, "override": Override,
}


def _strict_str(value: Any, _type: Any) -> str:
    """A text field (that the save can keep it, :func:`decode` has asked of every text already)."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, not {type(value).__name__}")
    return value


def _strict_bool(value: Any, _type: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, not {type(value).__name__}")
    return value


def _strict_int(value: Any, _type: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, not {type(value).__name__}")
    return value


def _strict_float(value: Any, _type: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (float("inf"), float("-inf")):
        raise TypeError(f"expected a number, not {value!r}"[:80])
    return float(value)



_converter = cattrs.Converter(forbid_extra_keys=True)
_converter.register_structure_hook(str, _strict_str)
_converter.register_structure_hook(bool, _strict_bool)
_converter.register_structure_hook(int, _strict_int)
_converter.register_structure_hook(float, _strict_float)
for _cls in (Join, OrderEntry, GiveOrders, Say, *WHITE_MESSAGES):
    _converter.register_structure_hook(_cls, make_dict_structure_fn(_cls, _converter, _cattrs_forbid_extra_keys=True))


def decode(text: str | bytes) -> ClientMessage:
    """One client message, structured; raises :class:`ProtocolError` with the reason."""
    if isinstance(text, bytes):
        raise ProtocolError("messages are JSON text frames, not binary")
    if len(text) > MAX_MESSAGE:
        raise ProtocolError(f"message too long: at most {MAX_MESSAGE} characters")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("not JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError("a message is a JSON object")
    if type(data.get("v")) is not int or data.get("v") != VERSION:  # (true and 1.0 equal 1 in Python, not in the protocol)
        raise ProtocolError(f"unsupported protocol version {data.get('v')!r} (this server speaks {VERSION})")
    kind = data.get("type")
    cls = CLIENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ProtocolError(f"unknown message type {kind!r} (known: {', '.join(CLIENT_TYPES)})")
    body = {k: v for k, v in data.items() if k not in ("v", "type")}
    bad = _unkeepable(body)
    if bad:
        raise ProtocolError(f"malformed {kind}: {bad}")
    if cls is GiveOrders and not isinstance(body.get("orders"), list):
        raise ProtocolError("malformed give_orders: orders is a list of {kind, theatre}")
    try:
        message = _converter.structure(body, cls)
    except Exception as e:  # cattrs' ClassValidationError and friends: any shape it refuses
        raise ProtocolError(f"malformed {kind}: {_reason(e)}") from None
    if isinstance(message, GiveOrders) and len(message.orders) > MAX_ORDERS:
        raise ProtocolError(f"too many orders: at most {MAX_ORDERS}")
    if isinstance(message, Say) and not 0 < len(message.text) <= MAX_TEXT:
        raise ProtocolError(f"a message's text has 1 to {MAX_TEXT} characters")
    for name in ("note", "justification"):
        if len(getattr(message, name, "")) > MAX_TEXT:
            raise ProtocolError(f"a {name} has at most {MAX_TEXT} characters")
    if isinstance(message, SetTimeLimit) and message.seconds is not None and not 0 <= message.seconds <= MAX_TIME_LIMIT:
        raise ProtocolError(f"a time limit is 0 to {MAX_TIME_LIMIT:g} seconds (0 or null: none)")
    return message


def _unkeepable(body: dict[str, Any]) -> str | None:
    """What in a message's fields the game could not keep, said for the sender ("text holds a
    control character", :func:`~wargame.engine.reading.text_problem`), or None: a lone surrogate
    (valid JSON, not Unicode) could not be written to the save, and a control character would make
    it one the loader refuses. Messages are small and shallow (orders
    are the deepest: a list of objects), and their size is capped before this."""
    stack: list[tuple[str, Any]] = list(body.items())
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return f"{where} {problem}"
        elif isinstance(value, dict):
            stack.extend((f"{where}.{k}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(value))
    return None


def _reason(e: Exception) -> str:
    if isinstance(e, cattrs.BaseValidationError):
        parts = cattrs.transform_error(e)
        return "; ".join(parts)[:300]
    return str(e)[:300]


def encode_client(message: ClientMessage) -> str:
    """A client message as it goes on the wire (for clients and tests)."""
    kind = next(k for k, cls in CLIENT_TYPES.items() if isinstance(message, cls))
    return json.dumps({"v": VERSION, "type": kind, **_converter.unstructure(message)})


# --- server -> client ----------------------------------------------------------------------------

SERVER_TYPES = ("welcome", "view", "awaiting", "results", "said", "error",
                "paused", "deadline", "code", "takeover_requested", "closed", "joined", "given", "review",
                "takeover_withdrawn", "charts")


def server_message(kind: str, **fields: Any) -> str:
    """A server message: ``{"v": 1, "type": kind, ...fields}`` (fields already plain JSON data)."""
    if kind not in SERVER_TYPES:
        raise ValueError(f"no server message {kind!r}")
    return json.dumps({"v": VERSION, "type": kind, **fields}, separators=(",", ":"))


def view_payload(v: View) -> dict[str, Any]:
    """A seat's view as plain data: the public board, and every track the seat may know of,
    exact or as a range. Built from the view only: the state (its seed, the draw piles' order,
    the others' exact tracks) never reaches it."""
    return {
        "seat": v.seat, "scenario": v.scenario, "turn": v.turn, "last_turn": v.last_turn, "phase": v.phase,
        "theatres": _converter.unstructure(v.theatres),
        "offshoots": _converter.unstructure(v.offshoots),
        "tracks": {name: [e.lo, e.hi] for name, e in v.tracks.items()},
        "decks": _converter.unstructure(v.decks),
    }


def record_payload(r: Adjudication) -> dict[str, Any]:
    """A record as a seat is shown it (already rendered for the seat: see wargame.record.fog):
    its sentence, not its template and values."""
    return {
        "turn": r.turn, "phase": r.phase, "kind": r.kind, "ref": r.ref, "title": r.title, "cites": list(r.cites),
        "cell": r.cell, "theatre": r.theatre, "offshoot": r.offshoot, "chance": r.chance, "roll": r.roll,
        "happened": r.happened, "changes": [list(c) for c in r.changes], "text": r.text,
        "original": r.original, "justification": r.justification,
        "band": list(r.band) if r.band is not None else None, "estimates": [list(e) for e in r.estimates],
    }


def chart_payload(chart: Chart) -> dict[str, Any]:
    """One chart of :func:`wargame.record.plots.charts` as plain data: ``{"title": str, "lo": float,
    "hi": float, "quarters": [str, ...], "values": [float, ...]}`` (the range it is drawn on, the
    quarter of each point, the opening board first). The caller gives only the charts the seat may
    see (``charts(rulebook, game, seat)``): nothing here reads the state."""
    s = chart.series
    return {"title": s.title, "lo": float(s.lo), "hi": float(s.hi),
            "quarters": list(chart.quarters), "values": [float(x) for x in chart.values]}
