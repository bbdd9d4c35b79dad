"""Unchanged documents come from the parse cache as LazyDocuments: their metadata from one
summary file, their text only when a stage reads it; a rebuild after an edit loads the text
of few of them, and writes what a build from scratch writes (tests/test_rebuild.py)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from resarchive import summaries
from resarchive.build import write_site
from resarchive.cache import ParseCache
from resarchive.load import load_documents
from resarchive.models import Document

REPO = Path(__file__).resolve().parents[1]


def lazy_of(docs: list[Document]) -> list[summaries.LazyDocument]:
    return [d for d in docs if isinstance(d, summaries.LazyDocument)]  # type: ignore[misc]


@pytest.mark.parametrize("loads", [1, 2], ids=["parsed", "from the cache"])
def test_loads_with_a_cache_give_lazy_documents_equal_to_parsed_ones(
    tmp_path: Path, loads: int
) -> None:
    cache = tmp_path / "cache"
    parsed = load_documents(REPO / "content", cache=None)
    assert not lazy_of(parsed.documents), "without a cache: real Documents"
    for _ in range(loads):  # the first parses and stores, the second reads the cache
        again = load_documents(REPO / "content", cache=cache)
    assert again.parsed == (again.files if loads == 1 else 0) and again.files == 4
    lazy = lazy_of(again.documents)
    assert len(lazy) == len(again.documents) == len(parsed.documents) == 11
    assert [d.id for d in again.documents] == [d.id for d in parsed.documents]
    for doc, real in zip(lazy, parsed.documents, strict=True):
        for name in summaries.SUMMARY_FIELDS:
            assert getattr(doc, name) == getattr(real, name), name
        assert summaries.paragraph_count(doc) == len(real.preamble) + len(real.operative)
        assert doc._full is None, "reading metadata must not load the text"
        assert doc.operative == real.operative  # loads it
        assert doc == real and summaries.materialize(doc) == real


def test_a_rebuild_loads_the_text_of_few_unchanged_documents(
    tmp_path: Path, corpus_dir: Path
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for f in sorted(corpus_dir.glob("*-French/*.txt"))[::40]:
        shutil.copy(f, content / f.name)
    cache, site = tmp_path / "cache", tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "--content",
            str(content),
            "--out",
            str(site),
            "--cache",
            str(cache),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    edited = sorted(content.iterdir())[5]
    text = edited.read_text(encoding="utf-8")
    # one word of the body replaced by another, as an editor does (lengths stay the same,
    # the search index is updated: the document removed and added again)
    word = next(m for m in re.finditer(r"\b[^\W\d_]{7,}\b", text) if m.start() > len(text) // 2)
    edited.write_text(text[: word.start()] + "remanié" + text[word.end() :], encoding="utf-8")

    loaded = load_documents(content, cache=cache)
    assert loaded.parsed == 1
    docs = sorted(loaded.documents, key=lambda d: (d.source, d.line))
    lazy = lazy_of(docs)
    assert len(lazy) == len(docs) >= 26  # the edited one too: it was parsed and stored
    state = cache / "site-state"
    shutil.copytree(next(cache.glob("site-*")), state)
    out = tmp_path / "rebuilt"
    out.mkdir()
    log: list[str] = []
    _, reused = write_site(
        docs, out, log.append, previous=site, state=state, digests=loaded.digests
    )
    assert reused == len(lazy) - 1
    assert "index: updated, 1 documents added and 1 removed" in "\n".join(log)
    loaded_text = [d.id for d in lazy if d._full is not None]
    # only the neighbours sharing a search store chunk with the edited document are read
    assert len(loaded_text) <= 4, loaded_text


def test_a_build_from_scratch_keeps_no_body_and_writes_what_real_documents_give(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """With a cache, the main process of a build from scratch holds every document as its
    summary: each stage loads a body where it writes from it, and lets it go (the memory
    of the whole General Assembly record could not hold them all)."""
    content = tmp_path / "content"
    content.mkdir()
    for lang in ("French", "English"):
        for f in sorted(corpus_dir.glob(f"*-{lang}/*.txt"))[::60]:
            shutil.copy(f, content / f.name)
    loaded = load_documents(content, cache=tmp_path / "cache")
    docs = sorted(loaded.documents, key=lambda d: (d.source, d.line))
    lazy = lazy_of(docs)
    assert len(lazy) == len(docs) >= 30
    site = tmp_path / "site"
    write_site(docs, site, state=tmp_path / "state", digests=loaded.digests)
    assert [d.id for d in lazy if d._full is not None] == []
    real = load_documents(content, cache=None).documents
    assert not lazy_of(real)
    whole = tmp_path / "whole"
    write_site(sorted(real, key=lambda d: (d.source, d.line)), whole)
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(whole) for p in whole.rglob("*") if p.is_file())
    assert len(files) > 4 * len(docs)
    differ = [f for f in files if (site / f).read_bytes() != (whole / f).read_bytes()]
    assert differ == []


def test_pairs_the_previous_report_lacks_are_aligned_again_from_their_cache_entries(
    tmp_path: Path, corpus_dir: Path
) -> None:
    content, cache, site = tmp_path / "content", tmp_path / "cache", tmp_path / "site"
    content.mkdir()
    for lang in ("French", "English"):
        for f in sorted(corpus_dir.glob(f"78-{lang}/A_RES_78_1[0-5]-*.txt")):
            shutil.copy(f, content / f.name)

    def build() -> None:
        done = subprocess.run(
            [sys.executable, str(REPO / "build.py"), "--content", str(content),
             "--out", str(site), "--cache", str(cache), "--quiet"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    build()
    report_file = site / "build-report.json"
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert len(report["translations"]["pairs"]) >= 5
    emptied = {**report, "translations": {**report["translations"], "pairs": []}}
    report_file.write_text(json.dumps(emptied), encoding="utf-8")
    build()  # the side-by-side pages are kept; their alignments are found again
    assert json.loads(report_file.read_text(encoding="utf-8")) == report


def test_a_vanished_cache_entry_is_a_clear_error(tmp_path: Path) -> None:
    content, cache, site = tmp_path / "content", tmp_path / "cache", tmp_path / "site"
    shutil.copytree(REPO / "content", content)

    def build() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                str(REPO / "build.py"),
                "--content",
                str(content),
                "--out",
                str(site),
                "--cache",
                str(cache),
                "--quiet",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert build().returncode == 0
    loaded = load_documents(content, cache=cache)
    doc = lazy_of(loaded.documents)[0]
    doc._entry.unlink()
    with pytest.raises(summaries.EntryVanished, match=str(doc._entry)):
        doc.operative  # noqa: B018
    # the build itself notices the missing entry before making a LazyDocument of it
    assert build().returncode == 0
    assert ParseCache(cache).path(loaded.digests[doc.id].split(":")[0]).is_file()


def test_an_edit_rewrites_the_summaries_delta_not_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, cache = tmp_path / "content", tmp_path / "cache"
    shutil.copytree(REPO / "content", content)
    first = load_documents(content, cache=cache)
    (whole,) = [p for p in cache.rglob("summaries-*.pickle") if ".delta." not in p.name]
    delta = whole.with_name(whole.name.replace(".pickle", ".delta.pickle"))
    stamp = whole.stat().st_ino, whole.stat().st_mtime_ns
    assert not delta.exists()

    edited = content / "000_1b8c8940ed5f6a62.txt"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("enfants", "mineurs", 1), encoding="utf-8")
    (content / "003_119bc831e513df92.txt").unlink()
    second = load_documents(content, cache=cache)
    assert second.parsed == 1
    assert (whole.stat().st_ino, whole.stat().st_mtime_ns) == stamp and delta.is_file()

    # what a third build reads, the whole file with its delta, is what the second made
    third = load_documents(content, cache=cache)
    assert third.parsed == 0 and len(lazy_of(third.documents)) == len(third.documents)
    assert len(third.documents) < len(first.documents)
    for doc, real in zip(third.documents, second.documents, strict=True):
        for name in summaries.SUMMARY_FIELDS:
            assert getattr(doc, name) == getattr(real, name), name
        assert doc.wordings == real.wordings

    # once the delta would hold too much of the whole, it is folded into it
    monkeypatch.setattr(summaries.SummaryFile, "DELTA_MIN", 0)
    edited.write_text(text, encoding="utf-8")
    load_documents(content, cache=cache)
    assert whole.stat().st_mtime_ns != stamp[1] and not delta.exists()
    assert len(load_documents(content, cache=cache).documents) == len(third.documents)
