"""Stage 2, clean: raw text -> lines of rich text.

Stage: clean. May import: models, langdata.

A registry of small named ``str -> str`` steps, run in order over the whole text. No step adds
or removes a line break, so line numbers stay those of the source file. Afterwards:
- footnote markers, whatever their printed form (``¹``, ``<sup>1</sup>``, ``^{*}``, a star glued
  to a word), are internal markers (see models.marker);
- ordinals (``1^{er}``, ``7^e``) are superscript letters, never markers;
- markdown emphasis is kept as ``*italic*``; any other asterisk is escaped (``\\*``);
- markdown heading and bold markup is gone, leaving a "heading" hint on its lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .langdata import common
from .models import MARKER_RE, Line, marker

HEADING_HINT = "\ue010"  # prefix of a line that was printed as a heading (#, bold)
_EM_OPEN, _EM_CLOSE = "\ue002", "\ue003"

_SUPERSCRIPT_LETTERS = dict(
    zip("abcdefghijklmnoprstuvwxyz", "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True)
)
# patterns, not str.translate: translating a non-ASCII text goes char by char (4 times slower)
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_SPACE_RUNS = re.compile(r"  +")
_SPACE_AT_LINE_ENDS = re.compile(r" ?\n ?")  # runs are single spaces by then
# what _emphasis uses as placeholders (one printed in a source text is kept as printed)
_EMPHASIS_PLACEHOLDERS = re.compile("[\ue002-\ue007]")


def _latex(text: str) -> str:
    for pattern, repl in common().latex:
        text = pattern.sub(repl, text)
    return text


def _markdown_links(text: str) -> str:
    text = re.sub(r"\[([^\]\n]+)\]\((?:#|https?://[^)\s]*|[^)\s]*)\)", r"\1", text)  # [77/233](#)
    return re.sub(r"<(https?://[^>\s]+)>", r"\1", text)  # <https://...>


def _headings(text: str) -> str:
    """Markdown "## Title" and "**Title**" become plain lines with a heading hint."""
    text = re.sub(r"(?m)^[ \t]*#{1,6}[ \t]+", HEADING_HINT, text)

    def bold(m: re.Match[str]) -> str:
        inner = m.group(1)
        return HEADING_HINT + inner.replace("\n", "\n" + HEADING_HINT)

    return re.sub(r"(?m)^[ \t]*\*\*(?=\S)((?:(?!\n[ \t]*\n)[^*])+?)\*\*[ \t]*$", bold, text)


def _inline_bold(text: str) -> str:
    return re.sub(r"\*\*(?=\S)((?:(?!\n[ \t]*\n)[^*])+?)(?<=\S)\*\*", r"\1", text)


def _ordinals(text: str) -> str:
    def sup(m: re.Match[str]) -> str:
        letters = next(g for g in m.groups() if g is not None)
        return "".join(_SUPERSCRIPT_LETTERS.get(c, c) for c in letters.lower())

    return common().ordinal_markup.sub(sup, text)


def _markers(text: str) -> str:
    for pattern in common().marker_markup:
        text = pattern.sub(lambda m: marker(m.group(1)), text)
    digits = common().superscript_digits
    return re.sub(
        f"[{digits}]+",
        lambda m: marker("".join(str(digits.index(c)) for c in m.group(0))),
        text,
    )


def _emphasis(text: str) -> str:
    """Keep *italic* spans; a star glued after a word (or opening a line) is a marker."""
    if "*" not in text:  # most texts
        return text
    saved: list[str] = []
    printed: list[str] = []

    def hide(m: re.Match[str]) -> str:  # markers may hold a star: keep them out of the way
        saved.append(m.group(0))
        return f"\ue004{len(saved) - 1}\ue005"

    def hide_printed(m: re.Match[str]) -> str:  # a placeholder the source prints stays as is
        printed.append(m.group(0))
        return f"\ue004p{len(printed) - 1}\ue005"

    text = _EMPHASIS_PLACEHOLDERS.sub(hide_printed, text)
    text = MARKER_RE.sub(hide, text)
    # an asterism ("* * *", a break between groups of paragraphs) is printed text, not markers
    text = re.sub(
        r"(?m)^([ \t]*(?:" + HEADING_HINT + r")?)(\*(?:[ \t]*\*){2,})[ \t]*$",
        lambda m: m.group(1) + m.group(2).replace("*", "\ue007"),
        text,
    )
    text = re.sub(
        r"(?<![\w\\*])\*(?=[^\s*])((?:(?!\n[ \t]*\n)[^*])+?)(?<=[^\s*\\])\*(?![\w*])",
        lambda m: _EM_OPEN + m.group(1) + _EM_CLOSE,
        text,
    )
    text = re.sub(r"(?<=[\w)»])\*(?=[\s,.;:)]|$)", "\ue006", text, flags=re.M)
    text = re.sub(r"(?m)^([ \t]*(?:" + HEADING_HINT + r")?)\*(?=[ \t]+\S)", "\\1\ue006", text)
    text = re.sub(r"(?<!\\)[*\ue007]", r"\\*", text)
    text = text.replace(_EM_OPEN, "*").replace(_EM_CLOSE, "*").replace("\ue006", marker("*"))
    text = re.sub("\ue004(\\d+)\ue005", lambda m: saved[int(m.group(1))], text)
    return re.sub("\ue004p(\\d+)\ue005", lambda m: printed[int(m.group(1))], text)


def _bullets(text: str) -> str:
    """ "- 1. Encourage" and " - a) L'adoption": list bullets before a printed label."""
    return re.sub(
        r"(?m)^([ \t]*(?:" + HEADING_HINT + r")?)[ \t]*[-•*][ \t]+"
        r"(?=\d{1,3}\.|\(?[a-z]{1,4}\)|\(?[ivxl]+\))",
        r"\1",
        text,
    )


def _escapes(text: str) -> str:
    return re.sub(r"\\([\[\]_#()`>.!+-])", r"\1", text)


def _whitespace(text: str) -> str:
    text = _SPACE_RUNS.sub(" ", _SPACES.sub(" ", _INVISIBLE.sub("", text)))
    return _SPACE_AT_LINE_ENDS.sub("\n", text).strip(" ")


STEPS: dict[str, Callable[[str], str]] = {
    "whitespace": _whitespace,
    "latex": _latex,
    "markdown_links": _markdown_links,
    "headings": _headings,
    "inline_bold": _inline_bold,
    "ordinals": _ordinals,
    "markers": _markers,
    "bullets": _bullets,
    "emphasis": _emphasis,
    "escapes": _escapes,
}
DEFAULT_STEPS = tuple(STEPS)


def clean_text(text: str, steps: tuple[str, ...] | list[str] = DEFAULT_STEPS) -> str:
    """Run the named steps in order. An unknown name is an error listing the valid ones."""
    for name in steps:
        try:
            step = STEPS[name]
        except KeyError:
            raise ValueError(
                f"unknown clean step {name!r}; valid steps: {', '.join(STEPS)}"
            ) from None
        text = step(text)
    return text


def clean_lines(text: str, steps: tuple[str, ...] | list[str] = DEFAULT_STEPS) -> list[Line]:
    """Cleaned lines, numbered as in the source (blank lines included, as "")."""
    cleaned = clean_text(text, steps)
    lines = []
    for no, raw in enumerate(cleaned.split("\n"), start=1):
        # a form feed opens a page (pdftotext, pdfread): pages.py reads its head there
        hint = "heading" if HEADING_HINT in raw else "pagetop" if raw.startswith("\f") else ""
        lines.append(Line(no=no, text=raw.replace(HEADING_HINT, "").strip(), hint=hint))
    return lines
