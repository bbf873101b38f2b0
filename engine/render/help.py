"""The command line in the reader's language: its help from the vocabulary, Click's own words from a catalogue.

The language is chosen once, before Click reads the command line (`Localized.make_context`):
`--lang` anywhere on it, else `THIDUA_LANG`, else Vietnamese. Then

- every message of the run speaks it (engine.common.message.set_current);
- every command's and parameter's help is the vocabulary's `help:` entry (`COMMAND`,
  `COMMAND.param`, else `any.param`), and each value's placeholder a readable word (`KẾ_HOẠCH`,
  `TỆP`, `NGÀY`), not a type name;
- Typer's own words: those it asks gettext for (`Options`, `[default: …]`, `[required]`) come from
  the catalogue templates/locale/vi/LC_MESSAGES/click.po, in the domain we bind; those it writes
  in English (the `Usage:` line, the help option, usage errors) are said here from the vocabulary
  (`_Said`, `usage_error`).

The help is plain text (Click's formatter, not Typer's boxes): it fits any width and a screen
reader, and it is the same text docs/cli.md is generated from.
"""

from __future__ import annotations

import difflib
import enum
import functools
import gettext
import os
import re
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from engine.common.message import LANG_ENV, LANGS, Msg, say, set_current
from engine.common.paths import shipped
from engine.model.vocabulary import words

LOCALE = Path(str(shipped("templates"))) / "locale"
DOMAIN = "click"
DATES = {"as_of", "deadline", "decision_date", "date"}


def requested_lang(args: Sequence[str]) -> str:
    """The language a command line asks for: `--lang X` / `--lang=X`, else THIDUA_LANG, else vi."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        if value is not None and value in LANGS:
            return value
    env = os.environ.get(LANG_ENV, "").strip().lower()
    return env if env in LANGS else "vi"


def use_language(lang: str) -> None:
    """Speak `lang` for the rest of the process: our messages, and Typer's through gettext."""
    set_current(lang)
    gettext.bindtextdomain(DOMAIN, str(LOCALE))
    gettext.textdomain(DOMAIN)
    # gettext reads the language from the environment at each lookup; LANGUAGE comes first
    os.environ["LANGUAGE"] = lang


def localize(group: Any, lang: str) -> None:
    """Every command's and parameter's help and placeholder, from the vocabulary, in `lang` (a
    command not made yet, `Commands`, is localized when it is made)."""
    text = words(lang).section("help")
    group.help = text["thidua"]
    group.options_metavar = text["metavar.options"]
    group.subcommand_metavar = text["metavar.command"]
    _params("thidua", group, text)
    commands = group.commands
    if isinstance(commands, Commands):
        commands.text = text
    for name, command in (commands.made if isinstance(commands, Commands) else commands).items():
        localize_command(name, command, text)


def localize_command(name: str, command: Any, text: Any) -> None:
    command.help = text[name]
    command.short_help = None
    command.options_metavar = text["metavar.options"]
    _params(name, command, text)


def _params(command: str, cmd: Any, text: Any) -> None:
    for p in cmd.params:
        p.help = text.get(f"{command}.{p.name}") or text[f"any.{p.name}"]
        if isinstance(p, TyperArgument):
            p.metavar = text[f"metavar.{p.name}"]
            # the placeholder says what to write; Typer's `<list[Path]>` after it says it to a programmer
            p.display_type_rich = _no_type  # type: ignore[method-assign]
        elif isinstance(p, TyperOption) and not p.is_flag:
            p.metavar = _metavar(p, text)


def _no_type(ctx: Any) -> None:
    return None


def _metavar(p: TyperOption, text: Any) -> str:
    kind = p.type_descriptor.annotation
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return "|".join(str(m.value) for m in kind)
    if p.name in DATES:
        return str(text["metavar.date"])
    if p.name == "round_year":
        return str(text["metavar.year"])
    if p.name == "campaigns":
        return str(text["metavar.folder"])
    if kind is Path or "Path" in str(kind):
        return str(text["metavar.file"])
    if kind is int:
        return str(text["metavar.number"])
    return str(text["metavar.text"])


class Commands(MutableMapping[str, Any]):
    """A group's commands, each made (Typer reads its signature, builds its parameters) when first
    asked for: a run makes the one it runs, `--help` all of them — in registration order, as Typer
    lists them. A command made after `localize` is localized as it is made."""

    def __init__(self, makers: dict[str, Callable[[], Any]]) -> None:
        self.makers = makers
        self.made: dict[str, Any] = {}
        self.text: Any = None  # the help section `localize` chose, once it has

    def __getitem__(self, name: str) -> Any:
        if name not in self.made:
            command = self.makers[name]()
            if self.text is not None:
                localize_command(name, command, self.text)
            self.made[name] = command
        return self.made[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.makers[name] = lambda: command
        self.made.pop(name, None)

    def __delitem__(self, name: str) -> None:
        del self.makers[name]
        self.made.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.makers)

    def __len__(self) -> int:
        return len(self.makers)


def command_group(app: Any) -> Any:
    """`app`'s Click group as Typer makes it (`typer.main.get_command`), its commands `Commands`:
    made when asked for. Typer makes every command of a group first — 16 of 17 never run."""
    import copy

    import typer.main as tm

    if app.registered_callback is None or app.registered_groups:  # a single command, or sub-groups: Typer's way
        return tm.get_command(app)
    bare = copy.copy(app)  # the group and its own options alone; `app` itself is not changed
    bare.registered_commands = []
    group: Any = tm.get_command(bare)
    makers: dict[str, Callable[[], Any]] = {}
    for info in app.registered_commands:
        name = info.name or tm.get_command_name(info.callback.__name__)
        makers[name] = functools.partial(
            tm.get_command_from_info,
            info,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
    group.commands = Commands(makers)
    return group


class _Said:
    """The usage line and the help option in the reader's language (Typer writes them in English)."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=f"{say(Msg('help.usage'))} ")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = say(Msg("help.any.help"))
        return option


class LocalizedCommand(_Said, TyperCommand):
    """A thidua command: usage line and help option in the reader's language."""


class Localized(_Said, TyperGroup):
    """thidua's command group: the language is chosen, and the help written in it, before parsing."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if parent is None:
            lang = requested_lang(args)
            use_language(lang)
            localize(self, lang)
        return super().make_context(info_name, args, parent, **extra)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # a command name that is none of ours: said here, with the closest names (Typer's "Did you mean"
        # is English)
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
            close = difflib.get_close_matches(args[0], list(self.commands))
            name = args[0]
            ctx.fail(
                say(
                    Msg("problem.cli_no_such_command_close", name=name, close=close)
                    if close
                    else Msg("problem.cli_no_such_command", name=name)
                )
            )
        return super().resolve_command(ctx, args)


def usage_error(error: Exception) -> str:
    """A usage error Typer raised (an unknown option, a missing argument, a value that is not one of
    the choices) as one line in the reader's language: what is wrong, and where to read the help."""
    from typer._click import exceptions as ex

    ctx = getattr(error, "ctx", None)
    where = ctx.command_path if ctx is not None else "thidua"
    message: Any
    if isinstance(error, ex.NoSuchOption):
        close = sorted(error.possibilities or [])
        message = Msg("problem.cli_no_such_option", option=error.option_name)
        if close:
            message = Msg("problem.cli_no_such_option_close", option=error.option_name, close=close)
    elif isinstance(error, ex.MissingParameter) and error.param is not None:
        p = error.param
        name = p.metavar if isinstance(p, TyperArgument) and p.metavar else "/".join(getattr(p, "opts", [p.name]))
        message = Msg("problem.cli_missing", what=name)
    elif isinstance(error, ex.BadParameter) and error.param is not None:
        p = error.param
        name = p.metavar if isinstance(p, TyperArgument) and p.metavar else "/".join(getattr(p, "opts", [p.name]))
        kind = p.type_descriptor.annotation if isinstance(p, TyperOption | TyperArgument) else None
        got = re.findall(r"'([^']*)'", error.message)
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            message = Msg(
                "problem.cli_not_a_choice", what=name, value=got[0] if got else "", choices=[m.value for m in kind]
            )
        elif kind is int:
            message = Msg("problem.cli_not_a_whole_number", what=name)
        else:
            message = Msg("problem.cli_bad_value", what=name, detail=error.message)
    elif isinstance(error, ex.UsageError) and (
        m := re.match(r"Got unexpected extra argument\(s\) \((.*)\)", error.message)
    ):
        message = Msg("problem.cli_extra_arguments", args=m.group(1))
    else:
        message = " ".join(str(getattr(error, "format_message", lambda: error)()).split())
    return f"{where}: {say(message)} — {say(Msg('problem.cli_see_help', command=where))}"


def compile_catalogue(po: Path) -> bytes:
    """The .mo bytes of a .po catalogue (Babel), as gettext reads them."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def catalogues() -> list[tuple[Path, Path]]:
    """Each shipped .po and the .mo beside it that gettext reads."""
    return [(po, po.with_suffix(".mo")) for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))]


if __name__ == "__main__":  # python -m engine.render.help --compile
    import sys

    if sys.argv[1:] != ["--compile"]:
        sys.exit("python -m engine.render.help --compile")
    from engine.render.output import write_atomic

    for po, mo in catalogues():
        write_atomic(mo, compile_catalogue(po))
        print(mo)
