"""Start-up (issue 27): a one-candidate `evaluate` imports what it needs and nothing else.

The command runs twice in a fresh process with its own cache folder: the first run makes the
compiled campaign, catalogue and vocabulary; the second — the run every later command is — must
not import the modules other commands need (authoring, the web app, the columnar engine, the
report writers), nor PyYAML (nothing it reads is YAML: the campaign comes from the cache), nor
rich (its output is a pipe, no terminal). Module lists, not timings: these fail only when an
import comes back.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ONE = {
    "campaign": "ninh_thuan_2020",
    "as_of": "2021-01-25",
    "units": [
        {
            "id": "u0",
            "name": "Đơn vị 0",
            "kind": "division",
            "facts": {"task_completion": "excellent", "staff_total": 50, "staff_violating_discipline": 0},
        }
    ],
    "people": [],
}

NOT_IMPORTED = [
    "yaml",  # PyYAML: the campaign, catalogue and vocabulary come from the cache (engine.model.yaml_read)
    "engine.model.yaml_read",
    "rich",  # stdout is a pipe (engine.render.output.screen)
    "engine.render.grid",  # the terminal table
    "polars",  # the columnar backend: big populations only
    "engine.evaluate.backends.columnar",
    "engine.authoring",
    "engine.app.authoring_requests",
    "engine.app.authoring_results",  # the list, lint and test commands' results (engine.app.commands.__getattr__)  # the authoring commands' requests (engine.app.requests.__getattr__)
    "engine.model.checks",  # the structural checks: made once, when the campaign is read
    "engine.lang.parse",  # the rule parser: the campaign comes compiled from the cache (engine.lang.__getattr__)
    "engine.web",
    "starlette",
    "jinja2",  # reports
    "openpyxl",
    "docx",
    "engine.render.report",
    "engine.render.xlsx",
    "engine.evaluate.allocate",  # award lists
    "engine.verify",
]


def _imported(args: list[str], env: dict[str, str], cwd: Path) -> tuple[set[str], str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "cli.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", proc.stderr, re.MULTILINE))
    return names, proc.stdout


@pytest.fixture(scope="module")
def warm_evaluate(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], str]:
    """The modules a warm one-candidate `evaluate -f json` imports, and what it wrote."""
    tmp = tmp_path_factory.mktemp("startup")
    facts = tmp / "one.json"
    facts.write_text(json.dumps(ONE, ensure_ascii=False), encoding="utf-8")
    cache = tmp / "cache"
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env["THIDUA_CACHE_DIR"] = str(cache)
    args = ["-q", "evaluate", "ninh_thuan_2020", str(facts), "-f", "json"]
    cold, first = _imported(args, env, tmp)
    assert "yaml" in cold  # the cold run read the YAML: the list below is the cache's doing
    warm, second = _imported(args, env, tmp)
    assert second == first
    return warm, second


@pytest.mark.parametrize("module", NOT_IMPORTED)
def test_a_warm_evaluate_does_not_import(warm_evaluate: tuple[set[str], str], module: str) -> None:
    imported, _ = warm_evaluate
    found = sorted(m for m in imported if m == module or m.startswith(module + "."))
    assert not found, f"a one-candidate evaluate imported {found}"


def test_a_warm_evaluate_imports_what_it_needs(warm_evaluate: tuple[set[str], str]) -> None:
    # the list above is only worth something while the command still does its work
    imported, out = warm_evaluate
    assert {"typer", "pydantic", "engine.evaluate.core", "engine.render.text"} <= imported
    assert json.loads(out)["candidates"][0]["id"] == "u0"


def test_a_run_makes_only_the_command_it_runs() -> None:
    """Typer makes a command (reads its signature, builds its parameters) when it is asked for:
    `evaluate` makes `evaluate`, `--help` makes them all (engine.render.help.Commands)."""
    import typer

    import cli
    from engine.model.vocabulary import words
    from engine.render.help import Commands, command_group, localize

    group = command_group(cli.app)
    commands = group.commands
    assert isinstance(commands, Commands)
    assert list(commands) == list(typer.main.get_command(cli.app).commands)  # type: ignore[attr-defined]
    assert commands.made == {}
    localize(group, "en")
    assert commands.made == {}  # localizing the group makes no command
    assert commands["evaluate"].help == words("en").section("help")["evaluate"]  # localized as it is made
    assert list(commands.made) == ["evaluate"]
