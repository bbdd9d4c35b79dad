/*
 * resarchive search UI, on every page.
 *
 * search.html (has #search-app): the full results page. The query and filters live in the
 * URL (search.html?q=...&language=fr&year=2018...), so a search can be shared; results
 * appear as you type (debounced), 20 at a time with a "more" button.
 * Other pages: typing in the header's search box opens a short list of results under it;
 * Enter without a chosen result goes to search.html?q=...
 *
 * Both use one Web Worker (search-worker.js), so typing never waits for the index: on
 * search.html it is started by search-boot.js in the <head>, elsewhere on first use. Keyboard: ArrowDown/ArrowUp move between the box and the results, Enter
 * opens one, Escape closes the short list. Everything shown is set with textContent or
 * created as elements; nothing from the index or the query is parsed as HTML.
 *
 * Same wording, one hit. On search.html, results whose paragraphs have the same wording
 * (the worker's row.wording: case, accents and punctuation aside) are one hit: the newest
 * shows, with "and 14 other documents, 2015–2023", a button that lists the others.
 *
 * The other language. On search.html a checkbox (?other=1 in the URL) shows under each
 * result the same paragraph in another language version of its document: the document's
 * JSON (data/<id>.json) names its translations, whose JSON holds the paragraph under the
 * same anchor; the reader's interface language is preferred. A version that lacks the
 * paragraph, or a document with no other version, is said so.
 *
 * For benchmarks and tests: performance.mark("resarchive:first-result") when the first row
 * of a query is shown; #search-status gets data-state="done" and data-query when all rows
 * of a query are shown.
 */
(function () {
  "use strict";

  // ------------------------------------------------------- documents' JSON
  // Shared with agreed.js (window.resarchiveRecords): a document's data file, fetched once
  // per page, and the paragraph, item or note of an anchor in it.
  var records = (function () {
    var loaded = Object.create(null); // URL -> promise of the document's JSON

    function load(url) {
      if (!loaded[url]) {
        loaded[url] = fetch(url).then(function (response) {
          if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
          return response.json();
        });
        loaded[url].catch(function () { delete loaded[url]; });
      }
      return loaded[url];
    }

    // anywhere in the record but its lists of other documents
    function paragraph(node, anchor) {
      if (Array.isArray(node)) {
        for (var i = 0; i < node.length; i++) {
          var hit = paragraph(node[i], anchor);
          if (hit) { return hit; }
        }
      } else if (node && typeof node === "object") {
        if (node.id === anchor && typeof node.text === "string") { return node; }
        for (var key in node) {
          if (key !== "translations" && key !== "cited_by" && typeof node[key] === "object") {
            var found = paragraph(node[key], anchor);
            if (found) { return found; }
          }
        }
      }
      return null;
    }

    return { load: load, paragraph: paragraph };
  })();
  window.resarchiveRecords = records;

  var DEBOUNCE_MS = 120;
  var PAGE = 20;
  var POPUP_ROWS = 8;
  var FILTERS = ["language", "body", "year", "kind", "paragraph"];

  // What the search says, in the page's language: data/<lang>.yaml's ui.search, which the
  // build puts in the search form's data-ui attribute (render.search_strings).
  function strings(form) {
    var ui = JSON.parse(form.getAttribute("data-ui") || "{}");
    ui.results = function (n, exact) {
      var s = (n > 1 ? ui.results_many : ui.results_one).replace("{n}", String(n));
      return exact ? s : ui.at_least.replace("{count}", s);
    };
    return ui;
  }

  var input = document.getElementById("site-search");
  if (!input) { return; }
  var root = document.body.getAttribute("data-root") || "";
  var ui = strings(input.form);
  var app = document.getElementById("search-app");

  // ------------------------------------------------------------------ worker
  var worker = null;
  var nextId = 1;
  var handlers = Object.create(null);
  var onReady = [];
  var filterValues = null;

  function onMessage(msg) {
    if (msg.type === "ready") {
      filterValues = msg.filters;
      onReady.splice(0).forEach(function (fn) { fn(msg); });
    } else if (handlers[msg.id]) {
      handlers[msg.id](msg);
    } else if (msg.type === "error" && msg.id === 0) {
      Object.keys(handlers).forEach(function (id) { handlers[id](msg); });
    }
  }

  // search.html starts the worker from its <head> (search-boot.js); other pages on first use.
  var boot = window.resarchiveSearchBoot || null;
  window.resarchiveSearchLoaded = true; // a search-boot.js arriving after this stands down

  function startWorker() {
    if (worker) { return; }
    if (boot) {
      worker = boot.worker;
      nextId = (boot.sent ? boot.sent.id : 0) + 1;
    } else {
      worker = new Worker(new URL(root + "static/js/search-worker.js", location.href).href,
        { type: "module" });
      worker.postMessage({ type: "init", manifest: new URL(root + "search/manifest.json", location.href).href });
    }
    worker.onmessage = function (event) { onMessage(event.data); };
  }

  function query(q, filters, limit, typing, handler) {
    startWorker();
    var msg = { type: "search", id: nextId, q: q, filters: filters, limit: limit, typing: typing,
      prefer: (document.documentElement.lang || "fr").slice(0, 2) };
    handlers = Object.create(null); // only the latest query is listened to
    var sent = boot && boot.sent;
    if (sent && JSON.stringify(sent) === JSON.stringify(Object.assign({}, msg, { id: sent.id }))) {
      // the same query, already sent by search-boot.js: listen to it, replay what came
      handlers[sent.id] = handler;
      replayKept();
      return;
    }
    nextId++;
    handlers[msg.id] = handler;
    worker.postMessage(msg);
    replayKept();
  }

  // Messages the worker sent before this script was there (search-boot.js kept them).
  function replayKept() {
    if (!boot) { return; }
    var kept = boot.kept.splice(0);
    boot.sent = null;
    kept.forEach(onMessage);
  }

  // --------------------------------------------------------------- rendering
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // The status line once all rows of a query are shown (tests wait for data-state="done").
  function showDone(status, msg) {
    status.textContent = msg.total ? ui.results(msg.total, msg.exact) : ui.none;
    status.setAttribute("data-state", "done");
  }

  function snippetNode(row) {
    var p = el("p", "result-snippet");
    var at = 0;
    if (row.cutStart) { p.appendChild(document.createTextNode("… ")); }
    row.spans.forEach(function (s) {
      p.appendChild(document.createTextNode(row.text.slice(at, s[0])));
      p.appendChild(el("mark", "", row.text.slice(s[0], s[1])));
      at = s[1];
    });
    p.appendChild(document.createTextNode(row.text.slice(at)));
    if (row.cutEnd) { p.appendChild(document.createTextNode(" …")); }
    return p;
  }

  function rowNode(row) {
    var li = el("li", "result");
    var a = el("a", "result-link");
    a.href = root + row.doc.url + "#" + encodeURIComponent(row.anchor);
    a.lang = row.doc.language;
    a.dir = "auto";  // Arabic rows read right to left
    var head = el("span", "result-head");
    head.appendChild(el("span", "result-label", row.anchor));
    head.appendChild(el("span", "result-title", row.doc.title));
    a.appendChild(head);
    var meta = [row.doc.symbol, row.doc.body, row.doc.date].filter(Boolean).join(" · ");
    if (meta) { a.appendChild(el("span", "result-meta", meta)); }
    a.appendChild(snippetNode(row));
    li.appendChild(a);
    return li;
  }

  function links(list) {
    return Array.prototype.slice.call(list.querySelectorAll("a.result-link"))
      .filter(function (a) { return !a.closest("[hidden]"); });
  }

  // ArrowDown/ArrowUp from the box or a result move the focus through `list`'s links.
  function keyboard(list, onEscape) {
    function move(event) {
      if (event.key === "Escape" && onEscape) {
        onEscape();
        input.focus();
        return;
      }
      var all = links(list);
      if (!all.length) { return; }
      var i = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown") {
        event.preventDefault();
        (all[i + 1] || all[all.length - 1]).focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (i <= 0) { input.focus(); } else { all[i - 1].focus(); }
      }
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || (event.key === "Escape" && onEscape)) { move(event); }
    });
    list.addEventListener("keydown", move);
  }

  // fn, DEBOUNCE_MS after the last call; .cancel() drops a call still waiting
  function debounce(fn) {
    var timer = null;
    var later = function () {
      clearTimeout(timer);
      timer = setTimeout(fn, DEBOUNCE_MS);
    };
    later.cancel = function () { clearTimeout(timer); };
    return later;
  }

  // ------------------------------------------------------- the other language
  function otherVersion(translations, language) {
    var want = document.documentElement.lang;
    var pick = null;
    translations.forEach(function (t) {
      if (t.language === language) { return; }
      if (!pick || (t.language === want && pick.language !== want)) { pick = t; }
    });
    return pick;
  }

  // Fills `box` with the row's paragraph in another language (text only).
  function showOther(row, box) {
    box.setAttribute("data-state", "loading");
    records.load(root + row.doc.data).then(function (data) {
      var other = otherVersion(data.translations || [], row.doc.language);
      if (!other) {
        box.appendChild(el("span", "result-other-note", ui.bilingual_none));
        return null;
      }
      return records.load(root + other.data).then(function (version) {
        var name = ui.values[other.language] || other.language;
        var para = records.paragraph(version, row.anchor);
        var link = el("a", "result-other-lang", name);
        link.href = root + other.url + "#" + encodeURIComponent(row.anchor);
        box.appendChild(link);
        if (para) {
          var text = el("span", "result-other-text", " " + para.text);
          text.lang = other.language;
          text.dir = "auto";
          box.appendChild(text);
        } else {
          box.appendChild(el("span", "result-other-note", " " + ui.bilingual_missing.replace("{language}", name)));
        }
      });
    }).catch(function (err) {
      box.appendChild(el("span", "result-other-note", ui.error + err.message));
    }).then(function () { box.setAttribute("data-state", "done"); });
  }

  // -------------------------------------------------------- full results page
  function resultsPage() {
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var filtersBox = document.getElementById("search-filters");
    var moreButton = el("button", "search-more", ui.more);
    moreButton.type = "button";
    moreButton.hidden = true;
    list.parentNode.insertBefore(moreButton, list.nextSibling);

    var params = new URLSearchParams(location.search);
    var filters = {};
    FILTERS.forEach(function (f) { if (params.get(f)) { filters[f] = params.get(f); } });
    input.value = params.get("q") || "";
    var limit = PAGE;
    var bilingual = params.get("other") === "1";
    var selects = {};
    var baseTitle = document.title;

    function buildFilters(values) {
      FILTERS.forEach(function (name) {
        var options = values[name] || [];
        var label = el("label", "search-filter");
        label.appendChild(el("span", "", ui.labels[name]));
        var select = el("select");
        select.name = name;
        select.appendChild(el("option", "", ui.any)).value = "";
        options.forEach(function (v) {
          var o = el("option", "", ui.values[v] || v);
          o.value = v;
          select.appendChild(o);
        });
        if (filters[name]) {
          if (options.indexOf(filters[name]) < 0) {
            var o = el("option", "", filters[name]);
            o.value = filters[name];
            select.appendChild(o);
          }
          select.value = filters[name];
        }
        select.addEventListener("change", function () {
          if (select.value) { filters[name] = select.value; } else { delete filters[name]; }
          limit = PAGE;
          run(false);
        });
        selects[name] = select;
        label.appendChild(select);
        filtersBox.appendChild(label);
      });
    }

    function buildBilingual() {
      var label = el("label", "search-bilingual");
      var box = el("input");
      box.type = "checkbox";
      box.id = "search-other";
      box.checked = bilingual;
      box.addEventListener("change", function () { bilingual = box.checked; run(false); });
      label.appendChild(box);
      label.appendChild(el("span", "", " " + ui.bilingual));
      filtersBox.appendChild(label);
    }

    function resultNode(row) {
      var li = rowNode(row);
      if (bilingual) {
        var box = el("p", "result-other");
        li.appendChild(box);
        showOther(row, box);
      }
      return li;
    }

    // wording key -> {li, rows, open}: the hits of the query on screen
    var hits = Object.create(null);

    function year(row) { return (row.doc.date || "").slice(0, 4); }

    function newestFirst(a, b) {
      return (b.doc.date || "").localeCompare(a.doc.date || "") || a.ref - b.ref;
    }

    // The hit of a wording: its newest row, then the others behind a button.
    function hitNode(hit) {
      hit.rows.sort(newestFirst);
      var li = resultNode(hit.rows[0]);
      var others = hit.rows.slice(1);
      if (!others.length) { return li; }
      li.classList.add("result-group");
      var years = others.map(year).concat([year(hit.rows[0])]).filter(Boolean).sort();
      var span = years.length ? years[0] + (years[years.length - 1] !== years[0] ? "–" + years[years.length - 1] : "") : "";
      var toggle = el("button", "result-others-toggle",
        (others.length > 1 ? ui.others_many : ui.others_one).replace("{n}", String(others.length))
          .replace("{years}", span));
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", hit.open ? "true" : "false");
      var list = el("ol", "result-others");
      list.hidden = !hit.open;
      others.forEach(function (r) { list.appendChild(rowNode(r)); });
      toggle.addEventListener("click", function () {
        hit.open = !hit.open;
        list.hidden = !hit.open;
        toggle.setAttribute("aria-expanded", hit.open ? "true" : "false");
      });
      li.appendChild(toggle);
      li.appendChild(list);
      return li;
    }

    // The rows of one message, each wording's node made once: made again for every row, a
    // wording held by k documents built k(k+1)/2 rows, the longest task of a common query.
    function addRows(rows) {
      var touched = [];
      rows.forEach(function (row) {
        var hit = hits[row.wording];
        if (!hit) { hit = hits[row.wording] = { rows: [], open: false, li: null }; }
        if (touched.indexOf(hit) < 0) { touched.push(hit); }
        hit.rows.push(row);
      });
      touched.forEach(function (hit) {
        var li = hitNode(hit);
        if (hit.li) { hit.li.replaceWith(li); } else { list.appendChild(li); }
        hit.li = li;
      });
    }

    function syncUrl(q) {
      var p = new URLSearchParams();
      if (q) { p.set("q", q); }
      FILTERS.forEach(function (f) { if (filters[f]) { p.set(f, filters[f]); } });
      if (bilingual) { p.set("other", "1"); }
      var s = p.toString();
      history.replaceState(null, "", location.pathname + (s ? "?" + s : ""));
      document.title = (q ? q + " · " : "") + baseTitle;
    }

    function run(typing) {
      var q = input.value.trim();
      syncUrl(q);
      moreButton.hidden = true;
      if (!q) {
        list.textContent = "";
        status.textContent = ui.prompt;
        status.setAttribute("data-state", "done");
        status.setAttribute("data-query", "");
        return;
      }
      status.setAttribute("data-state", "searching");
      status.setAttribute("data-query", q);
      var first = true;
      var shown = 0;
      query(q, filters, limit, typing, function (msg) {
        if (msg.type === "error") {
          status.textContent = ui.error + msg.message;
          status.setAttribute("data-state", "error");
          return;
        }
        if (first) { list.textContent = ""; hits = Object.create(null); first = false; }
        addRows(msg.rows);
        if (!shown && msg.rows.length) { performance.mark("resarchive:first-result"); }
        shown += msg.rows.length;
        if (msg.done) {
          showDone(status, msg);
          moreButton.hidden = shown >= msg.total || shown < limit;
        } else {
          status.textContent = ui.searching;
        }
      });
    }

    moreButton.addEventListener("click", function () {
      limit += PAGE;
      var next = links(list).length;
      run(false);
      // keep the reader's place: focus the first new result once it is there
      var observer = new MutationObserver(function () {
        var all = links(list);
        if (all.length > next) { all[next].focus(); observer.disconnect(); }
      });
      observer.observe(list, { childList: true });
    });
    var typed = debounce(function () { limit = PAGE; run(true); });
    input.addEventListener("input", typed);
    // Enter: the full search now; the as-you-type one still waiting would replace its rows
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      typed.cancel();
      run(false);
    });
    keyboard(list, null);

    startWorker();
    onReady.push(function () { buildFilters(filterValues); buildBilingual(); });
    run(false);
    replayKept(); // the "ready" message, when there was no query to send
  }

  // ----------------------------------------------------- short list elsewhere
  function popup() {
    var box = el("div", "search-popup");
    box.id = "search-popup";
    box.hidden = true;
    var status = el("p", "search-status", "");
    status.id = "search-status";
    status.setAttribute("aria-live", "polite");
    var list = el("ol", "results results-popup");
    list.id = "search-results";
    var all = el("a", "search-all", ui.all);
    box.appendChild(status);
    box.appendChild(list);
    box.appendChild(all);
    input.form.appendChild(box);
    input.setAttribute("aria-controls", "search-popup");
    input.setAttribute("aria-expanded", "false");

    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function run() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      all.href = root + "search.html?q=" + encodeURIComponent(q);
      status.textContent = ui.searching;
      status.setAttribute("data-state", "searching");
      status.setAttribute("data-query", q);
      var first = true;
      query(q, {}, POPUP_ROWS, true, function (msg) {
        if (msg.type === "error") { status.textContent = ui.error + msg.message; return; }
        if (first) { list.textContent = ""; first = false; }
        msg.rows.forEach(function (row, k) {
          list.appendChild(rowNode(row));
          if (k === 0 && list.children.length === 1) { performance.mark("resarchive:first-result"); }
        });
        if (msg.done) { showDone(status, msg); }
      });
    }

    input.addEventListener("input", debounce(run));
    input.addEventListener("focus", startWorker);
    keyboard(list, close);
    document.addEventListener("click", function (event) {
      if (!input.form.contains(event.target)) { close(); }
    });
  }

  if (app) { resultsPage(); } else { popup(); }
})();
