"""The one formatter (engine/common/fmt.py): numbers, money, days and plural forms from CLDR, and
no module under engine/ that writes a number or a date by hand instead."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from engine.common import fmt
from engine.common.message import Msg
from engine.model.vocabulary import say

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (0, "0", "0"),
        (7, "7", "7"),
        (999, "999", "999"),
        (1_000, "1.000", "1,000"),
        (1_490_000, "1.490.000", "1,490,000"),
        (1_490_000_000, "1.490.000.000", "1,490,000,000"),
        (10**15, "1.000.000.000.000.000", "1,000,000,000,000,000"),
        (-1_490_000, "-1.490.000", "-1,490,000"),
        (0.1, "0,1", "0.1"),
        (-0.1, "-0,1", "-0.1"),
        (96.4, "96,4", "96.4"),
        (2.0, "2", "2"),  # a whole float is written as a whole number
        (0.1 + 0.2, "0,3", "0.3"),  # no binary noise
        (1 / 3, "0,3333", "0.3333"),  # at most four decimals
        (1234567.891234, "1.234.567,8912", "1,234,567.8912"),
        (0.00015, "0,0002", "0.0002"),  # rounded as written, half to even
        (0.00001, "0", "0"),
        (-0.00001, "0", "0"),  # never -0
    ],
)
def test_numbers_in_each_language(value: float, vi: str, en: str) -> None:
    assert fmt.number(value, "vi") == vi
    assert fmt.number(value, "en") == en
    assert fmt.number(value) == vi  # Vietnamese unless told


def test_an_unknown_language_is_written_in_vietnamese() -> None:
    assert fmt.number(1_490_000.5, "fr") == "1.490.000,5"


def test_money() -> None:
    assert fmt.money(2_980_000) == "2.980.000"
    assert fmt.money(2_980_000, "en") == "2,980,000"
    assert fmt.money(None) == ""
    assert fmt.money(None, "en", none="—") == "—"


def test_group_marks_are_cldr_s() -> None:
    assert (fmt.group_mark("vi"), fmt.group_mark("en")) == (".", ",")


def test_percent_has_its_sign_after_the_number_without_a_space() -> None:
    assert fmt.percent(10) == "10%"
    assert fmt.percent(96.4) == "96,4%"
    assert fmt.percent(96.4, "en") == "96.4%"
    assert fmt.percent(1234.5, "en") == "1,234.5%"
    assert fmt.percent(-0.00001) == "0%"


def test_day_is_dd_mm_yyyy_in_every_language() -> None:
    assert fmt.day(dt.date(2021, 1, 5)) == "05/01/2021"
    assert fmt.day(dt.date(2019, 12, 31)) == "31/12/2019"
    assert fmt.day(dt.date(99, 7, 1)) == "01/07/0099"
    assert fmt.day(dt.datetime(2021, 1, 25, 13, 45)) == "25/01/2021"  # the day of a moment
    assert fmt.day(None) == ""
    assert fmt.day(None, none="?") == "?"


@pytest.mark.parametrize(
    ("count", "category"), [(0, "other"), (1, "one"), (2, "other"), (-1, "one"), (1.5, "other"), (1_000, "other")]
)
def test_english_plural_categories(count: float, category: str) -> None:
    assert fmt.plural(count, "en") == category


def test_plural_categories_are_cldr_s_for_each_language() -> None:
    # the categories come from the locale's data, not from a rule of ours (`n == 1` in every language)
    assert fmt.plural(2, "vi") == "other"
    assert fmt.plural(1, "fr") == fmt.plural(1, "vi")  # an unknown language is Vietnamese


def test_a_message_writes_its_numbers_and_days_through_fmt() -> None:
    msg = Msg("problem.more_lines", n=1_490)
    assert say(msg, "vi") == "… và 1.490 lỗi khác"
    assert say(msg, "en") == "… and 1,490 more problems"
    assert say(Msg("problem.more_lines", n=1), "en") == "… and 1 more problem"  # CLDR's `one`


@pytest.mark.parametrize(
    ("msg", "one", "many"),
    [
        (Msg("nomination.copies_short"), "1 copy short", "1,490 copies short"),
        (Msg("near.gap"), "1 place below", "1,490 places below"),
        (Msg("near.short", count=3), "1 condition short or unknown (3)", "1,490 conditions short or unknown (3)"),
        (Msg("diff.impact_head", as_of=dt.date(2021, 1, 25)), "1 candidate, as of 25/01/2021", "1,490 candidates"),
        (Msg("explain.computed", parts="u1"), "from the 1 subordinate unit in", "from the 1,490 subordinate units in"),
        (Msg("award.not_ranked", campaign="x"), "1 candidate is not eligible and was", "1,490 candidates are not"),
    ],
)
def test_a_count_takes_the_languages_plural_form(msg: Msg, one: str, many: str) -> None:
    params = dict(msg.params)
    assert one in say(Msg(msg.key, n=1, **params), "en")
    assert many in say(Msg(msg.key, n=1_490, **params), "en")
    assert "1.490" in say(Msg(msg.key, n=1_490, **params), "vi")


# ---------------------------------------------------------------- no hand-written numbers or dates

# A number grouped or rounded by a format spec (`{n:,}`, `{x:,.2f}`, `{x:.1f}`, `{x:g}`, `format(n, ",")`)
# or a date written by strftime or a date format spec (`{d:%d/%m/%Y}`): the reader's language and
# CLDR are lost (an English point in a Vietnamese sentence, 1,490,000 where the reader writes 1.490.000).
HAND = re.compile(
    r"strftime\("
    r"|\{[^{}]*:%[a-zA-Z]"
    r"|:[+\- ]?\d*[,_](\.\d+)?[dfge%]?\}"
    r"|:[+\- ]?\d*\.\d+[fge%]\}"
    r"|:[+\- ]?g\}"
    r"|\bformat\(\s*[\w.]+\s*,\s*[\"'][^\"']*[,_]"
)

# Stamps a program reads, not a person: a file name, a PDF's metadata.
MACHINE = {
    "engine/common/crash.py": "the crash report's file name (…-20250101-120000.txt)",
    "engine/render/report_pdf.py": "the PDF's creation date in its metadata (D:20250101000000)",
    "engine/authoring/testrun.py": "JUnit XML's time attribute (seconds, '.' decimal: the format's own)",
    "engine/authoring/lint.py": "the rule's constant as the plan's text may write it (0.1, 10), searched for in the quote",
    "engine/model/fact_values.py": "an ambiguous number's two readings shown as digits (2000 or 2), never regrouped",
}


def _hand_written() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "engine").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name == "engine/common/fmt.py":
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.lstrip().startswith("#") and HAND.search(line):
                found.setdefault(name, []).append(f"{name}:{i}: {line.strip()}")
    return found


@pytest.mark.parametrize(
    "line",
    [
        'f"{n:,}"',
        'f"{n:,}".replace(",", ".")',
        'f"{v:,.4f}"',
        'f"{size:_}"',
        'f"{share:.1f}"',
        'f"{share:.0%}"',
        'f"{latest:g}%"',
        'format(n, ",")',
        'd.strftime("%d/%m/%Y")',
        "x.strftime('%d/%m/%Y') if x else '?'",
        'f"the deadline {d.date:%d/%m/%Y} is before"',
    ],
)
def test_the_scan_finds_a_hand_written_number_or_date(line: str) -> None:
    assert HAND.search(line)


@pytest.mark.parametrize(
    "line",
    [
        "fmt.number(n, lang)",
        "fmt.day(d)",
        'f"{n}"',
        'f"{name!r}: {value}"',
        'text.format(facts=", ".join(labels))',
        'f"{key:<20}"',
        "d.isoformat()",
        'f"{a}:{b}"',
    ],
)
def test_the_scan_lets_the_formatter_and_plain_text_be(line: str) -> None:
    assert not HAND.search(line)


def test_no_module_writes_a_number_or_a_date_by_hand() -> None:
    found = _hand_written()
    unexpected = [hit for name, hits in found.items() if name not in MACHINE for hit in hits]
    assert not unexpected, "write numbers, money and days with engine.common.fmt:\n" + "\n".join(unexpected)


def test_the_exceptions_are_still_needed() -> None:
    """An exception that no longer writes by hand is taken off the list, so the list only shrinks."""
    found = _hand_written()
    stale = sorted(name for name in MACHINE if name not in found)
    assert not stale, f"no longer formats by hand, take it off the list in tests/test_fmt.py: {stale}"
