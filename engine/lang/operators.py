"""The comparison operators of the rule language, declared once.

One row per comparison: how a rule writes it (`symbol`, also the Python operator the native
backend emits), the Python syntax node the parser reads it from, its negation (`not a < b`
is `a >= b` for values), the comparison with its operands swapped (`a < b` is `b > a`),
whether it needs an order (enums, yes/no and records compare only for (in)equality) and its
function over two values. The interpreter, the parser, the explanations and the backends
read this table; none keeps its own.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.lang.ir import CompareOp


@dataclass(frozen=True)
class Comparison:
    symbol: CompareOp
    syntax: type[ast.cmpop]
    negation: CompareOp
    flipped: CompareOp
    ordered: bool
    fn: Callable[[Any, Any], bool]


COMPARISONS: dict[CompareOp, Comparison] = {
    c.symbol: c
    for c in (
        Comparison("==", ast.Eq, "!=", "==", False, operator.eq),
        Comparison("!=", ast.NotEq, "==", "!=", False, operator.ne),
        Comparison("<", ast.Lt, ">=", ">", True, operator.lt),
        Comparison("<=", ast.LtE, ">", ">=", True, operator.le),
        Comparison(">", ast.Gt, "<=", "<", True, operator.gt),
        Comparison(">=", ast.GtE, "<", "<=", True, operator.ge),
    )
}
