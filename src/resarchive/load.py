"""Read and parse every content file, with the parse cache and one process per CPU.

Stage: read -> clean -> segment -> parse -> link (pipeline.parse_source), over a whole content
folder. May import: models, errors, read, pipeline, cache, summaries.

Bad content never raises: every file is read and parsed, and its errors are collected, so one
broken file does not hide the others'. A file whose bytes, sidecar and parser are unchanged
since a build comes from the cache (cache.py) as LazyDocuments (summaries.py).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .cache import ParseCache, StatIndex, content_name, store
from .errors import ContentError
from .models import Document, SourceText
from .read import (
    PDF_SUFFIXES,
    SOURCE_SUFFIXES,
    XML_SUFFIXES,
    page_of_line,
    read_sidecar,
    read_source,
    read_xml,
    rel_name,
    scan_content,
    sidecar_path,
)
from .summaries import Summary, SummaryFile, summarize

PARALLEL_MIN_FILES = 24  # below this, worker start-up costs more than it saves


@dataclass
class Loaded:
    documents: list[Document] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)  # of the files parsed now
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    cached: int = 0  # files whose documents came from the parse cache
    parsed: int = 0  # files parsed in this run
    jobs: int = 1  # processes that parsed them
    changed: list[str] = field(default_factory=list)  # those files (relative names)
    # document id -> a digest of the document (its file's cache key and its position there):
    # equal digests mean equal documents, so their pages can be reused (reuse.py)
    digests: dict[str, str] = field(default_factory=dict)


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def load_documents(content: Path, cache: Path | None = None, jobs: int | None = None) -> Loaded:
    """Parse every content file; collect documents and errors (never raise for content).

    With ``cache`` (a folder), a file whose bytes, sidecar and parser are unchanged is not parsed
    again (see cache.py), and its documents come as LazyDocuments: metadata at hand, text
    loaded from the cache when a stage asks for it (summaries.py). Files to parse go to
    ``jobs`` worker processes (default: one per CPU) when there are at least
    PARALLEL_MIN_FILES of them. Documents and errors come out in file
    order whatever the number of processes.
    """
    out = Loaded()
    content = content.resolve()
    if not content.is_dir():
        out.errors.append(ContentError(str(content), "content folder not found"))
        return out
    found = scan_content(content)
    sources = found.sources
    out.files = len(sources)
    for meta in found.orphans:
        out.errors.append(
            ContentError(
                rel_name(meta, content),
                "metadata file without a text beside it "
                f"(expected {meta.with_suffix('.txt').name})",
            )
        )
    if not sources:
        out.errors.append(
            ContentError(str(content), f"no content files ({', '.join(SOURCE_SUFFIXES)})")
        )

    parse_cache = ParseCache(cache).open() if cache is not None else None
    summaries = SummaryFile(parse_cache.dir, content_name(content)) if parse_cache else None
    results: list[tuple[list[Document], list[ContentError]] | None] = [None] * len(sources)
    keys: list[str | None] = [None] * len(sources)
    todo: list[tuple[int, Path, str | None]] = []
    with no_gc():
        _load_cached(sources, found.sidecars, content, parse_cache, summaries, results, todo, keys)
    out.parsed, out.cached = len(todo), len(sources) - len(todo)
    out.changed = [rel_name(path, content) for _, path, _ in todo]

    jobs = max(1, jobs or cpu_count())
    args = [
        (path, content, parse_cache.dir if parse_cache and key else None, key)
        for _, path, key in todo
    ]
    if jobs > 1 and len(todo) >= PARALLEL_MIN_FILES:
        out.jobs = min(jobs, len(todo))
        with ProcessPoolExecutor(out.jobs) as pool:
            chunk = max(1, min(16, len(todo) // (8 * jobs)))
            parsed = list(pool.map(parse_file, args, chunksize=chunk))
    else:
        parsed = [parse_file(a) for a in args]
    with no_gc():
        for (i, _, key), (data, errors, warnings, stored) in zip(todo, parsed, strict=True):
            out.warnings += [ContentError(*w) for w in warnings]
            if stored is not None and summaries is not None and parse_cache and key:
                docs = summaries.adopt(key, stored, parse_cache.path(key))
            else:
                docs = pickle.loads(data) if data else []
                if summaries is not None and key and data:
                    summaries.remember(key, docs)
            results[i] = (docs, [ContentError(*e) for e in errors])
            keys[i] = key or hashlib.sha256(data).hexdigest()
    if summaries is not None:
        summaries.save()

    for result, key in zip(results, keys, strict=True):
        assert result is not None
        out.documents.extend(result[0])
        out.errors.extend(result[1])
        for n, doc in enumerate(result[0]):
            out.digests[doc.id] = f"{key}:{n}"
    seen: dict[str, Document] = {}
    for doc in out.documents:
        if doc.id in seen:
            other = seen[doc.id]
            out.errors.append(
                ContentError(
                    doc.source,
                    f"document id {doc.id!r} is used twice "
                    f"(also {other.source}:{other.line}); give one an "
                    "'id' in its YAML file",
                    doc.line,
                )
            )
        seen[doc.id] = doc
    return out


@contextmanager
def no_gc() -> Iterator[None]:
    """Unpickling makes many objects and no garbage: cyclic collections would only cost time
    (a third of the load of a warm cache). The objects made are then frozen (gc.freeze), so
    the collections of later stages do not walk the documents again and again; documents hold
    no reference cycles, so reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _load_cached(
    sources: list[Path],
    sidecars: dict[Path, Path],
    content: Path,
    parse_cache: ParseCache | None,
    summaries: SummaryFile | None,
    results: list[tuple[list[Document], list[ContentError]] | None],
    todo: list[tuple[int, Path, str | None]],
    keys: list[str | None],
) -> None:
    """Fill ``results`` (and ``keys``) from the cache, as LazyDocuments where the summaries
    know the entry; append the files to parse to ``todo`` as (i, path, key)."""
    index = StatIndex(parse_cache.dir, content) if parse_cache is not None else None
    for i, path in enumerate(sources):
        key = None
        if parse_cache is not None and index is not None and summaries is not None:
            try:
                key = index.key(rel_name(path, content), path, sidecars.get(path))
            except OSError:
                key = None  # unreadable: parse_file reports it
            docs = summaries.lazy(key, parse_cache.path(key)) if key else None
            if docs is None and key:
                docs = parse_cache.get(key)
                if docs is not None:
                    summaries.remember(key, docs)
            if docs is not None:
                results[i] = (docs, [])
                keys[i] = key
                continue
        todo.append((i, path, key))
    if index is not None:
        index.save()


def parse_file(
    job: tuple[Path, Path, Path | None, str | None],
) -> tuple[bytes, list[tuple[str, str, int]], list[tuple[str, str, int]], list[Summary] | None]:
    """Parse one content file (in a worker process or not): its documents, pickled, or the
    error that stopped it; the warnings of reading it (an AKN file's quirks), as ``(file,
    message, line)`` tuples (a frozen ContentError does not survive unpickling); and, when
    the documents are stored in the cache folder under ``key`` (both given), their summaries
    instead of the pickle (b""): the build reads their bodies from the cache where a stage
    needs them. Warnings are given when the file is parsed, not when its documents come from
    the cache."""
    # late: the parser (and the language data it compiles) is imported only where a file
    # is parsed, which a rebuild with every file in the cache does not do (0.08 s)
    from .pipeline import parse_akn_source, parse_source, source_warnings

    path, content, store_dir, key = job
    warnings: list[ContentError] = []
    try:
        meta_path = sidecar_path(path)
        meta = read_sidecar(meta_path, content) if meta_path else {}
        if path.suffix in XML_SUFFIXES:
            docs, warnings = parse_akn_source(
                rel_name(path, content), read_xml(path, content), meta
            )
        else:
            source = read_source(path, content)
            try:
                docs = parse_source(source, meta)
            except ContentError as error:
                raise _on_page(error, source) from None
            warnings = [_on_page(w, source) for w in source_warnings(source)]
    except ContentError as error:
        return b"", [(error.file, error.message, error.line)], [], None
    except Exception as exc:  # a parser bug must still name the file, not print a traceback
        return (
            b"",
            [
                (
                    rel_name(path, content),
                    f"internal error while parsing ({type(exc).__name__}: {exc})",
                    0,
                )
            ],
            [],
            None,
        )
    data = pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL)
    said = [(w.file, w.message, w.line) for w in warnings]
    if store_dir is not None and key and store(store_dir, key, data):
        return b"", [], said, [summarize(d) for d in docs]
    return data, [], said, None


def _on_page(error: ContentError, source: SourceText) -> ContentError:
    """A PDF has pages, not lines: the error names the page of its line."""
    if not source.rel.lower().endswith(PDF_SUFFIXES) or not error.line:
        return error
    page = page_of_line(source.text, error.line)
    return ContentError(error.file, f"{error.message} (page {page} of the PDF)", 0)
