"""Load and validate a facts file into `Candidate`s (units and people).

The file's structure is checked by a strict Pydantic model (structure only: the words it holds —
a kind, a day, a way of sending — are read by engine.model.fact_values); each fact value is then
read by its type's one grammar (`engine.model.fact_values.Grammar`: `n/a` → NA, a rating alias →
its key, an ISO date → a date). A table's cells were read by the same grammars, once, where they
stood (engine.readers.tables): its values arrive in their evaluation form. References between
candidates (`parent`, `unit`) must resolve, parents may not form a cycle, and ids are
unique as `fold_id` compares them (NFC, tone mark on either vowel, invisible characters
ignored). Every problem names the file, the line, the candidate and the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Annotated, Any, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import InitErrorDetails

from engine.common.errors import MAX_KEPT, MAX_LINES, Found, Problem, UsageError, did_you_mean
from engine.common.lookalike import foreign_letters, latin_key
from engine.common.message import Msg, Text
from engine.common.text import controls
from engine.lang import NA, UNKNOWN
from engine.lang.values import BadValue, reasons
from engine.model.catalogue import Catalogue
from engine.model.fact_values import Grammar, bool_of, day_of, document_of, grammars, kind_of, nfc, via_of
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
from engine.model.source import Document, PathT


class _Strict(BaseModel):
    # validators built when first used: the fast JSON reader (engine.readers.json_fast) may never use them
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _day(v: Any) -> Any:
    """A day written as people write it (25/01/2021) or ISO (2021-01-25): YAML and JSON as a cell;
    its year one that can be meant (engine.model.fact_values.day_of)."""
    return day_of(v) if isinstance(v, str | dt.date) else v


_KINDS = frozenset((*UNIT_KINDS, *PERSON_KINDS))


def _kind(v: Any) -> Any:
    """A kind by its key or by its name in either language (`Sở, ban, ngành`), as a cell takes it;
    `BadValue` naming the kinds, Vietnamese names first, for anything else."""
    return kind_of(v) if isinstance(v, str) and v not in _KINDS else v


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
    index: int = 0  # its place in its file's `units` or `people` (`path`)
    position: str = ""  # chức vụ, for people; '' when not given
    file: str = ""  # the facts file it came from (several may make one evaluation)

    @property
    def path(self) -> PathT:
        """Where it stands in its file (`('people', 3)`), for a problem's line: made when asked,
        not held by each of a million candidates."""
        return ("units" if self.group == "unit" else "people", self.index)


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
    another file, and `combine` checks them with the others'. (A file of no candidate is the
    readers' to refuse: `refuse_empty`.)"""
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
    raw = _structure(doc)
    reader = Reader(doc, catalogue)
    for section, group, kinds in SECTIONS:
        for i, item in enumerate(getattr(raw, section)):
            reader.candidate(item, section, group, kinds, i)
    return reader.finish(raw, sha, alone=alone)


SECTIONS = (("units", "unit", UNIT_KINDS), ("people", "person", PERSON_KINDS))  # section, group, kinds


def refuse_empty(facts: FactsFile) -> FactsFile:
    """`facts`, unless they name no unit and no person (`{}`, a blank workbook, a table with its
    header only): the one refusal of an empty population, for one file read alone
    (engine.readers.read_facts) and for several (`combine`)."""
    if not facts.candidates:
        raise UsageError(no_candidates(facts.file.split("; ")[0]))
    return facts


def no_candidates(file: str) -> Problem:
    suffix = PurePath(file).suffix.lower() if "." in PurePath(file).name else ".yaml"
    return Problem(
        file, Msg("problem.facts_no_candidates"), hint=Msg("problem.facts_start_from_template", suffix=suffix)
    )


def submission(s: SubmissionIn | None) -> Submission | None:
    if s is None:
        return None
    docs = tuple(s.documents) if s.documents is not None else None
    return Submission(s.sent_on, s.via, s.received_on, docs, s.copies)


class Reader:
    """One document's candidates as they are read: what was read, and every problem found."""

    def __init__(self, doc: Document, catalogue: Catalogue):
        self.doc = doc
        self.catalogue = catalogue
        self.problems = Found(doc.file)  # kept up to MAX_KEPT, the rest counted
        self.cleaned: list[Problem] = []  # warnings: names whose line breaks or tabs became spaces
        self.candidates: list[Candidate] = []
        self.by_id: dict[str, Candidate] = {}
        self.folded: dict[str, str] = {}  # id_key → the id as first written
        every = grammars(catalogue)  # built for this document: nothing outlives it
        self.grammars = {
            section: {k: g for k, g in every.items() if section in g.fdef.for_} for section in ("units", "people")
        }
        self.keys = {k: k for k in every}  # a fact's key as the catalogue writes it: one string for every candidate
        # a table's cells were read where they stood (engine.readers.tables): values in evaluation form
        self.read_already = doc.kind == "table"

    def finish(self, raw: FactsFileIn, sha: str, *, alone: bool) -> FactsFile:
        """The file read: its references checked (`alone`: see `facts_from_document`), every problem
        raised at once, else the `FactsFile` with its warnings. `raw` gives the file's settings."""
        doc = self.doc
        issuer: dict[str, Any] = {}
        if raw.issuer is not None:
            issuer = self.facts(raw.issuer.facts, "units", "issuer", ("issuer",))
        problems = self.problems
        self.folded = {}  # the ids as compared within the file: all read
        if alone:
            _references(self.candidates, self.by_id, doc, problems)
        if problems:
            raise UsageError(problems.kept())
        warnings: list[Problem] = self.cleaned
        for cand in self.candidates:
            _contradictions(cand, doc, warnings)
        return FactsFile(
            doc.file,
            sha,
            raw.campaign,
            raw.as_of,
            raw.deadline,
            self.candidates,
            self.by_id,
            warnings,
            raw.round,
            ((doc.file, sha),),
            None if alone else doc,
            issuer,
        )

    def candidate(
        self,
        item: CandidateIn,
        section: str,
        group: str,
        kinds: tuple[str, ...],
        i: int,
        read: tuple[dict[str, Any], Submission | None] | None = None,
    ) -> Candidate | None:
        """One unit or person read into `candidates` (and returned), or its problems noted (None).
        `read`: its facts and submission read already (engine.readers.json_fast: read once for
        every candidate whose facts are written alike)."""
        doc, problems = self.doc, self.problems
        p: PathT = (section, i)
        cid = nfc(str(item.id))
        where = f"{section}[{cid}]"
        if not self._id_readable(cid, p, where):
            return None
        name = _clean_name(nfc(item.name), doc, (*p, "name"), where, problems, self.cleaned)
        if item.kind not in kinds:
            try:
                kind_of(item.kind, kinds)
            except BadValue as e:
                problems.append(doc.problem((*p, "kind"), e.message, e.hint, where=where))
        key = id_key(cid)
        if not self._id_new(cid, key, p, where):
            return None
        facts, sub = read or (self.facts(item.facts, section, where, p), submission(item.submission))
        cand = Candidate(
            id=cid,
            name=name,
            group=group,
            kind=item.kind,
            facts=facts,
            parent=nfc(str(item.parent)) if item.parent is not None else None,
            unit=nfc(str(item.unit)) if item.unit is not None else None,
            head=item.head,
            position=nfc(item.position.strip()) if item.position else "",
            submission=sub,
            index=i,
            file=doc.file,
        )
        _sanity(cand, doc, problems)
        self.by_id[cid] = cand
        self.folded[key] = cid
        self.candidates.append(cand)
        return cand

    def _id_readable(self, cid: str, p: PathT, where: str) -> bool:
        if not cid.strip():
            self.problems.append(
                self.doc.problem((*p, "id"), Msg("problem.facts_empty_id"), Msg("problem.facts_give_id"), where=where)
            )
            return False
        bad = _controls(cid)
        if bad:  # an id is typed, compared and shown: a hidden character makes it another id
            self.problems.append(
                self.doc.problem(
                    (*p, "id"), Msg("problem.facts_id_controls", chars=bad), Msg("problem.facts_retype_id"), where=where
                )
            )
            return False
        return True

    def _id_new(self, cid: str, key: str, p: PathT, where: str) -> bool:
        doc = self.doc
        first = self.folded.get(key)
        if first is None:
            return True
        message = Msg("problem.facts_duplicate_id", id=cid)
        hint = Msg("problem.facts_ids_unique")
        if first != cid:  # the same id written another way: name the first spelling, and where
            line, _ = doc.locate((*self.by_id[first].path, "id"))
            shown = line is not None and doc.kind != "table"  # a line number is written as is, not 1.234
            at = f"{doc.file}:{line}" if shown else doc.file  # a table's row is not its path's line
            lookalike = _lookalike(cid, first, at)
            if lookalike is not None:  # the same letters but for some of another script
                message, hint = lookalike
            else:
                message = (
                    Msg("problem.facts_duplicate_id_as", id=cid, first=first, line=str(line))
                    if shown
                    else Msg("problem.facts_duplicate_id_as_here", id=cid, first=first)
                )
                hint = Msg("problem.facts_ids_unique_folded")
        self.problems.append(doc.problem((*p, "id"), message, hint, where=where))
        return False

    def facts(self, given: dict[str, Any], section: str, where: str, p: PathT) -> dict[str, Any]:
        """A candidate's (or the issuer's) facts, each value read by its fact's grammar; each bad
        key or value is a problem at its line."""
        table: dict[str, Grammar] = self.grammars[section]
        facts: dict[str, Any] = {}
        for key, value in given.items():
            g = table.get(key)
            if g is None:
                key = nfc(str(key))
                g = table.get(key)
                if g is None:
                    self._key_problem(key, section, where, p)
                    continue
            if self.read_already:
                facts[key] = value
                continue
            try:
                v = g.value(value)
            except ValueError as e:
                self.problems.append(self.doc.problem((*p, "facts", key), *reasons(e), where=f"{where}.facts.{key}"))
                continue
            if v is not UNKNOWN:
                facts[self.keys[key]] = v
        return facts

    def _key_problem(self, key: str, section: str, where: str, p: PathT) -> None:
        """A fact key the catalogue does not know, or one the candidate's group does not have."""
        fp: PathT = (*p, "facts", key)
        fwhere = f"{where}.facts.{key}"
        fdef = self.catalogue.facts.get(key)
        if fdef is None:
            hint = (  # past the problems that are printed, no 'did you mean' for each
                did_you_mean(key, self.catalogue.facts) if len(self.problems) < MAX_LINES else ""
            ) or Msg("problem.facts_see_catalogue")
            self.problems.append(self.doc.problem(fp, Msg("problem.facts_unknown_fact", field=key), hint, where=fwhere))
            return
        self.problems.append(
            self.doc.problem(
                fp,
                Msg(f"problem.facts_not_for_{section}", field=key),
                Msg(f"problem.facts_recorded_for_{fdef.for_[0]}"),
                where=fwhere,
            )
        )


SETTINGS = ("campaign", "as_of", "deadline", "round")  # what the files of one evaluation must agree on


def combine(files: list[FactsFile]) -> FactsFile:
    """Several facts files (read with `alone=False`) as one population: one id once across all of
    them, one set of settings (`campaign`, `as_of`, `deadline`, `round`: stated by any, contradicted
    by none), and every `unit`/`parent` found in any file. Every problem of every file is listed."""
    problems = Found(files[0].file if files else "")
    by_id = _ids_across(files, problems)
    settings = _settings_across(files, problems)
    issuer = _issuer_across(files, problems)
    if not any(f.candidates for f in files) and not problems:
        problems.append(no_candidates(files[0].file))  # as refuse_empty says it of one file
    heads: dict[str, str] = {}
    for f in files:
        if f.pending is not None:
            _references(f.candidates, by_id, f.pending, problems, heads)
    if problems:
        raise UsageError(problems.kept())

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


def _ids_across(files: list[FactsFile], problems: list[Problem]) -> dict[str, Candidate]:
    """Every candidate of the files by id; an id given again (however written) is a problem that
    names where it was first."""
    by_id: dict[str, Candidate] = {}
    first_of: dict[str, FactsFile] = {}
    folded: dict[str, str] = {}  # id_key → the id as first written
    for f in files:
        for c in f.candidates:
            key = id_key(c.id)
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
            also, hint = _lookalike(c.id, first, at) or (also, Msg("problem.facts_ids_unique_files"))
            problems.append(_at(f, c, "id", also, hint))
    return by_id


def _settings_across(files: list[FactsFile], problems: list[Problem]) -> dict[str, tuple[object, str]]:
    """Each setting as the first file to state it says it (and which file); a file that says
    otherwise is a problem."""
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
    return settings


def _issuer_across(files: list[FactsFile], problems: list[Problem]) -> dict[str, Any]:
    """The plan issuer's figures, given once across the files; a file that gives another is a problem."""
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
    return issuer


def inputs_sha(inputs: list[tuple[str, str]]) -> str:
    """The SHA-256 of one evaluation's facts: one file's own; several files', that of their
    `sha256sum` listing (each file's SHA-256 and name, a line each, in reading order). A name is
    hashed as the bytes it was (`os.fsencode`: a zip made on Windows gives names that are not UTF-8);
    a lone surrogate that stands for no byte is hashed as UTF-8 would write it."""
    if len(inputs) == 1:
        return inputs[0][1]
    h = hashlib.sha256()
    for name, sha in inputs:
        h.update(f"{sha}  ".encode())
        h.update(_name_bytes(name))
        h.update(b"\n")
    return h.hexdigest()


def _name_bytes(name: str) -> bytes:
    try:
        return name.encode("utf-8", "surrogateescape")  # os.fsencode's bytes on a UTF-8 system
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogatepass")


FAR_YEARS = 5  # a day this many years before the plan's year, or after its period, is warned about


def far_days(facts: FactsFile, plan_year: int, last_year: int) -> list[Problem]:
    """A warning for each day of `facts` (the file's `as_of`/`deadline`, a submission's days, a
    date fact, a dated series' days) that lies more than FAR_YEARS before the plan's year or after
    its period's last year: a year mistyped (2012 for 2021) that the grammar could not refuse.
    Each names the day as read and where it stands."""
    first, last = plan_year - FAR_YEARS, last_year + FAR_YEARS
    out: list[Problem] = []

    def check(day: Any, file: str, where: str) -> None:
        if isinstance(day, dt.date) and not first <= day.year <= last:
            out.append(
                Problem(
                    file,
                    Msg("problem.grammar_day_far", value=day, first=str(first), last=str(last)),
                    where=where,
                    hint=Msg("problem.grammar_day_far_hint"),
                    severity="warning",
                )
            )

    for name in ("as_of", "deadline"):
        check(getattr(facts, name), facts.file, name)
    for key, value in facts.issuer.items():
        for day in _days_of(value):
            check(day, facts.file, f"issuer.facts.{key}")
    for c in facts.candidates:
        where = f"{'units' if c.group == 'unit' else 'people'}[{c.id}]"
        if c.submission is not None:
            for name in ("sent_on", "received_on"):
                check(getattr(c.submission, name), facts.file_of(c), f"{where}.submission.{name}")
        for key, value in c.facts.items():
            for day in _days_of(value):
                check(day, facts.file_of(c), f"{where}.facts.{key}")
    return out


def _days_of(value: Any) -> list[dt.date]:
    """The days a fact's value holds: a date's own, a dated series' days."""
    if isinstance(value, dt.date):
        return [value]
    if isinstance(value, dict):
        return [d for d in value if isinstance(d, dt.date)]
    return []


def _said(value: Any) -> Any:
    """A parsed value as a message's parameter: a word, number, yes/no or day as itself, n/a as
    the officer writes it, anything larger (a dated series, index records) as written."""
    if value is NA:
        return Msg("problem.facts_na")
    return value if isinstance(value, str | int | float | dt.date) else str(value)


CHUNK = 1000  # a long list of units or people is checked this many items at a time


def _structure(doc: Document) -> FactsFileIn:
    """The file's structure checked (`FactsFileIn`). A long `units`/`people` list is checked a chunk
    at a time, its errors kept up to MAX_KEPT and the rest only counted: a list of a million bare
    numbers is not a million errors held to print fifty."""
    data = doc.data
    long = [k for k in ("units", "people") if isinstance(data.get(k), list) and len(data[k]) > CHUNK]
    if not long:
        try:
            return FactsFileIn.model_validate(data)
        except ValidationError as e:  # up to CHUNK items, each of several errors: kept as a long list's are
            raise UsageError(_kept(_structure_problems(e, doc), doc.file)) from None
    errors: list[Any] = []
    left = [0]  # the places of the errors not kept: how many problems they are
    items: dict[str, list[CandidateIn]] = {k: [] for k in long}

    def check(part: dict[str, Any], offset: int) -> FactsFileIn | None:
        try:
            return FactsFileIn.model_validate(part)
        except ValidationError as e:
            places: set[PathT] = set()  # one chunk's (a place's errors come together)
            for err in e.errors():
                loc = err["loc"]
                if offset:
                    loc = (loc[0], int(loc[1]) + offset, *loc[2:])
                if len(errors) < MAX_KEPT:
                    errors.append({**err, "loc": loc})
                else:
                    places.add(data_path(data, loc))
            left[0] += len(places)
            return None

    head = check({**data, **dict.fromkeys(long, ())}, 0)
    for k in long:
        for offset in range(0, len(data[k]), CHUNK):
            part = check({k: data[k][offset : offset + CHUNK]}, offset)
            if part is not None:
                items[k] += getattr(part, k)
    if errors:
        kept: list[InitErrorDetails] = [
            {"type": e["type"], "loc": e["loc"], "input": e["input"], **_ctx(e)}  # type: ignore[typeddict-item]
            for e in errors
        ]
        problems = _structure_problems(ValidationError.from_exception_data("FactsFileIn", kept), doc)
        if left[0]:
            problems.append(Problem(doc.file, Msg("problem.more_lines", n=left[0]), left_out=left[0]))
        raise UsageError(problems)
    return cast(FactsFileIn, head).model_copy(update={k: tuple(v) for k, v in items.items()})


def _kept(problems: list[Problem], file: str) -> list[Problem]:
    """At most MAX_KEPT problems, and one that counts the places of the rest (one line a place, as
    `problem_lines` says them) — found by the fuzz tests: 990 empty mappings were 2,970 problems."""
    if len(problems) <= MAX_KEPT:
        return problems
    places = len({(p.line, p.column, p.where) for p in problems[MAX_KEPT:]})
    return [*problems[:MAX_KEPT], Problem(file, Msg("problem.more_lines", n=places), left_out=places)]


def _ctx(err: Any) -> dict[str, Any]:
    return {"ctx": err["ctx"]} if "ctx" in err else {}


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


def _controls(text: str) -> list[str]:
    """`controls(text)`, at once for the common text that prints every character (a control
    character never prints: `str.isprintable` is false for it)."""
    return [] if text.isprintable() else controls(text)


def _clean_name(
    name: str, doc: Document, path: PathT, where: str, problems: list[Problem], warnings: list[Problem]
) -> str:
    """A name as it will be printed: line breaks and tabs (a cell typed on two lines) become one
    space, with a warning; any other control character is refused (it would reach terminals and
    workbooks, which cannot hold it)."""
    found = _controls(name)
    if not found:
        return name
    bad = [c for c in found if c not in ("U+0009", "U+000A", "U+000D")]
    if bad:
        problems.append(
            doc.problem(path, Msg("problem.facts_name_controls", chars=bad), Msg("problem.facts_retype_name"), where)
        )
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


def id_key(cid: str) -> str:
    """The key two ids are compared by: `fold_id`, then letters of another script that look Latin made
    Latin (`engine.common.lookalike`: `sо-noi-vu`, Cyrillic о, is `so-noi-vu`) — in one file and across files."""
    return latin_key(fold_id(cid))


def _lookalike(cid: str, first: str, at: str) -> tuple[Msg, Msg] | None:
    """The problem and hint for an id that is `first` but for letters of another script; None when
    the two differ only as `fold_id` folds them (another tone placement, an invisible character)."""
    if fold_id(first) == fold_id(cid):
        return None
    chars = foreign_letters(cid + first)
    return (
        Msg("problem.intake_lookalike_id", id=cid, at=at, first=first, chars=chars),
        Msg("problem.intake_lookalike_id_hint"),
    )


def fold_id(text: str) -> str:
    """An id as it is compared: invisible characters dropped, and the Vietnamese tone mark of each
    syllable put in one place, so the old and new placements (`Uỷ`/`Ủy`, `hoà`/`hòa`) are one id.

    The tone marks of a run of letters move to its end (other marks — circumflex, breve, horn —
    stay on their vowel); the result is only a key for comparing, never shown."""
    if text.isascii():  # nothing invisible, no tone mark: itself
        return text
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


def _file_days(c: Candidate, sub: Submission, doc: Document, problems: list[Problem], where: str) -> None:
    """A nomination file's two days, where they contradict each other: either alone would decide
    the file otherwise than the other, so the file is refused at the line (issue 22)."""
    if not (sub.sent_on and sub.received_on):
        return
    if sub.via == "hand" and sub.sent_on != sub.received_on:  # handed in: sent the day it is received
        said = Msg("problem.facts_hand_days", sent=sub.sent_on, received=sub.received_on)
        hint = Msg("problem.facts_hand_days_hint")
    elif sub.received_on < sub.sent_on:  # a file is received no earlier than it is sent
        said = Msg("problem.facts_received_before_sent", sent=sub.sent_on, received=sub.received_on)
        hint = Msg("problem.facts_received_before_sent_hint")
    else:
        return
    problems.append(doc.problem((*c.path, "submission", "received_on"), said, hint, where=f"{where}.submission"))


def _sanity(c: Candidate, doc: Document, problems: list[Problem]) -> None:
    where = f"{'units' if c.group == 'unit' else 'people'}[{c.id}]"
    f = c.facts
    if c.submission is not None:
        _file_days(c, c.submission, doc, problems, where)
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
            problem = _reference(c, key, by_id, folded, many)
            if problem is not None:
                message, hint = problem
                problems.append(doc.problem((*c.path, key), message, hint, where=where))
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
    _cycles(cands, by_id, doc, problems)


def _reference(
    c: Candidate, key: str, by_id: dict[str, Candidate], folded: dict[str, str], many: bool
) -> tuple[Text, Text] | None:
    """A candidate's `parent` or `unit` resolved to the id as defined (set on the candidate); what
    is wrong with it (message, hint) when it names no unit."""
    ref = getattr(c, key)
    if ref is None:
        return None
    if fold_id(ref) == ISSUER:  # the plan's issuer itself, which no file lists (campaign: scope_of)
        setattr(c, key, ISSUER)
        return None
    target = by_id.get(ref) or by_id.get(folded.get(fold_id(ref), ""))
    if target is not None and target.id != ref:
        setattr(c, key, target.id)  # the id as the file writes it where it is defined
        ref = target.id
    if target is None:
        return (
            Msg(f"problem.facts_{key}_missing" + ("_files" if many else ""), ref=ref),
            did_you_mean(ref, [k for k, v in by_id.items() if v.group == "unit"]) or Msg("problem.facts_add_unit"),
        )
    if target.group != "unit":
        return Msg(f"problem.facts_{key}_is_person", ref=ref), Msg("problem.facts_give_unit_id")
    return None


def _cycles(cands: list[Candidate], by_id: dict[str, Candidate], doc: Document, problems: list[Problem]) -> None:
    """A candidate that is its own ancestor, through its `parent`s."""
    for c in cands:
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
