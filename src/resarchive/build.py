"""The build, the whole pipeline at a glance: content/ -> site/.

Stage: the pipeline itself. May import every stage module.

    parse    read -> clean -> segment -> parse -> link, per file    load.load_documents
    render   one HTML page per document, the home and search pages    render
    export   one JSON file per document, catalog.json                 export
    assets   static/ with the search worker made whole                 assets
    index    the split search index                                   index_update.write_search
    swap     the site written aside replaces the old one              output

A rebuild reuses what did not change: parsed files from the parse cache (load.py), pages and
data files of unchanged documents linked from the site in place (reuse.py), the search index
updated in place (index_update.py). One broken file does not hide the others: all errors are
reported together, before anything is written.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import akn_write, anchors, assets, export, index_update, render, reuse
from .errors import ContentError
from .load import load_documents
from .models import Document
from .output import BACKGROUND_REMOVAL_FROM, swap, written_aside
from .report import Built, Log, StageClock, index_line, pages_line, parse_line, stages_line
from .summaries import materialize, paragraph_count

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
STATIC = REPO / "static"
NODE_MODULES = REPO / "node_modules"
DEFAULT_CACHE = REPO / ".cache" / "resarchive"
# The site's name, and the languages of its home and search pages (the first is theirs, the
# others are printed beside it); what each language says is in data/<lang>.yaml.
SITE = {"name": "resarchive", "languages": ("fr", "en")}


class BuildFailed(Exception):
    """Content errors stopped the build before anything was written."""

    def __init__(self, errors: list[ContentError], files: int):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
        self.files = files


def build_site(
    content: Path,
    out: Path,
    log: Log | None = None,
    cache: Path | None = DEFAULT_CACHE,
    jobs: int | None = None,
) -> Built:
    """Parse ``content`` (``cache``: parse-cache folder, None for none), write the site aside,
    swap it in for ``out``. Raises BuildFailed, naming every broken file, before writing."""
    assets.check_vendor(NODE_MODULES)  # before any work: the site could not be finished
    clock = StageClock()
    with clock.stage("parse"):
        loaded = load_documents(content, cache=cache, jobs=jobs)
    if log:
        log(parse_line(loaded.files, loaded.cached, loaded.parsed, loaded.jobs))
        for warning in loaded.warnings:
            log(f"warning: {warning}")
    if loaded.errors:
        raise BuildFailed(loaded.errors, len({e.file for e in loaded.errors}))
    docs = sorted(loaded.documents, key=lambda d: (d.source, d.line))
    out = out.resolve()
    previous = out if (out / "catalog.json").is_file() else None
    state = (
        cache / f"site-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}"
        if cache is not None
        else None
    )
    with written_aside(out) as site:
        timings, reused = write_site(docs, site, log, previous, state, loaded.digests)
        with clock.stage("swap"):
            swap(site, out, background=len(docs) >= BACKGROUND_REMOVAL_FROM)
    clock.timings = {"parse": clock.timings["parse"], **timings, "swap": clock.timings["swap"]}
    if log:
        log(stages_line(clock.timings))
    return Built(
        documents=len(docs),
        paragraphs=sum(paragraph_count(d) for d in docs),
        files=loaded.files,
        cached=loaded.cached,
        parsed=loaded.parsed,
        jobs=loaded.jobs,
        reused=reused,
        timings=clock.timings,
        warnings=len(loaded.warnings),
    )


def write_site(
    docs: list[Document],
    out: Path,
    log: Log | None = None,
    previous: Path | None = None,
    state: Path | None = None,
    digests: dict[str, str] | None = None,
) -> tuple[dict[str, float], int]:
    """Write the whole site into ``out`` (an empty or missing folder): render, export,
    assets, index. Returns seconds per stage and the number of documents whose page and
    data file were linked from ``previous``.

    With ``previous`` (the site in place) and ``state`` (a folder kept for the next build of
    the same site) unchanged documents are linked, not written, and the search index is
    updated rather than rebuilt; the files are the same either way. ``digests``: document
    id -> digest (load.Loaded.digests); a document missing from it is digested here.
    """
    clock = StageClock()
    (out / "doc").mkdir(parents=True)
    (out / "data").mkdir()
    with clock.stage("render"):
        fingerprint = reuse.output_fingerprint(REPO, repr(SITE))
        fresh, record = reuse.link_unchanged(docs, out, previous, state, fingerprint, digests or {})
        fresh = [materialize(doc) for doc in fresh]
        write_pages(docs, fresh, out)
    if log:
        log(pages_line(len(fresh), len(docs)))
    with clock.stage("export"):
        write_data(docs, fresh, out)
    with clock.stage("index"):  # the static assets are timed with the index, as ever
        assets.write_static(STATIC, out / "static", NODE_MODULES)
        run = index_update.write_search(
            docs, out, previous, state / "index" if state is not None else None, digests
        )
    if log:
        log(
            index_line(
                run.path,
                run.changed_paragraphs,
                run.shards_rewritten,
                run.chunks_rewritten,
                run.reason,
            )
        )
    if state is not None:
        record.catalog = reuse.file_digest(out / "catalog.json")
        record.save(state)
    return clock.timings, len(docs) - len(fresh)


def write_pages(docs: list[Document], fresh: list[Document], out: Path) -> None:
    """The render stage: a page per fresh document, then the home and search pages."""
    env = render.make_env(TEMPLATES)
    for doc in fresh:
        (out / anchors.page_url(doc.id)).write_text(
            render.render_document(env, doc, SITE), encoding="utf-8"
        )
    (out / "index.html").write_text(render.render_index(env, docs, SITE), encoding="utf-8")
    (out / "search.html").write_text(render.render_search(env, SITE), encoding="utf-8")


def write_data(docs: list[Document], fresh: list[Document], out: Path) -> None:
    """The export stage: a JSON file and an Akoma Ntoso file per fresh document, then the
    catalog of all."""
    for doc in fresh:
        (out / anchors.data_url(doc.id)).write_text(
            export.dumps(export.document_record(doc)), encoding="utf-8"
        )
        (out / anchors.akn_url(doc.id)).write_text(akn_write.dumps(doc), encoding="utf-8")
    (out / "catalog.json").write_text(export.dumps(export.catalog(docs)), encoding="utf-8")
