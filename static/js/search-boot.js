/*
 * resarchive search, first moves: loaded from the <head> of search.html only.
 *
 * A cold search waits for the search worker to start, read the manifest and fetch the
 * shards; started from search.js at the end of the page, all of that began after the page
 * had loaded (DOMContentLoaded is 100-160 ms into a cold visit). Here the worker starts, and
 * the URL's query is sent to it, while the page is still being parsed (async: the page does
 * not wait for this script). Messages the worker sends before search.js is there are kept;
 * search.js takes the worker, the kept messages and the query sent
 * (window.resarchiveSearchBoot), and sends the query again only if it would have sent
 * another one. Should search.js run first after all, this script does nothing.
 */
(function () {
  "use strict";

  var FILTERS = ["language", "body", "year", "kind", "paragraph"]; // as in search.js
  var PAGE = 20; // as in search.js

  var here = document.currentScript && document.currentScript.src;
  if (!here || typeof Worker === "undefined" || window.resarchiveSearchLoaded) { return; }
  var worker = new Worker(new URL("search-worker.js", here).href, { type: "module" });
  var boot = { worker: worker, kept: [], sent: null };
  worker.onmessage = function (event) { boot.kept.push(event.data); };
  // The manifest, preloaded by search.html, is fetched here and sent to the worker while
  // its script downloads: one request (a fetch in the worker would not take the preload,
  // and might ask the server again), no round trip after the worker has started.
  var manifest = new URL("../../search/manifest.json", here).href;
  worker.postMessage({ type: "init", manifest: manifest, sent: true });
  fetch(manifest).then(function (response) {
    return response.ok ? response.text() : null;
  }).catch(function () { return null; }).then(function (text) {
    worker.postMessage({ type: "manifest", text: text });
  });

  var params = new URLSearchParams(location.search);
  var q = (params.get("q") || "").trim();
  if (q) {
    var filters = {};
    FILTERS.forEach(function (f) { if (params.get(f)) { filters[f] = params.get(f); } });
    boot.sent = { type: "search", id: 1, q: q, filters: filters, limit: PAGE, typing: false,
      prefer: (document.documentElement.lang || "fr").slice(0, 2) };
    worker.postMessage(boot.sent);
  }
  window.resarchiveSearchBoot = boot;
}());
