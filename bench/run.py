"""Benchmark: the commands people run, as whole processes, each beside its floor in the same run; and
the engine's `evaluate` against a hand-written yardstick; writes bench/RESULTS.md with issue 16's
targets, met or not.

    python bench/run.py                      # 1k, 10k, 100k; durable at 1k and 10k (~10 min on 2 cores)
    python bench/run.py --sizes 1000,10000   # quick (~3 min)
    python bench/run.py --million            # and 1M for `evaluate -f json` (+5 min; today over 12 GB)
    python bench/run.py --render DATA/results.json   # rewrite RESULTS.md from a run kept with --data DATA
    python bench/run.py --durable-max 100000 # durable at 100k too (slow: ~25 s a run)

Campaign: ninh_thuan_2020 (13 rules). Facts: synthetic JSON files from bench/synth.py (30% units,
70% people, ~95% in scope; values spread over pass, fail, unknown, n/a and the boundaries).

The commands (`thidua -q …` as subprocesses: median wall time, peak RSS of the process by
/usr/bin/time): `evaluate -f json -o`, `evaluate -f csv -o`, `evaluate -o` (table), `award -f json`,
`explain` of one candidate, `near`, `report -o .html` (with and without the appendix), `.xlsx`, `.docx`,
at every size up to --commands-max (100k); beyond it only `evaluate -f json`. Each run of a
command is followed by a run of its floor, so the two see the same machine load: one Python
process that `json.load`s the input and `json.dump`s the compact result (per candidate: id,
verdict, each rule's outcome, the submission's outcome). `validate ninh_thuan_2020` and start-up
(`evaluate` of a one-candidate file) are set beside `python -c "import yaml, pydantic, typer, jinja2"`.

The engine, per size and backend in its own process (so its peak memory is its own):
- load: reading + validating the JSON facts (`engine.readers.load_facts`), against `json.loads`;
- evaluate: `engine.evaluate.core.evaluate(campaign, facts, backend=...)`, what every command runs;
- the yardstick: the same campaign as a hand-written Python function (bench/yardstick.py), checked
  to give the same verdicts and rule outcomes as `evaluate` before anything is timed;
- a cProfile of `evaluate` at --profile-size (native), and of the slowest command at
  --command-profile-size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import marshal
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
CAMPAIGN = "ninh_thuan_2020"
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
EVAL_JSON = "evaluate -f json -o"

# The floor of a command: one process that json.loads the input and json.dumps the compact result.
# The compact result is read first with marshal (fast, and not timed: the process prints how long
# it took, and the bench takes it off the wall time); the input stays alive while the result is
# written, as it does in a command.
FLOOR_CODE = """
import json, marshal, sys, time
with open(sys.argv[1], encoding="utf-8") as f:
    facts = json.load(f)
t = time.perf_counter()
with open(sys.argv[2], "rb") as f:
    compact = marshal.load(f)
untimed = time.perf_counter() - t
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump(compact, f, ensure_ascii=False)
print(untimed)
"""
IMPORTS = [sys.executable, "-c", "import yaml, pydantic, typer, jinja2"]
# The libraries a command loads: the command run once with this hook, which writes, at exit, every
# module it loaded from the installed libraries (site-packages; thidua's own left out, should it be
# installed there), in the order they were loaded. The second start-up floor imports exactly those:
# "importing the dependencies it needs" (issue 27), where IMPORTS names two libraries a one-candidate
# `evaluate` never loads (PyYAML: the campaign is read from the cache; Jinja2: no report) and loads
# only Pydantic's package, not the model machinery every command unpickles its campaign with.
LOADED_CODE = """
import os, runpy, sys, sysconfig
paths = sysconfig.get_paths()
libs = tuple({paths["purelib"], paths["platlib"]})
real_exit = os._exit
def _exit(code):  # the console script ends with os._exit: the listing is written first
    names = [n for n, m in list(sys.modules.items())
             if (getattr(m, "__file__", None) or "").startswith(libs)
             and n.split(".")[0] not in ("engine", "cli") and not n.startswith("__editable__")]
    with open(os.environ["THIDUA_BENCH_LOADED"], "w") as f:
        f.write("\\n".join(names))
    real_exit(code)
os._exit = _exit
script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(script)  # as when the script itself is run
runpy.run_path(script, run_name="__main__")
"""
IMPORT_THEM = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)"


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


def _compact(ev: Any) -> dict[str, Any]:
    """The compact result: what a command must at least write (the floor's output)."""
    return {
        "campaign": CAMPAIGN,
        "candidates": [
            {
                "id": r.candidate.id,
                "verdict": r.verdict,
                "rules": {x.rule.spec.id: x.outcome for x in (*r.criteria, *r.disqualifiers, *r.conditions)},
                "submission": r.submission.outcome if r.submission is not None else None,
            }
            for r in ev.results
        ],
    }


def compact_path(facts: Path) -> Path:
    return facts.with_suffix(".compact.marshal")


def child(path: Path, backend: str, profile: bool) -> dict[str, Any]:
    """One measurement in a fresh process: load, evaluate, yardstick; then json.loads as the baseline.
    On native, also writes the compact result for the commands' floor."""
    import yardstick

    from engine.common.speed import gc_paused
    from engine.evaluate.core import evaluate
    from engine.model.campaign import load_campaign
    from engine.readers import load_facts

    campaign = load_campaign(CAMPAIGN)
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
    out["out_of_scope"] = verdicts.count("out_of_scope") / len(verdicts)
    if yardstick.judge_all(facts.candidates) != (verdicts, outcomes):
        raise SystemExit(f"the yardstick and evaluate(backend={backend!r}) disagree: fix one before timing")
    # the candidate `explain` is timed on: the first in scope from the middle of the file on
    mid = len(ev.results) // 2
    out["explain_id"] = next(
        (r.candidate.id for r in ev.results[mid:] if r.verdict != "out_of_scope"), ev.results[-1].candidate.id
    )
    if backend == "native":
        with compact_path(path).open("wb") as f:
            marshal.dump(_compact(ev), f)
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
    return _summary(pstats.Stats(prof), top)


def _summary(st: Any, top: int, by_cumulative: int = 0) -> dict[str, Any]:
    rows = []
    for (file, line, name), (_cc, calls, tt, ct, _callers) in st.stats.items():
        short = file.replace(str(ROOT) + os.sep, "").replace(os.path.dirname(os.__file__) + os.sep, "stdlib/")
        if "site-packages" + os.sep in short:
            short = short.split("site-packages" + os.sep, 1)[1]
        where = f"{short}:{line}" if line else short
        rows.append({"fn": name, "where": where, "calls": calls, "tottime": tt, "cumtime": ct})
    own = sorted(rows, key=lambda r: -r["tottime"])[:top]
    # by cumulative time: the call chain down to where the time is spent (no module bodies, no builtins)
    skip = ("~", "importlib", "typer/", "click/")
    chain = [r for r in rows if r["fn"] != "<module>" and not any(k in r["where"] for k in skip)]
    cum = sorted(chain, key=lambda r: -r["cumtime"])[:by_cumulative]
    return {"total_s": st.total_tt, "rows": own, "cumulative": cum}


def _cli() -> list[str]:
    thidua = Path(sys.executable).parent / "thidua"
    return [str(thidua)] if thidua.exists() else [sys.executable, str(ROOT / "cli.py")]


MEM_LIMIT_GB = 12.0  # address-space cap of every timed process: a run out of memory fails alone, and
# the kernel's OOM killer is not set on the other engineers' processes on this shared machine


def _cap() -> None:
    limit = int(MEM_LIMIT_GB * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _timed(cmd: list[str], env: dict[str, str], tmp: Path) -> tuple[float, float, str]:
    """Run `cmd` to completion: wall seconds, peak RSS (MB) of the process, its stdout."""
    timer = Path("/usr/bin/time")
    report = tmp / "time.txt"
    full = [str(timer), "-o", str(report), "-f", "%e %M", *cmd] if timer.exists() else cmd
    t = time.perf_counter()
    proc = subprocess.Popen(
        full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env, text=True, preexec_fn=_cap
    )
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    if timer.exists():
        peak = int(report.read_text().split()[-1]) / 1024
    else:  # the child's own rusage (may include the bench's peak at fork: an upper bound)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        tail = err.strip()[-1500:]
        sys.exit(
            f"bench: {' '.join(cmd)} failed (exit {proc.returncode}) after {wall:.0f} s at a peak of {peak:,.0f} MB "
            f"(address space capped at {MEM_LIMIT_GB:g} GB):\n{tail}"
        )
    return wall, peak, out


def _floor(path: Path, tmp: Path, env: dict[str, str]) -> tuple[float, float]:
    cmd = [sys.executable, "-c", FLOOR_CODE, str(path), str(compact_path(path)), str(tmp / "floor.json")]
    wall, peak, out = _timed(cmd, env, tmp)
    return wall - float(out.strip().splitlines()[-1]), peak


HTML_SHORT = "report --no-appendix -o .html"
NATIONAL = 513_600  # every commune, district, department and their people: issue 27's national review


def command_lines(path: Path, out: Path, explain_id: str, only_json: bool) -> dict[str, list[str]]:
    """The commands timed at one size: name → arguments after `thidua -q`."""
    f = str(path)
    cmds = {EVAL_JSON: ["evaluate", CAMPAIGN, f, "-f", "json", "-o", str(out / "evaluate.json")]}
    if only_json:
        return cmds
    cmds |= {
        "evaluate -f csv -o": ["evaluate", CAMPAIGN, f, "-f", "csv", "-o", str(out / "evaluate.csv")],
        "evaluate -o (table)": ["evaluate", CAMPAIGN, f, "-o", str(out / "evaluate.txt")],
        "award -f json -o": ["award", CAMPAIGN, f, "-f", "json", "-o", str(out / "award.json")],
        "explain ONE -o": ["explain", CAMPAIGN, f, explain_id, "-o", str(out / "explain.txt")],
        "near -o": ["near", CAMPAIGN, f, "-o", str(out / "near.txt")],
        "report --appendix -o .html": ["report", CAMPAIGN, f, "--appendix", "-o", str(out / "report.html")],
        HTML_SHORT: ["report", CAMPAIGN, f, "--no-appendix", "-o", str(out / "report-short.html")],
        "report -o .xlsx": ["report", CAMPAIGN, f, "--no-appendix", "-o", str(out / "report.xlsx")],
        "report -o .docx": ["report", CAMPAIGN, f, "--no-appendix", "-o", str(out / "report.docx")],
    }
    return cmds


def _output(argv: list[str]) -> Path:
    return Path(argv[argv.index("-o") + 1])


def html_without_appendix(path: Path) -> int:
    """Bytes of the HTML report less its appendix (`<div class="appendix">` up to the audit block):
    `report` has no switch to leave it out, so the size without it is measured by cutting it."""
    data = path.read_bytes()
    start = data.find(b'<div class="appendix">')
    end = data.find(b'<div class="annex', start)
    return len(data) if start < 0 or end < 0 else len(data) - (end - start)


def measure_commands(
    path: Path, n: int, tmp: Path, env: dict[str, str], repeat: int, explain_id: str, only_json: bool
) -> list[dict[str, Any]]:
    out_dir = tmp / f"out_{n}"
    out_dir.mkdir(exist_ok=True)
    rows = []
    for name, argv in command_lines(path, out_dir, explain_id, only_json).items():
        print(f"  {n:,}: thidua {name} …", file=sys.stderr, flush=True)
        walls, peaks, fwalls, fpeaks = [], [], [], []
        for _ in range(repeat):  # the command, then its floor: the two under the same load
            w, m, _ = _timed([*_cli(), "-q", *argv], env, tmp)
            fw, fm = _floor(path, tmp, env)
            walls.append(w)
            peaks.append(m)
            fwalls.append(fw)
            fpeaks.append(fm)
        target = _output(argv)
        row = {
            "command": name,
            "n": n,
            "repeat": repeat,
            "s": statistics.median(walls),
            "mb": statistics.median(peaks),
            "floor_s": statistics.median(fwalls),
            "floor_mb": statistics.median(fpeaks),
            "out_bytes": target.stat().st_size,
            "file_bytes": path.stat().st_size,
        }
        if target.suffix == ".html" and "--no-appendix" not in argv:
            row["html_no_appendix_bytes"] = html_without_appendix(target)
        rows.append(row)
    return rows


def durable_command(path: Path, n: int, tmp: Path, env: dict[str, str], repeat: int) -> dict[str, Any]:
    out = tmp / f"out_{n}_durable.json"
    argv = ["-q", "evaluate", CAMPAIGN, str(path), "-f", "json", "-o", str(out), "--backend", "durable"]
    walls, fwalls = [], []
    for _ in range(repeat):
        walls.append(_timed([*_cli(), *argv], env, tmp)[0])
        fwalls.append(_floor(path, tmp, env)[0])
    return {"cmd_s": statistics.median(walls), "floor_s": statistics.median(fwalls)}


def startup(tmp: Path, env: dict[str, str], runs: int = 9) -> dict[str, dict[str, float]]:
    """Start-up (`evaluate` of one candidate) and `validate`, each run alternating with the imports."""
    import synth

    one = tmp / "one.json"
    one.write_text(json.dumps(synth.facts_data(1), ensure_ascii=False), encoding="utf-8")
    cmds = {
        "start-up: evaluate one candidate -f json": [*_cli(), "-q", "evaluate", CAMPAIGN, str(one), "-f", "json"],
        f"validate {CAMPAIGN}": [*_cli(), "-q", "validate", CAMPAIGN],
    }
    # thidua's own bytecode compiled, as an install leaves it (pip compiles a wheel's modules; the
    # floor's libraries were compiled so): where PYTHONDONTWRITEBYTECODE is set, as on this machine,
    # a checkout's modules would otherwise be compiled from source on every run (~80 ms)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "engine"), str(ROOT / "cli.py")], check=True)
    out: dict[str, dict[str, float]] = {}
    for name, cmd in cmds.items():
        _timed(cmd, env, tmp)  # warm the file cache (and the compiled-rules cache)
        libs = [sys.executable, "-c", IMPORT_THEM, *loaded_libraries(cmd[len(_cli()) :], env, tmp)]
        _timed(IMPORTS, env, tmp)
        _timed(libs, env, tmp)
        walls, peaks, floors, fpeaks, lwalls, lpeaks = [], [], [], [], [], []
        for _ in range(runs):
            w, m, _ = _timed(cmd, env, tmp)
            fw, fm, _ = _timed(IMPORTS, env, tmp)
            lw, lm, _ = _timed(libs, env, tmp)
            walls.append(w)
            peaks.append(m)
            floors.append(fw)
            fpeaks.append(fm)
            lwalls.append(lw)
            lpeaks.append(lm)
        out[name] = {
            "s": statistics.median(walls),
            "mb": statistics.median(peaks),
            "floor_s": statistics.median(floors),
            "floor_mb": statistics.median(fpeaks),
            "libs_s": statistics.median(lwalls),
            "libs_mb": statistics.median(lpeaks),
            "libs": len(libs) - 3,
            "runs": runs,
        }
    return out


def loaded_libraries(args: list[str], env: dict[str, str], tmp: Path) -> list[str]:
    """The library modules `thidua args` loads, in the order it loads them (LOADED_CODE)."""
    listing = tmp / "loaded.txt"
    hooked = {**env, "THIDUA_BENCH_LOADED": str(listing)}
    script = _cli()[-1]  # the console script, or cli.py run by the interpreter
    listing.unlink(missing_ok=True)
    done = subprocess.run(  # from ROOT, as `_timed` runs it: the cached campaign's key holds the path as shown
        [sys.executable, "-c", LOADED_CODE, script, *args], env=hooked, cwd=ROOT, capture_output=True, text=True
    )
    if not listing.exists():
        sys.exit(f"bench: thidua {' '.join(args)} listed no modules (exit {done.returncode}):\n{done.stderr[-1500:]}")
    return listing.read_text(encoding="utf-8").split()


def example_size(tmp: Path, env: dict[str, str]) -> dict[str, float]:
    """The JSON result per candidate for the shipped Ninh Thuận 2020 example (the target's file)."""
    out = tmp / "example.json"
    _timed([*_cli(), "-q", "evaluate", CAMPAIGN, str(EXAMPLE), "-f", "json", "-o", str(out)], env, tmp)
    text = out.read_text(encoding="utf-8")
    got = json.loads(text)
    rules_at = text.find('"rules":')
    cands_at = text.find('"candidates":', rules_at)
    return {
        "n": len(got["candidates"]),
        "bytes": out.stat().st_size,
        "rules_bytes": len(text[rules_at:cands_at].encode()),  # as written (one line per rule, indented)
        "candidates_bytes": len(text[cands_at:].encode()),
    }


def profile_command(name: str, argv: list[str], n: int, tmp: Path, env: dict[str, str]) -> dict[str, Any]:
    """cProfile of one whole command (in its own process, through cli.py)."""
    import pstats

    prof = tmp / "command.prof"
    # cli.main, not the console script: the script ends the process at once (cli.script), before
    # cProfile could write its file
    script = tmp / "profiled_cli.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nimport cli\ncli.main()\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), str(script), "-q", *argv]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t
    got = _summary(pstats.Stats(str(prof)), 15, by_cumulative=15)
    return {**got, "command": name, "n": n, "wall_s": wall}


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


def _mb(b: float) -> str:
    return _fmt(b / 2**20)


def _yes(ok: bool) -> str:
    return "**met**" if ok else "not met"


def report(res: dict[str, Any]) -> str:
    rows: list[dict[str, Any]] = res["engine"]
    cmds: list[dict[str, Any]] = res["commands"]
    by_n: dict[int, dict[str, dict[str, Any]]] = {}
    for r in rows:
        by_n.setdefault(r["n"], {})[r["backend"]] = r
    lines = [
        "# Benchmark results",
        "",
        f"Run {res['started']} – {res['ended']} on {machine()}; load average {res['load'][0]:.1f} at the start,",
        f"{res['load'][1]:.1f} at the end (other engineers' test suites share the machine: every ratio below",
        f"is taken against a floor measured right after it, under the same load). `python bench/run.py{res['argv']}`.",
        "",
        f"Campaign {CAMPAIGN} (13 rules). Synthetic JSON facts from bench/synth.py, shaped like a real file:",
        ", ".join(
            f"{n:,}: {100 * r['out_of_scope']:.1f}% out of scope"
            for n, r in sorted((n, v["native"]) for n, v in by_n.items() if "native" in v)
        )
        + " (the II.1 limits: collectives of the kinds named, divisions under a department or district, people "
        "working in a unit of the right kind).",
        "",
        "## The commands",
        "",
        "Each command is `thidua -q …` as a whole process (wall time; peak RSS by `/usr/bin/time`), run",
        "`runs` times, each run followed by a run of its **floor**: one Python process that `json.load`s the",
        "input and `json.dump`s the compact result (per candidate: id, verdict, each rule's outcome, the",
        "submission's outcome — what any command must at least read and write). Medians. `validate` and",
        'start-up are set beside `python -c "import yaml, pydantic, typer, jinja2"` (issue 16\'s floor), and',
        "beside a process importing exactly the library modules the command itself loads, listed by running",
        'it once with a hook (issue 27\'s "importing the dependencies it needs"; the first names PyYAML and',
        "Jinja2, which neither loads, and loads only Pydantic's package, not the model machinery the cached",
        "campaign is unpickled with); thidua's own modules compiled to bytecode first, as an install leaves",
        "them (the libraries' are).",
        "",
        "| command | candidates | runs | s | floor s | ÷ floor | peak MB | floor peak MB | ÷ floor | output MB "
        "| output KB per candidate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = list(dict.fromkeys(x["command"] for x in cmds))
    for c in sorted(cmds, key=lambda c: (c["n"], order.index(c["command"]))):
        per = f"{c['out_bytes'] / c['n'] / 1024:.2f}"
        lines.append(
            f"| `{c['command']}` | {c['n']:,} | {c['repeat']} | {_fmt(c['s'])} | {_fmt(c['floor_s'])} "
            f"| {c['s'] / c['floor_s']:.1f}× | {c['mb']:,.0f} | {c['floor_mb']:,.0f} | {c['mb'] / c['floor_mb']:.1f}× "
            f"| {_mb(c['out_bytes'])} | {per if c['command'].startswith(('evaluate', 'report')) else '—'} |"
        )
    for name, s in res["startup"].items():
        lines.append(
            f"| `{name}` | — | {s['runs']} | {_fmt(s['s'])} | {_fmt(s['floor_s'])} | {s['s'] / s['floor_s']:.1f}× "
            f"| {s['mb']:,.0f} | {s['floor_mb']:,.0f} | {s['mb'] / s['floor_mb']:.1f}× | — | — |"
        )
        if "libs_s" in s:
            lines.append(
                f"| `{name}`, beside the {s['libs']} library modules it loads | — | {s['runs']} | {_fmt(s['s'])} "
                f"| {_fmt(s['libs_s'])} | {s['s'] / s['libs_s']:.1f}× | {s['mb']:,.0f} | {s['libs_mb']:,.0f} "
                f"| {s['mb'] / s['libs_mb']:.1f}× | — | — |"
            )
    ex = res["example"]
    lines += ["", "Sizes:", ""]
    lines.append(
        f"- JSON result of the shipped example (`examples/ninh_thuan_2020.yaml`, {ex['n']} candidates): "
        f"{ex['bytes'] / ex['n'] / 1024:.2f} KB per candidate ({ex['bytes']:,} bytes, of which the top-level "
        f"`rules` table {ex['rules_bytes']:,} and the candidates {ex['candidates_bytes']:,}: "
        f"{ex['candidates_bytes'] / ex['n'] / 1024:.2f} KB each)."
    )
    for c in cmds:
        if c["command"] == EVAL_JSON:
            lines.append(
                f"- JSON result, synthetic {c['n']:,}: {c['out_bytes'] / c['n'] / 1024:.2f} KB per candidate "
                f"({_mb(c['out_bytes'])} MB; input {_mb(c['file_bytes'])} MB)."
            )
    for c in cmds:
        if "html_no_appendix_bytes" in c:
            lines.append(
                f"- HTML report, {c['n']:,}: {_mb(c['out_bytes'])} MB, of which the appendix "
                f"{_mb(c['out_bytes'] - c['html_no_appendix_bytes'])} MB; without it "
                f"{_mb(c['html_no_appendix_bytes'])} MB."
            )
    lines += targets(res, by_n)
    lines += targets27(res)
    lines += engine_table(by_n, res["durable_max"])
    lines += profiles(res)
    return "\n".join(lines) + "\n"


def targets(res: dict[str, Any], by_n: dict[int, dict[str, dict[str, Any]]]) -> list[str]:
    cmds = res["commands"]
    table = {(c["command"], c["n"]): c for c in cmds}
    full = [n for n in sorted({c["n"] for c in cmds}) if ("near -o", n) in table]
    big = 100_000 if 100_000 in full else (full[-1] if full else None)
    lines = [
        "",
        "## Targets (issue 16, point 2)",
        "",
        'Ratios to the floor in the same run. A target between two commands ("table ≤ 1.5× JSON") compares',
        "their ratios to their own floors — (table ÷ its floor) ÷ (JSON ÷ its floor) — so that load which",
        "came and went between the two runs cancels; raw seconds are given beside it.",
        "",
        "| target | at | measured | |",
        "|---|---:|---|---|",
    ]

    def rel(a: str, b: str, bound: float, n: int | None, what: str) -> None:
        if n is None or (a, n) not in table or (b, n) not in table:
            lines.append(f"| {what} | — | not run | — |")
            return
        x, y = table[(a, n)], table[(b, n)]
        r = (x["s"] / x["floor_s"]) / (y["s"] / y["floor_s"])
        lines.append(
            f"| {what} | {n:,} | {r:.2f}× ({_fmt(x['s'])} s ÷ floor {_fmt(x['floor_s'])}; {_fmt(y['s'])} s "
            f"÷ floor {_fmt(y['floor_s'])}) | {_yes(r <= bound)} |"
        )

    ej = table.get((EVAL_JSON, 100_000))
    if ej is None:
        lines.append("| `evaluate` JSON→JSON ≤ 3× the floor's time | 100,000 | not run | — |")
        lines.append("| `evaluate` JSON→JSON ≤ 3× the floor's peak memory | 100,000 | not run | — |")
    else:
        r = ej["s"] / ej["floor_s"]
        lines.append(
            f"| `evaluate` JSON→JSON ≤ 3× the floor's time | 100,000 | {r:.1f}× ({_fmt(ej['s'])} s vs "
            f"{_fmt(ej['floor_s'])} s) | {_yes(r <= 3)} |"
        )
        r = ej["mb"] / ej["floor_mb"]
        lines.append(
            f"| `evaluate` JSON→JSON ≤ 3× the floor's peak memory | 100,000 | {r:.1f}× ({ej['mb']:,.0f} MB vs "
            f"{ej['floor_mb']:,.0f} MB) | {_yes(r <= 3)} |"
        )
    m = table.get((EVAL_JSON, 1_000_000))
    failed = res.get("failed")
    if m is None and failed and failed["n"] == 1_000_000:
        why = " ".join(failed["why"].split()).replace("|", "\\|")
        lines.append(
            f"| 1M candidates: completes, peak memory ≤ 3× the input file | 1,000,000 | failed: {why}; the input "
            f"file is {_mb(failed['file_bytes'])} MB | not met |"
        )
    elif m is None:
        lines.append(
            "| 1M candidates: completes, peak memory ≤ 3× the input file | 1,000,000 | not run (`--million`) | — |"
        )
    else:
        r = m["mb"] * 2**20 / m["file_bytes"]
        lines.append(
            f"| 1M candidates: completes, peak memory ≤ 3× the input file | 1,000,000 | completes in {_fmt(m['s'])} s; "
            f"peak {m['mb']:,.0f} MB = {r:.1f}× the {_mb(m['file_bytes'])} MB file (floor: "
            f"{m['floor_mb'] * 2**20 / m['file_bytes']:.1f}×) | {_yes(r <= 3)} |"
        )
    ex = res["example"]
    kb = ex["bytes"] / ex["n"] / 1024
    lines.append(
        f"| JSON result ≤ 1.5 KB per candidate, the Ninh Thuận 2020 example | {ex['n']} | {kb:.2f} KB "
        f"| {_yes(kb <= 1.5)} |"
    )
    rel("evaluate -o (table)", EVAL_JSON, 1.5, big, "table output ≤ 1.5× the JSON output's time")
    rel("evaluate -f csv -o", EVAL_JSON, 1.5, big, "CSV output ≤ 1.5× the JSON output's time")
    rel("award -f json -o", EVAL_JSON, 1.5, big, "`award` ≤ 1.5× `evaluate` (JSON)")
    rel("explain ONE -o", EVAL_JSON, 1.2, big, "`explain` of one candidate ≤ 1.2× `evaluate` (JSON) of the file")
    h, whole = table.get((HTML_SHORT, 10_000)), table.get(("report --appendix -o .html", 10_000))
    if h is None:
        lines.append("| report of 10k: HTML without the appendix ≤ 5 MB | 10,000 | not run | — |")
    else:
        mb = h["out_bytes"] / 2**20
        also = f" (with it: {_mb(whole['out_bytes'])} MB)" if whole else ""
        lines.append(
            f"| report of 10k: HTML without the appendix ≤ 5 MB | 10,000 | {mb:.1f} MB `--no-appendix`{also} "
            f"| {_yes(mb <= 5)} |"
        )
    ten = 10_000 if 10_000 in full else None
    rel(HTML_SHORT, EVAL_JSON, 2, ten, "report of 10k: HTML without the appendix ≤ 2× `evaluate`'s time")
    whole = "(for comparison) the HTML report with the appendix ≤ 2× `evaluate`"
    rel("report --appendix -o .html", EVAL_JSON, 2, ten, whole)
    rel("report -o .xlsx", EVAL_JSON, 3, ten, "report of 10k: XLSX ≤ 3× `evaluate`'s time")
    for name, s in res["startup"].items():
        if name.startswith("start-up"):
            r = s["s"] / s["floor_s"]
            lines.append(
                f"| one-candidate start-up ≤ 2× the dependency imports | 1 | {r:.2f}× ({s['s'] * 1000:.0f} ms vs "
                f"{s['floor_s'] * 1000:.0f} ms) | {_yes(r <= 2)} |"
            )
    both = [n for n in sorted(by_n) if "native" in by_n[n] and "durable" in by_n[n]]
    if both:
        n = both[-1]
        x = by_n[n]["durable"]["evaluate_s"] / by_n[n]["native"]["evaluate_s"]
        lines.append(
            f"| native ≥ 100× durable (`evaluate()` time, same candidates; largest size run on both) | {n:,} "
            f"| {x:,.0f}× | {_yes(x >= 100)} |"
        )
    nat = [n for n in sorted(by_n) if "native" in by_n[n] and n <= 100_000]
    if nat:
        r = by_n[nat[-1]]["native"]
        x = r["evaluate_s"] / r["yardstick_s"]
        lines.append(
            f"| (earlier bench target) `evaluate()` native ≤ 1.5× the yardstick | {nat[-1]:,} | {x:.1f}× "
            f"({_fmt(r['evaluate_s'])} s vs {_fmt(r['yardstick_s'])} s) | {_yes(x <= 1.5)} |"
        )
    return lines


def targets27(res: dict[str, Any]) -> list[str]:
    """Issue 27's targets, each a ratio measured in this run (met / not met)."""
    table = {(c["command"], c["n"]): c for c in res["commands"]}
    lines = [
        "",
        "## Targets (issue 27)",
        "",
        "Each a ratio in this run: a command to its floor (run right after it), or two commands' ratios to",
        "their own floors, so that load which came and went between them cancels.",
        "",
        "| target | at | measured | |",
        "|---|---:|---|---|",
    ]

    def rel(a: str, b: str, bound: float, n: int, what: str) -> None:
        if (a, n) not in table or (b, n) not in table:
            lines.append(f"| {what} | {n:,} | not run | — |")
            return
        x, y = table[(a, n)], table[(b, n)]
        r = (x["s"] / x["floor_s"]) / (y["s"] / y["floor_s"])
        lines.append(f"| {what} | {n:,} | {r:.2f}× ({_fmt(x['s'])} s; {_fmt(y['s'])} s) | {_yes(r <= bound)} |")

    for n in (100_000, 1_000_000):
        ej = table.get((EVAL_JSON, n))
        what = "`evaluate` JSON→JSON ≤ 1.0× the floor's time"
        if ej is None:
            lines.append(f"| {what} | {n:,} | not run | — |")
            continue
        r = ej["s"] / ej["floor_s"]
        lines.append(f"| {what} | {n:,} | {r:.2f}× ({_fmt(ej['s'])} s vs {_fmt(ej['floor_s'])} s) | {_yes(r <= 1)} |")
    m = table.get((EVAL_JSON, 1_000_000))
    what = "1M: peak memory ≤ 3× the input file"
    if m is None:
        lines.append(f"| {what} | 1,000,000 | not run (`--million`) | — |")
    else:
        r = m["mb"] * 2**20 / m["file_bytes"]
        got = f"{r:.1f}× ({m['mb']:,.0f} MB; {_mb(m['file_bytes'])} MB file)"
        lines.append(f"| {what} | 1,000,000 | {got} | {_yes(r <= 3)} |")
    for name, label in (
        ("award -f json -o", "`award`"),
        ("near -o", "`near`"),
        ("explain ONE -o", "`explain` of one candidate"),
        ("evaluate -o (table)", "the table"),
        ("evaluate -f csv -o", "CSV"),
    ):
        rel(name, EVAL_JSON, 1.5, 100_000, f"{label} ≤ 1.5× `evaluate` (JSON)")
    rel(HTML_SHORT, EVAL_JSON, 2, 100_000, "report of 100k, no appendix: HTML ≤ 2× `evaluate`")
    rel("report -o .xlsx", EVAL_JSON, 3, 100_000, "report of 100k, no appendix: XLSX ≤ 3× `evaluate`")
    rel("report -o .docx", EVAL_JSON, 3, 100_000, "report of 100k, no appendix: DOCX ≤ 3× `evaluate`")
    for name, st in res["startup"].items():
        if name.startswith("start-up"):
            r = st["s"] / st.get("libs_s", st["floor_s"])
            old = st["s"] / st["floor_s"]
            lines.append(
                f"| one-candidate start-up ≤ 1.5× importing the dependencies it needs | 1 | {r:.2f}× "
                f"({st['s'] * 1000:.0f} ms vs {st.get('libs_s', st['floor_s']) * 1000:.0f} ms importing the "
                f"{st.get('libs', '?')} library modules it loads; {old:.2f}× issue 16's "
                f"`import yaml, pydantic, typer, jinja2`, {st['floor_s'] * 1000:.0f} ms) | {_yes(r <= 1.5)} |"
            )
    nat = table.get((EVAL_JSON, NATIONAL))
    what = "a national review (`evaluate -f json`, end to end) in under 30 s"
    if nat is None:
        lines.append(f"| {what} | {NATIONAL:,} | not run (`--national`) | — |")
    else:
        lines.append(f"| {what} | {NATIONAL:,} | {_fmt(nat['s'])} s | {_yes(nat['s'] < 30)} |")
    return lines


def engine_table(by_n: dict[int, dict[str, dict[str, Any]]], durable_max: int) -> list[str]:
    lines = [
        "",
        "## The engine: `evaluate()` against the yardstick",
        "",
        "In one process per (size, backend): `engine.readers.load_facts` against `json.loads` of the same bytes;",
        "`engine.evaluate.core.evaluate` — what every command runs — building per candidate and rule a `RuleResult`",
        "with its full trace; the yardstick, the same campaign hand-written in Python (bench/yardstick.py), whose",
        "verdicts and rule outcomes are checked equal to `evaluate`'s before anything is timed (the run aborts",
        "otherwise). Medians of `repeat` runs. Durable runs up to "
        f"{durable_max:,} candidates (`--durable-max`); its command is `evaluate -f json --backend durable`.",
        "",
        "| candidates | backend | repeat | load + validate s | ÷ json.loads | evaluate s | candidates/s "
        "| yardstick s | ÷ yardstick | native ÷ durable | peak MB | command s | ÷ floor |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sorted(by_n):
        for backend in ("native", "durable"):
            r = by_n[n].get(backend)
            if r is None:
                continue
            other = by_n[n].get("durable")
            speedup = f"{other['evaluate_s'] / r['evaluate_s']:,.0f}× faster" if backend == "native" and other else "—"
            cmd = f"{_fmt(r['cmd_s'])} | {r['cmd_s'] / r['floor_s']:.1f}×" if "cmd_s" in r else "— | —"
            lines.append(
                f"| {n:,} | {backend} | {r['repeat']} | {_fmt(r['load_s'])} | {r['load_s'] / r['json_loads_s']:.1f}× "
                f"| {_fmt(r['evaluate_s'])} | {n / r['evaluate_s']:,.0f} | {_fmt(r['yardstick_s'])} "
                f"| {r['evaluate_s'] / r['yardstick_s']:.1f}× | {speedup} | {r['peak_mb']:,.0f} | {cmd} |"
            )
    return lines


def _profile_table(prof: dict[str, Any], key: str = "rows") -> list[str]:
    lines = ["| function | where | calls | own s | share | cumulative s |", "|---|---|---:|---:|---:|---:|"]
    for row in prof[key]:
        lines.append(
            f"| `{row['fn']}` | {row['where']} | {row['calls']:,} | {row['tottime']:.2f} "
            f"| {100 * row['tottime'] / prof['total_s']:.0f}% | {row['cumtime']:.2f} |"
        )
    return lines


def profiles(res: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    cp = res.get("command_profile")
    if cp:
        lines += [
            "",
            f"## Where the time goes: `thidua {cp['command']}`, {cp['n']:,} candidates",
            "",
            f"The slowest command (by its ratio to the floor at the largest size), under `python -m cProfile cli.py`"
            f" ({cp['wall_s']:.1f} s wall under the profiler, {cp['total_s']:.1f} s profiled; the profiler slows",
            "small calls down, so shares matter more than seconds). The call chain by cumulative time (module",
            "bodies, builtins and typer's wrappers left out):",
            "",
            *_profile_table(cp, "cumulative"),
            "",
            "All functions by own time (tottime):",
            "",
            *_profile_table(cp),
        ]
    prof = next((r for r in res["engine"] if "profile" in r), None)
    if prof:
        lines += [
            "",
            f"## Where the time goes: `evaluate(campaign, facts)`, {prof['n']:,} candidates, native",
            "",
            f"Total under the profiler {prof['profile']['total_s']:.2f} s. Top functions by own time (tottime):",
            "",
            *_profile_table(prof["profile"]),
        ]
    return lines


def main() -> None:
    global MEM_LIMIT_GB
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="candidate counts, comma-separated")
    ap.add_argument("--million", action="store_true", help="also 1,000,000 candidates (evaluate -f json only; slow)")
    ap.add_argument(
        "--national", action="store_true", help="also 513,600 candidates, a national review (evaluate -f json only)"
    )
    ap.add_argument(
        "--commands-max", type=int, default=100_000, help="above this size, only `evaluate -f json` is timed"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs of each command (and its floor) up to 10k")
    ap.add_argument("--repeat-large", type=int, default=1, help="runs of each command (and its floor) above 10k")
    ap.add_argument("--durable-max", type=int, default=10_000, help="largest size run on durable-rules")
    ap.add_argument(
        "--profile-size", type=int, default=100_000, help="size whose native evaluate() is profiled (0: none)"
    )
    ap.add_argument(
        "--command-profile-size",
        type=int,
        default=10_000,
        help="size at which the slowest command is profiled (0: none)",
    )
    ap.add_argument(
        "--mem-limit", type=float, default=MEM_LIMIT_GB, help="address-space cap (GB) of each timed process"
    )
    ap.add_argument("--data", type=Path, default=None, help="where to keep the generated files (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=BENCH / "RESULTS.md", help="where to write the results")
    ap.add_argument("--render", type=Path, default=None, help="rewrite --out from a saved run's results.json")
    ap.add_argument("--child", nargs=3, metavar=("FILE", "BACKEND", "PROFILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    MEM_LIMIT_GB = args.mem_limit
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1], args.child[2] == "1")))
        return
    if args.render:  # e.g. after a change to the report's wording: the figures of a run kept with --data
        text = report(json.loads(args.render.read_text(encoding="utf-8")))
        args.out.write_text(text + kept(args.out), encoding="utf-8")
        return
    tmp = args.data or Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        run_all(args, tmp)
    finally:
        if args.data is None:  # generated files reach ~360 MB at 1M: keep them only where asked to
            shutil.rmtree(tmp, ignore_errors=True)


KEPT = "<!-- measured by other scripts: bench/run.py keeps what follows this line -->"


def kept(out: Path) -> str:
    """What the results file holds after the `KEPT` line (measurements this script does not make,
    e.g. bench/docx_lists.py's before and after): kept as it is when the file is rewritten."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    return "\n" + old[old.index(KEPT) :] if KEPT in old else ""


def _generate(path: Path, n: int) -> None:
    if path.exists():
        return
    print(f"generating {n:,} candidates …", file=sys.stderr, flush=True)
    code = (
        "import sys, pathlib; sys.path.insert(0, sys.argv[1]); import synth; "
        "synth.write(pathlib.Path(sys.argv[2]), int(sys.argv[3]))"
    )
    subprocess.run([sys.executable, "-c", code, str(BENCH), str(path), str(n)], check=True)


def _engine_child(path: Path, backend: str, profile: bool, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), backend, "1" if profile else "0"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        preexec_fn=_cap,
    )
    if done.returncode != 0:  # say why (e.g. the yardstick and the engine disagree)
        sys.exit(f"bench: {path.name} on {backend} failed:\n{done.stderr.strip()}")
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def run_all(args: argparse.Namespace, tmp: Path) -> None:
    env = {**os.environ, "THIDUA_MAX_BYTES": str(4 * 2**30), "THIDUA_MAX_NODES": str(10**9)}
    # a cache of the run's own: on a shared machine another user's thidua (a test suite) prunes the
    # common one, and a command that finds its compiled campaign gone reads the YAML again (~60 ms)
    env["THIDUA_CACHE_DIR"] = str(tmp / "cache")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.national and NATIONAL not in sizes:
        sizes.append(NATIONAL)
    if args.million and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    sizes.sort()
    res: dict[str, Any] = {
        "started": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "argv": "".join(f" {a}" for a in sys.argv[1:]),
        "durable_max": args.durable_max,
        "engine": [],
        "commands": [],
    }
    load0 = os.getloadavg()[0]
    lines: dict[int, dict[str, list[str]]] = {}
    for n in sizes:
        path = tmp / f"facts_{n}.json"
        _generate(path, n)
        repeat = args.repeat if n <= 10_000 else args.repeat_large
        only_json = n > args.commands_max
        print(f"{n:,} candidates: evaluate() and the yardstick, native …", file=sys.stderr, flush=True)
        try:
            row = _engine_child(path, "native", n == args.profile_size, env)
            res["engine"].append(row)
            res["commands"] += measure_commands(path, n, tmp, env, repeat, row["explain_id"], only_json)
        except SystemExit as e:  # beyond --commands-max a failure (memory, limits) is a result, not the end
            if not only_json:
                raise
            msg = str(e).strip().splitlines()
            last = msg[-1].split(" — chi tiết")[0][-200:]  # the CLI's internal-error line, without the log's path
            why = msg[0].split(" failed ", 1)[-1].rstrip(":") + " — " + last
            res["failed"] = {"n": n, "why": why, "file_bytes": path.stat().st_size}
            print(e, file=sys.stderr)
            continue
        lines[n] = command_lines(path, tmp / f"out_{n}", row["explain_id"], only_json)
        if n <= args.durable_max:
            print(f"{n:,} candidates: durable …", file=sys.stderr, flush=True)
            drow = _engine_child(path, "durable", False, env)
            drow.update(durable_command(path, n, tmp, env, repeat))
            res["engine"].append(drow)
    for r in res["engine"]:  # the native command's figures for the engine table
        if r["backend"] == "native":
            c = next((c for c in res["commands"] if c["n"] == r["n"] and c["command"] == EVAL_JSON), None)
            if c:
                r["cmd_s"], r["floor_s"] = c["s"], c["floor_s"]
    print("start-up, validate, the example …", file=sys.stderr, flush=True)
    res["startup"] = startup(tmp, env)
    res["example"] = example_size(tmp, env)
    pn = args.command_profile_size
    if pn and pn in lines and len(lines[pn]) > 1:
        full = [n for n in lines if len(lines[n]) > 1]
        at = [c for c in res["commands"] if c["n"] == max(full)]
        slow = max(at, key=lambda c: c["s"] / c["floor_s"])["command"]
        print(f"profiling thidua {slow} at {pn:,} …", file=sys.stderr, flush=True)
        res["command_profile"] = profile_command(slow, lines[pn][slow], pn, tmp, env)
    res["ended"] = dt.datetime.now().strftime("%H:%M")
    res["load"] = (load0, os.getloadavg()[0])
    text = report(res)
    args.out.write_text(text + kept(args.out), encoding="utf-8")
    (tmp / "results.json").write_text(json.dumps(res, indent=1), encoding="utf-8")  # for --render
    print(text)


if __name__ == "__main__":
    from engine.app.session import Session

    with Session.from_environment().active():  # the script's edge: the environment read once, here
        main()
