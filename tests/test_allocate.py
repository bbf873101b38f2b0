"""engine.evaluate.allocate: quotas, ranking, ties at the line, stages, budget — with property tests."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from engine.common.errors import CampaignInvalid, UsageError
from engine.evaluate.allocate import allocate, price
from engine.evaluate.core import evaluate
from engine.model.campaign import load_campaign
from engine.model.facts import facts_from_document
from engine.model.source import load_yaml_text

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = (ROOT / "tests" / "gallery" / "minimal_campaign.yaml").read_text(encoding="utf-8")
STAGES = (
    MINIMAL
    + """  - id: giay_khen_huyen
    form: {vi: Giấy khen, en: Certificate}
    authority: {vi: Chủ tịch UBND huyện, en: District chairman}
    level: district
    quotas: {collective: 1, individual: 1}
    from: giay_khen
    clause: III.2
    quote: q
ranking:
  collective:
    note: authors' proposal
    keys: [{by: par_rating, order: desc, label: {vi: Xếp loại, en: Rating}}]
  individual:
    note: authors' proposal
    keys: [{by: initiatives_recognized, order: desc, label: {vi: Sáng kiến, en: Initiatives}}]
"""
)


def campaign_from(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return load_campaign(str(path))


def people(counts: list[int]) -> str:
    rows = "".join(
        f"  - {{id: p{i:02d}, name: P{i:02d}, kind: civil_servant, facts: {{initiatives_recognized: {n}}}}}\n"
        for i, n in enumerate(counts)
    )
    return "people:\n" + rows


def run(campaign, facts_text: str, when: dt.date = dt.date(2021, 1, 25)):  # type: ignore[no-untyped-def]
    facts = facts_from_document(load_yaml_text(facts_text, "f.yaml"), "x", campaign.catalogue)
    return allocate(evaluate(campaign, facts, as_of=when))


def test_two_stages_choose_from_the_first(tmp_path: Path) -> None:
    c = campaign_from(tmp_path, STAGES)
    a = run(c, people([5, 4, 3, 2, 1]))
    first = next(g for g in a.groups if g.award_id == "giay_khen" and g.group == "individual")
    second = next(g for g in a.groups if g.award_id == "giay_khen_huyen" and g.group == "individual")
    assert [r.id for r in first.selected] == ["p00", "p01", "p02"]
    assert [r.id for r in second.selected] == ["p00"]
    assert sorted(r.id for r in second.reserve) == ["p01", "p02"]
    assert second.pool == 3 and not second.provisional


def test_tie_in_first_stage_makes_second_provisional(tmp_path: Path) -> None:
    c = campaign_from(tmp_path, STAGES)
    a = run(c, people([5, 3, 3, 3]))
    first = next(g for g in a.groups if g.award_id == "giay_khen" and g.group == "individual")
    second = next(g for g in a.groups if g.award_id == "giay_khen_huyen" and g.group == "individual")
    assert [r.id for r in first.selected] == ["p00"] and first.slots_left == 2
    assert sorted(r.id for r in first.tie) == ["p01", "p02", "p03"]
    assert second.provisional


def test_later_stage_asking_for_more_is_refused(tmp_path: Path) -> None:
    bad = STAGES.replace(
        "quotas: {collective: 1, individual: 1}\n    from", "quotas: {collective: 1, individual: 4}\n    from"
    )
    with pytest.raises(CampaignInvalid, match="asks for 4 'individual' but 'giay_khen' gives at most 3"):
        campaign_from(tmp_path, bad)


def test_quota_without_ranking_warns(tmp_path: Path) -> None:
    c = campaign_from(tmp_path, MINIMAL)
    assert any("no ranking declared" in str(w) for w in c.warnings)


def test_null_quota_proposes_every_eligible(tmp_path: Path) -> None:
    c = campaign_from(
        tmp_path,
        STAGES.replace("quotas: {collective: 1, individual: 3}", "quotas: {collective: 1, individual: null}").replace(
            "quotas: {collective: 1, individual: 1}\n    from", "quotas: {collective: 1}\n    from"
        ),
    )
    a = run(c, people([1, 2, 3, 4, 5, 6]))
    g = next(g for g in a.groups if g.award_id == "giay_khen" and g.group == "individual")
    assert g.quota is None and len(g.selected) == 6 and not g.tie and not g.reserve


@pytest.mark.parametrize(
    ("decree", "form", "level", "on", "individual", "collective"),
    [
        ("91/2017/NĐ-CP", "bang_khen", "province", dt.date(2021, 1, 25), 1_490_000, 2_980_000),
        (
            "91/2017/NĐ-CP",
            "giay_khen",
            "department",
            dt.date(2019, 6, 30),
            420_000,
            840_000,
        ),  # 0.3 × 1,390,000 = 417,000 → 420,000
        (
            "91/2017/NĐ-CP",
            "giay_khen",
            "commune",
            dt.date(2019, 7, 1),
            230_000,
            450_000,
        ),  # 0.15 × 1,490,000 = 223,500 → 230,000; ×2 = 447,000 → 450,000
        (
            "98/2023/NĐ-CP",
            "giay_khen",
            "district",
            dt.date(2024, 7, 1),
            710_000,
            1_410_000,
        ),  # 0.3 × 2,340,000 = 702,000 → 710,000
        ("98/2023/NĐ-CP", "bang_khen", "province", dt.date(2024, 6, 30), 1_800_000, 3_600_000),
    ],
)
def test_price_by_hand(decree: str, form: str, level: str, on: dt.date, individual: int, collective: int) -> None:
    p = price(decree, form, level, on)
    assert (p.individual, p.collective) == (individual, collective)


@pytest.mark.parametrize(
    ("decree", "on", "fragment"),
    [
        ("91/2017/NĐ-CP", dt.date(2024, 1, 15), "not in force"),
        ("98/2023/NĐ-CP", dt.date(2023, 6, 1), "not in force"),
        ("91/2017/NĐ-CP", dt.date(2010, 1, 1), "not in force"),
    ],
)
def test_price_refuses_what_the_law_does_not_say(decree: str, on: dt.date, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        price(decree, "bang_khen", "province", on)


# ------------------------------------------------------------------ properties

NT2020 = load_campaign("ninh_thuan_2020")

person = st.fixed_dictionaries(
    {
        "task_completion": st.sampled_from(["excellent", "excellent", "good"]),
        "par_tasks_done_well": st.booleans() | st.none(),
        "directives_on_time": st.just(True),
        "initiatives_recognized": st.integers(0, 4),
        "discipline_violation": st.just(False),
    }
)


def _facts_yaml(people_facts: list[dict]) -> str:
    rows = []
    for i, f in enumerate(people_facts):
        facts = ", ".join(f"{k}: {json.dumps(v)}" for k, v in f.items() if v is not None)
        rows.append(f"  - {{id: p{i:03d}, name: P{i:03d}, kind: civil_servant, facts: {{{facts}}}}}\n")
    return "people:\n" + "".join(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(person, min_size=0, max_size=30), st.randoms(use_true_random=False))
def test_allocation_properties(people_facts: list[dict], rnd: random.Random) -> None:
    text = _facts_yaml(people_facts)
    alloc = run(NT2020, text)
    g = next(g for g in alloc.groups if g.group == "individual")
    eligible = {r.id for r in alloc.evaluation.results if r.verdict == "eligible"}
    selected = {r.id for r in g.selected}
    assert len(selected) <= g.quota  # type: ignore[operator]
    assert selected <= eligible
    assert selected | {r.id for r in g.tie} | {r.id for r in g.reserve} == eligible
    if g.tie:
        assert 0 < g.slots_left < len(g.tie)
        assert len(selected) + g.slots_left == g.quota
    for s in g.selected:
        for r in g.reserve:
            assert s.sort_keys > r.sort_keys
        for t in g.tie:
            assert s.sort_keys > t.sort_keys
    # shuffling the facts file changes nothing
    lines = text.split("\n")[1:-1]
    rnd.shuffle(lines)
    again = run(NT2020, "people:\n" + "\n".join(lines) + "\n")
    g2 = next(g for g in again.groups if g.group == "individual")
    assert [(r.id, r.rank) for r in g.selected] == [(r.id, r.rank) for r in g2.selected]
    assert [r.id for r in g.tie] == [r.id for r in g2.tie]
    assert [(r.id, r.rank) for r in g.reserve] == [(r.id, r.rank) for r in g2.reserve]


def test_award_cli_json_follows_the_contract() -> None:
    result = CliRunner().invoke(
        app, ["award", "ninh_thuan_2020", str(ROOT / "examples" / "ninh_thuan_2020.yaml"), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    groups = {(a["award"], a["group"]): a for a in data["awards"]}
    ind = groups[("bang_khen_ubnd_tinh", "individual")]
    assert ind["quota"] == 12
    assert {"id", "rank"} <= set(ind["selected"][0])
    assert len(ind["selected"]) + ind["slots_left"] == 12
    assert sorted(ind["tie_at_cutoff"]) == ["nv-0003", "nv-0004", "nv-0006", "nv-0019", "nv-0021", "nv-0027"]
    assert ind["reserve"][0]["short_of"]["key"] == "initiatives_recognized"
    assert data["budget"]["total"] == 12 * 2_980_000 + 7 * 1_490_000


def test_award_cli_decision_date_outside_decree_is_an_error() -> None:
    result = CliRunner().invoke(
        app,
        ["award", "ninh_thuan_2020", str(ROOT / "examples" / "ninh_thuan_2020.yaml"), "--decision-date", "2024-08-01"],
    )
    assert result.exit_code == 2
    assert "not in force" in result.stderr
