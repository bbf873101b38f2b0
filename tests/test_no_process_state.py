"""No process state below the edges (issue 25, point 4).

Only the edges read the environment: cli.py, and engine/common/environment.py, which the command
line and the web app's start-up call to build their session (engine.app.session). No module under
engine/ keeps module-level mutable state: a dict, list or set assigned at module level and then
changed (an item set, deleted, or a mutating method called on it) — allowlisted only with a reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
MODULES = sorted(ENGINE.rglob("*.py"))

# the modules that may read os.environ, and why
ENVIRONMENT_READERS = {
    "engine/common/environment.py": "the one reader: the edges build their Environment with it",
    "engine/render/help.py": "the language is chosen before the command line is parsed (THIDUA_LANG), and "
    "gettext reads LANGUAGE, which it sets: the command line's own edge, kept as it is (issue 25 brief)",
}
# module-level containers that are changed, and why
MUTABLE_ALLOWED = {
    ("engine/evaluate/backends/durable.py", "_sinks"): "durable-rules keeps its rulesets in the process by name "
    "(the library's own global state): one sink per ruleset it holds, so as bounded as the library's table — "
    "and the durable backend is the command line's cross-check, never the web app's",
    ("engine/model/checks.py", "CHECKS"): "a registry filled once, at import, by its @check decorator; "
    "never changed after (the checks branch's)",
    ("engine/common/message.py", "_sayer"): "the vocabulary's `say`, installed once at import by "
    "engine.model.vocabulary (common cannot import model); replaced, never grown",
}
MUTATORS = {
    "append",
    "extend",
    "insert",
    "pop",
    "popitem",
    "remove",
    "clear",
    "add",
    "discard",
    "update",
    "setdefault",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
    "sort",
    "reverse",
    "move_to_end",
}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _reads_environment(tree: ast.AST) -> bool:
    names = ("environ", "getenv", "putenv", "unsetenv")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in names and isinstance(node.value, ast.Name):
            if node.value.id == "os":
                return True
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and any(a.name in names for a in node.names):
            return True
    return False


def _containers(tree: ast.Module) -> set[str]:
    """Names bound at module level to a dict, list or set (a literal, a comprehension, a call of
    dict/list/set/defaultdict/OrderedDict/Counter)."""
    makers = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"}
    found: set[str] = set()
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if value is None:
            continue
        mutable = isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp) or (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name | ast.Attribute)
            and (value.func.id if isinstance(value.func, ast.Name) else value.func.attr) in makers
        )
        if mutable:
            found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return found


def _mutated(tree: ast.Module, names: set[str]) -> set[str]:
    """The names among `names` changed anywhere in the module (outside a function that binds the
    same name locally, which is another variable)."""
    out: set[str] = set()

    def base(node: ast.expr) -> str | None:
        return node.id if isinstance(node, ast.Name) and node.id in names else None

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            if (name := base(node.func.value)) is not None:
                out.add(name)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for t in targets:
                if isinstance(t, ast.Subscript) and (name := base(t.value)) is not None:
                    out.add(name)
        elif isinstance(node, ast.Global):
            out |= set(node.names) & names
    return out


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_only_the_edges_read_the_environment(path: Path) -> None:
    if _rel(path) in ENVIRONMENT_READERS:
        return
    assert not _reads_environment(ast.parse(path.read_text(encoding="utf-8"))), (
        f"{_rel(path)} reads os.environ: take the value from engine.common.environment.current() "
        "(the session's), or as a parameter"
    )


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_no_module_level_mutable_state(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    changed = _mutated(tree, _containers(tree))
    changed = {name for name in changed if (_rel(path), name) not in MUTABLE_ALLOWED}
    assert not changed, f"{_rel(path)} changes module-level {sorted(changed)}: keep it in a session or an object"


def test_the_scan_finds_what_it_looks_for() -> None:
    """The scan itself: a module that reads the environment, and one that fills a module-level dict."""
    reads = ast.parse("import os\n\ndef f():\n    return os.environ.get('X')\n")
    assert _reads_environment(reads)
    assert _reads_environment(ast.parse("from os import environ\n"))
    filled = ast.parse("SEEN: dict[str, int] = {}\n\ndef f(k):\n    SEEN[k] = 1\n")
    assert _mutated(filled, _containers(filled)) == {"SEEN"}
    grown = ast.parse("READ = set()\n\ndef f(p):\n    READ.add(p)\n")
    assert _mutated(grown, _containers(grown)) == {"READ"}
    constant = ast.parse("TABLE = {'a': 1}\n\ndef f(k):\n    return TABLE[k]\n")
    assert _mutated(constant, _containers(constant)) == set()


def test_the_allowlists_name_what_is_there() -> None:
    """An allowlist entry whose module no longer reads the environment or changes the name is stale."""
    for rel in ENVIRONMENT_READERS:
        assert _reads_environment(ast.parse((ROOT / rel).read_text(encoding="utf-8"))), rel
    for rel, name in MUTABLE_ALLOWED:
        path = ROOT / rel
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert name in _mutated(tree, _containers(tree)) or name not in _containers(tree), (rel, name)


def test_no_session_reads_nothing_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With no session in scope, `environment.current()` is the environment with nothing set: a
    variable set in the process is not seen (only an edge reads it, `environment.read()`); inside a
    session built at the edge, it is."""
    from engine.app.session import Session
    from engine.common import environment

    for name, value in (
        ("THIDUA_CAMPAIGNS", str(tmp_path)),
        ("THIDUA_PLANS", str(tmp_path)),
        ("THIDUA_CACHE_DIR", str(tmp_path / "cache")),
        ("THIDUA_LOG_DIR", str(tmp_path / "logs")),
        ("THIDUA_BROWSER", "my-browser"),
        ("THIDUA_LANG", "en"),
        ("THIDUA_MAX_BYTES", "1000"),
    ):
        monkeypatch.setenv(name, value)
    assert environment.current() == environment.Environment()
    with Session.from_environment().active():
        seen = environment.current()
    assert seen.campaigns == (tmp_path,) and seen.browser == "my-browser" and seen.lang == "en"
    assert dict(seen.limits) == {"THIDUA_MAX_BYTES": "1000"}
    assert environment.current() == environment.Environment()  # the scope ends with the session


def test_script_entry_points_build_their_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """A `python -m` entry point is an edge: engine.authoring.docs's runs inside a session over the
    process's environment (its generated parts read the plans folder through it)."""
    from engine.authoring import docs
    from engine.common import environment

    seen: list[environment.Environment] = []
    monkeypatch.setenv("THIDUA_BROWSER", "from-the-edge")
    monkeypatch.setattr(docs, "refresh", lambda parts, check: seen.append(environment.current()) or 0)
    assert docs.main(["--check"]) == 0
    assert seen and seen[0].browser == "from-the-edge"
