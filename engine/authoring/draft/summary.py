"""What `thidua draft` says about a draft: items per kind, rules proposed, TODOs, sentences not used."""

from __future__ import annotations

from engine.authoring.draft.compose import Draft
from engine.common.message import Msg, say

KINDS = ("group", "criterion", "disqualifier", "award", "quota", "deadline", "document", "late", "period")


def summary_lines(draft: Draft, lang: str) -> list[str]:
    """One line of counts, then each sentence under II and III read and not used, with its line."""
    counts = draft.counts()
    kinds = [f"{counts[k]} {say(Msg(f'problem.draft_kind_{k}'), lang)}" for k in KINDS if counts.get(k)]
    head = Msg(
        "problem.draft_summary",
        items=len(draft.items),
        kinds=", ".join(kinds) or say(Msg("problem.draft_kind_none"), lang),
        proposed=draft.proposed,
        todo=draft.todo,
        unused=len(draft.unused),
    )
    lines = [f"{draft.name}: {say(head, lang)}"]
    if draft.unused:
        lines.append(say(Msg("problem.draft_unused_title"), lang))
        for s in draft.unused:
            lines.append(f"  {s.clause} ({say(Msg('problem.draft_line', line=s.line), lang)}): {s.text}")
    return lines
