"""Compiling a campaign for the durable backend: every boolean node of every rule, waiver and
ranking key becomes a *slot* of four durable-rules rules (true, false, unknown, not applicable)
built from `engine.evaluate.backends.rete`; every other node, and each derived field Rete
compares (a call, arithmetic on the left), is read in Python with the interpreter's semantics.
See `engine.evaluate.backends.durable` for the whole design and the traps it works around.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.evaluate.backends.rete import (
    FLAG,
    MAX_WEIGHT,
    Cond,
    DurableError,
    Four,
    Operand,
    absent,
    all_of,
    any_of,
    branches,
    cmp,
    divisions_of,
    is_na,
    is_zero,
    leaves_of,
    missing,
    not_na,
    not_zero,
    present,
    weight,
)
from engine.evaluate.trace import Evaluable
from engine.lang import NA, UNKNOWN, Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not, Value, trace
from engine.lang.ir import BOOL
from engine.lang.operators import COMPARISONS, LOGIC
from engine.model.campaign import Campaign
from engine.model.catalogue import Catalogue

Getter = Callable[[Mapping[str, Any]], Any]

# ------------------------------------------------ reading facts (the interpreter's semantics)


def _encode(value: Any, kind: str, ranks: dict[str, int] | None) -> Any:
    """A value as the engine sees it: numbers as floats, ratings as ranks, dates as ordinals."""
    if value is UNKNOWN or value is NA or value is None:
        return UNKNOWN if value is None else value
    if kind == "rating" and ranks is not None:
        return float(ranks[value])
    if kind == "date":
        return float(value.toordinal())
    if kind == "number":
        return float(value)
    return value  # bool, enum (str)


def _value(node: Node, env: Mapping[str, Any]) -> Value:
    """A non-boolean node's (or a call's) value, read from the facts as the interpreter reads it."""
    if isinstance(node, Fact):
        return env.get(node.key, UNKNOWN)  # type: ignore[no-any-return]
    return trace(node, env)[0]


# ---------------------------------------------------------------- compiling a campaign


@dataclass
class _Plan:
    """How one expression's trace is filled: which nodes Rete decides, which Python reads."""

    size: int
    slots: dict[int, int]  # node idx → the slot that decides it
    combined: list[tuple[int, str, tuple[int, ...]]]  # (idx, and/or/not, children idx), children first
    read: list[tuple[Node, int]]  # the non-boolean subtrees read in Python: (root, its size)


@dataclass
class _Compiled:
    """A campaign as a durable-rules ruleset plus how to turn an env into its fact."""

    definition: dict[str, Any]  # durable rule name → condition (without actions)
    getters: dict[int, list[tuple[str, Getter]]]  # item index → the fields its fact needs
    index: dict[int, int]  # id(item) → item index
    plans: dict[tuple[int, int], _Plan]  # (item index, 0 expression / 1 waiver) → how it is filled
    slots: dict[int, list[int]]  # item index → every slot of its expression and waiver
    name: str = ""

    def size(self) -> tuple[int, int, int, int]:
        """(slots, durable-rules rules, Rete branches, heaviest condition): the ruleset's size."""
        conds = [d["all"][0]["m"] for d in self.definition.values()]
        slots = sum(len(s) for s in self.slots.values())
        return slots, len(conds), sum(map(branches, conds)), max(map(weight, conds), default=0)


@dataclass
class _Builder:
    catalogue: Catalogue
    fields: dict[str, Getter] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # the fields the current item's conditions read
    counter: itertools.count[int] = field(default_factory=itertools.count)
    fours: dict[int, Four] = field(default_factory=dict)  # id(node) → its four conditions
    derived: dict[int, str] = field(default_factory=dict)  # id(node) → its derived field

    # operands -------------------------------------------------------
    def operand(self, node: Node) -> Operand:
        if isinstance(node, Const):
            return ("const", self._const(node))
        if isinstance(node, Fact):
            if node.type.kind in ("series", "records"):
                raise DurableError(Msg("problem.eval_durable_not_plain", fact=node.key))
            self.fields.setdefault(node.key, self._getter(node))
            self.used.add(node.key)
            return ("field", node.key)
        if isinstance(node, Arith):
            return ("arith", node.op, self.operand(node.left), self.operand(node.right))
        if isinstance(node, Neg):
            return ("arith", "-", ("const", 0.0), self.operand(node.item))
        if isinstance(node, Call):
            return ("field", self._derived(node))
        raise DurableError(Msg("problem.eval_durable_no_compare", node=type(node).__name__))

    def _const(self, node: Const) -> Any:
        v = node.value
        if node.type.kind == "rating":
            return float(self.catalogue.scales[node.type.scale or ""].rank(v))
        if node.type.kind == "date":
            return float(v.toordinal())
        if node.type.kind == "number":
            return float(v)
        return v

    def _ranks(self, node: Node) -> dict[str, int] | None:
        if node.type.kind != "rating":
            return None
        scale = self.catalogue.scales[node.type.scale or ""]
        return {v: scale.rank(v) for v in scale.names}

    def _getter(self, node: Node) -> Getter:
        """The node's value from the facts, encoded for Rete."""
        kind, ranks = node.type.kind, self._ranks(node)
        return lambda env: _encode(_value(node, env), kind, ranks)

    def _derived(self, node: Node) -> str:
        """A field holding a value Rete cannot compute itself (a call, arithmetic on the left)."""
        name = self.derived.get(id(node))
        if name is None:
            name = self.derived[id(node)] = f"derived__{next(self.counter)}"
            self.fields[name] = self._getter(node)
        self.used.add(name)
        return name

    # boolean nodes → four conditions ---------------------------------
    def four(self, node: Node) -> Four:
        got = self.fours.get(id(node))
        if got is None:
            got = self.fours[id(node)] = self._four(node)
        else:  # the fields are read again by this item
            for child in node.walk():
                if isinstance(child, Fact) and child.type.kind not in ("series", "records"):
                    self.used.add(child.key)
                if id(child) in self.derived:
                    self.used.add(self.derived[id(child)])
        return got

    def _four(self, node: Node) -> Four:
        if isinstance(node, Const):
            return {"T": node.value is True, "F": node.value is False, "U": False, "N": False}
        if isinstance(node, Fact | Call):  # a boolean fact, or all_improved(...)
            f = self.operand(node)[1]
            return {"T": {f: True}, "F": {f: False}, "U": missing(f), "N": is_na(f)}
        if isinstance(node, Not):
            inner = self.four(node.item)
            return {"T": inner["F"], "F": inner["T"], "U": inner["U"], "N": inner["N"]}
        if isinstance(node, Logic):
            parts = [self.four(i) for i in node.items]
            win, lose = ("T", "F") if LOGIC[node.op].decisive else ("F", "T")
            return {
                win: any_of(*(p[win] for p in parts)),
                "U": all_of(
                    *(any_of(p[lose], p["U"], p["N"]) for p in parts),
                    any_of(*(p["U"] for p in parts)),
                ),
                lose: all_of(*(any_of(p[lose], p["N"]) for p in parts), any_of(*(p[lose] for p in parts))),
                "N": all_of(*(p["N"] for p in parts)),
            }
        if isinstance(node, Compare):
            return self._compare(node)
        raise DurableError(Msg("problem.eval_durable_no_translate", node=type(node).__name__))

    def _compare(self, node: Compare) -> Four:
        lnode, rnode = node.left, node.right
        left, right = self.operand(lnode), self.operand(rnode)
        op = node.op
        if left[0] != "field" and right[0] == "field":
            left, right, lnode, op = right, left, rnode, COMPARISONS[op].flipped
        if left[0] != "field":  # the engine takes arithmetic on the right only: compute the left here
            left = ("field", self._derived(lnode))
        leaves = leaves_of(left) + [f for f in leaves_of(right) if f not in leaves_of(left)]
        divisions = divisions_of(right)
        any_na = any_of(*(is_na(f) for f in leaves))
        div_zero = [all_of(*(present(f) for f in sub), is_zero(d)) for sub, d in divisions]
        div_ok = [any_of(*(absent(f) for f in sub), not_zero(d)) for sub, d in divisions]
        all_known = all_of(*(present(f) for f in leaves), *(not_zero(d) for _, d in divisions))
        return {
            "T": all_of(all_known, cmp(op, left[1], right)),
            "F": all_of(all_known, cmp(COMPARISONS[op].negation, left[1], right)),
            "U": all_of(*(not_na(f) for f in leaves), any_of(*(absent(f) for f in leaves)), *div_ok),
            "N": any_of(any_na, *div_zero),
        }

    # an expression → its plan ------------------------------------------
    def plan(self, root: Node, decide: Callable[[Four], int]) -> _Plan:
        slots: dict[int, int] = {}
        combined: list[tuple[int, str, tuple[int, ...]]] = []
        read: list[tuple[Node, int]] = []
        inside = -1  # the last idx of the non-boolean subtree being read, if any
        for node in root.walk():
            if node.idx <= inside:
                continue
            if node.type != BOOL or isinstance(node, Const):
                read.append((node, node.size()))
                inside = node.idx + read[-1][1] - 1
                continue
            four = self.four(node)
            if isinstance(node, Logic | Not) and max(weight(all_of(FLAG, c)) for c in four.values()) > MAX_WEIGHT:
                op = node.op if isinstance(node, Logic) else "not"
                combined.append((node.idx, op, tuple(c.idx for c in node.children())))
            else:
                slots[node.idx] = decide(four)
        combined.reverse()  # children (larger idx) before their parents
        return _Plan(root.size(), slots, combined, read)


def compile_campaign(campaign: Campaign) -> _Compiled:
    builder = _Builder(campaign.catalogue)
    definition: dict[str, Any] = {}
    getters: dict[int, list[tuple[str, Getter]]] = {}
    index: dict[int, int] = {}
    plans: dict[tuple[int, int], _Plan] = {}
    item_slots: dict[int, list[int]] = {}
    counter = itertools.count()
    items: list[Evaluable] = [*campaign.items()]
    for k, item in enumerate(items):
        index[id(item)] = k
        flag = {f"rule__{k}": 1}
        builder.used = set()
        mine: list[int] = []

        def decide(four: Four, flag: Cond = flag, mine: list[int] = mine) -> int:
            slot = next(counter)
            mine.append(slot)
            for outcome, cond in four.items():
                if cond is not False:  # a condition that can never hold: another outcome covers it
                    definition[f"s{slot}_{outcome}"] = {"all": [{"m": all_of(flag, cond)}]}
            return slot

        for w, node in enumerate((item.node, item.waiver)):
            if node is None:
                continue
            try:
                plans[(k, w)] = builder.plan(node, decide)
            except DurableError as e:  # an expression the Rete translation cannot express: the user's, not a bug
                what = getattr(getattr(item, "spec", None), "id", None) or str(k)
                raise UsageError(
                    Problem(
                        campaign.file,
                        Msg("problem.eval_durable_rule", rule=what, reason=e.args[0] if e.args else ""),
                        hint=Msg("problem.eval_durable_rule_hint"),
                    )
                ) from None
        item_slots[k] = mine
        getters[k] = [(f, builder.fields[f]) for f in sorted(builder.used)]
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    name = "thidua_" + hashlib.sha256(text.encode()).hexdigest()[:24]
    return _Compiled(definition, getters, index, plans, item_slots, name)
