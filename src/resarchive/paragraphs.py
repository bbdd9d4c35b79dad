"""Parse stage, paragraphs: the printed labels, lead phrases and sub-paragraphs that the
body and attachment readers share.

Stage: parse. May import: models, anchors, langdata, segment (its label patterns).
"""

from __future__ import annotations

import re
from functools import cache

from . import anchors
from .langdata import Lang
from .langdata import lang as lang_data
from .models import MARK_OPEN, Block, Item, plain
from .segment import ITEM_LABEL, NUMBER_LABEL, WIDE_PUNCTUATION

ROMAN = re.compile(r"^[ivxl]+$")
HEADING_MAX_WORDS = 16


def is_open(text: str) -> bool:
    """Does the text end without the punctuation that closes a paragraph?"""
    return not text.rstrip().endswith((".", ",", ";", ":", "!", "?", "»", "”", *WIDE_PUNCTUATION))


def is_heading_like(block: Block) -> bool:
    text = block.text
    return (block.hint == "heading" or is_open(text)) and len(text.split()) <= HEADING_MAX_WORDS


def printed_number(text: str) -> str:
    """ "5" for "5. La Commission ..."; "" for text without a paragraph number."""
    m = NUMBER_LABEL.match(text)
    return m.group(1) if m else ""


def label_value(number: str) -> int:
    """The value of a printed paragraph number: "12" -> 12; "l" (the digit 1 misread) -> 1."""
    return int(number) if number.isdigit() else 1


def strip_label(rich: str, label_len: int) -> str:
    """Drop the printed label from rich text (markup-safe: labels hold no markup)."""
    return rich[label_len:].lstrip()


def item_label(text: str) -> str | None:
    """The printed label of a sub-paragraph ("a)", "(iv)"), or None."""
    m = ITEM_LABEL.match(text)
    return m.group(0).strip() if m else None


_ITALIC_START = re.compile(r"\*((?:[^*\\]|\\.)+)\*")
_FIRST_WORD = re.compile(r"[A-ZÀ-Ý][\w’'-]*")
_NEXT_WORD = re.compile(r"\s+([\w’'-]+)")
_ELIDED_VERB = re.compile(r"([\w-]+)")


@cache
def _modifiers(code: str) -> re.Pattern[str]:
    """The language's lead modifiers, longest first, as one pattern ("also", "en outre")."""
    words = "|".join(re.escape(m) for m in lang_data(code).lead_modifiers)
    return re.compile(rf"\s+(?:{words})(?=[\s,;:]|$)")


def split_lead(rich: str, lang: Lang, printed_only: bool = False) -> tuple[str, str]:
    """(lead, rich without the lead's italics). Printed italics win; else the language's
    lead words: the first word, a second one after "Se", "Prenant"..., then modifiers.
    Sub-paragraphs take only printed italics (their infinitives are not lead phrases)."""
    whole = _ITALIC_START.match(rich)
    if whole:
        inner, rest = whole.group(1), rich[whole.end() :]
        if rest.strip(" ,;:." + MARK_OPEN) and not rest.startswith(("'", "’")):
            return plain(inner).strip(), inner + rest
        rich = inner + rest  # the whole paragraph was italic: a converter's artefact
    if printed_only:
        return "", rich
    text = plain(rich)
    m = _FIRST_WORD.match(text)
    if not m:
        return "", rich
    lead = m.group(0)
    rest = text[len(lead) :]
    if lead in lang.lead_heads:
        nxt = _NEXT_WORD.match(rest)
        if nxt:
            lead += nxt.group(0)
            rest = rest[len(nxt.group(0)) :]
    if lead.endswith(("’", "'")):  # "S’affirmant": the elided pronoun and its verb
        nxt = _ELIDED_VERB.match(rest)
        if nxt:
            lead += nxt.group(0)
            rest = rest[len(nxt.group(0)) :]
    modifiers = _modifiers(lang.code)
    while True:
        sp = modifiers.match(rest)
        if not sp:
            break
        lead += sp.group(0)
        rest = rest[len(sp.group(0)) :]
    return lead, rich


def add_item(
    parent_items: list[Item], parent_id: str, label: str, rich: str, line: int, lang: Lang
) -> None:
    """Add a sub-paragraph. "i)" after a letter other than "h)" opens a roman list nested
    in the previous item; later roman labels continue it. "l)" after "k)" is a letter."""
    key = label.strip("().")
    last = parent_items[-1] if parent_items else None
    last_key = last.label.strip("().") if last is not None else ""
    continues_roman = bool(
        last is not None
        and last.items
        and ROMAN.match(key)
        and ROMAN.match(last.items[-1].label.strip("()"))
    )
    opens_roman = (
        key == "i" and last is not None and last_key not in ("h", "") and not ROMAN.match(last_key)
    )
    nested = continues_roman or opens_roman
    lead, rich = split_lead(rich, lang, printed_only=True)
    if nested and last is not None:
        last.items.append(
            Item(id=anchors.item(last.id, key), label=label, rich=rich, line=line, lead=lead)
        )
        return
    item_id = anchors.unique_item(anchors.item(parent_id, key), {i.id for i in parent_items})
    parent_items.append(Item(id=item_id, label=label, rich=rich, line=line, lead=lead))
