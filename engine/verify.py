"""Re-create a saved JSON result from its inputs and say whether it still matches.

A saved `evaluate` or `award` JSON records the thidua version, the campaign id, the SHA-256 of
the campaign and facts files, the evaluation date, the deadline and the backend. `verify`
recomputes the result with the same settings and compares it with the saved one, naming the
inputs that changed and the candidates whose outcome differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import __version__
from engine.common.errors import Problem, UsageError
from engine.model.vocabulary import words

# verify has no --lang yet: its lines are English, from the vocabulary (section verify)
LANG = "en"


@dataclass
class Verification:
    matches: bool
    notes: list[str] = field(default_factory=list)  # inputs that changed, versions
    differences: list[str] = field(default_factory=list)  # what came out differently


def verify(report: Path, campaign_name: str, facts_path: Path | list[Path]) -> Verification:
    from engine.evaluate.allocate import allocate
    from engine.model.campaign import resolve_campaign_path
    from engine.pipeline import run
    from engine.render import award as render_award
    from engine.render import text as render

    saved = _load_report(report)
    v = words(LANG)
    out = Verification(matches=True)
    if saved.get("thidua_version") != __version__:
        out.notes.append(v["verify.version"].format(saved=saved.get("thidua_version"), now=__version__))
    campaign_sha = hashlib.sha256(resolve_campaign_path(campaign_name).read_bytes()).hexdigest()
    from engine.model.facts import inputs_sha
    from engine.readers import STDIN, input_files

    paths = input_files([facts_path] if isinstance(facts_path, Path) else facts_path)
    if any(str(p) == STDIN for p in paths):
        raise UsageError(Problem(STDIN, "verify reads files, not standard input", hint="save it to a file first"))
    facts_sha = inputs_sha([(str(p), hashlib.sha256(_read(p)).hexdigest()) for p in paths])
    inputs_changed = False
    if saved.get("campaign_sha256") != campaign_sha:
        inputs_changed = True
        saved_sha = str(saved.get("campaign_sha256"))[:12]
        out.notes.append(v["verify.campaign_changed"].format(now=campaign_sha[:12], saved=saved_sha))
    if saved.get("facts_sha256") != facts_sha:
        inputs_changed = True
        saved_sha = str(saved.get("facts_sha256"))[:12]
        out.notes.append(v["verify.facts_changed"].format(now=facts_sha[:12], saved=saved_sha))
    as_of = _day(saved.get("as_of"), report, "as_of")
    deadline = _day(saved.get("deadline"), report, "deadline")
    backend = saved.get("backend") or "native"
    round_year = saved.get("round") if isinstance(saved.get("round"), int) else None
    ev = run(campaign_name, paths, as_of=as_of, deadline=deadline, backend=str(backend), round_year=round_year)
    if "awards" in saved:
        decision = _day(saved.get("decision_date"), report, "decision_date")
        fresh = render_award.allocation_dict(allocate(ev, decision), _lang(saved))
        out.differences = _diff_awards(saved, fresh)
    else:
        fresh = render.evaluation_dict(ev, _lang(saved))
        out.differences = _diff_candidates(saved, fresh)
    if not out.differences and render.to_json(fresh) != render.to_json(saved):
        out.differences.append(v["verify.details_differ"])
    out.matches = not out.differences and not inputs_changed
    return out


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(Problem(str(path), "file not found")) from None


def _load_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(_read(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UsageError(
            Problem(str(path), f"not a thidua JSON result: {e}", hint="save one with --format json -o FILE")
        ) from None
    if not isinstance(data, dict) or "campaign_sha256" not in data:
        raise UsageError(
            Problem(
                str(path),
                "not a thidua JSON result (no campaign_sha256)",
                hint="save one with `thidua evaluate … --format json -o FILE`",
            )
        )
    return data


def _day(value: Any, report: Path, key: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(Problem(str(report), f"{key}: '{value}' is not a date")) from None


def _lang(saved: dict[str, Any]) -> str:
    return str(saved.get("lang") or "vi")


def _diff_candidates(saved: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    old = {c["id"]: c for c in saved.get("candidates", []) if isinstance(c, dict) and "id" in c}
    new = {c["id"]: c for c in fresh["candidates"]}
    v = words(LANG)
    out = []
    for cid in sorted(set(old) | set(new)):
        if cid not in new:
            out.append(v["verify.gone"].format(id=cid))
        elif cid not in old:
            out.append(v["verify.new"].format(id=cid))
        elif old[cid].get("verdict") != new[cid]["verdict"]:
            out.append(v["verify.verdict"].format(id=cid, was=old[cid].get("verdict"), now=new[cid]["verdict"]))
        else:
            for section in ("criteria", "disqualifiers"):
                before = {r.get("id"): r.get("outcome") for r in old[cid].get(section, [])}
                for r in new[cid][section]:
                    if before.get(r["id"]) != r["outcome"]:
                        was = before.get(r["id"])
                        out.append(v["verify.rule"].format(id=cid, rule=r["id"], was=was, now=r["outcome"]))
    return out


def _diff_awards(saved: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    def index(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        def key(a: dict[str, Any]) -> tuple[str, str]:  # a per-unit award has one row per unit (`under`)
            group = str(a.get("group")) + (f"/{a['under']}" if a.get("under") else "")
            return str(a.get("award")), group

        return {key(a): a for a in data.get("awards", []) if isinstance(a, dict)}

    old, new = index(saved), index(fresh)
    v = words(LANG)
    out = []
    for key in sorted(set(old) | set(new), key=str):
        a, b = old.get(key, {}), new.get(key, {})
        for part in ("selected", "reserve"):
            ids_a = [x.get("id") for x in a.get(part, [])]
            ids_b = [x.get("id") for x in b.get(part, [])]
            if ids_a != ids_b:
                out.append(v["verify.award_part"].format(award=key[0], group=key[1], part=part, was=ids_a, now=ids_b))
        if a.get("tie_at_cutoff") != b.get("tie_at_cutoff"):
            was, now = a.get("tie_at_cutoff"), b.get("tie_at_cutoff")
            out.append(
                v["verify.award_part"].format(award=key[0], group=key[1], part="tie_at_cutoff", was=was, now=now)
            )
    if saved.get("budget") != fresh.get("budget"):
        was, now = saved.get("budget", {}).get("total"), fresh["budget"].get("total")
        out.append(v["verify.budget"].format(was=was, now=now))
    return out
