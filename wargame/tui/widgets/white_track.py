"""The White Cell's track pane: set any track to a new value, with a justification."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.validation import Integer
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.board import GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_TRACKS, flat_tracks
from wargame.record.commands import CommandError
from wargame.record.document import SaveError
from wargame.table.session import Session
from wargame.tui.widgets.lists import Tick
from wargame.tui.widgets.white_pane import SECRET, WhitePane, markup, told_markup


def track_targets(session: Session) -> dict[str, tuple[int, int, int]]:
    """Every track the facilitator may set: target -> (current value, lowest, highest)."""
    state = session.state
    flat = flat_tracks(state)
    out = {name: (flat[name], lo, hi) for name, (lo, hi) in GLOBAL_TRACKS.items()}
    for t in state.theatres:
        for name, (lo, hi) in THEATRE_TRACKS.items():
            out[f"{t.name}.{name}"] = (getattr(t, name), lo, hi)
    for o in state.offshoots:
        for name, (lo, hi) in OFFSHOOT_TRACKS.items():
            out[f"{o.id}.{name}"] = (getattr(o, name), lo, hi)
    return out


def track_title(session: Session, target: str) -> str:
    """A track as the facilitator reads it: "IS funds", "Grievance in Iraq", "Strength of offshoot 2"."""
    return session.rulebook.title(target)


class TrackPane(WhitePane):
    """Override a track: type or pick the track (by its title; its id is taken too), a new value
    and why (required), Enter to set; ``changed`` is called once it is set."""

    def __init__(self, session: Session, changed: Callable[[], None], *, id: str):
        super().__init__(session, id=id)
        self.changed = changed
        self.targets: dict[str, tuple[int, int, int]] = {}
        self.titles: dict[str, str] = {}  # target -> its title

    def target_of(self, text: str) -> str | None:
        """The track typed: its id, or its title (any case)."""
        name = text.strip()
        if name in self.targets:
            return name
        wanted = name.casefold()
        return next((t for t, title in self.titles.items() if title.casefold() == wanted), None)

    def compose(self) -> ComposeResult:
        yield Label("Override a track: type or pick the track, a new value and why (required), Enter to set.",
                    classes="white-hint")
        yield Static("", id="track-warn")
        with Horizontal(classes="white-row"):
            yield Label("Track:", classes="white-label")
            yield Input(placeholder="part of its name: funds, territory Iraq, will…", id="track-target",
                        compact=True)
        yield OptionList(id="track-list")
        yield Static("", id="track-info")
        with Horizontal(classes="white-row"):
            yield Label("New value:", classes="white-label")
            yield Input(placeholder="a whole number", id="track-value", type="integer", compact=True,
                        valid_empty=True)
        with Horizontal(classes="white-row"):
            yield Label("Why:", classes="white-label")
            yield Input(placeholder="required: why (kept in the record)", id="track-why",
                        compact=True)
        yield Tick(SECRET + " A cell's own secret track: that cell. A public one: everyone.",
                       id="track-secret", compact=True)
        yield Static("", id="track-error", classes="white-error")
        yield Static("", id="track-out", classes="white-out")

    def open(self) -> None:
        self.query_one("#track-error", Static).update("")  # a refusal is never left standing
        self.set_targets()
        self.warn("#track-warn")
        target = self.query_one("#track-target", Input)
        self.filter_tracks(target.value)
        self.describe_track(target.value)
        target.focus()

    def set_targets(self) -> None:
        self.targets = track_targets(self.session)
        self.titles = {name: track_title(self.session, name) for name in self.targets}

    def filter_tracks(self, text: str) -> None:
        exact = self.target_of(text)
        words = text.strip().casefold().split()
        options = self.query_one("#track-list", OptionList)
        options.clear_options()
        for name, (value, lo, hi) in self.targets.items():
            title = self.titles[name]
            if name == exact or all(w in f"{name} {title}".casefold() for w in words):
                options.add_option(Option(f"{escape(title)}  [b]{value}[/] [$text-muted]({lo}..{hi})[/]", id=name))
        if not options.option_count:
            options.add_option(Option("no track matches", disabled=True))

    def describe_track(self, text: str) -> None:
        name = text.strip()
        target = self.target_of(name)
        info = self.query_one("#track-info", Static)
        value_input = self.query_one("#track-value", Input)
        if target is not None:
            value, lo, hi = self.targets[target]
            about = self.session.rulebook.describe(target.rpartition(".")[2])
            about = f"\n[$text-muted]{escape(about)}[/]" if about else ""
            info.update(f"[b]{escape(self.titles[target])}[/] is now [b]{value}[/]; it runs from {lo} to {hi}.{about}")
            value_input.validators = [Integer(lo, hi, f"a whole number from {lo} to {hi}")]
        else:
            options = self.query_one("#track-list", OptionList)
            first = options.get_option_at_index(0) if options.option_count else None
            if not name:
                info.update("[$text-muted]Type part of a track's name to filter the list; Enter picks the first, "
                            "Tab goes to the list.[/]")
            elif first is None or first.disabled:
                info.update(f"[$error]No track matches {escape(name)!r}.[/]")
            else:
                n = options.option_count
                info.update(f"[$text-muted]{n} track{'s' if n > 1 else ''} match{'' if n > 1 else 'es'}; Enter picks "
                            f"[b]{escape(self.titles.get(first.id or '', ''))}[/b].[/]")
            value_input.validators = []

    @on(Input.Changed, "#track-target")
    def _target_changed(self, event: Input.Changed) -> None:
        self.filter_tracks(event.value)
        self.describe_track(event.value)

    @on(Input.Submitted, "#track-target")
    def _target_submitted(self, event: Input.Submitted) -> None:
        name = self.target_of(event.value) or event.value.strip()
        if name not in self.targets:
            options = self.query_one("#track-list", OptionList)
            first = options.get_option_at_index(0) if options.option_count else None
            if first is None or first.disabled or first.id is None:
                self.say(f"There is no track {name!r}.", "Refused", "error")
                return
            name = first.id
        self.pick_track(name)

    @on(OptionList.OptionSelected, "#track-list")
    def _track_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.pick_track(event.option.id)

    def pick_track(self, name: str) -> None:
        target = self.query_one("#track-target", Input)
        with target.prevent(Input.Changed):
            target.value = self.titles[name]
        self.filter_tracks(name)
        self.describe_track(name)
        self.query_one("#track-value", Input).focus()

    @on(Input.Submitted, "#track-value")
    def _value_submitted(self) -> None:
        self.query_one("#track-why", Input).focus()

    @on(Input.Changed, "#track-why")
    def _why_changed(self) -> None:
        self.query_one("#track-error", Static).update("")

    @on(Input.Submitted, "#track-why")
    def _set_track(self) -> None:
        typed = self.query_one("#track-target", Input).value.strip()
        name = self.target_of(typed) or typed
        raw = self.query_one("#track-value", Input).value.strip()
        why = self.query_one("#track-why", Input).value.strip()
        out = self.query_one("#track-out", Static)
        if name not in self.targets:
            self.say(f"There is no track {name!r}: pick one from the list.", "Refused", "error")
            self.query_one("#track-target", Input).focus()
            return
        _, lo, hi = self.targets[name]
        try:
            value = int(raw)
        except ValueError:
            self.say(f"The new value of {self.titles[name]} must be a whole number from {lo} to {hi}.", "Refused", "error")
            self.query_one("#track-value", Input).focus()
            return
        if not why:
            message = "A justification is required: say why you set the track (it stays in the record)."
            self.query_one("#track-error", Static).update(f"[b $error]{message}[/]")
            self.say(message, "Refused", "error")
            self.query_one("#track-why", Input).focus()
            return
        secret = self.query_one("#track-secret", Checkbox).value
        try:
            step = self.session.game.set_track(name, value, why, secret)
        except (CommandError, SaveError) as e:
            self.refused(e)
            return
        out.update(markup(step.records) + "\n" + told_markup(self.session, len(self.session.game.steps) - 1))
        self.query_one("#track-secret", Checkbox).value = False
        self.warn("#track-warn")
        self.query_one("#track-why", Input).value = ""
        self.query_one("#track-value", Input).value = ""
        self.say(f"{self.titles[name]} set to {value}", "White Cell")
        self.set_targets()
        self.filter_tracks(name)
        self.describe_track(name)
        self.changed()
        out.scroll_visible()

