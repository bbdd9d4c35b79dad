"""Parse stage, the body: the blocks after the enacting formula, read by an ordered list of
named rules.

Stage: parse. May import: models, anchors, langdata, segment (its label patterns),
paragraphs, attachments.

Each block of a body region is offered to the rules of ``BODY_RULES`` in order; the first
that takes it (returns True) places it in the document (a preambular or operative paragraph,
a sub-paragraph, a heading, an attachment, report text) and the others never see it; a block
no rule takes is kept as unclassified text, shown on the page. Reading the list top to bottom
is reading how a resolution is read:

    nested_list_item      "11. Approves the following agenda:" then "1. Opening ..."
    attachment_opening    "Annexe", "Ordre du jour provisoire": an attachment begins
    attachment_text       everything inside an attachment
    report_paragraph      "5. À sa 7e séance ... la Commission a décidé" (report, no formula)
    operative_number      "7. Prie instamment ..."
    loose_number          "10 Rappelle", "l. Decides": a misprinted operative number
    item_label            "a) ...", "(iv) ...": a sub-paragraph (or a decision's lettered one)
    list_wrap_up          "and in the targets contained therein,": the words closing a list
    section_heading       "I", "B. Title", "* * *", "Introduction"
    preambular_paragraph  anything else before the first operative paragraph
    unnumbered_operative  a decision in unnumbered paragraphs
    (unclassified)        what no rule took

Rules share one ``BodyReader``: the document being filled, the language, and where the
reader stands in the current part (``BodyState``). Each rule's docstring names the real text
it exists for; tests/test_body_rules.py parses those texts and checks which rule took them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import anchors
from .attachments import add_block, attachment_heading, new_attachment, opens_attachment
from .langdata import Lang, common
from .models import Attachment, Block, Document, Item, Loose, Paragraph, plain
from .paragraphs import (
    HEADING_MAX_WORDS,
    add_item,
    is_heading_like,
    is_open,
    item_label,
    label_value,
    printed_number,
    split_lead,
    strip_label,
)
from .segment import NUMBER_LABEL

# "Achieving sustainable fisheries" is a heading; "Having received the report of the Agency"
# (its comma forgotten) a preambular paragraph
PREAMBLE_HEADING_MAX_WORDS = 6
LONG_HEADING_MAX_WORDS = 40
# "l." for "1.": never "I", a section's roman number ("I Demande de subvention ...")
LOOSE_NUMBER = re.compile(r"^(\d{1,3}|l(?=\.\s))(?:\s*[.,]\s*|\s+)")


# --------------------------------------------------------------------------- reader state


@dataclass
class BodyState:
    """Where the body reader stands within one part (a single text is one part)."""

    zone: str = "preamble"  # preamble | operative | attachment
    heading: str = ""  # a section heading waiting for the paragraph it stands before
    runs: int = 0  # how many times operative numbering restarted at 1
    last_number: int = 0
    numbered: int = 0  # numbered operative paragraphs seen so far in this part
    prefix: str = ""  # anchor prefix of the part's paragraphs: "b-"
    part: str = ""  # the part's label
    # the part numbers no paragraph: operative verbs open its operative part
    unnumbered: bool = False


@dataclass
class BodyReader:
    """Everything the body rules read and fill, for one document."""

    doc: Document
    lang: Lang
    has_formula: bool  # an enacting formula was printed ("L'Assemblée générale,")
    inline: bool  # the formula opens a one-sentence decision ("Le Conseil ... décide ...")
    formula_ends_list: bool  # the formula ends with a colon: lettered paragraphs follow
    state: BodyState = field(default_factory=BodyState)
    attachment: Attachment | None = None  # the attachment being read, if any
    nested: set[int] = field(default_factory=set)  # positions of a numbered list's items
    position: int = 0  # the block's position in its region
    # (source line, rule name) of every block read: which rule placed what (tests, debugging)
    trace: list[tuple[int, str]] | None = None

    def own(self, zone: str) -> list[Paragraph]:
        """The current part's paragraphs of one zone."""
        paras = self.doc.operative if zone == "operative" else self.doc.preamble
        return [p for p in paras if p.part == self.state.part]

    def take_heading(self) -> str:
        heading, self.state.heading = self.state.heading, ""
        return heading

    def read_region(self, blocks: list[Block]) -> None:
        """Offer each block to the rules in order; the first that takes it places it."""
        self.nested = nested_numbered_lists(blocks)
        for k, block in enumerate(blocks):
            self.position = k
            placed = next((name for name, rule in BODY_RULES if rule(self, block)), None)
            if placed is None:
                placed = "unclassified"
                self.doc.unclassified.append(
                    Loose(
                        id=anchors.unclassified(len(self.doc.unclassified) + 1),
                        rich=block.rich,
                        line=block.line,
                    )
                )
            if self.trace is not None:
                self.trace.append((block.line, placed))


Rule = Callable[[BodyReader, Block], bool]


# --------------------------------------------------------------------------- the rules


def nested_list_item(r: BodyReader, block: Block) -> bool:
    """A numbered list inside the operative paragraph before it: "11. Approves the
    following agenda:" then "1. Opening of the session" ... "7. Adoption of the report",
    then "12. Decides" (E/2018/... provisional agendas; see nested_numbered_lists)."""
    if r.position not in r.nested or not r.doc.operative:
        return False
    owner = r.doc.operative[-1]
    label = printed_number(block.text) + "."
    add_item(owner.items, owner.id, label, strip_label(block.rich, len(label)), block.line, r.lang)
    return True


def attachment_opening(r: BodyReader, block: Block) -> bool:
    """ "Annexe", "Ordre du jour provisoire", "Pièce jointe": an attachment opens after the
    operative part (decision II of the Commission's report: its provisional agenda)."""
    if (
        r.attachment is not None
        or r.state.zone == "attachment"
        or not opens_attachment(block, r.lang)
    ):
        return False
    r.attachment = new_attachment(r.doc, block.line)
    r.state.zone = "attachment"
    attachment_heading(r.attachment, block, r.lang)
    return True


def attachment_text(r: BodyReader, block: Block) -> bool:
    """Inside an attachment everything is the attachment's: its header lines, title,
    numbered paragraphs and items (the OSCE decision's interpretative statement); a second
    "Annex" heading after paragraphs opens the next attachment."""
    if r.state.zone != "attachment" or r.attachment is None:
        return False
    if r.attachment.paragraphs and opens_attachment(block, r.lang):
        r.attachment = new_attachment(r.doc, block.line)
        attachment_heading(r.attachment, block, r.lang)
    else:
        add_block(r.attachment, block, r.lang)
    return True


def report_paragraph(r: BodyReader, block: Block) -> bool:
    """ "5. À sa 7e séance, le 16 mai 2018, la Commission a décidé ...": a numbered paragraph
    of a report, before a decision that prints no formula (decision 33/1 of the seeds)."""
    num = NUMBER_LABEL.match(block.text)
    if not num or r.has_formula or r.doc.preamble or r.doc.operative or num.group(1) == "1":
        return False
    r.doc.report.append(
        Loose(
            id=anchors.report(num.group(1)),
            rich=strip_label(block.rich, num.end()),
            line=block.line,
            number=num.group(1),
        )
    )
    return True


def _operative(r: BodyReader, block: Block, num: re.Match[str]) -> bool:
    st = r.state
    n = label_value(num.group(1))
    if n == 1 and st.numbered:
        st.runs += 1
    st.zone, st.last_number, st.numbered = "operative", n, st.numbered + 1
    lead, body = split_lead(strip_label(block.rich, len(num.group(0))), r.lang)
    pid = anchors.operative(n, st.prefix, st.runs + 1, plain(st.heading))
    pid = anchors.unique(pid, {p.id for p in r.doc.operative}, block.line)
    r.doc.operative.append(
        Paragraph(
            id=pid,
            number=num.group(1),
            rich=body,
            line=block.line,
            lead=lead,
            heading=r.take_heading(),
            part=st.part,
        )
    )
    return True


def operative_number(r: BodyReader, block: Block) -> bool:
    """ "7. Prie instamment les États Membres ...": a numbered operative paragraph, anchored
    by its printed number (op7); numbering restarting at 1 after a heading opens a second
    run (A/RES/77/264's sections: ii-2-op1)."""
    num = NUMBER_LABEL.match(block.text)
    return _operative(r, block, num) if num else False


def loose_number(r: BodyReader, block: Block) -> bool:
    """ "10 Rappelle", "16, Invite", "232 .Recognizes", "l. Decides" (a letter for the digit
    1): the next operative number misprinted, before an operative verb (PDF conversions of
    the GA corpus)."""
    m = LOOSE_NUMBER.match(block.text)
    if (
        not m
        or label_value(m.group(1)) != r.state.last_number + 1
        or not r.lang.operative_lead.match(block.text[m.end() :])
    ):
        return False
    return _operative(r, block, m)


def item_label_rule(r: BodyReader, block: Block) -> bool:
    """ "a) Le Programme des Nations Unies ...", "(iv) ...": a sub-paragraph of the last
    paragraph of its zone; right after a formula ending with a colon ("Le Conseil économique
    et social :"), a lettered paragraph of its own (op-a)."""
    label = item_label(block.text)
    if label is None:
        return False
    body = strip_label(block.rich, block.rich.index(label) + len(label))
    st = r.state
    mine = r.own(st.zone)
    parent = mine[-1] if mine else None
    if parent is None and st.zone == "preamble" and not r.formula_ends_list:
        parent = last_of_part(r)
    if parent is None or (
        r.formula_ends_list
        and not r.doc.preamble
        and (not r.doc.operative or r.doc.operative[-1].id.startswith("op-"))
    ):
        lead, body = split_lead(body, r.lang)
        r.doc.operative.append(
            Paragraph(
                id=anchors.lettered_operative(label.strip("()"), st.prefix),
                number=label,
                rich=body,
                line=block.line,
                lead=lead,
                part=st.part,
            )
        )
        st.zone = "operative"
        return True
    add_item(parent.items, parent.id, label, body, block.line, r.lang)
    return True


def list_wrap_up(r: BodyReader, block: Block) -> bool:
    """ "and in the commitments contained therein,": lower-case text after a list of items
    whose last ends with a comma, a semicolon or a colon closes that list, it is no paragraph
    (A/RES/76/6's "(f) ...," then the words that finish the sentence)."""
    if not block.text[:1].islower() or r.state.heading:
        return False
    mine = r.own(r.state.zone)
    if not mine or not mine[-1].items:
        return False
    owner = mine[-1]
    if not plain(owner.items[-1].rich).rstrip().endswith((",", ";", ":")):
        return False
    n = sum(1 for i in owner.items if not i.label) + 1
    owner.items.append(
        Item(id=anchors.unlabelled_item(owner.id, n), label="", rich=block.rich, line=block.line)
    )
    return True


def section_heading(r: BodyReader, block: Block) -> bool:
    """ "I", "B. Contributions volontaires", "* * *", "Review and implementation": a short
    line without closing punctuation is a heading, kept for the paragraph after it. A line
    that opens with an operative verb, or a preambular lead of more than a few words, is a
    paragraph missing its comma instead."""
    if not is_section_heading(block, r.lang, r.state):
        return False
    st = r.state
    st.heading = (st.heading + " " + block.rich).strip() if st.heading else block.rich
    return True


def preambular_paragraph(r: BodyReader, block: Block) -> bool:
    """ "Rappelant sa résolution 72/196 du 19 décembre 2017, ...": after the formula and
    before the first operative paragraph, a paragraph is preambular (pp1, pp2, ... in its
    part). In a part that numbers no paragraph, an operative verb ends the preamble."""
    st = r.state
    if (
        st.zone != "preamble"
        or not r.has_formula
        or r.inline
        or (st.unnumbered and r.lang.operative_lead.match(block.text))
    ):
        return False
    k = len(r.own("preamble")) + 1
    r.doc.preamble.append(unnumbered(r, block, anchors.preambular(k, st.prefix)))
    return True


def unnumbered_operative(r: BodyReader, block: Block) -> bool:
    """ "Le Conseil économique et social décide que ...": a decision in unnumbered paragraphs
    (draft decision I of the seeds) is operative text (text1, text2)."""
    st = r.state
    if st.numbered:
        return False
    st.zone = "operative"
    k = sum(1 for p in r.doc.operative if not p.number and p.part == st.part) + 1
    r.doc.operative.append(
        unnumbered(r, block, anchors.unnumbered_operative(k, st.prefix), with_lead=r.has_formula)
    )
    return True


BODY_RULES: list[tuple[str, Rule]] = [
    ("nested_list_item", nested_list_item),
    ("attachment_opening", attachment_opening),
    ("attachment_text", attachment_text),
    ("report_paragraph", report_paragraph),
    ("operative_number", operative_number),
    ("loose_number", loose_number),
    ("item_label", item_label_rule),
    ("list_wrap_up", list_wrap_up),
    ("section_heading", section_heading),
    ("preambular_paragraph", preambular_paragraph),
    ("unnumbered_operative", unnumbered_operative),
]


# --------------------------------------------------------------------------- rule helpers


def unnumbered(r: BodyReader, block: Block, anchor: str, with_lead: bool = True) -> Paragraph:
    """An unnumbered paragraph of the current part, with its lead phrase and the heading
    printed before it."""
    lead, body = split_lead(block.rich, r.lang) if with_lead else ("", block.rich)
    return Paragraph(
        id=anchor,
        number="",
        rich=body,
        line=block.line,
        lead=lead,
        heading=r.take_heading(),
        part=r.state.part,
    )


def last_of_part(r: BodyReader) -> Paragraph | None:
    mine = [p for p in r.doc.preamble + r.doc.operative if p.part == r.state.part]
    return max(mine, key=lambda p: p.line) if mine else None


def opens_capitalized(text: str) -> bool:
    """Opens with a capital, or with a letter of a script without case (Arabic, Chinese:
    "المادة 1", "第一条" are headings as "Article 1" is)."""
    first = text[:1]
    return first.isupper() or (first.isalpha() and not first.islower())


def is_section_heading(block: Block, lang: Lang, st: BodyState) -> bool:
    text = block.text
    if common().separator.match(text):
        return True
    if (
        common().section_heading.match(text)
        and len(text.split()) <= HEADING_MAX_WORDS
        and is_open(text)
    ):
        return True
    if st.zone == "operative" and block.hint == "heading" and is_heading_like(block):
        return True
    if (
        st.zone == "operative"
        and st.numbered
        and len(block.lines) <= 3
        and is_open(text)
        and opens_capitalized(text)
        and len(text.split()) <= LONG_HEADING_MAX_WORDS
        and not lang.operative_lead.match(text)
    ):
        # between numbered operative paragraphs an unnumbered line without final punctuation
        # is a section title, however long (A/RES/75/101: "Role of the Department of Global
        # Communications in United Nations peacekeeping operations, special political ...")
        return True
    # Paragraphs end with a comma, a semicolon, a colon or a full stop; a short line without
    # one after the formula is a heading ("Introduction", "Review and implementation").
    return (
        len(block.lines) <= 2
        and is_open(text)
        and len(text.split()) <= HEADING_MAX_WORDS
        and opens_capitalized(text)
        and not lang.operative_lead.match(text)
        and not (
            st.zone == "preamble"
            and lang.preamble_lead.match(text)
            and len(text.split()) > PREAMBLE_HEADING_MAX_WORDS
        )
    )


def nested_numbered_lists(blocks: list[Block]) -> set[int]:
    """Indexes of numbered blocks that are a list inside the paragraph before them: after
    "11. Approves the following agenda:", "1. Opening ..." to "7. Adoption ..." and then
    "12. Decides": numbering restarts at 1 right after a colon, and the outer numbering
    resumes right after the list (sections restarting at 1 follow a heading)."""
    numbered = [
        (k, int(m.group(1)))
        for k, b in enumerate(blocks)
        for m in [NUMBER_LABEL.match(b.text)]
        if m
    ]
    nested: set[int] = set()
    for i in range(1, len(numbered)):
        (k0, outer), (k1, n) = numbered[i - 1], numbered[i]
        if n != 1 or k1 != k0 + 1 or not blocks[k0].text.rstrip().endswith(":") or k0 in nested:
            continue  # the list follows its paragraph at once: no heading, no items between
        run = [k1]
        for j in range(i + 1, len(numbered)):
            k, value = numbered[j]
            if any(not NUMBER_LABEL.match(b.text) for b in blocks[run[-1] + 1 : k]):
                break  # text between: not one list
            if value == outer + 1:
                nested.update(run)
                break
            if value != len(run) + 1:
                break
            run.append(k)
    return nested
