"""What each page shows, as plain data: read from the engine's results with the renderers' own
phrasing (engine.explain.reasons, engine.render.text) — the pages only lay it out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from engine.evaluate.allocate import Allocation
from engine.evaluate.core import CandidateResult, Evaluation, RuleResult
from engine.model.vocabulary import words

if TYPE_CHECKING:
    from engine.explain.reasons import Explainer

T = TypeVar("T")
D_BAR = {0x0111: "d", 0x0110: "d"}  # the letter d with a stroke (lower, upper): no combining mark to strip


def search_key(text: str) -> str:
    """Text as a search compares it: without tone marks or đ, case-folded (as app.js folds it)."""
    import unicodedata

    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return " ".join(bare.translate(D_BAR).casefold().split())


PAGE_ROWS = 500  # a table longer than this is shown a page at a time (the API's JSON stays whole)


def paged(items: Sequence[T], page: int, lang: str, size: int = PAGE_ROWS) -> tuple[Sequence[T], dict[str, Any]]:
    """One page of `items` (pages from 1; a page out of range is the nearest one), and its pager:
    the page, how many, the first and last shown (from 1), and the page links to offer — the
    first, the last and two either side of this one, None where some are left out."""
    from engine.common.fmt import number as fmt_number

    pages = max(1, -(-len(items) // size))
    page = min(max(page, 1), pages)
    start = (page - 1) * size
    shown = items[start : start + size]
    near = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links: list[int | None] = []
    for k in near:
        if links and k - (links[-1] or 0) > 1:
            links.append(None)
        links.append(k)
    return shown, {
        "page": page,
        "pages": pages,
        "first": fmt_number(start + 1 if shown else 0, lang),
        "last": fmt_number(start + len(shown), lang),
        "n": fmt_number(len(items), lang),
        "links": links if pages > 1 else [],
    }


def verdicts(
    ev: Evaluation, lang: str, verdict: str = "", group: str = "", q: str = "", page: int = 1
) -> dict[str, Any]:
    """The verdict table: counts, the groups to filter by, and the rows that pass the filters —
    a page of them (`paged`): only the rows shown are explained."""
    from engine.common.fmt import number as fmt_number
    from engine.explain.reasons import VERDICT_LABELS, Explainer
    from engine.render.text import short_reason

    ex = Explainer(ev.campaign, lang)
    m = ev.campaign.model
    counts = {v: 0 for v in VERDICT_LABELS["en"]}
    for r in ev.results:
        counts[r.verdict] += 1
    needle = search_key(q.strip())
    matching = [
        (n, r)
        for n, r in enumerate(ev.results, 1)
        if (not verdict or r.verdict == verdict)
        and (not group or r.group == group)
        and (not needle or needle in search_key(f"{r.id} {r.candidate.name}"))
    ]
    shown, pager = paged(matching, page, lang)
    rows = []
    for n, r in shown:
        rows.append(
            {
                "no": n,
                "id": r.id,
                "name": r.candidate.name,
                "group": m.groups[r.group].label.get(lang) if r.group else "—",
                "kind": words(lang).section("kind").get(r.candidate.kind, r.candidate.kind),
                "verdict": r.verdict,
                "verdict_label": VERDICT_LABELS[lang][r.verdict],
                "reason": short_reason(r, ex),
            }
        )
    return {
        "counts": [(v, VERDICT_LABELS[lang][v], fmt_number(counts[v], lang)) for v in counts],
        "total": fmt_number(len(ev.results), lang),
        "pager": pager,
        "groups": [(gid, g.label.get(lang)) for gid, g in m.groups.items()],
        "rows": rows,
        "warnings": [p.render(lang) for p in ev.warnings],
        "files": [name for name, _ in ev.facts.inputs],
    }


MARKS = {"pass": "✓", "clear": "✓", "fail": "✗", "triggered": "✗", "unknown": "?", "waived": "~", "not_applicable": "–"}


def candidate(ev: Evaluation, res: CandidateResult, alloc: Allocation, lang: str) -> dict[str, Any]:
    """One candidate as `thidua explain` tells it: every rule with its clause and quote, the values
    read, the reason (for a failure, what would have to change), and the place in each ranking."""
    from engine.explain.reasons import SUBMISSION_LABELS, VERDICT_LABELS, Explainer
    from engine.render.text import allocation_lines

    ex = Explainer(ev.campaign, lang)
    v = words(lang)
    m = ev.campaign.model
    c = res.candidate
    sections = []
    for title, items in (
        (v["text.criteria"], res.criteria),
        (v["text.disqualifiers"], res.disqualifiers),
        (v["text.award_conditions"], res.conditions),
    ):
        rules = [_rule_view(ev, rr, ex, lang) for rr in items]
        if rules:
            sections.append((title, rules))
    sub = res.submission
    scope = res.scope if res.verdict == "out_of_scope" else None
    return {
        "id": c.id,
        "name": c.name,
        "verdict": res.verdict,
        "verdict_label": VERDICT_LABELS[lang][res.verdict],
        "kind": v.section("kind").get(c.kind, c.kind),
        "groups": ", ".join(m.groups[g].label.get(lang) for g in res.groups) if res.group else "",
        "head_of": c.unit if c.head and c.unit else "",
        "scope": (ex.scope_reason(scope, c.kind), scope.clause, scope.quote) if scope is not None else None,
        "submission": (
            (SUBMISSION_LABELS[lang][sub.outcome], ex.submission_reason(sub), sub.clause, sub.quote)
            if sub is not None
            else None
        ),
        "sections": sections,
        "ranking": [line.strip() for line in allocation_lines(ev, res, alloc, lang)[2:] if line.strip()],
    }


def _rule_view(ev: Evaluation, rr: RuleResult, ex: Explainer, lang: str) -> dict[str, Any]:
    """One rule of a candidate's page: its clause and quote, the values read, the reason."""
    from engine.explain.reasons import fmt_value

    spec = rr.rule.spec
    a = next((a for a in ev.campaign.model.awards if a.id == rr.rule.award), None)
    return {
        "id": spec.id,
        "label": spec.label.get(lang),
        "required": rr.rule.kind == "disqualifier" or rr.rule.required,
        "award": f"{a.form.get(lang)} — {a.authority.get(lang)}" if a is not None else "",
        "outcome": rr.outcome,
        "mark": MARKS.get(rr.outcome, ""),
        "outcome_label": ex.outcome(rr.outcome),
        "clause": spec.clause,
        "quote": spec.quote,
        "rule": spec.rule,
        "read": [
            (ev.campaign.catalogue.label(k, lang), fmt_value(x, k, ex.cat, lang)) for k, x in ex.values_read(rr).items()
        ],
        "computed": [*ex.dated(rr), *ex.computed(rr)],
        "reason": ex.reason(rr),
        "note": " ".join(spec.note.get(lang).split()) if spec.note else "",
    }


def award(ev: Evaluation, alloc: Allocation, lang: str, part: str = "", page: int = 1) -> dict[str, Any]:
    """The award list: per award and group, the quota, the selected, the ties for the council, the
    reserve (from the award JSON, names and group labels beside the ids), and the budget. Each of
    those lists is shown a page at a time (`paged`); `part` names the one at `page` ("3-reserve":
    the fourth list's reserve), the others are at their first page."""
    from engine.render.award import allocation_dict, money

    data = allocation_dict(alloc, lang)
    m = ev.campaign.model
    names = {r.id: r.candidate.name for r in ev.results}

    def table(key: str, cls: str, items: list[Any]) -> dict[str, Any]:
        shown, pager = paged(items, page if key == part else 1, lang)
        start = (pager["page"] - 1) * PAGE_ROWS
        rows = []
        for no, x in enumerate(shown, start + 1):
            cid = x if isinstance(x, str) else x["id"]
            rank = None if isinstance(x, str) else x.get("rank")
            rows.append({"no": no, "id": cid, "name": names.get(cid, cid), "rank": rank})
        return {"key": key, "cls": cls, "rows": rows, "pager": pager}

    lists = []
    for i, a in enumerate(data["awards"]):
        lists.append(
            {
                "form": a.get("form", a["award"]),
                "authority": a.get("authority", ""),
                "group": m.groups[a["group"]].label.get(lang) if a["group"] in m.groups else a["group"],
                "quota": a["quota"],
                "pool": a.get("pool"),
                "amount_each": money(a.get("amount_each")),
                "tables": [
                    table(f"{i}-{cls}", cls, items)
                    for cls, items in (
                        ("selected", a["selected"]),
                        ("ties", a["tie_at_cutoff"]),
                        ("reserve", a["reserve"]),
                    )
                    if items
                ],
                "slots_left": a.get("slots_left"),
                "provisional": a.get("provisional", False),
            }
        )
    budget = data.get("budget") or {}
    return {
        "lists": lists,
        "budget_total": money(budget.get("total")) if budget.get("total") is not None else None,
        "budget_decree": budget.get("decree"),
        "budget_replacement": budget.get("replacement"),  # the decree in force, not the plan's (issue 22.9)
    }
