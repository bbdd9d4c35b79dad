"""Stage 4, parse: the blocks of one document -> Document.

Stage: parse. May import: models, anchors, langdata, segment, masthead, paragraphs,
attachments, body.

The masthead (everything before the enacting formula) gives the metadata (masthead.py);
after the formula, the body is read in regions: each part's paragraphs by the named rules of
body.py, the closing lines ("41st plenary meeting" and the date), and what is printed after
them (annexes: attachments.py). Nothing is dropped: what fits nowhere is kept as an
"unclassified" block, shown on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import anchors
from .attachments import add_block, attachment_heading, new_attachment, opens_attachment
from .body import BodyReader, BodyState
from .langdata import Lang, common
from .masthead import Masthead, iso_date, read_masthead, title_and_header
from .models import MARKER_RE, Attachment, Block, Document, Loose, Paragraph, Part, plain
from .paragraphs import is_open, printed_number, split_lead
from .segment import NUMBER_LABEL, Span, join_lines

PART_LABEL = re.compile(r"^[A-Z]$")


def parse_document(
    span: Span, lang: Lang, source: str, stem: str, trace: list[tuple[int, str]] | None = None
) -> Document:
    """One document's blocks -> Document. ``trace``, if given, receives (line, rule name)
    for every body block: which rule of body.py placed it."""
    texts = [b for b in span.blocks if b.kind == "text"]
    formula_at, inline = _find_formula(texts, lang)
    header_blocks = (
        texts[:formula_at] if formula_at is not None else _header_without_formula(texts, lang)
    )
    body_blocks = texts[len(header_blocks) :]
    recitals = Recitals()
    if formula_at is not None:  # a connector needs the formula to go with
        header_blocks, recitals = _recitals_before_formula(header_blocks, lang, not inline)
    header_blocks, part_a = _first_part(header_blocks, formula_at is not None)
    mast = read_masthead(header_blocks, lang)
    f = mast.fields
    doc = Document(id="", source=source, language=lang.code, kind=f.get("kind", ""), title="")
    if span.heading:
        doc.kind, doc.number, doc.label = span.heading
    doc.context = [
        Loose(id=anchors.context(i + 1), rich=b.rich, line=b.line, number=printed_number(b.text))
        for i, b in enumerate(span.context)
        if b.kind == "text"
    ]
    fill_metadata(doc, mast)

    if formula_at is not None:
        formula_block = texts[formula_at]
        doc.formula = plain(formula_block.rich).strip("* ")
        if inline:
            body_blocks = texts[formula_at:]
        else:
            body_blocks = texts[formula_at + 1 :]
        m = (lang.inline_formula if inline else lang.formula).match(doc.formula)
        if m:
            doc.body = m.group("body").strip()
        if inline:
            doc.formula = ""
        elif recitals.connector is not None:  # "Now, therefore," | "The General Assembly"
            doc.formula = f"{plain(recitals.connector.rich).strip()} {doc.formula}"
    doc.preamble = [
        Paragraph(
            id=anchors.preambular(k),
            number="",
            rich=body,
            line=block.line,
            lead=lead,
            heading=recitals.heading.rich if k == 1 and recitals.heading else "",
        )
        for k, block in enumerate(recitals.paragraphs, 1)
        for lead, body in [split_lead(block.rich, lang)]
    ]
    if part_a:
        doc.parts.append(_part(part_a[0], part_a[1:], doc.formula))
    fill_organization(doc, mast, lang)
    _parse_body(
        doc, body_blocks, lang, has_formula=formula_at is not None, inline=inline, trace=trace
    )
    _fallback_metadata(doc, span.blocks, lang)
    blocks = span.blocks
    doc.line = min([b.line for b in blocks] + [c.line for c in doc.context] or [1])
    doc.end = max(b.end for b in blocks) if blocks else doc.line
    doc.id = anchors.document_id(
        doc.symbol,
        doc.language,
        stem,
        doc.label,
        multi=span.heading is not None and bool(doc.label),
    )
    return doc


def fill_metadata(doc: Document, mast: Masthead) -> None:
    """The fields the masthead printed (a heading already read from the file wins), and the
    masthead lines no field took, shown as printed."""
    f = mast.fields
    doc.number = doc.number or f.get("number", "")
    doc.label = doc.label or f.get("label", "")
    doc.kind = doc.kind or f.get("kind", "")
    doc.symbol = f.get("symbol", "")
    doc.sponsors = mast.sponsors
    doc.session = f.get("session", "")
    doc.agenda_item = f.get("agenda_item", "")
    doc.place = f.get("place", "")
    doc.distribution = f.get("distribution", "")
    doc.original_language = f.get("original_language", "")
    doc.organ = f.get("organ", "")
    doc.date = f.get("adopted_date") or f.get("printed_date", "")
    title_and_header(doc, mast, f)


def fill_organization(doc: Document, mast: Masthead, lang: Lang) -> None:
    """The organization of the body (or organ) printed, else of the masthead's name."""
    doc.organization = lang.organizations.get(doc.body, "") or lang.organizations.get(doc.organ, "")
    if not doc.organization and mast.fields.get("organization_line"):
        doc.organization = lang.organization_names.get(mast.fields["organization_line"], "")


def _first_part(header: list[Block], has_formula: bool) -> tuple[list[Block], list[Block]]:
    """A collection prints its first part's label ("A") and title just before the formula:
    (the masthead without them, [label, title...])."""
    if not has_formula:
        return header, []
    for back in (1, 2):
        if len(header) > back and PART_LABEL.match(header[-back].text.strip()):
            return header[:-back], header[-back:]
    return header, []


def is_formula(text: str, lang: Lang) -> bool:
    """ "L’Assemblée générale," — without its comma only when it names a known body (a
    collection's later parts print "The General Assembly"; a title may read "The United ...")."""
    m = lang.formula.match(text)
    if m is None:
        return False
    return bool(m.group("end")) or m.group("body").strip() in lang.organizations


def _find_formula(texts: list[Block], lang: Lang) -> tuple[int | None, bool]:
    for i, block in enumerate(texts):
        text = plain(block.rich).strip("* ")
        if len(block.lines) <= 2 and is_formula(text, lang):
            return i, False
    for i, block in enumerate(texts):
        if lang.inline_formula.match(plain(block.rich).strip("* ")):
            return i, True
    return None, False


@dataclass
class Recitals:
    """Preambular paragraphs printed before the enacting formula, as a declaration prints
    them (the Universal Declaration of Human Rights: "Preamble", "Whereas ..." seven times,
    "Now, therefore,", "The General Assembly", "Proclaims ...")."""

    paragraphs: list[Block] = field(default_factory=list)
    heading: Block | None = None  # "Preamble", printed above them
    connector: Block | None = None  # "Now, therefore,", between them and the formula


RECITALS_MIN = 2  # one preamble-like line before a formula is a masthead's, not a preamble
CONNECTOR_MAX_WORDS = 3


def _recitals_before_formula(
    header: list[Block], lang: Lang, connector: bool
) -> tuple[list[Block], Recitals]:
    """The masthead's last blocks, when they are a preamble: at least RECITALS_MIN
    paragraphs in a row, each opening with a preambular lead ("Whereas", "Considérant",
    "鉴于") and closed by its punctuation, just before the formula (or, if ``connector``, a
    short connector that goes with the formula: "Now, therefore,"), perhaps under a preamble
    heading. Else the masthead as it was."""
    end = len(header)
    found = Recitals()
    last = header[-1] if header else None
    if (
        connector
        and last is not None
        and len(last.text.split()) <= CONNECTOR_MAX_WORDS
        and last.text.endswith(",")
        and not lang.preamble_lead.match(last.text)
    ):
        found.connector, end = last, end - 1
    start = end
    while start > 0 and _is_recital(header[start - 1], lang):
        start -= 1
    if end - start < RECITALS_MIN:
        return header, Recitals()
    found.paragraphs = header[start:end]
    if start > 0 and header[start - 1].text.strip().casefold() in lang.preamble_headings:
        start -= 1
        found.heading = header[start]
    return header[:start], found


# a clause closed, then the conjunction that joins the next: "...; and", "..., y", "...; и"
_CLOSED_THEN_JOINED = re.compile(r"[,;]\s+\w{1,3}$")


def _is_recital(block: Block, lang: Lang) -> bool:
    text = block.text
    closed = not is_open(text) or _CLOSED_THEN_JOINED.search(text) is not None
    return closed and bool(lang.preamble_lead.match(text))


def _header_without_formula(texts: list[Block], lang: Lang) -> list[Block]:
    """No formula: the masthead runs to the first numbered paragraph or long paragraph."""
    for i, block in enumerate(texts):
        if NUMBER_LABEL.match(block.text) or (len(block.text.split()) > 40):
            return texts[:i]
    return texts[: min(len(texts), 1)]


def _parse_body(
    doc: Document,
    blocks: list[Block],
    lang: Lang,
    has_formula: bool,
    inline: bool = False,
    trace: list[tuple[int, str]] | None = None,
) -> None:
    """The text after the formula, in regions: the body of each part (read by the rules of
    body.py), the closing lines (meeting, date), and what is printed after them (annexes,
    a declaration)."""
    regions = _regions(blocks, lang)
    many = doc.parts or any(kind == "part" for kind, _ in regions)
    first = doc.parts[0].label if doc.parts else ""
    reader = BodyReader(
        doc,
        lang,
        has_formula=has_formula,
        inline=inline,
        formula_ends_list=doc.formula.endswith(":"),
        state=BodyState(prefix=anchors.part_prefix(first) if first else "", part=first),
        trace=trace,
    )
    for kind, region in regions:
        if kind == "closing":
            for block in region:
                doc.closing.extend(
                    Loose(id=anchors.closing(len(doc.closing) + 1), rich=line, line=block.line + k)
                    for k, line in enumerate(block.lines)
                )
        elif kind == "part":
            part = _new_part(doc, region, lang)
            reader.state = BodyState(
                prefix=anchors.part_prefix(part.label) if many else "", part=part.label
            )
        elif kind == "annex":
            reader.attachment = _annex_region(doc, region, lang, reader.attachment)
        else:
            reader.state.unnumbered = not any(NUMBER_LABEL.match(b.text) for b in region)
            reader.read_region(region)
    if reader.state.heading:  # a heading nothing followed
        doc.unclassified.append(
            Loose(
                id=anchors.unclassified(len(doc.unclassified) + 1),
                rich=reader.state.heading,
                line=0,
            )
        )


def _regions(blocks: list[Block], lang: Lang) -> list[tuple[str, list[Block]]]:
    """[(kind, blocks)]: "body" until the closing lines ("41st plenary meeting" + date),
    "closing", then either "part" (a part label, its title and formula: the next resolution
    of a collection, whose body follows) or "annex" (an annex or a declaration printed after
    the resolution, until the next part if any)."""
    out: list[tuple[str, list[Block]]] = []
    kind, current = "body", list[Block]()
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if _is_closing(block, lang) and kind in ("body", "annex"):
            out.append((kind, current))
            out.append(("closing", [block]))
            kind, current = "annex", []
            i += 1
            continue
        formula = _part_head(blocks, i, lang) if kind == "annex" or not out else None
        if formula is not None and (kind == "annex" or i == 0 and not out):
            out.append((kind, current))
            out.append(("part", blocks[i : formula + 1]))
            kind, current = "body", []
            i = formula + 1
            continue
        current.append(block)
        i += 1
    out.append((kind, current))
    return [(k, r) for k, r in out if r]


def _is_closing(block: Block, lang: Lang) -> bool:
    return bool(lang.closing.match(plain(block.lines[0]))) and len(block.lines) <= 3


def _part_head(blocks: list[Block], i: int, lang: Lang) -> int | None:
    """Index of the formula if blocks[i] opens a part: "B", its title, "The General Assembly,"."""
    if not PART_LABEL.match(blocks[i].text.strip()):
        return None
    for j in range(i + 1, min(i + 3, len(blocks))):
        if is_formula(plain(blocks[j].rich).strip("* "), lang):
            return j
    return None


def _new_part(doc: Document, region: list[Block], lang: Lang) -> Part:
    label, *rest = region
    formula = plain(rest[-1].rich).strip("* ") if rest else ""
    part = _part(label, rest[:-1], formula)
    doc.parts.append(part)
    return part


def _part(label: Block, title: list[Block], formula: str) -> Part:
    marks = "".join(m.group(0) for m in MARKER_RE.finditer(label.rich))
    rich = join_lines([b.rich for b in title])
    return Part(
        id=anchors.part(label.text),
        label=label.text.strip(),
        title=plain(rich),
        formula=formula,
        line=label.line,
        rich=(marks + " " + rich).strip(),
    )


def _annex_region(
    doc: Document, blocks: list[Block], lang: Lang, attachment: Attachment | None
) -> Attachment | None:
    """Text printed after the closing lines is an annex, even without an "Annex" heading."""
    for k, block in enumerate(blocks):
        opens = opens_attachment(block, lang)
        if k == 0 or attachment is None or opens and attachment.paragraphs:
            attachment = new_attachment(doc, block.line)
            if opens:
                attachment_heading(attachment, block, lang)
                continue
        add_block(attachment, block, lang)
    return attachment


def _fallback_metadata(doc: Document, blocks: list[Block], lang: Lang) -> None:
    """What the masthead did not print may stand elsewhere: an attachment's header (OSCE)
    or the report paragraph that records a decision."""
    if not doc.symbol:
        for att in doc.attachments:
            for line in att.header:
                if common().symbol.match(line):
                    doc.symbol = line
                    break
    if not doc.date:
        for att in doc.attachments:
            for line in att.header:
                if iso_date(line, lang) and re.fullmatch(r"\d{1,2}\s+\S+\s+\d{4}", line):
                    doc.date = iso_date(line, lang)
                    break
    for loose in doc.report:
        m = lang.reported_decision_date.match(plain(loose.rich))
        if m and not doc.date:
            doc.date = iso_date(m.group("date"), lang)
        m = lang.reported_decision_body.search(plain(loose.rich))
        if m and not doc.body:
            doc.body = m.group("body").strip()
            doc.organization = doc.organization or lang.organizations.get(doc.body, "")
