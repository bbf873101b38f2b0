"""What a user sees when things go wrong: every facts problem listed; a bug exits 3 with a log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import cli
from cli import app

TESTS = Path(__file__).parent
MINIMAL = TESTS / "gallery" / "minimal_campaign.yaml"
runner = CliRunner()


def _yaml_facts(n: int) -> str:
    units = "".join(
        f"  - id: u{i}\n    name: Xã {i}\n    kind: commune\n    facts:\n      par_rating: Tot\n" for i in range(n)
    )
    return "units:\n" + units


def _csv_facts(n: int) -> str:
    rows = "".join(f"u{i},Xã {i},unit,commune,Tot\n" for i in range(n))
    return "id,name,group,kind,par_rating\n" + rows


@pytest.mark.parametrize("suffix", [".yaml", ".csv"])
def test_three_facts_problems_are_three_lines(tmp_path: Path, suffix: str) -> None:
    facts = tmp_path / f"facts{suffix}"
    facts.write_text(_yaml_facts(3) if suffix == ".yaml" else _csv_facts(3), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(MINIMAL), str(facts)])
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 3, result.stderr
    assert all(line.startswith(f"{facts}:") and "'Tot' không phải là một mức của" in line for line in lines)
    numbers = [int(re.match(rf"{re.escape(str(facts))}:(\d+)", line).group(1)) for line in lines]  # type: ignore[union-attr]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert "more" not in result.stderr


@pytest.mark.parametrize("suffix", [".yaml", ".csv"])
def test_sixty_facts_problems_are_fifty_lines_and_a_count(tmp_path: Path, suffix: str) -> None:
    facts = tmp_path / f"facts{suffix}"
    facts.write_text(_yaml_facts(60) if suffix == ".yaml" else _csv_facts(60), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(MINIMAL), str(facts)])
    assert result.exit_code == 2
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 51, result.stderr
    assert all(line.startswith(f"{facts}:") for line in lines[:50])
    assert lines[50] == "… và 10 lỗi khác"
    english = runner.invoke(app, ["evaluate", str(MINIMAL), str(facts)], env={"THIDUA_LANG": "en"})
    assert english.stderr.strip().split("\n")[50] == "… and 10 more problems"
    assert "'Tot' is not a level of PAR task evaluation rating" in english.stderr


def _boom() -> None:
    raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")


def test_a_bug_exits_3_with_one_line_naming_its_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr("engine.authoring.jsonschema.schema_text", lambda kind: _boom())
    result = runner.invoke(app, ["schema", "campaign"])
    assert result.exit_code == 3
    (line,) = result.stderr.strip().split("\n")
    assert line.startswith("thidua: lỗi nội bộ (internal error): TypeError: unsupported operand")
    m = re.search(r"chi tiết đã ghi vào (\S+thidua-error-\d{8}-\d{6}(-\d+)?\.log); hãy gửi tệp này", line)
    assert m, line
    log = Path(m.group(1))
    assert log.parent == tmp_path / "logs" and log.is_file()
    text = log.read_text(encoding="utf-8")
    assert text.startswith("thidua 0.")
    assert "\npython 3." in text and "\nplatform " in text and "\nargv " in text
    assert "Traceback (most recent call last)" in text and "in _boom" in text
    assert "Traceback" not in result.output


def test_a_bug_whose_log_cannot_be_written_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("THIDUA_LOG_DIR", str(blocker / "logs"))  # a folder under a file
    monkeypatch.setattr("engine.authoring.jsonschema.schema_text", lambda kind: _boom())
    result = runner.invoke(app, ["schema", "campaign"])
    assert result.exit_code == 3
    (line,) = result.stderr.strip().split("\n")
    assert "lỗi nội bộ (internal error): TypeError" in line and "không ghi được nhật ký lỗi" in line


def test_main_turns_a_bug_outside_a_guard_into_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("THIDUA_LOG_DIR", str(tmp_path))
    boom = typer.Typer()
    boom.command()(_boom)
    monkeypatch.setattr(cli, "app", boom)
    monkeypatch.setattr("sys.argv", ["thidua"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 3
    (line,) = capsys.readouterr().err.strip().split("\n")
    assert "lỗi nội bộ (internal error): TypeError" in line
    assert len(list(tmp_path.glob("thidua-error-*.log"))) == 1


def test_usage_errors_still_exit_2() -> None:
    result = runner.invoke(app, ["evaluate", "no_such_campaign", "x.yaml"])
    assert result.exit_code == 2 and "lỗi nội bộ" not in result.stderr
