"""A worksheet's XML read as a stream whose cost follows its bytes (issue 26.1).

openpyxl's own sheet parser clears each row once it is read but leaves it attached to the sheet's
tree, so a sheet of millions of empty `<row/>` elements (a 20 KB file) keeps them all — hundreds
of megabytes — and it keeps every row's extra attributes (`ht`, `customHeight`) in a dict that
nothing here reads. Here every element outside a row is released from the tree as soon as it has
been seen, and a row as soon as its cells are read; a row is held whole only while it is read,
and a row of more XML elements than Excel could write for its 16,384 columns is refused.

A workbook whose sheets share one worksheet part (Excel writes one part per sheet) is refused
before any sheet is read: read once per sheet, a 4 MB part named by 1,000 sheets is parsed 1,000
times while the unpacked-size limit counted it once. Refusing it keeps every part parsed a fixed
number of times (the cells, the layout, the computed values), so the unpacked-size limit bounds
the bytes parsed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg

# what a row may hold: each of Excel's 16,384 cells with its value, formula and inline text parts
MAX_ROW_ELEMENTS = 16_384 * 8
MAX_ROWS = 1_048_576  # the rows of an Excel sheet: no more row elements, no row numbered beyond


def local(tag: str) -> str:
    """An element's name without its namespace (`{…main}row` → `row`)."""
    return tag.rsplit("}", 1)[-1]


def released(source: IO[bytes], file: str = "", sheet: str = "") -> Iterator[Any]:
    """Each element of a worksheet part that is not inside a row, and each row whole, at its end;
    released from the tree once the consumer has it, so what is held is one row at most. More rows
    than an Excel sheet has, or a row of more elements than Excel writes, is refused."""
    from openpyxl.xml.functions import iterparse  # defused where defusedxml is installed, as openpyxl reads

    open_: list[Any] = []  # the elements started and not yet ended: the path from the root
    row: Any = None
    inside = 0  # elements started inside the current row
    rows = 0
    for event, el in iterparse(source, events=("start", "end")):
        if event == "start":
            open_.append(el)
            if row is not None:
                inside += 1
                if inside > MAX_ROW_ELEMENTS:
                    raise UsageError(_row_too_big(file, sheet, row))
            elif local(el.tag) == "row":
                row, inside, rows = el, 0, rows + 1
                number = el.get("r") or ""
                if rows > MAX_ROWS or (number.isdigit() and int(number) > MAX_ROWS):
                    raise UsageError(_beyond_rows(file, sheet))
            continue
        open_.pop()
        if row is not None and el is not row:
            continue  # a cell or a part of one: read with its row
        row = None
        yield el
        el.clear()
        if open_:
            open_[-1].remove(el)  # the parent holds nothing it has finished with: this is its first child


def _row_too_big(file: str, sheet: str, row: Any) -> Problem:
    return Problem(
        file,
        Msg("problem.intake_row_too_big", sheet=sheet, row=row.get("r") or "?", most=MAX_ROW_ELEMENTS),
        hint=Msg("problem.intake_save_again_in_excel"),
    )


def _beyond_rows(file: str, sheet: str) -> Problem:
    return Problem(
        file,
        Msg("problem.intake_beyond_rows", sheet=sheet, most=MAX_ROWS),
        hint=Msg("problem.intake_save_again_in_excel"),
    )


class SheetParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's worksheet parser reading rows from `released` (`file`, `sheet`: named in a refusal).

    Only the rows are read (`parse` yields `(row number, cells)` as openpyxl's does); the sheet's
    other parts are left to `engine.readers.xlsx_layout`, and no row's dimensions are kept."""

    def __init__(self, src: Any, *args: Any, file: str = "", sheet: str = "", **kwargs: Any) -> None:
        super().__init__(src, *args, **kwargs)
        self.file, self.sheet = file, sheet

    def parse(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        for el in released(self.source, self.file, self.sheet):
            if local(el.tag) == "row":
                r, cells = self.parse_row(el)
                self.row_dimensions.clear()  # `ht`, `customHeight`…: not read here
                yield r, cells


def open_workbook(raw: bytes, file: str, *, data_only: bool = False) -> Any:
    """`openpyxl.load_workbook(…, read_only=True)` without its reading of every sheet at opening
    (see `_Reader`), refusing a workbook two of whose sheets are one worksheet part."""
    reader = _Reader(io.BytesIO(raw), read_only=True, data_only=data_only)
    reader.file = file
    reader.read()
    return reader.wb


class _Reader(ExcelReader):  # type: ignore[misc]
    """openpyxl's workbook reader, read-only, whose worksheets are not read when the workbook is opened.

    openpyxl looks for each sheet's size when it opens it, and reads the whole sheet when the
    sheet does not state it (`<dimension>`, which nothing obliges a file to carry): every sheet
    parsed once more, and a sheet named by 1,000 sheets parsed 1,000 times. The size is not used
    here (rows are read by `SheetParser`). Chart sheets, which hold no table, are not listed."""

    file = ""

    def read_worksheets(self) -> None:
        first: dict[str, str] = {}
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            if rel.target in first:
                raise UsageError(
                    Problem(
                        self.file,
                        Msg("problem.intake_shared_sheet_part", sheet=sheet.name, other=first[rel.target]),
                        hint=Msg("problem.intake_save_again_in_excel"),
                    )
                )
            first[rel.target] = sheet.name
            ws = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


class _Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
    def _get_size(self) -> None:
        """Not looked for (see `_Reader`): the sheet's size is unknown until its rows are read."""
