"""The command line's options, declared once and shared by every command that takes them.

The help texts are not here: engine.render.help writes every option's help from the vocabulary,
in the reader's language, before the command line is read.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])


class Lang(StrEnum):
    vi = "vi"
    en = "en"


class InputFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class BackendName(StrEnum):
    native = "native"
    durable = "durable"
    columnar = "columnar"


class SchemaKind(StrEnum):
    campaign = "campaign"
    facts = "facts"


def version(value: bool) -> None:
    """`--version`: the version, and nothing else."""
    if value:
        from engine import __version__

        print(f"thidua {__version__}")
        raise typer.Exit(0)


# the language is chosen before the command line is read (engine.render.help.requested_lang); the
# option is declared so that every command accepts it and its help says so
def _run_lang(value: Lang) -> Lang:
    """The run's language, whichever command or group the --lang stood after (`thidua --lang en list`)."""
    from engine.common.message import current

    return Lang(current())


LangOpt = Annotated[Lang, typer.Option("--lang", envvar="THIDUA_LANG", show_envvar=False, callback=_run_lang)]
CampaignArg = Annotated[str, typer.Argument()]
CampaignsArg = Annotated[list[str], typer.Argument()]
FactsArgs = Annotated[list[Path], typer.Argument()]
InputFormatOpt = Annotated[InputFormat | None, typer.Option("--input-format")]
AsOf = Annotated[str | None, typer.Option("--as-of")]
RoundOpt = Annotated[int | None, typer.Option("--round")]
DecisionDate = Annotated[str | None, typer.Option("--decision-date")]
Deadline = Annotated[str | None, typer.Option("--deadline")]
Output = Annotated[Path | None, typer.Option("-o", "--output")]
OutputFile = Annotated[Path, typer.Option("-o", "--output")]
BackendOpt = Annotated[BackendName, typer.Option("--backend")]
FormatOpt = Annotated[str | None, typer.Option("--format", "-f")]
Within = Annotated[int, typer.Option("--within", min=1, max=10)]
Strict = Annotated[bool, typer.Option("--strict")]
Appendix = Annotated[bool, typer.Option("--appendix/--no-appendix")]
Reserve = Annotated[int | None, typer.Option("--reserve", min=0)]
Profile = Annotated[Path | None, typer.Option("--profile")]


# -- the evaluating commands' parameters, declared once ---------------------------------------------

Param = tuple[str, object, object]  # name, annotation (with its Typer option), default (EMPTY: required)
EMPTY = inspect.Parameter.empty
CAMPAIGN: Param = ("campaign", CampaignArg, EMPTY)
FACTS: Param = ("facts", FactsArgs, EMPTY)
FORMAT: Param = ("format", FormatOpt, None)
OUTPUT: Param = ("output", Output, None)
OUTPUT_FILE: Param = ("output", OutputFile, EMPTY)
CANDIDATE: Param = ("candidate", Annotated[str, typer.Argument()], EMPTY)
WITHIN: Param = ("within", Within, 1)
DECISION: Param = ("decision_date", DecisionDate, None)
APPENDIX: Param = ("appendix", Appendix, False)
RESERVE: Param = ("reserve", Reserve, None)
PROFILE: Param = ("profile", Profile, None)
# the report's document fields given on the command line: option, profile key (engine.render.profile)
PROFILE_OPTIONS = (
    ("--office", "office"),
    ("--governing-body", "governing_body"),
    ("--abbreviation", "abbreviation"),
    ("--number", "number"),
    ("--date", "date"),
    ("--place", "place"),
    ("--addressee", "addressee"),
    ("--recipient", "recipients"),
    ("--sign-mode", "signer.mode"),
    ("--sign-for", "signer.of"),
    ("--signer-title", "signer.title"),
    ("--signer", "signer.name"),
)
LISTS = ("--addressee", "--recipient")  # given once per value


def field_name(option: str) -> str:
    return option.removeprefix("--").replace("-", "_")


def _document(option: str) -> Param:
    many: object = Annotated[list[str] | None, typer.Option(option)]
    one: object = Annotated[str | None, typer.Option(option)]
    return (field_name(option), many if option in LISTS else one, None)


DOCUMENT: tuple[Param, ...] = tuple(_document(option) for option, _ in PROFILE_OPTIONS)


def evaluating(*head: Param, decision: bool = False, tail: tuple[Param, ...] = ()) -> Callable[[F], F]:
    """A command over a run: its parameters are the context, the campaign, the facts, `head`, the
    run's dates and round (`--decision-date` too, with `decision`), `--lang`, `--backend`,
    `--input-format`, then `tail` — in that order, as its help lists them."""
    rows: list[Param] = [CAMPAIGN, FACTS, *head, ("as_of", AsOf, None), ("deadline", Deadline, None)]
    rows += [("round_year", RoundOpt, None), *([DECISION] if decision else []), ("lang", LangOpt, Lang.vi)]
    rows += [("backend", BackendOpt, BackendName.native), ("input_format", InputFormatOpt, None), *tail]
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [inspect.Parameter("ctx", kind, annotation=typer.Context)]
    params += [inspect.Parameter(name, kind, annotation=ann, default=default) for name, ann, default in rows]

    def declare(func: F) -> F:
        func.__signature__ = inspect.Signature(params, return_annotation=None)  # type: ignore[attr-defined]
        return func

    return declare
