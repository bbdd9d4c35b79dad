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
        ("dével*", False),  # a prefix starting a common word: ranked from its prefix piece
        ("nation", True),
    ],
    "en": [
        ("children", False),
        ("human rights", False),
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
        ("develop*", False),
        ("stat", True),
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


Segment = tuple[str, dict, dict]  # name, its numbers (paragraphs, lengthSum, buckets), files


def node_request(
    lang: str,
    whole: dict,
    segments: list[Segment],
    queries: list,
    deleted: list[int] = (),
    texts: dict[int, str] | None = None,
) -> dict:
    """What tests/js/search_node.js takes: the whole lunr index and our segments' files
    (and paragraph texts, whose highlights it compares)."""
    return {
        "texts": texts or {},
        "lang": lang,
        "textpipe": textpipe.browser_data(lang),
        "pipeline": [textpipe.label(lang, s) for s in textpipe.STAGES],
        "whole": whole,
        "layout": {
            "bucketKey": index.BUCKET_KEY,
            "segments": [[name, numbers["buckets"]] for name, numbers, _ in segments],
        },
        "stats": {
            "paragraphs": sum(numbers["paragraphs"] for _, numbers, _ in segments),
            "lengthSum": sum(numbers["lengthSum"] for _, numbers, _ in segments),
            "deleted": list(deleted),
        },
        "files": {
            f"{name}/{file}": content
            for name, _, files in segments
            for file, content in files.items()
        },
        "queries": queries,
    }


def compare_sharded_to_whole(
    repo_root: Path,
    tmp_path: Path,
    entries: list[index.Entry],
    lang: str,
    budget: int = SMALL_SHARD,
) -> list[dict]:
    whole = index.build_lunr(entries, lang)
    numbers, files = index.split_entries(entries, lang, budget)
    assert len(files) >= 20, f"only {len(files)} files: the test would not cross boundaries"
    texts = {e.ref: e.text for e in entries}
    results = run_node(
        repo_root,
        tmp_path,
        node_request(lang, whole, [("s0", numbers, files)], QUERIES[lang], texts=texts),
    )
    for (q, _), r in zip(QUERIES[lang], results, strict=True):
        # lunr.js leaves equal scores in the order it met the paragraphs (for a prefix, term
        # by term); ours orders them by ref. Same pairs, same scores, same order otherwise.
        whole = sorted(r["whole"], key=lambda pair: (-pair[1], pair[0]))
        assert r["sharded"][:20] == whole[:20], f"{lang} {q!r}: top 20 differ"
        assert r["sharded"] == whole, f"{lang} {q!r}: full result lists differ"
        needed = len(r["shards"])
        assert needed < len(files) / 2, f"{q!r} needed {needed}/{len(files)} files"
        # loaded as the worker loads it, top pieces first: the same results, and any first
        # hits shown early are the first hits, found before a single piece was fetched
        assert r["previewed"] == whole, f"{lang} {q!r}: results differ after a preview"
        if r["preview"]:
            early = r["preview"]["hits"]
            assert early == whole[: len(early)], f"{lang} {q!r}: preview is not the top"
            fetched = [range_of(files, n.removeprefix("s0/")) for n in r["preview"]["shards"]]
            assert not [f for f in fetched if len(f) == 4], f"{q!r}: pieces before the preview"
        # the worker's way first: the terms of the words from the index's stem forms, without
        # Snowball: the same clauses, hits and highlights
        if r["forms"]:
            assert r["forms"]["clauses"] == r["clauses"], f"{lang} {q!r}: clauses differ"
            assert r["forms"]["hits"] == r["sharded"], f"{lang} {q!r}: hits differ"
            assert r["forms"]["spans"] == r["forms"]["snowballSpans"], f"{lang} {q!r}: marks"
    without = [q for (q, _), r in zip(QUERIES[lang], results, strict=True) if r["forms"]]
    assert len(without) == len(QUERIES[lang]), f"queries that need Snowball: {without}"
    empty = [q for (q, _), r in zip(QUERIES[lang], results, strict=True) if not r["whole"]]
    # most queries find something, so the equality above is not equality of empty lists
    assert len(empty) <= len(QUERIES[lang]) // 4, f"queries without results: {empty}"
    return results


def range_of(files: dict, name: str) -> list:
    """A file's range in its bucket's list ([] for a bucket file itself)."""
    bucket, _, k = name.partition("-")
    if k.startswith("p"):  # a prefix piece: no range
        return []
    return files[f"{bucket}.json"]["shards"][int(k)] if k else []


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


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("budget", [SMALL_SHARD, 1_000])
def test_segments_answer_as_one_index(
    repo_root: Path, tmp_path: Path, corpus_entries, lang: str, budget: int
) -> None:
    """An index written as three segments (a full build, then two additions, each keeping
    the term indexes it knows and scored by the worker with the whole language's numbers)
    ranks every query exactly as lunr.js on one index of all the paragraphs. With shards
    this small, a prefix may show first hits from prefix pieces bounded by their frontiers
    (the numbers stored with a piece hold for one segment only, and the frontiers' sum is
    looser: fewer hits are certain)."""
    entries = corpus_entries[lang]
    cuts = [0, len(entries) * 3 // 4, len(entries) * 7 // 8, len(entries)]
    known: dict[str, int] = {}
    next_index = 0
    segments = []
    parts = [entries[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    whole_stats = index.analyzed(entries, lang).stats()
    for n, part in enumerate(parts):
        builder = index.analyzed(part, lang, index.TermCollector(lang, known, next_index))
        terms = builder.postings()
        known.update({t: i for t, i, _ in terms})
        next_index = builder.term_index
        buckets, files = index.plan_buckets(terms, budget, whole_stats)
        stats = builder.stats()
        numbers = {"paragraphs": stats.paragraphs, "lengthSum": stats.length_sum}
        segments.append((f"s{n}", {**numbers, "buckets": buckets}, files))
    assert [numbers["buckets"] for _, numbers, _ in segments][1:] != [1, 1]  # not trivial
    whole = index.build_lunr(entries, lang)
    results = run_node(repo_root, tmp_path, node_request(lang, whole, segments, QUERIES[lang]))
    for (q, _), r in zip(QUERIES[lang], results, strict=True):
        expected = sorted(r["whole"], key=lambda pair: (-pair[1], pair[0]))
        assert r["sharded"] == expected, f"{lang} {q!r}: results differ"
        assert r["previewed"] == expected, f"{lang} {q!r}: results differ after a preview"
        early = r["preview"]["hits"] if r["preview"] else []
        assert early == expected[: len(early)], f"{lang} {q!r}: the preview is not the top"
    assert sum(bool(r["whole"]) for r in results) >= len(results) * 3 // 4
    if budget == 1_000:
        early = prefix_previews(QUERIES[lang], results)
        assert early, "no prefix preview: the frontiers' bound is not tested"


def prefix_previews(queries: list, results: list[dict]) -> dict[str, int]:
    """Query -> hits shown from prefix pieces, for the queries of one prefix alone that
    showed some."""
    return {
        q: len(r["preview"]["hits"])
        for (q, _), r in zip(queries, results, strict=True)
        if r["preview"]
        and len(r["clauses"]) == 1
        and r["clauses"][0]["prefix"]
        and any("-p" in name for name in r["preview"]["shards"])
    }


def test_scores_round_as_lunr_py_rounds(repo_root: Path) -> None:
    """search-core.js's round3 is Python's round(x, 3) (which lunr.py's scores went through):
    on exact ties (odd sixteenths), near ties and ordinary scores."""
    import random

    rng = random.Random(7)
    values = [j / 16 for j in range(1, 400, 2)]  # exact ties: Python rounds them to even
    values += [(k + 0.5) / 1000 + d for k in range(0, 5000, 37) for d in (-1e-15, 0.0, 1e-15)]
    values += [rng.uniform(0, 20) for _ in range(3000)]
    script = (
        "const c = require('./static/js/search-core.js');"
        "const v = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(v.map(c.round3)));"
    )
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps(values),
        cwd=repo_root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    wrong = [(v, g, round(v, 3)) for v, g in zip(values, got, strict=True) if g != round(v, 3)]
    assert not wrong, wrong[:5]


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


def decode(flat: list) -> list[tuple[int, int, int]]:
    return index.decode_term(["", 0, flat])[2]


def listed_shards(files: dict) -> list[list[tuple[list, dict]]]:
    """Per bucket, (range, shard file) of each shard its bucket file lists, in order."""
    out = []
    for name, content in sorted(files.items()):
        if "-" not in name:
            b = name.removesuffix(".json")
            out.append([(r, files[f"{b}-{k}.json"]) for k, r in enumerate(content["shards"])])
    return out


def test_common_words_are_cut_into_pieces(corpus_entries) -> None:
    _, files = index.split_entries(corpus_entries["fr"], "fr", SMALL_SHARD)
    buckets = listed_shards(files)
    pieces = [(r, s) for bucket in buckets for r, s in bucket if len(r) == 4]
    assert len({r[0] for r, _ in pieces}) >= 5, "expected several common words in the sample"
    postings: dict[str, list[tuple[int, int, int]]] = {}
    for r, shard in pieces:
        ((term, _, flat),) = shard["terms"]  # a piece holds one term
        assert r[0] == r[1] == term
        assert len(json.dumps(shard)) < SMALL_SHARD * 1.3
        assert flat[0] == r[2] and sum(flat[0::3]) == r[3]  # its ref bounds
        postings.setdefault(term, []).extend(decode(flat))
    # before its pieces, each common word has a top piece: as many postings as its first
    # piece or half the word if fewer, the highest scored, its paragraph count and the
    # frontier of the others, whose best score no other posting exceeds
    builder = index.analyzed(corpus_entries["fr"], "fr")
    stats = builder.stats()
    tops = [(bucket, n) for bucket in buckets for n, (r, _) in enumerate(bucket) if len(r) == 3]
    assert sorted(bucket[n][0][0] for bucket, n in tops) == sorted(postings)
    # the common words are exactly the terms larger than an average bucket (a third of the
    # budget): no query word costs more than its bucket or its top piece, at any index size
    limit = SMALL_SHARD // 3
    larger = {t[0] for t in builder.postings() if index._size(index.encode_term(*t)) > limit}
    assert set(postings) == larger
    for bucket, n in tops:
        r, shard = bucket[n]
        ((term, _, flat),) = shard["terms"]
        assert r[0] == r[1] == term and bucket[n + 1][0][:2] == r[:2]
        assert len(bucket[n + 1][0]) == 4
        assert shard["top"] == r[2] and r[2]["df"] == len(postings[term])
        top = decode(flat)
        every = postings[term]
        first_piece = len(bucket[n + 1][1]["terms"][0][2]) // 3
        assert len(top) == min(first_piece, len(every) // index.TOP_SHARE)
        assert set(top) < set(every)
        idf = stats.idf(len(every))
        lowest = min(stats.score(idf, tf, n) for _, tf, n in top)
        others = [stats.score(idf, tf, n) for ref, tf, n in every if (ref, tf, n) not in set(top)]
        bound = max(stats.score(idf, tf, n) for tf, n in r[2]["bound"])
        assert max(others) == bound <= lowest
    # apart from a common word's shards, a bucket's ranges are sorted and disjoint
    for bucket in buckets:
        ranges = [r for r, _ in bucket]
        distinct = [r[:2] for i, r in enumerate(ranges) if i == 0 or r[:2] != ranges[i - 1][:2]]
        flat_terms = [t for r in distinct for t in r]
        assert flat_terms == sorted(flat_terms)


def test_every_term_is_in_its_bucket(corpus_entries) -> None:
    """Each term is found where its hash says, inline or in a shard of its bucket, and
    nowhere else; buckets hold a third of the budget on average."""
    postings = index.analyzed(corpus_entries["en"], "en").postings()
    terms = [t for t, _, _ in postings]
    numbers, files = index.split_entries(corpus_entries["en"], "en", SMALL_SHARD)
    buckets = numbers["buckets"]
    assert buckets >= 16
    assert {f"{b}.json" for b in range(buckets)} <= set(files)
    found: dict[str, int] = {}
    for name, content in files.items():
        b = int(name.removesuffix(".json").split("-")[0])
        for term, _, _ in content["terms"]:
            assert index.term_bucket(term, buckets) == b, f"{term!r} is in bucket {b}"
            found.setdefault(term, b)
    assert sorted(found) == terms
    # the terms that may be inline (not common words) make a third of the budget per bucket
    # on average, whatever the index's size (index.bucket_count), to a bucket's rounding
    limit = index.common_bytes(SMALL_SHARD)
    sizes = [n for t in postings if (n := index._size(index.encode_term(*t))) <= limit]
    assert SMALL_SHARD / 3 - SMALL_SHARD / buckets < sum(sizes) / buckets <= SMALL_SHARD / 3


def test_bucket_hash_is_the_same_in_the_browser(repo_root: Path) -> None:
    terms = ["developp", "dév", "ab", "", "𝔄𝔅ℭd", "日本語の", "états", "x" * 40]
    script = (
        "const c = require('./static/js/search-core.js');"
        "const t = JSON.parse(process.argv[1]);"
        "const counts = [8, 1000, 1 << 20, 4294967291];"
        "console.log(JSON.stringify(counts.map(b => t.map(w => c.bucketOf(w, b, 3)))));"
    )
    done = subprocess.run(
        ["node", "-e", script, json.dumps(terms)], cwd=repo_root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    expected = [[index.term_bucket(t, b) for t in terms] for b in (8, 1000, 1 << 20, 4294967291)]
    assert json.loads(done.stdout) == expected
    assert len(set(expected[2])) == len(terms)  # at 2**20 buckets, no two of these collide


def test_built_site_search_files(built_site: Path, repo_root: Path) -> None:
    search = built_site / "search"
    manifest = json.loads((search / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((built_site / "catalog.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == len(catalog["documents"]) == 11
    fr = manifest["languages"]["fr"]
    assert fr["pipeline"] == [textpipe.label("fr", s) for s in textpipe.STAGES]
    assert fr["files"] == "fr/{id}.json" and fr["bucketKey"] == index.BUCKET_KEY
    ((segment, buckets),) = fr["segments"]
    for b in range(buckets):
        bucket = json.loads((search / "fr" / segment / f"{b}.json").read_text(encoding="utf-8"))
        for k in range(len(bucket["shards"])):
            assert (search / "fr" / segment / f"{b}-{k}.json").is_file()
    assert not (search / "fr" / segment / f"{buckets}.json").exists()
    assert fr["paragraphs"] == manifest["paragraphs"] and manifest["deleted"] == []
    # the files of a filter's values: ranges of refs that together cover every paragraph once
    kinds = manifest["filters"]["paragraph"]
    covered: list[int] = []
    for n in range(len(kinds)):
        flat = json.loads((search / "facets" / "paragraph" / f"{n}.json").read_text())["ranges"]
        at = 0
        for i in range(0, len(flat), 2):
            at += flat[i]
            covered += range(at, at + flat[i + 1])
            at += flat[i + 1]
    assert sorted(covered) == list(range(manifest["paragraphs"]))
    for facet in ("body", "year", "kind"):
        files = list((search / "facets" / facet).glob("*.json"))
        assert len(files) == len(manifest["filters"][facet])
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
        repo_root, tmp_path, corpus_entries[lang], lang, budget=1_000
    )
    early = {
        q: len(r["preview"]["hits"])
        for (q, _), r in zip(QUERIES[lang], results, strict=True)
        if r["preview"]
    }
    assert len(early) >= 5, f"too few queries ranked from top pieces: {early}"
    assert sum(n >= 20 for n in early.values()) >= 3, f"too few full first pages: {early}"


def test_narrowing_words_show_first_hits_from_top_pieces(
    repo_root: Path, tmp_path: Path, corpus_entries
) -> None:
    """A query whose rarer words narrow it, but not enough to spare most pieces of its common
    words ("human rights": "human" is in most ranges of "right"), also ranks its first hits
    from the top pieces before those pieces (compare_sharded_to_whole checks they are
    lunr.js's first hits, and that no piece came first). At this budget "human" and "right"
    are both common: "human rights defenders" ("defend" is not) is the case."""
    results = compare_sharded_to_whole(
        repo_root, tmp_path, corpus_entries["en"], "en", budget=3_000
    )
    _, files = index.split_entries(corpus_entries["en"], "en", 3_000)  # as compared above
    common = {
        r[0]
        for name, content in files.items()
        if "-" not in name
        for r in content["shards"]
        if len(r) == 3
    }
    # previews of queries with a required word that is not a common one: the narrowed way
    narrowed = {
        q: len(r["preview"]["hits"])
        for (q, _), r in zip(QUERIES["en"], results, strict=True)
        if r["preview"]
        and not any(c["prefix"] for c in r["clauses"])  # prefix pieces: another test
        and any(c["presence"] == "required" and c["term"] not in common for c in r["clauses"])
    }
    assert narrowed and max(narrowed.values()) >= 5, narrowed


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_prefixes_show_first_hits_from_prefix_pieces(
    repo_root: Path, tmp_path: Path, corpus_entries, lang: str
) -> None:
    """A word being typed ("nation", "stat") or a prefix (dével*) that starts common words
    ranks its first hits from its prefix piece, before any of those words' pieces (which
    hold most of its postings) arrive; compare_sharded_to_whole checks they are lunr.js's
    first hits. A first page each, for every such query of the list."""
    results = compare_sharded_to_whole(
        repo_root, tmp_path, corpus_entries[lang], lang, budget=1_000
    )
    early = prefix_previews(QUERIES[lang], results)
    assert len(early) >= 3, f"too few prefixes ranked from prefix pieces: {early}"
    assert min(early.values()) >= 20, f"a prefix without a first page: {early}"


def naive_prefix_pieces(
    terms: list, is_common: set[str], stats: index.Stats, candidates: int
) -> tuple[dict[str, int], list[dict]]:
    """index.prefix_pieces as its docstring says it, without its shortcuts (sums shared by
    nested prefixes, lengths kept per term frequency)."""
    out: dict[str, int] = {}
    pieces: list[dict] = []
    seen: dict[tuple[str, ...], int] = {}
    prefixes = {w[:n] for w in is_common for n in range(index.BUCKET_KEY, len(w) + 1)}
    for prefix in sorted(prefixes):
        matched = [t for t in terms if t[0].startswith(prefix)]
        key = tuple(t[0] for t in matched)
        if key not in seen:
            summed: dict[int, float] = {}
            for _, _, postings in matched:
                idf = stats.idf(len(postings))
                for ref, tf, length in postings:
                    summed[ref] = summed.get(ref, 0.0) + stats.score(idf, tf, length)
            best = sorted(sorted(summed, key=lambda r: (-summed[r], r))[:candidates])
            chosen = set(best)
            common = [t for t in matched if t[0] in is_common]
            seen[key] = len(pieces)
            pieces.append(
                {
                    "refs": [r - q for r, q in zip(best, [0, *best], strict=False)],
                    "terms": [
                        index.encode_term(t, i, [p for p in ps if p[0] in chosen])
                        for t, i, ps in common
                    ],
                    "bounds": [
                        index.frontier(p for p in ps if p[0] not in chosen) for *_, ps in common
                    ],
                    "outside": max((v for r, v in summed.items() if r not in chosen), default=0.0),
                }
            )
        out[prefix] = seen[key]
    return out, pieces


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_prefix_pieces_are_what_they_say(corpus_entries, lang: str) -> None:
    """The prefix pieces of every bucket equal a plain computation of what they are meant to
    hold: the same prefixes, candidates, postings and frontiers, and the same best sum
    outside the candidates (to rounding: the sums are added in another order)."""
    builder = index.analyzed(corpus_entries[lang], lang)
    terms, stats = builder.postings(), builder.stats()
    budget, candidates = 1_000, 20
    sizes = {t[0]: index._size(index.encode_term(*t)) for t in terms}
    buckets = index.bucket_count(sum(n for n in sizes.values() if n <= budget), budget)
    compared = 0
    for mine in index.bucket_terms(terms, buckets).values():
        common = {t[0] for t in mine if sizes[t[0]] > budget}
        got = index.prefix_pieces(mine, common, stats, candidates)
        want = naive_prefix_pieces(mine, common, stats, candidates)
        assert got[0] == want[0]
        for piece, expected in zip(got[1], want[1], strict=True):
            assert piece["outside"] == pytest.approx(expected.pop("outside"), rel=1e-12)
            assert {k: piece[k] for k in expected} == expected
            compared += 1
    assert compared >= 50, compared
