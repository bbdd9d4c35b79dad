"""The whole parse of one content file: read -> clean -> segment -> parse -> link -> metadata
(a text), or read_akn -> metadata (an Akoma Ntoso file).

Stage: read -> clean -> segment -> parse -> link, for one file. May import: models,
errors, anchors, langdata, clean, pages, segment, parse, footnotes, akn_read, references, wording.

``parse_source`` is a pure function of the text (and its sidecar metadata); ``build.py`` runs
it over a folder and hands the documents to the render, index and export stages.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from .akn_read import read_akn
from .anchors import document_id, slug
from .clean import clean_lines
from .errors import ContentError
from .footnotes import link_footnotes
from .langdata import common, lang, languages
from .models import Document, SourceText
from .pages import mark_page_furniture, may_miss_pages, missing_pages
from .parse import parse_document
from .references import citations
from .segment import segment, split_documents
from .wording import wordings

STAGES = ("clean", "segment", "split", "parse", "link", "metadata", "references")


@cache
def _detect_word() -> re.Pattern[str]:
    """A word of a script written with spaces, or one Han ideograph (Chinese prints none)."""
    han = common().han
    return re.compile(rf"[{han}]|[^\W\d_{han}]+")


def detect_language(text: str) -> str:
    """The language whose common words are most frequent in the text."""
    words = Counter(_detect_word().findall(text[:20000].lower()))
    scores = {
        code: sum(n for w, n in words.items() if w in lang(code).detect) for code in languages()
    }
    return max(sorted(scores), key=lambda code: scores[code])


def parse_source(src: SourceText, meta: dict[str, Any] | None = None) -> list[Document]:
    meta = meta or {}
    code = meta.get("language") or detect_language(src.text)
    if code not in languages():
        raise ContentError(src.rel, f"unknown language {code!r}; known: {', '.join(languages())}")
    language = lang(code)
    blocks = segment(mark_page_furniture(clean_lines(src.text), language), (language,))
    spans = split_documents(blocks, language)
    stem = PurePosixPath(src.rel).with_suffix("").as_posix()
    multi = len(spans) > 1
    docs = [parse_document(span, language, src.rel, stem) for span in spans]
    if not multi and docs:
        docs[0].id = document_id(docs[0].symbol, docs[0].language, stem, docs[0].label, multi=False)
    link_footnotes(docs, spans)
    if not any(d.formula or d.operative or d.preamble for d in docs):
        first = next((b.line for b in blocks if b.kind == "text"), 1)
        raise ContentError(
            src.rel,
            "no resolution structure found (no enacting formula such as "
            '"L\'Assemblée générale,", no numbered operative paragraph)',
            first,
        )
    apply_metadata(docs, meta, stem, multi)
    for doc in docs:
        doc.citations = citations(doc)
        doc.wordings = wordings(doc)
    return docs


def parse_akn_source(
    rel: str, data: bytes, meta: dict[str, Any] | None = None
) -> tuple[list[Document], list[ContentError]]:
    """An Akoma Ntoso file -> its documents and the warnings of reading it (akn_read.py);
    the sidecar's fields win, as for a text."""
    stem = PurePosixPath(rel).with_suffix("").as_posix()
    docs, warnings = read_akn(data, rel, stem)
    if meta:
        apply_metadata(docs, meta, stem, multi=False)
    for doc in docs:
        doc.citations = citations(doc)
        doc.wordings = wordings(doc)
    return docs, warnings


def apply_metadata(docs: list[Document], meta: dict[str, Any], stem: str, multi: bool) -> None:
    """Sidecar YAML wins over what was parsed: top-level keys for every document of the file,
    ``documents: {key: {...}}`` for one (key: its id, number, or printed heading)."""
    targeted = meta.get("documents") or {}
    for doc in docs:
        fields = {k: v for k, v in meta.items() if k not in ("documents", "id") or not multi}
        fields.pop("documents", None)
        for key, sub in targeted.items():
            if str(key) in (doc.id, doc.number, doc.label, slug(doc.label)):
                fields.update(sub)
        for key, value in fields.items():
            if key == "id":
                continue
            setattr(doc, key, str(value) if key != "sponsors" else list(value))
        doc.id = (
            str(fields["id"])
            if "id" in fields
            else document_id(doc.symbol, doc.language, stem, doc.label, multi and bool(doc.label))
        )


def source_warnings(src: SourceText) -> list[ContentError]:
    """What a text's layout says is wrong without stopping its parse: pages missing from a
    conversion (their page marks jump)."""
    if not may_miss_pages(src.text):  # most texts: no second cleaning of the whole text
        return []
    lines = clean_lines(src.text)
    return [ContentError(src.rel, message, no) for no, message in missing_pages(lines)]
