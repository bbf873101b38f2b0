"""Spreadsheets hide nothing (issue 13.5): hidden sheets, rows and columns and merged ranges.

Hidden sheets are not read, with a warning naming them; hidden rows and columns are read, with a
warning naming them; a merged range holds its value in every cell it covers; openpyxl's own
warnings add no line to stderr.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("t") / "template.xlsx"
    assert runner.invoke(app, ["template", "ninh_thuan_2020", "-o", str(path)]).exit_code == 0
    return path


def _book(template: Path, tmp_path: Path, edit: Any) -> Path:
    """The template with two units (rows 5 and 6 of 'Đơn vị'), then `edit(book)`."""
    book = openpyxl.load_workbook(template)
    ws = book["Đơn vị"]
    for row, (uid, name) in ((5, ("u1", "Sở Một")), (6, ("u2", "Sở Hai"))):
        ws.cell(row=row, column=1, value=uid)
        ws.cell(row=row, column=2, value=name)
        ws.cell(row=row, column=3, value="Sở, ban, ngành")
    edit(book)
    path = tmp_path / "facts.xlsx"
    book.save(path)
    return path


def _evaluate(path: Path) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
    return result.exit_code, json.loads(result.stdout) if result.exit_code == 0 else {}, result.stderr


def _ids(data: dict[str, Any]) -> list[str]:
    return [c["id"] for c in data["candidates"]]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_not_read_and_is_named(template: Path, tmp_path: Path, state: str) -> None:
    def edit(book: Any) -> None:
        extra = book.copy_worksheet(book["Đơn vị"])
        extra.title = "Năm trước"
        extra.cell(row=5, column=1, value="old-1")
        extra.cell(row=6, column=1, value="old-2")
        extra.sheet_state = state

    code, data, err = _evaluate(_book(template, tmp_path, edit))
    assert code == 0, err
    assert _ids(data) == ["u1", "u2"]
    what = "trang ẩn sâu (very hidden)" if state == "veryHidden" else "trang ẩn"
    assert f"facts.xlsx: cảnh báo: {what} 'Năm trước' không được đọc — bỏ ẩn nếu trang có đơn vị hay cá nhân" in err


def test_hidden_rows_are_read_and_named(template: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        book["Đơn vị"].row_dimensions[6].hidden = True

    code, data, err = _evaluate(_book(template, tmp_path, edit))
    assert code == 0, err
    assert _ids(data) == ["u1", "u2"]
    assert "facts.xlsx: cảnh báo: trang Đơn vị: các dòng ẩn vẫn được đọc: 6 — bỏ ẩn" in err


def test_hidden_columns_are_read_and_named(template: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        ws = book["Đơn vị"]
        ws.cell(row=5, column=8, value=2)  # initiatives_recognized
        ws.column_dimensions["H"].hidden = True

    code, data, err = _evaluate(_book(template, tmp_path, edit))
    assert code == 0, err
    u1 = data["candidates"][0]
    read = {k: v for r in u1["criteria"] for k, v in r["values"].items()}
    assert read["initiatives_recognized"] == 2
    assert "facts.xlsx: cảnh báo: trang Đơn vị: các cột ẩn vẫn được đọc: H — bỏ ẩn" in err


def test_a_hidden_row_without_values_is_not_worth_a_warning(template: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        book["Đơn vị"].row_dimensions[40].hidden = True

    code, _, err = _evaluate(_book(template, tmp_path, edit))
    assert code == 0 and "hidden" not in err


def test_a_merged_range_holds_its_value_in_every_row(template: Path, tmp_path: Path) -> None:
    """'kind' and a fact merged down rows 5–6: both units get them, not the first only."""

    def edit(book: Any) -> None:
        ws = book["Đơn vị"]
        ws.cell(row=6, column=3, value=None)
        ws.merge_cells("C5:C6")
        ws.cell(row=5, column=8, value=3)
        ws.merge_cells("H5:H6")

    code, data, err = _evaluate(_book(template, tmp_path, edit))
    assert code == 0, err
    kinds = [c["kind"] for c in data["candidates"]]
    assert kinds == ["department", "department"]
    for c in data["candidates"]:
        read = {k: v for r in c["criteria"] for k, v in r["values"].items()}
        assert read["initiatives_recognized"] == 3, c["id"]


def test_a_merged_id_makes_a_duplicate_not_a_silent_row(template: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        ws = book["Đơn vị"]
        ws.cell(row=6, column=1, value=None)
        ws.merge_cells("A5:A6")

    code, _, err = _evaluate(_book(template, tmp_path, edit))
    assert code == 2
    assert "Ô A6 (trang Đơn vị), cột id: mã 'u1' bị trùng" in err and len(err.strip().split("\n")) == 1


def _patch(path: Path, part: str, change: Any) -> None:
    """Rewrite one part of a saved workbook (what openpyxl itself would not write)."""
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, change(data) if info.filename == part else data)
    src.close()
    path.write_bytes(out.getvalue())


def test_a_merged_range_of_whole_columns_is_clipped_to_the_cells_read(template: Path, tmp_path: Path) -> None:
    path = _book(template, tmp_path, lambda book: None)
    merge = b'<mergeCells count="1"><mergeCell ref="Z1:AB1048576"/></mergeCells>'
    _patch(path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", b"</sheetData>" + merge, 1))
    code, data, err = _evaluate(path)
    assert code == 0, err
    assert _ids(data) == ["u1", "u2"]


@pytest.mark.slow  # a fresh process
def test_openpyxl_warnings_add_no_stderr_line(template: Path, tmp_path: Path) -> None:
    """A defined name for a sheet that is not there makes openpyxl warn; the user sees nothing of it."""
    path = _book(template, tmp_path, lambda book: None)
    name = b'<definedName name="x" localSheetId="9">A1</definedName>'

    def change(data: bytes) -> bytes:
        for empty in (b"<definedNames />", b"<definedNames/>"):
            data = data.replace(empty, b"<definedNames></definedNames>", 1)
        assert b"<definedNames>" in data
        return data.replace(b"<definedNames>", b"<definedNames>" + name, 1)

    _patch(path, "xl/workbook.xml", change)
    with pytest.warns(UserWarning):  # the file does make openpyxl warn
        openpyxl.load_workbook(path, read_only=True)
    # a process of its own: pytest would catch the warnings itself
    root = Path(__file__).resolve().parent.parent
    args = ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"]
    code = "import sys, cli; sys.argv = ['thidua', *sys.argv[1:]]; cli.main()"
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
