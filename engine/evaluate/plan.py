"""Planning: per candidate, its groups and each rule and ranking key with the facts it reads —
its own or its unit's, with derived facts filled in, n/a refused where the rule does not allow it
(with a warning), or why it is skipped — and the work a backend is given: each step once, or once
per possible value of counts known only as a range (merged back into one trace afterwards)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from engine.common.errors import Problem
from engine.common.message import Msg
from engine.evaluate.backends import Traces, Work
from engine.evaluate.derive import Derivations, Derived
from engine.evaluate.results import Skip, Source, frozen
from engine.evaluate.trace import Evaluable, RuleTrace, merge
from engine.lang import NA, UNKNOWN
from engine.model.campaign import Campaign, CompiledRankKey, CompiledRule, Scope
from engine.model.facts import Candidate, FactsFile


@dataclass(slots=True)
class Step:
    item: CompiledRule | CompiledRankKey
    env: Mapping[str, Any]
    skipped: Skip = ""
    source: Source = "candidate"
    derived: Mapping[str, Derived] = field(default_factory=dict)
    has_unit: bool = True
    refused: tuple[str, ...] = ()
    slot: int = -1  # its trace among the distinct ones the backend computed (work_of); -1 skipped


Plan = list[tuple[Candidate, Scope, list[Step]]]


NOTHING: dict[str, Derived] = {}


class Env(NamedTuple):
    """Facts a rule reads: a candidate's (or its unit's) with its derived facts filled in."""

    facts: Mapping[str, Any]
    derived: Mapping[str, Derived]
    has_na: bool  # whether any fact is written n/a (else no rule can refuse one)


def make_plan(
    campaign: Campaign,
    facts: FactsFile,
    derived: Derivations,
    warnings: list[Problem],
    candidates: Sequence[Candidate] | None = None,
) -> Plan:
    """Per candidate (of `candidates`, a part of the file's; all of them by default): its groups,
    and each rule and ranking key with the facts it reads (or why it is skipped)."""
    planning = _Planning(campaign, facts, derived, warnings)
    return [planning.candidate(cand) for cand in (facts.candidates if candidates is None else candidates)]


class _Groups(NamedTuple):
    """What a candidate competing in these groups is planned against, found once per groups."""

    rules: list[CompiledRule]  # each group's rules
    ranks: list[CompiledRankKey]  # the first group's ranking keys
    conditions: list[CompiledRule]  # the first group's awards' own conditions, evaluated like any rule
    reads_unit: bool  # whether one of them reads the candidate's unit (`scope: unit`)


@dataclass(slots=True)
class _Planning:
    """What planning one call reads, and what it makes once and shares. A candidate whose steps read
    the very objects another's did — its scope, kind, facts (the reader gives candidates written alike
    one dict), derived facts, and its unit where a rule reads it — has that candidate's steps, unless
    making them said something (a warning names its candidate). Objects are named by their ids: kept
    for this call only, as they live as long as it."""

    campaign: Campaign
    facts: FactsFile
    derived: Derivations
    warnings: list[Problem]
    units: dict[str, Env] = field(default_factory=dict)  # a unit's env, for all the people who read it
    scopes: dict[tuple[Any, ...], Scope] = field(default_factory=dict)  # per `Campaign.scope_key`
    groups: dict[tuple[str, ...], _Groups] = field(default_factory=dict)
    made: dict[tuple[Any, ...], list[Step]] = field(default_factory=dict)

    def candidate(self, cand: Candidate) -> tuple[Candidate, Scope, list[Step]]:
        key = self.campaign.scope_key(cand)
        scope = self.scopes.get(key)
        if scope is None:
            scope = self.scopes[key] = self.campaign.scope_of(cand, self.facts)
        mine = self.of_groups(scope.groups)
        own = _env(cand, self.derived)
        alike = (id(scope), cand.kind, id(own.facts), id(own.derived), cand.unit if mine.reads_unit else None)
        steps = self.made.get(alike)
        if steps is None:
            said = len(self.warnings)
            steps = [self.step(rule, cand, own) for rule in mine.rules]
            steps += [Step(rank, own.facts, "", "candidate", own.derived) for rank in mine.ranks]
            steps += [self.step(cond, cand, own) for cond in mine.conditions]
            if len(self.warnings) == said:
                self.made[alike] = steps
        return cand, scope, steps

    def of_groups(self, groups: list[str]) -> _Groups:
        found = self.groups.get(tuple(groups))
        if found is None:
            c = self.campaign
            rules = [r for g in groups for r in c.rules[g]]
            ranks = c.ranking.get(groups[0], []) if groups else []
            conds = c.conditions_for(groups[0]) if groups else []
            unit = any(r.spec.scope == "unit" for r in (*rules, *conds))
            found = self.groups[tuple(groups)] = _Groups(rules, ranks, conds, unit)
        return found

    def step(self, rule: CompiledRule, cand: Candidate, own: Env) -> Step:
        if rule.spec.kinds and cand.kind not in rule.spec.kinds:
            return Step(rule, own.facts, "kind", "candidate", own.derived)
        facts, warnings = self.facts, self.warnings
        if rule.spec.scope == "unit":
            unit = facts.unit_of(cand)
            if unit is None:
                return Step(rule, {}, "", "unit", NOTHING, has_unit=False)  # the unit's facts are unknown
            env = self.units.get(unit.id)
            if env is None:
                env = self.units[unit.id] = _env(unit, self.derived)
            step = Step(rule, env.facts, "", "unit", env.derived)
            return _refuse_na(step, cand, unit, facts, warnings) if env.has_na and rule.refuses_na else step
        step = Step(rule, own.facts, "", "candidate", own.derived)
        return _refuse_na(step, cand, cand, facts, warnings) if own.has_na and rule.refuses_na else step


def _env(cand: Candidate, derived: Derivations) -> Env:
    """A candidate's facts with its derived facts filled in (`engine.evaluate.derive`)."""
    mine = derived.get(cand.id)
    env = cand.facts if not mine else {**cand.facts, **{k: d.value for k, d in mine.items()}}
    return Env(env, mine or NOTHING, NA in env.values())


def _refuse_na(step: Step, cand: Candidate, whose: Candidate, facts: FactsFile, warnings: list[Problem]) -> Step:
    """A criterion whose `na` is not allowed reads every fact written n/a as unknown, with a warning.

    Only this rule's env changes: another rule may read the same n/a and allow it. n/a computed by
    the rule itself (a share of nothing, no component assigned) is not a fact and is untouched;
    a disqualifier's n/a stays clear (docs/campaign-format.md, "Not applicable"). Called only for
    a rule that refuses n/a (`CompiledRule.refuses_na`) reading facts of which one is n/a.
    """
    rule = step.item
    assert isinstance(rule, CompiledRule)
    spec = rule.spec
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
                facts.file_of(whose),
                Msg("problem.eval_na_refused", fact=what, rule=what_rule, who=who, clause=spec.clause),
                where=f"{'units' if whose.group == 'unit' else 'people'}[{whose.id}]",
                severity="warning",
                hint=Msg("problem.eval_na_refused_hint"),
            )
        )
    return step


MAX_CASES = 256  # the most values a rule is decided for when facts are known only as ranges


CHUNK = 256  # distinct steps handed to a backend per list (durable asserts one fact per env of a list)


@dataclass
class Distinct:
    """The distinct steps met so far, by key (`signature`), with their slots: kept across the parts
    of a population evaluated part by part (`core.evaluate`), so that a step met in an earlier part
    is its slot again, and slots are numbered as if the population were one part."""

    seen: dict[tuple[Any, ...], int] = field(default_factory=dict)
    slots: int = 0


def work_of(plan: Plan, distinct: Distinct | None = None) -> tuple[Work, list[list[int]]]:
    """What the backend evaluates: each distinct step once — a step's trace is a function of its
    item and the facts it reads (the IR is pure: only fact nodes read the env), so candidates that
    read the same values share one trace (`Step.slot`; at 100k candidates each rule sees a few
    dozen distinct inputs) — and a step once per possible value of the counts it reads that are
    known only as a range. Returned in lists of at most CHUNK steps, with how many cases each
    step has (`merged` puts them back together)."""
    work: Work = [[]]
    spans: list[list[int]] = [[]]
    distinct = distinct if distinct is not None else Distinct()
    seen = distinct.seen
    slot = distinct.slots
    # A step reading the very facts another step of this part read (the reader gives candidates whose
    # facts are written alike one dict) is that step's slot: named by the objects, alive while the
    # plan is, so this is kept for this part only — `seen` alone spans the parts.
    same: dict[tuple[int, int, int, tuple[str, ...]], int] = {}
    done: set[int] = set()  # the step lists met: candidates planned alike share one (`_Planning`)
    for _, _, steps in plan:
        if id(steps) in done:
            continue
        done.add(id(steps))
        for step in steps:
            if step.skipped:
                continue
            alike = (id(step.item), id(step.env), id(step.derived), step.refused)
            known = same.get(alike)
            if known is not None:
                step.slot = known
                continue
            key = signature(step)
            if key is not None:
                try:
                    known = seen.get(key)
                except TypeError:  # a value of a type with no hash (none that a facts file gives)
                    known = key = None
                if known is not None:
                    step.slot = same[alike] = known
                    continue
                if key is not None:
                    seen[key] = slot
            step.slot = same[alike] = slot
            slot += 1
            envs = cases(step.item, step.env, step.derived)
            if len(spans[-1]) == CHUNK:
                work.append([])
                spans.append([])
            work[-1] += [(step.item, env) for env in envs]
            spans[-1].append(len(envs))
    distinct.slots = slot
    return work, spans


def signature(step: Step) -> tuple[Any, ...] | None:
    """What a step's trace, and what the facts decide of it (`judge.decided`), depend on: the item,
    the values it reads with their types (1, 1.0 and True are equal in Python but not alike in a
    trace; so are 0.0 and -0.0), the known ranges of the derived counts among them, and the facts
    it reads as unknown because they were written n/a. None when a value has no key."""
    item, env = step.item, step.env
    vals: Any = tuple(map(env.get, item.facts, itertools.repeat(UNKNOWN)))
    types = tuple(map(type, vals))
    if list in types or dict in types or tuple in types:  # records or a dated series: keyed item by item
        try:
            vals = frozen(vals)
        except TypeError:  # a value with no key at all: the step is not shared
            return None
    key: tuple[Any, ...] = (id(item), vals, types, step.refused)
    if float in types:
        key += (tuple(math.copysign(1.0, v) for v in vals if type(v) is float),)
    if step.derived:
        key += (tuple(d.bounds if (d := step.derived.get(k)) is not None else None for k in item.facts),)
    return key  # hashed once, where it is looked up (work_of): a value of no other type lacks a hash


def cases(item: Evaluable, env: Mapping[str, Any], derived: Mapping[str, Derived]) -> list[Mapping[str, Any]]:
    """The facts `item` is decided on: `env` — or, when it reads counts known only as a range, `env`
    once per combination of the values they can take (at most MAX_CASES; beyond that they stay
    unknown). The item's trace is then what holds in all of them (`engine.evaluate.trace.merge`)."""
    if not derived:
        return [env]
    read = {*item.node.facts(), *(item.waiver.facts() if item.waiver is not None else ())}
    ranged = [  # a count with no most (derive._unlisted) stays unknown: its range is decide's (judge.domains)
        (k, range(d.bounds[0], d.bounds[1] + 1))
        for k, d in derived.items()
        if d.bounds is not None and d.bounds[1] is not None and k in read and env.get(k) is UNKNOWN
    ]
    if not ranged or math.prod(len(r) for _, r in ranged) > MAX_CASES:
        return [env]
    keys = [k for k, _ in ranged]
    return [{**env, **dict(zip(keys, values, strict=True))} for values in itertools.product(*(r for _, r in ranged))]


def merged(traces: Traces, spans: list[list[int]]) -> list[RuleTrace]:
    """One trace per distinct step (`Step.slot`): the cases of a ranged step merged into what holds
    in all of them."""
    out: list[RuleTrace] = []
    for got, span in zip(traces, spans, strict=True):
        if len(got) == len(span):
            out += got
            continue
        at = 0
        for n in span:
            out.append(got[at] if n == 1 else merge(got[at : at + n]))
            at += n
    return out
