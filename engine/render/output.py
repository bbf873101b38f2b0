"""Writing outputs safely: to a temporary file moved into place, never over an input.

The one helper every output goes through (`write_atomic`). An ordinary file is written whole or
not at all: the bytes go to a temporary file beside it, which is renamed over the target; an
existing target keeps its permission bits (and, where allowed, its owner), and a read-only one is
refused rather than replaced. A target that is not an ordinary file — a terminal or `/dev/null`
(character devices), a named pipe — is written to directly: renaming over it would replace the
device itself. Anything else (a block device, a socket) is refused. An interrupt (Ctrl-C, or
SIGTERM, which the CLI turns into one) leaves no temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
import tempfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, Text
from engine.common.text import visible

if TYPE_CHECKING:
    from rich.console import Console

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet program would take for a formula


def looks_like_formula(value: object) -> bool:
    """A text that CSV/XLSX output must keep as text (a name such as '=HYPERLINK(…)')."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(text: Any) -> Any:
    """A cell of a CSV file thidua writes: a text a spreadsheet would run as a formula stays text."""
    if looks_like_formula(text):
        return "'" + text
    return text


def csv_rows(rows: Iterable[Sequence[Any]]) -> str:
    """CSV, one record a line (LF), every cell through `safe_cell`; a field holding CR or LF is quoted.

    (Python's writer quotes only the characters of its line terminator: with LF alone, a bare CR
    in a name went out unquoted and ended the record in a spreadsheet program.)
    """
    line = CsvLine()
    return "".join([line(row) + "\n" for row in rows])


_QUOTED = re.compile('[,"\r\n]')  # what makes Python's writer (QUOTE_MINIMAL, CRLF) quote a field


class CsvLine:
    """One CSV record as `csv_rows` writes it, without its line end: each cell through `safe_cell`;
    a record of two or more plain texts (nothing the writer would quote) joined by commas as the
    writer would join them, any other given to Python's writer."""

    def __init__(self) -> None:
        import csv  # a CSV output's, not every command's

        self.one = io.StringIO()
        self.writer = csv.writer(self.one, lineterminator="\r\n")  # CR and LF both make a field quoted

    def __call__(self, row: Sequence[Any]) -> str:
        cells = [safe_cell(x) for x in row]
        if len(cells) > 1 and all(type(x) is str and not _QUOTED.search(x) for x in cells):
            return ",".join(cells)
        one = self.one
        one.seek(0)
        one.truncate()
        self.writer.writerow(cells)
        return one.getvalue()[:-2]


def print_line(console: Console, text: str) -> None:
    """`console.print(text)` on a console made by `terminal`, the same text: a line rich would
    print as written (no colour, nothing it wraps, expands or strips — engine.render.grid's
    `_SPECIAL` — and no wider than the console, measured as rich measures it) goes straight to
    its file; any other is printed by rich (a long line is wrapped as rich wraps it)."""
    from rich.cells import cell_len

    from engine.render.grid import _SPECIAL

    if console.color_system is None and _SPECIAL.isdisjoint(text) and cell_len(text) <= console.width:
        console.file.write(text + "\n")
    else:
        console.print(text)


def terminal(file: IO[str], width: int | None, color: bool = False) -> Console:
    """The console every table is printed on. It reads no markup, emoji codes or highlighting
    in what it prints, so a name such as `[/]`, `[tiểu học]`, `[link=…]` or `:cop:` is printed
    as written — in cells, titles and lines alike — instead of crashing, vanishing or becoming
    a hyperlink; styles are given as `style=`, never inside the text."""
    from rich.console import Console

    return Console(
        file=file,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        legacy_windows=False,
        soft_wrap=False,
        markup=False,
        emoji=False,
        highlight=False,
    )


@dataclass(frozen=True)
class Screen:
    """stdout when a person reads it on a terminal: its width, and the console that colours it.

    Whether stdout is a terminal and takes colour is rich's decision, which follows the
    conventions: a pipe or a file is no terminal (unless `FORCE_COLOR` says so); `NO_COLOR` and
    `TERM=dumb` (or `unknown`) print no colour; the width is the terminal's (or `COLUMNS`)."""

    console: Console

    @property
    def width(self) -> int:
        return self.console.width

    @property
    def color(self) -> bool:
        return self.console.color_system is not None and not self.console.no_color

    def show(self, lines: Iterable[tuple[str, str | None]]) -> None:
        """Lines already laid out for this width, each in its style (None: none). A line's text is
        shown as `visible` shows it; the colour is the terminal's own codes, written by rich."""
        out = self.console.file
        for text, style in lines:
            if self.color and style:
                self.console.print(
                    visible(text), style=style, markup=False, highlight=False, soft_wrap=True, crop=False
                )
            else:
                out.write(visible(text) + "\n")

    def wrap(self, text: str) -> str:
        """Free text (an explanation, a list) fitted to the terminal: a line longer than the width
        is wrapped between words (`fit`), its continuation indented two more than the line, so an
        id is never cut by the terminal's own wrapping."""
        from rich.cells import cell_len

        width = self.width
        out: list[str] = []
        for line in text.split("\n"):
            if cell_len(line) <= width:
                out.append(line)
                continue
            indent = line[: len(line) - len(line.lstrip(" "))]
            out += fit(line.lstrip(" "), width, indent, indent + "  " if len(indent) + 2 < width // 2 else indent)
        return "\n".join(out)


def fit(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """`text` wrapped at `width` between words, never inside one (a hyphen is not a break either:
    `nv-0029` stays whole), the first line after `first`, the others after `rest`."""
    import textwrap

    return textwrap.wrap(
        text, width, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False
    ) or [first.rstrip()]


def screen() -> Screen | None:
    """stdout as a `Screen` when it is a terminal (as rich decides: see `Screen`), else None."""
    import sys

    from engine.common import environment

    if not environment.current().terminal_forced and not _isatty(sys.stdout):
        return None  # rich would say the same: not importing it is a twentieth of a one-candidate run
    from rich.console import Console

    console = Console(file=sys.stdout, markup=False, emoji=False, highlight=False, soft_wrap=False)
    return Screen(console) if console.is_terminal else None


def _isatty(stream: object) -> bool:
    """A tty, as rich asks (a closed stream is none)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return isatty is not None and bool(isatty())
    except ValueError:
        return False


def write_atomic(path: Path, data: str | bytes | Iterable[str], inputs: Collection[Path] = ()) -> None:
    """Write `data` to `path` all at once; never over one of `inputs` (the files the session read,
    engine.app.session, and the ones the command names).
    `data` may be pieces of text (a big JSON result, made as it is written): the file still appears
    whole or not at all."""
    target = path.resolve()
    try:
        st: os.stat_result | None = path.stat()  # follows links: /dev/stdout is the stream it names
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as e:
        raise cannot_write(path, e) from None
    if st is not None and any(_same(path, src) for src in inputs):
        raise UsageError(Problem(str(path), Msg("problem.render_over_input"), hint=Msg("problem.render_other_name")))
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise UsageError(Problem(str(path), Msg("problem.render_is_folder"), hint=Msg("problem.render_name_a_file")))
    pieces: Iterable[bytes] = (
        (data.encode("utf-8"),)
        if isinstance(data, str)
        else (data,)
        if isinstance(data, bytes)
        else (p.encode("utf-8") for p in data)
    )
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_through(path, st, pieces)
        return
    if st is not None and (not st.st_mode & 0o222 or not os.access(path, os.W_OK)):
        raise UsageError(Problem(str(path), Msg("problem.render_read_only"), hint=Msg("problem.render_read_only_hint")))
    if not target.parent.is_dir():
        raise UsageError(Problem(str(path), Msg("problem.render_no_folder"), hint=Msg("problem.render_no_folder_hint")))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise cannot_write(path, e) from None
    try:
        if st is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a new output is an ordinary file
        else:
            os.chmod(tmp, stat.S_IMODE(st.st_mode) & 0o777)  # the file it replaces keeps its mode
            if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):  # only root may give a file away; others keep theirs
                    os.chown(tmp, st.st_uid, st.st_gid)
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise cannot_write(path, e) from None
        raise


def _write_through(path: Path, st: os.stat_result, pieces: Iterable[bytes]) -> None:
    """A character device or a named pipe: write into it; never rename a file over it."""
    if not (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        raise UsageError(Problem(str(path), Msg("problem.render_not_ordinary"), hint=Msg("problem.render_name_a_file")))
    try:
        with path.open("wb") as f:
            for piece in pieces:
                f.write(piece)
    except OSError as e:
        raise cannot_write(path, e) from None


# what the system says of a failed write, in the officer's words; another reason is the system's own
_OS_REASONS = {
    errno.EACCES: "problem.render_os_denied",
    errno.EPERM: "problem.render_os_denied",
    errno.ENOSPC: "problem.render_os_full",
    errno.EDQUOT: "problem.render_os_full",
    errno.EROFS: "problem.render_os_read_only_disk",
    errno.ENAMETOOLONG: "problem.render_os_name_too_long",
    errno.ENOENT: "problem.render_os_no_folder",
    errno.ENOTDIR: "problem.render_os_not_folder",
    errno.EBUSY: "problem.render_os_busy",
    errno.ETXTBSY: "problem.render_os_busy",
}


def os_reason(e: OSError) -> Text:
    """Why the system refused, as a message where thidua has words for it, else the system's text."""
    key = _OS_REASONS.get(e.errno or 0)
    return Msg(key) if key is not None else (e.strerror or str(e))


def cannot_write(path: Path, e: OSError) -> UsageError:
    """The one line for a file the system would not let thidua write."""
    return UsageError(Problem(str(path), Msg("problem.render_cannot_write", reason=os_reason(e))))


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
