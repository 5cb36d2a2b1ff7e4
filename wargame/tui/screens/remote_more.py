"""A joined seat's charts, objectives and walkthrough of its last results: the table's own screens
(wargame.tui.screens.charts, end and modals), fed with what the server sent the seat, never more.

- :class:`RemoteChartsScreen`: the table's :class:`ChartsScreen` over the seat's last ``charts``
  message (``client.charts``: the server sends exactly ``charts(rulebook, game, seat)``, only the
  series the seat may always see exactly), rebuilt as :class:`~wargame.record.plots.Chart` objects
  and drawn by the same :class:`~wargame.tui.widgets.plots.ChartPlot`.
- :class:`RemoteObjectivesScreen`: the table's :class:`ObjectivesScreen` and table, whose points are
  :func:`wargame.engine.shown.objective_points` on the seat's own view (``client.view``): a range
  where the seat cannot know.
- :class:`RemoteWalkthroughScreen`: the table's :class:`WalkthroughScreen` over the records of the last
  ``results`` message (``client.results``), turned back into the engine's records.

The charts and the objectives follow the client: a new ``charts`` or ``view`` message redraws them
while they are open. The walkthrough keeps the results it opened on.
"""

from __future__ import annotations

from typing import Any

from textual.events import Mount
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.rulebook import Rulebook
from wargame.engine.shown import Points, objective_points
from wargame.net.client import Client, view_from_payload
from wargame.net.extras import charts_from_payload, record_from_payload
from wargame.record.commands import RESOLUTION_PHASES
from wargame.tui.screens.charts import ChartsScreen
from wargame.tui.screens.end import ObjectivesScreen, objectives_table
from wargame.tui.screens.modals import WalkthroughScreen
from wargame.tui.widgets.board import titled
from wargame.tui.widgets.lists import highlight_first

FOLLOW = 0.25  # seconds between looks at the client for a newer message, while a screen is open


def _seat_title(rulebook: Rulebook, seat: str | None) -> str:
    if seat in (None, "public", "room"):
        return "what the whole room may see"
    if seat == "white":
        return "the White Cell: every track"
    return rulebook.title(seat)


class RemoteChartsScreen(ChartsScreen):
    """The main tracks turn by turn, as the server sent them to this seat (``client.charts``):
    ``RemoteChartsScreen(client, rulebook=None)`` (the rulebook only titles the seat)."""

    def __init__(self, client: Client, rulebook: Rulebook | None = None):
        # not ChartsScreen.__init__: it works the charts out of a session, and a joined seat has
        # only what the server sent it
        Screen.__init__(self)
        self.client = client
        self.rulebook = titled(rulebook)
        self.seat = client.seat or "public"
        self.heading = "The main tracks, turn by turn"
        self._payloads = client.charts
        self.charts = charts_from_payload(self._payloads)

    def on_mount(self, event: Mount) -> None:
        event.prevent_default()  # not ChartsScreen's: it titles the seat from a session
        self.title = "Charts"
        self.sub_title = _seat_title(self.rulebook, self.seat)
        self.fill()
        self.query_one("#charts-list", OptionList).focus()
        self.set_interval(FOLLOW, self.follow)

    def fill(self) -> None:
        """The list of the charts (the one under the cursor kept) and the chart drawn."""
        options = self.query_one("#charts-list", OptionList)
        at = options.highlighted
        options.clear_options()
        options.add_options([Option(escape(c.series.title)) for c in self.charts])
        if not self.charts:
            options.add_option(Option("no chart this seat may see", disabled=True))
        if at is not None and at < len(self.charts):
            options.highlighted = at
        else:
            highlight_first(options)
        self.show_chart()

    def follow(self) -> None:
        """A newer ``charts`` message: drawn."""
        if self.client.charts is not self._payloads:
            self._payloads = self.client.charts
            self.charts = charts_from_payload(self._payloads)
            self.fill()


class _SeatObjectives:
    """What the table's objectives table asks of a session (``objective_points(seat, cell)``),
    worked out from the joined seat's view only (``client.view``, the server's view of the seat)."""

    def __init__(self, client: Client, rulebook: Rulebook):
        self.client = client
        self.rulebook = rulebook

    def objective_points(self, seat: str, cell: str | None = None) -> list[Points]:
        payload = self.client.view
        if payload is None:
            return []
        return objective_points(self.rulebook, view_from_payload(payload), cell)


class RemoteObjectivesScreen(ObjectivesScreen):
    """Every cell's objectives, with the points each would score now, as this seat can work them
    out from its view: ``RemoteObjectivesScreen(client, rulebook=None)`` (None: the shipped
    rulebook, as the joined app's)."""

    def __init__(self, client: Client, rulebook: Rulebook | None = None):
        super().__init__(_SeatObjectives(client, titled(rulebook)), client.seat or "public")  # type: ignore[arg-type]
        self.client = client
        self._view: Any = client.view

    def on_mount(self) -> None:  # then ObjectivesScreen's (Textual calls both): the table drawn
        self.set_interval(FOLLOW, self.follow)

    def follow(self) -> None:
        """A newer ``view``: the points worked out again."""
        if self.client.view is not self._view:
            self._view = self.client.view
            self.query_one("#objectives", Static).update(objectives_table(self.session, self.seat))


class RemoteWalkthroughScreen(WalkthroughScreen):
    """The table's walkthrough over the records of the last ``results`` message (``client.results``),
    one at a time (odds, roll, rule, ¶, why), as this seat was shown them:
    ``RemoteWalkthroughScreen(client, rulebook=None)``. It keeps the results it opened on."""

    def __init__(self, client: Client, rulebook: Rulebook | None = None):
        records = [record_from_payload(r) for r in client.results]
        turn = next((r.turn for r in records if r.phase in RESOLUTION_PHASES), None)
        if turn is None:
            turn = records[0].turn if records else (client.view or {}).get("turn")
        title = f"Turn {turn}: the last results" if turn is not None else "The last results"
        super().__init__(titled(rulebook), title, records, seat=client.seat or "public")
        self.client = client
