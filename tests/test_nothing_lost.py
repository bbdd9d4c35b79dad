"""Nothing lost: every word of a seed text appears on the pages built from it, as often as in
the source (running heads aside)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from wordcount import html_text, missing_words, source_words, words

CONTENT = Path(__file__).resolve().parents[1] / "content"


@pytest.mark.parametrize("name", sorted(p.name for p in CONTENT.glob("*.txt")))
def test_every_word_reaches_a_page(built_site: Path, name: str) -> None:
    catalog = json.loads((built_site / "catalog.json").read_text(encoding="utf-8"))
    pages = Counter()
    for entry in catalog["documents"]:
        if entry["source"] == name:
            pages += words(html_text((built_site / entry["url"]).read_text(encoding="utf-8")))
    source = source_words((CONTENT / name).read_text(encoding="utf-8"))
    lost = missing_words(source, pages)
    assert sum(source.values()) > 1000
    assert not lost, (
        f"{sum(lost.values())} of {sum(source.values())} words lost: {sorted(lost.items())[:40]}"
    )
