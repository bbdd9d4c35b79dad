"""Word counting for the "nothing lost" tests: a source text's words vs. its built pages.

Kept independent of the parser: it knows the markup forms a conversion may print (markdown,
<sup>, ^{...}, LaTeX) only to drop their punctuation, and the running heads that are noise.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹ᵉʳ", "0123456789er")
SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
RUNNING_HEAD = re.compile(r"^\s*(\d{1,3}/\d{1,3}\s+[A-Z]\.\d{2}-\d{5}|[A-Z]\.\d{2}-\d{5}\s+\d{1,3}/\d{1,3})\s*$",
                          re.M)
WORD = re.compile(r"\d+|[^\W\d_]+")  # digits and letters apart: "organisée¹", "1^{er}"


def words(text: str) -> Counter:
    text = SUPERSCRIPT_RUN.sub(lambda m: " " + m.group(0) + " ", unicodedata.normalize("NFC", text))
    text = text.translate(SUPERSCRIPTS)
    text = text.replace("\\text", " ")
    return Counter(w.lower() for w in WORD.findall(text.replace("_", " ")))


def source_words(text: str) -> Counter:
    text = RUNNING_HEAD.sub(" ", text)
    text = re.sub(r"</?sup>", " ", text)
    return words(text)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def missing_words(source: Counter, pages: Counter) -> dict[str, int]:
    """Words printed more often in the source than on its pages: what was lost."""
    return {w: n - pages[w] for w, n in source.items() if pages[w] < n}
