"""One direction of dependency (issue 19): met ← cases ← riskassessment ← meetings ← reporting ← api.

Every module of every app is parsed, and every import in it — at module level or inside a function —
is checked: an app may import itself and the apps below it, never one above. A failure names the
file and line, so the fix is to register upward (met/registry.py) instead of importing.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STACK = ["met", "cases", "riskassessment", "meetings", "reporting", "api"]
LEVEL = {app: n for n, app in enumerate(STACK)}


def imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def upward_imports(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, module in imported_modules(tree):
            target = module.split(".")[0]
            if target in LEVEL and LEVEL[target] > LEVEL[app]:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return sorted(set(found))


@pytest.mark.parametrize("app", STACK)
def test_it_never_lets_an_app_import_one_above_it(app):
    assert upward_imports(app) == []


def test_it_would_catch_an_upward_import(tmp_path):
    tree = ast.parse("def f():\n    from meetings.models import Action\n")
    assert (2, "meetings.models") in set(imported_modules(tree))
