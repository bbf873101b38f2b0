"""thidua verify: a saved result is reproduced exactly; an altered facts file is caught."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
runner = CliRunner()


def test_saved_evaluation_verifies_and_altered_facts_do_not(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(EXAMPLE.read_bytes())
    saved = tmp_path / "result.json"
    assert (
        runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json", "-o", str(saved)]).exit_code == 0
    )
    ok = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(facts)])
    assert ok.exit_code == 0, ok.output
    assert "khớp" in ok.stdout or "matches" in ok.stdout  # the last line is the command line's
    # alter one fact afterwards: Sở Tư pháp now has 5 of 40 staff in breach
    text = facts.read_text(encoding="utf-8")
    i = text.index("- id: so-tu-phap")
    j = text.index("staff_violating_discipline: 4", i)
    facts.write_text(
        text[:j] + "staff_violating_discipline: 5" + text[j + len("staff_violating_discipline: 4") :], encoding="utf-8"
    )
    bad = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(facts)])
    assert bad.exit_code == 1
    assert "tệp dữ liệu không phải tệp đã dùng để lập báo cáo" in bad.stdout
    assert "so-tu-phap: kết luận trước là eligible, nay là disqualified" in bad.stdout
    en = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(facts)], env={"THIDUA_LANG": "en"})
    assert "the facts file is not the one the report was made from" in en.stdout
    assert "so-tu-phap: verdict was eligible, now disqualified" in en.stdout


def test_saved_award_list_verifies(tmp_path: Path) -> None:
    saved = tmp_path / "award.json"
    args = ["award", "ninh_thuan_2020", str(EXAMPLE), "-f", "json", "-o", str(saved), "--lang", "en"]
    assert runner.invoke(app, args).exit_code == 0
    ok = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(EXAMPLE)])
    assert ok.exit_code == 0, ok.output


def test_verify_refuses_a_file_that_is_not_a_result(tmp_path: Path) -> None:
    junk = tmp_path / "x.json"
    junk.write_text('{"hello": 1}', encoding="utf-8")
    res = runner.invoke(app, ["verify", str(junk), "ninh_thuan_2020", str(EXAMPLE)])
    assert res.exit_code == 2 and "không phải là tệp kết quả JSON của thidua" in res.stderr


# ---------------------------------------------------------------- the whole truth (issue 13.9)


def _saved(tmp_path: Path, *extra: str, facts: Path = EXAMPLE) -> Path:
    saved = tmp_path / "result.json"
    args = ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json", "-o", str(saved), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return saved


def test_verify_prints_the_settings_the_result_was_made_with(tmp_path: Path) -> None:
    saved = _saved(tmp_path)
    ok = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(EXAMPLE), "--strict"])
    assert ok.exit_code == 0, ok.output
    assert "kết quả được lập với: as_of 2021-01-25, deadline —, round —, backend native" in ok.stdout
    assert ok.stderr == ""
    args = ["verify", str(saved), "ninh_thuan_2020", str(EXAMPLE), "--strict"]
    en = runner.invoke(app, args, env={"THIDUA_LANG": "en"})
    assert "the result was made with: as_of 2021-01-25, deadline —, round —, backend native" in en.stdout


def test_settings_not_the_facts_files_own_are_warned_and_strict_fails(tmp_path: Path) -> None:
    """The example says as_of 2021-01-25; a result made with --as-of 2021-02-01 is not the file's."""
    saved = _saved(tmp_path, "--as-of", "2021-02-01")
    loose = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(EXAMPLE)])
    assert loose.exit_code == 0, loose.output
    assert "as_of 2021-02-01" in loose.stdout and "DOES NOT MATCH" not in loose.stdout
    assert loose.stderr.strip() == (
        f"{saved}: cảnh báo: kết quả được lập với as_of 2021-02-01, tệp dữ liệu ghi 2021-01-25"
        " — kết quả này không tái lập được chỉ từ tệp dữ liệu; --strict coi đây là không khớp"
    )
    en = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(EXAMPLE)], env={"THIDUA_LANG": "en"})
    assert en.stderr.strip() == (
        f"{saved}: warning: the result was made with as_of 2021-02-01; the facts file says 2021-01-25"
        " — the facts file alone does not reproduce this result; --strict counts this as not matching"
    )
    strict = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(EXAMPLE), "--strict"])
    assert strict.exit_code == 1


def test_a_fixed_plan_deadline_is_not_recorded_as_a_different_one(tmp_path: Path) -> None:
    """Ninh Thuận 2020 fixes 20/01/2021: --deadline 2099-01-01 does not apply, and is not recorded."""
    import json

    saved = tmp_path / "result.json"
    args = ["evaluate", "ninh_thuan_2020", str(EXAMPLE), "-f", "json", "-o", str(saved), "--deadline", "2099-01-01"]
    result = runner.invoke(app, args, env={"THIDUA_LANG": "en"})  # the evaluation's own warning
    assert result.exit_code == 0
    assert "--deadline: warning: the deadline 01/01/2099 is not used: the plan fixes its own (20/01/2021)" in (
        result.stderr
    )
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["deadline"] is None
    assert {c["submission"]["deadline"] for c in data["candidates"] if "submission" in c} == {"2021-01-20"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"campaign_sha256": "x", "candidates": 3}', "candidates is a number, not a list"),
        ('{"campaign_sha256": "x", "candidates": [{"id": "a", "criteria": 5}]}', "candidates[0].criteria is a number"),
        ('{"campaign_sha256": "x", "candidates": [{"id": ["a"]}]}', "candidates[0].id is a list, not text"),
        ('{"campaign_sha256": "x", "awards": [{"award": 1, "selected": [3]}]}', "awards[0].award is a number"),
        (
            '{"campaign_sha256": "x", "awards": [{"award": "a", "selected": [3]}]}',
            "awards[0].selected[0] is a number, not an object",
        ),
        ('{"campaign_sha256": "x", "budget": 4}', "budget is a number, not an object"),
        ('{"campaign_sha256": "x", "round": true}', "round is true/false, not a whole number"),
        ('{"campaign_sha256": "x", "as_of": 5}', "as_of is a number, not text"),
        ('{"campaign_sha256": "x", "as_of": "5"}', "as_of: '5' is not a date"),
        ('{"campaign_sha256": "x", "round": 1' + "0" * 5000 + "}", "a number with thousands of digits"),
        ('{"campaign_sha256": "x\\udc00"}', "lone UTF-16 surrogate"),
        ('{"campaign_sha256": "x", "campaign_sha256": "y"}', "duplicate key 'campaign_sha256'"),
        ("[" * 5000 + "]" * 5000, "nesting too deep"),
        ("", "not valid JSON"),
        ("[1]", "no campaign_sha256"),
    ],
    ids=lambda v: v[:30],
)
def test_verify_on_a_malformed_report_is_one_line(tmp_path: Path, text: str, fragment: str) -> None:
    junk = tmp_path / "x.json"
    junk.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["verify", str(junk), "ninh_thuan_2020", str(EXAMPLE)], env={"THIDUA_LANG": "en"})
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith(str(junk)) and fragment in lines[0], res.stderr


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"campaign_sha256": "x", "candidates": 3}', "candidates là một số, không phải một danh sách"),
        ('{"campaign_sha256": "x", "round": true}', "round là giá trị true/false, không phải một số nguyên"),
        ('{"campaign_sha256": "x", "as_of": "5"}', "as_of: '5' không phải là một ngày"),
        ("[1]", "(không có campaign_sha256)"),
    ],
    ids=lambda v: v[:30],
)
def test_verify_says_a_malformed_report_in_vietnamese(tmp_path: Path, text: str, fragment: str) -> None:
    junk = tmp_path / "x.json"
    junk.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["verify", str(junk), "ninh_thuan_2020", str(EXAMPLE)])
    assert res.exit_code == 2 and fragment in res.stderr, res.stderr
