"""Awards with their own conditions, scope, standard and `instead_of` (issue 12.7): schema errors
located with file:line, the structural checks, and allocation on a small campaign."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.evaluate.allocate import allocate
from engine.evaluate.backends import BACKENDS
from engine.evaluate.core import evaluate
from engine.model.campaign import load_campaign, read_campaign
from engine.model.facts import facts_from_document
from engine.model.source import Document

BASE = (Path(__file__).parent / "lint_gallery" / "base.yaml").read_text(encoding="utf-8")
AWARD = """  - id: bang_khen
    form: {vi: Bằng khen, en: Certificate of merit}
    authority: {vi: UBND tỉnh, en: Provincial People's Committee}
    level: province
    quotas: {collective: 12, individual: 12}
    clause: III.1
    quote: "tặng Bằng khen tối đa cho 12 tập thể và 12 cá nhân."
"""
SECOND = """  - id: giay_khen_xa
    form: {vi: Giấy khen, en: Certificate of commendation}
    authority: {vi: Chủ tịch UBND xã, en: Commune chairman}
    level: commune
    quotas: {individual: null}
    clause: III.1
    quote: "tặng Bằng khen tối đa cho 12 tập thể và 12 cá nhân."
"""


def _campaign(tmp_path: Path, extra: str, second: str = SECOND) -> Path:
    assert AWARD in BASE
    path = tmp_path / "c.yaml"
    reward = (
        '\nreward: {decree: 91/2017/NĐ-CP, clause: IV.1, quote: "Mức khen thưởng theo Nghị định số 91/2017/NĐ-CP"}\n'
    )
    path.write_text(BASE.replace(AWARD, AWARD + second + extra).rstrip("\n") + reward, encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if text in line)


def _errors(path: Path) -> list[str]:
    return [str(p) for p in read_campaign(path).errors]


@pytest.mark.parametrize(
    ("extra", "marker", "message"),
    [
        ("    scope: {per: [commune], kinds: [sector]}\n", "    scope:", "khóa 'kinds' không có trong mẫu"),
        ("    scope: {per: [civil_servant]}\n", "    scope:", "không dùng được 'civil_servant' ở đây"),
        ("    scope: {per: []}\n", "    scope:", "'per' không được để trống"),
        ("    standard: owns\n", "    standard:", "có phải ý bạn là 'own'"),
        ("    instead_of: bang_khenn\n", "    instead_of:", "TD410"),
        ("    standard: own\n", "    standard:", "TD411"),
    ],
)
def test_award_errors_are_located(tmp_path: Path, extra: str, marker: str, message: str) -> None:
    path = _campaign(tmp_path, extra)
    errors = _errors(path)
    assert errors and all(e.startswith(f"{path}:{_line_of(path, marker)}:") for e in errors), errors
    assert any(message in e for e in errors), errors


def test_condition_errors_are_located(tmp_path: Path) -> None:
    cond = """    conditions:
      - id: person_task_excellent
        group: individual
        label: {vi: Sáng kiến, en: Initiative}
        rule: initiatives_recognised >= 1
        clause: III.1
        quote: "tặng Bằng khen tối đa cho 12 tập thể và 12 cá nhân."
      - id: for_units
        group: collective
        label: {vi: Tập thể, en: Units}
        rule: par_rating >= good
        clause: III.1
        quote: "tặng Bằng khen tối đa cho 12 tập thể và 12 cá nhân."
"""
    path = _campaign(tmp_path, cond)
    errors = _errors(path)
    text = "\n".join(errors)
    # the id is a criterion's too (TD201), the fact is misspelt (TD701, with its column), the group has no quota (TD409)
    assert f"{path}:{_line_of(path, '      - id: person_task_excellent')}" in text and "TD201" in text, text
    assert (
        f"{path}:{_line_of(path, 'initiatives_recognised')}:" in text
        and "có phải ý bạn là 'initiatives_recognized'" in text
    )
    assert "TD409" in text and "awards[giay_khen_xa].conditions[for_units].group" in text, text
    assert len(errors) == 3, text


def test_level_must_be_written_even_when_null(tmp_path: Path) -> None:
    path = _campaign(tmp_path, "", SECOND.replace("    level: commune\n", ""))
    (error,) = _errors(path)
    assert "thiếu khóa 'level'" in error
    assert "missing key 'level'" in read_campaign(path).errors[0].render("en")


def test_stage_of_a_per_unit_award_is_refused(tmp_path: Path) -> None:
    stage = """  - id: chon_tiep
    form: {vi: Giấy khen, en: Certificate of commendation}
    authority: {vi: UBND huyện, en: District}
    level: district
    quotas: {individual: 1}
    from: giay_khen_xa
    clause: III.1
    quote: "tặng Bằng khen tối đa cho 12 tập thể và 12 cá nhân."
"""
    path = _campaign(tmp_path, "    scope: {per: [commune]}\n" + stage)
    errors = _errors(path)
    assert any("TD411" in e and "vòng sau không chọn từ đó được" in e for e in errors), errors


FACTS = {
    "units": [
        {"id": "xa-a", "name": "UBND xã A", "kind": "commune"},
        {"id": "xa-b", "name": "UBND xã B", "kind": "commune"},
        {"id": "so", "name": "Sở Tư pháp", "kind": "department"},
    ],
    "people": [
        {"id": f"p{i}", "name": f"P{i}", "kind": "civil_servant", "unit": unit, "facts": facts}
        for i, (unit, facts) in enumerate(
            [
                ("xa-a", {"task_completion": "excellent", "initiatives_recognized": 3}),
                ("xa-a", {"task_completion": "excellent", "initiatives_recognized": 0}),
                ("xa-a", {"task_completion": "excellent"}),
                ("xa-b", {"task_completion": "excellent", "initiatives_recognized": 1}),
                ("so", {"task_completion": "excellent", "initiatives_recognized": 2}),
            ],
            1,
        )
    ],
}
CONDITION = """    scope: {per: [commune]}
    instead_of: bang_khen
    conditions:
      - id: has_initiative
        group: individual
        label: {vi: Có sáng kiến, en: Has an initiative}
        rule: initiatives_recognized >= 1
        clause: III.1
        quote: "tặng Bằng khen tối đa cho 12 tập thể và 12 cá nhân."
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_per_unit_lists_conditions_and_money_counted_once(tmp_path: Path, backend: str) -> None:
    campaign = load_campaign(_campaign(tmp_path, CONDITION))
    facts = facts_from_document(Document("f.yaml", FACTS), "f", campaign.catalogue)
    ev = evaluate(campaign, facts, as_of=dt.date(2021, 1, 25), backend=backend)
    assert {r.id: [c.outcome for c in r.conditions] for r in ev.results if r.candidate.group == "person"} == {
        "p1": ["pass"],
        "p2": ["fail"],
        "p3": ["unknown"],
        "p4": ["pass"],
        "p5": ["pass"],
    }
    alloc = allocate(ev, dt.date(2021, 1, 25))
    lists = {g.under: g for g in alloc.groups if g.award_id == "giay_khen_xa"}
    assert list(lists) == ["xa-a", "xa-b"]  # one list per commune, in file order
    assert [r.id for r in lists["xa-a"].selected] == ["p1"]
    assert [(p.id, p.outcome) for p in lists["xa-a"].passed_over] == [("p2", "fail"), ("p3", "unknown")]
    assert [r.id for r in lists["xa-b"].selected] == ["p4"]
    assert [o.id for o in alloc.outside if o.award_id == "giay_khen_xa"] == ["p5"]  # the Sở's staff
    # the province's 12 take every eligible person: the commune lists cost nothing more
    assert lists["xa-a"].counted_elsewhere == ["p1"] and lists["xa-a"].costed == 0
    city = next(g for g in alloc.groups if g.award_id == "bang_khen" and g.group == "individual")
    assert {r.id for r in city.selected} == {"p1", "p2", "p3", "p4", "p5"}
    assert alloc.budget_error == ""
    assert alloc.total == (city.amount or 0) * 5


def test_a_candidate_only_in_the_alternative_list_is_costed_there(tmp_path: Path) -> None:
    one = AWARD.replace("{collective: 12, individual: 12}", "{collective: 12, individual: 1}")
    path = _campaign(tmp_path, CONDITION)
    key = "{by: task_completion, label: {vi: Hoàn thành nhiệm vụ, en: Task completion}}"
    text = path.read_text(encoding="utf-8").replace(AWARD, one)
    assert key in text
    text = text.replace(key, "{by: initiatives_recognized, label: {vi: Sáng kiến, en: Initiatives}}")
    path.write_text(text, encoding="utf-8")
    campaign = load_campaign(path)
    facts = facts_from_document(Document("f.yaml", FACTS), "f", campaign.catalogue)
    alloc = allocate(evaluate(campaign, facts, as_of=dt.date(2021, 1, 25)), dt.date(2021, 1, 25))
    city = next(g for g in alloc.groups if g.award_id == "bang_khen" and g.group == "individual")
    assert [r.id for r in city.selected] == ["p1"]  # most initiatives
    b = next(g for g in alloc.groups if g.under == "xa-b")
    assert b.counted_elsewhere == [] and b.costed == 1  # p4 is not in the province's one place: paid here
    assert alloc.total == (city.amount or 0) + (b.amount or 0)
