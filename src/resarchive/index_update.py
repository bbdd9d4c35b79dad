"""Update the search index of the previous site after a small edit, instead of rebuilding it.

Stage: index. May import: models, index, index_state, textpipe, reuse.

A full build of the index (index.py) analyses every paragraph and scores every posting: 15 s
and more on the whole corpus. After an edit of a few paragraphs almost all of it is the same,
so ``write_search`` keeps, in a state folder, what it needs to redo only the part that
changed: per language each term's postings (refs and term frequencies, as arrays), the
length of every paragraph, a hash of every paragraph and document, and which shard holds
which term. The next build then

* finds the documents whose paragraphs or store record changed (a hash per document, of the
  marked-up text, so that unchanged documents cost no text extraction),
* analyses the old (from the previous site's store) and new text of each changed paragraph,
* updates the postings of the terms whose frequencies changed, and rescores them, plus every
  term of a paragraph whose length changed, with the arithmetic of
  ``AnalyzedBuilder._create_field_vectors`` (lunr idf, k1 and b, rounded to 3 places),
* rewrites the shards holding those terms and the store chunks holding those paragraphs, and
  hard-links every other file from the previous site.

Scores of untouched terms stay right because the fast path is taken only when no ref moves
(same documents, same number of paragraphs in each) and the number of paragraphs and the sum
of their lengths per language are unchanged: the average length, on which every score
depends, is then the same. A term seen for the first time gets the next unused term index and
a term that loses its last posting is dropped, so term indexes may differ from a full build's;
lunr only uses them to pair a query's terms with a paragraph's vector, so scores and results
are still those of a full build (tests/test_index_update.py compares every posting). Shards
keep their cut points (a new term joins a neighbouring shard, whose range grows), so their
sizes drift from the budget until the next full build. Anything harder (a term outgrowing its
shard, a common word needing another piece, an emptied shard, a state that is not the
previous site's) takes the full path, which writes what ``index.build_full`` always wrote and
saves a fresh state.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from lunr.builder import Builder
from lunr.idf import idf as Idf

from . import index, reuse, textpipe
from .index_state import (
    HASH_BYTES,
    Fallback,
    IndexState,
    LanguageState,
    digest,
    document_keys,
    entry_hash,
    full_state,
    language_state,
    manifest_stamp,
)
from .models import Document

MAX_CHANGED = 0.02  # share of paragraphs an update may touch; beyond that rebuild


@dataclass
class IndexRun:
    """What ``write_search`` did: which path, why, and how much it rewrote."""

    manifest: dict[str, Any]
    path: str  # "fast" or "full"
    reason: str = ""  # why the full path was taken
    changed_paragraphs: int = 0
    dirty_terms: int = 0
    shards_rewritten: int = 0
    chunks_rewritten: int = 0
    files_linked: int = 0


# ------------------------------------------------------------------ entry point


def write_search(
    docs: list[Document],
    out: Path,
    previous: Path | None,
    state: Path | None,
    digests: dict[str, str] | None = None,
) -> IndexRun:
    """``out/search/``: updated from ``previous`` when ``state``
    allows it (see the module docstring), else built in full; the state is saved for next
    time whenever ``state`` is given."""
    search = out / "search"
    search.mkdir(exist_ok=True)
    reason = "no previous site or no state folder"
    if previous is not None and state is not None:
        try:
            run, new_state = update(
                docs,
                search,
                previous / "search",
                IndexState.load(state, previous / "search"),
                digests,
            )
        except Fallback as why:
            reason = str(why)
            shutil.rmtree(search)  # whatever the attempt linked or wrote
            search.mkdir()
        else:
            new_state.save(state)
            return run
    keep = language_state if state is not None else None
    manifest, languages, all_entries = index.build_full(docs, search, keep)
    if state is not None:
        full_state(docs, all_entries, search / "manifest.json", languages, digests).save(state)
    return IndexRun(manifest, "full", reason)


# ------------------------------------------------------------------- fast path


@dataclass
class Changes:
    """The paragraphs an edit touched, found from the document hashes."""

    docs: list[int]  # documents whose key changed
    refs: dict[int, index.Entry]  # ref -> its new entry, for paragraphs whose hash changed
    entry_hashes: bytearray
    kinds: str
    doc_first: list[int]  # ref of each document's first entry (and the total at the end)
    fresh: dict[int, list[index.Entry]]  # entries of the changed documents


def find_changes(
    docs: list[Document], state: IndexState, digests: dict[str, str] | None = None
) -> tuple[Changes, bytes]:
    if len(docs) != len(state.doc_langs):
        raise Fallback("the number of documents changed")
    keys = document_keys(docs, digests)
    old_keys = state.doc_keys
    changed_docs = [
        d
        for d in range(len(docs))
        if keys[d * HASH_BYTES : (d + 1) * HASH_BYTES]
        != old_keys[d * HASH_BYTES : (d + 1) * HASH_BYTES]
    ]
    counts = state.doc_counts
    doc_first = list(accumulate(counts, initial=0))
    total = doc_first[-1]
    if sum(counts[d] for d in changed_docs) > max(total * 5 * MAX_CHANGED, 1000):
        raise Fallback("too many documents changed")  # before extracting their text
    hashes = bytearray(state.entry_hashes)
    kinds = list(state.kinds)
    changed: dict[int, index.Entry] = {}
    fresh: dict[int, list[index.Entry]] = {}
    for d in changed_docs:
        doc = docs[d]
        if index.index_language(doc.language) != state.doc_langs[d]:
            raise Fallback("a document changed language")
        mine = fresh[d] = index.document_entries(doc, d, doc_first[d])
        if len(mine) != counts[d]:
            raise Fallback("a document gained or lost paragraphs (refs would shift)")
        for e in mine:
            h = entry_hash(e.doc, e.anchor, e.kind, e.language, e.text)
            at = slice(e.ref * HASH_BYTES, (e.ref + 1) * HASH_BYTES)
            if hashes[at] != h:
                hashes[at] = h
                kinds[e.ref] = e.kind
                changed[e.ref] = e
    if len(changed) > total * MAX_CHANGED:
        raise Fallback(f"{len(changed)} paragraphs changed (over {MAX_CHANGED:.0%})")
    return Changes(changed_docs, changed, hashes, "".join(kinds), doc_first, fresh), keys


def old_texts(old_search: Path, refs: list[int], state: IndexState) -> dict[int, str]:
    """The previous text of each of ``refs``, from the previous site's store, checked
    against the state's hash of it."""
    chunk_size = index.STORE_CHUNK
    out: dict[int, str] = {}
    for c in sorted({r // chunk_size for r in refs}):
        try:
            chunk = json.loads((old_search / "store" / f"{c}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise Fallback(f"store chunk {c} of the previous site is unreadable") from None
        for ref in refs:
            if ref // chunk_size != c:
                continue
            doc, anchor, kind, text = chunk["rows"][ref - c * chunk_size]
            language = chunk["docs"][str(doc)]["language"]
            if (
                entry_hash(doc, anchor, kind, language, text)
                != state.entry_hashes[ref * HASH_BYTES : (ref + 1) * HASH_BYTES]
            ):
                raise Fallback("the previous store does not match the index state")
            out[ref] = text
    return out


def update(
    docs: list[Document],
    search: Path,
    old_search: Path,
    state: IndexState,
    digests: dict[str, str] | None = None,
) -> tuple[IndexRun, IndexState]:
    """Plan everything (raising Fallback before writing anything), then write."""
    changes, keys = find_changes(docs, state, digests)
    previous = old_texts(old_search, sorted(changes.refs), state)
    lengths = array("I", state.lengths)
    by_language: dict[str, list[tuple[int, str, str]]] = {}
    for ref, e in sorted(changes.refs.items()):
        by_language.setdefault(index.index_language(e.language), []).append(
            (ref, previous[ref], e.text)
        )
    plans = {
        lang: LanguageUpdate(lang, state.languages[lang], lengths, old_search)
        for lang in by_language
    }
    for lang, plan in plans.items():
        plan.apply(by_language[lang])

    # write: changed shards and store chunks fresh, everything else linked
    total = changes.doc_first[-1]
    chunks = dirty_chunks(changes, total)
    rewritten = {name for plan in plans.values() for name in plan.files}
    linked = link_unchanged(old_search, search, state, total, chunks, rewritten)
    for plan in plans.values():
        for name, text in plan.files.items():
            (search / name).write_text(text, encoding="utf-8")
    write_chunks(docs, changes, chunks, search)

    first_ref = {d: changes.doc_first[d] for d, n in enumerate(state.doc_counts) if n}
    facets = index.facets_of(docs, changes.kinds, first_ref)
    (search / "facets.json").write_text(index._dump(facets), encoding="utf-8")
    languages = {}
    for lang, lang_state in sorted(state.languages.items()):
        shards = plans[lang].shards if lang in plans else lang_state.shards
        languages[lang] = index.language_entry(lang, lang_state.count, shards)
    manifest = index.manifest_of(docs, total, languages)
    manifest_text = index._dump(manifest)
    (search / "manifest.json").write_text(manifest_text, encoding="utf-8")

    new_state = dataclasses.replace(
        state,
        manifest=manifest_stamp(search / "manifest.json"),
        doc_keys=keys,
        entry_hashes=bytes(changes.entry_hashes),
        lengths=lengths,
        kinds=changes.kinds,
        languages={**state.languages, **{lang: plan.new_state() for lang, plan in plans.items()}},
    )
    run = IndexRun(
        manifest,
        "fast",
        "",
        len(changes.refs),
        sum(len(p.dirty) for p in plans.values()),
        len(rewritten),
        len(chunks),
        linked,
    )
    return run, new_state


def dirty_chunks(changes: Changes, total: int) -> set[int]:
    """Store chunks holding a paragraph of a changed document (its rows or its record)."""
    out: set[int] = set()
    for d in changes.docs:
        first, end = changes.doc_first[d], changes.doc_first[d + 1]
        if end > first:
            out.update(range(first // index.STORE_CHUNK, (end - 1) // index.STORE_CHUNK + 1))
    return out


def write_chunks(docs: list[Document], changes: Changes, chunks: set[int], search: Path) -> None:
    total = changes.doc_first[-1]
    entries_of = dict(changes.fresh)
    for c in sorted(chunks):
        start, end = c * index.STORE_CHUNK, min(total, (c + 1) * index.STORE_CHUNK)
        rows: list[index.Entry] = []
        d = bisect_right(changes.doc_first, start) - 1
        while d < len(docs) and changes.doc_first[d] < end:
            if d not in entries_of:
                entries_of[d] = index.document_entries(docs[d], d, changes.doc_first[d])
            rows += [e for e in entries_of[d] if start <= e.ref < end]
            d += 1
        text = index._dump(index.store_chunk(docs, rows, start))
        (search / "store" / f"{c}.json").write_text(text, encoding="utf-8")


def _link(source: Path, target: Path) -> None:
    if not reuse.link_or_copy(source, target):
        raise Fallback(f"{source} is missing from the previous site")


def link_unchanged(
    old_search: Path,
    search: Path,
    state: IndexState,
    total: int,
    chunks: set[int],
    rewritten: set[str],
) -> int:
    """Hard-link every store chunk and shard that stays the same; how many."""
    (search / "store").mkdir()
    linked = 0
    for c in range(-(-total // index.STORE_CHUNK)):
        if c not in chunks:
            _link(old_search / "store" / f"{c}.json", search / "store" / f"{c}.json")
            linked += 1
    for lang, lang_state in state.languages.items():
        (search / lang).mkdir()
        for n in range(len(lang_state.shards)):
            name = index.shard_name(lang, n)
            if name not in rewritten:
                _link(old_search / name, search / name)
                linked += 1
    return linked


class LanguageUpdate:
    """The update of one language's postings, scores and shards (nothing written here)."""

    def __init__(self, lang: str, state: LanguageState, lengths: array[int], old_search: Path):
        self.lang = lang
        self.state = state
        self.lengths = lengths  # per ref, updated in place for the changed paragraphs
        self.old_search = old_search
        self.terms: list[str] = state.terms
        self.offsets = list(accumulate(state.counts, initial=0))
        self.next_index: int = state.next_index
        self.shards = [list(s) for s in state.shards]
        self.shard_digests = list(state.shard_digests)
        self.dirty: dict[str, tuple[int, list[int], list[int]]] = {}  # term -> (index, refs, tfs)
        self.term_shard: dict[str, int] = {}  # shard of each dirty term (first piece)
        self.files: dict[str, str] = {}  # shard file -> new text

    def apply(self, changed: list[tuple[int, str, str]]) -> None:
        frequencies, rescore = self.analyse(changed)
        for term in sorted(frequencies.keys() | rescore):
            self.update_term(term, frequencies.get(term, {}))
        self.plan_files()

    def analyse(
        self, changed: list[tuple[int, str, str]]
    ) -> tuple[dict[str, dict[int, int]], set[str]]:
        """Per term the refs whose frequency changed (0: gone); the terms of paragraphs
        whose length changed (all their scores change)."""
        frequencies: dict[str, dict[int, int]] = {}
        rescore: set[str] = set()
        delta = 0
        for ref, old_text, new_text in changed:
            old = Counter(textpipe.analyze(old_text, self.lang))
            new_terms = textpipe.analyze(new_text, self.lang)
            new = Counter(new_terms)
            if sum(old.values()) != self.lengths[ref]:
                raise Fallback("the index state does not match the previous text")
            delta += len(new_terms) - self.lengths[ref]
            if len(new_terms) != self.lengths[ref]:
                rescore.update(new)
            self.lengths[ref] = len(new_terms)
            for term in old.keys() | new.keys():
                if old[term] != new[term]:
                    frequencies.setdefault(term, {})[ref] = new[term]
        if delta:
            raise Fallback(f"{self.lang}: the total paragraph length changed, so every score")
        return frequencies, rescore

    def update_term(self, term: str, changed: dict[int, int]) -> None:
        i = bisect_left(self.terms, term)
        known = i < len(self.terms) and self.terms[i] == term
        tf: dict[int, int] = {}
        if known:
            a, b = self.offsets[i], self.offsets[i + 1]
            tf = dict(zip(self.state.post_refs[a:b], self.state.post_tfs[a:b], strict=True))
        for ref, n in changed.items():
            if n:
                tf[ref] = n
            else:
                tf.pop(ref, None)
        refs = sorted(tf)
        if known:
            t_index = self.state.t_index[i]
            self.term_shard[term] = self.state.term_shard[i]
        else:
            t_index = self.next_index
            self.next_index += 1
            self.term_shard[term] = self.shard_for_new_term(i)
        self.dirty[term] = (t_index, refs, [tf[r] for r in refs])

    def shard_for_new_term(self, i: int) -> int:
        """A term not yet indexed joins the shard of its left neighbour, or of its right one
        when the left is a common word's piece."""
        for j in (i - 1, i):
            if 0 <= j < len(self.terms):
                s = self.state.term_shard[j]
                if len(self.shards[s]) == 2:  # not a common word's
                    return int(s)
        raise Fallback(f"{self.lang}: no shard for a new term")

    def scored(self, refs: list[int], tfs: list[int]) -> list[tuple[int, float]]:
        """``AnalyzedBuilder._create_field_vectors`` for one term, then Vector.serialize."""
        n = self.state.count
        average = self.state.length_sum / n
        k1, b = _bm25()
        idf = Idf({index.FIELD: dict.fromkeys(refs)}, n)
        out = []
        for ref, tf in zip(refs, tfs, strict=True):
            length = self.lengths[ref]
            score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (length / average)) + tf)
            out.append((ref, round(round(score, 3), 3)))
        return out

    def plan_files(self) -> None:
        budget = int(index.SHARD_BYTES)
        by_shard: dict[int, dict[str, list[Any] | None]] = {}
        for term, (t_index, refs, tfs) in self.dirty.items():
            s = self.term_shard[term]
            item = index.encode_term(term, t_index, self.scored(refs, tfs)) if refs else None
            if len(self.shards[s]) == 3:  # a common word's top piece, then its pieces
                self.plan_pieces(s, term, item, budget)
            else:
                if item is not None and index._size(item) > budget:
                    raise Fallback(f"{self.lang}: {term!r} outgrew the shard budget")
                by_shard.setdefault(s, {})[term] = item
        for s, items in by_shard.items():
            self.plan_shard(s, items)

    def plan_shard(self, s: int, items: dict[str, list[Any] | None]) -> None:
        name = index.shard_name(self.lang, s)
        try:
            text = (self.old_search / name).read_text(encoding="utf-8")
        except OSError:
            raise Fallback(f"{name} of the previous site is unreadable") from None
        if digest(text) != self.shard_digests[s]:
            raise Fallback(f"{name} of the previous site does not match the index state")
        terms = {item[0]: item for item in json.loads(text)["terms"]}
        for term, item in items.items():
            if item is None:
                terms.pop(term, None)
            else:
                terms[term] = item
        if not terms:
            raise Fallback(f"{self.lang}: a shard lost all its terms")
        ordered = [terms[t] for t in sorted(terms)]
        self.set_file(s, [ordered[0][0], ordered[-1][0]], {"terms": ordered})

    def plan_pieces(self, s: int, term: str, item: list[Any] | None, budget: int) -> None:
        """A common word (its top piece at ``s``, then its pieces): cut again, into as many
        pieces as before, and its top piece taken again."""
        if item is None or index._size(item) <= budget:
            raise Fallback(f"{self.lang}: {term!r} is no longer a common word")
        t_index, refs, tfs = self.dirty[term]
        top, *pieces = index.common_word_shards(term, t_index, self.scored(refs, tfs), budget)
        old = [
            k
            for k in range(s + 1, len(self.shards))
            if len(self.shards[k]) == 4 and self.shards[k][0] == term
        ]
        if len(old) != len(pieces) or old != list(range(s + 1, s + 1 + len(old))):
            raise Fallback(f"{self.lang}: {term!r} needs another number of pieces")
        self.set_file(s, [term, term, top["top"]], top)
        for k, piece in zip(old, pieces, strict=True):
            self.set_file(k, [term, term, *piece["refs"]], piece)

    def set_file(self, s: int, entry: list[Any], shard: dict[str, Any]) -> None:
        """Shard ``s`` becomes ``shard`` (manifest entry ``entry``)."""
        text = index._dump(index.shard_file(shard))
        self.shards[s] = entry
        self.shard_digests[s] = digest(text)
        self.files[index.shard_name(self.lang, s)] = text

    def new_state(self) -> LanguageState:
        """The language state with the dirty terms' postings replaced, inserted or dropped."""
        old = self.state
        terms: list[str] = []
        t_index, counts, refs, term_shard = array("I"), array("I"), array("I"), array("I")
        tfs = array(old.post_tfs.typecode)

        def copy(a: int, b: int) -> None:  # old terms a..b-1 as they were
            nonlocal tfs
            terms.extend(self.terms[a:b])
            t_index.extend(old.t_index[a:b])
            counts.extend(old.counts[a:b])
            term_shard.extend(old.term_shard[a:b])
            refs.extend(old.post_refs[self.offsets[a] : self.offsets[b]])
            tfs.extend(old.post_tfs[self.offsets[a] : self.offsets[b]])

        done = 0
        for term in sorted(self.dirty):
            i = bisect_left(self.terms, term)
            copy(done, i)
            done = i + 1 if i < len(self.terms) and self.terms[i] == term else i
            ti, term_refs, term_tfs = self.dirty[term]
            if not term_refs:
                continue  # its last posting went: the term is dropped
            terms.append(term)
            t_index.append(ti)
            counts.append(len(term_refs))
            term_shard.append(self.term_shard[term])
            refs.extend(term_refs)
            if max(term_tfs) >= 1 << (8 * tfs.itemsize):
                tfs = array("I", tfs)  # a frequency the narrow array cannot hold
            tfs.extend(term_tfs)
        copy(done, len(self.terms))
        return dataclasses.replace(
            old,
            terms=terms,
            t_index=t_index,
            counts=counts,
            post_refs=refs,
            post_tfs=tfs,
            term_shard=term_shard,
            next_index=self.next_index,
            shards=self.shards,
            shard_digests=self.shard_digests,
        )


@cache
def _bm25() -> tuple[float, float]:
    """lunr.py's default k1 and b, which AnalyzedBuilder uses."""
    builder = Builder()
    return builder._k1, builder._b
