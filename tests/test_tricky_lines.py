"""Table tests for the lines PDF conversions get wrong. Each row: a comment saying what it
shows, the input, what the stage must give. Failures print repr(input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from resarchive.clean import clean_text
from resarchive.models import SourceText, marker, plain
from resarchive.pipeline import parse_source

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
    # spaces around a line break, a line of spaces, a tab, invisible characters: gone
    (" Rappelle \n   \n\t la\u200b résolu\u00adtion ", "Rappelle\n\nla résolution"),
    # a private-use character of a text without stars is kept as printed
    ("la note \ue004 du texte", "la note \ue004 du texte"),
    # ... and of a text with stars: the step's own placeholders never meet them
    (
        "note \ue0041\ue005 *Exhorte* \ue007 a*",
        f"note \ue0041\ue005 *Exhorte* \ue007 a{marker('*')}",
    ),
    ("\ue002\ue003\ue006 groupes* \ue004", f"\ue002\ue003\ue006 groupes{marker('*')} \ue004"),
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
    (
        BASE + "1. Prie le Secrétaire général de faciliter\n\n2/3 V.18-02322\n\n¹ Ibid.\n\n"
        "la mise en commun des informations ;\n",
        "Prie le Secrétaire général de faciliter la mise en commun des informations ;",
    ),
    # hard-wrapped lines with trailing spaces and a number alone on its line
    (
        BASE + "1. \nPrie le Secrétaire général \nde faciliter la mise \nen commun ;\n",
        "Prie le Secrétaire général de faciliter la mise en commun ;",
    ),
    # footnote lines dropped between two lines of a paragraph, no blank line
    (
        BASE + "1. Prie le Secrétaire général¹ de faciliter\n¹ A/76/1.\nla mise en commun ;\n",
        f"Prie le Secrétaire général{marker('1')} de faciliter la mise en commun ;",
    ),
    # a bare-digit footnote dumped mid-paragraph
    (
        BASE + "1. Prie le Secrétaire général de faciliter\n\n1 Comprend une correction.\n\n"
        "la mise en commun ;\n",
        "Prie le Secrétaire général de faciliter la mise en commun ;",
    ),
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
    (doc,) = parse(
        BASE + "1. Décide :\n\n" + items + "2. Prie :\n\na) Un :\n\ni) deux ;\n\nii) trois ;\n"
    )
    assert [i.label for i in doc.operative[0].items] == [f"{c})" for c in "abcdefghijkl"]
    assert [i.id for i in doc.operative[1].items[0].items] == ["op2-a-i", "op2-a-ii"]


def test_a_heading_inside_the_operative_part_and_restarted_numbers() -> None:
    (doc,) = parse(BASE + "I\n\n1. Prie ;\n\n2. Décide ;\n\nII\n\n1. Invite ;\n")
    assert [p.id for p in doc.operative] == ["op1", "op2", "ii-2-op1"]
    assert [p.heading for p in doc.operative] == ["I", "", "II"]


def test_plain_text_round_trip() -> None:
    assert plain(f"*Prie* le {marker('2')}texte \\* final") == "Prie le texte * final"


# --- PDF conversions of GA resolutions: hard wraps, page feet, misprints -------------------

EN = "The General Assembly,\n\nRecalling its resolution 1/1,\n\n"


def counts(doc) -> tuple[int, list[str], int]:
    return len(doc.preamble), [p.number for p in doc.operative], len(doc.footnotes)


def test_a_hard_wrap_before_a_capitalised_word_opens_no_paragraph() -> None:
    # "Palestine:" ends a full line; "Reconstructing Gaza" (an -ing word) goes on with it
    (doc,) = parse(
        EN + "Underlining the importance of the Cairo International Conference on "
        "Palestine:\nReconstructing Gaza, held on 12 October 2014, and urging the "
        "timely and full\n"
        "disbursement of pledges for the reconstruction process,\n\n1. Decides;\n"
    )
    assert counts(doc) == (2, ["1"], 0)
    assert doc.preamble[1].text.endswith(
        "Palestine: Reconstructing Gaza, held on 12 October "
        "2014, and urging the timely and full disbursement of "
        "pledges for the reconstruction process,"
    )
    # a short line ending a clause, then a participle: two paragraphs with no blank between
    (doc,) = parse(
        EN + "Noting the report,\nRecalling its resolution 2/2 of 1 January 2020 on the "
        "subject,\n\n1. Decides;\n"
    )
    assert counts(doc) == (3, ["1"], 0)


def test_a_footnote_line_that_was_full_goes_on_in_lower_case() -> None:
    # "(Vol. II)" closes a full line of footnote 1; "and ..." is still the footnote
    text = (
        EN + "1. Recalls the Final Document¹ and requests the Secretary-General to report\n\n"
        "¹ 2010 Review Conference of the Parties to the Treaty on the Non-Proliferation of\n"
        "Nuclear Weapons, Final Document, vols. I–III (NPT/CONF.2010/50 (Vol. I), (Vol. II)\n"
        "and NPT/CONF.2010/50 (Vol. III)).\n\nA/RES/75/65 3/8\n\n"
        "thereon at its next session;\n"
    )
    (doc,) = parse(text)
    assert counts(doc) == (1, ["1"], 1)
    assert doc.footnotes[0].text.endswith("(Vol. II) and NPT/CONF.2010/50 (Vol. III)).")
    assert doc.operative[0].text.endswith("to report thereon at its next session;")


def test_running_heads_of_any_symbol_on_one_line_or_two() -> None:
    text = (
        "A/RES/ES-11/1\n\n" + EN + "1. Requests the Secretary-General to report on the\n\n"
        "2/5 A/RES/ES-11/1\n\nimplementation of the resolution and of the\n\n2/5\n"
        "A/RES/ES-11/1\n\nDeclaration;\n\n2. Decides to remain seized of the matter.\n"
    )
    (doc,) = parse(text)
    assert counts(doc) == (1, ["1", "2"], 0)
    assert doc.operative[0].text == (
        "Requests the Secretary-General to report on the "
        "implementation of the resolution and of the Declaration;"
    )
    assert not doc.unclassified


def test_a_bare_number_opening_a_line_is_a_footnote_only_after_its_marker() -> None:
    # "17" is cited further on: the line is the paragraph's ("across all" | "17 Goals")
    (doc,) = parse(
        EN + "1. Notes that technologies can accelerate progress across all\n"
        "17 Sustainable Development Goals;¹⁷\n\n¹⁷ Resolution 70/1.\n"
    )
    assert counts(doc) == (1, ["1"], 1)
    assert doc.operative[0].text == (
        "Notes that technologies can accelerate progress across "
        "all 17 Sustainable Development Goals;"
    )
    # a table row "1 P-4 Officer" after footnote 1 has been printed is no second footnote 1
    (doc,) = parse(
        EN + "1. Approves the posts listed below;¹\n\n¹ A/75/656.\n\n"
        "1 P-4 Human Resources Officer\n\n1 P-3 Legal Officer\n"
    )
    assert len(doc.footnotes) == 1


def test_a_label_opening_a_wrapped_line_of_an_inline_list_is_the_text() -> None:
    # "aux alinéas a)," | "d) et e)": a reference broken by the wrap, not item d)
    text = (
        BASE + "1. Décide que chaque État Membre et les observateurs, conformément aux "
        "alinéas a),\n"
        "d) et e) du paragraphe 3 ci-dessus, peuvent soumettre une déclaration ;\n"
    )
    (doc,) = parse(text)
    assert not doc.operative[0].items, doc.operative[0].items
    # a list run into the text: "... durable ; b) recommande ... ;" | "c) recommande"
    text = (
        BASE + "1. Prie les créanciers a) d'aider les pays en développement à rendre leur "
        "dette\nviable ; b) recommande de faciliter le financement des objectifs de "
        "développement durable ;\n"
        "c) recommande également de faciliter un traitement rapide de la dette ;\n"
    )
    (doc,) = parse(text)
    assert not doc.operative[0].items and doc.operative[0].text.endswith("de la dette ;")


def test_a_heading_wrapped_over_two_lines_before_a_page_break_keeps_its_place() -> None:
    text = (
        EN + "7. Invites Member States to contribute;\n\n"
        "Implementation of the New Urban Agenda to achieve the Sustainable Development\n"
        "Goals\n¹ HSP/HA.1/HLS.2.\n6/8 A/RES/75/224\n\n8. Reaffirms the New Urban Agenda;\n"
    )
    (doc,) = parse(text)
    assert [p.number for p in doc.operative] == ["7", "8"]
    assert doc.operative[1].heading == (
        "Implementation of the New Urban Agenda to achieve the Sustainable Development Goals"
    )


def test_an_asterism_is_a_break_not_a_footnote() -> None:
    (doc,) = parse(EN + "Noting the report,\n\n* * *\n\nNoting also the proposal,\n\n1. Decides;\n")
    assert counts(doc) == (3, ["1"], 0)
    assert plain(doc.preamble[2].heading) == "* * *"  # (rich text: its stars escaped)


def test_a_numbered_list_inside_an_operative_paragraph() -> None:
    # "2. Approves the following agenda:" | "1. ..." "2. ..." | "3. Requests": items of op2
    (doc,) = parse(
        EN + "1. Decides;\n\n2. Approves the following provisional agenda:\n\n"
        "1. Opening of the Congress.\n\n2. Adoption of the report.\n\n"
        "3. Requests the Secretary-General to report;\n"
    )
    assert [p.number for p in doc.operative] == ["1", "2", "3"]
    assert [i.id for i in doc.operative[1].items] == ["op2-1", "op2-2"]
    # sections restarting at 1 after a heading stay operative paragraphs
    (doc,) = parse(EN + "I\n\n1. Decides;\n\n2. Approves the agenda:\n\nII\n\n1. Requests;\n")
    assert [p.id for p in doc.operative] == ["op1", "op2", "ii-2-op1"]


def test_misprinted_paragraph_numbers() -> None:
    # "l." for "1." before an operative verb; "2 ." with a space before the dot
    (doc,) = parse(
        EN + "l. Decides to designate 12 May as the International Day;\n\n"
        "2 .Invites all Member States;\n\n3. Requests the Secretary-General;\n"
    )
    assert [p.number for p in doc.operative] == ["l", "2", "3"]
    assert [p.id for p in doc.operative] == ["op1", "op2", "op3"]


def test_the_words_closing_a_list_stay_with_its_paragraph() -> None:
    (doc,) = parse(
        EN + "Affirming that the Programme is grounded in two focus areas:\n\n"
        "(a) Investing in people,\n\n(b) Leveraging science,\n\n"
        "and in the commitments contained therein,\n\n1. Decides;\n"
    )
    assert counts(doc) == (2, ["1"], 0)
    assert [i.label for i in doc.preamble[1].items] == ["(a)", "(b)", ""]
    assert doc.preamble[1].items[2].text == "and in the commitments contained therein,"


def test_an_adverb_and_participle_open_a_paragraph_after_a_page_break() -> None:
    # the paragraph before ends with a comma; "Strongly condemning" opens the next one
    text = (
        EN + "Expressing deep concern at the impacts of acts of violence, attacks¹ and "
        "threats\n"
        "against humanitarian personnel and United Nations and associated personnel,\n\n"
        "¹ A/76/334, annex IV.\nA/RES/76/127 5/15\n"
        "Strongly condemning acts of murder and other forms of violence against those\n"
        "participating in humanitarian operations,\n\n1. Decides;\n"
    )
    (doc,) = parse(text)
    assert counts(doc) == (3, ["1"], 1)
