"""The native backend: every rule compiled once to straight-line Python, cached by content hash.

`engine.lang.rules` parses a rule into a typed IR; this module turns the IR into the source of one
small function per rule (and per waiver) — three-valued logic spelled out as `is` tests on
the UNKNOWN / NA markers, no per-node calls — and compiles it with `compile()` once per
distinct source text (`_CODE`, keyed by the source's SHA-256; the text contains only
generated identifiers and `repr`s of numbers, never rule text).

Two entry points:

- `NativeBackend.run` — the `Backend` protocol (values per rule), used by `engine.evaluate.core`;
- `decide` — the compact path for bulk work: per candidate only its verdict and a tuple of
  outcome codes, from one generated function per *candidate shape* (its groups and kind),
  with no per-rule objects. Reasons are built later, and only for what is shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.common.speed import gc_paused
from engine.evaluate.backends import Values, Work
from engine.lang import (
    NA,
    UNKNOWN,
    Arith,
    Call,
    Compare,
    Const,
    Fact,
    Logic,
    Neg,
    Node,
    Not,
    all_improved,
    series_latest,
)
from engine.model.campaign import Campaign, CompiledRule
from engine.model.catalogue import Catalogue

_PY_OPS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_CODE: dict[str, dict[str, Any]] = {}  # sha256 of generated source → its namespace


class _Gen:
    """Emits Python statements computing one IR node into a fresh variable."""

    def __init__(self, catalogue: Catalogue, consts: dict[str, Any]):
        self.cat = catalogue
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

    def emit(self, node: Node, env: str, out: list[str], pad: str) -> tuple[str, bool]:
        """Append statements to `out`; return (expression of the value, may it be a marker)."""
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
            inner, _ = self.emit(node.args[0], env, out, pad)
            x = self.var()
            if node.name == "latest":
                out.append(f"{pad}{x} = latest({inner})")
            elif node.name == "at":
                day = node.args[1]
                assert isinstance(day, Const)
                d = self.const(day.value)
                out.append(f"{pad}{x} = {inner}.get({d}, U) if type({inner}) is dict else (NA if {inner} is NA else U)")
            else:
                out.append(f"{pad}{x} = all_improved({inner})")
            return x, True
        if isinstance(node, Neg):
            a, ma = self.emit(node.item, env, out, pad)
            if not ma:
                return f"(-{a})", False
            x = self.var()
            out.append(f"{pad}{x} = {a} if ({a} is NA or {a} is U) else -{a}")
            return x, True
        if isinstance(node, Arith):
            a, ma = self.emit(node.left, env, out, pad)
            b, mb = self.emit(node.right, env, out, pad)
            x = self.var()
            calc = f"{a} {node.op} {b}"
            if node.op == "/":
                calc = f"(NA if {b} == 0 else {a} / {b})"
            out.append(f"{pad}{x} = {_guard([a] * ma + [b] * mb, calc)}")
            return x, True
        if isinstance(node, Compare):
            ranks = None
            if node.left.type.kind == "rating":
                scale = self.cat.scales[node.left.type.scale or ""]
                ranks = {v: scale.rank(v) for v in scale.names}
            sides = []
            for side in (node.left, node.right):
                if ranks is not None and isinstance(side, Const):
                    sides.append((repr(ranks[side.value]), False))
                    continue
                e, m = self.emit(side, env, out, pad)
                if ranks is not None:
                    table = self.const(ranks)
                    y = self.var()
                    out.append(f"{pad}{y} = {e} if ({e} is U or {e} is NA) else {table}[{e}]")
                    e = y
                sides.append((e, m))
            (a, ma), (b, mb) = sides
            x = self.var()
            out.append(f"{pad}{x} = {_guard([a] * ma + [b] * mb, f'{a} {_PY_OPS[node.op]} {b}')}")
            return x, True
        if isinstance(node, Not):
            a, _ = self.emit(node.item, env, out, pad)
            x = self.var()
            out.append(f"{pad}{x} = {a} if ({a} is U or {a} is NA) else not {a}")
            return x, True
        if isinstance(node, Logic):
            items = [self.emit(i, env, out, pad)[0] for i in node.items]
            win, lose = ("True", "False") if node.op == "or" else ("False", "True")
            x = self.var()
            any_ = lambda what: " or ".join(f"{i} is {what}" for i in items)  # noqa: E731
            out.append(
                f"{pad}{x} = {win} if ({any_(win)}) else (U if ({any_('U')}) else ({lose} if ({any_(lose)}) else NA))"
            )
            return x, True
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover - parser refuses


def _guard(markers: list[str], calc: str) -> str:
    if not markers:
        return calc
    na = " or ".join(f"{m} is NA" for m in markers)
    unknown = " or ".join(f"{m} is U" for m in markers)
    return f"NA if ({na}) else (U if ({unknown}) else {calc})"


def _build(source: str, consts: dict[str, Any]) -> dict[str, Any]:
    key = hashlib.sha256((source + repr(sorted(consts.items(), key=lambda kv: kv[0]))).encode()).hexdigest()
    ns = _CODE.get(key)
    if ns is None:
        ns = {"U": UNKNOWN, "NA": NA, "latest": series_latest, "all_improved": all_improved, **consts}
        exec(compile(source, f"<thidua rules {key[:12]}>", "exec"), ns)  # generated from the IR only
        _CODE[key] = ns
    return ns


def _rule_lines(gen: _Gen, rule: CompiledRule, env: str, pad: str, value: str, waived: str) -> list[str]:
    """Statements setting `value` and `waived` exactly as the Backend protocol defines them."""
    out: list[str] = []
    v, _ = gen.emit(rule.node, env, out, pad)
    out.append(f"{pad}{value} = {v}")
    out.append(f"{pad}{waived} = U")
    if rule.waiver is not None:
        out.append(f"{pad}if {value} is not {rule.kind == 'criterion'}:")
        w, _ = gen.emit(rule.waiver, env, out, pad + "    ")
        out.append(f"{pad}    {waived} = {w}")
    return out


# ---------------------------------------------------------------- the Backend protocol


def rule_functions(campaign: Campaign) -> dict[int, Callable[[Any], tuple[Any, Any]]]:
    """id(rule) → a function env → (value, waiver value)."""
    consts: dict[str, Any] = {}
    gen = _Gen(campaign.catalogue, consts)
    src: list[str] = []
    names: dict[int, str] = {}
    for k, rule in enumerate(campaign.all_rules()):
        names[id(rule)] = f"rule_{k}"
        src.append(f"def rule_{k}(env):")
        src += _rule_lines(gen, rule, "env", "    ", "value", "waived")
        src.append("    return value, waived")
    ns = _build("\n".join(src) + "\n", consts)
    return {rid: ns[name] for rid, name in names.items()}


class NativeBackend:
    name = "native"

    def run(self, campaign: Campaign, work: Work) -> Values:
        fns = rule_functions(campaign)
        with gc_paused():
            return [[fns[id(rule)](env) for rule, env in items] for items in work]


# ---------------------------------------------------------------- the compact path


@dataclass
class Decisions:
    """Per candidate (in file order): its verdict and one outcome code per rule it was judged on."""

    verdicts: list[str]
    outcomes: list[tuple[str, ...]]
    rules: list[tuple[CompiledRule, ...]]  # shared per candidate shape: the rules behind `outcomes`


def _shape_function(campaign: Campaign, groups: list[str], kind: str) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    consts: dict[str, Any] = {}
    gen = _Gen(campaign.catalogue, consts)
    rules = tuple(r for g in groups for r in campaign.rules[g])
    body: list[str] = []
    crit_fail, crit_unknown, disq_trig, disq_unknown = [], [], [], []
    for i, rule in enumerate(rules):
        o = f"o{i}"
        criterion = rule.kind == "criterion"
        if rule.spec.kinds and kind not in rule.spec.kinds:
            body.append(f"    {o} = {'not_applicable' if criterion else 'clear'!r}")
            continue
        env = "uenv" if rule.spec.scope == "unit" else "env"
        body += _rule_lines(gen, rule, env, "    ", "v", "w")
        # as engine.evaluate.core.outcome_of: an unknown waiver might hold, so it cannot fail/trigger
        sure = " and w is not U" if rule.waiver is not None else ""
        if criterion:
            body.append(
                f"    {o} = 'pass' if v is True else ('not_applicable' if v is NA else "
                f"('waived' if w is True else ('fail' if (v is False{sure}) else 'unknown')))"
            )
            if rule.required:
                crit_fail.append(f"{o} == 'fail'")
                crit_unknown.append(f"{o} == 'unknown'")
        else:
            body.append(
                f"    {o} = 'clear' if (v is False or v is NA) else ('waived' if w is True else "
                f"('triggered' if (v is True{sure}) else 'unknown'))"
            )
            disq_trig.append(f"{o} == 'triggered'")
            disq_unknown.append(f"{o} == 'unknown'")
    either = lambda conds: " or ".join(conds) or "False"  # noqa: E731
    outs = "".join(f"o{i}, " for i in range(len(rules)))
    # engine.evaluate.core.verdict_of's order, inlined for speed; test_compact_decisions_equal_full_evaluation
    # (tests/test_differential.py) holds the two to the same verdicts
    src = ["def decide(env, uenv, sub):", *body]
    src += [
        "    if sub == 'late' or sub == 'missing_documents':",
        "        verdict = 'not_considered'",
        f"    elif {either(disq_trig)}:",
        "        verdict = 'disqualified'",
        f"    elif {either(crit_fail)}:",
        "        verdict = 'ineligible'",
        f"    elif {either([*crit_unknown, *disq_unknown, 'sub == ' + repr('undecided')])}:",
        "        verdict = 'incomplete'",
        "    else:",
        "        verdict = 'eligible'",
        f"    return verdict, ({outs})",
    ]
    ns = _build("\n".join(src) + "\n", consts)
    return ns["decide"], rules


def decide(
    campaign: Campaign, facts: Any, *, as_of: dt.date | None = None, deadline: dt.date | None = None
) -> Decisions:
    """Verdict and every rule's outcome for every candidate: the same as `engine.evaluate.core.evaluate`, compactly."""
    from engine.evaluate.core import campaign_deadline

    as_of = as_of or facts.as_of or dt.date.today()
    deadline = deadline or facts.deadline
    round_year = facts.round or as_of.year  # the round judged, as in engine.evaluate.core.evaluate
    shapes: dict[tuple[str, str, bool], tuple[Callable[..., Any] | None, tuple[Any, ...], bool]] = {}
    verdicts: list[str] = []
    outcomes: list[tuple[str, ...]] = []
    rules_of: list[tuple[CompiledRule, ...]] = []
    nothing: dict[str, Any] = {}
    submission = _submission_check(campaign, campaign_deadline(campaign, round_year, deadline))
    with gc_paused():
        for cand in facts.candidates:
            key = (cand.group, cand.kind, cand.head)
            shape = shapes.get(key)
            if shape is None:
                groups = campaign.rule_groups(cand.group, cand.kind, cand.head)
                if groups:
                    made, rules = _shape_function(campaign, groups, cand.kind)
                    shape = shapes[key] = (made, rules, any(r.spec.scope == "unit" for r in rules))
                else:
                    shape = shapes[key] = (None, (), False)
            fn, rules, needs_unit = shape
            if fn is None:
                verdicts.append("out_of_scope")
                outcomes.append(())
                rules_of.append(rules)
                continue
            sub = "not_checked" if cand.submission is None else submission(cand.submission)
            unit = facts.unit_of(cand) if needs_unit else None
            uenv = unit.facts if unit is not None else nothing
            verdict, outs = fn(cand.facts, uenv, sub)
            verdicts.append(verdict)
            outcomes.append(outs)
            rules_of.append(rules)
    return Decisions(verdicts, outcomes, rules_of)


def _submission_check(campaign: Campaign, deadline: dt.date | None) -> Callable[[Any], str]:
    """`engine.evaluate.core.judge_submission`'s outcome, with the campaign's nomination rules bound once."""
    from engine.evaluate.core import judge_submission

    nom = campaign.model.nomination
    return lambda sub: judge_submission(nom, deadline, sub).outcome
