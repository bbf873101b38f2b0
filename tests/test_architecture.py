"""The rooms of engine/ and the direction of their imports (issue 11, point 8).

A room imports only rooms below it (or itself), and no two modules import each other, even
through a function-local import: data flows down, no room reaches back up (DESIGN.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"

# lowest first: a room may import from its own rank and below
ROOMS = ["common", "lang", "model", "readers", "evaluate", "explain", "render", "authoring"]
TOP = {"engine.pipeline", "engine.verify"}  # the entry points over everything
ABOVE = ["web"]  # rooms over the entry points: the web app calls engine.pipeline (DESIGN.md)
LEAVES = {"engine"}  # the package itself holds only __version__ and imports nothing


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ENGINE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every engine module `path` imports, at module level or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name in modules:
                found.add(name)
    return found


def _rank(module: str) -> int:
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
        assert module in TOP | LEAVES or module.split(".")[1] in ROOMS + ABOVE, f"{module} is in no room"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_go_down(module: str) -> None:
    up = sorted(m for m in GRAPH[module] if _rank(m) > _rank(module) and m not in (module.rsplit(".", 1)[0],))
    room = ROOMS[_rank(module)] if 0 <= _rank(module) < len(ROOMS) else "top" if module in TOP else module
    assert not up, f"{module} ({room}) imports {up}"


def test_no_import_cycles() -> None:
    # a package's __init__ importing its own submodules is how a package re-exports; not a cycle
    graph = {m: {d for d in deps if not (m in TOP or d.startswith(m + "."))} for m, deps in GRAPH.items()}
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
