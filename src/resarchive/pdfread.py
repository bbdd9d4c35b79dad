"""Stage 1, read (PDF): a PDF content file -> its text, read by the page layout.

Stage: read. May import: models, errors.

Reads every character with its pen position, advance and font size (pypdfium2,
Apache-2.0/BSD: PDFium, the engine of Chromium's viewer; chosen over pdfminer.six, whose own
reading took 2.5 times as long a page and gave half as many documents structure-exact through
our parser, `bench/roundtrip.py --readings pdf,pdfminer`, and over PyMuPDF for its licence,
AGPL) and writes the text a careful converter would:

- lines by baseline, top to bottom, words apart where the gap between two characters is a
  space's width (justified lines keep their words, however wide their spaces);
- raised characters (smaller, above the baseline) as markup: ``^{12}``, ``^{*}``, ``^{er}``
  (clean makes digits and stars footnote markers, letters ordinals);
- a blank line where the gap between two lines is wider than a line's height (a paragraph
  ends), and a rule (a line of underscores) above a page's footnotes when the PDF draws it
  as a line rather than prints it: the first line, below the text, in a smaller size;
- the running heads and page marks as printed at each page top, read column by column (the
  title's lines together), for the pages stage to learn and lift; pages apart (form feeds).

Errors name the file (and the pages without text): no text layer (a scan), encrypted, not
a readable PDF.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError

RAISED = 0.18  # a character whose baseline is this share of its line's size above it
SMALLER = 0.85  # and whose size is below this share of its line's size is raised
SPACE = 0.18  # a gap wider than this share of the font size is a space
PARAGRAPH_GAP = 1.6  # a line gap wider than this many line heights ends a paragraph


@dataclass
class Char:
    text: str
    left: float
    right: float
    y: float  # its baseline (origin), in points from the page bottom
    size: float


@dataclass
class PdfLine:
    chars: list[Char]
    baseline: float  # of its body-size characters
    size: float  # its most common font size


def read_pdf(path: Path, rel: str) -> str:
    """The text of a PDF, page after page (pages separated by a form feed)."""
    import pypdfium2 as pdfium  # late: only a folder with PDFs needs it

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise ContentError(rel, "encrypted PDF (a password is needed to read it)") from None
        raise ContentError(rel, f"not a readable PDF ({reason})") from None
    try:
        pages = []
        empty = []
        for number in range(len(pdf)):
            page = pdf[number]
            lines = _head_by_columns(_page_lines(page), page.get_width(), page.get_height(), number)
            if not lines:
                empty.append(number + 1)
            pages.append(_page_text(lines))
    finally:
        pdf.close()
    if len(empty) == len(pages):
        raise ContentError(
            rel, f"no text layer on any of its {len(pages)} page(s): a scanned PDF needs OCR first"
        )
    if empty:
        shown = ", ".join(map(str, empty[:5])) + (", ..." if len(empty) > 5 else "")
        raise ContentError(
            rel, f"no text layer on page(s) {shown} (scanned?): their words would be lost"
        )
    return "\n\f".join(pages) + "\n"


def _chars(page: object) -> list[Char]:
    import ctypes

    import pypdfium2.raw as raw

    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        x, y = ctypes.c_double(), ctypes.c_double()
        out = []
        for i, ch in enumerate(text[:count]):
            if ch in "\r\n\x02\ufffe" or (ch.isspace() and ch != " "):
                continue  # line ends come from the baselines
            if raw.FPDFText_IsGenerated(textpage.raw, i) == 1:
                continue  # the engine's own spaces have no place: gaps tell them
            _left, _bottom, right, _top = textpage.get_charbox(i, loose=True)  # advance width
            raw.FPDFText_GetCharOrigin(textpage.raw, i, ctypes.byref(x), ctypes.byref(y))
            left = x.value  # the pen position: a "j" reaches left of it, its word does not
            size = raw.FPDFText_GetFontSize(textpage.raw, i)
            if size > 0:
                out.append(Char(ch, left, right, y.value, size))
        return out
    finally:
        textpage.close()


def _page_lines(page: object) -> list[PdfLine]:
    """Characters grouped by baseline, top to bottom; a cluster of raised characters (a
    marker printed above its line) joins the line just below it."""
    chars = sorted(_chars(page), key=lambda c: -c.y)
    rows: list[list[Char]] = []
    for c in chars:
        if rows and abs(rows[-1][0].y - c.y) <= 0.25 * max(rows[-1][0].size, c.size):
            rows[-1].append(c)
        else:
            rows.append([c])
    lines: list[PdfLine] = []
    pending: list[Char] = []  # a raised cluster waiting for its line
    for row in rows:
        size = Counter(round(c.size, 1) for c in row).most_common(1)[0][0]
        baseline = min(c.y for c in row if round(c.size, 1) == size)
        if pending:
            top = pending[0]
            if top.y - baseline < 0.75 * size and top.size < SMALLER * size:
                row = row + pending
            else:
                lines.append(_line(pending))
            pending = []
        if all(c.text.isalnum() or c.text in "*, " for c in row) and len(row) <= 4:
            pending = row  # perhaps a marker above the next line
            continue
        for segment in _columns(sorted(row, key=lambda c: c.left), size):
            lines.append(PdfLine(segment, baseline, size))
    if pending:
        lines.append(_line(pending))
    return lines


COLUMN_GAP = 3.0  # a gap wider than this many font sizes parts two texts on one baseline


def _columns(chars: list[Char], size: float) -> list[list[Char]]:
    """A baseline's characters cut where a wide gap parts them: the symbol on the left and
    the title on the right of a running head are two lines, as converters print them."""
    out = [[chars[0]]]
    for c in chars[1:]:
        if c.left - out[-1][-1].right > COLUMN_GAP * size:
            out.append([c])
        else:
            out[-1].append(c)
    return out


HEAD_BAND = 0.2  # a running head is printed in the top fifth of a page, in a smaller size


def _head_by_columns(
    lines: list[PdfLine], width: float, height: float, index: int
) -> list[PdfLine]:
    """A running head printed in two columns (the symbol outside, the title inside, the job
    number and page mark below them) is read column by column: the title's lines stay
    together, as a converter reading by blocks gives them. The head: the lines at the top of
    the page, above the first line in the body's size. The first page has a masthead."""
    if index == 0 or not lines:
        return lines
    body = Counter(ln.size for ln in lines).most_common(1)[0][0]
    band: list[PdfLine] = []
    for ln in lines:
        if ln.baseline < height * (1 - HEAD_BAND) or ln.size >= 0.95 * body:
            break
        band.append(ln)
    if len(band) < 2:
        return lines
    left = [ln for ln in band if ln.chars[0].left < width * 0.3]  # at the left margin
    right = [ln for ln in band if ln.chars[0].left >= width * 0.3]
    return left + right + lines[len(band) :]


def _line(chars: list[Char]) -> PdfLine:
    size = Counter(round(c.size, 1) for c in chars).most_common(1)[0][0]
    return PdfLine(sorted(chars, key=lambda c: c.left), min(c.y for c in chars), size)


def _line_text(line: PdfLine) -> str:
    out: list[str] = []
    raised = ""
    previous: Char | None = None

    def flush() -> None:
        nonlocal raised
        if raised:
            out.append("^{" + raised + "}")
            raised = ""

    for c in line.chars:
        is_raised = (
            c.size < SMALLER * line.size
            and c.y > line.baseline + RAISED * line.size
            and (c.text.isalnum() or c.text == "*")
        )
        if c.text == " ":  # a printed space
            flush()
            if out and out[-1] != " ":
                out.append(" ")
            previous = c
            continue
        gap = c.left - previous.right if previous is not None else 0.0
        if raised and gap > 0.1 * c.size:  # two markers side by side: "⁸ ⁹", not "⁸⁹"
            flush()
            out.append(" ")
        elif out and out[-1] != " " and gap > SPACE * max(previous.size if previous else 0, c.size):
            flush()
            out.append(" ")
        if is_raised:
            raised += c.text
        else:
            flush()
            out.append(c.text)
        previous = c
    flush()
    return "".join(out).strip()


def _page_text(lines: list[PdfLine]) -> str:
    if not lines:
        return ""
    body_size = Counter(ln.size for ln in lines).most_common(1)[0][0]
    rows: list[str] = []
    has_rule = any(set(_line_text(ln)) == {"_"} for ln in lines)
    last_body = max(
        (k for k, ln in enumerate(lines) if ln.size >= body_size * 0.95), default=len(lines) - 1
    )
    for k, line in enumerate(lines):
        if k:
            above = lines[k - 1]
            gap = above.baseline - line.baseline
            if gap > PARAGRAPH_GAP * max(line.size, above.size) * 1.2:
                rows.append("")
        if (
            not has_rule
            and k == last_body + 1
            and line.size < body_size * 0.95
            and _opens_note(line)
        ):
            rows.append("__________")  # the drawn rule above the page's footnotes
        rows.append(_line_text(line))
    return "\n".join(rows)


def _opens_note(line: PdfLine) -> bool:
    """A footnote's first line: a raised mark, or a number and a space, then its text."""
    text = _line_text(line)
    head = text.split(" ", 1)[0]
    return text.startswith("^{") or (head.isdigit() and len(head) <= 3 and " " in text)
