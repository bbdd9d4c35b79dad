/*
 * resarchive text pipeline for lunr.js: the JavaScript twin of src/resarchive/textpipe.py.
 *
 * The search index is built in Python with lunr.py and searched in the browser; a
 * query only finds a document if both sides turn words into the same terms. So this
 * file implements the same pure functions as textpipe.py, in the same order and with
 * the same names, and tests/test_textpipe.py runs both over every distinct token of
 * the corpus and demands zero differences. Read textpipe.py's docstrings for the why;
 * comments here only point out JavaScript-specific details.
 *
 * Usage (search worker): importScripts this file, then
 *     resarchiveTextpipe.useStemmers({french: fn, ...})  // Snowball: word -> stem
 *     resarchiveTextpipe.load("fr", data)   // data: JSON written by the build
 *     resarchiveTextpipe.analyze(text, "fr")
 * With lunr.js (the tests' reference): resarchiveTextpipe.register(lunr, "fr", data), then
 *     lunr.Index.load(serializedIndex). In Node: var tp = require("./textpipe.js").
 *
 * `data` is textpipe.browser_data(lang) from Python:
 *     {"version": 3, "lang": "fr", "stemmer": "french", "elisions": ["jusqu'", ...],
 *      "stopwords": ["a", ...], "rewrite": [["ieres", "ières"], ...],
 *      "irregular": {"travaux": "travail", ...}}
 * already normalized (lowercase, ' apostrophe, stop words and irregular forms folded,
 * longest first).
 *
 * For a search UI: highlightSpans(text, lang, terms) gives the [start, end] offsets
 * (UTF-16, for String.slice) of the words of `text` whose term is in `terms` (an array
 * or Set, e.g. Object.keys(result.matchData.metadata)).
 *
 * Plain ES5 plus Unicode property escapes (\p{..}, ES2018), String.normalize, Map and
 * Set; no eval, no DOM, no window: runs in a Web Worker as in a page or Node. The
 * stemmers are not in this file: the caller hands them in (useStemmers), so that the
 * language data alone decides which Snowball algorithm a language uses. Attaches to globalThis (self in a Worker) as resarchiveTextpipe, and to
 * module.exports under Node.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module && module.exports) {
    module.exports = api;
  }
  if (root) {
    root.resarchiveTextpipe = api;
  }
}(typeof globalThis !== "undefined" ? globalThis : (typeof self !== "undefined" ? self : this), function () {
  "use strict";

  var PIPELINE_VERSION = 3;
  var STAGES = ["split", "elision", "fold", "stopword", "stem"];

  function label(lang, stage) {
    return "resarchive-" + lang + "-" + stage + "-v" + PIPELINE_VERSION;
  }

  // ------------------------------------------------------------ tokenization
  // Same pattern as textpipe.TOKEN_PATTERN. A new RegExp per call site keeps
  // lastIndex state local.
  var TOKEN_SOURCE = "\\p{Nd}+(?:\\/\\p{Nd}+)+(?![\\p{L}\\p{M}\\p{Nd}])" +
    "|[\\p{L}\\p{M}\\p{Nd}]+(?:['\\u2019\\u02BC][\\p{L}\\p{M}\\p{Nd}]+)*";
  var MARKS = /\p{M}+/gu;
  var ASCII = /^[\x00-\x7f]*$/;
  var ASTRAL = /[\uD800-\uDFFF]/;

  function tokenRe() {
    return new RegExp(TOKEN_SOURCE, "gu");
  }

  // Han ideographs (common.yaml: han), and the token pattern of a language of Han bigrams
  // (textpipe._han_regex): a run of ideographs alone, ideographs out of other words.
  var HAN_RANGES = "\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF\\u{20000}-\\u{3134F}";
  var HAN = new RegExp("^[" + HAN_RANGES + "]", "u");
  var NOHAN_WORD = "(?:(?![" + HAN_RANGES + "])[\\p{L}\\p{M}\\p{Nd}])";
  var HAN_TOKEN_SOURCE = "[" + HAN_RANGES + "]+|\\p{Nd}+(?:\\/\\p{Nd}+)+(?!" + NOHAN_WORD + ")" +
    "|" + NOHAN_WORD + "+(?:['\\u2019\\u02BC]" + NOHAN_WORD + "+)*";

  // [start, end, token as printed] for each token of a lowercased text (textpipe._raw_tokens):
  // in a language of Han bigrams (L.han), a run of ideographs gives each pair of neighbours,
  // or its one ideograph. Offsets in UTF-16 units (an ideograph of the supplementary planes
  // is two).
  function rawTokens(text, L) {
    var han = L && L.han === "bigrams";
    var re = han ? new RegExp(HAN_TOKEN_SOURCE, "gu") : tokenRe();
    var out = [];
    var m;
    while ((m = re.exec(text)) !== null) {
      var tok = m[0];
      if (han && HAN.test(tok)) {
        var chars = Array.from(tok);
        if (chars.length > 1) {
          for (var i = 0, at = m.index; i + 1 < chars.length; i++) {
            var pair = chars[i] + chars[i + 1];
            out.push([at, at + pair.length, pair]);
            at += chars[i].length;
          }
          continue;
        }
      }
      out.push([m.index, m.index + tok.length, tok]);
    }
    return out;
  }

  // `fn` with its results kept, but for `transient` ones (a term not known yet).
  function makeCache(fn, transient) {
    var cache = new Map();
    return function (s) {
      var v = cache.get(s);
      if (v === undefined) {
        v = fn(s);
        if (v === transient && transient !== undefined) { return v; }
        if (cache.size > 300000) { cache.clear(); }
        cache.set(s, v);
      }
      return v;
    };
  }

  // The term of a word whose stem is not known yet: a stemmer may answer null, for a word
  // it has no stem for at hand (the search worker's, from the index's stem forms, until it
  // loads Snowball). The term matches no term of the index.
  var UNKNOWN = "\u0000?";

  // NFKC, lowercase, typographic apostrophes -> '. Pure ASCII skips NFKC.
  var normalize = makeCache(function (token) {
    if (!ASCII.test(token)) {
      token = token.normalize("NFKC");
    }
    return token.toLowerCase().replace(/\u2019/g, "'").replace(/\u02BC/g, "'");
  });

  // [start, end, normalized token] for each token of an already lowercased text.
  function spans(text, L) {
    return rawTokens(text, L).map(function (t) { return [t[0], t[1], normalize(t[2])]; });
  }

  // The tokens of `text` (textpipe.tokenize); `lang`, if its data is loaded, for Han bigrams.
  function tokenize(text, lang) {
    var L = lang ? languages[lang] : null;
    return spans(String(text).toLowerCase(), L).map(function (s) { return s[2]; });
  }

  // ------------------------------------------------------------------ folding
  var FOLD_EXTRA = {
    "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i",
    "þ": "th", "ð": "d", "ħ": "h", "\u0640": ""
  };
  var FOLD_EXTRA_RE = /[œæßøđłıþðħ\u0640]/g;
  // letters NFD decomposes that stay whole (textpipe._KEEP): Russian "й"
  var KEEP_RE = /\u0438\u0306/g;

  var fold = makeCache(function (s) {
    if (ASCII.test(s)) { return s; }
    s = s.normalize("NFD").replace(KEEP_RE, "\u0439").replace(MARKS, "");
    return s.replace(FOLD_EXTRA_RE, function (c) { return FOLD_EXTRA[c]; });
  });

  // --------------------------------------------------------- Snowball helpers
  function endsWith(s, suf) {
    return s.length >= suf.length && s.slice(s.length - suf.length) === suf;
  }

  function startsWith(s, pre) {
    return s.slice(0, pre.length) === pre;
  }

  // ------------------------------------------------------------ stemmers
  // Snowball stemmers by algorithm name ("french", "english", "spanish"): functions
  // word -> stem, given by the page (useStemmers). The search worker gives those of
  // multilingual-stemmer (Snowball 3.1.1 compiled to WebAssembly), which equal Python's
  // snowballstemmer 3.1.1 on every word of the corpus (tests/test_textpipe.py).
  var stemmers = Object.create(null);

  function useStemmers(byName) {
    Object.keys(byName).forEach(function (name) { stemmers[name] = makeCache(byName[name], null); });
  }

  function stemmer(name) {
    var fn = stemmers[name];
    if (!fn) {
      throw new Error("resarchive textpipe: no stemmer " + name + "; call useStemmers() first");
    }
    return fn;
  }

  // --------------------------------------------------------------- the stages
  // A language: the browser data plus per-language caches.
  var languages = Object.create(null);

  function lang_(lang, data) {
    if (data) {
      if (data.version !== PIPELINE_VERSION) {
        throw new Error("resarchive textpipe: data version " + data.version +
          " does not match pipeline version " + PIPELINE_VERSION);
      }
      if (data.lang !== undefined && data.lang !== lang) {
        throw new Error("resarchive textpipe: data for " + data.lang + " given for " + lang);
      }
      var stop = new Set(data.stopwords);
      var irregular = new Map();
      var irr = data.irregular || {};
      Object.keys(irr).forEach(function (k) { irregular.set(k, irr[k]); });
      var L = {
        lang: lang,
        stemmer: data.stemmer || null,
        han: data.han || null,
        elisions: data.elisions.slice(),
        stopwords: stop,
        rewrite: (data.rewrite || []).map(function (p) { return [p[0], p[1]]; }),
        irregular: irregular
      };
      L.stem = makeCache(function (token) { return stemStage(L, token); }, UNKNOWN);
      L.term = makeCache(function (token) { return termOf(L, token); }, UNKNOWN);
      languages[lang] = L;
    }
    if (!languages[lang]) {
      throw new Error("resarchive textpipe: no data loaded for " + lang + "; call register() or load()");
    }
    return languages[lang];
  }

  function elide(L, token) {
    for (var k = 0; k < L.elisions.length; k++) {
      var e = L.elisions[k];
      if (token.length > e.length && startsWith(token, e)) { return token.slice(e.length); }
    }
    return token;
  }

  // What the stem stage hands the stemmer for a folded token (textpipe._stemmer_input).
  function stemmerInput(L, token) {
    var mapped = L.irregular.get(token);
    if (mapped === undefined && endsWith(token, "'s")) {  // "children's", "women's"
      mapped = L.irregular.get(token.slice(0, -2));
    }
    if (mapped !== undefined) { token = mapped; }
    for (var k = 0; k < L.rewrite.length; k++) {
      var suffix = L.rewrite[k][0];
      if (token.length > suffix.length && endsWith(token, suffix)) {
        return token.slice(0, token.length - suffix.length) + L.rewrite[k][1];
      }
    }
    return token;
  }

  // The stem stage (textpipe._stem_stage): stemmer input, Snowball (if the language has
  // one), fold again.
  function stemStage(L, token) {
    if (!L.stemmer) { return fold(stemmerInput(L, token)); }
    var stem = stemmer(L.stemmer)(stemmerInput(L, token));
    return stem === null ? UNKNOWN : fold(stem);
  }

  // What the stemmer is handed for each word of `text` that gets a term
  // (textpipe.stem_forms): the words whose stems a search needs.
  function stemInputs(text, lang, data) {
    var L = lang_(lang, data);
    var out = [];
    if (!L.stemmer) { return out; }  // its terms need no stem forms
    var re = tokenRe();
    var lower = String(text).toLowerCase();
    var m;
    while ((m = re.exec(lower)) !== null) {
      var t = fold(elide(L, normalize(m[0])));
      if (t && !L.stopwords.has(t)) { out.push(stemmerInput(L, t)); }
    }
    return out;
  }

  function termOf(L, token) {
    var t = fold(elide(L, token));
    if (!t || L.stopwords.has(t)) { return null; }
    return L.stem(t) || null;
  }

  // Terms of `text` as lunr.py indexes them (textpipe.analyze).
  function analyze(text, lang, data) {
    var L = lang_(lang, data);
    var lower = String(text).toLowerCase();
    var out = [];
    if (L.han) {
      rawTokens(lower, L).forEach(function (tok) {
        var t = L.term(normalize(tok[2]));
        if (t !== null) { out.push(t); }
      });
      return out;
    }
    var re = tokenRe();
    var m;
    while ((m = re.exec(lower)) !== null) {
      var t = L.term(normalize(m[0]));
      if (t !== null) { out.push(t); }
    }
    return out;
  }

  // [term, start, end] for each token of `text` that has a term, in text order: offsets
  // are UTF-16 indices into `text` itself (not its lowercased copy).
  function termSpans(text, lang, data) {
    var L = lang_(lang, data);
    // Tokenize the lowercased text, as analyze() does, then map offsets back (see
    // textpipe.highlight_spans); here per code point, in UTF-16 units.
    var s = String(text);
    var lower = s.toLowerCase();
    var starts = null, ends = null;
    if (lower.length !== s.length) {
      starts = [];
      ends = [];
      for (var i = 0; i < s.length;) {
        var ch = String.fromCodePoint(s.codePointAt(i));
        var n = ch.toLowerCase().length;
        for (var k = 0; k < n; k++) {
          starts.push(i);
          ends.push(i + ch.length);
        }
        i += ch.length;
      }
    }
    var out = [];
    rawTokens(lower, L).forEach(function (tok) {
      var t = L.term(normalize(tok[2]));
      if (t === null) { return; }
      var a = tok[0], b = tok[1];
      out.push(starts === null ? [t, a, b] : [t, starts[a], ends[b - 1]]);
    });
    return out;
  }

  // [start, end] of each word of `text` whose term is in `terms` (textpipe.highlight_spans):
  // overlapping bigrams make one span.
  function highlightSpans(text, lang, terms, data) {
    var wanted = terms instanceof Set ? terms : new Set(terms || []);
    var out = [];
    if (wanted.size === 0) { return out; }
    termSpans(text, lang, data).forEach(function (w) {
      if (!wanted.has(w[0])) { return; }
      var last = out[out.length - 1];
      if (last && w[1] < last[1]) { last[1] = w[2]; } else { out.push([w[1], w[2]]); }
    });
    return out;
  }

  // Terms for one query term (textpipe.analyze_query_term).
  function analyzeQueryTerm(term, lang, data) {
    return analyze(term, lang, data);
  }

  // ------------------------------------------------------- lunr integration
  function makeFunctions(lunr, L) {
    function split(token) {
      var md = token.metadata || {};
      var position = md.position;
      return spans(token.toString(), L).map(function (sp) {
        var meta = {};
        for (var key in md) {
          if (Object.prototype.hasOwnProperty.call(md, key)) { meta[key] = md[key]; }
        }
        if (position) { meta.position = [position[0] + sp[0], sp[1] - sp[0]]; }
        return new lunr.Token(sp[2], meta);
      });
    }
    function elision(token) {
      return token.update(function (s) { return elide(L, s); });
    }
    function foldFn(token) {
      return token.update(function (s) { return fold(s); });
    }
    function stopword(token) {
      var s = token.toString();
      return (!s || L.stopwords.has(s)) ? undefined : token;
    }
    function stemFn(token) {
      token.update(function (s) { return L.stem(s); });
      return token.toString() ? token : undefined;
    }
    return [split, elision, foldFn, stopword, stemFn];
  }

  var registered = Object.create(null);

  // Register the pipeline functions for `lang` with lunr.js (before lunr.Index.load).
  // Idempotent per lunr instance; returns the functions in pipeline order, so a
  // lunr.js builder could use them too: builder.pipeline.add.apply(builder.pipeline, fns).
  function register(lunr, lang, data) {
    var L = lang_(lang, data);
    var key = lang;
    var fns = registered[key];
    if (!fns || fns.lunr !== lunr || fns.L !== L) {
      fns = makeFunctions(lunr, L);
      fns.lunr = lunr;
      fns.L = L;
      registered[key] = fns;
    }
    STAGES.forEach(function (stage, k) {
      var name = label(lang, stage);
      if (lunr.Pipeline.registeredFunctions[name] !== fns[k]) {
        lunr.Pipeline.registerFunction(fns[k], name);
      }
    });
    return fns.slice();
  }

  // Load language data without lunr (for analyze() alone).
  function load(lang, data) {
    lang_(lang, data);
  }

  return {
    PIPELINE_VERSION: PIPELINE_VERSION,
    UNKNOWN: UNKNOWN,
    STAGES: STAGES.slice(),
    TOKEN_SOURCE: TOKEN_SOURCE,
    label: label,
    tokenize: tokenize,
    fold: fold,
    useStemmers: useStemmers,
    stemmer: stemmer,
    stem: function (token, lang, data) { return lang_(lang, data).stem(token); },
    term: function (token, lang, data) { return lang_(lang, data).term(token); },
    analyze: analyze,
    stemInputs: stemInputs,
    analyzeQueryTerm: analyzeQueryTerm,
    highlightSpans: highlightSpans,
    termSpans: termSpans,
    bigrams: function (lang) { return lang_(lang).han === "bigrams"; },
    register: register,
    load: load
  };
}));
