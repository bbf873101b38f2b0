"""The command line's side of a run: what it writes on stdout and stderr, and how it exits.

Every user error is caught once (`Terminal.guard`), printed on stderr — one line per problem, at
most 50 and a count — and turned into the contract's exit code: 0 done, 1 problems found, 2
unusable input or usage. Anything else is a bug: one line naming a log file with the traceback
(engine.common.crash), exit 3. A `Terminal` is made per command line (cli.py) and carries its
`Session`; nothing here is kept between runs.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from engine.app import renderers
from engine.app import requests as rq
from engine.app.commands import Watch
from engine.app.renderers import Rendered, Styled
from engine.app.session import Session
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

if TYPE_CHECKING:
    from engine.evaluate.core import Evaluation
    from engine.render.output import Screen
    from engine.render.progress import Progress

MAX_WARNINGS = 50


@dataclass
class Terminal:
    """One command line's run: its session, `--quiet`, the progress line of the command running,
    and the last result — kept to the end of the process, which `cli.script` ends without freeing
    it (freeing a big file's millions of objects one by one took 1.6 s of 11, 100,000 candidates)."""

    session: Session = field(default_factory=Session.from_environment)
    quiet: bool = False
    progress: Progress | None = None
    kept: list[Any] = field(default_factory=list)

    @contextmanager
    def guard(self, campaign_exit: int = EXIT_USAGE) -> Iterator[None]:
        from engine.common.speed import gc_paused
        from engine.render.progress import Progress

        try:  # one command per process: the cyclic collector is paused for all of it (engine.common.speed)
            self._settings_read()
            with (
                gc_paused(frozen_after=True),
                self.session.active(),
                Progress(enabled=False if self.quiet else None) as self.progress,
            ):
                yield
        except CampaignInvalid as e:
            fail(problem_lines(e.problems), campaign_exit)
        except UserError as e:
            fail(problem_lines(e.problems), e.exit_code)
        except KeyboardInterrupt:
            fail([f"thidua: {say(Msg('problem.cli_interrupted'))}"], EXIT_USAGE)
        except (typer.Exit, SystemExit):
            raise
        except BrokenPipeError:
            silence_stdout()  # the reader went away (`| head`): nothing more to say; exit 1, as Python advises
            raise typer.Exit(EXIT_PROBLEMS) from None
        except Exception as e:  # a bug: still one line, never a traceback; the traceback goes to a log
            fail([self.internal_line(e)], EXIT_INTERNAL)

    def campaign_folders(self, folders: list[Path]) -> None:
        """`--campaigns`: the session's campaign folders (nothing below reads the environment for them)."""
        for folder in folders:
            if not folder.is_dir():
                said_path = Msg("problem.cli_not_a_folder", path=str(folder))
                fail([str(Problem("--campaigns", said_path, hint=Msg("problem.cli_give_a_folder")))], EXIT_USAGE)
        if folders:
            self.session.env = self.session.env.with_campaigns(tuple(folders))

    def validate(self, r: rq.Validate, lang: str) -> None:
        """`thidua validate`: each campaign's findings (stderr) and, if it loads, its counts; exit 1
        if any has an error (the others are still checked)."""
        from engine.app import commands

        failed = False
        for name in r.campaigns:
            try:
                with self.guard(EXIT_PROBLEMS):
                    # one reader: the load's findings (TD-coded) and lint's, each once, in file order
                    lint = commands.validate_one(self.session, name)
                    for p in lint.findings:
                        line(str(p), err=True)
                    if lint.errors or lint.campaign is None:
                        raise typer.Exit(EXIT_PROBLEMS)
                    self.emit("validate", "table", lint, lang, None)
            except typer.Exit as e:
                if e.exit_code != EXIT_PROBLEMS:
                    raise
                failed = True
        if failed:
            raise typer.Exit(EXIT_PROBLEMS)

    def _settings_read(self) -> None:
        """A limit set in the environment that cannot be read (THIDUA_MAX_BYTES=lots) stops the command
        with one line, before anything is read under a limit the user did not mean."""
        from engine.common import limits

        if bad := limits.unreadable(self.session.env):
            hint = Msg("problem.cli_bad_setting_hint")
            raise UsageError(
                [
                    Problem(name, Msg("problem.cli_bad_setting", value=value), hint=hint)
                    for name, value in sorted(bad.items())
                ]
            )

    def internal_line(self, e: BaseException) -> str:
        """The one line naming the log that holds the traceback (in the session's log folder)."""
        from engine.common.crash import internal_error_line

        return internal_error_line(e, folder=self.session.env.log_dir)

    def watch(self, lang: str) -> Watch:
        """What a command tells this terminal: its stages, on the progress line in `lang`; its
        evaluation, whose warnings are said at once (stderr) before the progress line says 'render'."""
        progress = self.progress
        if progress is not None:
            progress.lang = lang

        def evaluated(ev: Evaluation) -> None:
            warn(ev.warnings, lang)
            if progress is not None:
                progress.stage("render")
            self.kept.append(ev)

        return Watch(progress.stage if progress is not None else None, evaluated)

    def emit(self, command: str, fmt: str, result: Any, lang: str, output: Path | None, *named: Path) -> None:
        """The result in `fmt` on stdout (a terminal: its width) or into `-o output` — never over an
        input the session read, nor one of `named`."""
        screen = self.screen(output)
        rendered = renderers.render(command, fmt, result, lang, screen.width if screen is not None else None)
        self.write(rendered, output, named, prose=renderers.prose(command, fmt), screen=screen)

    def screen(self, output: Path | None) -> Screen | None:
        """The terminal a command's text is read on: stdout, when no `-o` is given and it is one."""
        from engine.render.output import screen

        return screen() if output is None else None

    def write(
        self,
        rendered: Rendered,
        output: Path | None,
        named: tuple[Path, ...] = (),
        *,
        prose: bool = False,
        screen: Screen | None = None,
    ) -> None:
        """Text for a person on a terminal has a line wider than it wrapped between words
        (`Screen.wrap`): the terminal never cuts an id."""
        if output is not None:
            from engine.render.output import write_atomic

            data = rendered if isinstance(rendered, bytes) else iter_shown(rendered)
            write_atomic(output, data, self.session.protected(*named))
        elif isinstance(rendered, Styled):
            assert screen is not None
            screen.show(rendered.lines)
        elif isinstance(rendered, str):
            text = renderers.shown(rendered)
            text = screen.wrap(text) if prose and screen is not None else text
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        else:
            for piece in iter_shown(rendered):
                sys.stdout.write(piece)


def iter_shown(rendered: Rendered) -> str | Iterator[str]:
    """Text as it is written into a file: whole, or piece by piece (a big JSON result)."""
    if isinstance(rendered, str):
        return renderers.shown(rendered)
    assert not isinstance(rendered, bytes | Styled)
    return (visible(p) for p in rendered)


def line(text: str, err: bool = False) -> None:
    """One line for the user, as it will be read: control characters shown as escapes."""
    print(visible(text), file=sys.stderr if err else sys.stdout)


def fail(lines: list[str], code: int) -> None:
    for text in lines:
        line(" ".join(text.split("\n")), err=True)
    raise typer.Exit(code)


def said(text: Text) -> str:
    """A message in the reader's language (the run's, chosen before parsing: engine.render.help)."""
    return say(text)


def warn(problems: list[Problem], lang: str = "vi") -> None:
    """Warnings go to stderr, one line each, at most MAX_WARNINGS and a count; they never change
    the exit code."""
    from engine.model.vocabulary import words

    for p in problems[:MAX_WARNINGS]:
        line(str(p), err=True)
    if len(problems) > MAX_WARNINGS:
        line(words(lang)["cli.more_warnings"].format(n=len(problems) - MAX_WARNINGS), err=True)


def silence_stdout() -> None:
    """Point stdout at the null device, so what is still buffered cannot fail again at exit."""
    with contextlib.suppress(OSError, ValueError):  # no real stdout (a test runner's buffer)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def exit_flushed(code: int) -> None:
    """Exit with `code` once stdout is flushed: output still buffered meets a reader that went
    away here, under our control, not in the interpreter's shutdown (a stray 'Exception ignored')."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        code = code or EXIT_PROBLEMS
    sys.exit(code)


# what Typer returns (standalone_mode=False) for a Ctrl-C or SIGTERM that arrives outside a command's guard
# (while the command line is read, the words loaded, or the group's options checked); thidua's own exit
# codes never reach it, so it can only mean that: said as every interrupt is said
TYPER_INTERRUPTED = 130


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM (a CI job cancelled, `kill`) is handled like Ctrl-C: outputs clean up, one line, exit 2.
    Once: a second SIGTERM while that line is said (its words loaded, perhaps written to the cache)
    would interrupt the handling itself and end in a traceback."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(app: typer.Typer, terminal: Terminal | None = None) -> None:
    """Run `app` on the command line, with usage errors on one line (exit 2) and bugs outside a
    command's guard on one line naming their log (exit 3)."""
    import signal

    from engine.common import environment

    signal.signal(signal.SIGTERM, _terminated)
    term = terminal if terminal is not None else Terminal()
    with environment.using(term.session.env):  # the edge's environment, from the first word read (help)
        _main(app, term)


def _main(app: typer.Typer, term: Terminal) -> None:
    from engine.render.help import command_group

    try:
        code = command_group(app).main(prog_name="thidua", standalone_mode=False, obj=term)
        if code == TYPER_INTERRUPTED:  # Typer turns an interrupt outside a command's guard into 130, silently
            raise KeyboardInterrupt
        exit_flushed(code if isinstance(code, int) else 0)  # Click returns a command's exit code here
    except typer.Exit as e:
        exit_flushed(e.exit_code)
    except Exception as e:
        _outside(e, term)
    except KeyboardInterrupt:
        print(f"thidua: {said(Msg('problem.cli_interrupted'))}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _outside(e: Exception, term: Terminal) -> None:
    """An exception no command's guard caught: Click's usage errors (a box of several lines by
    default) on one line, exit 2; bare `thidua`, its help on stdout; a bug, exit 3."""
    if type(e).__name__ == "NoArgsIsHelpError":  # bare `thidua`: its help, on stdout
        line(str(getattr(e, "format_message", lambda: "")()))
        exit_flushed(0)
    if isinstance(e, BrokenPipeError):
        silence_stdout()
        sys.exit(EXIT_PROBLEMS)
    if not hasattr(e, "format_message"):
        line(term.internal_line(e), err=True)
        sys.exit(EXIT_INTERNAL)
    from engine.render.help import usage_error

    line(usage_error(e), err=True)
    sys.exit(int(getattr(e, "exit_code", EXIT_USAGE)))


def script(main: Callable[[Terminal], None]) -> None:
    """The console script: `main`, then the process ends at once (as mypy's does), without freeing
    what the command built (its terminal keeps it) — its outputs are written and closed by then
    (write_atomic), the streams are flushed here, and nothing else waits for the interpreter's shutdown."""
    terminal = Terminal()
    try:
        main(terminal)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        silence_stdout()
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)
