"""Readers of facts files: YAML and JSON (through `engine.model.source`), CSV and XLSX
(`engine.readers.tables`), all into the same `FactsFile` by `engine.model.facts.facts_from_document`.

Entry points: `load_facts(path)` for a file, `read_facts(name, data)` for bytes (an upload,
standard input) — the format comes from the name's suffix; both apply the same limits and checks —
and `load_inputs(paths)` for the several files and folders (and `-`, standard input) of one
evaluation: every return a unit sent, read as one population (`engine.model.facts.combine`).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path, PurePath

from engine.common import limits
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.model.catalogue import Catalogue, load_catalogue
from engine.model.facts import FactsFile, combine, facts_from_document, refuse_empty
from engine.model.source import check_size, decode, load_json_text, load_yaml_text, read_input

SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")


def _suffix(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(
            Problem(name, Msg("problem.facts_file_type", suffix=suffix), hint=Msg("problem.facts_file_types"))
        )
    return suffix


def load_facts(path: Path, catalogue: Catalogue | None = None, *, alone: bool = True) -> FactsFile:
    """Read a facts file of any supported type (and remember it as an input: outputs never go over it)."""
    display = str(path)
    _suffix(display)
    return read_facts(display, read_input(path, display), catalogue, alone=alone)


def read_facts(name: str, data: bytes, catalogue: Catalogue | None = None, *, alone: bool = True) -> FactsFile:
    """A facts file's bytes into a `FactsFile`; `name` gives the format (its suffix) and names it in errors."""
    suffix = _suffix(name)
    check_size(len(data), name)
    catalogue = catalogue or load_catalogue()
    if suffix in (".csv", ".xlsx"):
        from engine.readers.tables import read_table

        facts = read_table(data, name, catalogue, csv=suffix == ".csv", alone=alone)
    else:
        text = decode(data, name)
        doc = load_json_text(text, name) if suffix == ".json" else load_yaml_text(text, name)
        facts = facts_from_document(doc, hashlib.sha256(data).hexdigest(), catalogue, alone=alone)
    return refuse_empty(facts) if alone else facts


STDIN = "-"


def input_files(args: Sequence[str | Path]) -> list[Path]:
    """The files `args` name, in a stable order: each file as given; each folder's supported files
    (sorted by name, not recursing; hidden files and Excel's `~$` lock files left out); `-` as is."""
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        if str(arg) == STDIN:
            out.append(path)
        elif path.is_dir():
            inside = sorted(
                (p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()),
                key=lambda p: p.name,
            )
            inside = [p for p in inside if not p.name.startswith((".", "~$"))]
            if not inside:
                raise UsageError(
                    Problem(str(path), Msg("problem.facts_empty_folder"), hint=Msg("problem.facts_empty_folder_hint"))
                )
            out += inside
        else:
            out.append(path)
    seen: dict[Path, Path] = {}
    for p in out:
        if str(p) != STDIN and p.resolve() in seen:
            raise UsageError(
                Problem(
                    str(p),
                    Msg("problem.facts_given_twice", other=str(seen[p.resolve()])),
                    hint=Msg("problem.facts_name_once"),
                )
            )
        seen.setdefault(p.resolve(), p)
    return out


def load_inputs(
    args: Sequence[str | Path], catalogue: Catalogue | None = None, *, input_format: str | None = None
) -> FactsFile:
    """Every facts file of one evaluation — files, folders, `-` for standard input (its format from
    `input_format`: yaml, json, csv, xlsx) — as one population. One file is read as itself."""
    files = input_files(args)
    if not files:
        raise UsageError(Problem("FACTS", Msg("problem.facts_no_file"), hint=Msg("problem.facts_no_file_hint")))
    if sum(1 for p in files if str(p) == STDIN) > 1:
        raise UsageError(Problem(STDIN, Msg("problem.facts_stdin_twice"), hint=Msg("problem.facts_stdin_once")))
    alone = len(files) == 1
    read: list[FactsFile] = []
    problems: list[Problem] = []
    for p in files:  # every file's problems at once: an officer fixes them all before the next run
        try:
            read.append(_one(p, catalogue, input_format, alone))
        except UsageError as e:
            if alone:
                raise
            problems += e.problems
    if problems:
        raise UsageError(problems)
    return read[0] if alone else combine(read)


def _one(path: Path, catalogue: Catalogue | None, input_format: str | None, alone: bool) -> FactsFile:
    if str(path) != STDIN:
        return load_facts(path, catalogue, alone=alone)
    if input_format is None:
        raise UsageError(Problem(STDIN, Msg("problem.facts_stdin_format"), hint=Msg("problem.facts_stdin_format_hint")))
    data = sys.stdin.buffer.read(limits.MAX_BYTES + 1)
    return read_facts(f"<stdin>.{input_format}", data, catalogue, alone=alone)
