"""Parser accuracy against the gold structure of the UN General Assembly corpus.

Stage: measurement (tests and bench/accuracy.py), outside the build. May import: models,
pipeline, pdfsim, textscore.

``../shared/corpus/akn2txt.py`` turns each Akoma Ntoso XML file into ``<stem>.txt`` (the text a
PDF conversion gives) and ``<stem>.gold.json`` (its true structure, counted from the XML). This
module parses the text and compares.

Definitions (all counts are summed over the documents the parser makes of one file, so a
collection "A/RES/77/264 A-C" is compared as a whole, as the gold sums over its parts):

- preamble: number of preambular paragraphs == gold ``preamble``.
- operative: number of operative paragraphs == gold ``operative`` and their printed numbers,
  in order, as strings without the final dot == gold ``operative_numbers`` ("" for the
  unnumbered paragraphs of a resolution that numbers none).
- preamble_items: sub-paragraphs (items at any depth) of the preambular paragraphs ==
  gold ``preamble_items`` (blockList items in the preamble, any depth).
- operative_items: sub-paragraphs (any depth) of the operative paragraphs == gold
  ``operative_items``. Attachments (annexes) are not counted, as gold does not count them.
- footnotes: number of footnotes the documents carry (cited or not) == gold ``footnotes``.

A document is *exact* when all five criteria hold.

Text: each preambular and operative paragraph's letter-words against the XML's
(textscore.py), the gold read from the XML beside the text (``<txt>/../xml``); the report
prints the worst paragraphs of each document with a word diff.

Words lost: the words of the ``.txt`` (``words`` below: runs of letters or of digits,
lower-cased, superscript digits read as digits) minus, as a multiset, the words of everything
the export shows: header lines, label, number, title, formula, sponsors, paragraphs and their
numbers, items and their labels, footnotes and their marks, attachments (header, title,
paragraphs), unclassified text, report text and context. For a simulated PDF conversion the
source is still the original ``.txt``: what the simulator adds (masthead, running heads, job
numbers) is noise that may be dropped.

Exclusions: a file is scored only when its gold is known to be the truth. It is excluded
(reported, looked at by eye, not scored) when gold has ``unnumbered_other`` > 0 (headings
typed as text, mis-tagged paragraphs), repeats an operative number (sections or parts
restarting at 1), has no title, or has no enacting formula. Files that embed whole documents
in their body show up as ``unnumbered_other`` or repeated numbers and fall under those rules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import MARKER_RE, Document, Item, SourceText, plain, to_dict

CRITERIA = ("preamble", "operative", "preamble_items", "operative_items", "footnotes")
CORPUS_TARBALL = "ga-75-78-fr-en.tar.xz"
SPANISH_TARBALL = "ga-78-es.tar.xz"
QUICK_STEP = 20  # quick mode: every 20th file, sorted by path, all languages

# --- words ---------------------------------------------------------------------------------

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹ᵉʳ", "0123456789er")
SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
RUNNING_HEAD = re.compile(
    r"^\s*(\d{1,3}/\d{1,3}\s+[A-Z]\.\d{2}-\d{5}|[A-Z]\.\d{2}-\d{5}\s+\d{1,3}/\d{1,3})\s*$", re.M
)
WORD = re.compile(r"\d+|[^\W\d_]+")  # digits and letters apart: "organisée¹", "1^{er}"
# keys of an exported document whose string values are shown on its page
SHOWN_KEYS = frozenset(
    {"text", "title", "formula", "number", "label", "header", "sponsors", "heading", "mark"}
)


def words(text: str) -> Counter[str]:
    """Words of a text as a multiset: superscripts count as the digits they print."""
    text = SUPERSCRIPT_RUN.sub(lambda m: " " + m.group(0) + " ", unicodedata.normalize("NFC", text))
    text = text.translate(SUPERSCRIPTS)
    text = text.replace("\\text", " ")
    return Counter(w.lower() for w in WORD.findall(text.replace("_", " ")))


def source_words(text: str) -> Counter[str]:
    """Words of a source text, without the running heads a conversion repeats on each page."""
    text = RUNNING_HEAD.sub(" ", text)
    text = re.sub(r"</?sup>", " ", text)
    return words(text)


def missing_words(source: Counter[str], shown: Counter[str]) -> dict[str, int]:
    """Words printed more often in the source than shown: what was lost."""
    return {w: n - shown[w] for w, n in source.items() if shown[w] < n}


def shown_strings(value: Any, key: str = "") -> Iterator[str]:
    """Every string an exported record shows (see SHOWN_KEYS), depth first. Rich texts are
    read with their footnote markers in place (a marker may sit inside a word, "doublin⁴g")."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "text" and "rich" in value or k == "title" and "rich_title" in value:
                continue  # the same text, without its markers
            yield from shown_strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from shown_strings(v, key)
    elif isinstance(value, str) and key in ("rich", "rich_title"):
        yield plain(MARKER_RE.sub(lambda m: f" {m.group(1)} ", value))
    elif isinstance(value, str) and key in SHOWN_KEYS:
        yield value


def shown_words(docs: Iterable[Document]) -> Counter[str]:
    total: Counter[str] = Counter()
    for doc in docs:
        for text in shown_strings(to_dict(doc)):
            total.update(words(text))
    return total


# --- counts --------------------------------------------------------------------------------


def _count_items(items: list[Item]) -> int:
    return sum(1 + _count_items(i.items) for i in items)


def counts(docs: list[Document]) -> dict[str, Any]:
    """The scored counts of a file's documents, summed over them (see the module docstring)."""
    return {
        "preamble": sum(len(d.preamble) for d in docs),
        "operative": [p.number.rstrip(".") for d in docs for p in d.operative],
        "preamble_items": sum(_count_items(p.items) for d in docs for p in d.preamble),
        "operative_items": sum(_count_items(p.items) for d in docs for p in d.operative),
        "footnotes": sum(len(d.footnotes) for d in docs),
    }


def gold_counts(gold: dict[str, Any]) -> dict[str, Any]:
    return {
        "preamble": gold["preamble"],
        "operative": [str(n) for n in gold["operative_numbers"]],
        "preamble_items": gold["preamble_items"],
        "operative_items": gold["operative_items"],
        "footnotes": gold["footnotes"],
    }


def exclusions(gold: dict[str, Any]) -> list[str]:
    """Why a gold file is not the truth (empty: it is scored)."""
    reasons = []
    if gold.get("unnumbered_other", 0) > 0:
        reasons.append("unnumbered_other")
    numbers = gold.get("operative_numbers", [])
    if len(set(numbers)) != len(numbers):
        reasons.append("repeated_numbers")
    if not gold.get("title"):
        reasons.append("no_title")
    if not gold.get("enacting_formula"):
        reasons.append("no_formula")
    return reasons


# --- one file ------------------------------------------------------------------------------


@dataclass
class Miss:
    criterion: str
    expected: Any
    got: Any

    def describe(self) -> str:
        if self.criterion == "operative" and isinstance(self.expected, list):
            return f"operative: expected {_numbers(self.expected)}, got {_numbers(self.got)}"
        return f"{self.criterion}: expected {self.expected}, got {self.got}"


def _numbers(numbers: list[str]) -> str:
    """A short form of a number list: "1-12 (12)", or the list itself when irregular."""
    if (
        numbers
        and all(n.isdigit() for n in numbers)
        and [int(n) for n in numbers] == list(range(1, len(numbers) + 1))
    ):
        return f"1-{len(numbers)} ({len(numbers)})"
    shown = ",".join(n or "''" for n in numbers[:40])
    return f"[{shown}{',...' if len(numbers) > 40 else ''}] ({len(numbers)})"


@dataclass
class FileResult:
    name: str  # "<session>-<Language>/<stem>"
    language: str  # gold language
    excluded: list[str]
    misses: list[Miss]
    lost: dict[str, int]
    seconds: float
    error: str = ""
    docs: int = 0
    words: int = 0  # words of the source text
    paragraphs: int = 0  # gold paragraphs judged by their text
    text_exact: int = 0
    worst: list[str] = field(default_factory=list)  # word diffs of the worst paragraphs

    @property
    def exact(self) -> bool:
        return not self.misses and not self.error


def compare(ours: dict[str, Any], gold: dict[str, Any]) -> list[Miss]:
    return [Miss(k, gold[k], ours[k]) for k in CRITERIA if ours[k] != gold[k]]


def language_code(gold: dict[str, Any]) -> str:
    """The gold's language as our data names it (akn2txt leaves "spa" as the XML has it)."""
    code = str(gold["language"])
    return {"spa": "es", "fra": "fr", "eng": "en"}.get(code, code)


def parse_text(text: str, name: str) -> list[Document]:
    from .pipeline import parse_source  # late: keeps this module importable on its own

    return parse_source(SourceText(path=Path("/corpus") / name, rel=name, text=text))


def score_file(txt: Path, root: Path, pdf: bool = False) -> FileResult:
    """Parse one corpus text (or its simulated PDF conversion) and compare it with its gold."""
    gold = json.loads(txt.with_name(txt.name[:-4] + ".gold.json").read_text(encoding="utf-8"))
    name = txt.relative_to(root).as_posix()[:-4]
    original = txt.read_text(encoding="utf-8")
    text = original
    if pdf:
        from .pdfsim import simulate

        text = simulate(original, name)
    start = time.perf_counter()
    try:
        docs = parse_text(text, name + ".txt")
    except Exception as exc:  # a crash is a miss to report, not the end of the run
        return FileResult(
            name,
            language_code(gold),
            exclusions(gold),
            [],
            {},
            time.perf_counter() - start,
            error=f"{type(exc).__name__}: {exc}",
        )
    seconds = time.perf_counter() - start
    source = words(original)
    lost = missing_words(source, shown_words(docs))
    result = FileResult(
        name,
        language_code(gold),
        exclusions(gold),
        compare(counts(docs), gold_counts(gold)),
        lost,
        seconds,
        docs=len(docs),
        words=sum(source.values()),
    )
    xml = gold_xml(txt, root)
    if xml.is_file():
        from .textscore import read_gold, score_text

        judged = score_text(docs, read_gold(xml))
        result.paragraphs, result.text_exact = judged.paragraphs, judged.exact
        result.worst = [f"{m.anchor} ({m.distance} words off): {m.diff()}" for m in judged.worst(2)]
    return result


def gold_xml(txt: Path, root: Path) -> Path:
    """The XML behind a corpus text: txt/75-English/75_100_E.txt -> xml/75session/English/..."""
    session, language = txt.parent.name.split("-", 1)
    return root.parent / "xml" / f"{session}session" / language / (txt.stem + ".xml")


# --- the corpus ----------------------------------------------------------------------------


def cache_root() -> Path:
    """Where the extracted corpus is cached: the same place as the tests' fixtures."""
    base = os.environ.get("RESARCHIVE_CACHE")
    return Path(base) if base else Path(tempfile.gettempdir()) / "resarchive-corpus"


def corpus_txt_dir(shared: Path, name: str = CORPUS_TARBALL) -> Path:
    """The akn2txt output for the tarball ``name`` of ``shared/corpus``, one folder per
    ``<session>-<Language>``: built once (like tests/conftest.py's ``corpus_dir`` fixture,
    into the same cache), then reused. ``SPANISH_TARBALL`` gives ``78-Spanish``."""
    tarball = shared / "corpus" / name
    st = tarball.stat()
    base = cache_root() / f"{tarball.stem.removesuffix('.tar')}-{st.st_size}-{st.st_mtime_ns}"
    txt = base / "txt"
    if txt.is_dir():
        return txt
    xml = base / "xml"
    if not xml.is_dir():
        tmp = Path(
            tempfile.mkdtemp(
                prefix="xml.tmp-", dir=base.parent if base.parent.is_dir() else _mkdir(base.parent)
            )
        )
        with tarfile.open(tarball, "r:xz") as tar:
            tar.extractall(tmp, filter="data")
        _mkdir(base)
        _settle(tmp, xml)
    tmp = Path(tempfile.mkdtemp(prefix="txt.tmp-", dir=base))
    script = shared / "corpus" / "akn2txt.py"
    for folder in sorted(p for p in xml.glob("*session/*") if p.is_dir()):
        out = tmp / f"{folder.parent.name.removesuffix('session')}-{folder.name}"
        subprocess.run(
            [sys.executable, str(script), str(folder), "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    _settle(tmp, txt)
    return txt


def _settle(tmp: Path, final: Path) -> None:
    """Move a finished temporary folder into place; if another process (a test run beside
    a benchmark) got there first, keep its folder, which holds the same files."""
    try:
        tmp.rename(final)
    except OSError:
        if not final.is_dir():
            raise
        shutil.rmtree(tmp, ignore_errors=True)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def corpus_files(root: Path, quick: bool = False) -> list[Path]:
    """The corpus texts sorted by path; quick: every QUICK_STEP-th of them (deterministic)."""
    files = sorted(root.glob("*/*.txt"), key=lambda p: p.relative_to(root).as_posix())
    return files[::QUICK_STEP] if quick else files


# --- summary -------------------------------------------------------------------------------


@dataclass
class LanguageSummary:
    language: str
    files: int = 0
    excluded: Counter[str] = field(default_factory=Counter)  # reason -> files
    excluded_files: int = 0
    scored: int = 0
    exact: int = 0
    criterion_ok: Counter[str] = field(default_factory=Counter)
    words: int = 0
    lost: int = 0  # over all files, excluded ones too
    errors: int = 0
    seconds: float = 0.0
    docs: int = 0
    paragraphs: int = 0  # of scored files, judged by their text
    text_exact: int = 0

    @property
    def exact_share(self) -> float:
        return self.exact / self.scored if self.scored else 1.0


def summarize(results: list[FileResult]) -> dict[str, LanguageSummary]:
    out: dict[str, LanguageSummary] = {}
    for r in results:
        s = out.setdefault(r.language, LanguageSummary(r.language))
        s.files += 1
        s.seconds += r.seconds
        s.docs += r.docs
        s.lost += sum(r.lost.values())
        s.errors += bool(r.error)
        s.words += r.words
        if r.excluded:
            s.excluded_files += 1
            s.excluded.update(r.excluded)
            continue
        s.scored += 1
        s.exact += r.exact
        s.paragraphs += r.paragraphs
        s.text_exact += r.text_exact
        failed = {m.criterion for m in r.misses}
        for c in CRITERIA:
            s.criterion_ok[c] += c not in failed and not r.error
    return dict(sorted(out.items()))
