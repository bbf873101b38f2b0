"""What thidua made from its own data files before, kept on disk: start-up without re-reading them.

Every command first reads the campaign, the fact catalogue (`facts.yaml`) and the vocabulary —
YAML parsed with positions, checked against the Pydantic schema, the campaign's structural checks
run and its rules compiled. For a one-candidate file that is a third of the run. `remembered`
keeps the result (a pickle) under the SHA-256 of everything it was made from: the file's text and
whatever else the caller names, thidua's own source code, the Python, Pydantic and PyYAML
versions and the limits in force. A changed input or a changed engine is another key, so a kept
result is only ever one the same code made from the same bytes.

A kept file is read back only when its seal (the SHA-256 of its key and its bytes, written in
front of it) checks, and any failure to read, check or unpickle it means it is made again: a
damaged cache, or a file kept under another key, costs time, never a different result. The cache
is the user's own folder (`THIDUA_CACHE_DIR`, else the platform's cache folder), created
private; one that another user could write to is not used. Set `THIDUA_CACHE_DIR` to an empty
value to turn it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar, cast

from engine.common import environment, limits
from engine.common.environment import CACHE_ENV as CACHE_ENV  # the variable's name, for tests

T = TypeVar("T")
ENGINE = Path(__file__).resolve().parents[1]
_DIGEST = hashlib.sha256().digest_size


def remembered(kind: str, inputs: Sequence[str | bytes], make: Callable[[], T]) -> T:
    """`make()`, or what the same code made before from the same `inputs` (kept on disk)."""
    folder = cache_dir()
    if folder is None:
        return make()
    key = _key(kind, inputs)
    path = folder / f"{kind}-{key}.pickle"
    kept = _read(path, key)
    if kept is not None:
        return cast(T, kept[0])
    made = make()
    _write(path, key, made)
    _prune(folder, kind)
    return made


KEEP = 16  # kept results of one kind (each change of a campaign or of the engine makes another)


def _prune(folder: Path, kind: str) -> None:
    """Keep the newest `KEEP` results of `kind`: the others are of files or code since changed."""
    try:
        found = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in found[KEEP:]:
            old.unlink()
    except OSError:  # another thidua pruning too, or a file gone: nothing to do
        pass


@cache
def code_digest() -> str:
    """The SHA-256 of thidua's engine (every module's source) and of the libraries whose objects
    are kept: another version of any of them is another key. PyYAML's is its `__init__.py` (the
    file that states its version), read, not imported: a run that reads no YAML imports no PyYAML."""
    import importlib.util

    import pydantic

    h = hashlib.sha256()
    for part in (sys.version, pydantic.VERSION):
        h.update(part.encode() + b"\0")
    yaml = importlib.util.find_spec("yaml")
    h.update(Path(yaml.origin).read_bytes() if yaml is not None and yaml.origin else b"")
    h.update(b"\0")
    for name in _sources():
        with open(os.path.join(ENGINE, name), "rb") as f:
            h.update(name.encode() + b"\0" + f.read() + b"\0")
    return h.hexdigest()


def _sources() -> list[str]:
    """Every module of the engine, by its path below it (`model/source.py`), in sorted order."""
    found = []
    for folder, subfolders, files in os.walk(ENGINE):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        below = os.path.relpath(folder, ENGINE)
        prefix = "" if below == "." else below.replace(os.sep, "/") + "/"
        found += [prefix + name for name in files if name.endswith(".py")]
    return sorted(found, key=lambda name: name.split("/"))


def _key(kind: str, inputs: Sequence[str | bytes]) -> str:
    h = hashlib.sha256()
    bounds = (limits.MAX_BYTES, limits.MAX_NODES, limits.MAX_DEPTH, limits.ALIAS_ALLOWANCE, limits.ALIAS_FACTOR)
    for part in (kind, code_digest(), repr(bounds), *inputs):
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)  # lengths first: no two lists of inputs hash alike
    return h.hexdigest()


def cache_dir() -> Path | None:
    """The user's cache folder for thidua, created private; None when off or not safely usable."""
    folder = environment.current().cache  # THIDUA_CACHE_DIR, else the platform's (engine.common.environment)
    if folder is None:
        return None
    try:
        return private_folder(folder)
    except (OSError, RuntimeError):  # no home, a read-only disk, another user's folder: run without
        return None


class NotPrivate(OSError):
    """A folder another user owns or could write to."""


def private_folder(folder: Path) -> Path:
    """`folder`, created private (0700) if missing; NotPrivate when it is no folder, or another
    user owns it or could write to it (put a pickle in the cache, or swap a crash log for a link)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = folder.stat()
    if not stat.S_ISDIR(st.st_mode):
        raise NotPrivate(str(folder))
    if sys.platform != "win32" and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        raise NotPrivate(str(folder))
    return folder


def _seal(key: str, body: bytes) -> bytes:
    """The SHA-256 written in front of a kept result: of its key and its bytes, so a damaged file,
    or one kept under another key, does not check."""
    return hashlib.sha256(key.encode() + b"\0" + body).digest()


def _read(path: Path, key: str) -> tuple[object] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, body = data[:_DIGEST], data[_DIGEST:]
    if len(digest) != _DIGEST or _seal(key, body) != digest:
        return None
    try:
        return (pickle.loads(body),)
    except Exception:  # a pickle of classes that have changed since: make it again
        return None


def _write(path: Path, key: str, value: object) -> None:
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # not picklable: nothing kept, nothing lost
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_seal(key, body) + body)
        os.replace(tmp, path)  # whole or not at all, even with another thidua writing the same key
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
