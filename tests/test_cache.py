"""The start-up cache (engine.common.cache): a kept result is the one the same code made from the
same bytes, and a damaged, misplaced or unsafe cache never changes a result — it is made again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.common import cache, environment
from engine.common.environment import Environment
from engine.common.message import Msg
from engine.model.campaign import read_campaign
from engine.model.vocabulary import say

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"


def _evaluate(cache_dir: str, tmp: Path, name: str) -> bytes:
    """`thidua evaluate` of the example in a fresh process with the cache at `cache_dir` ('' = off)."""
    out = tmp / name
    env = {**os.environ, cache.CACHE_ENV: cache_dir}
    cmd = [sys.executable, str(ROOT / "cli.py"), "-q", "evaluate", "ninh_thuan_2020", str(EXAMPLE), "-f", "json"]
    subprocess.run([*cmd, "-o", str(out)], check=True, env=env, cwd=ROOT, capture_output=True)
    return out.read_bytes()


@pytest.mark.slow
def test_kept_results_give_the_same_bytes_and_damage_is_made_again(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    fresh = _evaluate("", tmp_path, "off.json")
    assert _evaluate(str(folder), tmp_path, "first.json") == fresh  # made, and kept
    kept = sorted(folder.glob("*.pickle"))
    assert {p.name.split("-")[0] for p in kept} == {"campaign", "catalogue", "vocabulary"}
    assert _evaluate(str(folder), tmp_path, "kept.json") == fresh  # read back
    for p in kept:  # a flipped byte, a cut-short file, a file kept under another key
        data = bytearray(p.read_bytes())
        data[len(data) // 2] ^= 0xFF
        p.write_bytes(bytes(data))
    assert _evaluate(str(folder), tmp_path, "flipped.json") == fresh
    for p in sorted(folder.glob("*.pickle")):
        p.write_bytes(p.read_bytes()[:100])
    assert _evaluate(str(folder), tmp_path, "cut.json") == fresh
    campaign = next(folder.glob("campaign-*.pickle"))
    vocabulary = next(folder.glob("vocabulary-*.pickle"))
    shutil.copyfile(vocabulary, campaign)  # sealed, but for another key
    assert _evaluate(str(folder), tmp_path, "misplaced.json") == fresh


def test_a_changed_campaign_is_read_again(tmp_path: Path) -> None:
    # the cache folder is the session's (an edge reads THIDUA_CACHE_DIR into it): in scope here
    with environment.using(Environment(cache=tmp_path / "cache")):
        path = tmp_path / "mine.yaml"
        text = (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
        path.write_text(text, encoding="utf-8")
        first = read_campaign(path).require_campaign()
        again = read_campaign(path).require_campaign()  # from the cache
        assert list((tmp_path / "cache").iterdir())
        assert again.model == first.model and again.sha256 == first.sha256
        path.write_text(text.replace("title:", "title_typo:", 1), encoding="utf-8")
        changed = read_campaign(path)
    assert changed.campaign is None
    said = [(say(p.message, "vi"), say(p.message, "en")) for p in changed.problems if isinstance(p.message, Msg)]
    assert any("khóa 'title_typo' không có trong mẫu" in vi for vi, _ in said)
    assert any("unknown key 'title_typo'" in en for _, en in said)


def test_a_cache_folder_others_may_write_is_not_used(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    with environment.using(environment.read({cache.CACHE_ENV: str(folder)})):
        assert cache.cache_dir() is None
        assert cache.remembered("x", ("a",), lambda: 1) == 1 and not list(folder.iterdir())
        folder.chmod(0o700)
        assert cache.cache_dir() == folder
    with environment.using(environment.read({cache.CACHE_ENV: ""})):
        assert cache.cache_dir() is None  # off
    assert cache.cache_dir() is None  # no session in scope: no cache (nothing read from the process)
