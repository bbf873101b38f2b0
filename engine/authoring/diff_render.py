"""Print a `CampaignDiff` for people (text, Vietnamese labels by default) or for tools (JSON).

Text reads top to bottom: the two plans, a one-line count per section, each section's
changes (`+` added, `-` removed, `~` changed, rules differing only by the plan's year on one
line), then the impact — candidates grouped by how their verdict changed and why.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from engine.authoring.diff import CampaignDiff, Change, ImpactRow, w
from engine.common.message import Msg
from engine.explain.reasons import VERDICT_LABELS, T
from engine.model.schema import CampaignModel
from engine.model.vocabulary import say, words

WIDTH = 100
MARK = {"added": "+", "removed": "-", "changed": "~"}


def _plan(m: CampaignModel) -> str:
    d = m.document
    return f"{m.id}: {d.kind} {d.number or '…'}, {d.date_text} — {d.issuer}"


def diff_text(d: CampaignDiff) -> str:
    lang = d.lang
    out = [
        w("title", lang).format(old=d.old.id, new=d.new.id),
        f"  {w('old', lang)}: {_plan(d.old)}",
        f"  {w('new', lang)}: {_plan(d.new)}",
    ]
    counts = []
    for s in d.sections:
        n = {k: sum(1 for c in s.changes if c.kind == k) for k in MARK}
        if any(n.values()):
            parts = [f"{MARK[k]}{n[k]}" for k in MARK if n[k]]
            counts.append(f"{w(s.key, lang)} {' '.join(parts)}")
    out += textwrap.wrap("; ".join(counts) or w("no_change", lang), WIDTH, initial_indent="  ", subsequent_indent="  ")
    if any(f[0] == w("quote", lang) for s in d.sections for c in s.changes for f in c.fields):
        out.append("  " + w("quotes_legend", lang))
    for s in d.sections:
        if not s.changes:
            continue
        out += ["", w(s.key, lang)]
        year_only = [c for c in s.changes if c.year_only]
        for c in s.changes:
            if not c.year_only:
                out += _change(c, lang)
        if year_only:
            years = f"{d.old.period.end.year} → {d.new.period.end.year}"
            text = f"{w('year_only', lang)} ({years}): " + ", ".join(c.id for c in year_only)
            out += textwrap.wrap(text, WIDTH, initial_indent="  = ", subsequent_indent="      ")
    if d.impact is not None:
        out += _impact(d, lang)
    return "\n".join(out) + "\n"


def _change(c: Change, lang: str) -> list[str]:
    head = f"  {MARK[c.kind]} " + " — ".join(x for x in (c.id, c.title) if x)
    if c.renamed_from:
        head += f" ({w('renamed', lang)} {c.renamed_from})"
    if not c.id and not c.title:
        head = ""
    lines = [head] if head else []
    indent = "      " if head else "  ~ "
    if c.details:
        lines += _details(c.details, lang)
    for name, old, new in c.fields:
        text = f"{name}: {new}" if old == "" else f"{name}: {old} → {new}"
        lines += textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent="          ")
    return lines


def _word(key: str, lang: str) -> str:
    return words(lang).section("diff").get(key, key)


def _details(details: list[tuple[str, str]], lang: str) -> list[str]:
    """An added or removed item in one line where it can: `II.2.a · collective · rule: …`."""
    d = dict(details)
    first = [d.pop(k) for k in ("clause", "group") if k in d]
    if "rule" in d:
        first.append(f"{w('rule', lang)}: {d.pop('rule')}")
    lines = []
    if first:
        lines += textwrap.wrap(" · ".join(first), WIDTH, initial_indent="      ", subsequent_indent="        ")
    for key, value in d.items():
        lines += textwrap.wrap(
            f"{_word(key, lang)}: {value}", WIDTH, initial_indent="      ", subsequent_indent="        "
        )
    return lines


def _outcome(o: str | None, lang: str) -> str:
    if o is None:
        return w("absent", lang)
    if o == "optional":
        return w("no_longer_required", lang)
    return T[lang].get(o, o).lower() if o != "unknown" else T[lang]["unknown"]


def _rules(row: ImpactRow, lang: str) -> str:
    """The rules that made the difference, gathered by how their outcome changed."""
    by: dict[tuple[str | None, str | None], list[str]] = {}
    for rid, a, b in row.rules:
        by.setdefault((a, b), []).append(rid)
    parts = []
    for (a, b), ids in by.items():
        if a is None:
            head = f"{w('new_rule', lang)}, {_outcome(b, lang)}"
        elif b is None:
            head = f"{w('rule_removed', lang)} ({_outcome(a, lang)})"
        else:
            head = f"{_outcome(a, lang)} → {_outcome(b, lang)}"
        parts.append(f"{head}: {', '.join(ids)}")
    return "; ".join([*row.notes, *parts])


def _impact(d: CampaignDiff, lang: str) -> list[str]:
    im = d.impact
    assert im is not None
    head = say(Msg("diff.impact_head", n=im.total, as_of=im.as_of), lang)
    out = ["", f"{w('impact', lang)}: {im.facts} ({head})"]
    note = w("impact_note", lang)
    out += textwrap.wrap(note, WIDTH, initial_indent="  ", subsequent_indent="  ")
    if im.missing_facts:
        head = "  " + w("facts_lacking", lang)
        out += textwrap.wrap(
            head + "; ".join(f"{label} ({key})" for key, label in im.missing_facts),
            WIDTH,
            subsequent_indent="    ",
        )
    labels = VERDICT_LABELS[lang]
    out += ["", f"{w('verdicts', lang)} ({len(im.verdicts)})"]
    if not im.verdicts:
        out.append("  " + w("unchanged", lang))
    for (old, new, why), rows in _grouped(im.verdicts, lambda r: _rules(r, lang)):
        out.append(f"  {labels[old]} → {labels[new]} ({len(rows)})")
        names = ", ".join(f"{r.name} ({r.id})" for r in rows)
        out += textwrap.wrap(names, WIDTH, initial_indent="      ", subsequent_indent="      ")
        if why:
            out += textwrap.wrap(
                f"{w('because', lang)}: {why}", WIDTH, initial_indent="      ", subsequent_indent="        "
            )
    out += ["", f"{w('selection', lang)} ({len(im.selection)})"]
    if not im.selection:
        out.append("  " + w("unchanged", lang))
    for (old, new, why), rows in _grouped(im.selection, lambda r: "; ".join(r.notes)):
        out.append(f"  {_status(old, lang)} → {_status(new, lang)} ({len(rows)})")
        names = ", ".join(f"{r.name} ({r.id})" for r in rows)
        out += textwrap.wrap(names, WIDTH, initial_indent="      ", subsequent_indent="      ")
        if why:
            out.append(f"      {w('because', lang)}: {why}")
    return out


def _status(s: str, lang: str) -> str:
    return w("not_proposed" if s == "none" else s, lang)


def _grouped(rows: list[ImpactRow], why: Any) -> list[tuple[tuple[str, str, str], list[ImpactRow]]]:
    groups: dict[tuple[str, str, str], list[ImpactRow]] = {}
    for r in rows:
        groups.setdefault((r.old, r.new, why(r)), []).append(r)
    return list(groups.items())


def diff_dict(d: CampaignDiff) -> dict[str, Any]:
    out: dict[str, Any] = {
        "old": d.old.id,
        "new": d.new.id,
        "sections": [
            {
                "section": s.key,
                "label": w(s.key, d.lang),
                "changes": [
                    {
                        "change": c.kind,
                        "id": c.id,
                        "title": c.title,
                        "renamed_from": c.renamed_from or None,
                        "year_only": c.year_only,
                        "details": {k: v for k, v in c.details},
                        "fields": [{"field": f, "old": o, "new": n} for f, o, n in c.fields],
                    }
                    for c in s.changes
                ],
            }
            for s in d.sections
        ],
    }
    if d.impact is not None:
        im = d.impact

        def row(r: ImpactRow) -> dict[str, Any]:
            return {
                "id": r.id,
                "name": r.name,
                "old": r.old,
                "new": r.new,
                "rules": [{"id": i, "old": a, "new": b} for i, a, b in r.rules],
                "notes": r.notes,
            }

        out["impact"] = {
            "facts": im.facts,
            "as_of": im.as_of.isoformat(),
            "candidates": im.total,
            "verdicts": [row(r) for r in im.verdicts],
            "selection": [row(r) for r in im.selection],
            "missing_facts": [k for k, _ in im.missing_facts],
        }
    return out


def diff_json(d: CampaignDiff) -> str:
    return json.dumps(diff_dict(d), ensure_ascii=False, indent=2) + "\n"
