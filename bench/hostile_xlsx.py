"""Benchmark: what a hostile workbook costs (issue 26.1) — peak memory and time of one process.

Builds each bomb as raw XML parts (openpyxl would not write them) and runs
`thidua evaluate ninh_thuan_2020 FILE -f json` on it as a whole process, reporting the process's
peak resident memory (ru_maxrss), its wall and CPU time, its exit code and the first words of its
stderr; prints one Markdown row per bomb for bench/RESULTS.md.

    python bench/hostile_xlsx.py                      # every bomb, this checkout
    python bench/hostile_xlsx.py --cli /other/cli.py  # another checkout's code (e.g. before a change)
    python bench/hostile_xlsx.py --only empty_rows --timeout 600
    python bench/hostile_xlsx.py --write DIR          # only write the bombs into DIR

The bombs:

- `empty_rows`: one sheet of 3.5 million empty `<row/>` elements (a 20 KB file);
- `empty_rows_large`: the same with 42 million (252 MB unpacked, under the 256 MB limit);
- `empty_rows_read`: 1,040,000 empty rows, fewer than an Excel sheet may have: read, not refused;
- `row_heights`: 2 million empty rows that each set a height (`<row ht="20" customHeight="1"/>`);
- `shared_part`: 1,000 sheets that all point at one 4 MB sheet part of empty styled cells (17 KB).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = (
    '<row r="1">'
    + "".join(_inline(f"{c}1", t) for c, t in zip("ABCD", ["id", "name", "group", "kind"], strict=True))
    + '</row><row r="2">'
    + "".join(_inline(f"{c}2", t) for c, t in zip("ABCD", ["u1", "Xã A", "unit", "commune"], strict=True))
    + "</row>"
)


def workbook(path: Path, sheets: int, body: Callable[[zipfile.ZipFile, str], None], shared: bool = False) -> Path:
    """A workbook of `sheets` sheets; `body(zip, part)` writes each sheet part's XML — one part for
    all of them when `shared` (what Excel never writes)."""
    parts = ["xl/worksheets/sheet1.xml"] if shared else [f"xl/worksheets/sheet{i}.xml" for i in range(1, sheets + 1)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        overrides = "".join(f'<Override PartName="/{p}" ContentType="{_CT}.worksheet+xml"/>' for p in parts)
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="{_PKG.rsplit("/", 1)[0]}/relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>{overrides}</Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        names = "".join(
            f'<sheet name="{"Units" if i == 1 else f"S{i}"}" sheetId="{i}" r:id="rId{i}"/>'
            for i in range(1, sheets + 1)
        )
        z.writestr("xl/workbook.xml", f'<workbook {_NS} xmlns:r="{_REL}"><sheets>{names}</sheets></workbook>')
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{1 if shared else i}.xml"/>'
            for i in range(1, sheets + 1)
        )
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{_PKG}">{rels}</Relationships>')
        for part in parts:
            body(z, part)
    return path


def _sheet(rows: Callable[[], str], repeat: int, tail: str = "") -> Callable[[zipfile.ZipFile, str], None]:
    """A sheet part: the header and one unit, then `rows()` written `repeat` times, streamed."""

    def write(z: zipfile.ZipFile, part: str) -> None:
        with z.open(part, "w", force_zip64=True) as f:
            f.write(f"<worksheet {_NS}><sheetData>{HEADER}".encode())
            chunk = rows().encode()
            for _ in range(repeat):
                f.write(chunk)
            f.write(f"</sheetData>{tail}</worksheet>".encode())

    return write


def empty_rows(path: Path, n: int = 3_500_000) -> Path:
    return workbook(path, 1, _sheet(lambda: "<row/>" * 1000, n // 1000))


def empty_rows_large(path: Path) -> Path:
    return empty_rows(path, 42_000_000)


def empty_rows_read(path: Path) -> Path:
    return empty_rows(path, 1_040_000)


def row_heights(path: Path) -> Path:
    return workbook(path, 1, _sheet(lambda: '<row ht="20" customHeight="1"/>' * 1000, 2000))


def shared_part(path: Path, sheets: int = 1000) -> Path:
    cells = "".join(f'<c r="{c}3" s="0"/>' for c in ("E", "F", "G", "H", "I", "J", "K", "L", "M", "N"))
    return workbook(path, sheets, _sheet(lambda: f"<row>{cells}</row>" * 100, 250), shared=True)


BOMBS: dict[str, Callable[[Path], Path]] = {
    "empty_rows": empty_rows,
    "empty_rows_large": empty_rows_large,
    "empty_rows_read": empty_rows_read,
    "row_heights": row_heights,
    "shared_part": shared_part,
}


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
try:
    done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=float(sys.argv[1]))
    code, err = str(done.returncode), done.stderr
except subprocess.TimeoutExpired as e:
    code, err = "timeout", e.stderr or b""
wall = time.perf_counter() - start
u = resource.getrusage(resource.RUSAGE_CHILDREN)
first = err.decode("utf-8", "replace").strip().split(chr(10))[0]
print(code, wall, u.ru_utime + u.ru_stime, u.ru_maxrss // 1024, first, sep=chr(9))
"""


def run(cli: Path, book: Path, timeout: float) -> tuple[str, float, float, int, str]:
    """Exit code (or 'timeout'), wall s, CPU s, peak RSS in MB, stderr's first line — of one process
    (measured by a process of its own, so that its children's peak is this run's alone)."""
    command = [sys.executable, str(cli), "evaluate", "ninh_thuan_2020", str(book), "-f", "json"]
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(timeout), *command],
        capture_output=True,
        text=True,
        cwd=cli.parent,
        env={**os.environ, "THIDUA_LANG": "en"},
        check=True,
    ).stdout
    code, wall, cpu, peak, first = out.rstrip("\n").split("\t", 4)
    return code, float(wall), float(cpu), int(peak), first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cli", type=Path, default=ROOT / "cli.py")
    parser.add_argument("--only", action="append", choices=sorted(BOMBS))
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--write", type=Path, help="only write the bombs into this folder")
    args = parser.parse_args()
    names = args.only or list(BOMBS)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.write or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            book = BOMBS[name](folder / f"{name}.xlsx")
            if args.write:
                print(f"{book} {book.stat().st_size:,} bytes")
                continue
            code, wall, cpu, peak, first = run(args.cli, book, args.timeout)
            print(
                f"| {name} | {book.stat().st_size // 1024:,} KB | {code} | {wall:,.1f} | {cpu:,.1f} | {peak:,}"
                f" | {first[:90]} |"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
