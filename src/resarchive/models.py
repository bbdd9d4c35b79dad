"""Typed models passed between the pipeline stages.

Stage: model (shared by every stage). May import: the standard library.

read -> SourceText -> clean -> list[Line] -> segment -> list[Block] -> parse -> list[Document]
-> render / index / export.  Every stage is a pure function of the previous stage's models.

Text fields come in two forms:
- ``rich``: the printed text with two kinds of inline markup our renderer understands:
  ``*italic*`` (markdown emphasis, literal asterisks escaped as ``\\*``) and footnote
  markers ``\\ue000MARK\\ue001``;
- ``text``: the same without markup: what search indexes and the export's ``text`` holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
MARKER_RE = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}]*){MARK_CLOSE}")
_EMPHASIS_RE = re.compile(r"(?<!\\)\*")


def marker(mark: str) -> str:
    """The internal form of a footnote marker, e.g. marker("3")."""
    return f"{MARK_OPEN}{mark}{MARK_CLOSE}"


# what markdown-it's emphasis and escape rules, and its normalizing of the input, act on
# (render.py, akn_write.py): a rich text without any of them renders as one run of text
MARKDOWN_RE = re.compile(r"[*_\\\r\0]")


@lru_cache(maxsize=1 << 16)  # the parser asks a line's text again and again (10 % of it)
def plain(rich: str) -> str:
    """Rich text without markup: markers dropped, emphasis stars dropped, escapes undone."""
    text = MARKER_RE.sub("", rich)
    text = _EMPHASIS_RE.sub("", text)
    return text.replace("\\*", "*").replace("\\\\", "\\")


def markers_in(rich: str) -> list[str]:
    return MARKER_RE.findall(rich)


class RichText:
    """A model with rich text (``rich``) and its plain form (``text``)."""

    rich: str

    @property
    def text(self) -> str:
        return plain(self.rich)


@dataclass(frozen=True)
class SourceText:
    """One content file as read from disk."""

    path: Path  # absolute path
    rel: str  # path relative to the content folder, with forward slashes
    text: str


@dataclass(frozen=True)
class Line:
    """A cleaned line, with its 1-based line number in the source file."""

    no: int
    text: str  # rich text
    hint: str = ""  # "heading" (markdown #, bold) or "" ; a hint, never a verdict


@dataclass
class Block(RichText):
    """A run of lines that reads as one unit: a paragraph, a heading, a footnote text.

    kind: "text" | "footnote" | "runninghead" | "rule"
    """

    kind: str
    rich: str
    line: int  # first source line
    end: int  # last source line
    mark: str = ""  # footnote blocks: the marker ("1", "*")
    hint: str = ""
    joined_from: list[int] = field(default_factory=list)  # lines of page-break joins
    lines: list[str] = field(default_factory=list)  # the printed lines, unjoined


@dataclass
class Item(RichText):
    """A lettered or roman sub-paragraph: op7-a, pp11-b, op3-a-ii."""

    id: str
    label: str  # as printed: "a)", "(iv)"
    rich: str
    line: int
    lead: str = ""
    items: list[Item] = field(default_factory=list)


@dataclass
class Paragraph(RichText):
    """A preambular or operative paragraph, or a numbered paragraph of an attachment."""

    id: str
    number: str  # printed number without its dot ("7"), "" for unnumbered paragraphs
    rich: str
    line: int
    lead: str = ""  # the lead phrase ("Prie instamment"), rendered in italics
    items: list[Item] = field(default_factory=list)
    # the section heading printed just before this paragraph ("I", "A. ..."), in rich text;
    # its lines ("\n"): a title, then perhaps the section's own preamble ("Recalling ...,")
    heading: str = ""
    part: str = ""  # the part of a collection it belongs to ("A", "B"), "" in a single text


@dataclass
class Footnote(RichText):
    id: str  # fn1, fn-star
    mark: str  # as printed: "1", "*"
    rich: str
    line: int
    cited: bool = True  # False: no marker for it was found in the text


@dataclass
class Attachment:
    """An annex, attachment or appended list (a provisional agenda, an interpretative statement)."""

    id: str  # att1
    title: str
    header: list[str]  # lines printed above the title (symbol, date, "Attachment", ...)
    paragraphs: list[Paragraph]
    line: int


@dataclass
class Part(RichText):
    """One resolution of a collection printed under one symbol ("A/RES/77/264 A-C"): its
    paragraphs stay in the document's preamble and operative lists, marked with its label."""

    id: str  # part-a
    label: str  # as printed: "A"
    title: str
    formula: str  # its own enacting formula ("The General Assembly,")
    line: int
    rich: str = ""  # the title with its markers (and the label's: "B¹")


@dataclass
class Loose(RichText):
    """Text kept on the page but outside the resolution proper: report text, unclassified."""

    id: str
    rich: str
    line: int
    number: str = ""


class Citation(NamedTuple):
    """A resolution or decision a document cites (references.py), by where it is printed.
    A named tuple, not a dataclass: a rebuild unpickles every document's citations (125,000
    at 311,000 paragraphs), which took 0.45 s as dataclasses and 0.1 s as tuples."""

    anchor: str  # the paragraph, item, footnote or attachment paragraph printing it: op7-a
    symbol: str  # what it cites: "A/RES/77/125"
    paragraph: str = ""  # the cited paragraph, when printed ("paragraph 5 of"): "op5"
    organ: str = ""  # who adopted it (references.py's codes: "GA", "SC" ...)
    text: str = ""  # as printed: "paragraph 5 of its resolution 77/1", "76/2"


@dataclass(frozen=True)
class Wording:
    """The wording of one paragraph or sub-paragraph, as "agreed language" compares it
    (wording.py): a digest of its normalized text and the hashes of its word pairs."""

    anchor: str  # pp3, op7, op7-a
    key: int  # equal keys: identical wording
    shingles: bytes  # array("I") of the sorted distinct word-pair hashes
    words: int


@dataclass
class Document:
    """One resolution, decision or draft, with everything printed for it."""

    id: str
    source: str  # content file, relative to the content folder
    language: str
    kind: str  # draft-resolution, revised-draft-resolution, resolution, decision, draft-decision
    title: str
    symbol: str = ""
    number: str = ""  # "33/1", "7/17", "I" (projet de résolution I)
    label: str = ""  # the printed document heading: "Projet de résolution I", "DÉCISION N° 7/17"
    date: str = ""  # ISO 8601
    body: str = ""  # issuing body, as in the enacting formula: "Assemblée générale"
    organization: str = ""  # UN, OSCE
    organ: str = ""  # parent organ printed in the masthead ("Conseil économique et social")
    sponsors: list[str] = field(default_factory=list)
    session: str = ""
    agenda_item: str = ""
    agenda_title: str = ""
    place: str = ""
    distribution: str = ""
    original_language: str = ""
    header: list[Loose] = field(default_factory=list)  # masthead lines not mapped to a field
    formula: str = ""  # the enacting formula: "L'Assemblée générale,"
    preamble: list[Paragraph] = field(default_factory=list)
    operative: list[Paragraph] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    context: list[Loose] = field(default_factory=list)  # report text printed before it
    report: list[Loose] = field(default_factory=list)  # report paragraphs that carry it
    unclassified: list[Loose] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)  # a collection's parts, in order
    # lines printed after the text: the meeting and date of adoption ("41st plenary meeting")
    closing: list[Loose] = field(default_factory=list)
    line: int = 1  # first source line
    end: int = 1  # last source line
    rich_title: str = ""  # the title with its markers
    # the resolutions and decisions it cites, in order (references.py, after parse)
    citations: list[Citation] = field(default_factory=list)
    # its paragraphs' wordings (wording.py, after parse): derived, never exported as such
    wordings: list[Wording] = field(default_factory=list, repr=False)

    def paragraphs(self) -> list[Paragraph]:
        return self.preamble + self.operative

    def texts(self) -> list[tuple[str, str]]:
        """(anchor, plain text) of everything a reader cites: preambular and operative
        paragraphs and their items, footnotes, attachment paragraphs and their items."""
        out: list[tuple[str, str]] = []

        def add(paras: list[Paragraph] | list[Item]) -> None:
            for p in paras:
                out.append((p.id, p.text))
                add(p.items)

        add(self.preamble)
        add(self.operative)
        out.extend((n.id, n.text) for n in self.footnotes)
        for att in self.attachments:
            add(att.paragraphs)
        return out


@dataclass
class Group:
    """What the page prints of one part of a collection (A, B, C), or of the whole text."""

    part: Part | None
    formula: str
    preamble: list[Paragraph]
    operative: list[Paragraph]
    closing: list[Loose]


def groups(doc: Document) -> list[Group]:
    """The resolution proper cut into its parts, each with its own formula, paragraphs and
    closing lines ("47e séance plénière", date). A text without parts is one group; lines
    printed before the first part (or not matched to one) stay in a leading group."""
    if not doc.parts:
        return [Group(None, doc.formula, doc.preamble, doc.operative, doc.closing)]
    out = [Group(None, "", [], [], [])]
    by_label: dict[str, Group] = {}
    for part in doc.parts:
        out.append(Group(part, part.formula, [], [], []))
        by_label.setdefault(part.label, out[-1])
    if doc.formula and doc.formula != doc.parts[0].formula:
        out[0].formula = doc.formula
    for p in doc.preamble:
        by_label.get(p.part, out[0]).preamble.append(p)
    for p in doc.operative:
        by_label.get(p.part, out[0]).operative.append(p)
    for c in doc.closing:  # a part's closing lines follow it: the last part that starts before
        group = out[0]
        for g in out[1:]:
            if g.part is not None and g.part.line <= c.line:
                group = g
        group.closing.append(c)
    return [g for g in out if g.part or g.formula or g.preamble or g.operative or g.closing]


def to_dict(obj: Any) -> dict[str, Any]:
    """dataclass -> plain dict (as dataclasses.asdict makes it), adding ``text`` beside
    every ``rich``; without ``wordings``, derived (wording.py) and binary: what the text
    gives again. Made directly: asdict deep-copies every value, then the wordings were
    dropped (7 ms of a document's data file)."""
    out: dict[str, Any] = {
        name: _plain(getattr(obj, name)) for name in _field_names(type(obj)) if name != "wordings"
    }
    if "rich" in out:
        out["text"] = plain(out["rich"])
    return out


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    found = _FIELD_NAMES.get(cls)
    if found is None:
        found = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return found


def _plain(value: Any, text: bool = True) -> Any:
    """asdict's conversion of one value, with ``text`` beside ``rich`` in the dicts made
    (not in those within a tuple, as before)."""
    if is_dataclass(value) and not isinstance(value, type):
        out = {name: _plain(getattr(value, name), text) for name in _field_names(type(value))}
    elif isinstance(value, list):
        return [_plain(v, text) for v in value]
    elif isinstance(value, tuple):
        items = [_plain(v, False) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    elif isinstance(value, dict):
        out = {k: _plain(v, text) for k, v in value.items()}
    else:
        return value
    if text and "rich" in out:
        out["text"] = plain(out["rich"])
    return out
