"""The native backend: every rule compiled once to straight-line Python.

The IR (`engine.lang.ir`) becomes the source of one small function per rule and ranking key,
returning the value of every node in pre-order: exactly the trace of the reference interpreter
(`engine.lang.interpret`). The generated code has no operator logic of its own: every node is a
call of the runtime function the interpreter calls — an operator's `run` from its registry entry
(`engine.lang.operators`), a builtin's `impl` (`engine.lang.builtins`), `needs_waiver` for when a
waiver is looked at (`engine.evaluate.trace`) — bound into the code's namespace, so native equals
the reference by construction (tests/test_differential.py checks it still, and
tests/test_operators.py that the code only calls). What is left is straight-line code: no
tree walk, no dispatch on node types, one call per node.

The source text holds only generated identifiers and `repr`s of numbers, never rule text; its
compiled code is kept in a bounded cache keyed by the text (`_code`, least recently used out):
a long-running server evaluating many campaigns holds at most `CODE_CACHE` of them.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from types import CodeType
from typing import Any

from engine.common.speed import gc_paused
from engine.evaluate.backends.base import Traces, Work
from engine.evaluate.trace import Evaluable, RuleTrace, needs_waiver
from engine.lang import Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not
from engine.lang.builtins import BUILTINS
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC, minus, negate
from engine.lang.values import UNKNOWN
from engine.model.campaign import Campaign

CODE_CACHE = 64  # compiled campaigns kept (each a few hundred kB of code at most)
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

    def emit(self, node: Node, env: str, out: list[str], pad: str, names: dict[int, str]) -> str:
        """Append the statements computing `node` to `out`; return the expression of its value."""
        expr = self._emit(node, env, out, pad, names)
        names[node.idx] = expr
        return expr

    def _emit(self, node: Node, env: str, out: list[str], pad: str, names: dict[int, str]) -> str:
        if isinstance(node, Const):
            v = node.value
            return repr(v) if isinstance(v, bool | int | float) else self.const(v)
        x = self.var()
        if isinstance(node, Fact):
            out.append(f"{pad}{x} = {env}.get({node.key!r}, U)")
            return x
        fn, args, extra = self._call(node)
        operands = [self.emit(a, env, out, pad, names) for a in args]
        out.append(f"{pad}{x} = {self.const(fn)}({', '.join(operands + extra)})")
        return x

    def _call(self, node: Node) -> tuple[Callable[..., Any], list[Node], list[str]]:
        """The runtime function a node is a call of, its operand nodes and any further arguments."""
        if isinstance(node, Call):
            return BUILTINS[node.name].impl, node.args, [f"{k}={self.const(v)}" for k, v in node.options.items()]
        if isinstance(node, Neg):
            return minus, [node.item], []
        if isinstance(node, Not):
            return negate, [node.item], []
        if isinstance(node, Arith):
            return ARITHMETIC[node.op].run, [node.left, node.right], []
        if isinstance(node, Compare):
            c = COMPARISONS[node.op]
            if node.ranks is None:
                return c.run, [node.left, node.right], []
            return c.run_ranked, [node.left, node.right], [self.const(node.ranks)]
        if isinstance(node, Logic):
            return LOGIC[node.op].run, node.items, []
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover - the parser refuses


@functools.lru_cache(maxsize=CODE_CACHE)
def _code(source: str) -> CodeType:
    """The compiled source (the expensive part), least recently used out past `CODE_CACHE`."""
    key = hashlib.sha256(source.encode()).hexdigest()
    return compile(source, f"<thidua rules {key[:12]}>", "exec")


def _build(source: str, consts: dict[str, Any]) -> dict[str, Any]:
    ns = {"U": UNKNOWN, "RuleTrace": RuleTrace, "needs_waiver": needs_waiver, **consts}
    exec(_code(source), ns)  # generated from the IR only: defines the item functions
    return ns


def _item_lines(gen: _Gen, item: Evaluable, name: str) -> list[str]:
    """`def name(env)` returning the item's RuleTrace exactly as `engine.evaluate.trace.reference`."""
    out = [f"def {name}(env):"]
    nodes = gen.tree(item.node, "env", out, "    ")
    out.append(f"    t = {nodes}")
    if item.waiver is not None:
        out.append(f"    if needs_waiver({item.kind!r}, t[0]):")
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
