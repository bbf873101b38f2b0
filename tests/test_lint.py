"""Lint: the shipped campaigns are clean against their plans; one broken campaign per finding code."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine.authoring.lint import CODES, lint_campaign, lint_catalogue
from engine.authoring.quotes import PlanText, fold
from engine.common.message import Msg, say
from engine.common.paths import plans_dir
from engine.model.campaign import available_campaigns

ROOT = Path(__file__).resolve().parent.parent
GALLERY = Path(__file__).parent / "lint_gallery"
runner = CliRunner()
needs_plans = pytest.mark.skipif(not plans_dir().is_dir(), reason="../shared/plans is not here")


@needs_plans
@pytest.mark.parametrize("cid", available_campaigns())
def test_shipped_campaign_lints_clean_against_its_plan(cid: str) -> None:
    result = lint_campaign(cid)
    assert result.plan is not None, result.plan_note
    assert result.findings == [], "\n".join(map(str, result.findings))


@needs_plans
def test_base_of_the_gallery_is_clean() -> None:
    assert lint_campaign(GALLERY / "base.yaml").findings == []


GALLERY_FILES = sorted(GALLERY.glob("TD*.yaml"))


def test_gallery_has_one_file_per_campaign_code() -> None:
    covered = {p.name[:5] for p in GALLERY_FILES}
    # TD501 is the catalogue's (test_unused_catalogue_fact); TD213 needs a file in campaigns/ (test_checks.py)
    assert covered == set(CODES) - {"TD501", "TD213"}


@needs_plans
@pytest.mark.parametrize("path", GALLERY_FILES, ids=lambda p: p.stem)
def test_lint_gallery(path: Path) -> None:
    m = re.search(r"# expect: (TD\d{3}) at (\d+):(\d+)", path.read_text(encoding="utf-8"))
    assert m, "the file must say `# expect: CODE at LINE:COL`"
    code, line, col = m.group(1), int(m.group(2)), int(m.group(3))
    result = runner.invoke(app, ["lint", str(path)])
    assert "Traceback" not in result.output
    findings = [x for x in result.stdout.split("\n") if re.match(r".+:\d+:\d+: TD\d{3} ", x)]
    assert len(findings) == 1, result.stdout
    severity = say(Msg(f"problem.severity_{CODES[code][0]}"), "vi")
    assert findings[0].startswith(f"{path}:{line}:{col}: {code} {severity}: "), findings[0]
    assert " — " in findings[0], "every finding carries a one-line hint"
    assert result.exit_code == (1 if CODES[code][0] == "error" else 0)


@needs_plans
def test_quote_not_found_names_the_closest_passage() -> None:
    result = lint_campaign(GALLERY / "TD102_quote_not_in_plan.yaml")
    (f,) = result.findings
    assert say(f.message, "vi") == "không tìm thấy câu trích dẫn trong ninh_thuan_2020.txt"
    assert say(f.message, "en") == "quote not found in ninh_thuan_2020.txt"
    assert "dòng 58: “Hoàn thành xuất sắc nhiệm vụ được giao trong năm 2020.”" in say(f.hint, "vi")
    assert "(trích dẫn ghi: “năm 2021.”, kế hoạch ghi: “năm 2020.”)" in say(f.hint, "vi")
    assert "line 58: “Hoàn thành xuất sắc nhiệm vụ được giao trong năm 2020.”" in say(f.hint, "en")
    assert "(quote: “năm 2021.”, plan: “năm 2020.”)" in say(f.hint, "en")


def test_quotes_compare_after_nfc_and_whitespace_folding(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    # decomposed diacritics, a tab, a non-breaking space and a line break inside the sentence
    plan.write_text("Đang tải…\nHoa\u0300n tha\u0300nh\txuất\u00a0sắc\nnhiệm vụ.", encoding="utf-8")
    text = PlanText.read(plan)
    assert text.contains("Hoàn thành xuất sắc nhiệm vụ.")
    assert not text.contains("Hoàn thành tốt nhiệm vụ.")
    assert fold(" a\u00a0 b\t") == "a b"


def test_source_option_and_missing_plan(tmp_path: Path) -> None:
    src = GALLERY / "TD102_quote_not_in_plan.yaml"
    plan = tmp_path / "plan.txt"
    plan.write_text("Hoàn thành xuất sắc nhiệm vụ được giao trong năm 2021.", encoding="utf-8")
    result = lint_campaign(src, plan)
    assert result.plan == plan
    assert [f.code for f in result.findings if f.code == "TD102"]  # the other quotes are not in this text
    assert "criteria[person_task_excellent].quote" not in {f.where for f in result.findings}
    code = runner.invoke(app, ["lint", str(src), "--source", str(tmp_path / "nope.txt")])
    assert code.exit_code == 2 and "không tìm thấy tệp văn bản kế hoạch" in code.stderr
    en = runner.invoke(app, ["lint", str(src), "--source", str(tmp_path / "nope.txt")], env={"THIDUA_LANG": "en"})
    assert en.exit_code == 2 and "plan text not found" in en.stderr
    copy = tmp_path / "c.yaml"
    copy.write_text(src.read_text(encoding="utf-8").replace("ninh_thuan_2020.txt", "absent.txt"), encoding="utf-8")
    result = lint_campaign(copy)
    assert result.plan is None and "chưa đối chiếu trích dẫn" in say(result.plan_note, "vi")
    assert result.findings == []


@needs_plans
def test_json_output() -> None:
    result = runner.invoke(app, ["lint", str(GALLERY / "TD401_quota_for_unknown_group.yaml"), "-f", "json"])
    assert result.exit_code == 1
    (data,) = json.loads(result.stdout)
    (f,) = data["findings"]
    assert f["code"] == "TD401" and f["severity"] == "error"
    assert (f["line"], f["column"]) == (64, 46)
    assert f["where"] == "awards[bang_khen].quotas.head" and f["hint"]


@needs_plans
def test_validate_runs_lint_errors_fail_warnings_do_not(tmp_path: Path) -> None:
    error = runner.invoke(app, ["validate", str(GALLERY / "TD102_quote_not_in_plan.yaml")])
    assert error.exit_code == 1 and "TD102 lỗi" in error.stderr
    warning = runner.invoke(app, ["validate", str(GALLERY / "TD602_number_not_in_quote.yaml")])
    assert warning.exit_code == 0 and "TD602 cảnh báo" in warning.stderr
    en = runner.invoke(app, ["validate", str(GALLERY / "TD602_number_not_in_quote.yaml")], env={"THIDUA_LANG": "en"})
    assert en.exit_code == 0 and "TD602 warning: " in en.stderr and "is not in the quote" in en.stderr
    ok = runner.invoke(app, ["validate", "ninh_thuan_2020"])
    assert "đã đối chiếu trích dẫn với ../shared/plans/ninh_thuan_2020.txt" in ok.stdout


def test_lint_reports_what_compiling_refuses() -> None:
    """A duplicate id stops `validate` at load; lint still names it with its code and place."""
    dup = runner.invoke(app, ["validate", str(GALLERY / "TD201_duplicate_rule_id.yaml")])
    assert dup.exit_code == 1 and "mã quy tắc 'unit_par_rating_good' bị trùng" in dup.stderr


def test_unused_catalogue_fact() -> None:
    result = lint_catalogue([str(GALLERY / "base.yaml")])
    codes = {f.code for f in result.findings}
    assert codes == {"TD501"}
    (f,) = [f for f in result.findings if f.where == "facts.propaganda_plan"]
    assert f.file == "campaigns/facts.yaml" and f.severity == "warning" and f.line
    assert f.message == Msg("problem.lint_td501", fact="propaganda_plan", ids=["lint_base"])
    assert not [f for f in result.findings if f.where == "facts.par_rating"]


def test_lint_all_and_catalogue_from_the_cli() -> None:
    result = runner.invoke(app, ["lint", "facts"])
    assert result.exit_code == 0 and "campaigns/facts.yaml: số liệu được đọc bởi:" in result.stdout
    every = runner.invoke(app, ["lint"])
    last = every.stdout.strip().split("\n")[-1]
    assert re.fullmatch(r"\d+ lỗi, \d+ cảnh báo", last), last
    assert every.exit_code == (0 if last.startswith("0 lỗi") else 1)
    en = runner.invoke(app, ["lint", "facts"], env={"THIDUA_LANG": "en"})
    assert "campaigns/facts.yaml: facts read by:" in en.stdout and en.stdout.endswith("0 errors, 0 warnings\n")


def test_the_authors_reference_lists_every_code() -> None:
    page = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    for code, (severity, _) in CODES.items():
        assert re.search(rf"\| `{code}` \| {severity} \|", page), f"docs/authoring.md: add {code} to the finding codes"


def test_lint_of_a_copy_outside_the_project(tmp_path: Path) -> None:
    copy = tmp_path / "x.yaml"
    shutil.copy(ROOT / "campaigns" / "ninh_thuan_2020.yaml", copy)
    result = runner.invoke(app, ["lint", str(copy)])
    assert result.exit_code == 0, result.stdout
