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


_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_day(text: str) -> dt.date:
    """A day as people write it: dd/mm/yyyy (Vietnamese order, day first; `.` or `-` also) or ISO
    YYYY-MM-DD. ValueError otherwise. Cells, YAML strings and the CLI's date options read days here."""
    text = text.strip()
    m = _DAY.fullmatch(text)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return dt.date.fromisoformat(text)


def is_missing(v: object) -> bool:
    return v is UNKNOWN or v is NA
