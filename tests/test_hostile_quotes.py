"""A hostile campaign for lint's closest-passage search (issue 26): long quotes found nowhere.

A 70 KB campaign of 25 quotes of ~2,700 characters each, none in the plan, took minutes in
`thidua lint` and `/api/validate` (each quote compared character by character with 125 passages
of its length). The search now counts its work (`SearchBudget`: characters compared, plan words
scanned) against a limit per quote and per campaign; beyond it the finding says the quote is not
in the plan without naming a passage. The work is counted here through a hook on the comparison
itself, never timed.
"""

from __future__ import annotations

import difflib
import random
from pathlib import Path
from typing import Any

import pytest

import engine.authoring.quotes as quotes
from engine.authoring.lint import lint_campaign
from engine.authoring.quotes import PlanText, SearchBudget
from engine.common import limits
from engine.common.message import Msg

BASE = Path(__file__).parent / "lint_gallery" / "base.yaml"
WORDS = [
    "cán",
    "bộ",
    "công",
    "chức",
    "đơn",
    "vị",
    "hoàn",
    "thành",
    "xuất",
    "sắc",
    "nhiệm",
    "vụ",
    "cải",
    "cách",
    "hành",
    "chính",
    "năm",
    "tỉnh",
    "xã",
    "phường",
]


def _plan(tmp_path: Path) -> Path:
    """A plan of ~12 KB that holds the base campaign's quotes (copied from it), then filler."""
    rng = random.Random(7)
    base = BASE.read_text(encoding="utf-8")
    kept = [line.split('quote: "', 1)[1].rstrip('"') for line in base.split("\n") if 'quote: "' in line]
    filler = [" ".join(rng.choice(WORDS) for _ in range(12)) + "." for _ in range(150)]
    path = tmp_path / "plan.txt"
    path.write_text("\n".join([*kept, *filler]) + "\n", encoding="utf-8")
    return path


def _long_quotes(tmp_path: Path, count: int = 25, size: int = 2700) -> Path:
    """The base campaign with `count` criteria more, each quoting `size` characters found nowhere."""
    rng = random.Random(26)
    rules = []
    for i in range(count):
        words: list[str] = []
        while len(" ".join(words)) < size:
            words.append(rng.choice(WORDS) + rng.choice(("", "x", "y")))
        rules.append(
            f"  - id: long_{i:02d}\n    group: collective\n    label: {{vi: Dài {i}, en: Long {i}}}\n"
            f'    rule: par_rating >= good\n    clause: II.2.a\n    quote: "{" ".join(words)}"\n'
        )
    text = BASE.read_text(encoding="utf-8").replace("disqualifiers:\n", "".join(rules) + "disqualifiers:\n", 1)
    path = tmp_path / "long_quotes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class _Counted(difflib.SequenceMatcher):  # type: ignore[type-arg]
    """difflib's matcher, counting the characters each comparison may compare (len a × len b)."""

    work = 0

    def __init__(self, isjunk: Any, a: Any, b: Any, autojunk: bool = True) -> None:
        type(self).work += len(a) * len(b)
        super().__init__(isjunk, a, b, autojunk)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> type[_Counted]:
    _Counted.work = 0
    monkeypatch.setattr(quotes.difflib, "SequenceMatcher", _Counted)
    return _Counted


def test_long_quotes_found_nowhere_cost_a_bounded_work(tmp_path: Path, counted: type[_Counted]) -> None:
    campaign = _long_quotes(tmp_path)
    assert campaign.stat().st_size >= 70 * 1024
    result = lint_campaign(campaign, _plan(tmp_path))
    found = [f for f in result.findings if f.code == "TD102"]
    assert [f.where for f in found] == [f"criteria[long_{i:02d}].quote" for i in range(25)]
    for f in found:  # not in the plan, no passage named: the wording of a quote with no close passage
        assert f.message == Msg("problem.lint_td102", plan="plan.txt")
        assert f.hint == Msg("problem.lint_td102_hint")
    # without the budget: 25 quotes × 125 passages × 2,700² characters ≈ 2.3e10
    assert counted.work <= limits.MAX_CAMPAIGN_QUOTE_SEARCH


def test_a_short_quote_still_names_its_closest_passage(tmp_path: Path, counted: type[_Counted]) -> None:
    plan = PlanText.read(_plan(tmp_path))
    near = plan.closest("Hoàn thành xuất sắc nhiệm vụ được giao trong năm 2021.", SearchBudget())
    assert near is not None and near.line == 4
    assert (near.quote_has, near.plan_has) == ("năm 2021.", "năm 2020.")
    assert 0 < counted.work <= limits.MAX_QUOTE_SEARCH


def test_the_budget_counts_the_work_and_stops_at_its_limit(tmp_path: Path, counted: type[_Counted]) -> None:
    plan = PlanText.read(_plan(tmp_path))
    quote = "Hoàn thành xuất sắc nhiệm vụ được giao trong năm 2021."
    budget = SearchBudget()
    assert plan.closest(quote, budget) is not None
    spent = budget.spent
    assert spent >= counted.work > 0  # the budget counts at least what was compared (and the plan's words)
    # a campaign with less left than one search costs: no passage, and nothing compared
    counted.work = 0
    poor = SearchBudget(spent - 1)
    assert plan.closest(quote, poor) is None and counted.work == 0
    assert poor.spent <= spent


def test_the_campaigns_budget_is_shared_by_its_quotes(
    tmp_path: Path, counted: type[_Counted], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each quote alone within its limit, but together past the campaign's: the later ones name no passage."""
    campaign = _long_quotes(tmp_path, count=6, size=150)
    plan = _plan(tmp_path)
    one = SearchBudget()
    text = PlanText.read(plan)
    assert text.closest("cán bộ " * 20, one) is not None
    monkeypatch.setattr(limits, "MAX_CAMPAIGN_QUOTE_SEARCH", 3 * one.spent)
    found = [f for f in lint_campaign(campaign, plan).findings if f.code == "TD102"]
    named = [f.hint != Msg("problem.lint_td102_hint") for f in found]
    assert len(found) == 6 and named[0] and not named[-1]
    assert named == sorted(named, reverse=True)  # once the budget is spent, no later quote names a passage
