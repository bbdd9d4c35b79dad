"""Judging a parse by its text: each paragraph's words against the UN's XML.

Stage: measurement (tests, bench/accuracy.py, bench/realpdf.py), outside the build. May
import: models, pages, akn_read, accuracy.

A delegate copies a paragraph's text, so counts are not enough: a paragraph is *text-exact*
when its sequence of letter-words equals the gold's. Letter-words are the runs of letters of
the text in NFKC form, case-folded; digits, punctuation and whitespace are set aside (footnote
markers, paragraph numbers and line-end hyphens then do not count, a running head or a
footnote line inside a paragraph does). A paragraph's text is its own text followed by its
sub-paragraphs' (labels included: the XML sometimes prints
them inside the text), at any depth, in order.

The gold is the UN's XML read by ``akn_read`` (the reader proven equal to akn2txt's gold on
every corpus file), so the two sides are the same model. Paragraphs are aligned in order
(preambular then operative), so that a paragraph missed or split costs itself only.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from .models import Document, Item, Paragraph
from .pages import letter_words


def judged_words(text: str) -> list[str]:
    """The judged words of a text: NFKC, case-folded runs of letters (pages.letter_words)."""
    return list(letter_words(text))


def _item_text(items: list[Item]) -> str:
    """Items with their printed labels: the XML prints some labels inside the text."""
    return " ".join(f"{i.label} {i.text} {_item_text(i.items)}" for i in items)


def paragraph_text(p: Paragraph) -> str:
    return f"{p.text} {_item_text(p.items)}"


def judged_paragraphs(docs: list[Document]) -> list[tuple[str, list[str]]]:
    """(anchor, letter-words) of every preambular and operative paragraph, in order."""
    return [
        (p.id, judged_words(paragraph_text(p))) for d in docs for p in (*d.preamble, *d.operative)
    ]


@dataclass
class ParagraphMiss:
    anchor: str  # ours ("op7"), or the gold's when we have no paragraph there
    gold: list[str]
    ours: list[str]

    @property
    def distance(self) -> int:
        """Words added plus words removed: how wrong the paragraph reads."""
        sm = difflib.SequenceMatcher(a=self.gold, b=self.ours, autojunk=False)
        same = sum(b.size for b in sm.get_matching_blocks())
        return len(self.gold) + len(self.ours) - 2 * same

    def diff(self, context: int = 4) -> str:
        """A word diff: [-gold only-] {+ours only+}, far-off equal runs shortened."""
        sm = difflib.SequenceMatcher(a=self.gold, b=self.ours, autojunk=False)
        out: list[str] = []
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                run = self.gold[i1:i2]
                if len(run) > 2 * context + 1:
                    run = [*run[:context], "…", *run[-context:]]
                out.extend(run)
                continue
            if i2 > i1:
                out.append("[-" + " ".join(self.gold[i1:i2]) + "-]")
            if j2 > j1:
                out.append("{+" + " ".join(self.ours[j1:j2]) + "+}")
        return " ".join(out)


@dataclass
class TextScore:
    paragraphs: int  # gold paragraphs
    exact: int  # of them, text-exact
    misses: list[ParagraphMiss] = field(default_factory=list)

    @property
    def all_exact(self) -> bool:
        return self.exact == self.paragraphs and not self.misses

    def worst(self, n: int = 3) -> list[ParagraphMiss]:
        return sorted(self.misses, key=lambda m: -m.distance)[:n]


def score_text(ours: list[Document], gold: list[Document]) -> TextScore:
    """Align our paragraphs with the gold's, in order (difflib over whole paragraphs), so
    that one paragraph missed or split costs itself, not every paragraph after it. A gold
    paragraph is exact when aligned with one of ours of the same words; the others are misses,
    each shown against the paragraph of ours in its place (if any)."""
    mine, theirs = judged_paragraphs(ours), judged_paragraphs(gold)
    score = TextScore(paragraphs=len(theirs), exact=0)
    sm = difflib.SequenceMatcher(
        a=[tuple(w) for _, w in theirs], b=[tuple(w) for _, w in mine], autojunk=False
    )
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            score.exact += i2 - i1
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            gold_anchor, want = theirs[i1 + k] if i1 + k < i2 else ("", [])
            anchor, got = mine[j1 + k] if j1 + k < j2 else ("", [])
            score.misses.append(ParagraphMiss(anchor or gold_anchor, want, got))
    return score


def read_gold(xml: Path) -> list[Document]:
    from .akn_read import read_akn  # late: lxml only where gold is read

    docs, _warnings = read_akn(xml.read_bytes(), xml.name, xml.stem)
    return docs
