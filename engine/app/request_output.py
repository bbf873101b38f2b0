"""Where and how a command writes (`-f`, `-o`): the part every command's request may hold, apart
so that engine.app.requests and engine.app.authoring_requests both build on it (engine.app.requests
re-exports it: `requests.Output`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Output:
    """Where and how a command writes: `-f` as asked (None: the command's default, or the file's
    extension) and `-o` (None: the screen or the response)."""

    format: str | None = None
    path: Path | None = None
