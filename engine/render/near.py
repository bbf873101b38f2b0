"""`thidua near`: the near misses (engine.explain.near) as text and as JSON."""

from __future__ import annotations

from typing import Any

from engine.common import fmt
from engine.common.message import Msg
from engine.evaluate.allocate import Allocation
from engine.explain.near import NearMisses, near_misses
from engine.explain.ranking import shortfall_text
from engine.explain.reasons import VERDICT_LABELS
from engine.model.vocabulary import say, words
from engine.render.text import Memo, Remembering, header


def near_text(alloc: Allocation, lang: str = "vi", within: int = 1) -> str:
    n = near_misses(alloc, within)
    ev = alloc.evaluation
    w = words(lang)
    t = w.section("near")
    ex = Remembering(ev.campaign, lang)  # a rule result phrased once per key, as the table does
    out = [f"{t['title']} — {ev.campaign.model.title.get(lang)}", f"{w['meta.as_of']}: {fmt.day(ev.as_of)}"]
    if ev.round is not None:
        out.append(f"{w['meta.round']}: {ev.round}")
    for k in range(1, within + 1):
        rows = [s for s in n.short if s.count == k]
        out += ["", say(Msg("near.short", n=k, count=len(rows)), lang)]
        for s in rows:
            res = s.result
            out.append(f"  {res.candidate.name} ({res.id}) — {VERDICT_LABELS[lang][res.verdict]}")
            if s.scope:
                out.append(f"      {w['text.scope']}: {ex.scope_reason(res.scope, res.candidate.kind)}")
            for rr in s.rules:
                out.append(f"      {ex.rule_name(rr)} ({rr.rule.spec.clause}): {ex.reason(rr)}")
            if s.nomination and res.submission is not None:
                out.append(f"      {t['nomination']}: {ex.submission_reason(res.submission)}")
        if not rows:
            out.append(f"  {t['none']}")
    out += ["", t["reserve"].format(count=fmt.number(len(n.reserve), lang))]
    gaps: Memo[str] = Memo()  # "N places short", said once per N
    for b in n.reserve:
        g, r = b.group, b.ranked
        gap = gaps.make(b.gap, _gap, b.gap, lang)
        line = f"  {r.rank}. {r.result.candidate.name} ({r.id}) — {_award(alloc, g, lang)} — {gap}"
        sf = shortfall_text(ev.campaign, g.group, r, lang)
        if sf is not None:
            line += f"; {w['award.short'].format(last=sf.last_selected)} '{sf.label}': {sf.mine} < {sf.theirs}"
        out.append(line)
    if not n.reserve:
        out.append(f"  {t['none']}")
    if n.ties:
        out += ["", t["ties"]]
        for g in n.ties:
            names = ", ".join(f"{r.result.candidate.name} ({r.id})" for r in g.tie)
            out.append(f"  {_award(alloc, g, lang)} ({w['award.slots']}: {g.slots_left}): {names}")
    return "\n".join(out) + "\n"


def near_dict(alloc: Allocation, lang: str = "vi", within: int = 1) -> dict[str, Any]:
    n: NearMisses = near_misses(alloc, within)
    ex = Remembering(alloc.evaluation.campaign, lang)
    return {
        **header(alloc.evaluation),
        "within": within,
        "short": [
            {
                "id": s.result.id,
                "verdict": s.result.verdict,
                "count": s.count,
                "rules": [{"id": rr.id, "outcome": rr.outcome, "reason": ex.reason(rr)} for rr in s.rules],
                "nomination_undecided": s.nomination,
                **({"scope_missing": s.result.scope.key} if s.scope else {}),
            }
            for s in n.short
        ],
        "reserve": [
            {"id": b.ranked.id, "award": b.group.award_id, "group": b.group.group, "rank": b.ranked.rank, "gap": b.gap}
            for b in n.reserve
        ],
        "ties": [
            {"award": g.award_id, "group": g.group, "slots": g.slots_left, "ids": [r.id for r in g.tie]} for g in n.ties
        ],
    }


def _gap(n: int, lang: str) -> str:
    return say(Msg("near.gap", n=n), lang)


def _award(alloc: Allocation, g: Any, lang: str) -> str:
    m = alloc.evaluation.campaign.model
    award = next(a for a in m.awards if a.id == g.award_id)
    text = f"{award.form.get(lang)} — {m.groups[g.group].label.get(lang)}"
    if g.under and g.under in alloc.evaluation.facts.by_id:
        text += f" — {alloc.evaluation.facts.by_id[g.under].name}"
    return text
