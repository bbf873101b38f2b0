"""Writing outputs safely: to a temporary file moved into place, never over an input."""

from __future__ import annotations

import contextlib
import os
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
    if target.exists() and any(_same(target, src) for src in (*INPUTS_READ, *inputs)):
        raise UsageError(Problem(str(path), "refusing to write over an input file", hint="choose another output name"))
    if target.is_dir():
        raise UsageError(Problem(str(path), "is a folder", hint="name a file to write"))
    if not target.parent.is_dir():
        raise UsageError(Problem(str(path), "the output folder does not exist", hint="create it first"))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise UsageError(Problem(str(path), f"cannot write: {e.strerror}")) from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; an output file is an ordinary file
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise UsageError(Problem(str(path), f"cannot write: {e.strerror}")) from None
        raise


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
