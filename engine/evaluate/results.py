"""What an evaluation holds: per candidate, each rule's result (its trace, the facts it read),
the nomination file's outcome, and the verdict with why (`Decision`); per run, the `Evaluation`.

Made by `engine.evaluate.core.evaluate`; every output reads them and none evaluates a rule again.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.common.errors import Problem
from engine.common.message import Msg, Text
from engine.common.text import visible
from engine.evaluate.derive import Derived
from engine.evaluate.trace import RuleTrace
from engine.lang import UNKNOWN, Value
from engine.lang.values import Outcome, SubmissionOutcome, Verdict
from engine.model.campaign import Campaign, CompiledRule, Scope
from engine.model.facts import Candidate, FactsFile

Source = Literal["candidate", "unit"]  # whose facts a rule reads: the candidate's, or its unit's (scope: unit)


Skip = Literal["", "kind"]  # why a rule does not apply: "" it applies; "kind" its kinds filter excludes


def frozen(value: Any) -> Any:
    """`value` as a key that tells apart what a trace, JSON or a sentence shows apart: each value
    with its type (1, 1.0 and True are equal in Python, not on the page), a float with its sign
    (0.0 and -0.0), a list, tuple or dict as a tuple of its items. TypeError for any other value
    that has no hash. The one freezing of values: steps (`plan.signature`) and results
    (`RuleResult.signature`) are keyed by it."""
    t = type(value)
    if t is tuple or t is list:
        return (t, tuple([frozen(v) for v in value]))
    if t is dict:
        return (t, tuple([(frozen(k), frozen(v)) for k, v in value.items()]))
    if t is float:
        return (t, value, math.copysign(1.0, value))
    hash(value)
    return (t, value)


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
    signed: tuple[tuple[Any, ...] | None] | None = None  # (signature(),), made once: asked per output

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
        read alike in every output: renderers cache a result's row by it. Values are keyed by
        `frozen` (lists of records and dated series too). None where a fact was computed from
        other candidates (derived: its parts are shown too) or a value has no key. Made once."""
        if self.signed is None:
            self.signed = (self._signature(),)
        return self.signed[0]

    def _signature(self) -> tuple[Any, ...] | None:
        rule, derived = self.rule, self.derived
        if derived and any(k in derived for k in rule.facts):
            return None
        key: tuple[Any, ...] = (rule.id, self.outcome, self.skipped, self.source, self.has_unit, self.refused)
        try:
            if self.skipped:  # nothing was evaluated: what it read is what the facts say
                return (*key, frozen([(r.key, r.value) for r in self.reads()]))
            key += (frozen(self.trace.nodes), None if self.trace.waiver is None else frozen(self.trace.waiver))
            if rule.waiver is not None and self.trace.waiver is None:
                key += (frozen([self.env.get(k, UNKNOWN) for k, _ in rule.waiver_fact_nodes]),)
        except TypeError:  # a value that is neither hashable nor a list, tuple or dict of such
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


UNDECIDED = Decision("incomplete")  # a result's decision until verdict_of has made it


@dataclass(slots=True)
class CandidateResult:
    candidate: Candidate
    scope: Scope  # the groups it competes in, or why none (Campaign.scope_of): shared by candidates alike
    decision: Decision  # the verdict and why (verdict_of): computed once, read by every output
    criteria: list[RuleResult] = field(default_factory=list)
    disqualifiers: list[RuleResult] = field(default_factory=list)
    submission: SubmissionResult | None = None
    keys: list[RuleTrace] = field(default_factory=list)  # ranking keys of its group, in declared order
    conditions: list[RuleResult] = field(default_factory=list)  # the awards' own conditions for its group

    def alike(self, candidate: Candidate) -> CandidateResult:
        """`candidate`'s result when it was planned and judged as this one (`judge.judge_all`): the
        same scope, decision, rule results, file outcome and ranking keys — shared, read-only."""
        return CandidateResult(
            candidate,
            self.scope,
            self.decision,
            self.criteria,
            self.disqualifiers,
            self.submission,
            self.keys,
            self.conditions,
        )

    @property
    def group(self) -> str | None:
        """The group it competes in (its quota), None when out of scope."""
        return self.scope.group

    @property
    def groups(self) -> list[str]:
        """The groups whose criteria apply to it: its own, and a heads' group for a head."""
        return self.scope.groups

    @property
    def verdict(self) -> Verdict:
        return self.decision.verdict

    @property
    def scope_reason(self) -> str:
        """The machine code of why it is out of scope ("" when in scope)."""
        return self.scope.reason

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
    fallback: tuple[str, ...] = ()  # the rules a backend left to native (columnar: no vector form for them)

    @property
    def backend_said(self) -> str:
        """The backend as the audit trail names it: with the rules it left to native, if any."""
        return f"{self.backend} (native: {', '.join(self.fallback)})" if self.fallback else self.backend

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
