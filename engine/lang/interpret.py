"""The reference interpreter: an expression's value and its trace, from the IR alone.

`trace(node, env)` evaluates every node of the expression (no short cut: a trace has a value
for every node) and returns the tuple of their values in pre-order, so `trace(...)[n.idx]` is
the value of node `n` and `trace(...)[0]` the value of the whole. This is the meaning of the
rule language; the native backend compiles the IR to code that must return the same tuple,
and the durable backend must agree with it (tests/test_differential.py).

Three-valued (Kleene) with a fourth marker: `UNKNOWN` (missing) and `NA` (not applicable).
`false and unknown` is false, `true or unknown` true; n/a operands of and/or are left out
(all n/a: n/a); a comparison or arithmetic with an n/a operand is n/a, else with an unknown
one unknown; division by zero is n/a (a share of nothing does not apply).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from engine.lang.builtins import BUILTINS
from engine.lang.ir import Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not
from engine.lang.operators import COMPARISONS
from engine.lang.values import NA, UNKNOWN, Value

Env = Mapping[str, Any]
Trace = tuple[Value, ...]

ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


def trace(node: Node, env: Env) -> Trace:
    out: list[Value] = []
    _eval(node, env, out)
    return tuple(out)


def value(node: Node, env: Env) -> Value:
    return trace(node, env)[0]


def _eval(node: Node, env: Env, out: list[Value]) -> Value:
    i = len(out)
    out.append(UNKNOWN)  # reserve this node's place: pre-order
    v = _compute(node, env, out)
    out[i] = v
    return v


def _compute(node: Node, env: Env, out: list[Value]) -> Value:
    if isinstance(node, Const):
        return node.value  # type: ignore[no-any-return]
    if isinstance(node, Fact):
        return env.get(node.key, UNKNOWN)  # type: ignore[no-any-return]
    if isinstance(node, Call):
        return BUILTINS[node.name].impl(*[_eval(a, env, out) for a in node.args], **node.options)
    if isinstance(node, Not):
        return negate(_eval(node.item, env, out))
    if isinstance(node, Neg):
        a = _eval(node.item, env, out)
        return a if a is UNKNOWN or a is NA else -a  # type: ignore[operator]
    if isinstance(node, Arith):
        a, b = _eval(node.left, env, out), _eval(node.right, env, out)
        if (marker := strict(a, b)) is not None:
            return marker
        if node.op == "/" and b == 0:
            return NA
        return ARITH[node.op](a, b)  # type: ignore[no-any-return]
    if isinstance(node, Compare):
        a, b = _eval(node.left, env, out), _eval(node.right, env, out)
        if (marker := strict(a, b)) is not None:
            return marker
        if node.ranks is not None:
            a, b = node.ranks[a], node.ranks[b]  # type: ignore[index]
        return COMPARISONS[node.op].fn(a, b)
    if isinstance(node, Logic):
        items = [_eval(item, env, out) for item in node.items]
        return combine(node.op, items)
    raise TypeError(f"cannot evaluate {type(node).__name__}")  # pragma: no cover - the parser refuses


def negate(v: Value) -> Value:
    """Kleene `not`: unknown and n/a stay what they are."""
    return v if v is UNKNOWN or v is NA else not v


def strict(a: Value, b: Value) -> Value | None:
    """The marker an operation on `a` and `b` gives (n/a before unknown), or None when both are values."""
    if a is NA or b is NA:
        return NA
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return None


def combine(op: str, items: list[Value]) -> Value:
    """Kleene and/or over item values; n/a items are left out, all n/a is n/a."""
    decisive = op == "or"  # `or` is decided by a true item, `and` by a false one
    if any(v is decisive for v in items):
        return decisive
    if any(v is UNKNOWN for v in items):
        return UNKNOWN
    if any(v is (not decisive) for v in items):
        return not decisive
    return NA
