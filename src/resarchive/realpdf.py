"""Scoring real PDF conversions (../shared/realpdf) against the UN's XML.

Stage: measurement (tests and bench/realpdf.py), outside the build. May import: models,
accuracy, textscore, clean, langdata, pages.

Each ``A-RES-<session>-<number>-<lang>.txt`` (or ``.pdf``) is paired with
``xml/A_RES_<session>_<number>-<job><L>.xml``. Structure is judged by accuracy.py's five
counts, the gold's counted from the XML as read by akn_read; text by textscore.py; words
lost against the conversion's own words (noise the layout adds, running heads and job
numbers, may go).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .accuracy import Miss, compare, counts, missing_words, shown_words, words
from .models import Document
from .textscore import TextScore, read_gold, score_text

_NAME = re.compile(r"A-RES-(\d+)-(\d+)-([a-z]{2})$")


@dataclass
class RealResult:
    name: str
    misses: list[Miss]
    text: TextScore
    lost: dict[str, int] = field(default_factory=dict)
    error: str = ""

    @property
    def structure_exact(self) -> bool:
        return not self.misses and not self.error

    @property
    def exact(self) -> bool:
        return self.structure_exact and self.text.all_exact and not self.lost


def gold_xml(folder: Path, stem: str) -> Path | None:
    m = _NAME.match(stem)
    if not m:
        return None
    session, number, lang = m.groups()
    found = sorted((folder / "xml").glob(f"A_RES_{session}_{number}-*{lang[0].upper()}.xml"))
    return found[0] if found else None


def source_words(text: str, language: str = "en") -> tuple[Counter[str], Counter[str]]:
    """The words of a conversion as the pages stage reads it, and of those the words of the
    lines it knows as page furniture (running heads, job numbers, page marks, barcodes): what
    may be dropped. Read after the pages stage, a marker glued to a year ("20236": 2023 and
    note 6) counts as the two words it is."""
    from .clean import clean_lines
    from .langdata import common, lang
    from .models import MARKER_RE
    from .pages import mark_page_furniture

    every: Counter[str] = Counter()
    noise: Counter[str] = Counter()
    for line in mark_page_furniture(clean_lines(text), lang(language)):
        found = words(MARKER_RE.sub(lambda m: f" {m.group(1)} ", line.text))
        every.update(found)
        if line.hint == "runninghead" or any(p.match(line.text) for p in common().running_heads):
            noise.update(found)
    return every, noise


def parse_conversion(path: Path) -> tuple[list[Document], Counter[str]]:
    """Our documents of one conversion, and the words of its source less its page
    furniture (for words lost)."""
    from .accuracy import parse_text

    text = path.read_text(encoding="utf-8")
    docs = parse_text(text, path.name)
    every, noise = source_words(text, docs[0].language if docs else "en")
    return docs, every - noise


def score_one(path: Path, xml: Path) -> RealResult:
    gold = read_gold(xml)
    try:
        docs, source = parse_conversion(path)
    except Exception as exc:  # reported as a miss of the document, the run goes on
        return RealResult(path.stem, [], score_text([], gold), error=f"{type(exc).__name__}: {exc}")
    return RealResult(
        path.stem,
        compare(counts(docs), counts(gold)),
        score_text(docs, gold),
        missing_words(source, shown_words(docs)),
    )


def score_realpdf(folder: Path, suffix: str = ".txt") -> list[RealResult]:
    out = []
    for path in sorted(folder.glob(f"A-RES-*{suffix}"), key=lambda p: p.name):
        xml = gold_xml(folder, path.stem)
        if xml is not None:
            out.append(score_one(path, xml))
    return out
