"""`thidua serve` in a real browser (issue 17.5): the server started as a user starts it, on a free
port, and headless Chromium driven by Selenium through Debian's chromedriver — nothing downloaded.

Upload the bundled example, read the verdict counts, open one candidate's explanation, download the
report, see a broken file's message with its line; the page's own script (drag and drop, live
search, checking a campaign as it is typed) runs under the CSP with no violation. Screenshots of the
main pages go to $THIDUA_ARTEFACTS (default tests/artefacts/, not committed). Skipped only where
Chromium or chromedriver is absent; .ci/run installs both.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import serving

from engine.render.report_pdf import HEADLESS, find_browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
CHROMIUM = find_browser()  # the one browser finder (engine/render/report_pdf.py)
DRIVER = shutil.which("chromedriver") or next(
    (p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if Path(p).is_file()), None
)
ARTEFACTS = Path(os.environ.get("THIDUA_ARTEFACTS") or ROOT / "tests" / "artefacts")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None or DRIVER is None, reason="no Chromium or chromedriver here"),
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`thidua serve --port N`, as a user starts it; its URL once it answers."""
    env = {**os.environ, "THIDUA_LOG_DIR": str(tmp_path_factory.mktemp("logs"))}
    with serving([sys.executable, str(ROOT / "cli.py")], ROOT, env) as url:
        yield url


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        *HEADLESS,
        "--window-size=1280,900",
        "--lang=vi",
        f"--user-data-dir={tmp_path_factory.mktemp('profile')}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(DRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver: Any, name: str) -> Path:
    """A screenshot of the whole page (the window grown to the page's height)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(1280, max(900, min(height + 40, 6000)))
    path = ARTEFACTS / f"web-{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    return path


def _by_css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def _wait(driver: Any, check: Any, timeout: float = 30) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(check)


def _no_csp_violations(driver: Any) -> None:
    """No script blocked, no script failing: the pages keep to their own CSP (no inline anything)."""
    logs = driver.get_log("browser")
    bad = [e["message"] for e in logs if "Content Security Policy" in e["message"] or "Uncaught" in e["message"]]
    assert not bad, bad


def test_a_review_in_the_browser(server: str, browser: Any, downloads: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    assert "288/KH-UBND" in _by_css(browser, "#campaigns").text
    _shot(browser, "campaigns")
    browser.find_element(By.LINK_TEXT, "ninh_thuan_2020").click()

    _by_css(browser, "#facts").send_keys(str(EXAMPLE))
    assert _by_css(browser, "#chosen").text == "ninh_thuan_2020.yaml"  # app.js shows the files chosen
    _shot(browser, "upload")
    _by_css(browser, "#evaluate").click()

    _wait(browser, lambda d: d.find_elements(By.ID, "counts"))
    counts = {
        e.get_attribute("data-verdict"): e.text
        for e in browser.find_elements(By.CSS_SELECTOR, "#counts .n[data-verdict]")
    }
    assert counts == {
        "out_of_scope": "3",
        "not_considered": "3",
        "disqualified": "2",
        "ineligible": "5",
        "incomplete": "4",
        "eligible": "35",
    }
    _shot(browser, "verdicts")
    browser.save_screenshot(
        str(ARTEFACTS / "web-verdicts-top.png")
    )  # the window as a user first sees it: docs/serve.png
    _by_css(browser, "#f-q").send_keys("tai nguyen va moi")  # live search, folded as Vietnamese readers type
    shown = [r for r in browser.find_elements(By.CSS_SELECTOR, "#verdicts tbody tr") if r.is_displayed()]
    assert [r.find_element(By.CSS_SELECTOR, "td:nth-child(2)").text for r in shown] == ["so-tnmt"]
    shown[0].find_element(By.LINK_TEXT, "so-tnmt").click()

    _wait(browser, lambda d: d.find_elements(By.ID, "verdict"))
    assert _by_css(browser, "#verdict").text == "Không đủ tiêu chí"
    assert "phải từ Tốt trở lên; hiện là Khá" in _by_css(browser, "#rule-unit_par_rating_good").text
    assert "II.2.a" in _by_css(browser, "#rule-unit_par_rating_good").text
    _shot(browser, "candidate")
    browser.back()

    _by_css(browser, "#award-link").click()
    _wait(browser, lambda d: "Bằng khen" in d.find_element(By.TAG_NAME, "h2").text)
    _shot(browser, "award")
    browser.back()

    _by_css(browser, "#dl-report-html").click()
    report = downloads / "ninh_thuan_2020-report.html"
    _wait(browser, lambda d: report.is_file() and report.stat().st_size > 0)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "DANH SÁCH" in text.upper()
    _no_csp_violations(browser)

    browser.find_element(By.CSS_SELECTOR, "a.lang").click()  # the English switch keeps the page
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Verdicts")
    assert _by_css(browser, "#counts").text.count("Eligible") == 1


def test_a_broken_file_says_where(server: str, browser: Any, tmp_path: Path) -> None:
    broken = tmp_path / "don_vi.yaml"
    broken.write_text("units:\n  - id: so-x\n    name: Sở X\n    kind: sở\n", encoding="utf-8")
    browser.get(server + "/campaigns/ninh_thuan_2020")
    _by_css(browser, "#facts").send_keys(str(broken))
    _by_css(browser, "#evaluate").click()
    _wait(browser, lambda d: d.find_elements("id", "error"))
    message = _by_css(browser, "#error").text
    assert "don_vi.yaml:4:5: units[so-x].kind: 'sở'" in message  # the words are the facts reader's
    _shot(browser, "error")


def test_checking_a_campaign_as_it_is_typed(server: str, browser: Any) -> None:
    text = (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
    browser.get(server + "/author")
    _by_css(browser, "#live").click()
    area = _by_css(browser, "#campaign")
    browser.execute_script(
        "arguments[0].value = arguments[1];",
        area,
        text.replace("task_completion >= excellent", "task_complet >= excellent", 1),
    )
    area.send_keys(" ")  # an edit: app.js checks after a pause, through /api/validate
    _wait(browser, lambda d: "có phải ý bạn là 'task_completion'?" in d.find_element("id", "findings").text)
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "task_completion >= excellent" in s)
    assert f"campaign.yaml:{line}:" in _by_css(browser, "#findings").text
    _shot(browser, "author")
    _no_csp_violations(browser)


WATCH_BUSY = """
const box = document.getElementById("busy");
const seen = [];
new MutationObserver(() => {
  const text = box.textContent.trim();
  if (!box.hidden && seen[seen.length - 1] !== text) {
    seen.push(text);
    sessionStorage.setItem("busy-seen", JSON.stringify(seen));
  }
}).observe(box, {attributes: true, childList: true, subtree: true, characterData: true});
"""


def test_a_long_request_shows_a_spinner_and_the_seconds(server: str, browser: Any, downloads: Path) -> None:
    """Issue 23.7: any request over a second shows a spinner and the seconds gone by, in the page's
    words — the upload and a download (fetched by app.js, then saved under the server's name). The
    browser's network is slowed (2.5 s a request) so the wait is certain, whatever the machine."""
    import re

    from selenium.webdriver.common.by import By

    def busy(d: Any) -> Any:
        box = d.find_element(By.ID, "busy")
        return box if box.is_displayed() else False

    browser.get(server + "/campaigns/ninh_thuan_2020")
    _by_css(browser, "#facts").send_keys(str(EXAMPLE))
    assert not _by_css(browser, "#busy").is_displayed()
    # While a page is awaited the browser answers no command (chromedriver waits for the
    # navigation): what the waiting page shows is written down by the page itself, in this tab's
    # sessionStorage, and read once the next page is there.
    browser.execute_script(WATCH_BUSY)
    browser.set_network_conditions(offline=False, latency=2500, throughput=10 * 1024 * 1024)
    try:
        _by_css(browser, "#evaluate").click()
        _wait(browser, lambda d: d.find_elements(By.ID, "counts"))
        seen = browser.execute_script("return JSON.parse(sessionStorage.getItem('busy-seen') || '[]')")
        assert seen[:2] == ["Đang xử lý, xin chờ… 1 giây", "Đang xử lý, xin chờ… 2 giây"], seen
        assert not _by_css(browser, "#busy").is_displayed()  # a new page: nothing pending

        _by_css(browser, "#dl-report-docx").click()
        box = _wait(browser, busy, timeout=10)
        assert re.fullmatch(r"Đang xử lý, xin chờ… [1-9] giây", box.text), box.text
        _shot(browser, "busy")
        report = downloads / "ninh_thuan_2020-report.docx"
        _wait(browser, lambda d: report.is_file() and report.stat().st_size > 0, timeout=120)
        _wait(browser, lambda d: not d.find_element(By.ID, "busy").is_displayed())
        assert report.read_bytes().startswith(b"PK")
    finally:
        browser.delete_network_conditions()
    _no_csp_violations(browser)
