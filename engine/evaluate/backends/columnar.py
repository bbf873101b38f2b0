"""The columnar backend: every rule compiled to Polars expressions, evaluated once per distinct input.

A rule reads a handful of facts, and a population holds few distinct combinations of them (4–57
per rule in 100,000 candidates of the bench's province). So the work is gathered by item (rule,
award condition, ranking key) column-wise — candidates given the same sequence of items are
taken together, position by position, in C (`patterns`): one Python step per candidate, not per
rule — and each item's candidates are deduplicated on the values of the facts it reads (the same
values of the same types: `1` and `1.0`, `0.0` and `-0.0` stay apart); the distinct rows become
one table — per fact a value column and a state column (value / unknown / n/a, kept apart), for
a number also whether it is an int — and every node of the item's expression, and of its waiver,
becomes a column, by the vectorised form each operator and builtin declares beside its runtime
function (`Comparison.vector`, `Arithmetic.vector`, `Connective.vector`, `vector_negate`,
`vector_minus` in `engine.lang.operators`; `Builtin.vector` in `engine.lang.builtins`). There is
no operator logic here. The result is the reference interpreter's trace
(`engine.evaluate.trace.reference`): facts and constants are the env's and the rule's own
values, computed nodes are read back from their columns; one `RuleTrace` per distinct row,
shared by the candidates that have it.

Every operator and builtin has a vector form today (tests/test_columnar.py holds each to its
runtime function over every value state). What still cannot be compiled — a builtin declared
without one, a value of a type the columns do not hold (a yes where a number is declared, a
series entry that is not a number or n/a), an int beyond what a float holds exactly (2^53) — is
evaluated for that item by the native backend, visibly: `ColumnarBackend.fallback` maps each such
item to why, after `run`; `static_fallback(campaign)` says which items would, from the rules alone.
Polars is an install extra (`thidua[columnar]`), imported only when this backend is chosen.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from engine.common.speed import gc_paused
from engine.evaluate.backends.base import Traces, Work
from engine.evaluate.trace import Evaluable, RuleTrace, needs_waiver
from engine.lang import Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not
from engine.lang.builtins import BUILTINS
from engine.lang.operators import (
    ARITHMETIC,
    COMPARISONS,
    LOGIC,
    NA_STATE,
    UNKNOWN_STATE,
    VALUE,
    Column,
    vector_minus,
    vector_negate,
)
from engine.lang.values import NA, UNKNOWN, Value
from engine.model.campaign import Campaign

EXACT = 2**53  # an int beyond this is not held exactly by a float column: native evaluates the item
# how a node type's values are held: a fact of another type (series, records) is not compiled
# `records`: index components, per record its score and prev_score (RECORD), numbers or null;
# `series`: a plain number or dated entries (SERIES)
KINDS = {
    "bool": "bool",
    "number": "number",
    "rating": "word",
    "enum": "word",
    "word": "word",
    "date": "date",
    "records": "records",
    "series": "series",
}
NUMERIC = frozenset({int, float, bool})  # types whose values can be equal across types (1 == 1.0 == True)
RECORD = pl.Struct({"score": pl.Float64, "prev_score": pl.Float64})
# a dated series: its entries in date order — the day, the number (x, w: an int) or n/a (na) — or,
# not `dated`, a plain number (x, w) beside its state
ENTRY = pl.Struct({"d": pl.Date, "x": pl.Float64, "w": pl.Boolean, "na": pl.Boolean})
SERIES = pl.Struct({"dated": pl.Boolean, "x": pl.Float64, "w": pl.Boolean, "e": pl.List(ENTRY)})
DTYPES: dict[str, Any] = {
    "bool": pl.Boolean,
    "number": pl.Float64,
    "word": pl.String,
    "date": pl.Date,
    "records": pl.List(RECORD),
    "series": SERIES,
}
MARKERS: tuple[Value, ...] = (UNKNOWN, UNKNOWN, NA)  # by state: VALUE's slot unused
ABSENT = object()  # a fact an env does not hold, in a row's key: hashed in C (a marker's hash is Python's)


class Unfit(Exception):
    """What keeps an item off the columns (said in `ColumnarBackend.fallback`)."""


def item_name(item: Evaluable) -> str:
    """How the fallback report names an item: a rule's id, a ranking key's fact."""
    spec = getattr(item, "spec", None)
    return str(getattr(spec, "id", None) or getattr(spec, "by", None) or "?")


# ---------------------------------------------------------------- compiling an item


@dataclass(frozen=True)
class Compiled:
    keys: list[str]  # the facts the item and its waiver read: the table's columns
    kinds: list[str]  # how each is held (KINDS)


def compile_item(item: Evaluable) -> Compiled:
    """The table an item is evaluated over; `Unfit` when a node of it has no vector form."""
    kinds: dict[str, str] = {}
    for root in (item.node, item.waiver):
        for node in root.walk() if root is not None else ():
            _check(node, kinds)
    return Compiled(list(kinds), list(kinds.values()))


def _check(node: Node, kinds: dict[str, str]) -> None:
    if isinstance(node, Fact):
        kind = KINDS.get(node.type.kind)
        if kind is None:
            raise Unfit(f"fact {node.key}: {node.type.kind}")
        kinds.setdefault(node.key, kind)
    elif isinstance(node, Call) and BUILTINS[node.name].vector is None:
        raise Unfit(f"{node.name}(): no vector form")
    elif isinstance(node, Const) and KINDS.get(node.type.kind) is None:
        raise Unfit(f"constant {node.value!r}")


def static_fallback(campaign: Campaign) -> dict[str, str]:
    """The items the columnar backend leaves to native whatever the facts, and why."""
    out: dict[str, str] = {}
    for item in campaign.items():
        try:
            compile_item(item)
        except Unfit as e:
            out[item_name(item)] = str(e)
    return out


def _expr(node: Node, facts: Mapping[str, int]) -> Column:
    """The column of a node, built from its operands' columns by the registry's vector forms."""
    if isinstance(node, Fact):
        n = facts[node.key]
        whole = pl.col(f"w{n}") if KINDS[node.type.kind] == "number" else None
        return Column(pl.col(f"v{n}"), pl.col(f"s{n}"), whole)
    if isinstance(node, Const):
        v = node.value
        kind = KINDS[node.type.kind]
        whole = pl.lit(type(v) is int) if kind == "number" else None
        return Column(pl.lit(v, dtype=DTYPES[kind]), pl.lit(VALUE, dtype=pl.UInt8), whole)
    args = [_expr(c, facts) for c in node.children()]
    if isinstance(node, Call):
        vector = BUILTINS[node.name].vector
        assert vector is not None  # compile_item refused it
        return vector(*args, **node.options)
    if isinstance(node, Neg):
        return vector_minus(args[0])
    if isinstance(node, Not):
        return vector_negate(args[0])
    if isinstance(node, Arith):
        return ARITHMETIC[node.op].vector(*args)
    if isinstance(node, Compare):
        c = COMPARISONS[node.op]
        left, right = args
        return c.vector(left, right) if node.ranks is None else c.vector_ranked(left, right, node.ranks)
    if isinstance(node, Logic):
        return LOGIC[node.op].vector(*args)
    raise Unfit(type(node).__name__)  # pragma: no cover - the parser makes no other node


# ---------------------------------------------------------------- the table of distinct rows


def fact_column(envs: Sequence[Mapping[str, Any]], key: str) -> list[Any]:
    """One fact's value in every env (ABSENT where an env does not hold it), in C for dicts."""
    try:
        return list(map(dict.get, envs, itertools.repeat(key), itertools.repeat(ABSENT)))  # type: ignore[arg-type]
    except TypeError:  # an env that is not a dict
        return [env.get(key, ABSENT) for env in envs]


def distinct(compiled: Compiled, envs: Sequence[Mapping[str, Any]]) -> tuple[list[int], list[int]]:
    """The envs that differ in what `keys` read, as the position of the first of each, and per
    env the first equal to it. Equal means the same values of the same types (`1`, `1.0` and
    `True` are one dict key but not one value) and, for a float zero, the same sign (`0.0` and
    `-0.0`); records compare by their text (`repr`: every field, type and sign). `Unfit` for a
    value that cannot be a key."""
    if not compiled.keys or not envs:  # an expression of constants: one row
        return [0] if envs else [], [0] * len(envs)
    cols = [
        list(map(repr, fact_column(envs, k))) if kind in ("records", "series") else fact_column(envs, k)
        for k, kind in zip(compiled.keys, compiled.kinds, strict=True)
    ]
    types = [list(map(type, col)) for col in cols]
    signs = [_signs(col) for col, ts in zip(cols, types, strict=True) if float in ts and 0.0 in col]
    types = [ts for ts in types if len(NUMERIC.intersection(ts)) > 1]  # only where types can tell equals apart
    seen: dict[tuple[Any, ...], int] = {}
    try:
        first = list(map(seen.setdefault, zip(*cols, *types, *signs, strict=True), itertools.count()))
    except TypeError:
        raise Unfit("a value that is not plain") from None
    return list(seen.values()), first


def _signs(col: list[Any]) -> list[float]:
    return [math.copysign(1.0, v) if type(v) is float and v == 0 else 0.0 for v in col]


def _column(kind: str, values: Iterable[Any]) -> tuple[list[Any], list[int], list[bool]]:
    """A fact's values as a value column, a state column and (numbers) an int column; `Unfit`
    for a value of another type than the fact's."""
    vs: list[Any] = []
    states: list[int] = []
    whole: list[bool] = []
    for v in values:
        state = NA_STATE if v is NA else UNKNOWN_STATE if v is UNKNOWN else VALUE
        if state == VALUE and not _fits(kind, v):
            raise Unfit(f"value {v!r}")
        vs.append(None if state != VALUE else float(v) if kind == "number" else v)
        states.append(state)
        whole.append(type(v) is int)  # a plain series value's own whole is in its SERIES struct
    return vs, states, whole


def _fits(kind: str, v: Any) -> bool:
    t = type(v)
    if kind == "number":
        return t is float or (t is int and abs(v) <= EXACT)
    if kind == "records":
        return t is list and all(type(r) is dict for r in v)
    if kind == "series":
        return _fits("number", v) or (t is dict and all(type(d) is dt.date for d in v))
    return t is {"bool": bool, "word": str, "date": dt.date}[kind]


def _lists(name: str, values: list[list[Any]], fields: dict[str, Callable[[Any], Any]], dtype: Any) -> pl.Series:
    """A column of lists of structs, built flat (one row per element: each field of `fields` by
    its function) and grouped back, in C; an empty list where a row has none."""
    rows = [i for i, v in enumerate(values) for _ in v]
    types = {f.name: f.dtype for f in dtype.fields}
    flat = pl.DataFrame(
        {
            k: pl.Series(k, list(map(f, itertools.chain.from_iterable(values))), dtype=types[k])
            for k, f in fields.items()
        }
    ).with_columns(pl.Series("i", rows, dtype=pl.Int64))
    lists = flat.group_by("i").agg(pl.struct(*fields).alias(name))
    every = pl.DataFrame({"i": pl.Series("i", range(len(values)), dtype=pl.Int64)})
    got = every.join(lists, on="i", how="left").sort("i").get_column(name)
    return got.fill_null(pl.Series([[]], dtype=pl.List(dtype))).cast(pl.List(dtype))


def _records(name: str, values: list[Any]) -> pl.Series:
    """Lists of records as a column of lists of RECORD: a score that is a number (as
    `all_improved` reads it: `isinstance` int or float) as a float, anything else null."""
    fields: dict[str, Callable[[Any], Any]] = {
        "score": lambda r: _score(r.get("score")),
        "prev_score": lambda r: _score(r.get("prev_score")),
    }
    return _lists(name, [v if v is not None else [] for v in values], fields, RECORD)


def _series(name: str, values: list[Any]) -> pl.Series:
    """Series facts as a SERIES column: a dated series' entries in date order; a plain number."""
    entries = [sorted(v.items()) if type(v) is dict else [] for v in values]
    for _, x in itertools.chain.from_iterable(entries):
        if x is not NA and not _fits("number", x):
            raise Unfit(f"value {x!r}")
    fields: dict[str, Callable[[Any], Any]] = {
        "d": operator.itemgetter(0),
        "x": lambda e: None if e[1] is NA else float(e[1]),
        "w": lambda e: type(e[1]) is int,
        "na": lambda e: e[1] is NA,
    }
    plain = [v if type(v) is not dict else None for v in values]
    return pl.DataFrame(
        {
            "dated": pl.Series([type(v) is dict for v in values], dtype=pl.Boolean),
            "x": pl.Series([None if v is None else float(v) for v in plain], dtype=pl.Float64),
            "w": pl.Series([type(v) is int for v in plain], dtype=pl.Boolean),
            "e": _lists("e", entries, fields, ENTRY),
        }
    ).to_struct(name)


def _score(v: object) -> float | None:
    if not isinstance(v, int | float):
        return None
    if isinstance(v, int) and abs(v) > EXACT:
        raise Unfit(f"value {v!r}")
    return float(v)


def frame(compiled: Compiled, rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """The distinct rows as a table: `v<n>`, `s<n>` and (numbers) `w<n>` for the n-th fact."""
    cols: dict[str, pl.Series] = {"row": pl.Series("row", range(len(rows)), dtype=pl.Int64)}
    for n, (key, kind) in enumerate(zip(compiled.keys, compiled.kinds, strict=True)):
        vs, states, whole = _column(kind, (env.get(key, UNKNOWN) for env in rows))
        build = {"records": _records, "series": _series}.get(kind)
        cols[f"v{n}"] = build(f"v{n}", vs) if build is not None else pl.Series(f"v{n}", vs, dtype=DTYPES[kind])
        cols[f"s{n}"] = pl.Series(f"s{n}", states, dtype=pl.UInt8)
        if kind == "number":
            cols[f"w{n}"] = pl.Series(f"w{n}", whole, dtype=pl.Boolean)
    return pl.DataFrame(cols)


# ---------------------------------------------------------------- evaluating and reading back


def _outputs(root: Node, facts: Mapping[str, int], tag: str) -> list[pl.Expr]:
    """Every computed node's value, state and int columns, named `<tag><idx>v/s/w`."""
    out: list[pl.Expr] = []
    for node in root.walk():
        if isinstance(node, Fact | Const):
            continue
        col = _expr(node, facts)
        out += [col.value.alias(f"{tag}{node.idx}v"), col.state.alias(f"{tag}{node.idx}s")]
        if col.whole is not None:
            out.append(col.whole.alias(f"{tag}{node.idx}w"))
    return out


def _read(
    root: Node, got: Mapping[str, list[Any]], rows: Sequence[Mapping[str, Any]], tag: str
) -> list[tuple[Value, ...]]:
    """Each row's trace of `root`: facts from the env, constants from the rule, the rest from columns."""
    readers: list[Callable[[int, Mapping[str, Any]], Value]] = [_reader(node, got, tag) for node in root.walk()]
    return [tuple(r(i, env) for r in readers) for i, env in enumerate(rows)]


def _reader(node: Node, got: Mapping[str, list[Any]], tag: str) -> Callable[[int, Mapping[str, Any]], Value]:
    if isinstance(node, Fact):
        key = node.key
        return lambda i, env: env.get(key, UNKNOWN)
    if isinstance(node, Const):
        value = node.value
        return lambda i, env: value
    values, states = got[f"{tag}{node.idx}v"], got[f"{tag}{node.idx}s"]
    whole = got.get(f"{tag}{node.idx}w")
    if whole is None:
        return lambda i, env: values[i] if states[i] == VALUE else MARKERS[states[i]]
    if any(w and s == VALUE and abs(v) > EXACT for v, s, w in zip(values, states, whole, strict=True)):
        raise Unfit("an int beyond 2^53")
    return lambda i, env: (int(values[i]) if whole[i] else values[i]) if states[i] == VALUE else MARKERS[states[i]]


def evaluate_rows(item: Evaluable, compiled: Compiled, rows: Sequence[Mapping[str, Any]]) -> list[RuleTrace]:
    """One trace per distinct row, as the reference interpreter gives it; `Unfit` if it cannot."""
    facts = {k: n for n, k in enumerate(compiled.keys)}
    outputs = _outputs(item.node, facts, "r")
    if item.waiver is not None:
        outputs += _outputs(item.waiver, facts, "x")
    table = frame(compiled, rows)
    got = table.lazy().select(outputs).collect().to_dict(as_series=False) if outputs else {}
    nodes = _read(item.node, got, rows, "r")
    if item.waiver is None:
        return [RuleTrace(t, None) for t in nodes]
    waivers = _read(item.waiver, got, rows, "x")
    return [RuleTrace(t, w if needs_waiver(item.kind, t[0]) else None) for t, w in zip(nodes, waivers, strict=True)]


# ---------------------------------------------------------------- the backend


def patterns(work: Work) -> dict[tuple[int, ...], list[int]]:
    """The candidates by the sequence of items they are given (most share a few sequences): the
    only loop over candidates in Python; the rest goes column by column."""
    out: dict[tuple[int, ...], list[int]] = {}
    first, ids = itertools.repeat(operator.itemgetter(0)), itertools.repeat(id)
    for c, key in enumerate(map(tuple, map(map, ids, map(map, first, work)))):  # each: its items' ids
        out.setdefault(key, []).append(c)
    return out


class ColumnarBackend:
    name = "columnar"

    def __init__(self) -> None:
        self.fallback: dict[str, str] = {}  # item name → why native evaluated it (after `run`)
        self._native: dict[int, Callable[[Any], RuleTrace]] | None = None

    def run(self, campaign: Campaign, work: Work) -> Traces:
        """Each item's envs gathered column-wise (per candidate sequence, per position), evaluated
        once per distinct row, and the traces laid back candidate by candidate."""
        with gc_paused():
            groups = list(patterns(work).items())
            chunks: dict[int, tuple[Evaluable, list[list[Mapping[str, Any]]]]] = {}
            for _, cands in groups:
                rows = list(map(work.__getitem__, cands))
                for j, (item, _) in enumerate(rows[0]):
                    envs = list(map(operator.itemgetter(1), map(operator.itemgetter(j), rows)))
                    chunks.setdefault(id(item), (item, []))[1].append(envs)
            got = {iid: self._split(campaign, item, parts) for iid, (item, parts) in chunks.items()}
            out: Traces = [[] for _ in work]
            for pattern, cands in groups:
                columns = [got[iid].pop(0) for iid in pattern]  # this pattern's chunk of each item, in order
                collections.deque(map(out.__setitem__, cands, map(list, zip(*columns, strict=True))), maxlen=0)
        return out

    def _split(
        self, campaign: Campaign, item: Evaluable, parts: list[list[Mapping[str, Any]]]
    ) -> list[list[RuleTrace]]:
        """The item's traces for all its envs at once, cut back into the parts they came in."""
        traces = self._traces(campaign, item, list(itertools.chain.from_iterable(parts)))
        out = []
        start = 0
        for part in parts:
            out.append(traces[start : start + len(part)])
            start += len(part)
        return out

    def _traces(self, campaign: Campaign, item: Evaluable, envs: list[Mapping[str, Any]]) -> list[RuleTrace]:
        try:
            compiled = compile_item(item)
            reps, first = distinct(compiled, envs)
            traces = evaluate_rows(item, compiled, [envs[p] for p in reps])
        except Unfit as e:
            self.fallback[item_name(item)] = str(e)
            fn = self._native_fns(campaign)[id(item)]
            return [fn(env) for env in envs]
        return list(map(dict(zip(reps, traces, strict=True)).__getitem__, first))

    def _native_fns(self, campaign: Campaign) -> dict[int, Callable[[Any], RuleTrace]]:
        if self._native is None:
            from engine.evaluate.backends.native import item_functions

            self._native = item_functions(campaign)
        return self._native
