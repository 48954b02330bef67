"""report.html in a real headless browser (Debian's chromium): it opens, says the answer and
every figure loads. Skips with the reason where no chromium is installed (`.ci/run` installs
it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim import batch
from sim.config import load
from sim.report import HTML_FILE, make_report
from tests.test_batch import write_tiny

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip(f"no headless browser: {CHROMIUM} and {CHROMEDRIVER} are needed "
                    "(apt-get install chromium chromium-driver; .ci/run does)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                    "(pip install -e '.[dev]')")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("html")
    folder = batch.run_batch(load(write_tiny(tmp)), out=tmp / "out", workers=1, weeks=6,
                             progress=False).folder
    written = make_report(folder)
    # a copy alone in a folder: the page must need nothing beside it
    alone = tmp / "alone"
    alone.mkdir()
    shutil.copy(written.html, alone / HTML_FILE)
    return alone / HTML_FILE, len(written.charts)


def test_the_html_report_opens_in_a_browser_and_every_figure_loads(browser, report):
    path, charts = report
    browser.get(path.as_uri())
    assert browser.title == "reformsim report: tiny_batch"
    headings = [h.text for h in browser.find_elements("tag name", "h2")]
    assert headings[0] == "The answer" and "Who pays" in headings
    assert "Under the high arm" in browser.find_element("css selector", ".answer").text
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth,"
        " i.naturalHeight, i.getBoundingClientRect().width]);")
    assert len(images) == charts >= 4
    for alt, complete, width, height, shown in images:
        assert complete and width > 300 and height > 200 and shown > 0, alt
        assert alt  # the figure's title
    captions = browser.find_elements("tag name", "figcaption")
    assert len(captions) == charts and all(c.text.strip() for c in captions)
