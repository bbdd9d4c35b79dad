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

from .langdata import Lang, all_months, common, lang, languages
from .models import MARK_CLOSE, MARK_OPEN, MARKER_RE, Block, Line

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
    if m and not _DATE_START.match(text) and not _operative_verb(text[m.end():]):
        return m.group(1)
    return ""


def _bare_mark_in_text(text: str, mark: str, current: Unit | None, cited: set[str]) -> bool:
    """A line opening with a bare number inside a run of text lines is the text's, not a
    footnote: after a paragraph number alone ("5." | "1 Comprend"), or when no marker cites
    that number ("... there still remain" | "17 Non-Self-Governing Territories")."""
    if current is None or current.kind != "text" or FOOTNOTE_START.match(text):
        return False
    return bool(NUMBER_ALONE.match(current.lines[-1].text)) or mark not in cited


def _operative_verb(text: str) -> bool:
    """"3 Calls upon ...": an operative paragraph whose number lost its dot, not a footnote."""
    return any(lang(code).operative_lead.match(text) for code in languages())


def _starts_paragraph(text: str, previous: str) -> bool:
    """Does this line open a new paragraph inside a run of lines with no blank line?
    A label after a line that ends mid-sentence is a wrapped reference ("paragraph 4" |
    "(a) of resolution 2255"); a heading ("I", "Introduction") may stand before one."""
    if NUMBER_LABEL.match(text) or ITEM_LABEL.match(text):
        return previous.endswith((",", ";", ":", ".", "!", "?", "»", "”")) \
            or NUMBER_ALONE.match(previous) is not None or len(previous.split()) <= 6
    if NUMBER_ALONE.match(previous):
        return False
    ends_sentence = previous.endswith((",", ";", ".", ":"))
    return ends_sentence and bool(PARTICIPLE.match(text)) and len(text.split()) > 3


def _units(lines: list[Line]) -> list[Unit]:
    units: list[Unit] = []
    current: Unit | None = None
    cited = {m for ln in lines for m in MARKER_RE.findall(ln.text)}
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
        if mark and not _bare_mark_in_text(text, mark, current, cited):
            current = Unit("footnote", [line], mark=mark)
            units.append(current)
            continue
        if current is not None:
            prev = current.lines[-1].text
            if current.kind == "footnote":
                # a footnote ends with its sentence; lower-case text after it is the page's text
                new = prev.endswith((".", ")", "»")) and not _ends_with_abbreviation(prev) \
                    and bool(CONTINUATION.match(text))
            else:
                new = _starts_paragraph(text, prev)
            if not new:
                current.lines.append(line)
                continue
        current = Unit("text", [line])
        units.append(current)
    return units


def _is_open(unit: Unit) -> bool:
    last = MARKER_RE.sub("", unit.lines[-1].text)  # "Middle East,²" ends with its comma
    return not last.endswith(TERMINAL) and not NUMBER_ALONE.match(last)


def _is_continuation(unit: Unit) -> bool:
    first = unit.lines[0].text
    return bool(CONTINUATION.match(first)) and not ITEM_LABEL.match(first) \
        and not NUMBER_LABEL.match(first)


MARKERS_ONLY = re.compile(f"^(?:{MARK_OPEN}[^{MARK_CLOSE}]*{MARK_CLOSE})+$")


def _join_page_breaks(units: list[Unit]) -> list[Unit]:
    """Join a paragraph cut by a page break; the footnotes between stay where they were.
    A footnote marker printed alone on its line belongs to the text before it ("B" "¹")."""
    out: list[Unit] = []
    last_text: Unit | None = None
    page_break = False  # a running head came after last_text: a page ended there
    for unit in units:
        if unit.kind == "text":
            if last_text is not None and all(MARKERS_ONLY.match(ln.text) for ln in unit.lines):
                last_text.lines.extend(unit.lines)
                continue
            if last_text is not None and _continues(last_text, unit, page_break):
                last_text.merged_at.append(unit.lines[0].no)
                last_text.lines.extend(unit.lines)
                page_break = False
                continue
            last_text, page_break = unit, False
        elif unit.kind == "runninghead":
            page_break = True
        out.append(unit)
    return out


def _continues(last: Unit, unit: Unit, page_break: bool) -> bool:
    """Does this text unit go on with the last one, cut by footnotes or a page break?
    Without a running head between them: only an open paragraph and a lower-case start.
    Across a page break: a lower-case start whatever the last line ended with (a line may
    end with a comma mid-sentence), or an open paragraph and any start but a label."""
    if NUMBER_ALONE.match(last.lines[-1].text):  # "15." | footnotes, running head | text
        return _may_continue(unit)
    if _is_continuation(unit):
        return _is_open(last) or page_break
    if not (page_break and _is_body_text(last)):
        return False
    if _is_open(last):  # "... in paragraph 4" | page break | "(a) of resolution 2255"
        return _may_continue(unit) or len(last.lines) > 1
    # "... including, but not limited to," | page break | "Branch 215, Branch 227, ...":
    # a paragraph opens with a label or a lead word, not with any capitalised word
    return last.lines[-1].text.endswith(",") and _may_continue(unit) and \
        _is_body_text(unit) and not _opens_with_lead(unit.lines[0].text)


def _is_body_text(unit: Unit) -> bool:
    """A wrapped paragraph, not a heading ("B", "Introduction") that a page break follows."""
    first = unit.lines[0].text
    return len(unit.lines) > 1 or len(first.split()) > 12 or bool(
        NUMBER_LABEL.match(first) or ITEM_LABEL.match(first)) or _opens_with_lead(first)


def _opens_with_lead(text: str) -> bool:
    return any(lang(c).preamble_lead.match(text) or lang(c).operative_lead.match(text)
               for c in languages())


def _ends_with_abbreviation(text: str) -> bool:
    """"Supplement No." or "vol." end a line, not a footnote: its text goes on."""
    words = text.rsplit(None, 1)
    return bool(words) and words[-1] in common().abbreviations


def _may_continue(unit: Unit) -> bool:
    """After a page break, an open paragraph goes on even with a capital ("... of the" |
    "United Nations"), unless the next text opens a paragraph of its own."""
    first = unit.lines[0].text
    return not (ITEM_LABEL.match(first) or NUMBER_LABEL.match(first) or NUMBER_ALONE.match(first))


def join_lines(texts: list[str]) -> str:
    """Hard-wrapped lines -> one paragraph. A line ending in a hyphen joins without space."""
    out = ""
    for text in texts:
        if not out:
            out = text
        elif MARKERS_ONLY.match(text):
            out += text
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
