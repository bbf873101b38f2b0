"""Spreadsheet outputs Excel opens right (issue 14.6): `evaluate -f csv` is UTF-8 with a BOM, its
headers in the output's language, one column per rule; a facts file's `kind` column and a blank
template's drop-down take the kinds' Vietnamese (or English) names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from engine.authoring.facts_template import template_columns
from engine.model.campaign import load_campaign
from engine.pipeline import read_facts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "ninh_thuan_2020.yaml")
runner = CliRunner()


def rows(lang: str) -> list[list[str]]:
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", EXAMPLE, "-f", "csv", "--lang", lang])
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff"), "no BOM: Excel would read the file as ANSI"
    return list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))


def test_csv_headers_in_vietnamese_and_one_column_per_rule() -> None:
    table = rows("vi")
    head = table[0]
    assert head[:7] == ["Mã", "Tên", "Nhóm", "Loại", "Kết luận", "Hồ sơ", "Lý do"]
    campaign = load_campaign("ninh_thuan_2020")
    ids = list(dict.fromkeys(r.id for r in campaign.all_rules()))
    assert len(head) == 7 + len(ids)
    assert "Trên 10% biên chế vi phạm đeo thẻ, giờ giấc [staff_discipline_over_10pct]" in head
    by_id = {r[0]: dict(zip(head, r, strict=True)) for r in table[1:]}
    tai_chinh = by_id["so-tai-chinh"]
    assert tai_chinh["Kết luận"] == "Không xét khen thưởng"
    assert tai_chinh["Trên 10% biên chế vi phạm đeo thẻ, giờ giấc [staff_discipline_over_10pct]"] == "Bị loại"
    assert tai_chinh["Loại"] == "Sở, ban, ngành"
    # a person's row leaves the collectives' rules empty
    person = next(r for r in by_id.values() if r["Nhóm"] == "Cá nhân")
    assert person["Hoàn thành xuất sắc nhiệm vụ năm 2020 [unit_task_excellent]"] == ""


def test_csv_headers_in_english_with_lang_en() -> None:
    head = rows("en")[0]
    assert head[:7] == ["ID", "Name", "Group", "Kind", "Verdict", "File", "Why"]
    assert "Over 10% of staff breached badge or working-hours rules [staff_discipline_over_10pct]" in head


def test_a_facts_csv_names_kinds_in_vietnamese(tmp_path: Path) -> None:
    facts = tmp_path / "f.csv"
    facts.write_text(
        "\ufeffid,name,kind,parent,unit\n"
        'so-a,Sở A,"Sở, ban, ngành",,\n'
        'xa-b,Xã B,"UBND cấp xã, phường",,\n'
        'p1,Nguyễn Văn A,"Cán bộ, công chức, viên chức",,so-a\n',
        encoding="utf-8",
    )
    ff = read_facts([facts], load_campaign("ninh_thuan_2020"))
    kinds = {c.id: c.kind for c in ff.candidates}
    assert kinds == {"so-a": "department", "xa-b": "commune", "p1": "civil_servant"}


def test_the_template_offers_the_kinds_by_name() -> None:
    campaign = load_campaign("ninh_thuan_2020")
    kind = next(c for c in template_columns(campaign, "unit", "vi") if c.key == "kind")
    assert "Sở, ban, ngành" in kind.options and "department" not in kind.options
    kind_en = next(c for c in template_columns(campaign, "unit", "en") if c.key == "kind")
    assert "Department" in kind_en.options
