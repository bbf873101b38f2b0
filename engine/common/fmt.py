"""Numbers, money, dates and plural forms in the reader's language, from CLDR (Babel).

The one formatter every output reads: Vietnamese `1.490.000` and `0,1`, English `1,490,000` and
`0.1` (at most four decimals, no trailing zeros); a day is `dd/mm/yyyy` in both languages, as every
Vietnamese administrative document writes it (Decree 30/2020/NĐ-CP); money is a number of đồng.
A percentage is a number of 0–100 (a `percent` fact): a table shows the number under a label that
says `(%)`, a sentence writes `96,4%` — the sign after the number, no space, as the plans and CLDR
(vi and en alike) write it. No module groups digits or writes a date by hand
(tests/test_fmt.py scans engine/ for it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LANGS = ("vi", "en")
_NUMBER = "#,##0.####"  # grouped, up to four decimals, none when whole
_PERCENT = "#,##0.####%"


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in LANGS else "vi")


def number(value: float | int, lang: str = "vi") -> str:
    """A count, share or amount as the reader writes it: 1.490.000 / 0,1 (vi), 1,490,000 / 0.1 (en).

    Babel rounds the number as written (half to even: 0,00015 → 0,0002), and a value that rounds
    to nothing is 0, never -0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(format_decimal(value, format=_NUMBER, locale=_locale(lang)))
    return "0" if text == "-0" else text


def percent(value: float | int, lang: str = "vi") -> str:
    """A percentage of 0–100 (a `percent` fact's value) in a sentence: 96,4% (vi), 96.4% (en)."""
    text = str(format_percent(Decimal(str(value)) / 100, format=_PERCENT, locale=_locale(lang)))
    return "0%" if text == "-0%" else text


def money(value: int | None, lang: str = "vi", none: str = "") -> str:
    """An amount in đồng, grouped as the reader writes it (no currency sign: the column says đồng)."""
    return none if value is None else number(value, lang)


def group_mark(lang: str = "vi") -> str:
    """The mark between groups of three digits (`.` vi, `,` en): for a spreadsheet's number format,
    which must carry it as a literal to show it whatever the computer's regional settings."""
    return str(_locale(lang).number_symbols["latn"]["group"])


def day(value: dt.date | None, none: str = "") -> str:
    """A day as every output shows it: dd/mm/yyyy."""
    return none if value is None else str(format_date(value, "dd/MM/yyyy", locale=_locale("vi")))


def plural(count: int | float, lang: str = "vi") -> str:
    """The CLDR plural category of `count` in `lang` (`one`, `other`, …): which form a message takes."""
    return str(_locale(lang).plural_form(abs(count)))
