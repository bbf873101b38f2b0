"""Campaigns judged every year (Mỹ Thạnh): the round judged is stated, or said to be guessed (issue 12.5)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
FACTS = """campaign: my_thanh_2015
as_of: {as_of}
{round}units:
  - {{id: u1, name: Công an xã, kind: sector, facts: {{par_work_effective: true}},
      submission: {{sent_on: 2019-11-27, via: hand, documents: [proposal]}}}}
"""


def _run(tmp_path: Path, as_of: str, round_line: str = "", *args: str, lang: str = "vi") -> tuple[int, str, str]:
    path = tmp_path / "f.yaml"
    path.write_text(FACTS.format(as_of=as_of, round=round_line), encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "my_thanh_2015", str(path), *args], env={"THIDUA_LANG": lang})
    return result.exit_code, result.stdout, result.stderr


def test_a_stated_round_gives_no_warning_and_is_shown(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, "2020-01-06", "round: 2019\n")
    assert code == 0 and "round" not in err
    assert "Năm xét: 2019" in out and "Quá hạn" in out  # 27/11/2019 is after 25/11/2019


def test_an_unstated_round_is_the_year_the_files_were_sent(tmp_path: Path) -> None:
    """Reviewing on 06/01/2020 a file sent on 27/11/2019 judges the 2019 round, never the 2020 one
    (issue 22.8: never inferred against the file's own dates) — and the file, sent after 25/11/2019,
    is late (it was 'on time' against 25/11/2020)."""
    code, out, err = _run(tmp_path, "2020-01-06")
    assert code == 0
    assert "chưa ghi năm được xét: thidua xét đợt năm 2019 (năm gửi hồ sơ đề nghị)" in err
    assert "Năm xét: 2019" in out
    err = _run(tmp_path, "2020-01-06", lang="en")[2]
    assert "no round given: judging the 2019 round (the year the nomination files were sent)" in err
    data = json.loads(_run(tmp_path, "2020-01-06", "", "-f", "json")[1])
    assert data["round"] == 2019 and data["candidates"][0]["submission"]["outcome"] == "late"


def test_files_sent_in_two_years_ask_for_the_round(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    text = FACTS.format(as_of="2020-01-06", round="") + (
        "  - {id: u2, name: Hội Nông dân xã, kind: sector, facts: {par_work_effective: true},\n"
        "      submission: {sent_on: 2018-11-20, via: hand, documents: [proposal]}}\n"
    )
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "my_thanh_2015", str(path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "chưa ghi năm được xét, mà hồ sơ đề nghị lại ghi ngày thuộc hai năm: 2018 (u2) và 2019 (u1)" in (
        result.stderr
    )
    assert "--round NĂM" in result.stderr
    result = CliRunner().invoke(app, ["evaluate", "my_thanh_2015", str(path)], env={"THIDUA_LANG": "en"})
    assert "no round given, and the nomination files are dated in 2018 (u2) and in 2019 (u1)" in result.stderr
    assert "--round YEAR" in result.stderr
    stated = CliRunner().invoke(app, ["evaluate", "my_thanh_2015", str(path), "--round", "2019"])
    assert stated.exit_code == 0


def test_a_guessed_round_before_its_deadline_is_flagged(tmp_path: Path) -> None:
    """With no nomination dates in the file, the evaluation year is guessed, and said to be unsafe."""
    path = tmp_path / "f.yaml"
    path.write_text(
        "campaign: my_thanh_2015\nas_of: 2020-01-06\nunits:\n"
        "  - {id: u1, name: Công an xã, kind: sector, facts: {par_work_effective: true}, submission: {via: hand}}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["evaluate", "my_thanh_2015", str(path)])
    assert result.exit_code == 0
    assert (
        "thidua xét đợt năm 2020 (ngày đánh giá còn trước hạn nộp 25/11/2020: có thể đây là đợt xét năm 2019)"
        in result.stderr
    )
    result = CliRunner().invoke(app, ["evaluate", "my_thanh_2015", str(path)], env={"THIDUA_LANG": "en"})
    assert (
        "no round given: judging the 2020 round (before its deadline 25/11/2020: this may be the 2019 round)"
        in result.stderr
    )


def test_a_round_outside_the_plan_period_is_refused(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, "2022-01-06", "", "--round", "2021")
    assert code == 2 and out == ""
    assert "--round: năm xét 2021 nằm ngoài thời gian của kế hoạch (09/07/2015–31/12/2020)" in err
    err = _run(tmp_path, "2022-01-06", "", "--round", "2021", lang="en")[2]
    assert "the round 2021 is outside the plan's period 09/07/2015–31/12/2020" in err


def test_a_guessed_round_outside_the_period_is_refused(tmp_path: Path) -> None:
    """A round before the plan began (2014) is refused like one after it ended (issue 22.8)."""
    path = tmp_path / "f.yaml"
    for as_of, year in (("2014-12-20", 2014), ("2026-12-01", 2026)):
        path.write_text(
            f"campaign: my_thanh_2015\nas_of: {as_of}\nunits:\n"
            "  - {id: u1, name: Công an xã, kind: sector, facts: {par_work_effective: true}}\n",
            encoding="utf-8",
        )
        result = CliRunner().invoke(app, ["evaluate", "my_thanh_2015", str(path)])
        assert result.exit_code == 2 and result.stdout == ""
        assert f"năm xét {year} (chưa ghi năm xét nên lấy năm của ngày đánh giá) nằm ngoài thời gian của kế hoạch" in (
            result.stderr
        )
    result = CliRunner().invoke(app, ["evaluate", "my_thanh_2015", str(path)], env={"THIDUA_LANG": "en"})
    assert "the round 2026 (no round given: the year of the evaluation date) is outside the plan's period" in (
        result.stderr
    )
    code, _, err = _run(tmp_path, "2015-01-06", "", "--round", "2014")
    assert code == 2 and "năm xét 2014 nằm ngoài thời gian của kế hoạch (09/07/2015–31/12/2020)" in err


def test_json_states_the_round(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "2020-01-06", "round: 2019\n", "-f", "json")
    assert code == 0 and json.loads(out)["round"] == 2019


def test_a_round_beyond_the_calendar_is_a_usage_error_not_a_crash(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, "2020-01-06", "", "--round", "99999")
    assert code == 2 and out == "" and "nằm ngoài thời gian của kế hoạch" in err and "lỗi nội bộ" not in err


def test_every_output_states_the_round(tmp_path: Path) -> None:
    """Table, JSON, Markdown, explain, the award list and the report (HTML, Markdown, XLSX) say the round judged."""
    from openpyxl import load_workbook

    path = tmp_path / "f.yaml"
    path.write_text(FACTS.format(as_of="2020-01-06", round="round: 2019\n"), encoding="utf-8")
    runner = CliRunner()
    base = ["my_thanh_2015", str(path)]
    for args in (
        ["evaluate", *base],
        ["evaluate", *base, "-f", "markdown"],
        ["explain", *base, "u1"],
        ["award", *base],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "Năm xét: 2019" in result.stdout, args
    result = runner.invoke(app, ["award", *base, "-f", "json"])
    assert json.loads(result.stdout)["round"] == 2019
    for ext in ("md", "html"):
        out = tmp_path / f"r.{ext}"
        assert runner.invoke(app, ["report", *base, "-o", str(out)]).exit_code == 0
        assert "Năm xét" in out.read_text(encoding="utf-8") and "2019" in out.read_text(encoding="utf-8")
    out = tmp_path / "r.xlsx"
    assert runner.invoke(app, ["report", *base, "-o", str(out)]).exit_code == 0
    audit = load_workbook(out).worksheets[-1]
    assert ["Năm xét", "2019"] in [[c.value for c in row] for row in audit.iter_rows()]


ONE_OFF = """campaign: ninh_thuan_2020
as_of: {as_of}
{round}units:
  - {{id: u1, name: UBND xã A, kind: commune, facts: {{}}}}
"""


def _one_off(tmp_path: Path, as_of: str, round_line: str = "", *args: str, lang: str = "vi") -> tuple[int, str, str]:
    path = tmp_path / "f.yaml"
    path.write_text(ONE_OFF.format(as_of=as_of, round=round_line), encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "ninh_thuan_2020", str(path), *args], env={"THIDUA_LANG": lang})
    return result.exit_code, result.stdout, result.stderr


def test_round_given_to_a_campaign_judged_once_is_a_usage_error(tmp_path: Path) -> None:
    """issue 12.5: --round on a campaign that is not yearly was silently ignored; now exit 2, one line."""
    code, out, err = _one_off(tmp_path, "2021-01-25", "", "--round", "2020")
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert (
        "--round: kế hoạch ninh_thuan_2020 không xét theo từng năm (một giai đoạn, đến trước ngày 20/12/2020): "
        "--round 2020 không có ý nghĩa" in err
    )
    err = _one_off(tmp_path, "2021-01-25", "", "--round", "2020", lang="en")[2]
    assert (
        "ninh_thuan_2020 is not judged every year (one period, until 20/12/2020, not included): "
        "--round 2020 has no meaning" in err
    )


def test_round_in_the_facts_file_of_a_one_off_campaign_is_warned_about(tmp_path: Path) -> None:
    code, _, err = _one_off(tmp_path, "2021-01-25", "round: 2020\n")
    assert code == 0 and (
        "dòng round: 2020 trong tệp hồ sơ không được dùng: kế hoạch ninh_thuan_2020 không xét theo từng năm" in err
    )
    err = _one_off(tmp_path, "2021-01-25", "round: 2020\n", lang="en")[2]
    assert "round: 2020 is ignored: ninh_thuan_2020 is not judged every year" in err


def test_evaluation_before_the_period_ends_is_flagged(tmp_path: Path) -> None:
    """'đến trước ngày 20 tháng 12 năm 2020': 19/12 is inside the period (flagged), 20/12 is after it."""
    code, out, err = _one_off(tmp_path, "2020-12-19")
    assert code == 0 and out
    assert "ngày đánh giá 19/12/2020 còn trước khi kế hoạch kết thúc (đến trước ngày 20/12/2020)" in err
    err = _one_off(tmp_path, "2020-12-19", lang="en")[2]
    assert "the evaluation date 19/12/2020 is before the campaign period ends (until 20/12/2020, not included)" in err
    code, _, err = _one_off(tmp_path, "2020-12-20")
    assert code == 0 and "kế hoạch kết thúc" not in err


def test_evaluation_on_the_last_day_of_an_inclusive_period_is_flagged(tmp_path: Path) -> None:
    """'đến hết ngày 31/12/2025': 31/12 is still in the period; 01/01/2026 is after it."""
    path = tmp_path / "f.yaml"
    for as_of, flagged in (("2025-12-31", True), ("2026-01-01", False)):
        path.write_text(f"as_of: {as_of}\nunits:\n  - {{id: u1, name: A, kind: commune}}\n", encoding="utf-8")
        result = CliRunner().invoke(app, ["evaluate", "ninh_thuan_2025", str(path)])
        assert result.exit_code == 0
        assert ("còn trước khi kế hoạch kết thúc (đến hết ngày 31/12/2025)" in result.stderr) is flagged


def test_a_huge_round_for_a_campaign_not_judged_every_year_is_one_line() -> None:
    """--round out of any range on a one-off plan (issue 13.6): one usage line, never an internal error."""
    facts = ROOT / "examples" / "ninh_thuan_2020.yaml"
    plain = CliRunner().invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json"])
    result = CliRunner().invoke(
        app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json", "--round", "10000000000000000000000"]
    )
    assert result.exit_code == 2 and not result.stdout and plain.exit_code == 0
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("--round")
