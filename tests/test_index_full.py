"""The search index built in full, streamed (index_full.py): worker processes write what the
build writes alone, and a worker that fails stops the build with its error."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from resarchive import index, index_full
from resarchive.accuracy import parse_text
from resarchive.index_state import language_state
from resarchive.models import Document


@pytest.fixture(scope="module")
def corpus_docs(corpus_dir: Path) -> list[Document]:
    """Every 20th corpus file, French and English (and Spanish where the corpus has it)."""
    files = sorted(corpus_dir.glob("*/*.txt"))[::20]
    return [d for f in files for d in parse_text(f.read_text(encoding="utf-8"), f.name)]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_workers_write_the_files_and_state_the_build_writes_alone(
    corpus_docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len({d.language for d in corpus_docs}) >= 2
    alone, spread = tmp_path / "alone", tmp_path / "spread"
    alone.mkdir()
    spread.mkdir()
    monkeypatch.setattr(index, "PARALLEL_FROM", 10**9)
    manifest_a, kept_a, built_a = index_full.build_full(corpus_docs, alone, language_state)
    monkeypatch.setattr(index, "PARALLEL_FROM", 100)  # workers from the 101st entry on
    manifest_s, kept_s, built_s = index_full.build_full(corpus_docs, spread, language_state)
    assert not multiprocessing.active_children()
    assert manifest_s == manifest_a
    assert kept_s == kept_a
    assert built_s == built_a
    assert built_a.refs == manifest_a["paragraphs"] > 1000
    files = _files(alone)
    assert _files(spread) == files
    # every ref is in the store, as the entries made in one go give it
    entries = index.entries(corpus_docs)
    assert len(entries) == built_a.refs
    assert "".join(built_a.kinds) == "".join(e.kind for e in entries)
    chunks = [
        index.orjson.loads(files[f"store/{n}.json"])
        for n in range(-(-len(entries) // index.STORE_CHUNK))
    ]
    assert [row for c in chunks for row in c["rows"]] == [
        [e.doc, e.anchor, e.kind, e.text] for e in entries
    ]
    for c in chunks:  # the record of each document a chunk's rows show, and no other
        assert c["docs"] == {str(r[0]): index.doc_record(corpus_docs[r[0]]) for r in c["rows"]}


def test_a_worker_that_fails_stops_the_build_with_its_error(
    corpus_docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "PARALLEL_FROM", 100)
    (tmp_path / "en").write_text("a file where the English index's folder goes")
    with pytest.raises(RuntimeError, match=r"(?s)search index worker failed: .*NotADirectoryError"):
        index_full.build_full(corpus_docs, tmp_path)
    assert not multiprocessing.active_children()
