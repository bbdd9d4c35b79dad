"""A PDF-to-text conversion, simulated: corpus text (akn2txt's clean ``.txt``) -> what a real
conversion of the printed resolution gives. Deterministic: the random choices are seeded by
the file's name, so a test or a benchmark sees the same text every run.

Stage: measurement (tests and benchmarks), outside the build. May import: the standard
library.

What a real conversion does, and so this does:
- a masthead without blank lines ("United Nations", the symbol, "Distr.: General", the date),
  and at the foot of page 1 the job number ("20-17312 (E)") and its barcode ("*2017312*");
- every paragraph hard-wrapped at 80-95 columns, some lines with a trailing space;
- sometimes a paragraph number alone on its line ("12." then the text);
- a page break every 40-50 lines: the page's footnotes at its foot (so between two lines of a
  paragraph when the page breaks inside it), then a running head with the page number and the
  symbol, in either order, on one line ("2/5 A/RES/78/120", "A/RES/78/120 3/5") or, as
  converters that read the page's corners apart give it, on two ("A/RES/78/120" | "3/5").

Nothing of the source is dropped or reworded: only line breaks, spaces and noise lines are added.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

FOOTNOTE = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]+|\*{1,3}) (?![\s*]*$)")  # not an asterism "* * *"
MARKS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|(?<=\S)\*{1,3}")
NUMBERED = re.compile(r"^(\d{1,3}\.) (\S.*)$")
PAGE_MARK = "\x00PAGE\x00"  # placeholder for "p/N": N is known only at the end


@dataclass
class Layout:
    rng: random.Random
    heads: random.Random  # the running heads' form: apart, so the other choices stay the same
    width: int
    page_length: int
    lines: list[str] = field(default_factory=list)
    on_page: int = 0  # lines on the current page
    page: int = 1
    notes: list[str] = field(default_factory=list)  # footnotes waiting for the page's foot
    first_foot: list[str] = field(default_factory=list)  # job number and barcode


def _seed(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


def job_number(name: str, language: str) -> tuple[str, str]:
    """("20-17312 (E)", "*2017312*") for a file: a plausible job number and its barcode."""
    n = _seed("job" + name) % 100000
    year = 20 + _seed("year" + name) % 5
    return f"{year}-{n:05d} ({language})", f"*{year}{n:05d}*"


def wrap(text: str, width: int) -> list[str]:
    """Greedy wrap at spaces; a word longer than the width stands on its own line."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def _emit(lay: Layout, line: str, symbol: str) -> None:
    """One printed line; a full page gets its foot (footnotes, running head) first."""
    if lay.on_page >= lay.page_length:
        _page_break(lay, symbol)
    if line and lay.rng.random() < 0.3:
        line += " "  # converters often keep the space before the line break
    lay.lines.append(line)
    lay.on_page += 1


def _page_break(lay: Layout, symbol: str) -> None:
    gap = lay.rng.random() < 0.5  # blank lines around the foot, or none
    foot: list[str] = []
    for note in lay.notes:
        foot += wrap(note, lay.width)
    lay.notes = []
    if lay.page == 1:
        foot += lay.first_foot
    number = f"{PAGE_MARK}{lay.page + 1}"
    head = [number, symbol] if lay.page % 2 else [symbol, number]
    if lay.heads.random() < 0.7:  # one line; else the symbol and the page number apart
        head = [" ".join(head)]
    blank = [""] if gap else []
    lay.lines += blank + foot + blank + head + blank
    lay.page += 1
    lay.on_page = 0


def _blocks(text: str) -> list[tuple[list[str], list[str]]]:
    """[(printed lines of a block, the footnotes that follow it)]."""
    out: list[tuple[list[str], list[str]]] = []
    for raw in text.split("\n\n"):
        raw = raw.strip("\n")
        if not raw:
            continue
        if FOOTNOTE.match(raw) and out:
            out[-1][1].append(" ".join(raw.split("\n")))
        else:
            out.append((raw.split("\n"), []))
    return out


def _masthead_end(blocks: list[tuple[list[str], list[str]]]) -> int:
    """Blocks before the numbered title ("75/100. Title") are the masthead."""
    for i, (lines, _) in enumerate(blocks):
        if re.match(r"^\d{1,3}/\d{1,4}(?:\s+[A-Z](?:-[A-Z])?)?\. ", lines[0]):
            return i
    return min(len(blocks), 1)


def simulate(text: str, name: str, language: str = "") -> str:
    """The simulated conversion of one corpus text (name seeds the random choices)."""
    rng = random.Random(_seed(name))
    blocks = _blocks(text)
    symbol = blocks[0][0][0] if blocks else ""
    language = language or ("F" if name.endswith("F") or "French" in name else "E")
    job, barcode = job_number(name, language)
    lay = Layout(
        rng=rng,
        heads=random.Random(_seed("heads" + name)),
        width=rng.randint(80, 95),
        page_length=rng.randint(40, 50),
        first_foot=[job, barcode],
    )
    head = _masthead_end(blocks)
    for lines, notes in blocks[:head]:  # the masthead: one line each, no blank lines
        for line in lines:
            _emit(lay, line, symbol)
        lay.notes += notes
    for lines, notes in blocks[head:]:
        _emit(lay, "", symbol)
        _paragraph(lay, lines, notes, symbol)
    if lay.notes or lay.page == 1:
        lay.lines += [""] + [ln for n in lay.notes for ln in wrap(n, lay.width)]
        lay.lines += lay.first_foot if lay.page == 1 else []
    total = lay.page
    return "\n".join(_page_number(ln, total) for ln in lay.lines) + "\n"


def _page_number(line: str, total: int) -> str:
    return re.sub(re.escape(PAGE_MARK) + r"(\d+)", lambda m: f"{m.group(1)}/{total}", line)


def _paragraph(lay: Layout, lines: list[str], notes: list[str], symbol: str) -> None:
    """Wrap a block's lines; queue each footnote on the page where its marker is printed."""
    pending = list(notes)
    for k, line in enumerate(lines):
        m = NUMBERED.match(line)
        if k == 0 and m and lay.rng.random() < 0.15:  # "12." alone on its line
            _emit(lay, m.group(1), symbol)
            line = m.group(2)
        for piece in wrap(line, lay.width):
            _emit(lay, piece, symbol)
            for mark in MARKS.findall(piece):
                for note in [n for n in pending if n.startswith(mark + " ")]:
                    lay.notes.append(note)
                    pending.remove(note)
    lay.notes += pending  # notes whose marker was not found stay with their block's page
