"""Paragraph search in a real browser: Debian's chromium, the site built from content/ and
served by nginx from a sub-folder with the production CSP, the search in a Web Worker.

Each test types or opens a query a user would and checks what is shown: the marked words,
the paragraph labels, where a click lands.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

DONE = '#search-status[data-state="done"]'


@pytest.fixture
def site_url(built_site: Path, nginx_server) -> str:
    return nginx_server(built_site, "/archive/2024/")


@pytest.fixture
def watched(page: Page, site_url: str) -> Iterator[Page]:
    """The page, failing the test on a script error, a dialog or a request to another host."""
    problems: list[str] = []
    host = urlsplit(site_url).netloc
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on(
        "request",
        lambda r: (
            urlsplit(r.url).netloc in ("", host)
            or problems.append(f"request to another host: {r.url}")
        ),
    )
    yield page
    assert not problems, problems


def search(page: Page, site_url: str, q: str, **filters: str) -> None:
    params = "&".join(f"{k}={v}" for k, v in {"q": q, **filters}.items())
    page.goto(f"{site_url}search.html?{params}")
    page.wait_for_selector(f'{DONE}[data-query="{q}"]' if '"' not in q else DONE)


def marks(page: Page) -> list[str]:
    return page.locator("#search-results mark").all_text_contents()


def labels(page: Page) -> list[str]:
    return page.locator("#search-results .result-label").all_text_contents()


def result_count(page: Page) -> int:
    text = page.text_content("#search-status") or ""
    match = re.search(r"(\d+) paragraph", text)
    return int(match.group(1)) if match else 0


@pytest.mark.parametrize(
    ("query", "printed"),
    [
        ("reaffirmant", "Réaffirmant"),
        ("securite", "sécurité"),
        ("Etat membre", "États"),
        ("Etat membre", "Membres"),
        ("enfant", "enfants"),
        ("enfants", "l'enfant"),
    ],
)
def test_query_finds_printed_form(watched: Page, site_url: str, query: str, printed: str) -> None:
    search(watched, site_url, query)
    found = marks(watched)
    assert found, f"{query!r}: no result"
    assert printed in found or printed.lower() in [m.lower() for m in found], (
        f"{query!r} should mark {printed!r}; marked {sorted(set(found))[:20]}"
    )


def test_search_runs_in_a_worker(watched: Page, site_url: str) -> None:
    search(watched, site_url, "traite")
    assert watched.workers, "no Web Worker was started"
    assert any(w.url.endswith("/static/js/search-worker.js") for w in watched.workers)


def test_query_of_the_url_starts_before_the_page_has_loaded(watched: Page, site_url: str) -> None:
    """search-boot.js (in the <head>) starts the worker and sends the URL's query; search.js
    takes both over: one worker, one manifest, the query's shards fetched once."""
    fetched: list[str] = []
    watched.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    search(watched, site_url, "enfants")
    assert len(watched.workers) == 1, [w.url for w in watched.workers]
    assert sum(p.endswith("/search/manifest.json") for p in fetched) == 1, fetched
    shards = [p for p in fetched if re.search(r"/search/(fr|en)/s\d+/[\d-]+\.json$", p)]
    assert shards and len(shards) == len(set(shards)), shards
    # the worker is one file: the build inlined its libraries (assets.py)
    assert not [p for p in fetched if p.endswith(("/textpipe.js", "/search-core.js"))], fetched
    # the worker search.js uses is the one search-boot.js started
    assert watched.evaluate("!!(window.resarchiveSearchBoot && window.resarchiveSearchBoot.worker)")
    assert labels(watched), "no results shown"
    # a later query on the same page goes to the same worker
    watched.locator("#site-search").fill("sécurité")
    watched.locator("#site-search").press("Enter")
    watched.wait_for_selector(f'{DONE}[data-query="sécurité"]')
    assert len(watched.workers) == 1 and "sécurité" in " ".join(marks(watched)).lower()


def slow_page_script(page: Page) -> None:
    """search.js arrives a second late (a slow network): the worker started by search-boot.js
    answers before search.js is there, so search.js must replay what it was sent."""

    def late(route) -> None:
        time.sleep(1.0)
        route.continue_()

    page.route(re.compile(r".*/static/js/search\.js$"), late)


@pytest.mark.parametrize("slow", [False, True])
def test_filters_appear_without_a_query(watched: Page, site_url: str, slow: bool) -> None:
    if slow:
        slow_page_script(watched)
    watched.goto(f"{site_url}search.html")
    watched.wait_for_selector(DONE)
    expect(watched.locator("#search-filters select")).to_have_count(5)
    assert watched.locator('#search-filters select[name="language"] option').count() >= 2


def test_results_sent_before_the_page_script_are_shown(watched: Page, site_url: str) -> None:
    slow_page_script(watched)
    search(watched, site_url, "enfants")
    assert labels(watched) and "enfants" in " ".join(marks(watched)).lower()


def test_phrase_is_stricter_than_all_words(watched: Page, site_url: str) -> None:
    search(watched, site_url, "instamment prie")
    all_words = result_count(watched)
    search(watched, site_url, '"prie instamment"')
    phrase = result_count(watched)
    snippets = watched.locator("#search-results .result-snippet").all_text_contents()
    assert 0 < phrase <= all_words
    assert len(snippets) == phrase
    for s in snippets:
        assert re.search(r"prie\s+instamment", s, re.I), s


def test_paragraph_kind_filter(watched: Page, site_url: str) -> None:
    search(watched, site_url, "enfants")
    everything = result_count(watched)
    search(watched, site_url, "enfants", paragraph="operative")
    operative = result_count(watched)
    assert 0 < operative < everything
    assert all(label.startswith("op") for label in labels(watched)), labels(watched)


def test_body_filter_from_the_select_updates_url(watched: Page, site_url: str) -> None:
    search(watched, site_url, "enfants")
    body = "Conseil économique et social"
    watched.select_option('select[name="body"]', body)
    watched.wait_for_function(
        "() => new URLSearchParams(location.search).get('body') === 'Conseil économique et social'"
    )
    watched.wait_for_selector(DONE)
    metas = watched.locator("#search-results .result-meta").all_text_contents()
    assert metas and all(body in m for m in metas), metas
    assert parse_qs(urlsplit(watched.url).query)["q"] == ["enfants"]


def test_click_lands_on_the_paragraph_highlighted(watched: Page, site_url: str) -> None:
    search(watched, site_url, '"prie instamment"')
    first = watched.locator("#search-results a.result-link").first
    label = first.locator(".result-label").text_content()
    first.click()
    watched.wait_for_load_state()
    assert urlsplit(watched.url).fragment == label
    target = watched.locator(f"[id='{label}']")
    expect(target).to_be_in_viewport()
    assert target.evaluate("el => el.matches(':target')")
    assert re.search(r"instamment", target.text_content() or "")


def test_query_with_markup_is_shown_as_text(watched: Page, site_url: str) -> None:
    q = '<img src=x onerror=alert(1)> "</script>'
    watched.goto(f"{site_url}search.html")
    watched.fill("#site-search", q)
    watched.press("#site-search", "Enter")
    watched.wait_for_selector(DONE)
    assert watched.locator("main img").count() == 0
    assert watched.input_value("#site-search") == q
    assert watched.evaluate("() => document.title").startswith(q.strip())


def test_snowball_is_loaded_only_for_a_word_the_archive_never_printed(
    watched: Page, site_url: str, repo_root: Path
) -> None:
    """The worker makes the terms of a query's words from the stem forms of the buckets it
    loads; Snowball's WebAssembly (376 kB) is fetched only for a word no page holds, whose
    stem may still be the term of words that are printed."""
    from resarchive import index, textpipe
    from resarchive.load import load_documents

    entries = index.entries(load_documents(repo_root / "content").documents)
    forms = {w for e in entries for w in textpipe.stem_forms(e.text, "fr")}
    terms = {t for e in entries for t in textpipe.analyze(e.text, "fr")}
    # a word of the French corpus that the seeds do not print, but whose term they have
    unseen = next(
        w
        for w in ("enfantement", "sécurisés", "violentes", "terrorismes", "développées")
        if textpipe._stemmer_input(textpipe.fold(w), "fr") not in forms
        and textpipe.analyze(w, "fr")[0] in terms
    )
    asked: list[str] = []
    watched.on("request", lambda r: asked.append(r.url))
    search(watched, site_url, "enfants sécurité")
    assert result_count(watched) > 0 and marks(watched)
    assert not [u for u in asked if "multilingual-stemmer" in u], (
        "Snowball loaded for printed words"
    )
    search(watched, site_url, unseen)
    assert [u for u in asked if u.endswith(".wasm")], f"no Snowball for {unseen!r}"
    assert result_count(watched) > 0, f"{unseen!r} finds nothing: its stem was not used"


def test_results_appear_as_you_type_and_url_follows(watched: Page, site_url: str) -> None:
    watched.goto(f"{site_url}search.html")
    watched.wait_for_selector(DONE)
    watched.locator("#site-search").press_sequentially("sécur", delay=40)
    watched.wait_for_selector('#search-status[data-state="done"][data-query="sécur"]')
    assert watched.locator("#search-results li").count() > 0
    assert parse_qs(urlsplit(watched.url).query)["q"] == ["sécur"]
    assert any(m.lower().startswith("sécur") for m in marks(watched))


def test_keyboard_arrows_and_enter(watched: Page, site_url: str) -> None:
    search(watched, site_url, "traite")
    watched.focus("#site-search")
    watched.keyboard.press("ArrowDown")
    watched.keyboard.press("ArrowDown")
    second = watched.locator("#search-results a.result-link").nth(1)
    assert second.evaluate("el => el === document.activeElement")
    watched.keyboard.press("ArrowUp")
    watched.keyboard.press("ArrowUp")
    assert watched.evaluate("() => document.activeElement.id") == "site-search"
    watched.keyboard.press("ArrowDown")
    href = watched.locator("#search-results a.result-link").first.get_attribute("href")
    watched.keyboard.press("Enter")
    watched.wait_for_url(re.compile(re.escape(href.split("#")[1]) + "$"))


def test_slash_focuses_search_and_short_list_on_a_document(watched: Page, site_url: str) -> None:
    watched.goto(f"{site_url}doc/e-cn-15-2018-l-3-fr.html")
    watched.keyboard.press("/")
    assert watched.evaluate("() => document.activeElement.id") == "site-search"
    watched.keyboard.type("securite")
    watched.wait_for_selector(DONE)
    popup = watched.locator("#search-popup")
    expect(popup).to_be_visible()
    assert "sécurité" in [m.lower() for m in marks(watched)]
    all_link = popup.locator("a.search-all")
    assert all_link.get_attribute("href").endswith("search.html?q=securite")
    watched.keyboard.press("Escape")
    expect(popup).to_be_hidden()


# ------------------------------------------------------- common words, top pieces first

TINY_SHARD = 1_200  # bytes: the seeds' frequent words (over 400) become common words (index.py)


@pytest.fixture(scope="module")
def tiny_shard_site(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built (by build.py's own main) with 1,200-byte shards."""
    from resarchive import cli, index

    out = tmp_path_factory.mktemp("tiny") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index, "SHARD_BYTES", TINY_SHARD)
        assert (
            cli.main(
                [
                    "--content",
                    str(repo_root / "content"),
                    "--out",
                    str(out),
                    "--no-cache",
                    "--quiet",
                ]
            )
            == 0
        )
    return out


def result_links(page: Page) -> list[str]:
    return page.locator("#search-results a.result-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


@pytest.mark.parametrize("query", ["enfants", "Etats membres", '"Etats membres"', "enfan*"])
def test_common_words_show_first_rows_from_top_pieces(
    page: Page, site_url: str, tiny_shard_site: Path, nginx_server, query: str
) -> None:
    """A query of common words alone shows its first rows from the words' top pieces, a
    prefix starting a common word (enfan*) from its prefix piece. Here the words' other
    pieces are refused: the first rows still appear, and they are the first rows
    of the normal site; with the pieces, the whole list and count are the normal site's.
    (Two servers, so not the `watched` page; script errors still fail the test.)"""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    watched = page
    manifest = json.loads((tiny_shard_site / "search" / "manifest.json").read_text())
    tops, pieces = set(), set()
    ((segment, buckets),) = manifest["languages"]["fr"]["segments"]
    for b in range(buckets):
        bucket = json.loads((tiny_shard_site / "search" / "fr" / segment / f"{b}.json").read_text())
        for k, s in enumerate(bucket["shards"]):
            if len(s) == 3:
                tops.add(s[0])
            elif len(s) == 4:
                pieces.add(f"fr/{segment}/{b}-{k}.json")
    assert {"enfant", "etat", "membr"} <= tops

    search(watched, site_url, query)
    expected, expected_status = result_links(watched), watched.text_content("#search-status")
    assert len(expected) == 20

    tiny = nginx_server(tiny_shard_site, "/tiny/")
    search(watched, tiny, query)
    assert result_links(watched) == expected
    assert watched.text_content("#search-status") == expected_status

    refused: list[str] = []

    def refuse(route) -> None:
        refused.append(route.request.url)
        route.abort()

    watched.context.route(
        re.compile(r".*/search/fr/s\d+/\d+-\d+\.json$"),
        lambda route: (
            refuse(route) if route.request.url.split("/search/")[1] in pieces else route.continue_()
        ),
    )
    watched.goto(f"{tiny}search.html?q={query}")
    watched.wait_for_selector('#search-status[data-state="error"]')
    assert refused, "no piece was asked for"
    shown = result_links(watched)
    assert shown and shown == expected[: len(shown)]
    assert len(shown) >= 5, shown
    assert not errors, errors
