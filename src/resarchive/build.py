"""The build: every content file through the stages, then the site written aside and swapped in.

    load_documents: read -> clean -> segment -> parse -> link -> metadata   (per file)
    write_site:     render pages -> export JSON -> search index -> static assets
    swap:           the new site replaces the old one only when all of it was written

One broken file does not hide the others: every file is read and parsed, and all errors are
reported together.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import export, render
from .errors import ContentError
from .models import Document
from .pipeline import parse_source
from .read import META_SUFFIXES, TEXT_SUFFIXES, find_sources, read_sidecar, read_source, rel_name

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
STATIC = REPO / "static"
SITE = {
    "name": "resarchive",
    "tagline": "Résolutions et décisions de l’ONU et de l’OSCE : lire, chercher, citer un paragraphe. "
               "UN and OSCE resolutions and decisions: read, search, cite a paragraph.",
    "footer": "resarchive — textes reproduits tels qu’imprimés ; source : Nations Unies, OSCE. "
              "Texts as printed; sources: United Nations, OSCE.",
}


class BuildFailed(Exception):
    def __init__(self, errors: list[ContentError], files: int):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
        self.files = files


@dataclass
class Loaded:
    documents: list[Document] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def load_documents(content: Path) -> Loaded:
    """Parse every content file; collect documents and errors (never raise for content)."""
    out = Loaded()
    content = content.resolve()
    if not content.is_dir():
        out.errors.append(ContentError(str(content), "content folder not found"))
        return out
    sources = find_sources(content)
    out.files = len(sources)
    texts = {p.with_suffix("") for p in sources}
    for meta in sorted(p for s in META_SUFFIXES for p in content.rglob(f"*{s}")):
        if meta.with_suffix("") not in texts:
            out.errors.append(ContentError(rel_name(meta, content),
                                           "metadata file without a text beside it "
                                           f"(expected {meta.with_suffix('.txt').name})"))
    if not sources:
        out.errors.append(ContentError(str(content), f"no content files ({', '.join(TEXT_SUFFIXES)})"))
    for path in sources:
        try:
            src = read_source(path, content)
            meta_path = next((path.with_suffix(s) for s in META_SUFFIXES
                              if path.with_suffix(s).is_file()), None)
            meta = read_sidecar(meta_path, content) if meta_path else {}
            out.documents.extend(parse_source(src, meta))
        except ContentError as error:
            out.errors.append(error)
        except Exception as exc:  # a parser bug must still name the file, not print a traceback
            out.errors.append(ContentError(rel_name(path, content),
                                           f"internal error while parsing ({type(exc).__name__}: {exc})"))
    seen: dict[str, Document] = {}
    for doc in out.documents:
        if doc.id in seen:
            other = seen[doc.id]
            out.errors.append(ContentError(doc.source, f"document id {doc.id!r} is used twice "
                                           f"(also {other.source}:{other.line}); give one an "
                                           "'id' in its YAML file", doc.line))
        seen[doc.id] = doc
    return out


def write_site(docs: list[Document], out: Path, log: Callable[[str], None] | None = None) -> dict[str, float]:
    """Write the whole site into ``out`` (an empty folder). Returns seconds per stage."""
    from . import index  # the search stage; imported here to keep parse-only uses light

    timings: dict[str, float] = {}
    t = time.perf_counter()
    env = render.make_env(TEMPLATES)
    (out / "doc").mkdir(parents=True)
    (out / "data").mkdir()
    for doc in docs:
        (out / render.doc_url(doc)).write_text(render.render_document(env, doc, SITE), encoding="utf-8")
    (out / "index.html").write_text(render.render_index(env, docs, SITE), encoding="utf-8")
    (out / "search.html").write_text(render.render_search(env, SITE), encoding="utf-8")
    timings["render"] = time.perf_counter() - t
    t = time.perf_counter()
    for doc in docs:
        (out / render.data_url(doc)).write_text(export.dumps(export.document_record(doc)), encoding="utf-8")
    (out / "catalog.json").write_text(export.dumps(export.catalog(docs)), encoding="utf-8")
    timings["export"] = time.perf_counter() - t
    t = time.perf_counter()
    shutil.copytree(STATIC, out / "static")
    index.write_index(docs, out)
    timings["index"] = time.perf_counter() - t
    return timings


def swap(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new`` with renames, so a reader never sees a half-written site."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    new.rename(out)
    if old.exists():
        shutil.rmtree(old)


def build_site(content: Path, out: Path, log: Callable[[str], None] | None = None) -> str:
    t = time.perf_counter()
    loaded = load_documents(content)
    parse_seconds = time.perf_counter() - t
    if loaded.errors:
        raise BuildFailed(loaded.errors, len({e.file for e in loaded.errors}))
    docs = sorted(loaded.documents, key=lambda d: (d.source, d.line))
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        timings = write_site(docs, tmp, log)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap(tmp, out)
    paragraphs = sum(len(d.preamble) + len(d.operative) for d in docs)
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in {"parse": parse_seconds, **timings}.items())
    if log:
        log(f"stages: {stages}")
    return f"{len(docs)} documents ({paragraphs} paragraphs) from {loaded.files} files"
