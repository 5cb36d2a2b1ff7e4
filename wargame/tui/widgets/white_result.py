"""The White Cell's result pane: flip a rolled result of the turn just resolved, with a justification."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.adjudication import Adjudication
from wargame.engine.titles import placed
from wargame.record.commands import ANNOTATIONS, CommandError, InjectCard, SetTrack
from wargame.record.document import SaveError
from wargame.table.session import Session
from wargame.tui.widgets.board import record_markup, titled
from wargame.tui.widgets.lists import Tick
from wargame.tui.widgets.white_pane import SECRET, WhitePane, overridable, resolved_turn, told_markup


def short(r: Adjudication) -> str:
    """A record on one line: ✔/✘, the title, where, the odds, and whether it was overridden."""
    mark = "[b $success]✔[/]" if r.happened else "[b $error]✘[/]"
    head = escape(placed(r.title, titled(None).where_title(r.where)))
    odds = f" [$text-muted]{escape(r.odds)}[/]" if r.chance is not None else ""  # "needed 37 or less, rolled 52"
    over = " [b $warning](overridden)[/]" if r.original is not None else ""
    return f"{mark} {head}{odds}{over}"


class ResultPane(WhitePane):
    """Override a result of the turn just resolved: it is flipped, with the facilitator's
    justification, and the turn resolved again with the same dice; ``changed`` is called then."""

    def __init__(self, session: Session, changed: Callable[[], None], *, id: str):
        super().__init__(session, id=id)
        self.changed = changed
        self.record: Adjudication | None = None  # the result chosen to flip

    def compose(self) -> ComposeResult:
        yield Static("", id="result-head", classes="white-hint")
        yield OptionList(id="result-list")
        yield Static("", id="result-chosen")
        with Horizontal(classes="white-row", id="result-why-row"):
            yield Label("Why:", classes="white-label")
            yield Input(placeholder="required: why (kept in the record)", id="result-why",
                        compact=True)
        yield Tick(SECRET + " Those are the cells whose picture of the turn it changes.", id="result-secret",
                       compact=True)
        yield Static("", id="result-error", classes="white-error")
        yield Static("", id="result-out", classes="white-out")

    def open(self) -> None:
        self.query_one("#result-error", Static).update("")  # a refusal is never left standing
        s = self.session
        head = self.query_one("#result-head", Static)
        options = self.query_one("#result-list", OptionList)
        options.clear_options()
        self.record = None
        self.query_one("#result-chosen", Static).update("")
        turn = resolved_turn(s)
        why_row = self.query_one("#result-why-row")
        why_row.display = turn is not None
        if turn is None:
            head.update(self.why_fixed())
            options.add_option(Option("nothing to override", disabled=True))
            options.focus()
            return
        head.update(f"Override a result of turn {turn} ({s.quarter(turn)}): pick one (Enter); it is flipped, "
                    "with your justification, and the turn resolved again with the same dice.")
        for r in overridable(s, turn):
            options.add_option(Option(short(r), id=f"{r.ref}@{r.where or ''}"))
        if not options.option_count:
            options.add_option(Option("no rolled result in this turn", disabled=True))
        options.highlighted = 0
        options.focus()

    def why_fixed(self) -> str:
        """Why no result can be overridden now."""
        game = self.session.game
        if not game.digests:
            return "No turn has been resolved yet: there is no result to override."
        last = max(game.digests)
        since = next((c for c in reversed(game.commands) if not isinstance(c, ANNOTATIONS)), None)  # a note or a message changes nothing
        if isinstance(since, (InjectCard, SetTrack)):
            cause = "an inject or a track override has been made since it was resolved"
        else:
            cause = f"turn {self.session.state.turn} has begun since"
        return (f"The results of turn {last} are fixed: {cause}. Only the results of the turn just resolved can be "
                "overridden, before anything else happens. Roll back (f) to play a turn again.")

    def _record_of(self, option_id: str | None) -> Adjudication | None:
        turn = resolved_turn(self.session)
        if turn is None or not option_id:
            return None
        for r in overridable(self.session, turn):
            if f"{r.ref}@{r.where or ''}" == option_id:
                return r
        return None

    @on(OptionList.OptionSelected, "#result-list")
    def _result_picked(self, event: OptionList.OptionSelected) -> None:
        r = self._record_of(event.option.id)
        if r is None:
            return
        self.record = r
        flip = "did NOT happen" if r.happened else "DID happen"
        self.query_one("#result-chosen", Static).update(
            record_markup(r) + f"\n[b $warning]Override: make it so it {flip}.[/] Why? (Enter to apply)")
        self.query_one("#result-why", Input).focus()

    @on(Input.Changed, "#result-why")
    def _why_changed(self) -> None:
        self.query_one("#result-error", Static).update("")

    @on(Input.Submitted, "#result-why")
    def _override(self) -> None:
        r = self.record
        if r is None:
            self.say("Pick a result first (Enter on it).", "No result", "warning")
            self.query_one("#result-list", OptionList).focus()
            return
        why = self.query_one("#result-why", Input).value.strip()
        out = self.query_one("#result-out", Static)
        if not why:
            message = "A justification is required: say why you override the result (it stays in the record)."
            self.query_one("#result-error", Static).update(f"[b $error]{message}[/]")
            self.say(message, "Refused", "error")
            return
        s = self.session
        turn = r.turn
        secret = self.query_one("#result-secret", Checkbox).value
        try:
            s.game.override(r.ref, r.where, not r.happened, why, secret)
        except (CommandError, SaveError) as e:
            self.refused(e)
            return
        self.query_one("#result-secret", Checkbox).value = False
        # the board and the summary read Session.last_turn_for (the log): the turn as resolved again
        new = next((x for x in overridable(s, turn) if (x.ref, x.where) == (r.ref, r.where)), None)
        out.update((record_markup(new) + "\n" if new is not None else "")
                   + told_markup(s, len(s.game.steps) - 1))
        self.query_one("#result-why", Input).value = ""
        self.say(f"Overridden: {r.title}", "White Cell")
        self.changed()
        self.open()
        out.scroll_visible()

