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
