"""Reading and citing in a real browser (Playwright driving Debian's /usr/bin/chromium).

Against the seeds as built by build.py (the session's ``built_site``), served over HTTP:

- deep links ``#op7``, ``#op7-a``, ``#pp3``, ``#fn2`` scroll to their element and highlight it;
- each paragraph's link control is its URL; the "Cite" action copies the citation;
- the home page lists every document, its filters work and live in the URL's query;
- axe-core finds no WCAG 2.1 AA violation; every control is reached by Tab with a visible focus;
- a phone (390 px) never scrolls sideways; print shows paragraph numbers and hides controls.

Citation format (src/resarchive/render.py builds it, static/js/reader.js copies it)::

    {body}, {symbol}, {date}, {paragraph} <{URL}#{anchor}>

A document without a symbol is named by its kind and number, lower-cased as inside a
sentence, and its title in quotes (« » with no-break spaces in French, “ ” in English); the
date follows when known::

    Commission pour la prévention du crime et la justice pénale, résolution 33/1
    « Lutte contre la traite ... », par. 7 a) <http://host/folder/doc/....html#op7-a>

Paragraph labels: ``par. 7``, ``par. 7 a)``, ``al. 3 du préambule``, ``note 2`` (French);
``para. 7``, ``para. 7 (a)``, ``preambular para. 3``, ``note 2`` (English). The document's own
"Cite" button copies the same without a paragraph label and without ``#anchor``.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NBSP = "\u00a0"
BODY = "Commission pour la prévention du crime et la justice pénale"
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def catalog(built_site: Path) -> list[dict]:
    return json.loads((built_site / "catalog.json").read_text(encoding="utf-8"))["documents"]


def find(catalog: list[dict], **fields: str) -> dict:
    hits = [d for d in catalog if all(d.get(k) == v for k, v in fields.items())]
    assert len(hits) == 1, f"expected one document with {fields}, found {len(hits)}"
    return hits[0]


@pytest.fixture(scope="module")
def draft(catalog: list[dict]) -> dict:
    """E/CN.15/2018/L.3: has a symbol, op7, pp3, fn2."""
    return find(catalog, symbol="E/CN.15/2018/L.3")


@pytest.fixture(scope="module")
def res331(catalog: list[dict]) -> dict:
    """Resolution 33/1 of the Commission's report: no symbol, op7 a)-c), footnotes 24-30."""
    return find(catalog, kind="resolution", number="33/1")


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base(built_site: Path) -> Iterator[str]:
    """The built site over HTTP, one server for the module (conftest's static_server is per
    test, and its shutdown waits half a second each time)."""
    handler = functools.partial(_Handler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def fr_date(iso: str) -> str:
    if not iso:
        return ""
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{'1er' if d == 1 else d} {MONTHS[m - 1]} {y}"


def expected_citation(doc: dict, label: str, url: str) -> str:
    """The documented format (module docstring), from the catalog's fields."""
    if doc["symbol"]:
        name = doc["symbol"]
    else:
        kind = doc["label"] or doc["kind"]
        name = f"{kind[0].lower()}{kind[1:]} «{NBSP}{doc['title']}{NBSP}»"
    parts = [doc["body"], name, fr_date(doc["date"]), label]
    return ", ".join(p for p in parts if p) + f" <{url}>"


IN_VIEW_JS = """(id) => {
  const el = document.getElementById(id);
  const r = el.getBoundingClientRect();
  const max = document.documentElement.scrollHeight - window.innerHeight;
  return {top: r.top, bottom: r.bottom, vh: window.innerHeight, scrollY: window.scrollY,
          atEnd: Math.abs(window.scrollY - max) < 2, target: el.classList.contains('is-target'),
          bg: getComputedStyle(el).backgroundColor};
}"""
PLAIN_BG_JS = """() =>
  getComputedStyle(document.querySelector('.para:not(.is-target)')).backgroundColor"""


def assert_highlighted_in_view(page, anchor: str) -> None:
    page.wait_for_function(
        "(id) => document.getElementById(id)?.classList.contains('is-target')", arg=anchor
    )
    s = page.evaluate(IN_VIEW_JS, anchor)
    assert s["target"], f"#{anchor} is not marked .is-target"
    assert s["bg"] not in ("rgba(0, 0, 0, 0)", "transparent", page.evaluate(PLAIN_BG_JS)), (
        f"#{anchor} has no highlight background ({s['bg']})"
    )
    assert 0 <= s["top"] < s["vh"] and s["bottom"] > 0, f"#{anchor} is out of the viewport: {s}"
    # scrolled to the top edge (scroll-margin-top), unless the page cannot scroll further
    assert s["top"] < 60 or s["atEnd"], f"#{anchor} was not scrolled to the top: {s}"


# --------------------------------------------------------------------------- deep links


@pytest.mark.parametrize("anchor", ["op7", "pp3", "fn2", "op7-a"])
def test_deep_link_scrolls_to_and_highlights(page, base, draft, res331, anchor) -> None:
    doc = res331 if anchor == "op7-a" else draft
    page.emulate_media(reduced_motion="reduce")  # the highlight without its flash animation
    page.goto(f"{base}{doc['url']}#{anchor}")
    assert_highlighted_in_view(page, anchor)
    assert page.locator(".is-target").count() == 1


def test_highlight_follows_the_hash(page, base, draft) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base}{draft['url']}#op7")
    assert_highlighted_in_view(page, "op7")
    page.evaluate("location.hash = '#pp3'")
    assert_highlighted_in_view(page, "pp3")
    assert not page.evaluate("document.getElementById('op7').classList.contains('is-target')")
    # an informal form is rewritten to the canonical anchor
    page.evaluate("location.hash = '#note2'")
    assert_highlighted_in_view(page, "fn2")
    assert page.url.endswith("#fn2")


def test_footnote_links_go_both_ways(page, base, draft) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(base + draft["url"])
    page.click("a#fn2-ref1")
    assert_highlighted_in_view(page, "fn2")
    page.click("#fn2 a.backref")
    assert page.url.endswith("#fn2-ref1")
    top = page.evaluate("document.getElementById('fn2-ref1').getBoundingClientRect().top")
    assert 0 <= top < page.viewport_size["height"]


def test_link_control_gives_the_paragraph_url(page, base, draft) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(base + draft["url"])
    url = base + draft["url"]
    for anchor in ("op7", "pp3", "fn2"):
        link = page.locator(f"[id='{anchor}'] > .tools > a.permalink")
        assert link.is_visible()
        assert link.evaluate("a => a.href") == f"{url}#{anchor}"
    page.locator("[id='op7'] > .tools > a.permalink").click()
    assert page.url == f"{url}#op7"
    assert_highlighted_in_view(page, "op7")


# --------------------------------------------------------------------------- citations


def cite(page, selector: str) -> str:
    """Click a "Cite" button; return what reached the clipboard (and check the box says it)."""
    page.locator(selector).click()
    box = page.locator(".cite-box textarea")
    box.wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert box.input_value() == copied
    return copied


def test_cite_copies_the_citation_of_a_document_with_a_symbol(page, base, draft) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    url = base + draft["url"]
    page.goto(url)
    text = cite(page, "[id='op7'] > .tools > button.cite")
    assert text == (
        "Commission pour la prévention du crime et la justice pénale, E/CN.15/2018/L.3, "
        f"13 avril 2018, par. 7 <{url}#op7>"
    )
    assert page.locator("#cite-status").text_content().endswith(text)
    assert cite(page, "[id='pp3'] > .tools > button.cite") == expected_citation(
        draft, "al. 3 du préambule", f"{url}#pp3"
    )
    assert cite(page, "[id='fn2'] > .tools > button.cite") == expected_citation(
        draft, "note 2", f"{url}#fn2"
    )
    assert cite(page, "button.cite-doc") == expected_citation(draft, "", url)


def test_cite_copies_the_citation_of_a_document_without_a_symbol(page, base, res331) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    url = base + res331["url"]
    page.goto(url)
    text = cite(page, "[id='op7-a'] > .tools > button.cite")
    assert text == expected_citation(res331, "par. 7 a)", f"{url}#op7-a")
    assert text.startswith(f"{BODY}, résolution 33/1 «{NBSP}Lutte contre la traite des êtres")


def test_cite_without_clipboard_shows_the_text_selected(browser, base, draft) -> None:
    """No Clipboard API (an old browser, a refused permission): the citation is shown."""
    context = browser.new_context()
    try:
        context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
        page = context.new_page()
        url = base + draft["url"]
        page.goto(url)
        page.locator("[id='op7'] > .tools > button.cite").click()
        box = page.locator(".cite-box textarea")
        box.wait_for()
        assert box.is_visible()
        assert box.input_value() == expected_citation(draft, "par. 7", f"{url}#op7")
        page.keyboard.press("Escape")
        assert page.locator(".cite-box").count() == 0
        assert page.evaluate("document.activeElement.matches('#op7 > .tools > button.cite')")
    finally:
        context.close()


# --------------------------------------------------------------------------- home page


def visible_urls(page) -> list[str]:
    return page.eval_on_selector_all(
        ".doc-row:not([hidden]) a.doc-link", "els => els.map(a => a.getAttribute('href'))"
    )


def test_home_lists_every_document_and_sets_lang(page, base, catalog) -> None:
    page.goto(base + "index.html")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert sorted(visible_urls(page)) == sorted(d["url"] for d in catalog)
    for doc in catalog:
        page.goto(base + doc["url"])
        assert page.evaluate("document.documentElement.lang") == doc["language"], doc["url"]


def test_home_filters_work_and_live_in_the_url(page, base, catalog) -> None:
    page.goto(base + "index.html")
    page.select_option("#filter-body", BODY)
    expect = sorted(d["url"] for d in catalog if d["body"] == BODY)
    assert 0 < len(expect) < len(catalog)
    assert sorted(visible_urls(page)) == expect
    page.select_option("#filter-year", "2018")
    expect = sorted(d["url"] for d in catalog if d["body"] == BODY and d["date"][:4] == "2018")
    assert sorted(visible_urls(page)) == expect
    query = parse_qs(urlparse(page.url).query)
    assert query == {"body": [BODY], "year": ["2018"]}
    assert page.locator("#filter-count").text_content().startswith(f"{len(expect)} / ")
    # the URL alone restores the view
    page.reload()
    assert page.input_value("#filter-body") == BODY and page.input_value("#filter-year") == "2018"
    assert sorted(visible_urls(page)) == expect
    # kind and language, from a shared link
    page.goto(base + "index.html?kind=decision&language=fr")
    expect = sorted(d["url"] for d in catalog if d["kind"] == "decision" and d["language"] == "fr")
    assert expect and sorted(visible_urls(page)) == expect
    # empty groups are hidden; "show all" clears the filters and the query
    assert page.locator(".group:not([hidden])").count() == len(
        {d["body"] for d in catalog if d["kind"] == "decision"}
    )
    page.click("#filter-reset")
    page.wait_for_function("() => !location.search")
    assert sorted(visible_urls(page)) == sorted(d["url"] for d in catalog)


# --------------------------------------------------------------------------- accessibility


def axe_violations(browser, url: str, width: int = 1280, before=None) -> list[dict]:
    # bypass_csp only so that this test can inject axe-core (the pages forbid inline scripts)
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(url)
        if before:
            before(page)
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return result["violations"]
    finally:
        context.close()


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["html"][:120] for n in v["nodes"][:3])
        for v in violations
    )


def test_axe_finds_no_wcag21aa_violation(browser, base, draft, res331, catalog) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run npm ci (make setup)", pytrace=False)
    osce = find(catalog, symbol="MC.DEC/7/17/Corr.1")

    def open_cite_box(page):
        page.locator("[id='op7-a'] > .tools > button.cite").click()
        page.locator(".cite-box").wait_for()

    pages = [
        (base + "index.html", 1280, None),
        (base + draft["url"] + "#op7", 1280, None),
        (base + res331["url"] + "#op7-a", 1280, open_cite_box),  # highlight + cite box
        (base + osce["url"], 390, None),  # attachment, phone layout
    ]
    found = {url: axe_violations(browser, url, width, before) for url, width, before in pages}
    assert not any(found.values()), "\n".join(
        f"{url}:\n{describe(v)}" for url, v in found.items() if v
    )


FOCUSABLE_JS = """() => {
  const sel = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const els = [...document.querySelectorAll(sel)].filter(el =>
    !el.disabled && el.checkVisibility({visibilityProperty: true}));
  els.forEach((el, i) => el.setAttribute('data-kbd', String(i)));
  return els.length;
}"""
FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  return {kbd: el.getAttribute('data-kbd'), html: el.outerHTML.slice(0, 120),
          outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
          shadow: s.boxShadow, inView: r.bottom > 0 && r.top < innerHeight && r.right > 0
          && r.left < innerWidth};
}"""
BLURRED_STYLE_JS = """(kbd) => {
  const el = document.querySelector(`[data-kbd="${kbd}"]`);
  document.activeElement.blur();
  const s = getComputedStyle(el);
  return {outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
          shadow: s.boxShadow};
}"""


def tab_through(page) -> tuple[int, dict[str, dict]]:
    """Press Tab until focus leaves the page or comes round; return the controls it reached."""
    total = page.evaluate(FOCUSABLE_JS)
    reached: dict[str, dict] = {}
    for _ in range(total + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE_JS)
        if state["kbd"] is None or state["kbd"] in reached:
            break
        reached[state["kbd"]] = state
    return total, reached


@pytest.mark.parametrize("which", ["home", "draft", "res331"])
def test_every_control_is_reached_by_keyboard_with_a_visible_focus(
    page, base, draft, res331, which
) -> None:
    url = {
        "home": base + "index.html",
        "draft": base + draft["url"],
        "res331": base + res331["url"],
    }[which]
    page.goto(url)
    total, reached = tab_through(page)
    assert total > 5
    assert len(reached) == total, f"Tab reached {len(reached)} of {total} controls"
    no_focus = []
    for kbd, state in reached.items():
        blurred = page.evaluate(BLURRED_STYLE_JS, kbd)
        visible = (
            not state["outline"].startswith("none")
            and float(state["outline"].split()[1].rstrip("px")) >= 2
        ) or state["shadow"] != "none"
        if not (
            visible
            and state["inView"]
            and (state["outline"], state["shadow"]) != (blurred["outline"], blurred["shadow"])
        ):
            no_focus.append(state)
    assert not no_focus, "no visible focus on:\n" + "\n".join(str(s) for s in no_focus[:10])


# --------------------------------------------------------------------------- phone and print


def test_phone_width_never_scrolls_sideways(browser, base, catalog) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        page = context.new_page()
        wide = []
        for rel in ["index.html", "search.html", *(d["url"] for d in catalog)]:
            page.goto(base + rel)
            if rel != "index.html" and rel != "search.html":
                page.locator("button.cite-doc").click()  # the cite box must fit too
                page.locator(".cite-box").wait_for()
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide.append((rel, width))
        assert not wide, f"wider than the phone (390 px): {wide}"
    finally:
        context.close()


PRINT_JS = """() => {
  const shown = el => el && getComputedStyle(el).display !== 'none'
    && el.getBoundingClientRect().width > 0;
  const all = sel => [...document.querySelectorAll(sel)];
  return {
    controlsShown: all('.tools, .doc-tools, button, .site-header, .search-form, .site-footer')
      .filter(shown).map(el => el.className || el.tagName),
    opNumbers: all('.operative .para > .num').map(el => shown(el) ? el.textContent.trim() : null),
    ppNumbers: all('.preamble .para > .num').map(el => shown(el) ? el.textContent.trim() : null),
    noteNumbers: all('.notes .note > .num').map(el => shown(el) ? el.textContent.trim() : null),
    url: shown(document.querySelector('.print-url'))
      ? document.querySelector('.print-url').textContent : null,
  };
}"""


def test_print_shows_paragraph_numbers_and_hides_controls(page, base, draft) -> None:
    url = base + draft["url"]
    page.goto(url)
    page.emulate_media(media="print")
    state = page.evaluate(PRINT_JS)
    assert state["controlsShown"] == []
    assert state["opNumbers"] == [f"{n}." for n in range(1, 8)]
    assert state["ppNumbers"] == [f"al. {n}" for n in range(1, len(state["ppNumbers"]) + 1)]
    assert len(state["ppNumbers"]) >= 3
    assert state["noteNumbers"][:4] == ["1", "2", "3", "4"]
    assert state["url"] and url in state["url"]
    page.emulate_media(media="screen")
    assert page.locator("[id='op7'] > .tools").is_visible()
