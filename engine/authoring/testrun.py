"""`thidua test`: run the regression cases outside pytest, for policy authors and CI.

The same files and the same runner as the pytest suite (`engine.authoring.cases`): each case is named
`<campaign>/<topic>/<case>`, prints PASS or FAIL, and a failure shows, per candidate, the
expected and actual verdict and every rule whose outcome differs (with its clause and label).
A summary line ends the run; `junit_xml` gives the same result as JUnit XML for CI systems.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from engine.authoring.cases import Case, CaseResult, Expect, discover, load_cases, run_case
from engine.common.errors import Problem, UsageError, UserError
from engine.common.message import Msg, current, say
from engine.evaluate.core import CandidateResult
from engine.model.campaign import Campaign
from engine.model.catalogue import campaigns_dir


def default_paths() -> list[Path]:
    """The project's own cases: `tests/cases/`."""
    return [campaigns_dir().parent / "tests" / "cases"]


@dataclass
class CaseReport:
    """One case's outcome: passed, failed (with details) or error (it could not run)."""

    name: str
    file: Path
    description: str = ""
    status: str = "pass"  # pass | fail | error
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class TestRun:
    reports: list[CaseReport]
    seconds: float

    def count(self, status: str) -> int:
        return sum(1 for r in self.reports if r.status == status)

    @property
    def ok(self) -> bool:
        return all(r.status == "pass" for r in self.reports)


def run_tests(paths: list[Path] | None = None) -> TestRun:
    """Run every case in `paths` (files or folders; default `tests/cases/`)."""
    started = time.perf_counter()
    for given in paths or default_paths():
        if not given.exists():
            raise UsageError(Problem(str(given), Msg("problem.test_no_such_path"), hint=Msg("problem.test_give_cases")))
        if not discover([given]):  # a CI job pointed at the wrong folder must not pass with nothing run
            raise UsageError(
                Problem(str(given), Msg("problem.test_no_case_files"), hint=Msg("problem.test_give_cases"))
            )
    files = discover(paths or default_paths())
    reports: list[CaseReport] = []
    campaigns: dict[str, Campaign] = {}  # loaded once per run, by name
    for f in files:
        try:
            cases = load_cases(f)
        except UserError as e:
            reports.append(CaseReport(f"{f}", f, status="error", details=[str(p) for p in e.problems]))
            continue
        for case in cases:
            reports.append(_run_one(case, campaigns))
    return TestRun(reports, time.perf_counter() - started)


def _run_one(case: Case, campaigns: dict[str, Campaign]) -> CaseReport:
    report = CaseReport(case.test_id, case.file, case.spec.description)
    t0 = time.perf_counter()
    try:
        result = run_case(case, campaigns)
    except UserError as e:
        report.status = "error"
        report.details = [str(p) for p in e.problems]
    else:
        if not result.ok:
            report.status = "fail"
            report.details = failure_details(case, result)
    report.seconds = time.perf_counter() - t0
    return report


def failure_details(case: Case, result: CaseResult) -> list[str]:
    """Per candidate: expected and actual verdict, then each rule whose outcome differs."""
    ev = result.evaluation
    lines: list[str] = []
    covered: set[str] = set()
    for cid, exp in case.spec.expect.items():
        res = ev.get(str(cid)) if ev else None
        if res is None:
            continue
        diffs = _rule_diffs(exp, res)
        verdict_differs = exp.verdict is not None and exp.verdict != res.verdict
        if not diffs and not verdict_differs and (exp.submission is None or _sub(res) == exp.submission):
            continue
        covered.add(f"{cid}: ")
        if exp.verdict is None:
            verdict = say(Msg("problem.test_verdict_unspecified", verdict=res.verdict))
        elif verdict_differs:
            verdict = "verdict: " + say(Msg("problem.test_expected", expected=exp.verdict, got=res.verdict))
        else:
            verdict = say(Msg("problem.test_verdict_as_expected", verdict=res.verdict))
        lines.append(f"{cid} ({res.candidate.name}): {verdict}")
        lines += [f"  {d}" for d in diffs]
        if exp.submission is not None and _sub(res) != exp.submission:
            got = _sub(res) or "—"
            lines.append("  submission: " + say(Msg("problem.test_expected", expected=exp.submission, got=got)))
        if verdict_differs and not diffs:
            why = [f"{r.id} [{r.rule.spec.clause}] {r.outcome}" for r in res.decision.against]
            if why:
                lines.append("  " + say(Msg("problem.test_decided_by", rules="; ".join(why))))
    lines += [f for f in result.failures if not any(f.startswith(c) for c in covered)]
    return lines


def _sub(res: CandidateResult) -> str | None:
    return res.submission.outcome if res.submission is not None else None


def _rule_diffs(exp: Expect, res: CandidateResult) -> list[str]:
    out = []
    for section, expected in (
        ("criteria", exp.criteria),
        ("disqualifiers", exp.disqualifiers),
        ("conditions", exp.conditions),
    ):
        got = {r.id: r for r in getattr(res, section)}
        for rid, outcome in expected.items():
            rr = got.get(rid)
            if rr is None:
                out.append(f"{rid}: " + say(Msg("problem.test_expected_not_evaluated", expected=outcome)))
            elif rr.outcome != outcome:
                spec = rr.rule.spec
                said = say(Msg("problem.test_expected", expected=outcome, got=rr.outcome))
                out.append(f"{rid} [{spec.clause}] {spec.label.get(current())}: {said}")
    return out


def text_report(run: TestRun, verbose: bool = False) -> str:
    """PASS/FAIL per case (passes only with `verbose`), failure details, and the summary line."""
    lines = []
    previous: list[str] = []
    for r in run.reports:
        if r.status == "pass":
            if verbose:
                lines.append(f"{say(Msg('problem.test_pass'))}  {r.name}")
            continue
        head = f"{say(Msg(f'problem.test_{r.status}'))}  {r.name}"
        if r.status == "error" and r.details == previous:
            lines.append(head + " " + say(Msg("problem.test_same_error")))
            continue
        lines.append(head + (f" — {r.description}" if r.description else ""))
        lines += [f"      {d}" for d in r.details]
        previous = r.details if r.status == "error" else []
    lines.append(summary(run))
    return "\n".join(lines) + "\n"


def summary(run: TestRun) -> str:
    """`3 passed, 1 failed in 0.12s`, in the reader's language."""
    parts = [Msg("problem.test_passed", n=run.count("pass"))]
    if run.count("fail"):
        parts.append(Msg("problem.test_failed", n=run.count("fail")))
    if run.count("error"):
        parts.append(Msg("problem.test_errors", n=run.count("error")))
    return say(Msg("problem.test_summary", parts=parts, seconds=round(run.seconds, 2)))


def junit_xml(run: TestRun) -> str:
    """JUnit XML: one testsuite per case file, one testcase per case."""
    root = ET.Element(
        "testsuites",
        name="thidua",
        tests=str(len(run.reports)),
        failures=str(run.count("fail")),
        errors=str(run.count("error")),
        time=f"{run.seconds:.3f}",
    )
    suites: dict[Path, ET.Element] = {}
    for r in run.reports:
        suite = suites.get(r.file)
        if suite is None:
            name = r.name.rsplit("/", 1)[0] if r.name.count("/") >= 2 else str(r.file)
            suite = suites[r.file] = ET.SubElement(root, "testsuite", name=name, file=str(r.file))
        classname = r.name.rsplit("/", 1)[0].replace("/", ".") if "/" in r.name else "thidua"
        case = ET.SubElement(
            suite, "testcase", classname=classname, name=r.name.rsplit("/", 1)[-1], time=f"{r.seconds:.3f}"
        )
        if r.status != "pass":
            tag = "failure" if r.status == "fail" else "error"
            el = ET.SubElement(case, tag, message=r.details[0] if r.details else r.status)
            el.text = "\n".join(r.details)
    for suite in suites.values():
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(len(suite.findall("testcase/failure"))))
        suite.set("errors", str(len(suite.findall("testcase/error"))))
        suite.set("time", f"{sum(float(c.get('time', '0')) for c in cases):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
