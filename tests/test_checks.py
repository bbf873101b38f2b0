"""One reader, checks made once: `validate` and `lint` print the same line for the same problem."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import engine.model.campaign as campaign_module
from cli import app
from engine.common.message import Msg
from engine.common.paths import plans_dir
from engine.model.campaign import read_campaign
from engine.model.checks import READER, Subject, run

TESTS = Path(__file__).parent
BROKEN = sorted((TESTS / "gallery" / "campaigns").glob("*.yaml")) + sorted((TESTS / "lint_gallery").glob("TD*.yaml"))
FINDING = re.compile(r".+?:\d+(:\d+)?: ")
runner = CliRunner()


def _problem_lines(text: str, file: Path) -> list[str]:
    return [line for line in text.split("\n") if line.startswith(f"{file}:") and FINDING.match(line)]


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_validate_and_lint_print_the_same_lines(path: Path) -> None:
    if path.stem.startswith("TD102") and not plans_dir().is_dir():
        pytest.skip("TD102 compares quotes with ../shared/plans, which is not here")
    validate = runner.invoke(app, ["validate", str(path)])
    lint = runner.invoke(app, ["lint", str(path)])
    from_validate = _problem_lines(validate.stderr, path)
    assert from_validate, validate.output
    assert from_validate == _problem_lines(lint.stdout, path)
    read = read_campaign(path)
    coded = [str(p) for p in read.problems if p.code]
    assert [line for line in from_validate if line in coded] == coded  # the reader's, each once


def test_every_check_has_its_own_code() -> None:
    codes = [c.code for c in READER]
    assert len(set(codes)) == len(codes)
    assert set(codes) >= {"TD204", "TD701"}  # the compiler's, made when the rules compile


def test_the_reader_runs_its_structure_stage_from_the_registry() -> None:
    """What the reader found is what the registry's structure entries find, each with its entry's code."""
    path = TESTS / "lint_gallery" / "TD209_kind_in_two_groups.yaml"
    read = read_campaign(path)
    doc, model = read.require_model()
    found = run(READER, Subject(model, doc, path.stem, False), "structure")
    assert [str(p) for p in found] == [str(p) for p in read.problems if p.code]
    assert [p.code for p in found] == ["TD209"]


def test_shipped_campaign_id_must_be_its_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(campaign_module, "campaigns_dir", lambda: tmp_path)
    shutil.copy(TESTS / "lint_gallery" / "base.yaml", tmp_path / "other_name.yaml")
    (problem,) = read_campaign("other_name").errors
    assert problem.code == "TD213" and problem.line == 4
    assert problem.message == Msg("problem.campaign_td213", id="lint_base", stem="other_name")
    assert problem.render("vi").endswith(
        "mã kế hoạch 'lint_base' khác tên tệp 'other_name' — đổi tên tệp thành lint_base.yaml, hoặc sửa mã kế hoạch"
    )
    assert "id 'lint_base' differs from the file name 'other_name'" in problem.render("en")


def test_a_structural_error_stops_evaluate_with_its_code() -> None:
    path = TESTS / "lint_gallery" / "TD206_rule_for_unknown_group.yaml"
    facts = TESTS / "gallery" / "facts" / "bad_rating.yaml"
    result = runner.invoke(app, ["evaluate", str(path), str(facts)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:34:5: TD206 lỗi: ")
