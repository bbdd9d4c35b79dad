"""Stage 8, export: documents -> site/catalog.json and one JSON file per document.

Stage: export. May import: models, anchors.

The format is documented in the README ("Data export"); tests and later features rely on it.
Paths are relative to the site root; ``source`` is relative to the content folder.
"""

from __future__ import annotations

import json
from typing import Any

from . import anchors
from .models import Document, to_dict

FORMAT_VERSION = 1
CATALOG_FIELDS = ("id", "source", "title", "symbol", "date", "body", "kind", "language")


def document_record(doc: Document) -> dict[str, Any]:
    """The per-document JSON: every field of the model, ``text`` beside every ``rich``."""
    record = to_dict(doc)
    record["format"] = FORMAT_VERSION
    return record


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
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
