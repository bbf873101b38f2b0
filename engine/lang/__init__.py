"""The rule language: values (`values`), the IR (`ir`), the builtin functions (`builtins`),
the parser and type checker (`parse`) and the reference interpreter with its trace (`interpret`)."""

from engine.lang import interpret
from engine.lang.interpret import Trace, trace, value
from engine.lang.ir import Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not, Type
from engine.lang.parse import RuleError, parse_rule, parse_value
from engine.lang.values import NA, UNKNOWN, Missing, Value

__all__ = [
    "NA",
    "UNKNOWN",
    "Arith",
    "Call",
    "Compare",
    "Const",
    "Fact",
    "Logic",
    "Missing",
    "Neg",
    "Node",
    "Not",
    "RuleError",
    "Trace",
    "Type",
    "Value",
    "interpret",
    "parse_rule",
    "parse_value",
    "trace",
    "value",
]
