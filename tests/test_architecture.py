"""The import structure the README's Architecture section describes, checked from the source.

The imports of ``app/`` and ``expert_pool/`` are read with ``ast`` (nothing is imported, except in
the last test): ``from x import y`` counts as an import of the module ``x.y`` when that is a module,
else of ``x``. Imports under ``if TYPE_CHECKING:`` do not run and are left out.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "expert_pool")
# An import inside a function must say why it is not at the top of the module.
REASONS = ("# cycle:", "# lazy:")
FACTORY = "app"  # app/__init__.py: create_app and its helpers import the features on purpose


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported name, resolved to a module where possible
    line: int
    in_function: str | None  # the enclosing function, if any
    text: str  # the source of the import statement


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: from .x import y / from . import y
        package = module if is_package else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    known = modules()
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


@cache
def imports() -> tuple[Import, ...]:
    found: list[Import] = []
    for module, path in modules().items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()

        def walk(node: ast.AST, function: str | None, module=module, path=path, lines=lines) -> None:
            for child in ast.iter_child_nodes(node):
                if _is_type_checking(child):
                    continue
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    walk(child, function or child.name)
                    continue
                if isinstance(child, ast.Import | ast.ImportFrom):
                    text = "\n".join(lines[child.lineno - 1:child.end_lineno])
                    for target in _targets(module, path.name == "__init__.py", child):
                        found.append(Import(module, target, child.lineno, function, text))
                walk(child, function)

        walk(ast.parse(source, filename=str(path)), None)
    return tuple(found)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _graph(include_functions: bool) -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {m: set() for m in known}
    for imp in imports():
        if imp.target in known and imp.target != imp.module and (include_functions or imp.in_function is None):
            edges[imp.module].add(imp.target)
    return edges


def _cycle_path(edges: dict[str, set[str]], component: list[str]) -> str:
    """One concrete loop through the component, e.g. ``a → b → a``."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    while True:
        nxt = sorted(edges[path[-1]] & members)
        back = [n for n in nxt if n == start]
        if back and len(path) > 1:
            return " → ".join([*path, start])
        fresh = [n for n in nxt if n not in seen]
        if not fresh:
            loop_start = next(n for n in nxt if n in seen)
            return " → ".join([*path[path.index(loop_start):], loop_start])
        path.append(fresh[0])
        seen.add(fresh[0])


def test_the_module_level_import_graph_has_no_cycle():
    edges = _graph(include_functions=False)
    cycles = [_cycle_path(edges, c) for c in _cycles(edges)]
    assert not cycles, "module-level import cycles:\n" + "\n".join(cycles)


def test_in_function_imports_say_why():
    """Imports belong at the top; one inside a function breaks a named cycle (``# cycle: …``) or
    defers a slow optional dependency (``# lazy: …``). The app factory is exempt."""
    unexplained = sorted({
        f"{modules()[imp.module].relative_to(ROOT)}:{imp.line} ({imp.in_function}): {imp.text.splitlines()[0].strip()}"
        for imp in imports()
        if imp.in_function and imp.module != FACTORY and not any(r in imp.text for r in REASONS)
    })
    assert not unexplained, "in-function imports without a '# cycle: …' or '# lazy: …' reason:\n" + "\n".join(unexplained)


def test_the_domain_is_framework_free():
    forbidden = ("flask", "sqlalchemy", "app", "flask_sqlalchemy", "flask_login", "werkzeug")
    bad = sorted({f"{imp.module}: {imp.target}" for imp in imports()
                  if imp.module.split(".")[0] == "expert_pool" and imp.target.split(".")[0] in forbidden})
    assert not bad, "expert_pool must not import the web or database layers:\n" + "\n".join(bad)


def test_documents_stand_alone():
    """app.documents renders from its own model: no Flask, no SQLAlchemy, no feature module (only
    the framework-free text rules of app.validation / app.errors)."""
    forbidden = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug")
    allowed = ("app.documents", "app.validation", "app.errors")
    bad = sorted({f"{imp.module}: {imp.target}" for imp in imports()
                  if imp.module.startswith("app.documents")
                  and (imp.target.split(".")[0] in forbidden
                       or (imp.target.startswith("app.") and not imp.target.startswith(allowed)))})
    assert not bad, "\n".join(bad)


def _is_view(module: str) -> bool:
    last = module.rpartition(".")[2]
    return module.startswith("app.api.") or last == "blueprint" or last == "routes" or last.startswith("routes_")


def test_only_views_import_views():
    """Layers: routes → services → models. Services, models and the rest never import a route
    module, a blueprint or the API; only the app factory and other views do."""
    bad = sorted({f"{imp.module} imports {imp.target}" for imp in imports()
                  if _is_view(imp.target) and not _is_view(imp.module) and imp.module != FACTORY})
    assert not bad, "\n".join(bad)


def test_route_modules_share_helpers_through_routes_common():
    """A feature's routes.py gathers its route modules; the others import no route module but
    routes_common (and the blueprint)."""
    bad = []
    for imp in imports():
        package, _, name = imp.module.rpartition(".")
        t_package, _, t_name = imp.target.rpartition(".")
        if package != t_package or not name.startswith("routes_") or name == "routes_common":
            continue
        if t_name == "routes" or (t_name.startswith("routes_") and t_name != "routes_common"):
            bad.append(f"{imp.module} imports {imp.target}")
    assert not bad, "\n".join(sorted(bad))


def test_feature_packages_import_no_views():
    """Importing a feature's models or services loads no route module or blueprint."""
    services = sorted(m for m in modules() if m.endswith((".services", ".models")) and m.startswith("app."))
    code = "import sys\n" + "".join(f"import {m}\n" for m in services) + (
        "views = sorted(m for m in sys.modules if m.startswith('app.') and "
        "(m.rpartition('.')[2] in ('routes', 'blueprint') or m.rpartition('.')[2].startswith('routes_') "
        "or m.startswith('app.api.')))\nprint('\\n'.join(views))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", "views loaded by models/services:\n" + out.stdout
