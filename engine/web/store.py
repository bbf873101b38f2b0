"""The returns a reviewer uploaded, kept in memory so the pages after the upload can read them.

An upload gets an unguessable token; the pages under /results/{token} re-read its files (the
evaluation is kept beside them, made once). The store stays the same size however long the
server runs: at most `limits.MAX_SESSIONS` uploads, together at most `limits.MAX_KEPT_BYTES` of
returns (the evaluations made from them grow with them), each for `limits.SESSION_SECONDS`; the
oldest is dropped first (the newest is always kept: one request is already held to
`limits.MAX_REQUEST_BYTES`). Nothing is written to disk.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from engine.common import limits
from engine.evaluate.core import Evaluation
from engine.pipeline import Upload
from engine.web.service import Settings


@dataclass
class Session:
    campaign: str
    files: list[Upload]
    settings: Settings
    evaluation: Evaluation
    made: float = field(default_factory=time.monotonic)

    @property
    def size(self) -> int:
        """The bytes of returns it keeps."""
        return sum(len(data) for _, data in self.files)


class Store:
    def __init__(self) -> None:
        self._items: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, session: Session) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._drop_old()
            self._items[token] = session
            while len(self._items) > 1 and (
                len(self._items) > limits.MAX_SESSIONS or self._bytes() > limits.MAX_KEPT_BYTES
            ):
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> Session | None:
        with self._lock:
            self._drop_old()
            return self._items.get(token)

    def kept(self) -> tuple[int, int]:
        """The uploads kept and their bytes."""
        with self._lock:
            return len(self._items), self._bytes()

    def _bytes(self) -> int:
        return sum(s.size for s in self._items.values())

    def _drop_old(self) -> None:
        now = time.monotonic()
        for token in [t for t, s in self._items.items() if now - s.made > limits.SESSION_SECONDS]:
            del self._items[token]
