"""The round a test of generated facts judges: a campaign judged every year refuses to guess one
outside its period (issue 22.8), and generated facts are evaluated in 2100 with files of any year."""

from __future__ import annotations

from engine.model.campaign import Campaign


def last_round(campaign: Campaign) -> int | None:
    """The last year a yearly campaign judges (None for a campaign judged once)."""
    return campaign.model.period.end.year if campaign.yearly else None
