"""Every output in the reader's language (issue 14.1): no English sentence in a Vietnamese output of
any campaign's example — explain of every candidate, the table, Markdown and CSV, the HTML,
Markdown, XLSX and Word report, the award list, near misses, the blank template — and no Vietnamese
sentence in the English ones outside the plan's quotes and names. The detector is
tests/language.py; its own tests come first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from language import count, english_sentences, vietnamese_sentences

from engine.model.campaign import available_campaigns

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGNS = sorted(c for c in available_campaigns() if (ROOT / "examples" / f"{c}.yaml").exists())


def test_the_detector_finds_an_english_sentence() -> None:
    line = "      ghi chú: The text asks for “xếp loại Tốt”: a higher rating on the same scale is enough"
    assert english_sentences(line) == ["The text asks for", "a higher rating on the same scale is enough"]
    assert english_sentences("Không tính được kinh phí: the plan names no reward decree")


def test_the_detector_leaves_quotes_ids_and_kept_text_alone() -> None:
    assert english_sentences("Đạt: “the plan is the plan of the year”") == []
    assert english_sentences("biểu thức: not discipline_violation and late_dossiers == 0") == []
    assert english_sentences('ghi chú: "what is the point of it" là câu của kế hoạch') == []
    assert english_sentences("x: a or b and c if d", keep=["a or b and c if d"]) == []
    assert english_sentences("Bị loại: Số CBCCVC phải không quá 4; hiện là 5") == []


def test_the_detector_finds_a_vietnamese_sentence_but_not_a_name() -> None:
    assert vietnamese_sentences("note: kế hoạch không nêu số lượng khen thưởng") != []
    assert vietnamese_sentences("Sở Tài chính (so-tai-chinh) — Disqualified", keep=["Sở Tài chính"]) == []
    assert vietnamese_sentences("II.2.a: “Hoàn thành xuất sắc nhiệm vụ được giao trong năm 2020.”") == []
    # a long name a table cell wrapped over two lines is still a name
    assert vietnamese_sentences("Truyền thông và Văn", keep=["Trung tâm Truyền thông và Văn hóa"]) == []


@pytest.mark.parametrize("campaign", CAMPAIGNS)
@pytest.mark.slow
def test_vietnamese_outputs_have_no_english_sentence(campaign: str) -> None:
    found = count(campaign, "vi")
    assert not found, {k: v[:3] for k, v in found.items()}


@pytest.mark.parametrize("campaign", CAMPAIGNS)
@pytest.mark.slow
def test_english_outputs_have_no_vietnamese_sentence(campaign: str) -> None:
    found = count(campaign, "en")
    assert not found, {k: v[:3] for k, v in found.items()}


def test_explain_shows_outcomes_in_words_not_codes() -> None:
    from language import _outputs

    outs = _outputs("ninh_thuan_2020", "vi")
    text = outs["explain so-tai-chinh"]
    codes = r"\[(eligible|disqualified|department|on_time|late)\]|\b(pass|triggered|clear|unknown)\s{2,}|^\s+rule: "
    assert not re.search(codes, text, re.M), text
    assert "biểu thức: share(staff_violating_discipline, staff_total) > 0.10" in text
    assert "10% × Tổng số biên chế" in text


def test_json_notes_follow_the_output_language() -> None:
    import json

    from typer.testing import CliRunner

    from cli import app

    example = str(ROOT / "examples" / "ninh_thuan_2020.yaml")
    notes = {}
    for lang in ("vi", "en"):
        out = CliRunner().invoke(app, ["evaluate", "ninh_thuan_2020", example, "-f", "json", "--lang", lang])
        notes[lang] = json.loads(out.stdout)["rules"]["unit_par_rating_good"]["note"]
    assert notes["vi"].startswith('Kế hoạch yêu cầu "xếp loại Tốt"')
    assert notes["en"].startswith('The text asks for "xếp loại Tốt"')


def test_a_plain_string_note_is_still_read_in_both_languages(tmp_path: Path) -> None:
    from engine.model.campaign import load_campaign

    text = (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
    head, sep, rest = text.partition("  - id: unit_par_rating_good\n")
    block, nxt, tail = rest.partition("  - id: unit_initiative_recognized\n")
    start = block.index("    note:\n")
    block = block[:start] + '    note: "Tốt or better / Tốt trở lên"\n'
    path = tmp_path / "ninh_thuan_2020.yaml"
    path.write_text(head + sep + block + nxt + tail, encoding="utf-8")
    rule = next(c for c in load_campaign(str(path)).model.criteria if c.id == "unit_par_rating_good")
    assert rule.note is not None
    assert rule.note.get("vi") == rule.note.get("en") == "Tốt or better / Tốt trở lên"
