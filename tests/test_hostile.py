"""A gallery of hostile inputs (tests/hostile/): each ends in a result or the expected one-line error.

Every file has a sidecar `<name>.expect` with the exit code and the fragments stderr must carry:
facts files (YAML, JSON, CSV) are evaluated, campaigns (`campaigns/`) validated, and their
`.expect` also gives the line. Names that look like formulas or markup must come out inert in
CSV and JSON. Inputs that cannot be files in a repository (a FIFO, a device, a workbook built
to be hostile) are made by the tests below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

HOSTILE = Path(__file__).parent / "hostile"
runner = CliRunner()


@pytest.mark.parametrize(
    "path", sorted(p for p in HOSTILE.iterdir() if p.suffix in (".yaml", ".json", ".csv")), ids=lambda p: p.name
)
def test_hostile_file(path: Path) -> None:
    expect = json.loads((path.parent / (path.name + ".expect")).read_text(encoding="utf-8"))
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
    assert result.exit_code == expect["exit"], result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if expect["exit"]:
        assert result.stdout == ""
        lines = result.stderr.strip().split("\n")
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(str(path)), lines[0]
        for fragment in expect["stderr"]:
            assert fragment in lines[0], (fragment, lines[0])


def test_formula_names_are_inert_in_csv() -> None:
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(HOSTILE / "formula_name.yaml"), "-f", "csv"])
    assert result.exit_code == 0
    import csv
    import io

    row = list(csv.reader(io.StringIO(result.stdout)))[1]
    assert row[1] == '\'=HYPERLINK("http://x")'


def test_markup_names_are_kept_verbatim_in_json() -> None:
    path = HOSTILE / "markup_name.yaml"
    data = json.loads(runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"]).stdout)
    assert data["candidates"][0]["name"] == "<script>alert(1)</script>"


def test_nfc_tone_mark_variants_are_one_name(tmp_path: Path) -> None:
    """'Uỷ'/'Ủy', 'hoà'/'hòa' as NFC and decomposed: ids compare after NFC normalisation."""
    facts = tmp_path / "f.yaml"
    facts.write_text(
        'units:\n  - {id: "u\u1ef7-ban", name: A, kind: commune}\n'
        'people:\n  - {id: p1, name: B, kind: civil_servant, unit: "uy\u0309-ban"}\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["explain", "ninh_thuan_2020", str(facts), "uy\u0309-ban"])
    assert result.exit_code == 0, result.output


def test_markup_names_are_escaped_in_evaluate_markdown() -> None:
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(HOSTILE / "markup_name.yaml"), "-f", "markdown"])
    assert result.exit_code == 0
    assert "<script>" not in result.stdout and "&lt;script&gt;" in result.stdout


@pytest.mark.parametrize("path", sorted((HOSTILE / "campaigns").glob("*.yaml")), ids=lambda p: p.name)
def test_hostile_campaign(path: Path) -> None:
    """Campaigns that try to read other files or to exhaust the parser: `validate` exits 1 naming the line."""
    expect = json.loads((path.parent / (path.name + ".expect")).read_text(encoding="utf-8"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == expect["exit"], result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    first = next(line for line in result.stderr.split("\n") if " error: " in line or "TD" not in line)
    assert first.startswith(f"{path}:{expect['line']}:"), first
    for fragment in expect["stderr"]:
        assert fragment in first, (fragment, first)
    assert "root:" not in result.output  # nothing of another file is quoted


@pytest.mark.parametrize(
    ("value", "old", "new"),
    [
        ("040", "32", "40"),
        ("0x1F", "31", "31"),
        ("0b11", "3", "'0b11'"),
        ("1:20", "80", "'1:20'"),
        ("1_0", "10", "'1_0'"),
    ],
)
def test_yaml_1_1_numbers_are_refused_for_numeric_facts(tmp_path: Path, value: str, old: str, new: str) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text(
        f"units:\n  - {{id: u1, name: A, kind: commune, facts: {{staff_total: {value}}}}}\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{facts}:2:")
    assert f"'{value}' is not a plain decimal number (YAML 1.1 reads {old}, YAML 1.2 reads {new})" in result.stderr


def test_yaml_1_1_number_forms_stay_text_where_text_is_meant(tmp_path: Path) -> None:
    """An id or a name written 040 is the text '040' (YAML 1.1 made it the number 32)."""
    from engine.model.source import load_yaml_text

    doc = load_yaml_text("id: 040\nname: 1:20\nn: 12\nx: 1.5\ne: 1e3\nz: -0\n", "t.yaml")
    assert doc.data == {"id": "040", "name": "1:20", "n": 12, "x": 1.5, "e": 1000.0, "z": 0}


def test_count_column_comma_thousands_is_ambiguous_as_percent_dot_is() -> None:
    from engine.readers.tables import parse_number

    with pytest.raises(ValueError, match=r"'2,000' is ambiguous: 2000 .* or 2 with a decimal comma"):
        parse_number("2,000", "int")
    with pytest.raises(ValueError, match=r"'1\.000' is ambiguous"):
        parse_number("1.000", "percent")
    assert parse_number("1.490", "int") == 1490 and parse_number("1,490,000", "int") == 1_490_000


def test_alias_bomb_is_refused_before_it_is_expanded() -> None:
    import time

    started = time.perf_counter()
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(HOSTILE / "alias_bomb.yaml")])
    assert result.exit_code == 2 and "expand 20 values into 1,234,567,900 (an alias bomb)" in result.stderr
    assert time.perf_counter() - started < 2  # was 8-28 s and 1.1 GB: the bomb was expanded to the node limit


def test_a_self_referring_alias_is_refused(tmp_path: Path) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text("units: &u [*u]\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)])
    assert result.exit_code == 2 and "nested more than 64 levels deep" in result.stderr


@pytest.mark.parametrize("command", ["evaluate", "validate"])
@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_an_input_that_is_not_a_regular_file_is_refused(tmp_path: Path, command: str, kind: str) -> None:
    import os

    path = tmp_path / "input.yaml"
    if kind == "fifo":
        os.mkfifo(path)  # reading would block for ever
    else:
        path.symlink_to("/dev/zero")  # reading would never end
    args = ["evaluate", "ninh_thuan_2020", str(path)] if command == "evaluate" else ["validate", str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.strip()
        == f"{path}: is not a regular file (a device, a pipe or a socket) — save the data to a file"
    )


def test_lint_source_is_read_with_the_input_limits(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["lint", "ninh_thuan_2020", "--source", str(fifo)])
    assert result.exit_code == 2 and "is not a regular file" in result.stderr
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Kế hoạch".encode("utf-16"))
    result = runner.invoke(app, ["lint", "ninh_thuan_2020", "--source", str(legacy)])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr


def test_a_plan_linked_out_of_the_plans_folder_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.authoring.quotes as quotes

    plans = tmp_path / "plans"
    plans.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=hunter2\n", encoding="utf-8")
    (plans / "ninh_thuan_2020.txt").symlink_to(secret)
    monkeypatch.setattr(quotes, "plans_dir", lambda: plans)
    result = runner.invoke(app, ["validate", "ninh_thuan_2020"])
    assert result.exit_code == 2, result.output
    assert "is a link to a file outside the plans folder" in result.stderr
    assert "hunter2" not in result.output
