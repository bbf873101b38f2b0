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


def _run(tmp_path: Path, as_of: str, round_line: str = "", *args: str) -> tuple[int, str, str]:
    path = tmp_path / "f.yaml"
    path.write_text(FACTS.format(as_of=as_of, round=round_line), encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "my_thanh_2015", str(path), *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_stated_round_gives_no_warning_and_is_shown(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, "2020-01-06", "round: 2019\n")
    assert code == 0 and "round" not in err
    assert "Năm xét: 2019" in out and "Quá hạn" in out  # 27/11/2019 is after 25/11/2019


def test_a_guessed_round_before_its_deadline_is_flagged(tmp_path: Path) -> None:
    """Reviewing the 2019 round on 06/01/2020 without saying so judges it against 25/11/2020."""
    code, out, err = _run(tmp_path, "2020-01-06")
    assert code == 0
    assert "no round given: judging the 2020 round (before its deadline 25/11/2020: this may be the 2019 round)" in err
    assert "Năm xét: 2020" in out


def test_a_round_outside_the_plan_period_is_refused(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, "2022-01-06", "", "--round", "2021")
    assert code == 2 and out == ""
    assert "the round 2021 is outside the plan's period 09/07/2015–31/12/2020" in err


def test_a_guessed_round_outside_the_period_is_flagged(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, "2026-12-01")
    assert code == 0 and "judging the 2026 round (outside the plan's period 09/07/2015–31/12/2020)" in err


def test_json_states_the_round(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "2020-01-06", "round: 2019\n", "-f", "json")
    assert code == 0 and json.loads(out)["round"] == 2019


def test_a_round_beyond_the_calendar_is_a_usage_error_not_a_crash(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, "2020-01-06", "", "--round", "99999")
    assert code == 2 and out == "" and "outside the plan's period" in err and "internal" not in err


def test_a_round_for_a_campaign_not_judged_every_year_is_warned_not_dropped() -> None:
    """--round out of any range on a one-off plan (issue 13.6): one warning, the result unchanged."""
    facts = ROOT / "examples" / "ninh_thuan_2020.yaml"
    plain = CliRunner().invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json"])
    result = CliRunner().invoke(
        app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json", "--round", "10000000000000000000000"]
    )
    assert result.exit_code == 0
    assert result.stderr.strip() == (
        "--round: warning: the round 10000000000000000000000 is not used: ninh_thuan_2020 is not judged every"
        " year — leave the round out for this campaign"
    )
    assert result.stdout == plain.stdout
