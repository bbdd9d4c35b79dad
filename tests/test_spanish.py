"""Spanish, added by its data file alone (src/resarchive/data/es.yaml): real Spanish
resolutions of session 78 built into a site by build.py, read and searched as a Spanish
reader would, in Debian's chromium.

(The parser's accuracy on all 327 Spanish files is in tests/test_corpus_accuracy.py, the
Spanish search pipeline's agreement with the browser's in tests/test_textpipe.py.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

REPO = Path(__file__).resolve().parents[1]
DONE = '#search-status[data-state="done"]'
# the sport resolution (A/RES/78/10), decolonization (78/100, 78/101), and six more
STEMS = ["A_RES_78_10-2323443S", "A_RES_78_100-2324979S", "A_RES_78_101-2324977S"]


@pytest.fixture(scope="module")
def spanish_site(corpus_es_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("es")
    content = tmp / "content"
    content.mkdir()
    files = sorted((corpus_es_dir / "78-Spanish").glob("*.txt"))
    chosen = [f for f in files if f.stem in STEMS] + files[::60]
    for f in dict.fromkeys(chosen):
        shutil.copy(f, content / f.name)
    out = tmp / "site"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "--content",
            str(content),
            "--out",
            str(out),
            "--no-cache",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out


def page_text(site: Path, doc_id: str) -> str:
    return (site / "doc" / f"{doc_id}.html").read_text(encoding="utf-8")


def test_a_spanish_page_speaks_spanish(spanish_site: Path) -> None:
    html = page_text(spanish_site, "a-res-78-10-es")
    assert '<html lang="es">' in html
    for chrome in (
        "Preámbulo",
        "Parte dispositiva",
        "Notas",
        "Signatura",
        "Citar",
        "Ir al contenido",
        "Buscar… (/)",
        "Todos los documentos",
    ):
        assert chrome in html, chrome
    assert "21 de noviembre de 2023" in html  # the date as a Spanish reader writes it
    assert 'data-cite="párr. 9"' in html and 'data-cite="párr. 1 del preámbulo"' in html
    # nothing of the French or English chrome
    for other in ("Préambule", "Dispositif", "Operative part", "Symbol", "Cote"):
        assert other not in html, other
    assert re.search(r"data-ui='[^']*párrafos", html), "search strings not in Spanish"


def test_spanish_metadata_from_the_masthead(spanish_site: Path) -> None:
    import json

    data = json.loads((spanish_site / "data" / "a-res-78-10-es.json").read_text("utf-8"))
    assert data["language"] == "es" and data["kind"] == "resolution"
    assert data["symbol"] == "A/RES/78/10" and data["number"] == "78/10"
    assert data["date"] == "2023-11-21" and data["body"] == "Asamblea General"
    assert data["organization"] == "UN" and data["agenda_item"] == "11"
    assert data["session"] == "Septuagésimo octavo período de sesiones"
    assert data["title"].startswith("Construcción de un mundo pacífico")
    assert len(data["preamble"]) == 31 and [p["number"] for p in data["operative"]] == [
        str(n) for n in range(1, 10)
    ]
    assert data["preamble"][0]["lead"] == "Recordando"
    assert data["operative"][6]["lead"] == "Acoge con beneplácito"


@pytest.mark.parametrize(
    ("query", "printed"),
    [
        ("resolucion", "resolución"),  # accents optional
        ("mujer", "mujeres"),  # singular finds the plural
        ("descolonizacion", "descolonización"),
        ("pais", "países"),
    ],
)
def test_spanish_search_folds_accents_and_number(
    page: Page, static_server, spanish_site: Path, query: str, printed: str
) -> None:
    base = static_server(spanish_site)
    page.goto(f"{base}search.html?q={query}")
    page.wait_for_selector(f'{DONE}[data-query="{query}"]')
    marked = [m.lower() for m in page.locator("#search-results mark").all_text_contents()]
    assert printed in marked, f"{query!r} should mark {printed!r}; marked {sorted(set(marked))}"


def test_the_short_list_on_a_spanish_page_speaks_spanish(
    page: Page, static_server, spanish_site: Path
) -> None:
    base = static_server(spanish_site)
    page.goto(f"{base}doc/a-res-78-100-es.html")
    page.keyboard.press("/")
    page.keyboard.type("naciones")
    page.wait_for_selector(DONE)
    expect(page.locator("#search-status")).to_contain_text("párrafos")
    expect(page.locator("#search-popup a.search-all")).to_have_text("Todos los resultados")
