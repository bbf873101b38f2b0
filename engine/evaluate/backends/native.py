"""The native backend: every rule compiled once to straight-line Python, cached by content hash.

The IR (`engine.lang.ir`) becomes the source of one small function per rule and ranking key —
three-valued logic spelled out as `is` tests on the UNKNOWN / NA markers, builtins called
through their one implementation (`engine.lang.builtins`) — returning the value of every node
in pre-order: exactly the trace of the reference interpreter (`engine.lang.interpret`), which
tests/test_differential.py holds it to. The source is compiled with `compile()` once per
distinct text (`_CODE`, keyed by its SHA-256; the text holds only generated identifiers and
`repr`s of numbers, never rule text; the cache is content-addressed, so it changes no result).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from engine.common.speed import gc_paused
from engine.evaluate.backends.base import Traces, Work
from engine.evaluate.trace import Evaluable, RuleTrace
from engine.lang import NA, UNKNOWN, Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not
from engine.lang.builtins import BUILTINS
from engine.model.campaign import Campaign

_CODE: dict[str, dict[str, Any]] = {}  # sha256 of generated source → its namespace
RuleFn = Callable[[Any], RuleTrace]


class _Gen:
    """Emits Python statements computing every node of an expression into a variable."""

    def __init__(self, consts: dict[str, Any]):
        self.consts = consts  # shared namespace entries: name → value
        self.n = 0

    def var(self) -> str:
        self.n += 1
        return f"v{self.n}"

    def const(self, value: Any) -> str:
        for name, v in self.consts.items():
            if type(v) is type(value) and v == value:
                return name
        name = f"k{len(self.consts)}"
        self.consts[name] = value
        return name

    def tree(self, root: Node, env: str, out: list[str], pad: str) -> str:
        """Statements for the whole expression; returns the expression of its trace tuple."""
        names: dict[int, str] = {}
        self.emit(root, env, out, pad, names)
        return "(" + "".join(f"{names[i]}, " for i in range(root.size())) + ")"

    def emit(self, node: Node, env: str, out: list[str], pad: str, names: dict[int, str]) -> tuple[str, bool]:
        """Append statements to `out`; return (expression of the value, may it be a marker)."""
        expr, marker = self._emit(node, env, out, pad, names)
        names[node.idx] = expr
        return expr, marker

    def _emit(self, node: Node, env: str, out: list[str], pad: str, names: dict[int, str]) -> tuple[str, bool]:
        if isinstance(node, Const):
            v = node.value
            if isinstance(v, bool | int | float):
                return repr(v), False
            return self.const(v), False
        if isinstance(node, Fact):
            x = self.var()
            out.append(f"{pad}{x} = {env}.get({node.key!r}, U)")
            return x, True
        if isinstance(node, Call):
            args = [self.emit(a, env, out, pad, names)[0] for a in node.args]
            x = self.var()
            fn = self.const(BUILTINS[node.name].impl)
            args += [f"{k}={v!r}" for k, v in node.options.items()]
            out.append(f"{pad}{x} = {fn}({', '.join(args)})")
            return x, True
        if isinstance(node, Neg):
            a, ma = self.emit(node.item, env, out, pad, names)
            x = self.var()
            out.append(f"{pad}{x} = {a} if ({a} is NA or {a} is U) else -{a}" if ma else f"{pad}{x} = -{a}")
            return x, ma
        if isinstance(node, Arith):
            a, ma = self.emit(node.left, env, out, pad, names)
            b, mb = self.emit(node.right, env, out, pad, names)
            x = self.var()
            calc = f"{a} {node.op} {b}"
            if node.op == "/":
                calc = f"(NA if {b} == 0 else {a} / {b})"
            out.append(f"{pad}{x} = {_guard([a] * ma + [b] * mb, calc)}")
            return x, True
        if isinstance(node, Compare):
            (a, ma), (b, mb) = (self.emit(s, env, out, pad, names) for s in (node.left, node.right))
            ra, rb = a, b
            if node.ranks is not None:  # ratings compare by rank, looked up once the operands are known
                table = self.const(node.ranks)
                ra, rb = (
                    repr(node.ranks[s.value]) if isinstance(s, Const) else f"{table}[{e}]"
                    for s, e in ((node.left, a), (node.right, b))
                )
            x = self.var()
            out.append(f"{pad}{x} = {_guard([a] * ma + [b] * mb, f'{ra} {node.op} {rb}')}")
            return x, True
        if isinstance(node, Not):
            a, _ = self.emit(node.item, env, out, pad, names)
            x = self.var()
            out.append(f"{pad}{x} = {a} if ({a} is U or {a} is NA) else not {a}")
            return x, True
        if isinstance(node, Logic):
            items = [self.emit(i, env, out, pad, names)[0] for i in node.items]
            win, lose = ("True", "False") if node.op == "or" else ("False", "True")
            x = self.var()

            def any_(what: str) -> str:
                return " or ".join(f"{i} is {what}" for i in items)

            out.append(
                f"{pad}{x} = {win} if ({any_(win)}) else (U if ({any_('U')}) else ({lose} if ({any_(lose)}) else NA))"
            )
            return x, True
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover - the parser refuses


def _guard(markers: list[str], calc: str) -> str:
    """`calc`, unless an operand is n/a (→ NA) or unknown (→ U)."""
    if not markers:
        return calc
    na = " or ".join(f"{m} is NA" for m in markers)
    unknown = " or ".join(f"{m} is U" for m in markers)
    return f"NA if ({na}) else (U if ({unknown}) else {calc})"


def _build(source: str, consts: dict[str, Any]) -> dict[str, Any]:
    key = hashlib.sha256((source + repr(sorted(consts.items(), key=lambda kv: kv[0]))).encode()).hexdigest()
    ns = _CODE.get(key)
    if ns is None:
        ns = {"U": UNKNOWN, "NA": NA, "RuleTrace": RuleTrace, **consts}
        exec(compile(source, f"<thidua rules {key[:12]}>", "exec"), ns)  # generated from the IR only
        _CODE[key] = ns
    return ns


def _item_lines(gen: _Gen, item: Evaluable, name: str) -> list[str]:
    """`def name(env)` returning the item's RuleTrace exactly as `engine.evaluate.trace.reference`."""
    out = [f"def {name}(env):"]
    nodes = gen.tree(item.node, "env", out, "    ")
    out.append(f"    t = {nodes}")
    if item.waiver is not None:
        good = item.kind == "criterion"
        out.append(f"    if t[0] is not {good}:")
        waiver = gen.tree(item.waiver, "env", out, "        ")
        out.append(f"        return RuleTrace(t, {waiver})")
    out.append("    return RuleTrace(t, None)")
    return out


def item_functions(campaign: Campaign) -> dict[int, RuleFn]:
    """id(item) → a function env → RuleTrace, for every rule and ranking key of the campaign."""
    consts: dict[str, Any] = {}
    gen = _Gen(consts)
    src: list[str] = []
    names: dict[int, str] = {}
    items: list[Evaluable] = [*campaign.items()]
    for k, item in enumerate(items):
        names[id(item)] = f"item_{k}"
        src += _item_lines(gen, item, f"item_{k}")
    ns = _build("\n".join(src) + "\n", consts)
    return {iid: ns[name] for iid, name in names.items()}


class NativeBackend:
    name = "native"

    def run(self, campaign: Campaign, work: Work) -> Traces:
        fns = item_functions(campaign)
        with gc_paused():
            return [[fns[id(item)](env) for item, env in items] for items in work]
