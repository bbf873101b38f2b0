"""A short soak of `thidua serve` (bench/soak_serve.py; the long one writes bench/SOAK.md): after a
warm-up, a few hundred mixed requests — pages, uploads, evaluations, validate, refusals — leave its
resident memory within a few MB of where it settled (issue 26, point 2)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from soak_serve import soak  # noqa: E402

GROWTH_MB = 6.0


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="RSS read from /proc without psutil")
def test_a_short_soak_keeps_the_server_the_same_size() -> None:
    facts = (ROOT / "examples" / "ninh_thuan_2020.yaml").stat().st_size
    # the store keeps 3 uploads (by bytes): it is full after a few requests, so what grows after is a leak
    s = soak(480, every=16, warmup=160, THIDUA_MAX_KEPT_BYTES=str(3 * facts + 1000))
    assert not [k for k in s.statuses if k.endswith((" 500", " 0"))], s.statuses
    assert s.growth < GROWTH_MB, (s.settled, s.growth, s.samples)
