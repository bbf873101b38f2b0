"""Benchmark: the path users run (`evaluate`, and the whole `thidua evaluate` command) against a
hand-written yardstick, on the native and durable backends; writes bench/RESULTS.md.

    python bench/run.py                      # 1k, 10k, 100k (native); durable at 1k and 10k
    python bench/run.py --sizes 1000,10000   # quicker
    python bench/run.py --sizes 1000,10000,100000,1000000   # 1M only when asked for (minutes, ~4 GB)
    python bench/run.py --durable-max 100000 # durable at 100k too (slow: ~25 s a run)

Campaign: ninh_thuan_2020 (13 rules). Facts: synthetic JSON files from bench/synth.py (30%
units, 70% people; values spread over pass, fail, unknown, n/a and the boundaries). Every
(size, backend) runs in its own process, so its peak memory is its own.

Figures, per size and backend:
- load: reading + validating the JSON facts file (`engine.readers.load_facts`), against a bare
  `json.loads` of the same bytes;
- evaluate: `engine.evaluate.core.evaluate(campaign, facts, backend=...)`, what `thidua
  evaluate/explain/award/report` run (via `engine.pipeline.run`): per candidate and rule a
  `RuleResult` with its full trace;
- the yardstick: the same campaign as a hand-written Python function (bench/yardstick.py),
  checked to give the same verdicts and rule outcomes as `evaluate` before anything is timed;
- the command: `thidua evaluate CAMPAIGN FILE -f json -o OUT` as a subprocess (wall time, peak
  RSS of the child), against a floor: `json.load` of the input + `json.dump` of the output;
- a cProfile of `evaluate` at the profile size (native), its top functions by own time.
Plus the CLI's start-up on a one-candidate file against `python -c "import yaml, pydantic, typer, jinja2"`.
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


def _outcomes(ev: Any) -> tuple[list[str], list[tuple[str, ...]]]:
    verdicts = [r.verdict for r in ev.results]
    outcomes = [tuple(x.outcome for x in (*r.criteria, *r.disqualifiers)) for r in ev.results]
    return verdicts, outcomes


def child(path: Path, backend: str, profile: bool) -> dict[str, Any]:
    """One measurement in a fresh process: load, evaluate, yardstick; then json.loads as the baseline."""
    import yardstick

    from engine.common.speed import gc_paused
    from engine.evaluate.core import evaluate
    from engine.model.campaign import load_campaign
    from engine.readers import load_facts

    campaign = load_campaign("ninh_thuan_2020")
    base_mb = _rss_mb()
    size = path.stat().st_size
    n = int(path.stem.split("_")[-1])
    repeat = 1 if backend == "durable" or n > 100_000 else (3 if n >= 100_000 else 5)
    out: dict[str, Any] = {"backend": backend, "n": n, "file_mb": size / 2**20, "repeat": repeat}
    with gc_paused():  # as engine.pipeline.run does
        t = time.perf_counter()
        facts = load_facts(path, campaign.catalogue)
        out["load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    ev = evaluate(campaign, facts, backend=backend)
    first = time.perf_counter() - t
    verdicts, outcomes = _outcomes(ev)
    out["decisions"] = sum(len(o) for o in outcomes)
    if yardstick.judge_all(facts.candidates) != (verdicts, outcomes):
        raise SystemExit(f"the yardstick and evaluate(backend={backend!r}) disagree: fix one before timing")
    del ev
    with gc_paused():
        out["yardstick_s"] = _best(lambda: yardstick.judge_all(facts.candidates), repeat)
    out["evaluate_s"] = first if repeat == 1 else _best(lambda: evaluate(campaign, facts, backend=backend), repeat)
    out["peak_mb"] = _rss_mb()
    out["base_mb"] = base_mb
    raw = path.read_bytes()
    out["json_loads_s"] = _best(lambda: json.loads(raw), 1 if n > 100_000 else 3)
    if profile:
        out["profile"] = _profile(lambda: evaluate(campaign, facts, backend=backend))
    return out


def _profile(fn: Any, top: int = 12) -> dict[str, Any]:
    """cProfile of one call: the `top` functions by own time (tottime), with their share of the total."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    st = pstats.Stats(prof)
    rows = []
    for (file, line, name), (_cc, calls, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        short = file.replace(str(ROOT) + os.sep, "").replace(os.path.dirname(os.__file__) + os.sep, "stdlib/")
        where = f"{short}:{line}" if line else short
        rows.append({"fn": name, "where": where, "calls": calls, "tottime": tt, "cumtime": ct})
    rows.sort(key=lambda r: -r["tottime"])
    return {"total_s": st.total_tt, "rows": rows[:top]}  # type: ignore[attr-defined]


def _cli() -> list[str]:
    thidua = Path(sys.executable).parent / "thidua"
    return [str(thidua)] if thidua.exists() else [sys.executable, str(ROOT / "cli.py")]


def command(path: Path, backend: str, tmp: Path, env: dict[str, str], repeat: int) -> dict[str, Any]:
    """`thidua evaluate ... -f json -o OUT` as a subprocess: median wall time, peak RSS of the child;
    and the floor: json.load of the input + json.dump of the output (same size), in this process."""
    out_path = tmp / f"out_{path.stem}_{backend}.json"
    cmd = [*_cli(), "evaluate", "ninh_thuan_2020", str(path), "-f", "json", "-o", str(out_path)]
    cmd += ["--backend", backend]
    timer = Path("/usr/bin/time")
    walls, peaks = [], []
    for _ in range(repeat):
        full = [str(timer), "-f", "RSS_KB=%M", *cmd] if timer.exists() else cmd
        t = time.perf_counter()
        done = subprocess.run(full, check=False, capture_output=True, text=True, cwd=ROOT, env=env)
        walls.append(time.perf_counter() - t)
        if done.returncode != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed:\n{done.stderr.strip()}")
        rss = [ln for ln in done.stderr.splitlines() if ln.startswith("RSS_KB=")]
        if rss:
            peaks.append(int(rss[-1].split("=")[1]) / 1024)
    if not peaks:  # no /usr/bin/time: the largest child so far (an upper bound for this one)
        peaks.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    result = json.loads(out_path.read_text(encoding="utf-8"))
    floor_out = tmp / "floor.json"

    def floor() -> None:
        with path.open(encoding="utf-8") as f:
            json.load(f)
        with floor_out.open("w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=2)

    floor_s = _best(floor, repeat)
    return {
        "cmd_s": statistics.median(walls),
        "cmd_mb": max(peaks),
        "cmd_repeat": repeat,
        "floor_s": floor_s,
        "out_mb": out_path.stat().st_size / 2**20,
    }


def startup(tmp: Path) -> dict[str, float]:
    import synth

    one = tmp / "one.json"
    data = synth.facts_data(1)
    one.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def run(cmd: list[str]) -> float:
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - t

    cmds = {
        "cli": [*_cli(), "evaluate", "ninh_thuan_2020", str(one), "--format", "json"],
        "imports": [sys.executable, "-c", "import yaml, pydantic, typer, jinja2"],
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


def report(rows: list[dict[str, Any]], start: dict[str, float], durable_max: int) -> str:
    by_n: dict[int, dict[str, dict[str, Any]]] = {}
    for r in rows:
        by_n.setdefault(r["n"], {})[r["backend"]] = r
    lines = [
        "# Benchmark results",
        "",
        f"Run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()}.",
        "Campaign ninh_thuan_2020 (13 rules); synthetic JSON facts from bench/synth.py; `python bench/run.py`.",
        "Times are medians: load, evaluate and the yardstick of 5 runs up to 10k, 3 at 100k, 1 at 1M and for",
        "durable (the `repeat` column); the command of 3 runs up to 10k, 1 beyond. Each (size, backend) is its",
        f"own process. Durable runs only up to {durable_max:,} candidates by default: it is slow",
        "(`--durable-max` to change).",
        "",
        "`evaluate` is `engine.evaluate.core.evaluate` — the path `thidua evaluate/explain/award/report` run —",
        "building per candidate and rule a `RuleResult` with its full trace. The yardstick is the same campaign",
        "hand-written in Python (bench/yardstick.py); before anything is timed, its verdicts and every rule's",
        "outcome are checked equal to `evaluate`'s (the run aborts otherwise). The command is",
        "`thidua evaluate ninh_thuan_2020 FILE -f json -o OUT --backend B` as a subprocess; its floor is",
        "`json.load` of the input + `json.dump` of its output (same size) in one process.",
        "",
        "| candidates | backend | repeat | load + validate s | ÷ json.loads | evaluate s | candidates/s "
        "| ÷ yardstick | native ÷ durable | command s | ÷ floor | command peak MB | evaluate peak MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sorted(by_n):
        for backend in ("native", "durable"):
            r = by_n[n].get(backend)
            if r is None:
                continue
            other = by_n[n].get("durable")
            speedup = f"{other['evaluate_s'] / r['evaluate_s']:,.0f}× faster" if backend == "native" and other else "—"
            lines.append(
                f"| {n:,} | {backend} | {r['repeat']} | {_fmt(r['load_s'])} | {r['load_s'] / r['json_loads_s']:.1f}× "
                f"| {_fmt(r['evaluate_s'])} | {n / r['evaluate_s']:,.0f} | {r['evaluate_s'] / r['yardstick_s']:.1f}× "
                f"| {speedup} | {_fmt(r['cmd_s'])} | {r['cmd_s'] / r['floor_s']:.1f}× | {r['cmd_mb']:,.0f} "
                f"| {r['peak_mb']:,.0f} |"
            )
    lines += ["", "Yardstick and floor, same candidates:", ""]
    lines += [
        "| candidates | yardstick s | candidates/s | facts file MB | output MB | floor s (json.load + json.dump) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sorted(by_n):
        r = by_n[n].get("native") or next(iter(by_n[n].values()))
        lines.append(
            f"| {n:,} | {_fmt(r['yardstick_s'])} | {n / r['yardstick_s']:,.0f} | {r['file_mb']:.1f} "
            f"| {r['out_mb']:.1f} | {_fmt(r['floor_s'])} |"
        )
    lines += ["", "## Targets", ""]
    lines += ["| target | measured | met |", "|---|---|---|"]
    for n in sorted(by_n, reverse=True):
        if "native" in by_n[n] and "durable" in by_n[n]:
            x = by_n[n]["durable"]["evaluate_s"] / by_n[n]["native"]["evaluate_s"]
            lines.append(
                f"| native ≥ 100× durable (`evaluate` time), {n:,} (largest size run on both) | {x:,.0f}× "
                f"| {'yes' if x >= 100 else 'no'} |"
            )
            break
    big = max((n for n in by_n if "native" in by_n[n]), default=None)
    if big is not None:
        nat = by_n[big]["native"]
        x = nat["evaluate_s"] / nat["yardstick_s"]
        lines.append(
            f"| `evaluate` (native) ≤ 1.5× the yardstick's time, {big:,} | {x:.1f}× "
            f"({_fmt(nat['evaluate_s'])} s vs {_fmt(nat['yardstick_s'])} s) | {'yes' if x <= 1.5 else 'no'} |"
        )
    if start:
        x = start["cli"] / start["imports"]
        lines.append(
            f'| start-up: `thidua evaluate` on one candidate ÷ `python -c "import yaml, pydantic, typer, jinja2"` '
            f"| {start['cli'] * 1000:.0f} ms vs {start['imports'] * 1000:.0f} ms = {x:.2f}× | (no bound set) |"
        )
    prof = next((r["profile"] for r in rows if "profile" in r), None)
    if prof:
        pn = next(r["n"] for r in rows if "profile" in r)
        lines += [
            "",
            "## Where the time goes",
            "",
            f"`cProfile` of one `evaluate(campaign, facts)` at {pn:,} candidates, native (written by bench/run.py).",
            f"Total under the profiler {prof['total_s']:.2f} s (the profiler slows many small calls down, so",
            "shares matter more than seconds). Top functions by own time (tottime):",
            "",
            "| function | where | calls | own s | share | cumulative s |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for row in prof["rows"]:
            lines.append(
                f"| `{row['fn']}` | {row['where']} | {row['calls']:,} | {row['tottime']:.2f} "
                f"| {100 * row['tottime'] / prof['total_s']:.0f}% | {row['cumtime']:.2f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="candidate counts, comma-separated (1M: add 1000000)")
    ap.add_argument("--durable-max", type=int, default=10_000, help="largest size run on durable-rules")
    ap.add_argument(
        "--profile-size", type=int, default=100_000, help="size whose native evaluate is profiled (0: none)"
    )
    ap.add_argument("--data", type=Path, default=None, help="where to keep the generated files (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=BENCH / "RESULTS.md", help="where to write the results table")
    ap.add_argument("--child", nargs=3, metavar=("FILE", "BACKEND", "PROFILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1], args.child[2] == "1")))
        return
    tmp = args.data or Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        run_all(args, tmp)
    finally:
        if args.data is None:  # generated files reach ~360 MB at 1M: keep them only where asked to
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
            profile = "1" if backend == "native" and n == args.profile_size else "0"
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path), backend, profile],
                check=False,
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
            )
            if done.returncode != 0:  # say why (e.g. the yardstick and the engine disagree)
                sys.exit(f"bench: {n:,} candidates on {backend} failed:\n{done.stderr.strip()}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{n:,} candidates, {backend}: the command …", file=sys.stderr)
            row.update(command(path, backend, tmp, env, 3 if n <= 10_000 else 1))
            rows.append(row)
    start = startup(tmp)
    text = report(rows, start, args.durable_max)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
