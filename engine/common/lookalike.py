"""Ids that print alike but are written in letters of another script (issue 26.4).

`so-noi-vu` and `sо-noi-vu` (the second `о` is Cyrillic) are two ids to a computer and one to
whoever reads the ranking. An id's *Latin key* replaces each letter of another script (Cyrillic,
Greek, Armenian…) that looks like a Latin letter by that letter, after Unicode's confusables
table (UTS #39, as the `confusable_homoglyphs` package ships it); Latin letters — Vietnamese ones
with all their marks — digits and punctuation are left as they are, so `1`/`l` or `0`/`O`, which
an officer types on purpose, stay different ids. Two ids of one key are one id written in two
scripts: `engine.model.facts.combine` refuses them as it refuses a duplicate, naming both.
"""

from __future__ import annotations

from functools import lru_cache

from engine.common.message import Text

_KEPT = frozenset({"LATIN", "COMMON", "INHERITED"})  # scripts an id is typed in: never replaced


def latin_key(text: str) -> str:
    """`text` with each letter of another script that looks like a Latin letter made that letter."""
    if text.isascii():
        return text
    return "".join(_latin(ch) or ch for ch in text)


def foreign_letters(text: str) -> Text:
    """The letters of `text` that `latin_key` replaced, named (`'о' (U+043E CYRILLIC SMALL LETTER O)`)."""
    import unicodedata

    seen = dict.fromkeys(ch for ch in text if _latin(ch))
    return ", ".join(f"'{ch}' (U+{ord(ch):04X} {unicodedata.name(ch, '?')})" for ch in seen)


# a pure function of one character: the package's table read once, each letter looked up once; bounded,
# so ids of many distinct letters sent to a long-running server do not grow it
@lru_cache(maxsize=4096)
def _latin(ch: str) -> str | None:
    if ch.isascii():
        return None
    from confusable_homoglyphs import categories, confusables

    found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin", "common"])
    if not found or found[0]["alias"] in _KEPT:
        return None
    for glyph in found[0]["homoglyphs"]:
        if all(categories.alias(c) == "LATIN" for c in glyph["c"]):
            return str(glyph["c"])
    return None
