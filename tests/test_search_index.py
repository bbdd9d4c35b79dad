"""The search index: one entry per paragraph, and shards that answer exactly like the whole index.

The sharded-equals-whole check runs lunr.js (Node) with static/js/search-core.js on real
indexes: the seeds (French) and a sample of the General Assembly corpus (French and English),
split into many small shards so that every query crosses shard boundaries.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from resarchive import index, textpipe
from resarchive.accuracy import parse_text
from resarchive.load import load_documents

QUERIES = {
    "fr": [
        ("sécurité", False),
        ("securite", False),
        ("enfants", False),
        ("Etat membre", False),
        ("prie instamment", False),
        ('"prie instamment"', False),
        ("secur*", False),
        ("développement durable", False),
        ("traite -enfants", False),
        ("assemblée générale", False),
        ("terrorisme financement", False),
        ("migr", True),
        ("droits de l'homme", False),
        ("femmes filles violence", False),
        ("réaffirmant", False),
        ("76/126", False),
        ("Nations Unies", True),
        ("décide", False),
        ("nations unies", False),
        ("nations unies terrorisme", False),
        ("organisation internationale", False),
    ],
    "en": [
        ("children", False),
        ("security council", False),
        ("sustainable development", False),
        ("recalling", False),
        ("human rights defenders", False),
        ("climat*", False),
        ("disarmament -nuclear", False),
        ("requests the secretary-general", False),
        ("women girls violence", False),
        ("urges", True),
        ("decides", False),
        ("united nations", False),
        ("united nations peacekeeping", False),
    ],
}
SMALL_SHARD = 6_000  # bytes: forces dozens of shards, so queries cross shard boundaries


@pytest.fixture(scope="module")
def seed_entries(repo_root: Path) -> tuple[list, list[index.Entry]]:
    loaded = load_documents(repo_root / "content")
    assert not loaded.errors
    docs = sorted(loaded.documents, key=lambda d: (d.source, d.line))
    return docs, index.entries(docs)


@pytest.fixture(scope="module")
def corpus_entries(corpus_dir: Path) -> dict[str, list[index.Entry]]:
    """Entries of every 15th corpus file per language (a few hundred documents)."""
    out: dict[str, list[index.Entry]] = {}
    for lang, folder in (("fr", "French"), ("en", "English")):
        files = sorted(corpus_dir.glob(f"*-{folder}/*.txt"))[::15]
        docs = [d for f in files for d in parse_text(f.read_text(encoding="utf-8"), f.name)]
        out[lang] = [e for e in index.entries(docs) if e.language == lang]
    return out


def run_node(repo_root: Path, tmp_path: Path, request: dict) -> list[dict]:
    req, res = tmp_path / "request.json", tmp_path / "response.json"
    req.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    script = repo_root / "tests" / "js" / "search_node.js"
    done = subprocess.run(
        ["node", str(script), str(req), str(res)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"node failed:\n{done.stderr[-3000:]}"
    return json.loads(res.read_text(encoding="utf-8"))["results"]


def compare_sharded_to_whole(
    repo_root: Path,
    tmp_path: Path,
    entries: list[index.Entry],
    lang: str,
    budget: int = SMALL_SHARD,
) -> list[dict]:
    whole = index.build_lunr(entries, lang)
    ranges, shards = index.split_index(whole, budget)
    assert len(shards) >= 20, f"only {len(shards)} shards: the test would not cross boundaries"
    results = run_node(
        repo_root,
        tmp_path,
        {
            "lang": lang,
            "textpipe": textpipe.browser_data(lang),
            "pipeline": [textpipe.label(lang, s) for s in textpipe.STAGES],
            "whole": whole,
            "shards": shards,
            "ranges": ranges,  # as the manifest lists them
            "queries": QUERIES[lang],
        },
    )
    for (q, _), r in zip(QUERIES[lang], results, strict=True):
        # lunr.js leaves equal scores in the order it met the paragraphs (for a prefix, term
        # by term); ours orders them by ref. Same pairs, same scores, same order otherwise.
        whole = sorted(r["whole"], key=lambda pair: (-pair[1], pair[0]))
        assert r["sharded"][:20] == whole[:20], f"{lang} {q!r}: top 20 differ"
        assert r["sharded"] == whole, f"{lang} {q!r}: full result lists differ"
        needed = len(r["shards"])
        assert needed < len(shards) / 2, f"{q!r} needed {needed}/{len(shards)} shards"
        # loaded as the worker loads it, top pieces first: the same results, and any first
        # hits shown early are the first hits, found before a single piece was fetched
        assert r["previewed"] == whole, f"{lang} {q!r}: results differ after a preview"
        if r["preview"]:
            early = r["preview"]["hits"]
            assert early == whole[: len(early)], f"{lang} {q!r}: preview is not the top"
            fetched = [ranges[n] for n in r["preview"]["shards"]]
            assert not [f for f in fetched if len(f) == 4], f"{q!r}: pieces before the preview"
    empty = [q for (q, _), r in zip(QUERIES[lang], results, strict=True) if not r["whole"]]
    # most queries find something, so the equality above is not equality of empty lists
    assert len(empty) <= len(QUERIES[lang]) // 4, f"queries without results: {empty}"
    return results


def test_sharded_equals_whole_on_the_seeds(repo_root: Path, tmp_path: Path, seed_entries) -> None:
    _, entries = seed_entries
    compare_sharded_to_whole(repo_root, tmp_path, entries, "fr", budget=2_000)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sharded_equals_whole_on_the_corpus(
    repo_root: Path, tmp_path: Path, corpus_entries, lang: str
) -> None:
    entries = corpus_entries[lang]
    assert len(entries) > 3000
    compare_sharded_to_whole(repo_root, tmp_path, entries, lang)


def test_one_entry_per_paragraph(seed_entries) -> None:
    docs, entries = seed_entries
    expected = []
    for d, doc in enumerate(docs):
        for p in doc.preamble + doc.operative:
            expected.append((d, p.id))
            stack = list(p.items)
            while stack:
                item = stack.pop(0)
                expected.append((d, item.id))
                stack[:0] = item.items
        expected += [(d, f.id) for f in doc.footnotes]
        expected += [(d, p.id) for a in doc.attachments for p in a.paragraphs]
    anchors = [(e.doc, e.anchor) for e in entries]
    assert len(anchors) == len(set(anchors)), "an anchor is indexed twice"
    missing = sorted(set(expected) - set(anchors))
    assert not missing, f"not indexed: {missing[:10]}"
    assert [e.ref for e in entries] == list(range(len(entries)))
    kinds = {e.kind for e in entries}
    assert {"p", "o", "f", "a"} <= kinds, kinds


def decode(flat: list) -> list[tuple[int, float]]:
    out, ref = [], 0
    for i in range(0, len(flat), 2):
        ref += flat[i]
        out.append((ref, flat[i + 1]))
    return out


def test_common_words_are_cut_into_pieces(corpus_entries) -> None:
    whole = index.build_lunr(corpus_entries["fr"], "fr")
    ranges, shards = index.split_index(whole, SMALL_SHARD)
    pieces = [(r, s) for r, s in zip(ranges, shards, strict=True) if len(r) == 4]
    assert len({r[0] for r, _ in pieces}) >= 5, "expected several common words in the sample"
    postings: dict[str, list[tuple[int, float]]] = {}
    for r, shard in pieces:
        ((term, _, flat),) = shard["terms"]  # a piece holds one term
        assert r[0] == r[1] == term
        assert len(json.dumps(shard)) < SMALL_SHARD * 1.3
        assert flat[0] == r[2] and sum(flat[0::2]) == r[3]  # its ref bounds
        postings.setdefault(term, []).extend(decode(flat))
    # before its pieces, each common word has a top piece: as many postings as its first
    # piece, the highest scored, and the bound no other posting exceeds
    tops = [(n, r, s) for n, (r, s) in enumerate(zip(ranges, shards, strict=True)) if len(r) == 3]
    assert sorted(r[0] for _, r, _ in tops) == sorted(postings)
    for n, r, shard in tops:
        ((term, _, flat),) = shard["terms"]
        assert r[0] == r[1] == term and ranges[n + 1][:2] == r[:2] and len(ranges[n + 1]) == 4
        assert shard["top"] == r[2]
        top = decode(flat)
        assert len(top) == len(shards[n + 1]["terms"][0][2]) // 2
        every = postings[term]
        assert set(top) < set(every)
        lowest = min(score for _, score in top)
        others = [score for posting in every if posting not in set(top) for score in [posting[1]]]
        assert max(others) == r[2] <= lowest
    # apart from a common word's shards, ranges are sorted and disjoint
    distinct = [r[:2] for i, r in enumerate(ranges) if i == 0 or r[:2] != ranges[i - 1][:2]]
    flat_terms = [t for r in distinct for t in r]
    assert flat_terms == sorted(flat_terms)


def test_built_site_search_files(built_site: Path, repo_root: Path) -> None:
    search = built_site / "search"
    manifest = json.loads((search / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((built_site / "catalog.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == len(catalog["documents"]) == 11
    fr = manifest["languages"]["fr"]
    assert fr["pipeline"] == [textpipe.label("fr", s) for s in textpipe.STAGES]
    assert fr["files"] == "fr/{n}.json"
    for n, (first, last) in enumerate(fr["shards"]):
        assert first <= last and (search / "fr" / f"{n}.json").is_file()
    assert not (search / "fr" / f"{len(fr['shards'])}.json").exists()
    facets = json.loads((search / "facets.json").read_text(encoding="utf-8"))
    assert len(facets["paragraphKinds"]) == manifest["paragraphs"]
    # every store row points at an element that exists on its document's page
    rows = 0
    for chunk_file in sorted((search / "store").glob("*.json")):
        chunk = json.loads(chunk_file.read_text(encoding="utf-8"))
        for doc_no, anchor, _kind, text in chunk["rows"]:
            doc = chunk["docs"][str(doc_no)]
            page = (built_site / doc["url"]).read_text(encoding="utf-8")
            assert f'id="{anchor}"' in page, f"{doc['url']}#{anchor} does not exist"
            assert text.strip()
            rows += 1
    assert rows == manifest["paragraphs"]


def test_fast_builder_gives_lunr_py_index(corpus_entries) -> None:
    """AnalyzedBuilder (terms from textpipe.analyze, vectors sorted once) serializes exactly
    what lunr.py's own Builder with our pipeline does."""
    for lang in ("fr", "en"):
        sample = corpus_entries[lang][:3000]
        builder = textpipe.builder(lang)
        builder.ref("id")
        builder.field(index.FIELD)
        for e in sample:
            builder.add({"id": str(e.ref), index.FIELD: e.text})
        expected = builder.build().serialize()
        assert index.build_lunr(sample, lang) == expected


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_common_words_show_first_hits_from_top_pieces(
    repo_root: Path, tmp_path: Path, corpus_entries, lang: str
) -> None:
    """With shards this small most query words are common ones: a query made of them alone
    ranks its first hits from the words' top pieces, and those are the first hits of the
    whole index (compare_sharded_to_whole checks that, and that no piece came first)."""
    results = compare_sharded_to_whole(
        repo_root, tmp_path, corpus_entries[lang], lang, budget=1_500
    )
    early = {
        q: len(r["preview"]["hits"])
        for (q, _), r in zip(QUERIES[lang], results, strict=True)
        if r["preview"]
    }
    assert len(early) >= 5, f"too few queries ranked from top pieces: {early}"
    assert sum(n >= 20 for n in early.values()) >= 3, f"too few full first pages: {early}"
