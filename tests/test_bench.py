"""The benchmark (bench/run.py) runs end to end in a small configuration, so it cannot rot.

It builds a few corpus files and the same scaled x3, indexes them with Pagefind, runs three
queries in Chromium, and must print every figure beside Pagefind or its target, with ratios,
and write them as JSON. It measures nothing here (the machine may be busy): `make bench` does.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHROMIUM, missing

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

FIGURES = [
    "full build",
    "peak memory",
    "stage parse",
    "stage render",
    "stage index",
    "rebuild, one file changed",
    "rebuild, one file added",
    "rebuild, one file removed",
    "of which the search index",
    "index size raw",
    "index size gzipped",
    "index build time",
    "cold bytes before 1st result, median (localhost)",
    "cold bytes until all rows, median (localhost)",
    "cold time to 1st result, slowest query (localhost)",
    "cold bytes before 1st result, median (throttled)",
    "cold bytes until all rows, median (throttled)",
    "cold time to 1st result, slowest query (throttled)",
    "warm query, median",
    "warm query, p95",
    "longest main-thread task",
]


def test_bench_quick_small(repo_root: Path, shared_dir: Path, tmp_path: Path) -> None:
    if not (shared_dir / "corpus").is_dir():
        missing(f"{shared_dir / 'corpus'} not found: clone the repository beside shared/")
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found: apt-get install chromium")
    if not (repo_root / "node_modules" / ".bin" / "pagefind").exists():
        missing("node_modules/.bin/pagefind not found: make setup")
    out = tmp_path / "results.json"
    cmd = [
        sys.executable,
        str(repo_root / "bench" / "run.py"),
        "--quick",
        "--step",
        "400",
        "--queries",
        "3",
        "--rounds",
        "1",
        "--cold-runs",
        "1",
        "--work",
        str(tmp_path / "work"),
        "--out",
        str(out),
        "--shared",
        str(shared_dir),
    ]
    proc = subprocess.run(
        cmd,
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.returncode == 0, f"bench/run.py exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    text = proc.stdout

    assert "ms/paragraph (target 0.4)" in text and "KiB/paragraph)" in text
    assert "rebuild, one file changed" in text and "from cache" in text
    assert "Heaps' law" in text
    table = text[text.index("figure") :]
    for name in ("corpus", "scaled"):
        for figure in FIGURES[:12]:
            assert any(line.startswith(name) and figure in line for line in table.splitlines()), (
                name,
                figure,
            )
    for figure in FIGURES[12:]:  # quick: Chromium on the scaled set
        line = next(ln for ln in table.splitlines() if ln.startswith("scaled") and figure in ln)
        assert len(line.split()) >= 5, line

    results = json.loads(out.read_text(encoding="utf-8"))
    corpus, scaled = results["sets"]["corpus"], results["sets"]["scaled"]
    assert scaled["copies"] == 3 and scaled["structure_ok"], "scaling changed the structure"
    assert scaled["build"]["paragraphs"] == 3 * corpus["build"]["paragraphs"] > 0
    assert scaled["content"]["made"] > scaled["content"]["vocabulary"]  # vocabulary grew
    assert scaled["rebuild"]["cached"] == scaled["rebuild"]["files"] - 1
    for key, counts in (("rebuild", "1 documents added and 1 removed"),
                        ("rebuild_added", "1 documents added and 0 removed"),
                        ("rebuild_removed", "0 documents added and 1 removed")):  # fmt: skip
        assert f"index: updated, {counts}" in scaled[key]["index"], scaled[key]["index"]
    rows = {(r["set"], r["figure"].strip()): r for r in results["table"]}
    assert rows[("scaled", "index size gzipped")]["ratio"] > 0
    assert rows[("scaled", "full build")]["met"] in (True, False)
    # the build's processes hold at least the text they index (a few hundred bytes each);
    # all of them at once (sampled) about as much as the largest, or more
    largest = rows[("scaled", "peak memory, largest process")]["ours"]
    together = rows[("scaled", "peak memory, all processes")]
    assert 0.2 < largest < 1000 and 0.2 < together["ours"] < 1000, (largest, together)
    assert together["ours"] > largest / 2 and together["met"] in (True, False), together
    for system in ("ours", "pagefind"):
        for profile in ("localhost", "throttled"):
            summary = scaled["browser"][system]["profiles"][profile]
            assert summary["cold_bytes_median"] > 0 and summary["cold_ms_median"] > 0
            assert summary["queries"] == 3 + 2 and not summary["errors"], summary  # 2 filtered
        assert scaled["browser"][system]["summary"]["warm_ms_p95"] is not None
        # the filter narrows: the filtered query's rows are fewer or as many
        cold = scaled["browser"][system]["cold"]
        assert any(c["filters"] for c in cold) and all(c["rows"] >= 0 for c in cold)
        # until all rows: at least what came before the first (a run with no result has none)
        assert all(c["total_bytes"] >= c["bytes"] for c in cold if c["bytes"] is not None)
    ours = scaled["browser"]["ours"]["profiles"]
    # throttled (150 ms a round trip): the page, the worker, the manifest, a bucket and a store
    # chunk are asked for one after the other, so the first row cannot come before 4 trips
    assert ours["throttled"]["cold_ms_median"] > 4 * 150
    assert rows[("scaled", "cold bytes before 1st result, median (localhost)")]["ratio"] > 0


def test_bench_links_small(repo_root: Path, shared_dir: Path) -> None:
    """bench/links.py on every 40th French text of session 78 and its English: every figure
    printed beside what it is compared to."""
    if not (shared_dir / "corpus").is_dir():
        missing(f"{shared_dir / 'corpus'} not found: clone the repository beside shared/")
    cmd = [sys.executable, str(repo_root / "bench" / "links.py"), "--step", "40", "--rounds",
           "1", "--shared", str(shared_dir)]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=repo_root, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
    )
    assert proc.returncode == 0, f"bench/links.py exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    text = proc.stdout
    assert re.search(
        r"session 78 fr\+en \(every 40\): \d+ documents, [\d,]+ references, \d+ pairs", text
    )
    assert re.search(r"page text +[\d.]+ s linked vs [\d.]+ s bare", text)
    assert re.search(r"data records +[\d.]+ s linked vs [\d.]+ s bare", text)
    assert re.search(r"links: [\d.]+ s of a [\d.]+ s build -> \+[\d.]+ % over the build", text)
    assert re.search(r"side-by-side pages: [\d.]+ s for \d+ pages vs [\d.]+ s", text)


def test_bench_agreed_small(repo_root: Path, shared_dir: Path) -> None:
    """bench/agreed.py on every 40th corpus text, at 1x and 2x, and its rebuild: every
    figure beside what it is compared to."""
    if not (shared_dir / "corpus").is_dir():
        missing(f"{shared_dir / 'corpus'} not found: clone the repository beside shared/")
    cmd = [sys.executable, str(repo_root / "bench" / "agreed.py"), "--scales", "1,2", "--step",
           "40", "--shared", str(shared_dir)]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=repo_root, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
    )
    assert proc.returncode == 0, f"bench/agreed.py exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    rows = re.findall(
        r"^(\d)x +([\d,]+) +([\d,]+) +([\d.]+) +([\d.]+) +([\d.]+) \(([\d.]+)\)"
        r" +(\d[\d,]*) -> (\d[\d,]*) MB",
        proc.stdout,
        re.M,
    )
    assert [r[0] for r in rows] == ["1", "2"], proc.stdout
    assert float(rows[1][6]) == 2.0  # twice the paragraphs
    assert re.search(r"rebuild: [\d.]+ s \([\d.]+ of cold\); parsed 1 file", proc.stdout)


# --------------------------------------------------------------------------- the parse cache
# (what the benchmark's rebuild figure relies on; fast, no corpus or browser needed)


@pytest.fixture
def content_copy(repo_root: Path, tmp_path: Path) -> Path:
    import shutil

    dest = tmp_path / "content"
    shutil.copytree(repo_root / "content", dest)
    return dest


def _ids(loaded) -> list[str]:
    return [d.id for d in loaded.documents]


def test_cache_reuses_unchanged_files(content_copy: Path, tmp_path: Path) -> None:
    from resarchive.load import load_documents
    from resarchive.models import to_dict
    from resarchive.summaries import materialize

    cache = tmp_path / "cache"
    first = load_documents(content_copy, cache=cache)
    assert not first.errors and first.cached == 0 and first.parsed == first.files > 0
    again = load_documents(content_copy, cache=cache)
    assert again.cached == again.files and again.parsed == 0
    assert [to_dict(materialize(d)) for d in again.documents] == [
        to_dict(materialize(d)) for d in first.documents
    ]

    target = sorted(content_copy.glob("*.txt"))[0]
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = load_documents(content_copy, cache=cache)
    assert changed.parsed == 1 and changed.changed == [target.name]
    assert _ids(changed) == _ids(first)
    meta = target.with_suffix(".yaml")  # a sidecar change invalidates its text's entry too
    meta.write_text(
        (meta.read_text(encoding="utf-8") if meta.exists() else "") + "\n# x\n", encoding="utf-8"
    )
    assert load_documents(content_copy, cache=cache).parsed == 1


def test_the_parser_modules_read_off_the_lines_are_those_the_syntax_tree_names() -> None:
    """cache.package_imports reads imports off a module's lines (fast); for every module of
    the package it names each package module the syntax tree's import statements do (a
    miss would leave a parser change out of the cache's fingerprint)."""
    import ast

    from resarchive import cache as cache_mod

    checked = 0
    for path in sorted(cache_mod.PACKAGE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        expected = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    expected.add(node.module.split(".")[0])
                else:
                    expected.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("resarchive."):
                expected.add(node.module.split(".")[1])
        assert set(cache_mod.package_imports(source)) == expected, path.name
        checked += bool(expected)
    assert checked > 30


def test_cache_is_dropped_when_the_parser_changes(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resarchive import cache as cache_mod
    from resarchive import load

    cache = tmp_path / "cache"
    load.load_documents(content_copy, cache=cache)
    old = list(cache.glob("parse-*"))
    assert len(old) == 1
    assert any(p.name == "parse.py" for p in cache_mod.parser_modules())
    assert any(p.name == "read.py" for p in cache_mod.parser_modules())
    monkeypatch.setattr(cache_mod, "fingerprint", lambda: "f" * 64)
    loaded = load.load_documents(content_copy, cache=cache)
    assert loaded.cached == 0 and loaded.parsed == loaded.files
    assert [p.name for p in cache.glob("parse-*")] == ["parse-ffffffffffffffff"]


def test_parallel_parse_keeps_order_and_every_error(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resarchive import load
    from resarchive.models import to_dict
    from resarchive.summaries import materialize

    (content_copy / "aa-empty.txt").write_text("", encoding="utf-8")
    (content_copy / "zz-binary.txt").write_bytes(b"\x00\x01binary")
    serial = load.load_documents(content_copy, cache=None, jobs=1)
    monkeypatch.setattr(load, "PARALLEL_MIN_FILES", 1)
    parallel = load.load_documents(content_copy, cache=tmp_path / "cache", jobs=2)
    assert parallel.jobs == 2
    # parsed with a cache: stand-ins for the documents stored there, equal once loaded
    assert [to_dict(materialize(d)) for d in parallel.documents] == [
        to_dict(d) for d in serial.documents
    ]
    assert [str(e) for e in parallel.errors] == [str(e) for e in serial.errors]
    assert [e.file for e in serial.errors] == ["aa-empty.txt", "zz-binary.txt"]
    # errors are never cached: the next build names the broken files again
    assert [e.file for e in load.load_documents(content_copy, cache=tmp_path / "cache").errors] == [
        "aa-empty.txt",
        "zz-binary.txt",
    ]


def test_stat_index_skips_reading_unchanged_files(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from resarchive import cache as cache_mod
    from resarchive import load

    old = 1_000_000_000  # files last written long ago: their stat figures can be trusted
    for path in content_copy.iterdir():
        os.utime(path, (old, old))
    cache = tmp_path / "cache"
    first = load.load_documents(content_copy, cache=cache)
    hashed: list[str] = []
    real_key = cache_mod.entry_key

    def counting_key(rel: str, *rest):
        hashed.append(rel)
        return real_key(rel, *rest)

    monkeypatch.setattr(cache_mod, "entry_key", counting_key)
    assert load.load_documents(content_copy, cache=cache).cached == first.files
    assert hashed == []  # nothing read to know that nothing changed

    target = sorted(content_copy.glob("*.txt"))[1]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("a", "b", 1), encoding="utf-8")  # same size, new mtime
    changed = load.load_documents(content_copy, cache=cache)
    assert changed.changed == [target.name] and hashed == [target.name]
