"""A progress line on stderr for long runs: what is being done, shown only on a terminal, only
when the work takes more than about a second, never on a pipe or with `--quiet`, never on stdout.

The engine says which stage it is in (`stage("load", files=3)`); the words are the vocabulary's
(`progress.*`). The display is rich's status spinner, started by a timer so that a quick run
prints nothing at all.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import IO, Any

from engine.common import fmt
from engine.model.vocabulary import words

DELAY = 1.0  # seconds of silence before anything is shown


class Progress:
    def __init__(
        self, lang: str = "vi", *, enabled: bool | None = None, delay: float = DELAY, file: IO[str] | None = None
    ):
        self.lang = lang
        self.file = file or sys.stderr
        self.enabled = self.file.isatty() if enabled is None else enabled
        self.delay = delay
        self.text = ""
        self._lock = threading.Lock()
        self._status: Any = None
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._status is not None:
                self._status.stop()
            self._status = None
            self.enabled = False

    def stage(self, key: str, **values: Any) -> None:
        """The stage now under way: `progress.<key>` of the vocabulary, formatted with `values`."""
        if not self.enabled:
            return
        text = words(self.lang)[f"progress.{key}"].format(**{k: fmt.number(v, self.lang) for k, v in values.items()})
        with self._lock:
            self.text = text
            if self._status is not None:
                self._status.update(text)

    def _show(self) -> None:
        """Start the display (on the timer's thread). It is only a courtesy: if the terminal will
        not take it, the run goes on without it — never a thread's traceback on stderr."""
        from rich.console import Console

        with self._lock:
            if not self.enabled:
                return
            try:
                console = Console(file=self.file, force_terminal=True)
                self._status = console.status(self.text or words(self.lang)["progress.working"])
                self._status.start()
            except Exception:
                self._status = None
                self.enabled = False
