"""The groups of a draft from its Đối tượng sentences: the kinds of the catalogue by their Vietnamese words.

A subject sentence names collectives ("Tập thể các Sở, ban, ngành, các phòng, ban …") and people
("cán bộ, công chức, viên chức thuộc …"); the words before the first person word are the units'.
The words are the contract's (CONTRACT.md, Kinds); the kinds found are only a proposal, marked
drafted, for the author to confirm.
"""

from __future__ import annotations

import re

from engine.authoring.draft.patterns import Sentence

# kind → its Vietnamese words, lower case (CONTRACT.md "Kinds")
UNIT_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("department", re.compile(r"sở, ban, ngành|các sở\b|phòng chức năng sở")),
    ("vertical_agency", re.compile(r"ngành dọc")),
    ("district", re.compile(r"(?:ủy ban nhân dân|ubnd) (?:cấp huyện|các huyện|huyện)")),
    ("commune", re.compile(r"(?:ủy ban nhân dân|ubnd) (?:cấp xã|các (?:phường, )?xã|các xã, phường|xã|phường)")),
    ("division", re.compile(r"phòng,? ban|phòng chức năng|các phòng\b")),
    ("public_service_unit", re.compile(r"đơn vị sự nghiệp|đơn vị trực thuộc|các đơn vị\b")),
    (
        "party_front_body",
        re.compile(r"cơ quan (?:thuộc )?(?:đảng|thành ủy|tỉnh ủy|huyện ủy)|mặt trận|đoàn thể|tổ chức chính trị"),
    ),
    ("central_agency", re.compile(r"trung ương đóng trên địa bàn")),
    ("hamlet", re.compile(r"\bấp\b|\bthôn\b|khu phố")),
    ("sector", re.compile(r"các ngành\b(?!,? ?ban)")),
)
PERSON_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("civil_servant", re.compile(r"cán bộ|công chức|viên chức|người lao động")),
    ("commune_non_professional", re.compile(r"không chuyên trách")),
    ("journalist", re.compile(r"phóng viên|biên tập viên|cộng tác viên|hội viên")),
)
_FIRST_PERSON = re.compile(r"cán bộ|công chức|viên chức|người lao động|người hoạt động|phóng viên|hội viên")


def kinds_in(sentence: Sentence) -> tuple[list[str], list[str]]:
    """The unit kinds and the person kinds one subject sentence names."""
    low = sentence.text.casefold()
    cut = _FIRST_PERSON.search(low)
    units_part = low[: cut.start()] if cut else low
    people_part = low[cut.start() :] if cut else ""
    if sentence.group == "individual":
        units_part, people_part = "", low
    elif sentence.group == "collective":
        units_part, people_part = low, ""
    units = [k for k, words in UNIT_WORDS if words.search(units_part)]
    people = [k for k, words in PERSON_WORDS if words.search(people_part)]
    return units, people
