"""From a plan's sentences to a draft campaign: `draft_text`, `Draft`, `DraftItem`.

Each sentence of the plan (engine.authoring.draft.sections) is offered to the pattern library
(`Library.propose`, engine.authoring.draft.patterns); each proposal becomes an item with the
sentence's clause and the proposal's quote, marked `drafted: true` with the pattern's name. A
sentence with no proposal in a part that holds rules is still written, with its clause and quote and
`rule: TODO` (a criterion in Tiêu chí, a disqualifier in Không xét, an award, a deadline, a
document …); every other sentence under II and III is listed as read and not used. Nothing is
silently dropped. Groups come from the Đối tượng sentences (engine.authoring.draft.groups).

What cannot be read from the plan is written `TODO` — a value the reader refuses (TD801) until an
author writes it — and what was read is a proposal (`drafted: true`, TD802) until an author
confirms it and deletes the mark.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Protocol

from engine.authoring.draft.groups import kinds_in
from engine.authoring.draft.patterns import ItemKind, Proposal, Sentence
from engine.authoring.draft.sections import read_header, read_sentences
from engine.authoring.draft.words import calls_on, heads, says, word_kinds
from engine.authoring.draft.write import Draft as Draft
from engine.authoring.draft.write import DraftItem as DraftItem

# the part of a plan each kind of item comes from, for a sentence nothing proposes anything for
_TODO_KIND: Mapping[str, ItemKind] = {
    "criteria": "criterion",
    "exclusions": "disqualifier",
    "awards": "award",
    "dossier": "document",
    "timeline": "deadline",
    "period": "period",
}
_PIECE = re.compile(r"\S[^.;]*(?:[.;]|$)")  # a part of a sentence, up to its "." or ";"
_FEWEST = 4  # words: a shorter part ("Tốt;") is not an item
_SINGLE: frozenset[str] = frozenset({"deadline", "period", "late"})  # one a campaign
_HOME: Mapping[str, str] = {"period": "period", "deadline": "timeline", "late": "timeline"}  # where each is written


class Proposer(Protocol):
    """What `draft_text` asks: the pattern library, or any object with its `propose`."""

    def propose(self, sentence: Sentence) -> list[Proposal]: ...


def draft_text(text: str, name: str, library: Proposer) -> Draft:
    """Draft a campaign from a plan's normalised text (engine.authoring.draft.text.normalise);
    `name` is the plan's file name (the campaign's `document.source` and id); `library` proposes."""
    header = read_header(text)
    sentences = read_sentences(text)
    items: list[DraftItem] = list(_groups(sentences))
    items += [
        DraftItem("group", s.clause.split(" ")[0], s.text, {"candidates": "person"}, None, s.line, "head", s.section)
        for s in sentences
        if heads(s)
    ]
    unused: list[Sentence] = []
    used_subject = {(i.line, i.quote) for i in items}
    lines = text.split("\n")
    for s in sentences:
        proposals = [p for p in library.propose(s) if p.quote and p.quote in s.text]
        for p in proposals:
            items.append(DraftItem(p.kind, s.clause, p.quote, dict(p.fields), p.pattern, s.line, s.group, s.section))
        if (s.line, s.text) in used_subject or (s.section == "subjects" and _names_kinds(s)):
            continue
        todo = _todo_kinds(s, {p.kind for p in proposals}, items)
        quote = _marked_quote(s, lines)
        items += [DraftItem(k, s.clause, quote, {}, None, s.line, s.group, s.section) for k in todo]
        items += _rest(s, proposals, todo)
        if not proposals and not todo and _in_body(s):
            unused.append(s)
    kept, extra = _once(items)
    return Draft(header, tuple(kept), tuple(unused), text, name, tuple(extra))


def _todo_kinds(s: Sentence, given: set[str], items: list[DraftItem]) -> list[ItemKind]:
    """The TODO items a sentence is written as: the kinds its own words call for that no proposal
    gives (engine.authoring.draft.words) — under II and III, or a preamble that launches the
    campaign for a year; else, when nothing was proposed for it, the kind of its part of the plan
    (one period, deadline, late rule a campaign: not twice from their parts)."""
    said = word_kinds(s, given) if s.section != "subjects" and (_in_body(s) or s.clause == "preamble") else []
    kind = _TODO_KIND.get(s.section)
    if said or given or kind is None or (kind in _SINGLE and any(i.kind == kind for i in items)):
        return said
    return [kind]


def _rest(s: Sentence, proposals: list[Proposal], todo: list[ItemKind]) -> list[DraftItem]:
    """The parts of a sentence under II or III (cut after "." or ";", each opening with a capital or
    a number) that no proposal quotes a word of ("… xếp loại Tốt; Chỉ số DDCI tăng điểm …" read
    only up to "Tốt"): each a TODO item of the kinds its words call for, else of its part's kind —
    unless the whole sentence is one already."""
    if not proposals or not _in_body(s) or s.section == "subjects":
        return []
    spans = [(a, a + len(p.quote)) for p in proposals if (a := s.text.find(p.quote)) >= 0]
    out: list[DraftItem] = []
    for m in _PIECE.finditer(s.text):
        piece = m.group().strip()
        if any(a < m.end() and m.start() < b for a, b in spans) or len(piece.split()) < _FEWEST:
            continue
        if not (piece[0].isupper() or piece[0].isdigit()):
            continue  # "… bản sắc Quảng Ninh; triển khai …": the sentence goes on, not a new one
        part = dataclasses.replace(s, text=piece)
        kinds = word_kinds(part, set()) or ([_TODO_KIND[s.section]] if s.section in _TODO_KIND else [])
        out += [DraftItem(k, s.clause, piece, {}, None, s.line, s.group, s.section) for k in kinds if k not in todo]
    return out


def _marked_quote(s: Sentence, lines: list[str]) -> str:
    """A TODO item's quote: the sentence, with its inline number as the plan writes it ("(1) 100%
    các văn bản …") when it has one — the words an author cites the item by."""
    m = re.search(r" \((\d{1,2})\)$", s.clause)  # "(i1)" may be the plan's "(il)": not cited
    if m is not None and 0 < s.line <= len(lines):
        marked = f"({m.group(1)}) {s.text}"
        if marked in lines[s.line - 1]:
            return marked
    return s.text


def _names_kinds(s: Sentence) -> bool:
    units, people = kinds_in(s)
    return bool(units or people)


def _in_body(s: Sentence) -> bool:
    return _body(s.clause)


def _body(clause: str) -> bool:
    """Under II or III (the parts a plan's rules are in)."""
    return re.match(r"III?(?:[.\s]|$)", clause) is not None


def _once(items: list[DraftItem]) -> tuple[list[DraftItem], list[DraftItem]]:
    """A campaign holds one period, one deadline, one late-file rule: of each, one whose words say
    so (engine.authoring.draft.words) before one whose words do not, a proposal before a TODO, one
    in its own part of the plan (Thời gian thi đua, Thời gian đề nghị) before one elsewhere, one
    under II or III before the rest, then the first; the others are set apart (listed in the file,
    not dropped)."""
    extra: list[DraftItem] = []
    for kind in sorted(_SINGLE):
        ofkind = [i for i in items if i.kind == kind]
        if ofkind:
            best = min(ofkind, key=lambda i: _rank(i, kind))
            extra += [i for i in ofkind if i is not best]
    kept = [i for i in items if not any(i is e for e in extra)]
    return kept, sorted(extra, key=lambda i: i.line)


def _rank(item: DraftItem, kind: str) -> tuple[int, int, int, int, int]:
    home = _HOME.get(kind)
    return (not says(kind, item.quote), item.pattern is None, item.section != home, not _body(item.clause), item.line)


def _groups(sentences: list[Sentence]) -> list[DraftItem]:
    """The collectives' and the individuals' groups from the Đối tượng sentences (`_subjects`): the
    kinds their words name, the clause of the first, the quote of the first that names each."""
    units: list[str] = []
    people: list[str] = []
    quotes: dict[str, Sentence] = {}
    for s, said in _subjects(sentences):
        found_units, found_people = kinds_in(said)
        units += [k for k in found_units if k not in units]
        people += [k for k in found_people if k not in people]
        if found_units:
            quotes.setdefault("collective", s)
        if found_people:
            quotes.setdefault("individual", s)
    out = []
    for gid, kinds, candidates in (("collective", units, "unit"), ("individual", people, "person")):
        first = quotes.get(gid)
        if first is not None:
            fields = {"candidates": candidates, "kinds": kinds}
            out.append(DraftItem("group", _base(first.clause), first.text, fields, None, first.line, gid))
    return out


def _subjects(sentences: list[Sentence]) -> list[tuple[Sentence, Sentence]]:
    """The Đối tượng sentences, each with the words its kinds are read from (itself); a plan with
    no Đối tượng part: the sentences that call on someone ("Phát động toàn thể cán bộ …", "yêu cầu
    các ngành …"), with the words after the call (engine.authoring.draft.words.calls_on)."""
    out = [(s, s) for s in sentences if s.section == "subjects"]
    if out:
        return out
    return [(s, said) for s in sentences if (said := calls_on(s)) is not None]


def _base(clause: str) -> str:
    """A group's clause: the part's, without an item's letter ("II.1.a" → "II.1") or enumerator."""
    clause = clause.split(" ")[0]
    parts = clause.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else clause
