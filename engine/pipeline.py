"""The whole pipeline in one place; everything the CLI does is callable from here.

    campaign YAML ─ engine.model.campaign.load_campaign ─► Campaign (IR per rule, checked once)
    facts file(s) ─ engine.readers.load_facts / read_facts ─► FactsFile (paths or bytes; read_uploads:
                    several (name, bytes) as one population, the web app's)
    evaluate      ─ engine.evaluate.core.evaluate ─► Evaluation: per candidate per rule a trace
                    (engine.evaluate.derive computes derived facts; a backend computes traces)
    allocate      ─ engine.evaluate.allocate.allocate ─► Allocation (ranking keys read from traces)
    explain       ─ engine.explain: reasons and "what would have to change", from traces
    render        ─ engine.render: JSON, table, Markdown, CSV, report (HTML, Markdown, XLSX)

Entry points take a path or data (a `Campaign`, bytes with a name) and keep no state of their own
between calls, so a server can call them; the caches below them are keyed by content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.evaluate.core import Evaluation, evaluate
from engine.model.campaign import Campaign, load_campaign
from engine.model.catalogue import Catalogue
from engine.model.facts import FactsFile, combine, far_days
from engine.readers import Listed, input_files, load_facts, load_inputs
from engine.readers import read_facts as read_facts_data

Upload = tuple[str, bytes]  # one file's name (its suffix gives the format) and content


class Uploads(tuple[Upload, ...]):
    """Several uploaded files (name, bytes), read as one population: the web app's returns."""


Inputs = Path | Sequence[str | Path] | Upload | Uploads  # a file; files, folders and -; or uploads


def _is_upload(source: Inputs) -> bool:
    """(name, bytes): one file's content, not a list of paths; or several of them."""
    return isinstance(source, Uploads) or (
        isinstance(source, tuple) and len(source) == 2 and isinstance(source[1], bytes)
    )


def read_uploads(files: Sequence[Upload], catalogue: Catalogue | None = None) -> FactsFile:
    """Uploaded facts files as one population, as `load_inputs` reads files: one file as itself,
    several combined (one id once, one set of settings; every problem of every file listed)."""
    if not files:
        raise UsageError(Problem("facts", Msg("problem.eval_no_facts"), hint=Msg("problem.eval_no_facts_hint")))
    alone = len(files) == 1
    read = [read_facts_data(name, data, catalogue, alone=alone) for name, data in files]
    return read[0] if alone else combine(read)


def read_facts(source: Inputs, campaign: Campaign, input_format: str | None = None) -> FactsFile:
    """Load the facts — a path; several paths, folders or `-` (one population); or (name, bytes) —
    and check they belong to `campaign`."""
    if isinstance(source, Path):
        facts = load_facts(source, campaign.catalogue)
    elif isinstance(source, Uploads):
        facts = read_uploads(source, campaign.catalogue)
    elif _is_upload(source):
        facts = read_facts_data(str(source[0]), source[1], campaign.catalogue)  # type: ignore[arg-type]
    else:
        listed = source if isinstance(source, Listed) else [str(s) for s in source]  # Listed: its warnings kept
        facts = load_inputs(listed, campaign.catalogue, input_format=input_format)
    if facts.campaign is not None and facts.campaign != campaign.id:
        raise UsageError(
            Problem(
                facts.file,
                Msg("problem.eval_other_campaign", theirs=facts.campaign, ours=campaign.id),
                hint=Msg("problem.eval_other_campaign_hint"),
            )
        )
    facts.warnings += far_days(facts, *plan_years(campaign))
    return facts


def plan_years(campaign: Campaign) -> tuple[int, int]:
    """The plan's own year and its period's last year: the days of its facts lie near them."""
    model = campaign.model
    plan = model.document.date
    year = plan.year if isinstance(plan, dt.date) else int(plan[:4])
    return year, model.period.end.year


def run(
    campaign_name: str | Path | Campaign,
    facts_path: Inputs,
    *,
    as_of: dt.date | None = None,
    deadline: dt.date | None = None,
    backend: str = "native",
    round_year: int | None = None,
    input_format: str | None = None,
    stage: Callable[..., None] | None = None,
) -> Evaluation:
    """Load the campaign and the facts, and evaluate; `stage(name, **counts)` is told each stage
    as it begins (load, evaluate) — the CLI's progress line (engine.render.progress)."""
    from engine.common.speed import gc_paused

    campaign = campaign_name if isinstance(campaign_name, Campaign) else load_campaign(campaign_name)
    if not isinstance(facts_path, Path) and not _is_upload(facts_path):
        facts_path = input_files(cast(Sequence[str | Path], facts_path))  # folders once, here: a count of files
    if stage is not None:
        one = isinstance(facts_path, Path) or (_is_upload(facts_path) and not isinstance(facts_path, Uploads))
        stage("load", files=1 if one else len(cast(Sequence[object], facts_path)))
    with gc_paused():  # bulk, acyclic allocations: see engine.common.speed
        facts = read_facts(facts_path, campaign, input_format)
    if stage is not None:
        stage("evaluate", n=len(facts.candidates))
    # evaluate pauses the collector around its own bulk work; a backend that makes cycles runs with it on
    return evaluate(campaign, facts, as_of=as_of, deadline=deadline, backend=backend, round_year=round_year)


def example_facts(campaign: str) -> str:
    """The example facts file shipped for `campaign` (examples/<id>.yaml), as text."""
    from engine.common.errors import did_you_mean
    from engine.common.paths import shipped

    folder = shipped("examples")
    known = sorted(p.stem for p in folder.glob("*.yaml"))
    if campaign not in known:
        hint = did_you_mean(campaign, known) or Msg("problem.eval_examples", names=known)
        raise UsageError(Problem(campaign, Msg("problem.eval_no_example"), hint=hint))
    return (folder / f"{campaign}.yaml").read_text(encoding="utf-8")
