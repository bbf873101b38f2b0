"""What an officer sees on a real terminal: every command's text in a pseudo-terminal.

The suite's other tests read stdout through a pipe, where thidua writes plain text; a person reads
it on a terminal, where it is coloured and as wide as the window. Here each command runs in a
pseudo-terminal of 80, 120 and 200 columns (the `pty` module, the window size set as a terminal
emulator sets it), in both languages, and what it wrote is checked as the terminal would show it:
no escape sequence printed as text (`\\u001b[32m`), no line wider than the window (the terminal
would wrap it, wherever it falls), every candidate id whole on a line. Colour follows the
conventions: on for a terminal, off for `NO_COLOR`, `TERM=dumb` and a pipe, on for `FORCE_COLOR`.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.cells import cell_len

ROOT = Path(__file__).resolve().parent.parent
EXE = shutil.which("thidua") or str(Path(sys.executable).parent / "thidua")
FACTS = "examples/ninh_thuan_2020.yaml"
# a real escape sequence (CSI … final byte), as the terminal reads it: not text
CSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def on_terminal(args: list[str], width: int, env: dict[str, str] | None = None) -> str:
    """`thidua ARGS` run in a pseudo-terminal `width` columns wide; what it wrote to it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")}
    environ["TERM"] = "xterm-256color"
    environ.update(env or {})
    proc = subprocess.Popen([EXE, *args], stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=environ)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) in (0, 1), b"".join(chunks)[-2000:]
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def shown(raw: str) -> list[str]:
    """The lines as the terminal shows them: its escape sequences taken as colour, not text; a
    carriage return going back to the line's start, what follows written over it, and an erase
    (`ESC[K`, `ESC[2K`) clearing it — so the progress line (engine/render/progress.py), drawn
    and erased in place when a run takes more than a second, leaves what the terminal leaves."""
    out = []
    for line in raw.split("\n"):
        seen, col = "", 0
        for piece in re.split(r"(\r|\x1b\[[0-9;?]*[ -/]*[@-~])", line):
            if piece == "\r":
                col = 0
            elif piece.startswith("\x1b["):
                if piece.endswith("K"):  # erase: from the cursor (0K, K) or the whole line (2K)
                    seen = "" if piece[2:-1] == "2" else seen[:col]
            elif piece:
                seen = seen[:col] + piece + seen[col + len(piece) :]
                col += len(piece)
        out.append(seen)
    return out


def candidate_ids() -> list[str]:
    import json

    out = subprocess.run(
        [EXE, "evaluate", "ninh_thuan_2020", FACTS, "-f", "json"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    return [c["id"] for c in json.loads(out)["candidates"]]


COMMANDS = {
    "evaluate": ["evaluate", "ninh_thuan_2020", FACTS],
    "explain": ["explain", "ninh_thuan_2020", FACTS, "nv-0029"],
    "award": ["award", "ninh_thuan_2020", FACTS],
    "near": ["near", "ninh_thuan_2020", FACTS],
    "list": ["list"],
    "diff": ["diff", "ninh_thuan_2020", "ninh_thuan_2025"],
}


@pytest.mark.parametrize("width", [80, 120, 200])
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.slow
def test_a_command_reads_on_a_terminal(command: str, lang: str, width: int) -> None:
    args = [*COMMANDS[command], "--lang", lang]  # every command takes --lang (issue 24)
    raw = on_terminal(args, width)
    assert "\\u001b" not in raw and "\\x1b" not in raw, "an escape sequence printed as text"
    lines = shown(raw)
    assert "\x1b" not in "\n".join(lines), "an escape sequence that is not a colour"
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, f"{len(too_wide)} line(s) wider than {width} columns: {too_wide[0]!r}"
    if command == "evaluate":
        words = {w for line in lines for w in line.split()}
        split = [i for i in candidate_ids() if i not in words]
        assert not split, f"ids not whole on a line: {split}"
    if command == "explain":
        assert "(nv-0029)" in lines[0]


@pytest.mark.slow  # a fresh process on a terminal
def test_colour_is_the_terminals_own() -> None:
    """On a terminal the verdicts are coloured by escape sequences the terminal reads."""
    raw = on_terminal(COMMANDS["evaluate"], 200)
    assert "\x1b[32m" in raw  # eligible rows in green
    assert "\\u001b" not in raw


@pytest.mark.slow  # a fresh process on a terminal
@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_colour_when_asked(env: dict[str, str]) -> None:
    raw = on_terminal(COMMANDS["evaluate"], 120, env)
    assert "\x1b" not in raw and "\\u001b" not in raw
    assert "so-noi-vu" in raw


@pytest.mark.slow  # a fresh process on a terminal
def test_a_pipe_is_plain_unless_colour_is_forced() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    plain = subprocess.run([EXE, *COMMANDS["evaluate"]], capture_output=True, text=True, cwd=ROOT, env=env)
    assert "\x1b" not in plain.stdout and "\\u001b" not in plain.stdout
    forced = subprocess.run(
        [EXE, *COMMANDS["evaluate"]], capture_output=True, text=True, cwd=ROOT, env={**env, "FORCE_COLOR": "1"}
    )
    assert "\x1b[32m" in forced.stdout and "\\u001b" not in forced.stdout


@pytest.mark.slow  # a fresh process on a terminal
def test_a_hidden_character_in_a_name_is_shown(tmp_path: Path) -> None:
    """A name carrying a character that prints nothing (a zero-width space: a name that looks
    like another) reaches the terminal as the text `\\u200b`, and the table's columns are
    measured with it. (A name holding a control character is refused when the file is read.)"""
    text = (ROOT / FACTS).read_text(encoding="utf-8").replace("name: Sở Nội vụ", 'name: "Sở Nội\\u200b vụ"', 1)
    assert "\\u200b" in text
    facts = tmp_path / "facts.yaml"
    facts.write_text(text, encoding="utf-8")
    raw = on_terminal(["evaluate", "ninh_thuan_2020", str(facts)], 200)
    assert "Sở Nội\\u200b vụ" in raw
    lines = shown(raw)
    assert all(cell_len(line) <= 200 for line in lines)
