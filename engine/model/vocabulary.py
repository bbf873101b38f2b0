"""The vocabulary (templates/vocabulary.yaml): every fixed word a user reads, in Vietnamese and English.

Fact labels come from the catalogue and rule labels from the campaign; everything else —
verdicts, outcomes, kinds, documents, explanation phrases, column headers, sheet names,
report headings, award-list and diff words, CLI lines, the yes/no words a cell may hold —
lives in one data file, loaded once, so no module and no Jinja2 template hard-codes a word.

One access path: `words(lang)["section.key"]` gives one word (a missing key is a `KeyError`
naming it), `words(lang).section(name)` a read-only mapping of a whole section. Phrases with
`{placeholders}` are formatted by the caller (`words(lang)["text.rank_quota"].format(...)`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.common import fmt
from engine.common.message import Msg, use_sayer
from engine.common.paths import shipped
from engine.model.catalogue import Label

TEMPLATES = shipped("templates")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Words(_Strict):
    group: dict[str, tuple[str, ...]]
    true: tuple[str, ...]
    false: tuple[str, ...]
    via: dict[str, tuple[str, ...]]
    documents: dict[str, tuple[str, ...]]


class TemplateWords(_Strict):
    notes: Label
    note_type: dict[str, Label]
    guide: Label


class Labels(_Strict):
    schema_version: int
    columns: dict[str, Label]
    meta: dict[str, Label]
    sheets: dict[str, Label]
    words: Words
    values: dict[str, Label]
    template: TemplateWords
    report: dict[str, Label]
    verdict: dict[str, Label]
    outcome: dict[str, Label]
    submission: dict[str, Label]
    document: dict[str, Label]
    explain: dict[str, Label]
    compare: dict[str, Label]
    compare_rating: dict[str, Label]
    award: dict[str, Label]
    near: dict[str, Label]
    progress: dict[str, Label]
    diff: dict[str, Label]
    kind: dict[str, Label]
    kind_full: dict[str, Label]
    nomination: dict[str, Label]
    channel: dict[str, Label]
    text: dict[str, Label]
    cli: dict[str, Label]
    json_schema: dict[str, Label]
    verify: dict[str, Label]
    scope: dict[str, Label]
    sign_mode: dict[str, Label]
    web: dict[str, Label]
    problem: dict[str, Label]
    help: dict[str, Label]

    def phrase_sections(self) -> dict[str, dict[str, Label]]:
        """Every section of plain `key: {vi, en}` entries, by name."""
        return {
            name: value
            for name in type(self).model_fields
            if isinstance(value := getattr(self, name), dict)
            and value
            and all(isinstance(x, Label) for x in value.values())
        }

    def lang(self, lang: str) -> dict[str, str]:
        """The report's words in one language, for templates (`labels.sec_awards`)."""
        return {k: v.get(lang) for k, v in self.report.items()}


@cache
def load_labels() -> Labels:
    from engine.common.cache import remembered
    from engine.model.schema import validate_model
    from engine.model.source import decode, load_yaml_text, note_input

    name = "templates/vocabulary.yaml"
    path = TEMPLATES / "vocabulary.yaml"
    # shipped words, not an input: not held to the input size limit (THIDUA_MAX_BYTES), whose own
    # problem is said in these words (a limit below their size recursed into an internal error)
    text = decode(path.read_bytes(), name)
    note_input(path)  # still never overwritten by an output
    return remembered("vocabulary", (name, text), lambda: validate_model(Labels, load_yaml_text(text, name)))


def norm(text: Any) -> str:
    """A word as compared: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


class Vocabulary:
    """The vocabulary in one language: `v["verdict.eligible"]`, `v.section("verdict")`."""

    def __init__(self, lang: str, labels: Labels):
        self.lang = lang
        self._sections: dict[str, Mapping[str, str]] = {
            name: MappingProxyType({k: v.get(lang) for k, v in entries.items()})
            for name, entries in labels.phrase_sections().items()
        }

    def __getitem__(self, key: str) -> str:
        name, _, entry = key.partition(".")
        try:
            return self._sections[name][entry]
        except KeyError:
            raise KeyError(f"templates/vocabulary.yaml has no word {key!r} ({self.lang})") from None

    def section(self, name: str) -> Mapping[str, str]:
        try:
            return self._sections[name]
        except KeyError:
            raise KeyError(f"templates/vocabulary.yaml has no section {name!r}") from None

    def sections(self) -> Iterator[str]:
        return iter(self._sections)


@cache
def words(lang: str) -> Vocabulary:
    """The vocabulary in `lang` (`vi`, or `en`; anything else reads as Vietnamese), loaded once."""
    return Vocabulary(lang, load_labels())


class ByLang(Mapping[str, Mapping[str, str]]):
    """`table[lang][key]` over one or more vocabulary sections, for code written against per-language dicts."""

    def __init__(self, *names: str):
        self._names = names

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        return _merged(lang, self._names)

    def __iter__(self) -> Iterator[str]:
        return iter(("vi", "en"))

    def __len__(self) -> int:
        return 2


@cache
def _merged(lang: str, names: tuple[str, ...]) -> Mapping[str, str]:
    v = words(lang)
    out: dict[str, str] = {}
    for name in names:
        out.update(v.section(name))
    return MappingProxyType(out)


@cache
def kind_names() -> Mapping[str, str]:
    """A kind's names as an officer writes them (vi or en, short or full; NFC, any case, by `norm`)
    → its key: a spreadsheet cell and a YAML/JSON `kind:` read them alike."""
    labels = load_labels()
    return MappingProxyType(
        {
            norm(lab.get(lang)): kind
            for sec in (labels.kind, labels.kind_full)
            for kind, lab in sec.items()
            for lang in ("vi", "en")
        }
    )


def say(msg: Msg, lang: str) -> str:
    """A message in `lang`: its vocabulary entry with its parameters written in. A count `n` the
    language says in the singular (CLDR's `one`) takes the entry `<key>_one` where there is one."""
    v = words(lang)
    key = msg.key
    n = dict(msg.params).get("n")
    if isinstance(n, int | float) and not isinstance(n, bool) and fmt.plural(n, lang) == "one":
        name, _, entry = key.partition(".")
        if f"{entry}_one" in v.section(name):
            key = f"{key}_one"
    return v[key].format(**{k: _param(x, lang) for k, x in msg.params})


def _param(value: Any, lang: str) -> str:
    if isinstance(value, Msg):
        return say(value, lang)
    if isinstance(value, Label):  # a name given in both languages (a fact's, a rule's)
        return value.get(lang)
    if isinstance(value, bool):
        return words(lang)["explain.yes" if value else "explain.no"]
    if isinstance(value, int | float):
        return fmt.number(value, lang)
    if isinstance(value, dt.date):
        return fmt.day(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(_param(x, lang) for x in items)
    return str(value)


use_sayer(say)
