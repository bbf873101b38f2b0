"""What each command is asked, as data: a frozen request per command, sharing the run's settings.

An edge (cli.py, the web routes) parses its arguments into one of these — dates through
`day`, once — and hands it to engine.app.commands; nothing below reads an option again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from engine.app.sources import Source
from engine.common.errors import Problem, UserError

Input = Path | Source  # a file, folder or `-` named on a command line; or an upload's bytes


def day(value: str | None, option: str) -> dt.date | None:
    """A date option as people write it (dd/mm/yyyy or YYYY-MM-DD); None when not given (or blank,
    as a form's empty field); a `UserError` naming `option` in the reader's words otherwise."""
    if value is None or not value.strip():
        return None
    from engine.lang.values import parse_day, reasons

    try:
        return parse_day(value)
    except ValueError as e:  # not a date, or not a real day (31/02)
        message, hint = reasons(e)
        raise UserError(Problem(option, message, hint=hint)) from None


@dataclass(frozen=True)
class Run:
    """The settings every evaluating command shares: the campaign, the facts, the dates, the round,
    the backend, the reader's language."""

    campaign: str | Source  # an id, a path to a YAML file, or a campaign's bytes
    inputs: tuple[Input, ...]
    as_of: dt.date | None = None
    deadline: dt.date | None = None
    round: int | None = None
    backend: str = "native"
    input_format: str | None = None
    lang: str = "vi"

    def paths(self) -> tuple[Path, ...]:
        """The inputs that are files on disk (an output never goes over one of them)."""
        return tuple(i for i in self.inputs if isinstance(i, Path))


@dataclass(frozen=True)
class Output:
    """Where and how a command writes: `-f` as asked (None: the command's default, or the file's
    extension) and `-o` (None: the screen or the response)."""

    format: str | None = None
    path: Path | None = None


@dataclass(frozen=True)
class Evaluate:
    run: Run
    output: Output = Output()


@dataclass(frozen=True)
class Award:
    run: Run
    output: Output = Output()
    decision_date: dt.date | None = None
    decision_option: str = "--decision-date"  # how the edge names the decision date (its problems say it)


@dataclass(frozen=True)
class Explain:
    run: Run
    candidate: str
    output: Output = Output()
    see: str = "problem.eval_see_evaluate"  # where a reader finds the ids, when the candidate is not one


@dataclass(frozen=True)
class Near:
    run: Run
    within: int = 1
    output: Output = Output()


@dataclass(frozen=True)
class Report:
    run: Run
    output: Output  # its path's extension (or its format) says which document
    decision_date: dt.date | None = None
    decision_option: str = "--decision-date"
    profile: Path | None = None  # a document profile file (engine.render.profile)
    profile_options: tuple[tuple[str, object], ...] = ()  # the options given over it (None: not given)
    appendix: bool = False


@dataclass(frozen=True)
class Verify:
    report: Path
    campaign: str
    inputs: tuple[Path, ...]
    strict: bool = False
    lang: str = "vi"


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
