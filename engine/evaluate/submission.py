"""The nomination file against the plan: documents, copies, the date that counts (sent or
received, by which channel, bounded by the dates recorded), the deadline — and its outcome with
the plan's clause and sentence behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.evaluate.policy import campaign_deadline
from engine.evaluate.results import SubmissionResult
from engine.model.campaign import Campaign
from engine.model.facts import Candidate, Submission
from engine.model.schema import Nomination


def check_submission(
    campaign: Campaign, cand: Candidate, round_year: int, run_deadline: dt.date | None
) -> SubmissionResult:
    deadline = campaign_deadline(campaign, round_year, run_deadline)
    if cand.submission is None:
        return SubmissionResult("not_checked", deadline, None)
    return judge_submission(campaign.model.nomination, deadline, cand.submission)


def judge_submission(nom: Nomination, deadline: dt.date | None, sub: Submission) -> SubmissionResult:
    """The nomination file against the plan: documents, copies, the date that counts, the channel.

    Documents not recorded (`documents` absent) are unknown, not missing: a file that is late is
    still late, one on time is `undecided` (why `no_documents`) until its documents are known.
    A file sent on time by a channel the plan does not name (`nomination.channels`), or whose
    channel is not recorded, is `undecided` (why `channel` / `no_channel`) unless the campaign
    decided such files count; a late file is late whatever its channel. A late file is
    not_considered unless the campaign records that the plan does not exclude late files
    (`nomination.late.decision: considered`, why `late_considered`). The clause and quote of
    the outcome come from `Nomination.cite`, so every output cites the same sentence.
    """
    result = _judge(nom, deadline, sub)
    result.clause, result.quote = nom.cite(result.outcome, result.why)
    result.via = sub.via
    documents_open = sub.documents is None and bool(nom.documents)
    copies_open = nom.copies is not None and sub.copies is None
    if result.outcome == "undecided":  # what is not recorded may yet exclude it: a document, a copy, the date
        result.may_exclude = documents_open or copies_open or nom.late_excludes
    elif result.outcome == "late" and not result.excludes:  # late yet considered: a missing document still excludes
        result.may_exclude = documents_open or copies_open
    return result


def _judge(nom: Nomination, deadline: dt.date | None, sub: Submission) -> SubmissionResult:
    recorded = sub.documents is not None
    missing = tuple(d for d in nom.documents if d not in sub.documents) if sub.documents is not None else ()
    short = 0
    if nom.copies is not None and sub.copies is not None and sub.copies < nom.copies:
        short = nom.copies - sub.copies
    when = file_dates(nom, sub)
    if missing or short:
        return SubmissionResult("missing_documents", deadline, when.shown, missing, short)
    if deadline is None:
        return SubmissionResult("undecided", None, when.shown, why="no_deadline")

    def within(day: dt.date) -> bool:
        return day <= deadline if nom.inclusive else day < deadline

    if when.exact is not None:
        on_time, day, basis = within(when.exact), when.exact, when.basis
    elif when.at_least is not None and not within(when.at_least):
        on_time, day, basis = False, when.at_least, ""  # late by its own stated date, whatever the channel
    elif when.at_most is not None and within(when.at_most):
        on_time, day, basis = True, when.at_most, "received"  # received in time, so sent in time
    elif sub.sent_on is not None:  # sent in time by its own account, by a way the plan does not count
        return SubmissionResult("undecided", deadline, sub.sent_on, why="no_channel" if sub.via is None else "channel")
    else:
        return SubmissionResult("undecided", deadline, None, why="no_date")
    if not on_time:
        return SubmissionResult("late", deadline, day, why="" if nom.late_excludes else "late_considered", basis=basis)
    if not recorded and nom.documents:
        return SubmissionResult("undecided", deadline, day, why="no_documents", basis=basis)
    return SubmissionResult("on_time", deadline, day, basis=basis)


@dataclass(frozen=True, slots=True)
class FileDates:
    """What a nomination file's recorded dates say of the date that counts (`nomination.date_counts`).

    `exact`: the date itself — the sent date by a way the plan counts; for a file handed in
    (`via: hand`) the day it was handed in, which is both its sent and its received date.
    `at_least`: a date it cannot be before (the sent date by the unit's own account: a file is
    received no earlier than it is sent). `at_most`: a date it cannot be after (the received
    date, for a plan that counts the sent date: a file received on time was sent on time).
    `basis`: how `exact` was established ("" the date that counts as recorded; "hand")."""

    exact: dt.date | None
    at_least: dt.date | None
    at_most: dt.date | None
    basis: str = ""

    @property
    def shown(self) -> dt.date | None:
        return self.exact or self.at_least or self.at_most


def file_dates(nom: Nomination, sub: Submission) -> FileDates:
    """The bounds the recorded dates put on the date that counts (issue 22: dates that bound dates)."""
    sent, received = sub.sent_on, sub.received_on
    if sub.via == "hand":  # handed in: sent on the day it is received
        day = sent or received
        return FileDates(day, day, day, "hand" if day is not None else "")
    if nom.date_counts == "received_on":
        return FileDates(received, received or sent, received)
    channels = nom.channels
    counted = channels is None or channels.other == "counted" or channels.counts(sub.via)
    return FileDates(sent if counted else None, sent, received)
