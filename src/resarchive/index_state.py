"""The search index's saved state: what an update needs to redo only what an edit changed.

Stage: index. May import: models, index, index_full, textpipe, cache.

A full build of the index (index_full.build_full) hands, per language, its term collector
and segment to :func:`language_state`; ``write_search`` (index_update.py) keeps them with a
hash of every document as an :class:`IndexState` in the build's state folder, and the next
build loads it to write what changed as a new segment. The state is trusted only if this
code wrote it for the very site in place (the manifest's hash, inode and time).
"""

from __future__ import annotations

import hashlib
import pickle
import unicodedata
from array import array
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from . import index, textpipe
from .cache import store_file
from .index_full import Built
from .models import Document

STATE_FORMAT = 3  # 3: segments of hashed buckets, documents by id
STATE_FILE = "search-index.pickle"
HASH_BYTES = 16
PACKAGE = Path(__file__).resolve().parent
#: What the terms, scores and files depend on besides the documents.
CODE_FILES = (
    "index.py",
    "index_state.py",
    "index_update.py",
    "textpipe.py",
    "langdata.py",
    "models.py",
)


class Fallback(Exception):
    """The index cannot be updated in place; the message says why (a full build follows)."""


# --------------------------------------------------------------------------- hashes


@cache
def code_fingerprint() -> str:
    # with the Unicode version: the tokenizer's character classes are drawn from it
    h = hashlib.sha256(
        f"{STATE_FORMAT}\0{textpipe.PIPELINE_VERSION}\0{index.FORMAT}"
        f"\0{unicodedata.unidata_version}".encode()
    )
    files = [PACKAGE / name for name in CODE_FILES] + sorted((PACKAGE / "data").rglob("*"))
    for path in files:
        if path.is_file():
            h.update(f"\0{path.name}\0".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=HASH_BYTES).digest()


def document_key(doc: Document) -> bytes:
    """Its store record and its paragraphs' marked-up text (``text`` is a function of
    ``rich``, and much cheaper not to compute)."""
    parts = [index._dump(index.doc_record(doc))]
    parts += [
        f"{anchor}\x1f{kind}\x1f{node.rich}" for anchor, kind, node in index.paragraph_nodes(doc)
    ]
    return digest("\x1e".join(parts))


def document_keys(docs: list[Document], digests: dict[str, str] | None) -> bytes:
    """Every document's key: from ``digests`` (document id -> a digest that changes whenever
    the document does, such as the build's parse-cache key of its file and its position
    there) when given, which spares rendering each paragraph's text to hash it."""
    if digests is None:
        return b"".join(document_key(d) for d in docs)
    return b"".join(
        digest(f"given\x1f{digests[d.id]}") if d.id in digests else document_key(d) for d in docs
    )


def manifest_stamp(path: Path) -> tuple[bytes, int, int, int, int]:
    """Which manifest file a state belongs to: its hash, and its inode and time, since two
    builds may well write the same manifest (it lists no text) over different stores.
    manifest.json is always written fresh, never linked, and the swap of site folders
    renames it, which keeps its inode; a copied site is not trusted."""
    st = path.stat()
    sha = hashlib.sha256(path.read_bytes()).digest()
    return sha, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


# --------------------------------------------------------------------------- state


@dataclass
class DocumentState:
    """What the index holds of one document."""

    key: bytes  # document_keys(): changes whenever the document's index entries would
    language: str  # its index language
    number: int  # its number in store rows (unique in the index; a new one when re-added)
    first: int  # its first ref
    end: int  # one past its last ref (first == end: nothing searchable)
    facets: dict[str, str]  # index.document_facets()


@dataclass
class SegmentState:
    """One segment of a language's index: ``<lang>/<name>/``."""

    name: str
    buckets: int
    first: int  # the refs it holds are in [first, end)
    end: int
    pieced: dict[str, int]  # its common words (cut into pieces) -> their live paragraph count


@dataclass
class LanguageState:
    """One language's index: its numbers (what every score depends on), the lunr term index
    of every term it has known, and its segments in ref order."""

    paragraphs: int  # live paragraphs of the language
    length_sum: int  # their total length in terms
    term_indexes: dict[str, int]
    next_index: int  # the term index a new term gets
    segments: list[SegmentState]
    next_segment: int  # the number the next segment's name gets

    def stats(self) -> index.Stats:
        return index.Stats(self.paragraphs, self.length_sum)

    def manifest_entry(self, lang: str) -> dict[str, Any]:
        return index.language_entry(
            lang, self.stats(), [[s.name, s.buckets] for s in self.segments]
        )


def pieced_terms(files: dict[str, dict[str, Any]]) -> dict[str, int]:
    """The common words of a segment's files (index.plan_buckets) and their counts."""
    return {
        r[0]: r[2]["df"]
        for name, content in files.items()
        if "-" not in name
        for r in content["shards"]
        if len(r) == 3
    }


def language_state(
    collector: index.TermCollector, segments: list[list[Any]], files: dict[str, Any]
) -> tuple[LanguageState, dict[int, int]]:
    """What an update of one language needs, from a full build (runs in its worker): the
    state, and each paragraph's length (gathered for all languages by :func:`full_state`)."""
    ((name, buckets),) = segments
    lengths = collector.lengths
    refs = sorted(lengths)
    segment = SegmentState(
        name, buckets, refs[0] if refs else 0, refs[-1] + 1 if refs else 0, pieced_terms(files)
    )
    stats = collector.stats()
    state = LanguageState(
        paragraphs=stats.paragraphs,
        length_sum=stats.length_sum,
        term_indexes=collector.term_indexes,
        next_index=collector.term_index,
        segments=[segment],
        next_segment=1,
    )
    return state, lengths


def _header() -> dict[str, Any]:
    return {
        "format": STATE_FORMAT,
        "pipeline": textpipe.PIPELINE_VERSION,
        "code": code_fingerprint(),
        "budget": index.SHARD_BYTES,
        "store_chunk": index.STORE_CHUNK,
    }


@dataclass
class IndexState:
    """The whole index of one written site: its documents and where their refs are, per ref
    its length and kind, the refs removed, per language its segments."""

    manifest: tuple[bytes, int, int, int, int]  # manifest_stamp() of the site's manifest
    documents: dict[str, DocumentState]  # by document id
    built: int  # refs of the last full build
    next_ref: int
    next_number: int
    lengths: array[int]  # per ref, in terms
    kinds: bytearray  # per ref, one letter of index.PARAGRAPH_KINDS
    deleted: list[tuple[int, int]]  # [start, end) ranges of removed refs, in order
    languages: dict[str, LanguageState]
    header: dict[str, Any] = field(default_factory=_header)  # the code that wrote it

    def save(self, folder: Path) -> None:
        """Atomically (a reader finds the old state or the new one, never half of one); a
        cache that cannot be written only means the next build is a full one."""
        store_file(folder / STATE_FILE, pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, folder: Path, old_search: Path) -> IndexState:
        """The saved state, if this code wrote it for the site now in ``old_search``;
        raises Fallback otherwise."""
        try:
            with open(folder / STATE_FILE, "rb") as f:
                state = pickle.load(f)
        except FileNotFoundError:
            raise Fallback("no saved index state") from None
        except Exception as exc:  # a truncated or foreign file: rebuild rather than fail
            raise Fallback(f"unreadable index state ({type(exc).__name__})") from None
        if (
            not isinstance(state, cls)
            or {f.name for f in fields(state)} != {f.name for f in fields(cls)}
            or state.header != _header()
        ):
            raise Fallback("index state of another format, pipeline or code")
        try:
            stamp = manifest_stamp(old_search / "manifest.json")
        except OSError:
            raise Fallback("the previous site has no search manifest") from None
        if stamp != state.manifest:
            raise Fallback("index state is not that of the previous site")
        return state

    def live(self) -> int:
        return sum(lang.paragraphs for lang in self.languages.values())

    def spans(self) -> list[index.Span]:
        """(facet values, first ref, end ref) of every document, in ref order."""
        return sorted(
            ((d.facets, d.first, d.end) for d in self.documents.values()), key=lambda s: s[1]
        )


def full_state(
    docs: list[Document],
    built: Built,
    manifest: Path,
    languages: dict[str, tuple[LanguageState, dict[int, int]]],
    digests: dict[str, str] | None = None,
) -> IndexState:
    """The state of an index just built in full (``languages``: language_state() of each)."""
    keys = document_keys(docs, digests)
    spans = built.spans
    lengths = array("I", [0]) * built.refs
    for _, paragraph_lengths in languages.values():
        for ref, n in paragraph_lengths.items():
            lengths[ref] = n
    return IndexState(
        manifest=manifest_stamp(manifest),
        documents={
            doc.id: DocumentState(
                keys[d * HASH_BYTES : (d + 1) * HASH_BYTES],
                index.index_language(doc.language),
                d,
                *spans.get(d, (0, 0)),
                index.document_facets(doc),
            )
            for d, doc in enumerate(docs)
        },
        built=built.refs,
        next_ref=built.refs,
        next_number=len(docs),
        lengths=lengths,
        kinds=bytearray("".join(built.kinds), "ascii"),
        deleted=[],
        languages={lang: kept[0] for lang, kept in languages.items()},
    )
