"""What the routes ask of the engine: the same functions the CLI's commands call, over uploads.

Every call here is synchronous (the routes run it in a worker thread). A campaign is named only by
an id from the known list — a request's text never becomes a path; an uploaded campaign file is
written, under a fixed name, into a temporary folder removed when the call ends.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engine.common import limits
from engine.common.errors import Problem, UsageError, UserError, did_you_mean
from engine.common.message import Msg, say
from engine.common.text import visible
from engine.evaluate.allocate import Allocation, allocate
from engine.evaluate.core import CandidateResult, Evaluation
from engine.model.campaign import Campaign, available_campaigns, load_campaign
from engine.pipeline import Upload, Uploads, run
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


def lang_of(value: str | None) -> str:
    return value if value in LANGS else "vi"


def campaign_id(name: str) -> str:
    """`name` if it is a known campaign's id, else 404 with the CLI's line (and a 'did you mean')."""
    known = available_campaigns()
    if name in known:
        return name
    hint = did_you_mean(name, known) or Msg("problem.web_campaigns_available", names=known)
    raise WebError(404, Problem(visible(name), Msg("problem.web_unknown_campaign"), hint=hint))


def campaign(name: str) -> Campaign:
    return load_campaign(campaign_id(name))


def campaigns() -> list[dict[str, Any]]:
    """The campaigns available, as `thidua list` shows them: id, document kind and number, issuer, year."""
    out: list[dict[str, Any]] = []
    for cid in available_campaigns():
        try:
            m = load_campaign(cid).model
        except UserError as e:
            out.append({"id": cid, "valid": False, "problems": len(e.problems)})
            continue
        d = m.document
        out.append(
            {
                "id": cid,
                "valid": True,
                "kind": d.kind,
                "number": d.number or None,
                "issuer": d.issuer,
                "date": str(d.date),
                "year": str(d.date)[:4],
                "level": d.level,
                "title": {"vi": m.title.get("vi"), "en": m.title.get("en")},
            }
        )
    return out


@dataclass(frozen=True)
class Settings:
    """The CLI's common options, as query parameters or form fields."""

    as_of: dt.date | None = None
    deadline: dt.date | None = None
    round: int | None = None
    decision_date: dt.date | None = None
    lang: str = "vi"


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None or not value.strip():
        return None
    from engine.lang.values import parse_day

    try:
        return parse_day(value.strip())
    except ValueError:
        raise UsageError(Problem(name, Msg("problem.render_not_a_date", value=visible(value)))) from None


def settings(
    as_of: str | None = None,
    deadline: str | None = None,
    round: str | None = None,
    decision_date: str | None = None,
    lang: str | None = None,
) -> Settings:
    """Parsed as the CLI parses its options; a date or a year that is not one is a 400."""
    year = None
    if round is not None and round.strip():
        if not round.strip().isdigit() or len(round.strip()) != 4:
            raise UsageError(Problem("round", Msg("problem.web_not_a_year", value=visible(round))))
        year = int(round.strip())
    return Settings(
        _date(as_of, "as_of"), _date(deadline, "deadline"), year, _date(decision_date, "decision_date"), lang_of(lang)
    )


def evaluate(name: str, files: list[Upload], s: Settings) -> Evaluation:
    """`thidua evaluate CAMPAIGN FILE…`: the uploads read as one population (engine.pipeline)."""
    cid = campaign_id(name)
    if not files:
        raise UsageError(Problem("facts", Msg("problem.eval_no_facts"), hint=Msg("problem.web_no_facts_hint")))
    for fname, data in files:
        if len(data) > limits.MAX_BYTES:
            from engine.model.source import check_size

            try:
                check_size(len(data), fname)
            except UsageError as e:
                raise WebError(413, e.problems) from None
    return run(load_campaign(cid), Uploads(files), as_of=s.as_of, deadline=s.deadline, round_year=s.round)


def chunks_text(pieces: Iterator[str]) -> bytes:
    """What `_emit` writes for a result made in pieces: control characters shown as escapes."""
    return "".join(visible(p) for p in pieces).encode("utf-8")


def evaluation_json(ev: Evaluation, lang: str) -> bytes:
    """Exactly `thidua evaluate … -f json`."""
    from engine.render import text as render

    return chunks_text(render.json_chunks(render.evaluation_dict(ev, lang, lazy=True)))


def evaluation_data(ev: Evaluation, lang: str) -> dict[str, Any]:
    """The same result as data, for the pages."""
    from engine.render.text import evaluation_dict

    return evaluation_dict(ev, lang)


def allocation(ev: Evaluation, s: Settings) -> Allocation:
    """The award list, as the CLI makes it; a decision date the law cannot price is the user's error."""
    alloc = allocate(ev, s.decision_date)
    if s.decision_date is not None and alloc.budget_issue is not None:
        raise UsageError(alloc.budget_issue.problem("decision_date"))
    return alloc


def award_data(alloc: Allocation, lang: str) -> dict[str, Any]:
    from engine.render.award import allocation_dict

    return allocation_dict(alloc, lang)


def award_json(alloc: Allocation, lang: str) -> bytes:
    """Exactly `thidua award … -f json`."""
    from engine.render.award import to_json

    return visible(to_json(award_data(alloc, lang))).encode("utf-8")


def find(ev: Evaluation, candidate: str) -> CandidateResult:
    """The candidate `thidua explain` finds for this id (Evaluation.find); else 404 with its line."""
    res = ev.find(candidate)
    if res is None:
        raise WebError(404, ev.not_found(candidate, ev.facts.file, Msg("problem.eval_see_verdicts")))
    return res


def explain_json(ev: Evaluation, res: CandidateResult, lang: str) -> bytes:
    from engine.render.text import explain_dict, to_json

    return visible(to_json(explain_dict(ev, res, lang))).encode("utf-8")


def ranking_lines(ev: Evaluation, res: CandidateResult, alloc: Allocation, lang: str) -> list[str]:
    """Where the candidate stands in each award's ranking: the lines `thidua explain` prints."""
    from engine.render.text import allocation_lines

    return [line for line in allocation_lines(ev, res, alloc, lang) if line.strip()]


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


def report(ev: Evaluation, alloc: Allocation, fmt: str, lang: str) -> tuple[bytes, str]:
    """`thidua report … -o report.EXT`: the bytes and the file's extension."""
    from engine.render.report_file import make_report

    ext = REPORT_FORMATS[report_format(fmt)]
    return make_report(ev, Path(f"report.{ext}"), lang, alloc=alloc, fmt=fmt), ext


def template(name: str, fmt: str, lang: str) -> bytes:
    """`thidua template CAMPAIGN -o FILE.fmt`: a blank facts file."""
    from engine.authoring.facts_template import write_template

    if fmt not in TEMPLATE_FORMATS:
        raise UsageError(
            Problem(
                "format",
                Msg("problem.web_template_format", format=visible(fmt)),
                hint=Msg("problem.web_one_of", options=list(TEMPLATE_FORMATS)),
            )
        )
    return write_template(campaign(name), Path(f"{name}.{fmt}"), lang)


def example(name: str) -> bytes:
    from engine.pipeline import example_facts

    return example_facts(campaign_id(name)).encode("utf-8")


# -- authors: a campaign file pasted or uploaded ---------------------------------------------------


@contextmanager
def _scratch() -> Iterator[Path]:
    """A temporary folder of this process's own, removed (with what was read from it) at the end."""
    from engine.model.source import INPUTS_READ

    folder = Path(tempfile.mkdtemp(prefix="thidua-web-"))
    try:
        yield folder
    finally:
        for p in list(INPUTS_READ):
            if folder.resolve() in p.parents:
                INPUTS_READ.discard(p)
        shutil.rmtree(folder, ignore_errors=True)


def _renamed(problems: list[Problem], path: Path, display: str) -> list[Problem]:
    return [replace(p, file=display) if p.file in (str(path), path.name) else p for p in problems]


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
    data: bytes,
    display: str = "campaign.yaml",
    base: str | None = None,
    facts: Upload | None = None,
    as_of: dt.date | None = None,
    lang: str = "vi",
) -> Checked:
    """`thidua validate FILE` (lint included) on an uploaded campaign; with `base` (a known id),
    `thidua diff BASE FILE [--facts F]`: what changed and whom it affects."""
    from engine.authoring.lint import lint_campaign
    from engine.model.source import check_size

    check_size(len(data), display)
    base_id = campaign_id(base) if base else None
    with _scratch() as folder:
        path = folder / "campaign.yaml"
        path.write_bytes(data)
        lint = lint_campaign(path)
        findings = _renamed(lint.findings, path, display)
        note = say(_plan_named(lint.plan_note), lang).replace(str(path), display)
        c = lint.campaign
        checked = Checked(display, findings, note)
        if c is not None and not lint.errors:
            checked.rules, checked.groups = len(c.all_rules()), len(c.model.groups)
        if base_id is not None and checked.ok:
            from engine.authoring.diff import compare
            from engine.readers import _suffix

            facts_path = None
            if facts is not None:
                facts_path = folder / f"facts{_suffix(facts[0])}"
                facts_path.write_bytes(facts[1])
            try:
                checked.diff = compare(base_id, str(path), facts_path, as_of, lang)
            except UserError as e:
                problems = _renamed(e.problems, path, display)
                if facts_path is not None and facts is not None:
                    problems = _renamed(problems, facts_path, facts[0])
                raise UsageError(problems) from None
            if checked.diff.impact is not None and facts is not None:
                checked.diff.impact.facts = facts[0]
        return checked


def diff_text(checked: Checked) -> str:
    from engine.authoring.diff_render import diff_text as render

    return render(checked.diff) if checked.diff is not None else ""
