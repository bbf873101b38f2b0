"""Writing outputs safely: to a temporary file moved into place, never over an input."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from engine.errors import Problem, UsageError


def write_atomic(path: Path, data: str | bytes, inputs: tuple[Path, ...] = ()) -> None:
    """Write `data` to `path` all at once; refuse to overwrite one of `inputs`."""
    target = path.resolve()
    for src in inputs:
        try:
            if src.exists() and target.exists() and src.resolve().samefile(target):
                raise UsageError(
                    Problem(
                        str(path),
                        "refusing to write over an input file",
                        hint="choose another output name",
                    )
                )
        except OSError:
            pass
    if target.parent and not target.parent.exists():
        raise UsageError(Problem(str(path), "the output folder does not exist", hint="create it first"))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; an output file is an ordinary file
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
