"""Stage 3, segment: cleaned lines -> blocks -> one span of blocks per document.

A block is a paragraph, a heading, a footnote text or a running head. PDF conversions break
paragraphs in three ways that this stage undoes:
- hard wraps: every printed line is a line of text (joined with a space);
- page breaks: a paragraph stops mid-sentence, the page's footnotes and running head follow,
  then the paragraph goes on in lower case (joined again; the footnotes keep their place);
- several paragraphs without a blank line between them (split at printed labels: "5.", "a)",
  a footnote marker, a lead participle after a line that ended a sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .langdata import Lang, all_months, common
from .models import MARK_CLOSE, MARK_OPEN, Block, Line

NUMBER_LABEL = re.compile(r"^(\d{1,3})\.(?:\s|$)")  # "5. Prie", "5." alone
NUMBER_ALONE = re.compile(r"^\d{1,3}\.$")
ITEM_LABEL = re.compile(r"^\(?(?:[a-z]{1,2}|[ivxl]{1,6})\)(?:\s|$)")  # "a) ", "(iv) "
FOOTNOTE_START = re.compile(f"^{MARK_OPEN}([^{MARK_CLOSE}]+){MARK_CLOSE}\\s*(?=\\S)")
BARE_FOOTNOTE_START = re.compile(r"^(\d{1,3}) (?=[A-ZÀ-ÝÉ«\"“]|Ibid|ibid|Voir|See|Nations|United)")
TERMINAL = tuple(".,;:!?»)]”\"…")
PARTICIPLE = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ’'-]*(?:ant|ants|ing|ée|ées|é|és|ue|ues|ed|e|s)\b")
CONTINUATION = re.compile(r"^(?:[a-zà-ÿ(]|\\\*|[0-9][0-9.,/]*(?:\s|$)(?!\s*$))")


_DATE_START = re.compile(
    r"^\d{1,2}\s+(?:" + "|".join(sorted(all_months(), key=len, reverse=True)) + r")\b", re.I)


@dataclass
class Unit:
    kind: str  # text | footnote | runninghead
    lines: list[Line]
    mark: str = ""
    merged_at: list[int] = field(default_factory=list)


def _is_running_head(text: str) -> bool:
    return any(p.match(text) for p in common().running_heads)


def _footnote_mark(text: str) -> str:
    m = FOOTNOTE_START.match(text)
    if m:
        return m.group(1)
    m = BARE_FOOTNOTE_START.match(text)
    if m and not _DATE_START.match(text):
        return m.group(1)
    return ""


def _starts_paragraph(text: str, previous: str) -> bool:
    """Does this line open a new paragraph inside a run of lines with no blank line?"""
    if NUMBER_LABEL.match(text) or ITEM_LABEL.match(text):
        return True
    if NUMBER_ALONE.match(previous):
        return False
    ends_sentence = previous.endswith((",", ";", ".", ":"))
    return ends_sentence and bool(PARTICIPLE.match(text)) and len(text.split()) > 3


def _units(lines: list[Line]) -> list[Unit]:
    units: list[Unit] = []
    current: Unit | None = None
    for line in lines:
        text = line.text
        if not text:
            current = None
            continue
        if _is_running_head(text):
            units.append(Unit("runninghead", [line]))
            current = None
            continue
        mark = _footnote_mark(text)
        if mark and not (current and current.kind == "text" and NUMBER_ALONE.match(current.lines[-1].text)):
            current = Unit("footnote", [line], mark=mark)
            units.append(current)
            continue
        if current is not None:
            prev = current.lines[-1].text
            if current.kind == "footnote":
                # a footnote ends with its sentence; lower-case text after it is the page's text
                new = prev.endswith((".", ")", "»")) and bool(CONTINUATION.match(text))
            else:
                new = _starts_paragraph(text, prev)
            if not new:
                current.lines.append(line)
                continue
        current = Unit("text", [line])
        units.append(current)
    return units


def _is_open(unit: Unit) -> bool:
    last = unit.lines[-1].text
    return not last.endswith(TERMINAL) and not NUMBER_ALONE.match(last)


def _is_continuation(unit: Unit) -> bool:
    first = unit.lines[0].text
    return bool(CONTINUATION.match(first)) and not ITEM_LABEL.match(first) \
        and not NUMBER_LABEL.match(first)


def _join_page_breaks(units: list[Unit]) -> list[Unit]:
    """Join a paragraph cut by a page break; the footnotes between stay where they were."""
    out: list[Unit] = []
    last_text: Unit | None = None
    for unit in units:
        if unit.kind == "text":
            if last_text is not None and _is_open(last_text) and _is_continuation(unit):
                last_text.merged_at.append(unit.lines[0].no)
                last_text.lines.extend(unit.lines)
                continue
            last_text = unit
        out.append(unit)
    return out


def join_lines(texts: list[str]) -> str:
    """Hard-wrapped lines -> one paragraph. A line ending in a hyphen joins without space."""
    out = ""
    for text in texts:
        if not out:
            out = text
        elif out.endswith("-") and not out.endswith(" -") and text[:1].islower():
            out += text
        else:
            out += " " + text
    return out


def segment(lines: list[Line]) -> list[Block]:
    blocks = []
    for unit in _join_page_breaks(_units(lines)):
        texts = [ln.text for ln in unit.lines]
        rich = join_lines(texts)
        if unit.kind == "footnote":
            rich = FOOTNOTE_START.sub("", rich, count=1) if rich.startswith(MARK_OPEN) else \
                BARE_FOOTNOTE_START.sub("", rich, count=1)
        hint = "heading" if all(ln.hint == "heading" for ln in unit.lines) else ""
        blocks.append(Block(kind=unit.kind, rich=rich, line=unit.lines[0].no,
                            end=unit.lines[-1].no, mark=unit.mark, hint=hint,
                            joined_from=unit.merged_at, lines=texts))
    return blocks


# --- documents --------------------------------------------------------------------------


@dataclass
class Span:
    """The blocks of one document, with the report text printed before it."""

    heading: tuple[str, str, str] | None  # (kind, number, printed heading) or None
    blocks: list[Block]
    context: list[Block]


def document_heading(text: str, lang: Lang) -> tuple[str, str] | None:
    for kind, pattern in lang.document_headings:
        m = pattern.match(text)
        if m:
            return kind, (m.groupdict().get("number") or "")
    return None


def is_report_heading(text: str, lang: Lang) -> bool:
    return any(p.match(text) for p in lang.report_headings)


def split_documents(blocks: list[Block], lang: Lang) -> list[Span]:
    """One span per document. A file with at most one document heading is one document;
    a report holding several gets one span per heading, and the report's own headings and
    numbered paragraphs between documents become the next document's context."""
    heads = [i for i, b in enumerate(blocks)
             if b.kind == "text" and len(b.lines) <= 2 and document_heading(b.lines[0], lang)]
    if len(heads) <= 1 and not any(b.kind == "text" and is_report_heading(b.text, lang)
                                    for b in blocks):
        head = None
        if heads:
            b = blocks[heads[0]]
            kind, number = document_heading(b.lines[0], lang)  # type: ignore[misc]
            head = (kind, number, b.lines[0])
        return [Span(head, blocks, [])]
    spans: list[Span] = []
    pending: list[Block] = []
    current: Span | None = None
    for i, block in enumerate(blocks):
        if i in heads:
            kind, number = document_heading(block.lines[0], lang)  # type: ignore[misc]
            current = Span((kind, number, block.lines[0]), [block], pending)
            spans.append(current)
            pending = []
        elif current is None:
            pending.append(block)
        elif block.kind == "text" and (is_report_heading(block.text, lang)
                                       or _is_report_paragraph(block, current)):
            pending.append(block)
            current = None
        else:
            current.blocks.append(block)
    if pending:
        if spans:
            spans[-1].blocks.extend(pending)  # trailing report text stays on the last page
        else:
            spans.append(Span(None, pending, []))
    return spans


def _is_report_paragraph(block: Block, span: Span) -> bool:
    """A numbered paragraph that does not continue the document's own numbering, after the
    document has begun its operative part: the report's next paragraph ("2. La Commission")."""
    m = NUMBER_LABEL.match(block.text)
    if not m:
        return False
    numbers = [int(n.group(1)) for b in span.blocks if b.kind == "text"
               for n in [NUMBER_LABEL.match(b.text)] if n]
    if not numbers:
        return False
    return int(m.group(1)) not in (numbers[-1] + 1, 1)
