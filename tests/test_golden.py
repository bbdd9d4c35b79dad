"""Per-stage golden files for the seed texts: clean, segment, documents.

    pytest tests/test_golden.py --update-golden    # rewrite, then read `git diff tests/golden`

A failure prints a unified diff of the stage's output against the committed expectation.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from resarchive.clean import clean_lines
from resarchive.export import document_record
from resarchive.models import MARK_CLOSE, MARK_OPEN
from resarchive.pipeline import parse_source
from resarchive.read import read_sidecar, read_source, sidecar_path
from resarchive.segment import segment

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
GOLDEN = Path(__file__).parent / "golden"
SEEDS = sorted(p.name for p in CONTENT.glob("*.txt"))


def visible(text: str) -> str:
    """Markers shown as ⟦1⟧ so golden files read well."""
    return text.replace(MARK_OPEN, "⟦").replace(MARK_CLOSE, "⟧")


def stage_output(name: str, stage: str) -> str:
    path = CONTENT / name
    src = read_source(path, CONTENT)
    if stage == "clean":
        return "".join(
            f"{ln.no:4} {ln.hint[:1] or ' '} {visible(ln.text)}\n" for ln in clean_lines(src.text)
        )
    if stage == "segment":
        blocks = segment(clean_lines(src.text))
        return (
            json.dumps(
                [
                    {
                        "kind": b.kind,
                        "line": b.line,
                        "end": b.end,
                        "mark": b.mark,
                        "joined_from": b.joined_from,
                        "text": visible(b.rich),
                    }
                    for b in blocks
                ],
                ensure_ascii=False,
                indent=1,
            )
            + "\n"
        )
    meta_path = sidecar_path(path)
    meta = read_sidecar(meta_path, CONTENT) if meta_path else {}
    docs = [document_record(d) for d in parse_source(src, meta)]
    return visible(json.dumps(docs, ensure_ascii=False, indent=1)) + "\n"


@pytest.mark.parametrize("stage", ["clean", "segment", "documents"])
@pytest.mark.parametrize("name", SEEDS)
def test_stage_matches_golden(name: str, stage: str, update_golden: bool) -> None:
    golden = GOLDEN / f"{Path(name).stem}.{stage}.{'txt' if stage == 'clean' else 'json'}"
    actual = stage_output(name, stage)
    if update_golden or not golden.exists():
        golden.write_text(actual, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{golden.name} did not exist: written now; read it and commit it")
        return
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True),
                actual.splitlines(True),
                f"golden/{golden.name}",
                "actual",
                n=2,
            )
        )
        pytest.fail(
            f"{stage} output of {name} differs from the golden file "
            f"(rerun with --update-golden if the change is right):\n{diff[:12000]}",
            pytrace=False,
        )
