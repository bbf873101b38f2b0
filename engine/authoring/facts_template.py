"""A blank facts file for one campaign: exactly the facts its rules and ranking read.

`template_columns` works out, per candidate group (units, people), which facts the campaign
reads — a head's rules with `scope: unit` read the unit's facts, so those go to the units
sheet; `at(disbursement_pct, '2024-09-30')` asks for a dated column — and which clauses each
column serves. `write_template` renders them as XLSX (one sheet per group, Vietnamese headers
with the key beside them, drop-down lists, a notes row and a comment quoting each clause), CSV
(one table, a notes row) or YAML (a placeholder candidate per group, a comment per fact).
Whatever the form, the file loads as it is, and again once filled in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.common import fmt
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.lang import Call, Fact, Node
from engine.lang.builtins import BUILTINS
from engine.model.campaign import Campaign, CompiledRule
from engine.model.vocabulary import Labels, load_labels, words
from engine.render.output import csv_rows

FIXED_FOR = {"unit": ("id", "name", "kind", "parent"), "person": ("id", "name", "kind", "unit", "head", "position")}
DATA_ROWS = 500  # rows that carry the drop-down lists
RANKING = "ranking"  # the 'clause' of a column only the campaign's ranking reads


@dataclass
class TemplateColumn:
    key: str  # the header key: a fixed column, submission.x, a fact key or key@YYYY-MM-DD
    label: str
    type: str  # a fact type, or text / kind / group / bool / date / documents / via
    options: list[str] = field(default_factory=list)  # a drop-down's values
    clauses: list[tuple[str, str]] = field(default_factory=list)  # (clause, quote) it serves

    @property
    def header(self) -> str:
        return f"{self.label} [{self.key}]"

    def note(self, labels: Labels, lang: str) -> str:
        parts = []
        clauses = list(dict.fromkeys(c for c, _ in self.clauses if c != RANKING))
        if not clauses and self.clauses:  # read only by the ranking
            clauses = [labels.report["ranking_by"].get(lang)]
        if clauses:
            parts.append(", ".join(clauses))
        kind = labels.template.note_type.get(self.type)
        if kind is not None and kind.get(lang):
            parts.append(kind.get(lang))
        return " — ".join(parts)

    def comment(self) -> str:
        return "\n".join(f"{c}: “{q}”" for c, q in dict.fromkeys(self.clauses))


def used_facts(campaign: Campaign, lang: str = "vi") -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Per candidate group ('unit', 'person'): the column keys read, in the plan's order, with clauses."""
    out: dict[str, dict[str, list[tuple[str, str]]]] = {"unit": {}, "person": {}}
    m = campaign.model
    for gid, group in m.groups.items():
        for rule in [*campaign.rules.get(gid, []), *campaign.conditions_for(gid)]:
            target = "unit" if group.candidates == "unit" or rule.spec.scope == "unit" else "person"
            cite = (rule.spec.clause, rule.spec.quote)
            for key in _rule_keys(rule):
                out[target].setdefault(key, [])
                if cite not in out[target][key]:
                    out[target][key].append(cite)
        for rk in campaign.ranking.get(gid, []):
            ranking = m.ranking[gid]
            for key in _keys(rk.node):
                out[group.candidates].setdefault(key, []).append((RANKING, ranking.note.get(lang)))
    return out


def _rule_keys(rule: CompiledRule) -> list[str]:
    keys = _keys(rule.node)
    if rule.waiver is not None:
        keys += [k for k in _keys(rule.waiver) if k not in keys]
    return keys


def _keys(node: Node) -> list[str]:
    """The columns an expression reads: its facts, and the columns its calls imply (a dated `at`)."""
    out: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Call):
            implied = BUILTINS[n.name].columns(n)
            if implied:
                out.extend(c for c in implied if c not in out)
                return
        if isinstance(n, Fact):
            if n.key not in out:
                out.append(n.key)
            return
        for child in n.children():
            walk(child)

    walk(node)
    return out


def groups_present(campaign: Campaign) -> list[str]:
    present = {g.candidates for g in campaign.model.groups.values()}
    return [g for g in ("unit", "person") if g in present]


def group_kinds(campaign: Campaign, group: str) -> list[str]:
    """The kinds (keys) the campaign's groups of units or of people admit, sorted."""
    return sorted({str(k) for g in campaign.model.groups.values() if g.candidates == group for k in g.kinds})


def template_columns(campaign: Campaign, group: str, lang: str = "vi") -> list[TemplateColumn]:
    """The columns of the blank sheet for `group` ('unit' or 'person'): who (fixed columns), the
    facts the campaign's rules read, then the file's submission."""
    return [
        *_fixed_columns(campaign, group, lang),
        *_fact_columns(campaign, group, lang),
        *_submission_columns(campaign, lang),
    ]


def _yes_no(lang: str) -> list[str]:
    values = load_labels().values
    return [values["true"].get(lang), values["false"].get(lang)]


def _fixed_columns(campaign: Campaign, group: str, lang: str) -> list[TemplateColumn]:
    """Id, name, kind, head, parent or workplace …: the columns every sheet of `group` has."""
    labels = load_labels()
    m = campaign.model
    names = words(lang).section("kind")  # a cell takes the kind's name (engine.readers.tables reads it back)
    kinds = [names[k] for k in group_kinds(campaign, group)]
    cols: list[TemplateColumn] = []
    for key in FIXED_FOR[group]:
        label = labels.columns[key].get(lang)
        if key == "kind":
            cols.append(TemplateColumn(key, label, "kind", kinds))
        elif key == "head":
            cite = [(g.clause, g.quote) for g in m.groups.values() if g.heads_only]
            cols.append(TemplateColumn(key, label, "bool", _yes_no(lang), cite))
        elif key in ("parent", "unit"):  # where scope is decided: cite the plan's limits (groups.*.parents/workplaces)
            limits = [
                (x.clause or g.clause, x.quote or g.quote)
                for g in m.groups.values()
                if g.candidates == group
                for x in (g.parents if key == "parent" else g.workplaces)
            ]
            cols.append(TemplateColumn(key, label, "ref", [], list(dict.fromkeys(limits))))
        else:
            cols.append(TemplateColumn(key, label, "text"))
    return cols


def _fact_columns(campaign: Campaign, group: str, lang: str) -> list[TemplateColumn]:
    """One column per fact (and dated reading) the campaign's rules read of `group`, citing them."""
    cat = campaign.catalogue
    na = load_labels().values["na"].get(lang)
    cols: list[TemplateColumn] = []
    for key, cites in used_facts(campaign, lang)[group].items():
        base, _, day = key.partition("@")
        fdef = cat.facts[base]
        label = fdef.label.get(lang)
        if day:
            label += f" — {fmt.day(dt.date.fromisoformat(day))}"
        options: list[str] = []
        if fdef.type == "bool":
            options = [*_yes_no(lang), na]
        elif fdef.type in ("rating", "enum"):
            options = [v.label.get(lang) for v in cat.scales[fdef.scale or ""].values] + [na]
        cols.append(TemplateColumn(key, label, fdef.type, options, list(cites)))
    return cols


def _submission_columns(campaign: Campaign, lang: str) -> list[TemplateColumn]:
    """When and how the file was sent and received, its documents and copies where the plan asks."""
    labels = load_labels()
    nom = campaign.model.nomination

    def column(key: str, kind: str, options: list[str], cite: list[tuple[str, str]]) -> TemplateColumn:
        return TemplateColumn(f"submission.{key}", labels.columns[f"submission.{key}"].get(lang), kind, options, cite)

    # the same citations the outputs show for the file's outcomes (Nomination.cite)
    cite = [nom.cite("on_time")]
    doc_cite = [nom.cite("missing_documents")]
    vias = [said[0] if lang == "vi" else via for via, said in labels.words.via.items()]
    sub = [
        column("sent_on", "date", [], cite),
        column("via", "via", vias, [nom.cite("undecided", "channel")]),
        # a file received by the deadline was sent by it (issue 22.2): the receipt date can decide
        column("received_on", "date", [], cite),
    ]
    if nom.documents:
        sub.append(column("documents", "text", [], doc_cite))
    if nom.copies is not None:
        sub.append(column("copies", "int", [], doc_cite))
    return sub


# ---------------------------------------------------------------- writing


def write_template(campaign: Campaign, path: Path, lang: str = "vi") -> bytes:
    """The blank facts file for `path`'s type (.xlsx, .csv, .yaml/.yml), as bytes."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return xlsx_template(campaign, lang)
    if suffix == ".csv":
        return csv_template(campaign, lang).encode("utf-8-sig")  # the BOM lets Excel see UTF-8
    if suffix in (".yaml", ".yml"):
        return yaml_template(campaign, lang).encode("utf-8")
    raise UsageError(
        Problem(
            str(path),
            Msg("problem.campaign_template_suffix", suffix=suffix),
            hint=Msg("problem.campaign_template_suffix_hint"),
        )
    )


ISSUER_META = "issuer."  # a meta row `… [issuer.KEY]` gives the plan issuer's own figure


def _meta_rows(campaign: Campaign, labels: Labels, lang: str) -> list[list[str]]:
    rows = [
        [f"# {labels.meta['campaign'].get(lang)}", campaign.id],
        [f"# {labels.meta['as_of'].get(lang)}", ""],
    ]
    if campaign.model.nomination.deadline.event is not None:  # the plan gives no date: the file may
        rows.append([f"# {labels.meta['deadline'].get(lang)}", ""])
    if campaign.model.period.yearly:  # judged every year: which round this file is for
        rows.append([f"# {labels.meta['round'].get(lang)}", ""])
    issuer = campaign.model.issuer_facts  # the issuer's own figures, given once (Sở Y tế's DDCI)
    for key in issuer.keys if issuer is not None else ():
        label = campaign.catalogue.label(key, lang)
        rows.append([f"# {labels.meta['issuer'].get(lang)} — {label} [{ISSUER_META}{key}]", ""])
    return rows


def csv_template(campaign: Campaign, lang: str = "vi") -> str:
    labels = load_labels()
    groups = groups_present(campaign)
    by_group = {g: template_columns(campaign, g, lang) for g in groups}
    columns: list[TemplateColumn] = []
    seen: set[str] = set()
    fixed = [c for g in groups for c in by_group[g] if c.key in FIXED_FOR[g]]
    group_col = TemplateColumn("group", labels.columns["group"].get(lang), "group")
    ordered = [fixed[0], fixed[1], group_col, *fixed[2:], *(c for g in groups for c in by_group[g])]
    for c in ordered:
        if c.key in seen:
            for other in columns:  # a fact both groups read: one column serving both
                if other.key == c.key:
                    other.clauses += [x for x in c.clauses if x not in other.clauses]
            continue
        seen.add(c.key)
        columns.append(c)
    notes = [c.note(labels, lang) for c in columns]
    notes[0] = labels.template.notes.get(lang)
    # campaign text (a label, a clause) starting with =, +, - or @ is written as text, not a formula
    return csv_rows([*_meta_rows(campaign, labels, lang), [c.header for c in columns], notes])


def yaml_template(campaign: Campaign, lang: str = "vi") -> str:
    labels = load_labels()
    m = campaign.model
    lines = [
        f"# {m.title.get(lang)} — {m.document.kind} {m.document.number or '…'}, {m.document.issuer}",
        f"# {labels.template.guide.get(lang)}",
        f"campaign: {campaign.id}",
        "as_of: null",
    ]
    if m.nomination.deadline.event is not None:
        lines.append(f"deadline: null  # {m.nomination.deadline.event.get(lang)}")
    if m.period.yearly:
        lines.append(f"round: null  # {labels.meta['round'].get(lang)}")
    for group in groups_present(campaign):
        section = "units" if group == "unit" else "people"
        cols = template_columns(campaign, group, lang)
        kinds = group_kinds(campaign, group)  # a YAML file names the kind by its key
        kind = kinds[0]
        lines.append(f"{section}:")
        lines.append(f"  - id: {'don-vi-1' if group == 'unit' else 'ca-nhan-1'}")
        lines.append('    name: ""')
        names = words(lang).section("kind")
        lines.append(f"    kind: {kind}  # {' | '.join(f'{k} ({names.get(k, k)})' for k in kinds)}")
        for c in cols:  # where it sits: the plan may limit it (scope is read from it, never assumed)
            if c.key in ("parent", "unit") and c.clauses:
                lines.append(f"    {c.key}: null  # {_yaml_comment([c], labels, lang, c.label)}")
        facts: dict[str, list[TemplateColumn]] = {}
        for c in cols:
            if c.key in FIXED_FOR[group] or c.key.startswith("submission."):
                continue
            facts.setdefault(c.key.partition("@")[0], []).append(c)
        lines.append("    facts:")
        for key, group_cols in facts.items():
            fdef = campaign.catalogue.facts[key]
            note = _yaml_comment(group_cols, labels, lang, fdef.label.get(lang))
            if group_cols[0].key != key:  # dated values
                lines.append(f"      {key}:  # {note}")
                for c in group_cols:
                    lines.append(f"        {c.key.partition('@')[2]}: null")
            else:
                lines.append(f"      {key}: null  # {note}")
        lines.append("    submission:")
        for c in cols:
            if c.key.startswith("submission."):
                sub = c.key.split(".", 1)[1]
                empty = "[]" if sub == "documents" else "null"
                lines.append(f"      {sub}: {empty}  # {c.label}")
    text = "\n".join(lines) + "\n"
    yaml.safe_load(text)  # a template that does not parse is a bug here, not the user's problem
    return text


def _yaml_comment(cols: list[TemplateColumn], labels: Labels, lang: str, label: str) -> str:
    c = cols[0]
    parts = [label]
    note = c.note(labels, lang)
    if note:
        parts.append(note)
    if c.options:
        parts.append(" | ".join(c.options))
    return "; ".join(" ".join(p.split()) for p in parts)


def xlsx_template(campaign: Campaign, lang: str = "vi") -> bytes:
    """The blank workbook a unit fills: a sheet per group present (the first one headed by the
    plan), each column with its note, its citation as a comment and a drop-down of its values
    (kept on a hidden sheet), then a guide sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from engine.render.xlsx import put, workbook_bytes

    labels = load_labels()
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    lists = _Lists(wb.create_sheet(labels.sheets["lists"].get(lang)))
    for n, group in enumerate(groups_present(campaign)):
        ws = wb.create_sheet(labels.sheets["units" if group == "unit" else "people"].get(lang), n)
        _fill_sheet(ws, campaign, group, lang, lists, heading=n == 0)
    guide = wb.create_sheet(labels.sheets["guide"].get(lang))
    m = campaign.model
    put(guide["A1"], f"{m.title.get(lang)} — {m.document.kind} {m.document.number or '…'}").font = _font(bold=True)
    put(guide["A2"], labels.template.guide.get(lang))
    guide["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 100
    lists.sheet.sheet_state = "hidden"
    when = m.document.date if isinstance(m.document.date, dt.date) else dt.date(int(str(m.document.date)[:4]), 1, 1)
    return workbook_bytes(wb, when)


def _font(bold: bool = False, note: bool = False) -> Any:
    from openpyxl.styles import Font

    if note:
        return Font(name="Times New Roman", italic=True, color="555555", size=9)
    return Font(name="Times New Roman", bold=bold)


class _Lists:
    """The hidden sheet holding each distinct list of values a column's drop-down offers."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_of(self, options: list[str]) -> str:
        from openpyxl.utils import get_column_letter

        from engine.render.xlsx import put

        key = tuple(options)
        if key not in self.ranges:
            col = get_column_letter(len(self.ranges) + 1)
            for i, opt in enumerate(options, 1):
                put(self.sheet[f"{col}{i}"], opt)
            self.ranges[key] = f"'{self.sheet.title}'!${col}$1:${col}${len(options)}"
        return self.ranges[key]


def _fill_sheet(ws: Any, campaign: Campaign, group: str, lang: str, lists: _Lists, heading: bool) -> None:
    """One group's sheet: the plan's heading (first sheet only), the header row, the notes row."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from engine.render.xlsx import put

    labels = load_labels()
    row = 1
    if heading:
        for meta in _meta_rows(campaign, labels, lang):
            for i, v in enumerate(meta, 1):
                put(ws.cell(row=row, column=i), v).font = _font(bold=True) if i == 1 else Font(name="Times New Roman")
            row += 1
    header_row, notes_row = row, row + 1
    for i, c in enumerate(template_columns(campaign, group, lang), 1):
        cell = put(ws.cell(row=header_row, column=i), c.header)
        cell.font = _font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if c.clauses:
            from openpyxl.comments import Comment

            cell.comment = Comment(c.comment()[:30000], "thidua", width=420, height=220)
        note = put(
            ws.cell(row=notes_row, column=i), labels.template.notes.get(lang) if i == 1 else c.note(labels, lang)
        )
        note.font = _font(note=True)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = 14 if c.type in ("bool", "date") else 22
        if c.options:
            _drop_down(ws, get_column_letter(i), lists.range_of(c.options), notes_row, lang)
    ws.row_dimensions[header_row].height = 60
    ws.freeze_panes = ws.cell(row=notes_row + 1, column=3)


def _drop_down(ws: Any, letter: str, formula: str, notes_row: int, lang: str) -> None:
    """A list validation on the column's data rows: only the values offered."""
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.error = load_labels().template.note_type["rating"].get(lang)
    dv.showErrorMessage = True
    dv.add(f"{letter}{notes_row + 1}:{letter}{notes_row + DATA_ROWS}")
    ws.add_data_validation(dv)
