/*
 * resarchive search worker: all the work of a search, off the main thread.
 *
 * Reads search/manifest.json first, then for each query fetches only the term shards it
 * needs (search-core.js: shardsFor), searches the merged lunr.Index, filters, and fetches
 * the store chunks of the rows it shows. Messages:
 *
 *   page -> worker  {type: "search", id, q, typing, filters: {language, body, year, kind,
 *                    paragraph}, limit}
 *   worker -> page  {type: "results", id, q, total, exact, rows: [...], done}
 *                   (sent as rows arrive, in rank order; done: true last)
 *                   {type: "error", id, message}
 *
 * A row: {ref, score, anchor, kind, lang, doc: {id, url, title, symbol, body, date, kind,
 * language}, text, spans: [[start, end], ...], cutStart, cutEnd}. The page sets all of it
 * as text (search.js); nothing here builds HTML.
 */
/* global importScripts, lunr, resarchiveTextpipe, resarchiveSearchCore */
"use strict";

importScripts("../vendor/lunr.min.js", "textpipe.js", "search-core.js");

var core = resarchiveSearchCore;
var SNIPPET = 240;
var state = null; // {base, manifest, sets: {lang: ShardSet}, facets}
var ready = null; // the promise of state
var fetches = Object.create(null);
var latest = 0;

function getJSON(url) {
  if (!fetches[url]) {
    fetches[url] = fetch(url).then(function (response) {
      if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
      return response.json();
    });
    fetches[url].catch(function () { delete fetches[url]; });
  }
  return fetches[url];
}

function init(manifestUrl) {
  return getJSON(manifestUrl).then(function (manifest) {
    if (manifest.format !== 1) { throw new Error("unsupported search index format " + manifest.format); }
    var sets = Object.create(null);
    Object.keys(manifest.languages).forEach(function (lang) {
      var info = manifest.languages[lang];
      resarchiveTextpipe.register(lunr, lang, info.textpipe);
      sets[lang] = new core.ShardSet(lunr, info.pipeline);
    });
    state = { base: new URL(".", manifestUrl).href, manifest: manifest, sets: sets, facets: null };
    return state;
  });
}

function url(rel) { return new URL(rel, state.base).href; }

// Results of one language: [{ref, score, lang}], best first, phrases not yet checked.
function searchLanguage(lang, q, typing) {
  var info = state.manifest.languages[lang];
  var parsed = core.parseQuery(q, lang, typing);
  var set = state.sets[lang];
  return core.load(parsed, info.shards, set, function (n) {
    return getJSON(url(info.shards[n][2]));
  }).then(function () {
    var hits = core.run(lunr, set.lunrIndex(), parsed);
    return {
      parsed: parsed,
      hits: hits.map(function (h) { return { ref: Number(h.ref), score: h.score, lang: lang }; })
    };
  });
}

function needsFacets(filters) {
  return !!(filters.body || filters.year || filters.kind || filters.paragraph);
}

function facetFilter(filters) {
  if (!needsFacets(filters)) { return Promise.resolve(null); }
  var load = state.facets ? Promise.resolve(state.facets) : getJSON(url(state.manifest.facets));
  return load.then(function (facets) {
    state.facets = facets;
    var firsts = facets.docs.map(function (d) { return d[3]; });
    var kinds = state.manifest.paragraphKinds;
    return function (ref) {
      // the document holding `ref`: the last one whose first ref is <= ref
      var lo = 0, hi = firsts.length - 1, doc = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (firsts[mid] >= 0 && firsts[mid] <= ref) { doc = mid; lo = mid + 1; }
        else if (firsts[mid] < 0) {
          // documents without a searchable paragraph: step over them
          var k = mid; while (k <= hi && firsts[k] < 0) { k++; }
          if (k > hi || firsts[k] > ref) { hi = mid - 1; } else { doc = k; lo = k + 1; }
        } else { hi = mid - 1; }
      }
      if (doc < 0) { return false; }
      var d = facets.docs[doc];
      if (filters.body && facets.bodies[d[0]] !== filters.body) { return false; }
      if (filters.year && d[1] !== filters.year) { return false; }
      if (filters.kind && facets.kinds[d[2]] !== filters.kind) { return false; }
      if (filters.paragraph && kinds[facets.paragraphKinds.charAt(ref)] !== filters.paragraph) { return false; }
      return true;
    };
  });
}

function storeChunk(ref) {
  var n = Math.floor(ref / state.manifest.storeChunk);
  return getJSON(url(state.manifest.store.replace("{n}", String(n))));
}

function row(hit, chunk, parsed) {
  var r = chunk.rows[hit.ref - chunk.first];
  var text = r[3];
  var phrase = core.phraseSpan(text, hit.lang, parsed.phrases);
  var cut = core.snippet(text, core.highlightSpans(text, hit.lang, parsed), SNIPPET, phrase ? phrase[0] : undefined);
  return {
    ref: hit.ref, score: hit.score, anchor: r[1], kind: r[2], lang: hit.lang,
    doc: chunk.docs[String(r[0])], text: cut.text, spans: cut.spans,
    cutStart: cut.cutStart, cutEnd: cut.cutEnd
  };
}

function search(msg) {
  var filters = msg.filters || {};
  var limit = Math.max(1, Math.min(msg.limit || 20, 500));
  var langs = Object.keys(state.manifest.languages).filter(function (lang) {
    return !filters.language || filters.language === lang;
  });
  return Promise.all([
    Promise.all(langs.map(function (lang) { return searchLanguage(lang, msg.q, msg.typing); })),
    facetFilter(filters)
  ]).then(function (both) {
    var perLang = both[0], keep = both[1];
    var parsedBy = Object.create(null);
    var hits = [];
    perLang.forEach(function (r, k) {
      parsedBy[langs[k]] = r.parsed;
      r.hits.forEach(function (h) { if (!keep || keep(h.ref)) { hits.push(h); } });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.ref - b.ref; });
    var phrases = langs.some(function (l) { return parsedBy[l].phrases.length; });
    return emit(msg, hits, parsedBy, limit, phrases);
  });
}

// Post rows in rank order as their store chunks arrive. Phrase queries check each
// candidate's text, so their total is known only once every candidate is checked.
function emit(msg, hits, parsedBy, limit, phrases) {
  var rows = [];
  var sent = 0;
  var exact = !phrases;
  var total = phrases ? 0 : hits.length;
  var i = 0;
  function post(done) {
    if (msg.id !== latest) { return; }
    self.postMessage({ type: "results", id: msg.id, q: msg.q, total: total, exact: exact,
      rows: rows.slice(sent), done: done });
    sent = rows.length;
  }
  function step() {
    if (msg.id !== latest) { return null; }
    if (i >= hits.length || (rows.length >= limit && !phrases)) {
      exact = true;
      post(true);
      return null;
    }
    var batch = hits.slice(i, i + (phrases ? 32 : limit - rows.length));
    i += batch.length;
    var chunks = batch.map(function (h) { return storeChunk(h.ref); });
    // walk the batch in order, posting whenever the next row is ready
    return chunks.reduce(function (previous, chunkPromise, k) {
      return previous.then(function () {
        return chunkPromise.then(function (chunk) {
          var h = batch[k];
          var parsed = parsedBy[h.lang];
          if (phrases && !core.phraseMatches(chunk.rows[h.ref - chunk.first][3], h.lang, parsed.phrases)) {
            return;
          }
          if (phrases) { total += 1; }
          if (rows.length < limit) {
            rows.push(row(h, chunk, parsed));
            if (rows.length === 1 || rows.length === limit) { post(false); }
          }
        });
      });
    }, Promise.resolve()).then(function () {
      if (phrases && total >= limit && i < hits.length && hits.length > 2000) {
        // enough rows to show; the count stays "at least"
        post(true);
        return null;
      }
      return step();
    });
  }
  return step();
}

self.onmessage = function (event) {
  var msg = event.data || {};
  if (msg.type === "init") {
    ready = init(msg.manifest);
    ready.then(function (s) {
      self.postMessage({ type: "ready", filters: s.manifest.filters, paragraphs: s.manifest.paragraphs });
    }, function (error) {
      self.postMessage({ type: "error", id: 0, message: String(error && error.message || error) });
    });
    return;
  }
  if (msg.type === "search") {
    latest = msg.id;
    var start = ready || Promise.reject(new Error("search index not loaded"));
    start.then(function () { return search(msg); }).catch(function (error) {
      self.postMessage({ type: "error", id: msg.id, message: String(error && error.message || error) });
    });
  }
};
