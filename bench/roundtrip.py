#!/usr/bin/env python3
"""The PDF round trip at scale: corpus texts printed as the UN lays them out (Chromium),
read back three ways (our PDF reader, pdftotext, PyMuPDF), scored against the UN's XML.

    .venv/bin/python bench/roundtrip.py                 # every scored corpus file, fr and en
    .venv/bin/python bench/roundtrip.py --step 20       # every 20th file (~5 min)
    .venv/bin/python bench/roundtrip.py --lang fr --limit 50 --worst 3

PDFs are cached in $RESARCHIVE_CACHE (default /tmp/resarchive-corpus)/roundtrip-<hash>/,
keyed by the layout code, so a second run only reads and scores. Prints per language and
reading: documents structure-exact, paragraphs text-exact, words lost, reading time per
page against pdftotext's; then the worst paragraphs of the failing documents with a word
diff. Definitions: src/resarchive/roundtrip.py, textscore.py. Exit code 0 always.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from resarchive.accuracy import (  # noqa: E402
    cache_root,
    corpus_files,
    corpus_txt_dir,
    exclusions,
    gold_xml,
)
from resarchive.roundtrip import READINGS, ReadingResult, print_pdfs, score_reading  # noqa: E402
from resarchive.unprint import language_letter, to_html  # noqa: E402


def layout_key() -> str:
    """The PDFs depend on the layout code only: a change to it prints them again."""
    src = (REPO / "src" / "resarchive" / "unprint.py").read_bytes()
    src += (REPO / "src" / "resarchive" / "pdfsim.py").read_bytes()
    return hashlib.sha256(src).hexdigest()[:12]


def select(root: Path, step: int, lang: str | None, limit: int) -> list[Path]:
    import json

    folders = {"fr": "French", "en": "English"}
    out = []
    for txt in corpus_files(root)[::step]:
        if lang and not txt.parent.name.endswith(folders[lang]):
            continue
        gold = json.loads(txt.with_name(txt.stem + ".gold.json").read_text(encoding="utf-8"))
        if exclusions(gold):
            continue  # gold quirks: not the truth (accuracy.py)
        out.append(txt)
    return out[:limit] if limit else out


def ensure_pdfs(files: list[Path], root: Path, cache: Path) -> dict[Path, Path]:
    pdfs = {t: cache / t.relative_to(root).with_suffix(".pdf") for t in files}
    todo = [(t, p) for t, p in pdfs.items() if not p.exists()]
    if todo:
        start = time.perf_counter()

        def jobs():  # type: ignore[no-untyped-def]
            for txt, pdf in todo:
                name = txt.relative_to(root).with_suffix("").as_posix()
                yield to_html(txt.read_text(encoding="utf-8"), name, language_letter(name)), pdf

        count = sum(1 for _ in print_pdfs(jobs()))
        took = time.perf_counter() - start
        print(
            f"printed {count} PDFs with Chromium in {took:.0f} s "
            f"({1000 * took / count:.0f} ms each)"
        )
    return pdfs


def _score(args: tuple[Path, Path, Path, str]) -> ReadingResult:
    txt, pdf, root, reading = args
    return score_reading(pdf, reading, gold_xml(txt, root), txt.read_text(encoding="utf-8"))


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--step", type=int, default=1, help="every N-th corpus file")
    ap.add_argument("--lang", choices=("fr", "en"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--worst", type=int, default=2, help="worst paragraphs per failing doc")
    ap.add_argument("--show", type=int, default=15, help="failing documents listed per reading")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--readings", default=",".join(READINGS), help="comma-separated subset")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args(argv)

    root = corpus_txt_dir(args.shared)
    files = select(root, args.step, args.lang, args.limit)
    cache = cache_root() / f"roundtrip-{layout_key()}"
    pdfs = ensure_pdfs(files, root, cache)
    pages = sum(page_count(p) for p in pdfs.values())
    readings = [r for r in args.readings.split(",") if r]
    work = [(t, pdfs[t], root, r) for t in files for r in readings]
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(_score, work, chunksize=8))
    wall = time.perf_counter() - start
    print(f"PDF round trip: {len(files)} documents ({pages} pages), 3 readings, scored in "
          f"{wall:.0f} s")  # fmt: skip
    by: dict[tuple[str, str], list[ReadingResult]] = defaultdict(list)
    for (txt, _pdf, _root, _reading), res in zip(work, results, strict=True):
        code = "fr" if txt.parent.name.endswith("French") else "en"
        by[(code, res.reading)].append(res)
    seconds = {r: sum(x.seconds for (_c, rr), xs in by.items() if rr == r for x in xs)
               for r in readings}  # fmt: skip
    for (code, reading), rs in sorted(by.items()):
        docs = len(rs)
        exact = sum(r.structure_exact for r in rs)
        paras = sum(r.text.paragraphs for r in rs)
        ok = sum(r.text.exact for r in rs)
        lost = sum(sum(r.lost.values()) for r in rs)
        errors = sum(1 for r in rs if r.error)
        print(f"[{code} {reading:9}] structure-exact {exact}/{docs} = {100 * exact / docs:.2f} %, "
              f"text-exact paragraphs {ok}/{paras} = {100 * ok / max(paras, 1):.2f} %, "
              f"words lost {lost}" + (f", errors {errors}" if errors else ""))  # fmt: skip
    base = seconds.get("pdftotext") or 1e-9
    for reading in readings:
        s = seconds[reading]
        against = f", {s / base:.2f}× pdftotext" if "pdftotext" in seconds else ""
        print(f"reading time {reading:9}: {1000 * s / max(pages, 1):.1f} ms/page, "
              f"{pages / s if s else 0:.0f} pages/s{against}")  # fmt: skip
    for (code, reading), rs in sorted(by.items()):
        failing = [r for r in rs if not r.structure_exact or not r.text.all_exact or r.lost]
        if not failing:
            continue
        print(f"\n[{code} {reading}] {len(failing)} documents not exact; first {args.show}:")
        for r in failing[: args.show]:
            what = "; ".join(m.describe() for m in r.misses) or "structure exact"
            print(f"  {r.name}: {what}; text {r.text.exact}/{r.text.paragraphs}"
                  + (f"; lost {dict(list(r.lost.items())[:6])}" if r.lost else "")
                  + (f"; {r.error}" if r.error else ""))  # fmt: skip
            for m in r.text.worst(args.worst):
                print(f"      {m.anchor} ({m.distance} words off): {m.diff()[:400]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
