"""What a trace leaves unknown but the facts already decide: an expression is decided whenever
every possible value of its unknown parts gives the same answer (issue 22: "zero is certain").

The reference interpreter (`engine.lang.interpret`) gives an operation with an unknown operand
the value unknown. That is true of the operation in general, not always of this one: "trên 10%"
of an unknown staff total is false when no one is in breach (`0 > 0.10 × staff_total`: a total
is never negative), and `disbursement_pct < 100 and …` is false once the share is 100. `decide`
reads a rule's trace again, the unknown facts ranging over what the catalogue allows of them
(`min`/`max`: a count is at least 0, a percent between its bounds), and gives a value to every
node whose possible values are all one. Per operator, soundly:

- a number is an interval `[lo, hi]` (a known number: `[v, v]`); `+ - ×` and negation by
  interval arithmetic (0 × anything is 0); `/` only when the divisor cannot be 0;
- a comparison of two intervals is decided when they cannot overlap in the wrong way; ratings
  and words are not ranged (they stay as the trace has them);
- `not`, `and`, `or` over the sets of values their items can take (Kleene, n/a left out, as
  `operators.combine`);
- a builtin call stays as the trace has it, but a dated series read on a day it has no entry
  for is the interval its entries around that day allow (`Builtin.bounds`: a cumulative value
  is at least what was reached before and at most what is recorded after).

An unknown fact may also be n/a (a file may yet write it so, and a criterion without an `na`
allowance then reads it as unknown): every operation on it may be n/a too, so nothing depending
on it is decided — except a disqualifier that is false or n/a either way, which is clear
whatever the fact turns out to be (`decide_rule`). Only unknown
nodes change: a decided node keeps the interpreter's value, so the result is the trace itself
wherever it was already definite — one meaning, read twice.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from engine.lang.builtins import BUILTINS
from engine.lang.interpret import Trace
from engine.lang.ir import Arith, Call, Compare, CompareOp, Const, Fact, Logic, Neg, Node, Not
from engine.lang.operators import COMPARISONS, combine, negate
from engine.lang.values import NA, UNKNOWN, Value

INF = math.inf
Domain = tuple[float, float]  # the values an unknown fact may take: [lo, hi]


@dataclass(frozen=True)
class Num:
    """The numbers a node may be: `[lo, hi]`, and whether it may be n/a instead."""

    lo: float
    hi: float
    na: bool = False

    @property
    def point(self) -> float | None:
        return self.lo if self.lo == self.hi and not self.na else None


# a node's possible values: a `Num`, a set of truth values (True, False, NA), or None (anything)
Abstract = Num | frozenset[Value] | None
ANY: frozenset[Value] = frozenset({True, False, NA})  # a truth value not known at all


def decide(node: Node, t: Trace, domains: Mapping[str, Domain]) -> tuple[Trace, Abstract]:
    """`t` with every unknown node the facts decide given its value, and what the whole may be.
    `domains`: the range of each unknown fact the catalogue (or a count's known parts) bounds.
    An unknown fact may also be n/a: a file may yet write it so."""
    if UNKNOWN not in t:
        return t, _known(t[0])
    out = list(t)
    whole = _abstract(node, t, domains, out)
    return tuple(out), whole


def decide_rule(kind: str, node: Node, t: Trace, domains: Mapping[str, Domain]) -> Trace:
    """A rule's trace, decided (`decide`). A disqualifier that is false or n/a whatever the unknown
    facts are is clear either way: its value is false (it is not triggered)."""
    out, whole = decide(node, t, domains)
    if kind == "disqualifier" and out[0] is UNKNOWN and whole == frozenset({False, NA}):
        out = (False, *out[1:])
    return out


def _abstract(node: Node, t: Trace, domains: Mapping[str, Domain], out: list[Value]) -> Abstract:
    v = t[node.idx]
    if v is not UNKNOWN:
        return _known(v)
    got = _compute(node, t, domains, out)
    if isinstance(got, Num) and got.point is not None:
        out[node.idx] = int(got.point) if got.point.is_integer() else got.point
    elif isinstance(got, frozenset) and len(got) == 1:
        (out[node.idx],) = got
    return got


def _known(v: Value) -> Abstract:
    if v is NA:
        return frozenset({NA})
    if isinstance(v, bool):
        return frozenset({v})
    if isinstance(v, int | float):
        return Num(float(v), float(v))
    return None


def _compute(node: Node, t: Trace, domains: Mapping[str, Domain], out: list[Value]) -> Abstract:
    if isinstance(node, Fact):
        lo, hi = domains.get(node.key, (-INF, INF))
        return Num(lo, hi, True) if node.type.kind == "number" else None  # a file may yet write it n/a
    if isinstance(node, Const):
        return _known(node.value)
    if isinstance(node, Neg):
        a = _abstract(node.item, t, domains, out)
        return Num(-a.hi, -a.lo, a.na) if isinstance(a, Num) else None
    means = BUILTINS[node.name].means if isinstance(node, Call) else None
    if isinstance(node, Arith) or means is not None:  # a builtin that means an operator is ranged as one
        left, right = node.children()
        a = _abstract(left, t, domains, out)
        b = _abstract(right, t, domains, out)
        if not (isinstance(a, Num) and isinstance(b, Num)):
            return None
        return _arith(node.op if isinstance(node, Arith) else means or "/", a, b)
    if isinstance(node, Compare):
        a = _abstract(node.left, t, domains, out)
        b = _abstract(node.right, t, domains, out)
        if node.ranks is not None or not (isinstance(a, Num) and isinstance(b, Num)):
            return None
        return _compare(node.op, a, b)
    if isinstance(node, Not):
        a = _abstract(node.item, t, domains, out)
        return frozenset(negate(x) for x in a) if isinstance(a, frozenset) else None
    if isinstance(node, Logic):
        items = [_abstract(i, t, domains, out) for i in node.items]
        sets = [i if isinstance(i, frozenset) else ANY for i in items]
        if math.prod(len(s) for s in sets) > 729:
            return None
        return frozenset(combine(node.op, list(c)) for c in itertools.product(*sets))
    for child in node.children():  # a builtin call: its arguments may still be decided
        _abstract(child, t, domains, out)
    if isinstance(node, Call):  # a dated series around a day it has no entry for (builtins: at_bounds)
        bounds = BUILTINS[node.name].bounds
        got = bounds([t[a.idx] for a in node.args], **node.options) if bounds is not None else None
        if got is not None:
            key = node.args[0].key if isinstance(node.args[0], Fact) else ""
            lo, hi = domains.get(key, (-INF, INF))
            low, high = got
            return Num(max(lo, low[1]) if low else lo, min(hi, high[1]) if high else hi)
    return None


def _mul(x: float, y: float) -> float:
    return 0.0 if x == 0 or y == 0 else x * y


def _arith(op: str, a: Num, b: Num) -> Num | None:
    na = a.na or b.na
    if op == "+":
        return Num(a.lo + b.lo, a.hi + b.hi, na)
    if op == "-":
        return Num(a.lo - b.hi, a.hi - b.lo, na)
    if op == "*":
        products = [_mul(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
        return Num(min(products), max(products), na)
    if b.lo <= 0 <= b.hi:  # "/": a divisor that may be 0 gives n/a there (operators: division by zero)
        return _divide_near_zero(a, b)
    quotients = [x / y for x in (a.lo, a.hi) for y in (b.lo, b.hi) if not (math.isinf(x) and math.isinf(y))]
    if len(quotients) < 4:
        return None
    return Num(min(quotients), max(quotients), na)


def _divide_near_zero(a: Num, b: Num) -> Num | None:
    """`a / b` for a divisor that may be 0: n/a there; elsewhere, for a divisor of at least 0, a
    quotient of a number of one sign keeps that sign (0 of anything is 0: "none of an unknown
    staff is in breach" is no share above 10%). Nothing is claimed otherwise."""
    if a.lo == a.hi == 0 and not (b.lo == b.hi == 0):
        return Num(0.0, 0.0, True)
    if b.lo < 0 or b.hi <= 0 or math.isinf(a.lo) or math.isinf(a.hi):
        return None
    if a.lo >= 0:  # b in (0, hi]: a / b from a.lo / hi up
        return Num(a.lo / b.hi, INF, True)
    if a.hi <= 0:
        return Num(-INF, a.hi / b.hi, True)
    return None


def _compare(op: CompareOp, a: Num, b: Num) -> frozenset[Value] | None:
    """The truth values `a op b` may take over the two intervals (and n/a, if either may be)."""
    if a.point is not None and b.point is not None:
        got: set[Value] = {COMPARISONS[op].fn(a.point, b.point)}
    else:
        below, above = a.hi < b.lo, a.lo > b.hi  # every a is below / above every b
        at_most, at_least = a.hi <= b.lo, a.lo >= b.hi
        decided = {
            "<": True if below else False if at_least else None,
            "<=": True if at_most else False if above else None,
            ">": True if above else False if at_most else None,
            ">=": True if at_least else False if below else None,
            "==": False if below or above else None,
            "!=": True if below or above else None,
        }[op]
        if decided is None:
            return None
        got = {decided}
    if a.na or b.na:
        got.add(NA)
    return frozenset(got)
