"""Fuzzing: generated and mutated inputs end in a result or a one-line user error — never a traceback.

The budget is small for CI; raise it for a manual run with THIDUA_FUZZ_EXAMPLES=5000.
Inputs that once crashed are kept in tests/crashers/ and replayed here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from engine.lang import RuleError, interpret, parse_rule
from engine.model.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "examples" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
CAMPAIGN = (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
CRASHERS = Path(__file__).parent / "crashers"
N = int(os.environ.get("THIDUA_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=N, deadline=None, suppress_health_check=list(HealthCheck))
CAT = load_catalogue()
runner = CliRunner()

TOKENS = [
    *CAT.facts,
    "good",
    "excellent",
    "fair",
    "objective",
    "true",
    "false",
    "and",
    "or",
    "not",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "**",
    "(",
    ")",
    ",",
    ".",
    "[",
    "]",
    "0",
    "1",
    "0.10",
    "100",
    "1e308",
    "'2024-09-30'",
    "'2024-02-30'",
    "at",
    "latest",
    "all_improved",
    "__import__",
    "lambda",
    "x",
    ":",
    "if",
    "else",
    "for",
    "in",
    "'",
    '"',
    "@",
    "~",
    "%",
    "//",
]


def _one_line_user_error(result) -> None:  # type: ignore[no-untyped-def]
    """Exit 2 with one line per problem (at most 50 and a count), each naming a file; no bug."""
    assert "Traceback" not in result.output
    assert "internal error" not in result.output, result.output
    assert result.exit_code != 3, result.output
    if result.exit_code == 2:
        lines = result.stderr.strip().split("\n")
        assert 1 <= len(lines) <= 51, result.stderr
        assert all(": " in line for line in lines[:50]), result.stderr
        assert len(lines) <= 50 or lines[50].startswith("… và "), result.stderr


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join) | st.text(max_size=40))
def test_rule_parser_never_crashes(text: str) -> None:
    for scope in (None, True, False):
        try:
            node = parse_rule(text, CAT, scope_units=scope)
        except RuleError as e:
            assert e.message and e.col >= 0
        else:
            interpret.value(node, {})  # an empty environment is all-unknown: must evaluate


def _mutate(text: str, data: st.DataObject) -> str:
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "indent", "truncate"]))
        i = data.draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "delete" and lines:
            del lines[i]
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "replace" and lines and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            value = data.draw(
                st.sampled_from(
                    [
                        "",
                        " n/a",
                        " null",
                        " -1",
                        " 1e999",
                        " 'x'",
                        " [1, 2]",
                        " {a: 1}",
                        " 2024-02-30",
                        " true",
                        " Tốt",
                        " *x",
                        " &x 1",
                        " !!python/name:os.system",
                    ]
                )
            )
            lines[i] = key + ":" + value
        elif op == "insert":
            lines.insert(i, data.draw(st.text(max_size=20)))
        elif op == "indent" and lines:
            lines[i] = " " + lines[i]
        elif op == "truncate":
            lines = lines[:i]
    return "\n".join(lines)


@FUZZ
@given(st.data())
def test_mutated_facts_files(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("f") / "facts.yaml"
    path.write_text(_mutate(EXAMPLE, data), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
    assert result.exit_code in (0, 2)
    _one_line_user_error(result)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(
    st.fixed_dictionaries(
        {
            "units": st.lists(
                st.dictionaries(
                    st.sampled_from(["id", "name", "kind", "parent", "facts", "submission"]), json_values, max_size=6
                ),
                max_size=3,
            )
        },
        optional={"people": json_values, "as_of": json_values, "campaign": json_values},
    )
)
def test_generated_json_facts(tmp_path_factory: pytest.TempPathFactory, doc: dict) -> None:
    path = tmp_path_factory.mktemp("j") / "facts.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
    assert result.exit_code in (0, 2)
    _one_line_user_error(result)


@FUZZ
@given(st.data())
def test_mutated_campaign_files(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("c") / "campaign.yaml"
    path.write_text(_mutate(CAMPAIGN, data), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output


@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes_as_facts(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("b") / "facts.yaml"
    path.write_bytes(raw)
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path)])
    assert result.exit_code in (0, 2)
    _one_line_user_error(result)


@pytest.mark.parametrize("path", sorted(CRASHERS.glob("*")), ids=lambda p: p.name)
def test_kept_crashers(path: Path) -> None:
    """Inputs that once crashed: facts files (evaluate) and campaigns (validate)."""
    if path.name.startswith("campaign_"):
        result = runner.invoke(app, ["validate", str(path)])
        assert result.exit_code in (0, 1)
    else:
        result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path)])
        assert result.exit_code in (0, 2)
    _one_line_user_error(result)


CELLS = st.sampled_from(
    [
        "",
        "x",
        "có",
        "Không",
        "Tốt",
        "Tot",
        "excellent",
        "100%",
        "'100",
        "1.490.000",
        "82,5",
        "1.490",
        "-3",
        "1e999",
        "n/a",
        "không áp dụng",
        "30/09/2024",
        "2024-02-30",
        "=1+1",
        "@SUM(A1)",
        "unit",
        "person",
        "commune",
        "??",
    ]
) | st.text(max_size=12)


def _template(kind: str) -> Path:
    path = CRASHERS.parent / ".fuzz_cache" / f"template.{kind}"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        assert runner.invoke(app, ["template", "ninh_thuan_2020", "-o", str(path)]).exit_code == 0
    return path


@FUZZ
@given(st.lists(st.lists(CELLS, min_size=1, max_size=24), min_size=1, max_size=5), st.booleans())
def test_generated_csv_facts(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], keep_header: bool
) -> None:
    import csv
    import io

    head = _template("csv").read_text(encoding="utf-8-sig").split("\n")
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    text = ("\n".join(head[:4]) + "\n" if keep_header else "") + buf.getvalue()
    path = tmp_path_factory.mktemp("csv") / "facts.csv"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
    assert result.exit_code in (0, 2)
    _one_line_user_error(result)


@FUZZ
@given(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 24), CELLS | st.integers() | st.floats()), max_size=12))
def test_mutated_xlsx_facts(tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[int, int, object]]) -> None:
    import openpyxl

    book = openpyxl.load_workbook(_template("xlsx"))
    sheet = book.worksheets[0]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for row, col, value in edits:
        if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
            continue  # Excel itself cannot store these characters
        sheet.cell(row=row, column=col, value=value)  # type: ignore[arg-type]
    path = tmp_path_factory.mktemp("xlsx") / "facts.xlsx"
    book.save(path)
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
    assert result.exit_code in (0, 2)
    _one_line_user_error(result)
