"""The whole pipeline in one place: load → validate → compile → evaluate → render.

Everything the CLI does is callable from here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.common.errors import Problem, UsageError
from engine.evaluate.core import Evaluation, evaluate
from engine.model.campaign import Campaign, load_campaign
from engine.model.facts import FactsFile
from engine.readers import load_facts


def read_facts(path: Path, campaign: Campaign) -> FactsFile:
    """Load a facts file of any supported type and check it belongs to `campaign`."""
    facts = load_facts(path, campaign.catalogue)
    if facts.campaign is not None and facts.campaign != campaign.id:
        raise UsageError(
            Problem(
                str(path),
                f"this facts file is for campaign '{facts.campaign}', not '{campaign.id}'",
                hint="pick the matching campaign, or fix 'campaign:'",
            )
        )
    return facts


def run(
    campaign_name: str,
    facts_path: Path,
    *,
    as_of: dt.date | None = None,
    deadline: dt.date | None = None,
    backend: str = "native",
    round_year: int | None = None,
) -> Evaluation:
    from engine.common.speed import gc_paused

    campaign = load_campaign(campaign_name)
    with gc_paused():  # bulk, acyclic allocations: see engine.common.speed
        facts = read_facts(facts_path, campaign)
    # evaluate pauses the collector around its own bulk work; a backend that makes cycles runs with it on
    return evaluate(campaign, facts, as_of=as_of, deadline=deadline, backend=backend, round_year=round_year)
