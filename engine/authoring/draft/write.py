"""A draft as a campaign file: the items placed where the schema (engine.model.schema) wants them.

Every part written is `drafted: true` (with the `pattern` that proposed it); what the plan did not
give is `TODO`, which the reader refuses (TD801) until an author writes it. The file validates:
`thidua validate` finds only those two kinds of finding (TD801, TD802) and what they bring about.
The sentences read and not used close the file as comments, so nothing is silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml

from engine.authoring.draft.patterns import ItemKind, Sentence
from engine.common.message import Msg, say
from engine.model.schema import PERSON_KINDS, TODO, UNIT_KINDS

_TODO_LABEL = {"vi": TODO, "en": TODO}
_RULE_SECTIONS = {"criterion": "criteria", "disqualifier": "disqualifiers"}
_OWN = ("id", "label", "rule", "group", "clause", "quote", "drafted", "pattern")


@dataclass(frozen=True, slots=True)
class DraftItem:
    kind: ItemKind
    clause: str
    quote: str
    fields: Mapping[str, Any]
    pattern: str | None  # None → written with `rule: TODO` (or the kind's TODO form)
    line: int = 0  # the line of the plan (normalised) it was read from
    group: str | None = None
    section: str = "other"  # the part of the plan its sentence is in (engine.authoring.draft.sections)


@dataclass(frozen=True, slots=True)
class Draft:
    header: Mapping[str, Any]  # document: issuer, number, place, date, title, period …
    items: tuple[DraftItem, ...]
    unused: tuple[Sentence, ...]  # sentences under II and III read and not used (listed by `draft`)
    text: str = ""  # the normalised plan the quotes are passages of
    name: str = "plan.txt"
    extra: tuple[DraftItem, ...] = field(default=())  # items a campaign holds once, found again

    def yaml(self) -> str:
        """The campaign file: validate-able, every proposal and TODO marked."""
        return campaign_yaml(self)

    def counts(self) -> dict[str, int]:
        """Items per kind (the kinds in the order of the interface)."""
        out: dict[str, int] = {}
        for item in self.items:
            out[item.kind] = out.get(item.kind, 0) + 1
        return out

    @property
    def proposed(self) -> int:
        return sum(1 for i in self.items if i.pattern is not None)

    @property
    def todo(self) -> int:
        return sum(1 for i in self.items if i.pattern is None)


class _Dumper(yaml.SafeDumper):
    """YAML as an author writes it: a value written twice is written twice (no `&id001` anchors)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def campaign_yaml(draft: Draft) -> str:
    """The draft's campaign file, as text."""
    data = campaign_data(draft)
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    head = [
        "# yaml-language-server: $schema=../schemas/campaign.schema.json",
        "# " + say(Msg("problem.draft_file_header", source=draft.name)),
    ]
    tail = _listed(draft)
    return "\n".join(head) + "\n" + body + ("\n" + "\n".join(tail) + "\n" if tail else "")


def campaign_data(draft: Draft) -> dict[str, Any]:
    """The campaign as data, keys in the order the shipped campaigns write them."""
    header = draft.header
    groups = _groups(draft)
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": slug(PurePath(draft.name).stem),
        "title": {"vi": header.get("title") or TODO, "en": TODO},
        "document": _document(draft),
        "groups": groups,
    }
    ids: set[str] = set()
    for kind, section in _RULE_SECTIONS.items():
        rules = [_rule(i, groups, ids) for i in draft.items if i.kind == kind]
        if rules:
            data[section] = rules
    data["period"] = _period(draft)
    data["nomination"] = _nomination(draft)
    data["awards"] = _awards(draft, groups)
    ranking = _ranking(data["awards"])
    if ranking:
        data["ranking"] = ranking
    return data


def _document(draft: Draft) -> dict[str, Any]:
    h = draft.header
    date = h.get("date")
    if date is None:
        year = h.get("year")
        date = str(year) if year else "2000"
    out: dict[str, Any] = {
        "kind": "Kế hoạch",
        "number": h.get("number"),
        "issuer": h.get("issuer") or TODO,
        "level": h.get("level") or "province",
        "place": h.get("place") or TODO,
        "date": date,
    }
    if h.get("signer"):
        out["signer"] = h["signer"]
    if h.get("signer_title"):
        out["signer_title"] = h["signer_title"]
    out["source"] = PurePath(draft.name).name
    return out


def _marked(out: dict[str, Any], item: DraftItem) -> dict[str, Any]:
    out["drafted"] = True
    if item.pattern is not None:
        out["pattern"] = item.pattern
    return out


def _label(item: DraftItem) -> dict[str, str]:
    given = item.fields.get("label")
    if isinstance(given, Mapping) and given.get("vi") and given.get("en"):
        return {"vi": str(given["vi"]), "en": str(given["en"])}
    words = item.quote.split()
    short = " ".join(words[:12]) + (" …" if len(words) > 12 else "")
    return {"vi": short.rstrip(".;:,"), "en": TODO}


def _groups(draft: Draft) -> dict[str, dict[str, Any]]:
    """The collectives' and the individuals' groups: the kinds the Đối tượng sentences name, and
    those a pattern proposes (merged into the group of their candidates); TODO where none is named."""
    out: dict[str, dict[str, Any]] = {}
    for item in draft.items:
        if item.kind != "group":
            continue
        kinds = [str(k) for k in item.fields.get("kinds", ()) if k in (*UNIT_KINDS, *PERSON_KINDS)]
        person = item.fields.get("candidates") == "person" or (bool(kinds) and set(kinds) <= set(PERSON_KINDS))
        gid = item.group if item.pattern is None and item.group else ("individual" if person else "collective")
        if gid in out:
            out[gid]["kinds"] += [k for k in kinds if k not in out[gid]["kinds"]]
            if item.pattern is not None:
                out[gid].setdefault("pattern", item.pattern)
            continue
        entry = {
            "label": _label(item) if gid == "head" else _group_label(gid),
            "candidates": "person" if person else "unit",
            "kinds": kinds or (["civil_servant"] if person else ["department"]),
            "clause": item.clause.split(" ")[0],
            "quote": item.quote,
        }
        if gid == "head":  # the heads of the units, with the individuals' criteria and their own
            entry.update(_heads(item, out.get("individual")))
        out[gid] = _marked(entry, item)
    for gid in ("collective", "individual"):
        wanted = any(i.group == gid for i in draft.items if i.kind in _RULE_SECTIONS)
        if gid not in out and (wanted or not out):
            out[gid] = {
                "label": _group_label(gid),
                "candidates": "unit" if gid == "collective" else "person",
                "kinds": ["department"] if gid == "collective" else ["civil_servant"],
                "clause": TODO,
                "quote": TODO,
                "drafted": True,
            }
    return out


def _heads(item: DraftItem, individual: Mapping[str, Any] | None) -> dict[str, Any]:
    """The heads' group (engine.authoring.draft.words.heads): heads only, extending the
    individuals' group (its kinds) when there is one."""
    out: dict[str, Any] = {"heads_only": True}
    if individual is not None and individual.get("candidates") == "person":
        out["extends"] = "individual"
        out["kinds"] = list(individual["kinds"])
    return out


def _group_label(gid: str) -> dict[str, str]:
    key = f"problem.draft_group_{gid}"
    return {"vi": say(Msg(key), "vi"), "en": say(Msg(key), "en")}


def _rule(item: DraftItem, groups: Mapping[str, Mapping[str, Any]], ids: set[str]) -> dict[str, Any]:
    """A criterion or disqualifier: the pattern's fields, the sentence's clause and quote; a rule
    that does not read against the catalogue is left TODO (the pattern named, so the author sees why)."""
    group = item.group if item.group is not None and item.group in groups else next(iter(groups))
    given = item.fields.get("id")
    base = str(given) if isinstance(given, str) and given else f"{item.kind}_{slug(item.clause)}"
    out: dict[str, Any] = {"id": _unique(base, ids), "group": group, "label": _label(item)}
    rule = item.fields.get("rule")
    units = groups[group].get("candidates") == "unit" or item.fields.get("scope") == "unit"
    out["rule"] = rule if isinstance(rule, str) and _reads(rule, units) else TODO
    out.update({k: v for k, v in item.fields.items() if k not in _OWN})
    out["clause"] = item.clause
    out["quote"] = item.quote
    return _marked(out, item)


def _unique(base: str, ids: set[str]) -> str:
    name, n = base, 1
    while name in ids:
        n += 1
        name = f"{base}_{n}"
    ids.add(name)
    return name


def _reads(rule: str, units: bool) -> bool:
    """Whether a proposed rule parses and type-checks against the catalogue."""
    from engine.lang import RuleError, parse_rule
    from engine.model.catalogue import load_catalogue

    try:
        parse_rule(rule, load_catalogue(), scope_units=units)
    except RuleError:
        return False
    return True


def _first(draft: Draft, kind: str) -> DraftItem | None:
    return next((i for i in draft.items if i.kind == kind), None)


def _period(draft: Draft) -> dict[str, Any]:
    item = _first(draft, "period")
    fields = dict(item.fields) if item is not None and item.pattern is not None else {}
    if "end" in fields:
        out = {k: v for k, v in fields.items() if k in ("start", "end", "end_inclusive", "yearly")}
        out.setdefault("end_inclusive", True)
    else:  # placeholder dates (the lint's date checks skip a TODO period): the day the plan is issued
        out = {"end": _issued(draft), "end_inclusive": True, "note": dict(_TODO_LABEL)}
    out["clause"] = item.clause if item is not None else TODO
    out["quote"] = item.quote if item is not None else TODO
    return _marked(out, item) if item is not None else {**out, "drafted": True}


def _issued(draft: Draft) -> dt.date:
    d = draft.header.get("date")
    if isinstance(d, dt.date):
        return d
    year = draft.header.get("year") or 2000
    return dt.date(int(year), 1, 1)


def _nomination(draft: Draft) -> dict[str, Any]:
    item = _first(draft, "deadline")
    fields = dict(item.fields) if item is not None and item.pattern is not None else {}
    out: dict[str, Any] = {"deadline": fields.pop("deadline", None) or {"event": dict(_TODO_LABEL)}}
    out.update({k: v for k, v in fields.items() if k not in _OWN})
    docs = [i for i in draft.items if i.kind == "document"]
    names: list[str] = []
    for d in docs:
        found = d.fields.get("documents") or ([d.fields["document"]] if d.fields.get("document") else [])
        names += [str(n) for n in found if n not in names]
        if d.fields.get("copies") and "copies" not in out:
            out["copies"] = d.fields["copies"]
    if names:
        out["documents"] = names
    out["clause"] = item.clause if item is not None else TODO
    out["quote"] = item.quote if item is not None else TODO
    if docs:
        out["documents_clause"] = docs[0].clause.split(" ")[0]
        out["documents_quote"] = _span(draft, docs)
    if any(d.pattern is None for d in docs):
        out["note"] = dict(_TODO_LABEL)  # a dossier line no pattern names: which document it is
    out.setdefault("channels", {"accepted": ["postmark", "tdo", "hand", "email"], "note": dict(_TODO_LABEL)})
    out["late"] = _late(draft)
    return _marked(out, item) if item is not None else {**out, "drafted": True}


def _late(draft: Draft) -> dict[str, Any]:
    item = _first(draft, "late")
    if item is None:
        return {"decision": "not_considered", "note": dict(_TODO_LABEL), "drafted": True}
    decision = item.fields.get("decision", "not_considered") if item.pattern else "not_considered"
    return _marked({"decision": decision, "clause": item.clause, "quote": item.quote}, item)


def _span(draft: Draft, items: list[DraftItem]) -> str:
    """The plan's text from the first item's quote to the last's, folded (one passage of the plan)."""
    lines = draft.text.split("\n")
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)
    first, last = items[0], items[-1]
    a = starts[first.line - 1] + max(lines[first.line - 1].find(first.quote), 0)
    b_line = lines[last.line - 1]
    b = starts[last.line - 1] + max(b_line.find(last.quote), 0) + len(last.quote)
    return " ".join(draft.text[a:b].split())


def _awards(draft: Draft, groups: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    ids: set[str] = set()
    for item in draft.items:
        if item.kind == "award":
            out.append(_award(item, groups, ids))
    for item in draft.items:
        if item.kind == "quota":
            target = next((a for a in out if a["clause"] == item.clause), out[-1] if out else None)
            if target is None:
                target = _award(item, groups, ids)
                out.append(target)
            quotas = item.fields.get("quotas") if item.pattern else None
            if isinstance(quotas, Mapping):
                target["quotas"].update({g: q for g, q in quotas.items() if g in target["quotas"]})
            if " ".join(item.quote.split()) not in " ".join(str(target["quote"]).split()):
                _cite_quota(target, item)
    if not out:
        out.append(_award(None, groups, ids))
    return out


def _cite_quota(award: dict[str, Any], item: DraftItem) -> None:
    """A quota read from another sentence than its award's: its clause and words kept in the
    award's note, so the author sees where the numbers come from (nothing read is dropped)."""
    said = {
        "vi": f"Số lượng ({item.clause}): “{item.quote}”",
        "en": f"Numbers ({item.clause}): “{item.quote}”",
    }
    note = award.get("note")
    if isinstance(note, Mapping):
        said = {lang: f"{note.get(lang, '')} {said[lang]}".strip() for lang in said}
    award["note"] = said


def _award(item: DraftItem | None, groups: Mapping[str, Any], ids: set[str]) -> dict[str, Any]:
    fields = dict(item.fields) if item is not None and item.pattern is not None and item.kind == "award" else {}
    given = fields.get("id")
    out: dict[str, Any] = {"id": _unique(str(given) if given else "award", ids)}
    out["form"] = fields.get("form") or dict(_TODO_LABEL)
    out["authority"] = fields.get("authority") or dict(_TODO_LABEL)
    out["level"] = fields.get("level")
    given_quotas = fields.get("quotas")
    quotas: Mapping[str, Any] = given_quotas if isinstance(given_quotas, Mapping) else {}
    # a heads' group that extends another competes in that group's quota (none of its own)
    out["quotas"] = {g: quotas.get(g) for g, spec in groups.items() if not spec.get("extends")}
    out.update({k: v for k, v in fields.items() if k not in (*_OWN, "form", "authority", "level", "quotas")})
    out["clause"] = item.clause if item is not None else TODO
    out["quote"] = item.quote if item is not None else TODO
    return _marked(out, item) if item is not None else {**out, "drafted": True}


def _ranking(awards: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A ranking to write for every group with a number of places (how to choose over the quota)."""
    limited = [g for a in awards for g, q in a["quotas"].items() if q is not None]
    return {
        g: {"note": dict(_TODO_LABEL), "keys": [{"by": TODO, "label": dict(_TODO_LABEL)}]}
        for g in dict.fromkeys(limited)
    }


def _listed(draft: Draft) -> list[str]:
    """The closing comments: items a campaign holds once, found again; sentences read and not used."""
    lines: list[str] = []
    if draft.extra:
        lines.append("# " + say(Msg("problem.draft_file_extra")))
        lines += [f"#   {i.clause} ({say(Msg('problem.draft_line', line=i.line))}): {i.quote}" for i in draft.extra]
    if draft.unused:
        lines.append("# " + say(Msg("problem.draft_file_unused")))
        lines += [f"#   {s.clause} ({say(Msg('problem.draft_line', line=s.line))}): {s.text}" for s in draft.unused]
    return lines


def slug(text: str) -> str:
    """An id from words: no diacritics, lower case, underscores ("Ninh Thuận 2020" → "ninh_thuan_2020")."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in bare if not unicodedata.combining(c)).casefold()
    out = re.sub(r"[^a-z0-9]+", "_", bare).strip("_")
    return out if re.match(r"[a-z]", out) else f"plan_{out}".rstrip("_")
