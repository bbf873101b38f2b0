"""Which language a rendered output speaks: counts English sentences in Vietnamese output and the reverse.

An English *sentence* is a run of at least `RUN` consecutive words written in plain ASCII letters,
at least two of them English function words (`FUNCTION`: the, of, is, not, …) and at least half
of them common English words (`ENGLISH`: those and the words thidua's English uses most).
Vietnamese written without diacritics is rare and never has two English function words in four
(`to`, `an`, `do` are the only look-alikes). Before counting, what is meant to stay as written is
taken out and leaves a break in the run: quotations (“…”, "…", `…`: the plan's sentences, notes'
quotes of it, fact keys), snake_case and dotted identifiers (rule ids, fact keys, outcome
codes written as codes), each rule's expression, and the names given (candidates, units, the
plan's issuer). A Vietnamese sentence is a run of at least `RUN` words each with a letter only
Vietnamese writes (ă â đ ê ô ơ ư or a tone mark), after the same removals. Both work line by line
on the text as a reader sees it (HTML is read with its tags removed).

The outputs (`_outputs`): explain of every candidate of the example, the evaluate table, Markdown
and CSV, the award list, near misses, the HTML, Markdown, XLSX and Word report, the blank template
(XLSX, CSV, YAML). Used by tests/test_language.py and, to count, `python tests/language.py` (per campaign).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

RUN = 4

FUNCTION = set(
    """a an the of to in on at by for from with without into onto over under about than as is are was were be
    been being has have had do does did not no nor or and but if then else when where which who whom whose
    that this these those it its it's their there they them he she his her we our you your can could may
    might must shall should will would each every any all some none both either neither only also yet so
    such per what how why whether while until before after because since once""".split()  # noqa: SIM905 - a word list reads best as text
)
CONTENT = set(
    """unit units person people candidate candidates rule rules criterion criteria plan plans file files
    fact facts value values read reads reading year years date dates day days deadline late time number
    count counts share list lists award awards quota quotas rank ranking ranked council text note notes
    decree level levels group groups kind kinds head heads given give gives shown show shows said says say
    say required requires require met meet meets fails fail failed passes pass passed unknown applicable
    not_applicable waived reason reasons known computed sent received one two three first second last
    same other others own more less most least here here's whole part set sets named names name ways way
    way document documents report reports case cases found left still already never always yet now
    outside inside scope within above below between against out up down off back""".split()  # noqa: SIM905
)
ENGLISH = FUNCTION | CONTENT

_QUOTED = re.compile(r"\"[^\"\n]*\"|`[^`\n]*`|«[^»]*»")
_IDENT = re.compile(r"\b[\w.-]*[_@][\w.@-]*\b|\b\w*\d\w*\b")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_VI = set("ăâđêôơưĂÂĐÊÔƠƯ")
_TAGS = re.compile(r"<style.*?</style>|<[^>]+>", re.S)


def _english(run: list[str]) -> bool:
    words = [w.lower() for w in run]
    return (
        len(words) >= RUN
        and sum(w in FUNCTION for w in words) >= 2
        and 2 * sum(w in ENGLISH for w in words) >= len(words)
    )


def _vietnamese(word: str) -> bool:
    if any(c in _VI for c in word):
        return True
    decomposed = unicodedata.normalize("NFD", word)
    return any(unicodedata.combining(c) for c in decomposed)


def visible(text: str) -> str:
    """The text a reader sees: an HTML page without its tags and with its entities read."""
    if "<html" in text[:500].lower():
        text = html.unescape(_TAGS.sub("\n", text))
    return unicodedata.normalize("NFC", text)


def _unquoted(line: str) -> str:
    """The line without its “…” quotations, nested ones included (a plan quoting a project's name)."""
    out, depth = [], 0
    for ch in line:
        if ch == "“":
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
            if not depth:
                out.append(" | ")
        elif not depth:
            out.append(ch)
    return "".join(out)


def _cleaned(line: str, keep: Iterable[str]) -> str:
    for k in keep:
        if k:
            line = line.replace(k, " | ")
    line = _QUOTED.sub(" | ", _unquoted(line))
    return _IDENT.sub(" | ", line)


def _in_names(run: list[str], names: str) -> bool:
    """Whether a run is part of a name (a table cell wraps a long name over several lines)."""
    return " ".join(run).casefold() in names


def _runs(line: str, test: object) -> Iterable[list[str]]:
    run: list[str] = []
    for tok in re.split(r"(\s+|[|()\[\]{}:;,.!?—–=<>→✓✗~/+*×%]+)", line):
        if not tok or tok.isspace():
            continue
        if _WORD.fullmatch(tok) and test(tok):  # type: ignore[operator]
            run.append(tok)
            continue
        if run:
            yield run
        run = []
    if run:
        yield run


def english_sentences(text: str, keep: Iterable[str] = ()) -> list[str]:
    """The English sentences (word runs) in `text`, one string each, in order."""
    keep = sorted(set(keep), key=len, reverse=True)
    names = "\n".join(" ".join(k.split()) for k in keep).casefold()
    out = []
    for line in visible(text).splitlines():
        for run in _runs(_cleaned(line, keep), lambda w: w.isascii()):
            if _english(run) and not _in_names(run, names):
                out.append(" ".join(run))
    return out


def vietnamese_sentences(text: str, keep: Iterable[str] = ()) -> list[str]:
    """The Vietnamese sentences (word runs) in `text`, one string each, in order."""
    keep = sorted(set(keep), key=len, reverse=True)
    names = "\n".join(" ".join(k.split()) for k in keep).casefold()
    out = []
    for line in visible(text).splitlines():
        for run in _runs(_cleaned(line, keep), _vietnamese):
            if len(run) >= RUN and not _in_names(run, names):
                out.append(" ".join(run))
    return out


def _outputs(cid: str, lang: str) -> dict[str, str]:
    """Every output of the campaign's example in `lang`, by name."""
    import tempfile
    from pathlib import Path

    from typer.testing import CliRunner

    from cli import app

    root = Path(__file__).resolve().parent.parent
    example = str(root / "examples" / f"{cid}.yaml")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--lang", lang])
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    out = {
        "evaluate": run("evaluate", cid, example, "--format", "table"),
        "evaluate-md": run("evaluate", cid, example, "--format", "markdown"),
        "award": run("award", cid, example),
        "near": run("near", cid, example),
    }
    out["evaluate-csv"] = run("evaluate", cid, example, "--format", "csv")
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("md", "html", "xlsx", "docx"):
            path = Path(tmp) / f"report.{suffix}"
            run("report", cid, example, "-o", str(path))
            out[f"report.{suffix}"] = _read(path)
        for suffix in ("xlsx", "csv", "yaml"):
            path = Path(tmp) / f"template.{suffix}"
            run("template", cid, "-o", str(path))
            out[f"template.{suffix}"] = _read(path)
    import yaml

    facts = yaml.safe_load(Path(example).read_text(encoding="utf-8"))
    for c in [*(facts.get("units") or []), *(facts.get("people") or [])]:
        out[f"explain {c['id']}"] = run("explain", cid, example, c["id"])
    return out


def _read(path: object) -> str:
    """A written file's text: a workbook's every string cell and comment, one a line."""
    from pathlib import Path

    assert isinstance(path, Path)
    if path.suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if path.suffix != ".xlsx":
        return path.read_text(encoding="utf-8-sig")
    from openpyxl import load_workbook

    cells = [c for ws in load_workbook(path) for row in ws.iter_rows() for c in row]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    return "\n".join(texts + [c.comment.text for c in cells if c.comment is not None])


def kept(cid: str) -> list[str]:
    """What stays as written in any language: the names in the example, the plan's own names, rule expressions."""
    from pathlib import Path

    import yaml

    from engine.model.campaign import load_campaign

    root = Path(__file__).resolve().parent.parent
    facts = yaml.safe_load((root / "examples" / f"{cid}.yaml").read_text(encoding="utf-8"))
    campaign = load_campaign(cid)
    m = campaign.model
    cands = [*(facts.get("units") or []), *(facts.get("people") or [])]
    names = [str(c.get(k) or "") for c in cands for k in ("name", "position")]  # a person's chức vụ is data too
    for c in cands:  # index components are named by the index's owner
        for row in (c.get("facts") or {}).get("index_components") or []:
            if isinstance(row, dict):
                names += [str(row.get("index", "")), str(row.get("component", ""))]
    names += [
        m.document.issuer,
        m.document.place,
        m.document.kind,
        m.document.signer or "",
        m.document.signer_title or "",
    ]
    names += [spec.rule for _, spec in m.rule_specs()]
    # the document's issuing body and addressee are proper names too (engine/render/profile.py)
    from engine.render.profile import letterhead

    h = letterhead(m.document, [a.authority.get("vi") for a in m.awards])
    names += [h.office_name, *h.addressee]
    return names


def count(cid: str, lang: str) -> dict[str, list[str]]:
    """The foreign sentences in each output of one campaign in `lang`."""
    find = english_sentences if lang == "vi" else vietnamese_sentences
    keep = kept(cid)
    return {name: found for name, text in _outputs(cid, lang).items() if (found := find(text, keep))}


if __name__ == "__main__":  # pragma: no cover - a tool for the report
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    verbose = "-v" in sys.argv
    for cid in ("ninh_thuan_2020", "ninh_thuan_2025", "uong_bi_2024", "syt_2024", "my_thanh_2015"):
        for lang in ("vi", "en"):
            found = count(cid, lang)
            n = sum(len(v) for v in found.values())
            print(f"{cid} {lang}: {n} sentences in {len(found)} outputs")
            if verbose:
                for name, runs in found.items():
                    for r in runs[:8]:
                        print(f"    {name}: {r}")
