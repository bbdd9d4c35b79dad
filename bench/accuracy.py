#!/usr/bin/env python3
"""Parser accuracy on the UN General Assembly corpus (../shared/corpus), per language.

    .venv/bin/python bench/accuracy.py                 # all 2,930 files, three languages
    .venv/bin/python bench/accuracy.py --quick         # every 20th file (< 30 s)
    .venv/bin/python bench/accuracy.py --pdf --quick   # on simulated PDF conversions
    .venv/bin/python bench/accuracy.py --lang en --misses 50
    .venv/bin/python bench/accuracy.py --lang es       # the Spanish resolutions of session 78

Prints per language: files, excluded (gold quirks, by reason), exact %, per-criterion match %,
words lost, parse time per document; then the first N misses (file, criterion, expected vs got)
and the files that lost words. Definitions: src/resarchive/accuracy.py. Exit code 0 always
(it measures; tests/test_corpus_accuracy.py asserts).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from resarchive.accuracy import (  # noqa: E402
    CORPUS_TARBALL,
    CRITERIA,
    SPANISH_TARBALL,
    FileResult,
    corpus_files,
    corpus_txt_dir,
    score_file,
    summarize,
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="every 20th file only")
    ap.add_argument("--pdf", action="store_true", help="score simulated PDF conversions")
    ap.add_argument("--lang", choices=("fr", "en", "es"), help="one language only")
    ap.add_argument("--limit", type=int, default=0, help="at most N files (after --quick)")
    ap.add_argument("--misses", type=int, default=20, help="list the first N misses")
    ap.add_argument("--excluded", action="store_true", help="list misses of excluded files too")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (1: in process)")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args(argv)

    folders = {"fr": "French", "en": "English", "es": "Spanish"}  # "<session>-French" ...
    results: list[FileResult] = []
    start = time.perf_counter()
    for tarball in (CORPUS_TARBALL, SPANISH_TARBALL):
        root = corpus_txt_dir(args.shared, tarball)
        files = corpus_files(root, quick=args.quick)
        if args.lang:
            files = [f for f in files if f.parent.name.endswith(folders[args.lang])]
        if args.limit:
            files = files[: args.limit]
        score = partial(score_file, root=root, pdf=args.pdf)
        if args.jobs > 1 and files:
            with ProcessPoolExecutor(args.jobs) as pool:
                results += pool.map(score, files, chunksize=16)
        else:
            results += [score(f) for f in files]
    wall = time.perf_counter() - start
    report(results, args, wall)
    return 0


def report(results: list[FileResult], args: argparse.Namespace, wall: float) -> None:
    mode = ("simulated PDF" if args.pdf else "clean text") + (
        ", quick sample" if args.quick else ""
    )
    print(f"Parser accuracy on the GA corpus ({mode}): {len(results)} files, {wall:.1f} s wall")
    for code, s in summarize(results).items():
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(s.excluded.items()))
        print(
            f"\n[{code}] files {s.files}, excluded {s.excluded_files} ({reasons or 'none'}), "
            f"scored {s.scored}"
        )
        print(
            f"  exact {s.exact}/{s.scored} = {100 * s.exact_share:.2f} %"
            + (f", parse errors {s.errors}" if s.errors else "")
        )
        print(
            "  "
            + ", ".join(f"{c} {100 * s.criterion_ok[c] / max(s.scored, 1):.2f} %" for c in CRITERIA)
        )
        if s.paragraphs:
            print(
                f"  text-exact paragraphs {s.text_exact}/{s.paragraphs} = "
                f"{100 * s.text_exact / s.paragraphs:.2f} % (letter-words equal to the XML's)"
            )
        print(f"  words lost {s.lost} of {s.words}")
        rate = s.docs and s.files / s.seconds if s.seconds else 0
        print(
            f"  parse time {1000 * s.seconds / max(s.files, 1):.1f} ms/file, {rate:.0f} files/s "
            f"per core ({s.docs} documents)"
        )
    misses = [r for r in results if (args.excluded or not r.excluded) and not r.exact]
    if misses and args.misses:
        print(f"\nMisses ({len(misses)}; first {min(args.misses, len(misses))}):")
        for r in misses[: args.misses]:
            tag = f" [excluded: {','.join(r.excluded)}]" if r.excluded else ""
            print(f"  {r.name} ({r.language}){tag}")
            if r.error:
                print(f"    error: {r.error}")
            for m in r.misses:
                print(f"    {m.describe()}")
    worst = [r for r in results if (args.excluded or not r.excluded) and r.worst]
    if worst and args.misses:
        print(f"\nDocuments with paragraphs not text-exact ({len(worst)}; first "
              f"{min(args.misses, len(worst))}), worst paragraphs as word diffs:")  # fmt: skip
        for r in worst[: args.misses]:
            print(f"  {r.name} ({r.language}): {r.text_exact}/{r.paragraphs}")
            for line in r.worst:
                print(f"    {line[:600]}")
    lost = [r for r in results if r.lost]
    if lost:
        print(f"\nFiles that lost words ({len(lost)}):")
        for r in lost[: args.misses or 20]:
            top = sorted(r.lost.items(), key=lambda kv: -kv[1])[:12]
            print(f"  {r.name}: {sum(r.lost.values())} {top}")


if __name__ == "__main__":
    sys.exit(main())
