"""The regression-case runner must be able to fail."""

from pathlib import Path

from engine.authoring.cases import load_cases, run_case
from engine.common.message import speaking

META = Path(__file__).parent / "meta"


def test_deliberately_failing_case_fails() -> None:
    (case,) = load_cases(META / "deliberately_failing.yaml")
    result = run_case(case)
    assert not result.ok
    assert "u1: verdict: mong đợi eligible, thực tế disqualified" in result.failures
    assert "u1: disqualifiers staff_discipline_over_10pct: mong đợi clear, thực tế triggered" in result.failures
    assert "u1: submission: mong đợi on_time, thực tế not_checked" in result.failures
    assert "ghost: không có đối tượng này trong số liệu của trường hợp kiểm thử" in result.failures
    with speaking("en"):
        english = run_case(case).failures
    assert "u1: verdict: expected eligible, got disqualified" in english
    assert "ghost: no such candidate in the case's facts" in english
    assert len(result.failures) == 4


def test_every_shipped_case_file_names_an_existing_campaign() -> None:
    from engine.model.campaign import available_campaigns

    cases_dir = Path(__file__).parent / "cases"
    for folder in cases_dir.iterdir():
        if folder.is_dir():
            assert folder.name in available_campaigns(), folder
            for f in folder.glob("*.yaml"):
                assert all(c.campaign == folder.name for c in load_cases(f)), f


def test_award_and_budget_expectations_can_fail() -> None:
    """Each kind of award/budget expectation says when the allocation differs from it."""
    import dataclasses

    from engine.authoring.cases import ExpectBudget, ExpectGroup

    case = load_cases(Path(__file__).parent / "cases" / "ninh_thuan_2020" / "awards.yaml")[0]
    assert run_case(case).ok
    wrong = case.spec.model_copy(
        update={
            "awards": {
                "bang_khen_ubnd_tinh": {
                    "collective": ExpectGroup(amount_each=1, slots_left=99, selected=["nobody"]),
                    "nowhere": ExpectGroup(selected=[]),
                }
            },
            "budget": ExpectBudget(decision_date=case.spec.budget.decision_date, total=1, decree="1/2000/NĐ-CP")
            if case.spec.budget
            else None,
        }
    )
    failures = run_case(dataclasses.replace(case, spec=wrong)).failures
    joined = "\n".join(failures)
    for fragment in ("amount_each", "slots_left", "selected", "nowhere", "budget: total", "budget: decree"):
        assert fragment in joined, (fragment, failures)
    assert len(failures) == 6, failures
