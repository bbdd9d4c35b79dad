/*
 * resarchive search core: the pure part of the search worker, shared with the Node tests.
 *
 * - parseQuery: what the user typed -> clauses (one per word: its index term, required or
 *   excluded, exact or prefix) and quoted phrases;
 * - shardsFor: which term shards of site/search/<lang>/ a query needs (manifest ranges);
 * - ShardSet: the shards loaded so far, and search(), which scores the clauses over their
 *   postings exactly as lunr.js would over the whole index. A shard holds every index
 *   entry of its terms (inverted index and field-vector entries of a lunr.py index), and
 *   lunr.js scores with the dot product over the query's terms only, so the shards a query
 *   needs answer it as the whole index would (tests/test_search_index.py);
 * - phraseMatches, highlightSpans: checks and marks on a paragraph's text.
 *
 * UMD: self.resarchiveSearchCore in a worker, module.exports in Node. Needs textpipe.js
 * (not lunr.js: the worker reads the index's entries itself).
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

  // A manifest entry: [first, last]; for a common word, its top piece [term, term, bound],
  // then its pieces [term, term, firstRef, lastRef]. Shard n is the file "files" names.
  function isTop(range) { return range.length === 3; }
  function isPiece(range) { return range.length === 4; }

  function sortedNumbers(keys) {
    return Object.keys(keys).map(Number).sort(function (a, b) { return a - b; });
  }

  // Step 1 of loading a query: the shards needed now, the common words' pieces that can
  // wait until the other terms have narrowed the candidates, and the common words' top
  // pieces ({now: [n], later: [n], tops: [n]}). `ranges`: the manifest's shard list.
  function shardsFor(parsed, ranges) {
    var now = Object.create(null), later = Object.create(null), tops = Object.create(null);
    parsed.clauses.forEach(function (c) {
      if (c.prefix) {
        var end = c.term + "\uffff";
        for (var k = 0; k < ranges.length; k++) {
          if (!isTop(ranges[k]) && ranges[k][1] >= c.term && ranges[k][0] <= end) { now[k] = true; }
        }
        return;
      }
      termShards(ranges, c.term).forEach(function (n) {
        if (isTop(ranges[n])) { tops[n] = true; }
        else if (isPiece(ranges[n])) { later[n] = true; } else { now[n] = true; }
      });
    });
    Object.keys(now).forEach(function (n) { delete later[n]; });
    return { now: sortedNumbers(now), later: sortedNumbers(later), tops: sortedNumbers(tops) };
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
      var first = ranges[n][2], last = ranges[n][3];
      // is there a candidate in [first, last]? (candidates are sorted)
      var lo = 0, hi = candidates.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (candidates[mid] < first) { lo = mid + 1; } else { hi = mid; }
      }
      return lo < candidates.length && candidates[lo] <= last;
    });
  }

  // The common words whose pieces the query must wait for, when it can rank its first
  // results from their top pieces meanwhile ({term: true}), else null. That is when every
  // word is exact (no prefix), every required word is a common one (nothing narrows the
  // candidates, so all their pieces are needed), no excluded word is, and some of those
  // pieces are not loaded yet.
  function pendingCommonWords(parsed, ranges, plan, set) {
    if (!plan.tops.length) { return null; }
    var common = Object.create(null);
    plan.tops.forEach(function (n) { common[ranges[n][0]] = true; });
    var ok = parsed.clauses.every(function (c) {
      return !c.prefix && (c.presence === "required") === !!common[c.term];
    });
    if (!ok) { return null; }
    var pending = Object.create(null), any = false;
    plan.later.forEach(function (n) {
      if (!set.has(n)) { pending[ranges[n][0]] = true; any = true; }
    });
    return any ? pending : null;
  }

  // Load into `set` every shard `parsed` needs; fetchShard(n) returns a promise of shard n.
  // With `preview`: a query of common words alone first loads their top pieces and, if those
  // rank its first results for certain (ShardSet.searchTop), calls preview(hits) with them
  // and waits for the promise it returns, before loading the pieces.
  function load(parsed, ranges, set, fetchShard, preview) {
    function get(list) {
      return Promise.all(list.filter(function (n) { return !set.has(n); }).map(function (n) {
        return fetchShard(n).then(function (shard) { set.add(n, shard); });
      }));
    }
    var plan = shardsFor(parsed, ranges);
    var pending = preview ? pendingCommonWords(parsed, ranges, plan, set) : null;
    if (!pending) {
      return get(plan.now).then(function () {
        return get(piecesFor(parsed, ranges, plan.later, set));
      });
    }
    return get(plan.now.concat(plan.tops)).then(function () {
      var hits = set.searchTop(parsed, pending);
      return hits.length ? preview(hits) : null;
    }).then(function () { return get(plan.later); });
  }

  // The shards loaded so far for one language, and the search over them.
  //
  // Scores are lunr.js's (lunr.Index.prototype.query, 2.3.9), computed over the postings
  // directly: a paragraph's score is the dot product of the query vector (1 per matching
  // clause term, summed when two clauses expand to the same term) with the paragraph's
  // field vector, divided by the query vector's magnitude; both sums are taken in ascending
  // term index order, as lunr.Vector does, so the floats are the same to the last bit. The
  // field vector's entries outside the query's terms add nothing to the dot product, which is
  // why the shards a query needs answer it exactly as the whole index would
  // (tests/test_search_index.py compares with lunr.js on the unsplit index). Building a
  // lunr.Index per query cost 200-400 ms for two common words at 300,000 paragraphs; this
  // costs a few ms, and its work is bounded by the query's own postings.
  function ShardSet() {
    this.loaded = Object.create(null);
    this.terms = Object.create(null); // term -> {index, flats: [[ref delta, score, ...]], postings}
    this.tops = Object.create(null); // common word -> {index, flats: [flat], postings, bound}
    this.sorted = null; // the loaded terms, sorted (for prefixes)
    this.mark = new Int32Array(0); // per ref: the generation that last marked it
    this.generation = 0;
  }

  ShardSet.prototype.has = function (n) { return !!this.loaded[n]; };

  ShardSet.prototype.add = function (n, shard) {
    if (this.loaded[n]) { return; }
    this.loaded[n] = true;
    if (typeof shard.top === "number") { // a top piece: kept apart, the pieces hold it all
      var t = shard.terms[0];
      this.tops[t[0]] = { index: t[1], flats: [t[2]], postings: null, bound: shard.top };
      return;
    }
    shard.terms.forEach(function (t) {
      var known = this.terms[t[0]];
      if (!known) { known = this.terms[t[0]] = { index: t[1], flats: [], postings: null }; }
      known.flats.push(t[2]); // a common word arrives in several pieces
      known.postings = null;
    }, this);
    this.sorted = null;
  };

  // The loaded postings of `term`, decoded once: {refs: Int32Array, weights: Float64Array},
  // sorted by ref (the pieces of a common word cover disjoint ref ranges).
  ShardSet.prototype.postings = function (term) {
    return decoded(this.terms[term]);
  };

  function decoded(known) {
    if (!known) { return { refs: new Int32Array(0), weights: new Float64Array(0) }; }
    if (known.postings) { return known.postings; }
    var flats = known.flats.slice().sort(function (a, b) { return a[0] - b[0]; });
    var size = 0;
    flats.forEach(function (flat) { size += flat.length / 2; });
    var refs = new Int32Array(size), weights = new Float64Array(size), k = 0;
    flats.forEach(function (flat) {
      var ref = 0;
      for (var i = 0; i < flat.length; i += 2) {
        ref += flat[i];
        refs[k] = ref;
        weights[k] = flat[i + 1];
        k++;
      }
    });
    known.postings = { refs: refs, weights: weights };
    return known.postings;
  }

  // Refs (sorted numbers) of the loaded postings of `term`.
  ShardSet.prototype.refsOf = function (term) {
    return Array.prototype.slice.call(this.postings(term).refs);
  };

  // The loaded terms a clause matches: its term, or every term its prefix starts, sorted.
  ShardSet.prototype.expand = function (clause) {
    if (!clause.prefix) { return this.terms[clause.term] ? [clause.term] : []; }
    if (!this.sorted) { this.sorted = Object.keys(this.terms).sort(); }
    var sorted = this.sorted, out = [];
    var lo = 0, hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] < clause.term) { lo = mid + 1; } else { hi = mid; }
    }
    for (var k = lo; k < sorted.length && sorted[k].lastIndexOf(clause.term, 0) === 0; k++) { out.push(sorted[k]); }
    return out;
  };

  // The refs of any of `terms`, sorted, without repeats.
  ShardSet.prototype.union = function (terms) {
    return unionOf(terms.map(function (t) { return this.postings(t).refs; }, this));
  };

  // The refs of any of `lists` (sorted Int32Arrays), sorted, without repeats.
  function unionOf(lists) {
    if (lists.length === 1) { return lists[0]; }
    var size = 0;
    lists.forEach(function (r) { size += r.length; });
    var all = new Int32Array(size), k = 0;
    lists.forEach(function (r) { all.set(r, k); k += r.length; });
    all.sort();
    var n = 0;
    for (var i = 0; i < all.length; i++) { if (i === 0 || all[i] !== all[i - 1]) { all[n++] = all[i]; } }
    return all.subarray(0, n);
  }

  // The refs in every one of `required` and in none of `excluded` (lists of sorted refs),
  // sorted; the shortest list first, so the candidates are few from the start.
  ShardSet.prototype.filterRefs = function (required, excluded) {
    var lists = required.slice().sort(function (a, b) { return a.length - b.length; });
    var candidates = lists[0];
    for (var u = 1; u < lists.length && candidates.length; u++) {
      candidates = this.keepMarked(candidates, this.markAll(lists[u]), true);
    }
    for (var x = 0; x < excluded.length && candidates.length; x++) {
      candidates = this.keepMarked(candidates, this.markAll(excluded[x]), false);
    }
    return candidates;
  };

  // Mark every ref of `refs` with a new generation; returns it.
  ShardSet.prototype.markAll = function (refs) {
    var last = refs.length ? refs[refs.length - 1] : -1;
    if (last >= this.mark.length) {
      var grown = new Int32Array(Math.max(last + 1, this.mark.length * 2));
      grown.set(this.mark);
      this.mark = grown;
    }
    var g = ++this.generation;
    for (var i = 0; i < refs.length; i++) { this.mark[refs[i]] = g; }
    return g;
  };

  // The candidates (sorted refs) marked with generation `g` (wanted) or not (!wanted).
  ShardSet.prototype.keepMarked = function (candidates, g, wanted) {
    var mark = this.mark, out = new Int32Array(candidates.length), n = 0;
    for (var i = 0; i < candidates.length; i++) {
      var r = candidates[i];
      if ((r < mark.length && mark[r] === g) === wanted) { out[n++] = r; }
    }
    return out.subarray(0, n);
  };

  // [{ref, score}] of the clauses (all "required" words present, no "prohibited" one), best
  // first; equal scores by ref, so the order does not depend on what was loaded before.
  // Typed arrays throughout: two common words give some 20,000 candidates.
  ShardSet.prototype.search = function (parsed) {
    var positive = [], negative = [];
    var vector = Object.create(null); // term index -> query weight
    var termAt = Object.create(null); // term index -> term
    for (var c = 0; c < parsed.clauses.length; c++) {
      var clause = parsed.clauses[c];
      var terms = this.expand(clause);
      if (clause.presence === "prohibited") {
        if (terms.length) { negative.push(terms); }
        continue;
      }
      if (!terms.length) { return []; } // a required word no paragraph has
      positive.push(terms);
      for (var t = 0; t < terms.length; t++) {
        var i = this.terms[terms[t]].index;
        vector[i] = (vector[i] || 0) + 1;
        termAt[i] = terms[t];
      }
    }
    if (!positive.length) { return []; }
    // candidates: the refs every required clause matches and no excluded one
    var candidates = this.filterRefs(positive.map(this.union, this), negative.map(this.union, this));
    var n = candidates.length;
    if (!n) { return []; }
    // the dot products, term by term in ascending index order, as lunr.Vector.dot adds them
    var indexes = Object.keys(vector).map(Number).sort(function (a, b) { return a - b; });
    var dots = new Float64Array(n);
    var magnitudeSquared = 0;
    for (var k = 0; k < indexes.length; k++) {
      var weight = vector[indexes[k]];
      magnitudeSquared += weight * weight;
      var p = this.postings(termAt[indexes[k]]);
      addProducts(candidates, p.refs, p.weights, weight, dots);
    }
    var magnitude = Math.sqrt(magnitudeSquared);
    // Best first, equal scores by ref. Sorting the scores natively (a typed array, no
    // comparator) and then listing each score's refs, which come in ref order, is several
    // times faster than sorting with a comparator while the worker's code is still cold.
    var descending = new Float64Array(n);
    var refsByScore = new Map();
    for (var d = 0; d < n; d++) {
      var score = dots[d] / magnitude || 0;
      descending[d] = -score;
      var same = refsByScore.get(score);
      if (same === undefined) { refsByScore.set(score, [candidates[d]]); } else { same.push(candidates[d]); }
    }
    descending.sort();
    var hits = new Array(n), h = 0;
    for (var o = 0; o < n; o++) {
      if (o > 0 && descending[o] === descending[o - 1]) { continue; }
      var value = -descending[o];
      var refs = refsByScore.get(value);
      for (var e = 0; e < refs.length; e++) { hits[h++] = { ref: refs[e], score: value }; }
    }
    return hits;
  };

  // [{ref, score}] of the first results of the clauses, exactly as search() ranks them, from
  // the top pieces of the `pending` common words (whose other pieces are not loaded) and the
  // full postings of the other words; maybe fewer than all, maybe none, never a wrong one.
  //
  // A top piece holds a word's highest scores; no paragraph outside it has more than its
  // `bound`. A paragraph in the top piece of every pending word (and in the postings of every
  // other required word) is a hit whose score is known exactly. Any other paragraph scores
  // at most its known products plus, for each pending word whose top piece lacks it, the
  // query weight times that word's bound: that sum, added in the same order as the scores,
  // is an upper bound in floating point too (each product and each addition is monotone).
  // The known hits that score strictly more than every such bound are the first results.
  // Only for exact, required words and excluded words that are not pending (else null).
  ShardSet.prototype.searchTop = function (parsed, pending) {
    var vector = Object.create(null), source = Object.create(null), negative = [];
    for (var c = 0; c < parsed.clauses.length; c++) {
      var clause = parsed.clauses[c], term = clause.term;
      if (clause.prefix || pending[term] && (clause.presence === "prohibited" || !this.tops[term])) {
        return null;
      }
      if (clause.presence === "prohibited") {
        if (this.terms[term]) { negative.push(term); }
        continue;
      }
      var known = pending[term] ? this.tops[term] : this.terms[term];
      if (!known) { return []; } // a required word no paragraph has
      vector[known.index] = (vector[known.index] || 0) + 1;
      source[known.index] = { postings: decoded(known), bound: pending[term] ? known.bound : null };
    }
    var indexes = Object.keys(vector).map(Number).sort(function (a, b) { return a - b; });
    if (!indexes.length) { return []; }
    var refsAt = function (i) { return source[i].postings.refs; };
    var full = indexes.filter(function (i) { return source[i].bound === null; });
    // every hit is in the postings of the words that are not pending; with none, the
    // candidates are the paragraphs of some top piece (the unseen ones are bounded below)
    var candidates = this.filterRefs(full.length ? full.map(refsAt) : [unionOf(indexes.map(refsAt))],
      negative.map(function (t) { return this.postings(t).refs; }, this));
    var n = candidates.length;
    var dots = new Float64Array(n), guessed = new Uint8Array(n), found = new Uint8Array(n);
    var magnitudeSquared = 0, unseen = 0;
    for (var k = 0; k < indexes.length; k++) {
      var weight = vector[indexes[k]], src = source[indexes[k]];
      magnitudeSquared += weight * weight;
      if (src.bound === null) {
        addProducts(candidates, src.postings.refs, src.postings.weights, weight, dots);
        continue;
      }
      found.fill(0);
      addProducts(candidates, src.postings.refs, src.postings.weights, weight, dots, found);
      for (var d = 0; d < n; d++) {
        if (!found[d]) { dots[d] += weight * src.bound; guessed[d] = 1; }
      }
      unseen += weight * src.bound;
    }
    var magnitude = Math.sqrt(magnitudeSquared);
    var ceiling = full.length ? -Infinity : unseen / magnitude || 0;
    var hits = [];
    for (var h = 0; h < n; h++) {
      var score = dots[h] / magnitude || 0;
      if (guessed[h]) { if (score > ceiling) { ceiling = score; } }
      else { hits.push({ ref: candidates[h], score: score }); }
    }
    return hits.filter(function (hit) { return hit.score > ceiling; })
      .sort(function (p, q) { return q.score - p.score || p.ref - q.ref; });
  };

  // dots[k] += weight * (the posting weight of candidates[k]) for the candidates in `refs`,
  // and found[k] = 1 if given; both sorted. Gallops through `refs` when the candidates are few.
  function addProducts(candidates, refs, weights, weight, dots, found) {
    var j = 0, n = refs.length;
    for (var k = 0; k < candidates.length && j < n; k++) {
      var r = candidates[k];
      if (refs[j] < r) {
        var step = 1;
        while (j + step < n && refs[j + step] < r) { j += step; step *= 2; }
        var lo = j + 1, hi = Math.min(n, j + step + 1);
        while (lo < hi) {
          var mid = (lo + hi) >> 1;
          if (refs[mid] < r) { lo = mid + 1; } else { hi = mid; }
        }
        j = lo;
      }
      if (j < n && refs[j] === r) {
        dots[k] += weight * weights[j];
        if (found) { found[k] = 1; }
        j++;
      }
    }
  }

  // ------------------------------------------------------------------- text
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
    phraseMatches: phraseMatches,
    highlightSpans: highlightSpans,
    phraseSpan: phraseSpan,
    snippet: snippet
  };
}));
