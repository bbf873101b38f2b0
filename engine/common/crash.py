"""A bug is not a usage error: an unexpected exception gets exit code 3 and a log file.

The CLI prints one line on stderr naming the log; the log holds what a developer needs to
reproduce the failure — thidua's and Python's versions, the platform, the command line and
the full traceback. Logs go to `$THIDUA_LOG_DIR` when set, else `<tempdir>/thidua`, and only
when that folder is private (the user's own, not writable by others: the cache's rule,
engine.common.cache.private_folder), each file readable by its user only (0600): a traceback can
hold a facts file's values. Otherwise no log is written and the one line says why.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path

from engine.common.message import Msg, Text, say


def log_dir(configured: Path | None = None) -> Path:
    """Where crash logs go: `configured` (`$THIDUA_LOG_DIR`, read at the edge), else a `thidua`
    folder in the system's temp dir."""
    return configured if configured is not None else Path(tempfile.gettempdir()) / "thidua"


def write_log(
    exc: BaseException, argv: list[str] | None = None, now: dt.datetime | None = None, folder: Path | None = None
) -> Path:
    """Write the crash log into `folder` (`log_dir`) and return its path; OSError when it cannot be written."""
    from engine import __version__
    from engine.common.cache import private_folder

    folder = private_folder(log_dir(folder))
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    text = "\n".join(
        [
            f"thidua {__version__}",
            f"python {sys.version.split()[0]} ({platform.python_implementation()})",
            f"platform {platform.platform()}",
            "argv " + " ".join(argv if argv is not None else sys.argv),
            "",
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        ]
    )
    for n in range(100):  # two crashes in the same second keep both logs
        path = folder / (f"thidua-error-{stamp}.log" if n == 0 else f"thidua-error-{stamp}-{n}.log")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return path
    raise FileExistsError(f"{folder}: too many logs for {stamp}")


def internal_error_line(exc: BaseException, argv: list[str] | None = None, folder: Path | None = None) -> str:
    """The one stderr line for a bug, after writing its log, in the reader's language (the
    exception's own text stays as Python wrote it: it is for the developers)."""
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    try:
        path = write_log(exc, argv, folder=folder)
    except OSError as e:
        from engine.common.cache import NotPrivate

        why: Text = Msg("problem.crash_not_private") if isinstance(e, NotPrivate) else f"{type(e).__name__}: {e}"
        return _said(Msg("problem.render_internal_unlogged", what=what, folder=str(log_dir(folder)), why=why))
    return _said(Msg("problem.render_internal", what=what, log=str(path)))


def _said(msg: Msg) -> str:
    """The line in the reader's language (the vocabulary, loaded by the CLI and the web app before
    any command runs, says it: engine.common.message.say); should the vocabulary itself be what
    broke, the line is still printed, with its facts (a bug line must never raise)."""
    try:
        return say(msg)
    except Exception:
        return "thidua: lỗi nội bộ (internal error): " + " — ".join(str(v) for _, v in msg.params)
