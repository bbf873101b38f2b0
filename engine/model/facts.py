"""Load and validate a facts file into `Candidate`s (units and people).

The file's structure is checked by a strict Pydantic model; each fact value is then
checked against the catalogue's type and range (and turned into its evaluation form:
`n/a` → NA, a rating alias → its key, an ISO date → a date). References between
candidates (`parent`, `unit`) must resolve, parents may not form a cycle, and ids are
unique as `fold_id` compares them (NFC, tone mark on either vowel, invisible characters
ignored). Every problem names the file, the line, the candidate and the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from engine.common.errors import MAX_LINES, Problem, UsageError, did_you_mean
from engine.common.lookalike import foreign_letters, latin_key
from engine.common.message import Msg, Text
from engine.common.text import controls
from engine.lang import NA, UNKNOWN
from engine.lang.values import BadValue, parse_day, reasons
from engine.model.catalogue import Catalogue, FactDef, Scale
from engine.model.schema import (
    ISSUER,
    PERSON_KINDS,
    UNIT_KINDS,
    Channel,
    DocumentName,
    Kind,
    data_path,
    pydantic_problems,
    readable_path,
)
from engine.model.source import Document, PathT, number_readings

NA_WORDS = {"n/a", "na", "không áp dụng", "kad"}
# Beyond this a value is a typo, not a fact — and outside the range where every number is exact in
# a float and an int64 alike, so both backends (and every arithmetic step: 0.1 × staff_total) agree.
MAX_NUMBER = 10**15


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _day(v: Any) -> Any:
    """A day written as people write it (25/01/2021) or ISO (2021-01-25): YAML and JSON as a cell."""
    return parse_day(v) if isinstance(v, str) else v


_KINDS = frozenset((*UNIT_KINDS, *PERSON_KINDS))


def _kind(v: Any) -> Any:
    """A kind by its key or by its name in either language (`Sở, ban, ngành`), as a cell takes it;
    `BadValue` naming the kinds, Vietnamese names first, for anything else."""
    return kind_of(v) if isinstance(v, str) and v not in _KINDS else v


def kind_of(v: Any, kinds: tuple[str, ...] = (*UNIT_KINDS, *PERSON_KINDS)) -> str:
    """A kind (of `kinds`) by its key or its name in either language; `BadValue` otherwise."""
    from engine.model.vocabulary import kind_names, norm, words

    kind = v if v in kinds else kind_names().get(norm(v))
    if kind in kinds:
        return str(kind)
    names = [words("vi")[f"kind.{k}"] for k in kinds]
    message = {
        UNIT_KINDS: "problem.facts_not_a_unit_kind",
        PERSON_KINDS: "problem.facts_not_a_person_kind",
    }.get(kinds, "problem.facts_not_a_kind")
    raise BadValue(Msg(message, kind=str(v)), one_of(str(v), names, kinds))


def one_of(value: str, names: list[str], keys: tuple[str, ...] | list[str]) -> Msg:
    """The hint for a word that is none of a list's: the closest, then every one — Vietnamese
    names first (quoted: a name may hold a comma, `Sở, ban, ngành`), then the keys."""
    quoted = [f'"{n}"' for n in names]
    close = did_you_mean(value, [*names, *keys])
    if close:
        return Msg("problem.facts_close_one_of", close=close, names=quoted, keys=list(keys))
    return Msg("problem.facts_write_one_of", names=quoted, keys=list(keys))


def word_of(v: Any, table: dict[str, tuple[str, ...]]) -> str | None:
    """The key a word stands for in a table of accepted words (`vocabulary.yaml` `words:`), by its
    key or any of its words (any case, NFC); None when it is none of them."""
    from engine.model.vocabulary import norm

    text = norm(v)
    for key, accepted in table.items():
        if text == key or text in {norm(w) for w in accepted}:
            return key
    return None


def via_of(v: Any) -> str:
    """How a file was sent, by its key or as an officer writes it (`bưu điện`): a cell and a YAML
    `via:` read it alike; `BadValue` otherwise."""
    from engine.model.vocabulary import load_labels

    table = load_labels().words.via
    via = word_of(v, table)
    if via is None:
        raise BadValue(Msg("problem.facts_not_a_via", value=str(v)), _words_hint(str(v), table))
    return via


def document_of(v: Any) -> str:
    """A document of a nomination file by its key or its name (`biên bản họp Hội đồng TĐKT`);
    `BadValue` otherwise."""
    from engine.model.vocabulary import load_labels

    table = load_labels().words.documents
    doc = word_of(v, table)
    if doc is None:
        raise BadValue(Msg("problem.facts_not_a_document", value=str(v)), _words_hint(str(v), table))
    return doc


def _words_hint(value: str, table: dict[str, tuple[str, ...]]) -> Msg:
    return one_of(value, [accepted[0] for accepted in table.values() if accepted], list(table))


def bool_of(v: Any) -> bool:
    """Yes or no as an officer writes it — `true`/`false`, Có/Không, x, đạt — in a cell or a YAML
    value alike; `BadValue` otherwise (n/a is the caller's: it is not a yes/no)."""
    from engine.model.vocabulary import load_labels, norm

    if isinstance(v, bool):
        return v
    if isinstance(v, int | float) and v in (0, 1):
        return bool(v)
    w = load_labels().words
    text = norm(v)
    if text in {norm(x) for x in w.true}:
        return True
    if text in {norm(x) for x in w.false}:
        return False
    raise BadValue(Msg("problem.facts_not_yes_no", value=shown(v)), Msg("problem.facts_write_yes_no"))


def _via(v: Any) -> Any:
    return via_of(v) if isinstance(v, str) else v


def _document(v: Any) -> Any:
    return document_of(v) if isinstance(v, str) else v


def _yes_no(v: Any) -> Any:
    return bool_of(v) if isinstance(v, str) else v


Day = Annotated[dt.date, BeforeValidator(_day)]


class SubmissionIn(_Strict):
    sent_on: Day | None = None
    via: Annotated[Channel, BeforeValidator(_via)] | None = None
    received_on: Day | None = None
    # not recorded: unknown, not missing
    documents: tuple[Annotated[DocumentName, BeforeValidator(_document)], ...] | None = None
    copies: int | None = None


class CandidateIn(_Strict):
    id: str | int
    name: str
    kind: Annotated[Kind, BeforeValidator(_kind)]
    parent: str | int | None = None
    unit: str | int | None = None
    head: Annotated[bool, BeforeValidator(_yes_no)] = False
    position: str | None = Field(default=None, description="chức vụ (people): shown in award lists and reports")
    facts: dict[str, Any] = {}
    submission: SubmissionIn | None = None


class IssuerIn(_Strict):
    """The plan's issuer itself (the Sở, the UBND that awards): its own figures, given once for the
    whole file and read by every candidate where the campaign says a fact is the issuer's
    (`issuer_facts`: Sở Y tế's DDCI)."""

    name: str | None = None
    facts: dict[str, Any] = {}


class FactsFileIn(_Strict):
    campaign: str | None = None
    issuer: IssuerIn | None = Field(default=None, description="the plan's issuer's own figures, given once")
    as_of: Day | None = None
    deadline: Day | None = None
    round: int | None = Field(default=None, ge=1900, le=2200, description="the year judged, for yearly campaigns")
    units: tuple[CandidateIn, ...] = ()
    people: tuple[CandidateIn, ...] = ()

    @field_validator("units", "people", mode="before")
    @classmethod
    def _empty(cls, v: Any) -> Any:
        return () if v is None else v  # `people:` with nothing under it is an empty list


@dataclass(slots=True)
class Submission:
    sent_on: dt.date | None
    via: str | None
    received_on: dt.date | None
    documents: tuple[str, ...] | None  # None: the file's documents were not recorded (unknown)
    copies: int | None


@dataclass(slots=True)
class Candidate:
    id: str
    name: str
    group: str  # unit | person
    kind: str
    facts: dict[str, Any]
    parent: str | None = None
    unit: str | None = None
    head: Annotated[bool, BeforeValidator(_yes_no)] = False
    submission: Submission | None = None
    path: PathT = ()
    position: str = ""  # chức vụ, for people; '' when not given
    file: str = ""  # the facts file it came from (several may make one evaluation)


@dataclass
class FactsFile:
    file: str
    sha256: str
    campaign: str | None
    as_of: dt.date | None
    deadline: dt.date | None
    candidates: list[Candidate]
    by_id: dict[str, Candidate] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    round: int | None = None
    inputs: tuple[tuple[str, str], ...] = ()  # every file read: (name, SHA-256), in reading order
    pending: Document | None = None  # a file whose references are checked with the others' (combine)
    issuer: dict[str, Any] = field(default_factory=dict)  # the plan's issuer's own figures (`issuer:`)

    def unit_of(self, person: Candidate) -> Candidate | None:
        return self.by_id.get(person.unit) if person.unit else None

    def file_of(self, cand: Candidate) -> str:
        """The file a candidate came from, for messages about it."""
        return cand.file or self.file


def facts_from_document(doc: Document, sha: str, catalogue: Catalogue, *, alone: bool = True) -> FactsFile:
    """A document's units and people, every value parsed and checked. `alone=False`: the file is
    one of several making one evaluation, its `unit`/`parent` references may name candidates of
    another file, and `combine` checks them with the others'."""
    if not isinstance(doc.data, dict):
        raise UsageError(
            Problem(
                doc.file,
                Msg("problem.facts_not_a_mapping"),
                1,
                1,
                hint=Msg("problem.facts_start_from_template", suffix=".yaml"),
            )
        )
    try:
        raw = FactsFileIn.model_validate(doc.data)
    except ValidationError as e:
        raise UsageError(_structure_problems(e, doc)) from None
    problems: list[Problem] = []
    cleaned: list[Problem] = []  # warnings: names whose line breaks or tabs became spaces
    candidates: list[Candidate] = []
    by_id: dict[str, Candidate] = {}
    folded: dict[str, str] = {}  # fold_id(id) → the id as first written
    for section, group, kinds in (
        ("units", "unit", UNIT_KINDS),
        ("people", "person", PERSON_KINDS),
    ):
        for i, item in enumerate(getattr(raw, section)):
            p: PathT = (section, i)
            cid = _nfc(str(item.id))
            where = f"{section}[{cid}]"
            if not cid.strip():
                problems.append(
                    doc.problem((*p, "id"), Msg("problem.facts_empty_id"), Msg("problem.facts_give_id"), where=where)
                )
                continue
            bad = controls(cid)
            if bad:  # an id is typed, compared and shown: a hidden character makes it another id
                problems.append(
                    doc.problem(
                        (*p, "id"),
                        Msg("problem.facts_id_controls", chars=bad),
                        Msg("problem.facts_retype_id"),
                        where=where,
                    )
                )
                continue
            name = _clean_name(_nfc(item.name), doc, (*p, "name"), where, problems, cleaned)
            if item.kind not in kinds:
                try:
                    kind_of(item.kind, kinds)
                except BadValue as e:
                    problems.append(doc.problem((*p, "kind"), e.message, e.hint, where=where))
            first = folded.get(fold_id(cid))
            if first is not None:
                message = Msg("problem.facts_duplicate_id", id=cid)
                hint = Msg("problem.facts_ids_unique")
                if first != cid:  # the same id written another way: name the first spelling, and where
                    line, _ = doc.locate((*by_id[first].path, "id"))
                    if line is not None and doc.kind != "table":  # a line number is written as is, not 1.234
                        message = Msg("problem.facts_duplicate_id_as", id=cid, first=first, line=str(line))
                    else:
                        message = Msg("problem.facts_duplicate_id_as_here", id=cid, first=first)
                    hint = Msg("problem.facts_ids_unique_folded")
                problems.append(doc.problem((*p, "id"), message, hint, where=where))
                continue
            facts = _read_facts(item.facts, group, where, p, doc, catalogue, problems)
            sub = None
            if item.submission is not None:
                s = item.submission
                docs = tuple(s.documents) if s.documents is not None else None
                sub = Submission(s.sent_on, s.via, s.received_on, docs, s.copies)
            cand = Candidate(
                id=cid,
                name=name,
                group=group,
                kind=item.kind,
                facts=facts,
                parent=_nfc(str(item.parent)) if item.parent is not None else None,
                unit=_nfc(str(item.unit)) if item.unit is not None else None,
                head=item.head,
                position=_nfc(item.position.strip()) if item.position else "",
                submission=sub,
                path=p,
                file=doc.file,
            )
            _sanity(cand, doc, problems)
            by_id[cid] = cand
            folded[fold_id(cid)] = cid
            candidates.append(cand)
    issuer: dict[str, Any] = {}
    if raw.issuer is not None:
        issuer = _read_facts(raw.issuer.facts, "unit", "issuer", ("issuer",), doc, catalogue, problems)
    if alone:
        _references(candidates, by_id, doc, problems)
    if problems:
        raise UsageError(problems)
    warnings: list[Problem] = cleaned
    for cand in candidates:
        _contradictions(cand, doc, warnings)
    return FactsFile(
        doc.file,
        sha,
        raw.campaign,
        raw.as_of,
        raw.deadline,
        candidates,
        by_id,
        warnings,
        raw.round,
        ((doc.file, sha),),
        None if alone else doc,
        issuer,
    )


def _read_facts(
    given: dict[str, Any],
    group: str,
    where: str,
    p: PathT,
    doc: Document,
    catalogue: Catalogue,
    problems: list[Problem],
) -> dict[str, Any]:
    """A candidate's (or the issuer's) facts, every value parsed against the catalogue; each bad key
    or value is a problem at its line."""
    section = "units" if group == "unit" else "people"
    facts: dict[str, Any] = {}
    fast = _fast_facts(given, group, catalogue)  # None: some value needs the careful path
    if fast is not None:
        return fast
    for key, value in given.items():
        key = _nfc(str(key))
        fp: PathT = (*p, "facts", key)
        fwhere = f"{where}.facts.{key}"
        fdef = catalogue.facts.get(key)
        if fdef is None:
            problems.append(
                doc.problem(
                    fp,
                    Msg("problem.facts_unknown_fact", field=key),
                    # past the problems that are printed, no 'did you mean' for each
                    (did_you_mean(key, catalogue.facts) if len(problems) < MAX_LINES else "")
                    or Msg("problem.facts_see_catalogue"),
                    where=fwhere,
                )
            )
            continue
        if section not in fdef.for_:
            problems.append(
                doc.problem(
                    fp,
                    Msg(f"problem.facts_not_for_{section}", field=key),
                    Msg(f"problem.facts_recorded_for_{fdef.for_[0]}"),
                    where=fwhere,
                )
            )
            continue
        try:
            parsed = _fast_parser(fdef, catalogue)(value)
            if parsed is _SLOW:
                parsed = parse_fact(value, fdef, catalogue)
        except ValueError as e:
            problems.append(doc.problem(fp, *reasons(e), where=fwhere))
            continue
        if parsed is not UNKNOWN:
            facts[key] = parsed
    return facts


SETTINGS = ("campaign", "as_of", "deadline", "round")  # what the files of one evaluation must agree on


def combine(files: list[FactsFile]) -> FactsFile:
    """Several facts files (read with `alone=False`) as one population: one id once across all of
    them, one set of settings (`campaign`, `as_of`, `deadline`, `round`: stated by any, contradicted
    by none), and every `unit`/`parent` found in any file. Every problem of every file is listed."""
    problems: list[Problem] = []
    by_id: dict[str, Candidate] = {}
    first_of: dict[str, FactsFile] = {}
    folded: dict[str, str] = {}  # fold_id, letters of other scripts made Latin → the id as first written
    for f in files:
        for c in f.candidates:
            key = latin_key(fold_id(c.id))  # engine.common.lookalike: `sо-noi-vu` (Cyrillic о) is `so-noi-vu`
            first = folded.get(key)
            if first is None:
                by_id[c.id] = c
                first_of[c.id] = f
                folded[key] = c.id
                continue
            seen = by_id[first]
            there = first_of[first].pending
            line = there.locate((*seen.path, "id"))[0] if there is not None else None
            at = f"{seen.file}:{line}" if line else seen.file
            also = (
                Msg("problem.facts_id_in_another_file", id=c.id, at=at)
                if first == c.id
                else Msg("problem.facts_id_in_another_file_as", id=c.id, at=at, first=first)
            )
            hint = Msg("problem.facts_ids_unique_files")
            if fold_id(first) != fold_id(c.id):  # the same letters but for some of another script
                chars = foreign_letters(c.id + first)
                also = Msg("problem.intake_lookalike_id", id=c.id, at=at, first=first, chars=chars)
                hint = Msg("problem.intake_lookalike_id_hint")
            problems.append(_at(f, c, "id", also, hint))
    settings: dict[str, tuple[object, str]] = {}
    for name in SETTINGS:
        for f in files:
            value = getattr(f, name)
            if value is None:
                continue
            if name not in settings:
                settings[name] = (value, f.file)
            elif settings[name][0] != value:
                was, where = settings[name]
                problems.append(
                    Problem(
                        f.file,
                        Msg("problem.facts_setting_differs", value=value, was=was, other=where),
                        where=name,
                        hint=Msg("problem.facts_files_agree"),
                    )
                )
    issuer: dict[str, Any] = {}
    issuer_from: dict[str, str] = {}
    for f in files:
        for key, value in f.issuer.items():
            if key in issuer and issuer[key] != value:
                problems.append(
                    Problem(
                        f.file,
                        Msg(
                            "problem.facts_issuer_differs",
                            field=key,
                            value=_said(value),
                            was=_said(issuer[key]),
                            other=issuer_from[key],
                        ),
                        where="issuer",
                        hint=Msg("problem.facts_issuer_once"),
                    )
                )
            issuer.setdefault(key, value)
            issuer_from.setdefault(key, f.file)
    heads: dict[str, str] = {}
    for f in files:
        if f.pending is not None:
            _references(f.candidates, by_id, f.pending, problems, heads)
    if problems:
        raise UsageError(problems)

    def setting(name: str) -> Any:
        return settings[name][0] if name in settings else None

    return FactsFile(
        "; ".join(f.file for f in files),
        inputs_sha([i for f in files for i in f.inputs]),
        setting("campaign"),
        setting("as_of"),
        setting("deadline"),
        [c for f in files for c in f.candidates],
        by_id,
        [w for f in files for w in f.warnings],
        setting("round"),
        tuple(i for f in files for i in f.inputs),
        None,
        issuer,
    )


def inputs_sha(inputs: list[tuple[str, str]]) -> str:
    """The SHA-256 of one evaluation's facts: one file's own; several files', that of their
    `sha256sum` listing (each file's SHA-256 and name, a line each, in reading order)."""
    if len(inputs) == 1:
        return inputs[0][1]
    return hashlib.sha256("".join(f"{sha}  {name}\n" for name, sha in inputs).encode()).hexdigest()


def _said(value: Any) -> Any:
    """A parsed value as a message's parameter: a word, number, yes/no or day as itself, n/a as
    the officer writes it, anything larger (a dated series, index records) as written."""
    if value is NA:
        return Msg("problem.facts_na")
    return value if isinstance(value, str | int | float | dt.date) else str(value)


def _structure_problems(error: ValidationError, doc: Document) -> list[Problem]:
    """The problems of a facts file's structure: a value read by this module's own readers (a day,
    a kind, a way of sending, a document) says what it says (`BadValue`); the rest as the schema
    says them (engine.model.schema.pydantic_problems)."""
    ours: list[Problem] = []
    for err in error.errors():
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, BadValue):
            path = data_path(doc.data, err["loc"])
            ours.append(doc.problem(path, cause.message, cause.hint, where=readable_path(doc.data, path)))
    places = {(p.line, p.column, p.where) for p in ours}
    rest = [p for p in pydantic_problems(error, doc, FactsFileIn) if (p.line, p.column, p.where) not in places]
    return [*ours, *rest]


def _at(f: FactsFile, c: Candidate, key: str, message: Text, hint: Text) -> Problem:
    where = f"{'units' if c.group == 'unit' else 'people'}[{c.id}]"
    if f.pending is not None:
        return f.pending.problem((*c.path, key), message, hint, where=where)
    return Problem(f.file, message, where=where, hint=hint)


def _contradictions(c: Candidate, doc: Document, warnings: list[Problem]) -> None:
    """Facts that do not contradict a rule's type but contradict each other: warned, not refused."""
    pct = c.facts.get("disbursement_pct")
    latest = pct[max(pct)] if isinstance(pct, dict) and pct else pct
    if isinstance(latest, int | float) and latest < 100 and c.facts.get("disbursement_shortfall_reason") is NA:
        where = f"units[{c.id}].facts.disbursement_shortfall_reason"
        warnings.append(
            Problem(
                doc.file,
                Msg("problem.facts_shortfall_na", pct=latest),
                *doc.locate((*c.path, "facts", "disbursement_shortfall_reason"), precise=False),
                where=where,
                hint=Msg("problem.facts_shortfall_na_hint"),
                severity="warning",
            )
        )


def _clean_name(
    name: str, doc: Document, path: PathT, where: str, problems: list[Problem], warnings: list[Problem]
) -> str:
    """A name as it will be printed: line breaks and tabs (a cell typed on two lines) become one
    space, with a warning; any other control character is refused (it would reach terminals and
    workbooks, which cannot hold it)."""
    bad = [c for c in controls(name) if c not in ("U+0009", "U+000A", "U+000D")]
    if bad:
        problems.append(
            doc.problem(path, Msg("problem.facts_name_controls", chars=bad), Msg("problem.facts_retype_name"), where)
        )
        return name
    if not controls(name):
        return name
    flat = " ".join(name.split())
    warnings.append(
        replace(
            doc.problem(path, Msg("problem.facts_name_line_breaks", name=flat), where=where),
            severity="warning",
        )
    )
    return flat


# characters that show nothing: a copy from a web page or a chat leaves them inside ids
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"))
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


def fold_id(text: str) -> str:
    """An id as it is compared: invisible characters dropped, and the Vietnamese tone mark of each
    syllable put in one place, so the old and new placements (`Uỷ`/`Ủy`, `hoà`/`hòa`) are one id.

    The tone marks of a run of letters move to its end (other marks — circumflex, breve, horn —
    stay on their vowel); the result is only a key for comparing, never shown."""
    s = unicodedata.normalize("NFD", text.translate(_INVISIBLE))
    if s.isascii():
        return s
    out: list[str] = []
    tones: list[str] = []
    for ch in s:
        if ch in _TONES:
            tones.append(ch)
            continue
        if not (ch.isalpha() or unicodedata.combining(ch)) and tones:
            out += sorted(tones)
            tones = []
        out.append(ch)
    out += sorted(tones)
    return unicodedata.normalize("NFC", "".join(out))


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


_SLOW: Any = object()  # "not the common case: let parse_fact decide (and explain)"
_GROUP_TABLES: dict[tuple[int, str], tuple[Catalogue, dict[str, Any]]] = {}


def _fast_facts(raw: dict[str, Any], group: str, catalogue: Catalogue) -> dict[str, Any] | None:
    """A candidate's facts when every key is a known fact of its group and every value canonical."""
    entry = _GROUP_TABLES.get((id(catalogue), group))
    if entry is None or entry[0] is not catalogue:
        who = "units" if group == "unit" else "people"
        table = {k: _fast_parser(f, catalogue) for k, f in catalogue.facts.items() if who in f.for_}
        entry = _GROUP_TABLES[(id(catalogue), group)] = (catalogue, table)
    table = entry[1]
    out: dict[str, Any] = {}
    for key, value in raw.items():
        fn = table.get(key)
        if fn is None:
            return None
        v = fn(value)
        if v is _SLOW:
            return None
        out[key] = v
    return out


_FAST: dict[int, tuple[FactDef, Any]] = {}


def _fast_parser(fdef: FactDef, catalogue: Catalogue) -> Any:
    """A check for the common, already-canonical value of a fact (bulk files); `_SLOW` otherwise.

    It accepts only what `parse_fact` would return unchanged — a bool, an in-range number,
    a rating's own key — and defers everything else (n/a, aliases, errors) to `parse_fact`.
    """
    entry = _FAST.get(id(fdef))
    if entry is not None and entry[0] is fdef:
        return entry[1]
    t = fdef.type
    lo, hi = fdef.bounds
    lo_ = -MAX_NUMBER if lo is None else lo
    hi_ = MAX_NUMBER if hi is None else hi

    def slow(v: Any) -> Any:
        return _SLOW

    fn: Any = slow
    if t == "bool":

        def fn(v: Any) -> Any:
            return v if v is True or v is False else _SLOW

    elif t in ("int", "number", "percent"):
        ints_only = t == "int"

        def fn(v: Any) -> Any:
            k = type(v)
            if (k is int or (k is float and not ints_only)) and lo_ <= v <= hi_ and v - v == 0:
                return v
            return _SLOW

    elif t in ("rating", "enum"):
        names = frozenset(catalogue.scales[fdef.scale or ""].names)

        def fn(v: Any) -> Any:
            return v if type(v) is str and v in names else _SLOW

    _FAST[id(fdef)] = (fdef, fn)
    return fn


def is_na(value: Any) -> bool:
    return isinstance(value, str) and _nfc(value).strip().lower() in NA_WORDS


def parse_fact(value: Any, fdef: FactDef, catalogue: Catalogue) -> Any:
    """A facts-file value in its evaluation form; raises `BadValue` (what is wrong, what to write)."""
    if value is None:
        return UNKNOWN
    if is_na(value):
        return NA
    t = fdef.type
    if t == "bool":
        return bool_of(value)
    if t in ("int", "number", "percent"):
        return _number(value, fdef)
    if t in ("rating", "enum"):
        return scale_value(value, fdef, catalogue.scales[fdef.scale or ""])
    if t == "date":
        return _date(value)
    if t == "series":
        if isinstance(value, dict):
            out = {}
            for day, v in value.items():
                d = _date(day)
                out[d] = NA if is_na(v) else (UNKNOWN if v is None else _number(v, fdef))
            return {d: v for d, v in sorted(out.items()) if v is not UNKNOWN}
        return _number(value, fdef)
    if t == "records":
        if not isinstance(value, list):
            raise BadValue(Msg("problem.facts_records_not_a_list"), Msg("problem.facts_records_how"))
        records = []
        for n, r in enumerate(value, 1):
            if not isinstance(r, dict) or set(r) - {"index", "component", "score", "prev_score"}:
                raise BadValue(Msg("problem.facts_records_keys", item=n), Msg("problem.facts_records_how"))
            for k in ("index", "component"):
                label = r.get(k)
                if label is not None and (not isinstance(label, str) or controls(label)):
                    what: Text = Msg("problem.facts_control_characters") if isinstance(label, str) else _short(label)
                    raise BadValue(
                        Msg(f"problem.facts_records_{k}_not_text", item=n, value=what),
                        Msg("problem.facts_records_write_text"),
                    )
            rec = dict(r)
            for k in ("score", "prev_score"):
                if is_na(rec.get(k)):
                    rec[k] = NA  # as everywhere else: n/a is the marker, never the string
                elif rec.get(k) is not None:
                    rec[k] = _number(rec[k], None)
            records.append(rec)
        return records
    raise ValueError(f"unsupported type {t}")  # pragma: no cover - catalogue is validated


def scale_value(value: Any, fdef: FactDef, scale: Scale) -> str:
    """A rating's or a list's value by its key, its name in either language or an alias (`Tốt`,
    `Hoàn thành xuất sắc nhiệm vụ`, `HTXSNV`; any case): the one reading of a YAML value and a
    cell alike. `BadValue` otherwise, its hint naming the Vietnamese names first."""
    text = _nfc(str(value)).strip()
    for v in scale.values:
        names = [v.value, v.label.vi, v.label.en, *v.aliases]
        if any(text.casefold() == n.casefold() for n in names):
            return v.value
    raise BadValue(
        Msg("problem.facts_not_a_level", value=shown(value), label=fdef.label),
        one_of(text, [v.label.vi for v in scale.values], scale.names),
    )


def _number(value: Any, fdef: FactDef | None) -> float | int:
    if isinstance(value, str) and (readings := number_readings(value)) is not None:
        old, new = (repr(r) if isinstance(r, str) else f"{r:g}" for r in readings)
        plain = new if new[:1] != "'" else old
        raise BadValue(
            Msg("problem.facts_yaml_number", value=value, old=old, new=new),
            Msg("problem.facts_yaml_number_hint", plain=plain),
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue(Msg("problem.facts_not_a_number", value=_short(value)), Msg("problem.facts_write_digits"))
    if value != value or value in (float("inf"), float("-inf")):
        raise BadValue(Msg("problem.facts_not_a_number", value=repr(value)), Msg("problem.facts_write_digits"))
    if not -MAX_NUMBER <= value <= MAX_NUMBER:
        raise BadValue(Msg("problem.facts_beyond", value=_short(value)), Msg("problem.facts_beyond_hint"))
    if fdef is None:
        return value
    if fdef.type == "int" and isinstance(value, float):
        if not value.is_integer():
            raise BadValue(Msg("problem.facts_not_whole", value=repr(value)), Msg("problem.facts_write_whole"))
        value = int(value)
    lo, hi = fdef.bounds
    if lo is not None and value < lo:
        raise BadValue(
            Msg("problem.facts_below", value=value, lo=lo), Msg("problem.facts_below_hint", what=_what(fdef), lo=lo)
        )
    if hi is not None and value > hi:
        raise BadValue(
            Msg("problem.facts_above", value=value, hi=hi), Msg("problem.facts_above_hint", what=_what(fdef), hi=hi)
        )
    number: float | int = value
    return number


def shown(value: Any) -> Text:
    """A value as the officer wrote it, for a message: text as typed, a number of hundreds of
    digits named by its length, a long text cut."""
    return value if isinstance(value, str) and len(value) <= 60 else _short(value)


def _short(value: Any) -> Text:
    """A value for a message: a number of hundreds of digits is named by its length."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return Msg("problem.facts_digits", n=int(abs(value).bit_length() * 0.30103) + 1)
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _what(fdef: FactDef) -> Msg:
    what = {"percent": "percent", "series": "percent", "int": "count"}.get(fdef.type, "value")
    return Msg(f"problem.facts_what_{what}")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_day(str(value))


def _sanity(c: Candidate, doc: Document, problems: list[Problem]) -> None:
    where = f"{'units' if c.group == 'unit' else 'people'}[{c.id}]"
    f = c.facts
    sub = c.submission
    if sub is not None and sub.via == "hand" and sub.sent_on and sub.received_on and sub.sent_on != sub.received_on:
        problems.append(  # a file handed in is sent the day it is received: two days contradict each other
            doc.problem(
                (*c.path, "submission", "received_on"),
                Msg("problem.facts_hand_days", sent=sub.sent_on, received=sub.received_on),
                Msg("problem.facts_hand_days_hint"),
                where=f"{where}.submission",
            )
        )
    for part, whole in (
        ("staff_violating_discipline", "staff_total"),
        ("subordinate_units_violating", "subordinate_units_total"),
    ):
        a, b = f.get(part), f.get(whole)
        if isinstance(a, int | float) and isinstance(b, int | float) and a > b:
            problems.append(
                doc.problem(
                    (*c.path, "facts", part),
                    Msg("problem.facts_part_over_whole", part=part, a=a, whole=whole, b=b),
                    Msg("problem.facts_part_of_total"),
                    where=f"{where}.facts.{part}",
                )
            )
    if c.group == "unit" and (c.head or c.unit):
        key = "head" if c.head else "unit"
        problems.append(
            doc.problem(
                (*c.path, key),
                Msg("problem.facts_for_people", field=key),
                Msg("problem.facts_unit_has_parent"),
                where=where,
            )
        )
    if c.group == "person" and c.parent:
        problems.append(
            doc.problem(
                (*c.path, "parent"),
                Msg("problem.facts_parent_for_units"),
                Msg("problem.facts_person_has_unit"),
                where=where,
            )
        )
    if c.head and not c.unit:
        problems.append(
            doc.problem(
                (*c.path, "head"),
                Msg("problem.facts_head_needs_unit"),
                Msg("problem.facts_name_head_unit"),
                where=where,
            )
        )


def _references(
    cands: list[Candidate],
    by_id: dict[str, Candidate],
    doc: Document,
    problems: list[Problem],
    heads: dict[str, str] | None = None,
) -> None:
    many = heads is not None  # one of several files (combine): heads and ids are across all of them
    heads = {} if heads is None else heads  # unit → its head
    folded = {fold_id(k): k for k in by_id}  # a reference finds its id however it is written
    for c in cands:
        where = f"{'units' if c.group == 'unit' else 'people'}[{c.id}]"
        if fold_id(c.id) == ISSUER:
            problems.append(
                doc.problem(
                    (*c.path, "id"),
                    Msg("problem.facts_issuer_id", id=c.id),
                    Msg("problem.facts_issuer_id_hint"),
                    where=where,
                )
            )
        for key in ("parent", "unit"):
            ref = getattr(c, key)
            if ref is None:
                continue
            if fold_id(ref) == ISSUER:  # the plan's issuer itself, which no file lists (campaign: scope_of)
                setattr(c, key, ISSUER)
                continue
            target = by_id.get(ref) or by_id.get(folded.get(fold_id(ref), ""))
            if target is not None and target.id != ref:
                setattr(c, key, target.id)  # the id as the file writes it where it is defined
                ref = target.id
            if target is None:
                problems.append(
                    doc.problem(
                        (*c.path, key),
                        Msg(f"problem.facts_{key}_missing" + ("_files" if many else ""), ref=ref),
                        did_you_mean(ref, [k for k, v in by_id.items() if v.group == "unit"])
                        or Msg("problem.facts_add_unit"),
                        where=where,
                    )
                )
            elif target.group != "unit":
                problems.append(
                    doc.problem(
                        (*c.path, key),
                        Msg(f"problem.facts_{key}_is_person", ref=ref),
                        Msg("problem.facts_give_unit_id"),
                        where=where,
                    )
                )
        if c.head and c.unit:
            if c.unit in heads:
                problems.append(
                    doc.problem(
                        (*c.path, "head"),
                        Msg("problem.facts_second_head", unit=c.unit, head=heads[c.unit]),
                        Msg("problem.facts_one_head"),
                        where=where,
                    )
                )
            heads[c.unit] = c.id
    for c in cands:  # parent cycles
        seen = {c.id}
        node = c
        while node.parent and node.parent in by_id:
            if node.parent in seen:
                problems.append(
                    doc.problem(
                        (*c.path, "parent"),
                        Msg("problem.facts_parent_cycle", id=node.parent),
                        Msg("problem.facts_no_own_ancestor"),
                        where=f"units[{c.id}]",
                    )
                )
                break
            seen.add(node.parent)
            node = by_id[node.parent]
