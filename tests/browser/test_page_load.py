"""How the page loads (issue 18): the model list and the linked model's summary are asked for
once, early; every script and stylesheet has a versioned URL; a return visit takes them from
the browser's cache without asking the server."""

import re

from tests.browser.conftest import DESKTOP

FIRST_BLOCK = "#diagram-scroll [data-layer]"
RESOURCES = """() => performance.getEntriesByType('resource').map((e) => ({
  path: e.name.slice(location.origin.length), sent: e.transferSize > 0,
}))"""


def load(context, base_url: str) -> list[dict]:
    page = context.new_page()
    page.goto(f"{base_url}/#vgg16")
    page.wait_for_selector(FIRST_BLOCK)
    page.wait_for_load_state("networkidle")
    assert page.locator("#diagram-scroll").get_attribute("data-model") == "vgg16"
    resources = page.evaluate(RESOURCES)
    page.close()
    return resources


def test_the_list_and_the_summary_are_asked_once_and_assets_are_versioned(browser, base_url):
    context = browser.new_context(viewport=DESKTOP)
    try:
        resources = load(context, base_url)
    finally:
        context.close()
    paths = [r["path"] for r in resources]
    assert paths.count("/models") == 1  # early.js's answer was taken, not asked again
    assert paths.count("/models/vgg16/summary") == 1
    assets = [p for p in paths if re.match(r"/(js|css)/", p)]
    assert len(assets) > 40
    versions = {p.partition("?v=")[2] for p in assets}
    assert len(versions) == 1 and re.fullmatch(r"[0-9a-f]{12}", versions.pop())
    assert len(assets) == len(set(assets))  # no module fetched twice (preload and import agree)


def test_a_return_visit_asks_the_server_for_no_script_or_stylesheet(browser, base_url):
    context = browser.new_context(viewport=DESKTOP)
    try:
        load(context, base_url)
        again = load(context, base_url)
    finally:
        context.close()
    assets = [r for r in again if re.match(r"/(js|css)/", r["path"])]
    assert len(assets) > 40
    assert [r["path"] for r in assets if r["sent"]] == []
    assert any(r["path"] == "/models/vgg16/summary" for r in again)  # the API is still asked
