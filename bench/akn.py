#!/usr/bin/env python3
"""Akoma Ntoso in and out, measured on the UN General Assembly corpus (../shared/corpus).

    .venv/bin/python bench/akn.py              # every 3rd XML file of sessions 75-78, fr/en/es
    .venv/bin/python bench/akn.py --step 1     # all 2,930

Prints, per paragraph (preambular + operative) and per file:
- reading the UN's XML (akn_read.read_akn) against parsing the same document's text
  (akn2txt's .txt through pipeline.parse_source, what a build does with a text file), and
  the ratio (target: XML at least 5 times faster);
- writing our AKN (akn_write.dumps), and what share of the written files the OASIS schema
  (tests/data/akn/akomantoso30.xsd) accepts.
Times are CPU seconds (process_time), the best of --rounds interleaved rounds: the machine's
other load moves wall-clock figures by 20-40 %.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from lxml import etree  # noqa: E402

from resarchive import akn_read, akn_write  # noqa: E402
from resarchive.accuracy import (  # noqa: E402
    CORPUS_TARBALL,
    SPANISH_TARBALL,
    corpus_txt_dir,
    parse_text,
)

SCHEMA = REPO / "tests" / "data" / "akn" / "akomantoso30.xsd"


def pairs(shared: Path, step: int) -> list[tuple[bytes, str, str, str]]:
    """(XML bytes, XML name, text, text name) of every step-th corpus document."""
    out = []
    for tarball in (CORPUS_TARBALL, SPANISH_TARBALL):
        txt = corpus_txt_dir(shared, tarball)
        xml = txt.parent / "xml"
        for f in sorted(xml.glob("*session/*/*.xml"))[::step]:
            text = (
                txt
                / f"{f.parent.parent.name.removesuffix('session')}-{f.parent.name}"
                / (f.stem + ".txt")
            )
            out.append((f.read_bytes(), f.name, text.read_text(encoding="utf-8"), text.name))
    return out


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--step", type=int, default=3, help="every N-th XML file (default 3)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args(argv)
    docs = pairs(args.shared, args.step)
    read = [akn_read.read_akn(x, name, name[:-4])[0][0] for x, name, _, _ in docs]
    paragraphs = sum(len(d.preamble) + len(d.operative) for d in read)
    gc.disable()
    xml_s = text_s = float("inf")
    for _ in range(args.rounds):  # interleaved, so that both see the same machine
        xml_s = min(
            xml_s, best(lambda: [akn_read.read_akn(x, n, n[:-4]) for x, n, _, _ in docs], 1)
        )
        text_s = min(text_s, best(lambda: [parse_text(t, n) for _, _, t, n in docs], 1))
    write_s = best(lambda: [akn_write.dumps(d) for d in read], args.rounds)
    gc.enable()
    schema = etree.XMLSchema(etree.parse(str(SCHEMA), etree.XMLParser(no_network=True)))
    valid = sum(schema.validate(etree.fromstring(akn_write.dumps(d).encode())) for d in read)
    per = 1000 / paragraphs
    print(
        f"AKN on the GA corpus: {len(docs)} documents (every {args.step}), {paragraphs:,} "
        f"preambular and operative paragraphs; CPU time, best of {args.rounds} rounds"
    )
    print(
        f"  read the UN's XML      {xml_s * per:.4f} ms/paragraph  "
        f"({1000 * xml_s / len(docs):.2f} ms/file)"
    )
    print(
        f"  parse the same text    {text_s * per:.4f} ms/paragraph  "
        f"({1000 * text_s / len(docs):.2f} ms/file)"
    )
    print(f"  ratio                  XML {text_s / xml_s:.2f} times faster (target: 5)")
    print(f"  write our AKN          {write_s * per:.4f} ms/paragraph")
    print(
        f"  schema-valid           {valid}/{len(read)} written files "
        f"({100 * valid / len(read):.1f} %)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
