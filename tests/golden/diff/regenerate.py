"""Regenerate the golden diff output: `python tests/golden/diff/regenerate.py` (read the result before committing)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from typer.testing import CliRunner  # noqa: E402

from cli import app  # noqa: E402

GOLDEN = {
    "ninh_thuan_2020_2025.txt": [
        "diff",
        "ninh_thuan_2020",
        "ninh_thuan_2025",
        "--facts",
        "examples/ninh_thuan_2020.yaml",
    ],
}

if __name__ == "__main__":
    for name, args in GOLDEN.items():
        result = CliRunner().invoke(app, args)
        if result.exit_code != 0:
            sys.exit(f"{name}: thidua {' '.join(args)} exited {result.exit_code}: {result.output}")
        (Path(__file__).parent / name).write_text(result.stdout, encoding="utf-8")
        print(f"wrote {name}")
