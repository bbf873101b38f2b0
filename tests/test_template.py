"""`thidua template`: a blank facts file per campaign, filled in with openpyxl / csv and fed back.

The round trip: template → fill it (from the campaign's example, written the way a Vietnamese
user would: Có/Không, Tốt, 82,5, dd/mm/yyyy) → evaluate → the same verdicts and outcomes as the
example itself → a report in each format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from rounds import last_round

from engine.authoring.facts_template import used_facts, write_template
from engine.common.errors import UserError
from engine.evaluate.core import evaluate
from engine.explain.reasons import Explainer
from engine.model.campaign import available_campaigns, load_campaign
from engine.model.catalogue import load_catalogue
from engine.pipeline import read_facts, run
from engine.readers.tables import read_table
from engine.render.report_file import make_report
from engine.render.text import candidate_dict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "golden"))
from regenerate import golden_campaigns  # noqa: E402

CAT = load_catalogue()
WITH_EXAMPLE = golden_campaigns()


def valid_campaigns() -> list[str]:
    out = []
    for cid in available_campaigns():
        try:
            load_campaign(cid)
        except UserError:
            continue
        out.append(cid)
    return out


def outcomes(path: Path, cid: str) -> list[tuple[Any, ...]]:
    ev = run(cid, path)
    ex = Explainer(ev.campaign, "en")
    out = []
    for r in ev.results:
        d = candidate_dict(r, ex)
        out.append(
            (
                d["id"],
                d["verdict"],
                [(x["id"], x["outcome"]) for x in d["criteria"] + d["disqualifiers"]],
                d.get("submission", {}).get("outcome"),
            )
        )
    return sorted(out)


# ---------------------------------------------------------------- the way a user writes a value


def cell(key: str, value: Any) -> Any:
    fdef = CAT.facts[key]
    if isinstance(value, str) and value.strip().lower() == "n/a":
        return "không áp dụng"
    if fdef.type == "bool":
        return "Có" if value else "Không"
    if fdef.type in ("rating", "enum"):
        scale = CAT.scales[fdef.scale or ""]
        for v in scale.values:
            if value in (v.value, v.label.vi, *v.aliases):
                return v.label.vi
        return value
    if fdef.type == "date":
        return dt.datetime.combine(value, dt.time()) if isinstance(value, dt.date) else value
    if fdef.type == "records":
        if not value:  # no component assigned: the criterion does not apply
            return "không áp dụng"
        return "\n".join(
            f"{r['index']}; {r['component']}; {vi_number(r.get('prev_score'))}; {vi_number(r.get('score'))}"
            for r in value
        )
    return vi_number(value) if isinstance(value, float) else value


def vi_number(v: Any) -> str:
    if v is None:
        return ""
    return str(v).replace(".", ",")


def row_values(item: dict[str, Any], group: str) -> dict[str, Any]:
    """Column key → cell value for one candidate of an example facts file."""
    out: dict[str, Any] = {"id": item["id"], "name": item["name"], "kind": item["kind"], "group": group}
    for k in ("parent", "unit"):
        if item.get(k) is not None:
            out[k] = item[k]
    if item.get("head"):
        out["head"] = "x"
    for key, value in (item.get("facts") or {}).items():
        if value is None:
            continue
        if isinstance(value, dict):
            for day, v in value.items():
                out[f"{key}@{day.isoformat()}"] = cell(key, v)
        else:
            out[key] = cell(key, value)
    sub = item.get("submission") or {}
    if sub.get("sent_on"):
        out["submission.sent_on"] = sub["sent_on"].strftime("%d/%m/%Y")
    if sub.get("via"):
        out["submission.via"] = {"postmark": "bưu điện", "tdo": "TDO"}.get(sub["via"], sub["via"])
    if "documents" in sub:
        out["submission.documents"] = "; ".join(sub["documents"])
    if sub.get("copies") is not None:
        out["submission.copies"] = sub["copies"]
    return out


def spread(values: dict[str, Any], columns: dict[str, int]) -> dict[str, Any]:
    """Keep the values that have a column; a plain value of a fact the template asks for by date
    (n/a, or one number) is written into each of its dated columns, as a user would."""
    out = {}
    for key, value in values.items():
        if key in columns:
            out[key] = value
        else:
            for col in columns:
                if col.partition("@")[0] == key and "@" in col:
                    out[col] = value
    return out


def header_key(text: Any) -> str:
    m = re.search(r"\[([^\]]+)\]\s*$", str(text or ""))
    return m.group(1) if m else ""


def fill_meta(rows: list[list[Any]], example: dict[str, Any]) -> None:
    for row in rows:
        label = str(row[0] or "")
        if "Ngày đánh giá" in label and example.get("as_of"):
            row[1] = example["as_of"].strftime("%d/%m/%Y")
        if "Hạn nộp" in label and example.get("deadline"):
            row[1] = example["deadline"].strftime("%d/%m/%Y")
        if "Năm xét" in label and example.get("round"):
            row[1] = example["round"]
        issuer = re.search(r"\[issuer\.([a-z0-9_]+)\]", label)
        if issuer and issuer.group(1) in (example.get("issuer") or {}).get("facts", {}):
            row[1] = example["issuer"]["facts"][issuer.group(1)]


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("cid", valid_campaigns())
@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".yaml"])
def test_blank_template_loads_as_it_is(cid: str, suffix: str, tmp_path: Path) -> None:
    campaign = load_campaign(cid)
    path = tmp_path / f"blank{suffix}"
    path.write_bytes(write_template(campaign, path))
    if suffix == ".yaml":
        facts = read_facts(path, campaign)
        assert facts.campaign == cid
        evaluate(campaign, facts, as_of=dt.date(2025, 1, 1), round_year=last_round(campaign))
        return
    # a blank table names no candidate yet: its one problem is that (refuse_empty), nothing in it
    # is misread — and read as one file of several (where an empty one may stand) it reads as it is
    with pytest.raises(UserError) as refused:
        read_facts(path, campaign)
    assert [p.message.key for p in refused.value.problems] == ["problem.facts_no_candidates"]  # type: ignore[union-attr]
    facts = read_table(path.read_bytes(), str(path), campaign.catalogue, csv=suffix == ".csv", alone=False)
    assert facts.campaign == cid and not facts.candidates


@pytest.mark.parametrize("cid", valid_campaigns())
def test_template_has_exactly_the_facts_the_campaign_uses(cid: str, tmp_path: Path) -> None:
    campaign = load_campaign(cid)
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_template(campaign, path))
    wb = load_workbook(path)
    used = used_facts(campaign)
    for group, sheet in (("unit", "Đơn vị"), ("person", "Cá nhân")):
        if not used[group] and sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        header = next(r for r in ws.iter_rows(values_only=True) if r[0] and "[id]" in str(r[0]))
        keys = [header_key(h) for h in header]
        facts = {k for k in keys if k.partition("@")[0] in CAT.facts}
        assert facts == set(used[group]), sheet
        # drop-downs for ratings and booleans, a comment quoting the clause
        validated = {str(r).split(":")[0] for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
        for i, k in enumerate(keys, 1):
            base = k.partition("@")[0]
            if base in CAT.facts and CAT.facts[base].type in ("bool", "rating", "enum"):
                assert any(v.startswith(ws.cell(row=1, column=i).column_letter) for v in validated), k
            if base in CAT.facts:
                comment = next(c for c in ws.iter_rows() if c[0].value and "[id]" in str(c[0].value))[i - 1].comment
                assert comment is not None and "“" in comment.text
    groups = {g.candidates for g in campaign.model.groups.values()}
    assert ("Đơn vị" in wb.sheetnames) == ("unit" in groups)
    assert ("Cá nhân" in wb.sheetnames) == ("person" in groups)


@pytest.mark.parametrize("cid", WITH_EXAMPLE)
def test_xlsx_round_trip(cid: str, tmp_path: Path) -> None:
    campaign = load_campaign(cid)
    example_path = ROOT / "examples" / f"{cid}.yaml"
    example = yaml.safe_load(example_path.read_text(encoding="utf-8"))
    path = tmp_path / "facts.xlsx"
    path.write_bytes(write_template(campaign, path))
    wb = load_workbook(path)
    for section, group, sheet in (("units", "unit", "Đơn vị"), ("people", "person", "Cá nhân")):
        items = example.get(section) or []
        if not items:
            continue
        ws = wb[sheet]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        fill_meta(rows, example)
        for r, row in enumerate(rows, 1):
            if row[0] and str(row[0]).startswith("#"):
                ws.cell(row=r, column=2).value = row[1] if len(row) > 1 else None
        h = next(i for i, r in enumerate(rows, 1) if r[0] and "[id]" in str(r[0]))
        keys = {header_key(v): i for i, v in enumerate(rows[h - 1], 1)}
        for n, item in enumerate(items):
            for key, value in spread(row_values(item, group), keys).items():
                ws.cell(row=h + 2 + n, column=keys[key]).value = value
    wb.save(path)
    assert outcomes(path, cid) == outcomes(example_path, cid)
    for suffix in (".html", ".md", ".xlsx"):
        data = make_report(run(cid, path), Path(f"r{suffix}"))
        assert len(data) > 1000
        if suffix != ".xlsx":
            assert example[next(iter(s for s in ("units", "people") if example.get(s)))][0]["name"] in data.decode()


@pytest.mark.parametrize("cid", WITH_EXAMPLE)
def test_csv_round_trip(cid: str, tmp_path: Path) -> None:
    campaign = load_campaign(cid)
    example_path = ROOT / "examples" / f"{cid}.yaml"
    example = yaml.safe_load(example_path.read_text(encoding="utf-8"))
    blank = write_template(campaign, Path("t.csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(blank)))
    fill_meta(rows, example)
    h = next(i for i, r in enumerate(rows) if "[id]" in r[0])
    keys = [header_key(v) for v in rows[h]]
    for section, group in (("units", "unit"), ("people", "person")):
        for item in example.get(section) or []:
            values = spread(row_values(item, group), {k: i for i, k in enumerate(keys)})
            rows.append([_csv(values.get(k)) for k in keys])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "facts.csv"
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    assert outcomes(path, cid) == outcomes(example_path, cid)


def _csv(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y")
    return str(v)


def test_template_cli_refuses_unknown_suffix(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, ["template", "ninh_thuan_2020", "-o", str(tmp_path / "t.docx")])
    assert result.exit_code == 2
    assert "t.docx: không lập được mẫu dạng '.docx'" in result.stderr
