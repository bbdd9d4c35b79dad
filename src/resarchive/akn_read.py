"""Read stage, Akoma Ntoso: an AKN 3.0 XML file -> Documents, read by its structure.

Stage: read (and parse: the XML's elements are the document's structure). May import:
models, errors, anchors, akn, langdata, masthead, paragraphs, parse, footnotes.

Two producers are read the same way:
- the UN's AKN4UN (../shared/corpus): cover page lines and the preface ("75/100. Title") give
  the metadata as a masthead does (masthead.py), the formula the body; each preambular
  ``<container>`` is a preambular paragraph, each numbered top-level ``<paragraph>`` of the
  ``<mainBody>`` an operative one, points, items and nested paragraphs its sub-paragraphs,
  ``<authorialNote>``s the footnotes, ``<attachment>``s the annexes, ``<conclusions>`` the
  closing lines; anchors are made as for a text (anchors.py);
- our own export (akn_write.py), recognised by its ``<proprietary>`` record: the same, with
  the anchors, lines, lead phrases and fields it carries, so that the document read back
  equals the document written.

The UN's XML has quirks (../shared/corpus/README.md): unnumbered paragraphs among numbered
ones, numbering that restarts, tables. The page shows what the XML holds: unnumbered
paragraphs where they stand, tables as text rows; a warning says so.

Safety: the file is parsed by lxml with no network, no DTD and no entity resolution, and a
file that declares a document type (<!DOCTYPE, <!ENTITY) is refused before parsing: no
entity can expand and nothing is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import anchors
from .akn import AKN, KINDS, RAQ, language_code
from .errors import ContentError
from .footnotes import order as footnote_order
from .langdata import Lang, lang
from .masthead import Masthead, read_masthead
from .models import (
    Attachment,
    Block,
    Document,
    Footnote,
    Item,
    Loose,
    Paragraph,
    Part,
    marker,
    plain,
)
from .paragraphs import split_lead
from .parse import fill_metadata, fill_organization

SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
    huge_tree=False, remove_comments=True, remove_pis=True, collect_ids=False,
)  # fmt: skip
DOCUMENT_TYPES = ("statement", "doc", "documentCollection")
ITEM = re.compile(r"^\(?([a-z]{1,2}|[ivxlc]+)\)$")  # a)  (b)  aa)  (iv)
SUBNUM = re.compile(r"^\d+(\.\d+)+\.?$")  # 1.1
SECTION = re.compile(r"^([IVXLC]+|[A-Z])\.?$")  # I  II.  A
SECTION_LINE = re.compile(r"^([IVXLC]+|[A-Z])(\.?$|\.?\s+[A-ZÀ-Þ])")  # "A. Title"
TEXT_ITEM = re.compile(r"^\(?([a-z]{1,2}|[ivxlc]+)\)\s")  # "(a) text"
TEXT_NUM = re.compile(r"^(\d{1,3})[.,]?\s")  # "43 text": the number typed into the text
SEPARATOR = re.compile(r"^\*(?:\s*\*){2,}$")  # "* * *"
SUPERSCRIPT = dict(
    zip("0123456789abcdefghijklmnoprstuvwxyz", "⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True)
)
HIERARCHY = {"section", "part", "chapter", "title", "subsection", "division", "hcontainer",
             "level", "book", "tome", "article", "clause", "subpart", "subchapter"}  # fmt: skip
INLINE_DROP = {"img", "meta"}


_LOCAL: dict[str, str] = {}


def local(el: Any) -> str:
    """An element's name without its namespace ("paragraph")."""
    tag = el.tag
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
    return name


_RA_NAMES: dict[str, str] = {}


def ra(el: etree._Element, name: str) -> str | None:
    """An attribute of our namespace (our export's ``ra:anchor``, ``ra:line``...)."""
    qualified = _RA_NAMES.get(name)
    if qualified is None:
        qualified = _RA_NAMES[name] = RAQ + name
    return el.get(qualified)


def _first(el: etree._Element, name: str) -> etree._Element:
    """``el``'s first child named ``name``, else ``el`` itself."""
    found = el.find(AKN + name)
    return el if found is None else found


def source_line(el: etree._Element) -> int:
    """The line of the file where ``el`` starts (0 when lxml does not know it)."""
    line = el.sourceline
    return line if isinstance(line, int) else 0


def line_of(el: etree._Element) -> int:
    """The source line our export recorded (ra:line), else the element's own."""
    value = ra(el, "line")
    return int(value) if value else source_line(el)


def parse_xml(data: bytes, rel: str) -> etree._Element:
    """The root element, or ContentError naming the file and line."""
    at = min((i for i in (data.find(b"<!DOCTYPE"), data.find(b"<!ENTITY")) if i >= 0), default=-1)
    if at >= 0:
        line = data[:at].count(b"\n") + 1
        raise ContentError(rel, "XML with a document type declaration (<!DOCTYPE or <!ENTITY) "
                           "is refused: its entities could expand without end or read other "
                           "files", line)  # fmt: skip
    try:
        return etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ContentError(rel, f"malformed XML: {exc.msg}", exc.lineno or 0) from None


# --------------------------------------------------------------------------- inline text


@dataclass
class Notes:
    """Footnotes met while reading inline text, in document order."""

    found: list[Footnote] = field(default_factory=list)
    marks: dict[str, Footnote] = field(default_factory=dict)
    read: dict[Any, Footnote] = field(default_factory=dict)  # note element -> its footnote
    uncited: bool = False  # reading our export's notes that no marker cites


@dataclass
class Reader:
    """Inline content -> rich text; the footnotes it holds are collected on the way."""

    rel: str
    notes: Notes = field(default_factory=Notes)
    warnings: list[ContentError] = field(default_factory=list)
    lead: str | None = None  # a lead phrase our export marked, met in the last rich()

    def rich(self, el: etree._Element) -> str:
        """The rich text of ``el``'s content, whitespace collapsed (a line break too)."""
        self.lead = None
        fast = _plain_text(el)
        if fast is not None:
            return fast
        return _collapse(self._inline(el, " "))

    def rich_lines(self, el: etree._Element) -> list[str]:
        """The lines of ``el``'s content (cut at <eol/>), each collapsed; none empty."""
        self.lead = None
        lines = (_collapse(x) for x in self._inline(el, EOL).split(EOL))
        return [x for x in lines if x]

    def _inline(self, el: etree._Element, eol: str) -> str:
        if not len(el):
            return _escape(el.text or "")
        parts = [_escape(el.text or "")]
        for child in el:
            tail = _escape(child.tail or "")
            chunk = self._child(child, eol, "".join(parts)[-1:], tail[:1] or _next_char(child))
            if chunk.startswith("*"):  # two italic spans side by side: one emphasis
                done = "".join(parts)
                for stars in ("**", "*"):
                    if (
                        chunk.startswith(stars)
                        and done.endswith(stars)
                        and not done.endswith(stars + "*")
                        and not chunk.startswith(stars + "*")
                    ):
                        parts = [done[: -len(stars)]]
                        chunk = chunk[len(stars) :]
                        break
            parts.append(chunk)
            parts.append(tail)
        return "".join(parts)

    def _child(self, child: etree._Element, eol: str, before: str = "", after: str = "") -> str:
        """The rich text of one inline element; ``before`` and ``after`` are the characters
        printed next to it (where emphasis may start and end, see _emphasis)."""
        tag = local(child)
        if tag == "authorialNote":
            return self._note(child)
        if tag == "noteRef":
            return marker(child.get("marker") or "")
        if tag == "eol" or tag == "br":
            return eol
        if tag in INLINE_DROP or not tag:
            return ""
        if tag == "sup":
            mark = ra(child, "marker")
            if mark is not None:
                return marker(mark)
            text = plain(_collapse(self._inline(child, eol)))
            return "".join(SUPERSCRIPT.get(c, c) for c in text) if text.isalnum() else text
        inner = self._inline(child, eol)
        if tag == "i" and ra(child, "lead") == "true":
            self.lead = plain(_collapse(inner))
            return inner
        italic = tag == "i" or tag == "span" and "italic" in (child.get("class") or "")
        bold = tag == "b" or tag == "span" and "bold" in (child.get("class") or "")
        if (italic or bold) and "*" not in inner.replace("\\*", ""):
            return _emphasis(inner, "*" if italic else "**", before, after)
        return inner

    def _note(self, note: etree._Element) -> str:
        known = self.notes.read.get(note)
        if known is not None:  # the same note read again (a title read as masthead, then)
            return "" if not known.cited else marker(known.mark)
        mark = note.get("marker") or str(len(self.notes.found) + 1)
        blocks = [c for c in note if local(c) == "p"] or [note]
        text = " ".join(self.rich_keep(b) for b in blocks).strip()
        anchor = ra(note, "anchor") or anchors.footnote(mark)
        taken = {n.id for n in self.notes.found}
        if anchor in taken:
            self.warnings.append(ContentError(self.rel, f"footnote {mark} is printed twice; "
                                              "both are kept", line_of(note)))  # fmt: skip
            while anchor in taken:
                anchor += "-2"
        found = Footnote(id=anchor, mark=mark, rich=text, line=line_of(note),
                         cited=not self.notes.uncited)  # fmt: skip
        self.notes.found.append(found)
        self.notes.marks.setdefault(mark, found)
        self.notes.read[note] = found  # (holding the element keeps its proxy: same key)
        return "" if self.notes.uncited else marker(mark)

    def rich_keep(self, el: etree._Element) -> str:
        """rich() that leaves the pending lead phrase alone (a note inside a paragraph)."""
        lead = self.lead
        text = _collapse(self._inline(el, " "))
        self.lead = lead
        return text


# characters a text never shows (dropped as clean.py drops them from a text file), and our
# marker delimiters, which no text may hold
INVISIBLE = "\u200b\u200e\u200f\u2060\ufeff\u00ad\ue000\ue001"
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
_INVISIBLE_TEXT = re.compile(f"[{INVISIBLE}]")


# what _inline turns into markup or drops: an element without any reads as its text alone
_MARKUP = {"authorialNote", "noteRef", "eol", "br", "sup", "i", "b"} | INLINE_DROP
_MARKUP_TAGS = {AKN + name for name in _MARKUP}
_SPAN = AKN + "span"
EOL = "\x00"  # an <eol/> while reading lines: no whitespace, so collapsing keeps it


def _plain_text(el: etree._Element) -> str | None:
    """The rich text of an element that holds nothing but text, and perhaps one italic span
    opening it (the UN's lead phrase); None for anything else, which _inline reads. The
    same result as _inline's, from lxml's own text iteration: the common case, made fast
    (tests/test_akn.py compares the two on every <p> of a corpus sample)."""
    if not len(el):
        return _collapse(_escape(el.text or ""))
    first = el[0]
    lead = None
    for d in el.iterdescendants():
        tag = d.tag
        if tag in _MARKUP_TAGS:
            return None
        if tag == _SPAN:
            cls = d.get("class") or ""
            if "italic" in cls or "bold" in cls:
                if (
                    lead is None
                    and d is first
                    and not len(d)
                    and "bold" not in cls
                    and not (el.text or "").strip()
                ):
                    lead = d
                    continue
                return None
    if lead is None:
        return _collapse(_escape(_all_text(el)))
    before, inner = el.text or "", lead.text or ""
    after = _all_text(el)[len(before) + len(inner) :]
    if not inner.strip():
        return _collapse(_escape(before + inner + after))
    tail = _escape(lead.tail or "")
    return _collapse(
        _escape(before) + _emphasis(_escape(inner), "*", "", tail[:1]) + _escape(after)
    )


def _all_text(el: etree._Element) -> str:
    """Every text inside ``el``, in order (libxml2's serializer: twice as fast as itertext)."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


_EDGE = re.compile(r"^([\s\W_]*)(.*?)([\s\W_]*)$", re.DOTALL)


def _next_char(el: etree._Element) -> str:
    """The first character printed after ``el`` when it has no tail: a footnote marker's
    (U+E000) when a note follows, else the next element's first letter."""
    nxt = el.getnext()
    if nxt is None:
        return ""
    if local(nxt) in ("authorialNote", "noteRef"):
        return "\ue000"
    return (nxt.text or "")[:1]


def _emphasis(inner: str, stars: str, before: str = "", after: str = "") -> str:
    """``inner`` in stars, so that markdown reads them as emphasis: spaces at its edges go
    outside, and so does punctuation next to a letter printed outside ("vol. I*, Title*"
    would be no emphasis: "vol. I, *Title*"), but not elsewhere ("*Ibid.*," stays);
    italics inside italics are not doubled."""
    m = _EDGE.match(inner)
    assert m is not None
    lead, core, trail = m.groups()
    if not core or "\ue000" in lead + trail:
        return inner
    # a footnote marker (U+E000...U+E001) next to the stars counts as a letter to markdown
    if not ((before.isalnum() or before == "\ue001") and lead.strip()):
        core, lead = lead.lstrip() + core, lead[: len(lead) - len(lead.lstrip())]
    if not ((after.isalnum() or after == "\ue000") and trail.strip()):
        core, trail = core + trail.rstrip(), trail[len(trail.rstrip()) :]
    return f"{lead}{stars}{core}{stars}{trail}"


def _escape(text: str) -> str:
    if not text or text.isspace():
        return " " if text else ""
    if not text.isascii() and _INVISIBLE_TEXT.search(text):
        text = text.translate(_INVISIBLE)
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    return text.replace("*", "\\*") if "*" in text else text


def _collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the document


@dataclass
class BodyState:
    """Where the body reader stands in one statement (a part of a collection)."""

    prefix: str = ""
    part: str = ""
    heading: str = ""
    runs: int = 0
    numbered: int = 0
    unnumbered: int = 0
    loose: int = 0  # unnumbered paragraphs among numbered ones (a quirk of the UN's XML)
    preambular: int = 0  # preambular paragraphs so far


@dataclass
class DocumentReader:
    rel: str
    stem: str
    lang: Lang
    own: bool  # our own export: anchors, lines, fields as written
    reader: Reader
    doc: Document
    lines: int = 0  # of the file
    taken: set[str] = field(default_factory=set)  # operative anchors so far

    # ------------------------------------------------------------------ paragraphs

    def paragraph_text(
        self, el: etree._Element, p: etree._Element | None = None, lead_from_italics: bool = True
    ) -> tuple[str, str]:
        """(lead, rich) of a paragraph whose text is ``p`` (or ``el``'s p children)."""
        blocks = [p] if p is not None else [c for c in el if local(c) == "p"] or [el]
        rich_parts = []
        lead: str | None = None
        for b in blocks:
            rich_parts.append(self.reader.rich(b))
            lead = lead if lead is not None else self.reader.lead
        rich = " ".join(x for x in rich_parts if x)
        given = ra(blocks[0], "lead") if blocks else None
        if self.own:
            return (lead or given or ""), rich
        return split_lead(rich, self.lang, printed_only=not lead_from_italics)

    def take_heading(self, st: BodyState) -> str:
        heading, st.heading = st.heading, ""
        return heading

    def add_heading(self, st: BodyState, text: str) -> None:
        """A heading for the next paragraph, in rich text (its footnote markers kept). Lines
        that read as a section's own preamble ("Recalling its resolution 44/198, ...," as
        the UN's crossHeadings print them) go on a line of their own."""
        text = text.strip()
        if not text:
            return
        if not st.heading or self.own:
            st.heading = text
            return
        clause = (",", ";", ":")
        joined = "\n" if text.endswith(clause) or st.heading.endswith(clause) else " "
        st.heading = f"{st.heading}{joined}{text}"

    def items(
        self, parent_id: str, els: list[etree._Element], before: list[Item] | None = None
    ) -> list[Item]:
        """Sub-paragraphs: points, items, nested paragraphs, as the XML nests them (after
        ``before``, the parent's items so far)."""
        out: list[Item] = list(before or [])
        for el in els:
            tag = local(el)
            if tag in ("list", "blockList", "sublist"):
                out = self.items(parent_id, [c for c in el if local(c) != "num"], out)
                continue
            if tag in ("intro", "listIntroduction", "wrapUp", "p"):  # text between items
                rich = (
                    " ".join(self.reader.rich(p) for p in el.iter(AKN + "p"))
                    if tag != "p"
                    else self.reader.rich(el)
                )
                if rich:
                    n = sum(1 for i in out if not i.label) + 1
                    out.append(
                        Item(
                            id=ra(el, "anchor") or anchors.unlabelled_item(parent_id, n),
                            label="",
                            rich=rich,
                            line=line_of(el),
                        )
                    )
                continue
            if tag not in ("point", "item", "paragraph", "indent", "alinea"):
                continue
            num = el.find(AKN + "num")
            label = _collapse(plain(self.reader.rich(num))) if num is not None else ""
            key = label.strip("().") or "t"
            anchor = ra(el, "anchor") or anchors.unique_item(
                anchors.item(parent_id, key)
                if label
                else anchors.unlabelled_item(parent_id, sum(1 for i in out if not i.label) + 1),
                {i.id for i in out},
            )
            text_el, kids = _text_and_children(el)
            heads = [c for c in el if local(c) in ("heading", "subheading")]
            if text_el is not None:
                lead, rich = self.paragraph_text(el, text_el, lead_from_italics=False)
            else:  # "(b)" and a heading: the sub-paragraph is its heading ("(b) Energy")
                lead, rich = "", " ".join(self.reader.rich(h) for h in heads)
            item = Item(id=anchor, label=label, rich=rich, line=line_of(el), lead=lead)
            item.items = self.items(anchor, kids)
            out.append(item)
        return out

    # ------------------------------------------------------------------ preamble

    def preamble(self, el: etree._Element, st: BodyState) -> None:
        doc = self.doc
        for child in el:
            tag = local(child)
            if tag == "formula":
                continue
            if tag == "container" and ra(child, "role") == "heading":
                self.add_heading(st, "\n".join(self.reader.rich_lines(_first(child, "p"))))
                continue
            if tag == "crossHeading":
                self.add_heading(st, self.reader.rich(child))
                continue
            if tag == "p" and SEPARATOR.match(plain(self.reader.rich(child))):
                self.add_heading(st, self.reader.rich(child))  # "* * *": a break, as printed
                continue
            if tag != "container":
                self.warn(f"<{tag}> in the preamble is read as a preambular paragraph", child)
            st.preambular += 1
            anchor = ra(child, "anchor") or anchors.preambular(st.preambular, st.prefix)
            text_el = child.find(AKN + "p")
            lead, rich = self.paragraph_text(child, text_el)
            para = Paragraph(id=anchor, number="", rich=rich, line=line_of(child), lead=lead,
                             heading=self.take_heading(st), part=st.part)  # fmt: skip
            lists = [c for c in child if local(c) in ("blockList", "list")]
            para.items = self.items(anchor, lists)
            doc.preamble.append(para)

    # ------------------------------------------------------------------ body

    def body(self, el: Iterable[etree._Element], st: BodyState, depth: int = 0) -> None:
        for child in el:
            tag = local(child)
            if tag == "paragraph":
                self.body_paragraph(child, st)
            elif tag in HIERARCHY and not (
                tag == "hcontainer" and child.get("name") in ("unclassified", "empty")
            ):
                self.hierarchy(child, st)
            elif tag == "hcontainer" and child.get("name") == "unclassified":
                self.unclassified(child)
            elif tag in ("crossHeading", "heading", "subheading"):
                self.add_heading(st, self.reader.rich(child))
            elif tag in ("point", "item", "list", "blockList"):
                self.attach_items(child, st)
            elif tag == "table":
                self.table(child)
            elif tag == "p":
                self.loose_paragraph(child, child, st)
            elif tag in ("container", "blockContainer", "tblock", "div"):
                self.body(child, st, depth)
            elif tag in ("intro", "wrapUp", "content"):
                self.body(child, st, depth)

    def hierarchy(self, el: etree._Element, st: BodyState) -> None:
        """A section (part, chapter...): its number and heading open it, then its children."""
        num = el.find(AKN + "num")
        label = plain(self.reader.rich(num)) if num is not None else ""
        if label:
            self.add_heading(st, label)
        for child in el:
            if local(child) in ("heading", "subheading"):
                self.add_heading(st, self.reader.rich(child))
        self.body([c for c in el if local(c) not in ("num", "heading", "subheading")], st)

    def body_paragraph(self, el: etree._Element, st: BodyState) -> None:
        if ra(el, "role") == "heading":  # our export: the heading's lines, as written
            self.add_heading(st, "\n".join(self.reader.rich_lines(_first(el, "heading"))))
            return
        num = el.find(AKN + "num")
        label = _collapse(plain(self.reader.rich(num))) if num is not None else ""
        text_el, kids = _text_and_children(el)
        headings = [c for c in el if local(c) in ("heading", "subheading")]
        for h in headings:  # a paragraph holding only a heading: the UN's "H23"
            self.add_heading(st, self.reader.rich(h))
        if self.own:  # our export: every paragraph is what its anchor says
            self.operative_paragraph(el, st, _number(label), text_el, kids)
            return
        if not label and text_el is None and not kids:
            return
        if label and (ITEM.match(label) or SUBNUM.match(label)):
            self.item_paragraph(el, label, text_el, kids, st)
            return
        if label and SECTION.match(label):
            rich = self.reader.rich(text_el) if text_el is not None else ""
            self.add_heading(st, f"{label} {rich}")
            self.body(kids, st)
            return
        if label:
            self.operative_paragraph(el, st, _number(label), text_el, kids)
            return
        rich = self.reader.rich(text_el) if text_el is not None else ""
        text = plain(rich)
        m = TEXT_NUM.match(text)
        if m:  # "43 Invite ...": the number was typed into the text
            self.operative_paragraph(
                el,
                st,
                m.group(1),
                text_el,
                kids,
                rich=re.sub(r"^\d{1,3}[.,]?\s+", "", rich, count=1),
            )
        elif TEXT_ITEM.match(text):
            self.item_paragraph(el, "", text_el, kids, st)
        elif SECTION_LINE.match(text) and not kids:
            self.add_heading(st, rich)
        else:
            self.loose_paragraph(el, text_el, st, kids)

    def operative_paragraph(
        self,
        el: etree._Element,
        st: BodyState,
        number: str,
        text_el: etree._Element | None,
        kids: list[etree._Element],
        rich: str | None = None,
    ) -> None:
        """A numbered operative paragraph (op7), or in our export any paragraph as its
        anchor says."""
        doc = self.doc
        if rich is not None:
            lead, rich = split_lead(rich, self.lang)
        elif text_el is not None:
            lead, rich = self.paragraph_text(el, text_el)
        else:
            lead, rich = "", ""
        anchor = ra(el, "anchor")
        if anchor is None:
            n = int(number) if number.isdigit() else 1
            if n == 1 and st.numbered:
                st.runs += 1
            anchor = anchors.operative(n, st.prefix, st.runs + 1, plain(st.heading))
            anchor = anchors.unique(anchor, self.taken, line_of(el))
        self.taken.add(anchor)
        st.numbered += bool(number)
        para = Paragraph(id=anchor, number=number, rich=rich, line=line_of(el), lead=lead,
                         heading=self.take_heading(st), part=st.part)  # fmt: skip
        para.items = self.items(anchor, kids)
        doc.operative.append(para)
        self.tables_in(el)

    def tables_in(self, el: etree._Element) -> None:
        """Tables printed inside a paragraph or its sub-paragraphs: kept as text rows."""
        for table in el.iter(AKN + "table"):
            self.table(table)

    def item_paragraph(
        self,
        el: etree._Element,
        label: str,
        text_el: etree._Element | None,
        kids: list[etree._Element],
        st: BodyState,
    ) -> None:
        """A top-level paragraph numbered like a sub-paragraph ("(a)", "1.1"): an item of the
        last operative paragraph, or a decision's lettered paragraph when there is none."""
        mine = [p for p in self.doc.operative if p.part == st.part]
        if mine:
            mine[-1].items = self.items(mine[-1].id, [el], mine[-1].items)
            return
        lead, rich = self.paragraph_text(el, text_el) if text_el is not None else ("", "")
        key = label.strip("().") or "t"
        anchor = ra(el, "anchor") or anchors.lettered_operative(key, st.prefix)
        self.taken.add(anchor)
        para = Paragraph(id=anchor, number=label, rich=rich, line=line_of(el), lead=lead,
                         heading=self.take_heading(st), part=st.part)  # fmt: skip
        para.items = self.items(anchor, kids)
        self.doc.operative.append(para)

    def loose_paragraph(
        self,
        el: etree._Element,
        text_el: etree._Element | None,
        st: BodyState,
        kids: list[etree._Element] | None = None,
    ) -> None:
        """An unnumbered operative paragraph (a decision in one sentence; among numbered
        ones, a quirk of the UN's XML, shown where it stands)."""
        lead, rich = self.paragraph_text(el, text_el) if text_el is not None else ("", "")
        if not rich and not kids:
            return
        st.unnumbered += 1
        k = st.unnumbered
        anchor = ra(el, "anchor") or anchors.unnumbered_operative(k, st.prefix)
        self.taken.add(anchor)
        st.loose += 1
        para = Paragraph(id=anchor, number="", rich=rich, line=line_of(el), lead=lead,
                         heading=self.take_heading(st), part=st.part)  # fmt: skip
        para.items = self.items(anchor, kids or [])
        self.doc.operative.append(para)

    def attach_items(self, el: etree._Element, st: BodyState) -> None:
        mine = [p for p in self.doc.operative if p.part == st.part]
        if mine:
            mine[-1].items = self.items(mine[-1].id, [el], mine[-1].items)
        else:
            self.loose_paragraph(el, el.find(AKN + "p"), st)

    def table(self, el: etree._Element) -> None:
        rows = []
        for tr in el.iter(AKN + "tr"):
            cells = [self.reader.rich(c) for c in tr]
            rows.append(" | ".join(c for c in cells if c))
        text = " / ".join(r for r in rows if r)
        if text:
            self.doc.unclassified.append(Loose(id=anchors.unclassified(len(self.doc.unclassified)
                                                                       + 1), rich=text,
                                               line=line_of(el)))  # fmt: skip
            self.warn("a table is shown as text rows (unclassified)", el)

    def unclassified(self, el: etree._Element) -> None:
        for p in el.findall(f"{AKN}content/{AKN}p"):
            anchor = ra(el, "anchor") or anchors.unclassified(len(self.doc.unclassified) + 1)
            self.doc.unclassified.append(Loose(id=anchor, rich=self.reader.rich(p),
                                               line=line_of(el)))  # fmt: skip

    def warn(self, message: str, el: etree._Element) -> None:
        self.reader.warnings.append(ContentError(self.rel, message, line_of(el)))

    # ------------------------------------------------------------------ the rest

    def conclusions(self, el: etree._Element) -> None:
        for p in el:
            if local(p) != "p":
                continue
            if ra(p, "role") == "uncited-notes":
                self.reader.notes.uncited = True
                self.reader.rich(p)
                self.reader.notes.uncited = False
                continue
            if ra(p, "anchor"):
                self.doc.closing.append(_loose_of(p, self.reader))
                continue
            for k, line in enumerate(self.reader.rich_lines(p)):
                if line:
                    self.doc.closing.append(Loose(id=anchors.closing(len(self.doc.closing) + 1),
                                                  rich=line, line=line_of(p) + k))  # fmt: skip

    def attachments(self, el: etree._Element) -> None:
        for att in el.iter(AKN + "attachment"):
            inner = next((c for c in att if local(c) in DOCUMENT_TYPES), att)
            k = len(self.doc.attachments) + 1
            attachment = Attachment(id=ra(att, "anchor") or anchors.attachment(k), title="",
                                    header=[], paragraphs=[], line=line_of(att))  # fmt: skip
            self.doc.attachments.append(attachment)
            preface = inner.find(AKN + "preface")
            if preface is not None:
                for p in preface:
                    text = plain(self.reader.rich(p))
                    if ra(p, "role") == "header":
                        attachment.header.append(text)
                    elif ra(p, "role") == "title" or not attachment.title:
                        attachment.title = text
            body = inner.find(AKN + "mainBody")
            if body is not None:
                self.attachment_body(attachment, body)

    def attachment_body(self, att: Attachment, el: etree._Element) -> None:
        """An annex's paragraphs: numbered ones att1-p4, the others (headings too) att1-t2."""
        for child in el:
            tag = local(child)
            if tag in HIERARCHY and child.get("name") != "empty" or tag in ("list", "blockList"):
                num = child.find(AKN + "num")
                heads = [num] if num is not None else []
                heads += [c for c in child if local(c) in ("heading", "subheading")]
                text = " ".join(plain(self.reader.rich(h)) for h in heads).strip()
                if text:
                    self.attachment_paragraph(att, child, "", text)
                self.attachment_body(att, child)
            elif tag == "paragraph" and ra(child, "role") == "heading":
                continue
            elif tag in ("paragraph", "point", "item"):
                num = child.find(AKN + "num")
                label = _collapse(plain(self.reader.rich(num))) if num is not None else ""
                text_el, kids = _text_and_children(child)
                heads = [c for c in child if local(c) in ("heading", "subheading")]
                rich = " ".join(self.reader.rich(h) for h in heads)
                if text_el is not None:
                    rich = f"{rich} {self.reader.rich(text_el)}".strip()
                if ITEM.match(label) and att.paragraphs:
                    last = att.paragraphs[-1]
                    last.items = self.items(last.id, [child], last.items)
                    continue
                para = self.attachment_paragraph(att, child, label, rich)
                if para is not None:
                    para.items = self.items(para.id, kids)
                self.tables_in(child)
            elif tag == "table":
                self.table(child)
            elif tag == "p":
                self.attachment_paragraph(att, child, "", self.reader.rich(child))
            elif tag in ("container", "blockContainer", "tblock", "div"):
                self.attachment_body(att, child)
            elif tag in ("crossHeading", "heading", "subheading"):
                self.attachment_paragraph(att, child, "", self.reader.rich(child))

    def attachment_paragraph(
        self, att: Attachment, el: etree._Element, label: str, rich: str
    ) -> Paragraph | None:
        if not rich and not label:
            return None
        number = label.rstrip(".") if label.rstrip(".").isdigit() else label
        if number:
            anchor = ra(el, "anchor") or anchors.unique(
                anchors.attachment_paragraph(att.id, number),
                {p.id for p in att.paragraphs},
                line_of(el),
            )
        else:
            k = sum(1 for p in att.paragraphs if not p.number) + 1
            anchor = ra(el, "anchor") or anchors.attachment_text(att.id, k)
        para = Paragraph(id=anchor, number=number, rich=rich, line=line_of(el))
        att.paragraphs.append(para)
        return para


def _text_and_children(el: etree._Element) -> tuple[etree._Element | None, list[etree._Element]]:
    """The element holding a paragraph's own text (its <content>, <intro>, or first <p>),
    and the children that are its sub-paragraphs."""
    text_el = None
    kids = []
    for child in el:
        tag = local(child)
        if tag in ("content", "intro", "listIntroduction") and text_el is None:
            text_el = child
        elif tag == "p" and text_el is None:
            text_el = child
        elif tag in (
            "point",
            "item",
            "paragraph",
            "list",
            "blockList",
            "sublist",
            "indent",
            "alinea",
        ):
            kids.append(child)
        elif tag in ("wrapUp",):
            kids.append(child)
    if text_el is None:  # "1." then a list whose intro is the paragraph's text (the UN's)
        for k, kid in enumerate(kids):
            intro = next((c for c in kid if local(c) in ("intro", "listIntroduction")), None)
            if local(kid) in ("list", "blockList") and intro is not None:
                text_el = intro
                kids = kids[:k] + [c for c in kid if c is not intro] + kids[k + 1 :]
                break
    if text_el is not None and local(text_el) == "content":
        ps = [c for c in text_el if local(c) == "p"]
        lists = [c for c in text_el if local(c) in ("blockList", "list")]
        kids = lists + kids
        if len(ps) == 1:
            text_el = ps[0]
    elif text_el is not None and local(text_el) == "intro":
        ps = [c for c in text_el if local(c) == "p"]
        text_el = ps[0] if len(ps) == 1 else text_el
    return text_el, kids


def _number(label: str) -> str:
    """The number of a printed label: "7." -> "7", "l." (the digit 1 misread) -> "l"; an item
    label stays as printed ("a)")."""
    bare = label.rstrip(".")
    return bare if bare.isdigit() or bare == "l" else label


def _loose_of(p: etree._Element, reader: Reader) -> Loose:
    return Loose(id=ra(p, "anchor") or "", rich=reader.rich(p), line=line_of(p),
                 number=ra(p, "number") or "")  # fmt: skip


# --------------------------------------------------------------------------- entry point


def read_akn(data: bytes, rel: str, stem: str) -> tuple[list[Document], list[ContentError]]:
    """The documents of one AKN file (one: a collection is one document with parts), and
    the warnings of reading it. Raises ContentError for a file that is no AKN."""
    root = parse_xml(data, rel)
    if local(root) != "akomaNtoso" or not root.tag.startswith(AKN):
        raise ContentError(
            rel,
            f"not Akoma Ntoso 3.0: the root element is <{root.tag}> "
            f"(expected <akomaNtoso> in {AKN[1:-1]})",
            source_line(root) or 1,
        )
    main = next((c for c in root if local(c) in DOCUMENT_TYPES), None)
    if main is None:
        kinds = ", ".join(f"<{local(c)}>" for c in root) or "nothing"
        raise ContentError(
            rel,
            f"Akoma Ntoso document of a type we do not read ({kinds}; "
            f"we read {', '.join(DOCUMENT_TYPES)})",
            source_line(next(iter(root), root)) or 1,
        )
    language = main.find(f"{AKN}meta/{AKN}identification/{AKN}FRBRExpression/{AKN}FRBRlanguage")
    if language is None:
        language = main.find(f"{AKN}meta//{AKN}FRBRlanguage")
    code = language_code(language.get("language", "")) if language is not None else None
    if code is None:
        shown = language.get("language") if language is not None else "none"
        raise ContentError(
            rel,
            f"FRBRlanguage {shown!r} is no language of data/ (akn_language in data/<lang>.yaml)",
            line_of(main),
        )
    record = main.find(f"{AKN}meta/{AKN}proprietary/{RAQ}document")
    reader = Reader(rel)
    doc = Document(id="", source=rel, language=code, kind=KINDS.get(main.get("name", ""), ""),
                   title="")  # fmt: skip
    dr = DocumentReader(
        rel, stem, lang(code), record is not None, reader, doc, lines=data.count(b"\n") + 1
    )
    _read_main(dr, main, record)
    doc.footnotes = sorted(reader.notes.found, key=footnote_order)
    if not dr.own:
        loose = [p for p in doc.operative if not p.number]
        if loose and any(p.number for p in doc.operative):
            shown = ", ".join(p.id for p in loose[:3]) + (", ..." if len(loose) > 3 else "")
            reader.warnings.append(ContentError(rel, (
                f"{len(loose)} unnumbered paragraph(s) among numbered ones, shown where they "
                f"stand as {shown} (a quirk of the XML)"), loose[0].line))  # fmt: skip
    return [doc], reader.warnings


def _read_main(dr: DocumentReader, main: etree._Element, record: etree._Element | None) -> None:
    doc, reader, lang_ = dr.doc, dr.reader, dr.lang
    cover = main.find(AKN + "coverPage")
    preface = main.find(AKN + "preface")
    if record is not None:
        _read_record(doc, record)
        if cover is not None:
            for child in cover:
                if local(child) == "p":
                    doc.header.append(_loose_of(child, reader))
                elif child.get("name") in ("context", "report"):
                    target = doc.context if child.get("name") == "context" else doc.report
                    target += [_loose_of(p, reader) for p in child if local(p) == "p"]
        if preface is not None:  # the title's footnotes, as the document cites them
            title = preface.find(f"{AKN}p/{AKN}docTitle")
            if title is not None:
                reader.rich(title)
    else:
        mast = _masthead(main, cover, preface, reader, lang_)
        fill_metadata(doc, mast)
        formula = main.find(f"{AKN}preamble/{AKN}formula")
        if formula is None:
            formula = main.find(f".//{AKN}preamble/{AKN}formula")
        if formula is not None:
            doc.formula = plain(reader.rich(formula)).strip("* ")
            m = lang_.formula.match(doc.formula)
            if m:
                doc.body = m.group("body").strip()
        fill_organization(doc, mast, lang_)
        work_date = main.find(f"{AKN}meta/{AKN}identification/{AKN}FRBRWork/{AKN}FRBRdate")
        if work_date is not None and work_date.get("name") == "adoption":
            doc.date = work_date.get("date", doc.date)
        doc.kind = doc.kind or "resolution"
    statements = [main]
    if local(main) == "documentCollection":
        # its statements sit in <components>, inside it or beside it (the UN's)
        parent = main.getparent()
        holders = (main if parent is None else parent).iter(AKN + "components")
        statements = [c for holder in holders for comp in holder if local(comp) == "component"
                      for c in comp if local(c) in DOCUMENT_TYPES]  # fmt: skip
    many = len(statements) > 1
    for statement in statements:
        _read_statement(dr, statement, main, many)
    conclusions = main.find(AKN + "conclusions")
    if local(main) == "documentCollection" and conclusions is not None:
        dr.conclusions(conclusions)
    attachments = main.find(AKN + "attachments")
    if attachments is not None:
        dr.attachments(attachments)
    if record is None:
        doc.line = source_line(main) or 1
        doc.end = dr.lines
        doc.id = anchors.document_id(doc.symbol, doc.language, dr.stem, doc.label, multi=False)


def _read_statement(
    dr: DocumentReader, statement: etree._Element, main: etree._Element, many: bool
) -> None:
    doc, reader = dr.doc, dr.reader
    st = BodyState()
    part_record = statement.find(f"{AKN}meta/{AKN}proprietary/{RAQ}part")
    if part_record is not None:
        label = part_record.get("label")
        if label is not None:
            rich = ""
            title = statement.find(f"{AKN}preface/{AKN}p/{AKN}docTitle")
            if title is not None:
                rich = reader.rich(title)
            doc.parts.append(
                Part(
                    id=part_record.get("anchor", anchors.part(label)),
                    label=label,
                    title=part_record.get("title", plain(rich)),
                    formula=part_record.get("formula", ""),
                    line=int(part_record.get("line", "0")),
                    rich=rich,
                )
            )
            st = BodyState(prefix=anchors.part_prefix(label), part=label)
    elif (
        statement is not main
        and not dr.own
        and statement.find(f"{AKN}meta/{AKN}proprietary/{RAQ}unclassified") is None
    ):
        label_el = statement.find(f"{AKN}preface/{AKN}p/{AKN}docNumber")
        title_el = statement.find(f"{AKN}preface/{AKN}p/{AKN}docTitle")
        label = plain(reader.rich(label_el)).rstrip(".") if label_el is not None else ""
        formula_el = statement.find(f"{AKN}preamble/{AKN}formula")
        formula = plain(reader.rich(formula_el)).strip("* ") if formula_el is not None else ""
        if label:
            rich = reader.rich(title_el) if title_el is not None else ""
            doc.parts.append(
                Part(
                    id=anchors.part(label),
                    label=label,
                    title=plain(rich),
                    formula=formula,
                    line=line_of(statement),
                    rich=rich,
                )
            )
            st = BodyState(prefix=anchors.part_prefix(label) if many else "", part=label)
        if not doc.formula and formula:
            doc.formula = formula
    seen: set[str] = set()
    for child in statement:  # in order: the UN's XML may hold two preambles and two bodies
        tag = local(child)
        if tag in ("preamble", "mainBody") and tag in seen:
            dr.warn(f"a second <{tag}>: read where it stands", child)
        seen.add(tag)
        if tag == "preamble":
            dr.preamble(child, st)
        elif tag == "mainBody":
            dr.body(child, st)
    if st.heading:
        doc.unclassified.append(Loose(id=anchors.unclassified(len(doc.unclassified) + 1),
                                      rich=st.heading, line=0))  # fmt: skip
    conclusions = statement.find(AKN + "conclusions")
    if conclusions is not None:
        dr.conclusions(conclusions)
    if statement is not main:
        attachments = statement.find(AKN + "attachments")
        if attachments is not None:
            dr.attachments(attachments)


def _masthead(
    main: etree._Element,
    cover: etree._Element | None,
    preface: etree._Element | None,
    reader: Reader,
    lang_: Lang,
) -> Masthead:
    """The cover page's lines and the preface's, read as a masthead is (masthead.py)."""
    blocks = []
    for holder in (cover, preface):
        if holder is None:
            continue
        for p in holder:
            if local(p) not in ("p", "longTitle", "container"):
                continue
            rich = reader.rich(p)
            if rich:
                line = line_of(p)
                blocks.append(Block(kind="text", rich=rich, line=line, end=line, lines=[rich]))
    return read_masthead(blocks, lang_)


def _read_record(doc: Document, record: etree._Element) -> None:
    """Our export's record of the document's fields."""
    for el in record:
        if el.tag == RAQ + "field":
            name, value = el.get("name", ""), el.text or ""
            setattr(doc, name, int(value) if name in ("line", "end") else value)
        elif el.tag == RAQ + "sponsor":
            doc.sponsors.append(el.text or "")
