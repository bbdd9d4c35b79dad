"""The eleven documents of the four seed texts, as the foundation issue lists them.

Each row states one fact a reader of the printed texts can check by eye.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from resarchive.pipeline import parse_source
from resarchive.read import read_sidecar, read_source, sidecar_path

CONTENT = Path(__file__).resolve().parents[1] / "content"


def load(name: str):
    path = CONTENT / name
    meta_path = sidecar_path(path)
    meta = read_sidecar(meta_path, CONTENT) if meta_path else {}
    return parse_source(read_source(path, CONTENT), meta)


@pytest.fixture(scope="module")
def docs():
    return {p.name[:3]: load(p.name) for p in sorted(CONTENT.glob("*.txt"))}


def test_eleven_documents(docs):
    assert [len(docs[k]) for k in ("000", "001", "002", "003")] == [1, 1, 8, 1]


# (seed, index in file, kind, number, body, preambular count, operative numbers)
CCPCJ = "Commission pour la prévention du crime et la justice pénale"
DOCUMENTS = [
    ("000", 0, "draft-resolution", "", CCPCJ, 8, list(range(1, 8))),
    ("001", 0, "revised-draft-resolution", "", CCPCJ, 7, list(range(1, 14))),
    ("002", 0, "draft-resolution", "I", "Assemblée générale", 14, list(range(1, 28))),
    ("002", 1, "draft-resolution", "II", "Assemblée générale", 9, list(range(1, 6))),
    ("002", 2, "draft-resolution", "III", "Assemblée générale", 16, list(range(1, 13))),
    ("002", 3, "draft-resolution", "", "Conseil économique et social", 14, list(range(1, 11))),
    ("002", 4, "draft-decision", "I", "Conseil économique et social", 0, []),
    ("002", 5, "draft-decision", "II", "Conseil économique et social", 0, []),
    ("002", 6, "resolution", "33/1", CCPCJ, 14, list(range(1, 12))),
    ("002", 7, "decision", "33/1", CCPCJ, 0, []),
    ("003", 0, "decision", "7/17", "Conseil ministériel", 15, list(range(1, 14))),
]


@pytest.mark.parametrize(
    "seed,index,kind,number,body,preamble,numbers",
    DOCUMENTS,
    ids=[f"{r[0]}-{r[1]}" for r in DOCUMENTS],
)
def test_document_structure(docs, seed, index, kind, number, body, preamble, numbers):
    doc = docs[seed][index]
    assert (doc.kind, doc.number, doc.body) == (kind, number, body)
    assert len(doc.preamble) == preamble
    assert [int(p.number) for p in doc.operative if p.number.isdigit()] == numbers


def test_metadata_from_the_text(docs):
    d = docs["000"][0]
    assert (d.symbol, d.date, d.sponsors, d.session, d.agenda_item, d.language) == (
        "E/CN.15/2018/L.3",
        "2018-04-13",
        ["France", "Roumanie"],
        "Vingt-septième session",
        "6",
        "fr",
    )
    d = docs["001"][0]
    assert (d.date, d.sponsors, d.kind) == (
        "2018-05-17",
        ["Colombie", "Philippines"],
        "revised-draft-resolution",
    )
    assert d.session == "Vingt-septième session"  # from the sidecar YAML
    d = docs["003"][0]
    assert (d.symbol, d.date, d.organization, d.agenda_item) == (
        "MC.DEC/7/17/Corr.1",
        "2017-12-08",
        "OSCE",
        "7",
    )
    assert d.title.startswith("RENFORCEMENT DES EFFORTS") and d.title.endswith("DES ENFANTS")
    assert docs["002"][7].date == "2024-05-16"  # "À sa 7e séance, le 16 mai 2024"


def test_report_text_is_never_an_operative_paragraph(docs):
    report = docs["002"]
    first = report[0]
    assert [c.text for c in first.context][0] == "Chapitre I"
    assert any(c.number == "1" and "recommande" in c.text for c in first.context)
    assert any(c.number == "2" for c in report[3].context)
    assert any(c.number == "3" for c in report[4].context)
    assert any(c.number == "4" for c in report[6].context)
    decision = report[7]
    assert decision.operative == [] and [r.number for r in decision.report] == ["5"]
    for doc in report:
        assert not any("La Commission recommande" in p.text for p in doc.operative)


def test_agenda_is_an_attachment_of_decision_ii(docs):
    decision = docs["002"][5]
    assert [p.id for p in decision.operative] == ["op-a", "op-b", "op-c"]
    (agenda,) = decision.attachments
    assert agenda.title.startswith("Ordre du jour provisoire de la trente-quatrième session")
    assert [p.number for p in agenda.paragraphs] == [str(n) for n in range(1, 14)]
    assert [i.id for i in agenda.paragraphs[5].items] == [f"att1-p6-{c}" for c in "abcde"]


def test_decision_i_is_one_unnumbered_paragraph(docs):
    decision = docs["002"][4]
    assert [p.id for p in decision.operative] == ["text1"]
    assert decision.operative[0].text.startswith("Le Conseil économique et social décide")


def test_osce_attachment(docs):
    (att,) = docs["003"][0].attachments
    assert att.header == [
        "MC.DEC/7/17/Corr.1",
        "8 December 2017",
        "Attachment",
        "FRENCH",
        "Original: RUSSIAN",
    ]
    assert att.title.startswith("DÉCLARATION INTERPRÉTATIVE")
    assert att.paragraphs[0].text == "Faite par la délégation de la Fédération de Russie :"
    assert att.paragraphs[-1].text.endswith("incluse dans le journal de ce jour. »")


def test_sub_paragraphs(docs):
    res = docs["002"][6]
    assert [i.id for i in res.preamble[10].items] == [f"pp11-{c}" for c in "abcdefg"]
    assert [i.id for i in res.operative[6].items] == [f"op7-{c}" for c in "abcdefghijkl"]
    assert [i.id for i in res.operative[8].items] == ["op9-a", "op9-b"]
    assert [i.id for i in docs["003"][0].operative[4].items] == ["op5-a", "op5-b"]


def test_footnotes_are_moved_and_linked(docs):
    d = docs["000"][0]
    assert [(n.id, n.cited) for n in d.footnotes] == [
        ("fn1", True),
        ("fn2", True),
        ("fn3", True),
        ("fn4", True),
        ("fn-star", True),
    ]
    assert d.footnotes[-1].text == "E/CN.15/2018/1."
    # a paragraph split by a page break, footnotes dumped between its halves, is whole again
    assert "criminalité transnationale organisée et les Protocoles" in d.preamble[1].text
    assert all("Ibid" not in p.text for p in d.paragraphs())
    assert "afin de faciliter et de promouvoir l'enseignement" in d.operative[1].text
    d = docs["001"][0]
    assert (
        "adoptés par les gouvernements et les organisations intergouvernementales"
        in d.preamble[4].text
    )
    assert "émotionnel, en tenant compte des spécificités" in d.operative[3].text
    # marker <sup>1</sup> cited twice: one footnote
    assert [n.mark for n in d.footnotes] == ["1", "2", "3", "4", "5"]
    star = docs["002"][3]
    assert "*" in [n.mark for n in star.footnotes]  # "groupes terroristes*" in the title
    res = docs["002"][6]
    assert [n.mark for n in res.footnotes] == [str(n) for n in range(24, 31)]
    osce = docs["003"][0]
    assert [(n.mark, n.cited) for n in osce.footnotes] == [("1", False)]
    assert "exploités sexuellement et l'importance du respect" in osce.preamble[3].text


def test_ordinals_are_not_footnotes(docs):
    first = docs["002"][0]
    assert "1ᵉʳ décembre 1950" in first.preamble[0].text
    assert "7ᵉ séance" in docs["002"][7].report[0].text


def test_leads(docs):
    assert [p.lead for p in docs["001"][0].preamble[:3]] == [
        "Condamnant de nouveau énergiquement",
        "Se félicitant",
        "Soulignant de nouveau",
    ]
    assert docs["001"][0].preamble[5].lead == "Appelant l'attention"  # printed italics win
    assert docs["000"][0].operative[3].lead == "Prie instamment"
    assert docs["002"][0].operative[7].lead == "Invite également de nouveau"


def test_running_heads_are_dropped(docs):
    for doc in docs["000"]:
        texts = [p.text for p in doc.paragraphs()] + [h.text for h in doc.header]
        assert not any("V.18-02322" in t for t in texts)


def test_anchors_are_unique(docs):
    for seed in docs.values():
        for doc in seed:
            ids = [p.id for p in doc.paragraphs()] + [n.id for n in doc.footnotes]
            ids += [i.id for p in doc.paragraphs() for i in p.items]
            ids += [p.id for a in doc.attachments for p in a.paragraphs]
            assert len(ids) == len(set(ids)), doc.id


def test_catalog_export(built_site: Path):
    catalog = json.loads((built_site / "catalog.json").read_text(encoding="utf-8"))
    docs = catalog["documents"]
    assert len(docs) == 11
    for entry in docs:
        assert set(entry) >= {
            "id",
            "url",
            "data",
            "source",
            "title",
            "symbol",
            "date",
            "body",
            "kind",
            "language",
        }
        assert (built_site / entry["url"]).is_file() and (built_site / entry["data"]).is_file()
        assert (CONTENT / entry["source"]).is_file()
        data = json.loads((built_site / entry["data"]).read_text(encoding="utf-8"))
        assert data["id"] == entry["id"]
        for key in (
            "sponsors",
            "preamble",
            "operative",
            "footnotes",
            "attachments",
            "unclassified",
        ):
            assert isinstance(data[key], list)
        for para in data["preamble"] + data["operative"]:
            assert {"id", "text", "items"} <= set(para)
