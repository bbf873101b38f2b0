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
        "2,000",  # a count written the English way: ambiguous (issue 13.1)
        "040",
        "0x1F",
        "1_000",
        "1:20",
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


# ---------------------------------------------------------------- issue 13: numbers, depth, aliases, paths

NUMBER_FORMS = st.one_of(
    st.integers(-5, 10**6).map(str),
    st.builds(lambda z, n: "0" * z + str(n), st.integers(1, 3), st.integers(0, 999)),  # 040, 007
    st.builds(
        lambda p, n: f"{p}{n:x}" if p in ("0x", "0X") else f"{p}{n:o}" if p == "0o" else f"{p}{n:b}",
        st.sampled_from(["0x", "0X", "0o", "0b"]),
        st.integers(0, 4096),
    ),
    st.builds(lambda a, b: f"{a}:{b:02d}", st.integers(0, 99), st.integers(0, 59)),  # base 60
    st.builds(lambda a, b: f"{a}_{b:03d}", st.integers(1, 99), st.integers(0, 999)),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(0, 99), st.integers(-3, 400)),
    st.sampled_from([".5", "1.", "+12", "-0", ".inf", ".nan", "1e999", "0.0", "1_0.5", "12:30:00"]),
)


@FUZZ
@given(NUMBER_FORMS, st.sampled_from(["staff_total", "late_dossiers", "disbursement_pct", "ddci_score"]))
def test_numbers_are_never_silently_different(text: str, key: str) -> None:
    """A numeric fact is read as its plain decimal reading or refused — never as YAML 1.1's octal,
    hex, base 60 or underscored number (issue 13.1)."""
    import math
    import re

    from engine.common.errors import UsageError
    from engine.readers import read_facts

    raw = f"units:\n  - {{id: u1, name: A, kind: department, facts: {{{key}: {text}}}}}\n".encode()
    try:
        facts = read_facts("f.yaml", raw, CAT)
    except UsageError as e:
        assert len(e.problems) == 1 and e.problems[0].line == 2
        return
    value = facts.candidates[0].facts[key]
    assert re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?", text), text  # only plain decimals get through
    assert math.isclose(float(value), float(text)), (text, value)


def _nest(data: st.DataObject) -> str:
    kind = data.draw(st.sampled_from(["not", "neg", "sum", "parens", "mixed"]))
    n = data.draw(st.integers(0, 700))
    if kind == "not":
        return "not " * n + "discipline_violation"
    if kind == "neg":
        return "-" * n + "staff_total > 1"
    if kind == "sum":
        return " + ".join(["staff_total"] * (n + 1)) + " > 1"
    if kind == "parens":
        return "(" * n + "staff_total" + ")" * n + " > 1"
    return "".join(data.draw(st.sampled_from(["not (", "-(", "1 + ("])) for _ in range(n)) + "1" + ")" * n


LOOKALIKES = st.sampled_from(["#", "# note", "ｓ", "ℓ", "ﬁ", "Ａ", "\u00a0", "\u200b", "\u2212", "é", "ı"])


@FUZZ
@given(st.data())
def test_deep_long_and_look_alike_rules_are_refused_not_crashed(data: st.DataObject) -> None:
    """Deep or long rules and ranking keys, comments and look-alike letters: a `RuleError` with a
    column, never a RecursionError (issue 13.7); what is accepted evaluates."""
    from engine.lang.parse import parse_value

    text = _nest(data)
    if data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(LOOKALIKES) + text[at:]
    for parse in (parse_rule, parse_value):
        try:
            node = parse(text, CAT)
        except RuleError as e:
            assert e.message and e.col >= 0
        else:
            assert "#" not in text and text.isascii(), text
            interpret.value(node, {})


ALIAS_DOC = st.recursive(
    st.sampled_from(["x", "1", "n/a"]),
    lambda inner: st.lists(inner, min_size=1, max_size=12).map(lambda xs: "[" + ", ".join(xs) + "]"),
    max_leaves=30,
)


@FUZZ
@given(st.integers(1, 12), st.integers(1, 14), ALIAS_DOC, st.booleans())
def test_alias_trees_are_bounded_before_expansion(fan: int, levels: int, leaf: str, cycle: bool) -> None:
    """Anchors of aliases of anchors: the loader answers quickly — a value or a refusal (issue 13.8)."""
    import time

    from engine.common.errors import UsageError
    from engine.model.source import load_yaml_text

    text = f"a0: &a0 {leaf}\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * fan)}]\n" for i in range(1, levels + 1)
    )
    if cycle:
        text += "z: &z [*z]\n"
    started = time.perf_counter()
    try:
        load_yaml_text(text, "a.yaml")
    except UsageError as e:
        assert "alias bomb" in str(e) or "nested more than" in str(e), str(e)
    assert time.perf_counter() - started < 5


@FUZZ
@given(
    st.one_of(
        st.sampled_from(["/etc/passwd", "/proc/self/environ", "../../etc/hostname", "..", ".", "C:\\x.txt", "a/b.txt"]),
        st.text(alphabet="./\\:abc~", min_size=1, max_size=12),
    )
)
def test_document_source_never_reads_outside_the_plans_folder(
    tmp_path_factory: pytest.TempPathFactory, source: str
) -> None:
    """Whatever document.source says, validate reads nothing outside the plans folder (issue 13.2)."""
    path = tmp_path_factory.mktemp("s") / "campaign.yaml"
    path.write_text(CAMPAIGN.replace("source: ninh_thuan_2020.txt", f"source: {json.dumps(source)}"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert "root:" not in result.output and "PATH=" not in result.output
    if any(c in source for c in "/\\:") or source.strip() in ("", ".", ".."):
        assert result.exit_code == 1 and "is not a bare file name" in result.stderr, result.output
