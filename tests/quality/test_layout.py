"""The code's layout, read from the source with ``ast`` (nothing is imported):

* no import cycle among ``oppvekst`` modules, counting imports inside functions and
  ``importlib.import_module("oppvekst…")`` strings (a cycle hidden in a function is still a cycle:
  it only moves the failure from import time to the first request that takes that path);
* no ``except ImportError`` in the web and API layers (a router that silently vanishes when its
  module fails to import is a page that 404s without an error anywhere);
* every class name defined once (two ``Level`` enums drift apart, and an import picks one by luck);
* every exception class in the error catalogue (``oppvekst/errors.py``);
* the top of the package holds only the entry points, the error catalogue and the settings;
* only ``settings.py`` reads the process environment, so every setting is declared in one place.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "oppvekst"
# The languages (#16) sit beside errors and settings: every layer reads them (language: the request's
# language and its catalogues; glossary: labels translated at lookup; translations: make messages).
TOP_LEVEL = {
    "__init__.py",
    "__main__.py",
    "cli.py",
    "errors.py",
    "settings.py",
    "language.py",
    "glossary.py",
    "translations.py",
}
NO_IMPORT_FALLBACKS = ("web", "api")
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


@dataclass(frozen=True, slots=True)
class Module:
    name: str  # dotted, e.g. oppvekst.web.app
    path: Path
    tree: ast.Module

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        return self.name if self.path.name == "__init__.py" else self.name.rpartition(".")[0]


def _modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = _modules()


def _where(module: Module, node: ast.AST) -> str:
    return f"{module.path.relative_to(SRC.parent)}:{getattr(node, 'lineno', 0)}"


def _imported(module: Module, known: Mapping[str, Module]) -> Iterator[tuple[str, ast.AST]]:
    """Every oppvekst module this module imports, anywhere in it (functions included)."""
    for node in ast.walk(module.tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from oppvekst.web import assets`` imports the module oppvekst.web.assets.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        elif isinstance(node, ast.Call) and _is_import_module(node.func):
            targets = [
                arg.value
                for arg in node.args[:1]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            ]
        for target in targets:
            if target in known and target != module.name:
                yield target, node


def _is_import_module(func: ast.expr) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id in ("import_module", "__import__")
    )


def import_graph(modules: Mapping[str, Module]) -> dict[str, dict[str, str]]:
    """module → {imported module → where the first such import is}."""
    graph: dict[str, dict[str, str]] = {name: {} for name in modules}
    for name, module in modules.items():
        for target, node in _imported(module, modules):
            graph[name].setdefault(target, _where(module, node))
    return graph


def strongly_connected(graph: Mapping[str, Mapping[str, str]]) -> list[list[str]]:
    """Tarjan's algorithm; only the components with more than one module (the cycles)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _describe(component: list[str], graph: Mapping[str, Mapping[str, str]]) -> str:
    members = set(component)
    edges = [
        f"  {source} -> {target} ({where})"
        for source in component
        for target, where in sorted(graph[source].items())
        if target in members
    ]
    return "\n".join(edges)


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function() -> None:
    source = {
        "oppvekst.a": "from oppvekst import b\n",
        "oppvekst.b": "def f():\n    import importlib\n    importlib.import_module('oppvekst.c')\n",
        "oppvekst.c": "def g():\n    from oppvekst.a import x\n",
        "oppvekst.d": "from oppvekst.a import y\n",
    }
    modules = {
        name: Module(name, PACKAGE / f"{name.split('.')[-1]}.py", ast.parse(text))
        for name, text in source.items()
    }
    assert strongly_connected(import_graph(modules)) == [["oppvekst.a", "oppvekst.b", "oppvekst.c"]]


def test_no_import_cycles() -> None:
    graph = import_graph(MODULES)
    cycles = strongly_connected(graph)
    assert not cycles, "Import cycles:\n" + "\n\n".join(_describe(c, graph) for c in cycles)


def test_only_entry_points_import_the_app_factory() -> None:
    graph = import_graph(MODULES)
    importers = sorted(name for name, targets in graph.items() if "oppvekst.web.app" in targets)
    assert importers == ["oppvekst.cli"]


@pytest.mark.parametrize("layer", NO_IMPORT_FALLBACKS)
def test_no_import_fallbacks_in_the_serving_layers(layer: str) -> None:
    offenders = []
    for module in MODULES.values():
        if not module.name.startswith(f"oppvekst.{layer}"):
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
                if any(isinstance(c, ast.Name) and c.id in IMPORT_ERRORS for c in caught):
                    offenders.append(_where(module, node))
    assert not offenders, f"Imports that may silently fail: {offenders}"


def test_every_class_name_is_defined_once() -> None:
    defined: dict[str, list[str]] = defaultdict(list)
    for module in MODULES.values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ClassDef):
                defined[node.name].append(_where(module, node))
    twice = {name: places for name, places in defined.items() if len(places) > 1}
    assert not twice, f"Class names defined more than once: {twice}"


def test_every_error_class_is_in_the_catalogue() -> None:
    """An error defined beside its code has no place in the catalogue's list of codes."""
    catalogue = MODULES["oppvekst.errors"]
    errors = {n.name for n in ast.walk(catalogue.tree) if isinstance(n, ast.ClassDef)}
    errors |= {"Exception", "BaseException", "ValueError", "RuntimeError"}
    outside = [
        f"{node.name} ({_where(module, node)})"
        for module in MODULES.values()
        if module is not catalogue
        for node in ast.walk(module.tree)
        if isinstance(node, ast.ClassDef)
        and any(isinstance(b, ast.Name) and b.id in errors for b in node.bases)
    ]
    assert not outside, f"Define these in oppvekst/errors.py: {outside}"


def test_the_package_top_holds_only_entry_points_errors_and_settings() -> None:
    top = {p.name for p in PACKAGE.iterdir() if p.suffix == ".py"}
    assert top <= TOP_LEVEL, f"Put these in a domain package: {sorted(top - TOP_LEVEL)}"


def _reads_environment(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in ("environ", "environb", "getenv", "getenvb") and (
            isinstance(node.value, ast.Name) and node.value.id == "os"
        )
    if isinstance(node, ast.ImportFrom) and node.module == "os":
        return any(a.name in ("environ", "environb", "getenv", "getenvb") for a in node.names)
    return False


def test_only_settings_reads_the_environment() -> None:
    offenders = [
        _where(module, node)
        for module in MODULES.values()
        if module.name != "oppvekst.settings"
        for node in ast.walk(module.tree)
        if _reads_environment(node)
    ]
    assert not offenders, f"Read the environment through oppvekst.settings: {offenders}"


def test_the_environment_check_sees_every_form_of_read() -> None:
    reads = ("os.environ.get('X')", "os.getenv('X')", "from os import environ", "{**os.environ}")
    for text in reads:
        assert any(_reads_environment(n) for n in ast.walk(ast.parse(text))), text
    assert not any(_reads_environment(n) for n in ast.walk(ast.parse("os.cpu_count()")))
