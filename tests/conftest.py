"""Shared pytest fixtures for resarchive.

Paths
  repo_root        the repository checkout (Path).
  shared_dir       ``repo_root.parent / "shared"``: read-only material beside the clone
                   (the seeds and the UN corpus). Never copy it into the repository.
  seeds_dir        ``shared_dir / "seeds"``: the seed resolutions as plain text.

Corpus (tests using these are marked ``corpus`` automatically)
  corpus_xml_dir   ``../shared/corpus/ga-75-78-fr-en.tar.xz`` extracted once into a cache
                   outside the repository: ``$RESARCHIVE_CACHE`` or ``$TMPDIR/resarchive-corpus``,
                   in a folder keyed by the tarball's size and mtime, reused by later runs.
                   Layout: ``<xml>/75session/French/75_102_F.xml`` ...
  corpus_dir       ``../shared/corpus/akn2txt.py`` run on every session/language folder, also
                   cached: ``<txt>/75-French/75_102_F.txt`` + ``75_102_F.gold.json`` ...
                   Returns the ``<txt>`` folder (one sub-folder per ``<session>-<Language>``).

Browser (tests using these are marked ``browser`` automatically)
  browser          session-wide headless Chromium from Debian (``/usr/bin/chromium``) driven by
                   the Python Playwright sync API; Playwright never downloads a browser here.
  page             a fresh browser context (locale fr-FR) and page for each test.

Servers
  static_server    factory: ``static_server(directory) -> "http://127.0.0.1:PORT/"``, a
                   ThreadingHTTPServer in a background thread, stopped after the test.
  nginx_server     factory: ``nginx_server(site_dir, "/archive/2024/")`` ->
                   ``"http://127.0.0.1:PORT/archive/2024/"``; serves the site under that prefix
                   with the production Content-Security-Policy (no inline script or style).

Build
  built_site       ``python build.py --content <repo>/content --out <tmp>/site`` once per
                   session; returns the site folder, or fails with the build's stderr.
  versions_site    the same for ``versions_content``: ten GA session 78 texts, five
                   resolutions in French and English that cite one another (VERSIONS).

A missing prerequisite (../shared, /usr/bin/chromium, /usr/sbin/nginx, playwright) skips the
test on a developer machine but FAILS it when the environment variable CI is set, so CI can
never go green by skipping.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
NGINX = Path("/usr/sbin/nginx")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# 'wasm-unsafe-eval' lets the search worker compile its Snowball stemmers (WebAssembly); it
# allows no eval of JavaScript.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; "
    "worker-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
CORPUS_TARBALL = "ga-75-78-fr-en.tar.xz"
BUILD_TIMEOUT_S = 900

REPO_ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(reason: str) -> NoReturn:
    """Skip the test on a developer machine; fail it in CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by the fixtures they use, so `-m "not browser"` and `-m "not corpus"` work."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & {"browser", "page"}:
            item.add_marker(pytest.mark.browser)
        if names & {"corpus_dir", "corpus_xml_dir", "corpus_es_dir"}:
            item.add_marker(pytest.mark.corpus)


# --------------------------------------------------------------------------- paths


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir(repo_root: Path) -> Path:
    return repo_root.parent / "shared"


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    seeds = shared_dir / "seeds"
    if not seeds.is_dir():
        missing(f"{seeds} not found: clone the repository beside shared/")
    return seeds


# --------------------------------------------------------------------------- corpus


def _cache_root() -> Path:
    base = os.environ.get("RESARCHIVE_CACHE")
    return Path(base) if base else Path(tempfile.gettempdir()) / "resarchive-corpus"


def _build_once(final: Path, make: Callable[[Path], None]) -> Path:
    """Create `final` by calling make(tmp) on a sibling temp folder, then renaming it.

    A half-made folder is never mistaken for a finished one, and two concurrent pytest runs
    at worst do the work twice.
    """
    if final.is_dir():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=final.name + ".tmp-", dir=final.parent))
    try:
        make(tmp)
        try:
            tmp.rename(final)
        except OSError:  # another run finished first
            if not final.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


@pytest.fixture(scope="session")
def _corpus_cache(shared_dir: Path) -> Path:
    corpus = shared_dir / "corpus"
    tarball = corpus / CORPUS_TARBALL
    if not tarball.is_file():
        missing(f"{tarball} not found: clone the repository beside shared/")
    st = tarball.stat()
    return _cache_root() / f"{tarball.stem.removesuffix('.tar')}-{st.st_size}-{st.st_mtime_ns}"


@pytest.fixture(scope="session")
def corpus_xml_dir(_corpus_cache: Path, shared_dir: Path) -> Path:
    """The extracted XML: <dir>/<NN>session/<Language>/*.xml (cached across runs)."""
    tarball = shared_dir / "corpus" / CORPUS_TARBALL

    def extract(tmp: Path) -> None:
        with tarfile.open(tarball, "r:xz") as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tmp, filter="data")
            else:  # Python < 3.11.4
                tar.extractall(tmp)

    return _build_once(_corpus_cache / "xml", extract)


@pytest.fixture(scope="session")
def corpus_dir(corpus_xml_dir: Path, _corpus_cache: Path, shared_dir: Path) -> Path:
    """akn2txt output, one folder per <session>-<Language> (e.g. 75-French), cached."""
    script = shared_dir / "corpus" / "akn2txt.py"
    if not script.is_file():
        missing(f"{script} not found")
    folders = sorted(p for p in corpus_xml_dir.glob("*session/*") if p.is_dir())
    if not folders:
        pytest.fail(f"no <session>/<Language> folders in {corpus_xml_dir}", pytrace=False)

    def convert(tmp: Path) -> None:
        # Two folders at a time: the machines have two cores.
        running: list[tuple[Path, subprocess.Popen[str]]] = []
        failures: list[str] = []

        def reap(entry: tuple[Path, subprocess.Popen[str]]) -> None:
            folder, proc = entry
            _, err = proc.communicate()
            if proc.returncode != 0:
                failures.append(f"{folder} (exit {proc.returncode}):\n{err[-2000:]}")

        for folder in folders:
            out = tmp / f"{folder.parent.name.removesuffix('session')}-{folder.name}"
            cmd = [sys.executable, str(script), str(folder), "--out", str(out)]
            proc = subprocess.Popen(
                cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            running.append((folder, proc))
            if len(running) >= 2:
                reap(running.pop(0))
        for entry in running:
            reap(entry)
        if failures:
            pytest.fail("akn2txt.py failed on:\n" + "\n".join(failures), pytrace=False)

    return _build_once(_corpus_cache / "txt", convert)


@pytest.fixture(scope="session")
def corpus_es_dir(shared_dir: Path) -> Path:
    """akn2txt output of the Spanish resolutions of session 78: ``<dir>/78-Spanish/*.txt``
    (cached like ``corpus_dir``)."""
    from resarchive.accuracy import SPANISH_TARBALL, corpus_txt_dir

    if not (shared_dir / "corpus" / SPANISH_TARBALL).is_file():
        missing(f"{shared_dir / 'corpus' / SPANISH_TARBALL} not found")
    return corpus_txt_dir(shared_dir, SPANISH_TARBALL)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium through Playwright (sync API), shared by the whole session."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the Python package playwright is not installed: make setup")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new context (fresh cookies/storage) and page for each test, for a reader whose
    browser asks for French, the site's first language (the home and search pages follow
    the browser's language: tests of that make their own contexts)."""
    context = browser.new_context(locale="fr-FR")
    try:
        yield context.new_page()
    finally:
        context.close()


# --------------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".wasm": "application/wasm",
        ".svg": "image/svg+xml",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def static_server() -> Iterator[Callable[[Path], str]]:
    """Factory: serve a directory over HTTP on 127.0.0.1; returns its base URL."""
    servers: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def serve(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="static_server", daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        add_header Content-Security-Policy "{csp}" always;
{redirect}        location {prefix} {{ alias "{site}/"; }}
    }}
}}
"""


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture
def nginx_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Factory: serve a built site with nginx under a URL prefix, with the production CSP."""
    if not NGINX.exists():
        missing(f"{NGINX} not found: apt-get install nginx")
    procs: list[subprocess.Popen[bytes]] = []

    def serve(site: Path, prefix: str = "/archive/2024/") -> str:
        if not (prefix.startswith("/") and prefix.endswith("/")):
            raise ValueError(f"prefix must start and end with '/': {prefix!r}")
        tmp = tmp_path_factory.mktemp("nginx")
        user = "user root;\n" if os.geteuid() == 0 else ""
        for attempt in range(3):  # the free port may be taken between probe and bind
            port = _free_port()
            conf = tmp / "nginx.conf"
            conf.write_text(
                NGINX_CONF.format(
                    user=user,
                    tmp=tmp,
                    port=port,
                    csp=CSP,
                    prefix=prefix,
                    redirect=(
                        f"        location = {prefix.rstrip('/')} {{ return 301 {prefix}; }}\n"
                        if prefix != "/"
                        else ""
                    ),
                    site=Path(site).resolve(),
                )
            )
            proc = subprocess.Popen(
                [str(NGINX), "-e", str(tmp / "error.log"), "-c", str(conf), "-p", f"{tmp}/"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if _wait_for_port(port, proc):
                procs.append(proc)
                return f"http://127.0.0.1:{port}{prefix}"
            proc.kill()
            proc.wait()
            if attempt == 2:
                log = (tmp / "error.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"nginx did not start on port {port}:\n{log}", pytrace=False)
        raise AssertionError("unreachable")

    yield serve
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- build


@pytest.fixture(scope="session")
def built_site(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from content/ by build.py, once per session."""
    out = tmp_path_factory.mktemp("built") / "site"
    cmd = [
        sys.executable,
        str(repo_root / "build.py"),
        "--content",
        str(repo_root / "content"),
        "--out",
        str(out),
    ]
    result = subprocess.run(
        cmd,
        cwd=repo_root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    if result.returncode != 0:
        pytest.fail(
            f"build.py exited {result.returncode}: {' '.join(cmd)}\n"
            f"--- stderr ---\n{result.stderr[-8000:]}\n"
            f"--- stdout (tail) ---\n{result.stdout[-2000:]}",
            pytrace=False,
        )
    return out


# GA session 78 resolutions in French and English that cite one another, and the UN's own
# quirks: A/RES/78/274 cites "paragraph 2 of its resolution 78/254 C" (part C of the archived
# A/RES/78/254 A-C); the English A/RES/78/150 has a preambular paragraph the French lacks;
# the French A/RES/78/130 is headed "A/RES/78/13" (a misprint in the UN's text).
VERSIONS = (
    "A_RES_78_13-2324427",
    "A_RES_78_130-2325874",
    "A_RES_78_150-2325910",
    "A_RES_78_254AC-2326242",
    "A_RES_78_274-2407847",
)


@pytest.fixture(scope="session")
def versions_content(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content folder of the VERSIONS documents in French and English (links to the
    corpus texts); the misprinted French A/RES/78/130 gets an id of its own in its YAML."""
    content = tmp_path_factory.mktemp("versions") / "content"
    for folder, letter in (("78-French", "F"), ("78-English", "E")):
        (content / folder).mkdir(parents=True)
        for stem in VERSIONS:
            (content / folder / f"{stem}{letter}.txt").symlink_to(
                corpus_dir / folder / f"{stem}{letter}.txt"
            )
    (content / "78-French" / "A_RES_78_130-2325874F.yaml").write_text(
        "id: a-res-78-130-fr\n", encoding="utf-8"
    )
    return content


@pytest.fixture(scope="session")
def versions_site(
    repo_root: Path, versions_content: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The site built from ``versions_content`` by build.py, once per session."""
    out = tmp_path_factory.mktemp("versions-built") / "site"
    cmd = [sys.executable, str(repo_root / "build.py"), "--content", str(versions_content),
           "--out", str(out), "--cache", str(out.parent / "cache")]  # fmt: skip
    result = subprocess.run(
        cmd, cwd=repo_root, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=BUILD_TIMEOUT_S,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"build.py exited {result.returncode}:\n{result.stderr[-8000:]}", pytrace=False)
    return out


# --------------------------------------------------------------------------- golden files


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/* from the current code (read the diff before committing)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
