"""A gallery of hostile facts files (tests/hostile/): each ends in a result or the expected one-line error.

Every file has a sidecar `<name>.expect` with the exit code and the fragments stderr must carry
(`stderr` for the one error line, `warning` for warnings beside a result) and, with `table`, what
the terminal table must show as written.
Names that look like formulas or markup must come out inert in CSV and JSON.
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
    "path", sorted(p for p in HOSTILE.iterdir() if p.suffix in (".yaml", ".json")), ids=lambda p: p.name
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
    for fragment in expect.get("warning", []):  # a warning: on stderr, the result still given
        assert fragment in result.stderr, (fragment, result.stderr)
    if expect.get("table"):  # what the terminal table must show, as written
        shown = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path)])
        assert shown.exit_code == 0, shown.output
        for fragment in expect["table"]:
            assert fragment in shown.stdout, (fragment, shown.stdout)


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
