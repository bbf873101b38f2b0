"""What each page shows, as plain data: read from the engine's results with the renderers' own
phrasing (engine.explain.reasons, engine.render.text) — the pages only lay it out."""

from __future__ import annotations

from typing import Any

from engine.evaluate.allocate import Allocation
from engine.evaluate.core import CandidateResult, Evaluation
from engine.model.vocabulary import words

D_BAR = {0x0111: "d", 0x0110: "d"}  # the letter d with a stroke (lower, upper): no combining mark to strip


def search_key(text: str) -> str:
    """Text as a search compares it: without tone marks or đ, case-folded (as app.js folds it)."""
    import unicodedata

    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return " ".join(bare.translate(D_BAR).casefold().split())


def verdicts(ev: Evaluation, lang: str, verdict: str = "", group: str = "", q: str = "") -> dict[str, Any]:
    """The verdict table: counts, the groups to filter by, and the rows that pass the filters."""
    from engine.explain.reasons import VERDICT_LABELS, Explainer
    from engine.render.text import short_reason

    ex = Explainer(ev.campaign, lang)
    m = ev.campaign.model
    counts = {v: 0 for v in VERDICT_LABELS["en"]}
    for r in ev.results:
        counts[r.verdict] += 1
    needle = search_key(q.strip())
    rows = []
    for n, r in enumerate(ev.results, 1):
        if verdict and r.verdict != verdict:
            continue
        if group and r.group != group:
            continue
        if needle and needle not in search_key(f"{r.id} {r.candidate.name}"):
            continue
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
        "counts": [(v, VERDICT_LABELS[lang][v], counts[v]) for v in counts],
        "total": len(ev.results),
        "groups": [(gid, g.label.get(lang)) for gid, g in m.groups.items()],
        "rows": rows,
        "warnings": [str(p) for p in ev.warnings],
        "files": [name for name, _ in ev.facts.inputs],
    }


MARKS = {"pass": "✓", "clear": "✓", "fail": "✗", "triggered": "✗", "unknown": "?", "waived": "~", "not_applicable": "–"}


def candidate(ev: Evaluation, res: CandidateResult, alloc: Allocation, lang: str) -> dict[str, Any]:
    """One candidate as `thidua explain` tells it: every rule with its clause and quote, the values
    read, the reason (for a failure, what would have to change), and the place in each ranking."""
    from engine.explain.reasons import SUBMISSION_LABELS, VERDICT_LABELS, Explainer, fmt_value
    from engine.render.text import allocation_lines

    ex = Explainer(ev.campaign, lang)
    v = words(lang)
    m = ev.campaign.model
    c = res.candidate
    awards = {a.id: a for a in m.awards}
    sections = []
    for title, items in (
        (v["text.criteria"], res.criteria),
        (v["text.disqualifiers"], res.disqualifiers),
        (v["text.award_conditions"], res.conditions),
    ):
        rules = []
        for rr in items:
            spec = rr.rule.spec
            a = awards.get(rr.rule.award or "")
            rules.append(
                {
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
                        (ev.campaign.catalogue.label(k, lang), fmt_value(x, k, ex.cat, lang))
                        for k, x in ex.values_read(rr).items()
                    ],
                    "computed": [*ex.dated(rr), *ex.computed(rr)],
                    "reason": ex.reason(rr),
                    "note": " ".join(spec.note.get(lang).split()) if spec.note else "",
                }
            )
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


def award(ev: Evaluation, alloc: Allocation, lang: str) -> dict[str, Any]:
    """The award list: per award and group, the quota, the selected, the ties for the council, the
    reserve (from the award JSON, names and group labels beside the ids), and the budget."""
    from engine.render.award import allocation_dict, money

    data = allocation_dict(alloc, lang)
    m = ev.campaign.model
    names = {r.id: r.candidate.name for r in ev.results}

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        out = []
        for x in items:
            cid = x if isinstance(x, str) else x["id"]
            out.append({"id": cid, "name": names.get(cid, cid), "rank": None if isinstance(x, str) else x.get("rank")})
        return out

    lists = []
    for a in data["awards"]:
        lists.append(
            {
                "form": a.get("form", a["award"]),
                "authority": a.get("authority", ""),
                "group": m.groups[a["group"]].label.get(lang) if a["group"] in m.groups else a["group"],
                "quota": a["quota"],
                "pool": a.get("pool"),
                "amount_each": money(a.get("amount_each")),
                "selected": rows(a["selected"]),
                "ties": rows(a["tie_at_cutoff"]),
                "reserve": rows(a["reserve"]),
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
