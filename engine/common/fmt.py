"""Numbers, money, dates and plural forms in the reader's language, from CLDR (Babel).

The one formatter every output reads: Vietnamese `1.490.000` and `0,1`, English `1,490,000` and
`0.1` (at most four decimals, no trailing zeros); a day is `dd/mm/yyyy` in both languages, as every
Vietnamese administrative document writes it (Decree 30/2020/NĐ-CP); money is a number of đồng.
No module groups digits or writes a date by hand.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

LANGS = ("vi", "en")
_NUMBER = "#,##0.####"  # grouped, up to four decimals, none when whole


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in LANGS else "vi")


def number(value: float | int, lang: str = "vi") -> str:
    """A count, share or amount as the reader writes it: 1.490.000 / 0,1 (vi), 1,490,000 / 0.1 (en)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(format_decimal(value, format=_NUMBER, locale=_locale(lang)))


def money(value: int | None, lang: str = "vi", none: str = "") -> str:
    """An amount in đồng, grouped as the reader writes it (no currency sign: the column says đồng)."""
    return none if value is None else number(value, lang)


def day(value: dt.date | None, none: str = "") -> str:
    """A day as every output shows it: dd/mm/yyyy."""
    return none if value is None else str(format_date(value, "dd/MM/yyyy", locale=_locale("vi")))


def plural(count: int | float, lang: str = "vi") -> str:
    """The CLDR plural category of `count` in `lang` (`one`, `other`, …): which form a message takes."""
    return str(_locale(lang).plural_form(abs(count)))
