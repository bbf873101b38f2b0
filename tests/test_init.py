"""`thidua init`: next year's campaign from this year's, with the document's fields cleared."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli import app

runner = CliRunner()


def test_init_clears_document_fields_and_dates(tmp_path: Path) -> None:
    out = tmp_path / "ninh_thuan_2021.yaml"
    result = runner.invoke(app, ["init", "ninh_thuan_2021", "--from", "ninh_thuan_2020", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../schemas/campaign.schema.json\n# Sao chép từ ninh_thuan_2020"
    )
    assert "\nid: ninh_thuan_2021\n" in text
    for key in ("number", "date", "signer", "source", "start", "end", "deadline"):
        assert f"  {key}: null  # TODO(init): " in text, key
    assert "288/KH-UBND" not in text.split("criteria:")[0].split("\n", 4)[-1]  # only in the header comment
    assert "rule: share(staff_violating_discipline, staff_total) > 0.10" in text  # the rules are kept
    assert f"{out}: đã tạo; cần điền:" in result.stdout and "các dòng còn ghi năm cũ: " in result.stdout
    # validate points at exactly the lines to fill
    check = runner.invoke(app, ["validate", str(out)])
    assert check.exit_code == 1
    todo_lines = {i for i, line in enumerate(text.split("\n"), 1) if "TODO(init)" in line}
    reported = {int(line.split(":")[1]) for line in check.stderr.strip().split("\n")}
    assert reported <= todo_lines, (reported, todo_lines)


def test_filled_in_copy_validates(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    assert runner.invoke(app, ["init", "c_2021", "--from", "ninh_thuan_2020", "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    for key, value in (
        ("date", "2021-02-01"),
        ("source", "ninh_thuan_2020.txt"),
        ("start", "2021-02-01"),
        ("end", "2021-12-20"),
        ("deadline", "{date: 2022-01-20}"),
    ):
        text = text.replace(f"  {key}: null  # TODO(init)", f"  {key}: {value}  # TODO(init)", 1)
    out.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0, result.output


def test_init_refuses_to_overwrite_and_bad_ids(tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    out.write_text("keep", encoding="utf-8")
    result = runner.invoke(app, ["init", "x_2026", "--from", "ninh_thuan_2020", "-o", str(out)])
    assert result.exit_code == 2 and "tệp đã có" in result.stderr
    en = runner.invoke(app, ["init", "x_2026", "--from", "ninh_thuan_2020", "-o", str(out)], env={"THIDUA_LANG": "en"})
    assert en.exit_code == 2 and "already exists" in en.stderr
    assert out.read_text(encoding="utf-8") == "keep"
    result = runner.invoke(app, ["init", "Bad-Id", "--from", "ninh_thuan_2020", "-o", str(tmp_path / "y.yaml")])
    assert result.exit_code == 2 and "chữ thường không dấu" in result.stderr
    for reserved in ("facts", "rewards", "patterns"):  # the data files beside the campaigns: never a campaign's id
        result = runner.invoke(app, ["init", reserved, "--from", "ninh_thuan_2020", "-o", str(tmp_path / "r.yaml")])
        assert result.exit_code == 2 and "tệp dữ liệu dùng chung" in result.stderr, result.stderr
        assert not (tmp_path / "r.yaml").exists()
    result = runner.invoke(app, ["init", "x", "--from", "nowhere_2020", "-o", str(tmp_path / "z.yaml")])
    assert result.exit_code == 2 and "không có kế hoạch 'nowhere_2020'" in result.stderr


def test_a_copy_left_unfilled_says_each_empty_key_once(tmp_path: Path) -> None:
    """Validating what init cleared: one line per key left empty, in the author's words — not one per
    type the key may take (a date or a month), nor Python's 'None'."""
    out = tmp_path / "ninh_thuan_2026.yaml"
    assert runner.invoke(app, ["init", "ninh_thuan_2026", "--from", "ninh_thuan_2020", "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.strip().split("\n")
    keys = [line.split(": ")[1] for line in lines]
    assert keys == ["document.date", "document.source", "period.end", "nomination.deadline"], lines
    assert all("không được để trống" in line and "None" not in line for line in lines), lines
