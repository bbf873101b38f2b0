"""The durable-rules backend: the campaign's rules run on a Rete engine (durable-rules' C core).

It is the second, independent implementation of the rule language: it shares the parsed IR
(`engine.lang.rules`) with the native backend but none of its compiled closures. Every rule (and
waiver) becomes four durable-rules rules — *true*, *false*, *unknown*, *not applicable* —
whose conditions partition every possible candidate, so exactly one fires per rule and
candidate, and a run checks that it did. Kleene logic is spelled out as presence tests:

    leaf           true / false                     unknown                 n/a
    x op y         all present ∧ divisors ≠ 0 ∧ cmp  none n/a ∧ one missing   one n/a ∨ a divisor = 0
    a and b        F = F(a) ∨ F(b);  U = ¬F(a) ∧ ¬F(b) ∧ (U(a) ∨ U(b));  T = (T|N)(a) ∧ (T|N)(b) ∧ (T(a) ∨ T(b))

The traps of durable-rules 2.0.28 (issue 5) and what this module does about them:

- `post()` events are consumed by the first rule that matches → facts are asserted
  (`assert_fact`), one per candidate (per distinct fact set, for `scope: unit`), and
  retracted once its actions ran, so the session never grows;
- a fact that no rule matches raises `MessageNotHandledException` → the four outcomes are
  exhaustive; if it is raised anyway, it is reported as a bug, not ignored;
- ruleset names are process-global and cannot be registered twice → a ruleset is named by
  the hash of its definition and registered once per process, then reused;
- identical facts raise `MessageObservedException` → every fact carries a fresh `id`;
- exceptions inside actions are swallowed → actions only record, and a run checks that
  exactly one outcome per rule arrived, raising otherwise;
- comparisons take arithmetic only on the right-hand side → arithmetic on the left is
  computed before asserting (a derived field, exactly as the rule language defines it);
  divisions on the right are guarded: a zero divisor is *not applicable*;
- integer division in the C core (7 / 2 = 3) → every number is asserted as a float;
- no notion of a missing value, and a field-versus-field comparison fires when the right
  field is missing → every comparison is guarded by presence tests, and n/a is a marker
  field (`<key>__na`);
- a rule whose only condition is an absence test hangs → every condition starts with the
  positive test of the rule's flag (`rule__<k> == 1`);
- the background dispatcher runs actions later on another thread → this module's host has
  no dispatcher: actions run synchronously inside `assert_fact`.

Dated series (`at`, `latest`), `all_improved` and left-hand arithmetic are read from the
facts in Python (this module's own reading, not the native closures) into derived fields;
the engine decides every comparison and every `and`/`or`/`not`.

durable-rules is imported only when this backend is chosen (`engine.evaluate.backends.get_backend`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.common.errors import Problem, UsageError
from engine.evaluate.backends import Traces, Work
from engine.evaluate.trace import RuleTrace, reference
from engine.lang import NA, UNKNOWN, Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not
from engine.model.campaign import Campaign, CompiledRule
from engine.model.catalogue import Catalogue

Cond = Any  # a durable-rules condition (JSON-like dict), or True (always) / False (never)
Operand = tuple[Any, ...]  # ("field", name) | ("const", value) | ("arith", op, left, right)
Getter = Callable[[dict[str, Any]], Any]

OUTCOMES = ("T", "F", "U", "N")
_VALUE = {"T": True, "F": False, "U": UNKNOWN, "N": NA}
_OPS = {"==": None, "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ARITH = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}


Values = list[list[tuple[Any, Any]]]


class DurableError(RuntimeError):
    """durable-rules did something the backend cannot trust (a bug here or in the engine)."""


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


# ------------------------------------------------ reading facts (independent of engine.lang.rules closures)


def _encode(value: Any, kind: str, ranks: dict[str, int] | None) -> Any:
    """A fact value as the engine sees it: numbers as floats, ratings as ranks, dates as ordinals."""
    if value is UNKNOWN or value is NA or value is None:
        return UNKNOWN if value is None else value
    if kind == "rating" and ranks is not None:
        return float(ranks[value])
    if kind == "date":
        return float(value.toordinal())
    if kind == "number":
        return float(value)
    return value  # bool, enum (str)


def _latest(v: Any) -> Any:
    if isinstance(v, dict):
        return v[max(v)] if v else UNKNOWN
    return v


def _at(v: Any, day: dt.date) -> Any:
    if isinstance(v, dict):
        return v.get(day, UNKNOWN)
    return NA if v is NA else UNKNOWN  # a plain number says nothing about a given date


def _all_improved(records: Any) -> Any:
    if records is UNKNOWN or records is NA:
        return records
    if not records:
        return NA
    result: Any = True
    for r in records:
        score, prev = r.get("score"), r.get("prev_score")
        if score is None or prev is None or score is NA or prev is NA:
            result = UNKNOWN
        elif score <= prev:
            return False
    return result


def _arith(op: str, a: Any, b: Any) -> Any:
    if a is NA or b is NA:
        return NA
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return NA if b == 0 else a / b


# ---------------------------------------------------------------- compiling a campaign


# how one rule (or waiver) is decided: by one engine slot, or by one slot per atom
# (comparison, boolean fact) combined here with Kleene logic when the whole expression
# would be too large for the engine (durable-rules expands every condition into its
# disjunctive normal form and refuses a ruleset past a size: "error code: 113")
Plan = tuple[int, Node | None, dict[int, int]]  # (whole slot or -1, node, id(atom) → slot)
MAX_BRANCHES = 48  # disjuncts of one outcome's condition before a rule is split into atoms


@dataclass
class _Compiled:
    """A campaign as a durable-rules ruleset plus how to turn an env into its fact."""

    definition: dict[str, Any]  # durable rule name → condition (without actions)
    getters: dict[int, list[tuple[str, Getter]]]  # rule index → the fields its fact needs
    index: dict[int, int]  # id(CompiledRule) → rule index
    plans: dict[tuple[int, int], Plan]  # (rule index, 0 rule / 1 waiver) → how it is decided
    name: str = ""


@dataclass
class _Builder:
    catalogue: Catalogue
    fields: dict[str, Getter] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # the fields the current rule's conditions read
    counter: itertools.count[int] = field(default_factory=itertools.count)

    # operands -------------------------------------------------------
    def operand(self, node: Node) -> Operand:
        if isinstance(node, Const):
            return ("const", self._const(node))
        if isinstance(node, Fact):
            if node.type.kind in ("series", "records"):
                raise DurableError(f"'{node.key}' is not a plain value")
            self.fields.setdefault(node.key, self._fact_getter(node))
            self.used.add(node.key)
            return ("field", node.key)
        if isinstance(node, Arith):
            return ("arith", node.op, self.operand(node.left), self.operand(node.right))
        if isinstance(node, Neg):
            return ("arith", "-", ("const", 0.0), self.operand(node.item))
        if isinstance(node, Call):
            return ("field", self._derived(self._call_getter(node)))
        raise DurableError(f"cannot place {type(node).__name__} in a comparison")

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

    def _fact_getter(self, node: Fact) -> Getter:
        key, kind, ranks = node.key, node.type.kind, self._ranks(node)
        return lambda env: _encode(env.get(key, UNKNOWN), kind, ranks)

    def _raw(self, node: Node) -> Getter:
        """The unencoded value of a series/records/number node, read from the env."""
        if isinstance(node, Fact):
            key = node.key
            return lambda env: env.get(key, UNKNOWN)
        if isinstance(node, Call):
            return self._call_getter(node)
        raise DurableError(f"cannot read {type(node).__name__}")

    def _call_getter(self, node: Call) -> Getter:
        inner = self._raw(node.args[0])
        if node.name == "latest":
            return lambda env: _encode(_latest(inner(env)), "number", None)
        if node.name == "at":
            day = node.args[1]
            assert isinstance(day, Const)
            d = day.value
            return lambda env: _encode(_at(inner(env), d), "number", None)
        if node.name == "all_improved":
            return lambda env: _all_improved(inner(env))
        raise DurableError(f"unknown function {node.name}")

    def _derived(self, getter: Getter) -> str:
        name = f"derived__{next(self.counter)}"
        self.fields[name] = getter
        self.used.add(name)
        return name

    def _operand_getter(self, op: Operand) -> Getter:
        if op[0] == "const":
            v = op[1]
            return lambda env: v
        if op[0] == "field":
            g = self.fields[op[1]]
            return g
        sym, left, right = op[1], self._operand_getter(op[2]), self._operand_getter(op[3])
        return lambda env: _arith(sym, left(env), right(env))

    # boolean nodes → four conditions ---------------------------------
    def four(self, node: Node) -> dict[str, Cond]:
        if isinstance(node, Const):
            return {"T": node.value is True, "F": node.value is False, "U": False, "N": False}
        if isinstance(node, Fact | Call):  # a boolean fact, or all_improved(...)
            op = self.operand(node)
            f = op[1]
            return {"T": {f: True}, "F": {f: False}, "U": _missing(f), "N": _na(f)}
        if isinstance(node, Not):
            inner = self.four(node.item)
            return {"T": inner["F"], "F": inner["T"], "U": inner["U"], "N": inner["N"]}
        if isinstance(node, Logic):
            parts = [self.four(i) for i in node.items]
            win, lose = ("T", "F") if node.op == "or" else ("F", "T")
            out = {
                win: _or(*(p[win] for p in parts)),
                "U": _and(
                    *(_or(p[lose], p["U"], p["N"]) for p in parts),
                    _or(*(p["U"] for p in parts)),
                ),
                lose: _and(*(_or(p[lose], p["N"]) for p in parts), _or(*(p[lose] for p in parts))),
                "N": _and(*(p["N"] for p in parts)),
            }
            return out
        if isinstance(node, Compare):
            return self._compare(node)
        raise DurableError(f"cannot translate {type(node).__name__}")

    def _compare(self, node: Compare) -> dict[str, Cond]:
        left, right = self.operand(node.left), self.operand(node.right)
        op: str = node.op
        if left[0] != "field" and right[0] == "field":
            left, right, op = right, left, _FLIP[op]
        if left[0] != "field":  # the engine takes arithmetic on the right only: compute the left here
            left = ("field", self._derived(self._operand_getter(left)))
        leaves = _leaves(left) + [f for f in _leaves(right) if f not in _leaves(left)]
        divisions = _divisions(right)
        any_na = _or(*(_na(f) for f in leaves))
        div_zero = [_and(*(_present(f) for f in sub), _is_zero(d)) for sub, d in divisions]
        div_ok = [_or(*(_absent(f) for f in sub), _not_zero(d)) for sub, d in divisions]
        all_known = _and(*(_present(f) for f in leaves), *(_not_zero(d) for _, d in divisions))
        return {
            "T": _and(all_known, _cmp(op, left[1], right)),
            "F": _and(all_known, _cmp(_NEGATE[op], left[1], right)),
            "U": _and(*(_not_na(f) for f in leaves), _or(*(_absent(f) for f in leaves)), *div_ok),
            "N": _or(any_na, *div_zero),
        }


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
            raise DurableError("a divisor must be a fact or a number")
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
    return {_ARITH[op[1]]: {"$l": _rhs(op[2]), "$r": _rhs(op[3])}}


def _cmp(op: str, left: str, right: Operand) -> Cond:
    rhs = _rhs(right)
    if op == "==":
        return {left: rhs}
    return {_OPS[op]: {left: rhs}}


def compile_campaign(campaign: Campaign) -> _Compiled:
    builder = _Builder(campaign.catalogue)
    definition: dict[str, Any] = {}
    getters: dict[int, list[tuple[str, Getter]]] = {}
    index: dict[int, int] = {}
    plans: dict[tuple[int, int], Plan] = {}
    slots = itertools.count()

    def decide(flag: Cond, four: dict[str, Any]) -> int:
        slot = next(slots)
        for outcome, cond in four.items():
            if cond is not False:  # a condition that can never hold: another outcome covers it
                definition[f"s{slot}_{outcome}"] = {"all": [{"m": _and(flag, cond)}]}
        return slot

    for k, rule in enumerate(campaign.all_rules()):
        index[id(rule)] = k
        flag = {f"rule__{k}": 1}
        builder.used = set()
        for w, node in enumerate((rule.node, rule.waiver)):
            if node is None:
                continue
            try:
                four = builder.four(node)
                if max(_branches(c) for c in four.values()) <= MAX_BRANCHES:
                    plans[(k, w)] = (decide(flag, four), node, {})
                else:
                    plans[(k, w)] = (-1, node, {id(a): decide(flag, builder.four(a)) for a in _atoms(node)})
            except DurableError as e:  # a rule the Rete translation cannot express: the user's, not a bug
                raise UsageError(
                    Problem(
                        campaign.file,
                        f"rule '{rule.id}' cannot run on the durable backend: {e}",
                        hint="use --backend native (the default)",
                    )
                ) from None
        getters[k] = [(f, builder.fields[f]) for f in sorted(builder.used)]
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    name = "thidua_" + hashlib.sha256(text.encode()).hexdigest()[:24]
    return _Compiled(definition, getters, index, plans, name)


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


def _atoms(node: Node) -> list[Node]:
    if isinstance(node, Logic):
        return [a for item in node.items for a in _atoms(item)]
    if isinstance(node, Not):
        return _atoms(node.item)
    return [node]


def _combine(node: Node, value: Callable[[Node], Any]) -> Any:
    """Kleene logic over the engine's atom outcomes (for rules split into atoms)."""
    if isinstance(node, Not):
        v = _combine(node.item, value)
        return v if v is UNKNOWN or v is NA else not v
    if not isinstance(node, Logic):
        return value(node)
    win = node.op == "or"  # `or` is decided by a true item, `and` by a false one
    values = [_combine(i, value) for i in node.items]
    if win in values:
        return win
    if UNKNOWN in values:
        return UNKNOWN
    return (not win) if any(v is not NA for v in values) else NA


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


_lock = threading.Lock()
_host: Any = None
_sinks: dict[str, _Sink] = {}
_ids = itertools.count(1)


def _get_host() -> Any:
    global _host
    if _host is None:
        from durable import engine

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
        """INTERIM (being replaced by traces decided in Rete): Rete decides each rule's value and its
        waiver's; the node-by-node trace is the reference's, and must agree with Rete's values."""
        rules = [[(i, env) for i, env in items if i.kind != "value"] for items in work]
        values = iter(self._values(campaign, rules))  # type: ignore[arg-type]
        out: Traces = []
        for items in work:
            got = iter(next(values))
            row = []
            for item, env in items:
                tr = reference(item, env)
                if item.kind != "value":
                    value, waived = next(got)
                    if value is not tr.value or (tr.waiver is not None and waived is not tr.waived):
                        raise DurableError(f"durable-rules and the reference disagree on rule {item.spec.id}")  # type: ignore[attr-defined]
                row.append(RuleTrace(tr.nodes, tr.waiver))
            out.append(row)
        return out

    def _values(self, campaign: Campaign, work: list[list[tuple[CompiledRule, Any]]]) -> Values:
        from durable.engine import MessageNotHandledException, MessageObservedException

        compiled = compile_campaign(campaign)
        with _lock:
            sink = _register(compiled)
            host = _get_host()
            out: Values = []
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

    def _candidate(self, compiled: _Compiled, sink: _Sink, host: Any, items: list[tuple[CompiledRule, Any]]) -> Any:
        facts: dict[int, dict[str, Any]] = {}
        where: dict[tuple[int, int], list[int]] = {}
        for pos, (rule, env) in enumerate(items):
            found = compiled.index.get(id(rule))
            if found is None:
                raise DurableError(f"rule '{rule.id}' is not part of the compiled campaign")
            k = found
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
            where.setdefault((fact["id"], k), []).append(pos)
        row: list[Any] = [None] * len(items)
        for fact in facts.values():
            sink.fired.clear()
            host.assert_fact(compiled.name, fact)
            host.retract_fact(compiled.name, fact)
            if sink.errors:
                err = sink.errors[0]
                sink.errors.clear()
                raise DurableError(f"durable-rules action failed: {type(err).__name__}: {err}")
            # an `$or` is split into one Rete branch per disjunct, so one outcome may fire more
            # than once for a fact; what must hold is that exactly one *distinct* outcome fired
            got: dict[int, list[str]] = {}
            for fid, slot, outcome in sink.fired:
                if fid != fact["id"]:
                    raise DurableError(f"durable-rules: an action fired for fact {fid} while {fact['id']} was asserted")
                seen = got.setdefault(slot, [])
                if outcome not in seen:
                    seen.append(outcome)
            for (fid, k), positions in where.items():
                if fid != fact["id"]:
                    continue
                value = _decided(compiled.plans[(k, 0)], got)
                waived = UNKNOWN
                rule = items[positions[0]][0]
                if (k, 1) in compiled.plans:
                    w_value = _decided(compiled.plans[(k, 1)], got)
                    if value is not (rule.kind == "criterion"):
                        waived = w_value
                for pos in positions:
                    row[pos] = (value, waived)
        return row


def _decided(plan: Plan, got: dict[int, list[str]]) -> Any:
    whole, node, atoms = plan
    if whole >= 0:
        return _one(got.get(whole), whole)
    assert node is not None
    return _combine(node, lambda atom: _one(got.get(atoms[id(atom)]), atoms[id(atom)]))


def _one(outcomes: list[str] | None, slot: int) -> Any:
    if not outcomes or len(outcomes) != 1:
        raise DurableError(f"durable-rules: slot {slot} gave {outcomes or 'no outcome'}; expected exactly one")
    return _VALUE[outcomes[0]]
