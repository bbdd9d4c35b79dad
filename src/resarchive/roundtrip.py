"""The PDF round trip: corpus texts printed as the UN lays them out, read back three ways,
scored against the UN's XML.

Stage: measurement (tests and bench/roundtrip.py), outside the build. May import: models,
accuracy, textscore, unprint, pdfread.

1. unprint.py lays each corpus text out as UN pages (HTML); Debian's Chromium prints them to
   PDF (Playwright drives it; one browser for the whole run).
2. Each PDF is read back three ways: our reader (``pdf``: pdfread.py, the layout), Poppler's
   ``pdftotext`` (``pdftotext``: its default reading order) and PyMuPDF's ``get_text()``
   (``pymupdf``: the form of ../shared/realpdf). PyMuPDF is AGPL: it is a measuring tool here,
   a test dependency; the build never imports it.
3. Each reading is parsed and scored like a real conversion (realpdf.py): structure (the five
   counts) and text (textscore.py) against the XML read by akn_read, words lost against the
   corpus text less page furniture.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .accuracy import Miss, compare, counts, missing_words, shown_words, words
from .textscore import TextScore, read_gold, score_text

READINGS = ("pdf", "pdftotext", "pymupdf")
# readings compared in bench/roundtrip.py --readings, not scored by default: pdfminer.six's
# extract_text (the other permissively licensed layout library weighed for pdfread.py)
OTHER_READINGS = ("pdfminer",)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking"]  # fmt: skip


@dataclass
class ReadingResult:
    name: str
    reading: str
    misses: list[Miss]
    text: TextScore
    lost: dict[str, int] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0  # reading the PDF (not parsing)

    @property
    def structure_exact(self) -> bool:
        return not self.misses and not self.error


def print_pdfs(
    jobs: Iterable[tuple[str, Path]], chromium: Path = CHROMIUM, browser: Any = None
) -> Iterator[Path]:
    """Print each (html, pdf path) with one headless Chromium (``browser``: a Playwright
    browser already running, as the tests have; else one is started); yields the PDFs."""
    if browser is not None:
        yield from _print_with(browser, jobs)
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        own = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            yield from _print_with(own, jobs)
        finally:
            own.close()


def _print_with(browser: Any, jobs: Iterable[tuple[str, Path]]) -> Iterator[Path]:
    page = browser.new_page()
    try:
        for html, pdf in jobs:
            page.set_content(html, wait_until="load")
            pdf.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(pdf), format="A4", print_background=False, prefer_css_page_size=True)
            yield pdf
    finally:
        page.close()


def read_pdf_text(pdf: Path, reading: str) -> str:
    if reading == "pdf":
        from .pdfread import read_pdf

        return read_pdf(pdf, pdf.name)
    if reading == "pdftotext":
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                             capture_output=True)  # fmt: skip
        return out.stdout.decode("utf-8")
    if reading == "pdfminer":
        from pdfminer.high_level import extract_text

        return str(extract_text(str(pdf)))
    if reading == "pymupdf":
        import pymupdf

        with pymupdf.open(str(pdf)) as doc:  # type: ignore[no-untyped-call]
            return "\n".join(page.get_text() for page in doc)
    known = ", ".join(READINGS + OTHER_READINGS)
    raise ValueError(f"unknown reading {reading!r}; known: {known}")


def score_reading(pdf: Path, reading: str, xml: Path, source: str) -> ReadingResult:
    """Read, parse and score one printed document."""
    from .accuracy import parse_text

    name = pdf.stem
    gold = read_gold(xml)
    start = time.perf_counter()
    try:
        text = read_pdf_text(pdf, reading)
        seconds = time.perf_counter() - start
        docs = parse_text(text, name + ".txt")
    except Exception as exc:  # a failure is a miss of this document; the run goes on
        return ReadingResult(name, reading, [], score_text([], gold),
                             error=f"{type(exc).__name__}: {exc}")  # fmt: skip
    # the corpus text has no page furniture: every one of its words must be shown
    lost = missing_words(words(source), shown_words(docs))
    return ReadingResult(name, reading, compare(counts(docs), counts(gold)),
                         score_text(docs, gold), lost, seconds=seconds)  # fmt: skip
