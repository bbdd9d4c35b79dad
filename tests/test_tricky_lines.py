"""Table tests for the lines PDF conversions get wrong. Each row: a comment saying what it
shows, the input, what the stage must give. Failures print repr(input)."""

from __future__ import annotations

import pytest

from resarchive.clean import clean_text
from resarchive.models import marker, plain
from resarchive.pipeline import parse_source
from resarchive.models import SourceText
from pathlib import Path

CLEAN_ROWS = [
    # superscript digits glued to a word are a footnote marker
    ("organisée¹, du Protocole", f"organisée{marker('1')}, du Protocole"),
    # a two-digit superscript marker
    ("l'homme²⁷, le Pacte", f"l'homme{marker('27')}, le Pacte"),
    # <sup>n</sup> from a markdown conversion
    ("organisée<sup>1</sup>, ou", f"organisée{marker('1')}, ou"),
    # ^{*} from a LaTeX-ish conversion
    ("provisoire^{*}", f"provisoire{marker('*')}"),
    # a star glued to a word, with no italics on the line
    ("groupes terroristes*, y compris", f"groupes terroristes{marker('*')}, y compris"),
    # 1^{er} and 7^e are ordinals, not footnotes
    ("du 1^{er} décembre 1950", "du 1ᵉʳ décembre 1950"),
    ("À sa 7^e séance", "À sa 7ᵉ séance"),
    # markdown italics on a lead verb stay as emphasis
    ("1. *Exhorte* les États", "1. *Exhorte* les États"),
    # LaTeX symbol of a document symbol
    ("Nations Unies $E_{\\text{CN.15/2018/L.3}}$", "Nations Unies E/CN.15/2018/L.3"),
    # list bullets before a printed label go
    (" - a) L'adoption", "a) L'adoption"),
    ("- 1. Encourage", "1. Encourage"),
    # a lone star that is no marker is kept, escaped, as printed
    ("{{ 7*7 }}", "{{ 7\\*7 }}"),
    # markdown link from a converter: the text stays
    ("résolution [77/233](#) du", "résolution 77/233 du"),
    # non-breaking and double spaces become one space, trailing spaces go
    ("Distr. limitée\u00a0 \n17 mai 2018  ", "Distr. limitée\n17 mai 2018"),
]


@pytest.mark.parametrize("raw,expected", CLEAN_ROWS, ids=[repr(r[0])[:40] for r in CLEAN_ROWS])
def test_clean(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected, repr(raw)


def test_unknown_clean_step_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="valid steps: whitespace"):
        clean_text("x", ["whitespace", "nope"])


def parse(text: str):
    return parse_source(SourceText(path=Path("/t/x.txt"), rel="x.txt", text=text))


BASE = "L'Assemblée générale,\n\nRappelant sa résolution 1/1,\n\n"

SEGMENT_ROWS = [
    # a paragraph cut by a page break, with the running head and a footnote in between
    (BASE + "1. Prie le Secrétaire général de faciliter\n\n2/3 V.18-02322\n\n¹ Ibid.\n\n"
     "la mise en commun des informations ;\n",
     "Prie le Secrétaire général de faciliter la mise en commun des informations ;"),
    # hard-wrapped lines with trailing spaces and a number alone on its line
    (BASE + "1. \nPrie le Secrétaire général \nde faciliter la mise \nen commun ;\n",
     "Prie le Secrétaire général de faciliter la mise en commun ;"),
    # footnote lines dropped between two lines of a paragraph, no blank line
    (BASE + "1. Prie le Secrétaire général¹ de faciliter\n¹ A/76/1.\nla mise en commun ;\n",
     f"Prie le Secrétaire général{marker('1')} de faciliter la mise en commun ;"),
    # a bare-digit footnote dumped mid-paragraph
    (BASE + "1. Prie le Secrétaire général de faciliter\n\n1 Comprend une correction.\n\nla mise en commun ;\n",
     "Prie le Secrétaire général de faciliter la mise en commun ;"),
]


@pytest.mark.parametrize("text,expected", SEGMENT_ROWS, ids=range(len(SEGMENT_ROWS)))
def test_split_paragraphs_are_joined(text: str, expected: str) -> None:
    (doc,) = parse(text)
    assert doc.operative[0].rich == expected, repr(text)
    assert len(doc.footnotes) == 1 or "¹" not in text and "1 Comprend" not in text, repr(text)


def test_preamble_list_stays_with_its_paragraph() -> None:
    (doc,) = parse(BASE + "Sachant que :\n\na) Les personnes,\n\nb) Les groupes,\n\n1. Prie ;\n")
    assert [i.id for i in doc.preamble[1].items] == ["pp2-a", "pp2-b"]
    assert [p.id for p in doc.operative] == ["op1"]


def test_roman_sub_items_nest_and_l_after_k_does_not() -> None:
    items = "".join(f"{c}) Texte {c} ;\n\n" for c in "abcdefghijkl")
    (doc,) = parse(BASE + "1. Décide :\n\n" + items + "2. Prie :\n\na) Un :\n\ni) deux ;\n\nii) trois ;\n")
    assert [i.label for i in doc.operative[0].items] == [f"{c})" for c in "abcdefghijkl"]
    assert [i.id for i in doc.operative[1].items[0].items] == ["op2-a-i", "op2-a-ii"]


def test_a_heading_inside_the_operative_part_and_restarted_numbers() -> None:
    (doc,) = parse(BASE + "I\n\n1. Prie ;\n\n2. Décide ;\n\nII\n\n1. Invite ;\n")
    assert [p.id for p in doc.operative] == ["op1", "op2", "ii-2-op1"]
    assert [p.heading for p in doc.operative] == ["I", "", "II"]


def test_plain_text_round_trip() -> None:
    assert plain(f"*Prie* le {marker('2')}texte \\* final") == "Prie le texte * final"
