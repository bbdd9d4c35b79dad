"""Stage 1, read: content files -> SourceText, and their optional YAML sidecars.

Stage: read. May import: models, errors, pdfread.

Bad input is reported as ContentError (file and line, or page for a PDF), never raised as a
traceback. A PDF is read by its layout (pdfread.py) into the text a careful converter gives,
pages separated by form feeds; the rest of the pipeline reads it as it reads a text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError
from .models import SourceText

TEXT_SUFFIXES = (".txt", ".md")
XML_SUFFIXES = (".xml",)  # Akoma Ntoso (akn_read.py)
PDF_SUFFIXES = (".pdf",)  # read by the page layout (pdfread.py)
SOURCE_SUFFIXES = TEXT_SUFFIXES + XML_SUFFIXES + PDF_SUFFIXES
META_SUFFIXES = (".yaml", ".yml")
META_KEYS = {
    "id",
    "title",
    "symbol",
    "number",
    "date",
    "body",
    "organization",
    "organ",
    "kind",
    "language",
    "sponsors",
    "session",
    "agenda_item",
    "agenda_title",
    "place",
}


@dataclass
class ContentFiles:
    """What a content folder holds, found in one walk."""

    sources: list[Path]  # text files, sorted by relative path
    sidecars: dict[Path, Path]  # text file -> its YAML file
    orphans: list[Path]  # YAML files without a text beside them, sorted


def scan_content(content: Path) -> ContentFiles:
    """Walk ``content`` once (os.scandir: the file type comes with the directory entry, so a
    folder of thousands of files costs no stat per file). Hidden files are skipped."""
    texts: dict[tuple[str, ...], Path] = {}
    metas: dict[tuple[str, ...], Path] = {}
    folders: list[tuple[Path, tuple[str, ...]]] = [(content, ())]
    while folders:
        folder, parts = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                stem, dot, suffix = entry.name.rpartition(".")
                suffix = f".{suffix}" if dot and stem else ""
                wanted = (
                    texts
                    if suffix in SOURCE_SUFFIXES
                    else metas
                    if suffix in META_SUFFIXES
                    else None
                )
                if wanted is not None and entry.is_file():
                    wanted[(*parts, entry.name)] = Path(entry.path)
                elif entry.is_dir():
                    folders.append((Path(entry.path), (*parts, entry.name)))
    stems = {key[:-1] + (key[-1].rpartition(".")[0],) for key in texts}
    by_stem: dict[tuple[str, ...], Path] = {}
    for suffix in reversed(META_SUFFIXES):  # .yaml wins over .yml, as sidecar_path says
        for key, path in metas.items():
            if key[-1].endswith(suffix):
                by_stem[key[:-1] + (key[-1].rpartition(".")[0],)] = path
    sources = [texts[key] for key in sorted(texts)]
    sidecars = {}
    for key in sorted(texts):
        meta = by_stem.get(key[:-1] + (key[-1].rpartition(".")[0],))
        if meta is not None:
            sidecars[texts[key]] = meta
    orphans = [
        metas[key] for key in sorted(metas) if key[:-1] + (key[-1].rpartition(".")[0],) not in stems
    ]
    return ContentFiles(sources, sidecars, orphans)


def rel_name(path: Path, content: Path) -> str:
    """``path`` relative to ``content``, with forward slashes."""
    text, root = str(path), str(content)
    if text.startswith(root) and text[len(root) : len(root) + 1] == os.sep:
        # what relative_to gives, without making Path objects (asked for every file)
        return text[len(root) + 1 :].replace(os.sep, "/")
    return path.relative_to(content).as_posix()


def read_xml(path: Path, content: Path) -> bytes:
    """An XML content file's bytes (its encoding is the XML's to declare)."""
    data = path.read_bytes()
    if not data.strip():
        raise ContentError(rel_name(path, content), "empty file")
    return data


def read_source(path: Path, content: Path) -> SourceText:
    rel = rel_name(path, content)
    data = path.read_bytes()
    if not data.strip():
        raise ContentError(rel, "empty file")
    if path.suffix.lower() in PDF_SUFFIXES:
        if not data.startswith(b"%PDF-"):
            raise ContentError(rel, "not a PDF (no %PDF- header): a .pdf file must be a PDF")
        from .pdfread import read_pdf  # late: only PDFs need the PDF engine

        return SourceText(path=path, rel=rel, text=read_pdf(path, rel))
    if b"\x00" in data[:8192]:
        raise ContentError(rel, "binary file (NUL bytes), not a text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            rel, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return SourceText(path=path, rel=rel, text=text)


def sidecar_path(path: Path) -> Path | None:
    for suffix in META_SUFFIXES:
        candidate = path.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path, content: Path) -> dict[str, Any]:
    """Metadata given beside a text (content/<name>.yaml). It wins over what was parsed.

    Top-level keys apply to every document of the file; ``documents: {<id or number>: {...}}``
    targets one document of a multi-document file.
    """
    rel = rel_name(path, content)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ContentError(rel, "not UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(rel, f"malformed YAML: {problem}", line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(rel, "YAML metadata must be a mapping of field: value", 1)
    _check_keys(rel, data, allow_documents=True)
    for key, sub in (data.get("documents") or {}).items():
        if not isinstance(sub, dict):
            raise ContentError(rel, f"documents.{key} must be a mapping")
        _check_keys(rel, sub, allow_documents=False)
    return data


def _check_keys(rel: str, data: dict[str, Any], allow_documents: bool) -> None:
    allowed = META_KEYS | ({"documents"} if allow_documents else set())
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ContentError(
            rel,
            f"unknown metadata field(s) {', '.join(unknown)}; known: {', '.join(sorted(allowed))}",
        )
    for key, value in data.items():
        if key == "sponsors":
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ContentError(rel, "sponsors must be a list of names")
        elif key == "date":
            if not _is_iso_date(value):
                raise ContentError(rel, f"date must be YYYY-MM-DD, got {value!r}")
        elif key != "documents" and not isinstance(value, str):
            raise ContentError(rel, f"{key} must be text, got {type(value).__name__}")


def _is_iso_date(value: Any) -> bool:
    import datetime

    if isinstance(value, datetime.date):
        return True
    try:
        datetime.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def page_of_line(text: str, line: int) -> int:
    """The page (1-based) of a line of a PDF's text: pages are separated by form feeds."""
    return text.count("\f", 0, _offset(text, line)) + 1


def _offset(text: str, line: int) -> int:
    at = 0
    for _ in range(max(line - 1, 0)):
        nxt = text.find("\n", at)
        if nxt < 0:
            return len(text)
        at = nxt + 1
    return at
