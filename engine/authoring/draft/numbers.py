"""Vietnamese numbers, shares and dates as plans write them: in figures and in words.

`number("mười lăm")` → 15, `number("09")` → 9; `share("trên 10%")` → 0.10; `date("ngày 20 tháng 12
năm 2020")`, `date("20/01/2021")` → a date; `month_day("25 tháng 11")` → (11, 25), `day(…)` either; `quarter("Quý
I/2024")` → its first and last day. Each reader has the regular expression that finds its text in
a sentence (`NUMBER`, `PERCENT`, `DATE`, `MONTH_DAY`, `DAY`, `QUARTER`, `YEAR`): the pattern library
(engine.authoring.draft.patterns) builds its slots from them, so what a slot finds is what its
reader reads. Nothing here depends on a plan: the words are the language's.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# the digits' words; "mốt" (1), "tư" (4), "lăm"/"nhăm" (5) after a tens word; "linh"/"lẻ" for no tens
_UNITS = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
_SCALES = {"trăm": 100, "nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000}
_TEN = {"mười": 10}
_TENS = {"mươi": 10}
_ZERO_TENS = {"linh", "lẻ"}
_WORDS = sorted([*_UNITS, *_SCALES, *_TEN, *_TENS, *_ZERO_TENS], key=len, reverse=True)
_WORD = "(?:" + "|".join(_WORDS) + ")"

# a number in figures (a leading zero as in "09 tập thể", "01 bộ") or in words ("mười lăm")
NUMBER = rf"(?:\d{{1,7}}|{_WORD}(?:\s+{_WORD})*)"
# a percentage: "10%", "10 %", "12,5%", "mười phần trăm"
PERCENT = rf"(?:\d{{1,3}}(?:[.,]\d+)?\s?%|{_WORD}(?:\s+{_WORD})*\s+phần\s+trăm)"
YEAR = r"(?:19|20)\d{2}"
_DAY_MONTH_YEAR = r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)\d{2}"
_IN_WORDS = r"(?:ngày\s+)?\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?:19|20)\d{2}"
DATE = rf"(?:{_IN_WORDS}|{_DAY_MONTH_YEAR})"
MONTH_DAY = r"(?:ngày\s+)?\d{1,2}\s*(?:tháng\s+|/)\d{1,2}(?!\s*(?:năm|/|\d))"
# a day with its year, or a day of every year ("chậm nhất là ngày 25 tháng 11 … hàng năm")
DAY = rf"(?:{DATE}|{MONTH_DAY})"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
QUARTER = rf"[Qq]u[ýy]\s+(?:IV|III|II|I|[1-4])\s*(?:/|năm\s+)\s*{YEAR}"


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _in_words(words: list[str]) -> int | None:
    """A number in Vietnamese words up to the millions ("một trăm linh năm" → 105)."""
    total, hundreds, tens, units = 0, 0, 0, 0
    after_tens, said = False, False  # said: a digit's word was written ("không trăm" is 0 hundreds)
    for w in words:
        if w in _UNITS:
            if w in ("lăm", "nhăm", "mốt") and not after_tens:
                return None  # "lăm", "mốt" only after a tens word ("mười lăm", "hai mươi mốt")
            units, after_tens, said = _UNITS[w], False, True
        elif w in _TEN:
            tens, units, after_tens = 1, 0, True
        elif w in _TENS:
            tens, units, after_tens = units, 0, True
        elif w in _ZERO_TENS:
            after_tens = False
        elif w == "trăm":
            hundreds, tens, units, after_tens, said = units if said else 1, 0, 0, False, False
        elif w in _SCALES:
            total += (hundreds * 100 + tens * 10 + units or 1) * _SCALES[w]
            hundreds, tens, units, after_tens = 0, 0, 0, False
        else:
            return None
    return total + hundreds * 100 + tens * 10 + units


def number(text: str) -> int | None:
    """A whole number in figures or in words; None when the text is not one."""
    t = _clean(text)
    if re.fullmatch(r"\d+", t):
        return int(t)
    if not t:
        return None
    return _in_words(t.split())


def percent(text: str) -> float | None:
    """A percentage as the number before the sign: "100%" → 100, "12,5 %" → 12.5,
    "mười phần trăm" → 10; the words before it ("trên", "tối thiểu") are ignored."""
    t = _clean(text)
    m = re.search(r"(\d{1,3}(?:[.,]\d+)?)\s?%", t)
    if m:
        return float(m.group(1).replace(",", "."))
    m = re.search(rf"({_WORD}(?:\s+{_WORD})*)\s+phần\s+trăm", t)
    if m:
        n = number(m.group(1))
        return None if n is None else float(n)
    return None


def share(text: str) -> float | None:
    """A percentage as a share of one: "trên 10%" → 0.10, "100%" → 1.0."""
    p = percent(text)
    return None if p is None else round(p / 100, 6)


def date(text: str) -> dt.date | None:
    """A day: "ngày 20 tháng 12 năm 2020", "20 tháng 12 năm 2020", "20/01/2021", "30/9/2024"."""
    t = _clean(text)
    m = re.search(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", t) or re.search(
        r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", t
    )
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_day(text: str) -> tuple[int, int] | None:
    """A day of every year: "25 tháng 11", "ngày 25/11" → (11, 25)."""
    t = _clean(text)
    m = re.search(r"(\d{1,2})\s*(?:tháng\s+|/)(\d{1,2})", t)
    if not m:
        return None
    day, month = int(m.group(1)), int(m.group(2))
    try:
        dt.date(2000, month, day)  # a leap year: 29/02 is a day of some years
    except ValueError:
        return None
    return month, day


def day(text: str) -> dt.date | tuple[int, int] | None:
    """A day with its year (a date), else a day of every year (month, day)."""
    return date(text) or month_day(text)


def quarter(text: str) -> tuple[dt.date, dt.date] | None:
    """A quarter's first and last day: "Quý I/2024" → 2024-01-01, 2024-03-31."""
    m = re.search(r"[Qq]u[ýy]\s+(IV|III|II|I|[1-4])\s*(?:/|năm\s+)\s*(\d{4})", unicodedata.normalize("NFC", text))
    if not m:
        return None
    q = _ROMAN.get(m.group(1)) or int(m.group(1))
    year = int(m.group(2))
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    return start, end - dt.timedelta(days=1)


def year(text: str) -> int | None:
    m = re.search(YEAR, text)
    return int(m.group()) if m else None
