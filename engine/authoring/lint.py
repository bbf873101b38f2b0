"""Lint a campaign against the plan it encodes: the checks a schema cannot make.

`thidua lint CAMPAIGN [--source PLAN.txt]` (and `thidua validate`, after loading) reads the
campaign, validates its structure, then looks at its content: every rule cites a clause and
quotes the plan, and each quote is found in the plan's text; ids are unique; no rule can
never apply; dates agree with each other; quotas name real groups; a rule that departs from
the literal text says why in a note. Each finding is a `Problem` with a code (`CODES`), a
severity, `file:line:column` and a one-line hint. `lint_catalogue` finds the catalogue's
facts that no shipped campaign reads.

The structural checks — ids, groups, quotas, stages (engine.model.checks) — and the rules'
own errors (TD701) are the campaign reader's: lint takes its findings as they are and adds
its own, so `lint` and `validate` print the same line for the same problem.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.authoring.quotes import PlanText, SearchBudget, fold, plan_path
from engine.authoring.subjects import Blocked, search
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, Text, say
from engine.lang import Compare, Const, Node, RuleError, parse_rule, parse_value
from engine.model.campaign import Campaign, read_campaign
from engine.model.catalogue import Catalogue, campaigns_dir, load_catalogue
from engine.model.checks import codes as check_codes
from engine.model.schema import Award, CampaignModel, Cited, Criterion, Group, readable_path
from engine.model.source import Document, PathT, load_yaml_text, read_text

# code: (severity, title) — lint's own checks; docs/authoring.md's table is checked against `CODES`.
LINT_CODES: dict[str, tuple[str, str]] = {
    "TD101": ("error", "a rule, group, period, nomination, award or reward lacks its clause or quote"),
    "TD102": ("error", "a quote is not found in the plan's text (NFC, whitespace folded)"),
    "TD202": ("error", "a heads' group has no kind of the group it extends, so its rules can never apply"),
    "TD205": ("warning", "a group competes in no award's quotas"),
    "TD216": ("error", "a kind a group admits can never be eligible: no facts pass its required rules"),
    "TD301": ("error", "the nomination deadline falls before the campaign period ends"),
    "TD302": ("error", "the campaign period ends before it starts, or before the plan is issued"),
    "TD303": ("warning", "a yearly deadline in a one-off period, or a fixed date in a yearly one"),
    "TD304": ("warning", "the nomination deadline is more than a year after the period ends"),
    "TD305": ("warning", "the nomination does not record what a late file gets (`late:`)"),
    "TD306": ("warning", "the nomination does not record which ways of sending a file count (`channels:`)"),
    "TD501": ("warning", "a fact of the catalogue is read by no shipped campaign"),
    "TD601": ("error", "an optional criterion without a note saying why (the plan lists it)"),
    "TD602": ("warning", "a rule's number or date does not appear in its quote, and no note says why"),
    "TD603": ("warning", "a rule's bound is strict where the quote's is inclusive (or the reverse), no note"),
}
# every code a finding can carry: the campaign reader's (structural, TD701) and lint's own
CODES: dict[str, tuple[str, str]] = dict(sorted({**check_codes(), **LINT_CODES}.items()))


@dataclass
class LintResult:
    """Every finding for one file, and what the quotes were checked against."""

    file: str
    findings: list[Problem] = field(default_factory=list)
    plan: Path | None = None  # the plan the quotes were checked against
    plan_note: Text = ""  # said on stdout: where the plan came from, or why quotes were not checked
    campaign: Campaign | None = None  # the compiled campaign, when it has no error

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.findings if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.findings if p.severity != "error"]


def lint_many(names: list[str], source: Path | None = None) -> list[LintResult]:
    """Lint campaigns by id or path; `facts` lints the catalogue; no names: every campaign and the catalogue."""
    from engine.model.campaign import available_campaigns

    if source is not None and len(names) != 1:
        raise UsageError(Msg("problem.lint_source_one"))
    results = []
    for name in names or [*available_campaigns(), "facts"]:
        results.append(lint_catalogue() if name == "facts" else lint_campaign(name, source))
    return results


def lint_text(results: list[LintResult]) -> str:
    """Each file: where its quotes were checked, its findings one a line; then a count."""
    lines = []
    for r in results:
        lines.append(f"{r.file}: {say(r.plan_note)}")
        lines += [format_finding(p) for p in r.findings]
    errors = sum(len(r.errors) for r in results)
    warnings = sum(len(r.warnings) for r in results)
    lines.append(
        say(
            Msg(
                "problem.lint_count",
                errors=Msg("problem.lint_errors", n=errors),
                warnings=Msg("problem.lint_warnings", n=warnings),
            )
        )
    )
    return "\n".join(lines) + "\n"


def lint_json(results: list[LintResult]) -> str:
    import json

    data = [
        {
            "file": r.file,
            "plan": str(r.plan) if r.plan else None,
            "note": say(r.plan_note),
            "findings": [finding_dict(p) for p in r.findings],
        }
        for r in results
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def format_finding(p: Problem) -> str:
    """`file:line:column: TD102 error: where: message — hint`, one line (the `Problem`'s own)."""
    return str(p)


def finding_dict(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "severity": p.severity,
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "where": p.where,
        "message": say(p.message),
        "hint": say(p.hint),
    }


def lint_campaign(name: str | Path, source: Path | None = None) -> LintResult:
    """Lint one campaign; quotes are checked against `source`, else `../shared/plans/<document.source>`."""
    read = read_campaign(name)
    result = LintResult(read.file, list(read.problems), campaign=read.campaign)
    if read.doc is None or read.model is None:
        result.plan_note = Msg("problem.lint_not_loaded")
        return result
    doc, model = read.doc, read.model
    plan = None
    if source is not None:
        if not source.exists():
            raise UsageError(
                Problem(str(source), Msg("problem.lint_plan_not_found"), hint=Msg("problem.lint_plan_not_found_hint"))
            )
        plan = source
        result.plan_note = Msg("problem.lint_quotes_checked", plan=str(source))
    else:
        default = plan_path(model.document.source)
        if default.exists():
            plan = default
            result.plan_note = Msg("problem.lint_quotes_checked_source", plan=_relative(default))
        else:
            result.plan_note = Msg("problem.lint_quotes_unchecked", plan=_relative(default))
    result.plan = plan
    text = PlanText.read(plan, str(plan) if plan is source else _relative(plan)) if plan is not None else None
    Linter(doc, model, load_catalogue(), text, result.findings, read.campaign).run()
    result.findings.sort(key=lambda p: (p.line or 0, p.column or 0, p.code))
    return result


def lint_catalogue(campaign_names: list[str] | None = None) -> LintResult:
    """TD501: facts the catalogue declares that no shipped campaign's rules or ranking read."""
    from engine.model.campaign import available_campaigns

    catalogue = load_catalogue()
    path = campaigns_dir() / "facts.yaml"
    doc = load_yaml_text(read_text(path), _display(path))
    result = LintResult(doc.file)
    used: set[str] = set()
    read = []
    for name in campaign_names if campaign_names is not None else available_campaigns():
        model = read_campaign(name).model
        if model is None:
            continue  # `thidua validate` reports it; its facts cannot be counted
        read.append(model.id)
        used |= facts_read(model, catalogue)
    result.plan_note = Msg("problem.lint_facts_read_by", ids=read) if read else Msg("problem.lint_no_valid_campaign")
    for key in catalogue.facts:
        if key not in used:
            result.findings.append(
                _finding(
                    doc,
                    ("facts", key),
                    "TD501",
                    Msg("problem.lint_td501", fact=key, ids=read or Msg("problem.lint_none_valid")),
                    Msg("problem.lint_td501_hint"),
                )
            )
    return result


def facts_read(model: CampaignModel, catalogue: Catalogue) -> set[str]:
    """Every fact key a campaign's rules, waivers and ranking keys read (unparsable ones skipped)."""
    out: set[str] = set()
    for _, spec in model.rule_specs():
        for text in (spec.rule, spec.waiver.when if spec.waiver else None):
            if text is not None:
                with contextlib.suppress(RuleError):
                    out |= set(parse_rule(text, catalogue).facts())
    for ranking in model.ranking.values():
        for key in ranking.keys:
            with contextlib.suppress(RuleError):
                out |= set(parse_value(key.by, catalogue).facts())
    return out


def _finding(doc: Document, path: PathT, code: str, message: Text, hint: Text = "") -> Problem:
    line, col = doc.locate(path)
    severity = LINT_CODES[code][0]
    return Problem(doc.file, message, line, col, readable_path(doc.data, path), hint, severity, code)


class Linter:
    """The checks, one method per family of codes; findings in file order within each family."""

    def __init__(
        self,
        doc: Document,
        model: CampaignModel,
        catalogue: Catalogue,
        plan: PlanText | None,
        out: list[Problem],
        campaign: Campaign | None = None,
    ):
        self.campaign = campaign  # compiled: the search of TD216 evaluates its rules
        self.doc = doc
        self.model = model
        self.cat = catalogue
        self.plan = plan
        self.out = out
        self.budget = SearchBudget()  # the closest-passage search's work for this campaign (issue 26)

    def add(self, path: PathT, code: str, message: Text, hint: Text = "") -> None:
        self.out.append(_finding(self.doc, path, code, message, hint))

    def run(self) -> None:
        self.citations()
        self.applicability()
        self.winnable()
        self.dates()
        self.nomination_decisions()
        self.interpretation()

    # TD101, TD102
    def cited(self) -> Iterator[tuple[PathT, Cited]]:
        m = self.model
        for gid, group in m.groups.items():
            yield ("groups", gid), group
        yield from m.rule_specs()
        yield ("period",), m.period
        yield ("nomination",), m.nomination
        for i, award in enumerate(m.awards):
            yield ("awards", i), award
        if m.reward is not None:
            yield ("reward",), m.reward
        for key, label in m.labels.items():
            yield ("labels", key), label
        if m.issuer_facts is not None:
            yield ("issuer_facts",), m.issuer_facts
        for key, holders in m.facts_for.items():
            yield ("facts_for", key), holders

    def citations(self) -> None:
        for path, item in self.cited():
            quotes = [("quote", item.quote)]
            if not item.clause.strip():
                self.add(
                    (*path, "clause"), "TD101", Msg("problem.lint_td101_clause"), Msg("problem.lint_td101_clause_hint")
                )
            if path == ("nomination",):
                nom = self.model.nomination
                if nom.documents_quote is not None:
                    quotes.append(("documents_quote", nom.documents_quote))
                for part in ("channels", "late"):
                    decided = getattr(nom, part)
                    if decided is not None and decided.quote is not None:
                        quotes.append((f"{part}.quote", decided.quote))
            if isinstance(item, Group):  # scope limits may quote their own sentence
                for section in ("workplaces", "parents"):
                    for j, limit in enumerate(getattr(item, section)):
                        if limit.quote is not None:
                            quotes.append((f"{section}.{j}.quote", limit.quote))
                        if limit.unstated is not None:
                            quotes.append((f"{section}.{j}.unstated.quote", limit.unstated.quote))
            if isinstance(item, Award) and item.scope is not None and item.scope.quote is not None:
                quotes.append(("scope.quote", item.scope.quote))
            for key, quote in quotes:
                if not quote.strip():
                    self.add(
                        (*path, key), "TD101", Msg("problem.lint_td101_quote"), Msg("problem.lint_td101_quote_hint")
                    )
                elif self.plan is not None and not self.plan.contains(quote):
                    self.quote_not_found((*path, *(int(k) if k.isdigit() else k for k in key.split("."))), quote)

    def quote_not_found(self, path: PathT, quote: str) -> None:
        assert self.plan is not None
        name = self.plan.path.name
        near = self.plan.closest(quote, self.budget)
        message = Msg("problem.lint_td102", plan=name)
        if near is None:
            self.add(path, "TD102", message, Msg("problem.lint_td102_hint"))
            return
        shown = near.text if len(near.text) <= 100 else near.text[:99] + "…"
        hint = Msg("problem.lint_td102_closest", plan=name, line=str(near.line), text=shown)
        if near.quote_has or near.plan_has:
            hint = Msg("problem.lint_td102_differs", closest=hint, quote=near.quote_has, plan=near.plan_has)
        self.add(path, "TD102", message, hint)

    # TD202, TD205 (TD203, TD204, TD208, TD209: the campaign reader's)
    def applicability(self) -> None:
        groups = self.model.groups
        for gid, group in groups.items():
            base = groups.get(group.extends or "")
            # a heads' group of units, or one extending no group, is the reader's (TD210, TD211)
            if (
                group.heads_only
                and group.candidates == "person"
                and base is not None
                and not set(group.kinds) & set(base.kinds)
            ):
                self.add(
                    ("groups", gid, "kinds"),
                    "TD202",
                    Msg("problem.lint_td202", group=gid, base=str(group.extends)),
                    Msg("problem.lint_td202_hint", base=str(group.extends), kinds=list(base.kinds)),
                )
        quota_groups = {g for a in self.model.awards for g in a.quotas}
        for gid, group in groups.items():
            if not group.heads_only and gid not in quota_groups:
                self.add(
                    ("groups", gid),
                    "TD205",
                    Msg("problem.lint_td205", group=gid),
                    Msg("problem.lint_td205_hint"),
                )

    # TD216: every subject the plan names can win (engine.authoring.subjects)
    def winnable(self) -> None:
        if self.campaign is None:
            return  # the campaign has errors of its own: its rules cannot be evaluated
        paths = {id(spec): path for path, spec in self.model.rule_specs()}
        for found in search(self.campaign):
            if isinstance(found, Blocked):
                self.blocked(found, paths)

    def blocked(self, found: Blocked, paths: dict[int, PathT]) -> None:
        s = found.subject
        first, *others = found.rules
        what = "criterion" if first.kind == "criterion" else "disqualifier"
        lead = Msg(
            "problem.lint_td216_lead_unit" if found.unit_kind else "problem.lint_td216_lead",
            group=s.group,
            kind=s.kind,
            unit_kind=found.unit_kind or "",
            rule=Msg(f"problem.lint_td216_{what}", id=first.id, clause=first.spec.clause),
        )
        message: Msg
        if others:
            names = [f"'{r.id}' ({r.spec.clause})" for r in others]
            message = Msg("problem.lint_td216_contradict", lead=lead, rules=names)
            hint = Msg("problem.lint_td216_contradict_hint")
        elif found.never_has:
            holders = [
                f"{k}: {', '.join(self.model.facts_for[k].kinds)}" for k in found.never_has if k in self.model.facts_for
            ]
            where = (
                Msg("problem.lint_td216_facts_for", holders="; ".join(holders))
                if holders
                else Msg("problem.lint_td216_catalogue_for")
            )
            message = Msg(
                "problem.lint_td216_never_has_unit" if found.unit_kind else "problem.lint_td216_never_has",
                lead=lead,
                facts=list(found.never_has),
                kind=s.kind,
                where=where,
            )
            hint = Msg("problem.lint_td216_never_has_hint", kind=s.kind, group=s.group)
        else:
            message = Msg(f"problem.lint_td216_never_{'pass' if first.kind == 'criterion' else 'clear'}", lead=lead)
            hint = Msg("problem.lint_td216_never_hint")
        self.add((*paths[id(first.spec)], "rule"), "TD216", message, hint)

    # TD301–TD304
    def dates(self) -> None:
        m = self.model
        period = m.period
        first_day = _earliest(m.document.date)
        if period.start is not None and period.start > period.end:
            self.add(
                ("period", "start"),
                "TD302",
                Msg("problem.lint_td302_inverted"),
                Msg("problem.lint_td302_inverted_hint"),
            )
        if first_day is not None and period.end < first_day:
            self.add(
                ("period", "end"),
                "TD302",
                Msg("problem.lint_td302_before_issue", end=period.end, issued=m.document.date_text),
                Msg("problem.lint_check_year"),
            )
        deadlines: list[tuple[PathT, Any]] = [(("nomination", "deadline"), m.nomination.deadline)]
        deadlines += [(("awards", i, "deadline"), a.deadline) for i, a in enumerate(m.awards) if a.deadline]
        for path, d in deadlines:
            if d.date is not None:
                # an exclusive end ("trước ngày 20/12") makes the day before it the last day
                if (period.end - d.date).days > (0 if period.end_inclusive else 1):
                    self.add(
                        (*path, "date"),
                        "TD301",
                        Msg("problem.lint_td301", deadline=d.date, end=period.end),
                        Msg("problem.lint_td301_hint"),
                    )
                elif (d.date - period.end).days > 366:
                    self.add(
                        (*path, "date"),
                        "TD304",
                        Msg("problem.lint_td304", deadline=d.date, end=period.end),
                        Msg("problem.lint_check_year"),
                    )
                if period.yearly:
                    self.add(
                        (*path, "date"),
                        "TD303",
                        Msg("problem.lint_td303_fixed"),
                        Msg("problem.lint_td303_fixed_hint"),
                    )
            elif d.yearly is not None and not period.yearly:
                self.add(
                    (*path, "yearly"),
                    "TD303",
                    Msg("problem.lint_td303_yearly"),
                    Msg("problem.lint_td303_yearly_hint"),
                )

    # TD305, TD306: a nomination's two decisions, recorded rather than left to the defaults
    def nomination_decisions(self) -> None:
        nom = self.model.nomination
        if nom.late is None:
            self.add(
                ("nomination",),
                "TD305",
                Msg("problem.lint_td305"),
                Msg("problem.lint_td305_hint"),
            )
        if nom.channels is None:
            self.add(
                ("nomination",),
                "TD306",
                Msg("problem.lint_td306"),
                Msg("problem.lint_td306_hint"),
            )

    # TD601–TD603
    def interpretation(self) -> None:
        for path, spec in self.model.rule_specs():
            if spec.note and spec.note.vi.strip() and spec.note.en.strip():
                continue
            if isinstance(spec, Criterion) and not spec.required:
                self.add(
                    (*path, "required"),
                    "TD601",
                    Msg("problem.lint_td601"),
                    Msg("problem.lint_td601_hint"),
                )
            try:
                node = parse_rule(spec.rule, self.cat)
            except RuleError:
                continue
            self.literal_numbers((*path, "rule"), node, spec.quote)
            self.bounds((*path, "rule"), node, spec.quote)

    def literal_numbers(self, path: PathT, node: Node, quote: str) -> None:
        numbers = _numbers(quote)
        for const in _walk(node):
            if not isinstance(const, Const):
                continue
            v = const.value
            if isinstance(v, dt.date):
                if not {v.day, v.month, v.year} <= numbers:
                    self.add(
                        path,
                        "TD602",
                        Msg("problem.lint_td602_date", date=v),
                        Msg("problem.lint_td602_date_hint"),
                    )
            elif _is_number(v) and v not in (0, 1) and not _written(v, numbers):
                self.add(
                    path,
                    "TD602",
                    Msg("problem.lint_td602_number", number=v),
                    Msg("problem.lint_td602_number_hint"),
                )

    def bounds(self, path: PathT, node: Node, quote: str) -> None:
        text = fold(quote).casefold()
        for cmp in _walk(node):
            if not isinstance(cmp, Compare) or cmp.op not in (">", ">=", "<", "<="):
                continue
            n = next((c.value for c in _walk(cmp.right) if isinstance(c, Const) and _is_number(c.value)), None)
            if n is None:
                continue
            shown = [f"{n:g}", f"{n * 100:g}"] if 0 < n < 1 else [f"{n:g}"]
            for num in shown:
                strict = re.search(rf"\b(trên|hơn|vượt|quá|dưới)\s+{re.escape(num)}\b", text)
                inclusive = re.search(rf"\b(ít nhất|tối thiểu|từ)\s+{re.escape(num)}\b", text)
                word = None
                if strict is not None:
                    below = strict.group(1) == "dưới"
                    if cmp.op in ((">", "<=") if below else (">=", "<")):
                        word = strict.group(0)
                if inclusive is not None and cmp.op in (">", "<="):
                    word = inclusive.group(0)
                if word:
                    self.add(
                        path,
                        "TD603",
                        Msg("problem.lint_td603", word=word, op=cmp.op),
                        Msg("problem.lint_td603_hint"),
                    )
                    return


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children():
        yield from _walk(child)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _written(v: float, numbers: set[float]) -> bool:
    """A rule's number as the quote writes it: as is, or a fraction as a percentage (0.10 → 10%)."""
    return v in numbers or (0 < v < 1 and round(v * 100, 6) in numbers)


def _numbers(text: str) -> set[float]:
    """The numbers written in a quote (decimal comma or point)."""
    return {float(m.replace(",", ".")) for m in re.findall(r"\d+(?:[.,]\d+)?", fold(text))}


def _earliest(date: str | dt.date) -> dt.date | None:
    if isinstance(date, dt.date):
        return date
    parts = [int(x) for x in date.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, 1)


def _display(path: Path) -> str:
    """A campaign as `validate` names it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _relative(path: Path) -> str:
    """A plan as the user would type it from here (`../shared/plans/x.txt`)."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
