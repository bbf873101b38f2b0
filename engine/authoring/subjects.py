"""Every subject the plan names can win: a search, per group and kind, for facts that make a
candidate of that kind eligible (issue 22.5; the lint's TD216).

For each group and each kind it admits (a heads' group: the kinds it shares with the group it
extends, judged on both groups' rules), the search builds a candidate and looks for values of
the facts its rules read that pass every required criterion (or make it not applicable, or
waived) and clear every disqualifier — each rule by the reference interpreter
(`engine.evaluate.trace.reference`) and the engine's own outcome mapping (`outcome_of`), with a
criterion's refused n/a read as unknown as the evaluator does (`core._refuse_na`). A fact's
possible values are its catalogue type's: true/false, the scale's words, numbers around every
constant the campaign's rules compare with (inside the catalogue's range: a percentage 0–100, a
rank ≥ 1), dates around the rules' dates, dated series at the rules' dates, and always `n/a`.
A fact the candidate's kind never has — the catalogue's `for` (units, people) or the campaign's
`facts_for` (a rank the city gives only to its wards) — can only be `n/a`.

A person's rules with `scope: unit` read the unit's facts: the unit may be of any kind the
group's `workplaces` accept for that person's kind (any unit kind when the group sets none), and
the search tries each. The result is a `Witness` (the facts found) or a `Blocked` naming the
rule — or the rules that cannot hold together — that no facts satisfy.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.evaluate.core import outcome_of
from engine.evaluate.trace import reference
from engine.lang import NA, UNKNOWN, Value
from engine.lang.ir import Const
from engine.model.campaign import Campaign, CompiledRule
from engine.model.catalogue import FactDef
from engine.model.schema import ISSUER, UNIT_KINDS, Condition

Var = tuple[str, str]  # (whose: "self" | "unit", fact key)
Assignment = dict[Var, Value]

MAX_COMBINATIONS = 50_000  # per rule: the values of the facts it reads, tried together
GOOD = {"criterion": ("pass", "not_applicable", "waived"), "disqualifier": ("clear", "waived")}


@dataclass(frozen=True)
class Subject:
    """One kind a group admits, and the rules its candidates are judged on (their verdict's)."""

    group: str
    kind: str
    candidates: str  # "unit" | "person"
    rules: tuple[CompiledRule, ...]
    unit_kinds: tuple[str, ...] = ()  # a person's: the kinds their unit may be (scope: unit rules)


@dataclass(frozen=True)
class Witness:
    """Facts that make a candidate of `subject.kind` eligible: its own, and its unit's."""

    subject: Subject
    facts: dict[str, Value]
    unit_kind: str | None = None
    unit_facts: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Blocked:
    """No facts make a candidate of `subject.kind` eligible: `rules` cannot hold (alone, or together)."""

    subject: Subject
    rules: tuple[CompiledRule, ...]
    never_has: tuple[str, ...] = ()  # facts the rule reads that this kind never has
    unit_kind: str | None = None


def subjects(campaign: Campaign) -> Iterator[Subject]:
    """Every (group, kind) a campaign admits, with the rules a candidate of it must meet."""
    groups = campaign.model.groups
    for gid, group in groups.items():
        base = groups.get(group.extends or "") if group.heads_only else None
        if group.heads_only and base is None:
            continue  # a heads' group extending nothing: the reader's error (TD211)
        for kind in group.kinds:
            if base is not None and kind not in base.kinds:
                continue  # a head competes in the group it extends (TD202 otherwise)
            owners = [group.extends, gid] if base is not None and group.extends else [gid]
            rules = [
                r
                for g in owners
                for r in campaign.rules.get(g or "", [])
                if (r.kind == "disqualifier" or r.required) and (not r.spec.kinds or kind in r.spec.kinds)
            ]
            home = base if base is not None else group
            unit_kinds: tuple[str, ...] = ()
            if group.candidates == "person":
                limits = [x for x in home.workplaces if x.applies_to is None or kind in x.applies_to]
                allowed = [k for k in UNIT_KINDS if all(k in x.kinds for x in limits)]
                unit_kinds = tuple(k for k in allowed if k != ISSUER)
            yield Subject(gid, kind, group.candidates, tuple(rules), unit_kinds)


def search(campaign: Campaign) -> list[Witness | Blocked]:
    """For every group and kind: facts that make a candidate eligible, or the rules that forbid it."""
    domains = _Domains(campaign)
    return [_search_subject(campaign, domains, s) for s in subjects(campaign)]


def _search_subject(campaign: Campaign, domains: _Domains, subject: Subject) -> Witness | Blocked:
    reads_unit = any(r.spec.scope == "unit" for r in subject.rules)
    choices: tuple[str | None, ...] = (subject.unit_kinds or (None,)) if reads_unit else (None,)
    first: Blocked | None = None
    for unit_kind in choices:
        found = _solve(campaign, domains, subject, unit_kind)
        if isinstance(found, Witness):
            return found
        first = first or found
    assert first is not None
    return first


def _solve(campaign: Campaign, domains: _Domains, subject: Subject, unit_kind: str | None) -> Witness | Blocked:
    holder = {
        "self": (subject.kind, "units" if subject.candidates == "unit" else "people"),
        "unit": (unit_kind, "units"),
    }
    satisfying: list[tuple[CompiledRule, list[Assignment]]] = []
    for rule in subject.rules:
        whose = "unit" if rule.spec.scope == "unit" else "self"
        keys = list(dict.fromkeys([*rule.node.facts(), *(rule.waiver.facts() if rule.waiver is not None else [])]))
        values = [domains.values(key, *holder[whose]) for key in keys]
        never = tuple(k for k, v in zip(keys, values, strict=True) if v == [NA])
        good = list(_satisfying(rule, whose, keys, values))
        if not good:
            return Blocked(subject, (rule,), never, unit_kind)
        satisfying.append((rule, good))
    chosen = _together(satisfying)
    if isinstance(chosen, tuple):
        return Blocked(subject, chosen, (), unit_kind)
    own = {k: v for (whose, k), v in chosen.items() if whose == "self"}
    unit = {k: v for (whose, k), v in chosen.items() if whose == "unit"}
    return Witness(subject, own, unit_kind, unit)


def _satisfying(rule: CompiledRule, whose: str, keys: list[str], values: list[list[Value]]) -> Iterator[Assignment]:
    """Every combination of the rule's facts' values for which its outcome lets a candidate be eligible."""
    refuse = isinstance(rule.spec, Condition) and not rule.spec.na_allowed
    own = set(rule.node.facts())
    for combo in itertools.islice(itertools.product(*values), MAX_COMBINATIONS):
        env = {k: (UNKNOWN if refuse and v is NA and k in own else v) for k, v in zip(keys, combo, strict=True)}
        tr = reference(rule, env)
        if outcome_of(rule.kind, tr.value, tr.waived, rule.waiver is not None) in GOOD[rule.kind]:
            yield {(whose, k): v for k, v in zip(keys, combo, strict=True)}


def _together(satisfying: list[tuple[CompiledRule, list[Assignment]]]) -> Assignment | tuple[CompiledRule, ...]:
    """One assignment meeting every rule at once (rules sharing a fact must agree on its value), or
    the rules of the first connected set (by shared facts) that cannot all hold."""
    result: Assignment = {}
    for part in _connected(satisfying):
        part.sort(key=lambda item: len(item[1]))
        found = _backtrack(part, 0, {})
        if found is None:
            return tuple(rule for rule, _ in part)
        result.update(found)
    return result


def _connected(
    satisfying: list[tuple[CompiledRule, list[Assignment]]],
) -> list[list[tuple[CompiledRule, list[Assignment]]]]:
    parts: list[tuple[set[Var], list[tuple[CompiledRule, list[Assignment]]]]] = []
    for item in satisfying:
        mine = set(item[1][0])
        joined = [p for p in parts if p[0] & mine]
        rest = [p for p in parts if not p[0] & mine]
        merged_vars = mine.union(*(p[0] for p in joined))
        merged = [x for p in joined for x in p[1]] + [item]
        parts = [*rest, (merged_vars, merged)]
    return [items for _, items in parts]


def _backtrack(part: list[tuple[CompiledRule, list[Assignment]]], i: int, chosen: Assignment) -> Assignment | None:
    if i == len(part):
        return chosen
    for option in part[i][1]:
        if all(_same(chosen.get(var, value), value) for var, value in option.items()):
            found = _backtrack(part, i + 1, {**chosen, **option})
            if found is not None:
                return found
    return None


def _same(a: Value, b: Value) -> bool:
    return a is b or (type(a) is type(b) and a == b)


class _Domains:
    """The values a fact may take for a holder: its catalogue type's, around the campaign's constants."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.catalogue = campaign.catalogue
        numbers: set[float] = {0, 1}
        dates: set[dt.date] = set()
        for rule in [*campaign.all_rules(), *campaign.all_conditions()]:
            for root in (rule.node, rule.waiver):
                for node in root.walk() if root is not None else ():
                    if isinstance(node, Const) and isinstance(node.value, dt.date):
                        dates.add(node.value)
                    elif (
                        isinstance(node, Const)
                        and isinstance(node.value, int | float)
                        and not isinstance(node.value, bool)
                    ):
                        numbers |= {node.value - 1, node.value, node.value + 1}
        self.numbers = sorted(numbers)
        period = campaign.model.period
        last = period.end if period.end_inclusive else period.end - dt.timedelta(days=1)  # the period's last day
        self.dates = sorted({d + dt.timedelta(days=s) for d in dates for s in (-1, 0, 1)} | {last})
        self.series_dates = sorted({d for d in dates if d <= last} | {last})
        self.cache: dict[tuple[str, str | None, str], list[Value]] = {}

    def values(self, key: str, kind: str | None, sort: str) -> list[Value]:
        got = self.cache.get((key, kind, sort))
        if got is None:
            got = self.cache[(key, kind, sort)] = self._values(key, kind, sort)
        return got

    def _values(self, key: str, kind: str | None, sort: str) -> list[Value]:
        fdef = self.catalogue.facts.get(key)
        holders = self.campaign.model.facts_for.get(key)
        if fdef is None or sort not in fdef.for_ or kind is None or (holders is not None and kind not in holders.kinds):
            return [NA]  # this kind never has it: the file can only say n/a
        return [*_typed(fdef, self), NA]


def _typed(fdef: FactDef, d: _Domains) -> list[Value]:
    t = fdef.type
    if t == "bool":
        return [True, False]
    if t in ("rating", "enum"):
        scale = d.catalogue.scales[fdef.scale or ""]
        return list(scale.names)
    if t in ("int", "number", "percent", "series"):
        lo = fdef.min if fdef.min is not None else (0 if t in ("percent", "series") else None)
        hi = fdef.max if fdef.max is not None else (100 if t == "percent" else None)
        nums = [n for n in d.numbers if (lo is None or n >= lo) and (hi is None or n <= hi)]
        nums += [x for x in (lo, hi) if x is not None and x not in nums]
        if t == "int":
            nums = sorted({int(n) for n in nums if float(n).is_integer()})
        if t == "series":
            return [dict.fromkeys(d.series_dates, n) for n in sorted(nums)]
        return [*sorted(nums)]
    if t == "date":
        return list(d.dates)
    if t == "records":
        one: Mapping[str, Any] = {"index": "PAR INDEX", "component": "—"}
        return [[], [{**one, "score": 2, "prev_score": 1}], [{**one, "score": 1, "prev_score": 2}]]
    return []  # pragma: no cover - every catalogue type is listed above


__all__ = ["Blocked", "Subject", "Witness", "search", "subjects"]
