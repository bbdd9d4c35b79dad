"""The build, the whole pipeline at a glance: content/ -> site/.

Stage: the pipeline itself. May import every stage module.

    parse    read -> clean -> segment -> parse -> link, per file    load.load_documents
    relate   language versions, citations between documents          relations.relate
    render   a page per document and per pair of language versions,   render
             the home and search pages in each interface language
    export   one JSON file per document, catalog.json                 export
    assets   static/ with the search worker made whole                 assets
    index    the split search index                                   index_update.write_search
    swap     the new site put in place: swapped in whole, or its        output
             changed files moved in one by one (journaled)

A rebuild reuses what did not change: parsed files from the parse cache (load.py), pages and
data files of unchanged documents kept in the site in place (reuse.py, output.Draft), the
search index updated in place (index_update.py). One broken file does not hide the others:
all errors are reported together, before anything is written.
"""

from __future__ import annotations

import gc
import hashlib
import json
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment

from . import (
    agreed,
    akn_write,
    align,
    anchors,
    assets,
    export,
    forked,
    relations,
    render,
    reuse,
)
from .cache import store_file
from .errors import ContentError
from .load import load_documents
from .models import Document
from .output import BACKGROUND_REMOVAL_FROM, Draft, put_in_place, recover, written_aside
from .relations import Relations
from .report import (
    Built,
    Log,
    StageClock,
    index_line,
    links_line,
    pages_line,
    parse_line,
    stages_line,
)
from .summaries import SUMMARY_FIELDS, loaded, paragraph_count

if TYPE_CHECKING:
    from . import index_update

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
STATIC = REPO / "static"
NODE_MODULES = REPO / "node_modules"
DEFAULT_CACHE = REPO / ".cache" / "resarchive"
# The site's name, and the languages of its interface: the home and search pages are written
# in each (index.html in the first, index.en.html ...); what each says is in data/<lang>.yaml.
SITE = {"name": "resarchive", "languages": ("fr", "en", "es")}
REPORT = "build-report.json"
CATALOG = "catalog.json"
# Pages and data files are written by one process per CPU (forked.fork_map) from this many
# files to write: fewer are written before the processes would have started. A page takes
# 20-45 ms, forking a 600 MB build 10-30 ms: the 58 pages and data files an added document
# rewrites at 311,000 paragraphs took 4 s in one process.
FORK_FROM = 8
# in the state folder, for the next build: the near wordings, the documents' overlaps
AGREED = "agreed.pickle"
OVERLAPS = "overlaps.pickle"
ROWS = "home-rows.pickle"  # the home pages' rows, rendered (render.KeptRows)
# pages and data files without their agreed-language lists (render.PageSkeleton,
# export.RecordSkeleton), one file per document
PAGES = "page-skeletons"
RECORDS = "record-skeletons"


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
    with cyclic_gc_paused():
        return _build_site(content, out, log, cache, jobs)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off for the build, as it was after. A build holds millions of
    objects for its whole run (summaries, relations, index terms) and makes few cycles; the
    collector scanned them again and again as they grew. Measured on the corpus (103,981
    paragraphs): a one-file rebuild 4.6-5.5 s instead of 6.8-8.8 s (relate 1.6-1.9 s
    instead of 3.1-4.0), a full build 135 s instead of 144 s, the same site, a peak 2 %
    higher (848 MB instead of 830 MB for the largest process)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _build_site(
    content: Path, out: Path, log: Log | None, cache: Path | None, jobs: int | None
) -> Built:
    clock = StageClock()
    recover(out.resolve())  # an update in place a build left half done is finished first
    keep_compiled_templates(cache / "templates" if cache is not None else None)
    with clock.stage("parse"):
        read_in = load_documents(content, cache=cache, jobs=jobs)
    if log:
        log(parse_line(read_in.files, read_in.cached, read_in.parsed, read_in.jobs))
        for warning in read_in.warnings:
            log(f"warning: {warning}")
    if read_in.errors:
        raise BuildFailed(read_in.errors, len({e.file for e in read_in.errors}))
    docs = sorted(read_in.documents, key=lambda d: (d.source, d.line))
    out = out.resolve()
    previous = out if (out / CATALOG).is_file() else None
    state = (
        cache / f"site-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}"
        if cache is not None
        else None
    )
    with written_aside(out) as site:
        draft = Draft(site, previous, in_place_allowed=True)
        timings, reused = write_site(
            docs, site, log, previous, state, read_in.digests, jobs or forked.cpu_count(), draft
        )
        with clock.stage("swap"):
            put_in_place(draft, out, background=len(docs) >= BACKGROUND_REMOVAL_FROM)
    clock.timings = {"parse": clock.timings["parse"], **timings, "swap": clock.timings["swap"]}
    if log:
        log(stages_line(clock.timings))
    return Built(
        documents=len(docs),
        paragraphs=sum(paragraph_count(d) for d in docs),
        files=read_in.files,
        cached=read_in.cached,
        parsed=read_in.parsed,
        jobs=read_in.jobs,
        reused=reused,
        timings=clock.timings,
        warnings=len(read_in.warnings),
    )


def write_site(
    docs: list[Document],
    out: Path,
    log: Log | None = None,
    previous: Path | None = None,
    state: Path | None = None,
    digests: dict[str, str] | None = None,
    jobs: int = 1,
    draft: Draft | None = None,
) -> tuple[dict[str, float], int]:
    """Write the whole site into ``out`` (an empty or missing folder): render, export,
    assets, index. Returns seconds per stage and the number of documents whose page and
    data file were linked from ``previous``.

    With ``previous`` (the site in place) and ``state`` (a folder kept for the next build of
    the same site) unchanged documents are linked, not written, and the search index is
    updated rather than rebuilt; the files are the same either way. ``digests``: document
    id -> digest (load.Loaded.digests); a document missing from it is digested here.
    ``jobs``: processes that write pages and data files. ``draft``: how the files kept
    from ``previous`` are carried over (output.Draft; by default linked into ``out``).
    """
    draft = draft or Draft(out, previous)
    clock = StageClock()
    (out / "doc").mkdir(parents=True)
    (out / "data").mkdir()
    fingerprint = reuse.output_fingerprint(REPO, repr(SITE))
    reusable = reuse.reusable_pages(reuse.PageRecord.load(state), fingerprint, previous)
    draft.settle(pages_kept=bool(reusable))
    # an update of the search index depends on the documents alone: it runs beside relate,
    # render and export. An index built in full is built after them, as by a build from
    # scratch: beside a full render it took as long, with 7.5 GB at 311,000 paragraphs
    # where 5 were enough.
    index_job = (
        forked.Background(
            lambda: update_search(docs, out, previous, state, digests, draft, full=False)
        )
        if previous is not None and state is not None
        else None
    )
    running: list[forked.Background[Any]] = [index_job] if index_job is not None else []
    try:
        return _write_site(docs, out, log, previous, state, digests, jobs, draft, clock,
                           fingerprint, reusable, index_job, running)  # fmt: skip
    finally:
        for job in running:  # ended if the build failed (a no-op if it is done)
            job.stop()


def update_search(
    docs: list[Document],
    out: Path,
    previous: Path | None,
    state: Path | None,
    digests: dict[str, str] | None,
    draft: Draft,
    full: bool = True,
) -> tuple[index_update.IndexRun | None, set[str]]:
    """The index stage: ``out/search`` written (index_update.write_search; None if it is to
    be built in full and ``full`` is False) and the files of it carried over from
    ``previous`` (``draft``'s, for a caller that did not see them)."""
    # late: an update runs in a process forked for it, which alone needs the index code
    # (40 ms of imports, a rebuild's 1.5 %)
    from . import index_update

    run = index_update.write_search(
        docs, out, previous, state / "index" if state is not None else None, digests, draft, full
    )
    return run, {rel for rel in draft.kept if rel.startswith("search/")}


def _write_site(
    docs: list[Document],
    out: Path,
    log: Log | None,
    previous: Path | None,
    state: Path | None,
    digests: dict[str, str] | None,
    jobs: int,
    draft: Draft,
    clock: StageClock,
    fingerprint: str,
    reusable: dict[str, str],
    index_job: forked.Background[tuple[index_update.IndexRun | None, set[str]]] | None,
    running: list[forked.Background[Any]],
) -> tuple[dict[str, float], int]:
    """write_site's stages, once what the site in place offers is known (``reusable``) and
    the index update, if any, runs (``index_job``)."""
    with clock.stage("relate"):
        wording_state = agreed.load_state(state / AGREED) if state is not None else {}
        known_before = set(wording_state)
        overlaps = agreed.load_overlaps(state / OVERLAPS) if state is not None else {}
        overlaps_before = dict(overlaps)
        rels, wordings = relations.relate_signed(docs, wording_state, overlaps, jobs)
        pairs = version_pairs(docs, rels)
        if state is not None and agreed.state_changed(wording_state, known_before):
            agreed.save_state(state / AGREED, wording_state)
        if state is not None and overlaps != overlaps_before:
            agreed.save_overlaps(state / OVERLAPS, overlaps)
    with clock.stage("render"):
        record = reuse.PageRecord(fingerprint)
        own = {d.id: (digests or {}).get(d.id) or reuse.document_digest(d) for d in docs}
        # a document's own digest and where its text's references lead (skeletons, side-by-
        # side pages); with all else its page and data file show of others (the agreed
        # lists, the frame: relations.Relations); the Akoma Ntoso file shows nothing of others
        links = {d.id: f"{own[d.id]}+{rels[d.id].links_digest}" for d in docs}
        keys = {
            d.id: f"{links[d.id]}+{rels[d.id].frame_digest}+{rels[d.id].agreed_signature:x}"
            for d in docs
        }
        page_linked, data_linked = (
            reuse.link_files([((url(d.id),), keys[d.id]) for d in docs], draft, reusable, record)
            for url in (anchors.page_url, anchors.data_url)
        )
        akn_linked = reuse.link_files(
            [((anchors.akn_url(d.id),), own[d.id]) for d in docs], draft, reusable, record
        )
        todo = list(zip(docs, page_linked, data_linked, akn_linked, strict=True))
        # as they came (LazyDocuments from the parse cache): loaded where they are written
        fresh = [d for d, *done in todo if not all(done)]
        relations.list_agreed(rels, wordings, docs, [d.id for d in fresh])
        skeleton_keys = {d.id: f"{fingerprint}+{links[d.id]}" for d in fresh}
        pair_linked = reuse.link_files(
            [((render.parallel_url(a, relations.link(b), SITE),), f"{links[a.id]}+{links[b.id]}")
             for a, b in pairs],
            draft, reusable, record,
        )  # fmt: skip
        fresh_pairs = [p for p, done in zip(pairs, pair_linked, strict=True) if not done]
        by_id = {d.id: d for d in docs}
        series = [(d, by_id[v.document]) for d in docs if (v := rels[d.id].previous)]
        compared = reuse.link_files(
            [((anchors.compare_url(d.id),), f"{own[d.id]}+{own[p.id]}") for d, p in series],
            draft, reusable, record,
        )  # fmt: skip
        default = SITE["languages"][0]
        homes = [anchors.ui_page_url("index", code, default) for code in SITE["languages"]]
        listed = home_digest(docs)
        home_linked = reuse.link_files([((h,), listed) for h in homes], draft, reusable, record)
        # the catalog lists what the home pages do
        (catalog_kept,) = reuse.link_files([((CATALOG,), listed)], draft, reusable, record)
        redo = {d.id for d, page, _, _ in todo if not page}
        home_codes = [c for c, done in zip(SITE["languages"], home_linked, strict=True) if not done]
        # the home pages list every document: written beside the rest of the render stage
        homes_job = forked.Background(
            lambda: write_home_pages(docs, out, home_codes, state, fingerprint)
        )
        running.append(homes_job)
        alignments = write_pages(
            [d for d in fresh if d.id in redo], out, rels, fresh_pairs, jobs,
            reuse.KeptSkeletons(state / PAGES if state is not None else None), skeleton_keys,
        )  # fmt: skip
        write_comparisons(
            [c for c, done in zip(series, compared, strict=True) if not done], out, jobs
        )
        before = _previous_report(previous)
        for a, b in pairs:  # a linked page the previous report lacks: aligned again
            url = render.parallel_url(a, relations.link(b), SITE)
            if url not in alignments:
                found = before.get(url)  # [] is a page that aligns: known, not to redo
                alignments[url] = (
                    found
                    if found is not None
                    else align.misaligned(align.align(loaded(a), loaded(b)))
                )
    if log:
        log(pages_line(len(fresh), len(docs)))
    with clock.stage("export"):
        redo_data = {d.id for d, _, data, _ in todo if not data}
        redo_akn = {d.id for d, _, _, akn in todo if not akn}
        write_data(
            docs, [d for d in fresh if d.id in redo_data], [d for d in fresh if d.id in redo_akn],
            out, rels, jobs, catalog=not catalog_kept,
            records=reuse.KeptSkeletons(state / RECORDS if state is not None else None),
            keys=skeleton_keys,
        )  # fmt: skip
        report = relations.report(docs, rels, alignments)
        (out / REPORT).write_text(export.dumps(report), encoding="utf-8")
        homes_job.result()
    if log:
        log(links_line(report, REPORT))
    with clock.stage("index"):  # the static assets are timed with the index, as ever
        assets.write_static(STATIC, out / "static", NODE_MODULES)
        run = None
        if index_job is not None:
            run, carried = index_job.result()
            draft.forget("search/")
            draft.kept |= carried
        if run is None:
            run, _ = update_search(docs, out, previous, state, digests, draft)
        assert run is not None  # built in full if need be
    if log:
        log(
            index_line(
                run.path,
                run.added,
                run.removed,
                run.shards_rewritten,
                run.chunks_rewritten,
                run.reason,
            )
        )
    if state is not None and (not reusable or reusable.keys() - record.digests.keys()):
        # a document gone (or a site made anew): its skeletons go too
        ids = {d.id for d in docs}
        for kept in (PAGES, RECORDS):
            reuse.KeptSkeletons(state / kept).prune(ids)
    if state is not None:
        # the catalog as the site will hold it: written here, or kept in place
        written = out / CATALOG
        record.catalog = reuse.file_digest(
            written if written.exists() or previous is None else previous / CATALOG
        )
        record.save(state)
    return clock.timings, len(docs) - len(fresh)


def version_pairs(
    docs: list[Document], rels: dict[str, Relations]
) -> list[tuple[Document, Document]]:
    """Every pair of language versions, once, the site's first language on the left."""
    by_id = {d.id: d for d in docs}
    order = {c: n for n, c in enumerate(SITE["languages"])}
    out = []
    for doc in docs:
        for v in rels[doc.id].translations:
            other = by_id[v.document]
            if (order.get(doc.language, 99), doc.language) < (
                order.get(other.language, 99),
                other.language,
            ):
                out.append((doc, other))
    return out


def _previous_report(previous: Path | None) -> dict[str, list[str]]:
    """Side-by-side page -> its misaligned anchors, as the previous build's report gives
    them (for the pages linked from it, not aligned again)."""
    if previous is None:
        return {}
    try:
        data = json.loads((previous / REPORT).read_text(encoding="utf-8"))
        return {p["page"]: list(p["misaligned"]) for p in data["translations"]["pairs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


# where compiled templates are kept between builds: set by a build with a cache folder,
# before any page is rendered (compiling the templates cost every build 0.1 s per process)
_compiled_templates: list[Path] = []


def keep_compiled_templates(folder: Path | None) -> None:
    _compiled_templates[:] = [folder] if folder is not None else []
    page_env.cache_clear()


@cache
def page_env() -> Environment:
    """The templates' environment, one per process."""
    return render.make_env(TEMPLATES, next(iter(_compiled_templates), None))


def write_pages(
    fresh: list[Document],
    out: Path,
    rels: dict[str, Relations],
    pairs: list[tuple[Document, Document]],
    jobs: int = 1,
    skeletons: reuse.KeptSkeletons | None = None,
    keys: dict[str, str] | None = None,
) -> dict[str, list[str]]:
    """The render stage: a page per fresh document and per fresh pair of versions (over
    ``jobs`` processes). A page whose skeleton ``skeletons`` keeps under its ``keys`` entry
    is that skeleton filled; a page rendered has its skeleton kept. Returns each written
    side-by-side page's misaligned anchors."""
    todo = {doc.id: doc for doc in fresh}  # pages still to write
    skeletons, keys = skeletons or reuse.KeptSkeletons(None), keys or {}
    # a pair's pages together (their texts are rendered once for both): each document's page
    # is written with the first pair it is in, or alone
    units: list[tuple[tuple[Document, Document] | None, list[Document]]] = []
    for a, b in pairs:
        units.append(((a, b), [d for d in (todo.pop(a.id, None), todo.pop(b.id, None)) if d]))
    units += [(None, [doc]) for doc in todo.values()]

    def write_page(
        doc: Document, linkers: dict[str, render.RefLinker], full: dict[str, Document]
    ) -> None:
        rel, key = rels[doc.id], keys.get(doc.id, "")
        kept = skeletons.get(doc.id, key)
        env = page_env()
        page = kept.fill(rel, env, SITE) if isinstance(kept, render.PageSkeleton) else None
        if page is None:
            body = full[doc.id] = loaded(doc)
            skeleton = render.document_skeleton(env, body, SITE, rel, linkers)
            skeletons.put(doc.id, key, skeleton)
            page = skeleton.fill(rel, env, SITE)
            assert page is not None  # the skeleton was made with rel's lists
        (out / anchors.page_url(doc.id)).write_text(page, encoding="utf-8")

    def write_unit(
        unit: tuple[tuple[Document, Document] | None, list[Document]],
    ) -> tuple[str, list[str]] | None:
        pair, mine = unit
        linkers: dict[str, render.RefLinker] = {}
        full: dict[str, Document] = {}  # the unit's documents loaded, while it is written
        for doc in mine:
            write_page(doc, linkers, full)
        if pair is None:
            return None
        left, right = (full.get(d.id) or loaded(d) for d in pair)
        url = render.parallel_url(left, relations.link(right), SITE)
        (out / url).write_text(
            render.render_parallel(
                page_env(), left, right, SITE, (rels[left.id], rels[right.id]), linkers
            ),
            encoding="utf-8",
        )
        return url, align.misaligned(align.align(left, right))

    written = forked.fork_map(write_unit, units, _jobs(jobs, len(units)))
    return dict(r for r in written if r is not None)


def home_digest(docs: list[Document]) -> str:
    """What the home pages and the catalog list, digested: every document's summary fields,
    in order (a rebuild that changed none of them keeps them: rendering the home pages took
    1 s at 311,000 paragraphs, the catalog 0.2 s)."""
    h = hashlib.sha256()
    for doc in docs:
        h.update(repr(tuple(getattr(doc, name) for name in SUMMARY_FIELDS)).encode())
    return h.hexdigest()


def load_rows(state: Path | None, fingerprint: str) -> render.KeptRows:
    """The home page rows the previous build rendered with this output code (none if it
    had other code, or no state folder)."""
    try:
        found, rows = pickle.loads((state / ROWS).read_bytes()) if state is not None else ("", {})
    except Exception:  # noqa: BLE001 - missing, partial or foreign: rendered again
        found, rows = "", {}
    return render.KeptRows(old=rows if found == fingerprint else {})


def write_home_pages(
    docs: list[Document], out: Path, codes: list[str], state: Path | None, fingerprint: str
) -> None:
    """The home pages in the interface languages of ``codes`` and the search pages
    (write_homes), from the rows the previous build rendered; the rows kept for the next."""
    kept_rows = load_rows(state, fingerprint) if codes else None
    write_homes(docs, out, codes, kept_rows)
    if state is not None and kept_rows is not None and kept_rows.new != kept_rows.old:
        store_file(state / ROWS, pickle.dumps((fingerprint, kept_rows.new), protocol=5))


def write_homes(
    docs: list[Document], out: Path, codes: list[str], kept: render.KeptRows | None = None
) -> None:
    """The render stage, last: the home page in each interface language of ``codes`` (the
    others were linked) and the search page in each. ``kept``: rows already rendered."""
    env = page_env()
    default = SITE["languages"][0]
    for code in codes:
        (out / anchors.ui_page_url("index", code, default)).write_text(
            render.render_index(env, docs, SITE, code, kept), encoding="utf-8"
        )
    for code in SITE["languages"]:
        (out / anchors.ui_page_url("search", code, default)).write_text(
            render.render_search(env, SITE, code), encoding="utf-8"
        )


def write_comparisons(series: list[tuple[Document, Document]], out: Path, jobs: int = 1) -> None:
    """The render stage, recurring resolutions: each against its previous version."""

    def write_one(pair: tuple[Document, Document]) -> None:
        doc, before = pair
        (out / anchors.compare_url(doc.id)).write_text(
            render.render_comparison(page_env(), loaded(doc), loaded(before), SITE),
            encoding="utf-8",
        )

    forked.fork_map(write_one, series, _jobs(jobs, len(series)))


def write_data(
    docs: list[Document],
    fresh: list[Document],
    fresh_akn: list[Document],
    out: Path,
    rels: dict[str, Relations],
    jobs: int = 1,
    catalog: bool = True,
    records: reuse.KeptSkeletons | None = None,
    keys: dict[str, str] | None = None,
) -> None:
    """The export stage: a JSON file per document of ``fresh`` and an Akoma Ntoso file per
    document of ``fresh_akn`` (over ``jobs`` processes), then the catalog of all (unless
    ``catalog`` is False: kept). A JSON file whose skeleton ``records`` keeps under its
    ``keys`` entry is that skeleton filled; one made has its skeleton kept."""
    records, keys = records or reuse.KeptSkeletons(None), keys or {}
    jsons = {d.id for d in fresh}
    akns = {d.id for d in fresh_akn}

    def write_one(doc: Document) -> None:
        body: Document | None = None  # loaded once, if need be
        if doc.id in jsons:
            rel, key = rels[doc.id], keys.get(doc.id, "")
            skeleton = records.get(doc.id, key)
            if not isinstance(skeleton, export.RecordSkeleton):
                body = loaded(doc)
                skeleton = export.record_skeleton(body, rel)
                records.put(doc.id, key, skeleton)
            (out / anchors.data_url(doc.id)).write_text(skeleton.fill(rel), encoding="utf-8")
        if doc.id in akns:
            body = body or loaded(doc)
            (out / anchors.akn_url(doc.id)).write_text(akn_write.dumps(body), encoding="utf-8")

    both = list({d.id: d for d in (*fresh, *fresh_akn)}.values())
    forked.fork_map(write_one, both, _jobs(jobs, len(both)))
    if catalog:
        (out / CATALOG).write_text(export.dumps(export.catalog(docs)), encoding="utf-8")


def _jobs(jobs: int, files: int) -> int:
    """Processes for writing ``files`` files: one below FORK_FROM."""
    return jobs if files >= FORK_FROM else 1
