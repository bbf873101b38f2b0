"""An input as its bytes and its name: what every entry point takes (a path is read into one).

The web app's uploads are `Source`s as they arrive, in memory; the command line's files stay
paths, which the readers open themselves (a folder, `-`, a size limit checked before reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.model.campaign import Campaign, CampaignRead


@dataclass(frozen=True)
class Source:
    """One file's name (its suffix gives the format; problems name it) and its content."""

    name: str
    data: bytes

    @classmethod
    def read(cls, path: Path) -> Source:
        """The file at `path`, read as any input is (size limit, regular files only)."""
        from engine.model.source import read_input

        return cls(str(path), read_input(path))


def read_campaign(source: Source) -> CampaignRead:
    """A campaign file given as bytes, read as `engine.model.campaign.read_campaign` reads a
    file: every problem named by the source's name; nothing written to disk."""
    from engine.model.campaign import read_campaign_text
    from engine.model.source import check_size

    check_size(len(source.data), source.name)
    return read_campaign_text(source.name, source.data)


def load_campaign(source: Source) -> Campaign:
    """`read_campaign`, refusing a campaign with any error (`CampaignInvalid` lists them)."""
    return read_campaign(source).require_campaign()
