#!/usr/bin/env node
/*
 * Node side of tests/test_textpipe.py: runs static/js/textpipe.js (and lunr.js) on
 * what Python sends, so Python can compare the two pipelines.
 *
 *   node tests/js/textpipe_node.js REQUEST.json RESPONSE.json
 *
 * REQUEST: {"data": {"fr": browser_data("fr"), "en": browser_data("en")},
 *           "tasks": [TASK, ...]}
 * TASK, one of
 *   {"op": "analyze",  "lang": "fr", "items": [text, ...]}     -> [[term, ...], ...]
 *   {"op": "term",     "lang": "fr", "items": [token, ...]}     -> [term or null, ...]
 *   {"op": "tokenize", "items": [text, ...]}                    -> [[token, ...], ...]
 *   {"op": "stem",     "lang": "fr", "items": [word, ...]}      -> [stem, ...]  (raw stemmer:
 *                                                                  the language's Snowball)
 *   {"op": "fold",     "items": [text, ...]}                    -> [folded, ...]
 *   {"op": "pipeline", "lang": "fr", "items": [text, ...]}
 *        -> [[term, ...], ...]: lunr.tokenizer + the registered lunr.Pipeline, i.e. what
 *           lunr.js itself would do with our functions
 *   {"op": "positions", "lang": "fr", "items": [text, ...]}
 *        -> [[[term, start, length], ...], ...]: the same with each token's position
 *   {"op": "highlight", "lang": "fr", "items": [[text, [term, ...]], ...]}
 *        -> [[[start, end], ...], ...]: highlightSpans
 *   {"op": "search",   "lang": "fr", "index": SERIALIZED, "queries": [q, ...]}
 *        -> [[{"ref": r, "score": s, "terms": [matched term, ...]}, ...], ...]:
 *           lunr.Index.load + search, all hits, in lunr's order
 *   {"op": "worker",   "lang": "fr", "shards": {"stats": {...}, "files": {id: FILE}},
 *                      "queries": [q, ...]}
 *        -> {"globals": {...}, "results": [...], "node": [...]}: textpipe.js and
 *           search-core.js evaluated as the search worker's importScripts does, in a fresh
 *           global scope that has `self` and nothing of Node or of a page (no module,
 *           require, window, document); each query parsed and searched over all the
 *           shards there ("results") and with the same files required in Node ("node")
 * RESPONSE: {"version": PIPELINE_VERSION, "labels": {...}, "results": [result per task],
 *            "seconds": wall time}
 * On any error: a one-line message on stderr naming the task, and exit status 1.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const TEXTPIPE = path.join(__dirname, "..", "..", "static", "js", "textpipe.js");
const CORE = path.join(__dirname, "..", "..", "static", "js", "search-core.js");

function fail(message) {
  process.stderr.write("textpipe_node.js: " + message + "\n");
  process.exit(1);
}

let lunr;
try {
  lunr = require("lunr");
} catch (e) {
  fail("cannot load lunr from node_modules (run `make setup`): " + e.message);
}
const tp = require(TEXTPIPE);
const stemmers = require("./stemmers.js");

function main() {
  const [reqPath, resPath] = process.argv.slice(2);
  if (!reqPath || !resPath) {
    fail("usage: node textpipe_node.js REQUEST.json RESPONSE.json");
  }
  const req = JSON.parse(fs.readFileSync(reqPath, "utf8"));
  const t0 = Date.now();
  const labels = {};
  for (const lang of Object.keys(req.data || {})) {
    tp.register(lunr, lang, req.data[lang]);
    labels[lang] = tp.STAGES.map((s) => tp.label(lang, s));
  }
  const results = (req.tasks || []).map((task, k) => {
    try {
      return run(task, req.data || {});
    } catch (e) {
      fail(`task ${k} (op ${task.op}, lang ${task.lang}) failed: ${e && e.stack ? e.stack : e}`);
    }
    return null;
  });
  fs.writeFileSync(resPath, JSON.stringify({
    version: tp.PIPELINE_VERSION,
    labels: labels,
    results: results,
    seconds: (Date.now() - t0) / 1000,
  }));
}

function searchAll(idx, queries) {
  return queries.map((q) => idx.search(q).map((r) => ({
    ref: r.ref,
    score: r.score,
    terms: Object.keys(r.matchData.metadata).sort(),
  })));
}

function run(task, data) {
  switch (task.op) {
    case "analyze":
      return task.items.map((t) => tp.analyze(t, task.lang));
    case "term":
      return task.items.map((t) => tp.term(t, task.lang));
    case "tokenize":
      return task.items.map((t) => tp.tokenize(t, task.lang));
    case "stem": {
      const fn = tp.stemmer(data[task.lang].stemmer);
      return task.items.map((w) => fn(w));
    }
    case "fold":
      return task.items.map((t) => tp.fold(t));
    case "pipeline":
    case "positions": {
      const pipeline = new lunr.Pipeline();
      tp.register(lunr, task.lang).forEach((fn) => pipeline.add(fn));
      return task.items.map((t) => pipeline.run(lunr.tokenizer(t)).map((tok) => (
        task.op === "pipeline" ? String(tok) : [String(tok)].concat(tok.metadata.position)
      )));
    }
    case "highlight":
      return task.items.map(([text, terms]) => tp.highlightSpans(text, task.lang, terms));
    case "search":
      return searchAll(lunr.Index.load(task.index), task.queries);
    case "worker":
      return inWorkerScope(task, data);
    default:
      throw new Error("unknown op " + task.op);
  }
}

// Each query parsed and searched over all of `shards` with `core` (search-core.js).
function searchShards(core, lang, shards, queries) {
  const set = new core.ShardSet(shards.stats);
  const ids = Object.keys(shards.files).sort((a, b) => (a.includes("-") - b.includes("-")) || (a < b ? -1 : 1));
  ids.forEach((id) => set.add(id, shards.files[id])); // buckets first: they list the shards
  return queries.map((q) => {
    const parsed = core.parseQuery(q, lang, false);
    return { clauses: parsed.clauses, hits: set.search(parsed) };
  });
}

// What the search worker does with importScripts("textpipe.js", "search-core.js"): evaluate
// both scripts in one global scope whose `self` is the global object.
function inWorkerScope(task, data) {
  const scope = vm.createContext({});
  vm.runInContext("var self = this;", scope);
  for (const file of [TEXTPIPE, CORE]) {
    vm.runInContext(fs.readFileSync(file, "utf8"), scope, {filename: file});
  }
  scope.__input = JSON.stringify({lang: task.lang, data: data[task.lang], shards: task.shards,
    queries: task.queries});
  scope.__search = searchShards;
  scope.__stemmers = byName;
  const out = vm.runInContext(`(function () {
    var input = JSON.parse(__input);
    self.resarchiveTextpipe.useStemmers(__stemmers);
    var globals = {
      self: typeof self, window: typeof window, document: typeof document,
      module: typeof module, require: typeof require, process: typeof process,
      lunr: typeof self.lunr, resarchiveTextpipe: typeof self.resarchiveTextpipe,
      resarchiveSearchCore: typeof self.resarchiveSearchCore
    };
    self.resarchiveTextpipe.load(input.lang, input.data);
    var results = __search(self.resarchiveSearchCore, input.lang, input.shards, input.queries);
    return JSON.stringify({globals: globals, results: results});
  })()`, scope);
  const parsed = JSON.parse(out);
  globalThis.resarchiveTextpipe = tp;
  tp.load(task.lang, data[task.lang]);
  parsed.node = searchShards(require(CORE), task.lang, task.shards, task.queries);
  return parsed;
}

let byName = null;
stemmers.load().then((loaded) => {
  byName = loaded;
  tp.useStemmers(loaded);
  main();
}).catch((e) => fail("cannot load the Snowball stemmers (multilingual-stemmer): " + e));
