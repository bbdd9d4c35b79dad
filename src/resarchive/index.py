"""Stage 7, index: documents -> the client-side search index, split to load on demand.

Stage: index. May import: models, anchors, textpipe, summaries.

One search entry per paragraph: preambular and operative paragraphs, each sub-paragraph,
footnotes, attachment paragraphs, report text and unclassified blocks. Each entry gets an
integer ref, in document order, so that everything else about it is found by position.

Written into ``site/search/``:

``manifest.json``   read first by the search worker: per language the lunr pipeline labels,
                    the textpipe data, its paragraph count and total length, and its
                    segments (name, bucket count); the filter values; the refs of removed
                    paragraphs; where the store and facets are. Its size does not grow with
                    the archive.
``<lang>/<seg>/<b>.json`` bucket b of a segment (``s0`` from a full build, one more per
                    update: index_update.py): the terms whose first BUCKET_KEY letters hash
                    to b (``term_bucket``; search-core.js computes the same), each with its
                    lunr term index and its postings as ``[ref, tf, length, ...]`` (refs
                    delta-encoded); the ranges of the bucket's other shards,
                    ``<lang>/<seg>/<b>-<k>.json`` (common words, crowded prefixes); the stem
                    forms of its words (stemmer input -> term). The worker scores with
                    lunr's BM25 from tf, length and the manifest's two numbers, as lunr.js
                    scores a whole index (search-core.js, ShardSet.search; equal to the last
                    bit: tests/test_search_index.py), so an update changes no stored score.
                    The bucket count grows with the index, so a bucket stays about a third
                    of SHARD_BYTES. A bucket holding common words also maps each prefix
                    that starts one to its prefix piece, ``<lang>/<seg>/<b>-p<n>.json``:
                    the paragraphs likely to rank first for the prefix alone, with their
                    postings of those common words (``prefix_pieces``).
``store/<n>.json``  what a result row shows, ``STORE_CHUNK`` refs per file:
                    ``{"docs": {doc#: {...}}, "rows": [[doc#, anchor, kind, text], ...]}``.
``facets/<facet>/<n>.json`` the refs having the n-th value of a filter (body, year, kind,
                    paragraph kind), as ranges. Loaded only when that filter is set.

Common words: a term whose postings alone exceed a third of the shard budget (an average
bucket, ``COMMON_SHARE``) gets shards of its own,
so it never weighs on queries that do not use it: pieces by ref range, and a top piece of its
highest scores, from which a query of common words alone ranks its first results before the
pieces arrive (see ``plan_shards`` and ``common_word_shards``); a word being typed that starts
common words ranks its first results from its prefix piece likewise (``prefix_pieces``).
"""

from __future__ import annotations

import heapq
import json
import math
import re
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from lunr import __TARGET_JS_VERSION__
from lunr.builder import Builder
from lunr.idf import idf as Idf
from lunr.vector import Vector

from . import anchors, textpipe
from .models import Document, Item, Paragraph
from .summaries import loaded

FORMAT = 3  # 3: terms found in buckets by a hash of their first letters; facets per value
STORE_CHUNK = 16  # refs per store file: a result row fetches the text of 15 others (was 64)
BUCKET_KEY = 3  # code points of a term that choose its bucket (search-core.js MIN_PREFIX)
# Raw JSON budget of one term shard (about 6-8 kB gzipped). A query word costs its bucket or
# the shard it is in: half the former 48 kB took the median download before a first
# result from 53 to 42 kB at a quarter of the corpus, 40 kB at 4 and 39 kB at 16 times it.
SHARD_BYTES = 24_000
# A term is a common word (shards of its own: a top piece, then pieces) once its JSON is over
# this share of the budget, the size of an average bucket: then no word a query loads costs
# more than a bucket or a top piece, at any index size. (Over the whole budget, as until
# 2026-12, a mid-sized word was loaded whole, with the terms around it, at a small index
# where a large one gave it a top piece.)
COMMON_SHARE = 3
FIELD = "text"
PARALLEL_FROM = 20_000  # entries; below that worker processes cost more than they save
#: What to keep of a language's full build for later updates: called with its collector, its
#: segment ([name, bucket count]) and its files (index_state.language_state).
KeepState = Callable[[Any, list[list[Any]], dict[str, Any]], Any]
#: A posting: (ref, term frequency, length in terms of the paragraph).
Posting = tuple[int, int, int]
#: A term, its lunr term index and its postings, sorted by ref.
Term = tuple[str, int, list[Posting]]
K1, B = 1.2, 0.75  # lunr's BM25 parameters (lunr.Builder's defaults); search-core.js too
#: A document's filter values, first ref and end ref.
Span = tuple[dict[str, str], int, int]
FIRST_SEGMENT = "s0"  # a full build writes one segment; index_update adds others

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
    node has ``rich`` and ``text`` (computing ``text`` costs, so index_update hashes ``rich``).
    A LazyDocument is loaded for it, and not kept."""
    doc = loaded(doc)
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


class TermCollector:
    """The terms of each paragraph added (``textpipe``'s, as lunr.py's pipeline makes them),
    gathered as the index needs them: per term, its lunr term index and its postings.

    A posting is three unsigned 32-bit numbers in an array per term (12 bytes): lunr.py's
    Builder keeps a dict per posting and per paragraph, 150 bytes a posting, and
    the French of the scaled corpus holds 6 million. ``AnalyzedBuilder`` makes lunr.py's
    structures from a collector, to serialize a lunr index (the tests' reference).

    ``known`` and ``next_index``: a segment added to an existing index keeps the lunr term
    index of every term already known, and numbers new ones from ``next_index``.
    """

    def __init__(
        self, lang: str, known: Mapping[str, int] | None = None, next_index: int = 0
    ) -> None:
        self.lang = lang
        self.known = known or {}
        self.term_index = next_index  # the next new term's index
        self.term_indexes: dict[str, int] = {}  # of the terms met, in the order met
        self.lengths: dict[int, int] = {}  # ref -> its paragraph's length in terms
        self.forms: dict[str, str] = {}  # stemmer input -> term, of every word added
        self._postings: dict[str, array[int]] = {}
        self._chunks: dict[str, tuple[str, ...]] = {}  # a chunk of text -> its terms

    def terms(self, text: str) -> list[str]:
        """``textpipe.analyze(text)``, and the stem forms of its words noted: each distinct
        chunk of text made once (the corpus repeats most)."""
        known = self._chunks
        out: list[str] = []
        for chunk in textpipe.chunks(text):
            found = known.get(chunk)
            if found is None:
                found = known[chunk] = textpipe.chunk_terms(chunk, self.lang)
                self.forms.update(textpipe.chunk_forms(chunk, self.lang))
            out += found
        return out

    def add_text(self, ref: int, text: str) -> None:
        terms = self.terms(text)
        length = len(terms)
        self.lengths[ref] = length
        postings, indexes = self._postings, self.term_indexes
        for term, tf in Counter(terms).items():  # in the order of first occurrence
            found = postings.get(term)
            if found is None:
                known = self.known.get(term)
                if known is None:
                    known = self.term_index
                    self.term_index += 1
                indexes[term] = known
                found = postings[term] = array("I")
            found.extend((ref, tf, length))

    def postings(self) -> list[Term]:
        """Per term (sorted): its lunr term index and its (ref, term frequency, paragraph
        length) postings, in the order the paragraphs were added (ref order)."""
        return [self.term(term) for term in sorted(self._postings)]

    def term(self, term: str) -> Term:
        """One term of ``postings()``, made from its array when asked (a posting as a tuple
        takes about 70 bytes, in the array 12)."""
        flat = self._postings[term]
        postings = list(zip(flat[0::3], flat[1::3], flat[2::3], strict=True))
        return term, self.term_indexes[term], postings

    def stats(self) -> Stats:
        return Stats(len(self.lengths), sum(self.lengths.values()))


class AnalyzedBuilder(Builder):  # type: ignore[misc]  # lunr.py has no type information
    """lunr.py's Builder holding what a TermCollector gathered: the bookkeeping of
    ``Builder.add`` for one field without metadata, so that lunr.py computes the BM25 field
    vectors and serializes the index (``serialized``: the tests' reference). Same terms
    (tests/test_textpipe.py proves analyze == tokenizer + pipeline)."""

    def __init__(self, collector: TermCollector):
        super().__init__()
        template = textpipe.builder(collector.lang)  # our labelled pipeline, for serialize()
        self.pipeline = template.pipeline
        self.search_pipeline = template.search_pipeline
        self.ref("id")
        self.field(FIELD)
        frequencies: dict[str, dict[str, int]] = {}
        for ref, length in collector.lengths.items():
            self._documents[str(ref)] = {}
            self.field_lengths[f"{FIELD}/{ref}"] = length
            frequencies[f"{FIELD}/{ref}"] = {}
        self.document_count = len(collector.lengths)
        # the order of a paragraph's terms matters to nothing serialized (vectors are sorted)
        for term, index_, postings in collector.postings():
            self.inverted_index[term] = {
                FIELD: {str(ref): {} for ref, _, _ in postings},
                "_index": index_,
            }
            for ref, tf, _ in postings:
                frequencies[f"{FIELD}/{ref}"][term] = tf
        self.field_term_frequencies = frequencies

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
    """The serialized lunr.py index (lunr-schema) of ``entries_`` with our ``lang`` pipeline:
    what the tests compare our search with, through lunr.js."""
    return AnalyzedBuilder(analyzed(entries_, lang)).serialized()


def analyzed(
    entries_: Iterable[Entry], lang: str, collector: TermCollector | None = None
) -> TermCollector:
    """``entries_`` added, in order, to ``collector`` (a new one by default)."""
    collector = collector or TermCollector(lang)
    for e in entries_:
        collector.add_text(e.ref, e.text)
    return collector


@dataclass(frozen=True)
class Stats:
    """What a score depends on beyond its posting: the language's paragraph count and their
    total length in terms (lunr's document count and average field length). The manifest
    carries them, and the worker scores every posting it loads with them, so adding or
    removing a document changes two numbers, not every stored score."""

    paragraphs: int
    length_sum: int

    def idf(self, df: int) -> float:
        """lunr.idf (the same in lunr.py and lunr.js) of a term in ``df`` paragraphs."""
        return math.log(1 + abs((self.paragraphs - df + 0.5) / (df + 0.5)))

    def score(self, idf: float, tf: int, length: int) -> float:
        """lunr's BM25 field-vector entry, rounded to 3 places, with lunr's arithmetic
        (search-core.js, bm25, computes the same to the last bit)."""
        average = self.length_sum / self.paragraphs
        return round(idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / average)) + tf), 3)

    def scores(self, postings: list[Posting]) -> list[tuple[int, float]]:
        """(ref, ``score``) of each of a term's ``postings``: the same arithmetic, without a
        call per posting (most of the time of scoring a common word's postings)."""
        idf, average = self.idf(len(postings)), self.length_sum / self.paragraphs
        return [
            (ref, round(idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / average)) + tf), 3))
            for ref, tf, length in postings
        ]


def encode_term(term: str, t_index: int, postings: list[Posting]) -> list[Any]:
    """[term, lunr term index, [ref delta, tf, length, ref delta, tf, length, ...]]."""
    flat: list[int] = []
    previous = 0
    for ref, tf, length in postings:
        flat += (ref - previous, tf, length)
        previous = ref
    return [term, t_index, flat]


def decode_term(item: list[Any]) -> Term:
    """``encode_term`` undone."""
    term, t_index, flat = item
    postings: list[Posting] = []
    ref = 0
    for i in range(0, len(flat), 3):
        ref += flat[i]
        postings.append((ref, flat[i + 1], flat[i + 2]))
    return term, t_index, postings


def _size(item: list[Any]) -> int:
    """Characters of ``item`` as ``_dump`` writes it (compact: orjson's, for a list of
    strings and integers, is the same text, made several times faster)."""
    return len(orjson.dumps(item).decode())


def common_bytes(budget: int) -> int:
    """The size over which a term is a common word (COMMON_SHARE)."""
    return budget // COMMON_SHARE


def _split_postings(
    term: str, t_index: int, postings: list[Posting], budget: int
) -> list[list[Any]]:
    """A common word's postings cut by ref range into pieces of about ``budget`` bytes."""
    whole = _size(encode_term(term, t_index, postings))
    pieces = -(-whole // budget)
    step = -(-len(postings) // pieces)
    return [
        encode_term(term, t_index, postings[i : i + step]) for i in range(0, len(postings), step)
    ]


def frontier(postings: Iterable[Posting]) -> list[list[int]]:
    """The [tf, length] pairs of ``postings`` that no other beats in both (a tf as high and a
    length as short): a BM25 score grows with tf and falls with length, so under any
    paragraph count and average length the best score of ``postings`` is one of theirs.
    Highest tf first; a dozen pairs at most in practice."""
    shortest: dict[int, int] = {}
    for _, tf, length in postings:
        if tf not in shortest or length < shortest[tf]:
            shortest[tf] = length
    out: list[list[int]] = []
    for tf in sorted(shortest, reverse=True):
        if not out or shortest[tf] < out[-1][1]:
            out.append([tf, shortest[tf]])
    return out


def top_postings(
    postings: list[Posting], count: int, stats: Stats
) -> tuple[list[Posting], list[list[int]]]:
    """The ``count`` postings of highest score (equal scores: lower ref first), in ref order,
    and the ``frontier`` of the others: no paragraph outside the top scores more than the
    best of its pairs, now or after documents are added or removed."""
    ranked = heapq.nsmallest(count, [(-score, ref) for ref, score in stats.scores(postings)])
    top = {ref for _, ref in ranked}
    return sorted(p for p in postings if p[0] in top), frontier(
        p for p in postings if p[0] not in top
    )


# Postings of a common word's top piece. On the corpus, with a quarter of a piece's 3,800 to
# 4,000 postings, queries of several words with a common one still ranked a first page of 20
# for certain in 4 of 6 cases (14 to 103 hits; with a whole piece, 5 of 6: 14 to 914), single
# common words 622 and 730; a top piece is then 2 kB gzipped instead of 7 to 13.
TOP_POSTINGS = 1_000
TOP_SHARE = 2  # at most half of a word's postings


def common_word_shards(
    term: str, t_index: int, postings: list[Posting], budget: int, stats: Stats
) -> list[dict[str, Any]]:
    """The shards of a common word: its top piece, then its pieces by ref range.

    The pieces hold every posting; the top piece holds again the highest-scored ones
    (TOP_POSTINGS, or as many as a piece or half the word (TOP_SHARE) if fewer: a
    word of one piece has a top piece smaller than it), and ``top``: the word's
    paragraph count (``df``, which the worker's idf needs before it has every piece) and
    the ``bound`` pairs (``top_postings``). A query
    made of common words alone can rank its first results from the top pieces
    (search-core.js, searchTop) before its dozen pieces arrive.
    """
    pieces = _split_postings(term, t_index, postings, budget)
    count = min(TOP_POSTINGS, len(pieces[0][2]) // 3, len(postings) // TOP_SHARE)
    top, bound = top_postings(postings, count, stats)
    shards: list[dict[str, Any]] = [
        {
            "terms": [encode_term(term, t_index, top)],
            "top": {"df": len(postings), "bound": bound},
        }
    ]
    for piece in pieces:
        shards.append({"terms": [piece], "refs": [piece[2][0], sum(piece[2][0::3])]})
    return shards


PREFIX_CANDIDATES = 100  # paragraphs of a prefix piece: a first page of results, and some


def prefix_pieces(
    terms: list[Term], is_common: set[str], stats: Stats, candidates: int = PREFIX_CANDIDATES
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """The prefix pieces of a bucket (``terms`` sorted; ``is_common``: those over the shard
    budget, cut into pieces): for every prefix of BUCKET_KEY
    letters or more that starts a common word, the paragraphs most likely to rank first for
    it, so that a query of that prefix alone (search as you type: "develo", "nation") shows
    its first results before the common words' pieces arrive, at the same cost at any index
    size. Returns ({prefix: piece number}, pieces); prefixes that match the same terms share
    a piece.

    A piece holds the ``candidates`` paragraphs of highest summed score over the terms the
    prefix matches (``refs``), every posting of those paragraphs for each common word among
    them (``terms``), and for each such word the ``frontier`` of its other postings
    (``bounds``). The other terms are inline or in shards a prefix query loads anyway, so a
    candidate's score is known exactly, and no other paragraph can score more than its loaded
    terms plus the frontiers' best (search-core.js, ShardSet.searchPrefixTop, shows only
    hits above that bound), or, while the index is as built, more than ``outside``. Which
    paragraphs are candidates only decides how many hits are certain, never which: a later
    change of counts or lengths leaves the frontiers' bound true."""
    if not is_common:
        return {}, []
    names = [t[0] for t in terms]
    spans: dict[str, tuple[int, int]] = {}
    for word in sorted(is_common):
        for n in range(BUCKET_KEY, len(word) + 1):
            prefix = word[:n]
            if prefix not in spans:
                lo = bisect_left(names, prefix)
                hi = bisect_left(names, prefix + "\U0010ffff", lo)
                spans[prefix] = (lo, hi)
    known = _TermFacts(stats, candidates)
    # each distinct span's sums, the smaller spans first: a span holding a smaller one (the
    # prefixes of one word: "dev" holds "develop") starts from its sums and adds the rest
    sums: dict[tuple[int, int], dict[int, float]] = {}
    built: dict[tuple[int, int], dict[str, Any]] = {}
    for span in sorted(set(spans.values()), key=lambda s: (s[1] - s[0], s)):
        inner = max(
            (s for s in sums if span[0] <= s[0] and s[1] <= span[1]),
            key=lambda s: s[1] - s[0],
            default=None,
        )
        summed = dict(sums[inner]) if inner else {}
        rest = [*range(span[0], inner[0]), *range(inner[1], span[1])] if inner else range(*span)
        get = summed.get
        for i in rest:
            for ref, score in known.scores(terms[i]):
                summed[ref] = get(ref, 0.0) + score
        sums[span] = summed
        built[span] = _prefix_piece(terms[span[0] : span[1]], is_common, summed, known)
    numbers: dict[tuple[int, int], int] = {}  # in the order of the prefixes
    for _, span in sorted(spans.items()):
        numbers.setdefault(span, len(numbers))
    pieces = [built[span] for span in sorted(numbers, key=numbers.__getitem__)]
    return {prefix: numbers[span] for prefix, span in sorted(spans.items())}, pieces


class _TermFacts:
    """What prefix pieces need of each term, worked out once per bucket: its postings'
    scores; for a common word, its postings by ref and, per term frequency, the
    ``candidates`` + 1 shortest lengths (among them is the shortest outside any set of
    ``candidates`` paragraphs, which is all ``frontier`` needs)."""

    def __init__(self, stats: Stats, candidates: int):
        self.stats, self.candidates = stats, candidates
        self._scores: dict[str, list[tuple[int, float]]] = {}
        self._by_ref: dict[str, dict[int, Posting]] = {}
        self._shortest: dict[str, dict[int, list[tuple[int, int]]]] = {}

    def scores(self, term: Term) -> list[tuple[int, float]]:
        name, _, postings = term
        if name not in self._scores:
            self._scores[name] = self.stats.scores(postings)
        return self._scores[name]

    def postings_of(self, term: Term, refs: list[int]) -> list[Posting]:
        """The postings of ``term`` among ``refs`` (sorted), in ref order."""
        name, _, postings = term
        if name not in self._by_ref:
            self._by_ref[name] = {p[0]: p for p in postings}
        by_ref = self._by_ref[name]
        return [by_ref[r] for r in refs if r in by_ref]

    def frontier_outside(self, term: Term, chosen: set[int]) -> list[list[int]]:
        """``frontier`` of the postings of ``term`` whose ref is not in ``chosen``."""
        name, _, postings = term
        if name not in self._shortest:
            per_tf: dict[int, list[tuple[int, int]]] = {}
            for ref, tf, length in postings:
                per_tf.setdefault(tf, []).append((length, ref))
            self._shortest[name] = {
                tf: heapq.nsmallest(self.candidates + 1, found) for tf, found in per_tf.items()
            }
        outside = (
            (ref, tf, length)
            for tf, found in self._shortest[name].items()
            for length, ref in found
            if ref not in chosen
        )
        return frontier(outside)


def _prefix_piece(
    matched: list[Term],
    is_common: set[str],
    summed: dict[int, float],
    known: _TermFacts,
) -> dict[str, Any]:
    # the best candidates + 1: the candidates, and the best sum outside them
    ranked = heapq.nsmallest(known.candidates + 1, [(-v, r) for r, v in summed.items()])
    best = sorted(r for _, r in ranked[: known.candidates])
    chosen = set(best)
    piece_terms, bounds = [], []
    for term in matched:
        if term[0] not in is_common:
            continue
        piece_terms.append(encode_term(term[0], term[1], known.postings_of(term, best)))
        bounds.append(known.frontier_outside(term, chosen))
    refs = [r - q for r, q in zip(best, [0, *best], strict=False)]
    outside = -ranked[known.candidates][0] if len(ranked) > known.candidates else 0.0
    return {
        "format": FORMAT,
        "refs": refs,
        "terms": piece_terms,
        "bounds": bounds,
        # the best sum outside the candidates, true while the index is as built: these
        # numbers, one segment, nothing removed (tighter than the frontiers summed)
        "outside": outside,
        "stats": [known.stats.paragraphs, known.stats.length_sum],
    }


def plan_shards(terms: list[Term], budget: int, stats: Stats) -> list[dict[str, Any]]:
    """Cut the sorted term list into shards of about ``budget`` bytes of JSON.

    Common words: a term bigger than ``common_bytes`` is cut by ref range into pieces of its own
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
    limit = common_bytes(budget)
    for term, t_index, postings in terms:
        item = encode_term(term, t_index, postings)
        n = _size(item)
        if n > limit:
            if current:
                shards.append({"terms": current})
            current, size = [], 0
            shards += common_word_shards(term, t_index, postings, budget, stats)
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


# ------------------------------------------------------------------- buckets


def term_bucket(term: str, buckets: int) -> int:
    """The bucket of ``term``: FNV-1a (32 bits) of its first BUCKET_KEY code points, modulo
    ``buckets``. search-core.js computes the same, so no list of shards is needed to find a
    term, and a prefix of BUCKET_KEY letters or more finds all its terms in one bucket."""
    h = 0x811C9DC5
    for c in term[:BUCKET_KEY]:
        h = ((h ^ ord(c)) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


BUCKET_SHARE = 3  # an average bucket holds a third of the budget inline


def bucket_count(inline_bytes: int, budget: int) -> int:
    """The count that makes an average bucket a third of the budget, at any index size: most
    buckets then fit in one file, and what a query downloads stays the same as the archive
    grows. (A power of two, as until 2026-12, made the average swing between a quarter and
    a half of the budget with the index's size: 87 kB before the first result at the corpus,
    71 kB at 3 times it.) Any count works: a power of two, as older indexes have, gives
    the same buckets as a bit mask."""
    return max(1, -(-inline_bytes * BUCKET_SHARE // budget))


def bucket_files(
    b: int,
    terms: list[Term],
    budget: int,
    stats: Stats,
    sizes: Mapping[str, int],
    forms: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """The files of bucket ``b`` (``terms`` sorted): ``<b>.json`` holds its terms inline and
    the ranges of its other shards (``shard_ranges``), which are ``<b>-<k>.json``. Common
    words (over ``common_bytes``) always have shards of their own (a top piece, then pieces);
    the other terms are inline unless together they exceed the budget, when they are cut
    into shards too (a bucket of many terms of one prefix, such as "dev"). ``sizes``: each
    term's JSON size."""
    size = [sizes[t[0]] for t in terms]
    limit = common_bytes(budget)
    small = [t for t, n in zip(terms, size, strict=True) if n <= limit]
    if sum(n for n in size if n <= limit) <= budget:
        inline = [encode_term(*t) for t in small]
        shards = [
            s
            for t, n in zip(terms, size, strict=True)
            if n > limit
            for s in common_word_shards(*t, budget, stats)
        ]
    else:
        inline, shards = [], plan_shards(terms, budget, stats)
    common = {t[0] for t, n in zip(terms, size, strict=True) if n > limit}
    prefixes, pieces = prefix_pieces(terms, common, stats)
    out: dict[str, dict[str, Any]] = {
        f"{b}.json": {
            "format": FORMAT,
            "terms": inline,
            "shards": shard_ranges(shards),
            # stemmer input -> term ("": the same), for search-core.js's stemmer (forms_of)
            "forms": {w: "" if t == w else t for w, t in sorted((forms or {}).items())},
        }
    }
    for k, shard in enumerate(shards):
        out[f"{b}-{k}.json"] = shard_file(shard)
    if prefixes:  # prefix -> its prefix piece, <b>-p<n>.json (prefix_pieces)
        out[f"{b}.json"]["prefixes"] = prefixes
    for n, piece in enumerate(pieces):
        out[f"{b}-p{n}.json"] = piece
    return out


def bucket_terms(terms: list[Term], buckets: int) -> dict[int, list[Term]]:
    """Every bucket (empty ones too: the worker may ask for any) and its terms, sorted."""
    out: dict[int, list[Term]] = {b: [] for b in range(buckets)}
    for t in terms:
        out[term_bucket(t[0], buckets)].append(t)
    return out


def bucket_forms(forms: Mapping[str, str], buckets: int) -> dict[int, dict[str, str]]:
    """The stem forms of each bucket: a word's form is in the bucket of the word (where a
    query for it looks) and in the bucket of its term (so that a loaded term's bucket holds
    every form of it: search-core.js tells a word that is not one of them by its absence)."""
    out: dict[int, dict[str, str]] = {}
    for word, term in forms.items():
        out.setdefault(term_bucket(word, buckets), {})[word] = term
        out.setdefault(term_bucket(term, buckets), {})[word] = term
    return out


def bucket_plan(
    names: list[str],
    term: Callable[[str], Term],
    budget: int,
    stats: Stats,
    forms: Mapping[str, str] | None = None,
) -> tuple[int, Iterator[dict[str, dict[str, Any]]]]:
    """(bucket count, the files of each bucket in turn) of one segment's terms: ``names``
    sorted, ``term(name)`` each term with its postings, asked for again while its bucket's
    files are made (so a caller that writes each bucket in turn holds one bucket's postings)."""
    sizes = {t: _size(encode_term(*term(t))) for t in names}  # once: bucket_files needs them
    limit = common_bytes(budget)
    buckets = bucket_count(sum(n for n in sizes.values() if n <= limit), budget)
    by_bucket = bucket_forms(forms or {}, buckets)
    members: dict[int, list[str]] = {b: [] for b in range(buckets)}
    for t in names:
        members[term_bucket(t, buckets)].append(t)
    files = (
        bucket_files(b, [term(t) for t in mine], budget, stats, sizes, by_bucket.get(b))
        for b, mine in members.items()
    )
    return buckets, files


def plan_buckets(
    terms: list[Term], budget: int, stats: Stats, forms: Mapping[str, str] | None = None
) -> tuple[int, dict[str, dict[str, Any]]]:
    """(bucket count, {file name: content}) of one segment's sorted terms, and the stem
    forms of its words."""
    by_name = {t[0]: t for t in terms}
    buckets, each = bucket_plan(list(by_name), by_name.__getitem__, budget, stats, forms)
    files: dict[str, dict[str, Any]] = {}
    for bucket in each:
        files.update(bucket)
    return buckets, files


def split_entries(
    entries_: list[Entry], lang: str, budget: int = SHARD_BYTES
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The index of ``entries_`` as one segment: (its manifest entry's numbers: paragraphs,
    lengthSum, buckets; {file name: content})."""
    collector = analyzed(entries_, lang)
    stats = collector.stats()
    buckets, files = plan_buckets(collector.postings(), budget, stats, collector.forms)
    numbers = {"paragraphs": stats.paragraphs, "lengthSum": stats.length_sum, "buckets": buckets}
    return numbers, files


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


def store_chunk(
    records: Mapping[int, dict[str, str]], chunk: list[Entry], start: int
) -> dict[str, Any]:
    """Store file ``start // STORE_CHUNK``: the refs ``start...`` of ``chunk`` (a ref no
    entry has, a removed paragraph's, is null), with ``records`` of their documents."""
    rows: list[Any] = [None] * (chunk[-1].ref + 1 - start) if chunk else []
    for e in chunk:
        rows[e.ref - start] = [e.doc, e.anchor, e.kind, e.text]
    return {
        "format": FORMAT,
        "first": start,
        "docs": {str(e.doc): records[e.doc] for e in chunk},
        "rows": rows,
    }


def document_facets(doc: Document) -> dict[str, str]:
    """The values a document has for the document filters (empty: none)."""
    return {"body": doc_record(doc)["body"], "year": _year(doc), "kind": doc.kind}


def ranges_flat(refs: Iterable[tuple[int, int]]) -> list[int]:
    """[start, end) ranges, in order, merged where they touch, delta-encoded flat:
    start0, end0 - start0, start1 - end0, end1 - start1, ..."""
    merged: list[list[int]] = []
    for start, end in refs:
        if end <= start:
            continue
        if merged and merged[-1][1] == start:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    flat: list[int] = []
    previous = 0
    for start, end in merged:
        flat += [start - previous, end - start]
        previous = end
    return flat


_SAME_KIND = re.compile(r"(.)\1*", re.DOTALL)  # a run of refs of one paragraph kind


def facet_files(
    spans: list[Span], kinds: str, filters: dict[str, list[str]]
) -> dict[str, dict[str, Any]]:
    """``facets/<facet>/<n>.json`` for the n-th value of each filter (the manifest's
    ``filters``): the ranges of refs that have it. A filtered search loads the files of its
    filter values only, and each holds runs of refs, not a line per document: documents of a
    year or a body lie together, so its size follows how scattered the value is, not the
    size of the archive (paragraph kinds alternate in every document: those files grow).
    ``spans``: (facet values, first ref, end ref) of each document, in ref order; ``kinds``:
    the paragraph kind letter of every ref (a removed paragraph's is never searched)."""
    out: dict[str, dict[str, Any]] = {}
    for facet in ("body", "year", "kind"):
        by_value: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for values, a, b in spans:
            by_value[values[facet]].append((a, b))
        for n, value in enumerate(filters[facet]):
            out[f"{facet}/{n}.json"] = {"format": FORMAT, "ranges": ranges_flat(by_value[value])}
    runs: dict[str, list[tuple[int, int]]] = {}
    for run in _SAME_KIND.finditer(kinds):  # a regex: 441,000 refs in a Python loop took 0.1 s
        runs.setdefault(PARAGRAPH_KINDS[run.group(1)], []).append(run.span())
    for n, value in enumerate(filters["paragraph"]):
        out[f"paragraph/{n}.json"] = {"format": FORMAT, "ranges": ranges_flat(runs.get(value, []))}
    return out


def filter_values(docs: list[Document]) -> dict[str, list[str]]:
    return {
        "language": sorted({d.language for d in docs}),
        "body": sorted({doc_record(d)["body"] for d in docs if doc_record(d)["body"]}),
        "year": sorted({_year(d) for d in docs if _year(d)}, reverse=True),
        "kind": sorted({d.kind for d in docs}),
        "paragraph": list(PARAGRAPH_KINDS.values()),
    }


def write_facets(docs: list[Document], spans: list[Span], kinds: str, search: Path) -> None:
    for name, content in facet_files(spans, kinds, filter_values(docs)).items():
        path = search / "facets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_dump(content), encoding="utf-8")


def language_entry(lang: str, stats: Stats, segments: list[list[Any]]) -> dict[str, Any]:
    """The manifest entry of one language. Its size does not grow with the index: the
    bucket of a term is computed (``term_bucket``), so no shard is listed, and segments are
    few (index_update merges them). ``segments``: [name, bucket count] of each, in ref order."""
    return {
        "pipeline": [textpipe.label(lang, s) for s in textpipe.STAGES],
        "textpipe": textpipe.browser_data(lang),
        "fields": [FIELD],
        "paragraphs": stats.paragraphs,
        "lengthSum": stats.length_sum,
        "bucketKey": BUCKET_KEY,
        "segments": segments,
        # "<segment>/<b>" is bucket b of a segment, "<segment>/<b>-<k>" its shard k
        "files": f"{lang}/{{id}}.json",
    }


def write_segment(
    lang: str, name: str, collector: TermCollector, search: Path, budget: int
) -> tuple[int, dict[str, dict[str, Any]]]:
    """Write one segment of a language's index, all ``collector`` gathered, into
    ``search/<lang>/<name>/``: the files of ``plan_buckets``, made and written a bucket at a
    time, each term's postings made from its array only while its bucket is (all of them at
    once, as tuples, were a worker's peak). Its bucket count, and the shard ranges of each
    bucket's first file (what an index state keeps of them: index_state.pieced_terms)."""
    names = sorted(collector.term_indexes)  # the terms met, as in postings()
    buckets, each = bucket_plan(names, collector.term, budget, collector.stats(), collector.forms)
    folder = search / lang / name
    folder.mkdir(parents=True)
    heads: dict[str, dict[str, Any]] = {}
    for b, files in enumerate(each):
        for file, content in files.items():
            (folder / file).write_text(_dump(content), encoding="utf-8")
        heads[f"{b}.json"] = {"shards": files[f"{b}.json"]["shards"]}
    return buckets, heads


def write_language(
    lang: str,
    collector: TermCollector,
    search: Path,
    budget: int | None = None,
    keep: KeepState | None = None,
) -> tuple[dict[str, Any], Any]:
    """Write the index of one language, as ``collector`` gathered it, into ``search/<lang>/``
    (one segment); its manifest entry, and what ``keep`` makes of the build for a later
    update (index_state.language_state; None without it)."""
    stats = collector.stats()
    buckets, files = write_segment(lang, FIRST_SEGMENT, collector, search, budget or SHARD_BYTES)
    segments: list[list[Any]] = [[FIRST_SEGMENT, buckets]]
    kept = keep(collector, segments, files) if keep is not None else None
    return language_entry(lang, stats, segments), kept


def manifest_of(
    docs: list[Document],
    paragraphs: int,
    languages: dict[str, Any],
    deleted: list[int] | None = None,
) -> dict[str, Any]:
    """The manifest; ``paragraphs``: the live paragraphs; ``deleted``: the refs of removed
    paragraphs still in the index (``ranges_flat``), which the worker skips."""
    return {
        "format": FORMAT,
        "pipelineVersion": textpipe.PIPELINE_VERSION,
        "paragraphs": paragraphs,
        "documents": len(docs),
        "storeChunk": STORE_CHUNK,
        "store": "store/{n}.json",
        # the ranges of refs of the n-th value of a filter (filters[facet][n])
        "facets": "facets/{facet}/{n}.json",
        "paragraphKinds": PARAGRAPH_KINDS,
        "filters": filter_values(docs),
        "deleted": deleted or [],
        "languages": languages,
    }
