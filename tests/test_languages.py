"""Arabic, Russian and Chinese: each read with its own language data (data/ar.yaml,
ru.yaml, zh.yaml) and searched with its own pipeline (Snowball's Arabic and Russian
stemmers; Chinese cut into bigrams), on the one real UN text in those languages within
reach: the Universal Declaration of Human Rights (tests/udhr.py), beside the same text in
French, English and Spanish.

(The pipelines' agreement with the browser's, word for word, is in tests/test_textpipe.py.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import udhr
from conftest import missing
from playwright.sync_api import Page
from wordcount import html_text, missing_words, source_words, words

from resarchive.models import SourceText, plain
from resarchive.pipeline import detect_language, parse_source

REPO = Path(__file__).resolve().parents[1]
DONE = '#search-status[data-state="done"]'
LANGS = tuple(udhr.FILES)
# the body each language's enacting formula names
BODIES = {
    "fr": "Assemblée générale",
    "en": "General Assembly",
    "es": "Asamblea General",
    "ru": "Генеральная Ассамблея",
    "ar": "الجمعية العامة",
    "zh": "大会",
}

# what the English and Spanish print between the preamble and the formula
CONNECTORS = {"en": "Now, therefore,", "es": "Ahora, por tanto,"}


@pytest.fixture(scope="module")
def declarations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Declaration in the six languages as content files, without sidecars: each file's
    language is detected."""
    if not udhr.available():
        missing(f"{udhr.FOLDER} missing: run `make setup` (npm's dev dependencies)")
    content = tmp_path_factory.mktemp("udhr") / "content"
    content.mkdir()
    for lang in LANGS:
        (content / f"udhr-{lang}.txt").write_text(udhr.content_text(lang), encoding="utf-8")
    return content


@pytest.mark.parametrize("lang", LANGS)
def test_the_declaration_is_read_alike_in_six_languages(declarations: Path, lang: str) -> None:
    """The language is detected; the title is the declaration's; its preamble, printed before
    the formula, is its preamble, word for word under its heading; the formula names the
    General Assembly; the 50 paragraphs of the 30 articles come out word for word, in
    order, each article's heading before its first paragraph; nothing is left unclassified
    or in the masthead."""
    path = declarations / f"udhr-{lang}.txt"
    text = path.read_text(encoding="utf-8")
    assert detect_language(text) == lang
    (doc,) = parse_source(SourceText(path=path, rel=path.name, text=text))
    title, heading = (t for _, t in udhr.elements(lang)[:2])
    assert doc.language == lang and doc.body == BODIES[lang] and doc.title == title
    header = udhr.header_paragraphs(lang)
    formula_at = next(i for i, t in enumerate(header) if BODIES[lang] in t)
    recitals = [t for t in header[:formula_at] if t != CONNECTORS.get(lang)]
    assert [plain(p.rich) for p in doc.preamble] == recitals
    if lang in CONNECTORS:  # printed between the preamble and the formula: kept with it
        assert doc.formula.startswith(CONNECTORS[lang] + " ")
    assert doc.preamble[0].heading == heading
    expected = udhr.article_paragraphs(lang)
    got = [(p.heading, p.rich) for p in doc.operative][-len(expected) :]
    assert got == expected
    assert not doc.unclassified and not doc.header


@pytest.fixture(scope="module")
def udhr_site(declarations: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("udhr-site") / "site"
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(declarations),
         "--out", str(out), "--no-cache", "--quiet"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_no_word_of_the_declaration_is_lost(declarations: Path, udhr_site: Path, lang: str) -> None:
    source = (declarations / f"udhr-{lang}.txt").read_text(encoding="utf-8")
    page = html_text((udhr_site / "doc" / f"udhr-{lang}.html").read_text(encoding="utf-8"))
    assert missing_words(source_words(source), words(page)) == {}


def test_arabic_text_reads_right_to_left(udhr_site: Path) -> None:
    page = (udhr_site / "doc" / "udhr-ar.html").read_text(encoding="utf-8")
    assert '<html lang="ar">' in page and '<main id="main" tabindex="-1" dir="rtl">' in page
    for lang in ("fr", "ru", "zh"):
        assert 'dir="rtl"' not in (udhr_site / "doc" / f"udhr-{lang}.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("query", "lang", "marked"),
    [
        # Russian: another case of the same words ("права человека": of human rights)
        ("правами человеку", "ru", {"права", "человека"}),
        # Arabic: without the hamza and the article a reader seldom types
        ("الانسان", "ar", {"الإنسان"}),
        ("اعلان", "ar", {"الإعلان"}),
        # Chinese: a word is its bigrams, one after the other
        ("人权", "zh", {"人权"}),
        ("世界人权宣言", "zh", {"世界人权宣言"}),
    ],
)
def test_search_finds_arabic_russian_chinese(
    page: Page, static_server, udhr_site: Path, query: str, lang: str, marked: set[str]
) -> None:
    """From the French search page, a query in another language finds that language's
    paragraphs (its segment is searched beside the reader's) and marks the words found."""
    base = static_server(udhr_site)
    page.goto(f"{base}search.html?q={query}")
    page.wait_for_selector(f'{DONE}[data-query="{query}"]')
    rows = page.locator(f'#search-results a.result-link[lang="{lang}"]')
    assert rows.count() > 0, f"{query!r}: no {lang} row"
    marks = {m for m in rows.first.locator("mark").all_text_contents()}
    seen = set(
        page.locator(f'#search-results a.result-link[lang="{lang}"] mark').all_text_contents()
    )
    assert marked <= seen, f"{query!r}: marked {sorted(seen)}, first row {sorted(marks)}"
    assert page.locator(f'#search-results a.result-link:not([lang="{lang}"])').count() == 0
