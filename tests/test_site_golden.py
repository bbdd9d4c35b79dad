"""The whole built site, byte for byte, against the committed copy in tests/golden/site/.

    pytest tests/test_site_golden.py --update-golden    # rewrite, then read `git diff`

A change that only restructures code must leave every page, data file and search file
identical; a change meant to alter the output rewrites the copy and shows up in review as
a diff. ``static/`` is left out: it is the repository's own static/ folder (the search
worker's libraries inlined, see tests/test_assets.py), reviewed where it is written.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

GOLDEN_SITE = Path(__file__).parent / "golden" / "site"
SKIPPED = ("static",)


def site_files(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in SKIPPED
    }


def test_built_site_matches_golden(built_site: Path, update_golden: bool) -> None:
    built = site_files(built_site)
    if update_golden or not GOLDEN_SITE.exists():
        shutil.rmtree(GOLDEN_SITE, ignore_errors=True)
        for rel, path in built.items():
            target = GOLDEN_SITE / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        if not update_golden:
            pytest.fail("tests/golden/site did not exist: written now; read it and commit it")
        return
    golden = site_files(GOLDEN_SITE)
    problems = []
    for rel in sorted(golden.keys() - built.keys()):
        problems.append(f"missing from the build: {rel}")
    for rel in sorted(built.keys() - golden.keys()):
        problems.append(f"new in the build: {rel}")
    for rel in sorted(golden.keys() & built.keys()):
        expected, actual = golden[rel].read_bytes(), built[rel].read_bytes()
        if expected == actual:
            continue
        diff = "".join(
            difflib.unified_diff(
                expected.decode("utf-8", "replace").splitlines(True),
                actual.decode("utf-8", "replace").splitlines(True),
                f"golden/site/{rel}",
                f"built/{rel}",
                n=1,
            )
        )
        problems.append(diff[:3000])
    assert not problems, (
        f"{len(problems)} difference(s) with tests/golden/site "
        "(rerun with --update-golden if meant):\n" + "\n".join(problems[:12])
    )
