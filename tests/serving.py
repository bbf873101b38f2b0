"""Starting `thidua serve` as a user does, for the tests that talk to it over HTTP: the browser
tests (tests/test_web_browser.py) and the installed wheel's (tests/test_install.py)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(command: Sequence[str], cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """`command serve --port N` running; its URL once its first page answers 200 (30 s at most).
    The server is stopped at the end, killed if it does not stop."""
    port = free_port()
    proc = subprocess.Popen(
        [*command, "serve", "--port", str(port)], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "server ended") from None
                time.sleep(0.1)
        else:
            raise AssertionError("thidua serve did not answer in 30 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def officer(**kwargs: Any) -> Any:
    """A TestClient of the app that posts the app's page forms as its pages do: with the session's
    form token, in its cookie (set by any page) and in the form's hidden field. Posts to /api and
    posts that name the field themselves are sent as given."""
    from fastapi.testclient import TestClient

    from engine.web.app import create_app
    from engine.web.forms import FORM_TOKEN

    class Officer(TestClient):
        def request(self, method: str, url: Any, **kw: Any) -> Any:  # type: ignore[override]
            if method.upper() != "POST" or str(url).startswith("/api") or kw.get("content") is not None:
                return super().request(method, url, **kw)
            data = dict(kw.pop("data", None) or {})
            if FORM_TOKEN not in data:
                if FORM_TOKEN not in self.cookies:
                    self.get("/")
                data[FORM_TOKEN] = self.cookies[FORM_TOKEN]
            return super().request(method, url, data=data, **kw)

    return Officer(create_app(), base_url="http://127.0.0.1", raise_server_exceptions=False, **kwargs)
