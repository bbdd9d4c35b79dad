/*
 * resarchive search core: the pure part of the search worker, shared with the Node tests.
 *
 * - parseQuery: what the user typed -> clauses (one per word: its index term, required or
 *   excluded, exact or prefix) and quoted phrases;
 * - bucketOf, load: which files of site/search/<lang>/ a query needs: the buckets of its
 *   terms (computed from the terms), then the shards their buckets list;
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
      // a word of Chinese is a run of ideographs cut into bigrams: found where they follow
      // one another
      if (terms.length > 1 && presence === "required" && tp.bigrams(lang)) { phrases.push(terms); }
      if (star || (typing && last && presence === "required")) {
        // a prefix: the stem when it starts the folded word (usually), else the folded word
        var folded = tp.fold(raw.toLowerCase());
        terms.forEach(function (t, i) {
          var p = (i === terms.length - 1) ? (folded.indexOf(t) === 0 || !star ? t : folded) : t;
          // a prefix the archive never printed as a word: matched as typed, without a stem
          if (i === terms.length - 1 && t === tp.UNKNOWN) { p = folded; }
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
  // A language's index is one or a few segments (a full build, then the documents added
  // since), each cut into buckets: a term is in bucket bucketOf(term) of each segment, whose
  // file ("<segment>/<b>") holds most of its terms inline and lists the ranges of its other
  // shards ("<segment>/<b>-<k>": common words, crowded prefixes). Nothing lists the
  // buckets, so what a first search loads does not grow with the archive.

  // FNV-1a (32 bits) of the term's first `key` code points, modulo `buckets`:
  // src/resarchive/index.py, term_bucket. A prefix of `key` letters or more has all its
  // terms in its own bucket.
  function bucketOf(term, buckets, key) {
    var h = 0x811c9dc5;
    for (var i = 0, n = 0; i < term.length && n < key; n++) {
      var cp = term.codePointAt(i);
      h = Math.imul(h ^ cp, 0x01000193);
      i += cp > 0xffff ? 2 : 1;
    }
    return (h >>> 0) % buckets;
  }

  // The bucket files of `words` in every segment ("<segment>/<b>"), once each. `layout`:
  // {bucketKey, segments: [[name, buckets], ...]}. For stemmer inputs (textpipe.js
  // stemInputs), the buckets holding their stem forms: where the worker finds the terms of a
  // query's words without Snowball (index.py, bucket_forms).
  function formBuckets(words, layout) {
    var out = Object.create(null);
    words.forEach(function (w) {
      layout.segments.forEach(function (segment) {
        out[segment[0] + "/" + bucketOf(w, segment[1], layout.bucketKey)] = true;
      });
    });
    return Object.keys(out);
  }

  // The bucket files a query needs: each clause term's, in every segment.
  function bucketsFor(parsed, layout) {
    return formBuckets(parsed.clauses.map(function (c) { return c.term; }), layout);
  }

  // Whether a parsed query has a word whose term is not known without Snowball.
  function hasUnknown(parsed) {
    var unknown = textpipe().UNKNOWN;
    return parsed.clauses.some(function (c) { return c.term === unknown; }) ||
      parsed.phrases.some(function (p) { return p.indexOf(unknown) >= 0; });
  }

  // Files `ids` fetched (fetchFile(id): a promise of file id) into `set`, unless there.
  function fetchInto(set, ids, fetchFile) {
    return Promise.all(ids.filter(function (id) { return !set.has(id); }).map(function (id) {
      return fetchFile(id).then(function (file) { set.add(id, file); });
    }));
  }

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

  // A bucket's shard range: [first, last]; for a common word, its top piece [term, term,
  // {df, bound}], then its pieces [term, term, firstRef, lastRef] (index.py, shard_ranges).
  function isTop(range) { return range.length === 3; }
  function isPiece(range) { return range.length === 4; }

  // Step 1 of loading a query, once its buckets are in `set`: the shards needed now, the
  // common words' pieces that can wait until the other terms have narrowed the candidates,
  // and the common words' top pieces ({now: [id], later: [id], tops: [id]}).
  function shardsFor(parsed, layout, set) {
    var now = Object.create(null), later = Object.create(null), tops = Object.create(null);
    parsed.clauses.forEach(function (c) {
      layout.segments.forEach(function (segment) {
        var bucket = segment[0] + "/" + bucketOf(c.term, segment[1], layout.bucketKey);
        var ranges = set.ranges[bucket] || [];
        if (c.prefix) {
          var end = c.term + "\uffff";
          for (var k = 0; k < ranges.length; k++) {
            if (!isTop(ranges[k]) && ranges[k][1] >= c.term && ranges[k][0] <= end) { now[bucket + "-" + k] = true; }
          }
          return;
        }
        termShards(ranges, c.term).forEach(function (k) {
          var id = bucket + "-" + k;
          if (isTop(ranges[k])) { tops[id] = true; }
          else if (isPiece(ranges[k])) { later[id] = true; } else { now[id] = true; }
        });
      });
    });
    Object.keys(now).forEach(function (id) { delete later[id]; });
    return { now: Object.keys(now), later: Object.keys(later), tops: Object.keys(tops) };
  }

  // Step 2: which of the `later` pieces the query needs, once `set` holds the `now` shards.
  // The paragraphs that can match all lie among the postings of every required word that is
  // not a common one; a piece of a common word matters only if it covers one of them.
  function piecesFor(parsed, later, set) {
    if (!later.length) { return []; }
    var pieceTerms = Object.create(null);
    later.forEach(function (id) { pieceTerms[set.rangeOf(id)[0]] = true; });
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
    return later.filter(function (id) {
      var range = set.rangeOf(id), first = range[2], last = range[3];
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
  function pendingCommonWords(parsed, plan, set) {
    if (!plan.tops.length) { return null; }
    var common = Object.create(null);
    plan.tops.forEach(function (id) { common[set.rangeOf(id)[0]] = true; });
    var ok = parsed.clauses.every(function (c) {
      return !c.prefix && (c.presence === "required") === !!common[c.term];
    });
    if (!ok) { return null; }
    var pending = Object.create(null), any = false;
    plan.later.forEach(function (id) {
      if (!set.has(id)) { pending[set.rangeOf(id)[0]] = true; any = true; }
    });
    return any ? pending : null;
  }

  // For a query of one prefix alone, whose shards include pieces of common words not all
  // loaded: {now: the shards it needs but those pieces, pieces: the prefix pieces of every
  // segment that has such pieces ("<segment>/<b>-p<n>")}; else null (also when a segment
  // lacks the prefix piece, as an index written before them does).
  function prefixPieceIds(parsed, layout, plan, set) {
    var clause = parsed.clauses[0];
    if (parsed.clauses.length !== 1 || !clause.prefix || clause.presence !== "required") { return null; }
    var now = [], buckets = Object.create(null);
    plan.now.forEach(function (id) {
      if (isPiece(set.rangeOf(id)) && !set.has(id)) {
        buckets[id.slice(0, id.lastIndexOf("-"))] = true;
      } else {
        now.push(id);
      }
    });
    var names = Object.keys(buckets);
    if (!names.length) { return null; }
    var pieces = [];
    for (var b = 0; b < names.length; b++) {
      var n = (set.prefixMaps[names[b]] || {})[clause.term];
      if (n === undefined) { return null; }
      pieces.push(names[b] + "-p" + n);
    }
    return { now: now, pieces: pieces };
  }

  // When rarer words narrow a query but still need more pieces of its common words than
  // those words have top pieces ("human rights": "human" is in most ranges of "right"), the
  // top pieces come first, as for common words alone: {pending: {term: true}, tops: [id]};
  // else null. Only for exact words; `pieces`: the pieces the query needs (piecesFor).
  function narrowedCommonWords(parsed, plan, pieces, set) {
    if (parsed.clauses.some(function (c) { return c.prefix; })) { return null; }
    var pending = Object.create(null), missing = 0;
    pieces.forEach(function (id) {
      if (!set.has(id)) { pending[set.rangeOf(id)[0]] = true; missing++; }
    });
    if (parsed.clauses.some(function (c) { return c.presence === "prohibited" && pending[c.term]; })) {
      return null; // an excluded common word: searchTop needs its paragraphs all known
    }
    var tops = plan.tops.filter(function (id) { return pending[set.rangeOf(id)[0]]; });
    var fetch = tops.filter(function (id) { return !set.has(id); });
    return missing > fetch.length ? { pending: pending, tops: fetch } : null;
  }

  // Load into `set` every file `parsed` needs: its buckets, then their shards it needs.
  // `layout`: {bucketKey, segments} (the manifest's language entry); fetchFile(id) returns a
  // promise of file `id` ("<segment>/<b>" a bucket, "<segment>/<b>-<k>" its shard k). With `preview`: a query
  // of common words alone first loads their top pieces and, if those rank its first results
  // for certain (ShardSet.searchTop), calls preview(hits) with them and waits for the
  // promise it returns, before loading the pieces.
  // A query of one prefix alone (a word being typed) likewise first loads the prefix pieces
  // (ShardSet.searchPrefixTop) instead of the pieces of the common words it starts.
  function load(parsed, layout, set, fetchFile, preview) {
    function get(list) { return fetchInto(set, list, fetchFile); }
    return get(bucketsFor(parsed, layout)).then(function () {
      var plan = shardsFor(parsed, layout, set);
      var prefixPlan = preview ? prefixPieceIds(parsed, layout, plan, set) : null;
      if (prefixPlan) {
        return get(prefixPlan.now.concat(prefixPlan.pieces)).then(function () {
          var hits = set.searchPrefixTop(parsed.clauses[0], prefixPlan.pieces, layout.segments.length === 1);
          return hits.length ? preview(hits) : null;
        }).then(function () { return get(plan.now); });
      }
      var pending = preview ? pendingCommonWords(parsed, plan, set) : null;
      if (!pending) {
        return get(plan.now).then(function () {
          var pieces = piecesFor(parsed, plan.later, set);
          var early = preview ? narrowedCommonWords(parsed, plan, pieces, set) : null;
          if (!early) { return get(pieces); }
          return get(early.tops).then(function () {
            var hits = set.searchTop(parsed, early.pending);
            return hits && hits.length ? preview(hits) : null;
          }).then(function () { return get(pieces); });
        });
      }
      return get(plan.now.concat(plan.tops)).then(function () {
        var hits = set.searchTop(parsed, pending);
        return hits.length ? preview(hits) : null;
      }).then(function () { return get(plan.later); });
    });
  }

  // Scores: lunr's BM25 field-vector entries, computed here from each posting's term
  // frequency and paragraph length, with the language's paragraph count and total length
  // (the manifest's): what lunr.py's builder stores, to the last bit (index.py, Stats).
  var K1 = 1.2, B = 0.75;

  function idfOf(df, paragraphs) {
    return Math.log(1 + Math.abs((paragraphs - df + 0.5) / (df + 0.5)));
  }

  // Python's round(x, 3) (lunr.py rounds scores so): the nearest number of 3 decimals, an
  // exact tie to the even one. Math.round(x * 1000) is right unless x * 1000 is within
  // rounding error of a half; toFixed is exact but slow, and rounds a tie up. A tie is an
  // odd multiple of 1/2000 that a double holds exactly: j/16 with j odd.
  function round3(x) {
    var y = x * 1000, f = y - Math.floor(y);
    if (Math.abs(f - 0.5) > 1e-7) { return Math.round(y) / 1000; }
    var sixteenths = x * 16;
    if (Number.isInteger(sixteenths) && sixteenths % 2 === 1) {
      var low = Math.floor(y);
      return (low % 2 === 0 ? low : low + 1) / 1000;
    }
    return Number(x.toFixed(3));
  }

  function bm25(idf, tf, length, average) {
    return round3(idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / average)) + tf));
  }

  // Sorted starts and ends of delta-encoded [start, length, gap, length...] ranges
  // (index.py, ranges_flat), and a test of a ref against them.
  function rangeSet(flat) {
    var starts = [], ends = [], at = 0;
    for (var i = 0; i < (flat || []).length; i += 2) {
      at += flat[i]; starts.push(at);
      at += flat[i + 1]; ends.push(at);
    }
    return {
      size: starts.length,
      has: function (ref) {
        var lo = 0, hi = starts.length - 1, k = -1;
        while (lo <= hi) {
          var mid = (lo + hi) >> 1;
          if (starts[mid] <= ref) { k = mid; lo = mid + 1; } else { hi = mid - 1; }
        }
        return k >= 0 && ref < ends[k];
      }
    };
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
  //
  // `stats`: {paragraphs, lengthSum} of the language and `deleted`, the ranges of refs of
  // removed paragraphs, which are skipped (the manifest's; index_update.py).
  function ShardSet(stats) {
    stats = stats || {};
    this.paragraphs = stats.paragraphs || 0;
    this.lengthSum = stats.lengthSum || 0;
    this.average = this.paragraphs ? stats.lengthSum / this.paragraphs : 1;
    this.deleted = rangeSet(stats.deleted);
    this.loaded = Object.create(null); // file id -> true
    this.ranges = Object.create(null); // bucket -> the ranges of its shards
    // term -> {index, flats: [{flat: [ref delta, tf, length, ...], piece}], postings}
    this.terms = Object.create(null);
    this.tops = Object.create(null); // common word -> {index, flats: [flat], frontiers: [pairs]}
    this.piecedDf = Object.create(null); // term -> its paragraphs in segments that cut it
    this.prefixMaps = Object.create(null); // bucket -> {prefix: n} of its prefix pieces
    this.prefixPieces = Object.create(null); // "<bucket>-p<n>" -> that prefix piece
    this.forms = new Map(); // stemmer input -> term, from the buckets loaded (stemFromForms)
    this.sorted = null; // the loaded terms, sorted (for prefixes)
    this.mark = new Int32Array(0); // per ref: the generation that last marked it
    this.generation = 0;
  }

  ShardSet.prototype.has = function (id) { return !!this.loaded[id]; };

  // The term Snowball gives `word` (a stemmer input), from the stem forms of the buckets
  // loaded, or null. A bucket holds the form of every word whose own bucket or whose
  // term's bucket it is, so with a term's buckets loaded, a word missing from the forms
  // does not have that term: highlighting and phrases need no stemmer for the query's terms.
  ShardSet.prototype.stemFromForms = function (word) {
    var term = this.forms.get(word);
    return term === undefined ? null : term;
  };

  // The range of shard "<bucket>-<k>", from its bucket's list.
  ShardSet.prototype.rangeOf = function (id) {
    var dash = id.lastIndexOf("-");
    return this.ranges[id.slice(0, dash)][Number(id.slice(dash + 1))];
  };

  ShardSet.prototype.add = function (id, shard) {
    if (this.loaded[id]) { return; }
    this.loaded[id] = true;
    var piece = false;
    if (Array.isArray(shard.bounds)) { // a prefix piece: kept apart, as a top piece is
      this.prefixPieces[id] = shard;
      return;
    }
    if (Array.isArray(shard.shards)) { // a bucket: its shards' ranges, common words' counts
      this.ranges[id] = shard.shards;
      this.prefixMaps[id] = shard.prefixes || {};
      var forms = shard.forms || {};
      Object.keys(forms).forEach(function (w) { this.forms.set(w, forms[w] || w); }, this);
      shard.shards.forEach(function (range) {
        if (isTop(range)) { this.piecedDf[range[0]] = (this.piecedDf[range[0]] || 0) + range[2].df; }
      }, this);
    } else {
      piece = isPiece(this.rangeOf(id));
    }
    if (shard.top) { // a top piece: kept apart, the pieces hold it all
      var t = shard.terms[0];
      var top = this.tops[t[0]];
      if (!top) { top = this.tops[t[0]] = { index: t[1], flats: [], frontiers: [] }; }
      top.flats.push(t[2]);
      top.frontiers.push(shard.top.bound);
      return;
    }
    shard.terms.forEach(function (t) {
      var known = this.terms[t[0]];
      if (!known) { known = this.terms[t[0]] = { index: t[1], flats: [], postings: null }; }
      known.flats.push({ flat: t[2], piece: piece }); // a common word arrives in pieces
      known.postings = null;
    }, this);
    this.sorted = null;
  };

  // The number of live paragraphs that hold `term` (lunr's idf needs it): its count in
  // the segments that cut it into pieces, and its postings in the others (all loaded).
  ShardSet.prototype.df = function (term) {
    var n = this.piecedDf[term] || 0, known = this.terms[term];
    if (!known) { return n; }
    var deleted = this.deleted;
    known.flats.forEach(function (f) {
      if (f.piece) { return; }
      if (!deleted.size) { n += f.flat.length / 3; return; }
      for (var i = 0, ref = 0; i < f.flat.length; i += 3) {
        ref += f.flat[i];
        if (!deleted.has(ref)) { n++; }
      }
    });
    return n;
  };

  // Postings decoded and scored: {refs: Int32Array, weights: Float64Array}, sorted by ref,
  // removed paragraphs left out. `flats` may overlap (a top piece and pieces): a ref is
  // kept once.
  ShardSet.prototype.decode = function (flats, df) {
    var idf = idfOf(df, this.paragraphs), average = this.average, deleted = this.deleted;
    flats = flats.slice().sort(function (a, b) { return a[0] - b[0]; });
    var size = 0;
    flats.forEach(function (flat) { size += flat.length / 3; });
    var refs = new Int32Array(size), weights = new Float64Array(size), k = 0, sorted = true;
    flats.forEach(function (flat) {
      var ref = 0;
      for (var i = 0; i < flat.length; i += 3) {
        ref += flat[i];
        if (deleted.size && deleted.has(ref)) { continue; }
        if (k && ref <= refs[k - 1]) { sorted = false; }
        refs[k] = ref;
        weights[k] = bm25(idf, flat[i + 1], flat[i + 2], average);
        k++;
      }
    });
    if (!sorted) {
      var order = [];
      for (var o = 0; o < k; o++) { order.push(o); }
      order.sort(function (a, b) { return refs[a] - refs[b]; });
      var r2 = new Int32Array(k), w2 = new Float64Array(k), n = 0;
      order.forEach(function (o) {
        if (n && r2[n - 1] === refs[o]) { return; }
        r2[n] = refs[o]; w2[n] = weights[o]; n++;
      });
      return { refs: r2.subarray(0, n), weights: w2.subarray(0, n) };
    }
    return { refs: refs.subarray(0, k), weights: weights.subarray(0, k) };
  };

  // The loaded postings of `term`, decoded once (the pieces of a common word cover
  // disjoint ref ranges, and so do segments).
  ShardSet.prototype.postings = function (term) {
    var known = this.terms[term];
    if (!known) { return { refs: new Int32Array(0), weights: new Float64Array(0) }; }
    if (!known.postings) {
      known.postings = this.decode(known.flats.map(function (f) { return f.flat; }), this.df(term));
    }
    return known.postings;
  };

  // A common word's best postings known so far: its top pieces and whatever else of it is
  // loaded; and `bound`, the best score any other of its postings can have (the best of
  // its top pieces' frontiers).
  ShardSet.prototype.topPostings = function (term) {
    var top = this.tops[term], known = this.terms[term];
    var df = this.df(term), idf = idfOf(df, this.paragraphs), average = this.average;
    var flats = top.flats.concat(known ? known.flats.map(function (f) { return f.flat; }) : []);
    var bound = 0;
    top.frontiers.forEach(function (pairs) {
      pairs.forEach(function (pair) { bound = Math.max(bound, bm25(idf, pair[0], pair[1], average)); });
    });
    return { index: top.index, postings: this.decode(flats, df), bound: bound };
  };

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
  // `bound` (topPostings). A paragraph in the top piece of every pending word (and in the postings of every
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
      if (!pending[term] && !this.terms[term]) { return []; } // a required word no paragraph has
      var known = pending[term] ? this.topPostings(term)
        : { index: this.terms[term].index, postings: this.postings(term), bound: null };
      vector[known.index] = (vector[known.index] || 0) + 1;
      source[known.index] = known;
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

  // [{ref, score}] of the first results of one prefix `clause`, exactly as search() ranks
  // them, from the prefix pieces `ids` (index.py, prefix_pieces) of the segments whose
  // common words it starts, before those words' pieces are loaded; maybe fewer than all,
  // maybe none, never a wrong one.
  //
  // Every term the prefix starts has a weight of 1 in the query. A paragraph among a piece's
  // candidates has all its postings known: the common words' from the piece, the other
  // terms' from their shards (all loaded); its score is exact. Any other paragraph lies in
  // one segment, and scores at most its loaded postings plus, for each common word of that
  // segment's piece, the best score of the word's frontier there. Hits scoring above every
  // such bound (with a margin for rounding: an upper bound summed in another order) are the
  // first results, in search()'s order. With `single` (the language has one segment), an
  // index as built (nothing removed, the piece's numbers) has a tighter bound: the best
  // summed score outside the candidates, stored with the piece.
  ShardSet.prototype.searchPrefixTop = function (clause, ids, single) {
    var self = this, deleted = this.deleted, asBuilt = null;
    var pending = Object.create(null); // common word -> {index, flats}
    var exact = [], worst = 0;
    ids.forEach(function (id) {
      var piece = self.prefixPieces[id], bound = 0;
      for (var i = 0, ref = 0; i < piece.refs.length; i++) {
        ref += piece.refs[i];
        if (!deleted.has(ref)) { exact.push(ref); }
      }
      piece.terms.forEach(function (t, k) {
        var entry = pending[t[0]] || (pending[t[0]] = { index: t[1], flats: [] });
        entry.flats.push(t[2]);
        var idf = idfOf(self.df(t[0]), self.paragraphs), best = 0;
        piece.bounds[k].forEach(function (pair) {
          best = Math.max(best, bm25(idf, pair[0], pair[1], self.average));
        });
        bound += best;
      });
      worst = Math.max(worst, bound);
      if (single && !deleted.size && piece.stats[0] === self.paragraphs && piece.stats[1] === self.lengthSum) {
        asBuilt = piece.outside;
      }
    });
    if (asBuilt !== null) { worst = Math.min(worst, asBuilt); }
    var terms = this.expand(clause);
    Object.keys(pending).forEach(function (t) { if (!self.terms[t]) { terms.push(t); } });
    var sources = terms.map(function (t) {
      var known = self.terms[t], flats = known ? known.flats.map(function (f) { return f.flat; }) : [];
      var index = known ? known.index : pending[t].index;
      return { index: index, postings: self.decode(flats.concat(pending[t] ? pending[t].flats : []), self.df(t)) };
    }).sort(function (a, b) { return a.index - b.index; });
    var candidates = unionOf(sources.map(function (src) { return src.postings.refs; }));
    var n = candidates.length, dots = new Float64Array(n);
    for (var k = 0; k < sources.length; k++) {
      addProducts(candidates, sources[k].postings.refs, sources[k].postings.weights, 1, dots);
    }
    var magnitude = Math.sqrt(sources.length);
    var known = new Set(exact);
    var ceiling = worst / magnitude, hits = [];
    for (var h = 0; h < n; h++) {
      var score = dots[h] / magnitude || 0;
      if (known.has(candidates[h])) { hits.push({ ref: candidates[h], score: score }); }
      else if (asBuilt === null && (dots[h] + worst) / magnitude > ceiling) { ceiling = (dots[h] + worst) / magnitude; }
    }
    var margin = ceiling * (1 + 1e-9) + 1e-12;
    return hits.filter(function (hit) { return hit.score > margin; })
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

  // [start, end] offsets in `text` of the words whose term a clause matches (overlapping
  // Chinese bigrams: one span).
  function highlightSpans(text, lang, parsed) {
    var tp = textpipe();
    var wanted = parsed.clauses.filter(function (c) { return c.presence !== "prohibited"; });
    if (!wanted.length) { return []; }
    var out = [];
    tp.termSpans(text, lang).forEach(function (w) {
      var t = w[0];
      var hit = wanted.some(function (c) { return c.prefix ? t.indexOf(c.term) === 0 : t === c.term; });
      if (!hit) { return; }
      var last = out[out.length - 1];
      if (last && w[1] < last[1]) { last[1] = Math.max(last[1], w[2]); } else { out.push([w[1], w[2]]); }
    });
    return out;
  }

  // [start, end] in `text` of the first occurrence of the first phrase, or null.
  function phraseSpan(text, lang, phrases) {
    if (!phrases.length) { return null; }
    var tp = textpipe();
    var words = tp.termSpans(text, lang);  // [term, start, end]
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
    bucketOf: bucketOf,
    formBuckets: formBuckets,
    hasUnknown: hasUnknown,
    fetchInto: fetchInto,
    rangeSet: rangeSet,
    round3: round3,
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
