"""Fuzzing: generated and mutated inputs end in a result or a one-line user error — never a traceback.

The budget is small for CI; raise it for a manual run with THIDUA_FUZZ_EXAMPLES=5000.
Inputs that once crashed are kept in tests/crashers/ and replayed here (durable_*: with the durable
backend); generated rules and facts files also go through the columnar backend, which must give what
the reference interpreter and the native backend give; inputs that must give a particular message are in the hostile gallery (tests/hostile/).
The strategies include what issue 13 found missing: big integers, control and markup characters,
look-alike ids, JSON number forms, hidden and merged spreadsheet content.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from cli import app
from engine.evaluate.backends import BACKENDS
from engine.lang import Node, RuleError, interpret, parse_rule
from engine.lang.builtins import BUILTINS
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC
from engine.model.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench")]
import hostile_xlsx  # noqa: E402  (the bench's workbook builder: sheet parts written by hand)

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
    *LOGIC,
    "not",
    *COMPARISONS,
    *ARITHMETIC,
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
    *BUILTINS,  # every registered builtin (engine.lang.builtins), a new one included
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


# The input classes issue 13 found the strategies never made: big integers, control and markup
# characters, look-alike ids, JSON number forms (and, below, hidden and merged spreadsheet content).
BIG_INTEGERS = [10**15, 10**15 + 1, 2**63, 10**308, 10**400, -(10**400)]
HOSTILE_TEXT = [
    "[/]",
    "[tiểu học]",
    "[link=http://x.invalid]bấm[/link]",
    ":cop:",
    "\x1b[2J\x1b]0;t\x07",
    "\x9b31m",
    "a\rb",
    "a\nb",
    "so-noi\u200b-vu",
    "\u202egnp.exe",
    "Uỷ ban",
    "Ủy ban",
    "=HYPERLINK(1)",
    "#12",
]
HOSTILE_YAML = [" " + str(n) for n in BIG_INTEGERS] + [
    ' "\\e[31m"',
    ' "[/]"',
    ' "a\\rb"',
    ' "\\x85"',
    ' "x\\u200by"',
    " 1e-300",
    " 5e-324",
    " [{index: 1, component: [x], score: 1, prev_score: 0}]",
]
hostile_text = st.sampled_from(HOSTILE_TEXT) | st.text(st.characters(codec="utf-8"), max_size=8)


def _no_raw_controls(text: str) -> None:
    """What thidua prints carries no control character but tab and line feed (13.4)."""
    import re

    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202e]", text), repr(text[:200])


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


def test_tokens_include_every_builtin_and_comparison() -> None:
    """The rule fuzzer draws every name of the registries (engine.lang.builtins, engine.lang.operators)."""
    assert set(BUILTINS) <= set(TOKENS)
    assert set(COMPARISONS) <= set(TOKENS)
    assert set(ARITHMETIC) | set(LOGIC) <= set(TOKENS)


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
            _columnar_equals_the_reference(node)


def _columnar_equals_the_reference(node: Node) -> None:
    """A parsed rule on the columnar backend (or its native fallback): the reference's trace, as a
    criterion with itself as waiver, for no facts, every fact n/a, and both in one run."""
    from engine.evaluate.backends.columnar import ColumnarBackend
    from engine.evaluate.trace import reference
    from engine.model.fact_values import parse_fact

    item = SimpleNamespace(node=node, waiver=node, kind="criterion", spec=SimpleNamespace(id="fuzzed"))
    campaign = SimpleNamespace(items=lambda: [item])
    na = {k: parse_fact("n/a", CAT.facts[k], CAT) for k in node.facts() if k in CAT.facts}
    envs: list[dict[str, object]] = [{}, na, {}]
    (got,) = ColumnarBackend().run(campaign, [[(item, env) for env in envs]])  # type: ignore[arg-type]
    assert [repr(t) for t in got] == [repr(reference(item, env)) for env in envs]  # type: ignore[arg-type]


def _same_on_columnar(args: list[str], native: Result) -> None:
    """The columnar backend gives the native backend's output (or the same user error)."""
    columnar = runner.invoke(app, [*args, "--backend", "columnar"])
    assert columnar.exit_code == native.exit_code, columnar.output
    if native.exit_code == 0 and "json" in args:
        got, want = json.loads(columnar.stdout), json.loads(native.stdout)
        assert got.pop("backend") == "columnar" and want.pop("backend") == "native"
        assert got == want


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
                        *HOSTILE_YAML,
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
@pytest.mark.slow
def test_mutated_facts_files(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("f") / "facts.yaml"
    path.write_text(_mutate(EXAMPLE, data), encoding="utf-8")
    args = ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2)
    _one_line_user_error(result)
    _same_on_columnar(args, result)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(BIG_INTEGERS)
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
    | hostile_text,
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
@pytest.mark.slow
def test_generated_json_facts(tmp_path_factory: pytest.TempPathFactory, doc: dict) -> None:
    path = tmp_path_factory.mktemp("j") / "facts.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    args = ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2)
    _one_line_user_error(result)
    _same_on_columnar(args, result)


@FUZZ
@given(st.data())
@pytest.mark.slow
def test_mutated_campaign_files(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("c") / "campaign.yaml"
    path.write_text(_mutate(CAMPAIGN, data), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output


@FUZZ
@given(st.binary(max_size=200))
@pytest.mark.slow
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
    else:  # durable_*: a file that once crashed the durable backend
        backend = "durable" if path.name.startswith("durable_") else "native"
        campaign = "ninh_thuan_2025" if path.name.startswith("durable_") else "ninh_thuan_2020"
        result = runner.invoke(app, ["evaluate", campaign, str(path), "--backend", backend])
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
        *HOSTILE_TEXT,
        *(str(n) for n in BIG_INTEGERS),
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
@pytest.mark.slow
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
@pytest.mark.slow
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
@pytest.mark.slow
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
@pytest.mark.slow
def test_alias_trees_are_bounded_before_expansion(fan: int, levels: int, leaf: str, cycle: bool) -> None:
    """Anchors of aliases of anchors: the loader answers quickly — a value or a refusal (issue 13.8)."""
    import time

    from engine.common.errors import UsageError
    from engine.common.message import speaking
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
        with speaking("vi"):
            said = str(e)
        assert "(bom bí danh)" in said or "lồng sâu quá" in said, said
    assert time.perf_counter() - started < 5


@FUZZ
@given(
    st.one_of(
        st.sampled_from(["/etc/passwd", "/proc/self/environ", "../../etc/hostname", "..", ".", "C:\\x.txt", "a/b.txt"]),
        st.text(alphabet="./\\:abc~", min_size=1, max_size=12),
    )
)
@pytest.mark.slow
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
        assert result.exit_code == 1 and "không phải là tên một tệp (không ghi đường dẫn)" in result.stderr, (
            result.output
        )


@st.composite
def _hostile_facts(draw: st.DrawFn) -> dict:  # type: ignore[type-arg]
    """A facts file whose ids, names and index records carry the hostile classes, with numbers at the edges."""
    count = st.sampled_from([0, 1, 5, 10**15, 10**15 + 1, 10**400]) | st.integers(0, 100)
    units = []
    for i in range(draw(st.integers(1, 4))):
        facts = {
            "staff_total": draw(count),
            "staff_violating_discipline": draw(count),
            "initiatives_recognized": draw(count),
            "index_components": [
                {
                    "index": draw(hostile_text | st.integers() | st.lists(st.text(max_size=2), max_size=2)),
                    "component": draw(hostile_text),
                    "score": draw(st.sampled_from([1e-300, 5e-324, 8.5, 10**15])),
                    "prev_score": 8,
                }
            ],
        }
        units.append(
            {
                "id": draw(st.sampled_from([f"u{i}", "uỷ-ban", "ủy-ban", "so\u200b-x"]) | hostile_text),
                "name": draw(hostile_text),
                "kind": "department",
                "facts": {k: v for k, v in facts.items() if draw(st.booleans())},
            }
        )
    return {"units": units}


@FUZZ
@given(_hostile_facts(), st.sampled_from(["table", "json", "csv", "markdown"]), st.sampled_from(BACKENDS))
@pytest.mark.slow
def test_hostile_values_in_every_output(
    tmp_path_factory: pytest.TempPathFactory,
    doc: dict,  # type: ignore[type-arg]
    fmt: str,
    backend: str,
) -> None:
    """Markup, control characters, look-alike ids and extreme numbers: a result without a raw control
    character in it, or one line naming the file — on every backend."""
    path = tmp_path_factory.mktemp("h") / "facts.json"
    path.write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")
    args = ["evaluate", "ninh_thuan_2020", str(path), "-f", fmt, "--backend", backend]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), result.output
    _one_line_user_error(result)
    _no_raw_controls(result.stdout + result.stderr)
    if result.exit_code == 0 and fmt == "table":
        award = runner.invoke(app, ["award", "ninh_thuan_2020", str(path)])
        assert award.exit_code == 0, award.output
        _no_raw_controls(award.stdout)


NUMBER_FORMS = st.sampled_from(
    ["1" + "0" * 5000, "-" + "9" * 4400, "1e999", "-1e999", "1E400", "1e-400", "0.0000001", "-0", "1" + "0" * 16]
) | st.integers(0, 10**6).map(str)


@FUZZ
@given(NUMBER_FORMS, st.sampled_from(["staff_total", "ddci_score", "disbursement_pct"]))
@pytest.mark.slow
def test_json_number_forms(tmp_path_factory: pytest.TempPathFactory, number: str, key: str) -> None:
    """Numbers as JSON text (thousands of digits, out of float range): a result or one line with the place."""
    path = tmp_path_factory.mktemp("n") / "facts.json"
    path.write_text(
        '{"units": [{"id": "u1", "name": "A", "kind": "department", "facts": {"' + key + '": ' + number + "}}]}",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
    assert result.exit_code in (0, 2)
    _one_line_user_error(result)


LAYOUT_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["hide_row", "hide_col", "merge", "hidden_sheet", "very_hidden_sheet", "value"]),
        st.integers(1, 12),
        st.integers(1, 24),
        st.integers(0, 3),
        st.integers(0, 3),
        CELLS,
    ),
    max_size=8,
)


@FUZZ
@given(LAYOUT_EDITS)
@pytest.mark.slow
def test_xlsx_hidden_and_merged_content(tmp_path_factory: pytest.TempPathFactory, edits: list) -> None:  # type: ignore[type-arg]
    """Hidden rows, columns and sheets and merged ranges (13.5): a result or one line, never a bug."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(_template("xlsx"))
    sheet = book.worksheets[0]
    merged: list[tuple[int, int, int, int]] = []
    for op, row, col, drow, dcol, value in edits:
        if op == "hide_row":
            sheet.row_dimensions[row].hidden = True
        elif op == "hide_col":
            sheet.column_dimensions[get_column_letter(col)].hidden = True
        elif op == "merge":
            box = (row, col, row + drow, col + dcol)
            if not any(a <= box[2] and box[0] <= c and b <= box[3] and box[1] <= d for a, b, c, d in merged):
                merged.append(box)
                sheet.merge_cells(start_row=row, start_column=col, end_row=box[2], end_column=box[3])
        elif op in ("hidden_sheet", "very_hidden_sheet"):
            extra = book.copy_worksheet(sheet)
            extra.sheet_state = "hidden" if op == "hidden_sheet" else "veryHidden"
        elif not (isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value)):
            cell = sheet.cell(row=row, column=col)
            if type(cell).__name__ != "MergedCell":
                cell.value = value
    path = tmp_path_factory.mktemp("layout") / "facts.xlsx"
    book.save(path)
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
    assert result.exit_code in (0, 2)
    _one_line_user_error(result)


# ---------------------------------------------------------------- issue 26.6: the new input shapes
# Bare lists, empty rows, shared sheet parts, long quotes: each reader returns or raises the project's
# user error — never another exception — and a shape repeated past what is printed keeps at most
# MAX_KEPT problems and one count (engine.common.errors.Found).

SHAPES = settings(max_examples=min(N, 25), deadline=None, suppress_health_check=list(HealthCheck))
SCALARS = st.none() | st.booleans() | st.integers(-3, 10**16) | st.floats() | st.text(max_size=6) | hostile_text
JUNK_KEYS = st.sampled_from(["id", "name", "kind", "group", "unit", "parent", "facts", "head", "junk", "", "0"])
UNIT = {"id": "u1", "name": "Xã A", "kind": "commune"}
CANDIDATE_SHAPES = st.one_of(
    SCALARS,  # a bare scalar where a candidate's mapping belongs
    st.lists(SCALARS, max_size=3),  # a list inside the list
    st.lists(st.lists(SCALARS, max_size=2), max_size=2),
    st.dictionaries(
        JUNK_KEYS, SCALARS | st.lists(SCALARS, max_size=2) | st.dictionaries(JUNK_KEYS, SCALARS), max_size=5
    ),
    st.dictionaries(JUNK_KEYS, SCALARS, max_size=3).map(lambda junk: {**UNIT, **junk}),  # a unit with junk keys
    st.just(UNIT),
)
SECTION_SHAPES = st.one_of(
    SCALARS,
    st.lists(CANDIDATE_SHAPES, max_size=5),
    st.dictionaries(st.text(max_size=4), CANDIDATE_SHAPES, max_size=3),
)
# a shape repeated past what is kept: each item a problem of its own
REPEATED = st.tuples(CANDIDATE_SHAPES, st.integers(990, 1_300)).map(lambda s: [s[0]] * s[1])


def _read_or_refuse(name: str, raw: bytes) -> list[object]:
    """What `read_facts` makes of `raw`: [] when it is read, else the refusal's problems (a user error,
    at most MAX_KEPT and one count); any other exception fails the test."""
    from engine.common.errors import MAX_KEPT, UserError
    from engine.readers import read_facts

    try:
        read_facts(name, raw, CAT)
    except UserError as e:
        assert e.problems, name
        assert len(e.problems) <= MAX_KEPT + 1, len(e.problems)
        str(e)  # said without an error, in the reader's language
        return list(e.problems)
    return []


@SHAPES
@given(
    st.fixed_dictionaries({}, optional={"units": SECTION_SHAPES | REPEATED, "people": SECTION_SHAPES | REPEATED}),
    st.sampled_from(["f.json", "f.yaml"]),
)
def test_facts_sections_of_any_shape(doc: dict, name: str) -> None:  # type: ignore[type-arg]
    """`units`/`people` as bare lists of scalars, nested lists, mappings with junk keys (or long
    lists of them): a result or a user error of at most MAX_KEPT problems and a count."""
    raw = json.dumps(doc, ensure_ascii=name.endswith(".json")).encode()
    problems = _read_or_refuse(name, raw)
    bare = [v for v in doc.values() if isinstance(v, list) and len(v) > 1000 and not isinstance(v[0], dict)]
    if bare:  # more than MAX_KEPT items that are no candidate: refused, the rest counted
        assert problems


def test_a_list_checked_in_one_piece_keeps_a_bounded_count(tmp_path: Path) -> None:
    """990 empty mappings (fewer than a chunk, engine.model.facts.CHUNK) were 2,970 problems kept:
    now MAX_KEPT and one count of the rest's places; what is printed is as before."""
    from engine.common.errors import MAX_KEPT, Problem

    problems = _read_or_refuse("f.json", json.dumps({"units": [{}] * 990}).encode())
    assert len(problems) == MAX_KEPT + 1
    last = problems[-1]
    assert isinstance(last, Problem) and last.left_out == 3 * 990 - MAX_KEPT
    path = tmp_path / "f.yaml"
    path.write_text("units:\n" + "  - {}\n" * 990, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path)])
    assert result.exit_code == 2
    _one_line_user_error(result)
    assert result.stderr.strip().split("\n")[-1] == "… và 2.920 lỗi khác"


def _xlsx_row(row: tuple[str, list[tuple[str, str]]], i: int) -> str:
    number, cells = row
    r = number.format(i=i)
    body = "".join(
        hostile_xlsx._inline(f"{col}{r if r.isdigit() else i}", text) if col != "-" else "<c/>" for col, text in cells
    )
    opening = f'<row r="{r}"' if r else "<row"
    return f"{opening}/>" if not body else f"{opening}>{body}</row>"


XLSX_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["", "{i}", "{i}", "1", "2", "3", "1048576", "1048577", "2000000", "0", "x"]),
        st.lists(
            st.tuples(
                st.sampled_from(["A", "B", "C", "D", "E", "-"]),
                st.sampled_from(["u2", "u3", "Xã B", "unit", "person", "commune", "junk", "", "1"]) | hostile_text,
            ),
            max_size=5,
        ),
    ),
    max_size=12,
)


@SHAPES
@given(XLSX_ROWS, st.integers(1, 3), st.booleans(), st.integers(0, 1_200))
@pytest.mark.slow
def test_hand_built_workbooks(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, list[tuple[str, str]]]],
    sheets: int,
    shared: bool,
    empty: int,
) -> None:
    """Workbooks Excel never writes, built by hand (bench/hostile_xlsx.py): empty `<row/>` elements,
    rows numbered out of order or beyond the sheet, sheets that share one part."""
    import xml.sax.saxutils

    xml_rows = "".join(
        _xlsx_row((r, [(c, xml.sax.saxutils.escape(t)) for c, t in cs]), i + 3) for i, (r, cs) in enumerate(rows)
    )
    text = xml_rows + "<row/>" * empty
    if any(ch in text for ch in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x1b\ufffe\uffff"):
        text = "".join(ch for ch in text if ch >= " " and ch not in "\ufffe\uffff")  # XML 1.0 cannot hold them
    path = tmp_path_factory.mktemp("xlsx") / "facts.xlsx"
    hostile_xlsx.workbook(path, sheets, hostile_xlsx._sheet(lambda: text, 1), shared=shared)
    problems = _read_or_refuse("facts.xlsx", path.read_bytes())
    if shared and sheets > 1:
        assert problems  # one part read as two sheets: refused before any is read
    if any(r in ("1048577", "2000000") for r, _ in rows):
        assert problems  # a row beyond the last row of an Excel sheet


@settings(max_examples=min(N, 3), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(1_000, 1_200), st.sampled_from(["junk", "", "commune"]))
@pytest.mark.slow
def test_a_workbook_of_many_bad_rows_keeps_a_bounded_count(
    tmp_path_factory: pytest.TempPathFactory, n: int, kind: str
) -> None:
    """More bad rows than MAX_KEPT: at most MAX_KEPT problems and one count."""
    rows = "".join(
        f'<row r="{i}">{hostile_xlsx._inline(f"A{i}", "u1")}{hostile_xlsx._inline(f"C{i}", "unit")}'
        f"{hostile_xlsx._inline(f'D{i}', kind)}</row>"
        for i in range(3, n + 3)
    )
    path = tmp_path_factory.mktemp("xlsx") / "facts.xlsx"
    hostile_xlsx.workbook(path, 1, hostile_xlsx._sheet(lambda: rows, 1))
    assert _read_or_refuse("facts.xlsx", path.read_bytes())  # ids given again (or kinds unknown): refused


@settings(max_examples=min(N, 6), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.integers(1, 3_000), st.randoms(use_true_random=False)), min_size=1, max_size=4))
@pytest.mark.slow
def test_long_quotes_not_in_the_plan(tmp_path_factory: pytest.TempPathFactory, quotes: list) -> None:  # type: ignore[type-arg]
    """Criteria quoting long passages found nowhere in the plan: lint returns its findings (or a
    user error), within the passage search's budget — never another exception."""
    from engine.authoring.lint import lint_campaign
    from engine.common.errors import UserError

    base = (Path(__file__).parent / "lint_gallery" / "base.yaml").read_text(encoding="utf-8")
    words = ["cán", "bộ", "công", "chức", "đơn", "vị", "hoàn", "thành", "nhiệm", "vụ", "xã", "x", "'", "\\"]
    rules = []
    for i, (size, rng) in enumerate(quotes):
        said: list[str] = []
        while len(" ".join(said)) < size:
            said.append(rng.choice(words))
        quote = json.dumps(" ".join(said), ensure_ascii=False)
        rules.append(
            f"  - id: long_{i}\n    group: collective\n    label: {{vi: Dài {i}, en: Long {i}}}\n"
            f"    rule: par_rating >= good\n    clause: II.2.a\n    quote: {quote}\n"
        )
    folder = tmp_path_factory.mktemp("q")
    plan = folder / "plan.txt"
    plan.write_text("Hoàn thành xuất sắc nhiệm vụ được giao trong năm 2020.\n" * 40, encoding="utf-8")
    campaign = folder / "long.yaml"
    campaign.write_text(base.replace("disqualifiers:\n", "".join(rules) + "disqualifiers:\n", 1), encoding="utf-8")
    try:
        result = lint_campaign(campaign, plan)
    except UserError as e:
        assert e.problems
    else:
        assert len([f for f in result.findings if f.code == "TD102"]) >= 1, [f.code for f in result.findings]
