"""Render an `Evaluation` as JSON (the contract), a terminal table, Markdown or CSV.

Output is deterministic: candidates in file order, keys in a fixed order, no timestamps.
"""

from __future__ import annotations

import dataclasses
import io
import json
import operator
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, TypeVar

from engine import __version__
from engine.common import fmt
from engine.common.text import Shown, shown_once, visible
from engine.evaluate.core import CandidateResult, Evaluation, RuleResult, SubmissionResult
from engine.explain.reasons import SUBMISSION_LABELS, VERDICT_LABELS, Explainer, fmt_value, json_value
from engine.model.campaign import CompiledRule
from engine.model.catalogue import Catalogue
from engine.model.vocabulary import words
from engine.render.output import CsvLine, fit, terminal

if TYPE_CHECKING:
    from engine.render.grid import Line


def header(ev: Evaluation) -> dict[str, Any]:
    return {
        "campaign": ev.campaign.id,
        "as_of": ev.as_of.isoformat(),
        "deadline": ev.deadline.isoformat() if ev.deadline else None,
        **({"round": ev.round} if ev.round is not None else {}),
        "thidua_version": __version__,
        "backend": ev.backend,
        **({"backend_fallback": list(ev.fallback)} if ev.fallback else {}),
        "campaign_sha256": ev.campaign.sha256,
        "facts_sha256": ev.facts.sha256,
        **({"inputs": [{"file": n, "sha256": s} for n, s in ev.facts.inputs]} if len(ev.facts.inputs) > 1 else {}),
    }


ROWS_KEPT = 20_000  # what one rendering call remembers, at most (a file whose every row differs is not held twice)
V = TypeVar("V")


class Memo(OrderedDict[Hashable, V]):
    """What one rendering call has already made, by key: at most `ROWS_KEPT` things (read when
    the call makes it), the oldest forgotten first (in constant time: an ordered dict's own
    order). Made by the call and dropped with it — nothing is remembered between calls. A key
    whose values have no hash, or None, is not remembered."""

    def __init__(self, size: int | None = None) -> None:
        super().__init__()
        self.size = ROWS_KEPT if size is None else size

    def make(self, key: Hashable | None, make: Callable[..., V], *args: Any) -> V:
        """The value kept for `key`, made by `make(*args)` the first time (and every time when it is not kept)."""
        if key is None:
            return make(*args)
        try:
            return self[key]
        except KeyError:
            pass
        except TypeError:  # a list or a dated series among the values: not remembered
            return make(*args)
        value = make(*args)
        if self.size > 0:
            if len(self) >= self.size:
                self.popitem(last=False)
            self[key] = value
        return value


def render_key(rr: RuleResult) -> tuple[Any, ...] | None:
    """What a rule result's every rendering depends on: `RuleResult.signature` (values keyed by
    `engine.evaluate.results.frozen`, lists and series too)."""
    return rr.signature()


_submission_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(SubmissionResult)))


def submission_key(sub: SubmissionResult) -> tuple[Any, ...]:
    """All a nomination file's outcome holds, as a key: two with one key are said alike."""
    key: tuple[Any, ...] = _submission_fields(sub)
    return key


class Remembering(Explainer):
    """An `Explainer` for one rendering call that phrases a rule result once per signature
    (`RuleResult.signature`: two results with one signature read alike in every output) and a
    nomination file's outcome once per outcome (`submission_key`); the same words as `Explainer`'s,
    said again from memory (`Memo`, dropped with the call)."""

    def __init__(self, campaign: Any, lang: str = "vi") -> None:
        super().__init__(campaign, lang)
        self.said: Memo[str] = Memo()

    def reason(self, rr: RuleResult) -> str:
        key = render_key(rr)
        return self.said.make(None if key is None else ("reason", key), Explainer.reason, self, rr)

    def submission_reason(self, sub: SubmissionResult) -> str:
        return self.said.make(("submission", submission_key(sub)), Explainer.submission_reason, self, sub)


Rows = Memo[dict[str, Any]]  # rule rows already made in one call, by RuleResult.signature()


def rule_dict(rr: RuleResult, ex: Explainer, made: Rows | None = None) -> dict[str, Any]:
    """One rule's result for one candidate. What the rule *is* — label, group, expression, quote,
    note — is written once per rule, in the `rules` table beside the candidates (`rules_table`).
    With `made`, a row is made once per signature and shared (rows are never changed after)."""
    if made is not None:
        return made.make(render_key(rr), rule_dict, rr, ex)
    out: dict[str, Any] = {
        "id": rr.id,
        "outcome": rr.outcome,
        "clause": rr.rule.spec.clause,
        "reason": passed_reason(rr, ex),
        "values": {k: json_value(v) for k, v in ex.values_read(rr).items()},
    }
    computed = {
        r.key: [uid for uid, _ in r.derived.parts]
        for r in rr.reads()
        if r.derived is not None and not r.derived.borrowed
    }
    if computed:  # derived facts: the subordinate units each was computed from
        out["computed_from"] = computed
    borrowed = {r.key: r.derived.borrowed for r in rr.reads() if r.derived is not None and r.derived.borrowed}
    if borrowed:  # the issuer's own figures: where each was read ("issuer", or the unit above)
        out["read_from"] = borrowed
    ranges = ex.ranges(rr)
    if ranges:  # … and, when some of those units are unknown, the least and most the count can be
        out["computed_range"] = {k: list(b) for k, b in ranges.items()}
    return out


def passed_reason(rr: RuleResult, ex: Explainer) -> str:
    """A rule row's reason. A criterion passed or a disqualifier clear says only that (`Đạt`,
    `Không vi phạm`): what it read is in `values`, labelled once in the `facts` table, and the
    labelled sentence is `explain`'s. Every other outcome gives the whole reason — what would have
    to hold, what is missing, why it does not apply."""
    if rr.outcome in ("pass", "clear") and not rr.skipped and rr.has_unit:
        return ex.outcome(rr.outcome)
    return ex.reason(rr)


def facts_table(rules: Iterable[CompiledRule], catalogue: Catalogue, lang: str) -> dict[str, dict[str, Any]]:
    """The facts the rules read, once each, in reading order: the label an officer reads and, for a
    rating or a list of choices, each value's words — what a row's `values` mean."""
    out: dict[str, dict[str, Any]] = {}
    for rule in rules:
        for key in rule.facts:
            if key in out:
                continue
            entry: dict[str, Any] = {"label": catalogue.label(key, lang)}
            scale = catalogue.scale_of(key)
            if scale is not None:
                entry["values"] = {v.value: v.label.get(lang) for v in scale.values}
            out[key] = entry
    return out


def rule_spec(rule: CompiledRule, lang: str) -> dict[str, Any]:
    """What a rule is, as the `rules` table writes it: once per rule, not per candidate."""
    spec = rule.spec
    out: dict[str, Any] = {"kind": rule.kind, "label": spec.label.get(lang), "group": spec.group}
    if rule.award:
        out["award"] = rule.award
    if rule.kind == "criterion":
        out["required"] = rule.required
    out["rule"] = spec.rule
    out["clause"] = spec.clause
    out["quote"] = spec.quote
    if spec.note:
        out["note"] = spec.note.get(lang)
    return out


def rules_table(rules: Iterable[CompiledRule], lang: str) -> dict[str, dict[str, Any]]:
    return {r.id: rule_spec(r, lang) for r in rules}


def candidate_dict(
    res: CandidateResult,
    ex: Explainer,
    citations: dict[tuple[str, str], int] | None = None,
    made: Rows | None = None,
) -> dict[str, Any]:
    """One candidate's result; with `citations`, the nomination quote goes there once, not here;
    with `made`, rule rows shared between candidates that read alike (`rule_dict`)."""

    def rows(rules: list[RuleResult], award: bool) -> list[dict[str, Any]]:
        if award:  # the awards' own conditions: who may be proposed for which award, not the verdict
            return [{"award": r.rule.award, **rule_dict(r, ex, made)} for r in rules]
        return [rule_dict(r, ex, made) for r in rules]

    return dict(candidate_items(res, ex, rows, lambda sub: _submission_dict(sub, ex, citations)))


def candidate_items(
    res: CandidateResult,
    ex: Explainer,
    rows: Callable[[list[RuleResult], bool], Any],
    submission: Callable[[SubmissionResult], Any],
) -> list[tuple[str, Any]]:
    """A candidate's JSON entries in their order, its rule rows (`rows(rules, award)`) and its
    nomination file's outcome as the caller writes them: as data (`candidate_dict`) or already
    encoded (`JsonLines`)."""
    c = res.candidate
    out: list[tuple[str, Any]] = [
        ("id", c.id),
        ("name", c.name),
        ("group", c.group),
        ("kind", c.kind),
        ("verdict", res.verdict),
        ("competes_in", res.group),
    ]
    if c.parent:
        out.append(("parent", c.parent))
    if c.unit:
        out.append(("unit", c.unit))
    if c.head:
        out.append(("head", True))
    scope = _scope_dict(res, ex)
    if scope is not None:
        out.append(("scope", scope))
    out.append(("criteria", rows(res.criteria, False)))
    out.append(("disqualifiers", rows(res.disqualifiers, False)))
    if res.conditions:
        out.append(("award_conditions", rows(res.conditions, True)))
    if res.submission is not None:
        out.append(("submission", submission(res.submission)))
    return out


class Encoded(Shown):
    """A value already written as compact JSON, and shown (`engine.common.text.Shown`: made only
    through `shown_once`): `json_chunks` writes it as it is, and nothing searches it again."""

    __slots__ = ()


class JsonLines:
    """One evaluate JSON's candidates, each as its compact line (`Encoded`), the same text as
    `json.dumps(candidate_dict(…))`: a rule row encoded once per `render_key`, a list of them once
    per list of results, and a nomination file's outcome once per outcome (`Memo`), spliced into
    each candidate that shares it; only what is the candidate's own is encoded per candidate.
    Made per call, dropped with it."""

    def __init__(self, ex: Explainer, citations: dict[tuple[str, str], int]) -> None:
        self.ex, self.citations = ex, citations
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        self.made: tuple[Memo[str], Memo[str]] = (Memo(), Memo())  # rule rows; award conditions' rows
        self.files: Memo[Encoded] = Memo()  # nomination files' outcomes
        self.keys: dict[str, str] = {}  # each key as written between two entries: `,"key":`
        self.lists: Memo[tuple[list[RuleResult], Encoded]] = Memo()  # a list of results, with its rows

    def line(self, res: CandidateResult) -> Encoded:
        enc = self.encode
        keys = self.keys
        parts = []
        for k, v in candidate_items(res, self.ex, self.rows, self.submission):
            parts.append(keys.get(k) or keys.setdefault(k, f",{encode_basestring(k)}:"))
            parts.append(v if type(v) is Encoded else shown_once(encode_basestring(v) if type(v) is str else enc(v)))
        parts[0] = "{" + parts[0][1:]
        parts.append("}")
        return Encoded("".join(parts))

    def rows(self, rules: list[RuleResult], award: bool) -> Encoded:
        """A list of rule rows, encoded once per list: candidates alike hold one list of results
        (`engine.evaluate.judge.Judged`), kept here with its text so that its id names it."""
        return self.lists.make((id(rules), award), self._rows, rules, award)[1]

    def _rows(self, rules: list[RuleResult], award: bool) -> tuple[list[RuleResult], Encoded]:
        made = self.made[award]
        out = []
        for rr in rules:
            key = render_key(rr)
            row = made.get(key) if key is not None else None
            if row is None:
                row = made.make(key, self._row, rr, award)
            out.append(row)
        return rules, Encoded("[" + ",".join(out) + "]")

    def _row(self, rr: RuleResult, award: bool) -> str:
        row = rule_dict(rr, self.ex)
        return shown_once(self.encode({"award": rr.rule.award, **row} if award else row))

    def submission(self, sub: SubmissionResult) -> Encoded:
        return self.files.make(submission_key(sub), self._submission, sub)

    def _submission(self, sub: SubmissionResult) -> Encoded:
        return Encoded(shown_once(self.encode(_submission_dict(sub, self.ex, self.citations))))


def _scope_dict(res: CandidateResult, ex: Explainer) -> dict[str, Any] | None:
    """Why a candidate is out of scope, or may be (the file leaves it open), or how an unstated
    kind was read: the JSON `scope`; None when there is nothing to say."""
    c, sc = res.candidate, res.scope
    if res.verdict == "out_of_scope" or res.decision.scope_open:
        out: dict[str, Any] = {"reason": sc.reason, "clause": sc.clause or None, "text": ex.scope_reason(sc, c.kind)}
        if sc.unknown:
            out["unknown"] = True
            out["missing"] = sc.key
        if sc.quote:
            out["quote"] = sc.quote
        if sc.detail:
            out["found"] = f"{sc.detail} ({sc.found_kind})" if sc.found_kind else sc.detail
        if sc.allowed:
            out["allowed"] = list(sc.allowed)
        return out
    if sc.unstated is not None:
        u = sc.unstated
        return {"unstated": u.means, "clause": u.clause, "text": ex.unstated(u, c.group)}
    return None


def _submission_dict(
    sub: SubmissionResult, ex: Explainer, citations: dict[tuple[str, str], int] | None
) -> dict[str, Any]:
    """The nomination file's outcome, as the JSON `submission` writes it."""
    out: dict[str, Any] = {
        "outcome": sub.outcome,
        "reason": ex.submission_reason(sub),
        "deadline": sub.deadline.isoformat() if sub.deadline else None,
        "date": sub.date.isoformat() if sub.date else None,
    }
    if sub.via is not None:
        out["via"] = sub.via
    if sub.why:
        out["why"] = sub.why
    if sub.basis:
        out["basis"] = sub.basis
    if sub.missing:
        out["missing_documents"] = list(sub.missing)
    if sub.copies_short:
        out["copies_short"] = sub.copies_short
    out["clause"] = sub.clause
    if citations is None:
        out["quote"] = sub.quote
    else:  # the plan's sentence once, in the result's `citations`; here its place there
        out["citation"] = citations.setdefault((sub.clause, sub.quote), len(citations))
    return out


def explain_dict(ev: Evaluation, res: CandidateResult, lang: str = "vi") -> dict[str, Any]:
    """`explain -f json` as data: the header, the rules this candidate met, and the candidate with
    its labelled reasons and the nomination quote inline."""
    mine = [*res.criteria, *res.disqualifiers, *res.conditions]
    return {
        **header(ev),
        "rules": rules_table([rr.rule for rr in mine], lang),
        "candidate": candidate_dict(res, Explainer(ev.campaign, lang)),
    }


def citations_list(citations: dict[tuple[str, str], int]) -> list[dict[str, str]]:
    """The nomination sentences cited, in order of first use (`submission.citation` is the index)."""
    return [
        {"clause": clause, "quote": quote} for (clause, quote), _ in sorted(citations.items(), key=lambda kv: kv[1])
    ]


def evaluation_dict(ev: Evaluation, lang: str = "vi", *, lazy: bool = False) -> dict[str, Any]:
    """The evaluate JSON as data. `lazy`: `candidates` is an iterator of their lines, each encoded
    as it is written (`JsonLines`, `json_chunks`), so a big result is never held twice."""
    ex = Remembering(ev.campaign, lang)
    summary = {v: 0 for v in VERDICT_LABELS["en"]}
    citations: dict[tuple[str, str], int] = {}
    for r in ev.results:
        summary[r.verdict] += 1
        if r.submission is not None:  # indexed in the order candidate_dict will meet them
            citations.setdefault((r.submission.clause, r.submission.quote), len(citations))
    campaign = ev.campaign
    if lazy:
        lines = JsonLines(ex, citations)
        made: Iterable[Any] = (lines.line(r) for r in ev.results)
    else:
        rows: Rows = Memo()
        made = [candidate_dict(r, ex, citations, rows) for r in ev.results]
    return {
        **header(ev),
        "lang": lang,
        "summary": summary,
        "rules": rules_table(every := [*campaign.all_rules(), *campaign.all_conditions()], lang),
        "facts": facts_table(every, campaign.catalogue, lang),
        "citations": citations_list(citations),
        "candidates": made,
    }


ROWS = ("candidates",)  # lists written one entry a line: compact, and still one candidate per line


def to_json(data: Any) -> str:
    """JSON as thidua writes it: indented, except that each entry of a long list (`ROWS`) is one
    compact line — readable, greppable, and a third the size. Same data, same bytes."""
    return "".join(json_chunks(data))


def json_chunks(data: Any) -> Iterator[str]:
    """`to_json`'s text in pieces, a `ROWS` entry at a time (which may come from an iterator)."""
    if not isinstance(data, dict) or not any(k in data and not isinstance(data[k], dict) for k in ROWS):
        yield json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return
    yield "{"
    for n, (key, value) in enumerate(data.items()):
        head = json.dumps(key, ensure_ascii=False)
        yield ("\n" if n == 0 else ",\n") + f"  {head}: "
        if key in ROWS and not isinstance(value, dict | str):
            yield from _row_chunks(value)
        else:
            yield json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    yield "\n}\n"


CHUNK = 256  # a `ROWS` list's entries written together: one piece of text (the file gets the same bytes)


def _row_chunks(rows: Iterable[Any]) -> Iterator[str]:
    """A `ROWS` list, an entry a line (`Encoded` entries as they are), `CHUNK` lines a piece."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    piece: list[str] = []
    first = True
    shown = True  # every entry of the piece `Encoded`: the piece is shown text too
    for v in rows:
        piece.append("[\n    " if first else ",\n    ")
        if isinstance(v, Encoded):
            piece.append(v)
        else:
            piece.append(encode(v))
            shown = False
        first = False
        if len(piece) >= 2 * CHUNK:
            yield Shown("".join(piece)) if shown else "".join(piece)
            piece.clear()
            shown = True
    piece.append("[]" if first else "\n  ]")
    yield Shown("".join(piece)) if shown else "".join(piece)


def short_reason(res: CandidateResult, ex: Explainer) -> str:
    """The one thing an officer needs to read first about this verdict: said once per
    `reason_key` by an explainer that remembers (`Remembering`, one rendering call)."""
    if isinstance(ex, Remembering):
        return ex.said.make(reason_key(res), _short_reason, res, ex)
    return _short_reason(res, ex)


def reason_key(res: CandidateResult) -> tuple[Any, ...]:
    """All `short_reason` reads of a candidate: its decision and scope (shared by candidates alike,
    `engine.evaluate.judge.Judged`: named by their ids, alive as long as the results) and its kind."""
    return ("short", id(res.decision), id(res.scope), res.candidate.kind)


def _short_reason(res: CandidateResult, ex: Explainer) -> str:
    lang = ex.lang
    if res.verdict == "out_of_scope":
        return ex.scope_reason(res.scope, res.candidate.kind)
    why = res.decision
    sub = why.submission
    if res.verdict == "not_considered" and sub:
        return f"{ex.submission_reason(sub)} ({sub.clause})"
    if res.verdict == "disqualified":
        return _rule_reasons(why.triggered, ex)
    if res.verdict == "ineligible":
        return _rule_reasons(why.failed, ex)
    parts = []
    if res.verdict == "incomplete":
        if why.scope_open and why.scope is not None:  # first: whether it is a subject at all
            return ex.scope_reason(why.scope, res.candidate.kind)
        if why.held:  # what already holds against it, when the verdict waits on an earlier question
            parts.append(_rule_reasons(why.held, ex))
        missing: list[str] = []
        for m in why.missing:
            ranges = ex.ranges(m.result)
            for name in [ex.unknown_fact(k, ranges) for k in m.facts] or [ex.rule_name(m.result)]:
                if name not in missing:
                    missing.append(name)
        if missing:
            parts.append(words(lang)["text.missing"] + ", ".join(missing))
    elif why.waived:
        parts.append(words(lang)["text.waived"] + ", ".join(ex.rule_name(r) for r in why.waived))
    note = why.file_note  # undecided (incomplete), or late where the plan does not exclude late files
    if note is not None:
        parts.append(f"{ex.submission_reason(note)} ({note.clause})")
    return "; ".join(parts)


def _rule_reasons(rules: Iterable[RuleResult], ex: Explainer) -> str:
    return "; ".join(f"{ex.rule_name(r)} ({r.rule.spec.clause}): {ex.reason(r)}" for r in rules)


def late_note(res: CandidateResult, ex: Explainer) -> str:
    """For a candidate on an award list whose file was late (considered, `nomination.late`): say so."""
    sub = res.submission
    if sub is None or sub.outcome != "late":
        return ""
    return f"{SUBMISSION_LABELS[ex.lang]['late']}: {ex.submission_reason(sub)} ({sub.clause})"


STYLES = {
    "eligible": "green",
    "incomplete": "yellow",
    "ineligible": "red",
    "disqualified": "red",
    "not_considered": "magenta",
    "out_of_scope": "dim",
}
WIDE = 120  # below this many columns the table gives each candidate a block, its reason under it


def table(ev: Evaluation, lang: str = "vi", width: int | None = None) -> str:
    """The verdicts as plain text (a pipe, a file: 160 columns unless `width` says): shown already,
    as `table_lines` lays every value out (`Shown`)."""
    return Shown("\n".join(text for text, _ in table_lines(ev, lang, width)))


def table_lines(ev: Evaluation, lang: str = "vi", width: int | None = None) -> list[Line]:
    """The verdicts for a terminal, each line with its verdict's style. Wide: one row per
    candidate. Narrow (an 80-column terminal): each candidate's id, name and verdict on its first
    lines and the reason wrapped under them — in both, an id is never split. A value read from a
    file is shown as `visible` shows it, measured as shown."""
    from engine.common.speed import gc_paused

    console = terminal(io.StringIO(), width or 160)
    with gc_paused():  # a row of texts a candidate, acyclic (engine.common.speed)
        layout = _wide_table if console.width >= WIDE else _narrow_table
        lines = layout(ev, lang, console)
    counts: dict[str, int] = {}
    for r in ev.results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    summary = ", ".join(f"{VERDICT_LABELS[lang][v]}: {n}" for v, n in counts.items())
    lines.extend((line, None) for line in _fit(f"{dates_line(ev, lang)}. {summary}.", console.width))
    return [(text.rstrip(), style) for text, style in lines]


def _fit(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """A value-bearing text as shown (`visible`), wrapped between words at `width` (`output.fit`)."""
    return fit(visible(text), width, first, rest)


def _title(ev: Evaluation, lang: str) -> str:
    m = ev.campaign.model
    return f"{m.title.get(lang)} — {m.document.kind} {m.document.number or '…'}"


def _wide_table(ev: Evaluation, lang: str, console: Any) -> list[Line]:
    from rich import box

    from engine.render.grid import Col, grid

    ex = Remembering(ev.campaign, lang)
    v = words(lang)
    m = ev.campaign.model
    longest = max((len(visible(r.id)) for r in ev.results), default=1)
    columns = [
        # an id is copied into `thidua explain`: never split it
        Col(v[f"text.col_{col}"], no_wrap=True, min_width=longest, overflow="ellipsis", own=True)
        if col == "id"
        else Col(v[f"text.col_{col}"], own=col in ("no", "name"))  # a row's own: not remembered
        for col in ("no", "id", "name", "group", "verdict", "file", "reason")
    ]
    rows = []
    for i, r in enumerate(ev.results, 1):
        group = m.groups[r.group].label.get(lang) if r.group else "—"
        sub = SUBMISSION_LABELS[lang][r.submission.outcome] if r.submission else ""
        rows.append((str(i), r.id, r.candidate.name, group, VERDICT_LABELS[lang][r.verdict], sub, short_reason(r, ex)))
    styles = [STYLES[r.verdict] for r in ev.results]
    return list(grid(console, _title(ev, lang), columns, rows, box.SIMPLE_HEAVY, styles=styles))


def _narrow_table(ev: Evaluation, lang: str, console: Any) -> list[Line]:
    """One block per candidate: `no. id  name`, then group · verdict · file, then the reason."""
    ex = Remembering(ev.campaign, lang)
    v = words(lang)
    m = ev.campaign.model
    width = console.width
    indent = " " * (len(str(len(ev.results))) + 2)
    lines: list[Line] = [(line, None) for line in _fit(_title(ev, lang), width)]
    lines.append(("", None))
    for i, r in enumerate(ev.results, 1):
        style = STYLES[r.verdict]

        def put(text: str, first: str, rest: str, style: str = style) -> None:
            lines.extend((line, style) for line in _fit(text, width, first, rest))

        head = f"{i}.".ljust(len(indent))
        # the id on its own words, so wrapping can move it but never cut it
        put(f"{r.id}  {r.candidate.name}", head, indent + "  ")
        group = m.groups[r.group].label.get(lang) if r.group else "—"
        parts = [group, VERDICT_LABELS[lang][r.verdict]]
        if r.submission:
            parts.append(f"{v['text.col_file']}: {SUBMISSION_LABELS[lang][r.submission.outcome]}")
        put(" · ".join(parts), indent, indent)
        reason = short_reason(r, ex)
        if reason:
            put(f"{v['text.col_reason']}: {reason}", indent, indent + "  ")
    lines.append(("", None))
    return lines


def dates_line(ev: Evaluation, lang: str) -> str:
    """The evaluation date, and for a campaign judged every year the round judged."""
    v = words(lang)
    line = v["text.as_of"] + f": {fmt.day(ev.as_of)}"
    if ev.round is not None:
        line += f"; {v['meta.round']}: {ev.round}"
    return line


def markdown(ev: Evaluation, lang: str = "vi") -> str:
    ex = Remembering(ev.campaign, lang)
    v = words(lang)
    m = ev.campaign.model
    lines = [
        f"# {m.title.get(lang)}",
        "",
        f"{m.document.kind} {m.document.number or '…'} — {m.document.issuer}, {m.document.date_text}",
        "",
        dates_line(ev, lang),
        "",
        "| " + " | ".join(v[f"text.col_{col}"] for col in ("no", "id", "name", "verdict", "reason")) + " |",
        "|---|---|---|---|---|",
    ]
    for i, r in enumerate(ev.results, 1):
        cells = [
            str(i),
            r.id,
            r.candidate.name,
            VERDICT_LABELS[lang][r.verdict],
            short_reason(r, ex),
        ]
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    h = header(ev)
    lines += [
        "",
        f"<sub>thidua {h['thidua_version']} · {h['campaign']} sha256 `{h['campaign_sha256']}` · "
        f"facts sha256 `{h['facts_sha256']}` · as_of {h['as_of']} · backend {h['backend']}</sub>",
    ]
    return "\n".join(lines) + "\n"


def md_escape(text: Any) -> str:
    """Text safe in a Markdown table cell: no pipes, no line breaks, no raw HTML."""
    s = str(text).replace("\\", "\\\\").replace("|", "\\|")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "*_`[]":
        s = s.replace(ch, "\\" + ch)
    return " ".join(s.split())


BOM = "\ufeff"  # lets Excel see UTF-8 (without it a Vietnamese CSV opens as mojibake)


def csv_text(ev: Evaluation, lang: str = "vi") -> str:
    """One row per candidate for a spreadsheet: the verdict in words and one column per rule
    (criteria, then disqualifiers, in the plan's order) holding its outcome; headers in `lang`,
    a rule's header its label with its id in brackets, as a template's headers are. What follows a
    candidate's own cells (id, name, group, kind) is written once per distinct tail (`Memo`)."""
    ex = Remembering(ev.campaign, lang)
    v = words(lang)
    m = ev.campaign.model
    rules = {r.id: r for r in sorted(ev.campaign.all_rules(), key=lambda r: r.kind != "criterion")}
    heads = [v[f"text.col_{c}"] for c in ("id", "name", "group")] + [v["text.kind"]]
    heads += [v["text.col_verdict"], v["text.col_file"], v["text.col_reason"]]
    line = CsvLine()
    out = [BOM, line(heads + [f"{r.spec.label.get(lang)} [{rid}]" for rid, r in rules.items()]), "\n"]
    kinds = v.section("kind")

    def tail(verdict: str, file: str, reason: str, outcomes: tuple[tuple[str, str], ...]) -> str:
        said = dict(outcomes)
        cells = [VERDICT_LABELS[lang][verdict], SUBMISSION_LABELS[lang][file] if file else "", reason]
        return line(cells + [ex.outcome(said[rid]) if rid in said else "" for rid in rules])

    tails: Memo[str] = Memo()  # verdict, file, reason and outcomes: a few hundred in a province
    kind_group: Memo[str] = Memo()
    for r in ev.results:
        c = r.candidate
        file = r.submission.outcome if r.submission else ""
        outcomes = tuple((x.id, x.outcome) for x in (*r.criteria, *r.disqualifiers))
        said = (r.verdict, file, short_reason(r, ex), outcomes)
        group = m.groups[r.group].label.get(lang) if r.group else ""
        kind = kinds.get(c.kind, c.kind)
        out += [line([c.id, c.name]), ",", kind_group.make((group, kind), line, [group, kind]), ","]
        out += [tails.make(said, tail, *said), "\n"]
    return "".join(out)


def explain_text(ev: Evaluation, res: CandidateResult, lang: str = "vi", alloc: Any = None) -> str:
    """Every rule for one candidate: outcome, values read, clause and quote, what would change."""
    ex = Explainer(ev.campaign, lang)
    v = words(lang)
    m = ev.campaign.model
    c = res.candidate
    mark = {
        "pass": "✓",
        "clear": "✓",
        "fail": "✗",
        "triggered": "✗",
        "unknown": "?",
        "waived": "~",
        "not_applicable": "–",
    }
    out = [
        f"{c.name} ({c.id}) — {m.id}",
        dates_line(ev, lang),
        v["text.verdict"] + f": {VERDICT_LABELS[lang][res.verdict]}",
        v["text.kind"] + f": {v.section('kind').get(c.kind, c.kind)}",
    ]
    if res.group:
        groups = ", ".join(m.groups[g].label.get(lang) for g in res.groups)
        out.append(v["text.groups"] + f": {groups}")
    if c.head and c.unit:
        out.append(v["text.head_of"] + f": {c.unit}")
    if res.scope.unstated is not None and not res.scope.reason:
        out.append(f"{v['text.scope']}: {ex.unstated(res.scope.unstated, c.group)}")
    if res.verdict == "out_of_scope" or res.decision.scope_open:
        sc = res.scope
        out.append(f"{v['text.scope']}: {ex.scope_reason(sc, c.kind)}")
        if sc.quote:
            out.append(f"      {sc.clause}: “{sc.quote}”")
        if sc.note:
            out.append(f"      {v['text.note']}" + " ".join(sc.note.get(lang).split()))
    if res.submission:
        sub = res.submission
        out.append(
            v["text.nomination"]
            + f": {SUBMISSION_LABELS[lang][sub.outcome]} — {ex.submission_reason(sub)}"
            + (f" ({sub.clause})" if sub.clause else "")
        )
        if sub.outcome not in ("on_time", "not_checked"):
            out.append(f"      {sub.clause}: “{sub.quote}”")
    awards = {a.id: a for a in m.awards}
    width = max(len(ex.outcome(o)) for o in mark)
    for title, items in (
        (v["text.criteria"], res.criteria),
        (v["text.disqualifiers"], res.disqualifiers),
        (v["text.award_conditions"], res.conditions),
    ):
        if not items:
            continue
        out += ["", f"{title}:"]
        for rr in items:
            head = f"{mark.get(rr.outcome, ' ')} {ex.outcome(rr.outcome):<{width}}"
            out += _explain_rule(rr, head, awards, c.unit, ex)
    if alloc is not None:
        out += allocation_lines(ev, res, alloc, lang)
    return "\n".join(out) + "\n"


def _explain_rule(rr: RuleResult, head: str, awards: dict[str, Any], unit: str | None, ex: Explainer) -> list[str]:
    """One rule of `explain`: its mark and outcome (`head`), label, clause and quote, the rule as
    written, the values it read, what was computed, the reason and the plan's note."""
    lang, v, spec = ex.lang, words(ex.lang), rr.rule.spec
    opt = "" if rr.rule.kind == "disqualifier" or rr.rule.required else v["text.optional"]
    a = awards.get(rr.rule.award or "")
    award = f" [{a.form.get(lang)} — {a.authority.get(lang)}]" if a is not None else ""
    out = [f"  {head} {spec.id} — {spec.label.get(lang)}{opt}{award}", f"      {spec.clause}: “{spec.quote}”"]
    scope = f" ({v['text.scope_unit'].format(unit=unit)})" if spec.scope == "unit" else ""
    out.append(f"      {v['text.rule']}{spec.rule}{scope}")
    values = ex.values_read(rr)
    if values:
        shown = "; ".join(f"{k} = {fmt_value(x, k, ex.cat, lang)}" for k, x in values.items())
        out.append("      " + v["text.read"] + shown)
    out += [f"      = {line}" for line in [*ex.dated(rr), *ex.computed(rr)]]
    out.append(f"      → {ex.reason(rr)}")
    if spec.note:
        out.append("      " + v["text.note"] + " ".join(spec.note.get(lang).split()))
    return out


def allocation_lines(ev: Evaluation, res: CandidateResult, alloc: Any, lang: str) -> list[str]:
    """Where the candidate stands in each award's ranking, and why."""
    from engine.explain.ranking import outside_text, passed_text

    v = words(lang)
    out = ["", v["text.ranking"]]
    awards = {a.id: a for a in ev.campaign.model.awards}
    for o in alloc.outside:  # a per-unit award whose lists it is in none of
        if o.id == res.id:
            a = awards[o.award_id]
            out.append(f"  {a.form.get(lang)} ({a.authority.get(lang)}): {outside_text(o.place, lang)}")
            out.append(f"      {o.place.clause}: “{o.place.quote}”")
    for g in alloc.groups:  # a list whose own conditions it does not meet
        for p in g.passed_over:
            if p.id == res.id:
                a = awards[g.award_id]
                out.append(f"  {a.form.get(lang)} ({a.authority.get(lang)}): {passed_text(p, lang)}")
    places = alloc.find(res.id)
    if not places and len(out) > 2:
        return out
    if not places:
        if res.verdict == "eligible":
            out.append("  " + v["text.no_award"])
        else:
            out.append("  " + v["text.not_ranked"])
        return out
    from engine.explain.ranking import key_texts, shortfall_text

    for g, r in places:
        award = awards[g.award_id]
        quota = str(g.quota) if g.quota is not None else v["text.no_quota"]
        under = f" — {words(lang)['award.under']} {g.under}" if g.under else ""
        out.append(
            f"  {award.form.get(lang)} ({award.authority.get(lang)}){under}: {v['text.' + r.status]}; "
            + v["text.rank_quota"].format(rank=r.rank, pool=g.pool, quota=quota)
        )
        for label, order, text in key_texts(ev.campaign, g.group, r, lang):
            out.append(f"      {label} ({v['text.order_' + order]}): {text}")
        sf = shortfall_text(ev.campaign, g.group, r, lang)
        if sf is not None:
            out.append("      " + v["text.below_last"] + f"({sf.last_selected}) — {sf.label}: {sf.mine} < {sf.theirs}")
        if r.status == "tie":
            out.append("      " + v["text.slots_left"] + str(g.slots_left))
    return out
