"""The build: every content file through the stages, then the site written aside and swapped in.

    load_documents: read -> clean -> segment -> parse -> link -> metadata   (per file)
    write_site:     render pages -> export JSON -> static assets -> search index
    swap:           the new site replaces the old one only when all of it was written

One broken file does not hide the others: every file is read and parsed, and all errors are
reported together.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import assets, export, render, reuse
from .cache import ParseCache, StatIndex, content_name, store
from .errors import ContentError
from .models import Document
from .pipeline import parse_source
from .read import (
    TEXT_SUFFIXES,
    read_sidecar,
    read_source,
    rel_name,
    scan_content,
    sidecar_path,
)
from .summaries import SummaryFile, materialize, paragraph_count

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
STATIC = REPO / "static"
SITE = {
    "name": "resarchive",
    "tagline": "Résolutions et décisions de l’ONU et de l’OSCE : lire, chercher, citer un "
               "paragraphe. UN and OSCE resolutions and decisions: read, search, cite a paragraph.",
    "footer": "resarchive — textes reproduits tels qu’imprimés ; source : Nations Unies, OSCE. "
              "Texts as printed; sources: United Nations, OSCE.",
}


class BuildFailed(Exception):
    def __init__(self, errors: list[ContentError], files: int):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
        self.files = files


@dataclass
class Loaded:
    documents: list[Document] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    cached: int = 0  # files whose documents came from the parse cache
    parsed: int = 0  # files parsed in this run
    jobs: int = 1  # processes that parsed them
    changed: list[str] = field(default_factory=list)  # those files (relative names)
    # document id -> a digest of the document (its file's cache key and its position there):
    # equal digests mean equal documents, so their pages can be reused (reuse.py)
    digests: dict[str, str] = field(default_factory=dict)


DEFAULT_CACHE = REPO / ".cache" / "resarchive"
PARALLEL_MIN_FILES = 24  # below this, worker start-up costs more than it saves


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
        out.errors.append(ContentError(rel_name(meta, content),
                                       "metadata file without a text beside it "
                                       f"(expected {meta.with_suffix('.txt').name})"))
    if not sources:
        out.errors.append(ContentError(str(content),
                                       f"no content files ({', '.join(TEXT_SUFFIXES)})"))

    parse_cache = ParseCache(cache).open() if cache is not None else None
    summaries = SummaryFile(parse_cache.dir, content_name(content)) if parse_cache else None
    results: list[tuple[list[Document], list[ContentError]] | None] = [None] * len(sources)
    keys: list[str | None] = [None] * len(sources)
    todo: list[tuple[int, Path, str | None]] = []
    with no_gc():
        _load_cached(sources, found.sidecars, content, parse_cache, summaries, results, todo,
                     keys)
    out.parsed, out.cached = len(todo), len(sources) - len(todo)
    out.changed = [rel_name(path, content) for _, path, _ in todo]

    jobs = max(1, jobs or cpu_count())
    args = [(path, content, parse_cache.dir if parse_cache and key else None, key)
            for _, path, key in todo]
    if jobs > 1 and len(todo) >= PARALLEL_MIN_FILES:
        out.jobs = min(jobs, len(todo))
        with ProcessPoolExecutor(out.jobs) as pool:
            chunk = max(1, min(16, len(todo) // (8 * jobs)))
            parsed = list(pool.map(parse_file, args, chunksize=chunk))
    else:
        parsed = [parse_file(a) for a in args]
    with no_gc():
        for (i, _, key), (data, errors) in zip(todo, parsed, strict=True):
            docs = pickle.loads(data) if data else []
            results[i] = (docs, [ContentError(*e) for e in errors])
            keys[i] = key or hashlib.sha256(data).hexdigest()
            if summaries is not None and key and data:
                summaries.remember(key, docs)
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
            out.errors.append(ContentError(doc.source, f"document id {doc.id!r} is used twice "
                                           f"(also {other.source}:{other.line}); give one an "
                                           "'id' in its YAML file", doc.line))
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


def _load_cached(sources: list[Path], sidecars: dict[Path, Path], content: Path,
                 parse_cache: ParseCache | None, summaries: SummaryFile | None, results: list,
                 todo: list, keys: list) -> None:
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


def parse_file(job: tuple[Path, Path, Path | None, str | None]) -> tuple[bytes, list[tuple]]:
    """Parse one content file (in a worker process or not): its documents, pickled (and stored
    in the cache folder under ``key`` when both are given), or the error that stopped it as a
    ``(file, message, line)`` tuple (a frozen ContentError does not survive unpickling)."""
    path, content, store_dir, key = job
    try:
        src = read_source(path, content)
        meta_path = sidecar_path(path)
        meta = read_sidecar(meta_path, content) if meta_path else {}
        docs = parse_source(src, meta)
    except ContentError as error:
        return b"", [(error.file, error.message, error.line)]
    except Exception as exc:  # a parser bug must still name the file, not print a traceback
        return b"", [(rel_name(path, content),
                      f"internal error while parsing ({type(exc).__name__}: {exc})", 0)]
    data = pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL)
    if store_dir is not None and key:
        store(store_dir, key, data)
    return data, []


def write_site(docs: list[Document], out: Path, log: Callable[[str], None] | None = None,
               previous: Path | None = None, state: Path | None = None,
               digests: dict[str, str] | None = None) -> tuple[dict[str, float], int]:
    """Write the whole site into ``out`` (an empty folder). Returns seconds per stage and the
    number of document pages linked from ``previous``.

    With ``previous`` (the site in place) and ``state`` (a folder this function keeps for the
    next build of the same site), the page and data file of an unchanged document are linked
    from ``previous`` (reuse.py) and the search index is updated rather than rebuilt
    (index.write_index); the files written are the same either way. ``digests``: document
    id -> digest (Loaded.digests); a document missing from it is digested here.
    """
    from . import index_update  # the search stage; imported here to keep parse-only uses light

    timings: dict[str, float] = {}
    t = time.perf_counter()
    env = render.make_env(TEMPLATES)
    (out / "doc").mkdir(parents=True)
    (out / "data").mkdir()
    fingerprint = reuse.output_fingerprint(REPO, repr(SITE))
    reusable = reuse.reusable_pages(reuse.PageRecord.load(state), fingerprint, previous)
    record = reuse.PageRecord(fingerprint)
    fresh = []
    for doc in docs:
        url = render.doc_url(doc)
        digest = (digests or {}).get(doc.id) or reuse.document_digest(doc)
        record.digests[url] = digest
        if reusable.get(url) == digest and previous is not None and \
                reuse.link_or_copy(previous / url, out / url) and \
                reuse.link_or_copy(previous / render.data_url(doc), out / render.data_url(doc)):
            continue
        (out / url).unlink(missing_ok=True)  # linked before its data file went missing
        doc = materialize(doc)
        (out / url).write_text(render.render_document(env, doc, SITE), encoding="utf-8")
        fresh.append(doc)
    (out / "index.html").write_text(render.render_index(env, docs, SITE), encoding="utf-8")
    (out / "search.html").write_text(render.render_search(env, SITE), encoding="utf-8")
    timings["render"] = time.perf_counter() - t
    if log:
        log(f"pages: {len(fresh)} rendered, {len(docs) - len(fresh)} unchanged since the last "
            "build")
    t = time.perf_counter()
    for doc in fresh:
        (out / render.data_url(doc)).write_text(export.dumps(export.document_record(doc)),
                                                encoding="utf-8")
    (out / "catalog.json").write_text(export.dumps(export.catalog(docs)), encoding="utf-8")
    timings["export"] = time.perf_counter() - t
    t = time.perf_counter()
    assets.write_static(STATIC, out / "static")
    run = index_update.write_search(docs, out, previous,
                                    state / "index" if state is not None else None, digests)
    timings["index"] = time.perf_counter() - t
    if log:
        log(f"index: updated in place, {run.changed_paragraphs} paragraphs changed, "
            f"{run.shards_rewritten} shards and {run.chunks_rewritten} store chunks rewritten"
            if run.path == "fast" else f"index: built in full ({run.reason})")
    if state is not None:
        record.catalog = reuse.file_digest(out / "catalog.json")
        record.save(state)
    return timings, len(docs) - len(fresh)


BACKGROUND_REMOVAL_FROM = 500  # documents; removing a large old site takes a second or more


def swap(new: Path, out: Path, background: bool = False) -> None:
    """Replace ``out`` by ``new`` with renames, so a reader never sees a half-written site.

    The old site is then garbage; with ``background`` a detached process removes it, so the
    build returns as soon as the new site is in place.
    """
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    new.rename(out)
    if not old.exists():
        return
    if background:
        try:
            remove = "import shutil, sys; shutil.rmtree(sys.argv[1])"
            subprocess.Popen([sys.executable, "-c", remove, str(old)], start_new_session=True,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
            return
        except OSError:
            pass
    shutil.rmtree(old)


@dataclass
class Built:
    """What a build made; ``str()`` is the summary line."""

    documents: int
    paragraphs: int  # preambular + operative, as the summary line counts them
    files: int
    cached: int  # files whose parse came from the cache
    parsed: int  # files parsed by this build
    jobs: int
    reused: int  # document pages linked from the previous site, not rendered again
    timings: dict[str, float]  # seconds per stage: parse, render, export, index, ..., swap

    def __str__(self) -> str:
        return f"{self.documents} documents ({self.paragraphs} paragraphs) from {self.files} files"


def build_site(content: Path, out: Path, log: Callable[[str], None] | None = None,
               cache: Path | None = DEFAULT_CACHE, jobs: int | None = None) -> Built:
    """Parse ``content`` (``cache``: parse-cache folder, None for none), write the site aside,
    swap it in for ``out``. Raises BuildFailed, naming every broken file, before writing."""
    t = time.perf_counter()
    loaded = load_documents(content, cache=cache, jobs=jobs)
    parse_seconds = time.perf_counter() - t
    if log:
        how = f"{loaded.parsed} parsed"
        how += f" in {loaded.jobs} processes" if loaded.jobs > 1 else ""
        log(f"parse: {loaded.files} files, {loaded.cached} from cache, {how}")
    if loaded.errors:
        raise BuildFailed(loaded.errors, len({e.file for e in loaded.errors}))
    docs = sorted(loaded.documents, key=lambda d: (d.source, d.line))
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    previous = out if (out / "catalog.json").is_file() else None
    state = cache / f"site-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}" \
        if cache is not None else None
    try:
        timings, reused = write_site(docs, tmp, log, previous=previous, state=state,
                                     digests=loaded.digests)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    t = time.perf_counter()
    swap(tmp, out, background=len(docs) >= BACKGROUND_REMOVAL_FROM)
    timings = {"parse": parse_seconds, **timings, "swap": time.perf_counter() - t}
    built = Built(documents=len(docs),
                  paragraphs=sum(paragraph_count(d) for d in docs),
                  files=loaded.files, cached=loaded.cached, parsed=loaded.parsed,
                  jobs=loaded.jobs, reused=reused, timings=timings)
    if log:
        log("stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    return built
