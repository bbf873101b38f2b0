"""Many rows into a Word table at once: each cell as python-docx writes it, without its slow path.

python-docx finds a row's cells by walking the whole table (`table.rows[r]` lists every row,
`row.cells` lays out every cell of the table), so writing a table cell by cell costs time in the
square of its rows: the 10,000-candidate Word report spent 4 minutes there (issue 23.7). Here a
row is written once as python-docx would write it — by the caller's own `write(cell, text,
look)`, the function that dresses a cell — and every other row of the same looks is a copy of it
with its texts put in: one `deepcopy` a row and no walk of the table. The result is the same XML
(tests/test_docx_rows.py compares the two on texts with spaces, tabs, line breaks and markup).

What is copied: per column and look, the cell `write` made from a placeholder text, when that
text landed in exactly one `w:t` (else the cell is written by `write` itself, each time). A text
python-docx would not put in one plain `w:t` as it is — empty, with a tab or line break, or with
spaces at either end (`xml:space="preserve"`) — is written by `write` itself, each time, too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from copy import deepcopy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.table import Table, _Cell

Write = Callable[["_Cell", str, Hashable], None]  # (cell, text, look): dress one cell as it should read
_PLACEHOLDER = "\ue000"  # a private-use character: no text of a report holds it
_SPECIAL = frozenset("\t\r\n" + _PLACEHOLDER)


class RowWriter:
    """Appends rows to `table`, whose last row is a blank row as the table was made (its cells'
    widths and properties): that row is taken out and serves as the pattern of every row."""

    def __init__(self, table: Table, write: Write) -> None:
        from docx.oxml.ns import qn

        self._table = table
        self._write = write
        tbl = table._tbl
        self._blank = tbl.tr_lst[-1]
        tbl.remove(self._blank)
        self._tbl = tbl
        self._t = qn("w:t")
        self._cells: dict[tuple[int, Hashable], Any] = {}  # (column, look) → a cell with the placeholder, or None
        self._rows: dict[tuple[Hashable, ...], tuple[Any, list[tuple[int, int]]]] = {}  # looks → (a row, its w:t slots)

    def add(self, texts: Sequence[str], looks: Sequence[Hashable]) -> None:
        """One row: `texts[i]` written in column i with `looks[i]` (what `write` is told)."""
        plain = [bool(t) and _SPECIAL.isdisjoint(t) and t == t.strip() for t in texts]
        key = tuple((look, ok) for look, ok in zip(looks, plain, strict=True))
        pattern = self._rows.get(key)
        if pattern is None:
            pattern = self._rows[key] = self._pattern(looks, plain)
        tr, slots = pattern
        row = deepcopy(tr)
        if slots:
            ts = list(row.iter(self._t))
            for col, i in slots:
                ts[i].text = texts[col]
        self._tbl.append(row)
        for col, ok in enumerate(plain):
            if not ok or self._cell(col, looks[col]) is None:
                self._write(self._new_cell(row, col), texts[col], looks[col])

    def _pattern(self, looks: Sequence[Hashable], plain: Sequence[bool]) -> tuple[Any, list[tuple[int, int]]]:
        """A row whose plain cells are copies of their placeholder cell, the others blank; and
        where each placeholder is: (column, its place among the row's `w:t`)."""
        tr = deepcopy(self._blank)
        tcs = tr.tc_lst
        held: list[tuple[int, Any]] = []
        for col, (look, ok) in enumerate(zip(looks, plain, strict=True)):
            cell = self._cell(col, look) if ok else None
            if cell is None:
                continue
            copy = deepcopy(cell)
            tr.replace(tcs[col], copy)
            held.append((col, next(copy.iter(self._t))))
        place = {id(t): i for i, t in enumerate(tr.iter(self._t))}
        return tr, [(col, place[id(t)]) for col, t in held]

    def _cell(self, col: int, look: Hashable) -> Any:
        """The cell `write` makes of the placeholder in this column and look; None if it does not
        land in exactly one `w:t` holding just it (then every such cell is written by `write`)."""
        key = (col, look)
        if key not in self._cells:
            from lxml import etree

            tc = deepcopy(self._blank.tc_lst[col])
            from docx.table import _Cell

            self._write(_Cell(tc, self._table), _PLACEHOLDER, look)
            ts = list(tc.iter(self._t))
            once = etree.tostring(tc, encoding="unicode").count(_PLACEHOLDER) == 1  # (python-docx's `.text` of
            # a paragraph or run is its runs' text: the markup is what is counted)
            one = once and len(ts) == 1 and ts[0].text == _PLACEHOLDER
            self._cells[key] = tc if one else None
        return self._cells[key]

    def _new_cell(self, tr: Any, col: int) -> _Cell:
        from docx.table import _Cell

        return _Cell(tr.tc_lst[col], self._table)
