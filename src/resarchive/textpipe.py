"""Text analysis for search: one pipeline, written twice, that must agree exactly.

Stage: index (text analysis, mirrored in static/js/textpipe.js). May import: langdata.

The index is built here with lunr.py and queried in the browser (search-core.js). A query
term only finds a document if both sides turn words into the *same* index terms, so
this module and ``static/js/textpipe.js`` implement the same pure functions, line for
line, and ``tests/test_textpipe.py`` runs both over every distinct token of the seeds
and of the General Assembly corpus (French, English, Spanish) and demands zero
differences. Each language's data (elisions, stop words, suffix rewrites, irregular forms,
the name of its Snowball stemmer) is the ``search`` section of ``data/<lang>.yaml``;
a language is added by adding its file.

Why our own pipeline rather than lunr's language support (measured while planning):

- ``lunr.lunr(..., languages="fr")`` downloads NLTK stop words at build time, which
  fails offline;
- lunr-languages 1.22 folds accents in its French pipeline, lunr.py does not;
- lunr-languages' stemmers are 2010 Snowball ports, which disagree with Snowball 3.1.1.

The stemmers are Snowball 3.1.1's own: ``snowballstemmer`` here and, in the browser,
``multilingual-stemmer`` (the same Snowball 3.1.1 compiled to WebAssembly). They agree
on every word of the corpus vocabulary in French, English and Spanish
(tests/test_textpipe.py); the JavaScript ports of other packages disagree on 12 to 926
words (CHANGELOG.md, 0.2.0).

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
                "lois", "conflits", "détenus"; Spanish: bring plural endings to the
                singular, "mujeres" -> "mujer", "armas" -> "arma"); then the language's
                Snowball stemmer (``stemmer`` in the YAML), and fold again.

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
- "2030" -> "2030"; "1ᵉʳ" -> "1er" (ᵉ and ʳ are modifier letters, NFKC maps them);
- in a language whose data says ``han: bigrams`` (Chinese), a run of Han ideographs is a
  token of its own, cut into overlapping bigrams ("人权宣言" -> "人权", "权宣", "宣言"), and
  a language may have no stemmer (``stemmer: null``): its terms are its folded tokens.

Unicode: Python 3.11 knows Unicode 14, Node 20 Unicode 15.1; characters assigned in
between may be classified differently. None occurs in the corpus.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from typing import Any

import snowballstemmer
from lunr.builder import Builder
from lunr.pipeline import Pipeline
from lunr.token import Token

from . import langdata

__all__ = [
    "PIPELINE_VERSION",
    "STAGES",
    "analyze",
    "analyze_query_term",
    "browser_data",
    "builder",
    "chunk_forms",
    "chunk_terms",
    "chunks",
    "fold",
    "highlight_spans",
    "label",
    "languages",
    "pipeline_functions",
    "register",
    "stem",
    "term",
    "tokenize",
]

#: Bump when any change (code or YAML data) can change a term. Labels carry it.
#: 2: irregular forms and plural suffix rewrites (YAML ``irregular``, ``rewrite``).
#: 3: Arabic, Russian and Chinese: Han bigrams, a language without a stemmer, folding keeps
#:    "й" and drops the Arabic tatweel.
PIPELINE_VERSION = 3

#: Pipeline stages, in order; each is registered as ``resarchive-<lang>-<stage>-v<N>``.
STAGES = ("split", "elision", "fold", "stopword", "stem")


def languages() -> tuple[str, ...]:
    """The languages with a search pipeline: every language of data/."""
    return langdata.languages()


def label(lang: str, stage: str) -> str:
    """The lunr pipeline label of one stage, e.g. ``resarchive-fr-stem-v1``."""
    return f"resarchive-{lang}-{stage}-v{PIPELINE_VERSION}"


# --------------------------------------------------------------------------- data


def _known(lang: str) -> None:
    if lang not in languages():
        raise ValueError(f"unsupported language {lang!r}; expected one of {languages()}")


@cache
def _lang_data(lang: str) -> dict[str, Any]:
    """The ``search`` section of ``data/<lang>.yaml``, normalized once.

    Normalized the way tokens are, so comparisons are plain string equality:
    elisions lowercased with ' as apostrophe (longest first), stop words also folded.
    """
    _known(lang)
    raw = langdata.load_yaml(f"{lang}.yaml").get("search") or {}
    where = f"{lang}.yaml: search"
    irregular = raw.get("irregular") or {}
    if not isinstance(irregular, dict):
        raise ValueError(f"{where}: irregular must be a mapping")
    if raw.get("stemmer") is not None and raw["stemmer"] not in snowballstemmer.algorithms():
        raise ValueError(
            f"{where}: stemmer must name a Snowball algorithm "
            f"({', '.join(snowballstemmer.algorithms())}), or be null for none"
        )
    if raw.get("han") not in (None, "bigrams"):
        raise ValueError(f"{where}: han must be bigrams, or absent")
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
            raise ValueError(f"{where}: {key} has non-strings {bad!r}")
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
        "stemmer": raw.get("stemmer"),
        "han": raw.get("han"),
        "elisions": elisions,
        "stopwords": stopwords,
        "stopword_set": frozenset(stopwords),
        "rewrite": rewrite,
        "irregular": dict(sorted(irregular_folded.items())),
    }


def browser_data(lang: str) -> dict[str, Any]:
    """The JSON object ``static/js/textpipe.js`` needs for ``lang``.

    Shape: ``{"version": 3, "lang": "fr", "stemmer": "french", "elisions": ["jusqu'", ...],
    "stopwords": ["a", "afin", ...], "rewrite": [["ieres", "ières"], ...],
    "irregular": {"travaux": "travail", ...}}``: already normalized (lowercase,
    ' apostrophe, stop words and irregular forms accent-folded, elisions and rewrite
    pairs longest first), so the browser uses it as is. ``stemmer`` is null for a language
    without one (Chinese); a language whose Han ideographs are cut into bigrams has
    ``"han": "bigrams"``.
    """
    d = _lang_data(lang)
    extra = {"han": d["han"]} if d["han"] else {}
    return {
        "version": d["version"],
        "lang": lang,
        "stemmer": d["stemmer"],
        **extra,
        "elisions": list(d["elisions"]),
        "stopwords": list(d["stopwords"]),
        "rewrite": [list(p) for p in d["rewrite"]],
        "irregular": dict(d["irregular"]),
    }


@cache
def _stemmer(lang: str) -> Any:
    """The language's Snowball stemmer, or None for a language without one."""
    name = _lang_data(lang)["stemmer"]
    return snowballstemmer.stemmer(name) if name else None


# ------------------------------------------------------------------- tokenization


UNICODE_CLASSES = "unicode-classes.json"  # in data/: the ranges below, made once


@cache
def _classes() -> tuple[str, str]:
    """Regex character classes for Unicode L+M+Nd (word) and M (marks).

    Python's ``re`` has no ``\\p{..}``; ``\\w`` would include underscore and the No
    category (superscript footnote digits) and exclude combining marks, unlike the
    ``[\\p{L}\\p{M}\\p{Nd}]`` of the JavaScript side. So the classes are built from
    ``unicodedata``: from the ranges kept in data/unicode-classes.json when they are of this
    Python's Unicode version, else by walking every code point (0.3-0.6 s, paid by every
    build that tokenizes a paragraph: a one-word edit too)."""
    kept = langdata.load_json(UNICODE_CLASSES)
    if kept.get("unicode") == unicodedata.unidata_version:
        word, marks = kept["word"], kept["marks"]
    else:
        word, marks = class_ranges()
    return (
        "".join(_class_range(a, b) for a, b in word),
        "".join(_class_range(a, b) for a, b in marks),
    )


def class_ranges() -> tuple[list[list[int]], list[list[int]]]:
    """The code point ranges [first, last] of the word class and of the marks, in order."""
    # one walk over the code points for both classes (a category lookup each)
    word: list[list[int]] = []
    marks: list[list[int]] = []
    word_start = marks_start = -1
    for cp in range(sys.maxunicode + 2):
        category = unicodedata.category(chr(cp)) if cp <= sys.maxunicode else "Cn"
        in_marks = category[0] == "M"
        in_word = in_marks or category[0] == "L" or category == "Nd"
        if in_word != (word_start >= 0):
            if in_word:
                word_start = cp
            else:
                word.append([word_start, cp - 1])
                word_start = -1
        if in_marks != (marks_start >= 0):
            if in_marks:
                marks_start = cp
            else:
                marks.append([marks_start, cp - 1])
                marks_start = -1
    return word, marks


def unicode_classes_data() -> str:
    """What data/unicode-classes.json holds for this Python (tests/test_textpipe.py checks
    it; to make it again: ``python -c "from resarchive import textpipe;
    print(textpipe.unicode_classes_data())" > src/resarchive/data/unicode-classes.json``)."""
    word, marks = class_ranges()
    data = {"unicode": unicodedata.unidata_version, "word": word, "marks": marks}
    return json.dumps(data, separators=(",", ":")) + "\n"


def _class_range(first: int, last: int) -> str:
    a, b = re.escape(chr(first)), re.escape(chr(last))
    return a if first == last else f"{a}-{b}"


@cache
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    word, marks = _classes()
    w = f"[{word}]"
    # JavaScript: /\p{Nd}+(?:\/\p{Nd}+)+(?![\p{L}\p{M}\p{Nd}])
    #             |[\p{L}\p{M}\p{Nd}]+(?:['’ʼ][\p{L}\p{M}\p{Nd}]+)*/gu  (TOKEN_PATTERN)
    token = re.compile(rf"\d+(?:/\d+)+(?!{w})|{w}+(?:['\u2019\u02bc]{w}+)*")
    return token, re.compile(f"[{marks}]+")


@cache
def _han_regex() -> re.Pattern[str]:
    """The token pattern of a language whose Han ideographs are cut into bigrams (Chinese):
    a run of ideographs is a token of its own (then cut), the rest as TOKEN_PATTERN with
    ideographs out of words, so "第75/1号决议" gives "第", "75/1", "号决议". The ideographs'
    ranges are common.yaml's ``han`` (neither ``re`` nor ``unicodedata`` knows scripts; in
    textpipe.js: HAN_RANGES)."""
    word, _ = _classes()
    han = langdata.common().han
    w = f"(?:(?![{han}])[{word}])"
    return re.compile(rf"(?P<han>[{han}]+)|\d+(?:/\d+)+(?!{w})|{w}+(?:['\u2019\u02bc]{w}+)*")


#: The token pattern, in the JavaScript notation used by static/js/textpipe.js.
TOKEN_PATTERN = (
    r"\p{Nd}+(?:\/\p{Nd}+)+(?![\p{L}\p{M}\p{Nd}])"
    r"|[\p{L}\p{M}\p{Nd}]+(?:['\u2019\u02BC][\p{L}\p{M}\p{Nd}]+)*"
)


def _bigrams(lang: str) -> bool:
    return bool(_lang_data(lang)["han"] == "bigrams")


def _raw_tokens(text: str, lang: str) -> list[tuple[int, int, str]]:
    """(start, end, token as printed) for each token of a lowercased text. In a language of
    Han bigrams, a run of ideographs gives each pair of neighbours (overlapping: "人权宣言"
    -> "人权", "权宣", "宣言"), or the one ideograph of a run of one, as Lucene's
    CJKAnalyzer does: Chinese prints no spaces between words, and a bigram finds a word of
    two ideographs, the commonest length, without a dictionary."""
    if not _bigrams(lang):
        return [(m.start(), m.end(), m.group()) for m in _regexes()[0].finditer(text)]
    out = []
    for m in _han_regex().finditer(text):
        a, b, tok = m.start(), m.end(), m.group()
        if m.group("han") and b - a > 1:
            out += [(a + i, a + i + 2, tok[i : i + 2]) for i in range(b - a - 1)]
        else:
            out.append((a, b, tok))
    return out


@lru_cache(maxsize=1 << 18)
def _normalize(token: str) -> str:
    """NFKC, lowercase, typographic apostrophes -> '. Pure ASCII skips NFKC."""
    if not token.isascii():
        token = unicodedata.normalize("NFKC", token)
    return token.lower().replace("\u2019", "'").replace("\u02bc", "'")


def _spans(text: str, lang: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, normalized token) for each token of an already lowercased text."""
    for a, b, tok in _raw_tokens(text, lang):
        yield a, b, _normalize(tok)


def tokenize(text: str, lang: str = "fr") -> list[str]:
    """Tokens of ``text`` as the ``split`` stage produces them (before elision etc.):
    the same in every language but those of Han bigrams (Chinese)."""
    return [t for _, _, t in _spans(text.lower(), lang)]


# ------------------------------------------------------------------------ folding

_FOLD_EXTRA = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ß": "ss",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        "þ": "th",
        "ð": "d",
        "ħ": "h",
        "\u0640": "",  # the Arabic tatweel, a stretch of the line, not a letter
    }
)
# Letters NFD decomposes that stay whole: Russian "й" is a letter of its own (Snowball's
# Russian endings "-ый", "-ий" hold it), not "и" with an accent; "ё" does fold to "е",
# as Russian readers type it.
_KEEP = {"\u0438\u0306": "\u0439"}
_KEEP_RE = re.compile("|".join(_KEEP))


@lru_cache(maxsize=1 << 18)
def fold(s: str) -> str:
    """Accent folding: NFD, drop combining marks (but "й"), then œ->oe, æ->ae, ß->ss,
    ø->o, đ->d, ł->l, ı->i, þ->th, ð->d, ħ->h (letters NFD does not decompose), and the
    Arabic tatweel dropped. Arabic vowel marks and the hamza over or under a letter are
    combining marks: "أ", "إ", "آ" fold to "ا", as Arabic search engines normalize."""
    if s.isascii():
        return s
    s = unicodedata.normalize("NFD", s)
    if "\u0306" in s:
        s = _KEEP_RE.sub(lambda m: _KEEP[m.group()], s)
    s = _regexes()[1].sub("", s)
    return s.translate(_FOLD_EXTRA)


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
            return str(token[: -len(suffix)] + replacement)
    return str(token)


@lru_cache(maxsize=1 << 18)
def _stem_stage(token: str, lang: str) -> str:
    stemmer = _stemmer(lang)
    made = _stemmer_input(token, lang)
    return fold(stemmer.stemWord(made) if stemmer else made)


def stem(token: str, lang: str) -> str:
    """The ``stem`` stage on one folded token: irregular form -> its family (YAML
    ``irregular``), suffix rewrites (YAML ``rewrite``), the language's Snowball stemmer,
    then fold again (a rewrite may have restored an accent the stem keeps: "ité")."""
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
    _known(lang)
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
    raws = (
        [tok for _, _, tok in _raw_tokens(chunk, lang)]
        if _bigrams(lang)
        else _regexes()[0].findall(chunk)
    )
    terms = (_raw_term(raw, lang) for raw in raws)
    return tuple(t for t in terms if t is not None)


@lru_cache(maxsize=1 << 19)
def _raw_term(raw: str, lang: str) -> str | None:
    return term(_normalize(raw), lang)


def chunks(text: str) -> list[str]:
    """The whitespace-free chunks of lowercased ``text`` whose terms, in order, are its terms
    (``analyze``): a caller that meets the same chunk often keeps what it makes of each."""
    return text.lower().split()


def chunk_terms(chunk: str, lang: str) -> tuple[str, ...]:
    """The terms of one of ``chunks(text)``, in order."""
    _known(lang)
    return _chunk_terms(chunk, lang)


def chunk_forms(chunk: str, lang: str) -> tuple[tuple[str, str], ...]:
    """What ``stem_forms`` finds in one of ``chunks(text)``, in order."""
    _known(lang)
    return _chunk_forms(chunk, lang) if _stemmer(lang) is not None else ()


def stem_forms(text: str, lang: str) -> dict[str, str]:
    """What the stemmer is handed for each word of ``text`` that gets a term, and that
    term: ``{stemmer input: term}``. The index ships them (index.py, bucket_files) so that
    the browser can make the terms of words the archive holds without the stemmer. None
    for a language without a stemmer: its terms are made without one anyway."""
    _known(lang)
    out: dict[str, str] = {}
    if _stemmer(lang) is None:
        return out
    for chunk in text.lower().split():
        out.update(_chunk_forms(chunk, lang))
    return out


@lru_cache(maxsize=1 << 18)
def _chunk_forms(chunk: str, lang: str) -> tuple[tuple[str, str], ...]:
    out = []
    for raw in _regexes()[0].findall(chunk):  # never a language of Han bigrams: no stemmer
        t = fold(_elide(_normalize(raw), lang))
        if t and not _is_stopword(t, lang):
            made = _stem_stage(t, lang)
            if made:
                out.append((_stemmer_input(t, lang), made))
    return tuple(out)


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
    neighbouring words are separate spans ("prie instamment" gives two), overlapping
    bigrams one ("人权宣言" for its three).
    """
    _known(lang)
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
    spans: list[tuple[int, int]] = []
    for a, b, raw in _raw_tokens(lower, lang):
        if _raw_term(raw, lang) in wanted:
            if starts is not None:
                a, b = starts[a], ends[b - 1]
            if spans and a < spans[-1][1]:  # overlapping bigrams: one span
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
    return spans


# ------------------------------------------------------------- lunr integration


def _make_functions(lang: str) -> list[Callable[..., Any]]:
    def split(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> list[Token]:
        md = token.metadata
        position = md.get("position")
        out = []
        for start, end, tok in _spans(token.string, lang):
            meta = dict(md)
            if position is not None:
                meta["position"] = [position[0] + start, end - start]
            out.append(Token(tok, meta))
        return out

    def elision(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
        return token.update(lambda s, m: _elide(s, lang))

    def fold_(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
        return token.update(lambda s, m: fold(s))

    def stopword(
        token: Token, i: int | None = None, tokens: list[Token] | None = None
    ) -> Token | None:
        s = token.string
        return None if not s or _is_stopword(s, lang) else token

    def stem_(
        token: Token, i: int | None = None, tokens: list[Token] | None = None
    ) -> Token | None:
        token.update(lambda s, m: _stem_stage(s, lang))
        return token if token.string else None

    return [split, elision, fold_, stopword, stem_]


@cache
def pipeline_functions(lang: str) -> tuple[Callable[..., Any], ...]:
    """The five lunr.py pipeline functions for ``lang``, registered under their labels.

    Cached so that registering twice hands lunr the very same function objects.
    """
    _known(lang)
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
