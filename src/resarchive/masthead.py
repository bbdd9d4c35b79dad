"""Parse stage, the masthead: the lines before the enacting formula -> metadata.

Stage: parse. May import: models, anchors, langdata, segment.

Each masthead line is classified by the language's patterns (symbol, distribution, date,
session, agenda item, sponsors, document heading, "76/126. Title"); lines no pattern knows
are grouped (a title wrapped over lines). Every line not mapped to a field stays visible on
the page as the printed masthead.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from . import anchors
from .langdata import Lang, all_date_patterns, all_months, common
from .models import Block, Document, Loose, plain
from .segment import document_heading, join_lines


def iso_date(text: str, lang: Lang) -> str:
    """ "13 avril 2018", "1st May 2018", "27 de noviembre de 2023" -> ISO 8601; "" if none.
    The first date of the text in the form of any language's ``date`` pattern (a French
    text may print an English date: OSCE)."""
    months = all_months()
    found = sorted(
        (m for pattern in all_date_patterns() for m in pattern.finditer(text)),
        key=lambda m: m.start(),
    )
    for m in found:
        month = months.get(m.group("month").lower())
        if month:
            try:
                return datetime.date(int(m.group("year")), month, int(m.group("day"))).isoformat()
            except ValueError:
                continue
    return ""


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

    def flush() -> None:
        nonlocal pending, after_agenda
        if pending:
            role = "agenda_title" if after_agenda else "text"
            out.groups.append((pending_line, role, join_lines(pending)))
            after_agenda = False
        pending = []

    for block in blocks:
        last_role = ""
        block_pending = 0  # lines of this block among the pending ones
        for offset, line in enumerate(block.lines):
            no = block.line + offset
            text = plain(line)
            role = _masthead_line(text, lang, symbol, out)
            if role == "sponsors" and block_pending:
                # a sponsor list wrapped over lines: "Andorra, ..., Chile," | "... and Uruguay:
                # revised draft resolution"; its first lines were waiting, unclassified
                line = join_lines([*pending[-block_pending:], line])
                no = pending_line if block_pending == len(pending) else no - block_pending
                del pending[-block_pending:]
                _masthead_line(plain(line), lang, symbol, out)
            if role is None and last_role == "numbered_title":  # a title wrapped over lines
                out.fields["title"] += " " + text
                out.fields["rich_title_line"] += " " + line
                continue
            last_role = role or ""
            if role is None:
                if not pending:
                    pending_line = no
                pending.append(line)
                block_pending += 1
                continue
            block_pending = 0
            flush()
            if role == "numbered_title":  # keep the title's footnote markers
                out.fields["rich_title_line"] = line
            if role == "agenda":
                after_agenda = True
            out.groups.append((no, role, line))
        flush()
    return out


def _masthead_line(text: str, lang: Lang, symbol: re.Pattern[str], out: Masthead) -> str | None:
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


def title_and_header(doc: Document, mast: Masthead, f: dict[str, str]) -> None:
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
    # the sponsors line stays printed (its "and", its footnote markers: "Indonesia:*")
    shown = {"label", "numbered_title"}
    used_title = False
    for line, role, rich in groups:
        if role in shown:
            continue
        if role == "text" and rich == title_rich and not used_title and not f.get("title"):
            used_title = True
            continue
        # every other masthead line stays visible on the page, as printed
        doc.header.append(
            Loose(id=anchors.header(len(doc.header) + 1), rich=rich, line=line, number=role)
        )
