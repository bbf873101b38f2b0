"""Writing outputs safely: to a temporary file moved into place, never over an input.

The one helper every output goes through (`write_atomic`). An ordinary file is written whole or
not at all: the bytes go to a temporary file beside it, which is renamed over the target; an
existing target keeps its permission bits (and, where allowed, its owner), and a read-only one is
refused rather than replaced. A target that is not an ordinary file — a terminal or `/dev/null`
(character devices), a named pipe — is written to directly: renaming over it would replace the
device itself. Anything else (a block device, a socket) is refused. An interrupt (Ctrl-C, or
SIGTERM, which the CLI turns into one) leaves no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from engine.common.errors import Problem, UsageError
from engine.model.source import INPUTS_READ

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet program would take for a formula


def looks_like_formula(value: object) -> bool:
    """A text that CSV/XLSX output must keep as text (a name such as '=HYPERLINK(…)')."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def write_atomic(path: Path, data: str | bytes, inputs: tuple[Path, ...] = ()) -> None:
    """Write `data` to `path` all at once; never over a file this run read (or one of `inputs`)."""
    target = path.resolve()
    try:
        st: os.stat_result | None = path.stat()  # follows links: /dev/stdout is the stream it names
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as e:
        raise UsageError(Problem(str(path), f"cannot write: {e.strerror}")) from None
    if st is not None and any(_same(path, src) for src in (*INPUTS_READ, *inputs)):
        raise UsageError(Problem(str(path), "refusing to write over an input file", hint="choose another output name"))
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise UsageError(Problem(str(path), "is a folder", hint="name a file to write"))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_through(path, st, raw)
        return
    if st is not None and (not st.st_mode & 0o222 or not os.access(path, os.W_OK)):
        raise UsageError(
            Problem(str(path), "the file is read-only", hint="make it writable first, or choose another output name")
        )
    if not target.parent.is_dir():
        raise UsageError(Problem(str(path), "the output folder does not exist", hint="create it first"))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise UsageError(Problem(str(path), f"cannot write: {e.strerror}")) from None
    try:
        if st is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a new output is an ordinary file
        else:
            os.chmod(tmp, stat.S_IMODE(st.st_mode) & 0o777)  # the file it replaces keeps its mode
            if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):  # only root may give a file away; others keep theirs
                    os.chown(tmp, st.st_uid, st.st_gid)
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise UsageError(Problem(str(path), f"cannot write: {e.strerror}")) from None
        raise


def _write_through(path: Path, st: os.stat_result, raw: bytes) -> None:
    """A character device or a named pipe: write into it; never rename a file over it."""
    if not (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        raise UsageError(
            Problem(str(path), "is not an ordinary file (a block device or a socket)", hint="name a file to write")
        )
    try:
        with path.open("wb") as f:
            f.write(raw)
    except OSError as e:
        raise UsageError(Problem(str(path), f"cannot write: {e.strerror}")) from None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
