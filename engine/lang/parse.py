"""Parse and type-check rule expressions into the IR (`engine.lang.ir`). Never `eval`.

A rule is a short expression (`par_rating >= good`, `late_dossiers == 0`,
`staff_violating_discipline > 0.10 * staff_total`, `at(disbursement_pct, '2024-09-30') >= 80`).
Python's own parser reads it (`ast.parse(mode="eval")`); only the node kinds listed in
`_Converter` are accepted and turned into the typed IR; anything else (attribute access,
calls outside the builtin registry, lambdas, comprehensions, subscripts, `**`) is refused with
its column. The meaning of the IR is `engine.lang.interpret`.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import tokenize
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Protocol

from engine.common import limits
from engine.common.errors import did_you_mean
from engine.common.message import Msg, Text
from engine.lang.builtins import BUILTINS, ArgumentError, Builtin
from engine.lang.ir import (
    BOOL,
    DATE,
    NUMBER,
    RECORDS,
    SERIES,
    WORD,
    Arith,
    ArithOp,
    Call,
    Compare,
    CompareOp,
    Const,
    Fact,
    Logic,
    Neg,
    Node,
    Not,
    Type,
    TypeKind,
    number,
)
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC, LogicOp

MAX_RULE_LENGTH = limits.MAX_RULE_LENGTH
MAX_NUMBER = limits.MAX_NUMBER
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# the type checker's "not a fact of people/units": the campaign reader gives it lint's code TD204
NOT_A_FACT_OF = "problem.campaign_rule_not_a_fact_of"


class Scale(Protocol):
    """What the parser needs of a rating or enum scale."""

    @property
    def names(self) -> list[str]: ...

    def rank(self, value: str) -> int: ...


class FactDef(Protocol):
    """What the parser needs of a fact's catalogue entry."""

    @property
    def type(self) -> str: ...

    @property
    def scale(self) -> str | None: ...

    @property
    def for_(self) -> Sequence[str]: ...

    @property
    def cumulative(self) -> bool: ...


class Catalogue(Protocol):
    """What the parser needs of the fact catalogue (`engine.model.catalogue.Catalogue` is one)."""

    @property
    def facts(self) -> Mapping[str, FactDef]: ...

    @property
    def scales(self) -> Mapping[str, Scale]: ...


class RuleError(Exception):
    """A problem in one rule, with the column (0-based) inside the rule text; the message and the
    hint are data (`Msg`), said in the reader's language where they are shown."""

    def __init__(self, message: Text, col: int = 0, hint: Text = ""):
        super().__init__(message)
        self.message = message
        self.col = col
        self.hint = hint


_SCALED: dict[str, TypeKind] = {"rating": "rating", "enum": "enum"}
_FACT_TYPES: dict[str, Type] = {
    "bool": BOOL,
    "int": NUMBER,
    "number": NUMBER,
    "percent": NUMBER,
    "date": DATE,
    "series": SERIES,
    "records": RECORDS,
}


# ---------------------------------------------------------------- parsing


_CMP: dict[type[ast.cmpop], CompareOp] = {c.syntax: c.symbol for c in COMPARISONS.values()}
_ARITH: dict[type[ast.operator], ArithOp] = {a.syntax: a.symbol for a in ARITHMETIC.values()}
_LOGIC: dict[type[ast.boolop], LogicOp] = {c.syntax: c.symbol for c in LOGIC.values()}
# what each refused construct is called (a vocabulary entry: problem.campaign_rule_no_<name>)
_REFUSED = {
    ast.Attribute: "attribute",
    ast.Subscript: "index",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
    ast.IfExp: "if_else",
    ast.NamedExpr: "assignment",
    ast.Starred: "starred",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Dict: "dict",
    ast.Set: "set",
    ast.JoinedStr: "fstring",
    ast.Await: "await",
    ast.Yield: "yield",
}


def parse_rule(text: str, catalogue: Catalogue, *, scope_units: bool | None = None) -> Node:
    """Parse and type-check `text`; the result has type bool. Raises `RuleError`.

    `scope_units`: True when the rule reads a unit's facts, False for a person's, None
    when either may be read (the catalogue's `for` is then not checked).
    """
    if not isinstance(text, str) or not text.strip():
        raise RuleError(Msg("problem.campaign_rule_empty"), 0, Msg("problem.campaign_rule_empty_hint"))
    source = _source(text, "rule")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as e:
        col = max((e.offset or 1) - 1, 0)
        bare_date = re.search(r"(?<!['\"\d])\d{4}-\d{2}-\d{2}(?!['\"\d])", source)
        if bare_date:
            raise RuleError(
                Msg("problem.campaign_rule_date_unquoted"),
                bare_date.start(),
                Msg("problem.campaign_rule_write", text=f"'{bare_date.group()}'"),
            ) from None
        # Python's own wording of the syntax error is a programmer's: the hint says what to fix
        raise RuleError(Msg("problem.campaign_rule_unreadable"), col, _syntax_hint(source)) from None
    except (ValueError, RecursionError, MemoryError):
        raise RuleError(Msg("problem.campaign_rule_unreadable")) from None
    lead = len(source) - len(source.lstrip())
    _shallow(tree.body, lead, "rule")
    conv = _Converter(catalogue, scope_units, lead)
    node = conv.convert(tree.body)
    conv._unknown_word(node)
    if node.type != BOOL:
        raise RuleError(
            Msg("problem.campaign_rule_not_bool", type=_type_name(node.type)),
            node.col,
            Msg("problem.campaign_rule_compare_hint"),
        )
    return number(node)


def parse_value(text: str, catalogue: Catalogue, *, scope_units: bool | None = None) -> Node:
    """Parse an expression that yields a number or a rating (ranking keys)."""
    source = _source(str(text), "expression").strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        raise RuleError(
            Msg("problem.campaign_key_unreadable"), max((e.offset or 1) - 1, 0), _syntax_hint(source)
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise RuleError(Msg("problem.campaign_key_unreadable")) from None
    _shallow(tree.body, 0, "expression")
    node = _Converter(catalogue, scope_units, 0).convert(tree.body)
    if node.type == SERIES:
        node = _latest(node, None, catalogue)
    if node.type.kind not in ("number", "rating", "bool"):
        raise RuleError(Msg("problem.campaign_key_not_number", type=_type_name(node.type)), node.col)
    return number(node)


def _source(text: str, what: str) -> str:
    """The text as one line, once it is known to hold only what the language is written with.

    Python's reader would skip a `#` comment (the rest of the rule silently ignored) and fold
    look-alike letters into ASCII (`ｓｔａｆｆ_total`, `ℓ` read as `l`); both are refused here."""
    if len(text) > MAX_RULE_LENGTH:
        raise RuleError(
            Msg(f"problem.campaign_{what}_too_long", n=MAX_RULE_LENGTH, length=len(text)), 0, _shorter(what)
        )
    source = " ".join(text.split("\n"))
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            col = tok.start[1]
            if tok.type == tokenize.COMMENT:
                raise RuleError(Msg("problem.campaign_rule_comment"), col, Msg("problem.campaign_rule_comment_hint"))
            if tok.type != tokenize.STRING and not tok.string.isascii():
                odd = next(c for c in tok.string if not c.isascii())
                plain = unicodedata.normalize("NFKC", tok.string)
                raise RuleError(
                    Msg("problem.campaign_rule_non_ascii", word=tok.string, char=odd, code=f"U+{ord(odd):04X}"),
                    col + tok.string.index(odd),
                    Msg("problem.did_you_mean", word=plain) if plain.isascii() else Msg("problem.campaign_rule_ascii"),
                )
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # unbalanced brackets and the like: the parser says where
    return source


def _shorter(what: str) -> Msg:
    return Msg("problem.campaign_rule_split" if what == "rule" else "problem.campaign_key_shorter")


def _shallow(tree: ast.AST, lead: int, what: str) -> None:
    """Refuse operators nested deeper than `limits.MAX_RULE_DEPTH` before anything recurses on
    the tree (the converter, the interpreter, the code generator, the Rete network)."""
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.operator | ast.unaryop | ast.boolop | ast.cmpop | ast.expr_context):
            continue
        if depth > limits.MAX_RULE_DEPTH:
            raise RuleError(
                Msg("problem.campaign_rule_too_deep", n=limits.MAX_RULE_DEPTH),
                getattr(node, "col_offset", 0) + lead,
                _shorter(what),
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _syntax_hint(source: str) -> Msg:
    if "=" in source and "==" not in source and not re.search(r"[<>!]=", source):
        return Msg("problem.campaign_rule_use_eq")
    if re.search(r"\b(AND|OR|NOT|&&|\|\|)\b", source) or "&&" in source or "||" in source:
        return Msg("problem.campaign_rule_lower_case")
    if re.search(r"\d{4}-\d{2}-\d{2}", source) and "'" not in source:
        return Msg("problem.campaign_rule_quote_dates")
    return Msg("problem.campaign_rule_check_brackets")


class _Converter:
    def __init__(self, catalogue: Catalogue, scope_units: bool | None, lead: int):
        self.cat = catalogue
        self.scope_units = scope_units
        self.lead = lead

    def col(self, node: ast.AST) -> int:
        return getattr(node, "col_offset", 0) + self.lead

    def convert(self, node: ast.AST) -> Node:
        for kind, what in _REFUSED.items():
            if isinstance(node, kind):
                raise RuleError(
                    Msg("problem.campaign_rule_refused", what=Msg(f"problem.campaign_rule_no_{what}")), self.col(node)
                )
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise RuleError(Msg("problem.campaign_rule_refused", what=f"'{type(node).__name__}'"), self.col(node))
        out: Node = method(node)
        return out

    # leaves
    def _Name(self, node: ast.Name) -> Node:
        name = node.id
        col = self.col(node)
        if name.startswith("_"):
            raise RuleError(Msg("problem.campaign_rule_underscore", name=name), col)
        if name in ("true", "True"):
            return _const(True, BOOL, col)
        if name in ("false", "False"):
            return _const(False, BOOL, col)
        fact = self.cat.facts.get(name)
        if fact is None:
            return Const(type=WORD, col=col, value=name)  # resolved by the comparison
        if self.scope_units is not None:
            who = "units" if self.scope_units else "people"
            if who not in fact.for_:
                hint = (
                    Msg("problem.campaign_rule_scope_unit")
                    if who == "people" and "units" in fact.for_
                    else Msg(
                        "problem.campaign_rule_fact_for", who=[Msg(f"problem.campaign_for_{w}") for w in fact.for_]
                    )
                )
                raise RuleError(Msg(NOT_A_FACT_OF, name=name, who=Msg(f"problem.campaign_for_{who}")), col, hint)
        ftype = _FACT_TYPES[fact.type] if fact.type in _FACT_TYPES else Type(_SCALED[fact.type], fact.scale)
        return Fact(type=ftype, col=col, key=name)

    def _Constant(self, node: ast.Constant) -> Node:
        v = node.value
        col = self.col(node)
        if isinstance(v, bool):
            return _const(v, BOOL, col)
        if isinstance(v, int | float):
            if abs(v) > MAX_NUMBER or v != v:
                raise RuleError(Msg("problem.campaign_rule_number_range", value=str(v)), col)
            return _const(v, NUMBER, col)
        if isinstance(v, str):
            if DATE_RE.match(v):
                try:
                    return _const(dt.date.fromisoformat(v), DATE, col)
                except ValueError:
                    raise RuleError(Msg("problem.campaign_rule_no_such_date", value=v), col) from None
            return Const(type=WORD, col=col, value=v)
        raise RuleError(Msg("problem.campaign_rule_refused", what=repr(v)), col)

    # operators
    def _BoolOp(self, node: ast.BoolOp) -> Node:
        op = _LOGIC[type(node.op)]
        items = [self._bool(v) for v in node.values]
        return Logic(type=BOOL, col=self.col(node), op=op, items=items)

    def _UnaryOp(self, node: ast.UnaryOp) -> Node:
        if isinstance(node.op, ast.Not):
            item = self._bool(node.operand)
            return Not(type=BOOL, col=self.col(node), item=item)
        if isinstance(node.op, ast.USub | ast.UAdd):
            item = self._number(node.operand)
            if isinstance(node.op, ast.UAdd):
                return item
            if isinstance(item, Const):
                return _const(-item.value, NUMBER, self.col(node))
            return Neg(type=NUMBER, col=self.col(node), item=item)
        raise RuleError(Msg("problem.campaign_rule_operator"), self.col(node))

    def _BinOp(self, node: ast.BinOp) -> Node:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise RuleError(Msg("problem.campaign_rule_arith"), self.col(node), Msg("problem.campaign_rule_arith_hint"))
        left = self._number(node.left)
        right = self._number(node.right)
        return Arith(type=NUMBER, col=self.col(node), op=op, left=left, right=right)

    def _Compare(self, node: ast.Compare) -> Node:
        operands = [node.left, *node.comparators]
        pairs: list[Node] = []
        for i, op in enumerate(node.ops):
            sym = _CMP.get(type(op))
            if sym is None:
                raise RuleError(Msg("problem.campaign_rule_cmp"), self.col(node), Msg("problem.campaign_rule_cmp_hint"))
            pairs.append(self._compare(sym, operands[i], operands[i + 1], self.col(node)))
        if len(pairs) == 1:
            return pairs[0]
        return Logic(type=BOOL, col=self.col(node), op="and", items=pairs)

    def _Call(self, node: ast.Call) -> Node:
        col = self.col(node)
        if not isinstance(node.func, ast.Name):
            raise RuleError(Msg("problem.campaign_rule_functions_only", names=list(BUILTINS)), col)
        name = node.func.id
        builtin = BUILTINS.get(name)
        if builtin is None:
            raise RuleError(
                Msg("problem.campaign_rule_unknown_function", name=name),
                col,
                did_you_mean(name, BUILTINS) or Msg("problem.campaign_rule_functions", names=list(BUILTINS)),
            )
        if node.keywords:
            raise RuleError(Msg("problem.campaign_rule_keywords", name=name), col)
        args = [self.convert(a) for a in node.args]
        args = [_coerce(a, builtin.accepts(i), self.cat) if i < len(builtin.params) else a for i, a in enumerate(args)]
        try:
            result = builtin.check(args)
        except ArgumentError as e:
            raise RuleError(
                e.message, col, Msg("problem.campaign_rule_signature", signature=builtin.signature)
            ) from None
        return _call(builtin, args, col, self.cat, result)

    # helpers
    def _bool(self, node: ast.AST) -> Node:
        item = self.convert(node)
        if item.type != BOOL:
            self._unknown_word(item)
            raise RuleError(
                Msg("problem.campaign_rule_want_bool", type=_type_name(item.type)),
                item.col,
                Msg("problem.campaign_rule_compare_hint"),
            )
        return item

    def _number(self, node: ast.AST) -> Node:
        item = self.convert(node)
        if item.type == SERIES:
            return _latest(item, item.col, self.cat)
        if item.type != NUMBER:
            self._unknown_word(item)
            raise RuleError(Msg("problem.campaign_rule_want_number", type=_type_name(item.type)), item.col)
        return item

    def _unknown_word(self, item: Node) -> None:
        if isinstance(item, Const) and item.type.kind == "word":
            word = str(item.value)
            raise RuleError(
                Msg("problem.campaign_rule_unknown_fact", name=word),
                item.col,
                did_you_mean(word, self.cat.facts) or Msg("problem.campaign_rule_see_facts"),
            )

    def _compare(self, op: CompareOp, left_ast: ast.AST, right_ast: ast.AST, col: int) -> Node:
        left = self.convert(left_ast)
        right = self.convert(right_ast)
        left = _latest(left, left.col, self.cat) if left.type == SERIES else left
        right = _latest(right, right.col, self.cat) if right.type == SERIES else right
        # a bare word takes its meaning from the other side (a rating or enum value)
        if left.type.kind == "word" and right.type.kind == "word":
            self._unknown_word(left)
        if right.type.kind == "word":
            right = self._resolve_word(right, left)
        if left.type.kind == "word":
            left = self._resolve_word(left, right)
        lt, rt = left.type, right.type
        if lt != rt:
            raise RuleError(
                Msg("problem.campaign_rule_cannot_compare", left=_type_name(lt), right=_type_name(rt)),
                col,
                Msg("problem.campaign_rule_same_type"),
            )
        if lt.kind in ("enum", "bool", "records") and COMPARISONS[op].ordered:
            raise RuleError(Msg("problem.campaign_rule_no_order", type=_type_name(lt)), col)
        ranks = None
        if lt.kind == "rating":
            scale = self.cat.scales[lt.scale or ""]
            ranks = {v: scale.rank(v) for v in scale.names}
        return Compare(type=BOOL, col=col, op=op, left=left, right=right, ranks=ranks)

    def _resolve_word(self, word: Node, other: Node) -> Node:
        assert isinstance(word, Const)
        value = str(word.value)
        if other.type.kind in ("rating", "enum"):
            scale: Scale = self.cat.scales[other.type.scale or ""]
            if value not in scale.names:
                raise RuleError(
                    Msg("problem.campaign_rule_not_in_scale", value=value, scale=other.type.scale or ""),
                    word.col,
                    did_you_mean(value, scale.names) or Msg("problem.campaign_rule_values", values=list(scale.names)),
                )
            return _const(value, other.type, word.col)
        self._unknown_word(word)
        raise AssertionError("unreachable")


def _type_name(t: Type) -> Msg:
    """What a value of the type is called in a message (a rating's or an enum's scale by its key)."""
    if t.kind in ("rating", "enum"):
        return Msg("problem.campaign_type_scaled", scale=t.scale or "")
    return Msg(f"problem.campaign_type_{t.kind}")


def _const(value: object, typ: Type, col: int) -> Const:
    return Const(type=typ, col=col, value=value)


def _latest(series: Node, col: int | None, catalogue: Catalogue) -> Node:
    """A series read as a number: through the builtin that reads series (`latest(series)`, made
    explicit in the IR)."""
    reader = next(b for b in BUILTINS.values() if b.reads_series)
    return _call(reader, [series], series.col if col is None else col, catalogue, NUMBER)


def _coerce(arg: Node, accepts: tuple[Type, ...], catalogue: Catalogue) -> Node:
    """An argument of a type its parameter does not accept but can read: a series where a number is wanted."""
    if arg.type == SERIES and SERIES not in accepts and NUMBER in accepts:
        return _latest(arg, None, catalogue)
    return arg


def _call(builtin: Builtin, args: list[Node], col: int, catalogue: Catalogue, result: Type) -> Call:
    """A call, with the options its builtin reads from the catalogue (`Builtin.marks`: a series
    the catalogue marks `cumulative: true` is read as one)."""
    options: dict[str, object] = {}
    fact = catalogue.facts.get(args[0].key) if args and isinstance(args[0], Fact) else None
    for mark in builtin.marks:
        if fact is not None and getattr(fact, mark, False):
            options[mark] = True
    return Call(type=result, col=col, name=builtin.name, args=args, options=options)
