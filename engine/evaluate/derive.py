"""Derived facts: values computed from other candidates' facts, as the catalogue declares them.

A fact with `derived:` in `campaigns/facts.yaml` is computed here when the candidate does not
state it — today the counts over a unit's subordinate units (`subordinate_units_total`,
`subordinate_units_violating`). The loader only loads; the evaluator computes, and the trace
shows the value as computed, with its parts (which units, what each said).

The stated counts win when given: a facts file often holds only the subordinate units that were
nominated, and counting those alone would undercount. The units in the file decide only when no
count is stated; where they contradict a stated count (more units, or more in breach, than
declared) a warning says so. With `where:`, a unit whose fact is unknown makes the count
unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.common.errors import Problem
from engine.lang import UNKNOWN, Value
from engine.model.catalogue import Catalogue
from engine.model.facts import Candidate, FactsFile


@dataclass(frozen=True)
class Derived:
    """A computed fact: its value and the parts it was computed from (unit id → its value)."""

    key: str
    value: Value
    parts: tuple[tuple[str, Value], ...]
    where: str | None = None


Derivations = dict[str, dict[str, Derived]]  # candidate id → key → derived value


def derive(catalogue: Catalogue, facts: FactsFile) -> tuple[Derivations, list[Problem]]:
    """Every derived fact of every candidate that does not state it, and the contradictions found."""
    declared = {k: f.derived for k, f in catalogue.facts.items() if f.derived is not None}
    out: Derivations = {}
    warnings: list[Problem] = []
    if not declared:
        return out, warnings
    children: dict[str, list[Candidate]] = {}
    for c in facts.candidates:
        if c.group == "unit" and c.parent:
            children.setdefault(c.parent, []).append(c)
    for c in facts.candidates:
        kids = children.get(c.id)
        if not kids:
            continue
        for key, how in declared.items():
            if how.where is None:
                parts: tuple[tuple[str, Value], ...] = tuple((k.id, True) for k in kids)
                value: Value = len(kids)
            else:
                parts = tuple((k.id, k.facts.get(how.where, UNKNOWN)) for k in kids)
                value = UNKNOWN if any(v is UNKNOWN for _, v in parts) else sum(1 for _, v in parts if v is True)
            stated = c.facts.get(key)
            if stated is None:
                out.setdefault(c.id, {})[key] = Derived(key, value, parts, how.where)
                continue
            shown = sum(1 for _, v in parts if v is True)
            if isinstance(stated, int) and shown > stated:
                warnings.append(_contradiction(facts.file, c, key, shown, stated, how.where))
    return out, warnings


def _contradiction(file: str, c: Candidate, key: str, shown: int, stated: int, where: str | None) -> Problem:
    what = "subordinate units in the file" if where is None else f"subordinate units in the file have {where} = true"
    return Problem(
        file,
        f"{shown} {what}, but {key} says {stated}",
        where=f"units[{c.id}]",
        severity="warning",
        hint="the stated count is used; correct it if it is wrong",
    )
