"""The rule language: values (`values`), the IR (`ir`), the builtin functions (`builtins`),
the parser and type checker (`parse`) and the reference interpreter with its trace (`interpret`)."""

from typing import TYPE_CHECKING, Any

from engine.lang import interpret
from engine.lang.interpret import Trace, trace, value
from engine.lang.ir import Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not, Type
from engine.lang.values import NA, UNKNOWN, Missing, Value

if TYPE_CHECKING:
    from engine.lang.parse import RuleError as RuleError
    from engine.lang.parse import parse_rule as parse_rule
    from engine.lang.parse import parse_value as parse_value

PARSER = frozenset({"RuleError", "parse_rule", "parse_value"})


def __getattr__(name: str) -> Any:
    """The parser's names (engine.lang.parse), imported when first asked for: a run that reads its
    campaign compiled from the cache (engine.common.cache) never parses a rule."""
    if name in PARSER:
        from engine.lang import parse

        return getattr(parse, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
