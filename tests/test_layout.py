"""The shape of the source: modules import each other without circles, and codecs know no reports."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

SOURCE = ROOT / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str) -> set[str]:
    """The aitk_forms modules `path` imports, TYPE_CHECKING imports included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m in MODULES and m != name}


MODULES = {_module_name(p): p for p in SOURCE.rglob("*.py")}


def _graph() -> dict[str, set[str]]:
    return {name: _imports(path, name) for name, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node], _ = 1, stack.append(node)
        for nxt in sorted(graph[node]):
            # A package's __init__ importing its own submodules is how a package exposes them, not a circle.
            if nxt.startswith(node + ".") and node in MODULES and MODULES[node].name == "__init__.py":
                continue
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node], _ = 2, stack.pop()
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_module_imports_itself_through_others():
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()) or [])


def test_codecs_know_no_reports_and_reports_know_no_codec_internals():
    graph = _graph()
    for name, imported in graph.items():
        if name.startswith("aitk_forms.formats."):
            assert not any(m.startswith("aitk_forms.reports") for m in imported), name
        if name.startswith("aitk_forms.reports"):
            assert not any(m.startswith("aitk_forms.formats.") for m in imported), (name, imported)


def test_the_cycle_finder_finds_a_planted_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
