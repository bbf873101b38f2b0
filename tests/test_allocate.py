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
    with pytest.raises(
        CampaignInvalid, match="vòng xét 'giay_khen_huyen' cần 4 'individual' nhưng 'giay_khen' chỉ chọn nhiều nhất 3"
    ) as e:
        campaign_from(tmp_path, bad)
    assert "asks for 4 'individual' but 'giay_khen' gives at most 3" in e.value.problems[0].render("en")


def test_quota_without_ranking_warns(tmp_path: Path) -> None:
    c = campaign_from(tmp_path, MINIMAL)
    assert any(w.code == "TD408" and "nhóm này chưa có cách xếp hạng" in str(w) for w in c.warnings)
    assert any("no ranking declared" in w.render("en") for w in c.warnings)


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
        ("98/2023/NĐ-CP", dt.date(2023, 6, 1), "không có hiệu lực"),  # before it took effect: no predecessor is guessed
        ("91/2017/NĐ-CP", dt.date(2010, 1, 1), "không có hiệu lực"),
        ("91/2017/NĐ-CP", dt.date(2017, 7, 30), "không có hiệu lực"),
    ],
)
def test_price_refuses_what_the_law_does_not_say(decree: str, on: dt.date, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        price(decree, "bang_khen", "province", on)


# ------------------------------------------------------------------ the law in force on the decision date


@pytest.mark.parametrize(
    ("on", "applied", "replaced", "individual", "collective"),
    [
        # 0.3 × 1,800,000 = 540,000 (Decree 24/2023); the cited decree's last day
        (dt.date(2023, 12, 30), "91/2017/NĐ-CP", False, 540_000, 1_080_000),
        # its successor's first day: Decree 98/2023 from 31/12/2023, same base salary
        (dt.date(2023, 12, 31), "98/2023/NĐ-CP", True, 540_000, 1_080_000),
        # 0.3 × 2,340,000 = 702,000 → 710,000; × 2 = 1,404,000 → 1,410,000
        (dt.date(2025, 1, 20), "98/2023/NĐ-CP", True, 710_000, 1_410_000),
    ],
)
def test_a_replaced_decree_is_paid_under_its_successor(
    on: dt.date, applied: str, replaced: bool, individual: int, collective: int
) -> None:
    """Issue 22.9: a plan citing Decree 91/2017 decided after Decree 98/2023 took effect is paid under 98/2023."""
    p = price("91/2017/NĐ-CP", "giay_khen", "department", on)
    assert (p.decree, p.cited, p.individual, p.collective) == (applied, "91/2017/NĐ-CP", individual, collective)
    assert [(r.decree, r.by, r.from_) for r in p.replaced] == (
        [("91/2017/NĐ-CP", "98/2023/NĐ-CP", dt.date(2023, 12, 31))] if replaced else []
    )


def test_decree_91_amounts_are_confirmed_with_their_articles_and_98_are_not() -> None:
    """Issue 22.9: Điều 73 khoản 1 (coefficients; điểm d for the commune), khoản 2 (collective ×2), Điều 68
    khoản 2 (rounding) — confirmed; Decree 98/2023's table kept as it is, unconfirmed."""
    expected = {"province": "Điều 73 khoản 1", "department": "Điều 73 khoản 1", "district": "Điều 73 khoản 1"}
    expected["commune"] = "Điều 73 khoản 1 điểm d"
    for level, ref in expected.items():
        form = "bang_khen" if level == "province" else "giay_khen"
        p = price("91/2017/NĐ-CP", form, level, dt.date(2021, 1, 25))
        assert p.confirmed and p.reference == ref
        assert (p.collective_reference, p.rounding_reference) == ("Điều 73 khoản 2", "Điều 68 khoản 2")
        q = price("98/2023/NĐ-CP", form, level, dt.date(2025, 1, 20))
        assert not q.confirmed and q.reference is None and not q.coefficient_confirmed
        assert p.coefficient == q.coefficient  # "coefficients as they are until checked"


def _rewards(**changes: object) -> dict[str, object]:
    """A three-decree table A → B → C for the chain and the table's own checks."""

    def decree(start: str, until: str | None, by: str | None, step_from: str | None) -> dict[str, object]:
        d: dict[str, object] = {
            "title": "t",
            "valid_from": start,
            "valid_until": until,
            "validity_confirmed": False,
            "collective_multiplier": 2,
            "rounding": 10000,
            "coefficients": [
                {"form": "bang_khen", "level": "province", "coefficient": 1.0, "label": "l", "confirmed": False}
            ],
        }
        if by:
            d["replaced_by"] = {"decree": by, "from": step_from}
        return d

    data: dict[str, object] = {
        "schema_version": 1,
        "base_salary": [{"from": "2019-07-01", "amount": 1490000, "source": "s"}],
        "decrees": {
            "A": decree("2019-01-01", "2020-12-31", "B", "2021-01-01"),
            "B": decree("2021-01-01", "2021-12-31", "C", "2022-01-01"),
            "C": decree("2022-01-01", None, None, None),
        },
    }
    data.update(changes)
    return data


def test_the_successor_chain_is_followed_to_the_decree_in_force(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.evaluate.allocate as allocate_module

    table = allocate_module.RewardData.model_validate(_rewards())
    monkeypatch.setattr(allocate_module, "load_rewards", lambda: table)
    assert allocate_module.in_force("A", dt.date(2020, 6, 1)) == ("A", ())
    applied, steps = allocate_module.in_force("A", dt.date(2022, 3, 1))
    assert applied == "C" and [(s.decree, s.by) for s in steps] == [("A", "B"), ("B", "C")]
    assert allocate_module.in_force("B", dt.date(2021, 5, 1)) == ("B", ())
    with pytest.raises(UsageError, match="Nghị định B không có hiệu lực vào ngày 31/12/2020") as e:
        allocate_module.in_force("B", dt.date(2020, 12, 31))
    assert e.value.problems[0].render("en") == (
        "--decision-date: decree B is not in force on 31/12/2020 (in force 01/01/2021–31/12/2021) — pick a decision "
        "date within its validity, or record which decree applies"
    )


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (("B", "valid_from", "2021-01-02"), "is not B's valid_from"),
        (("A", "valid_until", "2020-12-30"), "the day before its successor took effect"),
        (("A", "replaced_by", {"decree": "Z", "from": "2021-01-01"}), "which has no table here"),
        (
            (
                "C",
                "coefficients",
                [{"form": "bang_khen", "level": "province", "coefficient": 1.0, "label": "l", "confirmed": True}],
            ),
            "carries its reference",
        ),
        (("C", "rounding_confirmed", True), "rounding_confirmed needs rounding_reference"),
    ],
)
def test_the_reward_table_is_consistent(change: tuple[str, str, object], fragment: str) -> None:
    from pydantic import ValidationError

    import engine.evaluate.allocate as allocate_module

    data = _rewards()
    decrees = data["decrees"]
    assert isinstance(decrees, dict)
    decrees[change[0]][change[1]] = change[2]
    with pytest.raises(ValidationError, match=fragment):
        allocate_module.RewardData.model_validate(data)


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


@pytest.mark.slow  # a long property test
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
    """A decision date no decree in force can price (before the cited decree took effect, with no
    predecessor recorded) stays a one-line usage error."""
    result = CliRunner().invoke(
        app,
        ["award", "ninh_thuan_2020", str(ROOT / "examples" / "ninh_thuan_2020.yaml"), "--decision-date", "2017-07-30"],
    )
    assert result.exit_code == 2
    assert "Nghị định 91/2017/NĐ-CP không có hiệu lực vào ngày 30/07/2017" in result.stderr
    assert result.stderr.startswith("--decision-date: ") and len(result.stderr.strip().split("\n")) == 1


REPLACED_VI = "Nghị định số 91/2017/NĐ-CP mà kế hoạch viện dẫn đã được thay thế bởi Nghị định số 98/2023/NĐ-CP"
REPLACED_EN = "Decree No. 91/2017/NĐ-CP cited by the plan has been replaced by Decree No. 98/2023/NĐ-CP"


@pytest.mark.parametrize(
    ("campaign", "on", "code", "decree", "replaced"),
    [
        # the plans citing Decree 91/2017: under it until 30/12/2023, under Decree 98/2023 from 31/12/2023
        ("ninh_thuan_2020", "2023-12-30", 0, "91/2017/NĐ-CP", False),
        ("ninh_thuan_2020", "2025-01-20", 0, "98/2023/NĐ-CP", True),
        ("syt_2024", "30/12/2023", 0, "91/2017/NĐ-CP", False),
        ("syt_2024", "2025-01-20", 0, "98/2023/NĐ-CP", True),
        # the plans citing Decree 98/2023: in force from 31/12/2023; before it, nothing to pay under
        ("ninh_thuan_2025", "2023-12-30", 2, None, False),
        ("ninh_thuan_2025", "2025-01-20", 0, "98/2023/NĐ-CP", False),
        ("uong_bi_2024", "2023-12-30", 2, None, False),
        ("uong_bi_2024", "2025-01-20", 0, "98/2023/NĐ-CP", False),
        # a plan naming no reward decree: an explicit decision date cannot be priced
        ("my_thanh_2015", "2023-12-30", 2, None, False),
        ("my_thanh_2015", "2025-01-20", 2, None, False),
    ],
)
def test_every_campaign_is_priced_under_the_law_in_force(
    campaign: str, on: str, code: int, decree: str | None, replaced: bool
) -> None:
    """Issue 22.9, every shipped campaign either side of 31/12/2023: the decree applied, why, and the
    sentence the outputs say in both languages (table and JSON)."""
    args = ["award", campaign, str(ROOT / "examples" / f"{campaign}.yaml"), "--decision-date", on]
    runner = CliRunner()
    result = runner.invoke(app, [*args, "-f", "json"])
    assert result.exit_code == code, result.output
    if code:
        lines = [line for line in result.stderr.split("\n") if line]
        errors = [line for line in lines if ": cảnh báo: " not in line]  # warnings aside
        assert len(errors) == 1 and errors[0].startswith("--decision-date: ") and "Traceback" not in result.stderr
        because = "không nêu nghị định" if campaign == "my_thanh_2015" else "không có hiệu lực vào ngày 30/12/2023"
        assert because in errors[0]
        assert result.stdout == ""
        return
    b = json.loads(result.stdout)["budget"]
    assert b["decree"] == decree and b["decree_reason"] == ("replaced" if replaced else "cited_in_force")
    assert b["cited_decree"] == ("91/2017/NĐ-CP" if campaign in ("ninh_thuan_2020", "syt_2024") else "98/2023/NĐ-CP")
    assert (b["replacement"] or "").startswith(REPLACED_VI) == replaced
    assert bool(b["replaced"]) == replaced
    assert b["confirmed"] == (decree == "91/2017/NĐ-CP")  # Decree 98/2023's coefficients: not yet checked
    assert (b["checked"] is not None) == b["confirmed"]
    assert all(line["confirmed"] == b["confirmed"] for line in b["lines"])
    vi = runner.invoke(app, args)
    en = runner.invoke(app, [*args, "--lang", "en"])
    flat_vi, flat_en = " ".join(vi.stdout.split()), " ".join(en.stdout.split())
    assert (REPLACED_VI in flat_vi, REPLACED_EN in flat_en) == (replaced, replaced)
    assert ("Điều 73 khoản 1" in flat_vi) == b["confirmed"]


def test_syt_2024_budget_under_decree_98_by_hand() -> None:
    """`thidua award syt_2024 … --decision-date 2025-01-20` (the issue's example, exit 2 before): the
    Sở director's Giấy khen under Decree 98/2023, base salary 2,340,000 (Decree 73/2024):
    0.3 × 2,340,000 = 702,000 → 710,000; a collective 1,404,000 → 1,410,000 (the example's 6 + 8
    proposed: 14,140,000 đồng)."""
    result = CliRunner().invoke(
        app,
        ["award", "syt_2024", str(ROOT / "examples" / "syt_2024.yaml"), "--decision-date", "2025-01-20", "-f", "json"],
    )
    assert result.exit_code == 0, result.output
    b = json.loads(result.stdout)["budget"]
    assert b["replaced"] == [{"decree": "91/2017/NĐ-CP", "replaced_by": "98/2023/NĐ-CP", "from": "2023-12-31"}]
    assert {(x["group"], x["amount_each"]) for x in b["lines"]} == {("collective", 1_410_000), ("individual", 710_000)}
    assert b["total"] == sum(x["subtotal"] for x in b["lines"])


def test_a_budget_saved_before_the_new_fields_is_verified_on_what_it_holds() -> None:
    """The budget's fields of issue 22.9 are additions: `verify` of a result saved without them names
    no budget change (a changed amount still is one)."""
    from engine.verify import _as_saved

    example = str(ROOT / "examples" / "ninh_thuan_2020.yaml")
    result = CliRunner().invoke(app, ["award", "ninh_thuan_2020", example, "-f", "json"])
    fresh = json.loads(result.stdout)["budget"]
    saved = {k: v for k, v in fresh.items() if k not in ("cited_decree", "replacement", "checked", "references")}
    saved["lines"] = [{k: v for k, v in line.items() if k != "reference"} for line in fresh["lines"]]
    assert _as_saved(saved, fresh) == saved
    changed = {**saved, "lines": [{**saved["lines"][0], "amount_each": 1}, *saved["lines"][1:]]}
    assert _as_saved(changed, fresh) != changed
    assert _as_saved({**saved, "gone": 1}, fresh) != {**saved, "gone": 1}


def test_the_web_award_page_and_api_say_the_decree_was_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22.9 on the web: Sở Y tế's example (evaluated on 20/01/2025) is paid under Decree 98/2023,
    and the award page says that the plan's Decree 91/2017 was replaced; the API's JSON is the CLI's."""
    import html
    import re

    from serving import officer

    monkeypatch.setenv("THIDUA_LOG_DIR", str(tmp_path / "logs"))
    data = (ROOT / "examples" / "syt_2024.yaml").read_bytes()
    with officer() as client:
        api = client.post("/api/campaigns/syt_2024/award", files={"facts": ("syt_2024.yaml", data)})
        assert api.status_code == 200, api.text
        assert api.json()["budget"]["replacement"].startswith(REPLACED_VI)
        got = client.post(
            "/campaigns/syt_2024/upload", files={"facts": ("syt_2024.yaml", data)}, follow_redirects=False
        )
        assert got.status_code == 303, got.text
        page = client.get(str(got.headers["location"]).split("?")[0] + "/award").text
    assert REPLACED_VI in " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
