"""The vocabulary stays the one place words live (templates/vocabulary.yaml).

(a) every entry has a Vietnamese and an English word; (b) every key the code names exists, and
every verdict, outcome, document and kind the engine knows has a word; (c) the rendering code holds
no Vietnamese literal and picks no word with `if vi else` / `lang == "vi"` — a new word goes into
the vocabulary, not into a module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

import pytest
from pydantic import BaseModel

from engine.evaluate.core import VERDICTS
from engine.model.catalogue import Label
from engine.model.schema import CHANNELS, PERSON_KINDS, UNIT_KINDS, DocumentName
from engine.model.vocabulary import load_labels, words

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("vi", "en")

# Rendering code: what prints words for a user.
RENDERING = sorted(
    [
        *(ROOT / "engine" / "render").rglob("*.py"),
        *(ROOT / "engine" / "explain").rglob("*.py"),
        *(ROOT / "engine" / "web").rglob("*.py"),
        *(ROOT / "engine" / "authoring").glob("diff*.py"),
        ROOT / "engine" / "authoring" / "jsonschema.py",
        ROOT / "engine" / "verify.py",
        ROOT / "cli.py",
    ]
)

# Letters only Vietnamese uses (besides ASCII): the vowels with a breve, circumflex or horn, đ,
# and every tone mark, precomposed (NFC) or combining.
VI_LETTERS = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ\u0300\u0301\u0303\u0309\u0323]",
    re.IGNORECASE,
)


def _labels(value: object, where: str) -> list[tuple[str, Label]]:
    if isinstance(value, Label):
        return [(where, value)]
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _labels(v, f"{where}.{k}")]
    if isinstance(value, BaseModel):
        return [x for k in type(value).model_fields for x in _labels(getattr(value, k), f"{where}.{k}" if where else k)]
    return []


# `template.note_type.text`: a text fact needs no note beside its column, in either language.
MAY_BE_EMPTY = {"template.note_type.text"}


def test_every_entry_has_both_languages() -> None:
    entries = _labels(load_labels(), "")
    assert len(entries) > 300
    empty = [w for w, lab in entries if w not in MAY_BE_EMPTY and not (lab.vi.strip() and lab.en.strip())]
    assert not empty, f"entries without a vi or an en word: {empty}"


@pytest.mark.parametrize(
    ("section", "keys"),
    [
        ("verdict", VERDICTS),
        ("outcome", ("pass", "fail", "waived", "not_applicable", "triggered", "clear")),
        ("submission", ("on_time", "late", "missing_documents", "not_checked", "undecided")),
        ("document", get_args(DocumentName)),
        ("channel", CHANNELS),
        ("kind", (*UNIT_KINDS, *PERSON_KINDS)),
        ("kind_full", (*UNIT_KINDS, *PERSON_KINDS)),
    ],
)
def test_every_key_the_engine_knows_has_a_word(section: str, keys: tuple[str, ...]) -> None:
    for lang in LANGS:
        names = words(lang).section(section)
        assert sorted(names) == sorted(keys), f"{section} ({lang})"


def test_every_channel_and_document_has_its_accepted_words() -> None:
    """The words an officer may write for a channel or a document are keyed by the schema's lists."""
    accepted = load_labels().words
    assert sorted(accepted.via) == sorted(CHANNELS)
    assert sorted(accepted.documents) == sorted(get_args(DocumentName))


def test_a_missing_word_fails_loudly() -> None:
    with pytest.raises(KeyError, match=r"vocabulary\.yaml has no word 'verdict\.nope'"):
        words("vi")["verdict.nope"]
    with pytest.raises(KeyError, match="no section 'nope'"):
        words("en").section("nope")


def _code_files() -> list[Path]:
    return sorted([*(ROOT / "engine").rglob("*.py"), ROOT / "cli.py"])


def _named_keys(tree: ast.AST) -> list[tuple[int, str]]:
    """Literal keys looked up in the vocabulary: `words(lang)["a.b"]`, `v["a.b"]` with `v = words(…)`, diff's `w("b", …)`."""

    def is_words(node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "words"

    bound = {
        t.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign) and is_words(n.value)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str):
            looked_up = is_words(n.value) or (isinstance(n.value, ast.Name) and n.value.id in bound)
            if looked_up:
                out.append((n.lineno, n.slice.value))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "w" and n.args:
            first = n.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                out.append((n.lineno, "diff." + first.value))
    return out


def test_every_key_named_in_code_exists() -> None:
    missing = []
    checked = 0
    for path in _code_files():
        for line, key in _named_keys(ast.parse(path.read_text(encoding="utf-8"))):
            checked += 1
            for lang in LANGS:
                try:
                    words(lang)[key]
                except KeyError:
                    missing.append(f"{path.relative_to(ROOT)}:{line}: {key} ({lang})")
    assert checked > 50
    assert not missing, missing


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _documentation(tree: ast.AST) -> set[int]:
    """Literals that document code for developers, not words for users: `doc("…")`, `help="…"`."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            if name == "doc":
                out |= {id(n) for a in node.args for n in ast.walk(a)}
            out |= {id(n) for k in node.keywords if k.arg in ("help", "description") for n in ast.walk(k.value)}
    return out


# The only literals allowed: ones the JSON contract fixes, the same in every language.
ALLOWED = {
    "each amount rounded up to the next 10,000 đồng",  # award JSON budget.rounding: contract data, not a word
}


def _is_lang_test(node: ast.expr) -> bool:
    """`vi`, `lang == "vi"`, `self.lang != "en"` …: code choosing a word by language."""
    if isinstance(node, ast.Name) and node.id == "vi":
        return True
    return isinstance(node, ast.Compare) and any(
        isinstance(c, ast.Constant) and c.value in LANGS for c in [node.left, *node.comparators]
    )


@pytest.mark.parametrize("path", RENDERING, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_words_in_rendering_code(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = _docstrings(tree) | _documentation(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
        text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
        if id(node) not in skip and VI_LETTERS.search(text) and text not in ALLOWED:
            found.append(f"{where}: Vietnamese literal {text[:40]!r}")
        if isinstance(node, ast.Compare) and _is_lang_test(node):
            found.append(f"{where}: chooses by language; put the word in templates/vocabulary.yaml")
        if isinstance(node, ast.IfExp) and _is_lang_test(node.test):
            found.append(f"{where}: `… if vi else …`; put the word in templates/vocabulary.yaml")
    assert not found, "\n".join(found)
