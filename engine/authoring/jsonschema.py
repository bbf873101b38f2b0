"""JSON Schema for editors: the campaign file and the facts file, generated from the Pydantic models.

`thidua schema campaign|facts` prints them; the project ships them in `schemas/` and every
campaign and example starts with `# yaml-language-server: $schema=../schemas/….schema.json`,
so VS Code's YAML extension completes keys and flags errors while an author types. Each
property carries its Vietnamese label (then the English description) so the hover text reads
in the plan's own words. The facts schema lists the catalogue's fact keys — for units and for
people separately — with their types and labels.
"""

from __future__ import annotations

import json
from typing import Any

from engine.model.catalogue import Catalogue, FactDef, load_catalogue
from engine.model.facts import FactsFileIn
from engine.model.schema import PERSON_KINDS, UNIT_KINDS, CampaignModel
from engine.model.vocabulary import words

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/{name}.schema.json"
KINDS = ("campaign", "facts")


def schema(kind: str, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """The JSON Schema of a campaign file or a facts file."""
    if kind == "campaign":
        out = _label(CampaignModel.model_json_schema(by_alias=True), "CampaignModel")
        out["$id"] = "campaign.schema.json"
    elif kind == "facts":
        out = _facts_schema(catalogue or load_catalogue())
    else:
        raise ValueError(f"unknown schema {kind!r}: {', '.join(KINDS)}")
    return {"$schema": SCHEMA_URL, **out}


def schema_text(kind: str) -> str:
    """The schema as shipped in `schemas/<kind>.schema.json` (stable, UTF-8, ends with a newline)."""
    return json.dumps(schema(kind), ensure_ascii=False, indent=2) + "\n"


def _label(s: dict[str, Any], root: str) -> dict[str, Any]:
    _describe(s, root)
    for name, sub in s.get("$defs", {}).items():
        _describe(sub, name)
    return s


def _describe(s: dict[str, Any], model: str) -> None:
    labels = words("vi").section("json_schema")  # the words of the plans (CONTRACT.md, DOMAIN.md)
    if model in labels:
        s["description"] = _join(labels[model], s.get("description"))
    for prop, sub in s.get("properties", {}).items():
        vi = labels.get(f"{model}.{prop}") or labels.get(f"cited.{prop}")
        if vi:
            sub["description"] = _join(vi, sub.get("description"))
            sub.pop("title", None)


def _join(vi: str, en: str | None) -> str:
    return f"{vi} — {en}" if en and en != vi else vi


def _facts_schema(catalogue: Catalogue) -> dict[str, Any]:
    s = _label(FactsFileIn.model_json_schema(by_alias=True), "FactsFileIn")
    s["$id"] = "facts.schema.json"
    defs = s["$defs"]
    base = defs.pop("CandidateIn")
    vi, en = words("vi"), words("en")
    for name, group, kinds, who in (
        ("UnitIn", "units", UNIT_KINDS, "unit"),
        ("PersonIn", "people", PERSON_KINDS, "person"),
    ):
        d = json.loads(json.dumps(base))
        d["title"] = name
        d["description"] = f"{vi['json_schema.' + who]} — {en['json_schema.' + who]}"
        d["properties"]["kind"] = {"description": vi["json_schema.kind"], "enum": list(kinds), "type": "string"}
        d["properties"]["facts"] = {
            "description": f"{vi['json_schema.facts']} — {en['json_schema.facts']}",
            "type": "object",
            "additionalProperties": False,
            "properties": {
                key: _fact_schema(key, fdef, catalogue) for key, fdef in catalogue.facts.items() if group in fdef.for_
            },
        }
        defs[name] = d
    for group, ref in (("units", "UnitIn"), ("people", "PersonIn")):
        s["properties"][group] = {
            "description": s["properties"][group].get("description", group),
            "anyOf": [{"type": "array", "items": {"$ref": f"#/$defs/{ref}"}}, {"type": "null"}],
        }
    return s


def _na() -> dict[str, str]:
    return {"const": "n/a", "description": f"{words('vi')['json_schema.na']} ({words('en')['json_schema.na']})"}


_DATE = {"type": "string", "format": "date"}


def _fact_schema(key: str, fdef: FactDef, catalogue: Catalogue) -> dict[str, Any]:
    """One fact key: its type and range, `n/a`, `null` (unknown), and its labels as the description."""
    t = fdef.type
    _NA = _na()
    lo = fdef.min if fdef.min is not None else (0 if t in ("percent", "series") else None)
    hi = fdef.max if fdef.max is not None else (100 if t in ("percent", "series") else None)
    number: dict[str, Any] = {"type": "integer" if t == "int" else "number"}
    if lo is not None:
        number["minimum"] = lo
    if hi is not None:
        number["maximum"] = hi
    value: dict[str, Any]
    if t == "bool":
        value = {"type": "boolean"}
    elif t in ("int", "number", "percent"):
        value = number
    elif t in ("rating", "enum"):
        scale = catalogue.scales[fdef.scale or ""]
        names: list[str] = []
        for v in scale.values:
            names += [n for n in (v.value, v.label.vi, v.label.en, *v.aliases) if n not in names]
        value = {"type": "string", "enum": names}
    elif t == "date":
        value = _DATE
    elif t == "series":
        value = {
            "anyOf": [
                number,
                {
                    "type": "object",
                    "description": "a dated series: {YYYY-MM-DD: value}",
                    "propertyNames": {"pattern": r"^\d{4}-\d{2}-\d{2}$"},
                    "additionalProperties": {"anyOf": [number, _NA, {"type": "null"}]},
                },
            ]
        }
    else:  # records
        score = {"anyOf": [{"type": "number"}, _NA, {"type": "null"}]}
        value = {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "index": {"type": "string"},
                    "component": {"type": "string"},
                    "score": score,
                    "prev_score": score,
                },
            },
        }
    return {
        "description": f"{fdef.label.vi} — {fdef.label.en} ({key}, {t})",
        "anyOf": [value, _NA, {"type": "null"}],
    }
