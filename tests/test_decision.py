"""The verdict's why, computed once (issue 25, point 2).

`verdict_of` returns a `Decision`: the verdict and what it depends on — the scope, the
nomination file, the exclusions and required criteria against the candidate, the facts missing.
It is kept on the candidate's result, and every output reads it. Here, for every candidate of
every regression case and every example:

- the why names exactly the rules the verdict depends on (the exclusions that apply or may, the
  required criteria that fail or may), and every fact it calls missing is one such rule reads;
- the verdict follows from the why alone: the results with every other rule taken out decide
  the same verdict;
- the why is sufficient: a candidate disqualified or ineligible becomes neither once the rules
  named are met, and an incomplete one stops being incomplete once the rules, the scope and the
  file named are decided in its favour.

And no renderer decides a verdict again: nothing outside engine/evaluate compares an outcome
against the verdict's own rule (fail or triggered together with `required`), calls `verdict_of`,
or reads what the nomination file or the scope leave open behind the decision's back.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.authoring.cases import discover, load_cases, run_case
from engine.evaluate.core import CandidateResult, Evaluation, RuleResult, verdict_of
from engine.pipeline import run

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
EXAMPLES = ["ninh_thuan_2020", "ninh_thuan_2025", "my_thanh_2015", "uong_bi_2024", "syt_2024"]


def _evaluations() -> Iterator[Evaluation]:
    for path in discover([CASES]):
        for case in load_cases(path):
            ev = run_case(case).evaluation
            if ev is not None:
                yield ev
    for name in EXAMPLES:
        example = ROOT / "examples" / f"{name}.yaml"
        if example.exists():
            yield run(name, example)


@pytest.fixture(scope="module")
def results() -> list[CandidateResult]:
    out = [r for ev in _evaluations() for r in ev.results]
    assert len(out) > 100  # the regression cases and the examples were all read
    return out


def _deciding(res: CandidateResult) -> list[RuleResult]:
    """The rules a verdict depends on, written out from CONTRACT.md: an exclusion that applies or
    may, a required criterion that fails or may."""
    return [
        r
        for r in (*res.disqualifiers, *res.criteria)
        if (r.rule.kind == "disqualifier" and r.outcome in ("triggered", "unknown"))
        or (r.rule.kind == "criterion" and r.rule.required and r.outcome in ("fail", "unknown"))
    ]


def test_the_why_names_exactly_the_rules_the_verdict_depends_on(results: list[CandidateResult]) -> None:
    for res in results:
        why = res.decision
        assert [r.id for r in why.against] == [r.id for r in _deciding(res)], res.id
        assert [m.result.id for m in why.missing] == [
            r.id for r in sorted(why.against, key=lambda r: r.rule.kind != "criterion") if r.outcome == "unknown"
        ], res.id
        for m in why.missing:
            assert m.facts and set(m.facts) <= set(m.result.rule.facts), (res.id, m.result.id)
        assert why.submission is res.submission and why.scope is res.scope
        assert [r.id for r in why.waived] == [r.id for r in res.criteria if r.outcome == "waived"]


def test_the_verdict_follows_from_the_why_alone(results: list[CandidateResult]) -> None:
    for res in results:
        named = {id(r) for r in res.decision.against}
        alone = dataclasses.replace(
            res,
            criteria=[r for r in res.criteria if id(r) in named],
            disqualifiers=[r for r in res.disqualifiers if id(r) in named],
        )
        assert verdict_of(alone).verdict == res.verdict, res.id


def _met(r: RuleResult) -> RuleResult:
    return dataclasses.replace(r, outcome="pass" if r.rule.kind == "criterion" else "clear")


def test_the_why_is_sufficient(results: list[CandidateResult]) -> None:
    seen: set[str] = set()
    for res in results:
        why = res.decision
        if res.verdict not in ("disqualified", "ineligible", "incomplete"):
            continue
        seen.add(res.verdict)
        met = dataclasses.replace(
            res,
            criteria=[_met(r) if r in why.against else r for r in res.criteria],
            disqualifiers=[_met(r) if r in why.against else r for r in res.disqualifiers],
        )
        after = verdict_of(met).verdict
        if res.verdict != "incomplete":
            assert after not in ("disqualified", "ineligible"), res.id
        elif not why.scope_open and not why.file_undecided:
            assert after != "incomplete", res.id
    assert seen == {"disqualified", "ineligible", "incomplete"}


# -- no renderer decides a verdict again

READERS = ["render", "explain", "authoring", "web"]
OPEN_BEHIND_ITS_BACK = {"may_exclude", "excludes"}  # what the file leaves open: Decision.file_open/submission


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _attrs(node: ast.AST) -> set[str]:
    return {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}


def _reconstructions(text: str) -> list[str]:
    """Where `text` decides a verdict's why itself, as line: what."""
    found = []
    for node in ast.walk(ast.parse(text)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name) and node.id == "verdict_of":
            found.append(f"{line}: calls verdict_of")
        if isinstance(node, ast.Attribute) and node.attr in OPEN_BEHIND_ITS_BACK:
            found.append(f"{line}: reads .{node.attr}")
        # an outcome tested for failing, triggering or unknown together with `required`: a verdict's own rule
        if isinstance(node, ast.BoolOp | ast.comprehension | ast.If):
            test = node.test if isinstance(node, ast.If) else node
            if {"required", "outcome"} <= _attrs(test) and _strings(test) & {"fail", "triggered", "unknown"}:
                found.append(f"{line}: picks the rules a verdict depends on")
    return found


def test_no_renderer_decides_the_verdict() -> None:
    found = [
        f"{p.relative_to(ROOT)}:{f}"
        for room in READERS
        for p in sorted((ROOT / "engine" / room).rglob("*.py"))
        for f in _reconstructions(p.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "held = [r for r in res.criteria if r.outcome == 'fail' and r.rule.required]",
        "bad = r.outcome in ('fail', 'triggered', 'unknown') and (r.rule.kind != 'criterion' or r.rule.required)",
        "file_open = res.submission is not None and res.submission.may_exclude",
        "v = verdict_of(res)",
    ],
)
def test_the_guard_sees_a_reconstruction(text: str) -> None:
    """The guard above can fail: each reconstruction this issue removed is caught."""
    assert _reconstructions(text)
