"""Agreed language (agreed.py, compare.py): where each paragraph's wording was agreed before,
judged on GA sessions 77 and 78 in English and French against ground truths computed here
from the texts themselves; and what the pages and data of a small built site say.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import re
import shutil
import subprocess
import sys
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from test_rebuild import differences

from resarchive import agreed, anchors, compare, export, relations, render
from resarchive.build import SITE, page_env
from resarchive.load import load_documents
from resarchive.models import Document, Item, Paragraph
from resarchive.summaries import materialize
from resarchive.wording import normalize, shingles, wordings

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("77-English", "78-English", "77-French", "78-French")


@pytest.fixture(scope="module")
def sessions(
    corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[Document], dict[str, relations.Relations]]:
    """Sessions 77 and 78, English and French (1,344 texts), parsed and related as a build
    does (ids from the file names: the UN misprints a few symbols)."""
    content = tmp_path_factory.mktemp("s7778") / "content"
    for folder in FOLDERS:
        (content / folder).mkdir(parents=True)
        for text in sorted((corpus_dir / folder).glob("*.txt")):
            (content / folder / text.name).symlink_to(text)
            (content / folder / f"{text.stem}.yaml").write_text(
                f"id: {anchors.slug(text.stem)}\n", encoding="utf-8"
            )
    loaded = load_documents(content, content.parent / "cache")
    assert not loaded.errors, loaded.errors[:3]
    docs = [materialize(d) for d in loaded.documents]
    return docs, relations.relate(docs)


def _session(doc: Document) -> str:
    return Path(doc.source).parent.name[:2]


def _units(doc: Document) -> list[Paragraph | Item]:
    out: list[Paragraph | Item] = []

    def add(paras: list[Paragraph] | list[Item]) -> None:
        for p in paras:
            out.append(p)
            add(p.items)

    add(doc.preamble)
    add(doc.operative)
    return out


@pytest.mark.parametrize("language", ["en", "fr"])
def test_session_78_paragraphs_printed_in_77_list_it(sessions, language: str) -> None:
    docs, rels = sessions
    # ground truth: the same text, character for character (spaces collapsed)
    in_77: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        if doc.language == language and _session(doc) == "77":
            for p in _units(doc):
                if p.text.strip():
                    in_77[" ".join(p.text.split())].add(doc.id)
    found = one = every = 0
    for doc in docs:
        if doc.language != language or _session(doc) != "78":
            continue
        for p in _units(doc):
            holders = in_77.get(" ".join(p.text.split()))
            if not holders:
                continue
            found += 1
            known = rels[doc.id].agreed.get(p.id)
            listed = {r.document for r in known.entries} if known else set()
            one += bool(listed & holders)
            every += holders <= listed
    print(
        f"\n{language}: {found} session-78 paragraphs printed word for word in session 77; "
        f"{one} list a session-77 document that prints it ({one / found:.2%}), {every} list "
        f"all of them ({every / found:.2%})"
    )
    assert found > 3000
    assert one / found >= 0.99


def _title(doc: Document) -> str:
    return " ".join(re.sub(r"\d+", " ", doc.title.casefold()).split())


def test_recurring_resolutions_name_their_previous_version(sessions) -> None:
    docs, rels = sessions
    by_id = {d.id: d for d in docs}
    # ground truth: a session-78 resolution is recurring when a session-77 resolution of the
    # same body and language has its title (digits aside), or holds at least half of its
    # paragraphs word for word
    recurring = named = 0
    missed = []
    texts = {d.id: {" ".join(p.text.split()) for p in _units(d) if p.text.strip()} for d in docs}
    for doc in docs:
        if _session(doc) != "78" or doc.kind != "resolution":
            continue
        mine = texts[doc.id]
        earlier = [
            d for d in docs if _session(d) == "77" and d.kind == "resolution"
            and d.language == doc.language and d.body == doc.body
        ]  # fmt: skip
        same_title = any(_title(d) == _title(doc) for d in earlier)
        overlap = any(len(mine & texts[d.id]) >= len(mine) / 2 for d in earlier)
        if not (same_title or overlap):
            continue
        recurring += 1
        previous = rels[doc.id].previous
        if previous and by_id[previous.document].date < doc.date:
            named += 1
        else:
            missed.append(doc.id)
    print(
        f"\n{recurring} recurring session-78 resolutions, {named} name their previous version "
        f"({named / recurring:.2%}); not: {missed[:10]}"
    )
    assert recurring > 300
    assert named / recurring >= 0.95


# Resolution 78/296 holds as many paragraphs of 75/253 C as of the report printing it
# (75/253): which one is its previous version was decided by the order of a set of strings,
# which changes with each Python process (PYTHONHASHSEED), so two builds of the same content
# could differ.
TIED = {
    "75-French": ["75_253_F", "A_RES_75_253 C-2108992F", "75_245B_F"],
    "78-French": ["A_RES_78_296-2412112F"],
}
LINEAGE_SCRIPT = """
import json, sys
from pathlib import Path
from resarchive import load, relations
loaded = load.load_documents(Path(sys.argv[1]), cache=None, jobs=1)
docs = sorted(loaded.documents, key=lambda d: (d.source, d.line))
out = {i: [r.previous and r.previous.document, r.next and r.next.document]
       for i, r in sorted(relations.relate(docs).items())}
print(json.dumps(out))
"""


def test_previous_versions_do_not_change_from_one_run_to_the_next(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """The same content relates the same way in every process, whatever its hash seed, even
    where two earlier documents tie for a resolution's previous version (the newest wins)."""
    content = tmp_path / "content"
    for folder, stems in TIED.items():
        (content / folder).mkdir(parents=True)
        for stem in stems:  # ids as the benchmark's content gives them (bench/corpus.py)
            shutil.copy(corpus_dir / folder / f"{stem}.txt", content / folder / f"{stem}.txt")
            (content / folder / f"{stem}.yaml").write_text(
                f"id: {folder[:2]}-{anchors.slug(folder[3:] + ' ' + stem)}\n", encoding="utf-8"
            )
    runs = {
        subprocess.run(
            [sys.executable, "-c", LINEAGE_SCRIPT, str(content)],
            env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in range(6)
    }  # fmt: skip
    assert len(runs) == 1, runs
    lines = json.loads(runs.pop())
    assert lines["78-french-a-res-78-296-2412112f"][0] == "75-french-a-res-75-253-c-2108992f"


def test_near_matches_equal_an_exhaustive_comparison(sessions) -> None:
    """On 6,000 distinct wordings of English paragraphs: the prefix-filtered join finds the
    very pairs an exhaustive comparison of all of them finds (recall 1.0, by construction;
    precision 1.0: every similarity is computed exactly)."""
    docs, _ = sessions
    seen: dict[int, Any] = {}
    for doc in docs:
        if doc.language == "en":
            for w in doc.wordings:
                seen.setdefault(w.key, w)
    sample = list(seen.values())[:6000]
    sets = [shingles(w) for w in sample]
    fast = agreed.NearIndex(dict(enumerate(sets)), agreed.THRESHOLD, agreed.MIN_PAIRS)
    found = {(a, b) for a, others in fast.near.items() for b in others if a < b}
    frozen = [frozenset(s) for s in sets]
    exhaustive = set()
    # every pair, but for those whose sizes alone rule it out (|B| < 0.8 |A| gives a
    # similarity below 0.8): an exact bound, no heuristic
    by_size = sorted((n for n in range(len(sets)) if len(sets[n]) >= agreed.MIN_PAIRS),
                     key=lambda n: len(sets[n]))  # fmt: skip
    for k, a in enumerate(by_size):
        for b in by_size[k + 1 :]:
            if len(sets[b]) * agreed.THRESHOLD > len(sets[a]):
                break
            inter = len(frozen[a] & frozen[b])
            if inter / (len(sets[a]) + len(sets[b]) - inter) >= agreed.THRESHOLD:
                exhaustive.add((min(a, b), max(a, b)))
    print(f"\n{len(sample)} wordings: {len(exhaustive)} pairs at >= 0.8, {len(found)} found")
    assert len(sample) == 6000 and len(exhaustive) > 500
    assert found == exhaustive


def test_a_kept_index_updated_equals_one_made_anew(sessions) -> None:
    """What a rebuild does: the previous build's near wordings, with wordings removed and
    added (their word pairs ranked by the old order, new pairs before all), give the same
    pairs as an index made from scratch on the new wordings."""
    docs, _ = sessions
    seen: dict[int, Any] = {}
    for doc in docs:
        if doc.language == "fr":
            for w in doc.wordings:
                seen.setdefault(w.key, shingles(w))
    keys = list(seen)[:4000]
    before = {k: seen[k] for k in keys[:3000]}
    after = {k: seen[k] for k in keys[200:]}  # 200 gone, 1,000 new
    # kept as a build keeps it: saved, then loaded by the next build (arrays, not dicts)
    kept = pickle.loads(pickle.dumps(agreed.NearIndex(before, agreed.THRESHOLD, agreed.MIN_PAIRS)))
    kept.update(after)
    anew = agreed.NearIndex(after, agreed.THRESHOLD, agreed.MIN_PAIRS)
    pairs = {k: v for k, v in anew.near.items() if v}
    assert {k: v for k, v in kept.near.items() if v} == pairs and len(pairs) > 150
    assert set(kept.sizes) == set(after)
    # saved and loaded again, then a third of the wordings gone: the postings are compacted
    last = {k: seen[k] for k in keys[1400:]}
    kept = pickle.loads(pickle.dumps(kept))
    kept.update(last)
    assert kept.removed_since == 0  # compacted
    anew = agreed.NearIndex(last, agreed.THRESHOLD, agreed.MIN_PAIRS)
    assert {k: v for k, v in kept.near.items() if v} == {k: v for k, v in anew.near.items() if v}


def test_near_wordings_made_in_forked_processes_equal_those_made_here(sessions) -> None:
    """A build from scratch makes each language's near-wording index in a process of its
    own (relate_wordings with jobs): the same pairs, signatures and lists as made here."""
    docs, _ = sessions
    state_here: dict[str, agreed.NearIndex] = {}
    state_forked: dict[str, agreed.NearIndex] = {}
    here = agreed.relate_wordings(docs, state_here, jobs=1)
    forked = agreed.relate_wordings(docs, state_forked, jobs=2)
    assert sorted(state_forked) == ["en", "fr"]
    for code, index in state_here.items():
        near = {k: v for k, v in index.near.items() if v}
        assert {k: v for k, v in state_forked[code].near.items() if v} == near
        assert len(near) > 1000
    sample = [d.id for d in docs[::40]]
    assert [forked.signature(i) for i in sample] == [here.signature(i) for i in sample]
    assert [forked.lists(i) for i in sample] == [here.lists(i) for i in sample]


def test_a_rebuild_counts_overlaps_again_only_for_documents_whose_signature_changed(
    sessions,
) -> None:
    """agreed.lineage with the overlaps a previous run kept: the versions found are those
    counted from scratch, after a document is withdrawn too; a document whose signature did
    not change is not counted again (a doctored entry under its signature is believed)."""
    docs, _ = sessions
    known: agreed.Overlaps = {}
    first = agreed.lineage(docs, agreed.relate_wordings(docs), known)
    by_overlap = [
        d.id for d in docs
        if first[d.id].previous and agreed.series_key(d) != agreed.series_key(
            next(o for o in docs if o.id == first[d.id].previous))
    ]  # fmt: skip
    assert len(by_overlap) > 10 and all(d in known for d in by_overlap)

    withdrawn = first[by_overlap[0]].previous
    rest = [d for d in docs if d.id != withdrawn]
    wordings = agreed.relate_wordings(rest)
    again = agreed.lineage(rest, wordings, known)
    assert again == agreed.lineage(rest, wordings)
    assert withdrawn not in known and again[by_overlap[0]].previous != withdrawn

    doctored = by_overlap[1]
    if doctored == withdrawn or first[by_overlap[1]].previous == withdrawn:
        doctored = by_overlap[2]
    known[doctored] = (known[doctored][0], [])  # its signature, no overlap
    assert agreed.lineage(rest, wordings, known)[doctored].previous is None


def test_data_files_filled_from_skeletons_equal_the_record_dumped_whole(sessions) -> None:
    """A data file is its skeleton filled with the agreed lists and the relations to others
    (export.RecordSkeleton): the same text, byte for byte, as the whole record dumped, on 200
    documents of sessions 77 and 78. The skeleton is made without the relations it is filled
    with (translations, citing documents, series), as a rebuild keeps it when those change."""
    docs, rels = sessions
    sample = docs[::6][:200]
    assert sum(bool(rels[d.id].agreed) for d in sample) > 150
    framed = 0
    for doc in sample:
        rel = rels[doc.id]
        whole = export.dumps(export.document_record(doc, rel))
        assert export.record_skeleton(doc, rel).fill(rel) == whole, doc.id
        bare = export.record_skeleton(doc, frameless(rel))
        assert bare.fill(rel) == whole, doc.id
        framed += bare.fill(frameless(rel)) != whole
    assert framed > 150  # the relations show in most files: filled, not kept


def test_pages_filled_from_skeletons_equal_the_page_rendered_whole(sessions) -> None:
    """A page is its skeleton filled with the agreed boxes and the frame: versions in other
    languages, side-by-side links, previous and next version, citing documents
    (render.PageSkeleton, document_frame.html). The skeleton is made without them, as a
    rebuild keeps it when they change; filled, it equals the page rendered whole."""
    docs, rels = sessions
    env = page_env()
    rich = [d for d in docs if rels[d.id].cited_by and rels[d.id].previous][::2][:20]
    sample = docs[::25][:40] + rich
    assert len(rich) == 20 and all(rels[d.id].translations for d in sample)
    for doc in sample:
        rel = rels[doc.id]
        whole = render.render_document(env, doc, SITE, rel)
        skeleton = render.document_skeleton(env, doc, SITE, frameless(rel))
        assert skeleton.fill(rel, env, SITE) == whole, doc.id
        assert skeleton.fill(frameless(rel), env, SITE) != whole, doc.id
    page = render.render_document(env, rich[0], SITE, rels[rich[0].id])
    assert 'class="cited-by-list"' in page and 'rel="prev"' in page and "hreflang" in page


def frameless(rel: relations.Relations) -> relations.Relations:
    """``rel`` without the lists a skeleton's slots hold."""
    bare = dataclasses.replace(rel, translations=[], cited_by=[], previous=None, next=None)
    assert bare.links_digest == rel.links_digest
    return bare


def test_wording_ignores_case_accents_punctuation_and_markers() -> None:
    a = wordings_of("Réaffirme, en outre, sa résolution 77/1 ;")
    b = wordings_of("REAFFIRME en outre sa resolution 77/1")
    assert a.key == b.key and a.shingles == b.shingles
    assert normalize("l’Assemblée générale") == ["l", "assemblee", "generale"]
    assert wordings_of("Réaffirme en outre sa résolution 77/2").key != a.key


def wordings_of(text: str):  # one paragraph's Wording
    doc = Document(id="x", source="x", language="fr", kind="resolution", title="",
                   operative=[Paragraph(id="op1", number="1", rich=text, line=1)])  # fmt: skip
    (w,) = wordings(doc)
    return w


def test_a_comparison_marks_words_and_paragraphs(sessions) -> None:
    docs, rels = sessions
    by_source = {Path(d.source).stem: d for d in docs}
    new, old = by_source["A_RES_78_93-2324967E"], by_source["A_RES_77_141-2228516E"]
    assert rels[new.id].previous is not None and rels[new.id].previous.document == old.id
    assert rels[old.id].next is not None and rels[old.id].next.document == new.id
    rows = compare.compare(old, new)
    first = rows[0]
    assert first.status == "changed" and first.anchor == "pp1"
    assert [(c.op, c.text) for c in first.changes if c.op != "="] == [
        ("-", "2022,"),
        ("+", "2023,"),
    ]
    assert sum(r.status == "unchanged" for r in rows) > 30
    # every word of both versions is on the comparison, once
    shown_new = " ".join(c.text for r in rows for c in r.changes if c.op in "=+")
    shown_old = " ".join(c.text for r in rows for c in r.changes if c.op in "=-")
    assert (
        shown_new.split() == " ".join(compare._full_text(p) for _, p in compare._units(new)).split()
    )
    assert sorted(shown_old.split()) == sorted(
        " ".join(compare._full_text(p) for _, p in compare._units(old)).split()
    )


# --------------------------------------------------------------------------- built site

SITE_FILES = (
    ("77-English", "A_RES_77_141-2228516E"),
    ("78-English", "A_RES_78_93-2324967E"),
    ("78-English", "A_RES_78_87-2324949E"),
    ("78-English", "A_RES_78_88-2324955E"),
    ("77-French", "A_RES_77_141-2228516F"),
    ("78-French", "A_RES_78_93-2324967F"),
)


@pytest.fixture(scope="module")
def agreed_content(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("agreed") / "content"
    for folder, stem in SITE_FILES:
        (content / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus_dir / folder / f"{stem}.txt", content / folder / f"{stem}.txt")
    return content


def build(content: Path, out: Path, *args: str) -> dict[str, Any]:
    stats = out.parent / f"{out.name}-stats.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(content), "--out", str(out),
         "--quiet", "--stats", str(stats), *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return dict(json.loads(stats.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def agreed_site(agreed_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("agreed-built") / "site"
    build(agreed_content, out, "--no-cache")
    return out


def test_data_previous_next_and_related(agreed_site: Path) -> None:
    record = json.loads((agreed_site / "data/a-res-78-93-en.json").read_text("utf-8"))
    assert record["format"] == 3
    assert (record["previous"], record["next"]) == ("a-res-77-141-en", None)
    old = json.loads((agreed_site / "data/a-res-77-141-en.json").read_text("utf-8"))
    assert (old["previous"], old["next"]) == (None, "a-res-78-93-en")
    pp3 = next(p for p in record["preamble"] if p["id"] == "pp3")
    identical = [r for r in pp3["related"] if r["similarity"] == 1.0]
    near = [r for r in pp3["related"] if r["similarity"] < 1.0]
    assert identical == [{"document": "a-res-77-141-en", "symbol": "A/RES/77/141",
                          "date": "2022-12-12", "anchor": "pp3", "similarity": 1.0}]  # fmt: skip
    assert {r["document"] for r in near} == {"a-res-78-87-en", "a-res-78-88-en"}
    assert all(0.8 <= r["similarity"] < 1 for r in near)
    assert pp3["first_agreed"]["document"] == "a-res-77-141-en"
    assert pp3["related_total"] == {"identical": 1, "near": 2}
    # never across languages
    assert all(not r["document"].endswith("-fr") for p in record["preamble"] for r in p["related"])


def test_pages_show_agreed_language_and_link_the_comparison(agreed_site: Path) -> None:
    page = (agreed_site / "doc/a-res-78-93-en.html").read_text("utf-8")
    li = page[page.index('id="pp3"') : page.index('id="pp4"')]
    summary = "identical in A/RES/77/141 · nearly the same in 2 text(s) · first agreed in 2022"
    assert f'<details class="agreed"><summary>{summary}</summary>' in li
    assert '<a href="a-res-77-141-en.html#pp3">A/RES/77/141</a>' in li
    assert '<a rel="prev" href="a-res-77-141-en.html">' in page
    assert 'href="a-res-78-93-en.compare.html"' in page
    old = (agreed_site / "doc/a-res-77-141-en.html").read_text("utf-8")
    li = old[old.index('id="pp3"') : old.index('id="pp4"')]
    assert "first known occurrence" in li and 'class="agreed first-agreed"' in li
    view = (agreed_site / "doc/a-res-78-93-en.compare.html").read_text("utf-8")
    assert "<del>2022,</del> <ins>2023,</ins>" in view


def test_a_rebuild_after_an_edit_equals_a_build_from_scratch(
    agreed_content: Path, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(agreed_content, content)
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, "--cache", str(cache))
    (kept,) = cache.glob("site-*/agreed.pickle")  # the near wordings, kept for the next build

    def written() -> tuple[int, int]:
        stat = kept.stat()
        return stat.st_ino, stat.st_mtime_ns

    first = written()
    build(content, site, "--cache", str(cache))
    assert written() == first  # no wording changed: the state is not written again
    edited = content / "78-English" / "A_RES_78_87-2324949E.txt"
    text = edited.read_text("utf-8")
    assert "Recognizing that all available options" in text
    edited.write_text(
        text.replace("Recognizing that all available options", "Recognizing that all options", 1),
        "utf-8",
    )
    stats = build(content, site, "--cache", str(cache))
    assert stats["parsed"] == 1 and 0 < stats["reused"] < stats["documents"]
    assert written() != first  # a changed wording: saved for the next build
    build(content, tmp_path / "scratch", "--no-cache")
    assert differences(site, tmp_path / "scratch") == []


def test_near_wordings_made_anew_from_cached_documents_equal_a_build_from_scratch(
    agreed_content: Path, tmp_path: Path
) -> None:
    """The summaries a rebuild reads hold no word pairs; a near-wording index made anew
    (its state lost) takes them from the cached documents, and links what a build from
    scratch links."""
    content = tmp_path / "content"
    shutil.copytree(agreed_content, content)
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, "--cache", str(cache))
    (kept,) = cache.glob("site-*/agreed.pickle")
    kept.unlink()
    (content / "78-English" / "A_RES_78_88-2324955E.txt").unlink()  # lists change: rendered
    stats = build(content, site, "--cache", str(cache))
    assert stats["parsed"] == 0 and kept.exists()
    build(content, tmp_path / "scratch", "--no-cache")
    assert differences(site, tmp_path / "scratch") == []
    record = json.loads((site / "data/a-res-78-93-en.json").read_text("utf-8"))
    pp3 = next(p for p in record["preamble"] if p["id"] == "pp3")
    assert pp3["related_total"] == {"identical": 1, "near": 1}  # 78/87, no longer 78/88


def test_pages_and_data_made_again_from_kept_skeletons_equal_a_build_from_scratch(
    agreed_content: Path, tmp_path: Path
) -> None:
    """Adding or removing a document changes the agreed lists of the documents sharing its
    wordings, and nothing else of them: their pages and data files are their kept skeletons
    filled (render.PageSkeleton, export.RecordSkeleton), and equal a build from scratch. A
    skeleton doctored in the cache shows after the next addition, which proves it is taken,
    not made again; the Akoma Ntoso file, which shows no other document, is not written."""
    content = tmp_path / "content"
    shutil.copytree(agreed_content, content)
    added = content / "78-English" / "A_RES_78_87-2324949E.txt"
    text = added.read_text("utf-8")
    added.unlink()
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, "--cache", str(cache))
    akn = site / anchors.akn_url("a-res-78-93-en")
    akn_before = akn.stat().st_ino
    pp3_before = json.loads((site / "data/a-res-78-93-en.json").read_text("utf-8"))["preamble"][2]

    added.write_text(text, "utf-8")
    # the French documents share no wording with the one added: their pages are kept
    assert build(content, site, "--cache", str(cache))["reused"] >= 2
    build(content, tmp_path / "scratch", "--no-cache")
    assert differences(site, tmp_path / "scratch") == []
    pp3 = json.loads((site / "data/a-res-78-93-en.json").read_text("utf-8"))["preamble"][2]
    assert pp3["related_total"]["near"] == pp3_before["related_total"]["near"] + 1
    assert akn.stat().st_ino == akn_before  # carried over, not written again

    added.unlink()
    assert build(content, site, "--cache", str(cache))["reused"] >= 2  # the record was kept
    (page_file,) = cache.glob("site-*/page-skeletons/a-res-78-93-en.z")
    (record_file,) = cache.glob("site-*/record-skeletons/a-res-78-93-en.z")
    for kept, old, new in (
        (page_file, "</title>", " (doctored)</title>"),
        (record_file, "{", '{\n  "doctored": true,'),
    ):
        key, skeleton = pickle.loads(zlib.decompress(kept.read_bytes()))
        first = skeleton.pieces[0].replace(old, new, 1)
        doctored = dataclasses.replace(skeleton, pieces=(first, *skeleton.pieces[1:]))
        kept.write_bytes(zlib.compress(pickle.dumps((key, doctored))))
    added.write_text(text, "utf-8")
    assert build(content, site, "--cache", str(cache))["reused"] >= 2
    assert "(doctored)</title>" in (site / "doc/a-res-78-93-en.html").read_text("utf-8")
    record = json.loads((site / "data/a-res-78-93-en.json").read_text("utf-8"))
    assert record["doctored"] is True and record["preamble"][2] == pp3


# --------------------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_open_agreed_language_follow_an_entry_and_compare(
    agreed_site: Path, nginx_server, page
) -> None:
    base = nginx_server(agreed_site, "/archive/2024/")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}doc/a-res-78-93-en.html#pp3")
    page.click("#pp3 > details.agreed > summary")
    page.wait_for_selector('#pp3 > details.agreed[data-state="done"]')
    entries = page.locator("#pp3 .agreed-list li")
    texts = entries.all_inner_texts()
    assert texts[0].startswith("A/RES/77/141 pp3 2022-12-12 · identical")  # first agreed
    assert any("A/RES/78/87" in t and "% the same" in t for t in texts)
    # a near one: its changes against this paragraph, words inserted and deleted
    near = page.locator("#pp3 .agreed-list li", has_text="A/RES/78/87")
    near.locator("button.agreed-changes").click()
    near.locator(".agreed-diff").wait_for()
    assert near.locator(".agreed-diff ins").all_inner_texts() == ["Montserrat"]
    assert near.locator(".agreed-diff del").all_inner_texts() == ["Anguilla"]
    # follow the first agreed: the other document, its paragraph highlighted
    entries.first.locator("a").click()
    page.wait_for_url(f"{base}doc/a-res-77-141-en.html#pp3")
    assert page.eval_on_selector_all(".is-target", "els => els.map(e => e.id)") == ["pp3"]
    # the comparison of the newer version with it
    page.goto(f"{base}doc/a-res-78-93-en.html")
    page.click("a.compare-link")
    page.wait_for_url(f"{base}doc/a-res-78-93-en.compare.html")
    assert page.locator("#pp1 del").inner_text() == "2022,"
    assert page.locator("#pp1 ins").inner_text() == "2023,"
    assert page.locator(".comparison-row.unchanged").count() > 30
    assert errors == []


def test_search_shows_one_hit_per_wording_and_expands(
    agreed_site: Path, nginx_server, page
) -> None:
    base = nginx_server(agreed_site, "/archive/2024/")
    page.goto(f"{base}search.html?q=Montserrat&language=en")
    page.wait_for_selector('#search-status[data-state="done"]')
    groups = page.locator("#search-results > .result-group")
    assert groups.count() >= 5  # A/RES/78/93 repeats most paragraphs of A/RES/77/141
    group = groups.first
    toggle = group.locator("button.result-others-toggle")
    assert toggle.inner_text() == "et 1 autre document de même libellé, 2022–2023"
    assert toggle.get_attribute("aria-expanded") == "false"
    # the newest shows; the other is behind the button, same paragraph, same text
    head = group.locator(":scope > a.result-link")
    assert "A/RES/78/93" in head.inner_text()
    others = group.locator(".result-others")
    assert others.is_hidden()
    toggle.click()
    assert others.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    other = others.locator("a.result-link")
    assert other.count() == 1 and "A/RES/77/141" in other.inner_text()
    assert (
        other.locator(".result-snippet").inner_text()
        == head.locator(".result-snippet").inner_text()
    )
    # every paragraph is still there, once, all pages loaded
    total = int(page.locator("#search-status").inner_text().split()[0])
    more = page.locator("button.search-more")
    while more.is_visible():
        more.click()
        page.wait_for_selector('#search-status[data-state="done"]')
    assert page.locator("#search-results a.result-link").count() == total > 20
