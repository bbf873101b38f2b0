"""A normalised plan read as a document: its header, and its section tree as `Sentence`s.

The header (before the first Roman-numbered section) gives the issuer and its governing body, the
number and symbol, the place and date, the title and the year. The body is a tree of headings
written as the plan writes them — `I.`, `1.`, `1.1.`, `a)` — with the items under them: paragraphs,
`-` dashes and `+` items, and the inline enumerations "(1) … (2) …", "(i1) … (i2) …". Each item is a
`Sentence` whose clause is the one the shipped campaigns cite: the innermost numbered heading
("II.2.a", "II.2.1", "III.2"), with an inline enumerator after a space ("II.2.1 (3)", "III.2 (i1)").
What a part is about (`section`) is read from its headings' words (`section_of`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.authoring.draft.patterns import SectionKind, Sentence

_ROMAN = re.compile(r"^(?P<num>[IVX]{1,4})\.\s*(?P<rest>.*)$")
_NUM2 = re.compile(r"^(?P<num>\d{1,2}\.\d{1,2})\.?\s+(?P<rest>\S.*)$")
_NUM1 = re.compile(r"^(?P<num>\d{1,2})\.\s+(?P<rest>\S.*)$")
_LETTER = re.compile(r"^(?P<num>[a-zđ])\)\s*(?P<rest>.*)$")
_ITEM = re.compile(r"^(?P<mark>[-–•+*])\s*(?P<rest>.*)$")
# an inline enumerator: "(1)", "(i1)", "(a)" opening a part of a line
_INLINE = re.compile(r"(?:^|(?<=[\s;:.,]))\((?P<n>i?\d{1,2})\)\s*")
_END = re.compile(r"^\**\s*Nơi nhận\s*:", re.IGNORECASE)
_FOR = re.compile(r"^(?:\*\s*)?(Đối với [^:;.]{1,140}?)(?::|,\s*ngoài)", re.IGNORECASE)

# (section, words in a heading's title, lower case): the first that matches decides
_SECTION_WORDS: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
    ("exclusions", re.compile(r"không (?:xem )?xét")),
    (
        "period",
        re.compile(
            r"(?:tổ chức|thời gian)(?: tổ chức| phát động)?(?: phong trào)? thi đua|thời gian tổ chức(?! \S*\s?xét)"
        ),
    ),
    ("subjects", re.compile(r"đối tượng")),
    ("criteria", re.compile(r"tiêu chí|tiêu chuẩn|nội dung thi đua")),
    ("dossier", re.compile(r"hồ sơ")),
    ("awards", re.compile(r"hình thức|số lượng|cơ cấu|^(?:công tác )?khen thưởng$")),
    ("timeline", re.compile(r"thời gian|thời hạn")),
)


def section_of(title: str, *, top: bool = False) -> SectionKind:
    """What a heading says its part is about; a top (Roman) heading naming several things says none."""
    low = title.casefold()
    found = [kind for kind, words in _SECTION_WORDS if words.search(low)]
    if not found or (top and len(found) > 1):
        return "other"
    return found[0]


def group_of(title: str) -> str | None:
    low = title.casefold()
    if "tập thể" in low:
        return "collective"
    if "cá nhân" in low or "cán bộ, công chức" in low:
        return "individual"
    return None


@dataclass
class _Heading:
    level: int  # 1 Roman, 2 "1.", 3 "1.1.", 4 "a)"
    clause: str
    title: str
    section: SectionKind


@dataclass
class _Reader:
    sentences: list[Sentence] = field(default_factory=list)
    stack: list[_Heading] = field(default_factory=list)
    soft: list[tuple[str, str]] = field(default_factory=list)  # ("para" | "-" | "+", "Đối với …") under the stack

    @property
    def clause(self) -> str:
        return self.stack[-1].clause if self.stack else "preamble"

    def section(self) -> SectionKind:
        """The innermost heading's section; one that says nothing takes its parent's, up to (not
        from) the Roman heading — except a Roman heading's own items."""
        for h in reversed(self.stack):
            if h.section != "other" or h.level <= 2:
                return h.section if (h.level > 1 or len(self.stack) == 1) else "other"
        return "other"

    def push(self, level: int, num: str, rest: str) -> None:
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        if level == 1:
            clause = num
        elif level == 3 and self.stack:  # "2.1." under "II." is "II.2.1", whatever "2." said
            roman = next((h.clause for h in self.stack if h.level == 1), "")
            clause = f"{roman}.{num}" if roman else num
        else:
            clause = f"{self.stack[-1].clause}.{num}" if self.stack else num
        # a heading that is itself an item ("c) Báo cáo thành tích của tập thể, …") names no part:
        # only a title ("2. Tiêu chí thi đua:") or the words before a colon ("1. Hình thức …: …") do
        title = _title(rest) if (_is_title_only(rest) or ":" in rest) else ""
        self.stack.append(_Heading(level, clause, title, section_of(title, top=level == 1) if title else "other"))
        self.soft = []

    def emit(self, text: str, line: int, own: str | None = None) -> None:
        """One item of the plan (split at its inline enumerators), under the current headings."""
        heading = tuple(h.title for h in self.stack if h.title) + tuple(t for _, t in self.soft)
        if own is not None:
            heading += (own,)
        # the innermost heading that names one; a Roman heading ("… đối với tập thể, cá nhân") names none
        below = (
            tuple(h.title for h in self.stack if h.level > 1 and h.title)
            + heading[len(heading) - len(self.soft) - (own is not None) :]
        )
        group = next((g for g in map(group_of, reversed(below)) if g), None)
        section = self.section()
        for clause, part in _parts(self.clause, text):
            if not (part.endswith(":") and len(part.split()) <= 6):  # a label ("Đối với tập thể:"), not an item
                self.sentences.append(Sentence(clause, part, heading, section, line, group))


def _title(rest: str) -> str:
    """A heading's title: the words before its colon, or all of it."""
    head = rest.split(":", 1)[0].strip()
    return head.rstrip(".").strip() or rest.strip()


def _is_title_only(rest: str) -> bool:
    """A heading line with no sentence of its own ("2. Tiêu chí thi đua:", "1.1. Tập thể")."""
    r = rest.strip()
    if not r or r.endswith(":"):
        return True
    return ":" not in r and not r.endswith((".", ";", ")")) and len(r.split()) <= 14


def _parts(clause: str, text: str) -> Iterator[tuple[str, str]]:
    """A line cut at its inline enumerators: the text before the first one under the clause, each
    part under "clause (n)" (the enumerator itself left out of the text)."""
    marks = list(_INLINE.finditer(text))
    if not marks:
        yield clause, text
        return
    head = text[: marks[0].start()].strip()
    if head:
        yield clause, head
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        part = text[m.end() : nxt.start() if nxt else len(text)].strip()
        if part:
            yield f"{clause} ({m.group('n')})", part


def read_sentences(text: str) -> list[Sentence]:
    """Every item of the plan's body (from its first Roman heading; the preamble's paragraphs under
    the clause `preamble`), in order."""
    reader = _Reader()
    lines = text.split("\n")
    start = _after_title(lines)
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or n <= start:
            continue
        if _END.match(line):
            break  # the recipients and the signature: no item of the plan follows
        if _heading(reader, line, n):
            continue
        item = _ITEM.match(line)
        mark, body = (item.group("mark"), item.group("rest")) if item else ("para", line)
        level = {"para": 0, "-": 1, "–": 1, "•": 1, "*": 1, "+": 2}.get(mark, 0)
        if _INLINE.match(body) is None:  # "(i2) …" carries on the item before it
            reader.soft = [s for s in reader.soft if _soft_level(s[0]) < level] if level else []
        own = _FOR.match(body)
        if body:
            reader.emit(body, n, own.group(1) if own else None)
        if own or body.endswith(":"):
            reader.soft.append((mark if level else "para", own.group(1) if own else _title(body)))
    return reader.sentences


def _after_title(lines: list[str]) -> int:
    """The header's last line (issuer, number, date, "KẾ HOẠCH" and the title under it): the
    preamble's sentences start after it. 0 when the plan has no "KẾ HOẠCH" line before its body."""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if _ROMAN.match(line) and _upper(line[2:]):
            return 0
        if line.casefold() == "kế hoạch":
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            while j < len(lines) and lines[j].strip():
                j += 1
            return j
    return 0


def _soft_level(mark: str) -> int:
    return {"para": 0, "+": 2}.get(mark, 1)


def _heading(reader: _Reader, line: str, n: int) -> bool:
    """A numbered heading: pushed, and its own sentence emitted when it has one."""
    for level, pattern in ((1, _ROMAN), (3, _NUM2), (2, _NUM1), (4, _LETTER)):
        m = pattern.match(line)
        if m is None or (level == 1 and not m.group("rest").strip()):
            continue
        if level == 1 and not _upper(m.group("rest")):
            continue  # "I. " opening a sentence in capitals is a heading; anything else is text
        if level in (2, 3) and not reader.stack:
            return False  # numbers before the first Roman heading are the preamble's text
        rest = m.group("rest")
        reader.push(level, m.group("num"), rest)
        if not _is_title_only(rest):
            reader.emit(rest.strip(), n)
        elif rest.strip().endswith(":") and level == 4:
            pass
        return True
    return False


def _upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


# ── the header ─────────────────────────────────────────────────────────────────────────────

_NUMBER = re.compile(r"^Số\s*:\s*(?P<no>[\w.-]*)\s*/\s*(?P<sym>[\w.Đđ-]+)", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^(?P<place>[^,\d]{2,60}),\s*ngày\s*(?P<d>\d{0,2})\s*tháng\s*(?P<m>\d{0,2})\s*năm\s*(?P<y>\d{4})", re.IGNORECASE
)
_ISSUER_IN_TEXT = re.compile(
    r"^(?P<who>(?:Chủ tịch |Giám đốc )?(?:Ủy ban nhân dân|UBND|Sở|Ban|Phòng)\b[^,;.]{0,80}?)\s+"
    r"(?:phát động|ban hành|xây dựng)"
)
_BODY_LEVEL: tuple[tuple[str, str], ...] = (
    ("sở ", "department"),
    ("xã ", "commune"),
    ("phường ", "commune"),
    ("thị trấn ", "commune"),
    ("thành phố ", "city"),
    ("huyện ", "district"),
    ("quận ", "district"),
    ("thị xã ", "district"),
    ("tỉnh ", "province"),
)
_PLACE_WORDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn")


def read_header(text: str) -> dict[str, Any]:
    """The document's header: issuer, governing_body, number, place, date, title, year, level,
    signer, signer_title (None where the plan does not give one)."""
    lines = [ln.strip() for ln in text.split("\n")]
    body = next((i for i, ln in enumerate(lines) if _ROMAN.match(ln) and _upper(ln[2:])), len(lines))
    head = lines[:body]
    out: dict[str, Any] = dict.fromkeys(
        ("issuer", "governing_body", "number", "place", "date", "title", "year", "level", "signer", "signer_title")
    )
    bodies = _header_bodies(head)
    if bodies:
        out["issuer"] = bodies[-1]
        out["governing_body"] = bodies[-2] if len(bodies) > 1 else None
    for ln in head:
        if (m := _NUMBER.match(ln)) and out["number"] is None:
            out["number"] = f"{m.group('no')}/{m.group('sym')}" if m.group("no") else None
        if (m := _PLACE_DATE.match(ln)) and out["place"] is None:
            out["place"] = m.group("place").strip()
            out["date"] = _date(m.group("y"), m.group("m"), m.group("d"))
            out["year"] = int(m.group("y"))
    out["title"] = _doc_title(head)
    if out["issuer"] is None:
        found = next((m for ln in head if (m := _ISSUER_IN_TEXT.match(ln))), None)
        if found is not None:
            out["issuer"] = found.group("who").strip()
    if out["title"] and out["place"]:  # a title in capitals: the place's name as the date line writes it
        out["title"] = re.sub(re.escape(out["place"].casefold()), out["place"], out["title"])
    if out["title"]:
        years = re.findall(r"\b(?:19|20)\d{2}\b", out["title"])
        out["year"] = int(years[0]) if years else out["year"]
    out["level"] = _level(out["issuer"] or "")
    out["signer"], out["signer_title"] = _signer(lines)
    return out


def _header_bodies(head: list[str]) -> list[str]:
    """The issuing bodies written in capitals above the motto: ["Ủy ban nhân dân tỉnh Ninh Thuận"],
    or the governing body then the issuer ("UBND TỈNH X" / "SỞ Y TẾ")."""
    caps: list[str] = []
    for ln in head:
        if re.match(r"CỘNG H[ÒO]À|CỘNG HÒA|Độc lập", ln, re.IGNORECASE) or ln.startswith("Số"):
            break
        if ln and _upper(ln) and not set(ln) <= set("-_=* "):
            caps.append(ln.strip("* "))
    if not caps:
        return []
    # "ỦY BAN NHÂN DÂN" + "TỈNH NINH THUẬN": one body over two lines
    merged: list[str] = []
    for ln in caps:
        low = ln.casefold()
        if merged and low.startswith(_PLACE_WORDS):
            merged[-1] += " " + ln
        else:
            merged.append(ln)
    return [_capitalised(b) for b in merged]


def _capitalised(upper: str) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH NINH THUẬN" → "Ủy ban nhân dân tỉnh Ninh Thuận": the body's words in
    sentence case, the place's name after its level word in title case."""
    low = upper.casefold()
    for word in sorted(_PLACE_WORDS, key=len, reverse=True):
        i = low.find(" " + word + " ")
        if i >= 0:
            name = low[i + len(word) + 2 :]
            return low[:1].upper() + low[1:i] + " " + word + " " + name.title()
    return low[:1].upper() + low[1:]


def _date(y: str, m: str, d: str) -> dt.date | str:
    if not m:
        return y
    if not d:
        return f"{y}-{int(m):02d}"
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return f"{y}-{int(m):02d}"


def _doc_title(head: list[str]) -> str | None:
    """The lines after "KẾ HOẠCH" up to the first blank line (the title over several lines)."""
    start = next((i for i, ln in enumerate(head) if ln.casefold() == "kế hoạch"), None)
    if start is None:
        return None
    words: list[str] = []
    for ln in head[start + 1 :]:
        if not ln and words:
            break
        if ln:
            words.append(ln)
    title = " ".join(words)
    if title and _upper(title):
        low = title.casefold()
        title = low[:1].upper() + low[1:]
    return title or None


def _level(issuer: str) -> str | None:
    low = issuer.casefold() + " "
    for word, level in _BODY_LEVEL:
        if f" {word}" in f" {low}" or low.startswith(word):
            return level
    return None


def _signer(lines: list[str]) -> tuple[str | None, str | None]:
    """The last line when it is a name (two to five capitalised words) and the title above it."""
    rest = [ln.strip("* ") for ln in lines if ln.strip("* ")]
    if len(rest) < 2:
        return None, None
    name = rest[-1]
    words = name.split()
    if not 2 <= len(words) <= 5 or not all(w[:1].isupper() for w in words) or _upper(name):
        return None, None
    title = rest[-2]
    if not _upper(title) or len(title.split()) > 4:
        return name, None
    low = title.casefold()
    return name, low[:1].upper() + low[1:]
