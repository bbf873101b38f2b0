"""Evaluate every candidate of a facts file against a compiled campaign.

Per candidate: the groups it competes in (none → `out_of_scope`), the nomination check
(`Submission`), each rule's trace and outcome, its ranking keys, and the verdict — the first
that applies of out_of_scope, not_considered, disqualified, ineligible, incomplete, eligible
(CONTRACT.md).

Traces come from a backend (`engine.evaluate.backends`): the native one by default. Everything
after this module — reasons, ranks, reports, `verify` — reads the traces; nothing evaluates a
rule again.

`evaluate` runs the steps, each in its own module (the names callers used are re-exported here):

- `policy`      the run's deadline, the round judged, entries dated after the period;
- `plan`        per candidate, each rule with the facts it reads, and the backend's work;
- `judge`       each rule's outcome, and the verdict with why (`verdict_of` → `Decision`);
- `submission`  the nomination file against the plan;
- `results`     what an evaluation holds (`Evaluation`, `CandidateResult`, `RuleResult`, `Decision`).
"""

from __future__ import annotations

import datetime as dt

from engine.common.errors import Problem
from engine.common.speed import gc_paused
from engine.evaluate.derive import borrow, derive
from engine.evaluate.judge import Judged, decided, domains, judge_all, outcome_of, verdict_of
from engine.evaluate.plan import MAX_CASES, Distinct, cases, make_plan, merged, work_of
from engine.evaluate.policy import (
    campaign_deadline,
    check_one_off,
    check_round,
    file_round,
    period_end,
    resolve_deadline,
    run_deadline,
    within_period,
)
from engine.evaluate.results import (
    CandidateResult,
    Decision,
    Evaluation,
    Missing,
    Read,
    RuleResult,
    Skip,
    Source,
    SubmissionResult,
)
from engine.evaluate.submission import FileDates, check_submission, file_dates, judge_submission
from engine.evaluate.trace import Evaluable, RuleTrace
from engine.lang import UNKNOWN
from engine.lang.values import VERDICTS
from engine.model.campaign import Campaign
from engine.model.facts import FactsFile

PART = 25_000  # candidates planned, evaluated and judged at a time: a part's plan (~8 steps a candidate) is
# dropped before the next is made; what is shared (distinct steps, results, decisions) spans the parts


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
    deadline, deadline_warnings = run_deadline(campaign, facts, deadline)
    # a yearly campaign judges one round (cycle) at a time: the year given, else the year of the
    # file's own nomination dates, else the evaluation year
    round_arg = round_year
    engine = get_backend(backend)
    yearly = campaign.yearly
    stated = round_arg if round_arg is not None else facts.round
    dated = file_round(facts) if yearly and stated is None else None
    round_year = stated or dated or as_of.year
    # before anything reads the round: a round outside the period is refused, not turned into a date
    if yearly:
        round_warnings = check_round(campaign, facts, as_of, round_year, stated, dated)
    else:
        round_warnings = check_one_off(campaign, facts, as_of, round_arg)
    facts, period_warnings = within_period(campaign, facts)
    with gc_paused():  # our own bulk, acyclic allocations (engine.common.speed)
        derived, derive_warnings = derive(campaign.catalogue, facts)
        issuer = campaign.model.issuer_facts
        derived = borrow(issuer.keys if issuer is not None else (), facts, derived)
    na_warnings: list[Problem] = []
    results: list[CandidateResult] = []
    traces: list[RuleTrace] = []  # one per distinct step (Step.slot), of every part so far
    distinct, shared = Distinct(), Judged()
    everyone = facts.candidates
    for start in range(0, len(everyone), PART):  # a part's plan is dropped once judged (peak memory)
        with gc_paused():
            plan = make_plan(campaign, facts, derived, na_warnings, everyone[start : start + PART])
            work, spans = work_of(plan, distinct)  # the steps no earlier part had
        traces += merged(engine.run(campaign, work), spans)
        del work, spans  # what the backend was given: not needed beside the results
        with gc_paused():
            results += judge_all(campaign, plan, traces, round_year, deadline, shared)
    fallback = tuple(sorted(getattr(engine, "fallback", {})))  # rules the columnar backend left to native
    return Evaluation(
        campaign,
        facts,
        as_of,
        deadline,
        backend,
        results,
        round_year if yearly else None,
        [*facts.warnings, *deadline_warnings, *period_warnings, *derive_warnings, *na_warnings, *round_warnings],
        fallback,
    )


__all__ = [
    "MAX_CASES",
    "UNKNOWN",
    "VERDICTS",
    "CandidateResult",
    "Decision",
    "Evaluable",
    "Evaluation",
    "FileDates",
    "Missing",
    "Read",
    "RuleResult",
    "Skip",
    "Source",
    "SubmissionResult",
    "campaign_deadline",
    "cases",
    "check_one_off",
    "check_round",
    "check_submission",
    "decided",
    "domains",
    "evaluate",
    "file_dates",
    "file_round",
    "judge_submission",
    "outcome_of",
    "period_end",
    "resolve_deadline",
    "verdict_of",
]
