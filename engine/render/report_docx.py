"""The Word document: the Tờ trình đề nghị khen thưởng and the Danh sách attached to it (python-docx).

Made from the one `ReportContext` the HTML reads (nothing is recomputed here: counts are the
lengths of its lists, money its formatted amounts). Layout of Decree 30/2020/NĐ-CP: A4 portrait,
margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 13 pt; the head as a
borderless two-column table (governing body and issuing office over the number; Quốc hiệu,
Tiêu ngữ, place and date); the page number centred at the top from page 2. The Danh sách
(STT, họ tên / tên tập thể, chức vụ, đơn vị, hình thức, số tiền) starts on a new page; the ties
for the council and the reserve each on a page of their own. The file is an ordinary editable
document: the office fills in the number and date and signs. Same inputs, same bytes: the core
properties' dates are the evaluation date, and the zip entries carry no time.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from engine.common.fmt import number
from engine.render.profile import is_self
from engine.render.report_model import AwardBlock, AwardRow, ReportContext
from engine.render.xlsx import stable_zip

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell

FONT = "Times New Roman"
SIZE = 13
HEAD_WIDTHS = (68, 97)  # mm: the head's two columns (office | Quốc hiệu, tiêu ngữ)
RULE_OFFICE, RULE_MOTTO = 24, 62  # mm: the short rules under the office's name and under the tiêu ngữ


def report_document(ctx: ReportContext, when: dt.date) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(SIZE)
    _all_scripts(style.element, FONT)
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(3)
    pf.line_spacing = 1.1

    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    sec.header_distance, sec.footer_distance = Mm(10), Mm(10)
    sec.different_first_page_header_footer = True
    _page_number(sec.header.paragraphs[0])

    _submission(doc, ctx)
    _page_break(doc)
    _award_list(doc, ctx)
    if any(a.ties for a in ctx.awards):
        _page_break(doc)
        _rows_page(doc, ctx, "ties")
    if any(a.reserve for a in ctx.awards):
        _page_break(doc)
        _rows_page(doc, ctx, "reserve")
    _page_break(doc)
    _annex(doc, ctx)

    L = ctx.labels
    props = doc.core_properties
    stamp = dt.datetime(when.year, when.month, when.day)
    props.title = f"{L['sub_kind']} — {ctx.campaign.title}"
    props.subject = ctx.campaign.title
    props.author = "thidua"
    props.last_modified_by = "thidua"
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.keywords = ""  # ids and hashes are the annex's, not hidden in the file (issue 23.4)
    props.comments = ""
    props.language = ctx.lang
    raw = io.BytesIO()
    doc.save(raw)
    return stable_zip(raw.getvalue(), stamp)


# ---------------------------------------------------------------- the Tờ trình


def _submission(doc: DocxDocument, ctx: ReportContext) -> None:
    L, h, c = ctx.labels, ctx.head, ctx.campaign
    head = _table(doc, 1, 2, borders=False, widths=HEAD_WIDTHS)
    left, right = head.cell(0, 0), head.cell(0, 1)
    first = True
    for line in h.governing:
        _para(left, line, size=12, center=True, first=first)
        first = False
    for line in h.office:
        _para(left, line, size=12, bold=True, center=True, first=first)
        first = False
    _rule(left, HEAD_WIDTHS[0], RULE_OFFICE)
    _para(left, h.number_submission, center=True)
    _para(right, L["national_name"], size=12, bold=True, center=True, first=True)
    _para(right, L["national_motto"], bold=True, center=True)
    _rule(right, HEAD_WIDTHS[1], RULE_MOTTO)
    _para(right, h.place_date, italic=True, center=True)

    _para(doc, "", size=6)
    _para(doc, L["sub_kind"], size=14, bold=True, center=True)
    _para(doc, L["sub_about"].format(title=_lower_first(c.title)), bold=True, center=True)
    if h.addressee:
        _para(doc, "", size=6)
        _para(doc, f"{L['addressee']}: {'; '.join(h.addressee)}.", center=True)
    _para(doc, "", size=6)
    addressee = "; ".join(h.addressee)
    body = [
        L["sub_basis_plan"].format(document=c.document, dated=c.dated, issuer=c.issuer, title=_lower_first(c.title)),
        L["sub_basis_review"].format(as_of=ctx.as_of),
        L["sub_propose"].format(office=h.office_name, addressee=addressee),
    ]
    for text in body:
        _para(doc, text, indent=True, justify=True)
    here = [a for a in ctx.awards if a.selected and a.proposed_here]
    others = [a for a in ctx.awards if a.selected and not a.proposed_here]
    for a in here:
        _sub_line(doc, L, a, ctx.lang)
    if others:
        _para(doc, L["sub_other"].format(office=h.office_name, addressee=addressee), indent=True, justify=True)
        for a in others:
            _sub_line(doc, L, a, ctx.lang)
    b = ctx.budget
    if b.available:
        money = L["sub_budget"].format(total=b.total, decree=b.decree, base=b.base_salary)
        if b.replacement:  # the law in force on the decision date, not the decree the plan cites
            money += " " + b.replacement
    else:
        money = L["sub_budget_unavailable"].format(error=b.error)
    _para(doc, money, indent=True, justify=True)
    ties = sum(len(a.ties) for a in ctx.awards)
    if ties:
        _para(doc, L["sub_ties"].format(count=number(ties, ctx.lang), decides=_decides(ctx)), indent=True, justify=True)
    reserve = sum(len(a.reserve) + a.reserve_more for a in ctx.awards)  # all of them; the list names the first
    if reserve:
        _para(doc, L["sub_reserve"].format(count=number(reserve, ctx.lang)), indent=True, justify=True)
    _para(doc, L["sub_attached"], indent=True, italic=True)
    close = _para(doc, L["sub_close"].format(office=h.office_name, addressee=addressee), indent=True, justify=True)
    close.paragraph_format.keep_with_next = True  # the last paragraph goes with the signature
    _para(doc, "", size=6).paragraph_format.keep_with_next = True
    _signature(doc, ctx)


def _sub_line(doc: DocxDocument, L: dict[str, str], a: AwardBlock, lang: str) -> None:
    group = f"{a.group} — {a.under}" if a.under else a.group
    text = L["sub_line"].format(form=a.form, authority=a.authority, group=group, count=number(len(a.selected), lang))
    _para(doc, "- " + text, indent=True, justify=True)


def _signature(doc: DocxDocument, ctx: ReportContext) -> None:
    L, h = ctx.labels, ctx.head
    sign = _table(doc, 1, 2, borders=False, widths=(80, 85))
    _keep_row(sign.rows[0])  # title and name on one page (Decree 30: the signature is one block)
    left, right = sign.cell(0, 0), sign.cell(0, 1)
    _para(left, f"{L['recipients']}:", size=12, bold=True, italic=True, first=True)
    for i, x in enumerate(h.recipients):
        _para(left, f"- {x}{'.' if i == len(h.recipients) - 1 else ';'}", size=11)
    first = True
    if h.sign_mode:
        _para(right, h.sign_mode, bold=True, center=True, first=True)
        first = False
    if h.sign_title:
        _para(right, h.sign_title, bold=True, center=True, first=first)
    for _ in range(4):
        _para(right, "")
    _para(right, h.sign_name, bold=True, center=True)
    for cell in (left, right):
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.keep_together = True


def _annex(doc: DocxDocument, ctx: ReportContext) -> None:
    """The audit trail, after Nơi nhận on a page of its own: what the document was made from."""
    L, a = ctx.labels, ctx.audit
    _para(doc, L["sec_annex"], size=13, bold=True, center=True)
    _para(doc, f"{L['annex_note']} {L['audit_note']}", size=11, italic=True, justify=True)
    for label, value in (
        (L["audit_version"], a.version),
        (L["audit_campaign"], f"{a.campaign} ({a.campaign_file}); {L['audit_sha']}: {a.campaign_sha256}"),
        (L["audit_facts"], f"{a.facts_file}; {L['audit_sha']}: {a.facts_sha256}"),
        (L["audit_as_of"], a.as_of),
        (L["audit_decision_date"], a.decision_date),
        (L["audit_backend"], a.backend),
    ):
        _para(doc, f"{label}: {value}", size=11)
    if a.ids:
        text = "; ".join(f"{x.name} — {x.id}" for x in a.ids)
        _para(doc, f"{L['audit_ids']}: {text}.", size=11, justify=True)
    if a.notes:
        _para(doc, L["audit_notes"], size=11, bold=True)
        for n in a.notes:
            _para(doc, f"{n.clause} — {n.label} ({n.id}): {n.note}", size=10, justify=True)


# ---------------------------------------------------------------- the Danh sách


def _award_list(doc: DocxDocument, ctx: ReportContext) -> None:
    L, h = ctx.labels, ctx.head
    _para(doc, L["list_title"], size=14, bold=True, center=True)
    _para(doc, L["list_attached"].format(number=h.submission_ref, office=h.office_name), italic=True, center=True)
    _para(doc, ctx.campaign.title, bold=True, center=True)
    lines = ctx.budget.lines if ctx.budget.available else []
    for i, a in enumerate(ctx.awards):
        _para(doc, "", size=6)
        _para(doc, _block_title(a), bold=True)
        if a.counted_elsewhere:
            _para(doc, a.counted_elsewhere, size=12, italic=True)
            if not a.selected:
                continue
        headers = [L["no"], L["person_or_unit"], L["position"], L["unit"], L["form"], L["amount"]]
        rows = [[str(s.no), s.name, s.position, s.unit, a.form, s.amount] for s in a.selected]
        total = None
        if i < len(lines) and a.selected:
            total = ["", f"{L['xlsx_total']} ({number(lines[i].count, ctx.lang)})", "", "", "", lines[i].subtotal]
        _list_table(doc, headers, rows, (13, 50, 24, 38, 20, 25), money_col=5, total=total, none=L["none"])
    if ctx.budget.available:
        _para(doc, "", size=6)
        _para(doc, f"{L['budget_total']}: {ctx.budget.total} {L['currency']}.", bold=True)


def _rows_page(doc: DocxDocument, ctx: ReportContext, which: str) -> None:
    L = ctx.labels
    _para(doc, L["ties_title" if which == "ties" else "reserve_title"], size=14, bold=True, center=True)
    _para(
        doc,
        L["list_attached"].format(number=ctx.head.submission_ref, office=ctx.head.office_name),
        italic=True,
        center=True,
    )
    if which == "ties":
        _para(doc, L["ties_note"].format(decides=_decides(ctx)), italic=True, center=True)
    for a in ctx.awards:
        rows: list[AwardRow] = a.ties if which == "ties" else a.reserve
        if not rows:
            continue
        _para(doc, "", size=6)
        title = _block_title(a)
        if which == "ties":  # one rank, one set of ranking values: printed once, above the tied
            title += f" ({L['slots_left']}: {number(a.slots_left, ctx.lang)}; {L['rank']}: {rows[0].rank})"
            _para(doc, title, bold=True)
            if rows[0].keys:
                _para(doc, f"{L['ranking_by']}: {rows[0].keys}", size=12, italic=True)
            headers = [L["no"], L["person_or_unit"], L["position"], L["unit"]]
            body = [[str(s.no), s.name, s.position, s.unit] for s in rows]
            _list_table(doc, headers, body, (13, 62, 40, 50), money_col=None, total=None, none=L["none"])
            continue
        _para(doc, title, bold=True)
        headers = [L["no"], L["person_or_unit"], L["position"], L["unit"], L["rank"], L["reason"]]
        body = [[str(s.no), s.name, s.position, s.unit, str(s.rank), s.short_of] for s in rows]
        _list_table(doc, headers, body, (13, 44, 22, 34, 13, 39), money_col=None, total=None, none=L["none"])
        if which == "reserve" and a.reserve_more:
            _para(doc, L["reserve_more"].format(count=number(a.reserve_more, ctx.lang)), size=12, italic=True)


def _decides(ctx: ReportContext) -> str:
    """Who decides a tie: the council; when the council itself writes (a commune), the authority it writes to."""
    council = ctx.labels["lh_council"]
    return "; ".join(ctx.head.addressee) if is_self(council, ctx.head.office_name) and ctx.head.addressee else council


def _block_title(a: AwardBlock) -> str:
    return " — ".join(x for x in (a.form, a.authority, a.group, a.under) if x)


# ---------------------------------------------------------------- building blocks


def _lower_first(text: str) -> str:
    """'Phong trào thi đua …' inside a sentence: 'phong trào thi đua …'; a name ('Ninh Thuận …') stays."""
    parts = text.split(maxsplit=2)
    if len(parts) < 2 or not parts[0][:1].isupper() or not parts[0][1:].islower() or not parts[1][:1].islower():
        return text
    return text[:1].lower() + text[1:]


def _all_scripts(element: Any, font: str) -> None:
    """Times New Roman for every script slot, so Vietnamese letters never fall to another face."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)


def _para(
    where: Any,
    text: str,
    *,
    size: float = SIZE,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    justify: bool = False,
    indent: bool = False,
    first: bool = False,
) -> Any:
    """A paragraph in the document or a table cell (`first`: the cell's own empty paragraph)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    p = where.paragraphs[0] if first else where.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif justify:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if text:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold or None
        run.italic = italic or None
    else:
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = Pt(size)
    return p


def _rule(cell: _Cell, cell_mm: int, rule_mm: int) -> None:
    """A short rule centred in a head cell (Decree 30/2020: under the issuing office, a line of
    1/3–1/2 the name's length; under the tiêu ngữ, a line as long as it): an empty paragraph whose
    top border is drawn, indented to the rule's length."""
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    p = cell.add_paragraph()
    side = Mm((cell_mm - rule_mm) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(4)
    p.paragraph_format.line_spacing = Pt(6)
    ppr = p._p.get_or_add_pPr()
    borders = ppr.makeelement(qn("w:pBdr"), {})
    top = borders.makeelement(
        qn("w:top"), {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1", qn("w:color"): "000000"}
    )
    borders.append(top)
    ppr.append(borders)


def _keep_row(row: Any) -> None:
    """A table row that never breaks across pages."""
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))


def _page_break(doc: DocxDocument) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _page_number(p: Any) -> None:
    """A PAGE field, centred: the header of every page but the first (Decree 30: from page 2)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    run.font.size = Pt(SIZE)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        elif text == " PAGE ":
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        else:
            el = run._r.makeelement(qn("w:t"), {})
            el.text = text
        run._r.append(el)


def _table(doc: DocxDocument, rows: int, cols: int, *, borders: bool, widths: tuple[int, ...]) -> Table:
    from docx.shared import Mm

    t: Table = doc.add_table(rows=rows, cols=cols)
    t.autofit = False
    if borders:
        t.style = doc.styles["Table Grid"]
    for row in t.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Mm(w)
    for i, w in enumerate(widths):
        t.columns[i].width = Mm(w)
    return t


def _list_table(
    doc: DocxDocument,
    headers: list[str],
    rows: list[list[str]],
    widths: tuple[int, ...],
    *,
    money_col: int | None,
    total: list[str] | None,
    none: str,
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    from engine.render.docx_rows import RowWriter

    body = rows or [["", none, "", "", "", ""]]
    t = _table(doc, 2, len(headers), borders=True, widths=widths)  # the header, and the pattern of a row
    hdr = t.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))  # repeated at the top of every page
    for i, h in enumerate(headers):
        _cell(hdr.cells[i], h, bold=True, center=True)

    def write(cell: _Cell, text: str, look: object) -> None:
        """A cell; its look is (its column, whether it is in the total row)."""
        assert isinstance(look, tuple)
        i, total_row = look
        _cell(cell, text, bold=total_row, center=i not in (1, money_col) if total_row else i == 0)
        if i == money_col:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    # each row written once and copied (python-docx's `t.rows[r].cells[i]` walks the whole table:
    # cell by cell, 10,000 rows took minutes)
    writer = RowWriter(t, write)
    columns = range(len(headers))
    for row in body:
        writer.add(row, [(i, False) for i in columns])
    if total:
        writer.add(total, [(i, True) for i in columns])


def _cell(cell: _Cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    _para(cell, text, size=12, bold=bold, center=center, first=True)
