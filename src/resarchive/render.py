"""Stage 6, render: documents -> HTML pages through the Jinja templates in templates/.

Stage: render. May import: models, anchors, langdata, references, reflinks, relations,
align, agreed, compare.

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
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup, escape

from . import anchors, references
from .agreed import Related
from .align import align
from .compare import compare
from .langdata import interface_languages, languages
from .langdata import lang as language_data
from .langdata import ui as language_ui
from .models import MARKDOWN_RE, MARKER_RE, Attachment, Document, Item, Paragraph, groups
from .reflinks import RefLinker, Target, cites, install
from .relations import Link, Relations

_INLINE = install(MarkdownIt("zero").enable(["emphasis", "escape"]))
_RENDERED_MARKER = re.compile("\ue000([^\ue001<>]*)\ue001")
NBSP = "\u00a0"


def ui_language(code: str) -> str:
    """The language of the page's interface: the document's, when the data speaks it."""
    return code if code in interface_languages() else "en"


def right_to_left(code: str) -> bool:
    """Is the language written right to left (Arabic)? Its text is set ``dir="rtl"``."""
    return code in languages() and language_data(code).direction == "rtl"


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
    return attribute_json({**search, "values": values})


def attribute_json(data: Any) -> Markup:
    """``data`` as compact JSON escaped for a single-quoted attribute (half the bytes of
    Jinja's escaping of every double quote)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
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
    words = sorted({w for c in interface_languages() for w in language_ui(c)["attachment_words"]})
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


def rich_html(
    rich: str, links: FootnoteLinks | None = None, lang: str = "", refs: RefLinker | None = None
) -> Markup:
    """Rich text -> safe inline HTML: emphasis, footnote links, and with ``refs`` the
    references to resolutions and decisions as links (reflinks.py).

    markdown-it-py runs with raw HTML off, so ``<img onerror=...>`` comes out as
    ``&lt;img ...&gt;``; the result is Markup only because it was escaped here.
    """
    cached = refs.html.get(rich) if refs is not None else None
    if cached is not None:
        html = cached
    else:
        spaced = typographic_spaces(rich, lang) if lang in interface_languages() else rich
        if MARKDOWN_RE.search(spaced) or (refs is not None and cites(spaced, refs)):
            html = _INLINE.renderInline(spaced, {"references": refs} if refs else {})
        else:  # what markdown-it makes of it: the text, escaped (40 times faster)
            html = escapeHtml(spaced)
        if refs is not None:
            refs.html[rich] = html
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


def make_env(templates: Path, compiled: Path | None = None) -> Environment:
    """The templates' environment. ``compiled``: a folder where Jinja keeps the compiled
    templates between runs (checked against each template's source)."""
    bytecode = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        bytecode = FileSystemBytecodeCache(str(compiled))
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        bytecode_cache=bytecode,
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_date"] = human_date
    env.globals["search_strings"] = search_strings
    env.globals["rtl"] = right_to_left
    env.globals["escape"] = escape
    return env


# --------------------------------------------------------------------------- pages


def linker(doc: Document, rel: Relations, root: str, code: str) -> RefLinker:
    """How the references of ``doc``'s text become links: to the archived document's page
    and paragraph, else to the UN's address for the symbol (references.address)."""
    own = references.normalize_symbol(doc.symbol) if doc.symbol else ""

    def resolve(ref: references.Reference) -> Target | None:
        target = rel.targets.get(ref.symbol)
        if target is not None:
            cited = rel.anchor(ref.symbol, ref.paragraph, ref.number)
            fragment = f"#{cited}" if cited else ""
            return Target(f"{root}{anchors.page_url(target)}{fragment}", external=False)
        fragment = f"#{ref.paragraph}" if ref.paragraph else ""
        if own and references.normalize_symbol(ref.symbol) == own:
            return Target(fragment, external=False) if fragment else None
        url = references.address(ref.organ, ref.symbol, code)
        return Target(url, external=True) if url else None

    return RefLinker(
        lang=doc.language,
        organ=references.organ_of(doc.symbol, doc.body, doc.language),
        resolve=resolve,
        outside_label=str(page_strings(code)["outside"]),
    )


def _linker(
    doc: Document, rel: Relations, code: str, linkers: dict[str, RefLinker] | None
) -> RefLinker:
    if linkers is None:
        return linker(doc, rel, "../", code)
    if doc.id not in linkers:
        linkers[doc.id] = linker(doc, rel, "../", code)
    return linkers[doc.id]


def anchor_label(anchor: str, code: str) -> str:
    """What a list of citing paragraphs calls an anchor: "par. 7", "al. 3 du préambule",
    "note 2" (the anchor itself when it is none of these)."""
    words = language_ui(code)["cite"]
    for pattern, key in _ANCHOR_LABELS:
        m = pattern.fullmatch(anchor)
        if m:
            label = " ".join(x for x in m.groups() if x)
            return str(words[key]).format(n=label)
    return anchor


_ANCHOR_LABELS = (
    (re.compile(r"op(\d+)(?:-([a-z]+))?(?:-([ivxl]+))?"), "op"),
    (re.compile(r"pp(\d+)(?:-([a-z]+))?"), "pp"),
    (re.compile(r"fn(\w+)"), "fn"),
)


def citing_documents(
    cited_by: list[Link], code: str, root: str
) -> list[tuple[Link, list[tuple[str, str]]]]:
    """The "Cited by" list: each citing document once, with the (label, href) of every
    paragraph or note of it that cites."""
    out: dict[str, tuple[Link, list[tuple[str, str]]]] = {}
    for c in cited_by:
        entry = out.setdefault(c.document, (c, []))
        href = f"{root}{anchors.page_url(c.document)}#{c.anchor}"
        if all(h != href for _, h in entry[1]):
            entry[1].append((anchor_label(c.anchor, code), href))
    return list(out.values())


def chrome(site: dict[str, Any], code: str) -> dict[str, Any]:
    """What the header and footer of every page need in the interface language ``code``:
    the home and search pages in it, and the language switch (each language's own name
    and pages)."""
    default = site["languages"][0]
    here = code if code in site["languages"] else default
    return {
        "home_href": anchors.ui_page_url("index", here, default),
        "search_href": anchors.ui_page_url("search", here, default),
        "switch": [
            (
                c,
                language_data(c).name,
                anchors.ui_page_url("index", c, default),
                anchors.ui_page_url("search", c, default),
            )
            for c in site["languages"]
        ],  # fmt: skip
    }


# What stands for a slot while a page is rendered as a skeleton, on each side of its name: a
# NUL and a per-process nonce, which no text holds. A slot is a paragraph's agreed-language
# box (its anchor: "op7") or a part of the frame ("@series", "@versions", "@cited_by").
_SLOT = f"\0{secrets.token_hex(8)}\0"
_FRAME = "@"  # no anchor starts with it


@dataclass(frozen=True)
class PageSkeleton:
    """A document's page with its slots left out (``pieces``: text, slot, text, slot, ...,
    text): the agreed-language boxes, and what it shows of other documents besides the links
    of its text (render.frame_parts). Those change on the pages of most documents that share
    a wording, a symbol or a citation with a document added or removed: a rebuild fills them
    into the skeleton it kept, where rendering the page again took 35 ms."""

    pieces: tuple[str, ...]
    code: str  # the interface language: the boxes' words
    any_agreed: bool  # the page holds the agreed lists' reader (agreed.js's data element)
    document: str  # the document's id, language and symbol: its frame's links
    language: str
    symbol: str

    def fill(self, rel: Relations, env: Environment, site: dict[str, Any]) -> str | None:
        """The page, with ``rel``'s boxes and frame; None if it needs the lists' reader
        added or removed (rendered again)."""
        if bool(rel.agreed) != self.any_agreed:
            return None
        view = agreed_view(rel, self.code)
        frame = frame_parts(env, self, rel, site)
        out = list(self.pieces)
        for i in range(1, len(out), 2):
            slot = out[i]
            out[i] = frame[slot] if slot.startswith(_FRAME) else agreed_box(view.get(slot))
        return "".join(out)


def frame_parts(
    env: Environment, page: PageSkeleton, rel: Relations, site: dict[str, Any]
) -> dict[str, str]:
    """Slot -> HTML of what a page shows of other documents (document_frame.html): the
    previous and next version, the other languages and side-by-side pages, the citing
    documents."""
    macros = env.get_template("document_frame.html").module
    ui = page_strings(page.code)
    versions = [v for v in rel.translations if v.language in languages()]
    return {
        f"{_FRAME}series": macros.series(  # type: ignore[attr-defined]
            ui,
            rel.previous,
            rel.next,
            lambda doc_id: beside(anchors.page_url(doc_id)),
            beside(anchors.compare_url(page.document)),
        ),
        f"{_FRAME}versions": macros.versions(  # type: ignore[attr-defined]
            ui,
            [
                (v, language_data(v.language).name, beside(anchors.page_url(v.document)))
                for v in versions
            ],
            [
                (
                    v,
                    ui["languages"].get(v.language, v.language),
                    "../" + _parallel_url(page.language, page.symbol, v, site),
                )
                for v in versions
            ],
        ),
        f"{_FRAME}cited_by": macros.cited_by(  # type: ignore[attr-defined]
            ui, citing_documents(rel.cited_by, page.code, "../")
        ),
    }


def render_document(
    env: Environment,
    doc: Document,
    site: dict[str, Any],
    rel: Relations | None = None,
    linkers: dict[str, RefLinker] | None = None,
) -> str:
    """A document's page. ``linkers``: document id -> its RefLinker, kept by the caller to
    render a text once for all the pages that show it (the side-by-side pages)."""
    rel = rel or Relations()
    page = document_skeleton(env, doc, site, rel, linkers).fill(rel, env, site)
    assert page is not None  # the skeleton was made with rel's lists
    return page


def document_skeleton(
    env: Environment,
    doc: Document,
    site: dict[str, Any],
    rel: Relations | None = None,
    linkers: dict[str, RefLinker] | None = None,
) -> PageSkeleton:
    """A document's page, its agreed-language boxes left to fill (PageSkeleton)."""
    code = ui_language(doc.language)
    ui = page_strings(code)
    rel = rel or Relations()
    known = {n.id for n in doc.footnotes}
    links = FootnoteLinks(known=known)
    kind_label = kind_labels(doc.language).get(doc.kind, doc.kind)
    labels = cite_labels(doc)
    refs = _linker(doc, rel, code, linkers)

    def rich(text: str) -> Markup:
        return rich_html(text, links, doc.language, refs)

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
        site=site_view(site, code),
        frame=lambda part: Markup(f"{_SLOT}{_FRAME}{part}{_SLOT}"),
        **chrome(site, code),
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
        page_href=beside(anchors.page_url(doc.id)),
        groups=groups(doc),
        pp_numbers=preamble_numbers(doc),
        agreed_box=lambda anchor: Markup(f"{_SLOT}{anchor}{_SLOT}"),
        any_agreed=bool(rel.agreed),
        agreed_strings=agreed_strings(code),
        page_url_pattern=beside(anchors.page_url("{id}")),
    )
    notes_html = env.get_template("footnotes.html").render(
        **common,
        rich=lambda t: rich_html(t, None, doc.language, refs),
        refs=links.refs,
    )
    page = env.get_template("document.html").render(
        **common,
        body_html=Markup(body_html),
        notes_html=Markup(notes_html),
        lang=doc.language,
        title=doc.title or doc.label or doc.id,
        citation=citation(doc),
    )
    return PageSkeleton(
        tuple(page.split(_SLOT)), code, bool(rel.agreed), doc.id, doc.language, doc.symbol
    )


def beside(url: str) -> str:
    """A page of doc/ as linked from another page of doc/: its file name."""
    return url.rsplit("/", 1)[-1]


def agreed_view(rel: Relations, code: str) -> dict[str, dict[str, Any]]:
    """Anchor -> what its "agreed language" disclosure says without opening: a summary line
    ("identical in A/RES/77/12 and 6 more · first agreed in A/RES/70/1 (2015)") and the
    links it holds before its list is loaded (the newest identical, the first agreed)."""
    ui = page_strings(code)
    out: dict[str, dict[str, Any]] = {}
    for anchor, found in rel.agreed.items():
        parts: list[str] = []
        links: list[tuple[str, str]] = []
        if found.identical:
            newest = rel.others[found.entries[0].document]
            key = "agreed_identical_more" if found.identical > 1 else "agreed_identical"
            parts.append(str(ui[key]).format(symbol=_name(newest), n=found.identical - 1))
            links.append((_name(newest), _href(found.entries[0])))
        if found.near:
            parts.append(str(ui["agreed_near"]).format(n=found.near))
        if found.first:
            first = rel.others[found.first.document]
            year = first.date[:4]
            if links and found.first.document == found.entries[0].document:
                parts.append(str(ui["agreed_first_there"]).format(year=year))
            else:
                parts.append(str(ui["agreed_first"]).format(symbol=_name(first), year=year))
                links.append((_name(first), _href(found.first)))
        elif found.identical:
            parts.append(str(ui["agreed_first_here"]))
        elif found.entries:
            links.append((_name(rel.others[found.entries[0].document]), _href(found.entries[0])))
        out[anchor] = {"summary": " · ".join(parts), "links": links, "first": found.first is None
                       and found.identical > 0}  # fmt: skip
    return out


def agreed_box(view: dict[str, Any] | None) -> Markup:
    """A paragraph's agreed-language disclosure (its agreed_view entry), or nothing. The
    summary says it in a line; the list is read from the document's JSON when the disclosure
    opens (agreed.js, which finds the paragraph by the id of the element holding it);
    without JS the newest identical and the first agreed are links. Kept short: a page's
    bytes."""
    if not view:
        return Markup("")
    # escape() and an f-string: Markup.format took 70 % of filling a page's boxes
    links = " · ".join(
        f'<a href="{escape(href)}">{escape(label)}</a>' for label, href in view["links"]
    )
    kind = "agreed first-agreed" if view["first"] else "agreed"
    return Markup(
        f'<details class="{kind}"><summary>{escape(view["summary"])}</summary>{links}</details>'
    )


@cache
def agreed_strings(code: str) -> Markup:
    """What agreed.js says, in one language (the page's ``agreed_*`` strings), as JSON for
    a single-quoted attribute."""
    ui = page_strings(code)
    picked = {k.removeprefix("agreed_"): v for k, v in ui.items() if k.startswith("agreed_")}
    return attribute_json(picked)


def _name(link: Link) -> str:
    return link.symbol or link.title


def _href(r: Related) -> str:
    return f"{beside(anchors.page_url(r.document))}#{r.anchor}"


def render_comparison(
    env: Environment, doc: Document, previous: Document, site: dict[str, Any]
) -> str:
    """``doc`` against its previous version (compare.py): every paragraph's words kept,
    inserted and deleted, and the paragraphs new, deleted and moved."""
    code = ui_language(doc.language)
    ui = page_strings(code)
    rows = compare(previous, doc)
    counts = {s: sum(1 for r in rows if r.status == s) for s in ui["compare_status"]}
    return env.get_template("compare.html").render(
        root="../",
        site=site_view(site, code),
        lang=doc.language,
        ui=ui,
        ui_lang=code,
        **chrome(site, code),
        doc=doc,
        previous=previous,
        rows=rows,
        counts=str(ui["compare_counts"]).format(**counts),
        title=str(ui["compare_title"]).format(
            symbol=doc.symbol or doc.title, previous=previous.symbol or previous.title
        ),
        page_href=beside(anchors.page_url(doc.id)),
        previous_href=beside(anchors.page_url(previous.id)),
    )


def parallel_url(doc: Document, other: Link, site: dict[str, Any]) -> str:
    """The side-by-side page of two versions: one page per pair, its languages in the
    site's order (French left of English), then by code."""
    return _parallel_url(doc.language, doc.symbol, other, site)


def _parallel_url(language: str, symbol: str, other: Link, site: dict[str, Any]) -> str:
    order = {c: n for n, c in enumerate(site["languages"])}
    left, right = sorted((language, other.language), key=lambda c: (order.get(c, 99), c))
    return anchors.parallel_url(symbol, left, right)


def site_view(site: dict[str, Any], code: str) -> dict[str, Any]:
    """The site settings as pages print them, in the interface language ``code``."""
    home = language_ui(code if code in site["languages"] else site["languages"][0])["home"]
    return {
        "name": site["name"],
        "languages": site["languages"],
        "tagline": home["tagline"],
        "footer": home["footer"],
    }


def _home_strings(site: dict[str, Any], code: str, page: str) -> dict[str, Any]:
    """Template values of the home and search pages in the interface language ``code``;
    ``page``: "index" or "search" (for the language switch and its script)."""
    default = site["languages"][0]
    pages = {c: anchors.ui_page_url(page, c, default) for c in site["languages"]}
    return dict(
        root="",
        site=site_view(site, code),
        lang=code,
        ui=page_strings(code),
        ui_lang=code,
        home=language_ui(code)["home"],
        ui_pages=Markup(
            json.dumps(pages, sort_keys=True)
            .replace("&", "&amp;")
            .replace("'", "&#39;")
            .replace("<", "&lt;")
        ),  # fmt: skip
        ui_default=code == default,
        page_kind=page,
        **chrome(site, code),
    )


@dataclass
class KeptRows:
    """The home pages' rows as HTML, by the page's language and everything a row shows: the
    previous build's (``old``) and those this build used (``new``, what the next build is
    given). Rendering every row took 0.23 s per home page at 7,810 documents."""

    old: dict[tuple[str, ...], str] = field(default_factory=dict)
    new: dict[tuple[str, ...], str] = field(default_factory=dict)

    def html(self, key: tuple[str, ...], make: Callable[[], str]) -> str:
        found = self.new.get(key) or self.old.get(key)
        if found is None:
            found = str(make())
        self.new[key] = found
        return found


def render_index(
    env: Environment,
    docs: list[Document],
    site: dict[str, Any],
    code: str = "",
    kept: KeptRows | None = None,
) -> str:
    code = code or site["languages"][0]
    kept = kept if kept is not None else KeptRows()
    make = env.get_template("home_row.html").module.doc_row  # type: ignore[attr-defined]
    names = page_strings(code)["languages"]

    def row(doc: Document) -> dict[str, Any]:
        kind_label = kind_labels(doc.language).get(doc.kind, doc.kind)
        return {
            "doc": doc,
            "url": anchors.page_url(doc.id),
            "year": doc.date[:4],
            "name": doc.label or " ".join(p for p in (kind_label, doc.number) if p),
            "date": human_date(doc.date, ui_language(doc.language)),
            "language_name": names.get(doc.language, doc.language),
        }

    def row_html(doc: Document) -> str:
        return str(make(row(doc)))

    by_body: dict[str, list[str]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for doc in docs:
        # what the row shows comes from these fields and the page's language
        key = (code, doc.id, doc.body, doc.kind, doc.language, doc.title, doc.symbol,
               doc.date, doc.label, doc.number)  # fmt: skip
        html = kept.html(key, partial(row_html, doc))
        by_body[doc.body or doc.organization or "—"].append(html)
        if doc.kind and doc.kind not in kinds:
            kinds[doc.kind] = kind_labels(doc.language).get(doc.kind, doc.kind)
    return env.get_template(
        "index.html"
    ).render(
        count=len(docs),
        groups=[
            (body, len(htmls), Markup("".join(htmls)))  # noqa: S704 - rendered by doc_row
            for body, htmls in sorted(by_body.items())
        ],
        **_home_strings(site, code, "index"),
        bodies=sorted({d.body for d in docs if d.body}),
        years=sorted({d.date[:4] for d in docs if d.date[:4]}, reverse=True),
        kinds=sorted(kinds.items(), key=lambda kv: kv[1]),
        languages=sorted({(d.language, names.get(d.language, d.language)) for d in docs}),
    )


def render_search(env: Environment, site: dict[str, Any], code: str = "") -> str:
    code = code or site["languages"][0]
    return env.get_template("search.html").render(**_home_strings(site, code, "search"))


def render_parallel(
    env: Environment,
    left: Document,
    right: Document,
    site: dict[str, Any],
    rels: tuple[Relations, Relations],
    linkers: dict[str, RefLinker] | None = None,
) -> str:
    """Two versions side by side, row by row (align.py): each row holds the paragraph of
    both, or of one with a note that the other lacks it."""
    code = ui_language(left.language)
    ui = page_strings(code)
    names = ui["languages"]
    sides = []
    for doc, rel in zip((left, right), rels, strict=True):
        refs = _linker(doc, rel, ui_language(doc.language), linkers)

        # footnote marks stay marks: both columns hold the same notes (one row, #fn2)
        def rich(text: str, doc: Document = doc, refs: RefLinker = refs) -> Markup:
            return rich_html(text, None, doc.language, refs)

        sides.append({"doc": doc, "rich": rich, "href": beside(anchors.page_url(doc.id)),
                      "name": names.get(doc.language, doc.language)})  # fmt: skip
    rows = align(left, right)
    missing = sum(1 for r in rows if not r.aligned)
    return env.get_template("parallel.html").render(
        root="../",
        site=site_view(site, code),
        lang=code,
        ui=ui,
        ui_lang=code,
        **chrome(site, code),
        left=sides[0],
        right=sides[1],
        rows=rows,
        missing=missing,
        title=str(ui["parallel_title"]).format(
            symbol=left.symbol, left=sides[0]["name"], right=sides[1]["name"]
        ),
        missing_in=lambda side: str(ui["missing_in"]).format(language=side["name"]),
    )


__all__ = [
    "MARKER_RE",
    "RefLinker",
    "render_document",
    "document_skeleton",
    "PageSkeleton",
    "render_index",
    "render_search",
    "render_parallel",
    "render_comparison",
    "make_env",
    "rich_html",
    "citation",
    "cite_labels",
    "full_citation",
]
