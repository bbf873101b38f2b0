"""Human-readable reasons: what a rule read, why it came out as it did, what would change it.

Reasons are built only for what is shown. `requirements(node, env, want)` walks a rule's
IR and phrases every part that does not give `want` as the condition that would have to
hold ("Xếp loại CCHC phải từ Tốt trở lên; hiện là Khá", "at most 4 of 40 …").
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from engine.evaluate.core import RuleResult, SubmissionResult
from engine.lang import NA, UNKNOWN, Arith, Call, Compare, Const, Fact, Logic, Neg, Node, Not, Trace
from engine.lang.builtins import BUILTINS
from engine.model.campaign import Campaign, Scope
from engine.model.catalogue import Catalogue

T = {
    "vi": {
        "unknown": "chưa có dữ liệu",
        "undecided": "Chưa xác định",
        "waiver_unknown": "chưa rõ có được miễn không",
        "na": "không áp dụng",
        "yes": "Có",
        "no": "Không",
        "must": "phải",
        "now": "hiện là",
        "one_of": "một trong các điều kiện sau",
        "or": "hoặc",
        "missing": "thiếu dữ liệu",
        "pass": "Đạt",
        "fail": "Không đạt",
        "waived": "Được miễn",
        "not_applicable": "Không áp dụng",
        "triggered": "Bị loại",
        "clear": "Không vi phạm",
        "kind_only": "chỉ áp dụng cho",
        "no_unit": "không có đơn vị của người này trong tệp",
        "improved": "mọi chỉ số thành phần được giao phải tăng điểm so với năm trước",
        "not_improved": "không tăng điểm",
        "no_components": "không được giao chỉ số thành phần nào",
        "on": "ngày",
        "all_ok": "đáp ứng",
    },
    "en": {
        "unknown": "unknown",
        "undecided": "Undecided",
        "waiver_unknown": "whether the waiver applies is unknown",
        "na": "not applicable",
        "yes": "Yes",
        "no": "No",
        "must": "must be",
        "now": "it is",
        "one_of": "one of the following",
        "or": "or",
        "missing": "missing",
        "pass": "Pass",
        "fail": "Fail",
        "waived": "Waived",
        "not_applicable": "Not applicable",
        "triggered": "Triggered",
        "clear": "Clear",
        "kind_only": "applies only to",
        "no_unit": "this person's unit is not in the file",
        "improved": "every assigned index component must score above last year",
        "not_improved": "did not improve",
        "no_components": "no index component assigned",
        "on": "on",
        "all_ok": "met",
    },
}

_OPS = {
    "vi": {
        "==": "bằng",
        "!=": "khác",
        "<": "nhỏ hơn",
        "<=": "không quá",
        ">": "lớn hơn",
        ">=": "ít nhất",
    },
    "en": {
        "==": "equal to",
        "!=": "other than",
        "<": "less than",
        "<=": "at most",
        ">": "more than",
        ">=": "at least",
    },
}
_RATING_OPS = {
    "vi": {
        ">=": "từ {v} trở lên",
        "<=": "từ {v} trở xuống",
        ">": "trên {v}",
        "<": "dưới {v}",
        "==": "{v}",
        "!=": "khác {v}",
    },
    "en": {
        ">=": "{v} or better",
        "<=": "{v} or worse",
        ">": "better than {v}",
        "<": "worse than {v}",
        "==": "{v}",
        "!=": "other than {v}",
    },
}
_DATED = {  # words naming the dated value of a series a rule used
    "vi": "{what}: dùng số liệu ngày {day} = {v}",
    "en": "{what}: used the value of {day} = {v}",
}
_COMPUTED = {  # words of the provenance of a derived fact
    "vi": "(tính từ {n} đơn vị trực thuộc có trong tệp: {parts})",
    "en": "(computed from the {n} subordinate units in the file: {parts})",
}
_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}

VERDICT_LABELS = {
    "vi": {
        "out_of_scope": "Không thuộc đối tượng",
        "not_considered": "Không xem xét",
        "disqualified": "Không xét khen thưởng",
        "ineligible": "Không đủ tiêu chí",
        "incomplete": "Thiếu dữ liệu",
        "eligible": "Đủ điều kiện",
    },
    "en": {
        "out_of_scope": "Out of scope",
        "not_considered": "Not considered",
        "disqualified": "Disqualified",
        "ineligible": "Ineligible",
        "incomplete": "Incomplete",
        "eligible": "Eligible",
    },
}

SUBMISSION_LABELS = {
    "vi": {
        "on_time": "Đúng hạn",
        "late": "Quá hạn",
        "missing_documents": "Thiếu hồ sơ",
        "not_checked": "Chưa kiểm tra hồ sơ",
        "undecided": "Chưa xác định được",
    },
    "en": {
        "on_time": "On time",
        "late": "Late",
        "missing_documents": "Missing documents",
        "not_checked": "Not checked",
        "undecided": "Undecided",
    },
}

DOC_LABELS = {
    "vi": {
        "proposal": "văn bản đề nghị (tờ trình)",
        "council_minutes": "biên bản họp Hội đồng TĐKT",
        "achievement_report": "báo cáo thành tích",
    },
    "en": {
        "proposal": "proposal letter",
        "council_minutes": "council minutes",
        "achievement_report": "achievement report",
    },
}


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
        return {r.key: r.value for r in rr.reads()}

    # -- one line per rule
    def reason(self, rr: RuleResult) -> str:
        t = self.t
        if rr.skipped == "kind":
            kinds = ", ".join(rr.rule.spec.kinds or ())
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
            return f"{head}: {facts}" if facts else head
        # fail, triggered or unknown: say what would have to hold
        reqs = self.requirements(rr.rule.node, rr.trace.nodes, want)
        text = "; ".join(reqs) if reqs else self.render(rr.rule.node)
        if rr.outcome != "unknown":
            return f"{t.get(rr.outcome, rr.outcome)}: {text}"
        waiver = rr.rule.waiver
        if waiver is not None and rr.value is (not want):  # decided, but the waiver itself is unknown
            read = self.values_read(rr)
            missing = [self.cat.label(k, self.lang) for k in waiver.facts() if read.get(k, UNKNOWN) is UNKNOWN]
            text += f"; {t['waiver_unknown']} ({t['missing']}: {', '.join(missing) or self.render(waiver)})"
        return f"{t['undecided']}: {text}"

    def computed(self, rr: RuleResult) -> list[str]:
        """How each derived fact the rule read was computed: its parts (engine.evaluate.derive)."""
        out = []
        for r in rr.reads():
            d = r.derived
            if d is None:
                continue
            parts = ", ".join(
                uid if d.where is None else f"{uid}: {fmt_value(v, d.where, self.cat, self.lang)}" for uid, v in d.parts
            )
            how = _COMPUTED[self.lang].format(n=len(d.parts), parts=parts)
            out.append(f"{self.cat.label(r.key, self.lang)} = {fmt_value(r.value, r.key, self.cat, self.lang)} {how}")
        return out

    def dated(self, rr: RuleResult) -> list[str]:
        """Which dated value of each series the rule used (`latest`, `at`), from the trace."""
        out: list[str] = []
        for node in rr.rule.node.walk():
            if not isinstance(node, Call) or rr.skipped:
                continue
            pick = BUILTINS[node.name].dated
            day = pick([rr.trace.nodes[a.idx] for a in node.args]) if pick is not None else None
            if day is not None:
                value = fmt_value(rr.trace.nodes[node.idx], None, self.cat, self.lang)
                line = _DATED[self.lang].format(what=self.render(node.args[0]), day=day.strftime("%d/%m/%Y"), v=value)
                if line not in out:
                    out.append(line)
        return out

    def missing_facts(self, rr: RuleResult) -> list[str]:
        return [k for k, v in self.values_read(rr).items() if v is UNKNOWN]

    # -- the requirement walk, over the rule's trace
    def requirements(self, node: Node, trace: Trace, want: bool) -> list[str]:
        value = trace[node.idx]
        if value is want or value is NA:
            return []
        if isinstance(node, Logic):
            parts = [r for item in node.items for r in self.requirements(item, trace, want)]
            conjunctive = (node.op == "and") == want
            if conjunctive or len(parts) <= 1:
                return parts
            return [f"{self.t['one_of']}: " + f" {self.t['or']} ".join(f"({p})" for p in parts)]
        if isinstance(node, Not):
            return self.requirements(node.item, trace, not want)
        if isinstance(node, Compare):
            return [self._compare(node, trace, want)]
        if isinstance(node, Call):
            builtin, args = BUILTINS[node.name], [trace[a.idx] for a in node.args]
            if builtin.requirement is not None and not any(a is UNKNOWN for a in args):
                return [builtin.requirement(args, self.lang)]
        if value is UNKNOWN:
            return [f"{self.t['missing']}: {self._missing(node, trace)}"]
        if isinstance(node, Fact):  # a bare boolean fact
            label = self.cat.label(node.key, self.lang)
            need = self.t["yes"] if want else self.t["no"]
            return [
                f"{label} {self.t['must']} {need}; {self.t['now']} {fmt_value(value, node.key, self.cat, self.lang)}"
            ]
        return [self.render(node)]

    def _missing(self, node: Node, trace: Trace) -> str:
        """The labels of the facts under `node` whose value is unknown (else the expression in words)."""
        keys = []
        for n in node.walk():
            if isinstance(n, Fact) and trace[n.idx] is UNKNOWN and n.key not in keys:
                keys.append(n.key)
        return ", ".join(self.cat.label(k, self.lang) for k in keys) or self.render(node)

    def _compare(self, node: Compare, trace: Trace, want: bool) -> str:
        op = node.op if want else _NEGATE[node.op]
        left, right = node.left, node.right
        lv, rv = trace[left.idx], trace[right.idx]
        if lv is UNKNOWN or rv is UNKNOWN:
            return f"{self.t['missing']}: {self._missing(node, trace)}"
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
            phrase = BUILTINS[node.name].phrase[self.lang]
            return phrase.format(*(self.render(a) for a in node.args))
        if isinstance(node, Compare):
            return f"{self.render(node.left)} {node.op} {self.render(node.right)}"
        if isinstance(node, Logic):
            return f" {node.op} ".join(self.render(i) for i in node.items)
        if isinstance(node, Not):
            return f"not {self.render(node.item)}"
        return "?"

    def scope_reason(self, scope: Scope, kind: str) -> str:
        """Why a candidate is out of scope, in words, citing the limit's clause (II.1, đối tượng)."""
        vi = self.lang == "vi"
        if scope.reason == "kind":
            return (
                f"loại '{kind}' không thuộc đối tượng thi đua"
                if vi
                else f"kind '{kind}' does not compete in this campaign"
            )
        d = scope.detail
        vi_text, en_text = {
            "no_unit": ("không ghi đơn vị công tác (unit)", "no workplace (unit) is given"),
            "unit_not_in_file": (f"đơn vị công tác '{d}' không có trong tệp", f"workplace '{d}' is not in the file"),
            "workplace": (f"đơn vị công tác {d} không thuộc đối tượng", f"workplace {d} is not a covered body"),
            "no_parent": ("không ghi đơn vị cấp trên (parent)", "no parent unit is given"),
            "parent_not_in_file": (f"đơn vị cấp trên '{d}' không có trong tệp", f"parent '{d}' is not in the file"),
            "parent": (f"đơn vị cấp trên {d} không thuộc đối tượng", f"parent {d} is not a covered body"),
        }.get(scope.reason, ("", ""))
        person = scope.reason in ("no_unit", "unit_not_in_file", "workplace")
        issuer = "issuer (trực thuộc cơ quan ban hành)" if vi else "issuer (directly under the plan's issuer)"
        allowed = ", ".join(issuer if k == "issuer" else k for k in scope.allowed)
        if vi:
            need = f"{'đơn vị công tác' if person else 'đơn vị cấp trên'} phải là: {allowed}"
        else:
            need = f"{'the workplace' if person else 'the parent'} must be: {allowed}"
        return f"{vi_text if vi else en_text}; {need} ({scope.clause})"

    def submission_reason(self, sub: SubmissionResult) -> str:
        vi = self.lang == "vi"

        def d(x: dt.date | None) -> str:
            return x.strftime("%d/%m/%Y") if x else "?"

        if sub.outcome == "not_checked":
            return (
                "Không có thông tin hồ sơ đề nghị: chỉ xét theo tiêu chí"
                if vi
                else "No nomination file given: judged on the rules alone"
            )
        if sub.outcome == "missing_documents":
            docs = ", ".join(DOC_LABELS[self.lang][x] for x in sub.missing)
            parts = []
            if docs:
                parts.append(("Thiếu: " if vi else "Missing: ") + docs)
            if sub.copies_short:
                parts.append(f"thiếu {sub.copies_short} bộ hồ sơ" if vi else f"{sub.copies_short} copy short")
            return "; ".join(parts)
        if sub.outcome == "undecided":
            if sub.why == "no_date":
                return (
                    "Hồ sơ không ghi ngày gửi (dấu bưu điện / hệ thống TDO)"
                    if vi
                    else "The nomination file has no sent date (postmark / TDO)"
                )
            return (
                "Kế hoạch không ấn định hạn nộp; chưa cung cấp hạn (--deadline)"
                if vi
                else "The plan sets no date; no deadline was given (--deadline)"
            )
        verb = "gửi ngày" if vi else "sent on"
        lim = "hạn chậm nhất" if vi else "deadline"
        return f"{verb} {d(sub.date)}, {lim} {d(sub.deadline)}"


def _key(node: Node) -> str | None:
    if isinstance(node, Fact):
        return node.key
    if isinstance(node, Call) and node.args and isinstance(node.args[0], Fact):
        return node.args[0].key
    return None


def _is_int_fact(node: Node, cat: Catalogue) -> bool:
    key = _key(node)
    return bool(key and cat.facts[key].type == "int")
