"""Documents known by their summary until a stage needs their text.

Stage: parse (its cache, read lazily). May import: models, cache.

A rebuild after a one-word edit needs the full text of one document, but the home page, the
catalog, the facets and the duplicate-id check need the metadata of all of them. Unpickling
every cached document (7,809 files, 260 MB at 311,000 paragraphs) took 2.5 s of a 4.6 s
rebuild. So the parse cache also keeps one file of summaries, the scalar fields of every
cached document by cache key, and a build gives each unchanged document as a
``LazyDocument``: its summary fields are plain attributes; any other attribute (paragraphs,
footnotes, ``paragraphs()``) loads the full document from its cache entry, once.

A document just parsed and stored in the cache comes the same way (its summary made by the
parse worker): a build from scratch holds summaries, not bodies, and the stages that write
from a body load it with ``loaded``, which does not keep it. On the corpus (2,603
documents) the main process's peak fell from 693 to 591 MB, all processes' from 1,418 to
1,254 MiB (the processes forked from it copied the pages of the bodies they touched).

Stages that need a real ``Document`` kept (``dataclasses.asdict`` in export) call
``materialize``.
"""

from __future__ import annotations

import os
import pickle
from array import array
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any, cast

from .cache import store_file
from .models import Document, Wording

#: Document fields without a default factory: the scalars (str, int) a summary keeps.
SUMMARY_FIELDS = tuple(f.name for f in fields(Document) if f.default_factory is MISSING)
SUMMARY_FORMAT = 6
#: the summary tuple: SUMMARY_FIELDS, then what the document cites and its paragraphs'
#: wordings by column (the links between documents are drawn from every document's), then
#: its numbers of preambular and operative paragraphs
Summary = tuple[Any, ...]


#: A document's wordings by column: anchors, keys, packed word-pair hashes (None in a
#: summary: see summarize), word counts. Unpickling 326,717 Wording objects took 0.6 s of
#: every rebuild at 311,000 paragraphs; four columns per document take 0.26 s, and relating
#: (agreed.py) reads the columns as is.
WordingColumns = tuple[tuple[str, ...], "array[int]", tuple[bytes, ...] | None, "array[int]"]


def columns_of(wordings: list[Wording]) -> WordingColumns:
    return (
        tuple(w.anchor for w in wordings),
        array("Q", [w.key for w in wordings]),
        tuple(w.shingles for w in wordings),
        array("I", [w.words for w in wordings]),
    )


def wording_columns(doc: Document) -> WordingColumns:
    """``doc``'s wordings by column, without loading a lazy document's body."""
    if isinstance(doc, LazyDocument):
        columns: WordingColumns = doc.wording_columns
        return columns
    return columns_of(doc.wordings)


def summarize(doc: Document) -> Summary:
    """The summary tuple; its wordings without their word pairs, which a rebuild asks only
    of the wordings new to it (agreed.NearIndex), from the documents loaded: they were 79 of
    the 98 MB of the summaries at 311,000 paragraphs, loaded by every rebuild."""
    anchors, keys, _, words = columns_of(doc.wordings)
    return (
        *(getattr(doc, name) for name in SUMMARY_FIELDS),
        doc.citations,
        (anchors, keys, None, words),
        len(doc.preamble),
        len(doc.operative),
    )


class EntryVanished(RuntimeError):
    """A cache entry a LazyDocument points at is gone (another build pruned it meanwhile)."""


class LazyDocument:
    """A Document whose summary fields are at hand and whose body loads on first use."""

    __slots__ = (
        *SUMMARY_FIELDS,
        "citations",
        "wording_columns",
        "preamble_count",
        "operative_count",
        "_entry",
        "_position",
        "_full",
    )

    def __init__(self, summary: Summary, entry: Path, position: int):
        for name, value in zip(SUMMARY_FIELDS, summary, strict=False):
            setattr(self, name, value)
        self.citations, self.wording_columns = summary[-4], summary[-3]
        self.preamble_count, self.operative_count = summary[-2], summary[-1]
        self._entry = entry
        self._position = position
        self._full: Document | None = None

    @property
    def wordings(self) -> list[Wording]:
        return self.full().wordings  # the summary lacks their word pairs

    def full(self) -> Document:
        """The document, loaded once and kept by this stand-in."""
        if self._full is None:
            self._full = self.load()
        return self._full

    def load(self) -> Document:
        """The document, loaded from its cache entry and not kept (unless it was already):
        a stage that streams through the documents holds one at a time."""
        if self._full is not None:
            return self._full
        try:
            docs = pickle.loads(self._entry.read_bytes())
            return cast(Document, docs[self._position])
        except Exception as error:  # noqa: BLE001 - any failure means the same thing
            raise EntryVanished(
                f"parse cache entry {self._entry} is missing or unreadable "
                "(another build pruned it?); build again"
            ) from error

    def __getattr__(self, name: str) -> Any:
        # only called for what the slots do not hold: the document's body and methods
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.full(), name)

    def __eq__(self, other: object) -> bool:
        return self.full() == (other.full() if isinstance(other, LazyDocument) else other)

    __hash__ = None  # type: ignore[assignment]  # as Document's

    def __reduce__(self) -> tuple[Any, ...]:
        return (_identity, (self.full(),))

    def __repr__(self) -> str:
        return f"LazyDocument(id={self.id!r}, source={self.source!r})"


def _identity(doc: Document) -> Document:
    return doc


def materialize(doc: Document) -> Document:
    """The full Document behind ``doc`` (a Document, or a LazyDocument standing in for one)."""
    return doc.full() if isinstance(doc, LazyDocument) else doc


def loaded(doc: Document) -> Document:
    """The full Document behind ``doc``, which a LazyDocument loads without keeping it: for
    a stage that goes through many documents, one at a time."""
    return doc.load() if isinstance(doc, LazyDocument) else doc


def paragraph_counts(doc: Document) -> tuple[int, int]:
    """Preambular and operative paragraphs, without loading a lazy document's body."""
    if isinstance(doc, LazyDocument):
        return int(doc.preamble_count), int(doc.operative_count)
    return len(doc.preamble), len(doc.operative)


def paragraph_count(doc: Document) -> int:
    """Preambular + operative paragraphs, without loading a lazy document's body."""
    return sum(paragraph_counts(doc))


class SummaryFile:
    """cache key -> the summaries of that entry's documents, for one content folder, beside
    the parse cache's entries: ``summaries-<name>.pickle``, and the entries changed since it
    was written in ``summaries-<name>.delta.pickle``. Writing the whole file again after a
    one-file edit took 1.3 s at 311,000 paragraphs; the delta is rewritten instead, and is
    folded into the whole file once it holds more than one entry in DELTA_SHARE."""

    DELTA_SHARE = 16
    DELTA_MIN = 64  # entries a delta may hold whatever the size of the whole file

    def __init__(self, folder: Path, name: str):
        self.path = folder / f"summaries-{name}.pickle"
        self.delta_path = folder / f"summaries-{name}.delta.pickle"
        self.base: dict[str, list[Summary]] = {}
        self.generation = ""  # names the whole file; a delta is of the generation it names
        try:
            data = pickle.loads(self.path.read_bytes())
            if data.get("format") == SUMMARY_FORMAT and data.get("fields") == SUMMARY_FIELDS:
                self.base, self.generation = data["entries"], data.get("generation", "")
        except Exception:  # noqa: BLE001 - missing or foreign: rebuilt from the entries
            pass
        self.old: dict[str, list[Summary]] = dict(self.base)
        try:
            delta = pickle.loads(self.delta_path.read_bytes()) if self.generation else {}
            if delta.get("generation") == self.generation:
                for key in delta["gone"]:
                    self.old.pop(key, None)
                self.old.update(delta["entries"])
        except Exception:  # noqa: BLE001 - missing or foreign: the whole file alone
            pass
        self.new: dict[str, list[Summary]] = {}

    def lazy(self, key: str, entry: Path) -> list[Document] | None:
        """The documents of ``entry`` (cache key ``key``) as LazyDocuments, if known. They
        stand in for Documents wherever fields are read (hence the type)."""
        summaries = self.old.get(key)
        if summaries is None or not os.path.exists(entry):
            return None
        self.new[key] = summaries
        return cast("list[Document]", [LazyDocument(s, entry, n) for n, s in enumerate(summaries)])

    def remember(self, key: str, docs: list[Document]) -> None:
        self.new[key] = [summarize(d) for d in docs]

    def adopt(self, key: str, summaries: list[Summary], entry: Path) -> list[Document]:
        """Keep the ``summaries`` a parse worker made of the documents it stored in ``entry``
        (cache key ``key``); the documents as LazyDocuments, so that a build from scratch
        holds their bodies only where and while a stage uses them."""
        self.new[key] = summaries
        return cast("list[Document]", [LazyDocument(s, entry, n) for n, s in enumerate(summaries)])

    def save(self) -> None:
        if self.new == self.old:
            return
        base = self.base
        changed = {k: v for k, v in self.new.items() if base.get(k) is not v}
        gone = sorted(base.keys() - self.new.keys())
        if self.generation and len(changed) + len(gone) <= max(
            self.DELTA_MIN, len(base) // self.DELTA_SHARE
        ):
            data: dict[str, Any] = {
                "generation": self.generation,
                "entries": changed,
                "gone": gone,
            }
            store_file(self.delta_path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
            return
        data = {
            "format": SUMMARY_FORMAT,
            "fields": SUMMARY_FIELDS,
            "generation": os.urandom(8).hex(),
            "entries": self.new,
        }
        store_file(self.path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        self.delta_path.unlink(missing_ok=True)  # of the file replaced: ignored even if left
