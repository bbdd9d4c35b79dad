"""Two language versions of a document, paragraph by paragraph, aligned by anchor.

Stage: relate (two documents). May import: models.

Anchors come from printed numbers (op7 is operative paragraph 7 in every language), so two
versions align by them: preambular paragraphs, operative paragraphs (their sub-paragraphs
inside), attachment paragraphs, footnotes. Two kinds of anchor hold words of their own
language, and are compared by what is printed instead (``key``): a second run of numbers
under a heading (``ii-activites-...-2-op1``, ``ii-activities-...-2-op1``: run 2, op 1), and a
number printed twice (``att3-p1-450``, the source line: the second p1). Unnumbered text
(``att1-t4``) is counted from the last numbered paragraph before it, so that a title one
version prints as text shifts nothing after the next number. Where one version has
a paragraph the other lacks, or numbers differently, the row has one side only and says so:
the view never shifts one column to make the other fit. difflib's matcher keeps the order of
both.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from .models import Document, Footnote, Item, Paragraph

# anchors.operative for a second run of numbers: <heading slug>-<run>-op<n>
_RUN = re.compile(r"^(?:.*-)?(\d+)-op(\d+)$")
# anchors.unique: a number printed twice, the second with its source line
_REPEATED = re.compile(r"^(.*\d)-\d+$")
_RECITAL = re.compile(r"pp\d+")
_NUMBER = re.compile(r"\d+(?:[/.]\d+)*")
# unnumbered text (anchors.attachment_text, unnumbered_operative): counted from the start
_UNNUMBERED = re.compile(r"^(?:.*-)?(?:t|text)\d+$")


@dataclass(frozen=True)
class Unit:
    """One thing a side-by-side row shows: a paragraph (with its items) or a footnote."""

    kind: str  # "pp", "op", "att", "fn"
    anchor: str
    paragraph: Paragraph | Footnote

    @property
    def items(self) -> tuple[str, ...]:
        """The anchors of its sub-paragraphs, nested ones too, after the paragraph's own
        ("-a", "-a-ii")."""
        out: list[str] = []

        def walk(items: list[Item]) -> None:
            for item in items:
                out.append(item.id.removeprefix(self.anchor))
                walk(item.items)

        if isinstance(self.paragraph, Paragraph):
            walk(self.paragraph.items)
        return tuple(out)


@dataclass(frozen=True)
class Row:
    anchor: str
    left: Unit | None
    right: Unit | None

    @property
    def aligned(self) -> bool:
        """Both sides there, with the same sub-paragraphs."""
        return (
            self.left is not None and self.right is not None and self.left.items == self.right.items
        )


def units(doc: Document) -> list[Unit]:
    out = [Unit("pp", p.id, p) for p in doc.preamble]
    out += [Unit("op", p.id, p) for p in doc.operative]
    for att in doc.attachments:
        out += [Unit("att", p.id, p) for p in att.paragraphs]
    out += [Unit("fn", n.id, n) for n in doc.footnotes]
    return out


def keys(found: list[Unit]) -> list[str]:
    """What each unit's anchor says in any language (see the module docstring): a run's
    number for its heading, and the n-th use of a number printed twice."""
    out: list[str] = []
    seen: Counter[str] = Counter()
    numbered = ""  # the key of the last numbered unit
    for unit in found:
        anchor = unit.anchor
        if _UNNUMBERED.match(anchor):
            key = f"{numbered}+{unit.kind}"
            seen[key] += 1
            out.append(f"{key}#{seen[key]}")
            continue
        run = _RUN.match(anchor)
        if run:
            anchor = f"run{run.group(1)}-op{run.group(2)}"
        repeated = _REPEATED.match(anchor)
        if repeated and unit.kind != "fn":
            anchor = repeated.group(1)
        seen[anchor] += 1
        numbered = f"{anchor}#{seen[anchor]}"
        out.append(numbered)
    return out


def align(left: Document, right: Document) -> list[Row]:
    a, b = units(left), units(right)
    rows: list[Row] = []
    pa, pb = [u for u in a if u.kind == "pp"], [v for v in b if v.kind == "pp"]
    if len(pa) != len(pb) and _one_preamble(pa) and _one_preamble(pb):
        rows += preamble_rows(pa, pb)  # a recital one version lacks: found by what it says
        a, b = a[len(pa) :], b[len(pb) :]
    matcher = SequenceMatcher(None, keys(a), keys(b), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [Row(u.anchor, u, v) for u, v in zip(a[i1:i2], b[j1:j2], strict=True)]
            continue
        rows += [Row(u.anchor, u, None) for u in a[i1:i2]]
        rows += [Row(v.anchor, None, v) for v in b[j1:j2]]
    # a row the right version alone has takes the left's anchor only if the left lacks it
    taken = {r.left.anchor for r in rows if r.left is not None}
    return [
        Row(f"{r.anchor}-{right.language}", None, r.right)
        if r.left is None and r.anchor in taken
        else r
        for r in rows
    ]


def _one_preamble(found: list[Unit]) -> bool:
    """Recitals of one preamble (pp1, pp2 ...), not of several parts (a-pp1, b-pp1)."""
    return bool(found) and found == [u for u in found if _RECITAL.fullmatch(u.anchor)]


def preamble_rows(a: list[Unit], b: list[Unit]) -> list[Row]:
    """Recitals have no printed number: pp7 is the seventh. Where one version has a recital
    more, the two lists are aligned by what each recital holds that any language keeps
    (its numbers: "70/1", "2030"; its length, scaled by the two versions' length ratio),
    so the row that lacks a side is where the recital is missing, not at the end."""
    ratio = sum(len(_text(u)) for u in a) / max(1, sum(len(_text(v)) for v in b))
    n, m = len(a), len(b)
    # best[i][j]: the best total similarity of a[:i] with b[:j]; a gap scores nothing
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best[i][j] = max(
                best[i - 1][j - 1] + _similarity(a[i - 1], b[j - 1], ratio),
                best[i - 1][j],
                best[i][j - 1],
            )
    rows: list[Row] = []
    i, j = n, m
    while i or j:
        if i and j and best[i][j] == best[i - 1][j - 1] + _similarity(a[i - 1], b[j - 1], ratio):
            rows.append(Row(a[i - 1].anchor, a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i and (not j or best[i][j] == best[i - 1][j]):
            rows.append(Row(a[i - 1].anchor, a[i - 1], None))
            i -= 1
        else:
            rows.append(Row(b[j - 1].anchor, None, b[j - 1]))
            j -= 1
    return rows[::-1]


def _text(unit: Unit) -> str:
    return unit.paragraph.rich


def _similarity(u: Unit, v: Unit, ratio: float) -> float:
    """0-1: how likely two recitals in two languages are the same one."""
    lu, lv = len(_text(u)), len(_text(v)) * ratio
    length = min(lu, lv) / max(lu, lv, 1)
    nu, nv = set(_NUMBER.findall(_text(u))), set(_NUMBER.findall(_text(v)))
    if not nu and not nv:
        return length
    return (length + len(nu & nv) / len(nu | nv)) / 2


def misaligned(rows: list[Row]) -> list[str]:
    """The anchors of the rows that do not align."""
    return [r.anchor for r in rows if not r.aligned]
