"""The command line, through Typer's test runner: contract JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
runner = CliRunner()


def run(*args: str, lang: str | None = None) -> tuple[int, str, str]:
    """The command as a user runs it: in Vietnamese (the default), or in `lang` by THIDUA_LANG."""
    result = runner.invoke(app, list(args), env={"THIDUA_LANG": lang} if lang else None)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_evaluate_json_follows_the_contract() -> None:
    code, out, _ = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["campaign"] == "ninh_thuan_2020"
    assert data["as_of"] == "2021-01-25"
    verdicts = {c["id"]: c["verdict"] for c in data["candidates"]}
    assert verdicts["so-tu-phap"] == "eligible"  # exactly 10%: not excluded
    assert verdicts["so-tai-chinh"] == "disqualified"  # just over 10%
    assert verdicts["so-gddt"] == "disqualified"  # 3 of 20 subordinate units
    assert verdicts["so-tttt"] == "not_considered"  # sent 21/01
    assert verdicts["so-khdt"] == "eligible"  # sent 20/01, received 22/01
    assert verdicts["bhxh-tinh"] == "out_of_scope"
    assert verdicts["ubnd-thuan-nam"] == "incomplete"
    for cand in data["candidates"]:
        assert {"id", "name", "group", "kind", "verdict", "criteria", "disqualifiers"} <= set(cand)
        for rule in cand["criteria"] + cand["disqualifiers"]:
            assert {"id", "outcome", "clause", "reason"} <= set(rule)
        if "submission" in cand:
            assert {"outcome", "reason"} <= set(cand["submission"])
    assert sum(data["summary"].values()) == len(data["candidates"])


def test_evaluate_is_byte_identical_run_to_run() -> None:
    first = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "--format", "json")[1]
    second = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "--format", "json")[1]
    assert first == second
    assert run("evaluate", "ninh_thuan_2020", str(EXAMPLE))[1] == run("evaluate", "ninh_thuan_2020", str(EXAMPLE))[1]


def test_table_uses_vietnamese_labels_and_english_on_request() -> None:
    out = run("evaluate", "ninh_thuan_2020", str(EXAMPLE))[1]
    assert "Không xét khen thưởng" in out and "Đủ điều kiện" in out
    out_en = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "--lang", "en")[1]
    assert "Disqualified" in out_en and "Eligible" in out_en


def test_explain_quotes_the_clause_and_says_what_would_change() -> None:
    code, out, _ = run("explain", "ninh_thuan_2020", str(EXAMPLE), "so-tai-chinh")
    assert code == 0
    assert "II.2.a" in out
    assert "chiếm tỷ lệ trên 10% tổng số biên chế" in out
    assert "không quá 4" in out and "hiện là 5" in out
    code, out, _ = run("explain", "ninh_thuan_2020", str(EXAMPLE), "so-tnmt", "--lang", "en")
    assert "PAR task evaluation rating must be Good or better; it is Fair" in out


def test_explain_json_and_unknown_candidate() -> None:
    code, out, _ = run("explain", "ninh_thuan_2020", str(EXAMPLE), "nv-0001", "--format", "json")
    assert code == 0 and json.loads(out)["candidate"]["verdict"] == "eligible"
    code, out, err = run("explain", "ninh_thuan_2020", str(EXAMPLE), "so-noi-vuu")
    assert code == 2 and out == ""
    assert "'so-noi-vuu'" in err and "có phải ý bạn là 'so-noi-vu'" in err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["evaluate", "ninh_thuan_2020", "missing.yaml"], "missing.yaml: không tìm thấy tệp"),
        (["--lang", "en", "evaluate", "ninh_thuan_2020", "missing.yaml"], "missing.yaml: file not found"),
        (["evaluate", "ninh_thuan2020", str(EXAMPLE)], "có phải ý bạn là 'ninh_thuan_2020'"),
        (
            ["evaluate", "ninh_thuan_2020", str(EXAMPLE), "--as-of", "31/02/2021"],
            "--as-of: '31/02/2021' không phải là một ngày có thật",
        ),
        (
            ["--lang", "en", "evaluate", "ninh_thuan_2020", str(EXAMPLE), "--as-of", "31/02/2021"],
            "--as-of: '31/02/2021' is not a real day",
        ),
        (["evaluate", "ninh_thuan_2020", "README.md"], "README.md: không đọc được loại tệp '.md'"),
        (["--lang", "en", "evaluate", "ninh_thuan_2020", "README.md"], "unsupported facts file type '.md'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], fragment: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert len(err.strip().split("\n")) == 1
    assert fragment in err


def test_facts_for_another_campaign_refused(tmp_path: Path) -> None:
    facts = tmp_path / "f.yaml"
    # one unit: a file of no candidate is refused before its campaign is read (refuse_empty)
    facts.write_text("campaign: uong_bi_2024\nunits: [{id: U1, name: A, kind: department}]\n", encoding="utf-8")
    code, _, err = run("evaluate", "ninh_thuan_2020", str(facts))
    assert code == 2 and "dành cho kế hoạch 'uong_bi_2024', không phải 'ninh_thuan_2020'" in err
    code, _, err = run("evaluate", "ninh_thuan_2020", str(facts), lang="en")
    assert code == 2 and "for campaign 'uong_bi_2024'" in err


def test_output_file_is_written_whole_and_never_over_an_input(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    code, stdout, _ = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "-f", "json", "-o", str(out))
    assert code == 0 and stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["campaign"] == "ninh_thuan_2020"
    assert out.stat().st_mode & 0o044, "an output file is readable like any other file"
    # an error leaves the existing output untouched
    before = out.read_bytes()
    code, _, _ = run("evaluate", "ninh_thuan_2020", "missing.yaml", "-o", str(out))
    assert code == 2 and out.read_bytes() == before
    # the output may not be the facts file itself
    copy = tmp_path / "facts.json"  # a facts file evaluate could write (.json): refused as an input
    original = json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str).encode()
    copy.write_bytes(original)
    code, _, err = run("evaluate", "ninh_thuan_2020", str(copy), "-o", str(copy))
    assert code == 2 and f"{copy}: không ghi đè lên tệp đầu vào" in err
    assert copy.read_bytes() == original
    # a YAML file is no format of evaluate's: refused before anything is read
    code, _, err = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "-o", str(tmp_path / "facts.yaml"))
    assert code == 2 and "lệnh thidua evaluate không ghi được tệp '.yaml'" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_list_and_validate() -> None:
    code, out, _ = run("list")
    assert code == 0 and "ninh_thuan_2020" in out and "288/KH-UBND" in out
    code, out, _ = run("validate", "ninh_thuan_2020")
    assert code == 0 and "hợp lệ" in out


def test_validate_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    src = (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
    bad = src.replace("rule: par_rating >= good", "rule: par_ratting >= good").replace(
        "rule: directives_on_time", "rule: directive_on_time"
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    code, _, err = run("validate", str(path))
    assert code == 1
    lines = err.strip().split("\n")
    assert len(lines) == 2
    assert "không có số liệu 'par_ratting' trong danh mục — có phải ý bạn là 'par_rating'?" in lines[0]
    assert "không có số liệu 'directive_on_time' trong danh mục — có phải ý bạn là 'directives_on_time'?" in lines[1]
    line_no = next(i for i, row in enumerate(bad.split("\n"), 1) if "par_ratting" in row)
    assert lines[0].startswith(f"{path}:{line_no}:11:")


def test_markdown_and_csv_formats() -> None:
    md = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "-f", "markdown")[1]
    assert md.startswith("# Phong trào thi đua") and "| so-tai-chinh |" in md
    assert "thidua 0.1.0" in md and "sha256" in md and "backend native" in md
    csv_out = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "-f", "csv")[1]
    assert csv_out.split("\n")[0].startswith("\ufeffMã,Tên,Nhóm,Loại,Kết luận,Hồ sơ,Lý do,")  # tests/test_csv_output.py


@pytest.mark.slow  # the console script, a fresh process
@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (
            ["evaluate", "ninh_thuan_2020"],
            2,
            "thidua evaluate: thiếu TỆP_SỐ_LIỆU — xem hướng dẫn: 'thidua evaluate --help'",
        ),
        (
            ["evaluate", "ninh_thuan_2020", "x.yaml", "--format", "xml"],
            2,
            "--format: 'xml' không phải là định dạng của lệnh thidua evaluate",
        ),
        (
            ["--lang", "en", "evaluate", "ninh_thuan_2020", "x.yaml", "--format", "xml"],
            2,
            "'xml' is not a format of thidua evaluate",
        ),
        (["nonsense"], 2, "thidua: không có lệnh 'nonsense'"),
        (
            ["--lang", "en", "evaluate", "ninh_thuan_2020"],
            2,
            "thidua evaluate: missing FACTS — try 'thidua evaluate --help'",
        ),
        (["evaluate", "ninh_thuan_2020", "missing.yaml"], 2, "missing.yaml: không tìm thấy tệp"),
        (
            ["validate", str(ROOT / "tests" / "gallery" / "campaigns" / "misspelt_fact.yaml")],
            1,
            "không có số liệu 'par_ratting'",
        ),
        (["test", str(ROOT / "tests" / "meta")], 1, ""),
    ],
)
def test_console_script_exit_codes_and_one_line_usage_errors(args: list[str], code: int, fragment: str) -> None:
    """Through the installed `thidua` script, as a user runs it (not Typer's test runner)."""
    import shutil
    import subprocess
    import sys

    exe = shutil.which("thidua") or str(Path(sys.executable).parent / "thidua")
    proc = subprocess.run([exe, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr and "╭" not in proc.stderr
    if code == 2:
        assert len(proc.stderr.strip().split("\n")) == 1, proc.stderr
    assert fragment in proc.stderr


@pytest.mark.slow  # the console script, a fresh process
def test_bare_command_prints_help_once() -> None:
    import shutil
    import subprocess
    import sys

    exe = shutil.which("thidua") or str(Path(sys.executable).parent / "thidua")
    proc = subprocess.run([exe], capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0
    assert proc.stdout.count("Cách dùng:") == 1


def test_rule_the_durable_backend_cannot_express_is_a_user_error(tmp_path: Path) -> None:
    src = (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
    path = tmp_path / "c.yaml"
    path.write_text(
        src.replace(
            "rule: share(staff_violating_discipline, staff_total) > 0.10",
            "rule: staff_violating_discipline > staff_total / (subordinate_units_total + 1)",
        ),
        encoding="utf-8",
    )
    assert run("evaluate", str(path), str(EXAMPLE), "-f", "json")[0] == 0  # native runs it
    code, out, err = run("evaluate", str(path), str(EXAMPLE), "-f", "json", "--backend", "durable")
    assert code == 2 and out == ""
    assert "quy tắc 'staff_discipline_over_10pct' không chạy được trên bộ máy suy luận durable" in err
    assert "--backend native" in err and "internal error" not in err
    code, out, err = run("evaluate", str(path), str(EXAMPLE), "-f", "json", "--backend", "durable", lang="en")
    assert code == 2 and out == ""
    assert "rule 'staff_discipline_over_10pct' cannot run on the durable backend" in err


@pytest.mark.parametrize(
    ("args", "fragment", "fragment_en"),
    [
        (
            ["template", "{camp}", "-o", "{camp}"],
            "không ghi đè lên tệp đầu vào",
            "refusing to write over an input file",
        ),
        # a .yaml input is no output format of evaluate or diff: refused before anything is written
        (
            ["evaluate", "{camp}", "{facts}", "-f", "json", "-o", "{camp}"],
            "lệnh thidua evaluate không ghi được tệp '.yaml'",
            "cannot write a '.yaml' file",
        ),
        (
            ["diff", "{camp}", "ninh_thuan_2025", "--facts", "{facts}", "-o", "{facts}"],
            "lệnh thidua diff không ghi được tệp '.yaml'",
            "cannot write a '.yaml' file",
        ),
        (["evaluate", "{camp}", "{facts}", "-o", "{dir}"], "đây là một thư mục, không phải tệp", "is a folder"),
        (
            ["evaluate", "{camp}", "{facts}", "-o", "{facts}/x.txt"],
            "thư mục để ghi tệp không tồn tại",
            "the output folder does not exist",
        ),
        (["evaluate", "{camp}", "{facts}", "-o", "/proc/thidua-x.txt"], "không ghi được tệp", "cannot write"),
    ],
)
def test_no_output_goes_over_any_input_and_write_errors_are_one_line(
    tmp_path: Path, args: list[str], fragment: str, fragment_en: str
) -> None:
    camp = tmp_path / "camp.yaml"
    camp.write_bytes((ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_bytes())
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "out").mkdir()
    filled = [a.format(camp=camp, facts=facts, dir=tmp_path / "out") for a in args]
    code, out, err = run(*filled)
    assert out == ""
    assert code == 2 and fragment in err and "internal error" not in err
    assert len(err.strip().split("\n")) == 1
    code, out, err = run(*filled, lang="en")
    assert out == "" and code == 2 and fragment_en in err and len(err.strip().split("\n")) == 1
    assert camp.read_bytes() == (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_bytes()
    assert facts.read_bytes() == EXAMPLE.read_bytes()
    assert not [p for p in tmp_path.rglob("*.tmp")]


@pytest.mark.parametrize("command", ["award", "report"])
def test_decision_date_the_law_cannot_price_is_an_error_for_award_and_report(tmp_path: Path, command: str) -> None:
    out = tmp_path / "r.html"
    args = [command, "ninh_thuan_2020", str(EXAMPLE), "--decision-date", "2017-01-01"]  # before Decree 91/2017
    code, _, err = run(*args, *(["-o", str(out)] if command == "report" else []))
    assert code == 2 and "Nghị định 91/2017/NĐ-CP không có hiệu lực vào ngày 01/01/2017" in err
    code, _, err = run(*args, *(["-o", str(out)] if command == "report" else []), lang="en")
    assert code == 2 and "is not in force on 01/01/2017" in err
    assert not out.exists()


def test_date_options_take_the_days_cells_take() -> None:
    """`--as-of 25/01/2021` is the day a cell would read as 25/01/2021 (issue 15.4)."""
    vi = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(EXAMPLE), "--as-of", "25/01/2021", "-f", "json"])
    iso = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(EXAMPLE), "--as-of", "2021-01-25", "-f", "json"])
    assert vi.exit_code == 0 and vi.stdout == iso.stdout


def test_json_writes_each_rule_once_and_a_candidate_a_line() -> None:
    """Issue 16: quotes and notes once per rule (the `rules` table), not once per candidate."""
    code, out, _ = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "--format", "json")
    assert code == 0
    data = json.loads(out)
    rules = data["rules"]
    assert rules["staff_discipline_over_10pct"]["quote"].startswith("không xét khen thưởng cuối năm")
    assert rules["staff_discipline_over_10pct"]["clause"] == "II.2.a" and "note" in rules["staff_discipline_over_10pct"]
    for cand in data["candidates"]:
        for rule in cand["criteria"] + cand["disqualifiers"]:
            assert {"id", "outcome", "clause", "reason", "values"} <= set(rule) and "quote" not in rule
            assert rule["id"] in rules
    lines = out.splitlines()
    start = lines.index('  "candidates": [')
    assert [json.loads(line.rstrip(","))["id"] for line in lines[start + 1 : -2]] == [
        c["id"] for c in data["candidates"]
    ]


def test_json_labels_each_fact_once_and_a_pass_says_only_that() -> None:
    """Issue 16: a passing row's reason is its outcome word; the labels of what it read (and the
    words of each rating) are written once, in `facts` — within 1.5 KB a candidate on the example."""
    code, out, _ = run("evaluate", "ninh_thuan_2020", str(EXAMPLE), "--format", "json")
    assert code == 0
    data = json.loads(out)
    facts = data["facts"]
    assert facts["par_rating"] == {
        "label": "Xếp loại đánh giá thực hiện nhiệm vụ CCHC",
        "values": {"excellent": "Xuất sắc", "good": "Tốt", "fair": "Khá", "average": "Trung bình", "weak": "Yếu"},
    }
    outcomes = set()
    for cand in data["candidates"]:
        for rule in cand["criteria"] + cand["disqualifiers"]:
            assert set(rule["values"]) <= set(facts), rule["id"]
            outcomes.add(rule["outcome"])
            if rule["outcome"] == "pass":
                assert rule["reason"] == "Đạt"
            elif rule["outcome"] == "clear":  # clear, or not for this kind of unit (and then why)
                assert rule["reason"] == "Không vi phạm" or rule["reason"].startswith("Không áp dụng: chỉ áp dụng cho")
            else:  # what would have to hold, what is missing, why it does not apply: in words
                assert len(rule["reason"]) > len("Không đạt: "), rule
    assert {"pass", "fail", "unknown", "clear", "triggered"} <= outcomes
    assert len(out.encode()) / len(data["candidates"]) <= 1.5 * 1024


def test_warnings_are_capped_with_a_count(tmp_path: Path) -> None:
    rows = "".join(
        f"  - {{id: u{i}, name: U{i}, kind: commune, facts: {{par_tasks_done_well: n/a}}}}\n" for i in range(60)
    )
    f = tmp_path / "f.yaml"
    f.write_text("units:\n" + rows, encoding="utf-8")
    code, _, err = run("evaluate", "ninh_thuan_2020", str(f), "--as-of", "2021-01-25")
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 51 and lines[-1] == "… và 10 cảnh báo khác"
