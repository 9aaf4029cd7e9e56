"""The code beside the diagram, forward()'s own operations and the convolution at work
(issue 16), in Chromium, checked against the API. Screenshots: test-artifacts/screenshots/
source-*.png at 1280×800, 1920×1080 and phone width.
"""

from collections.abc import Iterator

import pytest

from tests.browser.conftest import PHONE, Session, _session, draw_seven

WIDE = {"width": 1920, "height": 1080}


@pytest.fixture
def wide(browser, base_url: str) -> Iterator[Session]:
    yield from _session(browser, base_url, WIDE)


def code_line(session: Session, n: int):
    return session.page.locator(f'#code-panel .code-line[data-line="{n}"]')


def wait_for_code(session: Session) -> None:
    session.page.locator("#code-panel .code-line").first.wait_for(timeout=20_000)


def test_clicking_a_block_highlights_its_line_and_a_line_selects_its_block(
    session: Session, api
) -> None:
    source = api.get("/models/simplecnn/source").json()
    session.open("simplecnn")
    wait_for_code(session)
    page = session.page
    assert "OCR" in page.locator("#code-panel .code-origin").inner_text()
    page.click('#diagram-scroll .block[data-name="conv1"]')
    line = source["rows"]["conv1"][0]
    highlighted = page.locator("#code-panel .code-line.hl")
    assert highlighted.count() == 1
    assert highlighted.get_attribute("data-line") == str(line)
    assert "self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)" in highlighted.inner_text()
    # a corrected line is marked, with the seed's text in its title
    fixed = code_line(session, source["corrections"][0]["line"])
    assert "corrected" in (fixed.get_attribute("class") or "")
    assert "kernel size=3" in (fixed.get_attribute("title") or "")
    # a line of forward(): the view row
    view_line = source["rows"]["view#1"][0]
    code_line(session, view_line).click()
    selected = page.locator("#diagram-scroll").get_attribute("data-selected")
    block = page.locator(f'#diagram-scroll [data-id="{selected}"]')
    assert block.get_attribute("data-name") == "view#1"
    assert block.get_attribute("data-functional") == "true"
    assert "view" in page.locator("#details").inner_text()
    session.screenshot("source-simplecnn-1280")
    page.click('#code-panel [data-code-tab="print"]')
    assert page.locator("#code-panel .print-model").inner_text().startswith("SimpleCNN(")
    assert session.problems.unexpected() == []


def test_vgg16_line_clicks_walk_the_convolutions_and_mark_the_cfg_entry(
    session: Session, api
) -> None:
    source = api.get("/models/vgg16/source").json()
    session.open("vgg16")
    wait_for_code(session)
    page = session.page
    conv_line = source["rows"]["features.0"][0]
    names = []
    for _ in range(3):
        code_line(session, conv_line).click()
        selected = page.locator("#diagram-scroll").get_attribute("data-selected")
        block = page.locator(f'#diagram-scroll [data-id="{selected}"]')
        names.append(block.get_attribute("data-name"))
    assert names == ["features.0", "features.2", "features.5"]
    mark = page.locator("#code-panel mark.cfg-entry")
    assert mark.inner_text() == "128"  # features.5: the first 128 of the cfg list
    context = page.locator("#code-panel .code-line.hl-context")
    assert context.count() == 2  # the cfg line and self.features = make_layers(...)
    session.screenshot("source-vgg16-1280")


def test_resnet_block_shows_its_relus_and_the_addition(session: Session) -> None:
    session.open("resnet18")
    wait_for_code(session)
    page = session.page
    names = page.locator('#diagram-scroll .block[data-name^="layer1.0."]').evaluate_all(
        "nodes => nodes.map(n => n.dataset.name)"
    )
    assert names == [
        "layer1.0.conv1",
        "layer1.0.bn1",
        "layer1.0.relu#1",
        "layer1.0.conv2",
        "layer1.0.bn2",
        "layer1.0.relu#2",
    ]
    page.click('#diagram-scroll .block[data-name="layer1.0.relu#2"]')
    assert (
        page.locator("#code-panel .code-line.hl")
        .inner_text()
        .strip()
        .endswith("return F.relu(out)")
    )


def test_convolution_at_work_steps_and_matches_the_model(session: Session) -> None:
    session.open("simplecnn")
    page = session.page
    draw_seven(session)
    page.click('#diagram-scroll .block[data-name="conv2"]')
    panel = page.locator("#conv-step")
    panel.locator(".conv-model").wait_for(timeout=20_000)
    first = panel.get_attribute("data-unit")
    assert first == "0,7,7"  # channel 0, the centre of 14×14
    assert float(panel.locator(".conv-model").get_attribute("data-difference")) < 1e-4
    assert panel.locator("table.weights").count() == 1
    assert panel.locator("table.values td").count() == 9
    panel.locator("[data-conv-next]").click()
    page.wait_for_function(
        "() => document.querySelector('#conv-step').dataset.unit === '0,7,8'", timeout=20_000
    )
    panel.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "() => document.querySelector('#conv-step').dataset.unit === '0,8,8'", timeout=20_000
    )
    session.screenshot("source-conv-step-1280")
    page.click('#diagram-scroll .block[data-name="pool"]')
    panel.locator(".conv-value").wait_for(timeout=20_000)
    assert "Maximum" in panel.locator(".conv-value").inner_text()
    assert session.problems.unexpected() == []


def test_wide_screen_shows_code_beside_the_whole_diagram(wide: Session) -> None:
    wide.open("vgg16")
    wait_for_code(wide)
    page = wide.page
    diagram = page.locator("#diagram-scroll").bounding_box()
    code = page.locator("#code-panel").bounding_box()
    assert diagram and code and code["x"] > diagram["x"] + diagram["width"] - 1
    wide.screenshot("source-vgg16-1920")


def test_phone_width_stacks_code_under_the_diagram(browser, base_url: str) -> None:
    for session in _session(browser, base_url, PHONE):
        session.open("resnet18")
        wait_for_code(session)
        diagram = session.page.locator("#diagram-scroll").bounding_box()
        code = session.page.locator("#code-panel").bounding_box()
        assert diagram and code and code["y"] >= diagram["y"] + diagram["height"] - 1
        session.screenshot("source-resnet18-phone", full_page=True)


def test_fit_shows_all_of_vgg16_and_stages_collapse_to_six_blocks(session: Session) -> None:
    session.open("vgg16")
    page = session.page
    page.click("#zoom-fit")
    scroll = page.locator("#diagram-scroll")
    box = scroll.evaluate("el => [el.clientWidth, el.clientHeight]")
    svg = page.locator("#diagram-scroll svg.diagram").evaluate(
        "el => [el.width.baseVal.value, el.height.baseVal.value]"
    )
    assert svg[0] <= box[0] and svg[1] <= box[1], (svg, box)
    assert page.locator('#diagram-scroll .block[data-name="classifier.6"]').count() == 1
    session.screenshot("source-vgg16-fit-1280")
    page.select_option("#collapse-level", "stages")
    groups = page.locator("#diagram-scroll .block.kind-container").evaluate_all(
        "nodes => nodes.map(n => n.dataset.container)"
    )
    assert groups == ["stage 1", "stage 2", "stage 3", "stage 4", "stage 5", "head"]
    session.screenshot("source-vgg16-stages-1280")
    page.select_option("#collapse-level", "top")
    tops = page.locator("#diagram-scroll .block.kind-container").evaluate_all(
        "nodes => nodes.map(n => n.dataset.container)"
    )
    assert tops == ["features", "classifier"]
    page.select_option("#collapse-level", "layers")
    assert page.locator("#diagram-scroll .block.kind-container").count() == 0
    assert session.problems.unexpected() == []
