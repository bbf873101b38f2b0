"""Regenerate the golden files: `python tests/golden/regenerate.py` — the only way they are written;
the pictures of each campaign's Tờ trình in docs/: `python tests/golden/regenerate.py --pages`.

What is golden is listed here, explicitly (`GOLDEN`, relative to tests/golden/): for each campaign
in `CAMPAIGNS`, <campaign>.md, <campaign>.html, <campaign>.docx.txt (the Word document's text,
`docx_text`) and <campaign>.xlsx.txt (the workbook's cells and print setup, `xlsx_text`) in
Vietnamese with the example's own as_of; the same four of ninh_thuan_2020 in English (.en.md, …);
the 2020 → 2025 diff (diff/ninh_thuan_2020_2025.txt); and docs/report-context.md from the
context's field docs. tests/test_report.py and tests/test_diff.py compare against these byte for
byte, fail on a golden file that is not listed here (an orphan) or listed and missing, and fail
when a listed campaign does not load: a campaign is never dropped silently.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from contextlib import chdir
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

PAGES = ROOT / "docs"  # page 1 of each campaign's Tờ trình as LibreOffice renders it: to-trinh-<campaign>.png
REGENERATE = "python tests/golden/regenerate.py"

# the campaigns whose example report is golden: every campaign with an example in examples/
CAMPAIGNS = ("my_thanh_2015", "ninh_thuan_2020", "ninh_thuan_2025", "syt_2024", "uong_bi_2024")
REPORTS = (".md", ".html", ".docx.txt", ".xlsx.txt")
IN_ENGLISH = ("ninh_thuan_2020",)
DIFFS = {
    "diff/ninh_thuan_2020_2025.txt": [
        "diff",
        "ninh_thuan_2020",
        "ninh_thuan_2025",
        "--facts",
        "examples/ninh_thuan_2020.yaml",
    ],
}


def golden_campaigns() -> list[str]:
    """The campaigns with golden reports (the explicit list; tests fail if one does not load)."""
    return list(CAMPAIGNS)


def _golden() -> dict[str, Callable[[], bytes]]:
    out: dict[str, Callable[[], bytes]] = {}
    for cid in CAMPAIGNS:
        for suffix in REPORTS:
            out[f"{cid}{suffix}"] = partial(render, cid, suffix)
    for cid in IN_ENGLISH:
        for suffix in REPORTS:
            out[f"{cid}.en{suffix}"] = partial(render, cid, suffix, "en")
    for name, args in DIFFS.items():
        out[name] = partial(run_cli, args)
    return out


def run_cli(args: list[str]) -> bytes:
    """`thidua ARGS` in-process from the checkout's root (paths in the output are relative to it)."""
    from typer.testing import CliRunner

    from cli import app

    with chdir(ROOT):
        result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise RuntimeError(f"thidua {' '.join(args)} exited {result.exit_code}: {result.output}")
    return result.stdout.encode("utf-8")


def on_disk() -> set[str]:
    """Every golden file under tests/golden/ (not the scripts)."""
    return {
        p.relative_to(GOLDEN_DIR).as_posix()
        for p in GOLDEN_DIR.rglob("*")
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts
    }


def mismatch(name: str, got: bytes, want: bytes, limit: int = 40, width: int = 200) -> str:
    """Why `got` is not the golden `name`: a unified diff of the first lines that differ (at most
    `limit` lines of diff, each cut at `width` characters), then how to regenerate."""
    old = want.decode("utf-8", "replace").splitlines()
    new = got.decode("utf-8", "replace").splitlines()
    lines = list(difflib.unified_diff(old, new, f"tests/golden/{name}", "now", lineterm="", n=2))
    if not lines:  # the same lines: the bytes differ elsewhere (line endings, a final newline)
        lines = [f"the lines are equal; the bytes differ ({len(want)} golden, {len(got)} now)"]
    shown = [line if len(line) <= width else line[:width] + " …" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"… {len(lines) - limit} more lines of diff")
    return (
        f"{name} differs from its golden file:\n"
        + "\n".join(shown)
        + f"\nif the change is intended: `{REGENERATE}`, then read `git diff tests/golden`"
    )


def render(cid: str, suffix: str, lang: str = "vi") -> bytes:
    from engine.pipeline import run
    from engine.render.report_file import make_report

    ev = run(cid, ROOT / "examples" / f"{cid}.yaml")
    if suffix == ".docx.txt":
        return docx_text(make_report(ev, Path("report.docx"), lang)).encode("utf-8")
    if suffix == ".xlsx.txt":
        return xlsx_text(make_report(ev, Path("report.xlsx"), lang)).encode("utf-8")
    return make_report(ev, Path(f"report{suffix}"), lang)


def docx_text(data: bytes) -> str:
    """A Word document as text, in body order: paragraphs, tables (cells joined by ' | '), page
    breaks as a line of '=', the page header; then the page setup and core properties."""
    import io

    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))
    out: list[str] = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            p = Paragraph(el, doc)
            if el.findall(".//" + qn("w:br")):
                out.append("=" * 20)
            if p.text.strip():
                out.append(p.text)
        elif el.tag == qn("w:tbl"):
            for row in Table(el, doc).rows:
                cells = [" / ".join(x.text for x in c.paragraphs if x.text) for c in row.cells]
                out.append(" | ".join(cells))
    s = doc.sections[0]
    mm = 36000  # EMU per millimetre
    out += [
        "",
        f"page: {s.page_width // mm} x {s.page_height // mm} mm; margins top {s.top_margin // mm}, bottom "
        f"{s.bottom_margin // mm}, left {s.left_margin // mm}, right {s.right_margin // mm} mm",
        f"header from page 2: {'PAGE' if 'PAGE' in s.header._element.xml else '-'}; first page: "
        f"{'own' if s.different_first_page_header_footer else 'same'}",
        f"font: {doc.styles['Normal'].font.name} {doc.styles['Normal'].font.size.pt:g} pt",
        f"core: title={doc.core_properties.title!r} created={doc.core_properties.created} "
        f"modified={doc.core_properties.modified}",
    ]
    return "\n".join(out) + "\n"


def xlsx_text(data: bytes) -> str:
    """A workbook as text: per sheet its print setup, then each row's cells (' | ' between, the
    number format beside a number); what a reviewer checks when the XLSX report changes."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    out: list[str] = []
    for ws in wb.worksheets:
        ps = ws.page_setup
        fit = ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else False
        how = (
            f"fit to page {bool(fit)} ({ps.fitToWidth} wide)"
            if fit
            else f"scale {ps.scale} %, columns {ws.print_title_cols} on every page, "
            f"pages from columns {[b.id + 1 for b in ws.col_breaks.brk]}"
        )
        out += [
            f"== {ws.title}",
            f"paper {ps.paperSize}, {ps.orientation}, {how}, header rows {ws.print_title_rows}",
        ]
        for row in ws.iter_rows():
            cells = []
            for c in row:
                if c.value is None:
                    cells.append("")
                elif isinstance(c.value, int | float) and not isinstance(c.value, bool):
                    cells.append(f"{c.value} [{c.number_format}]")
                else:
                    cells.append(str(c.value))
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                out.append(" | ".join(cells))
    return "\n".join(out) + "\n"


def pages() -> None:
    """docs/to-trinh-<campaign>.png: the Word document converted by LibreOffice (`soffice`) and its
    first page rasterised by pdftoppm at 70 dpi — what an office sees when it opens the file."""
    import shutil
    import subprocess
    import tempfile

    from engine.pipeline import run
    from engine.render.report_file import make_report

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        raise SystemExit("--pages needs LibreOffice (soffice) and poppler-utils (pdftoppm)")
    with tempfile.TemporaryDirectory() as tmp:
        for cid in golden_campaigns():
            src = Path(tmp) / f"{cid}.docx"
            src.write_bytes(make_report(run(cid, ROOT / "examples" / f"{cid}.yaml"), src))
            profile = f"-env:UserInstallation={(Path(tmp) / 'lo').as_uri()}"
            convert = [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)]
            subprocess.run(convert, check=True, capture_output=True)
            png = PAGES / f"to-trinh-{cid}"
            raster = ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", f"{tmp}/{cid}.pdf", str(png)]
            subprocess.run(raster, check=True)
            print(f"wrote {png.relative_to(ROOT)}.png")


GOLDEN = _golden()  # file name under tests/golden/ → how to produce it


def main() -> None:
    from engine.render.output import write_atomic
    from engine.render.report import context_doc

    if "--pages" in sys.argv[1:]:
        pages()
        return
    for name, produce in GOLDEN.items():
        path = GOLDEN_DIR / name
        write_atomic(path, produce())
        print(f"wrote {path.relative_to(ROOT)}")
    for orphan in sorted(on_disk() - set(GOLDEN)):
        print(f"not golden (listed nowhere in tests/golden/regenerate.py), delete it: tests/golden/{orphan}")
    doc = ROOT / "docs" / "report-context.md"
    write_atomic(doc, context_doc())
    print(f"wrote {doc.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
