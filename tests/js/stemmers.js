/*
 * The Snowball stemmers the site's search worker uses (multilingual-stemmer, Snowball 3.1.1
 * compiled to WebAssembly), for the Node sides of the tests:
 *
 *   require("./stemmers.js").load().then((byName) => tp.useStemmers(byName))
 *
 * byName: {"french": word -> stem, "english": ..., "spanish": ..., every algorithm of the
 * package}, keyed by the names the language data uses (data/<lang>.yaml, search.stemmer).
 */
"use strict";

function load() {
  return import("multilingual-stemmer").then((ms) => {
    const out = {};
    Object.keys(ms.Languages).filter((k) => isNaN(Number(k))).forEach((name) => {
      out[name.toLowerCase()] = ms.createStemmer(ms.Languages[name]);
    });
    return out;
  });
}

module.exports = { load: load };
