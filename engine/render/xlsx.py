"""Writing workbooks (openpyxl) and other Office zips safely and reproducibly.

Two things openpyxl does not do on its own: a text beginning with `=`, `+`, `-` or `@` must stay
text (never become a formula when a name is written into a cell), and the same workbook must
give the same bytes every time (no creation time in the properties or in the zip entries).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook

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


def workbook_bytes(wb: Workbook, when: dt.date) -> bytes:
    """The workbook as .xlsx bytes, identical run to run: times are `when` or the zip epoch."""
    stamp = dt.datetime(when.year, when.month, when.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "thidua"
    wb.properties.lastModifiedBy = "thidua"
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    # what `wb.save` does, into a zip that stores its parts: `stable_zip` compresses them, once
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True)).save()
    return stable_zip(raw.getvalue(), stamp)


def stable_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """An Office file (a zip) rewritten so it is the same every run: entries at the zip epoch, the
    core properties' modified time `stamp` (openpyxl stamps the save time there). XLSX and DOCX."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.isoformat().encode() + rb"Z\g<2>",
                    body,
                )
            dst.writestr(fixed, body)
    return out.getvalue()
