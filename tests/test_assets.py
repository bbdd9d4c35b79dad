"""The site's static assets: the search worker is one file, its libraries inlined; our
scripts and style sheets minified."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import rcssmin
import rjsmin

from resarchive import assets


def test_built_worker_is_one_file(built_site: Path, repo_root: Path) -> None:
    source = (repo_root / "static" / "js" / "search-worker.js").read_text(encoding="utf-8")
    built = (built_site / "static" / "js" / "search-worker.js").read_text(encoding="utf-8")
    assert assets.IMPORT.search(source), "the source worker no longer imports its libraries"
    assert not re.search(r"^\s*importScripts\(", built, re.MULTILINE)
    whole, inlined = assets.inline_imports(source, repo_root / "static" / "js")
    assert inlined == ["textpipe.js", "search-core.js"]
    # served minified: comments and spaces out, nothing renamed
    assert built == rjsmin.jsmin(whole)
    assert len(built) < 0.6 * len(whole) and "function bucketOf(term,buckets,key)" in built
    at = [
        whole.index(code)
        for code in (
            "var sentManifest = null;",
            (repo_root / "static" / "js" / "textpipe.js").read_text(encoding="utf-8").rstrip(),
            (repo_root / "static" / "js" / "search-core.js").read_text(encoding="utf-8").rstrip(),
            "var core = resarchiveSearchCore;",
        )
    ]
    # the worker's own lines, then the libraries in import order, then the rest of the worker
    assert at == sorted(at)
    # nothing else loads the libraries: the site does not carry them on their own
    pages = [
        built_site / "index.html",
        built_site / "search.html",
        next((built_site / "doc").glob("*.html")),
    ]
    scripts = [
        p for p in (built_site / "static" / "js").glob("*.js") if p.name != "search-worker.js"
    ]
    for name in ("textpipe.js", "search-core.js"):
        assert not (built_site / "static" / "js" / name).exists()
        assert not [p for p in pages + scripts if name in p.read_text(encoding="utf-8")]
    if shutil.which("node") is None:
        pytest.fail("node not found on PATH")
    checked = subprocess.run(
        ["node", "--check", str(built_site / "static/js/search-worker.js")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_inline_imports_keeps_other_lines(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("var a = 1;\n", encoding="utf-8")
    (tmp_path / "b.js").write_text("var b = 2;\n", encoding="utf-8")
    source = 'first();\nimportScripts("a.js", "b.js");\n// importScripts("c.js") in a comment\n'
    out, inlined = assets.inline_imports(source, tmp_path)
    assert inlined == ["a.js", "b.js"]
    lines = [line for line in out.splitlines() if not line.startswith("// ----")]
    assert lines == [
        "first();",
        "var a = 1;",
        "var b = 2;",
        '// importScripts("c.js") in a comment',
    ]


def test_scripts_and_style_sheets_are_minified(built_site: Path, repo_root: Path) -> None:
    """Every script and style sheet of ours is served as rjsmin/rcssmin make it from its
    source (the worker: test above); the vendor libraries as their packages ship them."""
    for folder, minifier in (("js", rjsmin.jsmin), ("css", rcssmin.cssmin)):
        sources = sorted((repo_root / "static" / folder).glob(f"*.{folder}"))
        assert len(sources) >= 2
        for source in sources:
            if source.name in ("search-worker.js", "textpipe.js", "search-core.js"):
                continue
            served = (built_site / "static" / folder / source.name).read_text(encoding="utf-8")
            assert served == minifier(source.read_text(encoding="utf-8")), source.name
    vendor = built_site / "static" / "vendor" / "multilingual-stemmer" / "index.js"
    shipped = repo_root / "node_modules" / "multilingual-stemmer" / "dist" / "browser" / "index.js"
    assert vendor.read_bytes() == shipped.read_bytes()
