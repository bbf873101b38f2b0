"""`thidua test`: the regression cases outside pytest, with readable failures and JUnit XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from engine.authoring.cases import discover, load_cases
from engine.authoring.testrun import run_tests

TESTS = Path(__file__).parent
runner = CliRunner()


def test_runs_the_same_cases_pytest_collects() -> None:
    files = discover([TESTS / "cases" / "ninh_thuan_2020"])
    expected = sum(len(load_cases(f)) for f in files)
    run = run_tests([TESTS / "cases" / "ninh_thuan_2020"])
    assert len(run.reports) == expected
    assert run.ok, [r.details for r in run.reports if r.status != "pass"]
    assert all(r.name.startswith("ninh_thuan_2020/") for r in run.reports)


def test_passing_run_exits_0_with_a_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["test", str(TESTS / "cases" / "ninh_thuan_2020"), "-v"])
    assert result.exit_code == 0, result.stdout
    assert "ĐẠT  ninh_thuan_2020/discipline/" in result.stdout
    assert re.search(r"^\d+ đạt trong \d+(,\d+)? giây$", result.stdout.strip().split("\n")[-1])
    en = runner.invoke(app, ["test", str(TESTS / "cases" / "ninh_thuan_2020"), "-v"], env={"THIDUA_LANG": "en"})
    assert "PASS  ninh_thuan_2020/discipline/" in en.stdout
    assert re.search(r"^\d+ passed in \d+(\.\d+)?s$", en.stdout.strip().split("\n")[-1])


def test_failing_case_shows_candidate_verdicts_and_rules(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = runner.invoke(app, ["test", str(TESTS / "meta"), "--junit", str(junit)])
    assert result.exit_code == 1
    out = result.stdout
    assert "KHÔNG ĐẠT  ninh_thuan_2020/deliberately_failing/wrong_on_purpose" in out
    assert "u1 (Sở Tài chính): verdict: mong đợi eligible, thực tế disqualified" in out
    assert (
        "staff_discipline_over_10pct [II.2.a] Trên 10% biên chế vi phạm đeo thẻ, giờ giấc: mong đợi clear, thực tế "
        "triggered" in out
    )
    assert "submission: mong đợi on_time, thực tế not_checked" in out
    assert "ghost: không có đối tượng này trong số liệu của trường hợp kiểm thử" in out
    assert out.strip().split("\n")[-1].startswith("0 đạt, 1 không đạt trong ")
    en = runner.invoke(app, ["test", str(TESTS / "meta")], env={"THIDUA_LANG": "en"}).stdout
    assert "FAIL  ninh_thuan_2020/deliberately_failing/wrong_on_purpose" in en
    assert "u1 (Sở Tài chính): verdict: expected eligible, got disqualified" in en
    assert "ghost: no such candidate in the case's facts" in en
    assert en.strip().split("\n")[-1].startswith("0 passed, 1 failed in ")
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "1" and root.get("failures") == "1"
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "wrong_on_purpose"
    assert case.get("classname") == "ninh_thuan_2020.deliberately_failing"
    failure = case.find("failure")
    assert failure is not None and "verdict: mong đợi eligible, thực tế disqualified" in (failure.text or "")


def test_unrunnable_case_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("campaign: ninh_thuan_2020\ncases: []\n", encoding="utf-8")
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(
        "campaign: no_such_campaign\ncases:\n  - {name: a, facts: {}, expect: {x: {verdict: eligible}}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"LỖI  {bad}" in result.stdout
    assert (
        "LỖI  no_such_campaign/unknown/a" in result.stdout and "không có kế hoạch 'no_such_campaign'" in result.stdout
    )
    assert result.stdout.strip().split("\n")[-1].startswith("0 đạt, 2 lỗi")
    en = runner.invoke(app, ["test", str(tmp_path)], env={"THIDUA_LANG": "en"}).stdout
    assert "ERROR  no_such_campaign/unknown/a" in en and "unknown campaign 'no_such_campaign'" in en
    assert en.strip().split("\n")[-1].startswith("0 passed, 2 errors")


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["test", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "không có tệp hoặc thư mục này" in result.stderr
