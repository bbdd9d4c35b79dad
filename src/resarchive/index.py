"""Stage 7, index: documents -> the client-side search index, split to load on demand.

Stage: index. May import: models, anchors, textpipe.

One search entry per paragraph: preambular and operative paragraphs, each sub-paragraph,
footnotes, attachment paragraphs, report text and unclassified blocks. Each entry gets an
integer ref, in document order, so that everything else about it is found by position.

Written into ``site/search/``:

``manifest.json``  read first by the search worker (small): per language the lunr pipeline
                   labels and textpipe data, and the term ranges of its shards; the filter
                   values; where the store and facets are.
``<lang>/<n>.json`` term shards. A shard holds, for a sorted run of terms, each term's
                   global lunr term index and its postings as ``[ref, score, ref, score...]``
                   (refs delta-encoded). That is all of the lunr index for those terms: the
                   inverted index entry (term -> refs) and the field-vector entries
                   (ref -> (term index, score)). The worker scores the shards a query needs
                   as lunr.js scores a whole index (search-core.js, ShardSet.search): the
                   query vector's magnitude and the dot product over the query's own terms
                   only, so the right shards score exactly as the whole index does
                   (tests/test_search_index.py proves it on a fixed list of queries).
``store/<n>.json`` what a result row shows, ``STORE_CHUNK`` refs per file:
                   ``{"docs": {doc#: {...}}, "rows": [[doc#, anchor, kind, text], ...]}``.
``facets.json``    what filters need beyond the language: per document its body, year and
                   kind and its first ref; per ref a one-letter paragraph kind. Loaded only
                   when such a filter is set.

Common words: a term whose postings alone exceed the shard budget gets shards of its own,
so it never weighs on queries that do not use it: pieces by ref range, and a top piece of its
highest scores, from which a query of common words alone ranks its first results before the
pieces arrive (see ``plan_shards`` and ``common_word_shards``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lunr import __TARGET_JS_VERSION__
from lunr.builder import Builder
from lunr.idf import idf as Idf
from lunr.vector import Vector

from . import anchors, textpipe
from .models import Document, Item, Paragraph

FORMAT = 2  # 2: shard files named by position, not listed in the manifest
STORE_CHUNK = 64
SHARD_BYTES = 48_000  # raw JSON budget of one term shard (about 12-16 kB gzipped)
FIELD = "text"
PARALLEL_FROM = 20_000  # entries; below that a process pool costs more than it saves
#: What to keep of a language's full build for later updates: called with the builder, its
#: term postings, shard ranges and shard texts (index_state.language_state).
KeepState = Callable[[Any, list[Any], list[list[Any]], list[str]], Any]

#: One-letter paragraph kinds (facets.json, store rows) and what the filter calls them.
PARAGRAPH_KINDS = {
    "p": "preamble",
    "o": "operative",
    "f": "footnote",
    "a": "attachment",
    "r": "other",  # report text, closing lines, unclassified blocks
}


@dataclass(frozen=True)
class Entry:
    """One searchable paragraph."""

    ref: int
    doc: int  # position of its document in the build's document list
    anchor: str  # element id on the document page: op7, op7-a, fn1, att1-p2
    kind: str  # one letter of PARAGRAPH_KINDS
    language: str
    text: str


# ----------------------------------------------------------------------- entries


def _with_items(p: Paragraph | Item, kind: str) -> Iterator[tuple[str, str, Any]]:
    yield p.id, kind, p
    for item in p.items:
        yield from _with_items(item, kind)


def paragraph_nodes(doc: Document) -> Iterator[tuple[str, str, Any]]:
    """(anchor, kind, node) of every searchable paragraph of ``doc``, in reading order; a
    node has ``rich`` and ``text`` (computing ``text`` costs, so index_update hashes ``rich``)."""
    for loose in doc.context + doc.report:
        yield loose.id, "r", loose
    for p in doc.preamble:
        yield from _with_items(p, "p")
    for p in doc.operative:
        yield from _with_items(p, "o")
    for att in doc.attachments:
        for p in att.paragraphs:
            yield from _with_items(p, "a")
    for fn in doc.footnotes:
        yield fn.id, "f", fn
    for loose in doc.closing + doc.unclassified:
        yield loose.id, "r", loose


def document_paragraphs(doc: Document) -> Iterator[tuple[str, str, str]]:
    """(anchor, kind, text) of every searchable paragraph of ``doc``, in reading order."""
    for anchor, kind, node in paragraph_nodes(doc):
        yield anchor, kind, node.text


def document_entries(doc: Document, d: int, first_ref: int) -> list[Entry]:
    """The entries of ``doc`` (position ``d`` in the build), numbered from ``first_ref``."""
    out: list[Entry] = []
    for anchor, kind, text in document_paragraphs(doc):
        if text.strip():
            out.append(Entry(first_ref + len(out), d, anchor, kind, doc.language, text))
    return out


def entries(docs: list[Document]) -> list[Entry]:
    out: list[Entry] = []
    for d, doc in enumerate(docs):
        out += document_entries(doc, d, len(out))
    return out


def index_language(lang: str) -> str:
    """The search pipeline a document's language uses (English for languages we lack)."""
    return lang if lang in textpipe.languages() else "en"


# -------------------------------------------------------------------- lunr index


class AnalyzedBuilder(Builder):  # type: ignore[misc]  # lunr.py has no type information
    """lunr.py's Builder, fed with terms from ``textpipe.analyze`` instead of running its
    pipeline token by token.

    Same terms (tests/test_textpipe.py proves analyze == tokenizer + pipeline), same
    bookkeeping as ``Builder.add`` for one field without metadata, so lunr.py still computes
    the BM25 field vectors and serializes; about 8x faster, since analyze caches per word.
    """

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang
        template = textpipe.builder(lang)  # our labelled pipeline, for serialize()
        self.pipeline = template.pipeline
        self.search_pipeline = template.search_pipeline
        self.ref("id")
        self.field(FIELD)

    def add_text(self, ref: str, text: str) -> None:
        self._documents[ref] = {}
        self.document_count += 1
        terms = textpipe.analyze(text, self.lang)
        field_ref = f"{FIELD}/{ref}"
        frequencies: dict[str, int] = {}
        for term in terms:
            frequencies[term] = frequencies.get(term, 0) + 1
        self.field_term_frequencies[field_ref] = frequencies
        self.field_lengths[field_ref] = len(terms)
        for term in frequencies:
            posting = self.inverted_index.get(term)
            if posting is None:
                posting = self.inverted_index[term] = {FIELD: {}, "_index": self.term_index}
                self.term_index += 1
            posting[FIELD][ref] = {}

    def _create_field_vectors(self) -> None:
        """``Builder._create_field_vectors`` with the same arithmetic (BM25, rounded to 3
        places), but each vector's elements sorted once instead of inserted one by one."""
        k1, b = self._k1, self._b
        average = self.average_field_length[FIELD]
        idf_cache: dict[str, float] = {}
        vectors = {}
        for field_ref, frequencies in self.field_term_frequencies.items():
            length = self.field_lengths[field_ref]
            pairs = []
            for term, tf in frequencies.items():
                posting = self.inverted_index[term]
                idf = idf_cache.get(term)
                if idf is None:
                    idf = idf_cache[term] = Idf(posting, self.document_count)
                score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (length / average)) + tf)
                # lunr.py multiplies by the field and document boosts here: both are 1
                pairs.append((posting["_index"], round(score, 3)))
            pairs.sort()
            vectors[field_ref] = Vector([x for pair in pairs for x in pair])
        self.field_vectors = vectors

    def serialized(self) -> dict[str, Any]:
        """``build().serialize()`` without the token set, which only Python searches need."""
        self._calculate_average_field_lengths()
        self._create_field_vectors()
        return {
            "version": __TARGET_JS_VERSION__,
            "fields": [FIELD],
            "fieldVectors": [[ref, v.serialize()] for ref, v in self.field_vectors.items()],
            "invertedIndex": [[t, self.inverted_index[t]] for t in sorted(self.inverted_index)],
            "pipeline": self.search_pipeline.serialize(),
        }


def build_lunr(entries_: Iterable[Entry], lang: str) -> dict[str, Any]:
    """The serialized lunr.py index (lunr-schema) of ``entries_`` with our ``lang`` pipeline."""
    builder = AnalyzedBuilder(lang)
    for e in entries_:
        builder.add_text(str(e.ref), e.text)
    return builder.serialized()


def term_postings(serialized: dict[str, Any]) -> list[tuple[str, int, list[tuple[int, float]]]]:
    """Turn a serialized lunr index around: per term (sorted), its index and (ref, score) pairs.

    The score is the term's entry in the field vector of ``text/<ref>``, exactly as serialized.
    """
    scores: dict[int, dict[int, float]] = {}
    for key, elements in serialized["fieldVectors"]:
        ref = int(key.split("/", 1)[1])
        for i in range(0, len(elements), 2):
            scores.setdefault(int(elements[i]), {})[ref] = elements[i + 1]
    out = []
    for term, posting in serialized["invertedIndex"]:
        t_index = posting["_index"]
        refs = sorted(int(r) for r in posting.get(FIELD, {}))
        by_ref = scores.get(t_index, {})
        out.append((term, t_index, [(r, by_ref[r]) for r in refs]))
    return out


def encode_term(term: str, t_index: int, postings: list[tuple[int, float]]) -> list[Any]:
    flat: list[Any] = []
    previous = 0
    for ref, score in postings:
        flat.append(ref - previous)
        flat.append(score)
        previous = ref
    return [term, t_index, flat]


def _size(item: list[Any]) -> int:
    return len(json.dumps(item, separators=(",", ":"), ensure_ascii=False))


def _split_postings(
    term: str, t_index: int, postings: list[tuple[int, float]], budget: int
) -> list[list[Any]]:
    """A common word's postings cut by ref range into pieces of about ``budget`` bytes."""
    whole = _size(encode_term(term, t_index, postings))
    pieces = -(-whole // budget)
    step = -(-len(postings) // pieces)
    return [
        encode_term(term, t_index, postings[i : i + step]) for i in range(0, len(postings), step)
    ]


def top_postings(
    postings: list[tuple[int, float]], count: int
) -> tuple[list[tuple[int, float]], float]:
    """The ``count`` postings of highest score (equal scores: lower ref first), in ref order,
    and the highest score of the others (0 if none): no paragraph outside the top scores more.
    """
    by_score = sorted(postings, key=lambda p: (-p[1], p[0]))
    bound = by_score[count][1] if count < len(by_score) else 0.0
    return sorted(by_score[:count]), bound


def common_word_shards(
    term: str, t_index: int, postings: list[tuple[int, float]], budget: int
) -> list[dict[str, Any]]:
    """The shards of a common word: its top piece, then its pieces by ref range.

    The pieces hold every posting; the top piece holds again the highest-scored ones, as
    many as a piece, and ``top``, the score no other posting exceeds. A query made of common
    words alone can rank its first results from the top pieces (search-core.js, searchTop)
    before its dozen pieces arrive.
    """
    pieces = _split_postings(term, t_index, postings, budget)
    top, bound = top_postings(postings, len(pieces[0][2]) // 2)
    shards: list[dict[str, Any]] = [{"terms": [encode_term(term, t_index, top)], "top": bound}]
    for piece in pieces:
        shards.append({"terms": [piece], "refs": [piece[2][0], sum(piece[2][0::2])]})
    return shards


def plan_shards(
    terms: list[tuple[str, int, list[tuple[int, float]]]], budget: int = SHARD_BYTES
) -> list[dict[str, Any]]:
    """Cut the sorted term list into shards of about ``budget`` bytes of JSON.

    Common words: a term bigger than the budget is cut by ref range into pieces of its own
    (``refs``: [first, last] ref of a piece), after a top piece (``top``: see
    ``common_word_shards``). A query for a rare word never downloads them; a query joining a
    rare and a common word downloads only the pieces of the common word that hold the rare
    word's paragraphs (search-core.js: a second step after the first shards arrive); only a
    query made of common words alone loads all their pieces, and it shows its first results
    from their top pieces.
    """
    shards: list[dict[str, Any]] = []
    current: list[list[Any]] = []
    size = 0
    for term, t_index, postings in terms:
        item = encode_term(term, t_index, postings)
        n = _size(item)
        if n > budget:
            if current:
                shards.append({"terms": current})
            current, size = [], 0
            shards += common_word_shards(term, t_index, postings, budget)
            continue
        if current and size + n > budget:
            shards.append({"terms": current})
            current, size = [], 0
        current.append(item)
        size += n
    if current:
        shards.append({"terms": current})
    return shards


def shard_ranges(shards: list[dict[str, Any]]) -> list[list[Any]]:
    """[first term, last term] of each shard, plus [first ref, last ref] for a piece of a
    common word, or [bound] for its top piece. Sorted and disjoint apart from a common
    word's shards, which share their term; a term between two ranges is in no shard (no
    fetch needed to know it matches nothing)."""
    return [
        [
            s["terms"][0][0],
            s["terms"][-1][0],
            *s.get("refs", []),
            *([s["top"]] if "top" in s else []),
        ]
        for s in shards
    ]


def shard_file(shard: dict[str, Any]) -> dict[str, Any]:
    """What a shard file holds: its terms, and a top piece's bound."""
    out = {"format": FORMAT, "terms": shard["terms"]}
    if "top" in shard:
        out["top"] = shard["top"]
    return out


def split_index(
    serialized: dict[str, Any], budget: int = SHARD_BYTES
) -> tuple[list[list[Any]], list[dict[str, Any]]]:
    """Split a serialized lunr index into (ranges, shard objects)."""
    shards = plan_shards(term_postings(serialized), budget)
    return shard_ranges(shards), [shard_file(s) for s in shards]


# ------------------------------------------------------------------------ output


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _year(doc: Document) -> str:
    return doc.date[:4] if doc.date else ""


def doc_record(doc: Document) -> dict[str, str]:
    return {
        "id": doc.id,
        "url": anchors.page_url(doc.id),
        "data": anchors.data_url(doc.id),
        "title": doc.title,
        "symbol": doc.symbol,
        "body": doc.body or doc.organization,
        "date": doc.date,
        "kind": doc.kind,
        "language": doc.language,
    }


def store_chunk(docs: list[Document], chunk: list[Entry], start: int) -> dict[str, Any]:
    """Store file ``start // STORE_CHUNK``: the refs ``start...`` of ``chunk``."""
    return {
        "format": FORMAT,
        "first": start,
        "docs": {str(e.doc): doc_record(docs[e.doc]) for e in chunk},
        "rows": [[e.doc, e.anchor, e.kind, e.text] for e in chunk],
    }


def store_chunks(docs: list[Document], entries_: list[Entry]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(entries_), STORE_CHUNK):
        yield store_chunk(docs, entries_[start : start + STORE_CHUNK], start)


def facets(docs: list[Document], entries_: list[Entry]) -> dict[str, Any]:
    first_ref: dict[int, int] = {}
    for e in entries_:
        first_ref.setdefault(e.doc, e.ref)
    return facets_of(docs, "".join(e.kind for e in entries_), first_ref)


def facets_of(
    docs: list[Document], paragraph_kinds: str, first_ref: dict[int, int]
) -> dict[str, Any]:
    """facets.json from the per-ref kind letters and each document's first ref."""
    bodies = sorted({doc_record(d)["body"] for d in docs})
    kinds = sorted({d.kind for d in docs})
    return {
        "format": FORMAT,
        "bodies": bodies,
        "kinds": kinds,
        # per document: [body#, year, kind#, first ref] (first ref -1: nothing searchable)
        "docs": [
            [
                bodies.index(doc_record(d)["body"]),
                _year(d),
                kinds.index(d.kind),
                first_ref.get(i, -1),
            ]
            for i, d in enumerate(docs)
        ],
        "paragraphKinds": paragraph_kinds,
    }


def filter_values(docs: list[Document]) -> dict[str, list[str]]:
    return {
        "language": sorted({d.language for d in docs}),
        "body": sorted({doc_record(d)["body"] for d in docs if doc_record(d)["body"]}),
        "year": sorted({_year(d) for d in docs if _year(d)}, reverse=True),
        "kind": sorted({d.kind for d in docs}),
        "paragraph": list(PARAGRAPH_KINDS.values()),
    }


def write_store(docs: list[Document], all_entries: list[Entry], search: Path) -> None:
    (search / "store").mkdir()
    for n, chunk in enumerate(store_chunks(docs, all_entries)):
        (search / "store" / f"{n}.json").write_text(_dump(chunk), encoding="utf-8")
    (search / "facets.json").write_text(_dump(facets(docs, all_entries)), encoding="utf-8")


def shard_files(lang: str) -> str:
    """Where the shards of ``lang`` are, under ``site/search/``: shard n is at {n} = n."""
    return f"{lang}/{{n}}.json"


def shard_name(lang: str, n: int) -> str:
    return shard_files(lang).replace("{n}", str(n))


def language_entry(lang: str, count: int, shards: list[list[Any]]) -> dict[str, Any]:
    """The manifest entry of one language; ``shards``: shard_ranges(). Shard n is the file
    ``files`` with n for {n}, so the manifest, which every first search reads, need not name
    them (listed, the names were a third of its bytes)."""
    return {
        "pipeline": [textpipe.label(lang, s) for s in textpipe.STAGES],
        "textpipe": textpipe.browser_data(lang),
        "fields": [FIELD],
        "paragraphs": count,
        "files": shard_files(lang),
        # [first term, last term]; for a common word, its top piece [term, term, bound],
        # then its pieces [term, term, first ref, last ref]: shard_ranges()
        "shards": shards,
    }


def write_language(
    lang: str,
    mine: list[Entry],
    search: Path,
    budget: int | None = None,
    keep: KeepState | None = None,
) -> tuple[dict[str, Any], Any]:
    """Build and split the index of one language into ``search/<lang>/``; its manifest entry,
    and what ``keep`` makes of the build for a later update (index_state.language_state;
    None without it). Runs in a worker process when there are several languages."""
    builder = AnalyzedBuilder(lang)
    for e in mine:
        builder.add_text(str(e.ref), e.text)
    terms = term_postings(builder.serialized())
    planned = plan_shards(terms, SHARD_BYTES if budget is None else budget)
    ranges = shard_ranges(planned)
    (search / lang).mkdir()
    texts = []
    for n, shard in enumerate(planned):
        text = _dump(shard_file(shard))
        (search / shard_name(lang, n)).write_text(text, encoding="utf-8")
        texts.append(text)
    kept = keep(builder, terms, ranges, texts) if keep is not None else None
    return language_entry(lang, len(mine), ranges), kept


def manifest_of(docs: list[Document], paragraphs: int, languages: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "pipelineVersion": textpipe.PIPELINE_VERSION,
        "paragraphs": paragraphs,
        "documents": len(docs),
        "storeChunk": STORE_CHUNK,
        "store": "store/{n}.json",
        "facets": "facets.json",
        "paragraphKinds": PARAGRAPH_KINDS,
        "filters": filter_values(docs),
        "languages": languages,
    }


def build_full(
    docs: list[Document], search: Path, keep: KeepState | None = None
) -> tuple[dict[str, Any], dict[str, Any], list[Entry]]:
    """Write all of ``search/`` from scratch; (manifest, per language what ``keep`` made of
    its build ({} without it), entries)."""
    budget = SHARD_BYTES
    all_entries = entries(docs)
    by_language: dict[str, list[Entry]] = {}
    for e in all_entries:
        by_language.setdefault(index_language(e.language), []).append(e)
    # one process per language: lunr.py is pure Python and the machines have two cores
    if len(all_entries) > PARALLEL_FROM and len(by_language) > 1:
        with ProcessPoolExecutor(min(2, len(by_language))) as pool:
            futures = {
                lang: pool.submit(write_language, lang, mine, search, budget, keep)
                for lang, mine in sorted(by_language.items())
            }
            write_store(docs, all_entries, search)
            written = {lang: f.result() for lang, f in futures.items()}
    else:
        write_store(docs, all_entries, search)
        written = {
            lang: write_language(lang, mine, search, budget, keep)
            for lang, mine in sorted(by_language.items())
        }
    manifest = manifest_of(docs, len(all_entries), {k: v[0] for k, v in written.items()})
    (search / "manifest.json").write_text(_dump(manifest), encoding="utf-8")
    return manifest, {k: v[1] for k, v in written.items() if v[1] is not None}, all_entries
