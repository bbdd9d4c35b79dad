"""What a build tells its user: the progress lines, the seconds per stage, the summary line.

Stage: reporting (around the whole build). May import: the standard library.

A build ends with one line (Pelican's habit): ``Done: 11 documents (199 paragraphs) from 4
files in 0.2 s -> site``; the ``--stats`` file holds the same figures as JSON.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Log = Callable[[str], None]


@dataclass
class StageClock:
    """Seconds spent in each stage, in the order the stages ran."""

    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


@dataclass
class Built:
    """What a build made; ``str()`` is the summary line."""

    documents: int
    paragraphs: int  # preambular + operative, as the summary line counts them
    files: int
    cached: int  # files whose parse came from the cache
    parsed: int  # files parsed by this build
    jobs: int
    reused: int  # document pages linked from the previous site, not rendered again
    timings: dict[str, float]  # seconds per stage: parse, render, export, index, ..., swap
    warnings: int = 0  # things the files parsed now hold that the page shows as they are

    def __str__(self) -> str:
        warned = f", {self.warnings} warning(s)" if self.warnings else ""
        return (
            f"{self.documents} documents ({self.paragraphs} paragraphs) from "
            f"{self.files} files{warned}"
        )


def parse_line(files: int, cached: int, parsed: int, jobs: int) -> str:
    how = f"{parsed} parsed" + (f" in {jobs} processes" if jobs > 1 else "")
    return f"parse: {files} files, {cached} from cache, {how}"


def pages_line(rendered: int, total: int) -> str:
    return f"pages: {rendered} rendered, {total - rendered} unchanged since the last build"


def index_line(path: str, added: int, removed: int, files: int, chunks: int, reason: str) -> str:
    if path == "fast":
        return (
            f"index: updated, {added} documents added and {removed} removed (a changed one is "
            f"both), {files} index files and {chunks} store chunks written"
        )
    return f"index: built in full ({reason})"


def stages_line(timings: dict[str, float]) -> str:
    return "stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())


def links_line(report: dict[str, Any], name: str) -> str:
    refs, versions = report["references"], report["translations"]
    return (
        f"links: {refs['cited']} references, {refs['archived']} to archived documents, "
        f"{refs['outside']} to the UN's site, {refs['text']} left as text; "
        f"{len(versions['pairs'])} pairs of language versions, "
        f"{versions['aligned']} aligned"
        + (f", {len(versions['shared_symbols'])} symbols printed by several documents of one "
           "language" if versions["shared_symbols"] else "")
        + f" ({name})"
    )  # fmt: skip
