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
 *   {"op": "tokenize", "items": [text, ...]}                    -> [[token, ...], ...]
 *   {"op": "stem",     "lang": "fr", "items": [word, ...]}      -> [stem, ...]  (raw stemmer)
 *   {"op": "fold",     "items": [text, ...]}                    -> [folded, ...]
 *   {"op": "pipeline", "lang": "fr", "items": [text, ...]}
 *        -> [[term, ...], ...]: lunr.tokenizer + the registered lunr.Pipeline, i.e. what
 *           lunr.js itself would do with our functions
 *   {"op": "search",   "lang": "fr", "index": SERIALIZED, "queries": [q, ...]}
 *        -> [[{"ref": r, "score": s}, ...], ...]: lunr.Index.load + search, all hits
 * RESPONSE: {"version": PIPELINE_VERSION, "labels": {...}, "results": [result per task],
 *            "seconds": wall time}
 */
"use strict";

const fs = require("fs");
const path = require("path");
const lunr = require("lunr");
const tp = require(path.join(__dirname, "..", "..", "static", "js", "textpipe.js"));

function main() {
  const [reqPath, resPath] = process.argv.slice(2);
  const req = JSON.parse(fs.readFileSync(reqPath, "utf8"));
  const t0 = Date.now();
  const labels = {};
  for (const lang of Object.keys(req.data || {})) {
    tp.register(lunr, lang, req.data[lang]);
    labels[lang] = tp.STAGES.map((s) => tp.label(lang, s));
  }
  const results = (req.tasks || []).map((task) => run(task));
  fs.writeFileSync(resPath, JSON.stringify({
    version: tp.PIPELINE_VERSION,
    labels: labels,
    results: results,
    seconds: (Date.now() - t0) / 1000,
  }));
}

function run(task) {
  switch (task.op) {
    case "analyze":
      return task.items.map((t) => tp.analyze(t, task.lang));
    case "tokenize":
      return task.items.map((t) => tp.tokenize(t));
    case "stem": {
      const fn = task.lang === "fr" ? tp.stemFrench : tp.stemEnglish;
      return task.items.map((w) => fn(w));
    }
    case "fold":
      return task.items.map((t) => tp.fold(t));
    case "pipeline": {
      const pipeline = new lunr.Pipeline();
      tp.register(lunr, task.lang).forEach((fn) => pipeline.add(fn));
      return task.items.map((t) => pipeline.run(lunr.tokenizer(t)).map(String));
    }
    case "search": {
      const idx = lunr.Index.load(task.index);
      return task.queries.map((q) => idx.search(q).map((r) => ({ref: r.ref, score: r.score})));
    }
    default:
      throw new Error("unknown op " + task.op);
  }
}

main();
