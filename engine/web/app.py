"""The ASGI app: the API and the pages, security headers on every answer, one error mapping.

A user's error is a 4xx whose body says, one line a problem, what the CLI would print on stderr:
`{"error": {"status": 400, "message": FIRST LINE, "lines": [...]}}` from /api, the same lines on a
page otherwise. The CLI's exit codes map to statuses: a campaign that fails validation 422, an
input too large 413, an unknown campaign or candidate 404, any other unusable input or usage 400.
A bug is a 500: one log line on the server and the log file the CLI would write (engine.common.crash);
the response never holds a traceback.

Every answer speaks the request's language (`?lang=en`, else Vietnamese): `Speaking` sets it around
the whole request (engine.common.message.speaking), so a problem's line, an error page and a JSON
error are said in it wherever they are made — a route's worker thread takes the request's context.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine import __version__
from engine.common.errors import CampaignInvalid, Problem, UserError, problem_lines
from engine.common.message import Msg, speaking
from engine.common.text import visible
from engine.web.forms import WebError

log = logging.getLogger("thidua.web")

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


AFTER = {  # what the client is to do after such a refusal
    408: {"connection": "close"},  # a body that stopped arriving: the connection is not read further
    503: {"retry-after": "30"},  # busy: try again later
}


class Speaking:
    """The request's language (`?lang=`, else Vietnamese: `engine.web.service.lang_of`) for
    everything said while it is answered, its errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from engine.web.service import lang_of

        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1")) if scope["type"] == "http" else {}
        with speaking(lang_of((query.get("lang") or [""])[-1])):
            await self.app(scope, receive, send)


class SameOrigin:
    """Only the officer's own pages act (issue 26, that point): a request that sends or changes
    something (any method but GET, HEAD, OPTIONS) from a browser page of another site is refused
    with 403 — the browser says where the page came from (`Sec-Fetch-Site`; else `Origin`, whose
    host must be the one the request was sent to). A client that is no browser page (curl, a script
    on this computer) sends neither header and is served: the server answers this computer only."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") not in self.SAFE:
            request = Request(scope)
            site = request.headers.get("sec-fetch-site")
            origin = request.headers.get("origin")
            foreign = site not in ("same-origin", "none") if site is not None else False
            if site is None and origin is not None:
                foreign = origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")
            if foreign:
                from engine.web import pages

                line = str(Problem(request.url.path, Msg("problem.web_cross_site", origin=origin or site or "?")))
                refusal = api_error(403, [line]) if is_api(request) else pages.error_page(request, 403, [line])
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Every answer, an error's too, carries the security headers; pages are not cached. A bug
    that escapes a route becomes a 500 here (`bug_response`), with one log line and no traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")
        head = scope.get("method") == "HEAD"  # answered as GET without the body (curl -I, link checkers)
        if head:
            scope = {**scope, "method": "GET"}

        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception as exc:
            if started:  # the answer is half sent: nothing better to do than end it
                log.error("%s %s: %s after the response began", scope.get("method"), scope.get("path"), exc)
                return
            await bug_response(Request(scope), exc)(scope, receive, with_headers)


def bug_response(request: Request, exc: BaseException) -> Response:
    """A bug: 500, the CLI's one line naming the log file with the traceback; one line in the
    server log. The answer names the log's folder by its name only (no answer says where the
    server keeps its files); the server's own line gives the whole path."""
    from engine.common.crash import internal_error_line, log_dir
    from engine.web import pages

    session = getattr(request.app.state, "session", None)
    configured = session.env.log_dir if session is not None else None
    line = internal_error_line(exc, ["thidua serve", request.method, request.url.path], configured)
    log.error("%s %s: %s", request.method, request.url.path, line)
    folder = log_dir(configured)
    answer = line.replace(str(folder), folder.name)
    if is_api(request):
        return api_error(500, [answer])
    return pages.error_page(request, 500, [answer])


def http_message(request: Request, exc: HTTPException) -> Msg:
    """What an HTTP refusal of the framework's own (no such page, a method a route does not take)
    means, for the officer; its English detail only where thidua has no words for it."""
    if exc.status_code == 404:
        return Msg("web.not_found")
    if exc.status_code == 405:
        return Msg("problem.web_method", method=request.method)
    return Msg("problem.web_http", status=str(exc.status_code), detail=str(exc.detail))


def invalid_message(err: Any) -> Msg:
    """One refused query parameter or field: missing, not a whole number, or another refusal
    (pydantic's own words beside the value)."""
    name = str(err.get("loc", ("",))[-1])
    value = visible(str(err.get("input", "")))
    kind = str(err.get("type", ""))
    if kind == "missing":
        return Msg("problem.web_param_missing", name=name)
    if kind.startswith("int_"):
        return Msg("problem.web_param_not_whole", value=value)
    return Msg("problem.web_param_invalid", value=value, name=name, detail=str(err.get("msg", "")))


def status_of(e: Exception) -> int:
    if isinstance(e, WebError):
        return e.status
    if isinstance(e, CampaignInvalid):
        return 422
    return 400


def error_lines(e: Exception) -> list[str]:
    problems = e.problems if isinstance(e, WebError | UserError) else []
    return [" ".join(line.split("\n")) for line in problem_lines(problems)]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def api_error(status: int, lines: list[str]) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": lines[0], "lines": lines}}, status_code=status)


def create_app(allowed_hosts: list[str] | None = None) -> FastAPI:
    """The app; `allowed_hosts`: the Host headers answered (localhost by default: a page elsewhere
    cannot reach it through a name it rebinds to 127.0.0.1)."""
    from engine.app.session import Session
    from engine.common.paths import shipped
    from engine.web import api, pages
    from engine.web.printers import Printers
    from engine.web.store import Store

    app = FastAPI(
        title="thidua",
        version=__version__,
        description="The HTTP API of thidua serve: the CLI's JSON over HTTP (docs/web.md, docs/api.md).",
        docs_url=None,  # Swagger UI and ReDoc load their assets from a CDN: only /openapi.json is served
        redoc_url=None,
    )
    store = Store()
    session = Session.from_environment()  # the web app's edge: the environment read once, here
    app.state.session = session
    app.state.printers = Printers()
    app.include_router(api.router(session))
    app.include_router(pages.router(store, session))
    app.mount("/static", StaticFiles(directory=shipped("templates") / "web" / "static"), name="static")
    app.add_middleware(SameOrigin)  # innermost: its 403 gets the security headers and the request's language
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or ["127.0.0.1", "localhost", "[::1]"])
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Speaking)  # outermost: a bug's 500 (SecurityHeaders) speaks the request's language too

    async def user_error(request: Request, exc: Exception) -> Response:
        status, lines = status_of(exc), error_lines(exc)
        answer = api_error(status, lines) if is_api(request) else pages.error_page(request, status, lines)
        answer.headers.update(AFTER.get(status, {}))
        return answer

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        lines = [str(Problem(visible(request.url.path), http_message(request, exc)))]
        if is_api(request):
            return api_error(exc.status_code, lines)
        return pages.error_page(request, exc.status_code, lines)

    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        lines = [
            str(Problem(".".join(str(x) for x in err.get("loc", ())), invalid_message(err))) for err in exc.errors()
        ] or [str(Problem("request", Msg("problem.web_request_invalid")))]
        if is_api(request):
            return api_error(400, lines)
        return pages.error_page(request, 400, lines)

    handlers: dict[Any, Any] = {
        WebError: user_error,
        UserError: user_error,
        HTTPException: http_error,
        RequestValidationError: invalid_request,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
    return app
