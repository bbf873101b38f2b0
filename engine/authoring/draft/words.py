"""What a sentence's own words say it is, when no pattern of the library reads it (issue 28).

A plan's headings are not always the usual ones (Đối tượng, Tiêu chí, Không xét khen thưởng, Hình
thức, Hồ sơ, Thời gian): a commune's plan may put its awards under "Khen thưởng" inside "Nội dung
phong trào thi đua", its period under "Hình thức, thời gian tổ chức". So a sentence under II or III
is read by its words first (`word_kinds`): one that requires something ("phải", "đạt", "hoàn
thành", "100%", "không để", "không có") is a criterion; one that says "không xét khen thưởng" a
disqualifier — a late-file rule when it is about files sent late; "khen thưởng" with a number of
collectives or people, or "thì được xem xét khen thưởng", an award; "chậm nhất", "trước ngày",
"hồ sơ … gửi về" a deadline; "kể từ ngày … đến", "thời gian … thi đua" a period. Each kind the
words call for that no proposal of the sentence gives becomes a TODO item with the sentence's clause
and quote (engine.authoring.draft.compose); the kind of its part of the plan only when the words
call for none.

A sentence that opens the heads' own criteria ("Đối với cá nhân là người đứng đầu …:") is a group
of its own (`heads`). A plan with no Đối tượng part names its subjects where it calls on them
("Phát động toàn thể cán bộ, công chức …", "yêu cầu các ngành, các đoàn thể …"): `calls_on` finds
those words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from engine.authoring.draft.patterns import ItemKind, Sentence

# (kind, the words, lower case, the sections it is read in: None → any): in this order, a sentence
# can call for several kinds ("… chậm nhất là ngày …. Không xem xét … quá hạn": a deadline and a late rule)
_NOT_CONSIDERED = r"không (?:được )?(?:xem xét|xét|đề nghị)(?: khen thưởng| tặng| công nhận)?"
WORD_KINDS: tuple[tuple[ItemKind, re.Pattern[str], frozenset[str] | None], ...] = (
    (
        "late",
        re.compile(_NOT_CONSIDERED + r"[^.;]*(?:quá hạn|trễ hạn|quá thời hạn|gửi (?:sau|chậm)|sau thời hạn)"),
        None,
    ),
    ("disqualifier", re.compile(_NOT_CONSIDERED + r"(?![^.;]*(?:quá hạn|trễ hạn|quá thời hạn|sau thời hạn))"), None),
    (
        "deadline",
        re.compile(r"chậm nhất|trước ngày \d|thời hạn (?:gửi|nộp)|(?:hồ sơ|tờ trình|văn bản đề nghị)[^.;]*gửi về"),
        None,
    ),
    (
        "period",
        re.compile(
            r"kể từ ngày[^.;]*đến|từ ngày \d[^.;]*đến (?:hết )?ngày"
            r"|thời gian (?:phát động|tổ chức)(?: phong trào)? thi đua|thời gian thi đua"
        ),
        None,
    ),
    (
        "award",
        re.compile(
            r"khen thưởng[^.;]*\d+\s*(?:tập thể|cá nhân)|\d+\s*(?:tập thể|cá nhân)[^.;]*khen thưởng"
            r"|thì (?:sẽ )?được (?:xem xét )?khen thưởng|khen thưởng (?:chuyên đề|đột xuất)"
        ),
        None,
    ),
    (
        "criterion",
        re.compile(
            r"\bphải\b|\bđạt\b(?! được)|hoàn thành|100\s?%|không để|không có|thì (?:sẽ )?được (?:xem xét )?khen thưởng"
            r"|khen thưởng (?:cho )?(?:các|những) (?:tập thể|tổ chức|cá nhân)"
            r"[^.;]*(?:thực hiện|có thành tích|có sáng kiến)"
        ),
        frozenset({"criteria", "exclusions", "awards", "period", "other"}),
    ),
)
# a proposal of one of these kinds answers for the kind the words call for
_ANSWERS: Mapping[str, frozenset[str]] = {
    "late": frozenset({"late"}),
    "disqualifier": frozenset({"disqualifier", "late"}),
    "deadline": frozenset({"deadline"}),
    "period": frozenset({"period"}),
    "award": frozenset({"award"}),
    "criterion": frozenset({"criterion", "disqualifier", "group"}),
}
# a preamble that launches the campaign for a year: the period, when the plan gives none elsewhere
# (not the legal bases it cites: "Căn cứ …", "Thực hiện Kế hoạch số …")
_LAUNCH = re.compile(r"^(?!căn cứ|thực hiện|theo\b)[^.;]*phát động phong trào thi đua[^.;]*\bnăm (?:19|20)\d{2}")
_HEADS = re.compile(r"^đối với [^:]*người đứng đầu[^:]*:$")
_CARRYING_OUT = re.compile(r"tổ chức thực hiện\b")
# "Phát động toàn thể cán bộ …", "yêu cầu các ngành, các đoàn thể …": whom a plan calls on
_CALLS_ON = re.compile(r"\b(?:phát động|yêu cầu|kêu gọi)\s+(?=(?:toàn thể|tất cả|các|những)\b)")


def word_kinds(sentence: Sentence, given: set[str]) -> list[ItemKind]:
    """The kinds the sentence's words call for that none of the `given` proposals' kinds answers;
    a sentence of the preamble only its period (the year the plan launches the campaign for)."""
    low = sentence.text.casefold()
    if sentence.clause == "preamble":
        return ["period"] if _LAUNCH.search(low) and "period" not in given else []
    out: list[ItemKind] = []
    if any(_CARRYING_OUT.match(h.casefold()) for h in sentence.heading):
        return out  # "Tổ chức thực hiện": who does what to carry the plan out, not its rules
    for kind, words, sections in WORD_KINDS:
        if sections is not None and sentence.section not in sections:
            continue
        if words.search(low) and not (_ANSWERS[kind] & given) and kind not in out:
            out.append(kind)
    return out


def says(kind: str, text: str) -> bool:
    """Whether a text's own words say it is of this kind (its entry in WORD_KINDS)."""
    low = text.casefold()
    return any(k == kind and words.search(low) for k, words, _ in WORD_KINDS)


def heads(sentence: Sentence) -> bool:
    """Whether a sentence opens the heads' own criteria ("Đối với cá nhân là người đứng đầu các cơ
    quan, đơn vị …, phải đáp ứng các tiêu chí:"): a group of its own, the heads of the units."""
    return _HEADS.match(sentence.text.casefold()) is not None


def calls_on(sentence: Sentence) -> Sentence | None:
    """The words after "phát động / yêu cầu (toàn thể, các …)", as a sentence of their own (its
    kinds read by engine.authoring.draft.groups), or None when the sentence calls on no one."""
    m = _CALLS_ON.search(sentence.text.casefold())
    if m is None:
        return None
    return Sentence(sentence.clause, sentence.text[m.end() :], sentence.heading, "subjects", sentence.line, None)
