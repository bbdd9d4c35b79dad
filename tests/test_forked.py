"""Pages and data files written by forked processes (forked.fork_map): the same files, in
the same order, as one process writes; errors come back to the build."""

from __future__ import annotations

import filecmp
import gc
import os
from pathlib import Path

import pytest

from resarchive import build, forked


def test_fork_map_runs_in_other_processes_and_keeps_the_order() -> None:
    unpicklable = (n for n in range(3))  # reached through the closure: never pickled
    parent = os.getpid()

    def square(n: int) -> tuple[int, int, bool]:
        return n * n, os.getpid(), unpicklable is not None

    results = forked.fork_map(square, list(range(100)), 2)
    assert [r[0] for r in results] == [n * n for n in range(100)]
    assert all(r[2] for r in results)
    assert {r[1] for r in results} - {parent}, "every item ran in the parent"
    assert forked.fork_map(square, list(range(5)), 1) == [(n * n, parent, True) for n in range(5)]


def test_fork_map_raises_what_a_process_raised() -> None:
    def fail_on_seven(n: int) -> int:
        if n == 7:
            raise ValueError(f"item {n}")
        return n

    with pytest.raises(ValueError, match="item 7"):
        forked.fork_map(fail_on_seven, list(range(20)), 2)


def tree_differences(left: Path, right: Path) -> list[str]:
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(prefix + n for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


@pytest.mark.corpus
def test_pages_written_by_two_processes_equal_one_process(
    versions_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten session 78 texts: their pages, side-by-side pages, data and AKN files, search
    index, byte for byte, whether one process writes them or two forked ones do."""
    one = build.build_site(versions_content, tmp_path / "one" / "site", cache=None, jobs=1)
    monkeypatch.setattr(build, "FORK_FROM", 1)  # ten documents: fork all the same
    two = build.build_site(versions_content, tmp_path / "two" / "site", cache=None, jobs=2)
    assert one.documents == two.documents == 10
    pages = list((tmp_path / "two" / "site" / "doc").glob("*.html"))
    assert len(pages) > 10, "no side-by-side page written"
    assert tree_differences(tmp_path / "one" / "site", tmp_path / "two" / "site") == []


def test_the_build_gives_the_cycle_collector_back(tmp_path: Path) -> None:
    """The build pauses Python's cycle collector (build.cyclic_gc_paused) and turns it back on
    after, when it succeeds and when content errors stop it."""
    assert gc.isenabled()
    build.build_site(build.REPO / "content", tmp_path / "site", cache=None, jobs=1)
    assert gc.isenabled()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(build.BuildFailed):
        build.build_site(broken, tmp_path / "other", cache=None, jobs=1)
    assert gc.isenabled()
