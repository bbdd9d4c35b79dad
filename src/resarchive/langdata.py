"""Language data (lead phrases, patterns, months, stop words) loaded from data/*.yaml.

Stage: language data (shared by parse, render and index). May import: the standard
library.

Adding a language means adding ``data/<code>.yaml``; no code changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

DATA = resources.files("resarchive") / "data"


@cache
def load_yaml(name: str) -> dict[str, Any]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@cache
def languages() -> tuple[str, ...]:
    """Codes of the languages the parser knows, from the data folder."""
    return tuple(
        sorted(
            p.name[:-5]
            for p in DATA.iterdir()
            if p.name.endswith(".yaml") and len(p.name) == 7  # "fr.yaml"
        )
    )


@dataclass(frozen=True)
class Common:
    running_heads: tuple[re.Pattern, ...]
    symbol: re.Pattern
    marker_markup: tuple[re.Pattern, ...]
    superscript_digits: str
    ordinal_markup: re.Pattern
    latex: tuple[tuple[re.Pattern, str], ...]
    section_heading: re.Pattern
    separator: re.Pattern
    abbreviations: frozenset[str]


@cache
def common() -> Common:
    d = load_yaml("common.yaml")
    return Common(
        running_heads=tuple(re.compile(p) for p in d["running_heads"]),
        symbol=re.compile(d["symbol"]),
        marker_markup=tuple(re.compile(p) for p in d["marker_markup"]),
        superscript_digits=d["superscript_digits"],
        ordinal_markup=re.compile(d["ordinal_markup"]),
        latex=tuple((re.compile(p), r) for p, r in d["latex"]),
        section_heading=re.compile(d["section_heading"]),
        separator=re.compile(d["separator"]),
        abbreviations=frozenset(d["abbreviations"]),
    )


@dataclass(frozen=True)
class Lang:
    code: str
    detect: frozenset[str]
    months: dict[str, int]
    date: re.Pattern
    document_headings: tuple[tuple[str, re.Pattern], ...]
    numbered_title: re.Pattern
    masthead: tuple[tuple[str, re.Pattern], ...]
    sponsors: re.Pattern
    sponsor_separators: re.Pattern
    kinds: dict[str, str]
    kind_labels: dict[str, str]
    formula: re.Pattern
    inline_formula: re.Pattern
    organizations: dict[str, str]
    reported_decision_date: re.Pattern
    reported_decision_body: re.Pattern
    attachment_headings: tuple[re.Pattern, ...]
    report_headings: tuple[re.Pattern, ...]
    lead_modifiers: tuple[str, ...]
    lead_heads: tuple[str, ...]
    closing: re.Pattern
    operative_lead: re.Pattern  # an operative verb, after optional modifiers
    preamble_lead: re.Pattern  # a participle or adjective opening a preambular paragraph


@cache
def lang(code: str) -> Lang:
    d = load_yaml(f"{code}.yaml")
    return Lang(
        code=d["language"],
        detect=frozenset(d["detect"]),
        months={k.lower(): v for k, v in d["months"].items()},
        date=re.compile(d["date"], re.IGNORECASE),
        document_headings=tuple((h["kind"], re.compile(h["pattern"]))
                                for h in d["document_headings"]),
        numbered_title=re.compile(d["numbered_title"]),
        masthead=tuple((k, re.compile(v)) for k, v in d["masthead"].items()),
        sponsors=re.compile(d["sponsors"]),
        sponsor_separators=re.compile(d["sponsor_separators"]),
        kinds=d["kinds"],
        kind_labels=d["kind_labels"],
        formula=re.compile(d["formula"]),
        inline_formula=re.compile(d["inline_formula"]),
        organizations=d["organizations"],
        reported_decision_date=re.compile(d["reported_decision_date"]),
        reported_decision_body=re.compile(d["reported_decision_body"]),
        attachment_headings=tuple(re.compile(p) for p in d["attachment_headings"]),
        report_headings=tuple(re.compile(p) for p in d["report_headings"]),
        # longest first, so "en outre" wins over "en"
        lead_modifiers=tuple(sorted(d["lead_modifiers"], key=len, reverse=True)),
        lead_heads=tuple(sorted(d["lead_heads"], key=len, reverse=True)),
        closing=re.compile(d["closing"]),
        operative_lead=_phrases_pattern(d["operative_modifiers"], d["operative_verbs"]),
        preamble_lead=re.compile(d["preamble_lead"]),
    )


def _phrases_pattern(modifiers: list[str], verbs: list[str]) -> re.Pattern:
    """"Also decides", "Further strongly urges", "Prend note": modifiers (capitalised or
    not), then one of the verbs, as whole words."""
    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    mods = alt([m for w in modifiers for m in (w, w[0].lower() + w[1:])])
    verbs_any = alt([v for w in verbs for v in (w, w[0].lower() + w[1:])])
    return re.compile(rf"^(?:(?:{mods})\s+)*(?:{verbs_any})(?![\w’'-])")


def all_months() -> dict[str, int]:
    """Month names of every language: a French text may print an English date (OSCE)."""
    out: dict[str, int] = {}
    for code in languages():
        out.update(lang(code).months)
    return out
