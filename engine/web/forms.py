"""A request's multipart body, bounded before it is parsed, into fields and files held in memory.

The body is read up to `limits.MAX_REQUEST_BYTES` (a longer one is refused as it arrives, 413),
then parsed in memory: nothing of an upload is ever written to disk, and a file's name is only
ever a name (its suffix gives the format; it never reaches the filesystem)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from engine.common import limits
from engine.common.errors import Problem
from engine.common.message import Msg
from engine.common.text import visible


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


async def read_body(request: Request) -> bytes:
    """The body, refused (413) once it passes the limit, whatever Content-Length said."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.MAX_REQUEST_BYTES:
        raise too_large(int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.MAX_REQUEST_BYTES:
            raise too_large(size)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: Request) -> Form:
    """The multipart form of the request: at most `limits.MAX_UPLOADS` files (else 413)."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    body = await read_body(request)
    if ctype == b"application/x-www-form-urlencoded":  # a form without files
        from urllib.parse import parse_qsl

        return Form(dict(parse_qsl(body.decode("utf-8", "replace"), max_num_fields=100)))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise WebError(
            415,
            Problem(
                "request",
                Msg("problem.web_not_multipart"),
                hint=Msg("problem.web_not_multipart_hint"),
            ),
        )
    form = Form()
    parts: list[tuple[str, str | None, list[bytes]]] = []
    headers: dict[bytes, bytes] = {}
    name: list[bytes] = []
    value: list[bytes] = []

    def on_part_begin() -> None:
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        name.append(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        value.append(data[start:end])

    def on_header_end() -> None:
        headers[b"".join(name).lower()] = b"".join(value)
        name.clear()
        value.clear()

    def on_headers_finished() -> None:
        _, disp = parse_options_header(headers.get(b"content-disposition", b""))
        field_name = disp.get(b"name", b"").decode("utf-8", "replace")
        filename = disp.get(b"filename")
        parts.append((field_name, None if filename is None else filename.decode("utf-8", "replace"), []))
        if filename is not None and sum(1 for p in parts if p[1] is not None) > limits.MAX_UPLOADS:
            raise WebError(
                413,
                Problem(
                    "request",
                    Msg("problem.web_too_many_files", n=limits.MAX_UPLOADS),
                    hint=Msg("problem.web_too_many_files_hint"),
                ),
            )

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1][2].append(data[start:end])

    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except WebError:
        raise
    except Exception as e:  # python-multipart's own parse errors: a broken request, not a bug
        raise WebError(400, Problem("request", Msg("problem.web_bad_multipart", reason=str(e)))) from None
    for field_name, filename, data in parts:
        content = b"".join(data)
        if filename is None:
            form.fields[field_name] = content.decode("utf-8", "replace")
        else:
            form.files.append((field_name, upload_name(filename) if filename else "", content))
    return form
