"""Outputs never replace what they must not (issue 13.3).

`-o` onto a device or a named pipe writes into it, never renames a file over it; a read-only
output is refused; an existing output keeps its mode; SIGTERM leaves no temporary file.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
runner = CliRunner()


def _evaluate_to(out: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(EXAMPLE), "-f", "json", "-o", str(out)])
    return result.exit_code, result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_is_written_into_not_replaced(tmp_path: Path) -> None:
    """A private copy of /dev/null (never the real one: the old helper, as root, replaced it)."""
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    code, err = _evaluate_to(null)
    assert code == 0, err
    assert stat.S_ISCHR(null.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_a_named_pipe_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, err = _evaluate_to(fifo)
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert b'"campaign": "ninh_thuan_2020"' in got[0]
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_read_only_output_is_refused_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text("keep me", encoding="utf-8")
    out.chmod(0o444)
    code, err = _evaluate_to(out)
    assert code == 2
    assert err.strip() == f"{out}: the file is read-only — make it writable first, or choose another output name"
    assert out.read_text(encoding="utf-8") == "keep me" and stat.S_IMODE(out.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_an_existing_output_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    code, err = _evaluate_to(out)
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("{")


SIGTERM_MID_WRITE = """
import os, signal, sys
import engine.render.output as output
real = output.os.replace
def replace(src, dst):  # the signal arrives while the temporary file exists
    os.kill(os.getpid(), signal.SIGTERM)
    real(src, dst)
output.os.replace = replace
sys.argv = ["thidua", "evaluate", "ninh_thuan_2020", sys.argv[1], "-f", "json", "-o", sys.argv[2]]
import cli
cli.main()
"""


def test_sigterm_is_handled_like_ctrl_c_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [sys.executable, "-c", SIGTERM_MID_WRITE, str(EXAMPLE), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "thidua: interrupted"
    assert list(tmp_path.iterdir()) == []
