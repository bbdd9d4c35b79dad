"""Language data (lead phrases, patterns, months, stop words, what the site says) loaded from
data/<lang>.yaml, one file per language.

Stage: language data (shared by parse, render and index). May import: the standard
library.

Adding a language means adding ``data/<code>.yaml``; no code changes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

DATA = resources.files("resarchive") / "data"


# libyaml's safe loader where PyYAML was built with it: the same data, 8 times faster (every
# build loads the language files; 0.19 s of a rebuild's start with the pure-Python one)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_yaml(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load((DATA / name).read_text(encoding="utf-8"), Loader=_LOADER)
    return data


def load_json(name: str) -> dict[str, Any]:
    """A JSON file of the data folder ({} if missing)."""
    try:
        data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return data


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
    running_heads: tuple[re.Pattern[str], ...]
    symbol: re.Pattern[str]
    marker_markup: tuple[re.Pattern[str], ...]
    superscript_digits: str
    ordinal_markup: re.Pattern[str]
    latex: tuple[tuple[re.Pattern[str], str], ...]
    section_heading: re.Pattern[str]
    separator: re.Pattern[str]
    abbreviations: frozenset[str]
    han: str  # Han ideographs, as the ranges of a character class


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
        han=d["han"],
    )


@dataclass(frozen=True)
class Lang:
    code: str
    detect: frozenset[str]
    months: dict[str, int]
    date: re.Pattern[str]
    document_headings: tuple[tuple[str, re.Pattern[str]], ...]
    numbered_title: re.Pattern[str]
    masthead: tuple[tuple[str, re.Pattern[str]], ...]
    sponsors: re.Pattern[str]
    sponsor_separators: re.Pattern[str]
    kinds: dict[str, str]
    kind_labels: dict[str, str]
    formula: re.Pattern[str]
    inline_formula: re.Pattern[str]
    organizations: dict[str, str]
    reported_decision_date: re.Pattern[str]
    reported_decision_body: re.Pattern[str]
    attachment_headings: tuple[re.Pattern[str], ...]
    report_headings: tuple[re.Pattern[str], ...]
    lead_modifiers: tuple[str, ...]
    lead_heads: tuple[str, ...]
    closing: re.Pattern[str]
    operative_lead: re.Pattern[str]  # an operative verb, after optional modifiers
    preamble_lead: re.Pattern[str]  # a participle or adjective opening a preambular paragraph
    participle_endings: tuple[str, ...]  # of the participles that open preambular paragraphs
    footnote_openers: tuple[str, ...]  # lower-case words a footnote may open with ("ibid")
    numbered_words: frozenset[str]  # words a number follows as the text's ("article 1")
    preamble_openers: frozenset[str]  # the words most preambular paragraphs open with
    suspended_hyphen_words: tuple[str, ...]  # "small- and medium-sized": and, or
    organization_names: dict[str, str]  # masthead name -> organization ("Nations Unies": UN)
    abbreviations: frozenset[str]  # besides common.yaml's: "núm.", "párr."
    name: str  # the language's own name ("Français")
    akn_language: str  # its code in Akoma Ntoso's FRBRlanguage ("fra", ISO 639-2)
    direction: str  # of its script: "ltr", or "rtl" (Arabic)
    preamble_headings: frozenset[str]  # "Préambule", casefolded: a heading above a preamble


@cache
def lang(code: str) -> Lang:
    d = load_yaml(f"{code}.yaml")
    return Lang(
        code=d["language"],
        detect=frozenset(d["detect"]),
        months={k.lower(): v for k, v in d["months"].items()},
        date=re.compile(d["date"], re.IGNORECASE),
        document_headings=tuple(
            (h["kind"], re.compile(h["pattern"])) for h in d["document_headings"]
        ),
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
        participle_endings=tuple(d["participle_endings"]),
        footnote_openers=tuple(d.get("footnote_openers") or ()),
        numbered_words=frozenset(w.casefold() for w in d.get("numbered_words") or ()),
        preamble_openers=frozenset(d.get("preamble_openers") or ()),
        suspended_hyphen_words=tuple(d.get("suspended_hyphen_words") or ()),
        organization_names=dict(d["organization_names"]),
        abbreviations=frozenset(d.get("abbreviations") or ()),
        name=d["name"],
        akn_language=d["akn_language"],
        direction=d.get("direction") or "ltr",
        preamble_headings=frozenset(h.casefold() for h in d.get("preamble_headings") or ()),
    )


def _phrases_pattern(modifiers: list[str], verbs: list[str]) -> re.Pattern[str]:
    """ "Also decides", "Further strongly urges", "Prend note": modifiers (capitalised or
    not), then one of the verbs, as whole words."""

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    mods = alt([m for w in modifiers for m in (w, w[0].lower() + w[1:])])
    verbs_any = alt([v for w in verbs for v in (w, w[0].lower() + w[1:])])
    return re.compile(rf"^(?:(?:{mods})\s+)*(?:{verbs_any})(?![\w’'-])")


@cache
def interface_languages() -> tuple[str, ...]:
    """The languages the site can speak: those whose data file has a ``ui`` section (a
    language may have its parser and search data before its interface: Arabic, Russian and
    Chinese pages speak English around their text)."""
    return tuple(c for c in languages() if isinstance(load_yaml(f"{c}.yaml").get("ui"), dict))


@cache
def ui(code: str) -> dict[str, Any]:
    """What the site says in one language: the ``ui`` section of ``data/<code>.yaml``, its
    ``language_names`` completed with each language's own name (its file's ``name``), so
    that adding a language needs no change to the others' files."""
    section = load_yaml(f"{code}.yaml").get("ui")
    if not isinstance(section, dict):
        raise ValueError(f"{code}.yaml has no ui section (see fr.yaml)")
    names = {c: load_yaml(f"{c}.yaml")["name"] for c in languages()}
    return {**section, "language_names": {**names, **(section.get("language_names") or {})}}


@cache
def all_date_patterns() -> tuple[re.Pattern[str], ...]:
    """The ``date`` pattern of every language (groups day, month, year)."""
    return tuple(lang(code).date for code in languages())


def all_months() -> dict[str, int]:
    """Month names of every language: a French text may print an English date (OSCE)."""
    out: dict[str, int] = {}
    for code in languages():
        out.update(lang(code).months)
    return out
