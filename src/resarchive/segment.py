"""Stage 3, segment: cleaned lines -> blocks -> one span of blocks per document.

Stage: segment. May import: models, langdata, pages.

A block is a paragraph, a heading, a footnote text or a running head. PDF conversions break
paragraphs in three ways that this stage undoes:
- hard wraps: every printed line is a line of text (joined with a space);
- page breaks: a paragraph stops mid-sentence, the page's footnotes and running head follow,
  then the paragraph goes on in lower case (joined again; the footnotes keep their place);
- several paragraphs without a blank line between them (split at printed labels: "5.", "a)",
  a footnote marker, a lead participle after a line that ended a sentence).
A line that was full (the next word would have passed the longest line of its run) broke
only for want of room: what follows goes on with it, even a capital, a label or a number.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from .langdata import Lang, all_months, common, lang, languages
from .models import MARK_CLOSE, MARK_OPEN, MARKER_RE, Block, Line
from .pages import is_formula_line

NUMBER_LABEL = re.compile(r"^(\d{1,3})\.(?:\s|$)")  # "5. Prie", "5." alone
NUMBER_ALONE = re.compile(r"^\d{1,3}\.$")
ITEM_LABEL = re.compile(r"^\(?(?:[a-z]{1,2}|[ivxl]{1,6})\)(?:\s|$)")  # "a) ", "(iv) "
FOOTNOTE_START = re.compile(f"^{MARK_OPEN}([^{MARK_CLOSE}]+){MARK_CLOSE}\\s*(?=\\S)")
_FOOTNOTE_OPENERS = sorted({w for c in languages() for w in lang(c).footnote_openers})
Langs = tuple[Lang, ...]  # the languages whose words a file's text is read with
# "12 Voir ...", "3 « ...", "4 ibid.": a number, a space, then a capital, a quote or one of
# the lower-case words a footnote may open with (footnote_openers of data/<lang>.yaml)
BARE_FOOTNOTE_START = re.compile(
    r"^(\d{1,3}) (?=[A-ZÀ-ÝÉ«\"“]|"
    + "".join(f"{re.escape(w)}|" for w in _FOOTNOTE_OPENERS)
    + r"(?!))"
)
# Chinese and Arabic print their own full stop, comma, semicolon, colon, exclamation and
# question marks: they end a clause as ours do.
WIDE_PUNCTUATION = tuple("。，；：！？،؛؟")
# What ends a line that ends a clause
TERMINAL = tuple('.,;:!?»)]”"…') + WIDE_PUNCTUATION + tuple("）」』")


def participle(langs: Langs) -> re.Pattern[str]:
    """A capitalised participle or adjective opening a preambular paragraph ("Rappelant",
    "Recalling", "Recordando", "Préoccupée"): the participle_endings of the languages."""
    return _participle(tuple(language.code for language in langs))


@cache
def _participle(codes: tuple[str, ...]) -> re.Pattern[str]:
    endings = sorted(
        {e for code in codes for e in lang(code).participle_endings}, key=lambda e: (-len(e), e)
    )
    return re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ’'-]*(?:" + "|".join(map(re.escape, endings)) + r")\b")


def all_languages() -> Langs:
    return tuple(lang(code) for code in languages())


CONTINUATION = re.compile(r"^(?:[a-zà-ÿ(]|\\\*|[0-9][0-9.,/]*(?:\s|$)(?!\s*$))")


_DATE_START = re.compile(
    r"^\d{1,2}\s+(?:" + "|".join(sorted(all_months(), key=len, reverse=True)) + r")\b", re.I
)


@dataclass
class Unit:
    kind: str  # text | footnote | runninghead
    lines: list[Line]
    mark: str = ""
    merged_at: list[int] = field(default_factory=list)


def _is_running_head(text: str) -> bool:
    return any(p.match(text) for p in common().running_heads)


PAGE_NUMBER = re.compile(r"^\d{1,3}/\d{1,3}$")


def _split_running_heads(lines: list[Line]) -> set[int]:
    """Indexes of symbol lines that are half of a running head: a converter that reads the
    page's corners apart prints the symbol and the page number on lines of their own
    ("A/RES/78/120" | "3/5"). A symbol alone is a running head only beside a page number and
    printed alone elsewhere too (the masthead, the other pages): not the end of a wrapped
    footnote ("... A/AC.278/2019/2 and" | "A/AC.278/2021/2.")."""
    symbol = common().symbol
    texts = [(k, ln.text) for k, ln in enumerate(lines) if ln.text]
    alone = Counter(text for _, text in texts if symbol.match(text))
    out = set()
    for j, (k, text) in enumerate(texts):
        if alone[text] > 1 and any(
            PAGE_NUMBER.match(texts[i][1]) for i in (j - 1, j + 1) if 0 <= i < len(texts)
        ):
            out.add(k)
    return out


def _footnote_mark(text: str, langs: Langs) -> str:
    m = FOOTNOTE_START.match(text)
    if m:
        return m.group(1)
    m = BARE_FOOTNOTE_START.match(text)
    if m and not _DATE_START.match(text) and not _operative_verb(text[m.end() :], langs):
        return m.group(1)
    return ""


def _bare_mark_in_text(
    text: str, mark: str, current: Unit | None, pending: set[str], cited: set[str]
) -> bool:
    """A line opening with a bare number is the text's, not a footnote, when a marker cites
    that number but not since its last footnote: a footnote is printed after its marker,
    once ("... across all" | "17 Sustainable Development Goals"; a table row "1 P-4 Officer"
    after footnote 1); inside a run of text lines, also after a paragraph number alone
    ("5." | "1 Comprend") or when no marker cites it."""
    if FOOTNOTE_START.match(text):
        return False
    if mark in cited and mark not in pending:
        return True
    if current is None or current.kind != "text":
        return False
    return bool(NUMBER_ALONE.match(current.lines[-1].text)) or mark not in pending


def _operative_verb(text: str, langs: Langs) -> bool:
    """ "3 Calls upon ...": an operative paragraph whose number lost its dot, not a footnote."""
    return any(language.operative_lead.match(text) for language in langs)


_PLAIN_MARK_AT_END = re.compile(r"(?<=[,;:.])\d{1,3}$")


def line_end(text: str) -> str:
    """A line as its end reads: markers aside, also a marker a converter printed as plain
    digits after the punctuation ("Rights,2", "Agenda 21,21" end with their comma)."""
    return _PLAIN_MARK_AT_END.sub("", MARKER_RE.sub("", text).rstrip())


def _starts_paragraph(text: str, lines: list[Line], width: int, langs: Langs) -> bool:
    """Does this line open a new paragraph inside a run of lines with no blank line?
    A label after a line that ends mid-sentence is a wrapped reference ("paragraph 4" |
    "(a) of resolution 2255"); a heading ("I", "Introduction") may stand before one.
    At the start of a line that follows a full one, a label is still the text's when the
    line broke mid-clause ("paragraphs a)," | "d) et e)") or inside a list printed inline
    ("... durable ; b) recommande ... durable ;" | "c) recommande"). A capitalised word after
    a line that ended a clause opens a paragraph only if that line was not simply full: a
    hard wrap puts "Palestine:" | "Reconstructing Gaza" apart too."""
    previous = line_end(lines[-1].text)  # "for 2021,¹" ends with its comma
    label = NUMBER_LABEL.match(text) or ITEM_LABEL.match(text)
    if (
        label
        and NUMBER_LABEL.match(text)
        and previous.endswith(TERMINAL)
        and (NUMBER_ALONE.match(text) or _operative_verb(text[label.end() :], langs))
    ):
        # "2017," | "1. Expresses ..." or "1." alone: an operative paragraph, full line or not
        return True
    if label:
        opens = (
            previous.endswith((",", ";", ":", ".", "!", "?", "»", "”"))
            or NUMBER_ALONE.match(previous) is not None
            or len(previous.split()) <= 6
        )
        if (
            opens
            and not previous.endswith((":", ".", "!", "?"))
            and _wrapped(previous, text, width)
        ):
            return previous.endswith(";") and not _inline_list(label.group(0).strip(), lines)
        return opens
    if NUMBER_ALONE.match(previous):
        return False
    if (
        previous.endswith((".", ";"))
        and text[:1].isupper()
        and 0 < width <= HARD_WRAP_MAX
        and not _wrapped(previous, text, width)
        and not _ends_with_abbreviation(previous, langs)
    ):
        return True  # a hard-wrapped paragraph ended short of the measure: "...;" | "Budget"
    if (
        previous.endswith((".", ";"))
        and text[:1].isupper()
        and 0 < width <= HARD_WRAP_MAX
        and not text.endswith(TERMINAL)
        and _printed_length(text) < 0.8 * width
        and not _ends_with_abbreviation(previous, langs)
    ):
        return True  # "... activities;" | "Budget performance report ...": a heading
    if (
        previous.endswith((",", ";"))
        and text[:1].isupper()
        and _operative_verb(text, langs)
        and len(text.split()) > 3
    ):
        return True  # "... du Conseil des droits de l'homme¹," | "Prend note du rapport"
    ends_sentence = previous.endswith((",", ";", ".", ":"))
    return (
        ends_sentence
        and bool(participle(langs).match(text) or _opens_with_preamble_lead(text, langs))
        and len(text.split()) > 3
        and (
            not _wrapped(previous, text, width)
            # a justified last line is full too: after a paragraph's own end, a lead phrase
            # ("Recalling also", "Reaffirming") opens the next one
            or previous.endswith((",", ";"))
            and _opens_with_preamble_lead(text, langs)
        )
    )


def _opens_with_preamble_lead(text: str, langs: Langs) -> bool:
    """A lead phrase among the words most paragraphs open with ("Recalling", not
    "Stockpiling and Use of Chemical Weapons")."""
    first = text.split(" ", 1)[0].rstrip(",")
    return any(
        first in language.preamble_openers and bool(language.preamble_lead.match(text))
        for language in langs
    )


ROMANS = [
    "i",
    "ii",
    "iii",
    "iv",
    "v",
    "vi",
    "vii",
    "viii",
    "ix",
    "x",
    "xi",
    "xii",
    "xiii",
    "xiv",
    "xv",
    "xvi",
    "xvii",
    "xviii",
    "xix",
    "xx",
]


def _inline_list(label: str, lines: list[Line]) -> bool:
    """Was the label before this one ("b)" before "c)", "(iii)" before "(iv)") printed inside
    the paragraph's lines, not opening them: a list run into the text?"""
    key = label.strip("().")
    before = []
    if len(key) == 1 and key.isalpha() and key != "a":
        before.append(chr(ord(key) - 1))
    if key in ROMANS[1:]:
        before.append(ROMANS[ROMANS.index(key) - 1])
    if not before or label.endswith("."):
        return False
    forms = [f"({b})" if label.startswith("(") else f"{b})" for b in before]
    pattern = re.compile(r"(?<![\w(])(?:" + "|".join(re.escape(f) for f in forms) + r")\s")
    return any(
        m.start() > 0 or k > 0 for k, ln in enumerate(lines) for m in pattern.finditer(ln.text)
    )


def _next_label(label: str) -> str:
    """ "(ii)" after "(i)", "b)" after "a)"; "" for other labels."""
    key = label.strip("().")
    if key in ROMANS[:-1]:
        nxt = ROMANS[ROMANS.index(key) + 1]
    elif len(key) == 1 and key.isalpha() and key not in "zZ":
        nxt = chr(ord(key) + 1)
    else:
        return ""
    return f"({nxt})" if label.startswith("(") else f"{nxt})"


def _inline_list_ahead(text: str, lines: list[Line], k: int) -> bool:
    """Does the list this label opens go on inside the lines that follow ("(i) modalities
    ..., (ii) dedicated ...; and (iii) other ...")? Then it is the paragraph's text."""
    label = ITEM_LABEL.match(text)
    if not label:
        return False
    nxt = _next_label(label.group(0).strip())
    if not nxt:
        return False
    for j in range(k, min(k + 12, len(lines))):
        following = lines[j].text
        if not following or (j > k and following.startswith(nxt)):
            return False
        at = following.find(" " + nxt + " ", 0 if j > k else label.end() - 1)
        if at >= 0:
            return True
    return False


HARD_WRAP_MAX = 130  # lines of a hard-wrapped page are shorter than this


def _printed_length(text: str) -> int:
    """Length as printed: a marker is its superscript digits."""
    return len(MARKER_RE.sub(lambda m: m.group(1), text)) if MARK_OPEN in text else len(text)


def _wrapped(previous: str, text: str, width: int) -> bool:
    """Did the line break only because the next word did not fit? ``width`` is the longest
    line of the run: a hard-wrapped run breaks where the next word would pass it."""
    if not width or width > HARD_WRAP_MAX:
        return False  # one paragraph per line: every break is meant
    first = text.split(" ", 1)[0]
    return _printed_length(previous) + 1 + _printed_length(first) > 0.9 * width


def _run_widths(lines: list[Line]) -> list[int]:
    """For each line, the printed length of the longest line of its run of non-blank lines."""
    widths = [0] * len(lines)
    start = 0
    for i in range(len(lines) + 1):
        if i == len(lines) or not lines[i].text:
            width = max((_printed_length(ln.text) for ln in lines[start:i]), default=0)
            widths[start:i] = [width] * (i - start)
            start = i + 1
    return widths


def _units(lines: list[Line], langs: Langs) -> list[Unit]:
    units: list[Unit] = []
    current: Unit | None = None
    cited = {m for ln in lines for m in MARKER_RE.findall(ln.text)}
    pending: set[str] = set()  # marks cited before this line and since their last footnote
    widths = _run_widths(lines)
    split_heads = _split_running_heads(lines)
    previous = ""
    for k, (line, width) in enumerate(zip(lines, widths, strict=True)):
        if MARK_OPEN in previous:  # a footnote's own mark cites nothing
            pending.update(MARKER_RE.findall(FOOTNOTE_START.sub("", previous, count=1)))
        text = previous = line.text
        if not text:
            current = None
            continue
        if line.hint == "rule":  # the rule above a page's footnotes (pages.py): no words
            current = None
            continue
        if line.hint == "runninghead" or (
            line.hint != "text" and (_is_running_head(text) or k in split_heads)
        ):
            units.append(Unit("runninghead", [line]))
            current = None
            continue
        mark = _footnote_mark(text, langs)
        if mark and not _bare_mark_in_text(text, mark, current, pending, cited):
            pending.discard(mark)
            current = Unit("footnote", [line], mark=mark)
            units.append(current)
            continue
        if _stands_alone(text, langs):  # no blank line around the formula or the title
            current = Unit("text", [line])
            units.append(current)
            if PART_LETTER.match(text) or any(
                is_formula_line(text, language) for language in langs
            ):
                current = None  # the formula, a part's letter: lines of their own
            continue
        if current is not None and _closed(current, langs):
            current = None  # "37th plenary meeting" | "22 November 2021" | what follows
        if current is not None:
            prev = current.lines[-1].text
            if current.kind == "footnote":
                # a footnote ends with its sentence; lower-case text after it is the page's
                # text, unless the footnote's line was full ("(Vol. II)" | "and ...")
                new = (
                    prev.endswith((".", ")", "»"))
                    and not _ends_with_abbreviation(prev, langs)
                    and bool(CONTINUATION.match(text))
                    and not (prev.endswith((")", "»")) and _wrapped(prev, text, width))
                )
            else:
                new = (
                    _starts_paragraph(text, current.lines, width, langs)
                    or _heading_before_number(text, current.lines, lines, k, langs)
                ) and not _inline_list_ahead(text, lines, k)
            if not new:
                current.lines.append(line)
                continue
        current = Unit("text", [line])
        units.append(current)
    return units


def _next_text(lines: list[Line], k: int) -> str:
    """The next non-blank line after line k ("" at the end)."""
    return next((ln.text for ln in lines[k + 1 : k + 4] if ln.text), "")


def _heading_before_number(
    text: str, run: list[Line], lines: list[Line], k: int, langs: Langs
) -> bool:
    """Read with the line after it, for texts without blank lines (pdftotext): a heading
    ("Financing of the appropriation ...": no final punctuation) after a paragraph's end,
    followed by a numbered paragraph; a number alone ("37.") followed by an operative verb."""
    previous = line_end(run[-1].text)
    after = _next_text(lines, k)
    if NUMBER_ALONE.match(text):
        return _operative_verb(after, langs)
    return (
        previous.endswith((".", ";", ":"))
        and text[:1].isupper()
        and not text.endswith(TERMINAL)
        and len(text.split()) <= 20
        and bool(NUMBER_ALONE.match(after) or NUMBER_LABEL.match(after))
    )


def _closed(unit: Unit, langs: Langs) -> bool:
    """A closing block is the meeting line and its date, nothing after; an annex heading
    ("Annex", "Attachment") ends its block too: its title follows on a line of its own."""
    last = unit.lines[-1].text
    return (
        len(unit.lines) == 2
        and any(language.closing.match(unit.lines[0].text) for language in langs)
        and bool(_DATE_START.match(last))
    ) or (
        len(last.split()) <= 3
        and any(p.match(last) for language in langs for p in language.attachment_headings)
    )


PART_LETTER = re.compile(r"^[A-H]$")  # "A", the part of a collection ("75/101 A-B")


def _stands_alone(text: str, langs: Langs) -> bool:
    """The enacting formula ("The General Assembly,"), the numbered title ("75/100.
    Title"), a part's letter ("B") and the closing meeting line open blocks of their own,
    blank lines or not."""
    return PART_LETTER.match(text) is not None or any(
        is_formula_line(text, language)
        or language.numbered_title.match(text)
        or language.closing.match(text)  # "41st plenary meeting", after the last paragraph
        for language in langs
    )


def _is_open(unit: Unit) -> bool:
    last = line_end(unit.lines[-1].text)  # "Middle East,²" ends with its comma
    return not last.endswith(TERMINAL) and not NUMBER_ALONE.match(last)


def _is_continuation(unit: Unit) -> bool:
    first = unit.lines[0].text
    return (
        bool(CONTINUATION.match(first))
        and not ITEM_LABEL.match(first)
        and not NUMBER_LABEL.match(first)
    )


MARKERS_ONLY = re.compile(f"^(?:{MARK_OPEN}[^{MARK_CLOSE}]*{MARK_CLOSE})+$")


def _join_page_breaks(units: list[Unit], langs: Langs) -> list[Unit]:
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
            if last_text is not None and _continues(last_text, unit, page_break, langs):
                last_text.merged_at.append(unit.lines[0].no)
                last_text.lines.extend(unit.lines)
                page_break = False
                continue
            last_text, page_break = unit, False
        elif unit.kind == "runninghead":
            page_break = True
        out.append(unit)
    return out


def _continues(last: Unit, unit: Unit, page_break: bool, langs: Langs) -> bool:
    """Does this text unit go on with the last one, cut by footnotes or a page break?
    Without a running head between them: only an open paragraph and a lower-case start.
    Across a page break: a lower-case start whatever the last line ended with (a line may
    end with a comma mid-sentence), or an open paragraph and any start but a label."""
    if NUMBER_ALONE.match(last.lines[-1].text):  # "15." | footnotes, running head | text
        return _may_continue(unit)
    if _is_continuation(unit):
        return _is_open(last) or page_break
    if not (page_break and _is_body_text(last, langs)):
        return False
    if _is_open(last):  # "... in paragraph 4" | page break | "(a) of resolution 2255"
        return _may_continue(unit) or len(last.lines) > 1 and _label_then_lower(unit)
    # "... including, but not limited to," | page break | "Branch 215, Branch 227, ...":
    # a paragraph opens with a label or a lead word, not with any capitalised word
    return (
        last.lines[-1].text.endswith(",")
        and _may_continue(unit)
        and _is_body_text(unit, langs)
        and not _opens_with_lead(unit.lines[0].text, langs)
    )


def _label_then_lower(unit: Unit) -> bool:
    """ "(a) of resolution 2255" goes on with a sentence; "8. Reaffirms" (after a heading
    wrapped over two lines and a page break) opens a paragraph."""
    first = unit.lines[0].text
    m = ITEM_LABEL.match(first) or NUMBER_LABEL.match(first)
    return m is not None and first[m.end() : m.end() + 1].islower()


def _is_body_text(unit: Unit, langs: Langs) -> bool:
    """A wrapped paragraph, not a heading ("B", "Introduction") that a page break follows."""
    first = unit.lines[0].text
    return (
        len(unit.lines) > 1
        or len(first.split()) > 12
        or bool(NUMBER_LABEL.match(first) or ITEM_LABEL.match(first))
        or _opens_with_lead(first, langs)
    )


def _opens_with_lead(text: str, langs: Langs) -> bool:
    return any(
        language.preamble_lead.match(text) or language.operative_lead.match(text)
        for language in langs
    )


def _ends_with_abbreviation(text: str, langs: Langs) -> bool:
    """ "Supplement No." or "vol." end a line, not a footnote: its text goes on (the
    abbreviations of common.yaml and of the languages)."""
    words = text.rsplit(None, 1)
    return bool(words) and (
        words[-1] in common().abbreviations
        or any(words[-1] in language.abbreviations for language in langs)
    )


def _may_continue(unit: Unit) -> bool:
    """After a page break, an open paragraph goes on even with a capital ("... of the" |
    "United Nations"), unless the next text opens a paragraph of its own."""
    first = unit.lines[0].text
    return not (ITEM_LABEL.match(first) or NUMBER_LABEL.match(first) or NUMBER_ALONE.match(first))


# "small- and medium-sized", "troop- et police-": a hyphen before these words stood before a
# space (a suspended compound), not inside a word the line broke
SUSPENDED_HYPHEN_WORDS = frozenset(w for c in languages() for w in lang(c).suspended_hyphen_words)


def join_lines(texts: list[str]) -> str:
    """Hard-wrapped lines -> one paragraph. A line ending in a hyphen (or a non-breaking
    one, U+2011) joins the next word without a space: "non-" | "governmental",
    "Secretary-" | "General", "2021-" | "2025"; the hyphen stays, as printed."""
    out = ""
    for text in texts:
        if not out:
            out = text
        elif MARKERS_ONLY.match(text):
            out += text
        elif (
            out.endswith(("-", "\u2011"))
            and out[-2:-1].isalnum()
            and text[:1].isalnum()
            and text.split(" ", 1)[0] not in SUSPENDED_HYPHEN_WORDS
        ):
            out += text
        else:
            out += " " + text
    return out


def segment(lines: list[Line], langs: Langs | None = None) -> list[Block]:
    """Blocks of a file's cleaned lines, read with the words of ``langs`` (lead phrases,
    participles; default: every language's)."""
    langs = langs or all_languages()
    blocks = []
    for unit in _join_page_breaks(_units(lines, langs), langs):
        texts = [ln.text for ln in unit.lines]
        rich = join_lines(texts)
        if unit.kind == "footnote":
            rich = (
                FOOTNOTE_START.sub("", rich, count=1)
                if rich.startswith(MARK_OPEN)
                else BARE_FOOTNOTE_START.sub("", rich, count=1)
            )
        hint = "heading" if all(ln.hint == "heading" for ln in unit.lines) else ""
        blocks.append(
            Block(
                kind=unit.kind,
                rich=rich,
                line=unit.lines[0].no,
                end=unit.lines[-1].no,
                mark=unit.mark,
                hint=hint,
                joined_from=unit.merged_at,
                lines=texts,
            )
        )
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
    heads = [
        i
        for i, b in enumerate(blocks)
        if b.kind == "text" and len(b.lines) <= 2 and document_heading(b.lines[0], lang)
    ]
    if len(heads) <= 1 and not any(
        b.kind == "text" and is_report_heading(b.text, lang) for b in blocks
    ):
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
        elif block.kind == "text" and (
            is_report_heading(block.text, lang) or _is_report_paragraph(block, current)
        ):
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
    numbers = [
        int(n.group(1))
        for b in span.blocks
        if b.kind == "text"
        for n in [NUMBER_LABEL.match(b.text)]
        if n
    ]
    if not numbers:
        return False
    return int(m.group(1)) not in (numbers[-1] + 1, 1)
