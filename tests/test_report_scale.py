"""Reports that scale (issue 27.4), proven the same as what they replace.

- The workbook's row-per-candidate sheets are streamed as XML (engine.render.xlsx.RowsXml): the
  workbook is byte for byte the one openpyxl writes cell by cell, on every example, a synthetic
  province and names made to break a spreadsheet (formulas, error codes, markup, spaces at
  either end, texts that wrap), and however few values it keeps made.
- What the workbook and the Word document list is what the evaluation says: every candidate's
  verdict and every rule's outcome, the excluded, the proposed and the tied, in order.
- A rule's reason phrased once per signature (engine.render.text.Remembering, the one every output uses,
  RuleLines) reads as it reads phrased for each result.
- The HTML and Markdown made piece by piece (`iter_text`) are the text rendered whole.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from engine.evaluate.allocate import allocate
from engine.evaluate.core import Evaluation
from engine.explain.reasons import VERDICT_LABELS, Explainer
from engine.model.vocabulary import load_labels
from engine.pipeline import run
from engine.render import report_xlsx
from engine.render.report import build_context, environment, iter_text
from engine.render.report_file import make_report
from engine.render.report_sections import EXCLUDED, RuleLines
from engine.render.text import Remembering
from engine.render.xlsx import RowsXml

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGNS = ("ninh_thuan_2020", "ninh_thuan_2025", "uong_bi_2024", "syt_2024", "my_thanh_2015")
SOURCES = [*CAMPAIGNS, "synthetic", "hostile"]
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "#N/A",
    "+84 912",
    "-1",
    "@SUM(A1)",
    " leading space",
    "trailing space ",
    "<b>Tổ & nhóm</b>",
    "Phòng " * 30,
    "=",
]


@pytest.fixture(scope="module")
def evaluations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Evaluation]:
    tmp = tmp_path_factory.mktemp("scale")
    out = {cid: run(cid, ROOT / "examples" / f"{cid}.yaml") for cid in CAMPAIGNS}
    sys.path.insert(0, str(ROOT / "bench"))
    from synth import write

    out["synthetic"] = run("ninh_thuan_2020", write(tmp / "synth.json", 1500))
    data = yaml.safe_load((ROOT / "examples" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8"))
    n = 0
    for section in ("units", "people"):
        for item in data.get(section) or []:
            item["name"] = HOSTILE[n % len(HOSTILE)]
            n += 1
    hostile = tmp / "hostile.yaml"
    hostile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out["hostile"] = run("ninh_thuan_2020", hostile)
    return out


def _cell_by_cell(self: Any, ws: Any, first: int, rows: list[list[Any]]) -> None:
    """What the sheet was before it was streamed: each row written by `line`, cell by cell."""
    for r, values in enumerate(rows, first):
        self.line(ws, r, values)


@pytest.mark.parametrize("source", SOURCES)
def test_the_streamed_workbook_is_the_one_written_cell_by_cell(
    source: str, evaluations: dict[str, Evaluation], monkeypatch: pytest.MonkeyPatch
) -> None:
    ev = evaluations[source]
    streamed = make_report(ev, Path("r.xlsx"))
    monkeypatch.setattr(RowsXml, "KEEP", 3)  # values made again after they are forgotten: the same
    forgetful = make_report(ev, Path("r.xlsx"))
    monkeypatch.setattr(report_xlsx._Book, "stream", _cell_by_cell)
    assert streamed == forgetful == make_report(ev, Path("r.xlsx"))


@pytest.mark.parametrize("source", SOURCES)
def test_the_workbook_lists_every_verdict_and_outcome_of_the_evaluation(
    source: str, evaluations: dict[str, Evaluation]
) -> None:
    ev = evaluations[source]
    L, ex = load_labels().lang("vi"), Explainer(ev.campaign, "vi")
    book = load_workbook(io.BytesIO(make_report(ev, Path("r.xlsx"))))
    rows = list(book[L["sheet_verdicts"][:31]].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    column = {str(h).rsplit("[", 1)[1].rstrip("]"): i for i, h in enumerate(header) if str(h).endswith("]")}
    assert len(body) == len(ev.results)
    for no, (row, res) in enumerate(zip(body, ev.results, strict=True), 1):
        assert row[:3] == (no, res.id, _shown(res.candidate.name))
        assert row[5] == VERDICT_LABELS["vi"][res.verdict]
        outcomes = {rr.id: ex.outcome(rr.outcome) for rr in (*res.criteria, *res.disqualifiers)}
        assert {rid: row[i] or "" for rid, i in column.items()} == {rid: outcomes.get(rid, "") for rid in column}
    excluded = list(book[L["sheet_excluded"][:31]].iter_rows(values_only=True))[1:]
    assert [r[1] for r in excluded] == [r.id for r in ev.results if r.verdict in EXCLUDED]
    if source == "hostile":  # a name that looks like a formula stays text, marked as text
        sheet = book[L["sheet_verdicts"][:31]]
        formulas = [c for c in sheet["C"][1:] if str(c.value).startswith(("=", "+", "-", "@"))]
        assert formulas and all(c.data_type == "s" and c.quotePrefix for c in formulas)


def _shown(text: str) -> str:
    from engine.common.text import visible

    return visible(text)[:32767]


@pytest.mark.parametrize("source", SOURCES)
def test_the_word_lists_are_the_allocation(source: str, evaluations: dict[str, Evaluation]) -> None:
    import docx

    ev = evaluations[source]
    alloc = allocate(ev, None)
    L = load_labels().lang("vi")
    doc = docx.Document(io.BytesIO(make_report(ev, Path("r.docx"), alloc=alloc)))
    proposed: list[str] = []
    tied: list[str] = []
    for t in doc.tables:
        head = [c.text for c in t.rows[0].cells]
        if head[:2] != [L["no"], L["person_or_unit"]]:
            continue
        names = [cells[1] for cells in ([c.text for c in r.cells] for r in t.rows[1:]) if cells[0]]
        if len(head) == 6 and head[4] == L["form"]:
            proposed += names
        elif len(head) == 4:
            tied += names
    elsewhere = {(g.award_id, g.group, x) for g in alloc.groups for x in g.counted_elsewhere}
    assert proposed == [
        _shown(r.result.candidate.name)
        for g in alloc.groups
        for r in g.selected
        if (g.award_id, g.group, r.id) not in elsewhere
    ]
    assert tied == [_shown(r.result.candidate.name) for g in alloc.groups for r in g.tie]


@pytest.mark.parametrize("source", SOURCES)
def test_a_reason_phrased_once_per_signature_reads_as_phrased_each_time(
    source: str, evaluations: dict[str, Evaluation]
) -> None:
    ev = evaluations[source]
    plain, signed = Explainer(ev.campaign, "vi"), Remembering(ev.campaign, "vi")
    once = RuleLines(signed)
    each = RuleLines(plain)
    for res in ev.results:
        for rr in (*res.criteria, *res.disqualifiers):
            assert signed.reason(rr) == plain.reason(rr)
            assert once(rr) == each._make(rr)
    if source == "synthetic":  # what it is for: far fewer phrasings than results
        assert len(signed.said) * 10 < sum(len(r.criteria) + len(r.disqualifiers) for r in ev.results)


@pytest.mark.parametrize("source", ["ninh_thuan_2020", "synthetic"])
@pytest.mark.parametrize("kind", ["html", "markdown"])
def test_the_text_made_piece_by_piece_is_the_text_rendered_whole(
    source: str, kind: str, evaluations: dict[str, Evaluation]
) -> None:
    ev = evaluations[source]
    ctx = build_context(ev, allocate(ev, None), "vi", appendix=True)
    pieces = list(iter_text(ctx, kind))
    whole = environment(kind).get_template(f"report.{'html' if kind == 'html' else 'md'}.j2").render(r=ctx)
    assert "".join(pieces) == "\n".join(line.rstrip() for line in whole.split("\n")).rstrip("\n") + "\n"
    if source == "synthetic":
        assert len(pieces) > 1
