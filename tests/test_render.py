"""Fast checks of the render stage (no browser): citation format, anchors' labels, escaping.

The browser tests (test_reading_browser.py) prove that reader.js copies these strings; here we
pin the strings themselves, built by render.citation / cite_labels / full_citation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from resarchive import render
from resarchive.models import Attachment, Document, Footnote, Item, Loose, Paragraph, Part, marker

REPO = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
HOSTILE = "<img src=x onerror=alert(1)> </script> {{ 7*7 }}"
URL = "https://example.org/archive/doc/x.html"


def para(
    pid: str,
    number: str,
    rich: str,
    lead: str = "",
    part: str = "",
    items: list[Item] | None = None,
) -> Paragraph:
    return Paragraph(
        id=pid, number=number, rich=rich, line=1, lead=lead, part=part, items=items or []
    )


def draft_with_symbol() -> Document:
    """The shape of E/CN.15/2018/L.3 (the seed's first document)."""
    return Document(
        id="e-cn-15-2018-l-3-fr",
        source="000.txt",
        language="fr",
        kind="draft-resolution",
        title="Améliorer la protection des enfants",
        symbol="E/CN.15/2018/L.3",
        date="2018-04-13",
        body="Commission pour la prévention du crime et la justice pénale",
        organization="UN",
        formula="La Commission pour la prévention du crime et la justice pénale,",
        preamble=[para(f"pp{i}", "", f"Rappelant le texte {i},", "Rappelant") for i in (1, 2, 3)],
        operative=[para(f"op{i}", str(i), f"Invite les États {i} ;", "Invite") for i in range(1, 7)]
        + [
            para(
                "op7",
                "7",
                "Invite les États Membres :",
                "Invite",
                items=[
                    Item(id="op7-a", label="a)", rich="de faire ceci ;", line=1),
                    Item(id="op7-b", label="b)", rich="de faire cela.", line=1),
                ],
            )
        ],
        footnotes=[
            Footnote(id="fn1", mark="1", rich="Note un.", line=1),
            Footnote(id="fn2", mark="2", rich="Note deux.", line=1),
        ],
    )


def resolution_without_symbol(language: str = "fr") -> Document:
    fr = language == "fr"
    return Document(
        id="002-resolution-33-1",
        source="002.txt",
        language=language,
        kind="resolution",
        number="33/1",
        label="Résolution 33/1" if fr else "Resolution 33/1",
        title="Lutte contre la traite" if fr else "Countering trafficking",
        body="Commission pour la prévention du crime et la justice pénale"
        if fr
        else "Commission on Crime Prevention and Criminal Justice",
        organization="UN",
        operative=[
            para(
                "op7",
                "7",
                "Encourage :",
                items=[Item(id="op7-a", label="a)" if fr else "(a)", rich="x ;", line=1)],
            )
        ],
    )


# --------------------------------------------------------------------------- citations


def test_citation_with_symbol_is_body_symbol_date() -> None:
    doc = draft_with_symbol()
    assert render.citation(doc) == (
        "Commission pour la prévention du crime et la justice pénale, E/CN.15/2018/L.3, "
        "13 avril 2018"
    )
    labels = render.cite_labels(doc)
    assert render.full_citation(doc, labels["op7"], URL + "#op7") == (
        "Commission pour la prévention du crime et la justice pénale, E/CN.15/2018/L.3, "
        f"13 avril 2018, par. 7 <{URL}#op7>"
    )


def test_citation_of_the_seed_draft_as_parsed() -> None:
    """The example of the issue, from content/ as the build parses it."""
    from resarchive.load import load_documents

    docs = {d.id: d for d in load_documents(REPO / "content").documents}
    doc = docs["e-cn-15-2018-l-3-fr"]
    assert render.citation(doc) + ", " + render.cite_labels(doc)["op7"] == (
        "Commission pour la prévention du crime et la justice pénale, E/CN.15/2018/L.3, "
        "13 avril 2018, par. 7"
    )


@pytest.mark.parametrize(
    ("anchor", "label"),
    [
        ("op7", "par. 7"),
        ("op7-a", "par. 7 a)"),
        ("pp3", "al. 3 du préambule"),
        ("fn2", "note 2"),
    ],
)
def test_paragraph_labels_in_french(anchor: str, label: str) -> None:
    assert render.cite_labels(draft_with_symbol())[anchor] == label


def test_citation_without_symbol_names_kind_number_and_title() -> None:
    """No symbol: ``{body}, {kind and number, lower-cased} « {title} »[, {date}]``."""
    doc = resolution_without_symbol("fr")
    assert render.citation(doc) == (
        "Commission pour la prévention du crime et la justice pénale, résolution 33/1 "
        f"«{NBSP}Lutte contre la traite{NBSP}»"
    )
    assert render.full_citation(doc, render.cite_labels(doc)["op7-a"], URL + "#op7-a") == (
        "Commission pour la prévention du crime et la justice pénale, résolution 33/1 "
        f"«{NBSP}Lutte contre la traite{NBSP}», par. 7 a) <{URL}#op7-a>"
    )


def test_citation_without_symbol_in_english() -> None:
    doc = resolution_without_symbol("en")
    assert render.full_citation(doc, render.cite_labels(doc)["op7-a"], URL) == (
        "Commission on Crime Prevention and Criminal Justice, resolution 33/1 "
        f"“Countering trafficking”, para. 7 (a) <{URL}>"
    )


def test_label_in_capitals_gives_way_to_kind_and_number() -> None:
    doc = resolution_without_symbol("fr")
    doc.kind, doc.number, doc.label = "decision", "7/17", "DÉCISION N° 7/17"
    doc.body, doc.organization = "Conseil ministériel", "OSCE"
    assert render.citation(doc).startswith("OSCE, Conseil ministériel, décision 7/17 «")


def test_citation_of_a_document_with_nothing_but_a_title() -> None:
    doc = Document(id="x", source="x.txt", language="fr", kind="", title="Un texte")
    assert render.citation(doc) == f"«{NBSP}Un texte{NBSP}»"


def test_labels_of_parts_attachments_and_lettered_paragraphs() -> None:
    doc = Document(
        id="a-res-77-264-a-c-fr",
        source="x.txt",
        language="fr",
        kind="resolution",
        title="Budget",
        symbol="A/RES/77/264 A-C",
        parts=[
            Part(id="part-a", label="A", title="Crédits", formula="L’Assemblée générale", line=2),
            Part(id="part-b", label="B", title="Recettes", formula="L’Assemblée générale", line=10),
        ],
        preamble=[
            para("a-pp1", "", "Rappelant,", part="A"),
            para("b-pp1", "", "Notant,", part="B"),
            para("b-pp2", "", "Notant encore,", part="B"),
        ],
        operative=[
            para("a-op1", "1", "Décide ;", part="A"),
            para("b-op1", "1", "Décide ;", part="B"),
        ],
        attachments=[
            Attachment(
                id="att1",
                title="Annexe",
                header=[],
                line=20,
                paragraphs=[para("att1-p4", "4", "Texte.")],
            )
        ],
    )
    labels = render.cite_labels(doc)
    assert labels["a-pp1"] == "partie A, al. 1 du préambule"
    assert labels["b-pp2"] == "partie B, al. 2 du préambule"
    assert labels["b-op1"] == "partie B, par. 1"
    assert labels["att1-p4"] == "annexe, par. 4"
    assert render.preamble_numbers(doc) == {"a-pp1": "1", "b-pp1": "1", "b-pp2": "2"}

    lettered = draft_with_symbol()
    lettered.operative = [para("op-a", "a)", "Prend note ;"), para("op-b", "b)", "Approuve.")]
    assert render.cite_labels(lettered)["op-b"] == "al. b)"
    single = draft_with_symbol()
    single.operative = [para("text1", "", "Le Conseil décide de ...")]
    assert render.cite_labels(single)["text1"] == ""  # the document itself is cited


# --------------------------------------------------------------------------- escaping


def test_rich_text_is_escaped_and_never_evaluated() -> None:
    html = str(render.rich_html(f"*Rappelant* {HOSTILE} et 2 \\* 3"))
    assert "<img" not in html and "</script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html
    assert "<em>Rappelant</em>" in html
    assert "2 * 3" in html


def test_footnote_markers_become_links_with_back_references() -> None:
    links = render.FootnoteLinks(known={"fn2"})
    html = str(render.rich_html(f"organisée{marker('2')} et{marker('2')}, {marker('9')}", links))
    assert '<a href="#fn2" id="fn2-ref1"' in html and 'id="fn2-ref2"' in html
    assert '<sup class="fn-mark">9</sup>' in html  # unknown note: a mark, not a dead link
    assert links.refs["fn2"] == ["fn2-ref1", "fn2-ref2"]


def test_french_spacing_does_not_break_before_punctuation() -> None:
    html = str(render.rich_html("le 27 avril 2012 ; intitulée « Titre » : oui ? non !", None, "fr"))
    assert f"2012{NBSP};" in html and f"«{NBSP}Titre{NBSP}»" in html
    assert f"»{NBSP}:" in html and f"oui{NBSP}?" in html and f"non{NBSP}!" in html
    assert "2012 ;" in str(render.rich_html("2012 ;", None, "en"))


# --------------------------------------------------------------------------- whole pages


def _page(doc: Document) -> str:
    from resarchive.build import SITE

    env = render.make_env(REPO / "templates")
    return render.render_document(env, doc, SITE)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


def test_page_escapes_every_field() -> None:
    doc = draft_with_symbol()
    doc.title = doc.rich_title = HOSTILE
    doc.sponsors = [HOSTILE]
    doc.session = HOSTILE
    doc.preamble[0].rich = HOSTILE
    doc.footnotes[0].rich = HOSTILE
    doc.unclassified = [Loose(id="u1", rich=HOSTILE, line=9)]
    html = _page(doc)
    assert "<img" not in html
    assert html.count("</script>") == html.count("<script")  # only our own script tags
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 6
    assert "{{ 7*7 }}" in html and ">49<" not in html


def test_page_shows_parts_closing_lines_and_unclassified_text() -> None:
    doc = Document(
        id="a-res-77-264-a-c-fr",
        source="x.txt",
        language="fr",
        kind="resolution",
        title="Budget-programme",
        symbol="A/RES/77/264 A-C",
        formula="L’Assemblée générale",
        parts=[
            Part(
                id="part-a",
                label="A",
                title="Crédits ouverts",
                line=2,
                formula="L’Assemblée générale",
                rich="Crédits ouverts",
            ),
            Part(
                id="part-b",
                label="B",
                title="Prévisions de recettes",
                line=10,
                formula="L’Assemblée générale",
                rich="Prévisions de recettes",
            ),
        ],
        preamble=[para("a-pp1", "", "Rappelant alpha,", "Rappelant", part="A")],
        operative=[
            para("a-op1", "1", "Décide bravo ;", "Décide", part="A"),
            para("b-op1", "1", "Décide charlie.", "Décide", part="B"),
        ],
        closing=[
            Loose(id="c1", rich="56e séance plénière", line=8),
            Loose(id="c2", rich="57e séance plénière", line=12),
        ],
        unclassified=[Loose(id="u1", rich="Texte orphelin", line=30)],
    )
    html = _page(doc)
    text = _text(html)
    for s in (
        "Crédits ouverts",
        "Prévisions de recettes",
        "Rappelant alpha,",
        "Décide bravo ;",
        "Décide charlie.",
        "56e séance plénière",
        "57e séance plénière",
        "Texte orphelin",
        "Texte non classé",
    ):
        assert s in text, s
    assert text.count("L’Assemblée générale") == 2  # each part's formula, not a third copy
    # closing lines follow their own part
    assert html.index('id="c1"') < html.index('id="part-b"') < html.index('id="c2"')
    assert 'id="a-op1"' in html and 'id="b-op1"' in html and 'id="u1"' in html
    assert 'data-cite="partie B, par. 1"' in html


def test_backlinks_are_named_for_screen_readers() -> None:
    doc = draft_with_symbol()
    doc.preamble[0].rich = f"organisée{marker('2')}, puis{marker('2')},"
    html = _page(doc)
    assert '<a class="backref" href="#fn2-ref1">' in html
    assert "Retour au texte (note 2, 1)" in html and "Retour au texte (note 2, 2)" in html
    assert 'aria-label="Retour' not in html  # the name is text, never an aria-label that hides it
