"""The one table writer: rich's table layout, written as plain text a row at a time.

Every table thidua prints (the verdicts of `evaluate`, the award lists) goes through `print_grid`.
It lays a table out as rich's `Table` does — the same column widths, padding, box lines, title,
wrapping and folding, so a table reads as it always has — without building rich's per-cell
objects, which cost ~0.45 ms a row (a 100,000-candidate table took 90 s).

How: rich measures a cell as (its longest word, its widest line), and a column's width depends
only on the largest of each. `grid` finds those two cells of every column and lets rich's own
`Table`, given the header and just those cells, decide the widths. Each cell is then written at
its width: one that fits on its line is padded (its width measured by `rich.cells.cell_len`, as
rich measures it); one that must wrap or fold, or holds line breaks, tabs or control codes, is
rendered by rich itself. Colour, on a terminal, is a style per row, printed by rich.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.cells import cell_len

from engine.common.text import UNSEEN, visible

if TYPE_CHECKING:
    from rich.box import Box
    from rich.console import Console

Justify = Literal["left", "right"]
Line = tuple[str, str | None]  # a line as printed, and its style (None: none)

# What rich does not print as written: line breaks (str.splitlines' and rich's own), tabs
# (expanded), the control codes rich's Text strips. A cell holding any of them goes through rich.
_SPECIAL = frozenset("\n\r\t\x07\x08\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_PAD = 1  # rich's default cell padding (0, 1): a space either side


@dataclass(frozen=True)
class Col:
    """A column, with the options of rich's `Table.add_column` that thidua uses."""

    header: str
    justify: Justify = "left"
    no_wrap: bool = False
    min_width: int | None = None
    overflow: Literal["fold", "ellipsis"] = "fold"
    own: bool = False  # each row's own text (a number, an id, a name): measured as it comes, not remembered


def print_grid(
    console: Console,
    title: str,
    columns: Sequence[Col],
    rows: Sequence[Sequence[str]],
    box: Box,
    *,
    title_justify: Literal["left", "center"] = "center",
    styles: Sequence[str | None] | None = None,
) -> None:
    """Print the table on `console` as `console.print(Table(…))` would; `styles`, one per row,
    colour the rows on a console with colour."""
    color = console.color_system is not None
    out = console.file
    for text, style in grid(console, title, columns, rows, box, title_justify=title_justify, styles=styles):
        if color:
            console.print(text, style=style, markup=False, highlight=False, soft_wrap=True, crop=False)
        else:
            out.write(text + "\n")


def grid(
    console: Console,
    title: str,
    columns: Sequence[Col],
    rows: Sequence[Sequence[str]],
    box: Box,
    *,
    title_justify: Literal["left", "center"] = "center",
    styles: Sequence[str | None] | None = None,
) -> Iterator[Line]:
    """The table's lines — title, box lines, header, rows — each as wide as rich makes it."""
    from rich.segment import Segment
    from rich.text import Text

    # a value read from a file is laid out as it will be shown (`visible`: a control character as
    # its escape), so the escape is measured with the rest of the cell
    if UNSEEN.search("\n".join("\n".join(row) for row in rows) + title):
        rows = [[visible(cell) for cell in row] for row in rows]
        title = visible(title)
    cells = _Cells(console, columns)
    widths, extra = cells.widths(title, rows, box)
    table_width = sum(widths) + extra
    b = box.substitute(console.options, safe=True)
    crop = table_width > console.width  # rich's print crops every line at the console's width

    def lines() -> Iterator[Line]:
        if title:
            for wrapped in Text(title).wrap(console, table_width, justify=title_justify, overflow="fold"):
                yield wrapped.plain, "table.title"
        yield b.get_top(widths), None
        header = [c.header for c in columns]
        for line in cells.row(header, widths, (b.head_left, b.head_vertical, b.head_right), header=True):
            yield line, "table.header"
        yield b.get_row(widths, "head", edge=True), None
        mid, foot = (b.mid_left, b.mid_vertical, b.mid_right), (b.foot_left, b.foot_vertical, b.foot_right)
        last = len(rows) - 1
        for i, row in enumerate(rows):
            style = styles[i] if styles is not None else None
            for line in cells.row(row, widths, foot if i == last else mid):
                yield line, style
        yield b.get_bottom(widths), None

    for text, style in lines():
        if crop and cell_len(text) > console.width:
            text = "".join(s.text for s in Segment.adjust_line_length([Segment(text)], console.width, pad=False))
        yield text, style


class _Width(dict[str, int]):
    """rich's `cell_len` of each text met, measured once: a table measures its texts, then writes
    them. A text of characters rich gives one cell each (`get_character_cell_size`, asked once a
    character) is as wide as it is long; any other goes to `cell_len` itself."""

    def __init__(self) -> None:
        super().__init__()
        self.narrow: dict[int, None] = {}  # characters of one cell, as a table deleting them

    def __missing__(self, text: str) -> int:
        n = self[text] = self.measure(text)
        return n

    def measure(self, text: str) -> int:
        """The width of `text`, not remembered (a text no other cell repeats)."""
        if text.isascii() and text.isprintable():  # a number, most ids: a cell a character
            return len(text)
        rest = text.translate(self.narrow)
        if rest:
            from rich.cells import get_character_cell_size

            for ch in set(rest):
                if get_character_cell_size(ch) == 1:
                    self.narrow[ord(ch)] = None
            rest = rest.translate(self.narrow)
        return len(text) if not rest else cell_len(text)


class _Cells:
    """Measures and writes the cells of one table's columns."""

    def __init__(self, console: Console, columns: Sequence[Col]):
        self.console = console
        self.columns = columns
        self.width = _Width()
        self.special: set[str] = set()  # the texts rich does not print as written (`_SPECIAL`)
        self.wrapped: dict[tuple[int, str], list[str]] = {}  # by column and text: reasons repeat
        self.padded: dict[tuple[int, str, int], str] = {}  # a cell that fits, by column, text and width
        self.blocks: dict[tuple[object, ...], list[str]] = {}  # a run of repeated texts' lines (`row`)
        self.blanks: dict[str, list[str]] = {}  # per divider: each run's blank line
        self.runs: list[tuple[int, int, bool]] = []  # (start, end, own): runs of own or repeated texts
        start = 0
        for own, run in itertools.groupby(columns, key=lambda col: col.own):
            end = start + len(list(run))
            self.runs.append((start, end, own))
            start = end

    def widths(self, title: str, rows: Sequence[Sequence[str]], box: Box) -> tuple[list[int], int]:
        """Each column's width (its padding included) and the width of the edges and dividers:
        rich's `Table` of the header and, of each column, the cell with the widest line and the
        cell with the longest word — which measure the column as all its cells do."""
        from rich.measure import Measurement
        from rich.table import Table
        from rich.text import Text

        console, width, n = self.console, self.width, len(self.columns)
        widest: list[tuple[int, str]] = [(-1, "")] * n
        longest: list[tuple[int, str]] = [(-1, "")] * n
        seen: list[set[str]] = [set() for _ in range(n)]  # a text measures alike each time: once a column
        own = [col.own for col in self.columns]
        for row in rows:
            for c, text in enumerate(row):
                if not own[c]:  # a repeated text measures alike each time
                    if text in seen[c]:
                        continue
                    seen[c].add(text)
                if _SPECIAL.isdisjoint(text):  # rich: (the longest word, the widest line)
                    hi = width.measure(text) if own[c] else width[text]
                    words = text.split()
                    lo = max(map(width.__getitem__, words)) if words else hi
                else:
                    self.special.add(text)
                    lo, hi = Measurement.get(console, console.options, Text(text))
                if hi > widest[c][0]:
                    widest[c] = (hi, text)
                if lo > longest[c][0]:
                    longest[c] = (lo, text)
        tab = Table(title=title, box=box)
        for col in self.columns:
            tab.add_column(
                col.header, justify=col.justify, no_wrap=col.no_wrap, min_width=col.min_width, overflow=col.overflow
            )
        if rows:
            tab.add_row(*(text for _, text in widest))
            tab.add_row(*(text for _, text in longest))
        extra = tab._extra_width
        options = console.options
        return tab._calculate_column_widths(console, options.update_width(options.max_width - extra)), extra

    def row(
        self, row: Sequence[str], widths: Sequence[int], edges: tuple[str, str, str], header: bool = False
    ) -> list[str]:
        """One row's lines: its cells side by side, the shorter padded below (a header's above).
        The columns go in runs (`runs`): a run of a row's own texts is written as it comes; a run of
        texts rows repeat (a group, a verdict, a reason) is written once per texts, as a block of
        lines each its cells joined, and the block reused."""
        left, vertical, right = edges
        blocks: list[list[str]] = []
        for start, end, own in self.runs:
            if own and not header:
                block = self._own(row, widths, start, end, vertical)
            elif header:
                block = self._block(row, widths, start, end, vertical, header)
            else:
                key = (start, vertical, *row[start:end])
                kept = self.blocks.get(key)
                if kept is None:
                    kept = self._block(row, widths, start, end, vertical, header)
                    if len(self.blocks) < KEPT:
                        self.blocks[key] = kept
                block = kept
            blocks.append(block)
        if len(blocks) == 1:
            return [left + line + right for line in blocks[0]]
        if all(len(block) == 1 for block in blocks):
            return [left + vertical.join(block[0] for block in blocks) + right]
        blank = self.blanks.get(vertical)
        if blank is None:
            blank = self.blanks[vertical] = [
                vertical.join(" " * w for w in widths[start:end]) for start, end, _ in self.runs
            ]
        return [left + line + right for line in _side_by_side(blocks, blank, vertical, header)]

    def _block(
        self, row: Sequence[str], widths: Sequence[int], start: int, end: int, vertical: str, header: bool
    ) -> list[str]:
        """The lines of the cells `start` to `end` of a row, side by side."""
        cells = [self._cell(c, row[c], widths[c], header) for c in range(start, end)]
        return _side_by_side(cells, [" " * w for w in widths[start:end]], vertical, header)

    def _own(self, row: Sequence[str], widths: Sequence[int], start: int, end: int, vertical: str) -> list[str]:
        """A run of a row's own cells: `_block`'s lines, on one line when each fits (most do)."""
        one = []
        for c in range(start, end):
            cell = self._fitted(c, row[c], widths[c], True)
            if cell is None:
                return self._block(row, widths, start, end, vertical, False)
            one.append(cell)
        return [vertical.join(one)]

    def _cell(self, c: int, text: str, w: int, header: bool) -> list[str]:
        """A cell's lines, as wide as its column: one, padded, if it fits; else wrapped or folded.
        A row's own text (`Col.own`) is not remembered; any other is, by column and text."""
        own = self.columns[c].own and not header
        if own:
            one = self._fitted(c, text, w, True)
            return [one] if one is not None else self._wrap(text, self.columns[c], w)
        one = self.padded.get((c, text, w))
        if one is not None:  # a cell met before in this column (a verdict, a reason)
            return [one]
        one = self._fitted(c, text, w, False)
        if one is not None:
            self.padded[(c, text, w)] = one
            return [one]
        lines = self.wrapped.get((c, text))
        if lines is None:
            lines = self.wrapped[(c, text)] = self._wrap(text, self.columns[c], w)
        return lines

    def _fitted(self, c: int, text: str, w: int, own: bool) -> str | None:
        """The cell on one line, padded to its column's width `w` as rich pads it, if it fits there;
        None when it must wrap or fold, or rich must write it (`special`). `own`: measured, not
        remembered."""
        inner = w - 2 * _PAD
        if text in self.special or inner < 1:
            return None
        measure = self.width.measure if own else self.width.__getitem__
        n = measure(text)
        if n > inner:
            return None
        if self.columns[c].justify == "right":
            shown = text.rstrip()  # as rich's right justification does
            return f" {' ' * (inner - (n if shown is text else measure(shown)))}{shown} "
        return f" {text}{' ' * (inner - n)} "

    def _wrap(self, text: str, col: Col, width: int) -> list[str]:
        """A cell that does not fit on one line, as rich writes it: wrapped or folded (`Text.wrap`)."""
        from rich.cells import set_cell_size
        from rich.padding import Padding
        from rich.text import Text

        console, inner = self.console, width - 2 * _PAD
        if inner < 1:  # a column narrower than its padding: rich's own Padding decides
            opts = console.options.update(
                width=width, justify=col.justify, no_wrap=col.no_wrap, overflow=col.overflow, height=None
            )
            return ["".join(s.text for s in line) for line in console.render_lines(Padding(text, (0, _PAD)), opts)]
        if text not in self.special and col.justify == "left" and not col.no_wrap and col.overflow == "fold":
            # what `Text.wrap` makes of one plain line, left-justified and folded: rich's own breaks
            # (`divide_line`), each piece cut or padded to the width — without a `Text` a piece
            from rich._wrap import divide_line

            cuts = divide_line(text, inner, fold=True)
            pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
            return [f" {set_cell_size(piece, inner)} " for piece in pieces]
        lines = Text(text).wrap(console, inner, justify=col.justify, overflow=col.overflow, no_wrap=col.no_wrap)
        return [f" {set_cell_size(line.plain, inner)} " for line in lines]


KEPT = 1 << 16  # blocks of lines remembered by one table: a table of all-different rows is not held twice


def _side_by_side(cells: list[list[str]], blanks: list[str], vertical: str, header: bool) -> list[str]:
    """Cells (each its lines) side by side, joined by `vertical`: the shorter filled with their
    `blanks` below — a header's above, as a header sits at the bottom of its row."""
    height = max(map(len, cells))
    if height == 1:
        return [vertical.join(cell[0] for cell in cells)]
    full = []
    for cell, blank in zip(cells, blanks, strict=True):
        if len(cell) < height:
            fill = [blank] * (height - len(cell))
            cell = fill + cell if header else cell + fill
        full.append(cell)
    return [vertical.join(cell[i] for cell in full) for i in range(height)]
