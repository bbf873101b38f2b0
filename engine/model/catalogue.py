"""The fact catalogue: the shared vocabulary of facts every campaign reads.

`campaigns/facts.yaml` lists each fact key with its type, its range, who has it (units,
people) and its Vietnamese and English labels. Rules are type-checked against it when a
campaign loads, and facts files are validated against it when they are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.common.message import Msg
from engine.common.paths import shipped
from engine.model.schema import Label, validate_model
from engine.model.source import load_yaml_text, read_text

__all__ = ["Catalogue", "FactDef", "Label", "Scale", "load_catalogue"]

FactType = Literal["bool", "int", "number", "percent", "rating", "enum", "date", "series", "records"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ScaleValue(Strict):
    value: str
    label: Label
    aliases: tuple[str, ...] = ()


class Scale(Strict):
    """An ordinal scale (best first) or an unordered enum."""

    ordered: bool = True
    values: tuple[ScaleValue, ...]

    def rank(self, value: str) -> int:
        """Higher is better: the last value of the list has rank 0."""
        names = [v.value for v in self.values]
        return len(names) - 1 - names.index(value)

    @property
    def names(self) -> list[str]:
        return [v.value for v in self.values]

    def label(self, value: str, lang: str) -> str:
        for v in self.values:
            if v.value == value:
                return v.label.get(lang)
        return value


class Derivation(Strict):
    """How a fact is computed when the candidate does not state it (`engine.evaluate.derive`).

    `count: subordinates` counts the units of the facts file whose `parent` is the candidate;
    with `where: <bool fact>`, only those for which that fact is true.
    """

    count: Literal["subordinates"]
    where: str | None = None


class FactDef(Strict):
    type: FactType
    label: Label
    for_: tuple[Literal["units", "people"], ...] = Field(alias="for")
    scale: str | None = None
    min: float | None = None
    max: float | None = None
    source: str = "CONTRACT.md"
    description: str = ""
    derived: Derivation | None = None
    # the value only grows within the period (disbursement): a dated reading as of a day is the
    # highest value recorded on or before it (`at`, `latest` in engine.lang.builtins)
    cumulative: bool = False
    # other names accepted as a table's column header: a campaign's own label (`labels:`) keeps
    # the catalogue's here, so a sheet headed with either reads the same (Catalogue.for_campaign)
    aliases: tuple[Label, ...] = ()

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The least and the most a value of this fact can be (None: no bound): its `min`/`max`,
        else a percentage is 0–100 and a series of percentages at least 0. Read by the facts
        parser (a value outside is refused) and by `engine.lang.decide` (an unknown value lies
        within)."""
        lo = self.min if self.min is not None else (0 if self.type in ("percent", "series") else None)
        hi = self.max if self.max is not None else (100 if self.type == "percent" else None)
        return lo, hi

    @model_validator(mode="after")
    def _scale_for_ratings(self) -> FactDef:
        if self.type in ("rating", "enum") and not self.scale:
            raise ValueError(
                Msg("problem.campaign_catalogue_scale", type=self.type), Msg("problem.campaign_catalogue_scale_hint")
            )
        if self.cumulative and self.type != "series":
            raise ValueError(
                Msg("problem.campaign_catalogue_cumulative"), Msg("problem.campaign_catalogue_cumulative_hint")
            )
        return self


class Catalogue(Strict):
    schema_version: Literal[1]
    scales: dict[str, Scale]
    facts: dict[str, FactDef]

    @model_validator(mode="after")
    def _scales_exist(self) -> Catalogue:
        for key, fact in self.facts.items():
            if fact.scale and fact.scale not in self.scales:
                raise ValueError(
                    Msg("problem.campaign_catalogue_unknown_scale", field=key, scale=fact.scale),
                    Msg("problem.campaign_catalogue_scales", scales=list(self.scales)),
                )
            where = fact.derived.where if fact.derived else None
            if where is not None and (where not in self.facts or self.facts[where].type != "bool"):
                raise ValueError(Msg("problem.campaign_catalogue_where", field=key, where=where))
        return self

    def scale_of(self, key: str) -> Scale | None:
        fact = self.facts.get(key)
        return self.scales[fact.scale] if fact and fact.scale else None

    def label(self, key: str, lang: str) -> str:
        """The one label of a fact: the campaign's own words where it gives them (`for_campaign`)."""
        fact = self.facts.get(key)
        return fact.label.get(lang) if fact else key

    def for_campaign(self, labels: Mapping[str, Label]) -> Catalogue:
        """This catalogue with a campaign's own labels for some facts (its plan's terms, issue 12.8).

        Everything that shows a fact — explanations, tables, reports, spreadsheet headers, the
        blank template — reads `label` of the campaign's catalogue, so one override reaches them
        all; the shared label stays an alias, so a sheet headed with it still reads."""
        if not labels:
            return self
        facts = dict(self.facts)
        for key, label in labels.items():
            old = facts.get(key)
            if old is not None and old.label != label:
                facts[key] = old.model_copy(update={"label": label, "aliases": (*old.aliases, old.label)})
        return self.model_copy(update={"facts": facts})


def campaigns_dir() -> Path:
    """The shipped campaigns, with the catalogue and the reward table (engine.common.paths)."""
    return shipped("campaigns")


@cache
def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and validate the shared catalogue (once per process)."""
    from engine.common.cache import remembered

    path = path or campaigns_dir() / "facts.yaml"
    name = _display(path)
    text = catalogue_text(path)
    return remembered("catalogue", (name, text), lambda: validate_model(Catalogue, load_yaml_text(text, name)))


@cache
def catalogue_text(path: Path | None = None) -> str:
    """The catalogue file's text (read once per process): what `load_catalogue` reads."""
    path = path or campaigns_dir() / "facts.yaml"
    return read_text(path, _display(path))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
