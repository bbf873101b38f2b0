"""One grammar per fact type: how a value is read, from a YAML/JSON value and from a cell, once.

Each catalogue type (`bool`, `int`/`number`/`percent`, `rating`/`enum`, `date`, `series`,
`records`) is a `Grammar` that says how its value is read

- from a YAML/JSON value (`value`): the common, already canonical value (an in-range number, a
  rating's own key, true/false) is taken at once — bulk files are made of them — and anything else
  (n/a, an alias, a Vietnamese name, an error) is read with care, saying what is wrong;
- from a spreadsheet cell or a CSV string (`cell`): what a Vietnamese user types (`82,5`,
  `1.490.000`, `100%`, `'100`, a cell formatted as a percentage, có/không, dd/mm/yyyy), read
  into the same evaluation form — a cell is read once, here.

Both give the evaluation form (`UNKNOWN` for nothing, `NA` for n/a, a date, a dated series …) or
raise `BadValue` (what is wrong, what to write). The words of the structure (a kind, a way of
sending, a document, yes/no, a day) are read by the functions below, for the files' structure
(engine.model.facts) and the tables' cells alike. Nothing here is cached: `grammars(catalogue)` is
built by each reader, for the catalogue it reads against.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Any

from engine.common.errors import did_you_mean
from engine.common.message import Msg, Text
from engine.common.text import controls
from engine.lang import NA, UNKNOWN
from engine.lang.values import BadValue, parse_day
from engine.model.catalogue import Catalogue, FactDef, Scale
from engine.model.schema import PERSON_KINDS, UNIT_KINDS
from engine.model.source import number_readings

NA_WORDS = {"n/a", "na", "không áp dụng", "kad"}
# Beyond this a value is a typo, not a fact — and outside the range where every number is exact in
# a float and an int64 alike, so both backends (and every arithmetic step: 0.1 × staff_total) agree.
MAX_NUMBER = 10**15
# A year outside these is never meant (`20/01/0021`: the year's first digits were left out): refused.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def is_na(value: Any) -> bool:
    return isinstance(value, str) and nfc(value).strip().lower() in NA_WORDS


# ---------------------------------------------------------------- words of the structure


def kind_of(v: Any, kinds: tuple[str, ...] = (*UNIT_KINDS, *PERSON_KINDS)) -> str:
    """A kind (of `kinds`) by its key or its name in either language; `BadValue` otherwise."""
    from engine.model.vocabulary import kind_names, norm, words

    kind = v if v in kinds else kind_names().get(norm(v))
    if kind in kinds:
        return str(kind)
    names = [words("vi")[f"kind.{k}"] for k in kinds]
    message = {
        UNIT_KINDS: "problem.facts_not_a_unit_kind",
        PERSON_KINDS: "problem.facts_not_a_person_kind",
    }.get(kinds, "problem.facts_not_a_kind")
    raise BadValue(Msg(message, kind=str(v)), one_of(str(v), names, kinds))


def one_of(value: str, names: list[str], keys: tuple[str, ...] | list[str]) -> Msg:
    """The hint for a word that is none of a list's: the closest, then every one — Vietnamese
    names first (quoted: a name may hold a comma, `Sở, ban, ngành`), then the keys."""
    quoted = [f'"{n}"' for n in names]
    close = did_you_mean(value, [*names, *keys])
    if close:
        return Msg("problem.facts_close_one_of", close=close, names=quoted, keys=list(keys))
    return Msg("problem.facts_write_one_of", names=quoted, keys=list(keys))


def word_of(v: Any, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The key a word stands for in a table of accepted words (`vocabulary.yaml` `words:`), by its
    key or any of its words (any case, NFC); None when it is none of them."""
    from engine.model.vocabulary import norm

    if isinstance(v, str) and v in table:
        return v  # the key itself: the common case, at once
    text = norm(v)
    for key, accepted in table.items():
        if text == key or text in {norm(w) for w in accepted}:
            return key
    return None


def via_of(v: Any) -> str:
    """How a file was sent, by its key or as an officer writes it (`bưu điện`): a cell and a YAML
    `via:` read it alike; `BadValue` otherwise."""
    from engine.model.vocabulary import load_labels

    table = load_labels().words.via
    via = word_of(v, table)
    if via is None:
        raise BadValue(Msg("problem.facts_not_a_via", value=str(v)), _words_hint(str(v), table))
    return via


def document_of(v: Any) -> str:
    """A document of a nomination file by its key or its name (`biên bản họp Hội đồng TĐKT`);
    `BadValue` otherwise."""
    from engine.model.vocabulary import load_labels

    table = load_labels().words.documents
    doc = word_of(v, table)
    if doc is None:
        raise BadValue(Msg("problem.facts_not_a_document", value=str(v)), _words_hint(str(v), table))
    return doc


def _words_hint(value: str, table: Mapping[str, tuple[str, ...]]) -> Msg:
    return one_of(value, [accepted[0] for accepted in table.values() if accepted], list(table))


def yes_no_words() -> tuple[frozenset[str], frozenset[str]]:
    """The words for yes and for no (`vocabulary.yaml` `words:`), as `norm` compares them."""
    from engine.model.vocabulary import load_labels, norm

    w = load_labels().words
    return frozenset(norm(x) for x in w.true), frozenset(norm(x) for x in w.false)


def bool_of(v: Any, words: tuple[frozenset[str], frozenset[str]] | None = None) -> bool:
    """Yes or no as an officer writes it — `true`/`false`, Có/Không, x, đạt — in a cell or a YAML
    value alike (`words`: `yes_no_words()`, once for many values); `BadValue` otherwise (n/a is
    the caller's: it is not a yes/no)."""
    from engine.model.vocabulary import norm

    if isinstance(v, bool):
        return v
    if isinstance(v, int | float) and v in (0, 1):
        return bool(v)
    yes, no = words or yes_no_words()
    text = norm(v)
    if text in yes:
        return True
    if text in no:
        return False
    raise BadValue(Msg("problem.facts_not_yes_no", value=shown(v)), Msg("problem.facts_write_yes_no"))


def day_of(v: Any) -> dt.date:
    """A day as a YAML/JSON value gives it: a date, or text as people write it (25/01/2021) or ISO
    (2021-01-25); its year one that can be meant (`plausible_day`)."""
    if isinstance(v, dt.datetime):
        return plausible_day(v.date(), v.date())
    if isinstance(v, dt.date):
        return plausible_day(v, v)
    text = str(v)
    return plausible_day(parse_day(text), text.strip())


def cell_day(v: Any) -> dt.date:
    """A day in a cell: a date cell, or text (a leading `'` kept by Excel for text dropped); a number
    is refused (a day is not counted)."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        raise BadValue(
            Msg("problem.facts_number_not_date", value=cell_shown(v)), Msg("problem.facts_number_not_date_hint")
        )
    if isinstance(v, dt.date):
        return day_of(v)
    return day_of(str(v).strip().lstrip("'"))


def plausible_day(day: dt.date, read: str | dt.date) -> dt.date:
    """`day` when its year can be meant (FIRST_YEAR–LAST_YEAR); `BadValue` naming the day as read."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return day
    raise BadValue(
        Msg("problem.grammar_year_implausible", value=read, year=str(day.year)),
        Msg("problem.grammar_year_hint", first=str(FIRST_YEAR), last=str(LAST_YEAR)),
    )


# ---------------------------------------------------------------- values as messages show them


def shown(value: Any) -> Text:
    """A value as the officer wrote it, for a message: text as typed, a number of hundreds of
    digits named by its length, a long text cut."""
    return value if isinstance(value, str) and len(value) <= 60 else short(value)


def short(value: Any) -> Text:
    """A value for a message: a number of hundreds of digits is named by its length."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return Msg("problem.facts_digits", n=int(abs(value).bit_length() * 0.30103) + 1)
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def cell_shown(v: Any) -> str | dt.date:
    """A cell's value as the sheet shows it, for a message: a day as a day (the message writes it
    dd/mm/yyyy), a whole number without '.0', anything else as text."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ---------------------------------------------------------------- numbers


def number(value: Any, fdef: FactDef | None) -> float | int:
    """A YAML/JSON number checked: a number (not text, not yes/no), finite, within MAX_NUMBER and
    within the fact's bounds; a whole number for a count."""
    if isinstance(value, str) and (readings := number_readings(value)) is not None:
        old, new = (repr(r) if isinstance(r, str) else f"{r:g}" for r in readings)
        plain = new if new[:1] != "'" else old
        raise BadValue(
            Msg("problem.facts_yaml_number", value=value, old=old, new=new),
            Msg("problem.facts_yaml_number_hint", plain=plain),
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue(Msg("problem.facts_not_a_number", value=short(value)), Msg("problem.facts_write_digits"))
    if value != value or value in (float("inf"), float("-inf")):
        raise BadValue(Msg("problem.facts_not_a_number", value=repr(value)), Msg("problem.facts_write_digits"))
    if not -MAX_NUMBER <= value <= MAX_NUMBER:
        raise BadValue(Msg("problem.facts_beyond", value=short(value)), Msg("problem.facts_beyond_hint"))
    if fdef is None:
        return value
    if fdef.type == "int" and isinstance(value, float):
        if not value.is_integer():
            raise BadValue(Msg("problem.facts_not_whole", value=repr(value)), Msg("problem.facts_write_whole"))
        value = int(value)
    lo, hi = fdef.bounds
    if lo is not None and value < lo:
        raise BadValue(
            Msg("problem.facts_below", value=value, lo=lo), Msg("problem.facts_below_hint", what=_what(fdef), lo=lo)
        )
    if hi is not None and value > hi:
        raise BadValue(
            Msg("problem.facts_above", value=value, hi=hi), Msg("problem.facts_above_hint", what=_what(fdef), hi=hi)
        )
    read: float | int = value
    return read


def _what(fdef: FactDef) -> Msg:
    what = {"percent": "percent", "series": "percent", "int": "count"}.get(fdef.type, "value")
    return Msg(f"problem.facts_what_{what}")


def parse_number(text: str, kind: str) -> int | float:
    """A number as a Vietnamese user writes it: `82,5`, `1.490.000`, `100%`, `'100`.

    Refuses (with the two readings) a value that is only a number under one convention and a
    different number under the other: `1.490` in a percentage column.
    """
    s = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    written = s
    if s.startswith("'"):
        s = s[1:].strip()
    if s.endswith("%"):
        s = s[:-1].strip()
        if kind not in ("percent", "series"):
            raise BadValue(
                Msg("problem.facts_percent_sign", value=written, what=kind_word(kind)), Msg("problem.facts_digits_only")
            )
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-").strip()
    if re.fullmatch(r"\d{1,3}( \d{3})+([.,]\d+)?", s):
        s = s.replace(" ", "")
    if not re.fullmatch(r"\d[\d.,]*", s) or s.endswith((".", ",")):
        raise BadValue(Msg("problem.facts_not_a_number", value=written), Msg("problem.facts_write_digits_cell"))
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        return _signed(sign, _mixed(s, written))
    sep = "." if dots else "," if commas else ""
    if not sep:
        return sign * int(s)
    if (dots or commas) > 1:  # only thousands separators can repeat
        if not _grouped(s, sep):
            raise BadValue(Msg("problem.facts_not_a_number", value=written), Msg("problem.facts_group_thousands"))
        return sign * int(s.replace(sep, ""))
    return _one_separator(s, sep, sign, kind, written)


def _mixed(s: str, written: str) -> float:
    """`1.234,5` or `1,234.5`: the last separator is the decimal one, the other groups thousands."""
    dec = "." if s.rfind(".") > s.rfind(",") else ","
    thou = "," if dec == "." else "."
    whole, _, frac = s.rpartition(dec)
    if dec in whole or not _grouped(whole, thou):
        raise BadValue(Msg("problem.facts_not_a_number", value=written), Msg("problem.facts_mixed_separators"))
    return float(whole.replace(thou, "") + "." + frac)


def _one_separator(s: str, sep: str, sign: int, kind: str, written: str) -> int | float:
    """A number with one `.` or one `,`: a decimal, or thousands where only that can be meant —
    and refused, with both readings, where either can."""
    whole, _, frac = s.partition(sep)
    # the two readings of an ambiguous value, and what to type, are written as digits to type (not
    # in the reader's number format, which would write one of the two ambiguous forms again)
    if sep == "," and kind == "int" and len(frac) == 3 and _grouped(s, ","):
        # a count has no decimals, so '2,000' is 2000 written the English way — or 2,000 = 2 the
        # Vietnamese way: as ambiguous as '1.000' in a percentage column, and refused the same
        decimal = tidy(float(f"{whole}.{frac}"))
        thousands_reading = str(int(whole + frac))
        raise BadValue(
            Msg("problem.facts_ambiguous_comma", value=written, whole=thousands_reading, decimal=str(decimal)),
            Msg("problem.facts_write_either", a=thousands_reading, b=str(decimal))
            if isinstance(decimal, int)
            else Msg("problem.facts_write_this", a=thousands_reading),
        )
    if sep == ",":  # the Vietnamese decimal comma
        return _signed(sign, float(f"{whole}.{frac}"))
    thousands = len(frac) == 3 and _grouped(s, ".")
    if thousands and kind == "int":
        return sign * int(whole + frac)  # a count has no decimals: 1.490 is one thousand four hundred ninety
    if thousands:
        reading = str(int(whole + frac))
        raise BadValue(
            Msg("problem.facts_ambiguous_dot", value=written, whole=reading, decimal=str(tidy(float(s)))),
            Msg("problem.facts_write_either", a=reading, b=f"{whole},{frac}"),
        )
    return _signed(sign, float(s))


def _grouped(text: str, sep: str) -> bool:
    return re.fullmatch(r"[1-9]\d{0,2}(" + re.escape(sep) + r"\d{3})+", text) is not None


def _signed(sign: int, value: float) -> int | float:
    return tidy(sign * value)


def tidy(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def whole_number(v: Any) -> int:
    """A whole number (a count of copies, a year) from a cell's number; `BadValue` otherwise."""
    if isinstance(v, bool) or not isinstance(v, int | float) or not float(v).is_integer():
        raise BadValue(Msg("problem.facts_not_whole", value=cell_shown(v)), Msg("problem.facts_write_whole"))
    return int(v)


def cell_whole(v: Any) -> int:
    return whole_number(parse_number(v, "int") if isinstance(v, str) else v)


@cache
def kind_word(kind: str) -> Msg:
    what = {"int": "count", "percent": "percent", "series": "percent"}.get(kind, "number")
    return Msg(f"problem.facts_what_{what}")


def _cell_number(t: str, v: Any, number_format: str) -> int | float:
    """A number cell as the officer meant it (before the fact's own check)."""
    if isinstance(v, bool):
        raise BadValue(Msg("problem.facts_not_a_number", value=cell_shown(v)), Msg("problem.facts_write_digits_cell"))
    if isinstance(v, dt.datetime | dt.date):
        raise BadValue(
            Msg("problem.facts_date_not_number", value=cell_shown(v)), Msg("problem.facts_date_not_number_hint")
        )
    if isinstance(v, int | float):
        if "%" in number_format:
            if t not in ("percent", "series"):
                raise BadValue(
                    Msg("problem.facts_percent_format", value=v, what=kind_word(t)),
                    Msg("problem.facts_percent_format_hint"),
                )
            return tidy(round(v * 100, 9))
        return v
    return parse_number(str(v), t)


# ---------------------------------------------------------------- ratings and lists


def scale_value(value: Any, fdef: FactDef, scale: Scale) -> str:
    """A rating's or a list's value by its key, its name in either language or an alias (`Tốt`,
    `Hoàn thành xuất sắc nhiệm vụ`, `HTXSNV`; any case): the one reading of a YAML value and a
    cell alike. `BadValue` otherwise, its hint naming the Vietnamese names first."""
    text = nfc(str(value)).strip()
    for v in scale.values:
        names = [v.value, v.label.vi, v.label.en, *v.aliases]
        if any(text.casefold() == n.casefold() for n in names):
            return v.value
    raise BadValue(
        Msg("problem.facts_not_a_level", value=shown(value), label=fdef.label),
        one_of(text, [v.label.vi for v in scale.values], scale.names),
    )


# ---------------------------------------------------------------- index records


def records(value: Any) -> list[dict[str, Any]]:
    """Index components as a YAML/JSON list: `{index, component, score, prev_score}` each."""
    if not isinstance(value, list):
        raise BadValue(Msg("problem.facts_records_not_a_list"), Msg("problem.facts_records_how"))
    out = []
    for n, r in enumerate(value, 1):
        if not isinstance(r, dict) or set(r) - {"index", "component", "score", "prev_score"}:
            raise BadValue(Msg("problem.facts_records_keys", item=n), Msg("problem.facts_records_how"))
        for k in ("index", "component"):
            label = r.get(k)
            if label is not None and (not isinstance(label, str) or (not label.isprintable() and controls(label))):
                what: Text = Msg("problem.facts_control_characters") if isinstance(label, str) else short(label)
                raise BadValue(
                    Msg(f"problem.facts_records_{k}_not_text", item=n, value=what),
                    Msg("problem.facts_records_write_text"),
                )
        rec = dict(r)
        for k in ("score", "prev_score"):
            if is_na(rec.get(k)):
                rec[k] = NA  # as everywhere else: n/a is the marker, never the string
            elif rec.get(k) is not None:
                rec[k] = number(rec[k], None)
        out.append(rec)
    return out


def parse_records(text: str) -> list[dict[str, Any]]:
    """Index components in a cell: one per line, `index; component; last year's score; this year's`."""
    out = []
    for line in text.replace("\r", "\n").split("\n"):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 4:
            raise BadValue(
                Msg("problem.facts_records_line", value=line.strip()), Msg("problem.facts_records_line_hint")
            )
        index, component, prev, score = parts
        out.append({"index": index, "component": component, "prev_score": _score(prev), "score": _score(score)})
    return out


def _score(text: str) -> Any:
    if not text:
        return None
    if is_na(text):
        return "n/a"
    return parse_number(text, "number")


# ---------------------------------------------------------------- the grammars


class Grammar:
    """How one fact's value is read: `value` from YAML/JSON, `cell` from a spreadsheet or CSV cell
    (text stripped); both return the evaluation form or raise `BadValue`."""

    def __init__(self, fdef: FactDef):
        self.fdef = fdef

    def value(self, v: Any) -> Any:
        if v is None:
            return UNKNOWN
        if is_na(v):
            return NA
        return self.read(v)

    def read(self, v: Any) -> Any:  # pragma: no cover - every type reads its own
        raise NotImplementedError

    def cell(self, v: Any, number_format: str = "General") -> Any:
        if isinstance(v, str) and is_na(v):
            return NA
        return self.read_cell(v, number_format)

    def read_cell(self, v: Any, number_format: str) -> Any:
        return self.read(v)


class YesNo(Grammar):
    def __init__(self, fdef: FactDef):
        super().__init__(fdef)
        self.words = yes_no_words()

    def value(self, v: Any) -> Any:
        return v if v is True or v is False else super().value(v)

    def read(self, v: Any) -> Any:
        return bool_of(v, self.words)


class Number(Grammar):
    """`int`, `number`, `percent`: the fact's bounds, and a whole number for a count."""

    def __init__(self, fdef: FactDef):
        super().__init__(fdef)
        lo, hi = fdef.bounds
        self.lo = -MAX_NUMBER if lo is None else lo
        self.hi = MAX_NUMBER if hi is None else hi
        self.kinds: tuple[type, ...] = (int,) if fdef.type == "int" else (int, float)

    def value(self, v: Any) -> Any:
        # the common case, at once: a number of the right kind, in range (`v - v == 0`: finite)
        if type(v) in self.kinds and self.lo <= v <= self.hi and v - v == 0:
            return v
        return super().value(v)

    def read(self, v: Any) -> Any:
        return number(v, self.fdef)

    def read_cell(self, v: Any, number_format: str) -> Any:
        return number(_cell_number(self.fdef.type, v, number_format), self.fdef)


class Level(Grammar):
    """`rating`, `enum`: a value of the fact's scale, by key, name or alias."""

    def __init__(self, fdef: FactDef, scale: Scale):
        super().__init__(fdef)
        self.scale = scale
        self.names = frozenset(scale.names)

    def value(self, v: Any) -> Any:
        return v if type(v) is str and v in self.names else super().value(v)

    def read(self, v: Any) -> Any:
        return scale_value(v, self.fdef, self.scale)

    def read_cell(self, v: Any, number_format: str) -> Any:
        # a number or a day where a word belongs: said as the list's
        return scale_value(v if isinstance(v, str) else str(cell_shown(v)), self.fdef, self.scale)


class Day(Grammar):
    def read(self, v: Any) -> Any:
        return day_of(v)

    def read_cell(self, v: Any, number_format: str) -> Any:
        return cell_day(v)


class DatedSeries(Number):
    """`series`: a number, or `{day: number}` (a table gives one column a day: `key@dd/mm/yyyy`)."""

    def read(self, v: Any) -> Any:
        if not isinstance(v, dict):
            return number(v, self.fdef)
        out = {}
        for day, x in v.items():
            out[day_of(day)] = NA if is_na(x) else (UNKNOWN if x is None else number(x, self.fdef))
        return {d: x for d, x in sorted(out.items()) if x is not UNKNOWN}


class Records(Grammar):
    def read(self, v: Any) -> Any:
        return records(v)

    def read_cell(self, v: Any, number_format: str) -> Any:
        return records(parse_records(str(v)))


def grammar(fdef: FactDef, catalogue: Catalogue) -> Grammar:
    """The grammar of one fact of `catalogue`."""
    t = fdef.type
    if t == "bool":
        return YesNo(fdef)
    if t in ("int", "number", "percent"):
        return Number(fdef)
    if t in ("rating", "enum"):
        return Level(fdef, catalogue.scales[fdef.scale or ""])
    if t == "date":
        return Day(fdef)
    if t == "series":
        return DatedSeries(fdef)
    if t == "records":
        return Records(fdef)
    raise ValueError(f"unsupported type {t}")  # pragma: no cover - the catalogue is validated


def grammars(catalogue: Catalogue) -> dict[str, Grammar]:
    """Every fact's grammar, by key (built by each reader for its catalogue: nothing is kept)."""
    return {key: grammar(fdef, catalogue) for key, fdef in catalogue.facts.items()}


def parse_fact(value: Any, fdef: FactDef, catalogue: Catalogue) -> Any:
    """A facts-file value in its evaluation form; raises `BadValue` (what is wrong, what to write)."""
    return grammar(fdef, catalogue).value(value)
