"""Writing a site aside and swapping it in, so a reader never sees a half-written site.

Stage: output (around render, export, assets and index). May import: the standard library.

The new site is written into a hidden sibling folder (``.site.tmp-<pid>``); only when every
file is there does it replace the site in place, by two renames. If anything fails, the
folder written aside is removed and the old site is untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BACKGROUND_REMOVAL_FROM = 500  # documents; removing a large old site takes a second or more


@contextmanager
def written_aside(out: Path) -> Iterator[Path]:
    """A fresh empty folder beside ``out`` to write the new site into; removed if the
    block fails (call :func:`swap` at its end to put it in place)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def swap(new: Path, out: Path, background: bool = False) -> None:
    """Replace ``out`` by ``new`` with renames, so a reader never sees a half-written site.

    The old site is then garbage; with ``background`` a detached process removes it, so the
    build returns as soon as the new site is in place.
    """
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    new.rename(out)
    if not old.exists():
        return
    if background:
        try:
            remove = "import shutil, sys; shutil.rmtree(sys.argv[1])"
            subprocess.Popen(
                [sys.executable, "-c", remove, str(old)],
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            return
        except OSError:
            pass
    shutil.rmtree(old)
