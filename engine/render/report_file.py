"""The report as a file: its format (engine.render.formats), then the bytes of that format.

Every format is made from the one `ReportContext` (engine.render.report.build_context): HTML and
Markdown by the Jinja2 templates, XLSX by report_xlsx, the Word Tờ trình and Danh sách by
report_docx, PDF by printing the HTML in a headless browser (report_pdf).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from engine.common.speed import gc_paused
from engine.common.text import visible
from engine.evaluate.allocate import Allocation, allocate
from engine.evaluate.core import Evaluation
from engine.render.formats import choose
from engine.render.profile import DocumentProfile
from engine.render.report import build_context, iter_text, render_text
from engine.render.report_model import ReportContext


def report_format(path: Path, requested: str | None = None) -> str:
    """The report's format for `-o path` (and `-f requested`): html, markdown, xlsx, docx or pdf."""
    return choose("report", requested, path)


def make_report(
    ev: Evaluation,
    path: Path,
    lang: str = "vi",
    decision_date: dt.date | None = None,
    alloc: Allocation | None = None,
    *,
    fmt: str | None = None,
    profile: DocumentProfile | None = None,
    appendix: bool = False,
) -> bytes:
    """The report for `path` (its extension, or `fmt`), as bytes (from `alloc` when the caller made it)."""
    made = report_output(ev, path, lang, decision_date, alloc, fmt=fmt, profile=profile, appendix=appendix)
    return made if isinstance(made, bytes) else "".join(visible(p) for p in made).encode("utf-8")


def report_output(
    ev: Evaluation,
    path: Path,
    lang: str = "vi",
    decision_date: dt.date | None = None,
    alloc: Allocation | None = None,
    *,
    fmt: str | None = None,
    profile: DocumentProfile | None = None,
    appendix: bool = False,
) -> bytes | Iterator[str]:
    """The report for `path`: HTML and Markdown as pieces of text, made as they are written (a
    report with every candidate in full is never whole in memory; control characters are the
    writer's to show, engine.app.console), the other formats as bytes."""
    kind = report_format(path, fmt)
    with gc_paused():  # a report is millions of small objects, none cyclic garbage (engine.common.speed)
        ctx = build_context(ev, alloc or allocate(ev, decision_date), lang, profile, appendix)
        if kind in ("html", "markdown"):
            return _paused(iter_text(ctx, kind))
        return _document(ctx, ev, path, kind)


def _paused(pieces: Iterator[str]) -> Iterator[str]:
    with gc_paused():
        yield from pieces


def _document(ctx: ReportContext, ev: Evaluation, path: Path, kind: str) -> bytes:
    if kind == "xlsx":
        from engine.render.report_xlsx import report_workbook

        return report_workbook(ctx, ev.as_of)
    if kind == "docx":
        from engine.render.report_docx import report_document

        return report_document(ctx, ev.as_of)
    assert kind == "pdf", kind
    from engine.render.report_pdf import html_to_pdf

    return html_to_pdf(visible(render_text(ctx, "html")), ev.as_of, str(path))
