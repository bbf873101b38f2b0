"""The JSON API: each route reads its inputs, calls engine.web.service, answers with the CLI's bytes.

    GET  /api/campaigns                                 the campaigns (thidua list, as JSON)
    POST /api/campaigns/{id}/evaluate                   thidua evaluate -f json
    POST /api/campaigns/{id}/award                      thidua award -f json
    POST /api/campaigns/{id}/explain/{candidate}        thidua explain -f json
    POST /api/campaigns/{id}/report?format=…            thidua report -o report.{html,pdf,docx,xlsx,md}
    GET  /api/campaigns/{id}/template?format=…          thidua template -o FILE.{xlsx,csv,yaml}
    POST /api/validate                                  thidua validate (lint included); with ?base=ID, thidua diff

Facts files come as the multipart field `facts` (one or more; the file name gives the format);
`as_of`, `deadline`, `round`, `decision_date`, `lang` are query parameters.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from engine.app.session import Session
from engine.common.errors import Problem
from engine.common.message import Msg
from engine.web import service
from engine.web.forms import WebError, read_form

FACTS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["facts"],
                    "properties": {
                        "facts": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "facts files (.yaml, .json, .csv, .xlsx), read as one population",
                        }
                    },
                }
            }
        },
    }
}
CAMPAIGN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["campaign"],
                    "properties": {
                        "campaign": {"type": "string", "format": "binary", "description": "a campaign YAML file"},
                        "facts": {
                            "type": "string",
                            "format": "binary",
                            "description": "with base: a facts file, to see whom the change affects",
                        },
                    },
                }
            }
        },
    }
}

AsOf = Annotated[str | None, Query(description="evaluation date, dd/mm/yyyy or YYYY-MM-DD")]
Deadline = Annotated[str | None, Query(description="nomination deadline, for plans that set none")]
Round = Annotated[str | None, Query(description="the year judged, for campaigns judged every year")]
Lang = Annotated[str | None, Query(description="vi (default) or en")]
DecisionDate = Annotated[str | None, Query(description="date of the award decision, for the reward money")]


def _json(data: bytes) -> Response:
    return Response(data, media_type="application/json")


def _download(data: bytes, name: str, ext: str) -> Response:
    return Response(
        data, media_type=service.MEDIA[ext], headers={"content-disposition": f'attachment; filename="{name}"'}
    )


async def _facts(request: Request) -> list[tuple[str, bytes]]:
    form = await read_form(request)
    files = form.uploads("facts")
    if not files:
        raise WebError(400, Problem("facts", Msg("problem.eval_no_facts"), hint=Msg("problem.web_no_facts_api_hint")))
    return files


# long: the API's routes, one short nested handler each, bound to this session (FastAPI registers
# them on the router as they are defined)
def router(session: Session) -> APIRouter:
    r = APIRouter(prefix="/api", tags=["api"])

    @r.get("/campaigns", summary="The campaigns: id, document kind and number, issuer, year")
    def campaigns() -> list[dict[str, Any]]:
        return service.campaigns(session)

    @r.post("/campaigns/{campaign}/evaluate", summary="thidua evaluate -f json", openapi_extra=FACTS_BODY)
    async def evaluate(
        campaign: str,
        request: Request,
        as_of: AsOf = None,
        deadline: Deadline = None,
        round: Round = None,
        lang: Lang = None,
    ) -> Response:
        s = service.settings(as_of, deadline, round, None, lang)
        files = await _facts(request)

        def work() -> bytes:
            return service.evaluation_json(service.evaluate(session, campaign, files, s), s.lang)

        return _json(await run_in_threadpool(work))

    @r.post("/campaigns/{campaign}/award", summary="thidua award -f json", openapi_extra=FACTS_BODY)
    async def award(
        campaign: str,
        request: Request,
        as_of: AsOf = None,
        deadline: Deadline = None,
        round: Round = None,
        decision_date: DecisionDate = None,
        lang: Lang = None,
    ) -> Response:
        s = service.settings(as_of, deadline, round, decision_date, lang)
        files = await _facts(request)

        def work() -> bytes:
            ev = service.evaluate(session, campaign, files, s)
            return service.award_json(ev, service.allocation(session, ev, s), s.lang)

        return _json(await run_in_threadpool(work))

    @r.post(
        "/campaigns/{campaign}/explain/{candidate:path}", summary="thidua explain -f json", openapi_extra=FACTS_BODY
    )
    async def explain(
        campaign: str,
        candidate: str,
        request: Request,
        as_of: AsOf = None,
        deadline: Deadline = None,
        round: Round = None,
        lang: Lang = None,
    ) -> Response:
        s = service.settings(as_of, deadline, round, None, lang)
        files = await _facts(request)

        def work() -> bytes:
            ev = service.evaluate(session, campaign, files, s)
            res = service.find(ev, candidate)
            return service.explain_json(ev, res, service.allocation(session, ev, s), s.lang)

        return _json(await run_in_threadpool(work))

    @r.post(
        "/campaigns/{campaign}/report",
        summary="thidua report: html, pdf, docx, xlsx or markdown",
        openapi_extra=FACTS_BODY,
    )
    async def report(
        campaign: str,
        request: Request,
        format: Annotated[str | None, Query(description="html (default), pdf, docx, xlsx or markdown")] = None,
        as_of: AsOf = None,
        deadline: Deadline = None,
        round: Round = None,
        decision_date: DecisionDate = None,
        lang: Lang = None,
    ) -> Response:
        s = service.settings(as_of, deadline, round, decision_date, lang)
        fmt = service.report_format(format)
        files = await _facts(request)

        def work() -> tuple[bytes, str]:
            ev = service.evaluate(session, campaign, files, s)
            return service.report(session, ev, service.allocation(session, ev, s), fmt, s.lang)

        data, ext = await (request.app.state.printers.run(work) if fmt == "pdf" else run_in_threadpool(work))
        return _download(data, f"{service.campaign_id(session, campaign)}-report.{ext}", ext)

    @r.get("/campaigns/{campaign}/template", summary="thidua template: a blank facts file (xlsx, csv, yaml)")
    def template(
        campaign: str,
        format: Annotated[str, Query(description="xlsx (default), csv or yaml")] = "xlsx",
        lang: Lang = None,
    ) -> Response:
        data = service.template(session, campaign, format, service.lang_of(lang))
        return _download(data, f"{service.campaign_id(session, campaign)}.{format}", format)

    @r.post("/validate", summary="thidua validate (lint included); with base, thidua diff", openapi_extra=CAMPAIGN_BODY)
    async def validate(
        request: Request,
        base: Annotated[
            str | None, Query(description="a campaign id: what changed from it, and whom it affects")
        ] = None,
        as_of: AsOf = None,
        lang: Lang = None,
    ) -> JSONResponse:
        s = service.settings(as_of, None, None, None, lang)
        form = await read_form(request)
        files = form.uploads("campaign")
        if not files and "campaign" not in form.fields:
            raise WebError(
                400, Problem("campaign", Msg("problem.web_no_campaign"), hint=Msg("problem.web_no_campaign_hint"))
            )
        name, data = files[0] if files else ("campaign.yaml", form.fields["campaign"].encode("utf-8"))
        facts = form.uploads("facts")

        def work() -> dict[str, Any]:
            checked = service.check_campaign(session, data, name, base, facts[0] if facts else None, s.as_of, s.lang)
            return checked.as_dict()

        return JSONResponse(await run_in_threadpool(work))

    return r
