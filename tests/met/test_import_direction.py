"""One direction of dependency (issue 19): met ← cases ← riskassessment ← meetings ← quality ← reporting ← api.

Every module of every app is parsed, and every import in it — at module level or inside a function —
is checked: an app may import itself and the apps below it, never one above. A failure names the
file and line, so the fix is to register upward (met/registry.py) instead of importing.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STACK = ["met", "cases", "riskassessment", "meetings", "quality", "reporting", "api"]
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


def module_graph() -> dict[str, set[str]]:
    """Every project module (migrations aside) → the project modules it imports, anywhere in it."""
    modules = {}
    for app in STACK:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = path

    def resolve(imported: str) -> str | None:
        parts = imported.split(".")
        return next((".".join(parts[:n]) for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in modules), None)

    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for _, imported in imported_modules(ast.parse(path.read_text())):
            target = resolve(imported)
            if target and target != name:
                graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each a cycle of imports."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_it_has_no_import_cycle_even_through_imports_inside_functions():
    assert cycles(module_graph()) == []


def test_it_would_catch_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
