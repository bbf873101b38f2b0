"""One semantics (issue 11): every output reads the evaluation's traces, and the traces are the reference's.

- every rule result's trace equals the reference interpreter's for the facts it read;
- explain, the report and award work on every input evaluate accepts (generated facts included);
- derived facts are computed by the evaluator and shown as computed;
- the functions table of the docs is generated from the builtin registry.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from rounds import last_round
from test_differential import CAMPAIGNS, _campaign, _facts_file

from engine.authoring import docs
from engine.common.message import Msg
from engine.evaluate import core
from engine.evaluate import plan as planning
from engine.evaluate.allocate import allocate
from engine.evaluate.backends import BACKENDS
from engine.evaluate.core import Evaluation, cases, evaluate
from engine.evaluate.judge import verdict_of
from engine.evaluate.submission import check_submission
from engine.evaluate.trace import RuleTrace, merge, reference
from engine.explain.reasons import Explainer
from engine.lang import NA, UNKNOWN, Call, RuleError, parse_rule
from engine.lang.builtins import BUILTINS
from engine.model.catalogue import load_catalogue
from engine.model.facts import facts_from_document
from engine.model.source import Document, load_yaml_text
from engine.model.vocabulary import say
from engine.pipeline import run
from engine.render.report import build_context, render_text
from engine.render.text import csv_text, evaluation_dict, explain_text, markdown, short_reason, table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _consistent(ev: Evaluation) -> None:
    """Every trace is the reference's; what an evaluation decides once for candidates alike (the
    scope, `Campaign.scope_key`; the nomination file's outcome; the verdict with why) is what it
    decides for each candidate on its own; every output that reads traces renders."""
    for res in ev.results:
        assert res.scope == ev.campaign.scope_of(res.candidate, ev.facts), res.id
        fresh = check_submission(ev.campaign, res.candidate, ev.round_year, ev.deadline)
        assert res.submission == fresh, res.id
        assert res.decision == verdict_of(res), res.id
        for rr in res.criteria + res.disqualifiers:
            if not rr.skipped:
                merged = merge([reference(rr.rule, env) for env in cases(rr.rule, rr.env, rr.derived)])
                expected = core.decided(ev.campaign, rr.rule, merged, rr.env, rr.derived, rr.refused)
                assert repr(rr.trace) == repr(expected), rr.id
        explain_text(ev, res, "vi")
        explain_text(ev, res, "en")
    alloc = allocate(ev)
    evaluation_dict(ev)
    table(ev)
    markdown(ev)
    csv_text(ev)
    render_text(build_context(ev, alloc, "vi"), "html")


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_traces_and_outputs(example: Path) -> None:
    _consistent(run(example.stem, example))


@pytest.mark.parametrize("cid", CAMPAIGNS)
@pytest.mark.slow
def test_generated_facts_explain_and_report(cid: str) -> None:
    campaign = _campaign(cid)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(_facts_file(campaign))
    def check(data: dict[str, Any]) -> None:
        facts = facts_from_document(Document("generated.yaml", data), "generated", campaign.catalogue)
        _consistent(
            evaluate(
                campaign,
                facts,
                as_of=dt.date(2100, 1, 1),
                deadline=dt.date(2024, 9, 30),
                round_year=last_round(campaign),
            )
        )

    check()


def _facts(text: str, campaign: str = "ninh_thuan_2025") -> Evaluation:
    cat = load_catalogue()
    facts = facts_from_document(load_yaml_text(text, "f.yaml"), "sha", cat)
    from engine.model.campaign import load_campaign

    return evaluate(load_campaign(campaign), facts, as_of=dt.date(2026, 1, 20))


def test_na_previous_score_inside_index_components_explains() -> None:
    """It crashed explain and report ('internal error: TypeError') while evaluate was right."""
    ev = _facts(
        "units:\n  - id: s\n    name: S\n    kind: department\n    facts:\n"
        "      index_components: [{index: PAR INDEX, component: C1, score: 8.1, prev_score: n/a}]\n"
    )
    res = ev.results[0]
    rr = next(r for r in res.criteria if "index_components" in r.rule.facts)
    assert rr.outcome == "unknown"
    reason = Explainer(ev.campaign, "vi").reason(rr)
    assert "PAR INDEX C1: chưa có dữ liệu" in reason
    _consistent(ev)


def test_derived_counts_are_shown_as_computed() -> None:
    ev = _facts(
        "units:\n  - {id: so, name: Sở A, kind: department}\n"
        "  - {id: a, name: A, kind: public_service_unit, parent: so, facts: {discipline_violation: true}}\n"
        "  - {id: b, name: B, kind: public_service_unit, parent: so, facts: {discipline_violation: false}}\n"
        "  - {id: c, name: C, kind: public_service_unit, parent: so, facts: {discipline_violation: false}}\n"
    )
    so = ev.get("so")
    assert so is not None
    rr = next(d for d in so.disqualifiers if d.id == "subordinate_units_over_10pct")
    assert rr.outcome == "triggered"
    (read,) = [r for r in rr.reads() if r.key == "subordinate_units_violating"]
    assert read.value == 1 and read.derived is not None and [u for u, _ in read.derived.parts] == ["a", "b", "c"]
    assert "subordinate_units_violating" not in so.candidate.facts  # computed by the evaluator, not the loader
    text = explain_text(ev, so, "vi")
    assert "tính từ 3 đơn vị trực thuộc có trong tệp: a: Có, b: Không, c: Không" in text
    rule_json = next(d for d in evaluation_dict(ev)["candidates"][0]["disqualifiers"] if d["id"] == rr.id)
    assert rule_json["computed_from"] == {
        "subordinate_units_total": ["a", "b", "c"],
        "subordinate_units_violating": ["a", "b", "c"],
    }


def _over_10pct(ev: Evaluation) -> Any:
    so = ev.get("so")
    assert so is not None
    return next(d for d in so.disqualifiers if d.id == "subordinate_units_over_10pct")


_TWO_OF_TEN_ONE_UNKNOWN = "units:\n  - {id: so, name: Sở A, kind: department}\n" + "".join(
    f"  - {{id: c{i}, name: C{i}, kind: public_service_unit, parent: so{facts}}}\n"
    for i, facts in enumerate(
        [", facts: {discipline_violation: true}"] * 2 + [""] + [", facts: {discipline_violation: false}"] * 7
    )
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_count_known_as_a_range_decides_when_every_value_does(backend: str) -> None:
    """2 of 10 in breach, 1 unknown: 2 or 3 of 10 — over 10% either way (issue 12.3)."""
    from engine.model.campaign import load_campaign

    facts = facts_from_document(load_yaml_text(_TWO_OF_TEN_ONE_UNKNOWN, "f.yaml"), "sha", load_catalogue())
    ev = evaluate(load_campaign("ninh_thuan_2025"), facts, as_of=dt.date(2026, 1, 20), backend=backend)
    rr = _over_10pct(ev)
    assert rr.outcome == "triggered" and ev.get("so").verdict == "disqualified"  # type: ignore[union-attr]
    read = {r.key: r.value for r in rr.reads()}
    assert read["subordinate_units_violating"] is UNKNOWN  # not claimed to be 2 or 3
    reason = Explainer(ev.campaign, "vi").reason(rr)
    assert "hiện là chưa rõ, từ 2 đến 3" in reason
    rule_json = next(d for d in evaluation_dict(ev)["candidates"][0]["disqualifiers"] if d["id"] == rr.id)
    assert rule_json["computed_range"] == {"subordinate_units_violating": [2, 3]}
    _consistent(ev)


def test_a_total_with_no_most_is_said_with_its_least() -> None:
    """1 in breach stated, the one division listed not in breach: the file does not list them all,
    so the total is at least 2 with no most (engine.evaluate.derive._unlisted) — said in the reason,
    the computed line, the JSON and a warning, and never counted as the file's 1."""
    doc = (
        "units:\n  - {id: so, name: Sở A, kind: department, facts: {subordinate_units_violating: 1}}\n"
        "  - {id: a, name: Phòng A, kind: division, parent: so, facts: {discipline_violation: false}}\n"
    )
    ev = _facts(doc)
    rr = _over_10pct(ev)
    assert rr.outcome == "unknown"
    total = next(r for r in rr.reads() if r.key == "subordinate_units_total")
    assert total.value is UNKNOWN and total.derived is not None and total.derived.bounds == (2, None)
    ex = Explainer(ev.campaign, "vi")
    assert ex.reason(rr).endswith("thiếu dữ liệu: Số đơn vị thuộc, trực thuộc (chưa rõ, ít nhất 2)")
    so = ev.get("so")
    assert so is not None
    assert "tệp chưa liệt kê đủ các đơn vị trực thuộc" in explain_text(ev, so, "vi")
    assert "Số đơn vị thuộc, trực thuộc (chưa rõ, ít nhất 2)" in short_reason(so, ex)  # the table's
    rule_json = next(d for d in evaluation_dict(ev)["candidates"][0]["disqualifiers"] if d["id"] == rr.id)
    assert rule_json["computed_range"] == {"subordinate_units_total": [2, None]}
    assert [w.message.key for w in ev.warnings] == ["problem.eval_units_unlisted"]
    _consistent(ev)


def test_beyond_max_cases_a_range_stays_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planning, "MAX_CASES", 1)  # where cases() reads it (engine.evaluate.plan)
    assert _over_10pct(_facts(_TWO_OF_TEN_ONE_UNKNOWN)).outcome == "unknown"


def test_merge_claims_only_what_every_case_gives() -> None:
    t, f, u = True, False, UNKNOWN
    assert merge([RuleTrace((t, 3)), RuleTrace((t, 4))]) == RuleTrace((t, u))
    assert merge([RuleTrace((t, 3)), RuleTrace((f, 3), (t,))]) == RuleTrace((u, 3), (t,))  # good, or waived
    assert merge([RuleTrace((f,), (t,)), RuleTrace((f,), (f,))]) == RuleTrace((f,), (u,))
    assert merge([RuleTrace((1,)), RuleTrace((True,))]) == RuleTrace((u,))  # 1 is not True


def test_a_stated_count_wins_and_is_not_computed() -> None:
    ev = _facts(
        "units:\n  - {id: so, name: Sở A, kind: department, facts: {subordinate_units_total: 20, subordinate_units_violating: 1}}\n"
        "  - {id: a, name: A, kind: public_service_unit, parent: so, facts: {discipline_violation: true}}\n"
    )
    so = ev.get("so")
    assert so is not None
    rr = next(d for d in so.disqualifiers if d.id == "subordinate_units_over_10pct")
    assert rr.outcome == "clear" and all(r.derived is None for r in rr.reads())


def test_every_builtin_is_declared_once_and_documented() -> None:
    cat = load_catalogue()
    assert docs.main(["--check"]) == 0, "docs/campaign-format.md: run python -m engine.authoring.docs"
    for name, b in BUILTINS.items():
        assert b.name == name and b.doc["vi"] and b.doc["en"] and b.phrase["vi"] and b.phrase["en"]
        parse_rule(b.example if b.result.kind == "bool" or ">" in b.example else f"{b.example} > 0", cat)
    with pytest.raises(RuleError) as e:
        parse_rule("lastest(disbursement_pct) > 1", cat)
    assert "did you mean 'latest'" in say(e.value.hint, "en")


@pytest.mark.parametrize(
    ("name", "args", "want"),
    [
        ("latest", [{dt.date(2024, 9, 30): 80, dt.date(2024, 12, 31): 100}], 100),
        ("latest", [{}], UNKNOWN),
        ("latest", [NA], NA),
        ("at", [{dt.date(2024, 9, 30): 80}, dt.date(2024, 9, 30)], 80),
        # a value speaks for its own date only (issue 22.3): none that day is unknown
        ("at", [{dt.date(2024, 9, 30): 80}, dt.date(2024, 12, 31)], UNKNOWN),
        ("at", [{dt.date(2024, 10, 10): 85}, dt.date(2024, 9, 30)], UNKNOWN),
        ("at", [{dt.date(2024, 9, 15): 82}, dt.date(2024, 9, 30)], UNKNOWN),
        ("at", [{dt.date(2024, 9, 15): 82, dt.date(2024, 9, 30): 78}, dt.date(2024, 9, 30)], 78),  # not cumulative
        ("at", [{dt.date(2024, 9, 15): 82, dt.date(2024, 10, 1): 90}, dt.date(2024, 9, 30)], UNKNOWN),
        ("at", [{}, dt.date(2024, 9, 30)], UNKNOWN),
        ("at", [95, dt.date(2024, 9, 30)], UNKNOWN),
        ("at", [NA, dt.date(2024, 9, 30)], NA),
        ("all_improved", [[]], NA),
        ("all_improved", [[{"score": 9, "prev_score": 8}]], True),
        ("all_improved", [[{"score": 8, "prev_score": 8}, {"score": None, "prev_score": 1}]], False),
        ("all_improved", [[{"score": 9, "prev_score": NA}]], UNKNOWN),
        ("all_improved", [UNKNOWN], UNKNOWN),
        # share(part, whole): part / whole; unknown if either is, n/a if either is or the whole is 0
        ("share", [5, 40], 0.125),
        ("share", [4, 40], 0.1),
        ("share", [0, 40], 0.0),
        ("share", [0, 0], NA),
        ("share", [5, 0], NA),
        ("share", [UNKNOWN, 40], UNKNOWN),
        ("share", [5, UNKNOWN], UNKNOWN),
        ("share", [NA, UNKNOWN], NA),
        ("share", [5, NA], NA),
    ],
)
def test_builtin_meanings(name: str, args: list[Any], want: Any) -> None:
    assert BUILTINS[name].impl(*args) is want or BUILTINS[name].impl(*args) == want


S = {dt.date(2024, 9, 15): 82, dt.date(2024, 9, 30): 78, dt.date(2024, 12, 31): 100}


@pytest.mark.parametrize(
    ("name", "args", "want", "day"),
    [
        # cumulative (disbursement): on a day with an entry, the highest value dated on or before
        # it, and its date; on a day without one, unknown (its neighbours bound it: at_bounds)
        ("at", [S, dt.date(2024, 9, 30)], 82, dt.date(2024, 9, 15)),
        ("at", [S, dt.date(2024, 9, 20)], UNKNOWN, None),
        ("at", [S, dt.date(2024, 9, 1)], UNKNOWN, None),
        ("at", [S, dt.date(2024, 12, 31)], 100, dt.date(2024, 12, 31)),
        ("at", [{dt.date(2024, 9, 15): 82, dt.date(2024, 9, 30): 82}, dt.date(2024, 9, 30)], 82, dt.date(2024, 9, 30)),
        ("at", [95, dt.date(2024, 9, 30)], UNKNOWN, None),
        ("at", [NA, dt.date(2024, 9, 30)], NA, None),
        # read without a day, a cumulative series only bounds its figure from below (latest_bounds)
        ("latest", [{dt.date(2024, 9, 15): 82, dt.date(2024, 9, 30): 78}], UNKNOWN, None),
        ("latest", [{dt.date(2024, 9, 15): 82, dt.date(2024, 9, 30): NA}], NA, dt.date(2024, 9, 30)),
    ],
)
def test_cumulative_builtin_meanings(name: str, args: list[Any], want: Any, day: dt.date | None) -> None:
    b = BUILTINS[name]
    got = b.impl(*args, cumulative=True)
    assert got is want or got == want
    assert b.dated is not None and b.dated(args, cumulative=True) == day


@pytest.mark.parametrize(
    ("args", "want"),
    [
        ([S, dt.date(2024, 9, 20)], ((dt.date(2024, 9, 15), 82.0), (dt.date(2024, 9, 30), 78.0))),
        ([S, dt.date(2024, 9, 1)], (None, (dt.date(2024, 9, 30), 78.0))),  # the lowest value after it
        ([S, dt.date(2025, 1, 10)], ((dt.date(2024, 12, 31), 100.0), None)),
        ([S, dt.date(2024, 9, 30)], None),  # an entry that day: its value, no bounds
        ([{}, dt.date(2024, 9, 30)], None),
        ([95, dt.date(2024, 9, 30)], None),  # a plain number has no date
    ],
)
def test_a_cumulative_series_bounds_a_day_it_has_no_entry_for(args: list[Any], want: Any) -> None:
    bounds = BUILTINS["at"].bounds
    assert bounds is not None and bounds(args, cumulative=True) == want
    assert bounds(args, cumulative=False) is None  # not cumulative: neighbours say nothing


def test_a_cumulative_series_read_without_a_day_is_at_least_its_highest_entry() -> None:
    bounds = BUILTINS["latest"].bounds
    assert bounds is not None
    series = {dt.date(2024, 9, 30): 50, dt.date(2024, 11, 30): 90}
    assert bounds([series], cumulative=True) == ((dt.date(2024, 11, 30), 90.0), None)
    assert bounds([{dt.date(2024, 9, 30): 50, dt.date(2024, 12, 30): NA}], cumulative=True) is None  # n/a: applies not
    assert BUILTINS["latest"].impl({dt.date(2024, 12, 30): NA}, cumulative=True) is NA
    assert bounds([95], cumulative=True) is None  # a plain number is the figure itself


def test_the_parser_marks_calls_on_cumulative_facts() -> None:
    cat = load_catalogue()
    assert cat.facts["disbursement_pct"].cumulative
    for text in ("at(disbursement_pct, '2024-09-30') >= 80", "disbursement_pct >= 100"):
        node = parse_rule(text, cat)
        calls = [n for n in node.walk() if getattr(n, "name", "") in ("at", "latest")]
        assert calls and all(c.options == {"cumulative": True} for c in calls)  # type: ignore[attr-defined]


def test_a_value_dated_after_the_period_bounds_a_milestone_the_plan_names() -> None:
    """Uông Bí II.2.1 reads disbursement on the days it names (`at`): a value dated after the period
    is kept, without a warning — 100 on 15/01/2025 bounds 31/12/2024 from above, 95 on 30/09 from
    below, so 31/12 is open (issue 22.3; it was dropped and 31/12 read as failed)."""
    campaign = _campaign("uong_bi_2024")
    text = (
        "units:\n  - {id: u1, name: U, kind: commune, facts: {disbursement_pct: {2024-09-30: 95, 2025-01-15: 100}}}\n"
    )
    facts = facts_from_document(load_yaml_text(text, "f.yaml"), "sha", campaign.catalogue)
    ev = evaluate(campaign, facts, as_of=dt.date(2025, 2, 1))
    res = ev.get("u1")
    assert res is not None
    by_id = {c.id: c.outcome for c in res.criteria}
    assert by_id["disbursement_80pct_by_30_09"] == "pass"
    assert by_id["disbursement_100pct_by_31_12"] == "unknown"
    assert not [d for _, d in _after_period(ev) if d == dt.date(2025, 1, 15)]
    rr = next(c for c in res.criteria if c.id == "disbursement_100pct_by_31_12")
    assert Explainer(ev.campaign, "vi").dated(rr) == [
        "Tỷ lệ giải ngân vốn đầu tư công được giao (%) ngày 31/12/2024: không có số liệu đúng ngày; số liệu lũy kế "
        "chỉ tăng nên ít nhất bằng số liệu ngày 30/09/2024 (95); nhiều nhất bằng số liệu ngày 15/01/2025 (100)"
    ]


def test_values_dated_after_the_period_are_dropped_for_a_series_read_without_a_date() -> None:
    """Ninh Thuận 2025 reads disbursement without a date (`latest`): a value dated after the period
    (ends 31/12/2025) is not the period's and is dropped, with a warning."""
    campaign = _campaign("ninh_thuan_2025")
    text = "units:\n  - {id: u1, name: U, kind: department, facts: {disbursement_pct: {2025-12-01: 90, 2026-01-15: 100}}}\n"
    facts = facts_from_document(load_yaml_text(text, "f.yaml"), "sha", campaign.catalogue)
    ev = evaluate(campaign, facts, as_of=dt.date(2026, 6, 20))
    res = ev.get("u1")
    assert res is not None
    # the 100 is not counted; 90 on 01/12 only says the year reached at least 90: open, not failed
    assert {c.id: c.outcome for c in res.criteria}["unit_disbursement_100"] == "unknown"
    assert _after_period(ev) == [("disbursement_pct", dt.date(2026, 1, 15))]
    (late,) = [w for w in ev.warnings if isinstance(w.message, Msg) and w.message.key == "problem.eval_after_period"]
    assert late.severity == "warning" and late.where == "units[u1]"
    assert late.render("vi") == (
        "f.yaml: cảnh báo: units[u1]: disbursement_pct có số liệu ghi ngày 15/01/2026, sau thời gian của kế hoạch "
        "(kéo dài đến hết ngày 31/12/2025): số liệu này không được tính — số liệu đo sau thời gian của kế hoạch "
        "không nói lên kết quả thi đua; hãy xóa dòng này"
    )
    assert "disbursement_pct has a value dated 15/01/2026, after the campaign period" in late.render("en")


def _after_period(ev: Evaluation) -> list[tuple[str, Any]]:
    """The (fact, day) of every value the evaluation dropped as dated after the period."""
    return [
        (dict(w.message.params)["fact"], dict(w.message.params)["day"])
        for w in ev.warnings
        if isinstance(w.message, Msg) and w.message.key == "problem.eval_after_period"
    ]


def test_the_pipeline_takes_bytes_as_it_takes_a_path() -> None:
    """Entry points over data: a server hands bytes and a name, the CLI a path; same evaluation."""
    example = ROOT / "examples" / "uong_bi_2024.yaml"
    by_path = evaluation_dict(run("uong_bi_2024", example))
    by_data = evaluation_dict(run("uong_bi_2024", (str(example), example.read_bytes())))
    assert by_path == by_data


def test_the_dated_value_used_is_named() -> None:
    ev = run("uong_bi_2024", ROOT / "examples" / "uong_bi_2024.yaml")
    res = ev.get("ban-qlda-dau-tu-xay-dung")
    assert res is not None
    rr = next(c for c in res.criteria if c.id == "disbursement_80pct_by_30_09")
    assert Explainer(ev.campaign, "vi").dated(rr) == [
        "Tỷ lệ giải ngân vốn đầu tư công được giao (%): dùng số liệu ngày 30/09/2024 = 78,4"
    ]
    assert "dùng số liệu ngày 30/09/2024 = 78,4" in explain_text(ev, res, "vi")


def test_a_refused_na_is_unknown_for_that_rule_only_and_warned() -> None:
    """Issue 12.2: n/a where the criterion does not allow it reads as unknown, with one warning line;
    an allowed n/a of the same candidate stays not_applicable, and a disqualifier's n/a stays clear."""
    ev = _facts(
        "units:\n  - id: s\n    name: S\n    kind: department\n    facts:\n"
        "      par_rating: n/a\n      key_projects_on_track: n/a\n      staff_total: 0\n"
        "      staff_violating_discipline: 0\n"
    )
    res = ev.results[0]
    by = {r.id: r for r in res.criteria + res.disqualifiers}
    assert by["unit_par_rating_good"].outcome == "unknown"
    assert by["unit_par_rating_good"].refused == ("par_rating",)
    assert by["unit_par_rating_good"].reads()[0].value is UNKNOWN  # the trace shows what the rule read
    assert by["unit_key_projects_on_track"].outcome == "not_applicable"
    assert by["staff_discipline_over_10pct"].outcome == "clear"  # a share of nothing, not a written n/a
    refused = [w for w in ev.warnings if isinstance(w.message, Msg) and w.message.key == "problem.eval_na_refused"]
    assert [str(w) for w in refused] == [
        "f.yaml: cảnh báo: units[s]: par_rating ghi 'n/a' (không áp dụng), nhưng tiêu chí unit_par_rating_good áp "
        "dụng cho mọi đơn vị trong nhóm (II.2.a) — số liệu này được coi là chưa rõ"
    ]
    assert [w.render("en") for w in refused] == [
        "f.yaml: warning: units[s]: par_rating is 'n/a', but criterion unit_par_rating_good applies to every "
        "unit of its group (II.2.a) — it counts as unknown"
    ]
    reason = Explainer(ev.campaign, "en").reason(by["unit_par_rating_good"])
    assert "written n/a, but this criterion applies to everyone: counted as unknown" in reason
    _consistent(ev)


def test_every_builtin_has_its_meanings_tested() -> None:
    """A builtin added to the registry without a line in test_builtin_meanings fails here."""
    marks = [m for m in test_builtin_meanings.pytestmark if m.name == "parametrize"]  # type: ignore[attr-defined]
    tested = {case[0] for case in marks[0].args[1]}
    assert tested == set(BUILTINS)


def test_a_series_where_a_number_is_wanted_is_read_through_the_series_reader() -> None:
    """Arguments coerce as their builtin declares: `share` takes numbers, so a dated series passed to
    it is read through the builtin marked `reads_series` (latest), with the catalogue's marks."""
    cat = load_catalogue()
    node = parse_rule("share(disbursement_pct, 100) >= 0.8", cat, scope_units=True)
    call = node.children()[0]
    assert isinstance(call, Call) and call.name == "share"
    reader = call.args[0]
    assert isinstance(reader, Call) and BUILTINS[reader.name].reads_series
    assert reader.options == {"cumulative": True}
    assert [b.name for b in BUILTINS.values() if b.reads_series] == ["latest"]
