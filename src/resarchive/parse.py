"""Stage 4, parse: the blocks of one document -> Document.

The masthead (everything before the enacting formula) gives the metadata; after the formula,
unnumbered paragraphs are preambular, numbered ones operative, lettered ones their
sub-paragraphs; an attachment heading opens an attachment. Nothing is dropped: what fits
nowhere is kept as an "unclassified" block, shown on the page.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from .langdata import Lang, all_months, common
from .models import (
    MARK_OPEN,
    MARKER_RE,
    Attachment,
    Block,
    Document,
    Item,
    Loose,
    Paragraph,
    Part,
    plain,
)
from .segment import ITEM_LABEL, NUMBER_LABEL, Span, document_heading, join_lines

ROMAN = re.compile(r"^[ivxl]+$")
HEADING_MAX_WORDS = 16
# "Achieving sustainable fisheries" is a heading; "Having received the report of the Agency"
# (its comma forgotten) a preambular paragraph
PREAMBLE_HEADING_MAX_WORDS = 6


# --- small helpers ----------------------------------------------------------------------


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def iso_date(text: str, lang: Lang) -> str:
    """"13 avril 2018" -> "2018-04-13" (month names of every language); "" if none."""
    months = all_months()
    for m in re.finditer(r"(\d{1,2})(?:er|ᵉʳ|st|nd|rd|th)?\s+([A-Za-zéûÉÛ]+)\s+(\d{4})", text):
        month = months.get(m.group(2).lower())
        if month:
            try:
                return datetime.date(int(m.group(3)), month, int(m.group(1))).isoformat()
            except ValueError:
                continue
    return ""


def _is_open(text: str) -> bool:
    return not text.rstrip().endswith((".", ",", ";", ":", "!", "?", "»", "”"))


def _is_heading_like(block: Block) -> bool:
    text = block.text
    return (block.hint == "heading" or _is_open(text)) and len(text.split()) <= HEADING_MAX_WORDS


def split_lead(rich: str, lang: Lang, printed_only: bool = False) -> tuple[str, str]:
    """(lead, rich without the lead's italics). Printed italics win; else the language's
    lead words: the first word, a second one after "Se", "Prenant"..., then modifiers.
    Sub-paragraphs take only printed italics (their infinitives are not lead phrases)."""
    whole = re.fullmatch(r"\*((?:[^*\\]|\\.)+)\*([\s\S]*)", rich)
    if whole:
        inner, rest = whole.group(1), whole.group(2)
        if rest.strip(" ,;:." + MARK_OPEN) and not rest.startswith(("'", "’")):
            return plain(inner).strip(), inner + rest
        rich = inner + rest  # the whole paragraph was italic: a converter's artefact
    if printed_only:
        return "", rich
    text = plain(rich)
    m = re.match(r"[A-ZÀ-Ý][\w’'-]*", text)
    if not m:
        return "", rich
    lead = m.group(0)
    rest = text[len(lead):]
    if lead in lang.lead_heads or lead + " " in [h + " " for h in lang.lead_heads]:
        nxt = re.match(r"\s+([\w’'-]+)", rest)
        if nxt:
            lead += nxt.group(0)
            rest = rest[len(nxt.group(0)):]
    if lead.endswith(("’", "'")):  # "S’affirmant": the elided pronoun and its verb
        nxt = re.match(r"([\w-]+)", rest)
        if nxt:
            lead += nxt.group(0)
            rest = rest[len(nxt.group(0)):]
    while True:
        for mod in lang.lead_modifiers:
            if re.match(rf"\s+{re.escape(mod)}(?=[\s,;:]|$)", rest):
                sp = re.match(rf"\s+{re.escape(mod)}", rest).group(0)  # type: ignore[union-attr]
                lead += sp
                rest = rest[len(sp):]
                break
        else:
            break
    return lead, rich


# --- masthead ---------------------------------------------------------------------------


@dataclass
class Masthead:
    fields: dict[str, str] = field(default_factory=dict)
    sponsors: list[str] = field(default_factory=list)
    groups: list[tuple[int, str, str]] = field(default_factory=list)  # (line, role, rich)


def read_masthead(blocks: list[Block], lang: Lang) -> Masthead:
    """Classify masthead lines; lines no pattern knows are grouped (a wrapped title)."""
    out = Masthead()
    symbol = common().symbol
    pending: list[str] = []
    pending_line = 0
    after_agenda = False

    def flush():
        nonlocal pending, after_agenda
        if pending:
            role = "agenda_title" if after_agenda else "text"
            out.groups.append((pending_line, role, join_lines(pending)))
            after_agenda = False
        pending = []

    for block in blocks:
        last_role = ""
        for offset, line in enumerate(block.lines):
            no = block.line + offset
            text = plain(line)
            role = _masthead_line(text, lang, symbol, out)
            if role is None and last_role == "numbered_title":  # a title wrapped over lines
                out.fields["title"] += " " + text
                out.fields["rich_title_line"] += " " + line
                continue
            last_role = role or ""
            if role is None:
                if not pending:
                    pending_line = no
                pending.append(line)
                continue
            flush()
            if role == "numbered_title":  # keep the title's footnote markers
                out.fields["rich_title_line"] = line
            if role == "agenda":
                after_agenda = True
            out.groups.append((no, role, line))
        flush()
    return out


def _masthead_line(text: str, lang: Lang, symbol: re.Pattern, out: Masthead) -> str | None:
    f = out.fields
    agenda = dict(lang.masthead)["agenda"].search(text)
    if agenda:
        f.setdefault("agenda_item", agenda.group("value"))
    heading = document_heading(text, lang)
    if heading:
        f.setdefault("kind", heading[0])
        if heading[1]:
            f.setdefault("number", heading[1])
        f.setdefault("label", text)
        return "label"
    m = lang.numbered_title.match(text)
    if m and not f.get("title"):
        f["number"], f["title"], f["rich_title_line"] = m.group("number"), m.group("title"), text
        return "numbered_title"
    m = lang.sponsors.match(text)
    if m:
        out.sponsors = [s for s in lang.sponsor_separators.split(m.group("sponsors")) if s]
        f.setdefault("kind", lang.kinds.get(m.group("kind").lower(), ""))
        return "sponsors"
    if symbol.match(text):
        f.setdefault("symbol", text)
        return "symbol"
    words = text.split()
    if len(words) > 1 and symbol.match(words[-1]):  # "Nations Unies E/CN.15/2018/L.3"
        f.setdefault("symbol", words[-1])
        head = " ".join(words[:-1])
        if dict(lang.masthead)["organization"].match(head):
            f.setdefault("organization_line", head)
        return "symbol"
    for name, pattern in lang.masthead:
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groupdict()
        if name == "distribution":
            f.setdefault("distribution", groups["distribution"])
            rest = groups.get("rest") or ""
            if iso_date(rest, lang):
                f.setdefault("printed_date", iso_date(rest, lang))
        elif name == "date":
            f.setdefault("printed_date", iso_date(text, lang))
        elif name == "adopted":
            f.setdefault("adopted_date", iso_date(groups["date"], lang))
            f.setdefault("kind", "resolution")
        elif name == "meeting":
            f.setdefault("session", groups["session"])
        elif name == "organization":
            f.setdefault("organization_line", groups["value"])
        elif "value" in groups and name not in ("agenda",):
            f.setdefault(name, groups["value"])
        return name
    if agenda:
        return "agenda"
    if text in lang.organizations:  # "Conseil économique et social": an organ in the masthead
        f.setdefault("organ" if "organ" not in f else "masthead_body", text)
        return "organ"
    return None


# --- body -------------------------------------------------------------------------------


@dataclass
class BodyState:
    """Where the body parser stands within one part (a single text is one part)."""

    zone: str = "preamble"  # preamble | operative | attachment
    heading: str = ""
    runs: int = 0  # how many times operative numbering restarted at 1
    last_number: int = 0
    numbered: int = 0  # numbered operative paragraphs seen so far in this part
    prefix: str = ""  # id prefix of the part's paragraphs: "b-"
    part: str = ""  # the part's label
    # the part numbers no paragraph: operative verbs open its operative part
    unnumbered: bool = False


def _item_label(text: str) -> tuple[str, str] | None:
    m = ITEM_LABEL.match(text)
    if not m:
        return None
    label = m.group(0).strip()
    return label, text[m.end():].lstrip()


def _strip_label(rich: str, label_len: int) -> str:
    """Drop the printed label from rich text (markup-safe: labels hold no markup)."""
    return rich[label_len:].lstrip()


def _add_item(parent_items: list[Item], parent_id: str, label: str, rich: str, line: int,
              lang: Lang) -> None:
    """Add a sub-paragraph. "i)" after a letter other than "h)" opens a roman list nested
    in the previous item; later roman labels continue it. "l)" after "k)" is a letter."""
    key = label.strip("().")
    last = parent_items[-1] if parent_items else None
    last_key = last.label.strip("().") if last is not None else ""
    continues_roman = bool(last is not None and last.items and ROMAN.match(key)
                           and ROMAN.match(last.items[-1].label.strip("()")))
    opens_roman = key == "i" and last is not None and last_key not in ("h", "") \
        and not ROMAN.match(last_key)
    nested = continues_roman or opens_roman
    lead, rich = split_lead(rich, lang, printed_only=True)
    if nested and last is not None:
        last.items.append(Item(id=f"{last.id}-{key}", label=label, rich=rich, line=line,
                               lead=lead))
        return
    ids = {i.id for i in parent_items}
    item_id = f"{parent_id}-{key}"
    n = 2
    while item_id in ids:
        item_id = f"{parent_id}-{key}{n}"
        n += 1
    parent_items.append(Item(id=item_id, label=label, rich=rich, line=line, lead=lead))


def parse_document(span: Span, lang: Lang, source: str, stem: str) -> Document:
    texts = [b for b in span.blocks if b.kind == "text"]
    formula_at, inline = _find_formula(texts, lang)
    header_blocks = texts[:formula_at] if formula_at is not None \
        else _header_without_formula(texts, lang)
    body_blocks = texts[len(header_blocks):]
    header_blocks, part_a = _first_part(header_blocks, formula_at is not None)
    mast = read_masthead(header_blocks, lang)
    f = mast.fields
    doc = Document(id="", source=source, language=lang.code, kind=f.get("kind", ""), title="")
    if span.heading:
        doc.kind, doc.number, doc.label = span.heading
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
    doc.context = [Loose(id=f"ctx{i + 1}", rich=b.rich, line=b.line,
                         number=_printed_number(b.text))
                   for i, b in enumerate(span.context) if b.kind == "text"]
    _title_and_header(doc, mast, f)

    if formula_at is not None:
        formula_block = texts[formula_at]
        doc.formula = plain(formula_block.rich).strip("* ")
        if inline:
            body_blocks = texts[formula_at:]
        else:
            body_blocks = texts[formula_at + 1:]
        m = (lang.inline_formula if inline else lang.formula).match(doc.formula)
        if m:
            doc.body = m.group("body").strip()
        if inline:
            doc.formula = ""
    if part_a:
        doc.parts.append(_part(part_a[0], part_a[1:], doc.formula))
    doc.organization = lang.organizations.get(doc.body, "") or lang.organizations.get(doc.organ, "")
    if not doc.organization and f.get("organization_line"):
        org_line = f["organization_line"]
        doc.organization = "UN" if "Unies" in org_line or "United" in org_line else "OSCE"
    _parse_body(doc, body_blocks, lang, formula_ends_list=doc.formula.endswith(":"),
                has_formula=formula_at is not None, inline=inline)
    _fallback_metadata(doc, span.blocks, lang)
    blocks = span.blocks
    doc.line = min([b.line for b in blocks] + [c.line for c in doc.context] or [1])
    doc.end = max(b.end for b in blocks) if blocks else doc.line
    doc.id = document_id(doc, stem, multi=span.heading is not None and bool(doc.label))
    return doc


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
    """"L’Assemblée générale," — without its comma only when it names a known body (a
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


def _header_without_formula(texts: list[Block], lang: Lang) -> list[Block]:
    """No formula: the masthead runs to the first numbered paragraph or long paragraph."""
    for i, block in enumerate(texts):
        if NUMBER_LABEL.match(block.text) or (len(block.text.split()) > 40):
            return texts[:i]
    return texts[: min(len(texts), 1)]


def _title_and_header(doc: Document, mast: Masthead, f: dict[str, str]) -> None:
    groups = mast.groups
    free = [(line, rich) for line, role, rich in groups if role == "text"]
    title_rich = ""
    if f.get("title"):
        rich_line = f["rich_title_line"]
        title_rich = rich_line.split(". ", 1)[1] if ". " in rich_line else f["title"]
    elif free:
        title_rich = free[-1][1]
        free = free[:-1]
    doc.rich_title = title_rich
    doc.title = plain(title_rich)
    for _line, role, rich in groups:
        if role == "agenda_title":
            doc.agenda_title = plain(rich)
    shown = {"label", "numbered_title", "sponsors"}
    used_title = False
    for line, role, rich in groups:
        if role in shown:
            continue
        if role == "text" and rich == title_rich and not used_title and not f.get("title"):
            used_title = True
            continue
        # every other masthead line stays visible on the page, as printed
        doc.header.append(Loose(id=f"h{len(doc.header) + 1}", rich=rich, line=line, number=role))


def _parse_body(doc: Document, blocks: list[Block], lang: Lang, formula_ends_list: bool,
                has_formula: bool, inline: bool = False) -> None:
    """The text after the formula, in regions: the body of each part, the closing lines
    (meeting, date), and what is printed after them (annexes, a declaration)."""
    regions = _regions(blocks, lang)
    many = doc.parts or any(kind == "part" for kind, _ in regions)
    prefix = f"{slug(doc.parts[0].label)}-" if doc.parts else ""
    st = BodyState(prefix=prefix, part=doc.parts[0].label if doc.parts else "")
    attachment: Attachment | None = None
    for kind, region in regions:
        if kind == "closing":
            for block in region:
                doc.closing.extend(Loose(id=f"c{len(doc.closing) + 1}", rich=line,
                                         line=block.line + k) for k, line in enumerate(block.lines))
        elif kind == "part":
            part = _new_part(doc, region, lang)
            st = BodyState(prefix=f"{slug(part.label)}-" if many else "", part=part.label)
        elif kind == "annex":
            attachment = _annex_region(doc, region, lang, attachment)
        else:
            st.unnumbered = not any(NUMBER_LABEL.match(b.text) for b in region)
            attachment = _body_region(doc, region, lang, st, formula_ends_list, has_formula,
                                      inline, attachment)
    if st.heading:
        doc.unclassified.append(Loose(id=f"u{len(doc.unclassified) + 1}", rich=st.heading, line=0))


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
            out.append(("part", blocks[i:formula + 1]))
            kind, current = "body", []
            i = formula + 1
            continue
        current.append(block)
        i += 1
    out.append((kind, current))
    return [(k, r) for k, r in out if r]


def _is_closing(block: Block, lang: Lang) -> bool:
    return bool(lang.closing.match(plain(block.lines[0]))) and len(block.lines) <= 3


PART_LABEL = re.compile(r"^[A-Z]$")


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
    return Part(id=f"part-{slug(label.text)}", label=label.text.strip(), title=plain(rich),
                formula=formula, line=label.line, rich=(marks + " " + rich).strip())


def _annex_region(doc: Document, blocks: list[Block], lang: Lang,
                  attachment: Attachment | None) -> Attachment | None:
    """Text printed after the closing lines is an annex, even without an "Annex" heading."""
    for k, block in enumerate(blocks):
        opens = _opens_attachment(block, lang)
        if k == 0 or attachment is None or opens and attachment.paragraphs:
            attachment = Attachment(id=f"att{len(doc.attachments) + 1}", title="", header=[],
                                    paragraphs=[], line=block.line)
            doc.attachments.append(attachment)
            if opens:
                _attachment_heading(attachment, block, lang)
                continue
        _attachment_block(attachment, block, lang)
    return attachment


def _body_region(doc: Document, blocks: list[Block], lang: Lang, st: BodyState,
                 formula_ends_list: bool, has_formula: bool, inline: bool,
                 attachment: Attachment | None) -> Attachment | None:
    nested = _nested_numbered_lists(blocks)
    for k, block in enumerate(blocks):
        rich, text = block.rich, block.text
        if k in nested and doc.operative:  # "11. Approves the following agenda:" | "1. ..."
            owner = doc.operative[-1]
            label = _printed_number(text) + "."
            _add_item(owner.items, owner.id, label, _strip_label(rich, len(label)), block.line,
                      lang)
            continue
        num = NUMBER_LABEL.match(text) or _loose_number(text, st, lang)
        item = _item_label(text)
        if attachment is None and st.zone != "attachment" and _opens_attachment(block, lang):
            attachment = Attachment(id=f"att{len(doc.attachments) + 1}", title="", header=[],
                                    paragraphs=[], line=block.line)
            doc.attachments.append(attachment)
            st.zone = "attachment"
            _attachment_heading(attachment, block, lang)
            continue
        if st.zone == "attachment" and attachment is not None:
            if attachment.paragraphs and _opens_attachment(block, lang):
                attachment = Attachment(id=f"att{len(doc.attachments) + 1}", title="", header=[],
                                        paragraphs=[], line=block.line)
                doc.attachments.append(attachment)
                _attachment_heading(attachment, block, lang)
                continue
            _attachment_block(attachment, block, lang)
            continue
        if num and not has_formula and not doc.preamble and not doc.operative \
                and num.group(1) != "1":
            # "5. À sa 7e séance, ... la Commission a décidé": the report's paragraph
            doc.report.append(Loose(id=f"rp{num.group(1)}", rich=_strip_label(rich, num.end()),
                                    line=block.line, number=num.group(1)))
            continue
        if num:
            n = _label_value(num.group(1))
            if n == 1 and st.numbered:
                st.runs += 1
            st.zone, st.last_number, st.numbered = "operative", n, st.numbered + 1
            body = _strip_label(rich, len(num.group(0)))
            lead, body = split_lead(body, lang)
            pid = f"{st.prefix}op{n}" if st.runs == 0 else \
                f"{st.prefix}{slug(st.heading) or 'part'}-{st.runs + 1}-op{n}"
            if any(p.id == pid for p in doc.operative):
                pid = f"{pid}-{block.line}"
            doc.operative.append(Paragraph(id=pid, number=num.group(1), rich=body, line=block.line,
                                           lead=lead, heading=st.heading, part=st.part))
            st.heading = ""
            continue
        if item:
            label, _ = item
            body = _strip_label(rich, rich.index(label) + len(label))
            mine = [p for p in (doc.operative if st.zone == "operative" else doc.preamble)
                    if p.part == st.part]
            parent = mine[-1] if mine else None
            if parent is None and st.zone == "preamble" and not formula_ends_list:
                parent = _last_of_part(doc, st)
            if parent is None or (formula_ends_list and not doc.preamble and
                                  (not doc.operative or doc.operative[-1].id.startswith("op-"))):
                key = label.strip("()")
                lead, body = split_lead(body, lang)
                doc.operative.append(Paragraph(id=f"{st.prefix}op-{key}", number=label, rich=body,
                                               line=block.line, lead=lead, part=st.part))
                st.zone = "operative"
                continue
            _add_item(parent.items, parent.id, label, body, block.line, lang)
            continue
        wrap_up = _list_wrap_up(doc, st, text)
        if wrap_up is not None:  # "(f) ...," | "and in the commitments contained therein,"
            n = sum(1 for i in wrap_up.items if not i.label) + 1
            wrap_up.items.append(Item(id=f"{wrap_up.id}-t{n}", label="", rich=rich,
                                      line=block.line))
            continue
        if _is_section_heading(block, lang, st):
            st.heading = (st.heading + " " + text).strip() if st.heading else text
            continue
        if st.zone == "preamble" and has_formula and not inline and \
                not (st.unnumbered and lang.operative_lead.match(text)):
            lead, body = split_lead(rich, lang)
            k = sum(1 for p in doc.preamble if p.part == st.part) + 1
            doc.preamble.append(Paragraph(id=f"{st.prefix}pp{k}", number="", rich=body,
                                          line=block.line, lead=lead, heading=st.heading,
                                          part=st.part))
            st.heading = ""
            continue
        if not st.numbered:
            # a decision in unnumbered paragraphs ("Le Conseil économique et social décide ...")
            st.zone = "operative"
            lead, body = split_lead(rich, lang) if has_formula else ("", rich)
            k = sum(1 for p in doc.operative if not p.number and p.part == st.part) + 1
            doc.operative.append(Paragraph(id=f"{st.prefix}text{k}", number="", rich=body,
                                           line=block.line, lead=lead, heading=st.heading,
                                           part=st.part))
            st.heading = ""
            continue
        doc.unclassified.append(Loose(id=f"u{len(doc.unclassified) + 1}", rich=rich,
                                      line=block.line))
    return attachment


# "l." for "1.": never "I", a section's roman number ("I Demande de subvention ...")
LOOSE_NUMBER = re.compile(r"^(\d{1,3}|l(?=\.\s))(?:\s*[.,]\s*|\s+)")


def _loose_number(text: str, st: BodyState, lang: Lang) -> re.Match | None:
    """"10 Rappelle", "16, Invite", "232 .Recognizes", "l. Decides" (a letter for the digit
    1): the next operative number misprinted, before an operative verb."""
    m = LOOSE_NUMBER.match(text)
    if m and _label_value(m.group(1)) == st.last_number + 1 \
            and lang.operative_lead.match(text[m.end():]):
        return m
    return None


def _printed_number(text: str) -> str:
    """"5" for "5. La Commission ..."; "" for text without a paragraph number."""
    m = NUMBER_LABEL.match(text)
    return m.group(1) if m else ""


def _label_value(number: str) -> int:
    """The value of a printed paragraph number: "12" -> 12; "l" (the digit 1 misread) -> 1."""
    return int(number) if number.isdigit() else 1


def _nested_numbered_lists(blocks: list[Block]) -> set[int]:
    """Indexes of numbered blocks that are a list inside the paragraph before them: after
    "11. Approves the following agenda:", "1. Opening ..." to "7. Adoption ..." and then
    "12. Decides": numbering restarts at 1 right after a colon, and the outer numbering
    resumes right after the list (sections restarting at 1 follow a heading)."""
    numbered = [(k, int(m.group(1))) for k, b in enumerate(blocks)
                for m in [NUMBER_LABEL.match(b.text)] if m]
    nested: set[int] = set()
    for i in range(1, len(numbered)):
        (k0, outer), (k1, n) = numbered[i - 1], numbered[i]
        if n != 1 or k1 != k0 + 1 or not blocks[k0].text.rstrip().endswith(":") or k0 in nested:
            continue  # the list follows its paragraph at once: no heading, no items between
        run = [k1]
        for j in range(i + 1, len(numbered)):
            k, value = numbered[j]
            if any(not NUMBER_LABEL.match(b.text) for b in blocks[run[-1] + 1:k]):
                break  # text between: not one list
            if value == outer + 1:
                nested.update(run)
                break
            if value != len(run) + 1:
                break
            run.append(k)
    return nested


def _list_wrap_up(doc: Document, st: BodyState, text: str) -> Paragraph | None:
    """The paragraph whose list of items this lower-case text goes on after: the words that
    close a list ("(f) ...," | "and in the targets contained therein,"), not a paragraph."""
    if not text[:1].islower() or st.heading:
        return None
    mine = [p for p in (doc.operative if st.zone == "operative" else doc.preamble)
            if p.part == st.part]
    if not mine or not mine[-1].items:
        return None
    last = mine[-1].items[-1]
    return mine[-1] if plain(last.rich).rstrip().endswith((",", ";", ":")) else None


def _last_of_part(doc: Document, st: BodyState) -> Paragraph | None:
    mine = [p for p in doc.preamble + doc.operative if p.part == st.part]
    return max(mine, key=lambda p: p.line) if mine else None


def _is_section_heading(block: Block, lang: Lang, st: BodyState) -> bool:
    text = block.text
    if common().separator.match(text):
        return True
    if common().section_heading.match(text) and len(text.split()) <= HEADING_MAX_WORDS \
            and _is_open(text):
        return True
    if st.zone == "operative" and block.hint == "heading" and _is_heading_like(block):
        return True
    # Paragraphs end with a comma, a semicolon, a colon or a full stop; a short line without
    # one after the formula is a heading ("Introduction", "Review and implementation").
    return len(block.lines) <= 2 and _is_open(text) and len(text.split()) <= HEADING_MAX_WORDS \
        and text[:1].isupper() and not lang.operative_lead.match(text) \
        and not (st.zone == "preamble" and lang.preamble_lead.match(text)
                 and len(text.split()) > PREAMBLE_HEADING_MAX_WORDS)


def _opens_attachment(block: Block, lang: Lang) -> bool:
    word = dict(lang.masthead).get("attachment_word")
    for line in block.lines:
        text = plain(line)
        if any(p.match(text) for p in lang.attachment_headings) and len(text.split()) <= 30:
            return True
        if word is not None and word.match(text):
            return True
    return False


def _opens_attachment_word(text: str, lang: Lang) -> bool:
    """"Annex", "Annex II", "Annexe": an attachment heading with no title of its own."""
    return len(text.split()) <= 2 and any(p.match(text) for p in lang.attachment_headings)


def _attachment_heading(att: Attachment, block: Block, lang: Lang) -> None:
    """Lines like the symbol, a date, "Attachment" go to the header; the rest is the title."""
    title_lines = []
    for line in block.lines:
        text = plain(line)
        if _is_masthead_line(text, lang):
            att.header.append(text)
        else:
            title_lines.append(line)
    if title_lines:
        att.title = plain(join_lines(title_lines))


def _is_masthead_line(text: str, lang: Lang) -> bool:
    if common().symbol.match(text) or \
            re.fullmatch(r"\d{1,2}\s+\S+\s+\d{4}", text) and iso_date(text, lang):
        return True
    return any(pattern.match(text) for name, pattern in lang.masthead
               if name in ("date", "original_language", "document_language", "attachment_word"))


def _attachment_block(att: Attachment, block: Block, lang: Lang) -> None:
    text, rich = block.text, block.rich
    if not att.paragraphs and (not att.title or _opens_attachment_word(att.title, lang)):
        if all(_is_masthead_line(plain(ln), lang) for ln in block.lines):
            att.header.extend(plain(ln) for ln in block.lines)
            return
        if _is_heading_like(block) or block.hint == "heading":
            if att.title:  # "Annex I" then its title: the word goes to the header
                att.header.append(att.title)
            att.title = text
            return
    num = NUMBER_LABEL.match(text)
    item = _item_label(text)
    if num:
        n = num.group(1)
        pid = f"{att.id}-p{n}"
        if any(p.id == pid for p in att.paragraphs):
            pid = f"{pid}-{block.line}"
        att.paragraphs.append(Paragraph(id=pid, number=n,
                                        rich=_strip_label(rich, len(num.group(0))),
                                        line=block.line))
        return
    if item and att.paragraphs:
        label = item[0]
        parent = att.paragraphs[-1]
        _add_item(parent.items, parent.id, label,
                  _strip_label(rich, rich.index(label) + len(label)), block.line, lang)
        return
    k = sum(1 for p in att.paragraphs if not p.number) + 1
    att.paragraphs.append(Paragraph(id=f"{att.id}-t{k}", number="", rich=rich, line=block.line))


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


def document_id(doc: Document, stem: str, multi: bool) -> str:
    """Stable ids: from the symbol when there is one (a symbol is printed in every
    language, hence the language suffix), else from the file and the printed heading."""
    if doc.symbol:
        return f"{slug(doc.symbol)}-{doc.language}"
    if multi:
        return f"{slug(stem)}-{slug(doc.label)}"
    return slug(stem)
