"""Synthetic facts files at province and nation scale, deterministic for a given size and seed.

Units (departments, districts, communes, divisions) and people (civil servants, commune
non-professional staff), some of them heads; values spread over every outcome: passes,
failures, unknowns (missing keys), n/a, and the boundary values the rules name.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

UNIT_KINDS = ["department", "district", "commune", "division", "hamlet"]
PERSON_KINDS = ["civil_servant", "civil_servant", "commune_non_professional", "journalist"]
RATINGS = ["excellent", "excellent", "excellent", "good", "completed", "not_completed"]
PAR = ["excellent", "good", "good", "fair", "weak"]


def _maybe(rng: random.Random, value: Any, missing: float = 0.03, na: float = 0.01) -> Any:
    r = rng.random()
    if r < missing:
        return ...
    if r < missing + na:
        return "n/a"
    return value


def _put(facts: dict[str, Any], key: str, value: Any) -> None:
    if value is not ...:
        facts[key] = value


def unit(rng: random.Random, i: int) -> dict[str, Any]:
    f: dict[str, Any] = {}
    total = rng.choice([10, 20, 40, 40, 48, 50, 120])
    _put(f, "task_completion", _maybe(rng, rng.choice(RATINGS)))
    _put(f, "par_tasks_done_well", _maybe(rng, rng.random() < 0.9))
    _put(f, "par_rating", _maybe(rng, rng.choice(PAR)))
    _put(f, "initiatives_recognized", _maybe(rng, rng.choice([0, 1, 1, 2, 3])))
    _put(f, "staff_total", _maybe(rng, total))
    _put(f, "staff_violating_discipline", _maybe(rng, rng.choice([0, 1, total // 10, total // 10 + 1])))
    _put(f, "discipline_violation", _maybe(rng, rng.random() < 0.05))
    _put(f, "subordinate_units_total", _maybe(rng, 10))
    _put(f, "subordinate_units_violating", _maybe(rng, rng.choice([0, 1, 2])))
    comps = [
        {"index": "PAR INDEX", "component": f"c{j}", "score": round(rng.uniform(6, 10), 1), "prev_score": 8.0}
        for j in range(rng.choice([0, 1, 2]))
    ]
    _put(f, "index_components", _maybe(rng, comps, na=0))
    return {"id": f"u{i}", "name": f"Đơn vị {i}", "kind": rng.choice(UNIT_KINDS), "facts": f}


def person(rng: random.Random, i: int, units: int) -> dict[str, Any]:
    f: dict[str, Any] = {}
    _put(f, "task_completion", _maybe(rng, rng.choice(RATINGS)))
    _put(f, "par_tasks_done_well", _maybe(rng, rng.random() < 0.9))
    _put(f, "directives_on_time", _maybe(rng, rng.random() < 0.9))
    _put(f, "initiatives_recognized", _maybe(rng, rng.choice([0, 1, 1, 2])))
    _put(f, "discipline_violation", _maybe(rng, rng.random() < 0.05))
    out: dict[str, Any] = {"id": f"p{i}", "name": f"Cán bộ {i}", "kind": rng.choice(PERSON_KINDS), "facts": f}
    if units and rng.random() < 0.5:
        out["unit"] = f"u{rng.randrange(units)}"
    if rng.random() < 0.5:
        out["submission"] = {
            "sent_on": rng.choice(["2021-01-12", "2021-01-20", "2021-01-21"]),
            "via": "postmark",
            "documents": ["proposal", "council_minutes", "achievement_report"],
        }
    return out


def facts_data(n: int, seed: int = 5) -> dict[str, Any]:
    rng = random.Random(seed)
    n_units = max(1, n * 3 // 10)
    units = [unit(rng, i) for i in range(n_units)]
    people = [person(rng, i, n_units) for i in range(n - n_units)]
    return {"campaign": "ninh_thuan_2020", "as_of": "2021-01-25", "units": units, "people": people}


def write(path: Path, n: int, fmt: str = "json") -> Path:
    data = facts_data(n)
    if fmt == "json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        import yaml

        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
