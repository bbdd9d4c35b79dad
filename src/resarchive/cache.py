"""Parsed documents cached by content hash, so a rebuild parses only the files that changed.

Stage: parse (its cache). May import: models.

An entry is the pickled ``list[Document]`` of one content file, stored under

    <cache>/parse-<fingerprint[:16]>/<key[:2]>/<key>.pickle

``key`` = sha256 of the parser fingerprint, the file's path relative to the content folder (ids
and ``source`` come from it), its bytes and its sidecar YAML's bytes. ``fingerprint`` = sha256 of
the source of every parser module (``pipeline.py``, ``read.py`` and what they import,
transitively) and of ``data/*.yaml``, plus the Python version: change the parser or its
language data and every entry is stale. Entries of other fingerprints are removed when a build
opens the cache, so the folder holds one parser version at a time.

Only successful parses are stored; a file with errors is parsed (and reported) again each time.
Writes are atomic (temp file + rename), so concurrent builds at worst both parse a file.

Computing a key reads the text and its sidecar. ``StatIndex`` spares that for files whose
size, mtime and inode (and their sidecar's) are those seen by the previous build of the same
content folder, as git's index does: it remembers each key with those figures, in
``stat-<hash of the content folder>.json`` beside the entries. A file modified less than a
second before its key was recorded is hashed again (a write within the clock's resolution
could leave the same mtime).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

from .models import Document

PACKAGE = Path(__file__).resolve().parent
ENTRY_MODULES = ("pipeline", "read")  # parse_source, and read_source/read_sidecar


def parser_modules() -> list[Path]:
    """``pipeline.py``, ``read.py`` and the package modules they import, transitively."""
    seen: set[str] = set()
    todo = list(ENTRY_MODULES)
    while todo:
        name = todo.pop()
        if name in seen or not (PACKAGE / f"{name}.py").is_file():
            continue
        seen.add(name)
        todo.extend(package_imports((PACKAGE / f"{name}.py").read_text(encoding="utf-8")))
    return sorted(PACKAGE / f"{name}.py" for name in seen)


# "from .x import", "from . import (x, y)", "from resarchive.x import", at a line's start
_FROM_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+(?:(\.)([\w.]*)|resarchive\.(\w+))[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)",
    re.MULTILINE,
)


def package_imports(source: str) -> list[str]:
    """The package modules a module's source imports from, read off its lines (parsing it,
    ast.parse, cost each build 0.05 s for the 20 parser modules). A line in a string that
    looks like an import only adds a module to the fingerprint: safe."""
    found = []
    for m in _FROM_IMPORT.finditer(source):
        dot, module, absolute, names = m.groups()
        if absolute:
            found.append(absolute)
        elif module:
            found.append(module.split(".")[0])
        elif dot:  # from . import x, y as z
            for part in names.strip("()").split(","):
                words = part.split("#")[0].split()
                if words:
                    found.append(words[0])
    return found


@cache
def fingerprint() -> str:
    h = hashlib.sha256(f"python {sys.version_info[:2]}\n".encode())
    for path in parser_modules() + sorted((PACKAGE / "data").glob("*.yaml")):
        h.update(f"\0{path.relative_to(PACKAGE).as_posix()}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def entry_key(rel: str, text: bytes, sidecar: bytes | None) -> str:
    h = hashlib.sha256(fingerprint().encode())
    for part in (rel.encode(), text, b"" if sidecar is None else b"yaml\0" + sidecar):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


class ParseCache:
    """A folder of pickled parse results. ``get`` returns None on a miss or a bad entry."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.dir = self.root / f"parse-{fingerprint()[:16]}"

    def open(self) -> ParseCache:
        """Create the folder and drop the entries of other parser versions (a folder that
        cannot be written only means no entry is stored)."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            for old in self.root.glob("parse-*"):
                if old != self.dir and old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
        return self

    def path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> list[Document] | None:
        try:
            docs: list[Document] = pickle.loads(self.path(key).read_bytes())
            return docs
        except Exception:  # missing, or truncated or foreign: parse again, overwrite it
            return None


class StatIndex:
    """rel -> [stat figures, key, when recorded]: keys of unchanged files without reading them."""

    RACY_NS = 1_000_000_000

    def __init__(self, folder: Path, content: Path):
        self.path = folder / f"stat-{content_name(content)}.json"
        try:
            self.old = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.old = {}
        self.new: dict[str, list[Any]] = {}
        self.now = time.time_ns()

    def key(self, rel: str, path: Path, sidecar: Path | None) -> str:
        st = os.stat(path)
        side = os.stat(sidecar) if sidecar else None
        figures = [
            st.st_size,
            st.st_mtime_ns,
            st.st_ino,
            side.st_size if side else -1,
            side.st_mtime_ns if side else -1,
            side.st_ino if side else -1,
        ]
        seen = self.old.get(rel)
        newest = max(st.st_mtime_ns, side.st_mtime_ns if side else 0)
        if seen and seen[0] == figures and newest < seen[2] - self.RACY_NS:
            self.new[rel] = seen
            return str(seen[1])
        key = entry_key(rel, path.read_bytes(), sidecar.read_bytes() if sidecar else None)
        self.new[rel] = [figures, key, self.now]
        return key

    def save(self) -> None:
        if self.new != self.old:
            store_file(self.path, json.dumps(self.new, separators=(",", ":")).encode())


def content_name(content: Path) -> str:
    """A short name for a content folder, for the files the cache keeps about it."""
    return hashlib.sha256(str(content.resolve()).encode()).hexdigest()[:16]


def store(folder: Path, key: str, data: bytes) -> bool:
    """Write one entry atomically; whether it was written."""
    return store_file(folder / key[:2] / f"{key}.pickle", data)


def store_file(target: Path, data: bytes) -> bool:
    """Write a file atomically; whether it was written (a cache that cannot be written is
    not an error)."""
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
        return True
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        return False
