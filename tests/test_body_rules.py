"""The body rules (src/resarchive/body.py), each on the real text it exists for.

Each row: a comment, a content file (a seed in content/, or a corpus text), a line of it,
the rule that must place the block starting there. The file is parsed whole, as a build
parses it, and the parser's trace says which rule took each block.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from resarchive import body
from resarchive.clean import clean_lines
from resarchive.langdata import lang
from resarchive.parse import parse_document
from resarchive.pipeline import detect_language
from resarchive.read import read_source
from resarchive.segment import segment, split_documents

REPO = Path(__file__).resolve().parents[1]
FR_SEED = "content/000_1b8c8940ed5f6a62.txt"
REPORT_SEED = "content/002_7d9389fceeaa127f.txt"
OSCE_SEED = "content/003_119bc831e513df92.txt"

ROWS = [
    # "Rappelant ...," after the formula: a preambular paragraph
    ("preambular_paragraph", FR_SEED, 24, "Réaffirmant l'importance de l'application"),
    # "- 1. Encourage ...": a numbered operative paragraph (a list bullet before it)
    ("operative_number", FR_SEED, 54, "- 1. Encourage les États Membres"),
    # a decision in one sentence, no number
    ("unnumbered_operative", REPORT_SEED, 325, "Le Conseil économique et social décide"),
    # a lettered paragraph right after "Le Conseil économique et social :"
    ("item_label", REPORT_SEED, 333, "- a) Prend note du rapport"),
    # a sub-paragraph "(a)" of an operative paragraph
    ("item_label", "corpus:75-English/75_126_E.txt", 139, "(a) An assessment of the assistance"),
    # the provisional agenda of draft decision II opens an attachment
    ("attachment_opening", REPORT_SEED, 337, "Ordre du jour provisoire de la trente-quatrième"),
    # the OSCE decision's attachment opens with the symbol and "Attachment"
    ("attachment_opening", OSCE_SEED, 76, "MC.DEC/7/17/Corr.1"),
    # a numbered item of that agenda is the attachment's, never an operative paragraph
    ("attachment_text", REPORT_SEED, 339, "1. Élection du Bureau."),
    # the report's paragraph 5, which records decision 33/1
    ("report_paragraph", REPORT_SEED, 487, "5. À sa 7^e séance"),
    # a roman section number, then the section's title
    ("section_heading", "corpus:75-English/75_233_E.txt", 89, "I"),
    ("section_heading", "corpus:75-English/75_233_E.txt", 91, "General guidelines"),
    # a long section title between numbered operative paragraphs (A/RES/75/101)
    (
        "section_heading",
        "corpus:75-English/75_101A-B_E.txt",
        272,
        "Role of the Department of Global Communications in United Nations peacekeeping",
    ),
    # "43 Invite": paragraph 43 lost its dot
    ("loose_number", "corpus:75-French/75_185_F.txt", 233, "43 Invite les États"),
    # "et exige que ...": the words that close a list of items
    ("list_wrap_up", "corpus:78-French/A_RES_78_29-2324537F.txt", 93, "et exige que les"),
    # "1. Opening of the Congress." inside "... the following provisional agenda:"
    (
        "nested_list_item",
        "corpus:78-English/A_RES_78_223-2325990E.txt",
        83,
        "1. Opening of the Congress.",
    ),
]


def trace_of(path: Path, root: Path) -> dict[int, str]:
    """Source line -> the rule that placed the block starting there, for a whole file."""
    src = read_source(path, root)
    language = lang(detect_language(src.text))
    out: list[tuple[int, str]] = []
    for span in split_documents(segment(clean_lines(src.text)), language):
        parse_document(span, language, src.rel, "x", trace=out)
    return dict(out)


@pytest.fixture(scope="module")
def resolve(request: pytest.FixtureRequest):
    def path_of(where: str) -> tuple[Path, Path]:
        if where.startswith("corpus:"):
            root = request.getfixturevalue("corpus_dir")
            return root / where.removeprefix("corpus:"), root
        return REPO / where, REPO / "content"

    return path_of


@pytest.mark.parametrize(
    "rule, where, line, text", ROWS, ids=[f"{r[0]}:{Path(r[1]).name}:{r[2]}" for r in ROWS]
)
def test_rule_places_its_text(rule: str, where: str, line: int, text: str, resolve) -> None:
    path, root = resolve(where)
    printed = path.read_text(encoding="utf-8").split("\n")[line - 1]
    assert printed.startswith(text), f"{where}:{line} reads {printed!r}"
    trace = trace_of(path, root)
    assert trace.get(line) == rule, (
        f"{where}:{line} {printed[:60]!r} was placed by {trace.get(line)!r}, not {rule!r}"
    )


def test_every_rule_has_a_docstring_and_a_real_text() -> None:
    names = [name for name, _ in body.BODY_RULES]
    assert len(set(names)) == len(names)
    assert {r[0] for r in ROWS} == set(names)
    for name, rule in body.BODY_RULES:
        assert rule.__doc__ and len(rule.__doc__.split()) >= 10, name


def test_module_docstring_lists_the_rules_in_order() -> None:
    listed = re.findall(r"^    ([a-z_]+)\s{2,}", body.__doc__ or "", re.MULTILINE)
    assert listed == [name for name, _ in body.BODY_RULES]
