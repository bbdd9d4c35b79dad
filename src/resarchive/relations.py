"""What each document knows of the others: its versions in other languages, the archived
documents its references lead to, the archived documents that cite it, where its paragraphs'
wording was agreed before, its previous and next version.

Stage: relate (all documents, after parse). May import: agreed, anchors, models,
references, summaries.

Drawn from the documents' summaries alone (symbol, language, title, date, and the
citations and wordings found at parse time, references.py, wording.py), so a rebuild never
loads a document's text for it. A document's page and data files depend on its relations
too: ``Relations.links_digest``, ``frame_digest`` and ``agreed_signature`` join the
document's own digest when a rebuild decides what to write again (reuse.py); when neither
the document nor ``links_digest`` changed, the page and data file are their skeletons
filled with the new agreed lists, language versions, citing documents and series
(render.PageSkeleton, export.RecordSkeleton).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .agreed import (
    Agreed,
    NearIndex,
    Overlaps,
    WordingLinks,
    lineage,
    newest_first,
    relate_wordings,
)
from .anchors import part_prefix
from .models import Document
from .references import address, normalize_symbol, part_letter
from .summaries import paragraph_counts

# a part of a collection ("A/RES/77/264 B") is in the document of its base symbol
_PART = re.compile(r"(?:\s*[A-Z](?:-[A-Z])?)$")


@dataclass(frozen=True)
class Link:
    """Another document, as a page shows it in a list: its id, symbol, title, date and
    language; for a citing document, the anchor that cites and the anchor it cites."""

    document: str
    symbol: str
    title: str
    date: str
    language: str
    anchor: str = ""  # where the citing document cites ("op7", "fn3")
    cited: str = ""  # the paragraph it cites, when it names one ("op5")


@dataclass
class Relations:
    translations: list[Link] = field(default_factory=list)  # other languages, same symbol
    targets: dict[str, str] = field(default_factory=dict)  # cited symbol -> archived doc id
    # cited symbols whose archived target is a collection of parts (A/RES/78/254 A-C)
    collections: set[str] = field(default_factory=set)
    cited_by: list[Link] = field(default_factory=list)
    # agreed language (agreed.py): anchor -> its wording elsewhere, made by list_agreed;
    # what the lists are drawn from, signed (WordingLinks.signature), for every document
    agreed: dict[str, Agreed] = field(default_factory=dict)
    agreed_signature: int = 0
    # the recurring series
    previous: Link | None = None
    next: Link | None = None
    # the documents ``agreed`` names, as lists show them
    others: dict[str, Link] = field(default_factory=dict)

    def anchor(self, symbol: str, paragraph: str, printed: str) -> str:
        """The anchor, in its archived target, of the paragraph a reference names;
        ``printed``: the reference as printed. "paragraph 2 of resolution 78/254 C" is
        paragraph 2 of part C of A/RES/78/254 A-C: c-op2."""
        if not paragraph:
            return ""
        part = part_letter(printed) if symbol in self.collections else ""
        return f"{part_prefix(part)}{paragraph}" if part else paragraph

    @property
    def links_digest(self) -> str:
        """Changes when where the references of the document's text lead does: what its
        page's skeleton and side-by-side pages show of other documents (sorted: a set's
        order changes from one process to the next)."""
        state = (self.targets, sorted(self.collections))
        return hashlib.sha256(repr(state).encode()).hexdigest()[:16]

    @property
    def frame_digest(self) -> str:
        """Changes when the rest of what a page shows of other documents, the agreed lists
        aside, does: the lists a skeleton's slots hold (render.PageSkeleton). The agreed
        lists change with ``agreed_signature`` (made or not, and ``others`` is drawn from
        them)."""
        state = (self.translations, self.cited_by, self.previous, self.next)
        return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def symbol_keys(symbol: str) -> list[str]:
    """The keys a symbol is filed under: as printed (normalized), and without a part
    letter ("A/RES/77/264A-C" is also "A/RES/77/264")."""
    key = normalize_symbol(symbol)
    base = _PART.sub("", re.sub(r"\s+(?=[A-Z](?:-[A-Z])?$)", "", symbol.strip()))
    out = [key]
    if base and normalize_symbol(base) != key:
        out.append(normalize_symbol(base))
    return out


def link(doc: Document, anchor: str = "", cited: str = "") -> Link:
    """``doc`` as lists show it (for a citing document: where it cites, what it cites)."""
    return Link(doc.id, doc.symbol, doc.title or doc.label or doc.id, doc.date, doc.language,
                anchor, cited)  # fmt: skip


def language_versions(docs: list[Document]) -> dict[str, list[Document]]:
    """Document id -> its versions in other languages, by language: the documents with the
    same symbol. Where a language has several documents claiming one symbol (a misprinted
    masthead: the UN's French A/RES/78/130 is headed "A/RES/78/13"), the one whose numbers
    of preambular and operative paragraphs are nearest the other languages' is the version,
    and the others have none: a wrong pair is worse than none."""
    out: dict[str, list[Document]] = {}
    for by_language in _claims(docs).values():
        if len(by_language) < 2:
            continue
        sure = [ds[0] for ds in by_language.values() if len(ds) == 1]
        chosen = {
            code: ds[0] if len(ds) == 1 else min(ds, key=lambda d: _distance(d, sure))
            for code, ds in sorted(by_language.items())
        }
        for doc in chosen.values():
            out[doc.id] = [other for other in chosen.values() if other is not doc]
    return out


def _claims(docs: list[Document]) -> dict[str, dict[str, list[Document]]]:
    """Normalized symbol -> language -> the documents printing it."""
    claims: dict[str, dict[str, list[Document]]] = defaultdict(lambda: defaultdict(list))
    for doc in docs:
        if doc.symbol:
            claims[normalize_symbol(doc.symbol)][doc.language].append(doc)
    return claims


def shared_symbols(docs: list[Document]) -> list[dict[str, Any]]:
    """Symbols printed by several documents of one language, for the build report."""
    return [
        {"symbol": ds[0].symbol, "language": code, "documents": [d.id for d in ds]}
        for by_language in _claims(docs).values()
        for code, ds in sorted(by_language.items())
        if len(ds) > 1
    ]


def _distance(doc: Document, others: list[Document]) -> int:
    mine = paragraph_counts(doc)
    return sum(abs(a - b) for o in others for a, b in zip(mine, paragraph_counts(o), strict=True))


def relate(
    docs: list[Document], wording_state: dict[str, NearIndex] | None = None
) -> dict[str, Relations]:
    """Document id -> its relations, for every document, agreed-language lists included.
    ``wording_state``: the near wordings found by the previous build, brought up to date in
    place (agreed.py)."""
    rels, wordings = relate_signed(docs, wording_state)
    list_agreed(rels, wordings, docs, [doc.id for doc in docs])
    return rels


def relate_signed(
    docs: list[Document],
    wording_state: dict[str, NearIndex] | None = None,
    overlaps: Overlaps | None = None,
    jobs: int = 1,
) -> tuple[dict[str, Relations], WordingLinks]:
    """Document id -> its relations, the agreed-language lists signed but not made (the
    costly part: list_agreed makes them for the documents whose pages are written).
    ``overlaps``: what the previous build found of documents' shared paragraphs, brought
    up to date in place (agreed.lineage). ``jobs``: processes that may make the languages'
    near-wording indexes anew (agreed.relate_wordings)."""
    by_symbol: dict[str, dict[str, Document]] = defaultdict(dict)
    for doc in docs:
        if doc.symbol:
            for key in symbol_keys(doc.symbol):
                by_symbol[key].setdefault(doc.language, doc)
    paired = language_versions(docs)
    wordings = relate_wordings(docs, wording_state, jobs)
    series = lineage(docs, wordings, overlaps)
    by_id = {doc.id: doc for doc in docs}

    @cache
    def plain(doc_id: str) -> Link:  # a document's plain link, made once (Link is frozen)
        return link(by_id[doc_id])

    out = {doc.id: Relations() for doc in docs}
    for doc in docs:
        rel = out[doc.id]
        rel.translations = [plain(other.id) for other in paired.get(doc.id, [])]
        rel.agreed_signature = wordings.signature(doc.id)
        line = series[doc.id]
        rel.previous = plain(line.previous) if line.previous else None
        rel.next = plain(line.next) if line.next else None
        cited: set[tuple[str, str, str]] = set()
        for citation in doc.citations:
            versions = by_symbol.get(normalize_symbol(citation.symbol))
            if not versions:  # most citations name a document outside the archive
                continue
            target = versions.get(doc.language) or versions[min(versions)]
            if target.id == doc.id:
                continue
            rel.targets[citation.symbol] = target.id
            if normalize_symbol(target.symbol) != normalize_symbol(citation.symbol):
                rel.collections.add(citation.symbol)
            paragraph = rel.anchor(citation.symbol, citation.paragraph, citation.text)
            seen = (target.id, citation.anchor, paragraph)
            if seen not in cited:
                cited.add(seen)
                out[target.id].cited_by.append(link(doc, citation.anchor, paragraph))
    for rel in out.values():  # newest citing documents first, each in its own order
        order = {link.document: n for n, link in enumerate(rel.cited_by)}
        rel.cited_by.sort(key=lambda link: (_neg_date(link.date), order[link.document]))
    return out, wordings


def list_agreed(
    rels: dict[str, Relations], wordings: WordingLinks, docs: list[Document], ids: list[str]
) -> None:
    """Make the agreed-language lists of the documents ``ids``, and the links to the
    documents they name (``Relations.others``)."""
    by_id = {doc.id: doc for doc in docs}
    plain: dict[str, Link] = {}
    for doc_id in ids:
        rel = rels[doc_id]
        rel.agreed = wordings.lists(doc_id)
        named = {r.document for a in rel.agreed.values() for r in a.entries}
        named |= {a.first.document for a in rel.agreed.values() if a.first}
        rel.others = {d: plain.get(d) or plain.setdefault(d, link(by_id[d])) for d in sorted(named)}


def _neg_date(iso: str) -> str:
    """A key sorting ISO dates newest first (undated last)."""
    return newest_first(iso) or "~"


def report(
    docs: list[Document], rels: dict[str, Relations], alignments: dict[str, list[str]]
) -> dict[str, Any]:
    """The build report (site/build-report.json): how many references became links to
    archived documents, to the UN's site, or stayed text (no address known); every pair of
    language versions with its side-by-side page and the anchors that do not align there
    (``alignments``: page -> misaligned anchors)."""
    counts = {"cited": 0, "archived": 0, "outside": 0, "text": 0}
    for doc in docs:
        targets, own = rels[doc.id].targets, normalize_symbol(doc.symbol)
        counts["cited"] += len(doc.citations)
        for c in doc.citations:
            if c.symbol in targets or normalize_symbol(c.symbol) == own:
                counts["archived"] += 1
            elif address(c.organ, c.symbol, doc.language):
                counts["outside"] += 1
            else:
                counts["text"] += 1
    pairs = []
    for page, misaligned in sorted(alignments.items()):
        pairs.append({"page": page, "misaligned": misaligned})
    return {
        "format": 1,
        "references": counts,
        "translations": {
            "documents": sum(1 for r in rels.values() if r.translations),
            "aligned": sum(1 for p in pairs if not p["misaligned"]),
            "pairs": pairs,
            "shared_symbols": shared_symbols(docs),
        },
    }
