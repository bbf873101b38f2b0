"""Synthetic facts files at province and nation scale, deterministic for a given size and seed.

Shaped like a real nomination file for ninh_thuan_2020, so that the engine does the work it does
on real files: about 95% of the candidates are in scope (II.1: collectives of the kinds named,
divisions under a department or a district, civil servants working in a department, division,
public service unit, district or commune, non-professional staff in a commune), the rest out of
scope for the reasons the plan gives (a hamlet or a public service unit nominated as a collective,
a division with no parent, a journalist, a person with no unit or a unit of the wrong kind).

Units (departments, districts, their divisions and communes) and people, some of them heads;
values spread over every outcome: passes, failures, unknowns (missing keys), n/a, and the boundary
values the rules name. Departments and districts state their subordinate-unit counts consistently
with the subordinate units in the file (at least as many, at least as many in breach), so no
contradiction warnings; when a count is missing, the engine derives it from the file's units.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

# (kind, weight): governing bodies first, so every division and commune can be given a parent
UNIT_KINDS = [
    ("department", 14),
    ("district", 10),
    ("division", 40),
    ("commune", 30),
    ("public_service_unit", 4),  # a workplace, not a collective: out of scope as a unit
    ("hamlet", 2),  # not named by II.1: out of scope
]
PERSON_KINDS = [("civil_servant", 70), ("commune_non_professional", 27), ("journalist", 3)]
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


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def unit(rng: random.Random, i: int, kind: str) -> dict[str, Any]:
    f: dict[str, Any] = {}
    total = rng.choice([10, 20, 40, 40, 48, 50, 120])
    _put(f, "task_completion", _maybe(rng, rng.choice(RATINGS)))
    _put(f, "par_tasks_done_well", _maybe(rng, rng.random() < 0.9))
    _put(f, "par_rating", _maybe(rng, rng.choice(PAR)))
    _put(f, "initiatives_recognized", _maybe(rng, rng.choice([0, 1, 1, 2, 3])))
    _put(f, "staff_total", _maybe(rng, total))
    _put(f, "staff_violating_discipline", _maybe(rng, rng.choice([0, 1, total // 10, total // 10 + 1])))
    _put(f, "discipline_violation", _maybe(rng, rng.random() < 0.05))
    comps = [
        {"index": "PAR INDEX", "component": f"c{j}", "score": round(rng.uniform(6, 10), 1), "prev_score": 8.0}
        for j in range(rng.choice([0, 1, 2]))
    ]
    _put(f, "index_components", _maybe(rng, comps, na=0))
    return {"id": f"u{i}", "name": f"Đơn vị {i}", "kind": kind, "facts": f}


def _units(rng: random.Random, n: int) -> list[dict[str, Any]]:
    kinds = [_pick(rng, UNIT_KINDS) for _ in range(n)]
    units = [unit(rng, i, k) for i, k in enumerate(kinds)]
    governing = [i for i, k in enumerate(kinds) if k in ("department", "district")]
    districts = [i for i, k in enumerate(kinds) if k == "district"]
    kids: dict[int, list[dict[str, Any]]] = {}
    for u in units:
        parent = None
        if u["kind"] == "division" and governing and rng.random() < 0.98:  # 2% with no parent: out of scope
            parent = rng.choice(governing)
        elif u["kind"] in ("commune", "public_service_unit") and districts and rng.random() < 0.5:
            parent = rng.choice(districts if u["kind"] == "commune" else governing)
        if parent is not None:
            u["parent"] = f"u{parent}"
            kids.setdefault(parent, []).append(u)
    for i in governing:  # the stated counts: never fewer than the file's subordinate units show
        f = units[i]["facts"]
        mine = kids.get(i, [])
        breach = sum(1 for k in mine if k["facts"].get("discipline_violation") is True)
        total = max(len(mine), rng.choice([5, 8, 10, 10, 12, 20]))
        _put(f, "subordinate_units_total", _maybe(rng, total))
        _put(f, "subordinate_units_violating", _maybe(rng, min(total, breach + rng.choice([0, 0, 1, 2]))))
    return units


def person(
    rng: random.Random, i: int, units: list[dict[str, Any]], by_kind: dict[str, list[int]], headed: set[str]
) -> dict[str, Any]:
    f: dict[str, Any] = {}
    _put(f, "task_completion", _maybe(rng, rng.choice(RATINGS)))
    _put(f, "par_tasks_done_well", _maybe(rng, rng.random() < 0.9))
    _put(f, "directives_on_time", _maybe(rng, rng.random() < 0.9))
    _put(f, "initiatives_recognized", _maybe(rng, rng.choice([0, 1, 1, 2])))
    _put(f, "discipline_violation", _maybe(rng, rng.random() < 0.05))
    kind = _pick(rng, PERSON_KINDS)
    out: dict[str, Any] = {"id": f"p{i}", "name": f"Cán bộ {i}", "kind": kind, "facts": f}
    r = rng.random()
    if r < 0.01:  # 1% with no unit in the file: out of scope
        pass
    elif r < 0.02 or kind == "journalist":  # 1% in a unit of any kind (mostly the wrong one for their kind)
        out["unit"] = f"u{rng.randrange(len(units))}"
    else:
        pool = by_kind["commune"] if kind == "commune_non_professional" else by_kind["workplace"]
        out["unit"] = f"u{rng.choice(pool) if pool else rng.randrange(len(units))}"
    if "unit" in out and out["unit"] not in headed and rng.random() < 0.2:  # a unit has one head
        out["head"] = True
        headed.add(out["unit"])
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
    units = _units(rng, n_units)
    workplace = {"department", "division", "public_service_unit", "district", "commune"}
    by_kind = {
        "commune": [i for i, u in enumerate(units) if u["kind"] == "commune"],
        "workplace": [i for i, u in enumerate(units) if u["kind"] in workplace],
    }
    headed: set[str] = set()
    people = [person(rng, i, units, by_kind, headed) for i in range(n - n_units)]
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


def listed_data(n: int) -> dict[str, Any]:
    """A file where every candidate qualifies and every person ranks the same, so every one of them
    is on a list of the Word report — proposed, tied at the cut-off for the council, or in reserve:
    the worst case for the document's tables (issue 23.7). The shipped example's units, then people
    shaped like its first eligible civil servant (a department's staff, on time, every fact met)."""
    import yaml

    example = Path(__file__).resolve().parent.parent / "examples" / "ninh_thuan_2020.yaml"
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    units = data["units"]
    people = []
    for i in range(max(0, n - len(units))):
        people.append(
            {
                "id": f"p{i}",
                "name": f"Cán bộ {i}",
                "kind": "civil_servant",
                "position": "Chuyên viên",
                "unit": "so-noi-vu",
                "facts": {
                    "task_completion": "excellent",
                    "par_tasks_done_well": True,
                    "directives_on_time": True,
                    "initiatives_recognized": 1,
                    "discipline_violation": False,
                },
                "submission": {
                    "sent_on": "2021-01-15",
                    "via": "tdo",
                    "documents": ["proposal", "council_minutes", "achievement_report"],
                },
            }
        )
    return {"campaign": "ninh_thuan_2020", "as_of": "2021-01-25", "units": units, "people": people}
