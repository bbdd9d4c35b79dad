"""One rule for anchors: the informal fragments a page accepts (``#7a``, ``#par7``,
``#note2``) mean in static/js/reader.js what anchors.informal_candidates says they mean, and
every anchor the parser makes is one of anchors.py's forms."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from resarchive import anchors
from resarchive.index import paragraph_nodes
from resarchive.load import load_documents

REPO = Path(__file__).resolve().parents[1]
FRAGMENTS = [
    "7",
    "op7",
    "par7",
    "para7",
    "p7",
    "P7",
    "7a",
    "7A",
    "op7a",
    "op7-a",
    "op7.a",
    "par.12",
    "pp3",
    "al3",
    "AL-3",
    "pp.3",
    "note2",
    "n2",
    "N-2",
    "fn2",
    "op",
    "7ab",
    "x7",
    "",
    "12-b",
    "pp3a",
    "note",
    "att1-p4",
]


def js_candidates(fragments: list[str]) -> list[list[str]]:
    if shutil.which("node") is None:
        pytest.fail("node not found on PATH")
    script = (
        "const r = require(process.argv[1]);"
        "const xs = JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify(xs.map(r.informalCandidates)));"
    )
    done = subprocess.run(
        ["node", "-e", script, str(REPO / "static/js/reader.js"), json.dumps(fragments)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_reader_js_reads_informal_fragments_as_python_does() -> None:
    seeds = load_documents(REPO / "content").documents
    every = sorted({a for d in seeds for a, _, _ in paragraph_nodes(d)})
    fragments = FRAGMENTS + every
    assert js_candidates(fragments) == [anchors.informal_candidates(f) for f in fragments]


@pytest.mark.parametrize(
    "fragment, expected",
    [
        ("7", ["op7"]),
        ("par7", ["op7"]),
        ("7a", ["op7-a"]),
        ("op7.a", ["op7-a"]),
        ("al3", ["pp3"]),
        ("note2", ["fn2"]),
        ("n2", ["fn2"]),
        ("fn2", []),
        ("att1-p4", []),
    ],
)
def test_informal_candidates(fragment: str, expected: list[str]) -> None:
    assert anchors.informal_candidates(fragment) == expected


def test_every_seed_anchor_is_unique_on_its_page() -> None:
    for doc in load_documents(REPO / "content").documents:
        ids = (
            [a for a, _, _ in paragraph_nodes(doc)]
            + [p.id for p in doc.parts]
            + [a.id for a in doc.attachments]
            + [h.id for h in doc.header]
        )
        assert len(ids) == len(set(ids)), doc.id
