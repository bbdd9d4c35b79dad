"""The pages stage (src/resarchive/pages.py) and the readings it serves: running heads learned
from the document, footnote blocks lifted, plain-digit markers found by page; joins across
page breaks and hyphens; draft resolutions' sponsors. Small texts shaped like real
conversions (tests/fixtures/drafts are two drafts laid out as PyMuPDF gives the UN's PDFs)."""

from __future__ import annotations

from pathlib import Path

from resarchive.accuracy import missing_words, parse_text, shown_words, words
from resarchive.clean import clean_lines
from resarchive.langdata import lang
from resarchive.pages import mark_page_furniture, missing_pages
from resarchive.segment import join_lines

DRAFTS = Path(__file__).parent / "fixtures" / "drafts"

HEAD = (
    "United Nations \nA/RES/79/9\n \nGeneral Assembly \nDistr.: General \n9 December 2024 \n"
    "24-12345 (E)    \n*2412345* \n \nSeventy-ninth session \nAgenda item 9 \n \n"
    "79/9. Protection of the cultural heritage \nof small island States \n \n"
    "The General Assembly, \n \n"
)


def page_two(title_lines: list[str], of: int = 2) -> str:
    return "\nA/RES/79/9 \n" + "\n".join(title_lines) + f"\n \n24-12345\n2/{of} \n \n"


def test_a_running_head_of_several_lines_is_lifted_and_the_paragraph_joined() -> None:
    text = (
        HEAD + "Recalling its resolution 78/1 of 1 December 2023 on the protection of the \n"
        "cultural heritage,1 and the report of the Secretary-General,2 \n"
        "__________________ \n \n1  Resolution 78/1. \n \n2  A/79/100. \n"
        + page_two(["Protection of the cultural heritage of small", "island States"])
        + "adopted at its seventy-eighth session, \n \n1. \nDecides to remain seized of "
        "the matter. \n"
    )
    (doc,) = parse_text(text, "x.txt")
    assert [p.text for p in doc.preamble] == [
        "Recalling its resolution 78/1 of 1 December 2023 on the protection of the cultural "
        "heritage, and the report of the Secretary-General, adopted at its seventy-eighth session,"
    ]
    assert [n.text for n in doc.footnotes] == ["Resolution 78/1.", "A/79/100."]
    assert all(n.cited for n in doc.footnotes)
    assert not doc.unclassified
    # exactly the page furniture: page 1's job number and barcode, page 2's head
    assert missing_words(words(text), shown_words([doc])) == {
        "a": 1, "res": 1, "79": 1, "9": 1, "protection": 1, "of": 2, "the": 1, "cultural": 1,
        "heritage": 1, "small": 1, "island": 1, "states": 1, "24": 2, "12345": 2, "2": 2,
        "e": 1, "2412345": 1,
    }  # fmt: skip


def test_odd_and_even_heads_are_both_learned() -> None:
    lines = clean_lines(
        HEAD
        + "Recalling also its resolutions, \n"
        + page_two(["Protection of the cultural heritage of small", "island States"], 3)
        + "Noting the report, \n\nProtection of the cultural heritage of small island \nStates \n"
        "A/RES/79/9\n \n3/3\n24-12345 \n \nWelcoming the work, \n"
    )
    marked = mark_page_furniture(lines, lang("en"))
    heads = [ln.text for ln in marked if ln.hint == "runninghead"]
    assert heads == [
        "A/RES/79/9", "Protection of the cultural heritage of small", "island States",
        "24-12345", "2/3", "Protection of the cultural heritage of small island", "States",
        "A/RES/79/9", "3/3", "24-12345",
    ]  # fmt: skip
    assert "Welcoming the work," not in heads


def test_a_number_like_a_page_mark_of_another_count_stays_text() -> None:
    """A justified line read one word a line: "74/199" alone is resolution 74/199, not a
    page mark, when the document's marks count 3 pages."""
    text = (
        HEAD
        + "Recalling \nits \nresolution \n74/199 \nof 19 December 2019, \n"
        + page_two(["Protection of the cultural heritage of small island States"], 3)
        + "Noting the report, \n\nx \nA/RES/79/9\n \n3/3\n24-12345 \n"
    )
    (doc,) = parse_text(text, "x.txt")
    assert doc.preamble[0].text == "Recalling its resolution 74/199 of 19 December 2019,"


def test_a_line_of_the_text_equal_to_the_title_stays_text() -> None:
    """Only a head's lines are lifted: a paragraph quoting the title keeps it."""
    text = (
        HEAD + "1. \nDecides to include in the provisional agenda the item entitled \n"
        "“Protection of the cultural heritage of small island States”. \n"
    )
    (doc,) = parse_text(text, "x.txt")
    assert doc.operative[0].text.endswith(
        "“Protection of the cultural heritage of small island States”."
    )


def test_plain_digit_markers_are_found_by_page_and_text_numbers_stay() -> None:
    text = (
        HEAD + "Recalling article 1 of the Convention,1 the session,2 resolution 79/7;3 and the "
        "Agenda 214, adopted on 13 January 20105, \n"
        "__________________ \n \n1 Treaty Series. \n \n2 A/79/1. \n \n3 A/79/2. \n \n"
        "4 A/CONF.151/26. \n \n5 A/79/3. \n"
    )
    (doc,) = parse_text(text, "x.txt")
    rich = doc.preamble[0].rich
    assert "article 1 of the Convention,\ue0001\ue001 the session,\ue0002\ue001" in rich
    assert "79/7;\ue0003\ue001 and the Agenda 21\ue0004\ue001, adopted" in rich
    assert "13 January 2010\ue0005\ue001," in rich
    assert [n.mark for n in doc.footnotes if n.cited] == ["1", "2", "3", "4", "5"]


def test_a_page_mark_gap_is_named() -> None:
    lines = clean_lines(HEAD + "Recalling, \n" + page_two(["Protection"], 4) + "x \n4/4 \n")
    assert missing_pages(lines) == [
        (len(lines) - 1, "page(s) 3 of 4 missing: the page marks go from 2/4 to 4/4")
    ]
    whole = HEAD + "Recalling, \n" + page_two(["Protection"], 3) + "x \n3/3 \n"
    assert missing_pages(clean_lines(whole)) == []


def test_hyphenated_line_ends_join_without_a_space() -> None:
    assert join_lines(["the Secretary-", "General and non-", "governmental bodies"]) == (
        "the Secretary-General and non-governmental bodies"
    )
    assert join_lines(["non\u2011", "governmental", "2021-", "2025 and -", "x"]) == (
        "non\u2011governmental 2021-2025 and - x"
    )


def test_a_one_line_draft_names_its_sponsor_and_links_its_star() -> None:
    path = DRAFTS / "A-80-L.12-en.txt"
    text = path.read_text(encoding="utf-8")
    (doc,) = parse_text(text, path.name)
    assert (doc.kind, doc.symbol, doc.sponsors) == ("draft-resolution", "A/80/L.12", ["Indonesia"])
    star = next(n for n in doc.footnotes if n.mark == "*")
    assert star.cited and star.text.startswith("On behalf of the States Members")
    assert any(h.number == "sponsors" and "Indonesia" in h.text for h in doc.header)
    assert (len(doc.preamble), len(doc.operative)) == (2, 2)
    assert missing_words(words(text), shown_words([doc])) == {"25": 1, "18765": 1, "e": 1,
                                                               "2518765": 1}  # fmt: skip


def test_a_sponsor_list_over_lines_keeps_every_name_and_its_and() -> None:
    path = DRAFTS / "A-C.3-80-L.5-Rev.1-en.txt"
    text = path.read_text(encoding="utf-8")
    (doc,) = parse_text(text, path.name)
    assert (doc.kind, doc.symbol) == ("revised-draft-resolution", "A/C.3/80/L.5/Rev.1")
    assert doc.sponsors[:3] == ["Andorra", "Argentina", "Australia"]
    assert doc.sponsors[-3:] == ["Spain", "Sweden", "Uruguay"]
    assert "Netherlands (Kingdom of the)" in doc.sponsors and len(doc.sponsors) == 34
    line = next(h for h in doc.header if h.number == "sponsors")
    assert line.text.endswith("Spain, Sweden and Uruguay: revised draft resolution")
    assert doc.title == "The right to privacy in the digital age"
    assert [len(doc.preamble), len(doc.operative)] == [3, 3]
    assert doc.preamble[2].text.endswith("International Covenant on Civil and Political Rights,")
    lost = missing_words(words(text), shown_words([doc]))
    # what may go is the page furniture: job numbers, barcode, page 2's head
    furniture = {"25", "17654", "e", "2517654", "a", "c", "3", "80", "l", "5", "rev", "1",
                 "the", "right", "to", "privacy", "in", "digital", "age", "2"}  # fmt: skip
    assert set(lost) <= furniture
