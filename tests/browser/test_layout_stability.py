"""Nothing a student does moves what they are working on: drawing a digit, a wrong value in
Input, and the page's layout at a laptop's and a phone's width."""

from tests.browser.conftest import Session, draw_seven


def _top(page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["y"]


def test_the_canvas_stays_put_while_drawing(session: Session) -> None:
    session.open("simplecnn")
    page = session.page
    before = _top(page, "#draw-canvas")
    draw_seven(session)
    page.wait_for_selector(".maps-panel .hint")  # what a prediction adds appears…
    assert _top(page, "#draw-canvas") == before  # …below the canvas, not above it
    # With a layer pinned, the feature maps of the next stroke land below the canvas too.
    # (Pinning a layer fills the details panel above: that is a click, not a stroke.)
    page.click('[data-name="conv1"]')
    page.wait_for_selector("#layer-maps .maps-grid")
    pinned = _top(page, "#draw-canvas")
    page.click("#draw-clear")
    draw_seven(session)
    page.wait_for_selector("#layer-maps .maps-grid")
    assert _top(page, "#draw-canvas") == pinned
    maps = page.locator("#layer-maps").bounding_box()
    canvas = page.locator("#draw-canvas").bounding_box()
    assert maps is not None and canvas is not None
    assert maps["y"] > canvas["y"] + canvas["height"]
    assert session.problems.unexpected() == []


def test_an_error_moves_neither_the_fields_nor_reset(session: Session) -> None:
    session.open("vgg16")
    page = session.page
    fields = ["#ctl-height", "#ctl-width", "#ctl-batch_size", "#ctl-num_classes", "#ctl-reset"]
    before = {s: page.locator(s).bounding_box() for s in fields}
    panel = page.locator("#controls").bounding_box()
    page.fill("#ctl-batch_size", "0")
    page.locator("#err-batch_size").wait_for(state="visible")
    after = {s: page.locator(s).bounding_box() for s in fields}
    assert after == before
    assert page.locator("#controls").bounding_box() == panel
    reset = after["#ctl-reset"]
    assert reset is not None and reset["y"] + reset["height"] <= 800, "Reset stays on screen"
    assert session.problems.unexpected(allowed_statuses=(422,)) == []


def test_freeze_lives_with_transfer_learning_and_names_the_head(session: Session, api) -> None:
    session.open("vgg16")
    page = session.page
    assert page.locator("#controls-heading ~ form #ctl-freeze").count() == 0
    hint = page.locator("#freeze-hint")
    assert page.locator("#transfer-heading").text_content() == "Transfer learning"
    assert "classifier, all 3 fully connected layers, 123,642,856 parameters" in hint.text_content()
    page.check("#ctl-freeze")
    page.wait_for_selector("#diagram-scroll .block[data-frozen]")
    frozen = api.get("/models/vgg16/summary", params={"freeze": "feature_extractor"}).json()
    assert frozen["totals"]["trainable_params"] == 123_642_856
    session.pick("resnet18")
    assert "fc, one fully connected layer, 5,130 parameters for 10 classes" in hint.text_content()


def test_the_layer_table_fits_a_laptop_window(session: Session) -> None:
    session.open("vgg16")
    page = session.page
    page.click("#tab-table")
    page.wait_for_selector("#layer-table tbody tr")
    scroll = page.locator(".table-scroll").bounding_box()
    assert scroll is not None
    for column in ("params", "share", "mult_adds"):
        header = page.locator(f'#layer-table [data-sort="{column}"]').bounding_box()
        assert header is not None
        assert header["x"] + header["width"] <= scroll["x"] + scroll["width"], column
    # The table has no horizontal scroll left to hide a column in.
    assert page.evaluate(
        "() => { const s = document.querySelector('.table-scroll');"
        " return s.scrollWidth <= s.clientWidth; }"
    )


def test_a_phone_shows_the_diagram_first(phone: Session) -> None:
    phone.open("vgg16")
    page = phone.page
    diagram = page.locator("#diagram-scroll").bounding_box()
    models = page.locator("#model-list").bounding_box()
    controls = page.locator("#controls").bounding_box()
    assert diagram is not None and models is not None and controls is not None
    assert diagram["y"] < 844, f"the diagram starts {diagram['y']:.0f} px down"
    assert models["height"] < 100, "the model picker is one row"
    assert controls["y"] > diagram["y"], "Input follows the diagram"
    phone.pick("resnet18")  # every model is still one tap away (the row scrolls)
    assert page.get_attribute("#diagram-scroll", "data-model") == "resnet18"
