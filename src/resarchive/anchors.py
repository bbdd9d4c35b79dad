"""Model: every anchor (element id) of a document page, document ids, page and data URLs.

Stage: model, shared by parse, link, render, index and export. May import: the standard
library only.

Anchors are stable: they come from what is printed (paragraph numbers, item labels, part
labels, footnote marks) or from a paragraph's position among its kind, never from the order
of blocks in the file, so a link to ``#op7`` survives a re-parse. The README's "What a page
shows, and its anchors" lists them; ``static/js/reader.js`` accepts the informal forms of
:func:`informal_candidates` (``#7``, ``#par7``, ``#7a``, ``#note2``) and
tests/test_anchors.py holds the two to the same rule.
"""

from __future__ import annotations

import re
import unicodedata

# --------------------------------------------------------------------------- names


def slug(text: str) -> str:
    """ASCII, lower case, runs of anything else as one hyphen: "Résolution 33/1" ->
    "resolution-33-1"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def document_id(symbol: str, language: str, stem: str, label: str, multi: bool) -> str:
    """From the symbol when there is one (a symbol is printed in every language, hence the
    language suffix: ``e-cn-15-2018-l-3-fr``), else from the file name and, in a file of
    several documents, the printed heading (``002-7d93...-resolution-33-1``)."""
    if symbol:
        return f"{slug(symbol)}-{language}"
    if multi:
        return f"{slug(stem)}-{slug(label)}"
    return slug(stem)


def page_url(doc_id: str) -> str:
    """Path of a document's page, relative to the site root."""
    return f"doc/{doc_id}.html"


def data_url(doc_id: str) -> str:
    """Path of a document's JSON export, relative to the site root."""
    return f"data/{doc_id}.json"


def akn_url(doc_id: str) -> str:
    """Path of a document's Akoma Ntoso export, relative to the site root."""
    return f"data/{doc_id}.akn.xml"


# --------------------------------------------------------------------------- resolution


def compare_url(doc_id: str) -> str:
    """A document against its previous version: ``doc/a-res-78-1-en.compare.html``."""
    return f"doc/{doc_id}.compare.html"


def parallel_url(symbol: str, left: str, right: str) -> str:
    """The side-by-side page of one document in two languages:
    ``doc/a-res-78-1.fr-en.html`` (no document id holds a dot)."""
    return f"doc/{slug(symbol)}.{left}-{right}.html"


def ui_page_url(page: str, language: str, default: str) -> str:
    """The home or search page (``page``: "index", "search") in one language of the
    interface: ``index.html`` in the default language, ``index.en.html`` in another."""
    return f"{page}.html" if language == default else f"{page}.{language}.html"


def part_prefix(label: str) -> str:
    """Prefix of the paragraphs of one part of a collection (A/RES/77/264 A-C): "b-"."""
    return f"{slug(label)}-"


def part(label: str) -> str:
    return f"part-{slug(label)}"


def preambular(position: int, prefix: str = "") -> str:
    """The ``position``-th preambular paragraph of its part: ``pp3``."""
    return f"{prefix}pp{position}"


def operative(number: int, prefix: str = "", run: int = 1, heading: str = "") -> str:
    """Operative paragraph by its printed number: ``op7``; in a second run of numbers
    (sections restarting at 1) under a heading: ``ii-2-op1``."""
    if run == 1:
        return f"{prefix}op{number}"
    return f"{prefix}{slug(heading) or 'part'}-{run}-op{number}"


def lettered_operative(key: str, prefix: str = "") -> str:
    """A decision's lettered paragraph ("Le Conseil économique et social : a) ..."): ``op-a``."""
    return f"{prefix}op-{key}"


def unnumbered_operative(position: int, prefix: str = "") -> str:
    """An unnumbered operative paragraph (a decision in one sentence): ``text1``."""
    return f"{prefix}text{position}"


def item(parent: str, key: str) -> str:
    """Sub-paragraph ``a)`` of ``op7``: ``op7-a``; roman item ``ii`` in it: ``op7-a-ii``."""
    return f"{parent}-{key}"


def unlabelled_item(parent: str, position: int) -> str:
    """Unlabelled text closing a list of items ("and in the targets contained therein,")."""
    return f"{parent}-t{position}"


def unique(anchor: str, taken: set[str], line: int) -> str:
    """A paragraph number printed twice in one run keeps the first anchor; the second gets
    its source line: ``op4-118``."""
    return f"{anchor}-{line}" if anchor in taken else anchor


def unique_item(anchor: str, taken: set[str]) -> str:
    """An item label printed twice under one paragraph: ``op3-a``, ``op3-a2``."""
    out, n = anchor, 2
    while out in taken:
        out = f"{anchor}{n}"
        n += 1
    return out


# --------------------------------------------------------------------------- around it


def attachment(position: int) -> str:
    return f"att{position}"


def attachment_paragraph(attachment_id: str, number: str) -> str:
    return f"{attachment_id}-p{number}"


def attachment_text(attachment_id: str, position: int) -> str:
    return f"{attachment_id}-t{position}"


def footnote(mark: str) -> str:
    """``fn2`` for note 2, ``fn-star`` for "*", ``fn-star2`` for "**", ``fn-a`` for "a"."""
    if mark.isdigit():
        return f"fn{mark}"
    if set(mark) == {"*"}:
        return "fn-star" + (str(len(mark)) if len(mark) > 1 else "")
    return f"fn-{mark}"


def footnote_ref(footnote_id: str, position: int) -> str:
    """The ``position``-th marker on the page citing a footnote: ``fn2-ref1``."""
    return f"{footnote_id}-ref{position}"


def context(position: int) -> str:
    """Report text printed before a document: ``ctx1``."""
    return f"ctx{position}"


def report(number: str) -> str:
    """The report paragraph that records a decision: ``rp5``."""
    return f"rp{number}"


def header(position: int) -> str:
    return f"h{position}"


def closing(position: int) -> str:
    return f"c{position}"


def unclassified(position: int) -> str:
    return f"u{position}"


# --------------------------------------------------------------------------- informal links

# How people write a paragraph in a link by hand, and the kind of anchor each form stands
# for, tried in order. static/js/reader.js holds the same table (tests/test_anchors.py).
INFORMAL_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:op|par|para|p)?[-.]?(\d+)(?:[-.]?([a-z]))?$", re.IGNORECASE), "op"),
    (re.compile(r"^(?:pp|al)[-.]?(\d+)$", re.IGNORECASE), "pp"),
    (re.compile(r"^(?:note|n)[-.]?(\d+)$", re.IGNORECASE), "fn"),
)


def informal_candidates(text: str) -> list[str]:
    """Anchors an informal fragment may stand for, in the order a page tries them:
    ``7a`` -> ``op7-a``, ``par7`` -> ``op7``, ``al3`` -> ``pp3``, ``note2`` -> ``fn2``;
    [] for anything else."""
    out = []
    for pattern, kind in INFORMAL_FORMS:
        m = pattern.match(text)
        if m:
            letter = m.group(2) if pattern.groups > 1 else None
            out.append(f"{kind}{m.group(1)}" + (f"-{letter.lower()}" if letter else ""))
    return out


# --------------------------------------------------------------------------- Akoma Ntoso

# How an anchor's parts are named in an Akoma Ntoso eId (akn_eid); other parts (an item's
# label, a part's label, a second run of numbers) become point_<part> after a paragraph's
# name and part_<part> before it.
AKN_TOKENS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"op(\d+)", "para_{}"),
        (r"pp(\d+)", "recital_{}"),
        (r"text(\d+)", "unnumbered_{}"),
        (r"fn(\d+)", "authorialNote_{}"),
        (r"att(\d+)", "attachment_{}"),
        (r"p(\d+)", "para_{}"),
        (r"t(\d+)", "text_{}"),
        (r"ctx(\d+)", "context_{}"),
        (r"rp(\w+)", "report_{}"),
        (r"h(\d+)", "masthead_{}"),
        (r"c(\d+)", "closing_{}"),
        (r"u(\d+)", "unclassified_{}"),
    )
)


def akn_eid(anchor: str) -> str:
    """The eId of an anchor in our Akoma Ntoso export: ``op7`` -> ``para_7``, ``op7-a`` ->
    ``para_7__point_a``, ``op7-a-ii`` -> ``para_7__point_a__point_ii``, ``pp3`` ->
    ``recital_3``, ``b-op3`` -> ``part_b__para_3``, ``fn2`` -> ``authorialNote_2``,
    ``att1-p4`` -> ``attachment_1__para_4`` (the README's table lists them all). Each element
    also carries the anchor itself (``ra:anchor``), which reading the file back uses."""
    out: list[str] = []
    for token in anchor.split("-"):
        for pattern, template in AKN_TOKENS:
            m = pattern.fullmatch(token)
            if m:
                out.append(template.format(m.group(1)))
                break
        else:
            out.append(("point_" if out else "part_") + re.sub(r"[^A-Za-z0-9_]", "_", token))
    return "__".join(out)
