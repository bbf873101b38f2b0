"""Allocate awards within the plan's quotas: rank, select, reserve, flag ties, cost the list.

Per award and group, only `eligible` candidates compete (a later stage chooses among the
earlier stage's selection). They are ordered by the campaign's declared ranking keys; the
quota is filled in rank order and the rest go to reserve. Candidates equal on every key form
a tie group; a tie group that straddles the quota line is neither selected nor in reserve —
it goes to the council (`tie_at_cutoff`, with the number of slots left). No tie is ever
broken by id, name or file order. A `null` quota proposes every eligible candidate: the
number is the granting authority's decision.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.common import fmt
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, Text
from engine.evaluate.core import CandidateResult, Evaluation, RuleResult
from engine.lang import NA, UNKNOWN
from engine.model.campaign import AwardPlace, Campaign, CompiledRankKey
from engine.model.catalogue import campaigns_dir
from engine.model.schema import Label
from engine.model.vocabulary import say

# ---------------------------------------------------------------- reward data


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BaseSalary(_Strict):
    from_: dt.date = Field(alias="from")
    amount: int
    source: str


class Coefficient(_Strict):
    form: Literal["bang_khen", "giay_khen"]
    level: Literal["province", "department", "district", "commune"]
    coefficient: float
    label: str
    reference: str | None = None  # where the decree sets it (Điều/khoản)
    confirmed: bool

    @model_validator(mode="after")
    def _cited(self) -> Coefficient:
        if self.confirmed and not self.reference:
            raise ValueError("a confirmed coefficient carries its reference (Điều … khoản …)")
        return self


class Replacement(_Strict):
    """The decree that replaced this one, and the day it took effect."""

    decree: str
    from_: dt.date = Field(alias="from")


class Decree(_Strict):
    title: str
    valid_from: dt.date
    valid_until: dt.date | None
    validity_confirmed: bool
    replaced_by: Replacement | None = None
    collective_multiplier: int
    collective_reference: str | None = None
    collective_confirmed: bool = False
    rounding: int
    rounding_reference: str | None = None
    rounding_confirmed: bool = False
    coefficients: tuple[Coefficient, ...]
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Decree:
        if self.collective_confirmed and not self.collective_reference:
            raise ValueError("collective_confirmed needs collective_reference (Điều … khoản …)")
        if self.rounding_confirmed and not self.rounding_reference:
            raise ValueError("rounding_confirmed needs rounding_reference (Điều … khoản …)")
        r = self.replaced_by
        if r is not None:
            if r.from_ <= self.valid_from:
                raise ValueError(f"replaced_by.from {r.from_} is not after valid_from {self.valid_from}")
            if self.valid_until != r.from_ - dt.timedelta(days=1):
                raise ValueError(f"valid_until must be the day before its successor took effect ({r.from_})")
        return self


class RewardData(_Strict):
    schema_version: Literal[1]
    base_salary: tuple[BaseSalary, ...]
    decrees: dict[str, Decree]

    @model_validator(mode="after")
    def _successors(self) -> RewardData:
        for name, decree in self.decrees.items():
            r = decree.replaced_by
            if r is None:
                continue
            successor = self.decrees.get(r.decree)
            if successor is None:
                raise ValueError(f"{name}: replaced_by names {r.decree}, which has no table here")
            if successor.valid_from != r.from_:
                raise ValueError(f"{name}: replaced_by.from {r.from_} is not {r.decree}'s valid_from")
        return self


@cache
def load_rewards() -> RewardData:
    from engine.model.schema import validate_model
    from engine.model.source import load_file

    return validate_model(RewardData, load_file(campaigns_dir() / "rewards.yaml", "campaigns/rewards.yaml"))


def reward_form(form_vi: str) -> str | None:
    """bang_khen / giay_khen from the award's Vietnamese form name."""
    text = form_vi.casefold()
    if "bằng khen" in text:
        return "bang_khen"
    if "giấy khen" in text:
        return "giay_khen"
    return None


@dataclass(frozen=True)
class Replaced:
    """One step from the decree a plan cites to the decree in force: `decree` was replaced by `by`
    from the day `from_`."""

    decree: str
    by: str
    from_: dt.date


@dataclass
class Price:
    """What one award costs on the decision date, and why: the decree applied (`decree`), the one
    the plan cites (`cited`), the replacements between them, and where the decree sets each part."""

    individual: int
    collective: int
    coefficient: float
    base_salary: int
    base_salary_source: str
    decree: str
    cited: str = ""
    replaced: tuple[Replaced, ...] = ()  # empty: the cited decree is in force on the decision date
    multiplier: int = 2
    step: int = 10000
    reference: str | None = None  # the coefficient's article
    collective_reference: str | None = None
    rounding_reference: str | None = None
    coefficient_confirmed: bool = False
    collective_confirmed: bool = False
    rounding_confirmed: bool = False
    validity_confirmed: bool = False  # the decrees' dates, on which the choice of decree rests

    @property
    def confirmed(self) -> bool:
        """The coefficient, the collective multiplier and the rounding all checked against the decree."""
        return self.coefficient_confirmed and self.collective_confirmed and self.rounding_confirmed


@dataclass(frozen=True)
class BudgetIssue:
    """Why the budget cannot be computed: the phrase `award.budget_<key>` of the vocabulary and the
    values it names (a value in two languages is a `Label`), so each output says it in its language."""

    key: str
    values: tuple[tuple[str, str | dt.date | Label | Msg], ...] = ()

    def text(self, lang: str) -> str:
        return say(self.message(), lang)

    def message(self) -> Msg:
        """The issue as a message, said in whichever language reads it (a `Label` value too)."""
        return Msg(f"award.budget_{self.key}", **dict(self.values))

    def problem(self, where: str) -> Problem:
        """The line a user reads when a decision date cannot be priced (`where`: the option or field)."""
        return Problem(where, self.message())


class NoPrice(UsageError):
    """The law cannot price an award: a usage error on the command line, a `BudgetIssue` in a budget."""

    def __init__(self, issue: BudgetIssue, hint: Text = ""):
        self.issue = issue
        super().__init__(replace(issue.problem("--decision-date"), hint=hint))


def _day(d: dt.date) -> str:
    return fmt.day(d)


def in_force(decree_id: str, on: dt.date) -> tuple[str, tuple[Replaced, ...]]:
    """The decree in force on `on` for a plan citing `decree_id`: the cited one while it is in force,
    else its successor (`replaced_by`), and so on — a decision applies the law in force on its
    day. Raises NoPrice when no decree of the chain is in force that day."""
    data = load_rewards()
    steps: list[Replaced] = []
    current = decree_id
    while True:
        decree = data.decrees.get(current)
        if decree is None:
            raise NoPrice(BudgetIssue("no_table", (("decree", current),)))
        after = decree.valid_until is not None and on > decree.valid_until
        if after and decree.replaced_by is not None:
            steps.append(Replaced(current, decree.replaced_by.decree, decree.replaced_by.from_))
            current = decree.replaced_by.decree
            continue
        if on < decree.valid_from or after:
            until = decree.valid_until or Msg("award.budget_now")
            values = (("decree", current), ("on", on), ("start", decree.valid_from), ("until", until))
            raise NoPrice(
                BudgetIssue("not_in_force", values),
                hint=Msg("problem.eval_price_decision_date"),
            )
        return current, tuple(steps)


def price(decree_id: str, form: str | None, level: str, on: dt.date) -> Price:
    """The amount of one award under the decree in force on `on` for a plan citing `decree_id`;
    raises NoPrice (a UsageError) when the law cannot say."""
    data = load_rewards()
    applied, replaced = in_force(decree_id, on)
    decree = data.decrees[applied]
    salaries = [s for s in data.base_salary if s.from_ <= on]
    if not salaries:
        first = data.base_salary[0].from_
        raise NoPrice(BudgetIssue("no_salary", (("first", first),)), hint=Msg("problem.eval_price_check_date"))
    salary = max(salaries, key=lambda s: s.from_)
    coef = next((c for c in decree.coefficients if c.form == form and c.level == level), None)
    if coef is None:
        raise NoPrice(BudgetIssue("no_coefficient", (("decree", applied), ("form", form or ""), ("level", level))))
    step = decree.rounding
    individual = math.ceil(round(coef.coefficient * salary.amount, 6) / step) * step
    collective = math.ceil(round(coef.coefficient * salary.amount * decree.collective_multiplier, 6) / step) * step
    return Price(
        individual,
        collective,
        coef.coefficient,
        salary.amount,
        salary.source,
        applied,
        cited=decree_id,
        replaced=replaced,
        multiplier=decree.collective_multiplier,
        step=step,
        reference=coef.reference,
        collective_reference=decree.collective_reference,
        rounding_reference=decree.rounding_reference,
        coefficient_confirmed=coef.confirmed,
        collective_confirmed=decree.collective_confirmed,
        rounding_confirmed=decree.rounding_confirmed,
        validity_confirmed=decree.validity_confirmed
        and all(data.decrees[r.decree].validity_confirmed for r in replaced),
    )


# ---------------------------------------------------------------- allocation


@dataclass
class Ranked:
    """One candidate's place in a group's ranking."""

    result: CandidateResult
    keys: tuple[Any, ...]  # raw values per ranking key (UNKNOWN / NA possible)
    sort_keys: tuple[Any, ...]  # comparable values, higher is better
    rank: int = 0
    status: str = ""  # selected | reserve | tie
    short_of: dict[str, Any] | None = None  # for reserve: the first key where it fell short

    @property
    def id(self) -> str:
        return self.result.id


@dataclass
class PassedOver:
    """A candidate of a list's pool not proposed for the award: one of the award's own conditions
    failed (`fail`) or cannot be decided (`unknown`); `rules` are those conditions."""

    result: CandidateResult
    outcome: Literal["fail", "unknown"]
    rules: list[RuleResult]

    @property
    def id(self) -> str:
        return self.result.id


@dataclass
class Outside:
    """A candidate of an award's group that is in none of its lists: not under a unit of `scope.per`."""

    award_id: str
    group: str
    result: CandidateResult
    place: AwardPlace

    @property
    def id(self) -> str:
        return self.result.id


@dataclass
class GroupAllocation:
    award_id: str
    group: str
    quota: int | None
    selected: list[Ranked] = field(default_factory=list)
    reserve: list[Ranked] = field(default_factory=list)
    tie: list[Ranked] = field(default_factory=list)
    slots_left: int = 0
    provisional: bool = False  # an earlier stage left a tie: this stage's pool is not final
    amount: int | None = None  # per award, from the budget
    pool: int = 0
    under: str = ""  # a per-unit award (`scope.per`): the unit whose list this is
    passed_over: list[PassedOver] = field(default_factory=list)  # the award's own conditions not met
    counted_elsewhere: list[str] = field(default_factory=list)  # selected, but costed under `instead_of`

    @property
    def unfilled(self) -> int:
        """Places the quota allows that no eligible candidate fills (ties count as filled)."""
        if self.quota is None or self.tie:
            return 0
        return self.quota - len(self.selected)

    @property
    def costed(self) -> int:
        """How many of the selected this list's budget line pays for (the others are costed elsewhere)."""
        return len(self.selected) - len(self.counted_elsewhere)


@dataclass
class Allocation:
    evaluation: Evaluation
    decision_date: dt.date
    groups: list[GroupAllocation]
    prices: dict[str, Price] = field(default_factory=dict)
    budget_issue: BudgetIssue | None = None  # why the budget cannot be computed (None: it is)
    outside: list[Outside] = field(default_factory=list)  # per-unit awards: candidates under no such unit

    def find(self, cid: str) -> list[tuple[GroupAllocation, Ranked]]:
        out = []
        for g in self.groups:
            for r in (*g.selected, *g.tie, *g.reserve):
                if r.id == cid:
                    out.append((g, r))
        return out

    @property
    def budget_error(self) -> str:
        """Why the budget cannot be computed, in English ('' when it is); `budget_text` for an output."""
        return self.budget_text("en")

    def budget_text(self, lang: str) -> str:
        """Why the budget cannot be computed, in the output's language ('' when it is)."""
        return self.budget_issue.text(lang) if self.budget_issue is not None else ""

    @property
    def total(self) -> int | None:
        if self.budget_issue is not None:
            return None
        return sum((g.amount or 0) * g.costed for g in self.groups)

    @property
    def basis(self) -> Price | None:
        """The price of the first award: the decree applied and the base salary, the same for every
        award of a campaign (one reward decree per plan); None when the budget is not computed."""
        if self.budget_issue is not None:
            return None
        return next(iter(self.prices.values()), None)


MET = ("pass", "waived", "not_applicable")  # an award condition's outcomes that let a candidate be proposed


def allocate(ev: Evaluation, decision_date: dt.date | None = None) -> Allocation:
    """Every award's lists: per group (and per unit, for a per-unit award), its pool ranked and filled.

    A list's pool is its group's eligible candidates (`standard: own`: every candidate in scope
    of the group), or a later stage's earlier selection; then only those in the award's scope
    (the unit's list they belong to, `Campaign.award_scope`) and meeting each of its own
    conditions (evaluated with the rules, engine.evaluate.core) compete. The others are
    recorded — `Allocation.outside`, `GroupAllocation.passed_over` — with why."""
    campaign = ev.campaign
    decision_date = decision_date or ev.as_of
    alloc = Allocation(ev, decision_date, [])
    by_award: dict[str, dict[str, GroupAllocation]] = {}
    grantors = {
        a.id: [c.id for c in ev.facts.candidates if c.group == "unit" and c.kind in a.scope.per]
        for a in campaign.model.awards
        if a.scope is not None
    }
    for award in campaign.model.awards:
        by_award[award.id] = {}
        for gid, quota in award.quotas.items():
            upstream = by_award.get(award.from_ or "", {}).get(gid) if award.from_ else None
            provisional = False
            if award.from_:
                pool = [r.result for r in upstream.selected] if upstream else []
                provisional = bool(upstream and (upstream.tie or upstream.provisional))
            elif award.standard == "own":
                pool = [r for r in ev.results if r.group == gid]
            else:
                pool = [r for r in ev.results if r.verdict == "eligible" and r.group == gid]
            lists: dict[str, list[CandidateResult]] = {u: [] for u in grantors.get(award.id, [""])}
            for res in pool:
                place = campaign.award_scope(award, res.candidate, ev.facts)
                if place.inside:
                    lists.setdefault(place.under, []).append(res)
                else:
                    alloc.outside.append(Outside(award.id, gid, res, place))
            for under, members in lists.items():
                competing, passed = _meet_conditions(award.id, members)
                ga = fill(award.id, gid, quota, rank(campaign, gid, competing))
                ga.provisional, ga.pool, ga.under, ga.passed_over = provisional, len(competing), under, passed
                by_award[award.id][gid] = ga
                alloc.groups.append(ga)
    _cost(alloc)
    return alloc


def _meet_conditions(award_id: str, pool: list[CandidateResult]) -> tuple[list[CandidateResult], list[PassedOver]]:
    """The pool split: those meeting every own condition of the award, and the others with why."""
    competing, passed = [], []
    for res in pool:
        mine = [rr for rr in res.conditions if rr.rule.award == award_id]
        failed = [rr for rr in mine if rr.outcome == "fail"]
        unknown = [rr for rr in mine if rr.outcome not in MET and rr.outcome != "fail"]
        if failed:
            passed.append(PassedOver(res, "fail", failed))
        elif unknown:
            passed.append(PassedOver(res, "unknown", unknown))
        else:
            competing.append(res)
    return competing, passed


def rank(campaign: Campaign, gid: str, pool: list[CandidateResult]) -> list[Ranked]:
    """Order the pool by the group's ranking keys (best first); equal keys share a rank."""
    keys = campaign.ranking.get(gid, [])
    ranked = []
    for res in pool:
        raw = tuple(tr.value for tr in res.keys)  # evaluated with the rules (engine.evaluate.core)
        ranked.append(Ranked(res, raw, tuple(_sortable(campaign, k, v) for k, v in zip(keys, raw, strict=True))))
    # ids only order the display *inside* a tie group; they never decide who is selected
    ranked.sort(key=lambda r: r.id)
    ranked.sort(key=lambda r: r.sort_keys, reverse=True)
    previous: tuple[Any, ...] | None = None
    for i, r in enumerate(ranked, 1):
        r.rank = ranked[i - 2].rank if previous == r.sort_keys else i
        previous = r.sort_keys
    return ranked


def _sortable(campaign: Campaign, key: CompiledRankKey, value: Any) -> tuple[int, float]:
    """(known, value) with higher better; unknown and n/a sort last and tie with each other."""
    if value is UNKNOWN or value is NA:
        return (0, 0.0)
    if key.node.type.kind == "rating":
        scale = campaign.catalogue.scales[key.node.type.scale or ""]
        number = float(scale.rank(value))
    else:
        number = float(value)
    return (1, number if key.spec.order == "desc" else -number)


def fill(award_id: str, gid: str, quota: int | None, ranked: list[Ranked]) -> GroupAllocation:
    ga = GroupAllocation(award_id, gid, quota)
    if quota is None:
        for r in ranked:
            r.status = "selected"
        ga.selected = list(ranked)
        return ga
    left = quota
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j].sort_keys == ranked[i].sort_keys:
            j += 1
        block = ranked[i:j]
        if left >= len(block):
            ga.selected += block
            left -= len(block)
            status = "selected"
        elif left > 0:
            ga.tie = block
            ga.slots_left = left
            left = 0
            status = "tie"
        else:
            ga.reserve += block
            status = "reserve"
        for r in block:
            r.status = status
        i = j
    last = ga.selected[-1] if ga.selected else None
    for r in ga.reserve:
        r.short_of = _shortfall(r, last)
    return ga


def _shortfall(r: Ranked, last: Ranked | None) -> dict[str, Any] | None:
    if last is None:
        return None
    for i, (mine, theirs) in enumerate(zip(r.sort_keys, last.sort_keys, strict=True)):
        if mine != theirs:
            diff = None
            if mine[0] and theirs[0]:
                diff = abs(theirs[1] - mine[1])
            return {"key": i, "value": r.keys[i], "selected_value": last.keys[i], "by": diff, "last_selected": last.id}
    return None


def _cost(alloc: Allocation) -> None:
    campaign = alloc.evaluation.campaign
    instead = {a.id: a.instead_of for a in campaign.model.awards if a.instead_of}
    for g in alloc.groups:
        other = instead.get(g.award_id)
        if other:  # one achievement, one award: who is proposed for both is paid for once, there
            there = {r.id for o in alloc.groups if o.award_id == other and o.group == g.group for r in o.selected}
            g.counted_elsewhere = [r.id for r in g.selected if r.id in there]
    reward = campaign.model.reward
    if reward is None:
        alloc.budget_issue = BudgetIssue("no_decree")
        return
    for award in campaign.model.awards:
        if award.level is None:
            alloc.budget_issue = BudgetIssue("no_level", (("award", award.form), ("authority", award.authority)))
            return
        try:
            p = price(reward.decree, reward_form(award.form.vi), award.level, alloc.decision_date)
        except NoPrice as e:
            alloc.budget_issue = e.issue
            return
        alloc.prices[award.id] = p
    for g in alloc.groups:
        p = alloc.prices[g.award_id]
        unit = campaign.model.groups[g.group].candidates == "unit"
        g.amount = p.collective if unit else p.individual
