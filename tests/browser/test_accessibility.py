"""axe-core (pinned in package.json, installed by `npm ci`) run inside the page: no serious or
critical violation in either language, on the diagram, the layer table and the compare view.

The page's Content-Security-Policy forbids injected scripts, so the test's browser context
bypasses it (`bypass_csp=True`); the app itself is unchanged.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE, ROOT, Session

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    pytest.skip(f"axe-core is not installed ({AXE}); run npm ci", allow_module_level=True)


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def axe_session(request, browser, base_url: str) -> Iterator[Session]:
    from tests.browser.conftest import Problems

    context = browser.new_context(viewport=request.param, locale="en-US", bypass_csp=True)
    page = context.new_page()
    yield Session(page, Problems(), base_url)
    context.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => `${v.id} (${v.impact}): `"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
    )
    return result


def _scan(session: Session, label: str) -> list[str]:
    return [f"{label}: {v}" for v in serious_violations(session.page)]


@pytest.mark.parametrize("model", ["simplecnn", "resnet18", "alexnet_2gpu"])
def test_no_serious_violations_in_either_language(axe_session: Session, model: str) -> None:
    page = axe_session.page
    axe_session.open(model)
    found = _scan(axe_session, f"{model} diagram")
    page.click("#lang-toggle")
    page.wait_for_selector("html[lang=ko]")
    found += _scan(axe_session, f"{model} diagram ko")
    page.click("#tab-table")
    page.wait_for_selector("#layer-table tbody tr")
    found += _scan(axe_session, f"{model} table ko")
    page.click("#tab-compare")
    page.wait_for_selector("#compare-table tbody tr, #compare-table tr", timeout=30_000)
    found += _scan(axe_session, f"{model} compare ko")
    assert found == [], "\n".join(found)


def test_axe_finds_what_it_should(axe_session: Session, tmp_path: Path) -> None:
    """The injection works: a low-contrast paragraph added to the page is reported."""
    axe_session.open("simplecnn")
    axe_session.page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'faint';"
        " p.style.color = '#eee'; p.style.background = '#fff'; document.body.append(p); }"
    )
    assert any(v.startswith("color-contrast") for v in serious_violations(axe_session.page))
