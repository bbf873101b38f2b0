"""Read YAML and JSON files into plain Python data, remembering where each value stood.

Stage 0 of the pipeline. Every later stage reports problems by *path* (`('criteria', 3,
'rule')`); `Document.locate` turns a path back into `line:column` so authors are pointed at
the exact place. Reading also refuses what PyYAML would silently accept: duplicate keys,
alias bombs, absurd nesting, tags that construct objects, and non-UTF-8 text.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.common.errors import Problem, UsageError

try:  # libyaml is ~4x faster; fall back to the pure-Python loader when absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the build of PyYAML
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathT = tuple[Hashable, ...]

MAX_BYTES = int(os.environ.get("THIDUA_MAX_BYTES", str(64 * 1024 * 1024)))
MAX_NODES = int(os.environ.get("THIDUA_MAX_NODES", "5000000"))
MAX_DEPTH = 64


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
            try:
                self.marks = _compose(self.text, self.file)[1]
            except Exception:
                self.marks = {(): (1, 1)}
        p = tuple(path)
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, path: PathT, message: str, hint: str = "", where: str = "") -> Problem:
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


INPUTS_READ: set[Path] = set()  # every file this process read as input: outputs never go over them


def read_text(path: Path, display: str | None = None) -> str:
    """Read a text file as UTF-8 (BOM allowed), refusing other encodings with a hint."""
    return decode(read_input(path, display), display or str(path))


def read_input(path: Path, display: str | None = None) -> bytes:
    """Read an input file's bytes (within the size limit) and remember it as an input."""
    name = display or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UsageError(Problem(name, "file not found", hint="check the path")) from None
    except OSError as e:
        raise UsageError(Problem(name, f"cannot read: {e.strerror}")) from None
    if path.is_dir():
        raise UsageError(Problem(name, "is a folder, not a file"))
    if size > MAX_BYTES:
        raise UsageError(
            Problem(
                name,
                f"file is {size:,} bytes, over the limit of {MAX_BYTES:,}",
                hint="split it, or raise the limit with THIDUA_MAX_BYTES=<bytes>",
            )
        )
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise UsageError(Problem(name, f"cannot read: {e.strerror}")) from None
    INPUTS_READ.add(path.resolve())
    return raw


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
                f"not UTF-8 text (byte 0x{raw[e.start]:02x} cannot be decoded)",
                line=line,
                hint="save the file as UTF-8; legacy Vietnamese encodings such as "
                "Windows-1258 or TCVN3 are not accepted",
            )
        ) from None
    if "\x00" in text:
        raise UsageError(Problem(name, "contains NUL bytes: not a text file"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_file(path: Path, display: str | None = None) -> Document:
    """Parse a `.yaml`/`.yml` or `.json` file into a `Document`."""
    name = display or str(path)
    text = read_text(path, name)
    if path.suffix.lower() == ".json":
        return load_json_text(text, name)
    return load_yaml_text(text, name)


def load_yaml_text(text: str, name: str) -> Document:
    data, marks = _compose(text, name)
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
            Problem(name, f"duplicate key '{e.key}'", hint="each key may appear once per object")
        ) from None
    except json.JSONDecodeError as e:
        raise UsageError(Problem(name, f"not valid JSON: {e.msg}", e.lineno, e.colno)) from None
    except RecursionError:
        raise UsageError(Problem(name, "nesting too deep")) from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise UsageError(
            Problem(name, "a number with thousands of digits", *_json_at(text, _LONG_NUMBER), hint="check the value")
        ) from None
    except _LoneSurrogate:
        raise UsageError(
            Problem(
                name,
                "a \\u escape names half a character (a lone UTF-16 surrogate), which is not text",
                *_json_at(text, _SURROGATE),
                hint="write the character itself, or both halves of its pair",
            )
        ) from None
    return Document(name, data, {}, text, "json")


_LONG_NUMBER = re.compile(r"-?\d{4000,}")
_SURROGATE = re.compile(r"(?i)\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<![0-9a-f]{4})\\ud[c-f][0-9a-f]{2}")


def _json_at(text: str, pattern: re.Pattern[str]) -> tuple[int | None, int | None]:
    """The line and column of the first match of `pattern` in a JSON text (None, None if none)."""
    m = pattern.search(text)
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


def _compose(text: str, name: str) -> tuple[Any, dict[PathT, tuple[int, int]]]:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        msg = (e.problem or e.context or "cannot parse").strip()
        raise UsageError(Problem(name, f"YAML syntax error: {msg}", line, col, hint=_yaml_hint(msg))) from None
    except yaml.YAMLError as e:
        raise UsageError(Problem(name, f"YAML error: {e}")) from None
    except RecursionError:
        raise UsageError(Problem(name, "nesting too deep")) from None
    if node is None:
        return None, {(): (1, 1)}
    builder = _Builder(name)
    data = builder.build(node, (), 0)
    return data, builder.marks


def _yaml_hint(msg: str) -> str:
    if "second occurrence" in msg:
        return "an anchor (&name) may be defined only once in a file; give this one another name"
    if "mapping values are not allowed" in msg:
        return "a value containing ': ' must be quoted"
    if "found character '\\t'" in msg:
        return "use spaces, not tabs, for indentation"
    if "could not find expected ':'" in msg:
        return "check the indentation and that each key ends with ':'"
    return "check the indentation and quoting around this line"


_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


class _Builder:
    """Turns a YAML node tree into Python data, recording each value's position."""

    def __init__(self, name: str):
        self.name = name
        self.marks: dict[PathT, tuple[int, int]] = {}
        self.count = 0
        self.scalars = yaml.constructor.SafeConstructor()

    def _fail(self, node: yaml.Node, message: str, hint: str = "") -> UsageError:
        m = node.start_mark
        return UsageError(Problem(self.name, message, m.line + 1, m.column + 1, hint=hint))

    def build(self, node: yaml.Node, path: PathT, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._fail(
                node,
                f"more than {MAX_NODES:,} values (an alias bomb, or a very large file)",
                "remove repeated aliases (*name), or raise THIDUA_MAX_NODES",
            )
        if depth > MAX_DEPTH:
            raise self._fail(node, f"nested more than {MAX_DEPTH} levels deep")
        if path not in self.marks:
            self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self._fail(node, f"tag {node.tag} is not allowed", "remove the '!' tag")
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: PathT, depth: int) -> dict[Any, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise self._fail(node, f"tag {node.tag} is not allowed", "remove the '!' tag")
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self._fail(key_node, "merge keys ('<<') are not allowed", "write keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._fail(key_node, "a key must be a plain value")
            key = self._scalar(key_node)
            if not isinstance(key, Hashable):
                raise self._fail(key_node, "a key must be a plain value")
            if key in out:
                raise self._fail(
                    key_node,
                    f"duplicate key '{key}'",
                    "each key may appear once in a mapping; YAML would silently keep the last",
                )
            child = (*path, key)
            self.marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, child, depth + 1)
        return out

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise self._fail(node, f"tag {node.tag} is not allowed", "remove the '!' tag")
        try:
            value = self.scalars.construct_object(node, deep=True)
        except yaml.YAMLError as e:
            raise self._fail(node, f"bad value: {getattr(e, 'problem', e)}") from None
        except ValueError as e:  # e.g. an impossible date such as 2024-02-30
            raise self._fail(node, f"bad value '{node.value}': {e}") from None
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        if isinstance(value, bytes | set):
            raise self._fail(node, "binary and set values are not allowed")
        return value
