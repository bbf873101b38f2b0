"""One family of user errors, each carrying where it happened and what to do.

The CLI catches `UserError` in one place, prints `str(error)` as a single line on
stderr and exits with `error.exit_code`. Nothing else should reach a user.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from engine.common import limits
from engine.common.message import Msg, Text, say
from engine.common.text import visible

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the check found problems (validation errors, failed regression case)
EXIT_USAGE = 2  # unusable input or usage
EXIT_INTERNAL = 3  # a bug: one line naming the log file with the traceback (engine.common.crash)
MAX_LINES = 50  # problems listed one a line; beyond, one line says how many more
# problems kept as they are found (a file of a million bad items is not a million problems held to
# print fifty); beyond, only counted — one summary problem says how many (`Found`)
MAX_KEPT = 20 * MAX_LINES


@dataclass(frozen=True)
class Problem:
    """One problem found in a file: `file:line:column: where: message — hint`.

    A coded problem (a campaign check, TD…) reads `file:line:column: TD201 lỗi: where: message
    — hint`; `thidua validate` and `thidua lint` print that same line. The message and the hint
    are `Msg`s (a vocabulary key and its parameters), said in the reader's language by `render`
    (`str()`: the language of the moment, engine.common.message.current); a plain string is shown
    as written (the plan's own sentence)."""

    file: str
    message: Text
    line: int | None = None
    column: int | None = None
    where: str = ""
    hint: Text = ""
    severity: str = "error"  # error | warning
    code: str = ""
    left_out: int = 0  # a summary, not a problem: this many more were found and not kept (`Found`)

    def render(self, lang: str | None = None) -> str:
        """The one line a user reads, in `lang` (default: the reader's language of the moment)."""
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        text = f"{loc}: "
        if self.code:
            text += f"{self.code} {say(Msg(f'problem.severity_{self.severity}'), lang)}: "
        elif self.severity == "warning":
            text += f"{say(Msg('problem.severity_warning'), lang)}: "
        if self.where:
            text += f"{self.where}: "
        text += say(self.message, lang)
        if self.hint:
            text += f" — {say(self.hint, lang)}"
        return visible(" ".join(text.split("\n")))

    def __str__(self) -> str:
        return self.render()


class UserError(Exception):
    """An error caused by the user's input, reported as one line, never a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: Problem | Text | Iterable[Problem], exit_code: int | None = None):
        if isinstance(problems, Problem):
            self.problems = [problems]
        elif isinstance(problems, str | Msg):
            self.problems = [Problem(file="thidua", message=problems)]
        else:
            self.problems = list(problems)
        if exit_code is not None:
            self.exit_code = exit_code
        # said when it is read (`str`), in the reader's language then: not here, where the language
        # may not be chosen yet and the vocabulary may be what is being read
        super().__init__()

    def __str__(self) -> str:
        kept = [p for p in self.problems if not p.left_out]
        first = str(kept[0]) if kept else "thidua"
        more = len(kept) - 1 + sum(p.left_out for p in self.problems)
        if more > 0:
            first += f" ({say(Msg('problem.and_more', n=more))})"
        return first


def problem_lines(problems: Iterable[Problem], cap: int = MAX_LINES, lang: str | None = None) -> list[str]:
    """Every problem, one line each, by file (in order of appearance) then line and column, in
    `lang` (default: the reader's language of the moment); beyond `cap` lines, one more line says
    how many are left out."""
    items: list[Problem] = []
    seen: set[tuple[str, int | None, int | None, str]] = set()
    left = 0  # found and not kept (`Found`): said in the last line's count
    for p in problems:
        if p.left_out:
            left += p.left_out
            continue
        # one place, one line: a value that fits no branch of a union (a kind of units or of
        # people) gets one error per branch from the schema; the first says what to write
        key = (p.file, p.line, p.column, p.where)
        if p.line is None or key not in seen:
            items.append(p)
        seen.add(key)
    order: dict[str, int] = {}
    for p in items:
        order.setdefault(p.file, len(order))
    items.sort(key=lambda p: (order[p.file], p.line or 0, p.column or 0))
    lines = [p.render(lang) for p in items[:cap]]
    more = max(len(items) - cap, 0) + left
    if more > 0:
        lines.append(say(Msg("problem.more_lines", n=more), lang))
    return lines or [f"thidua: {say(Msg('problem.severity_error'), lang)}"]


class Found(list[Problem]):
    """Problems as they are found: the first MAX_KEPT kept, the rest only counted, so collecting
    is bounded by what can be printed, not by the input; `kept()` ends with one summary
    (`left_out`) when some were not kept — `problem_lines` says it as '… and N more'."""

    def __init__(self, file: str, most: int = MAX_KEPT):
        super().__init__()
        self.file = file
        self.most = most
        self.dropped = 0

    def append(self, problem: Problem) -> None:
        if len(self) < self.most:
            super().append(problem)
        else:
            self.dropped += 1

    def kept(self) -> list[Problem]:
        if not self.dropped:
            return list(self)
        return [*self, Problem(self.file, Msg("problem.more_lines", n=self.dropped), left_out=self.dropped)]


class UsageError(UserError):
    """Unusable input or usage: exit 2."""

    exit_code = EXIT_USAGE


class CampaignInvalid(UserError):
    """A campaign file failed validation: exit 1 from `validate`, 2 when loaded for use."""

    exit_code = EXIT_PROBLEMS


def did_you_mean(word: str, options: Iterable[str]) -> Text:
    """A 'did you mean' hint, or '' when nothing is close (or the word is too long to compare cheaply)."""
    if len(word) > limits.MAX_SUGGEST_LENGTH:
        return ""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return Msg("problem.did_you_mean", word=matches[0]) if matches else ""
