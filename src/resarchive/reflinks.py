"""References to resolutions and decisions made links, inside markdown-it's rendering.

Stage: render (a markdown-it core rule). May import: models, references.

``link_references`` is pushed after markdown-it's own rules: for each run of inline text it
finds the references in the whole plain text of the run (as the data export does, so the
page and the JSON agree) and cuts the text tokens around each one into a link: to the
archived document's page (and paragraph), else to the UN's own address for the symbol,
marked as leaving the archive. A reference with no symbol, or with a symbol the archive
does not hold and no known address, stays text. A reference that markup splits (an
emphasis or a footnote marker inside it) stays text too, rather than nest elements wrongly.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .models import MARK_CLOSE, MARK_OPEN
from .references import Reference, find

_PIECES = re.compile(f"[^{MARK_OPEN}]+|{MARK_OPEN}[^{MARK_CLOSE}]*{MARK_CLOSE}?")


@dataclass
class Target:
    href: str
    external: bool  # leaves the archive (the UN's document address)


@dataclass
class RefLinker:
    """What the rule needs for one page: the text's language, the citing document's organ,
    and how a reference resolves to an address (None: it stays text)."""

    lang: str
    organ: str
    resolve: Callable[[Reference], Target | None]
    outside_label: str = ""  # the title of a link that leaves the archive
    # rich text -> its HTML (footnote markers not yet made links): a document's text is
    # rendered once for its page and its side-by-side pages
    html: dict[str, str] = field(default_factory=dict)


def cites(text: str, linker: RefLinker) -> bool:
    """Whether ``text`` (one run of text, footnote markers in it) names a reference the
    rule would try to link: what spares most paragraphs the markdown parser (render.py)."""
    plain = "".join(
        m.group(0) for m in _PIECES.finditer(text) if not m.group(0).startswith(MARK_OPEN)
    )
    return any(r.symbol for r in find(plain, linker.lang, linker.organ))


def link_references(state: StateCore) -> None:
    linker: RefLinker | None = state.env.get("references")
    if linker is None:
        return
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _linked(token.children, linker)


def _linked(children: list[Token], linker: RefLinker) -> list[Token]:
    # the plain text of the run: its text tokens without footnote markers, in pieces
    # (plain start, token index, content start, length) to find each character again
    pieces: list[tuple[int, int, int, int]] = []
    plain: list[str] = []
    at = 0
    for i, tok in enumerate(children):
        if tok.type != "text":
            continue
        for m in _PIECES.finditer(tok.content):
            if not m.group(0).startswith(MARK_OPEN):  # a footnote marker is no text
                pieces.append((at, i, m.start(), m.end() - m.start()))
                plain.append(m.group(0))
                at += m.end() - m.start()
    found = [r for r in find("".join(plain), linker.lang, linker.organ) if r.symbol]
    if not found:
        return children
    starts = [p[0] for p in pieces]

    def locate(pos: int) -> tuple[int, int]:
        plain_start, i, content_start, _ = pieces[bisect_right(starts, pos) - 1]
        return i, content_start + pos - plain_start

    cuts: dict[int, list[tuple[int, int, Target]]] = {}
    for ref in found:
        target = linker.resolve(ref)
        (i, start), (j, last) = locate(ref.start), locate(ref.end - 1)
        end = last + 1
        if target is None or i != j or MARK_OPEN in children[i].content[start:end]:
            continue  # stays text
        cuts.setdefault(i, []).append((start, end, target))
    if not cuts:
        return children
    out: list[Token] = []
    for i, tok in enumerate(children):
        if i not in cuts:
            out.append(tok)
            continue
        pos = 0
        for start, end, target in sorted(cuts[i], key=lambda c: c[0]):
            if start > pos:
                out.append(_text(tok.content[pos:start]))
            out.extend(_link(tok.content[start:end], target, linker))
            pos = end
        if pos < len(tok.content):
            out.append(_text(tok.content[pos:]))
    return out


def _text(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def _link(content: str, target: Target, linker: RefLinker) -> list[Token]:
    attrs: dict[str, Any] = {"href": target.href, "class": "ref"}
    if target.external:
        attrs["class"] = "ref ref-out"
        attrs["rel"] = "external noopener"
        if linker.outside_label:
            attrs["title"] = linker.outside_label
    opening = Token("link_open", "a", 1)
    opening.attrs = attrs
    return [opening, _text(content), Token("link_close", "a", -1)]


def install(md: MarkdownIt) -> MarkdownIt:
    md.core.ruler.push("references", link_references)
    return md
