"""Round and period policy: which deadline a run uses, which round (year) a yearly campaign
judges — stated, read from the file's own nomination dates, or the evaluation year, and refused
outside the plan's period — what a one-off campaign warns about, and the series entries dated
after the period, dropped with a warning before anything reads them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.lang import Call, Fact
from engine.model.campaign import Campaign
from engine.model.facts import FactsFile
from engine.model.schema import Deadline


def run_deadline(campaign: Campaign, facts: FactsFile, given: dt.date | None) -> tuple[dt.date | None, list[Problem]]:
    """The deadline given for this run (`--deadline`, else the facts file's `deadline:`), which only a
    plan whose deadline is an event uses. A plan that fixes its deadline (a date, or a day each year)
    ignores one given — with a warning, and it is not recorded as the run's deadline either, so no
    output or audit header names a deadline that did not apply."""
    deadline = given or facts.deadline
    plan = campaign.model.nomination.deadline
    if deadline is None or plan.event is not None:
        return deadline, []
    where = "--deadline" if given is not None else facts.file
    month, _, day = (plan.yearly or "").partition("-")
    fixed = plan.date or Msg("problem.eval_deadline_each_year", day=f"{day}/{month}")
    message = Msg("problem.eval_deadline_unused", deadline=deadline, fixed=fixed)
    return None, [Problem(where, message, severity="warning", hint=Msg("problem.eval_deadline_unused_hint"))]


def file_round(facts: FactsFile) -> int | None:
    """The round a file's own nomination dates say it belongs to: the year its files were sent (or,
    where no sent date is recorded, received) — None when it records none. Dates of more than one
    year cannot say which round is judged: refused, asking for the round (issue 22.8)."""
    years: dict[int, str] = {}
    for c in facts.candidates:
        sub = c.submission
        day = (sub.sent_on or sub.received_on) if sub is not None else None
        if day is not None:
            years.setdefault(day.year, c.id)
    if len(years) > 1:
        (y1, c1), (y2, c2) = sorted(years.items())[:2]
        raise UsageError(
            Problem(
                facts.file,
                Msg("problem.eval_round_two_years", y1=str(y1), c1=c1, y2=str(y2), c2=c2),  # a year, not a number
                hint=Msg("problem.eval_round_state"),
            )
        )
    return next(iter(years), None)


def check_round(
    campaign: Campaign,
    facts: FactsFile,
    as_of: dt.date,
    round_year: int,
    stated: int | None,
    dated: int | None = None,
) -> list[Problem]:
    """The round of a campaign judged every year: inside the plan's period, and said when it was guessed.

    A round outside the plan's period is refused, stated or not: a plan judges no year before it
    began nor after it ended. A round not stated is the year the file's nomination files were sent
    (`file_round`: never inferred against the file's own dates), else the year of the evaluation
    date; a warning says which, more pointedly when the guess from the evaluation date is unsafe
    (before that round's deadline while the file holds nomination files).
    """
    period = campaign.model.period
    first = period.start.year if period.start else None
    outside = (first is not None and round_year < first) or round_year > period.end.year
    span = {"start": period.start or "…", "end": period.end}
    hint = Msg("problem.eval_round_state")
    year = str(round_year)  # a year is written as a year (2024), not as a number (2.024)
    if outside:
        if stated is not None:
            message = Msg("problem.eval_round_outside", round=year, **span)
        else:
            told = Msg("problem.eval_round_why_sent" if dated else "problem.eval_round_why_as_of")
            message = Msg("problem.eval_round_outside_guessed", round=year, why=told, **span)
        raise UsageError(Problem("--round" if stated is not None else facts.file, message, hint=hint))
    if stated is not None:
        return []
    why: Msg
    if dated is not None:
        why = Msg("problem.eval_round_why_sent")
    else:
        deadline = campaign_deadline(campaign, round_year, None)
        early = deadline is not None and as_of < deadline and any(c.submission for c in facts.candidates)
        why = (
            Msg("problem.eval_round_why_early", deadline=deadline, previous=str(round_year - 1))
            if early and deadline is not None
            else Msg("problem.eval_round_why_as_of_short")
        )
    message = Msg("problem.eval_round_guessed", round=year, why=why)
    return [Problem(facts.file, message, severity="warning", hint=hint)]


def check_one_off(campaign: Campaign, facts: FactsFile, as_of: dt.date, round_arg: int | None) -> list[Problem]:
    """A campaign judged once (not every year): no round to choose, and an evaluation date to flag.

    `--round` is a usage error: the campaign has one period, so a round would be silently
    ignored and the reader could believe another year was judged. A `round:` in the facts file
    is only warned about (a file may serve several campaigns). An evaluation date before the
    period ends is flagged, not refused: a unit may check itself early, and no plan forbids it
    (none says results may only be reviewed after its period), but the year's figures are not
    final, so the warning says so.
    """
    period = campaign.model.period
    span = period_end(campaign)
    if round_arg is not None:
        raise UsageError(
            Problem(
                "--round",
                Msg("problem.eval_round_one_off", campaign=campaign.id, span=span, round=str(round_arg)),
                hint=Msg("problem.eval_round_one_off_hint"),
            )
        )
    out = []
    if facts.round is not None:
        out.append(
            Problem(
                facts.file,
                Msg("problem.eval_round_ignored", round=str(facts.round), campaign=campaign.id, span=span),
                severity="warning",
                hint=Msg("problem.eval_round_ignored_hint"),
            )
        )
    running = as_of <= period.end if period.end_inclusive else as_of < period.end
    if running:
        out.append(
            Problem(
                facts.file,
                Msg("problem.eval_provisional", as_of=as_of, span=span),
                severity="warning",
                hint=Msg("problem.eval_provisional_hint"),
            )
        )
    return out


def period_end(campaign: Campaign) -> Msg:
    """When the plan's period ends, as its own words put it: to the end of a day, or before it."""
    period = campaign.model.period
    return Msg("problem.eval_span_to" if period.end_inclusive else "problem.eval_span_before", end=period.end)


def within_period(campaign: Campaign, facts: FactsFile) -> tuple[FactsFile, list[Problem]]:
    """The facts without the series entries dated after the campaign period, and a warning for each.

    A value dated after the period ("đến hết ngày 31/12/2024", "đến trước ngày 20/12/2020") is
    not the period's value: it is dropped here, so `latest` and a series compared directly only
    ever see values inside the period. A series the plan reads on days it names (`at`) keeps
    them (issue 22): a milestone the plan dates after its own period is read on the date the
    plan gives, and a value dated after a milestone bounds it (`engine.lang.decide`); the
    explanation says which value was used and why."""
    period = campaign.model.period
    end, inclusive = period.end, period.end_inclusive
    span = period_end(campaign)
    dated = _read_on_days(campaign)
    warnings: list[Problem] = []
    candidates = []
    for cand in facts.candidates:
        kept: dict[str, Any] | None = None  # copied only when something is dropped (bulk files: most are not)
        for key, v in cand.facts.items():
            if type(v) is not dict or key in dated:
                continue
            late = sorted(d for d in v if isinstance(d, dt.date) and (d > end if inclusive else d >= end))
            if not late:
                continue
            kept = dict(cand.facts) if kept is None else kept
            kept[key] = {d: x for d, x in v.items() if d not in late}
            for d in late:
                warnings.append(
                    Problem(
                        facts.file_of(cand),
                        Msg("problem.eval_after_period", fact=key, day=d, span=span),
                        where=f"{'units' if cand.group == 'unit' else 'people'}[{cand.id}]",
                        severity="warning",
                        hint=Msg("problem.eval_after_period_hint"),
                    )
                )
        candidates.append(replace(cand, facts=kept) if kept is not None else cand)
    if not warnings:
        return facts, []
    new = {id(old): c for old, c in zip(facts.candidates, candidates, strict=True)}
    by_id = {k: new.get(id(c), c) for k, c in facts.by_id.items()}
    return replace(facts, candidates=candidates, by_id=by_id), warnings


def _read_on_days(campaign: Campaign) -> set[str]:
    """The series the campaign reads on days the plan names (`at(series, 'YYYY-MM-DD')`)."""
    return {
        node.args[0].key
        for item in campaign.items()
        for node in item.node.walk()
        if isinstance(node, Call) and node.name == "at" and node.args and isinstance(node.args[0], Fact)
    }


def campaign_deadline(campaign: Campaign, round_year: int, run_deadline: dt.date | None) -> dt.date | None:
    """The nomination deadline: the plan's date, its yearly date in the round judged, or the run's."""
    return resolve_deadline(campaign.model.nomination.deadline, round_year, run_deadline)


def resolve_deadline(d: Deadline, round_year: int, run_deadline: dt.date | None) -> dt.date | None:
    """A deadline as a date: fixed, yearly in the round judged, or (an event) the one given at run time."""
    if d.date is not None:
        return d.date
    if d.yearly is not None:
        month, day = (int(x) for x in d.yearly.split("-"))
        return dt.date(round_year, month, day)
    return run_deadline
