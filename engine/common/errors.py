"""One family of user errors, each carrying where it happened and what to do.

The CLI catches `UserError` in one place, prints `str(error)` as a single line on
stderr and exits with `error.exit_code`. Nothing else should reach a user.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the check found problems (validation errors, failed regression case)
EXIT_USAGE = 2  # unusable input or usage


@dataclass(frozen=True)
class Problem:
    """One problem found in a file: `file:line:column: where: message — hint`."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    where: str = ""
    hint: str = ""
    severity: str = "error"  # error | warning
    code: str = ""

    def __str__(self) -> str:
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        text = f"{loc}: "
        if self.severity == "warning":
            text += "warning: "
        if self.where:
            text += f"{self.where}: "
        text += self.message
        if self.hint:
            text += f" — {self.hint}"
        return " ".join(text.split("\n"))


class UserError(Exception):
    """An error caused by the user's input, reported as one line, never a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: Problem | str | Iterable[Problem], exit_code: int | None = None):
        if isinstance(problems, Problem):
            self.problems = [problems]
        elif isinstance(problems, str):
            self.problems = [Problem(file="thidua", message=problems)]
        else:
            self.problems = list(problems)
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(str(self))

    def __str__(self) -> str:
        first = str(self.problems[0]) if self.problems else "error"
        more = len(self.problems) - 1
        if more > 0:
            first += f" (and {more} more problem{'s' if more > 1 else ''})"
        return first


class UsageError(UserError):
    """Unusable input or usage: exit 2."""

    exit_code = EXIT_USAGE


class CampaignInvalid(UserError):
    """A campaign file failed validation: exit 1 from `validate`, 2 when loaded for use."""

    exit_code = EXIT_PROBLEMS


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """A 'did you mean' hint, or '' when nothing is close."""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""
