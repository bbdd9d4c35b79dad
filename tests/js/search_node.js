#!/usr/bin/env node
/*
 * Node side of tests/test_search_index.py: runs static/js/search-core.js with lunr.js on an
 * index written by src/resarchive/index.py, two ways, so Python can compare them:
 *   "whole":   lunr.Index.load(the unsplit serialized lunr.py index)
 *   "sharded": a ShardSet holding only the shards search-core's load fetches, searched by
 *              ShardSet.search (the worker's own scoring, no lunr.js)
 *   "preview": load again, as the worker does, with a preview: for a query of common words
 *              alone, the first hits ranked from their top pieces (ShardSet.searchTop)
 *              before their pieces are fetched, and the shards fetched by then
 *   "forms":   as the worker does it first, without Snowball: the terms of the query's
 *              words from the stem forms of the buckets it loads; null if a word has none
 *              (the worker then loads Snowball); else its clauses, hits and the highlights
 *              of the texts given (REQUEST "texts": {ref: text}) of its first 20 hits
 *
 *   node tests/js/search_node.js REQUEST.json RESPONSE.json
 *
 * REQUEST: {"lang": "fr", "textpipe": browser_data, "pipeline": [labels],
 *           "whole": SERIALIZED, "layout": {bucketKey, segments} as the manifest has them,
 *           "stats": {paragraphs, lengthSum, deleted}, "files": {"<segment>/<b>.json" or
 *           "<segment>/<b>-<k>.json": content}, "queries": [[q, typing], ...]}
 * RESPONSE: {"results": [{"whole": [[ref, score], ...], "sharded": [...], "shards": [id, ...],
 *            "clauses": [...], "preview": null or {"hits": [...], "shards": [id, ...]},
 *            "previewed": [...] (ShardSet.search after the previewed load)}, ...]}
 */
"use strict";

const fs = require("fs");
const path = require("path");
const lunr = require("lunr");
const js = path.join(__dirname, "..", "..", "static", "js");
const tp = require(path.join(js, "textpipe.js"));
globalThis.resarchiveTextpipe = tp;
const core = require(path.join(js, "search-core.js"));

const [reqPath, resPath] = process.argv.slice(2);
const req = JSON.parse(fs.readFileSync(reqPath, "utf8"));
let whole = null;

const pairs = (hits) => hits.map((h) => [Number(h.ref), h.score]);

// The reference: lunr.js's own query of the clauses on the whole index.
function lunrQuery(index, parsed) {
  const clauses = parsed.clauses;
  if (!clauses.some((c) => c.presence !== "prohibited")) { return []; }
  return index.query((query) => {
    clauses.forEach((c) => {
      query.term(c.term, {
        fields: [core.FIELD],
        usePipeline: false,
        wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
        presence: c.presence === "prohibited" ? lunr.Query.presence.PROHIBITED
          : lunr.Query.presence.REQUIRED,
      });
    });
  });
}

async function main() {
  const results = [];
  for (const [q, typing] of req.queries) {
    const parsed = core.parseQuery(q, req.lang, typing);
    const set = new core.ShardSet(req.stats);
    const fetched = [];
    const file = (id) => {
      if (!(id + ".json" in req.files)) { throw new Error("no file " + id); }
      return Promise.resolve(req.files[id + ".json"]);
    };
    await core.load(parsed, req.layout, set, (id) => {
      fetched.push(id);
      return file(id);
    });
    const second = new core.ShardSet(req.stats);
    const fetchedSecond = [];
    let preview = null;
    await core.load(parsed, req.layout, second, (id) => {
      fetchedSecond.push(id);
      return file(id);
    }, (hits) => {
      preview = { hits: pairs(hits), shards: fetchedSecond.slice().sort() };
      return Promise.resolve();
    });
    // the worker's first way: stems from the index's stem forms only, no Snowball
    const formsSet = new core.ShardSet(req.stats);
    tp.useStemmers({ [req.textpipe.stemmer]: (w) => formsSet.stemFromForms(w) });
    await core.fetchInto(formsSet, core.formBuckets(tp.stemInputs(q, req.lang), req.layout), file);
    const formsParsed = core.parseQuery(q, req.lang, typing);
    let forms = null;
    if (!core.hasUnknown(formsParsed)) {
      await core.load(formsParsed, req.layout, formsSet, file);
      const hits = pairs(formsSet.search(formsParsed));
      const spans = (parsedNow) => hits.slice(0, 20).filter(([ref]) => req.texts && ref in req.texts)
        .map(([ref]) => core.highlightSpans(req.texts[ref], req.lang, parsedNow));
      forms = { clauses: formsParsed.clauses, hits: hits, spans: spans(formsParsed) };
      tp.useStemmers(snowballStemmers);
      forms.snowballSpans = spans(parsed);
    }
    tp.useStemmers(snowballStemmers);
    results.push({
      clauses: parsed.clauses,
      shards: fetched.sort(),
      whole: pairs(lunrQuery(whole, parsed)),
      sharded: pairs(set.search(parsed)),
      preview: preview,
      previewed: pairs(second.search(parsed)),
      forms: forms,
    });
  }
  fs.writeFileSync(resPath, JSON.stringify({ results }));
}

let snowballStemmers = null;
require("./stemmers.js").load().then((stemmers) => {
  snowballStemmers = stemmers;
  tp.useStemmers(stemmers);
  tp.register(lunr, req.lang, req.textpipe);
  whole = lunr.Index.load(req.whole);
  return main();
}).catch((e) => { console.error(e); process.exit(1); });
