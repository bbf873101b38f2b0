"""Near misses (issue 15.3) and the progress line (issue 15.2)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from engine.evaluate.allocate import allocate
from engine.explain.near import near_misses
from engine.pipeline import run
from engine.render.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _near(campaign: str, within: int = 1):  # type: ignore[no-untyped-def]
    return near_misses(allocate(run(campaign, ROOT / "examples" / f"{campaign}.yaml")), within)


def test_one_condition_short_with_what_would_have_to_change() -> None:
    n = _near("ninh_thuan_2020")
    short = {s.result.id: s for s in n.short}
    # UBND huyện Thuận Nam: every criterion met but one, unknown — the one to call about
    thuan_nam = short["ubnd-thuan-nam"]
    assert [r.id for r in thuan_nam.rules] == ["unit_par_tasks_done_well"] and thuan_nam.count == 1
    assert all(s.result.verdict in ("ineligible", "incomplete") for s in n.short)
    # a disqualified unit or a late file is not a near miss: no data can change it before the deadline
    assert "so-tai-chinh" not in short and "so-tttt" not in short
    assert all(s.count == 1 for s in n.short)
    wider = _near("ninh_thuan_2020", within=3)
    assert len(wider.short) > len(n.short) and [s.count for s in wider.short] == sorted(s.count for s in wider.short)


def test_reserve_by_gap_and_ties() -> None:
    n = _near("my_thanh_2015")
    gaps = [b.gap for b in n.reserve]
    assert gaps == sorted(gaps) and gaps[0] == 1
    assert all(b.ranked.status == "reserve" for b in n.reserve)
    assert {r.id for g in n.ties for r in g.tie} == {
        "le-minh-tam",
        "vo-thi-kim-loan",
        "nguyen-thi-bich-tuyen",
        "tran-van-sang",
    }


def test_near_command_text_and_json() -> None:
    example = str(ROOT / "examples" / "my_thanh_2015.yaml")
    text = runner.invoke(app, ["near", "my_thanh_2015", example])
    assert text.exit_code == 0
    assert "Còn 1 điều kiện chưa đạt hoặc chưa rõ (5 trường hợp)" in text.stdout
    assert "Thực hiện công tác CCHC khoa học, linh hoạt, sáng tạo, hiệu quả (II.2): Không đạt:" in text.stdout
    assert "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã Mỹ Thạnh (doan-thanh-nien-xa)" in text.stdout
    assert "kém 1 bậc" in text.stdout
    data = json.loads(runner.invoke(app, ["near", "my_thanh_2015", example, "-f", "json"]).stdout)
    assert data["within"] == 1 and data["short"][0]["id"] == "hoi-ccb-xa"
    assert data["short"][0]["rules"][0]["outcome"] == "fail"
    first = data["reserve"][0]
    assert first["group"] == "collective" and first["rank"] == 2 and first["gap"] == 1
    assert {"doan-thanh-nien-xa", "cong-an-xa"} <= {r["id"] for r in data["reserve"]}
    en = runner.invoke(app, ["near", "my_thanh_2015", example, "--lang", "en"]).stdout
    assert "1 condition short or unknown (5)" in en  # CLDR's singular (was "condition(s)")
    assert "1 place below" in en


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_on_a_terminal_after_the_delay() -> None:
    quick = _Terminal()
    with Progress("vi", file=quick, delay=1.0) as p:
        p.stage("load", files=1)
    assert quick.getvalue() == ""  # done before a second: nothing at all
    slow = _Terminal()
    with Progress("vi", file=slow, delay=0.01) as p:
        p.stage("evaluate", n=12000)
        time.sleep(0.3)
    assert "Đang đánh giá 12.000 trường hợp…" in slow.getvalue()
    pipe = io.StringIO()  # not a terminal
    with Progress("vi", file=pipe, delay=0.0) as p:
        p.stage("evaluate", n=1)
        time.sleep(0.1)
    assert pipe.getvalue() == ""
    assert not Progress("vi", file=_Terminal(), enabled=False).enabled  # --quiet


def test_quiet_is_a_global_option() -> None:
    example = str(ROOT / "examples" / "ninh_thuan_2020.yaml")
    assert runner.invoke(app, ["--quiet", "evaluate", "ninh_thuan_2020", example]).exit_code == 0


def test_progress_counts_the_files_a_folder_holds(tmp_path: Path) -> None:
    """The progress line says how many files are read: a folder's files, not the one argument."""
    import shutil

    for name in ("a.yaml", "b.yaml"):
        shutil.copy(ROOT / "examples" / "ninh_thuan_2020.yaml", tmp_path / name)
    (tmp_path / "b.yaml").write_text("people: []\n", encoding="utf-8")
    stages: list[tuple[str, dict[str, int]]] = []
    run("ninh_thuan_2020", [tmp_path], stage=lambda key, **n: stages.append((key, n)))
    assert stages[0] == ("load", {"files": 2})


class _Broken(_Terminal):
    def write(self, text: str) -> int:
        raise OSError("the terminal went away")


def test_a_progress_line_that_cannot_show_is_silent() -> None:
    """The display runs on a timer's thread: if it cannot start, no traceback — the run goes on."""
    import threading

    seen: list[BaseException] = []
    old = threading.excepthook
    threading.excepthook = lambda args: seen.append(args.exc_value)  # type: ignore[assignment,misc]
    try:
        with Progress("vi", file=_Broken(), delay=0.01) as p:
            p.stage("load", files=1)
            time.sleep(0.3)
    finally:
        threading.excepthook = old
    assert seen == []
