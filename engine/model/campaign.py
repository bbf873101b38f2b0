"""Load → validate → compile a campaign file into a `Campaign`.

`load_campaign` reads the YAML (engine.model.source), validates it against the strict schema
(engine.model.schema), checks the references between its parts (groups, awards, stages), and
compiles every rule (engine.lang.rules). All problems found are reported together, each with
`file:line:column`, the rule's id and a hint.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from engine.common.errors import CampaignInvalid, Problem, UsageError, did_you_mean
from engine.lang import Node, RuleError, parse_rule, parse_value
from engine.lang.values import RuleKind
from engine.model.catalogue import Catalogue, campaigns_dir, load_catalogue
from engine.model.facts import Candidate, FactsFile
from engine.model.schema import (
    ISSUER,
    CampaignModel,
    Criterion,
    Disqualifier,
    Group,
    RankKey,
    pydantic_problems,
)
from engine.model.source import Document, PathT, read_text


@dataclass
class CompiledRule:
    """A criterion or disqualifier with its compiled expression."""

    spec: Criterion | Disqualifier
    kind: RuleKind
    node: Node
    waiver: Node | None
    facts: list[str]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def required(self) -> bool:
        return isinstance(self.spec, Criterion) and self.spec.required


@dataclass
class CompiledRankKey:
    """A ranking key with its compiled expression: evaluated by the backends like a rule."""

    spec: RankKey
    node: Node
    waiver: None = None
    kind: Literal["value"] = "value"


ScopeReason = Literal[
    "", "kind", "no_unit", "unit_not_in_file", "workplace", "no_parent", "parent_not_in_file", "parent"
]


@dataclass(frozen=True)
class Scope:
    """The outcome of `Campaign.scope_of`: the groups a candidate competes in, or why none.

    `reason` is a machine code ("" when in scope): `kind` its own kind is not a subject;
    `no_unit` / `unit_not_in_file` / `workplace` a person's unit is missing or of a kind the
    plan does not cover; `no_parent` / `parent_not_in_file` / `parent` the same for a unit's
    parent. `clause` and `quote` cite the limit (empty for `kind`); `detail` names what was
    found (the unit or parent, with its kind); `allowed` the kinds the plan accepts there.
    """

    group: str | None
    groups: list[str]
    reason: ScopeReason = ""
    clause: str = ""
    quote: str = ""
    detail: str = ""
    allowed: tuple[str, ...] = ()
    note: str | None = None


@dataclass
class Campaign:
    """A validated, compiled campaign, ready to evaluate facts against."""

    model: CampaignModel
    file: str
    sha256: str
    catalogue: Catalogue
    rules: dict[str, list[CompiledRule]]  # group id → its rules, in file order
    ranking: dict[str, list[CompiledRankKey]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.model.id

    def base_group(self, candidates: str, kind: str) -> str | None:
        """The group a candidate competes in (its quota), or None: out of scope."""
        for gid, group in self.model.groups.items():
            if not group.heads_only and group.candidates == candidates and kind in group.kinds:
                return gid
        return None

    def scope_of(self, cand: Candidate, facts: FactsFile) -> Scope:
        """Whether a candidate is a subject of the plan (II.1, đối tượng), decided here only.

        Its own kind picks the group; then the group's `workplaces` (a person's unit) or `parents`
        (a unit's parent) must hold. Scope must be shown by the file: a person with no unit, or a
        unit whose parent is not in the file (unless `issuer` is listed), is out of scope.
        """
        base = self.base_group(cand.group, cand.kind)
        if base is None:
            group_kinds = [k for g in self.model.groups.values() if g.candidates == cand.group for k in g.kinds]
            return Scope(None, [], "kind", detail=cand.kind, allowed=tuple(dict.fromkeys(group_kinds)))
        group = self.model.groups[base]
        limits = group.workplaces if cand.group == "person" else group.parents
        for limit in limits:
            if limit.applies_to is not None and cand.kind not in limit.applies_to:
                continue
            clause, quote = limit.clause or group.clause, limit.quote or group.quote
            ref = cand.unit if cand.group == "person" else cand.parent
            where = facts.by_id.get(ref) if ref else None
            reason: ScopeReason
            if cand.group == "person":
                if ref is None:
                    reason = "no_unit"
                elif where is None:
                    reason = "unit_not_in_file"
                elif where.kind not in limit.kinds:
                    reason = "workplace"
                else:
                    continue
            else:
                if ref is None:
                    if ISSUER in limit.kinds:
                        continue
                    reason = "no_parent"
                elif where is None:
                    reason = "parent_not_in_file"
                elif where.kind not in limit.kinds:
                    reason = "parent"
                else:
                    continue
            detail = f"{ref} ({where.kind})" if where is not None else (ref or "")
            return Scope(None, [], reason, clause, quote, detail, limit.kinds, limit.note)
        return Scope(base, self.rule_groups(cand.group, cand.kind, cand.head))

    def rule_groups(self, candidates: str, kind: str, head: bool) -> list[str]:
        """Every group whose criteria apply: the base group, plus a heads' group for a head.

        By kind only: `scope_of` is the whole decision (it also checks workplaces and parents).
        """
        base = self.base_group(candidates, kind)
        if base is None:
            return []
        out = [base]
        if head:
            for gid, group in self.model.groups.items():
                if group.heads_only and group.extends == base and kind in group.kinds:
                    out.append(gid)
        return out

    def all_rules(self) -> list[CompiledRule]:
        return [r for rules in self.rules.values() for r in rules]

    def all_keys(self) -> list[CompiledRankKey]:
        return [k for keys in self.ranking.values() for k in keys]


def resolve_campaign_path(name: str) -> Path:
    """A campaign id (`ninh_thuan_2020`) or a path to a campaign YAML file."""
    path = Path(name)
    if path.suffix.lower() in (".yaml", ".yml") or "/" in name or "\\" in name:
        if not path.exists():
            raise UsageError(Problem(name, "campaign file not found", hint="check the path"))
        return path
    candidate = campaigns_dir() / f"{name}.yaml"
    if name not in DATA_FILES and candidate.exists():
        return candidate
    known = available_campaigns()
    raise UsageError(
        Problem(
            name,
            "unknown campaign",
            hint=did_you_mean(name, known) or "available: " + ", ".join(known),
        )
    )


DATA_FILES = ("facts", "rewards")  # shared data beside the campaigns, not campaigns


def available_campaigns() -> list[str]:
    return sorted(p.stem for p in campaigns_dir().glob("*.yaml") if p.stem not in DATA_FILES)


def load_campaign(name: str | Path) -> Campaign:
    """Load, validate and compile a campaign; raise `CampaignInvalid` listing every problem."""
    path = resolve_campaign_path(str(name))
    display = _display(path) if path.parent.resolve() == campaigns_dir().resolve() else str(name)
    from engine.model.source import load_yaml_text

    try:
        doc = load_yaml_text(read_text(path, display), display)
    except UsageError as e:  # a campaign that exists but does not decode or parse fails validation
        if not path.is_file():
            raise
        raise CampaignInvalid(e.problems) from None
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    if not isinstance(doc.data, dict):
        raise CampaignInvalid(Problem(display, "a campaign file must be a mapping of keys", 1, 1))
    catalogue = load_catalogue()
    from pydantic import ValidationError

    try:
        model = CampaignModel.model_validate(doc.data)
    except ValidationError as e:
        raise CampaignInvalid(pydantic_problems(e, doc, CampaignModel)) from None
    return _compile(model, doc, sha, catalogue, path)


def _compile(model: CampaignModel, doc: Document, sha: str, catalogue: Catalogue, path: Path) -> Campaign:
    problems: list[Problem] = []
    warnings: list[Problem] = []

    def at(p: PathT, message: str, hint: str = "") -> Problem:
        from engine.model.schema import readable_path

        return doc.problem(p, message, hint, where=readable_path(doc.data, p))

    if path.stem != model.id and path.parent.resolve() == campaigns_dir().resolve():
        problems.append(
            at(
                ("id",),
                f"id '{model.id}' differs from the file name '{path.stem}'",
                f"rename the file to {model.id}.yaml or change the id",
            )
        )
    groups = model.groups
    for gid, group in groups.items():
        _check_group(gid, group, groups, problems, at)

    rules: dict[str, list[CompiledRule]] = {gid: [] for gid in groups}
    seen_ids: dict[str, PathT] = {}
    sections: tuple[tuple[str, RuleKind], ...] = (("criteria", "criterion"), ("disqualifiers", "disqualifier"))
    for section, kind in sections:
        for i, spec in enumerate(getattr(model, section)):
            p: PathT = (section, i)
            if spec.id in seen_ids:
                problems.append(at((*p, "id"), f"duplicate rule id '{spec.id}'", "ids must be unique"))
            seen_ids[spec.id] = p
            found = groups.get(spec.group)
            if found is None:
                problems.append(
                    at(
                        (*p, "group"),
                        f"unknown group '{spec.group}'",
                        did_you_mean(spec.group, groups) or "groups: " + ", ".join(groups),
                    )
                )
                continue
            group = found
            if spec.scope == "unit" and group.candidates != "person":
                problems.append(
                    at(
                        (*p, "scope"),
                        "'scope: unit' is for people's rules",
                        "a unit's rules read its own facts",
                    )
                )
                continue
            if spec.kinds and not set(spec.kinds) & set(group.kinds):
                problems.append(
                    at(
                        (*p, "kinds"),
                        "none of these kinds is in the group",
                        "the rule could never apply",
                    )
                )
            units = group.candidates == "unit" or spec.scope == "unit"
            node = _parse(spec.rule, doc, (*p, "rule"), catalogue, units, problems)
            waiver = None
            if spec.waiver is not None:
                waiver = _parse(spec.waiver.when, doc, (*p, "waiver", "when"), catalogue, units, problems)
            if node is None:
                continue
            facts = node.facts() + [f for f in (waiver.facts() if waiver else []) if f not in node.facts()]
            rules[spec.group].append(CompiledRule(spec, kind, node, waiver, facts))

    ranking: dict[str, list[CompiledRankKey]] = {}
    for gid, rk in model.ranking.items():
        if gid not in groups:
            problems.append(at(("ranking", gid), f"unknown group '{gid}'", did_you_mean(gid, groups)))
            continue
        keys = []
        for i, key in enumerate(rk.keys):
            kp: PathT = ("ranking", gid, "keys", i, "by")
            try:
                node = parse_value(key.by, catalogue, scope_units=groups[gid].candidates == "unit")
                keys.append(CompiledRankKey(key, node))
            except RuleError as e:
                problems.append(_rule_problem(doc, kp, e))
        ranking[gid] = keys

    award_ids = {a.id for a in model.awards}
    if len(award_ids) != len(model.awards):
        problems.append(at(("awards",), "two awards share an id", "ids must be unique"))
    for i, award in enumerate(model.awards):
        for gid in award.quotas:
            if gid not in groups:
                problems.append(
                    at(
                        ("awards", i, "quotas", gid),
                        f"quota for unknown group '{gid}'",
                        did_you_mean(gid, groups) or "groups: " + ", ".join(groups),
                    )
                )
            elif groups[gid].heads_only:
                problems.append(
                    at(
                        ("awards", i, "quotas", gid),
                        f"'{gid}' is a heads' group; heads compete in '{groups[gid].extends}'",
                    )
                )
        if award.from_ is not None and award.from_ not in award_ids:
            problems.append(
                at(
                    ("awards", i, "from"),
                    f"unknown award '{award.from_}'",
                    did_you_mean(award.from_, award_ids),
                )
            )
    _check_stages(model, problems, warnings, at)
    if problems:
        raise CampaignInvalid(problems)
    return Campaign(model, doc.file, sha, catalogue, rules, ranking, warnings)


def _check_stages(model: CampaignModel, problems: list[Problem], warnings: list[Problem], at) -> None:  # type: ignore[no-untyped-def]
    """A later stage chooses among an earlier one's selection: it may not ask for more."""
    awards = {a.id: (i, a) for i, a in enumerate(model.awards)}
    for i, award in enumerate(model.awards):
        for gid, quota in award.quotas.items():
            if quota is not None and gid in model.groups and gid not in model.ranking:
                warnings.append(
                    at(
                        ("awards", i, "quotas", gid),
                        f"quota {quota} for '{gid}' but no ranking declared for it",
                        "declare `ranking:` for the group, or every over-quota list is a tie",
                    )
                )
        if award.from_ is None or award.from_ not in awards:
            continue
        j, earlier = awards[award.from_]
        if j >= i:
            problems.append(
                at(
                    ("awards", i, "from"),
                    f"stage '{award.id}' must come after '{earlier.id}'",
                    "list the earlier stage first",
                )
            )
        seen = {award.id}
        node = earlier
        while node.from_ is not None and node.from_ in awards:  # stage cycles
            if node.from_ in seen:
                problems.append(at(("awards", i, "from"), "stages form a cycle"))
                break
            seen.add(node.from_)
            node = awards[node.from_][1]
        for gid, quota in award.quotas.items():
            if gid not in earlier.quotas:
                problems.append(
                    at(
                        ("awards", i, "quotas", gid),
                        f"stage '{award.id}' asks for '{gid}' but '{earlier.id}' selects none",
                        f"'{earlier.id}' has quotas for: {', '.join(earlier.quotas)}",
                    )
                )
                continue
            before = earlier.quotas[gid]
            if quota is None and before is not None:
                problems.append(
                    at(
                        ("awards", i, "quotas", gid),
                        f"no limit here, but '{earlier.id}' selects at most {before}",
                        f"a later stage chooses among at most {before}",
                    )
                )
            elif quota is not None and before is not None and quota > before:
                problems.append(
                    at(
                        ("awards", i, "quotas", gid),
                        f"stage '{award.id}' asks for {quota} '{gid}' but '{earlier.id}' gives at most {before}",
                        f"lower it to {before} or fewer",
                    )
                )


def _check_group(gid, group: Group, groups, problems, at) -> None:  # type: ignore[no-untyped-def]
    from engine.model.schema import PERSON_KINDS, UNIT_KINDS

    allowed = UNIT_KINDS if group.candidates == "unit" else PERSON_KINDS
    for j, kind in enumerate(group.kinds):
        if kind not in allowed:
            problems.append(
                at(
                    ("groups", gid, "kinds", j),
                    f"'{kind}' is not a kind of {group.candidates}",
                    "kinds: " + ", ".join(allowed),
                )
            )
    for section, limits in (("workplaces", group.workplaces), ("parents", group.parents)):
        want = "person" if section == "workplaces" else "unit"
        if limits and (group.candidates != want or group.heads_only):
            problems.append(
                at(
                    ("groups", gid, section),
                    f"'{section}' is for groups of {want}s" + (" (not heads' groups)" if group.heads_only else ""),
                    "heads are scoped by the group they extend" if group.heads_only else "",
                )
            )
            continue
        for j, limit in enumerate(limits):
            for k, kind in enumerate(limit.applies_to or ()):
                if kind not in group.kinds:
                    problems.append(
                        at(
                            ("groups", gid, section, j, "applies_to", k),
                            f"'{kind}' is not a kind of group '{gid}'",
                            "kinds: " + ", ".join(group.kinds),
                        )
                    )
            if section == "workplaces" and ISSUER in limit.kinds:
                problems.append(
                    at(
                        ("groups", gid, section, j, "kinds"),
                        "'issuer' is for parents: a person's workplace is a unit in the file",
                    )
                )
    if group.heads_only:
        if group.candidates != "person":
            problems.append(at(("groups", gid, "heads_only"), "only people can be heads of units"))
        if not group.extends or group.extends not in groups or groups[group.extends].heads_only:
            problems.append(
                at(
                    ("groups", gid, "extends"),
                    "a heads' group must extend a group of people (e.g. extends: individual)",
                    did_you_mean(str(group.extends), groups),
                )
            )
    elif group.extends:
        problems.append(at(("groups", gid, "extends"), "'extends' is only for heads' groups (heads_only: true)"))
    else:
        for other_id, other in groups.items():
            if other_id < gid and not other.heads_only and other.candidates == group.candidates:
                shared = set(other.kinds) & set(group.kinds)
                if shared:
                    problems.append(
                        at(
                            ("groups", gid, "kinds"),
                            f"kind {sorted(shared)[0]} is in groups '{other_id}' and '{gid}'",
                            "a kind belongs to one group",
                        )
                    )


def _parse(
    text: str, doc: Document, p: PathT, catalogue: Catalogue, units: bool, problems: list[Problem]
) -> Node | None:
    try:
        return parse_rule(text, catalogue, scope_units=units)
    except RuleError as e:
        problems.append(_rule_problem(doc, p, e))
        return None


def _rule_problem(doc: Document, p: PathT, e: RuleError) -> Problem:
    from engine.model.schema import readable_path

    line, col = doc.locate(p)
    if line is not None and col is not None:
        lines = doc.text.split("\n")
        if 0 < line <= len(lines):
            row = lines[line - 1]
            # the mark of a mapping value points at the key; move to the value itself
            key_end = row.find(":", col - 1)
            start = col - 1
            if key_end >= 0 and row[col - 1 :].split(":", 1)[0].strip() == str(p[-1]):
                start = key_end + 1
                while start < len(row) and row[start] == " ":
                    start += 1
            if start < len(row) and row[start] in "'\"":
                start += 1
            col = start + 1 + e.col
    return Problem(doc.file, e.message, line, col, readable_path(doc.data, p), e.hint)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
