"""The documentation stands on its own and follows the data.

- Every paragraph of the article the rules and decks cite (``cites = [...]``, or ``¶N`` anywhere in
  their text) has our own summary in docs/article.md, so every citation can be followed.
- Every claim the rules name (``claims = ["C8"]``) has its row in docs/claims.md and its section in
  docs/design.md, and the docs list no claim the rules do not carry.
- Every ``wargame SUBCOMMAND`` the docs and the README name in code (a fenced block or an inline
  span) exists, and so does every ``--option`` written after it.
- Every link of the docs to a file of the repository finds the file, and the heading it points to.
- No file of the repository reads the article from outside it: nothing outside docs/ refers to the
  shared folder or to the upper-case article file the project once pointed to.

Each check is a function that returns the problems it found; the tests assert there are none, and
a second set of tests feeds each check a bad example to show it can fail.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ARTICLE = DOCS / "article.md"
CLAIMS = DOCS / "claims.md"
DESIGN = DOCS / "design.md"

PARAGRAPH = re.compile(r"¶\s*(\d+)")
CLAIM_ID = re.compile(r"C[1-9]\d*")

# A command the docs may already describe while it is being built. Once it exists the entry is
# harmless; remove it then, so that the check covers it again.
BEING_BUILT: set[str] = set()

# Written in two parts, so that this file does not itself name what it looks for.
FORBIDDEN = ("../" + "shared", "ARTICLE" + ".md")


def data_files() -> list[Path]:
    return sorted((ROOT / "rules").glob("*.toml")) + sorted((ROOT / "decks").glob("*.toml"))


def walk(value: object, key: str = "") -> Iterator[tuple[str, object]]:
    """Every (key, value) pair of a parsed TOML document, at any depth."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v, key)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- ¶: every citation has its summary ---------------------------------------------------------


def cited_paragraphs(files: Iterable[Path]) -> dict[int, set[str]]:
    """Each paragraph number cited, with the files that cite it: the ``cites`` fields, and ``¶N``
    anywhere in the text (strings and comments alike)."""
    cited: dict[int, set[str]] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        numbers = {int(n) for n in PARAGRAPH.findall(text)}
        for key, value in walk(tomllib.loads(text)):
            if key == "cites" and isinstance(value, list):
                numbers |= {n for n in value if isinstance(n, int)}
        for n in numbers:
            cited.setdefault(n, set()).add(rel(path) if path.is_relative_to(ROOT) else str(path))
    return cited


# A summary starts a line with its paragraph mark, bold or as a heading: "**¶5.** ...", "### ¶5".
SUMMARY_START = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*¶\s*(\d+)\s*[.:)]?\s*(?:\*\*|__)?\s*(.*)$")
MIN_WORDS = 8


def summaries(text: str) -> tuple[dict[int, str], list[str]]:
    """The summaries of article.md by paragraph number (each from its mark to the next mark or
    heading), and the problems with them: a paragraph summarised twice, or a summary too short
    to say anything."""
    found: dict[int, str] = {}
    problems: list[str] = []
    current: int | None = None
    for line in text.splitlines():
        start = SUMMARY_START.match(line)
        if start:
            current = int(start.group(1))
            if current in found:
                problems.append(f"¶{current} is summarised twice")
            found[current] = start.group(2)
        elif line.lstrip().startswith("#"):
            current = None
        elif current is not None:
            found[current] += " " + line.strip()
    for n, body in sorted(found.items()):
        if len(body.split()) < MIN_WORDS:
            problems.append(f"¶{n}: the summary says too little ({body.strip()!r})")
    return found, problems


def missing_summaries(cited: dict[int, set[str]], article: str) -> list[str]:
    found, _ = summaries(article)
    return [f"¶{n} is cited in {', '.join(sorted(where))} but has no summary in docs/article.md"
            for n, where in sorted(cited.items()) if n not in found]


def test_the_rules_and_decks_cite_paragraphs():
    cited = cited_paragraphs(data_files())
    assert cited, "no ¶ found in rules/*.toml and decks/*.toml: the scan is broken"
    assert any("adjudication.toml" in w for where in cited.values() for w in where)


def test_every_cited_paragraph_has_its_summary_in_article_md():
    problems = missing_summaries(cited_paragraphs(data_files()), ARTICLE.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_each_paragraph_is_summarised_once_and_says_something():
    found, problems = summaries(ARTICLE.read_text(encoding="utf-8"))
    assert found, "no summary found in docs/article.md: each starts a line with its mark, e.g. **¶1.**"
    assert not problems, "\n".join(problems)


def test_a_citation_without_a_summary_is_caught(tmp_path):
    card = tmp_path / "deck.toml"
    card.write_text('[deck]\ncites = [3]\n[[card]]\nid = "x"\ntext = "Something happened (¶12)."\ncites = [11]\n',
                    encoding="utf-8")
    article = "**¶3.** " + "A summary of the third paragraph, long enough to say something. " * 2
    problems = missing_summaries(cited_paragraphs([card]), article)
    assert [p.split(" is cited")[0] for p in problems] == ["¶11", "¶12"]
    assert summaries("**¶3.** Too short.\n\n**¶3.** Twice.")[1] == [
        "¶3 is summarised twice", "¶3: the summary says too little ('Twice.')"]


# --- claims: every claim the rules name is documented ------------------------------------------


def claims_in_rules(files: Iterable[Path]) -> dict[str, set[str]]:
    """Each claim id named in a ``claims`` field, with the files that name it."""
    named: dict[str, set[str]] = {}
    for path in files:
        for key, value in walk(tomllib.loads(path.read_text(encoding="utf-8"))):
            if key == "claims" and isinstance(value, list):
                for claim in value:
                    named.setdefault(str(claim), set()).add(path.name)
    return named


def claim_rows(text: str) -> set[str]:
    """The claims docs/claims.md gives a row (``| C8 | ...``) or a heading (``## C8``)."""
    rows = re.findall(r"^\s*\|\s*(C\d+)\s*\|", text, flags=re.M)
    heads = re.findall(r"^#{1,6}\s+(C\d+)\b", text, flags=re.M)
    return set(rows) | set(heads)


def claim_sections(text: str) -> set[str]:
    """The claims docs/design.md gives a section: a heading that starts with the id (``### C8.``)."""
    return set(re.findall(r"^#{1,6}\s+(C\d+)\b", text, flags=re.M))


def undocumented(named: dict[str, set[str]], documented: set[str], page: str) -> list[str]:
    return [f"{c} (named in {', '.join(sorted(where))}) has no section in {page}"
            for c, where in sorted(named.items(), key=lambda kv: kv[0]) if c not in documented]


def test_the_rules_name_well_formed_claims():
    named = claims_in_rules(data_files())
    assert named, "no `claims` field found in rules/*.toml and decks/*.toml: the scan is broken"
    malformed = sorted(c for c in named if not CLAIM_ID.fullmatch(c))
    assert not malformed, f"claim ids look like C1..C16, not {malformed}"


def test_every_claim_the_rules_name_has_its_row_in_claims_md():
    problems = undocumented(claims_in_rules(data_files()), claim_rows(CLAIMS.read_text(encoding="utf-8")),
                            "docs/claims.md")
    assert not problems, "\n".join(problems)


def test_every_claim_the_rules_name_has_its_section_in_design_md():
    problems = undocumented(claims_in_rules(data_files()), claim_sections(DESIGN.read_text(encoding="utf-8")),
                            "docs/design.md")
    assert not problems, "\n".join(problems)


def test_the_docs_list_no_claim_the_rules_do_not_carry():
    named = set(claims_in_rules(data_files()))
    extra = {page: sorted(ids - named) for page, ids in (
        ("docs/claims.md", claim_rows(CLAIMS.read_text(encoding="utf-8"))),
        ("docs/design.md", claim_sections(DESIGN.read_text(encoding="utf-8"))),
    ) if ids - named}
    assert not extra, f"claims documented but named by no rule: {extra}"


def test_a_claim_without_a_section_is_caught():
    named = {"C1": {"adjudication.toml"}, "C17": {"adjudication.toml"}}
    assert claim_rows("| C1 | ego | 2 |\n") == {"C1"}
    assert claim_sections("### C1. Ego\n\ntext mentioning C17\n") == {"C1"}
    assert undocumented(named, {"C1"}, "docs/design.md") == [
        "C17 (named in adjudication.toml) has no section in docs/design.md"]


# --- commands: every `wargame SUBCOMMAND` named exists ----------------------------------------

GLOBAL_WITH_VALUE = {"--rules", "--decks", "--key-file"}
OPTION = re.compile(r"--[a-z][a-z0-9-]*")
SUBCOMMAND = re.compile(r"[a-z][a-z-]*")


def code_snippets(text: str) -> Iterator[str]:
    """The code in a Markdown text: each line of a fenced block (a ``#`` comment cut off), and
    each inline code span outside the blocks (a span may run over a line break)."""
    fenced, prose = False, []
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            if not fenced:
                yield from re.findall(r"`([^`]+)`", "\n".join(prose))
                prose = []
            fenced = not fenced
        elif fenced:
            yield line.split(" #", 1)[0]
        else:
            prose.append(line)
    yield from re.findall(r"`([^`]+)`", "\n".join(prose))


def commands_in(snippet: str) -> Iterator[tuple[str | None, list[str]]]:
    """Each ``wargame`` command in a snippet: (its subcommand or None, the options written with it)."""
    for part in re.split(r"&&|;|\s\|\s", snippet):
        tokens = part.split()
        for i, token in enumerate(tokens):
            if token != "wargame" and not token.endswith("/bin/wargame"):
                continue
            j, options = i + 1, []
            while j < len(tokens) and tokens[j] in GLOBAL_WITH_VALUE:
                options.append(tokens[j])
                j += 2
            if j < len(tokens) and SUBCOMMAND.fullmatch(tokens[j]):
                yield tokens[j], options + OPTION.findall(" ".join(tokens[j + 1:]))
            else:
                yield None, options + OPTION.findall(" ".join(tokens[j:]))


def named_commands(pages: Iterable[Path]) -> dict[str | None, dict[str, set[str]]]:
    """{subcommand (None: the bare command): {option: pages}}; the empty option '' marks the page
    that names the subcommand at all."""
    named: dict[str | None, dict[str, set[str]]] = {}
    for page in pages:
        for snippet in code_snippets(page.read_text(encoding="utf-8")):
            for sub, options in commands_in(snippet):
                for option in ["", *options]:
                    named.setdefault(sub, {}).setdefault(option, set()).add(page.name)
    return named


@cache
def help_text(sub: str | None) -> tuple[int, str]:
    """(exit code, output) of ``wargame [SUB] --help``, run as the installed package is."""
    args = [sys.executable, "-m", "wargame", *([sub] if sub else []), "--help"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def command_problems(named: dict[str | None, dict[str, set[str]]], run=help_text) -> list[str]:
    problems = []
    code, top = run(None)
    if code != 0:
        return [f"`wargame --help` failed: {top.strip()[-500:]}"]
    for sub, options in sorted(named.items(), key=lambda kv: kv[0] or ""):
        if sub in BEING_BUILT and run(sub)[0] != 0:
            continue
        if sub is None:
            text = top
        else:
            code, text = run(sub)
            if code != 0:
                problems.append(f"`wargame {sub}` (named in {', '.join(sorted(options['']))}) does not exist")
                continue
        for option, pages in sorted(options.items()):
            if option and not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text + top):
                where = f"wargame {sub}" if sub else "wargame"
                problems.append(f"`{where} {option}` (named in {', '.join(sorted(pages))}) is not an option of {where}")
    return problems


def doc_pages() -> list[Path]:
    return sorted(DOCS.glob("*.md")) + [ROOT / "README.md"]


def test_the_docs_name_wargame_commands():
    named = named_commands(doc_pages())
    assert {"play", "replay", "report", "check", "calibrate", "claims"} <= set(named), sorted(
        s for s in named if s)


def test_every_wargame_command_the_docs_name_exists():
    problems = command_problems(named_commands(doc_pages()))
    assert not problems, "\n".join(problems)


def test_a_command_or_option_that_does_not_exist_is_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Run `wargame frobnicate` and then:\n\n```\nwargame check --frobnicate   # never\n```\n",
                    encoding="utf-8")
    named = named_commands([page])
    assert set(named) == {"frobnicate", "check"}
    problems = command_problems(named)
    assert len(problems) == 2
    assert "`wargame frobnicate`" in problems[1] and "does not exist" in problems[1]
    assert "`wargame check --frobnicate`" in problems[0]


# --- links: every link between the docs resolves ------------------------------------------------

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    fenced, found = False, set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (heading := re.match(r"#{1,6}\s+(.*)", line)):
            found.add(slug(heading.group(1)))
    return found


def broken_links(pages: Iterable[Path]) -> list[str]:
    broken = []
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):  # a web address: not checked here
                continue
            path, _, anchor = target.partition("#")
            goal = (page.parent / path).resolve() if path else page
            if not goal.exists():
                broken.append(f"{page.name}: {target}: no such file")
            elif anchor and goal.suffix == ".md" and anchor not in anchors(goal):
                broken.append(f"{page.name}: {target}: no heading #{anchor} in {goal.name}")
    return broken


def test_every_link_of_the_docs_resolves():
    pages = sorted(DOCS.glob("*.md"))
    assert any(LINK.search(p.read_text(encoding="utf-8")) for p in pages), "no link found: the scan is broken"
    problems = broken_links(pages)
    assert not problems, "\n".join(problems)


def test_a_broken_link_is_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("## 8. The claims C1..C16\n\n[ok](#8-the-claims-c1c16) [gone](missing.md) [bad](#nowhere)\n",
                    encoding="utf-8")
    assert broken_links([page]) == ["page.md: missing.md: no such file", "page.md: #nowhere: no heading #nowhere in page.md"]


# --- no reference to the article outside the repository ----------------------------------------


def repository_files() -> list[Path]:
    """The files of the repository: tracked, or new and not ignored (read with git, changing nothing)."""
    try:
        done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                              cwd=ROOT, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:  # no git on this machine
        pytest.skip(f"git is not available: {e}")
    if done.returncode != 0:
        pytest.skip(f"not a git checkout: {done.stderr.decode(errors='replace').strip()}")
    return [ROOT / name for name in done.stdout.decode().split("\0") if name]


def outside_references(files: Iterable[Path]) -> list[str]:
    found = []
    for path in files:
        if path.is_relative_to(DOCS) or not path.is_file():  # docs/ holds the article; a moved file is gone
            continue
        data = path.read_bytes()
        found += [f"{rel(path)} refers to {needle!r}" for needle in FORBIDDEN if needle.encode() in data]
    return found


def test_no_file_outside_docs_refers_to_the_article_outside_the_repository():
    files = repository_files()
    assert any(p.name == "pyproject.toml" for p in files), "git ls-files listed no project file"
    problems = outside_references(files)
    assert not problems, "\n".join(problems)


def test_a_reference_to_the_shared_article_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "DOCS", tmp_path / "docs")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text("see " + FORBIDDEN[1])  # inside docs: allowed
    (tmp_path / "a.toml").write_text(f"# the article: {FORBIDDEN[0]}/{FORBIDDEN[1]}\n")
    (tmp_path / "b.py").write_text("path = 'docs/article.md'\n")  # ours, lower case: fine
    problems = outside_references(sorted(tmp_path.rglob("*")))
    assert problems == [f"a.toml refers to {FORBIDDEN[0]!r}", f"a.toml refers to {FORBIDDEN[1]!r}"]
