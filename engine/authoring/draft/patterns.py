"""The pattern library of `thidua draft` (issue 28): phrases of a plan → proposed campaign items.

# placeholder: replaced by the patterns branch
Only the interface (docs: the lead's draft-interface) with an empty library, so the skeleton
(engine.authoring.draft) runs and is tested before the library lands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

SectionKind = Literal["subjects", "criteria", "exclusions", "awards", "dossier", "timeline", "period", "other"]
ItemKind = Literal["group", "criterion", "disqualifier", "award", "quota", "deadline", "document", "late", "period"]


@dataclass(frozen=True, slots=True)
class Sentence:
    clause: str
    text: str
    heading: tuple[str, ...]
    section: SectionKind
    line: int
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    kind: ItemKind
    pattern: str
    quote: str
    fields: Mapping[str, Any]


class Library:
    def propose(self, sentence: Sentence) -> list[Proposal]:
        return []

    @property
    def names(self) -> tuple[str, ...]:
        return ()


def load_library(path: Path | None = None, *, exclude_plan: str | None = None) -> Library:
    return Library()
