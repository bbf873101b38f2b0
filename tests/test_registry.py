"""One registry of campaign checks (issue 25, point 6): each TD code is one entry — severity, stage,
who makes it, the function that finds it, the words its findings say — and the docs' table is it.

Every entry has a broken campaign that triggers it (tests/lint_gallery/, one file per code, or a
test named below), every finding carries a message its entry lists, and a rule that does not
compile takes its code from the compile stage's entries, never from what its message says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.authoring import docs
from engine.authoring.lint import CODES, LINT, REGISTRY, lint_campaign
from engine.common.message import Msg
from engine.common.paths import plans_dir
from engine.lang.parse import NOT_A_FACT_OF
from engine.model.checks import READER, STAGES, compile_check
from engine.model.vocabulary import words

TESTS = Path(__file__).parent
GALLERY = TESTS / "lint_gallery"
AUTHORING = TESTS.parent / "docs" / "authoring.md"
# the codes no single campaign file shows, and the test that triggers each
ELSEWHERE = {
    "TD213": ("test_checks.py", "test_shipped_campaign_id_must_be_its_file_name"),  # a file in campaigns/
    "TD501": ("test_lint.py", "test_unused_catalogue_fact"),  # the catalogue's, over every campaign
}
# what every broken campaign of the project says: each finding's message is one its entry lists
BROKEN = [
    *sorted(GALLERY.glob("TD*.yaml")),
    *sorted((TESTS / "gallery" / "campaigns").glob("*.yaml")),
    *sorted((TESTS / "hostile" / "campaigns").glob("*.yaml")),
]


def test_every_code_is_one_entry_of_one_registry() -> None:
    codes = [c.code for c in REGISTRY]
    assert codes == sorted(set(codes)), "a code is one entry"
    assert set(REGISTRY) == set(READER) | set(LINT) and not set(READER) & set(LINT)
    assert {c.code: (c.severity, c.title) for c in REGISTRY} == CODES
    for c in REGISTRY:
        assert re.fullmatch(r"TD\d{3}", c.code) and c.severity in ("error", "warning") and c.title
        assert c.stage in STAGES and c.stage != "schema", f"{c.code}: the schema's problems carry no code"
        assert c.by == ("reader" if c in READER else "lint"), c.code
    # made elsewhere: the compiler's two codes, and the catalogue's
    assert {c.code for c in REGISTRY if c.find is None} == {"TD204", "TD701", "TD501"}
    assert {c.stage for c in READER} == {"structure", "compile"}


def test_every_entrys_words_are_in_the_vocabulary() -> None:
    for lang in ("vi", "en"):
        vocabulary = words(lang)
        for c in REGISTRY:
            for key in c.keys:
                assert vocabulary[key], (c.code, key, lang)


def test_every_entry_has_a_case_that_triggers_it() -> None:
    for c in REGISTRY:
        files = sorted(GALLERY.glob(f"{c.code}_*.yaml"))
        if c.code in ELSEWHERE:
            assert not files, f"{c.code}: a gallery file, or a test named in ELSEWHERE — not both"
            module, test = ELSEWHERE[c.code]
            assert f"\ndef {test}(" in (TESTS / module).read_text(encoding="utf-8"), (c.code, module, test)
        else:
            assert len(files) == 1, f"{c.code}: add tests/lint_gallery/{c.code}_<what>.yaml (one broken campaign)"


@pytest.mark.skipif(not plans_dir().is_dir(), reason="the quotes are compared with ../shared/plans")
@pytest.mark.parametrize("path", sorted(GALLERY.glob("TD*.yaml")), ids=lambda p: p.stem)
def test_each_gallery_file_triggers_its_code_and_no_other(path: Path) -> None:
    assert [f.code for f in lint_campaign(path).findings] == [path.name[:5]]


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_every_finding_says_a_message_its_entry_lists(path: Path) -> None:
    entries = {c.code: c for c in REGISTRY}
    for finding in lint_campaign(path).findings:
        if not finding.code:
            continue  # a problem of the schema or of the YAML: no code
        assert isinstance(finding.message, Msg), finding
        entry = entries[finding.code]
        if entry.keys:
            assert finding.message.key in entry.keys, (finding.code, finding.message.key)
        else:  # TD701: every rule error no other compile entry claims
            assert compile_check(finding.message) is entry, (finding.code, finding.message.key)


def test_a_rule_error_takes_its_code_from_the_compile_entries() -> None:
    assert compile_check(Msg(NOT_A_FACT_OF, name="x", who="y")).code == "TD204"
    assert compile_check(Msg("problem.campaign_rule_unknown_fact", name="x")).code == "TD701"
    assert compile_check("a plain text, whatever it says about facts").code == "TD701"


def test_the_docs_table_is_the_registry() -> None:
    page = AUTHORING.read_text(encoding="utf-8")
    assert f"\n{docs.codes_table()}\n" in page, "run python -m engine.authoring.docs"
    rows = re.findall(r"^\| `(TD\d{3})` \| (\w+) \| ([a-z ]+) \| (\w+) \| (.+) \|$", page, flags=re.M)
    assert [(c.code, c.severity, c.stage, c.by) for c in REGISTRY] == [r[:4] for r in rows]
