"""The yardstick: ninh_thuan_2020 written by hand in plain Python, as a programmer would.

Same input (the loaded `Candidate`s), same output as `engine.evaluate.core.evaluate` gives: the
verdict and every rule's outcome code, in the campaign's rule order. The bench checks that
they agree before timing anything, so the comparison is for the same work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.lang import NA, UNKNOWN

U = UNKNOWN
UNIT_KINDS = {"department", "division", "district", "commune"}
PERSON_KINDS = {"civil_servant", "commune_non_professional"}
TASK = {"excellent": 3, "good": 2, "completed": 1, "not_completed": 0}
PAR = {"excellent": 4, "good": 3, "fair": 2, "average": 1, "weak": 0}
DEADLINE = dt.date(2021, 1, 20)
DOCUMENTS = ("proposal", "council_minutes", "achievement_report")
MAX_CASES = 256  # engine.evaluate.core.MAX_CASES: beyond this many values a ranged count stays unknown


def _crit(v: Any) -> str:
    if v is True:
        return "pass"
    if v is NA:
        return "not_applicable"
    return "fail" if v is False else "unknown"


def _disq(v: Any) -> str:
    if v is True:
        return "triggered"
    return "clear" if (v is False or v is NA) else "unknown"


def _at_least(v: Any, scale: dict[str, int], floor: int) -> Any:
    return v if (v is U or v is NA) else scale[v] >= floor


def _is_true(v: Any) -> Any:
    return v


def _not(v: Any) -> Any:
    return v if (v is U or v is NA) else not v


def _improved(records: Any) -> Any:
    if records is U or records is NA:
        return records
    if not records:
        return NA
    unknown = False
    for r in records:
        s, p = r.get("score"), r.get("prev_score")
        if s is None or p is None or s is NA or p is NA:
            unknown = True
        elif not s > p:
            return False
    return U if unknown else True


def _share_over(part: Any, whole: Any) -> Any:
    if part is NA or whole is NA:
        return NA
    if part is U or whole is U:
        return U
    if isinstance(part, tuple):  # a count known only as a range: what holds for every value in it
        low, high = part
        if high - low + 1 > MAX_CASES:
            return U
        got = {v > 0.10 * whole for v in range(low, high + 1)}
        return got.pop() if len(got) == 1 else U
    return part > 0.10 * whole


def _subordinate_counts(cand: Any, kids: list[Any] | None) -> tuple[Any, Any]:
    """subordinate_units_total and _violating as the engine reads them (engine.evaluate.derive): the
    stated counts, unless missing or contradicted by the subordinate units in the file; the count
    in breach is a (low, high) range when some subordinate's discipline_violation is unknown."""
    get = cand.facts.get
    total, viol = get("subordinate_units_total"), get("subordinate_units_violating")
    if not kids:
        return (U if total is None else total), (U if viol is None else viol)
    n = len(kids)
    flags = [k.facts.get("discipline_violation", U) for k in kids]
    low, unknown = sum(1 for v in flags if v is True), sum(1 for v in flags if v is U)
    made: Any = (low, low + unknown) if unknown else low
    if viol is None:
        viol = made
    elif _is_int(viol) and low > viol:  # the file's units refute the stated count
        # … perhaps any of the stated units not in the file too
        viol = (low, total - sum(1 for v in flags if v is False)) if _is_int(total) and total > n else made
    if total is None or (_is_int(total) and n > total):
        total = n
    return total, viol


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _submission(sub: Any) -> str:
    if sub is None:
        return "not_checked"
    if any(d not in sub.documents for d in DOCUMENTS):
        return "missing_documents"
    if sub.sent_on is None:
        return "undecided"
    return "on_time" if sub.sent_on <= DEADLINE else "late"


# II.1: where people must work, and whose divisions compete (the campaign's `workplaces`, `parents`)
WORKPLACES = {
    "civil_servant": {"department", "division", "public_service_unit", "district", "commune"},
    "commune_non_professional": {"commune"},
}
PARENTS = {"division": {"department", "district"}}


def judge(
    cand: Any, kinds: dict[str, str] | None = None, kids: dict[str, list[Any]] | None = None
) -> tuple[str, tuple[str, ...]]:
    f = cand.facts
    get = f.get

    def read(key: str) -> Any:  # a criterion that does not allow n/a reads a written n/a as unknown
        v = get(key, U)
        return U if v is NA else v

    kinds = kinds or {}
    if cand.group == "unit":
        if cand.kind not in UNIT_KINDS:
            return "out_of_scope", ()
        if cand.kind in PARENTS and kinds.get(cand.parent or "") not in PARENTS[cand.kind]:
            return "out_of_scope", ()
        crit: tuple[str, ...] = (
            _crit(_at_least(read("task_completion"), TASK, 3)),
            _crit(read("par_tasks_done_well")),
            _crit(_at_least(read("par_rating"), PAR, 3)),
            _crit(_at_least_n(read("initiatives_recognized"), 1)),
            _crit(_improved(get("index_components", U))),
            _crit(_not(read("discipline_violation"))),
        )
        disq: tuple[str, ...] = (
            _disq(_share_over(get("staff_violating_discipline", U), get("staff_total", U))),
            _disq(_share_over(*reversed(_subordinate_counts(cand, (kids or {}).get(cand.id)))))
            if cand.kind in ("department", "district")
            else "clear",
        )
    else:
        if cand.kind not in PERSON_KINDS:
            return "out_of_scope", ()
        if cand.kind in WORKPLACES and kinds.get(cand.unit or "") not in WORKPLACES[cand.kind]:
            return "out_of_scope", ()
        crit = (
            _crit(_at_least(read("task_completion"), TASK, 3)),
            _crit(read("par_tasks_done_well")),
            _crit(read("directives_on_time")),
            _crit(_at_least_n(read("initiatives_recognized"), 1)),
            _crit(_not(read("discipline_violation"))),
        )
        disq = ()
    sub = _submission(cand.submission)
    if sub == "late" or sub == "missing_documents":
        verdict = "not_considered"
    elif "triggered" in disq:
        verdict = "disqualified"
    elif "fail" in crit:
        verdict = "ineligible"
    elif "unknown" in crit or "unknown" in disq or sub == "undecided":
        verdict = "incomplete"
    else:
        verdict = "eligible"
    return verdict, crit + disq


def _at_least_n(v: Any, n: int) -> Any:
    return v if (v is U or v is NA) else v >= n


def judge_all(candidates: list[Any]) -> tuple[list[str], list[tuple[str, ...]]]:
    verdicts, outcomes = [], []
    kinds = {c.id: c.kind for c in candidates if c.group == "unit"}
    kids: dict[str, list[Any]] = {}  # unit id → its subordinate units in the file
    for c in candidates:
        if c.group == "unit" and c.parent:
            kids.setdefault(c.parent, []).append(c)
    for c in candidates:
        v, o = judge(c, kinds, kids)
        verdicts.append(v)
        outcomes.append(o)
    return verdicts, outcomes
