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
    assert "PASS  ninh_thuan_2020/discipline/" in result.stdout
    assert re.search(r"^\d+ passed in \d+\.\d\ds$", result.stdout.strip().split("\n")[-1])


def test_failing_case_shows_candidate_verdicts_and_rules(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = runner.invoke(app, ["test", str(TESTS / "meta"), "--junit", str(junit)])
    assert result.exit_code == 1
    out = result.stdout
    assert "FAIL  ninh_thuan_2020/deliberately_failing/wrong_on_purpose" in out
    assert "u1 (Sở Tài chính): verdict expected eligible, got disqualified" in out
    assert (
        "staff_discipline_over_10pct [II.2.a] Trên 10% biên chế vi phạm đeo thẻ, giờ giấc: expected clear, got triggered"
        in out
    )
    assert "submission: expected on_time, got not_checked" in out
    assert "ghost: no such candidate in the case's facts" in out
    assert out.strip().split("\n")[-1].startswith("0 passed, 1 failed in ")
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "1" and root.get("failures") == "1"
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "wrong_on_purpose"
    assert case.get("classname") == "ninh_thuan_2020.deliberately_failing"
    failure = case.find("failure")
    assert failure is not None and "verdict expected eligible, got disqualified" in (failure.text or "")


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
    assert f"ERROR  {bad}" in result.stdout
    assert "ERROR  no_such_campaign/unknown/a" in result.stdout and "unknown campaign" in result.stdout
    assert result.stdout.strip().split("\n")[-1].startswith("0 passed, 2 errors")


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["test", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "no such file or folder" in result.stderr
