"""The browsers that print PDF reports for the whole server: at most `limits.MAX_BROWSERS` at once.

Each PDF is a headless browser started for it (engine.render.report_pdf), a few hundred MB each;
twelve requests at once must not start twelve. A request waits its turn in a queue for at most
`limits.BROWSER_WAIT_SECONDS`, then is answered 503 (busy: try again later) — the browser itself
is held to `report_pdf.TIMEOUT`. The app holds one `Printers` (`app.state.printers`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from engine.common import limits
from engine.common.errors import Problem
from engine.common.message import Msg
from engine.web.forms import WebError

T = TypeVar("T")


class Printers:
    def __init__(self) -> None:
        self.size = limits.MAX_BROWSERS
        self._free = asyncio.Semaphore(self.size)  # bound to the server's event loop at first wait

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` (which prints a PDF) in a worker thread once a browser is free; 503 when none
        is free in time."""
        wait = limits.BROWSER_WAIT_SECONDS
        try:
            await asyncio.wait_for(self._free.acquire(), wait)
        except TimeoutError:
            raise WebError(503, Problem("request", Msg("problem.web_busy", n=self.size, seconds=wait))) from None
        try:
            return await run_in_threadpool(work)
        finally:
            self._free.release()
