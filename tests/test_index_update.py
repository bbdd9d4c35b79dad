"""The search index updated after a small edit (index_update.py) equals a full build.

Every case builds a previous site in full (saving the state), edits real documents, then
writes the index twice: updated from the previous site, and in full from scratch. The two
must hold the same postings (term -> {ref: score}) in their shards, the same store, facets
and manifest (bar term indexes and shard cuts), and lunr.js must rank queries the same.
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


def postings(search: Path, top_pieces: bool = False) -> dict[str, dict[str, dict[int, float]]]:
    """Per language, term -> {ref: score} from every shard the manifest lists; with
    ``top_pieces``, from the common words' top pieces only (term "<term> <bound>")."""
    manifest = json.loads((search / "manifest.json").read_text(encoding="utf-8"))
    out: dict[str, dict[str, dict[int, float]]] = {}
    for lang, entry in manifest["languages"].items():
        terms: dict[str, dict[int, float]] = out.setdefault(lang, {})
        previous_last = ""
        for n, (first, last, *refs) in enumerate(entry["shards"]):
            assert first <= last and (first > previous_last or refs), "ranges overlap"
            previous_last = last
            if top_pieces != (len(refs) == 1):
                continue
            name = entry["files"].replace("{n}", str(n))
            shard = json.loads((search / name).read_text(encoding="utf-8"))
            listed = [t[0] for t in shard["terms"]]
            assert listed == sorted(listed) and listed[0] == first and listed[-1] == last
            for term, _t_index, flat in shard["terms"]:
                key = f"{term} {shard['top']}" if top_pieces else term
                ref = 0
                for i in range(0, len(flat), 2):
                    ref += flat[i]
                    terms.setdefault(key, {})[ref] = flat[i + 1]
    return out


def same_files(a: Path, b: Path) -> list[str]:
    """Relative paths of files that differ or exist on one side only."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    differ = sorted(str(p) for p in files_a ^ files_b)
    differ += [
        str(p) for p in sorted(files_a & files_b) if not filecmp.cmp(a / p, b / p, shallow=False)
    ]
    return differ


def assert_equivalent(fast: Path, full: Path) -> None:
    """Same postings and scores, and top pieces; store and facets byte for byte; same
    manifest but shards."""
    assert postings(fast / "search") == postings(full / "search")
    assert postings(fast / "search", True) == postings(full / "search", True)
    for name in (
        "facets.json",
        *(
            str(p.relative_to(full / "search"))
            for p in sorted((full / "search" / "store").glob("*"))
        ),
    ):
        assert (fast / "search" / name).read_bytes() == (full / "search" / name).read_bytes(), name
    manifests = [
        json.loads((out / "search" / "manifest.json").read_text(encoding="utf-8"))
        for out in (fast, full)
    ]
    for m in manifests:
        for entry in m["languages"].values():
            entry.pop("shards")
    assert manifests[0] == manifests[1]


def run_node(repo_root: Path, tmp_path: Path, request: dict[str, Any]) -> list[dict]:
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
    return json.loads(res.read_text(encoding="utf-8"))["results"]


def assert_same_search(
    repo_root: Path, tmp_path: Path, docs: list[Document], fast: Path, lang: str, queries: list[str]
) -> None:
    """The worker's search on the updated shards ranks exactly as lunr.js on a whole index."""
    search = fast / "search"
    manifest = json.loads((search / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["languages"][lang]
    mine = [e for e in index.entries(docs) if index.index_language(e.language) == lang]
    results = run_node(
        repo_root,
        tmp_path,
        {
            "lang": lang,
            "textpipe": textpipe.browser_data(lang),
            "pipeline": [textpipe.label(lang, s) for s in textpipe.STAGES],
            "whole": index.build_lunr(mine, lang),
            "shards": [
                json.loads(
                    (search / entry["files"].replace("{n}", str(n))).read_text(encoding="utf-8")
                )
                for n in range(len(entry["shards"]))
            ],
            "ranges": entry["shards"],
            "queries": [[q, False] for q in queries],
        },
    )
    for q, r in zip(queries, results, strict=True):
        assert r["whole"], f"{q!r} finds nothing: the comparison would prove nothing"
        # equal scores: lunr.js keeps the order it met the paragraphs, ours is by ref
        whole = sorted(r["whole"], key=lambda pair: (-pair[1], pair[0]))
        assert r["sharded"] == whole, f"{lang} {q!r}: results differ"
        assert r["previewed"] == whole, f"{lang} {q!r}: results differ after a preview"
        early = r["preview"]["hits"] if r["preview"] else []
        assert early == whole[: len(early)], f"{lang} {q!r}: the preview is not the top"


# ------------------------------------------------------------------------- seeds


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "SHARD_BYTES", SEED_BUDGET)


def test_no_change_links_everything(
    seed_docs, repo_root: Path, tmp_path: Path, small_shards
) -> None:
    state = tmp_path / "state"
    first = build(seed_docs, tmp_path / "a", None, state)
    assert first.path == "full"
    run = build(seed_docs, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "fast", run.reason
    assert run.dirty_terms == run.shards_rewritten == run.chunks_rewritten == 0
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
    edited, _ = edit_word(seed_docs, "enfants", "femmes")
    run = build(edited, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "fast", run.reason
    assert run.changed_paragraphs == 1 and run.dirty_terms == 2
    assert 1 <= run.shards_rewritten <= 4 and run.chunks_rewritten >= 1
    build(edited, tmp_path / "full")
    assert_equivalent(tmp_path / "b", tmp_path / "full")
    assert_same_search(
        repo_root,
        tmp_path,
        edited,
        tmp_path / "b",
        "fr",
        ["enfants", "femmes", "femmes enfants", "sécurité", "prie instamment"],
    )
    # and the saved state carries on: a second edit, from the updated site
    again, _ = edit_word(edited, "femmes", "enfants")
    run = build(again, tmp_path / "c", tmp_path / "b", state)
    assert run.path == "fast", run.reason
    build(again, tmp_path / "full2")
    assert_equivalent(tmp_path / "c", tmp_path / "full2")


def test_common_word_changed(
    seed_docs, repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 600-byte shards "enfant" is a common word (a top piece and two pieces): an edit
    that removes one of its postings rewrites all three."""
    monkeypatch.setattr(index, "SHARD_BYTES", 600)
    state = tmp_path / "state"
    build(seed_docs, tmp_path / "a", None, state)
    manifest = json.loads((tmp_path / "a" / "search" / "manifest.json").read_text())
    common = [s for s in manifest["languages"]["fr"]["shards"] if s[0] == s[1] == "enfant"]
    assert [len(s) for s in common] == [3, 4, 4]
    before = postings(tmp_path / "a" / "search", True)["fr"]
    edited, _ = edit_word(seed_docs, "enfants", "femmes")
    run = build(edited, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "fast", run.reason
    assert run.shards_rewritten >= 3
    build(edited, tmp_path / "full")
    assert_equivalent(tmp_path / "b", tmp_path / "full")
    assert postings(tmp_path / "b" / "search", True)["fr"] != before
    assert_same_search(
        repo_root,
        tmp_path,
        edited,
        tmp_path / "b",
        "fr",
        ["enfants", "femmes enfants", "enfants etat", "Etats membres"],
    )


def test_new_term_and_dropped_term(
    seed_docs, repo_root: Path, tmp_path: Path, small_shards
) -> None:
    """A word seen nowhere else replaces a word seen nowhere else: one term appears (with a
    new term index), one disappears."""
    state = tmp_path / "state"
    build(seed_docs, tmp_path / "a", None, state)
    found = postings(tmp_path / "a" / "search")["fr"]
    rare = next(
        word
        for e in index.entries(seed_docs)
        if e.kind == "o"
        for word in e.text.split()
        if word.isalpha()
        and len(analysed := textpipe.analyze(word, "fr")) == 1
        and len(found.get(analysed[0], {})) == 1
        and textpipe.analyze(e.text, "fr").count(analysed[0]) == 1
        and any(f" {word} " in p.rich for d in seed_docs for p in d.operative)
    )
    edited, _ = edit_word(seed_docs, rare, "zzzyxq")
    run = build(edited, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "fast", run.reason
    build(edited, tmp_path / "full")
    assert_equivalent(tmp_path / "b", tmp_path / "full")
    found = postings(tmp_path / "b" / "search")["fr"]
    assert "zzzyxq" in found and textpipe.analyze(rare, "fr")[0] not in found
    assert_same_search(repo_root, tmp_path, edited, tmp_path / "b", "fr", ["zzzyxq", "enfants"])


@pytest.mark.parametrize("edit", ["longer paragraph", "paragraph removed"])
def test_harder_changes_rebuild(
    seed_docs, repo_root: Path, tmp_path: Path, small_shards, edit: str
) -> None:
    state = tmp_path / "state"
    build(seed_docs, tmp_path / "a", None, state)
    if edit == "longer paragraph":
        edited, _ = edit_word(seed_docs, "enfants", "jeunes enfants")
    else:
        d = next(i for i, doc in enumerate(seed_docs) if len(doc.operative) > 2)
        doc = copy.deepcopy(seed_docs[d])
        del doc.operative[1]
        edited = seed_docs[:d] + [doc] + seed_docs[d + 1 :]
    run = build(edited, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "full"
    assert ("length" if edit == "longer paragraph" else "paragraphs") in run.reason
    build(edited, tmp_path / "full")
    assert same_files(tmp_path / "b", tmp_path / "full") == []
    # the full path saved a state for the new site: the next build is fast again
    run = build(edited, tmp_path / "c", tmp_path / "b", state)
    assert run.path == "fast", run.reason


def test_state_of_another_site_is_not_trusted(seed_docs, repo_root: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    build(seed_docs, tmp_path / "a", None, state)
    other, _ = edit_word(seed_docs, "enfants", "femmes")
    build(other, tmp_path / "other", None, state)  # the state is now other's
    # other's documents with a's site: every document key matches the state, and the two
    # manifests are the same bytes, yet a's store and shards are not other's
    assert (tmp_path / "a" / "search" / "manifest.json").read_bytes() == (
        tmp_path / "other" / "search" / "manifest.json"
    ).read_bytes()
    run = build(other, tmp_path / "x", tmp_path / "a", state)
    assert run.path == "full" and "previous site" in run.reason
    build(other, tmp_path / "other2", None, state)  # back to other's state
    run = build(seed_docs, tmp_path / "b", tmp_path / "a", state)
    assert run.path == "full" and "previous site" in run.reason
    assert same_files(tmp_path / "a", tmp_path / "b") == []

    manifest = tmp_path / "b" / "search" / "manifest.json"  # state now matches b: tamper b
    manifest.write_text(manifest.read_text(encoding="utf-8") + " ", encoding="utf-8")
    run = build(seed_docs, tmp_path / "c", tmp_path / "b", state)
    assert run.path == "full" and "previous site" in run.reason

    (state / index_state.STATE_FILE).write_bytes(b"not a pickle")
    run = build(seed_docs, tmp_path / "d", tmp_path / "c", state)
    assert run.path == "full" and "unreadable" in run.reason
    assert same_files(tmp_path / "a", tmp_path / "d") == []


def test_write_search_without_state_keeps_its_output(
    seed_docs, repo_root: Path, tmp_path: Path
) -> None:
    """write_search without previous site or state folder: the plain full build."""
    (tmp_path / "a").mkdir()
    manifest = index_update.write_search(seed_docs, tmp_path / "a", None, None).manifest
    build(seed_docs, tmp_path / "b", None, tmp_path / "state")
    assert manifest == json.loads((tmp_path / "a" / "search" / "manifest.json").read_text())
    assert same_files(tmp_path / "a", tmp_path / "b") == []


# ------------------------------------------------------------------------ corpus


def test_one_word_changed_on_the_corpus(corpus_docs, repo_root: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    build(corpus_docs, tmp_path / "a", None, state)
    run = build(corpus_docs, tmp_path / "same", tmp_path / "a", state)
    assert run.path == "fast" and run.dirty_terms == 0
    assert same_files(tmp_path / "a", tmp_path / "same") == []

    edited, _ = edit_word(corpus_docs, "enfants", "femmes")
    edited, _ = edit_word(edited, "children", "women")
    run = build(edited, tmp_path / "b", tmp_path / "same", state)
    assert run.path == "fast", run.reason
    assert run.changed_paragraphs == 2 and run.dirty_terms == 4
    build(edited, tmp_path / "full")
    assert_equivalent(tmp_path / "b", tmp_path / "full")
    assert_same_search(
        repo_root,
        tmp_path,
        edited,
        tmp_path / "b",
        "fr",
        ["enfants", "femmes", "femmes enfants violence", "sécurité"],
    )
    assert_same_search(
        repo_root,
        tmp_path,
        edited,
        tmp_path / "b",
        "en",
        ["children", "women", "women children violence", "security council"],
    )
