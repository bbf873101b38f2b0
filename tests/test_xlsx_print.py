"""The XLSX report prints legibly on A4 (issue 23.6): each campaign's example workbook converted
to PDF by LibreOffice, every page A4 and no glyph under 9 pt; money shown 1.490.000 whatever the
computer's regional settings; a sheet too wide for a page split over pages with its number, id
and name columns repeated, never shrunk (it was ~3 pt). LibreOffice tests are skipped only where
`soffice` is absent (.ci/run installs libreoffice-calc-nogui).

The rendered size of a glyph is the font size of its text operator through the text and current
transformation matrices (pypdf's `visitor_text`): what a reader sees on paper.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from engine.pipeline import run
from engine.render import xlsx
from engine.render.report_file import make_report

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGNS = ("ninh_thuan_2020", "ninh_thuan_2025", "uong_bi_2024", "syt_2024", "my_thanh_2015")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _to_pdf(files: list[Path], where: Path) -> dict[Path, Path]:
    """Every file converted by one LibreOffice run (its own profile): file → its PDF."""
    assert SOFFICE is not None
    profile = f"-env:UserInstallation={(where / 'lo').as_uri()}"
    done = subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(where), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    pdfs = {f: where / f"{f.stem}.pdf" for f in files}
    missing = [p.name for p in pdfs.values() if not p.exists()]
    assert not missing, f"LibreOffice made no {missing}: {done.stderr[-2000:]}"
    return pdfs


def glyphs(page: Any) -> list[tuple[float, str]]:
    """Each text shown on a PDF page, with its rendered size in points."""
    out: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            c = tm[2] * cm[0] + tm[3] * cm[2]  # the text space's vertical unit, in page space
            d = tm[2] * cm[1] + tm[3] * cm[3]
            out.append((size * math.hypot(c, d), text.strip()))

    page.extract_text(visitor_text=visit)
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each campaign's example XLSX report, and its PDF as LibreOffice prints it."""
    where = tmp_path_factory.mktemp("xlsx")
    books = {}
    for cid in CAMPAIGNS:
        path = where / f"{cid}.xlsx"
        path.write_bytes(make_report(run(cid, ROOT / "examples" / f"{cid}.yaml"), path))
        books[cid] = path
    pdfs = _to_pdf(list(books.values()), where)
    return {cid: pdfs[path] for cid, path in books.items()}


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("cid", CAMPAIGNS)
def test_every_page_is_a4_and_no_text_is_under_9_pt(rendered: dict[str, Path], cid: str) -> None:
    from pypdf import PdfReader

    reader = PdfReader(rendered[cid])
    assert len(reader.pages) >= 5  # a sheet at least a page
    smallest: list[tuple[float, str, int]] = []
    for n, page in enumerate(reader.pages, 1):
        w, h = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5, f"page {n} is not A4: {w} x {h}"
        sizes = glyphs(page)
        assert sizes, f"page {n} holds no text"
        size, text = min(sizes)
        smallest.append((size, text, n))
    size, text, n = min(smallest)
    assert size >= 9.0, f"page {n}: {text!r} printed at {size:.1f} pt"


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("cid", CAMPAIGNS)
def test_money_prints_the_vietnamese_way(rendered: dict[str, Path], cid: str) -> None:
    """Every amount of the workbook printed as 1.490.000, none with commas."""
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(rendered[cid]).pages)
    book = load_workbook(rendered[cid].with_suffix(".xlsx"))
    amounts = {
        c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, int) and c.number_format in (xlsx.MONEY, xlsx.MONEY_BILLIONS)
    }
    for v in amounts:
        shown = f"{v:,}".replace(",", ".")
        assert re.search(rf"(?<![\d.,]){re.escape(shown)}(?![\d.,])", text), f"{v} is not printed as {shown}"
    assert not re.search(r"\b\d{1,3},\d{3},\d{3}\b", text), "an amount with commas"
    if cid.startswith("ninh_thuan"):  # the examples whose budget is computed (others wait for its decree)
        assert amounts and max(amounts) >= 1_000_000


@needs_soffice
@pytest.mark.slow
def test_the_verdicts_sheet_is_split_with_its_id_columns_repeated(rendered: dict[str, Path]) -> None:
    """Kết quả xét of Ninh Thuận 2020 (7 columns and one per rule): over several pages at 10.2 pt,
    each holding the number, id and name of the candidates it shows."""
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(rendered["ninh_thuan_2020"]).pages]
    holding = [i for i, t in enumerate(pages) if "nv-0017" in t]
    assert len(holding) >= 3, "the id column is not repeated on the pages of the rules' outcomes"
    sizes = [s for i in holding for s, _ in glyphs(PdfReader(rendered["ninh_thuan_2020"]).pages[i])]
    assert min(sizes) >= 10.0


@needs_soffice
@pytest.mark.slow
def test_number_formats_as_libreoffice_prints_them(tmp_path: Path) -> None:
    wb = xlsx.a4_workbook()
    ws = wb.active
    assert ws is not None
    values = [0, 7, 999, 1_000, 360_000, 1_490_000, 46_190_000, 999_999_999, 1_490_000_000, 14_900_000_000]
    ws.column_dimensions["A"].width = 20
    for r, v in enumerate(values, 1):
        ws.cell(row=r, column=1, value=v).number_format = xlsx.money_format(v)
    path = tmp_path / "money.xlsx"
    wb.save(path)
    from pypdf import PdfReader

    text = PdfReader(_to_pdf([path], tmp_path)[path]).pages[0].extract_text().split()
    assert text[: len(values)] == [
        "0",
        "7",
        "999",
        "1.000",
        "360.000",
        "1.490.000",
        "46.190.000",
        "999.999.999",
        "1.490.000.000",
        "14.900.000.000",
    ]


# ---------------------------------------------------------------- the layout, without LibreOffice


def test_each_sheet_fits_its_page_or_is_split(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(make_report(run("ninh_thuan_2020", ROOT / "examples" / "ninh_thuan_2020.yaml"), path))
    wb = load_workbook(path)
    least = xlsx.SMALLEST_PT / xlsx.TEXT_PT
    for ws in wb.worksheets:
        ps = ws.page_setup
        widths = [ws.column_dimensions[c].width for c in sorted(ws.column_dimensions, key=lambda c: (len(c), c))]
        assert int(ps.paperSize) == int(ws.PAPERSIZE_A4) and ws.print_title_rows, ws.title
        assert ws.oddFooter.center.size == 12  # the page number as large as the text
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ps.fitToWidth == 1 and ps.fitToHeight == 0
            assert xlsx.fit_scale(widths, ps.orientation == "landscape") >= least, ws.title
        else:  # split: at a fixed scale ≥ 9 pt, id columns repeated, each page's columns fit it
            assert ws.title == "Kết quả xét" and ps.orientation == "landscape"
            assert ps.scale == xlsx.SPLIT_SCALE and least <= xlsx.SPLIT_SCALE / 100
            assert ws.print_title_cols == "$A:$C"
            starts = [b.id + 1 for b in ws.col_breaks.brk]
            assert len(starts) >= 2
            room = xlsx.printable_width_pt(True) / (xlsx.SPLIT_SCALE / 100 * xlsx.PT_PER_UNIT)
            for first, end in zip([4, *starts], [*starts, len(widths) + 1], strict=True):
                assert sum(widths[:3]) + sum(widths[first - 1 : end - 1]) <= room, (first, end)
    money = [c for r in wb["Danh sách đề nghị khen thưởng"].iter_rows() for c in r if c.number_format == xlsx.MONEY]
    assert len(money) > 20 and 1_490_000 in {c.value for c in money}


@pytest.mark.parametrize(
    ("widths", "how"),
    [
        ([5, 30, 18, 20], "portrait"),  # 73 units: 439 pt at 100 %, the page's 468
        ([5, 30, 18, 26, 13, 14], "landscape"),  # 106: 0.73 in portrait, under 9 pt
        ([5, 14, 26, 11, 14, 16, 46] + [16] * 13, "split"),
    ],
)
def test_the_choice_of_page(widths: list[float], how: str) -> None:
    wb = xlsx.a4_workbook()
    ws = wb.active
    assert xlsx.print_on_a4(ws, widths, "1:1", 3) == how
