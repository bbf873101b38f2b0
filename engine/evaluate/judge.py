"""Judging: each rule's outcome from its trace (what the facts already decide, then pass / fail /
triggered / clear / waived / unknown / not applicable), and each candidate's verdict with why
(`verdict_of` → `Decision`), gathered into its `CandidateResult`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.evaluate.derive import Derived
from engine.evaluate.plan import Plan, Step, signature
from engine.evaluate.results import UNDECIDED, CandidateResult, Decision, Missing, RuleResult, SubmissionResult
from engine.evaluate.submission import check_submission
from engine.evaluate.trace import Evaluable, RuleTrace, needs_waiver
from engine.lang import NA, UNKNOWN, Value
from engine.lang.decide import Domain, decide_rule
from engine.lang.values import Outcome, RuleKind, Verdict
from engine.model.campaign import Campaign, CompiledRankKey, CompiledRule, Scope
from engine.model.facts import Candidate, Submission


@dataclass
class Judged:
    """What judging has made once and shares, kept across the parts of a population judged part by
    part (`core.evaluate`): every object named by its id here is held by a result, so lives as long."""

    skipped: dict[int, RuleTrace] = field(default_factory=dict)  # one all-n/a trace per rule it skips
    skips: dict[tuple[Any, ...], RuleResult] = field(default_factory=dict)  # a skipped rule's result, per alike
    results: dict[tuple[int, bool], RuleResult] = field(default_factory=dict)  # (slot, has_unit) → result
    files: dict[tuple[Any, ...] | None, SubmissionResult] = field(default_factory=dict)  # per file alike
    # per candidates alike in all verdict_of reads: the same scope, file outcome and rule results
    decisions: dict[tuple[Any, ...], Decision] = field(default_factory=dict)
    # a candidate's list of results (or of ranking traces) made of the very objects another's holds
    # is that list: results are read-only (a list each for 1,000,000 candidates is ~350 MB)
    lists: dict[tuple[int, ...], list[Any]] = field(default_factory=dict)


def judge_all(
    campaign: Campaign,
    plan: Plan,
    traces: list[RuleTrace],
    round_year: int,
    deadline: dt.date | None,
    shared: Judged | None = None,
) -> list[CandidateResult]:
    """Each candidate's result: its rules' outcomes (the awards' own conditions apart), its ranking
    keys, its nomination file, and its verdict with why. `traces` holds one trace per distinct
    step (`plan.work_of`: `Step.slot`); what the facts decide of it is worked out once per slot too,
    and what candidates alike share is made once (`Judged`). The plan is consumed (emptied) as it
    is judged."""
    results = []
    shared = shared if shared is not None else Judged()
    files = shared.files
    # a candidate planned with the very steps another was (`plan._Planning` shares them), in the same
    # scope and with a file judged alike, has that candidate's results: its steps are kept here so
    # that their id names them until the call returns
    alike: dict[tuple[int, int, int], tuple[list[Step], CandidateResult]] = {}
    plan.reverse()  # consumed as judged, in order: the plan's list goes as its results are made (peak memory)
    while plan:
        cand, scope, steps = plan.pop()
        sub = cand.submission
        filed = None if sub is None else _filed(sub)
        file_outcome = files.get(filed)
        if file_outcome is None:
            file_outcome = files[filed] = check_submission(campaign, cand, round_year, deadline)
        key = (id(steps), id(scope), id(file_outcome))
        seen = alike.get(key)
        if seen is not None:
            results.append(seen[1].alike(cand))
            continue
        res = _result(campaign, cand, scope, steps, traces, file_outcome, shared)
        alike[key] = (steps, res)
        results.append(res)
    return results


def _result(
    campaign: Campaign,
    cand: Candidate,
    scope: Scope,
    steps: list[Step],
    traces: list[RuleTrace],
    file_outcome: SubmissionResult,
    shared: Judged,
) -> CandidateResult:
    """A candidate's result from its steps: each rule's outcome (results, lists of them and
    decisions shared with candidates alike, `Judged`) and its verdict."""
    judged, decisions = shared.results, shared.decisions
    res = CandidateResult(cand, scope, UNDECIDED, submission=file_outcome)
    for step in steps:
        item = step.item
        if isinstance(item, CompiledRankKey):
            res.keys.append(traces[step.slot])
            continue
        rr = _skipped(step, shared) if step.skipped else _judged(campaign, step, traces, judged)
        if item.award:
            res.conditions.append(rr)
        else:
            (res.criteria if item.kind == "criterion" else res.disqualifiers).append(rr)
    lists = shared.lists
    res.criteria = lists.setdefault(tuple(map(id, res.criteria)), res.criteria)
    res.disqualifiers = lists.setdefault(tuple(map(id, res.disqualifiers)), res.disqualifiers)
    res.conditions = lists.setdefault(tuple(map(id, res.conditions)), res.conditions)
    res.keys = lists.setdefault(tuple(map(id, res.keys)), res.keys)
    decided = (id(scope), id(file_outcome), id(res.criteria), id(res.disqualifiers))
    decision = decisions.get(decided)
    if decision is None:
        decision = decisions[decided] = verdict_of(res)
    res.decision = decision
    return res


_filed = operator.attrgetter(*(f.name for f in dataclasses.fields(Submission)))  # all a file's outcome reads


def _skipped(step: Step, shared: Judged) -> RuleResult:
    """A rule that does not apply to the candidate (`Step.skipped`): not applicable, or clear — with
    the facts it would have read, as every output shows them. Candidates alike in those share one
    result (`plan.signature`, as an evaluated step is shared), unless one was derived from others."""
    item = step.item
    assert isinstance(item, CompiledRule)
    key: tuple[Any, ...] | None = None
    if not step.derived or not any(k in step.derived for k in item.facts):
        sig = signature(step)
        key = None if sig is None else (sig, step.skipped, step.source, step.has_unit)
    try:
        rr = shared.skips.get(key) if key is not None else None
    except TypeError:  # a value of a type with no hash (none that a facts file gives)
        rr = key = None
    if rr is not None:
        return rr
    tr = shared.skipped.get(id(item))
    if tr is None:
        tr = shared.skipped[id(item)] = RuleTrace((NA,) * item.node.size())
    outcome: Outcome = "not_applicable" if item.kind == "criterion" else "clear"
    rr = RuleResult(item, outcome, tr, step.env, step.skipped, step.source, step.derived, step.has_unit)
    if key is not None:
        shared.skips[key] = rr
    return rr


def _judged(
    campaign: Campaign, step: Step, traces: list[RuleTrace], judged: dict[tuple[int, bool], RuleResult]
) -> RuleResult:
    """A step's result: what the facts decide of its trace, and its outcome. Steps of one slot read
    the same values (`plan.signature`), so they share one result — read-only, as every result is —
    unless a fact it reads was derived from other candidates (its parts, shown with it, differ)."""
    item = step.item
    assert isinstance(item, CompiledRule)
    shared = not step.derived or not any(k in step.derived for k in item.facts)
    key = (step.slot, step.has_unit)
    if shared and (rr := judged.get(key)) is not None:
        return rr
    tr = decided(campaign, item, traces[step.slot], step.env, step.derived, step.refused)
    outcome = outcome_of(item.kind, tr.value, tr.waived, item.waiver is not None)
    rr = RuleResult(item, outcome, tr, step.env, "", step.source, step.derived, step.has_unit, step.refused)
    if shared:
        judged[key] = rr
    return rr


def decided(
    campaign: Campaign,
    item: Evaluable,
    tr: RuleTrace,
    env: Mapping[str, Any],
    derived: Mapping[str, Derived],
    refused: tuple[str, ...] = (),
) -> RuleTrace:
    """The trace with what the facts already decide (`engine.lang.decide`): every node whose
    possible values, the unknown facts ranging over `domains`, are all one. The waiver is kept
    only where the rule still does not give its good value."""
    if UNKNOWN not in tr.nodes:
        return tr
    nodes = decide_rule(item.kind, item.node, tr.nodes, domains(campaign, item, env, derived, refused))
    if nodes == tr.nodes:
        return tr
    return RuleTrace(nodes, tr.waiver if needs_waiver(item.kind, nodes[0]) else None)


def domains(
    campaign: Campaign,
    item: Evaluable,
    env: Mapping[str, Any],
    derived: Mapping[str, Derived],
    refused: tuple[str, ...] = (),
) -> dict[str, Domain]:
    """What each fact of a rule may be when unknown (or, for a dated series, on a day it has no
    entry for): a count with unknown parts its known range (derive), another the catalogue's
    bounds — none for a fact written n/a that the rule reads as unknown (`refused`)."""
    out: dict[str, Domain] = {}
    facts = campaign.catalogue.facts
    for key in item.node.facts():
        if key in refused:
            continue
        d = derived.get(key)
        if d is not None and d.bounds is not None and env.get(key, UNKNOWN) is UNKNOWN:
            out[key] = (float(d.bounds[0]), math.inf if d.bounds[1] is None else float(d.bounds[1]))
        elif key in facts:
            lo, hi = facts[key].bounds
            out[key] = (-math.inf if lo is None else lo, math.inf if hi is None else hi)
    return out


def outcome_of(kind: RuleKind, value: Value, waived: Value, has_waiver: bool = False) -> Outcome:
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


def verdict_of(res: CandidateResult) -> Decision:
    """The verdict and why (`Decision`): the first verdict that applies — and only once every
    verdict before it is decided: a verdict whose precedents the facts leave open is `incomplete`
    (the missing facts could make an earlier one apply: issue 22). Out of scope, then not
    considered (the file), disqualified (an exclusion), ineligible (a required criterion),
    incomplete, eligible."""
    against = tuple(
        r
        for r in (*res.disqualifiers, *res.criteria)
        if r.outcome in ("triggered", "fail", "unknown") and (r.rule.kind == "disqualifier" or r.rule.required)
    )
    open_ = [r for r in against if r.outcome == "unknown"]
    missing = tuple(
        Missing(r, tuple(x.key for x in r.reads() if x.value is UNKNOWN) or tuple(r.rule.facts))
        for r in sorted(open_, key=lambda r: r.rule.kind != "criterion")  # stable: criteria first
    )
    waived = tuple(r for r in res.criteria if r.outcome == "waived")
    why = Decision("eligible", res.scope, res.submission, against, missing, waived)
    verdict = _verdict(res.group is not None, why)
    return why if verdict == "eligible" else Decision(verdict, res.scope, res.submission, against, missing, waived)


def _verdict(in_scope: bool, why: Decision) -> Verdict:
    """The verdict that `why` gives (verdict_of): read from the decision alone."""
    if not in_scope:
        return "out_of_scope"
    if why.scope_open:  # the file may yet show it out of scope: nothing stronger
        return "incomplete"
    sub = why.submission
    if sub and sub.excludes:
        return "not_considered"
    file_open = why.file_open  # the file may yet turn out late or short of a document
    if why.triggered:
        return "incomplete" if file_open else "disqualified"
    exclusion_open = any(r.outcome == "unknown" and r.rule.kind == "disqualifier" for r in why.against)
    if why.failed:
        return "incomplete" if file_open or exclusion_open else "ineligible"
    if why.missing or why.file_undecided:
        return "incomplete"
    return "eligible"
