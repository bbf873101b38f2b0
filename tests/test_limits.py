"""Limits set in the environment as people write them (issue 26, that point): `200MB`, `1.5 GB`,
`5.000.000` are read; a value that cannot be read stops the command with one line and exit 2 —
never a traceback at start-up, never a limit the user did not mean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.common.limits import amount

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("200MB", 200 * 1024**2),
        ("1.5 GB", int(1.5 * 1024**3)),
        ("1,5GB", int(1.5 * 1024**3)),
        ("64M", 64 * 1024**2),
        ("10 KiB", 10 * 1024),
        ("65536", 65536),
        ("5.000.000", 5_000_000),
        ("5,000,000", 5_000_000),
        (" 100 ", 100),
        ("0", None),
        ("-5", None),
        ("lots", None),
        ("200 MBytes", None),
    ],
)
def test_an_amount_is_read_as_written(text: str, value: int | None) -> None:
    assert amount(text) == value


def _thidua(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    return subprocess.run(
        [sys.executable, "-c", "import cli; cli.main()", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, **env},
        check=False,
    )


@pytest.mark.slow  # a fresh process
def test_a_limit_written_with_its_unit_is_used() -> None:
    done = _thidua({"THIDUA_MAX_BYTES": "200MB"}, "evaluate", "ninh_thuan_2020", str(EXAMPLE), "-f", "json")
    assert done.returncode == 0, done.stderr
    small = _thidua({"THIDUA_MAX_BYTES": "1KB"}, "evaluate", "ninh_thuan_2020", str(EXAMPLE))
    assert small.returncode == 2 and "vượt giới hạn 1.024 byte" in small.stderr, small.stderr


@pytest.mark.slow  # a fresh process
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_unreadable_limit_is_one_line_and_exit_2(lang: str) -> None:
    refused = _thidua({"THIDUA_MAX_BYTES": "lots", "THIDUA_LANG": lang}, "evaluate", "ninh_thuan_2020", str(EXAMPLE))
    assert refused.returncode == 2 and refused.stdout == ""
    lines = refused.stderr.strip().split("\n")
    assert len(lines) == 1 and "Traceback" not in refused.stderr, refused.stderr
    expected = "không đọc được giá trị 'lots'" if lang == "vi" else "cannot read the value 'lots'"
    assert lines[0].startswith("THIDUA_MAX_BYTES: ") and expected in lines[0], lines[0]
