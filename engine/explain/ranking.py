"""A candidate's place in the ranking, in words: its key values, why it is below the cut-off, and why
it is not in an award's list at all (outside its scope, or short of its own conditions)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.evaluate.allocate import PassedOver, Ranked
from engine.explain.reasons import fmt_value
from engine.model.campaign import AwardPlace, Campaign
from engine.model.vocabulary import words

__all__ = ["Shortfall", "key_texts", "outside_text", "passed_text", "shortfall_text"]


@dataclass(frozen=True)
class Shortfall:
    """Why a reserve candidate is below the last one selected: the first ranking key that differs."""

    label: str
    mine: str
    theirs: str
    last_selected: str


def key_texts(campaign: Campaign, group: str, r: Ranked, lang: str) -> list[tuple[str, str, str]]:
    """(label, order, value in words) for each of the group's ranking keys."""
    cat = campaign.catalogue
    keys = campaign.ranking.get(group, [])
    return [
        (k.spec.label.get(lang), k.spec.order, fmt_value(v, k.spec.by if k.spec.by in cat.facts else None, cat, lang))
        for k, v in zip(keys, r.keys, strict=True)
    ]


def shortfall_text(campaign: Campaign, group: str, r: Ranked, lang: str) -> Shortfall | None:
    if r.short_of is None:
        return None
    cat = campaign.catalogue
    k = campaign.ranking[group][r.short_of["key"]]
    fact = k.spec.by if k.spec.by in cat.facts else None
    return Shortfall(
        k.spec.label.get(lang),
        fmt_value(r.short_of["value"], fact, cat, lang),
        fmt_value(r.short_of["selected_value"], fact, cat, lang),
        r.short_of["last_selected"],
    )


def passed_text(p: PassedOver, lang: str) -> str:
    """Why a candidate of a list's pool is not proposed: the award's own conditions it does not meet."""
    t = words(lang).section("award")
    word = t["condition_fail"] if p.outcome == "fail" else t["condition_unknown"]
    return "; ".join(word.format(rule=rr.id, clause=rr.rule.spec.clause) for rr in p.rules)


def outside_text(place: AwardPlace, lang: str) -> str:
    """Why a candidate is in none of a per-unit award's lists."""
    kinds = words(lang).section("kind")
    per = ", ".join(kinds.get(k, k) for k in place.per)
    return words(lang)["award.outside"].format(per=per)
