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
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.common.errors import Problem, UsageError
from engine.evaluate.core import CandidateResult, Evaluation
from engine.lang import NA, UNKNOWN
from engine.model.campaign import Campaign, CompiledRankKey
from engine.model.catalogue import campaigns_dir

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
    confirmed: bool


class Decree(_Strict):
    title: str
    valid_from: dt.date
    valid_until: dt.date | None
    validity_confirmed: bool
    collective_multiplier: int
    rounding: int
    coefficients: tuple[Coefficient, ...]
    note: str = ""


class RewardData(_Strict):
    schema_version: Literal[1]
    base_salary: tuple[BaseSalary, ...]
    decrees: dict[str, Decree]


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


@dataclass
class Price:
    """What one award costs on the decision date, and why."""

    individual: int
    collective: int
    coefficient: float
    base_salary: int
    base_salary_source: str
    decree: str
    confirmed: bool


def price(decree_id: str, form: str | None, level: str, on: dt.date) -> Price:
    """The amount of one award; raises UsageError when the law cannot say."""
    data = load_rewards()
    decree = data.decrees.get(decree_id)
    if decree is None:
        raise UsageError(f"no reward table for decree {decree_id}")
    if on < decree.valid_from or (decree.valid_until is not None and on > decree.valid_until):
        until = decree.valid_until.strftime("%d/%m/%Y") if decree.valid_until else "now"
        raise UsageError(
            Problem(
                "--decision-date",
                f"decree {decree_id} is not in force on {on.strftime('%d/%m/%Y')} "
                f"(in force {decree.valid_from.strftime('%d/%m/%Y')}–{until})",
                hint="pick a decision date within its validity, or record which decree applies",
            )
        )
    salaries = [s for s in data.base_salary if s.from_ <= on]
    if not salaries:
        first = data.base_salary[0].from_.strftime("%d/%m/%Y")
        raise UsageError(
            Problem("--decision-date", f"no statutory base salary known before {first}", hint="check the date")
        )
    salary = max(salaries, key=lambda s: s.from_)
    coef = next((c for c in decree.coefficients if c.form == form and c.level == level), None)
    if coef is None:
        raise UsageError(f"decree {decree_id} has no coefficient for '{form}' at level '{level}'")
    step = decree.rounding
    individual = math.ceil(round(coef.coefficient * salary.amount, 6) / step) * step
    collective = math.ceil(round(coef.coefficient * salary.amount * decree.collective_multiplier, 6) / step) * step
    return Price(
        individual,
        collective,
        coef.coefficient,
        salary.amount,
        salary.source,
        decree_id,
        coef.confirmed and decree.validity_confirmed,
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

    @property
    def unfilled(self) -> int:
        """Places the quota allows that no eligible candidate fills (ties count as filled)."""
        if self.quota is None or self.tie:
            return 0
        return self.quota - len(self.selected)


@dataclass
class Allocation:
    evaluation: Evaluation
    decision_date: dt.date
    groups: list[GroupAllocation]
    prices: dict[str, Price] = field(default_factory=dict)
    budget_error: str = ""

    def find(self, cid: str) -> list[tuple[GroupAllocation, Ranked]]:
        out = []
        for g in self.groups:
            for r in (*g.selected, *g.tie, *g.reserve):
                if r.id == cid:
                    out.append((g, r))
        return out

    @property
    def total(self) -> int | None:
        if self.budget_error:
            return None
        return sum((g.amount or 0) * len(g.selected) for g in self.groups)


def allocate(ev: Evaluation, decision_date: dt.date | None = None) -> Allocation:
    campaign = ev.campaign
    decision_date = decision_date or ev.as_of
    groups: list[GroupAllocation] = []
    by_award: dict[str, dict[str, GroupAllocation]] = {}
    for award in campaign.model.awards:
        by_award[award.id] = {}
        for gid, quota in award.quotas.items():
            upstream = by_award.get(award.from_ or "", {}).get(gid) if award.from_ else None
            if award.from_:
                pool = [r.result for r in upstream.selected] if upstream else []
                provisional = bool(upstream and (upstream.tie or upstream.provisional))
            else:
                pool = [r for r in ev.results if r.verdict == "eligible" and r.group == gid]
                provisional = False
            ga = fill(award.id, gid, quota, rank(campaign, gid, pool))
            ga.provisional = provisional
            ga.pool = len(pool)
            by_award[award.id][gid] = ga
            groups.append(ga)
    alloc = Allocation(ev, decision_date, groups)
    _cost(alloc)
    return alloc


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
    reward = campaign.model.reward
    if reward is None:
        alloc.budget_error = "the plan names no reward decree"
        return
    for award in campaign.model.awards:
        try:
            p = price(reward.decree, reward_form(award.form.vi), award.level, alloc.decision_date)
        except UsageError as e:
            alloc.budget_error = e.problems[0].message
            return
        alloc.prices[award.id] = p
    for g in alloc.groups:
        p = alloc.prices[g.award_id]
        unit = campaign.model.groups[g.group].candidates == "unit"
        g.amount = p.collective if unit else p.individual
