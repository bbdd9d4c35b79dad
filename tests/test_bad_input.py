"""Bad input: one run names every broken file (and line), exits non-zero, prints no traceback,
and leaves the previous site untouched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resarchive.errors import ContentError
from resarchive.models import SourceText
from resarchive.pipeline import parse_source

REPO = Path(__file__).resolve().parents[1]


def run_build(content: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(content), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_bad_file_is_named_and_the_old_site_survives(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(REPO / "content" / "000_1b8c8940ed5f6a62.txt", content)
    (content / "empty.txt").write_text("", encoding="utf-8")
    (content / "blank.txt").write_text("\n  \n", encoding="utf-8")
    (content / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (content / "latin1.txt").write_bytes("L'Assemblée générale,\n\n1. Prie ;\n".encode("latin-1"))
    (content / "notes.txt").write_text("Shopping list\n\neggs, milk\n", encoding="utf-8")
    (content / "good.txt").write_text(
        "L'Assemblée générale,\n\nRappelant,\n\n1. Prie ;\n", encoding="utf-8"
    )
    (content / "good.yaml").write_text(
        "title: Ok\nsponsors: [France\nsymbol: A/1\n", encoding="utf-8"
    )
    (content / "orphan.yaml").write_text("title: nobody\n", encoding="utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous site", encoding="utf-8")

    result = run_build(content, out)

    assert result.returncode == 1
    err = result.stderr
    assert "Traceback" not in err and "Traceback" not in result.stdout
    expected = [
        "empty.txt: empty file",
        "blank.txt: empty file",
        "binary.txt: binary file",
        "latin1.txt:1: not UTF-8",
        "notes.txt:1: no resolution structure found",
        "good.yaml:3: malformed YAML",
        "orphan.yaml: metadata file without a text",
    ]
    for line in expected:
        assert f"error: {line}" in err, f"{line!r} missing from:\n{err}"
    assert "000_1b8c8940ed5f6a62.txt" not in err
    assert "Build failed: 7 error(s) in 7 file(s)" in err
    assert (out / "index.html").read_text(encoding="utf-8") == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]  # no half-built site


def test_a_good_build_replaces_the_site_whole(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(REPO / "content" / "003_119bc831e513df92.txt", content)
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old", encoding="utf-8")
    result = run_build(content, out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Done: 1 documents")
    assert not (out / "stale.html").exists()
    assert (out / "doc" / "mc-dec-7-17-corr-1-fr.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]


def test_unknown_yaml_field_is_named(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(REPO / "content" / "003_119bc831e513df92.txt", content)
    (content / "003_119bc831e513df92.yaml").write_text("titel: x\n", encoding="utf-8")
    result = run_build(content, tmp_path / "site")
    assert result.returncode == 1
    assert "003_119bc831e513df92.yaml: unknown metadata field(s) titel" in result.stderr


KEYWORDS = [
    "L'Assemblée générale,",
    "The General Assembly,",
    "1.",
    "2.",
    "a)",
    "(iv)",
    "¹",
    "^{*}",
    "<sup>2</sup>",
    "*",
    "**",
    "#",
    "Projet de résolution I",
    "Annexe",
    "Chapitre I",
    "2/3 V.18-02322",
    "\n",
    "\n\n",
    "Rappelant",
    "Prie",
    ":",
    ",",
    ";",
    "1^{er}",
    "$",
    "- ",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(KEYWORDS), st.text(max_size=30)), max_size=60))
def test_parser_never_raises_on_arbitrary_text(parts: list[str]) -> None:
    """Never refuse input with a crash: any text parses, or is rejected with a ContentError."""
    text = " ".join(parts)
    try:
        docs = parse_source(SourceText(path=Path("/fuzz.txt"), rel="fuzz.txt", text=text))
    except ContentError as error:
        assert error.file == "fuzz.txt"
        return
    for doc in docs:
        assert doc.id


def test_a_missing_content_folder_is_named_as_such(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous site", encoding="utf-8")
    result = run_build(tmp_path / "no-such-folder", out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        f"content folder {tmp_path / 'no-such-folder'} not found (no such folder)" in result.stderr
    )
    assert "error(s) in" not in result.stderr  # not counted as a broken content file
    assert (out / "index.html").read_text(encoding="utf-8") == "previous site"


def test_serving_a_missing_site_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "--serve",
            "0",
            "--no-build",
            "--out",
            str(tmp_path / "never-built"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "holds no built site" in result.stderr and "Serving" not in result.stdout
