"""Facts from tables: a CSV file or an XLSX workbook, one row per candidate.

A table is read into the same plain structure a YAML facts file has (`units`, `people`, each
with `facts` and `submission`) and handed to `engine.model.facts.facts_from_document`, so there is
one validation path. What is particular to tables happens here, before that (the file's own
access — a CSV's rows, a workbook's sheets, every limit — is engine.readers.workbook's):

- headers are a column key (`par_rating`), its Vietnamese or English label from the catalogue,
  or both (`Xếp loại … [par_rating]`); a dated value is `key@YYYY-MM-DD` (or `@dd/mm/yyyy`);
- cells are read, once, by their fact's grammar (engine.model.fact_values), the way a Vietnamese
  user meant them: `82,5` and `1.490.000`, `100%`,
  `'100` written as text, a cell formatted as a percentage, có/không/x, dd/mm/yyyy — and a
  cell that could mean two things (`1.490` in a percentage column) is refused, never guessed;
- every problem names the cell: `facts.xlsx: Ô D7 (trang Đơn vị), cột par_rating: …` (XLSX) or
  `facts.csv:7: cột D (par_rating): …` (CSV), in the reader's language.

Rows whose first cell starts with `#` are notes; above the header they may carry the file's
`campaign`, `as_of` and `deadline` (`# as_of: 2021-01-25`, or `# as_of` with the value in the
next cell). Sheets named like the template's helper sheets (lists, guide) are skipped; what a workbook
hides or merges is handled by `engine.readers.xlsx_layout` (hidden sheets skipped with a warning,
hidden rows and columns read with one, merged ranges filled across).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.common.errors import MAX_LINES, Problem, UsageError, did_you_mean
from engine.common.message import Msg, Text
from engine.lang import UNKNOWN
from engine.lang.values import BadValue, reasons
from engine.model.catalogue import Catalogue
from engine.model.fact_values import (
    Grammar,
    bool_of,
    cell_day,
    cell_shown,
    cell_whole,
    document_of,
    grammars,
    is_na,
    via_of,
    yes_no_words,
)
from engine.model.facts import FactsFile, facts_from_document
from engine.model.schema import PERSON_KINDS, UNIT_KINDS
from engine.model.source import Document, PathT, read_input
from engine.model.vocabulary import Labels, kind_names, load_labels, norm
from engine.readers.workbook import Cell, RawCell, Sheet, blank, cell_problem, col_letter, csv_sheet, xlsx_sheets

FIXED = ("id", "name", "group", "kind", "parent", "unit", "head", "position")
SUBMISSION = ("sent_on", "via", "received_on", "documents", "copies")
MAX_HEADER_SCAN = 30


@dataclass(frozen=True)
class Column:
    key: str  # a fixed column, 'submission.x', or a fact key
    kind: str  # fixed | submission | fact
    day: dt.date | None = None  # for a dated column `key@date`

    @property
    def name(self) -> str:
        return f"{self.key}@{self.day.isoformat()}" if self.day else self.key


@dataclass
class TableDocument(Document):
    """A table read as a facts document: paths lead back to cells, not to lines."""

    cells: dict[PathT, Cell] = field(default_factory=dict)

    def problem(self, path: PathT, message: Text, hint: Text = "", where: str = "") -> Problem:
        p = tuple(path)
        while p and p not in self.cells:
            p = p[:-1]
        cell = self.cells.get(p)
        if cell is None:
            return Problem(self.file, message, where=where, hint=hint)
        return cell_problem(self.file, cell, message, hint)


# ---------------------------------------------------------------- reading the file


def load_table(path: Path, catalogue: Catalogue, display: str | None = None) -> FactsFile:
    """Read a .csv or .xlsx facts file into a `FactsFile` (raises `UsageError` listing every problem)."""
    name = display or str(path)
    return read_table(read_input(path, name), name, catalogue, csv=path.suffix.lower() == ".csv")


def read_table(raw: bytes, name: str, catalogue: Catalogue, *, csv: bool, alone: bool = True) -> FactsFile:
    """A .csv (`csv=True`) or .xlsx facts file's bytes into a `FactsFile` (`alone`: see facts_from_document)."""
    sha = hashlib.sha256(raw).hexdigest()
    layout: list[Problem] = []  # what the workbook hid, and how it was read (engine.readers.xlsx_layout)
    sheets = [csv_sheet(raw, name)] if csv else xlsx_sheets(raw, name, layout)
    reader = TableReader(name, catalogue, load_labels())
    doc = reader.read(sheets)
    facts = facts_from_document(doc, sha, catalogue, alone=alone)
    facts.warnings[:0] = [*layout, *reader.warnings]
    return facts


# ---------------------------------------------------------------- rows into a facts document


@dataclass
class _RowRead:
    """A candidate's row as its cells are read: what goes where, and the cell each came from."""

    group: str | None
    item: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    series: dict[str, dict[dt.date, Any]] = field(default_factory=dict)
    submission: dict[str, Any] = field(default_factory=dict)
    where: dict[str, Cell] = field(default_factory=dict)


class TableReader:
    """Turns sheets of rows into a `TableDocument` in the facts-file structure."""

    def __init__(self, file: str, catalogue: Catalogue, labels: Labels):
        self.file = file
        self.cat = catalogue
        self.labels = labels
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.headers = self._header_words()
        # built for this table: nothing outlives it
        self.grammars: dict[str, Grammar] = grammars(catalogue)
        self.yes_no = yes_no_words()
        self.groups = {norm(w): g for g, words in reversed(labels.words.group.items()) for w in (g, *words)}

    def _header_words(self) -> dict[str, str]:
        words: dict[str, str] = {}
        for key, label in self.labels.columns.items():
            for w in (key, label.vi, label.en):
                words.setdefault(norm(w), key)
        for key in SUBMISSION:
            words.setdefault(norm(key), f"submission.{key}")
        for key, fdef in self.cat.facts.items():
            for w in (key, fdef.label.vi, fdef.label.en, *(x for a in fdef.aliases for x in (a.vi, a.en))):
                words.setdefault(norm(w), key)
        return words

    def read(self, sheets: list[Sheet]) -> TableDocument:
        data: dict[str, Any] = {}
        cells: dict[PathT, Cell] = {}
        units: list[dict[str, Any]] = []
        people: list[dict[str, Any]] = []
        for sheet in sheets:
            self._sheet(sheet, data, units, people, cells)
        if self.problems:
            raise UsageError(self.problems)
        if units:
            data["units"] = units
        if people:
            data["people"] = people
        return TableDocument(self.file, data, {(): (1, 1)}, "", "table", cells)

    def _sheet(
        self,
        sheet: Sheet,
        data: dict[str, Any],
        units: list[dict[str, Any]],
        people: list[dict[str, Any]],
        cells: dict[PathT, Cell],
    ) -> None:
        header_at = None
        for i, (rownum, row) in enumerate(sheet.rows[:MAX_HEADER_SCAN]):
            first = _first_text(row)
            if first is None:
                continue
            if first.startswith("#"):
                self._meta(sheet, rownum, row, data)
                continue
            header_at = i
            break
        if header_at is None:
            if any(_first_text(r) is not None for _, r in sheet.rows):
                self.problems.append(
                    Problem(
                        self.file,
                        Msg("problem.facts_no_header_in", sheet=sheet.name)
                        if sheet.name is not None
                        else Msg("problem.facts_no_header"),
                        hint=Msg("problem.facts_no_header_hint"),
                    )
                )
            return
        hrow, header = sheet.rows[header_at]
        columns = self._columns(sheet, hrow, header)
        if columns is None:
            return
        sheet_group = self._sheet_group(sheet.name)
        for rownum, row in sheet.rows[header_at + 1 :]:
            if _is_note(_first_text(row)):
                self._note_like_a_candidate(sheet, rownum, row, columns)
                continue
            self._row(sheet, rownum, row, columns, sheet_group, units, people, cells)

    def _note_like_a_candidate(self, sheet: Sheet, rownum: int, row: list[RawCell], columns: dict[int, Column]) -> None:
        """A row starting with '#' is a note — but one that also has a name or a kind looks like a
        candidate whose id starts with '#': it is not read, and the warning says so."""
        filled = {col.key for i, col in columns.items() if i <= len(row) and not blank(row[i - 1].value)}
        if filled & {"name", "kind"}:
            first = _first_text(row) or ""
            self.warnings.append(
                replace(
                    cell_problem(
                        self.file,
                        Cell(sheet.name, rownum, 1),
                        Msg("problem.facts_note_row", first=first),
                        Msg("problem.facts_note_row_hint"),
                    ),
                    severity="warning",
                )
            )

    def _meta(self, sheet: Sheet, rownum: int, row: list[RawCell], data: dict[str, Any]) -> None:
        texts = [c for c in row if not blank(c.value)]
        head = str(texts[0].value).lstrip("#").strip()
        if ":" in head and not re.search(r"\[issuer\.[a-z0-9_]+\]\s*$", head):
            key, _, value_text = head.partition(":")
            value: Any = value_text.strip() or None
        else:
            key, value = head, (texts[1].value if len(texts) > 1 else None)
        issuer = re.search(r"\[issuer\.([a-z0-9_]+)\]\s*$", key.strip())
        if issuer is not None:  # the plan issuer's own figure, given once (campaign `issuer_facts`)
            g = self.grammars.get(issuer.group(1))
            if g is None or blank(value):
                return
            raw = next((c for c in texts[1:]), None)
            try:  # read as a cell of that fact's column is read
                got = g.cell(value.strip() if isinstance(value, str) else value, raw.number_format if raw else "")
            except ValueError as e:
                self.problems.append(cell_problem(self.file, Cell(sheet.name, rownum, 2, issuer.group(1)), *reasons(e)))
                return
            if got is not UNKNOWN:
                data.setdefault("issuer", {}).setdefault("facts", {})[issuer.group(1)] = got
            return
        names = {norm(w): k for k, lab in self.labels.meta.items() for w in (k, lab.vi, lab.en)}
        meta = names.get(norm(key))
        if meta is None or meta == "issuer" or blank(value):
            return  # a comment
        cell = Cell(sheet.name, rownum, 1, meta)
        if meta == "campaign":
            data["campaign"] = str(value).strip()
            return
        if meta == "round":  # the year judged, for campaigns judged every year
            try:
                data["round"] = cell_whole(value)
            except ValueError as e:
                self.problems.append(cell_problem(self.file, cell, *reasons(e)))
            return
        try:
            data[meta] = cell_day(value)
        except ValueError as e:
            self.problems.append(cell_problem(self.file, cell, *reasons(e)))

    def _columns(self, sheet: Sheet, rownum: int, header: list[RawCell]) -> dict[int, Column] | None:
        columns: dict[int, Column] = {}
        seen: dict[str, int] = {}
        for i, c in enumerate(header, 1):
            if blank(c.value):
                continue
            text = str(c.value)
            cell = Cell(sheet.name, rownum, i, text)
            try:
                col = self._column(text, suggest=len(self.problems) < MAX_LINES)
            except ValueError as e:
                self.problems.append(cell_problem(self.file, cell, *reasons(e)))
                continue
            if col.name in seen:
                self.problems.append(
                    cell_problem(
                        self.file,
                        cell,
                        Msg("problem.facts_column_twice", column=col.name),
                        Msg("problem.facts_column_twice_hint", col=col_letter(seen[col.name])),
                    )
                )
                continue
            seen[col.name] = i
            columns[i] = col
        if "id" not in seen:
            self.problems.append(
                cell_problem(
                    self.file,
                    Cell(sheet.name, rownum, 1),
                    Msg("problem.facts_no_id_column"),
                    Msg("problem.facts_no_id_column_hint", label=self.labels.columns["id"].vi),
                )
            )
            return None
        return columns

    def _column(self, text: str, suggest: bool = True) -> Column:
        raw = " ".join(text.split())
        day = None
        bracket = re.fullmatch(r"(.*?)\s*\[\s*([^\]]+?)\s*\]", raw)
        if bracket:  # "Vietnamese label [key]": the key decides
            raw = bracket.group(2)
        elif re.fullmatch(r".*\(\s*[a-z][a-z0-9_.]*(@[\d/-]+)?\s*\)", raw):
            raw = raw[raw.rindex("(") + 1 : -1].strip()
        if "@" in raw:
            base, _, when = raw.rpartition("@")
            raw = base.strip()
            try:
                day = cell_day(when.strip())
            except ValueError:
                raise BadValue(
                    Msg("problem.facts_not_a_date", value=when.strip()), Msg("problem.facts_dated_column", field=raw)
                ) from None
        key = self.headers.get(norm(raw))
        if key is None and not suggest:  # past the problems that are printed: no 'did you mean' for each
            raise BadValue(Msg("problem.facts_unknown_column", column=raw))
        if key is None:
            options = sorted({*self.cat.facts, *FIXED, *(f"submission.{k}" for k in SUBMISSION)})
            hint = did_you_mean(raw, options) or did_you_mean(
                raw, [f.label.vi for f in self.cat.facts.values()] + [c.vi for c in self.labels.columns.values()]
            )
            raise BadValue(Msg("problem.facts_unknown_column", column=raw), hint or Msg("problem.facts_see_catalogue"))
        kind = "fixed" if key in FIXED else ("submission" if key.startswith("submission.") else "fact")
        if day is not None and (kind != "fact" or self.cat.facts[key].type != "series"):
            raise BadValue(Msg("problem.facts_not_dated", field=key), Msg("problem.facts_not_dated_hint"))
        return Column(key, kind, day)

    def _sheet_group(self, name: str | None) -> str | None:
        if name is None:
            return None
        for group, sheet in (("unit", "units"), ("person", "people")):
            lab = self.labels.sheets[sheet]
            if norm(name) in (norm(lab.vi), norm(lab.en), sheet):
                return group
        return None

    def _row(
        self,
        sheet: Sheet,
        rownum: int,
        row: list[RawCell],
        columns: dict[int, Column],
        sheet_group: str | None,
        units: list[dict[str, Any]],
        people: list[dict[str, Any]],
        cells: dict[PathT, Cell],
    ) -> None:
        read = _RowRead(group=sheet_group)
        for i, raw in enumerate(row, 1):
            self._cell(sheet, rownum, i, raw, columns.get(i), read)
        item, facts, where = read.item, read.facts, read.where
        if not item and not facts and not read.submission and not read.series:
            return
        for key, values in read.series.items():
            if key in facts:
                self.problems.append(
                    cell_problem(
                        self.file,
                        where[f"facts.{key}"],
                        Msg("problem.facts_plain_and_dated", field=key),
                        Msg("problem.facts_plain_and_dated_hint"),
                    )
                )
                continue
            facts[key] = dict(sorted(values.items()))
        group = read.group
        if group is None:
            kind = item.get("kind")
            group = "unit" if kind in UNIT_KINDS else "person" if kind in PERSON_KINDS else None
        if group is None:
            self.problems.append(
                cell_problem(
                    self.file,
                    where.get("kind") or Cell(sheet.name, rownum, 1),
                    Msg("problem.facts_unit_or_person"),
                    Msg("problem.facts_unit_or_person_hint"),
                )
            )
            return
        section = units if group == "unit" else people
        path: PathT = ("units" if group == "unit" else "people", len(section))
        cells[path] = Cell(sheet.name, rownum, 1, "")
        if facts:
            item["facts"] = facts
        if read.submission:
            item["submission"] = read.submission
        for key, cell in where.items():
            cells[(*path, *key.split("."))] = cell
        section.append(item)

    def _cell(self, sheet: Sheet, rownum: int, i: int, raw: RawCell, col: Column | None, read: _RowRead) -> None:
        """One cell of a candidate's row, read (once) and put where its column says."""
        if col is None:
            if not blank(raw.value):
                self.problems.append(
                    cell_problem(
                        self.file,
                        Cell(sheet.name, rownum, i),
                        Msg("problem.facts_no_column_name"),
                        Msg("problem.facts_no_column_name_hint"),
                    )
                )
            return
        if isinstance(raw.value, str) and raw.value.strip().upper() in EXCEL_ERRORS:
            self.problems.append(
                cell_problem(
                    self.file,
                    Cell(sheet.name, rownum, i, col.key),
                    Msg("problem.facts_excel_error", error=raw.value.strip()),
                    Msg("problem.facts_excel_error_hint"),
                )
            )
            return
        if blank(raw.value):
            return
        cell = Cell(sheet.name, rownum, i, col.name)
        try:
            value = self._value(col, raw)
        except ValueError as e:
            self.problems.append(cell_problem(self.file, cell, *reasons(e)))
            return
        if value is None:
            return
        if col.key == "group":
            read.group = value
            read.where["group"] = cell
        elif col.kind == "fixed":
            read.item[col.key] = value
            read.where[col.key] = cell
        elif col.kind == "submission":
            read.submission[col.key.split(".", 1)[1]] = value
            read.where[col.key] = cell
        elif col.day is not None:
            read.series.setdefault(col.key, {})[col.day] = value
            read.where.setdefault(f"facts.{col.key}", cell)
        else:
            read.facts[col.key] = value
            read.where[f"facts.{col.key}"] = cell

    # ---------------------------------------------------------------- one cell

    def _value(self, col: Column, raw: RawCell) -> Any:
        """A cell read once: a fact's by its grammar (engine.model.fact_values), into the evaluation
        form facts_from_document takes as it is; None for nothing to record."""
        v = raw.value
        if isinstance(v, str):
            v = v.strip()
        if col.kind == "fixed":
            return self._fixed(col.key, v)
        if col.kind == "submission":
            return self._submission(col.key.split(".", 1)[1], v)
        value = self.grammars[col.key].cell(v, raw.number_format)
        return None if value is UNKNOWN else value

    def _fixed(self, key: str, v: Any) -> Any:
        if key == "head":
            return "n/a" if isinstance(v, str) and is_na(v) else bool_of(v, self.yes_no)
        if key == "group":
            group = self.groups.get(norm(v))
            if group is not None:
                return group
            raise BadValue(Msg("problem.facts_not_a_group", value=cell_shown(v)), Msg("problem.facts_write_group"))
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, dt.datetime | dt.date | bool):
            raise BadValue(
                Msg("problem.facts_not_text", value=cell_shown(v), field=key), Msg("problem.facts_not_text_hint")
            )
        if key == "kind":
            return kind_names().get(norm(v), str(v))
        return str(v)

    def _submission(self, key: str, v: Any) -> Any:
        if key in ("sent_on", "received_on"):
            return cell_day(v)
        if key == "copies":
            return cell_whole(v)
        if key == "via":
            return via_of(v)
        # several in one cell, separated by ';' (or ',' or a line break)
        return [document_of(part.strip()) for part in re.split(r"[;,\n]", str(v)) if norm(part)]


EXCEL_ERRORS = {
    "#N/A",
    "#REF!",
    "#VALUE!",
    "#DIV/0!",
    "#NUM!",
    "#NAME?",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
}


def _is_note(first: str | None) -> bool:
    """A row that is a note: blank, or starting with '#' — but an Excel error value (#N/A) is data gone wrong."""
    return first is None or (first.startswith("#") and first.upper() not in EXCEL_ERRORS)


def _first_text(row: list[RawCell]) -> str | None:
    for c in row:
        if not blank(c.value):
            return str(c.value).strip()
    return None
