"""Rete conditions: how the durable backend spells the rule language for durable-rules.

A condition is durable-rules' JSON-like dict (or True / False: always / never). Every boolean
node of an expression gets four conditions — true, false, unknown, not applicable — that
partition every candidate (`engine.evaluate.backends.rete_compile`); this module holds the
pieces they are made of: presence and n/a-marker tests (a fact missing is absent, a fact n/a
carries `<key>__na`), a comparison in Rete's spelling (read from the operator registry,
`engine.lang.operators`: `Comparison.rete`, `Arithmetic.rete`), the divisions an operand holds
(a zero divisor is n/a), and how heavy a condition is against the C core's expression limit
(`weight`, `MAX_WEIGHT`) and how many Rete branches it becomes (`branches`).
"""

from __future__ import annotations

from typing import Any

from engine.common.message import Msg
from engine.lang import NA, UNKNOWN, Value
from engine.lang.ir import CompareOp
from engine.lang.operators import ARITHMETIC, COMPARISONS

Cond = Any  # a durable-rules condition (JSON-like dict), or True (always) / False (never)
Operand = tuple[Any, ...]  # ("field", name) | ("const", value) | ("arith", op, left, right)
Four = dict[str, Cond]  # outcome (T/F/U/N) → its condition

OUTCOMES = ("T", "F", "U", "N")
VALUE: dict[str, Value] = {"T": True, "F": False, "U": UNKNOWN, "N": NA}
# the weight of one outcome's condition (`weight`) past which an and/or/not is combined in
# Python: measured on durable-rules 2.0.28, conditions of weight 54 register and of 57 can fail
MAX_WEIGHT = 54


class DurableError(RuntimeError):
    """durable-rules did something the backend cannot trust (a bug here or in the engine), or an
    expression its Rete translation cannot express: then its one argument is a `Msg`, the user's
    to read (`rete_compile._Builder.plan`)."""


# ---------------------------------------------------------------- conditions


def _joined(key: str, absorbing: bool, items: tuple[Cond, ...]) -> Cond:
    """`items` joined by `key` ("$and" absorbed by False, "$or" by True): constants folded, nested
    joins of the same kind flattened, one item left as itself."""
    out: list[Any] = []
    for c in items:
        if c is absorbing:
            return absorbing
        if c is (not absorbing):
            continue
        out.extend(c[key] if isinstance(c, dict) and set(c) == {key} else [c])
    if not out:
        return not absorbing
    return out[0] if len(out) == 1 else {key: out}


def all_of(*items: Cond) -> Cond:
    return _joined("$and", False, items)


def any_of(*items: Cond) -> Cond:
    return _joined("$or", True, items)


def present(f: str) -> Cond:
    return {"$ex": {f: 1}}


def absent(f: str) -> Cond:
    return {"$nex": {f: 1}}


def is_na(f: str) -> Cond:
    return {f + "__na": 1}


def not_na(f: str) -> Cond:
    return {"$nex": {f + "__na": 1}}


def missing(f: str) -> Cond:
    return all_of(absent(f), not_na(f))


def leaves_of(op: Operand) -> list[str]:
    if op[0] == "field":
        return [op[1]]
    if op[0] == "arith":
        return leaves_of(op[2]) + [f for f in leaves_of(op[3]) if f not in leaves_of(op[2])]
    return []


def divisions_of(op: Operand) -> list[tuple[list[str], Operand]]:
    """Every division in an operand: the fields of its subtree and its divisor."""
    if op[0] != "arith":
        return []
    out = divisions_of(op[2]) + divisions_of(op[3])
    if op[1] == "/":
        divisor = op[3]
        if divisor[0] == "arith":
            raise DurableError(Msg("problem.eval_durable_divisor"))
        out.append((leaves_of(op), divisor))
    return out


def is_zero(divisor: Operand) -> Cond:
    if divisor[0] == "const":
        return divisor[1] == 0
    return {divisor[1]: 0.0}


def not_zero(divisor: Operand) -> Cond:
    if divisor[0] == "const":
        return divisor[1] != 0
    return {"$neq": {divisor[1]: 0.0}}


def rhs_of(op: Operand) -> Any:
    if op[0] == "const":
        return op[1]
    if op[0] == "field":
        return {"$m": op[1]}
    return {ARITHMETIC[op[1]].rete: {"$l": rhs_of(op[2]), "$r": rhs_of(op[3])}}


def cmp(op: CompareOp, left: str, right: Operand) -> Cond:
    rhs = rhs_of(right)
    rete = COMPARISONS[op].rete  # equality is a bare {field: value}
    return {left: rhs} if rete is None else {rete: {left: rhs}}


FLAG = {"rule__0": 1}  # an item's flag, as every registered condition starts with one


def weight(cond: Cond, top: bool = True) -> int:
    """How heavily a condition counts against the C core's expression limit: one per test, two
    per nested `$and`/`$or` (its begin and end); an upper bound, as flat tests weigh less there."""
    if isinstance(cond, dict) and len(cond) == 1 and next(iter(cond)) in ("$and", "$or"):
        return sum(weight(c, False) for c in next(iter(cond.values()))) + (0 if top else 2)
    return 1


def branches(cond: Cond) -> int:
    """How many Rete branches a condition becomes (its disjunctive normal form)."""
    if isinstance(cond, dict) and len(cond) == 1:
        if "$or" in cond:
            return sum(branches(c) for c in cond["$or"])
        if "$and" in cond:
            n = 1
            for c in cond["$and"]:
                n *= branches(c)
            return n
    return 1
