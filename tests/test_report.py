"""`thidua report`: golden reports, the template context contract, XLSX sheets, injection safety.

What is golden is listed in tests/golden/regenerate.py (`GOLDEN`); regenerate after an intended
change with `python tests/golden/regenerate.py` — the tests never write a golden file.
"""

from __future__ import annotations

import ast
import dataclasses
import sys
from pathlib import Path

import pytest
from jinja2 import nodes
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app
from engine.evaluate.allocate import allocate
from engine.model.vocabulary import TEMPLATES, load_labels
from engine.pipeline import run
from engine.render import report as rep
from engine.render.report_file import make_report

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(GOLDEN))
from regenerate import CAMPAIGNS as LISTED  # noqa: E402
from regenerate import GOLDEN as GOLDEN_FILES  # noqa: E402
from regenerate import REGENERATE, golden_campaigns, mismatch, on_disk, render  # noqa: E402

CAMPAIGNS = golden_campaigns()
runner = CliRunner()


def test_golden_campaigns_exist() -> None:
    assert "ninh_thuan_2020" in CAMPAIGNS


def test_every_campaign_with_an_example_is_golden() -> None:
    from engine.model.campaign import available_campaigns

    with_example = {c for c in available_campaigns() if (ROOT / "examples" / f"{c}.yaml").exists()}
    assert with_example == set(LISTED), (
        f"campaigns with an example: {sorted(with_example)}; golden: {sorted(LISTED)} — "
        "list the new one in tests/golden/regenerate.py (CAMPAIGNS)"
    )


def test_no_golden_file_is_an_orphan_or_missing() -> None:
    disk = on_disk()
    orphans = sorted(disk - set(GOLDEN_FILES))
    missing = sorted(set(GOLDEN_FILES) - disk)
    assert not orphans, f"golden files listed nowhere in tests/golden/regenerate.py (GOLDEN): {orphans}"
    assert not missing, f"golden files listed but not on disk: {missing}; run `{REGENERATE}`"


@pytest.mark.parametrize("cid", LISTED)
def test_golden_campaign_loads(cid: str) -> None:
    from engine.model.campaign import load_campaign

    load_campaign(cid)  # a UserError here fails the test: a golden campaign is never skipped


@pytest.mark.parametrize("name", sorted(n for n in GOLDEN_FILES if not n.startswith("diff/")))
def test_golden_report(name: str) -> None:
    golden = GOLDEN / name
    assert golden.exists(), f"no golden file {name}: run `{REGENERATE}`"
    got = GOLDEN_FILES[name]()
    assert got == GOLDEN_FILES[name](), f"{name}: the report differs run to run"
    want = golden.read_bytes()
    assert got == want, mismatch(name, got, want)


def test_a_mismatch_shows_a_capped_diff() -> None:
    want = "".join(f"line {i}\n" for i in range(200)).encode()
    got = want.replace(b"line 7\n", b"line seven\n").replace(b"line 150\n", b"")
    message = mismatch("x.md", got, want, limit=12)
    assert "-line 7\n+line seven" in message
    assert "more lines of diff" in message and "line 150" not in message
    assert REGENERATE in message


@pytest.mark.parametrize("cid", CAMPAIGNS)
def test_xlsx_is_byte_identical_and_has_the_sheets(cid: str, tmp_path: Path) -> None:
    first = render(cid, ".xlsx")
    assert first == render(cid, ".xlsx")
    path = tmp_path / "r.xlsx"
    path.write_bytes(first)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Danh sách đề nghị khen thưởng",
        "Bằng điểm, dự phòng",
        "Không đủ điều kiện",
        "Kết quả xét",
        "Thông tin kiểm tra",
    ]
    audit = {row[0].value: row[1].value for row in wb["Thông tin kiểm tra"].iter_rows(min_row=2)}
    assert len(audit["SHA-256"]) == 64 and audit["Phiên bản thidua"] and audit["Bộ máy đánh giá"] == "native"
    verdicts = wb["Kết quả xét"]
    ev = run(cid, ROOT / "examples" / f"{cid}.yaml")
    assert verdicts.max_row == len(ev.results) + 1
    rules = {r.id for res in ev.results for r in [*res.criteria, *res.disqualifiers]}
    headers = [c.value for c in verdicts[1]]
    assert all(any(f"[{rid}]" in str(h) for h in headers) for rid in rules)


# ---------------------------------------------------------------- the template context contract


def documented() -> dict[str, set[str]]:
    return {t.__name__: {f.name for f in dataclasses.fields(t)} for t in rep.CONTEXT_TYPES}


def test_every_context_field_is_documented() -> None:
    for t in rep.CONTEXT_TYPES:
        for f in dataclasses.fields(t):
            assert f.metadata.get("doc"), f"{t.__name__}.{f.name} has no documentation"
    # every type reachable from ReportContext is in the contract
    reached = {rep.ReportContext}
    todo = [rep.ReportContext]
    while todo:
        t = todo.pop()
        hints = __import__("typing").get_type_hints(t)
        for h in hints.values():
            for arg in (h, *getattr(h, "__args__", ())):
                if dataclasses.is_dataclass(arg) and arg not in reached:
                    reached.add(arg)  # type: ignore[arg-type]
                    todo.append(arg)  # type: ignore[arg-type]
    assert reached == set(rep.CONTEXT_TYPES)


def test_docs_page_is_current() -> None:
    doc = ROOT / "docs" / "report-context.md"
    assert doc.read_text(encoding="utf-8") == rep.context_doc(), "run `python tests/golden/regenerate.py`"


def _template_attrs(name: str) -> set[str]:
    env = rep.environment("html")
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    tree = env.parse(source)
    return {n.attr for n in tree.find_all(nodes.Getattr)}


def test_templates_use_only_documented_fields_and_every_field_is_used() -> None:
    fields = set().union(*documented().values())
    label_keys = set(load_labels().report)
    used: set[str] = set()
    for name in rep.TEMPLATE_FILES.values():
        attrs = _template_attrs(name)
        unknown = attrs - fields - label_keys - {"index", "last", "first"}  # loop.* from Jinja itself
        assert not unknown, f"{name} uses undocumented fields: {sorted(unknown)}"
        used |= attrs
    # the XLSX report is written in Python from the same context: its attribute reads count as uses;
    # so are the Word document's (report_docx.py)
    for module in ("report_xlsx.py", "report_docx.py"):
        source = (ROOT / "engine" / "render" / module).read_text(encoding="utf-8")
        used |= {n.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Attribute)}
    unused = fields - used
    assert not unused, f"documented fields no template uses: {sorted(unused)}"


def test_templates_hold_no_words() -> None:
    """Every visible word comes from the context: strip tags, expressions and CSS, nothing is left."""
    import re

    for name in rep.TEMPLATE_FILES.values():
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
        text = re.sub(r"<style>.*?</style>|<[^>]+>|&[a-z]+;", " ", text, flags=re.S)
        words = [w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in ("md",)]
        assert not words, f"{name}: hard-coded words {words[:10]}"


def test_a_removed_field_fails_the_render() -> None:
    """StrictUndefined: a template reading a field the context lacks fails loudly, not silently blank."""
    from jinja2 import UndefinedError

    env = rep.environment("html")
    with pytest.raises(UndefinedError):
        env.from_string("{{ r.campaign.no_such_field }}").render(r=_ctx())


def _ctx() -> rep.ReportContext:
    ev = run("ninh_thuan_2020", ROOT / "examples" / "ninh_thuan_2020.yaml")
    return rep.build_context(ev, allocate(ev), "vi")


# ---------------------------------------------------------------- content and safety


def test_english_report_and_cli(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = runner.invoke(
        app,
        ["report", "ninh_thuan_2020", str(ROOT / "examples" / "ninh_thuan_2020.yaml"), "-o", str(out), "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Proposed award list" in text and "Danh sách đề nghị" not in text
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text


def test_cli_refuses_unknown_format(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["report", "ninh_thuan_2020", str(ROOT / "examples" / "ninh_thuan_2020.yaml"), "-o", str(tmp_path / "r.odt")],
    )
    assert result.exit_code == 2
    assert "r.odt: không biết ghi báo cáo theo định dạng nào từ tên tệp" in result.stderr
    assert not (tmp_path / "r.odt").exists()


def test_html_report_content() -> None:
    html = render("ninh_thuan_2020", ".html").decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Độc lập - Tự do - Hạnh phúc" in html
    assert "Times New Roman" in html and "size: A4" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "<svg" in html
    assert "Sở Tài chính" in html and "II.2.a" in html  # excluded, with its clause
    assert "1.490.000" in html  # the individual reward amount under Decree 91/2017 in 2021


EVIL = [
    '=HYPERLINK("http://x","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "<script>alert(1)</script> & <b>bold</b>",
]


def _evil_facts(tmp_path: Path) -> Path:
    units = "\n".join(
        f"  - {{id: u{i}, name: {name!r}, kind: department, facts: {{task_completion: excellent}}}}"
        for i, name in enumerate(EVIL)
    )
    path = tmp_path / "evil.yaml"
    path.write_text(f"as_of: 2021-01-25\nunits:\n{units}\n", encoding="utf-8")
    return path


def test_names_cannot_become_formulas_or_markup(tmp_path: Path) -> None:
    facts = _evil_facts(tmp_path)
    ev = run("ninh_thuan_2020", facts)
    xlsx = tmp_path / "r.xlsx"
    xlsx.write_bytes(make_report(ev, xlsx))
    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value}"
    names = {c.value for c in wb["Kết quả xét"]["C"]}
    assert set(EVIL) <= names  # kept as text, exactly
    html = make_report(ev, Path("r.html")).decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
    md = make_report(ev, Path("r.md")).decode()
    assert "<script>" not in md and "<b>" not in md
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "--format", "csv"])
    for line in result.stdout.splitlines()[1:]:
        name = line.split(",", 2)[1]
        assert not name.lstrip('"').startswith(("=", "+", "-", "@")), line


def test_template_xlsx_is_reproducible() -> None:
    from engine.authoring.facts_template import write_template
    from engine.model.campaign import load_campaign

    c = load_campaign("ninh_thuan_2020")
    assert write_template(c, Path("a.xlsx")) == write_template(c, Path("a.xlsx"))


def test_exclusions_quote_each_sentence_once(tmp_path: Path) -> None:
    """Issue 16: the list of exclusions gives each candidate's clause and reason; the plan's sentence
    is printed once below it ("Căn cứ"), not once per candidate."""
    from typer.testing import CliRunner

    from cli import app

    out = tmp_path / "r.html"
    example = ROOT / "examples" / "ninh_thuan_2020.yaml"
    assert (
        CliRunner().invoke(app, ["report", "ninh_thuan_2020", str(example), "-o", str(out), "--no-appendix"]).exit_code
        == 0
    )
    html = out.read_text(encoding="utf-8")
    section = html[html.index("5. Các trường hợp không đủ điều kiện") : html.index("<h2>6.")]
    assert "Căn cứ (trích Kế hoạch):" in section
    quote = "chiếm tỷ lệ trên 10% tổng số biên chế của cơ quan, đơn vị"
    assert section.count(quote) == 1


# ---------------------------------------------------------------- issue 23.5: short by default


def test_the_reserve_is_capped_with_the_number_left_out(tmp_path: Path) -> None:
    """A reserve lists the first N (the profile's `reserve`, `--reserve`; default 10), then
    'và N trường hợp khác'; every format says the same."""
    from engine.render.profile import DocumentProfile

    ev = run("ninh_thuan_2020", ROOT / "examples" / "ninh_thuan_2020.yaml")
    alloc = allocate(ev)
    full = {(g.award_id, g.group): len(g.reserve) for g in alloc.groups}
    assert max(full.values()) == 10 and rep.RESERVE_LIMIT == 10
    ctx = rep.build_context(ev, alloc, "vi", DocumentProfile(reserve=3))
    blocks = [a for a in ctx.awards if a.reserve]
    assert blocks and all(len(a.reserve) == 3 and a.reserve_more == 7 for a in blocks)
    assert [r.no for r in blocks[0].reserve] == [1, 2, 3]
    example = str(ROOT / "examples" / "ninh_thuan_2020.yaml")
    for suffix in (".html", ".md", ".docx"):
        out = tmp_path / f"r{suffix}"
        assert (
            runner.invoke(app, ["report", "ninh_thuan_2020", example, "-o", str(out), "--reserve", "3"]).exit_code == 0
        )
        text = out.read_bytes()
        if suffix == ".docx":
            from docx import Document

            text = "\n".join(p.text for p in Document(out).paragraphs).encode()
        assert "và 7 trường hợp khác".encode() in text, suffix
    ctx = rep.build_context(ev, alloc, "vi")  # the default cap keeps all ten: nothing left out
    assert all(a.reserve_more == 0 for a in ctx.awards)


@pytest.mark.parametrize("cid", CAMPAIGNS)
def test_totals_and_counts_agree_with_the_rows_above_them(cid: str) -> None:
    ev = run(cid, ROOT / "examples" / f"{cid}.yaml")
    ctx = rep.build_context(ev, allocate(ev))
    b = ctx.budget
    if not b.available:
        return
    assert len(b.lines) == len(ctx.awards)  # one line per list, in the order of the lists
    for a, line in zip(ctx.awards, b.lines, strict=True):
        assert line.count == len(a.selected), (a.form, a.under)
        assert line.subtotal_dong == sum(s.amount_dong or 0 for s in a.selected)
    assert b.total_dong == sum(line.subtotal_dong or 0 for line in b.lines)


def test_a_per_unit_award_prints_only_the_lists_with_someone_in_them() -> None:
    """Uông Bí's ward chairmen's Giấy khen: no empty ward list, no zero budget line; one proposed for
    the city's Giấy khen is named once under the ward, not a row with money and a zero total."""
    ev = run("uong_bi_2024", ROOT / "examples" / "uong_bi_2024.yaml")
    ctx = rep.build_context(ev, allocate(ev))
    wards = [a for a in ctx.awards if a.under]
    assert wards and all(a.selected or a.ties or a.reserve or a.counted_elsewhere for a in wards)
    lan = [a for a in wards if "Phạm Thị Lan" in a.counted_elsewhere]
    assert len(lan) == 1 and not lan[0].selected and not lan[0].proposed_here
    city = [a for a in ctx.awards if not a.under]
    assert any(s.name == "Phạm Thị Lan" for a in city for s in a.selected)
    html = rep.render_text(ctx, "html")
    budget = html[html.index("4. Kinh phí khen thưởng") : html.index("<h2>5.")]
    assert '<td class="num">0</td>' not in budget and html.count("(không có)") == 0
    assert "Cộng (0)" not in make_report(ev, Path("r.md")).decode()
