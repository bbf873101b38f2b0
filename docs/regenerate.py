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
WIDTH = 100  # the terminal's columns, fixed so that the text does not depend on who regenerates it
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

# (picture, command, columns, lines kept, where): "office" is a fresh folder as an officer has it
# (ho-so.yaml: the bundled example from `thidua example`; ho-so-loi.yaml: the same with two
# mistakes; ke-hoach/: the author's own campaign folder, THIDUA_CAMPAIGNS), "repo" the checkout
Shot = tuple[str, list[str], int, int, str]
SHOTS: tuple[Shot, ...] = (
    ("evaluate.png", ["evaluate", "ninh_thuan_2020", "ho-so.yaml"], 120, 44, "office"),
    ("explain.png", ["explain", "ninh_thuan_2020", "ho-so.yaml", "so-tai-chinh"], 120, 60, "office"),
    ("award.png", ["award", "ninh_thuan_2020", "ho-so.yaml"], 120, 48, "office"),
    ("near.png", ["near", "ninh_thuan_2020", "ho-so.yaml"], 120, 40, "office"),
    ("loi-so-lieu.png", ["evaluate", "ninh_thuan_2020", "ho-so-loi.yaml"], 120, 10, "office"),
    ("init.png", ["init", "ninh_thuan_2021", "--from", "ninh_thuan_2020"], 120, 20, "office"),
    ("validate-init.png", ["validate", "ninh_thuan_2021"], 120, 20, "office"),
    ("diff.png", ["diff", "ninh_thuan_2020", "ninh_thuan_2025"], 120, 50, "repo"),
    ("test.png", ["test", "tests/cases/ninh_thuan_2020", "-v"], 120, 30, "repo"),
)
# the two mistakes of ho-so-loi.yaml: a rating without its tone mark, a number in words
MISTAKES = (("par_rating: good", "par_rating: Tot"), ("staff_total: 40", "staff_total: bốn mươi"))


def office(folder: Path) -> None:
    """The officer's folder: the example return, a copy with mistakes, an empty campaign folder."""
    example = (ROOT / "examples" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
    (folder / "ho-so.yaml").write_text(example, encoding="utf-8")
    for wrong, typed in MISTAKES:
        example = example.replace(wrong, typed, 1)
    (folder / "ho-so-loi.yaml").write_text(example, encoding="utf-8")
    (folder / "ke-hoach").mkdir()


def terminal(args: list[str], columns: int, cwd: Path) -> str:
    """The command's stdout, then its stderr, as a terminal of `columns` would show them (colours kept)."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update({"FORCE_COLOR": "1", "COLUMNS": str(columns), "THIDUA_LANG": "vi"})
    if cwd != ROOT:
        env["THIDUA_CAMPAIGNS"] = str(cwd / "ke-hoach")
    exe = Path(sys.executable).parent / "thidua"
    done = subprocess.run(
        [str(exe) if exe.exists() else "thidua", *args], cwd=cwd, env=env, capture_output=True, check=False
    )
    # the reader sees relative names: the temporary folder is the officer's own
    return (done.stdout + done.stderr).decode("utf-8").replace(f"{cwd}{os.sep}", "")


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
    # (Liberation Mono 2 has every Vietnamese letter precomposed; DejaVu Sans Mono puts some marks beside)
    svg = re.sub(r"@font-face\s*\{[^}]*\}", "", svg)
    return svg.replace("font-family: Fira Code, monospace", 'font-family: "Liberation Mono", monospace')


def photographer(profile: Path) -> Any:
    """Headless Chromium driven by Selenium (chromedriver), which photographs one element exactly
    (Chromium's own --screenshot takes the window, and draws a window lower than ~200 px blank)."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--hide-scrollbars", "--window-size=1600,3000"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    # the installed browser and driver: Selenium must not go to the network to fetch its own
    options.binary_location = os.environ.get("THIDUA_BROWSER") or shutil.which("chromium") or "chromium"
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def png(driver: Any, svg: str, out: Path, folder: Path) -> None:
    """The SVG, photographed at its own size."""
    from selenium.webdriver.common.by import By

    size = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if size is None:
        raise ValueError("no viewBox in the SVG")
    style = f"body{{margin:0}} svg{{width:{size[1]}px; height:{size[2]}px}}"
    page = folder / "shot.html"
    page.write_text(f"<!doctype html><meta charset=utf-8><style>{style}</style>{svg}", encoding="utf-8")
    driver.get(page.as_uri())
    driver.find_element(By.TAG_NAME, "svg").screenshot(str(out))


def screenshots() -> None:
    (DOCS / "img").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder, pages = Path(tmp).resolve() / "office", Path(tmp).resolve()
        folder.mkdir()
        office(folder)
        driver = photographer(pages / "profile")
        try:
            for name, command, columns, keep, where in SHOTS:
                out = DOCS / "img" / name
                text = terminal(command, columns, folder if where == "office" else ROOT)
                png(driver, svg_of(command, text, columns, keep), out, pages)
                print(out.relative_to(ROOT))
        finally:
            driver.quit()


def main(argv: list[str]) -> int:
    if "--screenshots" in argv:
        screenshots()
        return 0
    return refresh(PARTS, check="--check" in argv, hint=HINT)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
