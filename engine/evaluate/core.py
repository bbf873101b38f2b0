"""Evaluate every candidate of a facts file against a compiled campaign.

Per candidate: the groups it competes in (none → `out_of_scope`), the nomination check
(`Submission`), each rule's trace and outcome, its ranking keys, and the verdict — the first
that applies of out_of_scope, not_considered, disqualified, ineligible, incomplete, eligible
(CONTRACT.md).

Traces come from a backend (`engine.evaluate.backends`): the native one by default. Everything
after this module — reasons, ranks, reports, `verify` — reads the traces; nothing evaluates a
rule again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, Text
from engine.common.speed import gc_paused
from engine.common.text import visible
from engine.evaluate.backends import Traces, Work
from engine.evaluate.derive import Derivations, Derived, borrow, derive
from engine.evaluate.trace import Evaluable, RuleTrace, merge, needs_waiver
from engine.lang import NA, UNKNOWN, Call, Fact, Value
from engine.lang.decide import Domain, decide_rule
from engine.lang.values import VERDICTS, Outcome, RuleKind, SubmissionOutcome, Verdict
from engine.model.campaign import Campaign, CompiledRankKey, CompiledRule, Scope
from engine.model.facts import Candidate, FactsFile, Submission
from engine.model.schema import Condition, Deadline, Nomination

Source = Literal["candidate", "unit"]  # whose facts a rule reads: the candidate's, or its unit's (scope: unit)
Skip = Literal["", "kind"]  # why a rule does not apply: "" it applies; "kind" its kinds filter excludes


@dataclass(frozen=True, slots=True)
class Read:
    """One fact a rule read: its value and where it came from."""

    key: str
    value: Value
    source: Source
    derived: Derived | None = None  # computed (engine.evaluate.derive), not read


@dataclass(slots=True)
class RuleResult:
    rule: CompiledRule
    outcome: Outcome
    trace: RuleTrace  # the value of every node of the rule (and of its waiver when looked at)
    env: Mapping[str, Any]  # the facts it read (the candidate's, or its unit's for scope: unit)
    skipped: Skip = ""
    source: Source = "candidate"
    derived: Mapping[str, Derived] = field(default_factory=dict)
    has_unit: bool = True  # for scope: unit, whether the person's unit is in the file
    refused: tuple[str, ...] = ()  # facts written n/a that the rule reads as unknown (its `na` is not allowed)
    cached: list[Read] | None = None  # reads(), made once: every output asks for it several times

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def value(self) -> Value:
        return self.trace.value

    def signature(self) -> tuple[Any, ...] | None:
        """What this result's every rendering depends on, as a key: the rule, how it came out and
        why (skip, source, unit, refused n/a), and what it read. That is its trace — the value of
        every node, the facts read among them, which is all a rendering reads (the IR is pure; the
        evaluation date, deadline and round are one per evaluation) — and, for a rule skipped or
        whose waiver was not looked at, the values it would read. Two results with one signature
        read alike in every output: renderers cache a result's row by it. None where a value has
        no key (a list, a dated series) or a fact was computed from other candidates (derived: its
        parts are shown too)."""
        rule, derived = self.rule, self.derived
        if derived and any(k in derived for k in rule.facts):
            return None
        key: tuple[Any, ...] = (rule.id, self.outcome, self.skipped, self.source, self.has_unit, self.refused)
        if self.skipped:  # nothing was evaluated: what it read is what the facts say
            key += tuple((r.key, type(r.value), r.value) for r in self.reads())
        else:
            key += (self.trace,)
            if rule.waiver is not None and self.trace.waiver is None:
                key += tuple((type(v), v) for v in (self.env.get(k, UNKNOWN) for k, _ in rule.waiver_fact_nodes))
        try:
            hash(key)
        except TypeError:  # a list or a dated series among the values
            return None
        return key

    def reads(self) -> list[Read]:
        """Every fact the rule (and its waiver, when looked at) read, once each, in reading order."""
        if self.cached is not None:
            return self.cached
        out: dict[str, Read] = {}
        rule, derived = self.rule, self.derived
        trees = [(rule.fact_nodes, self.trace.nodes)]
        if rule.waiver is not None and self.trace.waiver is not None:
            trees.append((rule.waiver_fact_nodes, self.trace.waiver))
        for readings, values in trees:
            for key, idx in readings:
                if key not in out:
                    value = values[idx] if not self.skipped else self.env.get(key, UNKNOWN)
                    out[key] = Read(key, value, self.source, derived.get(key) if derived else None)
        if rule.waiver is not None and self.trace.waiver is None:
            for key, _ in rule.waiver_fact_nodes:  # the waiver was not needed: what it would read
                if key not in out:
                    out[key] = Read(key, self.env.get(key, UNKNOWN), self.source, derived.get(key) if derived else None)
        self.cached = list(out.values())
        return self.cached


@dataclass(slots=True)
class SubmissionResult:
    outcome: SubmissionOutcome
    deadline: dt.date | None
    date: dt.date | None
    missing: tuple[str, ...] = ()
    copies_short: int = 0
    why: str = ""  # machine-readable sub-reason: undecided (no_deadline, no_date, no_documents, channel,
    # no_channel) or late (late_considered: the plan does not exclude late files, `nomination.late`)
    clause: str = ""  # the plan's clause and sentence behind the outcome (Nomination.cite): every output's
    quote: str = ""
    via: str | None = None  # the channel the file came by, as recorded
    basis: str = ""  # how the date was established: "" as recorded, "hand" handed in, "received" received in time

    may_exclude: bool = False  # undecided, and what is unknown may still exclude it (late, a document missing)

    @property
    def excludes(self) -> bool:
        """Whether the file makes the candidate not_considered: documents missing, or late where late excludes."""
        return self.outcome == "missing_documents" or (self.outcome == "late" and self.why != "late_considered")


@dataclass(frozen=True, slots=True)
class Missing:
    """A rule the facts leave open, and what to write to decide it: the facts it read that are
    unknown — or, when none of them reads as unknown (a unit not in the file), all it reads."""

    result: RuleResult
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """A candidate's verdict and why, decided once (`verdict_of`); every output reads it.

    The verdict is the first of out_of_scope, not_considered, disqualified, ineligible,
    incomplete, eligible that applies once every question before it is decided (CONTRACT.md).
    What it depends on: the scope (`scope`, open when the file may yet show it out of scope),
    the nomination file (`submission`), the exclusions that apply or may and the required
    criteria that fail or may (`against`), and, for the rules left open, the facts missing
    (`missing`). A rule not named here (met, clear, n/a, waived, or optional) cannot change it.
    """

    verdict: Verdict
    scope: Scope | None = None
    submission: SubmissionResult | None = None
    against: tuple[RuleResult, ...] = ()  # exclusions then required criteria, declared order: triggered, fail, unknown
    missing: tuple[Missing, ...] = ()  # the unknown ones of `against`: required criteria first, then exclusions
    waived: tuple[RuleResult, ...] = ()  # criteria met by their waiver (said beside an eligible verdict)

    @property
    def scope_open(self) -> bool:
        """The file may yet show it out of scope: nothing stronger than incomplete can be said."""
        return self.scope is not None and self.scope.unknown

    @property
    def triggered(self) -> tuple[RuleResult, ...]:
        """The exclusions that apply."""
        return tuple(r for r in self.against if r.outcome == "triggered")

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        """The required criteria that fail."""
        return tuple(r for r in self.against if r.outcome == "fail")

    @property
    def held(self) -> tuple[RuleResult, ...]:
        """What already holds against it (exclusions, then criteria): the reason of a verdict that
        waits on an earlier question (incomplete while the file or an exclusion is open)."""
        return tuple(r for r in self.against if r.outcome != "unknown")

    @property
    def file_open(self) -> bool:
        """The nomination file is undecided, and what is unknown of it may still exclude it."""
        return self.submission is not None and self.submission.may_exclude

    @property
    def file_undecided(self) -> bool:
        return self.submission is not None and self.submission.outcome == "undecided"

    @property
    def file_note(self) -> SubmissionResult | None:
        """The file, when it is said beside the verdict: undecided (incomplete), or late where the
        plan does not exclude late files."""
        sub = self.submission
        return sub if sub is not None and sub.outcome in ("undecided", "late") else None


@dataclass(slots=True)
class CandidateResult:
    candidate: Candidate
    group: str | None  # the group it competes in (quota), None when out of scope
    groups: list[str]
    decision: Decision  # the verdict and why (verdict_of): computed once, read by every output
    criteria: list[RuleResult] = field(default_factory=list)
    disqualifiers: list[RuleResult] = field(default_factory=list)
    submission: SubmissionResult | None = None
    keys: list[RuleTrace] = field(default_factory=list)  # ranking keys of its group, in declared order
    conditions: list[RuleResult] = field(default_factory=list)  # the awards' own conditions for its group
    scope: Scope | None = None  # why it is (out of) scope: Campaign.scope_of

    @property
    def verdict(self) -> Verdict:
        return self.decision.verdict

    @property
    def scope_reason(self) -> str:
        """The machine code of why it is out of scope ("" when in scope)."""
        return self.scope.reason if self.scope is not None else ""

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
    warnings: list[Problem] = field(default_factory=list)  # the facts file's and the evaluation's

    @property
    def round_year(self) -> int:
        """The year whose yearly deadlines apply: the round judged, else the evaluation year."""
        return self.round or self.as_of.year

    def get(self, cid: str) -> CandidateResult | None:
        for r in self.results:
            if r.id == cid:
                return r
        return None

    def find(self, written: str) -> CandidateResult | None:
        """The candidate an officer means by `written` (explain ID, the web app's candidate page):
        the id as given (NFC), else the one it folds to (`fold_id`: tone placement, invisibles)."""
        from engine.model.facts import fold_id

        cid = unicodedata.normalize("NFC", written)
        return self.get(cid) or next((r for r in self.results if fold_id(r.id) == fold_id(cid)), None)

    def not_found(self, written: str, where: str, see: Text) -> Problem:
        """The line for an id `find` does not know: the nearest ids, else where to look (`see`)."""
        from engine.common.errors import did_you_mean

        cid = unicodedata.normalize("NFC", written)
        hint = did_you_mean(cid, [r.id for r in self.results]) or see
        return Problem(where, Msg("problem.eval_no_candidate", id=visible(written)), hint=hint)


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
    deadline, deadline_warnings = _run_deadline(campaign, facts, deadline)
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
    facts, period_warnings = _within_period(campaign, facts)
    with gc_paused():  # our own bulk, acyclic allocations (engine.common.speed)
        derived, derive_warnings = derive(campaign.catalogue, facts)
        issuer = campaign.model.issuer_facts
        derived = borrow(issuer.keys if issuer is not None else (), facts, derived)
        na_warnings: list[Problem] = []
        plan = _plan(campaign, facts, derived, na_warnings)
        work, spans = _work(plan)
    traces = _merged(engine.run(campaign, work), spans)
    del work, spans  # what the backend was given: not needed beside the results (peak memory)
    with gc_paused():
        results = _results(campaign, plan, traces, round_year, deadline)
    return Evaluation(
        campaign,
        facts,
        as_of,
        deadline,
        backend,
        results,
        round_year if yearly else None,
        [*facts.warnings, *deadline_warnings, *period_warnings, *derive_warnings, *na_warnings, *round_warnings],
    )


def _run_deadline(campaign: Campaign, facts: FactsFile, given: dt.date | None) -> tuple[dt.date | None, list[Problem]]:
    """The deadline given for this run (`--deadline`, else the facts file's `deadline:`), which only a
    plan whose deadline is an event uses. A plan that fixes its deadline (a date, or a day each year)
    ignores one given — with a warning, and it is not recorded as the run's deadline either, so no
    output or audit header names a deadline that did not apply."""
    deadline = given or facts.deadline
    plan = campaign.model.nomination.deadline
    if deadline is None or plan.event is not None:
        return deadline, []
    where = "--deadline" if given is not None else facts.file
    month, _, day = (plan.yearly or "").partition("-")
    fixed = plan.date or Msg("problem.eval_deadline_each_year", day=f"{day}/{month}")
    message = Msg("problem.eval_deadline_unused", deadline=deadline, fixed=fixed)
    return None, [Problem(where, message, severity="warning", hint=Msg("problem.eval_deadline_unused_hint"))]


def file_round(facts: FactsFile) -> int | None:
    """The round a file's own nomination dates say it belongs to: the year its files were sent (or,
    where no sent date is recorded, received) — None when it records none. Dates of more than one
    year cannot say which round is judged: refused, asking for the round (issue 22.8)."""
    years: dict[int, str] = {}
    for c in facts.candidates:
        sub = c.submission
        day = (sub.sent_on or sub.received_on) if sub is not None else None
        if day is not None:
            years.setdefault(day.year, c.id)
    if len(years) > 1:
        (y1, c1), (y2, c2) = sorted(years.items())[:2]
        raise UsageError(
            Problem(
                facts.file,
                Msg("problem.eval_round_two_years", y1=str(y1), c1=c1, y2=str(y2), c2=c2),  # a year, not a number
                hint=Msg("problem.eval_round_state"),
            )
        )
    return next(iter(years), None)


def check_round(
    campaign: Campaign,
    facts: FactsFile,
    as_of: dt.date,
    round_year: int,
    stated: int | None,
    dated: int | None = None,
) -> list[Problem]:
    """The round of a campaign judged every year: inside the plan's period, and said when it was guessed.

    A round outside the plan's period is refused, stated or not: a plan judges no year before it
    began nor after it ended. A round not stated is the year the file's nomination files were sent
    (`file_round`: never inferred against the file's own dates), else the year of the evaluation
    date; a warning says which, more pointedly when the guess from the evaluation date is unsafe
    (before that round's deadline while the file holds nomination files).
    """
    period = campaign.model.period
    first = period.start.year if period.start else None
    outside = (first is not None and round_year < first) or round_year > period.end.year
    span = {"start": period.start or "…", "end": period.end}
    hint = Msg("problem.eval_round_state")
    year = str(round_year)  # a year is written as a year (2024), not as a number (2.024)
    if outside:
        if stated is not None:
            message = Msg("problem.eval_round_outside", round=year, **span)
        else:
            told = Msg("problem.eval_round_why_sent" if dated else "problem.eval_round_why_as_of")
            message = Msg("problem.eval_round_outside_guessed", round=year, why=told, **span)
        raise UsageError(Problem("--round" if stated is not None else facts.file, message, hint=hint))
    if stated is not None:
        return []
    why: Msg
    if dated is not None:
        why = Msg("problem.eval_round_why_sent")
    else:
        deadline = campaign_deadline(campaign, round_year, None)
        early = deadline is not None and as_of < deadline and any(c.submission for c in facts.candidates)
        why = (
            Msg("problem.eval_round_why_early", deadline=deadline, previous=str(round_year - 1))
            if early and deadline is not None
            else Msg("problem.eval_round_why_as_of_short")
        )
    message = Msg("problem.eval_round_guessed", round=year, why=why)
    return [Problem(facts.file, message, severity="warning", hint=hint)]


def check_one_off(campaign: Campaign, facts: FactsFile, as_of: dt.date, round_arg: int | None) -> list[Problem]:
    """A campaign judged once (not every year): no round to choose, and an evaluation date to flag.

    `--round` is a usage error: the campaign has one period, so a round would be silently
    ignored and the reader could believe another year was judged. A `round:` in the facts file
    is only warned about (a file may serve several campaigns). An evaluation date before the
    period ends is flagged, not refused: a unit may check itself early, and no plan forbids it
    (none says results may only be reviewed after its period), but the year's figures are not
    final, so the warning says so.
    """
    period = campaign.model.period
    span = period_end(campaign)
    if round_arg is not None:
        raise UsageError(
            Problem(
                "--round",
                Msg("problem.eval_round_one_off", campaign=campaign.id, span=span, round=str(round_arg)),
                hint=Msg("problem.eval_round_one_off_hint"),
            )
        )
    out = []
    if facts.round is not None:
        out.append(
            Problem(
                facts.file,
                Msg("problem.eval_round_ignored", round=str(facts.round), campaign=campaign.id, span=span),
                severity="warning",
                hint=Msg("problem.eval_round_ignored_hint"),
            )
        )
    running = as_of <= period.end if period.end_inclusive else as_of < period.end
    if running:
        out.append(
            Problem(
                facts.file,
                Msg("problem.eval_provisional", as_of=as_of, span=span),
                severity="warning",
                hint=Msg("problem.eval_provisional_hint"),
            )
        )
    return out


def period_end(campaign: Campaign) -> Msg:
    """When the plan's period ends, as its own words put it: to the end of a day, or before it."""
    period = campaign.model.period
    return Msg("problem.eval_span_to" if period.end_inclusive else "problem.eval_span_before", end=period.end)


def _within_period(campaign: Campaign, facts: FactsFile) -> tuple[FactsFile, list[Problem]]:
    """The facts without the series entries dated after the campaign period, and a warning for each.

    A value dated after the period ("đến hết ngày 31/12/2024", "đến trước ngày 20/12/2020") is
    not the period's value: it is dropped here, so `latest` and a series compared directly only
    ever see values inside the period. A series the plan reads on days it names (`at`) keeps
    them (issue 22): a milestone the plan dates after its own period is read on the date the
    plan gives, and a value dated after a milestone bounds it (`engine.lang.decide`); the
    explanation says which value was used and why."""
    period = campaign.model.period
    end, inclusive = period.end, period.end_inclusive
    span = period_end(campaign)
    dated = _read_on_days(campaign)
    warnings: list[Problem] = []
    candidates = []
    for cand in facts.candidates:
        kept: dict[str, Any] | None = None  # copied only when something is dropped (bulk files: most are not)
        for key, v in cand.facts.items():
            if type(v) is not dict or key in dated:
                continue
            late = sorted(d for d in v if isinstance(d, dt.date) and (d > end if inclusive else d >= end))
            if not late:
                continue
            kept = dict(cand.facts) if kept is None else kept
            kept[key] = {d: x for d, x in v.items() if d not in late}
            for d in late:
                warnings.append(
                    Problem(
                        facts.file_of(cand),
                        Msg("problem.eval_after_period", fact=key, day=d, span=span),
                        where=f"{'units' if cand.group == 'unit' else 'people'}[{cand.id}]",
                        severity="warning",
                        hint=Msg("problem.eval_after_period_hint"),
                    )
                )
        candidates.append(replace(cand, facts=kept) if kept is not None else cand)
    if not warnings:
        return facts, []
    new = {id(old): c for old, c in zip(facts.candidates, candidates, strict=True)}
    by_id = {k: new.get(id(c), c) for k, c in facts.by_id.items()}
    return replace(facts, candidates=candidates, by_id=by_id), warnings


def _read_on_days(campaign: Campaign) -> set[str]:
    """The series the campaign reads on days the plan names (`at(series, 'YYYY-MM-DD')`)."""
    return {
        node.args[0].key
        for item in campaign.items()
        for node in item.node.walk()
        if isinstance(node, Call) and node.name == "at" and node.args and isinstance(node.args[0], Fact)
    }


@dataclass(slots=True)
class _Step:
    item: CompiledRule | CompiledRankKey
    env: Mapping[str, Any]
    skipped: Skip = ""
    source: Source = "candidate"
    derived: Mapping[str, Derived] = field(default_factory=dict)
    has_unit: bool = True
    refused: tuple[str, ...] = ()


_Plan = list[tuple[Candidate, Scope, list[_Step]]]
_NOTHING: dict[str, Derived] = {}


def _plan(campaign: Campaign, facts: FactsFile, derived: Derivations, warnings: list[Problem]) -> _Plan:
    """Per candidate: its groups, and each rule and ranking key with the facts it reads (or why it is skipped)."""
    plan: _Plan = []
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
                steps.append(_Step(key, own[0], "", "candidate", own[1]))
            for cond in campaign.conditions_for(groups[0]):  # the awards' own conditions, like any rule
                steps.append(_step(cond, cand, facts, own, derived, warnings))
        plan.append((cand, scope, steps))
    return plan


def _env(cand: Candidate, derived: Derivations) -> tuple[Mapping[str, Any], Mapping[str, Derived]]:
    """A candidate's facts with its derived facts filled in (`engine.evaluate.derive`)."""
    mine = derived.get(cand.id)
    if not mine:
        return cand.facts, _NOTHING
    return {**cand.facts, **{k: d.value for k, d in mine.items()}}, mine


def _step(
    rule: CompiledRule,
    cand: Candidate,
    facts: FactsFile,
    own: tuple[Mapping[str, Any], Mapping[str, Derived]],
    derived: Derivations,
    warnings: list[Problem],
) -> _Step:
    if rule.spec.kinds and cand.kind not in rule.spec.kinds:
        return _Step(rule, own[0], "kind", "candidate", own[1])
    if rule.spec.scope == "unit":
        unit = facts.unit_of(cand)
        if unit is None:
            return _Step(rule, {}, "", "unit", _NOTHING, has_unit=False)  # the unit's facts are unknown
        env, made = _env(unit, derived)
        return _refuse_na(_Step(rule, env, "", "unit", made), cand, unit, facts.file_of(unit), warnings)
    return _refuse_na(_Step(rule, own[0], "", "candidate", own[1]), cand, cand, facts.file_of(cand), warnings)


def _refuse_na(step: _Step, cand: Candidate, whose: Candidate, file: str, warnings: list[Problem]) -> _Step:
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


def _work(plan: _Plan) -> tuple[Work, list[list[int]]]:
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


def _merged(traces: Traces, spans: list[list[int]]) -> Traces:
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


def _results(
    campaign: Campaign, plan: _Plan, traces: list[list[RuleTrace]], round_year: int, deadline: dt.date | None
) -> list[CandidateResult]:
    results = []
    skipped: dict[int, RuleTrace] = {}  # one all-n/a trace per rule, shared by the candidates it skips
    for (cand, scope, steps), got in zip(plan, traces, strict=True):
        it = iter(got)
        res = CandidateResult(cand, scope.group, scope.groups, UNDECIDED, scope=scope)
        for step in steps:
            item = step.item
            if isinstance(item, CompiledRankKey):
                res.keys.append(next(it))
                continue
            if step.skipped:
                tr = skipped.get(id(item))
                if tr is None:
                    tr = skipped[id(item)] = RuleTrace((NA,) * item.node.size())
                outcome: Outcome = "not_applicable" if item.kind == "criterion" else "clear"
            else:
                tr = next(it)
                tr = decided(campaign, item, tr, step.env, step.derived, step.refused)
                outcome = outcome_of(item.kind, tr.value, tr.waived, item.waiver is not None)
            rr = RuleResult(
                item, outcome, tr, step.env, step.skipped, step.source, step.derived, step.has_unit, step.refused
            )
            if item.award:
                res.conditions.append(rr)
            else:
                (res.criteria if item.kind == "criterion" else res.disqualifiers).append(rr)
        res.submission = check_submission(campaign, cand, round_year, deadline)
        res.decision = verdict_of(res)
        results.append(res)
    return results


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
            out[key] = (float(d.bounds[0]), float(d.bounds[1]))
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


UNDECIDED = Decision("incomplete")  # a result's decision until verdict_of has made it


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
    return replace(why, verdict=_verdict(res.group is not None, why))


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
    """The nomination file against the plan: documents, copies, the date that counts, the channel.

    Documents not recorded (`documents` absent) are unknown, not missing: a file that is late is
    still late, one on time is `undecided` (why `no_documents`) until its documents are known.
    A file sent on time by a channel the plan does not name (`nomination.channels`), or whose
    channel is not recorded, is `undecided` (why `channel` / `no_channel`) unless the campaign
    decided such files count; a late file is late whatever its channel. A late file is
    not_considered unless the campaign records that the plan does not exclude late files
    (`nomination.late.decision: considered`, why `late_considered`). The clause and quote of
    the outcome come from `Nomination.cite`, so every output cites the same sentence.
    """
    result = _judge(nom, deadline, sub)
    result.clause, result.quote = nom.cite(result.outcome, result.why)
    result.via = sub.via
    if result.outcome == "undecided":  # what is not recorded may yet exclude it: a document, a copy, the date
        documents_open = sub.documents is None and bool(nom.documents)
        copies_open = nom.copies is not None and sub.copies is None
        result.may_exclude = documents_open or copies_open or nom.late_excludes
    return result


def _judge(nom: Nomination, deadline: dt.date | None, sub: Submission) -> SubmissionResult:
    recorded = sub.documents is not None
    missing = tuple(d for d in nom.documents if d not in sub.documents) if sub.documents is not None else ()
    short = 0
    if nom.copies is not None and sub.copies is not None and sub.copies < nom.copies:
        short = nom.copies - sub.copies
    when = file_dates(nom, sub)
    if missing or short:
        return SubmissionResult("missing_documents", deadline, when.shown, missing, short)
    if deadline is None:
        return SubmissionResult("undecided", None, when.shown, why="no_deadline")

    def within(day: dt.date) -> bool:
        return day <= deadline if nom.inclusive else day < deadline

    if when.exact is not None:
        on_time, day, basis = within(when.exact), when.exact, when.basis
    elif when.at_least is not None and not within(when.at_least):
        on_time, day, basis = False, when.at_least, ""  # late by its own stated date, whatever the channel
    elif when.at_most is not None and within(when.at_most):
        on_time, day, basis = True, when.at_most, "received"  # received in time, so sent in time
    elif sub.sent_on is not None:  # sent in time by its own account, by a way the plan does not count
        return SubmissionResult("undecided", deadline, sub.sent_on, why="no_channel" if sub.via is None else "channel")
    else:
        return SubmissionResult("undecided", deadline, None, why="no_date")
    if not on_time:
        return SubmissionResult("late", deadline, day, why="" if nom.late_excludes else "late_considered", basis=basis)
    if not recorded and nom.documents:
        return SubmissionResult("undecided", deadline, day, why="no_documents", basis=basis)
    return SubmissionResult("on_time", deadline, day, basis=basis)


@dataclass(frozen=True, slots=True)
class FileDates:
    """What a nomination file's recorded dates say of the date that counts (`nomination.date_counts`).

    `exact`: the date itself — the sent date by a way the plan counts; for a file handed in
    (`via: hand`) the day it was handed in, which is both its sent and its received date.
    `at_least`: a date it cannot be before (the sent date by the unit's own account: a file is
    received no earlier than it is sent). `at_most`: a date it cannot be after (the received
    date, for a plan that counts the sent date: a file received on time was sent on time).
    `basis`: how `exact` was established ("" the date that counts as recorded; "hand")."""

    exact: dt.date | None
    at_least: dt.date | None
    at_most: dt.date | None
    basis: str = ""

    @property
    def shown(self) -> dt.date | None:
        return self.exact or self.at_least or self.at_most


def file_dates(nom: Nomination, sub: Submission) -> FileDates:
    """The bounds the recorded dates put on the date that counts (issue 22: dates that bound dates)."""
    sent, received = sub.sent_on, sub.received_on
    if sub.via == "hand":  # handed in: sent on the day it is received
        day = sent or received
        return FileDates(day, day, day, "hand" if day is not None else "")
    if nom.date_counts == "received_on":
        return FileDates(received, received or sent, received)
    channels = nom.channels
    counted = channels is None or channels.other == "counted" or channels.counts(sub.via)
    return FileDates(sent if counted else None, sent, received)


__all__ = ["UNKNOWN", "VERDICTS", "Evaluable", "Evaluation", "evaluate"]
