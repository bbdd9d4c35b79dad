"""References to resolutions and decisions (references.py), judged against paragraphs of the
corpus whose references were checked by hand (tests/data/references/<lang>.yaml), and on
real sentences for each rule."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from resarchive import references

FIXTURES = Path(__file__).parent / "data" / "references"


def score(lang: str, subset: str | None = None) -> tuple[int, int, int, int]:
    """(links made, right, wrong, missed) on the fixture; a link is right when its printed
    text, symbol and cited paragraph are those checked by hand."""
    items = yaml.safe_load((FIXTURES / f"{lang}.yaml").read_text(encoding="utf-8"))
    made = right = missed = 0
    for item in items:
        if subset and item["set"] != subset:
            continue
        found = Counter(
            (item["text"][r.start : r.end], r.symbol, r.paragraph)
            for r in references.find(item["text"], lang, "GA")
            if r.symbol
        )
        wanted = Counter(
            (r[0], r[1], r[2] if len(r) > 2 else "") for r in item["references"] if r[1]
        )
        made += sum(found.values())
        right += sum((found & wanted).values())
        missed += sum((wanted - found).values())
    return made, right, made - right, missed


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_precision_and_recall_on_hand_checked_references(lang: str) -> None:
    items = yaml.safe_load((FIXTURES / f"{lang}.yaml").read_text(encoding="utf-8"))
    expected = sum(1 for item in items for r in item["references"] if r[1])
    assert expected >= 300
    made, right, wrong, missed = score(lang)
    precision, recall = right / made, right / (right + missed)
    held = score(lang, "held-out")
    print(
        f"\n{lang}: {made} links, {right} right, {wrong} wrong, {missed} missed: precision "
        f"{precision:.4f}, recall {recall:.4f} (held-out part: {held[1]}/{held[0]} right, "
        f"{held[3]} missed)"
    )
    assert precision >= 0.99 and recall >= 0.98


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # a list, its dates between the numbers, then another organ named before its keyword
        (
            "en",
            "Recalling its resolutions 65/69 of 8 December 2010 and 74/64 of 12 December "
            "2019, and Security Council resolution 2118 (2013),",
            [
                ("resolutions 65/69", "A/RES/65/69"),
                ("74/64", "A/RES/74/64"),
                ("resolution 2118 (2013)", "S/RES/2118(2013)"),
            ],
        ),
        # French names the organ after the numbers, and a list's last number after "et"
        (
            "fr",
            "sur la base des résolutions 242 (1967), 338 (1973) du 22 octobre 1973 et "
            "2334 (2016) du Conseil de sécurité,",
            [
                ("résolutions 242 (1967)", "S/RES/242(1967)"),
                ("338 (1973)", "S/RES/338(1973)"),
                ("2334 (2016)", "S/RES/2334(2016)"),
            ],
        ),
        # "the Council" is the council last named; "in its": the organ just named
        (
            "en",
            "Recalls the decision taken by the Human Rights Council, in its resolution "
            "36/10, to extend the mandate as set out in Council resolution 27/21;",
            [("resolution 36/10", "A/HRC/RES/36/10"), ("resolution 27/21", "A/HRC/RES/27/21")],
        ),
        # old sessions in roman numerals, a part letter dropped from the symbol
        (
            "en",
            "Reaffirming the Universal Declaration (resolution 217 A (III)) and its "
            "resolution 55/33 D of 20 November 2000,",
            [("resolution 217 A (III)", "A/RES/217(III)"), ("resolution 55/33 D", "A/RES/55/33")],
        ),
        # another body's resolution stays text; a number before 31 is no Assembly "n/m"
        (
            "en",
            "Welcoming resolution 9/5 of the Conference of the States Parties and recalls "
            "its decisions 20/1 and 20/2 adopted during its twentieth session,",
            [("resolution 9/5", None), ("decisions 20/1", None), ("20/2", None)],
        ),
        # a symbol printed as such; a special session
        (
            "fr",
            "Voir A/RES/78/1 et la résolution S‑30/1 du Conseil des droits de l’homme.",
            [("A/RES/78/1", "A/RES/78/1"), ("résolution S‑30/1", "A/HRC/RES/S-30/1")],
        ),
    ],
)
def test_references_in_real_sentences(
    lang: str, text: str, expected: list[tuple[str, str | None]]
) -> None:
    found = [(text[r.start : r.end], r.symbol or None) for r in references.find(text, lang, "GA")]
    assert found == expected


def test_osce_decisions_and_their_corrigenda(seeds_dir: Path) -> None:
    # the OSCE seed recalls four corrected decisions: each is its own document
    line = next(
        s for s in (seeds_dir / "003_119bc831e513df92.txt").read_text().splitlines()
        if s.startswith("Réaffirmant le Document de Copenhague")
    )  # fmt: skip
    found = [(line[r.start : r.end], r.symbol) for r in references.find(line, "fr", "OSCE-MC")]
    assert found == [
        ("Décision n° 13/04/Corr.1", "MC.DEC/13/04/Corr.1"),
        ("Décision n° 15/06/Corr.1", "MC.DEC/15/06/Corr.1"),
        ("Décision n° 9/07/Corr.1", "MC.DEC/9/07/Corr.1"),
        ("Décision n° 7/13/Corr.1", "MC.DEC/7/13/Corr.1"),
    ]


def test_a_cited_paragraph_is_part_of_the_link_and_its_anchor_kept() -> None:
    text = "Recalls paragraph 5 (a) of its resolution 77/1 and paragraphe 3 of nothing,"
    (ref,) = references.find(text, "en", "GA")
    assert text[ref.start : ref.end] == "paragraph 5 (a) of its resolution 77/1"
    assert (ref.symbol, ref.paragraph) == ("A/RES/77/1", "op5-a")


def test_the_citing_document_decides_what_its_means() -> None:
    text = "Rappelant sa résolution 76/181 du 16 décembre 2021,"
    assert references.find(text, "fr", "GA")[0].symbol == "A/RES/76/181"
    # a Commission's own resolution: its symbols are not known, the reference stays text
    assert references.find(text, "fr", "")[0].symbol == ""
    assert references.organ_of("", "Assemblée générale", "fr") == "GA"
    assert references.organ_of("A/HRC/RES/52/1") == "HRC"


def test_addresses_outside_the_archive() -> None:
    assert (
        references.address("SC", "S/RES/2334(2016)", "fr")
        == "https://undocs.org/fr/S/RES/2334(2016)"
    )
    assert references.address("OSCE-MC", "MC.DEC/7/17", "fr") == ""  # none known
