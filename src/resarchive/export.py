"""Stage 8, export: documents -> site/catalog.json and one JSON file per document.

Stage: export. May import: models, anchors, relations, agreed.

The format is documented in the README ("Data export"); tests and later features rely on it.
Paths are relative to the site root; ``source`` is relative to the content folder.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

from . import anchors
from .agreed import Related
from .models import Document, to_dict
from .relations import Link, Relations

# 2: translations, cited_by, and references on every paragraph, item and note
# 3: previous and next, and related on every preambular and operative paragraph and item
FORMAT_VERSION = 3
CATALOG_FIELDS = ("id", "source", "title", "symbol", "date", "body", "kind", "language")


# What stands for a slot in a record skeleton: a string no text holds (a per-process nonce;
# JSON escapes nothing in it), before the slot's name: a paragraph's anchor for its
# agreed-language fields, or _FRAME for the document's relations to others.
_SLOT = f"@@agreed-{secrets.token_hex(8)}@@"
_SLOT_LINE = re.compile(rf'\n( *)"(?:related|translations)": "{_SLOT}([^"]*)"')
_FRAME = "@frame"  # no anchor starts with "@"


@dataclass(frozen=True)
class RecordSkeleton:
    """A document's data file with its slots left out (``pieces``: text, indent, slot, text,
    indent, slot, ..., text): its paragraphs' agreed-language fields, and its translations,
    citing documents, previous and next version. A rebuild fills them in when only those
    changed, as render.PageSkeleton does for the page."""

    pieces: tuple[str, ...]

    def fill(self, rel: Relations) -> str:
        out = list(self.pieces)
        for i in range(1, len(out), 3):
            indent, slot = out[i], out[i + 1]
            if slot == _FRAME:
                out[i] = _fields_json(_frame(rel), indent)
            elif slot in rel.agreed:
                out[i] = _fields_json(_related(rel, slot), indent)
            else:
                out[i] = _none(indent)
            out[i + 1] = ""
        return "".join(out)


def _fields_json(fields: dict[str, Any], indent: str) -> str:
    """``fields`` as the lines of a data file's object whose keys are at ``indent``, each
    after a line break: the dict dumped alone (keys at two spaces), its braces taken off and
    its lines moved right."""
    inner = orjson.dumps(fields, option=orjson.OPT_INDENT_2).decode()[2:-2]
    pad = indent[2:]
    return "\n" + pad + inner.replace("\n", "\n" + pad)


@cache
def _none(indent: str) -> str:
    """What a paragraph without agreed lists holds, at ``indent``."""
    return _fields_json(_related(Relations(), ""), indent)


def record_skeleton(doc: Document, rel: Relations | None = None) -> RecordSkeleton:
    """The data file's text, its agreed-language fields left to fill (RecordSkeleton)."""
    text = dumps(document_record(doc, rel, slots=True))
    return RecordSkeleton(tuple(_SLOT_LINE.split(text)))


def document_record(
    doc: Document, rel: Relations | None = None, slots: bool = False
) -> dict[str, Any]:
    """The per-document JSON: every field of the model, ``text`` beside every ``rich``;
    its other language versions, the archived documents citing it, and on every paragraph,
    item and note the resolutions and decisions it cites (``references``). ``slots``:
    the agreed-language fields and the relations to others stand as slots (record_skeleton)."""
    rel = rel or Relations()
    record = to_dict(doc)
    del record["citations"]  # given where they are printed, as "references"
    record["format"] = FORMAT_VERSION
    # its relations to other documents: the record's last fields (a slot in a skeleton)
    record.update({"translations": f"{_SLOT}{_FRAME}"} if slots else _frame(rel))
    by_anchor: dict[str, list[dict[str, Any]]] = {}
    for c in doc.citations:
        by_anchor.setdefault(c.anchor, []).append(
            {
                "text": c.text,
                "symbol": c.symbol,
                "document": rel.targets.get(c.symbol),
                "anchor": (rel.anchor(c.symbol, c.paragraph, c.text) or None)
                if c.symbol in rel.targets
                else None,
            }
        )

    def add(entries: list[dict[str, Any]], wording: bool = False) -> None:
        for entry in entries:
            entry["references"] = by_anchor.get(entry["id"], [])
            if wording and slots:
                entry["related"] = f"{_SLOT}{entry['id']}"
            elif wording:
                entry.update(_related(rel, entry["id"]))
            add(entry.get("items") or [], wording)

    add(record["preamble"], wording=True)
    add(record["operative"], wording=True)
    add(record["footnotes"])
    for att in record["attachments"]:
        add(att["paragraphs"])
    return record


def _frame(rel: Relations) -> dict[str, Any]:
    """A document's relations to others: its versions in other languages, the archived
    documents citing it, its previous and next version."""
    return {
        "translations": [_version(v) for v in rel.translations],
        "cited_by": [
            {
                "document": c.document,
                "symbol": c.symbol,
                "anchor": c.anchor,
                "cited": c.cited or None,
            }
            for c in rel.cited_by
        ],  # fmt: skip
        "previous": rel.previous.document if rel.previous else None,
        "next": rel.next.document if rel.next else None,
    }


def _related(rel: Relations, anchor: str) -> dict[str, Any]:
    """A paragraph's wording elsewhere (agreed.py): ``related`` (at most agreed.LIMIT,
    identical newest first, then near by similarity), the totals, the first agreed."""
    found = rel.agreed.get(anchor)
    if found is None:
        return {"related": [], "related_total": {"identical": 0, "near": 0}, "first_agreed": None}

    def entry(r: Related) -> dict[str, Any]:
        other = rel.others[r.document]
        return {"document": r.document, "symbol": other.symbol, "date": other.date,
                "anchor": r.anchor, "similarity": r.similarity}  # fmt: skip

    return {
        "related": [entry(r) for r in found.entries],
        "related_total": {"identical": found.identical, "near": found.near},
        "first_agreed": entry(found.first) if found.first else None,
    }


def _version(v: Link) -> dict[str, Any]:
    return {
        "language": v.language,
        "document": v.document,
        "url": anchors.page_url(v.document),
        "data": anchors.data_url(v.document),
    }


def catalog_record(doc: Document) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": doc.id,
        "url": anchors.page_url(doc.id),
        "data": anchors.data_url(doc.id),
        "akn": anchors.akn_url(doc.id),
    }
    entry.update({k: getattr(doc, k) for k in CATALOG_FIELDS if k != "id"})
    entry.update(number=doc.number, organization=doc.organization, label=doc.label)
    return entry


def catalog(docs: list[Document]) -> dict[str, Any]:
    return {"format": FORMAT_VERSION, "documents": [catalog_record(d) for d in docs]}


def dumps(data: Any) -> str:
    """JSON as the data files hold it: UTF-8, keys in order, two spaces of indent. orjson:
    the json module indents in pure Python, 25 ms for a document's data file at 311,000
    paragraphs (its agreed-language lists)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n"
