"""What a rebuild may take from the previous site instead of writing it again.

Stage: render and export (their reuse). May import: models, anchors, cache, output.

A document's page and data file are functions of the document and of what they show of
other documents (relations.Relations: ``links_digest``, ``frame_digest``,
``agreed_signature``), plus the
templates, the static files, the rendering code and the site settings. So a rebuild
hard-links the page and data file of every document whose digests are those recorded when
the previous site was written, and renders the others. The record (``pages.json`` in the
build's state folder) is trusted only if it was written for the very site now in place (the
digest of its ``catalog.json``) and by the same output code (``output_fingerprint``);
otherwise every page is rendered. A page or data file whose digest changed only by its
agreed-language lists, language versions, citing documents or series (another document
sharing its wordings, its symbol or its citations was added or removed) is its skeleton
filled (``KeptSkeletons``; render.PageSkeleton, export.RecordSkeleton).

What "carry over" means is output.Draft's: linked into the new site's folder, or left where
it is when the new site is put in place file by file. Hard links are safe because a build
never writes into a file it linked: each file of the new site is either carried over or
written fresh in a new folder, and moved in by a rename, never rewritten where it is.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .cache import store_file
from .models import Document
from .output import Draft

PACKAGE = Path(__file__).resolve().parent
STATE_FORMAT = 1


@cache
def output_fingerprint(repo: Path, site_settings: str) -> str:
    """sha256 of everything a page depends on besides its document: package code and data,
    templates, static files, the site settings."""
    h = hashlib.sha256(f"{STATE_FORMAT}\0{site_settings}".encode())
    files = [
        *PACKAGE.rglob("*.py"),
        *(PACKAGE / "data").rglob("*"),
        *(repo / "templates").rglob("*"),
        *(repo / "static").rglob("*"),
    ]
    for path in sorted(p for p in files if p.is_file()):
        h.update(f"\0{path.as_posix()}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def document_digest(doc: Document) -> str:
    return hashlib.sha256(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class PageRecord:
    """The documents of one written site: page URL -> document digest."""

    fingerprint: str
    catalog: str | None = None  # digest of the site's catalog.json
    digests: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, state: Path | None) -> PageRecord | None:
        if state is None:
            return None
        try:
            data = json.loads((state / "pages.json").read_text(encoding="utf-8"))
            return cls(data["fingerprint"], data["catalog"], dict(data["digests"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, state: Path) -> None:
        data = {"fingerprint": self.fingerprint, "catalog": self.catalog, "digests": self.digests}
        store_file(state / "pages.json", json.dumps(data, separators=(",", ":")).encode())


def reusable_pages(
    record: PageRecord | None, fingerprint: str, previous: Path | None
) -> dict[str, str]:
    """URL -> digest of the pages the previous site holds and a rebuild may link ({} when the
    record does not describe that site or another output code wrote it)."""
    if record is None or previous is None or record.fingerprint != fingerprint:
        return {}
    if record.catalog is None or record.catalog != file_digest(previous / "catalog.json"):
        return {}
    return record.digests


def link_files(
    outputs: list[tuple[tuple[str, ...], str]],
    draft: Draft,
    reusable: dict[str, str],
    record: PageRecord,
) -> list[bool]:
    """For each output (its files, the first naming it in the record; its digest): carry
    its files over from the site in place (``draft``) if the record gives the same digest;
    whether it was. Every output's digest goes into ``record``."""
    done = []
    for files, digest in outputs:
        record.digests[files[0]] = digest
        if reusable.get(files[0]) == digest and all(draft.carry(f) for f in files):
            done.append(True)
            continue
        for f in files:  # carried before another of them went missing
            draft.discard(f)
        done.append(False)
    return done


class KeptSkeletons:
    """What a rebuild fills instead of rendering (render.PageSkeleton, export.RecordSkeleton):
    one file per document in ``folder`` (zlib-compressed pickle), with the key it was made
    for (the output code, the document and what it shows of others, the agreed lists aside).
    No folder: nothing is kept. A file missing, unreadable or made for another key: None."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def _path(self, doc_id: str) -> Path | None:
        return self.folder / f"{doc_id}.z" if self.folder is not None else None

    def get(self, doc_id: str, key: str) -> Any | None:
        path = self._path(doc_id)
        if path is None:
            return None
        try:
            found, skeleton = pickle.loads(zlib.decompress(path.read_bytes()))
        except Exception:  # noqa: BLE001 - missing, partial or foreign: made again
            return None
        return skeleton if found == key else None

    def put(self, doc_id: str, key: str, skeleton: Any) -> None:
        path = self._path(doc_id)
        if path is not None:
            store_file(path, zlib.compress(pickle.dumps((key, skeleton), protocol=5), 1))

    def prune(self, doc_ids: set[str]) -> None:
        """Remove the files of documents no longer in the site."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix == ".z" and path.stem not in doc_ids:
                path.unlink(missing_ok=True)
