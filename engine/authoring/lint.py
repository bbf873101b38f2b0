"""Lint a campaign against the plan it encodes: the checks a schema cannot make.

`thidua lint CAMPAIGN [--source PLAN.txt]` (and `thidua validate`, after loading) reads the
campaign, validates its structure, then looks at its content: every rule cites a clause and
quotes the plan, and each quote is found in the plan's text; ids are unique; no rule can
never apply; dates agree with each other; quotas name real groups; a rule that departs from
the literal text says why in a note. Each finding is a `Problem` with a code, a severity,
`file:line:column` and a one-line hint. `lint_catalogue` finds the catalogue's facts that no
shipped campaign reads.

Every code is an entry of the registry of checks (engine.model.checks.Check): the campaign
reader's (`READER`: ids, groups, quotas, stages, and the rules' own errors, TD204 and TD701) are
made once when the campaign is read, and lint takes those findings as they are, so `lint` and
`validate` print the same line for the same problem; lint's own (`LINT`, one function a code)
are run here stage by stage. `REGISTRY` is both, by code: docs/authoring.md's table.
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
from engine.model.campaign import Campaign, CampaignRead, read_campaign
from engine.model.catalogue import Catalogue, campaigns_dir, load_catalogue
from engine.model.checks import READER, STAGES, Check, Finding, Subject, by_code, coded, run
from engine.model.schema import TODO, Award, CampaignModel, Cited, Criterion, Group, Rule
from engine.model.source import PathT, load_yaml_text, read_text


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


def lint_campaign(name: str | Path | CampaignRead, source: Path | None = None) -> LintResult:
    """Lint one campaign (or one already read: an upload's); quotes are checked against `source`,
    else `../shared/plans/<document.source>`."""
    read = name if isinstance(name, CampaignRead) else read_campaign(name)
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
    shipped = read.path.parent.resolve() == campaigns_dir().resolve()
    subject = Linted(model, doc, read.path.stem, shipped, load_catalogue(), text, read.campaign, SearchBudget())
    for stage in STAGES:  # the schema's, the structure's and the compiler's reader findings are in already
        result.findings += run(LINT, subject, stage)
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
    td501 = by_code(LINT, "TD501")
    for key in catalogue.facts:
        if key not in used:
            message = Msg("problem.lint_td501", fact=key, ids=read or Msg("problem.lint_none_valid"))
            result.findings.append(coded(doc, ("facts", key), td501, message, Msg("problem.lint_td501_hint")))
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


@dataclass(frozen=True)
class Linted(Subject):
    """What lint's checks read besides the reader's: the catalogue, the plan's text (None: quotes
    not checked), the compiled campaign (None: it has errors) and the passage search's budget."""

    catalogue: Catalogue
    plan: PlanText | None
    campaign: Campaign | None
    budget: SearchBudget


# TD101, TD102: what a part cites, and the quotes it gives


def _cited(m: CampaignModel) -> Iterator[tuple[PathT, Cited]]:
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


def _quotes(m: CampaignModel, path: PathT, item: Cited) -> list[tuple[str, str]]:
    """A cited part's quotes: its own, and those of its parts that quote their own sentence
    (a nomination's documents, channels and late files; a group's scope limits; an award's scope)."""
    quotes = [("quote", item.quote)]
    if path == ("nomination",):
        nom = m.nomination
        if nom.documents_quote is not None:
            quotes.append(("documents_quote", nom.documents_quote))
        for part in ("channels", "late"):
            decided = getattr(nom, part)
            if decided is not None and decided.quote is not None:
                quotes.append((f"{part}.quote", decided.quote))
    if isinstance(item, Group):
        for section in ("workplaces", "parents"):
            for j, limit in enumerate(getattr(item, section)):
                if limit.quote is not None:
                    quotes.append((f"{section}.{j}.quote", limit.quote))
                if limit.unstated is not None:
                    quotes.append((f"{section}.{j}.unstated.quote", limit.unstated.quote))
    if isinstance(item, Award) and item.scope is not None and item.scope.quote is not None:
        quotes.append(("scope.quote", item.scope.quote))
    return quotes


def missing_citations(s: Linted) -> Iterator[Finding]:
    for path, item in _cited(s.model):
        if not item.clause.strip():
            yield (*path, "clause"), Msg("problem.lint_td101_clause"), Msg("problem.lint_td101_clause_hint")
        for key, quote in _quotes(s.model, path, item):
            if not quote.strip():
                yield (*path, key), Msg("problem.lint_td101_quote"), Msg("problem.lint_td101_quote_hint")


def quotes_not_found(s: Linted) -> Iterator[Finding]:
    if s.plan is None:
        return
    for path, item in _cited(s.model):
        for key, quote in _quotes(s.model, path, item):
            if quote.strip() and quote.strip() != TODO and not s.plan.contains(quote):
                where = (*path, *(int(k) if k.isdigit() else k for k in key.split(".")))
                yield where, Msg("problem.lint_td102", plan=s.plan.path.name), _closest_hint(s, s.plan, quote)


def _closest_hint(s: Linted, plan: PlanText, quote: str) -> Text:
    """The plan's passage closest to a quote not found, and the first words that differ; or, when
    there is none (or the search's budget is spent), the plain hint."""
    name = plan.path.name
    near = plan.closest(quote, s.budget)
    if near is None:
        return Msg("problem.lint_td102_hint")
    shown = near.text if len(near.text) <= 100 else near.text[:99] + "…"
    hint = Msg("problem.lint_td102_closest", plan=name, line=str(near.line), text=shown)
    if near.quote_has or near.plan_has:
        return Msg("problem.lint_td102_differs", closest=hint, quote=near.quote_has, plan=near.plan_has)
    return hint


# TD202, TD205 (TD203, TD208, TD209: the campaign reader's)


def heads_without_kinds(s: Linted) -> Iterator[Finding]:
    groups = s.model.groups
    for gid, group in groups.items():
        base = groups.get(group.extends or "")
        # a heads' group of units, or one extending no group, is the reader's (TD210, TD211)
        heads = group.heads_only and group.candidates == "person"
        if heads and base is not None and not set(group.kinds) & set(base.kinds):
            yield (
                ("groups", gid, "kinds"),
                Msg("problem.lint_td202", group=gid, base=str(group.extends)),
                Msg("problem.lint_td202_hint", base=str(group.extends), kinds=list(base.kinds)),
            )


def group_without_award(s: Linted) -> Iterator[Finding]:
    quota_groups = {g for a in s.model.awards for g in a.quotas}
    for gid, group in s.model.groups.items():
        if not group.heads_only and gid not in quota_groups:
            yield ("groups", gid), Msg("problem.lint_td205", group=gid), Msg("problem.lint_td205_hint")


# TD216: every subject the plan names can win (engine.authoring.subjects)


def unwinnable(s: Linted) -> Iterator[Finding]:
    if s.campaign is None:
        return  # the campaign has errors of its own: its rules cannot be evaluated
    paths = {id(spec): path for path, spec in s.model.rule_specs()}
    for found in search(s.campaign):
        if isinstance(found, Blocked):
            message, hint = _blocked(s.model, found)
            yield (*paths[id(found.rules[0].spec)], "rule"), message, hint


def _blocked(model: CampaignModel, found: Blocked) -> tuple[Msg, Msg]:
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
    if others:
        names = [f"'{r.id}' ({r.spec.clause})" for r in others]
        return Msg("problem.lint_td216_contradict", lead=lead, rules=names), Msg("problem.lint_td216_contradict_hint")
    if found.never_has:
        holders = [f"{k}: {', '.join(model.facts_for[k].kinds)}" for k in found.never_has if k in model.facts_for]
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
        return message, Msg("problem.lint_td216_never_has_hint", kind=s.kind, group=s.group)
    never = Msg(f"problem.lint_td216_never_{'pass' if first.kind == 'criterion' else 'clear'}", lead=lead)
    return never, Msg("problem.lint_td216_never_hint")


# TD301–TD306: dates, and the nomination's two decisions


def _placeholder(part: Cited) -> bool:
    """A part a draft could not read (engine.authoring.draft): its clause, quote or note is TODO."""
    return TODO in (part.clause.strip(), part.quote.strip()) or (part.note is not None and part.note.vi.strip() == TODO)


def _deadlines(m: CampaignModel) -> list[tuple[PathT, Any]]:
    out: list[tuple[PathT, Any]] = [(("nomination", "deadline"), m.nomination.deadline)]
    return out + [(("awards", i, "deadline"), a.deadline) for i, a in enumerate(m.awards) if a.deadline]


def deadline_before_end(s: Linted) -> Iterator[Finding]:
    if _placeholder(s.model.period):
        return  # a draft's period not read from the plan: its dates are placeholders (TD801)
    period = s.model.period
    for path, d in _deadlines(s.model):
        # an exclusive end ("trước ngày 20/12") makes the day before it the last day
        if d.date is not None and (period.end - d.date).days > (0 if period.end_inclusive else 1):
            yield (
                (*path, "date"),
                Msg("problem.lint_td301", deadline=d.date, end=period.end),
                Msg("problem.lint_td301_hint"),
            )


def period_out_of_order(s: Linted) -> Iterator[Finding]:
    if _placeholder(s.model.period):
        return  # a draft's period not read from the plan: its dates are placeholders (TD801)
    m = s.model
    period = m.period
    first_day = _earliest(m.document.date)
    if period.start is not None and period.start > period.end:
        yield ("period", "start"), Msg("problem.lint_td302_inverted"), Msg("problem.lint_td302_inverted_hint")
    if first_day is not None and period.end < first_day:
        yield (
            ("period", "end"),
            Msg("problem.lint_td302_before_issue", end=period.end, issued=m.document.date_text),
            Msg("problem.lint_check_year"),
        )


def deadline_of_another_period(s: Linted) -> Iterator[Finding]:
    if _placeholder(s.model.period):
        return  # a draft's period not read from the plan: its dates are placeholders (TD801)
    yearly = s.model.period.yearly
    for path, d in _deadlines(s.model):
        if d.date is not None and yearly:
            yield (*path, "date"), Msg("problem.lint_td303_fixed"), Msg("problem.lint_td303_fixed_hint")
        elif d.date is None and d.yearly is not None and not yearly:
            yield (*path, "yearly"), Msg("problem.lint_td303_yearly"), Msg("problem.lint_td303_yearly_hint")


def deadline_years_after(s: Linted) -> Iterator[Finding]:
    if _placeholder(s.model.period):
        return  # a draft's period not read from the plan: its dates are placeholders (TD801)
    end = s.model.period.end
    for path, d in _deadlines(s.model):
        if d.date is not None and (d.date - end).days > 366:
            yield (*path, "date"), Msg("problem.lint_td304", deadline=d.date, end=end), Msg("problem.lint_check_year")


def late_not_recorded(s: Linted) -> Iterator[Finding]:
    if s.model.nomination.late is None:
        yield ("nomination",), Msg("problem.lint_td305"), Msg("problem.lint_td305_hint")


def channels_not_recorded(s: Linted) -> Iterator[Finding]:
    if s.model.nomination.channels is None:
        yield ("nomination",), Msg("problem.lint_td306"), Msg("problem.lint_td306_hint")


# TD601–TD603: a rule that departs from its quote says why in a note


def _unexplained(s: Linted) -> Iterator[tuple[PathT, Rule]]:
    for path, spec in s.model.rule_specs():
        if not (spec.note and spec.note.vi.strip() and spec.note.en.strip()):
            yield path, spec


def _parsed(s: Linted) -> Iterator[tuple[PathT, Node, str]]:
    """Each unexplained rule that parses: (its rule's path, its expression, its quote)."""
    for path, spec in _unexplained(s):
        try:
            yield (*path, "rule"), parse_rule(spec.rule, s.catalogue), spec.quote
        except RuleError:
            continue


def optional_without_note(s: Linted) -> Iterator[Finding]:
    for path, spec in _unexplained(s):
        if isinstance(spec, Criterion) and not spec.required:
            yield (*path, "required"), Msg("problem.lint_td601"), Msg("problem.lint_td601_hint")


def number_not_in_quote(s: Linted) -> Iterator[Finding]:
    for path, node, quote in _parsed(s):
        numbers = _numbers(quote)
        for const in _walk(node):
            v = const.value if isinstance(const, Const) else None
            if isinstance(v, dt.date) and not {v.day, v.month, v.year} <= numbers:
                yield path, Msg("problem.lint_td602_date", date=v), Msg("problem.lint_td602_date_hint")
            elif isinstance(v, int | float) and _is_number(v) and v not in (0, 1) and not _written(v, numbers):
                yield path, Msg("problem.lint_td602_number", number=v), Msg("problem.lint_td602_number_hint")


def bound_of_another_kind(s: Linted) -> Iterator[Finding]:
    for path, node, quote in _parsed(s):
        word = _bound_word(node, fold(quote).casefold())
        if word:
            yield path, Msg("problem.lint_td603", word=word[0], op=word[1]), Msg("problem.lint_td603_hint")


def _bound_word(node: Node, text: str) -> tuple[str, str] | None:
    """The first comparison whose bound the quote words the other way: (the quote's words, the operator)."""
    for cmp in _walk(node):
        if not isinstance(cmp, Compare) or cmp.op not in (">", ">=", "<", "<="):
            continue
        n = next((c.value for c in _walk(cmp.right) if isinstance(c, Const) and _is_number(c.value)), None)
        if n is None:
            continue
        for num in [f"{n:g}", f"{n * 100:g}"] if 0 < n < 1 else [f"{n:g}"]:
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
                return word, cmp.op
    return None


# lint's own entries of the registry (engine.model.checks): TD501 is `lint_catalogue`'s, over every campaign
LINT: tuple[Check[Linted], ...] = (
    Check(
        "TD101",
        "error",
        "plan text",
        "lint",
        ("problem.lint_td101_clause", "problem.lint_td101_quote"),
        "a rule, group, period, nomination, award or reward has an empty clause or quote",
        missing_citations,
    ),
    Check(
        "TD102",
        "error",
        "plan text",
        "lint",
        ("problem.lint_td102",),
        "a quote is not in the plan's text (names the closest passage)",
        quotes_not_found,
    ),
    Check(
        "TD202",
        "error",
        "structure",
        "lint",
        ("problem.lint_td202",),
        "a heads' group has no kind of the group it extends, so its rules never apply",
        heads_without_kinds,
    ),
    Check(
        "TD205",
        "warning",
        "structure",
        "lint",
        ("problem.lint_td205",),
        "a group is in no award's quotas: its eligible candidates are never proposed",
        group_without_award,
    ),
    Check(
        "TD216",
        "error",
        "compile",
        "lint",
        (
            "problem.lint_td216_contradict",
            "problem.lint_td216_never_has",
            "problem.lint_td216_never_has_unit",
            "problem.lint_td216_never_pass",
            "problem.lint_td216_never_clear",
        ),
        "a kind a group admits can never be eligible: no facts pass its required rules (a rule reads a figure that "
        "kind never has — `facts_for:` — or asks for a value the catalogue never allows, or rules contradict each "
        "other); names the group, kind, rule and clause",
        unwinnable,
    ),
    Check(
        "TD301",
        "error",
        "structure",
        "lint",
        ("problem.lint_td301",),
        "the nomination deadline falls before the campaign period ends",
        deadline_before_end,
    ),
    Check(
        "TD302",
        "error",
        "structure",
        "lint",
        ("problem.lint_td302_inverted", "problem.lint_td302_before_issue"),
        "the period starts after it ends, or ends before the plan is issued",
        period_out_of_order,
    ),
    Check(
        "TD303",
        "warning",
        "structure",
        "lint",
        ("problem.lint_td303_fixed", "problem.lint_td303_yearly"),
        "a yearly deadline in a one-off period, or a fixed date in a yearly one",
        deadline_of_another_period,
    ),
    Check(
        "TD304",
        "warning",
        "structure",
        "lint",
        ("problem.lint_td304",),
        "the deadline is more than a year after the period ends (a mistyped year?)",
        deadline_years_after,
    ),
    Check(
        "TD305",
        "warning",
        "structure",
        "lint",
        ("problem.lint_td305",),
        "the nomination does not record what a late file gets (`late:` — the plan's sentence, or the decision in a "
        "note)",
        late_not_recorded,
    ),
    Check(
        "TD306",
        "warning",
        "structure",
        "lint",
        ("problem.lint_td306",),
        "the nomination does not record which ways of sending a file count (`channels:`)",
        channels_not_recorded,
    ),
    Check(
        "TD501",
        "warning",
        "structure",
        "lint",
        ("problem.lint_td501",),
        "a catalogue fact no campaign reads (`thidua lint facts`)",
        None,
    ),
    Check(
        "TD601",
        "error",
        "plan text",
        "lint",
        ("problem.lint_td601",),
        "an optional criterion (`required: false`) without a note: the plan lists it, so the literal reading makes "
        "it required",
        optional_without_note,
    ),
    Check(
        "TD602",
        "warning",
        "plan text",
        "lint",
        ("problem.lint_td602_date", "problem.lint_td602_number"),
        'a number or date in a rule that its quote does not contain (0.10 matches "10%"), without a note',
        number_not_in_quote,
    ),
    Check(
        "TD603",
        "warning",
        "plan text",
        "lint",
        ("problem.lint_td603",),
        'the quote says "trên/hơn/quá/dưới N" or "ít nhất/tối thiểu/từ N" and the rule\'s bound is the other kind '
        '(`>=` for "trên"), without a note',
        bound_of_another_kind,
    ),
)
# the one registry: every code a finding can carry, the reader's and lint's, by code (docs/authoring.md's table)
REGISTRY: tuple[Check[Linted], ...] = tuple(sorted((*READER, *LINT), key=lambda c: c.code))
# code: (severity, title), for who asks by code
CODES: dict[str, tuple[str, str]] = {c.code: (c.severity, c.title) for c in REGISTRY}


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
