"""The rooms of engine/ and the direction of their imports (issue 11, point 8; issue 25, point 8).

A room imports only rooms below it (or itself), and no two modules import each other, even
through a function-local import or through a package's `__init__`: data flows down, no room
reaches back up (DESIGN.md). `cli.py` is the top edge: it may import anything, and nothing in
engine/ imports it. No module is excused: every import written in every module counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
CLI = ROOT / "cli.py"

# lowest first: a room may import from its own rank and below
ROOMS = ["common", "lang", "model", "readers", "evaluate", "explain", "render", "authoring"]
TOP = {"engine.pipeline", "engine.verify"}  # the entry points over everything
ABOVE = ["app", "web"]  # rooms over the entry points: the application layer (engine.app) calls engine.pipeline;
# the web app calls the application layer (DESIGN.md)
LEAVES = {"engine"}  # the package itself holds only __version__ and imports nothing
EDGE = "cli"  # the command line, over everything


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ENGINE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    out[EDGE] = CLI
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every engine module `path` imports, at module level or inside a function."""
    found: set[str] = set()
    here = next(m for m, p in modules.items() if p == path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # a relative import, resolved against the importing package
                parent = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name in modules:
                found.add(name)
    return found


def _rank(module: str) -> int:
    if module == EDGE:
        return len(ROOMS) + 1 + len(ABOVE)
    if module in LEAVES:
        return -1
    if module in TOP:
        return len(ROOMS)
    room = module.split(".")[1]
    if room in ABOVE:
        return len(ROOMS) + 1 + ABOVE.index(room)
    return ROOMS.index(room)


GRAPH = {m: _imports(p, _modules()) - {m} for m, p in _modules().items()}


def test_every_module_is_in_a_room() -> None:
    for module in GRAPH:
        assert module in TOP | LEAVES | {EDGE} or module.split(".")[1] in ROOMS + ABOVE, f"{module} is in no room"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_go_down(module: str) -> None:
    up = sorted(m for m in GRAPH[module] if _rank(m) > _rank(module))
    room = ROOMS[_rank(module)] if 0 <= _rank(module) < len(ROOMS) else "top" if module in TOP else module
    assert not up, f"{module} ({room}) imports {up}"


def test_cli_is_the_top_edge() -> None:
    assert GRAPH.get(EDGE), "cli.py is not read"
    assert "engine.app.commands" in GRAPH[EDGE]  # the command line calls the application layer
    importers = sorted(m for m, deps in GRAPH.items() if EDGE in deps)
    assert not importers, f"{importers} import cli.py"


def test_no_import_cycles() -> None:
    # every edge counts: a package __init__ that imports a submodule which imports the package
    # back is a cycle like any other (issue 25: engine.evaluate.backends ↔ its backends was one)
    graph = GRAPH
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                cycle = [*stack[stack.index(d) :], d]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
