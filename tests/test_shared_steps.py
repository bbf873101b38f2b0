"""Each distinct step is evaluated once (engine.evaluate.plan.work_of, issue 27): candidates whose
rule reads the same values share one trace and one decided outcome. Sharing must change nothing:
here every example and regression case, and the bench's synthetic province, are evaluated with
and without it (a signature of None shares nothing) and every result compared — and the signature
must tell apart values Python calls equal but a trace shows apart (1, 1.0, True; 0.0, -0.0). The
same holds of candidates planned alike sharing one list of steps, and so one set of results."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.authoring.cases import discover, load_cases, run_case
from engine.evaluate import plan as plan_module
from engine.evaluate.core import Evaluation, evaluate
from engine.evaluate.derive import derive
from engine.evaluate.plan import Step, make_plan, signature
from engine.lang import NA, UNKNOWN
from engine.model.campaign import load_campaign
from engine.readers import load_facts, read_facts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _seen(ev: Evaluation) -> list[Any]:
    """Everything an evaluation decided, candidate by candidate: each rule's outcome, trace and the
    facts it read as every output shows them (`reads()`), the verdict and what it waits on."""
    out = []
    for r in ev.results:
        rules = [
            (x.rule.id, x.outcome, x.trace, x.skipped, x.source, x.refused, x.has_unit, x.reads())
            for x in (*r.criteria, *r.disqualifiers, *r.conditions)
        ]
        out.append((r.id, r.verdict, r.decision.missing and [m.facts for m in r.decision.missing], rules, r.keys))
    return out


def _unshared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing shared: no step by its signature, and no candidate's steps list with another's (so
    neither `work_of` nor `judge_all` takes a candidate planned alike as done already)."""
    monkeypatch.setattr(plan_module, "signature", lambda step: None)
    monkeypatch.setattr(plan_module, "_Planning", _Alone)


class _Alone(plan_module._Planning):
    """Planning that makes every candidate's steps anew."""

    def candidate(self, cand: Any) -> Any:
        self.made.clear()
        return super().candidate(cand)


def _synth() -> tuple[Any, Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    campaign = load_campaign("ninh_thuan_2020")
    data = json.dumps(synth.facts_data(3000), ensure_ascii=False).encode()
    facts = read_facts("synth.json", data, campaign.catalogue)  # the people written alike: one facts object
    return campaign, facts


def test_sharing_changes_nothing_on_the_synthetic_province(monkeypatch: pytest.MonkeyPatch) -> None:
    campaign, facts = _synth()
    day = dt.date(2021, 1, 25)
    shared = evaluate(campaign, facts, as_of=day)
    with monkeypatch.context() as m:
        _unshared(m)
        alone = evaluate(campaign, facts, as_of=day)
    assert _seen(shared) == _seen(alone)
    planned = make_plan(campaign, facts, derive(campaign.catalogue, facts)[0], [])
    assert len({id(steps) for _, _, steps in planned}) < len(planned) / 2, "candidates planned alike share steps"
    steps = sum(len(x.criteria) + len(x.disqualifiers) + len(x.conditions) for x in shared.results)
    distinct = len({id(x.trace) for r in shared.results for x in (*r.criteria, *r.disqualifiers)})
    assert distinct < steps / 10, (distinct, steps)  # it does share: a few hundred traces for ~20,000 steps


@pytest.mark.parametrize("part", [1, 7, 1000])
def test_a_population_evaluated_part_by_part_is_evaluated_alike(part: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """core.evaluate plans, evaluates and judges `PART` candidates at a time (a part's plan is
    dropped once judged): the results, down to the JSON written, are those of one part — the same
    slots, the same shared results and decisions, the same warnings in the same order."""
    from engine.evaluate import core
    from engine.render.text import evaluation_dict, to_json

    campaign, facts = _synth()
    day = dt.date(2021, 1, 25)
    whole = evaluate(campaign, facts, as_of=day)
    monkeypatch.setattr(core, "PART", part)
    parts = evaluate(campaign, facts, as_of=day)
    assert _seen(parts) == _seen(whole)
    assert [str(w) for w in parts.warnings] == [str(w) for w in whole.warnings]
    assert to_json(evaluation_dict(parts)) == to_json(evaluation_dict(whole))
    shared = len({id(x) for r in parts.results for x in (*r.criteria, *r.disqualifiers)})
    assert shared == len({id(x) for r in whole.results for x in (*r.criteria, *r.disqualifiers)})


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_sharing_changes_nothing_on_the_examples(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    campaign = load_campaign(path.stem)
    facts = load_facts(path, campaign.catalogue)
    shared = _seen(evaluate(campaign, facts))
    _unshared(monkeypatch)
    assert shared == _seen(evaluate(campaign, facts))


def test_sharing_changes_nothing_on_the_regression_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [case for path in discover([ROOT / "tests" / "cases"]) for case in load_cases(path)]
    assert len(cases) > 100
    shared = [_seen(_evaluation(run_case(case).evaluation)) for case in cases]
    _unshared(monkeypatch)
    assert shared == [_seen(_evaluation(run_case(case).evaluation)) for case in cases]


def _evaluation(ev: Evaluation | None) -> Evaluation:
    assert ev is not None
    return ev


@pytest.mark.parametrize(
    ("a", "b"),
    [(1, 1.0), (1, True), (0, False), (0.0, -0.0), (UNKNOWN, NA), ({"2020-01-01": 1}, {"2020-01-01": 1.0})],
    ids=["int-float", "int-bool", "zero-false", "zero-negative-zero", "unknown-na", "series"],
)
def test_values_python_calls_equal_are_told_apart(a: Any, b: Any) -> None:
    campaign = load_campaign("ninh_thuan_2020")
    rule = campaign.all_rules()[0]
    key = rule.facts[0]
    one, other = Step(rule, {key: a}), Step(rule, {key: b})
    assert signature(one) != signature(other)
    assert signature(one) == signature(Step(rule, {key: a}))
