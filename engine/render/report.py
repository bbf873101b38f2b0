"""The printable report: an `Evaluation` and its `Allocation` as HTML, Markdown or XLSX.

Stage `render` of the pipeline for people who print. `build_context` turns the results into
one typed object, `ReportContext` — the template context contract: every field is documented
(the `doc` of each dataclass field; docs/report-context.md is generated from them), the
templates in templates/ read nothing else, and tests/test_report.py fails when a template uses
an undocumented field or a documented one disappears. Templates hold no words: headings come
from templates/vocabulary.yaml, fact labels from the catalogue, rule labels and clauses from the
campaign. Output is deterministic — the dates printed come from the facts file, never the clock.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import __version__
from engine.common import fmt
from engine.evaluate.allocate import Allocation, GroupAllocation, Ranked
from engine.evaluate.core import CandidateResult, Evaluation, RuleResult
from engine.explain.ranking import key_texts, outside_text, passed_text, shortfall_text
from engine.explain.reasons import SUBMISSION_LABELS, VERDICT_LABELS, Explainer, fmt_value
from engine.model.vocabulary import TEMPLATES, load_labels, words
from engine.render.award import checked_text, replacement_text
from engine.render.profile import DocumentProfile, Letterhead, letterhead, same_body
from engine.render.text import late_note, md_escape, short_reason

EXCLUDED = ("disqualified", "ineligible", "not_considered", "out_of_scope")


def doc(text: str) -> dict[str, str]:
    """A context field's documentation (the documentation is the contract)."""
    return {"doc": text}


# ---------------------------------------------------------------- the context contract


@dataclass(frozen=True)
class CampaignInfo:
    """The plan the report checks against."""

    id: str = field(metadata=doc("campaign id, e.g. ninh_thuan_2020"))
    title: str = field(metadata=doc("the campaign's title in the report's language"))
    issuer: str = field(metadata=doc("the body that issued the plan (cơ quan ban hành), as written"))
    document: str = field(metadata=doc("kind and number of the plan, e.g. 'Kế hoạch 288/KH-UBND'"))
    date: str = field(metadata=doc("the plan's date, dd/mm/yyyy (or mm/yyyy, yyyy when the day is blank)"))
    dated: str = field(
        metadata=doc("the plan's date as a document cites it: 'ngày 06/02/2020', 'tháng 03/2025', 'năm 2024'")
    )
    place: str = field(metadata=doc("the place named in the plan's place-date line (địa danh)"))


@dataclass(frozen=True)
class SummaryRow:
    verdict: str = field(metadata=doc("verdict key (CONTRACT.md): eligible, incomplete, …"))
    label: str = field(metadata=doc("the verdict's label in the report's language"))
    count: int = field(metadata=doc("how many candidates got it"))


@dataclass(frozen=True)
class AwardRow:
    """One candidate in an award list, a tie or a reserve."""

    no: int = field(metadata=doc("1-based position in its list"))
    id: str = field(metadata=doc("candidate id"))
    name: str = field(metadata=doc("candidate name (escaped by the HTML template, never trusted)"))
    unit: str = field(metadata=doc("the person's unit, or the unit's parent; '' when none"))
    position: str = field(metadata=doc("a person's position (chức vụ) from the facts file; '' when none or a unit"))
    rank: int = field(metadata=doc("rank in the group's ranking; equal keys share a rank"))
    amount: str = field(metadata=doc("reward amount for one award, formatted (1.490.000); '' when not computed"))
    amount_dong: int | None = field(metadata=doc("the same amount as a number of đồng (XLSX); None when not computed"))
    keys: str = field(metadata=doc("the ranking values this candidate has, 'label: value; …'"))
    short_of: str = field(
        metadata=doc("for a reserve: the ranking key where it fell short of the last selected; else ''")
    )
    late: str = field(
        default="",
        metadata=doc(
            "its nomination file was late but the plan does not exclude late files (nomination.late): "
            "the reason in words with the clause; else ''"
        ),
    )


@dataclass(frozen=True)
class AwardBlock:
    """One award for one group: the list within the quota, the tie at the cut-off, the reserve."""

    award: str = field(metadata=doc("award id"))
    form: str = field(metadata=doc("the award's form, e.g. Bằng khen"))
    authority: str = field(metadata=doc("who grants it"))
    group: str = field(metadata=doc("the group's label, e.g. Tập thể"))
    quota: str = field(metadata=doc("the quota as printed: a number, or the words for 'none set'"))
    pool: int = field(metadata=doc("candidates competing for it (eligible, or the earlier stage's selection)"))
    chosen_from: str = field(metadata=doc("for a later stage: the earlier award's form; else ''"))
    provisional: bool = field(metadata=doc("the earlier stage left a tie undecided: this list is not final"))
    ranking: str = field(metadata=doc("the ranking keys, in order, joined by ' → '; '' when none is declared"))
    selected: list[AwardRow] = field(
        metadata=doc(
            "proposed for the award and costed on this list, in rank order (one proposed for the award "
            "it receives instead is named in `counted_elsewhere`, not listed twice)"
        )
    )
    ties: list[AwardRow] = field(metadata=doc("tied across the quota line: for the council to decide"))
    slots_left: int = field(metadata=doc("slots the tie competes for"))
    reserve: list[AwardRow] = field(
        metadata=doc("eligible but below the quota line, in rank order: the first N (profile `reserve`, default 10)")
    )
    reserve_more: int = field(
        metadata=doc("reserve candidates beyond those listed ('và N trường hợp khác'); 0 when none")
    )
    proposed_here: bool = field(
        metadata=doc(
            "granted by the Tờ trình's addressee (proposed in its body); False: another authority's award, "
            "its list attached for the addressee to forward"
        )
    )
    under: str = field(metadata=doc("a per-unit award (`scope.per`): the name of the unit whose list this is; else ''"))
    conditions: str = field(metadata=doc("the award's own conditions, 'label (clause); …'; '' when none"))
    standard: str = field(metadata=doc("'' or, for `standard: own`, the words saying the verdict is not its standard"))
    passed_over: list[str] = field(
        metadata=doc("candidates of the pool not proposed: 'name — the own condition not met'")
    )
    outside: list[str] = field(
        metadata=doc("on the first list of a per-unit award and group: the names of those under no such unit")
    )
    outside_reason: str = field(metadata=doc("why those are outside: the scope in words; '' when none"))
    counted_elsewhere: str = field(
        metadata=doc(
            "'' or the words naming who of this list is proposed for (and costed under) the award received instead"
        )
    )


@dataclass(frozen=True)
class BudgetLine:
    form: str = field(metadata=doc("award form"))
    group: str = field(metadata=doc("group label"))
    count: int = field(metadata=doc("awards the line pays for: those proposed, less any costed under `instead_of`"))
    amount: str = field(metadata=doc("amount for one award, formatted"))
    subtotal: str = field(metadata=doc("count × amount, formatted"))
    amount_dong: int | None = field(metadata=doc("the amount as a number of đồng (XLSX)"))
    subtotal_dong: int | None = field(metadata=doc("the subtotal as a number of đồng (XLSX)"))
    under: str = field(metadata=doc("a per-unit award: the name of the unit whose list it is; else ''"))
    shown: bool = field(
        metadata=doc(
            "whether the budget table prints the line: a per-unit list that pays for no one is left out "
            "(its candidates are costed under another award); every other line is printed"
        )
    )


@dataclass(frozen=True)
class Budget:
    """The reward money the proposed list needs (engine.evaluate.allocate, campaigns/rewards.yaml)."""

    available: bool = field(metadata=doc("False when the amount cannot be computed; `error` says why"))
    error: str = field(metadata=doc("why the budget is unavailable; '' otherwise"))
    lines: list[BudgetLine] = field(
        metadata=doc(
            "one line per award list, in the order of `awards` (a per-unit list whose one candidate is costed "
            "elsewhere has a line of 0: the HTML and Markdown leave it out)"
        )
    )
    total: str = field(metadata=doc("the total, formatted in đồng"))
    total_dong: int | None = field(metadata=doc("the total as a number of đồng (XLSX); None when unavailable"))
    base_salary: str = field(metadata=doc("the statutory base salary used, formatted"))
    base_salary_source: str = field(metadata=doc("the decree that set that base salary"))
    decree: str = field(
        metadata=doc("the decree the amounts are computed under: in force on the decision date (else the plan's)")
    )
    decision_date: str = field(metadata=doc("the date the amounts are computed for, dd/mm/yyyy"))
    confirmed: bool = field(
        metadata=doc("whether the coefficients, the collective multiplier and the rounding were checked")
    )
    cited_decree: str = field(default="", metadata=doc("the reward decree the plan cites; '' when it cites none"))
    replacement: str = field(
        default="",
        metadata=doc("why `decree` is not the one the plan cites (it was replaced), a sentence; '' when it is"),
    )
    checked: str = field(
        default="", metadata=doc("the parts checked against the decree's text, with their articles; '' for none")
    )


@dataclass(frozen=True)
class RuleLine:
    """One rule's outcome for one candidate, with its clause and quote."""

    id: str = field(metadata=doc("rule id"))
    kind: str = field(metadata=doc("'criterion' or 'disqualifier'"))
    label: str = field(metadata=doc("the rule's label in the report's language"))
    clause: str = field(metadata=doc("the plan's clause, e.g. II.2.a"))
    quote: str = field(metadata=doc("the plan's sentence, as written"))
    outcome: str = field(metadata=doc("outcome key: pass, fail, unknown, waived, not_applicable, triggered, clear"))
    outcome_label: str = field(metadata=doc("the outcome in words"))
    reason: str = field(metadata=doc("why, and for a failure what would have to hold"))
    values: str = field(metadata=doc("the facts the rule read, 'label = value; …'"))


@dataclass(frozen=True)
class ReasonCount:
    """How many candidates one reason excludes: the short report's summary of the exclusions."""

    clause: str = field(metadata=doc("the plan's clause (or the nomination's, the group's)"))
    label: str = field(metadata=doc("the rule's label"))
    verdict_label: str = field(metadata=doc("the verdict it leads to, in words"))
    count: int = field(metadata=doc("candidates it excludes (one excluded for two reasons counts under both)"))


@dataclass(frozen=True)
class Citation:
    """A sentence of the plan that the list of exclusions cites: printed once under the list."""

    clause: str = field(metadata=doc("the plan's clause, e.g. II.2.a"))
    label: str = field(metadata=doc("the rule's (or the nomination's, the group's) label"))
    quote: str = field(metadata=doc("the plan's sentence, as written"))


@dataclass(frozen=True)
class Excluded:
    """A candidate that will not be proposed, and why."""

    no: int = field(metadata=doc("1-based position"))
    id: str = field(metadata=doc("candidate id"))
    name: str = field(metadata=doc("candidate name"))
    group: str = field(metadata=doc("the group it competes in, or its kind in words when out of scope"))
    verdict: str = field(metadata=doc("verdict key"))
    verdict_label: str = field(metadata=doc("the verdict in words"))
    reasons: list[RuleLine] = field(metadata=doc("the rules (or the nomination clause) that exclude it"))


@dataclass(frozen=True)
class Incomplete:
    """A candidate nothing rules out yet, with the facts still missing."""

    no: int = field(metadata=doc("1-based position"))
    id: str = field(metadata=doc("candidate id"))
    name: str = field(metadata=doc("candidate name"))
    group: str = field(metadata=doc("group label"))
    missing: list[str] = field(metadata=doc("the missing facts, by their catalogue labels"))
    other: str = field(metadata=doc("anything else undecided (the nomination file's date); '' when none"))


@dataclass(frozen=True)
class Bar:
    """One criterion in the chart; geometry is worked out here so the SVG template only draws."""

    label: str = field(metadata=doc("the criterion's label"))
    clause: str = field(metadata=doc("its clause"))
    met: int = field(metadata=doc("candidates that met it"))
    assessed: int = field(metadata=doc("candidates it applied to"))
    y: int = field(metadata=doc("top of this bar's row, in SVG units"))
    width: float = field(metadata=doc("bar length in SVG units (met / the largest count assessed)"))
    full: float = field(metadata=doc("length of the 'assessed' track in SVG units"))


@dataclass(frozen=True)
class Chart:
    width: int = field(metadata=doc("SVG viewBox width"))
    height: int = field(metadata=doc("SVG viewBox height"))
    left: int = field(metadata=doc("x where the bars start"))
    bars: list[Bar] = field(metadata=doc("one per criterion, in the plan's order"))


@dataclass(frozen=True)
class CandidateDetail:
    """Everything about one candidate, for the appendix and the verdict sheet."""

    no: int = field(metadata=doc("1-based position in the facts file's order"))
    id: str = field(metadata=doc("candidate id"))
    name: str = field(metadata=doc("candidate name"))
    group: str = field(metadata=doc("group label, or '—' when out of scope"))
    kind: str = field(metadata=doc("kind key"))
    kind_label: str = field(metadata=doc("the kind in words (templates/vocabulary.yaml, section kind)"))
    unit: str = field(metadata=doc("the person's unit or the unit's parent, by name; '' when none"))
    verdict: str = field(metadata=doc("verdict key"))
    verdict_label: str = field(metadata=doc("the verdict in words"))
    summary: str = field(metadata=doc("the one thing to read first about the verdict"))
    submission: str = field(metadata=doc("the nomination check in words; '' when not checked"))
    rules: list[RuleLine] = field(metadata=doc("every rule for this candidate"))


@dataclass(frozen=True)
class AuditId:
    """A name in the document's lists and the id it has in the facts file (the annex only)."""

    name: str = field(metadata=doc("the candidate's name as the lists print it"))
    id: str = field(metadata=doc("its id in the facts file"))


@dataclass(frozen=True)
class AuditNote:
    """How the campaign file reads a clause the document cites: its interpretation note (the annex only)."""

    id: str = field(metadata=doc("rule id"))
    clause: str = field(metadata=doc("the plan's clause"))
    label: str = field(metadata=doc("the rule's label"))
    note: str = field(metadata=doc("the encoding's interpretation note: what the text says, what the rule does, why"))


@dataclass(frozen=True)
class Audit:
    """What the report was made from, so anyone can re-create it exactly (issue 23: the audit trail is
    an annex after Nơi nhận, never the body of the document to sign)."""

    version: str = field(metadata=doc("the thidua version that made the report"))
    campaign: str = field(metadata=doc("campaign id"))
    campaign_file: str = field(metadata=doc("the campaign file's name (its SHA-256 identifies the content)"))
    campaign_sha256: str = field(metadata=doc("SHA-256 of the campaign file"))
    facts_file: str = field(metadata=doc("the facts files' names, '; ' between (the SHA-256 identifies the content)"))
    facts_sha256: str = field(
        metadata=doc(
            "SHA-256 of the facts file; of several, of their sha256sum listing (engine.model.facts.inputs_sha)"
        )
    )
    as_of: str = field(metadata=doc("evaluation date, dd/mm/yyyy"))
    decision_date: str = field(metadata=doc("date used for the reward money, dd/mm/yyyy"))
    backend: str = field(metadata=doc("the evaluation backend: native or durable"))
    ids: list[AuditId] = field(metadata=doc("the ids of the candidates the lists name, in the lists' order"))
    notes: list[AuditNote] = field(
        metadata=doc("the interpretation notes of the rules the document cites (every rule's with the appendix)")
    )


@dataclass(frozen=True)
class ReportContext:
    """The object every report template receives as its only variable, `r`."""

    lang: str = field(metadata=doc("'vi' or 'en'"))
    labels: dict[str, str] = field(metadata=doc("the report's fixed words (templates/vocabulary.yaml, section report)"))
    campaign: CampaignInfo = field(metadata=doc("the plan"))
    issuer: str = field(metadata=doc("the plan's issuing body, upper-case (the document's own is `head.office`)"))
    head: Letterhead = field(
        metadata=doc("the document's head and foot (Decree 30/2020): office, number, date, Kính gửi, signer, Nơi nhận")
    )
    appendix: bool = field(
        metadata=doc("whether the appendix (every candidate in full) is printed: opt-in, `--appendix`")
    )
    place: str = field(metadata=doc("the place for the place-date line"))
    as_of: str = field(metadata=doc("evaluation date, dd/mm/yyyy (from the facts file or --as-of)"))
    deadline: str = field(metadata=doc("the nomination deadline, dd/mm/yyyy, or the event it is tied to; '' when none"))
    round: str = field(metadata=doc("the round (year) judged, for a campaign judged every year; '' otherwise"))
    summary: list[SummaryRow] = field(
        metadata=doc("count per verdict, in the contract's order (only verdicts that occur)")
    )
    total: int = field(metadata=doc("number of candidates"))
    awards: list[AwardBlock] = field(metadata=doc("the award lists, one per award and group"))
    budget: Budget = field(metadata=doc("the reward money"))
    excluded: list[Excluded] = field(
        metadata=doc("candidates excluded, and why (all: the XLSX lists them; the documents name the first `listed`)")
    )
    listed: int = field(
        metadata=doc("how many of the excluded, and of the incomplete, the documents name: 30, or all with --appendix")
    )
    excluded_more: int = field(metadata=doc("excluded candidates beyond those listed; 0 when all are"))
    excluded_by_reason: list[ReasonCount] = field(
        metadata=doc("how many each reason excludes, in order of first use (all the excluded, listed or not)")
    )
    excluded_citations: list[Citation] = field(
        metadata=doc("the plan's sentences the exclusions cite, each once, in order of first use")
    )
    incomplete: list[Incomplete] = field(
        metadata=doc("candidates with facts missing (all; the documents name the first `listed`)")
    )
    incomplete_more: int = field(metadata=doc("candidates with facts missing beyond those listed; 0 when all are"))
    chart: Chart = field(metadata=doc("how many candidates met each criterion"))
    candidates: list[CandidateDetail] = field(
        metadata=doc("every candidate in full (the appendix, and the XLSX's sheet of every verdict)")
    )
    audit: Audit = field(
        metadata=doc("what the report was made from: version, files and their SHA-256, dates, backend")
    )


CONTEXT_TYPES: tuple[type, ...] = (
    ReportContext,
    Letterhead,
    Audit,
    AuditId,
    AuditNote,
    CampaignInfo,
    SummaryRow,
    AwardBlock,
    AwardRow,
    Budget,
    BudgetLine,
    Excluded,
    Citation,
    ReasonCount,
    Incomplete,
    RuleLine,
    Chart,
    Bar,
    CandidateDetail,
)


def context_doc() -> str:
    """docs/report-context.md: the contract, generated from the field docs."""
    lines = [
        "# The report's template context",
        "",
        "Generated from `engine/render/report.py` by `python tests/golden/regenerate.py`; do not edit.",
        "Each template in `templates/` receives one variable, `r`, a `ReportContext`.",
        "A test fails when a template uses a field not listed here, or a field listed here disappears.",
        "",
    ]
    for t in CONTEXT_TYPES:
        lines += [f"## {t.__name__}", ""]
        if t.__doc__ and not t.__doc__.startswith(t.__name__ + "("):
            lines += [" ".join(t.__doc__.split()), ""]
        lines += ["| field | type | meaning |", "|---|---|---|"]
        for f in dataclasses.fields(t):
            lines.append(f"| `{f.name}` | `{f.type}` | {f.metadata['doc']} |")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- building it


def build_context(
    ev: Evaluation,
    alloc: Allocation,
    lang: str = "vi",
    profile: DocumentProfile | None = None,
    appendix: bool = False,
) -> ReportContext:
    """The report's one context: every format (HTML, Markdown, XLSX, DOCX, PDF) reads this, nothing else."""
    labels = load_labels().lang(lang)
    ex = Explainer(ev.campaign, lang)
    m = ev.campaign.model
    d = m.document
    info = CampaignInfo(
        id=m.id,
        title=m.title.get(lang),
        issuer=d.issuer,
        document=f"{d.kind} {d.number or '…'}",
        date=d.date_text,
        dated=labels[f"dated_{d.precision}"].format(date=d.date_text),
        place=d.place,
    )
    counts = {v: 0 for v in VERDICT_LABELS["en"]}
    for res in ev.results:
        counts[res.verdict] += 1
    summary = [SummaryRow(v, VERDICT_LABELS[lang][v], n) for v, n in counts.items() if n]
    lines = _RuleLines(ex)
    excluded = _excluded(ev, ex, lines)
    deadline = ""
    dl = m.nomination.deadline
    if dl.date or dl.yearly or ev.deadline:
        from engine.evaluate.core import campaign_deadline

        deadline = fmt.day(campaign_deadline(ev.campaign, ev.round_year, ev.deadline))
    elif dl.event is not None:
        deadline = dl.event.get(lang)
    head = letterhead(d, [a.authority.get(lang) for a in m.awards], profile, lang)
    limit = profile.reserve if profile is not None and profile.reserve is not None else RESERVE_LIMIT
    blocks = [_award_block(alloc, g, ex, head, limit) for g in alloc.groups]
    budget = _budget(alloc, lang, labels)
    # a per-unit award prints only the lists with someone in them; its budget lines go with them
    kept = [i for i, b in enumerate(blocks) if not b.under or b.selected or b.ties or b.reserve or b.counted_elsewhere]
    awards = [blocks[i] for i in kept]
    if budget.available:
        budget = dataclasses.replace(budget, lines=[budget.lines[i] for i in kept])
    candidates = [_detail(i, res, ev, ex, lines) for i, res in enumerate(ev.results, 1)]
    incomplete = _incomplete(ev, ex)
    cap = max(len(excluded), len(incomplete)) if appendix else LIST_LIMIT
    return ReportContext(
        lang=lang,
        labels=labels,
        campaign=info,
        issuer=d.issuer.upper(),
        head=head,
        appendix=appendix,
        place=d.place,
        as_of=fmt.day(ev.as_of),
        deadline=deadline,
        round=str(ev.round) if ev.round is not None else "",
        summary=summary,
        total=len(ev.results),
        awards=awards,
        budget=budget,
        excluded=excluded,
        listed=cap,
        excluded_more=max(len(excluded) - cap, 0),
        excluded_by_reason=_by_reason(excluded),
        excluded_citations=_citations(excluded),
        incomplete=incomplete,
        incomplete_more=max(len(incomplete) - cap, 0),
        chart=_chart(ev, lang),
        candidates=candidates,
        audit=Audit(
            version=__version__,
            campaign=ev.campaign.id,
            campaign_file=Path(ev.campaign.file).name,
            campaign_sha256=ev.campaign.sha256,
            facts_file="; ".join(Path(name).name for name, _ in ev.facts.inputs) or Path(ev.facts.file).name,
            facts_sha256=ev.facts.sha256,
            as_of=fmt.day(ev.as_of),
            decision_date=fmt.day(alloc.decision_date),
            backend=ev.backend,
            ids=[AuditId(r.name, r.id) for a in awards for r in (*a.selected, *a.ties, *a.reserve)],
            notes=_notes(ev, lang, excluded, candidates if appendix else []),
        ),
    )


def _place_of(res: CandidateResult, ev: Evaluation) -> str:
    c = res.candidate
    ref = c.unit or c.parent
    found = ev.facts.by_id.get(ref) if ref else None
    return found.name if found else ""


def _kind_label(res: CandidateResult, lang: str) -> str:
    kind = res.candidate.kind
    return words(lang).section("kind").get(kind, kind)


def _group_label(ev: Evaluation, res: CandidateResult, lang: str) -> str:
    return ev.campaign.model.groups[res.group].label.get(lang) if res.group else "—"


RESERVE_LIMIT = 10  # reserve candidates listed per award list; the profile's `reserve` sets it
LIST_LIMIT = 30  # excluded, and incomplete, candidates the short report names (all with --appendix)


def _award_block(alloc: Allocation, g: GroupAllocation, ex: Explainer, head: Letterhead, limit: int) -> AwardBlock:
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
        shown = "; ".join(f"{label}: {text}" for label, _, text in key_texts(ev.campaign, g.group, r, lang))
        sf = shortfall_text(ev.campaign, g.group, r, lang)
        last = ev.facts.by_id.get(sf.last_selected) if sf else None  # named, not by id (issue 23.4)
        short = f"{sf.label}: {sf.mine} < {sf.theirs} ({last.name if last else sf.last_selected})" if sf else ""
        return AwardRow(
            no=i,
            id=r.id,
            name=r.result.candidate.name,
            unit=_place_of(r.result, ev),
            position=r.result.candidate.position,
            rank=r.rank,
            amount=fmt.money(g.amount, lang) if alloc.budget_issue is None else "",
            amount_dong=g.amount if alloc.budget_issue is None else None,
            keys=shown,
            short_of=short,
            late=late_note(r.result, ex),
        )

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


def _budget(alloc: Allocation, lang: str, labels: dict[str, str]) -> Budget:
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


class _RuleLines:
    """Each rule result's `RuleLine`, made once: the exclusions and the appendix show the same
    results, and what a rule *is* (label, clause, quote, note) is the same for every candidate."""

    def __init__(self, ex: Explainer):
        self.ex = ex
        self.made: dict[int, RuleLine] = {}  # by id() of a result, alive while the context is built
        self.words: dict[str, str] = {}  # rule id → label

    def __call__(self, rr: RuleResult) -> RuleLine:
        line = self.made.get(id(rr))
        if line is None:
            line = self.made[id(rr)] = self._make(rr)
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


def _notes(ev: Evaluation, lang: str, excluded: list[Excluded], candidates: list[CandidateDetail]) -> list[AuditNote]:
    """The interpretation notes of the rules the document cites, in the campaign's order: the
    annex's, never the body's (issue 23.4)."""
    cited = {x.id for e in excluded for x in e.reasons} | {x.id for c in candidates for x in c.rules}
    out = []
    m = ev.campaign.model
    for spec in (*m.criteria, *m.disqualifiers):
        if spec.id in cited and spec.note:
            out.append(AuditNote(spec.id, spec.clause, spec.label.get(lang), " ".join(spec.note.get(lang).split())))
    return out


def _by_reason(excluded: list[Excluded]) -> list[ReasonCount]:
    counts: dict[tuple[str, str, str], int] = {}
    for e in excluded:
        for key in dict.fromkeys((x.clause, x.label, e.verdict_label) for x in e.reasons):
            counts[key] = counts.get(key, 0) + 1
    return [ReasonCount(c, label, v, n) for (c, label, v), n in counts.items()]


def _citations(excluded: list[Excluded]) -> list[Citation]:
    """Each (clause, label, quote) the exclusions cite, once: the list gives the clause and the
    reason per candidate, and the plan's sentence below it — not once per candidate."""
    seen: dict[tuple[str, str, str], Citation] = {}
    for e in excluded:
        for x in e.reasons:
            if x.quote:
                seen.setdefault((x.clause, x.label, x.quote), Citation(x.clause, x.label, x.quote))
    return list(seen.values())


def _excluded(ev: Evaluation, ex: Explainer, lines: _RuleLines) -> list[Excluded]:
    out: list[Excluded] = []
    m = ev.campaign.model
    lang = ex.lang
    for res in ev.results:
        if res.verdict not in EXCLUDED:
            continue
        reasons: list[RuleLine] = []
        if res.verdict == "disqualified":
            reasons = [lines(r) for r in res.decision.triggered]
        elif res.verdict == "ineligible":
            reasons = [lines(r) for r in res.decision.failed]
        elif res.verdict == "not_considered" and res.submission is not None:
            reasons = [
                RuleLine(
                    "nomination",
                    "nomination",
                    load_labels().lang(lang)["submission"],
                    res.submission.clause,
                    res.submission.quote,
                    res.submission.outcome,
                    SUBMISSION_LABELS[lang][res.submission.outcome],
                    ex.submission_reason(res.submission),
                    "",
                )
            ]
        elif res.scope is not None and res.scope.quote:  # out of scope by a workplace or parent limit: quote it
            g = m.groups[ev.campaign.base_group(res.candidate.group, res.candidate.kind) or ""]
            reasons.append(
                RuleLine(
                    "scope",
                    "scope",
                    g.label.get(lang),
                    res.scope.clause,
                    res.scope.quote,
                    "out_of_scope",
                    VERDICT_LABELS[lang]["out_of_scope"],
                    _reason(res, ev, ex),
                    "",
                )
            )
        else:  # out of scope by kind: quote who the plan's groups are
            for g in m.groups.values():
                if g.candidates == res.candidate.group and not g.heads_only:
                    reasons.append(
                        RuleLine(
                            "scope",
                            "scope",
                            g.label.get(lang),
                            g.clause,
                            g.quote,
                            "out_of_scope",
                            VERDICT_LABELS[lang]["out_of_scope"],
                            _reason(res, ev, ex),
                            "",
                        )
                    )
        out.append(
            Excluded(
                no=len(out) + 1,
                id=res.id,
                name=res.candidate.name,
                group=_group_label(ev, res, lang) if res.group else _kind_label(res, lang),
                verdict=res.verdict,
                verdict_label=VERDICT_LABELS[lang][res.verdict],
                reasons=reasons,
            )
        )
    return out


def _reason(res: CandidateResult, ev: Evaluation, ex: Explainer) -> str:
    """The one-line reason, naming a workplace or parent by its name rather than its id (a document
    to sign holds no ids, issue 23.4)."""
    scope = res.scope
    if res.verdict == "out_of_scope" and scope is not None and scope.found_kind and scope.detail in ev.facts.by_id:
        named = dataclasses.replace(scope, detail=ev.facts.by_id[scope.detail].name)
        return ex.scope_reason(named, res.candidate.kind)
    return short_reason(res, ex)


def _incomplete(ev: Evaluation, ex: Explainer) -> list[Incomplete]:
    out: list[Incomplete] = []
    for res in ev.results:
        if res.verdict != "incomplete":
            continue
        why = res.decision
        missing: list[str] = []
        for m in why.missing:
            for k in m.facts:
                label = ex.cat.label(k, ex.lang)
                if m.result.rule.spec.scope == "unit" and not m.result.env:
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
                group=_group_label(ev, res, ex.lang),
                missing=missing,
                other=other,
            )
        )
    return out


CHART_WIDTH, CHART_LEFT, ROW = 640, 8, 30


def _chart(ev: Evaluation, lang: str) -> Chart:
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


def _detail(i: int, res: CandidateResult, ev: Evaluation, ex: Explainer, lines: _RuleLines) -> CandidateDetail:
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
        group=_group_label(ev, res, ex.lang),
        kind=res.candidate.kind,
        kind_label=_kind_label(res, ex.lang),
        unit=_place_of(res, ev),
        verdict=res.verdict,
        verdict_label=VERDICT_LABELS[ex.lang][res.verdict],
        summary=_reason(res, ev, ex),
        submission=sub,
        rules=[lines(r) for r in [*res.criteria, *res.disqualifiers]],
    )


# ---------------------------------------------------------------- rendering


def environment(kind: str) -> Any:
    """The Jinja2 environment for 'html' (autoescaped) or 'markdown'; undefined fields fail loudly."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=kind == "html",
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


TEMPLATE_FILES = {"html": "report.html.j2", "markdown": "report.md.j2"}


def render_text(ctx: ReportContext, kind: str) -> str:
    text = environment(kind).get_template(TEMPLATE_FILES[kind]).render(r=ctx)
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n") + "\n"
