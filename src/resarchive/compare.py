"""A resolution against its previous version, paragraph by paragraph, like the track-changes
copy a recurring resolution is tabled with.

Stage: relate (two documents). May import: models, wording.

Each preambular and operative paragraph (its sub-paragraphs with it) of the new version is
paired with the paragraph of the previous version it comes from: the most similar one, by
the Jaccard similarity of their word sets, if at least ``PAIRED`` (greedy, best pairs first).
A row is then unchanged, changed (its words inserted and deleted, difflib over words), moved
(paired out of the previous order: not on the longest run of pairs kept in order), new, or
deleted (shown after the row of the paragraph that preceded it in the previous version).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from .models import Document, Item, Paragraph
from .wording import normalize

PAIRED = 0.5


@dataclass(frozen=True)
class Change:
    """A run of words: kept ("="), inserted ("+") or deleted ("-")."""

    op: str
    text: str


@dataclass(frozen=True)
class Row:
    status: str  # "unchanged", "changed", "moved", "new", "deleted"
    anchor: str  # the new version's anchor (the previous one's for a deleted paragraph)
    previous: str  # the previous version's anchor ("" for a new paragraph)
    kind: str  # "pp", "op"
    label: str  # the printed number ("7.") or "" for a recital
    changes: tuple[Change, ...]
    similarity: float


def _full_text(p: Paragraph) -> str:
    """A paragraph with its sub-paragraphs, labels included: what a delegate compares."""
    parts = [p.text]

    def add(items: list[Item]) -> None:
        for item in items:
            parts.append(f"{item.label} {item.text}")
            add(item.items)

    add(p.items)
    return " ".join(x for x in parts if x)


def _units(doc: Document) -> list[tuple[str, Paragraph]]:
    return [("pp", p) for p in doc.preamble] + [("op", p) for p in doc.operative]


def pair(old: list[str], new: list[str]) -> dict[int, tuple[int, float]]:
    """New paragraph number -> (old paragraph number, similarity), best pairs first."""
    words_old = [frozenset(normalize(t)) for t in old]
    words_new = [frozenset(normalize(t)) for t in new]
    out: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    # the same words: similarity 1, what the best-first order below takes first anyway (by
    # new, then old position); most paragraphs of a recurring resolution are kept
    same: dict[frozenset[str], list[int]] = defaultdict(list)
    for i, a in enumerate(words_old):
        same[a].append(i)
    for j, b in enumerate(words_new):
        found = next((i for i in same.get(b, ()) if i not in used), None) if b else None
        if found is not None:
            out[j] = (found, 1.0)
            used.add(found)
    scored = []
    for j, b in enumerate(words_new):
        if j in out or not b:
            continue
        for i, a in enumerate(words_old):
            # a similarity is at most the smaller set's size over the larger's
            if i in used or len(a) < PAIRED * len(b) or len(b) < PAIRED * len(a):
                continue
            shared = len(a & b)
            sim = shared / (len(a) + len(b) - shared)
            if shared and sim >= PAIRED:
                scored.append((sim, j, i))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    for sim, j, i in scored:
        if j not in out and i not in used:
            out[j] = (i, sim)
            used.add(i)
    return out


def _kept_in_order(sequence: list[int]) -> set[int]:
    """The positions of a longest increasing run of ``sequence`` (patience sorting)."""
    tails: list[int] = []
    tail_at: list[int] = []
    before: list[int] = [-1] * len(sequence)
    for pos, value in enumerate(sequence):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_at.append(pos)
        else:
            tails[k], tail_at[k] = value, pos
        before[pos] = tail_at[k - 1] if k else -1
    out: set[int] = set()
    pos = tail_at[-1] if tail_at else -1
    while pos >= 0:
        out.add(pos)
        pos = before[pos]
    return out


def word_changes(old: str, new: str) -> tuple[Change, ...]:
    """The words of ``new`` against ``old``: kept, inserted, deleted, in reading order."""
    a, b = old.split(), new.split()
    folded_a, folded_b = [w.casefold() for w in a], [w.casefold() for w in b]
    if folded_a == folded_b:  # most paragraphs of a new version: what the matcher would say
        return (Change("=", " ".join(b)),) if b else ()
    out: list[Change] = []
    matcher = SequenceMatcher(None, folded_a, folded_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Change("=", " ".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(Change("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(Change("+", " ".join(b[j1:j2])))
    return tuple(out)


def compare(previous: Document, current: Document) -> list[Row]:
    old, new = _units(previous), _units(current)
    old_text = [_full_text(p) for _, p in old]
    new_text = [_full_text(p) for _, p in new]
    pairs = pair(old_text, new_text)
    paired_new = sorted(pairs)
    in_order = {paired_new[k] for k in _kept_in_order([pairs[j][0] for j in paired_new])}
    deleted_after: dict[int, list[int]] = {}  # new row -> old paragraphs shown after it
    matched_old = {i for i, _ in pairs.values()}
    last_new_for_old = {i: j for j, (i, _) in pairs.items()}
    for i in range(len(old)):
        if i in matched_old:
            continue
        prior = [last_new_for_old[k] for k in range(i) if k in last_new_for_old]
        deleted_after.setdefault(max(prior) if prior else -1, []).append(i)

    def deleted(i: int) -> Row:
        kind, p = old[i]
        return Row("deleted", p.id, p.id, kind, p.number, (Change("-", old_text[i]),), 0.0)

    rows = [deleted(i) for i in deleted_after.get(-1, [])]
    for j, (kind, p) in enumerate(new):
        if j not in pairs:
            rows.append(Row("new", p.id, "", kind, p.number, (Change("+", new_text[j]),), 0.0))
        else:
            i, sim = pairs[j]
            changes = word_changes(old_text[i], new_text[j])
            same = all(c.op == "=" for c in changes)
            status = "moved" if j not in in_order else "unchanged" if same else "changed"
            rows.append(Row(status, p.id, old[i][1].id, kind, p.number, changes, round(sim, 3)))
        rows += [deleted(i) for i in deleted_after.get(j, [])]
    return rows
