"""Load → validate → compile a campaign file into a `Campaign`.

`read_campaign` is the one reader of a campaign file: it reads the YAML (engine.model.source),
and runs the stages of the registry of checks (engine.model.checks): the strict schema
(engine.model.schema), the structural checks (each with its TD code), then every rule compiled
(engine.lang; a rule that does not compile carries its compile-stage entry's code). All
problems found are reported together, each with `file:line:column`, the rule's id and a hint;
`load_campaign` returns the compiled campaign or raises `CampaignInvalid` with every error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from engine.common.errors import CampaignInvalid, Problem, UsageError, did_you_mean
from engine.common.message import Msg
from engine.common.paths import user_campaign_dirs
from engine.lang import Fact, Node
from engine.lang.values import RuleKind
from engine.model.catalogue import Catalogue, campaigns_dir, catalogue_text, load_catalogue
from engine.model.facts import Candidate, FactsFile
from engine.model.schema import (
    ISSUER,
    TODO,
    Award,
    AwardCondition,
    CampaignModel,
    Criterion,
    Disqualifier,
    Label,
    RankKey,
    Unstated,
    pydantic_problems,
)
from engine.model.source import Document, PathT, read_text

if TYPE_CHECKING:
    from engine.lang import RuleError


@dataclass
class CompiledRule:
    """A criterion, disqualifier or award condition with its compiled expression."""

    spec: Criterion | Disqualifier | AwardCondition
    kind: RuleKind  # an award condition is a "criterion": it must hold, with a criterion's outcomes
    node: Node
    waiver: Node | None
    facts: list[str]
    award: str = ""  # for an award's condition, the award's id
    # (fact key, node index) of each fact's first reading, in the rule and in its waiver: what a
    # result's `reads()` looks up, walked once here rather than once per candidate
    fact_nodes: tuple[tuple[str, int], ...] = field(init=False, default=())
    waiver_fact_nodes: tuple[tuple[str, int], ...] = field(init=False, default=())
    # the spec's id, and whether the verdict needs it to pass (a required criterion, an award's
    # condition): read for every candidate, so set once here
    id: str = field(init=False, default="")
    required: bool = field(init=False, default=False)
    refuses_na: bool = field(init=False, default=False)  # a condition whose `na` is not allowed (plan._refuse_na)

    def __post_init__(self) -> None:
        self.fact_nodes = _first_readings(self.node)
        self.waiver_fact_nodes = _first_readings(self.waiver) if self.waiver is not None else ()
        self.id = self.spec.id
        spec = self.spec
        self.required = isinstance(spec, AwardCondition) or (isinstance(spec, Criterion) and spec.required)
        self.refuses_na = isinstance(spec, AwardCondition | Criterion) and not spec.na_allowed


def _first_readings(root: Node) -> tuple[tuple[str, int], ...]:
    seen: dict[str, int] = {}
    for node in root.walk():
        if isinstance(node, Fact) and node.key not in seen:
            seen[node.key] = node.idx
    return tuple(seen.items())


@dataclass
class CompiledRankKey:
    """A ranking key with its compiled expression: evaluated by the backends like a rule."""

    spec: RankKey
    node: Node
    waiver: None = None
    kind: Literal["value"] = "value"
    facts: list[str] = field(init=False, default_factory=list)  # the keys it reads, as a rule's `facts`

    def __post_init__(self) -> None:
        self.facts = self.node.facts()


ScopeReason = Literal[
    "", "kind", "no_unit", "unit_not_in_file", "workplace", "no_parent", "parent_not_in_file", "parent"
]
UNKNOWN_SCOPE: frozenset[ScopeReason] = frozenset({"no_unit", "unit_not_in_file", "no_parent", "parent_not_in_file"})


@dataclass(frozen=True, slots=True)
class Scope:
    """The outcome of `Campaign.scope_of`: the groups a candidate competes in, or why none — or, when
    the file does not show it, that its scope is not yet known.

    `reason` is a machine code ("" when in scope): `kind` its own kind is not a subject;
    `workplace` / `parent` a person's unit or a unit's parent is of a kind the plan does not
    cover (out of scope: the file shows it); `no_unit` / `unit_not_in_file` / `no_parent` /
    `parent_not_in_file` the file does not state the unit or parent, or names one that is not in
    it (`unknown`: the candidate keeps its group, its verdict is at best incomplete). `clause` and
    `quote` cite the limit (empty for `kind`); `detail` names what was found (the unit or parent,
    with its kind); `allowed` the kinds the plan accepts there; `unstated` the campaign's recorded
    decision when the file's silence was read as the issuer.
    """

    group: str | None
    groups: list[str]
    reason: ScopeReason = ""
    clause: str = ""
    quote: str = ""
    detail: str = ""
    found_kind: str = ""  # the kind of the unit or parent found, when it is in the file
    allowed: tuple[str, ...] = ()
    note: Label | None = None  # the scope limit's note (Label.get(lang))
    unstated: Unstated | None = None  # the decision that read a file's silence as the issuer

    @property
    def unknown(self) -> bool:
        """Whether the facts leave the candidate's scope open (the verdict is then `incomplete`)."""
        return self.reason in UNKNOWN_SCOPE

    @property
    def key(self) -> str:
        """The fact the file must state to decide the scope: `unit` or `parent` ("" when decided)."""
        if not self.unknown:
            return ""
        return "unit" if self.reason in ("no_unit", "unit_not_in_file") else "parent"


@dataclass(frozen=True)
class AwardPlace:
    """The outcome of `Campaign.award_scope`: whether a candidate is in an award's scope, and under whom.

    `under` is the id of the unit whose list it is in (a per-unit award), "" for an award with
    one list; outside the scope, `clause`, `quote` and `per` cite the limit."""

    inside: bool
    under: str = ""
    clause: str = ""
    quote: str = ""
    per: tuple[str, ...] = ()


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
    conditions: dict[str, list[CompiledRule]] = field(default_factory=dict)  # award id → its own conditions
    # an in-scope candidate's scope, one per (group, kind, head, the decision read): `scope_of` shares it
    # (frozen), so that candidates alike share what is decided from it (judge: one decision each)
    _in_scope: dict[tuple[Any, ...], Scope] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def yearly(self) -> bool:
        """Whether the plan is judged round by round, one year at a time (its period or its deadline says so)."""
        return self.model.period.yearly or self.model.nomination.deadline.yearly is not None

    def base_group(self, candidates: str, kind: str) -> str | None:
        """The group a candidate competes in (its quota), or None: out of scope."""
        for gid, group in self.model.groups.items():
            if not group.heads_only and group.candidates == candidates and kind in group.kinds:
                return gid
        return None

    @staticmethod
    def scope_key(cand: Candidate) -> tuple[Any, ...]:
        """All `scope_of` reads of a candidate: within one facts file, candidates alike in these
        have one scope (an evaluation decides it once for them: `plan.make_plan`)."""
        return (cand.group, cand.kind, cand.head, cand.unit, cand.parent)

    def scope_of(self, cand: Candidate, facts: FactsFile) -> Scope:
        """Whether a candidate is a subject of the plan (II.1, đối tượng), decided here only.

        Its own kind picks the group; then the group's `workplaces` (a person's unit) or `parents`
        (a unit's parent) must hold. Three-valued: out of scope only when the file shows it (the
        stated unit or parent is of a kind the plan does not cover); a unit or parent not stated,
        or an id not in the file, leaves the scope unknown — unless the limit records who an
        unstated one is (`unstated: issuer`). `issuer` in the file names the plan's issuer itself.
        """
        base = self.base_group(cand.group, cand.kind)
        if base is None:
            group_kinds = [k for g in self.model.groups.values() if g.candidates == cand.group for k in g.kinds]
            return Scope(None, [], "kind", detail=cand.kind, allowed=tuple(dict.fromkeys(group_kinds)))
        group = self.model.groups[base]
        person = cand.group == "person"
        limits = group.workplaces if person else group.parents
        codes: tuple[ScopeReason, ScopeReason, ScopeReason] = (
            ("no_unit", "unit_not_in_file", "workplace") if person else ("no_parent", "parent_not_in_file", "parent")
        )
        unknown: Scope | None = None
        decided: Unstated | None = None
        for limit in limits:
            if limit.applies_to is not None and cand.kind not in limit.applies_to:
                continue
            clause, quote = limit.clause or group.clause, limit.quote or group.quote
            ref = cand.unit if person else cand.parent
            if ref is None and limit.unstated is not None:
                ref, decided = limit.unstated.means, limit.unstated
            where = facts.by_id.get(ref) if ref and ref != ISSUER else None
            kind = ISSUER if ref == ISSUER else (where.kind if where is not None else "")
            if ref is None:
                reason = codes[0]
            elif not kind:
                reason = codes[1]
            elif kind not in limit.kinds:
                reason = codes[2]
            else:
                continue
            found = Scope(
                None, [], reason, clause, quote, ref or "", kind, limit.kinds, note=limit.note, unstated=decided
            )
            if reason == codes[2]:
                return found  # shown by the file: out of scope, whatever else is unknown
            if unknown is None:
                unknown = found
        if unknown is not None:
            return replace(unknown, group=base, groups=self._with_heads(base, cand.kind, cand.head))
        key = (base, cand.kind, cand.head, id(decided))  # `decided`: the campaign's own (or None)
        scope = self._in_scope.get(key)
        if scope is None:
            scope = self._in_scope[key] = Scope(base, self._with_heads(base, cand.kind, cand.head), unstated=decided)
        return scope

    def _with_heads(self, base: str, kind: str, head: bool) -> list[str]:
        """The groups whose criteria apply: the base group, plus a heads' group for a head."""
        out = [base]
        if head:
            for gid, group in self.model.groups.items():
                if group.heads_only and group.extends == base and kind in group.kinds:
                    out.append(gid)
        return out

    def all_rules(self) -> list[CompiledRule]:
        return [r for rules in self.rules.values() for r in rules]

    def all_conditions(self) -> list[CompiledRule]:
        return [c for conds in self.conditions.values() for c in conds]

    def all_keys(self) -> list[CompiledRankKey]:
        return [k for keys in self.ranking.values() for k in keys]

    def items(self) -> list[CompiledRule | CompiledRankKey]:
        """Everything a backend evaluates: rules, award conditions, ranking keys."""
        return [*self.all_rules(), *self.all_conditions(), *self.all_keys()]

    def conditions_for(self, group: str) -> list[CompiledRule]:
        """The award conditions a candidate competing in `group` is evaluated against, in award order."""
        return [c for c in self.all_conditions() if c.spec.group == group]

    def award_scope(self, award: Award, cand: Candidate, facts: FactsFile) -> AwardPlace:
        """Which list of `award` a candidate belongs to, decided here only (docs: awards, `scope`).

        Without a `scope`, every candidate of the award's groups is in its one list. With
        `scope.per`, a candidate is in the list of the nearest unit of those kinds above it: for a
        unit, up its parent chain (the unit itself is not its own candidate); for a person, their
        unit and up its chain. None found: outside the award's scope."""
        if award.scope is None:
            return AwardPlace(True)
        kinds = award.scope.per
        node = facts.by_id.get(cand.unit) if cand.group == "person" and cand.unit else None
        if cand.group == "unit":
            node = facts.by_id.get(cand.parent) if cand.parent else None
        seen: set[str] = set()
        while node is not None and node.id not in seen:
            if node.kind in kinds:
                return AwardPlace(True, node.id)
            seen.add(node.id)
            node = facts.by_id.get(node.parent) if node.parent else None
        sc = award.scope
        return AwardPlace(False, "", sc.clause or award.clause, sc.quote or award.quote, kinds)


def resolve_campaign_path(name: str) -> Path:
    """A campaign id (`ninh_thuan_2020`) or a path to a campaign YAML file."""
    path = Path(name)
    if path.suffix.lower() in (".yaml", ".yml") or "/" in name or "\\" in name:
        if not path.exists():
            raise UsageError(
                Problem(name, Msg("problem.campaign_file_not_found"), hint=Msg("problem.campaign_check_path"))
            )
        return path
    found = [d / f"{name}.yaml" for d in campaign_dirs() if (d / f"{name}.yaml").is_file()]
    if name not in DATA_FILES and len(found) == 1:
        return found[0]
    if name not in DATA_FILES and found:
        raise UsageError(
            Problem(
                str(found[0]),
                Msg("problem.campaign_id_twice", id=name, other=str(found[1])),
                hint=Msg("problem.campaign_id_twice_hint"),
            )
        )
    known = available_campaigns()
    raise UsageError(
        Problem(
            name,
            Msg("problem.campaign_unknown", id=name),
            hint=did_you_mean(name, known) or Msg("problem.campaign_available", ids=known),
        )
    )


DATA_FILES = ("facts", "rewards", "patterns")  # shared data beside the campaigns, not campaigns


def campaign_dirs() -> list[Path]:
    """Where campaign ids are looked up: the user's folders (`--campaigns`), then the shipped ones."""
    return [*user_campaign_dirs(), campaigns_dir()]


def available_campaigns() -> list[str]:
    return sorted({p.stem for d in campaign_dirs() for p in d.glob("*.yaml") if p.stem not in DATA_FILES})


@dataclass
class CampaignRead:
    """One campaign file read: its document and model (None when it does not parse or fit the
    schema), every problem found — YAML, schema, structural checks (TD codes), rules (TD701) —
    and the compiled campaign when no problem is an error."""

    path: Path
    file: str
    doc: Document | None
    model: CampaignModel | None
    problems: list[Problem]
    campaign: Campaign | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def require_model(self) -> tuple[Document, CampaignModel]:
        """The document and schema-valid model, or `CampaignInvalid` when there is none."""
        if self.doc is None or self.model is None:
            raise CampaignInvalid(self.problems)
        return self.doc, self.model

    def require_campaign(self) -> Campaign:
        """The compiled campaign, or `CampaignInvalid` listing every error."""
        if self.campaign is None:
            raise CampaignInvalid(self.errors)
        return self.campaign


def read_campaign(name: str | Path) -> CampaignRead:
    """The one campaign reader: source → schema → structural checks → compile.

    A missing file is a `UsageError`; every other problem is in the result, so `lint` and
    `validate` report them all, and `load_campaign` refuses a campaign with any error."""
    path = resolve_campaign_path(str(name))
    shipped = path.parent.resolve() == campaigns_dir().resolve()
    # problems name the file an editor can open: a path as the user typed it, else the file an id found
    display = str(name) if path == Path(str(name)) and not shipped else _display(path)
    try:
        text = read_text(path, display)
    except UsageError as e:  # a campaign that exists but does not decode fails validation
        if not path.is_file():
            raise
        return CampaignRead(path, display, None, None, e.problems)
    from engine.common.cache import remembered

    raw = path.read_bytes()  # its SHA-256 is the campaign's in every result
    # made again when the file, its name, the catalogue or the engine changes (engine.common.cache)
    inputs = (str(path), display, str(shipped), raw, catalogue_text())
    return remembered("campaign", inputs, lambda: _read(path, display, shipped, text, raw))


def read_campaign_text(name: str, raw: bytes) -> CampaignRead:
    """A campaign given as bytes (an upload, engine.app.sources), read as a file named `name` is:
    nothing written to disk, every problem named by `name`."""
    from engine.model.source import decode

    try:
        text = decode(raw, name)
    except UsageError as e:  # a campaign that does not decode fails validation
        return CampaignRead(Path(name), name, None, None, e.problems)
    return _read(Path(name), name, False, text, raw)


def _read(path: Path, display: str, shipped: bool, text: str, raw: bytes) -> CampaignRead:
    from engine.model.source import load_yaml_text

    try:
        doc = load_yaml_text(text, display)
    except UsageError as e:  # a campaign that exists but does not parse fails validation
        return CampaignRead(path, display, None, None, e.problems)
    if not isinstance(doc.data, dict):
        problem = Problem(
            display, Msg("problem.campaign_not_mapping"), 1, 1, hint=Msg("problem.campaign_not_mapping_hint")
        )
        return CampaignRead(path, display, doc, None, [problem])
    from pydantic import ValidationError

    try:
        model = CampaignModel.model_validate(doc.data)
    except ValidationError as e:
        return CampaignRead(path, display, doc, None, pydantic_problems(e, doc, CampaignModel))
    from engine.model.checks import READER, Subject, run

    found = run(READER, Subject(model, doc, path.stem, shipped), "structure")
    sha = hashlib.sha256(raw).hexdigest()
    # the plan's own words for some facts (`labels:`): every output reads them through this catalogue
    catalogue = load_catalogue().for_campaign({k: v.label for k, v in model.labels.items()})
    rules, conditions, ranking, rule_problems = _compile(model, doc, catalogue)
    problems = sorted(found + rule_problems, key=lambda p: (p.line or 0, p.column or 0, p.code))
    read = CampaignRead(path, display, doc, model, problems)
    if not read.errors:
        warnings = [p for p in problems if p.severity != "error"]
        read.campaign = Campaign(model, doc.file, sha, catalogue, rules, ranking, warnings, conditions)
    return read


def load_campaign(name: str | Path) -> Campaign:
    """Load, validate and compile a campaign; raise `CampaignInvalid` listing every error."""
    return read_campaign(name).require_campaign()


def _compile(
    model: CampaignModel, doc: Document, catalogue: Catalogue
) -> tuple[
    dict[str, list[CompiledRule]], dict[str, list[CompiledRule]], dict[str, list[CompiledRankKey]], list[Problem]
]:
    """Compile every rule, award condition and ranking key; the structural checks
    (engine.model.checks) have reported what does not fit, and a rule that cannot be placed is
    skipped here."""
    from engine.lang import RuleError, parse_value  # the parser: a campaign from the cache is compiled already

    problems: list[Problem] = []
    groups = model.groups

    rules: dict[str, list[CompiledRule]] = {gid: [] for gid in groups}
    conditions: dict[str, list[CompiledRule]] = {a.id: [] for a in model.awards}
    for p, spec in model.rule_specs():
        found = groups.get(spec.group)
        if found is None:  # TD206
            continue
        group = found
        if spec.scope == "unit" and group.candidates != "person":  # TD207
            continue
        if spec.rule.strip() == TODO or (spec.waiver is not None and spec.waiver.when.strip() == TODO):
            continue  # a draft's rule not yet written: the reader's TD801 refuses the campaign
        units = group.candidates == "unit" or spec.scope == "unit"
        node = _parse(spec.rule, doc, (*p, "rule"), catalogue, units, problems)
        waiver = None
        if spec.waiver is not None:
            waiver = _parse(spec.waiver.when, doc, (*p, "waiver", "when"), catalogue, units, problems)
        if node is None:
            continue
        facts = node.facts() + [f for f in (waiver.facts() if waiver else []) if f not in node.facts()]
        if isinstance(spec, AwardCondition):  # an award's own condition: of the award, never of the verdict
            award = model.awards[int(str(p[1]))].id
            conditions[award].append(CompiledRule(spec, "criterion", node, waiver, facts, award))
        elif isinstance(spec, Criterion | Disqualifier):
            kind: RuleKind = "disqualifier" if isinstance(spec, Disqualifier) else "criterion"
            rules[spec.group].append(CompiledRule(spec, kind, node, waiver, facts))

    ranking: dict[str, list[CompiledRankKey]] = {}
    for gid, rk in model.ranking.items():
        if gid not in groups:  # TD402
            continue
        keys = []
        for i, key in enumerate(rk.keys):
            if key.by.strip() == TODO:
                continue  # a draft's ranking not yet written (TD801)
            kp: PathT = ("ranking", gid, "keys", i, "by")
            try:
                node = parse_value(key.by, catalogue, scope_units=groups[gid].candidates == "unit")
                keys.append(CompiledRankKey(key, node))
            except RuleError as e:
                problems.append(_rule_problem(doc, kp, e))
        ranking[gid] = keys
    return rules, conditions, ranking, problems


def _parse(
    text: str, doc: Document, p: PathT, catalogue: Catalogue, units: bool, problems: list[Problem]
) -> Node | None:
    from engine.lang import RuleError, parse_rule

    try:
        return parse_rule(text, catalogue, scope_units=units)
    except RuleError as e:
        problems.append(_rule_problem(doc, p, e))
        return None


def _rule_problem(doc: Document, p: PathT, e: RuleError) -> Problem:
    from engine.model.checks import compile_check
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
    # the compile stage's entry of the registry whose message it is (TD204), else TD701
    check = compile_check(e.message)
    return Problem(doc.file, e.message, line, col, readable_path(doc.data, p), e.hint, check.severity, check.code)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
