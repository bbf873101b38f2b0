"""Output formats per command: the one place that decides what a command writes.

Each command declares the formats it has (as OPA's commands do); `choose` takes what the user
asked for — `-f/--format` and the `-o` file's extension — and returns one of them, or refuses:
a format the command does not have is an error naming the ones it has; with `-o` and no `-f`
the format follows the extension; an extension contradicting `-f` is an error; an extension
naming a format the command cannot write (`evaluate -o r.xlsx`) is an error, so a file named
.xlsx/.csv/.json never holds a terminal table. An extension thidua does not know (`.txt`,
`.log`, none) takes `-f`, else the command's default.
"""

from __future__ import annotations

from pathlib import Path

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg

COMMAND_FORMATS: dict[str, tuple[str, ...]] = {
    "evaluate": ("table", "json", "markdown", "csv"),
    "explain": ("table", "json"),
    "award": ("table", "json"),
    "near": ("table", "json"),
    "diff": ("table", "json"),
    "lint": ("table", "json"),
    "report": ("html", "markdown", "xlsx", "docx", "pdf"),
}

# the formats a file's extension names (a .txt file holds a table)
EXTENSIONS: dict[str, str] = {
    ".txt": "table",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".pdf": "pdf",
    ".yaml": "yaml",
    ".yml": "yaml",
}


def _named(formats: tuple[str, ...]) -> str:
    ext = {f: e for e, f in reversed(list(EXTENSIONS.items()))}
    return ", ".join(f"{f} ({ext[f]})" if f in ext else f for f in formats)


def choose(command: str, requested: str | None, output: Path | None) -> str:
    """The format `command` writes for `-f requested` and `-o output`; a `UsageError` if it cannot."""
    formats = COMMAND_FORMATS[command]
    if requested is not None and requested not in formats:
        raise UsageError(
            Problem(
                "--format",
                Msg("problem.render_not_a_format", format=requested, command=command),
                hint=Msg("problem.render_it_writes", formats=_named(formats)),
            )
        )
    implied = EXTENSIONS.get(output.suffix.lower()) if output is not None else None
    if output is not None and implied is not None:
        if implied not in formats:
            raise UsageError(
                Problem(
                    str(output),
                    Msg("problem.render_cannot_write_ext", command=command, ext=output.suffix),
                    hint=Msg("problem.render_it_writes", formats=_named(formats)),
                )
            )
        if requested is not None and requested != implied:
            raise UsageError(
                Problem(
                    str(output),
                    Msg("problem.render_ext_contradicts", ext=output.suffix, format=requested),
                    hint=Msg("problem.render_ext_contradicts_hint", want=_ext(requested)),
                )
            )
        return implied
    if requested is not None:
        return requested
    if command == "report":  # a report has no terminal form: its file must say what it is
        where = str(output) if output is not None else "-o"
        raise UsageError(
            Problem(
                where,
                Msg("problem.render_report_format_unknown"),
                hint=Msg("problem.render_use", formats=_named(formats)),
            )
        )
    return formats[0]


def _ext(fmt: str) -> str:
    return next((e for e, f in EXTENSIONS.items() if f == fmt), "txt").lstrip(".")
