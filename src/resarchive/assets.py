"""Stage 9, static assets: ``static/`` copied into the site, the search worker made whole,
the browser libraries copied from node_modules.

Stage: assets. May import: the standard library, rjsmin, rcssmin.

Browser libraries come from npm (package.json, pinned by package-lock.json) and are copied
from ``node_modules`` into ``site/static/vendor/<package>/`` by the build; nothing of them
is committed. Today one: multilingual-stemmer, the Snowball 3.1.1 stemmers compiled to
WebAssembly, which the search worker imports (static/js/search-worker.js).

The search worker (``static/js/search-worker.js``) loads its libraries with
``importScripts("textpipe.js", "search-core.js")``: each is a synchronous fetch, one after
the other, on the path of every first search (20-40 ms on a cold visit, measured in
bench/). The site's copy of the worker has that line replaced by the libraries' own text,
so the worker is one file. The sources stay separate: Node and the tests load them as
modules.

Our own scripts and style sheets are served minified (rjsmin, rcssmin: comments and spaces
out, nothing renamed): a cold search downloads the worker, search.js and the style sheets
before its first result, and their comments are most of their bytes (the worker: 21 kB
gzipped as written, 11 kB minified). ``static/`` keeps the commented sources.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import rcssmin
import rjsmin

WORKER = Path("js") / "search-worker.js"
# package -> the files of it the site needs, relative to the package folder
VENDOR = {
    "multilingual-stemmer": ("dist/browser/index.js", "dist/browser/index_bg.wasm"),
}


class MissingLibrary(Exception):
    """A browser library is not installed (node_modules): the site cannot be built."""


def check_vendor(node_modules: Path) -> None:
    """Raise MissingLibrary, naming what to run, when a browser library is missing."""
    missing = [
        f"{package}/{name}"
        for package, names in VENDOR.items()
        for name in names
        if not (node_modules / package / name).is_file()
    ]
    if missing:
        raise MissingLibrary(
            f"{node_modules} lacks {', '.join(missing)}: run `make setup` "
            "(npm ci) to install the browser libraries"
        )


IMPORT = re.compile(r'^importScripts\(((?:\s*"[^"]+"\s*,?)+)\);[ \t]*$', re.MULTILINE)


def inline_imports(source: str, folder: Path) -> tuple[str, list[str]]:
    """``source`` with each ``importScripts("a.js", "b.js");`` line replaced by the text of
    those files (from ``folder``), in order; and the names of the files inlined."""
    inlined: list[str] = []

    def text_of(match: re.Match[str]) -> str:
        names = re.findall(r'"([^"]+)"', match.group(1))
        parts = []
        for name in names:
            script = (folder / name).read_text(encoding="utf-8")
            parts.append(
                f"// ---- {name}, inlined by the build (resarchive/assets.py)\n"
                f"{script.rstrip()}\n// ---- end of {name}"
            )
            inlined.append(name)
        return "\n".join(parts)

    return IMPORT.sub(text_of, source), inlined


def write_static(static: Path, out: Path, node_modules: Path) -> None:
    """Copy ``static`` to ``out`` (the site's ``static/``), with the search worker whole (the
    files inlined into it are not copied on their own, since nothing else loads them) and
    the browser libraries in ``out/vendor/``."""
    check_vendor(node_modules)
    shutil.copytree(static, out)
    for package, names in VENDOR.items():
        (out / "vendor" / package).mkdir(parents=True)
        for name in names:
            shutil.copyfile(
                node_modules / package / name, out / "vendor" / package / Path(name).name
            )
    worker = out / WORKER
    text, inlined = inline_imports(worker.read_text(encoding="utf-8"), worker.parent)
    worker.write_text(text, encoding="utf-8")
    for name in inlined:
        (worker.parent / name).unlink()
    minify(out)


def minify(out: Path) -> None:
    """Our scripts (``js/``) and style sheets (``css/``) in ``out`` minified in place; the
    libraries in ``vendor/`` are left as their packages ship them."""
    for folder, minifier in (("js", rjsmin.jsmin), ("css", rcssmin.cssmin)):
        for path in sorted((out / folder).glob(f"*.{folder}")):
            path.write_text(minifier(path.read_text(encoding="utf-8")), encoding="utf-8")
