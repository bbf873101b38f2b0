"""The README is a front page, and docs/ holds the rest without going stale (issue 24, point 6).

The README stays short and holds the two commands CI and a newcomer run; every link of the README
and of docs/ leads somewhere; the generated references (the CLI's help, the HTTP API, the facts
file's tables, the rule functions) equal what the programs say now; the two Vietnamese guides
exist and every picture they show is in docs/.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from engine.authoring import docs

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
GUIDES = [DOCS / "huong-dan-can-bo.md", DOCS / "huong-dan-soan-ke-hoach.md"]


def _regenerate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_regenerate", DOCS / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", text, flags=re.S)


def test_the_readme_is_a_front_page() -> None:
    assert README.stat().st_size < 10 * 1024, "README.md: keep it under 10 KB; move reference text into docs/"


def test_ci_runs_the_readmes_test_command_and_only_the_readme_writes_the_two_commands() -> None:
    setup, test = _bash_blocks(README.read_text(encoding="utf-8"))[:2]
    assert setup.endswith("thidua evaluate ninh_thuan_2020 examples/ninh_thuan_2020.yaml")
    assert test.endswith("python -m pytest tests")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().split("\n")[-1]
    assert ci == test, ".ci/run must run exactly the README's test command"
    for page in DOCS.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert setup not in text and test not in text, f"{page.name}: the README is the one place for its commands"


def _anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    out = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, flags=re.M):
        slug = "".join(
            c for c in unicodedata.normalize("NFC", heading.strip().lower()) if c.isalnum() or c in " -_"
        ).replace(" ", "-")
        out.add(slug)
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_leads_somewhere(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # examples in code blocks are not links
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.exists(), f"{page.name}: link to a missing file {target}"
        if anchor and file.suffix == ".md":
            assert anchor in _anchors(file.read_text(encoding="utf-8")), f"{page.name}: no heading for #{anchor}"


def test_generated_references_are_current() -> None:
    assert docs.main(["--check"]) == 0, "run python -m engine.authoring.docs"
    assert _regenerate().main(["--check"]) == 0, "run python docs/regenerate.py"


def test_the_cli_reference_has_every_command_in_both_languages() -> None:
    regen = _regenerate()
    for page in ("cli.md", "cli.en.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        for name in regen.commands():
            assert f"\n## thidua {name}\n" in text, f"docs/{page}: no section for thidua {name}"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_the_guides_are_vietnamese_and_show_real_pictures(guide: Path) -> None:
    text = guide.read_text(encoding="utf-8")
    assert re.search(r"^# Hướng dẫn", text, flags=re.M), f"{guide.name}: a Vietnamese title"
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert pictures, f"{guide.name}: show the outputs it explains"
    for picture in pictures:
        assert (guide.parent / picture).is_file(), f"{guide.name}: no picture {picture}"
    # written for an officer: no English sentence, outputs quoted as thidua now prints them (Vietnamese)
    from language import english_sentences

    assert english_sentences(text) == [], guide.name
