"""The web pages in a real browser: headless Chromium (Debian's) driven by Selenium.

The seed NEC case is typed into the form field by field and submitted with the keyboard.
``NETKG_SCREENSHOTS=docs/screenshots`` makes the test write the screenshots the README shows:
``NETKG_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest -q tests/test_web_browser.py``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import yaml

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = Path("/usr/bin/chromium")
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "nec-sigmoid-liver.yaml"

if not (CHROMEDRIVER.exists() and CHROMIUM.exists()):
    pytest.skip("needs Debian's chromium and chromium-driver (/usr/bin/chromedriver); "
                "bash scripts/setup.sh test installs them", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
uvicorn = pytest.importorskip("uvicorn")

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from netkg.web.app import WebSettings, make_app  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(knowledge) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(WebSettings(), knowledge=knowledge), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the web server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[object]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--window-size=1280,900", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver, name: str) -> None:
    target = os.environ.get("NETKG_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1280, min(max(900, height), 1600))
        driver.save_screenshot(str(Path(target) / f"{name}.png"))
        driver.set_window_size(1280, 900)


def _when_loaded(driver, by: str, value: str, timeout: float = 20.0):
    """The element ``value`` of the page a submit or a click leads to, once the browser has loaded it.

    A click returns before the next page is there; looking the element up at once can find the old page.
    """
    return WebDriverWait(driver, timeout).until(expected_conditions.presence_of_element_located((by, value)))


def _heading_is(driver, text: str, timeout: float = 20.0, prefix: bool = False) -> bool:
    """Wait until the page's first heading reads ``text`` (or starts with it); False after ``timeout`` s."""
    def ready(d) -> bool:
        headings = d.find_elements(By.TAG_NAME, "h1")
        if not headings:
            return False
        shown = headings[0].text
        return shown.startswith(text) if prefix else shown == text
    try:
        return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(ready)
    except TimeoutException:
        return False


def _by_id(driver, path: str):
    return driver.find_element(By.ID, "f-" + path.replace(".", "-"))


def _fill(driver, case: dict, prefix: str = "") -> None:
    """Enter ``case`` as a person would: type numbers and text, pick codes, click the choices."""
    for key, value in case.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            _fill(driver, value, f"{path}.")
        elif isinstance(value, list):
            if not value:
                box = "f-treatment_history-none" if path == "treatment_history" else f"f-{path}-none"
                driver.find_element(By.ID, box).click()
            for code in value:
                driver.find_element(By.ID, f"f-{path}-{code}").click()
        elif isinstance(value, bool):
            driver.find_element(By.ID, f"f-{path.replace('.', '-')}-{'true' if value else 'false'}").click()
        else:
            element = _by_id(driver, path)
            if element.tag_name == "select":
                Select(element).select_by_value(str(value))
            else:
                element.clear()
                element.send_keys(str(value))


def test_the_seed_case_typed_into_the_form_gives_its_report(browser, base_url: str) -> None:
    browser.get(base_url + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Enter a case"
    _fill(browser, yaml.safe_load(EXAMPLE.read_text()))
    _screenshot(browser, "case-form")
    _by_id(browser, "tumour.ki67").send_keys(Keys.ENTER)  # submitted with the keyboard
    assert _heading_is(browser, "Report for case", prefix=True)
    indicated = _when_loaded(browser, By.ID, "cat-recommended").find_element(By.XPATH, "..").text
    contraindicated = browser.find_element(By.ID, "cat-contraindicated").find_element(By.XPATH, "..").text
    assert "platinum plus etoposide" in indicated and "K007" in indicated
    assert "somatostatin analog" in contraindicated and "K014" in contraindicated
    _screenshot(browser, "report")
    browser.find_element(By.CSS_SELECTOR, 'a[href="/knowledge/statements/K007"]').click()
    assert _heading_is(browser, "Statement K007")


def test_a_bad_ki67_is_shown_next_to_the_ki67_field(browser, base_url: str) -> None:
    browser.get(base_url + "/")
    case = yaml.safe_load(EXAMPLE.read_text())
    case["tumour"]["ki67"] = 150
    _fill(browser, case)
    browser.find_element(By.ID, "submit-case").click()
    error = _when_loaded(browser, By.ID, "f-tumour-ki67-error")
    assert "100" in error.text
    field = _by_id(browser, "tumour.ki67")
    assert field.get_attribute("value") == "150" and field.get_attribute("aria-invalid") == "true"
    assert error.find_element(By.XPATH, "..") == field.find_element(By.XPATH, "..")  # the same field block
    browser.find_element(By.CSS_SELECTOR, 'a[href="#f-tumour-ki67"]').click()  # the summary leads to the field


def test_the_form_is_submitted_with_tab_and_enter_only(browser, base_url: str) -> None:
    browser.get(base_url + "/")
    _by_id(browser, "id").send_keys("keyboard-only")
    body = browser.switch_to.active_element
    for _ in range(400):  # Tab until the submit button has the focus
        body.send_keys(Keys.TAB)
        body = browser.switch_to.active_element
        if body.get_attribute("id") == "submit-case":
            break
    assert body.get_attribute("id") == "submit-case"
    body.send_keys(Keys.ENTER)
    # no primary site: the error summary and the field's error appear
    assert _when_loaded(browser, By.ID, "f-tumour-primary_site-error").is_displayed()
    assert browser.find_element(By.ID, "error-summary").is_displayed()
