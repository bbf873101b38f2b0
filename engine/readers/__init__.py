"""Readers of facts files: YAML and JSON (through `engine.model.source`), CSV and XLSX
(`engine.readers.tables`), all into the same `FactsFile` by `engine.model.facts.facts_from_document`.

Two entry points: `load_facts(path)` for a file, `read_facts(name, data)` for bytes (an upload,
standard input); the format comes from the name's suffix. Both apply the same limits and checks.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePath

from engine.common.errors import Problem, UsageError
from engine.model.catalogue import Catalogue, load_catalogue
from engine.model.facts import FactsFile, facts_from_document
from engine.model.source import check_size, decode, load_json_text, load_yaml_text, read_input

SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")


def _suffix(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(
            Problem(name, f"unsupported facts file type '{suffix}'", hint="use .yaml, .yml, .json, .csv or .xlsx")
        )
    return suffix


def load_facts(path: Path, catalogue: Catalogue | None = None) -> FactsFile:
    """Read a facts file of any supported type (and remember it as an input: outputs never go over it)."""
    display = str(path)
    _suffix(display)
    return read_facts(display, read_input(path, display), catalogue)


def read_facts(name: str, data: bytes, catalogue: Catalogue | None = None) -> FactsFile:
    """A facts file's bytes into a `FactsFile`; `name` gives the format (its suffix) and names it in errors."""
    suffix = _suffix(name)
    check_size(len(data), name)
    catalogue = catalogue or load_catalogue()
    if suffix in (".csv", ".xlsx"):
        from engine.readers.tables import read_table

        return read_table(data, name, catalogue, csv=suffix == ".csv")
    text = decode(data, name)
    doc = load_json_text(text, name) if suffix == ".json" else load_yaml_text(text, name)
    return facts_from_document(doc, hashlib.sha256(data).hexdigest(), catalogue)
