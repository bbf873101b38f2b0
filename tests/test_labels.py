"""Words that belong to the plan (issue 12.8): a campaign's `labels:` reach every output through one function.

The catalogue gives one label per fact for every campaign; a campaign may give its own plan's
words instead (only the 2020 plan counts the civil-servant badge, đeo thẻ). Everything that shows
a fact reads `Catalogue.label` of the campaign's catalogue (`Catalogue.for_campaign`), so explain,
the table, the report, the XLSX and the blank template all say the plan's term.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from engine.model.campaign import available_campaigns, load_campaign
from engine.model.catalogue import load_catalogue

runner = CliRunner()
KEY = "staff_violating_discipline"
FACTS = "as_of: 2026-01-10\nunits:\n  - {id: u1, name: Sở A, kind: department, facts: {staff_total: 40, staff_violating_discipline: 5}}\n"


def _facts(tmp_path: Path) -> Path:
    path = tmp_path / "f.yaml"
    path.write_text(FACTS, encoding="utf-8")
    return path


def test_the_badge_is_only_in_the_2020_plans_label() -> None:
    shared = load_catalogue()
    assert "đeo thẻ" in load_campaign("ninh_thuan_2020").catalogue.label(KEY, "vi")
    for cid in ("ninh_thuan_2025", "syt_2024"):
        cat = load_campaign(cid).catalogue
        assert cat.label(KEY, "vi") == "Số CBCCVC không chấp hành nghiêm giờ giấc làm việc", cid
        assert "badge" not in cat.label(KEY, "en")
    assert shared.label(KEY, "vi") == "Số CBCCVC vi phạm giờ giấc làm việc / đeo thẻ"  # the shared one is untouched


def test_every_campaign_label_quotes_its_plan() -> None:
    for cid in available_campaigns():
        model = load_campaign(cid).model
        for key, label in model.labels.items():
            assert key in load_catalogue().facts and label.clause and label.quote, (cid, key)


def test_explain_table_report_and_xlsx_say_the_plans_term(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    facts = _facts(tmp_path)
    term_vi, term_en = "không chấp hành nghiêm giờ giấc làm việc", "Staff not strictly keeping working hours"
    shared = load_catalogue().facts[KEY].label
    for lang, term in (("vi", term_vi), ("en", term_en)):
        text = runner.invoke(app, ["explain", "ninh_thuan_2025", str(facts), "u1", "--lang", lang]).stdout
        assert term in text and shared.get(lang) not in text, lang
    data = json.loads(runner.invoke(app, ["evaluate", "ninh_thuan_2025", str(facts), "-f", "json"]).stdout)
    reasons = " ".join(r["reason"] for r in data["candidates"][0]["disqualifiers"])
    assert term_vi in reasons and shared.vi not in reasons
    for ext in ("md", "xlsx"):
        out = tmp_path / f"r.{ext}"
        assert runner.invoke(app, ["report", "ninh_thuan_2025", str(facts), "-o", str(out)]).exit_code == 0
    assert term_vi in (tmp_path / "r.md").read_text(encoding="utf-8")
    cells = " ".join(
        str(c.value) for ws in load_workbook(tmp_path / "r.xlsx").worksheets for row in ws.iter_rows() for c in row
    )
    assert term_vi in cells and shared.vi not in cells


def test_the_template_heads_its_column_with_the_plans_term_and_either_header_reads(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert runner.invoke(app, ["template", "ninh_thuan_2025", "-o", str(out)]).exit_code == 0
    assert f"Số CBCCVC không chấp hành nghiêm giờ giấc làm việc [{KEY}]" in out.read_text(encoding="utf-8-sig")
    shared = load_catalogue().facts[KEY].label.vi
    for header in (shared, "Số CBCCVC không chấp hành nghiêm giờ giấc làm việc"):
        csv = tmp_path / "f.csv"
        csv.write_text(f"id,name,kind,staff_total,{header}\nu1,Sở A,department,40,5\n", encoding="utf-8")
        result = runner.invoke(app, ["evaluate", "ninh_thuan_2025", str(csv), "-f", "json", "--as-of", "2026-01-10"])
        assert result.exit_code == 0, result.stderr
        rules = json.loads(result.stdout)["candidates"][0]["disqualifiers"]
        (staff,) = [r for r in rules if r["id"] == "staff_discipline_over_10pct"]
        assert staff["values"][KEY] == 5, header


def test_a_label_for_an_unknown_fact_stops_the_campaign(tmp_path: Path) -> None:
    text = Path("campaigns/ninh_thuan_2025.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "c.yaml"
    bad.write_text(
        text.replace("  staff_violating_discipline:\n    vi:", "  staff_violating_disciplin:\n    vi:"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["evaluate", str(bad), str(_facts(tmp_path))])
    assert result.exit_code == 2
    assert (
        "TD215" in result.stderr and "'staff_violating_disciplin' không phải là số liệu trong danh mục" in result.stderr
    )
    assert "có phải ý bạn là 'staff_violating_discipline'?" in result.stderr
