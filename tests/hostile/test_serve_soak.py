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

# Each API request unpickles its campaign, and engine/model/facts.py keeps a table per catalogue
# object for ever (`_GROUP_TABLES`, `_FAST`: ~50 KB a request); the `grammar` branch bounds them.
# Until then this test is expected to fail (~20 KB a request: near the bound, so not strict).
from engine.model import facts as _facts  # noqa: E402

GROWING_CACHES = hasattr(_facts, "_GROUP_TABLES") or hasattr(_facts, "_FAST")


@pytest.mark.slow
@pytest.mark.xfail(GROWING_CACHES, reason="facts.py's per-request caches (the grammar branch's fix)", strict=False)
@pytest.mark.skipif(sys.platform != "linux", reason="RSS read from /proc without psutil")
def test_a_short_soak_keeps_the_server_the_same_size() -> None:
    facts = (ROOT / "examples" / "ninh_thuan_2020.yaml").stat().st_size
    # the store keeps 3 uploads (by bytes): it is full after a few requests, so what grows after is a leak
    s = soak(480, every=16, warmup=160, THIDUA_MAX_KEPT_BYTES=str(3 * facts + 1000))
    assert not [k for k in s.statuses if k.endswith((" 500", " 0"))], s.statuses
    assert s.growth < GROWTH_MB, (s.settled, s.growth, s.samples)
