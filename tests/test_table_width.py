"""The evaluate table in an 80-column terminal (issue 14.8): every line fits, every id whole on one
line, each candidate's verdict and reason shown; the wide table never splits an id either."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.explain.reasons import VERDICT_LABELS
from engine.model.campaign import available_campaigns
from engine.pipeline import run
from engine.render.text import table

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGNS = sorted(c for c in available_campaigns() if (ROOT / "examples" / f"{c}.yaml").exists())


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_the_table_reads_at_80_columns(campaign: str, lang: str) -> None:
    ev = run(campaign, ROOT / "examples" / f"{campaign}.yaml")
    text = table(ev, lang, width=80)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    for i, r in enumerate(ev.results, 1):
        head = next((line for line in lines if line.startswith(f"{i}.")), "")
        assert head.split()[1] == r.id, (r.id, head)  # the id whole, first on its block
        assert VERDICT_LABELS[lang][r.verdict] in text
    assert text == table(ev, lang, width=80)  # deterministic


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_the_wide_table_never_splits_an_id(campaign: str) -> None:
    ev = run(campaign, ROOT / "examples" / f"{campaign}.yaml")
    text = table(ev, "vi", width=160)
    for r in ev.results:
        assert any(r.id in line.split() for line in text.splitlines()), r.id
