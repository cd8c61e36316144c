"""No function both assigns ``_`` and calls ``_()``.

A throwaway ``for (a, _, _, b) in …`` makes ``_`` a local name for the whole function, so its
``_(…)`` calls stop translating and fail with "'str' object is not callable" — on a path only a
synthetic snapshot reaches (the JSON-stat download's demo warning did exactly this).
"""

from __future__ import annotations

import ast
from pathlib import Path

import oppvekst

SOURCE = Path(oppvekst.__file__).parent
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _shadowing(tree: ast.AST) -> list[int]:
    lines = []
    for scope in ast.walk(tree):
        if not isinstance(scope, SCOPES):
            continue
        nodes = list(ast.walk(scope))
        stores = any(
            isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in nodes
        )
        calls = any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"
            for n in nodes
        )
        if stores and calls:
            lines.append(scope.lineno)
    return lines


def test_the_check_finds_a_shadowed_gettext() -> None:
    sample = "def f(rows):\n    for a, _ in rows:\n        pass\n    return _('x')\n"
    assert _shadowing(ast.parse(sample)) == [1]


def test_no_function_shadows_the_translation_function() -> None:
    found = [
        f"{path.relative_to(SOURCE)}:{line}"
        for path in sorted(SOURCE.rglob("*.py"))
        for line in _shadowing(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "rename the throwaway `_` (e.g. `_label`) in " + ", ".join(found)
