"""Language versions, side by side, citations and the reader's language, in Debian's chromium:
the site built from ten GA session 78 texts (conftest.VERSIONS) served by nginx from a
sub-folder with the production CSP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from resarchive import anchors

DONE = '#search-status[data-state="done"]'


@pytest.fixture(scope="module")
def ids(versions_site: Path) -> dict[tuple[str, str], str]:
    """(UN file name without its language letter, language) -> document id."""
    catalog = json.loads((versions_site / "catalog.json").read_text(encoding="utf-8"))
    return {(Path(d["source"]).stem[:-1], d["language"]): d["id"] for d in catalog["documents"]}


@pytest.fixture
def site_url(versions_site: Path, nginx_server) -> str:
    return nginx_server(versions_site, "/archive/2024/")


@pytest.fixture
def watched(page: Page, site_url: str) -> Iterator[Page]:
    """The page (a French-speaking browser), failing the test on a script error or a request
    to another host."""
    problems: list[str] = []
    host = urlsplit(site_url).netloc
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: urlsplit(r.url).netloc in ("", host) or problems.append(f"request: {r.url}"),
    )
    yield page
    assert not problems, problems


def result_languages(page: Page) -> list[str]:
    return page.eval_on_selector_all("#search-results a.result-link", "els => els.map(e => e.lang)")


def highlighted(page: Page) -> list[str]:
    return page.eval_on_selector_all(".is-target", "els => els.map(e => e.id)")


def test_switching_language_keeps_the_paragraph(watched: Page, site_url: str, ids) -> None:
    fr, en = ids["A_RES_78_150-2325910", "fr"], ids["A_RES_78_150-2325910", "en"]
    watched.goto(f"{site_url}{anchors.page_url(fr)}#op7")
    assert highlighted(watched) == ["op7"]
    watched.click('nav.versions a[hreflang="en"]')
    watched.wait_for_load_state()
    assert watched.url == f"{site_url}{anchors.page_url(en)}#op7"
    assert highlighted(watched) == ["op7"]
    assert watched.evaluate("document.documentElement.lang") == "en"
    # a paragraph chosen after the page opened goes along too
    watched.goto(f"{site_url}{anchors.page_url(en)}#op2")
    watched.evaluate("location.hash = '#op5'")
    watched.click('nav.versions a[hreflang="fr"]')
    watched.wait_for_load_state()
    assert watched.url == f"{site_url}{anchors.page_url(fr)}#op5"
    assert highlighted(watched) == ["op5"]


def test_following_a_citation_opens_the_cited_paragraph(watched: Page, site_url: str, ids) -> None:
    en274, en254 = ids["A_RES_78_274-2407847", "en"], ids["A_RES_78_254AC-2326242", "en"]
    watched.goto(f"{site_url}{anchors.page_url(en274)}#op3")
    link = watched.locator("#op3 a.ref", has_text="paragraph 2 of its resolution 78/254 C")
    link.click()
    watched.wait_for_load_state()
    assert watched.url == f"{site_url}{anchors.page_url(en254)}#c-op2"
    assert highlighted(watched) == ["c-op2"]
    box = watched.locator("#c-op2").bounding_box()
    assert box is not None and 0 <= box["y"] < watched.viewport_size["height"]
    # and back: the cited page lists the citing paragraph
    watched.click(f'.cited-by a[href$="{anchors.page_url(en274).removeprefix("doc/")}#op3"]')
    watched.wait_for_load_state()
    assert highlighted(watched) == ["op3"]


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_side_by_side_wide_and_narrow(
    browser: Browser, site_url: str, width: int, height: int
) -> None:
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(f"{site_url}doc/a-res-78-150.fr-en.html#op7")
        assert highlighted(page) == ["op7"]
        left, right = (c.bounding_box() for c in page.locator("#op7 .parallel-cell").all())
        assert left is not None and right is not None
        if width > 800:  # two columns: side by side, the French on the left
            assert abs(left["y"] - right["y"]) < 2 and right["x"] >= left["x"] + left["width"]
        else:  # a phone: the English under the French, full width
            assert abs(left["x"] - right["x"]) < 2 and right["y"] >= left["y"] + left["height"]
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        langs = page.eval_on_selector_all("#op7 .parallel-cell", "els => els.map(e => e.lang)")
        assert langs == ["fr", "en"]
        # the paragraph the French lacks: said, not filled by the next one
        missing = page.locator("#pp4-en .parallel-cell.missing")
        assert missing.count() == 1 and "français" in missing.inner_text().lower()
        assert "Reiterating that the 2030 Agenda" in page.locator("#pp4-en").inner_text()
        assert page.locator(".misaligned[role=note]").is_visible()
    finally:
        context.close()


def test_home_and_search_follow_the_readers_language(browser: Browser, site_url: str) -> None:
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{site_url}index.html")
        page.wait_for_url(f"{site_url}index.en.html")
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator("label[for=filter-language]").inner_text() == "Language"
        page.goto(f"{site_url}search.html?q=Sudan")
        page.wait_for_url(f"{site_url}search.en.html?q=Sudan")
        page.wait_for_selector(DONE)
        assert page.locator("#search-filters label").first.inner_text().startswith("Language")
        assert page.locator("#search-results .result").count() > 0
        # the reader chooses French: remembered over the browser's English
        page.click('.ui-switch a[data-ui-choice="fr"]')
        page.wait_for_url(f"{site_url}search.html?q=Sudan")
        page.wait_for_selector(DONE)
        assert page.locator("#search-filters label").first.inner_text().startswith("Langue")
        page.goto(f"{site_url}index.html")
        page.wait_for_load_state()
        assert page.url == f"{site_url}index.html"
        assert page.locator("label[for=filter-language]").inner_text() == "Langue"
    finally:
        context.close()
    context = browser.new_context(locale="es-ES")
    try:
        page = context.new_page()
        page.goto(f"{site_url}index.html")
        page.wait_for_url(f"{site_url}index.es.html")
        assert page.locator("label[for=filter-language]").inner_text() == "Idioma"
    finally:
        context.close()


def test_search_shows_the_other_languages_paragraph(
    watched: Page, site_url: str, versions_site: Path, ids
) -> None:
    watched.goto(f"{site_url}search.html?q=Soudan&language=fr&other=1")
    watched.wait_for_selector(DONE)
    # an arrow function: Playwright polls an expression string through eval, which the
    # site's Content-Security-Policy refuses when the first check is not yet true
    watched.wait_for_function(
        "() => document.querySelectorAll('.result-other[data-state=done]').length"
        " === document.querySelectorAll('.result').length"
    )
    results = watched.locator("#search-results .result").all()
    assert results
    english = {
        doc_id: json.loads((versions_site / anchors.data_url(doc_id)).read_text("utf-8"))
        for (_, lang), doc_id in ids.items()
        if lang == "en"
    }
    checked = 0
    for result in results:
        href = result.locator("a.result-link").get_attribute("href") or ""
        other = result.locator(".result-other-text")
        assert other.get_attribute("lang") == "en"
        anchor = href.split("#")[1]
        target = result.locator(".result-other-lang").get_attribute("href") or ""
        doc_id = Path(target.split("#")[0]).stem
        assert target.endswith(f"#{anchor}")
        texts = {
            p["id"]: p["text"] for part in ("preamble", "operative") for p in english[doc_id][part]
        }
        if anchor in texts:
            assert other.inner_text().strip() == texts[anchor]
            checked += 1
    assert checked > 0
    # off: no other language
    watched.uncheck("#search-other")
    watched.wait_for_selector(DONE)
    assert watched.locator(".result-other").count() == 0
    assert "other=1" not in watched.url


def test_other_languages_are_searched_without_snowball(watched: Page, site_url: str) -> None:
    """The reader's language first, then the others, each by the forms it printed: a French
    word that no English text prints finds the French paragraphs and nothing in English,
    without fetching Snowball's WebAssembly to stem it for English; an English word on the
    French page, which no French text prints, loads Snowball for French (the reader's
    language is searched exactly) and still finds the English paragraphs."""
    asked: list[str] = []
    watched.on("request", lambda r: asked.append(r.url))
    watched.goto(f"{site_url}search.html?q=Soudan")
    watched.wait_for_selector(DONE)
    langs = result_languages(watched)
    assert langs and set(langs) == {"fr"}, langs
    assert not [u for u in asked if "multilingual-stemmer" in u], "Snowball for another language"
    watched.goto(f"{site_url}search.html?q=Sudan")
    watched.wait_for_selector(DONE)
    langs = result_languages(watched)
    assert "en" in langs, langs
    assert [u for u in asked if u.endswith(".wasm")], "no Snowball for the reader's language"
