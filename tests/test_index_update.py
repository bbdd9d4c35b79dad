"""The search index updated after an edit (index_update.py) answers as a full build does.

Every case builds a previous site in full (saving the state), edits, adds or removes real
documents, then writes the index again from the previous site. The update must answer every
query exactly as lunr.js does on an index of the live paragraphs (same paragraphs, same
scores to the last bit), and as a full build of the same documents does (the same
paragraphs, by document and anchor, with the same scores); it must write only what the edit
touched and link the rest.
"""

from __future__ import annotations

import copy
import dataclasses
import filecmp
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from resarchive import index, index_state, index_update, textpipe
from resarchive.accuracy import parse_text
from resarchive.load import load_documents
from resarchive.models import Document

SEED_BUDGET = 2_000  # bytes per shard: the seeds then have many shards and common words
FR_QUERIES = ["enfants", "femmes", "femmes enfants", "sécurité", "prie instamment", "etat*"]
EN_QUERIES = ["children", "women", "women children violence", "security council", "develop*"]


@pytest.fixture(scope="module")
def seed_docs(repo_root: Path) -> list[Document]:
    loaded = load_documents(repo_root / "content")
    assert not loaded.errors
    return sorted(loaded.documents, key=lambda d: (d.source, d.line))


@pytest.fixture(scope="module")
def corpus_docs(corpus_dir: Path) -> list[Document]:
    """Every 15th corpus file per language, French and English (a few hundred documents)."""
    docs = []
    for folder in ("French", "English"):
        for f in sorted(corpus_dir.glob(f"*-{folder}/*.txt"))[::15]:
            docs += parse_text(f.read_text(encoding="utf-8"), f.name)
    return docs


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "SHARD_BYTES", SEED_BUDGET)


# ----------------------------------------------------------------------- helpers


def build(
    docs: list[Document], out: Path, previous: Path | None = None, state: Path | None = None
) -> index_update.IndexRun:
    out.mkdir(parents=True)
    return index_update.write_search(docs, out, previous, state)


def edit_word(
    docs: list[Document], old: str, new: str, skip: int = 0
) -> tuple[list[Document], int]:
    """``docs`` with ``old`` replaced by ``new`` in one operative paragraph (the ``skip``-th
    holding it); the edited document's position."""
    seen = 0
    for d, doc in enumerate(docs):
        for p, para in enumerate(doc.operative):
            if f" {old} " in para.rich:
                if seen == skip:
                    edited = copy.deepcopy(doc)
                    edited.operative[p] = dataclasses.replace(
                        para, rich=para.rich.replace(f" {old} ", f" {new} ", 1)
                    )
                    return docs[:d] + [edited] + docs[d + 1 :], d
                seen += 1
    raise AssertionError(f"no operative paragraph with {old!r}")


def same_files(a: Path, b: Path) -> list[str]:
    """Relative paths of files that differ or exist on one side only."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    differ = sorted(str(p) for p in files_a ^ files_b)
    differ += [
        str(p) for p in sorted(files_a & files_b) if not filecmp.cmp(a / p, b / p, shallow=False)
    ]
    return differ


def manifest(search: Path) -> dict[str, Any]:
    return json.loads((search / "manifest.json").read_text(encoding="utf-8"))


def live_rows(search: Path) -> dict[int, tuple[str, str, str, str]]:
    """ref -> (document id, anchor, index language, text) of every live paragraph."""
    deleted = manifest(search)["deleted"]
    dead: set[int] = set()
    at = 0
    for i in range(0, len(deleted), 2):
        at += deleted[i]
        dead.update(range(at, at + deleted[i + 1]))
        at += deleted[i + 1]
    out = {}
    for path in (search / "store").glob("*.json"):
        chunk = json.loads(path.read_text(encoding="utf-8"))
        for k, row in enumerate(chunk["rows"]):
            ref = chunk["first"] + k
            if row is not None and ref not in dead:
                doc = chunk["docs"][str(row[0])]
                out[ref] = (doc["id"], row[1], index.index_language(doc["language"]), row[3])
    return out


def searched(
    repo_root: Path, tmp_path: Path, search: Path, lang: str, queries: list[str]
) -> list[list[tuple[float, str, str]]]:
    """Each query searched by the worker's code on the site's files, checked against lunr.js
    on an index of the live paragraphs; the hits as (-score, document id, anchor), sorted."""
    entry = manifest(search)["languages"][lang]
    rows = live_rows(search)
    mine = [
        index.Entry(ref, 0, anchor, "o", lang, text)
        for ref, (_, anchor, language, text) in sorted(rows.items())
        if language == lang
    ]
    assert len(mine) == entry["paragraphs"]
    assert sum(len(textpipe.analyze(e.text, lang)) for e in mine) == entry["lengthSum"]
    folder = search / lang
    request = {
        "lang": lang,
        "textpipe": textpipe.browser_data(lang),
        "pipeline": [textpipe.label(lang, s) for s in textpipe.STAGES],
        "whole": index.build_lunr(mine, lang),
        "layout": {"bucketKey": entry["bucketKey"], "segments": entry["segments"]},
        "stats": {
            "paragraphs": entry["paragraphs"],
            "lengthSum": entry["lengthSum"],
            "deleted": manifest(search)["deleted"],
        },
        "files": {
            p.relative_to(folder).as_posix(): json.loads(p.read_text(encoding="utf-8"))
            for p in folder.rglob("*.json")
        },
        "queries": [[q, False] for q in queries],
    }
    req, res = tmp_path / "request.json", tmp_path / "response.json"
    req.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        ["node", str(repo_root / "tests" / "js" / "search_node.js"), str(req), str(res)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"node failed:\n{done.stderr[-3000:]}"
    out = []
    for q, r in zip(queries, json.loads(res.read_text())["results"], strict=True):
        assert r["whole"], f"{q!r} finds nothing: the comparison would prove nothing"
        # equal scores: lunr.js keeps the order it met the paragraphs, ours is by ref
        whole = sorted(r["whole"], key=lambda pair: (-pair[1], pair[0]))
        assert r["sharded"] == whole, f"{lang} {q!r}: results differ from lunr.js"
        assert r["previewed"] == whole, f"{lang} {q!r}: results differ after a preview"
        early = r["preview"]["hits"] if r["preview"] else []
        assert early == whole[: len(early)], f"{lang} {q!r}: the preview is not the top"
        out.append(sorted((-score, *rows[ref][:2]) for ref, score in whole))
    return out


def assert_answers_as_full_build(
    repo_root: Path, tmp_path: Path, docs: list[Document], updated: Path, queries: dict
) -> None:
    """The updated index answers as lunr.js does on its live paragraphs, and as a full
    build of ``docs`` does; its facets cover the same documents."""
    full = tmp_path / f"full-{updated.name}"
    build(docs, full)
    for lang, qs in queries.items():
        assert searched(repo_root, tmp_path, updated / "search", lang, qs) == searched(
            repo_root, tmp_path, full / "search", lang, qs
        ), lang
    a, b = manifest(updated / "search"), manifest(full / "search")
    assert a["filters"] == b["filters"] and a["paragraphs"] == b["paragraphs"]
    for lang in b["languages"]:
        for key in ("paragraphs", "lengthSum"):
            assert a["languages"][lang][key] == b["languages"][lang][key]


# ------------------------------------------------------------------------- seeds


def test_no_change_links_everything(seed_docs, tmp_path: Path, small_shards) -> None:
    state = tmp_path / "state"
    first = build(seed_docs, tmp_path / "a", None, state)
    assert first.path == "full"
    run = build(seed_docs, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "fast", run.reason
    assert run.added == run.removed == run.shards_rewritten == run.chunks_rewritten == 0
    assert run.files_linked > 20
    assert same_files(tmp_path / "a", tmp_path / "b") == []
    # linked, not copied
    store = tmp_path / "b" / "search" / "store" / "0.json"
    assert store.stat().st_ino == (tmp_path / "a" / "search" / "store" / "0.json").stat().st_ino


def test_one_word_changed_on_the_seeds(
    seed_docs, repo_root: Path, tmp_path: Path, small_shards
) -> None:
    state = tmp_path / "state"
    build(seed_docs, tmp_path / "a", None, state)
    edited, d = edit_word(seed_docs, "enfants", "femmes")
    run = build(edited, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "fast", run.reason
    assert run.added == run.removed == 1
    # the document's paragraphs went into a new segment: its few files, and the old
    # segment's files untouched but for the buckets of common words it held
    paragraphs = len(index.document_entries(edited[d], 0, 0))
    assert run.changed_paragraphs == 2 * paragraphs
    new = manifest(tmp_path / "b" / "search")
    assert [s[0] for s in new["languages"]["fr"]["segments"]] == ["s0", "s1"]
    # the store chunks of the new rows only (the first one holds older rows too)
    assert new["deleted"] and run.chunks_rewritten <= paragraphs // index.STORE_CHUNK + 2
    assert_answers_as_full_build(repo_root, tmp_path, edited, tmp_path / "b", {"fr": FR_QUERIES})
    # and the saved state carries on: a second edit, from the updated site
    again, _ = edit_word(edited, "femmes", "enfants")
    run = build(again, tmp_path / "c", tmp_path / "b", state)
    assert run.path == "fast", run.reason
    assert_answers_as_full_build(repo_root, tmp_path, again, tmp_path / "c", {"fr": FR_QUERIES})


def test_documents_added_and_removed(
    seed_docs, repo_root: Path, tmp_path: Path, small_shards
) -> None:
    """Removing two documents, then adding them back, then a paragraph removed from one:
    each an update, none a full build."""
    state = tmp_path / "state"
    build(seed_docs, tmp_path / "a", None, state)
    fewer = seed_docs[:3] + seed_docs[5:]
    run = build(fewer, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "fast" and (run.added, run.removed) == (0, 2), run.reason
    assert run.shards_rewritten < 10 and run.chunks_rewritten == 0
    assert_answers_as_full_build(repo_root, tmp_path, fewer, tmp_path / "b", {"fr": FR_QUERIES})
    run = build(seed_docs, tmp_path / "c", tmp_path / "b", state)
    assert run.path == "fast" and (run.added, run.removed) == (2, 0), run.reason
    assert_answers_as_full_build(repo_root, tmp_path, seed_docs, tmp_path / "c", {"fr": FR_QUERIES})
    d = next(i for i, doc in enumerate(seed_docs) if len(doc.operative) > 2)
    doc = copy.deepcopy(seed_docs[d])
    del doc.operative[1]
    shorter = seed_docs[:d] + [doc] + seed_docs[d + 1 :]
    run = build(shorter, tmp_path / "d", tmp_path / "c", state)
    assert run.path == "fast" and (run.added, run.removed) == (1, 1), run.reason
    assert_answers_as_full_build(repo_root, tmp_path, shorter, tmp_path / "d", {"fr": FR_QUERIES})


def test_common_word_count_lowered(
    seed_docs, repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 600-byte shards "enfant" is a common word (a top piece and pieces), whose
    paragraph count its bucket holds: removing a document that has it rewrites that bucket
    with the count lowered, and nothing else of the first segment."""
    monkeypatch.setattr(index, "SHARD_BYTES", 600)
    state = tmp_path / "state"
    build(seed_docs, tmp_path / "a", None, state)
    entry = manifest(tmp_path / "a" / "search")["languages"]["fr"]
    b = index.term_bucket("enfant", entry["segments"][0][1])
    bucket_file = f"fr/s0/{b}.json"
    before = json.loads((tmp_path / "a" / "search" / bucket_file).read_text())
    (top,) = [r for r in before["shards"] if r[0] == "enfant" and len(r) == 3]
    d = next(i for i, doc in enumerate(seed_docs) if "enfant" in doc.operative[0].text.lower())
    fewer = seed_docs[:d] + seed_docs[d + 1 :]
    run = build(fewer, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "fast", run.reason
    after = json.loads((tmp_path / "b" / "search" / bucket_file).read_text())
    (lowered,) = [r for r in after["shards"] if r[0] == "enfant" and len(r) == 3]
    assert lowered[2]["df"] < top[2]["df"] and lowered[2]["bound"] == top[2]["bound"]
    changed = [
        p for p in same_files(tmp_path / "a" / "search" / "fr", tmp_path / "b" / "search" / "fr")
    ]
    assert f"s0/{b}.json" in changed and len(changed) <= run.shards_rewritten
    assert_answers_as_full_build(
        repo_root, tmp_path, fewer, tmp_path / "b", {"fr": ["enfants", "enfants etat", "etats"]}
    )


def test_segments_are_merged(seed_docs, repo_root: Path, tmp_path: Path, small_shards) -> None:
    """Each edit adds a segment; past MAX_SEGMENTS the segments after the first become one,
    their removed paragraphs dropped."""
    state = tmp_path / "state"
    build(seed_docs, tmp_path / "0", None, state)
    docs = seed_docs
    words = ["enfants", "femmes"] * 4
    merges = 0
    for n in range(1, len(words)):
        docs, _ = edit_word(docs, words[n - 1], words[n])
        run = build(docs, tmp_path / str(n), tmp_path / str(n - 1), state)
        assert run.path == "fast", run.reason
        segments = manifest(tmp_path / str(n) / "search")["languages"]["fr"]["segments"]
        assert len(segments) <= index_update.MAX_SEGMENTS
        if run.merged:
            assert len(segments) == 2
            merges += 1
    assert merges == 2, "7 edits, a segment each: merged at the 4th and the 7th"
    last = tmp_path / str(len(words) - 1)
    assert_answers_as_full_build(repo_root, tmp_path, docs, last, {"fr": FR_QUERIES})
    # the merged-away segments are gone, not linked along
    names = {p.name for p in (last / "search" / "fr").iterdir()}
    assert names == {s[0] for s in manifest(last / "search")["languages"]["fr"]["segments"]}


def test_growth_past_the_limit_rebuilds(seed_docs, tmp_path: Path, small_shards) -> None:
    state = tmp_path / "state"
    build(seed_docs[:2], tmp_path / "a", None, state)
    run = build(seed_docs, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "full" and "added since the full build" in run.reason
    run = build(seed_docs, tmp_path / "c", tmp_path / "b", state)
    assert run.path == "fast", run.reason


def test_state_of_another_site_is_not_trusted(seed_docs, repo_root: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    build(seed_docs, tmp_path / "a", None, state)
    other, _ = edit_word(seed_docs, "enfants", "femmes")
    build(other, tmp_path / "other", None, state)  # the state is now other's
    # other's documents with a's site: the two manifests are the same bytes (they list no
    # text), yet a's store and shards are not other's
    assert (tmp_path / "a" / "search" / "manifest.json").read_bytes() == (
        tmp_path / "other" / "search" / "manifest.json"
    ).read_bytes()
    run = build(other, tmp_path / "x", tmp_path / "a", state)
    assert run.path == "full" and "previous site" in run.reason
    build(other, tmp_path / "other2", None, state)  # back to other's state
    run = build(seed_docs, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "full" and "previous site" in run.reason
    assert same_files(tmp_path / "a", tmp_path / "b") == []

    manifest_file = tmp_path / "b" / "search" / "manifest.json"  # state now matches b
    manifest_file.write_text(manifest_file.read_text(encoding="utf-8") + " ", encoding="utf-8")
    run = build(seed_docs, tmp_path / "c", tmp_path / "b", state)
    assert run.path == "full" and "previous site" in run.reason

    (state / index_state.STATE_FILE).write_bytes(b"not a pickle")
    run = build(seed_docs, tmp_path / "d", tmp_path / "c", state)
    assert run.path == "full" and "unreadable" in run.reason
    assert same_files(tmp_path / "a", tmp_path / "d") == []


def test_write_search_without_state_keeps_its_output(seed_docs, tmp_path: Path) -> None:
    """write_search without previous site or state folder: the plain full build."""
    (tmp_path / "a").mkdir()
    written = index_update.write_search(seed_docs, tmp_path / "a", None, None).manifest
    build(seed_docs, tmp_path / "b", None, tmp_path / "state")
    assert written == manifest(tmp_path / "a" / "search")
    assert same_files(tmp_path / "a", tmp_path / "b") == []


# ------------------------------------------------------------------------ corpus


def test_edit_add_remove_on_the_corpus(corpus_docs, repo_root: Path, tmp_path: Path) -> None:
    """French and English at once: one document edited in each, one removed, one added."""
    state = tmp_path / "state"
    held_back = corpus_docs[7]
    build(corpus_docs[:7] + corpus_docs[8:], tmp_path / "a", None, state)
    run = build(corpus_docs[:7] + corpus_docs[8:], tmp_path / "same", tmp_path / "a", state)
    assert run.path == "fast" and run.added == run.removed == 0
    assert same_files(tmp_path / "a", tmp_path / "same") == []

    edited, _ = edit_word(corpus_docs, "enfants", "femmes")
    edited, _ = edit_word(edited, "children", "women")
    gone = edited[-3]
    edited = [d for d in edited if d is not gone]  # removed; held_back is added
    run = build(edited, tmp_path / "b", tmp_path / "same", state)
    assert run.path == "fast", run.reason
    assert (run.added, run.removed) == (3, 3)
    assert held_back.id in {d.id for d in edited}
    assert_answers_as_full_build(
        repo_root, tmp_path, edited, tmp_path / "b", {"fr": FR_QUERIES, "en": EN_QUERIES}
    )
