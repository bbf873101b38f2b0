"""The registry of campaign checks: every TD code, its stage, its function and its words, once.

A campaign is read in stages (`STAGES`): the schema (Pydantic, engine.model.schema: no TD code),
its structure (a part refers to a part that is not there, or contradicts another), the compiled
rules (the compiler's type check, and what needs rules that compile), and the plan's text (the
quotes and what a rule's words say). Each check is an entry (`Check`): its code, severity, stage,
the one line the docs' table shows (`title`), the vocabulary keys of the messages its findings
carry, and the function that finds them — or `None` for a code another part makes (the compiler's
TD204 and TD701, whose entries say which message key each one carries; lint's TD501 over the
catalogue). A finding is `(path, message, hint)`; the runner (`run`) gives it the entry's code and
severity, with `file:line:column`, so no code is written twice and none is guessed from a message.

`READER` holds the entries the campaign reader runs (`engine.model.campaign.read_campaign`,
once per file): their errors stop every command that loads the campaign, and `thidua lint` and
`thidua validate` print those very findings. Lint's own entries, which read the plan's text or
evaluate the compiled rules, sit above this room (`engine.authoring.lint.LINT`); the one registry
of every code is their union, `engine.authoring.lint.REGISTRY`, whence docs/authoring.md's table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from engine.common.errors import Problem, did_you_mean
from engine.common.message import Msg, Text
from engine.lang.parse import NOT_A_FACT_OF
from engine.model.schema import PERSON_KINDS, TODO, UNIT_KINDS, Award, CampaignModel, readable_path
from engine.model.source import Document, PathT

Finding = tuple[PathT, Text, Text]  # where, message, hint
Stage = Literal["schema", "structure", "compile", "plan text"]
STAGES: tuple[Stage, ...] = ("schema", "structure", "compile", "plan text")
Severity = Literal["error", "warning"]
Maker = Literal["reader", "lint"]  # the campaign reader (its errors stop the load), or lint only


@dataclass(frozen=True)
class Subject:
    """What a check reads: the model, its document (for positions) and the file's name."""

    model: CampaignModel
    doc: Document
    file_stem: str
    shipped: bool  # the file is in campaigns/: its name must be its id


S = TypeVar("S", bound=Subject, contravariant=True)


@dataclass(frozen=True)
class Check(Generic[S]):
    """One entry of the registry: a TD code and everything about it."""

    code: str
    severity: Severity
    stage: Stage
    by: Maker
    keys: tuple[str, ...]  # the vocabulary keys of its findings' messages (`problem.…`)
    title: str  # the line docs/authoring.md shows
    find: Callable[[S], Iterator[Finding]] | None  # None: made elsewhere (the docstring says where)


def run(checks: Iterable[Check[S]], subject: S, stage: Stage) -> list[Problem]:
    """Every finding of the entries of one stage, each a `Problem` with its entry's code."""
    out: list[Problem] = []
    for c in checks:
        if c.stage == stage and c.find is not None:
            out += [coded(subject.doc, path, c, message, hint) for path, message, hint in c.find(subject)]
    return out


def coded(doc: Document, path: PathT, check: Check[S], message: Text, hint: Text = "") -> Problem:
    line, col = doc.locate(path)
    where = readable_path(doc.data, path)
    return Problem(doc.file, message, line, col, where, hint, check.severity, check.code)


def by_code(checks: Iterable[Check[S]], code: str) -> Check[S]:
    return next(c for c in checks if c.code == code)


def compile_check(message: Text) -> Check[Subject]:
    """The entry of a rule that does not compile: the compile stage's entry listing the message's
    key, else the one listing none (TD701, every other rule error)."""
    key = message.key if isinstance(message, Msg) else ""
    entries = [c for c in READER if c.stage == "compile"]
    return next((c for c in entries if key in c.keys), next(c for c in entries if not c.keys))


# ── TD2xx: ids, groups and the rules in them ──────────────────────────────────────────────


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


def rule_group(s: Subject) -> Iterator[Finding]:
    groups = s.model.groups
    for path, spec in s.model.rule_specs():
        if spec.group not in groups:
            yield (
                (*path, "group"),
                Msg("problem.campaign_unknown_group", group=spec.group),
                did_you_mean(spec.group, groups) or Msg("problem.campaign_groups", groups=list(groups)),
            )


def unit_scope(s: Subject) -> Iterator[Finding]:
    for path, spec in s.model.rule_specs():
        group = s.model.groups.get(spec.group)
        if group is not None and spec.scope == "unit" and group.candidates != "person":
            yield (
                (*path, "scope"),
                Msg("problem.campaign_td207"),
                Msg("problem.campaign_td207_hint"),
            )


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


def heads_of_units(s: Subject) -> Iterator[Finding]:
    for gid, group in s.model.groups.items():
        if group.heads_only and group.candidates != "person":
            yield (
                ("groups", gid, "heads_only"),
                Msg("problem.campaign_td210"),
                Msg("problem.campaign_td210_hint"),
            )


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


def extends_only_heads(s: Subject) -> Iterator[Finding]:
    for gid, group in s.model.groups.items():
        if not group.heads_only and group.extends:
            yield (
                ("groups", gid, "extends"),
                Msg("problem.campaign_td212"),
                Msg("problem.campaign_td212_hint"),
            )


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


def id_is_file_name(s: Subject) -> Iterator[Finding]:
    if s.shipped and s.file_stem != s.model.id:
        yield (
            ("id",),
            Msg("problem.campaign_td213", id=s.model.id, stem=s.file_stem),
            Msg("problem.campaign_td213_hint", id=s.model.id),
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


def ranking_groups(s: Subject) -> Iterator[Finding]:
    groups = s.model.groups
    for gid in s.model.ranking:
        if gid not in groups:
            yield (
                ("ranking", gid),
                Msg("problem.campaign_unknown_group", group=gid),
                did_you_mean(gid, groups) or Msg("problem.campaign_groups", groups=list(groups)),
            )


def stage_source(s: Subject) -> Iterator[Finding]:
    ids = [a.id for a in s.model.awards]
    for i, award in enumerate(s.model.awards):
        if award.from_ is not None and award.from_ not in ids:
            yield (
                ("awards", i, "from"),
                Msg("problem.campaign_unknown_award", award=award.from_),
                did_you_mean(award.from_, ids) or Msg("problem.campaign_awards", awards=ids),
            )


def stage_order(s: Subject) -> Iterator[Finding]:
    for i, award, j, earlier in _stages(s.model):
        if j >= i:
            yield (
                ("awards", i, "from"),
                Msg("problem.campaign_td404", award=award.id, earlier=earlier.id),
                Msg("problem.campaign_td404_hint"),
            )


def stage_group(s: Subject) -> Iterator[Finding]:
    for i, award, _, earlier in _stages(s.model):
        for gid in award.quotas:
            if gid not in earlier.quotas:
                yield (
                    ("awards", i, "quotas", gid),
                    Msg("problem.campaign_td405", award=award.id, group=gid, earlier=earlier.id),
                    Msg("problem.campaign_td405_hint", earlier=earlier.id, groups=list(earlier.quotas)),
                )


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


# ── TD8xx: a draft (thidua draft, engine.authoring.draft) still to finish ───────────────


def _strings(node: object, path: PathT) -> Iterator[tuple[PathT, object]]:
    """Every value of the file's data with its place (mappings by key, lists by index)."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))


def todo_values(s: Subject) -> Iterator[Finding]:
    for path, value in _strings(s.doc.data, ()):
        if isinstance(value, str) and value.strip() == TODO and path:
            key = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
            yield path, Msg("problem.campaign_td801", field=key), Msg("problem.campaign_td801_hint")


def drafted_parts(s: Subject) -> Iterator[Finding]:
    for path, value in _strings(s.doc.data, ()):
        if isinstance(value, dict) and value.get("drafted") is True:
            pattern = value.get("pattern")
            if isinstance(pattern, str) and pattern:
                yield (
                    (*path, "drafted"),
                    Msg("problem.campaign_td802", pattern=pattern),
                    Msg("problem.campaign_td802_hint"),
                )
            else:
                yield (*path, "drafted"), Msg("problem.campaign_td802_read"), Msg("problem.campaign_td802_hint")


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


# every check the campaign reader makes, in the order it runs them
READER: tuple[Check[Subject], ...] = (
    Check(
        "TD201",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td201_rule", "problem.campaign_td201_award"),
        "two rules (or two awards) share an id",
        duplicate_ids,
    ),
    Check(
        "TD203",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td203",),
        "a rule is limited (`kinds:`) to a kind its group does not have",
        rule_kinds,
    ),
    Check(
        "TD206",
        "error",
        "structure",
        "reader",
        ("problem.campaign_unknown_group",),
        "a rule names a group that does not exist",
        rule_group,
    ),
    Check(
        "TD207",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td207",),
        "`scope: unit` on a rule of a group of units (it is for people's rules)",
        unit_scope,
    ),
    Check(
        "TD208",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td208",),
        "a group lists a kind that is not a kind of its candidates (a person's kind in a group of units)",
        group_kinds,
    ),
    Check(
        "TD209",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td209",),
        "a kind is in two groups (a candidate competes in one group; the later group is named)",
        kind_in_two_groups,
    ),
    Check(
        "TD210",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td210",),
        "`heads_only` on a group of units (only people are heads of units)",
        heads_of_units,
    ),
    Check(
        "TD211",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td211",),
        "a heads' group does not extend a group of people",
        heads_extend,
    ),
    Check(
        "TD212",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td212",),
        "`extends` on a group that is not a heads' group",
        extends_only_heads,
    ),
    Check(
        "TD214",
        "error",
        "structure",
        "reader",
        (
            "problem.campaign_td214_person",
            "problem.campaign_td214_person_heads",
            "problem.campaign_td214_unit",
            "problem.campaign_td214_unit_heads",
            "problem.campaign_not_group_kind",
        ),
        "a group's `workplaces` (people) or `parents` (units) limit does not fit the group: wrong kind of group, a "
        "heads' group, `applies_to` naming a kind outside the group, `issuer` as a workplace",
        scope_limits,
    ),
    Check(
        "TD213",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td213",),
        "a campaign in `campaigns/` whose id differs from its file name",
        id_is_file_name,
    ),
    Check(
        "TD215",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td215",),
        "`labels:` or `facts_for:` names a fact the catalogue does not have",
        label_keys,
    ),
    Check(
        "TD401",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td401", "problem.campaign_heads_group"),
        "a quota for a group that does not exist, or for a heads' group",
        quota_groups,
    ),
    Check(
        "TD402",
        "error",
        "structure",
        "reader",
        ("problem.campaign_unknown_group",),
        "a ranking for a group that does not exist",
        ranking_groups,
    ),
    Check(
        "TD403",
        "error",
        "structure",
        "reader",
        ("problem.campaign_unknown_award",),
        "an award stage chooses `from` an award that does not exist",
        stage_source,
    ),
    Check(
        "TD404",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td404",),
        "an award stage is listed before the stage it chooses from (so stages never form a cycle)",
        stage_order,
    ),
    Check(
        "TD405",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td405",),
        "an award stage asks for a group its earlier stage selects none of",
        stage_group,
    ),
    Check(
        "TD406",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td406",),
        "an award stage sets no limit where its earlier stage has one",
        stage_unlimited,
    ),
    Check(
        "TD407",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td407",),
        "an award stage asks for more than its earlier stage selects",
        stage_quota,
    ),
    Check(
        "TD408",
        "warning",
        "structure",
        "reader",
        ("problem.campaign_td408",),
        "a quota for a group that declares no `ranking:` (every over-quota list is a tie)",
        quota_without_ranking,
    ),
    Check(
        "TD409",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td409", "problem.campaign_heads_group"),
        "an award's condition is for a group the award has no quota for, or for a heads' group",
        condition_groups,
    ),
    Check(
        "TD410",
        "error",
        "structure",
        "reader",
        ("problem.campaign_unknown_award", "problem.campaign_td410_order", "problem.campaign_td410_stage"),
        "an award's `instead_of` names an unknown award, one listed after it, or a stage",
        instead_of,
    ),
    Check(
        "TD411",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td411_own", "problem.campaign_td411_stage", "problem.campaign_td411_scope"),
        "`standard: own` without conditions, or `standard`/`scope` on a later stage, or a stage chosen from a "
        "per-unit award",
        own_standard,
    ),
    Check(
        "TD801",
        "error",
        "structure",
        "reader",
        ("problem.campaign_td801",),
        "a draft's value still `TODO` (`thidua draft` could not read it from the plan): write it",
        todo_values,
    ),
    Check(
        "TD802",
        "warning",
        "structure",
        "reader",
        ("problem.campaign_td802", "problem.campaign_td802_read"),
        "a part a draft proposed (`drafted: true`, with its `pattern`): confirm it, then delete the mark",
        drafted_parts,
    ),
    Check(
        "TD204",
        "error",
        "compile",
        "reader",
        (NOT_A_FACT_OF,),
        "a rule reads a fact no candidate of its group has (a person's rule reading a unit's fact without `scope: "
        "unit`)",
        None,
    ),
    Check(
        "TD701",
        "error",
        "compile",
        "reader",
        (),
        "a rule or ranking key cannot be read, or does not type-check against the fact catalogue",
        None,
    ),
)
