"""The API and export modules import each other in one direction only (no cycle, also not through
an import inside a function), so each can be read and loaded on its own."""

from __future__ import annotations

import ast
from pathlib import Path

import oppvekst

SOURCE = Path(oppvekst.__file__).parent
PACKAGES = ("oppvekst.api", "oppvekst.exports")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports anywhere in it (``from a import b`` counts a.b when
    that is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found & known


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in SOURCE.rglob("*.py")}
    return {name: _imports(path, set(paths)) for name, path in paths.items()}


def _cycle_through(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from ``start`` back to itself, if there is one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in graph.get(node, ()):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_no_api_or_export_module_is_part_of_an_import_cycle() -> None:
    graph = _graph()
    ours = [name for name in graph if name.startswith(PACKAGES)]
    assert "oppvekst.api.routes" in ours and "oppvekst.exports.formats" in ours
    cycles = {name: _cycle_through(name, graph) for name in ours}
    assert {name: cycle for name, cycle in cycles.items() if cycle} == {}


def test_the_router_is_assembled_in_one_place() -> None:
    graph = _graph()
    importers = {name for name, targets in graph.items() if "oppvekst.api.routes" in targets}
    assert importers <= {"oppvekst.web.app"}, importers
