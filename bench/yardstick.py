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
SUBORDINATE_KINDS = {"division", "public_service_unit", "hamlet", "sector"}  # engine.evaluate.derive
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
    """share(part, whole) > 0.10, as the engine decides it: a count known only as a range is tried
    at every value (at most MAX_CASES combinations), beyond that decided by its bounds, where the
    engine reads an unknown count as perhaps n/a too (so only "clear" is decided); a whole not
    known at all ranges over every size, so only none in breach decides it (clear)."""
    if part is NA or whole is NA:
        return NA
    if part is U:
        return U
    plo, phi = part if isinstance(part, tuple) else (part, part)
    if whole is U:
        return False if phi == 0 else U
    wlo, whi = whole if isinstance(whole, tuple) else (whole, whole)
    # a whole with no most, or too many combinations: decided by bounds, the count perhaps n/a (decide.py):
    if whi is None or (phi - plo + 1) * (whi - wlo + 1) > MAX_CASES:
        return False if wlo > 0 and phi / wlo <= 0.10 else U  # clear either way, never triggered
    got = {NA if w == 0 else p / w > 0.10 for p in range(plo, phi + 1) for w in range(wlo, whi + 1)}
    return got.pop() if len(got) == 1 else U


def _subordinate_counts(cand: Any, kids: list[Any] | None, orphans: tuple[int, int]) -> tuple[Any, Any]:
    """subordinate_units_total and _violating as the engine reads them (engine.evaluate.derive): the
    stated counts, unless missing or contradicted by the subordinate units in the file; a count is
    a (low, high) range when some subordinate's discipline_violation is unknown, or when units with
    no parent given may be under it too (issue 22): `orphans`, how many such units there are and how
    many of them may have broken discipline (counted once for the file: `judge_all`)."""
    get = cand.facts.get
    total, viol = get("subordinate_units_total"), get("subordinate_units_violating")
    if not kids:
        return (U if total is None else total), (U if viol is None else viol)
    n = len(kids)
    flags = [k.facts.get("discipline_violation", U) for k in kids]
    low, unknown = sum(1 for v in flags if v is True), sum(1 for v in flags if v is U)
    stray, may = orphans
    made_total: Any = (n, n + stray) if stray else n
    made: Any = (low, low + unknown + may) if unknown or may else low
    beyond = (low, total - sum(1 for v in flags if v is False)) if _is_int(total) and total > n else None
    if viol is None:  # not stated: counted from the file, or — a stated total beyond the units listed —
        viol = beyond or made  # perhaps any of those not listed too
    elif _is_int(viol) and low > viol:  # the file's units refute the stated count
        viol = beyond or made  # … perhaps any of the stated units not in the file too
    elif total is None and _is_int(viol) and viol > low + unknown + may:  # stated in breach, not listed:
        return (n + viol - low - unknown, None), viol  # the file lists fewer: at least these, no most
    if total is None or (_is_int(total) and n > total):
        total = made_total
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
    cand: Any,
    kinds: dict[str, str] | None = None,
    kids: dict[str, list[Any]] | None = None,
    orphans: tuple[int, int] = (0, 0),
) -> tuple[str, tuple[str, ...]]:
    f = cand.facts
    get = f.get

    def read(key: str) -> Any:  # a criterion that does not allow n/a reads a written n/a as unknown
        v = get(key, U)
        return U if v is NA else v

    kinds = kinds or {}
    scope_open = False  # the file does not show the unit or parent (issue 22): incomplete, not out of scope
    if cand.group == "unit":
        if cand.kind not in UNIT_KINDS:
            return "out_of_scope", ()
        if cand.kind in PARENTS:
            parent = kinds.get(cand.parent or "")
            if parent is None:
                scope_open = True
            elif parent not in PARENTS[cand.kind]:
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
            _disq(_share_over(*reversed(_subordinate_counts(cand, (kids or {}).get(cand.id), orphans))))
            if cand.kind in ("department", "district")
            else "clear",
        )
    else:
        if cand.kind not in PERSON_KINDS:
            return "out_of_scope", ()
        if cand.kind in WORKPLACES:
            unit = kinds.get(cand.unit or "")
            if unit is None:
                scope_open = True
            elif unit not in WORKPLACES[cand.kind]:
                return "out_of_scope", ()
        crit = (
            _crit(_at_least(read("task_completion"), TASK, 3)),
            _crit(read("par_tasks_done_well")),
            _crit(read("directives_on_time")),
            _crit(_at_least_n(read("initiatives_recognized"), 1)),
            _crit(_not(read("discipline_violation"))),
        )
        disq = ()
    return _verdict(scope_open, _submission(cand.submission), crit, disq), crit + disq


def _verdict(scope_open: bool, sub: str, crit: tuple[str, ...], disq: tuple[str, ...]) -> str:
    """The first verdict that applies once every question before it is decided (issue 22)."""
    file_open = sub == "undecided"  # no date: it may yet be late (III.3 excludes late files)
    if scope_open:
        return "incomplete"
    if sub == "late" or sub == "missing_documents":
        return "not_considered"
    if "triggered" in disq:
        return "incomplete" if file_open else "disqualified"
    if "fail" in crit:
        return "incomplete" if file_open or "unknown" in disq else "ineligible"
    if "unknown" in crit or "unknown" in disq or file_open:
        return "incomplete"
    return "eligible"


def _at_least_n(v: Any, n: int) -> Any:
    return v if (v is U or v is NA) else v >= n


def judge_all(candidates: list[Any]) -> tuple[list[str], list[tuple[str, ...]]]:
    verdicts, outcomes = [], []
    kinds = {c.id: c.kind for c in candidates if c.group == "unit"}
    kids: dict[str, list[Any]] = {}  # unit id → its subordinate units in the file
    for c in candidates:
        if c.group == "unit" and c.parent:
            kids.setdefault(c.parent, []).append(c)
    # units of a kind that always sits under another, with no parent given: may be under any body
    strays = [c for c in candidates if c.group == "unit" and not c.parent and c.kind in SUBORDINATE_KINDS]
    orphans = (len(strays), sum(1 for o in strays if o.facts.get("discipline_violation", U) is not False))
    for c in candidates:
        v, o = judge(c, kinds, kids, orphans)
        verdicts.append(v)
        outcomes.append(o)
    return verdicts, outcomes
