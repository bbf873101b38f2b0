"""`thidua draft`: from a plan's text to a first draft of its campaign (issue 28).

    read_plan(path) ─► normalised text ─► draft_text(text, name, library) ─► Draft ─► Draft.yaml()

`read_plan` and `normalise` (engine.authoring.draft.text) make the plan's text regular; the section
reader (`sections`) cuts it into `Sentence`s with the campaigns' clauses and reads its header; the
pattern library (`patterns`, data in campaigns/patterns.yaml) proposes items for a sentence;
`draft_text` (`compose`) turns proposals into `DraftItem`s — and a sentence with none in a part
that holds rules into a TODO item — and `write` places them in a campaign file that `thidua
validate` reads, its only findings the draft's own (TD801 TODO, TD802 drafted).
"""

from __future__ import annotations

from engine.authoring.draft.compose import Draft, DraftItem, Proposer, draft_text
from engine.authoring.draft.text import normalise, read_plan, read_plan_bytes
from engine.model.schema import TODO

__all__ = ["TODO", "Draft", "DraftItem", "Proposer", "draft_text", "normalise", "read_plan", "read_plan_bytes"]
