"""Facts from tables: a CSV file or an XLSX workbook, one row per candidate.

A table is read into the same plain structure a YAML facts file has (`units`, `people`, each
with `facts` and `submission`) and handed to `engine.model.facts.facts_from_document`, so there is
one validation path. What is particular to tables happens here, before that:

- headers are a column key (`par_rating`), its Vietnamese or English label from the catalogue,
  or both (`Xếp loại … [par_rating]`); a dated value is `key@YYYY-MM-DD` (or `@dd/mm/yyyy`);
- cells are read the way a Vietnamese user meant them: `82,5` and `1.490.000`, `100%`,
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

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from engine.common import limits
from engine.common.errors import MAX_LINES, Problem, UsageError, did_you_mean
from engine.common.message import Msg, Text
from engine.lang import UNKNOWN
from engine.lang.values import BadValue, parse_day, reasons
from engine.model.catalogue import Catalogue, FactDef
from engine.model.facts import (
    FactsFile,
    bool_of,
    document_of,
    facts_from_document,
    is_na,
    parse_fact,
    scale_value,
    via_of,
)
from engine.model.schema import PERSON_KINDS, UNIT_KINDS
from engine.model.source import Document, PathT, decode, read_input
from engine.model.vocabulary import Labels, kind_names, load_labels, norm

FIXED = ("id", "name", "group", "kind", "parent", "unit", "head", "position")
SUBMISSION = ("sent_on", "via", "received_on", "documents", "copies")
MAX_HEADER_SCAN = 30


@dataclass(frozen=True)
class Cell:
    """Where a value stood: sheet (None for CSV), 1-based row and column, and its column's key."""

    sheet: str | None
    row: int
    col: int
    column: str = ""

    @property
    def ref(self) -> str:
        return f"{col_letter(self.col)}{self.row}"


@dataclass(frozen=True)
class Column:
    key: str  # a fixed column, 'submission.x', or a fact key
    kind: str  # fixed | submission | fact
    day: dt.date | None = None  # for a dated column `key@date`

    @property
    def name(self) -> str:
        return f"{self.key}@{self.day.isoformat()}" if self.day else self.key


@dataclass
class RawCell:
    value: Any
    number_format: str = "General"


@dataclass
class Sheet:
    name: str | None  # None for CSV
    rows: list[tuple[int, list[RawCell]]]  # (1-based row number, cells)


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


def cell_problem(file: str, cell: Cell, message: Text, hint: Text = "") -> Problem:
    """A problem at a cell, named as an officer finds it: `Ô D7 (trang Đơn vị), cột par_rating`
    in a workbook, `facts.csv:7:4: cột D (par_rating)` in a CSV file (line and column are the
    row and the column's number: the place is the problem's own, so two cells of a row are two
    problems, engine.common.errors.problem_lines)."""
    if cell.sheet is None:
        at = Msg(
            "problem.facts_csv_column_of" if cell.column else "problem.facts_csv_column",
            col=col_letter(cell.col),
            column=cell.column,
        )
        return Problem(
            file, Msg("problem.facts_at_cell", at=at, message=message), line=cell.row, column=cell.col, hint=hint
        )
    at = Msg(
        "problem.facts_cell_of" if cell.column else "problem.facts_cell",
        cell=cell.ref,
        sheet=cell.sheet,
        column=cell.column,
    )
    return Problem(file, Msg("problem.facts_at_cell", at=at, message=message), hint=hint)


def col_letter(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


# ---------------------------------------------------------------- reading the file


def load_table(path: Path, catalogue: Catalogue, display: str | None = None) -> FactsFile:
    """Read a .csv or .xlsx facts file into a `FactsFile` (raises `UsageError` listing every problem)."""
    name = display or str(path)
    return read_table(read_input(path, name), name, catalogue, csv=path.suffix.lower() == ".csv")


def read_table(raw: bytes, name: str, catalogue: Catalogue, *, csv: bool, alone: bool = True) -> FactsFile:
    """A .csv (`csv=True`) or .xlsx facts file's bytes into a `FactsFile` (`alone`: see facts_from_document)."""
    sha = hashlib.sha256(raw).hexdigest()
    layout: list[Problem] = []  # what the workbook hid, and how it was read (engine.readers.xlsx_layout)
    sheets = [_csv_sheet(raw, name)] if csv else _xlsx_sheets(raw, name, layout)
    reader = TableReader(name, catalogue, load_labels())
    doc = reader.read(sheets)
    facts = facts_from_document(doc, sha, catalogue, alone=alone)
    facts.warnings[:0] = [*layout, *reader.warnings]
    return facts


def _csv_sheet(raw: bytes, name: str) -> Sheet:
    text = decode(raw, name)
    if not text.strip():
        raise UsageError(
            Problem(name, Msg("problem.facts_empty_file"), hint=Msg("problem.facts_start_from_template", suffix=".csv"))
        )
    sample = text[:4096]
    first = sample.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # Excel in a Vietnamese locale writes ';'
    rows: list[tuple[int, list[RawCell]]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    line = 1
    budget = limits.MAX_NODES
    try:
        for record in reader:
            while record and not record[-1].strip():
                record.pop()  # trailing empty cells: a spreadsheet's export pads rows with them
            if len(record) > limits.MAX_COLUMNS:
                raise UsageError(
                    Problem(
                        name,
                        Msg("problem.facts_too_many_columns", count=len(record), most=limits.MAX_COLUMNS),
                        line=line,
                        hint=Msg("problem.facts_too_many_columns_hint"),
                    )
                )
            budget -= len(record)
            if budget < 0:
                raise UsageError(
                    Problem(
                        name,
                        Msg("problem.facts_too_many_cells", most=limits.MAX_NODES),
                        line=line,
                        hint=Msg("problem.facts_too_many_values_hint"),
                    )
                )
            rows.append((line, [RawCell(v) for v in record]))
            line = reader.line_num + 1
    except csv.Error as e:  # Python's own words for what broke (in English), after what to do
        raise UsageError(
            Problem(
                name, Msg("problem.facts_not_csv", detail=str(e)), line=line, hint=Msg("problem.facts_not_csv_hint")
            )
        ) from None
    return Sheet(None, rows)


def _xlsx_sheets(raw: bytes, name: str, warnings: list[Problem]) -> list[Sheet]:
    import warnings as py_warnings

    labels = load_labels()
    skip = {norm(w) for k in ("lists", "guide") for w in (labels.sheets[k].vi, labels.sheets[k].en)}
    problems: list[Problem] = []
    try:  # read-only workbooks parse lazily: a damaged part only shows while iterating
        with py_warnings.catch_warnings():  # openpyxl's own ("extension is not supported"): not the user's
            py_warnings.simplefilter("ignore")
            sheets = _read_sheets(raw, name, skip, problems, warnings)
    except UsageError:
        raise
    except Exception as e:
        raise UsageError(
            Problem(
                name, Msg("problem.facts_not_xlsx", error=type(e).__name__), hint=Msg("problem.facts_not_xlsx_hint")
            )
        ) from None
    if problems:
        raise UsageError(problems)
    if not sheets:
        raise UsageError(Problem(name, Msg("problem.facts_no_sheet"), hint=Msg("problem.facts_no_sheet_hint")))
    return sheets


def _read_sheets(
    raw: bytes, name: str, skip: set[str], problems: list[Problem], warnings: list[Problem]
) -> list[Sheet]:
    import zipfile

    from engine.readers.xlsx_layout import fill_merged, hidden_sheet_warning, hidden_warnings, sheet_layout
    from engine.readers.xlsx_stream import open_workbook  # each sheet part parsed a fixed number of times

    _check_parts(raw, name)
    wb = open_workbook(raw, name)
    archive = zipfile.ZipFile(io.BytesIO(raw))
    cached: Any = None  # the same workbook with the values Excel computed, opened only if a formula appears
    sheets: list[Sheet] = []
    budget = [limits.MAX_NODES]  # cells with a value, over the whole workbook
    try:
        _check_strings(wb, name)
        for ws in wb.worksheets:
            if norm(ws.title) in skip or ws.title.startswith("_"):
                continue  # the template's own helper sheets (lists, guide)
            state = getattr(ws, "sheet_state", "visible")
            if state != "visible":
                warnings.append(hidden_sheet_warning(name, ws.title, state))
                continue
            grid = _cells(ws, name, budget)
            formulas = [(r, c) for r, cells in grid for c, cell in cells.items() if cell.get("data_type") == "f"]
            computed: dict[tuple[int, int], Any] = {}
            if formulas:
                if cached is None:
                    cached = open_workbook(raw, name, data_only=True)
                values = dict(_cells(cached[ws.title], name, [limits.MAX_NODES]))
                computed = {(r, c): values.get(r, {}).get(c, {}).get("value") for r, c in formulas}
            rows: list[tuple[int, list[RawCell]]] = []
            for r, cells in grid:
                row = [RawCell(None) for _ in range(max(cells))]
                for c, cell in cells.items():
                    value = cell["value"]
                    if cell.get("data_type") == "f":
                        # a formula: use the value Excel computed when it saved the file
                        value = computed.get((r, c))
                        if value is None:
                            problems.append(
                                cell_problem(
                                    name,
                                    Cell(ws.title, r, c),
                                    Msg("problem.facts_formula_no_value"),
                                    Msg("problem.facts_formula_no_value_hint"),
                                )
                            )
                    row[c - 1] = RawCell(value, _number_format(ws, cell))
                rows.append((r, row))
            # merged ranges and hidden rows/columns (engine.readers.xlsx_layout) work on every row from 1
            layout = sheet_layout(archive, ws._worksheet_path, name, ws.title)
            by_row = dict(rows)
            dense = [by_row.get(i, []) for i in range(1, max(by_row, default=0) + 1)]
            fill_merged(dense, layout.merged, lambda: RawCell(None))
            rows = [(i, cells) for i, cells in enumerate(dense, 1) if cells]
            warnings += hidden_warnings(name, ws.title, layout, dense, lambda c: not _blank(c.value), col_letter)
            sheets.append(Sheet(ws.title, rows))
    finally:
        archive.close()
        wb.close()
        if cached is not None:
            cached.close()
    return sheets


def _check_parts(raw: bytes, name: str) -> None:
    """Refuse a workbook whose parts unpack to more than `limits.MAX_UNPACKED` (a zip bomb is
    small), or that declares more shared strings than a table needs — before openpyxl reads them."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        parts = z.infolist()
        unpacked = sum(p.file_size for p in parts)
        if unpacked > limits.MAX_UNPACKED:
            raise UsageError(
                Problem(
                    name,
                    Msg("problem.facts_unpacks", size=unpacked, limit=limits.MAX_UNPACKED),
                    hint=Msg("problem.facts_unpacks_hint"),
                )
            )
        strings = next((p for p in parts if p.filename.lower().endswith("sharedstrings.xml")), None)
        if strings is not None:  # count the <si> items without building them (the declared count may lie)
            n, tail = 0, b""
            with z.open(strings) as f:
                while chunk := f.read(1 << 20):
                    n += len(_SI.findall(tail + chunk))
                    tail = chunk[-8:] if not chunk.endswith(b">") else b""
                    if n > limits.MAX_SHARED_STRINGS:
                        raise _too_many_strings(name)


_SI = re.compile(rb"<(?:\w+:)?si[\s/>]")


def _too_many_strings(name: str) -> UsageError:
    return UsageError(
        Problem(
            name,
            Msg("problem.facts_shared_strings", most=limits.MAX_SHARED_STRINGS),
            hint=Msg("problem.facts_shared_strings_hint"),
        )
    )


def _check_strings(wb: Any, name: str) -> None:
    # read-only worksheets share the one table openpyxl read (`wb.shared_strings` stays empty)
    strings = next((getattr(ws, "_shared_strings", ()) for ws in wb.worksheets), ())
    if len(strings) > limits.MAX_SHARED_STRINGS:  # the count was not declared, or was wrong
        raise _too_many_strings(name)
    longest = max((len(s) for s in strings if isinstance(s, str)), default=0)
    if longest > limits.MAX_TEXT:
        raise UsageError(
            Problem(
                name,
                Msg("problem.facts_workbook_long_text", length=longest, most=limits.MAX_TEXT),
                hint=Msg("problem.facts_workbook_long_text_hint"),
            )
        )


def _cells(ws: Any, name: str, budget: list[int]) -> list[tuple[int, dict[int, dict[str, Any]]]]:
    """A sheet's cells that hold something, row by row, as openpyxl's parser gives them.

    Read through the parser rather than `iter_rows`, which pads every row to its last cell — a
    styled cell in column XFD makes each row 16,384 cells. Empty cells are dropped; a value beyond
    `limits.MAX_COLUMNS`, a text longer than `limits.MAX_TEXT` or more cells than `budget` holds
    are refused, so the work is bounded by what the sheet holds."""
    from engine.readers.xlsx_stream import SheetParser  # each row released once read

    wb = ws.parent
    out: list[tuple[int, dict[int, dict[str, Any]]]] = []
    with ws._get_source() as src:
        parser = SheetParser(
            src,
            ws._shared_strings,
            data_only=wb.data_only,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
            file=name,
            sheet=ws.title,
        )
        for r, parsed in parser.parse():
            cells = {}
            for cell in parsed:
                value = cell["value"]
                if value is None or value == "":
                    continue
                c = cell["column"]
                where = Cell(ws.title, r, c)
                if c > limits.MAX_COLUMNS:
                    raise UsageError(
                        cell_problem(
                            name,
                            where,
                            Msg("problem.facts_beyond_columns", col=col_letter(c), most=limits.MAX_COLUMNS),
                            Msg("problem.facts_beyond_columns_hint"),
                        )
                    )
                if isinstance(value, str) and len(value) > limits.MAX_TEXT:
                    raise UsageError(
                        cell_problem(
                            name,
                            where,
                            Msg("problem.facts_long_text", length=len(value), most=limits.MAX_TEXT),
                            Msg("problem.facts_long_text_hint"),
                        )
                    )
                budget[0] -= 1
                if budget[0] < 0:
                    raise UsageError(
                        cell_problem(
                            name,
                            where,
                            Msg("problem.facts_too_many_cells", most=limits.MAX_NODES),
                            Msg("problem.facts_too_many_values_hint"),
                        )
                    )
                cells[c] = cell
            if cells:
                out.append((r, cells))
    return out


def _number_format(ws: Any, cell: dict[str, Any]) -> str:
    from openpyxl.cell.read_only import ReadOnlyCell

    style = cell.get("style_id", 0)
    fmt = ReadOnlyCell(ws, cell["row"], cell["column"], cell["value"], cell.get("data_type", "n"), style)
    return str(fmt.number_format or "General")


# ---------------------------------------------------------------- rows into a facts document


class TableReader:
    """Turns sheets of rows into a `TableDocument` in the facts-file structure."""

    def __init__(self, file: str, catalogue: Catalogue, labels: Labels):
        self.file = file
        self.cat = catalogue
        self.labels = labels
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.headers = self._header_words()

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
        filled = {col.key for i, col in columns.items() if i <= len(row) and not _blank(row[i - 1].value)}
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
        texts = [c for c in row if not _blank(c.value)]
        head = str(texts[0].value).lstrip("#").strip()
        if ":" in head and not re.search(r"\[issuer\.[a-z0-9_]+\]\s*$", head):
            key, _, value_text = head.partition(":")
            value: Any = value_text.strip() or None
        else:
            key, value = head, (texts[1].value if len(texts) > 1 else None)
        issuer = re.search(r"\[issuer\.([a-z0-9_]+)\]\s*$", key.strip())
        if issuer is not None:  # the plan issuer's own figure, given once (campaign `issuer_facts`)
            fdef = self.cat.facts.get(issuer.group(1))
            if fdef is None or _blank(value):
                return
            raw = next((c for c in texts[1:]), None)
            try:  # read as a cell of that fact's column is read
                got = self._fact(
                    fdef, value.strip() if isinstance(value, str) else value, raw.number_format if raw else ""
                )
            except ValueError as e:
                self.problems.append(cell_problem(self.file, Cell(sheet.name, rownum, 2, issuer.group(1)), *reasons(e)))
                return
            if got is not None:
                data.setdefault("issuer", {}).setdefault("facts", {})[issuer.group(1)] = got
            return
        names = {norm(w): k for k, lab in self.labels.meta.items() for w in (k, lab.vi, lab.en)}
        meta = names.get(norm(key))
        if meta is None or meta == "issuer" or _blank(value):
            return  # a comment
        cell = Cell(sheet.name, rownum, 1, meta)
        if meta == "campaign":
            data["campaign"] = str(value).strip()
            return
        if meta == "round":  # the year judged, for campaigns judged every year
            try:
                data["round"] = _whole(parse_number(str(value), "int") if isinstance(value, str) else value)
            except ValueError as e:
                self.problems.append(cell_problem(self.file, cell, *reasons(e)))
            return
        try:
            data[meta] = _date(value)
        except ValueError as e:
            self.problems.append(cell_problem(self.file, cell, *reasons(e)))

    def _columns(self, sheet: Sheet, rownum: int, header: list[RawCell]) -> dict[int, Column] | None:
        columns: dict[int, Column] = {}
        seen: dict[str, int] = {}
        for i, c in enumerate(header, 1):
            if _blank(c.value):
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
                day = _date(when.strip())
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
        item: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        series: dict[str, dict[dt.date, Any]] = {}
        submission: dict[str, Any] = {}
        where: dict[str, Cell] = {}
        group = sheet_group
        for i, raw in enumerate(row, 1):
            col = columns.get(i)
            if col is None:
                if not _blank(raw.value):
                    self.problems.append(
                        cell_problem(
                            self.file,
                            Cell(sheet.name, rownum, i),
                            Msg("problem.facts_no_column_name"),
                            Msg("problem.facts_no_column_name_hint"),
                        )
                    )
                continue
            if isinstance(raw.value, str) and raw.value.strip().upper() in EXCEL_ERRORS:
                self.problems.append(
                    cell_problem(
                        self.file,
                        Cell(sheet.name, rownum, i, col.key),
                        Msg("problem.facts_excel_error", error=raw.value.strip()),
                        Msg("problem.facts_excel_error_hint"),
                    )
                )
                continue
            if _blank(raw.value):
                continue
            cell = Cell(sheet.name, rownum, i, col.name)
            try:
                value = self._value(col, raw)
            except ValueError as e:
                self.problems.append(cell_problem(self.file, cell, *reasons(e)))
                continue
            if value is None:
                continue
            if col.key == "group":
                group = value
                where["group"] = cell
            elif col.kind == "fixed":
                item[col.key] = value
                where[col.key] = cell
            elif col.kind == "submission":
                submission[col.key.split(".", 1)[1]] = value
                where[col.key] = cell
            elif col.day is not None:
                series.setdefault(col.key, {})[col.day] = value
                where.setdefault(f"facts.{col.key}", cell)
            else:
                facts[col.key] = value
                where[f"facts.{col.key}"] = cell
        if not item and not facts and not submission and not series:
            return
        for key, values in series.items():
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
        if submission:
            item["submission"] = submission
        for key, cell in where.items():
            cells[(*path, *key.split("."))] = cell
        section.append(item)

    # ---------------------------------------------------------------- one cell

    def _value(self, col: Column, raw: RawCell) -> Any:
        v = raw.value
        if isinstance(v, str):
            v = v.strip()
        if col.kind == "fixed":
            return self._fixed(col.key, v)
        if col.kind == "submission":
            return self._submission(col.key.split(".", 1)[1], v)
        fdef = self.cat.facts[col.key]
        value = self._fact(fdef, v, raw.number_format)
        if value is not None:
            # the catalogue's own check, here so the message names this very cell
            parsed = parse_fact(value, fdef, self.cat)
            if parsed is UNKNOWN:
                return None
        return value

    def _fixed(self, key: str, v: Any) -> Any:
        if key == "head":
            return self._bool(v)
        if key == "group":
            text = norm(v)
            for group, words in self.labels.words.group.items():
                if text == group or text in {norm(w) for w in words}:
                    return group
            raise BadValue(Msg("problem.facts_not_a_group", value=_show(v)), Msg("problem.facts_write_group"))
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, dt.datetime | dt.date | bool):
            raise BadValue(Msg("problem.facts_not_text", value=_show(v), field=key), Msg("problem.facts_not_text_hint"))
        if key == "kind":
            return kind_names().get(norm(v), str(v))
        return str(v)

    def _submission(self, key: str, v: Any) -> Any:
        if key in ("sent_on", "received_on"):
            return _date(v)
        if key == "copies":
            return _whole(parse_number(v, "int") if isinstance(v, str) else v)
        if key == "via":
            return via_of(v)
        # several in one cell, separated by ';' (or ',' or a line break)
        return [document_of(part.strip()) for part in re.split(r"[;,\n]", str(v)) if norm(part)]

    def _bool(self, v: Any) -> bool | str:
        if isinstance(v, str) and is_na(v):
            return "n/a"
        return bool_of(v)

    def _fact(self, fdef: FactDef, v: Any, number_format: str) -> Any:
        if isinstance(v, str) and is_na(v):
            return "n/a"
        t = fdef.type
        if t == "bool":
            return self._bool(v)
        if t in ("int", "number", "percent", "series"):
            if isinstance(v, bool):
                raise BadValue(
                    Msg("problem.facts_not_a_number", value=_show(v)), Msg("problem.facts_write_digits_cell")
                )
            if isinstance(v, dt.datetime | dt.date):
                raise BadValue(
                    Msg("problem.facts_date_not_number", value=_show(v)),
                    Msg("problem.facts_date_not_number_hint"),
                )
            if isinstance(v, int | float):
                if "%" in number_format:
                    if t not in ("percent", "series"):
                        raise BadValue(
                            Msg("problem.facts_percent_format", value=v, what=_kind_word(t)),
                            Msg("problem.facts_percent_format_hint"),
                        )
                    return _tidy(round(v * 100, 9))
                return v
            return parse_number(str(v), t)
        if t == "date":
            return _date(v)
        if t in ("rating", "enum"):
            if not isinstance(v, str):  # a number or a day where a word belongs: said as the list's
                scale_value(str(_show(v)), fdef, self.cat.scales[fdef.scale or ""])
            return v
        if t == "records":
            return parse_records(str(v))
        return v  # pragma: no cover - the catalogue's types are all handled above


# ---------------------------------------------------------------- values written as text


def parse_number(text: str, kind: str) -> int | float:
    """A number as a Vietnamese user writes it: `82,5`, `1.490.000`, `100%`, `'100`.

    Refuses (with the two readings) a value that is only a number under one convention and a
    different number under the other: `1.490` in a percentage column.
    """
    s = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    shown = s
    if s.startswith("'"):
        s = s[1:].strip()
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
        if kind not in ("percent", "series"):
            raise BadValue(
                Msg("problem.facts_percent_sign", value=shown, what=_kind_word(kind)), Msg("problem.facts_digits_only")
            )
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-").strip()
    if re.fullmatch(r"\d{1,3}( \d{3})+([.,]\d+)?", s):
        s = s.replace(" ", "")
    if not re.fullmatch(r"\d[\d.,]*", s) or s.endswith((".", ",")):
        raise BadValue(Msg("problem.facts_not_a_number", value=shown), Msg("problem.facts_write_digits_cell"))
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        whole, _, frac = s.rpartition(dec)
        if dec in whole or not _grouped(whole, thou):
            raise BadValue(Msg("problem.facts_not_a_number", value=shown), Msg("problem.facts_mixed_separators"))
        return _signed(sign, float(whole.replace(thou, "") + "." + frac))
    sep = "." if dots else "," if commas else ""
    if not sep:
        return sign * int(s)
    count = dots or commas
    if count > 1:  # only thousands separators can repeat
        if not _grouped(s, sep):
            raise BadValue(Msg("problem.facts_not_a_number", value=shown), Msg("problem.facts_group_thousands"))
        return sign * int(s.replace(sep, ""))
    whole, _, frac = s.partition(sep)
    # the two readings of an ambiguous value, and what to type, are written as digits to type (not
    # in the reader's number format, which would write one of the two ambiguous forms again)
    if sep == "," and kind == "int" and len(frac) == 3 and _grouped(s, ","):
        # a count has no decimals, so '2,000' is 2000 written the English way — or 2,000 = 2 the
        # Vietnamese way: as ambiguous as '1.000' in a percentage column, and refused the same
        decimal = _tidy(float(f"{whole}.{frac}"))
        thousands_reading = str(int(whole + frac))
        raise BadValue(
            Msg("problem.facts_ambiguous_comma", value=shown, whole=thousands_reading, decimal=str(decimal)),
            Msg("problem.facts_write_either", a=thousands_reading, b=str(decimal))
            if isinstance(decimal, int)
            else Msg("problem.facts_write_this", a=thousands_reading),
        )
    if sep == ",":  # the Vietnamese decimal comma
        return _signed(sign, float(f"{whole}.{frac}"))
    thousands = len(frac) == 3 and _grouped(s, ".")
    if thousands and kind == "int":
        return sign * int(whole + frac)  # a count has no decimals: 1.490 is one thousand four hundred ninety
    if thousands:
        raise BadValue(
            Msg("problem.facts_ambiguous_dot", value=shown, whole=str(int(whole + frac)), decimal=str(_tidy(float(s)))),
            Msg("problem.facts_write_either", a=str(int(whole + frac)), b=f"{whole},{frac}"),
        )
    return _signed(sign, float(s))


def _grouped(text: str, sep: str) -> bool:
    return re.fullmatch(r"[1-9]\d{0,2}(" + re.escape(sep) + r"\d{3})+", text) is not None


def _signed(sign: int, value: float) -> int | float:
    return _tidy(sign * value)


def _tidy(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _whole(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int | float) or not float(v).is_integer():
        raise BadValue(Msg("problem.facts_not_whole", value=_show(v)), Msg("problem.facts_write_whole"))
    return int(v)


@cache
def _kind_word(kind: str) -> Msg:
    what = {"int": "count", "percent": "percent", "series": "percent"}.get(kind, "number")
    return Msg(f"problem.facts_what_{what}")


def parse_records(text: str) -> list[dict[str, Any]]:
    """Index components in a cell: one per line, `index; component; last year's score; this year's`."""
    records = []
    for line in text.replace("\r", "\n").split("\n"):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 4:
            raise BadValue(
                Msg("problem.facts_records_line", value=line.strip()), Msg("problem.facts_records_line_hint")
            )
        index, component, prev, score = parts
        records.append(
            {
                "index": index,
                "component": component,
                "prev_score": _score(prev),
                "score": _score(score),
            }
        )
    return records


def _score(text: str) -> Any:
    if not text:
        return None
    if is_na(text):
        return "n/a"
    return parse_number(text, "number")


def _date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        raise BadValue(Msg("problem.facts_number_not_date", value=_show(v)), Msg("problem.facts_number_not_date_hint"))
    return parse_day(str(v).strip().lstrip("'"))


def _show(v: Any) -> str | dt.date:
    """A cell's value as the sheet shows it, for a message: a day as a day (the message writes it
    dd/mm/yyyy), a whole number without '.0', anything else as text."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


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
        if not _blank(c.value):
            return str(c.value).strip()
    return None
