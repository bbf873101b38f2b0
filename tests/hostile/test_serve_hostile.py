"""Attacks on `thidua serve` (issue 26, points 2, 3 and 5): each is refused with a 4xx (one
Vietnamese line, never a 500 nor a crash log) or handled, in bounded time and memory.

    a form of another session (no token, a wrong one)   403, before any work
    too many form fields (urlencoded, multipart)        413
    a form field too long                               413
    a multipart body cut before its closing boundary    400
    a request body that stops arriving                  408, the connection closed (a real server)
    a 13th PDF at once                                  queued; 503 "máy chủ đang bận" once the wait is over
    uploads past the store's bytes                      the oldest dropped
    bidi and control characters in ids and names        shown as their escape on every page
    a crash log folder that is not private              no log; the line says why
    every answer                                        no server path (the repo, the temp folder, plans)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from serving import free_port, officer

from engine.common import limits

ROOT = Path(__file__).resolve().parents[2]
NT = "ninh_thuan_2020"
NT_FACTS = (ROOT / "examples" / f"{NT}.yaml").read_bytes()
UPLOAD = f"/campaigns/{NT}/upload"
BUSY = "máy chủ đang bận"


@pytest.fixture()
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv("THIDUA_LOG_DIR", str(folder))
    return folder


@pytest.fixture()
def client(logs: Path) -> Iterator[TestClient]:
    with officer() as c:
        yield c


def _refused(got: Any, status: int, words: str, logs: Path) -> None:
    assert got.status_code == status, got.text[:400]
    assert words in got.text, got.text[:2000]
    assert "Traceback" not in got.text and "internal error" not in got.text
    assert not logs.exists() or not any(logs.iterdir()), "a refusal wrote a crash log"


# -- forms --------------------------------------------------------------------------------------------


def _token(client: TestClient) -> str:
    client.get("/")
    return str(client.cookies["form_token"])


@pytest.mark.parametrize(
    ("case", "sent"),
    [("no token", None), ("a wrong token", "A" * 24), ("a token of the wrong shape", "x")],
)
def test_a_form_without_this_sessions_token_is_refused(
    client: TestClient, logs: Path, case: str, sent: str | None
) -> None:
    _token(client)
    data = {} if sent is None else {"form_token": sent}
    for path in (UPLOAD, "/author"):
        got = client.post(path, data=data or {"form_token": ""}, files={"facts": ("f.yaml", NT_FACTS)})
        _refused(got, 403, "không mang mã của phiên làm việc", logs)


def test_a_form_with_the_token_but_no_cookie_is_refused(logs: Path) -> None:
    """A page of another site can copy no cookie: the hidden field alone is not enough."""
    with officer() as c:
        token = _token(c)
        c.cookies.clear()
        got = c.post(UPLOAD, data={"form_token": token}, files={"facts": ("f.yaml", NT_FACTS)})
    _refused(got, 403, "không mang mã của phiên làm việc", logs)


def test_the_pages_set_the_token_their_forms_carry(client: TestClient) -> None:
    page = client.get(f"/campaigns/{NT}")
    cookie = page.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    token = client.cookies["form_token"]
    assert f'name="form_token" value="{token}"' in page.text
    assert f'name="form_token" value="{token}"' in client.get("/author").text
    again = client.get(f"/campaigns/{NT}")
    assert "set-cookie" not in again.headers  # one token a browser session
    ok = client.post(UPLOAD, files={"facts": ("f.yaml", NT_FACTS)}, follow_redirects=False)
    assert ok.status_code == 303, ok.text


def test_too_many_urlencoded_fields_is_a_413_not_a_500(client: TestClient, logs: Path) -> None:
    fields = {f"f{i}": "x" for i in range(limits.MAX_FORM_FIELDS + 1)}
    for path in (UPLOAD, "/author", "/api/validate"):
        _refused(client.post(path, data=fields), 413, f"có hơn {limits.MAX_FORM_FIELDS} trường", logs)


def test_too_many_multipart_fields_is_a_413(client: TestClient, logs: Path) -> None:
    files = [(f"f{i}", (None, "x")) for i in range(limits.MAX_FORM_FIELDS + 1)]
    for path in (UPLOAD, "/api/validate"):
        _refused(client.post(path, files=files), 413, "trường", logs)


def test_a_field_too_long_is_a_413(client: TestClient, logs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FIELD_BYTES", 1000)
    long = "x" * 1001
    _refused(client.post("/author", data={"campaign": long}), 413, "dài hơn 1.000 byte", logs)
    _refused(client.post("/api/validate", files={"campaign": (None, long)}), 413, "dài hơn 1.000 byte", logs)
    _refused(client.post("/author", files={"campaign": (None, long)}), 413, "dài hơn 1.000 byte", logs)
    # a file is no field: its bound is the request's and the file's own
    ok = client.post("/api/validate", files={"campaign": ("c.yaml", (ROOT / "campaigns" / f"{NT}.yaml").read_bytes())})
    assert ok.status_code == 200, ok.text


def _multipart(body_end: bytes) -> tuple[bytes, dict[str, str]]:
    head = b'--xx\r\nContent-Disposition: form-data; name="facts"; filename="f.yaml"\r\n\r\n'
    return head + NT_FACTS + body_end, {"content-type": "multipart/form-data; boundary=xx"}


@pytest.mark.parametrize(
    "end", [b"", b"\r\n--xx", b"\r\n--x"], ids=["cut inside the file", "no closing dashes", "half a boundary"]
)
def test_a_multipart_body_cut_short_is_refused(client: TestClient, logs: Path, end: bytes) -> None:
    body, headers = _multipart(end)
    got = client.post(f"/api/campaigns/{NT}/evaluate", content=body, headers=headers)
    _refused(got, 400, "bị cắt giữa chừng", logs)
    whole, _ = _multipart(b"\r\n--xx--\r\n")
    assert client.post(f"/api/campaigns/{NT}/evaluate", content=whole, headers=headers).status_code == 200


# -- the store ----------------------------------------------------------------------------------------


def test_the_store_is_bounded_by_bytes_oldest_first(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_KEPT_BYTES", 2 * len(NT_FACTS) + 10)
    made = []
    for _ in range(4):
        got = client.post(UPLOAD, files={"facts": ("f.yaml", NT_FACTS)}, follow_redirects=False)
        assert got.status_code == 303
        made.append(str(got.headers["location"]))
    kept = [client.get(u).status_code for u in made]
    assert kept == [404, 404, 200, 200]


def test_the_store_keeps_the_newest_even_alone_over_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.web.store import Session, Store

    monkeypatch.setattr(limits, "MAX_KEPT_BYTES", 10)
    monkeypatch.setattr(limits, "MAX_SESSIONS", 3)
    store = Store()
    tokens = [store.add(Session(NT, [("f.yaml", b"x" * n)], None, None)) for n in (4, 4, 20)]  # type: ignore[arg-type]
    assert [store.get(t) is not None for t in tokens] == [False, False, True]
    assert store.kept() == (1, 20)
    monkeypatch.setattr(limits, "MAX_KEPT_BYTES", 1000)
    tokens = [store.add(Session(NT, [("f.yaml", b"x")], None, None)) for _ in range(5)]  # type: ignore[arg-type]
    assert store.kept() == (3, 3)


# -- PDF: a bounded pool of browsers ---------------------------------------------------------------------

FAKE_BROWSER = """#!{python}
import os, sys, time
log = {log!r}
with open(log, "a") as f:
    f.write(f"start {{time.monotonic()}}\\n")
time.sleep(float(os.environ.get("FAKE_BROWSER_SECONDS", "1")))
out = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--print-to-pdf="))
with open(out, "wb") as f:
    f.write(b"%PDF-1.4\\n/CreationDate (D:20200101000000)\\n%%EOF\\n")
with open(log, "a") as f:
    f.write(f"end {{time.monotonic()}}\\n")
"""


def _fake_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seconds: float) -> Path:
    log = tmp_path / "browser.log"
    script = tmp_path / "fake-chromium"
    script.write_text(FAKE_BROWSER.format(python=sys.executable, log=str(log)), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("THIDUA_BROWSER", str(script))
    monkeypatch.setenv("FAKE_BROWSER_SECONDS", str(seconds))
    return log


def _most_at_once(log: Path) -> int:
    events = sorted(
        (float(t), 1 if kind == "start" else -1) for kind, t in (ln.split() for ln in log.read_text().split("\n") if ln)
    )
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


async def _pdfs(n: int) -> list[httpx.Response]:
    from engine.web.app import create_app

    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=60) as c:

        async def one(i: int) -> httpx.Response:
            return await c.post(f"/api/campaigns/{NT}/report?format=pdf", files={"facts": (f"f{i}.yaml", NT_FACTS)})

        return list(await asyncio.gather(*(one(i) for i in range(n))))


@pytest.mark.slow  # browser processes (a stand-in)
@pytest.mark.skipif(sys.platform == "win32", reason="the fake browser is a script with a #! line")
def test_pdfs_queue_for_at_most_two_browsers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logs: Path) -> None:
    log = _fake_browser(tmp_path, monkeypatch, 0.6)
    monkeypatch.setattr(limits, "MAX_BROWSERS", 2)
    monkeypatch.setattr(limits, "BROWSER_WAIT_SECONDS", 30)
    got = asyncio.run(_pdfs(5))
    assert [r.status_code for r in got] == [200] * 5, [r.text[:300] for r in got]
    assert all(r.content.startswith(b"%PDF") for r in got)
    assert log.read_text().count("start") == 5 and _most_at_once(log) == 2


@pytest.mark.slow  # browser processes (a stand-in)
@pytest.mark.skipif(sys.platform == "win32", reason="the fake browser is a script with a #! line")
def test_a_pdf_that_waits_too_long_is_a_503_not_another_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logs: Path
) -> None:
    log = _fake_browser(tmp_path, monkeypatch, 2.0)
    monkeypatch.setattr(limits, "MAX_BROWSERS", 2)
    monkeypatch.setattr(limits, "BROWSER_WAIT_SECONDS", 0.3)
    got = asyncio.run(_pdfs(4))
    statuses = sorted(r.status_code for r in got)
    assert statuses == [200, 200, 503, 503], [r.text[:300] for r in got]
    busy = next(r for r in got if r.status_code == 503)
    assert BUSY in busy.json()["error"]["message"] and busy.headers["retry-after"]
    assert log.read_text().count("start") == 2 and _most_at_once(log) <= 2
    assert not logs.exists() or not any(logs.iterdir())


# -- a body that stops arriving ------------------------------------------------------------------------


@contextlib.contextmanager
def _server() -> Iterator[int]:
    """The app under uvicorn, as `thidua serve` runs it, on a free port in this process."""
    import uvicorn

    from engine.web.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def _slow_body(port: int, path: str) -> tuple[bytes, float]:
    """Headers promising 100 000 bytes, 200 of them sent, then silence: what comes back, and when."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: multipart/form-data; boundary=xx\r\nContent-Length: 100000\r\n\r\n"
        )
        s.sendall(head.encode() + b"--xx\r\n" + b"x" * 200)
        started = time.monotonic()
        answer = b""
        while chunk := s.recv(65536):  # until the server closes the connection
            answer += chunk
        return answer, time.monotonic() - started


@pytest.mark.slow  # a real server on a socket
def test_a_body_that_stops_arriving_is_a_408_and_the_connection_closed(
    logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "BODY_IDLE_SECONDS", 0.5)
    with _server() as port:
        for path in (f"/api/campaigns/{NT}/evaluate", "/api/validate"):
            answer, took = _slow_body(port, path)
            assert answer.startswith(b"HTTP/1.1 408"), answer[:300]
            assert b"connection: close" in answer.lower()
            assert "ngừng giữa chừng".encode() in answer
            assert took < 5
        # the server goes on
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
            assert c.get("/").status_code == 200
    assert not logs.exists() or not any(logs.iterdir())


# -- what a page shows -----------------------------------------------------------------------------------


def test_bidi_and_control_characters_are_escaped_on_every_page(client: TestClient) -> None:
    text = NT_FACTS.decode("utf-8").replace("so-noi-vu", "so-\u202enoi-vu")
    text = text.replace("name: Sở Nội vụ\n", 'name: "Sở \\u202eNội\\u200b \\u2066vụ"\n')  # YAML's escapes
    got = client.post(UPLOAD, files={"facts": ("x\u202e.yaml", text.encode("utf-8"))}, follow_redirects=False)
    assert got.status_code == 303, got.text
    results = str(got.headers["location"])
    pages = {
        "results": results,
        "search": results + "?q=" + quote("so-\u202e"),
        "award": results + "/award",
        "candidate": results + "/candidates/" + quote("so-\u202enoi-vu"),
        "en": results + "/candidates/" + quote("so-\u202enoi-vu") + "?lang=en",
    }
    for name, url in pages.items():
        page = client.get(url)
        assert page.status_code == 200, (name, page.text[:300])
        assert not re.search("[\u202a-\u202e\u200b\u2066]", page.text), name
        assert "\\u202e" in page.text, name
    assert "\\u200b" in client.get(pages["candidate"]).text
    # a campaign's text on the author page: the same, its lines kept as lines
    echoed = client.post("/author", data={"campaign": "id: x\r\ntitle: \u202eabc\r\n"}).text
    assert "\u202e" not in echoed and "\\u202e" in echoed and "\\u000d" not in echoed


# -- the crash log ----------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_the_crash_log_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.common.crash import internal_error_line

    folder = tmp_path / "logs"
    line = internal_error_line(RuntimeError("boom"), folder=folder)  # THIDUA_LOG_DIR, as the edge reads it
    (log,) = folder.glob("thidua-error-*.log")
    assert str(log) in line
    assert stat.S_IMODE(log.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o775, 0o757])
def test_no_crash_log_in_a_folder_others_can_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int) -> None:
    from engine.common.crash import internal_error_line

    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    line = internal_error_line(RuntimeError("boom"), folder=folder)  # THIDUA_LOG_DIR, as the edge reads it
    assert list(folder.iterdir()) == []
    assert "không ghi được nhật ký lỗi" in line and "không phải của riêng người dùng" in line and str(folder) in line


@pytest.mark.skipif(sys.platform == "win32" or os.getuid() != 0, reason="another user's folder: needs root to make")
def test_no_crash_log_in_another_users_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.common.crash import internal_error_line

    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    line = internal_error_line(RuntimeError("boom"), folder=folder)  # THIDUA_LOG_DIR, as the edge reads it
    assert list(folder.iterdir()) == [] and "không phải của riêng người dùng" in line


# -- no server path in any answer --------------------------------------------------------------------------


def _answers(client: TestClient) -> Iterator[tuple[str, bytes]]:
    """Every route's answers: pages, downloads, the API, validate (of every shipped campaign, alone
    and against a base), and errors."""
    from engine.model.campaign import available_campaigns

    shipped = sorted(available_campaigns())
    for path in [
        "/",
        "/author",
        "/api/campaigns",
        "/openapi.json",
        "/nothing",
        "/results/nope",
        f"/campaigns/{NT}/template.exe",
    ]:
        yield path, client.get(path).content
    for cid in shipped:
        yield cid, client.get(f"/campaigns/{cid}").content
        yield cid + " example", client.get(f"/campaigns/{cid}/example.yaml").content
        campaign = (ROOT / "campaigns" / f"{cid}.yaml").read_bytes()
        for query in ("", f"?base={cid}", "?lang=en"):
            got = client.post("/api/validate" + query, files={"campaign": ("c.yaml", campaign)})
            yield f"validate {cid}{query}", got.content
        broken = campaign.replace(b'quote: "', b'quote: "XYZ ', 1)
        yield f"validate {cid} broken", client.post("/api/validate", files={"campaign": ("c.yaml", broken)}).content
        yield f"author {cid}", client.post("/author", data={"campaign": campaign.decode(), "base": cid}).content
    unknown = b"campaign: x\nunits: []\n"
    yield "validate unknown", client.post("/api/validate", files={"campaign": ("c.yaml", unknown)}).content
    got = client.post(UPLOAD, files={"facts": ("f.yaml", NT_FACTS)}, follow_redirects=False)
    results = str(got.headers["location"])
    for tail in [
        "",
        "/award",
        "/candidates/so-noi-vu",
        "/candidates/nobody",
        "/download/report.html",
        "/download/result.json",
        "/download/x",
    ]:
        yield results + tail, client.get(results + tail).content
    for what in ("evaluate", "award", "explain/so-noi-vu", "report?format=html", "report?format=markdown"):
        yield what, client.post(f"/api/campaigns/{NT}/{what}", files={"facts": ("f.yaml", NT_FACTS)}).content
    yield "broken facts", client.post(UPLOAD, files={"facts": ("f.yaml", b"units: [\n")}).content


def test_no_answer_says_where_the_server_keeps_its_files(client: TestClient) -> None:
    here = [str(ROOT), tempfile.gettempdir(), "shared/plans", "plans/", str(Path.home()), os.getcwd()]
    here = [h for h in here if len(h) > 4]
    seen = 0
    for name, body in _answers(client):
        text = body.decode("utf-8", "replace")
        text = re.sub(r"(?s)<textarea[^>]*>.*?</textarea>", "", text)  # the user's own text, echoed
        for where in here:
            assert where not in text, (name, where, text[max(0, text.find(where) - 200) : text.find(where) + 200])
        seen += 1
    assert seen > 40
