"""The local web app and HTTP API (`thidua serve`): a thin layer over engine.pipeline.

    forms.py    the request's body, bounded, into fields and files held in memory
    service.py  the engine calls the routes make — the same functions the CLI's commands call
    store.py    the returns a reviewer uploaded, kept in memory for the pages that follow
    app.py      the ASGI app: security headers, one error mapping (UserError → 4xx, a bug → 500)
    api.py      the JSON API (/api/…), answering with the CLI's own JSON
    pages.py    the HTML pages (Jinja2, templates/web/), Vietnamese first, ?lang=en for English
    server.py   uvicorn on localhost

No rule, word or renderer lives here: verdicts, explanations, award lists, reports, templates,
findings and diffs come from the engine; the words a page shows from templates/vocabulary.yaml.
"""
