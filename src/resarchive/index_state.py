"""The search index's saved state: what an update needs to redo only what an edit changed.

Stage: index. May import: models, index, textpipe, cache.

A full build of the index (index.build_full) hands, per language, its postings and shard
cuts to :func:`language_state`; ``write_search`` (index_update.py) keeps them with hashes of
every document and paragraph as an :class:`IndexState` in the build's state folder, and the
next build loads it to update the index in place. The state is trusted only if this code
wrote it for the very site in place (the manifest's hash, inode and time).
"""

from __future__ import annotations

import hashlib
import pickle
from array import array
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from . import index, textpipe
from .cache import store_file
from .models import Document

STATE_FORMAT = 2  # 2: typed dataclasses instead of dictionaries
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
    h = hashlib.sha256(f"{STATE_FORMAT}\0{textpipe.PIPELINE_VERSION}\0{index.FORMAT}".encode())
    files = [PACKAGE / name for name in CODE_FILES] + sorted((PACKAGE / "data").rglob("*"))
    for path in files:
        if path.is_file():
            h.update(f"\0{path.name}\0".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=HASH_BYTES).digest()


def entry_hash(doc: int, anchor: str, kind: str, language: str, text: str) -> bytes:
    """Everything a paragraph contributes to the index and to its store row."""
    return digest(f"{doc}\x1f{anchor}\x1f{kind}\x1f{language}\x1f{text}")


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


def tf_array(values: Any) -> array[int]:
    """Term frequencies in the narrowest array that holds them."""
    values = list(values)
    top = max(values, default=0)
    return array("B" if top < 1 << 8 else "H" if top < 1 << 16 else "I", values)


@dataclass
class LanguageState:
    """One language's postings, as arrays: term ``i`` has ``counts[i]`` postings, the refs
    and term frequencies at ``post_refs``/``post_tfs`` from the sum of the counts before it."""

    count: int  # paragraphs of the language
    length_sum: int  # their total length in terms (the average length scores every posting)
    terms: list[str]  # sorted
    t_index: array[int]  # lunr term index of each term
    counts: array[int]
    post_refs: array[int]
    post_tfs: array[int]
    term_shard: array[int]  # shard of each term (a common word: its top piece)
    next_index: int  # the term index a new term gets
    shards: list[list[Any]]  # index.shard_ranges()
    shard_digests: list[bytes]  # of each shard file's text


def language_state(
    builder: index.AnalyzedBuilder,
    terms: list[tuple[str, int, list[tuple[int, float]]]],
    shards: list[list[Any]],
    texts: list[str],
) -> tuple[LanguageState, dict[int, int]]:
    """What an update of one language needs, from a full build (runs in its worker): the
    state, and each paragraph's length (gathered for all languages by :func:`full_state`)."""
    by_ref = {int(k.split("/", 1)[1]): v for k, v in builder.field_term_frequencies.items()}
    names: list[str] = []
    t_index, counts, refs, term_shard = array("I"), array("I"), array("I"), array("I")
    tfs: list[int] = []
    s = 0
    for term, ti, postings in terms:
        names.append(term)
        t_index.append(ti)
        counts.append(len(postings))
        for ref, _ in postings:
            refs.append(ref)
            tfs.append(by_ref[ref][term])
        while term > shards[s][1]:
            s += 1
        term_shard.append(s)  # a common word: its top piece, which its pieces follow
    lengths = {int(k.split("/", 1)[1]): n for k, n in builder.field_lengths.items()}
    state = LanguageState(
        count=len(lengths),
        length_sum=sum(lengths.values()),
        terms=names,
        t_index=t_index,
        counts=counts,
        post_refs=refs,
        post_tfs=tf_array(tfs),
        term_shard=term_shard,
        next_index=builder.term_index,
        shards=shards,
        shard_digests=[digest(t) for t in texts],
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
    """The whole index of one written site: per document and paragraph hashes, per
    paragraph its length and kind, per language its postings."""

    manifest: tuple[bytes, int, int, int, int]  # manifest_stamp() of the site's manifest
    doc_keys: bytes  # HASH_BYTES per document: document_keys()
    doc_langs: list[str]  # the index language of each document
    doc_counts: array[int]  # entries (paragraphs) per document
    entry_hashes: bytes  # HASH_BYTES per ref: entry_hash()
    lengths: array[int]  # per ref, in terms
    kinds: str  # per ref, one letter of index.PARAGRAPH_KINDS
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


def full_state(
    docs: list[Document],
    all_entries: list[index.Entry],
    manifest: Path,
    languages: dict[str, tuple[LanguageState, dict[int, int]]],
    digests: dict[str, str] | None = None,
) -> IndexState:
    """The state of an index just built in full (``languages``: language_state() of each)."""
    doc_counts = array("I", [0]) * len(docs)
    for e in all_entries:
        doc_counts[e.doc] += 1
    lengths = array("I", [0]) * len(all_entries)
    for _, paragraph_lengths in languages.values():
        for ref, n in paragraph_lengths.items():
            lengths[ref] = n
    return IndexState(
        manifest=manifest_stamp(manifest),
        doc_keys=document_keys(docs, digests),
        doc_langs=[index.index_language(d.language) for d in docs],
        doc_counts=doc_counts,
        entry_hashes=b"".join(
            entry_hash(e.doc, e.anchor, e.kind, e.language, e.text) for e in all_entries
        ),
        lengths=lengths,
        kinds="".join(e.kind for e in all_entries),
        languages={lang: kept[0] for lang, kept in languages.items()},
    )
