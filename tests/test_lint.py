"""The code's habits, checked with the rest of the suite (so CI enforces them): ruff's lint
rules, ruff's formatting, and mypy in strict mode on src/resarchive (pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_tool_is_clean(command: list[str]) -> None:
    tool = BIN / command[0]
    assert tool.exists(), f"{tool} not installed: run `make test` (it installs the dev extras)"
    done = subprocess.run(
        [str(tool), *command[1:]], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout[-6000:]}{done.stderr[-2000:]}"
