"""The functions of the rule language, each declared once.

A `Builtin` is everything the project knows about one function: its name and signature,
the types each argument accepts (`params`: one type or several; a dated series where a number
is wanted is read through the builtin marked `reads_series`, `latest`), how the type checker
checks a call (`check`), the catalogue marks of its series argument it reads (`marks`: they
become the call's `options`, passed to `impl`, `dated` and `bounds` as keywords), its
three-valued meaning (`impl`: the one implementation every evaluator calls — the reference
interpreter, the generated native code and the durable backend's derived fields — and `vector`,
the same meaning over columns for the columnar backend, or `means`,
an arithmetic operator of `engine.lang.operators` whose meaning it is, read by `decide` too),
how an explanation phrases it (`phrase`, `requirement`, `unit`), the facts-file columns a call
implies (`columns`, for `thidua template`) and its line in the documentation (`doc`;
`docs/campaign-format.md` is generated from it, see `python -m engine.authoring.docs --check`).

Adding a function: declare it here, test its meaning in `tests/test_semantics.py`
(`test_builtin_meanings`) and regenerate the docs. Nothing else names functions: the parser,
the interpreter, both backends, `decide`, the explanations and the differential and fuzz tests
read this table (`share` was added so: one entry, its meanings in the test, the docs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine.common import fmt
from engine.common.message import Msg
from engine.lang.ir import BOOL, DATE, NUMBER, RECORDS, SERIES, ArithOp, Call, Const, Fact, Node, Type
from engine.lang.operators import ARITHMETIC, Column
from engine.lang.values import NA, UNKNOWN, Value

Lang = str  # "vi" | "en"


class ArgumentError(Exception):
    """The arguments of a call do not fit the function's signature (the parser adds the column)."""

    def __init__(self, message: Msg):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Builtin:
    name: str
    signature: str  # as the documentation shows it
    params: tuple[Type | tuple[Type, ...], ...]  # the type(s) each argument accepts; a DATE must be a quoted date
    result: Type
    impl: Callable[..., Value]  # three-valued meaning: argument values (and `options`) → value
    doc: dict[Lang, str]  # one line per language
    example: str
    phrase: dict[Lang, str]  # the call in words: {0}, {1}… are the arguments in words
    # what would have to hold, in words: (argument values, language, the explainer's value formatter)
    requirement: Callable[[Sequence[Value], Lang, Callable[[Value], str]], str] | None = None
    dated: Callable[..., dt.date | None] | None = None  # which dated value of a series it used (args, **options)
    # what the entries of a series around the day say of a value the call leaves unknown (args, **options)
    bounds: Callable[..., tuple[Bound | None, Bound | None] | None] | None = None
    implies: Callable[[Call], list[str]] | None = None  # facts-file columns a call implies beyond its facts
    # the catalogue marks of its first argument (a fact) it reads: the call's `options` (`cumulative`)
    marks: tuple[str, ...] = ()
    reads_series: bool = False  # the builtin a series is read through where a number is wanted
    means: ArithOp | None = None  # its meaning is `args[0] <means> args[1]` (engine.lang.operators)
    unit: Callable[[float, Lang], str] | None = None  # how an explanation writes its value (and a bound on it)
    # `impl` over columns (engine.lang.operators.Column; the columnar backend): argument columns,
    # **options → a column. None: a call of it is evaluated by the native backend instead, visibly
    vector: Callable[..., Column] | None = None

    def accepts(self, i: int) -> tuple[Type, ...]:
        """The types argument `i` may have."""
        p = self.params[i]
        return p if isinstance(p, tuple) else (p,)

    def check(self, args: list[Node]) -> Type:
        n = len(self.params)
        if len(args) != n or any(a.type not in self.accepts(i) for i, a in enumerate(args)):
            raise ArgumentError(Msg("problem.campaign_rule_call_as", example=self.example))
        for i, a in enumerate(args):
            if self.accepts(i) == (DATE,) and not isinstance(a, Const):
                raise ArgumentError(Msg("problem.campaign_rule_call_date", name=self.name))
        return self.result

    def columns(self, call: Call) -> list[str]:
        """The facts-file columns a call reads in place of its facts' own (`thidua template`)."""
        return self.implies(call) if self.implies is not None else []


# ---------------------------------------------------------------- meanings


def latest(v: Value, *, cumulative: bool = False) -> Value:
    """The most recent value of a dated series; a plain value is itself; an empty series is unknown.

    For a cumulative fact (`cumulative: true` in the catalogue) a dated series read without a day
    says how far it had got by its entries' dates, not what it reached in the end (issue 22: a
    value speaks for its own date): unknown, at least its highest entry (`latest_bounds`, read by
    `engine.lang.decide`) — unless its latest entry is n/a, which says the fact does not apply."""
    if type(v) is dict:
        day = _reading(v, None, cumulative)
        if day is None:
            return UNKNOWN
        got: Value = v[day]
        return UNKNOWN if cumulative and got is not NA else got
    return v


def latest_bounds(args: Sequence[Value], *, cumulative: bool = False) -> tuple[Bound | None, Bound | None] | None:
    """A cumulative series read without a day: at least its highest entry (it only grows)."""
    series = args[0]
    if not cumulative or type(series) is not dict or latest(series, cumulative=True) is not UNKNOWN:
        return None
    numbers = [(d, float(x)) for d, x in series.items() if isinstance(x, int | float) and not isinstance(x, bool)]
    return (max(numbers, key=lambda e: (e[1], e[0])), None) if numbers else None


def at(v: Value, day: dt.date, *, cumulative: bool = False) -> Value:
    """The value of a dated series on `day`: the entry dated that day — for a cumulative fact
    (disbursement: the disbursed share only grows within the year) the highest value dated on or
    before it, since 82 disbursed on 15/09 is still disbursed when 30/09 reads 78. A value speaks
    for its own date only (issue 22): with no entry dated `day` the value is unknown — for a
    cumulative fact the entries around `day` bound it (`at_bounds`, read by `engine.lang.decide`).
    A plain number carries no date, so it says nothing of `day` (unknown)."""
    if type(v) is dict:
        if day not in v:
            return UNKNOWN
        used = _reading(v, day, cumulative)
        return v[used] if used is not None else UNKNOWN
    return NA if v is NA else UNKNOWN


Bound = tuple[dt.date, float]  # an entry of a series that bounds a value: its date and its value


def at_bounds(args: Sequence[Value], *, cumulative: bool = False) -> tuple[Bound | None, Bound | None] | None:
    """What a cumulative series says of its value on a day it has no entry for: the value is at
    least the highest entry dated before the day (what was disbursed stays disbursed) and at most
    the lowest entry dated after it (it can only have grown since). None for a series that is not
    cumulative: there a value before or after a day says nothing of the day itself."""
    series, day = args[0], args[1]
    if not cumulative or type(series) is not dict or not isinstance(day, dt.date) or day in series:
        return None
    numbers = [(d, x) for d, x in series.items() if isinstance(x, int | float) and not isinstance(x, bool)]
    before = [(d, float(x)) for d, x in numbers if d < day]
    after = [(d, float(x)) for d, x in numbers if d > day]
    low = max(before, key=lambda e: (e[1], e[0])) if before else None
    high = min(after, key=lambda e: (e[1], e[0])) if after else None
    return (low, high) if low is not None or high is not None else None


def _reading(series: Value, day: dt.date | None, cumulative: bool) -> dt.date | None:
    """The date of the entry a reading uses — the latest dated on or before `day` (any, for None),
    or for a cumulative fact the latest of those holding the highest value — None when there is none."""
    if type(series) is not dict:
        return None
    days = [d for d in series if day is None or d <= day]
    if not days:
        return None
    last = max(days)
    numbers = [d for d in days if isinstance(series[d], int | float) and not isinstance(series[d], bool)]
    if not cumulative or len(numbers) < len(days):
        return last  # not cumulative, or a non-number entry (n/a): no maximum to take, the latest decides
    top = max(series[d] for d in numbers)
    return max(d for d in numbers if series[d] == top)


def latest_date(args: Sequence[Value], *, cumulative: bool = False) -> dt.date | None:
    if latest(args[0], cumulative=cumulative) is UNKNOWN:
        return None  # a cumulative series' entries only bound it (latest_bounds)
    return _reading(args[0], None, cumulative)


def at_date(args: Sequence[Value], *, cumulative: bool = False) -> dt.date | None:
    day, series = args[1], args[0]
    if not isinstance(day, dt.date) or type(series) is not dict or day not in series:
        return None
    return _reading(series, day, cumulative)


def _dated_column(call: Call) -> list[str]:
    """`at(fact, 'YYYY-MM-DD')` reads the column `fact@YYYY-MM-DD`."""
    series, day = call.args
    return [f"{series.key}@{day.value.isoformat()}"] if isinstance(series, Fact) and isinstance(day, Const) else []


def all_improved(records: Value) -> Value:
    """Every assigned index component scored above last year; none assigned is n/a; a missing score unknown."""
    if records is UNKNOWN or records is NA:
        return records
    if not isinstance(records, list) or not records:
        return NA  # no component assigned to this unit
    unknown = False
    for r in records:
        score, prev = r.get("score"), r.get("prev_score")
        if not isinstance(score, int | float) or not isinstance(prev, int | float):
            unknown = True
        elif not score > prev:
            return False
    return UNKNOWN if unknown else True


def _latest_vector(series: Column, *, cumulative: bool = False) -> Column:
    """`latest` over a column of series (the columnar backend's SERIES: `dated`, a plain number
    `x`/`w`, the entries `e` in date order, each `d`, `x`, `w`, `na`): a plain value is itself; a
    dated series its last entry — for a cumulative fact unknown (only bounded), n/a when that last
    entry is n/a; no entry is unknown."""
    import polars as pl

    from engine.lang.operators import NA_STATE, UNKNOWN_STATE, VALUE

    v = series.value
    entries = v.struct.field("e")
    last = entries.list.last()
    state = (
        pl.when(~v.struct.field("dated"))
        .then(series.state)
        .when(entries.list.len() == 0)
        .then(pl.lit(UNKNOWN_STATE, dtype=pl.UInt8))
        .when(last.struct.field("na"))
        .then(pl.lit(NA_STATE, dtype=pl.UInt8))
        .otherwise(pl.lit(UNKNOWN_STATE if cumulative else VALUE, dtype=pl.UInt8))
    )
    dated = v.struct.field("dated")
    value = pl.when(dated).then(last.struct.field("x")).otherwise(v.struct.field("x"))
    return Column(value, state, pl.when(dated).then(last.struct.field("w")).otherwise(v.struct.field("w")))


def _at_vector(series: Column, day: Column, *, cumulative: bool = False) -> Column:
    """`at` over a column of series (SERIES, see `_latest_vector`) and a day: the entry dated that
    day — for a cumulative fact whose entries up to the day are all numbers, the highest of them
    (the latest of equals) — unknown with no entry that day; a plain value says nothing of a day
    (unknown; n/a stays n/a)."""
    import polars as pl

    from engine.lang.operators import NA_STATE, UNKNOWN_STATE, VALUE

    v = series.value
    entries = v.struct.field("e")
    d = pl.element().struct.field("d")
    on_day = entries.list.eval(pl.element().filter(d == day.value)).list.first()
    used = on_day
    if cumulative:
        upto = entries.list.eval(pl.element().filter(d <= day.value))
        top = upto.list.eval(pl.element().sort_by(pl.element().struct.field("x"), d)).list.last()
        used = pl.when(upto.list.eval(pl.element().struct.field("na")).list.any()).then(on_day).otherwise(top)
    plain = pl.when(series.state == NA_STATE).then(pl.lit(NA_STATE, dtype=pl.UInt8))
    state = (
        plain.when(~v.struct.field("dated") | on_day.is_null())
        .then(pl.lit(UNKNOWN_STATE, dtype=pl.UInt8))
        .when(used.struct.field("na"))
        .then(pl.lit(NA_STATE, dtype=pl.UInt8))
        .otherwise(pl.lit(VALUE, dtype=pl.UInt8))
    )
    return Column(used.struct.field("x"), state, used.struct.field("w"))


def _all_improved_vector(records: Column) -> Column:
    """`all_improved` over a column of records (each its score and prev_score, null where not a
    number): a record not scoring above last year decides false; else one without both numbers
    unknown; else true; none assigned n/a; an unknown or n/a list stays what it is."""
    import polars as pl

    from engine.lang.operators import NA_STATE, UNKNOWN_STATE, VALUE

    score, prev = pl.element().struct.field("score"), pl.element().struct.field("prev_score")
    worse = records.value.list.eval(score.is_not_null() & prev.is_not_null() & ~(score > prev)).list.any()
    unsure = records.value.list.eval(score.is_null() | prev.is_null()).list.any()
    state = (
        pl.when(records.state != VALUE)
        .then(records.state)
        .when(records.value.list.len() == 0)
        .then(pl.lit(NA_STATE, dtype=pl.UInt8))
        .when(~worse & unsure)
        .then(pl.lit(UNKNOWN_STATE, dtype=pl.UInt8))
        .otherwise(pl.lit(VALUE, dtype=pl.UInt8))
    )
    return Column(~worse, state)


def _improved_requirement(args: Sequence[Value], lang: Lang, fmt: Callable[[Value], str]) -> str:
    """Which assigned components did not score above last year (`fmt` writes values as explanations do)."""
    records = args[0]
    bad = []
    for r in records if isinstance(records, list) else []:
        s, p = r.get("score"), r.get("prev_score")
        name = f"{r.get('index', '')} {r.get('component', '')}".strip()
        if not isinstance(s, int | float) or not isinstance(p, int | float):
            bad.append(f"{name}: {fmt(UNKNOWN)}")
        elif not s > p:
            bad.append(f"{name} {fmt(p)} → {fmt(s)}")
    return f"{_IMPROVED[lang]}; " + ", ".join(bad)


def _share_unit(v: float, lang: Lang) -> str:
    """A share as a percentage: 0.1 → 10%."""
    return fmt.percent(round(v * 100, 10), lang)


_IMPROVED = {  # the requirement in words; a registry entry carries its own phrasing
    "vi": "mọi chỉ số thành phần được giao phải tăng điểm so với năm trước",
    "en": "every assigned index component must score above last year",
}

# ---------------------------------------------------------------- the registry

BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in (
        Builtin(
            name="at",
            signature="at(series, 'YYYY-MM-DD') → number",
            params=(SERIES, DATE),
            result=NUMBER,
            impl=at,
            vector=_at_vector,
            doc={
                "vi": "giá trị của một chuỗi số liệu theo ngày vào đúng ngày đó: số liệu ghi đúng ngày (chưa có nếu "
                "không có; một số không ghi ngày là chưa có). Với số liệu lũy kế (`cumulative: true`, như tỷ lệ "
                "giải ngân): giá trị lớn nhất ghi đến ngày đó; không có số liệu đúng ngày thì số liệu ghi trước "
                "ngày đó là mức tối thiểu, số liệu ghi sau ngày đó là mức tối đa — đủ để kết luận khi mọi giá "
                "trị trong khoảng đó cho cùng kết quả",
                "en": "the value of a dated series on that very date: the entry dated that day (unknown if none; "
                "a plain undated number is unknown). For a cumulative fact (`cumulative: true`, such as "
                "disbursement): the highest value dated on or before it; with no entry that day, an entry "
                "before it is a lower bound and one after it an upper bound — enough to decide when every "
                "value between them gives the same answer",
            },
            example="at(disbursement_pct, '2024-09-30') >= 80",
            phrase={"vi": "{0} (ngày {1})", "en": "{0} (on {1})"},
            dated=at_date,
            bounds=at_bounds,
            implies=_dated_column,
            marks=("cumulative",),
        ),
        Builtin(
            name="latest",
            signature="latest(series) → number",
            params=(SERIES,),
            result=NUMBER,
            impl=latest,
            vector=_latest_vector,
            doc={
                "vi": "giá trị mới nhất của một chuỗi số liệu theo ngày (một số không ghi ngày là chính nó); với số "
                "liệu lũy kế, chuỗi số liệu theo ngày chỉ cho biết mức tối thiểu (giá trị lớn nhất đã ghi), đủ để "
                "kết luận khi mọi giá trị từ mức đó trở lên cho cùng kết quả; một chuỗi so sánh trực tiếp được "
                "hiểu là latest(…)",
                "en": "the most recent value of a dated series (a plain number is itself); for a cumulative fact "
                "a dated series only gives a lower bound (its highest entry), enough to decide when every value "
                "from there up gives the same answer; a series compared directly means latest(…)",
            },
            example="latest(disbursement_pct) >= 100",
            phrase={"vi": "{0}", "en": "{0}"},
            dated=latest_date,
            bounds=latest_bounds,
            marks=("cumulative",),
            reads_series=True,
        ),
        Builtin(
            name="all_improved",
            signature="all_improved(index_components) → bool",
            params=(RECORDS,),
            result=BOOL,
            impl=all_improved,
            vector=_all_improved_vector,
            doc={
                "vi": "mọi chỉ số thành phần được giao đều tăng điểm so với năm trước "
                "(không áp dụng nếu không được giao chỉ số nào)",
                "en": "every assigned index component scored above last year (n/a if none assigned)",
            },
            example="all_improved(index_components)",
            phrase=_IMPROVED,
            requirement=_improved_requirement,
        ),
        Builtin(
            name="share",
            signature="share(part, whole) → number",
            params=(NUMBER, NUMBER),
            result=NUMBER,
            impl=ARITHMETIC["/"].run,
            means="/",
            vector=ARITHMETIC["/"].vector,
            doc={
                "vi": "tỷ lệ của phần trên tổng, từ 0 đến 1 (0,1 là 10%): chưa có nếu một trong hai chưa có; không "
                "áp dụng nếu một trong hai không áp dụng hoặc tổng bằng 0 (tỷ lệ trên không có gì không áp dụng); "
                'lý do giải thích điều kiện theo số của phần ("phải không quá 4 (10% × tổng = 4)")',
                "en": "the share of a part in a whole, from 0 to 1 (0.1 is 10%): unknown if either is unknown; "
                "n/a if either is n/a or the whole is 0 (a share of nothing does not apply); explanations state "
                'the condition as a count of the part ("must be at most 4 (10% × whole = 4)")',
            },
            example="share(staff_violating_discipline, staff_total) > 0.10",
            phrase={"vi": "tỷ lệ {0} trên {1}", "en": "the share of {0} in {1}"},
            unit=_share_unit,
        ),
    )
}


def doc_table(lang: Lang = "en") -> str:
    """The documentation's table of functions, generated from the registry."""
    rows = ["| function | means |", "|---|---|"]
    rows += [f"| `{b.example}` | `{b.signature}`: {b.doc[lang]} |" for b in BUILTINS.values()]
    return "\n".join(rows)
