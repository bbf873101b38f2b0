"""Derived facts: values computed from other candidates' facts, as the catalogue declares them.

A fact with `derived:` in `campaigns/facts.yaml` is computed here when the candidate does not
state it — today the counts over a unit's subordinate units (`subordinate_units_total`,
`subordinate_units_violating`). The loader only loads; the evaluator computes, and the trace
shows the value as computed, with its parts (which units, what each said).

The stated counts win when given: a facts file often holds only the subordinate units that were
nominated, and counting those alone would undercount. The units in the file decide when no count
is stated — and when they contradict a stated count (more units, or more in breach, than
declared): the file's units are certain, so the count is theirs, and a warning says so.

Counting a body's units from the file reads the file as listing all of them (the catalogue's
recorded decision). Where the body's own stated count shows otherwise — 1 subordinate unit in
breach stated, none of the units the file lists under it in breach — the file does not list them
all, and its units are only the least the total can be: the total is then unknown, at least the
units listed plus those the stated count shows are missing (`_unlisted`), and a warning says so.

With `where:`, a unit whose fact is unknown makes the count unknown, but not shapeless: 2 units
in breach and 1 unknown is a count between 2 and 3 (`Derived.bounds`). The evaluator then
decides a rule for every count in that range and keeps what holds for all of them
(`engine.evaluate.core`), so "2 of 10 in breach, 1 unknown" is already over 10%.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from engine.common.errors import Problem
from engine.common.message import Msg
from engine.lang import UNKNOWN, Value
from engine.model.catalogue import Catalogue, Derivation
from engine.model.facts import Candidate, FactsFile


@dataclass(frozen=True)
class Derived:
    """A computed fact: its value and the parts it was computed from (unit id → its value)."""

    key: str
    value: Value
    parts: tuple[tuple[str, Value], ...]
    where: str | None = None
    # when the value is unknown: the least and the most it can be (the most None: no bound known)
    bounds: tuple[int, int | None] | None = None
    stated: int | None = None  # the count the candidate stated, when the file's units contradict it
    # a figure of another body read here (`borrow`): "issuer" (the file's `issuer:`) or the id of
    # the unit above that states it; "" for a count computed from subordinate units
    borrowed: str = ""
    # a total the file's units fall short of (`_unlisted`): the stated count that shows it, and its value
    short_of: tuple[str, int] | None = None


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
    # a unit of a kind that always sits under another, whose parent the file does not give, may be
    # anyone's: every count is then a range, up to it (issue 22: the file is not read as complete)
    orphans = [c for c in facts.candidates if c.group == "unit" and not c.parent and c.kind in SUBORDINATE_KINDS]
    # how many of them could count for each derived fact, once (a body's own row is taken off below)
    could = {how.where: sum(1 for o in orphans if _could_count(o, how.where)) for how in declared.values()}
    orphan_ids = {o.id for o in orphans}
    totals = {how.count: k for k, how in declared.items() if how.where is None}  # what each count is out of
    for c in facts.candidates:
        kids = children.get(c.id)
        if not kids:
            continue
        # per `where`: the units placed nowhere that could count for it (the body itself, if one, not)
        extra = {where: n - (c.id in orphan_ids and _could_count(c, where)) for where, n in could.items()}
        for key, how in declared.items():
            made = _widen(_count(key, kids, how.where), extra[how.where])
            stated = c.facts.get(key)
            if stated is None:
                if how.where is None:  # a total: unless a count stated of the same units shows the file short
                    made, short = _unlisted(made, c, kids, declared, how.count, extra)
                    if short is not None:
                        warnings.append(_short(facts.file_of(c), c, key, *short))
                else:  # a stated total beyond the units listed: those not listed may count too
                    made = _beyond(made, c, kids, totals.get(how.count), shown=True)
            else:
                shown = made.bounds[0] if made.bounds is not None else made.value
                if not (isinstance(stated, int) and isinstance(shown, int) and shown > stated):
                    continue  # the stated count stands
                warnings.append(_contradiction(facts.file_of(c), c, key, shown, stated, how.where))
                made = replace(_beyond(made, c, kids, totals.get(how.count)), stated=stated)
            out.setdefault(c.id, {})[key] = made
    return out, warnings


def _count(key: str, kids: list[Candidate], where: str | None) -> Derived:
    """The count over `kids` (of those whose `where` fact is true), bounded when some are unknown."""
    if where is None:
        return Derived(key, len(kids), tuple((k.id, True) for k in kids))
    parts = tuple((k.id, k.facts.get(where, UNKNOWN)) for k in kids)
    low = sum(1 for _, v in parts if v is True)
    unknown = sum(1 for _, v in parts if v is UNKNOWN)
    if unknown:
        return Derived(key, UNKNOWN, parts, where, (low, low + unknown))
    return Derived(key, low, parts, where)


SUBORDINATE_KINDS = frozenset({"division", "public_service_unit", "hamlet", "sector"})


def _could_count(unit: Candidate, where: str | None) -> bool:
    """Whether a unit with no parent given could add one to a body's count (its `where` not false)."""
    return where is None or unit.facts.get(where, UNKNOWN) is not False


def _widen(made: Derived, extra: int) -> Derived:
    """A count over the units the file places under a body, widened by the `extra` units that may
    be under it too (no parent given) and could count: at most one more for each."""
    if not extra:
        return made
    high: int | None
    if made.bounds is not None:
        low, high = made.bounds
    elif isinstance(made.value, int):
        low = high = made.value
    else:
        return made
    return replace(made, value=UNKNOWN, bounds=(low, None if high is None else high + extra))


def _unlisted(
    made: Derived,
    c: Candidate,
    kids: list[Candidate],
    declared: dict[str, Derivation],
    count: str,
    extra: dict[str | None, int],
) -> tuple[Derived, tuple[str, int, int, str] | None]:
    """A body's total counted from the file, unless a count it states of the same units shows the
    file lists fewer than there are: "1 in breach" stated, and no unit the file places under it
    (or places nowhere: `extra`) can be that one. The total is then unknown — at least the units
    listed under it plus the ones shown missing, with no most (any number more may be missing) —
    with what showed it: the stated count's key and value, how many units could count, its `where`."""
    for key, how in declared.items():
        stated = c.facts.get(key)
        if how.count != count or how.where is None or type(stated) is not int:
            continue
        listed = sum(1 for k in kids if _could_count(k, how.where))
        if stated <= listed + extra[how.where]:
            continue
        least = len(kids) + stated - listed  # those in breach the file lists, then the others
        shown = replace(made, value=UNKNOWN, bounds=(least, None), short_of=(key, stated))
        return shown, (key, stated, listed + extra[how.where], how.where)
    return made, None


def _beyond(
    made: Derived, c: Candidate, kids: list[Candidate], total_key: str | None, *, shown: bool = False
) -> Derived:
    """A `where` count not stated, or one that refuted the stated one: at least what the file shows,
    and — when the candidate states more subordinate units than the file holds — perhaps any of the
    others too (`shown`: the stated total is said to show the file short, `Derived.short_of`)."""
    if made.where is None or total_key is None:
        return made
    total = c.facts.get(total_key)
    if not isinstance(total, int) or isinstance(total, bool) or total <= len(kids):
        return made
    low = sum(1 for _, v in made.parts if v is True)
    high = total - sum(1 for _, v in made.parts if v is False)
    return replace(made, value=UNKNOWN, bounds=(low, high), short_of=(total_key, total) if shown else None)


def _short(file: str, c: Candidate, total: str, fact: str, stated: int, n: int, where: str) -> Problem:
    return Problem(
        file,
        Msg("problem.eval_units_unlisted", fact=fact, stated=stated, n=n, where=where, total=total),
        where=f"units[{c.id}]",
        severity="warning",
        hint=Msg("problem.eval_units_unlisted_hint", total=total),
    )


def _contradiction(file: str, c: Candidate, key: str, shown: int, stated: int, where: str | None) -> Problem:
    message = (
        Msg("problem.eval_units_counted", n=shown, fact=key, stated=stated)
        if where is None
        else Msg("problem.eval_units_counted_where", n=shown, where=where, fact=key, stated=stated)
    )
    return Problem(
        file, message, where=f"units[{c.id}]", severity="warning", hint=Msg("problem.eval_units_counted_hint")
    )


def borrow(keys: tuple[str, ...], facts: FactsFile, derived: Derivations) -> Derivations:
    """The issuer's own figures (`issuer_facts`: Sở Y tế's DDCI) for every candidate that does not
    state them: read from the nearest unit above it that does (a unit's parent chain; a person's
    unit, then its chain), else from the file's `issuer:` block. Each is recorded as `Derived` with
    `borrowed` naming where it was read, so the trace and the explanation show it."""
    if not keys:
        return derived
    out: Derivations = {cid: dict(d) for cid, d in derived.items()}
    for cand in facts.candidates:
        missing = [k for k in keys if k not in cand.facts and k not in out.get(cand.id, {})]
        if not missing:
            continue
        chain = _above(cand, facts)
        for key in missing:
            found = next(((u.id, u.facts[key]) for u in chain if key in u.facts), None)
            if found is None and key in facts.issuer:
                found = ("issuer", facts.issuer[key])
            if found is not None:
                out.setdefault(cand.id, {})[key] = Derived(key, found[1], (found,), borrowed=found[0])
    return out


def _above(cand: Candidate, facts: FactsFile) -> list[Candidate]:
    """The units above a candidate, nearest first: a person's unit and its parents, a unit's parents."""
    out: list[Candidate] = []
    ref = cand.unit if cand.group == "person" else cand.parent
    seen = {cand.id}
    while ref and ref not in seen:
        seen.add(ref)
        unit = facts.by_id.get(ref)
        if unit is None:
            break
        out.append(unit)
        ref = unit.parent
    return out
