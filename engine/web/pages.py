"""The HTML pages: each route reads its inputs, asks engine.web.service and engine.web.views, and
renders a template of templates/web/ (autoescaped: nothing from an upload is ever markup).

    GET  /                                      the campaigns
    GET  /campaigns/{id}                        one campaign: upload the returns, the blank templates
    POST /campaigns/{id}/upload                 evaluate the uploads → 303 to /results/{token}
    GET  /campaigns/{id}/template.{fmt}         the blank template (xlsx, csv, yaml)
    GET  /campaigns/{id}/example.yaml           the bundled example facts file
    GET  /results/{token}                       the verdicts: counts, filters, search; ?page=N (500 a page)
    GET  /results/{token}/candidates/{id}       one candidate's explanation
    GET  /results/{token}/award                 the award list: quotas, ties for the council, reserve;
                                                ?part=LIST&page=N pages one long list (500 a page)
    GET  /results/{token}/download/{file}       report.{html,pdf,docx,xlsx}, result.json
    GET  /author, POST /author                  check a campaign file, and its diff against a campaign
    POST /author/draft                          draft a campaign from a plan's text (thidua draft), and check it

Vietnamese first; `?lang=en` on any page for English (the switch in the header).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from engine import __version__
from engine.app.session import Session as AppSession
from engine.common import fmt, limits
from engine.common.errors import Problem, UserError, problem_lines
from engine.common.message import Msg
from engine.common.text import visible
from engine.model.vocabulary import words
from engine.web import service, views
from engine.web.forms import FORM_TOKEN, WebError, check_token, read_form, session_token
from engine.web.store import Session, Store

DOWNLOADS = {  # the files a result offers: name → (what, format, its word); a request never names a file
    "report.html": ("report", "html", "web.report_html"),
    "report.pdf": ("report", "pdf", "web.report_pdf"),
    "report.docx": ("report", "docx", "web.report_docx"),
    "report.xlsx": ("report", "xlsx", "web.report_xlsx"),
    "result.json": ("json", "json", "web.result_json"),
}


def shown(value: Any) -> Any:
    """Every value a page prints, as every other output shows it (engine.common.text.visible): a
    control, zero-width or bidirectional-override character in an id or a name is printed as its
    escape, `\\u202e`, never reorders or hides the page's text. Markup stays markup (the escapes
    are plain letters)."""
    if isinstance(value, Markup):
        return Markup(visible(str(value)))
    return visible(value) if isinstance(value, str) else value


@cache
def environment() -> jinja2.Environment:
    from engine.common.paths import shipped

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(shipped("templates") / "web"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown,
    )
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.filters["day"] = lambda d: fmt.day(d) if hasattr(d, "strftime") else str(d)
    return env


def lang_of(request: Request) -> str:
    return service.lang_of(request.query_params.get("lang"))


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    default = service.LANGS[0]
    other = next(x for x in service.LANGS if x != lang)

    def url(path: str, **params: Any) -> str:
        """A link on this site, in the page's language."""
        query = {k: v for k, v in params.items() if v not in (None, "")}
        if lang != default:
            query["lang"] = lang
        return path + ("?" + urlencode(query) if query else "")

    token, new = session_token(request)
    switch = {k: v for k, v in request.query_params.items() if k != "lang"}
    if other != default:
        switch["lang"] = other
    html = (
        environment()
        .get_template(name)
        .render(
            w=words(lang),
            lang=lang,
            url=url,
            switch_url=request.url.path + ("?" + urlencode(switch) if switch else ""),
            version=__version__,
            form_token=token,
            **context,
        )
    )
    page = HTMLResponse(html, status_code=status)
    if new:  # the token the page's forms carry back (forms.check_token); the browser's, for its session
        page.set_cookie(FORM_TOKEN, token, httponly=True, samesite="strict", path="/")
    return page


def error_page(request: Request, status: int, lines: list[str]) -> HTMLResponse:
    return render(request, "error.html.j2", status=status, status_code=status, lines=lines)


def _session(store: Store, token: str, request: Request) -> Session:
    s = store.get(token)
    if s is None:
        raise WebError(404, Problem("results", Msg("web.expired")))
    return s


def _download(data: bytes, name: str, ext: str) -> Response:
    return Response(
        data, media_type=service.MEDIA[ext], headers={"content-disposition": f'attachment; filename="{name}"'}
    )


# long: the pages' routes, one short nested handler each, bound to this store and session (FastAPI
# registers them on the router as they are defined; their branches are theirs, not this function's)
def router(store: Store, session: AppSession) -> APIRouter:  # noqa: C901 — the nested handlers' branches
    r = APIRouter(include_in_schema=False)

    @r.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return render(request, "index.html.j2", campaigns=service.campaigns(session))

    @r.get("/campaigns/{campaign}", response_class=HTMLResponse)
    def campaign(request: Request, campaign: str) -> HTMLResponse:
        c = service.campaign(session, campaign)
        lang = lang_of(request)
        return render(
            request,
            "campaign.html.j2",
            c=c,
            title=c.model.title.get(lang),
            doc=c.model.document,
            limits={"files": limits.MAX_UPLOADS, "mb": fmt.number(limits.MAX_REQUEST_BYTES / 1024 / 1024, lang)},
        )

    @r.post("/campaigns/{campaign}/upload")
    async def upload(request: Request, campaign: str) -> Response:
        cid = service.campaign_id(session, campaign)
        form = await read_form(request)
        check_token(request, form)
        f = form.fields
        s = service.settings(f.get("as_of"), f.get("deadline"), f.get("round"), None, lang_of(request))
        files = form.uploads("facts")
        ev = await run_in_threadpool(service.evaluate, session, cid, files, s)
        token = store.add(Session(cid, files, s, ev))
        target = f"/results/{token}" + (f"?lang={s.lang}" if s.lang != service.LANGS[0] else "")
        return RedirectResponse(target, status_code=303)

    @r.get("/campaigns/{campaign}/template.{fmt}")
    def template(request: Request, campaign: str, fmt: str) -> Response:
        data = service.template(session, campaign, fmt, lang_of(request))
        return _download(data, f"{service.campaign_id(session, campaign)}.{fmt}", fmt)

    @r.get("/campaigns/{campaign}/example.yaml")
    def example(campaign: str) -> Response:
        cid = service.campaign_id(session, campaign)
        return _download(service.example(session, cid), f"{cid}.yaml", "yaml")

    @r.get("/results/{token}", response_class=HTMLResponse)
    def results(
        request: Request, token: str, verdict: str = "", group: str = "", q: str = "", page: int = 1
    ) -> HTMLResponse:
        s = _session(store, token, request)
        lang = lang_of(request)
        ev = s.evaluation
        return render(
            request,
            "results.html.j2",
            token=token,
            ev=ev,
            title=ev.campaign.model.title.get(lang),
            view=views.verdicts(ev, lang, verdict, group, q, page),
            chosen={"verdict": verdict, "group": group, "q": q},
            downloads=DOWNLOADS,
        )

    @r.get("/results/{token}/candidates/{candidate:path}", response_class=HTMLResponse)
    def candidate(request: Request, token: str, candidate: str) -> HTMLResponse:
        s = _session(store, token, request)
        lang = lang_of(request)
        ev = s.evaluation
        res = service.find(ev, candidate)
        alloc = service.allocation(session, ev, s.settings)
        return render(request, "candidate.html.j2", token=token, ev=ev, view=views.candidate(ev, res, alloc, lang))

    @r.get("/results/{token}/award", response_class=HTMLResponse)
    def award(request: Request, token: str, part: str = "", page: int = 1) -> HTMLResponse:
        s = _session(store, token, request)
        lang = lang_of(request)
        ev = s.evaluation
        alloc = service.allocation(session, ev, s.settings)
        return render(
            request,
            "award.html.j2",
            token=token,
            ev=ev,
            title=ev.campaign.model.title.get(lang),
            view=views.award(ev, alloc, lang, part, page),
            downloads=DOWNLOADS,
        )

    @r.get("/results/{token}/download/{name}")
    async def download(request: Request, token: str, name: str) -> Response:
        s = _session(store, token, request)
        if name not in DOWNLOADS:
            raise WebError(
                404,
                Problem(
                    visible(name),
                    Msg("problem.web_no_download"),
                    hint=Msg("problem.web_one_of", options=list(DOWNLOADS)),
                ),
            )
        what, fmt, _ = DOWNLOADS[name]
        lang = lang_of(request)
        ev = s.evaluation
        if what == "json":
            return _download(service.evaluation_json(ev, lang), f"{s.campaign}-result.json", "json")

        def work() -> tuple[bytes, str]:
            return service.report(session, ev, service.allocation(session, ev, s.settings), fmt, lang)

        data, ext = await (request.app.state.printers.run(work) if fmt == "pdf" else run_in_threadpool(work))
        return _download(data, f"{s.campaign}-report.{ext}", ext)

    @r.get("/author", response_class=HTMLResponse)
    def author(request: Request) -> HTMLResponse:
        return render(request, "author.html.j2", text="", base="", checked=None, diff="", lines=[], **_empty(session))

    @r.post("/author/draft", response_class=HTMLResponse)
    async def author_draft(request: Request) -> HTMLResponse:
        """`thidua draft` on a pasted or uploaded plan: the draft in the campaign's text area, its
        summary, and its findings (the same check as POST /author)."""
        form = await read_form(request)
        check_token(request, form)
        lang = lang_of(request)
        uploaded = form.uploads("plan_file")
        plan = form.fields.get("plan", "").replace("\r\n", "\n")
        name, data = uploaded[0] if uploaded else ("plan.txt", plan.encode("utf-8"))
        lines: list[str] = []
        text, checked = "", None
        summary: list[str] = []
        try:
            text, summary = await run_in_threadpool(service.draft_plan, session, data, name, lang)
            checked = await run_in_threadpool(
                service.check_campaign, session, text.encode("utf-8"), f"{Path(name).stem}.yaml", None, None, None, lang
            )
        except (UserError, WebError) as e:
            lines = problem_lines(e.problems)
        choices = {**_empty(session), "plan": plan if not uploaded else "", "drafted": summary}
        page = {"text": text, "base": "", "checked": checked, "diff": "", "lines": lines}
        return render(request, "author.html.j2", status=200 if not lines else 400, **page, **choices)

    @r.post("/author", response_class=HTMLResponse)
    async def author_check(request: Request) -> HTMLResponse:
        form = await read_form(request)
        check_token(request, form)
        lang = lang_of(request)
        uploaded = form.uploads("campaign_file")
        text = form.fields.get("campaign", "")
        name, data = uploaded[0] if uploaded else ("campaign.yaml", text.encode("utf-8"))
        if uploaded:
            text = data.decode("utf-8", "replace")
        base = form.fields.get("base", "") or None
        facts = form.uploads("facts")
        lines: list[str] = []
        checked = None
        try:
            checked = await run_in_threadpool(
                service.check_campaign, session, data, name, base, facts[0] if facts else None, None, lang
            )
        except (UserError, WebError) as e:
            lines = problem_lines(e.problems)
        return render(
            request,
            "author.html.j2",
            text=text.replace("\r\n", "\n"),  # a browser sends a text area's lines ending CR LF
            base=base or "",
            checked=checked,
            diff=service.diff_text(checked) if checked is not None else "",
            lines=lines,
            status=200 if not lines else 400,
            **_empty(session),
        )

    return r


def _choices(session: AppSession) -> dict[str, Any]:
    return {"campaigns": [c["id"] for c in service.campaigns(session) if c.get("valid")]}


def _empty(session: AppSession) -> dict[str, Any]:
    """The authoring page's choices, and its draft form empty (no plan, no draft summary)."""
    return {**_choices(session), "plan": "", "drafted": []}
