"""The report's template context: `ReportContext` and the types it holds, each field documented
(`doc`): the contract every report template reads, and nothing else (docs/report-context.md is
generated from these docs by `engine.render.report.context_doc`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.render.profile import Letterhead


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
