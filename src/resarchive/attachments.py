"""Parse stage, attachments: annexes, attachments and appended lists printed after the
operative part (a provisional agenda, an interpretative statement, an annexed declaration).

Stage: parse. May import: models, anchors, langdata, segment, paragraphs, masthead.

Lines such as the symbol, a date or "Attachment" go to an attachment's header, a short
heading-like block before its first paragraph is its title, numbered paragraphs are
``att1-p4`` (items ``att1-p4-a``), unnumbered ones ``att1-t2``.
"""

from __future__ import annotations

import re

from . import anchors
from .langdata import Lang, common
from .masthead import iso_date
from .models import Attachment, Block, Document, Paragraph, plain
from .paragraphs import add_item, is_heading_like, item_label, strip_label
from .segment import NUMBER_LABEL, join_lines


def new_attachment(doc: Document, line: int) -> Attachment:
    """Open the document's next attachment (att1, att2, ...)."""
    att = Attachment(
        id=anchors.attachment(len(doc.attachments) + 1),
        title="",
        header=[],
        paragraphs=[],
        line=line,
    )
    doc.attachments.append(att)
    return att


def opens_attachment(block: Block, lang: Lang) -> bool:
    """Does a line of the block open an attachment ("Annexe", "Ordre du jour provisoire",
    the OSCE's "Attachment")?"""
    word = dict(lang.masthead).get("attachment_word")
    for line in block.lines:
        text = plain(line)
        if any(p.match(text) for p in lang.attachment_headings) and len(text.split()) <= 30:
            return True
        if word is not None and word.match(text):
            return True
    return False


def _opens_attachment_word(text: str, lang: Lang) -> bool:
    """ "Annex", "Annex II", "Annexe": an attachment heading with no title of its own."""
    return len(text.split()) <= 2 and any(p.match(text) for p in lang.attachment_headings)


def attachment_heading(att: Attachment, block: Block, lang: Lang) -> None:
    """Lines like the symbol, a date, "Attachment" go to the header; the rest is the title."""
    title_lines = []
    for line in block.lines:
        text = plain(line)
        if is_masthead_line(text, lang):
            att.header.append(text)
        else:
            title_lines.append(line)
    if title_lines:
        att.title = plain(join_lines(title_lines))


def is_masthead_line(text: str, lang: Lang) -> bool:
    if (
        common().symbol.match(text)
        or re.fullmatch(r"\d{1,2}\s+\S+\s+\d{4}", text)
        and iso_date(text, lang)
    ):
        return True
    return any(
        pattern.match(text)
        for name, pattern in lang.masthead
        if name in ("date", "original_language", "document_language", "attachment_word")
    )


def add_block(att: Attachment, block: Block, lang: Lang) -> None:
    """One block of an attachment: header line, title, numbered paragraph, item or text."""
    text, rich = block.text, block.rich
    if not att.paragraphs and (not att.title or _opens_attachment_word(att.title, lang)):
        if all(is_masthead_line(plain(ln), lang) for ln in block.lines):
            att.header.extend(plain(ln) for ln in block.lines)
            return
        if is_heading_like(block) or block.hint == "heading":
            if att.title:  # "Annex I" then its title: the word goes to the header
                att.header.append(att.title)
            att.title = text
            return
    num = NUMBER_LABEL.match(text)
    label = item_label(text)
    if num:
        n = num.group(1)
        pid = anchors.unique(
            anchors.attachment_paragraph(att.id, n), {p.id for p in att.paragraphs}, block.line
        )
        att.paragraphs.append(
            Paragraph(id=pid, number=n, rich=strip_label(rich, len(num.group(0))), line=block.line)
        )
        return
    if label and att.paragraphs:
        parent = att.paragraphs[-1]
        add_item(
            parent.items,
            parent.id,
            label,
            strip_label(rich, rich.index(label) + len(label)),
            block.line,
            lang,
        )
        return
    k = sum(1 for p in att.paragraphs if not p.number) + 1
    att.paragraphs.append(
        Paragraph(id=anchors.attachment_text(att.id, k), number="", rich=rich, line=block.line)
    )
