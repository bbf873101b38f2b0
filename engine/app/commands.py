"""The commands, once, for every edge: `evaluate`, `award`, `explain`, `near`, `report`, `verify`,
the campaign list, and the authoring ones (`validate`, `lint`, `diff`, `test`, `init`, `draft`,
`example`, `template`, `schema`), each `(session, request) → result`; engine.app.renderers turns a result
into bytes or text in the format asked.

    Run ─ run() ─► Evaluation ─ allocation() ─► Allocation
    Evaluate → Evaluated · Award → Awarded · Explain → Explained · Near → Nearby · Report → Reported
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.app import requests as rq
from engine.app.session import Session
from engine.app.sources import Source
from engine.common.errors import UserError
from engine.common.message import Msg

if TYPE_CHECKING:
    from engine.app.authoring_results import Linted as Linted
    from engine.app.authoring_results import Listed as Listed
    from engine.app.authoring_results import Tested as Tested
    from engine.authoring.diff import CampaignDiff
    from engine.authoring.draft import Draft
    from engine.authoring.init import InitResult
    from engine.authoring.lint import LintResult
    from engine.evaluate.allocate import Allocation
    from engine.evaluate.core import CandidateResult, Evaluation
    from engine.model.campaign import Campaign
    from engine.render.profile import DocumentProfile
    from engine.verify import Verification

Stage = Callable[..., None]  # told each stage as it begins (the command line's progress line)


@dataclass(frozen=True)
class Watch:
    """What an edge is told as a command runs: each stage as it begins (`stage(name, **counts)`: the
    command line's progress line) and the evaluation once it is made (its warnings said then,
    before anything else is found wrong)."""

    stage: Stage | None = None
    evaluated: Callable[[Evaluation], None] | None = None


QUIET = Watch()


class NotFound(UserError):
    """What the request names is not there (a candidate id): the web app answers 404."""


@dataclass(frozen=True)
class Evaluated:
    ev: Evaluation


@dataclass(frozen=True)
class Awarded:
    ev: Evaluation
    alloc: Allocation


@dataclass(frozen=True)
class Explained:
    ev: Evaluation
    res: CandidateResult
    alloc: Allocation


@dataclass(frozen=True)
class Nearby:
    ev: Evaluation
    alloc: Allocation
    within: int


@dataclass(frozen=True)
class Reported:
    ev: Evaluation
    alloc: Allocation
    path: Path  # the report's name (its extension names the document)
    profile: DocumentProfile | None
    appendix: bool


def campaign(session: Session, name: str | Source) -> Campaign:
    """The campaign an id, a path or a campaign's bytes names, compiled (`CampaignInvalid` otherwise)."""
    with session.active():
        if isinstance(name, Source):
            from engine.app.sources import load_campaign as load_source

            return load_source(name)
        from engine.model.campaign import load_campaign

        return load_campaign(name)


def run(session: Session, r: rq.Run, watch: Watch = QUIET) -> Evaluation:
    """Load the campaign and the facts, and evaluate: the one way every command gets its result."""
    from engine.pipeline import Uploads
    from engine.pipeline import run as pipeline_run

    with session.active():
        target = campaign(session, r.campaign) if isinstance(r.campaign, Source) else r.campaign
        uploads = [i for i in r.inputs if isinstance(i, Source)]
        facts = Uploads((s.name, s.data) for s in uploads) if uploads else list(r.paths())
        ev = pipeline_run(
            target,
            facts,
            as_of=r.as_of,
            deadline=r.deadline,
            backend=r.backend,
            round_year=r.round,
            input_format=r.input_format,
            stage=watch.stage,
        )
    if watch.evaluated is not None:
        watch.evaluated(ev)
    return ev


def allocation(session: Session, ev: Evaluation, decision_date: dt.date | None, option: str) -> Allocation:
    """The award list; a decision date the law cannot price (given explicitly) is the user's error,
    named as the edge names the option."""
    from engine.evaluate.allocate import allocate

    with session.active():
        alloc = allocate(ev, decision_date)
    if decision_date is not None and alloc.budget_issue is not None:
        raise UserError(alloc.budget_issue.problem(option))
    return alloc


def find(ev: Evaluation, candidate: str, inputs: tuple[rq.Input, ...], see: str) -> CandidateResult:
    """The candidate `candidate` names (Evaluation.find), else `NotFound` with its line."""
    res = ev.find(candidate)
    if res is None:
        paths = [str(i) for i in inputs if isinstance(i, Path)]
        where = "; ".join(paths) if paths else ev.facts.file
        raise NotFound(ev.not_found(candidate, where, Msg(see)))
    return res


def evaluate(session: Session, r: rq.Evaluate, watch: Watch = QUIET) -> Evaluated:
    return Evaluated(run(session, r.run, watch))


def award(session: Session, r: rq.Award, watch: Watch = QUIET) -> Awarded:
    ev = run(session, r.run, watch)
    return Awarded(ev, allocation(session, ev, r.decision_date, r.decision_option))


def explain(session: Session, r: rq.Explain, watch: Watch = QUIET) -> Explained:
    ev = run(session, r.run, watch)
    res = find(ev, r.candidate, r.run.inputs, r.see)
    return Explained(ev, res, allocation(session, ev, None, ""))


def near(session: Session, r: rq.Near, watch: Watch = QUIET) -> Nearby:
    ev = run(session, r.run, watch)
    return Nearby(ev, allocation(session, ev, None, ""), r.within)


def report(session: Session, r: rq.Report, watch: Watch = QUIET) -> Reported:
    """The report's evaluation and award list, with its document profile (a file, with the options
    given over it: engine.render.profile)."""
    from engine.render.profile import resolve_profile

    with session.active():
        profile = resolve_profile(r.profile, dict(r.profile_options))
    ev = run(session, r.run, watch)
    alloc = allocation(session, ev, r.decision_date, r.decision_option)
    return Reported(ev, alloc, r.output.path or Path("report.html"), profile, r.appendix)


def verify(session: Session, r: rq.Verify) -> Verification:
    """Re-create a saved result from its inputs and compare (engine.verify)."""
    from engine.verify import verify as run_verify

    with session.active():
        return run_verify(r.report, r.campaign, list(r.inputs))


def campaigns(session: Session) -> list[Listed]:
    """The campaigns the session's folders and the shipped ones hold, in id order (`thidua list`)."""
    from engine.app.authoring_results import Listed
    from engine.model.campaign import available_campaigns, load_campaign

    out = []
    with session.active():
        for cid in available_campaigns():
            try:
                out.append(Listed(cid, load_campaign(cid).model))
            except UserError as e:
                out.append(Listed(cid, None, len(e.problems)))
    return out


def campaign_ids(session: Session) -> list[str]:
    from engine.model.campaign import available_campaigns

    with session.active():
        return available_campaigns()


def example(session: Session, r: rq.Example) -> str:
    """The example facts file shipped for the campaign `r.campaign`."""
    from engine.pipeline import example_facts

    with session.active():
        return example_facts(r.campaign)


def template(session: Session, r: rq.Template) -> bytes:
    """A blank facts file for the campaign `r.campaign`, in the format `r.output`'s extension names."""
    from engine.authoring.facts_template import write_template

    return write_template(campaign(session, r.campaign), r.output, r.lang)


def schema(session: Session, r: rq.Schema) -> str:
    """The JSON Schema of a campaign or a facts file, as shipped (engine.authoring.jsonschema)."""
    from engine.authoring.jsonschema import schema_text

    with session.active():
        return schema_text(r.kind)


def validate_one(session: Session, name: str) -> LintResult:
    """One campaign of `thidua validate`: its load's findings and lint's, each once, in file order
    (engine.authoring.lint); `CampaignInvalid` when it cannot be read at all."""
    from engine.authoring.lint import lint_campaign

    with session.active():
        return lint_campaign(name)


def lint(session: Session, r: rq.Lint) -> Linted:
    """Each campaign's (or the catalogue's) findings (engine.authoring.lint)."""
    from engine.app.authoring_results import Linted
    from engine.authoring.lint import lint_many

    with session.active():
        return Linted(lint_many(list(r.campaigns), r.source))


def diff(session: Session, r: rq.Diff) -> CampaignDiff:
    """What changed between two campaigns, and in their results over `r.facts` (engine.authoring.diff)."""
    from engine.authoring.diff import compare

    with session.active():
        return compare(r.old, r.new, r.facts, r.as_of, r.lang)


def test(session: Session, r: rq.Test) -> Tested:
    """The regression cases in `r.paths` run (engine.authoring.testrun)."""
    from engine.app.authoring_results import Tested
    from engine.authoring.testrun import run_tests

    with session.active():
        return Tested(run_tests(list(r.paths) or None), r.verbose)


def init(session: Session, r: rq.Init) -> InitResult:
    """A new campaign's file written from another's (engine.authoring.init)."""
    from engine.authoring.init import init_campaign

    with session.active():
        return init_campaign(r.new_id, r.source, r.output)


def draft(session: Session, r: rq.Draft) -> Draft:
    """A first draft of a plan's campaign (engine.authoring.draft): read, normalised, proposed by
    the pattern library; a TODO for what no pattern reads."""
    from engine.authoring.draft import draft_text, read_plan, read_plan_bytes
    from engine.authoring.draft.patterns import load_library

    with session.active():
        if isinstance(r.plan, Source):
            text, name = read_plan_bytes(r.plan.data, r.plan.name), r.plan.name
        else:
            text, name = read_plan(r.plan), r.plan.name
        return draft_text(text, Path(name).name, load_library())


AUTHORING_RESULTS = frozenset({"Linted", "Listed", "Tested"})


def __getattr__(name: str) -> Any:
    """The list, lint and test commands' results (engine.app.authoring_results), made when first asked for."""
    if name in AUTHORING_RESULTS:
        from engine.app import authoring_results

        return getattr(authoring_results, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
