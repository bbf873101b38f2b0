"""What a workbook shows and hides, read from a worksheet's own XML (openpyxl's read-only mode,
which the table reader uses for speed, does not keep it).

A spreadsheet hides nothing from thidua (issue 13.5), and thidua says what it did with it:

- a hidden or very hidden **sheet** (other than the template's own helper sheets) is not read,
  with a warning naming it — it is a table the user put away, often last year's;
- hidden **rows** and **columns** of a sheet that is read are read, with a warning naming them —
  a filter or a collapsed group hides rows the user still means, and dropping them would drop
  candidates or facts without a word;
- a **merged** range holds its value in every cell it covers (filled across), as the user sees
  it, instead of a value in its first row and unknown in the next.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.common.errors import Problem
from engine.common.message import Msg, Text


@dataclass
class Layout:
    """The hidden rows and columns and the merged ranges of one worksheet (1-based numbers)."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col


def sheet_layout(archive: zipfile.ZipFile, part: str, file: str = "", sheet: str = "") -> Layout:
    """Stream a worksheet part (`xl/worksheets/sheet1.xml`) for its hidden rows, hidden columns and merges
    (each element released once seen: `engine.readers.xlsx_stream.released`)."""
    from engine.readers.xlsx_stream import local, released

    out = Layout()
    with archive.open(part.lstrip("/")) as f:
        for el in released(f, file, sheet):
            tag = local(el.tag)
            if tag == "row":
                if _on(el.get("hidden")) and (el.get("r") or "").isdigit():
                    out.hidden_rows.add(int(el.get("r") or 0))
            elif tag == "col" and _on(el.get("hidden")):
                lo, hi = int(el.get("min") or 0), int(el.get("max") or 0)
                out.hidden_cols.update(range(lo, min(hi, 16384) + 1))
            elif tag == "mergeCell":
                box = _range(el.get("ref") or "")
                if box is not None:
                    out.merged.append(box)
    return out


def _on(flag: str | None) -> bool:
    return flag in ("1", "true")


_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def _cell(ref: str) -> tuple[int, int] | None:
    m = _REF.fullmatch(ref.replace("$", "").upper())
    if m is None:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _range(ref: str) -> tuple[int, int, int, int] | None:
    first, _, last = ref.partition(":")
    a, b = _cell(first), _cell(last or first)
    if a is None or b is None:
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


def fill_merged(rows: list[list[Any]], merged: Iterable[tuple[int, int, int, int]], blank: Any) -> None:
    """Copy each merged range's first cell into every cell it covers, within the rows read.

    `rows[r - 1]` is row r's cells; a range reaching past the cells read is clipped to them (a
    range of a whole column cannot make a million rows), and short rows are padded with `blank()`."""
    width = max((len(r) for r in rows), default=0)
    for r0, c0, r1, c1 in merged:
        if r0 > len(rows) or c0 > len(rows[r0 - 1]):
            continue
        anchor = rows[r0 - 1][c0 - 1]
        for r in range(r0, min(r1, len(rows)) + 1):
            cells = rows[r - 1]
            for c in range(c0, min(c1, width) + 1):
                while len(cells) < c:
                    cells.append(blank())
                if (r, c) != (r0, c0):
                    cells[c - 1] = anchor


def hidden_warnings(
    file: str, sheet: str, layout: Layout, rows: list[list[Any]], filled: Any, col_letter: Any
) -> list[Problem]:
    """One warning per kind of hidden part of a sheet that is read and that holds a value
    (`filled(cell)`: it holds one; `col_letter(n)`: a column's name, as the table reader writes it)."""
    out = []
    rows_with_data = sorted(r for r in layout.hidden_rows if r <= len(rows) and any(filled(c) for c in rows[r - 1]))
    if rows_with_data:
        out.append(
            Problem(
                file,
                Msg("problem.facts_hidden_rows", sheet=sheet, rows=_spans(rows_with_data)),
                hint=Msg("problem.facts_hidden_rows_hint"),
                severity="warning",
            )
        )
    cols_with_data = sorted(
        c for c in layout.hidden_cols if any(c <= len(cells) and filled(cells[c - 1]) for cells in rows)
    )
    if cols_with_data:
        out.append(
            Problem(
                file,
                Msg("problem.facts_hidden_columns", sheet=sheet, columns=_spans(cols_with_data, col_letter)),
                hint=Msg("problem.facts_hidden_columns_hint"),
                severity="warning",
            )
        )
    return out


def hidden_sheet_warning(file: str, sheet: str, state: str) -> Problem:
    what = "very_hidden" if state == "veryHidden" else "hidden"
    return Problem(
        file,
        Msg(f"problem.facts_{what}_sheet", sheet=sheet),
        hint=Msg("problem.facts_hidden_sheet_hint"),
        severity="warning",
    )


def _spans(numbers: list[int], name: Any = str) -> Text:
    """`3, 5–7, 10` (at most ten spans shown, then how many more). Row numbers and column letters
    are written as the sheet shows them (no thousands separator)."""
    spans: list[tuple[int, int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], n)
        else:
            spans.append((n, n))
    shown = ", ".join(name(a) if a == b else f"{name(a)}–{name(b)}" for a, b in spans[:10])
    if len(spans) > 10:
        return Msg("problem.facts_spans_more", shown=shown, n=len(spans) - 10)
    return shown
