"""The nomination file in every output (issue 12.4): one clause and one quote per outcome, from one place.

A missing document cites the plan's whole dossier list (`documents_quote`) with its clause; a file
sent by a way the plan does not name cites the plan's channels sentence; a late file the plan does
not exclude is shown late, in Vietnamese and English, in explain, the table, JSON, the report and
the award list. The verdicts themselves are pinned by the regression cases (tests/cases/*/nomination.yaml).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from cli import app
from engine.model.campaign import load_campaign
from engine.model.schema import Channels, Late, schema_message
from engine.model.vocabulary import say, words

runner = CliRunner()

# per campaign: an as_of, a deadline (for event deadlines) and a sent date on time
ON_TIME = {
    "ninh_thuan_2020": ("2021-01-25", None, "2021-01-10"),
    "ninh_thuan_2025": ("2026-06-20", "2026-06-15", "2026-06-10"),
    "uong_bi_2024": ("2025-01-06", "2024-12-20", "2024-12-10"),
    "syt_2024": ("2025-01-20", "2025-01-15", "2025-01-10"),
}
KIND = {"ninh_thuan_2020": "commune", "ninh_thuan_2025": "commune", "uong_bi_2024": "commune", "syt_2024": "division"}


def _facts(tmp_path: Path, cid: str, submission: str, as_of: str, deadline: str | None) -> Path:
    path = tmp_path / f"{cid}.yaml"
    head = f"as_of: {as_of}\n" + (f"deadline: {deadline}\n" if deadline else "")
    path.write_text(
        head + f"units:\n  - {{id: u1, name: Đơn vị A, kind: {KIND[cid]}, facts: {{}}, submission: {submission}}}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("cid", sorted(ON_TIME))
def test_missing_document_cites_the_whole_dossier_list_everywhere(tmp_path: Path, cid: str) -> None:
    as_of, deadline, sent = ON_TIME[cid]
    nom = load_campaign(cid).model.nomination
    assert nom.documents_quote and nom.documents_clause
    facts = _facts(
        tmp_path, cid, f"{{sent_on: {sent}, via: tdo, documents: [proposal, achievement_report]}}", as_of, deadline
    )
    clause, quote = nom.documents_clause, nom.documents_quote
    # JSON
    out = json.loads(runner.invoke(app, ["evaluate", cid, str(facts), "-f", "json"]).stdout)
    sub = out["candidates"][0]["submission"]
    cited = out["citations"][sub["citation"]]  # the sentence once per result, not once per candidate
    assert (sub["outcome"], sub["clause"], cited["clause"], cited["quote"]) == (
        "missing_documents",
        clause,
        clause,
        quote,
    )
    # explain: the clause beside the reason, the whole quote below it
    text = runner.invoke(app, ["explain", cid, str(facts), "u1"]).stdout
    assert f"({clause})" in text and f"{clause}: “{quote}”" in text
    # the table: the clause beside the reason
    table = runner.invoke(app, ["evaluate", cid, str(facts), "-f", "csv"]).stdout
    assert f"({clause})" in table
    # the report: the same clause and quote
    report = tmp_path / "r.md"
    assert runner.invoke(app, ["report", cid, str(facts), "-o", str(report)]).exit_code == 0
    md = report.read_text(encoding="utf-8")
    assert f"**{clause}**" in md and quote[:60] in md


def test_dossier_lists_are_the_plans_whole_lists() -> None:
    """Each quote names every document the campaign requires (2020 once quoted only the achievement report)."""
    words_of = {
        "proposal": ("Văn bản đề nghị", "Tờ trình"),
        "council_minutes": ("Biên bản họp",),
        "achievement_report": ("Báo cáo thành tích",),
    }
    for cid in ON_TIME:
        nom = load_campaign(cid).model.nomination
        for doc in nom.documents:
            assert any(w in (nom.documents_quote or "") for w in words_of[doc]), (cid, doc)


def test_a_way_the_plan_does_not_name_is_undecided_and_cites_the_channels_sentence(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        "ninh_thuan_2020",
        "{sent_on: 2021-01-20, via: email, documents: [proposal, council_minutes, achievement_report]}",
        "2021-01-25",
        None,
    )
    out = json.loads(runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts), "-f", "json"]).stdout)
    sub = out["candidates"][0]["submission"]
    assert (sub["outcome"], sub["why"], sub["via"], sub["clause"]) == ("undecided", "channel", "email", "III.3")
    assert "(theo dấu bưu điện hoặc qua hệ thống TDO)" in out["citations"][sub["citation"]]["quote"]
    assert "qua thư điện tử" in sub["reason"] and "theo dấu bưu điện hoặc qua hệ thống TDO" in sub["reason"]
    en = runner.invoke(app, ["explain", "ninh_thuan_2020", str(facts), "u1", "--lang", "en"]).stdout
    assert "email" in en and "the plan counts only the date of postmark or the TDO system" in en
    vi = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)]).stdout
    assert "Chưa xác định được" in vi


def test_a_late_file_the_plan_does_not_exclude_is_shown_late_everywhere(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        "ninh_thuan_2025",
        "{sent_on: 2026-06-16, via: tdo, documents: [proposal, council_minutes, achievement_report], copies: 1}",
        "2026-06-20",
        "2026-06-15",
    )
    out = json.loads(runner.invoke(app, ["evaluate", "ninh_thuan_2025", str(facts), "-f", "json"]).stdout)
    cand = out["candidates"][0]
    assert cand["verdict"] != "not_considered"
    assert (cand["submission"]["outcome"], cand["submission"]["why"]) == ("late", "late_considered")
    for lang, phrase, late in (
        ("vi", "kế hoạch không quy định không xét hồ sơ quá hạn", "Hồ sơ: Quá hạn"),
        ("en", "the plan does not exclude late files", "Nomination file: Late"),
    ):
        table = runner.invoke(app, ["evaluate", "ninh_thuan_2025", str(facts), "--lang", lang]).stdout
        assert phrase in " ".join(table.split()), lang
        text = runner.invoke(app, ["explain", "ninh_thuan_2025", str(facts), "u1", "--lang", lang]).stdout
        assert phrase in text and late in text


def test_a_late_file_on_an_award_list_is_marked(tmp_path: Path) -> None:
    out = json.loads(runner.invoke(app, ["award", "my_thanh_2015", "examples/my_thanh_2015.yaml", "-f", "json"]).stdout)
    rows = [r for a in out["awards"] for r in [*a["selected"], *a["reserve"]]]
    assert {r["id"] for r in rows if r.get("submission") == "late"} >= {"cong-an-xa"}
    table = runner.invoke(app, ["award", "my_thanh_2015", "examples/my_thanh_2015.yaml"]).stdout
    assert "Công an xã Mỹ Thạnh (cong-an-xa) — Quá hạn" in table


def test_nomination_decisions_are_recorded_for_every_campaign() -> None:
    """Late files and channels are decided per plan: cited where the plan says so, a note where it does not."""
    decided = {cid: load_campaign(cid).model.nomination for cid in [*ON_TIME, "my_thanh_2015"]}
    for cid, nom in decided.items():
        assert nom.late is not None and nom.channels is not None, cid
        assert nom.late.quote or nom.late.note, cid
    assert decided["ninh_thuan_2020"].late is not None and decided["ninh_thuan_2020"].late.decision == "not_considered"
    assert all(
        n.late is not None and n.late.decision == "considered" for c, n in decided.items() if c != "ninh_thuan_2020"
    )
    channels = decided["ninh_thuan_2020"].channels
    assert channels is not None and channels.accepted == ("postmark", "tdo")


def _said(e: pytest.ExceptionInfo[ValidationError], lang: str) -> str:
    """A validator's refusal as the campaign loader says it (engine.model.schema.schema_message)."""
    err = e.value.errors()[0]
    message, hint = schema_message(err, tuple(err["loc"]), set())
    return f"{say(message, lang)} — {say(hint, lang)}"


def test_an_undecided_point_needs_its_note() -> None:
    with pytest.raises(ValidationError) as e:
        Late(decision="considered")
    assert "ghi quyết định vào 'note'" in _said(e, "vi")
    assert "record the decision in 'note'" in _said(e, "en")
    with pytest.raises(ValidationError) as e:
        Channels(accepted=("postmark",), clause="III.3", quote="theo dấu bưu điện")
    assert "ghi vào 'note' các cách gửi khác được xử lý thế nào" in _said(e, "vi")
    assert "record in 'note' what the others get" in _said(e, "en")
    with pytest.raises(ValidationError) as e:
        Late(decision="not_considered", quote="Không xem xét")
    assert "clause và quote phải ghi cùng nhau" in _said(e, "vi")
    assert "clause and quote together" in _said(e, "en")


def test_every_channel_has_a_word() -> None:
    for lang in ("vi", "en"):
        assert set(words(lang).section("channel")) == {"postmark", "tdo", "hand", "email"}


def test_a_file_handed_in_on_two_days_is_refused(tmp_path: Path) -> None:
    """A file handed in is received the day it is handed in (issue 22.2): a sent_on and a received_on
    that differ contradict each other — whichever were taken, taking the other out would change the
    verdict — so the file is refused at the line, with what to write."""
    facts = _facts(
        tmp_path,
        "ninh_thuan_2020",
        "{sent_on: 2021-01-17, via: hand, received_on: 2021-01-21, documents: [proposal]}",
        "2021-01-25",
        None,
    )
    got = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)])
    assert got.exit_code == 2 and got.stdout == ""
    assert ".yaml:3:101:" in got.stderr and "hồ sơ nộp trực tiếp được nhận ngay ngày nộp" in got.stderr
    assert "sent_on là 17/01/2021 còn received_on là 21/01/2021" in got.stderr
    english = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)], env={"THIDUA_LANG": "en"})
    assert english.exit_code == 2 and ".yaml:3:101:" in english.stderr
    assert "a file handed in is received the day it is handed in" in english.stderr


def test_a_late_file_still_considered_is_open_while_its_documents_are_not_stated(tmp_path: Path) -> None:
    """Found by the information-order property on a fresh seed: Uông Bí 2024 considers late files
    (III.3.2) but excludes one short of a document (III.3.1), so a late file whose documents are not
    stated is undecided, never `ineligible` — with `documents: []` it is `not_considered`."""
    from engine.evaluate.core import evaluate
    from engine.model.campaign import load_campaign
    from engine.readers import load_facts

    unit = (
        "campaign: uong_bi_2024\nas_of: 2025-01-06\ndeadline: 2024-12-20\nunits:\n"
        "  - {id: u0, name: Unit 0, kind: central_agency, facts: {par_tasks_done_well: false},\n"
        "     submission: {sent_on: 2024-12-21DOCS}}\n"
    )
    campaign = load_campaign("uong_bi_2024")
    got = {}
    for name, docs in (("open", ""), ("none", ", documents: []")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(unit.replace("DOCS", docs), encoding="utf-8")
        got[name] = evaluate(campaign, load_facts(path, campaign.catalogue)).results[0].verdict
    assert got == {"open": "incomplete", "none": "not_considered"}
