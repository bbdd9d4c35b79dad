"""Stage 7, index: the search index built in full, streamed.

Stage: index. May import: models, index, summaries.

Documents are read one at a time (a LazyDocument's body loaded from the parse cache and let
go): their entries are numbered, written to store chunks as each chunk fills, and sent, as
(ref, text) batches, to the term collector of their language. Nothing holds every
paragraph's text: the build keeps per document its refs, and per ref its kind letter; a
collector keeps postings (12 bytes each), paragraph lengths and its vocabulary. Until
2026-12 the entries of all documents were made first, then pickled to one process per
language: at the corpus the build and its two workers held about 415 + 428 + 403 MiB.

With enough entries (``index.PARALLEL_FROM``) the collectors live in worker processes,
spawned (a forked one would copy the pages of the build's heap its reference counts write),
as many as there are cores; a language goes to the next worker when it is first met, and
each worker writes its languages' segments once the build has sent everything. The files
are the same whichever process writes them (tests/test_summaries.py, the golden site).
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from . import index
from .index import Entry, KeepState, TermCollector
from .models import Document

#: (ref, text) of entries of one language, sent to its collector in one message.
Batch = list[tuple[int, str]]


@dataclass
class Built:
    """What a full build leaves of its entries: per document that has some, its first and
    end ref; per ref, its paragraph kind letter."""

    refs: int = 0
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # doc position -> refs
    kinds: list[str] = field(default_factory=list)  # a string per document with entries

    def add(self, d: int, mine: list[Entry]) -> None:
        self.spans[d] = (mine[0].ref, mine[-1].ref + 1)
        self.kinds.append("".join(e.kind for e in mine))
        self.refs = mine[-1].ref + 1


class StoreWriter:
    """``store/<n>.json``, each written as soon as its STORE_CHUNK refs are known."""

    def __init__(self, search: Path):
        self.folder = search / "store"
        self.folder.mkdir()
        self.pending: list[Entry] = []
        self.records: dict[int, dict[str, str]] = {}  # of the documents of ``pending``
        self.start = 0  # the first ref of the chunk being filled

    def add(self, d: int, doc: Document, mine: list[Entry]) -> None:
        record = self.records[d] = index.doc_record(doc)
        for e in mine:
            if e.ref >= self.start + index.STORE_CHUNK:
                self.flush()
                self.records[d] = record
            self.pending.append(e)

    def flush(self) -> None:
        if self.pending:
            chunk = index.store_chunk(self.records, self.pending, self.start)
            n = self.start // index.STORE_CHUNK
            (self.folder / f"{n}.json").write_text(index._dump(chunk), encoding="utf-8")
        self.pending, self.records = [], {}
        self.start += index.STORE_CHUNK


def document_entries(docs: list[Document]) -> Iterator[tuple[int, Document, list[Entry]]]:
    """(position, document, its entries) of each document, refs numbered in order; each body
    loaded while its entries are made."""
    ref = 0
    for d, doc in enumerate(docs):
        mine = index.document_entries(doc, d, ref)
        ref += len(mine)
        yield d, doc, mine


def collect(collectors: dict[str, TermCollector], lang: str, batch: Batch) -> None:
    if lang not in collectors:
        collectors[lang] = TermCollector(lang)
    collector = collectors[lang]
    for ref, text in batch:
        collector.add_text(ref, text)


def write_collected(
    collectors: dict[str, TermCollector], search: Path, keep: KeepState | None
) -> dict[str, tuple[dict[str, Any], Any]]:
    """Per language: its manifest entry, and what ``keep`` made of its build."""
    return {
        lang: index.write_language(lang, collectors[lang], search, index.SHARD_BYTES, keep)
        for lang in sorted(collectors)
    }


def _collector_process(reader: Any, writer: Any, search: Path, keep: KeepState | None) -> None:
    """A worker: batches in until None, then its languages written; their manifest entries
    (or the error, as text) sent back."""
    collectors: dict[str, TermCollector] = {}
    try:
        while (message := reader.recv()) is not None:
            collect(collectors, *message)
        writer.send(("ok", write_collected(collectors, search, keep)))
    except BaseException:  # noqa: BLE001 - reported to the build, which raises it
        writer.send(("error", traceback.format_exc()))


class Collectors:
    """The term collectors of every language: here, or, once the build is known to be big
    (``index.PARALLEL_FROM`` entries), in worker processes, one per core at most."""

    def __init__(self, search: Path, keep: KeepState | None):
        self.search, self.keep = search, keep
        self.held: list[tuple[str, Batch]] = []  # batches kept until the build is known big
        self.held_entries = 0
        self.parallel = False
        self.slots = max(1, os.cpu_count() or 1)
        self.workers: list[tuple[Any, Any, Any]] = []  # (process, to it, from it)
        self.worker_of: dict[str, int] = {}  # language -> its worker, in the order met

    def add(self, lang: str, batch: Batch) -> None:
        if self.parallel:
            self.send(lang, batch)
            return
        self.held.append((lang, batch))
        self.held_entries += len(batch)
        if self.held_entries > index.PARALLEL_FROM:
            self.parallel = True
            held, self.held = self.held, []
            for message in held:
                self.send(*message)

    def send(self, lang: str, batch: Batch) -> None:
        worker = self.worker_of.setdefault(lang, len(self.worker_of) % self.slots)
        if worker == len(self.workers):
            self.start_worker()
        process, to_worker, from_worker = self.workers[worker]
        try:
            to_worker.send((lang, batch))
        except OSError:  # the worker failed and went: its report says why
            self.result(process, from_worker)
            raise RuntimeError("a search index worker stopped reading") from None

    def start_worker(self) -> None:
        context = get_context("spawn")
        theirs, to_worker = context.Pipe(duplex=False)
        from_worker, mine = context.Pipe(duplex=False)
        process = context.Process(
            target=_collector_process, args=(theirs, mine, self.search, self.keep)
        )
        process.start()
        theirs.close()
        mine.close()
        self.workers.append((process, to_worker, from_worker))

    @staticmethod
    def result(process: Any, from_worker: Any) -> dict[str, tuple[dict[str, Any], Any]]:
        """What a worker sent back once it was done; raises its error."""
        try:
            outcome, value = from_worker.recv()
        except EOFError:
            process.join()
            outcome, value = "error", f"it died (exit code {process.exitcode})"
        process.join()
        if outcome != "ok":
            raise RuntimeError(f"a search index worker failed: {value}")
        return dict(value)

    def finish(self) -> dict[str, tuple[dict[str, Any], Any]]:
        if not self.parallel:
            local: dict[str, TermCollector] = {}
            for lang, batch in self.held:
                collect(local, lang, batch)
            self.held = []
            return write_collected(local, self.search, self.keep)
        for _, to_worker, _ in self.workers:
            to_worker.send(None)
        written: dict[str, tuple[dict[str, Any], Any]] = {}
        for process, _, from_worker in self.workers:
            written.update(self.result(process, from_worker))
        self.workers = []
        return dict(sorted(written.items()))

    def stop(self) -> None:
        """End the workers still running (the build failed, or they are done)."""
        for process, _, _ in self.workers:
            process.terminate()
            process.join()
        self.workers = []


def build_full(
    docs: list[Document], search: Path, keep: KeepState | None = None
) -> tuple[dict[str, Any], dict[str, Any], Built]:
    """Write all of ``search/`` from scratch; (manifest, per language what ``keep`` made of
    its build ({} without it), what the build leaves of its entries)."""
    built = Built()
    store = StoreWriter(search)
    collectors = Collectors(search, keep)
    try:
        for d, doc, mine in document_entries(docs):
            if not mine:
                continue
            built.add(d, mine)
            store.add(d, doc, mine)
            collectors.add(index.index_language(doc.language), [(e.ref, e.text) for e in mine])
        store.flush()
        spans = [(index.document_facets(docs[d]), a, b) for d, (a, b) in built.spans.items()]
        index.write_facets(docs, spans, "".join(built.kinds), search)
        written = collectors.finish()
    finally:
        collectors.stop()
    manifest = index.manifest_of(docs, built.refs, {k: v[0] for k, v in written.items()})
    (search / "manifest.json").write_text(index._dump(manifest), encoding="utf-8")
    return manifest, {k: v[1] for k, v in written.items() if v[1] is not None}, built
