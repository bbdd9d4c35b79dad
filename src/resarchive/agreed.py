"""Agreed language: where each paragraph's wording was adopted before, and the previous and
next version of each recurring resolution.

Stage: relate (all documents, after parse). May import: models, wording, cache.

Drawn from the documents' wordings (wording.py: a digest of each paragraph's normalized text
and the hashes of its word pairs), kept in the parse cache's summaries: no document's text is
loaded here, and a rebuild redoes this in full from the summaries (it is linear in the number
of paragraphs), then rewrites only the pages whose lists changed (their digests).

- Identical wording: equal digests, grouped in one pass.
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
  holding the most of its paragraphs word for word (at least half of them) is.
"""

from __future__ import annotations

import math
import pickle
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path

from .cache import store_file
from .models import Document, Wording
from .wording import normalize, shingles

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
    docs: list[Document], state: dict[str, NearIndex] | None = None
) -> dict[str, dict[str, Agreed]]:
    """Document id -> anchor -> Agreed, for every paragraph that has its wording elsewhere.
    ``state``: language -> its NearIndex from the previous build, updated in place (a new
    one is made for a language it lacks, or whose order has drifted)."""
    state = {} if state is None else state
    out: dict[str, dict[str, Agreed]] = defaultdict(dict)
    by_language: dict[str, list[int]] = defaultdict(list)
    for n, doc in enumerate(docs):
        by_language[doc.language].append(n)
    for gone in [code for code in state if code not in by_language]:
        del state[gone]
    for code, numbers in by_language.items():
        _relate_language([docs[n] for n in numbers], out, state, code)
    return dict(out)


def _relate_language(
    docs: list[Document], out: dict[str, dict[str, Agreed]], state: dict[str, NearIndex], code: str
) -> None:
    units: list[tuple[int, Wording]] = [(d, w) for d, doc in enumerate(docs) for w in doc.wordings]
    groups: dict[int, list[int]] = defaultdict(list)  # key -> unit numbers
    for u, (_, w) in enumerate(units):
        groups[w.key].append(u)
    sets = {k: shingles(units[members[0]][1]) for k, members in groups.items()}
    index = state.get(code)
    if index is None or index.drifted:
        index = state[code] = NearIndex(sets, THRESHOLD, MIN_PAIRS)
    else:
        index.update(sets)
    dates = [doc.date or "9999" for doc in docs]
    newest = [(_neg(date), doc.id) for date, doc in zip(dates, docs, strict=True)]

    def newest_first(u: int) -> tuple[str, str, int]:
        return (*newest[units[u][0]], u)

    @cache
    def identical_entry(u: int) -> Related:  # made once, shared by the lists that show it
        return _related(docs, units, u, 1.0)

    for key, members in groups.items():
        close = index.near.get(key, {})
        if len(members) == 1 and not close:
            continue
        ordered = sorted(members, key=newest_first)
        earliest = min(members, key=lambda u: (dates[units[u][0]], docs[units[u][0]].id, u))
        near_units = sorted(
            ((u, sim) for other, sim in close.items() for u in groups[other]),
            key=lambda x: (-x[1], *newest_first(x[0])),
        )
        in_doc = Counter(units[u][0] for u in members)
        near_in_doc = Counter(units[u][0] for u, _ in near_units)
        # the identical ones a list shows: the newest of each year first (so that a wording
        # repeated in 80 documents of one session still lists the session before), then the
        # newest; enough to leave LIMIT once a member's own document is set aside
        shown = _spread(ordered, lambda u: dates[units[u][0]][:4])[: LIMIT + max(in_doc.values())]
        for u in members:
            d, w = units[u]
            identical = len(members) - in_doc[d]
            near_here = len(near_units) - near_in_doc[d]
            if not identical and not near_here:
                continue
            entries = [
                identical_entry(v)
                for v in sorted(
                    islice((v for v in shown if units[v][0] != d), LIMIT), key=newest_first
                )
            ]
            entries += [
                _related(docs, units, v, s)
                for v, s in islice(
                    ((v, s) for v, s in near_units if units[v][0] != d), LIMIT - len(entries)
                )
            ]
            first = None
            if units[earliest][0] != d and dates[units[earliest][0]] < dates[d]:
                first = identical_entry(earliest)
            out[docs[d].id][w.anchor] = Agreed(identical, near_here, first, entries)


def _spread(ordered: list[int], year: Callable[[int], str]) -> list[int]:
    """``ordered`` with the first of each year moved to the front, in order."""
    seen: set[str] = set()
    first: list[int] = []
    rest: list[int] = []
    for u in ordered:
        (rest if year(u) in seen else first).append(u)
        seen.add(year(u))
    return first + rest


def _related(docs: list[Document], units: list[tuple[int, Wording]], u: int, sim: float) -> Related:
    d, w = units[u]
    return Related(docs[d].id, w.anchor, round(sim, 3))


def _neg(iso: str) -> str:
    """A key sorting ISO dates newest first."""
    return "".join(chr(0x39 - ord(c) + 0x30) if c.isdigit() else c for c in iso)


class NearIndex:
    """The distinct wordings of one language and their pairs of Jaccard >= ``threshold``,
    kept from one build to the next (``relate_wordings(..., state)``): a rebuild adds the
    wordings that are new and drops those gone, and compares only the new ones.

    Prefix filtering needs one order of the word pairs, the same for every set (any order is
    correct; rarest first is fast). The order is fixed when the index is made, from how many
    wordings hold each pair then; a pair first seen later ranks before all (it is rare).
    Once half of the wordings came after the order was fixed, the index is made anew.
    """

    def __init__(self, sets: dict[int, array[int]], threshold: float, min_size: int):
        self.threshold, self.min_size = threshold, min_size
        df: Counter[int] = Counter()
        for found in sets.values():
            if len(found) >= min_size:
                df.update(found)
        ranked = sorted(df.items(), key=lambda x: (x[1], x[0]))
        self.rank = {t: r for r, (t, _) in enumerate(ranked)}
        self.unseen = 0  # ranks given to pairs first seen after the order was fixed: -1, -2 ...
        self.sizes: dict[int, int] = {}  # key -> number of pairs
        self.index: dict[int, list[int]] = defaultdict(list)  # pair -> keys (some gone)
        self.near: dict[int, dict[int, float]] = defaultdict(dict)
        self.added_since = self.removed_since = 0
        self.update(sets)
        self.added_since = 0

    @property
    def drifted(self) -> bool:
        return self.added_since > len(self.sizes) // 2

    def _rank(self, token: int) -> int:
        rank = self.rank.get(token)
        if rank is None:
            self.unseen -= 1
            rank = self.rank[token] = self.unseen
        return rank

    def update(self, sets: dict[int, array[int]]) -> None:
        """Make the index hold exactly the wordings of ``sets`` (key -> sorted pairs)."""
        gone = [k for k in self.sizes if k not in sets]
        for key in gone:
            del self.sizes[key]
            for other in self.near.pop(key, {}):
                self.near[other].pop(key, None)
        self.removed_since += len(gone)
        new = sorted((k for k in sets if k not in self.sizes), key=lambda k: (len(sets[k]), k))
        self.added_since += len(new)
        frozen: dict[int, frozenset[int]] = {}
        t = self.threshold
        for key in new:
            pairs = sets[key]
            size = self.sizes[key] = len(pairs)
            if size < self.min_size:
                continue
            mine = frozen[key] = frozenset(pairs)
            prefix = sorted(pairs, key=self._rank)[: size - math.ceil(t * size) + 1]
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
                self.index[token].append(key)
        if self.removed_since > len(self.sizes) // 5:
            self.compact()

    def compact(self) -> None:
        """Postings without the wordings gone."""
        for token, keys in list(self.index.items()):
            alive = [k for k in keys if k in self.sizes]
            if alive:
                self.index[token] = alive
            else:
                del self.index[token]
        self.removed_since = 0


STATE_FORMAT = 1


def load_state(path: Path) -> dict[str, NearIndex]:
    """The NearIndexes a previous build saved at ``path`` ({} if none, or not ours)."""
    try:
        data = pickle.loads(path.read_bytes())
        if data.get("format") == (STATE_FORMAT, THRESHOLD, MIN_PAIRS):
            return dict(data["languages"])
    except Exception:  # noqa: BLE001 - missing, partial or foreign: linked from scratch
        pass
    return {}


def save_state(path: Path, state: dict[str, NearIndex]) -> None:
    data = {"format": (STATE_FORMAT, THRESHOLD, MIN_PAIRS), "languages": state}
    store_file(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def series_key(doc: Document) -> str:
    """What stays of a title across sessions: its words without numbers, with the document's
    language, body and kind ("Follow-up to the ... 2019" and "... 2023" are one series)."""
    words = normalize(_NUMBERS.sub(" ", doc.title))
    family = "decision" if "decision" in doc.kind else "resolution"
    return "|".join((doc.language, doc.body, family, " ".join(words)))


def lineage(docs: list[Document], agreed: dict[str, dict[str, Agreed]]) -> dict[str, Lineage]:
    """Document id -> its previous and next version (see the module docstring)."""
    series: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        if doc.title and doc.date and "draft" not in doc.kind:
            series[series_key(doc)].append(doc)
    previous: dict[str, str] = {}
    for members in series.values():
        members.sort(key=lambda d: (d.date, d.id))
        for before, after in zip(members, members[1:], strict=False):
            if before.date < after.date:
                previous[after.id] = before.id
    by_id = {d.id: d for d in docs}
    for doc in docs:
        if doc.id in previous or not doc.date or "draft" in doc.kind:
            continue
        best = _overlapping(doc, agreed.get(doc.id, {}).values(), by_id)
        if best:
            previous[doc.id] = best
    out = {d.id: Lineage() for d in docs}
    # a document's next version: the earliest naming it as previous, one of its own title
    # series first (the resolution on one territory, not another's that shares its words)
    keys = {d.id: series_key(d) for d in docs}
    for later, earlier in sorted(
        previous.items(),
        key=lambda x: (keys[x[0]] != keys[x[1]], by_id[x[0]].date, x[0]),
    ):
        out[later].previous = earlier
        if out[earlier].next is None:
            out[earlier].next = later
    return out


def _overlapping(doc: Document, found: Iterable[Agreed], by_id: dict[str, Document]) -> str:
    """The earlier document of the same language and body holding most of ``doc``'s
    paragraphs word for word, if at least SERIES_OVERLAP of them ("" if none)."""
    shared: Counter[str] = Counter()
    for agreed in found:
        if agreed.identical + agreed.near > SERIES_MAX_GROUP:
            continue
        shared.update({r.document for r in agreed.entries if r.similarity == 1.0})
    units = len(doc.wordings)
    # most shared first; on a tie the newest, then by id (a set's order of strings changes
    # from one run to the next: ties were broken by chance, and builds differed)
    ranked = sorted(shared.items(), key=lambda x: (-x[1], _neg(by_id[x[0]].date or ""), x[0]))
    for other, n in ranked:
        o = by_id[other]
        if n < SERIES_OVERLAP * units:
            break
        if o.date and o.date < doc.date and o.body == doc.body and "draft" not in o.kind:
            return other
    return ""
