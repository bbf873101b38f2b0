"""`thidua diff`: what changed between two campaigns, and whom it affects."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine.authoring.diff import compare, quote_change

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "diff"
sys.path.insert(0, str(GOLDEN.parent))
from regenerate import GOLDEN as GOLDEN_FILES  # noqa: E402
from regenerate import mismatch  # noqa: E402

EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
runner = CliRunner()


def _changed_copy(tmp_path: Path) -> Path:
    """Ninh Thuận 2020 with one change of each kind."""
    text = (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
    edits = [
        ("quotas: {collective: 12, individual: 12}", "quotas: {collective: 9, individual: 12}"),
        (
            "rule: share(staff_violating_discipline, staff_total) > 0.10",
            "rule: share(staff_violating_discipline, staff_total) >= 0.10",
        ),
        ("  - id: person_directives_on_time", "  - id: person_directives_in_time"),
        ("deadline: {date: 2021-01-20}", "deadline: {date: 2021-01-15}"),
        ("decree: 91/2017/NĐ-CP", "decree: 98/2023/NĐ-CP"),
        (
            "kinds: [department, division, district, commune]",
            "kinds: [department, division, district, commune, vertical_agency]",
        ),
        (
            "    rule: initiatives_recognized >= 1\n    clause: II.2.b",
            "    rule: initiatives_recognized >= 1\n    required: false\n    clause: II.2.b",
        ),
        (
            "disqualifiers:\n",
            "  - id: unit_propaganda_plan\n    group: collective\n    label: {vi: Có kế hoạch tuyên truyền, en: Propaganda plan}\n"
            "    rule: propaganda_plan\n    clause: II.2.a\n    quote: q\n\ndisqualifiers:\n",
        ),
        ('quote: "Hoàn thành xuất sắc nhiệm vụ được giao trong năm 2020."', 'quote: "Hoàn thành nhiệm vụ."'),
    ]
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "changed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_structural_changes_grouped_and_labelled(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", "ninh_thuan_2020", str(_changed_copy(tmp_path))])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "So sánh kế hoạch ninh_thuan_2020 → ninh_thuan_2020" in out
    sections = [line for line in out.split("\n") if line and not line.startswith(" ")]
    assert sections[1:] == [
        "Đối tượng",
        "Tiêu chí",
        "Không xét khen thưởng",
        "Hồ sơ và thời hạn đề nghị",
        "Hình thức và số lượng khen thưởng",
        "Mức thưởng (căn cứ pháp lý)",
    ]
    assert "      thêm loại đối tượng: Cơ quan ngành dọc" in out
    assert "  + unit_propaganda_plan — Có kế hoạch tuyên truyền" in out
    assert "      II.2.a · collective · quy tắc: propaganda_plan" in out
    assert (
        "  ~ person_directives_in_time — Văn bản chỉ đạo của TW, UBND tỉnh đúng thời gian (đổi mã từ person_directives_on_time)"
        in out
    )
    assert "      bắt buộc: có → không" in out
    assert "      trích dẫn: “Hoàn thành [-xuất sắc-] nhiệm" in out
    assert "      quy tắc: share(staff_violating_discipline, staff_total) > 0.10 →" in out
    assert "          share(staff_violating_discipline, staff_total) >= 0.10" in out
    assert "  ~ thời hạn: 20/01/2021 (tính cả ngày cuối) → 15/01/2021 (tính cả ngày cuối)" in out
    assert "      số lượng Tập thể: 12 → 9" in out
    assert "  ~ nghị định: Nghị định 91/2017/NĐ-CP → Nghị định 98/2023/NĐ-CP" in out


def test_impact_names_candidates_and_the_rule(tmp_path: Path) -> None:
    changed = _changed_copy(tmp_path)
    d = compare("ninh_thuan_2020", str(changed), EXAMPLE)
    assert d.impact is not None
    rows = {r.id: r for r in d.impact.verdicts}
    # Sở Tư pháp: exactly 4 of 40 staff in breach — clear under "> 10%", triggered under ">= 10%"
    tu_phap = rows["so-tu-phap"]
    assert tu_phap.new == "disqualified"
    assert ("staff_discipline_over_10pct", "clear", "triggered") in tu_phap.rules
    # BHXH tỉnh is a vertical agency: out of scope, now a subject
    assert rows["bhxh-tinh"].old == "out_of_scope" and rows["bhxh-tinh"].new != "out_of_scope"
    assert "propaganda_plan" in [k for k, _ in d.impact.missing_facts]
    text = runner.invoke(app, ["diff", "ninh_thuan_2020", str(changed), "--facts", str(EXAMPLE)]).stdout
    assert (
        "Ảnh hưởng: " in text and "Thay đổi kết luận (" in text and "Thay đổi danh sách đề nghị khen thưởng (" in text
    )
    assert "Sở Tư pháp (so-tu-phap)" in text
    assert "không vi phạm → bị loại:" in text
    assert "Thái Văn Lộc (nv-0013)" in text and "không đạt → không còn bắt buộc: person_initiative_recognized" in text


def test_selection_impact_of_a_quota_cut(tmp_path: Path) -> None:
    text = (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
    path = tmp_path / "fewer.yaml"
    path.write_text(text.replace("quotas: {collective: 12, individual: 12}", "quotas: {collective: 12, individual: 2}"))
    d = compare("ninh_thuan_2020", str(path), EXAMPLE)
    assert d.impact is not None and not d.impact.verdicts
    assert d.impact.selection, "fewer individual awards: someone selected before is not now"
    for row in d.impact.selection:
        assert row.old in ("selected", "tie") and row.new in ("tie", "reserve")
        assert row.notes == ["số lượng 12 → 2"]


def test_same_campaign_has_no_changes() -> None:
    result = runner.invoke(app, ["diff", "ninh_thuan_2020", "ninh_thuan_2020", "--facts", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "Không thay đổi." in result.stdout
    assert "Thay đổi kết luận (0)" in result.stdout


def test_json_and_english(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", "ninh_thuan_2020", str(_changed_copy(tmp_path)), "-f", "json", "--lang", "en"])
    data = json.loads(result.stdout)
    sections = {s["section"]: s for s in data["sections"]}
    awards = sections["awards"]["changes"][0]
    assert {"field": "quota Collectives", "old": "12", "new": "9"} in awards["fields"]
    crit = {c["id"]: c for c in sections["criteria"]["changes"]}
    assert crit["person_directives_in_time"]["renamed_from"] == "person_directives_on_time"
    assert crit["unit_propaganda_plan"]["change"] == "added"


def test_quote_change_marks_words() -> None:
    assert quote_change("a b c d", "a b x d") == "“a b [-c-] {+x+} d”"
    long = " ".join(f"w{i}" for i in range(30))
    assert quote_change(long, long.replace("w15", "X")).count("…") == 2


def test_unknown_campaign_is_a_usage_error() -> None:
    result = runner.invoke(app, ["diff", "ninh_thuan_2020", "ninh_thuan_2099"])
    assert result.exit_code == 2 and "không có kế hoạch 'ninh_thuan_2099'" in result.stderr


def _showcase() -> str:
    result = runner.invoke(
        app, ["diff", "ninh_thuan_2020", "ninh_thuan_2025", "--facts", "examples/ninh_thuan_2020.yaml"]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_golden_2020_to_2025(monkeypatch: pytest.MonkeyPatch) -> None:
    """The showcase: the 2025 reform, read from the diff and its impact on the 2020 nominations."""
    monkeypatch.chdir(ROOT)
    name = "diff/ninh_thuan_2020_2025.txt"
    assert name in GOLDEN_FILES, "the showcase is listed in tests/golden/regenerate.py (GOLDEN)"
    got, want = _showcase().encode("utf-8"), (GOLDEN / "ninh_thuan_2020_2025.txt").read_bytes()
    assert got == want, mismatch(name, got, want)


def test_impact_of_a_workplace_limit_says_where_the_person_works() -> None:
    """nv-0030 works at BHXH tỉnh, outside the 2020 plan's bodies: the reason is the workplace, not the kind."""
    d = compare("ninh_thuan_2020", "ninh_thuan_2025", EXAMPLE)
    assert d.impact is not None
    row = {r.id: r for r in d.impact.verdicts}["nv-0030"]
    assert row.old == "out_of_scope"
    (note,) = row.notes
    assert "trước đây đơn vị công tác bhxh-tinh (Cơ quan ngành dọc) không thuộc đối tượng" in note
    assert "(II.1)" in note
