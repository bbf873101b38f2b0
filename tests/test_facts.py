"""engine.model.facts: values in their evaluation form, references, derived subordinate counts."""

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from engine.common.errors import UsageError
from engine.common.message import Msg, speaking
from engine.evaluate.derive import derive
from engine.lang import NA, UNKNOWN
from engine.model.catalogue import load_catalogue
from engine.model.facts import facts_from_document
from engine.model.source import load_yaml_text

CAT = load_catalogue()


def load(text: str):  # type: ignore[no-untyped-def]
    return facts_from_document(load_yaml_text(text, "f.yaml"), "x", CAT)


def test_values_are_converted() -> None:
    f = load(
        "units:\n  - id: u1\n    name: A\n    kind: commune\n    facts:\n"
        "      par_rating: Tốt\n      task_completion: Hoàn thành xuất sắc\n"
        "      disbursement_pct: {2024-09-30: 82.5, 2024-12-31: 100}\n"
        "      autonomy_schemes_approved_pct: n/a\n      staff_total: null\n"
        "      disbursement_shortfall_reason: khách quan\n"
    )
    facts = f.candidates[0].facts
    assert facts["par_rating"] == "good"
    assert facts["task_completion"] == "excellent"
    assert facts["disbursement_pct"] == {dt.date(2024, 9, 30): 82.5, dt.date(2024, 12, 31): 100}
    assert facts["autonomy_schemes_approved_pct"] is NA
    assert facts.get("staff_total", UNKNOWN) is UNKNOWN
    assert facts["disbursement_shortfall_reason"] == "objective"


def test_a_yaml_return_reads_days_and_kinds_as_a_spreadsheet_does() -> None:
    """25/01/2021 and `Sở, ban, ngành` are read in a YAML return as in a spreadsheet cell (issue 24)."""
    f = load(
        "as_of: 25/01/2021\ndeadline: 20.01.2021\nunits:\n  - id: u1\n    name: A\n    kind: Sở, ban, ngành\n"
        "    submission: {sent_on: 15/01/2021, received_on: 2021-01-16, via: postmark}\n"
        "  - {id: u2, name: B, kind: 'UBND cấp xã, phường'}\n"
    )
    assert (f.as_of, f.deadline) == (dt.date(2021, 1, 25), dt.date(2021, 1, 20))
    assert [c.kind for c in f.candidates] == ["department", "commune"]
    sub = f.candidates[0].submission
    assert sub is not None and (sub.sent_on, sub.received_on) == (dt.date(2021, 1, 15), dt.date(2021, 1, 16))
    with pytest.raises(UsageError, match="không phải là một ngày có thật"):
        load("as_of: 32/01/2021\nunits: []\n")


def test_ids_unique_after_nfc() -> None:
    with pytest.raises(UsageError, match="bị trùng"):
        load(
            'units:\n  - {id: "U\u1ef7 ban", name: A, kind: commune}\n'
            '  - {id: "Uy\u0309 ban", name: B, kind: commune}\n'
        )


def test_parent_cycle_refused() -> None:
    with pytest.raises(UsageError, match="đơn vị cấp trên vòng lại"):
        load(
            "units:\n  - {id: a, name: A, kind: district, parent: b}\n  - {id: b, name: B, kind: district, parent: a}\n"
        )


def test_two_heads_for_one_unit_refused() -> None:
    with pytest.raises(UsageError, match="đã có người đứng đầu"):
        load(
            "units:\n  - {id: u, name: U, kind: commune}\npeople:\n"
            "  - {id: p1, name: A, kind: civil_servant, unit: u, head: true}\n"
            "  - {id: p2, name: B, kind: civil_servant, unit: u, head: true}\n"
        )


def test_subordinate_counts_derived_from_file() -> None:
    f = load(
        "units:\n  - {id: so, name: S, kind: department}\n"
        "  - {id: a, name: A, kind: division, parent: so, facts: {discipline_violation: true}}\n"
        "  - {id: b, name: B, kind: division, parent: so, facts: {discipline_violation: false}}\n"
    )
    assert "subordinate_units_total" not in f.by_id["so"].facts  # the loader only loads
    made, warnings = derive(load_catalogue(), f)
    so = made["so"]
    assert so["subordinate_units_total"].value == 2 and so["subordinate_units_violating"].value == 1
    assert so["subordinate_units_violating"].parts == (("a", True), ("b", False)) and not warnings


def test_all_problems_counted_in_one_line() -> None:
    with pytest.raises(UsageError) as e:
        load("units:\n  - {id: u, name: U, kind: commune, facts: {par_rating: x, staff_total: -1}}\n")
    assert "(và 1 lỗi khác)" in str(e.value)
    with speaking("en"):
        assert "(and 1 more problem)" in str(e.value)


def test_file_contradicting_stated_counts_warns() -> None:
    f = load(
        "units:\n  - {id: so, name: S, kind: department, facts: {subordinate_units_total: 1, subordinate_units_violating: 0}}\n"
        "  - {id: a, name: A, kind: division, parent: so, facts: {discipline_violation: true}}\n"
        "  - {id: b, name: B, kind: division, parent: so, facts: {discipline_violation: false}}\n"
    )
    made, warnings = derive(load_catalogue(), f)
    # the file's units are certain: they refute the stated counts, and are counted instead
    assert made["so"]["subordinate_units_total"].value == 2 and made["so"]["subordinate_units_total"].stated == 1
    assert made["so"]["subordinate_units_violating"].value == 1
    import engine.model.vocabulary  # noqa: F401  (says a problem's words; derive alone does not load it)

    said = {
        "vi": (
            "tệp có 2 đơn vị trực thuộc, nhưng subordinate_units_total ghi 1",
            "tệp có 1 đơn vị trực thuộc ghi discipline_violation = true, nhưng subordinate_units_violating ghi 0",
        ),
        "en": (
            "2 subordinate units in the file, but subordinate_units_total says 1",
            "1 subordinate unit in the file has discipline_violation = true, but subordinate_units_violating says 0",
        ),
    }
    for lang, (total, violating) in said.items():
        with speaking(lang):
            messages = " | ".join(str(w) for w in warnings)
        assert total in messages
        assert violating in messages


def test_counts_with_unknown_units_are_ranges() -> None:
    f = load(
        "units:\n  - {id: so, name: S, kind: department}\n"
        "  - {id: a, name: A, kind: division, parent: so, facts: {discipline_violation: true}}\n"
        "  - {id: b, name: B, kind: division, parent: so}\n"
        "  - {id: c, name: C, kind: division, parent: so, facts: {discipline_violation: false}}\n"
    )
    made, _ = derive(load_catalogue(), f)
    bad = made["so"]["subordinate_units_violating"]
    assert bad.value is UNKNOWN and bad.bounds == (1, 2)  # a is, c is not, b might be
    assert made["so"]["subordinate_units_total"].bounds is None


def test_refuted_count_ranges_over_the_units_not_in_the_file() -> None:
    f = load(
        "units:\n  - {id: so, name: S, kind: department, facts: {subordinate_units_total: 20, subordinate_units_violating: 1}}\n"
        "  - {id: a, name: A, kind: division, parent: so, facts: {discipline_violation: true}}\n"
        "  - {id: b, name: B, kind: division, parent: so, facts: {discipline_violation: true}}\n"
        "  - {id: c, name: C, kind: division, parent: so, facts: {discipline_violation: false}}\n"
    )
    made, warnings = derive(load_catalogue(), f)
    bad = made["so"]["subordinate_units_violating"]
    # at least the 2 the file shows; at most every one of the 20 but c
    assert bad.value is UNKNOWN and bad.bounds == (2, 19) and bad.stated == 1
    assert "subordinate_units_total" not in made["so"]  # 20 stated, 3 in the file: no contradiction
    assert len(warnings) == 1


def test_shortfall_reason_na_below_100pct_warns() -> None:
    f = load(
        "units:\n  - {id: h, name: H, kind: district, facts: {disbursement_pct: 95, disbursement_shortfall_reason: n/a}}\n"
    )
    (w,) = f.warnings
    assert w.severity == "warning" and "giải ngân đạt 95% nhưng lý do chưa đạt ghi 'không áp dụng'" in str(w)
    assert "disbursement is 95% but the shortfall reason is n/a" in w.render("en")
    assert str(w).startswith("f.yaml:2:")


def test_a_warning_does_not_reread_a_json_file_for_its_line() -> None:
    """Positions in JSON are worked out by re-reading the text: fine for an error, not for a warning."""
    from engine.model.source import load_json_text

    doc = load_json_text(
        '{"units": [{"id": "h", "name": "H", "kind": "district",'
        ' "facts": {"disbursement_pct": 95, "disbursement_shortfall_reason": "n/a"}}]}',
        "f.json",
    )
    f = facts_from_document(doc, "x", CAT)
    (w,) = f.warnings
    assert w.line is None and w.message == Msg("problem.facts_shortfall_na", pct=95)
    assert doc.marks == {}  # nothing was re-read


def test_a_return_written_all_in_vietnamese_evaluates_as_the_shipped_example(tmp_path: Path) -> None:
    """Issue 24.3: every rating and completion value by its Vietnamese name, every day dd/mm/yyyy,
    every kind, way of sending, document and yes/no as an officer writes them: the same result as
    the shipped example, but for the input file's own name and hash."""
    import json

    import yaml
    from typer.testing import CliRunner

    from cli import app
    from engine.model.vocabulary import load_labels, words

    example = Path(__file__).resolve().parent.parent / "examples" / "ninh_thuan_2020.yaml"
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    labels, vi = load_labels(), words("vi")

    def day(value: Any) -> Any:
        return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value

    def fact(key: str, value: Any) -> Any:
        fdef = CAT.facts[key]
        if fdef.type in ("rating", "enum"):
            return CAT.scales[fdef.scale or ""].label(value, "vi")
        if fdef.type == "bool" and isinstance(value, bool):
            return vi["values.true" if value else "values.false"]
        if fdef.type == "series" and isinstance(value, dict):
            return {day(d): v for d, v in value.items()}
        return day(value)

    written = 0
    for key in ("as_of", "deadline"):
        if key in data:
            data[key] = day(data[key])
    for cand in data.get("units", []) + data.get("people", []):
        cand["kind"] = vi[f"kind.{cand['kind']}"]
        if "head" in cand:
            cand["head"] = vi["values.true" if cand["head"] else "values.false"]
        for key, value in cand.get("facts", {}).items():
            cand["facts"][key] = fact(key, value)
            written += cand["facts"][key] != value
        sub = cand.get("submission") or {}
        for key in ("sent_on", "received_on"):
            if key in sub:
                sub[key] = day(sub[key])
        if "via" in sub:
            sub["via"] = labels.words.via[sub["via"]][0]
        if sub.get("documents"):
            sub["documents"] = [labels.words.documents[d][0] for d in sub["documents"]]
    assert written > 100  # the file is Vietnamese throughout, not by accident
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert not re.search(r"\b(excellent|good|department|commune|postmark|tdo|proposal|true|false)\b", text)
    assert not re.search(r"\d{4}-\d\d-\d\d", text)
    ours = tmp_path / "ninh_thuan_2020_vi.yaml"
    ours.write_text(text, encoding="utf-8")

    runner = CliRunner()

    def result(path: Path) -> dict[str, Any]:
        done = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(path), "-f", "json"])
        assert done.exit_code == 0, done.output
        out = json.loads(done.stdout.replace(str(path), "FACTS"))
        del out["facts_sha256"]  # the input file's own hash
        return out

    assert result(ours) == result(example)


def test_a_typo_in_a_value_names_the_vietnamese_values_first() -> None:
    """Issue 24.3: 'tot' is answered with the levels as an officer writes them, then the keys."""
    with pytest.raises(UsageError) as e:
        load("units:\n  - {id: u, name: U, kind: 'Sở, ban, ngành', facts: {par_rating: tot}}\n")
    (p,) = e.value.problems
    assert p.message == Msg(
        "problem.facts_not_a_level",
        value="tot",
        label=CAT.facts["par_rating"].label,
    )
    assert str(p).endswith(
        "'tot' không phải là một mức của Xếp loại đánh giá thực hiện nhiệm vụ CCHC — ghi một trong: "
        '"Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu" (hoặc excellent, good, fair, average, weak)'
    )
    assert p.render("en").endswith(
        "'tot' is not a level of PAR task evaluation rating — write one of: "
        '"Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu" (or excellent, good, fair, average, weak)'
    )


def test_a_yaml_return_reads_sending_documents_and_yes_no_as_a_cell_does() -> None:
    """One reader for each: `bưu điện`, `tờ trình`, `có`/`x` in YAML as in a spreadsheet cell."""
    f = load(
        "units:\n  - id: u\n    name: U\n    kind: commune\n"
        "    facts: {par_tasks_done_well: có, propaganda_plan: Không, discipline_violation: x}\n"
        "    submission: {via: Bưu điện, documents: [tờ trình, biên bản họp Hội đồng TĐKT]}\n"
    )
    (u,) = f.candidates
    assert (u.facts["par_tasks_done_well"], u.facts["propaganda_plan"], u.facts["discipline_violation"]) == (
        True,
        False,
        True,
    )
    assert u.submission is not None and u.submission.via == "postmark"
    assert u.submission.documents == ("proposal", "council_minutes")
    with pytest.raises(UsageError) as e:
        load("units:\n  - {id: u, name: U, kind: commune, submission: {via: fax}}\n")
    assert '\'fax\' không phải là một hình thức gửi hồ sơ — ghi một trong: "bưu điện", "hệ thống TDO"' in str(e.value)


def test_every_facts_message_the_readers_name_is_in_the_vocabulary() -> None:
    """Each `Msg("problem.facts_…")` of the facts readers has its words in both languages — the
    keys written out, and those the code builds (`f"problem.facts_{key}_missing"`)."""
    from engine.model.vocabulary import words

    root = Path(__file__).resolve().parent.parent / "engine"
    files = [
        "model/source.py",
        "model/facts.py",
        "model/fact_values.py",
        "readers/__init__.py",
        "readers/tables.py",
        "readers/workbook.py",
        "readers/xlsx_layout.py",
    ]
    code = "".join((root / f).read_text(encoding="utf-8") for f in [*files, "lang/values.py"])
    named = set(re.findall(r'"problem\.(facts_[a-z0-9_]+)"', code))
    assert len(named) > 150
    built = {f"facts_{k}_{what}" for k in ("parent", "unit") for what in ("missing", "missing_files", "is_person")}
    built |= {f"facts_records_{k}_not_text" for k in ("index", "component")}
    built |= {f"facts_not_for_{s}" for s in ("units", "people")} | {
        f"facts_recorded_for_{s}" for s in ("units", "people")
    }
    built |= {f"facts_what_{w}" for w in ("percent", "count", "number", "value")}
    built |= {"facts_hidden_sheet", "facts_very_hidden_sheet"}
    built |= {f"facts_yaml_{f}{h}" for f in ("anchor_twice", "colon", "tab", "no_colon") for h in ("", "_hint")}
    built |= {f"facts_yaml_{f}{h}" for f in ("undefined_alias", "unclosed", "escape") for h in ("", "_hint")}
    for lang in ("vi", "en"):
        entries = words(lang).section("problem")
        assert not (named | built) - set(entries), (lang, sorted((named | built) - set(entries)))
