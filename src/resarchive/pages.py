"""Stage 2b, pages: cleaned lines -> the same lines, page furniture marked, markers found.

Stage: pages. May import: models, langdata.

A real PDF conversion prints, at every page top after the first, a running head of several
lines: the document's symbol, its short title wrapped over one to five lines, the job number
("24-23046") and a page mark ("2/3"), in one order on even pages (symbol, title, job, page)
and another on odd ones (title, symbol, page, job). No fixed pattern knows the title, so this
stage learns the head from the document itself:

- the symbols and job numbers printed alone on the first lines (the masthead);
- the title from the even pages (the lines between a symbol and the blank line that comes
  before the job number or page mark), and every run of masthead lines above the enacting
  formula (the agenda item's title, the resolution's title), however the head wraps them.

A page top is the symbol printed again (PyMuPDF's text) or a form feed (pdftotext, our PDF
reader). From there the head is walked up and down over blank lines, anchors (symbol, job
number, page mark) and whole title runs, in whatever order the converter printed them; a
symbol with neither a page mark nor a title beside it is the text's (an annex's header).
Every line of each head is hinted "runninghead" (segment drops it: a page break for joining),
so nothing of a head ends up inside a paragraph.

A page's footnotes follow a rule (a line of underscores, hinted "rule") down to the next
page's head. Converters print their numbers as plain digits, so notes and markers are found
here, page by page, where the page's layout tells them apart from the text's numbers: a note
opens a line of the notes with the next number in sequence; its marker is the first
occurrence of that number in the page's text after the previous marker, glued to a word or
a punctuation mark ("Conference9", "session,1", "79/7;1") or standing alone between words
("Effects 1 and", not "article 1" nor "1 December": the words that take a number are data,
``numbered_words``), after a year ("20236": 2023, note 6) or alone on its line; failing all
of these, glued to a short number or a resolution number ("Action 213,", "20/151,"). Both
notes and markers become internal markers (models.marker), as ``¹`` would. Page-mark gaps
("2/5" then "4/5") are reported (``missing_pages``): a page the conversion lost.

Lines are never removed or reordered: line numbers stay the source's.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .langdata import Lang, common
from .models import MARK_CLOSE, MARK_OPEN, MARKER_RE, Line, marker

RULE = re.compile(r"^_{5,}$")  # the rule above a page's footnotes
PAGE_MARK = re.compile(r"^\d{1,3}/\d{1,3}$")
JOB = re.compile(r"^(?:[A-Z]{1,3}\.)?(\d{2}-\d{5})(?:\s*\([A-Z]\))?$")  # "24-23046 (E)"
# a note's number, or its mark already made a marker by clean ("¹", "*" at a line start)
NOTE_START = re.compile(
    f"^(?:(\\d{{1,3}}|\\*{{1,3}})\\s+|{MARK_OPEN}([^{MARK_CLOSE}]+){MARK_CLOSE}\\s*)(?=\\S)"
)
MASTHEAD_LINES = 40  # the first page's masthead is printed in its first lines
MAX_TITLE_LINES = 6
_LETTERS = re.compile(r"[^\W\d_]+")
_QUOTED_OR_ENDED = re.compile(r"[“”\"«»]|[.;:]$")


def letter_words(text: str) -> tuple[str, ...]:
    """The letters-only words of a text, NFKC and case-folded: what a title and a paragraph
    are compared by (here, and by textscore.py against the UN's XML)."""
    return tuple(_LETTERS.findall(unicodedata.normalize("NFKC", text).casefold()))


@dataclass
class RunningHead:
    """What a document prints at its page tops, learned from the document."""

    symbols: set[str] = field(default_factory=set)  # "A/RES/79/32"
    jobs: set[str] = field(default_factory=set)  # "24-23046"
    titles: set[tuple[str, ...]] = field(default_factory=set)  # letter-words of the title
    pages: str = ""  # the page count its page marks print ("3" in "2/3"), the most common

    def is_anchor(self, text: str) -> bool:
        """A line that only a running head prints: the symbol, job number or page mark (of
        this document's page count: "74/199" alone on a line is resolution 74/199)."""
        if text in self.symbols:
            return True
        if PAGE_MARK.match(text):
            return not self.pages or text.split("/")[1] == self.pages
        m = JOB.match(text)
        return m is not None and (m.group(1) in self.jobs or not self.jobs)


def learn_head(lines: list[Line]) -> RunningHead:
    head = RunningHead()
    totals = Counter(ln.text.split("/")[1] for ln in lines if PAGE_MARK.match(ln.text))
    if totals:
        head.pages = totals.most_common(1)[0][0]
    symbol = common().symbol
    for line in lines[:MASTHEAD_LINES]:
        if symbol.match(line.text):
            head.symbols.add(line.text)
        m = JOB.match(line.text)
        if m:
            head.jobs.add(m.group(1))
    for i in _page_tops(lines, head):
        title = _title_after(lines, i, head)
        if title:
            head.titles.add(letter_words(" ".join(lines[k].text for k in title)))
    return head


def _page_tops(lines: list[Line], head: RunningHead) -> list[int]:
    """The symbol lines of the page tops: every one but the masthead's (the first)."""
    found = [i for i, ln in enumerate(lines) if ln.text in head.symbols]
    return found[1:]


def _nonblank_after(lines: list[Line], i: int, limit: int) -> list[int]:
    out: list[int] = []
    k = i + 1
    while k < len(lines) and len(out) < limit:
        if lines[k].text:
            out.append(k)
        k += 1
    return out


def _title_after(lines: list[Line], i: int, head: RunningHead) -> list[int]:
    """Even page: symbol, title lines, a blank, then the job number or page mark."""
    title: list[int] = []
    k = i + 1
    while k < len(lines) and lines[k].text and len(title) < MAX_TITLE_LINES:
        if head.is_anchor(lines[k].text):
            return title
        title.append(k)
        k += 1
    if not title or k >= len(lines) or lines[k].text:
        return []
    following = _nonblank_after(lines, k - 1, 1)
    return title if following and head.is_anchor(lines[following[0]].text) else []


def masthead_titles(lines: list[Line], language: Lang) -> set[tuple[str, ...]]:
    """The words of every run of up to MAX_TITLE_LINES consecutive masthead lines (above the
    enacting formula): the agenda item's and the resolution's titles are among them, however
    the head wraps them."""
    out = set()
    end = next(
        (i for i, ln in enumerate(lines[:MASTHEAD_LINES]) if is_formula_line(ln.text, language)),
        MASTHEAD_LINES,
    )
    texts = [ln.text for ln in lines[:end] if ln.text]
    for start in range(len(texts)):
        for end in range(start + 1, min(start + MAX_TITLE_LINES, len(texts)) + 1):
            words = letter_words(" ".join(texts[start:end]))
            if len(words) >= 2:
                out.add(words)
    return out


def _title_run(
    lines: list[Line], k: int, step: int, head: RunningHead, titles: set[tuple[str, ...]]
) -> list[int]:
    """The longest run of lines from k (walking by step: +1 down, -1 up), without a blank
    line or an anchor, whose words are a whole title."""
    best: list[int] = []
    run: list[int] = []
    for n in range(MAX_TITLE_LINES):
        j = k + step * n
        if not 0 <= j < len(lines) or not lines[j].text or head.is_anchor(lines[j].text):
            break
        if _QUOTED_OR_ENDED.search(lines[j].text):
            break  # "... entitled “Child, early and forced marriage”.": the text's, not a head
        run.append(j)
        if letter_words(" ".join(lines[i].text for i in sorted(run))) in titles:
            best = sorted(run)
    return best


def _walk_down(
    lines: list[Line], k: int, head: RunningHead, titles: set[tuple[str, ...]]
) -> list[int]:
    """From k down, the lines of a head: blanks, anchors (symbol, job number, page mark) and
    title runs, a title run only if an anchor follows it."""
    found: list[int] = []
    pending: list[int] = []
    while k < len(lines):
        text = lines[k].text
        if not text:
            k += 1
        elif head.is_anchor(text):
            found += pending + [k]
            pending = []
            k += 1
        elif run := _title_run(lines, k, 1, head, titles):
            pending += run
            k = run[-1] + 1
        else:
            break
    return found


def _walk_up(
    lines: list[Line], k: int, head: RunningHead, titles: set[tuple[str, ...]]
) -> list[int]:
    """From k up (the line above a symbol), the head's anchors and title, as far as the page
    top (a form feed) or the first line that is neither."""
    found: list[int] = []
    while k >= 0:
        text = lines[k].text
        if not text:
            k -= 1
            continue
        if head.is_anchor(text):
            run = [k]
        else:
            run = _title_run(lines, k, -1, head, titles)
            if not run:
                break
        found += run
        if any(lines[j].hint == "pagetop" for j in run):
            break
        k = run[0] - 1
    return found


def is_formula_line(text: str, language: Lang) -> bool:
    """A short line: "The General Assembly," (not an agenda title such as "The United Nations
    Global Counter-Terrorism Strategy", which the pattern alone would take)."""
    n = len(text.split())
    return bool(language.formula.match(text)) and (n <= 3 or n <= 7 and text.endswith((",", ":")))


def running_head_lines(lines: list[Line], head: RunningHead, language: Lang) -> list[list[int]]:
    """The lines of each page top's head, in order. A page top is a line that opens a page
    (a form feed) or the symbol printed again after the masthead."""
    titles = head.titles | masthead_titles(lines, language)
    heads: list[set[int]] = []
    for i in sorted(
        set(_page_tops(lines, head)) | {i for i, ln in enumerate(lines) if ln.hint == "pagetop"}
    ):
        if heads and i in heads[-1]:
            continue
        found = set(_walk_down(lines, i, head, titles))
        if lines[i].text in head.symbols:
            found |= set(_walk_up(lines, i - 1, head, titles))
            if not found:
                continue  # the symbol alone, no page mark nor title: an annex's header line
            found.add(i)
        if found:
            heads.append(found)
    return [sorted(h) for h in heads]


@dataclass
class Page:
    body: range  # line indexes of the page's text
    notes: range  # line indexes of its footnotes (after the rule), empty when none


def split_pages(lines: list[Line], heads: list[list[int]], rules: set[int]) -> list[Page]:
    bounds = [(-1, -1), *((h[0], h[-1]) for h in heads), (len(lines), len(lines))]
    pages = []
    for (_, start), (end, _) in zip(bounds, bounds[1:], strict=False):
        rule = next((r for r in range(start + 1, end) if r in rules), None)
        if rule is None:
            pages.append(Page(range(start + 1, end), range(0)))
        else:
            pages.append(Page(range(start + 1, rule), range(rule + 1, end)))
    return pages


def _note_starts(lines: list[Line], notes: range) -> list[tuple[int, str]]:
    """(line index, mark) of each note of a page: a line opening with the next number (or
    the first number, or stars) after a blank line or the rule."""
    out: list[tuple[int, str]] = []
    expected: int | None = None
    previous_blank = True
    for k in notes:
        text = lines[k].text
        m = NOTE_START.match(text) if previous_blank or expected is None else None
        if m is None and expected is not None:
            m = NOTE_START.match(text) if text.startswith((f"{expected} ", MARK_OPEN)) else None
        if m:
            mark = m.group(1) or m.group(2)
            if mark.startswith("*") or expected is None or mark == str(expected):
                out.append((k, mark))
                if mark.isdigit():
                    expected = int(mark) + 1
        previous_blank = not text
    return out


def _marker_pattern(mark: str) -> re.Pattern[str]:
    m = re.escape(mark)
    glued = rf"(?<=[^\W\d_]|[,;:.)\]”’\"»]){m}(?![\d/.,]\d|\d)"  # "Conference9", "session,1"
    spaced = rf"(?<=[^\W\d_]|[,;:)\]”’\"»]) {m}(?= +[^\W\d]|\s*$| *[,;.])"  # "Effects 1 and"
    # "basis 1no later": the marker glued to the next word, which is no ordinal's ("1er")
    before = rf"(?<= ){m}(?=[a-z]{{2}})(?!(?:er|re|ère|st|nd|rd|th|ème|eme)\b)"
    # "13 janvier 20101," : a year then the marker (a converter prints both as digits)
    year = rf"(?<=(?<![\d/.])(?:18\d\d|19\d\d|20[0-4]\d)){m}(?=[\s,;.:)]|$)"
    alone = rf"^{m}$"  # a raised marker read on a line of its own ("76/244 B" | "1")
    return re.compile(f"{glued}|{spaced}|{before}|{year}|{alone}")


def _glued_to_number(
    lines: list[Line], body: range, position: tuple[int, int], mark: str, language: Lang
) -> tuple[int, int, int] | None:
    """The last resort for a note no marker was found for on its page: the first number of
    one or two digits glued to the mark ("Action 21³," printed "Action 213,", "COVID-19³
    qu'elle"), or resolution number glued to it ("20/15¹," printed "20/151,"); a day before
    its month ("21 décembre") is no such number."""
    mark = re.escape(mark)
    patterns = (
        re.compile(rf"(?<![\d/.])\d{{1,2}}({mark})(?=[,;.:)]|\s)"),
        re.compile(rf"(?<![\d/])\d{{1,3}}/\d{{1,3}}?({mark})(?=[,;.:)]|\s|$)"),
    )
    for k in range(position[0], body.stop):
        text = lines[k].text
        start = position[1] if k == position[0] else 0
        found = sorted(
            (m.start(1), m.end(1))
            for pattern in patterns
            for m in pattern.finditer(text, start)
            if not _in_symbol(text, m.start(1)) and not _month_follows(text, m.end(1), language)
        )
        if found:
            return k, found[0][0], found[0][1]
    return None


def _previous_word(text: str, at: int) -> str:
    words = text[:at].split()
    return words[-1].casefold() if words else ""


def find_markers(
    lines: list[Line], body: range, marks: list[str], language: Lang
) -> dict[int, list[tuple[int, int, str]]]:
    """For each mark in order, the first place in the body after the previous one where it
    stands as a marker: {line index: [(start, end, mark)]}."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    position = (body.start, 0)
    printed = {m for k in body for m in MARKER_RE.findall(lines[k].text)}  # raised already
    for mark in marks:
        if mark in printed:
            continue
        if not mark.isdigit():
            star = _star_marker(lines, body, mark)
            if star:
                found.setdefault(star[0], []).append((star[1], star[2], mark))
            continue
        pattern = _marker_pattern(mark)
        hit = None
        for k in range(position[0], body.stop):
            text = lines[k].text
            start = position[1] if k == position[0] else 0
            for m in pattern.finditer(text, start):
                if _in_symbol(text, m.start()):
                    continue  # "A/C.3/80/L.5/Rev.1": the symbol's own number
                word = _previous_word(text, m.start())
                if m.group(0).startswith(" ") and (
                    word.rstrip(",;:") in language.numbered_words
                    or _month_follows(text, m.end(), language)
                ):
                    continue
                hit = (k, m.start(), m.end())
                break
            if hit:
                break
        if hit is None:
            hit = _glued_to_number(lines, body, position, mark, language)
        if hit is None:
            continue
        k, s, e = hit
        found.setdefault(k, []).append((s, e, mark))
        position = (k, e)
    return found


STAR = re.compile(r"(?<=[^\W\d_]|[,;:.)\]”’])(\\\*){1,3}(?=\s|$)")  # "Indonesia:\*", escaped


def _star_marker(lines: list[Line], body: range, mark: str) -> tuple[int, int, int] | None:
    """The first star marker of the page ("Indonesia:* draft resolution"): clean escaped it,
    as it escapes any star it does not know for a marker."""
    for k in body:
        for m in STAR.finditer(lines[k].text):
            if len(m.group(0)) == 2 * len(mark):
                return k, m.start(), m.end()
    return None


def _in_symbol(text: str, at: int) -> bool:
    """Is this digit part of a document symbol ("Rev.1", "A/79/L.1")? A marker glued after a
    full stop never is; after "79/7;" it may be."""
    if at == 0 or text[at - 1] != ".":
        return False
    token = text[:at].rsplit(None, 1)[-1] if text[:at].strip() else ""
    return "/" in token


def _month_follows(text: str, at: int, language: Lang) -> bool:
    nxt = text[at:].split(None, 1)
    return bool(nxt) and nxt[0].casefold().strip(",.") in language.months


def mark_page_furniture(lines: list[Line], language: Lang) -> list[Line]:
    """The lines, with running heads hinted "runninghead", footnote rules "rule", numbers that
    only look like page marks "text", and the notes and markers of pages that have a rule
    made internal markers."""
    head = learn_head(lines)
    heads = running_head_lines(lines, head, language)
    rules = {i for i, ln in enumerate(lines) if RULE.match(ln.text)}
    # "74/199" alone on a line (a justified line read one word a line) is no page mark when
    # the document's marks count another number of pages: segment must keep it as text
    stray = [
        i for i, ln in enumerate(lines)
        if head.pages and PAGE_MARK.match(ln.text) and not head.is_anchor(ln.text)
    ]  # fmt: skip
    if not heads and not rules and not stray:
        return lines
    out = list(lines)
    for i in stray:
        out[i] = Line(lines[i].no, lines[i].text, "text")
    for h in heads:
        for i in h:
            out[i] = Line(lines[i].no, lines[i].text, "runninghead")
    for i in rules:
        out[i] = Line(lines[i].no, lines[i].text, "rule")
    for page in split_pages(lines, heads, rules):
        starts = _note_starts(lines, page.notes)
        for k, mark in starts:
            text = lines[k].text
            rest = NOTE_START.sub("", text, count=1)
            if MARK_OPEN not in text[:2]:
                out[k] = Line(lines[k].no, marker(mark) + " " + rest, out[k].hint)
        placed = find_markers(lines, page.body, [m for _, m in starts], language)
        for k, spans in placed.items():
            text = lines[k].text
            for s, e, mark in sorted(spans, reverse=True):
                gap = " " if text[e : e + 1].isalpha() else ""  # "basis 1no later"
                text = text[:s].rstrip(" ") + marker(mark) + gap + text[e:]
            out[k] = Line(lines[k].no, text, out[k].hint)
    return out


def missing_pages(lines: list[Line]) -> list[tuple[int, str]]:
    """(line number, message) for each gap in the page marks ("2/5" then "4/5"): a
    conversion with a page missing, whose words cannot be found anywhere."""
    marks: list[tuple[int, int, int]] = []  # (line, page, of)
    for line in lines:
        m = PAGE_MARK.match(line.text)
        if m:
            page, total = (int(x) for x in line.text.split("/"))
            if 1 < page <= total:
                marks.append((line.no, page, total))
    if not marks:
        return []
    total = max(t for _, _, t in marks)
    seen = sorted({p for _, p, t in marks if t == total})
    out = []
    expected = 2
    for no, page, of in marks:
        if of != total or page < expected:
            continue
        if page > expected:
            missing = ", ".join(str(p) for p in range(expected, page))
            out.append((no, f"page(s) {missing} of {total} missing: the page marks go from "
                            f"{expected - 1}/{total} to {page}/{total}"))  # fmt: skip
        expected = page + 1
    if seen and seen[-1] < total and len(seen) > 1:
        out.append((marks[-1][0], f"the last page mark is {seen[-1]}/{total}: "
                                  f"page(s) after it missing"))  # fmt: skip
    return out


def may_miss_pages(text: str) -> bool:
    """Has the raw text a line that looks like a page mark? Only then are page gaps sought."""
    return _PAGE_MARK_LINE.search(text) is not None


_PAGE_MARK_LINE = re.compile(r"^[ \t\f]*\d{1,3}/\d{1,3}[ \t]*$", re.M)
