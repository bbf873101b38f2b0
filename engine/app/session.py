"""What a run of thidua carries instead of process state: one `Session` per command line, one per
web app.

A session holds the environment its edge read (engine.common.environment: the campaign folders,
the plans folder, the cache and log folders, the browser, the limits) and the input files read
under it — an output never goes over one of them. (Its caches are the engine's, keyed by content
and bounded: engine.common.cache.) Every application
function runs inside `session.active()`, which puts these in scope for that call only (a
context variable, as the reader's language is: two web requests never see each other's).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from engine.common import environment
from engine.common.environment import Environment


@dataclass
class Session:
    """The environment of a run, and the inputs it has read."""

    env: Environment = field(default_factory=Environment)
    inputs_read: set[Path] = field(default_factory=set)

    @classmethod
    def from_environment(cls, env: Environment | None = None) -> Session:
        """A session over `env` (the process's environment, read now, by default)."""
        return cls(env if env is not None else environment.read())

    @contextmanager
    def active(self) -> Iterator[Session]:
        """This session's environment and input record in scope for what runs inside."""
        from engine.model.source import recording

        with environment.using(self.env), recording(self.inputs_read):
            yield self

    def protected(self, *named: Path) -> frozenset[Path]:
        """What an output may not overwrite: every file this session read, and the ones `named`."""
        return frozenset({*self.inputs_read, *named})
