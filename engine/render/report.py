"""The printable report: an `Evaluation` and its `Allocation` as HTML, Markdown or XLSX.

Stage `render` of the pipeline for people who print. `build_context` turns the results into
one typed object, `ReportContext` — the template context contract: every field is documented
(the `doc` of each dataclass field; docs/report-context.md is generated from them), the
templates in templates/ read nothing else, and tests/test_report.py fails when a template uses
an undocumented field or a documented one disappears. Templates hold no words: headings come
from templates/vocabulary.yaml, fact labels from the catalogue, rule labels and clauses from the
campaign. Output is deterministic — the dates printed come from the facts file, never the clock.

Here: building the context and rendering it. The context's types are in `report_model`, each
section's builder in `report_sections`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from engine import __version__
from engine.common import fmt
from engine.evaluate.allocate import Allocation
from engine.evaluate.core import Evaluation
from engine.explain.reasons import VERDICT_LABELS
from engine.model.vocabulary import TEMPLATES, load_labels
from engine.render import report_sections as sections
from engine.render.profile import DocumentProfile, letterhead
from engine.render.report_model import (
    CONTEXT_TYPES,
    Audit,
    AuditId,
    AuditNote,
    AwardBlock,
    CampaignInfo,
    ReportContext,
    SummaryRow,
)
from engine.render.text import Remembering, md_escape

RESERVE_LIMIT = 10  # reserve candidates listed per award list; the profile's `reserve` sets it
LIST_LIMIT = 30  # excluded, and incomplete, candidates the short report names (all with --appendix)


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
    ex = Remembering(ev.campaign, lang)  # a reason phrased once per signature, as every output does
    m = ev.campaign.model
    d = m.document
    counts = {v: 0 for v in VERDICT_LABELS["en"]}
    for res in ev.results:
        counts[res.verdict] += 1
    summary = [SummaryRow(v, VERDICT_LABELS[lang][v], n) for v, n in counts.items() if n]
    lines = sections.RuleLines(ex)
    excluded = sections.excluded_list(ev, ex, lines)
    head = letterhead(d, [a.authority.get(lang) for a in m.awards], profile, lang)
    limit = profile.reserve if profile is not None and profile.reserve is not None else RESERVE_LIMIT
    blocks = [sections.award_block(alloc, g, ex, head, limit) for g in alloc.groups]
    budget = sections.budget_of(alloc, lang, labels)
    # a per-unit award prints only the lists with someone in them; its budget lines go with them
    kept = [i for i, b in enumerate(blocks) if not b.under or b.selected or b.ties or b.reserve or b.counted_elsewhere]
    awards = [blocks[i] for i in kept]
    if budget.available:
        budget = dataclasses.replace(budget, lines=[budget.lines[i] for i in kept])
    candidates = [sections.detail_of(i, res, ev, ex, lines) for i, res in enumerate(ev.results, 1)]
    incomplete = sections.incomplete_list(ev, ex)
    cap = max(len(excluded), len(incomplete)) if appendix else LIST_LIMIT
    return ReportContext(
        lang=lang,
        labels=labels,
        campaign=_campaign_info(ev, labels, lang),
        issuer=d.issuer.upper(),
        head=head,
        appendix=appendix,
        place=d.place,
        as_of=fmt.day(ev.as_of),
        deadline=_deadline(ev, lang),
        round=str(ev.round) if ev.round is not None else "",
        summary=summary,
        total=len(ev.results),
        awards=awards,
        budget=budget,
        excluded=excluded,
        listed=cap,
        excluded_more=max(len(excluded) - cap, 0),
        excluded_by_reason=sections.by_reason(excluded),
        excluded_citations=sections.citations_of(excluded),
        incomplete=incomplete,
        incomplete_more=max(len(incomplete) - cap, 0),
        chart=sections.chart_of(ev, lang),
        candidates=candidates,
        audit=_audit(ev, alloc, awards, sections.audit_notes(ev, lang, excluded, candidates if appendix else [])),
    )


def _campaign_info(ev: Evaluation, labels: dict[str, str], lang: str) -> CampaignInfo:
    m = ev.campaign.model
    d = m.document
    return CampaignInfo(
        id=m.id,
        title=m.title.get(lang),
        issuer=d.issuer,
        document=f"{d.kind} {d.number or '…'}",
        date=d.date_text,
        dated=labels[f"dated_{d.precision}"].format(date=d.date_text),
        place=d.place,
    )


def _deadline(ev: Evaluation, lang: str) -> str:
    """The nomination deadline as the report prints it: a date, the event it is tied to, or ''."""
    dl = ev.campaign.model.nomination.deadline
    if dl.date or dl.yearly or ev.deadline:
        from engine.evaluate.core import campaign_deadline

        return fmt.day(campaign_deadline(ev.campaign, ev.round_year, ev.deadline))
    return dl.event.get(lang) if dl.event is not None else ""


def _audit(ev: Evaluation, alloc: Allocation, awards: list[AwardBlock], notes: list[AuditNote]) -> Audit:
    """What the report was made from."""
    return Audit(
        version=__version__,
        campaign=ev.campaign.id,
        campaign_file=Path(ev.campaign.file).name,
        campaign_sha256=ev.campaign.sha256,
        facts_file="; ".join(Path(name).name for name, _ in ev.facts.inputs) or Path(ev.facts.file).name,
        facts_sha256=ev.facts.sha256,
        as_of=fmt.day(ev.as_of),
        decision_date=fmt.day(alloc.decision_date),
        backend=ev.backend_said,
        ids=[AuditId(r.name, r.id) for a in awards for r in (*a.selected, *a.ties, *a.reserve)],
        notes=notes,
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
    return "".join(iter_text(ctx, kind))


def iter_text(ctx: ReportContext, kind: str) -> Iterator[str]:
    """The report in 'html' or 'markdown', piece by piece as the template makes it (Jinja's
    `generate`: never the whole text at once): each line without its trailing spaces, no blank
    lines at the end, one newline last."""
    return tidy_lines(environment(kind).get_template(TEMPLATE_FILES[kind]).generate(r=ctx))


def tidy_lines(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """`pieces` joined, each line right-stripped and the blank lines at the end left out, ending
    in one newline; given out in pieces of about `size` characters."""
    line: list[str] = []  # the line being read
    blank = 0  # empty lines met since the last line with text: written only if text follows
    out: list[str] = []
    held = 0
    wrote = False
    for piece in pieces:
        if "\n" not in piece:
            line.append(piece)
            continue
        first, *rest = piece.split("\n")
        line.append(first)
        for done in ("".join(line), *rest[:-1]):
            text = done.rstrip()
            if not text:
                blank += 1
                continue
            out.append("\n" * blank + text + "\n")
            held += len(text)
            blank = 0
        line = [rest[-1]]
        if held >= size:
            yield "".join(out)
            out, held, wrote = [], 0, True
    last = "".join(line).rstrip()
    if last:
        out.append("\n" * blank + last + "\n")
    if out or not wrote:
        yield "".join(out) or "\n"


__all__ = [
    "CONTEXT_TYPES",
    "LIST_LIMIT",
    "RESERVE_LIMIT",
    "ReportContext",
    "build_context",
    "context_doc",
    "iter_text",
    "render_text",
]
