"""References to resolutions and decisions in a text: "its resolution 77/125", "resolutions
75/1, 76/2 and 77/3", "résolution 2334 (2016) du Conseil de sécurité", "paragraph 5 of
resolution 77/1", "A/RES/78/1".

Stage: link (per document, after parse). May import: models, langdata.

A reference is found by its keyword (``resolution``, ``décisions``...), then the number or
list of numbers that follows; the organ that adopted it comes from the words around it (an
organ named before the keyword, as English prints it, or after the numbers, as French does;
"its" for the citing document's own organ; "the Council" for the council last named), else
from the number's shape ("2334 (2016)" is the Security Council's, "1514 (XV)" the General
Assembly's), else from the citing document. The organ and kind give the UN document symbol
(``A/RES/77/125``). A reference whose organ cannot be told, or is not one whose symbols we
know ("World Health Assembly resolution", "décision 1/CP.21"), is kept with an empty
symbol: it stays text.

The words are data, per language (``references`` in ``data/<lang>.yaml``); the organs, their
symbols and number shapes are in ``data/common.yaml``. ``tests/data/references/`` holds
sentences of the corpus with their references checked by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from .langdata import languages, load_yaml
from .models import Citation, Document

SHAPES = ("special", "year", "session", "roman", "year_in_brackets")  # common.yaml's
WINDOW = 200  # characters before a keyword where its organ or paragraph is looked for
NEARBY = 120  # how far an organ named before a bare keyword still names it
_SENTENCE_END = re.compile(r"[;.](?:\s|$)")


@dataclass(frozen=True)
class Reference:
    """One cited resolution or decision: where it is printed (``text[start:end]``, the
    link's text) and what it names."""

    start: int
    end: int
    kind: str  # "resolution" | "decision"
    organ: str  # "GA", "SC", ... (common.yaml), "" when it cannot be told
    number: str  # as printed, spaces collapsed: "77/125", "2334 (2016)", "77/264 B"
    symbol: str  # "A/RES/77/125"; "" when the organ is unknown or has no such symbols
    paragraph: str = ""  # the cited paragraph's anchor ("op5", "op5-a"), if printed


@dataclass(frozen=True)
class Organ:
    code: str
    symbols: dict[str, str]  # kind -> template
    shapes: frozenset[str]
    address: str
    first_session: int = 0

    def numbers(self, shape: str, number: str) -> bool:
        """Whether this organ numbers its texts that way ("20/1" is no General Assembly
        decision: it numbered them so from its 31st session)."""
        if shape not in self.shapes:
            return False
        if shape == "session" and self.first_session:
            return int(number.split("/")[0]) >= self.first_session
        return True


@dataclass(frozen=True)
class Common:
    organs: dict[str, Organ]
    organ_of_symbol: tuple[tuple[re.Pattern[str], str], ...]
    councils: frozenset[str]
    number: re.Pattern[str]  # one number, each shape a named group
    part: re.Pattern[str]
    symbol: re.Pattern[str]
    symbol_organs: dict[str, str]


@cache
def common() -> Common:
    data = load_yaml("common.yaml")["references"]
    organs = {
        code: Organ(
            code=code,
            symbols={k: v for k, v in spec.items() if k in ("resolution", "decision")},
            shapes=frozenset(spec.get("shapes") or ()),
            address=spec.get("address") or "",
            first_session=int(spec.get("first_session") or 0),
        )
        for code, spec in data["organs"].items()
    }
    shapes = "|".join(f"(?P<{name}>{pattern})" for name, pattern in data["shapes"].items())
    return Common(
        organs=organs,
        organ_of_symbol=tuple((re.compile(p), o) for p, o in data["organ_of_symbol"].items()),
        councils=frozenset(data["councils"]),
        number=re.compile(rf"(?:{shapes})(?![\d/])"),
        part=re.compile(data["part"]),
        symbol=re.compile(data["symbol"]),
        symbol_organs=dict(data["symbol_organs"]),
    )


def _names(names: dict[str, str]) -> str:
    """Alternatives of organ names, longest first, either apostrophe."""
    alts = []
    for name in sorted(names, key=len, reverse=True):
        alts.append(r"\s+".join(re.escape(w) for w in name.split()).replace("’", "['’]"))
    return "|".join(alts) or "(?!)"


@dataclass(frozen=True)
class Words:
    """One language's reference words, compiled."""

    keyword: re.Pattern[str]
    kinds: tuple[tuple[re.Pattern[str], str], ...]
    before: re.Pattern[str]  # what may stand before a keyword, anchored at its end
    other_before: re.Pattern[str]  # another body named there
    organs_before: dict[str, str]  # name (spaces collapsed, lower case) -> organ
    organs_after: dict[str, str]
    after: re.Pattern[str]  # an organ named after the numbers
    other_after: re.Pattern[str]
    in_clause: re.Pattern[str]  # "..., in which the Environment Assembly"
    between: re.Pattern[str]  # an organ between keyword and numbers (French)
    first_number: re.Pattern[str]
    next_number: re.Pattern[str]
    number_date: re.Pattern[str]
    number_title: re.Pattern[str]
    number_paragraph: re.Pattern[str]
    stray: re.Pattern[str]  # a number of an interrupted list, with its date
    named: re.Pattern[str]
    own_lead: re.Pattern[str]  # from an organ's name to "its": "a adoptés par sa"
    hints: tuple[str, ...]  # lower-case text one of which every reference holds


@cache
def words(code: str) -> Words:
    data: dict[str, Any] = load_yaml(f"{code}.yaml")["references"]
    kinds = tuple((re.compile(f"^(?:{p})$"), kind) for kind, p in data["keywords"].items())
    keyword = "|".join(p for p in data["keywords"].values())
    before_names = _names(data["organs_before"])
    after_names = _names(data["organs_after"])
    number = common().number.pattern
    prefix = data["number_prefix"]
    # every organ name of the language, bare, that names one organ wherever it stands (not
    # "Assembly" or "Council" alone: which one they are depends on what precedes them)
    named_alts = _names({k: v for k, v in _bare_names(data).items() if len(k.split()) > 1})
    return Words(
        keyword=re.compile(rf"(?<![\w-])(?:{keyword})(?![\w-])"),
        kinds=kinds,
        before=re.compile(
            rf"(?:(?P<paragraph_phrase>{data['paragraph']}))?"
            rf"(?:(?P<organ>{before_names})\s+|(?P<own>{data['own']})\s+)?$"
        ),
        other_before=re.compile(rf"(?:{data['other_organ_before']})\s+$"),
        organs_before={_key(k): v for k, v in data["organs_before"].items()},
        organs_after={
            **{_key(k): v for k, v in _bare_names(data).items()},
            **{_key(k): v for k, v in data["organs_after"].items()},
        },
        after=re.compile(rf"\s*,?\s+(?P<organ>{after_names})(?![\w’'-])"),
        other_after=re.compile(data["other_organ_after"]),
        in_clause=re.compile(rf"(?:{data['in_clause']})(?P<organ>{_names(_bare_names(data))})"),
        between=re.compile(rf"\s+(?P<organ>{after_names})(?=\s+(?:{prefix})?\d)"),
        first_number=re.compile(rf"\s+(?:{prefix})?(?P<n>{number})"),
        next_number=re.compile(
            rf"(?:{data['joiners']})(?:(?:{data['own']})\s+)?(?:{prefix})?(?P<n>{number})"
        ),
        number_date=re.compile(data["number_date"]),
        number_title=re.compile(data["number_title"]),
        number_paragraph=re.compile(data["number_paragraph"]),
        stray=re.compile(
            rf"(?:{data['joiners']})(?P<n>{number}(?:{common().part.pattern})?)"
            rf"(?={data['number_date']})"
        ),
        named=re.compile(rf"(?<![\w-])(?:{named_alts or '(?!)'})(?![\w-])"),
        hints=(*data["hints"], "/res/", "/dec/"),
        own_lead=re.compile(rf"^[^;.]{{0,60}}?\s*,?\s+(?:{data['own_lead']})\s+$"),
    )


def _bare_names(data: dict[str, Any]) -> dict[str, str]:
    """Organ names without the words that attach them after a number ("du Conseil" ->
    "Conseil"), keyed for _key: what may stand before "its" ("le Conseil dans sa")."""
    out = dict(data["organs_before"])
    for name, organ in data["organs_after"].items():
        out[re.sub(r"^(?:\S+\s+)?(?:du|de la|de l’|del|de la|of the)\s*", "", name)] = organ
    return out


def _key(name: str) -> str:
    return " ".join(name.replace("'", "’").lower().split())


def organ_of(symbol: str, body: str = "", lang: str = "") -> str:
    """The organ a document belongs to: by its symbol, else by the body its enacting
    formula names ("L'Assemblée générale," in a draft); "" if not known."""
    for pattern, organ in common().organ_of_symbol:
        if pattern.search(symbol):
            return organ
    if body and lang in languages():
        named = words(lang).named.fullmatch(" ".join(body.split()))
        if named:
            name = _key(named.group(0))
            found = words(lang).organs_before.get(name) or words(lang).organs_after.get(name)
            return found if found in common().organs else ""
    return ""


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 17)  # called for every citation of every document on each build
def normalize_symbol(symbol: str) -> str:
    """A symbol as the archive files it: no spaces, upper case, ASCII hyphens
    ("S/RES/2334(2016)")."""
    return _SPACES.sub("", symbol).upper().replace("\u2011", "-")


def symbol_for(organ: str, kind: str, number: str) -> str:
    """The document symbol of a numbered resolution or decision of ``organ`` ("" if it has
    no such symbols). ``number`` as printed: its part letter is dropped ("77/264 B" is in
    A/RES/77/264), spaces are removed ("1514 (XV)" -> "1514(XV)")."""
    spec = common().organs.get(organ)
    template = spec.symbols.get(kind) if spec else None
    if not template:
        return ""
    n = common().part.sub("", number)
    n = re.sub(r"\s+[A-Z](?=\s?\()", "", n)  # "217 A (III)" -> "217 (III)"
    n = re.sub(r"\s+", "", n).replace("\u2011", "-")
    a, _, b = n.partition("/")
    return template.format(n=n, a=a, b=b)


def part_letter(printed: str) -> str:
    """The part a reference names after its number, as printed ("resolution 78/254 C" ->
    "C"; "" for none, or for several: "78/254 B and C"). The symbol found has no part: a
    part is filed under its collection (symbol_for)."""
    found = [m for m in common().part.finditer(printed) if m.end() == len(printed.rstrip())]
    letter = found[-1].group().strip() if found else ""
    return letter if len(letter) == 1 else ""


@lru_cache(maxsize=1 << 17)  # asked for every citation of every document on each build
def address(organ: str, symbol: str, lang: str) -> str:
    """The UN's own address of a symbol outside the archive ("" if none is known)."""
    spec = common().organs.get(organ)
    if not spec or not spec.address or not symbol:
        return ""
    return spec.address.format(symbol=symbol, lang=lang)


def find(text: str, lang: str, own_organ: str = "") -> list[Reference]:
    """Every reference in ``text`` (plain text, in language ``lang``), in order.
    ``own_organ``: the citing document's organ, what "its resolution" names."""
    if lang not in languages():
        lang = "en"
    w = words(lang)
    lowered = text.lower()
    if not any(hint in lowered for hint in w.hints):
        return []  # most paragraphs cite nothing: a substring test tells them at once
    out = list(_symbols(text))
    taken = [(r.start, r.end) for r in out]
    named: tuple[int, str] = (-WINDOW, "")  # where the last organ was named by a reference
    for m in w.keyword.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        found, explicit = _at_keyword(text, m, w, own_organ, named)
        out.extend(found)
        if explicit and found:
            named = (found[-1].end, explicit)
    out.sort(key=lambda r: r.start)
    return _with_stray_numbers(text, out, w)


def _with_stray_numbers(text: str, found: list[Reference], w: Words) -> list[Reference]:
    """Numbers of a list that a clause interrupted: "resolutions 56/82 of 12 December 2001,
    61/36 of 4 December 2006, the annex to which contains ..., and 62/68 of 6 December
    2007". A number joined by "and" or a comma and followed by its date is taken as one
    more of the reference printed last before it: its organ and kind."""
    if not found:
        return found
    taken = [(r.start, r.end) for r in found]
    out = list(found)
    for m in w.stray.finditer(text, found[0].end):
        start, end = m.start("n"), m.end("n")
        if any(s < end and start < e for s, e in taken):
            continue
        last = [r for r in found if r.end <= start][-1]
        shape = next((name for name in SHAPES if m.group(name) is not None), "")
        printed = " ".join(text[start:end].split())
        organ = last.organ if _numbers(last.organ, shape, printed) else ""
        out.append(
            Reference(
                start,
                end,
                last.kind,
                organ,
                printed,
                symbol_for(organ, last.kind, printed) if organ else "",
            )  # fmt: skip
        )
    out.sort(key=lambda r: r.start)
    return out


def _symbols(text: str) -> Iterator[Reference]:
    c = common()
    for m in c.symbol.finditer(text):
        organ = c.symbol_organs.get(m.group("organ_prefix"), "")
        kind = "resolution" if m.group("kind") == "RES" else "decision"
        number = " ".join(m.group("n").split())
        yield Reference(m.start(), m.end(), kind, organ, number, normalize_symbol(m.group(0)), "")


def _at_keyword(
    text: str, m: re.Match[str], w: Words, own_organ: str, named: tuple[int, str]
) -> tuple[list[Reference], str]:
    """The references of one keyword, and the organ it names explicitly ("" if none).
    ``named``: where and which organ the reference before it named explicitly."""
    kind = next(k for pattern, k in w.kinds if pattern.match(m.group(0)))
    pos = m.end()
    organ = ""
    between = w.between.match(text, pos)
    if between:
        organ = w.organs_after[_key(between.group("organ"))]
        pos = between.end()
    first = w.first_number.match(text, pos)
    if first is None:
        return [], ""
    numbers = [first]
    pos = first.end()
    while True:
        nxt = w.next_number.match(text, _after_number(text, pos, w))
        if nxt is None:
            break
        numbers.append(nxt)
        pos = nxt.end()
    pos = _after_number(text, pos, w)
    # the organ: named before the keyword, or after the numbers, or told by "its"
    start = max(0, m.start() - WINDOW)
    before = w.before.search(text, start, m.start())
    paragraph = ""
    link_start = m.start()
    unknown = False
    if before is not None:
        if before.group("organ") and not _name_goes_on(text, before.start("organ")):
            organ = organ or w.organs_before[_key(before.group("organ"))]
        elif before.group("organ"):
            unknown = True  # "the Environment Assembly resolution"
        elif before.group("own"):  # "its": the organ just named ("the Council in its")
            organ = organ or _named_just_before(text, m.start(), w) or "own"
        elif w.other_before.search(text, start, m.start()):
            unknown = True  # "World Health Assembly resolution"
        if before.group("paragraph_phrase"):
            link_start = before.start("paragraph_phrase")
            paragraph = "op" + before.group("paragraph")
            if before.group("item"):
                paragraph += "-" + before.group("item")
    after_organ = w.after.match(text, pos) or w.in_clause.match(text, pos)
    if after_organ is not None:
        organ = w.organs_after[_key(after_organ.group("organ"))]
        unknown = False
    elif not organ and w.other_after.match(text, pos):
        unknown = True
    if organ == "council":
        organ = _last_council(text, m.start(), w, own_organ)
    explicit = organ if organ not in ("", "own") else ""
    # a bare "resolution 2/21": perhaps the organ just named
    nearby = _organs_nearby(text, m.start(), w, named) if not organ and not unknown else []
    if organ == "own":
        organ = ""  # the citing document's, if its numbers have that shape (_organ_for)
    out = []
    for k, num in enumerate(numbers):
        shape = next((name for name in SHAPES if num.group(name) is not None), "")
        n_end = num.end("n")
        part = common().part.match(text, n_end)
        if part and shape in ("session", "year", "special"):
            n_end = part.end()
        printed = " ".join(text[num.start("n") : n_end].split())
        fitting = [o for o in nearby if _numbers(o, shape, printed)]
        chosen = (
            ""
            if unknown
            else fitting[0]
            if fitting
            else _organ_for(organ, shape, printed, own_organ, text, m.start(), w)
        )
        out.append(
            Reference(
                start=link_start if k == 0 else num.start("n"),
                end=n_end,
                kind=kind,
                organ=chosen,
                number=printed,
                symbol=symbol_for(chosen, kind, printed) if chosen else "",
                paragraph=paragraph if k == 0 else "",
            )
        )
    return out, explicit


def _organs_nearby(text: str, at: int, w: Words, named: tuple[int, str]) -> list[str]:
    """The organs a keyword printed without one ("la résolution 2/21") may belong to, the
    likeliest first: the organ named by the reference before it in the same sentence ("la
    résolution 1/7 de l'Assemblée des Nations Unies pour l'environnement ..., la
    résolution 2/21"), the organ named just before it ("des résolutions du Conseil des
    droits de l'homme, en particulier les résolutions 7/34"). _organ_for's defaults
    apply when none numbers its resolutions that way."""
    out = []
    end, organ = named
    if organ and not _SENTENCE_END.search(text, end, at):
        out.append(organ)
    last = _last_name(text, at, w)
    if last is not None and not _SENTENCE_END.search(text, last.end(), at):
        name = _key(last.group(0))
        organ = w.organs_before.get(name) or w.organs_after.get(name) or ""
        if organ and organ != "council":
            out.append(organ)
    return [o for o in out if o in common().organs]


def _after_number(text: str, pos: int, w: Words) -> int:
    """Past what may follow a number inside a list: its part letter, date, title."""
    for pattern in (common().part, w.number_date, w.number_title, w.number_paragraph):
        m = pattern.match(text, pos)
        if m:
            pos = m.end()
    return pos


def _last_name(text: str, at: int, w: Words) -> re.Match[str] | None:
    """The last organ name printed in the NEARBY characters before ``at``."""
    found = None
    for found in w.named.finditer(text, max(0, at - NEARBY), at):  # noqa: B007 - the last
        continue
    return found


def _named_just_before(text: str, at: int, w: Words) -> str:
    """The organ named right before "its" ("the Security Council in its resolution", "le
    Conseil des droits de l'homme a adoptés par sa résolution"), ``at`` the keyword."""
    last = _last_name(text, at, w)
    if last is None or not w.own_lead.match(text[last.end() : at]):
        return ""
    name = _key(last.group(0))
    return w.organs_before.get(name) or w.organs_after.get(name) or ""


def _name_goes_on(text: str, at: int) -> bool:
    """Whether the organ name matched at ``at`` is the tail of a longer name: a capitalised
    word before it, not at the start of a sentence ("the Environment Assembly")."""
    head = text[:at].rstrip()
    word = re.search(r"([\w’'-]+)$", head)
    if word is None or not word.group(1)[:1].isupper():
        return False
    rest = head[: word.start()].rstrip()
    return bool(rest) and rest[-1] not in '.;:(“"«'


def _numbers(organ: str, shape: str, number: str) -> bool:
    spec = common().organs.get(organ)
    return spec is not None and spec.numbers(shape, number)


def _organ_for(
    organ: str, shape: str, number: str, own_organ: str, text: str, at: int, w: Words
) -> str:
    """The organ of one number: the one named, if its numbers have that shape; else the
    one its shape tells; else the citing document's, else the organ last named before it,
    if either numbers that way."""
    if organ:
        return organ if _numbers(organ, shape, number) else ""
    if shape == "year_in_brackets":
        return "SC"
    if shape in ("roman", "special"):
        return "GA"
    if _numbers(own_organ, shape, number):
        return own_organ
    for name in reversed(w.named.findall(text, 0, at)):
        named = w.organs_before.get(_key(name)) or w.organs_after.get(_key(name)) or ""
        if _numbers(named, shape, number):
            return named
    return ""


def _last_council(text: str, at: int, w: Words, own_organ: str) -> str:
    """ "the Council": the council last named before ``at``, else the citing document's
    organ if it is a council."""
    councils = common().councils
    for name in reversed(w.named.findall(text, 0, at)):
        organ = w.organs_before.get(_key(name)) or w.organs_after.get(_key(name))
        if organ in councils:
            return organ
    return own_organ if own_organ in councils else ""


def citations(doc: Document) -> list[Citation]:
    """Every reference of a document with a symbol, by the anchor of the text that prints
    it: paragraphs, their items, footnotes, attachment paragraphs."""
    own = organ_of(doc.symbol, doc.body, doc.language)
    out: list[Citation] = []
    for anchor, text in doc.texts():
        for ref in find(text, doc.language, own):
            if ref.symbol:
                out.append(Citation(anchor, ref.symbol, ref.paragraph, ref.organ,
                                    text[ref.start : ref.end]))  # fmt: skip
    return out
