"""Human-readable reasons: what a rule read, why it came out as it did, what would change it.

Reasons are built only for what is shown. `requirements(node, env, want)` walks a rule's
IR and phrases every part that does not give `want` as the condition that would have to
hold ("Xếp loại CCHC phải từ Tốt trở lên; hiện là Khá", "at most 4 of 40 …").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from engine.common import fmt
from engine.common.message import Msg
from engine.evaluate.core import RuleResult, SubmissionResult
from engine.lang import NA, UNKNOWN, Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not, Trace
from engine.lang.builtins import BUILTINS
from engine.lang.ir import CompareOp
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC, NOT_PHRASE
from engine.model.campaign import Campaign, Scope
from engine.model.catalogue import Catalogue
from engine.model.schema import Unstated
from engine.model.vocabulary import ByLang, say, words

# The words, from the vocabulary (templates/vocabulary.yaml); read as `T[lang][key]`.
T = ByLang("explain", "outcome")
_OPS = ByLang("compare")
_RATING_OPS = ByLang("compare_rating")

VERDICT_LABELS = ByLang("verdict")
SUBMISSION_LABELS = ByLang("submission")
DOC_LABELS = ByLang("document")


def fmt_value(v: Any, key: str | None, cat: Catalogue, lang: str) -> str:
    t = T[lang]
    if v is UNKNOWN:
        return t["unknown"]
    if v is NA:
        return t["na"]
    if isinstance(v, bool):
        return t["yes"] if v else t["no"]
    if isinstance(v, int | float):
        return fmt.number(v, lang)
    if isinstance(v, dt.date):
        return fmt.day(v)
    if isinstance(v, dict):
        return ", ".join(f"{fmt.day(d)}: {fmt_value(x, None, cat, lang)}" for d, x in v.items())
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

    def outcome(self, outcome: str) -> str:
        """A rule's outcome in words (`pass` → Đạt), as a column or an explanation line shows it."""
        return self.t["undecided"] if outcome == "unknown" else self.t.get(outcome, outcome)

    def rule_name(self, rr: RuleResult) -> str:
        """A rule as a reader names it: its label (the id is for scripts and JSON)."""
        return rr.rule.spec.label.get(self.lang)

    # -- what the rule read
    def values_read(self, rr: RuleResult) -> dict[str, Any]:
        return {r.key: r.value for r in rr.reads()}

    @staticmethod
    def ranges(rr: RuleResult) -> dict[str, tuple[int, int | None]]:
        """The counts the rule read that are unknown but known to lie in a range (engine.evaluate.derive)."""
        return {
            r.key: r.derived.bounds
            for r in rr.reads()
            if r.derived is not None and r.derived.bounds is not None and r.value is UNKNOWN
        }

    def unknown_fact(self, key: str, ranges: Mapping[str, tuple[int, int | None]]) -> str:
        """A fact the rule needs, by its label — with the range it is known to lie in, where it is a
        count known only as one (`ranges`: "Số đơn vị thuộc, trực thuộc (chưa rõ, ít nhất 2)")."""
        label = self.cat.label(key, self.lang)
        return f"{label} ({self.between(ranges[key])})" if key in ranges else label

    def between(self, bounds: tuple[int, int | None]) -> str:
        w = words(self.lang)
        low = fmt.number(bounds[0], self.lang)
        if bounds[1] is None:  # no most known (engine.evaluate.derive._unlisted)
            return w["explain.at_least_v"].format(v=low)
        return w["explain.between"].format(low=low, high=fmt.number(bounds[1], self.lang))

    # -- one line per rule
    def reason(self, rr: RuleResult) -> str:
        t = self.t
        if rr.skipped == "kind":
            kinds = "; ".join(words(self.lang)[f"kind.{k}"] for k in rr.rule.spec.kinds or ())
            return f"{t['not_applicable']}: {t['kind_only']} {kinds}"
        if not rr.has_unit:
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
            if rr.outcome != "not_applicable" and UNKNOWN in self.values_read(rr).values():
                head += f" ({t['decided']})"  # decided though a fact is missing (engine.lang.decide)
            return f"{head}: {facts}" if facts else head
        # fail, triggered or unknown: say what would have to hold
        reqs = self.requirements(rr.rule.node, rr.trace.nodes, want, self.ranges(rr))
        text = "; ".join(reqs) if reqs else self.render(rr.rule.node)
        if rr.outcome != "unknown":
            return f"{t.get(rr.outcome, rr.outcome)}: {text}"
        waiver = rr.rule.waiver
        if waiver is not None and rr.value is (not want):  # decided, but the waiver itself is unknown
            read = self.values_read(rr)
            missing = [self.cat.label(k, self.lang) for k in waiver.facts() if read.get(k, UNKNOWN) is UNKNOWN]
            text += f"; {t['waiver_unknown']} ({t['missing']}: {', '.join(missing) or self.render(waiver)})"
        if rr.refused:
            text += "; " + t["na_refused"].format(facts=", ".join(self.cat.label(k, self.lang) for k in rr.refused))
        return f"{t['undecided']}: {text}"

    def computed(self, rr: RuleResult) -> list[str]:
        """How each derived fact the rule read was computed: its parts (engine.evaluate.derive)."""
        out = []
        for r in rr.reads():
            d = r.derived
            if d is None:
                continue
            w = words(self.lang)
            if d.borrowed:  # the issuer's own figure, given once (`issuer_facts`)
                whose = (
                    w["explain.of_issuer"] if d.borrowed == "issuer" else w["explain.of_unit"].format(unit=d.borrowed)
                )
                out.append(
                    f"{self.cat.label(r.key, self.lang)} = {fmt_value(r.value, r.key, self.cat, self.lang)} {whose}"
                )
                continue
            parts = ", ".join(
                uid if d.where is None else f"{uid}: {fmt_value(v, d.where, self.cat, self.lang)}" for uid, v in d.parts
            )
            how = say(Msg("explain.computed", n=len(d.parts), parts=parts), self.lang)
            if d.stated is not None:
                how = f"{w['explain.stated_refuted'].format(stated=fmt.number(d.stated, self.lang))} {how}"
            if d.short_of is not None:  # the file lists fewer units than the body's own count shows
                fact, stated = d.short_of
                how += " " + w["explain.unlisted"].format(
                    fact=self.cat.label(fact, self.lang), stated=fmt.number(stated, self.lang)
                )
            shown = (
                self.between(d.bounds)
                if d.bounds is not None and r.value is UNKNOWN
                else fmt_value(r.value, r.key, self.cat, self.lang)
            )
            out.append(f"{self.cat.label(r.key, self.lang)} = {shown} {how}")
        return out

    def dated(self, rr: RuleResult) -> list[str]:
        """Which dated value of each series the rule used (`latest`, `at`), from the trace."""
        out: list[str] = []
        for node in rr.rule.node.walk():
            if not isinstance(node, Call) or rr.skipped:
                continue
            builtin = BUILTINS[node.name]
            args = [rr.trace.nodes[a.idx] for a in node.args]
            day = builtin.dated(args, **node.options) if builtin.dated is not None else None
            if day is not None:
                value = fmt_value(rr.trace.nodes[node.idx], None, self.cat, self.lang)
                line = words(self.lang)["explain.dated"].format(
                    what=self.render(node.args[0]), day=fmt.day(day), v=value
                )
                if line not in out:
                    out.append(line)
            bounds = builtin.bounds(args, **node.options) if builtin.bounds is not None else None
            if bounds is not None:  # no entry that day (or no day at all): what the entries say of it
                w = words(self.lang)
                parts = "; ".join(
                    w[f"explain.{side}"].format(day=fmt.day(b[0]), v=fmt_value(b[1], None, self.cat, self.lang))
                    for side, b in zip(("bound_low", "bound_high"), bounds, strict=True)
                    if b is not None
                )
                on = args[1] if len(args) > 1 and isinstance(args[1], dt.date) else None
                what = self.render(node.args[0])
                line = (
                    w["explain.bounded"].format(what=what, day=fmt.day(on), parts=parts)
                    if on is not None
                    else w["explain.bounded_latest"].format(what=what, parts=parts)
                )
                if line not in out:
                    out.append(line)
        return out

    def missing_facts(self, rr: RuleResult) -> list[str]:
        return [k for k, v in self.values_read(rr).items() if v is UNKNOWN]

    # -- the requirement walk, over the rule's trace
    def requirements(
        self, node: Node, trace: Trace, want: bool, ranges: Mapping[str, tuple[int, int | None]] | None = None
    ) -> list[str]:
        """What would have to hold for `node` to give `want`; `ranges` are the counts known only as a
        range (a rule can be decided by them: "at least 2 of 10 in breach")."""
        ranges = ranges or {}
        value = trace[node.idx]
        if value is want or value is NA:
            return []
        if isinstance(node, Logic):
            parts = [r for item in node.items for r in self.requirements(item, trace, want, ranges)]
            if LOGIC[node.op].conjunctive(want) or len(parts) <= 1:
                return parts
            return [f"{self.t['one_of']}: " + f" {self.t['or']} ".join(f"({p})" for p in parts)]
        if isinstance(node, Not):
            return self.requirements(node.item, trace, not want, ranges)
        if isinstance(node, Compare):
            return [self._compare(node, trace, want, ranges)]
        if isinstance(node, Call):
            builtin, args = BUILTINS[node.name], [trace[a.idx] for a in node.args]
            if builtin.requirement is not None and not any(a is UNKNOWN for a in args):
                return [builtin.requirement(args, self.lang, lambda v: fmt_value(v, None, self.cat, self.lang))]
        if value is UNKNOWN:
            return [f"{self.t['missing']}: {self._missing(node, trace, ranges)}"]
        if isinstance(node, Fact):  # a bare boolean fact
            label = self.cat.label(node.key, self.lang)
            need = self.t["yes"] if want else self.t["no"]
            return [
                f"{label} {self.t['must']} {need}; {self.t['now']} {fmt_value(value, node.key, self.cat, self.lang)}"
            ]
        return [self.render(node)]

    def _missing(self, node: Node, trace: Trace, ranges: Mapping[str, tuple[int, int | None]]) -> str:
        """The labels of the facts under `node` whose value is unknown, each with the range it is
        known to lie in where it is a count (`ranges`: "chưa rõ, ít nhất 2") — else the expression."""
        keys = []
        for n in node.walk():
            if isinstance(n, Fact) and trace[n.idx] is UNKNOWN and n.key not in keys:
                keys.append(n.key)
        return ", ".join(self.unknown_fact(k, ranges) for k in keys) or self.render(node)

    def _compare(self, node: Compare, trace: Trace, want: bool, ranges: Mapping[str, tuple[int, int | None]]) -> str:
        op = node.op if want else COMPARISONS[node.op].negation
        left, right = node.left, node.right
        lv, rv = trace[left.idx], trace[right.idx]
        how: str | None = self._arith_shown(right, rv)
        solved = self._solved(left, rv, trace)
        if solved is not None:  # `share(part, whole) > 0.1` said as a bound on the part
            left, lv, rv, how = solved
        ranged = ranges.get(left.key) if isinstance(left, Fact) and lv is UNKNOWN else None
        around = self._around(left, trace) if lv is UNKNOWN and ranged is None else None
        if (lv is UNKNOWN and ranged is None and around is None) or rv is UNKNOWN:
            return f"{self.t['missing']}: {self._missing(node, trace, ranges)}"
        lt = self.render(left)
        if left.type.kind == "rating":
            scale = self.cat.scales[left.type.scale or ""]
            target = scale.label(str(rv), self.lang)
            cur = scale.label(str(lv), self.lang)
            phrase = _RATING_OPS[self.lang][op].format(v=target)
            return f"{lt} {self.t['must']} {phrase}; {self.t['now']} {cur}"
        op, bound = self._bound(left, op, rv, how)
        now = self.between(ranged) if ranged is not None else around if around is not None else self._shown(left, lv)
        return f"{lt} {self.t['must']} {_OPS[self.lang][op]} {bound}; {self.t['now']} {now}"

    def _arith_shown(self, right: Node, rv: Any) -> str | None:
        """How a bound computed by arithmetic was reached, in words ("0,1 × Tổng số biên chế = 4")."""
        return (
            f"{self.render(right)} = {fmt_value(rv, None, self.cat, self.lang)}" if isinstance(right, Arith) else None
        )

    def _solved(self, left: Node, rv: Any, trace: Trace) -> tuple[Node, Any, Any, str] | None:
        """A bound on a builtin that means `part / whole` (`share`), as a bound on the part: `share(part,
        whole) > c` holds exactly when `part > c × whole`, for a whole above 0 (else the call is n/a).
        Returns (the part, its value, the bound c × whole, how it was reached) or None."""
        if not isinstance(left, Call) or BUILTINS[left.name].means != "/" or not isinstance(rv, int | float):
            return None
        part, whole = left.args
        pv, wv = trace[part.idx], trace[whole.idx]
        if isinstance(rv, bool) or not isinstance(wv, int | float) or isinstance(wv, bool) or wv <= 0:
            return None
        bound = rv * wv
        shown = self._shown(left, rv)
        how = f"{shown} × {self.render(whole)} = {fmt_value(bound, None, self.cat, self.lang)}"
        return part, pv, bound, how

    def _shown(self, node: Node, v: Any) -> str:
        """A value of `node` in words, in the unit of the builtin it is a call of (a share as 10%)."""
        unit = BUILTINS[node.name].unit if isinstance(node, Call) else None
        if unit is not None and isinstance(v, int | float) and not isinstance(v, bool):
            return unit(v, self.lang)
        return fmt_value(v, _key(node), self.cat, self.lang)

    def _around(self, node: Node, trace: Trace) -> str | None:
        """A dated series read on a day it has no entry for, in words: what its entries around
        that day allow ("chưa rõ, nhiều nhất 70") — None where they say nothing."""
        if not isinstance(node, Call) or BUILTINS[node.name].bounds is None:
            return None
        bounds = BUILTINS[node.name].bounds
        got = bounds([trace[a.idx] for a in node.args], **node.options) if bounds is not None else None
        if got is None:
            return None
        low, high = (fmt_value(b[1], None, self.cat, self.lang) if b is not None else None for b in got)
        if low is not None and high is not None:
            return self.t["between"].format(low=low, high=high)
        return self.t["at_least_v" if low is not None else "at_most_v"].format(v=low or high)

    def _bound(self, left: Node, op: CompareOp, rv: Any, how: str | None) -> tuple[CompareOp, str]:
        text = self._shown(left, rv)
        if isinstance(rv, int | float) and _is_int_fact(left, self.cat) and COMPARISONS[op].ordered:
            # a count against a limit: say the whole number that would do ("at most 4")
            if op in ("<=", "<"):
                whole = math.floor(rv) if op == "<=" else math.ceil(rv) - 1
                op = "<="
            else:
                whole = math.ceil(rv) if op == ">=" else math.floor(rv) + 1
                op = ">="
            text = fmt.number(whole, self.lang)
        if how is not None:
            text += f" ({how})"
        return op, text

    # -- an expression in words
    def render(self, node: Node) -> str:
        if isinstance(node, Fact):
            return self.cat.label(node.key, self.lang)
        if isinstance(node, Const):
            return fmt_value(node.value, None, self.cat, self.lang)
        if isinstance(node, Arith):
            return f"{self.render(node.left)} {ARITHMETIC[node.op].phrase} {self.render(node.right)}"
        if isinstance(node, Neg):
            return f"-{self.render(node.item)}"
        if isinstance(node, Call):
            phrase = BUILTINS[node.name].phrase[self.lang]
            return phrase.format(*(self.render(a) for a in node.args))
        w = words(self.lang)
        if isinstance(node, Compare):
            return f"{self.render(node.left)} {w['compare.' + node.op]} {self.render(node.right)}"
        if isinstance(node, Logic):
            return f" {w[LOGIC[node.op].phrase]} ".join(self.render(i) for i in node.items)
        if isinstance(node, Not):
            return f"{w[NOT_PHRASE]} {self.render(node.item)}"
        raise TypeError(f"cannot phrase {type(node).__name__}")  # pragma: no cover - the parser refuses

    def scope_reason(self, scope: Scope, kind: str) -> str:
        """Why a candidate is out of scope, in words, citing the limit's clause (II.1, đối tượng)."""
        w = words(self.lang)
        kinds = w.section("kind")
        if scope.reason == "kind":
            return w["text.out_of_scope"].format(kind=kinds.get(kind, kind))
        found = (
            f"{scope.detail} ({kinds.get(scope.found_kind, scope.found_kind)})" if scope.found_kind else scope.detail
        )
        text = w[f"scope.{scope.reason}"].format(d=found)
        person = scope.reason in ("no_unit", "unit_not_in_file", "workplace")
        allowed = "; ".join(w["scope.issuer"] if k == "issuer" else kinds.get(k, k) for k in scope.allowed)
        if scope.unknown:  # not yet known: what the plan covers, and what to write to decide it
            only = w["scope.only_workplace" if person else "scope.only_parent"].format(allowed=allowed)
            return f"{text} — {only} ({scope.clause}); {w['scope.to_decide'].format(key=scope.key)}"
        need = w["scope.need_workplace" if person else "scope.need_parent"].format(allowed=allowed)
        return f"{text}; {need} ({scope.clause})"

    def unstated(self, decided: Unstated, group: str) -> str:
        """A unit or parent the file does not give, read as the plan's issuer by the campaign's recorded decision."""
        w = words(self.lang)
        what = w["scope.unit_word" if group == "person" else "scope.parent_word"]
        return w["scope.unstated"].format(what=what, clause=decided.clause)

    def submission_reason(self, sub: SubmissionResult) -> str:
        v = words(self.lang)

        def d(x: dt.date | None) -> str:
            return fmt.day(x, none="?")

        if sub.outcome == "not_checked":
            return v["nomination.not_checked"]
        if sub.outcome == "missing_documents":
            docs = ", ".join(DOC_LABELS[self.lang][x] for x in sub.missing)
            parts = []
            if docs:
                parts.append(v["nomination.missing"] + docs)
            if sub.copies_short:
                parts.append(say(Msg("nomination.copies_short", n=sub.copies_short), self.lang))
            return "; ".join(parts)
        if sub.outcome == "undecided":
            if sub.why == "no_date":
                return v["nomination.no_date"]
            if sub.why == "no_documents":
                return v["nomination.no_documents"].format(sent=d(sub.date), deadline=d(sub.deadline))
            if sub.why in ("channel", "no_channel"):
                channels = self.campaign.model.nomination.channels
                accepted = f" {self.t['or']} ".join(self.channel(c) for c in (channels.accepted if channels else ()))
                return v[f"nomination.{sub.why}"].format(
                    sent=d(sub.date), deadline=d(sub.deadline), via=self.channel(sub.via or ""), accepted=accepted
                )
            return v["nomination.no_deadline"]
        if sub.outcome == "late":
            key = "nomination.late_considered" if sub.why == "late_considered" else "nomination.late"
            if sub.basis == "hand" and sub.why != "late_considered":
                key = "nomination.late_hand"
            return v[key].format(sent=d(sub.date), deadline=d(sub.deadline))
        key = {"hand": "nomination.sent_hand", "received": "nomination.sent_received"}.get(sub.basis, "nomination.sent")
        return v[key].format(sent=d(sub.date), deadline=d(sub.deadline))

    def channel(self, via: str) -> str:
        """A way of sending the file (submission.via), in words."""
        return words(self.lang).section("channel").get(via, via)


def _key(node: Node) -> str | None:
    if isinstance(node, Fact):
        return node.key
    if isinstance(node, Call) and node.args and isinstance(node.args[0], Fact):
        return node.args[0].key
    return None


def _is_int_fact(node: Node, cat: Catalogue) -> bool:
    key = _key(node)
    return bool(key and cat.facts[key].type == "int")
