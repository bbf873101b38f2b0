"""The pattern library: phrases of the plans mapped to campaign items (issue 28).

`campaigns/patterns.yaml` is data: each pattern names the item kind it proposes, the phrases that
find it in a sentence of the plan (regular expressions over the normalised text, with slots for
numbers, percentages, dates, ratings and words of the plans), the fields it fills — a rule over
the catalogue's facts, an id, a label, a deadline … — as templates over those slots, the plans
each phrasing was written from, and examples. A new phrasing is a new entry, not new code.

`load_library(path, exclude_plan=P)` reads it (a broken file is a `CampaignInvalid` whose problems
carry file:line:column), compiles every phrase once and checks every rule template against the
catalogue; with `exclude_plan` the phrasings written only from that plan are left out (the
leave-one-out measure, bench/draft_quality.py). `Library.propose(sentence)` gives every proposal
the patterns make for one sentence; it reads nothing else and keeps no state.

Slots, in a phrase `{name}`: `number`, `percent` (the number before %), `share` (a percentage as a
share of one), `date`, `month_day`, `day` (either), `quarter`, `year` (engine.authoring.draft.numbers
reads them), `rating` (a scale's labels and aliases in the catalogue), `words` (a word list of the file:
its entry's `value` and attributes), `text` (free words). A slot declared with `mode: collect` or
`mode: each` is not in the phrase: it is looked for in the phrase's match (or the sentence) —
every value in one list (`collect`), or one proposal per value (`each`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

import engine.authoring.draft.numbers as numbers
from engine.common.errors import CampaignInvalid, Problem
from engine.common.message import Msg
from engine.lang.parse import RuleError, parse_rule
from engine.model.catalogue import Catalogue, campaigns_dir, load_catalogue
from engine.model.schema import Strict, validate_model
from engine.model.source import Document, PathT, load_yaml_text, read_text

SectionKind = Literal["subjects", "criteria", "exclusions", "awards", "dossier", "timeline", "period", "other"]
ItemKind = Literal["group", "criterion", "disqualifier", "award", "quota", "deadline", "document", "late", "period"]
SlotType = Literal[
    "number", "percent", "share", "date", "month_day", "day", "quarter", "year", "rating", "words", "text"
]
PLANS = ("ninh_thuan_2020", "ninh_thuan_2025", "uong_bi_2024", "my_thanh_2015", "syt_2024")
# a slot named as its type needs no declaration: `{percent}`, `{date}` …
IMPLICIT: tuple[SlotType, ...] = ("number", "percent", "share", "date", "month_day", "day", "quarter", "year")
_FIGURES: dict[str, str] = {
    "number": numbers.NUMBER,
    "percent": numbers.PERCENT,
    "share": numbers.PERCENT,
    "date": numbers.DATE,
    "month_day": numbers.MONTH_DAY,
    "day": numbers.DAY,
    "quarter": numbers.QUARTER,
    "year": numbers.YEAR,
}
_PLACEHOLDER = re.compile(r"\{(\w+)(?:\.(\w+))?\}")
# a list item's mark: "- ", "+ ", "a) ", "(1) ", "(i1) ", "2.1. "
_MARK = re.compile(r"^\s*(?:[-+•*]\s*|\(?[a-zđ]\)\s*|\([a-z]?\d{1,2}\)\s*|\d+(?:\.\d+)*\.\s+)+", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;()]|[.!?](?=\s|$)")


@dataclass(frozen=True, slots=True)
class Sentence:
    clause: str
    text: str
    heading: tuple[str, ...]
    section: SectionKind
    line: int
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    kind: ItemKind
    pattern: str
    quote: str
    fields: Mapping[str, Any]


# ---------------------------------------------------------------- the file's shape


class Word(Strict):
    value: str | int | float | bool | None
    words: tuple[str, ...] = Field(min_length=1)
    # the plans whose items these words were written from; none: the language's or the law's own
    # words (award forms, authorities, kinds, documents), kept in every leave-one-out run
    from_: tuple[str, ...] = Field(default=(), alias="from")
    en: str | None = None
    level: str | None = None
    inclusive: bool | None = None
    note: str | None = None


class SlotSpec(Strict):
    type: SlotType
    scale: str | None = None  # rating: the catalogue's scale
    list: str | None = None  # words: the word list
    match: str | None = None  # text: the words it takes (a regular expression)
    default: str | int | float | bool | None = None  # when the phrase leaves it out (an optional group)
    mode: Literal["phrase", "collect", "each"] = "phrase"
    search: Literal["match", "sentence"] = "match"


class Phrase(Strict):
    text: str
    from_: tuple[str, ...] = Field(alias="from", min_length=1)


class Example(Strict):
    text: str
    plan: str  # one of PLANS, or "invented": written here in a plan's usual form
    rule: str | None = None  # the rule the example must propose, where the pattern has one


class PatternSpec(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: ItemKind
    phrases: tuple[Phrase, ...] = Field(min_length=1)
    fields: dict[str, Any]
    slots: dict[str, SlotSpec] = Field(default_factory=dict)
    sections: tuple[SectionKind, ...] = ()
    groups: tuple[Literal["collective", "individual"], ...] = ()
    unless: str | None = None
    quote: Literal["clause", "sentence", "match"] = "clause"
    examples: tuple[Example, ...] = Field(min_length=1)
    note: str | None = None


class PatternFile(Strict):
    schema_version: Literal[1]
    words: dict[str, tuple[Word, ...]] = Field(default_factory=dict)
    patterns: tuple[PatternSpec, ...] = Field(min_length=1)


# ---------------------------------------------------------------- compiled


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str
    spec: SlotSpec
    regex: str  # what finds it
    entries: tuple[tuple[re.Pattern[str], Word], ...] = ()  # words / rating: each entry's matcher

    def read(self, text: str) -> Any:
        """The slot's value for the text it found."""
        kind = self.spec.type
        if kind in ("words", "rating"):
            for matcher, word in self.entries:
                if matcher.fullmatch(text.strip()):
                    return word
            return None
        if kind == "text":
            return text.strip()
        reader = {
            "number": numbers.number,
            "percent": numbers.percent,
            "share": numbers.share,
            "date": numbers.date,
            "month_day": numbers.month_day,
            "day": numbers.day,
            "quarter": numbers.quarter,
            "year": numbers.year,
        }[kind]
        return reader(text)


@dataclass(frozen=True, slots=True)
class Pattern:
    spec: PatternSpec
    phrases: tuple[re.Pattern[str], ...]
    slots: Mapping[str, _Slot]
    unless: re.Pattern[str] | None

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class Library:
    """The compiled patterns of one file, in its order: `propose` reads them and nothing else."""

    patterns: tuple[Pattern, ...]
    file: str = ""
    excluded: str | None = None
    left_out: tuple[str, ...] = field(default=())  # patterns with no phrasing left (leave-one-out)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.patterns)

    def propose(self, sentence: Sentence) -> list[Proposal]:
        """Every proposal the patterns make for `sentence`, in the library's order; [] when none."""
        out: list[Proposal] = []
        seen: set[tuple[str, str, str]] = set()
        for pattern in self.patterns:
            for proposal in _propose(pattern, sentence):
                key = (proposal.kind, proposal.quote, repr(sorted(proposal.fields.items(), key=str)))
                if key not in seen:
                    seen.add(key)
                    out.append(proposal)
        return out


def default_path() -> Path:
    return campaigns_dir() / "patterns.yaml"


def load_library(path: Path | None = None, *, exclude_plan: str | None = None) -> Library:
    """campaigns/patterns.yaml (default); exclude_plan: the leave-one-out run — patterns (or their
    phrasings) written only from that plan are left out."""
    path = path or default_path()
    name = _display(path)
    doc = load_yaml_text(read_text(path, name), name)
    spec = validate_model(PatternFile, doc)
    catalogue = load_catalogue()
    problems: list[Problem] = []
    compiled: list[Pattern] = []
    left_out: list[str] = []
    names: set[str] = set()
    for list_name, entries in spec.words.items():
        for j, entry in enumerate(entries):
            for plan in entry.from_:
                if plan not in PLANS:
                    at_word: PathT = ("words", list_name, j, "from")
                    problems.append(doc.problem(at_word, Msg("problem.patterns_unknown_plan", plan=plan)))
    for i, pat in enumerate(spec.patterns):
        at: PathT = ("patterns", i)
        if pat.name in names:
            problems.append(doc.problem((*at, "name"), Msg("problem.patterns_name_twice", name=pat.name)))
        names.add(pat.name)
        one = _compile(pat, spec, catalogue, doc, at, problems, exclude_plan)
        if one is not None and one.phrases:
            compiled.append(one)
        elif one is not None:
            left_out.append(pat.name)
    if problems:
        raise CampaignInvalid(problems)
    return Library(tuple(compiled), name, exclude_plan, tuple(left_out))


# ---------------------------------------------------------------- compiling


def _compile(
    pat: PatternSpec,
    spec: PatternFile,
    catalogue: Catalogue,
    doc: Document,
    at: PathT,
    problems: list[Problem],
    exclude_plan: str | None,
) -> Pattern | None:
    before = len(problems)
    slots: dict[str, _Slot] = {}
    for slot_name, slot in pat.slots.items():
        made = _slot(slot_name, slot, spec, catalogue, doc, (*at, "slots", slot_name), problems, exclude_plan)
        if made is not None:
            slots[slot_name] = made
    for t in IMPLICIT:
        slots.setdefault(t, _Slot(t, SlotSpec(type=t), _FIGURES[t]))
    phrases: list[re.Pattern[str]] = []
    for j, phrase in enumerate(pat.phrases):
        where = (*at, "phrases", j)
        for plan in phrase.from_:
            if plan not in PLANS:
                problems.append(doc.problem((*where, "from"), Msg("problem.patterns_unknown_plan", plan=plan)))
        regex = _phrase_regex(phrase.text, slots, doc, (*where, "text"), problems)
        if regex is not None and not (exclude_plan and set(phrase.from_) <= {exclude_plan}):
            phrases.append(regex)
    unless = _regex(pat.unless, doc, (*at, "unless"), problems) if pat.unless else None
    for j, ex in enumerate(pat.examples):
        if ex.plan not in (*PLANS, "invented"):
            problems.append(
                doc.problem((*at, "examples", j, "plan"), Msg("problem.patterns_unknown_plan", plan=ex.plan))
            )
    _check_templates(pat, slots, catalogue, doc, at, problems)
    if len(problems) > before:
        return None
    return Pattern(pat, tuple(phrases), slots, unless)


def _slot(
    name: str,
    slot: SlotSpec,
    spec: PatternFile,
    catalogue: Catalogue,
    doc: Document,
    at: PathT,
    problems: list[Problem],
    exclude_plan: str | None,
) -> _Slot | None:
    if slot.type == "rating":
        scale = catalogue.scales.get(slot.scale or "")
        if scale is None:
            problems.append(doc.problem((*at, "scale"), Msg("problem.patterns_unknown_scale", scale=str(slot.scale))))
            return None
        words = tuple(Word(value=v.value, words=(v.label.vi, *v.aliases), en=v.label.en) for v in scale.values)
        return _word_slot(name, slot, words)
    if slot.type == "words":
        entries = spec.words.get(slot.list or "")
        if entries is None:
            problems.append(doc.problem((*at, "list"), Msg("problem.patterns_unknown_list", list=str(slot.list))))
            return None
        for entry in entries:
            for w in entry.words:
                if _regex(w, doc, (*at, "list"), problems) is None:
                    return None
        kept = [e for e in entries if not (exclude_plan and e.from_ and set(e.from_) <= {exclude_plan})]
        if kept:
            return _word_slot(name, slot, kept)
        return _Slot(name, slot, "(?!)", _word_slot(name, slot, entries).entries)  # finds nothing
    if slot.type == "text":
        if _regex(slot.match or ".+?", doc, (*at, "match"), problems) is None:
            return None
        return _Slot(name, slot, slot.match or "[^.;]+?")
    return _Slot(name, slot, _FIGURES[slot.type])


def _word_slot(name: str, slot: SlotSpec, entries: Sequence[Word]) -> _Slot:
    """A slot over word lists: the longest words first, so "Chủ tịch UBND tỉnh" wins over "UBND tỉnh"."""
    alternatives = sorted({_spaces(w) for e in entries for w in e.words}, key=len, reverse=True)
    matchers = tuple(
        (re.compile("(?:" + "|".join(_spaces(w) for w in e.words) + ")", re.IGNORECASE), e) for e in entries
    )
    return _Slot(name, slot, "(?:" + "|".join(alternatives) + ")", matchers)


def _spaces(text: str) -> str:
    """A space in a phrase matches any run of whitespace."""
    return re.sub(r"(?<!\\) ", r"\\s+", text)


def _regex(text: str, doc: Document, at: PathT, problems: list[Problem]) -> re.Pattern[str] | None:
    try:
        return re.compile(_spaces(text), re.IGNORECASE)
    except re.error as e:
        problems.append(doc.problem(at, Msg("problem.patterns_bad_regex", error=str(e.msg), pos=str(e.pos or 0))))
        return None


def _phrase_regex(
    text: str, slots: Mapping[str, _Slot], doc: Document, at: PathT, problems: list[Problem]
) -> re.Pattern[str] | None:
    used: set[str] = set()
    out: list[str] = []
    last = 0
    for m in _PLACEHOLDER.finditer(text):
        name = m.group(1)
        slot = slots.get(name)
        if slot is None or slot.spec.mode != "phrase" or m.group(2):
            problems.append(doc.problem(at, Msg("problem.patterns_unknown_slot", slot=m.group(0))))
            return None
        if name in used:
            problems.append(doc.problem(at, Msg("problem.patterns_slot_twice", slot=m.group(0))))
            return None
        used.add(name)
        out.append(_spaces(text[last : m.start()]))
        out.append(f"(?P<{name}>{slot.regex})")
        last = m.end()
    out.append(_spaces(text[last:]))
    try:
        return re.compile("".join(out), re.IGNORECASE)
    except re.error as e:
        problems.append(doc.problem(at, Msg("problem.patterns_bad_regex", error=str(e.msg), pos=str(e.pos or 0))))
        return None


def _check_templates(
    pat: PatternSpec,
    slots: Mapping[str, _Slot],
    catalogue: Catalogue,
    doc: Document,
    at: PathT,
    problems: list[Problem],
) -> None:
    """Every placeholder of the fields names a slot; a rule template, filled with sample values,
    parses against the catalogue (the examples then check the real values)."""
    for path, value in _strings(pat.fields, (*at, "fields")):
        for m in _PLACEHOLDER.finditer(value):
            if m.group(1) not in slots and m.group(1) != "who":
                problems.append(doc.problem(path, Msg("problem.patterns_unknown_slot", slot=m.group(0))))
                return
    rule = pat.fields.get("rule")
    if isinstance(rule, str):
        sample = _PLACEHOLDER.sub(lambda m: _sample(slots.get(m.group(1)), m.group(2)), rule)
        try:
            parse_rule(sample, catalogue)
        except RuleError as e:
            problems.append(
                doc.problem((*at, "fields", "rule"), Msg("problem.patterns_bad_rule", rule=rule), e.message)
            )


def _sample(slot: _Slot | None, attr: str | None) -> str:
    if slot is None:
        return "unit"
    if slot.entries:
        return _text(slot.entries[0][1], attr)
    return {
        "number": "1",
        "percent": "100",
        "share": "0.1",
        "date": "2024-01-01",
        "day": "2024-01-01",
        "quarter": "2024-01-01",
        "year": "2024",
    }.get(slot.spec.type, "x")


def _strings(value: Any, at: PathT) -> Iterator[tuple[PathT, str]]:
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(v, (*at, str(k)))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _strings(v, (*at, i))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- proposing


def _propose(pattern: Pattern, sentence: Sentence) -> Iterator[Proposal]:
    spec = pattern.spec
    if spec.sections and sentence.section not in spec.sections:
        return
    if spec.groups and sentence.group is not None and sentence.group not in spec.groups:
        return
    text = sentence.text
    if pattern.unless is not None and pattern.unless.search(text):
        return
    taken: list[tuple[int, int]] = []
    for regex in pattern.phrases:
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue  # an earlier phrasing of the same pattern found it
            taken.append((m.start(), m.end()))
            for values in _values(pattern, m, text):
                fields = _fill(spec.fields, values, sentence.group)
                yield Proposal(spec.kind, spec.name, _quote(spec.quote, text, m), fields)


def _values(pattern: Pattern, m: re.Match[str], text: str) -> Iterator[dict[str, Any]]:
    """The slots' values for one match: one set, or one per value of an `each` slot."""
    values: dict[str, Any] = {}
    each: list[tuple[str, list[Any]]] = []
    for name, slot in pattern.slots.items():
        mode = slot.spec.mode
        if mode == "phrase":
            found = m.groupdict().get(name)
            value = slot.read(found) if found is not None else slot.spec.default
            if found is not None and value is None:
                return  # the words are there but do not read (a date that is no day)
            values[name] = value
            continue
        where = text if slot.spec.search == "sentence" else m.group(0)
        found_all = [slot.read(f.group(0)) for f in re.finditer(slot.regex, where, re.IGNORECASE)]
        unique = [v for i, v in enumerate(found_all) if v is not None and v not in found_all[:i]]
        if not unique:
            return
        if mode == "collect":
            values[name] = unique
        else:
            each.append((name, unique))
    if not each:
        yield values
        return
    name, options = each[0]  # one `each` slot per pattern is what the file uses
    for option in options:
        yield {**values, name: option}


_WHO = {"collective": "unit", "individual": "person", None: "item"}


def _fill(template: Any, values: Mapping[str, Any], group: str | None) -> Any:
    """The fields with every placeholder replaced: a string that is one placeholder takes the
    slot's value itself (a number, a date, a list); inside a longer string, its text."""
    if isinstance(template, str):
        whole = _PLACEHOLDER.fullmatch(template)
        if whole and whole.group(1) != "who":
            return _value(values.get(whole.group(1)), whole.group(2))
        return _PLACEHOLDER.sub(
            lambda m: _WHO.get(group, "item") if m.group(1) == "who" else _text(values.get(m.group(1)), m.group(2)),
            template,
        )
    if isinstance(template, Mapping):
        return {k: _fill(v, values, group) for k, v in template.items()}
    if isinstance(template, list | tuple):
        return [_fill(v, values, group) for v in template]
    return template


def _value(value: Any, attr: str | None) -> Any:
    if isinstance(value, list):
        return [_value(v, attr) for v in value]
    if isinstance(value, Word):
        return getattr(value, attr) if attr else value.value
    if attr == "deadline":  # a day: a fixed date, or a day of every year
        return {"date": value} if isinstance(value, dt.date) else {"yearly": _value(value, None)}
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dt.date):
        return value[1] if attr == "end" else value[0]  # a quarter: .start / .end
    if isinstance(value, tuple) and len(value) == 2:
        return dt.date(2000, *value).isoformat()[5:]  # a month and day: "11-25" (2000: a leap year)
    if isinstance(value, int) and attr in ("first", "last"):
        return dt.date(value, 1, 1) if attr == "first" else dt.date(value, 12, 31)
    return value


def _text(value: Any, attr: str | None) -> str:
    v = _value(value, attr)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)  # the rule language's number: 100, 0.1
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return ", ".join(_text(x, None) for x in v)
    return "" if v is None else str(v)


def _quote(how: str, text: str, m: re.Match[str]) -> str:
    """What the item quotes, an exact substring of the sentence: the match, its clause (between
    ';', '(', ')' and a sentence's end), or the whole sentence without its list mark."""
    if how == "match":
        return m.group(0).strip()
    mark = _MARK.match(text)
    lead = mark.end() if mark else 0
    if how == "sentence":
        return text[lead:].strip()
    start, end = lead, len(text)
    for b in _CLAUSE_END.finditer(text):
        if b.end() <= m.start():
            start = max(start, b.end())
        elif b.start() >= m.end() - 1:
            end = b.end() if text[b.start()] in ".!?" else b.start()
            break
    quote = text[start:end].strip()
    return quote or m.group(0).strip()
