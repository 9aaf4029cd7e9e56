"""How the page loads (issue 18): the model list and the linked model's summary are asked for
once, early; the modules come as one bundle (or one by one with BUNDLE_STATIC=false); every
script and stylesheet has a versioned URL; a return visit takes them from the browser's cache
without asking the server."""

import re

from backend.main import FRONTEND_DIR
from tests.browser.conftest import DESKTOP, Problems, app_server
from tests.test_static import module_graph

STYLESHEETS = sorted(f"/css/{p.name}" for p in (FRONTEND_DIR / "css").glob("*.css"))

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
    versions = {p.partition("?v=")[2] for p in assets}
    assert len(versions) == 1 and re.fullmatch(r"[0-9a-f]{12}", versions.pop())
    # Two scripts (the early requests, the bundle of every module) and the stylesheets.
    unversioned = sorted(p.partition("?v=")[0] for p in assets)
    assert unversioned == sorted(["/js/early.js", "/js/bundle.js", *STYLESHEETS])


def test_a_return_visit_asks_the_server_for_no_script_or_stylesheet(browser, base_url):
    context = browser.new_context(viewport=DESKTOP)
    try:
        load(context, base_url)
        again = load(context, base_url)
    finally:
        context.close()
    assets = [r for r in again if re.match(r"/(js|css)/", r["path"])]
    assert len(assets) == 2 + len(STYLESHEETS)
    assert [r["path"] for r in assets if r["sent"]] == []
    assert any(r["path"] == "/models/vgg16/summary" for r in again)  # the API is still asked


def test_with_bundling_off_the_page_loads_its_modules_one_by_one(browser, tmp_path):
    with app_server(tmp_path / "uvicorn.log", env={"BUNDLE_STATIC": "false"}) as url:
        context = browser.new_context(viewport=DESKTOP)
        problems = Problems()
        context.on("weberror", lambda e: problems.exceptions.append(str(e.error)))
        try:
            resources = load(context, url)
        finally:
            context.close()
    scripts = [r["path"].partition("?v=")[0] for r in resources if r["path"].startswith("/js/")]
    modules = sorted(f"/{p}" for p in module_graph())
    assert sorted(set(scripts) - {"/js/early.js"}) == modules  # every module, none twice
    assert len(scripts) == len(set(scripts)) == len(modules) + 1
    assert "/js/bundle.js" not in scripts
    assert problems.unexpected() == []
