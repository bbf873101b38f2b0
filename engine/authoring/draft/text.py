"""A plan's text, read and made regular: `read_plan` (.txt, .docx, a PDF's text layer) and `normalise`.

Plans come as web-page copies, Word files and PDFs, with their blemishes (shared/plans/README.md):
decomposed diacritics, tabs and non-breaking spaces, the old tone placement ("Uỷ ban", "hoà"),
sentences broken over lines (a page break in the middle of "quy phạm / pháp luật"), an OCR'd
"(il)" for "(i1)". `normalise` removes them so the section reader (engine.authoring.draft.sections)
sees one sentence or list item a line, in the campaigns' spelling; every quote of a draft is a
passage of this text.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.model.source import decode, read_input

# the old tone placement on an open "oa/oe/uy" syllable → the campaigns' (and today's usual) one:
# the mark on the first vowel ("Uỷ" → "Ủy", "hoà" → "hòa"); the syllable must end the word
_OLD_TONE = re.compile(
    r"(?<![qQaAeEiIoOuUyY\u0300-\u036f])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![^\W\d_]|[\u0300-\u036f])"
)
_LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
# a line that starts a clause or list item: I., 1., 1.1., a), -, +, (1)
_MARKER = re.compile(r"^\s*(?:[IVX]+\.|\d+(?:\.\d+)*\.?(?=\s)|[a-zđ]\)|[-–+•*]|\(\w{1,3}\))")
_ENDS_SENTENCE = re.compile(r"[.:;!?…)”\"]\s*$|/\.\s*$")
# OCR: the letter l read for the digit 1 in "(il)", "(i l)", "(1l)"
_IL = re.compile(r"\(\s*i\s*[lI|]\s*\)")


def read_plan(path: Path) -> str:
    """A plan's text, normalised: `.docx` through python-docx (paragraphs and table cells), `.pdf`
    through its text layer (pypdf), anything else as UTF-8 text. A file that is not what its name
    says, or has no text, is a `UsageError` naming it, with a hint."""
    name = str(path)
    if path.is_dir():  # refused before it is opened (a folder's descriptor is not a file's)
        raise UsageError(Problem(name, Msg("problem.draft_folder"), hint=Msg("problem.draft_empty_hint")))
    return read_plan_bytes(read_input(path, name), name)


def read_plan_bytes(raw: bytes, name: str) -> str:
    """`read_plan` of a plan given as its bytes (an upload) and its file name (its suffix: the format)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        text = _docx_text(raw, name)
    elif suffix == ".pdf":
        text = _pdf_text(raw, name)
    else:
        text = decode(raw, name)
    normal = normalise(text)
    if not normal.strip():
        raise UsageError(Problem(name, Msg("problem.draft_empty"), hint=Msg("problem.draft_empty_hint")))
    return normal


def _docx_text(raw: bytes, name: str) -> str:
    import zipfile

    from docx import Document

    try:
        doc = Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise UsageError(
            Problem(name, Msg("problem.draft_not_docx"), hint=Msg("problem.draft_not_docx_hint"))
        ) from None
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:  # a plan's header (issuer | motto) is often a two-column table
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def _pdf_text(raw: bytes, name: str) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)  # pypdf's own warnings ("EOF marker not found") are not the reader's
    try:
        reader = PdfReader(io.BytesIO(raw))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError):
        raise UsageError(Problem(name, Msg("problem.draft_not_pdf"), hint=Msg("problem.draft_not_pdf_hint"))) from None
    finally:
        log.setLevel(level)


def normalise(text: str) -> str:
    """NFC; the old tone placement → the campaigns'; tabs, non-breaking and repeated spaces → one
    space; "(il)" → "(i1)"; a line broken inside a sentence joined to the line before it (the
    blank lines between them dropped); trailing spaces and runs of blank lines removed."""
    text = unicodedata.normalize("NFD", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _OLD_TONE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), text)
    text = unicodedata.normalize("NFC", text)
    text = _IL.sub("(i1)", text)
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line and out and _continues(line) and _open(out):
            while not out[-1]:
                out.pop()
            out[-1] += " " + line
        elif line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + ("\n" if out else "")


def _continues(line: str) -> bool:
    """A line that carries on the sentence before it: it starts with a small letter, not a marker."""
    return bool(re.match(f"[{_LOWER}]", line)) and not _MARKER.match(line)


def _open(out: list[str]) -> bool:
    """Whether the last written line (past blank lines) ends inside a sentence."""
    last = next((line for line in reversed(out) if line), "")
    return bool(last) and not _ENDS_SENTENCE.search(last)
