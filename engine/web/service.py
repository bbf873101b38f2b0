"""The web edge's side of a request: its query and form values parsed into the application's
requests, the answers made by the same functions and renderers the command line uses
(engine.app) — nothing here evaluates, allocates, lists or renders on its own.

Every call here is synchronous (the routes run it in a worker thread) and takes the app's
`Session` (made once, at start-up, from the environment). A campaign is named only by an id from
the known list — a request's text never becomes a path; uploads stay in memory (`Source`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.app import commands, renderers
from engine.app import requests as rq
from engine.app.commands import Awarded, Evaluated, Explained, NotFound, Reported
from engine.app.session import Session
from engine.app.sources import Source
from engine.common import limits
from engine.common.errors import Problem, UsageError, UserError, did_you_mean
from engine.common.message import Msg
from engine.common.text import visible
from engine.evaluate.allocate import Allocation
from engine.evaluate.core import CandidateResult, Evaluation
from engine.model.campaign import Campaign
from engine.pipeline import Upload
from engine.web.forms import WebError

LANGS = ("vi", "en")
REPORT_FORMATS = {"html": "html", "pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "markdown": "md"}
TEMPLATE_FORMATS = ("xlsx", "csv", "yaml")
MEDIA = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
}
DECISION_DATE = "decision_date"  # how the web names the decision date (its problems say it)


def lang_of(value: str | None) -> str:
    return value if value in LANGS else "vi"


def campaign_id(session: Session, name: str) -> str:
    """`name` if it is a known campaign's id, else 404 with the CLI's line (and a 'did you mean')."""
    known = commands.campaign_ids(session)
    if name in known:
        return name
    hint = did_you_mean(name, known) or Msg("problem.web_campaigns_available", names=known)
    raise WebError(404, Problem(visible(name), Msg("problem.web_unknown_campaign"), hint=hint))


def campaign(session: Session, name: str) -> Campaign:
    return commands.campaign(session, campaign_id(session, name))


def campaigns(session: Session) -> list[dict[str, Any]]:
    """The campaigns available, as `thidua list` finds them, as data."""
    return renderers.list_data(commands.campaigns(session))


@dataclass(frozen=True)
class Settings:
    """The CLI's common options, as query parameters or form fields."""

    as_of: dt.date | None = None
    deadline: dt.date | None = None
    round: int | None = None
    decision_date: dt.date | None = None
    lang: str = "vi"


def settings(
    as_of: str | None = None,
    deadline: str | None = None,
    round: str | None = None,
    decision_date: str | None = None,
    lang: str | None = None,
) -> Settings:
    """Parsed as the CLI parses its options (engine.app.requests.day); a date or a year that is not one is a 400."""
    year = None
    if round is not None and round.strip():
        if not round.strip().isdigit() or len(round.strip()) != 4:
            raise UsageError(Problem("round", Msg("problem.web_not_a_year", value=visible(round))))
        year = int(round.strip())
    dates = rq.day(as_of, "as_of"), rq.day(deadline, "deadline"), year, rq.day(decision_date, DECISION_DATE)
    return Settings(*dates, lang_of(lang))


def run_of(session: Session, name: str, files: list[Upload], s: Settings) -> rq.Run:
    """`thidua evaluate CAMPAIGN FILE…`'s run over the uploads, read as one population."""
    cid = campaign_id(session, name)
    if not files:
        raise UsageError(Problem("facts", Msg("problem.eval_no_facts"), hint=Msg("problem.web_no_facts_hint")))
    for fname, data in files:
        if len(data) > limits.MAX_BYTES:
            from engine.model.source import check_size

            try:
                check_size(len(data), fname)
            except UsageError as e:
                raise WebError(413, e.problems) from None
    sources = tuple(Source(fname, data) for fname, data in files)
    return rq.Run(cid, sources, s.as_of, s.deadline, s.round, lang=s.lang)


def evaluate(session: Session, name: str, files: list[Upload], s: Settings) -> Evaluation:
    return commands.run(session, run_of(session, name, files, s))


def evaluation_json(ev: Evaluation, lang: str) -> bytes:
    """Exactly `thidua evaluate … -f json`."""
    return renderers.as_bytes(renderers.render("evaluate", "json", Evaluated(ev), lang))


def allocation(session: Session, ev: Evaluation, s: Settings) -> Allocation:
    """The award list, as the CLI makes it (engine.app.commands.allocation)."""
    return commands.allocation(session, ev, s.decision_date, DECISION_DATE)


def award_json(ev: Evaluation, alloc: Allocation, lang: str) -> bytes:
    """Exactly `thidua award … -f json`."""
    return renderers.as_bytes(renderers.render("award", "json", Awarded(ev, alloc), lang))


def find(ev: Evaluation, candidate: str) -> CandidateResult:
    """The candidate `thidua explain` finds for this id; else 404 with its line."""
    try:
        return commands.find(ev, candidate, (), "problem.eval_see_verdicts")
    except NotFound as e:
        raise WebError(404, e.problems) from None


def explain_json(ev: Evaluation, res: CandidateResult, alloc: Allocation, lang: str) -> bytes:
    """Exactly `thidua explain … -f json`."""
    return renderers.as_bytes(renderers.render("explain", "json", Explained(ev, res, alloc), lang))


def report_format(value: str | None) -> str:
    fmt = value or "html"
    if fmt not in REPORT_FORMATS:
        raise UsageError(
            Problem(
                "format",
                Msg("problem.web_report_format", format=visible(fmt)),
                hint=Msg("problem.web_one_of", options=list(REPORT_FORMATS)),
            )
        )
    return fmt


def report(session: Session, ev: Evaluation, alloc: Allocation, fmt: str, lang: str) -> tuple[bytes, str]:
    """`thidua report … -o report.EXT`: the bytes and the file's extension (made under the app's
    session: a PDF's browser is its environment's)."""
    ext = REPORT_FORMATS[report_format(fmt)]
    reported = Reported(ev, alloc, Path(f"report.{ext}"), None, False)
    with session.active():
        return renderers.as_bytes(renderers.render("report", fmt, reported, lang)), ext


def template(session: Session, name: str, fmt: str, lang: str) -> bytes:
    """`thidua template CAMPAIGN -o FILE.fmt`: a blank facts file."""
    if fmt not in TEMPLATE_FORMATS:
        raise UsageError(
            Problem(
                "format",
                Msg("problem.web_template_format", format=visible(fmt)),
                hint=Msg("problem.web_one_of", options=list(TEMPLATE_FORMATS)),
            )
        )
    return commands.template(session, rq.Template(campaign_id(session, name), Path(f"{name}.{fmt}"), lang))


def example(session: Session, name: str) -> bytes:
    return commands.example(session, rq.Example(campaign_id(session, name))).encode("utf-8")


# -- authors: a campaign file pasted or uploaded, checked in memory ---------------------------------


def _plan_named(note: Any) -> Any:
    """The lint's note with the plan text named by its file name: an answer never says where
    the server keeps its files."""
    if not isinstance(note, Msg):
        return note
    return Msg(note.key, **{k: Path(v).name if k == "plan" else v for k, v in note.params})


@dataclass
class Checked:
    """A campaign file checked as `thidua validate` checks it: every finding, and whether it is usable."""

    file: str
    findings: list[Problem]
    note: str
    rules: int | None = None
    groups: int | None = None
    diff: Any = None  # the CampaignDiff against the base campaign, when one was asked for

    @property
    def ok(self) -> bool:
        return self.rules is not None and not any(p.severity == "error" for p in self.findings)

    def as_dict(self) -> dict[str, Any]:
        from engine.authoring.lint import finding_dict
        from engine.common.message import say

        out: dict[str, Any] = {
            "file": self.file,
            "ok": self.ok,
            "rules": self.rules,
            "groups": self.groups,
            "note": self.note,
            "findings": [
                {**{k: say(v) if isinstance(v, Msg) else v for k, v in finding_dict(p).items()}, "text": str(p)}
                for p in self.findings
            ],
        }
        if self.diff is not None:
            from engine.authoring.diff_render import diff_dict

            out["diff"] = diff_dict(self.diff)
        return out


def check_campaign(
    session: Session,
    data: bytes,
    display: str = "campaign.yaml",
    base: str | None = None,
    facts: Upload | None = None,
    as_of: dt.date | None = None,
    lang: str = "vi",
) -> Checked:
    """`thidua validate FILE` (lint included) on an uploaded campaign, read from its bytes; with
    `base` (a known id), `thidua diff BASE FILE [--facts F]`: what changed and whom it affects."""
    from engine.app.sources import read_campaign
    from engine.authoring.lint import lint_campaign
    from engine.common.message import say
    from engine.model.source import check_size

    check_size(len(data), display)
    base_id = campaign_id(session, base) if base else None
    with session.active():
        read = read_campaign(Source(display, data))
        lint = lint_campaign(read)
        checked = Checked(display, lint.findings, say(_plan_named(lint.plan_note), lang))
        c = lint.campaign
        if c is not None and not lint.errors:
            checked.rules, checked.groups = len(c.all_rules()), len(c.model.groups)
        if base_id is not None and checked.ok:
            from engine.authoring.diff import compare

            try:
                checked.diff = compare(base_id, read, facts, as_of, lang)
            except UserError as e:  # the base that does not load, facts that cannot be read: a 400
                raise UsageError(e.problems) from None
        return checked


def diff_text(checked: Checked) -> str:
    from engine.authoring.diff_render import diff_text as render

    return render(checked.diff) if checked.diff is not None else ""


def draft_plan(session: Session, data: bytes, name: str, lang: str = "vi") -> tuple[str, list[str]]:
    """`thidua draft` on an uploaded or pasted plan (its bytes and its file name): the draft's
    campaign file and its summary lines, in the reader's language."""
    from engine.model.source import check_size

    check_size(len(data), name)
    draft = commands.draft(session, rq.Draft(Source(Path(name).name, data), None, lang))
    text = renderers.render("draft", "yaml", draft, lang)
    summary = renderers.render("draft", "table", draft, lang)
    assert isinstance(text, str) and isinstance(summary, str)
    return text, summary.split("\n")
