"""The three-valued domain: values, the two markers, and the words outcomes and verdicts are made of.

A fact's value is a Python value (bool, number, rating/enum word, date, dated series, index
records) or one of two markers: `UNKNOWN` (the fact is missing: it might be anything) and `NA`
(the fact does not apply to this candidate). Neither is a failure. Outcomes and verdicts are
`Literal` string types: they are what the JSON contract prints, so they stay plain strings.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any, Final, Literal, TypeAlias

from engine.common.message import Msg, Text


class Missing(enum.Enum):
    """The two values that are not values: unknown (missing) and not applicable."""

    UNKNOWN = "unknown"
    NA = "n/a"

    def __repr__(self) -> str:
        return self.name


UNKNOWN: Final = Missing.UNKNOWN
NA: Final = Missing.NA

Series: TypeAlias = dict[dt.date, Any]  # a dated series: date → value
Records: TypeAlias = list[dict[str, Any]]  # index components: {index, component, score, prev_score}
Value: TypeAlias = bool | int | float | str | dt.date | Series | Records | Missing

CriterionOutcome = Literal["pass", "fail", "unknown", "waived", "not_applicable"]
DisqualifierOutcome = Literal["triggered", "clear", "unknown", "waived"]
Outcome = CriterionOutcome | DisqualifierOutcome
SubmissionOutcome = Literal["on_time", "late", "missing_documents", "not_checked", "undecided"]
Verdict = Literal["out_of_scope", "not_considered", "disqualified", "ineligible", "incomplete", "eligible"]
RuleKind = Literal["criterion", "disqualifier"]

VERDICTS: Final[tuple[Verdict, ...]] = (
    "out_of_scope",
    "not_considered",
    "disqualified",
    "ineligible",
    "incomplete",
    "eligible",
)


class BadValue(ValueError):
    """A value that cannot be read, said to an officer: what is wrong and what to write instead,
    as messages (`Msg`), so the one who catches it — a facts file's line, a spreadsheet's cell —
    adds where it stood and the edge says it in the reader's language."""

    def __init__(self, message: Text, hint: Text = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


def reasons(error: ValueError) -> tuple[Text, Text]:
    """What is wrong and what to write, from a value's error: a `BadValue`'s own messages; any
    other `ValueError` (Python's own, in English) is shown as it is, so nothing is lost."""
    if isinstance(error, BadValue):
        return error.message, error.hint
    return str(error), ""


_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_day(text: str) -> dt.date:
    """A day as people write it: dd/mm/yyyy (Vietnamese order, day first; `.` or `-` also) or ISO
    YYYY-MM-DD. `BadValue` otherwise, saying how to write it (a day that does not exist, 31/02,
    says so). Cells, YAML strings and the CLI's date options read days here."""
    text = text.strip()
    m = _DAY.fullmatch(text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(text)
    except ValueError:
        shaped = m is not None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None
        key = "problem.facts_no_such_day" if shaped else "problem.facts_not_a_date"
        raise BadValue(Msg(key, value=text), Msg("problem.facts_write_a_day")) from None


def is_missing(v: object) -> bool:
    return v is UNKNOWN or v is NA
