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
    UserError,
    problem_lines,
)
from engine.common.text import visible
from engine.model.vocabulary import words

if TYPE_CHECKING:
    from engine.evaluate.allocate import Allocation
    from engine.evaluate.core import Evaluation
    from engine.render.output import Screen
    from engine.render.progress import Progress

app = typer.Typer(
    help=f"{words('vi')['cli.help']} ({words('en')['cli.help']}).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
            help="a folder of your own campaigns, searched before the shipped ones (repeatable; env THIDUA_CAMPAIGNS)",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress line on stderr for long runs")] = False,
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
                            f"'{folder}' is not a folder",
                            hint="give the folder holding your campaign files",
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


class Lang(StrEnum):
    vi = "vi"
    en = "en"


class InputFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


FactsArgs = Annotated[
    list[Path],
    typer.Argument(
        help="facts files (.yaml, .json, .csv, .xlsx) and folders of them, read as one population; - for stdin"
    ),
]
InputFormatOpt = Annotated[
    InputFormat | None, typer.Option("--input-format", help="the format of standard input (FACTS given as -)")
]


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
        with gc_paused(), Progress(enabled=False if _State.quiet else None) as _State.progress:
            yield
    except CampaignInvalid as e:
        _fail(problem_lines(e.problems), campaign_exit)
    except UserError as e:
        _fail(problem_lines(e.problems), e.exit_code)
    except KeyboardInterrupt:
        _fail(["thidua: interrupted"], EXIT_USAGE)
    except (typer.Exit, SystemExit):
        raise
    except BrokenPipeError:
        _broken_pipe()
    except Exception as e:  # a bug: still one line, never a traceback; the traceback goes to a log
        _internal(e)


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
    from engine.lang.values import parse_day

    try:
        return parse_day(value)
    except ValueError:
        raise UserError(f"{option}: '{value}' is not a date — write dd/mm/yyyy or YYYY-MM-DD") from None


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
    if decision_date is not None and alloc.budget_error:
        raise UserError(f"--decision-date: {alloc.budget_error}")
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
    typer.Option("--as-of", help="evaluation date YYYY-MM-DD (default: the facts file's as_of, else today)"),
]
RoundOpt = Annotated[
    int | None,
    typer.Option("--round", help="the year judged, for campaigns judged every year (default: --as-of's year)"),
]
DecisionDate = Annotated[
    str | None,
    typer.Option("--decision-date", help="date of the award decision, for the reward money (default: --as-of)"),
]
Deadline = Annotated[
    str | None,
    typer.Option("--deadline", help="nomination deadline YYYY-MM-DD, for plans that set none"),
]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="write to this file instead of the terminal")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="vi (default) or en")]
BackendOpt = Annotated[BackendName, typer.Option("--backend", help="native (default) or durable")]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="table, json, markdown or csv (default: -o's extension, else table)"),
]
TableOrJson = Annotated[
    str | None, typer.Option("--format", "-f", help="table or json (default: -o's extension, else table)")
]


def _format(command: str, requested: str | None, output: Path | None) -> Format:
    """The format this command writes (engine.render.formats decides: -f, -o's extension)."""
    from engine.render.formats import choose

    return Format(choose(command, requested, output))


@app.command("list")
def list_campaigns() -> None:
    """The campaigns available, with document number, issuer and year."""
    with _guard():
        from engine.model.campaign import available_campaigns, load_campaign

        lines = []
        for cid in available_campaigns():
            try:
                d = load_campaign(cid).model.document
            except UserError as e:
                lines.append(f"{cid:<18} (invalid: {len(e.problems)} problem(s) — run `thidua validate {cid}`)")
                continue
            year = str(d.date)[:4]
            lines.append(f"{cid:<18} {d.kind} {d.number or words('vi')['cli.no_number']} — {d.issuer} — {year}")
        _emit("\n".join(lines), None, prose=True)


@app.command()
def validate(
    campaigns: Annotated[list[str], typer.Argument(help="campaign ids or YAML files")],
) -> None:
    """Load, schema-check and type-check campaigns, then lint them; errors carry file:line:column."""
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
                _say(f"{c.file}: ok ({n} rules, {len(c.model.groups)} groups; {lint.plan_note})")
        except typer.Exit as e:
            if e.exit_code != EXIT_PROBLEMS:
                raise
            failed = True
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def evaluate(
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
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
    """A verdict for every candidate, with each criterion's outcome."""
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


@app.command()
def explain(
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
    facts: FactsArgs,
    candidate: Annotated[str, typer.Argument(help="the candidate's id")],
    format: TableOrJson = None,
    output: Output = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    round_year: RoundOpt = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
    input_format: InputFormatOpt = None,
) -> None:
    """One candidate: every rule, the values it read, its clause (quoted), what would have to change."""
    with _guard():
        from engine.render import text as render

        fmt = _format("explain", format, output)
        ev = _run(campaign, facts, as_of, deadline, backend, round_year, input_format, lang)
        res = ev.find(candidate)
        if res is None:
            raise UserError(ev.not_found(candidate, "; ".join(map(str, facts)), "see `thidua evaluate`"))
        if fmt is Format.json:
            text = render.to_json(render.explain_dict(ev, res, lang.value))
        else:
            from engine.evaluate.allocate import allocate

            text = render.explain_text(ev, res, lang.value, allocate(ev))
        _emit(text, output, tuple(facts), prose=fmt is not Format.json)


@app.command()
def award(
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
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
    """The award list: quota per group, ranking, selected, reserve, ties at the cut-off, reward budget."""
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


@app.command()
def near(
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
    facts: FactsArgs,
    within: Annotated[int, typer.Option("--within", min=1, max=10, help="how many conditions short (default 1)")] = 1,
    format: TableOrJson = None,
    output: Output = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    round_year: RoundOpt = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
    input_format: InputFormatOpt = None,
) -> None:
    """The candidates closest to an award: a condition short (what would have to change), the reserve by gap, ties."""
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


@app.command()
def verify(
    report: Annotated[Path, typer.Argument(help="a saved JSON result (evaluate or award --format json)")],
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
    facts: FactsArgs,
    strict: Annotated[
        bool, typer.Option("--strict", help="exit 1 also when the result was made with settings the facts file lacks")
    ] = False,
) -> None:
    """Recompute a saved JSON result from its inputs; exit 1 if it no longer matches."""
    with _guard():
        from engine.verify import verify as run_verify

        result = run_verify(report, campaign, facts)
        _warn(result.warnings)
        for note in result.notes:
            _say(note)
        for diff in result.differences:
            _say(f"  - {diff}")
        _say(words("en")["verify.matches" if result.matches else "verify.does_not_match"])
        if not result.matches or (strict and result.warnings):
            raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def example(
    campaign: Annotated[str, typer.Argument(help="a shipped campaign id, e.g. ninh_thuan_2020")],
    output: Output = None,
) -> None:
    """The bundled example facts file of a shipped campaign, to start from (stdout, or -o FILE)."""
    with _guard():
        from engine.pipeline import example_facts

        _emit(example_facts(campaign), output)


@app.command()
def template(
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
    output: Annotated[Path, typer.Option("-o", "--output", help="the blank file to write: .xlsx, .csv or .yaml")],
    lang: LangOpt = Lang.vi,
) -> None:
    """A blank facts file with exactly the facts the campaign uses (XLSX, CSV or YAML)."""
    with _guard():
        from engine.authoring.facts_template import write_template
        from engine.model.campaign import load_campaign
        from engine.render.output import write_atomic

        write_atomic(output, write_template(load_campaign(campaign), output, lang.value))


@app.command()
def report(
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
    facts: FactsArgs,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="the report to write: .html, .md, .xlsx, .docx or .pdf")
    ],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="html, markdown, xlsx, docx or pdf (default: -o's extension)")
    ] = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    round_year: RoundOpt = None,
    decision_date: DecisionDate = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
    input_format: InputFormatOpt = None,
    appendix: Annotated[
        bool,
        typer.Option("--appendix/--no-appendix", help="also print every candidate in full (default: the short report)"),
    ] = False,
    reserve: Annotated[
        int | None, typer.Option("--reserve", help="reserve candidates listed per award list (default 10)", min=0)
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option("--profile", help="a YAML file: office, governing_body, abbreviation, number, signer, recipients"),
    ] = None,
    office: Annotated[
        str | None, typer.Option("--office", help="the issuing office (default: from the campaign)")
    ] = None,
    governing_body: Annotated[
        str | None, typer.Option("--governing-body", help="its governing body; '' for none")
    ] = None,
    abbreviation: Annotated[
        str | None, typer.Option("--abbreviation", help="the office's abbreviation, as in Số: …/TTr-SNV")
    ] = None,
    number: Annotated[str | None, typer.Option("--number", help="the document's number (default: blank)")] = None,
    date: Annotated[str | None, typer.Option("--date", help="the document's date (default: blank)")] = None,
    place: Annotated[str | None, typer.Option("--place", help="the place of the place-date line")] = None,
    addressee: Annotated[
        list[str] | None, typer.Option("--addressee", help="Kính gửi (repeatable; default: the granting authority)")
    ] = None,
    recipient: Annotated[
        list[str] | None, typer.Option("--recipient", help="Nơi nhận, after the addressee (repeatable)")
    ] = None,
    sign_mode: Annotated[str | None, typer.Option("--sign-mode", help="TM., KT., Q., TL., TUQ. or ''")] = None,
    sign_for: Annotated[
        str | None, typer.Option("--sign-for", help="what --sign-mode refers to, e.g. 'Giám đốc'")
    ] = None,
    signer_title: Annotated[str | None, typer.Option("--signer-title", help="the signer's title")] = None,
    signer: Annotated[str | None, typer.Option("--signer", help="the signer's name")] = None,
) -> None:
    """A document to sign and send: HTML or PDF (A4, Decree 30/2020), Word (Tờ trình + Danh sách), XLSX, Markdown."""
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


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="campaign or facts")],
    output: Output = None,
) -> None:
    """JSON Schema of a campaign or facts file, for editors (VS Code YAML) and other tools."""
    with _guard():
        from engine.authoring.jsonschema import schema_text

        _emit(schema_text(kind.value), output)


@app.command()
def lint(
    campaigns: Annotated[
        list[str] | None, typer.Argument(help="campaign ids or files; 'facts' for the catalogue; none: all")
    ] = None,
    source: Annotated[Path | None, typer.Option("--source", help="the plan's text (default: document.source)")] = None,
    format: TableOrJson = None,
) -> None:
    """Check campaigns against the plan's text: clauses and quotes, ids, dates, quotas, notes; exit 1 on errors."""
    with _guard(EXIT_PROBLEMS):
        from engine.authoring.lint import lint_json, lint_many, lint_text

        fmt = _format("lint", format, None)

        results = lint_many(campaigns or [], source)
        _emit(lint_json(results) if fmt is Format.json else lint_text(results), None, prose=fmt is not Format.json)
        if any(r.errors for r in results):
            raise typer.Exit(EXIT_PROBLEMS)


@app.command("test")
def test_cases(
    paths: Annotated[list[Path] | None, typer.Argument(help="case files or folders (default: tests/cases)")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="also write JUnit XML to this file")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="list passing cases too")] = False,
) -> None:
    """Run the regression cases; exit 1 on any failure."""
    with _guard():
        from engine.authoring.testrun import junit_xml, run_tests, text_report

        result = run_tests(paths or None)
        _emit(text_report(result, verbose), None, prose=True)
        if junit is not None:
            from engine.render.output import write_atomic

            write_atomic(junit, junit_xml(result))
        if not result.ok:
            raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="the earlier campaign (id or file)")],
    new: Annotated[str, typer.Argument(help="the later campaign (id or file)")],
    facts: Annotated[
        Path | None, typer.Option("--facts", help="facts file: who is affected, and by which rule")
    ] = None,
    format: TableOrJson = None,
    output: Output = None,
    as_of: AsOf = None,
    lang: LangOpt = Lang.vi,
) -> None:
    """What changed between two campaigns; with --facts, whose verdict or selection changes, and why."""
    with _guard():
        from engine.authoring.diff import compare
        from engine.authoring.diff_render import diff_json, diff_text

        fmt = _format("diff", format, output)

        d = compare(old, new, facts, _date(as_of, "--as-of"), lang.value)
        _emit(diff_json(d) if fmt is Format.json else diff_text(d), output, prose=fmt is not Format.json)


@app.command()
def init(
    new_id: Annotated[str, typer.Argument(help="the new campaign's id, e.g. ninh_thuan_2026")],
    from_: Annotated[str, typer.Option("--from", help="the campaign to copy")],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="default: NEW_ID.yaml in --campaigns DIR (THIDUA_CAMPAIGNS); in a checkout its campaigns/; "
            "else the current folder",
        ),
    ] = None,
) -> None:
    """A new campaign file copied from an existing one, document fields and dates cleared to fill."""
    with _guard():
        from engine.authoring.init import init_campaign

        result = init_campaign(new_id, from_, output)
        _say(f"{result.path}: written; fill in:")
        for line, what in result.todo:
            _say(f"  {result.path}:{line}: {what}")
        if result.year_lines:
            _say(f"  lines still naming the old year: {', '.join(map(str, result.year_lines))}")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="the port to listen on")] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="the address to listen on (default: this computer only)")
    ] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="open the app in the browser")] = False,
) -> None:
    """The local web app and HTTP API: upload returns, read each verdict, print the list (Ctrl-C stops it)."""
    with _guard():
        from engine.web.server import serve as run_server

        url = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
        _say(words("vi")["cli.serving"].format(url=url), err=True)
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
        if type(e).__name__ == "NoArgsIsHelpError":  # bare `thidua`: the help is already printed
            _exit(0)
        if isinstance(e, BrokenPipeError):
            _silence_stdout()
            sys.exit(EXIT_PROBLEMS)
        if not hasattr(e, "format_message"):
            from engine.common.crash import internal_error_line

            _say(internal_error_line(e), err=True)
            sys.exit(EXIT_INTERNAL)
        ctx = getattr(e, "ctx", None)
        where = ctx.command_path if ctx is not None else "thidua"
        message = " ".join(str(e.format_message()).split())
        _say(f"{where}: {message} — try '{where} --help'", err=True)
        sys.exit(int(getattr(e, "exit_code", EXIT_USAGE)))
    except KeyboardInterrupt:
        print("thidua: interrupted", file=sys.stderr)
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
