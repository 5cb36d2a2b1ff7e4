"""A cell chooses its orders: only legal ones are offered, each with its cost and its odds; an
order that cannot be given says why. Everything on it is worked out from the cell's own view
(:func:`wargame.engine.shown.order_menu`): the odds are exact where the cell knows all they read, else a
band over its estimates."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.model import CELL_TITLES, Order
from wargame.table.session import Session
from wargame.tui.widgets.board import CellPanel, pretty


class OrdersScreen(Screen[list[Order]]):
    """Returns the orders the cell confirmed."""

    BINDINGS = [
        Binding("c", "confirm", "Confirm orders"),
        Binding("x,backspace", "remove", "Remove last"),
        Binding("tab", "focus_next", "Next list", show=False),
    ]

    def __init__(self, session: Session, cell: str):
        super().__init__()
        self.session = session
        self.cell = cell
        self.chosen: list[Order] = []
        self.kind_id: str | None = None
        self.odds: dict[Order, str] = {}  # each order's odds as the cell sees them, from the menu

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="orders-top"):
            yield CellPanel(id="orders-cell")
            yield Static(id="orders-budget")
        with Horizontal(id="orders-lists"):
            with Vertical():
                yield Label("Orders (Enter to pick)", classes="list-title")
                yield OptionList(id="kinds")
            with Vertical():
                yield Label("Where", classes="list-title", id="targets-title")
                yield OptionList(id="targets")
        with Horizontal(id="orders-bottom"):
            yield Static(id="chosen")
            yield Button("Confirm orders (c)", id="confirm", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"{CELL_TITLES[self.cell]}: orders for {self.session.quarter()}"
        self.sub_title = "only you can see this screen"
        self.query_one("#orders-cell", CellPanel).show(self.session.view(self.cell), self.cell)
        self.refresh_lists()
        kinds = self.query_one("#kinds", OptionList)
        kinds.focus()
        _highlight_first(kinds)

    # lists

    def menu(self):
        """The cell's orders now: available or why not, and the odds as the cell sees them."""
        return self.session.menu(self.cell, self.chosen)

    def refresh_lists(self) -> None:
        s = self.session
        menu = self.menu()
        self.odds = {m.order: m.odds for m in menu}
        kinds = self.query_one("#kinds", OptionList)
        highlighted = kinds.highlighted
        kinds.clear_options()
        for kind in s.rulebook.orders:
            if kind.cell != self.cell:
                continue
            ok = [m.order for m in menu if m.order.kind == kind.id and m.available]
            why = next((m.reason for m in menu if m.order.kind == kind.id and not m.available), "not available")
            where = f" in {len(ok)} theatres" if kind.target == "theatre" and ok else ""
            if ok:
                odds = "" if kind.target == "theatre" else f", {self._odds(ok[0])}"
                prompt = f"{escape(kind.title)}  [$text-muted]cost {kind.cost}{odds}{where}[/]"
                kinds.add_option(Option(prompt, id=kind.id))
            else:
                kinds.add_option(Option(f"[$text-muted]{escape(kind.title)}: {escape(why)}[/]", id=kind.id,
                                        disabled=True))
        if highlighted is not None and highlighted < kinds.option_count:
            kinds.highlighted = highlighted
        self.refresh_targets()
        self.refresh_chosen()

    def _odds(self, order: Order) -> str:
        if self.session.rulebook.order_kinds[order.kind].chance is None:
            return "certain"
        odds = self.odds.get(order)
        return f"{odds if odds is not None else self.session.odds(self.cell, order)} chance"

    def refresh_targets(self) -> None:
        targets = self.query_one("#targets", OptionList)
        targets.clear_options()
        title = self.query_one("#targets-title", Label)
        if self.kind_id is None:
            title.update("Where: pick an order first")
            return
        kind = self.session.rulebook.order_kinds[self.kind_id]
        title.update(f"Where: {escape(kind.title)}")
        menu = [m for m in self.menu() if m.order.kind == kind.id]
        legal = {m.order for m in menu if m.available}
        reasons = {m.order: m.reason or "" for m in menu if not m.available}
        for t in self.session.state.theatres:
            order = Order(self.cell, kind.id, t.name)
            if order in legal:
                targets.add_option(Option(f"{escape(t.title)}  [$text-muted]{self._odds(order)}[/]", id=t.name))
            else:
                targets.add_option(Option(f"[$text-muted]{escape(t.title)}: {escape(reasons.get(order, ''))}[/]",
                                          id=t.name, disabled=True))
        _highlight_first(targets)

    def refresh_chosen(self) -> None:
        s = self.session
        track, budget = s.budget(self.cell)
        spent = sum(s.cost(o) for o in self.chosen)
        self.query_one("#orders-budget", Static).update(
            f"[b]Budget:[/b] {budget} ({pretty(track)})\nspent {spent}, left {budget - spent}\n"
            f"orders: {len(self.chosen)} of at most {s.rulebook.max_orders}"
        )
        lines = ["[b]Your orders this turn[/b] (x removes the last):"]
        for o in self.chosen:
            kind = s.rulebook.order_kinds[o.kind]
            where = next((t.title for t in s.state.theatres if t.name == o.theatre), "")
            lines.append(f" • {escape(kind.title)}{' in ' + escape(where) if where else ''} (cost {kind.cost}, "
                         f"{self._odds(o)})")
        if not self.chosen:
            lines.append(" none yet: giving no orders is allowed")
        self.query_one("#chosen", Static).update("\n".join(lines))

    # events

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        s = self.session
        if event.option_list.id == "kinds":
            kind = s.rulebook.order_kinds[event.option.id]
            if kind.target == "theatre":
                self.kind_id = kind.id
                self.refresh_targets()
                self.query_one("#targets", OptionList).focus()
            else:
                self.add(Order(self.cell, kind.id, None))
        elif event.option_list.id == "targets" and self.kind_id is not None:
            self.add(Order(self.cell, self.kind_id, event.option.id))
            self.query_one("#kinds", OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "kinds" and event.option is not None:
            kind = self.session.rulebook.order_kinds[event.option.id]
            if kind.target == "theatre" and not event.option.disabled:
                self.kind_id = kind.id
                self.refresh_targets()

    def add(self, order: Order) -> None:
        why = next((m.reason for m in self.menu() if m.order == order), "not available")
        if why is not None:
            self.notify(why, title="Not available", severity="warning")
            return
        self.chosen.append(order)
        self.refresh_lists()

    def action_remove(self) -> None:
        if self.chosen:
            self.chosen.pop()
            self.refresh_lists()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_confirm()

    def action_confirm(self) -> None:
        self.dismiss(list(self.chosen))


def _highlight_first(options: OptionList) -> None:
    """Highlight the first option that can be picked, so Enter does something at once."""
    first = next((i for i in range(options.option_count) if not options.get_option_at_index(i).disabled), None)
    if first is not None:
        options.highlighted = first
