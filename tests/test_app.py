"""The web page in a real headless browser (Debian's chromium, as test_report_html.py): it loads,
a setting changes, a short scenario runs, and the answer in words and a figure appear, from
runs made with the changed setting. Skips with the reason where no chromium is installed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim import batch
from sim.config import load
from tests.test_batch import write_tiny
from tests.test_report_html import CHROMEDRIVER, CHROMIUM

REPO = Path(__file__).resolve().parent.parent
REFORMSIM = Path(sys.executable).parent / "reformsim"
START_S, RUN_S = 60, 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pytest.importorskip("solara", reason="solara is not installed (pip install -e '.[app]')")
    out = tmp_path_factory.mktemp("app") / "app"
    port = free_port()
    log = (out.parent / "server.log").open("w")
    proc = subprocess.Popen([str(REFORMSIM), "app", "--port", str(port), "--out", str(out)],
                            cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_S
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (out.parent / "server.log").read_text()
            assert time.monotonic() < deadline, "the page did not start in time"
            time.sleep(0.5)
        yield url, out
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip(f"no headless browser: {CHROMIUM} and {CHROMEDRIVER} are needed "
                    "(apt-get install chromium chromium-driver; .ci/run does)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, seconds: float, condition, what: str):
    """Poll `condition` until it holds. An element the page re-renders between finding it and
    reading it (stale) means "not yet", as a missing one does: the next poll finds the new one."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.5,
                         ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: condition(d), message=what)


def test_the_page_runs_a_changed_scenario_and_shows_the_answer_and_figures(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, out = server
    browser.get(url)
    wait_for(browser, START_S, lambda d: "What would a reform change?" in d.page_source,
             "the page did not load")
    # change a setting: fewer reported weeks, with the keyboard on the slider
    slider = wait_for(browser, 20, lambda d: d.find_element(
        By.XPATH, "//*[starts-with(normalize-space(), 'Reported weeks')]"
        "/ancestor::div[contains(@class, 'v-input')][1]//*[@role='slider']"),
        "no weeks slider")
    slider.click()
    for _ in range(40):
        slider.send_keys(Keys.ARROW_LEFT)
    wait_for(browser, 10, lambda d: "Reported weeks: 10" in d.page_source,
             "the slider did not move")
    browser.find_element(By.XPATH, "//button[contains(@class, 'run-button')]").click()

    def answered(d):
        text = " ".join(e.text for e in d.find_elements(By.CSS_SELECTOR, ".answer"))
        images = d.execute_script(
            "return Array.from(document.querySelectorAll('.figure img'))"
            ".map(i => [i.complete, i.naturalWidth]);")
        return "Under the authorisation arm" in text and any(c and w > 300 for c, w in images)

    wait_for(browser, RUN_S, answered, "no answer and figure after the run")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Who pays" in body and "million SEK a year" in body
    wait_for(browser, 20, lambda d: d.find_element(
        By.XPATH, "//button[contains(@class, 'run-button')]").is_enabled(), "still running")
    if os.environ.get("REFORMSIM_APP_SCREENSHOT"):
        browser.save_screenshot(os.environ["REFORMSIM_APP_SCREENSHOT"])
    # the runs behind the answer were made with the changed setting
    manifests = list(out.glob("lov_vs_authorisation/*/runs/*/manifest.json"))
    assert len(manifests) == 4  # two arms x two replications
    assert {json.loads(m.read_text())["config"]["run"]["weeks"] for m in manifests} == {10}


def test_the_page_opens_a_finished_batch_instead_of_running(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    folder = batch.run_batch(load(write_tiny(tmp_path)), out=tmp_path / "out", workers=1,
                             progress=False).folder
    url, _ = server
    browser.get(url)
    field = wait_for(browser, START_S, lambda d: d.find_element(
        By.XPATH, "//div[contains(@class, 'v-text-field')]"
        "[.//label[contains(., 'open a finished batch')]]//input"),
        "no folder field")
    field.send_keys(str(folder))
    open_button = browser.find_element(By.XPATH, "//button[contains(., 'Open')]")
    wait_for(browser, 10, lambda d: open_button.is_enabled(), "Open stays disabled")
    open_button.click()
    wait_for(browser, 30, lambda d: "Under the high arm" in " ".join(
        e.text for e in d.find_elements(By.CSS_SELECTOR, ".answer")), "the batch did not open")
    assert str(folder) in browser.find_element(By.TAG_NAME, "body").text


# ------------------------------------------------------------- without a browser
def test_the_choices_make_a_checked_scenario_with_a_variant():
    from sim.app import choices as ch
    from sim.config import ScenarioError

    c = ch.Choices(arms=("public", "lov"), variant_of="lov", design=ch.BY_RESULT_SHARE,
                   result_share=0.5, tiering=2.0, reform_week=4, weeks=20)
    sc = ch.build(c)
    assert list(sc.arms) == ["public", "lov", ch.VARIANT]
    assert sc.base.run.reform_week == 4 and sc.base.run.weeks == 20
    rules = sc.arms[ch.VARIANT].reform
    assert rules["services.nacka.choice.regime"] == "lov"  # the arm's own rules, kept
    results = rules["services.nacka.payment.result_payment"]
    assert results[-1] == pytest.approx(3 * results[0])
    with pytest.raises(ScenarioError, match="unknown arm"):
        ch.build(ch.Choices(variant_of="lottery"))


def test_reformsim_app_refuses_bad_options_in_one_line(tmp_path, capsys):
    from sim.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["app", "--port", "70000"])
    assert stop.value.code == 2
    a_file = tmp_path / "file"
    a_file.write_text("")
    assert main(["app", "--out", str(a_file)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: --out:") and len(err) == 2
