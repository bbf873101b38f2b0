"""Regression cases: named scenarios with facts and expected outcomes, stored as YAML.

`tests/cases/<campaign>/<topic>.yaml` holds a `campaign`, optional `as_of`/`deadline`, and a
list of `cases`, each with `name`, `description`, `facts` (the facts-file format) and
`expect` (per candidate id: `verdict`, `criteria`, `disqualifiers`, `conditions` — the awards'
own — and `submission`), and optionally `awards` and `budget`. The same
runner serves pytest (tests/conftest.py) and `thidua test`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.common.errors import CampaignInvalid, Problem
from engine.common.message import Msg, say
from engine.evaluate.core import Evaluation, evaluate
from engine.model.campaign import Campaign, load_campaign
from engine.model.facts import facts_from_document
from engine.model.schema import pydantic_problems
from engine.model.source import Document, load_file

if TYPE_CHECKING:
    from engine.evaluate.allocate import Allocation

Outcome = Literal["pass", "fail", "unknown", "waived", "not_applicable", "triggered", "clear"]
Verdict = Literal["out_of_scope", "not_considered", "disqualified", "ineligible", "incomplete", "eligible"]
SubOutcome = Literal["on_time", "late", "missing_documents", "not_checked", "undecided"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    verdict: Verdict | None = None
    criteria: dict[str, Outcome] = {}
    disqualifiers: dict[str, Outcome] = {}
    conditions: dict[str, Outcome] = {}  # the awards' own conditions, by id
    submission: SubOutcome | None = None
    scope: Literal["in", "out", "unknown"] | None = None  # whether the file shows it a subject (Scope)


class ExpectGroup(_Strict):
    """Expected allocation for one award and group (`group@unit` for one unit's list of a per-unit
    award); ids compared as sets (ties have no order). `outside` (under the plain group key) lists
    who is in none of a per-unit award's lists; `passed_over` who its own conditions leave out."""

    selected: list[str] | None = None
    reserve: list[str] | None = None
    tie_at_cutoff: list[str] | None = None
    slots_left: int | None = None
    amount_each: int | None = None
    passed_over: list[str] | None = None
    outside: list[str] | None = None
    counted_elsewhere: list[str] | None = None


class ExpectBudget(_Strict):
    """The reward money on `decision_date`: its `total`, or a fragment of the `error` (in English)
    saying why it cannot be computed; `decree`, the decree applied (in force that day), and
    `replacement`, a fragment of the Vietnamese sentence saying the decree the plan cites was
    replaced ('' when the cited decree applies and nothing is to be said)."""

    decision_date: dt.date | None = None
    total: int | None = None
    error: str | None = None
    decree: str | None = None
    replacement: str | None = None


class CaseIn(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    description: str = ""
    as_of: dt.date | None = None
    deadline: dt.date | None = None
    round: int | None = None
    facts: dict[str, Any]
    expect: dict[str | int, Expect] = {}
    awards: dict[str, dict[str, ExpectGroup]] = {}
    budget: ExpectBudget | None = None


class CaseFileIn(_Strict):
    campaign: str
    as_of: dt.date | None = None
    deadline: dt.date | None = None
    round: int | None = None
    description: str = ""
    cases: list[CaseIn] = Field(min_length=1)


@dataclass
class Case:
    file: Path
    index: int
    campaign: str
    spec: CaseIn
    as_of: dt.date | None
    deadline: dt.date | None
    doc: Document
    round: int | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def test_id(self) -> str:
        return f"{self.campaign}/{self.file.stem}/{self.name}"


@dataclass
class CaseResult:
    case: Case
    failures: list[str] = field(default_factory=list)
    evaluation: Evaluation | None = None

    @property
    def ok(self) -> bool:
        return not self.failures


def load_cases(path: Path) -> list[Case]:
    doc = load_file(path, str(path))
    try:
        raw = CaseFileIn.model_validate(doc.data)
    except ValidationError as e:
        raise CampaignInvalid(pydantic_problems(e, doc, CaseFileIn)) from None
    names = [c.name for c in raw.cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise CampaignInvalid(
            Problem(
                str(path),
                Msg("problem.test_duplicate_case", name=sorted(dup)[0]),
                hint=Msg("problem.test_duplicate_case_hint"),
            )
        )
    return [
        Case(path, i, raw.campaign, c, c.as_of or raw.as_of, c.deadline or raw.deadline, doc, c.round or raw.round)
        for i, c in enumerate(raw.cases)
    ]


def discover(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.rglob("*.yaml") if x.is_file()))
        else:
            out.append(p)
    return out


def run_case(case: Case, campaigns: dict[str, Campaign] | None = None) -> CaseResult:
    """Run one case; `campaigns`: the campaigns a run of many cases has loaded, by name (the caller's)."""
    loaded = campaigns if campaigns is not None else {}
    campaign = loaded.get(case.campaign)
    if campaign is None:
        campaign = loaded[case.campaign] = load_campaign(case.campaign)
    prefix = ("cases", case.index, "facts")
    marks = {k[len(prefix) :]: v for k, v in case.doc.marks.items() if k[: len(prefix)] == prefix}
    facts_doc = Document(f"{case.file}[{case.name}]", case.spec.facts, marks, case.doc.text)
    facts = facts_from_document(facts_doc, "case", campaign.catalogue)
    ev = evaluate(
        campaign, facts, as_of=case.as_of or dt.date(2100, 1, 1), deadline=case.deadline, round_year=case.round
    )
    failures = compare(ev, case.spec.expect)
    if case.spec.awards or case.spec.budget:
        failures += compare_awards(ev, case.spec)
    if not case.spec.expect and not case.spec.awards and not case.spec.budget:
        failures.append(say(Msg("problem.test_expects_nothing")))
    return CaseResult(case, failures, ev)


def compare_awards(ev: Evaluation, spec: CaseIn) -> list[str]:
    """Every difference between the award lists and budget expected and those allocated."""
    from engine.evaluate.allocate import allocate

    alloc = allocate(ev, spec.budget.decision_date if spec.budget else None)
    failures = []
    for award_id, groups in spec.awards.items():
        for key, exp in groups.items():
            failures += _compare_list(alloc, award_id, key, exp)
    if spec.budget is not None:
        failures += _compare_budget(alloc, spec.budget)
    return failures


def _compare_list(alloc: Allocation, award_id: str, key: str, exp: ExpectGroup) -> list[str]:
    """One award list (`group` or `group@under`) against what was expected of it."""
    failures = []
    gid, _, under = key.partition("@")
    if exp.outside is not None:
        outside = sorted(o.id for o in alloc.outside if (o.award_id, o.group) == (award_id, gid))
        if sorted(exp.outside) != outside:
            failures.append(f"award {award_id}/{gid}: " + _differs("outside", sorted(exp.outside), outside))
        if exp.model_fields_set == {"outside"}:
            return failures
    got = {(g.award_id, g.group, g.under): g for g in alloc.groups}
    g = got.get((award_id, gid, under))
    if g is None:
        lists = ", ".join(f"{a}/{x}" + (f"@{u}" if u else "") for a, x, u in got)
        return [*failures, f"award {award_id}/{key}: " + say(Msg("problem.test_no_such_list", lists=lists or "—"))]
    for name, ids in (
        ("selected", exp.selected),
        ("reserve", exp.reserve),
        ("tie_at_cutoff", exp.tie_at_cutoff),
        ("passed_over", exp.passed_over),
        ("counted_elsewhere", exp.counted_elsewhere),
    ):
        items = getattr(g, "tie" if name == "tie_at_cutoff" else name)
        actual = sorted(r if isinstance(r, str) else r.id for r in items)
        if ids is not None and sorted(ids) != actual:
            failures.append(f"award {award_id}/{key}: " + _differs(name, sorted(ids), actual))
    if exp.slots_left is not None and exp.slots_left != g.slots_left:
        failures.append(f"award {award_id}/{gid}: " + _differs("slots_left", exp.slots_left, g.slots_left))
    if exp.amount_each is not None and exp.amount_each != g.amount:
        failures.append(f"award {award_id}/{gid}: " + _differs("amount_each", exp.amount_each, g.amount))
    return failures


def _compare_budget(alloc: Allocation, budget: ExpectBudget) -> list[str]:
    """The budget's total, error, decree and replacement sentence against what was expected."""
    failures = []
    if budget.total is not None and budget.total != alloc.total:
        failures.append("budget: " + _differs("total", budget.total, alloc.total, alloc.budget_error))
    if budget.error is not None and budget.error not in alloc.budget_error:
        failures.append(
            "budget: " + say(Msg("problem.test_error_contains", expected=budget.error, got=alloc.budget_error))
        )
    applied = alloc.basis.decree if alloc.basis else None
    if budget.decree is not None and budget.decree != applied:
        failures.append("budget: " + _differs("decree", budget.decree, applied, alloc.budget_error))
    if budget.replacement is not None:
        from engine.render.award import replacement_text

        said = replacement_text(alloc, "vi")
        if (budget.replacement not in said) if budget.replacement else said:
            failures.append("budget: " + _differs("replacement", repr(budget.replacement), repr(said)))
    return failures


def compare(ev: Evaluation, expect: dict[str | int, Expect]) -> list[str]:
    """Every difference between what was expected and what came out, one line each."""
    failures = []
    for cid, exp in expect.items():
        res = ev.get(str(cid))
        if res is None:
            failures.append(f"{cid}: " + say(Msg("problem.test_no_candidate")))
            continue
        if exp.verdict is not None and exp.verdict != res.verdict:
            failures.append(f"{cid}: " + _differs("verdict", exp.verdict, res.verdict))
        for section, expected in (
            ("criteria", exp.criteria),
            ("disqualifiers", exp.disqualifiers),
            ("conditions", exp.conditions),
        ):
            got = {r.id: r.outcome for r in getattr(res, section)}
            for rid, outcome in expected.items():
                if rid not in got:
                    rules = list(got) or "—"
                    failures.append(f"{cid}: {section} {rid}: " + say(Msg("problem.test_not_evaluated", rules=rules)))
                elif got[rid] != outcome:
                    failures.append(f"{cid}: {section} {rid}: " + _differs("", outcome, got[rid]))
        if exp.scope is not None:
            sc = res.scope
            got_scope = "out" if res.group is None else ("unknown" if sc is not None and sc.unknown else "in")
            if got_scope != exp.scope:
                failures.append(f"{cid}: " + _differs("scope", exp.scope, got_scope))
        if exp.submission is not None:
            got_sub = res.submission.outcome if res.submission else None
            if got_sub != exp.submission:
                failures.append(f"{cid}: " + _differs("submission", exp.submission, got_sub))
    return failures


def _differs(what: str, expected: Any, got: Any, why: str = "") -> str:
    """`what` (a key of the case file; '' for a rule's outcome): expected this, got that — in the
    reader's language, the one `thidua test` prints in; `why` the allocation's own explanation."""
    line = say(Msg("problem.test_expected", expected=_shown(expected), got=_shown(got)))
    line = f"{what}: {line}" if what else line
    return f"{line} ({why})" if why else line


def _shown(value: Any) -> Any:
    """A value as a failure shows it: a list joined, nothing as '—'."""
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return "—" if value is None else value
