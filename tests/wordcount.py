"""Word counting for the "nothing lost" tests: a source text's words vs. its built pages.

The counting itself lives in resarchive.accuracy (the corpus benchmark uses it too); this
module adds what the page tests need: the text of an HTML page.
"""

from __future__ import annotations

from html.parser import HTMLParser

from resarchive.accuracy import missing_words, source_words, words

__all__ = ["html_text", "missing_words", "source_words", "words"]


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
