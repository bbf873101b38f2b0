"""The report as a workbook: the award list, the exclusions, and every verdict with every outcome.

Reads only the documented `ReportContext` (the same object the HTML and Markdown templates
get), writes every text cell through `engine.render.xlsx.put` so a name such as `=HYPERLINK(…)` stays
text, and saves reproducibly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.render.report import ReportContext
from engine.render.xlsx import put, workbook_bytes


def report_workbook(ctx: ReportContext, when: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    L = ctx.labels
    wb = Workbook()
    font = Font(name="Times New Roman")
    bold = Font(name="Times New Roman", bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
        ws = wb.create_sheet(title[:31])
        for i, h in enumerate(headers, 1):
            c = put(ws.cell(row=1, column=i), h)
            c.font = bold
            c.alignment = wrap
        for r, row in enumerate(rows, 2):
            for i, v in enumerate(row, 1):
                c = put(ws.cell(row=r, column=i), v)
                c.font = font
                c.alignment = wrap
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"

    first = wb.active
    assert first is not None
    wb.remove(first)

    awards: list[list[Any]] = []
    for a in ctx.awards:
        for status, rows in (("status_selected", a.selected), ("status_tie", a.ties), ("status_reserve", a.reserve)):
            for s in rows:
                amount = s.amount_dong if status == "status_selected" else None
                awards.append([len(awards) + 1, s.id, s.name, a.group, s.unit, a.form, s.rank, L[status], amount])
    sheet(
        L["sheet_awards"],
        [L["no"], L["id"], L["name"], L["group"], L["unit"], L["award"], L["rank"], L["status"], L["amount"]],
        awards,
        [6, 16, 36, 14, 32, 16, 7, 22, 16],
    )
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
        for e in ctx.excluded
    ]
    sheet(
        L["sheet_excluded"],
        [L["no"], L["id"], L["name"], L["group"], L["verdict"], L["clause"], L["reason"]],
        excluded,
        [6, 16, 36, 14, 20, 12, 80],
    )
    rule_cols: dict[str, str] = {}
    for c in ctx.candidates:
        for x in c.rules:
            rule_cols.setdefault(x.id, f"{x.clause} {x.label} [{x.id}]")
    verdicts = []
    for c in ctx.candidates:
        outcomes = {x.id: x.outcome_label for x in c.rules}
        verdicts.append(
            [c.no, c.id, c.name, c.group, c.kind_label, c.verdict_label, c.summary]
            + [outcomes.get(rid, "") for rid in rule_cols]
        )
    sheet(
        L["sheet_verdicts"],
        [L["no"], L["id"], L["name"], L["group"], L["kind"], L["verdict"], L["reason"], *rule_cols.values()],
        verdicts,
        [6, 16, 36, 14, 14, 20, 50] + [18] * len(rule_cols),
    )
    audit = ctx.audit
    sheet(
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
    )
    for ws in wb.worksheets:
        ws.sheet_properties.pageSetUpPr = None
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
    return workbook_bytes(wb, when)
