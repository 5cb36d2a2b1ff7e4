"""The read-ahead brief (``wargame brief``): before the exercise each cell learns its situation as
it may see it, what it wants, what it can do, what the other cells are known to want, and the
article's paragraphs behind each. A brief never tells a cell what it may not see; the White
Cell's tells everything and says it is not for the cells.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
import time
from html.parser import HTMLParser

import attrs
import pytest

from tests.bounded import Done, one_line
from wargame.cli.brief import add_parser, brief_command
from wargame.cli.main import _Parser
from wargame.engine.board import GLOBAL_TRACKS, OWNER, PARTIES, PARTIES_ONLY
from wargame.engine.facilitator import set_track
from wargame.engine.model import CELLS
from wargame.engine.rulebook import Rulebook, load_rulebook
from wargame.engine.turn import begin_turn, new_game
from wargame.engine.view import view
from wargame.table.article import NO_ARTICLE, read_article
from wargame.table.brief import MARK, brief
from wargame.table.brief_render import render_html, render_markdown
from wargame.table.defaults import DEFAULT_SCENARIO, default_scenario

SCENARIO = "spring-2016"
# The title of every global track a brief may show: the rulebook's (rules/titles.toml), one each.
TRACK_TITLES = {n: load_rulebook().title(n) for n in GLOBAL_TRACKS}
assert len(set(TRACK_TITLES.values())) == len(TRACK_TITLES), "two global tracks share a title"
FORMATS = {"markdown": render_markdown, "html": render_html}
SEED = 8071926354  # ten digits: they appear nowhere by chance


def shown(text: str, form: str) -> str:
    """A text from the rulebook as a brief of this format writes it."""
    return html.escape(text, quote=True) if form == "html" else text


def with_scenario(rulebook: Rulebook, initial) -> Rulebook:
    """The rulebook with spring-2016 opening on ``initial`` instead."""
    scenario = rulebook.scenarios[SCENARIO]
    return attrs.evolve(rulebook, scenarios={**rulebook.scenarios, SCENARIO: attrs.evolve(scenario, initial=initial)})


# --- what a brief holds ----------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMATS)
@pytest.mark.parametrize("seat", CELLS)
def test_a_cells_brief_names_its_orders_and_objectives_and_every_paragraph_it_cites(rulebook, seat, form):
    made = brief(rulebook, SCENARIO, seat)
    text = FORMATS[form](made)
    cited: set[int] = set()
    for kind in (k for k in rulebook.orders if k.cell == seat):
        assert shown(kind.title, form) in text, kind.id
        assert shown(" ".join(kind.text.split()), form) in text, kind.id  # what it does
        assert f"cost {kind.cost}" in text
        for req in kind.requires:
            assert shown(req.reason, form) in text, (kind.id, req.reason)  # when it is not available
        cited |= set(kind.cites)
    for obj in (o for o in rulebook.objectives if o.cell == seat):
        assert shown(obj.title, form) in text, obj.id
        cited |= set(obj.cites)
    for c in cited:
        assert f"¶{c}" in text
    # every paragraph the brief cites anywhere is in its closing list, with our one-line summary
    article = read_article()
    everywhere = {int(n) for n in re.findall(r"¶(\d+)", text)}
    assert cited <= everywhere == {p.n for p in made.paragraphs}
    for p in made.paragraphs:
        assert p.summary and p.summary == article.summaries[p.n] and "\n" not in p.summary
        assert shown(p.summary, form) in text
    assert MARK in text[-200:]  # how the writer knows a brief it may replace


@pytest.mark.parametrize("form", FORMATS)
@pytest.mark.parametrize("seat", CELLS + ("white",))
def test_a_brief_names_things_by_their_titles_never_by_the_rulebooks_ids(rulebook, seat, form):
    text = FORMATS[form](brief(rulebook, SCENARIO, seat))
    ids = [k.id for k in rulebook.orders] + [o.id for o in rulebook.objectives] + [n for n in GLOBAL_TRACKS if "_" in n]
    ids += [t.name for t in rulebook.scenarios[SCENARIO].initial.theatres if "_" in t.name]
    for name in ids:
        assert not re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text), name
    for t in rulebook.scenarios[SCENARIO].initial.theatres:
        assert shown(t.title, form) in text


def test_every_track_a_brief_shows_has_a_title(rulebook):
    for seat in CELLS + ("white",):
        for group in brief(rulebook, SCENARIO, seat).situation.groups:
            for row in group.rows:
                assert row.title in TRACK_TITLES.values(), row.title


def test_a_cells_own_tracks_are_exact_and_the_others_secrets_are_ranges_that_hold_the_truth(rulebook):
    state = new_game(rulebook, SCENARIO, 0)
    truth = {TRACK_TITLES[n]: v for n, v in _flat(state).items() if n in TRACK_TITLES}
    owner = {TRACK_TITLES[n]: OWNER.get(n) for n in TRACK_TITLES}
    for seat in CELLS:
        made = brief(rulebook, SCENARIO, seat)
        rows = [r for g in made.situation.groups for r in g.rows]
        assert rows
        for r in rows:
            if owner[r.title] in (None, seat):
                assert not r.estimate and r.value in (str(truth[r.title]), "no", "rivalry"), (seat, r)
            else:  # another cell's secret: a range around the true value, never the value alone
                assert r.estimate and "–" in r.value, (seat, r)
                lo, hi = (int(x) for x in r.value.split("–"))
                assert lo <= truth[r.title] <= hi and lo < hi, (seat, r)


def _flat(state):
    from wargame.engine.board import flat_tracks

    return flat_tracks(state)


# --- fog of war: a brief is worked out from what the seat may see ----------------------------------


def _twin(rulebook: Rulebook, seat: str):
    """The opening board with every track hidden from ``seat`` moved to another value the seat
    cannot tell from the true one (same estimate), and how many tracks moved."""
    start = new_game(rulebook, SCENARIO, 0)  # the board the brief is worked out on (seed 0)
    initial = rulebook.scenarios[SCENARIO].initial
    moved = 0
    for name, owner in OWNER.items():
        if owner == seat:
            continue
        seen = view(start, seat).tracks[name]
        lo, hi = GLOBAL_TRACKS[name]
        was = _flat(start)[name]
        mates = [x for x in range(lo, hi + 1) if x != was
                 and view(set_track(rulebook, start, name, x, "twin").state, seat).tracks[name] == seen]
        if mates:
            initial = set_track(rulebook, initial, name, mates[-1], "a twin the seat cannot tell apart").state
            moved += 1
    if seat not in PARTIES:
        for name in PARTIES_ONLY:
            initial = set_track(rulebook, initial, name, 7, "the relation's clock is the groups' own").state
            moved += 1
    return initial, moved


@pytest.mark.parametrize("seat", CELLS)
def test_a_brief_is_the_same_whatever_the_cell_may_not_see(rulebook, seat):
    """Two openings that differ only in tracks hidden from the cell (each moved within the range
    the cell sees) give the very same brief: nothing in it is worked out from the true values."""
    initial, moved = _twin(rulebook, seat)
    assert moved >= 5
    twin = with_scenario(rulebook, initial)
    for render in FORMATS.values():
        assert render(brief(twin, SCENARIO, seat)) == render(brief(rulebook, SCENARIO, seat))
    # the twins do differ: the White Cell, who sees everything, tells them apart
    assert render_markdown(brief(twin, SCENARIO, "white")) != render_markdown(brief(rulebook, SCENARIO, "white"))


def test_secret_talks_leave_no_trace_in_an_outsiders_brief(rulebook):
    """AQ and IS opening in secret talks, AQ's terms on the table: the coalition and the
    governments read the same brief as for a rivalry; the two groups read of their talks."""
    initial = rulebook.scenarios[SCENARIO].initial
    talks = attrs.evolve(initial, relation=attrs.evolve(initial.relation, stage=1, offered=1, autonomy=2, turns=3))
    secret = with_scenario(rulebook, talks)
    for seat in ("coalition", "governments"):
        for render in FORMATS.values():
            assert render(brief(secret, SCENARIO, seat)) == render(brief(rulebook, SCENARIO, seat))
    for seat in PARTIES:
        text = render_markdown(brief(secret, SCENARIO, seat))
        assert f"| {TRACK_TITLES['relation_stage']} | talks |" in text
        assert f"| {TRACK_TITLES['relation_offered']} | yes |" in text


def test_with_the_games_seed_a_brief_shows_the_ranges_the_cell_sees_on_turn_1(rulebook):
    """The seed places the estimate ranges: a brief made with the game's seed shows the ranges the
    cell will see on turn 1 (where the events have not moved the track), so it tells the cell
    nothing the game will not; and it never shows the seed."""
    game = begin_turn(rulebook, new_game(rulebook, SCENARIO, SEED)).state
    opening = _flat(new_game(rulebook, SCENARIO, SEED))
    for seat in CELLS:
        made = brief(rulebook, SCENARIO, seat, seed=SEED)
        rows = {r.title: r for g in made.situation.groups for r in g.rows}
        seen = view(game, seat).tracks
        compared = 0
        for name, owner in OWNER.items():
            unmoved = all(_flat(game)[n] == opening[n] for n in (name, "coalition_intel"))  # intel sets the coalition's ranges
            if owner != seat and unmoved:
                est = seen[name]
                assert rows[TRACK_TITLES[name]].value == f"{est.lo}–{est.hi}", (seat, name)
                compared += 1
        assert compared >= 3
        for render in FORMATS.values():
            assert str(SEED) not in render(made)


# --- the White Cell and secret aims ------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMATS)
def test_the_white_cells_brief_shows_everything_and_is_not_for_the_cells(rulebook, form):
    made = brief(rulebook, SCENARIO, "white")
    text = FORMATS[form](made)
    assert "Not for the cells" in text
    assert not any(r.estimate for g in made.situation.groups for r in g.rows)
    assert "(estimate)" not in text
    assert [p.cell for p in made.parts] == list(CELLS) and made.others == ()
    for kind in rulebook.orders:
        assert shown(kind.title, form) in text
    for obj in rulebook.objectives:
        assert shown(obj.title, form) in text
    state = new_game(rulebook, SCENARIO, 0)
    rows = {r.title: r.value for g in made.situation.groups for r in g.rows}
    assert rows[TRACK_TITLES["aq_funds"]] == str(state.al_qaeda.funds)
    assert rows[TRACK_TITLES["gov_capacity"]] == str(state.governments.capacity)


@attrs.frozen
class SecretObjective:
    """An objective marked secret in the data (``secret = true``), as a future rulebook may have."""

    id: str
    cell: str
    title: str
    text: str
    cites: tuple[int, ...]
    points: int
    score: object
    secret: bool = True


def test_an_aim_a_cell_keeps_secret_is_left_out_of_the_others_briefs(rulebook):
    first = next(o for o in rulebook.objectives if o.cell == "aq")
    hidden = SecretObjective(first.id, "aq", "Quietly court the caliphate", first.text, first.cites, first.points, first.score)
    book = attrs.evolve(rulebook, objectives=tuple(hidden if o is first else o for o in rulebook.objectives))
    for seat in ("is", "coalition", "governments"):
        made = brief(book, SCENARIO, seat)
        aq = next(a for a in made.others if a.cell == "aq")
        assert aq.keeps_secret and hidden.title not in [o.title for o in aq.objectives]
        for render in FORMATS.values():
            text = render(made)
            assert hidden.title not in text and "keeps some of its aims to itself" in text
        assert not any(a.keeps_secret for a in made.others if a.cell != "aq")
    assert hidden.title in render_markdown(brief(book, SCENARIO, "aq"))
    assert f"**{hidden.title}** (secret)" in render_markdown(brief(book, SCENARIO, "white"))


# --- the article ---------------------------------------------------------------------------------------


def test_our_summary_of_the_article_gives_one_line_for_each_paragraph():
    article = read_article()
    assert sorted(article.summaries) == list(range(1, 11))
    for n, line in article.summaries.items():
        assert line and "\n" not in line and "**" not in line and len(line) <= 320, n
    assert "Balassi" in article.reference and "2016" in article.reference


def test_without_the_article_a_brief_cites_paragraphs_by_number(rulebook):
    made = brief(rulebook, SCENARIO, "is", article=NO_ARTICLE)
    text = render_markdown(made)
    assert all(p.summary == "" for p in made.paragraphs) and made.paragraphs
    for p in made.paragraphs:
        assert f"- **¶{p.n}**\n" in text
    assert "cited by number only" in text
    assert read_article().summaries[2] not in text


def test_an_article_that_cannot_be_read_is_no_article(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "latin1.md").write_bytes("**¶1.** Caf\xe9 society.\n".encode("latin-1"))
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "huge.md").write_bytes(b"x" * (2 * 1024 * 1024))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    start = time.perf_counter()
    for name in ("missing.md", "folder", "latin1.md", "empty.md", "huge.md", "pipe"):
        assert read_article(tmp_path / name) == NO_ARTICLE, name
    assert time.perf_counter() - start < 5  # a pipe is never waited on


def test_a_paragraph_summary_is_its_first_sentence(tmp_path):
    path = tmp_path / "article.md"
    path.write_text("- **Title:** A Title\n- **Author:** A. Writer\n- **Written:** 2016, spring\n\n"
                    "**¶1.** The first sentence runs\non two lines. The second does not count.\n\n"
                    "**¶2.** One only.\n\n**¶11.** Not a paragraph of the article.\n")
    article = read_article(path)
    assert article.summaries == {1: "The first sentence runs on two lines.", 2: "One only."}
    assert article.reference == "A. Writer, “A Title” (2016)"


# --- HTML: one self-contained, well-formed file --------------------------------------------------------


VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}


class Checker(HTMLParser):
    """Holds a document to being well formed: every element closed in order, no script, nothing
    fetched from elsewhere, links only to its own paragraphs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs_):
        self.tags.add(tag)
        for name, value in attrs_:
            if name in ("src", "srcset", "action", "style") or name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name == "href" and not re.fullmatch(r"#p\d{1,2}", value or ""):
                self.problems.append(f"<{tag} href={value!r}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_html(text: str) -> Checker:
    c = Checker()
    c.feed(text)
    c.close()
    assert not c.problems, c.problems[:5]
    assert not c.stack, c.stack
    assert text.startswith("<!DOCTYPE html>") and c.tags >= {"html", "head", "style", "body", "title"}
    assert not c.tags & {"script", "link", "img", "iframe", "object", "embed", "svg", "form"}
    assert "http://" not in text and "https://" not in text and "url(" not in text and "@import" not in text
    return c


@pytest.mark.parametrize("seat", CELLS + ("white",))
def test_the_html_brief_is_one_well_formed_file_with_nothing_from_elsewhere(rulebook, seat):
    made = brief(rulebook, SCENARIO, seat)
    c = check_html(render_html(made))
    for p in made.paragraphs:  # every cite links to the paragraph's line in the file itself
        assert f'id="p{p.n}"' in render_html(made)
    assert "Your orders" in "".join(c.text) or seat == "white"


def test_text_from_the_rulebook_is_escaped_in_both_formats(rulebook):
    evil = "<script>alert('x')</script> & <b>bold</b> | pipe"
    kind = next(k for k in rulebook.orders if k.cell == "is")
    obj = next(o for o in rulebook.objectives if o.cell == "aq")
    book = attrs.evolve(
        rulebook,
        orders=tuple(attrs.evolve(k, title=evil, text=evil) if k is kind else k for k in rulebook.orders),
        objectives=tuple(attrs.evolve(o, title=evil) if o is obj else o for o in rulebook.objectives),
    )
    made = brief(book, SCENARIO, "is")
    page = render_html(made)
    c = check_html(page)
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and evil in "".join(c.text)  # shown as text, as written
    text = render_markdown(made)
    assert "<script" not in text and "<b>" not in text and "&lt;script&gt;" in text


# --- the command -----------------------------------------------------------------------------------------


def run(rulebook: Rulebook, *argv: object) -> Done:
    """``wargame brief ARGV`` through the command's own parser and function, as wargame's parser
    will call them."""
    parser = _Parser(prog="wargame")
    add_parser(parser.add_subparsers(dest="command"))
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = brief_command(rulebook, parser.parse_args(["brief", *(str(a) for a in argv)]))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return Done(code, out.getvalue(), err.getvalue(), time.perf_counter() - start)


def test_the_command_prints_the_markdown_brief_by_default(rulebook):
    done = run(rulebook, "--seat", "is", "--scenario", SCENARIO)
    assert done.code == 0 and done.err == ""
    assert done.out == render_markdown(brief(rulebook, SCENARIO, "is"))
    assert run(rulebook, "--seat", "is", "--scenario", SCENARIO, "--out", "-").out == done.out
    html_done = run(rulebook, "--seat", "aq", "--scenario", "exercise", "--format", "html")
    assert html_done.code == 0 and html_done.out == render_html(brief(rulebook, "exercise", "aq"))


def test_without_a_scenario_the_brief_is_of_the_one_the_start_screen_offers_first(rulebook):
    """A facilitator who takes the defaults hands out briefs of the game the start screen starts:
    both read one definition (wargame.table.defaults)."""
    assert DEFAULT_SCENARIO == "exercise" and default_scenario(rulebook) == DEFAULT_SCENARIO
    done = run(rulebook, "--seat", "coalition")
    assert done.code == 0 and done.out == render_markdown(brief(rulebook, DEFAULT_SCENARIO, "coalition"))
    assert done.out != render_markdown(brief(rulebook, "spring-2016", "coalition"))
    # a rulebook without it: its first scenario, as the start screen offers it
    only = attrs.evolve(rulebook, scenarios={"spring-2016": rulebook.scenarios["spring-2016"]})
    assert default_scenario(only) == "spring-2016"
    assert run(only, "--seat", "is").out == render_markdown(brief(only, "spring-2016", "is"))
    command = add_parser(_Parser(prog="wargame").add_subparsers(dest="command"))
    assert "default: exercise" in " ".join(command.format_help().split())  # --help says so


@pytest.mark.parametrize("argv, names", [
    (("--seat", "isis"), ("--seat", "isis")),
    (("--seat", "public"), ("--seat",)),
    ((), ("--seat",)),
    (("--seat", "is", "--scenario", "winter-2030"), ("no scenario", "winter-2030", "spring-2016")),
    (("--seat", "is", "--format", "pdf"), ("--format", "pdf")),
    (("--seat", "is", "--seed", "-1"), ("seed",)),
    (("--seat", "is", "--out", ""), ("--out",)),
    (("--seat", "is", "--out", "briefs/"), ("--out", "folder")),
])
def test_a_bad_argument_is_one_line_and_exit_2(rulebook, argv, names, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one_line(run(rulebook, *argv), 2, *names)
    assert list(tmp_path.iterdir()) == []


def test_a_bad_seat_or_scenario_given_to_the_function_is_one_line_too(rulebook, capsys):
    from argparse import Namespace

    for args, name in ((Namespace(seat="room"), "room"), (Namespace(seat="is", scenario="x" * 5000), "no scenario"),
                       (Namespace(seat="is", format="pdf"), "pdf")):
        capsys.readouterr()
        code = brief_command(rulebook, args)
        out, err = capsys.readouterr()
        one_line(Done(code, out, err, 0.0), 2, name)


def test_the_brief_is_written_to_a_file_and_replaces_only_an_earlier_brief(rulebook, tmp_path):
    path = tmp_path / "briefs" / "is.md"
    done = run(rulebook, "--seat", "is", "--scenario", SCENARIO, "--out", path)
    assert done.code == 0 and done.out == f"wrote {path}\n" and done.err == ""
    assert path.read_text() == render_markdown(brief(rulebook, SCENARIO, "is"))
    assert run(rulebook, "--seat", "is", "--scenario", SCENARIO, "--format", "html", "--out", path).code == 0  # a brief replaces a brief
    assert path.read_text() == render_html(brief(rulebook, SCENARIO, "is"))
    notes = tmp_path / "notes.md"
    notes.write_text("the facilitator's own notes\n")
    one_line(run(rulebook, "--seat", "aq", "--out", notes), 3, str(notes), "not a brief")
    assert notes.read_text() == "the facilitator's own notes\n"
    assert run(rulebook, "--seat", "aq", "--scenario", SCENARIO, "--out", notes, "--force").code == 0
    assert notes.read_text() == render_markdown(brief(rulebook, SCENARIO, "aq"))
    save = tmp_path / "game.json"
    save.write_text(json.dumps({"format": "wargame-save", "game": "g1", "commands": []}))
    before = save.read_bytes()
    one_line(run(rulebook, "--seat", "aq", "--out", save, "--force"), 3, str(save), "save")
    assert save.read_bytes() == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["briefs", "game.json", "is.md", "notes.md"]  # no temporary file left


def test_a_folder_or_a_special_file_is_never_written_to(rulebook, tmp_path):
    folder = tmp_path / "briefs"
    folder.mkdir()
    one_line(run(rulebook, "--seat", "coalition", "--out", folder), 3, str(folder), "folder")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = run(rulebook, "--seat", "coalition", "--out", fifo, "--force")
    one_line(done, 3, str(fifo), "pipe")
    assert done.seconds < 10
    one_line(run(rulebook, "--seat", "governments", "--out", "/dev/null"), 3, "/dev/null")
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["briefs", "pipe"]
