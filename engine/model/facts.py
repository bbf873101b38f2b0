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
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from engine.common.errors import MAX_LINES, Problem, UsageError, did_you_mean
from engine.common.text import controls
from engine.lang import NA, UNKNOWN
from engine.lang.values import parse_day
from engine.model.catalogue import Catalogue, FactDef
from engine.model.schema import ISSUER, PERSON_KINDS, UNIT_KINDS, DocumentName, Kind, pydantic_problems
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
    """A kind by its key or by its name in either language (`Sở, ban, ngành`), as a cell takes it."""
    if isinstance(v, str) and v not in _KINDS:
        from engine.model.vocabulary import kind_names, norm

        return kind_names().get(norm(v), v)
    return v


Day = Annotated[dt.date, BeforeValidator(_day)]


class SubmissionIn(_Strict):
    sent_on: Day | None = None
    via: Literal["postmark", "tdo", "hand", "email"] | None = None
    received_on: Day | None = None
    documents: tuple[DocumentName, ...] | None = None  # not recorded: unknown, not missing
    copies: int | None = None


class CandidateIn(_Strict):
    id: str | int
    name: str
    kind: Annotated[Kind, BeforeValidator(_kind)]
    parent: str | int | None = None
    unit: str | int | None = None
    head: bool = False
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
    head: bool = False
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
        raise UsageError(Problem(doc.file, "a facts file must be a mapping with 'units' and/or 'people'", 1, 1))
    try:
        raw = FactsFileIn.model_validate(doc.data)
    except ValidationError as e:
        raise UsageError(pydantic_problems(e, doc, FactsFileIn)) from None
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
                problems.append(doc.problem((*p, "id"), "empty id", where=where))
                continue
            bad = controls(cid)
            if bad:  # an id is typed, compared and shown: a hidden character makes it another id
                problems.append(
                    doc.problem(
                        (*p, "id"),
                        f"the id holds control characters ({', '.join(bad)})",
                        "retype the id without them",
                        where=where,
                    )
                )
                continue
            name = _clean_name(_nfc(item.name), doc, (*p, "name"), where, problems, cleaned)
            if item.kind not in kinds:
                problems.append(
                    doc.problem(
                        (*p, "kind"),
                        f"'{item.kind}' is not a kind of {group}",
                        "kinds: " + ", ".join(kinds),
                        where=where,
                    )
                )
            first = folded.get(fold_id(cid))
            if first is not None:
                message, hint = f"duplicate id '{cid}'", "ids are unique across units and people"
                if first != cid:  # the same id written another way: name the first spelling, and where
                    line, _ = doc.locate((*by_id[first].path, "id"))
                    at = f" (line {line})" if line is not None and doc.kind != "table" else ""
                    message += f": it is '{first}'{at} written another way"
                    hint += "; where the tone mark sits and invisible characters do not count"
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
                    f"unknown fact '{key}'",
                    # past the problems that are printed, no 'did you mean' for each
                    (did_you_mean(key, catalogue.facts) if len(problems) < MAX_LINES else "")
                    or "see campaigns/facts.yaml",
                    where=fwhere,
                )
            )
            continue
        if section not in fdef.for_:
            problems.append(
                doc.problem(
                    fp,
                    f"'{key}' is not a fact of {section}",
                    f"it is recorded for {' and '.join(fdef.for_)}",
                    where=fwhere,
                )
            )
            continue
        try:
            parsed = _fast_parser(fdef, catalogue)(value)
            if parsed is _SLOW:
                parsed = parse_fact(value, fdef, catalogue)
        except ValueError as e:
            msg, _, hint = str(e).partition(" — ")
            problems.append(doc.problem(fp, msg, hint, where=fwhere))
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
    folded: dict[str, str] = {}  # fold_id → the id as first written (across the files)
    for f in files:
        for c in f.candidates:
            first = folded.get(fold_id(c.id))
            if first is None:
                by_id[c.id] = c
                first_of[c.id] = f
                folded[fold_id(c.id)] = c.id
                continue
            seen = by_id[first]
            there = first_of[first].pending
            line = there.locate((*seen.path, "id"))[0] if there is not None else None
            at = f"{seen.file}:{line}" if line else seen.file
            also = f"id '{c.id}' is also in {at}" + ("" if first == c.id else f" (as '{first}')")
            problems.append(_at(f, c, "id", also, "ids are unique across all the files"))
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
                        f"{value} here, but {was} in {where}",
                        where=name,
                        hint="the files of one evaluation must agree: correct one, or leave it out of all but one",
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
                        f"issuer.facts.{key} is {value} here, but {issuer[key]} in {issuer_from[key]}",
                        where="issuer",
                        hint="the issuer's figures are one: correct one file, or give them in one file only",
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


def _at(f: FactsFile, c: Candidate, key: str, message: str, hint: str) -> Problem:
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
                f"disbursement is {latest:g}% but the shortfall reason is n/a",
                *doc.locate((*c.path, "facts", "disbursement_shortfall_reason"), precise=False),
                where=where,
                hint="give the reason (objective / subjective); n/a is left out of a rule, so a "
                "subjective-reason exclusion would then read the percentage alone",
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
            doc.problem(path, f"the name holds control characters ({', '.join(bad)})", "retype it without them", where)
        )
        return name
    if not controls(name):
        return name
    flat = " ".join(name.split())
    warnings.append(
        replace(
            doc.problem(path, f"line breaks in the name replaced by spaces: '{flat}'", where=where),
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
    """A facts-file value in its evaluation form; raises ValueError('message — hint')."""
    if value is None:
        return UNKNOWN
    if is_na(value):
        return NA
    t = fdef.type
    if t == "bool":
        if isinstance(value, bool):
            return value
        raise ValueError(f"{value!r} is not true/false — write true, false or n/a")
    if t in ("int", "number", "percent"):
        return _number(value, fdef)
    if t in ("rating", "enum"):
        scale = catalogue.scales[fdef.scale or ""]
        text = _nfc(str(value)).strip()
        for v in scale.values:
            names = [v.value, v.label.vi, v.label.en, *v.aliases]
            if any(text.casefold() == n.casefold() for n in names):
                return v.value
        options = [n for v in scale.values for n in (v.value, v.label.vi)]
        hint = did_you_mean(text, options) or "values: " + ", ".join(scale.names)
        raise ValueError(f"{value!r} is not a {fdef.scale} value — {hint}")
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
            raise ValueError("expected a list of {index, component, score, prev_score} — see CONTRACT.md")
        records = []
        for n, r in enumerate(value, 1):
            if not isinstance(r, dict) or set(r) - {"index", "component", "score", "prev_score"}:
                raise ValueError("each item needs index, component, score, prev_score — no other keys")
            for k in ("index", "component"):
                label = r.get(k)
                if label is not None and (not isinstance(label, str) or controls(label)):
                    shown = "control characters" if isinstance(label, str) else _short(label)
                    raise ValueError(
                        f"item {n}: '{k}' must be the name of the {k}, not {shown} — "
                        "write it as text, e.g. index: PCI, component: Tiếp cận đất đai"
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


def _number(value: Any, fdef: FactDef | None) -> float | int:
    if isinstance(value, str) and (readings := number_readings(value)) is not None:
        old, new = (repr(r) if isinstance(r, str) else f"{r:g}" for r in readings)
        plain = new if new[:1] != "'" else old
        raise ValueError(
            f"{value!r} is not a plain decimal number (YAML 1.1 reads {old}, YAML 1.2 reads {new}) — "
            f"write it in digits without a leading zero, 0x/0o/0b, '_' or ':', e.g. {plain}"
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{_short(value)} is not a number — write digits, e.g. 100 or 82.5")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{value!r} is not a number")
    if not -MAX_NUMBER <= value <= MAX_NUMBER:
        raise ValueError(
            f"{_short(value)} is beyond ±10^15 — no count, score or percentage is that large; check the value"
        )
    if fdef is None:
        return value
    if fdef.type == "int" and isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} must be a whole number")
        value = int(value)
    lo, hi = fdef.bounds
    if lo is not None and value < lo:
        raise ValueError(f"{value} is below {lo:g} — a {_what(fdef)} cannot be below {lo:g}")
    if hi is not None and value > hi:
        raise ValueError(f"{value} is above {hi:g} — a {_what(fdef)} cannot be above {hi:g}")
    number: float | int = value
    return number


def _short(value: Any) -> str:
    """A value for a message: a number of hundreds of digits is named by its length."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"a number of {int(abs(value).bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _what(fdef: FactDef) -> str:
    return {"percent": "percentage", "series": "percentage", "int": "count"}.get(fdef.type, "value")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_day(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a date — write YYYY-MM-DD or dd/mm/yyyy, e.g. 2024-09-30") from None


def _sanity(c: Candidate, doc: Document, problems: list[Problem]) -> None:
    where = f"{'units' if c.group == 'unit' else 'people'}[{c.id}]"
    f = c.facts
    sub = c.submission
    if sub is not None and sub.via == "hand" and sub.sent_on and sub.received_on and sub.sent_on != sub.received_on:
        problems.append(  # a file handed in is sent the day it is received: two days contradict each other
            doc.problem(
                (*c.path, "submission", "received_on"),
                f"a file handed in is received the day it is handed in, but sent_on is {sub.sent_on.isoformat()} "
                f"and received_on {sub.received_on.isoformat()}",
                "write the day it was handed in (the receipt register's) as both, or correct 'via'",
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
                    f"{part} ({a}) is more than {whole} ({b})",
                    "the violators are part of the total",
                    where=f"{where}.facts.{part}",
                )
            )
    if c.group == "unit" and (c.head or c.unit):
        key = "head" if c.head else "unit"
        problems.append(
            doc.problem(
                (*c.path, key),
                f"'{key}' is for people",
                "a unit's place in the hierarchy is 'parent'",
                where=where,
            )
        )
    if c.group == "person" and c.parent:
        problems.append(
            doc.problem(
                (*c.path, "parent"),
                "'parent' is for units",
                "a person's unit is 'unit'",
                where=where,
            )
        )
    if c.head and not c.unit:
        problems.append(
            doc.problem(
                (*c.path, "head"),
                "a head of unit needs 'unit'",
                "name the unit this person heads",
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
                    f"'{c.id}' is the word for the plan's issuer, not an id",
                    "give the unit another id; write `parent: issuer` for a unit directly under the issuer",
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
                        f"{key} '{ref}' is not in " + ("any of the files" if many else "the file"),
                        did_you_mean(ref, [k for k, v in by_id.items() if v.group == "unit"])
                        or "add that unit to 'units'",
                        where=where,
                    )
                )
            elif target.group != "unit":
                problems.append(doc.problem((*c.path, key), f"{key} '{ref}' is a person, not a unit", where=where))
        if c.head and c.unit:
            if c.unit in heads:
                problems.append(
                    doc.problem(
                        (*c.path, "head"),
                        f"unit '{c.unit}' already has a head: '{heads[c.unit]}'",
                        "a unit has one head",
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
                        f"parent cycle through '{node.parent}'",
                        "a unit cannot be its own ancestor",
                        where=f"units[{c.id}]",
                    )
                )
                break
            seen.add(node.parent)
            node = by_id[node.parent]
