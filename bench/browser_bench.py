"""Search in Chromium: ours (search.html of the built site) and Pagefind on the same pages.

Both sites are served by one local HTTP server (``Server``: Python's http.server, HTTP/1.1,
gzip -6 for text types as a static host would, ``Cache-Control: max-age=3600``). It logs every
response (arrival time, path, bytes written including headers), which is how bytes are counted:
worker and wasm fetches included, whatever the browser reports.

Per query, cold: a new browser context (empty HTTP cache) opens ``search.html?q=...`` (ours;
``search.en.html`` for an English query) or ``pagefind-bench-<lang>.html?q=...`` (Pagefind),
``runs`` times, on each profile of ``PROFILES`` (localhost as it is; throttled by Chromium's
own network and CPU emulation). Time to first result = the page's
``performance.mark("...:first-result")`` (ms since navigation start); bytes before the first
result = bytes of the responses to requests that arrived before that moment; bytes until all
rows = every response until the page says it is done. Each query is summed up by its median
and maximum over the runs.

Warm: in one page per system and language, every query once to load what it needs,
then ``rounds`` rounds of all queries; each time is from submitting the query (the search form,
so the typing debounce is not counted; Pagefind: a call of ``pagefind.search``) to its first
result row in the page.

Longest main-thread task: a PerformanceObserver('longtask') in every page (it sees tasks of
50 ms and more), and one traced session per system (CDP tracing: every RunTask of the
renderer main thread) covering a page load and each query once.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import mimetypes
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Headless Chromium opens a browser window per context, and each window loads its address
# bar's popup (a WebUI page: ~500 chrome:// requests in a trace) in a renderer of its own,
# while the page under test loads. On 2 cores that competes with the page: a cold
# "Tchernobyl" took 223-277 ms with the popup, 138-170 ms without (traced runs). A reader's
# browser has its window open already, so the popup is off here, for both systems alike.
BROWSER_UI_FEATURES = [
    "WebUIOmniboxPopup",
    "WebUIOmniboxFullPopup",
    "WebUIOmniboxAimPopup",
    "ComposeboxSkillsOmniboxPopup",
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-features=" + ",".join(BROWSER_UI_FEATURES),
]
TIMEOUT_MS = 60_000
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"]  # RunTask

# (language, query): common and rare words, French and English, accentless, phrases
QUERIES = [
    ("fr", "développement durable"),
    ("fr", "droits de l'homme"),
    ("fr", "securite alimentaire"),
    ("fr", "enfants"),
    ("fr", "désertification"),
    ("fr", "Tchernobyl"),
    ("fr", '"prie instamment"'),
    ("en", "human rights"),
    ("en", "climate change"),
    ("en", "Chernobyl"),
    ("en", "antimicrobial resistance"),
    ("en", '"calls upon all States"'),
    ("fr", "dével*"),  # a prefix, as typing gives
    ("en", "develop*"),
    ("fr", "nations"),  # a very common word: in a paragraph of three
    ("en", "united"),
]
# Measured cold only: a filter, as a reader narrows the results page by year (Pagefind: a
# data-pagefind-filter on each page, its documented way).
FILTERED = [
    ("fr", "enfants", {"year": "2021"}),
    ("en", "children", {"year": "2021"}),
]
# The browser's language for each query's: our pages follow the reader's language (lang.js
# sends an English-speaking browser from search.html to search.en.html), so a French query
# is asked by a French-speaking reader, an English one by an English-speaking reader.
LOCALES = {"fr": "fr-FR", "en": "en-US"}
# Network and CPU as Chromium's DevTools emulate them (CDP): 150 ms round trip, 1.6 Mbit/s
# down, 750 kbit/s up, the CPU 4 times slower. None: the machine as it is, on localhost.
PROFILES = {
    "localhost": None,
    "throttled": {"latency": 150, "down": 1_600_000 / 8, "up": 750_000 / 8, "cpu": 4},
}

INIT_SCRIPT = """
window.__longtasks = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__longtasks.push(e.duration); });
  }).observe({type: "longtask", buffered: true});
} catch (e) {}
"""

# --------------------------------------------------------------------------- server

COMPRESS = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt"}
TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
}


@dataclass
class Hit:
    at: float  # time.time() when the request arrived
    path: str
    bytes: int
    status: int


class Server:
    """Serve ``root`` on 127.0.0.1 in a thread; ``hits`` logs every response."""

    def __init__(self, root: Path):
        self.root = root
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.files: dict[str, tuple[bytes, bytes | None, str]] = {}
        handler = functools.partial(_Handler, server_state=self)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def load(self, rel: str) -> tuple[bytes, bytes | None, str] | None:
        if rel not in self.files:
            path = (self.root / rel).resolve() if rel else None
            if path is None or not path.is_file():
                return None
            data = path.read_bytes()
            ctype = (
                TYPES.get(path.suffix)
                or mimetypes.guess_type(path.name)[0]
                or "application/octet-stream"
            )
            if ctype.startswith("text/") or ctype == "application/json":
                ctype += "; charset=utf-8"
            gz = gzip.compress(data, 6) if path.suffix in COMPRESS else None
            self.files[rel] = (data, gz, ctype)
        return self.files[rel]

    def between(self, prefix: str, start: float, end: float) -> list[Hit]:
        """Responses under ``prefix`` to requests that arrived in [start, end]."""
        with self.lock:
            return [h for h in self.hits if h.path.startswith(prefix) and start <= h.at <= end]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, server_state: Server, **kwargs):
        self.state = server_state
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802
        at = time.time()
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        rel = path.lstrip("/")
        if rel.endswith("/") or rel == "":
            rel += "index.html"
        entry = None if ".." in Path(rel).parts else self.state.load(rel)
        if entry is None:
            status, body, headers = 404, b"not found", {"Content-Type": "text/plain"}
        else:
            data, gz, ctype = entry
            status, headers = 200, {"Content-Type": ctype, "Cache-Control": "max-age=3600"}
            if gz is not None and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gz
                headers.update({"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
            else:
                body = data
        head = f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\n"
        headers["Content-Length"] = str(len(body))
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        raw = head.encode("latin-1") + b"\r\n" + body
        self.wfile.write(raw)
        with self.state.lock:
            self.state.hits.append(Hit(at=at, path=path, bytes=len(raw), status=status))

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


# --------------------------------------------------------------------------- Pagefind harness

HARNESS_HTML = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>Pagefind bench</title></head>
<body>
<form id="form"><input id="q" type="search" aria-label="search"></form>
<p id="status" data-state="idle"></p>
<ol id="results"></ol>
<script type="module" src="pagefind-bench.js"></script>
</body>
</html>
"""

# The same work as our results page: search, show the first result (mark), then the first 20.
HARNESS_JS = """
import * as pagefind from "./pagefind/pagefind.js";

const status = document.getElementById("status");
const list = document.getElementById("results");

function row(data) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = (data.meta && data.meta.title) || data.url;
  const p = document.createElement("p");
  p.textContent = data.excerpt.replace(/<[^>]*>/g, "");
  li.append(a, p);
  return li;
}

async function run(q, filters) {
  status.dataset.state = "searching";
  status.dataset.query = q;
  const search = await pagefind.search(q, filters ? { filters } : {});
  list.textContent = "";
  const results = search ? search.results : [];
  if (results.length) {
    list.append(row(await results[0].data()));
    performance.mark("pagefind:first-result");
    for (const data of await Promise.all(results.slice(1, 20).map((r) => r.data()))) {
      list.append(row(data));
    }
  }
  status.dataset.total = String(results.length);
  status.dataset.state = "done";
}
window.benchRun = run;

const params = new URLSearchParams(location.search);
const year = params.get("year");
if (params.get("q")) { run(params.get("q"), year ? { year } : null); }
"""


BODY = re.compile(r'<article class="document"')


def make_pagefind_site(site: Path, dest: Path) -> None:
    """A copy of ``site`` for Pagefind, configured as its users would: each document page
    with ``data-pagefind-body`` on the document's text (the page chrome, search box and
    menus, left out of the index) and its year as a ``data-pagefind-filter``; links to the
    built site's other files (never written to); the harness pages. ``dest/pagefind`` is
    made by build_bench.run_pagefind."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in site.iterdir():
        if entry.name != "doc":
            (dest / entry.name).symlink_to(entry)
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    years = {d["url"]: (d.get("date") or "")[:4] for d in catalog["documents"]}
    (dest / "doc").mkdir()
    for page in (site / "doc").iterdir():
        url = f"doc/{page.name}"
        if url not in years:  # side-by-side and comparison pages: not indexed, as ours
            (dest / url).symlink_to(page)
            continue
        html = page.read_text(encoding="utf-8")
        year = years[url]
        marked = f' data-pagefind-filter="year:{year}"' if year else ""
        html, found = BODY.subn(BODY.pattern + " data-pagefind-body" + marked, html, 1)
        if not found:
            raise ValueError(f"{page}: no document article to mark for Pagefind")
        (dest / url).write_text(html, encoding="utf-8")
    for lang in ("fr", "en"):
        (dest / f"pagefind-bench-{lang}.html").write_text(
            HARNESS_HTML.format(lang=lang), encoding="utf-8"
        )
    (dest / "pagefind-bench.js").write_text(HARNESS_JS, encoding="utf-8")


# --------------------------------------------------------------------------- systems


@dataclass
class System:
    """How to open a query on one site, and the names its page uses."""

    name: str
    prefix: str  # URL path under the server root, e.g. "/ours/"
    mark: str

    def url(self, base: str, lang: str, q: str, filters: dict[str, str] | None = None) -> str:
        # each query on a page of its language: ours searches the reader's language first
        page = f"search.{lang}.html" if self.name == "ours" else f"pagefind-bench-{lang}.html"
        if page == "search.fr.html":  # the site's first language (build.SITE)
            page = "search.html"
        query = urllib.parse.urlencode({"q": q, **(filters or {})}, quote_via=urllib.parse.quote)
        return f"{base}{self.prefix.lstrip('/')}{page}?{query}"

    @property
    def status(self) -> str:
        return "#search-status" if self.name == "ours" else "#status"


OURS = System("ours", "/ours/", "resarchive:first-result")
PAGEFIND = System("pagefind", "/pagefind/", "pagefind:first-result")

DONE_JS = """([sel, q]) => { const s = document.querySelector(sel);
  return s && ["done", "error"].includes(s.getAttribute("data-state"))
    && s.getAttribute("data-query") === q; }"""

COLD_JS = """([mark]) => ({
  origin: performance.timeOrigin,
  ready: (performance.getEntriesByType("navigation")[0] || {}).domContentLoadedEventEnd || null,
  first: (performance.getEntriesByName(mark).slice(-1)[0] || {startTime: null}).startTime,
  done: performance.now(),
  rows: document.querySelectorAll("#search-results li, #results li").length,
  error: (s => s && s.getAttribute("data-state") === "error" ? s.textContent : null)(
    document.querySelector("#search-status, #status")),
  href: (document.querySelector("#search-results li a, #results li a") || {}).href || null,
  longtasks: window.__longtasks || [],
})"""

# One warm query, timed in the page: submit -> first result row (mark) and -> done.
WARM_OURS_JS = """([q, mark]) => new Promise((resolve, reject) => {
  const status = document.getElementById("search-status");
  const input = document.getElementById("site-search");
  const before = performance.getEntriesByName(mark).length;
  let t0 = 0;
  const timer = setTimeout(() => reject(new Error("timeout: " + q)), 30000);
  const obs = new MutationObserver(() => {
    const state = status.getAttribute("data-state");
    if (!["done", "error"].includes(state) || status.getAttribute("data-query") !== q) return;
    obs.disconnect(); clearTimeout(timer);
    const marks = performance.getEntriesByName(mark);
    const t1 = performance.now();
    resolve({first: marks.length > before ? marks[marks.length - 1].startTime - t0 : null,
             done: t1 - t0, error: state === "error" ? status.textContent : null});
  });
  obs.observe(status, {attributes: true});
  input.value = q;
  t0 = performance.now();
  input.form.requestSubmit();
})"""

WARM_PAGEFIND_JS = """async ([q, mark]) => {
  const before = performance.getEntriesByName(mark).length;
  const t0 = performance.now();
  await window.benchRun(q);
  const marks = performance.getEntriesByName(mark);
  return {first: marks.length > before ? marks[marks.length - 1].startTime - t0 : null,
          done: performance.now() - t0};
}"""


@dataclass
class Cold:
    query: str
    lang: str
    profile: str
    filters: dict[str, str]
    ms: float | None  # time to first result, from navigation start
    ready_ms: float | None  # DOMContentLoaded, from navigation start: the page before any search
    bytes: int | None  # before the first result
    requests: int | None
    files: dict[str, int]  # path -> bytes, of the requests before the first result
    total_bytes: int  # until all rows of the query were shown
    rows: int
    first_url: str | None
    error: str | None = None  # the page's search failed (its status text)


@dataclass
class SystemResult:
    cold: list[Cold] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    warm_by_query: dict[str, list[float]] = field(default_factory=dict)
    warm_missing: list[str] = field(default_factory=list)  # queries without a result
    longtasks: list[float] = field(default_factory=list)  # >= 50 ms, every page
    longtask_pages: list[str] = field(default_factory=list)  # where each was seen
    traced_longest_ms: float | None = None

    def summary(self, profile: str = "localhost") -> dict:
        """Figures over the queries; a query counts by its median over the runs (and its
        maximum, for the max figures)."""
        by_query: dict[str, list[Cold]] = {}
        for c in self.cold:
            if c.profile == profile:
                by_query.setdefault(label(c.query, c.filters), []).append(c)

        def per_query(get, how) -> list[float]:
            out = []
            for runs in by_query.values():
                values = [v for c in runs if (v := get(c)) is not None]
                if values:
                    out.append(how(values))
            return out

        longest = max(self.longtasks + [self.traced_longest_ms or 0.0])
        seen = sorted(zip(self.longtasks, self.longtask_pages, strict=False), reverse=True)
        return {
            "queries": len(by_query),
            "runs": max((len(r) for r in by_query.values()), default=0),
            "cold_bytes_median": median(per_query(lambda c: c.bytes, median)),
            "cold_bytes_max": max(per_query(lambda c: c.bytes, max), default=None),
            "cold_total_bytes_median": median(per_query(lambda c: c.total_bytes, median)),
            "cold_total_bytes_max": max(per_query(lambda c: c.total_bytes, max), default=None),
            "cold_ms_median": median(per_query(lambda c: c.ms, median)),
            # the slowest query, by its median over the runs; and the slowest run of all
            "cold_ms_slowest_query": max(per_query(lambda c: c.ms, median), default=None),
            "cold_ms_max": max(per_query(lambda c: c.ms, max), default=None),
            "warm_ms_median": median(self.warm_ms),
            "warm_ms_p95": p95(self.warm_ms),
            "longest_task_ms": longest,
            "long_tasks": len(self.longtasks),
            # the pages of the five longest tasks the observer saw, to find their cause
            "longest_tasks_where": [f"{ms:.0f} ms: {where}" for ms, where in seen[:5]],
            "queries_without_result": sorted(
                {label(c.query, c.filters) for c in self.cold if c.ms is None}
                | set(self.warm_missing)
            ),
            "errors": sorted({f"{c.query}: {c.error}" for c in self.cold if c.error}),
        }


def label(q: str, filters: dict[str, str]) -> str:
    """A query as the tables name it: its text and its filters."""
    return q + "".join(f" [{k}={v}]" for k, v in sorted(filters.items()))


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def throttle(context, page, profile: dict | None) -> None:
    """Chromium's network and CPU emulation on ``page`` (DevTools protocol), before it loads.
    The network conditions hold for the page's workers' requests too (Chromium applies a
    frame's conditions to the dedicated workers it starts)."""
    if profile is None:
        return
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": profile["latency"],
            "downloadThroughput": profile["down"],
            "uploadThroughput": profile["up"],
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})


def cold_query(
    browser,
    server: Server,
    system: System,
    lang: str,
    q: str,
    filters: dict[str, str] | None = None,
    profile: str = "localhost",
) -> tuple[Cold, list]:
    context = browser.new_context(locale=LOCALES[lang])
    try:
        page = context.new_page()
        page.add_init_script(INIT_SCRIPT)
        throttle(context, page, PROFILES[profile])
        start = time.time()
        url = system.url(server.base, lang, q, filters)
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        timeout = None
        try:
            page.wait_for_function(DONE_JS, arg=[system.status, q], timeout=TIMEOUT_MS)
        except PlaywrightTimeout:
            timeout = f"no answer in {TIMEOUT_MS // 1000} s"
        seen = page.evaluate(COLD_JS, [system.mark])
        end = time.time()
        if page.url.split("?")[0] != url.split("?")[0]:  # the query on another page
            timeout = f"{url} went to {page.url}"
        before = (
            []
            if seen["first"] is None
            else server.between(system.prefix, start, (seen["origin"] + seen["first"]) / 1000)
        )
        total = sum(h.bytes for h in server.between(system.prefix, start, end))
        return Cold(
            query=q,
            lang=lang,
            profile=profile,
            filters=filters or {},
            ms=seen["first"],
            ready_ms=seen["ready"],
            bytes=sum(h.bytes for h in before) if before else None,
            requests=len(before) if before else None,
            files={h.path.removeprefix(system.prefix): h.bytes for h in before},
            total_bytes=total,
            rows=seen["rows"],
            first_url=seen["href"],
            error=timeout or seen["error"],
        ), seen["longtasks"]
    finally:
        context.close()


Warm = tuple[dict[str, list[float]], list[str], list[float]]


def warm_session(
    browser, server: Server, system: System, queries, rounds: int, trace: Path | None = None
) -> Warm:
    """(warm times by query, queries without a result, long tasks); with ``trace``, traced.

    Each query runs on a page of its language, one page per language and system: ours
    searches the page's language first, Pagefind loads the index of its page's language."""
    contexts: dict[str, object] = {}
    pages: dict[str, object] = {}

    def page_for(lang: str, q: str):
        if lang not in pages:
            context = contexts[lang] = browser.new_context(locale=LOCALES[lang])
            page = pages[lang] = context.new_page()
            page.add_init_script(INIT_SCRIPT)
            page.goto(system.url(server.base, lang, q), wait_until="commit", timeout=TIMEOUT_MS)
            page.wait_for_function(DONE_JS, arg=[system.status, q], timeout=TIMEOUT_MS)
        return pages[lang]

    try:
        if trace:
            browser.start_tracing(path=str(trace), categories=TRACE_CATEGORIES)
        script = WARM_OURS_JS if system is OURS else WARM_PAGEFIND_JS
        times: dict[str, list[float]] = {q: [] for _, q in queries}
        missing: list[str] = []
        for r in range(rounds + 1):  # round 0 loads what each query needs: not counted
            for lang, q in queries:
                try:
                    got = page_for(lang, q).evaluate(script, [q, system.mark])
                except PlaywrightError:  # the page's own 30 s timeout, or the page failed
                    got = {"first": None}
                if got["first"] is None:
                    missing.append(q)
                elif r:
                    times[q].append(got["first"])
        longtasks = [
            t for page in pages.values() for t in page.evaluate("window.__longtasks || []")
        ]
        if trace:
            browser.stop_tracing()
        return times, sorted(set(missing)), longtasks
    finally:
        for context in contexts.values():
            context.close()


def longest_traced_task(trace: Path, base: str) -> float:
    """The longest RunTask (ms) on the main thread of the renderers that loaded ``base`` URLs
    (a trace holds every process: Chromium's own UI renderers are left out)."""
    events = json.loads(trace.read_text(encoding="utf-8"))
    events = events.get("traceEvents", events) if isinstance(events, dict) else events
    ours = {
        e["pid"]
        for e in events
        if isinstance((e.get("args") or {}).get("data"), dict)
        and str(e["args"]["data"].get("url", "")).startswith(base)
    }
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e["pid"] in ours
        and e.get("args", {}).get("name") == "CrRendererMain"
    }
    durations = [
        e.get("dur", 0) / 1000
        for e in events
        if e.get("name") == "RunTask" and e.get("ph") == "X" and (e["pid"], e["tid"]) in main
    ]
    return max(durations, default=0.0)


def measure(
    server: Server,
    systems: list[System],
    queries,
    rounds: int,
    work: Path,
    log=print,
    runs: int = 5,
    profiles: tuple[str, ...] = tuple(PROFILES),
    filtered=tuple(FILTERED),
) -> dict[str, SystemResult]:
    """Cold: every query (``queries`` and ``filtered``), ``runs`` times on each profile, the
    systems interleaved so both see the same machine load. Warm and traced: ``queries``."""
    results = {s.name: SystemResult() for s in systems}
    cold = [(lang, q, {}) for lang, q in queries] + [tuple(f) for f in filtered]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for system in systems:  # one throwaway query: first use of the browser process
                cold_query(browser, server, system, *queries[0])
            for profile in profiles:
                for _ in range(runs):
                    for lang, q, filters in cold:
                        for system in systems:
                            got, longtasks = cold_query(
                                browser, server, system, lang, q, filters, profile
                            )
                            results[system.name].cold.append(got)
                            if profile == "localhost":
                                results[system.name].longtasks.extend(longtasks)
                                results[system.name].longtask_pages.extend(
                                    [f"cold {label(q, filters)!r}"] * len(longtasks)
                                )
            for system in systems:
                times, missing, longtasks = warm_session(browser, server, system, queries, rounds)
                res = results[system.name]
                res.warm_by_query, res.warm_missing = times, missing
                res.warm_ms = [t for q in times for t in times[q]]
                res.longtasks.extend(longtasks)
                res.longtask_pages.extend(["warm session"] * len(longtasks))
                trace = work / f"trace-{system.name}.json"
                _, _, longtasks = warm_session(browser, server, system, queries, 0, trace=trace)
                res.longtasks.extend(longtasks)
                res.longtask_pages.extend(["traced session"] * len(longtasks))
                res.traced_longest_ms = longest_traced_task(trace, server.base)
                log(
                    f"    {system.name}: {len(res.cold)} cold loads ({len(cold)} queries x "
                    f"{runs} runs x {len(profiles)} profiles), {len(res.warm_ms)} warm"
                )
        finally:
            browser.close()
    return results
