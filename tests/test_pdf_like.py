"""Text as real PDF conversions give it: hard-wrapped lines with trailing spaces, a masthead
with job number and barcode, running heads with page numbers, paragraph numbers alone on their
line, footnotes printed between the lines of a paragraph at a page break.

1. Hand-written fixtures (tests/fixtures/pdf_like/*.txt, synthetic text) with the exact
   structure expected of each (*.expected.json, checked by eye).
2. The corpus quick sample through the PDF simulator (resarchive.pdfsim): the same accuracy
   bar as the clean texts (tests/test_corpus_accuracy.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from resarchive.accuracy import (
    corpus_files,
    missing_words,
    score_file,
    shown_words,
    summarize,
    words,
)
from resarchive.langdata import common
from resarchive.models import SourceText
from resarchive.pdfsim import simulate, wrap
from resarchive.pipeline import parse_source

FIXTURES = Path(__file__).parent / "fixtures" / "pdf_like"
CASES = sorted(p.stem for p in FIXTURES.glob("*.txt"))
TARGET = 0.98


def structure(text: str, name: str) -> list[dict]:
    """What a fixture pins down: metadata, paragraphs with leads and items, notes, parts."""
    docs = parse_source(SourceText(path=FIXTURES / name, rel=name, text=text))
    return [
        {
            "symbol": d.symbol,
            "number": d.number,
            "title": d.title,
            "date": d.date,
            "language": d.language,
            "formula": d.formula,
            "header": [h.text for h in d.header],
            "parts": [{"label": p.label, "title": p.title, "formula": p.formula} for p in d.parts],
            "preamble": [
                {
                    "id": p.id,
                    "lead": p.lead,
                    "text": p.text,
                    "heading": p.heading,
                    "items": [i.text for i in p.items],
                }
                for p in d.preamble
            ],
            "operative": [
                {
                    "id": p.id,
                    "number": p.number,
                    "lead": p.lead,
                    "text": p.text,
                    "heading": p.heading,
                    "items": [i.text for i in p.items],
                }
                for p in d.operative
            ],
            "footnotes": [{"mark": n.mark, "text": n.text, "cited": n.cited} for n in d.footnotes],
            "attachments": [
                {"title": a.title, "paragraphs": [p.number + " " + p.text for p in a.paragraphs]}
                for a in d.attachments
            ],
            "closing": [c.text for c in d.closing],
            "unclassified": [u.text for u in d.unclassified],
        }
        for d in docs
    ]


@pytest.mark.parametrize("case", CASES)
def test_fixture_structure(case: str, update_golden: bool) -> None:
    text = (FIXTURES / f"{case}.txt").read_text(encoding="utf-8")
    actual = structure(text, f"{case}.txt")
    expected_path = FIXTURES / f"{case}.expected.json"
    if update_golden:
        expected_path.write_text(
            json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES)
def test_fixture_loses_no_word(case: str) -> None:
    text = (FIXTURES / f"{case}.txt").read_text(encoding="utf-8")
    docs = parse_source(SourceText(path=FIXTURES / case, rel=f"{case}.txt", text=text))
    noise = [p for p in common().running_heads]  # job numbers, barcodes, page heads
    kept = "\n".join(ln for ln in text.split("\n") if not any(p.match(ln.strip()) for p in noise))
    assert not missing_words(words(kept), shown_words(docs))


def test_simulator_is_deterministic_and_adds_only_noise() -> None:
    source = (FIXTURES / "fr_gardiens.txt").read_text(encoding="utf-8")
    once, again = simulate(source, "x-French/x_F"), simulate(source, "x-French/x_F")
    assert once == again
    assert not missing_words(words(source), words(once))
    assert wrap("un deux trois quatre", 9) == ["un deux", "trois", "quatre"]


@pytest.fixture(scope="module")
def pdf_results(corpus_dir: Path):
    return [score_file(f, corpus_dir, pdf=True) for f in corpus_files(corpus_dir, quick=True)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_simulated_pdf_exact_share(pdf_results, language: str) -> None:
    s = summarize(pdf_results)[language]
    misses = [
        f"{r.name}: {'; '.join(m.describe() for m in r.misses)}"
        for r in pdf_results
        if not r.excluded and not r.exact
    ]
    assert s.exact_share >= TARGET, f"{s.exact}/{s.scored} exact\n" + "\n".join(misses[:30])


def test_simulated_pdf_loses_no_word(pdf_results) -> None:
    lost = {r.name: sorted(r.lost.items())[:12] for r in pdf_results if r.lost}
    assert not lost, lost
