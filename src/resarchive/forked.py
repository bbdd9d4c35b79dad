"""Work spread over processes forked from the build, for the stages that write one file per
document (render, export): every core, nothing pickled but the results.

Stage: the pipeline's helper. May import: nothing of the package.

A forked process inherits the parent's memory, so the function and the documents it reads
reach it as they are; only each call's result is sent back. Parsing spreads its files the
other way (load.py: files in, pickled documents out), since it has nothing to share.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

# What the forked processes run: set just before they are forked, read by _run_chunk.
_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
CHUNKS_PER_PROCESS = 8  # small enough chunks that no process waits long for another


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_map(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``[fn(item) for item in items]``, in ``jobs`` processes forked from this one (in
    this one for ``jobs`` <= 1, or where fork does not exist). Results come back in order;
    an exception in ``fn`` is raised here."""
    if jobs <= 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item) for item in items]
    global _WORK
    jobs = min(jobs, len(items))
    size = max(1, -(-len(items) // (jobs * CHUNKS_PER_PROCESS)))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _WORK = (fn, items)
    # objects the collector never scans are never written, so the forked processes keep
    # sharing the parent's pages instead of copying each one a collection touches
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            chunks = list(pool.map(_run_chunk, bounds))
    finally:
        _WORK = None
        gc.unfreeze()
    return [result for chunk in chunks for result in chunk]


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _WORK is not None, "fork_map's work is set before its processes are forked"
    fn, items = _WORK
    return [fn(item) for item in items[bounds[0] : bounds[1]]]


class Background(Generic[R]):
    """``fn()`` run in a process forked now, while this one goes on; ``result()`` waits for
    it and returns its value or raises its exception (where fork does not exist, ``fn`` runs
    here, now). Files the child writes are written; only its value comes back, pickled.
    ``stop()`` ends the child if it still runs (the caller failed and gives up its work)."""

    def __init__(self, fn: Callable[[], R]):
        self._process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._value = fn()
            return
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        gc.freeze()  # as in fork_map: the child keeps sharing the parent's pages
        try:
            # not a daemon: it may fork processes of its own (an index built in full does)
            self._process = context.Process(target=_background, args=(fn, writer))
            self._process.start()
        finally:
            gc.unfreeze()
        writer.close()

    def result(self) -> R:
        if self._process is None:
            return self._value
        try:
            outcome, value = self._reader.recv()
        except EOFError:
            outcome, value = "error", RuntimeError(f"a build process died ({self._process.pid})")
        finally:
            self._process.join()
            self._process = None
        if outcome == "error":
            raise value
        self._value = cast(R, value)
        return self._value

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._process = None


def _background(fn: Callable[[], Any], writer: Any) -> None:
    try:
        message: tuple[str, Any] = ("ok", fn())
    except BaseException as error:  # noqa: BLE001 - sent to the parent, which raises it
        message = ("error", error)
    try:
        writer.send(message)
    except Exception as error:  # noqa: BLE001 - the value or exception would not pickle
        writer.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    writer.close()
