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

Briefs render as Markdown (:func:`render_markdown`) or as one self-contained HTML file
(:func:`render_html`: inline CSS, every text escaped, no external asset, no script). Both end with
:data:`MARK`, by which the writer knows a file it may replace with a new brief (:func:`is_brief`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs
from attrs import frozen

from wargame.engine.board import GLOBAL_TRACKS, THEATRE_TRACKS
from wargame.engine.model import CELL_TITLES, CELLS, STAGES, State
from wargame.engine.picture import Picture, picture
from wargame.engine.rulebook import ROOT, Rulebook
from wargame.engine.shown import objective_points, order_menu, order_odds
from wargame.engine.turn import new_game
from wargame.engine.view import PARTIES, View, view
from wargame.files import FileProblem, read_capped

WHITE = "white"
SEATS: tuple[str, ...] = CELLS + (WHITE,)
"""The seats a brief may be written for: the four cells and the White Cell."""
MARK = "<!-- wargame brief -->"
"""The end of every brief (Markdown: its last line; HTML: just before ``</body>``): how the writer knows a
file it may replace with a new brief."""

ARTICLE = ROOT / "docs" / "article.md"
"""Our summary of the article, paragraph by paragraph; beside the rules in a checkout, not in the
package: a brief cites paragraphs by number alone when it cannot be read."""
ARTICLE_CAP = 1024 * 1024
SUMMARY_MOST = 320  # characters of a one-line summary

# --- titles: what a player reads instead of the rulebook's names -----------------------------------

# The engine names tracks for expressions (is_funds); nothing in it titles them for a reader. These
# are the meanings of rules/README.md ("The names"), for a player.
TRACK_TITLES: dict[str, str] = {
    "is_funds": "IS funds",
    "is_fighters": "IS fighters",
    "is_wages": "Wages IS can pay",
    "is_services": "Public services IS provides",
    "is_acceptance": "Acceptance of IS by locals",
    "is_recruitment": "IS recruitment",
    "is_cohesion": "Cohesion of IS's ranks",
    "is_brutality": "IS brutality",
    "is_ego": "IS's pride towards al-Qaeda",
    "is_standing": "IS's standing in the movement",
    "is_setbacks": "Recent IS setbacks",
    "is_collapsed": "Caliphate collapsed",
    "is_leader_hardline": "How hardline IS's leader is",
    "is_leader_vacuum": "IS leadership vacuum (turns left)",
    "is_leader_successions": "IS successions so far",
    "aq_funds": "AQ funds",
    "aq_standing": "AQ's standing in the movement",
    "aq_ego": "AQ's pride towards IS",
    "aq_discipline": "AQ's hold over partners and franchises",
    "aq_recruitment": "AQ recruitment",
    "aq_leader_hardline": "How hardline AQ's leader is",
    "aq_leader_vacuum": "AQ leadership vacuum (turns left)",
    "aq_leader_successions": "AQ successions so far",
    "coalition_will": "Coalition's political will",
    "coalition_budget": "Coalition's budget for orders",
    "coalition_intel": "Coalition intelligence",
    "gov_capacity": "Governments' capacity for orders",
    "relation_stage": "Stage of the AQ-IS relation",
    "relation_autonomy": "Autonomy AQ granted IS",
    "relation_strain": "Strain towards a second split",
    "relation_known": "The coalition knows of the talks",
    "relation_offered": "AQ's terms on the table",
    "relation_turns": "Turns in this stage",
    "tally_second_splits": "Second splits so far",
}
THEATRE_TITLES: dict[str, str] = {
    "territory": "Held by IS",
    "oil": "Oil sites IS holds",
    "is_province": "IS province",
    "aq_affiliate": "AQ affiliate",
    "grievance": "Grievance",
    "governance": "Governance",
    "pressure": "Coalition pressure",
    "reform": "Reform",
    "peace": "Peace talks",
}
"""The theatre tracks a brief tabulates, in its columns' order (the others are notes)."""
FORMULA_TITLES: dict[str, tuple[str, str]] = {
    "is_power": ("IS strength", ".1f"),
    "aq_power": ("AQ strength", ".1f"),
    "power_gap": ("Power gap, AQ minus IS (above 0: IS is the weaker)", "+.1f"),
}
"""The rulebook's formulas a brief shows (those the rulebook has): who is the weaker group (¶2, ¶3)."""
STRENGTH_CITES = (2, 3)
CELL_PREFIXES = {"is": ("is_",), "aq": ("aq_",), "coalition": ("coalition_",), "governments": ("gov_",)}
LEFT_OUT = ("_successions",)  # counters, not positions on the board
ORIGINS = {"defectors": "defectors from IS", "holdouts": "holdouts who refused a deal", "inspired": "inspired by IS"}


def track_title(name: str) -> str:
    """A track's title for a reader (its name, spaced, if it has none: see TRACK_TITLES)."""
    return TRACK_TITLES.get(name) or THEATRE_TITLES.get(name) or name.replace("_", " ")


def seat_title(seat: str) -> str:
    return "the White Cell" if seat == WHITE else f"the {CELL_TITLES[seat]}"


# --- the article ---------------------------------------------------------------------------------


@frozen
class Article:
    """What a brief knows of the source article: a reference line and our one-line summary of
    each paragraph (empty when docs/article.md could not be read)."""

    reference: str = ""
    summaries: Mapping[int, str] = attrs.field(factory=dict)


NO_ARTICLE = Article()

_PARAGRAPH = re.compile(r"\*\*¶(\d{1,2})\.\*\*\s*(.*)")
_FIELD = re.compile(r"-\s+\*\*(Title|Author|Written):\*\*\s*(.+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(¶])")
_CITE = re.compile(r"¶(\d{1,2})")


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    first = _SENTENCE_END.split(text, 1)[0]
    return first if len(first) <= SUMMARY_MOST else first[: SUMMARY_MOST - 1].rstrip() + "…"


def read_article(path: Path | str = ARTICLE) -> Article:
    """Our one-line summary of each paragraph of the article (the first sentence of the summary in
    ``path``) and its reference; :data:`NO_ARTICLE` if the file cannot be read as UTF-8 text (it
    is missing, a folder, a pipe, too large...). Never raises for what the file holds."""
    try:
        text = read_capped(path, ARTICLE_CAP, "text file").decode("utf-8")
    except (FileProblem, UnicodeDecodeError):
        return NO_ARTICLE
    fields: dict[str, str] = {}
    paragraphs: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        line = line.strip()
        m = _PARAGRAPH.fullmatch(line)
        if m:
            n = int(m.group(1))
            current = paragraphs.setdefault(n, []) if 1 <= n <= 10 and n not in paragraphs else None
            if current is not None:
                current.append(m.group(2))
            continue
        if not line or line.startswith(("#", "- ", "**")):
            current = None
            f = _FIELD.fullmatch(line)
            if f and f.group(1) not in fields:
                fields[f.group(1)] = " ".join(f.group(2).split())
            continue
        if current is not None:
            current.append(line)
    summaries = {n: s for n, lines in sorted(paragraphs.items()) if (s := _first_sentence(" ".join(lines)))}
    reference = ""
    if "Title" in fields:
        year = re.search(r"\b(1[89]|20)\d\d\b", fields.get("Written", ""))
        reference = (f"{fields['Author']}, " if "Author" in fields else "") + f"“{fields['Title']}”" + (
            f" ({year.group(0)})" if year else "")
    return Article(reference, summaries) if summaries or reference else NO_ARTICLE


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

    @property
    def white(self) -> bool:
        return self.seat == WHITE

    @property
    def title(self) -> str:
        who = "the White Cell" if self.white else f"the {CELL_TITLES[self.seat]} cell"
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
    return Brief(seat, state.scenario, situation, parts, others, paragraphs, article.reference)


def _cites_in(text: str) -> set[int]:
    return {int(n) for n in _CITE.findall(text) if 1 <= int(n) <= 10}


def _value(pic: Picture, name: str, spec: str = "") -> Row:
    """A track or formula as the seat's picture holds it: exact, or its estimate (a range)."""
    lo, hi = pic.bounds[name]
    exact = lo == hi
    if exact and GLOBAL_TRACKS.get(name) == (0, 1):
        return Row(track_title(name), "yes" if lo else "no")
    return Row(track_title(name), pic.estimate(name, spec), not exact)


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
            title, note = CELL_TITLES[cell], ""
        elif cell == seat:
            title, note = f"Your tracks: {CELL_TITLES[cell]}", "Exact: they are yours."
        else:
            title = CELL_TITLES[cell]
            note = ("Its secret tracks are your estimates, shown as ranges that hold the true value."
                    if any(r.estimate for r in rows) else "")
        groups.append(Group(title, rows, note))
    groups.append(Group("The AQ-IS relation", _relation_rows(pic, v, seat)))
    strengths = tuple(attrs.evolve(_value(pic, n, spec), title=title) for n, (title, spec) in FORMULA_TITLES.items()
                      if n in rulebook.formula_text)
    columns = tuple(THEATRE_TITLES[n] for n in THEATRE_TITLES if n in THEATRE_TRACKS)
    theatres = tuple(TheatreRow(t.title, tuple(str(getattr(t, n)) for n in THEATRE_TITLES if n in THEATRE_TRACKS),
                                _theatre_notes(t)) for t in v.theatres)
    titles = {t.name: t.title for t in v.theatres}
    offshoots = tuple(f"In {titles.get(o.theatre, o.theatre)}: {ORIGINS.get(o.origin, o.origin)}, strength {o.strength}, "
                      f"brutality {o.brutality}" for o in v.offshoots)
    decks = tuple(f"{rulebook.decks[d.deck].title if d.deck in rulebook.decks else d.deck}: {d.left} cards to draw"
                  + (f", {len(d.played)} played" if d.played else "") for d in v.decks)
    cites = _cites_in(scenario.text) | set(STRENGTH_CITES if strengths else ())
    for t in theatres:
        for note in t.notes:
            cites |= _cites_in(note)
    return Situation(scenario.title, " ".join(scenario.text.split()), calendar, tuple(groups), strengths, columns,
                     theatres, offshoots, decks, tuple(sorted(cites)))


def _relation_rows(pic: Picture, v: View, seat: str) -> tuple[Row, ...]:
    t = v.tracks
    stage = int(t["relation_stage"].lo)
    rows = [Row(track_title("relation_stage"), STAGES[stage] if 0 <= stage < len(STAGES) else str(stage))]
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


def _theatre_notes(t) -> tuple[str, ...]:
    notes = []
    if t.core:
        notes.append("heartland (¶3)")
    if t.assad:
        notes.append("Assad stays (¶9)")
    if t.faithful:
        notes.append("reform carried out faithfully (¶9)")
    if t.settled:
        notes.append("a settlement reached (¶9)")
    if t.outreach:
        notes.append(f"AQ reaching out to defectors ({t.outreach}) (¶4)")
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
    budget = f"{track_title(budget_name)} (now {pic.estimate(budget_name)})" if budget_name in v.tracks else track_title(budget_name)
    return CellPart(cell, CELL_TITLES[cell], budget, rulebook.max_orders, objectives, tuple(orders))


def _aims(rulebook: Rulebook, cell: str) -> Aims:
    mine = [o for o in rulebook.objectives if o.cell == cell]
    public = tuple(_objective(o) for o in mine if not getattr(o, "secret", False))
    return Aims(cell, CELL_TITLES[cell], public, len(public) < len(mine))


# --- Markdown --------------------------------------------------------------------------------------


def _cite_text(cites: Iterable[int]) -> str:
    return ", ".join(f"¶{c}" for c in cites)


def _md(text: str) -> str:
    """Text from the rulebook in Markdown: on one line, and no HTML a viewer would run."""
    return " ".join(str(text).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    return _md(text).replace("|", "\\|")


def _intro(b: Brief) -> str:
    if b.white:
        return ("The White Cell's read-ahead: every cell's tracks as they are, every cell's objectives (secret ones "
                "included) and orders with their exact odds. Not for the cells.")
    return (f"Read-ahead for {seat_title(b.seat)} cell: the board at the start as you may see it, what you want, "
            "what you can do, and what the other cells are known to want. The other cells' secret tracks are your "
            "estimates, shown as ranges that hold the true value.")


def _objective_md(o: ObjectiveItem, scored: bool) -> str:
    now = f"; on the opening board {o.now}" if scored and o.now else ""
    secret = " (secret)" if o.secret else ""
    cites = f" ({_cite_text(o.cites)})" if o.cites else ""
    return f"- **{_md(o.title)}**{secret}: up to {o.points} point{'s' if o.points != 1 else ''}{now}{cites}. {_md(o.text)}"


def render_markdown(b: Brief) -> str:
    """The brief in Markdown, ending with :data:`MARK`."""
    s = b.situation
    out = [f"# {_md(b.title)}", "", _intro(b), "", f"## The situation{_heading_cites(s.cites)}", ""]
    if s.scenario_text:
        out += [_md(s.scenario_text), ""]
    out += [_md(s.calendar), ""]
    for g in s.groups:
        out += [f"### {_md(g.title)}", ""]
        if g.note:
            out += [_md(g.note), ""]
        out += ["| Track | Now |", "|---|---|"]
        out += [f"| {_cell(r.title)} | {_cell(r.value)}{' (estimate)' if r.estimate else ''} |" for r in g.rows]
        out.append("")
    if s.strengths:
        out += [f"### Who is the weaker group{_heading_cites(STRENGTH_CITES)}", "", "| Formula | Now |", "|---|---|"]
        out += [f"| {_cell(r.title)} | {_cell(r.value)}{' (estimate)' if r.estimate else ''} |" for r in s.strengths]
        out.append("")
    out += ["### The theatres", "", "| Theatre | " + " | ".join(_cell(c) for c in s.columns) + " | Notes |",
            "|---|" + "---|" * (len(s.columns) + 1)]
    for t in s.theatres:
        out.append(f"| {_cell(t.title)} | " + " | ".join(_cell(x) for x in t.values) + f" | {_cell('; '.join(t.notes))} |")
    out += ["", "Offshoot groups: " + ("; ".join(_md(o) for o in s.offshoots) if s.offshoots else "none") + ".",
            "", "Event decks: " + ("; ".join(_md(d) for d in s.decks) if s.decks else "none") + ".", ""]
    for part in b.parts:
        who = f"{part.title}: objectives" if b.white else "Your objectives"
        out += [f"## {_md(who)}", ""]
        out += [_objective_md(o, True) for o in part.objectives] or ["- none"]
        out += ["", f"## {_md(part.title + ': orders' if b.white else 'Your orders')}", "",
                f"Up to {part.max_orders} orders a turn, each paid from {_md(part.budget)}. \"On the opening board\" is where "
                "an order could be given before the first turn's events, with its odds.", ""]
        for o in part.orders:
            cites = f" ({_cite_text(o.cites)})" if o.cites else ""
            out.append(f"- **{_md(o.title)}**: cost {o.cost}, given {o.where}{cites}")
            out.append(f"  - {_md(o.text)}")
            if o.requires:
                out.append(f"  - Not available when: {_md('; '.join(o.requires))}.")
            out.append(f"  - On the opening board: {_md(o.now)}.")
        out.append("")
    if b.others:
        out += ["## What the other cells are known to want", ""]
        for a in b.others:
            out += [f"### {_md(a.title)}", ""]
            out += [_objective_md(o, False) for o in a.objectives]
            if a.keeps_secret:
                out.append(f"- It keeps {'some of its' if a.objectives else 'its'} aims to itself.")
            out.append("")
    out += ["## The article behind this brief", ""]
    out += _article_lines(b)
    out += ["", MARK]
    return "\n".join(out) + "\n"


def _heading_cites(cites: Iterable[int]) -> str:
    text = _cite_text(cites)
    return f" ({text})" if text else ""


def _article_head(b: Brief) -> str:
    """The line before the list of paragraphs (plain text: each renderer escapes it)."""
    if not any(p.summary for p in b.paragraphs):
        return ("The article's paragraphs cited here (our summaries of them, docs/article.md, could not be read: "
                "they are cited by number only):")
    source = f"From {b.reference}, cited by paragraph" if b.reference else "From the source article, cited by paragraph"
    return f"{source}; our one-line summary of each paragraph cited here:"


def _article_lines(b: Brief) -> list[str]:
    lines = [_md(_article_head(b)), ""]
    for p in b.paragraphs:
        lines.append(f"- **¶{p.n}**" + (f" {_md(p.summary)}" if p.summary else ""))
    return lines


# --- HTML ------------------------------------------------------------------------------------------

_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 58em; margin: 2em auto; padding: 0 1em;
       color: #1d1d1d; line-height: 1.45; }
h1 { font-size: 1.6em; border-bottom: 2px solid #444; padding-bottom: .2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.05em; margin-bottom: .3em; }
table { border-collapse: collapse; margin: .4em 0 1em; }
th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; }
.est { font-style: italic; color: #5a3d00; }
.note, .intro { color: #444; }
.intro { border-left: 4px solid #888; padding-left: .8em; }
.white .intro { border-color: #a00; }
li { margin: .25em 0; }
.cite { white-space: nowrap; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
"""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cites_html(cites: Iterable[int]) -> str:
    return ", ".join(f'<a class="cite" href="#p{int(c)}">¶{int(c)}</a>' for c in cites)


def _rows_html(rows: Iterable[Row], head: str) -> list[str]:
    out = [f"<table><thead><tr><th>{_h(head)}</th><th>Now</th></tr></thead><tbody>"]
    for r in rows:
        value = f'<span class="est">{_h(r.value)} (estimate)</span>' if r.estimate else _h(r.value)
        out.append(f'<tr><td>{_h(r.title)}</td><td class="num">{value}</td></tr>')
    out.append("</tbody></table>")
    return out


def _objective_html(o: ObjectiveItem, scored: bool) -> str:
    now = f"; on the opening board {_h(o.now)}" if scored and o.now else ""
    secret = " (secret)" if o.secret else ""
    cites = f" ({_cites_html(o.cites)})" if o.cites else ""
    return (f"<li><strong>{_h(o.title)}</strong>{secret}: up to {o.points} point{'s' if o.points != 1 else ''}"
            f"{now}{cites}. {_h(o.text)}</li>")


def render_html(b: Brief) -> str:
    """The brief as one self-contained HTML file: inline CSS, every text escaped, no script and
    nothing fetched from elsewhere; it ends with :data:`MARK`."""
    s = b.situation
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<meta name="generator" content="wargame brief">', f"<title>{_h(b.title)}</title>",
           f"<style>{_CSS}</style>", "</head>", f'<body class="{"white" if b.white else "cell"}">', "<main>",
           f"<h1>{_h(b.title)}</h1>", f'<p class="intro">{_h(_intro(b))}</p>',
           f"<section><h2>The situation{(' (' + _cites_html(s.cites) + ')') if s.cites else ''}</h2>"]
    if s.scenario_text:
        out.append(f"<p>{_h(s.scenario_text)}</p>")
    out.append(f"<p>{_h(s.calendar)}</p>")
    for g in s.groups:
        out.append(f"<h3>{_h(g.title)}</h3>")
        if g.note:
            out.append(f'<p class="note">{_h(g.note)}</p>')
        out += _rows_html(g.rows, "Track")
    if s.strengths:
        out.append(f"<h3>Who is the weaker group ({_cites_html(STRENGTH_CITES)})</h3>")
        out += _rows_html(s.strengths, "Formula")
    out.append("<h3>The theatres</h3>")
    out.append("<table><thead><tr><th>Theatre</th>" + "".join(f"<th>{_h(c)}</th>" for c in s.columns)
               + "<th>Notes</th></tr></thead><tbody>")
    for t in s.theatres:
        out.append(f"<tr><td>{_h(t.title)}</td>" + "".join(f'<td class="num">{_h(x)}</td>' for x in t.values)
                   + f"<td>{_h('; '.join(t.notes))}</td></tr>")
    out.append("</tbody></table>")
    out.append("<p>Offshoot groups: " + ("; ".join(_h(o) for o in s.offshoots) if s.offshoots else "none") + ".</p>")
    out.append("<p>Event decks: " + ("; ".join(_h(d) for d in s.decks) if s.decks else "none") + ".</p>")
    out.append("</section>")
    for part in b.parts:
        who = f"{part.title}: objectives" if b.white else "Your objectives"
        out.append(f"<section><h2>{_h(who)}</h2><ul>")
        out += [_objective_html(o, True) for o in part.objectives] or ["<li>none</li>"]
        out.append("</ul></section>")
        out.append(f"<section><h2>{_h(part.title + ': orders' if b.white else 'Your orders')}</h2>")
        out.append(f"<p>Up to {part.max_orders} orders a turn, each paid from {_h(part.budget)}. “On the opening board” "
                   "is where an order could be given before the first turn's events, with its odds.</p><ul>")
        for o in part.orders:
            cites = f" ({_cites_html(o.cites)})" if o.cites else ""
            out.append(f"<li><strong>{_h(o.title)}</strong>: cost {o.cost}, given {_h(o.where)}{cites}<ul>")
            out.append(f"<li>{_h(o.text)}</li>")
            if o.requires:
                out.append(f"<li>Not available when: {_h('; '.join(o.requires))}.</li>")
            out.append(f"<li>On the opening board: {_h(o.now)}.</li></ul></li>")
        out.append("</ul></section>")
    if b.others:
        out.append("<section><h2>What the other cells are known to want</h2>")
        for a in b.others:
            out.append(f"<h3>{_h(a.title)}</h3><ul>")
            out += [_objective_html(o, False) for o in a.objectives]
            if a.keeps_secret:
                out.append(f"<li>It keeps {'some of its' if a.objectives else 'its'} aims to itself.</li>")
            out.append("</ul>")
        out.append("</section>")
    out.append("<section><h2>The article behind this brief</h2>")
    out.append(f"<p>{_h(_article_head(b))}</p><ul>")
    for p in b.paragraphs:
        out.append(f'<li id="p{p.n}"><strong>¶{p.n}</strong>' + (f" {_h(p.summary)}" if p.summary else "") + "</li>")
    out += ["</ul></section>", "</main>", MARK, "</body>", "</html>"]
    return "\n".join(out) + "\n"


# --- what the writer may replace ---------------------------------------------------------------------


def is_brief(data: bytes) -> bool:
    """Is ``data`` a brief (Markdown or HTML) this module wrote? The writer replaces only those."""
    return MARK.encode("utf-8") in data[-4096:]
