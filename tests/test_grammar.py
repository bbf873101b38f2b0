"""One grammar per fact type (engine.model.fact_values), and the bounded reading of facts (issue 26):
a YAML/JSON value and a cell of the same meaning read alike; years that cannot be meant refused by
every reader; days far from the plan warned about; a file of no candidate refused; problems kept
as they are found up to a bound; any file name hashed; nothing kept between readings."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from engine.common.errors import MAX_KEPT, MAX_LINES, UsageError, problem_lines
from engine.common.message import Msg, say
from engine.lang import NA, UNKNOWN
from engine.lang.values import BadValue
from engine.model.campaign import load_campaign
from engine.model.catalogue import load_catalogue
from engine.model.fact_values import grammars
from engine.model.facts import inputs_sha
from engine.pipeline import read_facts as read_for_campaign
from engine.readers import read_facts

CAT = load_catalogue()
runner = CliRunner()

UNIT = {"id": "u1", "name": "Sở A", "kind": "department"}


def _yaml(text: str, name: str = "f.yaml") -> Any:
    return read_facts(name, text.encode("utf-8"), CAT)


def _problems(name: str, data: bytes) -> list[str]:
    with pytest.raises(UsageError) as e:
        read_facts(name, data, CAT)
    return [p.render("en") for p in e.value.problems]


# ---------------------------------------------------------------- one grammar, two sources

# (fact, YAML/JSON value, the cell as typed, the evaluation form both give)
ALIKE = [
    ("par_tasks_done_well", True, "có", True),
    ("par_tasks_done_well", False, "Không", False),
    ("par_tasks_done_well", "n/a", "n/a", NA),
    ("initiatives_recognized", 3, "3", 3),
    ("initiatives_recognized", 1490, "1.490", 1490),
    ("ddci_score", 82.5, "82,5", 82.5),
    ("ddci_score", 1234.5, "1.234,5", 1234.5),
    ("legal_docs_compliant_pct", 100, "100%", 100),
    ("legal_docs_compliant_pct", 99.5, "'99,5", 99.5),
    ("task_completion", "excellent", "excellent", "excellent"),
    ("emulation_plan_sent_on", "2021-01-20", "20/01/2021", dt.date(2021, 1, 20)),
    ("emulation_plan_sent_on", dt.date(2021, 1, 20), dt.date(2021, 1, 20), dt.date(2021, 1, 20)),
    ("disbursement_pct", 55, "55", 55),
    (
        "index_components",
        [{"index": "PAR", "component": "A", "prev_score": 8.1, "score": "n/a"}],
        "PAR; A; 8,1; n/a",
        [{"index": "PAR", "component": "A", "prev_score": 8.1, "score": NA}],
    ),
]


@pytest.mark.parametrize(("key", "value", "cell", "expected"), ALIKE)
def test_a_value_and_a_cell_read_alike(key: str, value: Any, cell: Any, expected: Any) -> None:
    g = grammars(CAT)[key]
    assert g.value(value) == expected
    assert g.cell(cell) == expected


def test_a_cell_formatted_as_a_percentage_is_a_hundred_times_its_number() -> None:
    assert grammars(CAT)["legal_docs_compliant_pct"].cell(0.825, "0.0%") == 82.5


@pytest.mark.parametrize(
    ("key", "value"),
    [("initiatives_recognized", 2.5), ("legal_docs_compliant_pct", 101), ("par_tasks_done_well", "maybe")],
)
def test_a_value_out_of_its_type_is_refused_from_either_source(key: str, value: Any) -> None:
    g = grammars(CAT)[key]
    with pytest.raises(BadValue):
        g.value(value)
    with pytest.raises(BadValue):
        g.cell(str(value).replace(".", ","))


def test_nothing_is_unknown() -> None:
    assert all(g.value(None) is UNKNOWN for g in grammars(CAT).values())


def test_a_table_cell_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell's value is read by its grammar where it stands, and facts_from_document takes it as
    it is: one reading per cell (the reader counted)."""
    from engine.model import fact_values

    calls: list[Any] = []
    original = fact_values.Number.read_cell

    def counted(self: Any, v: Any, number_format: str) -> Any:
        calls.append(v)
        return original(self, v, number_format)

    def value_not_called(self: Any, v: Any) -> Any:
        raise AssertionError("a table's value read a second time")

    monkeypatch.setattr(fact_values.Number, "read_cell", counted)
    monkeypatch.setattr(fact_values.Number, "value", value_not_called)
    csv = 'id,name,kind,staff_total\nu1,Sở A,department,"1.490"\n'
    facts = read_facts("f.csv", csv.encode(), CAT)
    assert facts.candidates[0].facts["staff_total"] == 1490
    assert calls == ["1.490"]


# ---------------------------------------------------------------- years that cannot be meant

BAD_YEAR = "the day 20/01/0021 has the year 21, which cannot be meant"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("f.yaml", "units:\n- {id: u1, name: A, kind: department, submission: {sent_on: 20/01/0021}}\n"),
        ("f.yaml", "units:\n- {id: u1, name: A, kind: department, facts: {emulation_plan_sent_on: 20/01/0021}}\n"),
        ("f.json", json.dumps({"units": [{**UNIT, "submission": {"sent_on": "20/01/0021"}}]})),
        ("f.yaml", "as_of: 20/01/0021\nunits:\n- {id: u1, name: A, kind: department}\n"),
        ("f.csv", "id,name,kind,sent_on\nu1,A,department,20/01/0021\n"),
        ("f.csv", "id,name,kind,emulation_plan_sent_on\nu1,A,department,20/01/0021\n"),
        ("f.csv", "# as_of: 20/01/0021\nid,name,kind\nu1,A,department\n"),
    ],
)
def test_a_year_that_cannot_be_meant_is_refused_by_every_reader(name: str, text: str) -> None:
    problems = _problems(name, text.encode())
    assert len(problems) == 1 and BAD_YEAR in problems[0], problems
    assert "write the year with four digits, from 1900 to 2200" in problems[0]


def test_a_year_that_cannot_be_meant_is_refused_in_a_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["id", "name", "kind", "sent_on"])
    ws.append(["u1", "A", "department", dt.datetime(21, 1, 20)])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    problems = _problems("f.xlsx", path.read_bytes())
    assert len(problems) == 1 and BAD_YEAR in problems[0], problems


def test_years_near_the_plan_read_without_a_word() -> None:
    facts = _yaml("units:\n- {id: u1, name: A, kind: department, submission: {sent_on: 20/01/1900}}\n")
    assert facts.candidates[0].submission is not None
    assert facts.candidates[0].submission.sent_on == dt.date(1900, 1, 20)


def test_a_day_far_from_the_plan_is_warned_about_where_the_campaign_is_known() -> None:
    campaign = load_campaign("ninh_thuan_2020")  # its plan of 2020, its period to 2020
    text = (
        "units:\n"
        "- {id: u1, name: A, kind: department, submission: {sent_on: 20/01/2012}}\n"
        "- {id: u2, name: B, kind: department, submission: {sent_on: 20/01/2021}}\n"
        "- {id: u3, name: C, kind: department, facts: {disbursement_pct: {2031-01-01: 50}}}\n"
    )
    facts = read_for_campaign(("f.yaml", text.encode()), campaign)
    far = [w.render("en") for w in facts.warnings if w.message.key == "problem.grammar_day_far"]  # type: ignore[union-attr]
    assert far == [
        "f.yaml: warning: units[u1].submission.sent_on: the day 20/01/2012 lies far outside the plan's time"
        " (years 2015–2025) — check the year written",
        "f.yaml: warning: units[u3].facts.disbursement_pct: the day 01/01/2031 lies far outside the plan's time"
        " (years 2015–2025) — check the year written",
    ]


# ---------------------------------------------------------------- no candidate


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("f.json", "{}"),
        ("f.yaml", "campaign: ninh_thuan_2020\n"),
        ("f.yaml", "units: []\npeople: []\n"),
        ("f.csv", "id,name,kind\n"),
    ],
)
def test_a_file_of_no_candidate_is_refused(name: str, text: str) -> None:
    suffix = Path(name).suffix
    assert _problems(name, text.encode()) == [
        f"{name}: the file lists no unit and no person — start from the blank file:"
        f" thidua template <campaign> -o facts{suffix}"
    ]


def test_no_candidate_exits_as_bad_facts_do(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path)])
    assert result.exit_code == 2 and "tệp không có đơn vị hay cá nhân nào" in result.stderr


def test_several_files_of_no_candidate_are_refused(tmp_path: Path) -> None:
    for n in ("a", "b"):
        (tmp_path / f"{n}.yaml").write_text("units: []\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(tmp_path)], env={"THIDUA_LANG": "en"})
    assert result.exit_code == 2 and "the file lists no unit and no person" in result.stderr


# ---------------------------------------------------------------- problems kept as they are found


@pytest.mark.parametrize("n", [MAX_KEPT + 1, 5 * MAX_KEPT])
def test_a_long_list_of_bare_numbers_keeps_a_bounded_count_of_problems(n: int) -> None:
    with pytest.raises(UsageError) as e:
        read_facts("f.json", json.dumps({"units": list(range(n))}).encode(), CAT)
    problems = e.value.problems
    assert len(problems) == MAX_KEPT + 1 and problems[-1].left_out == n - MAX_KEPT
    lines = problem_lines(problems, lang="en")
    assert len(lines) == MAX_LINES + 1
    assert lines[-1] == say(Msg("problem.more_lines", n=n - MAX_LINES), "en")  # every one counted
    assert str(e.value).endswith(f"({say(Msg('problem.and_more', n=n - 1))})")


def test_many_candidates_with_a_bad_value_keep_a_bounded_count_of_problems() -> None:
    units = [{**UNIT, "id": f"u{i}", "facts": {"staff_total": -1}} for i in range(MAX_KEPT + 10)]
    with pytest.raises(UsageError) as e:
        read_facts("f.json", json.dumps({"units": units}).encode(), CAT)
    assert len(e.value.problems) == MAX_KEPT + 1 and e.value.problems[-1].left_out == 10


def test_a_short_file_lists_every_problem_as_before() -> None:
    units = [{**UNIT, "id": f"u{i}", "facts": {"staff_total": -1}} for i in range(60)]
    with pytest.raises(UsageError) as e:
        read_facts("f.json", json.dumps({"units": units}).encode(), CAT)
    assert len(e.value.problems) == 60 and not any(p.left_out for p in e.value.problems)
    assert problem_lines(e.value.problems, lang="en")[-1] == "… and 10 more problems"


# ---------------------------------------------------------------- any file name hashed


def test_a_name_that_is_not_utf8_hashes_as_its_bytes() -> None:
    raw = b"ho_so_\xe9.yaml"  # a zip made on Windows: Latin-1 bytes, not UTF-8
    name = raw.decode("utf-8", "surrogateescape")
    shas = [("a.yaml", "1" * 64), (name, "2" * 64)]
    listing = b"".join(f"{sha}  ".encode() + n + b"\n" for n, sha in ((b"a.yaml", "1" * 64), (raw, "2" * 64)))
    assert inputs_sha(shas) == hashlib.sha256(listing).hexdigest()


def test_a_lone_surrogate_in_a_name_hashes() -> None:
    sha = inputs_sha([("a.yaml", "1" * 64), ("b\ud800.yaml", "2" * 64)])
    assert len(sha) == 64 and sha != inputs_sha([("a.yaml", "1" * 64), ("b.yaml", "2" * 64)])


def test_plain_names_hash_as_before() -> None:
    inputs = [("a.yaml", "1" * 64), ("Sở b.yaml", "2" * 64)]
    assert inputs_sha(inputs) == hashlib.sha256("".join(f"{s}  {n}\n" for n, s in inputs).encode()).hexdigest()


# ---------------------------------------------------------------- nothing kept between readings


def _kept() -> dict[str, int]:
    """The size of every module-level container and function cache of the engine's modules."""
    sizes: dict[str, int] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("engine"):
            continue
        for attr, value in list(vars(module).items()):
            if isinstance(value, dict | list | set):
                sizes[f"{name}.{attr}"] = len(value)
            elif isinstance(value, functools._lru_cache_wrapper):
                sizes[f"{name}.{attr}()"] = value.cache_info().currsize
    return sizes


@pytest.mark.slow  # a soak: 200 readings
def test_two_hundred_readings_keep_nothing() -> None:
    """A long-running server reads upload after upload, each against a catalogue of its own (an
    unpickled one, a campaign's labels): no module-level cache grows with them."""
    text = "units:\n- {id: u1, name: A, kind: department, facts: {staff_total: 4, task_completion: Tốt}}\n"
    csv = "id,name,kind,staff_total\nu1,A,department,4\n"

    def read(i: int) -> None:
        catalogue = CAT.model_copy(deep=True)  # a new catalogue object each time, as a request's
        read_facts(f"f{i % 3}.yaml", text.encode(), catalogue)
        read_facts(f"f{i % 3}.csv", csv.encode(), catalogue)

    for i in range(5):  # what a first reading loads once (the vocabulary, the labels)
        read(i)
    before = _kept()
    for i in range(200):
        read(i)
    after = _kept()
    grown = {k: (before.get(k, 0), v) for k, v in after.items() if v > before.get(k, 0)}
    assert not grown
