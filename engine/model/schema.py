"""The strict schema of a campaign file (Pydantic v2), and the error mapping for all schemas.

One model holds the structure and the defaults; unknown keys are errors (a typo must never
become a silently ignored rule). `validate_model` maps each Pydantic error back through the
YAML node tree to `file:line:column`, names list items by their `id`, and adds a hint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from engine.common import fmt
from engine.common.errors import CampaignInvalid, Problem, did_you_mean
from engine.common.message import Msg, Text
from engine.model.source import Document, PathT, dotted

UnitKind = Literal[
    "department",  # Sở, ban, ngành
    "vertical_agency",  # Công an, BHXH, Kho bạc, Thuế, Thống kê tỉnh
    "district",  # UBND cấp huyện
    "commune",  # UBND cấp xã, phường
    "division",  # phòng, ban tham mưu
    "public_service_unit",  # đơn vị sự nghiệp, đơn vị trực thuộc
    "party_front_body",  # cơ quan Đảng, Mặt trận, đoàn thể
    "central_agency",  # cơ quan Trung ương đóng trên địa bàn
    "hamlet",  # ấp
    "sector",  # ngành, đoàn thể cấp xã
]
PersonKind = Literal["civil_servant", "commune_non_professional", "journalist"]
Kind = UnitKind | PersonKind
DocumentName = Literal["proposal", "council_minutes", "achievement_report"]
Channel = Literal["postmark", "tdo", "hand", "email"]  # how a nomination file is sent (submission.via)
CHANNELS: tuple[str, ...] = get_args(Channel)
UNIT_KINDS: tuple[str, ...] = get_args(UnitKind)
PERSON_KINDS: tuple[str, ...] = get_args(PersonKind)
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", description="snake_case identifier")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Label(BaseModel):  # a text in Vietnamese and English (no docstring: it would enter the JSON Schema)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


def _bilingual(value: Any) -> Any:
    # a plain-string note (the form before issue 14.1) reads the same in both languages
    return {"vi": value, "en": value} if isinstance(value, str) else value


# An interpretation note: `{vi: …, en: …}`, or one plain string for both languages. Read it only
# through `Label.get(lang)`, so every output picks the note in its own language.
Note = Annotated[Label, BeforeValidator(_bilingual, json_schema_input_type=str | Label)]
NOTE_HELP = "interpretation: what the text says, what the rule does, why — {vi: …, en: …} (or one text)"


# a value `thidua draft` could not read from the plan (engine.authoring.draft): the reader refuses
# it (TD801) until an author writes it; a rule written TODO is never compiled
TODO = "TODO"


class Drafted(Strict):
    """A part `thidua draft` wrote from the plan's text: a proposal until an author confirms it
    (deletes `drafted`), found by TD802 (engine.model.checks)."""

    drafted: bool = Field(
        default=False, description="written by `thidua draft`: a proposal to confirm, then delete this key"
    )
    pattern: str | None = Field(default=None, description="the pattern (campaigns/patterns.yaml) that proposed it")


class Cited(Drafted):
    """Anything taken from the plan carries its clause and the plan's own sentence."""

    clause: str = Field(description="the plan's clause, e.g. II.2.a")
    quote: str = Field(min_length=1, description="the plan's sentence, exactly as written")
    note: Note | None = Field(default=None, description=NOTE_HELP)


class Document_(Strict):
    kind: str = Field(default="Kế hoạch", description="loại văn bản")
    number: str | None = Field(description="số/ký hiệu; null when the draft leaves it blank")
    issuer: str = Field(description="cơ quan ban hành")
    level: Literal["province", "city", "district", "commune", "department"]
    place: str
    date: str | dt.date = Field(description="YYYY-MM-DD, or YYYY-MM / YYYY when the day is blank")
    signer: str | None = None
    signer_title: str | None = None
    source: str = Field(description="file name of the plan in shared/plans/")

    @field_validator("source")
    @classmethod
    def _bare_name(cls, v: str) -> str:
        # the plan is read to check quotes and its passages are printed: a path would print any file
        if not v.strip() or v in (".", "..") or any(c in v for c in "/\\\0:") or v != v.strip():
            raise ValueError(Msg("problem.campaign_source_not_bare", value=v), Msg("problem.campaign_source_hint"))
        return v

    @field_validator("date")
    @classmethod
    def _partial_date(cls, v: str | dt.date) -> str | dt.date:
        if isinstance(v, str) and not re.fullmatch(r"\d{4}(-\d{2})?", v):
            raise ValueError(Msg("problem.campaign_partial_date", value=v), Msg("problem.campaign_partial_date_hint"))
        return v

    @property
    def date_text(self) -> str:
        d = self.date
        if isinstance(d, dt.date):
            return fmt.day(d)
        parts = d.split("-")
        return "/".join(reversed(parts))

    @property
    def precision(self) -> str:
        """How much of the date the plan gives: `day`, `month` (a draft's '…/03/2025') or `year`."""
        d = self.date
        return "day" if isinstance(d, dt.date) else ("month" if "-" in d else "year")


# The plan's issuer: in `parents:`/`workplaces:` kinds, the issuing body itself; in a facts file,
# `parent: issuer` (a unit directly under it) or `unit: issuer` (a person working in it)
ISSUER = "issuer"


class Unstated(Strict):
    """Who a candidate that does not state it sits under, where the plan makes it obvious: a recorded
    decision (its clause, quote and note), never a silent default (issue 22: scope is three-valued)."""

    means: Literal["issuer"] = Field(
        description="issuer: a person with no `unit` works in the plan's issuer itself (a commune's plan: the "
        "commune), a unit with no `parent` is directly under it (a Sở's plan: its own units)"
    )
    clause: str = Field(description="the plan's clause that makes it obvious")
    quote: str = Field(min_length=1, description="the plan's sentence, exactly as written")
    note: Note = Field(description=NOTE_HELP)


class ScopeLimit(Strict):
    """Where a group's candidates must sit: a person's `unit`, or a unit's `parent` (II.1, đối tượng).

    Three-valued: in scope when the stated unit/parent is of one of `kinds`, out of scope when it is
    of another kind, and not yet known (the verdict at best `incomplete`) when the file does not
    state it or names an id that is not in the file — unless `unstated` records who it is."""

    applies_to: tuple[Kind, ...] | None = Field(
        default=None, description="the group's kinds this limit is for; default: all of them"
    )
    kinds: tuple[UnitKind | Literal["issuer"], ...] = Field(
        min_length=1,
        description="workplaces: the kinds the person's unit must be; parents: the kinds the unit's parent "
        "must be; `issuer`: the plan's issuer itself (written `issuer` in the facts file)",
    )
    clause: str | None = Field(default=None, description="the plan's clause; default: the group's")
    quote: str | None = Field(default=None, min_length=1, description="the plan's sentence; default: the group's")
    note: Note | None = Field(default=None, description=NOTE_HELP)
    unstated: Unstated | None = Field(
        default=None,
        description="a file that does not state the unit/parent: who it is, where the plan makes it obvious "
        "(default: not yet known — the verdict is incomplete until the file says)",
    )

    @model_validator(mode="after")
    def _unstated_is_allowed(self) -> ScopeLimit:
        if self.unstated is not None and self.unstated.means not in self.kinds:
            raise ValueError(
                Msg("problem.campaign_unstated_kind", means=self.unstated.means),
                Msg("problem.campaign_unstated_kind_hint", means=self.unstated.means),
            )
        return self


class Group(Cited):
    label: Label
    candidates: Literal["unit", "person"]
    kinds: tuple[Kind, ...] = Field(min_length=1)
    heads_only: bool = False
    extends: str | None = Field(default=None, description="a heads-only group also meets this group's criteria")
    workplaces: tuple[ScopeLimit, ...] = Field(
        default=(), description="people: the kinds of unit they must work in (their `unit`)"
    )
    parents: tuple[ScopeLimit, ...] = Field(default=(), description="units: the kinds their `parent` must be")


class Waiver(Strict):
    when: str = Field(description="a rule: when it holds, a failing rule is waived")
    reason: Label


class Rule(Cited):
    id: Id
    group: str
    label: Label
    rule: str = Field(description="an expression of the rule language")
    scope: Literal["self", "unit"] = "self"
    kinds: tuple[Kind, ...] | None = Field(default=None, description="only candidates of these kinds (e.g. localities)")
    waiver: Waiver | None = None


class NotApplicable(Strict):
    """Whether `n/a` is an admissible answer to a criterion, and the plan's words that say so."""

    allowed: bool = Field(description="true: a fact written n/a may make the criterion not_applicable")
    because: str = Field(min_length=1, description="the plan's words (with the clause) or the decision")


class Condition(Rule):
    """A rule that must hold: a group's criterion, or an award's own condition."""

    na: NotApplicable | None = Field(
        default=None,
        description="whether n/a is admissible; default not allowed: a fact written n/a counts as unknown",
    )

    @property
    def na_allowed(self) -> bool:
        return self.na is not None and self.na.allowed


class Criterion(Condition):
    required: bool = True


class AwardCondition(Condition):
    """An award's own condition (`awards[].conditions`): who of its group may be proposed for it.

    The same shape as a criterion (`group` is the award's group whose candidates it is for), but
    it never decides a verdict: it decides only whether a candidate is proposed for this award."""


class Disqualifier(Rule):
    pass


class Period(Cited):
    start: dt.date | None = None
    end: dt.date
    end_inclusive: bool
    yearly: bool = False


class Deadline(Strict):
    date: dt.date | None = None
    yearly: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    event: Label | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Deadline:
        given = [k for k in ("date", "yearly", "event") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                Msg("problem.campaign_deadline_one", given=given), Msg("problem.campaign_deadline_one_hint")
            )
        if self.yearly:
            month, day = (int(x) for x in self.yearly.split("-"))
            try:
                dt.date(2000, month, day)  # a leap year: 02-29 is a day, 02-30 is not
            except ValueError:
                raise ValueError(
                    Msg("problem.campaign_yearly_no_day", value=self.yearly), Msg("problem.campaign_yearly_hint")
                ) from None
        return self


class Decided(Drafted):
    """A point of the nomination file the plan states (clause and quote) or leaves to a recorded decision (note)."""

    clause: str | None = Field(default=None, description="the plan's clause, where it says so")
    quote: str | None = Field(default=None, min_length=1, description="the plan's sentence, exactly as written")
    note: Note | None = Field(default=None, description=NOTE_HELP)

    @model_validator(mode="after")
    def _cited_or_decided(self) -> Decided:
        if (self.clause is None) != (self.quote is None):
            raise ValueError(Msg("problem.campaign_clause_and_quote"), Msg("problem.campaign_clause_and_quote_hint"))
        if self.quote is None and not (self.note and self.note.vi.strip() and self.note.en.strip()):
            raise ValueError(Msg("problem.campaign_decision_note"), Msg("problem.campaign_decision_note_hint"))
        return self


class Channels(Decided):
    accepted: tuple[Channel, ...] = Field(
        min_length=1, description=f"the ways of sending the file that count: {' | '.join(CHANNELS)}"
    )
    other: Literal["undecided", "counted"] = Field(
        default="undecided",
        description="a file sent another way (or its way not recorded), sent on time: undecided, or counted",
    )

    def counts(self, via: str | None) -> bool:
        """Whether a file sent this way (None: not recorded) is one of the ways the plan accepts."""
        return via in self.accepted if via is not None else set(self.accepted) == set(CHANNELS)

    @model_validator(mode="after")
    def _others_decided(self) -> Channels:
        if set(self.accepted) != set(CHANNELS) and not (self.note and self.note.vi.strip() and self.note.en.strip()):
            raise ValueError(Msg("problem.campaign_channels_note"), Msg("problem.campaign_channels_note_hint"))
        return self


class Late(Decided):
    decision: Literal["not_considered", "considered"] = Field(
        description="a file sent after the deadline: not_considered (the verdict), or considered (shown late, "
        "judged on its rules)"
    )


class Nomination(Cited):
    deadline: Deadline
    inclusive: bool = True
    date_counts: Literal["sent_on", "received_on"] = "sent_on"
    documents: tuple[DocumentName, ...] = ()
    copies: int | None = Field(default=None, ge=1)
    documents_clause: str | None = None
    documents_quote: str | None = None
    channels: Channels | None = Field(
        default=None, description="the ways of sending the file that count; default: every way, by its sent date"
    )
    late: Late | None = Field(default=None, description="what a late file gets; default: not considered")

    @property
    def late_excludes(self) -> bool:
        """Whether a late file is not considered (the default, and the 2020 plan's sentence)."""
        return self.late is None or self.late.decision == "not_considered"

    def cite(self, outcome: str, why: str = "") -> tuple[str, str]:
        """The clause and the plan's sentence behind a nomination outcome, for every output alike.

        Missing documents cite the dossier (documents_clause/quote: the plan's whole list); a file
        undecided by its channel cites the plan's channels sentence, where it has one; anything else
        (late, on time, no deadline) the deadline's clause and quote.
        """
        if outcome == "missing_documents" and self.documents_quote is not None:
            return self.documents_clause or self.clause, self.documents_quote
        if why in ("channel", "no_channel") and self.channels is not None and self.channels.quote is not None:
            return self.channels.clause or self.clause, self.channels.quote
        return self.clause, self.quote


class AwardScope(Strict):
    """Which candidates of its groups an award is for: those under one unit, one list per unit."""

    per: tuple[UnitKind, ...] = Field(
        min_length=1,
        description="one list per unit of these kinds in the facts file (e.g. commune: each ward chairman's "
        "Giấy khen), among the candidates under it: units whose parent chain reaches it, people whose unit is "
        "it or is under it; the unit itself is not its own candidate",
    )
    clause: str | None = Field(default=None, description="the plan's clause; default: the award's")
    quote: str | None = Field(default=None, min_length=1, description="the plan's sentence; default: the award's")
    note: Note | None = Field(default=None, description=NOTE_HELP)


class Award(Cited):
    id: Id
    form: Label
    authority: Label
    level: Literal["province", "department", "district", "commune"] | None = Field(
        description="for the reward coefficient table; null where the plan leaves the granting level open"
    )
    quotas: dict[str, int | None]
    from_: str | None = Field(default=None, alias="from")
    deadline: Deadline | None = None
    conditions: tuple[AwardCondition, ...] = Field(
        default=(), description="the award's own conditions, beside its groups' criteria (same shape as criteria)"
    )
    scope: AwardScope | None = Field(default=None, description="only the candidates under one unit: one list per unit")
    standard: Literal["group", "own"] = Field(
        default="group",
        description="group: its groups' eligible candidates that meet its conditions; own: its conditions are its "
        "whole standard — every candidate in scope of its groups that meets them, whatever its verdict",
    )
    instead_of: str | None = Field(
        default=None,
        description="an earlier award a candidate receives instead of this one (one achievement, one award): "
        "a candidate proposed for both is costed once, under that award",
    )


class RankKey(Strict):
    by: str
    order: Literal["desc", "asc"] = "desc"
    label: Label


class Ranking(Strict):
    note: Note
    keys: tuple[RankKey, ...] = Field(min_length=1)


class Reward(Cited):
    decree: Literal["91/2017/NĐ-CP", "98/2023/NĐ-CP"]


class FactLabel(Cited):
    """The plan's own words for a catalogue fact, where the shared label is not its term (issue 12.8)."""

    vi: str = Field(min_length=1, description="the label in the plan's words")
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    @property
    def label(self) -> Label:
        return Label(vi=self.vi, en=self.en)


class FactHolders(Cited):
    """Who a figure of the plan exists for: the kinds of candidate (or of a person's unit) that have it.

    A rank the city gives only to its divisions and wards, say. Read by the lint (TD216), which
    checks that every kind a group admits can still be eligible: a rule reading a figure its
    candidate's kind never has must be limited (`kinds:`) or allow n/a (`na:`)."""

    kinds: tuple[Kind, ...] = Field(min_length=1, description="the kinds that have this fact; any other has none")


class IssuerFacts(Cited):
    """Figures of the plan's issuer itself that the plan's criteria read for every candidate (Sở Y
    tế II.2.1: "Chỉ số DDCI của Sở Y tế tăng điểm hoặc tăng bậc"): given once — on the issuer's
    own row above the candidate (its parent chain), or in the facts file's `issuer:` block — and
    read from there by every unit and head that does not state them."""

    keys: tuple[str, ...] = Field(min_length=1, description="the fact keys that are the issuer's")


class CampaignModel(Strict):
    """A campaign file (kế hoạch phát động phong trào thi đua), schema_version 1."""

    schema_version: Literal[1]
    id: Id
    title: Label
    document: Document_
    groups: dict[Id, Group]
    criteria: tuple[Criterion, ...] = ()
    disqualifiers: tuple[Disqualifier, ...] = ()
    period: Period
    nomination: Nomination
    awards: tuple[Award, ...] = ()
    ranking: dict[str, Ranking] = {}
    reward: Reward | None = None
    labels: dict[str, FactLabel] = Field(
        default={},
        description="fact key → the plan's own label for it, shown in place of the catalogue's everywhere",
    )
    issuer_facts: IssuerFacts | None = Field(
        default=None,
        description="the facts that are the plan's issuer's own (given once, read by every candidate): keys, "
        "clause, quote, note",
    )
    facts_for: dict[str, FactHolders] = Field(
        default={},
        description="fact key → the kinds that have it, where the plan's figure is not every candidate's "
        "(a rank the city gives only to some bodies); the lint's TD216 reads it",
    )

    def rule_specs(self) -> Iterator[tuple[PathT, Rule]]:
        """Every rule of the file with its place: criteria, disqualifiers, then each award's conditions."""
        for section in ("criteria", "disqualifiers"):
            for i, spec in enumerate(getattr(self, section)):
                yield (section, i), spec
        for i, award in enumerate(self.awards):
            for j, cond in enumerate(award.conditions):
                yield ("awards", i, "conditions", j), cond


M = TypeVar("M", bound=BaseModel)


def validate_model(model: type[M], doc: Document) -> M:
    """Validate `doc.data` against `model`; raise `CampaignInvalid` with every problem located."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as e:
        raise CampaignInvalid(pydantic_problems(e, doc, model)) from None


def pydantic_problems(error: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    """Every schema error of a campaign or facts file as an officer's problem: what is wrong and
    what to write, by Pydantic's error `type` and `ctx` — never Pydantic's own English."""
    problems = []
    fields = _all_field_names(model)
    errors = error.errors()
    paths = [data_path(doc.data, err["loc"]) for err in errors]
    # a value that fits no branch of a union of literals (a kind of units or of people): one
    # problem listing every value allowed there
    allowed: dict[PathT, list[str]] = {}
    for err, path in zip(errors, paths, strict=True):
        if err["type"].startswith("literal_error"):
            allowed.setdefault(path, []).extend(_options(err))
    seen: set[tuple[PathT, str]] = set()
    for err, path in zip(errors, paths, strict=True):
        if err["type"] == "too_short" and any(len(p) > len(path) and p[: len(path)] == path for p in paths):
            continue  # its item is wrong (said there), the list is not empty
        message, hint = schema_message(err, path, fields, allowed.get(path))
        if (path, repr(message)) in seen:  # unions report the same place several times
            continue
        seen.add((path, repr(message)))
        problems.append(doc.problem(path, message, hint, where=readable_path(doc.data, path)))
    return problems


# a pattern of the schema → what to write (string_pattern_mismatch names it, not the regex)
_PATTERN_HINTS = {
    r"^[a-z][a-z0-9_]*$": "problem.campaign_schema_id_hint",
    r"^\d{2}-\d{2}$": "problem.campaign_yearly_hint",
}


def _options(err: Any) -> list[str]:
    """The values a literal allows, as Pydantic's `ctx.expected` lists them."""
    return re.findall(r"'([^']+)'", str((err.get("ctx") or {}).get("expected", "")))


def schema_message(err: Any, path: PathT, fields: set[str], allowed: list[str] | None = None) -> tuple[Text, Text]:
    """The message and the hint for one Pydantic error (`err` as `ValidationError.errors()` gives it;
    `allowed`: every value the literals at its place allow, when a union has several).

    A validator of ours raises `ValueError(Msg(…), hint)`: its message is said as it is. A
    type this does not map gets one sentence naming the key and what was found there."""
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx") or {}
    got = err.get("input")
    key = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
    found = _found(got)
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else ""
        hint = did_you_mean(key, fields - {key}) or Msg(
            "problem.campaign_schema_comma" if (" " in key or not key.isascii()) else "problem.campaign_schema_remove"
        )
        return Msg("problem.campaign_schema_unknown_key", field=key), hint
    if kind == "missing":
        return Msg("problem.campaign_schema_missing", field=str(err["loc"][-1])), Msg("problem.campaign_schema_add")
    if got is None and err.get("loc") and kind != "none_required":
        # an empty value where one is needed (a union says so once per branch: one line, by its key)
        return Msg("problem.campaign_schema_empty", field=key), Msg("problem.campaign_schema_fill")
    if kind.startswith("literal_error"):
        options = allowed or _options(err)
        return (
            Msg("problem.campaign_schema_not_allowed", value=str(got), options=options),
            did_you_mean(str(got), options),
        )
    said = _value_message(kind, got, ctx) or _shape_message(kind, key, found) or _size_message(kind, key, got, ctx)
    if said is not None:
        return said
    if kind == "value_error":
        raised = ctx.get("error")
        args = getattr(raised, "args", ())
        if args and isinstance(args[0], Msg):  # a validator of ours
            return args[0], args[1] if len(args) > 1 and isinstance(args[1], str | Msg) else ""
        return Msg("problem.campaign_schema_invalid", field=key, found=found), str(raised or "")
    return Msg("problem.campaign_schema_invalid", field=key, found=found), ""


# a Pydantic error type about the value written → (the message, the hint), both said with the value
_VALUE_KEYS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("bool_parsing", "bool_type"), ("problem.campaign_schema_not_bool", "problem.campaign_schema_bool_hint")
    ),
    **dict.fromkeys(
        ("int_parsing", "int_type", "int_from_float"),
        ("problem.campaign_schema_not_int", "problem.campaign_schema_int_hint"),
    ),
    **dict.fromkeys(
        ("float_parsing", "float_type", "decimal_parsing", "decimal_type"),
        ("problem.campaign_schema_not_number", "problem.campaign_schema_number_hint"),
    ),
}

# a Pydantic error type about the kind of thing found → (the message, the hint)
_SHAPE_KEYS: dict[str, tuple[str, str]] = {
    "string_type": ("problem.campaign_schema_want_text", "problem.campaign_schema_text_hint"),
    **dict.fromkeys(
        ("model_type", "model_attributes_type", "dict_type", "mapping_type", "dataclass_type"),
        ("problem.campaign_schema_want_mapping", "problem.campaign_schema_mapping_hint"),
    ),
    **dict.fromkeys(
        ("list_type", "tuple_type", "set_type", "iterable_type"),
        ("problem.campaign_schema_want_list", "problem.campaign_schema_list_hint"),
    ),
}


def _value_message(kind: str, got: Any, ctx: dict[str, Any]) -> tuple[Text, Text] | None:
    """A value of the wrong type or form (a date, yes/no, a whole number, a number, a pattern)."""
    if kind.startswith(("date_", "datetime_")):
        return Msg("problem.campaign_schema_not_date", value=str(got)), Msg("problem.campaign_schema_date_hint")
    if kind in _VALUE_KEYS:
        message, hint = _VALUE_KEYS[kind]
        return Msg(message, value=str(got)), Msg(hint)
    if kind == "string_pattern_mismatch":
        hint_key = _PATTERN_HINTS.get(str(ctx.get("pattern", "")))
        return Msg("problem.campaign_schema_pattern", value=str(got)), Msg(hint_key) if hint_key else ""
    return None


def _shape_message(kind: str, key: str, found: Text) -> tuple[Text, Text] | None:
    """Text, a mapping or a list wanted where something else was found."""
    if kind not in _SHAPE_KEYS:
        return None
    message, hint = _SHAPE_KEYS[kind]
    return Msg(message, field=key, found=found), Msg(hint, field=key)


def _size_message(kind: str, key: str, got: Any, ctx: dict[str, Any]) -> tuple[Text, Text] | None:
    """Too few or too many items, or a number beyond its bound."""
    if kind in ("too_short", "string_too_short"):
        least = ctx.get("min_length", 1)
        if kind == "string_too_short" or least == 1:
            return Msg("problem.campaign_schema_empty", field=key), Msg("problem.campaign_schema_fill")
        return Msg("problem.campaign_schema_too_few", field=key, n=least), ""
    if kind in ("too_long", "string_too_long"):
        return Msg("problem.campaign_schema_too_many", field=key, n=ctx.get("max_length", 0)), ""
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return Msg(f"problem.campaign_schema_{kind}", value=str(got), limit=next(iter(ctx.values()), "")), ""
    return None


def _found(value: Any) -> Text:
    """What was found where the schema wanted something else, in a few words."""
    if value is None:
        return Msg("problem.campaign_found_empty")
    if isinstance(value, dict):
        return Msg("problem.campaign_found_mapping")
    if isinstance(value, list | tuple):
        return Msg("problem.campaign_found_list")
    if isinstance(value, bool):
        return Msg("problem.campaign_found_bool", value=str(value).lower())
    text = str(value)
    return Msg("problem.campaign_found_value", value=text if len(text) <= 40 else text[:39] + "…")


def data_path(data: Any, loc: tuple[Any, ...]) -> PathT:
    """Keep only the parts of a Pydantic location that exist in the data (drop union tags)."""
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and part == "from_" and "from" in node:
            out.append("from")
            node = node["from"]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif (
            isinstance(node, dict)
            and isinstance(part, str)
            and not part.startswith(("function-", "union", "tagged", "str", "int", "date", "float", "bool", "list"))
        ):
            out.append(part)  # a missing or unknown key: point at its mapping, name the key
            node = None
    return tuple(out)


def readable_path(data: Any, path: PathT) -> str:
    """`criteria[par_rating_good].rule` rather than `criteria[3].rule`."""
    out = ""
    node = data
    for part in path:
        if isinstance(part, int) and isinstance(node, list):
            item = node[part] if part < len(node) else None
            name = item.get("id") if isinstance(item, dict) else None
            out += f"[{name}]" if isinstance(name, str) else f"[{part}]"
            node = item
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _all_field_names(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    seen = seen or set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        for sub in _submodels(info.annotation):
            names |= _all_field_names(sub, seen)
    return names


def _submodels(annotation: Any) -> list[type[BaseModel]]:
    out = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out.append(annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        out.extend(_submodels(arg))
    return out


__all__ = ["CampaignModel", "dotted", "validate_model"]
