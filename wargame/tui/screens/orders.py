"""A cell chooses its orders: only legal ones are offered, each with its cost and its odds; an
order that cannot be given says why. Everything on it is worked out from the cell's own view
(:func:`wargame.engine.shown.order_menu`): the odds are exact where the cell knows all they read, else a
band over its estimates."""

from __future__ import annotations

from collections import Counter

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Button, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.model import CELL_TITLES, Order
from wargame.table.session import Session
from wargame.tui.screens.modals import ConfirmOrdersScreen
from wargame.tui.widgets.board import CellPanel, pretty
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.lists import highlight_first


class OrdersScreen(Screen[list[Order] | None]):
    """Returns the orders the cell gave (after it confirmed them), or None: a cell that had taken
    its orders back keeps those it gave before (Esc). What it picks is kept in the save as it
    goes (a game quit now comes back with it)."""

    BINDINGS = [
        Binding("g", "give", "Give orders…"),
        Binding("s", "toggle_board", "Board", tooltip="The board as your cell sees it: each theatre's ground, "
                "pressure, grievance..."),
        Binding("x,backspace", "remove", "Remove last"),
        # the app's action: the screen has none of that name (Tab did nothing on this screen)
        Binding("tab", "app.focus_next", "Next list", show=False),
        Binding("c", "charts", "Charts"),
        Binding("o", "objectives", "Objectives"),
        Binding("escape", "keep", "Keep the orders given before"),
    ]
    ABOUT = ("Pick an order (Enter), then where (Enter): only legal orders can be picked; one that cannot "
             "says why. The odds are as your cell can work them out: exact where it knows all they read, "
             "else a band over its estimates. **s** shows the board as your cell sees it (every theatre's ground, "
             "pressure, grievance...), to choose where. **g** gives your orders, after you confirm them; until the "
             "last cell has given its orders, you can take them back to change them (u on the handover). "
             "Nothing here is shown to the other cells.")
    HELP_TITLE = "the orders screen"

    def __init__(self, session: Session, cell: str):
        super().__init__()
        self.session = session
        self.cell = cell
        self.again = session.reopened(cell)  # taken back to change them: they stand until given again
        self.chosen: list[Order] = session.draft(cell)
        self.kind_id: str | None = None
        self.odds: dict[Order, str] = {}  # each order's odds as the cell sees them, from the menu
        self.shown_state = session.state  # the board this screen was drawn from

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="orders-top"):
            yield CellPanel(id="orders-cell")
            yield Static(id="orders-budget")
        with Horizontal(id="orders-lists"):
            with Vertical(classes="orders-pane"):
                yield Label("Orders (Enter to pick)", classes="list-title")
                yield OptionList(id="kinds")
            with Vertical(classes="orders-pane"):
                yield Label("Where", classes="list-title", id="targets-title")
                yield OptionList(id="targets")
        with Horizontal(id="orders-bottom"):
            yield Static(id="chosen")
            # g gives the orders; Tab and shift+Tab go between the two lists only, so a stray
            # Enter after them picks from a list and never asks to give the orders
            give = Button("Give orders… (g)", id="confirm", variant="primary")
            give.can_focus = False
            yield give
        yield KeysFooter()

    def on_mount(self) -> None:
        # short enough for the header of an 80-column terminal with the longest cell's title
        self.title = f"{CELL_TITLES[self.cell]}: orders, {self.session.quarter()}"
        self.sub_title = "for your eyes only"
        self.show_board()
        kinds = self.query_one("#kinds", OptionList)
        kinds.focus()
        highlight_first(kinds)
        if self.chosen:
            what = "the orders you gave, to change" if self.again else "the orders you had picked before the game was quit"
            self.notify(f"Back: {what}.", title=CELL_TITLES[self.cell], timeout=4)

    def on_screen_resume(self) -> None:
        # the White Cell (opened from this screen) may have changed the board under it, this
        # cell's tracks or budget too: drawn again from the board as it is now
        if self.session.state is not self.shown_state:
            self.show_board()

    def show_board(self) -> None:
        """The cell's tracks, its budget and its orders, from the board as it is now."""
        self.shown_state = self.session.state
        self.query_one("#orders-cell", CellPanel).show(self.session.view(self.cell), self.cell)
        self.refresh_lists()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "keep":
            return self.again
        return True

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
            why = _kind_reason(menu, kind.id)
            where = f" in {len(ok)} theatres" if kind.target == "theatre" and ok else ""
            if ok:
                odds = "" if kind.target == "theatre" else f", {self._odds(ok[0])}"
                prompt = f"[b]{escape(kind.title)}[/]  [$text-muted]cost {kind.cost}{odds}{where}[/]"
            else:  # it can be picked, and then says why not: drawn dimmer than those that can be given
                prompt = f"[$text-disabled]✗ {escape(kind.title)}: {escape(why)}[/]"
            kinds.add_option(Option(prompt, id=kind.id))
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
        keep = targets.highlighted if getattr(self, "_targets_of", None) == self.kind_id else None
        self._targets_of = self.kind_id
        targets.clear_options()
        title = self.query_one("#targets-title", Label)
        if self.kind_id is None:
            title.update("Where: pick an order first")
            return
        kind = self.session.rulebook.order_kinds[self.kind_id]
        if kind.target != "theatre":  # the heading follows the order under the cursor
            title.update(f"{escape(kind.title)}: no theatre")
            targets.add_option(Option("[$text-muted]This order needs no theatre.[/]", disabled=True))
            return
        title.update(f"Where: {escape(kind.title)}")
        menu = [m for m in self.menu() if m.order.kind == kind.id]
        legal = {m.order for m in menu if m.available}
        reasons = {m.order: m.reason or "" for m in menu if not m.available}
        for t in self.session.state.theatres:
            order = Order(self.cell, kind.id, t.name)
            if order in legal:
                targets.add_option(Option(f"[b]{escape(t.title)}[/]  [$text-muted]{self._odds(order)}[/]", id=t.name))
            else:  # picking it says why it cannot be given (it never picks another theatre)
                why = reasons.get(order, "") or "not available"
                targets.add_option(Option(f"[$text-disabled]✗ {escape(t.title)}: {escape(why)}[/]", id=t.name))
        if keep is not None and keep < targets.option_count:
            targets.highlighted = keep  # the theatre just picked stays under the cursor
        else:
            first = next((i for i, t in enumerate(self.session.state.theatres)
                          if Order(self.cell, kind.id, t.name) in legal), 0)
            targets.highlighted = first if targets.option_count else None

    def refresh_chosen(self) -> None:
        s = self.session
        track, budget = s.budget(self.cell)
        spent = sum(s.cost(o) for o in self.chosen)
        self.query_one("#orders-budget", Static).update(
            f"[b]Budget:[/b] {budget} ({pretty(track)})\nspent {spent}, left {budget - spent}\n"
            f"orders: {len(self.chosen)} of at most {s.rulebook.max_orders}"
        )
        lines = ["[b]Your orders this turn[/b] (x removes the last; g gives them):"]
        lines += [f" • {line}" for line in self.order_lines()]
        if not self.chosen:
            lines.append(" none yet: giving no orders is allowed")
        self.query_one("#chosen", Static).update("\n".join(lines))

    def order_lines(self) -> list[str]:
        s = self.session
        out = []
        for o in self.chosen:
            kind = s.rulebook.order_kinds[o.kind]
            where = next((t.title for t in s.state.theatres if t.name == o.theatre), "")
            out.append(f"{escape(kind.title)}{' in ' + escape(where) if where else ''} (cost {kind.cost}, "
                       f"{self._odds(o)})")
        return out

    # events

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        s = self.session
        if event.option_list.id == "kinds":
            kind = s.rulebook.order_kinds[event.option.id]
            if not any(m.available for m in self.menu() if m.order.kind == kind.id):
                why = _kind_reason(self.menu(), kind.id)
                self.notify(why, title=f"{kind.title}: not available", severity="warning", markup=False)
                return
            if kind.target == "theatre":
                self.kind_id = kind.id
                self.refresh_targets()
                self.query_one("#targets", OptionList).focus()
            else:
                self.add(Order(self.cell, kind.id, None))
        elif event.option_list.id == "targets" and self.kind_id is not None:
            added = self.add(Order(self.cell, self.kind_id, event.option.id))
            if added:
                self.query_one("#kinds", OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "kinds" and event.option is not None:
            kind = self.session.rulebook.order_kinds[event.option.id]
            if kind.id != self.kind_id:
                self.kind_id = kind.id
                self.refresh_targets()

    def add(self, order: Order) -> bool:
        """Add ``order`` if it can be given; else say why (and add nothing)."""
        why = next((m.reason for m in self.menu() if m.order == order), "not available")
        if why is not None:
            kind = self.session.rulebook.order_kinds[order.kind]
            where = next((t.title for t in self.session.state.theatres if t.name == order.theatre), "")
            self.notify(why, title=f"{kind.title}{' in ' + where if where else ''}: not available",
                        severity="warning", markup=False)
            return False
        self.chosen.append(order)
        self.session.keep_draft(self.cell, self.chosen)
        self.refresh_lists()
        return True

    def action_remove(self) -> None:
        if self.chosen:
            self.chosen.pop()
            self.session.keep_draft(self.cell, self.chosen)
            self.refresh_lists()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_give()

    def action_give(self) -> None:
        """Ask the cell to confirm its orders; they are given only once it does."""

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.leave(list(self.chosen))

        self.app.push_screen(ConfirmOrdersScreen(CELL_TITLES[self.cell], self.order_lines(),
                                                 self.session.is_last(self.cell)), confirmed)

    def action_toggle_board(self) -> None:
        """The board as this cell sees it (its own view: never another cell's secrets)."""
        from wargame.tui.screens.seat_board import SeatBoardScreen

        self.app.push_screen(SeatBoardScreen(self.session, self.cell))

    def action_charts(self) -> None:
        from wargame.tui.screens.charts import ChartsScreen

        self.app.push_screen(ChartsScreen(self.session, seat=self.cell))

    def action_objectives(self) -> None:
        from wargame.tui.screens.end import ObjectivesScreen

        self.app.push_screen(ObjectivesScreen(self.session, seat=self.cell))

    def action_keep(self) -> None:
        """A cell that took its orders back keeps those it gave before."""
        if self.again:
            self.leave(None)

    def leave(self, orders: list[Order] | None) -> None:
        """Close: what was said to this cell here (its orders back, why one cannot be given) is
        private to it and stays with this screen."""
        self.app.clear_notifications()
        self.dismiss(orders)


def _kind_reason(menu, kind: str) -> str:
    """Why no order of ``kind`` can be given, for its line in the list: the reason most of its
    theatres give ("costs 3, and only 1 is left" over the one theatre "already ordered this turn")."""
    reasons = Counter(m.reason for m in menu if m.order.kind == kind and not m.available and m.reason)
    return reasons.most_common(1)[0][0] if reasons else "not available"
