"""The Word tables written a row at a time (engine/render/docx_rows.py) are the XML python-docx's
own cell-by-cell path writes, and stay fast (issue 23.7).

Every text a cell can hold is tried: plain, empty, spaces at either end, tabs and line breaks
(python-docx turns them into `w:tab` and `w:br`), markup characters, a private-use character.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any

import pytest

from engine.render import report_docx as rd
from engine.render.docx_rows import RowWriter

TEXTS = ["1", "Nguyễn Văn An", "", " leading", "trailing ", "a\tb", "line\nbreak", "a\r\nb", "<&>\"'", "\ue000x", "  "]


def _write(cell: Any, text: str, look: Hashable) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    assert isinstance(look, tuple)
    col, strong = look
    rd._cell(cell, text, bold=strong, center=col == 0)
    if col == 2:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _rows() -> list[tuple[list[str], list[Hashable]]]:
    rows: list[tuple[list[str], list[Hashable]]] = []
    for i, a in enumerate(TEXTS):
        for b in TEXTS[i % 3 :: 3]:
            strong = (i + len(b)) % 4 == 0
            rows.append(([a, b, TEXTS[(i + 2) % len(TEXTS)]], [(c, strong) for c in range(3)]))
    return rows


def _table_xml(fast: bool, rows: list[tuple[list[str], list[Hashable]]]) -> bytes:
    import docx
    from lxml import etree

    doc = docx.Document()
    if fast:
        t = rd._table(doc, 2, 3, borders=True, widths=(10, 40, 20))
        writer = RowWriter(t, _write)
        for texts, looks in rows:
            writer.add(texts, looks)
    else:  # python-docx's own way: a table of all its rows, each cell found and written
        t = rd._table(doc, 1 + len(rows), 3, borders=True, widths=(10, 40, 20))
        for r, (texts, looks) in enumerate(rows, 1):
            for c, (text, look) in enumerate(zip(texts, looks, strict=True)):
                _write(t.rows[r].cells[c], text, look)
    out: bytes = etree.tostring(t._tbl, encoding="utf-8")
    return out


def test_the_rows_are_what_python_docx_writes_cell_by_cell() -> None:
    rows = _rows()
    assert len(rows) > 30
    fast, slow = _table_xml(True, rows), _table_xml(False, rows)
    assert fast.count(b"<w:tr>") == 1 + len(rows)  # a blank first row (the header), then the rows
    assert b"<w:tab/>" in fast and b"<w:br/>" in fast and b'xml:space="preserve"' in fast and b"&lt;&amp;&gt;" in fast
    assert fast == slow


def test_a_look_whose_cell_is_not_one_text_is_written_each_time() -> None:
    """A `write` that puts the text twice (or not at all) is never copied: each cell is written by it."""
    import docx

    calls: list[str] = []

    def twice(cell: Any, text: str, look: Hashable) -> None:
        calls.append(text)
        rd._cell(cell, text + text)

    t = rd._table(docx.Document(), 2, 1, borders=True, widths=(20,))
    writer = RowWriter(t, twice)
    for text in ("a", "b", "c"):
        writer.add([text], [0])
    assert [c.text for r in t.rows for c in r.cells] == ["", "aa", "bb", "cc"]
    assert calls[-3:] == ["a", "b", "c"]


@pytest.mark.parametrize("n", [2000])
def test_rows_cost_the_same_however_long_the_table(n: int) -> None:
    """Linear, not the square of the rows: the second thousand costs about what the first did."""
    import docx

    t = rd._table(docx.Document(), 2, 3, borders=True, widths=(10, 40, 20))
    writer = RowWriter(t, _write)
    looks: list[Hashable] = [(c, False) for c in range(3)]
    took = []
    for half in range(2):
        start = time.perf_counter()
        for i in range(n // 2):
            writer.add([str(i), f"Cán bộ {half} {i}", "1.490.000"], looks)
        took.append(time.perf_counter() - start)
    assert len(t._tbl.tr_lst) == n + 1
    assert took[1] < 3 * took[0] + 0.05, took
