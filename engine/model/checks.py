"""The structural checks of a campaign: each written once, with its TD code.

A check reads the schema-valid model and says where a part refers to a part that is not
there, or contradicts another: a rule for a missing group, a duplicate id, a stage asking for
more than the stage it chooses from. `run_checks` runs every registered check; the campaign
reader (`engine.model.campaign.read_campaign`) calls it once, errors stop the load, and
`thidua lint` and `thidua validate` print these very findings — nobody checks twice.

Each check is a function registered with `@check(code, severity, title)`; it yields
`(path, message, hint)` and the runner turns each into a `Problem` carrying the code, the
severity and `file:line:column`. `CODES` lists every code the reader can give, including
TD204 and TD701 (a rule's expression, from the compiler), which are not checks of this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from engine.common.errors import Problem, did_you_mean
from engine.common.message import Msg, Text
from engine.model.schema import PERSON_KINDS, UNIT_KINDS, Award, CampaignModel, readable_path
from engine.model.source import Document, PathT

Finding = tuple[PathT, Text, Text]  # where, message, hint


@dataclass(frozen=True)
class Subject:
    """What a check reads: the model, its document (for positions) and the file's name."""

    model: CampaignModel
    doc: Document
    file_stem: str
    shipped: bool  # the file is in campaigns/: its name must be its id


@dataclass(frozen=True)
class Check:
    code: str
    severity: str  # error | warning
    title: str
    run: Callable[[Subject], Iterator[Finding]]


CHECKS: list[Check] = []

# code: (severity, title) — codes the reader gives that no function here makes.
OTHER_CODES: dict[str, tuple[str, str]] = {
    "TD204": ("error", "a rule reads a fact that no candidate of its group has (the compiler's type check)"),
    "TD701": ("error", "a rule or ranking key cannot be read, or does not type-check against the fact catalogue"),
}


def check(code: str, severity: str, title: str) -> Callable[[Callable[[Subject], Iterator[Finding]]], Check]:
    def register(fn: Callable[[Subject], Iterator[Finding]]) -> Check:
        c = Check(code, severity, title, fn)
        CHECKS.append(c)
        return c

    return register


def codes() -> dict[str, tuple[str, str]]:
    """Every code the campaign reader can give: (severity, title)."""
    out = {c.code: (c.severity, c.title) for c in CHECKS}
    return dict(sorted({**out, **OTHER_CODES}.items()))


def run_checks(subject: Subject) -> list[Problem]:
    """Every structural finding, in file order."""
    out: list[Problem] = []
    for c in CHECKS:
        for path, message, hint in c.run(subject):
            out.append(coded(subject.doc, path, c.code, c.severity, message, hint))
    return sorted(out, key=lambda p: (p.line or 0, p.column or 0, p.code))


def coded(doc: Document, path: PathT, code: str, severity: str, message: Text, hint: Text = "") -> Problem:
    line, col = doc.locate(path)
    return Problem(doc.file, message, line, col, readable_path(doc.data, path), hint, severity, code)


# ── TD2xx: ids, groups and the rules in them ──────────────────────────────────────────────


@check("TD201", "error", "two rules (or two awards) share an id")
def duplicate_ids(s: Subject) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for path, spec in s.model.rule_specs():
        section = str(path[0]) if path[0] != "awards" else "awards.conditions"
        if spec.id in seen:
            yield (
                (*path, "id"),
                Msg("problem.campaign_td201_rule", id=spec.id, section=seen[spec.id]),
                Msg("problem.campaign_td201_rule_hint"),
            )
        else:
            seen[spec.id] = section
    awards: set[str] = set()
    for i, award in enumerate(s.model.awards):
        if award.id in awards:
            yield (
                ("awards", i, "id"),
                Msg("problem.campaign_td201_award", id=award.id),
                Msg("problem.campaign_td201_award_hint"),
            )
        awards.add(award.id)


@check("TD203", "error", "a rule is limited to a kind its group does not have")
def rule_kinds(s: Subject) -> Iterator[Finding]:
    for path, spec in s.model.rule_specs():
        group = s.model.groups.get(spec.group)
        if group is None:
            continue
        for j, kind in enumerate(spec.kinds or ()):
            if kind not in group.kinds:
                yield (
                    (*path, "kinds", j),
                    Msg("problem.campaign_td203", kind=kind, group=spec.group),
                    Msg("problem.campaign_group_kinds", kinds=list(group.kinds)),
                )


@check("TD206", "error", "a rule names a group that does not exist")
def rule_group(s: Subject) -> Iterator[Finding]:
    groups = s.model.groups
    for path, spec in s.model.rule_specs():
        if spec.group not in groups:
            yield (
                (*path, "group"),
                Msg("problem.campaign_unknown_group", group=spec.group),
                did_you_mean(spec.group, groups) or Msg("problem.campaign_groups", groups=list(groups)),
            )


@check("TD207", "error", "`scope: unit` on a rule of a group of units (it is for people's rules)")
def unit_scope(s: Subject) -> Iterator[Finding]:
    for path, spec in s.model.rule_specs():
        group = s.model.groups.get(spec.group)
        if group is not None and spec.scope == "unit" and group.candidates != "person":
            yield (
                (*path, "scope"),
                Msg("problem.campaign_td207"),
                Msg("problem.campaign_td207_hint"),
            )


@check("TD208", "error", "a group lists a kind that is not a kind of its candidates (units or people)")
def group_kinds(s: Subject) -> Iterator[Finding]:
    for gid, group in s.model.groups.items():
        allowed = UNIT_KINDS if group.candidates == "unit" else PERSON_KINDS
        for j, kind in enumerate(group.kinds):
            if kind not in allowed:
                yield (
                    ("groups", gid, "kinds", j),
                    Msg("problem.campaign_td208", kind=kind, candidates=Msg(f"problem.campaign_of_{group.candidates}")),
                    Msg("problem.campaign_kinds", kinds=list(allowed)),
                )


@check("TD209", "error", "a kind is in two groups (a candidate competes in one group)")
def kind_in_two_groups(s: Subject) -> Iterator[Finding]:
    taken: dict[tuple[str, str], str] = {}  # (candidates, kind) → the first group that has it
    for gid, group in s.model.groups.items():
        if group.heads_only:
            continue
        for j, kind in enumerate(group.kinds):
            other = taken.setdefault((group.candidates, kind), gid)
            if other != gid:
                yield (
                    ("groups", gid, "kinds", j),
                    Msg("problem.campaign_td209", kind=kind, other=other, group=gid),
                    Msg("problem.campaign_td209_hint"),
                )


@check("TD210", "error", "`heads_only` on a group of units (only people are heads of units)")
def heads_of_units(s: Subject) -> Iterator[Finding]:
    for gid, group in s.model.groups.items():
        if group.heads_only and group.candidates != "person":
            yield (
                ("groups", gid, "heads_only"),
                Msg("problem.campaign_td210"),
                Msg("problem.campaign_td210_hint"),
            )


@check("TD211", "error", "a heads' group does not extend a group of people")
def heads_extend(s: Subject) -> Iterator[Finding]:
    groups = s.model.groups
    for gid, group in groups.items():
        if not group.heads_only:
            continue
        base = groups.get(group.extends or "")
        if base is None or base.heads_only or base.candidates != "person":
            yield (
                ("groups", gid, "extends"),
                Msg("problem.campaign_td211"),
                did_you_mean(str(group.extends), groups),
            )


@check("TD212", "error", "`extends` on a group that is not a heads' group")
def extends_only_heads(s: Subject) -> Iterator[Finding]:
    for gid, group in s.model.groups.items():
        if not group.heads_only and group.extends:
            yield (
                ("groups", gid, "extends"),
                Msg("problem.campaign_td212"),
                Msg("problem.campaign_td212_hint"),
            )


@check("TD214", "error", "a group's `workplaces` or `parents` limit does not fit the group")
def scope_limits(s: Subject) -> Iterator[Finding]:
    for gid, group in s.model.groups.items():
        for section, limits in (("workplaces", group.workplaces), ("parents", group.parents)):
            want = "person" if section == "workplaces" else "unit"
            if limits and (group.candidates != want or group.heads_only):
                yield (
                    ("groups", gid, section),
                    Msg(f"problem.campaign_td214_{want}{'_heads' if group.heads_only else ''}", field=section),
                    Msg("problem.campaign_td214_heads_hint")
                    if group.heads_only
                    else Msg(f"problem.campaign_td214_{want}_hint", field=section),
                )
                continue
            for j, limit in enumerate(limits):
                for k, kind in enumerate(limit.applies_to or ()):
                    if kind not in group.kinds:
                        yield (
                            ("groups", gid, section, j, "applies_to", k),
                            Msg("problem.campaign_not_group_kind", kind=kind, group=gid),
                            Msg("problem.campaign_group_kinds", kinds=list(group.kinds)),
                        )


@check("TD213", "error", "a shipped campaign's id differs from its file name")
def id_is_file_name(s: Subject) -> Iterator[Finding]:
    if s.shipped and s.file_stem != s.model.id:
        yield (
            ("id",),
            Msg("problem.campaign_td213", id=s.model.id, stem=s.file_stem),
            Msg("problem.campaign_td213_hint", id=s.model.id),
        )


@check(
    "TD215", "error", "a campaign's `labels`, `facts_for` or `issuer_facts` names a fact the catalogue does not have"
)
def label_keys(s: Subject) -> Iterator[Finding]:
    from engine.model.catalogue import load_catalogue

    facts = load_catalogue().facts
    issuer = s.model.issuer_facts
    named: list[tuple[PathT, str]] = [
        *((("labels", k), k) for k in s.model.labels),
        *((("facts_for", k), k) for k in s.model.facts_for),
        *((("issuer_facts", "keys", i), k) for i, k in enumerate(issuer.keys if issuer is not None else ())),
    ]
    for path, key in named:
        if key not in facts:
            yield (
                path,
                Msg("problem.campaign_td215", field=key),
                did_you_mean(key, facts) or Msg("problem.campaign_td215_hint"),
            )


# ── TD4xx: quotas, ranking and award stages ───────────────────────────────────────────────


@check("TD401", "error", "a quota names a group that does not exist, or a heads' group")
def quota_groups(s: Subject) -> Iterator[Finding]:
    groups = s.model.groups
    for i, award in enumerate(s.model.awards):
        for gid in award.quotas:
            path: PathT = ("awards", i, "quotas", gid)
            if gid not in groups:
                yield (
                    path,
                    Msg("problem.campaign_td401", group=gid),
                    did_you_mean(gid, groups) or Msg("problem.campaign_groups", groups=list(groups)),
                )
            elif groups[gid].heads_only:
                base = groups[gid].extends
                yield (
                    path,
                    Msg("problem.campaign_heads_group", group=gid, base=str(base)),
                    Msg("problem.campaign_td401_heads_hint", base=str(base)),
                )


@check("TD402", "error", "a ranking for a group that does not exist")
def ranking_groups(s: Subject) -> Iterator[Finding]:
    groups = s.model.groups
    for gid in s.model.ranking:
        if gid not in groups:
            yield (
                ("ranking", gid),
                Msg("problem.campaign_unknown_group", group=gid),
                did_you_mean(gid, groups) or Msg("problem.campaign_groups", groups=list(groups)),
            )


@check("TD403", "error", "an award stage chooses `from` an award that does not exist")
def stage_source(s: Subject) -> Iterator[Finding]:
    ids = [a.id for a in s.model.awards]
    for i, award in enumerate(s.model.awards):
        if award.from_ is not None and award.from_ not in ids:
            yield (
                ("awards", i, "from"),
                Msg("problem.campaign_unknown_award", award=award.from_),
                did_you_mean(award.from_, ids) or Msg("problem.campaign_awards", awards=ids),
            )


@check("TD404", "error", "an award stage is listed before the stage it chooses from (so stages never form a cycle)")
def stage_order(s: Subject) -> Iterator[Finding]:
    for i, award, j, earlier in _stages(s.model):
        if j >= i:
            yield (
                ("awards", i, "from"),
                Msg("problem.campaign_td404", award=award.id, earlier=earlier.id),
                Msg("problem.campaign_td404_hint"),
            )


@check("TD405", "error", "an award stage asks for a group its earlier stage selects none of")
def stage_group(s: Subject) -> Iterator[Finding]:
    for i, award, _, earlier in _stages(s.model):
        for gid in award.quotas:
            if gid not in earlier.quotas:
                yield (
                    ("awards", i, "quotas", gid),
                    Msg("problem.campaign_td405", award=award.id, group=gid, earlier=earlier.id),
                    Msg("problem.campaign_td405_hint", earlier=earlier.id, groups=list(earlier.quotas)),
                )


@check("TD406", "error", "an award stage has no limit where its earlier stage has one")
def stage_unlimited(s: Subject) -> Iterator[Finding]:
    for i, award, _, earlier in _stages(s.model):
        for gid, quota in award.quotas.items():
            before = earlier.quotas.get(gid)
            if gid in earlier.quotas and quota is None and before is not None:
                yield (
                    ("awards", i, "quotas", gid),
                    Msg("problem.campaign_td406", earlier=earlier.id, n=before),
                    Msg("problem.campaign_td406_hint", n=before),
                )


@check("TD407", "error", "an award stage asks for more than its earlier stage selects")
def stage_quota(s: Subject) -> Iterator[Finding]:
    for i, award, _, earlier in _stages(s.model):
        for gid, quota in award.quotas.items():
            before = earlier.quotas.get(gid)
            if quota is not None and before is not None and quota > before:
                yield (
                    ("awards", i, "quotas", gid),
                    Msg("problem.campaign_td407", award=award.id, quota=quota, group=gid, earlier=earlier.id, n=before),
                    Msg("problem.campaign_td407_hint", n=before),
                )


@check("TD408", "warning", "a quota for a group that declares no ranking (every over-quota list is a tie)")
def quota_without_ranking(s: Subject) -> Iterator[Finding]:
    for i, award in enumerate(s.model.awards):
        for gid, quota in award.quotas.items():
            group = s.model.groups.get(gid)
            if quota is not None and group is not None and not group.heads_only and gid not in s.model.ranking:
                yield (
                    ("awards", i, "quotas", gid),
                    Msg("problem.campaign_td408", quota=quota, group=gid),
                    Msg("problem.campaign_td408_hint"),
                )


@check("TD409", "error", "an award's condition is for a group the award has no quota for, or for a heads' group")
def condition_groups(s: Subject) -> Iterator[Finding]:
    groups = s.model.groups
    for i, award in enumerate(s.model.awards):
        for j, cond in enumerate(award.conditions):
            group = groups.get(cond.group)
            if group is None:  # TD206
                continue
            if cond.group not in award.quotas:
                yield (
                    ("awards", i, "conditions", j, "group"),
                    Msg("problem.campaign_td409", award=award.id, group=cond.group),
                    Msg("problem.campaign_td409_hint", groups=list(award.quotas)),
                )
            elif group.heads_only:
                yield (
                    ("awards", i, "conditions", j, "group"),
                    Msg("problem.campaign_heads_group", group=cond.group, base=str(group.extends)),
                    Msg("problem.campaign_td409_heads_hint", base=str(group.extends)),
                )


@check("TD410", "error", "an award's `instead_of` names an unknown award, one listed after it, or a stage")
def instead_of(s: Subject) -> Iterator[Finding]:
    index = {a.id: j for j, a in enumerate(s.model.awards)}
    for i, award in enumerate(s.model.awards):
        other = award.instead_of
        if other is None:
            continue
        path: PathT = ("awards", i, "instead_of")
        if other not in index:
            yield (
                path,
                Msg("problem.campaign_unknown_award", award=other),
                did_you_mean(other, index) or Msg("problem.campaign_awards", awards=list(index)),
            )
        elif index[other] >= i:
            yield (
                path,
                Msg("problem.campaign_td410_order", other=other, award=award.id),
                Msg("problem.campaign_td410_order_hint"),
            )
        elif award.from_ is not None or s.model.awards[index[other]].from_ is not None:
            yield path, Msg("problem.campaign_td410_stage"), Msg("problem.campaign_td410_stage_hint")


@check("TD411", "error", "an award's `standard: own` has no condition, or `standard`/`scope` is set on a later stage")
def own_standard(s: Subject) -> Iterator[Finding]:
    model = s.model
    for i, award in enumerate(model.awards):
        if award.standard == "own" and not award.conditions:
            yield (
                ("awards", i, "standard"),
                Msg("problem.campaign_td411_own", award=award.id),
                Msg("problem.campaign_td411_own_hint"),
            )
        if award.from_ is not None:
            for key in ("standard", "scope"):
                if key in _award_data(s, i):
                    yield (
                        ("awards", i, key),
                        Msg("problem.campaign_td411_stage", field=key),
                        Msg("problem.campaign_td411_stage_hint", field=key),
                    )
        earlier = next((a for a in model.awards if a.id == award.from_), None)
        if earlier is not None and earlier.scope is not None:
            yield (
                ("awards", i, "from"),
                Msg("problem.campaign_td411_scope", earlier=earlier.id),
                Msg("problem.campaign_td411_scope_hint"),
            )


def _award_data(s: Subject, i: int) -> dict[str, object]:
    """The award's mapping as written (to tell a default from a key the author wrote)."""
    awards = s.doc.data.get("awards") if isinstance(s.doc.data, dict) else None
    item = awards[i] if isinstance(awards, list) and i < len(awards) else None
    return item if isinstance(item, dict) else {}


def _stages(model: CampaignModel) -> Iterator[tuple[int, Award, int, Award]]:
    """Each stage with a known earlier stage: (index, award, earlier's index, earlier)."""
    index = {a.id: (j, a) for j, a in enumerate(model.awards)}
    for i, award in enumerate(model.awards):
        if award.from_ is not None and award.from_ in index:
            j, earlier = index[award.from_]
            yield i, award, j, earlier
