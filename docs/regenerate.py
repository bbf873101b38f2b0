"""The references generated from the programs themselves, and the guides' terminal pictures.

    python docs/regenerate.py                # docs/cli.md, docs/cli.en.md, docs/api.md
    python docs/regenerate.py --check        # exit 1 when one is stale (tests/test_docs.py)
    python docs/regenerate.py --screenshots  # docs/img/*.png: real terminal outputs, for the guides

The CLI reference is each command's `--help` as a user sees it, in each language (the language a
reader chooses: THIDUA_LANG), at a fixed width; the HTTP reference is the web app's OpenAPI. Both
apps sit above the engine's rooms (cli.py, engine.web), so this script, not engine.authoring.docs,
makes them; the markers and the staleness check are that module's (`Part`, `refresh`).
Screenshots are not checked for staleness (fonts differ between machines): regenerate them when
an output they show changes.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.authoring.docs import Part, refresh  # noqa: E402

DOCS = ROOT / "docs"
HINT = "run python docs/regenerate.py"
WIDTH = 100  # columns of the help text: fits a page of the repository's viewer without wrapping
# the environment a reader's terminal must not leak into the reference (colour, width, a user's folders)
UNSET = ("FORCE_COLOR", "NO_COLOR", "TERMINAL_WIDTH", "THIDUA_CAMPAIGNS", "THIDUA_PLANS", "LINES")


def commands() -> list[str]:
    import typer

    from cli import app

    group = typer.main.get_command(app)
    return list(getattr(group, "commands", {}))


def help_text(args: list[str], lang: str) -> str:
    """`thidua ARGS --help` as printed in `lang`, without colour, WIDTH columns, trailing spaces cut."""
    from typer.testing import CliRunner

    from cli import app

    env: Mapping[str, str | None] = {"COLUMNS": str(WIDTH), "THIDUA_LANG": lang, **dict.fromkeys(UNSET)}
    result = CliRunner().invoke(app, [*args, "--help"], env=env, prog_name="thidua")
    if result.exit_code != 0:
        raise RuntimeError(f"thidua {' '.join(args)} --help: exit {result.exit_code}\n{result.output}")
    lines = [line.rstrip() for line in result.output.splitlines()]
    return "\n".join(lines).strip("\n")


def cli_reference(lang: str) -> str:
    out = ["## thidua", "", "```text", help_text([], lang), "```"]
    for name in commands():
        out += ["", f"## thidua {name}", "", "```text", help_text([name], lang), "```"]
    return "\n".join(out)


def _type(schema: Mapping[str, Any]) -> str:
    """A parameter's type in words: `string`, `file` (binary), `list of file`; a nullable one by its
    non-null type (optional is the table's own column)."""
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(kinds) or "null"
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if schema.get("format") == "binary":
        return "file"
    return str(schema.get("type", "any"))


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def api_reference() -> str:
    """Each endpoint of the OpenAPI document: method, path, summary, parameters, body, answers."""
    from engine.web.app import create_app

    spec = create_app().openapi()
    out: list[str] = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            out += [f"### `{method.upper()} {path}`", "", _cell(op.get("summary", "")), ""]
            if op.get("description"):
                out += [op["description"].strip(), ""]
            params = op.get("parameters", [])
            if params:
                out += ["| parameter | in | required | type | meaning |", "|---|---|---|---|---|"]
                for p in params:
                    schema = p.get("schema", {})
                    about = p.get("description") or schema.get("description", "")
                    default = f" (default `{schema['default']}`)" if "default" in schema else ""
                    yes = "yes" if p.get("required") else "no"
                    out.append(f"| `{p['name']}` | {p['in']} | {yes} | {_type(schema)} | {_cell(about)}{default} |")
                out.append("")
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                body = content.get("schema", {})
                required = set(body.get("required", []))
                out += [f"Body: `{media}`", "", "| field | required | type | meaning |", "|---|---|---|---|"]
                for name, field in body.get("properties", {}).items():
                    yes = "yes" if name in required else "no"
                    out.append(f"| `{name}` | {yes} | {_type(field)} | {_cell(field.get('description', ''))} |")
                out.append("")
            answers = ", ".join(f"{code} {r.get('description', '')}" for code, r in op.get("responses", {}).items())
            out += [f"Answers: {answers}.", ""]
    return "\n".join(out).strip("\n")


PARTS = (
    Part(DOCS / "cli.md", "cli", "`thidua COMMAND --help` (THIDUA_LANG=vi)", lambda: cli_reference("vi")),
    Part(DOCS / "cli.en.md", "cli", "`thidua COMMAND --help` (THIDUA_LANG=en)", lambda: cli_reference("en")),
    Part(DOCS / "api.md", "api", "the web app's OpenAPI (engine/web)", api_reference),
)


# ---- screenshots: real terminal outputs, coloured as a terminal shows them ----

# (file, title, command, columns, lines kept): run from the repository, on the bundled examples
SHOTS: tuple[tuple[str, list[str], int, int], ...] = (
    ("evaluate.png", ["evaluate", "ninh_thuan_2020", "examples/ninh_thuan_2020.yaml"], 120, 34),
    ("explain.png", ["explain", "ninh_thuan_2020", "examples/ninh_thuan_2020.yaml", "so-tai-chinh"], 120, 60),
    ("award.png", ["award", "ninh_thuan_2020", "examples/ninh_thuan_2020.yaml"], 120, 48),
    ("near.png", ["near", "ninh_thuan_2020", "examples/ninh_thuan_2020.yaml"], 120, 40),
    ("validate.png", ["validate", "ninh_thuan_2020"], 100, 20),
)


def terminal(args: list[str], columns: int, env: Mapping[str, str] | None = None) -> str:
    """The command's stdout and stderr as a terminal of `columns` would show them (ANSI colours kept)."""
    run_env = {k: v for k, v in os.environ.items() if k not in UNSET}
    run_env.update({"FORCE_COLOR": "1", "COLUMNS": str(columns), "THIDUA_LANG": "vi", **(env or {})})
    exe = Path(sys.executable).parent / "thidua"
    done = subprocess.run(
        [str(exe) if exe.exists() else "thidua", *args], cwd=ROOT, env=run_env, capture_output=True, check=False
    )
    return (done.stdout + done.stderr).decode("utf-8")


def svg_of(command: list[str], text: str, columns: int, keep: int) -> str:
    from rich.console import Console
    from rich.text import Text

    lines = text.rstrip("\n").split("\n")
    if len(lines) > keep:
        lines = [*lines[:keep], "…"]
    console = Console(record=True, width=columns, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(Text.from_ansi("$ thidua " + " ".join(command)), style="bold")
    console.print(Text.from_ansi("\n".join(lines)))
    svg = console.export_svg(title="thidua")
    # the page must not reach the network: the CDN font of rich's template gives way to a local monospace
    return re.sub(r"@font-face\s*\{[^}]*\}", "", svg).replace('"Fira Code"', '"DejaVu Sans Mono", "Liberation Mono"')


def png(svg: str, out: Path) -> None:
    """The SVG, photographed by headless Chromium at its own size."""
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if m is None:
        raise ValueError("no viewBox in the SVG")
    width, height = (round(float(x)) for x in m.groups())
    page = f"<!doctype html><meta charset=utf-8><style>body{{margin:0}}</style>{svg}"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "shot.html"
        source.write_text(page, encoding="utf-8")
        subprocess.run(
            [
                os.environ.get("THIDUA_BROWSER", "chromium"),
                "--headless",
                "--no-sandbox",
                "--hide-scrollbars",
                f"--user-data-dir={tmp}",
                f"--window-size={width},{height}",
                f"--screenshot={out}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def screenshots() -> None:
    (DOCS / "img").mkdir(exist_ok=True)
    for name, command, columns, keep in SHOTS:
        out = DOCS / "img" / name
        png(svg_of(command, terminal(command, columns), columns, keep), out)
        print(out.relative_to(ROOT))


def main(argv: list[str]) -> int:
    if "--screenshots" in argv:
        screenshots()
        return 0
    return refresh(PARTS, check="--check" in argv, hint=HINT)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
