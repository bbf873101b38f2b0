"""The fixed words of spreadsheets and reports (templates/labels.yaml), in Vietnamese and English.

Fact labels come from the catalogue and rule labels from the campaign; what remains — column
headers, sheet names, report headings, the yes/no words a cell may hold — lives in one data
file, so neither the code that reads spreadsheets nor a Jinja2 template hard-codes a word.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.model.catalogue import Label

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(_Strict):
    group: dict[str, tuple[str, ...]]
    true: tuple[str, ...]
    false: tuple[str, ...]
    via: dict[str, tuple[str, ...]]
    documents: dict[str, tuple[str, ...]]


class TemplateWords(_Strict):
    notes: Label
    note_type: dict[str, Label]
    guide: Label


class Labels(_Strict):
    schema_version: int
    columns: dict[str, Label]
    meta: dict[str, Label]
    sheets: dict[str, Label]
    words: Words
    values: dict[str, Label]
    template: TemplateWords
    report: dict[str, Label]

    def lang(self, lang: str) -> dict[str, str]:
        """The report's words in one language, for templates (`labels.sec_awards`)."""
        return {k: v.get(lang) for k, v in self.report.items()}


@cache
def load_labels() -> Labels:
    from engine.model.schema import validate_model
    from engine.model.source import load_file

    return validate_model(Labels, load_file(TEMPLATES / "labels.yaml", "templates/labels.yaml"))


def norm(text: Any) -> str:
    """A word as compared: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())
