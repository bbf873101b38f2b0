"""An install that works anywhere (issue 15.4): the wheel carries the campaigns, the catalogue, the
reward table, the templates, the schemas and the examples; installed in a fresh venv without the
`durable` extra it runs from outside the checkout, and `--backend durable` says how to get it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # builds the wheel and installs it into a fresh venv


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the venv's bin folder): built from this checkout, installed without extras."""
    tmp = tmp_path_factory.mktemp("install")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(ROOT)], tmp)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("thidua-*.whl")
    made = _run([sys.executable, "-m", "venv", str(tmp / "venv")], tmp)
    assert made.returncode == 0, made.stderr
    bin_dir = tmp / "venv" / ("Scripts" if os.name == "nt" else "bin")
    got = _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp)
    assert got.returncode == 0, got.stderr
    return wheel, bin_dir


def test_the_wheel_carries_the_data(installed: tuple[Path, Path]) -> None:
    names = set(zipfile.ZipFile(installed[0]).namelist())
    for shipped in (
        "thidua_campaigns/facts.yaml",
        "thidua_campaigns/rewards.yaml",
        "thidua_campaigns/patterns.yaml",
        "thidua_campaigns/ninh_thuan_2020.yaml",
        "thidua_templates/vocabulary.yaml",
        "thidua_templates/locale/vi/LC_MESSAGES/click.mo",
        "thidua_templates/report.html.j2",
        "thidua_templates/web/base.html.j2",
        "thidua_templates/web/static/app.css",
        "thidua_templates/web/static/app.js",
        "engine/web/app.py",
        "thidua_schemas/facts.schema.json",
        "thidua_examples/ninh_thuan_2020.yaml",
        "cli.py",
        "engine/py.typed",
    ):
        assert shipped in names, shipped
    root = Path(__file__).resolve().parent.parent
    for package in sorted((root / "engine").rglob("__init__.py")):  # every package of the engine, a new one too
        assert package.relative_to(root).as_posix() in names, f"{package.parent} not in the wheel: pyproject `packages`"
    requires = next(n for n in names if n.endswith("METADATA"))
    metadata = zipfile.ZipFile(installed[0]).read(requires).decode()
    assert "Requires-Dist: rich" in metadata
    assert "Requires-Dist: fastapi" in metadata and "Requires-Dist: uvicorn" in metadata
    assert 'Requires-Dist: durable-rules>=2.0.28; extra == "durable"' in metadata  # an extra, not required


def test_installed_runs_outside_the_checkout(installed: tuple[Path, Path], tmp_path: Path) -> None:
    bin_dir = installed[1]
    thidua = str(bin_dir / "thidua")
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_") and k != "PYTHONPATH"}
    listed = _run([thidua, "list"], tmp_path, env)
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        "my_thanh_2015",
        "ninh_thuan_2020",
        "ninh_thuan_2025",
        "syt_2024",
        "uong_bi_2024",
    ]
    assert _run([thidua, "example", "ninh_thuan_2020", "-o", "facts.yaml"], tmp_path, env).returncode == 0
    ev = _run([thidua, "evaluate", "ninh_thuan_2020", "facts.yaml"], tmp_path, env)
    assert ev.returncode == 0, ev.stderr
    assert "Đủ điều kiện: 35" in ev.stdout
    no_durable = _run([thidua, "evaluate", "ninh_thuan_2020", "facts.yaml", "--backend", "durable"], tmp_path, env)
    assert no_durable.returncode == 2 and not no_durable.stdout
    assert no_durable.stderr.strip().splitlines() == [
        "--backend: chưa cài bộ máy suy luận durable — cài bằng pip install 'thidua[durable]' (cần trình biên dịch C), "
        "hoặc dùng --backend native"
    ]
    args = [thidua, "evaluate", "ninh_thuan_2020", "facts.yaml", "--backend", "durable"]
    no_durable = _run(args, tmp_path, {**env, "THIDUA_LANG": "en"})
    assert no_durable.stderr.strip().splitlines() == [
        "--backend: the durable backend is not installed — pip install 'thidua[durable]' (it needs a C compiler), "
        "or use --backend native"
    ]
    version = _run([thidua, "--version"], tmp_path, env)
    assert version.returncode == 0 and version.stdout.startswith("thidua ")
    # the help in Vietnamese, Typer's own headings from the shipped catalogue (issue 24)
    shown = _run([thidua, "evaluate", "--help"], tmp_path, env)
    assert shown.stdout.startswith("Cách dùng: thidua evaluate") and "\nTùy chọn:\n" in shown.stdout, shown.stdout


def test_own_campaigns_beside_the_shipped_ones(installed: tuple[Path, Path], tmp_path: Path) -> None:
    own = tmp_path / "mine"
    own.mkdir()
    text = (ROOT / "campaigns" / "my_thanh_2015.yaml").read_text(encoding="utf-8")
    (own / "xa_my_thanh_2016.yaml").write_text(text.replace("id: my_thanh_2015", "id: xa_my_thanh_2016"), "utf-8")
    thidua = str(installed[1] / "thidua")
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    listed = _run([thidua, "--campaigns", str(own), "list"], tmp_path, env)
    assert "xa_my_thanh_2016" in listed.stdout and "ninh_thuan_2020" in listed.stdout
    by_env = _run([thidua, "validate", "xa_my_thanh_2016"], tmp_path, {**env, "THIDUA_CAMPAIGNS": str(own)})
    assert by_env.returncode == 0, by_env.stderr
    # init from an installed wheel writes into the user's folder, never into site-packages (issue 24)
    made = _run([thidua, "--campaigns", str(own), "init", "xa_my_thanh_2017", "--from", "my_thanh_2015"], tmp_path, env)
    assert made.returncode == 0, made.stderr
    assert (own / "xa_my_thanh_2017.yaml").is_file()
    here = _run([thidua, "init", "xa_my_thanh_2018", "--from", "my_thanh_2015"], tmp_path, env)
    assert here.returncode == 0 and (tmp_path / "xa_my_thanh_2018.yaml").is_file(), here.stderr
    assert not list((installed[1].parent).rglob("xa_my_thanh_201*.yaml"))
    # an upgrade (here: the same wheel again, forced) replaces the package and loses none of them
    again = _run(
        [
            str(installed[1] / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--force-reinstall",
            "--no-deps",
            str(installed[0]),
        ],
        tmp_path,
    )
    assert again.returncode == 0, again.stderr
    listed = _run([thidua, "--campaigns", str(own), "list"], tmp_path, env)
    assert "xa_my_thanh_2017" in listed.stdout and (tmp_path / "xa_my_thanh_2018.yaml").is_file()
    (own / "ninh_thuan_2020.yaml").write_text("x: 1\n", "utf-8")  # a shipped id: ambiguous, refused
    clash = _run([thidua, "--campaigns", str(own), "validate", "ninh_thuan_2020"], tmp_path, env)
    assert clash.returncode == 2 and "mã kế hoạch 'ninh_thuan_2020' trùng với tệp" in clash.stderr
    clash = _run(
        [thidua, "--campaigns", str(own), "validate", "ninh_thuan_2020"], tmp_path, {**env, "THIDUA_LANG": "en"}
    )
    assert clash.returncode == 2 and "campaign 'ninh_thuan_2020' is also" in clash.stderr


def test_installed_serves_the_web_app(installed: tuple[Path, Path], tmp_path: Path) -> None:
    """`thidua serve` from the installed wheel, outside the checkout: a page, its stylesheet, the API."""
    import json
    import urllib.request

    from serving import serving

    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_") and k != "PYTHONPATH"}
    with serving([str(installed[1] / "thidua")], tmp_path, env) as base:
        with urllib.request.urlopen(base + "/", timeout=5) as r:
            page = r.read().decode()
        assert "288/KH-UBND" in page and "Kế hoạch" in page
        with urllib.request.urlopen(base + "/static/app.css", timeout=5) as r:
            assert r.status == 200
        with urllib.request.urlopen(base + "/api/campaigns", timeout=5) as r:
            assert [c["id"] for c in json.load(r)][:2] == ["my_thanh_2015", "ninh_thuan_2020"]
