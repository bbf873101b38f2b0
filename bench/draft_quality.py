"""How well the pattern library drafts the five shipped campaigns (issue 28, docs/draft-quality.md).

    python bench/draft_quality.py            # the tables: full run and leave-one-out, with the misses
    python bench/draft_quality.py --plan uong_bi_2024
    python bench/draft_quality.py --draft    # whole drafts (draftcore's draft_text), once merged
    python bench/draft_quality.py --write    # the tables into docs/draft-quality.md (--check: current?)

The per-sentence measure: for every item of each shipped campaign (groups, criteria and award
conditions, disqualifiers, awards with their quotas, the nomination's deadline, channels, documents
and late-file decision, the period), the plan's sentences holding its quote are found in
`../shared/plans/<source>` (a minimal reading: NFC, whitespace folded, a line that starts in lower
case joined to the one before — draftcore's `normalise` replaces it once merged); each becomes a
`Sentence` (the clause from the campaign item, the section kind from the item's kind, the group
from the item's group), and `Library.propose` is asked for it. An item is *proposed* when a
proposal of its kind quotes words overlapping its quote; *identical* when one such proposal's rule
is the campaign's, compared as trees parsed by the engine's own parser (engine.lang.parse), or —
for the kinds with no rule — its key fields (`KEYS` below) are the campaign's.

The leave-one-out run loads the library without the phrasings written only from the measured plan
(`load_library(exclude_plan=P)`): the honest number for a sixth plan.

`measure_draft` compares a whole `Draft` (draftcore's `draft_text`) with a campaign the same way;
`--draft` runs it over the five plans once both halves are merged (before, it says so and stops).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine.authoring.draft as draft_package  # noqa: E402
from engine.authoring.draft.patterns import (  # noqa: E402
    PLANS,
    ItemKind,
    Library,
    Proposal,
    SectionKind,
    Sentence,
    load_library,
)
from engine.lang.ir import Node  # noqa: E402
from engine.lang.parse import RuleError, parse_rule  # noqa: E402
from engine.model.catalogue import campaigns_dir, load_catalogue  # noqa: E402

# draftcore's half (`read_plan`, `draft_text`): there once the lead merges it; None before. Read by
# name, so this file type-checks the same with and without it.
DRAFT_TEXT: Callable[..., Any] | None = getattr(draft_package, "draft_text", None)
READ_PLAN: Callable[[Path], str] | None = getattr(draft_package, "read_plan", None)

PLANS_DIR = ROOT.parent / "shared" / "plans"
# the rows of the tables: the measure's kind, the proposals' kind it reads, the section it asks in
ROWS: tuple[tuple[str, ItemKind, SectionKind], ...] = (
    ("group", "group", "subjects"),
    ("criterion", "criterion", "criteria"),
    ("disqualifier", "disqualifier", "exclusions"),
    ("award", "award", "awards"),
    ("deadline", "deadline", "timeline"),
    ("channels", "deadline", "timeline"),
    ("document", "document", "dossier"),
    ("late", "late", "timeline"),
    ("period", "period", "period"),
)
MAX_BLOCK = 15  # lines: a Đối tượng part longer than this is not one block
PROPOSAL_KIND = {row: kind for row, kind, _ in ROWS}
SECTION = {row: section for row, _, section in ROWS}


# ---------------------------------------------------------------- the plan's text


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in the plan file
    text: str  # folded
    start: int  # offset in the folded plan (lines joined by one space)


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("(il)", "(i1)").split())


_ITEM = re.compile(r"^[a-zđ]\) ")  # "a) …": a list item, not a broken sentence


def plan_lines(text: str) -> list[Line]:
    """The plan's non-empty lines, folded; a line starting in lower case continues the one before
    (a sentence broken by the copy, as "Khen\\n\\nthưởng" in Sở Y tế 2024)."""
    merged: list[tuple[int, str]] = []
    for i, raw in enumerate(text.splitlines(), start=1):
        line = fold(raw)
        if not line:
            continue
        if merged and line[0].islower() and not _ITEM.match(line):
            merged[-1] = (merged[-1][0], merged[-1][1] + " " + line)
        else:
            merged.append((i, line))
    out: list[Line] = []
    offset = 0
    for number, line in merged:
        out.append(Line(number, line, offset))
        offset += len(line) + 1
    return out


def locate(lines: Sequence[Line], quote: str) -> tuple[int, int] | None:
    """The quote's span in the folded plan (its first occurrence), or None."""
    whole = " ".join(line.text for line in lines)
    at = whole.find(fold(quote))
    return None if at < 0 else (at, at + len(fold(quote)))


def covering(lines: Sequence[Line], span: tuple[int, int]) -> list[Line]:
    return [line for line in lines if line.start < span[1] and span[0] < line.start + len(line.text)]


# ---------------------------------------------------------------- the campaign's items


@dataclass(frozen=True)
class Item:
    plan: str
    row: str  # one of ROWS
    id: str
    clause: str
    quote: str
    group: str | None  # collective / individual
    want: Mapping[str, Any]  # what the comparison reads


def campaign_items(doc: Mapping[str, Any]) -> list[Item]:
    """Every item of a campaign file (its YAML as data) the measure looks for."""
    cid = str(doc["id"])
    groups = doc.get("groups") or {}
    who = {g: ("collective" if v.get("candidates") == "unit" else "individual") for g, v in groups.items()}
    out: list[Item] = []
    for g, spec in groups.items():
        quotes = [spec["quote"]] + [
            lim["quote"] for lim in [*spec.get("workplaces", []), *spec.get("parents", [])] if lim.get("quote")
        ]
        want = {"candidates": spec.get("candidates"), "kinds": sorted(spec.get("kinds", [])), "quotes": quotes}
        out.append(Item(cid, "group", g, spec["clause"], spec["quote"], who[g], want))
    for key, row in (("criteria", "criterion"), ("disqualifiers", "disqualifier")):
        for c in doc.get(key) or []:
            out.append(Item(cid, row, c["id"], c["clause"], c["quote"], who.get(c.get("group")), {"rule": c["rule"]}))
    for a in doc.get("awards") or []:
        want = {"form": a["form"]["vi"], "level": a.get("level"), "quotas": a.get("quotas") or {}}
        out.append(Item(cid, "award", a["id"], a["clause"], a["quote"], None, want))
        for c in a.get("conditions") or []:
            out.append(
                Item(cid, "criterion", c["id"], c["clause"], c["quote"], who.get(c.get("group")), {"rule": c["rule"]})
            )
    out.extend(_nomination_items(cid, doc))
    period = doc.get("period")
    if period and period.get("quote"):
        want = {**period, "issued": (doc.get("document") or {}).get("date")}
        out.append(Item(cid, "period", "period", period["clause"], period["quote"], None, want))
    return out


def _nomination_items(cid: str, doc: Mapping[str, Any]) -> list[Item]:
    nom = doc.get("nomination") or {}
    out: list[Item] = []
    if nom.get("quote"):
        want = {"deadline": nom.get("deadline"), "inclusive": nom.get("inclusive", True)}
        out.append(Item(cid, "deadline", "deadline", nom["clause"], nom["quote"], None, want))
    channels = nom.get("channels") or {}
    if channels.get("quote"):
        want = {"accepted": sorted(channels.get("accepted", []))}
        out.append(Item(cid, "channels", "channels", channels["clause"], channels["quote"], None, want))
    if nom.get("documents_quote"):
        want = {"documents": sorted(nom.get("documents", [])), "copies": nom.get("copies")}
        clause = nom.get("documents_clause") or nom["clause"]
        out.append(Item(cid, "document", "documents", clause, nom["documents_quote"], None, want))
    late = nom.get("late") or {}
    if late.get("quote"):
        out.append(Item(cid, "late", "late", late["clause"], late["quote"], None, {"decision": late.get("decision")}))
    return out


# ---------------------------------------------------------------- comparing


def canonical(node: Node) -> Any:
    """A parsed rule as a tree of plain values: the kind of each node and its fields, without the
    positions (`col`, `idx`) — two spellings of one expression compare equal."""
    parts: list[Any] = [type(node).__name__, str(node.type)]
    for f in dataclasses.fields(node):
        if f.name in ("col", "idx", "type"):
            continue
        value = getattr(node, f.name)
        if isinstance(value, Node):
            value = canonical(value)
        elif isinstance(value, list):
            value = tuple(canonical(v) if isinstance(v, Node) else v for v in value)
        elif isinstance(value, dict):
            value = tuple(sorted(value.items(), key=str))
        parts.append((f.name, value))
    return tuple(parts)


def same_rule(a: str, b: str) -> bool:
    cat = load_catalogue()
    try:
        return bool(canonical(parse_rule(a, cat)) == canonical(parse_rule(b, cat)))
    except RuleError:
        return False


def _same_deadline(item: Item, got: Sequence[Mapping[str, Any]]) -> bool:
    want = item.want["deadline"] or {}
    for f in got:
        have = f.get("deadline") or {}
        if set(have) != set(want) or f.get("inclusive", True) != item.want["inclusive"]:
            continue
        if "event" in want or all(str(have[k]) == str(want[k]) for k in want):
            return True  # an event's words are the author's: its kind is compared, not its text
    return False


def _same_award(item: Item, got: Sequence[Mapping[str, Any]], quotas: Sequence[Mapping[str, Any]]) -> bool:
    want = item.want
    keys = [k for k in ("collective", "individual") if k in want["quotas"]]
    for f in got:
        form = (f.get("form") or {}).get("vi", "")
        have_quotas = f.get("quotas") or (quotas[0].get("quotas") if len(quotas) == 1 else None) or {}
        if form.casefold() != str(want["form"]).casefold() or f.get("level") != want["level"]:
            continue
        if all(have_quotas.get(k) == want["quotas"].get(k) for k in keys):
            return True
    return False


def _same_period(item: Item, got: Sequence[Mapping[str, Any]]) -> bool:
    want = item.want
    for f in got:
        start = f.get("start")
        start_ok = start == want.get("start") or (start is None and want.get("start") in (None, want.get("issued")))
        if (
            start_ok
            and str(f.get("end")) == str(want.get("end"))
            and f.get("end_inclusive") == want.get("end_inclusive")
            and bool(f.get("yearly")) == bool(want.get("yearly"))
        ):
            return True
    return False


def identical(item: Item, got: Sequence[Mapping[str, Any]], sentence_quotas: Sequence[Mapping[str, Any]] = ()) -> bool:
    """Whether the proposals' fields for the item (`got`: those overlapping its quote) are the
    campaign's: the rule as a parsed tree, or the kind's key fields."""
    row = item.row
    if row in ("criterion", "disqualifier"):
        return any(isinstance(f.get("rule"), str) and same_rule(f["rule"], item.want["rule"]) for f in got)
    if row == "group":
        kinds = sorted({k for f in got if f.get("candidates") == item.want["candidates"] for k in f.get("kinds", [])})
        return bool(kinds == item.want["kinds"])
    if row == "award":
        return _same_award(item, got, sentence_quotas)
    if row == "deadline":
        return _same_deadline(item, got)
    if row == "channels":
        return any(sorted((f.get("channels") or {}).get("accepted", [])) == item.want["accepted"] for f in got)
    if row == "document":
        docs = sorted({d for f in got for d in f.get("documents", [])})
        copies = next((f["copies"] for f in got if "copies" in f), None)
        return bool(docs == item.want["documents"] and copies == item.want["copies"])
    if row == "late":
        return any(f.get("decision") == item.want["decision"] for f in got)
    if row == "period":
        return _same_period(item, got)
    return False


def _relevant(row: str, p: Proposal) -> bool:
    """A proposal of the row's kind that carries the row's fields (a deadline proposal may carry
    the date, the channels, or both)."""
    if p.kind != PROPOSAL_KIND[row]:
        return False
    if row == "deadline":
        return "deadline" in p.fields
    if row == "channels":
        return "channels" in p.fields
    return True


# ---------------------------------------------------------------- the per-sentence measure


@dataclass(frozen=True)
class Outcome:
    item: Item
    located: bool  # the quote is in the plan's text
    proposed: bool
    same: bool
    got: tuple[str, ...]  # what was proposed, for the misses


def measure_plan(doc: Mapping[str, Any], text: str, library: Library) -> list[Outcome]:
    lines = plan_lines(text)
    out: list[Outcome] = []
    items = campaign_items(doc)
    group_quotes = [q for it in items if it.row == "group" for q in it.want["quotes"]]
    for item in items:
        span = locate(lines, item.quote)
        if span is None:
            out.append(Outcome(item, False, False, False, ()))
            continue
        got, quotas = _proposals(item, lines, [span], library)
        same = bool(got) and identical(item, [p.fields for p in got], [p.fields for p in quotas])
        if item.row == "group" and not same:  # or read from the whole of Đối tượng (every group's lines)
            block = _block(lines, [s for q in group_quotes if (s := locate(lines, q)) is not None])
            whole, _ = _proposals(item, lines, block, library, anywhere=True)
            same = identical(item, [p.fields for p in whole])
        out.append(Outcome(item, True, bool(got) or same, same, tuple(_shown(p) for p in got)))
    return out


def _block(lines: Sequence[Line], spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lines from the first span to the last, when they are close (one Đối tượng part); else
    the spans themselves."""
    if not spans:
        return []
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    inside = [line for line in lines if lo <= line.start + len(line.text) and line.start <= hi]
    if len(inside) > MAX_BLOCK:
        return list(spans)
    return [(line.start, line.start + len(line.text)) for line in inside]


def _proposals(
    item: Item,
    lines: Sequence[Line],
    spans: Sequence[tuple[int, int]],
    library: Library,
    anywhere: bool = False,
) -> tuple[list[Proposal], list[Proposal]]:
    got: list[Proposal] = []
    quotas: list[Proposal] = []
    seen: set[int] = set()
    for span in spans:
        for line in covering(lines, span):
            if line.number in seen:
                continue
            seen.add(line.number)
            sentence = Sentence(item.clause, line.text, (), SECTION[item.row], line.number, item.group)
            for p in library.propose(sentence):
                at = line.text.find(p.quote)
                lo, hi = line.start + at, line.start + at + len(p.quote)
                overlaps = anywhere or (at >= 0 and any(lo < s[1] and s[0] < hi for s in spans))
                if p.kind == "quota":
                    quotas.append(p)
                elif overlaps and _relevant(item.row, p):
                    got.append(p)
    return got, quotas


def _shown(p: Proposal) -> str:
    f = p.fields
    if "rule" in f:
        return f"{p.pattern}: {f['rule']}"
    keep = {k: v for k, v in f.items() if k not in ("id", "label", "authority")}
    return f"{p.pattern}: { {k: _plain(v) for k, v in keep.items()} }"


# ---------------------------------------------------------------- the whole draft (draftcore)


def measure_draft(doc: Mapping[str, Any], draft: Any) -> list[Outcome]:
    """The campaign's items against a whole `Draft` (engine.authoring.draft.Draft): an item is
    found when a draft item of its kind quotes words overlapping its quote with the same clause,
    and identical as above. `located` here means the draft found the clause and the quote."""
    out: list[Outcome] = []
    for item in campaign_items(doc):
        kind = PROPOSAL_KIND[item.row]
        mine = [d for d in draft.items if d.kind == kind and _overlap(d.quote, item.quote)]
        clause_ok = any(d.clause == item.clause for d in mine)
        fields = [d.fields for d in mine if d.pattern is not None]
        quotas = [d.fields for d in draft.items if d.kind == "quota" and _overlap(d.quote, item.quote)]
        same = bool(fields) and identical(item, fields, quotas)
        out.append(Outcome(item, clause_ok, bool(fields), same, tuple(str(d.pattern) for d in mine)))
    return out


def run_drafts(plans: Iterable[str], loo: bool) -> list[Outcome]:
    """Each plan drafted whole by draftcore's `draft_text` and measured by `measure_draft`."""
    if DRAFT_TEXT is None or READ_PLAN is None:
        raise SystemExit("engine.authoring.draft has no draft_text yet (draftcore's half is not merged)")
    docs = campaigns()
    out: list[Outcome] = []
    for plan in plans:
        library = load_library(exclude_plan=plan) if loo else load_library()
        text = READ_PLAN(PLANS_DIR / str(docs[plan]["document"]["source"]))
        out.extend(measure_draft(docs[plan], DRAFT_TEXT(text, plan, library)))
    return out


def _overlap(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return bool(fa) and bool(fb) and (fa in fb or fb in fa)


# ---------------------------------------------------------------- the tables


def campaigns() -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for plan in PLANS:
        with (campaigns_dir() / f"{plan}.yaml").open(encoding="utf-8") as f:
            out[plan] = yaml.safe_load(f)
    return out


def run(plans: Iterable[str], loo: bool) -> list[Outcome]:
    docs = campaigns()
    full = None if loo else load_library()
    out: list[Outcome] = []
    for plan in plans:
        library = load_library(exclude_plan=plan) if loo else full
        assert library is not None
        text = (PLANS_DIR / str(docs[plan]["document"]["source"])).read_text(encoding="utf-8")
        out.extend(measure_plan(docs[plan], text, library))
    return out


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}% ({n}/{d})" if d else "—"


def table(outcomes: Sequence[Outcome], by: Callable[[Outcome], str], keys: Sequence[str]) -> list[str]:
    lines = ["| | items | quote found | proposed | identical |", "|---|---:|---:|---:|---:|"]
    for key in [*keys, "all"]:
        mine = [o for o in outcomes if key == "all" or by(o) == key]
        if not mine:
            continue
        n = len(mine)
        name = f"**{key}**" if key == "all" else key
        located = _pct(sum(o.located for o in mine), n)
        proposed = _pct(sum(o.proposed for o in mine), n)
        lines.append(f"| {name} | {n} | {located} | {proposed} | {_pct(sum(o.same for o in mine), n)} |")
    return lines


_NOT_SHOWN = ("quotes", "issued", "clause", "quote", "note")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def misses(outcomes: Sequence[Outcome]) -> list[str]:
    out = []
    for o in outcomes:
        if o.same:
            continue
        it = o.item
        why = "quote not found" if not o.located else ("no proposal" if not o.proposed else "different")
        got = f" — proposed {'; '.join(o.got)}" if o.got else ""
        want = it.want.get("rule") or {k: _plain(v) for k, v in it.want.items() if k not in _NOT_SHOWN}
        out.append(f"- `{it.plan}` {it.row} `{it.id}` ({it.clause}): {why}; campaign: `{want}`{got}")
    return out


def _share(outcomes: Sequence[Outcome]) -> str:
    return _pct(sum(o.same for o in outcomes), len(outcomes))


def _rules(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.item.row in ("criterion", "disqualifier")]


def report(plans: Sequence[str], whole: bool = False) -> str:
    """The tables of both runs: per sentence (`run`), or of whole drafts (`run_drafts`), where the
    column "quote found" says the share of items whose clause and quote the draft found."""
    rows = [r for r, _, _ in ROWS]
    measure = run_drafts if whole else run
    runs = {loo: measure(plans, loo) for loo in (False, True)}
    full, loo = runs[False], runs[True]
    per_plan = ", ".join(f"{p} {_share([o for o in loo if o.item.plan == p])}" for p in plans)
    found = f"{_pct(sum(o.located for o in loo), len(loo))} (full run: {_pct(sum(o.located for o in full), len(full))})"
    parts = [f"Clauses and quotes found by the whole draft, leave-one-out: **{found}**.", ""] if whole else []
    parts += [
        f"In short: on the leave-one-out run, **{_share(_rules(loo))} of the rules** (criteria and disqualifiers)",
        f"and {_share(loo)} of all items are proposed identically; on the full run, {_share(_rules(full))} of the",
        f"rules and {_share(full)} of the items. Leave-one-out, per plan (all items): {per_plan}.",
        "",
    ]
    for title, outcomes in (
        ("Full run (every phrasing)", full),
        ("Leave-one-out (phrasings from the other four plans)", loo),
    ):
        said = f"Rules (criteria and disqualifiers) proposed identically: {_share(_rules(outcomes))}."
        parts += [f"### {title}", "", said, "", "By kind:", "", *table(outcomes, lambda o: o.item.row, rows), ""]
        parts += ["By plan:", "", *table(outcomes, lambda o: o.item.plan, plans), ""]
        parts += ["Misses:", "", *(misses(outcomes) or ["- none"]), ""]
    return "\n".join(parts)


DOC = ROOT / "docs" / "draft-quality.md"
BEGIN, END = "<!-- measured: bench/draft_quality.py --write -->", "<!-- end of the measured part -->"
DRAFT_BEGIN = "<!-- measured: bench/draft_quality.py --draft --write -->"
DRAFT_END = "<!-- end of the measured whole drafts -->"


def refreshed(doc: str, measured: str, whole: bool = False) -> str:
    """The page with its measured part (between the two marks: per sentence, or whole drafts) replaced."""
    begin, end = (DRAFT_BEGIN, DRAFT_END) if whole else (BEGIN, END)
    if begin not in doc:
        return f"{doc.rstrip()}\n\n{begin}\n\n{measured.strip()}\n\n{end}\n"
    head, _, rest = doc.partition(begin)
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n\n{measured.strip()}\n\n{end}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--plan", action="append", choices=PLANS, help="measure only this plan (repeatable)")
    parser.add_argument("--draft", action="store_true", help="measure whole drafts (draftcore's draft_text)")
    parser.add_argument("--write", action="store_true", help=f"write the tables into {DOC.name}")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when {DOC.name} is not current")
    args = parser.parse_args(argv)
    measured = report(args.plan or list(PLANS), whole=args.draft)
    if not (args.write or args.check):
        print(measured)
        return 0
    doc = DOC.read_text(encoding="utf-8")
    new = refreshed(doc, measured, whole=args.draft)
    if args.check:
        return 0 if new == doc else 1
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
