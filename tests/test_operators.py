"""The operator registry (engine.lang.operators) is whole and consistent with itself: comparisons,
and/or/not and arithmetic over the three-valued domain; and the native backend's generated code
calls its runtime functions, nothing else (issue 25.1: native equals the reference by construction)."""

from __future__ import annotations

import ast
import itertools
from typing import Any, get_args
from unittest import mock

import pytest

from engine.evaluate.trace import needs_waiver
from engine.explain.reasons import _OPS, _RATING_OPS
from engine.lang import NA, UNKNOWN, Value
from engine.lang.builtins import BUILTINS
from engine.lang.ir import ArithOp, CompareOp
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC, NOT_PHRASE, minus, negate, strict
from engine.model.campaign import available_campaigns, load_campaign
from engine.model.vocabulary import words

SAMPLES = [-1, 0, 1, 2.5]


def test_every_comparison_is_declared() -> None:
    assert set(COMPARISONS) == set(get_args(CompareOp))
    assert len({c.syntax for c in COMPARISONS.values()}) == len(COMPARISONS)


@pytest.mark.parametrize("op", list(COMPARISONS))
def test_negation_and_flip_agree_with_the_function(op: CompareOp) -> None:
    c = COMPARISONS[op]
    assert COMPARISONS[c.negation].negation == op
    assert COMPARISONS[c.flipped].flipped == op
    for a, b in itertools.product(SAMPLES, repeat=2):
        assert COMPARISONS[c.negation].fn(a, b) is (not c.fn(a, b))
        assert COMPARISONS[c.flipped].fn(b, a) is c.fn(a, b)
    if not c.ordered:
        assert c.fn(1, 1) is (op == "==")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_comparison_has_its_words(lang: str) -> None:
    assert set(_OPS[lang]) == set(COMPARISONS)
    assert set(_RATING_OPS[lang]) == set(COMPARISONS)


# ---------------------------------------------------------------- the whole registry (issue 25.1)

DOMAIN: list[Value] = [True, False, UNKNOWN, NA]
NUMBERS: list[Value] = [-2, 0, 1, 2.5, UNKNOWN, NA]


def test_every_operator_is_declared_once() -> None:
    assert set(ARITHMETIC) == set(get_args(ArithOp))
    assert len({a.syntax for a in ARITHMETIC.values()}) == len(ARITHMETIC)
    assert set(LOGIC) == {"and", "or"} and len({c.syntax for c in LOGIC.values()}) == len(LOGIC)
    assert all(LOGIC[c.dual].dual == op for op, c in LOGIC.items())


def _kleene(op: str, items: tuple[Value, ...]) -> Value:
    """And/or by definition: n/a items are left out (all n/a: n/a); an unknown item may be true or
    false; the result is what every choice gives, else unknown."""
    kept = [{True, False} if v is UNKNOWN else {v} for v in items if v is not NA]
    if not kept:
        return NA
    whole = {all(c) if op == "and" else any(c) for c in itertools.product(*kept)}
    return whole.pop() if len(whole) == 1 else UNKNOWN


@pytest.mark.parametrize("op", list(LOGIC))
@pytest.mark.parametrize("n", [1, 2, 3])
def test_and_or_are_kleene_with_na_left_out(op: str, n: int) -> None:
    c = LOGIC[op]
    for items in itertools.product(DOMAIN, repeat=n):
        assert c.run(*items) is _kleene(op, items), items
        # De Morgan: not of the whole is the dual over the negated items (explanations rely on it)
        assert negate(c.run(*items)) is LOGIC[c.dual].run(*map(negate, items)), items
        if all(isinstance(v, bool) for v in items):  # every item must give `want`, or one will do
            for want in (True, False):
                every = all(v is want for v in items)
                assert (c.run(*items) is want) is (every if c.conjunctive(want) else any(v is want for v in items))


@pytest.mark.parametrize("table", [COMPARISONS, ARITHMETIC], ids=["compare", "arith"])
def test_comparisons_and_arithmetic_are_strict_over_the_markers(table: dict[str, Any]) -> None:
    """An n/a operand gives n/a, else an unknown one unknown, else the value function; `/` by 0 is n/a."""
    for entry in table.values():
        for a, b in itertools.product(NUMBERS, repeat=2):
            want = strict(a, b)
            if want is None:
                want = entry.fn(a, b)
            got = entry.run(a, b)
            assert got is want or got == want, (entry.symbol, a, b)
    assert ARITHMETIC["/"].run(1, 0) is NA
    ranks = {"fair": 1, "good": 2}
    assert COMPARISONS[">"].run_ranked("good", "fair", ranks) is True
    assert COMPARISONS[">"].run_ranked(UNKNOWN, NA, ranks) is NA
    assert minus(2) == -2 and minus(UNKNOWN) is UNKNOWN and minus(NA) is NA


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_connective_has_its_words(lang: str) -> None:
    w = words(lang)
    assert all(w[c.phrase] for c in LOGIC.values()) and w[NOT_PHRASE]


# ---------------------------------------------------------------- native calls the same runtime


def _runtime() -> set[int]:
    """The ids of every runtime function generated code may call: the registries' and needs_waiver."""
    fns: list[Any] = [negate, minus, needs_waiver, *(b.impl for b in BUILTINS.values())]
    fns += [c.run for c in LOGIC.values()] + [a.run for a in ARITHMETIC.values()]
    fns += [f for c in COMPARISONS.values() for f in (c.run, c.run_ranked)]
    return {id(f) for f in fns}


@pytest.mark.parametrize("cid", available_campaigns())
def test_native_code_has_no_operator_logic_of_its_own(cid: str) -> None:
    """Every statement of the generated code is a call of a registry's runtime function (or the
    facts' `env.get`): no comparison, `and`/`or`/`not`, arithmetic or marker test of its own — so
    the native backend equals the reference interpreter by construction."""
    from engine.evaluate.backends import native

    campaign = load_campaign(cid)
    seen: list[tuple[str, dict[str, Any]]] = []
    real = native._build

    def spy(source: str, consts: dict[str, Any]) -> dict[str, Any]:
        seen.append((source, dict(consts)))
        return real(source, consts)

    with mock.patch.object(native, "_build", spy):
        native.item_functions(campaign)
    ((source, consts),) = seen
    runtime = _runtime()
    for node in ast.walk(ast.parse(source)):
        assert not isinstance(node, ast.Compare | ast.BoolOp | ast.BinOp | ast.IfExp), ast.unparse(node)
        if isinstance(node, ast.UnaryOp):  # only a negative number as written
            assert isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant), ast.unparse(node)
        if isinstance(node, ast.If):
            assert isinstance(node.test, ast.Call) and ast.unparse(node.test.func) == "needs_waiver"
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            assert name in ("env.get", "needs_waiver", "RuleTrace") or id(consts[name]) in runtime, name


def test_the_native_code_cache_is_bounded() -> None:
    from engine.evaluate.backends import native

    assert native._code.cache_info().maxsize == native.CODE_CACHE
    for k in range(native.CODE_CACHE + 5):
        native._code(f"x = {k}\n")
    assert native._code.cache_info().currsize <= native.CODE_CACHE
