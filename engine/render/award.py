"""Render an `Allocation`: the contract's JSON, and the list an officer attaches to a Tờ trình."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from engine.common import fmt
from engine.common.message import Msg, current
from engine.evaluate.allocate import Allocation, GroupAllocation, Ranked
from engine.explain.ranking import outside_text, passed_text, shortfall_text
from engine.explain.reasons import VERDICT_LABELS, Explainer, json_value
from engine.model.vocabulary import say, words
from engine.render.output import print_line
from engine.render.text import Remembering, header, late_note, to_json

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
    """The award lists as the terminal shows them: per group its title line and its selected, then
    who was passed over, tied or kept in reserve; the per-unit awards a candidate is in no list of;
    those not ranked; the budget."""
    from engine.render.output import terminal

    ev = alloc.evaluation
    buf = io.StringIO()
    con = terminal(buf, width or 140)
    tab = _Table(alloc, lang, words(lang).section("award"), Remembering(ev.campaign, lang), con)
    print_line(con, f"{tab.t['title']} — {ev.campaign.model.title.get(lang)}")
    if ev.round is not None:
        print_line(con, f"{words(lang)['meta.round']}: {ev.round}")
    for g in alloc.groups:
        _group_list(tab, g)
        _group_notes(tab, g)
    _outside(tab)
    others = [r for r in ev.results if r.verdict != "eligible"]
    if others:
        print_line(con, "")
        print_line(con, say(Msg("award.not_ranked", n=len(others), campaign=ev.campaign.id), lang))
        print_line(con, "  " + ", ".join(f"{r.id} ({VERDICT_LABELS[lang][r.verdict]})" for r in others))
    print_line(con, "")
    _budget_lines(tab)
    return "\n".join(line.rstrip() for line in buf.getvalue().split("\n"))


@dataclass(frozen=True)
class _Table:
    """What every part of `award_table` reads: the allocation, the words, where it prints."""

    alloc: Allocation
    lang: str
    t: Any  # the vocabulary's `award` section
    ex: Explainer
    con: Any  # a rich Console (engine.render.output.terminal)

    @property
    def awards(self) -> dict[str, Any]:
        return {a.id: a for a in self.alloc.evaluation.campaign.model.awards}

    def flag(self, r: Ranked) -> str:
        """A late file the plan does not exclude (nomination.late): said on the list."""
        late = late_note(r.result, self.ex)
        return f" — {late}" if late else ""


def _group_title(tab: _Table, g: GroupAllocation) -> str:
    t, lang, a = tab.t, tab.lang, tab.awards[g.award_id]
    by_id = tab.alloc.evaluation.facts.by_id
    group = tab.alloc.evaluation.campaign.model.groups[g.group].label.get(lang)
    quota = str(g.quota) if g.quota is not None else t["no_quota"]
    title = f"{a.form.get(lang)} — {a.authority.get(lang)} — {group} ({t['quota']}: {quota}; {t['pool']}: {g.pool})"
    parts = [
        f"{t['from']} {a.from_}" if a.from_ else "",
        t["provisional"] if g.provisional else "",
        f"{t['under']} {by_id[g.under].name}" if g.under and g.under in by_id else "",
        t["standard_own"] if a.standard == "own" else "",
    ]
    if a.conditions:
        parts.append(f"{t['conditions']}: " + ", ".join(f"{c.label.get(lang)} ({c.clause})" for c in a.conditions))
    stage_deadline = _stage_deadline(a, tab.alloc)
    if stage_deadline:
        parts.append(f"{t['deadline']} {fmt.day(stage_deadline)}")
    return title + "".join(f" — {p}" for p in parts if p)


def _group_list(tab: _Table, g: GroupAllocation) -> None:
    """One award list: its title and those selected."""
    from rich import box

    from engine.render.grid import Col, print_grid

    t, lang, a = tab.t, tab.lang, tab.awards[g.award_id]
    by_id = tab.alloc.evaluation.facts.by_id
    columns = [
        Col(t[c], justify="right" if c in ("amount", "rank") else "left")
        for c in ("no", "name", "unit", "form", "amount", "rank")
    ]
    rows = []
    for i, r in enumerate(g.selected, 1):
        c = r.result.candidate
        over = c.unit if c.unit and c.unit in by_id else c.parent if c.parent and c.parent in by_id else None
        unit = by_id[over].name if over else ""
        rows.append((str(i), c.name + tab.flag(r), unit, a.form.get(lang), money(g.amount, lang), str(r.rank)))
    if not g.selected:
        rows.append(("", t["none"], "", "", "", ""))
    print_grid(tab.con, _group_title(tab, g), columns, rows, box.SIMPLE, title_justify="left")


def _group_notes(tab: _Table, g: GroupAllocation) -> None:
    """Below a list: places left unfilled, those counted under another award, passed over, tied, in reserve."""
    t, lang, con, awards = tab.t, tab.lang, tab.con, tab.awards
    a = awards[g.award_id]
    if g.unfilled:
        print_line(con, f"  {t['unfilled']}: {fmt.number(g.unfilled, lang)}")
    if g.counted_elsewhere and a.instead_of in awards:
        other = f"{awards[a.instead_of].form.get(lang)} ({awards[a.instead_of].authority.get(lang)})"
        print_line(con, f"  {t['counted_elsewhere'].format(award=other)}: {', '.join(g.counted_elsewhere)}")
    if g.passed_over:
        print_line(con, f"  {t['passed_over']}:")
        for p in g.passed_over:
            print_line(con, f"    {p.result.candidate.name} ({p.id}) — {passed_text(p, lang)}")
    if g.tie:
        names = ", ".join(f"{r.result.candidate.name} ({r.id}){tab.flag(r)}" for r in g.tie)
        print_line(con, f"  {t['tie']} ({t['slots']}: {fmt.number(g.slots_left, lang)}): {names}")
    if g.reserve:
        print_line(con, f"  {t['reserve']}:")
        for r in g.reserve:
            line = f"    {r.rank}. {r.result.candidate.name} ({r.id}){tab.flag(r)}"
            sf = shortfall_text(tab.alloc.evaluation.campaign, g.group, r, lang)
            if sf is not None:
                short = t["short"].format(last=sf.last_selected)
                line += f" — {short} '{sf.label}': {sf.mine} < {sf.theirs}"
            print_line(con, line)


def _outside(tab: _Table) -> None:
    """The per-unit awards some candidates are in no list of: once per award and group."""
    alloc, lang, con, awards = tab.alloc, tab.lang, tab.con, tab.awards
    groups = alloc.evaluation.campaign.model.groups
    shown: set[tuple[str, str]] = set()
    for o in alloc.outside:
        if (o.award_id, o.group) in shown:
            continue
        shown.add((o.award_id, o.group))
        print_line(con, "")
        a = awards[o.award_id]
        group = groups[o.group].label.get(lang)
        print_line(con, f"{a.form.get(lang)} — {a.authority.get(lang)} — {group}: {outside_text(o.place, lang)}")
        ids = [x for x in alloc.outside if (x.award_id, x.group) == (o.award_id, o.group)]
        print_line(con, "  " + ", ".join(f"{x.result.candidate.name} ({x.id})" for x in ids))


def _budget_lines(tab: _Table) -> None:
    alloc, lang, con, t = tab.alloc, tab.lang, tab.con, tab.t
    if alloc.budget_issue is not None:
        print_line(con, f"{t['budget_na']}: {alloc.budget_text(lang)}")
        return
    b = budget_dict(alloc, lang)
    print_line(
        con,
        f"{t['total']}: {money(b['total'], lang)} {t['currency']} ({t['base']} {money(b['base_salary'], lang)} — "
        f"{b['base_salary_source']}; {b['decree']}; {fmt.day(alloc.decision_date)})",
    )
    for line in (b["replacement"], b["checked"]):
        if line:
            print_line(con, f"  {line}")
    if not b["confirmed"]:
        print_line(con, f"  ({t['unconfirmed']})")
