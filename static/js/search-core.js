/*
 * resarchive search core: the pure part of the search worker, shared with the Node tests.
 *
 * - parseQuery: what the user typed -> clauses (one per word: its index term, required or
 *   excluded, exact or prefix) and quoted phrases;
 * - shardsFor: which term shards of site/search/<lang>/ a query needs (manifest ranges);
 * - ShardSet: the shards loaded so far, merged into one lunr.Index. A shard holds every
 *   index entry of its terms (inverted index and field-vector entries), and lunr.js scores
 *   with the dot product over the query's terms only, so the merge of the shards a query
 *   needs answers it exactly as the whole index would (tests/test_search_index.py);
 * - run: the lunr query for the clauses;
 * - phraseMatches, highlightSpans: checks and marks on a paragraph's text.
 *
 * UMD: self.resarchiveSearchCore in a worker, module.exports in Node. Needs textpipe.js.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module && module.exports) { module.exports = api; }
  if (root) { root.resarchiveSearchCore = api; }
}(typeof globalThis !== "undefined" ? globalThis : (typeof self !== "undefined" ? self : this), function () {
  "use strict";

  var FIELD = "text";
  var MAX_QUERY_LENGTH = 500;
  var MIN_PREFIX = 3; // shorter prefixes would pull in too many shards

  function textpipe() {
    var g = typeof globalThis !== "undefined" ? globalThis : self;
    if (g.resarchiveTextpipe) { return g.resarchiveTextpipe; }
    return require("./textpipe.js"); // Node
  }

  // ------------------------------------------------------------------ query
  // Syntax: words are all required; "a quoted phrase" must appear as such; -word excludes;
  // word* matches every term starting with word. With `typing`, the last word (still being
  // typed) is a prefix too, so results appear as you type.
  function parseQuery(q, lang, typing) {
    var tp = textpipe();
    q = String(q || "").slice(0, MAX_QUERY_LENGTH);
    var clauses = [];
    var phrases = [];
    var seen = Object.create(null);
    function add(term, presence, prefix) {
      var key = term + "|" + presence + "|" + prefix;
      if (seen[key]) { return; }
      seen[key] = true;
      clauses.push({ term: term, presence: presence, prefix: prefix });
    }
    var re = /(-?)"([^"]*)"?|(\S+)/g;
    var m;
    var words = [];
    while ((m = re.exec(q)) !== null) {
      if (m[2] !== undefined) {
        var terms = tp.analyze(m[2], lang);
        if (m[1]) {
          terms.forEach(function (t) { add(t, "prohibited", false); });
        } else if (terms.length) {
          terms.forEach(function (t) { add(t, "required", false); });
          if (terms.length > 1) { phrases.push(terms); }
        }
      } else {
        words.push({ raw: m[3], end: re.lastIndex });
      }
    }
    words.forEach(function (w, k) {
      var raw = w.raw;
      var presence = "required";
      if (raw.charAt(0) === "-" && raw.length > 1) { presence = "prohibited"; raw = raw.slice(1); }
      var star = /\*$/.test(raw);
      raw = raw.replace(/\*+$/, "");
      var last = k === words.length - 1 && w.end === q.length;
      var terms = tp.analyze(raw, lang);
      if (star || (typing && last && presence === "required")) {
        // a prefix: the stem when it starts the folded word (usually), else the folded word
        var folded = tp.fold(raw.toLowerCase());
        terms.forEach(function (t, i) {
          var p = (i === terms.length - 1) ? (folded.indexOf(t) === 0 || !star ? t : folded) : t;
          var isPrefix = i === terms.length - 1 && p.length >= MIN_PREFIX;
          add(p, presence, isPrefix);
        });
        if (!terms.length && star && folded.length >= MIN_PREFIX) { add(folded, presence, true); }
      } else {
        terms.forEach(function (t) { add(t, presence, false); });
      }
    });
    return { clauses: clauses, phrases: phrases };
  }

  // ----------------------------------------------------------------- shards
  // Index of the shard whose [first, last] range holds `term`, or -1.
  function shardOf(ranges, term) {
    var lo = 0, hi = ranges.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (term < ranges[mid][0]) { hi = mid - 1; }
      else if (term > ranges[mid][1]) { lo = mid + 1; }
      else { return mid; }
    }
    return -1;
  }

  // All shards that may hold `term`: one, or the pieces of a common word (same [term, term]).
  function termShards(ranges, term) {
    var i = shardOf(ranges, term);
    if (i < 0) { return []; }
    var lo = i, hi = i;
    function same(k) { return ranges[k][0] === term && ranges[k][1] === term; }
    while (lo > 0 && same(lo - 1)) { lo--; }
    while (hi < ranges.length - 1 && same(hi + 1)) { hi++; }
    var out = [];
    for (var k = lo; k <= hi; k++) { out.push(k); }
    return out;
  }

  function isPiece(range) { return range.length > 3; }

  function sortedNumbers(keys) {
    return Object.keys(keys).map(Number).sort(function (a, b) { return a - b; });
  }

  // Step 1 of loading a query: the shards needed now, and the common words' pieces that
  // can wait until the other terms have narrowed the candidates ({now: [n], later: [n]}).
  // `ranges`: the manifest's [first, last, file(, firstRef, lastRef)] list.
  function shardsFor(parsed, ranges) {
    var now = Object.create(null), later = Object.create(null);
    parsed.clauses.forEach(function (c) {
      if (c.prefix) {
        var end = c.term + "\uffff";
        for (var k = 0; k < ranges.length; k++) {
          if (ranges[k][1] >= c.term && ranges[k][0] <= end) { now[k] = true; }
        }
        return;
      }
      termShards(ranges, c.term).forEach(function (n) {
        if (isPiece(ranges[n])) { later[n] = true; } else { now[n] = true; }
      });
    });
    Object.keys(now).forEach(function (n) { delete later[n]; });
    return { now: sortedNumbers(now), later: sortedNumbers(later) };
  }

  // Step 2: which of the `later` pieces the query needs, once `set` holds the `now` shards.
  // The paragraphs that can match all lie among the postings of every required word that is
  // not a common one; a piece of a common word matters only if it covers one of them.
  function piecesFor(parsed, ranges, later, set) {
    if (!later.length) { return []; }
    var pieceTerms = Object.create(null);
    later.forEach(function (n) { pieceTerms[ranges[n][0]] = true; });
    var narrowing = parsed.clauses.filter(function (c) {
      return c.presence === "required" && !c.prefix && !pieceTerms[c.term];
    });
    if (!narrowing.length) { return later.slice(); }
    var candidates = null;
    narrowing.forEach(function (c) {
      var refs = set.refsOf(c.term);
      if (candidates === null) { candidates = refs; return; }
      var keep = Object.create(null);
      refs.forEach(function (r) { keep[r] = true; });
      candidates = candidates.filter(function (r) { return keep[r]; });
    });
    return later.filter(function (n) {
      var first = ranges[n][3], last = ranges[n][4];
      // is there a candidate in [first, last]? (candidates are sorted)
      var lo = 0, hi = candidates.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (candidates[mid] < first) { lo = mid + 1; } else { hi = mid; }
      }
      return lo < candidates.length && candidates[lo] <= last;
    });
  }

  // Load into `set` every shard `parsed` needs; fetchShard(n) returns a promise of shard n.
  function load(parsed, ranges, set, fetchShard) {
    function get(list) {
      return Promise.all(list.filter(function (n) { return !set.has(n); }).map(function (n) {
        return fetchShard(n).then(function (shard) { set.add(n, shard); });
      }));
    }
    var plan = shardsFor(parsed, ranges);
    return get(plan.now).then(function () {
      return get(piecesFor(parsed, ranges, plan.later, set));
    });
  }

  // The shards loaded so far for one language. For each query it builds a small lunr.Index
  // holding only the terms the query can match (its words, its prefixes' expansions): lunr
  // scores a paragraph by the dot product of the query vector with the paragraph's vector,
  // and the query vector is zero outside those terms, so the scores are the whole index's.
  // The cost of a query is then bounded by its own postings, not by what earlier queries loaded.
  function ShardSet(lunr, pipelineLabels) {
    this.lunr = lunr;
    this.pipelineLabels = pipelineLabels;
    this.loaded = Object.create(null);
    this.terms = Object.create(null); // term -> {index, flats: [[ref delta, score, ...], ...]}
    this.sorted = null; // the loaded terms, sorted (for prefixes)
    this.last = { key: null, index: null };
  }

  ShardSet.prototype.has = function (n) { return !!this.loaded[n]; };

  ShardSet.prototype.add = function (n, shard) {
    if (this.loaded[n]) { return; }
    this.loaded[n] = true;
    shard.terms.forEach(function (t) {
      var known = this.terms[t[0]];
      if (!known) { known = this.terms[t[0]] = { index: t[1], flats: [] }; }
      known.flats.push(t[2]); // a common word arrives in several pieces
    }, this);
    this.sorted = null;
  };

  function decode(flat, each) {
    var ref = 0;
    for (var i = 0; i < flat.length; i += 2) {
      ref += flat[i];
      each(ref, flat[i + 1]);
    }
  }

  // Refs (sorted numbers) of the loaded postings of `term`.
  ShardSet.prototype.refsOf = function (term) {
    var known = this.terms[term];
    if (!known) { return []; }
    var refs = [];
    known.flats.forEach(function (flat) { decode(flat, function (ref) { refs.push(ref); }); });
    return refs.sort(function (a, b) { return a - b; });
  };

  // The loaded terms a query can match, sorted.
  ShardSet.prototype.termsFor = function (parsed) {
    if (!this.sorted) { this.sorted = Object.keys(this.terms).sort(); }
    var sorted = this.sorted;
    var out = Object.create(null);
    parsed.clauses.forEach(function (c) {
      if (!c.prefix) {
        if (this.terms[c.term]) { out[c.term] = true; }
        return;
      }
      var lo = 0, hi = sorted.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (sorted[mid] < c.term) { lo = mid + 1; } else { hi = mid; }
      }
      for (var k = lo; k < sorted.length && sorted[k].lastIndexOf(c.term, 0) === 0; k++) { out[sorted[k]] = true; }
    }, this);
    return Object.keys(out).sort();
  };

  ShardSet.prototype.lunrIndex = function (parsed) {
    var lunr = this.lunr;
    var terms = this.termsFor(parsed);
    var key = terms.join("\u0000");
    if (this.last.key === key) { return this.last.index; }
    var inverted = Object.create(null);
    var parts = Object.create(null); // "text/<ref>" -> [termIndex, score, ...]
    terms.forEach(function (term) {
      var known = this.terms[term];
      var refs = Object.create(null);
      known.flats.forEach(function (flat) {
        decode(flat, function (ref, score) {
          refs[ref] = {};
          var fieldRef = FIELD + "/" + ref;
          (parts[fieldRef] || (parts[fieldRef] = [])).push(known.index, score);
        });
      });
      var posting = { _index: known.index };
      posting[FIELD] = refs;
      inverted[term] = posting;
    }, this);
    var vectors = Object.create(null);
    for (var fieldRef in parts) {
      var part = parts[fieldRef];
      if (part.length > 2) { // several terms: lunr.Vector wants its elements sorted by index
        var pairs = [];
        for (var i = 0; i < part.length; i += 2) { pairs.push([part[i], part[i + 1]]); }
        pairs.sort(function (x, y) { return x[0] - y[0]; });
        part = [];
        pairs.forEach(function (p) { part.push(p[0], p[1]); });
      }
      vectors[fieldRef] = new lunr.Vector(part);
    }
    var index = new lunr.Index({
      invertedIndex: inverted,
      fieldVectors: vectors,
      tokenSet: lunr.TokenSet.fromArray(terms),
      fields: [FIELD],
      pipeline: lunr.Pipeline.load(this.pipelineLabels)
    });
    this.last = { key: key, index: index };
    return index;
  };

  // ------------------------------------------------------------------ search
  // lunr results ([{ref, score, matchData}]) of the clauses on `index` (a lunr.Index).
  function run(lunr, index, parsed) {
    var clauses = parsed.clauses;
    if (!clauses.some(function (c) { return c.presence !== "prohibited"; })) { return []; }
    return index.query(function (query) {
      clauses.forEach(function (c) {
        query.term(c.term, {
          fields: [FIELD],
          usePipeline: false,
          wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
          presence: c.presence === "prohibited" ? lunr.Query.presence.PROHIBITED
            : lunr.Query.presence.REQUIRED
        });
      });
    });
  }

  // Do the terms of `text` hold each phrase as consecutive terms?
  function phraseMatches(text, lang, phrases) {
    if (!phrases.length) { return true; }
    var terms = textpipe().analyze(text, lang);
    return phrases.every(function (phrase) {
      outer: for (var i = 0; i + phrase.length <= terms.length; i++) {
        for (var j = 0; j < phrase.length; j++) {
          if (terms[i + j] !== phrase[j]) { continue outer; }
        }
        return true;
      }
      return false;
    });
  }

  // [start, end] offsets in `text` of the words whose term a clause matches.
  function highlightSpans(text, lang, parsed) {
    var tp = textpipe();
    var wanted = parsed.clauses.filter(function (c) { return c.presence !== "prohibited"; });
    if (!wanted.length) { return []; }
    var re = new RegExp(tp.TOKEN_SOURCE, "gu");
    var out = [];
    var m;
    while ((m = re.exec(text)) !== null) {
      var terms = tp.analyze(m[0], lang);
      var hit = terms.some(function (t) {
        return wanted.some(function (c) { return c.prefix ? t.indexOf(c.term) === 0 : t === c.term; });
      });
      if (hit) { out.push([m.index, m.index + m[0].length]); }
    }
    return out;
  }

  // [start, end] in `text` of the first occurrence of the first phrase, or null.
  function phraseSpan(text, lang, phrases) {
    if (!phrases.length) { return null; }
    var tp = textpipe();
    var re = new RegExp(tp.TOKEN_SOURCE, "gu");
    var words = [];
    var m;
    while ((m = re.exec(text)) !== null) {
      var start = m.index, end = m.index + m[0].length;
      tp.analyze(m[0], lang).forEach(function (t) { words.push([t, start, end]); });
    }
    var phrase = phrases[0];
    outer: for (var i = 0; i + phrase.length <= words.length; i++) {
      for (var j = 0; j < phrase.length; j++) {
        if (words[i + j][0] !== phrase[j]) { continue outer; }
      }
      return [words[i][1], words[i + phrase.length - 1][2]];
    }
    return null;
  }

  // A window of `text` around `focus` (an offset; default: the first highlight), at most
  // `size` characters, with the spans shifted into it: {text, spans, cutStart, cutEnd}.
  function snippet(text, spans, size, focus) {
    if (text.length <= size) { return { text: text, spans: spans, cutStart: false, cutEnd: false }; }
    var first = typeof focus === "number" ? focus : (spans.length ? spans[0][0] : 0);
    var start = Math.max(0, Math.min(first - Math.floor(size / 3), text.length - size));
    if (start > 0) {
      var space = text.indexOf(" ", start);
      if (space >= 0 && space < first) { start = space + 1; }
    }
    var end = Math.min(text.length, start + size);
    if (end < text.length) {
      var back = text.lastIndexOf(" ", end);
      if (back > start + size / 2) { end = back; }
    }
    var inside = spans.filter(function (s) { return s[0] >= start && s[1] <= end; })
      .map(function (s) { return [s[0] - start, s[1] - start]; });
    return { text: text.slice(start, end), spans: inside, cutStart: start > 0, cutEnd: end < text.length };
  }

  return {
    FIELD: FIELD,
    parseQuery: parseQuery,
    shardOf: shardOf,
    shardsFor: shardsFor,
    piecesFor: piecesFor,
    load: load,
    ShardSet: ShardSet,
    run: run,
    phraseMatches: phraseMatches,
    highlightSpans: highlightSpans,
    phraseSpan: phraseSpan,
    snippet: snippet
  };
}));
