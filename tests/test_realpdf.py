"""Real PDF conversions (../shared/realpdf: PyMuPDF text of 25 GA resolutions of sessions 79
and 80) read against the UN's own XML, word for word (src/resarchive/realpdf.py,
textscore.py). The figures of bench/realpdf.py are the targets of issue 15, asserted here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import missing

from resarchive.accuracy import parse_text
from resarchive.pages import letter_words
from resarchive.realpdf import RealResult, gold_xml, score_realpdf
from resarchive.textscore import read_gold, score_text


@pytest.fixture(scope="module")
def realpdf(shared_dir: Path) -> Path:
    folder = shared_dir / "realpdf"
    if not (folder / "xml").is_dir():
        missing(f"{folder} not found")
    return folder


@pytest.fixture(scope="module")
def results(realpdf: Path) -> list[RealResult]:
    return score_realpdf(realpdf)


def test_every_conversion_has_its_gold(results: list[RealResult], realpdf: Path) -> None:
    assert len(results) == len(list(realpdf.glob("A-RES-*-en.txt"))) == 25


def test_every_document_has_the_structure_of_the_xml(results: list[RealResult]) -> None:
    wrong = {
        r.name: [m.describe() for m in r.misses] or r.error
        for r in results
        if not r.structure_exact
    }
    assert not wrong


def test_paragraphs_hold_the_words_of_the_xml(results: list[RealResult]) -> None:
    paragraphs = sum(r.text.paragraphs for r in results)
    exact = sum(r.text.exact for r in results)
    worst = [f"{r.name} {m.anchor}: {m.diff()}" for r in results for m in r.text.worst(1)]
    assert paragraphs > 300
    assert exact / paragraphs >= 0.995, worst[:5]


def test_no_word_of_a_conversion_is_lost(results: list[RealResult]) -> None:
    assert {r.name: r.lost for r in results if r.lost} == {}


def test_no_page_furniture_inside_a_paragraph(realpdf: Path) -> None:
    """Job numbers, page marks and the running head's symbol never sit in a paragraph."""
    for txt in sorted(realpdf.glob("A-RES-*-en.txt")):
        text = txt.read_text(encoding="utf-8")
        (doc,) = parse_text(text, txt.name)
        job = re.search(r"^(\d{2}-\d{5}) \(E\)", text, re.M)
        assert job, txt.name
        marks = re.findall(r"^(\d/\d) ?$", text, re.M)  # "2/3": this document's page marks
        for p in doc.preamble + doc.operative:
            body = " ".join([p.text] + [i.text for i in p.items])
            assert job.group(1) not in body, (txt.name, p.id)
            assert doc.symbol not in body, (txt.name, p.id)
            for mark in marks:
                assert not re.search(rf"(?<![\d/]){mark}(?![\d/])", body), (txt.name, p.id)
            assert "____" not in body, (txt.name, p.id)


def test_a_paragraph_cut_by_a_page_break_and_footnotes_reads_whole(realpdf: Path) -> None:
    """A/RES/79/32: pp5 runs from page 1 (footnote 1 printed below it) to page 2, under
    a running head of four lines; its text is the XML's, footnote marker and all."""
    txt = realpdf / "A-RES-79-32-en.txt"
    (doc,) = parse_text(txt.read_text(encoding="utf-8"), txt.name)
    gold = read_gold(gold_xml(realpdf, txt.stem) or Path())
    assert letter_words(doc.preamble[3].text) == letter_words(gold[0].preamble[3].text)
    assert doc.preamble[3].text.endswith("to nuclear disarmament,")
    assert (
        "Treaty on the Non-Proliferation of Nuclear Weapons,\ue0001\ue001 in"
        in doc.preamble[3].rich
    )
    note = next(n for n in doc.footnotes if n.mark == "1")
    assert note.cited and note.text == "United Nations, Treaty Series, vol. 729, No. 10485."
    assert score_text([doc], gold).all_exact


def test_markers_glued_to_words_link_their_notes(realpdf: Path) -> None:
    """ "Conference9", "document,10": printed digits made markers, each note cited once."""
    txt = realpdf / "A-RES-80-68-en.txt"
    (doc,) = parse_text(txt.read_text(encoding="utf-8"), txt.name)
    assert len(doc.footnotes) == 16
    assert all(n.cited for n in doc.footnotes)
    rich = " ".join(p.rich for p in doc.preamble)
    assert "Sixth Review Conference\ue0009\ue001 and" in rich
    assert "final document,\ue00010\ue001" in rich
