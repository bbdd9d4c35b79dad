#!/usr/bin/env python3
"""What the links between documents cost a build, measured on GA session 78 in French and
English (../shared/corpus: 656 documents, 325 pairs of language versions).

    .venv/bin/python bench/links.py            # session 78, fr + en
    .venv/bin/python bench/links.py --rounds 5
    .venv/bin/python bench/links.py --step 10  # every 10th French text and its English

First a cold build (build.py in a subprocess, as a user runs it): its wall time and stages.
Then, in this process, on the same documents, each piece of work the links add, timed
against the same work without links (CPU seconds, best of --rounds interleaved rounds):
- finding the references in every text (references.citations, at parse time);
- relating the documents (relations.relate: versions, targets, cited by);
- the page text with its references made links (render.rich_html with a RefLinker) against
  the same text without (rich_html alone);
- the data records with translations, references and cited_by against records without.
The sum is the cost of the links; its ratio to the rest of the build is the figure to
keep under 10 %. The side-by-side pages are a new view, not links: their rendering is
printed apart, against the document pages' rendering.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import corpus  # noqa: E402

from resarchive import export, references, relations, render  # noqa: E402
from resarchive.build import SITE, TEMPLATES, version_pairs  # noqa: E402
from resarchive.load import load_documents  # noqa: E402
from resarchive.models import Document  # noqa: E402
from resarchive.summaries import materialize  # noqa: E402


def best(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        gc.collect()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def cold_build(content: Path, work: Path) -> tuple[float, dict[str, float]]:
    stats = work / "stats.json"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(content), "--out",
         str(work / "site"), "--cache", str(work / "cache"), "--stats", str(stats)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wall = time.perf_counter() - start
    data = json.loads(stats.read_text(encoding="utf-8"))
    return wall, dict(data.get("timings") or {})


def texts(doc: Document) -> list[str]:
    """Every rich text a document page renders through rich_html, its title aside."""
    out: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            out.append(item.rich)
            walk(item.items)

    for para in [
        *doc.preamble,
        *doc.operative,
        *(p for a in doc.attachments for p in a.paragraphs),
    ]:
        out.append(para.rich)
        walk(para.items)
    out += [n.rich for n in doc.footnotes]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--step", type=int, default=1, help="every N-th French text (and its English)")
    args = ap.parse_args()

    root, files = corpus.corpus_files(args.shared)
    french = [f for f in files if f.parent.name == "78-French"][:: args.step]
    stems = {f.stem[:-1] for f in french}
    files = french + [f for f in files if f.parent.name == "78-English" and f.stem[:-1] in stems]
    with tempfile.TemporaryDirectory(prefix="resarchive-links-") as tmp:
        work = Path(tmp)
        corpus.make_content(root, files, work / "content")
        wall, stages = cold_build(work / "content", work)
        loaded = load_documents(work / "content", work / "cache")
        docs = [materialize(d) for d in loaded.documents]

    rels = relations.relate(docs)
    pairs = version_pairs(docs, rels)
    bare = [dataclasses.replace(d, citations=[]) for d in docs]
    empty = relations.Relations()
    all_texts = [(d, texts(d)) for d in docs]
    env = render.make_env(TEMPLATES)

    def find_all() -> None:
        for d in docs:
            references.citations(d)

    def html(linked: bool) -> None:
        for d, ts in all_texts:
            refs = render.linker(d, rels[d.id], "../", d.language) if linked else None
            for t in ts:
                render.rich_html(t, None, d.language, refs)

    def records(linked: bool) -> None:
        for d, b in zip(docs, bare, strict=True):
            export.document_record(d, rels[d.id]) if linked else export.document_record(b, empty)

    def pages() -> None:
        for d in docs:
            render.render_document(env, d, SITE, rels[d.id])

    def parallel() -> None:
        linkers: dict[str, render.RefLinker] = {}
        for a, b in pairs:
            render.render_parallel(env, a, b, SITE, (rels[a.id], rels[b.id]), linkers)

    timing = {
        "find": best(find_all, args.rounds),
        "relate": best(lambda: relations.relate(docs), args.rounds),
        "html linked": best(lambda: html(True), args.rounds),
        "html bare": best(lambda: html(False), args.rounds),
        "data linked": best(lambda: records(True), args.rounds),
        "data bare": best(lambda: records(False), args.rounds),
        "pages": best(pages, args.rounds),
        "parallel": best(parallel, args.rounds),
    }
    links = (
        timing["find"]
        + timing["relate"]
        + max(0.0, timing["html linked"] - timing["html bare"])
        + max(0.0, timing["data linked"] - timing["data bare"])
    )
    cites = sum(len(d.citations) for d in docs)
    print(
        f"session 78 fr+en (every {args.step}): {len(docs)} documents, {cites:,} references, "
        f"{len(pairs)} pairs"
    )
    print(f"cold build (build.py): {wall:.2f} s wall; stages: "
          + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))  # fmt: skip
    print(
        f"  find references      {timing['find']:.3f} s  "
        f"({timing['find'] / max(cites, 1) * 1e3:.3f} ms per reference)"
    )
    print(f"  relate               {timing['relate']:.3f} s")
    print(
        f"  page text            {timing['html linked']:.3f} s linked vs "
        f"{timing['html bare']:.3f} s bare (+{timing['html linked'] - timing['html bare']:.3f} s)"
    )
    print(
        f"  data records         {timing['data linked']:.3f} s linked vs "
        f"{timing['data bare']:.3f} s bare (+{timing['data linked'] - timing['data bare']:.3f} s)"
    )
    print(
        f"links: {links:.2f} s of a {wall:.2f} s build -> +{links / (wall - links) * 100:.1f} % "
        f"over the build without them (target <= 10 %)"
    )
    print(
        f"side-by-side pages: {timing['parallel']:.2f} s for {len(pairs)} pages vs "
        f"{timing['pages']:.2f} s for the {len(docs)} document pages "
        f"({timing['parallel'] / max(timing['pages'], 1e-9):.2f}x; "
        f"+{timing['parallel'] / wall * 100:.1f} % of the build)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
