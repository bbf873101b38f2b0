"""The operators of the rule language, declared once: comparisons, `and`/`or`/`not`, arithmetic.

Each operator is one entry: how a rule writes it, the Python syntax node the parser reads it
from, its three-valued meaning (`run`: the one runtime function the reference interpreter calls
and the native backend's generated code calls — so native equals the reference by construction —
and `vector`, the same meaning over columns for the columnar backend), its negation (what `not`
of it is), the words an explanation uses for it (a vocabulary key or symbol), and its Rete
spelling (the durable backend's condition). The interpreter, the parser, the native generator,
the durable backend, `decide` and the explanations read these tables; none keeps its own copy of
an operator's meaning.

The three-valued domain (`engine.lang.values`): a value, `UNKNOWN` (missing) or `NA` (does not
apply). Kleene logic: `false and unknown` is false, `true or unknown` true; n/a items of
`and`/`or` are left out (all n/a: n/a); `not` keeps unknown and n/a. A comparison or arithmetic
with an n/a operand is n/a, else with an unknown one unknown (`strict`); division by zero is
n/a (a share of nothing does not apply). Ratings compare by their scale's rank (`ranks`).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from engine.lang.ir import ArithOp, CompareOp
from engine.lang.values import NA, UNKNOWN, Value

if TYPE_CHECKING:  # polars is an install extra (thidua[columnar]), imported by the vector forms only
    import polars as pl

LogicOp = Literal["and", "or"]

# ---------------------------------------------------------------- the runtime: three-valued meanings


def strict(a: Value, b: Value) -> Value | None:
    """The marker an operation on `a` and `b` gives (n/a before unknown), or None when both are values."""
    if a is NA or b is NA:
        return NA
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return None


def negate(v: Value) -> Value:
    """Kleene `not`: unknown and n/a stay what they are."""
    return v if v is UNKNOWN or v is NA else not v


def combine(op: str, items: list[Value]) -> Value:
    """Kleene and/or over item values; n/a items are left out, all n/a is n/a."""
    return LOGIC[op].run(*items)


def _kleene(decisive: bool) -> Callable[..., Value]:
    """and (`decisive` False: one false item decides) or or (True): n/a items left out."""
    other = not decisive

    def run(*items: Value) -> Value:
        unknown = seen = False
        for v in items:
            if v is decisive:
                return decisive
            if v is UNKNOWN:
                unknown = True
            elif v is other:
                seen = True
        return UNKNOWN if unknown else other if seen else NA

    return run


def _lifted(fn: Callable[[Any, Any], Any]) -> Callable[[Value, Value], Value]:
    """`fn` over two values, lifted to the three-valued domain (`strict`)."""

    def run(a: Value, b: Value) -> Value:
        if a is NA or b is NA:
            return NA
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN
        return fn(a, b)  # type: ignore[no-any-return]

    return run


def _ranked(fn: Callable[[Any, Any], bool]) -> Callable[[Value, Value, Mapping[str, int]], Value]:
    """A comparison of two ratings by their scale's rank, lifted to the three-valued domain."""

    def run(a: Value, b: Value, ranks: Mapping[str, int]) -> Value:
        if a is NA or b is NA:
            return NA
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN
        return fn(ranks[a], ranks[b])  # type: ignore[index]

    return run


def _divide(a: Any, b: Any) -> Any:
    return NA if b == 0 else a / b


def minus(a: Value) -> Value:
    """Negation of a number: unknown and n/a stay what they are."""
    return a if a is UNKNOWN or a is NA else -a  # type: ignore[operator]


# ---------------------------------------------------------------- the vectorised forms (columnar backend)
# The same meanings over whole columns (Polars expressions, `engine.evaluate.backends.columnar`):
# a three-valued column is its values and, beside them, its state — VALUE, UNKNOWN_STATE or
# NA_STATE, kept apart, never folded into null. The states are ordered so that the larger wins
# where `strict` lets n/a come before unknown. tests/test_columnar.py holds every vector form equal
# to its runtime function above over every pair of states.

VALUE, UNKNOWN_STATE, NA_STATE = 0, 1, 2


class Column(NamedTuple):
    """A three-valued column: `value` (meaningful where `state` is VALUE), `state`, and for a
    number `whole` — whether the row's value is a Python int (an int op an int is an int but for
    `/`); None for other types."""

    value: pl.Expr
    state: pl.Expr
    whole: pl.Expr | None = None


def _state(code: int) -> pl.Expr:
    import polars as pl

    return pl.lit(code, dtype=pl.UInt8)


def _vector_strict(a: Column, b: Column) -> pl.Expr:
    """`strict` over columns: n/a before unknown (the larger state), else a value."""
    import polars as pl

    return pl.max_horizontal(a.state, b.state)


def _vector_lifted(fn: Callable[[Any, Any], Any]) -> Callable[[Column, Column], Column]:
    """`_lifted` over columns: `fn` applies to expressions as to values (`operator.lt` and co.)."""

    def vec(a: Column, b: Column) -> Column:
        return Column(fn(a.value, b.value), _vector_strict(a, b))

    return vec


def _vector_ranked(fn: Callable[[Any, Any], Any]) -> Callable[[Column, Column, Mapping[str, int]], Column]:
    """`_ranked` over columns: both sides to their scale's rank, then compared."""

    def vec(a: Column, b: Column, ranks: Mapping[str, int]) -> Column:
        import polars as pl

        def rank(x: pl.Expr) -> pl.Expr:
            return x.replace_strict(list(ranks), list(ranks.values()), default=None, return_dtype=pl.Int64)

        return Column(fn(rank(a.value), rank(b.value)), _vector_strict(a, b))

    return vec


def _vector_arith(fn: Callable[[Any, Any], Any]) -> Callable[[Column, Column], Column]:
    """`_lifted(fn)` for + - *: an int with an int stays an int."""

    def vec(a: Column, b: Column) -> Column:
        whole = a.whole & b.whole if a.whole is not None and b.whole is not None else None
        return Column(fn(a.value, b.value), _vector_strict(a, b), whole)

    return vec


def _vector_divide(a: Column, b: Column) -> Column:
    """`_lifted(_divide)`: a quotient is a float; by zero, n/a."""
    import polars as pl

    state = _vector_strict(a, b)
    by_zero = (state == VALUE) & (b.value == 0)
    return Column(a.value / b.value, pl.when(by_zero).then(_state(NA_STATE)).otherwise(state), pl.lit(False))


def vector_negate(a: Column) -> Column:
    """`negate` over a column."""
    return Column(~a.value, a.state)


def vector_minus(a: Column) -> Column:
    """`minus` over a column."""
    return Column(-a.value, a.state, a.whole)


def _vector_kleene(decisive: bool) -> Callable[..., Column]:
    """`_kleene` over columns: a decisive item decides, else unknown if any, else the other value
    if any item gave it, else (all n/a, or none) n/a."""

    def vec(*items: Column) -> Column:
        import polars as pl

        def some(cond: Callable[[Column], pl.Expr]) -> pl.Expr:
            return pl.any_horizontal(*[cond(c) for c in items]) if items else pl.lit(False)

        dec = some(lambda c: (c.state == VALUE) & (c.value == decisive))
        unknown = some(lambda c: c.state == UNKNOWN_STATE)
        other = some(lambda c: (c.state == VALUE) & (c.value == (not decisive)))
        state = (
            pl.when(dec)
            .then(_state(VALUE))
            .when(unknown)
            .then(_state(UNKNOWN_STATE))
            .when(other)
            .then(_state(VALUE))
            .otherwise(_state(NA_STATE))
        )
        return Column(dec.fill_null(False).xor(not decisive), state)

    return vec


# ---------------------------------------------------------------- the tables


@dataclass(frozen=True)
class Comparison:
    """`symbol`: how a rule writes it; `negation`: `not a < b` is `a >= b` for values; `flipped`:
    `a < b` is `b > a`; `ordered`: needs an order (enums, yes/no and records compare only for
    (in)equality); `fn`: over two values; `rete`: durable-rules' spelling (None: `{field: value}`).
    Its words are the vocabulary's `compare.<symbol>` (and `compare_rating.<symbol>`)."""

    symbol: CompareOp
    syntax: type[ast.cmpop]
    negation: CompareOp
    flipped: CompareOp
    ordered: bool
    fn: Callable[[Any, Any], bool]
    rete: str | None

    @property
    def run(self) -> Callable[[Value, Value], Value]:
        return _RUN[self.symbol]

    @property
    def run_ranked(self) -> Callable[[Value, Value, Mapping[str, int]], Value]:
        return _RUN_RANKED[self.symbol]

    @property
    def vector(self) -> Callable[[Column, Column], Column]:
        """`run` over columns (the columnar backend)."""
        return _vector_lifted(self.fn)

    @property
    def vector_ranked(self) -> Callable[[Column, Column, Mapping[str, int]], Column]:
        """`run_ranked` over columns (the columnar backend)."""
        return _vector_ranked(self.fn)


COMPARISONS: dict[CompareOp, Comparison] = {
    c.symbol: c
    for c in (
        Comparison("==", ast.Eq, "!=", "==", False, operator.eq, None),
        Comparison("!=", ast.NotEq, "==", "!=", False, operator.ne, "$neq"),
        Comparison("<", ast.Lt, ">=", ">", True, operator.lt, "$lt"),
        Comparison("<=", ast.LtE, ">", ">=", True, operator.le, "$lte"),
        Comparison(">", ast.Gt, "<=", "<", True, operator.gt, "$gt"),
        Comparison(">=", ast.GtE, "<", "<=", True, operator.ge, "$gte"),
    )
}
_RUN = {op: _lifted(c.fn) for op, c in COMPARISONS.items()}
_RUN_RANKED = {op: _ranked(c.fn) for op, c in COMPARISONS.items()}


@dataclass(frozen=True)
class Arithmetic:
    """`fn`: over two numbers (`/` by zero is n/a); `run`: lifted to the three-valued domain;
    `phrase`: how an explanation writes it; `rete`: durable-rules' right-hand-side spelling."""

    symbol: ArithOp
    syntax: type[ast.operator]
    fn: Callable[[Any, Any], Any]
    phrase: str
    rete: str

    @property
    def run(self) -> Callable[[Value, Value], Value]:
        return _RUN_ARITH[self.symbol]

    @property
    def vector(self) -> Callable[[Column, Column], Column]:
        """`run` over columns (the columnar backend)."""
        return _vector_divide if self.symbol == "/" else _vector_arith(self.fn)


ARITHMETIC: dict[ArithOp, Arithmetic] = {
    a.symbol: a
    for a in (
        Arithmetic("+", ast.Add, operator.add, "+", "$add"),
        Arithmetic("-", ast.Sub, operator.sub, "-", "$sub"),
        Arithmetic("*", ast.Mult, operator.mul, "×", "$mul"),
        Arithmetic("/", ast.Div, _divide, "/", "$div"),
    )
}
_RUN_ARITH = {op: _lifted(a.fn) for op, a in ARITHMETIC.items()}


@dataclass(frozen=True)
class Connective:
    """`and`/`or`: `decisive` is the item value that decides it (`or`: a true item, `and`: a
    false one); `dual` its negation by De Morgan (`not (a and b)` is `not a or not b`), read by
    the explanations' "what would have to hold"; `run` over item values (Kleene, n/a left out);
    `phrase` its vocabulary key."""

    symbol: LogicOp
    syntax: type[ast.boolop]
    decisive: bool
    dual: LogicOp
    run: Callable[..., Value]
    vector: Callable[..., Column]  # `run` over columns (the columnar backend)

    @property
    def phrase(self) -> str:
        return f"explain.{self.symbol}"

    def conjunctive(self, want: bool) -> bool:
        """Whether every item must give `want` for the whole to give it (else one item will do)."""
        return self.decisive is not want


LOGIC: dict[str, Connective] = {
    c.symbol: c
    for c in (
        Connective("and", ast.And, False, "or", _kleene(False), _vector_kleene(False)),
        Connective("or", ast.Or, True, "and", _kleene(True), _vector_kleene(True)),
    )
}
NOT_PHRASE = "explain.not"  # `not`'s words; its meaning is `negate`, its negation itself
