"""Widgets that show a view of the board: every one draws only what a :class:`View` holds."""

from __future__ import annotations

from functools import lru_cache

from rich.table import Table
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import DataTable, Static

from wargame.engine.adjudication import Adjudication
from wargame.engine.rulebook import Rulebook, load_rulebook
from wargame.engine.titles import placed
from wargame.engine.view import View


@lru_cache(maxsize=1)
def _shipped() -> Rulebook:
    return load_rulebook()


def titled(rulebook: Rulebook | None) -> Rulebook:
    """The rulebook whose titles a widget shows: the one given (the game's), else the shipped one
    (whose titles cover every name of the board the engine has)."""
    return rulebook if rulebook is not None else _shipped()


def _app_rulebook(widget) -> Rulebook | None:
    try:
        session = getattr(widget.app, "session", None)
        return getattr(session, "rulebook", None) or getattr(widget.app, "rulebook", None)
    except Exception:  # noqa: BLE001 - not mounted in an app (a test drawing it alone)
        return None

# Column, theatre field, tooltip-ish header
THEATRE_COLUMNS = (
    ("Theatre", None),
    ("Held", "territory"),
    ("Oil", "oil"),
    ("IS", "is_province"),
    ("AQ", "aq_affiliate"),
    ("Offsh", None),
    ("Griev", "grievance"),
    ("Gov", "governance"),
    ("Press", "pressure"),
    ("Reform", "reform"),
    ("Peace", "peace"),
)

CELL_TRACKS = {
    "is": ("is_funds", "is_fighters", "is_wages", "is_services", "is_recruitment", "is_acceptance", "is_cohesion",
           "is_brutality", "is_ego", "is_standing", "is_setbacks", "is_leader_hardline", "is_leader_vacuum"),
    "aq": ("aq_funds", "aq_standing", "aq_ego", "aq_discipline", "aq_recruitment", "aq_leader_hardline",
           "aq_leader_vacuum"),
    "coalition": ("coalition_will", "coalition_budget", "coalition_intel"),
    "governments": ("gov_capacity",),
}


def leader_now(leader) -> str:
    """Who leads a group now, from its leader's tracks. The name the scenario gives is the
    opening leader's and stays on the board after his death (the cards that kill him count a
    succession and open a vacuum; no card names his successor), so it is only shown while he is
    in post: after a death, the post is vacant while the vacuum lasts, then held by a successor."""
    if leader.successions == 0:
        return leader.name
    if leader.vacuum > 0:
        quarters = "quarter" if leader.vacuum == 1 else "quarters"
        return f"post vacant ({leader.vacuum} {quarters} of vacuum left)"
    if leader.successions == 1:
        return f"{leader.name}'s successor"
    return f"a successor ({leader.successions} successions since {leader.name})"


def pretty(name: str, rulebook: Rulebook | None = None) -> str:
    """A track's title for a reader (``is_funds`` → "IS funds"): the rulebook's (rules/titles.toml)."""
    return titled(rulebook).title(name)


# What each of the theatre table's short column heads means (the board's tooltip and its F1 help)
THEATRE_LEGEND = (
    ("Held", "IS-held territory, 0 to 10"),
    ("Oil", "oil sites IS holds"),
    ("IS", "strength of the IS province"),
    ("AQ", "strength of AQ's affiliate"),
    ("Offsh", "strength of the offshoot groups in play"),
    ("Griev", "Sunni and local grievance"),
    ("Gov", "governance"),
    ("Press", "coalition pressure"),
    ("Reform", "political reform (faithful: carried out faithfully)"),
    ("Peace", "peace talks, 0 to 5 (settled: a settlement reached)"),
)


def theatre_legend(sep: str = "; ") -> str:
    """The theatre table's columns in words: "Held: IS-held territory, 0 to 10; Oil: ..."."""
    return sep.join(f"{head}: {meaning}" for head, meaning in THEATRE_LEGEND)


class TheatreTable(DataTable):
    """The theatres at a glance: who holds what, and the political climate. Its tooltip says
    what each column means; where not all columns fit, its border says that ←→ (with the table
    focused, Tab) scrolls to the rest."""

    DEFAULT_CSS = """
    TheatreTable { height: auto; max-height: 12; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for label, _ in THEATRE_COLUMNS:
            self.add_column(label, key=label)
        self.tooltip = "The columns:\n" + theatre_legend("\n")

    def on_resize(self) -> None:
        self.call_after_refresh(self.note_hidden_columns)

    def note_hidden_columns(self) -> None:
        hidden = self.virtual_size.width > self.scrollable_content_region.width
        self.border_subtitle = "more columns: Tab, then ←→" if hidden else ""

    def show(self, view: View) -> None:
        self.clear()
        for t, row in zip(view.theatres, theatre_rows(view)):
            self.add_row(*row, key=t.name)
        self.call_after_refresh(self.note_hidden_columns)


def cell_rows(view: View, cell: str, rulebook: Rulebook | None = None) -> list[tuple[str, str]]:
    """One cell's tracks as the seat of ``view`` sees them: (title, value or estimate)."""
    rows = []
    for name in CELL_TRACKS[cell]:
        est = view.tracks.get(name)
        if est is not None:
            rows.append((pretty(name, rulebook), str(est) + ("" if est.exact else " (est.)")))
    return rows


class CellPanel(Static):
    """One cell's tracks, as that cell (or the room) may see them."""

    def show(self, view: View, cell: str, rulebook: Rulebook | None = None) -> None:
        rulebook = titled(rulebook or _app_rulebook(self))
        rows = cell_rows(view, cell, rulebook)
        # two pairs of columns for a long list, so it fits a small terminal
        half = (len(rows) + 1) // 2 if len(rows) > 6 else len(rows)
        table = Table.grid(padding=(0, 1))
        for _ in range(2 if half < len(rows) else 1):
            table.add_column(style="bold")
            table.add_column(justify="right", min_width=4)
        for i in range(half):
            right = rows[i + half] if i + half < len(rows) else ("", "")
            table.add_row(*rows[i], *(right if half < len(rows) else ()))
        self.update(table)
        self.border_title = rulebook.title(cell)


def relation_lines(view: View, rulebook: Rulebook | None = None) -> list[str]:
    """The AQ-IS relation as the seat of ``view`` sees it (markup)."""
    rb = titled(rulebook)
    title = rb.title
    stage = int(view.tracks["relation_stage"].lo)
    lines = [f"[b]{escape(title('relation_stage'))}:[/b] {escape(rb.stage_title(stage))}"]
    if stage in (2, 3):
        lines.append(f"{escape(title('relation_autonomy'))}: {view.tracks['relation_autonomy']}")
        lines.append(f"{escape(title('relation_strain'))}: {view.tracks['relation_strain']}")
    if stage == 1:
        lines.append(f"{escape(title('relation_offered'))}: " + ("yes" if view.tracks["relation_offered"].lo else "no"))
    t = view.tracks
    lines.append(f"{escape(title('offshoot_count'))}: {len(view.offshoots)} in play, {t['tally_offshoots_formed']} formed, "
                 f"{t['tally_offshoots_absorbed']} absorbed by AQ")
    lines.append(f"{escape(title('tally_second_splits'))}: {t['tally_second_splits']}")
    return lines


class RelationPanel(Static):
    def show(self, view: View, rulebook: Rulebook | None = None) -> None:
        self.update("\n".join(relation_lines(view, rulebook or _app_rulebook(self))))


def deck_lines(view: View, titles: dict[str, str]) -> list[str]:
    """The decks as anyone sees them: cards left, played, set aside (markup)."""
    return [f"[b]{titles.get(d.deck, d.deck)}[/b]: {d.left} left, {len(d.played)} played"
            + (f", {d.aside} set aside" if d.aside else "") for d in view.decks]


def theatre_rows(view: View) -> list[tuple[str, ...]]:
    """The theatre table's rows (see :data:`THEATRE_COLUMNS`) as the seat of ``view`` sees them."""
    offshoots: dict[str, int] = {}
    for o in view.offshoots:
        offshoots[o.theatre] = offshoots.get(o.theatre, 0) + o.strength
    rows = []
    for t in view.theatres:
        reform = f"{t.reform}{' faithful' if t.faithful and t.reform else ''}"
        peace = "settled" if t.settled else str(t.peace)
        rows.append((t.title, str(t.territory), str(t.oil), str(t.is_province), str(t.aq_affiliate),
                     str(offshoots.get(t.name, 0)), str(t.grievance), str(t.governance), str(t.pressure), reform, peace))
    return rows


class DecksPanel(Static):
    """The decks, in a box. Under the others of a column that does not scroll (the board between
    turns), on a short terminal (80x24) there may be no room left for it: :meth:`fit` has it stand
    aside then, rather than show its top border cut off."""

    def show(self, view: View, titles: dict[str, str]) -> None:
        self.update("\n".join(deck_lines(view, titles)))

    def fit(self) -> None:
        """Shown only where its whole box fits below the widgets above it in its column (call it
        once the column is laid out; never in a column that scrolls, where it is scrolled to)."""
        column = self.parent
        if not isinstance(column, Widget) or not self.is_mounted or column.styles.layout.name != "vertical":
            return  # side by side with others (a row), it takes no room from below them
        taken = sum(w.outer_size.height for w in column.children if w is not self and w.display)
        room = column.content_size
        edges = self.styles.gutter + self.styles.margin
        # its lines as they wrap at the column's width (a deck's line may take two)
        lines = self.get_content_height(room, self.app.size, max(1, room.width - edges.width))
        needed = lines + edges.height
        self.display = column.content_size.height - taken >= needed


def record_markup(r: Adjudication, rulebook: Rulebook | None = None, ref: bool = False) -> str:
    """A record in Textual markup (theme colours): what happened, the odds and the roll, the
    tracks it changed (by their titles), the rule's ¶. Give it a record as the seat is shown it
    (:func:`wargame.engine.shown.render_records`): its odds may then be a band over the seat's
    estimates. ``ref``: the rule, order or card id too, for the White Cell to look it up."""
    rb = titled(rulebook)
    mark = "[b $success]✔[/]" if r.happened else "[b $error]✘[/]"
    where = escape(placed(r.title, rb.where_title(r.where))[len(r.title):])  # " in Iraq", unless the title names it
    odds = ""
    if r.rolled:
        verdict = f", so {r.outcome}" if r.roll is not None else ""
        odds = f"  [i]{escape(r.odds)}{escape(verdict)}[/]"
    lines = [f"{mark} [b]{escape(r.title)}[/]{where}{odds}", f"   {escape(r.sentence(rb))}"]
    changes = r.changes_text(rb)
    if changes:
        lines.append(f"   [$text-muted]{escape(changes)}[/]")
    cites = ", ".join(f"¶{c}" for c in r.cites)
    label = ", ".join(filter(None, (r.ref if ref else "", cites)))
    if label:
        lines.append(f"   [$text-muted i]({escape(label)})[/]")
    if r.original is not None:
        lines.append(f"   [b $warning]Overridden by the White Cell:[/] {escape(r.justification)}")
    elif r.justification:
        lines.append(f"   [b $warning]White Cell:[/] {escape(r.justification)}")
    return "\n".join(lines)


def board_text(view: View, titles: dict[str, str], rulebook: Rulebook | None = None) -> str:
    """Everything the board shows the seat of ``view`` in plain lines: the theatres, every cell's
    panel, the relation and the decks (what the widgets above draw)."""
    rb = titled(rulebook)
    lines = [" | ".join(row) for row in theatre_rows(view)]
    for cell in CELL_TRACKS:
        lines.append(f"{rb.title(cell)}: " + ", ".join(f"{n} {v}" for n, v in cell_rows(view, cell, rb)))
    return "\n".join(lines + relation_lines(view, rb) + deck_lines(view, titles))
