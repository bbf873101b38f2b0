"""The `thidua` command line: parse options, call the engine, print the result.

No rule logic lives here. Every user error is caught once (`_guard`), printed on stderr —
one line per problem, at most 50 and a count — and turned into the contract's exit code:
0 done, 1 problems found, 2 unusable input or usage. Anything else is a bug: one line naming
a log file with the traceback (engine.common.crash), exit 3.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

# thidua's checks are its own: no Pydantic plugin found in the environment takes part in them (and
# looking for one reads every installed package's metadata at start-up); set it to keep yours
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

from engine.common.errors import (
    EXIT_INTERNAL,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    CampaignInvalid,
    Problem,
    UsageError,
    UserError,
    problem_lines,
)
from engine.common.message import Msg, Text, say
from engine.common.text import visible
from engine.model.vocabulary import words
from engine.render.help import Localized, LocalizedCommand

if TYPE_CHECKING:
    from engine.evaluate.allocate import Allocation
    from engine.evaluate.core import Evaluation
    from engine.render.output import Screen
    from engine.render.progress import Progress

app = typer.Typer(
    cls=Localized,  # the language chosen and the help written in it before parsing (engine.render.help)
    rich_markup_mode=None,  # Click's plain help: any width, a screen reader, docs/cli.md
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Lang(StrEnum):
    vi = "vi"
    en = "en"


# the language is chosen before the command line is read (engine.render.help.requested_lang); the
# option is declared so that every command accepts it and its help says so
def _run_lang(value: Lang) -> Lang:
    """The run's language, whichever command or group the --lang stood after (`thidua --lang en list`)."""
    from engine.common.message import current

    return Lang(current())


LangOpt = Annotated[Lang, typer.Option("--lang", envvar="THIDUA_LANG", show_envvar=False, callback=_run_lang)]


def _version(value: bool) -> None:
    if value:
        from engine import __version__

        print(f"thidua {__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(
    campaigns: Annotated[
        list[Path] | None,
        typer.Option(
            "--campaigns",
            envvar="THIDUA_CAMPAIGNS",
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    lang: LangOpt = Lang.vi,
) -> None:
    """Options for every command."""
    import os

    _State.quiet = quiet

    from engine.common.paths import CAMPAIGNS_ENV

    for folder in campaigns or []:
        if not folder.is_dir():
            _fail(
                [
                    str(
                        Problem(
                            "--campaigns",
                            Msg("problem.cli_not_a_folder", path=str(folder)),
                            hint=Msg("problem.cli_give_a_folder"),
                        )
                    )
                ],
                EXIT_USAGE,
            )
    if campaigns:
        os.environ[CAMPAIGNS_ENV] = os.pathsep.join(str(f) for f in campaigns)


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class InputFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


FactsArgs = Annotated[
    list[Path],
    typer.Argument(),
]
InputFormatOpt = Annotated[InputFormat | None, typer.Option("--input-format")]


class BackendName(StrEnum):
    native = "native"
    durable = "durable"


class _State:
    """What the global options set for the command that runs (one command per process)."""

    quiet = False  # --quiet: no progress line
    progress: Progress | None = None  # the running command's progress line (engine.render.progress)
    # the last evaluation, kept to the end of the process, which `script` ends without freeing it:
    # freeing a big file's millions of objects one by one took 1.6 s of 11 (100,000 candidates)
    kept: Evaluation | None = None


@contextmanager
def _guard(campaign_exit: int = EXIT_USAGE) -> Iterator[None]:
    from engine.common.speed import gc_paused
    from engine.render.progress import Progress

    try:  # one command per process: the cyclic collector is paused for all of it (engine.common.speed)
        _settings_read()
        with gc_paused(), Progress(enabled=False if _State.quiet else None) as _State.progress:
            yield
    except CampaignInvalid as e:
        _fail(problem_lines(e.problems), campaign_exit)
    except UserError as e:
        _fail(problem_lines(e.problems), e.exit_code)
    except KeyboardInterrupt:
        _fail([f"thidua: {_said(Msg('problem.cli_interrupted'))}"], EXIT_USAGE)
    except (typer.Exit, SystemExit):
        raise
    except BrokenPipeError:
        _broken_pipe()
    except Exception as e:  # a bug: still one line, never a traceback; the traceback goes to a log
        _internal(e)


def _settings_read() -> None:
    """A limit set in the environment that cannot be read (THIDUA_MAX_BYTES=lots) stops the command
    with one line, before anything is read under a limit the user did not mean."""
    from engine.common import limits

    if bad := limits.unreadable():
        raise UsageError(
            [
                Problem(name, Msg("problem.cli_bad_setting", value=value), hint=Msg("problem.cli_bad_setting_hint"))
                for name, value in sorted(bad.items())
            ]
        )


def _said(text: Text) -> str:
    """A message in the reader's language (the run's, chosen before parsing: engine.render.help)."""
    return say(text)


def _say(text: str, err: bool = False) -> None:
    """One line for the user, as it will be read: control characters shown as escapes."""
    print(visible(text), file=sys.stderr if err else sys.stdout)


def _fail(lines: list[str], code: int) -> None:
    for line in lines:
        _say(" ".join(line.split("\n")), err=True)
    raise typer.Exit(code)


def _internal(e: BaseException) -> None:
    """Exit 3 with one line naming the log that holds the traceback."""
    from engine.common.crash import internal_error_line

    _fail([internal_error_line(e)], EXIT_INTERNAL)


def _broken_pipe() -> None:
    """The reader of our output went away (`| head`): nothing more to say, to anyone. Exit 1,
    silently (as Python advises): the output was cut short, but nothing is wrong with the input."""
    _silence_stdout()
    raise typer.Exit(EXIT_PROBLEMS)


def _silence_stdout() -> None:
    """Point stdout at the null device, so what is still buffered cannot fail again at exit."""
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError):  # no real stdout (a test runner's buffer)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _exit(code: int) -> None:
    """Exit with `code` once stdout is flushed: output still buffered meets a reader that went
    away here, under our control, not in the interpreter's shutdown (a stray 'Exception ignored')."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        code = code or EXIT_PROBLEMS
    sys.exit(code)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    from engine.lang.values import parse_day, reasons

    try:
        return parse_day(value)
    except ValueError as e:  # the reader's own words: not a date, or not a real day (31/02)
        message, hint = reasons(e)
        raise UserError(Problem(option, message, hint=hint)) from None


MAX_WARNINGS = 50


def _warn(problems: list[Problem], lang: str = "vi") -> None:
    """Warnings go to stderr, one line each, at most MAX_WARNINGS and a count; they never change
    the exit code."""
    for p in problems[:MAX_WARNINGS]:
        _say(str(p), err=True)
    if len(problems) > MAX_WARNINGS:
        _say(words(lang)["cli.more_warnings"].format(n=len(problems) - MAX_WARNINGS), err=True)


def _run(
    campaign: str,
    facts: list[Path],
    as_of: str | None,
    deadline: str | None,
    backend: BackendName,
    round_year: int | None,
    input_format: InputFormat | None = None,
    lang: Lang = Lang.vi,
) -> Evaluation:
    """Load, validate and evaluate, with the common options; warnings go to stderr."""
    from engine.pipeline import run

    progress = _State.progress
    if progress is not None:
        progress.lang = lang.value
    ev = run(
        campaign,
        facts,
        as_of=_date(as_of, "--as-of"),
        deadline=_date(deadline, "--deadline"),
        backend=backend.value,
        round_year=round_year,
        input_format=input_format.value if input_format is not None else None,
        stage=progress.stage if progress is not None else None,
    )
    _warn(ev.warnings, lang.value)
    if progress is not None:
        progress.stage("render")
    _State.kept = ev
    return ev


def _allocate(ev: Evaluation, decision_date: str | None) -> Allocation:
    """The award list; a decision date the law cannot price (given explicitly) is the user's error."""
    from engine.evaluate.allocate import allocate

    alloc = allocate(ev, _date(decision_date, "--decision-date"))
    if decision_date is not None and alloc.budget_issue is not None:
        raise UserError(alloc.budget_issue.problem("--decision-date"))
    return alloc


def _screen(output: Path | None) -> Screen | None:
    """The terminal a command's text is read on: stdout, when no `-o` is given and it is one."""
    from engine.render.output import screen

    return screen() if output is None else None


def _emit(
    text: str | Iterator[str], output: Path | None, inputs: tuple[Path, ...] = (), *, prose: bool = False
) -> None:
    """A command's text output — whole, or in pieces made as they are written (a big JSON result) —
    on stdout or into `-o FILE`; control characters shown as escapes (but a leading byte-order mark
    is the CSV's own, for Excel: kept). Prose (text for a person, not JSON, CSV or YAML) on a
    terminal has a line wider than it wrapped between words (`Screen.wrap`): the terminal never
    cuts an id."""
    if not isinstance(text, str):
        pieces = (visible(p) for p in text)
        if output is None:
            for p in pieces:
                sys.stdout.write(p)
        else:
            from engine.render.output import write_atomic

            write_atomic(output, pieces, inputs)
        return
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = bom + visible(text.removeprefix(bom))
    screen = _screen(output) if prose else None
    if screen is not None:
        text = screen.wrap(text)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        from engine.render.output import write_atomic

        write_atomic(output, text, inputs)


AsOf = Annotated[
    str | None,
    typer.Option("--as-of"),
]
RoundOpt = Annotated[
    int | None,
    typer.Option("--round"),
]
DecisionDate = Annotated[
    str | None,
    typer.Option("--decision-date"),
]
Deadline = Annotated[
    str | None,
    typer.Option("--deadline"),
]
Output = Annotated[Path | None, typer.Option("-o", "--output")]
BackendOpt = Annotated[BackendName, typer.Option("--backend")]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f"),
]
TableOrJson = Annotated[str | None, typer.Option("--format", "-f")]


def _format(command: str, requested: str | None, output: Path | None) -> Format:
    """The format this command writes (engine.render.formats decides: -f, -o's extension)."""
    from engine.render.formats import choose

    return Format(choose(command, requested, output))


@app.command("list", cls=LocalizedCommand)
def list_campaigns(lang: LangOpt = Lang.vi) -> None:
    with _guard():
        from engine.model.campaign import available_campaigns, load_campaign

        lines = []
        for cid in available_campaigns():
            try:
                d = load_campaign(cid).model.document
            except UserError as e:
                lines.append(f"{cid:<18} ({_said(Msg('problem.cli_list_invalid', n=len(e.problems), id=cid))})")
                continue
            year = str(d.date)[:4]
            lines.append(f"{cid:<18} {d.kind} {d.number or words(lang.value)['cli.no_number']} — {d.issuer} — {year}")
        _emit("\n".join(lines), None, prose=True)


@app.command(cls=LocalizedCommand)
def validate(
    campaigns: Annotated[list[str], typer.Argument()],
    lang: LangOpt = Lang.vi,
) -> None:
    failed = False
    for name in campaigns:
        try:
            with _guard(EXIT_PROBLEMS):
                from engine.authoring.lint import lint_campaign

                # one reader: the load's findings (TD-coded) and lint's, each once, in file order
                lint = lint_campaign(name)
                for p in lint.findings:
                    _say(str(p), err=True)
                c = lint.campaign
                if lint.errors or c is None:
                    raise typer.Exit(EXIT_PROBLEMS)
                n = len(c.all_rules())
                counts = Msg("problem.cli_valid", rules=n, groups=len(c.model.groups), plan=lint.plan_note)
                _say(f"{c.file}: {_said(counts)}")
        except typer.Exit as e:
            if e.exit_code != EXIT_PROBLEMS:
                raise
            failed = True
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command(cls=LocalizedCommand)
def evaluate(
    campaign: Annotated[str, typer.Argument()],
    facts: FactsArgs,
    format: FormatOpt = None,
    output: Output = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    round_year: RoundOpt = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
    input_format: InputFormatOpt = None,
) -> None:
    with _guard():
        from engine.render import text as render

        fmt = _format("evaluate", format, output)
        ev = _run(campaign, facts, as_of, deadline, backend, round_year, input_format, lang)
        text: str | Iterator[str]
        if fmt is Format.json:  # written as it is made: a big result is never held whole
            text = render.json_chunks(render.evaluation_dict(ev, lang.value, lazy=True))
        elif fmt is Format.markdown:
            text = render.markdown(ev, lang.value)
        elif fmt is Format.csv:
            text = render.csv_text(ev, lang.value)
        else:
            screen = _screen(output)
            if screen is not None:  # a person at a terminal: its width, its colours
                screen.show(render.table_lines(ev, lang.value, screen.width))
                return
            text = render.table(ev, lang.value)
        _emit(text, output, tuple(facts))


@app.command(cls=LocalizedCommand)
def explain(
    campaign: Annotated[str, typer.Argument()],
    facts: FactsArgs,
    candidate: Annotated[str, typer.Argument()],
    format: TableOrJson = None,
    output: Output = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    round_year: RoundOpt = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
    input_format: InputFormatOpt = None,
) -> None:
    with _guard():
        from engine.render import text as render

        fmt = _format("explain", format, output)
        ev = _run(campaign, facts, as_of, deadline, backend, round_year, input_format, lang)
        res = ev.find(candidate)
        if res is None:
            raise UserError(ev.not_found(candidate, "; ".join(map(str, facts)), Msg("problem.eval_see_evaluate")))
        if fmt is Format.json:
            text = render.to_json(render.explain_dict(ev, res, lang.value))
        else:
            from engine.evaluate.allocate import allocate

            text = render.explain_text(ev, res, lang.value, allocate(ev))
        _emit(text, output, tuple(facts), prose=fmt is not Format.json)


@app.command(cls=LocalizedCommand)
def award(
    campaign: Annotated[str, typer.Argument()],
    facts: FactsArgs,
    format: TableOrJson = None,
    output: Output = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    round_year: RoundOpt = None,
    decision_date: DecisionDate = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
    input_format: InputFormatOpt = None,
) -> None:
    with _guard():
        from engine.render import award as render_award

        fmt = _format("award", format, output)
        ev = _run(campaign, facts, as_of, deadline, backend, round_year, input_format, lang)
        alloc = _allocate(ev, decision_date)
        if fmt is Format.json:
            text = render_award.to_json(render_award.allocation_dict(alloc, lang.value))
        else:
            screen = _screen(output)
            text = render_award.award_table(alloc, lang.value, screen.width if screen is not None else None)
        _emit(text, output, tuple(facts), prose=fmt is not Format.json)


@app.command(cls=LocalizedCommand)
def near(
    campaign: Annotated[str, typer.Argument()],
    facts: FactsArgs,
    within: Annotated[int, typer.Option("--within", min=1, max=10)] = 1,
    format: TableOrJson = None,
    output: Output = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    round_year: RoundOpt = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
    input_format: InputFormatOpt = None,
) -> None:
    with _guard():
        from engine.render.near import near_dict, near_text
        from engine.render.text import to_json

        ev = _run(campaign, facts, as_of, deadline, backend, round_year, input_format, lang)
        alloc = _allocate(ev, None)
        fmt = _format("near", format, output)
        if fmt is Format.json:
            text = to_json(near_dict(alloc, lang.value, within))
        else:
            text = near_text(alloc, lang.value, within)
        _emit(text, output, tuple(facts), prose=fmt is not Format.json)


@app.command(cls=LocalizedCommand)
def verify(
    report: Annotated[Path, typer.Argument()],
    campaign: Annotated[str, typer.Argument()],
    facts: FactsArgs,
    strict: Annotated[bool, typer.Option("--strict")] = False,
    lang: LangOpt = Lang.vi,
) -> None:
    with _guard():
        from engine.verify import verify as run_verify

        result = run_verify(report, campaign, facts)
        _warn(result.warnings)
        for note in result.notes:
            _say(_said(note))
        for diff in result.differences:
            _say(f"  - {_said(diff)}")
        _say(words(lang.value)["verify.matches" if result.matches else "verify.does_not_match"])
        if not result.matches or (strict and result.warnings):
            raise typer.Exit(EXIT_PROBLEMS)


@app.command(cls=LocalizedCommand)
def example(
    campaign: Annotated[str, typer.Argument()],
    output: Output = None,
    lang: LangOpt = Lang.vi,
) -> None:
    with _guard():
        from engine.pipeline import example_facts

        _emit(example_facts(campaign), output)


@app.command(cls=LocalizedCommand)
def template(
    campaign: Annotated[str, typer.Argument()],
    output: Annotated[Path, typer.Option("-o", "--output")],
    lang: LangOpt = Lang.vi,
) -> None:
    with _guard():
        from engine.authoring.facts_template import write_template
        from engine.model.campaign import load_campaign
        from engine.render.output import write_atomic

        write_atomic(output, write_template(load_campaign(campaign), output, lang.value))


@app.command(cls=LocalizedCommand)
def report(
    campaign: Annotated[str, typer.Argument()],
    facts: FactsArgs,
    output: Annotated[Path, typer.Option("-o", "--output")],
    format: Annotated[str | None, typer.Option("--format", "-f")] = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    round_year: RoundOpt = None,
    decision_date: DecisionDate = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
    input_format: InputFormatOpt = None,
    appendix: Annotated[
        bool,
        typer.Option("--appendix/--no-appendix"),
    ] = False,
    reserve: Annotated[int | None, typer.Option("--reserve", min=0)] = None,
    profile: Annotated[
        Path | None,
        typer.Option("--profile"),
    ] = None,
    office: Annotated[str | None, typer.Option("--office")] = None,
    governing_body: Annotated[str | None, typer.Option("--governing-body")] = None,
    abbreviation: Annotated[str | None, typer.Option("--abbreviation")] = None,
    number: Annotated[str | None, typer.Option("--number")] = None,
    date: Annotated[str | None, typer.Option("--date")] = None,
    place: Annotated[str | None, typer.Option("--place")] = None,
    addressee: Annotated[list[str] | None, typer.Option("--addressee")] = None,
    recipient: Annotated[list[str] | None, typer.Option("--recipient")] = None,
    sign_mode: Annotated[str | None, typer.Option("--sign-mode")] = None,
    sign_for: Annotated[str | None, typer.Option("--sign-for")] = None,
    signer_title: Annotated[str | None, typer.Option("--signer-title")] = None,
    signer: Annotated[str | None, typer.Option("--signer")] = None,
) -> None:
    with _guard():
        from engine.render.output import write_atomic
        from engine.render.profile import resolve_profile
        from engine.render.report_file import make_report, report_format

        fmt = report_format(output, format)
        doc_profile = resolve_profile(
            profile,
            {
                "office": office,
                "governing_body": governing_body,
                "abbreviation": abbreviation,
                "number": number,
                "date": _date(date, "--date"),
                "place": place,
                "addressee": addressee,
                "recipients": recipient,
                "reserve": reserve,
                "signer.mode": sign_mode,
                "signer.of": sign_for,
                "signer.title": signer_title,
                "signer.name": signer,
            },
        )
        ev = _run(campaign, facts, as_of, deadline, backend, round_year, input_format, lang)
        data = make_report(
            ev,
            output,
            lang.value,
            alloc=_allocate(ev, decision_date),
            fmt=fmt,
            profile=doc_profile,
            appendix=appendix,
        )
        write_atomic(output, data, tuple(facts))


class SchemaKind(StrEnum):
    campaign = "campaign"
    facts = "facts"


@app.command(cls=LocalizedCommand)
def schema(
    kind: Annotated[SchemaKind, typer.Argument()],
    output: Output = None,
    lang: LangOpt = Lang.vi,
) -> None:
    with _guard():
        from engine.authoring.jsonschema import schema_text

        _emit(schema_text(kind.value), output)


@app.command(cls=LocalizedCommand)
def lint(
    campaigns: Annotated[list[str] | None, typer.Argument()] = None,
    source: Annotated[Path | None, typer.Option("--source")] = None,
    format: TableOrJson = None,
    lang: LangOpt = Lang.vi,
) -> None:
    with _guard(EXIT_PROBLEMS):
        from engine.authoring.lint import lint_json, lint_many, lint_text

        fmt = _format("lint", format, None)

        results = lint_many(campaigns or [], source)
        _emit(lint_json(results) if fmt is Format.json else lint_text(results), None, prose=fmt is not Format.json)
        if any(r.errors for r in results):
            raise typer.Exit(EXIT_PROBLEMS)


@app.command("test", cls=LocalizedCommand)
def test_cases(
    paths: Annotated[list[Path] | None, typer.Argument()] = None,
    junit: Annotated[Path | None, typer.Option("--junit")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose")] = False,
    lang: LangOpt = Lang.vi,
) -> None:
    with _guard():
        from engine.authoring.testrun import junit_xml, run_tests, text_report

        result = run_tests(paths or None)
        _emit(text_report(result, verbose), None, prose=True)
        if junit is not None:
            from engine.render.output import write_atomic

            write_atomic(junit, junit_xml(result))
        if not result.ok:
            raise typer.Exit(EXIT_PROBLEMS)


@app.command(cls=LocalizedCommand)
def diff(
    old: Annotated[str, typer.Argument()],
    new: Annotated[str, typer.Argument()],
    facts: Annotated[Path | None, typer.Option("--facts")] = None,
    format: TableOrJson = None,
    output: Output = None,
    as_of: AsOf = None,
    lang: LangOpt = Lang.vi,
) -> None:
    with _guard():
        from engine.authoring.diff import compare
        from engine.authoring.diff_render import diff_json, diff_text

        fmt = _format("diff", format, output)

        d = compare(old, new, facts, _date(as_of, "--as-of"), lang.value)
        _emit(diff_json(d) if fmt is Format.json else diff_text(d), output, prose=fmt is not Format.json)


@app.command(cls=LocalizedCommand)
def init(
    new_id: Annotated[str, typer.Argument()],
    from_: Annotated[str, typer.Option("--from")],
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    lang: LangOpt = Lang.vi,
) -> None:
    with _guard():
        from engine.authoring.init import init_campaign

        result = init_campaign(new_id, from_, output)
        _say(f"{result.path}: {_said(Msg('problem.cli_init_written'))}")
        for line, what in result.todo:
            _say(f"  {result.path}:{line}: {_said(what)}")
        if result.year_lines:
            _say(f"  {_said(Msg('problem.cli_init_old_year', lines=[str(n) for n in result.year_lines]))}")


@app.command(cls=LocalizedCommand)
def serve(
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8765,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open")] = False,
    lang: LangOpt = Lang.vi,
) -> None:
    with _guard():
        from engine.web.server import serve as run_server

        url = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
        _say(words(lang.value)["cli.serving"].format(url=url), err=True)
        run_server(host, port, open_browser=open_browser)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM (a CI job cancelled, `kill`) is handled like Ctrl-C: outputs clean up, one line, exit 2."""
    raise KeyboardInterrupt


def main() -> None:
    """The `thidua` console script: the Typer app, with usage errors on one line (exit 2) and
    bugs outside a command's guard on one line naming their log (exit 3)."""
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    command = typer.main.get_command(app)
    try:
        code = command.main(prog_name="thidua", standalone_mode=False)
        _exit(code if isinstance(code, int) else 0)  # Click returns a command's exit code here
    except typer.Exit as e:
        _exit(e.exit_code)
    except Exception as e:
        # Click (vendored by Typer) usage errors: a box of several lines by default
        if type(e).__name__ == "NoArgsIsHelpError":  # bare `thidua`: its help, on stdout
            _say(str(getattr(e, "format_message", lambda: "")()))
            _exit(0)
        if isinstance(e, BrokenPipeError):
            _silence_stdout()
            sys.exit(EXIT_PROBLEMS)
        if not hasattr(e, "format_message"):
            from engine.common.crash import internal_error_line

            _say(internal_error_line(e), err=True)
            sys.exit(EXIT_INTERNAL)
        from engine.render.help import usage_error

        _say(usage_error(e), err=True)
        sys.exit(int(getattr(e, "exit_code", EXIT_USAGE)))
    except KeyboardInterrupt:
        print(f"thidua: {_said(Msg('problem.cli_interrupted'))}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def script() -> None:
    """The console script: `main`, then the process ends at once (as mypy's does), without freeing
    what the command built — its outputs are written and closed by then (write_atomic), the
    streams are flushed here, and nothing else waits for the interpreter's shutdown."""
    import os

    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        _silence_stdout()
    with suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    script()
