"""Parser accuracy on a fixed sample of the UN General Assembly corpus (every 20th file of
../shared/corpus, French and English): ≥ 98 % of the scored documents exact in each language
and no word lost; and on all 327 Spanish resolutions of session 78 (the language added by its
data file alone, data/es.yaml): ≥ 99 % exact, no word lost. Definitions (exact, exclusions,
words lost): src/resarchive/accuracy.py. The whole corpus: ``.venv/bin/python
bench/accuracy.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from resarchive.accuracy import corpus_files, score_file, summarize

TARGET = 0.98


def describe(results) -> str:
    lines = []
    for r in results:
        if not r.excluded and not r.exact:
            lines.append(f"{r.name}: {r.error or '; '.join(m.describe() for m in r.misses)}")
        if r.lost:
            lines.append(f"{r.name}: lost {sorted(r.lost.items())[:12]}")
    return "\n".join(lines[:40])


@pytest.fixture(scope="module")
def clean_results(corpus_dir: Path):
    return [score_file(f, corpus_dir) for f in corpus_files(corpus_dir, quick=True)]


def test_sample_covers_both_languages(clean_results) -> None:
    summary = summarize(clean_results)
    assert set(summary) == {"fr", "en"}
    assert all(s.scored >= 50 for s in summary.values()), summary


@pytest.mark.parametrize("language", ["fr", "en"])
def test_exact_share(clean_results, language: str) -> None:
    s = summarize(clean_results)[language]
    assert s.exact_share >= TARGET, f"{s.exact}/{s.scored} exact\n{describe(clean_results)}"


@pytest.fixture(scope="module")
def spanish_results(corpus_es_dir: Path):
    return [score_file(f, corpus_es_dir) for f in corpus_files(corpus_es_dir)]


def test_spanish_by_its_data_file_alone(spanish_results) -> None:
    summary = summarize(spanish_results)
    assert set(summary) == {"es"}
    s = summary["es"]
    assert s.files == 327 and s.scored >= 300, s
    assert s.exact_share >= 0.99, f"{s.exact}/{s.scored} exact\n{describe(spanish_results)}"
    lost = {r.name: r.lost for r in spanish_results if r.lost}
    assert not lost, describe(spanish_results)


def test_no_word_lost(clean_results) -> None:
    lost = {r.name: r.lost for r in clean_results if r.lost}
    assert not lost, describe(clean_results)
