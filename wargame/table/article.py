"""Our own summary of the article, read at run time from ``docs/article.md`` for the briefs.

``docs/`` is not part of the package: without it, paragraphs are cited by number only and a
brief says so (:data:`NO_ARTICLE`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import attrs
from attrs import frozen

from wargame.engine.rulebook import ROOT
from wargame.files import FileProblem, read_capped

ARTICLE = ROOT / "docs" / "article.md"
ARTICLE_CAP = 1024 * 1024
SUMMARY_MOST = 320  # characters of a one-line summary


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
CITE = re.compile(r"¶(\d{1,2})")


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
