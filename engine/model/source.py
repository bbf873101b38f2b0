"""Read YAML and JSON files into plain Python data, remembering where each value stood.

Stage 0 of the pipeline. Every later stage reports problems by *path* (`('criteria', 3,
'rule')`); `Document.locate` turns a path back into `line:column` so authors are pointed at
the exact place. Reading also refuses what PyYAML would silently accept: duplicate keys,
alias bombs (before they are expanded), absurd nesting, tags that construct objects, anything
but a regular file, and non-UTF-8 text. Numbers are read by the YAML 1.2 core rules: `040`,
`0x1F`, `0b11`, `1:20` and `1_0`, which YAML 1.1 readers turn into other numbers (`040` is 32),
stay text, so a numeric fact refuses them (`number_readings` gives the hint). The YAML reading
itself is engine.model.yaml_read, imported by the first YAML text read: a run whose inputs are JSON
and whose campaign comes from the cache imports no PyYAML.
"""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.common import limits
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, Text

PathT = tuple[Hashable, ...]


def number_readings(text: str) -> tuple[Any, Any] | None:
    """What YAML 1.1 and YAML 1.2 readers make of a text that is not a plain decimal number
    (engine.model.yaml_read.number_readings)."""
    from engine.model.yaml_read import number_readings as readings

    return readings(text)


@dataclass
class Document:
    """A parsed file: its data and a way back from a path to a line and column."""

    file: str
    data: Any
    marks: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    text: str = ""
    kind: str = "yaml"

    def locate(self, path: PathT, *, precise: bool = True) -> tuple[int | None, int | None]:
        """The line and column of the value at `path` (or its nearest known ancestor).

        JSON is read with the fast parser, which keeps no positions; they are worked out (by
        re-reading the text) only when `precise` — for an error, once. A warning passes
        `precise=False` and goes without a line rather than re-read a large file.
        """
        if self.kind == "json" and not self.marks and not precise:
            return None, None
        if self.kind == "json" and not self.marks and self.text:
            from engine.model.yaml_read import compose

            try:
                self.marks = compose(self.text, self.file)[1]
            except Exception:
                self.marks = {(): (1, 1)}
        p = tuple(path)
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, path: PathT, message: Text, hint: Text = "", where: str = "") -> Problem:
        line, col = self.locate(path)
        return Problem(self.file, message, line, col, where or dotted(path), hint)


def dotted(path: PathT) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# the files the session in progress has read as input (its `inputs_read`: outputs never go over
# them), in scope for the call it makes (`recording`); none is kept when no session records them
_READ: ContextVar[set[Path] | None] = ContextVar("thidua_inputs_read", default=None)


@contextmanager
def recording(inputs_read: set[Path]) -> Iterator[None]:
    """Every input file read inside is added to `inputs_read` (a session's)."""
    token = _READ.set(inputs_read)
    try:
        yield
    finally:
        _READ.reset(token)


def note_input(path: Path) -> None:
    """`path` was read as an input: the session in progress, if any, remembers it."""
    seen = _READ.get()
    if seen is not None:
        seen.add(path.resolve())


def read_text(path: Path, display: str | None = None) -> str:
    """Read a text file as UTF-8 (BOM allowed), refusing other encodings with a hint."""
    return decode(read_input(path, display), display or str(path))


def read_input(path: Path, display: str | None = None) -> bytes:
    """Read an input file's bytes (within the size limit) and remember it as an input.

    Only a regular file is read: a FIFO would block, a device (`/dev/zero`, also through a
    symlink) never ends. The file is opened without blocking and checked on the open handle,
    and no more than the limit is read even if it grows meanwhile."""
    name = display or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UsageError(
            Problem(name, Msg("problem.facts_file_not_found"), hint=Msg("problem.facts_check_path"))
        ) from None
    except IsADirectoryError:
        raise UsageError(_folder(name)) from None
    except OSError as e:
        raise UsageError(_unreadable(name, e)) from None
    if stat.S_ISDIR(os.fstat(fd).st_mode):  # a folder opens on Linux, but fdopen refuses it (IsADirectoryError)
        os.close(fd)
        raise UsageError(_folder(name))
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UsageError(
                Problem(name, Msg("problem.facts_not_a_regular_file"), hint=Msg("problem.facts_save_to_file"))
            )
        try:
            raw = f.read(limits.MAX_BYTES + 1)
        except OSError as e:
            raise UsageError(_unreadable(name, e)) from None
        size = max(os.fstat(fd).st_size, len(raw))
    check_size(size, name)
    note_input(path)
    return raw


def _folder(name: str) -> Problem:
    return Problem(name, Msg("problem.facts_is_a_folder"), hint=Msg("problem.facts_name_a_file"))


def _unreadable(name: str, error: OSError) -> Problem:
    # the system's own reason (in the system's language) as it gives it, after what to do
    return Problem(
        name, Msg("problem.facts_cannot_read", reason=error.strerror or ""), hint=Msg("problem.facts_cannot_read_hint")
    )


def check_size(size: int, name: str) -> None:
    """Refuse an input over `limits.MAX_BYTES` (a file, an upload, standard input)."""
    if size > limits.MAX_BYTES:
        raise UsageError(
            Problem(
                name,
                Msg("problem.facts_too_large", size=size, limit=limits.MAX_BYTES),
                hint=Msg("problem.facts_too_large_hint"),
            )
        )


def decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise UsageError(
            Problem(
                name,
                Msg("problem.facts_not_utf8", byte=f"0x{raw[e.start]:02x}"),
                line=line,
                hint=Msg("problem.facts_not_utf8_hint"),
            )
        ) from None
    if "\x00" in text:
        raise UsageError(Problem(name, Msg("problem.facts_nul_bytes"), hint=Msg("problem.facts_nul_bytes_hint")))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_file(path: Path, display: str | None = None) -> Document:
    """Parse a `.yaml`/`.yml` or `.json` file into a `Document`."""
    name = display or str(path)
    text = read_text(path, name)
    if path.suffix.lower() == ".json":
        return load_json_text(text, name)
    return load_yaml_text(text, name)


def load_yaml_text(text: str, name: str) -> Document:
    """Parse YAML text (engine.model.yaml_read: PyYAML is imported by the first YAML read)."""
    from engine.model.yaml_read import compose

    data, marks = compose(text, name)
    return Document(name, data, marks, text, "yaml")


def load_json_text(text: str, name: str) -> Document:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)  # keys are NFC-normalised below, with the values
        if len(out) != len(items):
            seen: set[str] = set()
            for k, _ in items:
                if k in seen:
                    raise _DuplicateKey(k)
                seen.add(k)
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs)
        # a text that is NFC and has no \u escapes holds only NFC strings: skip the walk (bulk files)
        if "\\u" in text or not unicodedata.is_normalized("NFC", text):
            data = _nfc(data)
    except _DuplicateKey as e:
        raise UsageError(
            Problem(name, Msg("problem.facts_duplicate_key", field=e.key), hint=Msg("problem.facts_duplicate_key_json"))
        ) from None
    except json.JSONDecodeError as e:
        # Python's own words for what broke (in English), after what to check
        raise UsageError(
            Problem(
                name,
                Msg("problem.facts_not_json", detail=e.msg),
                e.lineno,
                e.colno,
                hint=Msg("problem.facts_not_json_hint"),
            )
        ) from None
    except RecursionError:
        raise UsageError(
            Problem(name, Msg("problem.facts_too_deep"), hint=Msg("problem.facts_too_deep_hint"))
        ) from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise UsageError(
            Problem(
                name,
                Msg("problem.facts_thousands_of_digits"),
                *_json_at(text, _LONG_NUMBER),
                hint=Msg("problem.facts_check_value"),
            )
        ) from None
    except _LoneSurrogate:
        raise UsageError(
            Problem(
                name,
                Msg("problem.facts_lone_surrogate"),
                *_json_at(text, _SURROGATE),
                hint=Msg("problem.facts_lone_surrogate_hint"),
            )
        ) from None
    return Document(name, data, {}, text, "json")


# patterns for an error's place, compiled (re's own cache) only when a text is refused
_LONG_NUMBER = r"-?\d{4000,}"
_SURROGATE = r"(?i)\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<![0-9a-f]{4})\\ud[c-f][0-9a-f]{2}"


def _json_at(text: str, pattern: str) -> tuple[int | None, int | None]:
    """The line and column of the first match of `pattern` in a JSON text (None, None if none)."""
    m = re.search(pattern, text)
    if m is None:
        return None, None
    line = text.count("\n", 0, m.start()) + 1
    return line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1


class _LoneSurrogate(Exception):
    pass


_HALF = re.compile("[\ud800-\udfff]")


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        if _HALF.search(value):
            raise _LoneSurrogate
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            k = _nfc(k) if isinstance(k, str) else k
            if k in out:  # two spellings of one key that differ only in normalisation
                raise _DuplicateKey(k)
            out[k] = _nfc(v)
        return out
    return value
