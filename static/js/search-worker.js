/*
 * resarchive search worker: all the work of a search, off the main thread.
 *
 * Reads search/manifest.json first, then for each query fetches only the term shards it
 * needs (search-core.js: shardsFor), scores them as lunr.js would (ShardSet.search),
 * filters, and fetches the store chunks of the rows it shows. Messages:
 *
 *   page -> worker  {type: "init", manifest (its URL), sent (the page sends its text)}
 *                   {type: "manifest", text} (after an init with sent; null: fetch it)
 *                   {type: "search", id, q, typing, prefer (a language searched first),
 *                    filters: {language, body, year, kind, paragraph}, limit}
 *   worker -> page  {type: "results", id, q, total, exact, rows: [...], done}
 *                   (sent as rows arrive, in rank order; done: true last)
 *                   {type: "error", id, message}
 *
 * A row: {ref, score, anchor, kind, lang, wording (a key of its normalized text),
 * doc: {id, url, title, symbol, body, date, kind,
 * language}, text, spans: [[start, end], ...], cutStart, cutEnd}. The page sets all of it
 * as text (search.js); nothing here builds HTML.
 */
/* global importScripts, resarchiveTextpipe, resarchiveSearchCore */
"use strict";

// The manifest comes from the page (search-boot.js fetches it, preloaded by search.html,
// while this script downloads: {type: "init", sent: true}, then {type: "manifest", text}),
// or is fetched here ("init" without `sent`: search.js started the worker).
var sentManifest = null; // while the page's manifest is awaited: the resolve of its text
// The Snowball stemmers (multilingual-stemmer: Snowball 3.1.1 compiled to WebAssembly,
// copied from node_modules by the build: 376 kB) are loaded only when a query needs them:
// the terms of words the archive holds come with the index (stem forms, in the buckets a
// query loads anyway). This is a module worker (search.js, search-boot.js start it with
// type "module").
var STEMMERS = new URL("../vendor/multilingual-stemmer/index.js", self.location.href).href;
var snowball = null; // the promise of the module, once asked for

importScripts("textpipe.js", "search-core.js");

var core = resarchiveSearchCore;
var SNIPPET = 240;
// phrase candidates checked once the rows are full; past that the count is "at least"
var PHRASE_CHECK_MAX = 64;
var state = null; // {base, manifest, sets: {lang: ShardSet}}
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

// {"french": word -> stem, ...} for the algorithms the manifest's languages name: from the
// stem forms loaded (ShardSet.stemFromForms), else Snowball's when `m` (the module) is given,
// else null (a word whose term is not known yet: textpipe.js's UNKNOWN).
function stemmersFor(manifest, sets, m) {
  var out = {};
  Object.keys(manifest.languages).forEach(function (lang) {
    var name = manifest.languages[lang].textpipe.stemmer;
    if (!name) { return; }  // a language without a stemmer (Chinese)
    var snowballStem = null;
    if (m) {
      var key = name.charAt(0).toUpperCase() + name.slice(1);
      if (m.Languages[key] === undefined) { throw new Error("no Snowball stemmer " + name); }
      var stemmer = new m.Stemmer(m.Languages[key]);
      snowballStem = function (word) { return stemmer.stem(word); };
    }
    out[name] = function (word) {
      var known = sets[lang].stemFromForms(word);
      return known !== null || !snowballStem ? known : snowballStem(word);
    };
  });
  return out;
}

// Snowball for every language, loaded once, when a query has a word the index has no stem
// form for (a word the archive never printed).
function useSnowball() {
  if (!snowball) {
    snowball = import(STEMMERS).then(function (m) {
      return m.default().then(function () {
        resarchiveTextpipe.useStemmers(stemmersFor(state.manifest, state.sets, m));
      });
    });
    snowball.catch(function () { snowball = null; });
  }
  return snowball;
}

// The manifest: the page's text if it sends one (null: its fetch failed), else fetched.
function manifestOf(msg) {
  if (!msg.sent) { return getJSON(msg.manifest); }
  return new Promise(function (resolve) { sentManifest = resolve; }).then(function (text) {
    return text === null ? getJSON(msg.manifest) : JSON.parse(text);
  });
}

function init(msg) {
  var manifestUrl = msg.manifest;
  return manifestOf(msg).then(function (manifest) {
    if (manifest.format !== 3) { throw new Error("unsupported search index format " + manifest.format); }
    var sets = Object.create(null);
    Object.keys(manifest.languages).forEach(function (lang) {
      var info = manifest.languages[lang];
      resarchiveTextpipe.load(lang, info.textpipe);
      sets[lang] = new core.ShardSet({
        paragraphs: info.paragraphs, lengthSum: info.lengthSum, deleted: manifest.deleted
      });
    });
    resarchiveTextpipe.useStemmers(stemmersFor(manifest, sets, null));
    state = { base: new URL(".", manifestUrl).href, manifest: manifest, sets: sets };
    return state;
  });
}

function url(rel) { return new URL(rel, state.base).href; }

// Results of one language: {parsed, lang, hits: [{ref, score}]}, best first, phrases not yet
// checked. A query of common words, or a prefix alone, may call preview(parsed, hits) with its
// first hits before the rest is loaded (search-core.js, load: top pieces, prefix pieces). In
// the reader's language (`exact`) a word the archive never printed gets its term from
// Snowball, loaded for it; in the others a word is matched by the forms printed in that
// language only: a French word is seldom printed in English texts, and Snowball's 376 kB
// would be fetched for nothing on most queries.
function searchLanguage(lang, q, typing, preview, exact) {
  var info = state.manifest.languages[lang];
  var set = state.sets[lang];
  function fetchFile(id) { return getJSON(url(info.files.replace("{id}", id))); }
  // the buckets of the query's words first: they hold the words' stem forms
  var words = resarchiveTextpipe.stemInputs(q, lang);
  return core.fetchInto(set, core.formBuckets(words, info), fetchFile).then(function () {
    var parsed = core.parseQuery(q, lang, typing);
    if (!core.hasUnknown(parsed) || !exact) { return parsed; }
    return useSnowball().then(function () { return core.parseQuery(q, lang, typing); });
  }).then(function (parsed) {
    return core.load(parsed, info, set, fetchFile, preview && function (hits) {
      return preview(parsed, hits);
    }).then(function () {
      return { parsed: parsed, lang: lang, hits: set.search(parsed) };
    });
  });
}

var FACETS = ["body", "year", "kind", "paragraph"];

// A test of refs against the filters beyond the language (null: none is set). Each filter
// value has its own file of ref ranges (facets/<facet>/<n>.json, n its place in the
// manifest's filter values), so a filter loads what it needs and nothing of the others.
function facetFilter(filters) {
  var wanted = FACETS.filter(function (facet) { return !!filters[facet]; });
  if (!wanted.length) { return Promise.resolve(null); }
  return Promise.all(wanted.map(function (facet) {
    var n = (state.manifest.filters[facet] || []).indexOf(filters[facet]);
    if (n < 0) { return function () { return false; }; }
    var name = state.manifest.facets.replace("{facet}", facet).replace("{n}", String(n));
    return getJSON(url(name)).then(function (file) {
      var ranges = core.rangeSet(file.ranges);
      return function (ref) { return ranges.has(ref); };
    });
  })).then(function (tests) {
    return function (ref) { return tests.every(function (test) { return test(ref); }); };
  });
}

function storeChunk(ref) {
  var n = Math.floor(ref / state.manifest.storeChunk);
  return getJSON(url(state.manifest.store.replace("{n}", String(n))));
}

// The wording of a paragraph as "agreed language" compares it (src/resarchive/wording.py):
// without case, accents or punctuation; hashed (cyrb53) so that rows of the same wording
// can be told apart from others cheaply. Rows of equal keys are one hit on the results page.
function wordingKey(text) {
  var words = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  var h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (var i = 0; i < words.length; i++) {
    var c = words.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

function row(hit, chunk, parsed, lang) {
  var r = chunk.rows[hit.ref - chunk.first];
  var text = r[3];
  var phrase = core.phraseSpan(text, lang, parsed.phrases);
  var cut = core.snippet(text, core.highlightSpans(text, lang, parsed), SNIPPET, phrase ? phrase[0] : undefined);
  return {
    ref: hit.ref, score: hit.score, anchor: r[1], kind: r[2], lang: lang,
    doc: chunk.docs[String(r[0])], text: cut.text, spans: cut.spans,
    cutStart: cut.cutStart, cutEnd: cut.cutEnd, wording: wordingKey(text)
  };
}

// The languages to search, the page's own first ("French first, then English").
function languageOrder(filters, prefer) {
  return Object.keys(state.manifest.languages).filter(function (lang) {
    return !filters.language || filters.language === lang;
  }).sort(function (a, b) {
    return (a === prefer ? 0 : 1) - (b === prefer ? 0 : 1) || (a < b ? -1 : a > b ? 1 : 0);
  });
}

// The reader's language first: its shards alone are loaded until its first row is out (or
// it has none), so that row comes early and cheaply (on a slow line the other languages'
// buckets would share the bandwidth with its store file); then every other language is
// searched at once, while the first language's other rows are built. Rows come language
// by language, best first in each.
function search(msg) {
  var filters = msg.filters || {};
  var out = {
    msg: msg, limit: Math.max(1, Math.min(msg.limit || 20, 500)),
    rows: [], sent: 0, total: 0, exact: true, shown: null
  };
  var firstRow = new Promise(function (resolve) { out.shown = resolve; });
  var languages = languageOrder(filters, msg.prefer);
  return facetFilter(filters).then(function (keep) {
    function kept(hits) { return keep ? hits.filter(function (h) { return keep(h.ref); }) : hits; }
    if (!languages.length || msg.id !== latest) { return null; }
    var first = searchLanguage(languages[0], msg.q, msg.typing, function (parsed, hits) {
      return preview(out, kept(hits), parsed, languages[0]);
    }, true);
    var chain = first.then(function (r) { return emit(out, kept(r.hits), r.parsed, r.lang); });
    var others = Promise.race([firstRow, chain]).then(function () {
      return languages.slice(1).map(function (lang) {
        return searchLanguage(lang, msg.q, msg.typing, null, false);
      });
    });
    return Promise.all([chain, others]).then(function (done) {
      return done[1].reduce(function (previous, pending) {
        return previous.then(function () {
          if (msg.id !== latest) { return null; }
          return pending.then(function (r) { return emit(out, kept(r.hits), r.parsed, r.lang); });
        });
      }, Promise.resolve());
    });
  }).then(function () { post(out, true); });
}

// Post the rows not sent yet (after a preview, rows are built again from its first one:
// those already sent are not sent twice).
function post(out, done) {
  if (out.msg.id !== latest || (!done && out.rows.length <= out.sent)) { return; }
  self.postMessage({ type: "results", id: out.msg.id, q: out.msg.q, total: out.total,
    exact: out.exact, rows: out.rows.slice(out.sent), done: done });
  out.sent = Math.max(out.sent, out.rows.length);
  if (out.sent > 0) { out.shown(); }
}

// Show the first rows of a language while the rest of its index loads: `hits` are its
// first hits for certain (ShardSet.searchTop), so they are the first rows emit() will build
// from all hits; the rows are posted, then taken back from `out`, so that emit() counts and
// builds them again as for any query, and post() sends only what comes after them. A phrase
// query checks at most PHRASE_CHECK_MAX of them here: the rest of the index comes first.
function preview(out, hits, parsed, lang) {
  var base = out.rows.length, total = out.total, exact = out.exact;
  var phrases = parsed.phrases.length > 0;
  var i = 0;
  function step() {
    if (out.msg.id !== latest || i >= hits.length || out.rows.length >= out.limit) { return null; }
    if (phrases && i >= PHRASE_CHECK_MAX) { return null; }
    var batch = hits.slice(i, i + (phrases ? 32 : out.limit - out.rows.length));
    i += batch.length;
    return addRows(out, batch, parsed, lang, phrases ? function () {} : null).then(step);
  }
  return Promise.resolve(step()).then(function () {
    out.rows.length = base;
    out.total = total;
    out.exact = exact;
  });
}

// Add one language's hits: rows (text from the store) while the limit allows, and the count.
// A phrase query checks each candidate's text, so its count is exact only once all are
// checked; past PHRASE_CHECK_MAX candidates it stops when the rows are full ("at least").
function emit(out, hits, parsed, lang) {
  var phrases = parsed.phrases.length > 0;
  if (!phrases) {
    out.total += hits.length;
    return addRows(out, hits.slice(0, out.limit - out.rows.length), parsed, lang, null);
  }
  var i = 0;
  function step() {
    if (out.msg.id !== latest || i >= hits.length) { return null; }
    if (out.rows.length >= out.limit && i > PHRASE_CHECK_MAX) { out.exact = false; return null; }
    var batch = hits.slice(i, i + 32);
    i += batch.length;
    return addRows(out, batch, parsed, lang, function () { out.total += 1; }).then(step);
  }
  return step();
}

// Fetch the store chunks of `hits`, keep those passing the phrase check, post as rows arrive.
// The first chunk is fetched alone and the others only once the first row is out: a dozen
// fetch() calls cost a cold worker 15-20 ms, which the first row need not wait for.
function addRows(out, hits, parsed, lang, counted) {
  if (!hits.length) { return Promise.resolve(); }
  var chunks = [storeChunk(hits[0].ref)];
  function chunkOf(k) {
    if (k > 0 && chunks.length === 1) {
      hits.slice(1).forEach(function (h) { chunks.push(storeChunk(h.ref)); });
    }
    return chunks[k];
  }
  return hits.reduce(function (previous, h, k) {
    return previous.then(function () {
      return chunkOf(k).then(function (stored) {
        var text = stored.rows[h.ref - stored.first][3];
        if (counted) {
          if (!core.phraseMatches(text, lang, parsed.phrases)) { return; }
          counted();
        }
        if (out.rows.length < out.limit) {
          out.rows.push(row(h, stored, parsed, lang));
          if (out.rows.length === 1) { post(out, false); }
        }
      });
    });
  }, Promise.resolve()).then(function () { post(out, false); });
}

self.onmessage = function (event) {
  var msg = event.data || {};
  if (msg.type === "manifest") {
    if (sentManifest) { sentManifest(msg.text); sentManifest = null; }
    return;
  }
  if (msg.type === "init") {
    ready = init(msg);
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
