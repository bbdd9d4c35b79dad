"""Stage 6, render: documents -> HTML pages through the Jinja templates in templates/.

Stage: render. May import: models, anchors, langdata.

Everything is escaped: Jinja autoescapes, and rich text goes through markdown-it-py with raw
HTML disabled (only emphasis and backslash escapes are enabled), so a text that holds
``<img onerror=...>`` or ``{{ 7*7 }}`` is shown as printed. Footnote markers become
superscript links whose ids the footnote list links back to.

Every URL a page holds is relative (``../static/...``, ``#op7``), so the site works from any
folder of any static host, and from ``file://``. Pages carry no inline script, style or event
handler: the Content-Security-Policy is ``script-src 'self'; style-src 'self'``.

Citations (copied by the "Cite" button, see static/js/reader.js)::

    {prefix}, {label} <{url}>

- ``prefix`` = :func:`citation`: ``{body}, {symbol}, {date}``; without a symbol the kind
  and number, lower-cased as inside a sentence, and the quoted title stand for it:
  ``{body}, résolution 33/1 « {title} », {date}`` (English: ``resolution 33/1 “{title}”``);
  a body outside the UN is preceded by its organization (``OSCE, Conseil ministériel, ...``);
  missing parts are left out.
- ``label`` = :func:`cite_labels`, one per anchor, in the document's language:
  ``par. 7`` / ``para. 7``, ``par. 7 a)`` / ``para. 7 (a)`` (sub-paragraph labels as printed),
  ``al. 3 du préambule`` / ``preambular para. 3``, ``note 2``, ``al. a)`` / ``para. (a)``
  (lettered paragraphs), ``annexe, par. 4`` / ``annex, para. 4``, ``pièce jointe,
  2e paragraphe`` / ``attachment, 2nd paragraph`` (unnumbered), ``rapport, par. 5`` /
  ``report, para. 5``; ``partie B, par. 1`` / ``part B, para. 1`` in a collection of parts
  (A/RES/77/264 A-C); empty for the one unnumbered paragraph of a decision (the document is
  cited as a whole).
- ``url`` = the page's absolute URL (taken from the browser, so it names whatever host and
  folder serve the site) with ``#anchor``, in angle brackets as RFC 3986 appendix C advises
  for URLs in plain text.

Example: ``Commission pour la prévention du crime et la justice pénale, E/CN.15/2018/L.3,
13 avril 2018, par. 7 <https://example.org/archive/doc/e-cn-15-2018-l-3-fr.html#op7>``.

French pages get no-break spaces before ``; : ! ? »`` and after ``«`` (display only: the data
export keeps the text as printed).
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from . import anchors
from .langdata import lang as language_data
from .langdata import languages
from .langdata import ui as language_ui
from .models import MARKER_RE, Attachment, Document, Item, Paragraph, groups

_INLINE = MarkdownIt("zero").enable(["emphasis", "escape"])
_RENDERED_MARKER = re.compile("\ue000([^\ue001<>]*)\ue001")
NBSP = "\u00a0"


def ui_language(code: str) -> str:
    """The language of the page's interface: the document's, when the data knows it."""
    return code if code in languages() else "en"


def page_strings(code: str) -> dict[str, Any]:
    """The page chrome of one language (``ui.page`` of its data file), with the names of
    the languages as ``languages``."""
    ui = language_ui(code)
    return {**ui["page"], "languages": ui["language_names"]}


@cache
def search_strings(code: str) -> Markup:
    """What the search box and page say in one language, as the JSON that static/js/search.js
    reads from the search form's data-ui attribute: ``ui.search`` of the data file, with the
    names of languages, paragraph kinds and document kinds as filter values. Escaped for a
    single-quoted attribute (half the bytes of Jinja's escaping of every double quote)."""
    ui = language_ui(code)
    search = dict(ui["search"])
    values = {**ui["language_names"], **search.pop("paragraph_kinds")}
    for kind, label in kind_labels(code).items():
        values[kind] = label[:1].lower() + label[1:]
    text = json.dumps(
        {**search, "values": values}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return Markup(
        text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
    )


def human_date(iso: str, code: str) -> str:
    """ "1er janvier 2018", "13 April 2018": the language's ``ui.date``."""
    if not iso:
        return ""
    d = datetime.date.fromisoformat(iso)
    ui = language_ui(code)
    day = ui["days"].get(d.day, str(d.day))
    return str(ui["date"]).format(day=day, month=ui["month_names"][d.month - 1], year=d.year)


def ordinal(n: int, code: str) -> str:
    """1er, 2e / 1st, 2nd, 3rd, 11th: the language's ``ui.ordinals``."""
    rules = language_ui(code)["ordinals"]
    for key, value in (("exact", n), ("last_two_digits", n % 100), ("last_digit", n % 10)):
        form = (rules.get(key) or {}).get(value)
        if form is not None:
            return str(form).format(n=n)
    return str(rules["default"]).format(n=n)


@cache
def _attachment_word() -> re.Pattern[str]:
    words = sorted({w for c in languages() for w in language_ui(c)["attachment_words"]})
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


@cache
def _typography(code: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    ui = language_ui(code)
    before, after = ui["nbsp_before"], ui["nbsp_after"]
    return (
        re.compile(f"[ \t]+(?=[{re.escape(before)}])") if before else None,
        re.compile(f"(?<=[{re.escape(after)}])[ \t]+") if after else None,
    )


def kind_labels(code: str) -> dict[str, str]:
    try:
        return language_data(code).kind_labels
    except FileNotFoundError:
        return {}


# --------------------------------------------------------------------------- citations


def citation(doc: Document) -> str:
    """The citation prefix of a document: ``{body}, {symbol}, {date}``.

    The page script appends the paragraph label and the URL (see the module docstring).
    """
    code = ui_language(doc.language)
    body = doc.body or doc.organization
    if doc.organization and doc.organization != "UN" and doc.organization not in body:
        body = f"{doc.organization}, {body}" if body else doc.organization
    parts = [body, doc.symbol or _fallback_name(doc, code), human_date(doc.date, code)]
    return ", ".join(p for p in parts if p)


def _fallback_name(doc: Document, code: str) -> str:
    """A document without a symbol: its kind and number, then its title in quotes.

    ``résolution 33/1 « Lutte contre ... »``: the printed heading ("Résolution 33/1") when it
    is not in capitals, else the kind label and number ("DÉCISION N° 7/17" -> "décision
    7/17"); lower-cased at the start, as a name inside a sentence.
    """
    kind = " ".join(p for p in (kind_labels(doc.language).get(doc.kind, ""), doc.number) if p)
    label = doc.label if doc.label and not doc.label.isupper() else kind
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        label = label[0].lower() + label[1:]
    if not doc.title:
        return label
    open_q, close_q = language_ui(code)["quotes"]
    return f"{label} {open_q}{doc.title}{close_q}".strip()


def full_citation(doc: Document, label: str, url: str) -> str:
    """The text the "Cite" button copies (reader.js builds the same string)."""
    return ", ".join(p for p in (citation(doc), label) if p) + f" <{url}>"


def cite_labels(doc: Document) -> dict[str, str]:
    """The paragraph label of a citation, for every anchor that has a "Cite" button."""
    code = ui_language(doc.language)
    words = language_ui(code)["cite"]
    out: dict[str, str] = {}

    def add_items(items: list[Item], number: str, fmt: Callable[[str], str]) -> None:
        for item in items:
            n = f"{number} {item.label}".strip()
            out[item.id] = fmt(n)
            add_items(item.items, n, fmt)

    def add_paragraphs(paras: list[Paragraph], where: str) -> None:
        """Operative or attachment paragraphs; ``where`` prefixes the label ("annexe, ")."""
        unnumbered = [p for p in paras if not p.number]
        for p in paras:
            if p.number:
                key = "op" if p.number.isdigit() else "lettered"

                def fmt(n: str, key: str = key) -> str:
                    return where + str(words[key]).format(n=n)

                out[p.id] = fmt(p.number)
                add_items(p.items, p.number, fmt)
                continue
            if len(paras) == 1 and not where and len(doc.operative) == 1:
                out[p.id] = ""  # the one paragraph of a decision: the document itself
            else:
                nth = ordinal(unnumbered.index(p) + 1, code)
                out[p.id] = where + words["unnumbered"].format(n=nth)

            def item_fmt(n: str, base: str = out[p.id]) -> str:
                return f"{base}, {n}" if base else words["lettered"].format(n=n)

            add_items(p.items, "", item_fmt)

    numbers = preamble_numbers(doc)
    for p in doc.preamble:
        where = words["part"].format(n=p.part) + ", " if p.part else ""

        def pp_fmt(n: str, where: str = where) -> str:
            return where + str(words["pp"]).format(n=n)

        out[p.id] = pp_fmt(numbers[p.id])
        add_items(p.items, numbers[p.id], pp_fmt)
    for part in dict.fromkeys(p.part for p in doc.operative):
        where = words["part"].format(n=part) + ", " if part else ""
        add_paragraphs([p for p in doc.operative if p.part == part], where)
    for k, att in enumerate(doc.attachments, 1):
        name = words[attachment_kind(att)]
        if len(doc.attachments) > 1:
            name = f"{name} {k}"
        add_paragraphs(att.paragraphs, f"{name}, ")
    for r in doc.report:
        out[r.id] = words["rp"].format(n=r.number) if r.number else words["report"]
    for note in doc.footnotes:
        out[note.id] = words["fn"].format(n=note.mark)
    return out


def preamble_numbers(doc: Document) -> dict[str, str]:
    """The position of each preambular paragraph in its part ("3" for the third): not
    printed, but what a citation names ("al. 3 du préambule")."""
    seen: dict[str, int] = defaultdict(int)
    out: dict[str, str] = {}
    for p in doc.preamble:
        seen[p.part] += 1
        out[p.id] = str(seen[p.part])
    return out


def attachment_kind(att: Attachment) -> str:
    """ "attachment" when the printed header or title says so (OSCE), else "annex"."""
    printed = " ".join([*att.header, att.title])
    return "attachment" if _attachment_word().search(printed) else "annex"


# --------------------------------------------------------------------------- rich text


@dataclass
class FootnoteLinks:
    """Numbers each marker occurrence on a page, so a footnote can link back to each."""

    known: set[str]
    label: str = "note"
    refs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def ref(self, mark: str) -> Markup:
        fid = anchors.footnote(mark)
        if fid not in self.known:
            return Markup('<sup class="fn-mark">{}</sup>').format(mark)
        ref_id = anchors.footnote_ref(fid, len(self.refs[fid]) + 1)
        self.refs[fid].append(ref_id)
        return Markup(
            '<sup class="fn-ref"><a href="#{fid}" id="{rid}" '
            'aria-label="{label} {mark}">{mark}</a></sup>'
        ).format(fid=fid, rid=ref_id, mark=mark, label=self.label)


def typographic_spaces(text: str, code: str) -> str:
    """No-break spaces where the language's typography wants them, on display only (the
    data keeps the text as printed): French « x », x ; x : x ? x ! (``ui.nbsp_before``,
    ``ui.nbsp_after``), so that "2012 ;" never leaves a lone ";" on the next line."""
    before, after = _typography(code)
    if before is not None:
        text = before.sub(NBSP, text)
    if after is not None:
        text = after.sub(NBSP, text)
    return text


def rich_html(rich: str, links: FootnoteLinks | None = None, lang: str = "") -> Markup:
    """Rich text -> safe inline HTML (emphasis and footnote links only).

    markdown-it-py runs with raw HTML off, so ``<img onerror=...>`` comes out as
    ``&lt;img ...&gt;``; the result is Markup only because it was escaped here.
    """
    if lang in languages():
        rich = typographic_spaces(rich, lang)
    html = _INLINE.renderInline(rich)
    if links is None:
        return Markup(
            _RENDERED_MARKER.sub(lambda m: f'<sup class="fn-mark">{m.group(1)}</sup>', html)
        )
    return Markup(_RENDERED_MARKER.sub(lambda m: str(links.ref(m.group(1))), html))


def strip_lead(rich: str, lead: str) -> str:
    """The paragraph's text after its lead phrase (which the template prints in italics)."""
    if lead and rich.startswith(lead):
        return rich[len(lead) :]
    return rich


def sections(paras: list[Paragraph]) -> list[tuple[str, list[Paragraph]]]:
    """Paragraphs cut where a section heading is printed: [(heading, paragraphs), ...]."""
    out: list[tuple[str, list[Paragraph]]] = []
    for p in paras:
        if p.heading or not out:
            out.append((p.heading, []))
        out[-1][1].append(p)
    return out


def make_env(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_date"] = human_date
    env.globals["search_strings"] = search_strings
    env.globals["escape"] = escape
    return env


# --------------------------------------------------------------------------- pages


def render_document(env: Environment, doc: Document, site: dict[str, Any]) -> str:
    code = ui_language(doc.language)
    ui = page_strings(code)
    known = {n.id for n in doc.footnotes}
    links = FootnoteLinks(known=known)
    kind_label = kind_labels(doc.language).get(doc.kind, doc.kind)
    labels = cite_labels(doc)

    def rich(text: str) -> Markup:
        return rich_html(text, links, doc.language)

    def lead_and_rest(para: Paragraph) -> Markup:
        rest = strip_lead(para.rich, para.lead)
        lead = Markup('<em class="lead">{}</em>').format(para.lead) if para.lead else Markup("")
        return lead + rich(rest)

    common = dict(
        doc=doc,
        ui=ui,
        ui_lang=code,
        kind_label=kind_label,
        labels=labels,
        root="../",
        site=site_view(site),
    )
    # the footnote list comes last: render the body first so back-links are known
    body_html = env.get_template("document_body.html").render(
        **common,
        rich=rich,
        lead_and_rest=lead_and_rest,
        sections=sections,
        attachment_kind=attachment_kind,
        data_href="../" + anchors.data_url(doc.id),
        akn_href="../" + anchors.akn_url(doc.id),
        page_href=anchors.page_url(doc.id).split("/")[-1],
        groups=groups(doc),
        pp_numbers=preamble_numbers(doc),
    )
    notes_html = env.get_template("footnotes.html").render(
        **common,
        rich=lambda t: rich_html(t, None, doc.language),
        refs=links.refs,
    )
    return env.get_template("document.html").render(
        **common,
        body_html=Markup(body_html),
        notes_html=Markup(notes_html),
        lang=doc.language,
        title=doc.title or doc.label or doc.id,
        citation=citation(doc),
    )


def site_view(site: dict[str, Any]) -> dict[str, Any]:
    """The site settings as pages print them: name, and the tagline and footer of each of
    its languages, side by side."""
    homes = [language_ui(code)["home"] for code in site["languages"]]
    return {
        "name": site["name"],
        "languages": site["languages"],
        "tagline": " ".join(h["tagline"] for h in homes),
        "footer": " ".join(h["footer"] for h in homes),
    }


def _home_strings(site: dict[str, Any]) -> dict[str, Any]:
    """Template values of the home and search pages: their language's strings (``home``,
    ``ui``) and the other site languages' (``alt``: [(code, home strings)])."""
    first, *others = site["languages"]
    return dict(
        root="",
        site=site_view(site),
        lang=first,
        ui=page_strings(first),
        ui_lang=first,
        home=language_ui(first)["home"],
        alt=[(code, language_ui(code)["home"]) for code in others],
    )


def render_index(env: Environment, docs: list[Document], site: dict[str, Any]) -> str:
    rows = []
    for doc in docs:
        code = ui_language(doc.language)
        kind_label = kind_labels(doc.language).get(doc.kind, doc.kind)
        rows.append(
            {
                "doc": doc,
                "url": anchors.page_url(doc.id),
                "year": doc.date[:4],
                "kind_label": kind_label,
                "name": doc.label or " ".join(p for p in (kind_label, doc.number) if p),
                "date": human_date(doc.date, code),
                "language_name": page_strings(code)["languages"].get(doc.language, doc.language),
            }
        )
    by_body: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_body[row["doc"].body or row["doc"].organization or "—"].append(row)
    kinds: dict[str, str] = {}
    for row in rows:
        if row["doc"].kind:
            kinds.setdefault(row["doc"].kind, row["kind_label"])
    return env.get_template("index.html").render(
        rows=rows,
        groups=sorted(by_body.items()),
        **_home_strings(site),
        bodies=sorted({r["doc"].body for r in rows if r["doc"].body}),
        years=sorted({r["year"] for r in rows if r["year"]}, reverse=True),
        kinds=sorted(kinds.items(), key=lambda kv: kv[1]),
        languages=sorted({(r["doc"].language, r["language_name"]) for r in rows}),
    )


def render_search(env: Environment, site: dict[str, Any]) -> str:
    return env.get_template("search.html").render(**_home_strings(site))


__all__ = [
    "MARKER_RE",
    "render_document",
    "render_index",
    "render_search",
    "make_env",
    "rich_html",
    "citation",
    "cite_labels",
    "full_citation",
]
