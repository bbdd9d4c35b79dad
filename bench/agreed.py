#!/usr/bin/env python3
"""Agreed language at scale: linking every paragraph to the others holding its wording.

    .venv/bin/python bench/agreed.py                 # the corpus at 1x, 2x, 4x; a rebuild
    .venv/bin/python bench/agreed.py --scales 1 --step 10 --no-rebuild   # quick

The content is the whole shared corpus (GA sessions 75-78, French and English, and session
78 in Spanish: 2,930 texts), then the same enlarged with perturbed copies (bench/corpus.py:
each copy renames a share of the rare words, so copies are near, not identical, and the
vocabulary grows as Heaps' law says). For each scale, in a fresh process that loads the
documents from the parse cache as a build does (summaries, text not loaded):
- linking (agreed.relate_wordings: identical and near wordings, signed; every document's
  lists made, as a build from scratch does; agreed.lineage): seconds,
  ms per paragraph against the 0.2 ms aimed at, and the growth against 1x;
- the process's peak memory before and after linking.
Then a cold build of the 1x corpus and a rebuild after one file is edited: the rebuild's
time against the cold build's, and what it wrote again (pages, side-by-side, comparisons).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import corpus  # noqa: E402

from resarchive import agreed  # noqa: E402
from resarchive.accuracy import CORPUS_TARBALL, SPANISH_TARBALL, corpus_txt_dir  # noqa: E402
from resarchive.load import load_documents  # noqa: E402


def measure(content: Path, cache: Path) -> dict[str, float]:
    """In this process: load from the cache, link, and the figures."""
    loaded = load_documents(content, cache)
    docs = loaded.documents
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    units = sum(len(d.wordings) for d in docs)
    start = time.process_time()
    found = agreed.relate_wordings(docs)
    lists = [found.lists(d.id) for d in docs]
    linked = time.process_time() - start
    start = time.process_time()
    series = agreed.lineage(docs, found)
    lineage = time.process_time() - start
    return {
        "documents": len(docs),
        "paragraphs": units,
        "seconds": linked + lineage,
        "link_seconds": linked,
        "lineage_seconds": lineage,
        "with_related": sum(len(v) for v in lists),
        "with_previous": sum(1 for s in series.values() if s.previous),
        "rss_before_mb": before,
        "rss_after_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def content_for(shared: Path, step: int, copies: int, dest: Path) -> None:
    for tarball in (CORPUS_TARBALL, SPANISH_TARBALL):
        root = corpus_txt_dir(shared, tarball)
        files = sorted(root.glob("*/*.txt"), key=lambda p: p.relative_to(root).as_posix())[::step]
        corpus.make_content(root, files, dest / tarball.split(".")[0], copies)


def build(content: Path, out: Path, cache: Path, stats: Path) -> dict[str, object]:
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(content), "--out", str(out),
         "--cache", str(cache), "--stats", str(stats), "--quiet"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return dict(json.loads(stats.read_text(encoding="utf-8")))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--scales", default="1,2,4")
    ap.add_argument("--step", type=int, default=1, help="every N-th corpus text")
    ap.add_argument("--no-rebuild", action="store_true")
    ap.add_argument("--measure", nargs=2, type=Path, help=argparse.SUPPRESS)  # content cache
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return 0

    with tempfile.TemporaryDirectory(prefix="resarchive-agreed-") as tmp:
        work = Path(tmp)
        results = {}
        for k in (int(x) for x in args.scales.split(",")):
            content, cache = work / f"content-{k}", work / f"cache-{k}"
            content_for(args.shared, args.step, k, content)
            load_documents(content, cache)  # parse once, into the cache
            done = subprocess.run(
                [sys.executable, __file__, "--measure", str(content), str(cache)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            results[k] = json.loads(done.stdout.strip().splitlines()[-1])
        base = results[min(results)]
        print("scale  documents  paragraphs  linking s  ms/paragraph (aim <= 0.2)  growth "
              "vs 1x (paragraphs x)  peak RSS before -> after linking")  # fmt: skip
        for k, r in results.items():
            per = r["seconds"] / r["paragraphs"] * 1e3
            growth = r["seconds"] / base["seconds"]
            print(
                f"{k}x     {r['documents']:>9,}  {r['paragraphs']:>10,}  {r['seconds']:9.2f}  "
                f"{per:24.3f}  {growth:6.2f} ({r['paragraphs'] / base['paragraphs']:.2f})"
                f"          {r['rss_before_mb']:,.0f} -> {r['rss_after_mb']:,.0f} MB"
            )
            print(
                f"       paragraphs with their wording elsewhere: {r['with_related']:,}; "
                f"documents naming a previous version: {r['with_previous']:,}"
            )
        if args.no_rebuild:
            return 0
        content, out, cache = work / "content-1", work / "site", work / "build-cache"
        cold = build(content, out, cache, work / "cold.json")
        edited = sorted(content.rglob("*.txt"))[len(list(content.rglob("*.txt"))) // 2]
        text = edited.read_text(encoding="utf-8")
        edited.unlink()  # a link into the corpus: write a file of its own
        edited.write_text(text.replace(" the ", " the the ", 1) if " the " in text
                          else text.replace(" la ", " la la ", 1), encoding="utf-8")  # fmt: skip
        start = time.perf_counter()
        again = build(content, out, cache, work / "again.json")
        wall = time.perf_counter() - start
        print(
            f"cold build of the 1x corpus: {cold['seconds']:.1f} s ({cold['documents']:,} "
            f"documents); one file edited ({edited.name}), rebuild: {wall:.1f} s "
            f"({wall / float(cold['seconds']):.2f} of cold); parsed {again['parsed']} file(s), "  # type: ignore[arg-type]
            f"pages written again {int(again['documents']) - int(again['reused'])} of "  # type: ignore[call-overload]
            f"{again['documents']}; stages {again['timings']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
