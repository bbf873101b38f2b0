"""A sentence for a user, as data: a vocabulary key and its parameters, said in a language at the edge.

`Msg("problem.not_a_date", value="31/02/2021")` names an entry of templates/vocabulary.yaml (its
`problem:` section holds every problem, warning and CLI line) and the values its `{placeholders}`
take. Nothing is worded where a problem is found: the words live once in the vocabulary, and the
edge — the command line, the web app — says the message in its reader's language
(`engine.model.vocabulary.say`). A parameter may itself be a `Msg` (a kind's name, a hint inside a
hint), a number or a date (written by engine.common.fmt), a list (joined) or a plain string, which
is shown as written: a file name, an id, a value the user typed, the plan's own words.

The language of the moment (`current()`) is the reader's: the command line sets it once from
`--lang` / `THIDUA_LANG` (default Vietnamese), the web app per request (`speaking`); `str()` of a
problem reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

LANG_ENV = "THIDUA_LANG"
LANGS = ("vi", "en")


@dataclass(frozen=True, init=False)
class Msg:
    """A vocabulary key and its parameters; said in a language by `engine.model.vocabulary.say`."""

    key: str
    params: tuple[tuple[str, Any], ...]

    def __init__(self, key: str, **params: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", tuple(params.items()))

    def __str__(self) -> str:
        return say(self)


Text = str | Msg


def lang_from_env() -> str:
    """The language THIDUA_LANG names (`vi`, `en`), else Vietnamese."""
    from engine.common.environment import current as environment

    value = environment().lang
    return value if value in LANGS else "vi"


_current: ContextVar[str | None] = ContextVar("thidua_lang", default=None)


def current() -> str:
    """The reader's language at this moment: set by the edge, else THIDUA_LANG, else Vietnamese."""
    return _current.get() or lang_from_env()


def set_current(lang: str | None) -> None:
    """The command line's language for the rest of the process (one command per process); None
    returns to THIDUA_LANG, else Vietnamese (a test runner between two commands)."""
    _current.set(lang if lang in LANGS or lang is None else "vi")


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Say everything in `lang` inside the block (a web request)."""
    token = _current.set(lang if lang in LANGS else "vi")
    try:
        yield
    finally:
        _current.reset(token)


# The vocabulary sits above this room (engine.model.vocabulary); it hands its sayer down on import.
_sayer: list[Any] = []


def use_sayer(fn: Any) -> None:
    """Called once by engine.model.vocabulary: the function that says a `Msg` in a language."""
    _sayer[:] = [fn]


_saying: ContextVar[bool] = ContextVar("thidua_saying", default=False)


def say(text: Text, lang: str | None = None) -> str:
    """`text` in `lang` (default: the reader's language of the moment); a plain string as written.

    A message that cannot be said through the vocabulary — none loaded yet, or the vocabulary
    itself being read (a broken vocabulary's own problem) — is shown as its key and parameters."""
    if isinstance(text, str):
        return text
    if not _sayer or _saying.get():
        return f"{text.key} {dict(text.params)}"
    token = _saying.set(True)
    try:
        return str(_sayer[0](text, lang or current()))
    finally:
        _saying.reset(token)
