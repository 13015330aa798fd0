"""The case timeline in a real headless Chromium: stages in order, and a screenshot.

Run `OM_SCREENSHOT_DIR=docs/images pytest tests/test_web_browser.py` to refresh
docs/images/case-timeline.png.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from monitor.store import open_database
from monitor.web.app import create_app
from monitor.web.server import bind_socket

try:  # `tests` is a package when the project root is on sys.path, a plain folder otherwise
    from tests.test_web import PORT_UPDATES, make_config, seed_database
except ModuleNotFoundError:
    from test_web import PORT_UPDATES, make_config, seed_database  # type: ignore[no-redef]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs /usr/bin/chromium and /usr/bin/chromedriver "
               "(apt-get install chromium chromium-driver)",
    ),
]


@pytest.fixture
def site(tmp_path):
    """The web app on 127.0.0.1 at a free port, served by uvicorn in a thread."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    ids = seed_database(url)
    db = open_database(url)
    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(
        create_app(make_config(), db), log_config=None, access_log=False, lifespan="off",
    ))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the web server did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", ids
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()
    db.dispose()


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=900,2200",
                f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def test_case_timeline_shows_stages_in_order(site, browser, tmp_path):
    from selenium.webdriver.common.by import By

    base, ids = site
    browser.get(f"{base}/cases/{ids['port']}")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Stephen Port")
    entries = browser.find_elements(By.CSS_SELECTOR, "ol.timeline > li.entry")
    stages = [e.find_element(By.CSS_SELECTOR, "h3 .stage").text for e in entries]
    assert stages == [
        "referred to the watchdog", "misconduct notices served",
        "reflective practice instead of discipline", "inquest findings", "re-investigation",
        "gross misconduct notices served",
    ]
    sources = [e.find_element(By.CSS_SELECTOR, ".source a").text for e in entries]
    assert sources == [title for *_, title, _ in PORT_UPDATES]
    moved_back = [i for i, e in enumerate(entries) if "backwards" in e.get_attribute("class")]
    assert moved_back == [4]  # into the re-investigation; the 2023 notices move forward again
    assert "↩ moved back" in entries[4].text
    # The stylesheet loaded (the timeline draws its line), and nothing was blocked.
    assert entries[0].find_element(By.XPATH, "..").value_of_css_property("border-left-style") \
        == "solid"

    shot = tmp_path / "case-timeline.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("OM_SCREENSHOT_DIR"):
        target = Path(os.environ["OM_SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target / "case-timeline.png")
