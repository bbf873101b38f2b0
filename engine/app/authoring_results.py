"""What the list, lint and test commands give back; read as engine.app.commands' (`commands.Linted`),
which imports this module only when one of them is first made (a frozen dataclass is made at import:
a command that evaluates makes none of these)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.authoring.lint import LintResult
    from engine.authoring.testrun import TestRun
    from engine.model.schema import CampaignModel


@dataclass(frozen=True)
class Listed:
    """One campaign of the list: its model, or the number of problems that keep it from loading."""

    id: str
    model: CampaignModel | None
    problems: int = 0


@dataclass(frozen=True)
class Linted:
    results: list[LintResult]

    @property
    def failed(self) -> bool:
        return any(r.errors for r in self.results)


@dataclass(frozen=True)
class Tested:
    run: TestRun
    verbose: bool
