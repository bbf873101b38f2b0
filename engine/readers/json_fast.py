"""A JSON facts file read without a Python object per value: the fast path of `engine.readers.read_facts`.

The file's bytes (or a memory map of a large file, `mapped`) are decoded by msgspec: first the top
level, each candidate kept as a `Raw` slice of the bytes (nothing decoded, nothing copied); then
each candidate in turn into a small typed `_Candidate`. A candidate's `facts` and `submission` are
kept as bytes and read once for every candidate that writes them alike (people's facts are a few
thousand combinations in a province's or a nation's file): by the one grammar per fact type
(`engine.model.fact_values`, through `engine.model.facts.Reader`) and the same Pydantic models as
the full path, so a value means here what it means there.

It reads only what is certainly well formed and accepted; anything else — a value to refuse, a
warning that points at a line, a duplicate key, a `\\u` escape, a structure the full path's models
would read otherwise — returns None, and the caller reads the file as before
(`engine.model.source.load_json_text`, `engine.model.facts.facts_from_document`): its problems,
their lines and columns are the full path's own, byte for byte. Duplicate keys, which msgspec
accepts silently, are found by counting: in valid JSON without `\\u` escapes, the colons of a
value's bytes are its keys plus the colons inside its strings, so a value whose colons are more
than the keys decoded and the colons of its strings holds a key twice.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from msgspec import UNSET, Raw, UnsetType
from pydantic import ValidationError

from engine.common import limits
from engine.common.errors import UsageError
from engine.model.catalogue import Catalogue
from engine.model.fact_values import nfc
from engine.model.facts import (
    SECTIONS,
    Candidate,
    CandidateIn,
    FactsFile,
    FactsFileIn,
    Reader,
    Submission,
    SubmissionIn,
    submission,
)
from engine.model.schema import PERSON_KINDS, UNIT_KINDS
from engine.model.source import Document, decode, note_input

KINDS = {k: k for k in (*UNIT_KINDS, *PERSON_KINDS)}
BOM = b"\xef\xbb\xbf"
MAP_FROM = 8 << 20  # a file this large is read through a memory map (its pages let go as they are read)
WINDOW = 8 << 20  # bytes read between two lettings go of the map's pages
CACHED = 1 << 16  # distinct facts (or submissions) remembered: a file of distinct ones is not held twice


class _Doubt(Exception):
    """Not for the fast path: the file is read by the full path, which says what is wrong."""


class _Top(msgspec.Struct, forbid_unknown_fields=True):
    campaign: Raw | UnsetType = UNSET
    issuer: Raw | UnsetType = UNSET
    as_of: Raw | UnsetType = UNSET
    deadline: Raw | UnsetType = UNSET
    round: Raw | UnsetType = UNSET
    units: list[Raw] | UnsetType | None = UNSET
    people: list[Raw] | UnsetType | None = UNSET


class _Candidate(msgspec.Struct, forbid_unknown_fields=True):
    """A unit or person as `CandidateIn` reads one, in the types it takes as they are; a value of
    another type (a kind by its Vietnamese name, `head: có`) is read by `CandidateIn` itself."""

    id: str | int
    name: str
    kind: str
    parent: str | int | UnsetType | None = UNSET
    unit: str | int | UnsetType | None = UNSET
    head: bool | UnsetType = UNSET
    position: str | UnsetType | None = UNSET
    facts: Raw | UnsetType = UNSET
    submission: Raw | UnsetType = UNSET


_NOTHING = Raw(b"")
_TOP = msgspec.json.Decoder(_Top)
_CANDIDATE = msgspec.json.Decoder(_Candidate)
_ANY = msgspec.json.Decoder()
_ENCODE = msgspec.json.Encoder().encode
_DECODING = (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError, UnicodeError)


def plain(value: Any) -> Any:
    """A decoded value with every string NFC (as `engine.model.source.load_json_text` makes them);
    `_Doubt` for two keys that are one once NFC."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            k = nfc(k)
            if k in out:
                raise _Doubt
            out[k] = plain(v)
        return out
    return value


def once(data: bytes, value: Any) -> None:
    """`_Doubt` unless `value`, decoded from `data`, holds every key `data` gives (none twice).

    In JSON without `\\u` escapes the colons of a text are its keys and the colons inside its
    strings; the value encoded again has the same strings and only its distinct keys (a `Raw`
    part encoded as it is), so fewer colons there is a key given twice."""
    try:
        again = _ENCODE(value)
    except (TypeError, ValueError, OverflowError):
        raise _Doubt from None
    if again.count(b":") != data.count(b":"):
        raise _Doubt


def decoded(raw: bytes | Raw) -> Any:
    """A value's bytes decoded and made `plain`; `_Doubt` if they hold a key twice."""
    data = bytes(raw)
    try:
        value = _ANY.decode(data)
    except _DECODING:
        raise _Doubt from None
    once(data, value)
    if data.isascii() or unicodedata.is_normalized("NFC", data.decode()):
        return value
    return plain(value)


_NONE = object()  # not kept (None is a submission's reading: no file)


class _Kept(dict[Any, Any]):
    """What has been read, by its bytes: at most `CACHED` entries. When full, those never met again
    are let go — a file's units, most of them written once, do not crowd out the few combinations
    its people repeat, whichever section comes first — and once half of it is met again, nothing
    more is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.met: set[Any] = set()  # the keys met again

    def found(self, key: Any) -> Any:
        value = self.get(key, _NONE)
        if value is not _NONE:
            self.met.add(key)
        return value

    def keep(self, key: Any, value: Any) -> None:
        if len(self) >= CACHED:
            if len(self.met) >= CACHED // 2:
                return
            for gone in [k for k in self if k not in self.met]:
                del self[gone]
        self[key] = value


class _FastReader:
    """One file's candidates read from their bytes, into `engine.model.facts.Reader`."""

    def __init__(self, reader: Reader, release: Callable[[int], None]):
        self.reader = reader
        self.release = release  # lets go of the bytes before an offset (a memory map's pages)
        self.facts = _Kept()  # (section, bytes) → a candidate's facts read
        self.subs = _Kept()  # bytes → a submission read
        self.colons = 0  # the colons of every candidate's bytes
        self.words: dict[str, str] = {}  # a text many candidates repeat (a position, a rating), one string
        self.shared: dict[Any, Any] = {}  # index records written alike, one object

    def section(self, raws: list[Raw], section: str, group: str, kinds: tuple[str, ...]) -> None:
        read = 0
        for i, raw in enumerate(raws):
            data = bytes(raw)
            raws[i] = _NOTHING  # let go of as it is read
            read += len(data)
            if read >= WINDOW:
                self.release(read)
                read = 0
            self.candidate(data, section, group, kinds, i)
            if self.reader.problems or self.reader.cleaned:
                raise _Doubt  # a problem or a warning is said, with its line, by the full path

    def candidate(self, data: bytes, section: str, group: str, kinds: tuple[str, ...], i: int) -> None:
        self.colons += data.count(b":")
        try:
            item = _CANDIDATE.decode(data)
        except _DECODING:
            item = None
        if item is None or item.kind not in KINDS:
            self.checked(data, section, group, kinds, i)
            return
        once(data, item)  # its own keys; its facts' and submission's where they are read
        facts: dict[str, Any] = {}
        if item.facts is not UNSET:
            facts = self.facts_of(bytes(item.facts), section, i)
        sub: Submission | None = None
        if item.submission is not UNSET:
            sub = self.submission_of(bytes(item.submission))
        if item.parent is UNSET:
            item.parent = None
        if item.unit is UNSET:
            item.unit = None
        if item.head is UNSET:
            item.head = False
        if item.position is UNSET:
            item.position = None
        elif isinstance(item.position, str):  # the words every candidate repeats: one string each
            item.position = self.words.setdefault(item.position, item.position)
        item.kind = KINDS[item.kind]
        cand = self.reader.candidate(item, section, group, kinds, i, (facts, sub))  # type: ignore[arg-type]
        if cand is not None:
            self.same_ids(cand)

    def same_ids(self, cand: Candidate) -> None:
        """A reference to a unit read already is that unit's id itself (one string, not one a candidate)."""
        by_id = self.reader.by_id
        if cand.unit is not None and (target := by_id.get(cand.unit)) is not None and target.id == cand.unit:
            cand.unit = target.id
        if cand.parent is not None and (target := by_id.get(cand.parent)) is not None and target.id == cand.parent:
            cand.parent = target.id

    def checked(self, data: bytes, section: str, group: str, kinds: tuple[str, ...], i: int) -> None:
        """A candidate of types `_Candidate` does not take as they are: read by `CandidateIn`."""
        try:
            item = CandidateIn.model_validate(decoded(data))
        except ValidationError:
            raise _Doubt from None
        self.reader.candidate(item, section, group, kinds, i)

    def facts_of(self, data: bytes, section: str, i: int) -> dict[str, Any]:
        """A candidate's facts from their bytes, read once for every candidate that writes them alike."""
        key = (section, data)
        known = self.facts.found(key)
        if known is not _NONE:
            return known  # type: ignore[no-any-return]
        given = decoded(data)
        if not isinstance(given, dict):
            raise _Doubt
        where = f"{section}[{i}]"
        facts = {k: self.same(v) for k, v in self.reader.facts(given, section, where, (section, i)).items()}
        self.facts.keep(key, facts)
        return facts

    def same(self, value: Any) -> Any:
        """A fact's value as the candidates that read it alike hold it: a word, or index records
        (a list of dicts of words and numbers), one object for all of them."""
        if type(value) is str:
            return self.words.setdefault(value, value)
        if type(value) is list and all(type(r) is dict for r in value):
            try:
                records = [self.shared.setdefault(tuple(r.items()), r) for r in value]
                return self.shared.setdefault(tuple(map(id, records)), records)
            except TypeError:  # a value that cannot be a key: held as it is
                return value
        return value

    def submission_of(self, data: bytes) -> Submission | None:
        known = self.subs.found(data)
        if known is not _NONE:
            return known  # type: ignore[no-any-return]
        given = decoded(data)
        try:
            sub = submission(SubmissionIn.model_validate(given) if given is not None else None)
        except ValidationError:
            raise _Doubt from None
        self.subs.keep(data, sub)
        return sub


def read_json(
    data: bytes | mmap.mmap, name: str, catalogue: Catalogue, *, alone: bool = True
) -> tuple[FactsFile | None, str]:
    """A JSON facts file's bytes read by the fast path — the `FactsFile`, or None where the full
    path is to read them — and their SHA-256."""
    sha, colons, plain_text = _digest(data)
    if not plain_text:  # escapes: NFC, surrogates and colons as the full path reads them
        return None, sha
    view = memoryview(data)[3:] if data[:3] == BOM else memoryview(data)
    try:
        return _read(view, name, catalogue, (sha, colons), data, alone), sha
    except (_Doubt, UsageError):
        return None, sha


def _read(
    view: memoryview, name: str, catalogue: Catalogue, digest: tuple[str, int], data: bytes | mmap.mmap, alone: bool
) -> FactsFile:
    release = _releaser(data)
    try:
        top = _TOP.decode(view)
    except _DECODING:
        raise _Doubt from None
    release(0)
    head: dict[str, Any] = {}
    keys = 0
    for field in ("campaign", "issuer", "as_of", "deadline", "round"):
        raw = getattr(top, field)
        if raw is not UNSET:
            head[field] = decoded(raw)
            keys += 1 + bytes(raw).count(b":")
    try:
        settings = FactsFileIn.model_validate(head)
    except ValidationError:
        raise _Doubt from None
    fast = _FastReader(Reader(_Later(name, data), catalogue), release)
    for section, group, kinds in SECTIONS:
        raws = getattr(top, section)
        if raws is not UNSET:
            keys += 1
        fast.section(raws or [], section, group, kinds)
    del top
    release(0)
    if keys + fast.colons != digest[1]:
        raise _Doubt  # a key of the top level given twice
    return fast.reader.finish(settings, digest[0], alone=alone)


def _digest(data: bytes | mmap.mmap) -> tuple[str, int, bool]:
    """The bytes' SHA-256, their colons, and whether they are free of `\\u` escapes and NUL
    bytes — a window at a time (a memory map's pages let go behind)."""
    h = hashlib.sha256()
    colons = 0
    plain_text = True
    release = _releaser(data)
    last = b""
    for start in range(0, len(data), WINDOW):
        chunk = data[start : start + WINDOW]
        h.update(chunk)
        colons += chunk.count(b":")
        if plain_text and (b"\\u" in chunk or b"\x00" in chunk or (last == b"\\" and chunk[:1] == b"u")):
            plain_text = False
        last = chunk[-1:]
        release(start + len(chunk))
    return h.hexdigest(), colons, plain_text


def _releaser(data: bytes | mmap.mmap) -> Callable[[int], None]:
    """A function that lets go of a memory map's pages (read again from the file if needed)."""
    if not isinstance(data, mmap.mmap) or not hasattr(data, "madvise") or not hasattr(mmap, "MADV_DONTNEED"):
        return lambda _: None

    def release(_: int) -> None:
        data.madvise(mmap.MADV_DONTNEED)

    return release


class _Later(Document):
    """The file as a `Document` whose text is decoded only when a line is looked for (a problem
    found across files, `engine.model.facts.combine`): the fast path holds no text."""

    def __init__(self, name: str, data: bytes | mmap.mmap):
        super().__init__(name, None, {}, "", "json")
        self._data = data

    def locate(self, path: Any, *, precise: bool = True) -> tuple[int | None, int | None]:
        if precise and not self.text and not self.marks:
            self.text = decode(self._data[:], self.file)
        return super().locate(path, precise=precise)


def mapped(path: Path) -> mmap.mmap | None:
    """A large regular file as a read-only memory map (remembered as an input), or None: a small
    file, or one `engine.model.source.read_input` is to read (and say what is wrong with)."""
    try:  # opened without blocking (a pipe would block until written to), then looked at
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not MAP_FROM <= st.st_size <= limits.MAX_BYTES:
            return None
        data = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    note_input(path)
    return data
