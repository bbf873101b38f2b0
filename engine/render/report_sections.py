"""The report's sections, each built from the evaluation and the allocation: the award lists, the
budget, the excluded and why (the verdict's why, `Decision`, read — never decided again), the
incomplete and what is missing, the chart of criteria met, every candidate in full."""

from __future__ import annotations

import dataclasses
from typing import Any

from engine.common import fmt
from engine.evaluate.allocate import Allocation, GroupAllocation, Ranked
from engine.evaluate.core import CandidateResult, Evaluation, RuleResult, SubmissionResult
from engine.explain.ranking import key_texts, outside_text, passed_text, shortfall_text
from engine.explain.reasons import SUBMISSION_LABELS, VERDICT_LABELS, Explainer, fmt_value
from engine.model.vocabulary import load_labels, words
from engine.render.award import checked_text, replacement_text
from engine.render.profile import Letterhead, same_body
from engine.render.report_model import (
    AuditNote,
    AwardBlock,
    AwardRow,
    Bar,
    Budget,
    BudgetLine,
    CandidateDetail,
    Chart,
    Citation,
    Excluded,
    Incomplete,
    ReasonCount,
    RuleLine,
)
from engine.render.text import late_note, short_reason

EXCLUDED = ("disqualified", "ineligible", "not_considered", "out_of_scope")


def place_of(res: CandidateResult, ev: Evaluation) -> str:
    c = res.candidate
    ref = c.unit or c.parent
    found = ev.facts.by_id.get(ref) if ref else None
    return found.name if found else ""


def kind_label(res: CandidateResult, lang: str) -> str:
    kind = res.candidate.kind
    return words(lang).section("kind").get(kind, kind)


def group_label(ev: Evaluation, res: CandidateResult, lang: str) -> str:
    return ev.campaign.model.groups[res.group].label.get(lang) if res.group else "—"


def award_block(alloc: Allocation, g: GroupAllocation, ex: Explainer, head: Letterhead, limit: int) -> AwardBlock:
    ev = alloc.evaluation
    lang = ex.lang
    m = ev.campaign.model
    awards = {a.id: a for a in m.awards}
    a = awards[g.award_id]
    keys = ev.campaign.ranking.get(g.group, [])
    labels = load_labels().lang(lang)
    first = next(x for x in alloc.groups if (x.award_id, x.group) == (g.award_id, g.group)) is g
    outside = [o for o in alloc.outside if (o.award_id, o.group) == (g.award_id, g.group)] if first else []

    def row(i: int, r: Ranked) -> AwardRow:
        return _award_row(alloc, g, i, r, ex)

    elsewhere = set(g.counted_elsewhere)
    names = {r.id: r.result.candidate.name for r in g.selected}
    authority = a.authority.get(lang)
    return AwardBlock(
        award=a.id,
        form=a.form.get(lang),
        authority=a.authority.get(lang),
        group=m.groups[g.group].label.get(lang),
        quota=fmt.number(g.quota, lang) if g.quota is not None else labels["no_quota"],
        pool=g.pool,
        chosen_from=awards[a.from_].form.get(lang) if a.from_ and a.from_ in awards else "",
        provisional=g.provisional,
        ranking=" → ".join(k.spec.label.get(lang) for k in keys),
        selected=[row(i, r) for i, r in enumerate((r for r in g.selected if r.id not in elsewhere), 1)],
        ties=[row(i, r) for i, r in enumerate(g.tie, 1)],
        slots_left=g.slots_left,
        reserve=[row(i, r) for i, r in enumerate(g.reserve[:limit], 1)],
        reserve_more=max(len(g.reserve) - limit, 0),
        proposed_here=not head.addressee or any(same_body(authority, x) for x in head.addressee),
        under=ev.facts.by_id[g.under].name if g.under in ev.facts.by_id else "",
        conditions="; ".join(f"{c.label.get(lang)} ({c.clause})" for c in a.conditions),
        standard=words(lang)["award.standard_own"] if a.standard == "own" else "",
        passed_over=[f"{p.result.candidate.name} — {passed_text(p, lang)}" for p in g.passed_over],
        outside=[o.result.candidate.name for o in outside],
        outside_reason=outside_text(outside[0].place, lang) if outside else "",
        counted_elsewhere=(
            labels["elsewhere"].format(
                award=f"{awards[a.instead_of].form.get(lang)} ({awards[a.instead_of].authority.get(lang)})",
                names=", ".join(names[x] for x in g.counted_elsewhere),
            )
            if g.counted_elsewhere and a.instead_of in awards
            else ""
        ),
    )


def _award_row(alloc: Allocation, g: GroupAllocation, i: int, r: Ranked, ex: Explainer) -> AwardRow:
    """One candidate on an award list: its place, its ranking keys, where it fell short, a late file."""
    ev, lang = alloc.evaluation, ex.lang
    shown = "; ".join(f"{label}: {text}" for label, _, text in key_texts(ev.campaign, g.group, r, lang))
    sf = shortfall_text(ev.campaign, g.group, r, lang)
    last = ev.facts.by_id.get(sf.last_selected) if sf else None  # named, not by id (issue 23.4)
    short = f"{sf.label}: {sf.mine} < {sf.theirs} ({last.name if last else sf.last_selected})" if sf else ""
    return AwardRow(
        no=i,
        id=r.id,
        name=r.result.candidate.name,
        unit=place_of(r.result, ev),
        position=r.result.candidate.position,
        rank=r.rank,
        amount=fmt.money(g.amount, lang) if alloc.budget_issue is None else "",
        amount_dong=g.amount if alloc.budget_issue is None else None,
        keys=shown,
        short_of=short,
        late=late_note(r.result, ex),
    )


def budget_of(alloc: Allocation, lang: str, labels: dict[str, str]) -> Budget:
    m = alloc.evaluation.campaign.model
    forms = {a.id: a.form.get(lang) for a in m.awards}
    cited = m.reward.decree if m.reward else ""
    if alloc.budget_issue is not None:
        return Budget(False, alloc.budget_text(lang), [], "", None, "", "", cited, "", False, cited)
    lines = [
        BudgetLine(
            form=forms[g.award_id],
            group=m.groups[g.group].label.get(lang),
            count=g.costed,
            amount=fmt.money(g.amount, lang),
            subtotal=fmt.money((g.amount or 0) * g.costed, lang),
            amount_dong=g.amount,
            subtotal_dong=(g.amount or 0) * g.costed,
            under=alloc.evaluation.facts.by_id[g.under].name if g.under in alloc.evaluation.facts.by_id else "",
            shown=bool(g.costed) or not g.under,
        )
        for g in alloc.groups
    ]
    p = next(iter(alloc.prices.values()), None)
    return Budget(
        available=True,
        error="",
        lines=lines,
        total=fmt.money(alloc.total, lang),
        total_dong=alloc.total,
        base_salary=fmt.money(p.base_salary, lang) if p else "",
        base_salary_source=p.base_salary_source if p else "",
        decree=p.decree if p else "",
        decision_date=fmt.day(alloc.decision_date),
        confirmed=all(x.confirmed for x in alloc.prices.values()),
        cited_decree=cited,
        replacement=replacement_text(alloc, lang),
        checked=checked_text(alloc, lang),
    )


class RuleLines:
    """Each rule result's `RuleLine`, made once: the exclusions and the appendix show the same
    results, and what a rule *is* (label, clause, quote, note) is the same for every candidate;
    results of one signature (`RuleResult.signature`) share their line."""

    def __init__(self, ex: Explainer):
        self.ex = ex
        self.made: dict[int, RuleLine] = {}  # by id() of a result, alive while the context is built
        self.signed: dict[Any, RuleLine] = {}  # by a result's signature
        self.words: dict[str, str] = {}  # rule id → label

    def __call__(self, rr: RuleResult) -> RuleLine:
        line = self.made.get(id(rr))
        if line is None:
            key = rr.signature()
            if key is None:
                line = self.made[id(rr)] = self._make(rr)
            else:
                line = self.signed.get(key)
                if line is None:
                    line = self.signed[key] = self._make(rr)
                self.made[id(rr)] = line
        return line

    def _make(self, rr: RuleResult) -> RuleLine:
        ex = self.ex
        spec = rr.rule.spec
        label = self.words.get(spec.id)
        if label is None:
            label = self.words[spec.id] = spec.label.get(ex.lang)
        values = "; ".join(
            f"{ex.cat.label(k, ex.lang)} = {fmt_value(v, k, ex.cat, ex.lang)}" for k, v in ex.values_read(rr).items()
        )
        return RuleLine(
            id=rr.id,
            kind=rr.rule.kind,
            label=label,
            clause=spec.clause,
            quote=spec.quote,
            outcome=rr.outcome,
            outcome_label=ex.outcome(rr.outcome),
            reason=ex.reason(rr),
            values=values,
        )


def audit_notes(
    ev: Evaluation, lang: str, excluded: list[Excluded], candidates: list[CandidateDetail]
) -> list[AuditNote]:
    """The interpretation notes of the rules the document cites, in the campaign's order: the
    annex's, never the body's (issue 23.4)."""
    cited = {x.id for e in excluded for x in e.reasons} | {x.id for c in candidates for x in c.rules}
    out = []
    m = ev.campaign.model
    for spec in (*m.criteria, *m.disqualifiers):
        if spec.id in cited and spec.note:
            out.append(AuditNote(spec.id, spec.clause, spec.label.get(lang), " ".join(spec.note.get(lang).split())))
    return out


def by_reason(excluded: list[Excluded]) -> list[ReasonCount]:
    counts: dict[tuple[str, str, str], int] = {}
    for e in excluded:
        for key in dict.fromkeys((x.clause, x.label, e.verdict_label) for x in e.reasons):
            counts[key] = counts.get(key, 0) + 1
    return [ReasonCount(c, label, v, n) for (c, label, v), n in counts.items()]


def citations_of(excluded: list[Excluded]) -> list[Citation]:
    """Each (clause, label, quote) the exclusions cite, once: the list gives the clause and the
    reason per candidate, and the plan's sentence below it — not once per candidate."""
    seen: dict[tuple[str, str, str], Citation] = {}
    for e in excluded:
        for x in e.reasons:
            if x.quote:
                seen.setdefault((x.clause, x.label, x.quote), Citation(x.clause, x.label, x.quote))
    return list(seen.values())


def excluded_list(ev: Evaluation, ex: Explainer, lines: RuleLines) -> list[Excluded]:
    """The candidates excluded, each with the reasons its verdict gives (`Decision`): the exclusions
    that apply, the required criteria that fail, the nomination file, or the scope."""
    out: list[Excluded] = []
    lang = ex.lang
    for res in ev.results:
        if res.verdict not in EXCLUDED:
            continue
        why = res.decision
        reasons: list[RuleLine] = []
        if res.verdict == "disqualified":
            reasons = [lines(r) for r in why.triggered]
        elif res.verdict == "ineligible":
            reasons = [lines(r) for r in why.failed]
        elif res.verdict == "not_considered" and why.submission is not None:
            reasons = [_nomination_line(why.submission, ex)]
        else:
            reasons = _scope_lines(res, ev, ex)
        out.append(
            Excluded(
                no=len(out) + 1,
                id=res.id,
                name=res.candidate.name,
                group=group_label(ev, res, lang) if res.group else kind_label(res, lang),
                verdict=res.verdict,
                verdict_label=VERDICT_LABELS[lang][res.verdict],
                reasons=reasons,
            )
        )
    return out


def _nomination_line(sub: SubmissionResult, ex: Explainer) -> RuleLine:
    """The nomination file as the reason a candidate is not considered."""
    lang = ex.lang
    return RuleLine(
        "nomination",
        "nomination",
        load_labels().lang(lang)["submission"],
        sub.clause,
        sub.quote,
        sub.outcome,
        SUBMISSION_LABELS[lang][sub.outcome],
        ex.submission_reason(sub),
        "",
    )


def _scope_lines(res: CandidateResult, ev: Evaluation, ex: Explainer) -> list[RuleLine]:
    """Why a candidate is out of scope, quoting the plan: its workplace or parent limit, else who
    the plan's groups are (out of scope by kind)."""
    lang = ex.lang
    m = ev.campaign.model

    def line(label: str, clause: str, quote: str) -> RuleLine:
        out = VERDICT_LABELS[lang]["out_of_scope"]
        return RuleLine("scope", "scope", label, clause, quote, "out_of_scope", out, one_line_reason(res, ev, ex), "")

    if res.scope.quote:  # out of scope by a workplace or parent limit: quote it
        g = m.groups[ev.campaign.base_group(res.candidate.group, res.candidate.kind) or ""]
        return [line(g.label.get(lang), res.scope.clause, res.scope.quote)]
    return [
        line(g.label.get(lang), g.clause, g.quote)
        for g in m.groups.values()
        if g.candidates == res.candidate.group and not g.heads_only
    ]


def one_line_reason(res: CandidateResult, ev: Evaluation, ex: Explainer) -> str:
    """The one-line reason, naming a workplace or parent by its name rather than its id (a document
    to sign holds no ids, issue 23.4)."""
    scope = res.scope
    if res.verdict == "out_of_scope" and scope.found_kind and scope.detail in ev.facts.by_id:
        named = dataclasses.replace(scope, detail=ev.facts.by_id[scope.detail].name)
        return ex.scope_reason(named, res.candidate.kind)
    return short_reason(res, ex)


def incomplete_list(ev: Evaluation, ex: Explainer) -> list[Incomplete]:
    out: list[Incomplete] = []
    for res in ev.results:
        if res.verdict != "incomplete":
            continue
        why = res.decision
        missing: list[str] = []
        for m in why.missing:
            for k in m.facts:
                label = ex.cat.label(k, ex.lang)
                if m.result.rule.spec.scope == "unit" and not m.result.has_unit:  # the unit is not in the file
                    label = f"{label} ({ex.t['no_unit']})"
                if label not in missing:
                    missing.append(label)
        note = why.file_note
        other = f"{ex.submission_reason(note)} ({note.clause})" if note is not None else ""
        out.append(
            Incomplete(
                no=len(out) + 1,
                id=res.id,
                name=res.candidate.name,
                group=group_label(ev, res, ex.lang),
                missing=missing,
                other=other,
            )
        )
    return out


CHART_WIDTH, CHART_LEFT, ROW = 640, 8, 30


def chart_of(ev: Evaluation, lang: str) -> Chart:
    stats: dict[str, list[Any]] = {}
    for res in ev.results:
        if res.group is None:
            continue
        for r in res.criteria:
            entry = stats.setdefault(r.id, [r.rule.spec, 0, 0])
            if r.outcome != "not_applicable":
                entry[2] += 1
                if r.outcome == "pass":
                    entry[1] += 1
    order = [c.id for c in ev.campaign.model.criteria if c.id in stats]
    most = max((stats[i][2] for i in order), default=0) or 1
    span = CHART_WIDTH - CHART_LEFT - 80
    bars = []
    for n, rid in enumerate(order):
        spec, met, assessed = stats[rid]
        bars.append(
            Bar(
                label=spec.label.get(lang),
                clause=spec.clause,
                met=met,
                assessed=assessed,
                y=n * ROW,
                width=round(span * met / most, 1),
                full=round(span * assessed / most, 1),
            )
        )
    return Chart(CHART_WIDTH, max(len(bars), 1) * ROW + 4, CHART_LEFT, bars)


def detail_of(i: int, res: CandidateResult, ev: Evaluation, ex: Explainer, lines: RuleLines) -> CandidateDetail:
    sub = ""
    if res.submission is not None and res.submission.outcome != "not_checked":
        sub = (
            f"{SUBMISSION_LABELS[ex.lang][res.submission.outcome]}: {ex.submission_reason(res.submission)} "
            f"({res.submission.clause})"
        )
    return CandidateDetail(
        no=i,
        id=res.id,
        name=res.candidate.name,
        group=group_label(ev, res, ex.lang),
        kind=res.candidate.kind,
        kind_label=kind_label(res, ex.lang),
        unit=place_of(res, ev),
        verdict=res.verdict,
        verdict_label=VERDICT_LABELS[ex.lang][res.verdict],
        summary=one_line_reason(res, ev, ex),
        submission=sub,
        rules=[lines(r) for r in [*res.criteria, *res.disqualifiers]],
    )
