"""Benchmark: native and durable backends against a hand-written yardstick; writes bench/RESULTS.md.

    python bench/run.py                      # 1k, 10k, 100k (both backends) and 1M (native)
    python bench/run.py --sizes 1000,10000   # quicker
    python bench/run.py --durable-max 10000  # durable only up to 10k

Campaign: ninh_thuan_2020 (13 rules). Facts: synthetic JSON files from bench/synth.py (30%
units, 70% people; values spread over pass, fail, unknown, n/a and the boundaries). Every
(size, backend) runs in its own process, so its peak memory (ru_maxrss) is its own.

Figures, per size and backend:
- load: reading + validating the JSON facts file (`engine.readers.load_facts`), against a bare
  `json.loads` of the same bytes;
- decide: verdict + every rule's outcome for every candidate. Native: the compact path
  (`engine.evaluate.backends.native.decide`); durable: `engine.evaluate.core.evaluate(backend="durable")`.
  Native's full `evaluate` (per-rule result objects, what `thidua evaluate` builds before
  rendering) is reported beside it;
- the yardstick: the same campaign as a hand-written Python function (bench/yardstick.py),
  checked to agree with the engine before it is timed;
- peak memory of the process (load + evaluate), and its ratio to the file size.
Plus the CLI's start-up on a one-candidate file against `python -c "import yaml, pydantic, typer"`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]


def _rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    fork + exec, so a child would inherit the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def child(path: Path, backend: str) -> dict[str, Any]:
    """One measurement in a fresh process: load, evaluate, yardstick; then json.loads as the baseline."""
    import yardstick

    from engine.common.speed import gc_paused
    from engine.evaluate.backends.native import decide
    from engine.evaluate.core import evaluate
    from engine.model.campaign import load_campaign
    from engine.readers import load_facts

    campaign = load_campaign("ninh_thuan_2020")
    base_mb = _rss_mb()
    size = path.stat().st_size
    n = int(path.stem.split("_")[-1])
    repeat = 5 if n <= 100_000 else 1
    out: dict[str, Any] = {"backend": backend, "n": n, "file_mb": size / 2**20}
    with gc_paused():  # as engine.pipeline.run does
        t = time.perf_counter()
        facts = load_facts(path, campaign.catalogue)
        out["load_s"] = time.perf_counter() - t
        compact = decide(campaign, facts)
        out["decisions"] = sum(len(o) for o in compact.outcomes)
        verdicts, outcomes = yardstick.judge_all(facts.candidates)
        if (verdicts, outcomes) != (compact.verdicts, compact.outcomes):
            raise SystemExit("the yardstick and the engine disagree: fix one before timing")
        out["yardstick_s"] = _best(lambda: yardstick.judge_all(facts.candidates), repeat)
        if backend == "native":
            out["decide_s"] = _best(lambda: decide(campaign, facts), repeat)
            out["evaluate_full_s"] = _best(lambda: evaluate(campaign, facts), 1)
        else:
            t = time.perf_counter()
            ev = evaluate(campaign, facts, backend="durable")
            out["decide_s"] = time.perf_counter() - t
            if [r.verdict for r in ev.results] != compact.verdicts:
                raise SystemExit("durable and native disagree")
    out["peak_mb"] = _rss_mb()
    out["base_mb"] = base_mb
    raw = path.read_bytes()
    out["json_loads_s"] = _best(lambda: json.loads(raw), 1 if n > 100_000 else 3)
    return out


def startup(tmp: Path) -> dict[str, float]:
    import synth

    one = tmp / "one.json"
    data = synth.facts_data(1)
    one.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    thidua = Path(sys.executable).parent / "thidua"
    cli = [str(thidua)] if thidua.exists() else [sys.executable, str(ROOT / "cli.py")]

    def run(cmd: list[str]) -> float:
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - t

    cmds = {
        "cli": [*cli, "evaluate", "ninh_thuan_2020", str(one), "--format", "json"],
        "imports": [sys.executable, "-c", "import yaml, pydantic, typer"],
    }
    for cmd in cmds.values():
        run(cmd)  # warm the file cache
    return {k: statistics.median(run(c) for _ in range(9)) for k, c in cmds.items()}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} CPUs{mem}; {system}; Python {platform.python_version()}"


def _fmt(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}" if x >= 0.1 else f"{x:.3f}"


def report(rows: list[dict[str, Any]], start: dict[str, float]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()}.",
        "Campaign ninh_thuan_2020 (13 rules); synthetic JSON facts from bench/synth.py; `python bench/run.py`.",
        "Times are medians of 5 runs (1 run at 1M and for durable); each (size, backend) is its own process.",
        "",
        "| candidates | backend | load + validate s | ÷ json.loads | decide s | candidates/s | rule decisions/s "
        "| ÷ yardstick (time) | full `evaluate` s | peak MB | ÷ file size |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_n: dict[int, dict[str, dict[str, Any]]] = {}
    for r in rows:
        by_n.setdefault(r["n"], {})[r["backend"]] = r
    for n in sorted(by_n):
        for backend in ("native", "durable"):
            r = by_n[n].get(backend)
            if r is None:
                continue
            full = _fmt(r["evaluate_full_s"]) if "evaluate_full_s" in r else "—"
            lines.append(
                f"| {n:,} | {backend} | {_fmt(r['load_s'])} | {r['load_s'] / r['json_loads_s']:.1f}× "
                f"| {_fmt(r['decide_s'])} | {n / r['decide_s']:,.0f} | {r['decisions'] / r['decide_s']:,.0f} "
                f"| {r['decide_s'] / r['yardstick_s']:.2f}× | {full} | {r['peak_mb']:,.0f} "
                f"| {r['peak_mb'] / r['file_mb']:.1f}× |"
            )
    lines += ["", "Yardstick (hand-written Python, bench/yardstick.py), same candidates:", ""]
    lines += [
        "| candidates | yardstick s | candidates/s | file MB | process baseline MB |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n in sorted(by_n):
        r = by_n[n].get("native") or next(iter(by_n[n].values()))
        lines.append(
            f"| {n:,} | {_fmt(r['yardstick_s'])} | {n / r['yardstick_s']:,.0f} | {r['file_mb']:.1f} "
            f"| {r['base_mb']:.0f} |"
        )
    lines += ["", "## Targets (issue 5)", ""]
    lines += ["| target | measured | met |", "|---|---|---|"]
    hundred = by_n.get(100_000, {})
    if "native" in hundred and "durable" in hundred:
        x = hundred["durable"]["decide_s"] / hundred["native"]["decide_s"]
        lines.append(f"| native ≥ 100× durable throughput, 100k | {x:,.0f}× | {'yes' if x >= 100 else 'no'} |")
    if "native" in hundred:
        nat = hundred["native"]
        x = nat["decide_s"] / nat["yardstick_s"]
        lines.append(f"| native ≤ 1.5× the yardstick's time, 100k | {x:.2f}× | {'yes' if x <= 1.5 else 'no'} |")
        x = nat["evaluate_full_s"] / nat["yardstick_s"]
        lines.append(
            f"| (the same for the full `evaluate`, per-rule result objects) | {x:.2f}× "
            f"| {'yes' if x <= 1.5 else 'no'} |"
        )
        x = nat["load_s"] / nat["json_loads_s"]
        lines.append(f"| load + validate 100k ≤ 4× json.loads | {x:.1f}× | {'yes' if x <= 4 else 'no'} |")
    million = by_n.get(1_000_000, {}).get("native")
    if million:
        x = million["peak_mb"] / million["file_mb"]
        lines.append(f"| peak memory for 1M from JSON ≤ 3× file size | {x:.1f}× | {'yes' if x <= 3 else 'no'} |")
    if start:
        x = start["cli"] / start["imports"]
        lines.append(
            f"| `thidua evaluate` on one candidate ≤ 2× `import yaml, pydantic, typer` "
            f"| {start['cli'] * 1000:.0f} ms vs {start['imports'] * 1000:.0f} ms = {x:.2f}× "
            f"| {'yes' if x <= 2 else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000,1000000", help="candidate counts, comma-separated")
    ap.add_argument("--durable-max", type=int, default=100_000, help="largest size run on durable-rules")
    ap.add_argument("--data", type=Path, default=None, help="where to keep the generated files (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=BENCH / "RESULTS.md", help="where to write the results table")
    ap.add_argument("--child", nargs=2, metavar=("FILE", "BACKEND"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1])))
        return
    tmp = args.data or Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        run_all(args, tmp)
    finally:
        if args.data is None:  # generated files reach ~360 MB: keep them only where asked to
            shutil.rmtree(tmp, ignore_errors=True)


def run_all(args: argparse.Namespace, tmp: Path) -> None:
    env = {**os.environ, "THIDUA_MAX_BYTES": str(4 * 2**30), "THIDUA_MAX_NODES": str(10**9)}
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        path = tmp / f"facts_{n}.json"
        if not path.exists():  # in its own process, to keep this one small
            print(f"generating {n:,} candidates …", file=sys.stderr)
            code = (
                "import sys, pathlib; sys.path.insert(0, sys.argv[1]); import synth; "
                "synth.write(pathlib.Path(sys.argv[2]), int(sys.argv[3]))"
            )
            subprocess.run([sys.executable, "-c", code, str(BENCH), str(path), str(n)], check=True)
        for backend in ("native", "durable"):
            if backend == "durable" and n > args.durable_max:
                continue
            print(f"{n:,} candidates, {backend} …", file=sys.stderr)
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path), backend],
                check=False,
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
            )
            if done.returncode != 0:  # say why (e.g. the yardstick and the engine disagree)
                sys.exit(f"bench: {n:,} candidates on {backend} failed:\n{done.stderr.strip()}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    start = startup(tmp)
    text = report(rows, start)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
