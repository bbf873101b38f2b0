"""The document profile: who issues the report and the Tờ trình, its number, who signs, who receives.

Decree 30/2020/NĐ-CP (Phụ lục I) lays out an administrative document's head and foot: the
governing body (cơ quan chủ quản, upper-case) over the issuing office (upper-case, bold), each
line as written; `Số: …/TTr-SNV`; the place and date; `Kính gửi`; the signature block (TM./KT./
Q./TL./TUQ. + the title, the signer's name); `Nơi nhận`. `DocumentProfile` is the small YAML
file (or the options of `thidua report`) that sets them, strictly checked like every other input
(errors carry file:line:column); what it leaves out comes from the campaign's `document:`:

The defaults follow the plan's level: the body that proposes, to the authority that awards
(issue 23; the table in docs/reports.md): a province's Sở Nội vụ, a city's or district's
Phòng Nội vụ, a department's Phòng Tổ chức cán bộ, a commune's Hội đồng Thi đua - Khen thưởng; TM./KT./Q.
follow from the signer's title and the issuing body (`_signing`). A body never kính trình itself
(`is_self`).

Names of bodies are proper names: they stay as written (Vietnamese) in an English report too;
the words around them (Kính gửi, Nơi nhận, TM. …) come from templates/vocabulary.yaml.
`letterhead()` resolves everything into `Letterhead`, the part of the report context both the
HTML and the Word document read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.common.text import visible
from engine.model.schema import Document_
from engine.model.vocabulary import words

SignMode = Literal["TM.", "KT.", "Q.", "TL.", "TUQ.", ""]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SignerIn(_Strict):
    mode: SignMode | None = Field(
        default=None, description="thẩm quyền ký: TM. (thay mặt), KT. (ký thay), Q. (quyền), TL., TUQ., or ''"
    )
    of: str | None = Field(default=None, description="what the mode refers to: 'Ủy ban nhân dân', 'Giám đốc'")
    title: str | None = Field(default=None, description="the signer's own title: 'Chủ tịch', 'Phó Giám đốc'")
    name: str | None = Field(default=None, description="the signer's full name")


class DocumentProfile(_Strict):
    office: str | list[str] | None = Field(
        default=None, description="cơ quan ban hành văn bản; a list gives the lines as printed"
    )
    governing_body: str | list[str] | None = Field(
        default=None, description="cơ quan chủ quản; '' for none; a list gives the lines as printed"
    )
    abbreviation: str | None = Field(default=None, description="the office's abbreviation in Số: …/TTr-SNV")
    number: str | None = Field(default=None, description="the document's number; blank for the office to fill")
    date: dt.date | None = Field(default=None, description="the document's date; blank for the office to fill")
    place: str | None = Field(default=None, description="địa danh of the place-date line")
    addressee: str | list[str] | None = Field(default=None, description="Kính gửi: one or more")
    signer: SignerIn | None = None
    recipients: list[str] | None = Field(
        default=None, description="Nơi nhận after the addressee ('Lưu: VT' is always last)"
    )
    reserve: int | None = Field(
        default=None,
        ge=0,
        description="reserve candidates listed per award list (default 10), then 'và N trường hợp khác'",
    )

    @field_validator("date", mode="before")
    @classmethod
    def _day(cls, v: Any) -> Any:
        """dd/mm/yyyy as in every other date thidua reads (engine.lang.values.parse_day)."""
        if isinstance(v, str):
            from engine.lang.values import parse_day

            try:
                return parse_day(v)
            except ValueError:
                # pydantic's own kind of error: read as every other date that is not one (schema.pydantic_problems)
                raise PydanticCustomError("date_parsing", "'{value}' is not a date", {"value": v}) from None
        return v

    def merged(self, other: DocumentProfile) -> DocumentProfile:
        """This profile with `other`'s set fields over it (options over the profile file)."""
        data = self.model_dump(exclude_none=True)
        over = other.model_dump(exclude_none=True)
        if "signer" in over and "signer" in data:
            over["signer"] = {**data["signer"], **over["signer"]}
        return DocumentProfile.model_validate({**data, **over})


def load_profile(path: Path) -> DocumentProfile:
    """Read and check a profile file (.yaml/.yml/.json); every problem located, exit 2."""
    from engine.model.schema import pydantic_problems
    from engine.model.source import load_file

    if not path.is_file():
        raise UsageError(
            Problem(str(path), Msg("problem.render_no_profile"), hint=Msg("problem.render_no_profile_hint"))
        )
    doc = load_file(path)
    if doc.data is None:
        return DocumentProfile()
    if not isinstance(doc.data, dict):
        raise UsageError(Problem(doc.file, Msg("problem.render_profile_mapping"), 1, 1))
    day = doc.data.get("date")
    if isinstance(day, str) and day.strip():  # a profile's date reads dd/mm/yyyy, as every date thidua reads
        from engine.lang.values import parse_day

        try:
            parse_day(day)
        except ValueError:
            raise UsageError(doc.problem(("date",), Msg("problem.render_not_a_date", value=visible(day)))) from None
    try:
        return DocumentProfile.model_validate(doc.data)
    except ValidationError as e:
        raise UsageError(pydantic_problems(e, doc, DocumentProfile)) from None


OPTIONS = {  # thidua report's options and the profile keys they set
    "office": "--office",
    "governing_body": "--governing-body",
    "abbreviation": "--abbreviation",
    "number": "--number",
    "date": "--date",
    "place": "--place",
    "addressee": "--addressee",
    "recipients": "--recipient",
    "reserve": "--reserve",
    "signer.mode": "--sign-mode",
    "signer.of": "--sign-for",
    "signer.title": "--signer-title",
    "signer.name": "--signer",
}


def resolve_profile(path: Path | None, options: dict[str, Any]) -> DocumentProfile | None:
    """The profile file (if any) with the options given over it (keys of OPTIONS; None: not given)."""
    base = load_profile(path) if path is not None else None
    data: dict[str, Any] = {}
    for key, value in options.items():
        if value is None or value == []:
            continue
        top, _, sub = key.partition(".")
        if sub:
            data.setdefault(top, {})[sub] = value
        else:
            data[top] = value
    if not data:
        return base
    try:
        given = DocumentProfile.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(x) for x in err["loc"] if not isinstance(x, int)).split(".function")[0]
        option = next((o for k, o in OPTIONS.items() if key.startswith(k)), key)
        raise UsageError(Problem(option, _option_problem(err))) from None
    return base.merged(given) if base is not None else given


def _option_problem(err: Any) -> Msg:
    """What is wrong with an option's value, for the officer: the kinds of error an option can
    have (a date, a choice, a count); another says pydantic's own words beside the value."""
    value = visible(str(err.get("input")))
    kind = str(err["type"])
    if kind.startswith("date"):
        return Msg("problem.render_not_a_date", value=value)
    if kind.startswith("literal_error"):
        expected = str(err.get("ctx", {}).get("expected", ""))
        return Msg("problem.render_not_allowed", value=value, options=re.findall(r"'[^']*'", expected))
    if kind.startswith("int_"):
        return Msg("problem.render_not_whole", value=value)
    if kind == "greater_than_equal":
        return Msg("problem.render_not_negative", value=value)
    return Msg("problem.render_option_invalid", value=value, detail=str(err["msg"]))


def doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(frozen=True)
class Letterhead:
    """The document's head and foot in the layout of Decree 30/2020/NĐ-CP (engine/render/profile.py)."""

    governing: list[str] = field(metadata=doc("the governing body's lines, upper-case; [] when none"))
    office: list[str] = field(metadata=doc("the issuing office's lines, upper-case, each printed unbroken"))
    number_report: str = field(metadata=doc("the number line of the report, e.g. 'Số:      /BC-SNV'"))
    number_submission: str = field(metadata=doc("the number line of the Tờ trình, e.g. 'Số: 15/TTr-SNV'"))
    submission_ref: str = field(metadata=doc("the Tờ trình's number and symbol alone, e.g. '15/TTr-SNV'"))
    place_date: str = field(metadata=doc("'Ninh Thuận, ngày 05 tháng 02 năm 2021', blanks where not set"))
    addressee: list[str] = field(metadata=doc("Kính gửi: who the document goes to"))
    sign_mode: str = field(metadata=doc("'TM. ỦY BAN NHÂN DÂN', 'KT. GIÁM ĐỐC', …; '' when the head signs"))
    sign_title: str = field(metadata=doc("the signer's title, upper-case"))
    sign_name: str = field(metadata=doc("the signer's name; '' for the office to fill"))
    recipients: list[str] = field(metadata=doc("Nơi nhận, in order: the addressee, others, 'Lưu: VT'"))
    office_name: str = field(metadata=doc("the issuing office as a name in a sentence ('Sở Nội vụ')"))


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _upper(text: str) -> str:
    return _nfc(text).upper()


def _lines(value: str | list[str]) -> list[str]:
    return [_upper(x) for x in ([value] if isinstance(value, str) else value) if _nfc(x)]


def _locality_words() -> re.Pattern[str]:
    names = [x.strip() for x in words("vi")["report.lh_localities"].split(",")]
    return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\s", re.IGNORECASE)


def _split_body(name: str, committee: str) -> list[str]:
    """A UBND's name on two lines as Decree 30 prints it: 'ỦY BAN NHÂN DÂN' / 'XÃ MỸ THẠNH'."""
    name = _nfc(name)
    if name.casefold().startswith(committee.casefold() + " "):
        return [_upper(committee), _upper(name[len(committee) :])]
    return [_upper(name)]


def _locality(name: str) -> str:
    """'tỉnh Ninh Thuận' out of 'Sở Y tế tỉnh Ninh Thuận' or 'Ủy ban nhân dân tỉnh Ninh Thuận'."""
    m = _locality_words().search(_nfc(name))
    return _nfc(name)[m.start() :] if m else ""


def _initials(name: str) -> str:
    return "".join(w[0] for w in _nfc(name).split() if w[0].isalpha()).upper()


def _two(n: int) -> str:
    return f"{n:02d}" if n < 10 else str(n)


def _head_of(office: str) -> tuple[str, str]:
    """The head's title of an issuing body, and the body as a TM. line names it ('' when one person
    heads it): a Sở's Giám đốc, a Phòng's Trưởng phòng, a Văn phòng's Chánh Văn phòng; a People's
    Committee or a council is a collective body, signed TM. by its Chủ tịch (Decree 30/2020, Phụ lục I)."""
    vi = words("vi")
    name = _nfc(office).casefold()
    for body, title, collective in (
        (vi["report.lh_committee"], vi["report.lh_chairman"], vi["report.lh_committee"]),
        (vi["report.lh_council"], vi["report.lh_chairman"], vi["report.lh_council_short_name"]),
        (vi["report.lh_office"], vi["report.lh_office_head"], ""),
        (vi["report.lh_division"], vi["report.lh_division_head"], ""),
        (vi["report.lh_department"], vi["report.lh_director"], ""),
    ):
        if name.startswith(body.casefold()):
            return title, collective
    return "", ""


def _signing(office: str, title: str) -> tuple[str, str, str]:
    """(mode, of, title) from the signer's relation to the issuing body (Decree 30/2020, Phụ lục I):
    the head of a collective body signs TM. the body; a deputy KT. the head; an acting head Q.;
    the head of a one-person body signs in its own name. A title the body does not explain: as given."""
    vi = words("vi")
    head, collective = _head_of(office)
    title = _nfc(title) or head
    deputy, acting = vi["report.lh_deputy"], vi["report.lh_acting"]
    if not head:
        return "", "", title
    if title.casefold() == head.casefold():
        return ("TM.", collective, title) if collective else ("", "", title)
    if title.casefold() == f"{deputy} {head}".casefold():
        return "KT.", head, title
    if title.casefold() == f"{acting} {head}".casefold():
        return "Q.", head, ""
    return "", "", title


def _body_of(authority: str) -> str:
    """The body an authority belongs to: 'Sở Y tế …' out of 'Giám đốc Sở Y tế …'."""
    vi = words("vi")
    text = _nfc(authority)
    for title in (vi["report.lh_chairman"], vi["report.lh_director"]):
        if text.casefold().startswith(title.casefold() + " "):
            return text[len(title) + 1 :]
    return text


def is_self(authority: str, office: str) -> bool:
    """Whether `authority` is the issuing office itself (or its own head): a body never kính trình itself."""
    body, own = _body_of(authority).casefold(), _nfc(office).casefold()
    return bool(own) and (body.startswith(own) or own.startswith(body))


def same_body(authority: str, other: str) -> bool:
    """Whether two authorities are one body ('Chủ tịch Ủy ban nhân dân tỉnh …' and 'Ủy ban nhân dân tỉnh …')."""
    return _body_of(authority).casefold() == _body_of(other).casefold()


def _default_addressee(authorities: list[str], office: str) -> list[str]:
    """Who grants the first award the office does not grant itself — a committee's award is decided
    by its Chủ tịch, to whom the proposal goes (Ninh Thuận 2020 III.3: "Sở Nội vụ … trình Chủ tịch
    Ủy ban nhân dân tỉnh khen thưởng", though III.1 says "Ủy ban nhân dân tỉnh tặng Bằng khen");
    [] when the office grants them all (then the office fills Kính gửi)."""
    vi = words("vi")
    committee, chairman = vi["report.lh_committee"], vi["report.lh_chairman"]
    found = [_nfc(a) for a in authorities if not is_self(a, office)][:1]
    return [f"{chairman} {a}" if a.casefold().startswith(committee.casefold() + " ") else a for a in found]


@dataclass(frozen=True)
class _Office:
    """Who proposes: the office's name, its lines in the head, its abbreviation, the body above it,
    and how its head signs (mode, on whose behalf, title)."""

    name: str
    lines: list[str]
    abbreviation: str
    governing: list[str]
    signing: tuple[str, str, str]


def _default_office(document: Document_) -> _Office:
    """The proposing office by the plan's level (see `letterhead`)."""
    vi = words("vi")
    committee = vi["report.lh_committee"]  # names are Vietnamese in either language
    plan_issuer = _nfc(document.issuer)
    chairman = vi["report.lh_chairman"]
    if plan_issuer.casefold().startswith(chairman.casefold() + " "):
        plan_issuer = plan_issuer[len(chairman) + 1 :]  # the chairman issues in the committee's name
    locality = _locality(plan_issuer)
    governing = [_upper(f"{vi['report.lh_committee_short']} {locality}")] if locality else []
    if document.level in ("province", "city", "district"):
        key = "report.lh_home_affairs_department" if document.level == "province" else "report.lh_home_affairs_division"
        name = vi[key]
        lines, abbreviation = _split_body(name, committee), _initials(name)
    elif document.level == "commune":
        name = f"{vi['report.lh_council']} {locality}".strip()
        lines = _split_body(vi["report.lh_council"], vi["report.lh_council_short_name"])
        abbreviation = vi["report.lh_council_abbreviation"]
    else:  # a department: its Phòng Tổ chức cán bộ, under the department (Sở Y tế 2024 V.3)
        name = f"{vi['report.lh_personnel']} {plan_issuer[: len(plan_issuer) - len(locality)].strip()}"
        lines = [_upper(vi["report.lh_personnel"])]
        governing = [_upper(plan_issuer)]
        abbreviation = vi["report.lh_personnel_abbreviation"]
    return _Office(name, lines, abbreviation, governing, _signing(name, ""))


def _office(p: DocumentProfile) -> _Office | None:
    """The office the profile names instead (its own head signs), or None."""
    if p.office is None:
        return None
    vi = words("vi")
    committee, committee_short = vi["report.lh_committee"], vi["report.lh_committee_short"]
    name = " ".join(_nfc(x) for x in ([p.office] if isinstance(p.office, str) else p.office))
    lines = _split_body(p.office, committee) if isinstance(p.office, str) else _lines(p.office)
    if name.casefold().startswith(committee.casefold()):
        abbreviation = committee_short
    else:
        abbreviation = _initials(name[: len(name) - len(_locality(name))] or name)
    return _Office(name, lines, abbreviation, [], _signing(name, ""))


def _signature(s: SignerIn, office_name: str, default: tuple[str, str, str], lang: str) -> tuple[str, str, str]:
    """The signing line (TM./KT./Q. and on whose behalf), the title and the name: the profile's
    signer where given, else the office's head; the title alone implies the mode."""
    d_mode, d_of, d_title = default
    if s.mode is None and s.title is not None:  # the title alone: TM./KT./Q. follow from it
        d_mode, d_of, title = _signing(office_name, s.title)
    else:
        title = _nfc(s.title) if s.title is not None else d_title
    mode = s.mode if s.mode is not None else d_mode
    of = _nfc(s.of) if s.of is not None else (d_of if s.mode is None else "")
    name = _nfc(s.name) if s.name is not None else ""
    mode_words = words(lang).section("sign_mode")
    sign_mode = f"{mode_words.get(mode, mode)} {_upper(of)}".strip() if mode else ""
    return sign_mode, _upper(title), name


def letterhead(
    document: Document_,
    authorities: list[str],
    profile: DocumentProfile | None = None,
    lang: str = "vi",
) -> Letterhead:
    """The head and foot of the report and the Tờ trình: the profile's, else the defaults by the
    plan's level — the body that proposes, never the one that awards (Decree 30/2020; issue 23):

    - a province: Sở Nội vụ (the office of the provincial Hội đồng Thi đua - Khen thưởng) under
      UBND tỉnh, signed by its Giám đốc, to the chairman (Ninh Thuận 2020 III.3);
    - a city or district: Phòng Nội vụ under UBND thành phố/huyện, its Trưởng phòng, to the chairman
      (Uông Bí 2024 III.3: "gửi về Phòng Nội vụ tổng hợp, thẩm định trình");
    - a department: its Phòng Tổ chức cán bộ, its Trưởng phòng, to the Giám đốc (Sở Y tế 2024 V.3:
      "Giao Phòng Tổ chức có trách nhiệm thẩm định, trình Giám đốc Sở khen thưởng");
    - a commune: the commune's Hội đồng Thi đua - Khen thưởng under UBND xã, TM. Hội đồng, its
      Chủ tịch, to the commune's chairman (Mỹ Thạnh 2015 II.3: the council selects and proposes).

    The signer's name is left for the office to fill: the plan names who signed the plan, not who
    signs the proposal."""
    p = profile or DocumentProfile()
    w = words(lang)
    default = _default_office(document)
    office = _office(p) or default
    governing = _lines(p.governing_body) if p.governing_body is not None else default.governing
    abbr = _nfc(p.abbreviation) if p.abbreviation is not None else office.abbreviation
    number = _nfc(p.number) if p.number else " " * 8

    def ref(code: str) -> str:
        return f"{number}/{code}-{abbr}"

    place = _nfc(p.place) if p.place else _nfc(document.place).split(",")[0]
    if p.date is not None:
        day = w["report.lh_date"].format(d=_two(p.date.day), m=_two(p.date.month), y=p.date.year)
    else:
        day = w["report.date_line"]
    addressee = (
        [_nfc(x) for x in ([p.addressee] if isinstance(p.addressee, str) else p.addressee)]
        if p.addressee is not None
        else _default_addressee(authorities, office.name)
    )
    sign_mode, title, name = _signature(p.signer or SignerIn(), office.name, office.signing, lang)
    recipients = [*addressee, *(_nfc(x) for x in (p.recipients or [])), w["report.lh_archive"]]
    return Letterhead(
        governing=governing,
        office=office.lines,
        number_report=f"{w['report.lh_number']} {ref(w['report.lh_code_report'])}",
        number_submission=f"{w['report.lh_number']} {ref(w['report.lh_code_submission'])}",
        submission_ref=ref(w["report.lh_code_submission"]).strip(),
        place_date=f"{place}, {day}",
        addressee=addressee,
        sign_mode=sign_mode,
        sign_title=title,
        sign_name=name,
        recipients=recipients,
        office_name=office.name,
    )
