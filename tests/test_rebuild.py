"""A rebuild reuses what did not change (parsed files, pages, index) and writes exactly the
site a build from scratch writes, but for its search index: updated, not rebuilt, that answers
every query as the index built from scratch does (tests/test_index_update.py proves it), with
other refs in other files."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from resarchive import index_state, output, reuse
from resarchive.build import build_site

REPO = Path(__file__).resolve().parents[1]
EDITED = "000_1b8c8940ed5f6a62.txt"  # the France/Romania draft: one document


def build(content: Path, out: Path, cache: Path | None, stats: Path) -> dict:
    command = [
        sys.executable,
        str(REPO / "build.py"),
        "--content",
        str(content),
        "--out",
        str(out),
        "--stats",
        str(stats),
        "--quiet",
    ]
    command += ["--cache", str(cache)] if cache else ["--no-cache"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(stats.read_text(encoding="utf-8"))


def differences(left: Path, right: Path) -> list[str]:
    """Files present on one side only or with different bytes, recursively; the search
    indexes only by what they hold (their manifests' paragraph counts and filters)."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(prefix + n for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            if prefix or name != "search":
                walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    manifests = [
        json.loads((side / "search" / "manifest.json").read_text(encoding="utf-8"))
        for side in (left, right)
    ]
    for key in ("paragraphs", "documents", "filters"):
        if manifests[0][key] != manifests[1][key]:
            found.append(f"search/manifest.json: {key}")
    for lang, entry in manifests[1]["languages"].items():
        for key in ("paragraphs", "lengthSum"):
            if manifests[0]["languages"].get(lang, {}).get(key) != entry[key]:
                found.append(f"search/manifest.json: {lang} {key}")
    return found


def test_rebuild_after_an_edit_equals_a_build_from_scratch(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build(content, site, cache, tmp_path / "first.json")
    assert first["reused"] == 0 and first["parsed"] == first["files"] == 4

    unchanged = build(content, site, cache, tmp_path / "unchanged.json")
    assert unchanged["parsed"] == 0
    assert unchanged["reused"] == unchanged["documents"] == 11

    text = (content / EDITED).read_text(encoding="utf-8")
    assert text.count("enfants") > 1
    (content / EDITED).write_text(text.replace("enfants", "mineurs", 1), encoding="utf-8")
    edited = build(content, site, cache, tmp_path / "edited.json")
    assert edited["parsed"] == 1 and edited["reused"] == 10  # the edited file holds one document

    scratch = tmp_path / "scratch"
    build(content, scratch, None, tmp_path / "scratch.json")
    assert differences(site, scratch) == []
    assert "mineurs" in (site / "doc").joinpath(
        json.loads((site / "catalog.json").read_text(encoding="utf-8"))["documents"][0][
            "url"
        ].removeprefix("doc/")
    ).read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".site.*")), "the old site and the temporary folder are gone"


def test_pages_are_not_reused_for_a_site_replaced_meanwhile(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, cache, tmp_path / "a.json")
    # Someone rebuilt the site without the cache from other content: the record no longer
    # describes it, so its pages must not be trusted.
    (content / EDITED).unlink()
    build(content, site, None, tmp_path / "b.json")
    shutil.copy(REPO / "content" / EDITED, content / EDITED)
    again = build(content, site, cache, tmp_path / "c.json")
    assert again["reused"] == 0
    scratch = tmp_path / "scratch"
    build(content, scratch, None, tmp_path / "scratch.json")
    assert differences(site, scratch) == []


def test_a_record_of_other_output_code_or_another_site_is_not_trusted(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "catalog.json").write_text("{}", encoding="utf-8")
    record = reuse.PageRecord(
        "code-1", reuse.file_digest(site / "catalog.json"), {"doc/a.html": "x"}
    )
    assert reuse.reusable_pages(record, "code-1", site) == {"doc/a.html": "x"}
    assert reuse.reusable_pages(record, "code-2", site) == {}
    (site / "catalog.json").write_text('{"documents": []}', encoding="utf-8")
    assert reuse.reusable_pages(record, "code-1", site) == {}
    assert reuse.reusable_pages(record, "code-1", None) == {}


def test_a_rebuild_updates_the_site_in_place(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, cache, tmp_path / "first.json")
    before = {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    folder = site.stat().st_ino
    gone = json.loads((site / "catalog.json").read_text(encoding="utf-8"))["documents"]
    gone_pages = [site / d["url"] for d in gone if d["source"] == EDITED]
    assert gone_pages and all(p.is_file() for p in gone_pages)

    (content / EDITED).unlink()
    again = build(content, site, cache, tmp_path / "again.json")
    assert again["reused"] == again["documents"] == 10
    assert site.stat().st_ino == folder, "the same folder, updated in place"
    kept = [p for p, ino in before.items() if p.is_file() and p.stat().st_ino == ino]
    assert len(kept) > len(before) // 2, "most files stay where they were, untouched"
    assert not any(p.exists() for p in gone_pages)
    assert not list(tmp_path.glob(".site.*")), "no journal, no folder written aside left"
    scratch = tmp_path / "scratch"
    build(content, scratch, None, tmp_path / "scratch.json")
    assert differences(site, scratch) == []


def test_an_update_in_place_cut_short_is_finished_by_the_next_build(
    tmp_path: Path, monkeypatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, cache, tmp_path / "first.json")
    text = (content / EDITED).read_text(encoding="utf-8")
    (content / EDITED).write_text(text.replace("enfants", "mineurs", 1), encoding="utf-8")

    # the machine stops after two files of the new site were moved in (an OSError standing
    # for the crash: everything before it ran as it does)
    real_replace, moved = os.replace, []

    def replace(source, target):  # type: ignore[no-untyped-def]
        if Path(target).is_relative_to(site):
            if len(moved) == 2:
                raise OSError("power cut")
            moved.append(target)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="power cut"):
        build_site(content, site, cache=cache)
    monkeypatch.undo()
    journal = json.loads(output.journal_path(site.resolve()).read_text(encoding="utf-8"))
    assert len(journal["moves"]) > 2 and (tmp_path / journal["aside"]).is_dir()

    finished = build(content, site, cache, tmp_path / "finished.json")
    assert finished["parsed"] == 0  # parsed by the build cut short, which cached it
    assert not list(tmp_path.glob(".site.*"))
    scratch = tmp_path / "scratch"
    build(content, scratch, None, tmp_path / "scratch.json")
    assert differences(site, scratch) == []


def test_a_rebuild_whose_index_state_is_unreadable_builds_the_index_in_full(
    tmp_path: Path,
) -> None:
    """A rebuild updates the index in a process of its own, beside the pages; an index
    that cannot be updated is built in full after them, and the site is a build from
    scratch's."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, cache, tmp_path / "first.json")
    (state_file,) = cache.glob(f"site-*/index/{index_state.STATE_FILE}")
    state_file.write_bytes(b"not a pickle")
    text = (content / EDITED).read_text(encoding="utf-8")
    (content / EDITED).write_text(text.replace("enfants", "mineurs", 1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(content), "--out", str(site),
         "--cache", str(cache)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "index: built in full (unreadable index state" in done.stderr
    build(content, tmp_path / "scratch", None, tmp_path / "scratch.json")
    assert differences(site, tmp_path / "scratch") == []
    again = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(content), "--out", str(site),
         "--cache", str(cache)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "index: updated" in again.stderr  # the state written by the full build is used


def test_home_pages_made_again_from_kept_rows_equal_a_build_from_scratch(tmp_path: Path) -> None:
    """Removing a file changes what the home pages list: they are written again from the
    rows the previous build rendered, and equal a build from scratch; the rows kept are those
    of the documents left, in each language. Adding it back writes them again: a row doctored
    in the kept ones shows, which proves the rows are taken, not rendered again."""
    import pickle

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, cache, tmp_path / "first.json")
    (rows_file,) = cache.glob("site-*/home-rows.pickle")
    _, rows = pickle.loads(rows_file.read_bytes())
    assert len(rows) == 11 * 3  # every document, in French, English and Spanish

    text = (content / EDITED).read_text(encoding="utf-8")
    (content / EDITED).unlink()  # the one document of e-cn-15-2018-l-3-fr
    build(content, site, cache, tmp_path / "removed.json")
    scratch = tmp_path / "scratch"
    build(content, scratch, None, tmp_path / "scratch.json")
    assert differences(site, scratch) == []
    fingerprint, rows = pickle.loads(rows_file.read_bytes())
    # a row's key: the page's language, the document's id, then the fields the row shows
    assert {key[0] for key in rows} == {"fr", "en", "es"}
    assert len(rows) == 10 * 3 and not any(key[1].startswith("e-cn-15") for key in rows)

    doctored = {key: html.replace("doc-link", "doc-link doctored") for key, html in rows.items()}
    rows_file.write_bytes(pickle.dumps((fingerprint, doctored)))
    (content / EDITED).write_text(text, encoding="utf-8")
    build(content, site, cache, tmp_path / "added.json")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.count("doc-link doctored") == 10 and home.count('class="doc-link"') == 1
