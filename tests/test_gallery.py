"""A gallery of broken inputs: each file names the line and the message fragments it must produce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

GALLERY = Path(__file__).parent / "gallery"
MINIMAL = GALLERY / "minimal_campaign.yaml"
runner = CliRunner()


def expectations(path: Path) -> tuple[int, list[str]]:
    text = path.read_text(encoding="utf-8")
    line = int(re.search(r"# gallery: expect-line: (\d+)", text).group(1))  # type: ignore[union-attr]
    return line, re.findall(r"# gallery: expect: (.+)", text)


def test_minimal_campaign_is_valid() -> None:
    result = runner.invoke(app, ["validate", str(MINIMAL)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", sorted((GALLERY / "campaigns").glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_campaign(path: Path) -> None:
    """Said in Vietnamese by default (`expect:`), in English with THIDUA_LANG=en (`expect-en:`)."""
    line, fragments = expectations(path)
    english = re.findall(r"# gallery: expect-en: (.+)", path.read_text(encoding="utf-8"))
    assert fragments and english, "a campaign of the gallery names what it says in both languages"
    for env, expected in (({}, fragments), ({"THIDUA_LANG": "en"}, english)):
        result = runner.invoke(app, ["validate", str(path)], env=env)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert f"{path}:{line}:" in result.stderr, result.stderr
        for fragment in expected:
            assert fragment in result.stderr, (fragment, result.stderr)


@pytest.mark.parametrize("path", sorted((GALLERY / "facts").glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_facts(path: Path) -> None:
    """The one line in Vietnamese (`expect:`, the default) and in English (`expect-en:`, THIDUA_LANG=en)."""
    line, fragments = expectations(path)
    english = re.findall(r"# gallery: expect-en: (.+)", path.read_text(encoding="utf-8"))
    assert english, f"{path.name}: no expect-en line"
    for lang, wanted in (("vi", fragments), ("en", english)):
        result = runner.invoke(app, ["evaluate", str(MINIMAL), str(path)], env={"THIDUA_LANG": lang})
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        lines = result.stderr.strip().split("\n")
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"{path}:{line}:"), lines[0]
        for fragment in wanted:
            assert fragment in lines[0], (lang, fragment, lines[0])


def test_broken_campaign_used_for_evaluation_exits_2() -> None:
    path = GALLERY / "campaigns" / "misspelt_fact.yaml"
    facts = GALLERY / "facts" / "unknown_fact.yaml"
    result = runner.invoke(app, ["evaluate", str(path), str(facts)])
    assert result.exit_code == 2
    assert "không có số liệu 'par_ratting'" in result.stderr
