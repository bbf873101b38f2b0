"""thidua verify: a saved result is reproduced exactly; an altered facts file is caught."""

from pathlib import Path

from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
runner = CliRunner()


def test_saved_evaluation_verifies_and_altered_facts_do_not(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(EXAMPLE.read_bytes())
    saved = tmp_path / "result.json"
    assert (
        runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json", "-o", str(saved)]).exit_code == 0
    )
    ok = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(facts)])
    assert ok.exit_code == 0, ok.output
    assert "matches" in ok.stdout
    # alter one fact afterwards: Sở Tư pháp now has 5 of 40 staff in breach
    text = facts.read_text(encoding="utf-8")
    i = text.index("- id: so-tu-phap")
    j = text.index("staff_violating_discipline: 4", i)
    facts.write_text(
        text[:j] + "staff_violating_discipline: 5" + text[j + len("staff_violating_discipline: 4") :], encoding="utf-8"
    )
    bad = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(facts)])
    assert bad.exit_code == 1
    assert "the facts file is not the one the report was made from" in bad.stdout
    assert "so-tu-phap: verdict was eligible, now disqualified" in bad.stdout


def test_saved_award_list_verifies(tmp_path: Path) -> None:
    saved = tmp_path / "award.json"
    args = ["award", "ninh_thuan_2020", str(EXAMPLE), "-f", "json", "-o", str(saved), "--lang", "en"]
    assert runner.invoke(app, args).exit_code == 0
    ok = runner.invoke(app, ["verify", str(saved), "ninh_thuan_2020", str(EXAMPLE)])
    assert ok.exit_code == 0, ok.output


def test_verify_refuses_a_file_that_is_not_a_result(tmp_path: Path) -> None:
    junk = tmp_path / "x.json"
    junk.write_text('{"hello": 1}', encoding="utf-8")
    res = runner.invoke(app, ["verify", str(junk), "ninh_thuan_2020", str(EXAMPLE)])
    assert res.exit_code == 2 and "not a thidua JSON result" in res.stderr
