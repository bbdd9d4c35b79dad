"""Export stage, Akoma Ntoso: a Document -> ``data/<id>.akn.xml``, valid Akoma Ntoso 3.0.

Stage: export. May import: models, anchors, akn, langdata.

The document is a ``<statement>`` named after its kind (``resolution``, ``decision``,
``draftResolution``...), or a ``<documentCollection>`` of statements when it prints several
parts (A/RES/77/264 A-C). FRBR metadata: the work (the body, the date, the symbol or number),
its expression in the document's language, this manifestation. Preambular paragraphs are
``<container>``s of the ``<preamble>``, operative paragraphs ``<paragraph>``s of the
``<mainBody>`` (sub-paragraphs ``<point>``s, a preambular paragraph's ``<item>``s of a
``<blockList>``), footnotes ``<authorialNote>``s where their first marker stands (later
markers ``<noteRef>``), attachments ``<attachment>``s; the closing lines are the
``<conclusions>``. eIds follow anchors.akn_eid (``op7`` -> ``para_7``); each element also
carries its anchor and source line in our namespace, and the document's fields are in
``<proprietary>``, so that akn_read.py reads the file back into the same document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree
from markdown_it import MarkdownIt

from . import anchors
from .akn import AKN, KIND_NAMES, NS, RA, RAQ, akn_language
from .models import (
    MARKDOWN_RE,
    MARKER_RE,
    Attachment,
    Document,
    Footnote,
    Item,
    Loose,
    Paragraph,
    Part,
    groups,
)

_INLINE = MarkdownIt("zero").enable(["emphasis", "escape"])
# the document's fields kept in <proprietary> (AKN has no element for most of them)
FIELDS = (
    "id", "kind", "title", "symbol", "number", "label", "date", "body", "organization", "organ",
    "session", "agenda_item", "agenda_title", "place", "distribution", "original_language",
    "formula", "rich_title", "line", "end",
)  # fmt: skip
UNKNOWN_DATE = "0001-01-01"  # FRBRdate needs a date; a document that prints none gets this


def E(tag: str, *children: Any, **attrs: Any) -> etree._Element:
    """An AKN element; ``ra_x=`` attributes go to our namespace, None values are left out."""
    el = etree.Element(AKN + tag)
    for key, value in attrs.items():
        if value is None:
            continue
        name = RAQ + key[3:] if key.startswith("ra_") else key.rstrip("_")
        el.set(name, str(value))
    for child in children:
        if child is not None:
            el.append(child)
    return el


class Notes:
    """Where each footnote goes: an authorialNote at its first marker, a noteRef at the
    others, a plain superscript for a marker whose note was not found."""

    def __init__(self, footnotes: list[Footnote]):
        self.by_mark = {n.mark: n for n in footnotes if n.cited}
        self.placed: set[str] = set()
        self.uncited = [n for n in footnotes if not n.cited]

    def marker(self, mark: str, rich: Rich) -> etree._Element:
        note = self.by_mark.get(mark)
        if note is None:
            el = E("sup", ra_marker=mark)
            el.text = mark
            return el
        eid = anchors.akn_eid(note.id)
        if mark in self.placed:
            return E("noteRef", href=f"#{eid}", marker=mark)
        self.placed.add(mark)
        return self.note(note, rich)

    def note(self, note: Footnote, rich: Rich) -> etree._Element:
        el = E(
            "authorialNote",
            marker=note.mark,
            placement="bottom",
            eId=anchors.akn_eid(note.id),
            ra_anchor=note.id,
            ra_line=note.line,
        )
        el.append(rich.p(note.rich))
        return el


class Rich:
    """Rich text (``*italic*``, escapes, footnote markers) -> AKN inline content."""

    def __init__(self, notes: Notes):
        self.notes = notes

    def p(self, rich: str, lead: str = "", **attrs: Any) -> etree._Element:
        el = E("p", **attrs)
        self.fill(el, rich, lead)
        return el

    def fill(self, el: etree._Element, rich: str, lead: str = "") -> None:
        """Append ``rich`` to ``el``; a lead phrase the text opens with goes in
        ``<i ra:lead="true">`` (printed in italics, as the UN prints it)."""
        if lead and rich.startswith(lead):
            italic = E("i", ra_lead="true")
            self.fill(italic, lead)
            el.append(italic)
            rich = rich[len(lead) :]
        elif lead:
            el.set(RAQ + "lead", lead)
        if not MARKDOWN_RE.search(rich):  # what the parser makes of it: one run of text
            self.text(el, rich)
            return
        stack = [el]
        for token in _INLINE.parseInline(rich)[0].children or []:
            if token.type in ("em_open", "strong_open"):
                child = E("i" if token.type == "em_open" else "b")
                stack[-1].append(child)
                stack.append(child)
            elif token.type in ("em_close", "strong_close"):
                stack.pop()
            else:
                self.text(stack[-1], token.content)

    def text(self, el: etree._Element, text: str) -> None:
        at = 0
        for m in MARKER_RE.finditer(text):
            _append_text(el, text[at : m.start()])
            el.append(self.notes.marker(m.group(1), self))
            at = m.end()
        _append_text(el, text[at:])


def _parent(el: etree._Element) -> etree._Element:
    parent = el.getparent()
    assert parent is not None
    return parent


def _append_text(el: etree._Element, text: str) -> None:
    if not text:
        return
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


# --------------------------------------------------------------------------- the parts


def _num(number: str) -> etree._Element:
    el = E("num")
    el.text = f"{number}." if number.isdigit() or number == "l" else number
    return el


def _items(items: list[Item], rich: Rich, tag: str) -> Iterator[etree._Element]:
    """Sub-paragraphs: ``<point>``s in the body, ``<item>``s of a blockList elsewhere."""
    for item in items:
        attrs = dict(eId=anchors.akn_eid(item.id), ra_anchor=item.id, ra_line=item.line)
        if tag == "point":
            el = E("point", _num(item.label) if item.label else None, **attrs)
            if item.items:
                el.append(E("intro", rich.p(item.rich, item.lead)))
                el.extend(_items(item.items, rich, tag))
            else:
                el.append(E("content", rich.p(item.rich, item.lead)))
        else:
            el = E(
                "item",
                _num(item.label) if item.label else None,
                rich.p(item.rich, item.lead),
                **attrs,
            )
            if item.items:
                el.append(E("blockList", *_items(item.items, rich, tag)))
        yield el


def _heading(heading: str, line: int, rich: Rich, preamble: bool) -> etree._Element:
    """A section heading printed before a paragraph: a paragraph that holds only its heading
    in the body (as the UN marks them), a container of the preamble; its lines (a title,
    then the section's own preamble) apart by <eol/>."""
    h = E("p") if preamble else E("heading")
    for k, line_text in enumerate(heading.split("\n")):
        if k:
            h.append(E("eol"))
        rich.fill(h, line_text)
    if preamble:
        return E("container", h, name="heading", ra_role="heading", ra_line=line)
    return E("paragraph", h, ra_role="heading", ra_line=line)


def preambular(p: Paragraph, rich: Rich) -> Iterator[etree._Element]:
    if p.heading:
        yield _heading(p.heading, p.line, rich, preamble=True)
    el = E(
        "container",
        rich.p(p.rich, p.lead),
        name="recital",
        eId=anchors.akn_eid(p.id),
        ra_anchor=p.id,
        ra_line=p.line,
    )
    if p.items:
        el.append(E("blockList", *_items(p.items, rich, "item")))
    yield el


def operative(p: Paragraph, rich: Rich) -> Iterator[etree._Element]:
    if p.heading:
        yield _heading(p.heading, p.line, rich, preamble=False)
    el = E(
        "paragraph",
        _num(p.number) if p.number else None,
        eId=anchors.akn_eid(p.id),
        ra_anchor=p.id,
        ra_line=p.line,
    )
    if p.items:
        el.append(E("intro", rich.p(p.rich, p.lead)))
        el.extend(_items(p.items, rich, "point"))
    else:
        el.append(E("content", rich.p(p.rich, p.lead)))
    yield el


def _loose(loose: Loose, rich: Rich, role: str) -> etree._Element:
    return rich.p(
        loose.rich,
        eId=anchors.akn_eid(loose.id),
        ra_anchor=loose.id,
        ra_line=loose.line,
        ra_number=loose.number or None,
        ra_role=role,
    )


def _frbr(doc: Document, sub: str = "") -> etree._Element:
    """FRBR identification: /akn/<country>/statement/<kind>/<body>/<date>/<name>/."""
    country = (doc.organization or "un").lower()
    date = doc.date or UNKNOWN_DATE
    name = anchors.slug(doc.symbol or doc.number or doc.id) or "document"
    work = (
        f"/akn/{country}/statement/{KIND_NAMES.get(doc.kind, 'document')}/"
        f"{anchors.slug(doc.body) or 'body'}/{date}/{name}"
    )
    expression = f"{work}/{akn_language(doc.language)}@"
    date_name = "adoption" if doc.date else "unknown"
    return E(
        "identification",
        E(
            "FRBRWork",
            E("FRBRthis", value=f"{work}/!main{sub}"),
            E("FRBRuri", value=work),
            E("FRBRdate", date=date, name=date_name),
            E("FRBRauthor", href="#author"),
            E("FRBRcountry", value=country),
        ),
        E(
            "FRBRExpression",
            E("FRBRthis", value=f"{expression}/!main{sub}"),
            E("FRBRuri", value=expression),
            E("FRBRdate", date=date, name=date_name),
            E("FRBRauthor", href="#author"),
            E("FRBRlanguage", language=akn_language(doc.language)),
        ),
        E(
            "FRBRManifestation",
            E("FRBRthis", value=f"{expression}/!main{sub}.xml"),
            E("FRBRuri", value=f"{expression}.akn"),
            E("FRBRdate", date=date, name=date_name),
            E("FRBRauthor", href="#resarchive"),
        ),
        source="#resarchive",
    )


def _meta(doc: Document, sub: str = "", fields: bool = False) -> etree._Element:
    """FRBR identification; with ``fields`` (the outermost document: eIds are unique within
    it), the references and our <proprietary> record of the document's fields."""
    meta = E("meta", _frbr(doc, sub))
    if not fields:
        return meta
    meta.append(
        E(
            "references",
            E(
                "TLCOrganization",
                eId="resarchive",
                href="/ontology/organization/resarchive",
                showAs="resarchive",
            ),
            E(
                "TLCOrganization",
                eId="author",
                href=f"/ontology/organization/{anchors.slug(doc.body) or 'body'}",
                showAs=doc.body or doc.organization or "author",
            ),
            source="#resarchive",
        )
    )
    record = etree.SubElement(E("proprietary", source="#resarchive"), RAQ + "document")
    for name in FIELDS:
        value = getattr(doc, name)
        if value not in ("", None):
            etree.SubElement(record, RAQ + "field", name=name).text = str(value)
    for sponsor in doc.sponsors:
        etree.SubElement(record, RAQ + "sponsor").text = sponsor
    meta.append(_parent(record))
    return meta


def _cover(doc: Document, rich: Rich) -> etree._Element | None:
    """The printed masthead lines, and the report text printed before the document."""
    cover = E("coverPage")
    for h in doc.header:
        cover.append(_loose(h, rich, "header"))
    for name, lines in (("context", doc.context), ("report", doc.report)):
        if lines:
            cover.append(E("container", *(_loose(x, rich, name) for x in lines), name=name))
    return cover if len(cover) else None


def _preface(doc: Document, rich: Rich) -> etree._Element:
    """The document's number, title and symbol as AKN marks them (for other readers; ours
    takes them from <proprietary>)."""
    p = E("p", ra_role="metadata")
    if doc.symbol:
        p.append(E("docNumber", refersTo="#symbol"))
        p[-1].text = doc.symbol
    title = E("docTitle")
    rich.fill(title, doc.rich_title or doc.title)
    p.append(title)
    if doc.date:
        p.append(E("docDate", date=doc.date))
        p[-1].text = doc.date
    return E("preface", p)


def _body_parts(
    doc: Document,
    preamble: list[Paragraph],
    operative_: list[Paragraph],
    unclassified: list[Loose],
    formula: str,
    rich: Rich,
) -> list[etree._Element]:
    """preamble, mainBody of one statement."""
    out = []
    if formula or preamble:
        pre = E("preamble")
        if formula:
            pre.append(E("formula", rich.p(formula), name="enactingFormula"))
        for p in preamble:
            pre.extend(preambular(p, rich))
        out.append(pre)
    body = E("mainBody")
    for p in operative_:
        body.extend(operative(p, rich))
    for u in unclassified:
        body.append(
            E(
                "hcontainer",
                E("content", rich.p(u.rich)),
                name="unclassified",
                eId=anchors.akn_eid(u.id),
                ra_anchor=u.id,
                ra_line=u.line,
            )
        )
    if not len(body):  # a mainBody needs content: an empty one says so
        body.append(E("hcontainer", name="empty", ra_role="empty"))
    out.append(body)
    return out


def _conclusions(
    lines: list[Loose], rich: Rich, notes: list[Footnote] | None = None
) -> etree._Element | None:
    el = E("conclusions")
    for c in lines:
        el.append(_loose(c, rich, "closing"))
    if notes:  # footnotes no marker cites: kept where a reader finds them
        p = E("p", ra_role="uncited-notes")
        for note in notes:
            p.append(rich.notes.note(note, rich))
        el.append(p)
    return el if len(el) else None


def _attachments(doc: Document, rich: Rich) -> etree._Element | None:
    if not doc.attachments:
        return None
    out = E("attachments")
    for k, att in enumerate(doc.attachments, 1):
        out.append(
            E(
                "attachment",
                _attachment(doc, att, k, rich),
                eId=anchors.akn_eid(att.id),
                ra_anchor=att.id,
                ra_line=att.line,
            )
        )
    return out


def _attachment(doc: Document, att: Attachment, k: int, rich: Rich) -> etree._Element:
    preface = E("preface")
    for line in att.header:
        p = E("p", ra_role="header")
        p.text = line
        preface.append(p)
    title = E("p", E("docTitle"), ra_role="title")
    title[0].text = att.title
    preface.append(title)
    body = E("mainBody")
    for p_ in att.paragraphs:
        body.extend(operative(p_, rich))
    if not len(body):
        body.append(E("hcontainer", name="empty", ra_role="empty"))
    return E("doc", _meta(doc, f"/annex_{k}"), preface, body, name="annex")


def document_xml(doc: Document) -> etree._Element:
    """The whole document as an <akomaNtoso> element."""
    notes = Notes(doc.footnotes)
    rich = Rich(notes)
    kind = KIND_NAMES.get(doc.kind, "document")
    if not doc.parts:
        parts = _body_parts(doc, doc.preamble, doc.operative, doc.unclassified, doc.formula, rich)
        top = E(
            "statement",
            _meta(doc, fields=True),
            _cover(doc, rich),
            _preface(doc, rich),
            *parts,
            _conclusions(doc.closing, rich, notes.uncited),
            _attachments(doc, rich),
            name=kind,
        )
    else:
        top = _collection(doc, rich, notes, kind)
    root = etree.Element(AKN + "akomaNtoso", nsmap={None: NS, "ra": RA})  # type: ignore[dict-item]
    root.append(top)
    return root


def _collection(doc: Document, rich: Rich, notes: Notes, kind: str) -> etree._Element:
    """A document printing several resolutions (parts A, B, C): one statement each."""
    components = E("components")
    body = E("collectionBody")
    for n, group in enumerate(groups(doc)):
        part: Part | None = group.part
        sub = f"/part_{anchors.slug(part.label) if part else 'lead'}"
        meta = _meta(doc, sub)
        record = etree.SubElement(E("proprietary", source="#resarchive"), RAQ + "part")
        record.set("formula", group.formula)
        if part is not None:
            for key, value in (
                ("label", part.label),
                ("anchor", part.id),
                ("line", part.line),
                ("title", part.title),
            ):
                record.set(key, str(value))
        meta.append(_parent(record))
        statement = E("statement", meta, name=kind)
        if part is not None:
            label = E("docNumber")
            label.text = part.label
            title = E("docTitle")
            rich.fill(title, part.rich)
            statement.append(E("preface", E("p", label, title)))
        statement.extend(_body_parts(doc, group.preamble, group.operative, [], group.formula, rich))
        closing = _conclusions(group.closing, rich)
        if closing is not None:
            statement.append(closing)
        eid = f"component_{n + 1}"
        components.append(E("component", statement, eId=eid))
        body.append(
            E(
                "component",
                E(
                    "documentRef",
                    href=f"#{eid}",
                    showAs=part.label if part else "",
                    eId=f"ref_{n + 1}",
                ),
                eId=f"collection_{n + 1}",
            )
        )
    conclusions = _conclusions([], rich, notes.uncited)
    collection = E(
        "documentCollection",
        _meta(doc, fields=True),
        _cover(doc, rich),
        _preface(doc, rich),
        body,
        name=kind,
    )
    if doc.unclassified:  # text the parser could not place: a last component of its own
        meta = _meta(doc, "/unclassified")
        meta.append(meta.makeelement(AKN + "proprietary", source="#resarchive"))
        etree.SubElement(meta[-1], RAQ + "unclassified")
        statement = E(
            "statement",
            meta,
            *_body_parts(doc, [], [], doc.unclassified, "", rich),
            name="unclassified",
        )
        components.append(E("component", statement, eId="component_unclassified"))
        body.append(
            E(
                "component",
                E(
                    "documentRef",
                    href="#component_unclassified",
                    showAs="unclassified",
                    eId="ref_unclassified",
                ),
                eId="collection_unclassified",
            )
        )
    if conclusions is not None:
        collection.append(conclusions)
    attachments = _attachments(doc, rich)
    if attachments is not None:
        collection.append(attachments)
    collection.append(components)
    return collection


def dumps(doc: Document) -> str:
    return etree.tostring(document_xml(doc), encoding="unicode", pretty_print=True)
