"""Documents an office signs and sends (issue 14): the Decree 30 profile, Word, print-ready XLSX, formats.

The Word document is opened with python-docx, and converted to PDF with LibreOffice headless
(skipped only where `soffice` is absent; .ci/run installs libreoffice-writer). The PDF route
(headless Chromium) is tested in tests/test_report_browser.py.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app
from engine.common.errors import UsageError
from engine.evaluate.allocate import allocate
from engine.pipeline import run
from engine.render.formats import choose
from engine.render.profile import DocumentProfile, load_profile, resolve_profile
from engine.render.report import build_context
from engine.render.report_file import make_report
from engine.render.xlsx import MONEY

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
CAMPAIGNS = ("ninh_thuan_2020", "ninh_thuan_2025", "uong_bi_2024", "syt_2024", "my_thanh_2015")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
runner = CliRunner()


def head(cid: str, profile: DocumentProfile | None = None, lang: str = "vi"):  # type: ignore[no-untyped-def]
    ev = run(cid, ROOT / "examples" / f"{cid}.yaml")
    return build_context(ev, allocate(ev), lang, profile).head


# ---------------------------------------------------------------- 14.2 the Decree 30 head and foot


# Who writes to whom (issue 23.2): the body that proposes, the authority that awards, and how the
# signer signs for the body (Decree 30/2020/NĐ-CP, Phụ lục I). One row per campaign level:
# (campaign, governing body, office lines, office in a sentence, Số, Kính gửi, sign mode, title)
WHO_WRITES = [
    (
        "ninh_thuan_2020",  # a province: III.3 "Sở Nội vụ có trách nhiệm thẩm định, trình …"
        ["UBND TỈNH NINH THUẬN"],
        ["SỞ NỘI VỤ"],
        "Sở Nội vụ",
        "/TTr-SNV",
        ["Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận"],  # III.3: "trình Chủ tịch Ủy ban nhân dân tỉnh"
        "",
        "GIÁM ĐỐC",
    ),
    (
        "ninh_thuan_2025",
        ["UBND TỈNH NINH THUẬN"],
        ["SỞ NỘI VỤ"],
        "Sở Nội vụ",
        "/TTr-SNV",
        ["Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận"],  # the Bằng khen is the chairman's
        "",
        "GIÁM ĐỐC",
    ),
    (
        "uong_bi_2024",  # a city: III.3 "gửi về Phòng Nội vụ tổng hợp, thẩm định trình"
        ["UBND THÀNH PHỐ UÔNG BÍ"],
        ["PHÒNG NỘI VỤ"],
        "Phòng Nội vụ",
        "/TTr-PNV",
        ["Chủ tịch Ủy ban nhân dân thành phố Uông Bí"],
        "",
        "TRƯỞNG PHÒNG",
    ),
    (
        "syt_2024",  # a department: V.3 "Giao Phòng Tổ chức … thẩm định, trình Giám đốc Sở khen thưởng"
        ["SỞ Y TẾ TỈNH NINH THUẬN"],
        ["PHÒNG TỔ CHỨC CÁN BỘ"],
        "Phòng Tổ chức cán bộ Sở Y tế",
        "/TTr-TCCB",
        ["Giám đốc Sở Y tế tỉnh Ninh Thuận"],
        "",
        "TRƯỞNG PHÒNG",
    ),
    (
        "my_thanh_2015",  # a commune: its council (plan II.3), a collective body: TM. Hội đồng
        ["UBND XÃ MỸ THẠNH"],
        ["HỘI ĐỒNG", "THI ĐUA - KHEN THƯỞNG"],
        "Hội đồng Thi đua - Khen thưởng xã Mỹ Thạnh",
        "/TTr-HĐTĐKT",
        ["Chủ tịch Ủy ban nhân dân xã Mỹ Thạnh"],  # II.3: "đề nghị về Ủy ban nhân dân xã khen thưởng"
        "TM. HỘI ĐỒNG",
        "CHỦ TỊCH",
    ),
]


@pytest.mark.parametrize("row", WHO_WRITES, ids=[r[0] for r in WHO_WRITES])
def test_the_body_that_proposes_writes_to_the_authority_that_awards(row: tuple) -> None:  # type: ignore[type-arg]
    from engine.render.profile import is_self

    cid, governing, office, office_name, number, addressee, mode, title = row
    h = head(cid)
    assert (h.governing, h.office, h.office_name) == (governing, office, office_name)
    assert h.number_submission.endswith(number) and h.number_report.endswith(number.replace("TTr", "BC"))
    assert h.addressee == addressee and h.recipients[0] == addressee[0] and h.recipients[-1] == "Lưu: VT"
    assert not any(is_self(a, h.office_name) for a in h.addressee)  # a body never kính trình itself
    assert (h.sign_mode, h.sign_title) == (mode, title)
    assert h.sign_name == ""  # the plan names who signed the plan, not who signs the proposal


@pytest.mark.parametrize(
    ("office", "title", "expected"),
    [
        ("Sở Nội vụ", "Phó Giám đốc", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),  # a deputy signs for the head
        ("Sở Nội vụ", "Quyền Giám đốc", ("Q. GIÁM ĐỐC", "")),  # an acting head
        ("Văn phòng Sở Y tế", "Phó Chánh Văn phòng", ("KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")),
        ("Ủy ban nhân dân xã Mỹ Thạnh", "Chủ tịch", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),  # a collective body
        ("Hội đồng Thi đua - Khen thưởng tỉnh", "Phó Chủ tịch", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
        ("Phòng Nội vụ", "Trưởng phòng", ("", "TRƯỞNG PHÒNG")),  # the head of a one-person body
    ],
)
def test_tm_kt_q_follow_from_the_signers_relation_to_the_body(office: str, title: str, expected: tuple) -> None:  # type: ignore[type-arg]
    h = head("ninh_thuan_2020", DocumentProfile.model_validate({"office": office, "signer": {"title": title}}))
    assert (h.sign_mode, h.sign_title) == expected


def test_an_office_that_grants_every_award_leaves_kinh_gui_to_fill() -> None:
    """The Sở Y tế itself as the office: its Giám đốc grants the only award — never addressed to itself."""
    h = head("syt_2024", DocumentProfile(office="Sở Y tế"))
    assert h.addressee == [] and h.recipients == ["Lưu: VT"]


def test_a_profile_file_sets_every_part(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(
        "office: Sở Nội vụ\n"
        "abbreviation: SNV\n"
        "number: '15'\n"
        "date: 2021-02-05\n"
        "addressee: Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận\n"
        "signer: {mode: KT., of: Giám đốc, title: Phó Giám đốc, name: Nguyễn Văn Bình}\n"
        "recipients: [Hội đồng TĐKT tỉnh, Ban Thi đua - Khen thưởng]\n",
        encoding="utf-8",
    )
    h = head("ninh_thuan_2020", load_profile(path))
    assert h.number_submission == "Số: 15/TTr-SNV" and h.submission_ref == "15/TTr-SNV"
    assert h.place_date == "Ninh Thuận, ngày 05 tháng 02 năm 2021"  # a day below 10 and months 1, 2 take a 0
    assert (h.sign_mode, h.sign_title, h.sign_name) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Bình")
    assert h.recipients == [
        "Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận",
        "Hội đồng TĐKT tỉnh",
        "Ban Thi đua - Khen thưởng",
        "Lưu: VT",
    ]
    assert h.governing == ["UBND TỈNH NINH THUẬN"]  # not set: the default stays
    # options go over the file
    over = resolve_profile(path, {"number": "16", "signer.name": "Trần Văn C", "office": None})
    assert over is not None
    h = head("ninh_thuan_2020", over)
    assert h.number_submission == "Số: 16/TTr-SNV" and h.sign_name == "Trần Văn C" and h.sign_title == "PHÓ GIÁM ĐỐC"
    # lines as written, and no governing body
    h = head("ninh_thuan_2020", DocumentProfile(office=["Ban Thi đua -", "Khen thưởng tỉnh"], governing_body=""))
    assert h.office == ["BAN THI ĐUA -", "KHEN THƯỞNG TỈNH"] and h.governing == []


@pytest.mark.parametrize(
    ("text", "fragment", "fragment_en"),
    [
        (
            "office: Sở Nội vụ\nofice: x\n",
            "profile.yaml:2:1: ofice: khóa 'ofice' không có trong mẫu — có phải ý bạn là 'office'?",
            "profile.yaml:2:1: ofice: unknown key 'ofice' — did you mean 'office'?",
        ),
        (
            "signer:\n  mode: KT\n",
            "profile.yaml:2:3: signer.mode: không dùng được 'KT' ở đây",
            "profile.yaml:2:3: signer.mode: 'KT' is not allowed",
        ),
        (
            "date: 31/02/2021\n",
            "profile.yaml:1:1: date: '31/02/2021' không phải là ngày — ghi theo dạng dd/mm/yyyy",
            "profile.yaml:1:1: date: '31/02/2021' is not a date — write dd/mm/yyyy",
        ),
        ("date: 05/02/2021\nnumber: [1]\n", "profile.yaml:2:1: number", "profile.yaml:2:1: number"),
        ("- office\n", "tệp hồ sơ văn bản phải gồm các khóa", "a profile must be a mapping"),
    ],
)
def test_a_bad_profile_is_one_located_line(tmp_path: Path, text: str, fragment: str, fragment_en: str) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as e:
        load_profile(path)
    assert fragment in e.value.problems[0].render("vi")
    assert fragment_en in e.value.problems[0].render("en")
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "ninh_thuan_2020", str(EXAMPLE), "-o", str(out), "--profile", str(path)])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_a_bad_option_names_the_option(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "ninh_thuan_2020", str(EXAMPLE), "-o", str(out), "--sign-mode", "XX"])
    assert result.exit_code == 2 and result.stderr.startswith("--sign-mode: 'XX'") and not out.exists()


def test_html_head_lines_unbroken_and_short_form(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    args = ["report", "my_thanh_2015", str(ROOT / "examples" / "my_thanh_2015.yaml"), "-o", str(out)]
    office = ["--office", "Ủy ban nhân dân xã Mỹ Thạnh"]  # the commune's committee instead of its council
    assert runner.invoke(app, [*args, *office, "--number", "7", "--signer", "Phạm Thanh Diễn"]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<div>ỦY BAN NHÂN DÂN</div><div>XÃ MỸ THẠNH</div>" in html
    assert ".issuer div { white-space: nowrap; }" in html
    assert "Số: 7/BC-UBND" in html and "TM. ỦY BAN NHÂN DÂN" in html
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Giồng Trôm" in html  # the committee does not write to itself
    assert "@top-center { content: counter(page)" in html and "@page :first { @top-center { content: none; } }" in html
    assert runner.invoke(app, [*args, "--appendix"]).exit_code == 0
    full = out.read_text(encoding="utf-8")
    for short_args in (
        [],
        ["--no-appendix"],
    ):  # the default is short; --no-appendix says so (CONTRACT: add, never rename)
        assert runner.invoke(app, [*args, *short_args]).exit_code == 0
        short = out.read_text(encoding="utf-8")
        assert 'class="appendix"' in full and 'class="appendix"' not in short and len(short) < len(full) / 2


# ---------------------------------------------------------------- 14.3 the Word document


def docx(cid: str = "ninh_thuan_2020", lang: str = "vi") -> bytes:
    return make_report(run(cid, ROOT / "examples" / f"{cid}.yaml"), Path("r.docx"), lang)


def test_word_document_opens_and_is_a4_times_with_decree_30_margins() -> None:
    from docx import Document
    from docx.shared import Mm

    data = docx()
    assert data == docx(), "the same inputs give the same bytes"
    d = Document(io.BytesIO(data))
    s = d.sections[0]
    assert (round(s.page_width / Mm(1)), round(s.page_height / Mm(1))) == (210, 297)
    assert 20 <= round(s.top_margin / Mm(1)) <= 25 and 20 <= round(s.bottom_margin / Mm(1)) <= 25
    assert 30 <= round(s.left_margin / Mm(1)) <= 35 and 15 <= round(s.right_margin / Mm(1)) <= 20
    assert d.styles["Normal"].font.name == "Times New Roman"
    assert s.different_first_page_header_footer and "PAGE" in s.header._element.xml
    text = "\n".join(p.text for p in d.paragraphs)
    assert "TỜ TRÌNH" in text and "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text and "Kính gửi" in text
    assert "DANH SÁCH DỰ PHÒNG" in text and "BẰNG ĐIỂM" in text
    lists = [t for t in d.tables if t.rows[0].cells[0].text == "STT"]
    assert lists and [c.text for c in lists[0].rows[0].cells] == [
        "STT",
        "Họ tên / Tên tập thể",
        "Chức vụ",
        "Đơn vị",
        "Hình thức",
        "Mức tiền (đồng)",
    ]
    assert "w:tblHeader" in lists[0].rows[0]._tr.xml  # the header row repeats on every page
    cells = {c.text for t in lists for r in t.rows for c in r.cells}
    assert "Giám đốc Sở" in cells and "2.980.000" in cells  # a position, an amount
    props = d.core_properties
    assert props.created is not None and props.created.date().isoformat() == "2021-01-25"
    assert props.author == "thidua"
    # the ties and the reserve each begin on a page of their own
    body = d.element.body.xml
    assert body.index('w:type="page"') < body.index("BẰNG ĐIỂM TẠI NGƯỠNG") < body.rindex('w:type="page"')
    reserve = body.index("DANH SÁCH DỰ PHÒNG")
    assert body.rindex('w:type="page"', 0, reserve) > body.index("BẰNG ĐIỂM TẠI NGƯỠNG")
    # the audit trail last, on a page of its own after Nơi nhận (issue 23.4)
    annex = body.index("PHỤ LỤC: THÔNG TIN KIỂM TRA")
    assert reserve < body.rindex('w:type="page"') < annex and "Nơi nhận" in body[:reserve]


def test_word_document_reads_the_same_context_as_the_html() -> None:
    """One meaning: the amounts, names and counts are the context's (no second computation)."""
    ev = run("ninh_thuan_2020", EXAMPLE)
    ctx = build_context(ev, allocate(ev))
    from docx import Document

    d = Document(io.BytesIO(docx()))
    text = "\n".join(p.text for p in d.paragraphs)
    assert ctx.budget.total in text
    for a in ctx.awards:
        assert f"{a.group}: {len(a.selected)}" in text


SIGNER = "Nguyễn Văn Bình"


def signed_docx(cid: str, recipients: int = 0) -> bytes:
    """The campaign's Word document with a signer's name (and `recipients` more lines of Nơi nhận,
    which moves the signature block down the page)."""
    from engine.render.profile import SignerIn

    profile = DocumentProfile(
        signer=SignerIn(name=SIGNER), recipients=[f"Đơn vị nhận số {i + 1}" for i in range(recipients)] or None
    )
    ev = run(cid, ROOT / "examples" / f"{cid}.yaml")
    return make_report(ev, Path("r.docx"), profile=profile)


def libreoffice_pdf(data: bytes, tmp_path: Path, name: str) -> Path:
    assert SOFFICE is not None
    src = tmp_path / f"{name}.docx"
    src.write_bytes(data)
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    pdf = tmp_path / f"{name}.pdf"
    assert pdf.exists(), done.stderr[-2000:]
    return pdf


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.slow
@pytest.mark.parametrize("recipients", [0, 9])
@pytest.mark.parametrize("cid", CAMPAIGNS)
def test_libreoffice_converts_the_word_document_to_a4_pdf(cid: str, recipients: int, tmp_path: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(libreoffice_pdf(signed_docx(cid, recipients), tmp_path, cid))
    assert 2 <= len(reader.pages) <= 10  # the default: the Tờ trình, its lists and the annex (issue 23.5)
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.3) < 1.5 and abs(float(page.mediabox.height) - 841.9) < 1.5
    pages = [unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages]
    text = "\n".join(pages)
    assert "TỜ TRÌNH" in text and "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text and "Độc lập - Tự do - Hạnh phúc" in text
    # the signature is one block: the signer's title and name on the same page (issue 23: Mỹ Thạnh's
    # name alone on page 2), and the closing sentence above them
    h = head(cid)
    signed = [i for i, t in enumerate(pages) if SIGNER in t]
    assert signed and h.sign_title in pages[signed[0]] and "Nơi nhận" in pages[signed[0]]
    assert "./." in pages[signed[0]]
    fonts = {
        str(f.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for f in (page["/Resources"].get("/Font") or {}).values()
    }
    assert fonts and all(f.startswith(("LiberationSerif", "TimesNewRoman", "Tinos")) for f in fonts), fonts


@pytest.mark.parametrize("cid", CAMPAIGNS)
def test_the_word_head_draws_both_short_rules(cid: str) -> None:
    """Decree 30/2020: a short rule under the issuing office's name and one under the tiêu ngữ."""
    from docx import Document

    d = Document(io.BytesIO(docx(cid)))
    left, right = d.tables[0].rows[0].cells
    for cell, above in ((left, head(cid).office[-1]), (right, "Độc lập - Tự do - Hạnh phúc")):
        texts = [p.text for p in cell.paragraphs]
        rule = cell.paragraphs[texts.index(above) + 1]
        assert rule.text == "" and "<w:pBdr>" in rule._p.xml and 'w:val="single"' in rule._p.xml
        indent = rule.paragraph_format.left_indent
        assert indent is not None and indent > 0  # short: narrower than its column


# ---------------------------------------------------------------- 23.4 a document is not a work log


def work_log(cid: str) -> list[str]:
    """What the body of a document to sign never holds: candidate ids, file names, hashes, DOMAIN.md,
    the backend, the encoding's notes (as regular expressions)."""
    import re

    ev = run(cid, ROOT / "examples" / f"{cid}.yaml")
    m = ev.campaign.model
    notes = [x.note.get("vi") for x in (*m.criteria, *m.disqualifiers, *m.awards) if x.note]
    return [
        *(rf"(?<![\w-]){re.escape(r.id)}(?![\w-])" for r in ev.results),
        rf"{re.escape(cid)}\.(yaml|txt)",
        r"\b[0-9a-f]{64}\b",
        r"DOMAIN\.md",
        r"\b(native|durable)\b",
        r"SHA-256",
        r"kế hoạch không ghi",
        *(re.escape(" ".join(n.split())[:60]) for n in notes),
    ]


def body_text(cid: str, fmt: str) -> str:
    """The text of the document to sign in one format: up to its annex, where the audit trail goes."""
    import html as html_lib
    import re

    ev = run(cid, ROOT / "examples" / f"{cid}.yaml")
    data = make_report(ev, Path(f"r.{fmt}"))
    annex = "PHỤ LỤC: THÔNG TIN KIỂM TRA LẠI KẾT QUẢ"
    if fmt == "html":
        text = data.decode()
        assert text.index("Nơi nhận") < text.index('<div class="annex')  # the annex after Nơi nhận
        text = text[: text.index('<div class="annex')]
        return html_lib.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", text, flags=re.S))
    if fmt == "md":
        text = data.decode()
        assert text.index("Nơi nhận") < text.index(annex)
        return text[: text.index(annex)]
    if fmt == "docx":
        from docx import Document

        d = Document(io.BytesIO(data))
        out: list[str] = []
        for block in d.element.body.iterchildren():
            texts = "".join(
                t.text or "" for t in block.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")
            )
            if texts == annex:
                break
            out.append(texts)
        props = d.core_properties
        assert "Nơi nhận" in "\n".join(out)
        return "\n".join(
            [*out, props.title, props.subject, props.keywords, props.comments, d.sections[0].header.paragraphs[0].text]
        )
    wb = load_workbook(io.BytesIO(data))  # the sheets an office prints and sends: the proposal, the ties and reserve
    return "\n".join(
        str(c.value) for ws in wb.worksheets[:2] for row in ws.iter_rows() for c in row if c.value is not None
    )


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "xlsx"])
@pytest.mark.parametrize("cid", CAMPAIGNS)
def test_the_body_holds_no_id_file_name_hash_or_encoders_note(cid: str, fmt: str) -> None:
    import re

    text = unicodedata.normalize("NFC", body_text(cid, fmt))
    found = [m.group(0) for pattern in work_log(cid) for m in [re.search(pattern, text)] if m]
    assert not found, f"{cid}.{fmt}: {found[:5]}"


def test_the_work_log_check_can_fail() -> None:
    """The appendix-free body is checked; the annex itself holds exactly what the check forbids."""
    import re

    ev = run("ninh_thuan_2020", EXAMPLE)
    annex = make_report(ev, Path("r.md")).decode().split("PHỤ LỤC: THÔNG TIN KIỂM TRA LẠI KẾT QUẢ")[1]
    hits = {p for p in work_log("ninh_thuan_2020") if re.search(p, annex)}
    assert r"\b[0-9a-f]{64}\b" in hits and r"\b(native|durable)\b" in hits and len(hits) > 10


# ---------------------------------------------------------------- 14.5 the print-ready workbook


def test_workbook_prints_to_width_with_numbers_titles_and_totals(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(make_report(run("ninh_thuan_2020", EXAMPLE), path))
    wb = load_workbook(path)
    ws = wb["Danh sách đề nghị khen thưởng"]
    for sheet in wb.worksheets:  # fitted to the page's width, or split over pages (tests/test_xlsx_print.py)
        split = sheet.title == "Kết quả xét"
        assert split or (sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is not split
        assert sheet.print_title_rows
    assert str(ws["A1"].value).startswith("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG")
    headers = [c.value for c in ws[4]]
    assert headers[:4] == ["STT", "Họ tên / Tên tập thể", "Chức vụ", "Đơn vị"]
    assert ws.print_title_rows == "$4:$4"
    amounts = [r[5] for r in ws.iter_rows(min_row=5) if isinstance(r[5].value, int)]
    assert amounts and all(c.number_format == MONEY for c in amounts)  # 1.490.000 (issue 23.6)
    assert 2_980_000 in {c.value for c in amounts}
    labels = [str(r[1].value) for r in ws.iter_rows(min_row=5)]
    assert any(x.startswith("Cộng (12)") for x in labels) and "Tổng kinh phí" in labels
    positions = {r[2].value for r in ws.iter_rows(min_row=5)}
    assert "Giám đốc Sở" in positions
    statuses = {r[7].value for r in wb["Bằng điểm, dự phòng"].iter_rows(min_row=5)}
    assert statuses == {"Bằng điểm — Hội đồng quyết định", "Dự phòng"}
    proposed = {r[1].value for r in ws.iter_rows(min_row=5)}
    apart = {r[1].value for r in wb["Bằng điểm, dự phòng"].iter_rows(min_row=5)}
    assert not (proposed & apart), "ties and reserve are not in the proposal"


# ---------------------------------------------------------------- the facts field `position`


def test_position_from_yaml_csv_and_the_blank_template(tmp_path: Path) -> None:
    facts = tmp_path / "f.csv"
    facts.write_text(
        "id,name,group,kind,unit,position,task_completion\n"
        "u1,Sở Nội vụ,unit,department,,,excellent\n"
        "p1,Nguyễn Văn A,person,civil_servant,u1,Phó Giám đốc,excellent\n",
        encoding="utf-8",
    )
    ev = run("ninh_thuan_2020", facts)
    assert ev.facts.by_id["p1"].position == "Phó Giám đốc" and ev.facts.by_id["u1"].position == ""
    assert run("ninh_thuan_2020", EXAMPLE).facts.by_id["nv-0001"].position == "Giám đốc Sở"
    out = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["template", "ninh_thuan_2020", "-o", str(out)]).exit_code == 0
    people = load_workbook(out)["Cá nhân"]
    assert any("[position]" in str(c.value) for row in people.iter_rows(max_row=6) for c in row)


# ---------------------------------------------------------------- 14.7 formats follow -o


@pytest.mark.parametrize(
    ("command", "fmt", "out", "expected"),
    [
        ("evaluate", None, None, "table"),
        ("evaluate", None, "r.json", "json"),
        ("evaluate", None, "r.csv", "csv"),
        ("evaluate", None, "r.md", "markdown"),
        ("evaluate", "json", "r.log", "json"),
        ("evaluate", None, "r", "table"),
        ("award", None, "a.JSON", "json"),
        ("report", None, "r.docx", "docx"),
        ("report", "pdf", "r.pdf", "pdf"),
        ("report", "docx", "r.bin", "docx"),
    ],
)
def test_the_format_follows_the_output(command: str, fmt: str | None, out: str | None, expected: str) -> None:
    assert choose(command, fmt, Path(out) if out else None) == expected


@pytest.mark.parametrize(
    ("command", "fmt", "out", "fragment", "fragment_en"),
    [
        (
            "evaluate",
            None,
            "r.xlsx",
            "lệnh thidua evaluate không ghi được tệp '.xlsx' — lệnh này ghi được: table (.txt), json",
            "thidua evaluate cannot write a '.xlsx' file — it writes table (.txt), json",
        ),
        (
            "evaluate",
            "json",
            "r.csv",
            "đuôi tệp '.csv' không khớp với --format json",
            "the extension '.csv' contradicts --format json",
        ),
        (
            "explain",
            "csv",
            None,
            "'csv' không phải là định dạng của lệnh thidua explain — lệnh này ghi được: table (.txt), json (.json)",
            "'csv' is not a format of thidua explain — it writes table (.txt), json (.json)",
        ),
        (
            "award",
            None,
            "a.csv",
            "lệnh thidua award không ghi được tệp '.csv'",
            "thidua award cannot write a '.csv' file",
        ),
        (
            "report",
            "table",
            "r.html",
            "'table' không phải là định dạng của lệnh thidua report",
            "'table' is not a format of thidua report",
        ),
        (
            "report",
            None,
            "r.odt",
            "không biết ghi báo cáo theo định dạng nào từ tên tệp",
            "cannot tell the report's format",
        ),
        ("report", "html", "r.pdf", "không khớp với --format html", "contradicts --format html"),
    ],
)
def test_a_format_the_command_lacks_is_an_error(
    command: str, fmt: str | None, out: str | None, fragment: str, fragment_en: str
) -> None:
    with pytest.raises(UsageError) as e:
        choose(command, fmt, Path(out) if out else None)
    assert fragment in e.value.problems[0].render("vi")
    assert fragment_en in e.value.problems[0].render("en")


def test_never_a_terminal_table_in_a_spreadsheet_file(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 2 and "không ghi được tệp '.xlsx'" in result.stderr and not out.exists()
    csv = tmp_path / "r.csv"
    assert runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(EXAMPLE), "-o", str(csv)]).exit_code == 0
    assert "," in csv.read_text(encoding="utf-8-sig").splitlines()[0] and "│" not in csv.read_text(encoding="utf-8")
    js = tmp_path / "a.json"
    assert runner.invoke(app, ["award", "ninh_thuan_2020", str(EXAMPLE), "-o", str(js)]).exit_code == 0
    assert js.read_text(encoding="utf-8").lstrip().startswith("{")
    result = runner.invoke(app, ["award", "ninh_thuan_2020", str(EXAMPLE), "-f", "csv"])
    assert result.exit_code == 2 and "'csv' không phải là định dạng của lệnh thidua award" in result.stderr
    docx_out = tmp_path / "r.docx"
    result = runner.invoke(app, ["report", "ninh_thuan_2020", str(EXAMPLE), "-o", str(docx_out)])
    assert result.exit_code == 0 and docx_out.read_bytes()[:2] == b"PK"


def test_no_browser_is_one_line_saying_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_BROWSER", str(tmp_path / "no-such-browser"))
    pdf = tmp_path / "report.pdf"
    result = runner.invoke(app, ["report", "ninh_thuan_2020", str(EXAMPLE), "-o", str(pdf)])
    assert result.exit_code == 2 and not pdf.exists()
    assert len(result.stderr.strip().splitlines()) == 1 and "apt-get install chromium" in result.stderr


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.slow
def test_a_10000_candidate_word_document_is_at_most_30_pages(tmp_path: Path) -> None:
    """Issue 23.5: the ties printed once with their shared rank and values, the reserve capped."""
    import sys

    from pypdf import PdfReader

    sys.path.insert(0, str(ROOT / "bench"))
    from synth import write

    ev = run("ninh_thuan_2020", write(tmp_path / "facts.json", 10_000))
    pages = len(PdfReader(libreoffice_pdf(make_report(ev, Path("r.docx")), tmp_path, "big")).pages)
    assert 3 <= pages <= 30, pages
