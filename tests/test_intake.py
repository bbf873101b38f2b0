"""No return dropped or misread without a word; spreadsheets read at a cost that follows their
bytes (issue 26, points 1 and 4).

A folder of returns: every entry is read, or named in a warning or a refusal. A workbook: rows
released as they are read, no sheet part read more than a fixed number of times, rows beyond what
Excel writes refused. A file that lists no one is refused like an empty one. Ids that print alike
in two scripts are refused naming both. Names that are not UTF-8 are shown escaped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from cli import app
from engine.common.lookalike import foreign_letters, latin_key

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench")]
import hostile_xlsx  # noqa: E402  (the bench's bomb builder: the same workbooks, small)

runner = CliRunner()

UNIT = "units:\n  - {id: u1, name: Xã A, kind: commune}\n"


def _run(*args: str, lang: str = "vi") -> Result:
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", *args, "-f", "json"], env={"THIDUA_LANG": lang})
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result


# ---------------------------------------------------------------- a folder of returns


def _make(folder: Path, kind: str) -> Path:
    """One entry of a kind that is not a return to read, named `x…`."""
    outside = folder.parent / "secret.yaml"
    outside.write_text("token: hunter2\n", encoding="utf-8")
    path = folder / {"xls": "x.xls", "xlsm": "x.xlsm", "ods": "x.ods"}.get(kind, "x.csv")
    if kind == "dangling":
        path.symlink_to(folder / "gone.csv")
    elif kind == "outside":
        path.symlink_to(outside)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev_zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_bytes(b"PK\x03\x04 a workbook")
    return path


REFUSED = {  # kind: the words of its line, vi and en
    "dangling": ("là liên kết đến một tệp không còn nữa", "is a link to a file that is not there"),
    "outside": ("là liên kết đến một tệp nằm ngoài thư mục này; không đọc", "is a link to a file outside this folder"),
    "fifo": ("không phải là một tệp thông thường", "is not a regular file"),
    "dev_zero": ("là liên kết đến một tệp nằm ngoài thư mục này", "is a link to a file outside this folder"),
    "xls": ("không đọc được sổ tính dạng .xls — mở bằng Excel rồi lưu thành", "a .xls workbook cannot be read"),
    "xlsm": ("không đọc được sổ tính dạng .xlsm", "save it as an Excel Workbook (.xlsx)"),
    "ods": ("không đọc được sổ tính dạng .ods", "a .ods workbook cannot be read"),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_a_folder_entry_that_cannot_be_read_is_refused_by_name(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "a.yaml").write_text(UNIT, encoding="utf-8")
    path = _make(folder, kind)
    for lang, words in zip(("vi", "en"), REFUSED[kind], strict=True):
        result = _run(str(folder), lang=lang)
        assert result.exit_code == 2 and result.stdout == "", result.output
        lines = result.stderr.strip().split("\n")
        assert len(lines) == 1 and lines[0].startswith(f"{path}: "), lines
        assert words in lines[0]
        assert "hunter2" not in result.output and "secret" not in result.output  # a link's target: never read or named


def test_every_entry_that_cannot_be_read_is_named_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(UNIT, encoding="utf-8")
    paths = [_make(tmp_path, kind) for kind in ("xls", "ods")]
    result = _run(str(tmp_path))
    assert result.exit_code == 2
    assert [line.split(": ")[0] for line in result.stderr.strip().split("\n")] == sorted(str(p) for p in paths)


def test_what_the_system_leaves_is_passed_over_and_other_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(UNIT, encoding="utf-8")
    for name in (".DS_Store", "desktop.ini", "Thumbs.db", "~$a.xlsx", "._a.xlsx"):
        (tmp_path / name).write_bytes(b"\0junk")
    (tmp_path / "cong_van.pdf").write_bytes(b"%PDF")
    (tmp_path / "README").write_text("notes", encoding="utf-8")
    (tmp_path / "old").mkdir()
    (tmp_path / "inside.yaml").symlink_to(tmp_path / "a.yaml")  # a link inside the folder: the same file
    result = _run(str(tmp_path))
    assert result.exit_code == 2 and "được chỉ ra hai lần" in result.stderr  # read as its target: given twice
    (tmp_path / "inside.yaml").unlink()
    result = _run(str(tmp_path))
    assert result.exit_code == 0, result.output
    warned = result.stderr.strip().split("\n")
    assert warned == [
        f"{tmp_path / 'README'}: cảnh báo: không đọc: không phải tệp dữ liệu (không có đuôi) — dùng tệp .xlsx, "
        ".csv, .yaml, .yml hoặc .json",
        f"{tmp_path / 'cong_van.pdf'}: cảnh báo: không đọc: không phải tệp dữ liệu (.pdf) — dùng tệp .xlsx, .csv, "
        ".yaml, .yml hoặc .json",
        f"{tmp_path / 'old'}: cảnh báo: là thư mục con: các tệp trong đó không được đọc — chỉ ra cả thư mục đó nếu "
        "các hồ sơ trong đó cũng được xét",
    ]
    english = _run(str(tmp_path), lang="en")
    assert "not read: not a facts file (.pdf)" in english.stderr and "is a folder inside" in english.stderr


def test_warnings_of_a_folder_are_kept_beside_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "a.yaml").write_text(UNIT, encoding="utf-8")
    (folder / "note.txt").write_text("x", encoding="utf-8")
    other = tmp_path / "b.yaml"
    other.write_text("people:\n  - {id: p1, name: B, kind: civil_servant, unit: u1}\n", encoding="utf-8")
    result = _run(str(folder), str(other))
    assert result.exit_code == 0, result.output
    assert f"{folder / 'note.txt'}: cảnh báo: không đọc" in result.stderr


# ---------------------------------------------------------------- names that are not UTF-8


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_a_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    good = os.fsdecode(folder + b"/\xff-xa.yaml")  # a lone surrogate in Python's view of the name
    Path(good).write_text(UNIT, encoding="utf-8")
    result = _run(str(tmp_path))
    assert result.exit_code == 0, result.output
    bad = os.fsdecode(folder + b"/\xfe-phuong.yaml")
    Path(bad).write_text("units: [", encoding="utf-8")
    result = _run(str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path}/\\xfe-phuong.yaml:" in result.stderr, result.stderr
    other = os.fsdecode(folder + b"/\xfd.xls")
    Path(other).write_bytes(b"x")
    assert f"{tmp_path}/\\xfd.xls: " in _run(str(tmp_path)).stderr


# ---------------------------------------------------------------- a file that lists no one


def test_a_blank_workbook_is_refused_like_an_empty_file(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = tmp_path / "blank.xlsx"
    Workbook().save(book)
    result = _run(str(book))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"{book}: tệp không có đơn vị hay cá nhân nào — bắt đầu từ tệp mẫu: thidua template <kế hoạch> -o du_lieu.xlsx"
    )
    assert "the file lists no unit and no person" in _run(str(book), lang="en").stderr


def test_a_header_alone_and_the_blank_file_are_refused(tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("id,name,group,kind\n", encoding="utf-8")
    result = _run(str(header))
    assert result.exit_code == 2 and "tệp không có đơn vị hay cá nhân nào" in result.stderr
    book = tmp_path / "template.xlsx"  # the blank file states its campaign but no one yet: nothing to judge
    made = runner.invoke(app, ["template", "ninh_thuan_2020", "-o", str(book)])
    assert made.exit_code == 0, made.output
    blank = _run(str(book))
    assert blank.exit_code == 2 and "tệp không có đơn vị hay cá nhân nào" in blank.stderr


# ---------------------------------------------------------------- ids that print alike in two scripts


@pytest.mark.parametrize(
    ("a", "b"),
    [("so-noi-vu", "sо-noi-vu"), ("xa-phuoc-ha", "xа-phuoc-hа"), ("ABC", "ΑΒC"), ("đoi-3", "đоі-3")],
)
def test_ids_in_two_scripts_that_print_alike_have_one_key(a: str, b: str) -> None:
    assert a != b and latin_key(b) == latin_key(a) == a


@pytest.mark.parametrize("a, b", [("u1", "ul"), ("u0", "uO"), ("đơn-vị", "don-vi"), ("Ủy-ban", "Uy-ban")])
def test_latin_letters_digits_and_marks_are_never_made_alike(a: str, b: str) -> None:
    assert latin_key(a) != latin_key(b)


def test_ids_that_print_alike_in_two_returns_are_refused_naming_both(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("units:\n  - {id: u1, name: A, kind: commune}\n  - {id: so-noi-vu, name: B, kind: department}\n")
    b.write_text("units:\n  - {id: sо-noi-vu, name: B, kind: department}\n")
    result = _run(str(a), str(b))
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"{b}:2:6: units[sо-noi-vu]: mã 'sо-noi-vu' trông như mã 'so-noi-vu' trong {a}:3 nhưng có chữ của bảng chữ "
        "khác: 'о' (U+043E CYRILLIC SMALL LETTER O) — gõ lại mã bằng chữ Latinh (bàn phím tiếng Việt); hai mã trông "
        "giống nhau là hai đơn vị không phân biệt được"
    )
    english = _run(str(a), str(b), lang="en").stderr
    assert f"id 'sо-noi-vu' looks like 'so-noi-vu' in {a}:3 but holds letters of another script" in english
    assert foreign_letters("so-noi-vu") == ""


# ---------------------------------------------------------------- workbooks built to cost


def _book(tmp_path: Path, name: str, rows: str, sheets: int = 1, shared: bool = False) -> Path:
    return hostile_xlsx.workbook(tmp_path / f"{name}.xlsx", sheets, hostile_xlsx._sheet(lambda: rows, 1), shared=shared)


def test_sheets_that_share_one_part_are_refused_before_any_is_read(tmp_path: Path) -> None:
    book = hostile_xlsx.shared_part(tmp_path / "shared.xlsx", sheets=3)
    result = _run(str(book))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{book}: trang 'S2' và trang 'Units' là cùng một phần của tệp — Excel không ghi sổ tính như vậy — mở tệp "
        "bằng Excel rồi lưu lại dạng .xlsx"
    )


def test_a_row_beyond_the_last_row_of_a_sheet_is_refused(tmp_path: Path) -> None:
    """A value in row 2,000,000: the rows before it would be made, empty, to fill merges and hidden rows."""
    far = f'<row r="2000000">{hostile_xlsx._inline("A2000000", "u9")}</row>'
    result = _run(str(_book(tmp_path, "far", far)), lang="en")
    assert result.exit_code == 2
    assert "sheet 'Units' has rows beyond row 1,048,576, the last row of an Excel sheet" in result.stderr


def test_more_rows_than_a_sheet_has_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.readers.xlsx_stream as stream

    monkeypatch.setattr(stream, "MAX_ROWS", 1_000)
    assert _run(str(_book(tmp_path, "ok", "<row/>" * 990))).exit_code == 0  # empty rows within the sheet: read
    result = _run(str(_book(tmp_path, "many", "<row/>" * 1_000)))
    assert result.exit_code == 2 and "trang 'Units' có dòng vượt quá dòng 1.000" in result.stderr


def test_a_row_of_more_elements_than_excel_writes_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.readers.xlsx_stream as stream

    monkeypatch.setattr(stream, "MAX_ROW_ELEMENTS", 100)
    result = _run(str(_book(tmp_path, "wide", '<row r="3">' + '<c s="0"/>' * 101 + "</row>")), lang="en")
    assert result.exit_code == 2
    assert "row 3 of sheet 'Units' holds more than 100 XML elements" in result.stderr


@pytest.mark.slow  # a soak: 200,000 rows
def test_rows_are_released_as_they_are_read() -> None:
    """200,000 empty rows held at once were ~40 MB; released, the parse holds one row."""
    import io
    import tracemalloc

    from engine.readers.xlsx_stream import released

    xml = f"<worksheet {hostile_xlsx._NS}><sheetData>{'<row/>' * 200_000}</sheetData></worksheet>".encode()
    tracemalloc.start()
    n = sum(1 for el in released(io.BytesIO(xml)) if el.tag.endswith("row"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 200_000
    assert peak < 4 * len(xml), peak  # the document's own bytes and the parser's buffers; not its rows


def test_a_workbook_with_a_sheet_read_is_read_as_before(tmp_path: Path) -> None:
    book = _book(tmp_path, "one", "")
    result = _run(str(book))
    assert result.exit_code == 0, result.output
    assert '"id":"u1"' in result.stdout.replace(" ", "")


_CELLS = st.sampled_from(
    [
        '<c r="{col}{row}"><v>12</v></c>',
        '<c r="{col}{row}" t="inlineStr"><is><t>Xã A</t></is></c>',
        '<c r="{col}{row}" s="0"/>',
        "<c><v>1.5</v></c>",
        '<c r="{col}{row}" t="b"><v>1</v></c>',
    ]
)
_ROWS = st.tuples(
    st.sampled_from(['<row r="{row}"', "<row", '<row r="{row}" ht="20" customHeight="1"', '<row hidden="1"']),
    st.lists(st.tuples(st.sampled_from("ABCDXZ"), _CELLS), max_size=4),
)


@pytest.mark.slow  # a long property test
@given(
    rows=st.lists(_ROWS, max_size=30), before=st.sampled_from(["", '<cols><col min="1" max="3" hidden="1"/></cols>'])
)
@settings(max_examples=150, deadline=None)
def test_rows_are_read_as_openpyxl_reads_them(rows: list[tuple[str, list[tuple[str, str]]]], before: str) -> None:
    """Released row by row, the rows are the ones openpyxl's own parser gives (empty rows, rows with
    and without numbers and heights, cells of every kind, other parts of the sheet around them)."""
    import io

    from openpyxl.worksheet._reader import WorkSheetParser

    from engine.readers.xlsx_stream import SheetParser

    body = ""
    for n, (start, cells) in enumerate(rows, 1):
        inner = "".join(cell.format(col=col, row=n) for col, cell in sorted(dict(cells).items()))
        body += start.format(row=n) + (f">{inner}</row>" if inner else "/>")
    xml = f"<worksheet {hostile_xlsx._NS}>{before}<sheetData>{body}</sheetData><mergeCells/></worksheet>".encode()
    ours = list(SheetParser(io.BytesIO(xml), [], file="f", sheet="s").parse())
    theirs = list(WorkSheetParser(io.BytesIO(xml), []).parse())
    assert ours == theirs
