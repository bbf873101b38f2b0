"""Writing workbooks (openpyxl) and other Office zips safely and reproducibly.

Two things openpyxl does not do on its own: a text beginning with `=`, `+`, `-` or `@` must stay
text (never become a formula when a name is written into a cell), and the same workbook must
give the same bytes every time (no creation time in the properties or in the zip entries).

A big sheet (a row per candidate) is streamed: its rows are not cells of the workbook but XML
written as the workbook is saved (`SheetBody`, `RowsXml`), the very XML openpyxl writes for such
cells, so a workbook of 100,000 rows holds no cell object and never its sheet whole in memory; the
zip is written once, compressed as it goes (`_StableZip`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.workbook.workbook import Workbook

from engine.common import fmt
from engine.common.text import visible
from engine.render.output import looks_like_formula

EPOCH = (1980, 1, 1, 0, 0, 0)


def put(cell: Cell, value: Any) -> Cell:
    """Set a cell's value; a text stays text even when it looks like a formula, and shows its
    control characters as escapes (a workbook cannot hold them: openpyxl refuses the cell)."""
    if isinstance(value, str):
        value = visible(value)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def workbook_bytes(wb: Workbook, when: dt.date, bodies: Mapping[str, SheetBody] | None = None) -> bytes:
    """The workbook as .xlsx bytes, identical run to run: times are `when` or the zip epoch.
    `bodies`: the rows of the sheets (by title) streamed below their cells."""
    stamp = dt.datetime(when.year, when.month, when.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "thidua"
    wb.properties.lastModifiedBy = "thidua"
    from openpyxl.writer.excel import ExcelWriter

    class Writer(ExcelWriter):  # type: ignore[misc]  # openpyxl is untyped
        def write_worksheet(self, ws: Any) -> None:
            body = (bodies or {}).get(ws.title)
            if body is None:
                super().write_worksheet(ws)
            else:
                _write_streamed(self, ws, body)

    raw = io.BytesIO()
    Writer(wb, _StableZip(raw, stamp)).save()
    return raw.getvalue()


@dataclass
class SheetBody:
    """A sheet's rows below its cells, streamed as the workbook is saved: `rows(ws)` yields each
    row's XML (`RowsXml.row`), the last row `last_row` and its widest `last_col` columns wide."""

    rows: Callable[[Any], Iterable[str]]
    last_row: int
    last_col: int


def _write_streamed(writer: Any, ws: Any, body: SheetBody) -> None:
    """What `ExcelWriter.write_worksheet` does, the body's rows written after the sheet's own
    (its header) into the sheet's XML, through a temporary file: never the whole sheet in memory."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._writer import WorksheetWriter

    ws._drawing = SpreadsheetDrawing()
    ws._drawing.charts = ws._charts
    ws._drawing.images = ws._images
    part = WorksheetWriter(ws)
    part.write()
    ws._rels = part._rels
    with open(part.out, "rb") as f:
        head, tail = f.read().split(b"</sheetData>")
    part.cleanup()
    last = max(body.last_col, ws.max_column)
    head = re.sub(
        rb'<dimension ref="[^"]*"/>',
        f'<dimension ref="A1:{get_column_letter(last)}{body.last_row}"/>'.encode(),
        head,
        count=1,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sheet.xml")
        with open(path, "wb") as out:
            out.write(head)
            _write_chunks(out, body.rows(ws))
            out.write(b"</sheetData>" + tail)
        writer._archive.write(path, ws.path[1:])
    writer.manifest.append(ws)


def _write_chunks(out: IO[bytes], pieces: Iterable[str], size: int = 2000) -> None:
    """The pieces, as openpyxl writes its XML: ASCII, any other character as a character reference."""
    chunk: list[str] = []
    for piece in pieces:
        chunk.append(piece)
        if len(chunk) >= size:
            out.write("".join(chunk).encode("ascii", "xmlcharrefreplace"))
            chunk.clear()
    out.write("".join(chunk).encode("ascii", "xmlcharrefreplace"))


class _StableZip(zipfile.ZipFile):
    """The zip an Office file is written into, the same every run (as `stable_zip` makes it):
    entries at the zip epoch, compressed; the core properties' modified time `stamp`."""

    def __init__(self, out: IO[bytes], stamp: dt.datetime) -> None:
        super().__init__(out, "w", zipfile.ZIP_DEFLATED)
        self.stamp = stamp

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        body = data.encode("utf-8") if isinstance(data, str) else data
        super().writestr(_fixed(name), _core_stamped(name, body, self.stamp))

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        info = _fixed(str(arcname))
        info.file_size = os.path.getsize(filename)  # as `writestr` sets it: the same header, zip64 if it takes it
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _fixed(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _core_stamped(name: str, body: bytes, stamp: dt.datetime) -> bytes:
    """docProps/core.xml with its modified time `stamp` (openpyxl and python-docx stamp the save time)."""
    if name != "docProps/core.xml":
        return body
    return re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
        rb"\g<1>" + stamp.isoformat().encode() + rb"Z\g<2>",
        body,
    )


def stable_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """An Office file (a zip) rewritten so it is the same every run: entries at the zip epoch, the
    core properties' modified time `stamp` (openpyxl stamps the save time there). XLSX and DOCX."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, _StableZip(out, stamp) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- a row of a streamed sheet


class RowsXml:
    """The rows of a streamed sheet as openpyxl writes them. A cell's style is that of its value's
    `look` (`style(look)`, a style record), its id taken when the look is first met, as openpyxl
    takes it; the XML of a value (and its style) is made once and reused (a column of outcomes
    holds a few texts in 100,000 rows), at most `KEEP` of them kept at a time."""

    KEEP = 50_000

    def __init__(self, ws: Any, look: Callable[[Any], Hashable], style: Callable[[Any], Any]) -> None:
        self.styles = ws.parent._cell_styles
        self.look = look
        self.style = style
        self.ids: dict[Hashable, int] = {}  # a look → its style id
        self.made: dict[Any, str] = {}  # a text, or (type, value) → its cell's XML after the reference

    def row(self, row: int, columns: list[str], values: Iterable[Any], height: float | None = None) -> str:
        """Row number `row`: its height if set, each value in the column of that letter."""
        from openpyxl.compat import safe_string

        made = self.made
        parts = [f'<row r="{row}" ht="{safe_string(height)}" customHeight="1">' if height else f'<row r="{row}">']
        for col, value in zip(columns, values, strict=False):
            key = value if type(value) is str else (type(value), value)
            tail = made.get(key)
            if tail is None:
                tail = self._made(key, value)
            parts.append(f'<c r="{col}{row}" {tail}')
        parts.append("</row>")
        return "".join(parts)

    def _made(self, key: Any, value: Any) -> str:
        if len(self.made) >= self.KEEP:
            self.made.clear()
        look = self.look(value)
        sid = self.ids.get(look)
        if sid is None:
            sid = self.ids[look] = self.styles.add(self.style(look))
        tail = self.made[key] = f's="{sid}" {_value_xml(value)}'
        return tail


def _value_xml(value: Any) -> str:
    """A cell's type and content, as openpyxl writes the value `put` sets."""
    from openpyxl.compat import safe_string

    if isinstance(value, str):
        return _text_xml(value)
    if value is None:
        return 't="n"></c>'
    if isinstance(value, int | float):  # bool too
        return f't="{"b" if isinstance(value, bool) else "n"}"><v>{safe_string(value)}</v></c>'
    raise TypeError(f"a streamed cell holds a text or a number, not {type(value).__name__}")


def _text_xml(value: str) -> str:
    """A text cell's type and content, as openpyxl writes the text `put` sets."""
    text = visible(value)[:32767]
    if not text:
        return 't="inlineStr"></c>'
    if text in ERROR_CODES:  # openpyxl takes such a text ("#N/A") for an error value
        return f't="e"><v>{text}</v></c>'
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f't="inlineStr"><is><t{space}>{text}</t></is></c>'


# ---------------------------------------------------------------- printing on A4 (issue 23.6)

# Every width below is in a spreadsheet's column units: one digit of the workbook's default font.
# `a4_workbook` makes that font Times New Roman 12 pt, whose digit is 8 px at 96 dpi (Liberation
# Serif, its metric twin, in LibreOffice): a column of width w prints 6.02·w pt wide at 100 %
# (measured with LibreOffice; the padding of a cell is inside it). Calibri 11, openpyxl's default,
# gives ~7 pt where Calibri is missing and ~5.3 where it is there: a layout could not be computed.
PT_PER_UNIT = 6.02
A4_MM = (210.0, 297.0)
MARGINS_MM = {"left": 30.0, "right": 15.0, "top": 20.0, "bottom": 20.0}  # Decree 30/2020, Phụ lục I
TEXT_PT = 12.0  # the smallest text of a report's sheets (its cells, its page footer)
SMALLEST_PT = 9.0  # the smallest printed text allowed: fit to the page only where it stays this large
SAFETY = 1.04  # the width model's error, measured under 1 %: fit only with 4 % to spare
SPLIT_SCALE = 85  # a sheet too wide to fit: printed at 85 % (10.2 pt), its columns over several pages


# Money as the reader writes it whatever the computer's regional settings (`#,##0` shows the
# computer's separator: 2,980,000 on most): the group marks (engine.common.fmt) are literals of the
# format. A format holds two conditions and a default, so a value of a billion đồng or more takes
# the second format.
def money_formats(lang: str = "vi") -> tuple[str, str]:
    """The number formats that show đồng as 1.490.000 (vi) or 1,490,000 (en): under a billion, and from one."""
    g = f'"{fmt.group_mark(lang)}"'
    return f"[<1000]0;[<1000000]0{g}000;0{g}000{g}000", f"0{g}000{g}000{g}000"


MONEY, MONEY_BILLIONS = money_formats("vi")


def money_format(value: float, lang: str = "vi") -> str:
    """The number format that shows `value` đồng as the reader writes it (1.490.000 in Vietnamese)."""
    under, billions = money_formats(lang)
    return under if abs(value) < 1_000_000_000 else billions


def a4_workbook() -> Workbook:
    """A new workbook whose default font (the width unit of its columns, the font of an empty
    cell) is Times New Roman 12 pt, the font of its texts."""
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    wb = Workbook()
    wb._fonts = IndexedList([Font(name="Times New Roman", sz=TEXT_PT, family=1)])
    wb._named_styles["Normal"].font = Font(name="Times New Roman", sz=TEXT_PT, family=1)
    return wb


def printable_width_pt(landscape: bool) -> float:
    """The width inside the margins of an A4 page, in points."""
    width_mm = A4_MM[1] if landscape else A4_MM[0]
    return (width_mm - MARGINS_MM["left"] - MARGINS_MM["right"]) * 72 / 25.4


def fit_scale(widths: list[float], landscape: bool) -> float:
    """The scale at which columns of these widths fill the page's width (over 1: they fit as they are)."""
    return printable_width_pt(landscape) / (sum(widths) * PT_PER_UNIT * SAFETY)


def column_pages(widths: list[float], title_cols: int, scale: float) -> list[int]:
    """Where to break a sheet too wide for one page: the first column (1-based) of each page after
    the first, each page holding the `title_cols` first columns (repeated) and as many others as fit."""
    room = printable_width_pt(True) / (scale * PT_PER_UNIT * SAFETY) - sum(widths[:title_cols])
    breaks: list[int] = []
    used = 0.0
    for i, w in enumerate(widths[title_cols:], title_cols + 1):
        if used and used + w > room:
            breaks.append(i)
            used = 0.0
        used += w
    return breaks


def print_on_a4(ws: Any, widths: list[float], title_rows: str, title_cols: int) -> str:
    """Set a sheet to print on A4 legibly (text ≥ SMALLEST_PT): portrait if its columns fit the
    page's width there with the text that large, else landscape; if they fit neither, printed at
    SPLIT_SCALE with its columns over several pages, its `title_cols` first columns (the number,
    the id, the name) repeated on each. `title_rows` (e.g. "4:4") repeat at the top of every page.
    Margins of Decree 30; the page number at the foot. Returns how: "portrait", "landscape" or "split"."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break
    from openpyxl.worksheet.properties import PageSetupProperties

    least = SMALLEST_PT / TEXT_PT
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left, ws.page_margins.right = MARGINS_MM["left"] / 25.4, MARGINS_MM["right"] / 25.4
    ws.page_margins.top, ws.page_margins.bottom = MARGINS_MM["top"] / 25.4, MARGINS_MM["bottom"] / 25.4
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.center.font = "Times New Roman,Regular"
    ws.oddFooter.center.size = int(TEXT_PT)
    ws.print_title_rows = title_rows
    how = next((o for o in ("portrait", "landscape") if fit_scale(widths, o == "landscape") >= least), "split")
    if how != "split":
        ws.page_setup.orientation = how
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as it takes, never wider than one
        return how
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    ws.page_setup.scale = SPLIT_SCALE
    if title_cols:
        ws.print_title_cols = f"A:{get_column_letter(title_cols)}"
    for first in column_pages(widths, title_cols, SPLIT_SCALE / 100):
        ws.col_breaks.append(Break(id=first - 1))  # a break after column `first - 1`
    return how
