"""A table's cells as its file holds them: a CSV file's rows or an XLSX workbook's sheets, read
with every limit checked as it is read (columns, cells, text length, shared strings, what a zip
unpacks to), and how a cell is named in a problem (`Ô D7 (trang Đơn vị)`, `facts.csv:7:4`).

What the rows mean — the header, the notes, one candidate a row — is engine.readers.tables';
how a value is read, the fact's grammar's (engine.model.fact_values).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from engine.common import limits
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, Text
from engine.model.source import decode
from engine.model.vocabulary import load_labels, norm


@dataclass(frozen=True)
class Cell:
    """Where a value stood: sheet (None for CSV), 1-based row and column, and its column's key."""

    sheet: str | None
    row: int
    col: int
    column: str = ""

    @property
    def ref(self) -> str:
        return f"{col_letter(self.col)}{self.row}"


@dataclass
class RawCell:
    value: Any
    number_format: str = "General"


@dataclass
class Sheet:
    name: str | None  # None for CSV
    rows: list[tuple[int, list[RawCell]]]  # (1-based row number, cells)


def cell_problem(file: str, cell: Cell, message: Text, hint: Text = "") -> Problem:
    """A problem at a cell, named as an officer finds it: `Ô D7 (trang Đơn vị), cột par_rating`
    in a workbook, `facts.csv:7:4: cột D (par_rating)` in a CSV file (line and column are the
    row and the column's number: the place is the problem's own, so two cells of a row are two
    problems, engine.common.errors.problem_lines)."""
    if cell.sheet is None:
        at = Msg(
            "problem.facts_csv_column_of" if cell.column else "problem.facts_csv_column",
            col=col_letter(cell.col),
            column=cell.column,
        )
        return Problem(
            file, Msg("problem.facts_at_cell", at=at, message=message), line=cell.row, column=cell.col, hint=hint
        )
    at = Msg(
        "problem.facts_cell_of" if cell.column else "problem.facts_cell",
        cell=cell.ref,
        sheet=cell.sheet,
        column=cell.column,
    )
    return Problem(file, Msg("problem.facts_at_cell", at=at, message=message), hint=hint)


def col_letter(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def csv_sheet(raw: bytes, name: str) -> Sheet:
    text = decode(raw, name)
    if not text.strip():
        raise UsageError(
            Problem(name, Msg("problem.facts_empty_file"), hint=Msg("problem.facts_start_from_template", suffix=".csv"))
        )
    sample = text[:4096]
    first = sample.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # Excel in a Vietnamese locale writes ';'
    rows: list[tuple[int, list[RawCell]]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    line = 1
    budget = limits.MAX_NODES
    try:
        for record in reader:
            while record and not record[-1].strip():
                record.pop()  # trailing empty cells: a spreadsheet's export pads rows with them
            if len(record) > limits.MAX_COLUMNS:
                raise UsageError(
                    Problem(
                        name,
                        Msg("problem.facts_too_many_columns", count=len(record), most=limits.MAX_COLUMNS),
                        line=line,
                        hint=Msg("problem.facts_too_many_columns_hint"),
                    )
                )
            budget -= len(record)
            if budget < 0:
                raise UsageError(
                    Problem(
                        name,
                        Msg("problem.facts_too_many_cells", most=limits.MAX_NODES),
                        line=line,
                        hint=Msg("problem.facts_too_many_values_hint"),
                    )
                )
            rows.append((line, [RawCell(v) for v in record]))
            line = reader.line_num + 1
    except csv.Error as e:  # Python's own words for what broke (in English), after what to do
        raise UsageError(
            Problem(
                name, Msg("problem.facts_not_csv", detail=str(e)), line=line, hint=Msg("problem.facts_not_csv_hint")
            )
        ) from None
    return Sheet(None, rows)


def xlsx_sheets(raw: bytes, name: str, warnings: list[Problem]) -> list[Sheet]:
    import warnings as py_warnings

    labels = load_labels()
    skip = {norm(w) for k in ("lists", "guide") for w in (labels.sheets[k].vi, labels.sheets[k].en)}
    problems: list[Problem] = []
    try:  # read-only workbooks parse lazily: a damaged part only shows while iterating
        with py_warnings.catch_warnings():  # openpyxl's own ("extension is not supported"): not the user's
            py_warnings.simplefilter("ignore")
            sheets = _read_sheets(raw, name, skip, problems, warnings)
    except UsageError:
        raise
    except Exception as e:
        raise UsageError(
            Problem(
                name, Msg("problem.facts_not_xlsx", error=type(e).__name__), hint=Msg("problem.facts_not_xlsx_hint")
            )
        ) from None
    if problems:
        raise UsageError(problems)
    if not sheets:
        raise UsageError(Problem(name, Msg("problem.facts_no_sheet"), hint=Msg("problem.facts_no_sheet_hint")))
    return sheets


def _read_sheets(
    raw: bytes, name: str, skip: set[str], problems: list[Problem], warnings: list[Problem]
) -> list[Sheet]:
    import zipfile

    from engine.readers.xlsx_layout import fill_merged, hidden_sheet_warning, hidden_warnings, sheet_layout
    from engine.readers.xlsx_stream import open_workbook  # each sheet part parsed a fixed number of times

    _check_parts(raw, name)
    wb = open_workbook(raw, name)
    archive = zipfile.ZipFile(io.BytesIO(raw))
    cached: list[Any] = []  # the same workbook with the values Excel computed, opened only if a formula appears
    sheets: list[Sheet] = []
    budget = [limits.MAX_NODES]  # cells with a value, over the whole workbook
    try:
        _check_strings(wb, name)
        for ws in wb.worksheets:
            if norm(ws.title) in skip or ws.title.startswith("_"):
                continue  # the template's own helper sheets (lists, guide)
            state = getattr(ws, "sheet_state", "visible")
            if state != "visible":
                warnings.append(hidden_sheet_warning(name, ws.title, state))
                continue
            rows = _sheet_rows(ws, raw, name, budget, cached, problems)
            # merged ranges and hidden rows/columns (engine.readers.xlsx_layout) work on every row from 1
            layout = sheet_layout(archive, ws._worksheet_path, name, ws.title)
            by_row = dict(rows)
            dense = [by_row.get(i, []) for i in range(1, max(by_row, default=0) + 1)]
            fill_merged(dense, layout.merged, lambda: RawCell(None))
            rows = [(i, cells) for i, cells in enumerate(dense, 1) if cells]
            warnings += hidden_warnings(name, ws.title, layout, dense, lambda c: not blank(c.value), col_letter)
            sheets.append(Sheet(ws.title, rows))
    finally:
        archive.close()
        wb.close()
        for book in cached:
            book.close()
    return sheets


def _sheet_rows(
    ws: Any, raw: bytes, name: str, budget: list[int], cached: list[Any], problems: list[Problem]
) -> list[tuple[int, list[RawCell]]]:
    """A sheet's rows of cells; a formula's cell holds the value Excel computed when it saved the
    file (read from the workbook opened for its values: `cached`, opened here the first time a
    formula appears, closed by the caller), or is a problem when it has none."""
    from engine.readers.xlsx_stream import open_workbook

    grid = _cells(ws, name, budget)
    formulas = [(r, c) for r, cells in grid for c, cell in cells.items() if cell.get("data_type") == "f"]
    computed: dict[tuple[int, int], Any] = {}
    if formulas:
        if not cached:
            cached.append(open_workbook(raw, name, data_only=True))
        values = dict(_cells(cached[0][ws.title], name, [limits.MAX_NODES]))
        computed = {(r, c): values.get(r, {}).get(c, {}).get("value") for r, c in formulas}
    rows: list[tuple[int, list[RawCell]]] = []
    for r, cells in grid:
        row = [RawCell(None) for _ in range(max(cells))]
        for c, cell in cells.items():
            value = cell["value"]
            if cell.get("data_type") == "f":
                value = computed.get((r, c))
                if value is None:
                    problems.append(
                        cell_problem(
                            name,
                            Cell(ws.title, r, c),
                            Msg("problem.facts_formula_no_value"),
                            Msg("problem.facts_formula_no_value_hint"),
                        )
                    )
            row[c - 1] = RawCell(value, _number_format(ws, cell))
        rows.append((r, row))
    return rows


def _check_parts(raw: bytes, name: str) -> None:
    """Refuse a workbook whose parts unpack to more than `limits.MAX_UNPACKED` (a zip bomb is
    small), or that declares more shared strings than a table needs — before openpyxl reads them."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        parts = z.infolist()
        unpacked = sum(p.file_size for p in parts)
        if unpacked > limits.MAX_UNPACKED:
            raise UsageError(
                Problem(
                    name,
                    Msg("problem.facts_unpacks", size=unpacked, limit=limits.MAX_UNPACKED),
                    hint=Msg("problem.facts_unpacks_hint"),
                )
            )
        strings = next((p for p in parts if p.filename.lower().endswith("sharedstrings.xml")), None)
        if strings is not None:  # count the <si> items without building them (the declared count may lie)
            n, tail = 0, b""
            with z.open(strings) as f:
                while chunk := f.read(1 << 20):
                    n += len(_SI.findall(tail + chunk))
                    tail = chunk[-8:] if not chunk.endswith(b">") else b""
                    if n > limits.MAX_SHARED_STRINGS:
                        raise _too_many_strings(name)


_SI = re.compile(rb"<(?:\w+:)?si[\s/>]")


def _too_many_strings(name: str) -> UsageError:
    return UsageError(
        Problem(
            name,
            Msg("problem.facts_shared_strings", most=limits.MAX_SHARED_STRINGS),
            hint=Msg("problem.facts_shared_strings_hint"),
        )
    )


def _check_strings(wb: Any, name: str) -> None:
    # read-only worksheets share the one table openpyxl read (`wb.shared_strings` stays empty)
    strings = next((getattr(ws, "_shared_strings", ()) for ws in wb.worksheets), ())
    if len(strings) > limits.MAX_SHARED_STRINGS:  # the count was not declared, or was wrong
        raise _too_many_strings(name)
    longest = max((len(s) for s in strings if isinstance(s, str)), default=0)
    if longest > limits.MAX_TEXT:
        raise UsageError(
            Problem(
                name,
                Msg("problem.facts_workbook_long_text", length=longest, most=limits.MAX_TEXT),
                hint=Msg("problem.facts_workbook_long_text_hint"),
            )
        )


def _cells(ws: Any, name: str, budget: list[int]) -> list[tuple[int, dict[int, dict[str, Any]]]]:
    """A sheet's cells that hold something, row by row, as openpyxl's parser gives them.

    Read through the parser rather than `iter_rows`, which pads every row to its last cell — a
    styled cell in column XFD makes each row 16,384 cells. Empty cells are dropped; a value beyond
    `limits.MAX_COLUMNS`, a text longer than `limits.MAX_TEXT` or more cells than `budget` holds
    are refused, so the work is bounded by what the sheet holds."""
    from engine.readers.xlsx_stream import SheetParser  # each row released once read

    wb = ws.parent
    out: list[tuple[int, dict[int, dict[str, Any]]]] = []
    with ws._get_source() as src:
        parser = SheetParser(
            src,
            ws._shared_strings,
            data_only=wb.data_only,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
            file=name,
            sheet=ws.title,
        )
        for r, parsed in parser.parse():
            cells = {}
            for cell in parsed:
                if cell["value"] is None or cell["value"] == "":
                    continue
                _check_cell(cell, Cell(ws.title, r, cell["column"]), name, budget)
                cells[cell["column"]] = cell
            if cells:
                out.append((r, cells))
    return out


def _check_cell(cell: dict[str, Any], where: Cell, name: str, budget: list[int]) -> None:
    """Refuse a value beyond `limits.MAX_COLUMNS`, a text longer than `limits.MAX_TEXT`, or the
    cell past the workbook's `budget` of cells."""
    value = cell["value"]
    if where.col > limits.MAX_COLUMNS:
        raise UsageError(
            cell_problem(
                name,
                where,
                Msg("problem.facts_beyond_columns", col=col_letter(where.col), most=limits.MAX_COLUMNS),
                Msg("problem.facts_beyond_columns_hint"),
            )
        )
    if isinstance(value, str) and len(value) > limits.MAX_TEXT:
        raise UsageError(
            cell_problem(
                name,
                where,
                Msg("problem.facts_long_text", length=len(value), most=limits.MAX_TEXT),
                Msg("problem.facts_long_text_hint"),
            )
        )
    budget[0] -= 1
    if budget[0] < 0:
        raise UsageError(
            cell_problem(
                name,
                where,
                Msg("problem.facts_too_many_cells", most=limits.MAX_NODES),
                Msg("problem.facts_too_many_values_hint"),
            )
        )


def _number_format(ws: Any, cell: dict[str, Any]) -> str:
    from openpyxl.cell.read_only import ReadOnlyCell

    style = cell.get("style_id", 0)
    fmt = ReadOnlyCell(ws, cell["row"], cell["column"], cell["value"], cell.get("data_type", "n"), style)
    return str(fmt.number_format or "General")


def blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())
