"""Any static host, any folder: the built seeds served by nginx from /archive/2024/.

- Link checker (Python HTML parser over every page of the built site): every URL is relative
  (no scheme, no host, no leading "/"), every internal link names a file of the site, and every
  ``#fragment`` is an id of the page it points to. The one exception: a cited resolution the
  archive does not hold links to the UN's address for it (common.yaml's ``address``), and such
  a link is marked as leaving the archive (class ``ref-out``, rel ``external``); it is a link
  the reader may follow, never a request the page makes.
- Security (same parse): no inline script, no ``on*`` attribute, no inline style, no
  ``javascript:`` URL; every page's Content-Security-Policy has no 'unsafe-inline'.
- Crawl (Playwright on Debian's chromium, through nginx with the production CSP header): from
  the folder's URL, every page reachable by a link is opened, every link target in the site
  answers 200 (the marked links to the UN's site are not followed: no network here),
  fragments resolve in the live DOM, the console shows no error and no CSP violation, and every
  request the browser makes stays on the server and inside /archive/2024/.
"""

from __future__ import annotations

import json
import posixpath
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from resarchive.references import common

# where a marked link may leave the archive: the origins of common.yaml's addresses
OUTSIDE = {
    "{0.scheme}://{0.netloc}/".format(urlsplit(o.address))
    for o in common().organs.values()
    if o.address
}

PREFIX = "/archive/2024/"
URL_ATTRS = {
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("form", "action"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("object", "data"),
    ("embed", "src"),
    ("area", "href"),
    ("input", "src"),
    ("use", "href"),
}


@dataclass
class Page:
    path: str  # relative to the site root, with "/"
    ids: list[str] = field(default_factory=list)
    urls: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attr, value)
    outside: set[str] = field(default_factory=set)  # hrefs of links marked as leaving
    inline_scripts: int = 0
    handlers: list[str] = field(default_factory=list)  # on* attributes
    styles: list[str] = field(default_factory=list)  # style attributes and <style> elements
    csp: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.in_script = False
        self.script_has_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.page.ids.append(a["id"])
        for name, value in a.items():
            if name.startswith("on"):
                self.page.handlers.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.page.styles.append(f"<{tag} style={value!r}>")
            if (tag, name) in URL_ATTRS:
                self.page.urls.append((tag, name, value))
        if (
            tag == "a"
            and "ref-out" in a.get("class", "").split()
            and "external" in a.get("rel", "").split()
        ):
            self.page.outside.add(a.get("href", ""))
        if tag == "style":
            self.page.styles.append("<style>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.page.csp.append(a.get("content", ""))
        if tag == "script":
            self.in_script, self.script_has_src = True, "src" in a
            if "src" not in a:
                self.page.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and self.script_has_src and data.strip():
            self.page.inline_scripts += 1


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[str, Page]:
    out = {}
    for file in sorted(built_site.rglob("*.html")):
        rel = file.relative_to(built_site).as_posix()
        page = Page(rel)
        _Parser(page).feed(file.read_text(encoding="utf-8"))
        out[rel] = page
    assert "index.html" in out and len(out) > 3
    return out


# --------------------------------------------------------------------------- static checks


def test_every_link_is_relative_and_resolves(built_site: Path, pages: dict[str, Page]) -> None:
    problems: list[str] = []
    checked = fragments = leaving = 0
    for page in pages.values():
        for tag, attr, value in page.urls:
            where = f"{page.path}: <{tag} {attr}={value!r}>"
            parts = urlsplit(value)
            if parts.scheme == "data" and tag == "link":
                continue  # <link rel="icon" href="data:,">: no request at all
            if value in page.outside and any(value.startswith(o) for o in OUTSIDE):
                leaving += 1  # a cited resolution outside the archive, marked so
                continue
            if parts.scheme or parts.netloc or value.startswith("/"):
                problems.append(f"{where} is not relative")
                continue
            if parts.scheme == "javascript" or value.lower().startswith("javascript:"):
                problems.append(f"{where} runs script")
                continue
            checked += 1
            target = page.path
            if parts.path:
                target = posixpath.normpath(
                    posixpath.join(posixpath.dirname(page.path), parts.path)
                )
                if target.startswith("../") or not (built_site / target).is_file():
                    problems.append(f"{where} -> {target}: no such file in the site")
                    continue
            if parts.fragment:
                fragments += 1
                if target not in pages:
                    problems.append(f"{where}: a #fragment on a file that is not a page")
                elif parts.fragment not in pages[target].ids:
                    problems.append(f"{where}: no id {parts.fragment!r} in {target}")
    assert not problems, f"{len(problems)} bad links:\n" + "\n".join(problems[:40])
    print(
        f"\nlink checker: {len(pages)} pages, {checked} links, {fragments} with a #fragment, "
        f"{leaving} marked as leaving the archive"
    )
    assert checked > 300 and fragments > 200 and leaving > 0, (checked, fragments, leaving)


def test_ids_are_unique(pages: dict[str, Page]) -> None:
    dupes = {p.path: sorted({i for i in p.ids if p.ids.count(i) > 1}) for p in pages.values()}
    assert not any(dupes.values()), {k: v for k, v in dupes.items() if v}


def test_catalog_urls_resolve(built_site: Path) -> None:
    catalog = json.loads((built_site / "catalog.json").read_text(encoding="utf-8"))
    for doc in catalog["documents"]:
        for key in ("url", "data"):
            assert not urlsplit(doc[key]).scheme and not doc[key].startswith("/"), doc[key]
            assert (built_site / doc[key]).is_file(), doc[key]


def test_no_inline_script_handler_or_style(pages: dict[str, Page]) -> None:
    bad = {
        p.path: (p.inline_scripts, p.handlers, p.styles)
        for p in pages.values()
        if p.inline_scripts or p.handlers or p.styles
    }
    assert not bad, bad


def test_every_page_carries_a_strict_csp(pages: dict[str, Page]) -> None:
    for page in pages.values():
        assert len(page.csp) == 1, f"{page.path}: {len(page.csp)} CSP meta elements"
        directives = dict(d.strip().split(None, 1) for d in page.csp[0].split(";") if d.strip())
        assert directives.get("script-src") == "'self'", page.path
        assert directives.get("style-src") == "'self'", page.path
        assert "unsafe-inline" not in page.csp[0] and "unsafe-eval" not in page.csp[0], page.path


# --------------------------------------------------------------------------- nginx + browser


CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_site_works_from_a_subfolder_and_stays_on_its_host(
    browser, nginx_server, built_site: Path
) -> None:
    base = nginx_server(built_site, PREFIX)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))

    with urllib.request.urlopen(base) as response:  # noqa: S310 (our own local server)
        header = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in header and "unsafe-inline" not in header

    # a French-speaking browser: index.html and search.html lead an English one to their
    # English pages (lang.js), a redirect that would abort the page's first requests
    context = browser.new_context(locale="fr-FR")
    requests: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.on(
        "response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    context.on("requestfailed", lambda r: failed.append(f"failed {r.url}: {r.failure}"))
    context.add_init_script(CSP_WATCH)
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))

        todo, seen = [base], set()
        ids: dict[str, set[str]] = {}
        links: list[tuple[str, str]] = []  # (page, absolute href)
        outside_links: list[str] = []  # marked as leaving the archive: not followed
        while todo:
            url = todo.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert page.evaluate("window.__csp") == [], f"CSP violations on {url}"
            assert page.evaluate("getComputedStyle(document.body).fontFamily") != "", (
                url
            )  # the stylesheet
            ids[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
            hrefs = page.eval_on_selector_all(
                "a[href]:not(.ref-out[rel~=external])", "els => els.map(a => a.href)"
            )
            outside_links += page.eval_on_selector_all(
                ".ref-out[rel~=external]", "els => els.map(a => a.href)"
            )
            for href in hrefs:
                links.append((url, href))
                target = urldefrag(href).url
                if target.startswith(base) and target.endswith(".html") and target not in seen:
                    todo.append(target)
        # the search page and the header's search box, from a page one folder down
        page.goto(base + "search.html?q=traite")
        page.wait_for_load_state("networkidle")
        doc_page = next(u for u in seen if "/doc/" in u)
        page.goto(doc_page)
        page.fill("#site-search", "enfants")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)

        # every link target answers, every fragment names an element of the live page
        bad: list[str] = []
        for source, href in links:
            target, fragment = urldefrag(href)
            if not target.startswith(base):
                bad.append(f"{source}: {href} leaves the site")
                continue
            if target in ids:
                if fragment and fragment not in ids[target]:
                    bad.append(f"{source}: #{fragment} not in {target}")
            elif context.request.get(target).status != 200:
                bad.append(f"{source}: {target} does not answer 200")
        bad += [h for h in outside_links if not any(h.startswith(o) for o in OUTSIDE)]
        assert not bad, "\n".join(bad[:30])
    finally:
        context.close()

    print(f"\ncrawled {len(seen)} pages, {len(links)} links, {len(requests)} requests")
    assert len(seen) >= 12, sorted(seen)  # the home page, 11 documents (and the folder URL)
    outside = [
        u
        for u in requests
        if not (u.startswith(origin + PREFIX) or u.startswith(("data:", "blob:")))
    ]
    assert not outside, "requests outside the site's folder or host:\n" + "\n".join(outside)
    assert not failed, "\n".join(failed)
    assert not errors, "\n".join(errors[:20])
