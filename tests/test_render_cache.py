"""What a renderer remembers within one call (engine.render.text.Memo) changes no byte it writes.

The evaluate JSON encodes a rule row once per distinct result (`render_key`) and splices the text
into every candidate that shares it (`JsonLines`); the table, CSV, Markdown, award lists and near
misses phrase a rule result once (`Remembering`); the CSV writes a row's tail once per distinct
tail. Each output is compared, in both languages, on every example, every regression case and a
synthetic province, with the same output made remembering nothing (`ROWS_KEPT = 0`) and
remembering almost nothing (`ROWS_KEPT = 2`: forgetting as it goes) — and the JSON also with every
candidate made on its own (`candidate_dict` with a plain `Explainer`), the way it was written
before rows were shared.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.authoring.cases import load_cases
from engine.evaluate.allocate import allocate
from engine.evaluate.core import Evaluation, evaluate
from engine.explain.reasons import Explainer
from engine.model.campaign import Campaign, load_campaign
from engine.model.facts import facts_from_document
from engine.model.source import Document
from engine.readers import load_facts
from engine.render import award, near, text
from engine.render.output import FORMULA_START, CsvLine, csv_rows

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CASES = sorted((ROOT / "tests" / "cases").glob("*/*.yaml"))
LANGS = ("vi", "en")

_campaigns: dict[str, Campaign] = {}


def _campaign(cid: str) -> Campaign:
    if cid not in _campaigns:
        _campaigns[cid] = load_campaign(cid)
    return _campaigns[cid]


def _fresh_json(ev: Evaluation, lang: str) -> str:
    """The evaluate JSON with every candidate made on its own: nothing shared, nothing remembered."""
    data = text.evaluation_dict(ev, lang)
    citations = {(c["clause"], c["quote"]): i for i, c in enumerate(data["citations"])}
    data["candidates"] = [candidate_fresh(r, ev, lang, citations) for r in ev.results]
    return text.to_json(data)


def candidate_fresh(r: Any, ev: Evaluation, lang: str, citations: dict[tuple[str, str], int]) -> dict[str, Any]:
    return text.candidate_dict(r, Explainer(ev.campaign, lang), citations)


OUTPUTS: dict[str, Callable[[Evaluation, str], str]] = {
    "json": lambda ev, lang: "".join(text.json_chunks(text.evaluation_dict(ev, lang, lazy=True))),
    "json-data": lambda ev, lang: text.to_json(text.evaluation_dict(ev, lang)),
    "csv": text.csv_text,
    "table": lambda ev, lang: text.table(ev, lang),
    "table-80": lambda ev, lang: "\n".join(f"{s}\t{t}" for t, s in text.table_lines(ev, lang, 80)),
    "markdown": text.markdown,
    "near": lambda ev, lang: _near(allocate(ev), lang),
    "award": lambda ev, lang: _award(allocate(ev), lang),
    "explain": lambda ev, lang: _explain(ev, allocate(ev), lang),
}


def _near(alloc: Any, lang: str) -> str:
    return near.near_text(alloc, lang, 2) + text.to_json(near.near_dict(alloc, lang, 2))


def _award(alloc: Any, lang: str) -> str:
    return award.award_table(alloc, lang) + text.to_json(award.allocation_dict(alloc, lang))


def _explain(ev: Evaluation, alloc: Any, lang: str) -> str:
    """A few candidates' explanations: each is one candidate's, made on its own."""
    shown = ev.results[:: max(1, len(ev.results) // 12)]
    return "".join(text.explain_text(ev, r, lang, alloc) + text.to_json(text.explain_dict(ev, r, lang)) for r in shown)


def _outputs(ev: Evaluation, kept: int | None) -> dict[tuple[str, str], str]:
    with mock.patch.object(text, "ROWS_KEPT", text.ROWS_KEPT if kept is None else kept):
        return {(name, lang): make(ev, lang) for name, make in OUTPUTS.items() for lang in LANGS}


def _check(ev: Evaluation, what: str) -> None:
    remembered = _outputs(ev, None)
    for kept in (0, 2):
        for key, got in _outputs(ev, kept).items():
            assert remembered[key] == got, f"{what}: {key} differs when {kept} things are remembered"
    for lang in LANGS:
        assert remembered[("json", lang)] == _fresh_json(ev, lang), f"{what}: JSON ({lang}) differs from fresh rows"
        assert remembered[("json-data", lang)] == remembered[("json", lang)], f"{what}: lazy and whole JSON differ"


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_read_alike_remembered_or_not(example: Path) -> None:
    campaign = _campaign(example.stem)
    _check(evaluate(campaign, load_facts(example, campaign.catalogue)), example.stem)


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_regression_cases_read_alike_remembered_or_not(path: Path) -> None:
    for case in load_cases(path):
        campaign = _campaign(case.campaign)
        prefix = ("cases", case.index, "facts")
        marks = {k[len(prefix) :]: v for k, v in case.doc.marks.items() if k[: len(prefix)] == prefix}
        doc = Document(f"{case.file}[{case.name}]", case.spec.facts, marks, case.doc.text)
        facts = facts_from_document(doc, "case", campaign.catalogue)
        as_of = case.as_of or dt.date(2100, 1, 1)
        ev = evaluate(campaign, facts, as_of=as_of, deadline=case.deadline, round_year=case.round)
        _check(ev, case.test_id)


def test_a_synthetic_province_reads_alike_remembered_or_not() -> None:
    """1,500 candidates of the bench's synthetic Ninh Thuận file: thousands of rule rows shared,
    lists of index components among the values (no hash: `frozen`), derived counts (never shared)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    campaign = _campaign("ninh_thuan_2020")
    facts = facts_from_document(Document("synth.json", synth.facts_data(1500)), "synth", campaign.catalogue)
    ev = evaluate(campaign, facts, as_of=dt.date(2021, 1, 25))
    _check(ev, "synth")
    keys = [text.render_key(rr) for r in ev.results for rr in (*r.criteria, *r.disqualifiers)]
    shared = [k for k in keys if k is not None]
    assert len(set(shared)) < len(shared) / 10, "most rule rows are shared"
    listed = [
        text.render_key(rr)
        for r in ev.results
        for rr in (*r.criteria, *r.disqualifiers)
        if any(isinstance(x.value, list) for x in rr.reads()) and not rr.derived
    ]
    assert listed and all(k is not None for k in listed), "a list of records among the values still makes a key"


def test_what_is_remembered_is_bounded_and_dropped_with_the_call() -> None:
    memo: text.Memo[int] = text.Memo(3)
    made = [memo.make(i % 5, lambda i=i: i) for i in range(20)]
    assert len(memo) == 3 and made[:5] == [0, 1, 2, 3, 4]
    assert memo.make(None, lambda: 7) == 7 and memo.make(([1],), lambda: 8) == 8 and len(memo) == 3
    assert list(text.Memo().values()) == [] and text.Memo().size == text.ROWS_KEPT
    example = ROOT / "examples" / "ninh_thuan_2020.yaml"
    campaign = _campaign("ninh_thuan_2020")
    ev = evaluate(campaign, load_facts(example, campaign.catalogue))
    alive: list[weakref.ref[Any]] = []
    init = text.Memo.__init__

    def kept(self: Any, size: int | None = None) -> None:
        init(self, size)
        alive.append(weakref.ref(self))

    with mock.patch.object(text.Memo, "__init__", kept):
        for make in OUTPUTS.values():
            make(ev, "vi")
    assert alive, "the renderers remember through Memo"
    gc.collect()
    assert not [r for r in alive if r() is not None], "a call's memory outlives it"


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.lists(st.one_of(st.text(), st.sampled_from(["", ",", '"', "\r", "\n", "=1", "a b", "x\r\ny"])), max_size=6))
def test_a_csv_line_is_what_pythons_writer_writes(row: list[str]) -> None:
    one = io.StringIO()
    csv.writer(one, lineterminator="\r\n").writerow([("'" + x if x.startswith(FORMULA_START) else x) for x in row])
    assert CsvLine()(row) == one.getvalue()[:-2]
    assert csv_rows([row, row]) == 2 * (one.getvalue()[:-2] + "\n")


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(
    st.text(st.sampled_from("ab ,.—Đơnvị\t\r\n\x07\x1b\u200b\u0301漢字😀-")),
    st.sampled_from([1, 8, 20, 140]),
)
def test_a_line_printed_straight_is_what_rich_prints(line: str, width: int) -> None:
    """`print_line` writes a line that fits as it is, without rich: the same text as rich's print."""
    from engine.render.output import print_line, terminal

    fast, slow = io.StringIO(), io.StringIO()
    print_line(terminal(fast, width), line)
    terminal(slow, width).print(line)
    assert fast.getvalue() == slow.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_a_text_shown_once_is_shown_as_visible_shows_it(written: str) -> None:
    """`shown_once` takes a printable text as it is and searches the rest: either way, `visible`'s text."""
    from engine.common.text import Shown, shown_once, visible

    once = shown_once(written)
    assert once == visible(written) and isinstance(once, Shown)
    assert visible(once) is once  # shown text is not searched again


# what the reader lets through into a name or a position (a control character there is refused):
# bidirectional marks, zero-width ones, the BOM, and what prints but is not `isprintable` (tab, NBSP, U+2028)
HOSTILE = ["\u202e", "\u200b", "\ufeff", "\u2066", "\t", "\xa0", "\u2028"]


@pytest.mark.parametrize("char", HOSTILE, ids=[f"U+{ord(c):04X}" for c in HOSTILE])
def test_the_json_written_shows_every_unseen_character_of_the_candidates(char: str) -> None:
    """The JSON result's candidate lines are shown piece by piece (rule rows once, a candidate's
    own words per candidate) and not searched again on the way out: the bytes written are still
    `visible` of the whole text, with a control, a bidirectional override or a zero-width space in
    a name and a position read from the facts."""
    from engine.app.renderers import as_bytes
    from engine.common.text import visible

    campaign = _campaign("ninh_thuan_2020")
    doc = {
        "campaign": "ninh_thuan_2020",
        "units": [{"id": "u1", "name": f"Sở{char} A", "kind": "department", "facts": {"task_completion": "excellent"}}],
        "people": [
            {
                "id": "p1",
                "name": f"Nguyễn{char}An",
                "kind": "civil_servant",
                "unit": "u1",
                "position": f"Chuyên{char}viên",
            }
        ],
    }
    facts = facts_from_document(Document("f.json", doc), "f", campaign.catalogue)
    assert any(char in (c.position or "") for c in facts.candidates), "kept: else the test would say nothing"
    ev = evaluate(campaign, facts, as_of=dt.date(2021, 1, 25))
    for lang in LANGS:
        pieces = list(text.json_chunks(text.evaluation_dict(ev, lang, lazy=True)))
        plain = "".join(str(p) + "" for p in pieces)
        assert as_bytes(iter(pieces)) == visible(plain).encode("utf-8")
