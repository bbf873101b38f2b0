"""Look-alike ids inside one file (issue 26.6): two candidates of one facts file whose ids differ
only by letters of another script are refused as a duplicate is, naming both lines — as ids across
files are (engine.model.facts `_ids_across`, tests/test_intake.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()

VI = {
    "message": "mã '{b}' trông như mã '{a}' trong {at} nhưng có chữ của bảng chữ khác: {chars}",
    "hint": "gõ lại mã bằng chữ Latinh (bàn phím tiếng Việt); hai mã trông giống nhau là hai đơn vị không phân biệt được",
}
EN = {
    "message": "id '{b}' looks like '{a}' in {at} but holds letters of another script: {chars}",
    "hint": "retype the id in Latin letters (a Vietnamese keyboard); two ids that look alike cannot be told apart",
}
CYR_O = "'о' (U+043E CYRILLIC SMALL LETTER O)"
CYR_A = "'а' (U+0430 CYRILLIC SMALL LETTER A)"


@pytest.mark.parametrize("lang, words", [("vi", VI), ("en", EN)])
@pytest.mark.parametrize(
    ("a", "b", "section", "chars"),
    [
        ("so-noi-vu", "sо-noi-vu", "units", CYR_O),  # Cyrillic о
        ("xa-phuoc-ha", "xа-phuoc-hа", "units", CYR_A),  # Cyrillic а, twice: named once
        ("p-nguyen", "p-nguyеn", "people", "'е' (U+0435 CYRILLIC SMALL LETTER IE)"),
    ],
)
def test_ids_that_print_alike_in_one_file_are_refused_naming_both_lines(
    tmp_path: Path, lang: str, words: dict[str, str], a: str, b: str, section: str, chars: str
) -> None:
    facts = tmp_path / "f.yaml"
    if section == "units":
        body = f"units:\n  - {{id: u1, name: A, kind: commune}}\n  - {{id: {a}, name: B, kind: department}}\n"
        body += f"  - {{id: {b}, name: C, kind: department}}\n"
    else:
        body = "units:\n  - {id: u1, name: A, kind: commune}\npeople:\n"
        body += f"  - {{id: {a}, name: B, kind: civil_servant, unit: u1}}\n"
        body += f"  - {{id: {b}, name: C, kind: civil_servant, unit: u1}}\n"
    facts.write_text(body, encoding="utf-8")
    first, second = (3, 4) if section == "units" else (4, 5)
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)], env={"THIDUA_LANG": lang})
    assert result.exit_code == 2, result.output
    message = words["message"].format(a=a, b=b, at=f"{facts}:{first}", chars=chars)
    assert result.stderr.strip() == f"{facts}:{second}:6: {section}[{b}]: {message} — {words['hint']}"


def test_the_same_id_twice_is_still_a_plain_duplicate(tmp_path: Path) -> None:
    """Letters of one script: the duplicate's own wording, not the look-alike one."""
    facts = tmp_path / "f.yaml"
    facts.write_text(
        "units:\n  - {id: sо-noi-vu, name: A, kind: commune}\n  - {id: sо-noi-vu, name: B, kind: commune}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)], env={"THIDUA_LANG": "en"})
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"{facts}:3:6: units[sо-noi-vu]: duplicate id 'sо-noi-vu'")


def test_look_alike_ids_in_one_table_are_refused_naming_the_file(tmp_path: Path) -> None:
    """A CSV: the problem stands at the second row; the first is named by its file."""
    facts = tmp_path / "f.csv"
    facts.write_text("id,name,group,kind\nso-noi-vu,A,unit,department\nsо-noi-vu,B,unit,department\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)], env={"THIDUA_LANG": "en"})
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"{facts}:3:1: ")
    assert f"id 'sо-noi-vu' looks like 'so-noi-vu' in {facts} but holds letters of another script: {CYR_O}" in (
        result.stderr
    )


def test_ids_that_differ_by_latin_letters_stay_two(tmp_path: Path) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text(
        "units:\n  - {id: u1, name: A, kind: commune}\n  - {id: ul, name: B, kind: commune}\n"
        "  - {id: u0, name: C, kind: commune}\n  - {id: uO, name: D, kind: commune}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json"])
    assert result.exit_code == 0, result.output
