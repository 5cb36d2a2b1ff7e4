"""The networked White Cell's requests, one small form each: a time limit, ending a cell's orders,
revoking a code, approving a takeover, injecting a card, setting a track, overriding a result.

Each form dismisses with the protocol message to send (:mod:`wargame.net.protocol`) or None
(Esc: nothing sent). A form checks what it can before sending (a number, a justification); the
server checks the rest and a refusal comes back as an ``error`` the console shows in words.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from wargame.engine.board import GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_TRACKS
from wargame.engine.model import CELLS
from wargame.engine.view import View
from wargame.net.protocol import MIN_TIME_LIMIT, ApproveTakeover, EndOrders, Inject, Override, Revoke, SetTimeLimit, SetTrack
from wargame.net.server import CHANNEL_SEATS
from wargame.record.commands import RESOLUTION_PHASES
from wargame.tui.screens.white_console_words import SHORT
from wargame.tui.widgets.board import titled
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.lists import Tick

SECRET = "Secret: tell only the cells it concerns"
MIN_MINUTES = MIN_TIME_LIMIT / 60  # the server's least time limit (half a minute), in the form's minutes


class Refused(ValueError):
    """What the form cannot send as filled in: one sentence, shown in the form."""


class PowerForm(ModalScreen[Any]):
    """One request of the White Cell: ``fields()`` and ``request()`` (the message, or :class:`Refused`)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "send", "Send"),
                Binding("tab", "app.focus_next", "Next field", show=False),
                Binding("shift+tab", "app.focus_previous", "Previous field", show=False)]
    TITLE_TEXT = ""
    HINT = ""
    # a request that cannot be undone opens on Cancel: a stray Enter (a sentence typed into the
    # console) sends nothing; Tab then Enter, or ctrl+s, sends it
    CAREFUL = False
    HELP_TITLE = "a White Cell request"
    DEFAULT_CSS = """
    .white-form { max-width: 100; }
    """

    def __init__(self) -> None:
        super().__init__(classes="replay-modal")

    def compose(self) -> ComposeResult:
        with Vertical(classes="replay-modal-box white-form"):
            yield Label(f"[b]{self.TITLE_TEXT}[/]")
            if self.HINT:
                yield Static(self.HINT, classes="white-hint")
            yield from self.fields()
            yield Static("", id="form-error", classes="replay-error")
            with Horizontal(classes="replay-buttons"):
                if self.CAREFUL:
                    yield Button("Cancel (Esc)", id="cancel", variant="primary")
                    yield Button("Send (Tab, Enter; or ctrl+s)", id="send", variant="warning")
                else:
                    yield Button("Send (Enter)", id="send", variant="primary")
                    yield Button("Cancel (Esc)", id="cancel")
        yield KeysFooter()

    def fields(self) -> ComposeResult:
        yield from ()

    def request(self) -> Any:
        """The message to send; :class:`Refused` (its reason) if the form cannot send it as filled in."""
        raise Refused("This form sends nothing.")

    def row(self, label: str, widget) -> Horizontal:
        return Horizontal(Label(label, classes="white-label"), widget, classes="white-row")

    def on_mount(self) -> None:
        if self.CAREFUL:
            self.query_one("#cancel", Button).focus()
            return
        first = next((w for w in self.query("Input, Select") if w.focusable), None)
        if first is not None:
            first.focus()

    def action_send(self) -> None:
        try:
            message = self.request()
        except Refused as e:
            self.query_one("#form-error", Static).update(escape(str(e)))
            return
        self.dismiss(message)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_send()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        self.action_send() if event.button.id == "send" else self.action_cancel()

    def text(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def justification(self) -> str:
        why = self.text("#form-why")
        if not why:
            raise Refused("Say why (the justification is kept in the record and shown with the ruling).")
        return why


class TimeLimitForm(PowerForm):
    TITLE_TEXT = "Time limit for each orders phase"
    HINT = ("In minutes (e.g. 5 or 2.5), at least half a minute (0 for no limit), starting now for this phase. "
            "When it runs out, a bot gives the orders of each cell that has not given them, and the turn resolves.")
    ABOUT = HINT

    def fields(self) -> ComposeResult:
        yield self.row("Minutes:", Input(placeholder="at least 0.5; 0: no limit", id="form-minutes", compact=True))

    def request(self) -> SetTimeLimit:
        text = self.text("#form-minutes").replace(",", ".")
        try:
            minutes = float(text)
        except ValueError:
            raise Refused(f"{text or 'Nothing'} is not a number of minutes: type e.g. 5, or 0 for no limit.") from None
        if not 0 <= minutes <= 1440 or minutes != minutes:
            raise Refused("A time limit is 0 to 1440 minutes (a day).")
        if 0 < minutes < MIN_MINUTES:
            # a few seconds would let the stand-in bots play every phase before anyone could read it
            raise Refused("A time limit is at least half a minute (0 for no limit).")
        return SetTimeLimit(round(minutes * 60, 1) or None)


class SeatForm(PowerForm):
    """Pick one seat of ``seats`` (``first`` highlighted at start): Enter on it sends the request."""

    KIND: type = Revoke

    def __init__(self, seats: list[str], first: str | None = None):
        super().__init__()
        self.seats = seats
        self.first = first if first in seats else next((s for s in seats if s in CELLS), seats[0])

    def fields(self) -> ComposeResult:
        yield OptionList(*[Option(SHORT.get(s, s), id=s) for s in self.seats], id="form-seat")

    def on_mount(self) -> None:
        seats = self.query_one("#form-seat", OptionList)
        seats.highlighted = self.seats.index(self.first)
        if self.CAREFUL:
            self.query_one("#cancel", Button).focus()
        else:
            seats.focus()

    @on(OptionList.OptionSelected, "#form-seat")
    def _picked(self) -> None:
        self.action_send()

    def request(self) -> Any:
        seats = self.query_one("#form-seat", OptionList)
        if seats.highlighted is None:
            raise Refused("Pick a seat.")
        return self.KIND(self.seats[seats.highlighted])


CAREFUL_HINT = " Tab then Enter (or ctrl+s) sends it for the seat highlighted; Shift+Tab picks another seat."


class EndOrdersForm(SeatForm):
    KIND = EndOrders
    CAREFUL = True
    TITLE_TEXT = "End a cell's orders now"
    HINT = ("A bot gives the orders of the cell picked (its own bot, or a doctrine bot for people), as when time "
            "runs out." + CAREFUL_HINT)
    ABOUT = HINT


class RevokeForm(SeatForm):
    KIND = Revoke
    CAREFUL = True
    TITLE_TEXT = "Revoke a seat's join code"
    HINT = ("The seat's old code is refused from now on and its connection is closed; the new code is shown "
            "here (Seats tab) for you to hand to whoever should have the seat. Bots' seats have no code."
            + CAREFUL_HINT)
    ABOUT = HINT


class TakeoverForm(SeatForm):
    KIND = ApproveTakeover

    TITLE_TEXT = "Approve a takeover"
    HINT = "The seat's present connection is closed and the one waiting for it takes the seat."
    ABOUT = HINT


def card_choices() -> list[tuple[str, str]]:
    rb = titled(None)
    return [(f"{rb.decks[c.deck].title if c.deck in rb.decks else c.deck}: {c.title}", c.id) for c in rb.cards.values()]


class InjectForm(PowerForm):
    TITLE_TEXT = "Inject a card"
    HINT = "The card is played now (the game refuses one it cannot play). Its effects are told as the fog allows."
    ABOUT = HINT

    def fields(self) -> ComposeResult:
        choices = card_choices()
        yield self.row("Card:", Select(choices, value=choices[0][1], allow_blank=False, id="form-card", compact=True))
        yield Static("", id="form-card-text", classes="white-hint")
        yield self.row("Note:", Input(placeholder="why, for the record (optional)", id="form-note", compact=True))
        yield Tick(SECRET + ".", id="form-secret", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.describe()

    @on(Select.Changed, "#form-card")
    def describe(self) -> None:
        card = titled(None).cards.get(str(self.query_one("#form-card", Select).value))
        self.query_one("#form-card-text", Static).update(escape(card.text) if card else "")

    def request(self) -> Inject:
        return Inject(str(self.query_one("#form-card", Select).value), self.text("#form-note"),
                      self.query_one("#form-secret", Tick).value)


def track_targets(view: View) -> dict[str, tuple[int, int, int]]:
    """Every track the White Cell may set, from its view (it sees every value): target ->
    (value now, lowest, highest), as ``set_track`` names them (``is_funds``, ``iraq.territory``)."""
    out = {name: (view.tracks[name].lo, lo, hi) for name, (lo, hi) in GLOBAL_TRACKS.items() if name in view.tracks}
    for t in view.theatres:
        out.update({f"{t.name}.{n}": (getattr(t, n), lo, hi) for n, (lo, hi) in THEATRE_TRACKS.items()})
    for o in view.offshoots:
        out.update({f"{o.id}.{n}": (getattr(o, n), lo, hi) for n, (lo, hi) in OFFSHOOT_TRACKS.items()})
    return out


class TrackForm(PowerForm):
    TITLE_TEXT = "Set a track"
    HINT = "Pick the track (type to jump), its new value and why."
    ABOUT = HINT + " A secret one is told only to the cells it concerns."

    def __init__(self, view: View):
        super().__init__()
        self.targets = track_targets(view)

    def fields(self) -> ComposeResult:
        rb = titled(None)
        choices = sorted(((rb.title(t), t) for t in self.targets), key=lambda c: c[0].casefold())
        yield self.row("Track:", Select(choices, value=choices[0][1], allow_blank=False, id="form-target", compact=True))
        yield Static("", id="form-now", classes="white-hint")
        yield self.row("New value:", Input(placeholder="a whole number", id="form-value", type="integer", compact=True))
        yield self.row("Why:", Input(placeholder="required: kept in the record", id="form-why", compact=True))
        yield Tick(SECRET + " (a cell's own secret track: that cell; a public one: everyone).", id="form-secret",
                   compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.describe()

    @on(Select.Changed, "#form-target")
    def describe(self) -> None:
        now, lo, hi = self.targets[str(self.query_one("#form-target", Select).value)]
        self.query_one("#form-now", Static).update(f"Now {now} (from {lo} to {hi}).")

    def request(self) -> SetTrack:
        target = str(self.query_one("#form-target", Select).value)
        text = self.text("#form-value")
        try:
            value = int(text)
        except ValueError:
            raise Refused("Type the new value, a whole number.") from None
        _, lo, hi = self.targets[target]
        if not lo <= value <= hi:
            raise Refused(f"{titled(None).title(target)} runs from {lo} to {hi}, not {value}.")
        return SetTrack(target, value, self.justification(), self.query_one("#form-secret", Tick).value)


def overridable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rolled results of the last resolution an override can flip, one per (ref, where)."""
    found: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r in records:
        if r.get("chance") is not None and r.get("phase") in RESOLUTION_PHASES:
            found[(r["ref"], r.get("offshoot") or r.get("theatre"))] = r
    return list(found.values())


class OverrideForm(PowerForm):
    CAREFUL = True
    TITLE_TEXT = "Override a result of the last turn"
    HINT = ("The turn is resolved again with this result forced. Pick the roll, what happens instead, and why "
            "(Shift+Tab moves to the fields); Enter in Why, or ctrl+s, sends it.")
    ABOUT = HINT

    def __init__(self, records: list[dict[str, Any]]):
        super().__init__()
        self.records = overridable(records)

    def fields(self) -> ComposeResult:
        rb = titled(None)
        choices = []
        for i, r in enumerate(self.records):
            where = r.get("offshoot") or r.get("theatre")
            said = "happened" if r.get("happened") else "did not happen"
            choices.append((f"{r.get('title', r['ref'])}{' in ' + rb.where_title(where) if where else ''} ({said})", str(i)))
        yield self.row("Result:", Select(choices, value="0", allow_blank=False, id="form-ref", compact=True))
        yield self.row("Instead:", Select([("It happens", "yes"), ("It does not happen", "no")], allow_blank=False,
                                          value="yes", id="form-happened", compact=True))
        yield self.row("Why:", Input(placeholder="required: kept in the record", id="form-why", compact=True))
        yield Tick(SECRET + ".", id="form-secret", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.flip()

    @on(Select.Changed, "#form-ref")
    def flip(self) -> None:
        """What happens instead starts as the opposite of what the dice said."""
        r = self.records[int(str(self.query_one("#form-ref", Select).value))]
        self.query_one("#form-happened", Select).value = "no" if r.get("happened") else "yes"

    def request(self) -> Override:
        r = self.records[int(str(self.query_one("#form-ref", Select).value))]
        happened = self.query_one("#form-happened", Select).value == "yes"
        return Override(r["ref"], happened, self.justification(), r.get("offshoot") or r.get("theatre"),
                        self.query_one("#form-secret", Tick).value)


def seats_with_codes(coded: list[str] | None = None) -> list[str]:
    """The seats a revoke may name: those with a join code (``coded``, from the White Cell's
    ``welcome``: the human cells and the White Cell; every seat if the server did not say), the
    cells first, the White Cell's own last (revoking it by mistake would leave the facilitator with
    a code nobody has written down). A bot's seat has no code."""
    return [s for s in CHANNEL_SEATS if coded is None or s in coded]


def cells_owing(awaiting: list[str]) -> list[str]:
    return [c for c in CELLS if c in awaiting] or list(CELLS)
