"""The printable debrief (issue 12): ``wargame report --format html``, the charts in the report, and
the played game against the odds.

The HTML page is one self-contained file (no script, nothing fetched, every text escaped) that
parses, and says for each seat what that seat's Markdown and JSON reports say and nothing more:
no change of another cell's secret track with its numbers, no other cell's reasons, no chart of
what the seat may not see, never the seed. The odds (bot games from the same start) are for a
finished game only: they are worked out from the true board.
"""

from __future__ import annotations

import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.filecases import make_cli, one_line, state_of
from tests.test_exports_per_seat import SECRET_FUNDS_WHY, SEED, STAMP, facilitated
from tests.test_report_turning_points import bot_game
from wargame.analysis.futures import futures, outcome_of, placing
from wargame.cli import records
from wargame.engine.model import CELLS
from wargame.engine.turn import new_game
from wargame.engine.view import OWNER
from wargame.record import debrief, fog, plots, report, report_html
from wargame.record.game import Game, Header, play_bots
from wargame.record.save import document, write_save
from wargame.table.examples import random_choosers

ROOT = Path(__file__).resolve().parent.parent
NOTE = 'Watch <script>alert("the funds")</script> & <b>IS</b>'
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr"}
SEATS = (report.FACILITATOR,) + CELLS


class Page(HTMLParser):
    """An HTML page read: every tag and attribute, the text, the text of each element with a class
    (by class), and whether every element opened was closed in order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[tuple[str, str, list[str]]] = []
        self.by_class: dict[str, list[str]] = {}
        self.text: list[str] = []
        self.comments: list[str] = []
        self.errors: list[str] = []
        self.feed(text)
        self.close()
        if self.stack:
            self.errors.append(f"never closed: {[t for t, _, _ in self.stack]}")

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("class") or "", []))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        _, cls, parts = self.stack.pop()
        for c in cls.split():
            self.by_class.setdefault(c, []).append("".join(parts))
        if self.stack:
            self.stack[-1][2].extend(parts)

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "style":
            return  # the style sheet is not text a reader reads
        self.text.append(data)
        if self.stack:
            self.stack[-1][2].append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    @property
    def plain(self) -> str:
        return "".join(self.text)


def page(text: str) -> Page:
    p = Page(text)
    assert not p.errors, p.errors[:5]
    return p


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    return make_cli(capsys, monkeypatch, rulebook)


@pytest.fixture(scope="module")
def midgame(rulebook) -> Game:
    """Three turns of eight, random bots, every kind of White Cell action (one in secret) and a
    note whose text is markup."""
    game = facilitated(rulebook)
    game.note(NOTE, bookmark="<funds>")
    return game


@pytest.fixture(scope="module")
def finished(rulebook) -> Game:
    game = Game(rulebook, Header("exercise", SEED, {c: "random" for c in CELLS}, "Done", "done"))
    play_bots(game, random_choosers(rulebook, SEED))
    assert game.state.over
    return game


def saved(game: Game, path: Path) -> Path:
    write_save(path, document(game, STAMP, STAMP))
    return path


# --- one self-contained page ---------------------------------------------------------------------


@pytest.mark.parametrize("seat", SEATS)
def test_the_page_parses_and_is_self_contained(midgame, seat) -> None:
    text = report_html.html(midgame, seat=seat)
    p = page(text)
    assert text.startswith("<!DOCTYPE html>") and report.MARK in text[-100:]
    assert report_html.is_html_report(text.encode()) and not report.is_json_report(text.encode())
    ids = {a["id"] for _, a in p.tags if a.get("id")}
    for tag, attrs in p.tags:
        assert tag not in ("script", "iframe", "object", "embed", "img", "link", "base", "form"), tag
        assert "src" not in attrs and not any(k.startswith("on") for k in attrs), (tag, attrs)
        if "href" in attrs:  # a link only to a section of the page itself
            assert attrs["href"].startswith("#") and attrs["href"][1:] in ids, attrs["href"]
    style = "".join(p.by_class.get("", [])) + text[text.index("<style>"):text.index("</style>")]
    assert "@import" not in style and "url(" not in style and "http" not in style
    assert "@media print" in text and "font:" in text  # a print stylesheet, and large type set


def test_a_notes_markup_is_escaped(midgame) -> None:
    text = report_html.html(midgame)
    p = page(text)
    assert text.count("<script") == 0 and "<b>IS</b>" not in text
    assert "Watch &lt;script&gt;alert(&quot;the funds&quot;)&lt;/script&gt; &amp; &lt;b&gt;IS&lt;/b&gt;" in text
    assert NOTE in p.plain and "<funds>" in p.plain  # read back as the facilitator wrote them
    for seat in CELLS:  # the notes are the facilitator's: they may speak of any cell's secrets
        assert "the funds" not in page(report_html.html(midgame, seat=seat)).plain


def test_the_facilitators_page_holds_the_debrief(midgame, rulebook) -> None:
    p = page(report_html.html(midgame))
    text = p.plain
    assert f"seed {SEED}" in text
    for point in debrief.turning_points(midgame):
        assert point in text, point
    charts = plots.charts(rulebook, midgame, "white")
    assert len(p.by_class["chart"]) == len(charts) == len(plots.SERIES)
    for chart, drawn in zip(charts, p.by_class["chart"]):
        assert drawn == plots.text_chart(chart) and chart.series.title in drawn and "start" in drawn
    actions = [a.text for a in fog.announcements(midgame, "white")]
    assert len(actions) == 4 and all(a in text for a in actions) and SECRET_FUNDS_WHY in text
    assert "told only to the Islamic State" in text
    for section in ("Outcome", "Turning points", "Objectives", "Timeline, turn by turn", "Charts",
                    "The White Cell's actions", "Notes and bookmarks", "Rules that fired", "Tracks per turn"):
        assert f">{escape(section)}</h2>" in report_html.html(midgame), section
    # every turn played, grouped, with every order given and why
    for turn, _ in debrief.turn_states(midgame):
        assert f'id="turn-{turn}"' in report_html.html(midgame)
    assert len(p.by_class["why"]) == len(debrief.orders_given(midgame))
    assert "Events" in text and "Orders, results and why" in text and "Dynamics" in text


def _titled_changes(rb, events: list[dict]) -> set[str]:
    """The changes of the JSON export's events, as a reader is shown them (by title)."""
    out = set()
    for e in events:
        for change in filter(None, e["changes"].split("; ")):
            name, _, values = change.partition(" ")
            if values == "changed":
                out.add(f"{rb.title(name)} changed")
            else:
                a, b = (int(v) for v in values.split("->"))
                out.add(f"{rb.title(name)} {rb.value_text(name, a)}→{rb.value_text(name, b)}")
    return out


@pytest.mark.parametrize("seat", CELLS)
def test_a_cells_page_says_nothing_its_other_reports_do_not(midgame, rulebook, seat) -> None:
    text = report_html.html(midgame, seat=seat)
    p = page(text)
    doc = json.loads(report.as_json(midgame, seat))
    md = report.markdown(midgame, seat=seat)
    assert str(SEED) not in text and (SECRET_FUNDS_WHY in text) == (seat == "is") == (SECRET_FUNDS_WHY in md)
    # the same facts: each change shown is one the cell's JSON export holds, each White Cell
    # announcement one it was told, each reason one of its own orders'
    shown = {c for span in p.by_class.get("ch", []) for c in span.strip("()").split("; ")}
    assert shown and shown <= _titled_changes(rulebook, doc["events"]), shown - _titled_changes(rulebook, doc["events"])
    told = [a["text"] for a in doc["announcements"]]
    assert all(any(t in li for li in p.by_class["told"]) for t in told)
    reasons = {o["reason"] for o in doc["orders"]}
    assert all(why.removeprefix("Why: ").rstrip(".") in {r.rstrip(".") for r in reasons} for why in p.by_class["why"])
    # another cell's secret track: never a change with its numbers, never charted mid-game
    for name in (n for n in OWNER if OWNER[n] not in (None, seat)):
        assert not re.search(rf"\b{re.escape(rulebook.title(name))} -?\d+ ?→ ?-?\d+", p.plain), name
    titles = {c.series.title for c in plots.charts(rulebook, midgame, seat)}
    assert {t for t in (d.split("\n", 1)[0].strip() for d in p.by_class["chart"])} == titles
    assert "IS funds" not in titles or seat == "is"
    assert seat == "is" or "Strength of IS" not in titles and "Strength of IS" not in "".join(p.by_class["chart"])
    # the tracks per turn: the Markdown's rows, a secret track of another cell as its estimate
    rows = [row for row in md.split("## Tracks per turn")[1].split("##")[0].strip().splitlines()[2:]]
    table = re.findall(r"<tr>((?:<td[^>]*>[^<]*</td>)+)</tr>", text.split('id="tracks"')[1])
    assert ["| " + " | ".join(re.findall(r">([^<]*)</td>", r)) + " |" for r in table] == rows


def test_no_cell_sees_another_cells_reasons_before_the_game_is_over(rulebook) -> None:
    game = bot_game(rulebook, 5, "doctrine:mixed", turns=3)
    assert not game.state.over
    given = debrief.orders_given(game)
    assert len({g.reason for g in given}) > 4
    for cell in CELLS:
        text = page(report_html.html(game, seat=cell)).plain
        mine = {g.reason for g in given if g.cell == cell}
        assert all(why in text for why in mine)
        for g in given:
            if g.cell != cell and g.reason not in mine:
                assert g.reason not in text, f"{cell}'s page tells another cell's reasoning"


def test_the_page_names_nothing_by_its_id(rulebook) -> None:
    game = bot_game(rulebook, 7, "doctrine", turns=4)
    rule_ids = {r.id for r in rulebook.rules}
    for seat in SEATS:
        p = page(report_html.html(game, seat=seat))
        body = " ".join(p.text)  # each element's text apart: a table's cells do not run together
        for ref in p.by_class.get("ref", []):  # a facilitator's reference in brackets may name an id
            body = body.replace(ref, "")
        ids = set(re.findall(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z0-9]+\.[a-z_-]+\b", body))
        if seat == report.FACILITATOR:
            ids -= rule_ids  # the rules' id column
        assert not ids, (seat, sorted(ids)[:10])


# --- the charts and the odds in the Markdown report too --------------------------------------------


def test_the_markdown_report_draws_the_charts_the_seat_may_see(midgame, rulebook) -> None:
    for seat in SEATS:
        md = report.markdown(midgame, seat=seat)
        section = md.split("## Charts")[1].split(report.MARK)[0]
        blocks = re.findall(r"```text\n(.*?)\n```", section, re.S)
        charts = plots.charts(rulebook, midgame, seat)
        assert blocks == [plots.text_chart(c) for c in charts]
        assert (len(charts) == len(plots.SERIES)) == (seat == "white")


def test_the_markdown_report_names_the_white_cells_set_track_by_its_title(rulebook) -> None:
    from wargame.record.load import load

    _, game, check = load(ROOT / "saves" / "example-facilitated.json", rulebook)
    assert check.verified
    for seat in SEATS:
        md = report.markdown(game, seat=seat)
        assert "coalition_will" not in md.replace("[coalition_will]", "")
        assert "in Syria in Syria" not in md
        assert md.count("A new administration recommits") == 1, "the justification said once, by its announcement"


def test_the_odds_place_a_finished_game_among_bot_games(wargame, finished, rulebook, tmp_path) -> None:
    path = saved(finished, tmp_path / "done.json")
    opening = new_game(rulebook, "exercise", SEED)
    expected = placing(outcome_of(rulebook, finished.state), futures(rulebook, opening, 6))
    assert expected
    for who in (("--facilitator",), ("--seat", "coalition")):
        for fmt in ("markdown", "html"):
            code, out, err = wargame("report", path, *who, "--format", fmt, "--odds", 6, "--out", "-")
            assert code == 0, err
            text = page(out).plain if fmt == "html" else out
            assert report.ODDS_HEAD in text and "among 6 bot games played from the same start" in text
            assert all(line in text for line in expected)
        code, out, err = wargame("report", path, *who, "--odds", 0, "--out", "-")
        assert code == 0 and report.ODDS_HEAD not in out


def test_the_odds_are_refused_for_a_game_not_over_and_left_out_by_default(wargame, midgame, tmp_path) -> None:
    path = saved(midgame, tmp_path / "mid.json")
    before = state_of(tmp_path)
    for who in (("--seat", "is"), ("--facilitator",)):
        code, out, err = wargame("report", path, *who, "--format", "html", "--odds", 5)
        assert code == 2 and out == "" and "not over" in one_line(err, "--odds")
        assert state_of(tmp_path) == before
    for who in (("--seat", "is"), ("--facilitator",)):
        code, out, err = wargame("report", path, *who, "--format", "html", "--out", "-")
        assert code == 0 and report.ODDS_HEAD not in out and "Unfinished game" in page(out).plain


@pytest.mark.parametrize("argv, names", [
    (["--format", "pdf", "--facilitator"], ["--format", "pdf"]),
    (["--format", "html", "--seat", "white"], ["--seat", "white"]),
    (["--format", "html", "--seat", "everyone"], ["--seat"]),
    (["--format", "html"], ["--seat CELL", "--facilitator"]),
    (["--format", "html", "--seat", "is", "--facilitator"], ["--facilitator"]),
    (["--format", "json", "--facilitator", "--odds", "5"], ["--odds", "json"]),
    (["--facilitator", "--odds", "-1"], ["--odds"]),
    (["--facilitator", "--odds", "many"], ["--odds"]),
    (["--facilitator", "--odds", str(records.ODDS_MAX + 1)], ["--odds"]),
])
def test_a_bad_format_seat_or_odds_is_one_line_and_writes_nothing(wargame, midgame, tmp_path, argv, names) -> None:
    path = saved(midgame, tmp_path / "mid.json")
    before = state_of(tmp_path)
    code, out, err = wargame("report", path, *argv)
    assert code == 2 and out == ""
    one_line(err, *names)
    assert state_of(tmp_path) == before


def test_the_most_odds_are_the_analysis_most_runs() -> None:
    from wargame.analysis.futures import MAX_RUNS

    assert records.ODDS_MAX == MAX_RUNS


# --- written beside the save, and replaced only by the next HTML report ---------------------------


def test_the_page_is_written_beside_the_save_and_replaces_only_its_own(wargame, midgame, tmp_path) -> None:
    path = saved(midgame, tmp_path / "g.json")
    assert wargame("report", path, "--facilitator", "--format", "html")[0] == 0
    assert wargame("report", path, "--seat", "aq", "--format", "html")[0] == 0
    assert {p.name for p in tmp_path.glob("g.report*")} == {"g.report.html", "g.report.aq.html"}
    first = state_of(tmp_path)
    code, out, err = wargame("report", path, "--facilitator", "--format", "html")
    assert code == 0 and state_of(tmp_path) == first, "the same report again: the same bytes"
    page((tmp_path / "g.report.html").read_text(encoding="utf-8"))
    foreign = tmp_path / "slides.html"
    foreign.write_text("<!DOCTYPE html><p>our own slides</p>\n", encoding="utf-8")
    before = state_of(tmp_path)
    code, out, err = wargame("report", path, "--facilitator", "--format", "html", "--out", foreign)
    assert code == 3 and "--force" in one_line(err, "slides.html") and state_of(tmp_path) == before
    code, out, err = wargame("report", path, "--facilitator", "--format", "html", "--out", foreign, "--force")
    assert code == 0 and "our own slides" not in foreign.read_text(encoding="utf-8")
