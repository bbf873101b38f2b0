"""The backends must agree: native (compiled Python), durable (durable-rules' Rete engine) and
columnar (Polars columns over distinct inputs).

1. Every regression case of every campaign gives identical JSON on all three (apart from
   `backend`), and every durable and columnar trace — every rule, waiver and ranking key of every
   candidate — equals the reference interpreter's, node by node (values of the same type: a
   rating is its word, a date a date); the same for every example file.
2. Hypothesis generates facts files for every campaign — random values, missing keys, n/a,
   null, the boundary values the rules name (10% of staff, 80% on 30/09, rank 5) — and all
   backends must give the same value, outcome and verdict for every rule of every candidate,
   and the durable and columnar traces must equal the reference's.
3. Hand-written expressions exercise what no campaign uses yet (arithmetic on the left,
   division by a fact that may be zero, negation, dates, enums, constants in `and`/`or`).
4. `thidua explain` prints the same text on every backend (explanations are built from traces).

Campaigns that do not validate yet are skipped with the reason. Example counts are bounded
so the whole module runs in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rounds import last_round

from engine.authoring.cases import Case, load_cases
from engine.common.errors import UserError
from engine.evaluate.backends import BACKENDS
from engine.evaluate.core import Evaluation, evaluate
from engine.lang import Arith, Call, Compare, Const, Logic, Neg, Node, Not, parse_rule
from engine.lang.builtins import BUILTINS
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC
from engine.model.campaign import Campaign, CompiledRule, available_campaigns, load_campaign
from engine.model.catalogue import Catalogue, FactDef, load_catalogue
from engine.model.fact_values import MAX_NUMBER
from engine.model.facts import facts_from_document
from engine.model.source import Document
from engine.render.text import evaluation_dict

if TYPE_CHECKING:
    from engine.evaluate.backends import Traces, Work
    from engine.model.facts import FactsFile

CASES = Path(__file__).parent / "cases"
CAMPAIGNS = available_campaigns()
CHECKED = ("durable", "columnar")  # the backends whose every trace is held to the reference's
EXAMPLES = 25  # per campaign; each example is a whole facts file of several candidates
# the largest numbers a facts file may hold, and the smallest positive floats (issue 13.6)
EXTREMES = (MAX_NUMBER, MAX_NUMBER - 1, float(MAX_NUMBER), -MAX_NUMBER, 1e-300, 5e-324)

_loaded: dict[str, Campaign | str] = {}


def _campaign(cid: str) -> Campaign:
    if cid not in _loaded:
        try:
            _loaded[cid] = load_campaign(cid)
        except UserError as e:
            _loaded[cid] = str(e).split("\n")[0]
    got = _loaded[cid]
    if isinstance(got, str):
        pytest.skip(f"campaign {cid} does not validate yet: {got}")
    return got


# ---------------------------------------------------------------- 1. regression cases


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.yaml")) if CASES.exists() else []


def _cases(path: Path) -> list[Case]:
    try:
        return load_cases(path)
    except UserError as e:
        pytest.skip(f"case file does not load: {e}")


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_regression_cases_identical_json(path: Path) -> None:
    for case in _cases(path):
        campaign = _campaign(case.campaign)
        native, *others = (_case_json(case, campaign, b) for b in BACKENDS)
        for name, other in zip(BACKENDS[1:], others, strict=True):
            assert native == other, f"{case.test_id}: native and {name} disagree"


@pytest.mark.parametrize("backend", CHECKED)
@pytest.mark.parametrize("path", _case_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_regression_cases_traces_equal_the_reference(path: Path, backend: str) -> None:
    for case in _cases(path):
        campaign = _campaign(case.campaign)
        facts = _case_facts(case, campaign)
        as_of = case.as_of or dt.date(2100, 1, 1)
        kw: dict[str, Any] = {"as_of": as_of, "deadline": case.deadline, "round_year": case.round}
        _check_traces(backend, campaign, facts, case.test_id, **kw)


def _case_facts(case: Case, campaign: Campaign) -> FactsFile:
    prefix = ("cases", case.index, "facts")
    marks = {k[len(prefix) :]: v for k, v in case.doc.marks.items() if k[: len(prefix)] == prefix}
    doc = Document(f"{case.file}[{case.name}]", case.spec.facts, marks, case.doc.text)
    return facts_from_document(doc, "case", campaign.catalogue)


def _case_json(case: Case, campaign: Campaign, backend: str) -> str:
    facts = _case_facts(case, campaign)
    ev = evaluate(
        campaign,
        facts,
        as_of=case.as_of or dt.date(2100, 1, 1),
        deadline=case.deadline,
        backend=backend,
        round_year=case.round,
    )
    data = evaluation_dict(ev, "en")
    data.pop("backend", None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def test_example_files_identical_json() -> None:
    examples = Path(__file__).parent.parent / "examples"
    for path in sorted(examples.glob("*.yaml")):
        campaign = _campaign(path.stem) if path.stem in CAMPAIGNS else None
        if campaign is None:
            continue
        from engine.readers import load_facts

        facts = load_facts(path, campaign.catalogue)
        out = []
        for backend in BACKENDS:
            data = evaluation_dict(evaluate(campaign, facts, backend=backend), "vi")
            data.pop("backend", None)
            out.append(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str))
        assert out[0] == out[1] == out[2], path


class _Recording:
    """A backend, keeping every (work, traces) it was given and returned."""

    def __init__(self, name: str) -> None:
        from engine.evaluate.backends import get_backend

        self.name = name
        self.backend = get_backend(name)
        self.runs: list[tuple[Work, Traces]] = []

    def run(self, campaign: Campaign, work: Work) -> Traces:
        traces = self.backend.run(campaign, work)
        self.runs.append((work, traces))
        return traces


def _kinds(tr: Any) -> Any:
    """The type of every value of a trace, numbers as one type (`1.0 == 1` is the same value)."""

    def kind(v: Any) -> str:
        return "number" if isinstance(v, int | float) and not isinstance(v, bool) else type(v).__name__

    return tuple(map(kind, tr.nodes)), None if tr.waiver is None else tuple(map(kind, tr.waiver))


def _check_traces(backend: str, campaign: Campaign, facts: FactsFile, where: str, **kw: Any) -> Counter[str]:
    """Evaluate on `backend`; every trace it returned must equal the reference's."""
    from engine.evaluate.trace import reference

    recording = _Recording(backend)
    with mock.patch("engine.evaluate.backends.get_backend", lambda name: recording):
        evaluate(campaign, facts, backend=backend, **kw)
    # every shipped rule compiles to columns: equal by evaluation, not by falling back to native
    # (an int product past 2^53 is the one value-dependent fallback)
    fallback = getattr(recording.backend, "fallback", {})
    assert all(why == "an int beyond 2^53" for why in fallback.values()), f"{where}: fell back {fallback}"
    seen: Counter[str] = Counter()
    for work, traces in recording.runs:
        for items, row in zip(work, traces, strict=True):
            for (item, env), got in zip(items, row, strict=True):
                want = reference(item, env)
                name = getattr(item, "id", None) or item.spec.by  # type: ignore[attr-defined]
                assert got == want, f"{where}: {name}: {backend} {got} != reference {want}"
                assert _kinds(got) == _kinds(want), f"{where}: {name}: {backend} {got!r} != reference {want!r}"
                seen[item.kind] += 1
                seen["waiver"] += want.waiver is not None
                seen["award_condition"] += bool(getattr(item, "award", ""))
    return seen


@pytest.mark.parametrize("backend", CHECKED)
def test_example_files_traces_equal_the_reference(backend: str) -> None:
    from engine.readers import load_facts

    examples = Path(__file__).parent.parent / "examples"
    total: Counter[str] = Counter()
    for path in sorted(examples.glob("*.yaml")):
        if path.stem not in CAMPAIGNS:
            continue
        campaign = _campaign(path.stem)
        total += _check_traces(backend, campaign, load_facts(path, campaign.catalogue), path.name)
    # every kind of item was compared: criteria, disqualifiers, ranking keys, waivers, award conditions
    assert all(total[k] for k in ("criterion", "disqualifier", "value", "waiver", "award_condition")), total


# ---------------------------------------------------------------- 2. generated facts, every campaign


def _constants(node: Node) -> list[Any]:
    out = [node.value] if isinstance(node, Const) else []
    for child in node.children():
        out += _constants(child)
    return out


def _numbers_near(values: list[Any]) -> list[float | int]:
    out: set[float | int] = {0, 1, 4, 5, 10, 40, 50, 79.9, 80, 99.9, 100, *EXTREMES}
    for v in values:
        if isinstance(v, int | float) and not isinstance(v, bool):
            out.update({v, v - 1, v + 1, v * 10, v * 40})
            if isinstance(v, float):
                out.update({round(v - 0.1, 6), round(v + 0.1, 6)})
    return sorted((n for n in out if abs(n) <= MAX_NUMBER), key=float)


def _value(fdef: FactDef, cat: Catalogue, numbers: list[float | int], dates: list[dt.date]) -> st.SearchStrategy[Any]:
    t = fdef.type
    lo = fdef.min if fdef.min is not None else (0 if t in ("percent", "series") else None)
    hi = fdef.max if fdef.max is not None else (100 if t == "percent" else None)

    def ok(v: float) -> bool:
        return (lo is None or v >= lo) and (hi is None or v <= hi)

    if t == "bool":
        return st.booleans()
    if t in ("rating", "enum"):
        return st.sampled_from(cat.scales[fdef.scale or ""].names)
    if t == "date":
        return st.sampled_from(dates) | st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31))
    near = [n for n in numbers if ok(float(n))] or [lo or 0]
    if t == "int":
        ints = sorted({int(n) for n in near if float(n).is_integer()}) or [0]
        return st.sampled_from(ints) | st.integers(int(lo or 0), int(hi if hi is not None else 10_000))
    num = st.sampled_from(near) | st.floats(lo if lo is not None else -1e6, hi if hi is not None else 1e6).map(
        lambda x: round(x, 2)
    )
    if t == "series":
        na = st.just("n/a")
        entry = st.dictionaries(st.sampled_from(dates), num | na | st.none(), max_size=3)
        return num | entry
    if t == "records":
        score = st.sampled_from([7.5, 8, 8.0, 9]) | st.none() | st.just("n/a")
        rec = st.fixed_dictionaries({"index": st.just("PAR INDEX"), "component": st.just("c"), "score": score}).flatmap(
            lambda r: st.fixed_dictionaries({**{k: st.just(v) for k, v in r.items()}, "prev_score": score})
        )
        return st.lists(rec, max_size=3)
    return num


@st.composite
def _facts_file(draw: st.DrawFn, campaign: Campaign) -> dict[str, Any]:
    cat = campaign.catalogue
    consts = [
        c
        for r in (*campaign.all_rules(), *campaign.all_conditions())
        for n in (r.node, r.waiver)
        if n is not None
        for c in _constants(n)
    ]
    numbers = _numbers_near(consts)
    dates = sorted({c for c in consts if isinstance(c, dt.date)} | {dt.date(2024, 9, 30), dt.date(2024, 12, 31)})
    dates = sorted({d + dt.timedelta(days=k) for d in dates for k in (-1, 0, 1)})
    keys = sorted({k for r in (*campaign.all_rules(), *campaign.all_conditions()) for k in r.facts if k in cat.facts})
    groups = campaign.model.groups
    unit_kinds = sorted({k for g in groups.values() if g.candidates == "unit" for k in g.kinds} | {"hamlet"})
    person_kinds = sorted({k for g in groups.values() if g.candidates == "person" for k in g.kinds} | {"journalist"})

    def facts_for(who: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in keys:
            fdef = cat.facts[key]
            if who not in fdef.for_:
                continue
            choice = draw(st.sampled_from(["value", "value", "value", "missing", "na", "null"]))
            if choice == "value":
                out[key] = draw(_value(fdef, cat, numbers, dates))
            elif choice == "na":
                out[key] = "n/a"
            elif choice == "null":
                out[key] = None
        for part, whole in (
            ("staff_violating_discipline", "staff_total"),
            ("subordinate_units_violating", "subordinate_units_total"),
        ):
            a, b = out.get(part), out.get(whole)
            if isinstance(a, int | float) and isinstance(b, int | float) and a > b:
                out[part], out[whole] = b, a
        return out

    nom = campaign.model.nomination
    near = [nom.deadline.date + dt.timedelta(days=k) for k in (-1, 0, 1)] if nom.deadline.date else dates
    doc_names = ["proposal", "council_minutes", "achievement_report"]

    def submission() -> dict[str, Any] | None:
        if draw(st.booleans()):
            return None
        sent = draw(st.sampled_from(near) | st.none())
        out: dict[str, Any] = {"documents": draw(st.lists(st.sampled_from(doc_names), unique=True))}
        if sent is not None:
            out["sent_on"] = sent.isoformat()
        if draw(st.booleans()):
            out["copies"] = draw(st.integers(0, 3))
        return out

    def with_submission(c: dict[str, Any]) -> dict[str, Any]:
        sub = submission()
        if sub is not None:
            c["submission"] = sub
        return c

    units = []
    for i in range(draw(st.integers(1, 4))):
        unit: dict[str, Any] = {
            "id": f"u{i}",
            "name": f"Unit {i}",
            "kind": draw(st.sampled_from(unit_kinds)),
            "facts": facts_for("units"),
        }
        if i and draw(st.booleans()):
            unit["parent"] = "u0"
        units.append(with_submission(unit))
    people = []
    heads: set[str] = set()
    for i in range(draw(st.integers(0, 3))):
        person: dict[str, Any] = {
            "id": f"p{i}",
            "name": f"Person {i}",
            "kind": draw(st.sampled_from(person_kinds)),
            "facts": facts_for("people"),
        }
        if draw(st.booleans()):
            person["unit"] = draw(st.sampled_from([u["id"] for u in units]))
            if person["unit"] not in heads and draw(st.booleans()):
                person["head"] = True
                heads.add(person["unit"])
        people.append(with_submission(person))
    return {"units": units, "people": people}


def _decisions(ev: Evaluation) -> list[Any]:
    return [
        (
            r.id,
            r.verdict,
            [(x.id, x.outcome, repr(x.value)) for x in r.criteria],
            [(x.id, x.outcome, repr(x.value)) for x in r.disqualifiers],
        )
        for r in ev.results
    ]


@pytest.mark.parametrize("cid", CAMPAIGNS)
@pytest.mark.slow
def test_generated_facts_agree(cid: str) -> None:
    campaign = _campaign(cid)

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(_facts_file(campaign))
    def check(data: dict[str, Any]) -> None:
        facts = facts_from_document(Document("generated.yaml", data), "generated", campaign.catalogue)
        as_of = dt.date(2100, 1, 1)
        r = last_round(campaign)
        native, durable, columnar = (evaluate(campaign, facts, as_of=as_of, backend=b, round_year=r) for b in BACKENDS)
        assert _decisions(native) == _decisions(durable) == _decisions(columnar)
        for backend in CHECKED:
            where = f"generated facts for {cid}"
            _check_traces(backend, campaign, facts, where, as_of=as_of, deadline=dt.date(2024, 9, 30), round_year=r)

    check()


KINDS = ("department", "commune", "district")


@pytest.mark.parametrize("cid", CAMPAIGNS)
@pytest.mark.parametrize("extreme", EXTREMES, ids=repr)
def test_extreme_values_agree(cid: str, extreme: float | int) -> None:
    """Every number a rule reads at once at the edge of what a facts file may hold (issue 13.6):
    no overflow on either backend (0.1 × 10^15 is a float step), the same decisions and traces."""
    campaign = _campaign(cid)
    cat = campaign.catalogue
    keys = sorted({k for r in campaign.all_rules() for k in r.facts if k in cat.facts})

    def facts(who: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in keys:
            fdef = cat.facts[key]
            lo = fdef.min if fdef.min is not None else (0 if fdef.type in ("percent", "series") else None)
            hi = fdef.max if fdef.max is not None else (100 if fdef.type == "percent" else None)
            v = extreme if fdef.type != "int" or float(extreme).is_integer() else 1
            v = int(v) if fdef.type == "int" else v
            if who in fdef.for_ and fdef.type in ("int", "number", "percent", "series"):
                v = max(v, lo) if lo is not None else v
                out[key] = min(v, hi) if hi is not None else v
            elif who in fdef.for_ and fdef.type == "records":
                out[key] = [{"index": "PCI", "component": "c", "score": extreme, "prev_score": -extreme}]
        return out

    data = {
        "units": [{"id": f"u{i}", "name": "U", "kind": k, "facts": facts("units")} for i, k in enumerate(KINDS)],
        "people": [{"id": "p0", "name": "P", "kind": "civil_servant", "unit": "u0", "facts": facts("people")}],
    }
    facts_file = facts_from_document(Document("extreme.yaml", data), "extreme", cat)
    as_of = dt.date(2100, 1, 1)
    r = last_round(campaign)
    native, durable, columnar = (evaluate(campaign, facts_file, as_of=as_of, backend=b, round_year=r) for b in BACKENDS)
    assert _decisions(native) == _decisions(durable) == _decisions(columnar)
    for backend in CHECKED:
        _check_traces(backend, campaign, facts_file, f"extreme {extreme!r} for {cid}", as_of=as_of, round_year=r)


# ---------------------------------------------------------------- 3. the rest of the rule language

EXPRESSIONS = [
    "staff_violating_discipline / staff_total > 0.1",
    "staff_violating_discipline > staff_total / subordinate_units_total",
    "staff_violating_discipline > 0.10 * staff_total",
    "-late_dossiers < -1 or backlog_dossiers * 2 >= late_dossiers + 1",
    "10 <= late_dossiers",
    "(staff_total - staff_violating_discipline) / staff_total >= 0.9",
    "ddci_score - ddci_score_prev >= 0.5 or not (ddci_rank < 3)",
    "ddci_score > ddci_score_prev and (ddci_rank <= 5 or par_index_rank == 5)",
    "latest(disbursement_pct) >= 80 and at(disbursement_pct, '2024-09-30') >= 80",
    "disbursement_pct < 100 and disbursement_shortfall_reason == subjective",
    "disbursement_shortfall_reason != objective",
    "task_completion >= good and par_rating < excellent",
    "emulation_plan_sent_on <= '2024-03-31'",
    "true and par_tasks_done_well",
    "false or not propaganda_plan",
    "par_tasks_done_well == propaganda_plan",
    "all_improved(index_components) or initiatives_registered >= 1",
    "staff_total / 0 > 1 or late_dossiers == 0",
    "not (late_dossiers == 0 and backlog_dossiers == 0)",
    # every registered builtin, by its own example: a new builtin is cross-checked without a word here
    *(b.example for b in BUILTINS.values()),
    # too heavy for one Rete condition (error code 113): the and/or are combined from Rete's items
    "late_dossiers > 1 and backlog_dossiers > 1 and staff_total > staff_violating_discipline"
    " and not (ddci_rank < 3 or par_tasks_done_well or ddci_score >= ddci_score_prev)",
]


def test_expressions_exercise_every_builtin_and_comparison() -> None:
    """What the expressions below cross-check covers the whole registry (engine.lang.builtins,
    engine.lang.operators): a builtin or operator added there and read nowhere here fails."""
    cat = load_catalogue()
    nodes = [n for text in EXPRESSIONS for n in parse_rule(text, cat, scope_units=True).walk()]
    assert {n.name for n in nodes if isinstance(n, Call)} == set(BUILTINS)
    assert {n.op for n in nodes if isinstance(n, Compare)} == set(COMPARISONS)
    assert {n.op for n in nodes if isinstance(n, Arith)} == set(ARITHMETIC)
    assert {n.op for n in nodes if isinstance(n, Logic)} == set(LOGIC)
    assert any(isinstance(n, Not) for n in nodes) and any(isinstance(n, Neg) for n in nodes)


def _expression_campaign(cat: Catalogue) -> Any:
    rules = []
    for i, text in enumerate(EXPRESSIONS):
        node = parse_rule(text, cat, scope_units=True)
        waiver = parse_rule("disbursement_shortfall_reason == objective", cat, scope_units=True) if i % 3 else None
        kind = "criterion" if i % 2 else "disqualifier"
        spec = SimpleNamespace(id=f"e{i}", rule=text)
        rules.append(CompiledRule(spec, kind, node, waiver, node.facts()))  # type: ignore[arg-type]
    return SimpleNamespace(all_rules=lambda: rules, all_keys=lambda: [], items=lambda: rules, catalogue=cat), rules


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.data())
@pytest.mark.slow
def test_expressions_agree(data: st.DataObject) -> None:
    from engine.evaluate.backends.columnar import ColumnarBackend
    from engine.evaluate.backends.durable import DurableBackend
    from engine.evaluate.backends.native import NativeBackend
    from engine.model.fact_values import parse_fact

    cat = load_catalogue()
    campaign, rules = _expression_campaign(cat)
    consts = [c for r in rules for c in _constants(r.node)]
    numbers = _numbers_near(consts)
    dates = [dt.date(2024, 3, 30), dt.date(2024, 3, 31), dt.date(2024, 4, 1), dt.date(2024, 9, 30)]
    keys = sorted({k for r in rules for k in r.facts} | {"disbursement_shortfall_reason"})
    work = []
    for _ in range(data.draw(st.integers(1, 5))):
        env: dict[str, Any] = {}
        for key in keys:
            choice = data.draw(st.sampled_from(["value", "value", "value", "missing", "na"]))
            if choice == "value":
                raw = data.draw(_value(cat.facts[key], cat, numbers, dates))
                v = parse_fact(raw, cat.facts[key], cat)
                if v is not None:
                    env[key] = v
            elif choice == "na":
                env[key] = parse_fact("n/a", cat.facts[key], cat)
        work.append([(r, env) for r in rules])
    columnar_backend = ColumnarBackend()
    native, durable, columnar = (b.run(campaign, work) for b in (NativeBackend(), DurableBackend(), columnar_backend))
    assert all(why == "an int beyond 2^53" for why in columnar_backend.fallback.values()), columnar_backend.fallback

    def shown(traces: Traces) -> list[list[tuple[str, ...]]]:
        return [[tuple(map(repr, v)) for v in row] for row in traces]

    assert shown(native) == shown(durable) == shown(columnar)


def test_heavy_expressions_are_split_and_still_traced_by_rete() -> None:
    """An and/or too heavy for one Rete condition is combined from its items' Rete outcomes."""
    from engine.evaluate.backends import durable, rete
    from engine.evaluate.trace import reference

    cat = load_catalogue()
    campaign, rules = _expression_campaign(cat)
    compiled = durable.compile_campaign(campaign)
    heavy = compiled.index[id(rules[-1])]
    plan = compiled.plans[(heavy, 0)]
    assert plan.combined and plan.slots, "the last expression should be split"
    assert all(rete.weight(d["all"][0]["m"]) <= durable.MAX_WEIGHT for d in compiled.definition.values())
    env = {"late_dossiers": 2, "backlog_dossiers": 3, "staff_total": 10, "staff_violating_discipline": 1}
    for extra in ({}, {"ddci_rank": 5, "par_tasks_done_well": False}, {"ddci_rank": 1}):
        e = {**env, **extra}
        (row,) = durable.DurableBackend().run(campaign, [[(r, e) for r in rules]])  # type: ignore[arg-type]
        assert row == [reference(r, e) for r in rules]


def test_durable_ruleset_is_registered_once_and_reused() -> None:
    from engine.evaluate.backends import durable

    campaign = _campaign("ninh_thuan_2020")
    first = durable.compile_campaign(campaign)
    again = durable.compile_campaign(load_campaign("ninh_thuan_2020"))
    assert first.name == again.name
    for _ in range(3):  # registering the same name twice would raise inside durable-rules
        durable.DurableBackend().run(campaign, [])
    assert first.name in durable._sinks


@pytest.mark.parametrize("command", ["evaluate", "award"])
def test_cli_backend_option_gives_the_same_json(command: str) -> None:
    from typer.testing import CliRunner

    from cli import app

    example = Path(__file__).parent.parent / "examples" / "ninh_thuan_2020.yaml"
    out = []
    for backend in BACKENDS:
        result = CliRunner().invoke(
            app, [command, "ninh_thuan_2020", str(example), "--format", "json", "--backend", backend]
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data.pop("backend", backend) == backend
        out.append(data)
    assert out[0] == out[1] == out[2]


@pytest.mark.parametrize("cid", CAMPAIGNS)
def test_native_traces_equal_the_reference(cid: str) -> None:
    """The native backend's generated Python returns the reference interpreter's trace, node by node."""
    from engine.evaluate.backends.native import item_functions
    from engine.evaluate.trace import reference

    campaign = _campaign(cid)
    fns = item_functions(campaign)
    items = campaign.items()

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(_facts_file(campaign))
    def check(data: dict[str, Any]) -> None:
        facts = facts_from_document(Document("generated.yaml", data), "generated", campaign.catalogue)
        for cand in facts.candidates:
            for item in items:
                got = fns[id(item)](cand.facts)
                want = reference(item, cand.facts)
                assert repr(got) == repr(want), getattr(item.spec, "id", item.spec)

    check()


def _explain_candidates(path: Path, campaign: Campaign, most: int = 5) -> list[str]:
    """Up to `most` candidates of an example, spread over the file, one of each verdict first."""
    from engine.readers import load_facts

    ev = evaluate(campaign, load_facts(path, campaign.catalogue))
    by_verdict: dict[str, str] = {}
    for r in ev.results:
        by_verdict.setdefault(r.verdict, r.id)
    ids = list(by_verdict.values())
    step = max(1, len(ev.results) // most)
    ids += [r.id for r in ev.results[::step] if r.id not in ids]
    return ids[:most]


EXAMPLE_FILES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
@pytest.mark.slow
def test_explain_text_is_identical_on_every_backend(example: Path) -> None:
    """`thidua explain CAMPAIGN FACTS ID --backend durable|columnar` prints byte for byte what native prints."""
    from typer.testing import CliRunner

    from cli import app

    campaign = _campaign(example.stem)
    ids = _explain_candidates(example, campaign)
    assert len(ids) >= min(3, len(_explain_candidates(example, campaign, 100)))
    for cid in ids:
        for lang in ("vi", "en"):
            out = []
            for backend in BACKENDS:
                args = ["explain", example.stem, str(example), cid, "--lang", lang, "--backend", backend]
                result = CliRunner().invoke(app, args)
                assert result.exit_code == 0, result.output
                out.append(result.stdout_bytes)
            assert out[0] == out[1] == out[2], f"{example.name} {cid} ({lang}): explain differs between the backends"


def _fresh_rows(ev: Evaluation, lang: str) -> list[dict[str, Any]]:
    """Every candidate's JSON made on its own: no rule row shared with another candidate."""
    from engine.explain.reasons import Explainer
    from engine.render.text import candidate_dict

    citations: dict[tuple[str, str], int] = {}
    for r in ev.results:
        if r.submission is not None:
            citations.setdefault((r.submission.clause, r.submission.quote), len(citations))
    return [candidate_dict(r, Explainer(ev.campaign, lang), citations) for r in ev.results]


def test_shared_rule_rows_read_as_fresh_ones() -> None:
    """The evaluate JSON shares a rule row between candidates whose results have one signature
    (RuleResult.signature): it must be the row each would have been given on its own — on the
    bench's synthetic province (2,000 candidates, thousands of shared rows) and on every example."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    import synth

    campaign = _campaign("ninh_thuan_2020")
    data = synth.facts_data(2000)
    facts = facts_from_document(Document("synth.json", data), "synth", campaign.catalogue)
    runs = [(evaluate(campaign, facts, as_of=dt.date(2021, 1, 25)), "vi")]
    from engine.readers import load_facts

    for path in EXAMPLE_FILES:
        cid = path.stem
        runs += [(evaluate(_campaign(cid), load_facts(path, _campaign(cid).catalogue)), lang) for lang in ("vi", "en")]
    for ev, lang in runs:
        assert evaluation_dict(ev, lang)["candidates"] == _fresh_rows(ev, lang), ev.campaign.id


@pytest.mark.parametrize("cid", CAMPAIGNS)
@pytest.mark.slow
def test_shared_rule_rows_of_generated_facts(cid: str) -> None:
    campaign = _campaign(cid)

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(_facts_file(campaign))
    def check(data: dict[str, Any]) -> None:
        facts = facts_from_document(Document("generated.yaml", data), "generated", campaign.catalogue)
        ev = evaluate(campaign, facts, as_of=dt.date(2100, 1, 1), round_year=last_round(campaign))
        assert evaluation_dict(ev)["candidates"] == _fresh_rows(ev, "vi")

    check()
