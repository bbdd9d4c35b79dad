"""Errors about content, reported as "file:line: message" and never as a traceback.

Stage: model (shared by every stage). May import: the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentError(Exception):
    """A problem with one content file. ``line`` is 1-based, 0 when no line applies (a PDF's
    problems name their page in the message)."""

    file: str
    message: str
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"
