"""Soak: `thidua serve` answers a few thousand mixed requests and stays the same size (issue 26, point 2).

    python bench/soak_serve.py                         # 3,000 requests, writes bench/SOAK.md
    python bench/soak_serve.py --requests 600 --out -  # quicker, to stdout
    python bench/soak_serve.py --root DIR              # the thidua in DIR (e.g. an older commit, unpacked)

The server is started as a user starts it (`python cli.py serve --port N`, a free port) and sent, in
a fixed rotation: the pages (campaigns, a campaign, the author page, a blank template), uploads
through the page form (each a different file: the facts with a changing comment, so no two are the
same bytes), the results, award and candidate pages and a download of the last upload, the API's
evaluate and validate, and refusals (a missing page, a form without its token, 101 form fields, a
multipart body cut short). Its resident memory (psutil when installed, else /proc/PID/status) is
sampled every `--every` requests; `settled` is the mean of the samples of the tenth after the
warm-up (by then the upload store is full: it keeps at most `limits.MAX_SESSIONS` uploads), and
the verdict is the growth from there to the end. tests/test_serve_soak.py runs a short one.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
NT = "ninh_thuan_2020"


def rss_mb(pid: int) -> float:
    """The process's resident memory, MB."""
    try:
        import psutil

        return float(psutil.Process(pid).memory_info().rss) / 2**20
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS") from None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(root: Path, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """`thidua serve` of `root` on a free port: its URL and process id once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(root / "cli.py"), "serve", "--port", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    raise RuntimeError("thidua serve ended") from None
                time.sleep(0.1)
        else:
            raise RuntimeError("thidua serve did not answer in 30 s")
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass
class Soak:
    requests: int
    seconds: float = 0.0
    samples: list[tuple[int, float]] = field(default_factory=list)  # (requests sent, RSS MB)
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    warmup: int = 0

    def after(self) -> list[float]:
        return [mb for n, mb in self.samples if n >= self.warmup]

    @property
    def settled(self) -> float:
        """The mean RSS over the first tenth after the warm-up."""
        late = self.after()
        return statistics.mean(late[: max(1, len(late) // 10)])

    @property
    def growth(self) -> float:
        """From settled to the mean of the last tenth, MB."""
        late = self.after()
        return statistics.mean(late[-max(1, len(late) // 10) :]) - self.settled


class Mix:
    """The rotation of requests; each returns a short label and its status."""

    def __init__(self, client: httpx.Client) -> None:
        self.c = client
        self.facts = (ROOT / "examples" / f"{NT}.yaml").read_bytes()
        self.campaign = (ROOT / "campaigns" / f"{NT}.yaml").read_bytes()
        self.results = ""
        self.n = 0

    def token(self) -> str:
        if "form_token" not in self.c.cookies:
            self.c.get(f"/campaigns/{NT}")
        return str(self.c.cookies.get("form_token", ""))

    def upload(self) -> int:
        self.n += 1
        data = self.facts + f"\n# upload {self.n}\n".encode()
        got = self.c.post(
            f"/campaigns/{NT}/upload", data={"form_token": self.token()}, files={"facts": (f"f{self.n}.yaml", data)}
        )
        if got.status_code == 303:
            self.results = got.headers["location"].split("?")[0]
        return got.status_code

    def result(self, tail: str) -> int:
        return self.c.get(self.results + tail).status_code if self.results else 0

    def steps(self) -> list[tuple[str, Callable[[], int]]]:
        c, facts, campaign = self.c, {"facts": ("f.yaml", self.facts)}, self.campaign
        cut = b'--xx\r\nContent-Disposition: form-data; name="facts"; filename="f.yaml"\r\n\r\n' + self.facts[:500]
        return [
            ("page /", lambda: c.get("/").status_code),
            ("page campaign", lambda: c.get(f"/campaigns/{NT}").status_code),
            ("upload", self.upload),
            ("results", lambda: self.result("")),
            ("candidate", lambda: self.result("/candidates/so-noi-vu")),
            ("award", lambda: self.result("/award")),
            ("api evaluate", lambda: c.post(f"/api/campaigns/{NT}/evaluate", files=facts).status_code),
            ("api validate", lambda: c.post("/api/validate", files={"campaign": ("c.yaml", campaign)}).status_code),
            ("404", lambda: c.get("/nothing").status_code),
            ("download json", lambda: self.result("/download/result.json")),
            ("upload", self.upload),
            ("no token", lambda: c.post(f"/campaigns/{NT}/upload", files=facts).status_code),
            ("101 fields", lambda: c.post("/api/validate", data={f"f{i}": "x" for i in range(101)}).status_code),
            ("cut multipart", lambda: c.post(f"/api/campaigns/{NT}/evaluate", content=cut, headers=CUT).status_code),
            ("page author", lambda: c.get("/author").status_code),
            ("template", lambda: c.get(f"/campaigns/{NT}/template.csv").status_code),
        ]


CUT = {"content-type": "multipart/form-data; boundary=xx"}


def soak(requests: int, every: int = 25, warmup: int | None = None, root: Path = ROOT, **env: str) -> Soak:
    """Start the server, send `requests` mixed requests, sample its RSS every `every`."""
    result = Soak(requests, warmup=requests // 5 if warmup is None else warmup)
    with tempfile.TemporaryDirectory() as logs:
        environ = {**os.environ, "THIDUA_LOG_DIR": str(Path(logs) / "logs"), **env}
        with serving(root, environ) as (url, pid), httpx.Client(base_url=url, timeout=120) as client:
            steps = Mix(client).steps()
            started = time.monotonic()
            result.samples.append((0, rss_mb(pid)))
            for i in range(requests):
                name, step = steps[i % len(steps)]
                result.statuses[f"{name} {step()}"] += 1
                if (i + 1) % every == 0:
                    result.samples.append((i + 1, rss_mb(pid)))
            result.seconds = time.monotonic() - started
    return result


def report(s: Soak, root: Path) -> str:
    late = s.after()
    lines = [
        "# `thidua serve` soak",
        "",
        f"Run {dt.datetime.now():%Y-%m-%d %H:%M} on {platform.machine()}, {os.cpu_count()} CPUs;"
        f" Python {platform.python_version()}; `python bench/soak_serve.py --requests {s.requests}`"
        + (f" (thidua in {root})" if root != ROOT else "")
        + ".",
        "",
        f"{s.requests:,} requests in {s.seconds:.0f} s ({s.requests / s.seconds:.0f}/s), one client; RSS sampled every"
        f" {s.samples[1][0] - s.samples[0][0]} requests. Start {s.samples[0][1]:.1f} MB; after the warm-up"
        f" ({s.warmup:,} requests) settled at {s.settled:.1f} MB; peak after it {max(late):.1f} MB;"
        f" end {s.samples[-1][1]:.1f} MB: **growth {s.growth:+.1f} MB** from settled to the last tenth.",
        "",
        "| requests | RSS MB |",
        "|---:|---:|",
        *(f"| {n:,} | {mb:.1f} |" for n, mb in s.samples[:: max(1, len(s.samples) // 20)]),
        "",
        "Answers (request, status):",
        "",
        *(f"- {k}: {v:,}" for k, v in sorted(s.statuses.items())),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--every", type=int, default=25)
    ap.add_argument("--out", default=str(ROOT / "bench" / "SOAK.md"), help="- for stdout")
    ap.add_argument("--root", type=Path, default=ROOT, help="the thidua to serve (its cli.py)")
    args = ap.parse_args()
    text = report(soak(args.requests, args.every, root=args.root.resolve()), args.root.resolve())
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(text.split("\n")[4])


if __name__ == "__main__":
    main()
