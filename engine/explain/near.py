"""Near misses: the candidates closest to an award, for the officer to call before the deadline.

Two kinds, read from the evaluation and the allocation (nothing is evaluated again):
- **short**: in scope and considered (the file on time or not checked), no exclusion triggered,
  and at most `within` things standing between it and eligibility — a required criterion that
  fails or is unknown, an exclusion that is unknown, a nomination file still undecided, a scope
  not yet shown (the `unit` or `parent` to write). Each is
  listed with what would have to change (the explanation's own reason).
- **reserve**: eligible but below an award's cut-off, ordered by how many places below it
  (`gap` = rank − quota), with the first ranking key where it fell short; ties at the cut-off
  wait for the council.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.evaluate.allocate import Allocation, GroupAllocation, Ranked
from engine.evaluate.core import CandidateResult, RuleResult


@dataclass(frozen=True)
class Short:
    result: CandidateResult
    rules: tuple[RuleResult, ...]  # the criteria and exclusions that stand in the way
    nomination: bool  # the nomination file is still undecided
    scope: bool = False  # the file does not yet show it a subject (Scope.unknown: `unit`/`parent` to write)

    @property
    def count(self) -> int:
        return len(self.rules) + self.nomination + self.scope


@dataclass(frozen=True)
class Below:
    group: GroupAllocation
    ranked: Ranked
    gap: int  # places below the last one selected (1: the first in reserve)


@dataclass
class NearMisses:
    within: int
    short: list[Short] = field(default_factory=list)
    reserve: list[Below] = field(default_factory=list)
    ties: list[GroupAllocation] = field(default_factory=list)


def near_misses(alloc: Allocation, within: int = 1) -> NearMisses:
    out = NearMisses(within)
    for res in alloc.evaluation.results:
        short = _short(res)
        if short is not None and 0 < short.count <= within:
            out.short.append(short)
    out.short.sort(key=lambda s: s.count)  # stable: the file's order within a count
    for g in alloc.groups:
        if g.tie:
            out.ties.append(g)
        quota = g.quota if g.quota is not None else len(g.selected)
        for r in g.reserve:
            out.reserve.append(Below(g, r, max(r.rank - quota, 1)))
    out.reserve.sort(key=lambda b: b.gap)
    return out


def _short(res: CandidateResult) -> Short | None:
    """What stands between a candidate and eligibility, or None when nothing can be done by data."""
    if res.verdict not in ("ineligible", "incomplete"):
        return None
    why = res.decision
    rules = [r for r in why.against if r.rule.kind == "criterion"]  # required, failing or unknown
    rules += [m.result for m in why.missing if m.result.rule.kind == "disqualifier"]  # exclusions unknown
    return Short(res, tuple(rules), why.file_undecided, why.scope_open)
