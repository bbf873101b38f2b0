"""What the authoring commands are asked (`validate`, `lint`, `diff`, `test`, `init`, `draft`,
`example`, `template`, `schema`), as frozen data; read as engine.app.requests' (`requests.Lint`),
which imports this module only when one of them is first asked for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from engine.app.request_output import Output
from engine.app.sources import Source


@dataclass(frozen=True)
class Validate:
    campaigns: tuple[str, ...]  # ids or paths, each checked on its own


@dataclass(frozen=True)
class Lint:
    campaigns: tuple[str, ...] = ()  # ids or paths; `facts`: the catalogue; none: every campaign and it
    source: Path | None = None  # the plan's text the quotes are checked against (else the shipped plans)
    output: Output = Output()


@dataclass(frozen=True)
class Diff:
    old: str
    new: str
    facts: Path | None = None  # a facts file both versions evaluate, to compare their results
    as_of: dt.date | None = None
    lang: str = "vi"
    output: Output = Output()


@dataclass(frozen=True)
class Test:
    paths: tuple[Path, ...] = ()  # case files or folders; none: tests/cases/
    junit: Path | None = None  # where the JUnit XML goes, if anywhere
    verbose: bool = False


@dataclass(frozen=True)
class Init:
    new_id: str
    source: str  # the campaign it starts from (`--from`)
    output: Path | None = None


@dataclass(frozen=True)
class Draft:
    plan: Path | Source  # the plan's text: .txt, .docx or .pdf (a path, or an upload's bytes)
    output: Path | None = None  # the campaign file written (None: the screen or the response)
    lang: str = "vi"


@dataclass(frozen=True)
class Example:
    campaign: str
    output: Path | None = None


@dataclass(frozen=True)
class Template:
    campaign: str
    output: Path  # its extension names the format
    lang: str = "vi"


@dataclass(frozen=True)
class Schema:
    kind: str
    output: Path | None = None
