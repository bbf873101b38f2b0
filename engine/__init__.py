"""thidua: a declarative rules engine for Vietnamese administrative-reform emulation campaigns.

The whole pipeline reads top to bottom in `engine.pipeline`. The rooms, lowest first; a room
imports only the rooms below it (tests/test_architecture.py holds it so):

    common     user errors with locations, bulk-work helpers
    lang       the rule language: values, IR, builtin functions, parser, reference interpreter
    model      campaign and facts files: source (YAML/JSON with positions), schema, catalogue,
               campaign (load, check, compile), facts, the vocabulary of words
    readers    facts files of every type (YAML, JSON, CSV, XLSX) into one `FactsFile`
    evaluate   traces and verdicts (`core`), derived facts, backends (native, durable), allocation
    explain    reasons and "what would have to change", read from traces
    render     JSON, table, Markdown, CSV, the report (HTML, Markdown, XLSX), safe output files
    authoring  lint, quotes, JSON Schema, diff, init, regression cases, templates, docs
    pipeline, verify   entry points over everything
"""

__version__ = "0.1.0"
