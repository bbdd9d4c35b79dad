"""A resolution laid out as the UN prints it, as HTML for Chromium to print to PDF.

Stage: measurement (the PDF round trip of tests and bench/roundtrip.py), outside the build.
May import: pdfsim.

From a corpus text (akn2txt's ``.txt``: one block per paragraph, footnotes after the block
that cites them as "¹ text"), pages as the UN prints them, A4:

- page 1: the masthead (organization and symbol, distribution and date, session, agenda
  item and title, the adoption line), and at its foot the job number and barcode;
- every other page: a running head of the symbol, the short title wrapped over lines, the
  job number and a page mark "2/5", the symbol outside on even pages and inside on odd;
- body text justified, line by line (we break the lines, so we know which page each line
  lands on), paragraph numbers in the margin, footnote markers raised (``<sup>``);
- each page's footnotes at its foot, under a rule printed as underscores, in a smaller size;
  a paragraph goes on on the next page, after the footnotes and the next running head.

Deterministic: the same text gives the same pages. Everything is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .pdfsim import FOOTNOTE, _blocks, _masthead_end, job_number

# Lines are broken here, by the font's own advance widths (fontTools reads them from
# Debian's fonts-liberation: Liberation Serif has the metrics of Times New Roman, the UN's
# font), so each justified line fills its measure as a typesetter's would.
FONTS = Path("/usr/share/fonts/truetype/liberation")
MM = 72 / 25.4  # points per millimetre
BODY_SIZE, NOTE_SIZE, HEAD_SIZE = 10.5, 8.5, 9.0
WIDTH = 156 * MM * 0.985  # the body's measure, in points, less a hair for rounding
SUB_WIDTH = (156 - 8) * MM * 0.985
NOTE_WIDTH = WIDTH
HEAD_TITLE_WIDTH = 95 * MM * 0.985
MAST_WIDTH = 140 * MM
PAGE_LINES = 46.0  # body line heights per page; a footnote line counts NOTE_SHARE
NOTE_SHARE = 0.8
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
MARK = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|(?<=\S)\*{1,3}(?=\s|$|[,;.:])")
NUMBERED = re.compile(r"^(\d{1,3}\.|\([a-z]{1,2}\)|[a-z]\)|\([ivx]{1,6}\))\s+(\S.*)$")


@cache
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont  # a measuring tool: tests and benchmarks only

    font = TTFont(FONTS / f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf", lazy=True)
    metrics = font["hmtx"]
    widths = {cp: metrics[name][0] for cp, name in font.getBestCmap().items()}
    return widths, font["head"].unitsPerEm


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The printed width of a text in points (markers at the size of a superscript)."""
    widths, em = _advances(bold)
    total = 0.0
    for ch in text:
        w = widths.get(ord(ch), em // 2)
        total += w * (0.7 if ch in "⁰¹²³⁴⁵⁶⁷⁸⁹" else 1.0)
    return total * size / em


def wrap(text: str, width: float, size: float = BODY_SIZE, bold: bool = False) -> list[str]:
    """Greedy wrap at spaces to a measure in points; a word wider than it stands alone."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


CSS = """
@page { size: A4; margin: 0; }
html, body { margin: 0; padding: 0; }
body { font-family: "Liberation Serif", serif; font-size: 10.5pt; font-kerning: none; }
.page { position: relative; width: 210mm; height: 297mm; overflow: hidden;
        break-after: page; box-sizing: border-box; }
.head { position: absolute; top: 11mm; left: 22mm; right: 22mm; font-size: 9pt; }
.head .title { width: 95mm; }
.head .left { position: absolute; left: 0; top: 0; }
.head .right { position: absolute; right: 0; top: 0; text-align: right; }
.head .job { position: absolute; }
.body { position: absolute; left: 27mm; width: 156mm; line-height: 14.5pt; }
.ln { white-space: pre; height: 14.5pt; }
.full { text-align: justify; text-align-last: justify; }
.num { display: inline-block; width: 9mm; margin-left: -9mm; }
.sub { padding-left: 8mm; }
.notes { position: absolute; bottom: 14mm; left: 27mm; width: 156mm; font-size: 8.5pt;
         line-height: 11pt; }
.notes .ln { height: 11pt; }
.foot { position: absolute; bottom: 6mm; left: 22mm; font-size: 8pt; }
.mast { font-size: 10pt; }
.big { font-size: 14pt; }
b { font-weight: bold; }
sup { font-size: 70%; line-height: 0; vertical-align: 0.4em; }
"""


@dataclass
class PrintedLine:
    text: str  # the line's text, markers as "¹"
    full: bool  # justified to the full width (not a paragraph's last line)
    number: str = ""  # the paragraph number printed in the margin
    indent: bool = False
    bold: bool = False


@dataclass
class PrintedPage:
    body: list[PrintedLine] = field(default_factory=list)
    notes: list[PrintedLine] = field(default_factory=list)
    used: float = 0.0


def _line_html(line: PrintedLine) -> str:
    if not line.text:  # a blank line, printed as a space as word processors do
        return '<div class="ln">&#160;</div>'
    text = html.escape(line.text)
    text = MARK.sub(lambda m: f"<sup>{m.group(0).translate(SUPERSCRIPTS)}</sup>", text)
    if line.bold:
        text = f"<b>{text}</b>"
    classes = "ln" + (" full" if line.full else "") + (" sub" if line.indent else "")
    number = f'<span class="num">{html.escape(line.number)}</span>' if line.number else ""
    return f'<div class="{classes}">{number}{text}</div>'


def _paragraph_lines(text: str, bold: bool = False) -> list[PrintedLine]:
    number = ""
    indent = False
    m = NUMBERED.match(text)
    if m and m.group(1).endswith("."):
        number, text = m.group(1), m.group(2)
    elif m:
        indent = True
    pieces = wrap(text, SUB_WIDTH if indent else WIDTH, BODY_SIZE, bold)
    return [
        PrintedLine(p, full=k < len(pieces) - 1, number=number if k == 0 else "", indent=indent,
                    bold=bold)
        for k, p in enumerate(pieces)
    ]  # fmt: skip


def _body_top(head_title_lines: int) -> float:
    """Where the body starts on pages after the first, in mm: below the running head, whose
    title may wrap over several lines."""
    return max(30.0, 11 + head_title_lines * 11 / MM + 9)


def layout(text: str, name: str, language: str) -> tuple[list[PrintedPage], dict[str, str]]:
    """The pages of a corpus text and what its running head prints."""
    blocks = _blocks(text)
    symbol = blocks[0][0][0].strip() if blocks else ""
    head_end = _masthead_end(blocks)
    title = ""
    if head_end < len(blocks):
        numbered = blocks[head_end][0][0]
        title = numbered.split(". ", 1)[1] if ". " in numbered else numbered
    job, barcode = job_number(name, language)
    top = _body_top(len(wrap(title, HEAD_TITLE_WIDTH, HEAD_SIZE)))
    page_lines = PAGE_LINES - (top - 30) * MM / 14.5  # a taller head leaves fewer lines
    pages = [PrintedPage()]
    for lines, notes in blocks[:head_end]:
        for line in lines:
            for piece in wrap(line.strip(), MAST_WIDTH):
                pages[0].body.append(PrintedLine(piece, full=False))
                pages[0].used += 1
        _queue_notes(pages, notes)
    pages[0].body.append(PrintedLine("", full=False))
    pages[0].used += 1
    for k, (lines, notes) in enumerate(blocks[head_end:]):
        pending = list(notes)
        for line in lines:
            for printed in _paragraph_lines(line.strip(), bold=k == 0):  # k 0: the title
                page = pages[-1]
                note_lines = _notes_for(printed.text, pending)
                cost = 1 + sum(len(_note_lines(n)) for n in note_lines) * NOTE_SHARE
                if page.notes == [] and note_lines:
                    cost += 1.5  # the rule
                if page.used + cost > (PAGE_LINES if len(pages) == 1 else page_lines):
                    page = PrintedPage()
                    pages.append(page)
                page.body.append(printed)
                page.used += cost
                for note in note_lines:
                    pending.remove(note)
                    page.notes += [PrintedLine(p, full=False) for p in _note_lines(note)]
        if pending:  # a note whose marker was not found: on the page of its block
            _queue_notes(pages, pending)
        if pages[-1].used + 1 <= (PAGE_LINES if len(pages) == 1 else page_lines):
            pages[-1].body.append(PrintedLine("", full=False))
            pages[-1].used += 1
    head = {"symbol": symbol, "title": title, "job": job, "barcode": barcode, "top": f"{top:.1f}"}
    return pages, head


def _notes_for(line: str, pending: list[str]) -> list[str]:
    marks = MARK.findall(line)
    return [n for n in pending for m in marks if n.startswith(m + " ")]


def _note_lines(note: str) -> list[str]:
    return wrap(note, NOTE_WIDTH, NOTE_SIZE)


def _queue_notes(pages: list[PrintedPage], notes: list[str]) -> None:
    for note in notes:
        pages[-1].notes += [PrintedLine(p, full=False) for p in _note_lines(note)]
        pages[-1].used += len(_note_lines(note)) * NOTE_SHARE


def _head_html(number: int, total: int, head: dict[str, str]) -> str:
    symbol = html.escape(head["symbol"])
    lines = wrap(head["title"], HEAD_TITLE_WIDTH, HEAD_SIZE)
    title = "<br>".join(html.escape(t) for t in lines)
    below = f"top:{len(lines) * 11 / MM + 3:.1f}mm;"  # the job number and page mark
    job = html.escape(head["job"].split(" ")[0])
    mark = f"{number}/{total}"
    if number % 2 == 0:  # even: symbol outside (left), title inside
        return (f'<div class="head"><div class="left">{symbol}</div>'
                f'<div class="right title">{title}</div>'
                f'<div class="job" style="{below}left:0">{job}</div>'
                f'<div class="job" style="{below}right:0">{mark}</div></div>')  # fmt: skip
    return (f'<div class="head"><div class="left title">{title}</div>'
            f'<div class="right">{symbol}</div>'
            f'<div class="job" style="{below}left:0">{mark}</div>'
            f'<div class="job" style="{below}right:0">{job}</div></div>')  # fmt: skip


def to_html(text: str, name: str, language: str) -> str:
    """A whole document, print-ready (no script, no external resource)."""
    pages, head = layout(text, name, language)
    title = html.escape(head["symbol"])
    out = [
        f'<!DOCTYPE html><html lang="{language.lower()}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{CSS}</style></head><body>"
    ]
    for number, page in enumerate(pages, start=1):
        out.append('<div class="page">')
        if number > 1:
            out.append(_head_html(number, len(pages), head))
        top = "30" if number == 1 else head["top"]
        out.append(f'<div class="body" style="top:{top}mm">'
                   + "".join(_line_html(ln) for ln in page.body) + "</div>")  # fmt: skip
        if page.notes:
            rule = '<div class="ln">' + "_" * 18 + "</div>"
            out.append(
                '<div class="notes">' + rule + "".join(map(_line_html, page.notes)) + "</div>"
            )
        if number == 1:
            out.append(f'<div class="foot">{html.escape(head["job"])}<br>'
                       f"{html.escape(head['barcode'])}</div>")  # fmt: skip
        out.append("</div>")
    out.append("</body></html>")
    return "".join(out)


def language_letter(name: str) -> str:
    return "F" if "French" in name or name.endswith("F") else "S" if "Spanish" in name else "E"


__all__ = ["FOOTNOTE", "layout", "to_html", "language_letter"]
