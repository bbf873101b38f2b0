"""A request's multipart body, bounded before it is parsed, into fields and files held in memory.

The body is read up to `limits.MAX_REQUEST_BYTES` (a longer one is refused as it arrives, 413),
then parsed in memory: nothing of an upload is ever written to disk, and a file's name is only
ever a name (its suffix gives the format; it never reaches the filesystem). A form holds at most
`limits.MAX_UPLOADS` files and `limits.MAX_FORM_FIELDS` other fields of `limits.MAX_FIELD_BYTES`
each (413); a multipart body cut before its closing boundary is refused (400), never read as if
whole. The app's own forms carry the session's token (`FORM_TOKEN`, `check_token`)."""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from python_multipart import MultipartParser
from python_multipart.multipart import MultipartState, parse_options_header
from starlette.requests import Request

from engine.common import limits
from engine.common.errors import Problem
from engine.common.message import Msg
from engine.common.text import visible

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks


class WebError(Exception):
    """A refusal with its HTTP status and the problems, each one line as the CLI prints them."""

    def __init__(self, status: int, problems: list[Problem] | Problem):
        self.status = status
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__()

    def __str__(self) -> str:
        return str(self.problems[0]) if self.problems else str(self.status)


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, str, bytes]] = field(default_factory=list)  # (field, file name, content)

    def uploads(self, name: str) -> list[tuple[str, bytes]]:
        """The files of field `name`, as (file name, bytes); empty file inputs left out."""
        return [(fname, data) for f, fname, data in self.files if f == name and (fname or data)]


def upload_name(raw: str) -> str:
    """A file name as the browser sent it, reduced to its last part (no folder), shown safely."""
    base = PureWindowsPath(PurePosixPath(raw).name).name
    return visible(base.strip()) or "upload"


def too_large(size: int) -> WebError:
    mb = limits.MAX_REQUEST_BYTES / (1024 * 1024)
    return WebError(
        413,
        Problem(
            "request",
            Msg("problem.web_too_large", size=size, limit=limits.MAX_REQUEST_BYTES, mb=mb),
            hint=Msg("problem.web_too_large_hint"),
        ),
    )


def too_many_fields() -> WebError:
    n = limits.MAX_FORM_FIELDS
    return WebError(413, Problem("request", Msg("problem.web_too_many_fields", n=n), hint=Msg("problem.web_form_hint")))


def check_field(name: str, size: int) -> None:
    """A form field other than a file, refused (413) once longer than `limits.MAX_FIELD_BYTES`."""
    if size > limits.MAX_FIELD_BYTES:
        said = Msg("problem.web_field_too_large", name=visible(name[:64]), n=limits.MAX_FIELD_BYTES)
        raise WebError(413, Problem("request", said, hint=Msg("problem.web_form_hint")))


FORM_TOKEN = "form_token"  # the cookie, and the hidden field of the app's own forms, that carry it
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")


def session_token(request: Request) -> tuple[str, bool]:
    """The browser's form token (its cookie), or a new one; and whether it is new (to be set)."""
    kept = request.cookies.get(FORM_TOKEN, "")
    return (kept, False) if _TOKEN.fullmatch(kept) else (secrets.token_urlsafe(18), True)


def check_token(request: Request, form: Form) -> None:
    """Only the officer's own pages act: a form posted to a page carries, in its hidden field, the
    token its page's cookie holds (a page of another site can send neither: its cookie is
    SameSite=Strict and unreadable there); else 403, before any work is done."""
    kept = request.cookies.get(FORM_TOKEN, "")
    sent = form.fields.get(FORM_TOKEN, "")
    if not (_TOKEN.fullmatch(kept) and hmac.compare_digest(kept.encode(), sent.encode())):
        raise WebError(403, Problem("request", Msg("problem.web_form_token"), hint=Msg("problem.web_form_token_hint")))


async def _next(stream: AsyncIterator[bytes]) -> bytes | None:
    """The body's next piece, None at its end; 408 when nothing arrives for
    `limits.BODY_IDLE_SECONDS` (a body that stops arriving holds no worker for ever)."""
    wait = limits.BODY_IDLE_SECONDS
    try:
        return await asyncio.wait_for(anext(stream), wait)
    except StopAsyncIteration:
        return None
    except TimeoutError:
        raise WebError(408, Problem("request", Msg("problem.web_body_timeout", seconds=wait))) from None


async def read_body(request: Request) -> bytes:
    """The body, refused (413) once it passes the limit, whatever Content-Length said, and (408)
    once it stops arriving."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.MAX_REQUEST_BYTES:
        raise too_large(int(declared))
    chunks: list[bytes] = []
    size = 0
    stream = request.stream()
    while (chunk := await _next(stream)) is not None:
        size += len(chunk)
        if size > limits.MAX_REQUEST_BYTES:
            raise too_large(size)
        chunks.append(chunk)
    return b"".join(chunks)


def urlencoded(body: bytes) -> Form:
    """A form without files: at most `limits.MAX_FORM_FIELDS` fields, each held to `check_field`."""
    from urllib.parse import parse_qsl

    try:
        pairs = parse_qsl(body.decode("utf-8", "replace"), max_num_fields=limits.MAX_FORM_FIELDS)
    except ValueError:  # more fields than that
        raise too_many_fields() from None
    for key, text in pairs:
        check_field(key, len(text.encode("utf-8")))
    return Form(dict(pairs))


async def read_form(request: Request) -> Form:
    """The form of the request, urlencoded or multipart: at most `limits.MAX_UPLOADS` files (else
    413), its fields held to `limits.MAX_FORM_FIELDS` and `check_field`."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    body = await read_body(request)
    if ctype == b"application/x-www-form-urlencoded":  # a form without files
        return urlencoded(body)
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise WebError(
            415,
            Problem("request", Msg("problem.web_not_multipart"), hint=Msg("problem.web_not_multipart_hint")),
        )
    return multipart(body, params[b"boundary"])


class _Parts:
    """python-multipart's callbacks: each part's headers and data, counted as they arrive."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str | None, list[bytes]]] = []  # field name, file name, data
        self.headers: dict[bytes, bytes] = {}
        self.name: list[bytes] = []
        self.value: list[bytes] = []

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.headers.clear,
            "on_header_field": lambda data, start, end: self.name.append(data[start:end]),
            "on_header_value": lambda data, start, end: self.value.append(data[start:end]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
        }

    def header_end(self) -> None:
        self.headers[b"".join(self.name).lower()] = b"".join(self.value)
        self.name.clear()
        self.value.clear()

    def headers_finished(self) -> None:
        _, disp = parse_options_header(self.headers.get(b"content-disposition", b""))
        field_name = disp.get(b"name", b"").decode("utf-8", "replace")
        filename = disp.get(b"filename")
        self.parts.append((field_name, None if filename is None else filename.decode("utf-8", "replace"), []))
        if filename is None and sum(1 for p in self.parts if p[1] is None) > limits.MAX_FORM_FIELDS:
            raise too_many_fields()
        if filename is not None and sum(1 for p in self.parts if p[1] is not None) > limits.MAX_UPLOADS:
            raise WebError(
                413,
                Problem(
                    "request",
                    Msg("problem.web_too_many_files", n=limits.MAX_UPLOADS),
                    hint=Msg("problem.web_too_many_files_hint"),
                ),
            )

    def part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.parts[-1]
        part[2].append(data[start:end])
        if part[1] is None:
            check_field(part[0], sum(len(b) for b in part[2]))


def multipart(body: bytes, boundary: bytes) -> Form:
    """A multipart body as a form; 400 when it is broken or cut short before its closing boundary."""
    got = _Parts()
    parser = MultipartParser(boundary, got.callbacks())
    try:
        parser.write(body)
        parser.finalize()
    except WebError:
        raise
    except Exception as e:  # python-multipart's own parse errors: a broken request, not a bug
        raise WebError(400, Problem("request", Msg("problem.web_bad_multipart", reason=visible(str(e))))) from None
    if parser.state != MultipartState.END:  # cut short: its last part may be half a file
        raise WebError(400, Problem("request", Msg("problem.web_multipart_unfinished")))
    form = Form()
    for field_name, filename, data in got.parts:
        content = b"".join(data)
        if filename is None:
            form.fields[field_name] = content.decode("utf-8", "replace")
        else:
            form.files.append((field_name, upload_name(filename) if filename else "", content))
    return form
