"""Planning: per candidate, its groups and each rule and ranking key with the facts it reads —
its own or its unit's, with derived facts filled in, n/a refused where the rule does not allow it
(with a warning), or why it is skipped — and the work a backend is given: each step once, or once
per possible value of counts known only as a range (merged back into one trace afterwards)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.common.errors import Problem
from engine.common.message import Msg
from engine.evaluate.backends import Traces, Work
from engine.evaluate.derive import Derivations, Derived
from engine.evaluate.results import Skip, Source
from engine.evaluate.trace import Evaluable, merge
from engine.lang import NA, UNKNOWN
from engine.model.campaign import Campaign, CompiledRankKey, CompiledRule, Scope
from engine.model.facts import Candidate, FactsFile
from engine.model.schema import Condition


@dataclass(slots=True)
class Step:
    item: CompiledRule | CompiledRankKey
    env: Mapping[str, Any]
    skipped: Skip = ""
    source: Source = "candidate"
    derived: Mapping[str, Derived] = field(default_factory=dict)
    has_unit: bool = True
    refused: tuple[str, ...] = ()


Plan = list[tuple[Candidate, Scope, list[Step]]]


NOTHING: dict[str, Derived] = {}


def make_plan(campaign: Campaign, facts: FactsFile, derived: Derivations, warnings: list[Problem]) -> Plan:
    """Per candidate: its groups, and each rule and ranking key with the facts it reads (or why it is skipped)."""
    plan: Plan = []
    for cand in facts.candidates:
        scope = campaign.scope_of(cand, facts)
        groups = scope.groups
        own = _env(cand, derived)
        steps = []
        for gid in groups:
            for rule in campaign.rules[gid]:
                steps.append(_step(rule, cand, facts, own, derived, warnings))
        if groups:
            for key in campaign.ranking.get(groups[0], []):
                steps.append(Step(key, own[0], "", "candidate", own[1]))
            for cond in campaign.conditions_for(groups[0]):  # the awards' own conditions, like any rule
                steps.append(_step(cond, cand, facts, own, derived, warnings))
        plan.append((cand, scope, steps))
    return plan


def _env(cand: Candidate, derived: Derivations) -> tuple[Mapping[str, Any], Mapping[str, Derived]]:
    """A candidate's facts with its derived facts filled in (`engine.evaluate.derive`)."""
    mine = derived.get(cand.id)
    if not mine:
        return cand.facts, NOTHING
    return {**cand.facts, **{k: d.value for k, d in mine.items()}}, mine


def _step(
    rule: CompiledRule,
    cand: Candidate,
    facts: FactsFile,
    own: tuple[Mapping[str, Any], Mapping[str, Derived]],
    derived: Derivations,
    warnings: list[Problem],
) -> Step:
    if rule.spec.kinds and cand.kind not in rule.spec.kinds:
        return Step(rule, own[0], "kind", "candidate", own[1])
    if rule.spec.scope == "unit":
        unit = facts.unit_of(cand)
        if unit is None:
            return Step(rule, {}, "", "unit", NOTHING, has_unit=False)  # the unit's facts are unknown
        env, made = _env(unit, derived)
        return _refuse_na(Step(rule, env, "", "unit", made), cand, unit, facts.file_of(unit), warnings)
    return _refuse_na(Step(rule, own[0], "", "candidate", own[1]), cand, cand, facts.file_of(cand), warnings)


def _refuse_na(step: Step, cand: Candidate, whose: Candidate, file: str, warnings: list[Problem]) -> Step:
    """A criterion whose `na` is not allowed reads every fact written n/a as unknown, with a warning.

    Only this rule's env changes: another rule may read the same n/a and allow it. n/a computed by
    the rule itself (a share of nothing, no component assigned) is not a fact and is untouched;
    a disqualifier's n/a stays clear (docs/campaign-format.md, "Not applicable").
    """
    rule = step.item
    assert isinstance(rule, CompiledRule)
    spec = rule.spec
    if not isinstance(spec, Condition) or spec.na_allowed:
        return step
    refused = tuple(k for k in rule.facts if step.env.get(k) is NA)  # the rule's and its waiver's
    if refused and rule.waiver is not None:
        refused = tuple(k for k in refused if k in rule.node.facts())  # a waiver's n/a is the waiver's
    if not refused:
        return step
    step.env = {**step.env, **dict.fromkeys(refused, UNKNOWN)}
    step.refused = refused
    who = Msg("problem.eval_na_unit" if cand.group == "unit" else "problem.eval_na_person")
    what_rule = (
        Msg("problem.eval_na_condition", rule=rule.id, award=rule.award)
        if rule.award
        else Msg("problem.eval_na_criterion", rule=rule.id)
    )
    for key in refused:
        what = (
            Msg("problem.eval_na_fact_for", fact=key, person=cand.id)
            if whose is not cand
            else Msg("problem.eval_na_fact", fact=key)
        )
        warnings.append(
            Problem(
                file,
                Msg("problem.eval_na_refused", fact=what, rule=what_rule, who=who, clause=spec.clause),
                where=f"{'units' if whose.group == 'unit' else 'people'}[{whose.id}]",
                severity="warning",
                hint=Msg("problem.eval_na_refused_hint"),
            )
        )
    return step


MAX_CASES = 256  # the most values a rule is decided for when facts are known only as ranges


def work_of(plan: Plan) -> tuple[Work, list[list[int]]]:
    """What the backend evaluates: each step once — or once per possible value of the counts it
    reads that are known only as a range — and, per candidate, how many cases each step has."""
    work: Work = []
    spans: list[list[int]] = []
    for _, _, steps in plan:
        items: list[tuple[Evaluable, Mapping[str, Any]]] = []
        span: list[int] = []
        for step in steps:
            if step.skipped:
                continue
            envs = cases(step.item, step.env, step.derived)
            items += [(step.item, env) for env in envs]
            span.append(len(envs))
        work.append(items)
        spans.append(span)
    return work, spans


def cases(item: Evaluable, env: Mapping[str, Any], derived: Mapping[str, Derived]) -> list[Mapping[str, Any]]:
    """The facts `item` is decided on: `env` — or, when it reads counts known only as a range, `env`
    once per combination of the values they can take (at most MAX_CASES; beyond that they stay
    unknown). The item's trace is then what holds in all of them (`engine.evaluate.trace.merge`)."""
    if not derived:
        return [env]
    read = {*item.node.facts(), *(item.waiver.facts() if item.waiver is not None else ())}
    ranged = [
        (k, range(d.bounds[0], d.bounds[1] + 1))
        for k, d in derived.items()
        if d.bounds is not None and k in read and env.get(k) is UNKNOWN
    ]
    if not ranged or math.prod(len(r) for _, r in ranged) > MAX_CASES:
        return [env]
    keys = [k for k, _ in ranged]
    return [{**env, **dict(zip(keys, values, strict=True))} for values in itertools.product(*(r for _, r in ranged))]


def merged(traces: Traces, spans: list[list[int]]) -> Traces:
    """One trace per step: the cases of a ranged step merged into what holds in all of them."""
    out: Traces = []
    for got, span in zip(traces, spans, strict=True):
        if len(got) == len(span):
            out.append(got)
            continue
        mine, at = [], 0
        for n in span:
            mine.append(merge(got[at : at + n]))
            at += n
        out.append(mine)
    return out
