"""thidua: a declarative rules engine for Vietnamese administrative-reform emulation campaigns.

The pipeline, one module per stage (read top to bottom in `engine.pipeline`):

    source     read YAML/JSON with line numbers, refuse duplicate keys and alias bombs
    catalogue  the shared fact catalogue (campaigns/facts.yaml): keys, types, labels
    schema     the strict Pydantic model of a campaign file
    rules      the rule language: parse, type-check, compile (never eval)
    campaign   load → validate → compile a campaign into a `Campaign`
    facts      load and validate a facts file into `Candidate`s
    evaluate   three-valued evaluation → `Evaluation` (verdict per candidate)
    explain    human-readable reasons and "what would have to change"
    render     table / JSON / Markdown output
"""

__version__ = "0.1.0"
