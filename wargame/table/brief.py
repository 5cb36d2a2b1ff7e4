"""The read-ahead each cell gets before an exercise: ``wargame brief``.

A brief is written for one seat and holds, in this order:

1. **the situation** at the start of the scenario *as that seat may see it*: the scenario's story,
   the tracks of every cell and of the AQ-IS relation, who is the weaker group, the theatres, the
   offshoots and the decks. All of it is worked out from ``view(state, seat)``
   (:mod:`wargame.engine.view`) through the functions every screen uses
   (:mod:`wargame.engine.shown`): the seat's own tracks exactly, another cell's secret tracks as
   the seat's estimate, a range (never the true value), a formula that reads one as a range;
2. **its objectives**, what each asks, what it would score on the opening board (as the seat can
   work it out) and the article's paragraphs (¶) it rests on;
3. **its orders**: cost, what each does, when it is not available (its requirements' reasons),
   where it can be given on the opening board and at what odds (a band where the odds read
   another cell's secret), and its ¶;
4. **what the other cells are known to want**: their objectives' public descriptions. An
   objective marked secret in the data (``secret = true``; none is in the shipped rules) is left
   out, and the brief says the cell keeps some aims to itself;
5. **the article**: every ¶ the brief cites, with our one-line summary of it from
   ``docs/article.md`` when that file can be read at run time (it is not part of the package:
   without it, paragraphs are cited by number only and the brief says so).

``seat = "white"``, the White Cell (the facilitator), is allowed: its brief shows everything as it
is (every cell's tracks exactly, every cell's objectives, secret ones included and marked, and
orders with the exact odds) and says at the top that it is not for the cells.

The opening board is the scenario's, with the decks shuffled by ``seed``. The seed decides nothing
else a brief shows but where each estimate range sits around the truth (:func:`view`): given the
game's own seed, a cell's brief shows the very ranges it will see on turn 1, so the brief adds
nothing to what the game itself tells it. A brief never shows the seed.

Briefs render as Markdown (:func:`wargame.table.brief_render.render_markdown`) or as one self-contained HTML file
(:func:`wargame.table.brief_render.render_html`: inline CSS, every text escaped, no external asset, no script). Both end with
:data:`MARK`, by which the writer knows a file it may replace with a new brief (:func:`is_brief`).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
from attrs import frozen

from wargame.engine.board import GLOBAL_TRACKS, THEATRE_TRACKS
from wargame.engine.model import CELL_TITLES, CELLS, State
from wargame.engine.picture import Picture, picture
from wargame.engine.rulebook import Rulebook
from wargame.engine.shown import objective_points, order_menu, order_odds
from wargame.engine.turn import new_game
from wargame.engine.view import PARTIES, View, view
from wargame.table.article import CITE, NO_ARTICLE, Article, read_article

WHITE = "white"
SEATS: tuple[str, ...] = CELLS + (WHITE,)
"""The seats a brief may be written for: the four cells and the White Cell."""
MARK = "<!-- wargame brief -->"
"""The end of every brief (Markdown: its last line; HTML: just before ``</body>``): how the writer knows a
file it may replace with a new brief."""

"""Our summary of the article, paragraph by paragraph; beside the rules in a checkout, not in the
package: a brief cites paragraphs by number alone when it cannot be read."""

# --- titles: what a player reads instead of the rulebook's names -----------------------------------
# Every title is the rulebook's (rules/titles.toml): ``rulebook.title(name)``.

THEATRE_COLUMNS: tuple[str, ...] = ("territory", "oil", "is_province", "aq_affiliate", "grievance", "governance",
                                    "pressure", "reform", "peace")
"""The theatre tracks a brief tabulates, in its columns' order (the others are notes)."""
FORMULAS: dict[str, str] = {"is_power": ".1f", "aq_power": ".1f", "power_gap": "+.1f"}
"""The rulebook's formulas a brief shows (those the rulebook has), with their format: who is the
weaker group (¶2, ¶3)."""
STRENGTH_CITES = (2, 3)
CELL_PREFIXES = {"is": ("is_",), "aq": ("aq_",), "coalition": ("coalition_",), "governments": ("gov_",)}
LEFT_OUT = ("_successions",)  # counters, not positions on the board


def seat_title(seat: str, rulebook: Rulebook | None = None) -> str:
    """"the White Cell", or "the Islamic State" (the rulebook's title of the cell)."""
    return "the White Cell" if seat == WHITE else f"the {rulebook.title(seat) if rulebook else CELL_TITLES[seat]}"


# --- the brief, as data --------------------------------------------------------------------------


@frozen
class Row:
    """One track as the seat sees it: exact, or its estimate (a range)."""

    title: str
    value: str
    estimate: bool = False


@frozen
class Group:
    title: str
    rows: tuple[Row, ...]
    note: str = ""


@frozen
class TheatreRow:
    title: str
    values: tuple[str, ...]  # in the order of Situation.columns
    notes: tuple[str, ...]


@frozen
class Situation:
    scenario_title: str
    scenario_text: str
    calendar: str
    groups: tuple[Group, ...]  # the seat's own tracks first, then the other cells', then the relation
    strengths: tuple[Row, ...]
    columns: tuple[str, ...]
    theatres: tuple[TheatreRow, ...]
    offshoots: tuple[str, ...]
    decks: tuple[str, ...]
    cites: tuple[int, ...]
    strengths_note: str = ""  # what the strengths mean: the rulebook's text of the power gap


@frozen
class ObjectiveItem:
    title: str
    text: str
    points: int  # the most it scores
    now: str  # what it would score on the opening board, as the seat can work it out ("" if not shown)
    cites: tuple[int, ...]
    secret: bool = False


@frozen
class OrderItem:
    title: str
    text: str
    cost: int
    where: str  # "in one theatre" or "for the whole board"
    requires: tuple[str, ...]  # when it is not available: its requirements' reasons
    now: str  # where and at what odds it can be given on the opening board
    cites: tuple[int, ...]


@frozen
class CellPart:
    """A cell's objectives and orders in full: the seat's own (every cell's, for the White Cell)."""

    cell: str
    title: str
    budget: str  # "IS funds (now 12)"
    max_orders: int
    objectives: tuple[ObjectiveItem, ...]
    orders: tuple[OrderItem, ...]


@frozen
class Aims:
    """What another cell is known to want: its objectives that are not secret."""

    cell: str
    title: str
    objectives: tuple[ObjectiveItem, ...]
    keeps_secret: bool  # it has objectives left out because they are secret


@frozen
class Paragraph:
    n: int
    summary: str  # "" when the article's summaries could not be read


@frozen
class Brief:
    seat: str
    scenario: str
    situation: Situation
    parts: tuple[CellPart, ...]
    others: tuple[Aims, ...]
    paragraphs: tuple[Paragraph, ...]
    reference: str
    seat_name: str = ""  # the rulebook's title of the seat's cell ("" for the White Cell)

    @property
    def white(self) -> bool:
        return self.seat == WHITE

    @property
    def who(self) -> str:
        """"the White Cell", or "the Islamic State"."""
        return "the White Cell" if self.white else f"the {self.seat_name or CELL_TITLES[self.seat]}"

    @property
    def title(self) -> str:
        who = "the White Cell" if self.white else f"{self.who} cell"
        return f"Brief for {who} — {self.situation.scenario_title}"


# --- working it out --------------------------------------------------------------------------------


def brief(rulebook: Rulebook, scenario: str, seat: str, *, seed: int = 0, article: Article | None = None) -> Brief:
    """``seat``'s brief for ``scenario`` (see the module's docstring). ``seed`` shuffles the decks
    and places the estimate ranges as in a game of that seed; ``article`` defaults to what
    :func:`read_article` finds. Raises KeyError for an unknown scenario, ValueError for a seat
    that is not one of :data:`SEATS`."""
    if seat not in SEATS:
        raise ValueError(f"no seat {seat!r} (seats: {', '.join(SEATS)})")
    state = new_game(rulebook, scenario, seed)
    return brief_of(rulebook, state, seat, read_article() if article is None else article)


def brief_of(rulebook: Rulebook, state: State, seat: str, article: Article = NO_ARTICLE) -> Brief:
    """``seat``'s brief on ``state``, a board at the start of a turn. What it shows of the board
    is worked out from ``view(state, seat)``; the orders' availability reads only public names
    and the cell's own tracks (the rulebook refuses any other requirement)."""
    if seat not in SEATS:
        raise ValueError(f"no seat {seat!r} (seats: {', '.join(SEATS)})")
    v = view(state, seat)
    pic = picture(rulebook, v)
    situation = _situation(rulebook, v, pic, seat)
    cells = CELLS if seat == WHITE else (seat,)
    ordering = attrs.evolve(state, phase="orders")  # the opening board, as the first orders phase would find it
    parts = tuple(_part(rulebook, ordering, v, pic, c, seat) for c in cells)
    others = () if seat == WHITE else tuple(_aims(rulebook, c) for c in CELLS if c != seat)
    cited = set(situation.cites)
    for part in parts:
        for item in (*part.objectives, *part.orders):
            cited |= set(item.cites) | _cites_in(item.text)
    for aims in others:
        for o in aims.objectives:
            cited |= set(o.cites) | _cites_in(o.text)
    paragraphs = tuple(Paragraph(n, article.summaries.get(n, "")) for n in sorted(cited))
    return Brief(seat, state.scenario, situation, parts, others, paragraphs, article.reference,
                 "" if seat == WHITE else rulebook.title(seat))


def _cites_in(text: str) -> set[int]:
    return {int(n) for n in CITE.findall(text) if 1 <= int(n) <= 10}


def _value(pic: Picture, name: str, spec: str = "") -> Row:
    """A track or formula as the seat's picture holds it: exact, or its estimate (a range)."""
    lo, hi = pic.bounds[name]
    exact = lo == hi
    title = pic.rulebook.title(name)
    if exact and GLOBAL_TRACKS.get(name) == (0, 1):
        return Row(title, "yes" if lo else "no")
    return Row(title, pic.estimate(name, spec), not exact)


def _situation(rulebook: Rulebook, v: View, pic: Picture, seat: str) -> Situation:
    scenario = rulebook.scenarios[v.scenario]
    calendar = (f"{scenario.label(1)} to {scenario.label(scenario.turns)}: {scenario.turns} turns of a quarter each. "
                "The board as it stands before the first turn's events, which may change it.")
    groups = []
    order = CELLS if seat == WHITE else (seat,) + tuple(c for c in CELLS if c != seat)
    for cell in order:
        rows = tuple(_value(pic, n) for n in GLOBAL_TRACKS if n in v.tracks and n.startswith(CELL_PREFIXES[cell])
                     and not n.endswith(LEFT_OUT))
        if seat == WHITE:
            title, note = rulebook.title(cell), ""
        elif cell == seat:
            title, note = f"Your tracks: {rulebook.title(cell)}", "Exact: they are yours."
        else:
            title = rulebook.title(cell)
            note = ("Its secret tracks are your estimates, shown as ranges that hold the true value."
                    if any(r.estimate for r in rows) else "")
        groups.append(Group(title, rows, note))
    groups.append(Group(f"The {rulebook.title('relation_stage')}", _relation_rows(pic, v, seat)))
    strengths = tuple(_value(pic, n, spec) for n, spec in FORMULAS.items() if n in rulebook.formula_text)
    shown = tuple(n for n in THEATRE_COLUMNS if n in THEATRE_TRACKS)
    columns = tuple(rulebook.title(n) for n in shown)
    theatres = tuple(TheatreRow(t.title, tuple(str(getattr(t, n)) for n in shown), _theatre_notes(rulebook, t))
                     for t in v.theatres)
    titles = {t.name: t.title for t in v.theatres}
    offshoots = tuple(f"In {titles.get(o.theatre, o.theatre)}: {rulebook.title(o.origin)}, "
                      f"{rulebook.title('strength').lower()} {o.strength}, {rulebook.title('brutality').lower()} "
                      f"{o.brutality}" for o in v.offshoots)
    decks = tuple(f"{rulebook.decks[d.deck].title if d.deck in rulebook.decks else d.deck}: {d.left} cards to draw"
                  + (f", {len(d.played)} played" if d.played else "") for d in v.decks)
    cites = _cites_in(scenario.text) | set(STRENGTH_CITES if strengths else ())
    for t in theatres:
        for note in t.notes:
            cites |= _cites_in(note)
    note = rulebook.describe("power_gap") if "power_gap" in rulebook.formula_text and strengths else ""
    return Situation(scenario.title, " ".join(scenario.text.split()), calendar, tuple(groups), strengths, columns,
                     theatres, offshoots, decks, tuple(sorted(cites)), note)


def _relation_rows(pic: Picture, v: View, seat: str) -> tuple[Row, ...]:
    t = v.tracks
    stage = int(t["relation_stage"].lo)
    rows = [Row(pic.rulebook.title("relation_stage"), pic.rulebook.stage_title(stage))]
    if stage in (2, 3):
        rows += [_value(pic, "relation_autonomy"), _value(pic, "relation_strain")]
    if stage == 1:
        rows.append(_value(pic, "relation_offered"))
        if seat in PARTIES or seat == WHITE:
            rows.append(_value(pic, "relation_known"))
    if "relation_turns" in t and stage != 0:
        rows.append(_value(pic, "relation_turns"))
    rows.append(_value(pic, "tally_second_splits"))
    return tuple(rows)


def _theatre_notes(rulebook: Rulebook, t) -> tuple[str, ...]:
    """The theatre's flags as notes: each the title of its track, with its value where it has one
    beyond yes or no, and the ¶ its text cites."""
    notes = []
    for name in ("core", "assad", "faithful", "settled", "outreach"):
        value = getattr(t, name)
        if value:
            cites = cite_text(sorted(_cites_in(rulebook.describe(name))))
            shown = f" ({value})" if THEATRE_TRACKS[name][1] > 1 else ""
            notes.append(f"{rulebook.title(name)}{shown}" + (f" ({cites})" if cites else ""))
    return tuple(notes)


def _objective(obj, now: str = "") -> ObjectiveItem:
    return ObjectiveItem(obj.title, " ".join(obj.text.split()), obj.points, now, tuple(obj.cites),
                         bool(getattr(obj, "secret", False)))


def _part(rulebook: Rulebook, state: State, v: View, pic: Picture, cell: str, seat: str) -> CellPart:
    objectives = tuple(_objective(p.objective, str(p)) for p in objective_points(rulebook, v, cell))
    menu = order_menu(rulebook, state, cell)
    titles = {t.name: t.title for t in v.theatres}
    orders = []
    for kind in rulebook.orders:
        if kind.cell != cell:
            continue
        items = [m for m in menu if m.order.kind == kind.id]
        odds = {m.order: ("certain" if kind.chance is None else str(order_odds(rulebook, v, m.order))) for m in items}
        if kind.target == "theatre":
            open_ = [f"{titles.get(m.order.theatre or '', m.order.theatre)} ({odds[m.order]})" for m in items if m.available]
            closed: dict[str, list[str]] = {}
            for m in items:
                if not m.available:
                    closed.setdefault(m.reason or "", []).append(titles.get(m.order.theatre or "", m.order.theatre or ""))
            parts = [("available in " + ", ".join(open_)) if open_ else "available in no theatre"]
            parts += [f"not in {', '.join(where)} ({why})" for why, where in closed.items()]
            now = "; ".join(parts)
        elif items and items[0].available:
            now = f"available ({odds[items[0].order]})"
        else:
            now = f"not available ({items[0].reason})" if items else "not available"
        orders.append(OrderItem(kind.title, " ".join(kind.text.split()), kind.cost,
                                "in one theatre" if kind.target == "theatre" else "for the whole board",
                                tuple(r.reason for r in kind.requires), now, tuple(kind.cites)))
    budget_name = rulebook.budgets.get(cell, "")
    budget = rulebook.title(budget_name) + (f" (now {pic.estimate(budget_name)})" if budget_name in v.tracks else "")
    return CellPart(cell, rulebook.title(cell), budget, rulebook.max_orders, objectives, tuple(orders))


def _aims(rulebook: Rulebook, cell: str) -> Aims:
    mine = [o for o in rulebook.objectives if o.cell == cell]
    public = tuple(_objective(o) for o in mine if not getattr(o, "secret", False))
    return Aims(cell, rulebook.title(cell), public, len(public) < len(mine))


def cite_text(cites: Iterable[int]) -> str:
    return ", ".join(f"¶{c}" for c in cites)


def is_brief(data: bytes) -> bool:
    """Is ``data`` a brief (Markdown or HTML) this module wrote? The writer replaces only those."""
    return MARK.encode("utf-8") in data[-4096:]
