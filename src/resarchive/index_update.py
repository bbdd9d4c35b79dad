"""Update the search index of the previous site after an edit, instead of rebuilding it.

Stage: index. May import: models, index, index_full, index_state, textpipe, output.

A full build of the index (index.py) analyses every paragraph: a minute and more at 300,000
paragraphs. An update touches only what the edit touched, as a Lucene index does:

* documents are matched by id; a document whose key changed (index_state.document_keys) is
  removed and added again;
* an added document's paragraphs get new refs, after every ref in use, and go into a new
  **segment** of its language: buckets of their own (``<lang>/s<n>/``), planned as a full
  build plans them. Scores are not stored (the worker computes them from each posting's term
  frequency and paragraph length, and the manifest's paragraph count and total length), so
  no file of the older segments changes;
* a removed document's refs are listed in the manifest's ``deleted`` ranges, which the
  worker skips; its language's numbers lose its paragraphs; and each common word it held
  (a word cut into pieces, whose paragraph count is stored in its bucket) has its bucket
  file rewritten with the count lowered;
* the store gets the new rows after the old ones (the last, partial chunk rewritten); the
  facet files and the manifest are written again; every other file is hard-linked from the
  previous site.

Segments are merged as they pile up: beyond ``MAX_SEGMENTS`` in a language, the segments after
the first are read back and written as one (their removed paragraphs dropped). Past
``MAX_GROWTH`` (paragraphs added since the full build, or removed, as a share of those it
had), or without a usable state, the index is built in full, which writes what
``index_full.build_full`` always wrote and saves a fresh state.

What comes out answers every query as a full build of the same documents would: the same
paragraphs, the same scores (tests/test_index_update.py compares both with lunr.js on the
live paragraphs); only the refs differ, and with them the order of equal scores.
"""

from __future__ import annotations

import json
import os
import shutil
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import index, index_full, textpipe
from .index_state import (
    HASH_BYTES,
    DocumentState,
    Fallback,
    IndexState,
    LanguageState,
    SegmentState,
    document_keys,
    full_state,
    language_state,
    manifest_stamp,
    pieced_terms,
)
from .models import Document
from .output import Draft

MAX_SEGMENTS = 4  # per language; beyond, the segments after the first are merged
MAX_GROWTH = 0.25  # paragraphs added or removed since the full build, as a share of it


@dataclass
class IndexRun:
    """What ``write_search`` did: which path, why, and how much it wrote."""

    manifest: dict[str, Any]
    path: str  # "fast" (updated) or "full"
    reason: str = ""  # why the full path was taken
    added: int = 0  # documents added (a changed one counts as removed and added)
    removed: int = 0
    changed_paragraphs: int = 0  # paragraphs added and removed
    shards_rewritten: int = 0  # index files written
    chunks_rewritten: int = 0  # store chunks written
    files_linked: int = 0
    merged: list[str] = field(default_factory=list)  # languages whose segments were merged


# ------------------------------------------------------------------ entry point


def write_search(
    docs: list[Document],
    out: Path,
    previous: Path | None,
    state: Path | None,
    digests: dict[str, str] | None = None,
    draft: Draft | None = None,
    full: bool = True,
) -> IndexRun | None:
    """``out/search/``: updated from ``previous`` when ``state`` allows it (see the module
    docstring), else built in full (or, if not ``full``, left empty: None); the state is
    saved for next time whenever ``state`` is given. ``draft``: how files of ``previous``
    are carried over (output.Draft; by default linked into ``out``)."""
    search = out / "search"
    search.mkdir(exist_ok=True)
    reason = "no previous site or no state folder"
    if previous is not None and state is not None:
        draft = draft or Draft(out, previous)
        try:
            saved = IndexState.load(state, previous / "search")
            run = Update(docs, search, previous / "search", saved, digests, draft).run()
        except Fallback as why:
            reason = str(why)
            shutil.rmtree(search)  # whatever the attempt linked or wrote
            search.mkdir()
            draft.forget("search/")
        else:
            saved.save(state)
            return run
    if not full:
        return None
    keep = language_state if state is not None else None
    manifest, languages, built = index_full.build_full(docs, search, keep)
    if state is not None:
        full_state(docs, built, search / "manifest.json", languages, digests).save(state)
    return IndexRun(manifest, "full", reason)


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Fallback(f"{path.name} of the previous site is unreadable") from None


class Update:
    """One update of the index: plans and writes; changes ``state`` in place to describe the
    new site (the caller saves it). Raises Fallback before writing anything it cannot do."""

    def __init__(
        self,
        docs: list[Document],
        search: Path,
        old_search: Path,
        state: IndexState,
        digests: dict[str, str] | None,
        draft: Draft,
    ):
        self.docs = docs
        self.draft = draft
        self.search = search
        self.old = old_search
        self.state = state
        self.digests = digests
        self.written: dict[str, str] = {}  # file under search/ -> text
        self.dropped: set[str] = set()  # folders of the previous site not carried over
        self.run_info = IndexRun({}, "fast")

    # ------------------------------------------------------------------ plan

    def run(self) -> IndexRun:
        keys = document_keys(self.docs, self.digests)
        by_id = {doc.id: d for d, doc in enumerate(self.docs)}
        known = self.state.documents
        removed = [
            doc_id
            for doc_id, kept in known.items()
            if doc_id not in by_id
            or keys[by_id[doc_id] * HASH_BYTES : (by_id[doc_id] + 1) * HASH_BYTES] != kept.key
        ]
        gone = set(removed)
        added = [d for d, doc in enumerate(self.docs) if doc.id not in known or doc.id in gone]
        self.check_growth(removed, added)
        self.remove([known[i] for i in removed])
        for doc_id in removed:
            del known[doc_id]
        new_entries = self.add(added, keys)
        for lang in sorted(self.state.languages):
            if len(self.state.languages[lang].segments) > MAX_SEGMENTS:
                self.merge(lang)
        chunks = self.store(new_entries)
        self.write(chunks)
        info = self.run_info
        info.added, info.removed = len(added), len(removed)
        info.shards_rewritten = sum(1 for name in self.written if "/s" in name)
        info.chunks_rewritten = len(chunks)
        return info

    def check_growth(self, removed: list[str], added: list[int]) -> None:
        """Fallback when the index has drifted too far from its full build."""
        known, built = self.state.documents, self.state.built
        gone = sum(known[i].end - known[i].first for i in removed)
        dead = sum(b - a for a, b in self.state.deleted) + gone
        grown = self.state.next_ref - built
        grown += sum(len(list(index.document_paragraphs(self.docs[d]))) for d in added)
        if max(dead, grown) > MAX_GROWTH * max(built, 1000):
            raise Fallback(
                f"{dead} paragraphs removed and {grown} added since the full build"
                f" (over {MAX_GROWTH:.0%} of its {built})"
            )

    def remove(self, documents: list[DocumentState]) -> None:
        """Each document's refs marked removed; its language's numbers and its common words'
        counts lowered."""
        if not documents:
            return
        texts = self.old_texts([r for d in documents for r in range(d.first, d.end)])
        lowered: Counter[tuple[str, str, str]] = Counter()  # (lang, segment, term) -> count
        for doc in documents:
            lang = self.state.languages[doc.language]
            for ref in range(doc.first, doc.end):
                lang.paragraphs -= 1
                lang.length_sum -= self.state.lengths[ref]
                segment = next(s for s in lang.segments if s.first <= ref < s.end)
                for term in set(textpipe.analyze(texts[ref], doc.language)):
                    if term in segment.pieced:
                        lowered[(doc.language, segment.name, term)] += 1
            self.add_deleted(doc.first, doc.end)
            self.run_info.changed_paragraphs += doc.end - doc.first
        for (lang_name, segment_name, term), n in sorted(lowered.items()):
            lang = self.state.languages[lang_name]
            segment = next(s for s in lang.segments if s.name == segment_name)
            segment.pieced[term] -= n
            b = index.term_bucket(term, segment.buckets)
            name = f"{lang_name}/{segment.name}/{b}.json"
            bucket = (
                json.loads(self.written[name]) if name in self.written else _read(self.old / name)
            )
            for r in bucket["shards"]:
                if len(r) == 3 and r[0] == term:
                    r[2]["df"] = segment.pieced[term]
            self.written[name] = index._dump(bucket)

    def add_deleted(self, first: int, end: int) -> None:
        if end > first:
            self.state.deleted = sorted([*self.state.deleted, (first, end)])

    def old_texts(self, refs: list[int]) -> dict[int, str]:
        """The previous text of each of ``refs``, from the previous site's store."""
        chunk_size = index.STORE_CHUNK
        out: dict[int, str] = {}
        for c in sorted({r // chunk_size for r in refs}):
            chunk = _read(self.old / "store" / f"{c}.json")
            for ref in refs:
                if ref // chunk_size == c:
                    row = chunk["rows"][ref - chunk["first"]]
                    if row is None:
                        raise Fallback("the previous store does not match the index state")
                    out[ref] = row[3]
        return out

    def add(self, added: list[int], keys: bytes) -> list[index.Entry]:
        """The ``added`` documents (positions in ``docs``) numbered after everything, and
        written as a new segment per language; their entries."""
        state = self.state
        fresh: list[index.Entry] = []
        for d in added:
            doc = self.docs[d]
            number = state.next_number
            state.next_number += 1
            mine = index.document_entries(doc, number, state.next_ref)
            state.documents[doc.id] = DocumentState(
                keys[d * HASH_BYTES : (d + 1) * HASH_BYTES],
                index.index_language(doc.language),
                number,
                state.next_ref,
                state.next_ref + len(mine),
                index.document_facets(doc),
            )
            state.next_ref += len(mine)
            fresh += mine
        self.records = {
            state.documents[self.docs[d].id].number: index.doc_record(self.docs[d]) for d in added
        }
        by_language: dict[str, list[index.Entry]] = {}
        for e in fresh:
            by_language.setdefault(index.index_language(e.language), []).append(e)
        lengths = array("I", [0]) * len(fresh)
        first = fresh[0].ref if fresh else 0
        for lang_name, mine in sorted(by_language.items()):
            lang = state.languages.get(lang_name)
            if lang is None:
                lang = state.languages[lang_name] = LanguageState(0, 0, {}, 0, [], 0)
            collector = index.TermCollector(lang_name, lang.term_indexes, lang.next_index)
            index.analyzed(mine, lang_name, collector)
            for term, term_index in collector.term_indexes.items():
                lang.term_indexes.setdefault(term, term_index)
            lang.next_index = collector.term_index
            for ref, n in collector.lengths.items():
                lengths[ref - first] = n
            added_stats = collector.stats()
            lang.paragraphs += added_stats.paragraphs
            lang.length_sum += added_stats.length_sum
            self.new_segment(
                lang_name, lang, collector.postings(), collector.forms, mine[0].ref,
                mine[-1].ref + 1,
            )  # fmt: skip
        state.lengths.extend(lengths)
        state.kinds += "".join(e.kind for e in fresh).encode("ascii")
        self.run_info.changed_paragraphs += len(fresh)
        return fresh

    def new_segment(
        self,
        lang_name: str,
        lang: LanguageState,
        terms: list[index.Term],
        forms: dict[str, str],
        first: int,
        end: int,
    ) -> None:
        name = f"s{lang.next_segment}"
        lang.next_segment += 1
        buckets, files = index.plan_buckets(terms, index.SHARD_BYTES, lang.stats(), forms)
        for file, content in files.items():
            self.written[f"{lang_name}/{name}/{file}"] = index._dump(content)
        lang.segments.append(SegmentState(name, buckets, first, end, pieced_terms(files)))

    def merge(self, lang_name: str) -> None:
        """The segments after the first, read back (from this update's files or the previous
        site's) and written as one, removed paragraphs dropped."""
        lang = self.state.languages[lang_name]
        tail = lang.segments[1:]
        postings: dict[str, tuple[int, dict[int, tuple[int, int, int]]]] = {}
        forms: dict[str, str] = {}
        for segment in tail:
            items, found_forms = self.segment_items(lang_name, segment)
            forms.update(found_forms)
            for item in items:
                term, t_index, found = index.decode_term(item)
                held = postings.setdefault(term, (t_index, {}))[1]
                for p in found:
                    if not self.is_deleted(p[0]):
                        held[p[0]] = p
            folder = f"{lang_name}/{segment.name}/"
            self.dropped.add(folder.rstrip("/"))
            for name in [n for n in self.written if n.startswith(folder)]:
                del self.written[name]  # a segment this update wrote, merged at once
        terms = [
            (term, t_index, [held[r] for r in sorted(held)])
            for term, (t_index, held) in sorted(postings.items())
            if held
        ]
        lang.segments = lang.segments[:1]
        self.new_segment(lang_name, lang, terms, forms, tail[0].first, tail[-1].end)
        self.run_info.merged.append(lang_name)

    def segment_items(
        self, lang_name: str, segment: SegmentState
    ) -> tuple[list[list[Any]], dict[str, str]]:
        """Every term item of a segment's buckets and shards (top pieces aside: the pieces
        hold their postings), and its stem forms."""

        def read(name: str) -> Any:
            key = f"{lang_name}/{segment.name}/{name}"
            return json.loads(self.written[key]) if key in self.written else _read(self.old / key)

        items: list[list[Any]] = []
        forms: dict[str, str] = {}
        for b in range(segment.buckets):
            bucket = read(f"{b}.json")
            items += bucket["terms"]
            forms.update({w: t or w for w, t in bucket["forms"].items()})
            for k, r in enumerate(bucket["shards"]):
                if len(r) != 3:
                    items += read(f"{b}-{k}.json")["terms"]
        return items, forms

    def is_deleted(self, ref: int) -> bool:
        return any(a <= ref < b for a, b in self.state.deleted)

    # ----------------------------------------------------------------- write

    def store(self, fresh: list[index.Entry]) -> list[int]:
        """Store chunks holding new rows, written: the old chunk the new rows start in keeps
        its rows. Their numbers."""
        if not fresh:
            return []
        size = index.STORE_CHUNK
        first_chunk = fresh[0].ref // size
        chunks = []
        for c in range(first_chunk, (fresh[-1].ref // size) + 1):
            start = c * size
            rows = [e for e in fresh if start <= e.ref < start + size]
            records = dict(self.records)
            content = index.store_chunk(records, rows, start)
            if c == first_chunk and fresh[0].ref > start:
                old = _read(self.old / "store" / f"{c}.json")
                content["docs"] = {**old["docs"], **content["docs"]}
                content["rows"] = old["rows"] + content["rows"][len(old["rows"]) :]
            self.written[f"store/{c}.json"] = index._dump(content)
            chunks.append(c)
        return chunks

    def write(self, chunks: list[int]) -> None:
        """Carry over every file of the previous index that stays (self.draft), write the
        new ones, the facets and the manifest."""
        search, old = self.search, self.old
        rewritten = set(self.written) | {"manifest.json"}
        linked = 0
        # os.walk, not rglob and is_dir: the directory entries say what is a folder, where a
        # stat of each of the index's files cost 1.5 s at 300,000 paragraphs
        for top, folders, files in os.walk(old):
            folders.sort()
            rel = Path(top).relative_to(old).as_posix()
            if rel == "." or rel == "facets" or rel.startswith("facets/") or self.is_dropped(rel):
                continue
            if not self.draft.in_place:
                (search / rel).mkdir(parents=True, exist_ok=True)
            for file in sorted(files):
                name = f"{rel}/{file}"
                if name in rewritten:
                    continue
                if not self.draft.carry(f"search/{name}"):
                    raise Fallback(f"{top}/{file} is missing from the previous site")
                linked += 1
        for name, text in self.written.items():
            target = search / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        state = self.state
        index.write_facets(self.docs, state.spans(), state.kinds.decode("ascii"), search)
        languages = {
            lang: entry.manifest_entry(lang) for lang, entry in sorted(state.languages.items())
        }
        deleted = index.ranges_flat(state.deleted)
        manifest = index.manifest_of(self.docs, state.live(), languages, deleted)
        (search / "manifest.json").write_text(index._dump(manifest), encoding="utf-8")
        state.manifest = manifest_stamp(search / "manifest.json")
        self.run_info.manifest = manifest
        self.run_info.files_linked = linked

    def is_dropped(self, rel: str) -> bool:
        return any(rel == d or rel.startswith(d + "/") for d in self.dropped)
