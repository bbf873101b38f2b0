"""engine.lang.parse and engine.lang.interpret: parsing, type checking and three-valued evaluation."""

from typing import Any

import pytest

import engine.model.vocabulary  # noqa: F401 - says a message (engine.common.message.use_sayer)
from engine.common.message import say
from engine.lang import NA, UNKNOWN, RuleError, parse_rule, value
from engine.model.catalogue import load_catalogue

CAT = load_catalogue()


def ev(rule: str, env: dict[str, Any]) -> Any:
    return value(parse_rule(rule, CAT), env)


@pytest.mark.parametrize(
    ("rule", "env", "expected"),
    [
        ("par_rating >= good", {"par_rating": "excellent"}, True),
        ("par_rating >= good", {"par_rating": "good"}, True),
        ("par_rating >= good", {"par_rating": "fair"}, False),
        ("par_rating >= good", {}, UNKNOWN),
        ("par_rating >= good", {"par_rating": NA}, NA),
        ("task_completion == excellent", {"task_completion": "good"}, False),
        (
            "staff_violating_discipline > 0.10 * staff_total",
            {"staff_violating_discipline": 4, "staff_total": 40},
            False,
        ),
        (
            "staff_violating_discipline > 0.10 * staff_total",
            {"staff_violating_discipline": 5, "staff_total": 40},
            True,
        ),
        (
            "staff_violating_discipline > 0.10 * staff_total",
            {"staff_violating_discipline": 5},
            UNKNOWN,
        ),
        (
            "staff_total / staff_violating_discipline > 1",
            {"staff_violating_discipline": 0, "staff_total": 3},
            NA,
        ),
        # Kleene: a definite false decides `and`, a definite true decides `or`
        ("par_rating >= good and late_dossiers == 0", {"par_rating": "fair"}, False),
        ("par_rating >= good and late_dossiers == 0", {"par_rating": "good"}, UNKNOWN),
        ("par_rating >= good or late_dossiers == 0", {"late_dossiers": 0}, True),
        ("par_rating >= good or late_dossiers == 0", {"late_dossiers": 2}, UNKNOWN),
        # n/a operands are left out of and/or
        (
            "par_rating >= good and late_dossiers == 0",
            {"par_rating": "good", "late_dossiers": NA},
            True,
        ),
        ("par_rating >= good and late_dossiers == 0", {"par_rating": NA, "late_dossiers": NA}, NA),
        ("not discipline_violation", {"discipline_violation": False}, True),
        ("not discipline_violation", {}, UNKNOWN),
        (
            "ddci_score > ddci_score_prev or ddci_rank < ddci_rank_prev",
            {"ddci_score": 70, "ddci_score_prev": 72, "ddci_rank": 3, "ddci_rank_prev": 5},
            True,
        ),
        (
            "ddci_score > ddci_score_prev or ddci_rank < ddci_rank_prev",
            {"ddci_score": 70, "ddci_score_prev": 72, "ddci_rank": 5, "ddci_rank_prev": 5},
            False,
        ),
        (
            "at(disbursement_pct, '2024-09-30') >= 80",
            {"disbursement_pct": {__import__("datetime").date(2024, 9, 30): 80}},
            True,
        ),
        (
            "at(disbursement_pct, '2024-09-30') >= 80",
            {"disbursement_pct": {__import__("datetime").date(2024, 12, 31): 100}},
            UNKNOWN,
        ),
        ("at(disbursement_pct, '2024-09-30') >= 80", {"disbursement_pct": 100}, UNKNOWN),
        (
            "disbursement_pct >= 100",
            {
                "disbursement_pct": {
                    __import__("datetime").date(2024, 9, 30): 80,
                    __import__("datetime").date(2024, 12, 31): 100,
                }
            },
            UNKNOWN,  # the interpreter: a cumulative series read without a day only bounds it (decide: True)
        ),
        (
            "disbursement_shortfall_reason == subjective",
            {"disbursement_shortfall_reason": "objective"},
            False,
        ),
        (
            "emulation_plan_sent_on <= '2024-03-31'",
            {"emulation_plan_sent_on": __import__("datetime").date(2024, 3, 31)},
            True,
        ),
        ("all_improved(index_components)", {"index_components": []}, NA),
        (
            "all_improved(index_components)",
            {"index_components": [{"score": 2, "prev_score": 1}]},
            True,
        ),
        (
            "all_improved(index_components)",
            {"index_components": [{"score": 2, "prev_score": 1}, {"score": 1, "prev_score": None}]},
            UNKNOWN,
        ),
        (
            "all_improved(index_components)",
            {"index_components": [{"score": 1, "prev_score": 1}, {"score": 1, "prev_score": None}]},
            False,
        ),
        ("1 <= par_index_rank <= 5", {"par_index_rank": 5}, True),
        ("1 <= par_index_rank <= 5", {"par_index_rank": 6}, False),
    ],
)
def test_evaluation(rule: str, env: dict[str, Any], expected: Any) -> None:
    assert ev(rule, env) is expected or ev(rule, env) == expected


@pytest.mark.parametrize(
    ("rule", "vi", "en", "col"),
    [
        ("par_ratting >= good", "không có số liệu 'par_ratting'", "unknown fact 'par_ratting'", 0),
        (
            "par_rating >= gud",
            "'gud' không phải là một giá trị của thang 'par_rating'",
            "'gud' is not a value of par_rating",
            14,
        ),
        ("par_rating > 3", "không so sánh được", "cannot compare", 0),
        ("disbursement_shortfall_reason > objective", "không có thứ tự lớn nhỏ", "no order", 0),
        ("x.y == 1", "dấu chấm để lấy thuộc tính", "attribute access", 0),
        ("staff_total[0] == 1", "chỉ số trong ngoặc vuông", "indexing", 0),
        ("(lambda: 1) == 1", "hàm lambda", "lambda", 1),
        ("[x for x in y] == 1", "biểu thức duyệt danh sách", "comprehensions", 0),
        ("__import__('os') == 1", "không có hàm '__import__'", "unknown function '__import__'", 0),
        ("_secret == 1", "tên bắt đầu bằng '_'", "names starting with '_'", 0),
        ("2 ** 10000 > 1", "chỉ dùng được các phép tính + - * /", "only + - * /", 0),
        ("staff_total", "quy tắc cho ra một số, không phải đúng/sai", "gives a number", 0),
        ("staff_total == 1e300", "vượt quá giới hạn", "out of range", 15),
        ("late_dossiers = 0", "viết '=='", "use '=='", 14),
        ("par_rating >= good AND late_dossiers == 0", "bằng chữ thường", "lower case", 19),
        ("at(disbursement_pct, 2024-09-30) >= 80", "trong dấu nháy", "in quotes", 21),
        ("", "để trống", "empty", 0),
    ],
)
def test_refused_rules(rule: str, vi: str, en: str, col: int) -> None:
    with pytest.raises(RuleError) as e:
        parse_rule(rule, CAT)
    for lang, fragment in (("vi", vi), ("en", en)):
        assert fragment in say(e.value.message, lang) + " " + say(e.value.hint, lang)
    assert e.value.col == col


def test_person_rule_cannot_read_unit_facts_without_scope() -> None:
    with pytest.raises(RuleError) as e:
        parse_rule("par_rating >= good", CAT, scope_units=False)
    assert say(e.value.message, "vi") == "'par_rating' không phải là số liệu của cá nhân"
    assert "not a fact of people" in say(e.value.message, "en")
    assert "scope: unit" in say(e.value.hint, "vi")
    assert parse_rule("par_rating >= good", CAT, scope_units=True).facts() == ["par_rating"]


def test_a_cumulative_series_at_its_ceiling_is_decided() -> None:
    """100 dated 31/12 of a percentage that only grows: at least 100 and at most 100 — `decide`
    gives the comparison its value where the interpreter leaves it unknown (issue 22.3)."""
    import datetime as dt

    from engine.lang import trace
    from engine.lang.decide import decide_rule

    node = parse_rule("disbursement_pct >= 100", CAT)
    t = trace(node, {"disbursement_pct": {dt.date(2024, 9, 30): 80, dt.date(2024, 12, 31): 100}})
    assert t[0] is UNKNOWN
    assert decide_rule("criterion", node, t, {"disbursement_pct": (0.0, 100.0)})[0] is True
