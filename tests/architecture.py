"""The shape of the house, read from the source: modules, their imports, loops and layers.

`python -m tests.architecture` prints the figures (module sizes, import loops, function-local
project imports, imports against the layering); tests/test_architecture.py asserts them.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("council", "deliberation", "cms")
# Layers, bottom first: a module may import its own app and the apps below it.
LAYER = {"council": 0, "deliberation": 1, "cms": 2}
# The project's wiring sees every app: settings, root URLs, the ASGI and WSGI entry points.
WIRING = {"council.settings", "council.urls", "council.asgi", "council.wsgi"}
MAX_LINES = 400


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    imports: set[str] = field(default_factory=set)
    local_imports: list[tuple[int, str]] = field(default_factory=list)
    hidden: set[str] = field(default_factory=set)  # what the function-local imports reach


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[Path]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([base] if base else []))
    # `from package import submodule` imports the submodule; resolved against known modules later.
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


class _Visitor(ast.NodeVisitor):
    def __init__(self, module: Module, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.depth = 0
        self.in_ready = False

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        was = self.in_ready
        self.in_ready = was or node.name == "ready"
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        self.in_ready = was

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        targets = [
            t for t in _targets(node, self.module.name, self.is_package) if t.split(".")[0] in APPS
        ]
        if not targets:
            return
        if self.depth:
            if not self.in_ready:
                self.module.local_imports.append((node.lineno, targets[-1]))
                self.module.hidden.update(targets)
            return
        self.module.imports.update(targets)

    visit_Import = _import
    visit_ImportFrom = _import


def modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in _sources():
        text = path.read_text()
        module = Module(_module_name(path), path, len(text.splitlines()))
        _Visitor(module, path.name == "__init__.py").visit(ast.parse(text))
        found[module.name] = module
    for module in found.values():
        module.imports = {t for t in module.imports if t in found and t != module.name}
        module.hidden = {t for t in module.hidden if t in found and t != module.name}
        module.local_imports = [
            (line, target if target in found else target.rpartition(".")[0])
            for line, target in module.local_imports
        ]
    return found


def import_loops(found: dict[str, Module], hidden: bool = False) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan).

    With `hidden`, the edges of function-local imports count too: the loops they dodge.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        edges = found[name].imports | (found[name].hidden if hidden else set())
        for target in sorted(edges):
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in on_stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for name in sorted(found):
        if name not in index:
            visit(name)
    return loops


def layer_violations(found: dict[str, Module]) -> list[tuple[str, str]]:
    wrong = []
    for module in found.values():
        if module.name in WIRING:
            continue
        own = LAYER[module.name.split(".")[0]]
        for target in module.imports:
            if LAYER[target.split(".")[0]] > own:
                wrong.append((module.name, target))
    return sorted(wrong)


# Where a lower layer may name the URLs of cms: the wiring, and the links module that is it.
UPPER_URL_NAMES = re.compile(r"""["']cms:""")
URL_WIRING = {"council/links.py", "council/urls.py"}


def names_of_upper_urls() -> list[str]:
    """Files below cms (code and templates) that name one of its URLs."""
    found = []
    for folder in ("council", "deliberation", "templates/council", "templates/deliberation"):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if (
                path.suffix in (".py", ".html")
                and relative not in URL_WIRING
                and UPPER_URL_NAMES.search(path.read_text(encoding="utf-8"))
            ):
                found.append(relative)
    return found


def main() -> None:
    found = modules()
    by_size = sorted(found.values(), key=lambda m: -m.lines)
    print(f"modules: {len(found)}, lines: {sum(m.lines for m in found.values())}")
    print("longest:", ", ".join(f"{m.name} {m.lines}" for m in by_size[:5]))
    over = [m for m in by_size if m.lines > MAX_LINES]
    print(f"over {MAX_LINES} lines: {len(over)}", ", ".join(m.name for m in over))
    loops = import_loops(found)
    print(f"import loops: {len(loops)}")
    for loop in loops:
        print("  ", " ↔ ".join(loop))
    dodged = import_loops(found, hidden=True)
    print(f"loops once function-local imports count: {len(dodged)}")
    for loop in dodged:
        print("  ", " ↔ ".join(loop))
    local = [(m.name, line, t) for m in found.values() for line, t in m.local_imports]
    print(f"function-local project imports: {len(local)}")
    if "-v" in sys.argv:
        for name, line, target in local:
            print(f"   {name}:{line} → {target}")
    wrong = layer_violations(found)
    print(f"imports against the layers (cms → deliberation → council): {len(wrong)}")
    for source, target in wrong:
        print(f"   {source} → {target}")


if __name__ == "__main__":
    main()
