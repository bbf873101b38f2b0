"""The functions of the rule language, each declared once.

A `Builtin` is everything the project knows about one function: its name and signature,
how the type checker checks a call (`check`), its three-valued meaning (`impl`: the one
implementation every evaluator calls — the reference interpreter, the generated native
code and the durable backend's derived fields), how an explanation phrases it (`phrase`,
`requirement`), the facts-file columns a call implies (`columns`, for `thidua template`)
and its line in the documentation (`doc`; `docs/campaign-format.md` is generated from it,
see `python -m engine.authoring.docs --check`).

Adding a function: declare it here and test it in `tests/test_builtins.py`. Nothing else
names functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine.lang.ir import BOOL, DATE, NUMBER, RECORDS, SERIES, Call, Const, Fact, Node, Type
from engine.lang.values import NA, UNKNOWN, Value

Lang = str  # "vi" | "en"
Phrases = dict[str, dict[str, str]]


class ArgumentError(Exception):
    """The arguments of a call do not fit the function's signature (the parser adds the column)."""


@dataclass(frozen=True)
class Builtin:
    name: str
    signature: str  # as the documentation shows it
    params: tuple[Type, ...]  # argument types; a DATE parameter must be a quoted date constant
    result: Type
    impl: Callable[..., Value]  # three-valued meaning: argument values → value
    doc: dict[Lang, str]  # one line per language
    example: str
    phrase: dict[Lang, str]  # the call in words: {0}, {1}… are the arguments in words
    requirement: Callable[[Sequence[Value], Lang], str] | None = None  # what would have to hold
    dated: Callable[..., dt.date | None] | None = None  # which dated value of a series it used (args, **options)

    def check(self, args: list[Node]) -> Type:
        if len(args) != len(self.params) or any(a.type != p for a, p in zip(args, self.params, strict=False)):
            raise ArgumentError(f"write {self.example}")
        for a, p in zip(args, self.params, strict=True):
            if p == DATE and not isinstance(a, Const):
                raise ArgumentError(f"the date in {self.name}() must be written as 'YYYY-MM-DD'")
        return self.result

    def columns(self, call: Call) -> list[str]:
        """The facts-file columns a call reads: a dated column `key@YYYY-MM-DD` for `at`."""
        if self.name == "at" and isinstance(call.args[0], Fact) and isinstance(call.args[1], Const):
            return [f"{call.args[0].key}@{call.args[1].value.isoformat()}"]
        return []


# ---------------------------------------------------------------- meanings


def latest(v: Value, *, cumulative: bool = False) -> Value:
    """The most recent value of a dated series; a plain value is itself; an empty series is unknown.

    For a cumulative fact (`cumulative: true` in the catalogue) the most recent reading is the
    highest value recorded, as for `at` (a share disbursed earlier is still disbursed)."""
    if type(v) is dict:
        if not v:
            return UNKNOWN
        return v[_pick(v, list(v), cumulative)]  # type: ignore[no-any-return]
    return v


def at(v: Value, day: dt.date, *, cumulative: bool = False) -> Value:
    """The value of a dated series as of `day`: the latest entry dated on or before `day`.

    For a cumulative fact (disbursement: the disbursed share only grows within the year) it is
    the highest value dated on or before `day` — 82 on 15/09 is still disbursed on 30/09 even if
    a later entry reads 78. A value dated after `day` never counts; none on or before is unknown.
    A plain number carries no date, so it says nothing of `day` (unknown)."""
    if type(v) is dict:
        days = [d for d in v if d <= day]
        return v[_pick(v, days, cumulative)] if days else UNKNOWN
    if v is NA:
        return NA
    return UNKNOWN


def _pick(series: dict[dt.date, Value], days: list[dt.date], cumulative: bool) -> dt.date:
    """The date whose value a reading uses: the latest of `days`, or for a cumulative fact the
    latest of those holding the highest value (a marker such as n/a is never the highest)."""
    last = max(days)
    if not cumulative:
        return last
    numbers = [d for d in days if isinstance(series[d], int | float) and not isinstance(series[d], bool)]
    if not numbers or len(numbers) < len(days):
        return last  # a missing or non-number entry: no maximum to take, the latest entry decides
    top = max(series[d] for d in numbers)  # type: ignore[type-var]
    return max(d for d in numbers if series[d] == top)


def latest_date(args: Sequence[Value], *, cumulative: bool = False) -> dt.date | None:
    series = args[0]
    return _pick(series, list(series), cumulative) if type(series) is dict and series else None


def at_date(args: Sequence[Value], *, cumulative: bool = False) -> dt.date | None:
    series, day = args
    if type(series) is not dict or not isinstance(day, dt.date):
        return None
    days = [d for d in series if d <= day]
    return _pick(series, days, cumulative) if days else None


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


def _improved_requirement(args: Sequence[Value], lang: Lang) -> str:
    records = args[0]
    words = _IMPROVED[lang]
    bad = []
    for r in records if isinstance(records, list) else []:
        s, p = r.get("score"), r.get("prev_score")
        name = f"{r.get('index', '')} {r.get('component', '')}".strip()
        if not isinstance(s, int | float) or not isinstance(p, int | float):
            bad.append(f"{name}: {words['unknown']}")
        elif not s > p:
            bad.append(f"{name} {_fmt(p)} → {_fmt(s)}")
    return f"{words['must']}; " + ", ".join(bad)


def _fmt(v: float | int) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:.4f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


_IMPROVED = {
    "vi": {
        "must": "mọi chỉ số thành phần được giao phải tăng điểm so với năm trước",
        "unknown": "chưa có dữ liệu",
    },
    "en": {
        "must": "every assigned index component must score above last year",
        "unknown": "unknown",
    },
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
            doc={
                "vi": "giá trị của một chuỗi số liệu theo ngày tính đến ngày đó: số liệu ghi ngày gần nhất "
                "trước hoặc đúng ngày đó (chưa có nếu không có; một số không ghi ngày là chưa có); với số liệu "
                "lũy kế (`cumulative: true`, như tỷ lệ giải ngân) là giá trị lớn nhất ghi đến ngày đó, vì đã "
                "đạt thì không mất",
                "en": "the value of a dated series as of that date: the latest entry dated on or before it "
                "(unknown if none; a plain undated number is unknown); for a cumulative fact "
                "(`cumulative: true`, such as disbursement) the highest value dated on or before it, "
                "since what was reached stays reached",
            },
            example="at(disbursement_pct, '2024-09-30') >= 80",
            phrase={"vi": "{0} (ngày {1})", "en": "{0} (on {1})"},
            dated=at_date,
        ),
        Builtin(
            name="latest",
            signature="latest(series) → number",
            params=(SERIES,),
            result=NUMBER,
            impl=latest,
            doc={
                "vi": "giá trị mới nhất của một chuỗi số liệu theo ngày (một số không ghi ngày là chính nó; "
                "với số liệu lũy kế là giá trị lớn nhất); một chuỗi so sánh trực tiếp được hiểu là latest(…)",
                "en": "the most recent value of a dated series (a plain number is itself; for a cumulative "
                "fact the highest value); a series compared directly means latest(…)",
            },
            example="latest(disbursement_pct) >= 100",
            phrase={"vi": "{0}", "en": "{0}"},
            dated=latest_date,
        ),
        Builtin(
            name="all_improved",
            signature="all_improved(index_components) → bool",
            params=(RECORDS,),
            result=BOOL,
            impl=all_improved,
            doc={
                "vi": "mọi chỉ số thành phần được giao đều tăng điểm so với năm trước "
                "(không áp dụng nếu không được giao chỉ số nào)",
                "en": "every assigned index component scored above last year (n/a if none assigned)",
            },
            example="all_improved(index_components)",
            phrase={"vi": _IMPROVED["vi"]["must"], "en": _IMPROVED["en"]["must"]},
            requirement=_improved_requirement,
        ),
    )
}


def doc_table(lang: Lang = "en") -> str:
    """The documentation's table of functions, generated from the registry."""
    rows = ["| function | means |", "|---|---|"]
    rows += [f"| `{b.example}` | `{b.signature}`: {b.doc[lang]} |" for b in BUILTINS.values()]
    return "\n".join(rows)
