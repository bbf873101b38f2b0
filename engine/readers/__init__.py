"""Readers of facts files: YAML and JSON (through `engine.model.source`), CSV and XLSX
(`engine.readers.tables`), all into the same `FactsFile` by `engine.model.facts.facts_from_document`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from engine.common.errors import Problem, UsageError
from engine.model.catalogue import Catalogue, load_catalogue
from engine.model.facts import FactsFile, facts_from_document
from engine.model.source import load_file


def load_facts(path: Path, catalogue: Catalogue | None = None) -> FactsFile:
    """Read a facts file of any supported type: YAML/JSON here, CSV/XLSX through engine.readers.tables."""
    display = str(path)
    suffix = path.suffix.lower()
    catalogue = catalogue or load_catalogue()
    if suffix in (".csv", ".xlsx"):
        from engine.readers.tables import load_table

        return load_table(path, catalogue)
    if suffix not in (".yaml", ".yml", ".json"):
        raise UsageError(
            Problem(display, f"unsupported facts file type '{suffix}'", hint="use .yaml, .yml, .json, .csv or .xlsx")
        )
    doc = load_file(path, display)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return facts_from_document(doc, sha, catalogue)
