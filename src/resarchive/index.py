"""Stage 7, index: documents -> the client-side search index (see issue: paragraph search).

Placeholder until the search stage lands: writes an empty manifest so pages work.
"""

from __future__ import annotations

import json
from pathlib import Path

from .models import Document


def write_index(docs: list[Document], out: Path) -> None:
    (out / "search").mkdir(exist_ok=True)
    (out / "search" / "manifest.json").write_text(json.dumps({"version": 0, "shards": []}), encoding="utf-8")
