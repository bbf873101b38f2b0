"""Look-alike ids (issue 13.10): one id however its tone mark is placed or whatever invisible
characters it carries; two such ids are a duplicate naming both; a '#' id in CSV is not lost silently.

The duplicates themselves are in the hostile gallery (tests/hostile/lookalike_*).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine.model.facts import fold_id

runner = CliRunner()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Uỷ ban", "Ủy ban"),  # old / new tone placement
        ("hoà-bình", "hòa-bình"),
        ("thuỷ-lợi", "thủy-lợi"),
        ("khoẻ", "khỏe"),
        ("so-noi-vu", "so-noi\u200b-vu"),  # zero-width space
        ("so-noi-vu", "\ufeffso-noi-vu\u200d"),  # BOM, zero-width joiner
        ("uỷ-ban", "uy\u0309-ban"),  # decomposed
    ],
)
def test_these_fold_to_one_id(a: str, b: str) -> None:
    assert fold_id(a) == fold_id(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("hoà", "hoa"), ("hoà", "hóa"), ("ủy", "ũy"), ("ban-a", "ban-b"), ("tiến", "tiên"), ("ảnh-á", "anh-ả")],
)
def test_these_stay_two_ids(a: str, b: str) -> None:
    assert fold_id(a) != fold_id(b)


def test_a_reference_finds_the_id_however_its_tone_mark_is_placed(tmp_path: Path) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text(
        "units:\n  - {id: ubnd-hoà-bình, name: A, kind: commune}\n"
        "people:\n  - {id: p1, name: B, kind: civil_servant, unit: ubnd-hòa-bình, head: true}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json"])
    assert result.exit_code == 0, result.output
    person = json.loads(result.stdout)["candidates"][1]
    assert person["unit"] == "ubnd-hoà-bình"  # the id as the file defines it
    shown = runner.invoke(app, ["explain", "ninh_thuan_2020", str(facts), "ubnd-hòa-bình\u200b"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("A (ubnd-hoà-bình)")


def test_a_csv_id_starting_with_hash_is_not_dropped_silently(tmp_path: Path) -> None:
    facts = tmp_path / "f.csv"
    facts.write_text("id,name,group,kind\n#12,Trường số 12,unit,department\nu1,A,unit,department\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json"])
    assert result.exit_code == 0
    assert [c["id"] for c in json.loads(result.stdout)["candidates"]] == ["u1"]
    assert result.stderr.strip() == (
        f"{facts}:2:1: cảnh báo: cột A: dòng bắt đầu bằng '#12' được đọc là ghi chú, không phải một đơn vị hay cá nhân"
        " — mã không được bắt đầu bằng '#': đổi mã, hoặc xóa các ô khác của dòng"
    )
    english = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json"], env={"THIDUA_LANG": "en"})
    assert english.stderr.strip() == (
        f"{facts}:2:1: warning: column A: the row starting with '#12' is read as a note, not as a candidate"
        " — an id cannot start with '#': rename it, or clear the row's other cells"
    )


def test_a_plain_note_row_gives_no_warning(tmp_path: Path) -> None:
    facts = tmp_path / "f.csv"
    facts.write_text("id,name,group,kind\n# checked by the office,,,\nu1,A,unit,department\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json"])
    assert result.exit_code == 0 and result.stderr == ""


def test_look_alike_ids_across_several_files(tmp_path: Path) -> None:
    """One population from several files (issue 15.1): an id once across them, however written."""
    one, two = tmp_path / "a.yaml", tmp_path / "b.yaml"
    one.write_text('units:\n  - {id: "ubnd-hoà-bình", name: A, kind: commune}\n', encoding="utf-8")
    two.write_text('units:\n  - {id: "ubnd-hòa-bình", name: B, kind: commune}\n', encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(one), str(two)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{two}:2:6: units[ubnd-hòa-bình]: mã 'ubnd-hòa-bình' cũng có trong {one}:2 (ghi là 'ubnd-hoà-bình')"
        " — mỗi mã chỉ dùng một lần trong tất cả các tệp của lần xét; đổi một mã, hoặc bỏ bản trùng"
    )
    two.write_text(
        'people:\n  - {id: p1, name: C, kind: civil_servant, unit: "ubnd-hòa-bình\\u200b"}\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(one), str(two), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["candidates"][1]["unit"] == "ubnd-hoà-bình"
