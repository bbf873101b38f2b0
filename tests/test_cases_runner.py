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
