"""Readers of facts files: YAML and JSON (through `engine.model.source`), CSV and XLSX
(`engine.readers.tables`), all into the same `FactsFile` by `engine.model.facts.facts_from_document`.

Entry points: `load_facts(path)` for a file, `read_facts(name, data)` for bytes (an upload,
standard input) — the format comes from the name's suffix; both apply the same limits and checks —
and `load_inputs(paths)` for the several files and folders (and `-`, standard input) of one
evaluation: every return a unit sent, read as one population (`engine.model.facts.combine`).
"""

from __future__ import annotations

import hashlib
import mmap
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path, PurePath

from engine.common import limits
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.model.catalogue import Catalogue, load_catalogue
from engine.model.facts import FactsFile, combine, facts_from_document, refuse_empty
from engine.model.source import check_size, decode, load_json_text, load_yaml_text, read_input
from engine.readers.json_fast import mapped, read_json

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
    display = shown(path)
    if _suffix(display) == ".json" and (data := mapped(path)) is not None:  # a large file: never all in memory
        return read_facts(display, data, catalogue, alone=alone)
    return read_facts(display, read_input(path, display), catalogue, alone=alone)


def read_facts(
    name: str, data: bytes | mmap.mmap, catalogue: Catalogue | None = None, *, alone: bool = True
) -> FactsFile:
    """A facts file's bytes (or a memory map of them) into a `FactsFile`; `name` gives the format
    (its suffix) and names it in errors. JSON is read by `engine.readers.json_fast` where it can be,
    by the full path (which says every problem, at its line) where it cannot."""
    suffix = _suffix(name)
    check_size(len(data), name)
    catalogue = catalogue or load_catalogue()
    facts: FactsFile | None = None
    sha = ""
    if suffix == ".json":
        facts, sha = read_json(data, name, catalogue, alone=alone)
    if facts is not None:
        pass
    elif suffix in (".csv", ".xlsx"):
        from engine.readers.tables import read_table

        facts = read_table(bytes(data), name, catalogue, csv=suffix == ".csv", alone=alone)
    else:
        text = decode(data[:], name)
        doc = load_json_text(text, name) if suffix == ".json" else load_yaml_text(text, name)
        facts = facts_from_document(doc, sha or hashlib.sha256(data).hexdigest(), catalogue, alone=alone)
    return refuse_empty(facts) if alone else facts


STDIN = "-"
# what Windows, macOS and Excel leave in any folder: not returns, and an office expects them passed over
# (names starting with '.' — .DS_Store, ._x.xlsx — and Excel's '~$' lock files are passed over too)
LEFT_BY_THE_SYSTEM = ("desktop.ini", "thumbs.db", "icon\r")
# workbooks of another kind: a return saved so is named with a hint to save it as .xlsx, never passed over
OTHER_WORKBOOKS = (".xls", ".xlsm", ".xlsb", ".xltx", ".xltm", ".ods", ".numbers")


class Listed(list[Path]):
    """The files `input_files` found, with a warning for each entry of a folder that is not read."""

    def __init__(self, paths: Sequence[Path] = (), warnings: Sequence[Problem] = ()) -> None:
        super().__init__(paths)
        self.warnings = list(warnings)


def shown(path: Path | str) -> str:
    """A path as it is named to the user: a name that is not UTF-8 (a byte the file system gives
    as a lone surrogate) with that byte escaped (`\\xff`), never a character that cannot be written."""
    text = str(path)
    return text if text.isascii() else os.fsencode(text).decode("utf-8", "backslashreplace")


def input_files(args: Sequence[str | Path]) -> Listed:
    """The files `args` name, in a stable order: each file as given; each folder's facts files
    (sorted by name, not recursing; see `folder_files`); `-` as is. A file named twice is refused."""
    out = Listed()
    for arg in args:
        path = Path(arg)
        if str(arg) == STDIN:
            out.append(path)
        elif path.is_dir():
            inside, warnings = folder_files(path)
            out += inside
            out.warnings += warnings
        else:
            out.append(path)
    seen: dict[Path, Path] = {}
    for p in out:
        if str(p) != STDIN and p.resolve() in seen:
            raise UsageError(
                Problem(
                    shown(p),
                    Msg("problem.facts_given_twice", other=shown(seen[p.resolve()])),
                    hint=Msg("problem.facts_name_once"),
                )
            )
        seen.setdefault(p.resolve(), p)
    return out


def folder_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """A folder's facts files, sorted by name, and a warning for each other entry that is not read.

    Every entry is read or named (issue 26.4): what the system leaves (`LEFT_BY_THE_SYSTEM`, hidden
    files, Excel's lock files) is passed over; a folder inside or a file of another type is named in
    a warning; a link that leads nowhere or out of the folder (its target never read), a pipe or a
    device (never opened: a pipe would block), or a workbook of another kind (`OTHER_WORKBOOKS`) is
    refused, every one of them at once."""
    root = folder.resolve()
    files: list[Path] = []
    problems: list[Problem] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith((".", "~$")) or entry.name.lower() in LEFT_BY_THE_SYSTEM:
            continue
        found = _entry(entry, root)
        if isinstance(found, Path):
            files.append(found)
        else:
            problems.append(found)
    errors = [p for p in problems if p.severity != "warning"]
    if errors:
        raise UsageError(errors)
    if not files:
        raise UsageError(
            Problem(shown(folder), Msg("problem.facts_empty_folder"), hint=Msg("problem.facts_empty_folder_hint"))
        )
    return files, problems


def _entry(entry: Path, root: Path) -> Path | Problem:
    """One entry of a folder of returns: the file to read, or the problem that names it."""
    name = shown(entry)
    try:
        mode = entry.lstat().st_mode
        if stat.S_ISLNK(mode):
            target = Path(os.path.realpath(entry))
            if not target.exists():
                return Problem(name, Msg("problem.intake_link_dangling"), hint=Msg("problem.intake_link_dangling_hint"))
            if not target.is_relative_to(root):  # its target is neither read nor named
                return Problem(name, Msg("problem.intake_link_outside"), hint=Msg("problem.intake_link_outside_hint"))
            mode = target.stat().st_mode
    except OSError as e:
        reason = e.strerror or ""
        return Problem(
            name, Msg("problem.facts_cannot_read", reason=reason), hint=Msg("problem.facts_cannot_read_hint")
        )
    if stat.S_ISDIR(mode):
        return Problem(
            name,
            Msg("problem.intake_subfolder_not_read"),
            hint=Msg("problem.intake_subfolder_hint"),
            severity="warning",
        )
    if not stat.S_ISREG(mode):
        return Problem(name, Msg("problem.facts_not_a_regular_file"), hint=Msg("problem.intake_not_regular_hint"))
    suffix = entry.suffix.lower()
    if suffix in SUFFIXES:
        return entry
    if suffix in OTHER_WORKBOOKS:
        return Problem(
            name, Msg("problem.intake_old_spreadsheet", suffix=suffix), hint=Msg("problem.intake_save_as_xlsx")
        )
    what = suffix or Msg("problem.intake_no_suffix")
    return Problem(
        name, Msg("problem.intake_not_read", suffix=what), hint=Msg("problem.facts_file_types"), severity="warning"
    )


def load_inputs(
    args: Sequence[str | Path], catalogue: Catalogue | None = None, *, input_format: str | None = None
) -> FactsFile:
    """Every facts file of one evaluation — files, folders, `-` for standard input (its format from
    `input_format`: yaml, json, csv, xlsx) — as one population. One file is read as itself."""
    files = args if isinstance(args, Listed) else input_files(args)
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
    facts = read[0] if alone else combine(read)
    facts.warnings[:0] = files.warnings  # what the folders hold that was not read
    return facts


def _one(path: Path, catalogue: Catalogue | None, input_format: str | None, alone: bool) -> FactsFile:
    if str(path) != STDIN:
        return load_facts(path, catalogue, alone=alone)
    if input_format is None:
        raise UsageError(Problem(STDIN, Msg("problem.facts_stdin_format"), hint=Msg("problem.facts_stdin_format_hint")))
    data = sys.stdin.buffer.read(limits.MAX_BYTES + 1)
    return read_facts(f"<stdin>.{input_format}", data, catalogue, alone=alone)
