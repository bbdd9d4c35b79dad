#!/usr/bin/env python3
"""Real PDF conversions read against the UN's XML (../shared/realpdf), word for word.

    .venv/bin/python bench/realpdf.py              # the 25 real PyMuPDF conversions
    .venv/bin/python bench/realpdf.py --worst 5    # up to 5 worst paragraphs per document

Per document: structure (the five counts of src/resarchive/accuracy.py) and text (every
preambular and operative paragraph's letter-words equal to the XML's, src/resarchive/
textscore.py), words lost, and the worst paragraphs with a word diff. Totals at the end.
Exit code 0 always: it measures; tests/test_realpdf.py asserts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from resarchive.realpdf import score_realpdf  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--worst", type=int, default=3, help="worst paragraphs shown per document")
    ap.add_argument("--all", action="store_true", help="list exact documents too")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    results = score_realpdf(args.shared / "realpdf")
    wall = time.perf_counter() - start
    paragraphs = sum(r.text.paragraphs for r in results)
    exact = sum(r.text.exact for r in results)
    structure = sum(1 for r in results if r.structure_exact)
    lost = sum(sum(r.lost.values()) for r in results)
    print(f"Real PDF conversions (../shared/realpdf): {len(results)} documents, {wall:.1f} s")
    for r in results:
        if r.exact and not args.all:
            continue
        state = (
            "structure exact"
            if r.structure_exact
            else "structure: " + "; ".join(m.describe() for m in r.misses)
        )
        print(
            f"\n{r.name}: {state}; text {r.text.exact}/{r.text.paragraphs}"
            + (f"; lost {r.lost}" if r.lost else "")
            + (f"; {r.error}" if r.error else "")
        )
        for m in r.text.worst(args.worst):
            print(f"  {m.anchor} ({m.distance} words off): {m.diff()}")
    print(f"\nstructure-exact documents {structure}/{len(results)}")
    print(f"text-exact paragraphs {exact}/{paragraphs} = {100 * exact / max(paragraphs, 1):.2f} %")
    print(f"words lost {lost}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
