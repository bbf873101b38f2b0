"""What changed between two campaigns, and — given a facts file — what that changes for whom.

`thidua diff OLD NEW [--facts FILE]`. The structural diff compares the two files section by
section (document, groups, criteria, disqualifiers, period, nomination, awards, ranking,
reward): items are matched by id, then a removed and an added rule of the same group are
paired when their label, rule or quote are alike (a renamed rule). Rules whose text differs
only by the plan's year are listed together, so the real changes stand out.

The impact evaluates the same facts under both campaigns — the rules only: nomination files
are not compared, since their dates belong to one year's plan — and lists every candidate
whose verdict or award selection changes, with the rules that made the difference.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from engine.common import fmt
from engine.evaluate.allocate import Allocation
from engine.evaluate.core import CandidateResult, evaluate
from engine.explain.reasons import DOC_LABELS, VERDICT_LABELS, Explainer
from engine.model.campaign import Campaign, CampaignRead
from engine.model.schema import CHANNELS, Award, CampaignModel, Criterion, Deadline, Disqualifier, Nomination, Period
from engine.model.vocabulary import words
from engine.readers import load_facts

Upload = tuple[str, bytes]  # an uploaded file's name and content


def w(key: str, lang: str) -> str:
    """A word of the diff, from the vocabulary (templates/vocabulary.yaml, section diff)."""
    return words(lang)["diff." + key]


@dataclass
class Change:
    """One item added, removed or changed, with its field changes as (field, old, new) in words."""

    kind: str  # added | removed | changed
    id: str
    title: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)  # for added/removed: what it is
    renamed_from: str = ""
    year_only: bool = False


@dataclass
class Section:
    key: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImpactRow:
    """A candidate whose verdict or selection differs: the two states and what made the difference."""

    id: str
    name: str
    old: str  # verdict key, or selection status (selected | tie | reserve | none)
    new: str
    rules: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # rule id, old, new outcome
    notes: list[str] = field(default_factory=list)  # in words: scope, quota, ranking, the verdict behind it


@dataclass
class Impact:
    facts: str
    as_of: dt.date
    total: int
    verdicts: list[ImpactRow]
    selection: list[ImpactRow]
    missing_facts: list[tuple[str, str]] = field(default_factory=list)  # key, label: the new rules need them


@dataclass
class CampaignDiff:
    old: CampaignModel
    new: CampaignModel
    sections: list[Section]
    renames: dict[str, str]  # old rule id → new rule id
    lang: str = "vi"
    impact: Impact | None = None


# ---------------------------------------------------------------- structure


def diff_models(old: CampaignModel, new: CampaignModel, lang: str = "vi") -> CampaignDiff:
    years = (_year(old), _year(new))
    sections = [
        Section("document", _document(old, new, lang)),
        Section("groups", _groups(old, new, lang)),
    ]
    renames: dict[str, str] = {}
    for key in ("criteria", "disqualifiers"):
        sections.append(Section(key, _rules(getattr(old, key), getattr(new, key), old, new, years, renames, lang)))
    sections += [
        Section("period", _fields(_period(old.period, lang), _period(new.period, lang), lang)),
        Section("nomination", _nomination(old, new, lang)),
        Section("awards", _awards(old, new, lang)),
        Section("ranking", _ranking(old, new, lang)),
        Section("reward", _reward(old, new)),
    ]
    return CampaignDiff(old, new, sections, renames, lang)


def _year(m: CampaignModel) -> str:
    return str(m.period.end.year)


def _fields(old: list[tuple[str, str]], new: list[tuple[str, str]], lang: str, id_: str = "") -> list[Change]:
    a, b = dict(old), dict(new)
    out = [(k, a.get(k, w("none", lang)), b.get(k, w("none", lang))) for k in dict.fromkeys([*a, *b])]
    changed = [(w(k, lang), x, y) for k, x, y in out if x != y]
    return [Change("changed", id_, "", changed)] if changed else []


def _document(old: CampaignModel, new: CampaignModel, lang: str) -> list[Change]:
    def doc(m: CampaignModel) -> list[tuple[str, str]]:
        d = m.document
        return [
            ("number", f"{d.kind} {d.number or '…'}"),
            ("issuer", d.issuer),
            ("date", d.date_text),
            ("signer", " ".join(x for x in (d.signer_title, d.signer) if x) or w("none", lang)),
            ("level", d.level),
            ("source", d.source),
        ]

    return _fields(doc(old), doc(new), lang)


def _kinds(kinds: Sequence[str], lang: str) -> str:
    names = words(lang).section("kind")
    return "; ".join(names.get(k, k) for k in kinds)  # "; ": a kind's own name may hold commas


def _groups(old: CampaignModel, new: CampaignModel, lang: str) -> list[Change]:
    out = []
    for gid in dict.fromkeys([*old.groups, *new.groups]):
        a, b = old.groups.get(gid), new.groups.get(gid)
        if a is None and b is not None:
            details = [("kinds", _kinds(b.kinds, lang)), ("clause", b.clause)]
            if b.extends:
                details.append(("extends", b.extends))
            out.append(Change("added", gid, b.label.get(lang), details=details))
        elif b is None and a is not None:
            out.append(Change("removed", gid, a.label.get(lang), details=[("kinds", _kinds(a.kinds, lang))]))
        elif a is not None and b is not None:
            fields = []
            plus = [k for k in b.kinds if k not in a.kinds]
            minus = [k for k in a.kinds if k not in b.kinds]
            if plus:
                fields.append((f"{w('kinds_added', lang)} {w('kinds', lang)}", "", _kinds(plus, lang)))
            if minus:
                fields.append((f"{w('kinds_removed', lang)} {w('kinds', lang)}", "", _kinds(minus, lang)))
            for key in ("heads_only", "extends"):
                if getattr(a, key) != getattr(b, key):
                    fields.append((w(key, lang), str(getattr(a, key)), str(getattr(b, key))))
            if fields:
                out.append(Change("changed", gid, b.label.get(lang), fields))
    return out


Rule = Criterion | Disqualifier


def _rule_fields(r: Rule, lang: str) -> list[tuple[str, str]]:
    out = [
        ("label", r.label.get(lang)),
        ("group", r.group),
        ("rule", r.rule),
        ("clause", r.clause),
        ("quote", _fold(r.quote)),
    ]
    if isinstance(r, Criterion):
        out.append(("required", w("yes" if r.required else "no", lang)))
    out.append(("kinds", _kinds(r.kinds, lang) if r.kinds else w("none", lang)))
    out.append(("scope", w(r.scope, lang)))
    out.append(("waiver", r.waiver.when if r.waiver else w("none", lang)))
    return out


def _rules(
    old: tuple[Rule, ...],
    new: tuple[Rule, ...],
    old_m: CampaignModel,
    new_m: CampaignModel,
    years: tuple[str, str],
    renames: dict[str, str],
    lang: str,
) -> list[Change]:
    a = {r.id: r for r in old}
    b = {r.id: r for r in new}
    pairs = [(a[i], b[i]) for i in a if i in b]
    gone = [r for r in old if r.id not in b]
    came = [r for r in new if r.id not in a]
    for r in list(gone):  # a renamed rule: same group, alike in label, rule or quote
        best = max(came, key=lambda c: _alike(r, c), default=None)
        if best is not None and best.group == r.group and _alike(r, best) >= 0.75:
            pairs.append((r, best))
            gone.remove(r)
            came.remove(best)
            renames[r.id] = best.id
    out: list[Change] = []
    order = {r.id: i for i, r in enumerate(new)}
    for x, y in sorted(pairs, key=lambda p: order[p[1].id]):
        fx, fy = dict(_rule_fields(x, lang)), dict(_rule_fields(y, lang))
        fields = [(k, fx.get(k, ""), fy.get(k, "")) for k in fy if fx.get(k, "") != fy.get(k, "")]
        if not fields and x.id == y.id:
            continue
        year_only = all(_same_but_year(o, n, years) for _, o, n in fields)
        shown = [(w(k, lang), "", quote_change(o, n)) if k == "quote" else (w(k, lang), o, n) for k, o, n in fields]
        out.append(
            Change(
                "changed",
                y.id,
                y.label.get(lang),
                shown,
                renamed_from=x.id if x.id != y.id else "",
                year_only=year_only and x.id == y.id,
            )
        )
    for r in came:
        out.append(Change("added", r.id, r.label.get(lang), details=_rule_details(r, lang)))
    for r in gone:
        out.append(Change("removed", r.id, r.label.get(lang), details=_rule_details(r, lang)))
    return out


def _rule_details(r: Rule, lang: str) -> list[tuple[str, str]]:
    out = [("group", r.group), ("clause", r.clause), ("rule", r.rule)]
    if isinstance(r, Criterion) and not r.required:
        out.append(("required", w("no", lang)))
    if r.kinds:
        out.append(("kinds", _kinds(r.kinds, lang)))
    if r.scope == "unit":
        out.append(("scope", w("unit", lang)))
    if r.waiver:
        out.append(("waiver", r.waiver.when))
    return out


def _alike(x: Rule, y: Rule) -> float:
    if x.group != y.group:
        return 0.0
    return max(
        1.0 if x.rule == y.rule and x.clause == y.clause else 0.0,
        difflib.SequenceMatcher(None, x.label.vi, y.label.vi).ratio(),
        difflib.SequenceMatcher(None, _fold(x.quote), _fold(y.quote)).ratio(),
    )


_YEAR = re.compile(r"\b(19|20)\d\d\b")


def _same_but_year(old: str, new: str, years: tuple[str, str]) -> bool:
    return old.replace(years[0], years[1]) == new or _YEAR.sub("Y", old) == _YEAR.sub("Y", new)


def _fold(text: str) -> str:
    from engine.authoring.quotes import fold

    return fold(text)


def quote_change(old: str, new: str, context: int = 4) -> str:
    """The new quote with the words removed as [-…-] and added as {+…+}; long unchanged runs elided."""
    a, b = old.split(" "), new.split(" ")
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    parts: list[str] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            words = a[i1:i2]
            first, last = n == 0, n == len(ops) - 1
            if first and len(words) > context:
                words = ["…", *words[-context:]]
            elif last and len(words) > context:
                words = [*words[:context], "…"]
            elif not first and not last and len(words) > 2 * context:
                words = [*words[:context], "…", *words[-context:]]
            parts.append(" ".join(words))
            continue
        if i2 > i1:
            parts.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            parts.append("{+" + " ".join(b[j1:j2]) + "+}")
    return "“" + " ".join(parts) + "”"


def _period(p: Period, lang: str) -> list[tuple[str, str]]:
    end = fmt.day(p.end)
    until = w("until_inclusive" if p.end_inclusive else "until_before", lang).format(end=end)
    out = [
        ("start", fmt.day(p.start) if p.start else w("none", lang)),
        ("end", until),
        ("yearly", w("yes" if p.yearly else "no", lang)),
    ]
    return out


def _deadline(d: Deadline | None, inclusive: bool, lang: str) -> str:
    if d is None:
        return w("none", lang)
    if d.date is not None:
        text = fmt.day(d.date)
        return text + (f" ({w('inclusive', lang)})" if inclusive else "")
    if d.yearly is not None:
        month, day = d.yearly.split("-")
        return f"{w('yearly', lang)} {day}/{month}"
    assert d.event is not None
    return d.event.get(lang)


def _nomination(old: CampaignModel, new: CampaignModel, lang: str) -> list[Change]:
    def fields(m: CampaignModel) -> list[tuple[str, str]]:
        n = m.nomination
        docs = ", ".join(DOC_LABELS[lang][d] for d in n.documents) or w("none", lang)
        return [
            ("deadline", _deadline(n.deadline, n.inclusive, lang)),
            ("date_counts", w(n.date_counts, lang)),
            ("documents", docs),
            ("copies", str(n.copies) if n.copies else w("none", lang)),
            ("channels", channels(n)),
            ("late", w(f"late_{n.late.decision}", lang) if n.late else w("late_not_considered", lang)),
        ]

    def channels(n: Nomination) -> str:
        ways = n.channels.accepted if n.channels else CHANNELS
        return ", ".join(words(lang)[f"channel.{c}"] for c in ways)

    return _fields(fields(old), fields(new), lang)


def _award_fields(a: Award, m: CampaignModel, lang: str) -> list[tuple[str, str]]:
    out = [("form", a.form.get(lang)), ("authority", a.authority.get(lang)), ("level", a.level or w("none", lang))]
    for gid, q in a.quotas.items():
        label = m.groups[gid].label.get(lang) if gid in m.groups else gid
        out.append((f"quota:{label}", str(q) if q is not None else w("no_quota", lang)))
    out.append(("from", a.from_ or w("none", lang)))
    if a.deadline is not None:
        out.append(("deadline", _deadline(a.deadline, True, lang)))
    if a.conditions:
        out.append(("award_conditions", "; ".join(f"{c.id}: {c.rule}" for c in a.conditions)))
    if a.scope is not None:
        out.append(("award_per", ", ".join(a.scope.per)))
    if a.standard != "group":
        out.append(("award_standard", a.standard))
    if a.instead_of:
        out.append(("award_instead_of", a.instead_of))
    return out


def _awards(old: CampaignModel, new: CampaignModel, lang: str) -> list[Change]:
    a = {x.id: x for x in old.awards}
    b = {x.id: x for x in new.awards}
    pairs = [(a[i], b[i]) for i in b if i in a]
    gone = [x for x in old.awards if x.id not in b]
    came = [x for x in new.awards if x.id not in a]
    if len(gone) == 1 and len(came) == 1:  # one award each side: the same award, renamed
        pairs.append((gone.pop(), came.pop()))
    out = []
    for x, y in pairs:
        fx, fy = dict(_award_fields(x, old, lang)), dict(_award_fields(y, new, lang))
        fields = []
        for k in dict.fromkeys([*fx, *fy]):
            if fx.get(k) != fy.get(k):
                name = f"{w('quota', lang)} {k.split(':', 1)[1]}" if k.startswith("quota:") else w(k, lang)
                fields.append((name, fx.get(k, w("none", lang)), fy.get(k, w("none", lang))))
        if fields or x.id != y.id:
            out.append(Change("changed", y.id, y.form.get(lang), fields, renamed_from=x.id if x.id != y.id else ""))
    for x in came:
        out.append(Change("added", x.id, x.form.get(lang), details=_award_fields(x, new, lang)))
    for x in gone:
        out.append(Change("removed", x.id, x.form.get(lang), details=_award_fields(x, old, lang)))
    return out


def _rank_keys(m: CampaignModel, gid: str, lang: str) -> str:
    r = m.ranking.get(gid)
    if r is None:
        return w("none", lang)
    return " → ".join(f"{k.label.get(lang)} ({'↓' if k.order == 'desc' else '↑'})" for k in r.keys)


def _ranking(old: CampaignModel, new: CampaignModel, lang: str) -> list[Change]:
    out = []
    for gid in dict.fromkeys([*old.ranking, *new.ranking]):
        a, b = _rank_keys(old, gid, lang), _rank_keys(new, gid, lang)
        if a != b:
            group = new.groups.get(gid) or old.groups.get(gid)
            title = group.label.get(lang) if group else gid
            out.append(Change("changed", gid, title, [(w("keys", lang), a, b)]))
    return out


def _reward(old: CampaignModel, new: CampaignModel) -> list[Change]:
    a = old.reward.decree if old.reward else "—"
    b = new.reward.decree if new.reward else "—"
    if a == b:
        return []
    return [
        Change(
            "changed",
            "",
            "",
            [(w("decree", "vi"), w("decree_name", "vi").format(decree=a), w("decree_name", "vi").format(decree=b))],
        )
    ]


# ---------------------------------------------------------------- impact


def impact(d: CampaignDiff, old: Campaign, new: Campaign, facts_path: Path | Upload, as_of: dt.date | None) -> Impact:
    """Evaluate one facts file (a path, or an upload's name and bytes) under both campaigns (rules
    only) and list what changes."""
    from engine.evaluate.allocate import allocate
    from engine.readers import read_facts

    if isinstance(facts_path, Path):
        facts = load_facts(facts_path, new.catalogue)
    else:
        facts = read_facts(facts_path[0], facts_path[1], new.catalogue)
        facts_path = Path(facts_path[0])
    for cand in facts.candidates:
        cand.submission = None  # nomination files are compared in the structural diff, not here
    ev_old = evaluate(old, facts, as_of=as_of)
    ev_new = evaluate(new, facts, as_of=ev_old.as_of)
    lang = d.lang
    verdicts: list[ImpactRow] = []
    for ro, rn in zip(ev_old.results, ev_new.results, strict=True):
        if ro.verdict != rn.verdict:
            row = ImpactRow(ro.id, ro.candidate.name, ro.verdict, rn.verdict)
            _why(ro, rn, d, row, (old, new))
            verdicts.append(row)
    status_old = _statuses(allocate(ev_old), old)
    status_new = _statuses(allocate(ev_new), new)
    selection: list[ImpactRow] = []
    for ro, rn in zip(ev_old.results, ev_new.results, strict=True):
        a, b = status_old.get(ro.id), status_new.get(ro.id)
        if (a and a[0]) == (b and b[0]):
            continue
        row = ImpactRow(ro.id, ro.candidate.name, a[0] if a else "none", b[0] if b else "none")
        if ro.verdict != rn.verdict:
            row.notes.append(f"{VERDICT_LABELS[lang][ro.verdict]} → {VERDICT_LABELS[lang][rn.verdict]}")
        elif a is not None and b is not None and a[1] != b[1]:
            row.notes.append(f"{w('quota', lang)} {_quota(a[1], lang)} → {_quota(b[1], lang)}")
        else:
            row.notes.append(w("ranked_against", lang))
        selection.append(row)
    present = {k for c in facts.candidates for k in c.facts}
    needed: list[str] = []
    rules = {r.id: r for r in new.all_rules()}
    for row in verdicts:
        for rid, _, outcome in row.rules:
            if outcome == "unknown" and rid in rules:
                needed += [k for k in rules[rid].facts if k not in present and k not in needed]
    missing = [(k, new.catalogue.label(k, lang)) for k in needed]
    return Impact(str(facts_path), ev_old.as_of, len(facts.candidates), verdicts, selection, missing)


def _quota(q: int | None, lang: str) -> str:
    return str(q) if q is not None else w("no_quota", lang)


def _statuses(alloc: Allocation, campaign: Campaign) -> dict[str, tuple[str, int | None]]:
    """Per candidate: selected / tie / reserve in the first stage listing it, and that group's quota."""
    out: dict[str, tuple[str, int | None]] = {}
    first_stage = {a.id for a in campaign.model.awards if not a.from_}
    for g in alloc.groups:
        if g.award_id not in first_stage:
            continue  # a later stage chooses among the first one's selection
        for status, rows in (("selected", g.selected), ("tie", g.tie), ("reserve", g.reserve)):
            for r in rows:
                out.setdefault(r.id, (status, g.quota))
    return out


def _why(
    ro: CandidateResult, rn: CandidateResult, d: CampaignDiff, row: ImpactRow, campaigns: tuple[Campaign, Campaign]
) -> None:
    """The rules that made the difference: against the candidate under one campaign and not the other."""
    lang = d.lang
    if ro.group is None or rn.group is None:
        m = d.new if rn.group else d.old
        group = rn.group or ro.group or ""
        label = m.groups[group].label.get(lang) if group in m.groups else group
        kind = _kinds([rn.candidate.kind], lang)
        note = w("now_in" if rn.group else "no_longer_in", lang).format(kind=kind, group=label)
        out, campaign = (rn, campaigns[1]) if rn.group is None else (ro, campaigns[0])
        if out.scope is not None and out.scope.reason != "kind":  # out by where it works, or its parent
            why = Explainer(campaign, lang).scope_reason(out.scope, out.candidate.kind)
            note += "; " + w("was_out" if out is ro else "is_out", lang).format(why=why)
        row.notes.append(note)
        return
    old = {r.id: r for r in (*ro.criteria, *ro.disqualifiers)}
    new = {r.id: r for r in (*rn.criteria, *rn.disqualifiers)}
    back = {v: k for k, v in d.renames.items()}
    bad = {id(r) for r in (*ro.decision.against, *rn.decision.against)}  # what each verdict depends on
    for rid, rr in new.items():
        before = old.get(back.get(rid, rid))
        if id(rr) in bad and (before is None or before.outcome != rr.outcome):
            row.rules.append((rid, before.outcome if before else None, rr.outcome))
    for rid, rr in old.items():
        after = new.get(d.renames.get(rid, rid))
        if id(rr) in bad and (after is None or id(after) not in bad):
            same = after is not None and after.outcome == rr.outcome  # it still fails, but is optional now
            row.rules.append((rid, rr.outcome, "optional" if same else after.outcome if after else None))


def run_impact(
    d: CampaignDiff, old: Campaign, new: Campaign, facts: Path | Upload, as_of: dt.date | None
) -> CampaignDiff:
    d.impact = impact(d, old, new, facts, as_of)
    return d


def compare(
    old: str | CampaignRead,
    new: str | CampaignRead,
    facts: Path | Upload | None = None,
    as_of: dt.date | None = None,
    lang: str = "vi",
) -> CampaignDiff:
    """`thidua diff`: the structural diff of two campaign files (or campaigns already read, an
    upload's), and the impact on `facts` (a path, or an upload's name and bytes) if given."""
    from engine.model.campaign import read_campaign

    before = old if isinstance(old, CampaignRead) else read_campaign(old)
    after = new if isinstance(new, CampaignRead) else read_campaign(new)
    d = diff_models(before.require_model()[1], after.require_model()[1], lang)
    if facts is not None:
        run_impact(d, before.require_campaign(), after.require_campaign(), facts, as_of)
    return d
