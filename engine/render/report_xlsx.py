"""The report as a print-ready workbook: the proposal, the ties and reserve, the exclusions, every verdict.

Reads only the documented `ReportContext` (the same object the HTML, Markdown and Word outputs
get), writes every text cell through `engine.render.xlsx.put` so a name such as `=HYPERLINK(…)`
stays text, and saves reproducibly. Each sheet prints on A4 with no text under 9 pt (`print_on_a4`):
fitted to the page's width, portrait or landscape, where its columns fit that way; else (the
verdicts, a column per rule) over several pages, the number, id and name repeated on each. Its
header rows repeat on every page, wrapped. Money is a number (đồng) shown as the reader writes it,
1.490.000 (1,490,000 in English), whatever the computer's regional settings (`money_format`).
The proposal sheet has a title, one list per award with its total, and the budget below; ties
for the council and the reserve have a sheet of their own, so the proposal holds only those
proposed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from copy import copy
from typing import Any

from engine.common.fmt import number
from engine.common.text import visible
from engine.render.output import FORMULA_START, looks_like_formula
from engine.render.report_model import ReportContext
from engine.render.xlsx import RowsXml, SheetBody, a4_workbook, money_format, print_on_a4, put, workbook_bytes


def report_workbook(ctx: ReportContext, when: dt.date) -> bytes:
    """The workbook: the proposal (with the budget), the ties and reserve, the exclusions, every
    verdict, and what it was made from — one sheet each."""
    book = _Book(ctx)
    _proposal_sheet(book)
    _ties_sheet(book)
    _excluded_sheet(book)
    _verdicts_sheet(book)
    _audit_sheet(book)
    return workbook_bytes(book.wb, when, book.bodies)


class _Book:
    """The workbook being written, its fonts and looks, and how a sheet, a header or a line is
    written: what every sheet's writer shares."""

    def __init__(self, ctx: ReportContext) -> None:
        from openpyxl.styles import Alignment, Border, Font, Side

        self.ctx = ctx
        self.L = ctx.labels
        self.wb = a4_workbook()
        first = self.wb.active
        assert first is not None
        self.wb.remove(first)
        self.font = Font(name="Times New Roman", size=12)
        self.bold = Font(name="Times New Roman", size=12, bold=True)
        self.title_font = Font(name="Times New Roman", size=14, bold=True)
        self.italic = Font(name="Times New Roman", size=12, italic=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.right = Alignment(vertical="top", horizontal="right")
        self.middle = Alignment(vertical="top", horizontal="center")
        thin = Side(style="thin")
        self.box = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.column_widths: dict[str, list[int]] = {}  # a sheet's column widths, in characters (by its title)
        c = ctx.campaign
        self.subtitle = self.L["xlsx_as_of"].format(
            as_of=ctx.as_of, document=c.document, dated=c.dated, issuer=c.issuer
        )
        self.looks: dict[tuple[str, bool], Any] = {}  # a look → the first cell given it
        self.dress_line: dict[tuple[bool, str, bool], Callable[[Any], None]] = {}
        self.bodies: dict[str, SheetBody] = {}  # the sheets' rows streamed as the workbook is saved

    def new_sheet(self, title: str, widths: list[int], header_row: int, title_cols: int = 2) -> Any:
        """A sheet of these column widths, set to print on A4 with its header row on every page
        (and, split over pages, its `title_cols` first columns)."""
        from openpyxl.utils import get_column_letter

        ws = self.wb.create_sheet(title[:31])
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        self.column_widths[ws.title] = widths
        print_on_a4(ws, [float(w) for w in widths], f"{header_row}:{header_row}", title_cols)
        ws.freeze_panes = f"A{header_row + 1}"
        return ws

    def title_rows(self, ws: Any, text: str, ncols: int) -> int:
        """The sheet's title and subtitle, merged across its columns; the next free row."""
        for r, (value, f) in enumerate(((text, self.title_font), (self.subtitle, self.italic)), 1):
            cell = put(ws.cell(row=r, column=1), value)
            cell.font = f
            cell.alignment = self.centre
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.row_dimensions[1].height = 36
        ws.row_dimensions[2].height = 30
        return 4

    def styled(self, cell: Any, look: str, dress: Callable[[Any], None]) -> None:
        """Give a cell a look (`dress` sets its font, alignment, box, number format). The cells
        of one look share one style record: the first is dressed, the others take a copy of its
        record, as openpyxl's own `copy_worksheet` copies styles — dressing each cell anew hashed
        every font, alignment and border again (80% of the time of a 10,000-candidate workbook).
        The workbook's styles come out the same, in the same order."""
        key = (look, bool(cell.quotePrefix))  # `put` may have marked the text as text
        first = self.looks.get(key)
        if first is not None:
            cell._style = copy(first._style)
            return
        dress(cell)
        self.looks[key] = cell

    def dress_header(self, cell: Any) -> None:
        cell.font = self.bold
        cell.alignment = self.centre
        cell.border = self.box

    def dresser(self, f: Any, money: str, number: bool) -> Callable[[Any], None]:
        def dress(cell: Any) -> None:
            cell.font = f
            cell.alignment = self.wrap
            cell.border = self.box
            if money:
                cell.number_format = money
                cell.alignment = self.right
            elif number:
                cell.alignment = self.middle

        return dress

    def header(self, ws: Any, row: int, headers: list[str]) -> None:
        for i, h in enumerate(headers, 1):
            self.styled(put(ws.cell(row=row, column=i), h), "header", self.dress_header)
        self.fit_height(ws, row, headers)  # a header wraps at its column's width

    def line(self, ws: Any, row: int, values: list[Any], money: tuple[int, ...] = (), strong: bool = False) -> None:
        for i, v in enumerate(values, 1):
            cell = put(ws.cell(row=row, column=i), v)
            fmt = money_format(v, self.ctx.lang) if i in money and isinstance(v, int | float) else ""
            look = (strong, fmt, not fmt and isinstance(v, int))
            self.styled(cell, f"line {look}", self.dress_of(look))
        self.fit_height(ws, row, values)

    def dress_of(self, look: tuple[bool, str, bool]) -> Callable[[Any], None]:
        dress = self.dress_line.get(look)
        if dress is None:
            dress = self.dress_line[look] = self.dresser(self.bold if look[0] else self.font, *look[1:])
        return dress

    def fit_height(self, ws: Any, row: int, values: list[Any], across: bool = False) -> None:
        """A row tall enough for its wrapped text (not every program fits rows on opening a file);
        `across`: one text in cells merged across the sheet's columns."""
        height = self.height(ws, values, across)
        if height is not None:
            ws.row_dimensions[row].height = height

    def height(self, ws: Any, values: list[Any], across: bool = False) -> float | None:
        """The height of a row of these values when one wraps (None: one line)."""
        widths = self.column_widths[ws.title]
        if across:
            widths = [sum(widths)]
        lines = 1
        for v, width in zip(values, widths, strict=False):
            text = v if isinstance(v, str) else str(v if v is not None else "")
            if len(text) > width:  # a shorter text is one line
                for part in text.split("\n"):
                    lines = max(lines, -(-len(part) // width))
        return 15.5 * min(lines, 25) if lines > 1 else None

    def merged_text(self, ws: Any, row: int, text: str, ncols: int, font: Any) -> Any:
        """One text in cells merged across the table, wrapped there (never wider than the page)."""
        cell = put(ws.cell(row=row, column=1), text)
        cell.font = font
        cell.alignment = self.wrap
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        return cell

    def table_sheet(
        self, title: str, headers: list[str], rows: list[list[Any]], widths: list[int], title_cols: int = 3
    ) -> None:
        """A sheet of a header and a line per row; the lines are streamed (`stream`)."""
        ws = self.new_sheet(title, widths, 1, title_cols)
        self.header(ws, 1, headers)
        self.stream(ws, 2, rows)

    def stream(self, ws: Any, first: int, rows: list[list[Any]]) -> None:
        """`rows` as `line` writes them from row `first` on, written only as the workbook is saved
        (engine.render.xlsx.SheetBody): each cell's look as `line` gives it. The looks are dressed
        in the order `line` meets them (a number's, a text's: the workbook's fonts, alignments and
        borders in the same order); a text kept as text (`put`) differs from another text only by
        its mark, no font or border of its own."""
        from openpyxl.utils import get_column_letter

        met: list[tuple[bool, bool]] = []
        for v in (v for values in rows for v in values):
            look = _look(v)
            if look[0] not in (m[0] for m in met):
                met.append(look)
                if len(met) == 2:
                    break
        for look in met:
            self.line_style(ws, look)
        letters = [get_column_letter(i) for i in range(1, max(map(len, rows), default=0) + 1)]

        def body(ws: Any) -> Iterator[str]:
            cells = RowsXml(ws, _look, lambda look: self.line_style(ws, look))
            for r, values in enumerate(rows, first):
                yield cells.row(r, letters, values, self.height(ws, values))

        self.bodies[ws.title] = SheetBody(body, first + len(rows) - 1, len(letters))

    def line_style(self, ws: Any, look: tuple[bool, bool]) -> Any:
        """The style record of a line's cell of this look (a number; a text kept as text), dressed
        when first asked for."""
        from openpyxl.cell.cell import Cell

        number, text = look
        key = f"line {(False, '', number)}"
        if (key, text) not in self.looks:
            self.styled(put(Cell(ws), "=" if text else 0 if number else ""), key, self.dress_of((False, "", number)))
        return self.looks[(key, text)]._style


def _look(v: Any) -> tuple[bool, bool]:
    """What a line's cell looks like by its value: a number (centred), a text kept as text (`put`)."""
    if isinstance(v, str):
        return False, v.startswith(FORMULA_START) and looks_like_formula(visible(v))
    return isinstance(v, int), False


def _proposal_sheet(book: _Book) -> None:
    """The proposal: only those proposed, one list per award, each with its total; the budget below."""
    ctx, L = book.ctx, book.L
    heads = [L["no"], L["person_or_unit"], L["position"], L["unit"], L["form"], L["amount"]]
    ws = book.new_sheet(L["sheet_awards"], [5, 30, 18, 26, 13, 14], 4)
    row = book.title_rows(ws, L["xlsx_title"].format(title=ctx.campaign.title), len(heads))
    book.header(ws, row, heads)
    row += 1
    lines = ctx.budget.lines if ctx.budget.available else []
    for i, a in enumerate(ctx.awards):
        if not a.selected:
            continue
        text = " — ".join(x for x in (a.form, a.authority, a.group, a.under) if x)
        book.merged_text(ws, row, text, len(heads), book.bold)
        book.fit_height(ws, row, [text], across=True)
        row += 1
        for s in a.selected:
            book.line(ws, row, [s.no, s.name, s.position, s.unit, a.form, s.amount_dong], (6,))
            row += 1
        if i < len(lines):
            total = f"{L['xlsx_total']} ({number(lines[i].count, ctx.lang)})"
            book.line(ws, row, ["", total, "", "", "", lines[i].subtotal_dong], (6,), True)
            row += 1
    _budget_block(book, ws, row + 1, len(heads))


def _budget_block(book: _Book, ws: Any, row: int, ncols: int) -> None:
    """The budget below the proposal: a line per award list shown, the total, and how it was priced."""
    L, b = book.L, book.ctx.budget
    put(ws.cell(row=row, column=1), L["sec_budget"]).font = book.bold
    row += 1
    if b.available:
        book.header(ws, row, [L["no"], L["award"], L["group"], L["count"], L["amount"], L["subtotal"]])
        row += 1
        for n, bl in enumerate((x for x in b.lines if x.shown), 1):
            form = f"{bl.form} — {bl.under}" if bl.under else bl.form
            book.line(ws, row, [n, form, bl.group, bl.count, bl.amount_dong, bl.subtotal_dong], (5, 6))
            row += 1
        book.line(ws, row, ["", L["budget_total"], "", "", "", b.total_dong], (6,), True)
        row += 1
        note = (
            f"{L['budget_decree']} {b.decree}; {L['budget_base']} {b.base_salary} {L['currency']} "
            f"({b.base_salary_source}) {L['budget_decision_date']} {b.decision_date}."
        )
        for said in (b.replacement, b.checked):
            if said:
                note += " " + said
        if not b.confirmed:
            note += " " + L["budget_unconfirmed"]
    else:
        note = f"{L['budget_unavailable']}: {b.error}" + (f" ({b.cited_decree})" if b.cited_decree else "")
    book.merged_text(ws, row, note, ncols, book.font)
    ws.row_dimensions[row].height = 45


def _ties_sheet(book: _Book) -> None:
    """Ties for the council, and the reserve: apart from the proposal."""
    ctx, L = book.ctx, book.L
    heads = [
        L["no"],
        L["person_or_unit"],
        L["position"],
        L["unit"],
        L["award"],
        L["group"],
        L["rank"],
        L["status"],
        L["reason"],
    ]
    ws = book.new_sheet(L["sheet_ties"], [5, 26, 16, 22, 14, 11, 6, 16, 34], 4)
    row = book.title_rows(ws, L["xlsx_ties_title"].format(title=ctx.campaign.title), len(heads))
    book.header(ws, row, heads)
    n = 0
    for a in ctx.awards:
        for status, rows, why in (("status_tie", a.ties, "keys"), ("status_reserve", a.reserve, "short_of")):
            for s in rows:
                n += 1
                row += 1
                book.line(ws, row, [n, s.name, s.position, s.unit, a.form, a.group, s.rank, L[status], getattr(s, why)])


def _excluded_sheet(book: _Book) -> None:
    L = book.L
    excluded = [
        [
            e.no,
            e.id,
            e.name,
            e.group,
            e.verdict_label,
            "; ".join(x.clause for x in e.reasons),
            "\n".join(f"{x.clause} — {x.label}: {x.reason} “{x.quote}”" for x in e.reasons),
        ]
        for e in book.ctx.excluded
    ]
    book.table_sheet(
        L["sheet_excluded"],
        [L["no"], L["id"], L["name"], L["group"], L["verdict"], L["clause"], L["reason"]],
        excluded,
        [5, 14, 26, 11, 16, 10, 70],
    )


def _verdicts_sheet(book: _Book) -> None:
    """Every verdict, a column per rule (its outcome)."""
    L, ctx = book.L, book.ctx
    rule_cols: dict[str, str] = {}
    for cand in ctx.candidates:
        for x in cand.rules:
            rule_cols.setdefault(x.id, f"{x.clause} {x.label} [{x.id}]")
    verdicts = []
    for cand in ctx.candidates:
        outcomes = {x.id: x.outcome_label for x in cand.rules}
        verdicts.append(
            [cand.no, cand.id, cand.name, cand.group, cand.kind_label, cand.verdict_label, cand.summary]
            + [outcomes.get(rid, "") for rid in rule_cols]
        )
    book.table_sheet(
        L["sheet_verdicts"],
        [L["no"], L["id"], L["name"], L["group"], L["kind"], L["verdict"], L["reason"], *rule_cols.values()],
        verdicts,
        [5, 14, 26, 11, 14, 16, 46] + [16] * len(rule_cols),
    )


def _audit_sheet(book: _Book) -> None:
    L, ctx, audit = book.L, book.ctx, book.ctx.audit
    book.table_sheet(
        L["sheet_audit"],
        [L["sec_audit"], ""],
        [
            [L["audit_version"], audit.version],
            [L["audit_campaign"], f"{audit.campaign} ({audit.campaign_file})"],
            [L["audit_sha"], audit.campaign_sha256],
            [L["audit_facts"], audit.facts_file],
            [L["audit_sha"], audit.facts_sha256],
            [L["audit_as_of"], audit.as_of],
            *([[L["round"], ctx.round]] if ctx.round else []),  # the round judged (a campaign judged every year)
            [L["audit_decision_date"], audit.decision_date],
            [L["audit_backend"], audit.backend],
            [L["audit_note"], ""],
        ],
        [30, 70],
        title_cols=0,
    )
