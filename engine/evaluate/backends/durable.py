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
whose outcome conditions would weigh more than MAX_WEIGHT (`rete.weight`) gets no slot and is
combined from its children's outcomes with the registry's Kleene `combine` — its children,
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

import itertools
import json
import threading
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from engine.evaluate.backends.base import Traces, Work
from engine.evaluate.backends.rete import MAX_WEIGHT, VALUE, DurableError
from engine.evaluate.backends.rete_compile import _Compiled, _Plan, compile_campaign
from engine.evaluate.trace import Evaluable, RuleTrace, needs_waiver
from engine.lang import NA, UNKNOWN, Trace, Value, trace
from engine.lang.operators import combine, negate
from engine.model.campaign import Campaign

__all__ = ["MAX_WEIGHT", "DurableBackend", "DurableError", "compile_campaign"]

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
        nodes[idx] = VALUE[got[slot]]
    for idx, op, children in plan.combined:
        if op == "not":
            nodes[idx] = negate(nodes[children[0]])
        else:
            nodes[idx] = combine(op, [nodes[c] for c in children])
    return tuple(nodes)
