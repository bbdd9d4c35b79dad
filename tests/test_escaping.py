"""Everything is escaped: hostile text in a content file is shown as text, never run.

tests/fixtures/escaping/escaping.txt is a small French draft resolution whose title, a
preambular paragraph, an operative paragraph, a footnote and two lines the parser cannot place
(the "unclassified" block) hold ``<img src=x onerror=alert(1)>``, ``</script>`` and
``{{ 7*7 }}``. It is built as a user builds (``python build.py --content ... --out ...``) and
opened in Chromium in a context that *bypasses* the page's Content-Security-Policy: the CSP
would stop an injected handler anyway, and this test is about the escaping, not the CSP.
"""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "escaping"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT_END = "</script>"
TEMPLATE = "{{ 7*7 }}"
TITLE = f"Protéger le texte {IMG} contre {SCRIPT_END} et {TEMPLATE}"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("escaping") / "site"
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(FIXTURE), "--out", str(out)],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Done: 1 documents" in result.stdout, result.stdout
    return out


@pytest.fixture(scope="module")
def record(site: Path) -> dict:
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    (entry,) = catalog["documents"]
    return {"entry": entry, "data": json.loads((site / entry["data"]).read_text(encoding="utf-8"))}


def test_data_export_keeps_the_text_as_printed(record: dict) -> None:
    """The JSON holds the strings themselves: neither HTML-escaped twice nor evaluated."""
    entry, data = record["entry"], record["data"]
    assert entry["title"] == TITLE and data["title"] == TITLE
    texts = [p["text"] for p in data["preamble"] + data["operative"]]
    assert any(IMG in t for t in texts)
    assert any(SCRIPT_END in t and TEMPLATE in t for t in texts)
    assert any(IMG in t and SCRIPT_END in t and TEMPLATE in t for t in texts)  # op1
    (note,) = data["footnotes"]
    assert IMG in note["text"] and SCRIPT_END in note["text"] and TEMPLATE in note["text"]
    assert any(IMG in u["text"] for u in data["unclassified"])
    for blob in (json.dumps(entry, ensure_ascii=False), json.dumps(data, ensure_ascii=False)):
        assert "&lt;" not in blob and "49" not in blob


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.inline_scripts = 0
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [k for k, _ in attrs if k.startswith("on")]
        if tag == "script":
            self._script = True
            self.inline_scripts += not any(k == "src" for k, _ in attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and data.strip():
            self.inline_scripts += 1
        self.text.append(data)


def test_pages_hold_no_markup_from_the_text(site: Path, record: dict) -> None:
    html_files = sorted(site.rglob("*.html"))
    assert len(html_files) >= 3  # the document, the home page, the search page
    for file in html_files:
        parsed = _Tags()
        parsed.feed(file.read_text(encoding="utf-8"))
        name = file.relative_to(site)
        assert "img" not in parsed.tags, name
        assert not parsed.handlers and not parsed.inline_scripts, name
    doc = _Tags()
    doc.feed((site / record["entry"]["url"]).read_text(encoding="utf-8"))
    text = "".join(doc.text).replace(NBSP, " ")
    assert text.count(IMG) >= 5 and text.count(TEMPLATE) >= 4 and text.count(SCRIPT_END) >= 4
    assert "49" not in text


def test_browser_shows_the_strings_as_text(
    browser, static_server, site: Path, record: dict
) -> None:
    base = static_server(site)
    context = browser.new_context(bypass_csp=True)  # see the module docstring
    dialogs: list[str] = []
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        page.goto(base + record["entry"]["url"])
        page.wait_for_load_state("load")
        assert page.evaluate("document.images.length") == 0
        assert page.title().startswith(TITLE)
        assert page.inner_text("h1") == TITLE

        def shown(selector: str) -> str:
            return page.inner_text(selector).replace(NBSP, " ")

        assert IMG in shown("#pp1")
        assert SCRIPT_END in shown("#pp2") and TEMPLATE in shown("#pp2")
        assert IMG in shown("#op1") and SCRIPT_END in shown("#op1") and TEMPLATE in shown("#op1")
        note = shown("#fn1")
        assert IMG in note and SCRIPT_END in note and TEMPLATE in note
        body = page.inner_text("body")
        assert "49" not in body
        # the unclassified block: visible, marked, and escaped too
        block = page.locator("section.unclassified")
        assert block.is_visible()
        assert "Texte non classé" in block.inner_text()
        assert IMG in block.inner_text()
        # the cite box shows the citation as text as well
        page.locator("[id='op1'] > .tools > button.cite").click()
        page.locator(".cite-box").wait_for()

        page.goto(base + "index.html")
        assert page.evaluate("document.images.length") == 0
        assert page.inner_text("a.doc-link") == TITLE
        page.goto(base + "search.html?q=" + "img")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.images.length") == 0
        assert "49" not in page.inner_text("body")
    finally:
        context.close()
    assert dialogs == [], f"a dialog fired: {dialogs}"
    assert errors == [], errors
