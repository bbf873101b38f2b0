"""The shipped JSON Schemas are current, and every campaign and example points at the right one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from engine.authoring.jsonschema import SCHEMA_LINE, schema, schema_text
from engine.model.campaign import DATA_FILES

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGNS = sorted(p for p in (ROOT / "campaigns").glob("*.yaml") if p.stem not in DATA_FILES)
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("kind", ["campaign", "facts"])
def test_shipped_schema_is_current(kind: str) -> None:
    shipped = ROOT / "schemas" / f"{kind}.schema.json"
    assert shipped.read_text(encoding="utf-8") == schema_text(kind), (
        f"schemas/{kind}.schema.json is stale: run `thidua schema {kind} -o schemas/{kind}.schema.json`"
    )


@pytest.mark.parametrize(
    ("path", "kind"),
    [(p, "campaign") for p in CAMPAIGNS] + [(p, "facts") for p in EXAMPLES],
    ids=lambda x: x.name if isinstance(x, Path) else x,
)
def test_file_starts_with_its_schema_line(path: Path, kind: str) -> None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == SCHEMA_LINE.format(name=kind), f"{path.name} must start with: {SCHEMA_LINE.format(name=kind)}"


def _as_editor_sees(x: Any) -> Any:
    """The YAML language server reads dates as strings."""
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, dict):
        return {(k.isoformat() if isinstance(k, dt.date) else str(k)): _as_editor_sees(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_as_editor_sees(v) for v in x]
    return x


@pytest.mark.parametrize(
    ("path", "kind"),
    [(p, "campaign") for p in CAMPAIGNS] + [(p, "facts") for p in EXAMPLES],
    ids=lambda x: x.name if isinstance(x, Path) else x,
)
def test_shipped_files_validate_against_the_schema(path: Path, kind: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema(kind), format_checker=jsonschema.FormatChecker())
    data = _as_editor_sees(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(data)]
    assert not errors, errors


def test_schema_flags_what_an_author_gets_wrong() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    campaign = jsonschema.Draft202012Validator(schema("campaign"))
    facts = jsonschema.Draft202012Validator(schema("facts"))
    good = _as_editor_sees(yaml.safe_load((ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")))
    assert not list(campaign.iter_errors(good))
    typo = {**good, "critera": []}
    assert any("critera" in e.message for e in campaign.iter_errors(typo))
    unit = {"id": "u", "name": "U", "kind": "department", "facts": {"par_ratting": "good"}}
    assert list(facts.iter_errors({"units": [unit]}))
    unit["facts"] = {"par_rating": "Tốt", "staff_total": 40, "disbursement_pct": {"2024-09-30": 80}}
    assert not list(facts.iter_errors({"units": [unit]}))
    person = {"id": "p", "name": "P", "kind": "civil_servant", "facts": {"par_rating": "good"}}
    assert list(facts.iter_errors({"people": [person]})), "par_rating is a unit's fact"


def test_schema_carries_vietnamese_labels() -> None:
    s = schema("campaign")
    assert s["properties"]["criteria"]["description"].startswith("Tiêu chí")
    assert s["properties"]["disqualifiers"]["description"].startswith("Không xét khen thưởng")
    f = schema("facts")
    rating = f["$defs"]["UnitIn"]["properties"]["facts"]["properties"]["par_rating"]
    assert rating["description"].startswith("Xếp loại")


def test_schema_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schema", "facts"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$id"] == "facts.schema.json"
    out = tmp_path / "c.json"
    assert CliRunner().invoke(app, ["schema", "campaign", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == schema_text("campaign")
    assert CliRunner().invoke(app, ["schema", "nonsense"]).exit_code == 2
