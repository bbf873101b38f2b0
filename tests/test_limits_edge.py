"""The limits set in the environment apply at both edges (engine.common.limits: read once, from the
process's environment, when it is first imported): the command line's THIDUA_MAX_BYTES and the web
app's, each in a fresh process whose environment sets it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"

WEB = """
from fastapi.testclient import TestClient
from engine.web.app import create_app
from engine.common import limits
with TestClient(create_app(), base_url="http://127.0.0.1") as client:
    got = client.post(
        "/api/campaigns/ninh_thuan_2020/evaluate?lang=en",
        files=[("facts", ("f.yaml", open(sys.argv[1], "rb").read(), "application/yaml"))],
    )
print(limits.MAX_BYTES, got.status_code, got.text)
"""


def _env(tmp_path: Path, limit: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    env |= {"THIDUA_CACHE_DIR": "", "THIDUA_LOG_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    return env | ({"THIDUA_MAX_BYTES": limit} if limit else {})


# each test starts a process (the limits are read once, at its edge): slow, still in the default suite
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("limit", ["2000", "2KB"])
def test_the_command_lines_limit_applies(tmp_path: Path, limit: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "evaluate", "ninh_thuan_2020", str(EXAMPLE)],
        capture_output=True,
        env=_env(tmp_path, limit),
        check=False,
        timeout=300,
    )
    err = done.stderr.decode()
    assert done.returncode == 2 and "vượt giới hạn 2.0" in err and "THIDUA_MAX_BYTES" in err, err


def test_the_web_apps_limit_applies(tmp_path: Path) -> None:
    script = "import sys\n" + WEB
    done = subprocess.run(
        [sys.executable, "-c", script, str(EXAMPLE)],
        capture_output=True,
        env=_env(tmp_path, "2000"),
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    size, status, message = out.strip().split(" ", 2)
    assert size == "2000" and status == "413" and "over the limit of 2,000" in message, out


def test_without_the_setting_the_default_applies(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys\n" + WEB, str(EXAMPLE)],
        capture_output=True,
        env=_env(tmp_path, None),
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    size, status, _ = done.stdout.decode().strip().split(" ", 2)
    assert done.returncode == 0 and size == str(64 * 1024 * 1024) and status == "200", done.stderr.decode()
