"""The trace of one rule for one candidate: the format every backend returns.

A `RuleTrace` holds the value of every node of the rule's expression in pre-order
(`nodes[n.idx]` is the value of node `n`, `nodes[0]` the rule's value) and, when the waiver
was looked at, the waiver's own trace. The waiver is looked at exactly when the rule does not
give its good value (a criterion that is not true, a disqualifier that is not false): that
is when a waiver could matter. Verdicts, explanations, ranking keys, reports and `verify` all
read traces; nothing downstream evaluates a rule again.

`reference(item, env)` is the trace by the reference interpreter (`engine.lang.interpret`);
every backend must return the same (tests/test_differential.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple, Protocol

from engine.lang import UNKNOWN, Node, Trace, Value, trace

ItemKind = Literal["criterion", "disqualifier", "value"]


class Evaluable(Protocol):
    """A rule (criterion, disqualifier) or a ranking key: an expression, maybe with a waiver."""

    @property
    def node(self) -> Node: ...

    @property
    def waiver(self) -> Node | None: ...

    @property
    def kind(self) -> ItemKind: ...


class RuleTrace(NamedTuple):
    nodes: Trace
    waiver: Trace | None = None

    @property
    def value(self) -> Value:
        return self.nodes[0]

    @property
    def waived(self) -> Value:
        """The waiver's value; UNKNOWN when there is none or it was not looked at."""
        return self.waiver[0] if self.waiver is not None else UNKNOWN


def needs_waiver(kind: ItemKind, value: Value) -> bool:
    """Whether the waiver is looked at: the rule does not give its good value."""
    if kind == "criterion":
        return value is not True
    if kind == "disqualifier":
        return value is not False
    return False


def merge(cases: list[RuleTrace]) -> RuleTrace:
    """The trace that holds in every case: each node's value where all cases agree, else unknown.

    Used when a fact is known only to lie in a range (a count with unknown parts,
    `engine.evaluate.derive`): the rule is decided once per possible value and only what is true
    of all of them is claimed. The waiver is merged over the cases that looked at it — in the
    others the rule already gave its good value — so a waiver true wherever it was needed gives
    `waived`, never `pass`."""
    if len(cases) == 1:
        return cases[0]
    nodes = _agree([c.nodes for c in cases])
    looked = [c.waiver for c in cases if c.waiver is not None]
    return RuleTrace(nodes, _agree(looked) if looked else None)


def _agree(traces: list[Trace]) -> Trace:
    first = traces[0]
    return tuple(v if all(_same(t[i], v) for t in traces[1:]) else UNKNOWN for i, v in enumerate(first))


def _same(a: Value, b: Value) -> bool:
    return a is b or (type(a) is type(b) and a == b)


def reference(item: Evaluable, env: Mapping[str, Any]) -> RuleTrace:
    nodes = trace(item.node, env)
    waiver = None
    if item.waiver is not None and needs_waiver(item.kind, nodes[0]):
        waiver = trace(item.waiver, env)
    return RuleTrace(nodes, waiver)
