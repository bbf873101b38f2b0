"""What each command is asked, as data: a frozen request per command, sharing the run's settings.

An edge (cli.py, the web routes) parses its arguments into one of these — dates through
`day`, once — and hands it to engine.app.commands; nothing below reads an option again.

The requests of the commands that evaluate are here; the authoring commands' (`validate`, `lint`,
`diff`, `test`, `init`, `draft`, `example`, `template`, `schema`) are in
engine.app.authoring_requests, read from here too (`requests.Lint`) but made only when one is first
asked for: a command builds only the requests it might make (a frozen dataclass is made at import).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.app.request_output import Output as Output
from engine.app.sources import Source
from engine.common.errors import Problem, UserError

if TYPE_CHECKING:
    from engine.app.authoring_requests import Diff as Diff
    from engine.app.authoring_requests import Draft as Draft
    from engine.app.authoring_requests import Example as Example
    from engine.app.authoring_requests import Init as Init
    from engine.app.authoring_requests import Lint as Lint
    from engine.app.authoring_requests import Schema as Schema
    from engine.app.authoring_requests import Template as Template
    from engine.app.authoring_requests import Test as Test
    from engine.app.authoring_requests import Validate as Validate

AUTHORING = frozenset({"Diff", "Draft", "Example", "Init", "Lint", "Schema", "Template", "Test", "Validate"})

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


def __getattr__(name: str) -> Any:
    """An authoring command's request (engine.app.authoring_requests), made when first asked for."""
    if name in AUTHORING:
        from engine.app import authoring_requests

        return getattr(authoring_requests, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
