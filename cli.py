"""The `thidua` command line: parse the arguments into a request, call the application, write the result.

No rule logic lives here: each command turns its options (declared once, engine.app.options)
into a request (engine.app.requests), calls engine.app.commands with the run's session, and
writes what engine.app.renderers makes of the result (engine.app.console: stdout, `-o`, exit codes).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

# thidua's checks are its own: no Pydantic plugin found in the environment takes part in them (and
# looking for one reads every installed package's metadata at start-up); set it to keep yours
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

from engine.app import commands, console, renderers
from engine.app import options as o
from engine.app import requests as rq
from engine.app.console import Terminal, line, said, warn
from engine.common.errors import EXIT_PROBLEMS
from engine.model.vocabulary import words
from engine.render.help import Localized, LocalizedCommand

app = typer.Typer(
    cls=Localized,  # the language chosen and the help written in it before parsing (engine.render.help)
    rich_markup_mode=None,  # Click's plain help: any width, a screen reader, docs/cli.md
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
Lang, BackendName = o.Lang, o.BackendName
command = app.command


@app.callback()
def _options(
    ctx: typer.Context,
    campaigns: Annotated[list[Path] | None, typer.Option("--campaigns", envvar="THIDUA_CAMPAIGNS")] = None,
    version: Annotated[bool, typer.Option("--version", callback=o.version, is_eager=True)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    lang: o.LangOpt = Lang.vi,
) -> None:
    """Options for every command."""
    term = ctx.ensure_object(Terminal)
    term.quiet = quiet
    term.campaign_folders(campaigns or [])


def _term(ctx: typer.Context) -> Terminal:
    return ctx.ensure_object(Terminal)


def _run(a: dict[str, Any]) -> rq.Run:
    """The settings every evaluating command shares, as the request's `Run`."""
    fmt = a["input_format"].value if a["input_format"] is not None else None
    as_of, deadline = rq.day(a["as_of"], "--as-of"), rq.day(a["deadline"], "--deadline")
    return rq.Run(
        a["campaign"], tuple(a["facts"]), as_of, deadline, a["round_year"], a["backend"].value, fmt, a["lang"].value
    )


def _answer(ctx: typer.Context, name: str, a: dict[str, Any], make: Callable[[rq.Output], object]) -> None:
    """Choose the format, build the request (`make`), call the command, write its result."""
    term, out, lang = _term(ctx), rq.Output(a["format"], a["output"]), a["lang"].value
    with term.guard():
        fmt = renderers.choose(name, out)
        result = getattr(commands, name)(term.session, make(out), term.watch(lang))
        term.emit(name, fmt, result, lang, out.path, *a["facts"])


@command("list", cls=LocalizedCommand)
def list_campaigns(ctx: typer.Context, lang: o.LangOpt = Lang.vi) -> None:
    term = _term(ctx)
    with term.guard():
        term.emit("list", "table", commands.campaigns(term.session), lang.value, None)


@command(cls=LocalizedCommand)
def validate(ctx: typer.Context, campaigns: o.CampaignsArg, lang: o.LangOpt = Lang.vi) -> None:
    _term(ctx).validate(rq.Validate(tuple(campaigns)), lang.value)


@command(cls=LocalizedCommand)
@o.evaluating(o.FORMAT, o.OUTPUT)
def evaluate(ctx: typer.Context, **a: Any) -> None:
    _answer(ctx, "evaluate", a, lambda out: rq.Evaluate(_run(a), out))


@command(cls=LocalizedCommand)
@o.evaluating(o.CANDIDATE, o.FORMAT, o.OUTPUT)
def explain(ctx: typer.Context, **a: Any) -> None:
    _answer(ctx, "explain", a, lambda out: rq.Explain(_run(a), a["candidate"], out))


@command(cls=LocalizedCommand)
@o.evaluating(o.FORMAT, o.OUTPUT, decision=True)
def award(ctx: typer.Context, **a: Any) -> None:
    _answer(ctx, "award", a, lambda out: rq.Award(_run(a), out, rq.day(a["decision_date"], "--decision-date")))


@command(cls=LocalizedCommand)
@o.evaluating(o.WITHIN, o.FORMAT, o.OUTPUT)
def near(ctx: typer.Context, **a: Any) -> None:
    _answer(ctx, "near", a, lambda out: rq.Near(_run(a), a["within"], out))


@command(cls=LocalizedCommand)
def verify(
    ctx: typer.Context,
    report: Annotated[Path, typer.Argument()],
    campaign: o.CampaignArg,
    facts: o.FactsArgs,
    strict: o.Strict = False,
    lang: o.LangOpt = Lang.vi,
) -> None:
    term = _term(ctx)
    with term.guard():
        result = commands.verify(term.session, rq.Verify(report, campaign, tuple(facts), strict, lang.value))
        warn(result.warnings)
        for note in result.notes:
            line(said(note))
        for diff in result.differences:
            line(f"  - {said(diff)}")
        line(words(lang.value)["verify.matches" if result.matches else "verify.does_not_match"])
        if not result.matches or (strict and result.warnings):
            raise typer.Exit(EXIT_PROBLEMS)


@command(cls=LocalizedCommand)
def example(ctx: typer.Context, campaign: o.CampaignArg, output: o.Output = None, lang: o.LangOpt = Lang.vi) -> None:
    term = _term(ctx)
    with term.guard():
        term.emit("example", "yaml", commands.example(term.session, rq.Example(campaign, output)), lang.value, output)


@command(cls=LocalizedCommand)
def template(ctx: typer.Context, campaign: o.CampaignArg, output: o.OutputFile, lang: o.LangOpt = Lang.vi) -> None:
    term, r = _term(ctx), rq.Template(campaign, output, lang.value)
    with term.guard():
        term.emit("template", "file", commands.template(term.session, r), lang.value, output)


@command(cls=LocalizedCommand)
@o.evaluating(o.OUTPUT_FILE, o.FORMAT, decision=True, tail=(o.APPENDIX, o.RESERVE, o.PROFILE, *o.DOCUMENT))
def report(ctx: typer.Context, **a: Any) -> None:
    def make(out: rq.Output) -> rq.Report:
        fields = {key: a[o.field_name(option)] for option, key in o.PROFILE_OPTIONS} | {"reserve": a["reserve"]}
        fields["date"] = rq.day(a["date"], "--date")
        when = rq.day(a["decision_date"], "--decision-date")
        return rq.Report(
            _run(a), out, when, profile=a["profile"], profile_options=tuple(fields.items()), appendix=a["appendix"]
        )

    _answer(ctx, "report", a, make)


@command(cls=LocalizedCommand)
def schema(
    ctx: typer.Context,
    kind: Annotated[o.SchemaKind, typer.Argument()],
    output: o.Output = None,
    lang: o.LangOpt = Lang.vi,
) -> None:
    term = _term(ctx)
    with term.guard():
        term.emit("schema", "json", commands.schema(term.session, rq.Schema(kind.value, output)), lang.value, output)


@command(cls=LocalizedCommand)
def lint(
    ctx: typer.Context,
    campaigns: Annotated[list[str] | None, typer.Argument()] = None,
    source: Annotated[Path | None, typer.Option("--source")] = None,
    format: o.FormatOpt = None,
    lang: o.LangOpt = Lang.vi,
) -> None:
    term, r = _term(ctx), rq.Lint(tuple(campaigns or ()), source, rq.Output(format))
    with term.guard(EXIT_PROBLEMS):
        fmt = renderers.choose("lint", r.output)
        result = commands.lint(term.session, r)
        term.emit("lint", fmt, result, lang.value, None)
        if result.failed:
            raise typer.Exit(EXIT_PROBLEMS)


@command("test", cls=LocalizedCommand)
def test_cases(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument()] = None,
    junit: Annotated[Path | None, typer.Option("--junit")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose")] = False,
    lang: o.LangOpt = Lang.vi,
) -> None:
    term = _term(ctx)
    with term.guard():
        result = commands.test(term.session, rq.Test(tuple(paths or ()), junit, verbose))
        term.emit("test", "table", result, lang.value, None)
        if junit is not None:
            term.emit("test", "junit", result, lang.value, junit)
        if not result.run.ok:
            raise typer.Exit(EXIT_PROBLEMS)


@command(cls=LocalizedCommand)
def diff(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument()],
    new: Annotated[str, typer.Argument()],
    facts: Annotated[Path | None, typer.Option("--facts")] = None,
    format: o.FormatOpt = None,
    output: o.Output = None,
    as_of: o.AsOf = None,
    lang: o.LangOpt = Lang.vi,
) -> None:
    term, out = _term(ctx), rq.Output(format, output)
    with term.guard():
        fmt = renderers.choose("diff", out)
        d = commands.diff(term.session, rq.Diff(old, new, facts, rq.day(as_of, "--as-of"), lang.value, out))
        term.emit("diff", fmt, d, lang.value, output)


@command(cls=LocalizedCommand)
def init(
    ctx: typer.Context,
    new_id: Annotated[str, typer.Argument()],
    from_: Annotated[str, typer.Option("--from")],
    output: o.Output = None,
    lang: o.LangOpt = Lang.vi,
) -> None:
    term = _term(ctx)
    with term.guard():
        term.emit("init", "table", commands.init(term.session, rq.Init(new_id, from_, output)), lang.value, None)


@command(cls=LocalizedCommand)
def draft(
    ctx: typer.Context,
    plan: Annotated[Path, typer.Argument()],
    output: o.Output = None,
    lang: o.LangOpt = Lang.vi,
) -> None:
    term = _term(ctx)
    with term.guard():
        result = commands.draft(term.session, rq.Draft(plan, output, lang.value))
        term.emit("draft", "yaml", result, lang.value, output, plan)
        # the summary beside the file: on stderr when the campaign itself is on stdout
        line(renderers.shown(str(renderers.render("draft", "table", result, lang.value, None))), err=output is None)


@command(cls=LocalizedCommand)
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8765,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open")] = False,
    lang: o.LangOpt = Lang.vi,
) -> None:
    with _term(ctx).guard():
        from engine.web.server import serve as run_server

        url = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
        line(words(lang.value)["cli.serving"].format(url=url), err=True)
        run_server(host, port, open_browser=open_browser)


def main(terminal: Terminal | None = None) -> None:
    """The `thidua` console script's work: the Typer app (engine.app.console.main)."""
    console.main(app, terminal)


def script() -> None:
    """The console script (engine.app.console.script): `main`, then the process ends at once."""
    console.script(main)


if __name__ == "__main__":  # pragma: no cover
    script()
