"""Render an `Allocation`: the contract's JSON, and the list an officer attaches to a Tờ trình."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from engine.common import fmt
from engine.common.message import Msg, current
from engine.evaluate.allocate import Allocation, GroupAllocation, Ranked
from engine.explain.ranking import outside_text, passed_text, shortfall_text
from engine.explain.reasons import VERDICT_LABELS, Explainer, json_value
from engine.model.vocabulary import say, words
from engine.render.text import header, late_note, to_json

__all__ = ["allocation_dict", "award_table", "budget_dict", "checked_text", "replacement_text", "to_json"]


def _keys(alloc: Allocation, g: GroupAllocation, r: Ranked, lang: str) -> dict[str, Any]:
    keys = alloc.evaluation.campaign.ranking.get(g.group, [])
    return {k.spec.by: json_value(v) for k, v in zip(keys, r.keys, strict=True)}


def _late(r: Ranked) -> dict[str, Any]:
    """A file that was late but is considered (the plan does not exclude late files): marked on the row."""
    sub = r.result.submission
    return {"submission": "late"} if sub is not None and sub.outcome == "late" else {}


def allocation_dict(alloc: Allocation, lang: str = "vi") -> dict[str, Any]:
    ev = alloc.evaluation
    m = ev.campaign.model
    awards = {a.id: a for a in m.awards}
    out_awards = []
    for g in alloc.groups:
        a = awards[g.award_id]
        entry: dict[str, Any] = {
            "award": g.award_id,
            "form": a.form.get(lang),
            "authority": a.authority.get(lang),
            "group": g.group,
            "quota": g.quota,
            "from": a.from_,
            "pool": g.pool,
            "selected": [
                {"id": r.id, "rank": r.rank, "keys": _keys(alloc, g, r, lang), **_late(r)} for r in g.selected
            ],
            "reserve": [
                {
                    "id": r.id,
                    "rank": r.rank,
                    "keys": _keys(alloc, g, r, lang),
                    "short_of": _short(alloc, g, r),
                    **_late(r),
                }
                for r in g.reserve
            ],
            "tie_at_cutoff": [r.id for r in g.tie],
            "slots_left": g.slots_left,
            "unfilled": g.unfilled,
            "deadline": json_value(_stage_deadline(a, alloc)),
            "provisional": g.provisional,
            "amount_each": g.amount,
        }
        if g.quota is None:
            entry["note"] = words(lang)["award.no_quota"]
        entry.update(_own_terms(alloc, g, a, lang))
        out_awards.append(entry)
    out: dict[str, Any] = {
        **header(ev),
        "lang": lang,
        "decision_date": alloc.decision_date.isoformat(),
        "awards": out_awards,
    }
    if any(a.scope is not None for a in m.awards):
        out["outside_scope"] = [
            {"award": o.award_id, "group": o.group, "id": o.id, "reason": outside_text(o.place, lang)}
            | {"clause": o.place.clause, "quote": o.place.quote}
            for o in alloc.outside
        ]
    out["budget"] = budget_dict(alloc, lang)
    return out


def _own_terms(alloc: Allocation, g: GroupAllocation, a: Any, lang: str) -> dict[str, Any]:
    """The keys an award's own scope, conditions, standard and `instead_of` add to its row (none otherwise)."""
    out: dict[str, Any] = {}
    if a.scope is not None:
        out["under"] = g.under
    if a.standard != "group":
        out["standard"] = a.standard
    if a.conditions:
        out["conditions"] = [c.id for c in a.conditions]
        out["passed_over"] = [
            {"id": p.id, "outcome": p.outcome, "conditions": [rr.id for rr in p.rules], "reason": passed_text(p, lang)}
            for p in g.passed_over
        ]
    if a.instead_of:
        out["instead_of"] = a.instead_of
        out["counted_elsewhere"] = list(g.counted_elsewhere)
    return out


def _stage_deadline(award: Any, alloc: Allocation) -> dt.date | None:
    """A stage's own deadline (e.g. Mỹ Thạnh: to the district by 10/12 of the round)."""
    from engine.evaluate.core import resolve_deadline

    if award.deadline is None:
        return None
    return resolve_deadline(award.deadline, alloc.evaluation.round_year, None)


def _short(alloc: Allocation, g: GroupAllocation, r: Ranked) -> dict[str, Any] | None:
    if r.short_of is None:
        return None
    keys = alloc.evaluation.campaign.ranking.get(g.group, [])
    s = r.short_of
    return {
        "key": keys[s["key"]].spec.by,
        "value": json_value(s["value"]),
        "last_selected": s["last_selected"],
        "last_selected_value": json_value(s["selected_value"]),
        "by": s["by"],
    }


def budget_dict(alloc: Allocation, lang: str = "vi") -> dict[str, Any]:
    """The JSON `budget` section. Fields are only ever added (CONTRACT.md): `decree` is the decree
    the money is computed under — the one in force on the decision date — and `cited_decree` the
    one the plan cites; `decree_reason` says why they differ or not, `replaced` gives each
    replacement between them and `replacement` says it in words."""
    if alloc.budget_issue is not None:
        return {"error": alloc.budget_text(lang)}
    lines = []
    for g in alloc.groups:
        q = alloc.prices.get(g.award_id)
        line: dict[str, Any] = {
            "award": g.award_id,
            "group": g.group,
            "count": g.costed,
            "amount_each": g.amount,
            "subtotal": (g.amount or 0) * g.costed,
        }
        if g.under:
            line["under"] = g.under
        if g.counted_elsewhere:
            line["counted_elsewhere"] = list(g.counted_elsewhere)
        if q is not None:
            line |= {"coefficient": q.coefficient, "reference": q.reference, "confirmed": q.confirmed}
        lines.append(line)
    p = alloc.basis
    reward = alloc.evaluation.campaign.model.reward
    return {
        "decree": p.decree if p else None,
        "base_salary": p.base_salary if p else None,
        "base_salary_source": p.base_salary_source if p else None,
        "confirmed": all(x.confirmed for x in alloc.prices.values()),
        "lines": lines,
        "total": alloc.total,
        "rounding": "each amount rounded up to the next 10,000 đồng",
        "cited_decree": reward.decree if reward else None,
        "decree_reason": ("replaced" if p.replaced else "cited_in_force") if p else None,
        "replaced": [{"decree": r.decree, "replaced_by": r.by, "from": r.from_.isoformat()} for r in p.replaced]
        if p
        else [],
        "replacement": replacement_text(alloc, lang) or None,
        "references": {
            "collective": p.collective_reference if p else None,
            "rounding": p.rounding_reference if p else None,
        },
        "checked": checked_text(alloc, lang) or None,
        "validity_confirmed": bool(p and p.validity_confirmed),
    }


def replacement_text(alloc: Allocation, lang: str) -> str:
    """Why the money is computed under another decree than the plan cites, in the output's language:
    each replacement from the cited decree, then the decree applied on the decision date; '' when
    the cited decree is in force that day. Every output says it in these words."""
    p = alloc.basis
    if p is None or not p.replaced:
        return ""
    w = words(lang)
    parts = [
        w["award.budget_replaced" if i == 0 else "award.budget_replaced_again"].format(
            decree=r.decree, by=r.by, start=fmt.day(r.from_)
        )
        for i, r in enumerate(p.replaced)
    ]
    parts.append(w["award.budget_applied"].format(decree=p.decree, on=fmt.day(alloc.decision_date)))
    return "; ".join(parts) + "."


def checked_text(alloc: Allocation, lang: str) -> str:
    """The parts of the amounts checked against the applied decree's text, each with the article
    that sets it (coefficients, the collective multiplier, the rounding); '' when none is."""
    p = alloc.basis
    if p is None:
        return ""
    prices = list(alloc.prices.values())
    w = words(lang)
    parts = []
    if all(x.coefficient_confirmed for x in prices):
        refs = dict.fromkeys(x.reference or "" for x in prices)
        parts.append(w["award.budget_ref_coefficient"].format(ref=", ".join(refs)))
    if p.collective_confirmed:
        times = fmt.number(p.multiplier, lang)
        parts.append(w["award.budget_ref_collective"].format(n=times, ref=p.collective_reference))
    if p.rounding_confirmed:
        parts.append(w["award.budget_ref_rounding"].format(step=money(p.step, lang), ref=p.rounding_reference))
    if not parts:
        return ""
    return w["award.budget_checked"].format(decree=p.decree, parts="; ".join(parts))


def money(n: int | None, lang: str | None = None, none: str = "—") -> str:
    """An amount in đồng as the reader writes it (1.490.000; 1,490,000 in English), a dash when not
    computed; in the reader's language of the moment unless `lang` says."""
    return fmt.money(n, lang or current(), none)


def award_table(alloc: Allocation, lang: str = "vi", width: int | None = None) -> str:
    from rich import box

    from engine.render.grid import Col, print_grid
    from engine.render.output import terminal

    t = words(lang).section("award")
    ev = alloc.evaluation
    ex = Explainer(ev.campaign, lang)

    def flag(r: Ranked) -> str:  # a late file the plan does not exclude (nomination.late): said on the list
        late = late_note(r.result, ex)
        return f" — {late}" if late else ""

    m = ev.campaign.model
    awards = {a.id: a for a in m.awards}
    by_id = ev.facts.by_id
    buf = io.StringIO()
    con = terminal(buf, width or 140)
    con.print(f"{t['title']} — {m.title.get(lang)}")
    if ev.round is not None:
        con.print(f"{words(lang)['meta.round']}: {ev.round}")
    for g in alloc.groups:
        a = awards[g.award_id]
        group = m.groups[g.group].label.get(lang)
        quota = str(g.quota) if g.quota is not None else t["no_quota"]
        title = f"{a.form.get(lang)} — {a.authority.get(lang)} — {group} ({t['quota']}: {quota}; {t['pool']}: {g.pool})"
        if a.from_:
            title += f" — {t['from']} {a.from_}"
        if g.provisional:
            title += f" — {t['provisional']}"
        if g.under:
            title += f" — {t['under']} {by_id[g.under].name}" if g.under in by_id else ""
        if a.standard == "own":
            title += f" — {t['standard_own']}"
        if a.conditions:
            title += f" — {t['conditions']}: " + ", ".join(f"{c.label.get(lang)} ({c.clause})" for c in a.conditions)
        stage_deadline = _stage_deadline(a, alloc)
        if stage_deadline:
            title += f" — {t['deadline']} {fmt.day(stage_deadline)}"
        columns = [
            Col(t[c], justify="right" if c in ("amount", "rank") else "left")
            for c in ("no", "name", "unit", "form", "amount", "rank")
        ]
        rows = []
        for i, r in enumerate(g.selected, 1):
            c = r.result.candidate
            unit = (
                by_id[c.unit].name
                if c.unit and c.unit in by_id
                else (by_id[c.parent].name if c.parent and c.parent in by_id else "")
            )
            rows.append((str(i), c.name + flag(r), unit, a.form.get(lang), money(g.amount, lang), str(r.rank)))
        if not g.selected:
            rows.append(("", t["none"], "", "", "", ""))
        print_grid(con, title, columns, rows, box.SIMPLE, title_justify="left")
        if g.unfilled:
            con.print(f"  {t['unfilled']}: {fmt.number(g.unfilled, lang)}")
        if g.counted_elsewhere and a.instead_of in awards:
            other = f"{awards[a.instead_of].form.get(lang)} ({awards[a.instead_of].authority.get(lang)})"
            con.print(f"  {t['counted_elsewhere'].format(award=other)}: {', '.join(g.counted_elsewhere)}")
        if g.passed_over:
            con.print(f"  {t['passed_over']}:")
            for p in g.passed_over:
                con.print(f"    {p.result.candidate.name} ({p.id}) — {passed_text(p, lang)}")
        if g.tie:
            names = ", ".join(f"{r.result.candidate.name} ({r.id}){flag(r)}" for r in g.tie)
            con.print(f"  {t['tie']} ({t['slots']}: {fmt.number(g.slots_left, lang)}): {names}")
        if g.reserve:
            con.print(f"  {t['reserve']}:")
            for r in g.reserve:
                line = f"    {r.rank}. {r.result.candidate.name} ({r.id}){flag(r)}"
                sf = shortfall_text(ev.campaign, g.group, r, lang)
                if sf is not None:
                    short = t["short"].format(last=sf.last_selected)
                    line += f" — {short} '{sf.label}': {sf.mine} < {sf.theirs}"
                con.print(line)
    shown: set[tuple[str, str]] = set()
    for o in alloc.outside:
        if (o.award_id, o.group) not in shown:
            shown.add((o.award_id, o.group))
            con.print("")
            a = awards[o.award_id]
            group = m.groups[o.group].label.get(lang)
            con.print(f"{a.form.get(lang)} — {a.authority.get(lang)} — {group}: {outside_text(o.place, lang)}")
            ids = [x for x in alloc.outside if (x.award_id, x.group) == (o.award_id, o.group)]
            con.print("  " + ", ".join(f"{x.result.candidate.name} ({x.id})" for x in ids))
    others = [r for r in ev.results if r.verdict != "eligible"]
    if others:
        con.print("")
        note = say(Msg("award.not_ranked", n=len(others), campaign=ev.campaign.id), lang)
        con.print(note)
        con.print("  " + ", ".join(f"{r.id} ({VERDICT_LABELS[lang][r.verdict]})" for r in others))
    con.print("")
    if alloc.budget_issue is not None:
        con.print(f"{t['budget_na']}: {alloc.budget_text(lang)}")
    else:
        b = budget_dict(alloc, lang)
        con.print(
            f"{t['total']}: {money(b['total'], lang)} {t['currency']} ({t['base']} {money(b['base_salary'], lang)} — "
            f"{b['base_salary_source']}; {b['decree']}; {fmt.day(alloc.decision_date)})"
        )
        if b["replacement"]:
            con.print(f"  {b['replacement']}")
        if b["checked"]:
            con.print(f"  {b['checked']}")
        if not b["confirmed"]:
            con.print(f"  ({t['unconfirmed']})")
    return "\n".join(line.rstrip() for line in buf.getvalue().split("\n"))
