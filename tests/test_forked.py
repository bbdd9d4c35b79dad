"""Pages and data files written by forked processes (forked.fork_map): the same files, in
the same order, as one process writes; errors come back to the build."""

from __future__ import annotations

import filecmp
import gc
import os
import time
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
def test_background_runs_beside_the_caller_and_gives_its_value_or_error(
    tmp_path: Path,
) -> None:
    """forked.Background: the child runs while the parent goes on (each waits for a file
    the other writes), writes files, and returns its value; an exception comes back as
    raised; stop() ends a child that would run for ever."""
    parent = os.getpid()
    ping, pong = tmp_path / "ping", tmp_path / "pong"

    def child() -> tuple[int, str]:
        ping.write_text("from the child", encoding="utf-8")
        while not pong.exists():
            time.sleep(0.01)
        return os.getpid(), pong.read_text(encoding="utf-8")

    job = forked.Background(child)
    while not ping.exists():
        time.sleep(0.01)
    pong.write_text("from the parent", encoding="utf-8")
    pid, said = job.result()
    assert pid != parent and said == "from the parent"
    assert job.result() == (pid, said)  # asked again: the same value

    def fails() -> None:
        raise ValueError("broken on purpose")

    with pytest.raises(ValueError, match="broken on purpose"):
        forked.Background(fails).result()

    forever = forked.Background(lambda: time.sleep(3600))
    started = time.monotonic()
    forever.stop()
    assert time.monotonic() - started < 10


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
