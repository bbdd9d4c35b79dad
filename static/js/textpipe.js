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
 *     resarchiveTextpipe.load("fr", data)   // data: JSON written by the build
 *     resarchiveTextpipe.analyze(text, "fr")
 * With lunr.js (the tests' reference): resarchiveTextpipe.register(lunr, "fr", data), then
 *     lunr.Index.load(serializedIndex). In Node: var tp = require("./textpipe.js").
 *
 * `data` is textpipe.browser_data(lang) from Python:
 *     {"version": 2, "lang": "fr", "elisions": ["jusqu'", ...],
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
 * Set; no eval, no DOM, no window: runs in a Web Worker (importScripts) as in a page or
 * Node. Attaches to globalThis (self in a Worker) as resarchiveTextpipe, and to
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

  var PIPELINE_VERSION = 2;
  var LANGUAGES = ["fr", "en"];
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

  function makeCache(fn) {
    var cache = new Map();
    return function (s) {
      var v = cache.get(s);
      if (v === undefined) {
        v = fn(s);
        if (cache.size > 300000) { cache.clear(); }
        cache.set(s, v);
      }
      return v;
    };
  }

  // NFKC, lowercase, typographic apostrophes -> '. Pure ASCII skips NFKC.
  var normalize = makeCache(function (token) {
    if (!ASCII.test(token)) {
      token = token.normalize("NFKC");
    }
    return token.toLowerCase().replace(/\u2019/g, "'").replace(/\u02BC/g, "'");
  });

  // [start, end, normalized token] for each token of an already lowercased text.
  function spans(text) {
    var re = tokenRe();
    var out = [];
    var m;
    while ((m = re.exec(text)) !== null) {
      out.push([m.index, m.index + m[0].length, normalize(m[0])]);
    }
    return out;
  }

  function tokenize(text) {
    return spans(String(text).toLowerCase()).map(function (s) { return s[2]; });
  }

  // ------------------------------------------------------------------ folding
  var FOLD_EXTRA = {
    "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i",
    "þ": "th", "ð": "d", "ħ": "h"
  };
  var FOLD_EXTRA_RE = /[œæßøđłıþðħ]/g;

  var fold = makeCache(function (s) {
    if (ASCII.test(s)) { return s; }
    s = s.normalize("NFD").replace(MARKS, "");
    return s.replace(FOLD_EXTRA_RE, function (c) { return FOLD_EXTRA[c]; });
  });

  // --------------------------------------------------------- Snowball helpers
  function endsWith(s, suf) {
    return s.length >= suf.length && s.slice(s.length - suf.length) === suf;
  }

  function startsWith(s, pre) {
    return s.slice(0, pre.length) === pre;
  }

  // Longest of `suffixes` (sorted longest first) ending s and starting at or after lo.
  function longest(s, suffixes, lo) {
    lo = lo || 0;
    var n = s.length;
    for (var k = 0; k < suffixes.length; k++) {
      var suf = suffixes[k];
      if (n - suf.length >= lo && endsWith(s, suf)) { return suf; }
    }
    return null;
  }

  function byLengthDesc(a, b) {
    return (b.length - a.length) || (a < b ? -1 : (a > b ? 1 : 0));
  }

  // groups: {1: "a b c", 2: "..."} -> [sorted suffixes, {suffix: group}]
  function byLength(groups) {
    var table = {};
    var keys = [];
    Object.keys(groups).forEach(function (g) {
      groups[g].split(" ").forEach(function (suf) {
        table[suf] = Number(g);
        keys.push(suf);
      });
    });
    keys.sort(byLengthDesc);
    return [keys, table];
  }

  function setOf(chars) {
    var o = Object.create(null);
    for (var k = 0; k < chars.length; k++) { o[chars.charAt(k)] = true; }
    return o;
  }

  function isIn(set, c) {
    return c !== "" && set[c] === true;
  }

  function gopastVNonV(s, start, v) {
    var n = s.length;
    var j = start;
    while (j < n && !isIn(v, s.charAt(j))) { j++; }
    if (j >= n) { return null; }
    j++;
    while (j < n && isIn(v, s.charAt(j))) { j++; }
    if (j >= n) { return null; }
    return j + 1;
  }

  function hasVowel(s, v) {
    for (var k = 0; k < s.length; k++) {
      if (isIn(v, s.charAt(k))) { return true; }
    }
    return false;
  }

  // ---------------------------------------------------- Snowball French 3.1.1
  var FR_V = setOf("aeiouyâàëéêèïîôûù");
  var FR_ELISION_CHARS = setOf("cdjlmnst");
  var FR_OUX = setOf("bhjlnp");
  var FR_KEEP_WITH_S = setOf("aiouès");

  var FR_STANDARD = byLength({
    1: "iqUe ance able isme iste eux iqUes ances ables ismes istes",
    2: "atrice ation ateur atrices ations ateurs",
    3: "logie logies",
    4: "usion ution usions utions",
    5: "ence ences",
    6: "ement ements",
    7: "ité ités",
    8: "if ive ifs ives",
    9: "eaux",
    10: "aux",
    11: "oux",
    12: "euse euses",
    13: "issement issements",
    14: "amment",
    15: "emment",
    16: "ment ments"
  });
  var FR_AFTER_EMENT = byLength({1: "iv", 2: "eus", 3: "iqU abl", 4: "Ièr ièr"});
  var FR_AFTER_ITE = byLength({1: "abil", 2: "ic", 3: "iv"});
  var FR_I_VERB = byLength({
    1: "îmes ît îtes i ie ies ir ira irai iraIent irais irait iras irent irez iriez " +
      "irions irons iront is issaIent issais issait issant issante issantes issants isse " +
      "issent isses issez issiez issions issons it"
  });
  var FR_VERB = byLength({
    1: "ions",
    2: "é ée ées és èrent er era erai eraIent erais erait eras erez eriez erions erons " +
      "eront ez iez eais",
    3: "âmes ât âtes a ai aIent ait ant ante antes ants as asse assent asses assiez assions",
    4: "ais aise aises"
  });
  var FR_RESIDUAL = byLength({1: "ion", 2: "ier ière Ier Ière", 3: "e"});
  var FR_DOUBLE = ["eill", "enn", "onn", "ett", "ell"];

  function frPrelude(s) {
    var v = FR_V;
    var i = 0;
    while (i < s.length) {
      var c = s.charAt(i);
      var nxt = s.charAt(i + 1);   // "" past the end, like Python's guard
      var after = s.charAt(i + 2);
      if (isIn(v, c) && nxt !== "") {
        if (nxt === "u" && isIn(v, after)) {
          s = s.slice(0, i + 1) + "U" + s.slice(i + 2);
          continue;
        }
        if (nxt === "i" && isIn(v, after)) {
          s = s.slice(0, i + 1) + "I" + s.slice(i + 2);
          continue;
        }
        if (nxt === "y") {
          s = s.slice(0, i + 1) + "Y" + s.slice(i + 2);
          continue;
        }
      }
      if (c === "ë") {
        s = s.slice(0, i) + "He" + s.slice(i + 1);
        continue;
      }
      if (c === "ï") {
        s = s.slice(0, i) + "Hi" + s.slice(i + 1);
        continue;
      }
      if (c === "y" && isIn(v, nxt)) {
        s = s.slice(0, i) + "Y" + s.slice(i + 1);
        continue;
      }
      if (c === "q" && nxt === "u") {
        s = s.slice(0, i + 1) + "U" + s.slice(i + 2);
        continue;
      }
      i++;
    }
    return s;
  }

  function frRegions(s) {
    var v = FR_V;
    var n = s.length;
    var pv = n;
    if (n >= 3 && isIn(v, s.charAt(0)) && isIn(v, s.charAt(1))) {
      pv = 3;
    } else if (startsWith(s, "col") || startsWith(s, "par") || startsWith(s, "tap") ||
               (startsWith(s, "ni") && n > 2 && isIn(v, s.charAt(2)))) {
      pv = 3;
    } else {
      for (var j = 1; j < n; j++) {
        if (isIn(v, s.charAt(j))) { pv = j + 1; break; }
      }
    }
    var p1 = gopastVNonV(s, 0, v);
    var p2 = p1 !== null ? gopastVNonV(s, p1, v) : null;
    return [pv, p1 === null ? n : p1, p2 === null ? n : p2];
  }

  // Each step returns [s, ok].
  function frStandardSuffix(s, pv, p1, p2) {
    var suf = longest(s, FR_STANDARD[0]);
    if (suf === null) { return [s, false]; }
    var g = FR_STANDARD[1][suf];
    var b = s.length - suf.length;
    var suf2, g2, b2, b3;
    if (g === 1) {
      return p2 <= b ? [s.slice(0, b), true] : [s, false];
    }
    if (g === 2) {
      if (p2 > b) { return [s, false]; }
      s = s.slice(0, b);
      if (endsWith(s, "ic")) {
        b2 = s.length - 2;
        s = p2 <= b2 ? s.slice(0, b2) : s.slice(0, b2) + "iqU";
      }
      return [s, true];
    }
    if (g === 3 || g === 4 || g === 5) {
      if (p2 > b) { return [s, false]; }
      return [s.slice(0, b) + (g === 3 ? "log" : (g === 4 ? "u" : "ent")), true];
    }
    if (g === 6) {
      if (pv > b) { return [s, false]; }
      s = s.slice(0, b);
      suf2 = longest(s, FR_AFTER_EMENT[0]);
      if (suf2 !== null) {
        g2 = FR_AFTER_EMENT[1][suf2];
        b2 = s.length - suf2.length;
        if (g2 === 1) {
          if (p2 <= b2) {
            s = s.slice(0, b2);
            if (endsWith(s, "at") && p2 <= s.length - 2) { s = s.slice(0, -2); }
          }
        } else if (g2 === 2) {
          if (p2 <= b2) {
            s = s.slice(0, b2);
          } else if (p1 <= b2) {
            s = s.slice(0, b2) + "eux";
          }
        } else if (g2 === 3) {
          if (p2 <= b2) { s = s.slice(0, b2); }
        } else if (pv <= b2) {
          s = s.slice(0, b2) + "i";
        }
      }
      return [s, true];
    }
    if (g === 7) {
      if (p2 > b) { return [s, false]; }
      s = s.slice(0, b);
      suf2 = longest(s, FR_AFTER_ITE[0]);
      if (suf2 !== null) {
        g2 = FR_AFTER_ITE[1][suf2];
        b2 = s.length - suf2.length;
        if (g2 === 1) {
          s = p2 <= b2 ? s.slice(0, b2) : s.slice(0, b2) + "abl";
        } else if (g2 === 2) {
          s = p2 <= b2 ? s.slice(0, b2) : s.slice(0, b2) + "iqU";
        } else if (p2 <= b2) {
          s = s.slice(0, b2);
        }
      }
      return [s, true];
    }
    if (g === 8) {
      if (p2 > b) { return [s, false]; }
      s = s.slice(0, b);
      if (endsWith(s, "at") && p2 <= s.length - 2) {
        s = s.slice(0, -2);
        if (endsWith(s, "ic")) {
          b3 = s.length - 2;
          s = p2 <= b3 ? s.slice(0, b3) : s.slice(0, b3) + "iqU";
        }
      }
      return [s, true];
    }
    if (g === 9) { return [s.slice(0, b) + "eau", true]; }
    if (g === 10) { return p1 <= b ? [s.slice(0, b) + "al", true] : [s, false]; }
    if (g === 11) {
      return (b > 0 && isIn(FR_OUX, s.charAt(b - 1))) ? [s.slice(0, b) + "ou", true] : [s, false];
    }
    if (g === 12) {
      if (p2 <= b) { return [s.slice(0, b), true]; }
      if (p1 <= b) { return [s.slice(0, b) + "eux", true]; }
      return [s, false];
    }
    if (g === 13) {
      if (p1 <= b && b > 0 && !isIn(FR_V, s.charAt(b - 1))) { return [s.slice(0, b), true]; }
      return [s, false];
    }
    if (g === 14 || g === 15) {
      if (pv <= b) { s = s.slice(0, b) + (g === 14 ? "ant" : "ent"); }
      return [s, false];
    }
    // g === 16
    if (b > 0 && isIn(FR_V, s.charAt(b - 1)) && pv <= b - 1) { s = s.slice(0, b); }
    return [s, false];
  }

  function frIVerbSuffix(s, pv) {
    if (s.length < pv) { return [s, false]; }
    var suf = longest(s, FR_I_VERB[0], pv);
    if (suf === null) { return [s, false]; }
    var b = s.length - suf.length;
    if (b > pv && s.charAt(b - 1) !== "H" && !isIn(FR_V, s.charAt(b - 1))) {
      return [s.slice(0, b), true];
    }
    return [s, false];
  }

  function frVerbSuffix(s, pv, p2) {
    if (s.length < pv) { return [s, false]; }
    var suf = longest(s, FR_VERB[0], pv);
    if (suf === null) { return [s, false]; }
    var g = FR_VERB[1][suf];
    var b = s.length - suf.length;
    if (g === 1) { return p2 <= b ? [s.slice(0, b), true] : [s, false]; }
    if (g === 2) { return [s.slice(0, b), true]; }
    if (g === 3) {
      if (b >= 1 && s.charAt(b - 1) === "e" && pv <= b - 1) { return [s.slice(0, b - 1), true]; }
      return [s.slice(0, b), true];
    }
    var t = s.slice(0, b);
    if (endsWith(t, "épl") || endsWith(t, "auv") || (t.length === 3 && endsWith(t, "al"))) {
      return [s, false];
    }
    return [t, true];
  }

  function frResidualSuffix(s, pv, p2) {
    if (endsWith(s, "s")) {
      var bs = s.length - 1;
      if (endsWith(s.slice(0, bs), "Hi") || (bs > 0 && !isIn(FR_KEEP_WITH_S, s.charAt(bs - 1)))) {
        s = s.slice(0, bs);
      }
    }
    if (s.length < pv) { return [s, false]; }
    var suf = longest(s, FR_RESIDUAL[0], pv);
    if (suf === null) { return [s, false]; }
    var g = FR_RESIDUAL[1][suf];
    var b = s.length - suf.length;
    if (g === 1) {
      var c = s.charAt(b - 1);
      if (p2 <= b && b - 1 >= pv && (c === "s" || c === "t")) { return [s.slice(0, b), true]; }
      return [s, false];
    }
    if (g === 2) { return [s.slice(0, b) + "i", true]; }
    return [s.slice(0, b), true];
  }

  function frPostlude(s) {
    var out = [];
    var i = 0;
    var n = s.length;
    while (i < n) {
      var c = s.charAt(i);
      if (c === "H") {
        var nxt = s.charAt(i + 1);
        if (nxt === "e") { out.push("ë"); i += 2; continue; }
        if (nxt === "i") { out.push("ï"); i += 2; continue; }
      } else if (c === "I" || c === "U" || c === "Y") {
        out.push(c.toLowerCase());
      } else {
        out.push(c);
      }
      i++;
    }
    return out.join("");
  }

  var stemFrench = makeCache(function (word) {
    if (ASTRAL.test(word)) { return word; }
    var s = word;
    if (s.length > 2 && isIn(FR_ELISION_CHARS, s.charAt(0)) && s.charAt(1) === "'") {
      s = s.slice(2);
    } else if (s.length > 3 && startsWith(s, "qu'")) {
      s = s.slice(3);
    }
    s = frPrelude(s);
    var r = frRegions(s);
    var pv = r[0], p1 = r[1], p2 = r[2];
    var res = frStandardSuffix(s, pv, p1, p2);
    s = res[0];
    var ok = res[1];
    if (!ok) { res = frIVerbSuffix(s, pv); s = res[0]; ok = res[1]; }
    if (!ok) { res = frVerbSuffix(s, pv, p2); s = res[0]; ok = res[1]; }
    if (ok) {
      if (endsWith(s, "Y")) {
        s = s.slice(0, -1) + "i";
      } else if (endsWith(s, "ç")) {
        s = s.slice(0, -1) + "c";
      }
    } else {
      s = frResidualSuffix(s, pv, p2)[0];
    }
    for (var k = 0; k < FR_DOUBLE.length; k++) {
      if (endsWith(s, FR_DOUBLE[k])) { s = s.slice(0, -1); break; }
    }
    var j = s.length;
    while (j > 0 && !isIn(FR_V, s.charAt(j - 1))) { j--; }
    if (j < s.length && j > 0 && (s.charAt(j - 1) === "é" || s.charAt(j - 1) === "è")) {
      s = s.slice(0, j - 1) + "e" + s.slice(j);
    }
    return frPostlude(s);
  });

  // ------------------------------------------- Snowball English (Porter2) 3.1.1
  var EN_V = setOf("aeiouy");
  var EN_V_WXY = setOf("aeiouywxY");
  var EN_LI = setOf("cdeghkmnrt");
  var EN_EXCEPTIONS = {
    skis: "ski", skies: "sky", idly: "idl", gently: "gentl", ugly: "ugli",
    early: "earli", only: "onli", singly: "singl",
    sky: "sky", news: "news", howe: "howe",
    atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes"
  };
  var EN_REGION_PREFIXES = ["univers", "arsen", "commun", "emerg", "gener", "inter", "later",
    "organ", "past"];
  var EN_1B = ["eedly", "ingly", "edly", "eed", "ing", "ed"];
  var EN_ING_EXC = ["cann", "earr", "even", "herr", "inn", "out", "y"];
  var EN_DOUBLES = {bb: 1, dd: 1, ff: 1, gg: 1, mm: 1, nn: 1, pp: 1, rr: 1, tt: 1};
  var EN_STEP2_MAP = {
    tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent",
    izer: "ize", ization: "ize", ational: "ate", ation: "ate", ator: "ate",
    alism: "al", aliti: "al", alli: "al", fulness: "ful", ousli: "ous",
    ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble",
    ogist: "og", ogi: "og", fulli: "ful", lessli: "less", li: ""
  };
  var EN_STEP2 = Object.keys(EN_STEP2_MAP).sort(byLengthDesc);
  var EN_STEP3_MAP = {
    tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic",
    ical: "ic", ful: "", ness: "", ative: ""
  };
  var EN_STEP3 = Object.keys(EN_STEP3_MAP).sort(byLengthDesc);
  var EN_STEP4 = ("al ance ence er ic able ible ant ement ment ent ism ate iti ous ive ize ion")
    .split(" ").sort(byLengthDesc);

  function enShortv(s, c) {
    if (c >= 3 && !isIn(EN_V_WXY, s.charAt(c - 1)) && isIn(EN_V, s.charAt(c - 2)) &&
        !isIn(EN_V, s.charAt(c - 3))) {
      return true;
    }
    if (c === 2 && !isIn(EN_V, s.charAt(1)) && isIn(EN_V, s.charAt(0))) { return true; }
    return endsWith(s.slice(0, c), "past");
  }

  var stemEnglish = makeCache(function (word) {
    if (Object.prototype.hasOwnProperty.call(EN_EXCEPTIONS, word)) { return EN_EXCEPTIONS[word]; }
    if (word.length < 3 || ASTRAL.test(word)) { return word; }
    var v = EN_V;
    var s = startsWith(word, "'") ? word.slice(1) : word;
    var yFound = false;
    var i, b, suf;
    if (startsWith(s, "y")) {
      s = "Y" + s.slice(1);
      yFound = true;
    }
    if (s.indexOf("y") >= 0) {
      var chars = s.split("");
      for (i = 1; i < chars.length; i++) {
        if (chars[i] === "y" && isIn(v, chars[i - 1])) {
          chars[i] = "Y";
          yFound = true;
        }
      }
      s = chars.join("");
    }
    // regions
    var n = s.length;
    var p1 = n, p2 = n;
    var r1 = null;
    for (i = 0; i < EN_REGION_PREFIXES.length; i++) {
      if (startsWith(s, EN_REGION_PREFIXES[i])) { r1 = EN_REGION_PREFIXES[i].length; break; }
    }
    if (r1 === null) { r1 = gopastVNonV(s, 0, v); }
    if (r1 !== null) {
      p1 = r1;
      var r2 = gopastVNonV(s, p1, v);
      p2 = r2 === null ? n : r2;
    }
    // Step 1a
    var apos = ["'s'", "'s", "'"];
    for (i = 0; i < apos.length; i++) {
      if (endsWith(s, apos[i])) { s = s.slice(0, s.length - apos[i].length); break; }
    }
    if (endsWith(s, "sses")) {
      s = s.slice(0, -2);
    } else if (endsWith(s, "ied") || endsWith(s, "ies")) {
      b = s.length - 3;
      s = s.slice(0, b) + (b >= 2 ? "i" : "ie");
    } else if (endsWith(s, "us") || endsWith(s, "ss")) {
      // unchanged
    } else if (endsWith(s, "s")) {
      b = s.length - 1;
      if (b >= 1 && hasVowel(s.slice(0, Math.max(b - 1, 0)), v)) { s = s.slice(0, b); }
    }
    // Step 1b
    suf = longest(s, EN_1B);
    if (suf !== null) {
      b = s.length - suf.length;
      var general = true;
      if (suf === "eed" || suf === "eedly") {
        general = false;
        var pre = s.slice(0, b);
        if (p1 <= b && pre !== "succ" && pre !== "proc" && pre !== "exc") {
          s = pre + "ee";
        }
      } else if (suf === "ing") {
        var t = s.slice(0, b);
        var m = longest(t, EN_ING_EXC);
        if (m === "y") {
          if (t.length === 2 && !isIn(v, t.charAt(0))) {
            s = t.charAt(0) + "ie";
            general = false;
          }
        } else if (m !== null && t.length === m.length) {
          general = false;
        }
      }
      if (general && hasVowel(s.slice(0, b), v)) {
        s = s.slice(0, b);
        var end = s.slice(-2);
        if (end === "at" || end === "bl" || end === "iz") {
          s += "e";
        } else if (EN_DOUBLES[end] === 1) {
          if (!(s.length === 3 && "aeo".indexOf(s.charAt(0)) >= 0)) { s = s.slice(0, -1); }
        } else if (s.length === p1 && enShortv(s, s.length)) {
          s += "e";
        }
      }
    }
    // Step 1c
    if (s.length >= 3 && (endsWith(s, "y") || endsWith(s, "Y")) && !isIn(v, s.charAt(s.length - 2))) {
      s = s.slice(0, -1) + "i";
    }
    // Step 2
    suf = longest(s, EN_STEP2);
    if (suf !== null) {
      b = s.length - suf.length;
      if (p1 <= b) {
        if (suf === "ogi") {
          if (b > 0 && s.charAt(b - 1) === "l") { s = s.slice(0, b) + "og"; }
        } else if (suf === "li") {
          if (b > 0 && isIn(EN_LI, s.charAt(b - 1))) { s = s.slice(0, b); }
        } else {
          s = s.slice(0, b) + EN_STEP2_MAP[suf];
        }
      }
    }
    // Step 3
    suf = longest(s, EN_STEP3);
    if (suf !== null) {
      b = s.length - suf.length;
      if (p1 <= b && (suf !== "ative" || p2 <= b)) { s = s.slice(0, b) + EN_STEP3_MAP[suf]; }
    }
    // Step 4
    suf = longest(s, EN_STEP4);
    if (suf !== null) {
      b = s.length - suf.length;
      if (p2 <= b) {
        if (suf !== "ion") {
          s = s.slice(0, b);
        } else if (b > 0 && (s.charAt(b - 1) === "s" || s.charAt(b - 1) === "t")) {
          s = s.slice(0, b);
        }
      }
    }
    // Step 5
    if (endsWith(s, "e")) {
      b = s.length - 1;
      if (p2 <= b || (p1 <= b && !enShortv(s, b))) { s = s.slice(0, b); }
    } else if (endsWith(s, "l")) {
      b = s.length - 1;
      if (p2 <= b && b > 0 && s.charAt(b - 1) === "l") { s = s.slice(0, b); }
    }
    if (yFound) { s = s.replace(/Y/g, "y"); }
    return s;
  });

  // --------------------------------------------------------------- the stages
  // A language: the browser data plus per-language caches.
  var languages = Object.create(null);

  function lang_(lang, data) {
    if (LANGUAGES.indexOf(lang) < 0) {
      throw new Error("resarchive textpipe: unsupported language " + lang);
    }
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
        elisions: data.elisions.slice(),
        stopwords: stop,
        rewrite: (data.rewrite || []).map(function (p) { return [p[0], p[1]]; }),
        irregular: irregular
      };
      L.stem = makeCache(function (token) { return stemStage(L, token); });
      L.term = makeCache(function (token) { return termOf(L, token); });
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

  function stemStage(L, token) {
    token = stemmerInput(L, token);
    if (L.lang === "fr") {
      return fold(stemFrench(token));
    }
    return stemEnglish(token);
  }

  function termOf(L, token) {
    var t = fold(elide(L, token));
    if (!t || L.stopwords.has(t)) { return null; }
    return L.stem(t) || null;
  }

  // Terms of `text` as lunr.py indexes them (textpipe.analyze).
  function analyze(text, lang, data) {
    var L = lang_(lang, data);
    var re = tokenRe();
    var out = [];
    var lower = String(text).toLowerCase();
    var m;
    while ((m = re.exec(lower)) !== null) {
      var t = L.term(normalize(m[0]));
      if (t !== null) { out.push(t); }
    }
    return out;
  }

  // [start, end] of each word of `text` whose term is in `terms` (textpipe.highlight_spans).
  // Offsets are UTF-16 indices into `text` itself (not its lowercased copy).
  function highlightSpans(text, lang, terms, data) {
    var L = lang_(lang, data);
    var wanted = terms instanceof Set ? terms : new Set(terms || []);
    var out = [];
    if (wanted.size === 0) { return out; }
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
    var re = tokenRe();
    var m;
    while ((m = re.exec(lower)) !== null) {
      if (wanted.has(L.term(normalize(m[0])))) {
        var a = m.index, b = m.index + m[0].length;
        out.push(starts === null ? [a, b] : [starts[a], ends[b - 1]]);
      }
    }
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
      return spans(token.toString()).map(function (sp) {
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
    LANGUAGES: LANGUAGES.slice(),
    STAGES: STAGES.slice(),
    TOKEN_SOURCE: TOKEN_SOURCE,
    label: label,
    tokenize: tokenize,
    fold: fold,
    stemFrench: stemFrench,
    stemEnglish: stemEnglish,
    stem: function (token, lang, data) { return lang_(lang, data).stem(token); },
    term: function (token, lang, data) { return lang_(lang, data).term(token); },
    analyze: analyze,
    analyzeQueryTerm: analyzeQueryTerm,
    highlightSpans: highlightSpans,
    register: register,
    load: load
  };
}));
