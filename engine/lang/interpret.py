"""The reference interpreter: an expression's value and its trace, from the IR alone.

`trace(node, env)` evaluates every node of the expression (no short cut: a trace has a value
for every node) and returns the tuple of their values in pre-order, so `trace(...)[n.idx]` is
the value of node `n` and `trace(...)[0]` the value of the whole. This is the meaning of the
rule language; the native backend compiles the IR to code that calls the same runtime
functions and must return the same tuple, and the durable backend must agree with it
(tests/test_differential.py).

Every operator's three-valued meaning is its registry entry's `run` (`engine.lang.operators`:
Kleene `and`/`or`/`not` with unknown and n/a, comparisons and arithmetic lifted over the two
markers), every builtin's its `impl` (`engine.lang.builtins`); this module only walks the tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.lang.builtins import BUILTINS
from engine.lang.ir import Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC, combine, minus, negate, strict
from engine.lang.values import UNKNOWN, Value

__all__ = ["Env", "Trace", "combine", "negate", "strict", "trace", "value"]

Env = Mapping[str, Any]
Trace = tuple[Value, ...]


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
        return minus(_eval(node.item, env, out))
    if isinstance(node, Arith):
        a, b = _eval(node.left, env, out), _eval(node.right, env, out)
        return ARITHMETIC[node.op].run(a, b)
    if isinstance(node, Compare):
        a, b = _eval(node.left, env, out), _eval(node.right, env, out)
        c = COMPARISONS[node.op]
        return c.run(a, b) if node.ranks is None else c.run_ranked(a, b, node.ranks)
    if isinstance(node, Logic):
        return LOGIC[node.op].run(*[_eval(item, env, out) for item in node.items])
    raise TypeError(f"cannot evaluate {type(node).__name__}")  # pragma: no cover - the parser refuses
