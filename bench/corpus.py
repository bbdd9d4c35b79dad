"""Benchmark content: the UN GA corpus as a content folder, as is or scaled up.

The corpus texts are ``../shared/corpus/akn2txt.py``'s output, made once and cached outside the
repository by ``resarchive.accuracy.corpus_txt_dir`` (the logic of tests/conftest.py's
``corpus_dir`` fixture). Nothing of the corpus is ever written into the repository.

Scaling. Copy ``r`` (0 .. k-1) of every file is its own content file
``<dest>/c<r>/<session-Language>/<stem>.txt``, with a sidecar ``<stem>.yaml`` holding a distinct
``id:`` (three corpus files carry a wrong symbol in the UN's XML, so ids from symbols collide
even in copy 0; every file gets an explicit id). Copy 0 is the corpus text itself (a symlink).
Copies 1.. would add no new word, which flatters an index: a real archive k times larger has a
larger vocabulary. So in copy r, each rare word (in at most RARE_DF files of the corpus, not a
word of the parser's language data) is renamed, with probability p, to a word of its own (a
two-syllable prefix drawn from a hash of the word and r, in the word's case: "désertification"
-> "kodésertification"), consistently within the copy. p is set so the vocabulary grows as
Heaps' law fitted on the corpus itself predicts for k times the text (V = K n^beta, beta measured
on 1/4, 1/2 and all of the files). Common words keep their spelling, so their postings grow k
times, as they would. The structure (paragraphs, numbers, lead phrases) is unchanged: a scaled
build has exactly k times the paragraphs of the corpus build, which the benchmark checks.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from resarchive.accuracy import corpus_txt_dir  # noqa: E402
from resarchive.anchors import slug  # noqa: E402

WORD = re.compile(r"[^\W\d_]+")
RARE_DF = 2
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def corpus_files(shared: Path, step: int = 1, limit: int = 0) -> tuple[Path, list[Path]]:
    """(root, texts): every ``step``-th corpus text sorted by path, at most ``limit``."""
    root = corpus_txt_dir(shared)
    files = sorted(root.glob("*/*.txt"), key=lambda p: p.relative_to(root).as_posix())[::step]
    return root, files[:limit] if limit else files


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def language_words() -> set[str]:
    """Words of the parser's data files: never renamed (lead phrases, months, headings)."""
    data = REPO / "src" / "resarchive" / "data"
    return {w for f in data.glob("*.yaml") for w in words(f.read_text(encoding="utf-8"))}


@dataclass
class Vocabulary:
    df: Counter  # word -> files holding it
    beta: float  # Heaps' exponent fitted on the files
    size: int

    def target(self, k: int) -> int:
        """Distinct words Heaps' law predicts for k times the text."""
        return round(self.size * k**self.beta)


def vocabulary(texts: list[str]) -> Vocabulary:
    df: Counter = Counter()
    sizes = []
    for part in (4, 2, 1):  # vocabulary of 1/4, 1/2, all of the files
        seen: set[str] = set()
        for text in texts[::part]:
            seen.update(words(text))
        sizes.append((len(texts[::part]), len(seen)))
    for text in texts:
        df.update(set(words(text)))
    xs = [math.log(n) for n, _ in sizes]
    ys = [math.log(v) for _, v in sizes]
    mx, my = sum(xs) / 3, sum(ys) / 3
    den = sum((x - mx) ** 2 for x in xs)
    beta = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.5
    return Vocabulary(df=df, beta=min(max(beta, 0.0), 1.0), size=sizes[-1][1])


def _hash(word: str, copy: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{copy}:{word}".encode(), digest_size=8).digest(), "big")


def renamer(rare: set[str], p: float, copy: int):
    """re.sub callback: a rare word -> its copy-``copy`` variant with probability p, in the
    word's case ("Tchernobyl" -> "Kotchernobyl", "ANNEXE" -> "KOANNEXE")."""
    threshold = int(p * 2**64)
    prefixes: dict[str, str] = {}

    def rename(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        if low not in rare or not word.isalpha():  # "¹²" is \w too: a footnote marker
            return word
        if low not in prefixes:
            h = _hash(low, copy)
            prefixes[low] = SYLLABLES[h % 70] + SYLLABLES[h // 70 % 70] if h < threshold else ""
        prefix = prefixes[low]
        if not prefix:
            return word
        if word.isupper() and len(word) > 1:
            return prefix.upper() + word
        if word[0].isupper():
            return prefix.capitalize() + word[0].lower() + word[1:]
        return prefix + word

    return rename


@dataclass
class Scaled:
    content: Path
    files: int
    copies: int
    vocabulary: int  # distinct words of the corpus files used
    target: int  # Heaps' law prediction for the scaled text
    made: int  # distinct words of the scaled content
    beta: float
    p: float


def make_content(root: Path, files: list[Path], dest: Path, copies: int = 1) -> Scaled:
    """Write the content folder (see the module docstring) and return what it holds."""
    texts = [f.read_text(encoding="utf-8") for f in files]
    vocab = vocabulary(texts) if copies > 1 else Vocabulary(Counter(), 0.0, 0)
    keep = language_words()
    # only words made of letters are renamed ("¹²", a footnote marker, is a \w word too):
    # p is worked out on those, else the vocabulary falls short of the target
    rare = {w for w, n in vocab.df.items() if n <= RARE_DF and w not in keep and w.isalpha()}
    wanted = vocab.target(copies) - vocab.size
    p = min(1.0, wanted / ((copies - 1) * len(rare))) if copies > 1 and rare else 0.0
    made: set[str] = set(vocab.df)
    for r in range(copies):
        rename = renamer(rare, p, r)
        for f, text in zip(files, texts, strict=True):
            rel = f.relative_to(root)
            out = dest / f"c{r}" / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            if r == 0:
                out.symlink_to(f)
            else:
                text = WORD.sub(rename, text)
                out.write_text(text, encoding="utf-8")
                made.update(w for w in words(text) if w not in vocab.df)
            doc_id = slug(f"{rel.parent.name}-{rel.stem}") + (f"-x{r}" if r else "")
            out.with_suffix(".yaml").write_text(f"id: {doc_id}\n", encoding="utf-8")
    return Scaled(
        content=dest,
        files=len(files) * copies,
        copies=copies,
        vocabulary=vocab.size,
        target=vocab.target(copies),
        made=len(made),
        beta=vocab.beta,
        p=p,
    )
