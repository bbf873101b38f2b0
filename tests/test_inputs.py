"""Many returns, one evaluation (issue 15.1): several facts files, folders and standard input
read as one population — one id once, one set of settings, references across files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from engine.model.facts import inputs_sha

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def run_en(*args: str) -> tuple[int, str, str]:
    """The same command read in English (THIDUA_LANG=en)."""
    result = runner.invoke(app, list(args), env={"THIDUA_LANG": "en"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def split(tmp_path: Path) -> tuple[Path, Path]:
    """The Ninh Thuận 2020 example as two returns: the units (with the settings), and the people."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    head = {k: v for k, v in data.items() if k not in ("units", "people")}
    units, people = tmp_path / "a_units.yaml", tmp_path / "b_people.yaml"
    units.write_text(yaml.safe_dump({**head, "units": data["units"]}, allow_unicode=True), encoding="utf-8")
    people.write_text(yaml.safe_dump({"people": data["people"]}, allow_unicode=True), encoding="utf-8")
    return units, people


def _json(*facts: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run("evaluate", "ninh_thuan_2020", *facts, "-f", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_split_files_are_one_population(split: tuple[Path, Path]) -> None:
    whole = _json(str(EXAMPLE))
    parts = _json(*map(str, split))
    assert parts["candidates"] == whole["candidates"]  # people find their units in the other file
    listed = [(str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in split]
    assert parts["inputs"] == [{"file": f, "sha256": s} for f, s in listed]
    assert parts["facts_sha256"] == inputs_sha(listed) != whole["facts_sha256"]
    assert "inputs" not in whole  # one file: the contract's header as before


def test_a_folder_is_its_files_in_name_order(split: tuple[Path, Path]) -> None:
    folder = split[0].parent
    (folder / "~$a_units.xlsx").write_bytes(b"lock")  # Excel's lock file, and a hidden file: left out
    (folder / ".hidden.yaml").write_text("units: [", encoding="utf-8")
    (folder / "notes.txt").write_text("not facts", encoding="utf-8")
    assert _json(str(folder))["inputs"] == _json(*map(str, split))["inputs"]


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    code, _, err = run("evaluate", "ninh_thuan_2020", str(tmp_path))
    assert (
        code == 2
        and err.strip()
        == f"{tmp_path}: thư mục này không có tệp dữ liệu nào — thư mục không có tệp .xlsx, .csv, "
        ".yaml hay .json nào; chỉ ra đúng thư mục hoặc từng tệp"
    )


def test_the_same_id_in_two_files_names_both(split: tuple[Path, Path]) -> None:
    code, _, err = run("evaluate", "ninh_thuan_2020", str(split[0]), str(EXAMPLE))
    assert code == 2
    first = err.splitlines()[0]
    assert first.startswith(f"{EXAMPLE}:13:3: units[so-noi-vu]: mã 'so-noi-vu' cũng có trong {split[0]}:")
    assert "— mỗi mã chỉ dùng một lần trong tất cả các tệp" in first
    _, _, err = run_en("evaluate", "ninh_thuan_2020", str(split[0]), str(EXAMPLE))
    first = err.splitlines()[0]
    assert first.startswith(f"{EXAMPLE}:13:3: units[so-noi-vu]: id 'so-noi-vu' is also in {split[0]}:")
    assert "— ids are unique across all the files" in first


def test_settings_that_disagree_are_refused(split: tuple[Path, Path]) -> None:
    text = split[1].read_text(encoding="utf-8")
    split[1].write_text("as_of: 2021-02-01\n" + text, encoding="utf-8")
    code, _, err = run("evaluate", "ninh_thuan_2020", *map(str, split))
    assert code == 2
    assert err.strip() == (
        f"{split[1]}: as_of: tệp này ghi 01/02/2021, nhưng {split[0]} ghi 25/01/2021 — các tệp của một lần xét "
        "phải ghi giống nhau: sửa một tệp, hoặc chỉ ghi ở một tệp"
    )


def test_a_reference_found_in_no_file(split: tuple[Path, Path]) -> None:
    code, _, err = run("evaluate", "ninh_thuan_2020", str(split[1]), str(split[1].parent / "none.yaml"))
    assert code == 2 and "không tìm thấy tệp" in err
    lone = split[1].parent / "c.yaml"
    lone.write_text("people:\n  - {id: p1, name: P, kind: civil_servant, unit: nowhere}\n", encoding="utf-8")
    code, _, err = run("evaluate", "ninh_thuan_2020", str(split[0]), str(lone))
    assert code == 2 and err.strip().startswith(f"{lone}:2:")
    assert "đơn vị công tác 'nowhere' (unit) không có trong tệp nào" in err
    assert (
        "unit 'nowhere' is not in any of the files"
        in run_en("evaluate", "ninh_thuan_2020", str(split[0]), str(lone))[2]
    )


def test_standard_input_with_its_format(split: tuple[Path, Path]) -> None:
    people = split[1].read_text(encoding="utf-8")
    code, out, err = run(
        "explain", "ninh_thuan_2020", str(split[0]), "-", "nv-0001", "--input-format", "yaml", stdin=people
    )
    assert code == 0, err
    assert out.splitlines()[0].endswith("(nv-0001) — ninh_thuan_2020")
    code, _, err = run("evaluate", "ninh_thuan_2020", "-", stdin=people)
    assert (
        code == 2
        and err.strip()
        == "-: chưa biết dữ liệu ở đầu vào chuẩn thuộc loại tệp nào — ghi --input-format yaml|json|csv|xlsx"
    )


def test_verify_takes_the_same_list(split: tuple[Path, Path], tmp_path: Path) -> None:
    saved = tmp_path / "r.json"
    code, _, _ = run("evaluate", "ninh_thuan_2020", *map(str, split), "-f", "json", "-o", str(saved))
    assert code == 0
    code, out, _ = run("verify", str(saved), "ninh_thuan_2020", *map(str, split))
    assert code == 0, out
    code, out, _ = run("verify", str(saved), "ninh_thuan_2020", str(split[0]), str(split[1]), str(split[1]))
    assert code == 2  # a file given twice


def test_award_and_report_over_many(split: tuple[Path, Path], tmp_path: Path) -> None:
    code, out, _ = run("award", "ninh_thuan_2020", *map(str, split), "-f", "json")
    assert code == 0
    whole = run("award", "ninh_thuan_2020", str(EXAMPLE), "-f", "json")[1]
    assert json.loads(out)["awards"] == json.loads(whole)["awards"]
    html = tmp_path / "r.html"
    assert run("report", "ninh_thuan_2020", *map(str, split), "-o", str(html))[0] == 0
    assert "a_units.yaml; b_people.yaml" in html.read_text(encoding="utf-8")


def test_every_broken_return_is_named_at_once(tmp_path: Path) -> None:
    """Two returns each with a mistake: both are listed in one run (issue 24), so an officer fixes
    every file before running again, not one file a run."""
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("units:\n  - {id: u1, name: A, kind: commune, facts: {par_rating: tot}}\n", encoding="utf-8")
    b.write_text("units:\n  - {id: u2, name: B, kind: commune, facts: {staff_total: -3}}\n", encoding="utf-8")
    code, out, err = run("evaluate", "ninh_thuan_2020", str(a), str(b))
    assert code == 2 and out == ""
    assert f"{a}:2:" in err and f"{b}:2:" in err
