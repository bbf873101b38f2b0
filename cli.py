"""The `thidua` command line: parse options, call the engine, print the result.

No rule logic lives here. Every user error is caught once (`_guard`), printed as one line
on stderr, and turned into the contract's exit code: 0 done, 1 problems found, 2 unusable
input or usage.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from engine.errors import EXIT_PROBLEMS, EXIT_USAGE, CampaignInvalid, UserError

app = typer.Typer(
    help="thidua — kiểm tra hồ sơ thi đua cải cách hành chính theo đúng kế hoạch "
    "(rules engine for Vietnamese PAR emulation campaigns).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class Lang(StrEnum):
    vi = "vi"
    en = "en"


class BackendName(StrEnum):
    native = "native"
    durable = "durable"


@contextmanager
def _guard(campaign_exit: int = EXIT_USAGE) -> Iterator[None]:
    try:
        yield
    except CampaignInvalid as e:
        _fail(str(e), campaign_exit)
    except UserError as e:
        _fail(str(e), e.exit_code)
    except KeyboardInterrupt:
        _fail("thidua: interrupted", EXIT_USAGE)
    except typer.Exit:
        raise
    except Exception as e:  # a bug: still one line, never a traceback
        _fail(f"thidua: internal error: {type(e).__name__}: {e} (please report this)", EXIT_USAGE)


def _fail(message: str, code: int) -> None:
    print(" ".join(message.split("\n")), file=sys.stderr)
    raise typer.Exit(code)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option}: '{value}' is not a date — write YYYY-MM-DD") from None


def _emit(text: str, output: Path | None, inputs: tuple[Path, ...] = ()) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        from engine.output import write_atomic

        write_atomic(output, text, inputs)


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="evaluation date YYYY-MM-DD (default: the facts file's as_of, else today)"),
]
Deadline = Annotated[
    str | None,
    typer.Option("--deadline", help="nomination deadline YYYY-MM-DD, for plans that set none"),
]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="write to this file instead of the terminal")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="vi (default) or en")]
BackendOpt = Annotated[BackendName, typer.Option("--backend", help="native (default) or durable")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json, markdown or csv")]


@app.command("list")
def list_campaigns() -> None:
    """The campaigns available, with document number, issuer and year."""
    with _guard():
        from engine.campaign import available_campaigns, load_campaign

        for cid in available_campaigns():
            try:
                d = load_campaign(cid).model.document
            except UserError as e:
                print(f"{cid:<18} (invalid: {len(e.problems)} problem(s) — run `thidua validate {cid}`)")
                continue
            year = str(d.date)[:4]
            print(f"{cid:<18} {d.kind} {d.number or '(chưa có số)'} — {d.issuer} — {year}")


@app.command()
def validate(
    campaigns: Annotated[list[str], typer.Argument(help="campaign ids or YAML files")],
) -> None:
    """Load, schema-check and type-check campaigns; errors carry file:line:column."""
    from engine.campaign import load_campaign

    failed = False
    for name in campaigns:
        try:
            with _guard(EXIT_PROBLEMS):
                try:
                    c = load_campaign(name)
                except CampaignInvalid as e:
                    for p in e.problems:
                        print(str(p), file=sys.stderr)
                    raise typer.Exit(EXIT_PROBLEMS) from None
                for w in c.warnings:
                    print(str(w), file=sys.stderr)
                n = len(c.all_rules())
                print(f"{c.file}: ok ({n} rules, {len(c.model.groups)} groups)")
        except typer.Exit as e:
            if e.exit_code == EXIT_USAGE:
                raise
            failed = True
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command()
def evaluate(
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
    facts: Annotated[Path, typer.Argument(help="facts file (.yaml, .json)")],
    format: FormatOpt = Format.table,
    output: Output = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
) -> None:
    """A verdict for every candidate, with each criterion's outcome."""
    with _guard():
        from engine import render
        from engine.pipeline import run

        ev = run(
            campaign,
            facts,
            as_of=_date(as_of, "--as-of"),
            deadline=_date(deadline, "--deadline"),
            backend=backend.value,
        )
        if format is Format.json:
            text = render.to_json(render.evaluation_dict(ev, lang.value))
        elif format is Format.markdown:
            text = render.markdown(ev, lang.value)
        elif format is Format.csv:
            text = render.csv_text(ev, lang.value)
        else:
            color = output is None and sys.stdout.isatty()
            text = render.table(ev, lang.value, color=color)
        _emit(text, output, (facts,))


@app.command()
def explain(
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
    facts: Annotated[Path, typer.Argument(help="facts file")],
    candidate: Annotated[str, typer.Argument(help="the candidate's id")],
    format: Annotated[Format, typer.Option("--format", "-f", help="table (text) or json")] = Format.table,
    output: Output = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
) -> None:
    """One candidate: every rule, the values it read, its clause (quoted), what would have to change."""
    with _guard():
        import unicodedata

        from engine import render
        from engine.errors import Problem, did_you_mean
        from engine.pipeline import run

        ev = run(
            campaign,
            facts,
            as_of=_date(as_of, "--as-of"),
            deadline=_date(deadline, "--deadline"),
            backend=backend.value,
        )
        cid = unicodedata.normalize("NFC", candidate)
        res = ev.get(cid)
        if res is None:
            raise UserError(
                Problem(
                    str(facts),
                    f"no candidate with id '{candidate}'",
                    hint=did_you_mean(cid, [r.id for r in ev.results]) or "see `thidua evaluate`",
                )
            )
        if format is Format.json:
            from engine.explain import Explainer

            data = {
                **render.header(ev),
                "candidate": render.candidate_dict(res, Explainer(ev.campaign, lang.value)),
            }
            text = render.to_json(data)
        else:
            from engine.allocate import allocate

            text = render.explain_text(ev, res, lang.value, allocate(ev))
        _emit(text, output, (facts,))


@app.command()
def award(
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
    facts: Annotated[Path, typer.Argument(help="facts file")],
    format: Annotated[Format, typer.Option("--format", "-f", help="table or json")] = Format.table,
    output: Output = None,
    as_of: AsOf = None,
    deadline: Deadline = None,
    decision_date: Annotated[
        str | None, typer.Option("--decision-date", help="date of the award decision (default: --as-of)")
    ] = None,
    lang: LangOpt = Lang.vi,
    backend: BackendOpt = BackendName.native,
) -> None:
    """The award list: quota per group, ranking, selected, reserve, ties at the cut-off, reward budget."""
    with _guard():
        from engine import render_award
        from engine.allocate import allocate
        from engine.pipeline import run

        ev = run(
            campaign,
            facts,
            as_of=_date(as_of, "--as-of"),
            deadline=_date(deadline, "--deadline"),
            backend=backend.value,
        )
        alloc = allocate(ev, _date(decision_date, "--decision-date"))
        if decision_date is not None and alloc.budget_error:
            raise UserError(f"--decision-date: {alloc.budget_error}")
        if format is Format.json:
            text = render_award.to_json(render_award.allocation_dict(alloc, lang.value))
        else:
            text = render_award.award_table(alloc, lang.value)
        _emit(text, output, (facts,))


@app.command()
def verify(
    report: Annotated[Path, typer.Argument(help="a saved JSON result (evaluate or award --format json)")],
    campaign: Annotated[str, typer.Argument(help="campaign id or YAML file")],
    facts: Annotated[Path, typer.Argument(help="facts file")],
) -> None:
    """Recompute a saved JSON result from its inputs; exit 1 if it no longer matches."""
    with _guard():
        from engine.verify import verify as run_verify

        result = run_verify(report, campaign, facts)
        for note in result.notes:
            print(note)
        for diff in result.differences:
            print(f"  - {diff}")
        print("matches: the result is reproduced exactly" if result.matches else "DOES NOT MATCH")
        if not result.matches:
            raise typer.Exit(EXIT_PROBLEMS)


if __name__ == "__main__":  # pragma: no cover
    app()
