"""Stage 6, render: documents -> HTML pages through the Jinja templates in templates/.

Everything is escaped: Jinja autoescapes, and rich text goes through markdown-it-py with raw
HTML disabled (only emphasis and backslash escapes are enabled), so a text that holds
``<img onerror=...>`` or ``{{ 7*7 }}`` is shown as printed. Footnote markers become
superscript links whose ids the footnote list links back to.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from .footnotes import footnote_id
from .langdata import lang as language_data
from .models import MARKER_RE, Document

_INLINE = MarkdownIt("zero").enable(["emphasis", "escape"])
_RENDERED_MARKER = re.compile("\ue000([^\ue001<>]*)\ue001")

UI = {
    "fr": {
        "preamble": "Préambule", "operative": "Dispositif", "footnotes": "Notes",
        "attachments": "Pièces jointes et annexes", "unclassified": "Texte non classé",
        "unclassified_note": "Le lecteur n’a pas su placer ce texte ; il est reproduit tel quel.",
        "context": "Dans le rapport", "report": "Texte du rapport", "header": "En-tête",
        "symbol": "Cote", "date": "Date", "body": "Organe", "kind": "Type",
        "sponsors": "Auteurs", "session": "Session", "agenda": "Point de l’ordre du jour",
        "language": "Langue", "source": "Source", "link": "Lien", "cite": "Citer",
        "copied": "Copié", "back": "Retour au texte", "uncited": "appel de note absent du texte",
        "paragraph": "par.", "data": "Données (JSON)", "home": "Accueil",
        "organ": "Organe principal", "place": "Lieu",
    },
    "en": {
        "preamble": "Preamble", "operative": "Operative part", "footnotes": "Notes",
        "attachments": "Attachments and annexes", "unclassified": "Unclassified text",
        "unclassified_note": "The reader could not place this text; it is shown as printed.",
        "context": "In the report", "report": "Report text", "header": "Masthead",
        "symbol": "Symbol", "date": "Date", "body": "Body", "kind": "Kind",
        "sponsors": "Sponsors", "session": "Session", "agenda": "Agenda item",
        "language": "Language", "source": "Source", "link": "Link", "cite": "Cite",
        "copied": "Copied", "back": "Back to text", "uncited": "marker not found in the text",
        "paragraph": "para.", "data": "Data (JSON)", "home": "Home",
        "organ": "Principal organ", "place": "Place",
    },
}
MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}


def doc_url(doc: Document) -> str:
    """Path of a document's page, relative to the site root."""
    return f"doc/{doc.id}.html"


def data_url(doc: Document) -> str:
    return f"data/{doc.id}.json"


def human_date(iso: str, code: str) -> str:
    if not iso:
        return ""
    d = datetime.date.fromisoformat(iso)
    month = MONTHS.get(code, MONTHS["en"])[d.month - 1]
    day = "1er" if code == "fr" and d.day == 1 else str(d.day)
    return f"{day} {month} {d.year}"


@dataclass
class FootnoteLinks:
    """Numbers each marker occurrence on a page, so a footnote can link back to each."""

    known: set[str]
    refs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def ref(self, mark: str) -> Markup:
        fid = footnote_id(mark)
        if fid not in self.known:
            return Markup('<sup class="fn-mark">{}</sup>').format(mark)
        ref_id = f"{fid}-ref{len(self.refs[fid]) + 1}"
        self.refs[fid].append(ref_id)
        return Markup('<sup class="fn-ref"><a href="#{fid}" id="{rid}" '
                      'aria-label="note {mark}">{mark}</a></sup>').format(fid=fid, rid=ref_id, mark=mark)


def rich_html(rich: str, links: FootnoteLinks | None = None) -> Markup:
    """Rich text -> safe inline HTML (emphasis and footnote links only)."""
    html = _INLINE.renderInline(rich)
    if links is None:
        return Markup(_RENDERED_MARKER.sub(lambda m: f'<sup class="fn-mark">{m.group(1)}</sup>', html))
    return Markup(_RENDERED_MARKER.sub(lambda m: str(links.ref(m.group(1))), html))


def strip_lead(rich: str, lead: str) -> str:
    """The paragraph's text after its lead phrase (which the template prints in italics)."""
    if lead and rich.startswith(lead):
        return rich[len(lead):]
    return rich


def make_env(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_date"] = human_date
    env.globals["escape"] = escape
    return env


def citation(doc: Document) -> str:
    """The citation prefix of a document; the paragraph label is added by the page script."""
    parts = [doc.body or doc.organization, doc.symbol or _fallback_name(doc),
             human_date(doc.date, doc.language)]
    return ", ".join(p for p in parts if p)


def _fallback_name(doc: Document) -> str:
    labels = language_data(doc.language).kind_labels if doc.language in ("fr", "en") else {}
    label = doc.label or labels.get(doc.kind, "")
    return f"{label} « {doc.title} »" if doc.language == "fr" else f'{label} "{doc.title}"'


def render_document(env: Environment, doc: Document, site: dict) -> str:
    known = {n.id for n in doc.footnotes}
    links = FootnoteLinks(known=known)
    kind_labels = language_data(doc.language).kind_labels if doc.language in ("fr", "en") else {}

    def rich(text: str) -> Markup:
        return rich_html(text, links)

    def lead_and_rest(para) -> Markup:
        rest = strip_lead(para.rich, para.lead)
        lead = Markup('<em class="lead">{}</em>').format(para.lead) if para.lead else Markup("")
        return lead + rich(rest)

    # the footnote list comes last: render the body first so back-links are known
    page = env.get_template("document.html")
    body_html = env.get_template("document_body.html").render(
        doc=doc, rich=rich, lead_and_rest=lead_and_rest, ui=UI.get(doc.language, UI["en"]),
        kind_label=kind_labels.get(doc.kind, doc.kind), root="../", site=site,
    )
    notes_html = env.get_template("footnotes.html").render(
        doc=doc, rich=lambda t: rich_html(t), refs=links.refs, ui=UI.get(doc.language, UI["en"]),
    )
    return page.render(
        doc=doc, body_html=Markup(body_html), notes_html=Markup(notes_html), root="../",
        ui=UI.get(doc.language, UI["en"]), site=site, lang=doc.language,
        title=doc.title or doc.label, citation=citation(doc), data_url="../" + data_url(doc),
        kind_label=kind_labels.get(doc.kind, doc.kind), rich=lambda t: rich_html(t),
    )


def render_index(env: Environment, docs: list[Document], site: dict) -> str:
    rows = []
    for doc in docs:
        labels = language_data(doc.language).kind_labels if doc.language in ("fr", "en") else {}
        rows.append({
            "doc": doc, "url": doc_url(doc), "year": doc.date[:4],
            "kind_label": labels.get(doc.kind, doc.kind),
        })
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["doc"].body or "—"].append(row)
    return env.get_template("index.html").render(
        rows=rows, groups=sorted(groups.items()), root="", site=site, lang="fr",
        bodies=sorted({r["doc"].body for r in rows if r["doc"].body}),
        years=sorted({r["year"] for r in rows if r["year"]}, reverse=True),
        kinds=sorted({(r["doc"].kind, r["kind_label"]) for r in rows if r["doc"].kind}),
        languages=sorted({r["doc"].language for r in rows}),
    )


def render_search(env: Environment, site: dict) -> str:
    return env.get_template("search.html").render(root="", site=site, lang="fr")


__all__ = ["MARKER_RE", "render_document", "render_index", "render_search", "make_env",
           "doc_url", "data_url", "rich_html", "citation"]
