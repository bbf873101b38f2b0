"""Re-create a saved JSON result from its inputs and say whether it still matches.

A saved `evaluate` or `award` JSON records the thidua version, the campaign id, the SHA-256 of
the campaign and facts files, the evaluation date, the deadline and the backend. `verify`
recomputes the result with the same settings and compares it with the saved one, naming the
inputs that changed and the candidates whose outcome differs. It says which settings those were
(as_of, deadline, round, backend), and warns when one is not the facts file's own — the result
was made with `--as-of` or `--round` on the command line, so the file alone does not reproduce
it (`thidua verify --strict` exits 1 then). A saved result is read as any JSON input is (size,
encoding, duplicate keys) and its parts are checked for shape before they are compared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import __version__
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, Text
from engine.model.facts import FactsFile
from engine.model.source import decode, load_json_text

# verify's lines (section verify of the vocabulary) are said in the reader's language of the moment
# (THIDUA_LANG, or --lang where the command line takes it): the command line prints them as they are


@dataclass
class Verification:
    matches: bool
    notes: list[Msg] = field(default_factory=list)  # the settings used, inputs that changed, versions
    differences: list[Msg] = field(default_factory=list)  # what came out differently
    warnings: list[Problem] = field(default_factory=list)  # settings that differ from the facts file's own


def verify(report: Path, campaign_name: str, facts_path: Path | list[Path]) -> Verification:
    from engine.evaluate.allocate import allocate
    from engine.model.campaign import resolve_campaign_path
    from engine.pipeline import run
    from engine.render import award as render_award
    from engine.render import text as render

    saved = _load_report(report)
    out = Verification(matches=True)
    if saved.get("thidua_version") != __version__:
        out.notes.append(Msg("verify.version", saved=_shown(saved.get("thidua_version")), now=__version__))
    campaign_sha = hashlib.sha256(resolve_campaign_path(campaign_name).read_bytes()).hexdigest()
    from engine.model.facts import inputs_sha
    from engine.readers import STDIN, input_files

    paths = input_files([facts_path] if isinstance(facts_path, Path) else facts_path)
    if any(str(p) == STDIN for p in paths):
        raise UsageError(Problem(STDIN, Msg("problem.verify_stdin"), hint=Msg("problem.verify_stdin_hint")))
    facts_sha = inputs_sha([(str(p), hashlib.sha256(_read(p)).hexdigest()) for p in paths])
    inputs_changed = False
    if saved.get("campaign_sha256") != campaign_sha:
        inputs_changed = True
        saved_sha = str(saved.get("campaign_sha256"))[:12]
        out.notes.append(Msg("verify.campaign_changed", now=campaign_sha[:12], saved=saved_sha))
    if saved.get("facts_sha256") != facts_sha:
        inputs_changed = True
        saved_sha = str(saved.get("facts_sha256"))[:12]
        out.notes.append(Msg("verify.facts_changed", now=facts_sha[:12], saved=saved_sha))
    as_of = _day(saved.get("as_of"), report, "as_of")
    deadline = _day(saved.get("deadline"), report, "deadline")
    backend = saved.get("backend") or "native"
    round_year = saved.get("round")
    ev = run(campaign_name, paths, as_of=as_of, deadline=deadline, backend=str(backend), round_year=round_year)
    out.notes.insert(0, Msg("verify.settings", **_settings(as_of, deadline, round_year, str(backend))))
    out.warnings = _settings_differ(report, ev.facts, as_of, deadline, round_year)
    if "awards" in saved:
        decision = _day(saved.get("decision_date"), report, "decision_date")
        fresh = render_award.allocation_dict(allocate(ev, decision), _lang(saved))
        out.differences = _diff_awards(saved, fresh)
    else:
        fresh = render.evaluation_dict(ev, _lang(saved))
        out.differences = _diff_candidates(saved, fresh)
    if not out.differences and render.to_json(fresh) != render.to_json(saved):
        out.differences.append(Msg("verify.details_differ"))
    out.matches = not out.differences and not inputs_changed
    return out


def _settings(as_of: dt.date | None, deadline: dt.date | None, round_year: int | None, backend: str) -> dict[str, str]:
    def day(d: dt.date | None) -> str:
        return d.isoformat() if d else "—"

    return {"as_of": day(as_of), "deadline": day(deadline), "round": str(round_year or "—"), "backend": backend}


def _settings_differ(
    report: Path, facts: FactsFile, as_of: dt.date | None, deadline: dt.date | None, round_year: int | None
) -> list[Problem]:
    """The settings the result was made with that are not the facts file's own (given on the
    command line, then): the same file read without them gives another result."""
    out: list[Msg] = []
    for key, made, own in (("as_of", as_of, facts.as_of), ("deadline", deadline, facts.deadline)):
        if own is not None and made != own:
            shown = made.isoformat() if made else "—"
            out.append(Msg("verify.setting_differs", setting=key, made=shown, own=own.isoformat()))
    if facts.round is not None and round_year != facts.round:
        out.append(Msg("verify.setting_differs", setting="round", made=_shown(round_year), own=str(facts.round)))
    return [Problem(str(report), text, severity="warning", hint=Msg("verify.setting_hint")) for text in out]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(
            Problem(str(path), Msg("problem.verify_not_found"), hint=Msg("problem.verify_not_found_hint"))
        ) from None


SAVE_HINT = Msg("problem.verify_save_hint")


def _load_report(path: Path) -> dict[str, Any]:
    try:
        data = load_json_text(decode(_read(path), str(path)), str(path)).data
    except UsageError as e:
        p = e.problems[0]
        raise UsageError(
            Problem(p.file, Msg("problem.verify_not_result_because", why=p.message), p.line, p.column, hint=SAVE_HINT)
        ) from None
    if not isinstance(data, dict) or "campaign_sha256" not in data:
        raise UsageError(Problem(str(path), Msg("problem.verify_not_result_sha"), hint=SAVE_HINT))
    where = _misshapen(data, SHAPE)
    if where:
        raise UsageError(Problem(str(path), Msg("problem.verify_not_result_because", why=where), hint=SAVE_HINT))
    return data


# what verify reads of a saved result, and the type each part must have (None: may be null)
_RULES = [{"id": str, "outcome": str}]
_RANKED = [{"id": str}]
SHAPE: dict[str, Any] = {
    "thidua_version": (str, None),
    "campaign": str,
    "campaign_sha256": str,
    "facts_sha256": str,
    "as_of": (str, None),
    "deadline": (str, None),
    "decision_date": (str, None),
    "round": (int, None),
    "backend": (str, None),
    "lang": (str, None),
    "candidates": [{"id": str, "verdict": str, "criteria": _RULES, "disqualifiers": _RULES}],
    "awards": [{"award": str, "group": str, "selected": _RANKED, "reserve": _RANKED, "tie_at_cutoff": (list, None)}],
    "budget": (dict, None),
}


def _misshapen(value: Any, shape: Any, where: str = "") -> Text:
    """'' when `value` has `shape` (keys not named are free); else where it does not, and why."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return _wrong(where, value, [dict])
        for key, inner in shape.items():
            if key in value:
                found = _misshapen(value[key], inner, f"{where}.{key}" if where else key)
                if found:
                    return found
        return ""
    if isinstance(shape, list):
        if not isinstance(value, list):
            return _wrong(where, value, [list])
        for i, item in enumerate(value):
            found = _misshapen(item, shape[0], f"{where}[{i}]")
            if found:
                return found
        return ""
    types = shape if isinstance(shape, tuple) else (shape,)
    if value is None and None in types:
        return ""
    wanted = tuple(t for t in types if t is not None)
    if isinstance(value, bool) or not isinstance(value, wanted):
        return _wrong(where, value, list(wanted))
    return ""


# what a JSON value is called: a vocabulary entry problem.verify_kind_<name>
_KINDS = {type(None): "null", bool: "bool", int: "number", float: "number", str: "text", list: "list", dict: "object"}


def _wrong(where: str, value: Any, wanted: list[type]) -> Msg:
    """`where` holds the wrong kind of value: what it holds, and what it should."""
    names = [Msg(f"problem.verify_kind_{'whole' if t is int else _KINDS[t]}") for t in wanted]
    return Msg(
        "problem.verify_shape",
        where=where or Msg("problem.verify_the_file"),
        found=Msg(f"problem.verify_kind_{_KINDS[type(value)]}"),
        wanted=names[0] if len(names) == 1 else Msg("problem.verify_or", first=names[0], second=names[1]),
    )


def _shown(value: Any) -> str:
    """A saved value as written (a list joined), '—' when there is none."""
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return "—" if value is None or value == "" else str(value)


def _day(value: Any, report: Path, key: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(
            Problem(str(report), Msg("problem.verify_not_date", value=str(value)), where=key, hint=SAVE_HINT)
        ) from None


def _lang(saved: dict[str, Any]) -> str:
    return str(saved.get("lang") or "vi")


def _diff_candidates(saved: dict[str, Any], fresh: dict[str, Any]) -> list[Msg]:
    old = {c["id"]: c for c in saved.get("candidates", []) if isinstance(c, dict) and "id" in c}
    new = {c["id"]: c for c in fresh["candidates"]}
    out = []
    for cid in sorted(set(old) | set(new)):
        if cid not in new:
            out.append(Msg("verify.gone", id=cid))
        elif cid not in old:
            out.append(Msg("verify.new", id=cid))
        elif old[cid].get("verdict") != new[cid]["verdict"]:
            was, now = _shown(old[cid].get("verdict")), new[cid]["verdict"]
            out.append(Msg("verify.verdict", id=cid, was=was, now=now))
        else:
            for section in ("criteria", "disqualifiers"):
                before = {r.get("id"): r.get("outcome") for r in old[cid].get(section, [])}
                for r in new[cid][section]:
                    if before.get(r["id"]) != r["outcome"]:
                        was = _shown(before.get(r["id"]))
                        out.append(Msg("verify.rule", id=cid, rule=r["id"], was=was, now=r["outcome"]))
    return out


def _diff_awards(saved: dict[str, Any], fresh: dict[str, Any]) -> list[Msg]:
    def index(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        def key(a: dict[str, Any]) -> tuple[str, str]:  # a per-unit award has one row per unit (`under`)
            group = str(a.get("group")) + (f"/{a['under']}" if a.get("under") else "")
            return str(a.get("award")), group

        return {key(a): a for a in data.get("awards", []) if isinstance(a, dict)}

    old, new = index(saved), index(fresh)
    out = []
    for key in sorted(set(old) | set(new), key=str):
        a, b = old.get(key, {}), new.get(key, {})
        for part in ("selected", "reserve"):
            ids_a = [x.get("id") for x in a.get(part, [])]
            ids_b = [x.get("id") for x in b.get(part, [])]
            if ids_a != ids_b:
                was, now = _shown(ids_a), _shown(ids_b)
                out.append(Msg("verify.award_part", award=key[0], group=key[1], part=part, was=was, now=now))
        if a.get("tie_at_cutoff") != b.get("tie_at_cutoff"):
            was, now = _shown(a.get("tie_at_cutoff")), _shown(b.get("tie_at_cutoff"))
            out.append(Msg("verify.award_part", award=key[0], group=key[1], part="tie_at_cutoff", was=was, now=now))
    if saved.get("budget") != _as_saved(saved.get("budget"), fresh.get("budget")):
        # a total is a number (written as the reader's language writes money), none is '—'
        totals = [(saved.get("budget") or {}).get("total"), fresh["budget"].get("total")]
        was, now = (_shown(t) if t is None else t for t in totals)
        out.append(Msg("verify.budget", was=was, now=now))
    return out


def _as_saved(saved: Any, fresh: Any) -> Any:
    """`fresh` cut to the keys `saved` has: a result saved before a field was added (the budget's
    `cited_decree`, `replacement`… of issue 22.9) is checked on what it holds (fields are only ever
    added, CONTRACT.md); a key it holds that is gone, or a changed value, still differs."""
    if isinstance(saved, dict) and isinstance(fresh, dict):
        return {k: _as_saved(saved[k], fresh[k]) for k in saved if k in fresh}
    if isinstance(saved, list) and isinstance(fresh, list) and len(saved) == len(fresh):
        return [_as_saved(s, f) for s, f in zip(saved, fresh, strict=True)]
    return fresh
