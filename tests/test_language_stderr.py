"""Every line on stderr (and every finding of validate and lint) in the reader's language too (issue 24, point 7): the counter of
tests/language.py run over what an officer or an author meets when something is wrong — each broken
return of the galleries (tests/gallery/facts, tests/hostile), each broken campaign
(tests/gallery/campaigns, tests/hostile/campaigns, tests/lint_gallery), the warnings of every bundled
example under every command that reads facts, and the usage errors of the command line — in
Vietnamese output (0 English sentences) and in English output (0 Vietnamese ones outside quotes and
names). Help and the web app's error pages are counted in tests/test_help.py and tests/test_web_api.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from language import english_sentences, vietnamese_sentences
from typer.testing import CliRunner

from cli import app
from engine.model.campaign import available_campaigns

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
MINIMAL = TESTS / "gallery" / "minimal_campaign.yaml"
runner = CliRunner()


def _cases() -> list[tuple[str, list[str]]]:
    cases = []
    for path in sorted((TESTS / "gallery" / "facts").glob("*.yaml")):
        cases.append((f"gallery/facts/{path.name}", ["evaluate", str(MINIMAL), str(path)]))
    for path in sorted((TESTS / "hostile").iterdir()):
        if path.suffix in (".yaml", ".json", ".csv"):
            cases.append((f"hostile/{path.name}", ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"]))
    for folder in ("gallery/campaigns", "hostile/campaigns"):
        for path in sorted((TESTS / folder).glob("*.yaml")):
            cases.append((f"{folder}/{path.name}", ["validate", str(path)]))
    for path in sorted((TESTS / "lint_gallery").glob("*.yaml")):
        cases.append((f"lint_gallery/{path.name}", ["lint", str(path)]))
    for cid in sorted(available_campaigns()):
        example = ROOT / "examples" / f"{cid}.yaml"
        if example.exists():
            for command in ("evaluate", "award", "near"):
                cases.append((f"{command} {cid}", [command, cid, str(example)]))
    cases += [
        ("facts not found", ["evaluate", "ninh_thuan_2020", "missing.yaml"]),
        ("campaign misspelt", ["evaluate", "ninh_thuan2020", str(ROOT / "examples" / "ninh_thuan_2020.yaml")]),
        (
            "not a date",
            ["evaluate", "ninh_thuan_2020", str(ROOT / "examples" / "ninh_thuan_2020.yaml"), "--as-of", "31/02/2021"],
        ),
        ("unknown candidate", ["explain", "ninh_thuan_2020", str(ROOT / "examples" / "ninh_thuan_2020.yaml"), "x-y"]),
        ("bad format", ["evaluate", "ninh_thuan_2020", str(ROOT / "examples" / "ninh_thuan_2020.yaml"), "-f", "xml"]),
        ("README as facts", ["evaluate", "ninh_thuan_2020", str(ROOT / "README.md")]),
    ]
    return cases


CASES = _cases()


def _stderr(args: list[str], lang: str) -> str:
    """What the command says about the input: stderr, and for the authors' tools (validate, lint),
    whose findings are their output, stdout too."""
    result = runner.invoke(app, args, env={"THIDUA_LANG": lang})
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result.stderr + (result.stdout if args[0] in ("validate", "lint") else "")


@pytest.mark.parametrize(("name", "args"), CASES, ids=[c[0] for c in CASES])
def test_stderr_speaks_the_readers_language(name: str, args: list[str]) -> None:
    keep = [a for a in args if "/" in a]  # the file names the lines begin with
    vi = _stderr(args, "vi")
    assert english_sentences(vi, keep) == [], vi
    en = _stderr(args, "en")
    assert vietnamese_sentences(en, keep) == [], en


def test_the_galleries_are_counted() -> None:
    """The counter reads real failures: every broken file of the galleries does write to stderr (a
    counter over empty text finds nothing and proves nothing)."""
    broken = [(n, a) for n, a in CASES if n.startswith(("gallery/", "lint_gallery/"))]
    assert len(broken) > 40
    silent = [n for n, args in broken if not _stderr(args, "vi").strip()]
    assert silent == []
