"""engine.readers.tables: facts from CSV and XLSX — headers, Vietnamese cell values, cell-precise errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from engine.common.errors import UsageError
from engine.lang import NA
from engine.model.campaign import load_campaign
from engine.model.catalogue import load_catalogue
from engine.model.fact_values import parse_number
from engine.pipeline import read_facts
from engine.readers.tables import load_table

CAT = load_catalogue()
NT = load_campaign("ninh_thuan_2020")


def xlsx(path: Path, sheets: dict[str, list[list[Any]]], formats: dict[str, str] | None = None) -> Path:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref, fmt in (formats or {}).items():
            ws[ref].number_format = fmt
    wb.save(path)
    return path


def csv_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(UsageError) as e:
        load_table(path, CAT)
    return [str(p) for p in e.value.problems]


def test_xlsx_vietnamese_headers_and_values(tmp_path: Path) -> None:
    f = xlsx(
        tmp_path / "facts.xlsx",
        {
            "Đơn vị": [
                ["# Kế hoạch", "ninh_thuan_2020"],
                ["# Ngày đánh giá", dt.datetime(2021, 1, 25)],
                [
                    "Mã",
                    "Tên",
                    "Loại",
                    "Xếp loại đánh giá thực hiện nhiệm vụ CCHC",
                    "Tổng số biên chế [staff_total]",
                    "propaganda_plan",
                    "disbursement_pct@2024-09-30",
                    "disbursement_pct@31/12/2024",
                    "full_online_tthc_pct",
                ],
                ["# Ghi chú", "", "", "II.2.a"],
                ["u1", "Sở Nội vụ", "department", "Xuất sắc", "'1.490", "x", "82,5", "100%", 0.5],
                ["u2", "Sở Tư pháp", "department", "tốt", 40, "không", None, None, "không áp dụng"],
            ],
            "Cá nhân": [
                ["id", "name", "kind", "unit", "head", "task_completion", "discipline_violation"],
                [1001, "Nguyễn Văn An", "civil_servant", "u1", "Có", "Hoàn thành xuất sắc", False],
            ],
        },
        formats={"I5": "0%"},
    )
    facts = read_facts(f, NT)
    assert facts.campaign == "ninh_thuan_2020" and facts.as_of == dt.date(2021, 1, 25)
    u1, u2, p = facts.candidates
    assert u1.group == "unit" and p.group == "person" and p.id == "1001" and p.head and p.unit == "u1"
    assert u1.facts["par_rating"] == "excellent" and u2.facts["par_rating"] == "good"
    assert u1.facts["staff_total"] == 1490  # a count: '1.490' is one thousand four hundred ninety
    assert u1.facts["propaganda_plan"] is True and u2.facts["propaganda_plan"] is False
    assert u1.facts["disbursement_pct"] == {dt.date(2024, 9, 30): 82.5, dt.date(2024, 12, 31): 100}
    assert u1.facts["full_online_tthc_pct"] == 50  # a cell formatted as a percentage: 0.5 is 50%
    assert u2.facts["full_online_tthc_pct"] is NA
    assert p.facts == {"task_completion": "excellent", "discipline_violation": False}


def test_error_names_sheet_cell_and_column(tmp_path: Path) -> None:
    f = xlsx(
        tmp_path / "facts.xlsx",
        {
            "Đơn vị": [["id", "name", "kind", "par_rating"]]
            + [[f"u{i}", "A", "commune", "Tốt"] for i in range(5)]
            + [["u9", "B", "commune", "Tot"]]
        },
    )
    [msg] = problems(f)
    assert msg.startswith(f"{f}: Ô D7 (trang Đơn vị), cột par_rating: 'Tot' không phải là một mức của Xếp loại")
    assert 'có phải ý bạn là \'Tốt\'? Ghi một trong: "Xuất sắc", "Tốt", "Khá"' in msg


def test_csv_errors_name_line_and_column(tmp_path: Path) -> None:
    f = csv_file(
        tmp_path / "f.csv",
        "id,name,group,kind,staff_total,full_online_tthc_pct,par_tasks_done_well,submission.sent_on\n"
        'u1,A,unit,commune,2%,"1.490",maybe,31/02/2021\n',
    )
    msgs = problems(f)
    assert f"{f}:2:5: cột E (staff_total): '2%' là tỷ lệ phần trăm" in msgs[0]
    assert "cột F (full_online_tthc_pct): '1.490' hiểu được hai cách: 1490" in msgs[1]
    assert "cột G (par_tasks_done_well): 'maybe' không phải là Có/Không" in msgs[2]
    assert "cột H (submission.sent_on): '31/02/2021' không phải là một ngày có thật" in msgs[3]


def test_csv_semicolon_bom_and_submission(tmp_path: Path) -> None:
    f = tmp_path / "f.csv"
    f.write_bytes(
        "\ufeffMã;Tên;Loại;Ngày gửi hồ sơ (dấu bưu điện / TDO);Hình thức gửi;Thành phần hồ sơ;index_components\n"
        'u1;Sở A;department;20/01/2021;bưu điện;tờ trình, biên bản;"PAR INDEX; Cải cách TTHC; 8,1; 8,6"\n'.encode()
    )
    [u1] = load_table(f, CAT).candidates
    assert u1.submission is not None
    assert (u1.submission.sent_on, u1.submission.via) == (dt.date(2021, 1, 20), "postmark")
    assert u1.submission.documents == ("proposal", "council_minutes")
    assert u1.facts["index_components"] == [
        {"index": "PAR INDEX", "component": "Cải cách TTHC", "prev_score": 8.1, "score": 8.6}
    ]


def test_unknown_header_and_dated_non_series(tmp_path: Path) -> None:
    f = csv_file(tmp_path / "f.csv", "id,name,kind,par_ratting,staff_total@2024-01-01\nu1,A,commune,Tốt,3\n")
    msgs = problems(f)
    assert "cột D (par_ratting): không có cột 'par_ratting' — có phải ý bạn là 'par_rating'?" in msgs[0]
    assert "'staff_total' không phải là chỉ tiêu theo ngày" in msgs[1]


def test_references_checked_by_the_shared_path(tmp_path: Path) -> None:
    f = xlsx(
        tmp_path / "f.xlsx",
        {
            "Đơn vị": [["id", "name", "kind"], ["u1", "A", "commune"], ["u1", "B", "commune"]],
            "Cá nhân": [["id", "name", "kind", "unit"], ["p1", "C", "civil_servant", "u2"]],
        },
    )
    msgs = problems(f)
    assert any("Ô A3 (trang Đơn vị)" in m and "mã 'u1' bị trùng" in m for m in msgs)
    assert any("Ô D2 (trang Cá nhân), cột unit: đơn vị công tác 'u2' (unit) không có trong tệp" in m for m in msgs)


def test_a_date_where_a_number_belongs_is_refused(tmp_path: Path) -> None:
    f = xlsx(
        tmp_path / "f.xlsx",
        {"Đơn vị": [["id", "name", "kind", "e_payment_pct"], ["u1", "A", "commune", dt.datetime(2024, 5, 1)]]},
    )
    [msg] = problems(f)
    assert "Ô D2 (trang Đơn vị), cột e_payment_pct: 01/05/2024 là ngày, không phải số" in msg


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("82,5", "percent", 82.5),
        ("100%", "percent", 100),
        ("'100", "percent", 100),
        ("1.490.000", "int", 1490000),
        ("1 490 000", "int", 1490000),
        ("1.490.000,5", "number", 1490000.5),
        ("1,490,000.5", "number", 1490000.5),
        ("1,490,000", "int", 1490000),
        ("82.5", "percent", 82.5),
        ("0.500", "percent", 0.5),
        ("1.490", "int", 1490),
        ("-3", "number", -3),
    ],
)
def test_numbers_as_vietnamese_users_write_them(text: str, kind: str, value: float) -> None:
    assert parse_number(text, kind) == value


@pytest.mark.parametrize("text", ["1.490", "100.000", "1,2,3", "1.2.3", "12a", "1.490,5.3", "", "%"])
def test_numbers_that_could_be_misread_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text, "percent")


def test_meta_rows_set_as_of_deadline_and_round(tmp_path: Path) -> None:
    f = csv_file(
        tmp_path / "f.csv",
        "# campaign: my_thanh_2015\n# Ngày đánh giá,02/12/2019\n# Hạn nộp hồ sơ: 2019-11-25\n# Năm xét,2019\n"
        "# any other comment\nid,name,kind\nu1,Ấp 1,hamlet\n",
    )
    facts = load_table(f, CAT)
    assert (facts.campaign, facts.as_of, facts.deadline, facts.round) == (
        "my_thanh_2015",
        dt.date(2019, 12, 2),
        dt.date(2019, 11, 25),
        2019,
    )


def _rewrite(path: Path, member: str, change: Any) -> Path:
    """Rewrite one part of an .xlsx (a zip) the way a damaged or hand-edited file would have it."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            parts[info.filename] = z.read(info.filename)
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return path


ROWS = [
    ["id", "name", "group", "kind", "par_rating"],
    ["u1", "A", "unit", "commune", "Tốt"],
    ["u2", "B", "unit", "commune", "Khá"],
]


def test_damaged_sheet_xml_is_a_one_line_error(tmp_path: Path) -> None:
    path = _rewrite(xlsx(tmp_path / "f.xlsx", {"Đơn vị": ROWS}), "xl/worksheets/sheet1.xml", lambda b: b[: len(b) // 2])
    with pytest.raises(UsageError, match=r"không đọc được sổ tính \.xlsx"):
        load_table(path, CAT)


def test_stale_dimension_tag_does_not_hide_rows(tmp_path: Path) -> None:
    import re

    path = _rewrite(
        xlsx(tmp_path / "f.xlsx", {"Đơn vị": ROWS}),
        "xl/worksheets/sheet1.xml",
        lambda b: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', b),
    )
    assert [c.id for c in load_table(path, CAT).candidates] == ["u1", "u2"]


def test_excel_error_value_is_not_taken_for_a_note(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path / "f.csv", "id,name,group,kind,par_rating\n#N/A,A,unit,commune,Tốt\nu2,B,unit,commune,#REF!\n"
    )
    found = problems(path)
    assert any("ô chứa lỗi Excel #N/A" in p for p in found), found
    assert any("ô chứa lỗi Excel #REF!" in p for p in found), found


def test_formula_cells_take_the_values_excel_computed(tmp_path: Path) -> None:
    """Computed values are read in step with the sheet: each formula gets its own row's value."""
    import re

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Đơn vị"
    ws.append(["id", "name", "group", "kind", "staff_total", "staff_violating_discipline"])
    for i in range(40):
        ws.append([f"u{i}", f"U{i}", "unit", "commune", f"=10+{i}", i % 3])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    # openpyxl writes no computed values; Excel would: add them as <v> after each <f>
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda b: re.sub(
            rb"<f>10\+(\d+)</f>(<v\s*/>|<v></v>)?",
            lambda m: b"<f>10+" + m[1] + b"</f><v>" + str(10 + int(m[1])).encode() + b"</v>",
            b,
        ),
    )
    facts = load_table(path, CAT)
    assert [c.facts["staff_total"] for c in facts.candidates] == [10 + i for i in range(40)]


def test_empty_csv_is_an_error_not_zero_candidates(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="tệp trống"):
        load_table(csv_file(tmp_path / "f.csv", ""), CAT)


def test_kind_may_be_written_by_its_vietnamese_name(tmp_path: Path) -> None:
    f = csv_file(
        tmp_path / "f.csv",
        'id,name,kind\nu1,Sở A,"sở, ban, ngành"\nu2,Trung tâm B,ĐƠN VỊ SỰ NGHIỆP\n'
        'u3,Phòng C,"Phòng, ban tham mưu; phòng chức năng sở"\np1,Nguyễn Văn An,"Cán bộ, công chức, viên chức"\n'
        "p2,Lê Thị Bình,journalist\n",
    )
    kinds = [(c.id, c.kind, c.group) for c in load_table(f, CAT).candidates]
    assert kinds == [
        ("u1", "department", "unit"),
        ("u2", "public_service_unit", "unit"),
        ("u3", "division", "unit"),
        ("p1", "civil_servant", "person"),
        ("p2", "journalist", "person"),
    ]
