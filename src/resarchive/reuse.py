"""What a rebuild may take from the previous site instead of writing it again.

Stage: render and export (their reuse). May import: models, anchors, cache, output.

A document's page and data file are functions of the document alone (plus the templates, the
static files, the rendering code and the site settings). So a rebuild hard-links the page and
data file of every document whose digest is the one recorded when the previous site was
written, and renders the others. The record (``pages.json`` in the build's state folder) is
trusted only if it was written for the very site now in place (the digest of its
``catalog.json``) and by the same output code (``output_fingerprint``); otherwise every page
is rendered.

What "carry over" means is output.Draft's: linked into the new site's folder, or left where
it is when the new site is put in place file by file. Hard links are safe because a build
never writes into a file it linked: each file of the new site is either carried over or
written fresh in a new folder, and moved in by a rename, never rewritten where it is.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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
