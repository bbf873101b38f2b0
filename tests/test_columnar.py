"""The columnar backend (engine/evaluate/backends/columnar.py) against the runtime functions.

1. Every operator and builtin with a vector form gives, over a table of every combination of
   value states (values of each type, unknown, n/a; ints and floats, 0 and -0.0, the largest and
   smallest numbers a facts file holds), the trace the reference interpreter gives — the same
   values of the same Python types, node by node.
2. What has no vector form falls back to native for that item, visibly (`fallback`), with the
   same traces; so does a value of a type the columns do not hold.
3. Distinct rows: candidates are evaluated once per distinct input, and inputs equal in Python
   but not the same value (1 and 1.0, 0.0 and -0.0) stay apart.
4. Polars is imported only when the backend is chosen; without it, a usage error says how to get it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest

from engine.evaluate.backends.columnar import ColumnarBackend, static_fallback
from engine.evaluate.trace import RuleTrace, reference
from engine.lang import Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not
from engine.lang.builtins import BUILTINS
from engine.lang.ir import BOOL, DATE, NUMBER, Type, number
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC
from engine.lang.values import NA, UNKNOWN
from engine.model.fact_values import MAX_NUMBER

MARKERS = [UNKNOWN, NA]
NUMBERS = [0, 1, -1, 3, 0.0, -0.0, 0.5, 2.5, 3.0, MAX_NUMBER, -MAX_NUMBER, float(MAX_NUMBER), 1e-300, 5e-324, *MARKERS]
BOOLS = [True, False, *MARKERS]
RANKS = {"weak": 1, "fair": 2, "good": 3, "excellent": 4}
RATING = Type("rating", "task_completion")
WORDS = [*RANKS, *MARKERS]
DATES = [dt.date(2024, 3, 30), dt.date(2024, 3, 31), dt.date(2024, 4, 1), *MARKERS]
BY_TYPE: dict[str, list[Any]] = {"number": NUMBERS, "bool": BOOLS, "rating": WORDS, "date": DATES}


def _item(root: Node, kind: str = "value", waiver: Node | None = None, name: str = "x") -> SimpleNamespace:
    return SimpleNamespace(
        node=number(root), waiver=number(waiver) if waiver else None, kind=kind, spec=SimpleNamespace(id=name)
    )


def _run(
    items: Sequence[SimpleNamespace], envs: Sequence[Mapping[str, Any]]
) -> tuple[ColumnarBackend, list[list[RuleTrace]]]:
    backend = ColumnarBackend()
    campaign = SimpleNamespace(items=lambda: list(items))
    return backend, backend.run(campaign, [[(i, env) for i in items] for env in envs])  # type: ignore[arg-type]


def _agrees(items: Sequence[SimpleNamespace], envs: Sequence[Mapping[str, Any]], fallback: bool = False) -> None:
    """The columnar traces are the reference's, value and type (repr: 1 is not 1.0, 0.0 not -0.0)."""
    backend, got = _run(items, envs)
    for row, env in zip(got, envs, strict=True):
        for item, trace in zip(items, row, strict=True):
            want = reference(item, env)  # type: ignore[arg-type]
            assert repr(trace) == repr(want), f"{item.spec.id} on {env}: {trace} != {want}"
    assert bool(backend.fallback) is fallback, backend.fallback


def _pairs(kind: str) -> list[dict[str, Any]]:
    return [{"a": a, "b": b} for a, b in itertools.product(BY_TYPE[kind], repeat=2)]


def _fact(t: Type, key: str) -> Fact:
    return Fact(t, 0, key=key)


# ---------------------------------------------------------------- 1. every vector form, every state


@pytest.mark.parametrize(
    ("op", "kind"),
    [
        (op, kind)
        for op in COMPARISONS
        for kind in ("number", "bool", "date")
        if not (COMPARISONS[op].ordered and kind == "bool")  # type: ignore[index]  # yes/no: (in)equality only
    ],
)
def test_comparisons_over_every_state(op: str, kind: str) -> None:
    t = {"number": NUMBER, "bool": BOOL, "date": DATE}[kind]
    node = Compare(BOOL, 0, op=op, left=_fact(t, "a"), right=_fact(t, "b"))  # type: ignore[arg-type]
    _agrees([_item(node)], _pairs(kind))


@pytest.mark.parametrize("op", list(COMPARISONS))
def test_rating_comparisons_by_rank_over_every_state(op: str) -> None:
    node = Compare(BOOL, 0, op=op, left=_fact(RATING, "a"), right=_fact(RATING, "b"), ranks=RANKS)  # type: ignore[arg-type]
    const = Compare(BOOL, 0, op=op, left=_fact(RATING, "a"), right=Const(RATING, 0, value="good"), ranks=RANKS)  # type: ignore[arg-type]
    _agrees([_item(node, name="facts"), _item(const, name="constant")], _pairs("rating"))


@pytest.mark.parametrize("op", list(ARITHMETIC))
def test_arithmetic_over_every_state(op: str) -> None:
    """Ints stay ints (but for `/`), division by 0 or -0.0 is n/a, n/a comes before unknown."""
    node = Arith(NUMBER, 0, op=op, left=_fact(NUMBER, "a"), right=_fact(NUMBER, "b"))  # type: ignore[arg-type]
    on_const = Arith(NUMBER, 0, op=op, left=Const(NUMBER, 0, value=7), right=_fact(NUMBER, "b"))  # type: ignore[arg-type]
    items = [_item(node, name="facts"), _item(on_const, name="constant")]
    exact = [env for env in _pairs("number") if not _beyond(reference(items[0], env).value)]  # type: ignore[arg-type]
    _agrees(items, exact)  # the rest: test_an_int_beyond_a_float_falls_back


def _beyond(v: object) -> bool:
    return type(v) is int and abs(v) > 2**53


@pytest.mark.parametrize("op", list(LOGIC))
@pytest.mark.parametrize("width", [1, 2, 3])
def test_connectives_over_every_state(op: str, width: int) -> None:
    """Kleene and/or, n/a items left out, all n/a is n/a — over every combination of item states."""
    keys = [f"k{i}" for i in range(width)]
    node = Logic(BOOL, 0, op=op, items=[_fact(BOOL, k) for k in keys])  # type: ignore[arg-type]
    with_const = Logic(BOOL, 0, op=op, items=[Const(BOOL, 0, value=op == "and"), _fact(BOOL, keys[0])])  # type: ignore[arg-type]
    envs = [dict(zip(keys, vs, strict=True)) for vs in itertools.product(BOOLS, repeat=width)]
    _agrees([_item(node, name="facts"), _item(with_const, name="constant")], envs)


def test_not_and_minus_over_every_state() -> None:
    items = [
        _item(Not(BOOL, 0, item=_fact(BOOL, "a")), name="not"),
        _item(Neg(NUMBER, 0, item=_fact(NUMBER, "b")), name="neg"),
    ]
    _agrees(items, [{"a": a, "b": b} for a, b in itertools.product(BOOLS, NUMBERS)])


def test_nested_expressions_and_waivers() -> None:
    """Nodes over nodes, and the waiver traced exactly where the rule does not give its good value."""
    share = Call(NUMBER, 0, name="share", args=[_fact(NUMBER, "a"), _fact(NUMBER, "b")])
    over = Compare(BOOL, 0, op=">", left=share, right=Const(NUMBER, 0, value=0.1))
    rule = Logic(
        BOOL,
        0,
        op="or",
        items=[
            Not(BOOL, 0, item=over),
            Compare(BOOL, 0, op="==", left=Neg(NUMBER, 0, item=_fact(NUMBER, "a")), right=Const(NUMBER, 0, value=-1)),
        ],
    )
    waiver = Compare(BOOL, 0, op="<=", left=_fact(DATE, "d"), right=Const(DATE, 0, value=dt.date(2024, 3, 31)))
    envs = [{"a": a, "b": b, "d": d} for a, b, d in itertools.product(NUMBERS, NUMBERS[:6] + MARKERS, DATES)]
    items = [_item(rule, kind, waiver, name=kind) for kind in ("criterion", "disqualifier", "value")]
    _agrees(items, envs)


SCORES = [9, 8, 8.0, 7.5, -0.0, 0, True, None, NA, "x"]
RECORDS = [
    UNKNOWN,
    NA,
    [],
    *(
        [{"index": "PCI", "component": "c", "score": s, "prev_score": p}]
        for s, p in itertools.product(SCORES, repeat=2)
    ),
    *(
        [{"index": "PCI", "component": "a", "score": s, "prev_score": 8}, {"index": "PAR", "score": 9, "prev_score": p}]
        for s, p in itertools.product(SCORES, repeat=2)
    ),
]
DAY = dt.date(2024, 9, 30)
ENTRIES = [ABSENT_ENTRY := object(), 80, 80.0, 79.5, 85, NA, -0.0]
SERIES = [
    *NUMBERS,
    {},
    *(
        {
            d: x
            for d, x in zip((DAY - dt.timedelta(1), DAY, DAY + dt.timedelta(1)), xs, strict=True)
            if x is not ABSENT_ENTRY
        }
        for xs in itertools.product(ENTRIES, repeat=3)
    ),
]
SERIES_FACT = Type("series")
# per builtin with a vector form: its arguments (and options: each variant), and envs over every
# state of the facts they read
BUILTIN_CASES: dict[str, tuple[list[tuple[Callable[[], list[Node]], dict[str, Any]]], list[dict[str, Any]]]] = {
    "share": ([(lambda: [_fact(NUMBER, "a"), _fact(NUMBER, "b")], {})], _pairs("number")),
    "all_improved": ([(lambda: [_fact(Type("records"), "a")], {})], [{"a": r} for r in RECORDS]),
    "latest": (
        [(lambda: [_fact(SERIES_FACT, "a")], {"cumulative": c}) for c in (False, True)],
        [{"a": v} for v in SERIES],
    ),
    "at": (
        [(lambda: [_fact(SERIES_FACT, "a"), Const(DATE, 0, value=DAY)], {"cumulative": c}) for c in (False, True)],
        [{"a": v} for v in SERIES],
    ),
}


@pytest.mark.parametrize("name", [n for n, b in BUILTINS.items() if b.vector is not None])
def test_builtins_with_a_vector_form_over_every_state(name: str) -> None:
    assert name in BUILTIN_CASES, f"add the arguments of {name}() and their states to BUILTIN_CASES"
    variants, envs = BUILTIN_CASES[name]
    for args, options in variants:
        node = Call(BUILTINS[name].result, 0, name=name, args=args(), options=options)
        _agrees([_item(node)], envs)
        waiver = Not(BOOL, 0, item=_fact(BOOL, "w"))
        _agrees([_item(node, "criterion", waiver)], [{**e, "w": True} for e in envs])


# ---------------------------------------------------------------- 2. fallback, visibly


def test_what_has_no_vector_form_falls_back_to_native_visibly() -> None:
    series = _fact(Type("series"), "s")
    latest = Call(NUMBER, 0, name="latest", args=[series], options={"cumulative": False})
    rule = Compare(BOOL, 0, op=">=", left=latest, right=Const(NUMBER, 0, value=80))
    plain = Compare(BOOL, 0, op=">=", left=_fact(NUMBER, "n"), right=Const(NUMBER, 0, value=80))
    envs = [{"s": {dt.date(2024, 9, 30): 85}, "n": 80}, {"s": 79, "n": 79.5}, {}, {"s": NA, "n": NA}]
    items = [_item(rule, name="reads_a_series"), _item(plain, name="plain")]
    without = dataclasses.replace(BUILTINS["latest"], vector=None)  # a builtin declared without one
    with mock.patch.dict(BUILTINS, {"latest": without}):
        backend, _ = _run(items, envs)
        assert backend.fallback == {"reads_a_series": "latest(): no vector form"}
        _agrees(items, envs, fallback=True)


def test_a_value_of_another_type_falls_back_visibly() -> None:
    plain = Compare(BOOL, 0, op=">=", left=_fact(NUMBER, "n"), right=Const(NUMBER, 0, value=80))
    envs = [{"n": 80}, {"n": True}]  # a yes where a number is declared: not held in a number column
    backend, _ = _run([_item(plain, name="odd")], envs)
    assert backend.fallback == {"odd": "value True"}
    _agrees([_item(plain, name="odd")], envs, fallback=True)


def test_an_int_beyond_a_float_falls_back() -> None:
    """Int arithmetic past 2^53 is exact in Python, not in a float column: native evaluates it."""
    times = Arith(NUMBER, 0, op="*", left=_fact(NUMBER, "a"), right=_fact(NUMBER, "b"))
    envs = [{"a": MAX_NUMBER, "b": 10}, {"a": 2, "b": 3}]
    backend, _ = _run([_item(times, name="big")], envs)
    assert backend.fallback == {"big": "an int beyond 2^53"}
    _agrees([_item(times, name="big")], envs, fallback=True)


def test_static_fallback_names_each_campaigns_items_without_vector_forms() -> None:
    from engine.model.campaign import available_campaigns, load_campaign

    for cid in available_campaigns():
        campaign = load_campaign(cid)
        said = static_fallback(campaign)
        for item in campaign.items():
            calls = {
                n.name
                for root in (item.node, item.waiver)
                if root is not None
                for n in root.walk()
                if isinstance(n, Call)
            }
            without = sorted(c for c in calls if BUILTINS[c].vector is None)
            name = getattr(item.spec, "id", None) or item.spec.by
            assert (name in said) is bool(without), (cid, name, said)


# ---------------------------------------------------------------- 3. distinct rows


def test_one_trace_per_distinct_input_shared_and_equal_values_kept_apart() -> None:
    node = Arith(NUMBER, 0, op="*", left=_fact(NUMBER, "a"), right=Const(NUMBER, 0, value=2))
    envs = [{"a": 1}, {"a": 1.0}, {"a": 0.0}, {"a": -0.0}, {"a": 1, "z": "other"}, {"a": -0.0}, {"a": 0.0}]
    item = _item(node)
    _, got = _run([item], envs)
    traces = [row[0] for row in got]
    assert [repr(t.nodes) for t in traces] == [repr(reference(item, env).nodes) for env in envs]  # type: ignore[arg-type]
    assert traces[0] is traces[4] and traces[3] is traces[5] and traces[2] is traces[6]
    assert len({id(t) for t in traces}) == 4


# ---------------------------------------------------------------- 4. the extra


def test_polars_is_imported_only_when_chosen() -> None:
    import subprocess
    import sys

    code = "import sys, engine.lang, engine.evaluate.core, engine.evaluate.backends; print('polars' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_polars_a_usage_error_says_how_to_get_it() -> None:
    import importlib.util

    from engine.common.errors import UsageError
    from engine.evaluate.backends import get_backend

    real = importlib.util.find_spec
    hidden = mock.patch.object(
        importlib.util, "find_spec", lambda name, *a: None if name == "polars" else real(name, *a)
    )
    with hidden, pytest.raises(UsageError) as e:
        get_backend("columnar")
    from engine.common.errors import problem_lines

    line = problem_lines(e.value.problems, lang="vi")
    assert line == [
        "--backend: chưa cài bộ máy tính theo cột (columnar) — cài bằng pip install 'thidua[columnar]', "
        "hoặc dùng --backend native"
    ]


def test_a_rule_left_to_native_is_said_in_the_audit_trail(monkeypatch: pytest.MonkeyPatch) -> None:
    """A builtin without a vector form: its rules are evaluated by native, the verdicts are the same,
    and the JSON header and the report's audit name them (issue 27.2: visibly)."""
    import dataclasses
    from pathlib import Path

    from engine.evaluate.allocate import allocate
    from engine.evaluate.core import evaluate
    from engine.lang.builtins import BUILTINS
    from engine.model.campaign import load_campaign
    from engine.readers import load_facts
    from engine.render.report import build_context
    from engine.render.text import header

    campaign = load_campaign("ninh_thuan_2020")
    facts = load_facts(Path(__file__).parent.parent / "examples" / "ninh_thuan_2020.yaml", campaign.catalogue)
    native = evaluate(campaign, facts)
    assert evaluate(campaign, facts, backend="columnar").fallback == ()
    monkeypatch.setitem(BUILTINS, "share", dataclasses.replace(BUILTINS["share"], vector=None))
    ev = evaluate(campaign, facts, backend="columnar")
    assert ev.fallback == ("staff_discipline_over_10pct",)
    assert [r.verdict for r in ev.results] == [r.verdict for r in native.results]
    assert header(ev)["backend_fallback"] == ["staff_discipline_over_10pct"]
    assert "backend_fallback" not in header(native)
    assert ev.backend_said == "columnar (native: staff_discipline_over_10pct)"
    assert build_context(ev, allocate(ev), "vi").audit.backend == ev.backend_said
