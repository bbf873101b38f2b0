"""The process environment, read in one place: what the variables a user may set say.

Only the edges read it — the command line (cli.py) and the web app's start-up build one
`Environment` (`read()`) and carry it in their session (engine.app.session), which puts it in scope
for the call it makes (`using`); everything below asks `current()`, never `os.environ`. A library
call made with no session in scope (a test, a script) gets `NOTHING_SET`: the environment as if no
variable were set — nothing is read from the process's environment then. A script of its own (`python
-m`, bench/) builds its session at its edge, as the command line does (engine.app.session).

    THIDUA_CAMPAIGNS   the user's campaign folders (joined by the path separator; `--campaigns`)
    THIDUA_PLANS       the plans' own texts (else ../shared/plans beside a checkout)
    THIDUA_CACHE_DIR   the start-up cache's folder ('' turns it off); else the platform's cache folder
    THIDUA_LOG_DIR     where a bug's log goes (else <tempdir>/thidua)
    THIDUA_BROWSER     the Chromium-family browser that prints PDF reports
    THIDUA_LANG        the reader's language (vi, en)
    THIDUA_MAX_*       the limits on the work an input may cost (engine.common.limits)
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

CAMPAIGNS_ENV = "THIDUA_CAMPAIGNS"
PLANS_ENV = "THIDUA_PLANS"
CACHE_ENV = "THIDUA_CACHE_DIR"
LOG_ENV = "THIDUA_LOG_DIR"
BROWSER_ENV = "THIDUA_BROWSER"
LANG_ENV = "THIDUA_LANG"
LIMITS_ENV = (
    "THIDUA_MAX_BYTES",
    "THIDUA_MAX_NODES",
    "THIDUA_MAX_REQUEST_BYTES",
    "THIDUA_MAX_UPLOADS",
    "THIDUA_MAX_KEPT_BYTES",
)


@dataclass(frozen=True)
class Environment:
    """What the environment sets, read once at an edge; `None` where it sets nothing."""

    campaigns: tuple[Path, ...] = ()  # the user's campaign folders, searched before the shipped ones
    plans: Path | None = None  # the plans' texts; None: ../shared/plans beside a checkout
    cache: Path | None = None  # the start-up cache's folder; None: no cache
    log_dir: Path | None = None  # a bug's log folder; None: <tempdir>/thidua
    browser: str | None = None  # the browser printing PDFs; None: looked for on the PATH
    lang: str = ""  # THIDUA_LANG as written (lower case), '' when unset
    limits: tuple[tuple[str, str], ...] = ()  # THIDUA_MAX_* as written, the ones set
    # FORCE_COLOR (with a value) or TTY_COMPATIBLE=1: stdout may be a terminal though it is no tty, as rich
    # decides (engine.render.output.screen); without them a stream that is no tty is no terminal
    terminal_forced: bool = False

    def with_campaigns(self, folders: tuple[Path, ...]) -> Environment:
        """The same environment with the campaign folders a command line named (`--campaigns`)."""
        from dataclasses import replace

        return replace(self, campaigns=folders)

    def logs(self) -> Path:
        """Where a bug's log goes."""
        return self.log_dir if self.log_dir is not None else Path(tempfile.gettempdir()) / "thidua"


def read(environ: Mapping[str, str] | None = None) -> Environment:
    """The environment `environ` (the process's, by default) sets."""
    env = os.environ if environ is None else environ
    campaigns = tuple(Path(p) for p in env.get(CAMPAIGNS_ENV, "").split(os.pathsep) if p)
    plans = env.get(PLANS_ENV)
    log_dir = env.get(LOG_ENV)
    return Environment(
        campaigns=campaigns,
        plans=Path(plans) if plans else None,
        cache=_cache(env),
        log_dir=Path(log_dir) if log_dir else None,
        browser=env.get(BROWSER_ENV) or None,
        lang=env.get(LANG_ENV, "").strip().lower(),
        limits=tuple((name, env[name]) for name in LIMITS_ENV if env.get(name, "").strip()),
        terminal_forced=bool(env.get("FORCE_COLOR")) or env.get("TTY_COMPATIBLE") == "1",
    )


def _cache(env: Mapping[str, str]) -> Path | None:
    """The cache folder: THIDUA_CACHE_DIR ('' = none), else the platform's user cache folder."""
    value = env.get(CACHE_ENV)
    if value is not None:
        return Path(value) if value else None
    try:
        home = Path.home()
    except RuntimeError:  # no home folder: no cache
        home = None
    if sys.platform == "win32":
        base = env.get("LOCALAPPDATA") or (home / "AppData" / "Local" if home is not None else None)
        return Path(base) / "thidua" / "cache" if base else None
    base = env.get("XDG_CACHE_HOME") or (home / ".cache" if home is not None else None)
    return Path(base) / "thidua" if base else None


_SCOPE: ContextVar[Environment | None] = ContextVar("thidua_environment", default=None)
NOTHING_SET = Environment()  # what a call with no session in scope sees (frozen: never changed)


def current() -> Environment:
    """The environment of the call in progress: its session's, else `NOTHING_SET` (never the
    process's: only an edge reads that, `read()`)."""
    scoped = _SCOPE.get()
    return scoped if scoped is not None else NOTHING_SET


@contextmanager
def using(environment: Environment) -> Iterator[None]:
    """`environment` for what runs inside (this thread or task only: concurrent requests keep theirs)."""
    token = _SCOPE.set(environment)
    try:
        yield
    finally:
        _SCOPE.reset(token)
