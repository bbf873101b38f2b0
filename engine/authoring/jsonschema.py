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

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/{name}.schema.json"
KINDS = ("campaign", "facts")

# Vietnamese labels per model and property: the words of the plans (CONTRACT.md, DOMAIN.md).
_VI: dict[str, dict[str, str]] = {
    "CampaignModel": {
        "": "Kế hoạch phát động phong trào thi đua",
        "schema_version": "Phiên bản định dạng (1)",
        "id": "Mã phong trào (trùng tên tệp)",
        "title": "Tên phong trào thi đua",
        "document": "Văn bản kế hoạch",
        "groups": "Đối tượng thi đua",
        "criteria": "Tiêu chí khen thưởng",
        "disqualifiers": "Không xét khen thưởng",
        "period": "Thời gian tổ chức thi đua",
        "nomination": "Hồ sơ và thời hạn đề nghị khen thưởng",
        "awards": "Hình thức và số lượng khen thưởng",
        "ranking": "Thứ tự xét chọn khi vượt số lượng",
        "reward": "Mức tiền thưởng",
    },
    "Document_": {
        "": "Văn bản kế hoạch",
        "kind": "Loại văn bản",
        "number": "Số, ký hiệu",
        "issuer": "Cơ quan ban hành",
        "level": "Cấp ban hành",
        "place": "Địa danh",
        "date": "Ngày ban hành",
        "signer": "Người ký",
        "signer_title": "Chức vụ người ký",
        "source": "Tệp văn bản gốc",
    },
    "Group": {
        "": "Đối tượng thi đua",
        "label": "Tên nhóm đối tượng",
        "candidates": "Tập thể (unit) hay cá nhân (person)",
        "kinds": "Loại đối tượng",
        "heads_only": "Chỉ người đứng đầu",
        "extends": "Nhóm mà người đứng đầu cũng phải đạt tiêu chí",
    },
    "Criterion": {
        "": "Tiêu chí",
        "id": "Mã tiêu chí",
        "group": "Nhóm đối tượng",
        "label": "Tên tiêu chí",
        "rule": "Quy tắc",
        "required": "Bắt buộc",
        "scope": "Đọc số liệu của: bản thân (self) hay đơn vị (unit)",
        "kinds": "Chỉ áp dụng cho loại đối tượng",
        "waiver": "Miễn trừ",
    },
    "Disqualifier": {
        "": "Trường hợp không xét khen thưởng",
        "id": "Mã",
        "group": "Nhóm đối tượng",
        "label": "Tên",
        "rule": "Quy tắc: khi nào bị loại",
        "scope": "Đọc số liệu của: bản thân (self) hay đơn vị (unit)",
        "kinds": "Chỉ áp dụng cho loại đối tượng",
        "waiver": "Miễn trừ",
    },
    "Waiver": {"": "Miễn trừ", "when": "Điều kiện miễn trừ", "reason": "Lý do"},
    "Period": {
        "": "Thời gian tổ chức thi đua",
        "start": "Từ ngày",
        "end": "Đến ngày",
        "end_inclusive": "Tính cả ngày kết thúc (“đến hết ngày”)",
        "yearly": "Xét hằng năm",
    },
    "Nomination": {
        "": "Hồ sơ và thời hạn đề nghị khen thưởng",
        "deadline": "Thời hạn gửi hồ sơ",
        "inclusive": "Tính cả ngày cuối (“chậm nhất là ngày”)",
        "date_counts": "Ngày được tính: ngày gửi (dấu bưu điện, hệ thống TDO) hay ngày nhận",
        "documents": "Thành phần hồ sơ",
        "copies": "Số bộ hồ sơ",
        "documents_clause": "Mục quy định thành phần hồ sơ",
        "documents_quote": "Trích dẫn thành phần hồ sơ",
    },
    "Deadline": {
        "": "Thời hạn",
        "date": "Ngày cố định",
        "yearly": "Ngày hằng năm (MM-DD)",
        "event": "Sự kiện (kế hoạch không ghi ngày)",
    },
    "Award": {
        "": "Hình thức khen thưởng",
        "id": "Mã hình thức",
        "form": "Hình thức (Bằng khen, Giấy khen)",
        "authority": "Cấp khen thưởng",
        "level": "Cấp (để tính mức thưởng)",
        "quotas": "Số lượng theo nhóm (null: không cố định)",
        "from": "Chọn từ danh sách của hình thức",
        "deadline": "Thời hạn riêng",
    },
    "Ranking": {"": "Thứ tự xét chọn", "note": "Ghi chú", "keys": "Các tiêu chí xếp hạng"},
    "RankKey": {"": "Tiêu chí xếp hạng", "by": "Biểu thức", "order": "Thứ tự", "label": "Tên"},
    "Reward": {"": "Mức tiền thưởng", "decree": "Nghị định"},
    "Label": {"": "Tên, tiếng Việt và tiếng Anh", "vi": "Tiếng Việt", "en": "Tiếng Anh"},
    "FactsFileIn": {
        "": "Tệp số liệu thành tích đề nghị khen thưởng",
        "campaign": "Mã phong trào thi đua",
        "as_of": "Ngày đánh giá",
        "deadline": "Thời hạn gửi hồ sơ (khi kế hoạch không ghi ngày)",
        "units": "Tập thể",
        "people": "Cá nhân",
    },
    "CandidateIn": {
        "": "Đối tượng đề nghị",
        "id": "Mã (duy nhất)",
        "name": "Tên",
        "kind": "Loại đối tượng",
        "parent": "Cơ quan chủ quản (mã)",
        "unit": "Đơn vị công tác (mã)",
        "head": "Người đứng đầu đơn vị",
        "facts": "Số liệu thành tích",
        "submission": "Hồ sơ đề nghị",
    },
    "SubmissionIn": {
        "": "Hồ sơ đề nghị khen thưởng",
        "sent_on": "Ngày gửi (dấu bưu điện, hệ thống TDO)",
        "via": "Cách gửi",
        "received_on": "Ngày nhận",
        "documents": "Thành phần hồ sơ",
        "copies": "Số bộ",
    },
}
_CITED = {
    "clause": "Mục, điểm của kế hoạch",
    "quote": "Trích nguyên văn kế hoạch",
    "note": "Ghi chú diễn giải",
}


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
    labels = _VI.get(model, {})
    if "" in labels:
        s["description"] = _join(labels[""], s.get("description"))
    for prop, sub in s.get("properties", {}).items():
        vi = labels.get(prop) or _CITED.get(prop)
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
    for name, group, kinds, who in (
        ("UnitIn", "units", UNIT_KINDS, "Tập thể"),
        ("PersonIn", "people", PERSON_KINDS, "Cá nhân"),
    ):
        d = json.loads(json.dumps(base))
        d["title"] = name
        d["description"] = f"{who} — {'a unit (collective)' if group == 'units' else 'a person (individual)'}"
        d["properties"]["kind"] = {"description": "Loại đối tượng", "enum": list(kinds), "type": "string"}
        d["properties"]["facts"] = {
            "description": "Số liệu thành tích — fact keys of the catalogue (campaigns/facts.yaml)",
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


_NA = {"const": "n/a", "description": "không áp dụng (not applicable)"}
_DATE = {"type": "string", "format": "date"}


def _fact_schema(key: str, fdef: FactDef, catalogue: Catalogue) -> dict[str, Any]:
    """One fact key: its type and range, `n/a`, `null` (unknown), and its labels as the description."""
    t = fdef.type
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
