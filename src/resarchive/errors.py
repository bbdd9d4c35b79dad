"""Errors about content, reported as "file:line: message" and never as a traceback.

Stage: model (shared by every stage). May import: the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentError(Exception):
    """A problem with one content file. ``line`` is 1-based, 0 when no line applies;
    ``page`` (1-based) places a problem of a PDF, which has pages rather than lines."""

    file: str
    message: str
    line: int = 0
    page: int = 0

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.page:
            where += f" (page {self.page})"
        return f"{where}: {self.message}"
