"""Rooms a newcomer can hold in their head (issue 25.7): no function longer than 60 lines without
a reason written beside it. (Complexity above 15 is ruff's C901, configured in pyproject.toml, and
likewise needs a `# noqa: C901` with its reason.)

A reason is a comment block right above the `def` (or its first decorator) with a line starting `# long:`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 60
SOURCES = sorted([*(ROOT / "engine").rglob("*.py"), ROOT / "cli.py"])


def _long_functions(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        above = top - 2  # the comment block right above the def (or its first decorator)
        comments = []
        while above >= 0 and lines[above].strip().startswith("#"):
            comments.append(lines[above].strip())
            above -= 1
        if length > LIMIT and not any(c.startswith("# long:") for c in comments):
            found.append(f"{path.name}:{node.lineno} {node.name} ({length} lines)")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_longer_than_a_screen_without_a_reason(path: Path) -> None:
    assert _long_functions(path) == []


def test_the_guard_can_fail(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    src = tmp_path / "m.py"
    src.write_text(f"def f() -> None:\n{body}\n\n\n# long: a table of sixty constants\ndef g() -> None:\n{body}\n")
    found = _long_functions(src)
    assert len(found) == 1 and " f " in found[0]
