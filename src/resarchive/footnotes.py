"""Stage 5, link footnotes: footnote texts dumped anywhere in a file -> each document's notes.

Stage: link. May import: models, anchors, segment.

PDF conversions print a page's footnotes where the page ends, often mid-paragraph and
sometimes after the next document has begun. A document takes, for each marker it cites,
the footnote text with that marker printed within its own lines if there is one, else the
nearest in the file. Footnote texts no marker cites stay with the document they were printed
in, flagged as uncited: never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import anchors
from .models import Block, Document, Footnote, markers_in
from .segment import Span


def rich_texts(doc: Document) -> Iterator[str]:
    """Every rich text of a document, in reading order (where footnote markers may stand)."""
    yield doc.rich_title
    for loose in doc.context + doc.header + doc.report:
        yield loose.rich
    for para in doc.preamble + doc.operative + [p for a in doc.attachments for p in a.paragraphs]:
        yield para.heading
        yield para.rich
        stack = list(para.items)
        while stack:
            item = stack.pop(0)
            yield item.rich
            stack[:0] = item.items
    for loose in doc.unclassified:
        yield loose.rich


def link_footnotes(docs: list[Document], spans: list[Span]) -> None:
    everywhere = [b for s in spans for b in s.context + s.blocks if b.kind == "footnote"]
    for doc, span in zip(docs, spans, strict=True):
        local = [b for b in span.context + span.blocks if b.kind == "footnote"]
        cited: list[str] = []
        for rich in rich_texts(doc):
            for mark in markers_in(rich):
                if mark not in cited:
                    cited.append(mark)
        used: set[int] = set()
        notes: list[Footnote] = []
        for mark in cited:
            block = _pick(mark, local, everywhere, doc.line)
            if block is None:
                continue
            used.add(id(block))
            notes.append(
                Footnote(id=anchors.footnote(mark), mark=mark, rich=block.rich, line=block.line)
            )
        taken = {n.id for n in notes}
        for block in local:
            if id(block) in used:
                continue
            fid = anchors.footnote(block.mark)
            while fid in taken:
                fid += "-2"
            taken.add(fid)
            notes.append(
                Footnote(id=fid, mark=block.mark, rich=block.rich, line=block.line, cited=False)
            )
        doc.footnotes = sorted(notes, key=order)


def _pick(mark: str, local: list[Block], everywhere: list[Block], near: int) -> Block | None:
    for block in local:
        if block.mark == mark:
            return block
    candidates = [b for b in everywhere if b.mark == mark]
    if not candidates:
        return None
    return min(candidates, key=lambda b: abs(b.line - near))


def order(note: Footnote) -> tuple[int, int, str]:
    digits = note.mark.isdigit()
    return (0 if digits else 1, int(note.mark) if digits else 0, note.mark)
