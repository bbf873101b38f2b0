"""A gallery of hostile inputs (tests/hostile/): each ends in a result or the expected one-line error.

Every file has a sidecar `<name>.expect` with the exit code and the fragments stderr must carry
(`stderr` for the one error line, `warning` for warnings beside a result — in Vietnamese, the
default; `stderr_en`, `warning_en` as read with THIDUA_LANG=en) and, with `table`, what
the terminal table must show as written: facts files (YAML, JSON, CSV) are evaluated, campaigns
(`campaigns/`) validated, and their `.expect` also gives the line. Names that look like formulas or
markup must come out inert in CSV and JSON. Inputs that cannot be files in a repository (a FIFO, a
device, a workbook built to be hostile) are made by the tests below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli import app

HOSTILE = Path(__file__).parent / "hostile"
runner = CliRunner()


@pytest.mark.parametrize(
    "path",
    sorted(p for p in HOSTILE.iterdir() if p.suffix in (".yaml", ".json", ".csv", ".xlsx")),
    ids=lambda p: p.name,
)
def test_hostile_file(path: Path) -> None:
    expect = json.loads((path.parent / (path.name + ".expect")).read_text(encoding="utf-8"))
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
    assert result.exit_code == expect["exit"], result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if expect["exit"]:
        assert result.stdout == ""
        lines = result.stderr.strip().split("\n")
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(str(path)), lines[0]
        for fragment in expect["stderr"]:
            assert fragment in lines[0], (fragment, lines[0])
    for fragment in expect.get("warning", []):  # a warning: on stderr, the result still given
        assert fragment in result.stderr, (fragment, result.stderr)
    if "stderr_en" in expect or "warning_en" in expect:  # the same line read in English
        english = runner.invoke(
            app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"], env={"THIDUA_LANG": "en"}
        )
        for fragment in expect.get("stderr_en", []) + expect.get("warning_en", []):
            assert fragment in english.stderr, (fragment, english.stderr)
    if expect.get("table"):  # what the terminal table must show, as written
        shown = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path)])
        assert shown.exit_code == 0, shown.output
        for fragment in expect["table"]:
            assert fragment in shown.stdout, (fragment, shown.stdout)


def test_formula_names_are_inert_in_csv() -> None:
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(HOSTILE / "formula_name.yaml"), "-f", "csv"])
    assert result.exit_code == 0
    import csv
    import io

    row = list(csv.reader(io.StringIO(result.stdout)))[1]
    assert row[1] == '\'=HYPERLINK("http://x")'


def test_markup_names_are_kept_verbatim_in_json() -> None:
    path = HOSTILE / "markup_name.yaml"
    data = json.loads(runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"]).stdout)
    assert data["candidates"][0]["name"] == "<script>alert(1)</script>"


def test_nfc_tone_mark_variants_are_one_name(tmp_path: Path) -> None:
    """'Uỷ'/'Ủy', 'hoà'/'hòa' as NFC and decomposed: ids compare after NFC normalisation."""
    facts = tmp_path / "f.yaml"
    facts.write_text(
        'units:\n  - {id: "u\u1ef7-ban", name: A, kind: commune}\n'
        'people:\n  - {id: p1, name: B, kind: civil_servant, unit: "uy\u0309-ban"}\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["explain", "ninh_thuan_2020", str(facts), "uy\u0309-ban"])
    assert result.exit_code == 0, result.output


def test_markup_names_are_escaped_in_evaluate_markdown() -> None:
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(HOSTILE / "markup_name.yaml"), "-f", "markdown"])
    assert result.exit_code == 0
    assert "<script>" not in result.stdout and "&lt;script&gt;" in result.stdout


@pytest.mark.parametrize("path", sorted((HOSTILE / "campaigns").glob("*.yaml")), ids=lambda p: p.name)
def test_hostile_campaign(path: Path) -> None:
    """Campaigns that try to read other files or to exhaust the parser: `validate` exits 1 naming the line."""
    expect = json.loads((path.parent / (path.name + ".expect")).read_text(encoding="utf-8"))
    # in Vietnamese (the default), then in English; a coded error reads `TD… lỗi:` / `TD… error:`
    for env, error, fragments in (
        ({}, " lỗi: ", expect["stderr"]),
        ({"THIDUA_LANG": "en"}, " error: ", expect["stderr_en"]),
    ):
        result = runner.invoke(app, ["validate", str(path)], env=env)
        assert result.exit_code == expect["exit"], result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        first = next(line for line in result.stderr.split("\n") if error in line or "TD" not in line)
        assert first.startswith(f"{path}:{expect['line']}:"), first
        for fragment in fragments:
            assert fragment in first, (fragment, first)
        assert "root:" not in result.output  # nothing of another file is quoted


@pytest.mark.parametrize(
    ("value", "old", "new"),
    [
        ("040", "32", "40"),
        ("0x1F", "31", "31"),
        ("0b11", "3", "'0b11'"),
        ("1:20", "80", "'1:20'"),
        ("1_0", "10", "'1_0'"),
    ],
)
def test_yaml_1_1_numbers_are_refused_for_numeric_facts(tmp_path: Path, value: str, old: str, new: str) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text(
        f"units:\n  - {{id: u1, name: A, kind: commune, facts: {{staff_total: {value}}}}}\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{facts}:2:")
    assert (
        f"'{value}' không phải là số thập phân thông thường (YAML 1.1 đọc là {old}, YAML 1.2 đọc là {new})"
        in result.stderr
    )
    english = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)], env={"THIDUA_LANG": "en"})
    assert f"'{value}' is not a plain decimal number (YAML 1.1 reads {old}, YAML 1.2 reads {new})" in english.stderr


def test_yaml_1_1_number_forms_stay_text_where_text_is_meant(tmp_path: Path) -> None:
    """An id or a name written 040 is the text '040' (YAML 1.1 made it the number 32)."""
    from engine.model.source import load_yaml_text

    doc = load_yaml_text("id: 040\nname: 1:20\nn: 12\nx: 1.5\ne: 1e3\nz: -0\n", "t.yaml")
    assert doc.data == {"id": "040", "name": "1:20", "n": 12, "x": 1.5, "e": 1000.0, "z": 0}


def test_count_column_comma_thousands_is_ambiguous_as_percent_dot_is() -> None:
    from engine.common.message import say, speaking
    from engine.lang.values import BadValue
    from engine.model.fact_values import parse_number

    with (
        speaking("vi"),
        pytest.raises(ValueError, match=r"'2,000' hiểu được hai cách: 2000 .* hoặc 2 nếu ',' là dấu thập phân"),
    ):
        parse_number("2,000", "int")
    with pytest.raises(BadValue) as e:
        parse_number("1.000", "percent")
    assert (
        say(e.value.message, "en") == "'1.000' is ambiguous: 1000 with '.' between thousands, or 1 with a decimal point"
    )
    assert say(e.value.hint, "vi") == "ghi 1000 hoặc 1,000"
    assert parse_number("1.490", "int") == 1490 and parse_number("1,490,000", "int") == 1_490_000


def test_alias_bomb_is_refused_before_it_is_expanded() -> None:
    import time

    started = time.perf_counter()
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(HOSTILE / "alias_bomb.yaml")])
    assert result.exit_code == 2 and "làm 20 giá trị nở thành 1.234.567.900 giá trị (bom bí danh)" in result.stderr
    assert time.perf_counter() - started < 2  # was 8-28 s and 1.1 GB: the bomb was expanded to the node limit


def test_a_self_referring_alias_is_refused(tmp_path: Path) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text("units: &u [*u]\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)])
    assert result.exit_code == 2 and "dữ liệu lồng sâu quá 64 cấp" in result.stderr


@pytest.mark.parametrize("command", ["evaluate", "validate"])
@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_an_input_that_is_not_a_regular_file_is_refused(tmp_path: Path, command: str, kind: str) -> None:
    import os

    path = tmp_path / "input.yaml"
    if kind == "fifo":
        os.mkfifo(path)  # reading would block for ever
    else:
        path.symlink_to("/dev/zero")  # reading would never end
    args = ["evaluate", "ninh_thuan_2020", str(path)] if command == "evaluate" else ["validate", str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.strip()
        == f"{path}: không phải là một tệp thông thường (là thiết bị, ống dẫn hoặc socket) — lưu dữ liệu vào một tệp "
        "rồi chỉ ra tệp đó"
    )


def test_lint_source_is_read_with_the_input_limits(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["lint", "ninh_thuan_2020", "--source", str(fifo)])
    assert result.exit_code == 2 and "không phải là một tệp thông thường" in result.stderr
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Kế hoạch".encode("utf-16"))
    result = runner.invoke(app, ["lint", "ninh_thuan_2020", "--source", str(legacy)])
    assert result.exit_code == 2 and "không phải văn bản UTF-8" in result.stderr


def test_a_plan_linked_out_of_the_plans_folder_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.authoring.quotes as quotes

    plans = tmp_path / "plans"
    plans.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=hunter2\n", encoding="utf-8")
    (plans / "ninh_thuan_2020.txt").symlink_to(secret)
    monkeypatch.setattr(quotes, "plans_dir", lambda: plans)
    result = runner.invoke(app, ["validate", "ninh_thuan_2020"])
    assert result.exit_code == 2, result.output
    assert f"{plans / 'ninh_thuan_2020.txt'}: là liên kết đến một tệp nằm ngoài thư mục các kế hoạch" in result.stderr
    assert "hunter2" not in result.output
    english = runner.invoke(app, ["validate", "ninh_thuan_2020"], env={"THIDUA_LANG": "en"})
    assert english.exit_code == 2 and "is a link to a file outside the plans folder" in english.stderr
    assert "hunter2" not in english.output


# ---------------------------------------------------------------- workbooks and tables built to cost


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _workbook(path: Path, rows: str, strings: list[str] | None = None) -> Path:
    """A workbook written as raw XML parts: openpyxl itself would not write these (or not quickly)."""
    import zipfile

    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook {_NS} xmlns:r="{_REL}"><sheets><sheet name="Units" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        items = "".join(f"<si><t>{s}</t></si>" for s in strings or [])
        z.writestr("xl/sharedStrings.xml", f"<sst {_NS}>{items}</sst>")
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>")
    return path


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_and_unit(extra: str = "") -> str:
    head = "".join(_inline(f"{c}1", t) for c, t in zip("ABCD", ["id", "name", "group", "kind"], strict=True))
    unit = "".join(_inline(f"{c}2", t) for c, t in zip("ABCD", ["u1", "Xã A", "unit", "commune"], strict=True))
    return f'<row r="1">{head}</row><row r="2">{unit}{extra}</row>'


def _evaluate(path: Path, lang: str = "vi") -> Result:
    return runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"], env={"THIDUA_LANG": lang})


def test_rows_are_not_padded_to_the_last_styled_cell(tmp_path: Path) -> None:
    """A styled, empty cell in column XFD on every row: each row was padded to 16,384 cells
    (a 215 KB file took over 2 minutes and 15 GB). Empty cells are dropped, the rows keep their width."""
    from engine.readers.workbook import xlsx_sheets as _xlsx_sheets

    rows = _header_and_unit('<c r="XFD2" s="0"/>') + "".join(
        f'<row r="{r}">{_inline(f"A{r}", f"u{r}")}<c r="XFD{r}" s="0"/></row>' for r in range(3, 2000)
    )
    book = _workbook(tmp_path / "xfd.xlsx", rows)
    sheets = _xlsx_sheets(book.read_bytes(), str(book), [])
    assert max(len(cells) for _, cells in sheets[0].rows) == 4


def test_a_value_beyond_the_columns_a_table_may_have_is_refused(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "far.xlsx", _header_and_unit(_inline("XFD2", "x")))
    result = _evaluate(book)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"{book}: Ô XFD2 (trang Units): có giá trị ở cột XFD, ngoài 1.000 cột một bảng dữ liệu được có"
        " — xóa các ô thừa ở bên phải bảng"
    )
    assert _evaluate(book, "en").stderr.strip() == (
        f"{book}: cell XFD2 (sheet Units): a value in column XFD, beyond the 1,000 columns a facts table may have"
        " — delete the stray cells to the right of the table"
    )


def test_one_very_long_text_is_refused(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "long.xlsx", _header_and_unit(), ["x" * 40_000])
    result = _evaluate(book)
    assert result.exit_code == 2 and "một đoạn văn bản dài 40.000 ký tự, vượt giới hạn 32.767" in result.stderr
    inline = _workbook(tmp_path / "inline.xlsx", _header_and_unit(_inline("E2", "y" * 40_000)))
    result = _evaluate(inline)
    assert (
        result.exit_code == 2
        and "Ô E2 (trang Units): đoạn văn bản dài 40.000 ký tự, vượt giới hạn 32.767" in result.stderr
    )


def test_shared_strings_are_counted_before_they_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.common import limits

    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 100)
    book = _workbook(tmp_path / "sst.xlsx", _header_and_unit(), [f"s{i}" for i in range(101)])
    result = _evaluate(book)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"{book}: sổ tính có hơn 100 chuỗi văn bản dùng chung")


def test_cells_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.common import limits
    from engine.common.errors import UsageError
    from engine.readers.workbook import csv_sheet as _csv_sheet
    from engine.readers.workbook import xlsx_sheets as _xlsx_sheets

    monkeypatch.setattr(limits, "MAX_NODES", 6)
    book = _workbook(tmp_path / "cells.xlsx", _header_and_unit())
    with pytest.raises(UsageError, match=r"Ô C2 \(trang Units\): có hơn 6 ô có giá trị"):
        _xlsx_sheets(book.read_bytes(), str(book), [])
    with pytest.raises(UsageError, match=r"t\.csv:2: có hơn 6 ô"):
        _csv_sheet(b"id,name,group,kind\nu1,A,unit,commune\n", "t.csv")


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.common import limits

    monkeypatch.setattr(limits, "MAX_UNPACKED", 10_000)
    book = _workbook(tmp_path / "bomb.xlsx", _header_and_unit(), ["z" * 20_000])
    assert book.stat().st_size < 2_000
    result = _evaluate(book)
    assert result.exit_code == 2 and "sổ tính giải nén ra" in result.stderr and "vượt giới hạn 10.000" in result.stderr


def test_a_header_of_a_million_columns_is_refused_at_once(tmp_path: Path) -> None:
    """It ran 'did you mean' for each column: 252 s and 830 MB before."""
    import time

    table = tmp_path / "wide.csv"
    table.write_text("id,name,group,kind," + ",".join(f"zz{i}" for i in range(1_000_000)) + "\nu1,A,unit,commune\n")
    started = time.perf_counter()
    result = _evaluate(table)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{table}:1: có 1.000.004 cột, vượt giới hạn 1.000 cột của một bảng dữ liệu — mỗi chỉ tiêu một cột; "
        "kiểm tra dấu phân cách (',' hay ';')"
    )
    assert time.perf_counter() - started < 5


def test_unknown_columns_past_the_printed_problems_get_no_suggestion(tmp_path: Path) -> None:
    table = tmp_path / "many.csv"
    table.write_text("id,name,group,kind," + ",".join(f"staff_totl{i}" for i in range(900)) + "\nu1,A,unit,commune\n")
    result = _evaluate(table)
    lines = result.stderr.strip().split("\n")
    assert result.exit_code == 2 and len(lines) == 51 and "có phải ý bạn là 'staff_total'" in lines[0]
    assert lines[-1] == "… và 850 lỗi khác"


def test_did_you_mean_skips_words_too_long_to_compare() -> None:
    from engine.common.errors import did_you_mean
    from engine.common.message import say

    assert say(did_you_mean("staff_totl", ["staff_total"]), "en") == "did you mean 'staff_total'?"
    assert say(did_you_mean("staff_totl", ["staff_total"]), "vi") == "có phải ý bạn là 'staff_total'?"
    assert did_you_mean("staff_totl" * 10_000, ["staff_total"]) == ""


# ---------------------------------------------------------------- thidua test


def test_thidua_test_on_a_folder_without_cases_fails(tmp_path: Path) -> None:
    """A CI job pointed at the wrong folder must not go green with nothing run (was: '0 passed', exit 0)."""
    (tmp_path / "notes.txt").write_text("no cases here", encoding="utf-8")
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"{tmp_path}: thư mục này không có tệp trường hợp kiểm thử nào (*.yaml)"
        " — ghi các tệp hoặc thư mục chứa trường hợp kiểm thử"
    )
    result = runner.invoke(app, ["test", str(tmp_path)], env={"THIDUA_LANG": "en"})
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"{tmp_path}: no case files (*.yaml) in this folder — give case files or folders"
    result = runner.invoke(app, ["test", str(tmp_path / "missing")])
    assert result.exit_code == 2 and f"{tmp_path / 'missing'}: không có tệp hoặc thư mục này" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{folder}"],
        ["lint", "{folder}"],
        ["evaluate", "{folder}", "examples/ninh_thuan_2020.yaml"],
        ["explain", "{folder}", "examples/ninh_thuan_2020.yaml", "so-tai-chinh"],
        ["draft", "{folder}"],
    ],
    ids=lambda a: a[0],
)
def test_a_folder_named_as_a_file_is_one_line_not_an_internal_error(args: list[str], tmp_path: Path) -> None:
    """A folder whose name looks like a file (`x.yaml/`) given where a file is read: Linux opens it,
    Python's fdopen refuses it — said in one line, exit 2, never 'internal error' (exit 3)."""
    folder = tmp_path / "ke_hoach.yaml"
    folder.mkdir()
    result = runner.invoke(app, [a.replace("{folder}", str(folder)) for a in args])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and str(folder) in lines[0] and "nội bộ" not in lines[0], lines
