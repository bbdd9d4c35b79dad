"""Self-test of the shared fixtures in conftest.py (independent of build.py).

A tiny site is served by `static_server` and by `nginx_server` under /archive/2024/ and opened
in Debian's Chromium through `page`. Under nginx the production CSP must arrive with the page and
the browser must enforce it: the external script runs, the inline one does not.
The corpus fixtures must give one .txt and one .gold.json per XML file.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

TITLE = "Harness check – résolutions"

INDEX_HTML = f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>{TITLE}</title>
<link rel="stylesheet" href="style.css">
<script src="app.js" defer></script>
</head>
<body>
<h1>Assemblée générale</h1>
<script>document.documentElement.dataset.inline = "ran";</script>
</body>
</html>
"""


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    (site / "app.js").write_text('document.documentElement.dataset.external = "ran";\n')
    (site / "style.css").write_text("h1 { color: rgb(0, 51, 102); }\n")
    return site


@pytest.mark.browser
def test_static_server_serves_directory(static_server, page, tiny_site: Path) -> None:
    base = static_server(tiny_site)
    assert base.startswith("http://127.0.0.1:") and base.endswith("/")

    response = page.goto(base)
    assert response is not None and response.status == 200
    assert page.title() == TITLE
    assert page.locator("h1").inner_text() == "Assemblée générale"
    html = page.locator("html")
    assert html.get_attribute("data-external") == "ran"
    assert html.get_attribute("data-inline") == "ran"  # no CSP here
    assert page.locator("h1").evaluate("e => getComputedStyle(e).color") == "rgb(0, 51, 102)"
    assert page.request.get(base + "missing.html").status == 404


@pytest.mark.browser
def test_nginx_server_prefix_and_csp(nginx_server, page, tiny_site: Path) -> None:
    base = nginx_server(tiny_site, "/archive/2024/")
    assert urlsplit(base).path == "/archive/2024/"

    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    response = page.goto(base)
    assert response is not None and response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp

    assert page.title() == TITLE
    html = page.locator("html")
    assert html.get_attribute("data-external") == "ran"
    assert html.get_attribute("data-inline") is None, "CSP should block the inline script"
    assert any("Content Security Policy" in text for text in console), console
    assert page.locator("h1").evaluate("e => getComputedStyle(e).color") == "rgb(0, 51, 102)"

    # Only the prefix is served; the bare prefix redirects to it; errors carry the CSP too.
    origin = base[: -len("/archive/2024/")]
    assert page.request.get(origin + "/index.html").status == 404
    bare = page.request.get(origin + "/archive/2024", max_redirects=0)
    assert bare.status == 301
    assert urlsplit(bare.headers["location"]).path == "/archive/2024/"
    missing = page.request.get(base + "missing.html")
    assert missing.status == 404
    assert "content-security-policy" in missing.headers


@pytest.mark.corpus
def test_corpus_dir_has_one_txt_and_gold_per_xml(corpus_xml_dir: Path, corpus_dir: Path) -> None:
    folders = sorted(p.name for p in corpus_dir.iterdir() if p.is_dir())
    assert folders == [f"{s}-{lang}" for s in (75, 76, 77, 78) for lang in ("English", "French")]
    for xml_folder in corpus_xml_dir.glob("*session/*"):
        out = corpus_dir / f"{xml_folder.parent.name.removesuffix('session')}-{xml_folder.name}"
        stems = sorted(p.stem for p in xml_folder.glob("*.xml"))
        assert stems, xml_folder
        assert sorted(p.stem for p in out.glob("*.txt")) == stems
        assert sorted(p.name.removesuffix(".gold.json") for p in out.glob("*.gold.json")) == stems
