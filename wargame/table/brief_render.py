"""A brief (:mod:`wargame.table.brief`) written out: Markdown, or one self-contained HTML file
(inline CSS, every text escaped, no external asset, no script). Both end with
:data:`~wargame.table.brief.MARK`."""

from __future__ import annotations

import html
from collections.abc import Iterable

from wargame.table.brief import MARK, STRENGTH_CITES, Brief, ObjectiveItem, Row, cite_text

# --- Markdown --------------------------------------------------------------------------------------




def _md(text: str) -> str:
    """Text from the rulebook in Markdown: on one line, and no HTML a viewer would run."""
    return " ".join(str(text).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    return _md(text).replace("|", "\\|")


def _intro(b: Brief) -> str:
    if b.white:
        return ("The White Cell's read-ahead: every cell's tracks as they are, every cell's objectives (secret ones "
                "included) and orders with their exact odds. Not for the cells.")
    return (f"Read-ahead for {b.who} cell: the board at the start as you may see it, what you want, "
            "what you can do, and what the other cells are known to want. The other cells' secret tracks are your "
            "estimates, shown as ranges that hold the true value.")


def _objective_md(o: ObjectiveItem, scored: bool) -> str:
    now = f"; on the opening board {o.now}" if scored and o.now else ""
    secret = " (secret)" if o.secret else ""
    cites = f" ({cite_text(o.cites)})" if o.cites else ""
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
        out += [f"### Who is the weaker group{_heading_cites(STRENGTH_CITES)}", ""]
        if s.strengths_note:
            out += [_md(s.strengths_note), ""]
        out += ["| Formula | Now |", "|---|---|"]
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
            cites = f" ({cite_text(o.cites)})" if o.cites else ""
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
    text = cite_text(cites)
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
        if s.strengths_note:
            out.append(f'<p class="note">{_h(s.strengths_note)}</p>')
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
