"""The HTML report in a real browser: headless Chromium prints it to PDF and PNG.

Checks that the pages are A4, that no table (and no cell) is wider than the printable width,
and that the Vietnamese text survives into the PDF. Skipped only where no Chromium binary
exists; .ci/run installs Debian's `chromium`, so CI runs it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from engine.pipeline import run
from engine.render.report_file import make_report
from engine.render.report_pdf import HEADLESS, find_browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
CHROMIUM = find_browser()  # the browser `report -o x.pdf` would use (engine/render/report_pdf.py)
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary on this machine"), pytest.mark.slow]
FLAGS = HEADLESS
A4 = (595.28, 841.89)  # points

# Injected into a copy of the report only (the report itself carries no script): measure every
# table and cell against the body, whose width is the A4 printable width (165 mm).
MEASURE = """<script>
var body = document.body.getBoundingClientRect(), bad = [];
document.querySelectorAll('table, td, th').forEach(function (el) {
  var r = el.getBoundingClientRect();
  if (r.right > body.right + 1 || r.left < body.left - 1 || el.scrollWidth > el.clientWidth + 1)
    bad.push(el.tagName + ': ' + el.textContent.trim().slice(0, 60));
});
document.body.setAttribute('data-overflow', JSON.stringify({width: body.width, bad: bad}));
</script>"""


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    path = tmp / "report.html"
    path.write_bytes(make_report(run("ninh_thuan_2020", EXAMPLE), path))
    return path


@pytest.fixture(scope="module")
def long_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report whose names and ids are long and unbreakable: the layout must still fit."""
    tmp = tmp_path_factory.mktemp("long")
    name = "Ủy" + "ban" * 60
    facts = tmp / "facts.yaml"
    facts.write_text(
        "as_of: 2021-01-25\nunits:\n"
        f"  - {{id: {'x' * 120}, name: {name}, kind: department, facts: {{task_completion: excellent}}}}\n",
        encoding="utf-8",
    )
    path = tmp / "report.html"
    path.write_bytes(make_report(run("ninh_thuan_2020", facts), path))
    return path


def test_pdf_is_a4_and_keeps_the_vietnamese_text(html: Path) -> None:
    from pypdf import PdfReader

    pdf = html.with_suffix(".pdf")
    result = chromium(html.parent, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    assert pdf.exists() and pdf.stat().st_size > 10_000, result.stderr[-2000:]
    reader = PdfReader(pdf)
    assert len(reader.pages) > 1
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1
    # layout mode keeps the glyph runs of one word together (plain mode splits at each diacritic)
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text(extraction_mode="layout") for p in reader.pages[:3]))
    text = re.sub(r"[ \t]+", " ", text)
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Ủy ban nhân dân huyện Ninh Hải" in text


sys.path.insert(0, str(ROOT / "tests" / "golden"))
from regenerate import GOLDEN  # noqa: E402

GOLDENS = sorted(name.removesuffix(".html") for name in GOLDEN if name.endswith(".html"))


@pytest.mark.parametrize("which", ["html", "long_names", *GOLDENS])
def test_no_table_overflows_the_page_width(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if which in ("html", "long_names"):
        path: Path = request.getfixturevalue(which)
    else:  # every campaign's golden report
        path = tmp_path / "report.html"
        path.write_bytes((ROOT / "tests" / "golden" / f"{which}.html").read_bytes())
    probe = path.with_name("probe.html")
    probe.write_text(path.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    result = chromium(path.parent, "--window-size=794,1123", "--dump-dom", probe.as_uri())
    found = re.search(r'data-overflow="([^"]*)"', result.stdout)
    assert found, result.stderr[-2000:]
    data = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert 600 < data["width"] < 640  # 165 mm at 96 dpi: the A4 width less the Decree 30 margins
    assert data["bad"] == []


def test_png_screenshot(html: Path) -> None:
    png = html.with_suffix(".png")
    result = chromium(html.parent, "--hide-scrollbars", "--window-size=794,1123", f"--screenshot={png}", html.as_uri())
    assert png.exists(), result.stderr[-2000:]
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20], "big") == 794


# ---------------------------------------------------------------- thidua report -o report.pdf (issue 14.4)

ALLOWED_FACES = ("LiberationSerif", "TimesNewRoman", "Tinos")  # Times New Roman or its metric twins


def embedded_fonts(pdf: Path) -> set[str]:
    from pypdf import PdfReader

    faces = set()
    for page in PdfReader(pdf).pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            font = f.get_object()
            faces.add(str(font["/BaseFont"]).split("+")[-1])
            for d in font.get("/DescendantFonts", []):
                faces.add(str(d.get_object()["/BaseFont"]).split("+")[-1])
    return faces


@pytest.mark.parametrize("cid", ["ninh_thuan_2020", "ninh_thuan_2025", "uong_bi_2024", "syt_2024", "my_thanh_2015"])
def test_report_pdf_is_a4_numbered_from_page_2_in_one_vietnamese_complete_face(cid: str, tmp_path: Path) -> None:
    from pypdf import PdfReader
    from typer.testing import CliRunner

    from cli import app

    pdf = tmp_path / "report.pdf"
    facts = ROOT / "examples" / f"{cid}.yaml"
    result = CliRunner().invoke(app, ["report", cid, str(facts), "-o", str(pdf)])  # the default: short
    assert result.exit_code == 0, result.stderr
    first = pdf.read_bytes()
    assert first.startswith(b"%PDF")
    assert CliRunner().invoke(app, ["report", cid, str(facts), "-o", str(pdf), "--no-appendix"]).exit_code == 0
    assert pdf.read_bytes() == first, "same inputs, same PDF; --no-appendix is the default's synonym"
    reader = PdfReader(pdf)
    assert 2 <= len(reader.pages) <= 10, "the default report of each example: at most 10 pages (issue 23.5)"
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - A4[0]) < 1 and abs(float(page.mediabox.height) - A4[1]) < 1
    faces = embedded_fonts(pdf)
    assert faces and all(f.startswith(ALLOWED_FACES) for f in faces), f"a fallback face was used: {faces}"
    pages = [unicodedata.normalize("NFC", p.extract_text(extraction_mode="layout")) for p in reader.pages]
    assert pages[1].strip().startswith("2") and not pages[0].strip().startswith("1")
    text = re.sub(r"[ \t]+", " ", "\n".join(pages))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nơi nhận" in text
    # the audit trail on the last pages, after Nơi nhận; the body before it holds no work log (issue 23.4)
    from test_documents import work_log

    annex = next(i for i, t in enumerate(pages) if "PHỤ LỤC: THÔNG TIN KIỂM TRA" in t)
    body = re.sub(r"\s+", " ", "\n".join(pages[:annex]))
    assert "Nơi nhận" in body
    found = [m.group(0) for p in work_log(cid) for m in [re.search(p, body)] if m]
    assert not found, found[:5]


def test_a_10000_candidate_report_is_at_most_30_pages(tmp_path: Path) -> None:
    """The default report of a province-size file: the lists, the ties, a capped reserve, the first
    excluded with a count per reason — not every candidate (issue 23.5: it was 530 pages)."""
    import sys

    from pypdf import PdfReader

    sys.path.insert(0, str(ROOT / "bench"))
    from synth import write

    facts = write(tmp_path / "facts.json", 10_000)
    ev = run("ninh_thuan_2020", facts)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(make_report(ev, pdf))
    pages = len(PdfReader(pdf).pages)
    assert 3 <= pages <= 30, pages
