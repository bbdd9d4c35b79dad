"""Build figures: build.py run as a user runs it, cold and after one file changed; index sizes.

Each build is ``python build.py --content C --out S --cache K --stats F`` in a subprocess; the
wall time includes Python's start-up. The cold build starts from an empty cache folder; the
rebuild changes one word of one file and runs the same command again (warm cache).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGEFIND = REPO / "node_modules" / ".bin" / "pagefind"
# what a static host compresses (nginx gzip_types, most CDNs); other files go as they are
COMPRESSED_TYPES = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt")
# Pagefind files that are its runtime or UI, not its index (ours: the worker scripts, which
# live outside site/search/ and are not counted either)
PAGEFIND_RUNTIME = (
    "pagefind.js",
    "pagefind-worker.js",
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.js",
    "wasm.",
)


class BenchError(Exception):
    pass


@dataclass
class Build:
    wall: float  # seconds, whole process
    documents: int
    paragraphs: int
    files: int
    cached: int
    jobs: int
    stages: dict[str, float] = field(default_factory=dict)  # seconds
    index: str = ""  # the build's "index: ..." line: updated (and how much) or built in full
    peak_mb: float = 0.0  # peak resident memory of the build's largest process (MiB)
    # peak of the memory all the build's processes held at once (MiB): their proportional
    # set sizes summed (a page shared by n processes counts 1/n in each), sampled
    total_peak_mb: float = 0.0

    def per_paragraph_ms(self, seconds: float) -> float:
        return 1000 * seconds / max(self.paragraphs, 1)

    def peak_kib_per_paragraph(self) -> float:
        return 1024 * self.peak_mb / max(self.paragraphs, 1)

    def total_peak_kib_per_paragraph(self) -> float:
        return 1024 * self.total_peak_mb / max(self.paragraphs, 1)


class TreeMemory:
    """The most memory a process and its descendants held at once (MiB), sampled in a
    thread: the sum of their proportional set sizes (Linux: /proc/<pid>/smaps_rollup).
    ru_maxrss gives only the largest process, and a worker forked from the build shares most
    of its pages with it: neither the largest process nor the sum of resident sizes is what
    the machine must hold. Reading smaps_rollup walks a process's page tables (some 25 ms
    per GiB), so samples are at least ``every`` seconds apart and ten times as far apart as
    one takes: the sampler costs the build at most a tenth of a core."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every, self.peak_kib = pid, every, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        wait = self.every
        while not self.done.wait(wait):
            start = time.perf_counter()
            total = sum(_pss_kib(p) for p in _tree(self.pid))
            self.peak_kib = max(self.peak_kib, total)
            wait = max(self.every, 10 * (time.perf_counter() - start))

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return self.peak_kib / 1024


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc/<pid>/stat's parent pids."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass  # gone meanwhile
    return 0


def run_build(content: Path, out: Path, cache: Path, work: Path) -> Build:
    stats = work / "build-stats.json"
    cmd = [
        sys.executable,
        str(REPO / "build.py"),
        "--content",
        str(content),
        "--out",
        str(out),
        "--cache",
        str(cache),
        "--stats",
        str(stats),
    ]
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        proc = subprocess.Popen(
            cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL
        )
        memory = TreeMemory(proc.pid)
        # wait4, not wait: it also gives the process's peak memory (ru_maxrss, KiB), the
        # largest of the build and of its worker processes
        _, status, usage = os.wait4(proc.pid, 0)
        total_peak = memory.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t
        err.seek(0)
        stderr = err.read()
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} exited {proc.returncode}:\n{stderr[-4000:]}")
    data = json.loads(stats.read_text(encoding="utf-8"))
    said = [line for line in stderr.splitlines() if line.startswith("index:")]
    return Build(
        index=said[-1] if said else "",
        peak_mb=usage.ru_maxrss / 1024,
        total_peak_mb=total_peak,
        wall=wall,
        documents=data["documents"],
        paragraphs=data["paragraphs"],
        files=data["files"],
        cached=data["cached"],
        jobs=data["jobs"],
        stages=data["timings"],
    )


def touch_one_file(content: Path) -> Path:
    """Change one word of the first content file, as an editor fixing a word does: the 20th
    word of 7 letters or more becomes the 30th (a symlink into the corpus is replaced by a
    file of its own; the corpus is never written)."""
    path = sorted(content.rglob("*.txt"))[0]
    text = path.read_text(encoding="utf-8")
    long_words = list(re.finditer(r"\b[^\W\d_]{7,}\b", text))
    if len(long_words) < 30:
        raise BenchError(f"{path}: too short to edit one word")
    old, new = long_words[19], long_words[29].group()
    path.unlink()
    path.write_text(text[: old.start()] + new + text[old.end() :], encoding="utf-8")
    return path


ADDED = "bench-added"


def add_one_file(content: Path) -> Path:
    """A new content file, as the next session's resolution arriving: the second file's text
    with its 20th word of 7 letters or more changed, under an id of its own (a sidecar)."""
    source = sorted(content.rglob("*.txt"))[1]
    text = source.read_text(encoding="utf-8")
    word = list(re.finditer(r"\b[^\W\d_]{7,}\b", text))[19]
    folder = content / ADDED
    folder.mkdir(exist_ok=True)
    path = folder / source.name
    path.write_text(text[: word.start()] + "remanié" + text[word.end() :], encoding="utf-8")
    path.with_suffix(".yaml").write_text(f"id: {ADDED}-{source.stem}\n", encoding="utf-8")
    return path


def remove_file(path: Path) -> None:
    """A content file withdrawn, with its sidecar."""
    path.unlink()
    path.with_suffix(".yaml").unlink(missing_ok=True)


@dataclass
class Size:
    files: int = 0
    raw: int = 0  # bytes on disk
    served: int = 0  # bytes as served: gzip -6 for the COMPRESSED_TYPES, as is otherwise


def folder_size(folder: Path, skip: tuple[str, ...] = ()) -> Size:
    size = Size()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith(skip):
            continue
        data = path.read_bytes()
        size.files += 1
        size.raw += len(data)
        size.served += len(gzip.compress(data, 6)) if path.suffix in COMPRESSED_TYPES else len(data)
    return size


def run_pagefind(site: Path, dest: Path) -> tuple[float, Size]:
    """Index the document pages of ``site`` with Pagefind into ``dest``/pagefind (the built site
    is left untouched). Returns seconds and the index size (runtime and UI files excluded)."""
    if not PAGEFIND.exists():
        raise BenchError(f"{PAGEFIND} not found: make setup (npm ci)")
    cmd = [
        str(PAGEFIND),
        "--site",
        str(site),
        "--glob",
        "doc/**/*.html",
        "--output-path",
        str(dest / "pagefind"),
        "--quiet",
    ]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise BenchError(f"pagefind exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    return seconds, folder_size(dest / "pagefind", skip=PAGEFIND_RUNTIME)


def as_dict(obj) -> dict:
    return asdict(obj)
