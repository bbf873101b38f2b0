"""Benchmark: the Word report of a file where everyone is on a list (issue 23.7: ≤ 10 s at 10,000).

The bench's synthetic file (bench/synth.py `facts_data`) puts ~1,500 of 10,000 candidates on the
Word report's lists; `synth.listed_data` puts all of them there (proposed, tied at the cut-off, or in
reserve), the case where writing the tables cell by cell through python-docx took minutes. This
script times `thidua -q report ninh_thuan_2020 FILE -o report.docx` as a whole process — wall time
and CPU time of the process (the machine is shared: CPU time is what load does not inflate) — and
counts the rows of the document's tables; prints one Markdown row for bench/RESULTS.md.

    python bench/docx_lists.py                        # 10,000 candidates, 3 runs, this checkout
    python bench/docx_lists.py --cli /other/cli.py    # another checkout's code (e.g. before a change)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH)]


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="candidates")
    ap.add_argument("--runs", type=int, default=3, help="runs (the median is reported)")
    ap.add_argument("--cli", type=Path, default=ROOT / "cli.py", help="the cli.py whose code is timed")
    args = ap.parse_args()
    import synth

    with tempfile.TemporaryDirectory(prefix="thidua-docx-") as tmp:
        facts = Path(tmp) / f"listed_{args.n}.json"
        facts.write_text(json.dumps(synth.listed_data(args.n), ensure_ascii=False, default=str), encoding="utf-8")
        out = Path(tmp) / "report.docx"
        cmd = [sys.executable, str(args.cli), "-q", "report", "ninh_thuan_2020", str(facts), "-o", str(out)]
        walls, cpus = [], []
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ)
            walls.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        with zipfile.ZipFile(out) as z:
            rows = z.read("word/document.xml").count(b"<w:tr")
    load = os.getloadavg()[0]
    print(
        f"| {args.n:,} | {rows:,} | {args.runs} | {statistics.median(walls):.2f} | "
        f"{statistics.median(cpus):.2f} | {load:.1f} | {args.cli} |"
    )


if __name__ == "__main__":
    main()
