"""The durable-rules backend: the campaign's rules run on a Rete engine (durable-rules' C core).

It is the second, independent implementation of the rule language: it shares the parsed IR
(`engine.lang.ir`) with the reference interpreter but decides every *boolean* node of an
expression — each comparison, each `and`/`or`/`not`, each boolean fact and boolean call — in
the Rete engine. Every boolean node of every rule, waiver and ranking key gets a *slot*: four
durable-rules rules — *true*, *false*, *unknown*, *not applicable* — whose conditions
partition every possible candidate, so exactly one fires per slot and candidate, and a run
checks that it did. Kleene logic is spelled out as presence tests:

    leaf           true / false                     unknown                 n/a
    x op y         all present ∧ divisors ≠ 0 ∧ cmp  none n/a ∧ one missing   one n/a ∨ a divisor = 0
    a and b        F = F(a) ∨ F(b);  U = ¬F(a) ∧ ¬F(b) ∧ (U(a) ∨ U(b));  T = (T|N)(a) ∧ (T|N)(b) ∧ (T(a) ∨ T(b))

An `and`/`or`/`not` node's slot expands its whole subtree, so Rete decides it from the facts,
not from its children's outcomes. The C core refuses a ruleset whose condition has too many
nested expressions ("error code: 113", ERR_EXPRESSION_LIMIT_EXCEEDED); an `and`/`or`/`not`
whose outcome conditions would weigh more than MAX_WEIGHT (`_weight`) gets no slot and is
combined from its children's outcomes with the interpreter's Kleene `combine` — its children,
down to the comparisons, are still Rete's.

The trace (`engine.evaluate.trace.RuleTrace`) is filled node by node: a boolean node's value
is its slot's outcome (True / False / UNKNOWN / NA); every non-boolean node — constants,
facts that are numbers, words, dates, series or records, arithmetic, `at`/`latest` — is read
in Python from the facts with the interpreter's semantics (`engine.lang.interpret`, which calls
the builtins' one implementation, `engine.lang.builtins.BUILTINS[name].impl`), in its own
type: a rating is its word, a date a `datetime.date`. The same reading gives the derived fields
Rete compares (a call, arithmetic on the left of a comparison), encoded as Rete needs them.
The waiver's trace is present exactly when `needs_waiver(kind, value)`. A ranking key that
gives a number or a rating has no boolean node: its trace is read in Python.

The traps of durable-rules 2.0.28 (issue 5) and what this module does about them:

- `post()` events are consumed by the first rule that matches → facts are asserted
  (`assert_fact`), one per candidate (per distinct fact set, for `scope: unit`), and
  retracted once its actions ran, so the session never grows;
- a fact that no rule matches raises `MessageNotHandledException` → the four outcomes of a
  slot are exhaustive, and a fact is asserted only when one of its items has a slot; if it is
  raised anyway, it is reported as a bug, not ignored;
- ruleset names are process-global and cannot be registered twice → a ruleset is named by
  the hash of its definition and registered once per process, then reused;
- identical facts raise `MessageObservedException` → every fact carries a fresh `id`;
- exceptions inside actions are swallowed → actions only record, and a run checks that
  every slot of every item asserted got exactly one distinct outcome (and no other slot
  fired), raising otherwise;
- an `$or` becomes one Rete branch per disjunct, so an outcome may fire more than once →
  outcomes are counted distinct;
- one condition past the C core's expression limit refuses the whole ruleset (error code 113)
  → MAX_WEIGHT, above;
- comparisons take arithmetic only on the right-hand side → arithmetic on the left is
  computed before asserting (a derived field, by the interpreter's arithmetic); divisions on
  the right are guarded: a zero divisor is *not applicable*;
- integer division in the C core (7 / 2 = 3) → every number is asserted as a float (ratings
  as their rank, dates as their ordinal; the trace keeps the original values);
- no notion of a missing value, and a field-versus-field comparison fires when the right
  field is missing → every comparison is guarded by presence tests, and n/a is a marker
  field (`<key>__na`);
- a rule whose only condition is an absence test hangs → every condition starts with the
  positive test of the item's flag (`rule__<k> == 1`);
- the background dispatcher runs actions later on another thread → this module's host has
  no dispatcher: actions run synchronously inside `assert_fact`;
- the C core's JSON reader takes no exponent (`1e-05`: error code 204) → durable-rules is
  handed JSON whose floats are written out in full (`_PlainNumbersJson`).

durable-rules is imported only when this backend is chosen (`engine.evaluate.backends.get_backend`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.evaluate.backends.base import Traces, Work
from engine.evaluate.trace import Evaluable, RuleTrace, needs_waiver
from engine.lang import NA, UNKNOWN, Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not, Trace, Value, trace
from engine.lang.ir import BOOL, CompareOp
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC, combine, negate
from engine.model.campaign import Campaign
from engine.model.catalogue import Catalogue

Cond = Any  # a durable-rules condition (JSON-like dict), or True (always) / False (never)
Operand = tuple[Any, ...]  # ("field", name) | ("const", value) | ("arith", op, left, right)
Getter = Callable[[Mapping[str, Any]], Any]
Four = dict[str, Cond]  # outcome (T/F/U/N) → its condition

OUTCOMES = ("T", "F", "U", "N")
_VALUE: dict[str, Value] = {"T": True, "F": False, "U": UNKNOWN, "N": NA}
# the weight of one outcome's condition (`_weight`) past which an and/or/not is combined in
# Python: measured on durable-rules 2.0.28, conditions of weight 54 register and of 57 can fail
MAX_WEIGHT = 54


class DurableError(RuntimeError):
    """durable-rules did something the backend cannot trust (a bug here or in the engine), or an
    expression its Rete translation cannot express: then its one argument is a `Msg`, the user's
    to read (`_Builder.plan`)."""


# ---------------------------------------------------------------- conditions


def _and(*items: Cond) -> Cond:
    out: list[Any] = []
    for c in items:
        if c is False:
            return False
        if c is True:
            continue
        out.extend(c["$and"] if isinstance(c, dict) and set(c) == {"$and"} else [c])
    if not out:
        return True
    return out[0] if len(out) == 1 else {"$and": out}


def _or(*items: Cond) -> Cond:
    out: list[Any] = []
    for c in items:
        if c is True:
            return True
        if c is False:
            continue
        out.extend(c["$or"] if isinstance(c, dict) and set(c) == {"$or"} else [c])
    if not out:
        return False
    return out[0] if len(out) == 1 else {"$or": out}


def _present(f: str) -> Cond:
    return {"$ex": {f: 1}}


def _absent(f: str) -> Cond:
    return {"$nex": {f: 1}}


def _na(f: str) -> Cond:
    return {f + "__na": 1}


def _not_na(f: str) -> Cond:
    return {"$nex": {f + "__na": 1}}


def _missing(f: str) -> Cond:
    return _and(_absent(f), _not_na(f))


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
        return slots, len(conds), sum(map(_branches, conds)), max(map(_weight, conds), default=0)


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
            return {"T": {f: True}, "F": {f: False}, "U": _missing(f), "N": _na(f)}
        if isinstance(node, Not):
            inner = self.four(node.item)
            return {"T": inner["F"], "F": inner["T"], "U": inner["U"], "N": inner["N"]}
        if isinstance(node, Logic):
            parts = [self.four(i) for i in node.items]
            win, lose = ("T", "F") if LOGIC[node.op].decisive else ("F", "T")
            return {
                win: _or(*(p[win] for p in parts)),
                "U": _and(
                    *(_or(p[lose], p["U"], p["N"]) for p in parts),
                    _or(*(p["U"] for p in parts)),
                ),
                lose: _and(*(_or(p[lose], p["N"]) for p in parts), _or(*(p[lose] for p in parts))),
                "N": _and(*(p["N"] for p in parts)),
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
        leaves = _leaves(left) + [f for f in _leaves(right) if f not in _leaves(left)]
        divisions = _divisions(right)
        any_na = _or(*(_na(f) for f in leaves))
        div_zero = [_and(*(_present(f) for f in sub), _is_zero(d)) for sub, d in divisions]
        div_ok = [_or(*(_absent(f) for f in sub), _not_zero(d)) for sub, d in divisions]
        all_known = _and(*(_present(f) for f in leaves), *(_not_zero(d) for _, d in divisions))
        return {
            "T": _and(all_known, _cmp(op, left[1], right)),
            "F": _and(all_known, _cmp(COMPARISONS[op].negation, left[1], right)),
            "U": _and(*(_not_na(f) for f in leaves), _or(*(_absent(f) for f in leaves)), *div_ok),
            "N": _or(any_na, *div_zero),
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
            if isinstance(node, Logic | Not) and max(_weight(_and(_FLAG, c)) for c in four.values()) > MAX_WEIGHT:
                op = node.op if isinstance(node, Logic) else "not"
                combined.append((node.idx, op, tuple(c.idx for c in node.children())))
            else:
                slots[node.idx] = decide(four)
        combined.reverse()  # children (larger idx) before their parents
        return _Plan(root.size(), slots, combined, read)


def _leaves(op: Operand) -> list[str]:
    if op[0] == "field":
        return [op[1]]
    if op[0] == "arith":
        return _leaves(op[2]) + [f for f in _leaves(op[3]) if f not in _leaves(op[2])]
    return []


def _divisions(op: Operand) -> list[tuple[list[str], Operand]]:
    """Every division in an operand: the fields of its subtree and its divisor."""
    if op[0] != "arith":
        return []
    out = _divisions(op[2]) + _divisions(op[3])
    if op[1] == "/":
        divisor = op[3]
        if divisor[0] == "arith":
            raise DurableError(Msg("problem.eval_durable_divisor"))
        out.append((_leaves(op), divisor))
    return out


def _is_zero(divisor: Operand) -> Cond:
    if divisor[0] == "const":
        return divisor[1] == 0
    return {divisor[1]: 0.0}


def _not_zero(divisor: Operand) -> Cond:
    if divisor[0] == "const":
        return divisor[1] != 0
    return {"$neq": {divisor[1]: 0.0}}


def _rhs(op: Operand) -> Any:
    if op[0] == "const":
        return op[1]
    if op[0] == "field":
        return {"$m": op[1]}
    return {ARITHMETIC[op[1]].rete: {"$l": _rhs(op[2]), "$r": _rhs(op[3])}}


def _cmp(op: CompareOp, left: str, right: Operand) -> Cond:
    rhs = _rhs(right)
    rete = COMPARISONS[op].rete  # equality is a bare {field: value}
    return {left: rhs} if rete is None else {rete: {left: rhs}}


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
                    definition[f"s{slot}_{outcome}"] = {"all": [{"m": _and(flag, cond)}]}
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


_FLAG = {"rule__0": 1}  # an item's flag, as every registered condition starts with one


def _weight(cond: Cond, top: bool = True) -> int:
    """How heavily a condition counts against the C core's expression limit: one per test, two
    per nested `$and`/`$or` (its begin and end); an upper bound, as flat tests weigh less there."""
    if isinstance(cond, dict) and len(cond) == 1 and next(iter(cond)) in ("$and", "$or"):
        return sum(_weight(c, False) for c in next(iter(cond.values()))) + (0 if top else 2)
    return 1


def _branches(cond: Cond) -> int:
    """How many Rete branches a condition becomes (its disjunctive normal form)."""
    if isinstance(cond, dict) and len(cond) == 1:
        if "$or" in cond:
            return sum(_branches(c) for c in cond["$or"])
        if "$and" in cond:
            n = 1
            for c in cond["$and"]:
                n *= _branches(c)
            return n
    return 1


# ---------------------------------------------------------------- the engine


class _Sink:
    """Where actions record what fired; an action never raises into durable-rules."""

    def __init__(self) -> None:
        self.fired: list[tuple[int, int, str]] = []
        self.errors: list[BaseException] = []

    def action(self, name: str) -> Callable[[Any], None]:
        slot_name, outcome = name.split("_")
        slot = int(slot_name[1:])

        def run(c: Any) -> None:
            try:
                self.fired.append((int(c.m["id"]), slot, outcome))
            except BaseException as e:  # swallowed by durable-rules otherwise
                self.errors.append(e)

        return run


class _PlainNumbersJson:
    """The `json` durable-rules' Python side uses to hand facts and rulesets to its C core, which
    cannot read a number in exponent form: `1e-05` (a 0.001% share, a ratio 1/20001 computed on
    the left of a comparison) fails the assert with error code 204. Every float whose repr has an
    exponent is written out in full instead (`0.00001`), from its repr, so the C core reads the
    very same float; everything else is `json`'s own."""

    loads = staticmethod(json.loads)

    @staticmethod
    def dumps(obj: Any, **kw: Any) -> str:
        plain: list[str] = []

        def mark(o: Any) -> Any:
            if type(o) is float and "e" in repr(o):
                text = format(Decimal(repr(o)), "f")
                plain.append(text if "." in text else text + ".0")
                return f"\0{len(plain) - 1}\0"
            if isinstance(o, dict):
                return {k: mark(v) for k, v in o.items()}
            if isinstance(o, list | tuple):
                return [mark(v) for v in o]
            return o

        text = json.dumps(mark(obj), **kw)
        for i, number in enumerate(plain):
            text = text.replace(json.dumps(f"\0{i}\0"), number, 1)
        return text


_lock = threading.Lock()
_host: Any = None
_sinks: dict[str, _Sink] = {}
_ids = itertools.count(1)


def _get_host() -> Any:
    global _host
    if _host is None:
        from durable import engine

        engine.json = _PlainNumbersJson  # its C core reads no exponents: see _PlainNumbersJson

        class SyncHost(engine.Host):  # type: ignore[misc]
            def _run(self) -> None:  # no background dispatcher: actions run inside assert_fact
                pass

        _host = SyncHost()
    return _host


def _register(compiled: _Compiled) -> _Sink:
    sink = _sinks.get(compiled.name)
    if sink is None:
        sink = _Sink()
        rules = {n: {**json.loads(json.dumps(d)), "run": sink.action(n)} for n, d in compiled.definition.items()}
        _get_host().register_rulesets({compiled.name: rules})
        _sinks[compiled.name] = sink
    return sink


class DurableBackend:
    name = "durable"

    def run(self, campaign: Campaign, work: Work) -> Traces:
        from durable.engine import MessageNotHandledException, MessageObservedException

        compiled = compile_campaign(campaign)
        with _lock:
            sink = _register(compiled)
            host = _get_host()
            out: Traces = []
            try:
                # durable-rules leaves reference cycles behind every action (closures, callbacks),
                # ~12 kB a candidate: unlike our own bulk work, this runs with the collector on
                for items in work:
                    out.append(self._candidate(compiled, sink, host, items))
            except MessageNotHandledException as e:
                raise DurableError(f"durable-rules: no rule matched a fact ({e})") from None
            except MessageObservedException as e:
                raise DurableError(f"durable-rules: a fact was asserted twice ({e})") from None
            finally:
                sink.fired.clear()
        return out

    def _candidate(
        self, compiled: _Compiled, sink: _Sink, host: Any, items: list[tuple[Evaluable, Mapping[str, Any]]]
    ) -> list[RuleTrace]:
        facts: dict[int, dict[str, Any]] = {}  # id(env) → the fact asserted for it
        ks: list[int] = []
        for item, env in items:
            k = compiled.index.get(id(item))
            if k is None:
                raise DurableError(f"item {item.node} is not part of the compiled campaign")
            ks.append(k)
            if not compiled.slots[k]:
                continue  # nothing for Rete to decide (a number or rating ranking key, a constant)
            fact = facts.get(id(env))
            if fact is None:
                fact = facts[id(env)] = {"id": next(_ids)}
            fact[f"rule__{k}"] = 1
            for name, get in compiled.getters[k]:
                if name in fact or name + "__na" in fact:
                    continue
                v = get(env)
                if v is NA:
                    fact[name + "__na"] = 1
                elif v is not UNKNOWN:
                    fact[name] = v
        # id(env) → slot → its one outcome: one fact per set of facts read (an item decided on
        # several cases of a ranged count has one env, and so one fact, per case)
        got: dict[int, dict[int, str]] = {eid: self._assert(compiled, sink, host, f) for eid, f in facts.items()}
        row = []
        for (item, env), k in zip(items, ks, strict=True):
            mine = got.get(id(env), {})
            nodes = _fill(compiled.plans[(k, 0)], env, mine)
            waiver = None
            if (k, 1) in compiled.plans and needs_waiver(item.kind, nodes[0]):
                waiver = _fill(compiled.plans[(k, 1)], env, mine)
            row.append(RuleTrace(nodes, waiver))
        return row

    def _assert(self, compiled: _Compiled, sink: _Sink, host: Any, fact: dict[str, Any]) -> dict[int, str]:
        """Assert one fact and retract it; every slot of its items must give exactly one outcome."""
        sink.fired.clear()
        host.assert_fact(compiled.name, fact)
        host.retract_fact(compiled.name, fact)
        if sink.errors:
            err = sink.errors[0]
            sink.errors.clear()
            raise DurableError(f"durable-rules action failed: {type(err).__name__}: {err}")
        seen: dict[int, set[str]] = {}
        for fid, slot, outcome in sink.fired:
            if fid != fact["id"]:
                raise DurableError(f"durable-rules: an action fired for fact {fid} while {fact['id']} was asserted")
            seen.setdefault(slot, set()).add(outcome)
        expected = {s for key in fact if key.startswith("rule__") for s in compiled.slots[int(key[6:])]}
        if set(seen) - expected:
            raise DurableError(f"durable-rules: slots {sorted(set(seen) - expected)} fired for items not asserted")
        got: dict[int, str] = {}
        for slot in expected:
            outcomes = seen.get(slot)
            if not outcomes or len(outcomes) != 1:
                raise DurableError(
                    f"durable-rules: slot {slot} gave {sorted(outcomes or []) or 'no outcome'}; expected exactly one"
                )
            (got[slot],) = outcomes
        return got


def _fill(plan: _Plan, env: Mapping[str, Any], got: dict[int, str]) -> Trace:
    """An expression's trace: Rete's outcomes for boolean nodes, the facts' values for the rest."""
    nodes: list[Value] = [UNKNOWN] * plan.size
    for root, size in plan.read:
        nodes[root.idx : root.idx + size] = trace(root, env)
    for idx, slot in plan.slots.items():
        nodes[idx] = _VALUE[got[slot]]
    for idx, op, children in plan.combined:
        if op == "not":
            nodes[idx] = negate(nodes[children[0]])
        else:
            nodes[idx] = combine(op, [nodes[c] for c in children])
    return tuple(nodes)
