"""The report as PDF: the HTML report printed by a headless Chromium-family browser.

Why a browser and not WeasyPrint: the HTML report is already laid out for A4 and checked in
headless Chromium (tests/test_report_browser.py), so the PDF is exactly what a user sees when they
print the HTML; Chromium implements CSS paged media (`@page` margin boxes give the page numbers
from page 2); and every office PC already has one — Microsoft Edge on Windows, Chrome, or
Chromium on Linux — whereas WeasyPrint needs Pango and its GTK libraries installed natively,
which an office PC does not have. The browser is found as `THIDUA_BROWSER` (a path), else
`chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable`, `microsoft-edge`,
`msedge` on the PATH, else Edge's and Chrome's usual Windows and macOS locations. None found is
a one-line error saying what to install (exit 2).

Fonts: the report asks for Times New Roman, then its metric twins Liberation Serif and Tinos,
which have every Vietnamese letter; `.ci/run` installs fonts-liberation. The PDF's creation and
modification dates are set to the evaluation date, so the same inputs give the same file.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from engine.common import environment
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, Text
from engine.render.output import os_reason

BROWSER_ENV = "THIDUA_BROWSER"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge")
KNOWN_PATHS = (
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
HEADLESS = (  # a browser that prints and nothing else: no window, no network of its own, no profile sync
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
FLAGS = (*HEADLESS, "--no-pdf-header-footer")
TIMEOUT = 300


def find_browser(given: str | None = None) -> str | None:
    """A Chromium-family browser: `given` (THIDUA_BROWSER, read at the edge), the PATH, then the usual
    install locations."""
    if given:
        return given if Path(given).is_file() else shutil.which(given)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in KNOWN_PATHS if Path(p).is_file()), None)


def html_to_pdf(html: str, when: dt.date, name: str = "-o") -> bytes:
    """Print `html` to PDF (A4, the page set by the report's own @page rules); `name`: the output, for messages."""
    browser = find_browser(environment.current().browser)  # the session's THIDUA_BROWSER
    if browser is None:
        raise UsageError(
            Problem(
                name,
                Msg("problem.render_no_browser"),
                hint=Msg("problem.render_no_browser_hint", env=BROWSER_ENV),
            )
        )
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        pdf = Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        try:
            done = subprocess.run(
                [browser, *FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except OSError as e:
            raise UsageError(Problem(browser, Msg("problem.render_browser_failed", reason=os_reason(e)))) from None
        except subprocess.TimeoutExpired:
            timeout = Msg("problem.render_browser_timeout", seconds=TIMEOUT)
            raise UsageError(Problem(browser, Msg("problem.render_browser_failed", reason=timeout))) from None
        if not pdf.is_file() or pdf.stat().st_size == 0:
            lines = done.stderr.strip().splitlines()  # the browser's own last word, as it wrote it
            last: Text = lines[-1] if lines else Msg("problem.render_browser_exit", code=str(done.returncode))
            raise UsageError(Problem(browser, Msg("problem.render_browser_no_pdf", last=last)))
        return stable_dates(pdf.read_bytes(), when)


def stable_dates(data: bytes, when: dt.date) -> bytes:
    """The PDF's /CreationDate and /ModDate set to `when` (same length: the xref offsets hold)."""
    stamp = when.strftime("%Y%m%d").encode() + b"000000"

    def fix(m: re.Match[bytes]) -> bytes:
        old = m.group(2)  # YYYYMMDDHHmmSS then the time zone, kept as it was
        return m.group(1) + stamp[: len(old)] + old[len(stamp) :] + m.group(3)

    return re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)([^)]*)(\))", fix, data)
