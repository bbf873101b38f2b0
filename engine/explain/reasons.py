"""Human-readable reasons: what a rule read, why it came out as it did, what would change it.

Reasons are built only for what is shown. `requirements(node, env, want)` walks a rule's
IR and phrases every part that does not give `want` as the condition that would have to
hold ("Xếp loại CCHC phải từ Tốt trở lên; hiện là Khá", "at most 4 of 40 …").
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from engine.common.vocabulary import ByLang, words
from engine.evaluate.core import RuleResult, SubmissionResult
from engine.lang.rules import NA, UNKNOWN, Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not
from engine.model.campaign import Campaign
from engine.model.catalogue import Catalogue

# The words, from the vocabulary (templates/vocabulary.yaml); read as `T[lang][key]`.
T = ByLang("explain", "outcome")
_OPS = ByLang("compare")
_RATING_OPS = ByLang("compare_rating")
_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}

VERDICT_LABELS = ByLang("verdict")
SUBMISSION_LABELS = ByLang("submission")
DOC_LABELS = ByLang("document")


def fmt_number(v: float | int) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def fmt_value(v: Any, key: str | None, cat: Catalogue, lang: str) -> str:
    t = T[lang]
    if v is UNKNOWN:
        return t["unknown"]
    if v is NA:
        return t["na"]
    if isinstance(v, bool):
        return t["yes"] if v else t["no"]
    if isinstance(v, int | float):
        return fmt_number(v)
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, dict):
        return ", ".join(f"{d.strftime('%d/%m/%Y')}: {fmt_value(x, None, cat, lang)}" for d, x in v.items())
    if isinstance(v, list):

        def score(x: Any) -> str:
            return fmt_value(UNKNOWN if x is None else x, None, cat, lang)

        return "; ".join(
            f"{r.get('index', '')} {r.get('component', '')}: {score(r.get('prev_score'))} → {score(r.get('score'))}"
            for r in v
        )
    if isinstance(v, str) and key:
        scale = cat.scale_of(key)
        if scale:
            return scale.label(v, lang)
    return str(v)


def json_value(v: Any) -> Any:
    """A fact value as JSON: unknown → null, n/a → 'n/a', dates ISO."""
    if v is UNKNOWN:
        return None
    if v is NA:
        return "n/a"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {d.isoformat() if isinstance(d, dt.date) else str(d): json_value(x) for d, x in v.items()}
    if isinstance(v, list):
        return [{k: json_value(x) for k, x in r.items()} for r in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


class Explainer:
    """Phrases rule results in one language."""

    def __init__(self, campaign: Campaign, lang: str = "vi"):
        self.campaign = campaign
        self.cat = campaign.catalogue
        self.lang = lang
        self.t = T[lang]

    # -- what the rule read
    def values_read(self, rr: RuleResult) -> dict[str, Any]:
        return {k: rr.env.get(k, UNKNOWN) for k in rr.rule.facts}

    # -- one line per rule
    def reason(self, rr: RuleResult) -> str:
        t = self.t
        if rr.skipped == "kind":
            kinds = ", ".join(rr.rule.spec.kinds or ())
            return f"{t['not_applicable']}: {t['kind_only']} {kinds}"
        if rr.rule.spec.scope == "unit" and not rr.env:
            return f"{t['unknown']}: {t['no_unit']}"
        if rr.outcome == "waived" and rr.rule.spec.waiver is not None:
            return f"{t['waived']}: {rr.rule.spec.waiver.reason.get(self.lang)}"
        want = rr.rule.kind == "criterion"
        if rr.outcome in ("pass", "clear") or rr.outcome == "not_applicable":
            facts = "; ".join(
                f"{self.cat.label(k, self.lang)} = {fmt_value(v, k, self.cat, self.lang)}"
                for k, v in self.values_read(rr).items()
            )
            head = t[rr.outcome] if rr.outcome != "not_applicable" else t["not_applicable"]
            return f"{head}: {facts}" if facts else head
        # fail, triggered or unknown: say what would have to hold
        reqs = self.requirements(rr.rule.node, rr.env, want)
        text = "; ".join(reqs) if reqs else self.render(rr.rule.node)
        if rr.outcome != "unknown":
            return f"{t.get(rr.outcome, rr.outcome)}: {text}"
        waiver = rr.rule.waiver
        if waiver is not None and rr.value is (not want):  # decided, but the waiver itself is unknown
            missing = [self.cat.label(k, self.lang) for k in waiver.facts() if rr.env.get(k, UNKNOWN) is UNKNOWN]
            text += f"; {t['waiver_unknown']} ({t['missing']}: {', '.join(missing) or self.render(waiver)})"
        return f"{t['undecided']}: {text}"

    def missing_facts(self, rr: RuleResult) -> list[str]:
        return [k for k, v in self.values_read(rr).items() if v is UNKNOWN]

    # -- the requirement walk
    def requirements(self, node: Node, env: dict[str, Any], want: bool) -> list[str]:
        value = node.fn(env)
        if value is want or value is NA:
            return []
        if isinstance(node, Logic):
            parts = [r for item in node.items for r in self.requirements(item, env, want)]
            conjunctive = (node.op == "and") == want
            if conjunctive or len(parts) <= 1:
                return parts
            return [f"{self.t['one_of']}: " + f" {self.t['or']} ".join(f"({p})" for p in parts)]
        if isinstance(node, Not):
            return self.requirements(node.item, env, not want)
        if isinstance(node, Compare):
            return [self._compare(node, env, want)]
        if isinstance(node, Fact):  # a bare boolean fact
            label = self.cat.label(node.key, self.lang)
            if value is UNKNOWN:
                return [f"{self.t['missing']}: {label}"]
            need = self.t["yes"] if want else self.t["no"]
            return [
                f"{label} {self.t['must']} {need}; {self.t['now']} {fmt_value(value, node.key, self.cat, self.lang)}"
            ]
        if isinstance(node, Call) and node.name == "all_improved":
            return [self._improved(node, env)]
        return [self.render(node)]

    def _compare(self, node: Compare, env: dict[str, Any], want: bool) -> str:
        op = node.op if want else _NEGATE[node.op]
        left, right = node.left, node.right
        lv, rv = left.fn(env), right.fn(env)
        if lv is UNKNOWN or rv is UNKNOWN:
            missing = [k for k in node.facts() if env.get(k, UNKNOWN) is UNKNOWN]
            labels = ", ".join(self.cat.label(k, self.lang) for k in missing) or self.render(node)
            return f"{self.t['missing']}: {labels}"
        lt = self.render(left)
        if left.type.kind == "rating":
            scale = self.cat.scales[left.type.scale or ""]
            target = scale.label(str(rv), self.lang)
            cur = scale.label(str(lv), self.lang)
            phrase = _RATING_OPS[self.lang][op].format(v=target)
            return f"{lt} {self.t['must']} {phrase}; {self.t['now']} {cur}"
        op, bound = self._bound(left, right, op, rv)
        now = fmt_value(lv, _key(left), self.cat, self.lang)
        return f"{lt} {self.t['must']} {_OPS[self.lang][op]} {bound}; {self.t['now']} {now}"

    def _bound(self, left: Node, right: Node, op: str, rv: Any) -> tuple[str, str]:
        text = fmt_value(rv, _key(left), self.cat, self.lang)
        if isinstance(rv, int | float) and _is_int_fact(left, self.cat) and op in ("<", ">", "<=", ">="):
            # a count against a limit: say the whole number that would do ("at most 4")
            if op in ("<=", "<"):
                whole = math.floor(rv) if op == "<=" else math.ceil(rv) - 1
                op = "<="
            else:
                whole = math.ceil(rv) if op == ">=" else math.floor(rv) + 1
                op = ">="
            text = str(whole)
        if isinstance(right, Arith):
            text += f" ({self.render(right)} = {fmt_value(rv, None, self.cat, self.lang)})"
        return op, text

    def _improved(self, node: Call, env: dict[str, Any]) -> str:
        records = node.args[0].fn(env)
        if records is UNKNOWN:
            return f"{self.t['missing']}: {self.cat.label('index_components', self.lang)}"
        bad = []
        for r in records or []:
            s, p = r.get("score"), r.get("prev_score")
            if s is None or p is None:
                bad.append(f"{r.get('index', '')} {r.get('component', '')}: {self.t['unknown']}")
            elif not s > p:
                bad.append(f"{r.get('index', '')} {r.get('component', '')} {fmt_number(p)} → {fmt_number(s)}")
        return f"{self.t['improved']}; " + ", ".join(bad)

    # -- an expression in words
    def render(self, node: Node) -> str:
        if isinstance(node, Fact):
            return self.cat.label(node.key, self.lang)
        if isinstance(node, Const):
            return fmt_value(node.value, None, self.cat, self.lang)
        if isinstance(node, Arith):
            return f"{self.render(node.left)} {node.op.replace('*', '×')} {self.render(node.right)}"
        if isinstance(node, Neg):
            return f"-{self.render(node.item)}"
        if isinstance(node, Call):
            if node.name == "at":
                day = node.args[1]
                assert isinstance(day, Const)
                return f"{self.render(node.args[0])} ({self.t['on']} {day.value.strftime('%d/%m/%Y')})"
            if node.name == "latest":
                return self.render(node.args[0])
            return self.t["improved"]
        if isinstance(node, Compare):
            return f"{self.render(node.left)} {node.op} {self.render(node.right)}"
        if isinstance(node, Logic):
            return f" {node.op} ".join(self.render(i) for i in node.items)
        if isinstance(node, Not):
            return f"not {self.render(node.item)}"
        return "?"

    def submission_reason(self, sub: SubmissionResult) -> str:
        v = words(self.lang)

        def d(x: dt.date | None) -> str:
            return x.strftime("%d/%m/%Y") if x else "?"

        if sub.outcome == "not_checked":
            return v["nomination.not_checked"]
        if sub.outcome == "missing_documents":
            docs = ", ".join(DOC_LABELS[self.lang][x] for x in sub.missing)
            parts = []
            if docs:
                parts.append(v["nomination.missing"] + docs)
            if sub.copies_short:
                parts.append(v["nomination.copies_short"].format(n=sub.copies_short))
            return "; ".join(parts)
        if sub.outcome == "undecided":
            if sub.why == "no_date":
                return v["nomination.no_date"]
            return v["nomination.no_deadline"]
        return v["nomination.sent"].format(sent=d(sub.date), deadline=d(sub.deadline))


def _key(node: Node) -> str | None:
    if isinstance(node, Fact):
        return node.key
    if isinstance(node, Call) and node.args and isinstance(node.args[0], Fact):
        return node.args[0].key
    return None


def _is_int_fact(node: Node, cat: Catalogue) -> bool:
    key = _key(node)
    return bool(key and cat.facts[key].type == "int")
