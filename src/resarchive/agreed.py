"""Agreed language: where each paragraph's wording was adopted before, and the previous and
next version of each recurring resolution.

Stage: relate (all documents, after parse). May import: models, wording, cache, summaries,
forked.

Drawn from the documents' wordings (wording.py: a digest of each paragraph's normalized text
and the hashes of its word pairs), kept in the parse cache's summaries: no document's text is
loaded here. A rebuild groups the wordings again from the summaries (linear in the number of
paragraphs, as array operations: numpy) and signs each document's lists without making them
(WordingLinks.signature); only the documents whose signature changed get their lists made
and their pages rewritten.

- Identical wording: equal digests, grouped by one sort.
- Nearly the same wording: Jaccard similarity of the word-pair sets >= ``THRESHOLD`` (0.8).
  No pair of paragraphs is compared unless they share a rare word pair: each distinct
  wording's pairs are ordered by how many wordings hold them (rarest first), and two sets of
  Jaccard >= t always share one of their first ``n - ceil(t n) + 1`` pairs (prefix filtering,
  Chaudhuri et al. 2006; Bayardo et al.'s All-Pairs). So the join finds every pair an
  exhaustive comparison would, in time near the number of candidates, and each candidate's
  similarity is computed exactly. Wordings of fewer than ``MIN_PAIRS`` word pairs are only
  matched when identical.
- Versions: a resolution's series is its title without numbers (years, sessions, ordinals),
  in one language, body and kind; its previous version is the latest earlier document of the
  series. Where no earlier title matches, the earlier document of the same language and body
  holding the most of its paragraphs word for word (at least half of them; a wording held by
  more than SERIES_MAX_GROUP others does not count) is.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from . import forked
from .cache import store_file
from .models import Document
from .summaries import columns_of, loaded, wording_columns
from .wording import normalize, unpack_pairs

THRESHOLD = 0.8
MIN_PAIRS = 4  # word pairs: shorter wordings match only when identical
LIMIT = 20  # entries kept per paragraph (the totals are kept too)
SERIES_OVERLAP = 0.5  # share of paragraphs that makes an earlier document the previous one
# a wording held by more documents than this is boilerplate: it says nothing of a series
SERIES_MAX_GROUP = 100

_NUMBERS = re.compile(
    r"\b(?:\d+(?:[/.-]\d+)*|[ivxlc]+|\d+(?:st|nd|rd|th|e|er|re|eme|o|a))\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Related:
    """Another document holding a paragraph's wording."""

    document: str
    anchor: str
    similarity: float  # 1.0: identical


@dataclass
class Agreed:
    """What is known of one paragraph's wording elsewhere."""

    identical: int = 0  # other documents' paragraphs with the same wording
    near: int = 0  # ... with nearly the same
    first: Related | None = None  # the earliest identical one, if earlier than this
    # at most LIMIT: identical ones (the newest of each year, then the newest), newest first;
    # then near ones by similarity
    entries: list[Related] = field(default_factory=list)


@dataclass
class Lineage:
    previous: str | None = None
    next: str | None = None


def relate_wordings(
    docs: list[Document], state: dict[str, NearIndex] | None = None, jobs: int = 1
) -> WordingLinks:
    """Every paragraph's wording elsewhere (WordingLinks). ``state``: language -> its
    NearIndex from the previous build, updated in place (a new one is made for a language it
    lacks, or whose order has drifted: each in a process of its own, up to ``jobs``)."""
    state = {} if state is None else state
    by_language: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        by_language[doc.language].append(doc)
    for gone in [code for code in state if code not in by_language]:
        del state[gone]
    # making a language's index anew compares all its wordings (4 to 6 s a language at the
    # corpus); only the index comes back (10 MB pickled), the rest is made here
    anew = [c for c in by_language if c not in state or state[c].drifted]
    if jobs > 1 and len(anew) > 1:
        made = forked.fork_map(lambda code: _near_index(by_language[code]), anew, jobs)
        state.update(zip(anew, made, strict=True))
    return WordingLinks(
        [_relate_language(found, state, code) for code, found in by_language.items()]
    )


def _near_index(docs: list[Document]) -> NearIndex:
    """The NearIndex of one language's documents, made anew."""
    return NearIndex(_FirstPairs(_LanguageLinks(docs, {})), THRESHOLD, MIN_PAIRS)


def _relate_language(
    docs: list[Document], state: dict[str, NearIndex], code: str
) -> _LanguageLinks:
    lang = _LanguageLinks(docs, {})
    sets = _FirstPairs(lang)
    index = state.get(code)
    if index is None or index.drifted:
        index = state[code] = NearIndex(sets, THRESHOLD, MIN_PAIRS)
    else:
        index.update(sets)
    lang.near = index.near
    return lang


@dataclass
class _GroupView:
    """What the lists of one wording's holders are drawn from (computed once per wording)."""

    earliest: int  # the unit first holding it
    near_units: int  # how many units hold nearly the same wording
    in_doc: Counter[int]  # document -> its units holding it
    near_in_doc: Counter[int]  # document -> its units of nearly the same wording
    shown: list[tuple[int, Related]]  # the identical units a list may show, in order
    newest: dict[int, int]  # a shown unit -> its place, newest first
    near_shown: list[tuple[int, Related]]  # the near units a list may show, in order


class WordingLinks:
    """Every paragraph's wording elsewhere, for every document: signed for all at once (what
    a rebuild compares to find the pages to write again), listed for the documents asked
    (what a page shows). Listing is most of the cost, so a rebuild lists only the documents
    whose signature changed."""

    def __init__(self, languages: list[_LanguageLinks]):
        self._where = {doc.id: (lang, d) for lang in languages for d, doc in enumerate(lang.docs)}
        self._signatures: dict[str, int] = {}
        for lang in languages:
            self._signatures.update(lang.signatures())

    def signature(self, doc_id: str) -> int:
        """Changes when the document's lists would (0: no paragraph's wording elsewhere)."""
        return self._signatures.get(doc_id, 0)

    def lists(self, doc_id: str) -> dict[str, Agreed]:
        """Anchor -> Agreed, for each of the document's paragraphs that has its wording
        elsewhere."""
        lang, d = self._where[doc_id]
        return lang.lists(d)

    def identical_shares(self, doc_id: str) -> Counter[str]:
        """The other documents holding ``doc_id``'s paragraphs word for word, by how many,
        counting a paragraph only if at most SERIES_MAX_GROUP others hold its wording."""
        lang, d = self._where[doc_id]
        return lang.identical_shares(d)


class _LanguageLinks:
    """The wordings of one language's documents, grouped. A unit is one paragraph's wording,
    numbered in document order; its document, key, anchor and word pairs are in columns.

    The grouping is a sort: ``_order`` lists the units by key (stable, so each wording's
    holders stay in document order) and a group is a run of it. Sorting and signing are
    array operations (numpy): a Python loop over every unit cost a rebuild about 0.7 s at
    311,000 paragraphs, whatever it changed."""

    def __init__(self, docs: list[Document], near: dict[int, dict[int, float]]):
        self.docs = docs
        columns = [wording_columns(doc) for doc in docs]
        counts = np.fromiter((len(c[1]) for c in columns), dtype=np.int64, count=len(docs))
        self._keys = np.frombuffer(b"".join(c[1] for c in columns), dtype=np.uint64)
        self.unit_anchor = [a for c in columns for a in c[0]]
        self._pairs = [c[2] for c in columns]  # a document's, None until asked (summaries)
        self._unit_doc = np.repeat(np.arange(len(docs)), counts)
        self.unit_doc: list[int] = self._unit_doc.tolist()
        self.starts: list[int] = [0, *np.cumsum(counts).tolist()]
        self._order = np.argsort(self._keys, kind="stable")
        ordered = self._keys[self._order]
        first = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        first = first[: len(ordered)]  # none when there is no unit
        self._group_start = first
        self._sizes = np.diff(np.append(first, len(ordered)))
        self._group_of_key = dict(zip(ordered[first].tolist(), range(len(first)), strict=True))
        self._bounds: list[tuple[int, int]] = list(
            zip(first.tolist(), (first + self._sizes).tolist(), strict=True)
        )
        self.near = near
        self.dates = [doc.date or "9999" for doc in docs]
        self.newest = [
            (newest_first(date), doc.id) for date, doc in zip(self.dates, docs, strict=True)
        ]
        self._views: dict[int, _GroupView] = {}
        self._identical: dict[int, Related] = {}
        self._doc_counts: dict[int, Counter[int]] = {}

    def keys_of(self, d: int) -> list[int]:
        """The wording keys of document ``d``'s units, in order."""
        return self._keys[self.starts[d] : self.starts[d + 1]].tolist()  # type: ignore[no-any-return]

    def members(self, key: int) -> list[int]:
        """The units holding wording ``key``, in document order."""
        start, end = self._bounds[self._group_of_key[key]]
        return self._order[start:end].tolist()  # type: ignore[no-any-return]

    def held(self, key: int) -> int:
        """How many units hold wording ``key``."""
        start, end = self._bounds[self._group_of_key[key]]
        return end - start

    def wording_keys(self) -> dict[int, int]:
        """Every distinct wording key (-> its group number)."""
        return self._group_of_key

    def shingles(self, u: int) -> array[int]:
        """The sorted word-pair hashes of unit ``u``."""
        d = self.unit_doc[u]
        pairs = self._pairs[d]
        if pairs is None:  # a summary's: from the document, loaded
            pairs = self._pairs[d] = columns_of(loaded(self.docs[d]).wordings)[2]
        assert pairs is not None
        return unpack_pairs(pairs[u - self.starts[d]])

    def first_unit(self, key: int) -> int:
        return int(self._order[self._bounds[self._group_of_key[key]][0]])

    def held_elsewhere(self, key: int) -> bool:
        return self.held(key) > 1 or bool(self.near.get(key))

    def _newest_first(self, u: int) -> tuple[str, str, int]:
        return (*self.newest[self.unit_doc[u]], u)

    def _view(self, key: int) -> _GroupView:
        view = self._views.get(key)
        if view is not None:
            return view
        unit_doc, dates, docs = self.unit_doc, self.dates, self.docs
        members = self.members(key)
        ordered = sorted(members, key=self._newest_first)
        earliest = min(members, key=lambda u: (dates[unit_doc[u]], docs[unit_doc[u]].id, u))
        close = self.near.get(key, {})
        near_units = sorted(
            ((u, sim) for other, sim in close.items() for u in self.members(other)),
            key=lambda x: (-x[1], *self._newest_first(x[0])),
        )
        in_doc = Counter(unit_doc[u] for u in members)
        # the identical ones a list shows: the newest of each year first (so that a wording
        # repeated in 80 documents of one session still lists the session before), then the
        # newest; enough to leave LIMIT once a member's own document is set aside
        shown = _spread(ordered, lambda u: dates[unit_doc[u]][:4])[: LIMIT + max(in_doc.values())]
        shown_set = set(shown)
        near_in_doc = Counter(unit_doc[u] for u, _ in near_units)
        near_shown = near_units[: LIMIT + max(near_in_doc.values(), default=0)]
        view = self._views[key] = _GroupView(
            earliest,
            len(near_units),
            in_doc,
            near_in_doc,
            [(u, self._identical_entry(u)) for u in shown],
            {u: n for n, u in enumerate(ordered) if u in shown_set},
            [(u, self._related(u, sim)) for u, sim in near_shown],
        )
        return view

    def _identical_entry(self, u: int) -> Related:  # made once, shared by the lists showing it
        entry = self._identical.get(u)
        if entry is None:
            entry = self._identical[u] = self._related(u, 1.0)
        return entry

    def _related(self, u: int, sim: float) -> Related:
        return Related(self.docs[self.unit_doc[u]].id, self.unit_anchor[u], round(sim, 3))

    def lists(self, d: int) -> dict[str, Agreed]:
        dates = self.dates
        out: dict[str, Agreed] = {}
        unit_doc = self.unit_doc
        for u, key in enumerate(self.keys_of(d), self.starts[d]):
            if not self.held_elsewhere(key):
                continue
            view = self._view(key)
            identical = self.held(key) - view.in_doc[d]
            near_here = view.near_units - view.near_in_doc[d]
            if not identical and not near_here:
                continue
            picked = islice(((v, r) for v, r in view.shown if unit_doc[v] != d), LIMIT)
            entries = [r for _, r in sorted(picked, key=lambda x: view.newest[x[0]])]
            entries += [
                r
                for _, r in islice(
                    ((v, r) for v, r in view.near_shown if unit_doc[v] != d), LIMIT - len(entries)
                )
            ]
            first = None
            earliest = view.earliest
            if unit_doc[earliest] != d and dates[unit_doc[earliest]] < dates[d]:
                first = self._identical_entry(earliest)
            out[self.unit_anchor[u]] = Agreed(identical, near_here, first, entries)
        return out

    def signatures(self) -> dict[str, int]:
        """Document id -> a hash of everything its lists are drawn from: for each of its
        paragraphs held elsewhere, the holders of the wording and of nearly the same ones
        (document id, date, symbol, title, language, anchor) and each near one's similarity.

        Sums of mixed 64-bit hashes (splitmix64's finalizer), so that a group's hash is the
        sum over its holders and a document's the sum over its paragraphs: array
        operations, the same in every process."""
        if not len(self._keys):
            return {}
        tokens = np.array(
            [_stable_int(repr(_shown_fields(doc))) for doc in self.docs], dtype=np.uint64
        )
        codes: dict[str, int] = {}  # "op1", "pp2" ...: hashed once each
        anchor_hash = np.fromiter(
            (codes.get(a) or codes.setdefault(a, _stable_int(a)) for a in self.unit_anchor),
            dtype=np.uint64,
            count=len(self.unit_anchor),
        )
        unit_hash = _mix(tokens[self._unit_doc] ^ _mix(anchor_hash))
        member_sum = np.add.reduceat(unit_hash[self._order], self._group_start)
        group_hash = _mix(member_sum)
        held = self._sizes > 1
        # nearly the same wordings: each near group's holders and its similarity, summed
        where, other, sims = [], [], []
        group_of = self._group_of_key
        for key, close in self.near.items():
            if close and key in group_of:
                g = group_of[key]
                for o, sim in close.items():
                    where.append(g)
                    other.append(group_of[o])
                    sims.append(sim)
        if where:
            at = np.array(where, dtype=np.int64)
            sim_bits = np.array(sims, dtype=np.float64).view(np.uint64)
            near_sum = np.zeros(len(group_hash), dtype=np.uint64)
            np.add.at(near_sum, at, _mix(member_sum[np.array(other)] ^ _mix(sim_bits)))
            held[at] = True
            group_hash = _mix(group_hash ^ _mix(near_sum + _NEAR_SEED))
        group_of_unit = np.empty(len(self._keys), dtype=np.int64)
        group_of_unit[self._order] = np.repeat(np.arange(len(self._sizes)), self._sizes)
        unit_held = held[group_of_unit]
        value = np.where(unit_held, _mix(unit_hash ^ _mix(group_hash[group_of_unit])), np.uint64(0))
        sums = np.concatenate((np.zeros(1, np.uint64), np.cumsum(value, dtype=np.uint64)))
        counts = np.concatenate((np.zeros(1, np.int64), np.cumsum(unit_held)))
        bounds = np.array(self.starts)
        doc_sum = (sums[bounds[1:]] - sums[bounds[:-1]]).tolist()
        doc_held = (counts[bounds[1:]] - counts[bounds[:-1]]).tolist()
        return {
            doc.id: total or 1
            for doc, total, n in zip(self.docs, doc_sum, doc_held, strict=True)
            if n
        }

    def identical_shares(self, d: int) -> Counter[str]:
        shared: Counter[int] = Counter()  # document number -> paragraphs
        own = self.starts[d + 1] - self.starts[d]
        for key in self.keys_of(d):
            held = self.held(key)
            # held by this paragraph alone, or by more others than the document could hold
            # itself plus the most a series counts: skipped before counting holders by document
            if held == 1 or held > own + SERIES_MAX_GROUP:
                continue
            holders = self._in_doc(key)
            identical = held - holders[d]
            if identical <= 0:
                continue
            close = self.near.get(key)
            near_here = sum(self.held(o) - self._in_doc(o)[d] for o in close) if close else 0
            if identical + near_here > SERIES_MAX_GROUP:
                continue
            shared.update(holders.keys() - {d})
        return Counter({self.docs[o].id: n for o, n in shared.items()})

    def _in_doc(self, key: int) -> Counter[int]:
        found = self._doc_counts.get(key)
        if found is None:
            found = self._doc_counts[key] = Counter(
                map(self.unit_doc.__getitem__, self.members(key))
            )
        return found


class _FirstPairs(Mapping[int, "array[int]"]):
    """Each distinct wording key of a language -> its sorted word pairs (its first holder's),
    unpacked when first asked: a rebuild's NearIndex only looks at the new ones."""

    def __init__(self, lang: _LanguageLinks):
        self._lang = lang
        self._unpacked: dict[int, array[int]] = {}

    def __getitem__(self, key: int) -> array[int]:
        found = self._unpacked.get(key)
        if found is None:
            found = self._unpacked[key] = self._lang.shingles(self._lang.first_unit(key))
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._lang.wording_keys()

    def __iter__(self) -> Iterator[int]:
        return iter(self._lang.wording_keys())

    def __len__(self) -> int:
        return len(self._lang.wording_keys())


Hashes = NDArray[np.uint64]
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_NEAR_SEED = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: Hashes) -> Hashes:
    """splitmix64's finalizer over uint64 arrays (wrapping): every input bit moves every
    output bit, so that sums of mixed values do not cancel."""
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    out: Hashes = x ^ (x >> _S31)
    return out


def _shown_fields(doc: Document) -> tuple[str, ...]:
    """What a list shows of a document, and orders it by (relations.link)."""
    return (doc.id, doc.symbol, doc.title or doc.label or doc.id, doc.date, doc.language)


def _stable_int(text: str) -> int:
    """A hash of ``text`` that is the same in every process (str's hash is not)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _spread(ordered: list[int], year: Callable[[int], str]) -> list[int]:
    """``ordered`` with the first of each year moved to the front, in order."""
    seen: set[str] = set()
    first: list[int] = []
    rest: list[int] = []
    for u in ordered:
        (rest if year(u) in seen else first).append(u)
        seen.add(year(u))
    return first + rest


# "0" <-> "9", "1" <-> "8" ...: an ISO date's digits reversed, so that it sorts newest first
_NEG_DIGITS = str.maketrans("0123456789", "9876543210")


def newest_first(iso: str) -> str:
    """A key sorting ISO dates newest first."""
    return iso.translate(_NEG_DIGITS)


class NearIndex:
    """The distinct wordings of one language and their pairs of Jaccard >= ``threshold``,
    kept from one build to the next (``relate_wordings(..., state)``): a rebuild adds the
    wordings that are new and drops those gone, and compares only the new ones.

    Prefix filtering needs one order of the word pairs, the same for every set (any order is
    correct; rarest first is fast). The order is fixed when the index is made, from how many
    wordings hold each pair then; a pair first seen later ranks before all (it is rare).
    Once half of the wordings came after the order was fixed, the index is made anew.
    """

    def __init__(self, sets: Mapping[int, array[int]], threshold: float, min_size: int):
        self.threshold, self.min_size = threshold, min_size
        df: Counter[int] = Counter()
        for found in sets.values():
            if len(found) >= min_size:
                df.update(found)
        ranked = sorted(df.items(), key=lambda x: (x[1], x[0]))
        self.rank = _Ranks({t: r for r, (t, _) in enumerate(ranked)})
        self.unseen = 0  # ranks given to pairs first seen after the order was fixed: -1, -2 ...
        self.sizes: dict[int, int] = {}  # key -> number of pairs
        self.index = _Postings()  # pair -> keys (some gone)
        self.near: dict[int, dict[int, float]] = defaultdict(dict)
        self.added_since = self.removed_since = 0
        self.changed = True  # since loaded: save_state is skipped when none changed
        self.update(sets)
        self.added_since = 0

    @property
    def drifted(self) -> bool:
        return self.added_since > len(self.sizes) // 2

    def _prefix(self, pairs: array[int], length: int) -> list[int]:
        """The ``length`` rarest of ``pairs`` (sorted, distinct); a pair not ranked yet is
        ranked now, before all (in the order of ``pairs``)."""
        ranks = self.rank.of(pairs)
        for n in np.flatnonzero(ranks == _UNRANKED).tolist():
            self.unseen -= 1
            ranks[n] = self.rank.recent[pairs[n]] = self.unseen
        return [pairs[n] for n in np.argsort(ranks, kind="stable")[:length].tolist()]

    def update(self, sets: Mapping[int, array[int]]) -> None:
        """Make the index hold exactly the wordings of ``sets`` (key -> sorted pairs)."""
        gone = [k for k in self.sizes if k not in sets]
        for key in gone:
            del self.sizes[key]
            for other in self.near.pop(key, {}):
                self.near[other].pop(key, None)
        self.removed_since += len(gone)
        new = sorted((k for k in sets if k not in self.sizes), key=lambda k: (len(sets[k]), k))
        self.added_since += len(new)
        self.changed = self.changed or bool(gone or new)
        frozen: dict[int, frozenset[int]] = {}
        t = self.threshold
        for key in new:
            pairs = sets[key]
            size = self.sizes[key] = len(pairs)
            if size < self.min_size:
                continue
            mine = frozen[key] = frozenset(pairs)
            prefix = self._prefix(pairs, size - math.ceil(t * size) + 1)
            least, most = t * size, size / t
            candidates: set[int] = set()
            for token in prefix:
                posting = self.index.get(token)
                if posting:
                    candidates.update(y for y in posting if least <= self.sizes.get(y, 0) <= most)
            for y in candidates:
                theirs = frozen.get(y)
                if theirs is None:
                    theirs = frozen[y] = frozenset(sets[y])
                inter = len(mine & theirs)
                sim = inter / (size + len(theirs) - inter)
                if sim >= t:
                    self.near[key][y] = sim
                    self.near[y][key] = sim
            for token in prefix:
                self.index.add(token, key)
        if self.removed_since > len(self.sizes) // 5:
            self.compact()

    def compact(self) -> None:
        """Postings without the wordings gone."""
        self.index.keep(self.sizes.keys())
        self.removed_since = 0


_UNRANKED = np.iinfo(np.int64).min


class _Ranks:
    """Word pair -> its rank. As loaded: two sorted arrays (unpickling a dict of 200,000
    pairs cost each rebuild 0.03 s, and pickling it again more); ranks given since are in
    ``recent``, and the arrays are made again when the index is saved."""

    def __init__(self, recent: dict[int, int]):
        self._pairs = np.zeros(0, np.int64)
        self._ranks = np.zeros(0, np.int64)
        self.recent = recent

    def of(self, pairs: array[int]) -> NDArray[np.int64]:
        """The ranks of ``pairs`` (_UNRANKED for a pair not ranked)."""
        wanted = np.frombuffer(pairs, dtype=np.uint32).astype(np.int64)
        out = np.full(len(wanted), _UNRANKED, dtype=np.int64)
        if len(self._pairs):
            at = np.minimum(np.searchsorted(self._pairs, wanted), len(self._pairs) - 1)
            hit = self._pairs[at] == wanted
            out[hit] = self._ranks[at[hit]]
        if self.recent:
            for n, pair in enumerate(pairs):
                rank = self.recent.get(pair)
                if rank is not None:
                    out[n] = rank
        return out

    def __getstate__(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        pairs, ranks = self._pairs, self._ranks
        if self.recent:
            count = len(self.recent)
            pairs = np.concatenate((pairs, np.fromiter(self.recent, np.int64, count)))
            ranks = np.concatenate((ranks, np.fromiter(self.recent.values(), np.int64, count)))
            order = np.argsort(pairs, kind="stable")
            pairs, ranks = pairs[order], ranks[order]
        return pairs, ranks

    def __setstate__(self, state: tuple[NDArray[np.int64], NDArray[np.int64]]) -> None:
        self._pairs, self._ranks = state
        self.recent = {}


class _Postings:
    """Word pair -> the wording keys whose prefix holds it. As loaded: arrays (the pairs,
    sorted; where each one's keys start; the keys), which load in milliseconds where the
    dict of lists took 0.18 s at 311,000 paragraphs; what is added since is in ``recent``."""

    def __init__(self) -> None:
        self._pairs = np.zeros(0, np.int64)
        self._starts = np.zeros(1, np.int64)
        self._keys = np.zeros(0, np.uint64)
        self.recent: dict[int, list[int]] = defaultdict(list)

    def get(self, pair: int) -> list[int]:
        found: list[int] = []
        if len(self._pairs):
            at = int(np.searchsorted(self._pairs, pair))
            if at < len(self._pairs) and self._pairs[at] == pair:
                found = self._keys[self._starts[at] : self._starts[at + 1]].tolist()
        extra = self.recent.get(pair)
        return found + extra if extra else found

    def add(self, pair: int, key: int) -> None:
        self.recent[pair].append(key)

    def keep(self, alive: Iterable[int]) -> None:
        """Drop every key not in ``alive``."""
        pairs, keys = self._entries()
        kept = np.isin(keys, np.fromiter(alive, np.uint64))
        self._set(pairs[kept], keys[kept])

    def _entries(self) -> tuple[NDArray[np.int64], NDArray[np.uint64]]:
        """Every (pair, key), the arrays' and the recent ones, by pair."""
        pairs = np.repeat(self._pairs, np.diff(self._starts))
        keys = self._keys
        if self.recent:
            counts = [len(found) for found in self.recent.values()]
            pairs = np.concatenate((pairs, np.repeat(np.fromiter(self.recent, np.int64), counts)))
            added = np.fromiter(chain.from_iterable(self.recent.values()), np.uint64, sum(counts))
            keys = np.concatenate((keys, added))
            order = np.argsort(pairs, kind="stable")
            pairs, keys = pairs[order], keys[order]
        return pairs, keys

    def _set(self, pairs: NDArray[np.int64], keys: NDArray[np.uint64]) -> None:
        self._pairs, first = np.unique(pairs, return_index=True)
        self._starts = np.append(first, len(pairs)).astype(np.int64)
        self._keys = keys
        self.recent = defaultdict(list)

    def __getstate__(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.uint64]]:
        if self.recent:
            self._set(*self._entries())
        return self._pairs, self._starts, self._keys

    def __setstate__(
        self, state: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.uint64]]
    ) -> None:
        self._pairs, self._starts, self._keys = state
        self.recent = defaultdict(list)


#: Document id -> (its signature and paragraph count, the earlier documents sharing enough
#: of its paragraphs): what a rebuild knows of each document's overlaps (``lineage``).
Overlaps = dict[str, tuple[tuple[int, int], list[tuple[str, int]]]]


STATE_FORMAT = 2  # 2: word-pair ranks and postings as arrays


def load_state(path: Path) -> dict[str, NearIndex]:
    """The NearIndexes a previous build saved at ``path`` ({} if none, or not ours)."""
    try:
        data = pickle.loads(path.read_bytes())
        if data.get("format") == (STATE_FORMAT, THRESHOLD, MIN_PAIRS):
            state: dict[str, NearIndex] = dict(data["languages"])
            for index in state.values():
                index.changed = False
            return state
    except Exception:  # noqa: BLE001 - missing, partial or foreign: linked from scratch
        pass
    return {}


def state_changed(state: dict[str, NearIndex], loaded: set[str]) -> bool:
    """Whether ``state`` differs from what load_state gave (``loaded``: its languages):
    rewriting an unchanged state costs a rebuild 0.4 s at 311,000 paragraphs."""
    return set(state) != loaded or any(index.changed for index in state.values())


def save_state(path: Path, state: dict[str, NearIndex]) -> None:
    data = {"format": (STATE_FORMAT, THRESHOLD, MIN_PAIRS), "languages": state}
    store_file(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


OVERLAPS_FORMAT = 1


def load_overlaps(path: Path) -> Overlaps:
    """The overlaps a previous build saved at ``path`` ({} if none, or not ours)."""
    try:
        data = pickle.loads(path.read_bytes())
        if data.get("format") == (OVERLAPS_FORMAT, SERIES_OVERLAP, SERIES_MAX_GROUP):
            return dict(data["overlaps"])
    except Exception:  # noqa: BLE001 - missing, partial or foreign: counted from scratch
        pass
    return {}


def save_overlaps(path: Path, overlaps: Overlaps) -> None:
    data = {"format": (OVERLAPS_FORMAT, SERIES_OVERLAP, SERIES_MAX_GROUP), "overlaps": overlaps}
    store_file(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def series_key(doc: Document) -> str:
    """What stays of a title across sessions: its words without numbers, with the document's
    language, body and kind ("Follow-up to the ... 2019" and "... 2023" are one series)."""
    words = normalize(_NUMBERS.sub(" ", doc.title))
    family = "decision" if "decision" in doc.kind else "resolution"
    return "|".join((doc.language, doc.body, family, " ".join(words)))


def lineage(
    docs: list[Document], wordings: WordingLinks, known: Overlaps | None = None
) -> dict[str, Lineage]:
    """Document id -> its previous and next version (see the module docstring).

    ``known``: the overlaps a previous build found, brought up to date in place. A
    document's overlaps follow from its signature (who holds each of its wordings) and its
    paragraph count, so a document whose both are unchanged is not counted again: counting
    was 1.3 s of a rebuild at 311,000 paragraphs."""
    known = {} if known is None else known
    keys = {d.id: series_key(d) for d in docs}
    series: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        if doc.title and doc.date and "draft" not in doc.kind:
            series[keys[doc.id]].append(doc)
    previous: dict[str, str] = {}
    for members in series.values():
        members.sort(key=lambda d: (d.date, d.id))
        for before, after in zip(members, members[1:], strict=False):
            if before.date < after.date:
                previous[after.id] = before.id
    by_id = {d.id: d for d in docs}
    for gone in known.keys() - by_id.keys():
        del known[gone]
    for doc in docs:
        if doc.id in previous or not doc.date or "draft" in doc.kind:
            continue
        best = _overlapping(doc, _overlaps(doc, wordings, known), by_id)
        if best:
            previous[doc.id] = best
    out = {d.id: Lineage() for d in docs}
    # a document's next version: the earliest naming it as previous, one of its own title
    # series first (the resolution on one territory, not another's that shares its words)
    for later, earlier in sorted(
        previous.items(),
        key=lambda x: (keys[x[0]] != keys[x[1]], by_id[x[0]].date, x[0]),
    ):
        out[later].previous = earlier
        if out[earlier].next is None:
            out[earlier].next = later
    return out


def _overlaps(doc: Document, wordings: WordingLinks, known: Overlaps) -> list[tuple[str, int]]:
    """The documents holding at least SERIES_OVERLAP of ``doc``'s paragraphs word for word
    (WordingLinks.identical_shares), with how many: from ``known`` if ``doc``'s signature
    and paragraph count are those it was counted with, else counted (and kept in it)."""
    signature = wordings.signature(doc.id)
    if not signature:  # no paragraph held elsewhere
        known.pop(doc.id, None)
        return []
    units = len(wording_columns(doc)[1])
    key = (signature, units)
    found = known.get(doc.id)
    if found is not None and found[0] == key:
        return found[1]
    shared = wordings.identical_shares(doc.id)
    enough = sorted((o, n) for o, n in shared.items() if n >= SERIES_OVERLAP * units)
    known[doc.id] = (key, enough)
    return enough


def _overlapping(doc: Document, enough: list[tuple[str, int]], by_id: dict[str, Document]) -> str:
    """The earlier document of the same language and body holding most of ``doc``'s
    paragraphs word for word (``enough``: _overlaps), if any ("" if none)."""
    # most shared first; on a tie the newest, then by id (a set's order of strings changes
    # from one run to the next: ties were broken by chance, and builds differed)
    ranked = sorted(enough, key=lambda x: (-x[1], newest_first(by_id[x[0]].date or ""), x[0]))
    for other, _ in ranked:
        o = by_id[other]
        if o.date and o.date < doc.date and o.body == doc.body and "draft" not in o.kind:
            return other
    return ""
