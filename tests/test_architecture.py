"""The package's shape: no import cycle, and every module imports only what its docstring
says it may ("Stage: ... May import: ...")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "resarchive"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py"))


def package_imports(name: str) -> set[str]:
    """The package modules ``name`` imports, at module level or inside functions."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            out.update(
                [node.module.split(".")[0]] if node.module else [alias.name for alias in node.names]
            )
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("resarchive."):
            out.add(node.module.split(".")[1])  # type: ignore[union-attr]
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("resarchive."))
    return out & set(MODULES)


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as [a, b, ..., a], or [] when the graph has none."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in colour:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return []

    for node in sorted(graph):
        if node not in colour:
            found = visit(node)
            if found:
                return found
    return []


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    graph = {name: package_imports(name) for name in MODULES}
    cycle = find_cycle(graph)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def declared(name: str) -> tuple[str, set[str] | None]:
    """(stage, modules it may import; None for "every stage module")."""
    doc = ast.get_docstring(ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8")))
    assert doc, f"{name}.py has no docstring"
    flat = " ".join(doc.split())
    stage = re.search(r"Stage: (.+?)\. May import", flat)
    may = re.search(r"May import:? (.+?)\.(?:\s|$)", flat)
    assert stage and may, f"{name}.py's docstring names no 'Stage: ... May import: ...'"
    text = re.sub(r"\([^)]*\)", "", may.group(1))
    if "every stage module" in text:
        return stage.group(1), None
    words = {w.strip() for w in text.split(",")}
    return stage.group(1), {w for w in words if w in MODULES}


@pytest.mark.parametrize("name", MODULES)
def test_module_imports_what_its_docstring_allows(name: str) -> None:
    _, allowed = declared(name)
    if allowed is None:
        return
    extra = package_imports(name) - allowed
    assert not extra, f"{name}.py imports {sorted(extra)}, which its docstring does not allow"
