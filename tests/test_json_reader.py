"""The fast JSON reader (engine.readers.json_fast) reads every file as the full path reads it.

Differential: every example, every regression case, every gallery and hostile facts file, written
as JSON (and altered the ways an office's tools write JSON: a key twice, `\\u` escapes, text not
NFC, a BOM, a kind by its Vietnamese name), gives through `read_facts` exactly what the full path
(`load_json_text` + `facts_from_document`, kept as the fallback) gives: the same `FactsFile`, or
the same problems, word for word, at the same lines. A Hypothesis property does the same over
generated documents. The clean files must really take the fast path (else the test proves nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mmap
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.common.errors import UsageError
from engine.model.catalogue import load_catalogue
from engine.model.facts import FactsFile, facts_from_document
from engine.model.source import decode, load_json_text, load_yaml_text
from engine.readers import load_facts, load_inputs, read_facts
from engine.readers.json_fast import read_json

ROOT = Path(__file__).resolve().parent.parent
CAT = load_catalogue()


def _full(name: str, data: bytes) -> Any:
    """The full path's outcome: the `FactsFile`, or the problems as printed."""
    try:
        doc = load_json_text(decode(data, name), name)
        return facts_from_document(doc, hashlib.sha256(data).hexdigest(), CAT)
    except UsageError as e:
        return [str(p) for p in e.problems]


def _fast(name: str, data: bytes) -> Any:
    try:
        facts = read_facts(name, data, CAT)
    except UsageError as e:
        return [str(p) for p in e.problems]
    return facts


def _same(name: str, data: bytes) -> Any:
    full, fast = _full(name, data), _fast(name, data)
    if isinstance(full, FactsFile) and not full.candidates:  # read_facts refuses a file of no candidate
        assert isinstance(fast, list)
        return fast
    assert fast == full
    return fast


def _jsonable(v: Any) -> Any:
    """A YAML document as JSON writes it: a day (a key of a dated series too) as ISO text."""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {_jsonable(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    return v


def _dumps(doc: Any, **kw: Any) -> bytes:
    kw.setdefault("ensure_ascii", False)
    return json.dumps(_jsonable(doc), **kw).encode()


def _documents() -> list[tuple[str, Any]]:
    """Every facts document of the repository: the examples, each regression case's facts, the
    gallery's and the hostile files' (those YAML can read)."""
    out: list[tuple[str, Any]] = []
    for p in sorted((ROOT / "examples").glob("*.yaml")):
        out.append((p.stem, yaml.safe_load(p.read_text(encoding="utf-8"))))
    for p in sorted((ROOT / "tests" / "cases").glob("*/*.yaml")):
        suite = yaml.safe_load(p.read_text(encoding="utf-8"))
        for case in suite.get("cases", []):
            head = {k: suite[k] for k in ("campaign", "as_of", "deadline", "round") if k in suite}
            facts = case.get("facts") or {}
            if isinstance(facts, dict):
                out.append((f"{p.parent.name}/{p.stem}/{case['name']}", {**head, **facts}))
    for folder in ("gallery/facts", "hostile"):
        for p in sorted((ROOT / "tests" / folder).glob("*.y*ml")):
            try:  # the project's reader: an alias bomb is refused, not expanded
                data = load_yaml_text(p.read_text(encoding="utf-8"), p.name).data
            except (UsageError, UnicodeDecodeError):
                continue
            if isinstance(data, dict):
                out.append((f"{folder}/{p.stem}", data))
    return out


DOCUMENTS = _documents()
EXAMPLES = [(n, d) for n, d in DOCUMENTS if "/" not in n]


def test_the_documents_are_found() -> None:
    assert len(EXAMPLES) >= 5
    assert len(DOCUMENTS) > 60


@pytest.mark.parametrize(("name", "doc"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_every_document_reads_alike(name: str, doc: Any) -> None:
    _same("f.json", _dumps(doc))
    _same("f.json", _dumps(doc, indent=2))


@pytest.mark.parametrize(("name", "doc"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_the_examples_take_the_fast_path(name: str, doc: Any) -> None:
    facts, sha = read_json(_dumps(doc), "f.json", CAT)
    assert facts is not None and facts.candidates
    assert sha == hashlib.sha256(_dumps(doc)).hexdigest()


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "hostile").glob("*.json")), ids=lambda p: p.name)
def test_every_hostile_json_file_reads_alike(path: Path) -> None:
    _same(path.name, path.read_bytes())


def _first(doc: dict[str, Any]) -> dict[str, Any]:
    return next(iter(doc.get("units") or doc.get("people")))  # type: ignore[no-any-return]


def _altered() -> list[tuple[str, bytes]]:
    """One example written the ways that the fast path must hand to the full path, or read alike."""
    doc = dict(EXAMPLES[0][1])
    text = _dumps(doc).decode()
    first = json.dumps(_first(doc)["id"], ensure_ascii=False)
    out = [
        ("key twice in a candidate", text.replace(f'"id": {first}', f'"id": {first}, "id": {first}', 1)),
        ("key twice at the top", text.replace('"units":', '"as_of": "2021-01-25", "units":', 1)),
        ("key twice in facts", text.replace('"facts": {', '"facts": {"staff_total": 3, "staff_total": 3, ', 1)),
        (
            "key twice, one with a space",
            text.replace('"facts": {', '"facts": {"staff_total" : 3, "staff_total": 3, ', 1),
        ),
        ("escapes", _dumps(doc, ensure_ascii=True).decode()),
        ("decomposed", text.replace("ơ", "o\u031b")),
        ("a colon in a name", text.replace('"name": "', '"name": "x: ', 3)),
        ("a kind in Vietnamese", text.replace('"kind": "department"', '"kind": "Sở, ban, ngành"', 1)),
        ("head as a word", text.replace('"head": true', '"head": "có"', 1)),
        ("a copies count as text", text.replace('"via":', '"copies": "2", "via":', 1)),
        ("an unknown key", text.replace('"name":', '"nmae": "x", "name":', 1)),
        ("not an object", "[" + text + "]"),
        ("broken", text[:-2]),
        ("a day far", text.replace("2021-01-", "2012-01-", 1)),
        ("a name on two lines", text.replace('"name": "', '"name": "a\\nb ', 1)),
        ("a control character in a name", text.replace('"name": "', '"name": "a\\u0007b', 1)),
        ("an id twice", text.replace(first, json.dumps(_first(doc)["id"] + " "), 1)),
        ("numbers beyond", text.replace('"staff_total": ', '"staff_total": 1e400, "x": ', 1)),
    ]
    data = [(n, t.encode()) for n, t in out]
    data.append(("a byte order mark", b"\xef\xbb\xbf" + text.encode()))
    return data


ALTERED = _altered()


@pytest.mark.parametrize(("name", "data"), ALTERED, ids=[n for n, _ in ALTERED])
def test_an_altered_example_reads_alike(name: str, data: bytes) -> None:
    _same("f.json", data)


def test_a_key_twice_is_refused_as_the_full_path_refuses_it() -> None:
    for name, data in ALTERED:
        if "twice" in name and "id" not in name:
            out = _fast("f.json", data)
            assert isinstance(out, list) and any("lặp lại" in line for line in out), name


def test_a_memory_map_reads_as_the_bytes(tmp_path: Path) -> None:
    doc = dict(EXAMPLES[0][1])
    path = tmp_path / "big.json"
    path.write_bytes(_dumps(doc))
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    assert read_json(mapped, "big.json", CAT)[0] == read_json(path.read_bytes(), "big.json", CAT)[0]
    assert load_facts(path, CAT) == _full(str(path), path.read_bytes())


def test_many_units_written_once_do_not_crowd_out_the_people_written_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the reader remembers is bounded (`CACHED`); when full, it lets go of what was never met
    again. A file of units each written once, then people written alike, still gives the people
    one facts object — read once, as at 1,000,000 candidates (300,000 units first) — and reads as
    the full path reads it."""
    from engine.readers import json_fast

    monkeypatch.setattr(json_fast, "CACHED", 8)
    units = [
        {"id": f"u{i}", "name": f"Đơn vị {i}", "kind": "department", "facts": {"disbursement_pct": 60 + i}}
        for i in range(40)
    ]
    people = [
        {
            "id": f"p{i}",
            "name": f"Người {i}",
            "kind": "civil_servant",
            "unit": f"u{i % 40}",
            "facts": {"task_completion": "excellent"},
        }
        for i in range(30)
    ]
    data = _dumps({"campaign": "ninh_thuan_2020", "units": units, "people": people})
    facts = _same("f.json", data)
    assert isinstance(facts, FactsFile) and len(facts.candidates) == 70
    read = read_json(data, "f.json", CAT)[0]
    assert read is not None
    assert len({id(c.facts) for c in read.candidates if c.group == "person"}) == 1
    assert len({id(c.facts) for c in read.candidates if c.group == "unit"}) == 40


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_named_json_is_refused_without_waiting(tmp_path: Path) -> None:
    """The memory map is opened as `read_input` opens a file: a pipe is never waited on."""
    pipe = tmp_path / "facts.json"
    os.mkfifo(pipe)
    with pytest.raises(UsageError) as e:
        load_facts(pipe, CAT)
    assert "không phải là một tệp thông thường" in str(e.value.problems[0])


def test_several_files_read_alike(tmp_path: Path) -> None:
    """Files read together: a reference across files, and a problem across files located in the
    fast path's file (its text decoded only then)."""
    doc = dict(EXAMPLES[0][1])
    units = doc["units"]
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_bytes(_dumps({**doc, "units": units[:1], "people": []}))
    b.write_bytes(_dumps({**doc, "units": units[1:]}))
    together = load_inputs([a, b], CAT)
    assert [c.id for c in together.candidates] == [str(u["id"]) for u in units] + [
        str(p["id"]) for p in doc.get("people", [])
    ]
    b.write_bytes(_dumps({**doc, "units": units}))  # the first unit in both
    with pytest.raises(UsageError) as e:
        load_inputs([a, b], CAT)
    assert any(f"{a}:" in str(p) for p in e.value.problems)


# ---------------------------------------------------------------- generated documents

_FACTS = sorted(CAT.facts)
_WORDS = ["n/a", "N/A", "không áp dụng", "excellent", "Tốt", "good", "có", "x", "", "2021-01-15", "15/01/2021", "12:30"]
_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 130),
    st.floats(-1, 101, allow_nan=False),
    st.sampled_from(_WORDS),
    st.dictionaries(st.sampled_from(["2021-01-01", "2020-12-31", "bad"]), st.integers(0, 100), max_size=2),
    st.lists(
        st.fixed_dictionaries(
            {"index": st.sampled_from(["PAR INDEX", "SIPAS"]), "score": st.floats(0, 10, allow_nan=False)}
        ),
        max_size=2,
    ),
)
_ids = st.sampled_from(["u1", "u2", "u3", "hoà", "hòa", "sо", "so", "p1", "p2", " ", "issuer", 7])
_candidate = st.fixed_dictionaries(
    {
        "id": _ids,
        "name": st.sampled_from(["Sở Nội vụ", "A", "a: b", "x\ty"]),
        "kind": st.sampled_from(["department", "division", "commune", "civil_servant", "Sở, ban, ngành", "nope"]),
    },
    optional={
        "parent": _ids,
        "unit": _ids,
        "head": st.sampled_from([True, False, "có", None]),
        "position": st.sampled_from(["Chuyên viên", "", None]),
        "facts": st.dictionaries(st.sampled_from([*_FACTS, "nope"]), _values, max_size=4),
        "submission": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {},
                optional={
                    "sent_on": st.sampled_from(["2021-01-12", "12/01/2021", "x"]),
                    "via": st.sampled_from(["postmark", "hand", "bưu điện", "pigeon"]),
                    "documents": st.lists(st.sampled_from(["proposal", "council_minutes", "nope"]), max_size=2),
                    "copies": st.sampled_from([1, 2, "2", -1]),
                },
            ),
        ),
    },
)
_document = st.fixed_dictionaries(
    {},
    optional={
        "campaign": st.sampled_from(["ninh_thuan_2020", "syt_2024"]),
        "as_of": st.sampled_from(["2021-01-25", "25/01/2021", "x"]),
        "round": st.sampled_from([2020, 1800, "2020"]),
        "units": st.lists(_candidate, max_size=5),
        "people": st.one_of(st.none(), st.lists(_candidate, max_size=5)),
        "issuer": st.fixed_dictionaries({}, optional={"facts": st.dictionaries(st.sampled_from(_FACTS), _values)}),
    },
)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_document, indent=st.sampled_from([None, 1]), escapes=st.booleans())
def test_generated_documents_read_alike(doc: dict[str, Any], indent: int | None, escapes: bool) -> None:
    _same("f.json", _dumps(doc, indent=indent, ensure_ascii=escapes))
