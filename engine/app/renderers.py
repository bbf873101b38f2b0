"""Each command's output in each format, registered once: (command, format) → a function of the
result, the reader's language and the terminal's width (None: not a terminal) giving the bytes,
the text, pieces of text made as they are written (a big JSON result), or lines laid out for a
terminal (`Styled`). The command line writes them to stdout or `-o`; the web app answers with
`as_bytes` — the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from engine.app.commands import Awarded, Evaluated, Explained, Nearby, Reported
from engine.app.requests import Output
from engine.common.text import visible

if TYPE_CHECKING:
    from engine.app.authoring_results import Linted, Listed, Tested


@dataclass(frozen=True)
class Styled:
    """Lines laid out for a terminal's width, each with its style (engine.render.output.Screen.show)."""

    lines: list[Any]


Rendered = str | bytes | Iterator[str] | Styled


@dataclass(frozen=True)
class Renderer:
    make: Callable[[Any, str, int | None], Rendered]
    prose: bool = False  # text for a person (not JSON, CSV or YAML): wrapped to a terminal's width


def choose(command: str, output: Output) -> str:
    """The format `command` writes for `-f` and `-o` (engine.render.formats decides)."""
    from engine.render.formats import choose as formats_choose

    return formats_choose(command, output.format, output.path)


def render(command: str, fmt: str, result: Any, lang: str, width: int | None = None) -> Rendered:
    return RENDERERS[(command, fmt)].make(result, lang, width)


def prose(command: str, fmt: str) -> bool:
    return RENDERERS[(command, fmt)].prose


def as_bytes(rendered: Rendered) -> bytes:
    """What the command line writes into `-o FILE`, as bytes: control characters shown as escapes
    (a CSV's leading byte-order mark, for Excel, kept)."""
    if isinstance(rendered, bytes):
        return rendered
    if isinstance(rendered, Styled):
        raise TypeError("lines for a terminal have no bytes")
    if isinstance(rendered, str):
        return shown(rendered).encode("utf-8")
    return "".join(visible(p) for p in rendered).encode("utf-8")


def shown(text: str) -> str:
    """`text` as it is written: control characters as escapes, but a leading byte-order mark kept
    (a text shown already, `Shown`, reaches `visible` as it is)."""
    if text.startswith("\ufeff"):
        return "\ufeff" + visible(text[1:])
    return visible(text)


# -- evaluate ------------------------------------------------------------------------------------


def _evaluate_table(r: Evaluated, lang: str, width: int | None) -> Rendered:
    from engine.render import text

    if width is not None:  # a person at a terminal: its width, its colours
        return Styled(text.table_lines(r.ev, lang, width))
    return text.table(r.ev, lang)


def _evaluate_json(r: Evaluated, lang: str, width: int | None) -> Rendered:
    from engine.render import text

    return text.json_chunks(text.evaluation_dict(r.ev, lang, lazy=True))  # a big result is never held whole


def _evaluate_markdown(r: Evaluated, lang: str, width: int | None) -> Rendered:
    from engine.render import text

    return text.markdown(r.ev, lang)


def _evaluate_csv(r: Evaluated, lang: str, width: int | None) -> Rendered:
    from engine.render import text

    return text.csv_text(r.ev, lang)


# -- award, explain, near ------------------------------------------------------------------------


def _award_table(r: Awarded, lang: str, width: int | None) -> Rendered:
    from engine.render.award import award_table

    return award_table(r.alloc, lang, width)


def _award_json(r: Awarded, lang: str, width: int | None) -> Rendered:
    from engine.render.award import allocation_dict, to_json

    return to_json(allocation_dict(r.alloc, lang))


def _explain_table(r: Explained, lang: str, width: int | None) -> Rendered:
    from engine.render.text import explain_text

    return explain_text(r.ev, r.res, lang, r.alloc)


def _explain_json(r: Explained, lang: str, width: int | None) -> Rendered:
    from engine.render.text import explain_dict, to_json

    return to_json({**explain_dict(r.ev, r.res, lang), "allocation": explain_allocation(r, lang)})


def explain_allocation(r: Explained, lang: str) -> dict[str, Any]:
    """Where the candidate stands in each award's list, as `explain`'s table says it: each place
    (award, group, status, rank among how many, quota) and the lines the table prints."""
    from engine.render.text import allocation_lines

    places = [
        {
            "award": g.award_id,
            "group": g.group,
            "status": p.status,
            "rank": p.rank,
            "pool": g.pool,
            "quota": g.quota,
        }
        for g, p in r.alloc.find(r.res.id)
    ]
    lines = [line.strip() for line in allocation_lines(r.ev, r.res, r.alloc, lang)[2:] if line.strip()]
    return {"places": places, "lines": lines}


def _near_table(r: Nearby, lang: str, width: int | None) -> Rendered:
    from engine.render.near import near_text

    return near_text(r.alloc, lang, r.within)


def _near_json(r: Nearby, lang: str, width: int | None) -> Rendered:
    from engine.render.near import near_dict
    from engine.render.text import to_json

    return to_json(near_dict(r.alloc, lang, r.within))


# -- report and the campaign list ----------------------------------------------------------------


def _report(fmt: str) -> Callable[[Any, str, int | None], Rendered]:
    def make(r: Reported, lang: str, width: int | None) -> Rendered:
        from engine.render.report_file import report_output

        return report_output(r.ev, r.path, lang, alloc=r.alloc, fmt=fmt, profile=r.profile, appendix=r.appendix)

    return make


def _list_table(listed: list[Listed], lang: str, width: int | None) -> Rendered:
    """`thidua list`: one line a campaign — id, document kind and number, issuer, year."""
    from engine.common.message import Msg, say
    from engine.model.vocabulary import words

    lines = []
    for c in listed:
        if c.model is None:
            lines.append(f"{c.id:<18} ({say(Msg('problem.cli_list_invalid', n=c.problems, id=c.id))})")
            continue
        d = c.model.document
        lines.append(f"{c.id:<18} {d.kind} {d.number or words(lang)['cli.no_number']} — {d.issuer} — {str(d.date)[:4]}")
    return "\n".join(lines)


def list_data(listed: list[Listed]) -> list[dict[str, Any]]:
    """The campaign list as data (the web app's index and its API)."""
    out: list[dict[str, Any]] = []
    for c in listed:
        if c.model is None:
            out.append({"id": c.id, "valid": False, "problems": c.problems})
            continue
        d, m = c.model.document, c.model
        out.append(
            {
                "id": c.id,
                "valid": True,
                "kind": d.kind,
                "number": d.number or None,
                "issuer": d.issuer,
                "date": str(d.date),
                "year": str(d.date)[:4],
                "level": d.level,
                "title": {"vi": m.title.get("vi"), "en": m.title.get("en")},
            }
        )
    return out


# -- the authoring commands ---------------------------------------------------------------------


def _lint_table(r: Linted, lang: str, width: int | None) -> Rendered:
    from engine.authoring.lint import lint_text

    return lint_text(r.results)


def _lint_json(r: Linted, lang: str, width: int | None) -> Rendered:
    from engine.authoring.lint import lint_json

    return lint_json(r.results)


def _diff_table(d: Any, lang: str, width: int | None) -> Rendered:
    from engine.authoring.diff_render import diff_text

    return diff_text(d)  # in the language the comparison was asked in (its request's)


def _diff_json(d: Any, lang: str, width: int | None) -> Rendered:
    from engine.authoring.diff_render import diff_json

    return diff_json(d)


def _test_text(r: Tested, lang: str, width: int | None) -> Rendered:
    from engine.authoring.testrun import text_report

    return text_report(r.run, r.verbose)


def _test_junit(r: Tested, lang: str, width: int | None) -> Rendered:
    from engine.authoring.testrun import junit_xml

    return junit_xml(r.run).encode("utf-8")  # bytes: written as made, no character shown as an escape


def _init_text(r: Any, lang: str, width: int | None) -> Rendered:
    """`thidua init`: the file written, each line still to fill in, and the lines naming an old year."""
    from engine.common.message import Msg, say

    lines = [f"{r.path}: {say(Msg('problem.cli_init_written'))}"]
    lines += [f"  {r.path}:{n}: {say(what)}" for n, what in r.todo]
    if r.year_lines:
        lines.append(f"  {say(Msg('problem.cli_init_old_year', lines=[str(n) for n in r.year_lines]))}")
    return "\n".join(lines)


def _draft_text(r: Any, lang: str, width: int | None) -> Rendered:
    """`thidua draft`: items found per kind, rules proposed, TODOs, and the sentences read and not used."""
    from engine.authoring.draft.summary import summary_lines

    return "\n".join(summary_lines(r, lang))


def _draft_yaml(r: Any, lang: str, width: int | None) -> Rendered:
    from engine.common.message import speaking

    with speaking(lang):  # the file's comments in the reader's language
        text: str = r.yaml()
    return text


def _validated(r: Any, lang: str, width: int | None) -> Rendered:
    """`thidua validate`: a campaign that loads, its counts (its findings went to stderr)."""
    from engine.common.message import Msg, say

    c = r.campaign
    rules, groups = len(c.all_rules()), len(c.model.groups)
    return f"{c.file}: {say(Msg('problem.cli_valid', rules=rules, groups=groups, plan=r.plan_note))}"


def _as_written(text: Any, lang: str, width: int | None) -> Rendered:
    """A file as the command made it (an example's YAML, a template's bytes, a schema's JSON)."""
    assert isinstance(text, str | bytes)
    return text


RENDERERS = MappingProxyType(
    {
        ("evaluate", "table"): Renderer(_evaluate_table),
        ("evaluate", "json"): Renderer(_evaluate_json),
        ("evaluate", "markdown"): Renderer(_evaluate_markdown),
        ("evaluate", "csv"): Renderer(_evaluate_csv),
        ("award", "table"): Renderer(_award_table, prose=True),
        ("award", "json"): Renderer(_award_json),
        ("explain", "table"): Renderer(_explain_table, prose=True),
        ("explain", "json"): Renderer(_explain_json),
        ("near", "table"): Renderer(_near_table, prose=True),
        ("near", "json"): Renderer(_near_json),
        ("list", "table"): Renderer(_list_table, prose=True),
        **{("report", fmt): Renderer(_report(fmt)) for fmt in ("html", "markdown", "xlsx", "docx", "pdf")},
        ("validate", "table"): Renderer(_validated),
        ("lint", "table"): Renderer(_lint_table, prose=True),
        ("lint", "json"): Renderer(_lint_json),
        ("diff", "table"): Renderer(_diff_table, prose=True),
        ("diff", "json"): Renderer(_diff_json),
        ("test", "table"): Renderer(_test_text, prose=True),
        ("test", "junit"): Renderer(_test_junit),
        ("init", "table"): Renderer(_init_text),
        ("draft", "table"): Renderer(_draft_text, prose=True),
        ("draft", "yaml"): Renderer(_draft_yaml),
        ("example", "yaml"): Renderer(_as_written),
        ("template", "file"): Renderer(_as_written),
        ("schema", "json"): Renderer(_as_written),
    }
)
