"""The web pages in a real headless Chromium: every page, a maintainer's correction, phones,
keyboard, and axe-core's accessibility rules (contrast, landmarks, labels, names).

Run `OM_SCREENSHOT_DIR=docs/images pytest tests/test_web_browser.py` to refresh the screenshots
docs/web.md shows (1280 and 390 px wide).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from sqlmodel import Session, select

from monitor.store import open_database
from monitor.store.tables import Delivery, Event, SourceState
from monitor.web.app import create_app
from monitor.web.server import bind_socket

try:  # `tests` is a package when the project root is on sys.path, a plain folder otherwise
    from tests.test_web import PORT_UPDATES
    from tests.test_web_maintainer import TOKEN, config, seed
except ModuleNotFoundError:
    from test_web import PORT_UPDATES  # type: ignore[no-redef]
    from test_web_maintainer import TOKEN, config, seed  # type: ignore[no-redef]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTHS = (1280, 390)
# axe-core's rule sets: WCAG 2.1 A and AA (contrast, names, labels) and its best practices
# (landmarks: every piece of content in one, one main, one banner).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

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
    """The web app (with a token, so maintainers can sign in) on 127.0.0.1 at a free port."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    ids = seed(url)
    db = open_database(url)
    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(
        create_app(config(), db), log_config=None, access_log=False, lifespan="off",
    ))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the web server did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", ids, db
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
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                "--hide-scrollbars", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def set_width(browser, width: int) -> None:
    """The viewport a phone (390 px, mobile) or a laptop (1280 px) gives the page."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 844 if width < 600 else 900, "deviceScaleFactor": 1,
        "mobile": width < 600,
    })


def accessibility_violations(browser) -> list[str]:
    """axe-core's violations on the page, one line each (the script ships with
    selenium-axe-python; it runs from the test, so the page's no-script policy still holds)."""
    from selenium_axe_python import Axe

    Axe(browser).inject()
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r), e => done({error: String(e)}));",
        AXE_TAGS,
    )
    assert "error" not in result, result
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target'][0]) for n in v['nodes'][:3])})"
        for v in result["violations"]
    ]


def shoot(browser, tmp_path: Path, name: str) -> None:
    shot = tmp_path / f"{name}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 5_000
    if os.environ.get("OM_SCREENSHOT_DIR"):
        target = Path(os.environ["OM_SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target / shot.name)


def pages(ids: dict[str, int]) -> dict[str, str]:
    return {
        "cases": "/",
        "case": f"/cases/{ids['port']}",
        "announcement": f"/announcements/{ids['inquest_doc']}",
        "search": "/search?q=officers+notices",
        "changes": "/changes",
        "upcoming": "/upcoming",
        "sources": "/sources",
        "signin": "/signin",
        "print": f"/cases/{ids['port']}/print",
        "corrections": "/corrections",
    }


def test_every_page_is_accessible_and_fits_a_phone(site, browser, tmp_path):
    from selenium.webdriver.common.by import By

    base, ids, _ = site
    browser.get(f"{base}/?token={TOKEN}")  # the access cookie, as a reader opens the site
    problems = {}
    for width in WIDTHS:
        set_width(browser, width)
        for name, path in pages(ids).items():
            browser.get(base + path)
            assert browser.find_element(By.TAG_NAME, "h1").text, path
            # The stylesheet loaded (nothing blocked by the page's own policy).
            body = browser.find_element(By.TAG_NAME, "body")
            assert body.value_of_css_property("margin") == "0px", path
            scroll = browser.execute_script("return document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} scrolls sideways at {width} px ({scroll} px)"
            found = accessibility_violations(browser)
            if found:
                problems[f"{path} at {width} px"] = found
            if name in ("cases", "case", "announcement", "search", "sources"):
                shoot(browser, tmp_path, f"{name}-{width}")
    assert problems == {}


def test_case_timeline_shows_stages_in_order_and_links_our_copy(site, browser):
    from selenium.webdriver.common.by import By

    base, ids, _ = site
    browser.get(f"{base}/cases/{ids['port']}?token={TOKEN}")
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
    entries[3].find_element(By.CSS_SELECTOR, ".more a").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == PORT_UPDATES[3][5]
    assert browser.find_element(By.CSS_SELECTOR, "mark.evidence").text == (
        "failures by police probably contributed")
    assert browser.find_element(By.CSS_SELECTOR, ".diff ins").text == "three"


def test_a_maintainer_signs_in_corrects_a_stage_and_the_follow_up_is_in_the_outbox(
    site, browser, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, ids, db = site
    browser.get(f"{base}/?token={TOKEN}")
    # By keyboard: the first Tab reaches the skip link, Enter moves to the content.
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"

    browser.find_element(By.LINK_TEXT, "Maintainer sign-in").click()
    browser.find_element(By.ID, "name").send_keys("Alice Advocate")
    browser.find_element(By.ID, "token").send_keys(TOKEN + Keys.ENTER)  # submits by keyboard
    WebDriverWait(browser, 5).until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".who"),
                                                          "Signed in"))
    assert "Signed in as Alice Advocate" in browser.find_element(By.CSS_SELECTOR, ".who").text

    # The maintainers' forms: labelled, accessible, and no sideways scroll on a phone either.
    problems = {}
    for width in WIDTHS:
        set_width(browser, width)
        for path in (f"/announcements/{ids['inquest_doc']}", f"/cases/{ids['hostile']}",
                     "/sources"):
            browser.get(base + path)
            assert browser.find_elements(By.CSS_SELECTOR, "form.maintain, form.inline"), path
            scroll = browser.execute_script("return document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} scrolls sideways at {width} px ({scroll} px)"
            found = accessibility_violations(browser)
            if found:
                problems[f"{path} at {width} px"] = found
    assert problems == {}
    set_width(browser, 1280)

    browser.get(f"{base}/announcements/{ids['last_doc']}")
    Select(browser.find_element(By.ID, "stage")).select_by_value("appeal_or_review")
    why = browser.find_element(By.ID, "stage-why")
    why.send_keys("this is the officers' appeal, not new notices")
    shoot(browser, tmp_path, "correction-form-1280")
    why.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".done")))
    done = browser.find_element(By.CSS_SELECTOR, ".done").text
    assert ("Follow-up alert queued: correction: Stephen Port is at appeal or review, "
            "not gross misconduct notices served") in done
    assert "Corrected by Alice Advocate" in browser.find_element(By.CSS_SELECTOR,
                                                                 ".corrected").text
    shoot(browser, tmp_path, "correction-done-1280")
    with Session(db) as session:
        event = session.exec(select(Event).where(Event.dedupe_key.startswith("correction:"))).one()
        outbox = session.exec(select(Delivery).where(Delivery.event_id == event.id)).all()
        assert [(d.subscriber, d.status) for d in outbox] == [("advocate", "pending")]

    browser.get(f"{base}/sources")
    browser.find_elements(By.XPATH, "//button[starts-with(normalize-space(), 'Check now')]")[0] \
        .click()
    WebDriverWait(browser, 5).until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".done"),
                                                          "Check requested"))
    with Session(db) as session:
        assert session.get(SourceState, "iopc").check_requested_at is not None

    browser.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
    WebDriverWait(browser, 5).until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".who"),
                                                          "Maintainer sign-in"))
