"""Evaluate every candidate of a facts file against a compiled campaign.

Per candidate: the groups it competes in (none → `out_of_scope`), the nomination check
(`Submission`), each rule's outcome, and the verdict — the first that applies of
out_of_scope, not_considered, disqualified, ineligible, incomplete, eligible (CONTRACT.md).

Rule outcomes come from a backend (`engine.evaluate.backends`): the native one by default.
Human-readable reasons are built later, only for what is shown (`engine.explain.reasons`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from engine.common.speed import gc_paused
from engine.lang import NA, UNKNOWN
from engine.model.campaign import Campaign, CompiledRule
from engine.model.facts import Candidate, FactsFile, Submission
from engine.model.schema import Deadline, Nomination

VERDICTS = (
    "out_of_scope",
    "not_considered",
    "disqualified",
    "ineligible",
    "incomplete",
    "eligible",
)


@dataclass
class RuleResult:
    rule: CompiledRule
    outcome: str  # criterion: pass fail unknown waived not_applicable; disqualifier: triggered clear unknown waived
    value: Any  # the raw three-valued result of the expression
    env: dict[str, Any]  # the facts it read (the candidate's, or its unit's for scope: unit)
    skipped: str = ""  # why the rule does not apply (kinds filter, missing unit)

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass
class SubmissionResult:
    outcome: str  # on_time late missing_documents not_checked undecided
    deadline: dt.date | None
    date: dt.date | None
    missing: tuple[str, ...] = ()
    copies_short: int = 0
    why: str = ""  # machine-readable sub-reason for undecided


@dataclass
class CandidateResult:
    candidate: Candidate
    group: str | None  # the group it competes in (quota), None when out of scope
    groups: list[str]
    verdict: str
    criteria: list[RuleResult] = field(default_factory=list)
    disqualifiers: list[RuleResult] = field(default_factory=list)
    submission: SubmissionResult | None = None

    @property
    def id(self) -> str:
        return self.candidate.id


@dataclass
class Evaluation:
    campaign: Campaign
    facts: FactsFile
    as_of: dt.date
    deadline: dt.date | None  # the run-time deadline (for `event` deadlines), if given
    backend: str
    results: list[CandidateResult]
    round: int | None = None  # the round (year) judged, for campaigns judged every year

    @property
    def round_year(self) -> int:
        """The year whose yearly deadlines apply: the round judged, else the evaluation year."""
        return self.round or self.as_of.year

    def get(self, cid: str) -> CandidateResult | None:
        for r in self.results:
            if r.id == cid:
                return r
        return None


def evaluate(
    campaign: Campaign,
    facts: FactsFile,
    *,
    as_of: dt.date | None = None,
    deadline: dt.date | None = None,
    backend: str = "native",
    round_year: int | None = None,
) -> Evaluation:
    from engine.evaluate.backends import get_backend

    as_of = as_of or facts.as_of or dt.date.today()
    deadline = deadline or facts.deadline
    # a yearly campaign judges one round (cycle) at a time: the year given, else the evaluation year
    round_year = round_year or facts.round or as_of.year
    engine = get_backend(backend)
    with gc_paused():  # our own bulk, acyclic allocations (engine.common.speed)
        plan = _plan(campaign, facts)
    values = engine.run(campaign, [[(r, env) for r, env, s in todo if not s] for _, _, todo in plan])
    with gc_paused():
        results = _results(campaign, plan, values, round_year, deadline)
    yearly = campaign.model.period.yearly or campaign.model.nomination.deadline.yearly is not None
    return Evaluation(campaign, facts, as_of, deadline, backend, results, round_year if yearly else None)


_Plan = list[tuple[Candidate, list[str], list[tuple[CompiledRule, dict[str, Any], str]]]]


def _plan(campaign: Campaign, facts: FactsFile) -> _Plan:
    """Per candidate: its groups, and each rule with the facts it reads (or why it is skipped)."""
    plan: _Plan = []
    for cand in facts.candidates:
        groups = campaign.rule_groups(cand.group, cand.kind, cand.head)
        todo = []
        for gid in groups:
            for rule in campaign.rules[gid]:
                env, skipped = _env_for(rule, cand, facts)
                todo.append((rule, env, skipped))
        plan.append((cand, groups, todo))
    return plan


def _results(
    campaign: Campaign, plan: _Plan, values: Any, round_year: int, deadline: dt.date | None
) -> list[CandidateResult]:
    results = []
    for (cand, groups, todo), vals in zip(plan, values, strict=True):
        it = iter(vals)
        res = CandidateResult(cand, groups[0] if groups else None, groups, "eligible")
        for rule, env, skipped in todo:
            if skipped:
                rr = RuleResult(
                    rule,
                    "not_applicable" if rule.kind == "criterion" else "clear",
                    NA,
                    env,
                    skipped,
                )
            else:
                value, waived = next(it)
                rr = RuleResult(rule, outcome_of(rule.kind, value, waived, rule.waiver is not None), value, env)
            (res.criteria if rule.kind == "criterion" else res.disqualifiers).append(rr)
        res.submission = check_submission(campaign, cand, round_year, deadline)
        res.verdict = verdict_of(res)
        results.append(res)
    return results


def _env_for(rule: CompiledRule, cand: Candidate, facts: FactsFile) -> tuple[dict[str, Any], str]:
    if rule.spec.kinds and cand.kind not in rule.spec.kinds:
        return cand.facts, "kind"
    if rule.spec.scope == "unit":
        unit = facts.unit_of(cand)
        if unit is None:
            return {}, ""  # no unit in the file: the unit's facts are unknown
        return unit.facts, ""
    return cand.facts, ""


def outcome_of(kind: str, value: Any, waived: Any, has_waiver: bool = False) -> str:
    """Map an expression's three-valued result (and its waiver's) to a rule outcome.

    A rule that would fail (criterion) or trigger (disqualifier) is `waived` when its waiver
    holds, and `unknown` when the waiver itself is unknown: it might hold.
    """
    waiver_unknown = has_waiver and waived is UNKNOWN
    if kind == "criterion":
        if value is True:
            return "pass"
        if value is NA:
            return "not_applicable"
        if waived is True:
            return "waived"
        if value is False and not waiver_unknown:
            return "fail"
        return "unknown"
    if value is False or value is NA:
        return "clear"
    if waived is True:
        return "waived"
    if value is True and not waiver_unknown:
        return "triggered"
    return "unknown"


def verdict_of(res: CandidateResult) -> str:
    if res.group is None:
        return "out_of_scope"
    sub = res.submission
    if sub and sub.outcome in ("late", "missing_documents"):
        return "not_considered"
    if any(d.outcome == "triggered" for d in res.disqualifiers):
        return "disqualified"
    required = [c for c in res.criteria if c.rule.required]
    if any(c.outcome == "fail" for c in required):
        return "ineligible"
    if (
        any(c.outcome == "unknown" for c in required)
        or any(d.outcome == "unknown" for d in res.disqualifiers)
        or (sub is not None and sub.outcome == "undecided")
    ):
        return "incomplete"
    return "eligible"


def campaign_deadline(campaign: Campaign, round_year: int, run_deadline: dt.date | None) -> dt.date | None:
    """The nomination deadline: the plan's date, its yearly date in the round judged, or the run's."""
    return resolve_deadline(campaign.model.nomination.deadline, round_year, run_deadline)


def resolve_deadline(d: Deadline, round_year: int, run_deadline: dt.date | None) -> dt.date | None:
    """A deadline as a date: fixed, yearly in the round judged, or (an event) the one given at run time."""
    if d.date is not None:
        return d.date
    if d.yearly is not None:
        month, day = (int(x) for x in d.yearly.split("-"))
        return dt.date(round_year, month, day)
    return run_deadline


def check_submission(
    campaign: Campaign, cand: Candidate, round_year: int, run_deadline: dt.date | None
) -> SubmissionResult:
    deadline = campaign_deadline(campaign, round_year, run_deadline)
    if cand.submission is None:
        return SubmissionResult("not_checked", deadline, None)
    return judge_submission(campaign.model.nomination, deadline, cand.submission)


def judge_submission(nom: Nomination, deadline: dt.date | None, sub: Submission) -> SubmissionResult:
    """The nomination file against the plan: documents, copies, then the date that counts."""
    missing = tuple(d for d in nom.documents if d not in sub.documents)
    short = 0
    if nom.copies is not None and sub.copies is not None and sub.copies < nom.copies:
        short = nom.copies - sub.copies
    day = sub.sent_on if nom.date_counts == "sent_on" else sub.received_on
    if missing or short:
        return SubmissionResult("missing_documents", deadline, day, missing, short)
    if deadline is None:
        return SubmissionResult("undecided", None, day, why="no_deadline")
    if day is None:
        return SubmissionResult("undecided", deadline, None, why="no_date")
    on_time = day <= deadline if nom.inclusive else day < deadline
    return SubmissionResult("on_time" if on_time else "late", deadline, day)


__all__ = ["UNKNOWN", "VERDICTS", "Evaluation", "evaluate"]
