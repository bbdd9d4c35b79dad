"""Text analysis for search: one pipeline, written twice, that must agree exactly.

Stage: index (text analysis, mirrored in static/js/textpipe.js). May import: the
standard library.

The index is built here with lunr.py and queried in the browser (search-core.js). A query
term only finds a document if both sides turn words into the *same* index terms, so
this module and ``static/js/textpipe.js`` implement the same pure functions, line for
line, and ``tests/test_textpipe.py`` runs both over every distinct token of the seeds
and of the General Assembly corpus and demands zero differences.

Why our own pipeline rather than lunr's language support (measured while planning):

- ``lunr.lunr(..., languages="fr")`` downloads NLTK stop words at build time, which
  fails offline;
- lunr-languages 1.22 folds accents in its French pipeline, lunr.py does not;
- lunr-languages' French stemmer is a 2010 Snowball port; ``snowballstemmer`` 3.1.1
  differs from it on 18 of 21,461 distinct corpus words (française, mauvais, aiguë...);
  lunr.js' English stemmer is Porter 1 and disagrees with lunr.py's own port on 129
  of 14,321 words ("may", "they", "day"), and with Porter2 on 295.

So the stemmers below are our own implementations of the Snowball 3.1.1 French and
English (Porter2) algorithms, mirrored in JavaScript. The test suite checks the Python
ones against ``snowballstemmer==3.1.1`` on the whole corpus vocabulary and the
JavaScript ones against these.

The analysis of one piece of text, as a lunr pipeline (labels are versioned: change
``PIPELINE_VERSION`` whenever a change alters any term, so that an old serialized index
cannot be loaded with a new query pipeline):

1. ``split``    lunr hands us whitespace/hyphen-separated chunks (lunr.py's tokenizer
                when indexing, lunr.js' query lexer when searching); we cut each into
                tokens, see ``TOKEN_PATTERN``, and normalize each token: NFKC (so
                "1ᵉʳ" -> "1er", ligatures and decomposed accents are composed),
                lowercase, and ’ ʼ -> '.
2. ``elision``  strip one leading elided word listed in the language data
                ("l'assemblée" -> "assemblée").
3. ``fold``     accent folding: NFD, drop combining marks, then œ->oe, æ->ae, ß->ss
                and a few letters NFD does not decompose.
4. ``stopword`` drop stop words (compared folded, so "où" and "ou" are both dropped).
5. ``stem``     map an irregular form to a member of its family ("travaux" ->
                "travail", "lieux" -> "lieu", "children" -> "child": ``irregular`` in
                the YAML, a closed class of plurals the stemmers cannot conflate);
                rewrite one suffix (``rewrite`` in the YAML; French: restore the accent
                on -ité, -ée, -ière, and drop the plural s of -ions, -ois, -its, -us,
                which Snowball French stems apart from the singular: "commissions",
                "lois", "conflits", "détenus"); then French: Snowball French, fold
                again; English: Porter2.

Folding comes *before* stemming: a user typing "securite" must find "sécurité", and
folding first makes every query accent-insensitive by construction. Stem-then-fold
(the Snowball stemmer wants accents) would conflate inflections slightly better but
finds only 82% of accented-word occurrences when the query is typed without accents;
fold-then-stem with the rewrites of step 5 splits 0.3% of word occurrences off their
stem-then-fold group (mostly -ié participles, "associé" vs "associer", and "félicite",
which the -ité restoration reads as "félicité"; part of it is wanted: "commissions" no
longer sits with "comme"). ``test_fold_order_measurement`` in tests/test_textpipe.py
measures both on the corpus and prints the numbers.

Tokenization rules (identical in JavaScript):

- a token is a run of letters, combining marks and decimal digits (Unicode L, M, Nd);
  everything else separates: spaces, punctuation, hyphens ("États-Unis" -> "états",
  "unis"), the degree sign ("n°" -> "n", a stop word), superscript digits used as
  footnote markers ("internationale¹" -> "internationale");
- an apostrophe (' ’ ʼ) *between* two such characters joins them: "aujourd'hui" and
  "children's" are one token each, "l'assemblée" is one token until the elision step;
- a slash between two digit runs joins them when the run ends there: "76/126" stays
  one token, so a citation of resolution 76/126 is findable as such; "A/RES/76/126"
  -> "a", "res", "76/126" ("a" is a stop word);
- "2030" -> "2030"; "1ᵉʳ" -> "1er" (ᵉ and ʳ are modifier letters, NFKC maps them).

Unicode: Python 3.11 knows Unicode 14, Node 20 Unicode 15.1; characters assigned in
between may be classified differently. None occurs in the corpus.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from lunr.builder import Builder
from lunr.pipeline import Pipeline
from lunr.token import Token

__all__ = [
    "LANGUAGES",
    "PIPELINE_VERSION",
    "STAGES",
    "analyze",
    "analyze_query_term",
    "browser_data",
    "builder",
    "fold",
    "highlight_spans",
    "label",
    "pipeline_functions",
    "register",
    "stem",
    "stem_english",
    "stem_french",
    "term",
    "tokenize",
]

#: Bump when any change (code or YAML data) can change a term. Labels carry it.
#: 2: irregular forms and plural suffix rewrites (YAML ``irregular``, ``rewrite``).
PIPELINE_VERSION = 2

LANGUAGES = ("fr", "en")

#: Pipeline stages, in order; each is registered as ``resarchive-<lang>-<stage>-v<N>``.
STAGES = ("split", "elision", "fold", "stopword", "stem")


def label(lang: str, stage: str) -> str:
    """The lunr pipeline label of one stage, e.g. ``resarchive-fr-stem-v1``."""
    return f"resarchive-{lang}-{stage}-v{PIPELINE_VERSION}"


# --------------------------------------------------------------------------- data


@cache
def _lang_data(lang: str) -> dict[str, Any]:
    """Language data from ``data/stopwords-<lang>.yaml``, normalized once.

    Normalized the way tokens are, so comparisons are plain string equality:
    elisions lowercased with ' as apostrophe (longest first), stop words also folded.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    path = resources.files("resarchive") / "data" / f"stopwords-{lang}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    irregular = raw.get("irregular") or {}
    if not isinstance(irregular, dict):
        raise ValueError(f"stopwords-{lang}.yaml: irregular must be a mapping")
    for key in ("elisions", "stopwords", "rewrite", "irregular"):
        values = raw.get(key) or []
        if key == "rewrite":
            flat = [v for pair in values for v in pair]
        elif key == "irregular":
            flat = [v for pair in irregular.items() for v in pair]
        else:
            flat = values
        bad = [v for v in flat if not isinstance(v, str)]
        if bad:  # YAML 1.1 turns bare on/off/no into booleans
            raise ValueError(f"stopwords-{lang}.yaml: {key} has non-strings {bad!r}")
    elisions = sorted(
        {_normalize(e) for e in raw.get("elisions") or []}, key=lambda e: (-len(e), e)
    )
    stopwords = sorted({fold(_normalize(w)) for w in raw.get("stopwords") or []})
    rewrite = sorted(
        ((_normalize(a), _normalize(b)) for a, b in raw.get("rewrite") or []),
        key=lambda p: (-len(p[0]), p[0]),
    )
    irregular_folded = {fold(_normalize(k)): fold(_normalize(v)) for k, v in irregular.items()}
    return {
        "version": PIPELINE_VERSION,
        "lang": lang,
        "elisions": elisions,
        "stopwords": stopwords,
        "stopword_set": frozenset(stopwords),
        "rewrite": rewrite,
        "irregular": dict(sorted(irregular_folded.items())),
    }


def browser_data(lang: str) -> dict[str, Any]:
    """The JSON object ``static/js/textpipe.js`` needs for ``lang``.

    Shape: ``{"version": 2, "lang": "fr", "elisions": ["jusqu'", ...],
    "stopwords": ["a", "afin", ...], "rewrite": [["ieres", "ières"], ...],
    "irregular": {"travaux": "travail", ...}}``: already normalized (lowercase,
    ' apostrophe, stop words and irregular forms accent-folded, elisions and rewrite
    pairs longest first), so the browser uses it as is.
    """
    d = _lang_data(lang)
    return {
        "version": d["version"],
        "lang": lang,
        "elisions": list(d["elisions"]),
        "stopwords": list(d["stopwords"]),
        "rewrite": [list(p) for p in d["rewrite"]],
        "irregular": dict(d["irregular"]),
    }


# ------------------------------------------------------------------- tokenization


@cache
def _classes() -> tuple[str, str]:
    """Regex character classes for Unicode L+M+Nd (word) and M (marks).

    Python's ``re`` has no ``\\p{..}``; ``\\w`` would include underscore and the No
    category (superscript footnote digits) and exclude combining marks, unlike the
    ``[\\p{L}\\p{M}\\p{Nd}]`` of the JavaScript side. So the classes are built from
    ``unicodedata`` once (about a third of a second).
    """

    def ranges(pred: Callable[[str], bool]) -> str:
        out: list[str] = []
        start = None
        for cp in range(sys.maxunicode + 2):
            inside = cp <= sys.maxunicode and pred(unicodedata.category(chr(cp)))
            if inside and start is None:
                start = cp
            elif not inside and start is not None:
                a, b = re.escape(chr(start)), re.escape(chr(cp - 1))
                out.append(a if start == cp - 1 else f"{a}-{b}")
                start = None
        return "".join(out)

    word = ranges(lambda c: c[0] in "LM" or c == "Nd")
    marks = ranges(lambda c: c[0] == "M")
    return word, marks


@cache
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    word, marks = _classes()
    w = f"[{word}]"
    # JavaScript: /\p{Nd}+(?:\/\p{Nd}+)+(?![\p{L}\p{M}\p{Nd}])
    #             |[\p{L}\p{M}\p{Nd}]+(?:['’ʼ][\p{L}\p{M}\p{Nd}]+)*/gu  (TOKEN_PATTERN)
    token = re.compile(rf"\d+(?:/\d+)+(?!{w})|{w}+(?:['\u2019\u02bc]{w}+)*")
    return token, re.compile(f"[{marks}]+")


#: The token pattern, in the JavaScript notation used by static/js/textpipe.js.
TOKEN_PATTERN = (
    r"\p{Nd}+(?:\/\p{Nd}+)+(?![\p{L}\p{M}\p{Nd}])"
    r"|[\p{L}\p{M}\p{Nd}]+(?:['\u2019\u02BC][\p{L}\p{M}\p{Nd}]+)*"
)


@lru_cache(maxsize=1 << 18)
def _normalize(token: str) -> str:
    """NFKC, lowercase, typographic apostrophes -> '. Pure ASCII skips NFKC."""
    if not token.isascii():
        token = unicodedata.normalize("NFKC", token)
    return token.lower().replace("\u2019", "'").replace("\u02bc", "'")


def _spans(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, normalized token) for each token of an already lowercased text."""
    token_re = _regexes()[0]
    for m in token_re.finditer(text):
        yield m.start(), m.end(), _normalize(m.group())


def tokenize(text: str, lang: str = "fr") -> list[str]:
    """Tokens of ``text`` as the ``split`` stage produces them (before elision etc.).

    ``lang`` is accepted for symmetry: tokenization does not depend on the language.
    """
    return [t for _, _, t in _spans(text.lower())]


# ------------------------------------------------------------------------ folding

_FOLD_EXTRA = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i",
     "þ": "th", "ð": "d", "ħ": "h"}
)


@lru_cache(maxsize=1 << 18)
def fold(s: str) -> str:
    """Accent folding: NFD, drop combining marks, then œ->oe, æ->ae, ß->ss, ø->o,
    đ->d, ł->l, ı->i, þ->th, ð->d, ħ->h (letters NFD does not decompose)."""
    if s.isascii():
        return s
    s = _regexes()[1].sub("", unicodedata.normalize("NFD", s))
    return s.translate(_FOLD_EXTRA)


# ------------------------------------------------------------- Snowball helpers


def _longest(s: str, suffixes: tuple[str, ...], lo: int = 0) -> str | None:
    """Longest of ``suffixes`` (sorted longest first) ending ``s`` and starting at or
    after ``lo`` — Snowball's ``among`` in backward mode with ``setlimit``."""
    n = len(s)
    for suf in suffixes:
        if n - len(suf) >= lo and s.endswith(suf):
            return suf
    return None


def _by_length(groups: dict[int, str]) -> tuple[tuple[str, ...], dict[str, int]]:
    table = {suf: g for g, sufs in groups.items() for suf in sufs.split()}
    return tuple(sorted(table, key=lambda x: (-len(x), x))), table


# --------------------------------------------------------- Snowball French 3.1.1

_FR_V = frozenset("aeiouyâàëéêèïîôûù")
_FR_ELISION_CHARS = frozenset("cdjlmnst")
_FR_OUX = frozenset("bhjlnp")
_FR_KEEP_WITH_S = frozenset("aiouès")

_FR_STANDARD, _FR_STANDARD_G = _by_length({
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
    16: "ment ments",
})
_FR_AFTER_EMENT, _FR_AFTER_EMENT_G = _by_length({1: "iv", 2: "eus", 3: "iqU abl", 4: "Ièr ièr"})
_FR_AFTER_ITE, _FR_AFTER_ITE_G = _by_length({1: "abil", 2: "ic", 3: "iv"})
_FR_I_VERB, _ = _by_length({
    1: "îmes ît îtes i ie ies ir ira irai iraIent irais irait iras irent irez iriez "
    "irions irons iront is issaIent issais issait issant issante issantes issants isse "
    "issent isses issez issiez issions issons it",
})
_FR_VERB, _FR_VERB_G = _by_length({
    1: "ions",
    2: "é ée ées és èrent er era erai eraIent erais erait eras erez eriez erions erons "
    "eront ez iez eais",
    3: "âmes ât âtes a ai aIent ait ant ante antes ants as asse assent asses assiez assions",
    4: "ais aise aises",
})
_FR_RESIDUAL, _FR_RESIDUAL_G = _by_length({1: "ion", 2: "ier ière Ier Ière", 3: "e"})
_FR_DOUBLE = ("eill", "enn", "onn", "ett", "ell")


def _fr_prelude(s: str) -> str:
    """Mark vowels used as consonants (U, I, Y) and ë/ï (He, Hi) in upper case."""
    v = _FR_V
    i = 0
    while i < len(s):
        c = s[i]
        nxt = s[i + 1] if i + 1 < len(s) else ""
        after = s[i + 2] if i + 2 < len(s) else ""
        if c in v and nxt:
            if nxt == "u" and after in v and after:
                s = s[: i + 1] + "U" + s[i + 2 :]
                continue
            if nxt == "i" and after in v and after:
                s = s[: i + 1] + "I" + s[i + 2 :]
                continue
            if nxt == "y":
                s = s[: i + 1] + "Y" + s[i + 2 :]
                continue
        if c == "ë":
            s = s[:i] + "He" + s[i + 1 :]
            continue
        if c == "ï":
            s = s[:i] + "Hi" + s[i + 1 :]
            continue
        if c == "y" and nxt and nxt in v:
            s = s[:i] + "Y" + s[i + 1 :]
            continue
        if c == "q" and nxt == "u":
            s = s[: i + 1] + "U" + s[i + 2 :]
            continue
        i += 1
    return s


def _gopast_v_nonv(s: str, start: int, v: frozenset[str]) -> int | None:
    """Position after the first non-vowel that follows a vowel, from ``start``."""
    n = len(s)
    j = start
    while j < n and s[j] not in v:
        j += 1
    if j >= n:
        return None
    j += 1
    while j < n and s[j] in v:
        j += 1
    if j >= n:
        return None
    return j + 1


def _fr_regions(s: str) -> tuple[int, int, int]:
    v = _FR_V
    n = len(s)
    pv = n
    if n >= 3 and s[0] in v and s[1] in v:
        pv = 3
    elif s.startswith(("col", "par", "tap")) or (s.startswith("ni") and n > 2 and s[2] in v):
        pv = 3
    else:
        for j in range(1, n):
            if s[j] in v:
                pv = j + 1
                break
    p1 = _gopast_v_nonv(s, 0, v)
    p2 = _gopast_v_nonv(s, p1, v) if p1 is not None else None
    return pv, (n if p1 is None else p1), (n if p2 is None else p2)


def _fr_standard_suffix(s: str, pv: int, p1: int, p2: int) -> tuple[str, bool]:
    suf = _longest(s, _FR_STANDARD)
    if suf is None:
        return s, False
    g = _FR_STANDARD_G[suf]
    b = len(s) - len(suf)
    if g == 1:
        return (s[:b], True) if p2 <= b else (s, False)
    if g == 2:
        if p2 > b:
            return s, False
        s = s[:b]
        if s.endswith("ic"):
            b2 = len(s) - 2
            s = s[:b2] if p2 <= b2 else s[:b2] + "iqU"
        return s, True
    if g in (3, 4, 5):
        if p2 > b:
            return s, False
        return s[:b] + {3: "log", 4: "u", 5: "ent"}[g], True
    if g == 6:
        if pv > b:
            return s, False
        s = s[:b]
        suf2 = _longest(s, _FR_AFTER_EMENT)
        if suf2 is not None:
            g2 = _FR_AFTER_EMENT_G[suf2]
            b2 = len(s) - len(suf2)
            if g2 == 1:
                if p2 <= b2:
                    s = s[:b2]
                    if s.endswith("at") and p2 <= len(s) - 2:
                        s = s[:-2]
            elif g2 == 2:
                if p2 <= b2:
                    s = s[:b2]
                elif p1 <= b2:
                    s = s[:b2] + "eux"
            elif g2 == 3:
                if p2 <= b2:
                    s = s[:b2]
            elif pv <= b2:
                s = s[:b2] + "i"
        return s, True
    if g == 7:
        if p2 > b:
            return s, False
        s = s[:b]
        suf2 = _longest(s, _FR_AFTER_ITE)
        if suf2 is not None:
            g2 = _FR_AFTER_ITE_G[suf2]
            b2 = len(s) - len(suf2)
            if g2 == 1:
                s = s[:b2] if p2 <= b2 else s[:b2] + "abl"
            elif g2 == 2:
                s = s[:b2] if p2 <= b2 else s[:b2] + "iqU"
            elif p2 <= b2:
                s = s[:b2]
        return s, True
    if g == 8:
        if p2 > b:
            return s, False
        s = s[:b]
        if s.endswith("at") and p2 <= len(s) - 2:
            s = s[:-2]
            if s.endswith("ic"):
                b3 = len(s) - 2
                s = s[:b3] if p2 <= b3 else s[:b3] + "iqU"
        return s, True
    if g == 9:
        return s[:b] + "eau", True
    if g == 10:
        return (s[:b] + "al", True) if p1 <= b else (s, False)
    if g == 11:
        return (s[:b] + "ou", True) if b > 0 and s[b - 1] in _FR_OUX else (s, False)
    if g == 12:
        if p2 <= b:
            return s[:b], True
        if p1 <= b:
            return s[:b] + "eux", True
        return s, False
    if g == 13:
        if p1 <= b and b > 0 and s[b - 1] not in _FR_V:
            return s[:b], True
        return s, False
    if g in (14, 15):  # -amment, -emment: rewrite, then fail into the verb suffixes
        if pv <= b:
            s = s[:b] + ("ant" if g == 14 else "ent")
        return s, False
    # g == 16, -ment(s) after a vowel in RV: delete, then fail into the verb suffixes
    if b > 0 and s[b - 1] in _FR_V and pv <= b - 1:
        s = s[:b]
    return s, False


def _fr_i_verb_suffix(s: str, pv: int) -> tuple[str, bool]:
    if len(s) < pv:
        return s, False
    suf = _longest(s, _FR_I_VERB, pv)
    if suf is None:
        return s, False
    b = len(s) - len(suf)
    if b > pv and s[b - 1] != "H" and s[b - 1] not in _FR_V:
        return s[:b], True
    return s, False


def _fr_verb_suffix(s: str, pv: int, p2: int) -> tuple[str, bool]:
    if len(s) < pv:
        return s, False
    suf = _longest(s, _FR_VERB, pv)
    if suf is None:
        return s, False
    g = _FR_VERB_G[suf]
    b = len(s) - len(suf)
    if g == 1:
        return (s[:b], True) if p2 <= b else (s, False)
    if g == 2:
        return s[:b], True
    if g == 3:
        if b >= 1 and s[b - 1] == "e" and pv <= b - 1:
            return s[: b - 1], True
        return s[:b], True
    # g == 4: -ais, -aise, -aises, kept after "épl", "auv" and a lone letter + "al"
    t = s[:b]
    if t.endswith(("épl", "auv")) or (len(t) == 3 and t.endswith("al")):
        return s, False
    return t, True


def _fr_residual_suffix(s: str, pv: int, p2: int) -> tuple[str, bool]:
    if s.endswith("s"):
        b = len(s) - 1
        if s[:b].endswith("Hi") or (b > 0 and s[b - 1] not in _FR_KEEP_WITH_S):
            s = s[:b]
    if len(s) < pv:
        return s, False
    suf = _longest(s, _FR_RESIDUAL, pv)
    if suf is None:
        return s, False
    g = _FR_RESIDUAL_G[suf]
    b = len(s) - len(suf)
    if g == 1:
        if p2 <= b and b - 1 >= pv and s[b - 1] in "st":
            return s[:b], True
        return s, False
    if g == 2:
        return s[:b] + "i", True
    return s[:b], True


def _fr_postlude(s: str) -> str:
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "H":
            nxt = s[i + 1] if i + 1 < n else ""
            if nxt == "e":
                out.append("ë")
                i += 2
                continue
            if nxt == "i":
                out.append("ï")
                i += 2
                continue
        elif c in "IUY":
            out.append(c.lower())
        else:
            out.append(c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=1 << 18)
def stem_french(word: str) -> str:
    """Snowball French stemmer, version 3.1.1 of the algorithm, on a lowercase word.

    Implemented here (and identically in JavaScript) rather than taken from
    ``snowballstemmer`` so that both sides run the same logic; the test suite checks
    it against ``snowballstemmer==3.1.1``. Words with characters outside the Basic
    Multilingual Plane are returned unchanged, because JavaScript indexes strings in
    UTF-16 units and the two sides would otherwise count lengths differently.
    """
    if any(ord(c) > 0xFFFF for c in word):
        return word
    s = word
    # elisions: one of c d j l m n s t or "qu", then ', then at least one letter
    if len(s) > 2 and s[0] in _FR_ELISION_CHARS and s[1] == "'":
        s = s[2:]
    elif len(s) > 3 and s.startswith("qu'"):
        s = s[3:]
    s = _fr_prelude(s)
    pv, p1, p2 = _fr_regions(s)
    s, ok = _fr_standard_suffix(s, pv, p1, p2)
    if not ok:
        s, ok = _fr_i_verb_suffix(s, pv)
    if not ok:
        s, ok = _fr_verb_suffix(s, pv, p2)
    if ok:
        if s.endswith("Y"):
            s = s[:-1] + "i"
        elif s.endswith("ç"):
            s = s[:-1] + "c"
    else:
        s, _ = _fr_residual_suffix(s, pv, p2)
    if s.endswith(_FR_DOUBLE):
        s = s[:-1]
    j = len(s)
    while j > 0 and s[j - 1] not in _FR_V:
        j -= 1
    if j < len(s) and j > 0 and s[j - 1] in "éè":
        s = s[: j - 1] + "e" + s[j:]
    return _fr_postlude(s)


# ------------------------------------------------- Snowball English (Porter2) 3.1.1

_EN_V = frozenset("aeiouy")
_EN_V_WXY = frozenset("aeiouywxY")
_EN_LI = frozenset("cdeghkmnrt")
_EN_EXCEPTIONS = {
    "skis": "ski", "skies": "sky", "idly": "idl", "gently": "gentl", "ugly": "ugli",
    "early": "earli", "only": "onli", "singly": "singl",
    "sky": "sky", "news": "news", "howe": "howe",
    "atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
}
_EN_REGION_PREFIXES = ("univers", "arsen", "commun", "emerg", "gener", "inter", "later",
                       "organ", "past")
_EN_1B = ("eedly", "ingly", "edly", "eed", "ing", "ed")
_EN_ING_EXC = ("cann", "earr", "even", "herr", "inn", "out", "y")
_EN_DOUBLES = frozenset(("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"))
_EN_STEP2_MAP = {
    "tional": "tion", "enci": "ence", "anci": "ance", "abli": "able", "entli": "ent",
    "izer": "ize", "ization": "ize", "ational": "ate", "ation": "ate", "ator": "ate",
    "alism": "al", "aliti": "al", "alli": "al", "fulness": "ful", "ousli": "ous",
    "ousness": "ous", "iveness": "ive", "iviti": "ive", "biliti": "ble", "bli": "ble",
    "ogist": "og", "ogi": "og", "fulli": "ful", "lessli": "less", "li": "",
}
_EN_STEP2 = tuple(sorted(_EN_STEP2_MAP, key=lambda x: (-len(x), x)))
_EN_STEP3_MAP = {
    "tional": "tion", "ational": "ate", "alize": "al", "icate": "ic", "iciti": "ic",
    "ical": "ic", "ful": "", "ness": "", "ative": "",
}
_EN_STEP3 = tuple(sorted(_EN_STEP3_MAP, key=lambda x: (-len(x), x)))
_EN_STEP4 = tuple(sorted(
    "al ance ence er ic able ible ant ement ment ent ism ate iti ous ive ize ion".split(),
    key=lambda x: (-len(x), x),
))


def _en_shortv(s: str, c: int) -> bool:
    """Does ``s[:c]`` end in a short syllable (or in "past")?"""
    if c >= 3 and s[c - 1] not in _EN_V_WXY and s[c - 2] in _EN_V and s[c - 3] not in _EN_V:
        return True
    if c == 2 and s[1] not in _EN_V and s[0] in _EN_V:
        return True
    return s[:c].endswith("past")


def _has_vowel(s: str, v: frozenset[str]) -> bool:
    return any(c in v for c in s)


@lru_cache(maxsize=1 << 18)
def stem_english(word: str) -> str:
    """Snowball English (Porter2) stemmer, version 3.1.1 of the algorithm.

    Same reasons and caveats as :func:`stem_french`; checked against
    ``snowballstemmer==3.1.1`` by the tests.
    """
    if word in _EN_EXCEPTIONS:
        return _EN_EXCEPTIONS[word]
    if len(word) < 3 or any(ord(c) > 0xFFFF for c in word):
        return word
    v = _EN_V
    s = word[1:] if word.startswith("'") else word
    y_found = False
    if s.startswith("y"):
        s = "Y" + s[1:]
        y_found = True
    if "y" in s:
        chars = list(s)
        for i in range(1, len(chars)):
            if chars[i] == "y" and chars[i - 1] in v:
                chars[i] = "Y"
                y_found = True
        s = "".join(chars)
    # regions
    n = len(s)
    p1 = p2 = n
    prefix = next((p for p in _EN_REGION_PREFIXES if s.startswith(p)), None)
    r1 = len(prefix) if prefix is not None else _gopast_v_nonv(s, 0, v)
    if r1 is not None:
        p1 = r1
        r2 = _gopast_v_nonv(s, p1, v)
        p2 = n if r2 is None else r2
    # Step 1a
    for apostrophe in ("'s'", "'s", "'"):
        if s.endswith(apostrophe):
            s = s[: -len(apostrophe)]
            break
    if s.endswith("sses"):
        s = s[:-2]
    elif s.endswith(("ied", "ies")):
        b = len(s) - 3
        s = s[:b] + ("i" if b >= 2 else "ie")
    elif s.endswith(("us", "ss")):
        pass
    elif s.endswith("s"):
        b = len(s) - 1
        if b >= 1 and _has_vowel(s[: b - 1], v):
            s = s[:b]
    # Step 1b
    suf = _longest(s, _EN_1B)
    if suf is not None:
        b = len(s) - len(suf)
        general = True
        if suf in ("eed", "eedly"):
            general = False
            if p1 <= b and s[:b] not in ("succ", "proc", "exc"):
                s = s[:b] + "ee"
        elif suf == "ing":
            t = s[:b]
            m = _longest(t, _EN_ING_EXC)
            if m == "y":
                if len(t) == 2 and t[0] not in v:
                    s = t[0] + "ie"
                    general = False
            elif m is not None and len(t) == len(m):
                general = False
        if general and _has_vowel(s[:b], v):
            s = s[:b]
            end = s[-2:]
            if end in ("at", "bl", "iz"):
                s += "e"
            elif end in _EN_DOUBLES:
                if not (len(s) == 3 and s[0] in "aeo"):
                    s = s[:-1]
            elif len(s) == p1 and _en_shortv(s, len(s)):
                s += "e"
    # Step 1c
    if len(s) >= 3 and s[-1] in "yY" and s[-2] not in v:
        s = s[:-1] + "i"
    # Step 2
    suf = _longest(s, _EN_STEP2)
    if suf is not None:
        b = len(s) - len(suf)
        if p1 <= b:
            if suf == "ogi":
                if b > 0 and s[b - 1] == "l":
                    s = s[:b] + "og"
            elif suf == "li":
                if b > 0 and s[b - 1] in _EN_LI:
                    s = s[:b]
            else:
                s = s[:b] + _EN_STEP2_MAP[suf]
    # Step 3
    suf = _longest(s, _EN_STEP3)
    if suf is not None:
        b = len(s) - len(suf)
        if p1 <= b and (suf != "ative" or p2 <= b):
            s = s[:b] + _EN_STEP3_MAP[suf]
    # Step 4
    suf = _longest(s, _EN_STEP4)
    if suf is not None:
        b = len(s) - len(suf)
        if p2 <= b:
            if suf != "ion":
                s = s[:b]
            elif b > 0 and s[b - 1] in "st":
                s = s[:b]
    # Step 5
    if s.endswith("e"):
        b = len(s) - 1
        if p2 <= b or (p1 <= b and not _en_shortv(s, b)):
            s = s[:b]
    elif s.endswith("l"):
        b = len(s) - 1
        if p2 <= b and b > 0 and s[b - 1] == "l":
            s = s[:b]
    if y_found:
        s = s.replace("Y", "y")
    return s


# ------------------------------------------------------------------ the stages


def _elide(token: str, lang: str) -> str:
    for e in _lang_data(lang)["elisions"]:
        if len(token) > len(e) and token.startswith(e):
            return token[len(e) :]
    return token


def _is_stopword(token: str, lang: str) -> bool:
    return token in _lang_data(lang)["stopword_set"]


def _stemmer_input(token: str, lang: str) -> str:
    """What the ``stem`` stage hands the stemmer for a folded token.

    The irregular form (or its possessive, "women's") mapped to its family, then the
    first (longest) matching suffix rewrite of the YAML ``rewrite`` list (French:
    accents restored on -ité, -ée, -ière; -ions, -ois, -its, -us lose their s)."""
    data = _lang_data(lang)
    irregular = data["irregular"]
    if token in irregular:
        token = irregular[token]
    elif token.endswith("'s") and token[:-2] in irregular:  # "children's", "women's"
        token = irregular[token[:-2]]
    for suffix, replacement in data["rewrite"]:
        if len(token) > len(suffix) and token.endswith(suffix):
            return token[: -len(suffix)] + replacement
    return token


@lru_cache(maxsize=1 << 18)
def _stem_stage(token: str, lang: str) -> str:
    token = _stemmer_input(token, lang)
    if lang == "fr":
        return fold(stem_french(token))
    return stem_english(token)


def stem(token: str, lang: str) -> str:
    """The ``stem`` stage on one folded token: irregular form -> its family (YAML
    ``irregular``), suffix rewrites (YAML ``rewrite``), then French: Snowball French
    and fold again; English: Porter2."""
    return _stem_stage(token, lang)


@lru_cache(maxsize=1 << 19)
def term(token: str, lang: str) -> str | None:
    """Index term of one normalized token (output of ``split``), or None if dropped.

    This is the composition elision -> fold -> stopword -> stem, cached: the
    corpus has about 50k distinct tokens for 5M occurrences.
    """
    t = fold(_elide(token, lang))
    if not t or _is_stopword(t, lang):
        return None
    return _stem_stage(t, lang) or None


def analyze(text: str, lang: str) -> list[str]:
    """The terms lunr.py indexes for ``text`` (in order, with repetitions).

    Same result as lunr.py's tokenizer followed by ``builder(lang).pipeline``; the
    tests check that, and that lunr.js with ``static/js/textpipe.js`` agrees.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    out: list[str] = []
    for chunk in text.lower().split():
        out += _chunk_terms(chunk, lang)
    return out


@lru_cache(maxsize=1 << 18)
def _chunk_terms(chunk: str, lang: str) -> tuple[str, ...]:
    """Terms of one whitespace-free chunk of lowercased text.

    The same as running the token pattern over the whole text (no token holds a space,
    and a space ends the digit/slash run as well as anything else that is not a word
    character), but cached: Python's ``re`` is slow on our large Unicode classes, and
    the corpus repeats its chunks (5M occurrences, 100k distinct), so this makes
    indexing several times faster. textpipe.js runs the pattern over the whole text.
    """
    terms = (_raw_term(raw, lang) for raw in _regexes()[0].findall(chunk))
    return tuple(t for t in terms if t is not None)


@lru_cache(maxsize=1 << 19)
def _raw_term(raw: str, lang: str) -> str | None:
    return term(_normalize(raw), lang)


def analyze_query_term(query_term: str, lang: str) -> list[str]:
    """Terms for one query term as lunr's search pipeline makes them.

    A list, because one lunr query term may hold several tokens ("l'assemblée," is
    one; "A/RES/76/126" gives ["res", "76/126"]) and none if it is a stop word.
    Wildcard terms ("crim*") bypass lunr's search pipeline entirely: fold them
    (:func:`fold`) before searching, and expect them to match stems.
    """
    return analyze(query_term, lang)


def highlight_spans(text: str, lang: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each token of ``text`` whose term is in ``terms``.

    For a search UI that highlights matched words in a snippet: pass the terms a hit
    matched (lunr's ``matchData.metadata`` keys, which include wildcard expansions)
    or :func:`analyze` of the query. Offsets index the original ``text`` (code points
    here; UTF-16 units in ``textpipe.js``' ``highlightSpans``, i.e. what each
    language's string slicing wants). Spans are in text order and never overlap;
    neighbouring words are separate spans ("prie instamment" gives two).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    wanted = terms if isinstance(terms, (set, frozenset, dict)) else set(terms)
    if not wanted:
        return []
    # Tokenize the lowercased text, as analyze() does (lowercasing depends on context:
    # Greek final sigma), then map offsets back: only a few letters ("İ" -> "i̇")
    # lowercase to more than one character, never splitting a token.
    lower = text.lower()
    starts = ends = None
    if len(lower) != len(text):
        starts, ends = [], []
        for i, c in enumerate(text):
            n = len(c.lower())
            starts += [i] * n
            ends += [i + 1] * n
    spans = []
    for m in _regexes()[0].finditer(lower):
        if _raw_term(m.group(), lang) in wanted:
            a, b = m.span()
            spans.append((a, b) if starts is None else (starts[a], ends[b - 1]))
    return spans


# ------------------------------------------------------------- lunr integration


def _make_functions(lang: str) -> list[Callable[..., Any]]:
    def split(token: Token, i: int | None = None, tokens: list | None = None) -> list[Token]:
        md = token.metadata
        position = md.get("position")
        out = []
        for start, end, tok in _spans(token.string):
            meta = dict(md)
            if position is not None:
                meta["position"] = [position[0] + start, end - start]
            out.append(Token(tok, meta))
        return out

    def elision(token: Token, i: int | None = None, tokens: list | None = None) -> Token:
        return token.update(lambda s, m: _elide(s, lang))

    def fold_(token: Token, i: int | None = None, tokens: list | None = None) -> Token:
        return token.update(lambda s, m: fold(s))

    def stopword(token: Token, i: int | None = None, tokens: list | None = None) -> Token | None:
        s = token.string
        return None if not s or _is_stopword(s, lang) else token

    def stem_(token: Token, i: int | None = None, tokens: list | None = None) -> Token | None:
        token.update(lambda s, m: _stem_stage(s, lang))
        return token if token.string else None

    return [split, elision, fold_, stopword, stem_]


@cache
def pipeline_functions(lang: str) -> tuple[Callable[..., Any], ...]:
    """The five lunr.py pipeline functions for ``lang``, registered under their labels.

    Cached so that registering twice hands lunr the very same function objects.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    fns = _make_functions(lang)
    for stage, fn in zip(STAGES, fns, strict=True):
        Pipeline.register_function(fn, label(lang, stage))
    return tuple(fns)


def register(lang: str) -> tuple[Callable[..., Any], ...]:
    """Register our pipeline functions with lunr.py (needed before ``Index.load``).

    Idempotent. Returns the functions in pipeline order.
    """
    return pipeline_functions(lang)


def builder(lang: str) -> Builder:
    """A lunr.py Builder whose pipeline and search pipeline are ours.

    Like ``lunr.get_default_builder`` / ``lunr.languages.get_nltk_builder`` but without
    NLTK: a fresh ``Builder`` with its pipelines reset and filled with our functions.
    The search pipeline is the same as the indexing one (stop words included), so a
    query term is analyzed exactly as the text was. The caller adds ref, fields and
    documents, then ``build()``; ``index.serialize()`` names our labels, which
    ``textpipe.js``' ``register`` makes known to lunr.js before ``lunr.Index.load``.
    """
    fns = register(lang)
    b = Builder()
    b.pipeline.reset()
    b.search_pipeline.reset()
    b.pipeline.add(*fns)
    b.search_pipeline.add(*fns)
    return b
