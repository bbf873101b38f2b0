"""engine.model.facts: values in their evaluation form, references, derived subordinate counts."""

import datetime as dt

import pytest

from engine.common.errors import UsageError
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
    with pytest.raises(UsageError, match="day is out of range"):
        load("as_of: 32/01/2021\nunits: []\n")


def test_ids_unique_after_nfc() -> None:
    with pytest.raises(UsageError, match="duplicate id"):
        load(
            'units:\n  - {id: "U\u1ef7 ban", name: A, kind: commune}\n'
            '  - {id: "Uy\u0309 ban", name: B, kind: commune}\n'
        )


def test_parent_cycle_refused() -> None:
    with pytest.raises(UsageError, match="parent cycle"):
        load(
            "units:\n  - {id: a, name: A, kind: district, parent: b}\n  - {id: b, name: B, kind: district, parent: a}\n"
        )


def test_two_heads_for_one_unit_refused() -> None:
    with pytest.raises(UsageError, match="already has a head"):
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
    messages = " | ".join(str(w) for w in warnings)
    assert "2 subordinate units in the file, but subordinate_units_total says 1" in messages
    assert (
        "1 subordinate units in the file have discipline_violation = true, but subordinate_units_violating says 0"
        in messages
    )


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
    assert w.severity == "warning" and "disbursement is 95% but the shortfall reason is n/a" in str(w)
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
    assert w.line is None and "shortfall reason is n/a" in str(w)
    assert doc.marks == {}  # nothing was re-read
