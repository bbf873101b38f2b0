"""The report as a file: its format from the file name, then the HTML/Markdown or the workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.common.errors import Problem, UsageError
from engine.common.text import visible
from engine.evaluate.allocate import Allocation, allocate
from engine.evaluate.core import Evaluation
from engine.render.report import build_context, render_text
from engine.render.report_xlsx import report_workbook

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".xlsx": "xlsx"}


def report_format(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UsageError(
            Problem(str(path), f"cannot write a report as '{path.suffix}'", hint="use .html, .md or .xlsx")
        )
    return kind


def make_report(
    ev: Evaluation,
    path: Path,
    lang: str = "vi",
    decision_date: dt.date | None = None,
    alloc: Allocation | None = None,
) -> bytes:
    """The report for `path`'s type (.html, .md, .xlsx), as bytes (from `alloc` when the caller made it)."""
    kind = report_format(path)
    ctx = build_context(ev, alloc or allocate(ev, decision_date), lang)
    if kind == "xlsx":
        return report_workbook(ctx, ev.as_of)
    return visible(render_text(ctx, kind)).encode("utf-8")
