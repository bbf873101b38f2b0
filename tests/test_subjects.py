"""Issue 22.5: every subject the plan names can win.

For every shipped campaign, every group and every kind it admits, the search of
`engine.authoring.subjects` finds facts that make a candidate eligible — and those facts,
written as a facts file and evaluated by the engine itself (both backends), do give
`eligible`. The search is shown to really search: a rule no value satisfies, a figure a kind
never has (`facts_for`), rules that contradict each other and a head whose every possible unit
lacks a figure are each blocked, by name (TD216).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from engine.authoring.lint import lint_campaign
from engine.authoring.subjects import Blocked, Witness, search
from engine.common.message import say
from engine.evaluate.backends import BACKENDS
from engine.lang import NA, Value
from engine.model.campaign import Campaign, available_campaigns, load_campaign
from engine.model.schema import ISSUER, UNIT_KINDS
from engine.pipeline import run

ROOT = Path(__file__).resolve().parent.parent


def _cell(v: Value) -> Any:
    if v is NA:
        return "n/a"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {d.isoformat(): x for d, x in v.items()}
    return v


def _facts(v: dict[str, Value]) -> dict[str, Any]:
    return {k: _cell(x) for k, x in v.items()}


def witness_file(campaign: Campaign, w: Witness) -> bytes:
    """The witness as a facts file: the candidate, and the unit it works in (with its parent where the
    plan limits parents), dated after the campaign period."""
    s = w.subject
    group = campaign.model.groups[s.group]
    home = campaign.model.groups[group.extends] if group.heads_only and group.extends else group
    units: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    me: dict[str, Any] = {"id": "w", "name": "Ứng viên", "kind": s.kind, "facts": _facts(w.facts)}
    if s.candidates == "unit":
        limits = [x for x in home.parents if x.applies_to is None or s.kind in x.applies_to]
        if limits and not all(ISSUER in x.kinds for x in limits):
            parent = next(k for k in UNIT_KINDS if all(k in x.kinds for x in limits))
            units.append({"id": "p", "name": "Đơn vị cấp trên", "kind": parent})
            me["parent"] = "p"
        elif limits:  # directly under the plan's issuer, as the file says it (scope is shown, not assumed)
            me["parent"] = ISSUER
        units.append(me)
    else:
        unit_kind = w.unit_kind or s.unit_kinds[0]
        units.append({"id": "u", "name": "Nơi công tác", "kind": unit_kind, "facts": _facts(w.unit_facts)})
        me |= {"unit": "u", "head": group.heads_only}
        people.append(me)
    period = campaign.model.period
    doc: dict[str, Any] = {"as_of": (period.end + dt.timedelta(days=30)).isoformat(), "units": units, "people": people}
    if period.yearly:
        doc["round"] = period.end.year
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.mark.parametrize("cid", available_campaigns())
@pytest.mark.parametrize("backend", BACKENDS)
def test_every_kind_a_campaign_names_can_be_eligible(cid: str, backend: str) -> None:
    campaign = load_campaign(cid)
    found = search(campaign)
    assert found, "every campaign has groups"
    blocked = [f for f in found if isinstance(f, Blocked)]
    assert blocked == [], [(b.subject.group, b.subject.kind, [r.id for r in b.rules]) for b in blocked]
    for w in found:
        assert isinstance(w, Witness)
        ev = run(campaign, ("witness.yaml", witness_file(campaign, w)), backend=backend)
        res = ev.get("w")
        assert res is not None
        why = {r.id: r.outcome for r in [*res.criteria, *res.disqualifiers]}
        assert res.verdict == "eligible", (w.subject.group, w.subject.kind, res.verdict, res.scope_reason, why)
        assert w.subject.group in res.groups


def _with(cid: str, tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "campaigns" / f"{cid}.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{cid}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _blocked(path: Path) -> list[tuple[str, str, list[str]]]:
    return [
        (b.subject.group, b.subject.kind, [r.id for r in b.rules])
        for b in search(load_campaign(str(path)))
        if isinstance(b, Blocked)
    ]


def test_uong_bi_city_rank_for_every_kind_blocks_the_bodies_the_city_does_not_rank(tmp_path: Path) -> None:
    # the campaign as it was before issue 22.5: (i3) for every collective, n/a refused
    path = _with(
        "uong_bi_2024",
        tmp_path,
        "    rule: par_index_rank <= 5\n    kinds: [division, public_service_unit, commune]\n",
        "    rule: par_index_rank <= 5\n",
    )
    assert _blocked(path) == [
        ("collective", "party_front_body", ["par_index_top5"]),
        ("collective", "sector", ["par_index_top5"]),
        ("collective", "central_agency", ["par_index_top5"]),
    ]
    result = lint_campaign(path)  # TD216 needs no plan text: the plans beside the checkout, if there
    found = [f for f in result.findings if f.code == "TD216"]
    assert len(found) == 3
    assert found[0].where == "criteria[par_index_top5].rule"
    said, hint = say(found[0].message, "vi"), say(found[0].hint, "vi")
    assert "loại party_front_body" in said and "(III.2 (i3))" in said
    assert "đọc par_index_rank, là số liệu mà loại party_front_body không bao giờ có" in said
    assert "`kinds:`" in hint and "`na:`" in hint
    assert "reads par_index_rank, which a party_front_body never has" in say(found[0].message, "en")


def test_a_value_the_catalogue_never_allows_is_blocked(tmp_path: Path) -> None:
    # a percentage is at most 100: "> 100" can never pass, for any kind
    path = _with(
        "uong_bi_2024", tmp_path, "rule: electronic_documents_pct >= 100", "rule: electronic_documents_pct > 100"
    )
    assert {(g, ids[0]) for g, _, ids in _blocked(path)} == {("collective", "electronic_documents_100")}


def test_rules_that_contradict_each_other_are_blocked_together(tmp_path: Path) -> None:
    # one criterion asks for a count ≥ 1; a disqualifier triggers on any count above 0
    path = _with(
        "ninh_thuan_2020",
        tmp_path,
        "rule: share(staff_violating_discipline, staff_total) > 0.10",
        "rule: initiatives_recognized > 0",
    )
    assert _blocked(path) == [
        ("collective", kind, ["unit_initiative_recognized", "staff_discipline_over_10pct"])
        for kind in ("department", "division", "district", "commune")
    ]


def test_na_allowed_or_a_kinds_limit_unblocks(tmp_path: Path) -> None:
    # the same rank allowed n/a (with its reason) is winnable again
    path = _with(
        "uong_bi_2024",
        tmp_path,
        "    rule: par_index_rank <= 5\n    kinds: [division, public_service_unit, commune]\n    na: {allowed: false,",
        "    rule: par_index_rank <= 5\n    na: {allowed: true,",
    )
    assert _blocked(path) == []


def test_a_head_whose_every_unit_lacks_the_figure_is_blocked(tmp_path: Path) -> None:
    # heads read their unit's facts (scope: unit); if no unit they may lead has a PAR rating, no head can win
    text = (ROOT / "campaigns" / "ninh_thuan_2025.yaml").read_text(encoding="utf-8")
    path = tmp_path / "ninh_thuan_2025.yaml"
    holders = 'facts_for:\n  par_rating:\n    kinds: [hamlet]\n    clause: II.2.b\n    quote: "xếp loại Tốt"\n'
    path.write_text(text + holders, encoding="utf-8")
    blocked = _blocked(path)
    assert ("head", "civil_servant", ["head_unit_par_rating_good"]) in blocked
    assert ("collective", "department", ["unit_par_rating_good"]) in blocked
