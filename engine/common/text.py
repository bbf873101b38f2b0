"""Text a reader sees as written: no control characters, no escape sequences, no half characters.

`visible` is applied where text leaves thidua — every line on stdout and stderr, every text file
it writes, every workbook cell — so a value read from a file cannot ring the terminal, move the
cursor, recolour or retitle the window (ESC and CSI sequences), hide a line behind a carriage
return, or stop the output with a character UTF-8 cannot encode (a lone surrogate) — nor pass an
id off as another with a zero-width or bidirectional-override character. Such a
character is shown as its escape, `\\u001b`, which in JSON is the same character again, so JSON
stays lossless. Line feeds and tabs are kept: they are the layout of the text around the values.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed; DEL and the C1 controls; UTF-16 surrogates (never text alone);
# and, shown but not counted as controls: characters that print nothing or reorder what follows
# (zero-width spaces and joiners, bidirectional overrides, the BOM) — an id holding one looks like another
UNSEEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


class Shown(str):
    """Text already as `visible` shows it (made of such text): `visible` gives it back as it is.
    For big outputs made of pieces shown once each — a JSON result's rule rows, spliced into
    thousands of lines — so the whole text is not searched again on its way out."""

    __slots__ = ()


def visible(text: str) -> str:
    """`text` with every control character (but tab and line feed), and every character that
    prints nothing or reorders the line, shown as `\\uXXXX`."""
    if isinstance(text, Shown):
        return text
    return UNSEEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown_once(text: str) -> Shown:
    """`visible(text)`, marked so that it is not searched again (`Shown`); a text every character
    of which prints (most ids and names) is taken as it is, without the search."""
    return Shown(text if text.isprintable() else visible(text))


# what `controls` reports: the C0 controls (tab and line feed too), DEL, C1, surrogates
_CONTROL = re.compile("[\t\n\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def controls(text: str) -> list[str]:
    """The control characters in `text` (tab and line feed included), each as `U+XXXX`, once each."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in _CONTROL.findall(text)))
