"""Akoma Ntoso in and out (src/resarchive/akn_read.py, akn_write.py).

- AKN in: the UN's own XML (../shared/corpus) read by its structure gives the structure
  akn2txt.py counts (its .gold.json), and every word of it;
- AKN out: every document written as AKN validates against the OASIS Akoma Ntoso 3.0 schema
  (tests/data/akn/akomantoso30.xsd, read from disk with lxml, no network);
- round trips: text -> model -> AKN -> model gives the same document; the UN's AKN -> model
  -> AKN -> model too, so AKN -> model -> AKN keeps every paragraph's text and number;
- bad input: malformed XML, XML that is no AKN, an entity bomb, an external entity: a clear
  error naming the file and line, nothing fetched, the other files still read.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lxml import etree

from resarchive import akn_read, akn_write, anchors, references
from resarchive.accuracy import (
    compare,
    counts,
    exclusions,
    gold_counts,
    language_code,
    missing_words,
    parse_text,
    shown_words,
    source_words,
)
from resarchive.akn import AKN
from resarchive.load import load_documents
from resarchive.models import Document, to_dict

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "tests" / "data" / "akn" / "akomantoso30.xsd"
SAMPLE = 7  # every 7th corpus file: about 420 XML files and 370 texts


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA), etree.XMLParser(no_network=True)))


def same_document(a: Document, b: Document) -> bool:
    da, db = to_dict(a), to_dict(b)
    # the citations are the link stage's, found in the text read back
    if references.citations(a) != references.citations(b):
        return False
    for derived in ("source", "citations"):
        da.pop(derived)
        db.pop(derived)
    return da == db


def round_trip(doc: Document, schema: etree.XMLSchema) -> Document:
    """``doc`` written as AKN (which must validate) and read back."""
    xml = akn_write.dumps(doc).encode("utf-8")
    root = etree.fromstring(xml)
    assert schema.validate(root), (doc.id, [e.message for e in list(schema.error_log)[:5]])
    (back,), _ = akn_read.read_akn(xml, doc.source, "x")
    return back


def un_xml_files(corpus_xml_dir: Path, corpus_es_dir: Path) -> list[tuple[Path, Path]]:
    """(XML, akn2txt .txt beside its gold) of every SAMPLE-th corpus file, three languages."""
    out = []
    for xml_root, txt_root in (
        (corpus_xml_dir, corpus_xml_dir.parent / "txt"),
        (corpus_es_dir.parent / "xml", corpus_es_dir),
    ):
        for f in sorted(xml_root.glob("*session/*/*.xml"))[::SAMPLE]:
            folder = f"{f.parent.parent.name.removesuffix('session')}-{f.parent.name}"
            out.append((f, txt_root / folder / f"{f.stem}.txt"))
    return out


# --------------------------------------------------------------------------- AKN out


def test_seeds_written_as_valid_akn_read_back_the_same(schema) -> None:
    docs = load_documents(REPO / "content", cache=None).documents
    assert len(docs) == 11
    for doc in docs:
        assert same_document(doc, round_trip(doc, schema)), doc.id


def test_corpus_texts_round_trip_through_akn(corpus_dir: Path, schema) -> None:
    texts = sorted(corpus_dir.glob("*/*.txt"))[::SAMPLE]
    docs = [d for f in texts for d in parse_text(f.read_text(encoding="utf-8"), f.name)]
    assert len(docs) > 300
    bad = [d.id for d in docs if not same_document(d, round_trip(d, schema))]
    assert not bad, f"{len(bad)} of {len(docs)} documents differ after AKN: {bad[:10]}"


def test_akn_out_has_frbr_eids_and_notes() -> None:
    docs = {d.id: d for d in load_documents(REPO / "content", cache=None).documents}
    doc = docs["e-cn-15-2018-l-3-fr"]
    root = etree.fromstring(akn_write.dumps(doc).encode())
    ns = {"a": AKN[1:-1]}
    assert root.xpath("string(//a:FRBRExpression/a:FRBRlanguage/@language)", namespaces=ns) == "fra"
    assert root.xpath("string(//a:FRBRWork/a:FRBRdate/@date)", namespaces=ns) == doc.date
    para = root.xpath("//a:paragraph[@eId='para_7']", namespaces=ns)
    assert para and para[0].xpath("string(a:num)", namespaces=ns) == "7."
    notes = root.xpath("//a:authorialNote", namespaces=ns)
    assert sorted(n.get("marker") for n in notes) == sorted(n.mark for n in doc.footnotes)
    eids = root.xpath("//@eId")
    assert len(eids) == len(set(eids))


@pytest.mark.parametrize(
    ("anchor", "eid"),
    [
        ("op7", "para_7"),
        ("op7-a", "para_7__point_a"),
        ("op7-a-ii", "para_7__point_a__point_ii"),
        ("pp3", "recital_3"),
        ("pp3-a", "recital_3__point_a"),
        ("b-op3", "part_b__para_3"),
        ("fn2", "authorialNote_2"),
        ("att1-p4", "attachment_1__para_4"),
        ("text1", "unnumbered_1"),
        ("ii-2-op1", "part_ii__point_2__para_1"),
        ("fn-star", "part_fn__point_star"),
    ],
)
def test_akn_eid_mapping(anchor: str, eid: str) -> None:
    assert anchors.akn_eid(anchor) == eid


# --------------------------------------------------------------------------- AKN in


@pytest.fixture(scope="module")
def un_sample(corpus_xml_dir: Path, corpus_es_dir: Path) -> list[tuple[Path, Path]]:
    return un_xml_files(corpus_xml_dir, corpus_es_dir)


def test_un_xml_reads_to_the_gold_structure_and_loses_no_word(un_sample) -> None:
    scored = exact = 0
    misses, lost, languages = [], [], set()
    for xml, txt in un_sample:
        gold = json.loads(txt.with_name(txt.stem + ".gold.json").read_text(encoding="utf-8"))
        docs, _ = akn_read.read_akn(xml.read_bytes(), xml.name, xml.stem)
        languages.add(docs[0].language)
        assert docs[0].language == language_code(gold)
        words = missing_words(source_words(txt.read_text(encoding="utf-8")), shown_words(docs))
        if words:
            lost.append((xml.name, sum(words.values())))
        if exclusions(gold):
            continue
        scored += 1
        found = compare(counts(docs), gold_counts(gold))
        exact += not found
        if found:
            misses.append((xml.name, [m.describe() for m in found]))
    assert languages == {"fr", "en", "es"}
    assert scored > 350 and exact == scored, misses[:10]
    assert not lost, lost[:10]


def test_un_xml_round_trips_through_our_akn(un_sample, schema) -> None:
    bad = []
    for xml, _ in un_sample:
        (doc,), _ = akn_read.read_akn(xml.read_bytes(), xml.name, xml.stem)
        if not same_document(doc, round_trip(doc, schema)):
            bad.append(xml.name)
    assert not bad, bad[:10]


def test_un_xml_metadata(corpus_xml_dir: Path) -> None:
    xml = corpus_xml_dir / "75session" / "English" / "75_100_E.xml"
    (doc,), warnings = akn_read.read_akn(xml.read_bytes(), xml.name, xml.stem)
    assert not warnings
    assert (doc.id, doc.symbol, doc.number, doc.date, doc.kind, doc.body, doc.language) == (
        "a-res-75-100-en",
        "A/RES/75/100",
        "75/100",
        "2020-12-10",
        "resolution",
        "General Assembly",
        "en",
    )
    assert doc.title == "Comprehensive review of special political missions"
    assert doc.agenda_item == "55" and doc.session == "Seventy-fifth session"
    assert doc.preamble[0].lead == "Guided" and doc.operative[0].lead == "Takes note"
    assert [c.text for c in doc.closing] == ["41st plenary meeting", "10 December 2020"]
    assert doc.footnotes[0].text.startswith("A/66/340")


def test_quirks_are_shown_and_warned(corpus_xml_dir: Path) -> None:
    """A/RES/75/245 holds section-level preambles and unnumbered paragraphs among numbered
    ones (a quirk of the UN's XML): shown where they stand, with a warning."""
    xml = corpus_xml_dir / "75session" / "English" / "75_245_E.xml"
    (doc,), warnings = akn_read.read_akn(xml.read_bytes(), xml.name, xml.stem)
    assert any("unnumbered paragraph" in w.message for w in warnings)
    assert all(w.file == xml.name and w.line > 0 for w in warnings)
    unnumbered = [p for p in doc.operative if not p.number]
    assert unnumbered and all(p.text for p in unnumbered)


def test_the_fast_text_path_reads_as_the_slow_one(un_sample) -> None:
    fast = 0
    for xml, _ in un_sample[::4]:
        root = akn_read.parse_xml(xml.read_bytes(), xml.name)
        for p in root.iter(AKN + "p"):
            quick = akn_read._plain_text(p)
            if quick is not None:
                fast += 1
                assert quick == akn_read._collapse(akn_read.Reader("x")._inline(p, " "))
    assert fast > 1000


# --------------------------------------------------------------------------- bad input

AKN_OK = """<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">
<statement name="resolution"><meta><identification source="#x"><FRBRExpression>
<FRBRlanguage language="eng"/></FRBRExpression></identification></meta>
<preface><p><docNumber>80/1.</docNumber> <docTitle>A title</docTitle></p></preface>
<preamble><formula><p>The General Assembly,</p></formula>
<container name="Recalling"><p><i>Recalling</i> its resolution 79/1,</p></container></preamble>
<mainBody><paragraph><num>1.</num><content><p><i>Decides</i> to act.</p></content></paragraph>
</mainBody></statement></akomaNtoso>
"""
BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">&lol3;</akomaNtoso>
"""


def test_bad_xml_is_named_and_the_rest_builds(tmp_path: Path) -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<x>fetched</x>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    content = tmp_path / "content"
    content.mkdir()
    (content / "good.xml").write_text(AKN_OK, encoding="utf-8")
    (content / "malformed.xml").write_text(AKN_OK.replace("</mainBody>", ""), encoding="utf-8")
    (content / "html.xml").write_text("<html><body>no</body></html>", encoding="utf-8")
    (content / "act.xml").write_text(AKN_OK.replace("statement", "act"), encoding="utf-8")
    (content / "klingon.xml").write_text(AKN_OK.replace('"eng"', '"tlh"'), encoding="utf-8")
    (content / "bomb.xml").write_text(BOMB, encoding="utf-8")
    (content / "external.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY e SYSTEM "http://127.0.0.1:{port}/x">]>\n'
        + AKN_OK.replace("A title", "&e;"),
        encoding="utf-8",
    )
    (content / "empty.xml").write_text("", encoding="utf-8")
    out = tmp_path / "site"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "--content",
            str(content),
            "--out",
            str(out),
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    server.shutdown()
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    err = result.stderr
    for expected in (
        "malformed.xml:",
        "malformed XML",
        "html.xml:1: not Akoma Ntoso",
        "act.xml:2: Akoma Ntoso document of a type we do not read (<act>",
        "klingon.xml:",
        "FRBRlanguage 'tlh'",
        "bomb.xml:2: XML with a document type declaration",
        "external.xml:2: XML with a document type",
        "empty.xml: empty file",
    ):
        assert expected in err, (expected, err)
    assert "good.xml" not in err
    assert hits == [], "an external entity was fetched"
    assert not out.exists()


def test_an_akn_file_builds_into_a_page_and_its_exports(
    tmp_path: Path, corpus_xml_dir: Path
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "good.xml").write_text(AKN_OK, encoding="utf-8")
    quirky = corpus_xml_dir / "75session" / "English" / "75_245_E.xml"
    (content / quirky.name).write_bytes(quirky.read_bytes())
    out = tmp_path / "site"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "--content",
            str(content),
            "--out",
            str(out),
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "warning: 75_245_E.xml:" in result.stderr and "warning(s)" in result.stdout
    catalog = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    ids = {d["id"]: d for d in catalog["documents"]}
    assert set(ids) == {"good", "a-res-75-245-en"}
    page = (out / ids["good"]["url"]).read_text(encoding="utf-8")
    assert 'href="../data/good.akn.xml"' in page and "Decides" in page
    data = json.loads((out / ids["good"]["data"]).read_text(encoding="utf-8"))
    assert data["preamble"][0]["lead"] == "Recalling" and data["operative"][0]["id"] == "op1"
    assert (out / ids["good"]["akn"]).is_file()
